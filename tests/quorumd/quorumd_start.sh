#!/bin/bash
# twinhead-quorumd alone on a quorum disk file (no lab, no peer): what it
# refuses at start, what it does to its own process, and the watchdog pet
# after a slow read (issue 12, section 3).
#   - a disk that refuses O_DIRECT (a file on ramfs) is refused, unless
#     TWINHEAD_TEST_NO_DIRECT=1 (for tests) allows it;
#   - a quorumd.conf that group or others may write is refused;
#   - the daemon has no core limit above 0 and is not dumpable (it holds
#     the BMC password): run as an unprivileged user, its /proc files
#     belong to root, as they do only for an undumpable process;
#   - with every read of the peer's slot slowed past the timeout (emulated
#     by TWINHEAD_TEST_SLOW_READ_MS), the lease is checked again after the
#     read: the daemon stops petting its (file) watchdog;
#   - a poison pill posted while the daemon was down (tests/tools/
#     qdisk-poison) holds off its claims from when it was posted; one older
#     than the hold means nothing.
# Needs root (ramfs in a mount namespace of its own, setpriv).
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

[[ $(id -u) == 0 ]] || tap_skip_all "needs root"
for t in unshare setpriv; do command -v $t >/dev/null || tap_skip_all "$t not found"; done
QD=$TH_BUILDDIR/quorumd/twinhead-quorumd
QDISK=$TH_BUILDDIR/quorumd/twinhead-qdisk
# Beside the build, not on tmpfs: O_DIRECT is the normal path.
work=$(mktemp -d "$TH_BUILDDIR/tests/quorumd/qstart.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
chmod 0755 "$work"

# conf NAME DISK [LINES...]: a configuration for node 1 of cluster t
conf() {
	local f=$work/$1.conf disk=$2
	shift 2
	printf '%s\n' "cluster = t" "node_id = 1" "disk = $disk" "state_dir = $work/run.$(basename "$f")" \
		"watchdog_ms = 7500" "watchdog_device = $work/wd" "$@" >"$f"
	chmod 0644 "$f"
	echo "$f"
}
newdisk() { rm -f "$1"; truncate -s 1M "$1" && "$QDISK" create "$1" --cluster t >/dev/null; }
: >"$work/wd"
export TWINHEAD_TEST_WATCHDOG_FILE=1
# wait_for SECS CMD...: poll, bounded
wait_for() {
	local i n=$(($1 * 10))
	shift
	for ((i = 0; i < n; i++)); do "$@" && return 0; sleep 0.1; done
	return 1
}

# --- O_DIRECT ---------------------------------------------------------------
ram=$work/ram
mkdir "$ram"
out=$(unshare -m sh -c 'mount -t ramfs none "$1" && truncate -s 1M "$1/qd.img" &&
	"$2" create "$1/qd.img" --cluster t >/dev/null && timeout 20 "$3" -c "$4" 2>&1; echo "rc=$?"' \
	sh "$ram" "$QDISK" "$QD" "$(conf ram "$ram/qd.img")")
tap_like "a disk that refuses O_DIRECT is refused" "$out" "refuses O_DIRECT: the heads could read each other's slots"
tap_like "  and the daemon does not start (exit 1)" "$out" "rc=1$"
out=$(unshare -m sh -c 'mount -t ramfs none "$1" && truncate -s 1M "$1/qd.img" &&
	"$2" create "$1/qd.img" --cluster t >/dev/null &&
	{ TWINHEAD_TEST_NO_DIRECT=1 timeout --preserve-status -s TERM 3 "$3" -c "$4" 2>&1; echo "rc=$?"; }' \
	sh "$ram" "$QDISK" "$QD" "$work/ram.conf")
tap_like "  TWINHEAD_TEST_NO_DIRECT=1 lets it run, loudly" "$out" "using O_DSYNC because TWINHEAD_TEST_NO_DIRECT=1"
tap_like "  (it ran until SIGTERM and stopped cleanly)" "$out" "rc=0$"

# --- the configuration's permissions -----------------------------------------
newdisk "$work/qd.img"
c=$(conf perm "$work/qd.img")
chmod 0664 "$c"
out=$(timeout 20 "$QD" -c "$c" 2>&1)
tap_is "a group-writable quorumd.conf is refused (exit 1)" $? 1
tap_like "  with what to do" "$out" "group or others may write it.*chmod go-w"
out=$("$QD" check -c "$c" 2>&1)
tap_is "  check refuses it too" $? 1

# --- no core dumps, not dumpable ---------------------------------------------
c=$(conf dump "$work/qd.img")
chown 65534:65534 "$work/qd.img" "$c" "$work/wd"
mkdir -m 0755 "$work/run.dump.conf" && chown 65534:65534 "$work/run.dump.conf"
# Started with core files allowed: the daemon itself must turn them off.
(ulimit -c unlimited && exec setpriv --reuid=65534 --regid=65534 --clear-groups "$QD" -c "$c") \
	>"$work/dump.log" 2>&1 &
pids+=($!)
pid=$!
wait_for 20 test -s "$work/run.dump.conf/state"
tap_like "the daemon runs (as an unprivileged user)" "$(cat "$work/run.dump.conf/state" 2>/dev/null)" "role="
tap_like "  its core file limit is 0" "$(grep 'Max core file size' /proc/$pid/limits)" \
	"Max core file size +0 +0 "
tap_is "  it is not dumpable: its /proc files belong to root" "$(stat -c %U /proc/$pid/status)" root
kill -TERM "$pid"
wait "$pid"
chown 0:0 "$work/qd.img" "$work/wd"

# --- the pet after a slow read -----------------------------------------------
# Reads slowed to 2.5 s, more than the timeout (2 s): the lease is fresh when
# a tick starts and stale when its read ends. The pet must follow the second.
newdisk "$work/qd.img"
c=$(conf slow "$work/qd.img")
TWINHEAD_TEST_SLOW_READ_MS=2500 "$QD" -c "$c" >"$work/slow.log" 2>&1 &
pids+=($!)
pid=$!
slow_log() { grep -c . "$work/slow.log"; }
if wait_for 60 grep -q "lease stale: no longer petting the watchdog" "$work/slow.log"; then
	tap_ok "slow read: the daemon stops petting once the read aged its lease"
else
	tap_not_ok "slow read: the daemon stops petting once the read aged its lease" "$(cat "$work/slow.log")"
fi
size=$(stat -c %s "$work/wd") lines=$(slow_log)
# Two more ticks (each logs: the fence it cannot run), then look again.
wait_for 60 test "$(slow_log)" -ge $((lines + 2))
tap_is "  and pets no more while every read is that slow" "$(stat -c %s "$work/wd")" "$size"
tap_unlike "  no pet came back" "$(cat "$work/slow.log")" "lease fresh again"
kill -TERM "$pid"
wait "$pid"

# --- a poison pill posted while the daemon was down --------------------------
# Dated by the peer's clock in the record: 1 s old, the hold (about 9 s
# here) has most of its time left; 10 min old, it is over.
for age in 1000 600000; do
	newdisk "$work/qd.img"
	"$TH_BUILDDIR/tests/tools/qdisk-poison" "$work/qd.img" 1 "$age"
	c=$(conf "pill$age" "$work/qd.img")
	"$QD" -c "$c" >"$work/pill$age.log" 2>&1 &
	pids+=($!)
	pid=$!
	wait_for 20 test -s "$work/run.pill$age.conf/state"
	kill -TERM "$pid"
	wait "$pid"
done
tap_like "a pill posted 1 s before the start holds off the claims without a fence" \
	"$(cat "$work/pill1000.log")" \
	"node 2 posted a poison pill [0-9]+ ms ago, before this start: no claim without a fence for [0-9]+ ms more"
tap_unlike "  one posted 10 min before means nothing" "$(cat "$work/pill600000.log")" "poison pill"
tap_like "  (that daemon ran)" "$(cat "$work/pill600000.log")" "node 1 on"
tap_done
