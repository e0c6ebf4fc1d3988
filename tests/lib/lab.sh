# tests/lib/lab.sh: integration-test helpers on top of lab/twinhead-lab.
# shellcheck shell=bash
# Source it (bash); it sources tap.sh.
#
#   lab_start NAME NODE...      bring up lab NAME (skips the test when the
#                               lab cannot run here); it always comes down
#                               when the test exits, fails or is interrupted
#   lab_stop                    tear it down now (idempotent)
#   lab ARGS...                 twinhead-lab -n $LAB_NAME ARGS...
#   lab_exec NODE CMD...        run CMD inside NODE, return its status
#   lab_spawn NODE TAG CMD...   start a daemon inside NODE (log and host pid
#                               under $(lab_state_dir)/nodes/NODE/log/TAG.*)
#   lab_pid NODE                host pid of NODE's init
#   lab_mac NODE, lab_addr NODE [-6]
#   lab_poweroff NODE, lab_poweron NODE, lab_cable NODE up|down
#   lab_state_dir               the lab's state dir (shared/ is in it)
#   agent_run NODE AGENT ACTION [key=value...]
#                               run an OCF agent of provider twinhead in
#                               NODE; stdout in $AGENT_OUT, stderr in
#                               $AGENT_ERR (files); returns its exit code.
#                               Extra environment: the array AGENT_ENV.
#   agent_reason                the agent's last ocf-exit-reason text
#   lab_neigh_mac NODE IP       the MAC in NODE's neighbour entry for IP
#   lab_wait_for SECS WHAT CMD...
#                               until CMD succeeds; after SECS a diagnostic
#                               with WHAT, CMD and its last output, and 1
#   LAB_START_S                 the bound for a daemon to answer after it
#                               started (the lab's own, see below)
#   lab_wait_neigh_mac NODE IP MAC
#                               wait, sending nothing, for NODE's entry
#                               for IP to show MAC (LAB_NEIGH_S)
#   LAB_MARGIN                  how many times the configured time a wait
#                               allows (10): the tests' only guess at how
#                               slow a busy machine is
#
# Tests run in parallel: give each its own lab NAME (at most 8 of [a-z0-9]).
# The lab's real name is NAME plus TWINHEAD_LAB_SUFFIX (make check sets one
# per run), and the test owns it (TWINHEAD_LAB_OWNER, see twinhead-lab
# help): a lab of that name that another live run owns is never touched;
# the test bails out saying so.
# Do not use "set -e" in tests: helpers return non-zero on purpose
# (agent_run returns the agent's code: call it as `agent_run ...; rc=$?`).

TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
export TH_SRCDIR TH_BUILDDIR

# shellcheck source=tests/lib/tap.sh
. "$TH_SRCDIR/tests/lib/tap.sh"

TWINHEAD_LAB=${TWINHEAD_LAB:-$TH_SRCDIR/lab/twinhead-lab}
LAB_NAME=
LAB_OWNED=0
LAB_TMP=
# Every lab this test makes (here, or through drill/appliance) is owned by
# the test's shell: after the test dies, `twinhead-lab list` shows them as
# left-overs, and `down --all` removes them.
export TWINHEAD_LAB_OWNER=$$
AGENT_OUT=
AGENT_ERR=
[[ -v AGENT_ENV ]] || AGENT_ENV=()

lab() {
	"$TWINHEAD_LAB" -n "$LAB_NAME" "$@"
}

lab_start() {
	local name=$1 out
	shift
	tap_require_root_lab
	[[ $name =~ ^[a-z0-9]{1,8}$ && ${TWINHEAD_LAB_SUFFIX:-} =~ ^[a-z0-9]{0,4}$ ]] || {
		printf 'Bail out! bad lab name %s or TWINHEAD_LAB_SUFFIX %s\n' "$name" "${TWINHEAD_LAB_SUFFIX:-}"
		exit 1
	}
	[[ -x $TH_BUILDDIR/lab/lab-init ]] ||
		tap_skip_all "$TH_BUILDDIR/lab/lab-init not built (run make)"
	# TWINHEAD_LAB_SUFFIX (0-4 of [a-z0-9]) keeps runs side by side apart.
	name+=${TWINHEAD_LAB_SUFFIX:-}
	LAB_NAME=$name
	LAB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/th-test-$name.XXXXXX")
	AGENT_OUT=$LAB_TMP/agent.out
	AGENT_ERR=$LAB_TMP/agent.err
	trap lab_stop EXIT
	trap 'lab_stop; exit 130' INT
	trap 'lab_stop; exit 143' TERM
	# A failed up removes only what it built itself; a lab of this name
	# that another live run owns stays, and this test says so.
	if ! out=$(lab up "$@" 2>&1); then
		if [[ $out == *"in use by a live run"* ]]; then
			printf 'Bail out! lab %s is taken by another run: %s\n' "$name" \
				"$(grep -m1 'in use by a live run' <<<"$out")"
		else
			printf 'Bail out! %s up failed\n' "$TWINHEAD_LAB"
		fi
		tap_diag "$out"
		exit 1
	fi
	LAB_OWNED=1
	tap_diag "$out"
}

lab_stop() {
	if [[ -n $LAB_NAME ]] && ((LAB_OWNED)); then
		lab down >/dev/null 2>&1 || tap_diag "lab down -n $LAB_NAME failed"
		LAB_OWNED=0
	fi
	if [[ -n $LAB_TMP && -d $LAB_TMP ]]; then
		rm -rf -- "$LAB_TMP"
	fi
	LAB_TMP=
}

lab_exec() {
	local node=$1
	shift
	lab exec "$node" -- "$@"
}

lab_spawn() {
	local node=$1 tag=$2
	shift 2
	lab spawn "$node" "$tag" -- "$@"
}

lab_pid() { lab pid "$1"; }
lab_mac() { lab mac "$1"; }
lab_addr() { lab addr "$@"; }
lab_poweroff() { lab poweroff "$1"; }
lab_poweron() { lab poweron "$1" >/dev/null; }
lab_cable() { lab cable "$1" "$2"; }
lab_state_dir() { lab state-dir; }

agent_run() {
	local node=$1 agent=$2 action=$3 kv key env=()
	shift 3
	env=(
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
		LANG=C.UTF-8
		OCF_ROOT=/usr/lib/ocf
		OCF_RESOURCE_INSTANCE="${OCF_INSTANCE:-test}"
		OCF_RESOURCE_TYPE="$agent"
		OCF_RESOURCE_PROVIDER=twinhead
		OCF_RESKEY_CRM_meta_timeout="${CRM_TIMEOUT:-20000}"
	)
	for kv in "$@"; do
		key=${kv%%=*}
		if [[ $kv != *=* || ! $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
			tap_diag "agent_run: bad parameter '$kv' (want key=value)"
			return 2
		fi
		env+=("OCF_RESKEY_$kv")
	done
	env+=("${AGENT_ENV[@]}")
	lab exec "$node" -- env -i "${env[@]}" \
		"/usr/lib/ocf/resource.d/twinhead/$agent" "$action" \
		>"$AGENT_OUT" 2>"$AGENT_ERR"
}

agent_reason() {
	[[ -f $AGENT_ERR ]] || return 0
	sed -n 's/^.*ocf-exit-reason:[[:space:]]*//p' "$AGENT_ERR" | tail -n 1
}

# How long a test waits for a daemon it started (tgtd, zfs-fuse, ctlemud)
# to answer: the lab's own start bound (twinhead-lab START_TIMEOUT_S),
# 100x and more the quiet start times (15 ms to 0.2 s): only a broken start
# runs into it, not a busy machine.
LAB_START_S=30

lab_wait_for() {
	local secs=$1 what=$2 deadline out=
	shift 2
	deadline=$((SECONDS + secs))
	until out=$("$@" 2>&1); do
		if ((SECONDS >= deadline)); then
			tap_diag "$what: not after ${secs}s (waited for: $*; it said: $(tail -n 3 <<<"$out"))"
			return 1
		fi
		sleep 0.05
	done
}

lab_neigh_mac() {
	lab_exec "$1" ip neigh show "$2" dev eth0 |
		awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1)}'
}

# floatip's announcements with its defaults (arp_count 5, arp_interval_ms
# 200) span 1 s; after that nothing can move the entry. LAB_MARGIN times that.
LAB_MARGIN=10
LAB_NEIGH_S=$((LAB_MARGIN * 5 * 200 / 1000))

lab_neigh_mac_is() {
	local m
	m=$(lab_neigh_mac "$1" "$2")
	[[ $m == "$3" ]] || { echo "the entry shows '${m:-nothing}'"; return 1; }
}

lab_wait_neigh_mac() {
	lab_wait_for "$LAB_NEIGH_S" "$1's neighbour entry for $2 to show $3" lab_neigh_mac_is "$1" "$2" "$3"
}
