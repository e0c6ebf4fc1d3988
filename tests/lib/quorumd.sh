# tests/lib/quorumd.sh: two heads running twinhead-quorumd in the lab, with
# real ipmi_sim BMCs and a quorum disk file in the shared directory.
# Source after tests/lib/lab.sh.
#
#   qd_setup NAME [CONF-LINES...]  lab a b, BMCs, disk, configs, hooks
#   qd_start NODE...               start the NODEs' daemons together (spawned in
#                                  each NODE, released at once through a gate;
#                                  QD_ENV_NODE: extra NAME=VALUE words for one)
#   qd_stop NODE SIGNAL            signal NODE's daemon
#   qd_role NODE                   role from NODE's published state ("" when
#                                  status says it is stale: a dead daemon's
#                                  file is never read as its role)
#   qd_state NODE KEY              any key of `twinhead-quorumd status`
#   qd_wait_role NODE ROLE SECS    wait for it; returns 1 on timeout
#   qd_power_offs NODE             'set power 0' requests NODE's BMC served
#   qd_events NODE                 promote/demote hook calls on NODE, in order
#   qd_hook_ns NODE ROLE EDGE      when NODE's last ROLE hook began or ended
#                                  (EDGE begin|end|fail), ns since the epoch
#   qd_slot NODE KEY               a field of NODE's slot on the disk (dump)
#   qd_wait_writes NODE N [SECS]   wait until NODE wrote its slot N more times
#                                  (bound derived from interval_ms)
#   qd_wait_exit NODE              wait (qd_bound) until NODE's daemon exited
#   qd_log NODE                    NODE's daemon log
#   qd_wait_log NODE REGEX [SECS]  wait until NODE's log matches (qd_bound)
#
# The hook stands for the services and logs each call with timestamps (one
# host clock for all nodes). A demote takes $QD_SHARED/demote-sleep.NODE
# seconds when that file exists, and fails when demote-fail.NODE exists.

QD=$TH_BUILDDIR/quorumd/twinhead-quorumd
QDISK=$TH_BUILDDIR/quorumd/twinhead-qdisk

qd_setup() {
	local name=$1 n id peer
	shift
	lab_start "$name" a b
	lab bmc a up >/dev/null || { echo "Bail out! bmc a"; exit 1; }
	lab bmc b up >/dev/null || { echo "Bail out! bmc b"; exit 1; }
	QD_SHARED=$(lab_state_dir)/shared
	truncate -s 1M "$QD_SHARED/qd.img"
	"$QDISK" create "$QD_SHARED/qd.img" --cluster lab >/dev/null ||
		{ echo "Bail out! cannot create the quorum disk"; exit 1; }
	# The hook stands for the services: it logs each call.
	cat >"$QD_SHARED/hook" <<'HOOK'
#!/bin/sh
d=$(dirname "$0")
echo "$1 $TWINHEAD_ROLE $TWINHEAD_EPOCH begin $(date +%s%N)" >>"$d/events.$1"
if [ "$TWINHEAD_ROLE" = secondary ]; then
	[ -f "$d/demote-sleep.$1" ] && sleep "$(cat "$d/demote-sleep.$1")"
	if [ -f "$d/demote-fail.$1" ]; then
		echo "$1 $TWINHEAD_ROLE $TWINHEAD_EPOCH fail $(date +%s%N)" >>"$d/events.$1"
		echo "pool is busy" >&2
		exit 1
	fi
fi
echo "$1 $TWINHEAD_ROLE $TWINHEAD_EPOCH end $(date +%s%N)" >>"$d/events.$1"
HOOK
	chmod +x "$QD_SHARED/hook"
	for n in a b; do
		id=1 peer=b
		[[ $n == b ]] && id=2 peer=a
		{
			echo "cluster = lab"
			echo "node_id = $id"
			echo "disk = $QD_SHARED/qd.img"
			echo "fence = ipmi"
			echo "fence_host = $(lab bmc $peer addr)"
			echo "fence_user = $(lab bmc $peer user)"
			echo "fence_password_file = $(lab bmc $peer password-file)"
			echo "promote = $QD_SHARED/hook $n"
			echo "demote = $QD_SHARED/hook $n"
			printf '%s\n' "$@"
		} >"$QD_SHARED/$n.conf"
	done
}

# qd_start NODE...: start the daemons of all NODEs at the same moment, as
# heads that boot together: a quorumd that sees no write of its peer for
# timeout_ms fences it (the product's rule), and starting them one after
# the other through the lab can take longer than that on a busy machine.
# Each waits at a gate in the shared directory until all are spawned.
qd_start() {
	local gate=$QD_SHARED/start-gate n rc=0 envvar extra
	: >"$gate"
	for n in "$@"; do
		# QD_ENV_NODE: extra NAME=VALUE words for that node's daemon.
		envvar=QD_ENV_$n
		read -r -a extra <<<"${!envvar:-}"
		lab spawn "$n" "qd$(date +%s%N)" --gate "$gate" -- \
			env "${extra[@]}" "$QD" -c "$QD_SHARED/$n.conf" || rc=1
	done
	rm -f "$gate"
	return "$rc"
}

qd_stop() {
	lab_exec "$1" pkill "-$2" -x twinhead-quorum
}

qd_state() {
	lab_exec "$1" "$QD" status -c "$QD_SHARED/$1.conf" 2>/dev/null | sed -n "s/^$2=//p"
}

qd_role() {
	qd_state "$1" role
}

# qd_conf NODE KEY DEFAULT: a number from NODE's configuration.
qd_conf() {
	local v
	v=$(sed -n "s/^$2[[:blank:]]*=[[:blank:]]*\([0-9]*\)[[:blank:]]*$/\1/p" "$QD_SHARED/$1.conf" | tail -n 1)
	echo "${v:-$3}"
}

# qd_bound NODE: seconds within which NODE's quorumd changes role, derived
# from its configuration (defaults as in quorumd/qconfig.c): the peer's
# lease going stale (timeout_ms), a failed fence retried (2 fence_timeout_ms
# + fence_retry_ms), candidacy (2 interval_ms), or the watchdog bound
# (timeout_ms + watchdog_ms); their sum, 10x as margin for a busy machine,
# plus the lab's start bound for the daemon itself (LAB_START_S).
qd_bound() {
	local iv to ft fr wd
	iv=$(qd_conf "$1" interval_ms 500)
	to=$(qd_conf "$1" timeout_ms 2000)
	ft=$(qd_conf "$1" fence_timeout_ms 1000)
	fr=$(qd_conf "$1" fence_retry_ms 2000)
	wd=$(qd_conf "$1" watchdog_ms 0)
	echo $((LAB_START_S + 10 * (2 * to + 2 * iv + 2 * ft + fr + wd) / 1000))
}

# qd_wait_role NODE ROLE [SECS]: until NODE's quorumd is ROLE, for SECS or
# qd_bound, whichever is longer; says what it saw when that runs out.
qd_wait_role() {
	local bound deadline r
	bound=$(qd_bound "$1")
	((${3:-0} > bound)) && bound=$3
	deadline=$((SECONDS + bound))
	while :; do
		r=$(qd_role "$1")
		[[ $r == "$2" ]] && return 0
		if ((SECONDS >= deadline)); then
			tap_diag "$1's quorumd: waited ${bound}s for role $2, it is '${r:-not answering}'"
			return 1
		fi
		sleep 0.1
	done
}

qd_power_offs() {
	local log=$(lab_state_dir)/bmc/$1/chassis.log
	if [[ -f $log ]]; then
		grep -c 'set power 0' "$log"
	else
		echo 0
	fi
}

qd_events() {
	awk '$4 == "begin" {print $2}' "$QD_SHARED/events.$1" 2>/dev/null | tr '\n' ' '
}

qd_hook_ns() {
	awk -v r="$2" -v e="$3" '$2 == r && $4 == e {t = $5} END {print t + 0}' \
		"$QD_SHARED/events.$1" 2>/dev/null
}

qd_slot() {
	local id=1
	[[ $1 == b ]] && id=2
	"$QDISK" dump "$QD_SHARED/qd.img" --json 2>/dev/null |
		grep -o "{\"node\":$id,[^}]*}" | grep -o "\"$2\":[^,}]*" | sed 's/^[^:]*://; s/"//g'
}

# qd_wait_writes NODE N [SECS]: N more slot writes take N intervals;
# LAB_MARGIN times that plus LAB_START_S (a daemon just started), or SECS
# when longer. Says what it saw when that runs out.
qd_wait_writes() {
	local s0 s bound deadline
	s0=$(qd_slot "$1" seq)
	bound=$((LAB_START_S + LAB_MARGIN * $2 * $(qd_conf "$1" interval_ms 500) / 1000))
	((${3:-0} > bound)) && bound=$3
	deadline=$((SECONDS + bound))
	while :; do
		s=$(qd_slot "$1" seq)
		((${s:-0} >= ${s0:-0} + $2)) && return 0
		if ((SECONDS >= deadline)); then
			tap_diag "$1's slot: waited ${bound}s for $2 writes after seq ${s0:-none}, it is at ${s:-none}"
			return 1
		fi
		sleep 0.1
	done
}

# Enough slot writes of a head for its peer to have judged it stale and
# acted (a timeout is 4 intervals, plus the candidate step), with a margin.
QD_SETTLE_WRITES=8

qd_running() { lab_exec "$1" pgrep -x twinhead-quorum >/dev/null; }
qd_exited() { ! qd_running "$1" || { echo "still running"; return 1; }; }
# A stopping daemon runs its demote hooks and writes a last slot: qd_bound.
qd_wait_exit() { lab_wait_for "$(qd_bound "$1")" "$1's daemon to exit" qd_exited "$1"; }

qd_log() {
	cat "$(lab_state_dir)"/nodes/"$1"/log/qd*.log 2>/dev/null
}

# qd_wait_log NODE REGEX [SECS]: what the daemon logs follows a role
# change, a fence or a disk event, all within qd_bound; SECS when longer.
qd_wait_log() {
	local bound deadline
	bound=$(qd_bound "$1")
	((${3:-0} > bound)) && bound=$3
	deadline=$((SECONDS + bound))
	until qd_log "$1" | grep -Eq -- "$2"; do
		if ((SECONDS >= deadline)); then
			tap_diag "$1's quorumd log: waited ${bound}s for /$2/; its last lines:"
			qd_log "$1" | tail -n 5 | while read -r l; do tap_diag "  $l"; done
			return 1
		fi
		sleep 0.1
	done
}
