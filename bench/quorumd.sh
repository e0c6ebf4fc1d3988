#!/bin/bash
# twinhead-quorumd in the lab, two heads with simulated BMCs:
#   - takeover time after the primary loses power, over RUNS power losses
#     (from the SIGKILL of the head to the survivor's published "primary");
#   - disk I/O per interval, the daemon's RSS and CPU over a quiet minute;
#   - the RSS of a daemon that has fenced (libfreeipmi loaded).
#   bench/quorumd.sh [RUNS] (as root; default 10). Prints a table; asserts
#   nothing. Numbers go to docs/quorumd.md.
set -uo pipefail
TH_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export TH_SRCDIR TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/quorumd.sh"
RUNS=${1:-10}
QUIET_S=${QUIET_S:-30}

qd_setup qdbench >/dev/null
qd_start a
qd_start b
qd_wait_role a primary 15 || { echo "no primary at start" >&2; exit 1; }
qd_wait_role b secondary 5

daemon_pid() { # host pid of NODE's daemon
	local ns
	ns=$(lab pid "$1")
	for p in $(pgrep -x twinhead-quorum); do
		[[ $(readlink "/proc/$p/ns/pid") == "$(readlink "/proc/$ns/ns/pid")" ]] && { echo "$p"; return; }
	done
}

# Quiet running: I/O per interval, RSS, CPU of the primary's daemon.
pid=$(daemon_pid a)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
t0=$(ticks "$pid")
timeout "$QUIET_S" strace -f -qq -e trace=pread64,pwrite64 -o /tmp/qdbench.strace -p "$pid" 2>/dev/null
t1=$(ticks "$pid")
reads=$(grep -c 'pread64(' /tmp/qdbench.strace)
writes=$(grep -c 'pwrite64(' /tmp/qdbench.strace)
rm -f /tmp/qdbench.strace
intervals=$((QUIET_S * 1000 / 500))
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
hz=$(getconf CLK_TCK)
printf 'quiet %d s (%d intervals of 500 ms), primary daemon:\n' "$QUIET_S" "$intervals"
printf '  reads/interval %.2f   writes/interval %.2f   RSS %d KiB   CPU %.3f %% of a core (under strace)\n' \
	"$(bc -l <<<"$reads / $intervals")" "$(bc -l <<<"$writes / $intervals")" "$rss" \
	"$(bc -l <<<"($t1 - $t0) * 100 / $hz / $QUIET_S")"
t0=$(ticks "$pid"); sleep "$QUIET_S"; t1=$(ticks "$pid")
printf '  CPU without strace: %.3f %% of a core\n' "$(bc -l <<<"($t1 - $t0) * 100 / $hz / $QUIET_S")"

# Takeovers: power off whichever head is primary, time the survivor.
times=()
for ((r = 1; r <= RUNS; r++)); do
	if [[ $(qd_role a) == primary ]]; then p=a s=b; else p=b s=a; fi
	start=$(date +%s%N)
	lab_poweroff "$p" >/dev/null
	for ((i = 0; i < 300; i++)); do
		[[ $(qd_role "$s") == primary ]] && break
		sleep 0.02
	done
	end=$(date +%s%N)
	times+=($(((end - start) / 1000000)))
	lab_poweron "$p" >/dev/null
	qd_start "$p"
	qd_wait_role "$p" secondary 15
done
# The survivor of the last takeover fenced: it has loaded libfreeipmi.
if [[ $(qd_role a) == primary ]]; then p=a; else p=b; fi
printf 'RSS of the primary after its fence (libfreeipmi loaded): %d KiB\n' \
	"$(awk '/VmRSS/ {print $2}' "/proc/$(daemon_pid "$p")/status")"
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
printf 'takeover after power loss, %d runs (ms): %s\n' "$RUNS" "$(tr '\n' ' ' <<<"$sorted")"
printf '  median %d ms, worst %d ms (target: timeout + fence <= 5000 ms)\n' \
	"$(sed -n "$(((RUNS + 1) / 2))p" <<<"$sorted")" "$(tail -1 <<<"$sorted")"
