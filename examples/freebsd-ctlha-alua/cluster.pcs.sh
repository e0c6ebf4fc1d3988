#!/bin/sh
# FreeBSD CTL HA (ha_mode 2) with ALUA: the pcs form of cluster.crm.
#
#   cluster.pcs.sh            build the configuration in a copy of the live
#                             CIB and push it in one step (diff-against)
#   cluster.pcs.sh CIB-FILE   edit CIB-FILE offline (pcs -f), push nothing;
#                             e.g. cibadmin --empty >cib.xml first
#
# Written for pcs 0.11 (the form "promotable ID OPTIONS"; pcs 0.12 wants
# "promotable ID meta OPTIONS"). README.md explains every choice.
# shellcheck disable=SC1010 # "then" is a word of pcs constraint order
set -eu

usage() {
	echo "usage: $0 [CIB-FILE]" >&2
	exit 2
}

[ $# -le 1 ] || usage
case ${1:-} in -*) usage ;; esac

if [ $# -eq 1 ]; then
	cib=$1
	[ -f "$cib" ] || {
		echo "$0: $cib: no such file (make one with: cibadmin --empty >$cib)" >&2
		exit 1
	}
	live=
else
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	pcs cluster cib "$work/orig.xml"
	cp "$work/orig.xml" "$work/new.xml"
	cib=$work/new.xml
	live=1
fi

p() { pcs -f "$cib" "$@"; }

p property set stonith-enabled=true stonith-action=off no-quorum-policy=stop \
	cluster-delay=20s
# No failback: a repaired head rejoins as the secondary.
p resource defaults update resource-stickiness=100

# Fencing: one IPMI device per head, never run on the head it fences:
# fence_twinhead, which reuses twinhead-quorumd's confirmation of this
# failure, else powers the head off through its BMC and reads it back. The
# BMC password stays in a 0600 file on the head that runs the device.
# (fence_ipmilan instead: see README.md.)
p stonith create fence-heada fence_twinhead ip=10.0.0.11 username=admin \
	password_file=/usr/local/etc/twinhead/bmc-heada.pass \
	cipher=3 power_timeout=20 \
	pcmk_host_list=heada pcmk_host_check=static-list \
	op monitor interval=60s timeout=20s
p stonith create fence-headb fence_twinhead ip=10.0.0.12 username=admin \
	password_file=/usr/local/etc/twinhead/bmc-headb.pass \
	cipher=3 power_timeout=20 \
	pcmk_host_list=headb pcmk_host_check=static-list \
	op monitor interval=60s timeout=20s
p constraint location add fence-heada-not-on-heada fence-heada heada -INFINITY
p constraint location add fence-headb-not-on-headb fence-headb headb -INFINITY

# CTL HA role: promoted = kern.cam.ctl.ha_role=0 (primary). heada has
# kern.cam.ctl.ha_id=1 and listens on the HA interconnect; headb connects.
p resource create ctl ocf:twinhead:ctlha --no-default-ops \
	peer=192.168.255.1:7777 listen=1 mode=2 link_timeout=10 pool=tank \
	op start interval=0s timeout=30s \
	op stop interval=0s timeout=30s \
	op promote interval=0s timeout=30s \
	op demote interval=0s timeout=30s \
	op notify interval=0s timeout=20s \
	op monitor interval=10s role=Promoted timeout=10s \
	op monitor interval=11s role=Unpromoted timeout=10s \
	promotable ctl-clone promoted-max=1 promoted-node-max=1 \
	clone-max=2 clone-node-max=1 notify=true interleave=true

# The pool: imported on the primary head only, never with -f unless the
# other head was fenced.
p resource create tank ocf:twinhead:zpool --no-default-ops \
	pool=tank cachefile=none force=fenced \
	op start interval=0s timeout=60s \
	op stop interval=0s timeout=60s \
	op monitor interval=10s timeout=30s \
	op monitor interval=60s timeout=30s OCF_CHECK_LEVEL=10

# The target, on both heads: ctld on the primary serves the optimized path,
# ctld on the secondary the non-optimized one (CTL forwards its I/O).
p resource create target ocf:twinhead:iscsitarget --no-default-ops \
	implementation=ctld iqn=iqn.2026-11.org.example:tank \
	luns=0:/dev/zvol/tank/lun0,1:/dev/zvol/tank/lun1 \
	allowed_initiators=iqn.2026-11.org.example:host1,iqn.2026-11.org.example:host2 \
	incoming_username=tankchap \
	secret_file=/usr/local/etc/twinhead/chap-tank.secret \
	op start interval=0s timeout=60s \
	op stop interval=0s timeout=60s \
	op monitor interval=10s timeout=20s \
	clone target-clone clone-max=2 clone-node-max=1 interleave=true

# The pool goes where CTL is primary, and is imported before the head
# becomes primary: promotion opens the LUNs' zvols, which exist only once
# the pool is imported (and demotion closes them before the export).
p constraint colocation add tank with Promoted ctl-clone INFINITY \
	id=tank-with-ctl-promoted
p constraint order start tank then promote ctl-clone kind=Mandatory \
	id=tank-before-ctl-promote
# On each head ctld serves the LUNs before CTL makes the head primary.
p constraint order start target-clone then promote ctl-clone kind=Mandatory \
	id=target-before-ctl-promote

if [ -n "$live" ]; then
	pcs cluster cib-push "$cib" diff-against="$work/orig.xml"
fi
