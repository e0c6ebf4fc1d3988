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

fence_from() {
	local node=$1
	shift
	fence_bare "$node" --host "$BMC_HOST" --user "$BMC_USER" --password-file "$BMC_PWFILE" "$@"
}

fence_out() { cat "$FENCE_OUT"; }
fence_err() { cat "$FENCE_ERR"; }

init_gone() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	[[ $stat == *") Z "* ]]
}
