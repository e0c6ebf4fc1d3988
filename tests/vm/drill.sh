#!/bin/bash
# The failover drill on the real stack (VM tier): heads a and b share the
# enclosure (encl0: the quorum disk; encl1: a multihost pool); on both,
# twinhead-quorumd runs standalone in watchdog mode on softdog, with the
# agents as its hooks, in the form of examples/standalone-quorumd:
# promote = zpool start (force=fenced), iscsitarget start (LIO, LUN 1 a
# file on the pool), floatip start; demote the same stops. No BMC in the
# VMs: the survivor takes over on the watchdog bound (timeout_ms +
# watchdog_ms), which is the design there. The client guest writes through
# the floating IP with tests/tools/iscsi-client's drill (libiscsi), and the
# primary loses its power (SIGKILL of its qemu) while it writes.
#
# Per round, asserted:
#  - the client resumed through the survivor (a login after the loss and
#    acknowledged writes after it, with the floating IP on the survivor);
#  - the survivor took over on the watchdog bound and started the pool's
#    import only after it: on its own clock, the import began at least
#    timeout_ms + watchdog_ms after the last change it saw in the dead
#    head's slot (quorumd's published peer_seen_ms);
#  - every acknowledged write is on the LUN (iscsi-client verify-log,
#    through the survivor).
# Timed, from the power loss (host clock; the guests' clocks are mapped to
# it through their consoles, see clock_offset): takeover, MMP wait and
# import, target up, IP up, first acknowledged write.
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
POOL_MS=60000 TARGET_MS=60000 IP_MS=30000 HOOK_MS=90000
# How long the client may take to be back after the power loss: the
# watchdog bound, the three hooks' whole deadlines, and 120 s for TCG on a
# loaded host (quorumd's ticks, the client's login attempts).
BACK_S=$(((BOUND_MS + POOL_MS + TARGET_MS + IP_MS) / 1000 + 120))
LOG=/var/log/twinhead/th.log
CONF=/etc/twinhead/quorumd.conf
DRILL_LOG=/root/drill.log
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

declare -a RES
p=a s=b
for ((round = 1; round <= ROUNDS; round++)); do
	tap_diag "round $round: $p loses its power"
	vm_run "$s" ": >$LOG" >/dev/null
	# The drill: -T 1000 (a dead head is noticed within about a second of
	# an unanswered write), -t 10 per command; LBAs 0..999.
	vm_run client "setsid iscsi-client -i $CLIENT_IQN -T 1000 -t 10 $VIP $IQN 1 drill 0 1000 $DRILL_LOG \
</dev/null >/root/drill.out 2>/root/drill.err & echo \$! >/root/drill.pid" >/dev/null
	acks() { vm_run client "grep -c ' ack ' $DRILL_LOG"; }
	enough() { (($(acks) >= 200)); }
	wait_for 120 enough
	tap_check "round $round: the client writes through $p ($(acks) acknowledged)" enough ||
		tap_diag "$(vm_run client "tail -5 $DRILL_LOG; tail -5 /root/drill.err")"
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
	back() {
		vm_run client "awk '\$2 == \"disconnected\" { d = 1 } d && \$2 == \"connected\" { c = \$1 } c && \$2 == \"ack\" { print c, \$1; exit }' $DRILL_LOG | grep ."
	}
	if wait_for "$BACK_S" back; then
		tap_ok "  the client resumed after the power loss"
	else
		tap_not_ok "  the client resumed after the power loss (within $BACK_S s)"
		diag_head "$s"
		tap_diag "$(vm_run client "grep -v ' ack ' $DRILL_LOG | tail; tail -5 /root/drill.err")"
		break
	fi
	read -r c_conn c_ack < <(back)
	tap_is "  $s is primary" "$(role "$s")" primary
	tap_check "  through $s: it holds the floating IP" serving "$s"
	sleep 2
	vm_run client 'kill -TERM $(cat /root/drill.pid); while kill -0 $(cat /root/drill.pid) 2>/dev/null; do sleep 0.2; done' >/dev/null
	stop=$(vm_run client "tail -1 $DRILL_LOG")
	tap_like "  the client stopped cleanly" "$stop" ' stop acked=[0-9]+ failed=[0-9]+ reconnects=1$'
	out=$(vm_run client "iscsi-client -i $CLIENT_IQN $VIP $IQN 1 verify-log $DRILL_LOG 2>&1")
	tap_like "  every acknowledged write is on the LUN, read through $s" "$out" '^verify-log lbas=[0-9]+ acked=[0-9]+ ok$' ||
		tap_diag "$(tail -5 <<<"$out")"
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
	line="takeover_ms=$(ms "$t_take" "$off_s") import_begin_ms=$(ms "$t_ib" "$off_s") import_ms=$(ms "$t_ie" "$off_s")"
	line+=" target_ms=$(ms "$t_tg" "$off_s") ip_ms=$(ms "$t_ip" "$off_s") login_ms=$(ms "$c_conn" "$off_c") ack_ms=$(ms "$c_ack" "$off_c")"
	line+=" $(sed -n 's/.* stop \(acked=[0-9]*\).*/\1/p' <<<"$stop")"
	tap_diag "round $round from the power loss: $line"
	RES+=("drill round=$round failed=$p $line")
	[[ -n ${VM_RESULTS:-} ]] && echo "drill round=$round failed=$p $line" >>"$VM_RESULTS"
	((round < ROUNDS)) || break
	# The dead head boots, rejoins as secondary; it is the next victim's peer.
	vm_poweron "$p"
	tap_check "  $p boots again: modules, quorumd.conf" head_setup "$p"
	qd_start "$p"
	wait_for "$ROLE_S" is_role "$p" secondary
	tap_is "  $p rejoins as secondary" "$(role "$p")" secondary || diag_head "$p"
	tmp=$p p=$s s=$tmp
done
tap_done
