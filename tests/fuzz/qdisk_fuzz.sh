#!/bin/bash
# Fuzzes the quorum disk decoders briefly with libFuzzer (clang, address and
# undefined-behaviour sanitizers), starting from a seed corpus of valid
# records. Any crash, sanitizer report or broken invariant fails the test.
# TWINHEAD_FUZZ_SECONDS sets the budget (default 10).
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null || tap_skip_all "clang missing (apt-get install clang)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$TH_SRCDIR
inc=(-I"$TH_BUILDDIR" -I"$src/lib" -I"$src/quorumd" -D_GNU_SOURCE)
srcs=("$src/quorumd/qdisk_format.c" "$src/quorumd/crc32c.c" "$src/lib/why.c")

tap_check "seed corpus builds" \
	"$CLANG" -O1 "${inc[@]}" -DQD_FUZZ_SEEDS -o "$work/seeds" "$src/tests/fuzz/qdisk_decode_fuzz.c" "${srcs[@]}"
mkdir -p "$work/corpus"
tap_check "seed corpus written" "$work/seeds" "$work/corpus"
if ! tap_check "fuzz target builds with libFuzzer and sanitizers" \
	"$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all "${inc[@]}" \
	-o "$work/fuzz" "$src/tests/fuzz/qdisk_decode_fuzz.c" "${srcs[@]}"; then
	tap_done
fi
out=$("$work/fuzz" -max_total_time="${TWINHEAD_FUZZ_SECONDS:-10}" -max_len=4096 \
	-artifact_prefix="$work/" "$work/corpus" 2>&1)
rc=$?
tap_is "no crash in ${TWINHEAD_FUZZ_SECONDS:-10} s of fuzzing" "$rc" 0
[[ $rc == 0 ]] || tap_diag "$(tail -30 <<<"$out")"
runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' <<<"$out")
tap_like "the fuzzer ran ($runs inputs)" "${runs:-0}" '^[0-9]{4,}$'
tap_done
