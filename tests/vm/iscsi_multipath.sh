#!/bin/bash
# ocf:twinhead:iscsitarget implementation=lio under a dm-multipath client,
# across power losses of the serving head (VM tier: heads a and b on
# Debian's 6.1 kernel with OpenZFS and LIO, a client with open-iscsi and
# multipath-tools; three guests at once).
#
# Each head's portal is on its own address (a 10.214.0.11, b 10.214.0.12:
# in a cluster, per-node values of `portals` through a rule in the
# resource's instance attributes), with lio_alua_groups "a:1 b:2". The
# standby head has no pool, so LIO has no storage object there and serves
# nothing (docs/iscsitarget.md, ALUA): the client's path to it is a session
# that iscsid keeps trying to re-establish. The client logs in once to
# each portal (while that head serves: b first, then a planned switchover
# to a), and a dm-multipath map with the ALUA handler (group_by_prio,
# prio alua, hardware_handler "1 alua", no_path_retry bounded,
# fast_io_fail_tmo; see MPATH_CONF) holds both paths. Then, per round:
#
#  - the client writes numbered 4 KiB blocks through the map with
#    O_DIRECT|O_DSYNC, one dd each, and logs every acknowledgement;
#  - the serving head loses its power (SIGKILL of its qemu); the other one
#    imports the pool (import -f) and starts the target, as the cluster
#    would after fencing;
#  - checked: the writer goes on by itself (nobody runs iscsiadm: iscsid
#    re-logs the existing session in, on the path it kept), no write
#    fails (the map queues while no path is up), the session on the new
#    head's path is the one the client logged in with before, the map
#    shows that path active and the dead head's path failed, the client
#    reads the new head's port group (RTPG) active/optimized, and every
#    acknowledged block reads back through the map;
#  - the dead head boots again as the standby, for the next round in the
#    other direction: there, the path to the head that was power-cycled
#    comes back by itself.
#
# VM_MPATH_ROUNDS (default 2: both directions, so each path comes back
# once). VM_MPATH_MODE=vip runs the same rounds with one floating IP
# (ocf:twinhead:floatip) and one path, no multipath: the comparison.
# VM_RESULTS=FILE appends one "mpath ..." line per round with the
# timeline (bench/iscsi-multipath-vm.sh).
# shellcheck disable=SC2016 # single-quoted scripts are expanded in the guest
set -uo pipefail
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
export TH_SRCDIR TH_BUILDDIR
. "$TH_SRCDIR/tests/lib/tap.sh"
. "$TH_SRCDIR/tests/lib/vm.sh"

ROUNDS=${VM_MPATH_ROUNDS:-2}
MODE=${VM_MPATH_MODE:-mpath}
[[ $MODE == mpath || $MODE == vip ]] || tap_skip_all "VM_MPATH_MODE is mpath or vip"
IQN=iqn.2026-12.org.twinhead:mpath
CLIENT_IQN=iqn.2026-12.org.twinhead:mclient
declare -A ADDR=([a]=10.214.0.11 [b]=10.214.0.12)
VIP=10.214.0.100
ACTION_MS=60000
LUNS="1:/dev/zvol/tank/vol1"
serial() { printf '%s\0%s' "$IQN" "$1" | sha256sum | cut -c33-48; }
# LIO's NAA designator: 6, the IEEE company id 0x001405, then the serial's
# hex digits; multipath names the map 3 + that.
# 25 digits, zero-padded (spc_gen_naa_6h_vendor_specific).
WWID=36001405$(serial 1)000000000
MP=/dev/mapper/$WWID
# queue while no path is up, but not forever: 300 checks of 1 s, longer
# than any takeover here (import + start under TCG on a loaded host), short
# enough that a cluster that never comes back fails the I/O instead of
# hanging its writers for good. polling_interval 1: a failed path is
# checked every second (the default, 5 s, adds up to 4 s to the pause).
# fast_io_fail_tmo: multipathd writes it into each iSCSI path's session as
# its recovery timeout, over open-iscsi's replacement_timeout (so a
# replacement_timeout set in the node record alone changes nothing here).
REPL=${VM_MPATH_REPL:-5}
MPATH_CONF="defaults {
	polling_interval 1
	find_multipaths no
	user_friendly_names no
	fast_io_fail_tmo $REPL
}
devices {
	device {
		vendor \"TWINHEAD\"
		product \"VDISK\"
		path_grouping_policy group_by_prio
		prio alua
		hardware_handler \"1 alua\"
		path_checker tur
		failback immediate
		no_path_retry 300
	}
}"

vm_require
vm_up a b client

portal_of() { [[ $MODE == vip ]] && echo "$VIP:3260" || echo "${ADDR[$1]}:3260"; }
# lio NODE ACTION [VAR=VALUE...]: the agent in NODE, its output, then
# "rc=N" as the last line.
lio() {
	local node=$1 action=$2
	shift 2
	vm_run "$node" "export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=lio \
OCF_RESKEY_CRM_meta_timeout=$ACTION_MS OCF_RESKEY_implementation=lio OCF_RESKEY_iqn=$IQN \
OCF_RESKEY_portals=$(portal_of "$node") OCF_RESKEY_luns='$LUNS' \
OCF_RESKEY_allowed_initiators=$CLIENT_IQN OCF_RESKEY_lio_alua_groups='a:1 b:2' $*
/usr/lib/ocf/resource.d/twinhead/iscsitarget $action 2>&1; echo rc=\$?"
}
rc_of() { sed -n 's/^rc=\([0-9]*\)$/\1/p' <<<"$1" | tail -1; }
VIPCMD="OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=vip OCF_RESKEY_ip=$VIP \
OCF_RESKEY_cidr_netmask=24 OCF_RESKEY_nic=eth0 /usr/lib/ocf/resource.d/twinhead/floatip"

HEAD_SETUP="modprobe zfs && modprobe target_core_mod && modprobe target_core_iblock &&
modprobe iscsi_target_mod && mountpoint -q /sys/kernel/config"
vm_ok "a: OpenZFS and LIO load" a "$HEAD_SETUP"
vm_ok "b: OpenZFS and LIO load" b "$HEAD_SETUP"
vm_ok "a: the pool and a zvol, then exported (b serves first)" a '
zpool create -f -o cachefile=none -O mountpoint=/tank tank /dev/disk/by-id/virtio-encl0 &&
zfs create -V 64M tank/vol1 && udevadm settle && test -b /dev/zvol/tank/vol1 && zpool export tank'

# takeover NODE [-f]: import the pool and start the target (and the
# floating IP in vip mode) in one script; prints the guest's clock (us)
# at each step: "import0= import1= target1= ip1=" and the agent's output.
takeover() {
	local node=$1 force=${2:-} ipstep=":"
	[[ $MODE == vip ]] && ipstep="$VIPCMD start >/tmp/vip.out 2>&1 || { cat /tmp/vip.out; exit 1; }"
	# (A head that booted before the pool was made has the disk's old
	# partition table: re-read it first, as the zpool agent does.)
	vm_run "$node" "t0=\${EPOCHREALTIME/./}
blockdev --rereadpt /dev/disk/by-id/virtio-encl0 2>/dev/null; udevadm settle
zpool import $force -d /dev/disk/by-id tank && udevadm settle && test -b /dev/zvol/tank/vol1 || exit 1
t1=\${EPOCHREALTIME/./}
export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=lio OCF_RESKEY_CRM_meta_timeout=$ACTION_MS \
OCF_RESKEY_implementation=lio OCF_RESKEY_iqn=$IQN OCF_RESKEY_portals=$(portal_of "$node") \
OCF_RESKEY_luns='$LUNS' OCF_RESKEY_allowed_initiators=$CLIENT_IQN OCF_RESKEY_lio_alua_groups='a:1 b:2'
/usr/lib/ocf/resource.d/twinhead/iscsitarget start >/tmp/start.out 2>&1 || { cat /tmp/start.out; exit 1; }
t2=\${EPOCHREALTIME/./}
$ipstep
echo import0=\$t0 import1=\$t1 target1=\$t2 ip1=\${EPOCHREALTIME/./}"
}
# release NODE: the planned half of a switchover: stop, export.
release() {
	local out
	out=$(lio "$1" stop)
	[[ $(rc_of "$out") == 0 ]] || { echo "$out"; return 1; }
	[[ $MODE == vip ]] && { vm_run "$1" "$VIPCMD stop" || return 1; }
	vm_run "$1" 'zpool export tank'
}

# The client: open-iscsi with the ACL's initiator name.
vm_ok "client: open-iscsi and dm-multipath modules, iscsid" client "
modprobe iscsi_tcp && modprobe sd_mod && modprobe sg && modprobe dm_multipath &&
modprobe scsi_dh_alua && mkdir -p /etc/iscsi &&
echo InitiatorName=$CLIENT_IQN >/etc/iscsi/initiatorname.iscsi &&
setsid bash -c 'iscsid -f 2>&1 | while IFS= read -r l; do echo \"\${EPOCHREALTIME/./} \$l\"; done' >/tmp/iscsid.log 2>&1 </dev/null &
end=\$((SECONDS + 30))
until iscsiadm -m session 2>&1 | grep -q 'No active sessions'; do ((SECONDS < end)) || exit 1; sleep 0.2; done"
# login NODE: discovery and login on NODE's portal. With multipath the
# SCSI layer hands a failed path's I/O to dm-multipath after 5 s
# (fast_io_fail_tmo, above; the map queues it); with a single path nothing
# can take over, so the session holds it (replacement_timeout 900 s) until
# it comes back. A dead
# connection is noticed by NOP-Outs: one every 5 s, 5 s to answer
# (open-iscsi's defaults). VM_MPATH_REPL and VM_ISCSI_NOOP change them
# (the bench's tuned runs).
NOOP=${VM_ISCSI_NOOP:-5}
login() {
	local p
	p=$(portal_of "$1")
	vm_run client "iscsiadm -m discovery -t sendtargets -p $p >/dev/null &&
iscsiadm -m node -T $IQN -p $p -o update -n node.session.timeo.replacement_timeout -v $([[ $MODE == mpath ]] && echo "$REPL" || echo 900) &&
iscsiadm -m node -T $IQN -p $p -o update -n node.conn[0].timeo.noop_out_interval -v $NOOP &&
iscsiadm -m node -T $IQN -p $p -o update -n node.conn[0].timeo.noop_out_timeout -v $NOOP &&
iscsiadm -m node -T $IQN -p $p --login && udevadm settle 2>&1"
}
# paths: per session, "PORTAL STATE CHECKER-STATE" of its disk in the map.
paths() {
	vm_run client "iscsiadm -m session -P3 | awk '/Current Portal:/ { p = \$3 } /Attached scsi disk/ { print p, \$4 }' |
while read -r p d; do echo \"\${p%,*} \$(multipath -ll $WWID | grep -o \" \$d [0-9:]* .*\" | awk '{ print \$3, \$4 }')\"; done"
}
# sid NODE: the id of the client's session to NODE's portal.
sid() {
	vm_run client "iscsiadm -m session | sed -n 's/^tcp: \[\([0-9]*\)\] $(portal_of "$1" | sed 's/\./\\./g'),.*/\1/p'"
}

if [[ $MODE == mpath ]]; then
	out=$(takeover b)
	tap_is "b imports the pool and starts the target on its own portal" $? 0 || tap_diag "$out"
	out=$(login b)
	tap_is "the client logs in to b's portal" $? 0 || tap_diag "$out"
	# The standby serves nothing: no target in its configfs, and a login
	# to its portal fails (nothing listens) instead of leaving a session
	# that waits for the target: a path to the standby exists only once
	# the client has logged in there while that head served.
	tap_is "a, the standby, has no target (no pool, no storage object)" \
		"$(vm_run a "ls /sys/kernel/config/target/iscsi 2>/dev/null | grep -c ^iqn")" 0
	out=$(vm_run client "iscsiadm -m node -T $IQN -p $(portal_of a) -o new >/dev/null &&
iscsiadm -m node -T $IQN -p $(portal_of a) -o update -n node.session.initial_login_retry_max -v 1 &&
iscsiadm -m node -T $IQN -p $(portal_of a) --login 2>&1; echo rc=\$?
iscsiadm -m session | grep -c $(portal_of a)")
	tap_diag "$out"
	tap_like "  a login to its portal fails and leaves no session" "$out" "rc=[1-9][0-9]*"$'\n'"0\$"
	vm_ok "client: multipathd with the ALUA handler (the map starts with b's path)" client "cat >/etc/multipath.conf <<'EOF'
$MPATH_CONF
EOF
setsid multipathd -d -s -v3 >/tmp/multipathd.log 2>&1 </dev/null &
end=\$((SECONDS + 60))
until multipath -ll $WWID 2>/dev/null | grep -q 'sd[a-z]'; do ((SECONDS < end)) || exit 1; sleep 1; done"
	out=$(release b)
	tap_is "b stops the target and exports the pool (a planned switchover)" $? 0 || tap_diag "$out"
	out=$(takeover a)
	tap_is "a imports the pool and starts the target on its own portal" $? 0 || tap_diag "$out"
	out=$(login a)
	tap_is "the client logs in to a's portal" $? 0 || tap_diag "$out"
	vm_ok "  multipathd adds a's path to the map" client "end=\$((SECONDS + 60))
until [ \$(multipath -ll $WWID | grep -c ' sd[a-z]') = 2 ] && multipath -ll $WWID | grep -q 'prio=50 status=active'; do
((SECONDS < end)) || exit 1; sleep 1; done"
	ll=$(vm_run client "multipath -ll $WWID")
	tap_diag "$ll"
	tap_like "one map for both paths, named by the LUN's NAA designator" "$ll" "^$WWID"
	tap_like "  with the ALUA handler" "$ll" "hwhandler='1 alua'"
	tap_is "  two paths" "$(grep -c -E '[0-9]+:[0-9]+:[0-9]+:[0-9]+ sd' <<<"$ll")" 2
	tap_like "  the path group of prio 50 (active/optimized) is the active one" "$ll" "prio=50 status=active"
	ps=$(paths)
	tap_diag "$ps"
	tap_like "  a's path active" "$ps" "$(portal_of a) active ready"
	tap_like "  b's path failed (b serves nothing)" "$ps" "$(portal_of b) failed"
else
	out=$(takeover a)
	tap_is "a imports the pool, starts the target and the floating IP" $? 0 || tap_diag "$out"
	out=$(login a)
	tap_is "the client logs in through the floating IP" $? 0 || tap_diag "$out"
	MP=/dev/disk/by-path/ip-$VIP:3260-iscsi-$IQN-lun-1
fi

# The guest's clock against the host's: OFFSET (us, guest - host) and the
# round trip it was read in (the offset's error is at most half of it).
clock() {
	local best=999999999 t0 g t1
	for _ in 1 2 3; do
		t0=$(date +%s%6N)
		g=$(vm_run "$1" 'echo ${EPOCHREALTIME/./}')
		t1=$(date +%s%6N)
		if ((t1 - t0 < best)); then
			best=$((t1 - t0))
			OFFSET=$((g - (t0 + t1) / 2))
		fi
	done
	RTT=$best
}

# The writer: block N holds "th-mpath RUN N", written to block N, one dd
# each (O_DIRECT, O_DSYNC); "N TIME_US" logged after each acknowledgement,
# "fail N TIME_US" after a failed write; it stops at /tmp/w.stop.
writer_start() {
	vm_run client "rm -f /tmp/w.stop /tmp/w.log /tmp/w.err
setsid bash -c 'i=$1; while [ ! -e /tmp/w.stop ] && ((i < 16000)); do
printf \"th-mpath %s %d\n\" $RUN \$i >/tmp/blk
if dd if=/tmp/blk of=$MP bs=4096 count=1 seek=\$i conv=sync,notrunc oflag=direct,dsync status=none 2>>/tmp/w.err
then echo \"\$i \${EPOCHREALTIME/./}\"; else echo \"fail \$i \${EPOCHREALTIME/./}\"; fi >>/tmp/w.log
i=\$((i + 1)); done' >/dev/null 2>&1 </dev/null &"
}
acks() { vm_run client 'cat /tmp/w.log 2>/dev/null | awk "/^[0-9]/ { n++ } END { print n + 0 }"'; }
# wait_acks N SECONDS: until the writer has N acknowledgements.
wait_acks() {
	local end=$((SECONDS + $2)) n
	while ((SECONDS < end)); do
		n=$(acks)
		((n >= $1)) && return 0
		sleep 1
	done
	return 1
}

RUN=$RANDOM$RANDOM
next=0
srv=a stby=b
for ((round = 1; round <= ROUNDS; round++)); do
	tap_diag "round $round: $srv serves, $stby stands by ($MODE)"
	sid_before=$([[ $MODE == mpath ]] && sid "$stby")
	writer_start "$next"
	wait_acks 20 120
	tap_is "round $round: the client writes through $([[ $MODE == mpath ]] && echo the map || echo the floating IP)" $? 0 ||
		tap_diag "$(vm_run client 'cat /tmp/w.err; tail -3 /tmp/w.log')"
	n0=$(acks)
	clock client
	coff=$OFFSET crtt=$RTT
	clock "$stby"
	soff=$OFFSET srtt=$RTT
	t_kill=$(date +%s%6N)
	vm_poweroff "$srv"
	tl=$(VM_TIMEOUT=$((ACTION_MS / 1000 + 120)) takeover "$stby" -f)
	tap_is "  $srv loses its power; $stby imports the pool (import -f) and starts the target" $? 0 ||
		tap_diag "$tl"
	wait_acks $((n0 + 20)) $((ACTION_MS / 1000 + 180))
	tap_is "  the writer goes on by itself, through $stby" $? 0 ||
		tap_diag "$(vm_run client 'iscsiadm -m session -P1; multipath -ll; tail -20 /tmp/multipathd.log; dmesg | tail -20; tail -3 /tmp/w.log')"
	vm_run client 'touch /tmp/w.stop; sleep 1' >/dev/null
	log=$(vm_run client 'cat /tmp/w.log')
	tap_is "  no write failed (the map queued them while no path was up)" \
		"$(grep -c '^fail' <<<"$log")" 0 || tap_diag "$(vm_run client 'cat /tmp/w.err')" "$(grep '^fail' <<<"$log" | head)"
	# Every acknowledged block reads back through the map (now $stby).
	last=$(grep '^[0-9]' <<<"$log" | tail -1 | cut -d' ' -f1)
	missing=$(vm_run client "dd if=$MP bs=4096 skip=$next count=$((last - next + 1)) iflag=direct status=none |
tr -s '\\0' '\\n' | sed -n 's/^th-mpath $RUN \\([0-9]*\\)\$/\\1/p' | sort >/tmp/read
grep '^[0-9]' /tmp/w.log | cut -d' ' -f1 | sort | comm -23 - /tmp/read | wc -l")
	tap_is "  every acknowledged write ($(grep -c '^[0-9]' <<<"$log")) reads back through $stby" "$missing" 0
	if [[ $MODE == mpath ]]; then
		tap_is "  $stby's path: the session the client logged in with (nobody ran iscsiadm)" \
			"$(sid "$stby")" "$sid_before"
		ps=$(paths)
		tap_diag "$ps" "$(vm_run client "multipath -ll $WWID")"
		tap_like "  the map: $stby's path active" "$ps" "$(portal_of "$stby") active ready"
		tap_like "  and $srv's path failed" "$ps" "$(portal_of "$srv") failed"
		g=$([[ $stby == a ]] && echo 1 || echo 2)
		tap_like "  RTPG through the map: $stby's group ($g) active/optimized" \
			"$(vm_run client "sg_rtpg -d $MP 2>&1 | grep -A1 'group id : 0x$g '")" "active/optimized"
	fi
	# The timeline, microseconds on the host's clock from the power loss.
	gap=$(grep '^[0-9]' <<<"$log" | awk '{ if (p && $2 - p > g) { g = $2 - p; a = $2 } p = $2 } END { print g, a }')
	read -r gap_us ack_c <<<"$gap"
	ack_ms=$(((ack_c - coff - t_kill) / 1000))
	import0=0 import1=0 target1=0 ip1=0
	eval "$(grep -o 'import0=[0-9]* import1=[0-9]* target1=[0-9]* ip1=[0-9]*' <<<"$tl")"
	line="mode=$MODE noop_s=$NOOP repl_s=$([[ $MODE == mpath ]] && echo "$REPL" || echo 900) round=$round from=$srv to=$stby import_begin_ms=$(((import0 - soff - t_kill) / 1000))"
	line+=" import_ms=$(((import1 - soff - t_kill) / 1000)) target_ms=$(((target1 - soff - t_kill) / 1000))"
	line+=" ip_ms=$(((ip1 - soff - t_kill) / 1000)) ack_ms=$ack_ms gap_ms=$((gap_us / 1000))"
	line+=" after_up_ms=$(((ack_c - coff - ip1 + soff) / 1000)) clock_err_ms=$(((crtt + srtt) / 2000))"
	# The initiator's side, on the client's clock: the dead connection
	# detected (NOP-Out timeout), the session's replacement timeout (its
	# I/O handed to dm-multipath), the session on the new head's portal
	# logged in again (iscsid).
	klog=$(vm_run client 'echo off $((${EPOCHREALTIME/./} - $(awk "{ printf \"%d\", \$1 * 1000000 }" /proc/uptime)))
dmesg | grep -E "detected conn error|recovery timed out"')
	koff=$(sed -n 's/^off //p' <<<"$klog")
	since() { # first kernel-log line matching $1 after the power loss, in ms
		awk -v o="$koff" -v c="$coff" -v k="$t_kill" -v re="$1" '
			$0 ~ re { t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); t = t * 1000000 + o - c - k
				if (t > 0) { printf "%d", t / 1000; f = 1; exit } }
			END { if (!f) printf "-" }' <<<"$klog"
	}
	line+=" conn_err_ms=$(since 'detected conn error') repl_timeout_ms=$(since 'recovery timed out')"
	relog=$(vm_run client "grep 'operational after recovery' /tmp/iscsid.log | tail -1")
	tap_diag "iscsid: $relog"
	relog=${relog%% *}
	line+=" relogin_ms=$([[ $relog =~ ^[0-9]+$ ]] && echo $(((relog - coff - t_kill) / 1000)) || echo -)"
	tap_diag "round $round: $line"
	[[ -n ${VM_RESULTS:-} ]] && echo "mpath $line" >>"$VM_RESULTS"
	next=$((last + 1))
	((round < ROUNDS)) || break
	vm_poweron "$srv"
	vm_ok "  $srv boots again as the standby" "$srv" "$HEAD_SETUP"
	tmp=$srv srv=$stby stby=$tmp
done
if [[ $MODE == mpath ]]; then
	tap_diag "$(vm_run client 'dmesg | grep -E "alua|detected conn|recovery|Sense|sd [0-9:]*: \[" | tail -40')"
fi
tap_done
