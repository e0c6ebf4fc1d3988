#!/bin/bash
# floatip monitor against resource-agents' IPaddr2 monitor, side by side in
# one run, on the same address in the same lab head: wall time and CPU per
# call, and processes forked per call.
#
#   bench/floatip-monitor.sh [CALLS]        (as root; default 300 calls each)
#
# Calls alternate in blocks (floatip, IPaddr2, floatip, ...) so that noise
# from the machine falls on both alike. Prints a table; nothing is asserted:
# numbers go to docs/numbers.md and the issue's note.
set -euo pipefail
TH_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export TH_SRCDIR TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
LAB="$TH_SRCDIR/lab/twinhead-lab -n fbench"
CALLS=${1:-300}
BLOCKS=6
VIP=10.213.0.100
IPADDR2=/usr/lib/ocf/resource.d/heartbeat/IPaddr2
FLOATIP=/usr/lib/ocf/resource.d/twinhead/floatip

[[ $(id -u) == 0 ]] || { echo "run as root" >&2; exit 1; }
[[ -x $IPADDR2 ]] || { echo "$IPADDR2 missing: apt-get install resource-agents" >&2; exit 1; }
command -v strace >/dev/null || { echo "strace missing: apt-get install strace" >&2; exit 1; }

trap '$LAB down >/dev/null 2>&1 || true' EXIT
$LAB up a >/dev/null

ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_ROOT=/usr/lib/ocf
     OCF_RESOURCE_INSTANCE=vip OCF_RESKEY_ip=$VIP OCF_RESKEY_cidr_netmask=24
     OCF_RESKEY_nic=eth0 OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_CRM_meta_timeout=20000)
$LAB exec a "${ENV[@]}" $FLOATIP start
for agent in $FLOATIP $IPADDR2; do
	$LAB exec a "${ENV[@]}" $agent monitor ||
		{ echo "$agent monitor did not report running" >&2; exit 1; }
done

RUNLOOP=$TH_BUILDDIR/bench/runloop
[[ -x $RUNLOOP ]] || { echo "$RUNLOOP missing: run make" >&2; exit 1; }

# One block: n calls of an agent inside the head; prints "wall_us cpu_us"
# per call (bench/runloop spawns it directly: no shell in the measurement).
block() {
	$LAB exec a "${ENV[@]}" "$RUNLOOP" "$1" "$2" monitor
}

# The floor: /bin/true, spawned the same way, is what any exec costs.
agent_bin() {
	case $1 in
	floatip) echo $FLOATIP ;;
	IPaddr2) echo $IPADDR2 ;;
	true) echo /bin/true ;;
	esac
}

declare -A wall cpu
per_block=$((CALLS / BLOCKS))
for ((b = 0; b < BLOCKS; b++)); do
	for agent in floatip IPaddr2 true; do
		bin=$(agent_bin $agent)
		read -r w c < <(block "$per_block" "$bin")
		wall[$agent]=$(awk -v a="${wall[$agent]:-0}" -v b="$w" 'BEGIN{print a + b}')
		cpu[$agent]=$(awk -v a="${cpu[$agent]:-0}" -v b="$c" 'BEGIN{print a + b}')
	done
done

forks() {
	local log
	log=$(mktemp)
	$LAB exec a strace -f -qq -e trace=clone,clone3,fork,vfork -o "$log" "${ENV[@]}" "$1" monitor >/dev/null 2>&1
	# strace traces env(1) exec'ing the agent too: env forks nothing.
	grep -cE '(clone|clone3|fork|vfork)\(' "$log" || true
	rm -f "$log"
}

n=$((per_block * BLOCKS))
printf '%-10s %14s %14s %16s\n' agent "wall ms/call" "cpu ms/call" "forks/call"
for agent in floatip IPaddr2 true; do
	bin=$(agent_bin $agent)
	printf '%-10s %14.3f %14.3f %16s\n' "$agent" \
		"$(awk -v w="${wall[$agent]}" -v b=$BLOCKS 'BEGIN{print w/b/1000}')" \
		"$(awk -v c="${cpu[$agent]}" -v b=$BLOCKS 'BEGIN{print c/b/1000}')" \
		"$(forks "$bin")"
done
printf 'wall-time ratio IPaddr2/floatip: %.1f\n' \
	"$(awk -v a="${wall[IPaddr2]}" -v b="${wall[floatip]}" 'BEGIN{print a/b}')"
printf 'cpu ratio IPaddr2/floatip: %.1f\n' \
	"$(awk -v a="${cpu[IPaddr2]}" -v b="${cpu[floatip]}" 'BEGIN{print (b ? a/b : 0)}')"
echo "($n calls each, $BLOCKS alternating blocks, $(nproc) cores, $(uname -r))"
