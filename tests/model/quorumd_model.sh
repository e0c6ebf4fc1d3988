#!/bin/bash
# Model-checks quorumd's protocol with spin (quorumd/model/quorumd.pml):
# the full state space must hold guarantees 1 and 4 (never two primaries,
# never two votes), and each mutant that drops a safety rule must be caught,
# which shows the model can fail.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/tap.sh"

command -v spin >/dev/null || tap_skip_all "spin missing (apt-get install spin)"
CC=${CC:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$TH_SRCDIR/quorumd/model/quorumd.pml" "$work/"

# verify LABEL [-DMUTANT]: prints "errors=N states=M"
verify() {
	local dir=$work/$1 out
	mkdir -p "$dir"
	(cd "$dir" && spin -a ${2:+"$2"} ../quorumd.pml >spin.log 2>&1 &&
		$CC -O2 -DSAFETY -w -o pan pan.c >cc.log 2>&1) || { echo "errors=build"; return; }
	out=$(cd "$dir" && ./pan -m2000000 2>&1)
	echo "errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' <<<"$out") states=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' <<<"$out")"
}

r=$(verify model)
tap_like "full model: no two primaries, no two votes ($r)" "$r" '^errors=0 states=[0-9]+$'
states=${r##*states=}
tap_like "the search covered a real state space" "$states" '^[0-9]{6,}$'

for m in MUTANT_FENCE_NO_BACKOFF MUTANT_ELECT_NO_BACKOFF; do
	r=$(verify "$m" "-D$m")
	tap_like "$m: spin finds two primaries ($r)" "$r" '^errors=[1-9]'
done
tap_done
