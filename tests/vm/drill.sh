#!/bin/bash
# The failover drill on the real stack (VM tier): heads a and b share the
# enclosure (encl0: the quorum disk; encl1: a multihost pool); on both,
# twinhead-quorumd runs standalone in watchdog mode on softdog, with the
# agents as its hooks, in the form of examples/standalone-quorumd:
# promote = zpool start (force=fenced), iscsitarget start (LIO, LUN 1 a
# file on the pool), floatip start; demote the same stops. No BMC in the
# VMs: the survivor takes over on the watchdog bound (timeout_ms +
# watchdog_ms), which is the design there. The client guest writes through
# the floating IP with tests/tools/iscsi-client's drill, and the primary
# loses its power (SIGKILL of its qemu) while it writes. Two clients write
# at once, on LBAs of their own (VM_DRILL_CLIENTS=both, the default; or
# libiscsi, or kernel):
#  - libiscsi: the client speaks iSCSI itself and logs in again itself;
#  - kernel: the same client writes to the block device the kernel's
#    open-iscsi initiator made (-d, O_DIRECT|O_DSYNC), and the kernel's
#    session rides through the failover: its NOP-Out notices the dead head
#    (noop_out_interval 1 s, noop_out_timeout 2 s), iscsid logs in again
#    through the floating IP, and the write in flight, queued meanwhile,
#    is sent again on the same device: the replacement timeout is longer
#    than any failover here (BACK_S + 30 s), so no write fails back to the
#    client and nothing reopens the device.
# After the rounds, the libiscsi client on LIO's three caching settings
# (changed by hand in configfs): it reads MODE SENSE and sends FUA only
# where DPOFUA says so, else WRITE and SYNCHRONIZE CACHE, else a plain
# write; LIO refuses FUA elsewhere, so a client that always sent it would
# have no write acknowledged there.
#
# Per round, asserted:
#  - the client resumed through the survivor (a login after the loss and
#    acknowledged writes after it, with the floating IP on the survivor);
#  - the survivor took over on the watchdog bound and started the pool's
#    import only after it: on its own clock, the import began at least
#    timeout_ms + watchdog_ms after the last change it saw in the dead
#    head's slot (quorumd's published peer_seen_ms);
#  - every acknowledged write is on the LUN (iscsi-client verify-log,
#    through the survivor; the kernel client's log read back through its
#    device and, independently, over libiscsi).
# Timed, from the power loss (host clock; the guests' clocks are mapped to
# it through their consoles, see clock_offset): takeover, MMP wait and
# import, target up, IP up, each client's login (for the kernel client:
# its session LOGGED_IN again) and first acknowledged write.
#
# VM_DRILL_ROUNDS rounds (default 1; each fails whichever head is primary,
# the dead head boots again and rejoins as secondary in between);
# bench/vm-drill.sh runs several and prints the median and worst.
# VM_RESULTS=FILE appends one "drill round=..." line per round.
# shellcheck disable=SC2317 # functions called through wait_for and tap_check
# shellcheck disable=SC2016 # single-quoted scripts are expanded in the guest
set -uo pipefail
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
export TH_SRCDIR TH_BUILDDIR
. "$TH_SRCDIR/tests/lib/tap.sh"
. "$TH_SRCDIR/tests/lib/vm.sh"

ROUNDS=${VM_DRILL_ROUNDS:-1}
CLIENTS=${VM_DRILL_CLIENTS:-both}
case $CLIENTS in
both) LIB=1 KERN=1 ;;
libiscsi) LIB=1 KERN='' ;;
kernel) LIB='' KERN=1 ;;
*) echo "VM_DRILL_CLIENTS: both, libiscsi or kernel, not '$CLIENTS'" >&2; exit 2 ;;
esac
QDISK=/dev/disk/by-id/virtio-encl0
PDISK=/dev/disk/by-id/virtio-encl1
IQN=iqn.2026-12.org.twinhead:drill
CLIENT_IQN=iqn.2026-12.org.twinhead:client
VIP=10.214.0.100
# quorumd: the defaults of interval_ms (500) and timeout_ms (2000), and
# watchdog_ms 7500 (a softdog timeout of 5 s) as tests/vm/quorumd_softdog.sh.
TIMEOUT_MS=2000
WD_MS=7500
BOUND_MS=$((TIMEOUT_MS + WD_MS))
# zfs_multihost_interval on both heads: the activity check of an import
# after a power loss takes about 5 s at 100 ms (docs/failover.md); at the
# default 1000 ms about 25 s (the agent's start timeout below allows both).
MMP_MS=${VM_MMP_INTERVAL_MS:-100}
# The agents' deadlines, as examples/standalone-quorumd: 60 s for pool and
# target, 30 s for the IP, inside quorumd's hook_timeout_ms.
# At 1000 ms and more the pool gets 90 s: the activity check can run twice
# (docs/failover.md, MMP; 52 s seen in the drill), as ocf_twinhead_zpool(7)
# advises.
POOL_MS=60000 TARGET_MS=60000 IP_MS=30000
((MMP_MS >= 1000)) && POOL_MS=90000
HOOK_MS=$((POOL_MS + 30000))
# How long the client may take to be back after the power loss: the
# watchdog bound, the three hooks' whole deadlines, and 120 s for TCG on a
# loaded host (quorumd's ticks, the client's login attempts).
BACK_S=$(((BOUND_MS + POOL_MS + TARGET_MS + IP_MS) / 1000 + 120))
LOG=/var/log/twinhead/th.log
CONF=/etc/twinhead/quorumd.conf
DRILL_LOG=/root/drill.log
KDRILL_LOG=/root/kdrill.log
# The kernel client's device: udev's name for LUN 1 of the session.
KDEV=/dev/disk/by-path/ip-$VIP:3260-iscsi-$IQN-lun-1
STATE=${TWINHEAD_VM_DIR:-/tmp/twinhead-vm}/$TWINHEAD_VM_NAME
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; vm_down' EXIT

vm_require
vm_up --disks 2 a b client
trap 'rm -rf "$TMP"; vm_down' EXIT

ocf() { # the words of one resource's hook line, without the action
	echo "HA_logfile=$LOG OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=$1 OCF_RESKEY_CRM_meta_timeout=$2 ${*:3}"
}
ZP=$(ocf tank $POOL_MS OCF_RESKEY_pool=tank OCF_RESKEY_search_dirs=/dev/disk/by-id OCF_RESKEY_force=fenced \
	/usr/lib/ocf/resource.d/twinhead/zpool)
# write_cache=true: the LUN reports WCE=1, so the client's every write
# carries FUA (LIO refuses FUA on a LUN without write cache: INVALID FIELD
# IN CDB) and only FUA makes it stable: the stricter case for the drill.
TG=$(ocf tank-target $TARGET_MS OCF_RESKEY_implementation=lio OCF_RESKEY_iqn=$IQN OCF_RESKEY_write_cache=true \
	OCF_RESKEY_luns=1:/tank/lun1 OCF_RESKEY_portals=$VIP:3260 OCF_RESKEY_allowed_initiators=$CLIENT_IQN \
	/usr/lib/ocf/resource.d/twinhead/iscsitarget)
IP=$(ocf tank-ip $IP_MS OCF_RESKEY_ip=$VIP OCF_RESKEY_cidr_netmask=24 OCF_RESKEY_nic=eth0 \
	/usr/lib/ocf/resource.d/twinhead/floatip)

# head_setup NODE: modules (OpenZFS with the MMP interval, LIO, softdog)
# and quorumd's configuration; after every boot (nothing survives one).
head_setup() {
	local id=1
	[[ $1 == b ]] && id=2
	vm_run "$1" "modprobe zfs && echo $MMP_MS >/sys/module/zfs/parameters/zfs_multihost_interval &&
modprobe target_core_mod && modprobe target_core_file && modprobe iscsi_target_mod &&
mountpoint -q /sys/kernel/config && modprobe softdog soft_noboot=0 && mkdir -p /etc/twinhead /var/log/twinhead &&
cat >$CONF <<EOF
cluster = vm
node_id = $id
disk = $QDISK
timeout_ms = $TIMEOUT_MS
watchdog_ms = $WD_MS
watchdog_device = /dev/watchdog
mode = standalone
hook_timeout_ms = $HOOK_MS
promote = $ZP start
promote = $TG start
promote = $IP start
demote = $ZP stop
demote = $TG stop
demote = $IP stop
EOF
twinhead-quorumd check -c $CONF"
}
qd_start() {
	vm_run "$1" "HA_logfile=$LOG setsid twinhead-quorumd -c $CONF </dev/null >>/var/log/twinhead/quorumd.out 2>&1 &"
}
role() { vm_run "$1" "twinhead-quorumd status -c $CONF 2>/dev/null | sed -n 's/^role=//p'"; }
# serving NODE: its promote hooks all succeeded and it has the IP.
serving() {
	vm_run "$1" "grep -q 'promote hook.*floatip succeeded' $LOG 2>/dev/null && ip -4 addr show eth0 | grep -qF ' $VIP/'"
}
# wait_for SECONDS CMD...: until CMD succeeds (polled; each poll is a
# control-channel round trip of seconds under load).
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		((SECONDS < end)) || return 1
		sleep 1
	done
}
is_role() { [[ $(role "$1") == "$2" ]]; }
# Bounds: a role within 3 rounds of quorumd's timeout plus 60 s for TCG;
# the services within the three hooks' deadlines plus that.
ROLE_S=$((3 * TIMEOUT_MS / 1000 + 60))
SERVE_S=$(((POOL_MS + TARGET_MS + IP_MS) / 1000 + ROLE_S))
diag_head() {
	tap_diag "== $1: $(vm_run "$1" "twinhead-quorumd status -c $CONF; tail -25 $LOG; tail -5 /var/log/twinhead/quorumd.out" 2>&1)"
}

# clock_offset NODE: microseconds to add to NODE's CLOCK_REALTIME to get
# the host's. The guest writes its clock to its console (ttyS0, a file
# qemu writes as the guest's UART does) and the host stamps each line as
# it appears; the smallest difference of 10 is the offset plus the least
# latency seen (milliseconds at most; a control-channel round trip, seconds
# under load, would be no measure).
clock_offset() {
	local f=$TMP/stamps.$1
	local reader
	timeout 120 tail -n0 -F --pid=$$ "$STATE/$1.console" 2>/dev/null |
		while IFS= read -r l; do [[ $l == *thclk* ]] && echo "${EPOCHREALTIME/./} $l"; done >"$f" &
	reader=$!
	sleep 1
	vm_run "$1" 'for i in 1 2 3 4 5 6 7 8 9 10; do echo "thclk ${EPOCHREALTIME/./}" >/dev/ttyS0; sleep 0.1; done' >/dev/null
	sleep 1
	# The reader; tail ends at its next line (SIGPIPE), when this test
	# exits (--pid) or after 120 s.
	kill "$reader" 2>/dev/null
	awk '{ for (i = 2; i < NF; i++) if ($i == "thclk") { d = $1 - $(i + 1); if (n++ == 0 || d < m) m = d } }
		END { if (n) print m }' "$f"
}

# guest_events NODE: the survivor's timeline in its own clock (epoch µs):
# lines "EVENT US" from quorumd's and the agents' log (milliseconds), and
# "seen US" for quorumd's peer_seen_ms mapped from CLOCK_MONOTONIC.
guest_events() {
	vm_run "$1" "ev() { local l; l=\$(grep -a \"\$2\" $LOG | tail -1); [ -n \"\$l\" ] &&
echo \"\$1 \$(date -d \"\$(echo \"\$l\" | cut -c1-19)\" +%s%6N)\"; }
ev takeover 'starting services'
ev bound 'watchdog bound'
ev import_begin 'start: importing tank'
ev import_end 'start: zpool import .*tank succeeded'
ev target 'promote hook .*iscsitarget succeeded'
ev ip 'promote hook .*floatip succeeded'
read -r up _ </proc/uptime; now=\${EPOCHREALTIME/./}
seen=\$(sed -n 's/^peer_seen_ms=//p' /run/twinhead/quorumd/state)
echo seen \$((now - \${up/./}0000 + seen * 1000))"
}

vm_ok "a: the quorum disk on encl0" a "twinhead-qdisk create $QDISK --cluster vm >/dev/null"
tap_check "a: modules, softdog, quorumd.conf (checked)" head_setup a
tap_check "b: modules, softdog, quorumd.conf (checked)" head_setup b
vm_ok "a: a multihost pool on encl1 with the LUN file, exported" a "
zpool create -f -o multihost=on -o cachefile=none -O mountpoint=/tank tank $PDISK &&
truncate -s 64M /tank/lun1 && zpool export tank"
# A cold start elects only once both heads write their slots (watchdog
# mode never takes over from a head it has not seen): both daemons start,
# the lower node id (a) wins.
qd_start a
qd_start b
wait_for "$SERVE_S" serving a
tap_is "a is primary and serves pool, target and IP" "$(role a)" primary || diag_head a
wait_for "$ROLE_S" is_role b secondary
tap_is "b is secondary" "$(role b)" secondary || diag_head b

# The kernel's initiator in the client guest: discovery and login through
# the floating IP. noop_out 1 s / 2 s: a dead head is noticed about 3 s
# after its last answer (the defaults, 5 s / 5 s, take up to 10 s, longer
# than the takeover); replacement_timeout BACK_S + 30 s, so the kernel
# queues the writes through any failover this test allows.
# login_timeout: open-iscsi's default 15 s unless VM_ISCSI_LOGIN_TIMEOUT
# says otherwise: after a loss, iscsid's first reconnect sends its SYN to
# the dead head (the address has not moved yet) and only this timer ends
# that attempt. iscsid runs in the foreground with its debug log stamped
# with the guest's clock (/var/log/iscsid.log): its reconnect attempts are
# part of the timeline.
ISCSI_LOGIN_S=${VM_ISCSI_LOGIN_TIMEOUT:-15}
kernel_login() {
	vm_run client "modprobe iscsi_tcp && modprobe sd_mod && mkdir -p /etc/iscsi &&
echo InitiatorName=$CLIENT_IQN >/etc/iscsi/initiatorname.iscsi &&
{ pidof iscsid >/dev/null || { (setsid iscsid -f -d 4 </dev/null 2>&1 |
while IFS= read -r l; do echo \"\${EPOCHREALTIME/./} \$l\"; done >/var/log/iscsid.log) & sleep 1; }; } &&
iscsiadm -m discovery -t sendtargets -p $VIP >/dev/null &&
set_node() { iscsiadm -m node -T $IQN -p $VIP:3260 -o update -n \$1 -v \$2; } &&
set_node node.session.timeo.replacement_timeout $((BACK_S + 30)) &&
set_node 'node.conn[0].timeo.noop_out_interval' 1 &&
set_node 'node.conn[0].timeo.noop_out_timeout' 2 &&
set_node 'node.conn[0].timeo.login_timeout' $ISCSI_LOGIN_S &&
iscsiadm -m node -T $IQN -p $VIP:3260 --login >/dev/null && udevadm settle &&
test -b $KDEV && iscsi-client -d $KDEV capacity"
}
if [[ -n $KERN ]]; then
	out=$(kernel_login 2>&1)
	tap_like "the client's open-iscsi logs in through the floating IP: $KDEV" "$out" '^lba=[0-9]+ block_size=512 ' ||
		tap_diag "$out"
fi

# acks LOG: acknowledged writes in a client's log.
acks() { vm_run client "grep -c ' ack ' $1"; }
enough() {
	[[ -z $LIB ]] || (($(acks "$DRILL_LOG") >= 200)) || return 1
	[[ -z $KERN ]] || (($(acks "$KDRILL_LOG") >= 200))
}
# back LOG: "LOGIN_US ACK_US", the client's login after the loss's
# disconnect and its first acknowledged write after that login.
back() {
	vm_run client "awk '\$2 == \"disconnected\" { d = 1 } d && \$2 == \"connected\" { c = \$1 } c && \$2 == \"ack\" { print c, \$1; exit }' $1 | grep ."
}
all_back() {
	[[ -z $LIB ]] || back "$DRILL_LOG" || return 1
	[[ -z $KERN ]] || back "$KDRILL_LOG"
}
# stop_client NAME: SIGTERM, and wait for its exit.
stop_client() {
	vm_run client "kill -TERM \$(cat /root/$1.pid); while kill -0 \$(cat /root/$1.pid) 2>/dev/null; do sleep 0.2; done" >/dev/null
}

declare -a RES
p=a s=b
for ((round = 1; round <= ROUNDS; round++)); do
	tap_diag "round $round: $p loses its power"
	vm_run "$s" ": >$LOG" >/dev/null
	# The drills, LBAs 0..999 (libiscsi) and 2000..2999 (kernel); -t 10
	# per command. libiscsi: -T 1000 (a dead head is noticed within about
	# a second of an unanswered write).
	[[ -z $LIB ]] || vm_run client "setsid iscsi-client -i $CLIENT_IQN -T 1000 -t 10 $VIP $IQN 1 drill 0 1000 $DRILL_LOG \
</dev/null >/root/drill.out 2>/root/drill.err & echo \$! >/root/drill.pid" >/dev/null
	[[ -z $KERN ]] || vm_run client "setsid iscsi-client -t 10 -d $KDEV drill 2000 1000 $KDRILL_LOG \
</dev/null >/root/kdrill.out 2>/root/kdrill.err & echo \$! >/root/kdrill.pid" >/dev/null
	wait_for 120 enough
	tap_check "round $round: the client writes through $p (${LIB:+libiscsi $(acks "$DRILL_LOG") }${KERN:+kernel $(acks "$KDRILL_LOG") }acknowledged)" enough ||
		tap_diag "$(vm_run client "tail -3 $DRILL_LOG $KDRILL_LOG; tail -5 /root/drill.err /root/kdrill.err" 2>&1)"
	off_s=$(clock_offset "$s")
	off_c=$(clock_offset client)
	if [[ -z $off_s || -z $off_c ]]; then
		tap_not_ok "  the guests' clocks read through their consoles"
		break
	fi
	tap_diag "clock offsets to the host: $s ${off_s} µs, client ${off_c} µs (console)"
	t_off=${EPOCHREALTIME/./}
	vm_poweroff "$p"
	# Back: a login after the loss's disconnect and an ack after it.
	if wait_for "$BACK_S" all_back; then
		tap_ok "  the client resumed after the power loss${LIB:+ (libiscsi)}${KERN:+ (kernel initiator: same device)}"
	else
		tap_not_ok "  the client resumed after the power loss (within $BACK_S s)"
		diag_head "$s"
		tap_diag "$(vm_run client "grep -hv ' ack ' $DRILL_LOG $KDRILL_LOG | tail; tail -5 /root/drill.err /root/kdrill.err; iscsiadm -m session -P1" 2>&1)"
		break
	fi
	c_conn=- c_ack=- k_conn=- k_ack=-
	[[ -z $LIB ]] || read -r c_conn c_ack < <(back "$DRILL_LOG")
	[[ -z $KERN ]] || read -r k_conn k_ack < <(back "$KDRILL_LOG")
	tap_is "  $s is primary" "$(role "$s")" primary
	tap_check "  through $s: it holds the floating IP" serving "$s"
	sleep 2
	line_acked=
	if [[ -n $LIB ]]; then
		stop_client drill
		stop=$(vm_run client "tail -1 $DRILL_LOG")
		tap_like "  the libiscsi client stopped cleanly" "$stop" ' stop acked=[0-9]+ failed=[0-9]+ reconnects=1$'
		out=$(vm_run client "iscsi-client -i $CLIENT_IQN $VIP $IQN 1 verify-log $DRILL_LOG 2>&1")
		tap_like "  every write it saw acknowledged is on the LUN, read through $s" "$out" '^verify-log lbas=[0-9]+ acked=[0-9]+ ok$' ||
			tap_diag "$(tail -5 <<<"$out")"
		line_acked+=" $(sed -n 's/.* stop \(acked=[0-9]*\).*/\1/p' <<<"$stop")"
	fi
	if [[ -n $KERN ]]; then
		stop_client kdrill
		kstop=$(vm_run client "tail -1 $KDRILL_LOG")
		tap_like "  the kernel client stopped cleanly, its session back once" "$kstop" ' stop acked=[0-9]+ failed=[0-9]+ reconnects=1$' ||
			tap_diag "$(vm_run client "grep -v ' ack ' $KDRILL_LOG; tail -5 /root/kdrill.err")"
		tap_diag "kernel client, around the loss: $(vm_run client "grep -v ' ack ' $KDRILL_LOG | tr '\n' ';'")"
		# iscsid's reconnect attempts since the loss (guest clock, µs).
		tap_diag "$(vm_run client "awk -v t=\$(awk '\$2 == \"disconnected\" { print \$1 }' $KDRILL_LOG | tail -1) '\$1 >= t' /var/log/iscsid.log |
grep -E 'reopen|connect|Login|login|conn error|poll|timed out' | tail -40")"
		out=$(vm_run client "iscsi-client -d $KDEV verify-log $KDRILL_LOG 2>&1")
		tap_like "  every write it saw acknowledged is on the LUN, read back through its device" "$out" '^verify-log lbas=[0-9]+ acked=[0-9]+ ok$' ||
			tap_diag "$(tail -5 <<<"$out")"
		out=$(vm_run client "iscsi-client -i $CLIENT_IQN $VIP $IQN 1 verify-log $KDRILL_LOG 2>&1")
		tap_like "  and read back over libiscsi, past the kernel" "$out" '^verify-log lbas=[0-9]+ acked=[0-9]+ ok$' ||
			tap_diag "$(tail -5 <<<"$out")"
		line_acked+=" kernel_$(sed -n 's/.* stop \(acked=[0-9]*\).*/\1/p' <<<"$kstop")"
	fi
	ev=$(guest_events "$s")
	tap_diag "$s's events (its clock, µs): $(tr '\n' ' ' <<<"$ev")"
	get() { sed -n "s/^$1 //p" <<<"$ev"; }
	t_seen=$(get seen) t_bound=$(get bound) t_take=$(get takeover) t_ib=$(get import_begin)
	t_ie=$(get import_end) t_tg=$(get target) t_ip=$(get ip)
	tap_like "  $s took over on the watchdog bound" "$t_bound" '^[0-9]+$'
	gap=-
	[[ $t_ib =~ ^[0-9]+$ && $t_seen =~ ^[0-9]+$ ]] && gap=$(((t_ib - t_seen) / 1000))
	if [[ $gap != - ]] && ((gap >= BOUND_MS)); then
		tap_ok "  $s began the import $gap ms after the last change of $p's slot (bound $BOUND_MS ms)"
	else
		tap_not_ok "  $s began the import only after the watchdog bound: $gap ms after $p's slot last changed (bound $BOUND_MS ms)"
	fi
	tap_like "  with -f under force=fenced, on quorumd's evidence" \
		"$(vm_run "$s" "grep -a 'start: importing tank' $LOG")" 'peer fenced'
	# From the power loss, in ms on the host's clock.
	ms() { [[ $1 =~ ^[0-9]+$ ]] && echo $((($1 + $2 - t_off) / 1000)) || echo -; }
	line="clients=$CLIENTS mmp_ms=$MMP_MS takeover_ms=$(ms "$t_take" "$off_s") import_begin_ms=$(ms "$t_ib" "$off_s") import_ms=$(ms "$t_ie" "$off_s")"
	line+=" target_ms=$(ms "$t_tg" "$off_s") ip_ms=$(ms "$t_ip" "$off_s")"
	[[ -z $LIB ]] || line+=" login_ms=$(ms "$c_conn" "$off_c") ack_ms=$(ms "$c_ack" "$off_c")"
	[[ -z $KERN ]] || line+=" iscsi_login_timeout_s=$ISCSI_LOGIN_S kernel_login_ms=$(ms "$k_conn" "$off_c") kernel_ack_ms=$(ms "$k_ack" "$off_c")"
	line+=$line_acked
	tap_diag "round $round from the power loss: $line"
	RES+=("drill round=$round failed=$p $line")
	[[ -n ${VM_RESULTS:-} ]] && echo "drill round=$round failed=$p $line load=$(cut -d' ' -f1 /proc/loadavg)" >>"$VM_RESULTS"
	((round < ROUNDS)) || break
	# The dead head boots, rejoins as secondary; it is the next victim's peer.
	vm_poweron "$p"
	tap_check "  $p boots again: modules, quorumd.conf" head_setup "$p"
	qd_start "$p"
	wait_for "$ROLE_S" is_role "$p" secondary
	tap_is "  $p rejoins as secondary" "$(role "$p")" secondary || diag_head "$p"
	tmp=$p p=$s s=$tmp
done

# The libiscsi client honours MODE SENSE (on the survivor s, the drills
# stopped): LIO's LUN set by hand to each caching setting, the client's
# choice read from its stderr, a short drill on LBAs 4000..4099 and its
# verify-log. LIO refuses FUA where DPOFUA=0 (INVALID FIELD IN CDB).
SO=$(vm_run "$s" "readlink -f /sys/kernel/config/target/iscsi/$IQN/tpgt_1/lun/lun_1/* 2>/dev/null | grep '^/sys/kernel/config/target/core/'")
lio_cache() { vm_run "$s" "echo $1 >$SO/attrib/emulate_write_cache && echo $2 >$SO/attrib/emulate_fua_write"; }
for c in "1 1 FUA" "1 0 WRITE then SYNCHRONIZE CACHE" "0 0 plain WRITE"; do
	read -r wc fua mode <<<"$c"
	if [[ -z $SO ]] || ! lio_cache "$wc" "$fua"; then
		tap_not_ok "LIO's LUN 1 on $s: emulate_write_cache=$wc emulate_fua_write=$fua"
		continue
	fi
	vm_run client "setsid iscsi-client -i $CLIENT_IQN -T 1000 -t 10 $VIP $IQN 1 drill 4000 100 /root/mode.log \
</dev/null >/root/mode.out 2>/root/mode.err & echo \$! >/root/mode.pid; sleep 3" >/dev/null
	stop_client mode
	tap_like "WCE=$wc, FUA emulation $fua: the libiscsi client chooses $mode" \
		"$(vm_run client 'cat /root/mode.err')" "writes: $mode"
	out=$(vm_run client "tail -1 /root/mode.log; iscsi-client -i $CLIENT_IQN $VIP $IQN 1 verify-log /root/mode.log 2>&1")
	tap_like "  LIO acknowledges its writes, and verify-log finds them" "$out" \
		' stop acked=[1-9][0-9]* failed=0 reconnects=0'$'\n''verify-log lbas=[0-9]+ acked=[0-9]+ ok$' ||
		tap_diag "$out" "$(vm_run client 'tail -3 /root/mode.err')"
done
lio_cache 1 1 >/dev/null
tap_done
