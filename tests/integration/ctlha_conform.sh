#!/bin/bash
# Conformance of ocf:twinhead:ctlha (the FreeBSD code, on the CTL HA
# emulator) inside a lab head: ocf-tester passes, promote and demote checks
# included (b is started as the peer, so the link comes up); it fails
# without peer; crm_resource --validate passes and fails as it should, with
# the agent's reasons.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/ctlha.sh"

command -v ocf-tester >/dev/null || tap_skip_all "ocf-tester missing (apt-get install resource-agents)"
command -v crm_resource >/dev/null || tap_skip_all "crm_resource missing (apt-get install pacemaker-cli-utils)"
ctlha_require_emulator
lab_start ctlconf a b
A=$(lab_addr a)
agent=/usr/lib/ocf/resource.d/twinhead/ctlha

emu_start a 1 2 || tap_done
emu_start b 2 2 || tap_done
emu_lun a 0
emu_lun b 0
agent_run b ctlha start peer="$A:7997" link_timeout=5
tap_is "peer b started" $? 0

out=$(lab_exec a env "${AGENT_ENV[@]}" ocf-tester -n ctl -o peer="$A:7997" -o link_timeout=5 \
	$agent 2>&1)
rc=$?
tap_is "ocf-tester exit code" $rc 0
tap_like "ocf-tester verdict" "$out" "passed all tests"
tap_unlike "ocf-tester ran promote and demote" "$out" "does not support the (promote|demote) action|partially supports"
[[ $rc == 0 ]] || tap_diag "$out"
tap_is "a is left stopped: ha_peer empty" "$(emu_get a ha_peer)" ""
tap_is "a is left secondary" "$(emu_get a ha_role)" 1

out=$(lab_exec a env "${AGENT_ENV[@]}" ocf-tester -n bad -o link_timeout=5 $agent 2>&1)
tap_is "ocf-tester fails without peer" $? 1

v() { lab_exec a env "${AGENT_ENV[@]}" crm_resource --validate --class ocf --provider twinhead --agent ctlha "$@" 2>&1; }
out=$(v --option peer="$A:7997")
tap_is "crm_resource --validate: good configuration passes" $? 0
out=$(v --option peer="$A:7997" --option mode=0)
tap_isnt "a mode this head was not booted with fails" $? 0
tap_like "  with the agent's reason" "$out" "kern.cam.ctl.ha_mode is 2 on this head but mode=0"
out=$(v --option peer=headb)
tap_isnt "a host name for peer fails" $? 0
tap_like "  with the agent's reason" "$out" "not a dotted IPv4 address"
out=$(v --option lun_roles=1=9 --option peer="$A")
tap_isnt "bad lun_roles fail" $? 0
tap_like "  with the agent's reason" "$out" "is not LUN=HAID"
out=$(v --option link_timeout=5)
tap_isnt "missing peer fails" $? 0
tap_done
