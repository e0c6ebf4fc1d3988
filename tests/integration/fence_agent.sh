#!/bin/bash
# fence_twinhead, the Pacemaker fence agent, against a real simulated BMC
# (ipmi_sim) that powers lab head a off and on: key=value options on stdin
# as pacemaker-fenced sends them, command-line options, every action, the
# fence-agents exit codes; a wrong password and an unreachable BMC fail
# with a clear error within power_timeout. Then the reuse rule: with a
# state file in quorumd's format that confirms THIS failure the agent makes
# no IPMI call at all (the BMC's own chassis log gains no line), and with a
# stale confirmation (slot written after it, rejoined after it, quorumd not
# running) it does fence through the BMC.
# Not testable with ipmi_sim: a BMC that says off while the node still
# runs (the sim's power state is the node's own); see fence_twinhead(8).
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/fence.sh
. "$TH_SRCDIR/tests/lib/fence.sh"

AGENT=$TH_BUILDDIR/fence/fence_twinhead
[[ -x $AGENT ]] || tap_skip_all "$AGENT not built (run make)"
fence_lab_start fagt

STATE=$LAB_TMP/quorumd-state
OPTS="ip=$BMC_HOST
username=$BMC_USER
password_file=$BMC_PWFILE
plug=a
quorumd_state=$STATE
power_timeout=20"

# agent ACTION [EXTRA key=value lines]: run it in head b, options on stdin.
agent() {
	local action=$1
	shift
	printf '%s\naction=%s\n%s' "$OPTS" "$action" "$(printf '%s\n' "$@")" |
		lab exec b -- timeout 60 "$AGENT" >"$FENCE_OUT" 2>"$FENCE_ERR"
}
bmc_lines() { wc -l <"$CHASSIS_LOG"; }
# state PEER_SEEN PEER_MEMBER FENCED [UPDATED]: quorumd's state file, the
# format lib/quorumd_state.c writes (monotonic ms; only their order counts).
state() {
	printf 'version=1\nrole=primary\npeer=fenced\nepoch=5\nupdated=%s\npeer_seen_ms=%s\npeer_member_ms=%s\nfenced_ms=%s\nfenced_bmc=%s\n' \
		"${4:-$(date +%s)}" "$1" "$2" "$3" "$BMC_ADDR" >"$STATE"
}
BMC_ADDR=$BMC_HOST
[[ $BMC_ADDR == *:* ]] || BMC_ADDR=$BMC_ADDR:623

# --- conventions ---------------------------------------------------------------
out=$(lab exec b -- "$AGENT" -o metadata)
tap_is "metadata is well-formed XML" "$(printf '%s' "$out" | xmllint --noout - 2>&1; echo $?)" 0
tap_like "metadata lists password_file as required" "$out" 'parameter name="password_file" unique="0" required="1"'
for a in on off reboot status monitor list metadata validate-all; do
	tap_like "metadata declares $a" "$out" "action name=\"$a\""
done

# Installed where Pacemaker looks (the lab lays it over /usr/sbin, as an
# installed twinhead puts it there), the cluster tools read it.
tap_is "the node has it in /usr/sbin" "$(lab exec b -- sh -c 'command -v fence_twinhead')" /usr/sbin/fence_twinhead
if command -v stonith_admin >/dev/null; then
	out=$(lab exec b -- stonith_admin --metadata -a fence_twinhead 2>&1)
	tap_like "stonith_admin --metadata -a fence_twinhead" "$out" '<resource-agent name="fence_twinhead"'
else
	tap_ok "# SKIP stonith_admin not installed"
fi
if command -v pcs >/dev/null; then
	out=$(lab exec b -- env HOME="$LAB_TMP" pcs stonith describe fence_twinhead 2>&1)
	tap_like "pcs stonith describe fence_twinhead" "$out" 'password_file \(required\)'
else
	tap_ok "# SKIP pcs not installed"
fi
if command -v crm >/dev/null; then
	mkdir -p "$LAB_TMP/crmhome"
	out=$(lab exec b -- env HOME="$LAB_TMP/crmhome" XDG_CACHE_HOME="$LAB_TMP/crmhome" \
		XDG_CONFIG_HOME="$LAB_TMP/crmhome" crm ra info stonith:fence_twinhead 2>&1)
	tap_like "crm ra info stonith:fence_twinhead" "$out" 'password_file\* \(string\)'
else
	tap_ok "# SKIP crmsh not installed"
fi

agent validate-all; tap_is "validate-all with good options: 0" $? 0
printf 'action=off\nip=%s\nusername=admin\npassword=secret\n' "$BMC_HOST" |
	lab exec b -- "$AGENT" >"$FENCE_OUT" 2>"$FENCE_ERR"; rc=$?
tap_is "a password on stdin is refused (2)" "$rc" 2
tap_like "  and it says to use a file" "$(fence_err)" 'password in a file'
lab exec b -- "$AGENT" -o status -a "$BMC_HOST" -l admin -p secret >"$FENCE_OUT" 2>"$FENCE_ERR"; rc=$?
tap_is "a password on the command line is refused (2)" "$rc" 2

# --- against the BMC -------------------------------------------------------------
agent status; rc=$?
tap_is "status of a running head: Status: ON, exit 0" "$rc:$(fence_out)" "0:Status: ON" || tap_diag "$(fence_err)"
lab exec b -- "$AGENT" -o status -a "$BMC_HOST" -l "$BMC_USER" --password-file "$BMC_PWFILE" \
	>"$FENCE_OUT" 2>"$FENCE_ERR"; rc=$?
tap_is "the same with command-line options" "$rc:$(fence_out)" "0:Status: ON" || tap_diag "$(fence_err)"
agent monitor; tap_is "monitor: 0" $? 0
agent list; rc=$?
tap_is "list: plug,bmc" "$rc:$(fence_out)" "0:a,$BMC_ADDR"

bad=$LAB_TMP/bad.password
printf 'wrongpass\n' >"$bad"; chmod 600 "$bad"
printf 'action=status\nip=%s\nusername=%s\npassword_file=%s\npower_timeout=20\n' "$BMC_HOST" "$BMC_USER" "$bad" |
	lab exec b -- timeout 60 "$AGENT" >"$FENCE_OUT" 2>"$FENCE_ERR"; rc=$?
tap_is "a wrong password: login denied (3)" "$rc" 3
tap_like "  and it says the BMC refused the login" "$(fence_err)" 'refused the login'

# quorumd not running (no state file): off fences through the BMC.
init=$(lab_pid a)
before=$(bmc_lines)
agent off; rc=$?
tap_is "off without quorumd: exit 0" "$rc" 0 || tap_diag "$(fence_err)"
tap_like "  through the BMC, saying why quorumd was not used" "$(fence_err)" 'fencing through the BMC .*quorumd not running'
tap_like "  the BMC executed a power-off" "$(tail -n +"$((before + 1))" "$CHASSIS_LOG")" 'set power 0: poweroff done'
tap_ok "  head a's init is gone" "$(init_gone "$init" && echo 1)"
agent status; tap_is "status: Status: OFF, exit 2" "$?:$(fence_out)" "2:Status: OFF"
agent on; rc=$?
tap_is "on: exit 0" "$rc" 0 || tap_diag "$(fence_err)"
agent status; tap_is "status after on: ON" "$?:$(fence_out)" "0:Status: ON"

# --- the reuse rule -----------------------------------------------------------------
# quorumd confirmed THIS failure: off answers without any IPMI call. (The
# head is really on: the file says otherwise, and only the file is read,
# which is the point: no session, no status read, no chassis command.)
init=$(lab_pid a)
state 1000 50000 51400
before=$(bmc_lines)
agent off; rc=$?
tap_is "confirmed by quorumd for this failure: exit 0" "$rc" 0 || tap_diag "$(fence_err)"
tap_like "  and it says so" "$(fence_err)" 'confirmed by twinhead-quorumd, no IPMI call'
tap_is "  the BMC's chassis log gained no line (no IPMI call)" "$(bmc_lines)" "$before"
tap_is "  head a still runs the same init" "$(lab_pid a)" "$init"

# reuse_refused LABEL WHY: off must fence through the BMC.
reuse_refused() {
	local before rc
	before=$(bmc_lines)
	agent off; rc=$?
	tap_is "$1: fenced through the BMC, exit 0" "$rc" 0 || tap_diag "$(fence_err)"
	tap_like "  the reason is given" "$(fence_err)" "$2"
	tap_like "  the BMC executed a power-off" "$(tail -n +"$((before + 1))" "$CHASSIS_LOG")" 'set power 0: poweroff done'
	agent on >/dev/null 2>&1 || tap_diag "power on failed: $(fence_err)"
}
state 51500 50000 51400
reuse_refused "stale: the peer wrote its slot after the confirmation" 'stale: the peer wrote its quorum disk slot'
state 1000 60000 51400
reuse_refused "stale: the peer rejoined after the confirmation" 'rejoined'
state 1000 50000 51400 "$(($(date +%s) - 60))"
reuse_refused "quorumd stopped confirming (state 60 s old)" 'is quorumd running'
state 1000 0 51400
reuse_refused "no membership known (standalone quorumd)" 'membership'
printf 'version=1\nrole=primary\npeer=fenced\nepoch=5\nupdated=%s\npeer_seen_ms=1\npeer_member_ms=2\nfenced_ms=9\nfenced_bmc=10.9.9.9:623\n' "$(date +%s)" >"$STATE"
reuse_refused "another BMC's confirmation" 'this device is BMC'

# --- an unreachable BMC -------------------------------------------------------------
lab bmc a down >/dev/null
t0=$(date +%s%N)
printf '%s\naction=off\npower_timeout=2\nquorumd=0\n' "$OPTS" |
	lab exec b -- timeout 60 "$AGENT" >"$FENCE_OUT" 2>"$FENCE_ERR"; rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
tap_is "off through an unreachable BMC: not confirmed (7)" "$rc" 7
tap_like "  clear error naming the timeout" "$(fence_err)" 'NOT confirmed within 2 s'
tap_diag "off against the unreachable BMC returned after $ms ms (power_timeout 2 s)"
printf '%s\naction=monitor\npower_timeout=2\n' "$OPTS" |
	lab exec b -- timeout 60 "$AGENT" >"$FENCE_OUT" 2>"$FENCE_ERR"; rc=$?
tap_is "monitor of an unreachable BMC: timed out (5)" "$rc" 5
tap_like "  clear error" "$(fence_err)" 'no answer from the BMC within 2 s'
lab bmc a up >/dev/null

tap_done
