#!/bin/bash
# twinhead-quorumd's watchdog mode in the lab, without fencing: each head
# pets its watchdog while its lease is fresh, stops when its disk writes
# fail or when it is frozen, stops the watchdog (magic close) only after a
# clean shutdown whose final slot is on disk, and the survivor takes over
# only after the bound, long after a real watchdog would have reset the
# head that lost its lease.
#
# There is no watchdog device on this machine (no softdog module), so a
# regular file stands in for each head's (TWINHEAD_TEST_WATCHDOG_FILE=1):
# a pet appends '.', the magic close 'V'. The device ioctls themselves are
# not exercised here. Each head reaches the shared disk file through a loop
# device of its own, so that one head's disk can fail (blockdev --setro:
# its writes fail with EPERM) while the other's works.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/quorumd.sh"

WD_MS=7500      # watchdog_ms: with timeout 2000 ms, a device timeout of 5 s
DEVICE_S=5
BOUND_MS=9500   # the peer takes over after timeout + watchdog_ms

for t in losetup blockdev stat; do
	command -v "$t" >/dev/null || tap_skip_all "$t not found"
done

qd_setup wqdwdog "watchdog_ms = $WD_MS"
LOOPS=()
wd_cleanup() {
	lab_stop
	for l in "${LOOPS[@]}"; do
		blockdev --setrw "$l" 2>/dev/null
		losetup -d "$l" 2>/dev/null
	done
	LOOPS=()
}
trap wd_cleanup EXIT
trap 'wd_cleanup; exit 130' INT
trap 'wd_cleanup; exit 143' TERM

declare -A LOOP
for n in a b; do
	LOOP[$n]=$(losetup -f --show "$QD_SHARED/qd.img") || tap_skip_all "no free loop device"
	LOOPS+=("${LOOP[$n]}")
	blockdev --setrw "${LOOP[$n]}" # the flag outlives a detach: start clean
	sed -i -e '/^fence/d' -e "s|^disk = .*|disk = ${LOOP[$n]}|" "$QD_SHARED/$n.conf"
	echo "watchdog_device = $QD_SHARED/wd.$n" >>"$QD_SHARED/$n.conf"
	: >"$QD_SHARED/wd.$n"
done

wd_start() {
	lab spawn "$1" "qd$(date +%s%N)" -- env TWINHEAD_TEST_WATCHDOG_FILE=1 "$QD" \
		-c "$QD_SHARED/$1.conf"
}
wd_log() { cat "$(lab_state_dir)"/nodes/"$1"/log/qd*.log 2>/dev/null; }
wd_size() { stat -c %s "$QD_SHARED/wd.$1"; }
wd_last() { tail -c 1 "$QD_SHARED/wd.$1"; }
# pets of a and b during SECS seconds
wd_pets() {
	local a0 b0
	a0=$(wd_size a) b0=$(wd_size b)
	sleep "$1"
	echo "$(($(wd_size a) - a0)) $(($(wd_size b) - b0))"
}
disk_lost() { blockdev --setro "${LOOP[$1]}"; }
disk_back() { blockdev --setrw "${LOOP[$1]}"; }

tap_check "the configuration is accepted" lab_exec a "$QD" check -c "$QD_SHARED/a.conf"
wd_start a
wd_start b
qd_wait_role a primary 15 && qd_wait_role b secondary 5
tap_is "a primary, b secondary, no fence configured" "$(qd_role a) $(qd_role b)" \
	"primary secondary"
tap_like "  the daemon says loudly that a file stands in for the watchdog" "$(wd_log a)" \
	"a file standing in for a watchdog.*NOTHING RESETS THIS HEAD"

read -r pa pb < <(wd_pets 2)
tap_check "a pets while it holds the lease ($pa pets in 2 s)" test "$pa" -ge 3
tap_check "b pets too: its lease is fresh as well ($pb pets in 2 s)" test "$pb" -ge 3
tap_like "  pets only, no magic close" "$(cat "$QD_SHARED/wd.a")" '^\.+$'

# The secondary's disk fails: its lease goes stale and it stops petting.
disk_lost b
# The condition, bounded: b says it stopped (a timeout after its last
# verified write); then count pets.
qd_wait_log b "lease stale: no longer petting the watchdog" 20
read -r pa pb < <(wd_pets 2)
tap_is "b without its disk: no pets" "$pb" 0
tap_check "  a keeps petting ($pa pets in 2 s)" test "$pa" -ge 3
tap_like "  b says it stopped petting" "$(wd_log b)" "lease stale: no longer petting the watchdog"
tap_is "  a stays primary" "$(qd_role a)" primary
disk_back b
qd_wait_log b "lease fresh again: petting the watchdog" 20
read -r pa pb < <(wd_pets 2)
tap_check "b's disk is back: it pets again ($pb pets in 2 s)" test "$pb" -ge 3
tap_like "  and says so" "$(wd_log b)" "lease fresh again: petting the watchdog"

# A clean shutdown stops the watchdog: the magic close.
qd_stop b TERM
# A shutdown: the demote hooks and a final slot write, within qd_bound.
wd_closed() { [[ $(wd_last "$1") == V ]] || { echo "last byte '$(wd_last "$1")'"; return 1; }; }
lab_wait_for "$(qd_bound b)" "b's magic close" wd_closed b
tap_is "b shut down cleanly: the watchdog got the magic close" "$(wd_last b)" V
tap_like "  and b says it stopped it" "$(wd_log b)" "watchdog .* stopped"
wd_start b
qd_wait_role b secondary 15
tap_is "b restarted: secondary" "$(qd_role b)" secondary

# The primary's disk fails: it stops petting (a real watchdog would reset
# it DEVICE_S later); b takes over without a fence, after the bound.
t0=$(date +%s.%N)
disk_lost a
if qd_wait_role b primary 25; then tap_ok "a without its disk: b takes over"; else tap_not_ok "a without its disk: b takes over"; fi
t1=$(date +%s.%N)
last_pet=$(stat -c %.9Y "$QD_SHARED/wd.a")
tap_check "  not before the bound: $(bc <<<"($t1 - $t0) * 1000 / 1") ms after the disk failed" \
	test "$(bc <<<"($t1 - $t0) * 1000 >= $BOUND_MS - 500")" = 1
tap_check "  a's last pet came $(bc <<<"($t1 - $last_pet) * 1000 / 1") ms before: a watchdog of $DEVICE_S s would have reset a first" \
	test "$(bc <<<"$t1 - $last_pet > $DEVICE_S")" = 1
tap_like "  b took over on the watchdog bound" "$(wd_log b)" "stale past the watchdog bound"
tap_is "  nobody was fenced" "$(qd_power_offs a)$(qd_power_offs b)" 00
tap_isnt "  a is not primary" "$(qd_role a)" primary

# a is stopped while its disk is still gone: its final slot cannot be
# written, so the peer may still rely on its reset: no magic close.
before=$(wd_size a)
qd_stop a TERM
qd_wait_exit a
tap_isnt "a stopped without its disk: no magic close" "$(wd_last a)" V
tap_is "  not even a last pet" "$(wd_size a)" "$before"
tap_like "  and a says why" "$(wd_log a)" "NOT stopping the watchdog"
disk_back a

# A frozen daemon pets nothing; killed, it leaves the watchdog running.
qd_stop b STOP
read -r pa pb < <(wd_pets 2)
tap_is "b frozen: no pets" "$pb" 0
qd_stop b KILL
qd_stop b CONT
sleep 0.5
tap_isnt "b killed: no magic close" "$(wd_last b)" V
tap_done
