#!/bin/bash
# The state-machine simulation must be able to see the bugs its rules are
# there for. Two builds of qd_sm.c with one rule removed each:
#   QD_SM_MUTANT_RELEASE_EARLY (issue 12): RELEASED when the demote hooks
#     start, not when they succeed: services acting on both heads, in
#     exactly the tests with a slow demote;
#   QD_SM_MUTANT_NO_POISON_HOLD: a head that read a poison pill claims at
#     once as before (the flap a lab saw under load): exactly the four
#     tests of the hold fail, the lab's scenario with the flap.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

D=$TH_BUILDDIR/tests/unit/qdisk
for m in qd_sm_mutant qd_sm_mutant_hold; do
	[[ -x $D/$m ]] || { echo "Bail out! $D/$m not built"; exit 1; }
done
# Check's own report (not TAP, which make check asks for): one line per
# failure and a summary.
mutant() { env -u CK_TAP_LOG_FILE_NAME CK_VERBOSITY=normal CK_FORK=yes "$D/$1" 2>&1; }

out=$(mutant qd_sm_mutant)
rc=$?
tap_isnt "RELEASE_EARLY: the mutant fails the simulation" "$rc" 0
for t in release_with_a_demote_longer_than_the_timeout shutdown_with_a_demote_longer_than_the_timeout; do
	tap_like "  $t: two primaries" "$(grep -- "$t" <<<"$out")" "two primaries"
done

out=$(mutant qd_sm_mutant_hold)
rc=$?
tap_isnt "NO_POISON_HOLD: the mutant fails the simulation" "$rc" 0
tap_like "  the lab's scenario: a flap" \
	"$(grep -- ":poison_pill_read_as_secondary_holds_off_the_election:" <<<"$out")" "a flap"
tap_like "  the hold's expiry: a claim without a fence inside the hold" \
	"$(grep -- ":poison_hold_expires_and_the_election_resumes:" <<<"$out")" \
	"claimed without a fence"
tap_like "  a poisoned primary: re-elected without fencing the peer" \
	"$(grep -- ":poison_pill_stops_a_primary:" <<<"$out")" "without fencing the peer"
tap_like "  a pill found at start: a claim without a fence inside the hold" \
	"$(grep -- ":a_pill_found_at_start_holds_off_from_when_it_was_posted:" <<<"$out")" \
	"claimed without a fence"
tap_like "  nothing else fails" "$out" "Failures: 4, Errors: 0"

real_sm() { "$D/qd_sm_test" >/dev/null 2>&1; }
tap_check "  the real state machine passes the same tests" real_sm
tap_done
