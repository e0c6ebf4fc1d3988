# tests/lib/fence.sh: fencing tests against the lab's simulated BMCs.
# shellcheck shell=bash
# Source it (bash); it sources lab.sh (and so tap.sh).
#
#   fence_lab_start NAME        lab NAME with heads a and b, and a's BMC up
#                               (skips the test without ipmi_sim or a built
#                               twinhead-fence); sets BMC_HOST, BMC_USER,
#                               BMC_PWFILE, CHASSIS_LOG
#   fence_from NODE ARGS...     run twinhead-fence inside NODE against a's
#                               BMC (--host/--user/--password-file given),
#                               stdout in $FENCE_OUT, stderr in $FENCE_ERR;
#                               returns its exit status
#   fence_bare NODE ARGS...     the same with no options added
#   init_gone PID               the process is gone (or a zombie)
#   fence_wait_on NODE          after `on`: poll a's status from NODE until
#                               it says on (the BMC powers on in the
#                               background); 1 with what it saw otherwise
#
# The fencing path under test is the real one: head b fences head a
# through a's BMC, which runs outside both heads (twinhead-lab bmc).

# shellcheck source=tests/lib/lab.sh
. "${TH_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}/tests/lib/lab.sh"

TWINHEAD_FENCE=$TH_BUILDDIR/fence/twinhead-fence
BMC_HOST=
BMC_USER=
BMC_PWFILE=
CHASSIS_LOG=
FENCE_OUT=
FENCE_ERR=

fence_lab_start() {
	local name=$1 out
	tap_require_root_lab
	command -v ipmi_sim >/dev/null 2>&1 ||
		tap_skip_all "ipmi_sim not found (Debian: apt-get install openipmi)"
	[[ -x $TWINHEAD_FENCE ]] || tap_skip_all "$TWINHEAD_FENCE not built (run make)"
	lab_start "$name" a b
	if ! out=$(lab bmc a up 2>&1); then
		printf 'Bail out! lab bmc a up failed\n'
		tap_diag "$out"
		exit 1
	fi
	tap_diag "$out"
	BMC_HOST=$(lab bmc a addr)
	BMC_USER=$(lab bmc a user)
	BMC_PWFILE=$(lab bmc a password-file)
	# shellcheck disable=SC2034 # for the tests that source this file
	CHASSIS_LOG=$(lab_state_dir)/bmc/a/chassis.log
	FENCE_OUT=$LAB_TMP/fence.out
	FENCE_ERR=$LAB_TMP/fence.err
}

fence_bare() {
	local node=$1
	shift
	lab exec "$node" -- "$TWINHEAD_FENCE" "$@" >"$FENCE_OUT" 2>"$FENCE_ERR"
}

# The tests wait for the lab's BMC as long as twinhead-fence allows, not
# its defaults (5 s, sessions of 1 s): the BMC answers a power-off only
# after the lab's power-off has run (40-60 ms quiet, bounded by
# twinhead-lab's KILL_TIMEOUT_S of 5 s plus namespace work, seconds at load
# 20). The session gets half the deadline (fence_ipmi_timeouts). A test's
# own --timeout-ms comes later and wins.
FENCE_TEST_TIMEOUT_MS=60000
fence_from() {
	local node=$1
	shift
	fence_bare "$node" --host "$BMC_HOST" --user "$BMC_USER" --password-file "$BMC_PWFILE" \
		--timeout-ms "$FENCE_TEST_TIMEOUT_MS" --session-timeout-ms "$((FENCE_TEST_TIMEOUT_MS / 2))" "$@"
}

fence_out() { cat "$FENCE_OUT"; }
fence_err() { cat "$FENCE_ERR"; }

init_gone() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	[[ $stat == *") Z "* ]]
}

# A BMC acknowledges "on" at once and powers on in the background
# (lab/bmc-chassis); until the node runs, status reads fail (neither on nor
# off). The bound: twinhead-lab's own boot bound (BOOT_TIMEOUT_S = 30 s,
# after which the power-on job gives up and logs "poweron FAILED") plus
# one status call (FENCE_TEST_TIMEOUT_MS), twice over as margin. It
# does not expire on a slow machine: the power-on job ends first, and a
# failed one stops the wait at once.
FENCE_ON_BOUND_S=$((2 * (30 + FENCE_TEST_TIMEOUT_MS / 1000)))
fence_wait_on() {
	local from=$1 deadline=$((SECONDS + FENCE_ON_BOUND_S)) last=
	while :; do
		if fence_from "$from" status && [[ $(fence_out) == on ]]; then
			return 0
		fi
		last="$(fence_out) $(fence_err)"
		if grep -q 'poweron FAILED' "$CHASSIS_LOG"; then
			tap_diag "the BMC's power-on failed; its log:"
			tap_diag "$(tail -n 8 "$CHASSIS_LOG")"
			return 1
		fi
		if ((SECONDS >= deadline)); then
			tap_diag "status not 'on' ${FENCE_ON_BOUND_S}s after 'on'; last answer: $last; the BMC's log:"
			tap_diag "$(tail -n 8 "$CHASSIS_LOG")"
			return 1
		fi
		sleep 0.1
	done
}
