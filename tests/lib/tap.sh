# tests/lib/tap.sh: TAP output for shell tests (source it; bash only).
# shellcheck shell=bash
#
#   tap_ok DESC                     ok N - DESC
#   tap_not_ok DESC [DETAIL...]     not ok N - DESC, then "# DETAIL" lines
#   tap_check DESC CMD...           ok if CMD exits 0 (its last 20 lines of
#                                   output are shown when it fails)
#   tap_is DESC GOT EXPECTED        ok if GOT == EXPECTED
#   tap_like DESC GOT REGEX         ok if [[ GOT =~ REGEX ]]
#   tap_isnt DESC GOT UNWANTED      ok if GOT != UNWANTED
#   tap_unlike DESC GOT REGEX       ok if GOT does not match REGEX
#   tap_diag MSG...                 # MSG
#   tap_skip_all REASON             1..0 # SKIP REASON, exit 0 (with
#                                   TWINHEAD_NO_SKIP=1: Bail out!, exit 1)
#   tap_done                        1..N; exit 1 if any test failed, else 0
#   tap_require_root_lab            skip all unless the lab can run here
#
# The plan comes last ("1..N" from tap_done), so tests need not count.
# Every tap_* function returns 0 and is safe under set -e; tap_check,
# tap_is and tap_like return 1 on failure so a test can stop early with
# "|| tap_done".

TAP_N=0
TAP_FAILED=0

tap_diag() {
	local line
	while IFS= read -r line; do
		printf '# %s\n' "$line"
	done <<<"$*"
}

tap_ok() {
	TAP_N=$((TAP_N + 1))
	printf 'ok %d - %s\n' "$TAP_N" "$1"
}

tap_not_ok() {
	local desc=$1 d
	shift
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	printf 'not ok %d - %s\n' "$TAP_N" "$desc"
	for d in "$@"; do
		tap_diag "$d"
	done
}

tap_check() {
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if ((rc == 0)); then
		tap_ok "$desc"
		return 0
	fi
	tap_not_ok "$desc" "command: $*" "exit status: $rc"
	if [[ -n $out ]]; then
		tap_diag "$(tail -n 20 <<<"$out")"
	fi
	return 1
}

tap_is() {
	if [[ $2 == "$3" ]]; then
		tap_ok "$1"
		return 0
	fi
	tap_not_ok "$1" "got:      '$2'" "expected: '$3'"
	return 1
}

tap_like() {
	if [[ $2 =~ $3 ]]; then
		tap_ok "$1"
		return 0
	fi
	tap_not_ok "$1" "got:       '$2'" "not like:  /$3/"
	return 1
}

tap_isnt() {
	if [[ $2 != "$3" ]]; then
		tap_ok "$1"
		return 0
	fi
	tap_not_ok "$1" "got:      '$2'" "expected anything else"
	return 1
}

tap_unlike() {
	if ! [[ $2 =~ $3 ]]; then
		tap_ok "$1"
		return 0
	fi
	tap_not_ok "$1" "got:       '$2'" "unwanted:  /$3/"
	return 1
}

# tap_cmp DESC A OP B: integers compared with test's OP (-eq -ne -lt -le -gt -ge).
tap_cmp() {
	if [[ $2 =~ ^-?[0-9]+$ && $4 =~ ^-?[0-9]+$ ]] && test "$2" "$3" "$4"; then
		tap_ok "$1"
		return 0
	fi
	tap_not_ok "$1" "got:      '$2'" "expected: $3 $4"
	return 1
}

tap_skip_all() {
	if [[ ${TWINHEAD_NO_SKIP:-0} == 1 ]]; then
		printf 'Bail out! cannot run: %s\n' "$1"
		exit 1
	fi
	printf '1..0 # SKIP %s\n' "$1"
	exit 0
}

tap_done() {
	printf '1..%d\n' "$TAP_N"
	if ((TAP_FAILED > 0)); then
		exit 1
	fi
	exit 0
}

tap_require_root_lab() {
	local t
	((EUID == 0)) || tap_skip_all "the lab needs root"
	for t in ip unshare nsenter; do
		command -v "$t" >/dev/null 2>&1 || tap_skip_all "'$t' not found"
	done
	unshare -n true >/dev/null 2>&1 || tap_skip_all "cannot create network namespaces (unshare -n)"
}
