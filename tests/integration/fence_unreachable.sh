#!/bin/bash
# A BMC that does not answer (dead with its chassis): status and
# confirm-off fail, within their bounded timeouts, and report it; nothing
# claims the head is off. The head itself keeps running. Taking one BMC
# down never takes the other one's address with it.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/fence.sh
. "$TH_SRCDIR/tests/lib/fence.sh"

fence_lab_start funr

init=$(lab_pid a)
lab bmc a down >/dev/null
tap_is "the BMC is down" "$(lab bmc a status)" down

# `timeout 30` only guards against a hang (libfreeipmi's own default is
# 20 s per session); 124 would mean the deadline was not honoured.
lab exec b -- timeout 30 "$TWINHEAD_FENCE" --host "$BMC_HOST" --user "$BMC_USER" \
	--password-file "$BMC_PWFILE" --timeout-ms 1500 status >"$FENCE_OUT" 2>"$FENCE_ERR"; rc=$?
tap_is "status of an unreachable BMC fails (1)" "$rc" 1
tap_like "and says no answer came" "$(fence_err)" 'no answer from the BMC'
tap_is "and prints no state" "$(fence_out)" ""

lab exec b -- timeout 30 "$TWINHEAD_FENCE" --host "$BMC_HOST" --user "$BMC_USER" \
	--password-file "$BMC_PWFILE" --timeout-ms 1500 confirm-off >"$FENCE_OUT" 2>"$FENCE_ERR"; rc=$?
tap_is "confirm-off through an unreachable BMC fails (1)" "$rc" 1
tap_like "and says the power-off is NOT confirmed" "$(fence_err)" 'NOT confirmed'
tap_unlike "and never claims off" "$(fence_out)" 'confirmed'

lab exec b -- timeout 30 "$TWINHEAD_FENCE" --host "$BMC_HOST" --user "$BMC_USER" \
	--password-file "$BMC_PWFILE" --timeout-ms 1500 on >"$FENCE_OUT" 2>"$FENCE_ERR"; rc=$?
tap_is "on through an unreachable BMC fails (1)" "$rc" 1

tap_is "a still runs the same init" "$(lab_pid a)" "$init"

# The BMC comes back: fencing works again.
lab bmc a up >/dev/null
fence_from b status; rc=$?
tap_is "status once the BMC is back: on" "$rc:$(fence_out)" 0:on || tap_diag "$(fence_err)"

# One BMC going down leaves the other one reachable, whichever goes first
# and in either address family. (With both IPv4 addresses in one /24 on
# the bridge, the first one up was the primary, and taking it down took
# the other BMC's secondary address with it.)
# bmc_answers FROM OF: FROM reads OF's power through OF's BMC.
bmc_answers() {
	fence_bare "$1" --host "$(lab bmc "$2" addr)" --user "$BMC_USER" \
		--password-file "$BMC_PWFILE" --timeout-ms 1500 status &&
		[[ $(fence_out) == on ]]
}
for fam in -4 -6; do
	lab bmc a down >/dev/null
	lab bmc a up "$fam" >/dev/null
	lab bmc b up "$fam" >/dev/null
	lab bmc a down >/dev/null
	bmc_answers a b
	tap_is "$fam: a's BMC down (the first one up): b's still answers" "$?" 0 || tap_diag "$(fence_err)"
	lab bmc a up "$fam" >/dev/null
	bmc_answers b a
	tap_is "$fam: a's BMC up again: it answers" "$?" 0 || tap_diag "$(fence_err)"
	bmc_answers a b
	tap_is "$fam: and b's still does" "$?" 0 || tap_diag "$(fence_err)"
	lab bmc b down >/dev/null
	bmc_answers b a
	tap_is "$fam: b's BMC down: a's still answers" "$?" 0 || tap_diag "$(fence_err)"
	lab bmc b up "$fam" >/dev/null
	bmc_answers a b
	tap_is "$fam: b's BMC up again: it answers" "$?" 0 || tap_diag "$(fence_err)"
	lab bmc b down >/dev/null
done

tap_done
