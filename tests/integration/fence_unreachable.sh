#!/bin/bash
# A BMC that does not answer (dead with its chassis): status and
# confirm-off fail, within their bounded timeouts, and report it; nothing
# claims the head is off. The head itself keeps running.
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

tap_done
