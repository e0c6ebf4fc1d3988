#!/bin/bash
# Fencing latency: twinhead-fence against the IPMI tools people run today,
# side by side in one run, against the same simulated BMC in the lab.
#
#   bench/fence.sh [RUNS]        (as root; default 20 runs of each)
#
# Head b fences head a through a's BMC (ipmi_sim outside both heads, whose
# chassis program really powers a off and on: lab/bmc-chassis), as the
# quorum daemon would. Every call runs inside b and is timed there around
# its fork/exec/wait, so every tool pays the same process start. Tools
# take turns within each round, so noise from the machine falls on all of
# them alike.
#
#   status        one power-state read
#   confirm-off   power off, then a status read that says off: what a fence
#                 needs. twinhead-fence confirm-off; fence_twinhead -o off
#                 (quorumd=0: through the BMC); ipmipower --off
#                 --wait-until-off; ipmitool power off plus a status loop;
#                 fence_ipmilan -o off with power_wait=0 and with its default
#                 (2 s). Before each, a is powered on again (not timed) and
#                 after each, a status read must say off, or the run counts
#                 as failed.
#
#   monitor-cpu   the CPU time (user + system, the process and its children)
#                 of one fence-device monitor as Pacemaker runs it:
#                 fence_twinhead against fence_ipmilan (which runs ipmitool).
#
# ipmitool, ipmipower and fence_ipmilan are used when installed. Prints a
# table (median, worst, ratios to twinhead-fence); asserts nothing.
set -euo pipefail
TH_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export TH_SRCDIR TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
SELF=$TH_SRCDIR/bench/fence.sh

# ---- inside head b --------------------------------------------------------------
# fence.sh --inner RUNS HOST USER PWFILE FENCE WORKDIR AGENT RUNLOOP: prints
# "ACTION<TAB>TOOL<TAB>MS<TAB>OK" per call.
inner() {
	local runs=$1 host=$2 user=$3 pwfile=$4 fence=$5 work=$6 agent=$7 runloop=$8
	local bmc_ip=${host%:*} i t0 t1 ok tool pw ipp cpu
	local -a status_tools=(twinhead-fence fence_twinhead) off_tools=(twinhead-fence fence_twinhead)
	local -a cpu_tools=(fence_twinhead) base
	bmc_ip=${bmc_ip#[}
	bmc_ip=${bmc_ip%]}
	base=(--host "$host" --user "$user" --password-file "$pwfile")
	pw=$(<"$pwfile")
	# ipmipower reads the password from a config file (never argv).
	ipp=$work/ipmipower.conf
	(
		umask 077
		printf 'username %s\npassword %s\ndriver-type LAN_2_0\ncipher-suite-id 3\nworkaround-flags opensesspriv\n' \
			"$user" "$pw" >"$ipp"
	)
	if command -v ipmipower >/dev/null; then
		status_tools+=(ipmipower)
		off_tools+=(ipmipower)
	fi
	if command -v ipmitool >/dev/null; then
		status_tools+=(ipmitool)
		off_tools+=(ipmitool)
	fi
	if command -v fence_ipmilan >/dev/null; then
		status_tools+=(fence_ipmilan)
		off_tools+=(fence_ipmilan-pw0 fence_ipmilan)
		cpu_tools+=(fence_ipmilan)
	fi

	# fence_ipmilan takes its options on stdin, as Pacemaker gives them
	# (it then hands the password to ipmitool as -P, in argv).
	fia() {
		fence_ipmilan >/dev/null 2>&1 <<EOF
action=$1
ip=$bmc_ip
username=$user
password=$pw
lanplus=1
cipher=3
privlvl=administrator
$2
EOF
	}
	fth() {
		printf 'action=%s\nip=%s\nusername=%s\npassword_file=%s\ncipher=3\nquorumd=0\n' \
			"$1" "$host" "$user" "$pwfile" | "$agent" >/dev/null 2>&1
	}
	ipt() {
		ipmitool -I lanplus -C 3 -H "$bmc_ip" -U "$user" -f "$pwfile" chassis power "$@"
	}
	our_status() {
		"$fence" "${base[@]}" status 2>/dev/null
	}
	power_on() {
		"$fence" "${base[@]}" on >/dev/null 2>&1 || true
		# A lab head boots in about 0.3 s, but far slower on a loaded
		# machine: wait up to 60 s (not timed).
		for _ in $(seq 1200); do
			[[ $(our_status) == on ]] && return 0
			sleep 0.05
		done
		echo "bench: head a did not come back on within 60 s" >&2
		exit 1
	}

	status_call() {
		case $1 in
		twinhead-fence) [[ $("$fence" "${base[@]}" status 2>/dev/null) == on ]] ;;
		ipmipower) [[ $(ipmipower -h "$bmc_ip" --config-file "$ipp" --stat 2>/dev/null) == *": on" ]] ;;
		ipmitool) [[ $(ipt status 2>/dev/null) == "Chassis Power is on" ]] ;;
		fence_ipmilan) fia status "" ;;
		fence_twinhead) fth status ;;
		esac
	}
	off_call() {
		local out
		case $1 in
		twinhead-fence) "$fence" "${base[@]}" confirm-off >/dev/null 2>&1 ;;
		ipmipower)
			out=$(ipmipower -h "$bmc_ip" --config-file "$ipp" --off --wait-until-off 2>/dev/null)
			[[ $out == *": ok" ]]
			;;
		ipmitool)
			ipt off >/dev/null 2>&1 || return 1
			for _ in $(seq 100); do
				[[ $(ipt status 2>/dev/null) == "Chassis Power is off" ]] && return 0
				sleep 0.05
			done
			return 1
			;;
		fence_ipmilan-pw0) fia off "power_wait=0" ;;
		fence_ipmilan) fia off "" ;;
		fence_twinhead) fth off ;;
		esac
	}
	# cpu_call TOOL: the CPU time of one monitor (the process and what it
	# waited for), in 1/100 ms as the other rows. bench/runloop reads it
	# from getrusage in microseconds: /usr/bin/time prints centiseconds,
	# and fence_twinhead's monitor takes less than one.
	cpu_call() {
		local f=$work/cpu.$1 wall cpu in=$work/in.$1
		case $1 in
		fence_twinhead)
			printf 'action=monitor\nip=%s\nusername=%s\npassword_file=%s\n' "$host" "$user" "$pwfile" >"$in"
			"$runloop" 1 "$agent" <"$in" >"$f" 2>/dev/null || return 1
			;;
		fence_ipmilan)
			(umask 077; printf 'action=monitor\nip=%s\nusername=%s\npassword=%s\nlanplus=1\ncipher=3\nprivlvl=administrator\n' \
				"$bmc_ip" "$user" "$pw" >"$in")
			"$runloop" 1 "$(command -v fence_ipmilan)" <"$in" >"$f" 2>/dev/null || return 1
			;;
		esac
		rm -f "$in"
		read -r wall cpu <"$f"
		awk -v us="$cpu" 'BEGIN { printf "%d\n", us / 10 }'
	}

	for ((i = 0; i < runs; i++)); do
		for tool in "${status_tools[@]}"; do
			t0=$EPOCHREALTIME
			if status_call "$tool"; then ok=1; else ok=0; fi
			t1=$EPOCHREALTIME
			printf 'status\t%s\t%s\t%s\n' "$tool" "$(((${t1/./} - ${t0/./}) / 10))" "$ok"
		done
	done
	for ((i = 0; i < runs; i++)); do
		for tool in "${off_tools[@]}"; do
			power_on
			t0=$EPOCHREALTIME
			if off_call "$tool"; then ok=1; else ok=0; fi
			t1=$EPOCHREALTIME
			[[ $(our_status) == off ]] || ok=0
			printf 'confirm-off\t%s\t%s\t%s\n' "$tool" "$(((${t1/./} - ${t0/./}) / 10))" "$ok"
		done
	done
	for ((i = 0; i < runs; i++)); do
		for tool in "${cpu_tools[@]}"; do
			if cpu=$(cpu_call "$tool"); then ok=1; else ok=0 cpu=0; fi
			printf 'monitor-cpu\t%s\t%s\t%s\n' "$tool" "$cpu" "$ok"
		done
	done
	power_on
	rm -f "$ipp"
}

if [[ ${1:-} == --inner ]]; then
	shift
	inner "$@"
	exit 0
fi

# ---- on the host ------------------------------------------------------------------
RUNS=${1:-20}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/fence.sh [RUNS]" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "run as root (the lab)" >&2; exit 1; }
command -v ipmi_sim >/dev/null || { echo "ipmi_sim missing: apt-get install openipmi" >&2; exit 1; }
FENCE=$TH_BUILDDIR/fence/twinhead-fence
[[ -x $FENCE ]] || { echo "$FENCE missing: run make" >&2; exit 1; }

LAB="$TH_SRCDIR/lab/twinhead-lab -n fencebn${TWINHEAD_LAB_SUFFIX:-}"
WORK=$(mktemp -d /tmp/th-fencebench.XXXXXX)
trap '$LAB down >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
$LAB up a b >/dev/null
$LAB bmc a up >/dev/null
HOST=$($LAB bmc a addr)
USER_=$($LAB bmc a user)
PWFILE=$($LAB bmc a password-file)

echo "bench/fence.sh: $RUNS runs of each, head b fencing head a through a's BMC at $HOST" >&2
AGENT=$TH_BUILDDIR/fence/fence_twinhead
[[ -x $AGENT ]] || { echo "$AGENT missing: run make" >&2; exit 1; }
RUNLOOP=$TH_BUILDDIR/bench/runloop
[[ -x $RUNLOOP ]] || { echo "$RUNLOOP missing: run make check TESTS= (it builds bench/)" >&2; exit 1; }
$LAB exec b -- bash "$SELF" --inner "$RUNS" "$HOST" "$USER_" "$PWFILE" "$FENCE" "$WORK" "$AGENT" "$RUNLOOP" >"$WORK/raw.tsv"

# Milliseconds with two decimals (the raw numbers are in 1/100 ms).
awk -F'\t' '
function sort(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
}
{
	key = $1 SUBSEP $2
	if (!(key in n)) { order[++nk] = key }
	n[key]++
	v[key, n[key]] = $3 / 100.0
	if ($4 != 1) fail[key]++
}
END {
	label["twinhead-fence"] = "twinhead-fence"
	label["ipmipower"] = "ipmipower (--wait-until-off)"
	label["ipmitool"] = "ipmitool (+ status loop)"
	label["fence_ipmilan-pw0"] = "fence_ipmilan power_wait=0"
	label["fence_ipmilan"] = "fence_ipmilan (default)"
	label["fence_twinhead"] = "fence_twinhead"
	for (k = 1; k <= nk; k++) {
		key = order[k]
		m = n[key]
		for (i = 1; i <= m; i++) s[i] = v[key, i]
		sort(s, m)
		med[key] = (m % 2) ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
		worst[key] = s[m]
		best[key] = s[1]
	}
	printf "%-12s %-30s %5s %5s %9s %9s %9s %9s %9s\n", "action", "tool", "runs", "fail", "best ms", "median", "worst", "med/ours", "worst/ours"
	for (k = 1; k <= nk; k++) {
		key = order[k]
		split(key, p, SUBSEP)
		ours = p[1] SUBSEP (p[1] == "monitor-cpu" ? "fence_twinhead" : "twinhead-fence")
		tool = (p[1] == "status" && p[2] == "ipmipower") ? "ipmipower (--stat)" : \
		       (p[1] == "status" && p[2] == "ipmitool") ? "ipmitool" : label[p[2]]
		if ((p[1] == "status" || p[1] == "monitor-cpu") && p[2] == "fence_ipmilan") tool = "fence_ipmilan"
		printf "%-12s %-30s %5d %5d %9.1f %9.1f %9.1f %9.2f %9.2f\n", p[1], tool, n[key], fail[key] + 0, \
			best[key], med[key], worst[key], med[key] / med[ours], worst[key] / worst[ours]
	}
}' "$WORK/raw.tsv"
echo "($RUNS runs each, alternating; $(nproc) cores, $(uname -r);" \
	"freeipmi $(dpkg-query -W -f='${Version}' libfreeipmi17 2>/dev/null || echo '?')," \
	"ipmitool $(dpkg-query -W -f='${Version}' ipmitool 2>/dev/null || echo -)," \
	"fence-agents $(dpkg-query -W -f='${Version}' fence-agents 2>/dev/null || echo -)," \
	"openipmi $(dpkg-query -W -f='${Version}' openipmi 2>/dev/null || echo '?'))"
