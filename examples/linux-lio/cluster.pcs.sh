#!/bin/sh
# Active/passive on Linux with LIO, with pcs: the same configuration as cluster.crm.
#
#   sh cluster.pcs.sh            edit a copy of the live CIB, then push it
#   sh cluster.pcs.sh FILE       edit the CIB in FILE only (offline)
#
# pcs edits a file and pushes it once: the cluster never sees half of it.
# --no-default-ops: the operations are the ones written here, as in the crm
# form (pcs would add every action the agent's meta-data advertises).
set -eu

if [ $# -gt 0 ]; then
	cib=$1
	push=0
else
	cib=$(mktemp /tmp/twinhead-cib.XXXXXX)
	trap 'rm -f "$cib"' EXIT
	pcs cluster cib "$cib"
	push=1
fi
p() { pcs -f "$cib" "$@"; }

p property set stonith-enabled=true stonith-action=off stonith-timeout=30s \
	no-quorum-policy=stop
p resource defaults update resource-stickiness=100 migration-threshold=3
p resource op defaults update timeout=30s

for head in heada headb; do
	case $head in
	heada) bmc=10.213.0.201 ;;
	headb) bmc=10.213.0.202 ;;
	esac
	# fence_twinhead: reuses twinhead-quorumd's confirmation of this
	# failure, else fences through the BMC (fence_ipmilan: see README.md).
	p stonith create "fence-$head" fence_twinhead ip="$bmc" ipport=623 username=admin \
		password_file="/etc/twinhead/bmc-$head.password" \
		cipher=3 power_timeout=20 \
		pcmk_host_list="$head" \
		op monitor interval=60s timeout=20s
	p constraint location add "l-fence-$head-elsewhere" "fence-$head" "$head" -INFINITY
done

# start timeout 90s: OpenZFS multihost's activity check (cluster.crm).
p resource create tank ocf:twinhead:zpool \
	pool=tank search_dirs=/srv/enclosure/disks force=fenced \
	op start timeout=90s interval=0 stop timeout=60s interval=0 \
	monitor interval=10s timeout=30s \
	monitor interval=67s timeout=30s OCF_CHECK_LEVEL=10 \
	--no-default-ops --group g-tank
p resource create tank-target ocf:twinhead:iscsitarget \
	implementation=lio iqn=iqn.2026-11.org.twinhead:tank tid=1 \
	luns="1:/dev/zvol/tank/lun1" portals=10.213.0.100:3260 \
	allowed_initiators=iqn.2026-11.org.twinhead:client \
	lio_pr_dir=/tank/.lio-pr lio_alua_groups="heada:1 headb:2" \
	op start timeout=60s interval=0 stop timeout=60s interval=0 \
	reload-agent timeout=60s interval=0 \
	monitor interval=10s timeout=20s \
	monitor interval=60s timeout=30s OCF_CHECK_LEVEL=10 \
	--no-default-ops --group g-tank
p resource create tank-ip ocf:twinhead:floatip \
	ip=10.213.0.100 cidr_netmask=24 nic=eth0 \
	op monitor interval=10s timeout=20s \
	--no-default-ops --group g-tank
p constraint location add l-g-tank-prefers-heada g-tank heada 50

if [ "$push" = 1 ]; then
	pcs cluster cib-push "$cib" --config
fi
