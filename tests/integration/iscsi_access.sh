#!/bin/bash
# Who may log in: CHAP with the right secret logs in, a wrong or missing
# secret is refused; an initiator whose name or address is not listed is
# refused; an empty list refuses everyone; ALL admits any address. The
# secret never appears in any process's argv (strace of start: the agent
# creates the account over tgtd's socket, no execve carries it), in
# /proc/PID/cmdline, in the agent's output or in tgtd's log. Mutual CHAP:
# a client that checks the target logs in when the target proves the
# outgoing secret, and refuses a target that does not. A secret file
# others can read stops start with nothing changed.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/iscsi.sh"

iscsi_require
lab_start iscacl a client other
NET=${TWINHEAD_LAB_NET4:-10.213.0}
A=$NET.11 CLIENT=$NET.12
IQN=iqn.2024-01.org.twinhead:acl
ME=iqn.2024-01.org.twinhead:test-client
SECRET=Xq7-secret-k9Lp
tgtd_start a || tap_done
disk=$(shared_file acl.img 16M)
sec=$(secret_file host1.chap "$SECRET")
wrong=$(secret_file wrong.chap "not-the-secret1")
ITGT_PARAMS=(iqn=$IQN "luns=1:$disk" portals=$A incoming_username=host1 secret_file="$sec")
ACL="allowed_initiators=$ME $CLIENT"

# Start under strace: did any process get the secret in argv?
trace=$LAB_TMP/start.trace
AGENT_ENV=()
lab_exec a strace -f -q -e trace=execve,exit_group -s 256 -o "$trace" \
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=acl \
	CRM_meta_timeout=20000 HA_debug=1 "OCF_RESKEY_iqn=$IQN" "OCF_RESKEY_luns=1:$disk" \
	"OCF_RESKEY_portals=$A" OCF_RESKEY_incoming_username=host1 "OCF_RESKEY_secret_file=$sec" \
	"OCF_RESKEY_allowed_initiators=$ME $CLIENT" \
	/usr/lib/ocf/resource.d/twinhead/iscsitarget start >"$AGENT_OUT" 2>"$AGENT_ERR"
tap_is "start with CHAP and an ACL of name and address" $? 0 || tap_diag "$(cat "$AGENT_ERR")"

# The pattern goes to grep through a file, not argv.
pattern=$LAB_TMP/pattern
printf '%s\n' "$SECRET" >"$pattern"
execs=$(grep -c 'execve(' "$trace")
tap_cmp "start ran programs (strace saw them)" "$execs" -ge 3
tap_is "no execve argv carries the secret" "$(grep 'execve(' "$trace" | grep -c -F -f "$pattern")" 0 ||
	tap_diag "$(grep 'execve(' "$trace" | grep -F -f "$pattern" | sed "s/$SECRET/SECRET/g")"
tap_is "  not even as --password" "$(grep 'execve(' "$trace" | grep -c -- --password)" 0
tap_is "the account exists all the same" "$(tgtadm_in a --lld iscsi --mode account --op show)" \
	"$(printf 'Account list:\n    host1')"
leak=$(lab_exec a sh -c 'for f in /proc/[0-9]*/cmdline; do tr "\0" " " <"$f"; echo; done' | grep -c -F -f "$pattern")
tap_is "no process in head a has the secret in its cmdline" "$leak" 0
leak=$(for f in /proc/[0-9]*/cmdline; do tr '\0' ' ' <"$f" 2>/dev/null; echo; done | grep -c -F -f "$pattern")
tap_is "no process on the host has it either" "$leak" 0
tap_unlike "the agent's output does not contain the secret" "$(cat "$AGENT_OUT" "$AGENT_ERR")" "$SECRET"
tap_unlike "tgtd's log does not contain it" "$(cat "$(lab_state_dir)"/nodes/a/log/tgtd-0.log)" "$SECRET"

# login NODE NAME SECRET-FILE|-: the client's exit code (0 in, 3 refused).
login() {
	local node=$1 name=$2 file=$3
	if [[ $file == - ]]; then
		client "$node" -- -i "$name" "$A" $IQN 1 login >/dev/null 2>&1
	else
		client "$node" -- -i "$name" -u host1 -s "$file" "$A" $IQN 1 login >/dev/null 2>&1
	fi
}
INTRUDER=iqn.2024-01.org.twinhead:intruder

login client $ME "$sec"
tap_is "listed name from a listed address with the secret logs in" $? 0
out=$(client -- -u host1 -s "$wrong" "$A" $IQN 1 login 2>&1)
tap_is "a wrong secret is refused" $? 3
tap_like "  as an authentication failure" "$out" "Authentication failure"
login client $ME -
tap_is "no CHAP at all is refused" $? 3
AGENT_ENV=(OCF_CHECK_LEVEL=10 OCF_RESKEY_CRM_meta_interval=60000)
itgt a monitor "$ACL"
tap_is "monitor depth 10 counts a refused login as an answer" $? 0 || tap_diag "$(agent_reason)"
AGENT_ENV=()
# Name or address (tgt >= 1.0.84): the list admits the union.
login other $ME "$sec"
tap_is "listed name from another address logs in (names are not tied to addresses)" $? 0
login client $INTRUDER "$sec"
tap_is "listed address with another name logs in" $? 0
out=$(client other -- -i $INTRUDER -u host1 -s "$sec" "$A" $IQN 1 login 2>&1)
tap_is "neither name nor address listed: refused, even with the secret" $? 3
tap_like "  the target hides itself" "$out" "Target not found"
itgt a stop "$ACL"
tap_is "stop" $? 0
tap_is "the CHAP account is gone with the target" "$(tgtadm_in a --lld iscsi --mode account --op show)" ""

# Names only.
itgt a start allowed_initiators=$ME
tap_is "start with a name only" $? 0 || tap_diag "$(agent_reason)"
login other $ME "$sec"
tap_is "  the name logs in from any address" $? 0
login client $INTRUDER "$sec"
tap_is "  another name is refused" $? 3
itgt a stop allowed_initiators=$ME
# Addresses only.
itgt a start allowed_initiators=$CLIENT
tap_is "start with an address only" $? 0 || tap_diag "$(agent_reason)"
login client $INTRUDER "$sec"
tap_is "  any name logs in from that address" $? 0
login other $ME "$sec"
tap_is "  another address is refused, even with a listed name elsewhere" $? 3
itgt a stop allowed_initiators=$CLIENT

# Empty list: nobody.
itgt a start
tap_is "start with an empty allowed_initiators" $? 0 || tap_diag "$(agent_reason)"
client -- -u host1 -s "$sec" "$A" $IQN 1 login >/dev/null 2>&1
tap_is "  nobody may log in, not even with the secret" $? 3
itgt a stop
# ALL: any address, the secret still required.
itgt a start allowed_initiators=ALL
tap_is "start with allowed_initiators=ALL" $? 0
client other -- -u host1 -s "$sec" "$A" $IQN 1 login >/dev/null 2>&1
tap_is "  any address logs in with the secret" $? 0
client other -- "$A" $IQN 1 login >/dev/null 2>&1
tap_is "  but not without it" $? 3
itgt a stop allowed_initiators=ALL

# Mutual CHAP: the target proves itself to a client that checks it.
TSECRET=Tg7-target-Zq2w
tsec=$(secret_file target.chap "$TSECRET")
twrong=$(secret_file twrong.chap "Tg7-wrong-Zq2wx")
MUTUAL=(allowed_initiators=ALL outgoing_username=tank-target outgoing_secret_file="$tsec")
trace=$LAB_TMP/mutual.trace
printf '%s\n' "$TSECRET" >"$pattern"
lab_exec a strace -f -q -e trace=execve -s 256 -o "$trace" \
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=acl \
	CRM_meta_timeout=20000 "OCF_RESKEY_iqn=$IQN" "OCF_RESKEY_luns=1:$disk" \
	"OCF_RESKEY_portals=$A" OCF_RESKEY_incoming_username=host1 "OCF_RESKEY_secret_file=$sec" \
	OCF_RESKEY_allowed_initiators=ALL OCF_RESKEY_outgoing_username=tank-target \
	"OCF_RESKEY_outgoing_secret_file=$tsec" \
	/usr/lib/ocf/resource.d/twinhead/iscsitarget start >"$AGENT_OUT" 2>"$AGENT_ERR"
tap_is "start with mutual CHAP (outgoing_username, outgoing_secret_file)" $? 0 ||
	tap_diag "$(cat "$AGENT_ERR")"
tap_is "  no execve argv carries the outgoing secret" "$(grep 'execve(' "$trace" | grep -c -F -f "$pattern")" 0
tap_like "  tgtd binds the outgoing account to the target" "$(tgt_targets a)" "tank-target \(outgoing\)"
itgt a monitor "${MUTUAL[@]}"
tap_is "  monitor" $? 0 || tap_diag "$(agent_reason)"
client other -- -u host1 -s "$sec" -U tank-target -S "$tsec" "$A" $IQN 1 login >/dev/null 2>&1
tap_is "  a client that checks the target logs in" $? 0
out=$(client other -- -u host1 -s "$sec" -U tank-target -S "$twrong" "$A" $IQN 1 login 2>&1)
rc=$?
tap_cmp "  a client expecting another target secret refuses the target" "$rc" -ne 0
tap_like "    because the target's answer does not match" "$out" "[Tt]arget|CHAP|authent"
client other -- -u host1 -s "$sec" "$A" $IQN 1 login >/dev/null 2>&1
tap_is "  a client that does not check the target still logs in" $? 0
itgt a stop "${MUTUAL[@]}"
tap_is "  stop" $? 0
tap_is "  both accounts are gone" "$(tgtadm_in a --lld iscsi --mode account --op show)" ""
# Without mutual CHAP the same checking client refuses the target: the
# check above can fail.
itgt a start allowed_initiators=ALL
client other -- -u host1 -s "$sec" -U tank-target -S "$tsec" "$A" $IQN 1 login >/dev/null 2>&1
tap_cmp "a checking client refuses a target without mutual CHAP" $? -ne 0
itgt a stop allowed_initiators=ALL
itgt a start "${MUTUAL[@]}" outgoing_username=host1
tap_is "outgoing_username equal to incoming_username is refused (OCF_ERR_CONFIGURED)" $? 6
itgt a start "${MUTUAL[@]}" outgoing_secret_file="$sec"
tap_is "the same secret both ways is refused (OCF_ERR_CONFIGURED)" $? 6
tap_like "  saying why" "$(agent_reason)" "different secret in each direction"
tap_is "  and nothing is left in tgtd" "$(tgt_targets a; tgtadm_in a --lld iscsi --mode account --op show)" ""

# A readable secret file: refused, nothing changed.
chmod 0644 "$sec"
before=$(tgt_targets a; tgtadm_in a --lld iscsi --mode account --op show)
itgt a start "$ACL"
tap_is "a secret file readable by others stops start (OCF_ERR_PERM)" $? 4
tap_like "  the reason says how to fix it" "$(agent_reason)" "chmod 600"
tap_is "  and nothing changed in tgtd" "$(tgt_targets a; tgtadm_in a --lld iscsi --mode account --op show)" "$before"
chmod 0600 "$sec"
tap_done
