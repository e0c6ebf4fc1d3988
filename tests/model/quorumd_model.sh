#!/bin/bash
# Model-checks quorumd's protocol with spin (quorumd/model/quorumd.pml):
# the full state space must hold guarantees 1 and 4 (never services acting
# on both heads, with demotes that take steps and may fail; never two
# votes; no claim without a fence while a fence announced by a poison pill
# runs), and each mutant that drops one of those rules must be caught,
# which shows the model can fail. The full search stores about 19 M states in
# about 1 GB (COLLAPSE), the pill run (-DPILL) about 2 M.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/tap.sh"

command -v spin >/dev/null || tap_skip_all "spin missing (apt-get install spin)"
CC=${CC:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$TH_SRCDIR/quorumd/model/quorumd.pml" "$work/"

# verify LABEL [-DFLAG...]: prints "errors=N states=M [assertion violated ...]"
verify() {
	local dir=$work/$1 out
	shift
	mkdir -p "$dir"
	(cd "$dir" && spin -a "$@" ../quorumd.pml >spin.log 2>&1 &&
		$CC -O2 -DSAFETY -DCOLLAPSE -DMEMLIM=3000 -w -o pan pan.c >cc.log 2>&1) ||
		{ echo "errors=build"; return; }
	out=$(cd "$dir" && ./pan -m2000000 2>&1)
	# A search cut short by its memory bound proves nothing.
	if grep -q 'MEMLIM\|out of memory' <<<"$out"; then
		echo "errors=memlim"
		return
	fi
	echo "errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' <<<"$out") states=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' <<<"$out") $(grep -o 'assertion violated.*' <<<"$out" | head -1)"
}

r=$(verify model)
tap_like "full model: never services on both heads, no two votes ($r)" "$r" \
	'^errors=0 states=[0-9]+ $'
states=${r##*states=}
states=${states% }
tap_like "the search covered a real state space" "$states" '^[0-9]{7,}$'
r=$(verify pill -DPILL)
tap_like "pill run: the same, and no claim without a fence inside a poison-pill hold ($r)" \
	"$r" '^errors=0 states=[0-9]+ $'
states=${r##*states=}
states=${states% }
tap_like "the pill run covered a real state space" "$states" '^[0-9]{6,}$'

# MUTANT_RELEASE_EARLY is issue 12's bug: RELEASED on disk when the demote
# hooks start, while the services still run.
for m in MUTANT_FENCE_NO_BACKOFF MUTANT_ELECT_NO_BACKOFF MUTANT_RELEASE_EARLY; do
	r=$(verify "$m" "-D$m")
	tap_like "$m: spin finds services on both heads ($r)" "$r" '^errors=[1-9].*(svc|vote)'
done
# Without the poison-pill hold nothing unsafe happens (a flap is no
# double primary), but a head claims while the fence it read of runs.
r=$(verify MUTANT_NO_POISON_HOLD -DPILL -DMUTANT_NO_POISON_HOLD)
tap_like "MUTANT_NO_POISON_HOLD: spin finds a claim inside the hold ($r)" "$r" \
	'^errors=[1-9].*held'
tap_done
