#!/bin/bash
# What start leaves behind when it fails (resource-agents #1316): nothing.
# A tgtadm wrapper fails one chosen call; after every failed start tgtd holds
# exactly what it held before. Also: conflicts with what others configured
# (a taken tid, the name under another tid, a hand-made CHAP account) are
# refused untouched; a half-created target stops cleanly and monitor names
# what is missing; bad parameters change nothing; no tgtd is "not running";
# a CHAP account shared by two targets lives until the last one stops; two
# starts at once on one tgtd both succeed.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/iscsi.sh"

iscsi_require
lab_start iscpart a
IQN=iqn.2024-01.org.twinhead:part
tgtd_start a || tap_done
d1=$(shared_file p1.img 8M)
d2=$(shared_file p2.img 8M)
sec=$(secret_file p.chap "part-secret-01")
ITGT_PARAMS=(iqn=$IQN tid=100 "luns=1:$d1 2:$d2" allowed_initiators=iqn.2024-01.org.twinhead:h1
	incoming_username=host1 secret_file="$sec")

# state NODE: everything tgtd holds, and twinhead's account marks.
state() {
	tgt_targets a
	tgtadm_in a --lld iscsi --mode account --op show
	lab_exec a find /run/twinhead/iscsitarget -name 'account-*' 2>/dev/null
}

# A tgtadm that fails the call whose arguments match the pattern in $FAIL.
FAIL=$LAB_TMP/fail-pattern
WRAP=$LAB_TMP/tgtadm
cat >"$WRAP" <<EOF
#!/bin/sh
pattern=\$(cat '$FAIL' 2>/dev/null)
if [ -n "\$pattern" ] && printf '%s\n' "\$*" | grep -q -e "\$pattern"; then
	echo "tgtadm: injected failure" >&2
	exit 22
fi
exec $(command -v tgtadm) "\$@"
EOF
chmod 0755 "$WRAP"

empty=$(state)
# The CHAP account itself is created over tgtd's socket, not with tgtadm
# (its failures are tgt_ipc_test's); failing its binding right after it
# checks that the account and its mark are undone.
for pattern in "--op new --tid 100 --targetname" "--name state --value offline" \
	"--lun 2 --backing-store" "--lun 1 --params" \
	"--op bind --tid 100 --user" "--initiator-name" "--value ready"; do
	printf '%s\n' "$pattern" >"$FAIL"
	AGENT_ENV=(TWINHEAD_TOOL_TGTADM="$WRAP")
	itgt a start
	rc=$?
	AGENT_ENV=()
	tap_is "start fails when tgtadm fails at '$pattern'" $rc 1
	tap_like "  with a reason naming the step" "$(agent_reason)" "injected failure"
	tap_is "  and tgtd holds what it held before" "$(state)" "$empty"
done
: >"$FAIL"

# A repair start (target there, a LUN missing) that fails removes only the
# LUN it added and puts the target back online.
itgt a start
tap_is "a clean start" $? 0 || tap_diag "$(agent_reason)"
tgtadm_in a --lld iscsi --mode logicalunit --op delete --tid 100 --lun 2
itgt a monitor
tap_is "monitor notices a LUN removed behind its back" $? 1
tap_like "  and names it" "$(agent_reason)" "LUN 2 .* is missing"
before=$(state)
printf '%s\n' "--lun 2 --params" >"$FAIL"
AGENT_ENV=(TWINHEAD_TOOL_TGTADM="$WRAP")
itgt a start
tap_is "a repair start that fails" $? 1
AGENT_ENV=()
tap_is "  leaves the target as it found it (online, LUN 1 only)" "$(state)" "$before"
: >"$FAIL"
itgt a start
tap_is "a repair start" $? 0
itgt a monitor
tap_is "  and the target is whole again" $? 0
itgt a stop
tap_is "stop" $? 0
tap_is "tgtd is empty again" "$(state)" "$empty"

# Conflicts with what others configured: refused, untouched.
tgtadm_in a --lld iscsi --mode target --op new --tid 100 --targetname iqn.2024-01.org.other:x
before=$(state)
itgt a start
tap_is "a tid taken by another target is refused" $? 1
tap_like "  the reason says so" "$(agent_reason)" "tid 100 is already taken by target iqn.2024-01.org.other:x"
tap_is "  and nothing changed" "$(state)" "$before"
itgt a stop
tap_is "stop does not touch the other target" "$(state)" "$before"
tgtadm_in a --lld iscsi --mode target --op delete --tid 100
tgtadm_in a --lld iscsi --mode target --op new --tid 7 --targetname $IQN
before=$(state)
itgt a start
tap_is "our name under another tid is refused" $? 1
tap_like "  the reason asks for the same tid on both heads" "$(agent_reason)" "set tid=7"
tap_is "  and nothing changed" "$(state)" "$before"
tgtadm_in a --lld iscsi --mode target --op delete --tid 7
tgtadm_in a --lld iscsi --mode account --op new --user host1 --password handmade-pw12
before=$(state)
itgt a start
tap_is "a hand-made account of the same user is refused" $? 1
tap_like "  the reason says why" "$(agent_reason)" "not created by twinhead"
tap_is "  and nothing changed" "$(state)" "$before"
tgtadm_in a --lld iscsi --mode account --op delete --user host1

# A half-created target (what a killed start may leave).
tgtadm_in a --lld iscsi --mode target --op new --tid 100 --targetname $IQN
tgtadm_in a --lld iscsi --mode logicalunit --op new --tid 100 --lun 1 --backing-store "$d1"
itgt a monitor
tap_is "monitor of a half-created target fails" $? 1
itgt a stop
tap_is "stopping a half-created target succeeds" $? 0
tap_is "  and removes it" "$(state)" "$empty"

# Bad parameters: a clear error, nothing changed.
bad() {
	local want=$1 regex=$2
	shift 2
	agent_run a iscsitarget start "$@"
	tap_is "start $* -> $want" $? "$want"
	tap_like "  reason" "$(agent_reason)" "$regex"
}
bad 6 "'iqn' is required" "luns=1:$d1"
bad 6 "lower case" iqn=iqn.2024-01.org.Twinhead:x "luns=1:$d1"
bad 6 "LUN 0 for its controller" iqn=$IQN "luns=0:$d1"
bad 6 "IPv6 addresses in brackets" iqn=$IQN "luns=1:$d1" portals=fd00::1:3260
bad 6 "ALL alone" iqn=$IQN "luns=1:$d1" "allowed_initiators=ALL 10.0.0.1"
bad 6 "both incoming_username and secret_file" iqn=$IQN "luns=1:$d1" incoming_username=u
bad 5 "does not exist on this node" iqn=$IQN "luns=1:$d1" incoming_username=u secret_file=/nonexistent
bad 6 "not an integer" iqn=$IQN "luns=1:$d1" tid=one
tap_is "bad parameters changed nothing" "$(state)" "$empty"
missing=$(lab_state_dir)/shared/missing.img
agent_run a iscsitarget start iqn=$IQN "luns=1:$missing" allowed_initiators=ALL
tap_is "a missing backing file fails start" $? 1
tap_like "  naming the file" "$(agent_reason)" "cannot add LUN 1 backed by $missing"
tap_is "  and changes nothing" "$(state)" "$empty"

# No tgtd on that control port.
ITGT_PARAMS+=(tgt_control_port=9)
itgt a start
tap_is "start without tgtd fails" $? 1
tap_like "  the reason says to start tgtd" "$(agent_reason)" "tgtd is not running on control port 9"
itgt a monitor
tap_is "monitor without tgtd: not running" $? 7
itgt a stop
tap_is "stop without tgtd: success" $? 0
unset 'ITGT_PARAMS[-1]'

# One CHAP account, two targets: it lives until the last one stops.
T1=(iqn=$IQN:one "luns=1:$d1" allowed_initiators=ALL incoming_username=shared secret_file="$sec")
T2=(iqn=$IQN:two "luns=1:$d2" allowed_initiators=ALL incoming_username=shared secret_file="$sec")
ITGT_PARAMS=()
itgt a start "${T1[@]}" &
itgt a start "${T2[@]}" 2>/dev/null >/dev/null &
wait %1; rc1=$?
wait %2; rc2=$?
tap_is "two starts at once on one tgtd both succeed" "$rc1 $rc2" "0 0"
other=$(secret_file other.chap "another-secret1")
agent_run a iscsitarget start iqn=$IQN:three "luns=1:$(shared_file p3.img 8M)" \
	allowed_initiators=ALL incoming_username=shared secret_file="$other"
tap_is "the same user with another secret is refused" $? 1
tap_like "  the reason says so" "$(agent_reason)" "with another secret"
itgt a stop "${T1[@]}"
tap_like "stopping the first keeps the shared account" \
	"$(tgtadm_in a --lld iscsi --mode account --op show)" "shared"
itgt a stop "${T2[@]}"
tap_is "stopping the last removes it" "$(state)" "$empty"
tap_done
