#!/bin/bash
# twinhead-quorumd loads libfreeipmi only at its first fence. When it
# cannot (here: TWINHEAD_LIBFREEIPMI names a library that does not exist),
# the daemon says so at start, keeps running, and a fence is a loud,
# unconfirmed failure: no crash, and no takeover. Restarted with the
# library, the same head fences and takes over.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/quorumd.sh"

MISSING=libfreeipmi-twinhead-missing.so.99

qd_setup wqdnolib
nl_log() { cat "$(lab_state_dir)"/nodes/"$1"/log/qd*.log 2>/dev/null; }

QD_ENV_b="TWINHEAD_LIBFREEIPMI=$MISSING" qd_start a b
qd_wait_role a primary 15 && qd_wait_role b secondary 5
tap_is "a primary, b secondary" "$(qd_role a) $(qd_role b)" "primary secondary"
tap_like "b says at start that fencing will fail" "$(nl_log b)" \
	"cannot load libfreeipmi \($MISSING\): .*fencing node 1 will fail until it can be loaded"
tap_like "twinhead-quorumd check says so too" \
	"$(lab_exec b env TWINHEAD_LIBFREEIPMI=$MISSING "$QD" check -c "$QD_SHARED/b.conf" 2>&1)" \
	"warning: cannot load libfreeipmi \($MISSING\)"
tap_like "twinhead-fence fails with the same reason" \
	"$(lab_exec b env TWINHEAD_LIBFREEIPMI=$MISSING "$TH_BUILDDIR/fence/twinhead-fence" \
		--host "$(lab bmc a addr)" --user "$(lab bmc a user)" \
		--password-file "$(lab bmc a password-file)" status 2>&1; echo "exit $?")" \
	"status failed: cannot load libfreeipmi \($MISSING\).*exit 1"

lab_poweroff a >/dev/null
# The condition: b tried to fence a and failed, then kept writing.
qd_wait_log b "FENCING NODE 1 FAILED" 30
qd_wait_writes b "$QD_SETTLE_WRITES" 20
tap_isnt "a lost power, b cannot load libfreeipmi: b does not take over" "$(qd_role b)" primary
tap_like "  and says why, loudly" "$(nl_log b)" \
	"crit: FENCING NODE 1 FAILED \(cannot load libfreeipmi \($MISSING\): [^)]*\): no takeover"
tap_is "  a's BMC was never asked" "$(qd_power_offs a)" 0
tap_check "  b's daemon is still running" lab_exec b pgrep -x twinhead-quorum
tap_unlike "  b never claimed primary" "$(nl_log b)" "taking primary|taking over"

# With the library, the same head fences a and takes over.
qd_stop b TERM
qd_wait_exit b
qd_start b
if qd_wait_role b primary 15; then tap_ok "restarted with libfreeipmi, b takes over"; else tap_not_ok "restarted with libfreeipmi, b takes over"; fi
tap_like "  after the power-off of a was confirmed" "$(nl_log b)" "node 1 power-off confirmed"
tap_done
