# tests/lib/ctlha.sh: the CTL HA emulator (lab/ctlemu) in the lab, for the
# ctlha tests. Source it after tests/lib/lab.sh and before lab_start.
# shellcheck shell=bash
#
#   ctlha_require_emulator      skip unless lab/ctlemu is built (make check
#                               builds it); installs the emulated agent in
#                               the heads (TH_EXTRA_AGENTS) and points it at
#                               the ctladm stand-in (AGENT_ENV)
#   emu_start NODE HAID [MODE [ARGS...]]
#                               start ctlemud in NODE (ha_id, ha_mode
#                               tunables; default mode 2), wait until it
#                               answers
#   emu_stop NODE               SIGKILL NODE's ctlemud (CTL "unloaded")
#   emu_sysctl NODE ARGS...     the sysctl stand-in in NODE
#   emu_get NODE NAME           sysctl -n kern.cam.ctl.NAME in NODE
#   emu_ctladm NODE ARGS...     the ctladm stand-in in NODE
#   emu_status NODE             ctlemud status of NODE
#   emu_field NODE KEY          KEY=VALUE from the status (first match)
#   emu_lun NODE ID             ctladm create a block LUN ID backed by a file
#                               in the lab's shared dir (same device id on
#                               every head)
#   emu_wait NODE NAME VALUE [SECONDS]
#                               wait (EMU_WAIT_S, or SECONDS if longer)
#                               until kern.cam.ctl.NAME reads VALUE;
#                               returns 1 and says so if it never does
#   emu_is NODE NAME VALUE, emu_field_is NODE KEY VALUE
#                               the predicates, for lab_wait_for
#   emu_log NODE                NODE's ctlemud log (the EMULATION messages)

CTLEMU=$TH_BUILDDIR/lab/ctlemu

ctlha_require_emulator() {
	local f
	for f in ctlemud ctladm sysctl agents/ctlha; do
		[[ -x $CTLEMU/$f ]] || tap_skip_all "$CTLEMU/$f not built (run make check)"
	done
	export TH_EXTRA_AGENTS=$CTLEMU/agents
	AGENT_ENV=(TWINHEAD_TOOL_CTLADM="$CTLEMU/ctladm")
}

emu_start() {
	local node=$1 id=$2 mode=${3:-2}
	shift 3 2>/dev/null || shift $#
	lab_spawn "$node" ctlemu "$CTLEMU/ctlemud" --ha-id "$id" --ha-mode "$mode" "$@" || return 1
	lab_wait_for "$LAB_START_S" "ctlemud in $node answering status" \
		lab_exec "$node" "$CTLEMU/ctlemud" status
}

emu_stop() {
	local pid
	pid=$(cat "$(lab_state_dir)/nodes/$1/log/ctlemu.pid" 2>/dev/null) || return 0
	kill -KILL "$pid" 2>/dev/null || true
	while [[ -e /proc/$pid && $(cat "/proc/$pid/stat" 2>/dev/null) != *") Z "* ]]; do
		sleep 0.01
	done
}

emu_sysctl() {
	local node=$1
	shift
	lab_exec "$node" "$CTLEMU/sysctl" "$@"
}

emu_get() {
	emu_sysctl "$1" -n "kern.cam.ctl.$2"
}

emu_ctladm() {
	local node=$1
	shift
	lab_exec "$node" "$CTLEMU/ctladm" "$@"
}

emu_status() {
	lab_exec "$1" "$CTLEMU/ctlemud" status
}

emu_field() {
	emu_status "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

emu_lun() {
	local node=$1 id=$2 file
	file=$(lab_state_dir)/shared/lun$id.img
	[[ -f $file ]] || truncate -s 4M "$file"
	emu_ctladm "$node" create -b block -l "$id" -d "TH-LUN$id" -S "SN$id" \
		-o "file=$file" >/dev/null
}

# The slowest change emu_wait waits for is a link loss found by the
# emulator's TCP keepalive (1 s idle, then 5 probes 1 s apart: 6 s);
# LAB_MARGIN times that.
EMU_WAIT_S=$((LAB_MARGIN * (1 + 5 * 1)))

# (On a mismatch they print what they read: lab_wait_for shows it.)
emu_is() {
	local v
	v=$(emu_get "$1" "$2" 2>/dev/null)
	[[ $v == "$3" ]] || { echo "kern.cam.ctl.$2 reads '$v'"; return 1; }
}
emu_field_is() {
	local v
	v=$(emu_field "$1" "$2" 2>/dev/null)
	[[ $v == "$3" ]] || { echo "$2 is '$v'"; return 1; }
}

emu_wait() {
	local secs=$EMU_WAIT_S
	((${4:-0} > secs)) && secs=$4
	lab_wait_for "$secs" "$1's kern.cam.ctl.$2 to read $3" \
		emu_is "$1" "$2" "$3"
}

emu_log() {
	cat "$(lab_state_dir)/nodes/$1/log/ctlemu.log"
}
