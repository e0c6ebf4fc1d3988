# tests/lib/quorumd.sh: two heads running twinhead-quorumd in the lab, with
# real ipmi_sim BMCs and a quorum disk file in the shared directory.
# Source after tests/lib/lab.sh.
#
#   qd_setup NAME [CONF-LINES...]  lab a b, BMCs, disk, configs, hooks
#   qd_start NODE                  start NODE's daemon (spawned in NODE)
#   qd_stop NODE SIGNAL            signal NODE's daemon
#   qd_role NODE                   role from NODE's published state
#   qd_state NODE KEY              any key of the published state
#   qd_wait_role NODE ROLE SECS    wait for it; returns 1 on timeout
#   qd_power_offs NODE             'set power 0' requests NODE's BMC served
#   qd_events NODE                 promote/demote hook calls on NODE, in order

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
echo "$1 $TWINHEAD_ROLE $TWINHEAD_EPOCH" >>"$(dirname "$0")/events.$1"
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

qd_start() {
	lab spawn "$1" "qd$(date +%s%N)" -- "$QD" -c "$QD_SHARED/$1.conf"
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

qd_wait_role() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		[[ $(qd_role "$1") == "$2" ]] && return 0
		sleep 0.1
	done
	return 1
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
	cat "$QD_SHARED/events.$1" 2>/dev/null | awk '{print $2}' | tr '\n' ' '
}
