#!/bin/bash
# twinhead-fence status reads a head's power from its (simulated) BMC:
# on, off after a power loss, on again after power-on; over IPv4 and over
# IPv6; and "off" alone asks for power-off without claiming a fence.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/fence.sh
. "$TH_SRCDIR/tests/lib/fence.sh"

fence_lab_start fstat

fence_from b status; rc=$?
tap_is "status of a running head: exit 0" "$rc" 0 || tap_diag "$(fence_err)"
tap_is "status of a running head: on" "$(fence_out)" on

lab_poweroff a
fence_from b status; rc=$?
tap_is "status after a power loss: exit 0" "$rc" 0 || tap_diag "$(fence_err)"
tap_is "status after a power loss: off" "$(fence_out)" off

lab_poweron a
fence_from b status; rc=$?
tap_is "status after power-on: on" "$rc:$(fence_out)" 0:on

# The same over IPv6, with the address in brackets.
lab bmc a down >/dev/null
lab bmc a up -6 >/dev/null
BMC_HOST=$(lab bmc a addr)
tap_like "the IPv6 BMC address is bracketed" "$BMC_HOST" '^\[fd[0-9a-f:]+\]:623$'
fence_from b status; rc=$?
tap_is "status over IPv6: on" "$rc:$(fence_out)" 0:on || tap_diag "$(fence_err)"
lab_poweroff a
fence_from b status; rc=$?
tap_is "status over IPv6 after a power loss: off" "$rc:$(fence_out)" 0:off

# "off" is a request, not a fence: it says so.
lab_poweron a
fence_from b off; rc=$?
tap_is "off: exit 0 when the BMC accepts" "$rc" 0 || tap_diag "$(fence_err)"
tap_like "off: says it did not confirm" "$(fence_out)" 'not confirmed'
fence_from b status
tap_is "status after off: off" "$(fence_out)" off

# A status read from the host side names the device in its errors.
fence_bare b --host "$BMC_HOST" --user "$BMC_USER" --password-file "$BMC_PWFILE" bogus; rc=$?
tap_is "an unknown action is a usage error (2)" "$rc" 2
tap_like "and says which" "$(fence_err)" "unknown action 'bogus'"

tap_done
