#!/bin/bash
# The BMC password never shows in any process's argv or environment
# (/proc/*/cmdline, /proc/*/environ) while heads are fenced, powered on,
# and a fence times out on an unreachable BMC; nor in any output or log.
# A sampler reads every process's argv and environment over and over
# during the run; a planted leak at the end proves that it would notice.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/fence.sh
. "$TH_SRCDIR/tests/lib/fence.sh"

fence_lab_start fsec

STOP=$LAB_TMP/sampler.stop
HITS=$LAB_TMP/sampler.hits
SEEN=$LAB_TMP/sampler.seen
OUTS=$LAB_TMP/outputs
: >"$HITS"
: >"$SEEN"
: >"$OUTS"

# One round: every process whose argv or environment holds the password
# (grep -f: the password is read from its file, never put in an argv),
# and which processes of interest were alive.
sample_once() {
	local f pid
	while IFS= read -r f; do
		pid=${f#/proc/}
		pid=${pid%%/*}
		printf '%s %s\n' "$f" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-60)" >>"$HITS"
	done < <(grep -l -a -F -f "$BMC_PWFILE" /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null)
	grep -h -x -F -e twinhead-fence -e ipmi_sim -e bmc-chassis /proc/[0-9]*/comm 2>/dev/null >>"$SEEN"
}

sampler() {
	while [[ ! -e $STOP ]]; do
		sample_once
	done
}

sampler &
sampler_pid=$!

run() {
	fence_from "$@"
	cat "$FENCE_OUT" "$FENCE_ERR" >>"$OUTS"
}

run b status
tap_is "status works" "$(fence_out)" on
run b confirm-off
tap_like "confirm-off works" "$(fence_out)" '^off: confirmed'
run b on
tap_like "on works" "$(fence_out)" 'requested'
# The BMC powers on in the background: status reads fail until a runs.
tap_check "status works again (on, once a has booted)" fence_wait_on b
cat "$FENCE_OUT" "$FENCE_ERR" >>"$OUTS"
# A client that lives for a while: an unreachable BMC (b has none).
BMC_HOST=$(lab bmc a addr | sed 's/\.201:/.202:/')
run b --timeout-ms 1500 status
tap_like "an unreachable BMC times out" "$(fence_err)" 'no answer'

touch "$STOP"
wait "$sampler_pid"

tap_is "no process had the password in its argv or environment" "$(cat "$HITS")" ""
tap_like "the sampler saw twinhead-fence running" "$(sort -u "$SEEN" | tr '\n' ' ')" 'twinhead-fence'
tap_like "the sampler saw the BMC and its chassis program" "$(sort -u "$SEEN" | tr '\n' ' ')" \
	'bmc-chassis ipmi_sim'
if grep -q -a -F -f "$BMC_PWFILE" "$OUTS"; then
	tap_not_ok "no output of twinhead-fence shows the password"
else
	tap_ok "no output of twinhead-fence shows the password"
fi
# Only the password file and the BMC's own configuration may hold it.
leaks=$(grep -r -l -a -F -f "$BMC_PWFILE" "$(lab_state_dir)" 2>/dev/null |
	grep -v -x -F -e "$BMC_PWFILE" -e "$(lab_state_dir)/bmc/a/lan.conf")
tap_is "no log or state file holds the password" "$leaks" ""
mode=$(stat -c %a "$BMC_PWFILE" "$(lab_state_dir)/bmc/a/lan.conf" | tr '\n' ' ')
tap_is "the lab keeps it in 0600 files" "$mode" "600 600 "

# The sampler would have noticed: plant a process with the password in
# its environment and sample once.
: >"$HITS"
(
	LEAK=$(<"$BMC_PWFILE")
	export LEAK
	exec sleep 5
) &
leak_pid=$!
is_sleep() { [[ $(cat "/proc/$1/comm" 2>/dev/null) == sleep ]] || { echo "not exec'd yet"; return 1; }; }
lab_wait_for "$LAB_START_S" "the planted leak's exec" is_sleep "$leak_pid"
sample_once
kill "$leak_pid" 2>/dev/null
wait "$leak_pid" 2>/dev/null
tap_like "a planted leak is found by the same sampler" "$(cat "$HITS")" "^/proc/$leak_pid/environ "

tap_done
