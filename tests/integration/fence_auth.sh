#!/bin/bash
# Who may fence: a wrong password or user is refused by the BMC; cipher
# suite 0 (and suites without integrity) and loose password files are
# refused by twinhead-fence before anything is sent, even though the
# simulated BMC would accept cipher 0 with a wrong password. None of it
# touches the head.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/fence.sh
. "$TH_SRCDIR/tests/lib/fence.sh"

fence_lab_start fauth

init=$(lab_pid a)
wrong=$LAB_TMP/wrong.pw
(umask 077 && printf 'not-the-password\n' >"$wrong")

fence_bare b --host "$BMC_HOST" --user "$BMC_USER" --password-file "$wrong" status; rc=$?
tap_is "wrong password: status fails (1)" "$rc" 1
tap_like "wrong password: the login was refused" "$(fence_err)" 'refused the login'
fence_bare b --host "$BMC_HOST" --user "$BMC_USER" --password-file "$wrong" confirm-off; rc=$?
tap_is "wrong password: confirm-off fails (1)" "$rc" 1
tap_like "wrong password: confirm-off says why" "$(fence_err)" 'refused the login'

fence_bare b --host "$BMC_HOST" --user nobody --password-file "$BMC_PWFILE" confirm-off; rc=$?
tap_is "unknown user: confirm-off fails (1)" "$rc" 1
tap_like "unknown user: the login was refused" "$(fence_err)" 'refused the login'

# Cipher suite 0: no authentication at all. Refused here, with the right
# password and with a wrong one, before any packet goes out.
fence_bare b --host "$BMC_HOST" --user "$BMC_USER" --password-file "$wrong" --cipher 0 confirm-off; rc=$?
tap_is "cipher 0 with a wrong password: refused (2)" "$rc" 2
tap_like "cipher 0: says why" "$(fence_err)" 'cipher suite 0 is refused'
fence_from b --cipher 0 status; rc=$?
tap_is "cipher 0 with the right password: refused too (2)" "$rc" 2
fence_from b --cipher 1 status; rc=$?
tap_is "cipher 1 (no integrity): refused (2)" "$rc" 2
tap_like "cipher 1: says why" "$(fence_err)" 'no integrity'
fence_from b --cipher 3 status; rc=$?
tap_is "cipher 3 with the right password: works" "$rc:$(fence_out)" 0:on

# Why cipher 0 must be refused on our side: this BMC accepts it with any
# password (LAB-NOTES). Shown with ipmipower when it is installed.
if command -v ipmipower >/dev/null 2>&1; then
	sim0=$(lab exec b -- ipmipower -h "$BMC_HOST" -u "$BMC_USER" -p not-the-password \
		-D LAN_2_0 -I 0 -W opensesspriv --stat 2>&1)
	tap_diag "for comparison, ipmipower with cipher 0 and a wrong password: $sim0"
fi

# The password file must be ours alone.
loose=$LAB_TMP/loose.pw
cp "$BMC_PWFILE" "$loose"
chmod 0640 "$loose"
fence_bare b --host "$BMC_HOST" --user "$BMC_USER" --password-file "$loose" status; rc=$?
tap_is "group-readable password file: refused (2)" "$rc" 2
tap_like "and says how to fix it" "$(fence_err)" 'chmod 600'
ln -s "$BMC_PWFILE" "$LAB_TMP/link.pw"
fence_bare b --host "$BMC_HOST" --user "$BMC_USER" --password-file "$LAB_TMP/link.pw" status; rc=$?
tap_is "symlinked password file: refused (2)" "$rc" 2
fence_bare b --host "$BMC_HOST" --user "$BMC_USER" --password-file "$LAB_TMP/missing.pw" status; rc=$?
tap_is "missing password file: refused (2)" "$rc" 2
fence_bare b --host "bmc-a" --user "$BMC_USER" --password-file "$BMC_PWFILE" status; rc=$?
tap_is "a host name instead of an address: refused (2)" "$rc" 2

# Nothing of this reached the chassis: the head still runs, and the BMC's
# chassis program only ever answered the one status read.
tap_is "a still runs the same init" "$(lab_pid a)" "$init"
tap_unlike "the BMC never ran a power command" "$(cat "$CHASSIS_LOG")" 'set power'

tap_done
