# tests/lib/iscsi.sh: helpers for the iscsitarget integration tests.
# shellcheck shell=bash
# Source it after lab.sh:
#
#   iscsi_require               skip unless tgtd, tgtadm and the test client exist
#   tgtd_start NODE [PORT]      run tgtd -f -C PORT (default 0) in NODE, listening
#                               on all addresses, and wait until it answers
#   tgtadm_in NODE ARGS...      tgtadm -C ${TGT_PORT:-0} ARGS... in NODE
#   tgt_targets NODE            tgtd's target listing in NODE (tgtadm --op show)
#   client [NODE] -- ARGS...    tests/tools/iscsi-client ARGS... in NODE (client)
#   itgt NODE ACTION [k=v...]   agent_run NODE iscsitarget ACTION with
#                               ITGT_PARAMS (an array) and then k=v...
#   shared_file NAME SIZE       a sparse backing file in the lab's shared dir;
#                               prints its path
#   secret_file NAME SECRET     a 0600 secret file in the shared dir; prints it

ISCSI_CLIENT=$TH_BUILDDIR/tests/tools/iscsi-client
[[ -v ITGT_PARAMS ]] || ITGT_PARAMS=()

iscsi_require() {
	local t
	for t in tgtd tgtadm; do
		command -v "$t" >/dev/null || tap_skip_all "$t missing (apt-get install tgt)"
	done
	[[ -x $ISCSI_CLIENT ]] || tap_skip_all "$ISCSI_CLIENT not built (make check builds it)"
	[[ -x $TH_BUILDDIR/agents/iscsitarget/iscsitarget ]] || tap_skip_all "agents/iscsitarget/iscsitarget not built"
}

tgtadm_in() {
	local node=$1
	shift
	lab_exec "$node" tgtadm -C "${TGT_PORT:-0}" "$@"
}

tgt_targets() {
	tgtadm_in "$1" --lld iscsi --mode target --op show
}

tgtd_answers() { TGT_PORT=$2 tgtadm_in "$1" --mode system --op show; }

tgtd_start() {
	local node=$1 port=${2:-0}
	lab_spawn "$node" "tgtd-$port" tgtd -f -C "$port" || return 1
	lab_wait_for "$LAB_START_S" "tgtd in $node answering on control port $port" \
		tgtd_answers "$node" "$port"
}

client() {
	local node=client
	if [[ $1 != -- ]]; then
		node=$1
		shift
	fi
	shift
	lab_exec "$node" "$ISCSI_CLIENT" "$@"
}

itgt() {
	local node=$1 action=$2
	shift 2
	agent_run "$node" iscsitarget "$action" "${ITGT_PARAMS[@]}" "$@"
}

shared_file() {
	local f
	f="$(lab_state_dir)/shared/$1"
	truncate -s "$2" "$f" && printf '%s\n' "$f"
}

secret_file() {
	local f
	f="$(lab_state_dir)/shared/$1"
	(umask 077 && printf '%s\n' "$2" >"$f") && printf '%s\n' "$f"
}
