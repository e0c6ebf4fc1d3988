#!/bin/bash
# The lab harness itself: private namespaces per node, the bridge, the
# shared directory, the OCF overlay, exec/spawn/agent_run, power loss,
# power on, cable pulls, and a teardown that leaves nothing behind.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/lab.sh
. "$TH_SRCDIR/tests/lib/lab.sh"

tap_require_root_lab

# A build tree of our own, so the OCF overlay can be checked against known
# contents: the real lab-init plus a few files under agents/: one agent
# (agents/dummyagent/dummyagent), and files that are not agents beside it.
REAL_BUILDDIR=$TH_BUILDDIR
[[ -x $REAL_BUILDDIR/lab/lab-init ]] || tap_skip_all "$REAL_BUILDDIR/lab/lab-init not built (run make)"
FAKE_BUILD=$(mktemp -d "${TMPDIR:-/tmp}/th-selftest-build.XXXXXX")
trap 'rm -rf "$FAKE_BUILD"' EXIT
mkdir -p "$FAKE_BUILD/lab" "$FAKE_BUILD/agents/dummyagent" "$FAKE_BUILD/agents/notbuilt"
cp "$REAL_BUILDDIR/lab/lab-init" "$FAKE_BUILD/lab/"
cat >"$FAKE_BUILD/agents/dummyagent/dummyagent" <<'EOF'
#!/bin/sh
case "$1" in
start) env | sort; exit 0 ;;
monitor)
	echo "ocf-exit-reason:an earlier reason" >&2
	echo "ocf-exit-reason:dummy is not running" >&2
	exit 7 ;;
*) exit 3 ;;
esac
EOF
chmod 0700 "$FAKE_BUILD/agents/dummyagent/dummyagent"
echo 'not an agent' >"$FAKE_BUILD/agents/README"
cp "$FAKE_BUILD/agents/dummyagent/dummyagent" "$FAKE_BUILD/agents/dummyagent/dummyagent.o"
cp "$FAKE_BUILD/agents/dummyagent/dummyagent" "$FAKE_BUILD/agents/dummyagent/helper"
cp "$FAKE_BUILD/agents/dummyagent/dummyagent" "$FAKE_BUILD/agents/notbuilt/other"
TH_BUILDDIR=$FAKE_BUILD

host_had_twinhead_rd=no
[[ -e /usr/lib/ocf/resource.d/twinhead ]] && host_had_twinhead_rd=yes
host_hostid=absent
[[ -e /etc/hostid ]] && host_hostid=$(od -An -tx1 /etc/hostid | tr -d ' \n')

t0=${EPOCHREALTIME/[.,]/}
lab_start selftest a b client
trap 'lab_stop; rm -rf "$FAKE_BUILD"' EXIT
tap_diag "up of 3 nodes: $(((${EPOCHREALTIME/[.,]/} - t0) / 1000)) ms"
STATE=$(lab_state_dir)
BRNS=th-$LAB_NAME-br

# --- identity and private mounts ---------------------------------------------
for n in a b client; do
	tap_is "$n: hostname is its node name" "$(lab_exec "$n" hostname)" "$n"
done

lab_exec a sh -c 'echo a >/run/selftest-marker && echo a >/dev/shm/selftest-marker'
tap_check "a: wrote /run and /dev/shm" lab_exec a test -s /run/selftest-marker -a -s /dev/shm/selftest-marker
tap_check "b: a's /run file is not visible" lab_exec b test ! -e /run/selftest-marker
tap_check "b: a's /dev/shm file is not visible" lab_exec b test ! -e /dev/shm/selftest-marker
tap_check "host: a's /run file is not visible" test ! -e /run/selftest-marker
tap_check "host: a's /dev/shm file is not visible" test ! -e /dev/shm/selftest-marker

ha=$(lab_exec a hostid)
hb=$(lab_exec b hostid)
tap_is "a: hostid 0x1001" "$ha" 00001001
tap_is "b: hostid 0x1002" "$hb" 00001002
tap_is "a: /etc/hostid holds 4 little-endian bytes" \
	"$(lab_exec a od -An -tx1 /etc/hostid | tr -d ' \n')" 01100000
if [[ $host_hostid == absent ]]; then
	tap_check "host: still has no /etc/hostid" test ! -e /etc/hostid
else
	tap_is "host: /etc/hostid unchanged" "$(od -An -tx1 /etc/hostid | tr -d ' \n')" "$host_hostid"
fi

lab_exec a sh -c 'echo a >/var/lib/pacemaker/selftest-marker'
tap_check "b: a's /var/lib/pacemaker is not visible" lab_exec b test ! -e /var/lib/pacemaker/selftest-marker
tap_check "host: a's /var/lib/pacemaker is not visible" test ! -e /var/lib/pacemaker/selftest-marker
for d in crmsh pacemaker cluster; do
	tap_check "a: /var/log/$d exists" lab_exec a test -d "/var/log/$d"
done
if getent passwd hacluster >/dev/null; then
	tap_is "a: /var/lib/pacemaker/cib is hacluster:haclient 750" \
		"$(lab_exec a stat -c '%U:%G %a' /var/lib/pacemaker/cib)" "hacluster:haclient 750"
fi

# --- network -------------------------------------------------------------------
A4=$(lab_addr a) B4=$(lab_addr b) C4=$(lab_addr client)
A6=$(lab_addr a -6) B6=$(lab_addr b -6) C6=$(lab_addr client -6)
tap_is "addr a" "$A4" 10.213.0.11
tap_is "addr a -6" "$A6" fd00:213::11
tap_is "mac a" "$(lab_mac a)" 02:00:0a:d5:00:0b
tap_is "a: eth0 has the harness's MAC" "$(lab_exec a cat /sys/class/net/eth0/address)" "$(lab_mac a)"
tap_like "a: eth0 has its addresses" "$(lab_exec a ip -o addr show dev eth0)" "inet $A4/24.*inet6 $A6/64"
tap_check "a pings b (IPv4)" lab_exec a ping -n -c 1 -W 2 "$B4"
tap_check "a pings client (IPv4)" lab_exec a ping -n -c 1 -W 2 "$C4"
tap_check "a pings b (IPv6)" lab_exec a ping -n -6 -c 1 -W 2 "$B6"
tap_check "a pings client (IPv6)" lab_exec a ping -n -6 -c 1 -W 2 "$C6"
tap_check "host: no lab interface among the host's" sh -c "! ip -o link show | grep -Eq 'v-(a|b|client)@|eth0@'"

# --- shared directory ------------------------------------------------------------
tap_check "a: writes to STATE/shared" lab_exec a sh -c "echo from-a >'$STATE/shared/selftest'"
tap_is "b: reads what a wrote in STATE/shared" "$(lab_exec b cat "$STATE/shared/selftest")" from-a

# --- OCF overlay -------------------------------------------------------------------
if [[ -e /usr/lib/ocf/resource.d/heartbeat/IPaddr2 ]]; then
	tap_check "a: host's heartbeat/IPaddr2 is visible" lab_exec a test -x /usr/lib/ocf/resource.d/heartbeat/IPaddr2
fi
tap_check "a: twinhead/dummyagent is there, executable" lab_exec a test -x /usr/lib/ocf/resource.d/twinhead/dummyagent
tap_is "a: twinhead holds only the agents TH_BUILDDIR/agents/NAME/NAME" \
	"$(lab_exec a ls /usr/lib/ocf/resource.d/twinhead | tr '\n' ' ')" "dummyagent "
tap_is "a: twinhead/dummyagent mode 755" \
	"$(lab_exec a stat -c %a /usr/lib/ocf/resource.d/twinhead/dummyagent)" 755
if [[ $host_had_twinhead_rd == no ]]; then
	tap_check "host: no twinhead provider dir appeared" test ! -e /usr/lib/ocf/resource.d/twinhead
fi

# --- exec, agent_run ------------------------------------------------------------------
lab_exec a sh -c 'exit 42'
tap_is "exec propagates the exit status" "$?" 42

export TH_SELFTEST_LEAK=1
AGENT_ENV=(CRM_meta_interval=10000 OCF_CHECK_LEVEL=10)
agent_run a dummyagent start msg="hello  world" ip=10.213.0.100
rc=$?
AGENT_ENV=()
tap_is "agent_run: exit code" "$rc" 0
out=$(cat "$AGENT_OUT")
tap_like "agent_run: OCF_RESKEY with spaces" "$out" $'(^|\n)OCF_RESKEY_msg=hello  world\n'
tap_like "agent_run: second parameter" "$out" $'(^|\n)OCF_RESKEY_ip=10.213.0.100\n'
tap_like "agent_run: OCF_ROOT" "$out" $'(^|\n)OCF_ROOT=/usr/lib/ocf\n'
tap_like "agent_run: OCF_RESOURCE_INSTANCE" "$out" $'(^|\n)OCF_RESOURCE_INSTANCE=test\n'
tap_like "agent_run: OCF_RESKEY_CRM_meta_timeout, as Pacemaker passes it" "$out" $'(^|\n)OCF_RESKEY_CRM_meta_timeout=20000\n'
tap_like "agent_run: AGENT_ENV" "$out" $'(^|\n)CRM_meta_interval=10000\n(.*\n)?OCF_CHECK_LEVEL=10\n'
tap_check "agent_run: the host's environment does not leak in" sh -c "! grep -q TH_SELFTEST_LEAK '$AGENT_OUT'"
agent_run a dummyagent monitor
tap_is "agent_run: non-zero exit code returned" "$?" 7
tap_is "agent_reason: the last ocf-exit-reason" "$(agent_reason)" "dummy is not running"

# --- spawn ----------------------------------------------------------------------------------
lab_spawn a sleeper sleep 1000
tap_is "spawn prints nothing and succeeds" "$?" 0
SPID=$(cat "$STATE/nodes/a/log/sleeper.pid")
APID=$(lab_pid a)
tap_check "spawned process runs (host pid $SPID)" kill -0 "$SPID"
tap_is "spawned process is in a's network namespace" \
	"$(readlink "/proc/$SPID/ns/net")" "$(readlink "/proc/$APID/ns/net")"
tap_is "spawned process is in a's PID namespace" \
	"$(readlink "/proc/$SPID/ns/pid")" "$(readlink "/proc/$APID/ns/pid")"

# spawn --gate: the command waits, under the pid spawn wrote, until the gate goes.
gate=$STATE/shared/selftest-gate
: >"$gate"
lab spawn a gated --gate "$gate" -- sh -c 'echo released >/run/selftest-gated; exec sleep 1000'
tap_is "spawn --gate succeeds while the gate is closed" "$?" 0
GPID=$(cat "$STATE/nodes/a/log/gated.pid")
sleep 0.3
tap_check "  the command has not run behind the closed gate" \
	sh -c "! $(printf %q "$TWINHEAD_LAB") -n $LAB_NAME exec a test -e /run/selftest-gated"
rm -f "$gate"
gated_sleeps() { [[ $(cat "/proc/$GPID/comm" 2>/dev/null) == sleep ]] || { echo "pid $GPID: $(cat "/proc/$GPID/comm" 2>&1)"; return 1; }; }
lab_wait_for "$LAB_START_S" "the gated command to run once the gate is removed" gated_sleeps
tap_is "  it ran once the gate was removed, under the same pid" "$?" 0
tap_is "  and did what it says" "$(lab_exec a cat /run/selftest-gated)" released
kill "$GPID" 2>/dev/null

# --- cable -----------------------------------------------------------------------------------
lab_cable a down
tap_like "cable down: a's eth0 has NO-CARRIER" "$(lab_exec a ip -o link show dev eth0)" 'NO-CARRIER'
tap_check "cable down: a's eth0 has no LOWER_UP" sh -c "! $(printf %q "$TWINHEAD_LAB") -n $LAB_NAME exec a ip -o link show dev eth0 | grep -q LOWER_UP"
tap_check "cable down: b cannot ping a" sh -c "! $(printf %q "$TWINHEAD_LAB") -n $LAB_NAME exec b ping -n -c 1 -W 1 $A4"
lab_cable a up
tap_like "cable up: a's eth0 has LOWER_UP again" "$(lab_exec a ip -o link show dev eth0)" 'LOWER_UP'
tap_check "cable up: b pings a" lab_exec b ping -n -c 1 -W 2 "$A4"
tap_check "spawned process survived the cable pull" kill -0 "$SPID"

# --- power loss ------------------------------------------------------------------------------
lab_exec b ping -n -c 1 -W 1 "$A4" >/dev/null # b has a's MAC cached: the hard case
t0=${EPOCHREALTIME/[.,]/}
lab_poweroff a
tap_is "poweroff succeeds" "$?" 0
tap_diag "poweroff took $(((${EPOCHREALTIME/[.,]/} - t0) / 1000)) ms"
tap_check "poweroff: a's init is gone" sh -c "! kill -0 $APID 2>/dev/null"
tap_check "poweroff: a's spawned process is gone" sh -c "! kill -0 $SPID 2>/dev/null"
tap_check "poweroff: b cannot ping a" sh -c "! $(printf %q "$TWINHEAD_LAB") -n $LAB_NAME exec b ping -n -c 1 -W 1 $A4"
tap_check "poweroff: nobody answers ARP for a's address" \
	sh -c "! $(printf %q "$TWINHEAD_LAB") -n $LAB_NAME exec b arping -c 1 -w 1 -I eth0 $A4"
tap_check "poweroff: a's namespace is deleted" sh -c "! ip netns list | grep -q '^th-$LAB_NAME-a '"
tap_check "poweroff: the bridge has no port for a" sh -c "! ip -n $BRNS link show dev v-a 2>/dev/null"
tap_like "status shows a off" "$(lab status)" $'\n  a +off '
lab_exec a true 2>/dev/null
tap_is "exec on a powered-off node fails with 125" "$?" 125

t0=${EPOCHREALTIME/[.,]/}
lab_poweron a
tap_is "poweron succeeds" "$?" 0
tap_diag "poweron took $(((${EPOCHREALTIME/[.,]/} - t0) / 1000)) ms"
tap_check "poweron: b pings a again" lab_exec b ping -n -c 1 -W 2 "$A4"
tap_check "poweron: b pings a again (IPv6)" lab_exec b ping -n -6 -c 1 -W 2 "$A6"
tap_is "poweron: same MAC" "$(lab_exec a cat /sys/class/net/eth0/address)" "$(lab_mac a)"
tap_check "poweron: /run is fresh" lab_exec a test ! -e /run/selftest-marker
tap_check "poweron: /var/lib/pacemaker kept its contents" lab_exec a test -e /var/lib/pacemaker/selftest-marker
tap_like "status shows a on" "$(lab status)" $'\n  a +on '

# --- teardown, on a second lab -------------------------------------------------------------
L2=selftd${TWINHEAD_LAB_SUFFIX:-}
tl() { "$TWINHEAD_LAB" -n "$L2" "$@"; }
tap_check "second lab: up" tl up x y
tap_check "second lab: up again (tears down the first)" tl up x y
# A stray process that entered only a node's network namespace.
setsid ip netns exec "th-$L2-x" sleep 1000 </dev/null >/dev/null 2>&1 &
STRAY=$!
disown "$STRAY" # no "Killed" job report on stderr
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[[ $(readlink "/proc/$STRAY/ns/net" 2>/dev/null) != "$(readlink /proc/self/ns/net)" ]] && break
	sleep 0.05
done
L2STATE=$(tl state-dir)
tap_check "second lab: down" tl down
tap_is "second lab: no th-$L2-* namespace left" "$(ip netns list | grep -c "^th-$L2-")" 0
tap_check "second lab: no state dir left" test ! -e "$L2STATE"
# Dead, or a zombie not yet reaped by this shell.
tap_check "second lab: stray process in its namespace killed" \
	sh -c "! grep -qv '^[0-9]* (.*) Z ' /proc/$STRAY/stat 2>/dev/null"
tap_check "second lab: down again is harmless" tl down
tap_check "the first lab is untouched" lab_exec b ping -n -c 1 -W 2 "$A4"

# --- side by side: owners and left-overs ---------------------------------------------------
# In a lab directory of this test's own, so that `down --all` can only
# ever touch labs made here. OTHER stands for another live run (a drill
# kept up, a second make check); GONE for a run that died.
OWN_DIR=$LAB_TMP/labs
mkdir -m 0700 "$OWN_DIR"
ol() { TWINHEAD_LAB_DIR=$OWN_DIR "$TWINHEAD_LAB" "$@"; }
L3=selfow${TWINHEAD_LAB_SUFFIX:-}
L4=selflo${TWINHEAD_LAB_SUFFIX:-}
setsid sleep 1000 </dev/null >/dev/null 2>&1 &
OTHER=$!
disown "$OTHER"
sh -c 'exit 0' &
GONE=$!
wait "$GONE"
tap_check "another run's lab, in our lab dir: up" env TWINHEAD_LAB_OWNER="$OTHER" \
	TWINHEAD_LAB_DIR="$OWN_DIR" "$TWINHEAD_LAB" -n "$L3" up x
L3INIT=$(ol -n "$L3" pid x)
out=$(ol -n "$L3" up x 2>&1)
rc=$?
tap_isnt "up of a name another live run owns: refused" "$rc" 0
tap_like "  and says whose it is" "$out" "in use by a live run \\(pid $OTHER: sleep 1000\\)"
tap_is "  the other run's node still runs" "$(ol -n "$L3" pid x 2>&1)" "$L3INIT"
out=$(ol -n "$L3" down 2>&1)
rc=$?
tap_isnt "down of another live run's lab: refused" "$rc" 0
tap_like "  and says why" "$out" "in use by a live run"
tap_is "  the other run's node still runs" "$(ol -n "$L3" pid x 2>&1)" "$L3INIT"
# A run that died left its lab behind.
tap_check "a lab of a run that is gone: up" env TWINHEAD_LAB_DIR="$OWN_DIR" "$TWINHEAD_LAB" -n "$L4" up y
echo "$GONE 1" >"$OWN_DIR/$L4/owner"
out=$(ol list 2>&1)
tap_like "list: the live run's lab is in use" "$out" "$L3 +1/1 nodes on .* in use \\(pid $OTHER"
tap_like "list: the dead run's lab is a left-over" "$out" "$L4 +1/1 nodes on .* LEFT OVER"
out=$(ol down --all 2>&1)
tap_like "down --all: leaves the live run's lab alone" "$out" "lab '$L3': in use"
tap_is "  its node still runs" "$(ol -n "$L3" pid x 2>&1)" "$L3INIT"
tap_is "  and removes the left-over" "$(ip netns list | grep -c "^th-$L4-")" 0
tap_check "  with its state" test ! -e "$OWN_DIR/$L4"
# The same name again, once its owner is gone: a left-over, so up replaces it.
kill -KILL "$OTHER"
gone() { # PID: gone or a zombie (this shell disowned it)
	[[ $(cat "/proc/$1/stat" 2>/dev/null) == *") Z "* || ! -e /proc/$1 ]] || { echo "still running"; return 1; }
}
# SIGKILL ends a process at once; LAB_START_S covers a busy scheduler.
wait_gone() { lab_wait_for "$LAB_START_S" "pid $1 to end" gone "$1"; }
tap_check "the other run has ended" wait_gone "$OTHER"
out=$(ol -n "$L3" up x 2>&1)
rc=$?
tap_is "up over a left-over of the same name: replaces it" "$rc" 0
tap_like "  saying so" "$out" "is a left-over"
tap_isnt "  with a new node" "$(ol -n "$L3" pid x 2>&1)" "$L3INIT"
tap_check "  owned by this test now: down works" ol -n "$L3" down
tap_is "run-suffix: base 36 of a pid" "$("$TWINHEAD_LAB" run-suffix 46655) $("$TWINHEAD_LAB" run-suffix 36)" "zzz 10"

# --- the VM tier's segments: a multicast port another live lab uses --------------------
# selfvma and selfvmjgh hash to the same port (29317). A live "qemu" (a
# sleep under that name) in selfvma's state makes `up selfvmjgh` refuse
# before it builds or boots anything.
if command -v qemu-system-x86_64 >/dev/null; then
	VMD=$(mktemp -d "${TMPDIR:-/tmp}/th-selftest-vm.XXXXXX")
	mkdir -p "$VMD/selfvma"
	cp "$(command -v sleep)" "$VMD/qemu-fake"
	"$VMD/qemu-fake" 60 &
	fake=$!
	echo "$fake" >"$VMD/selfvma/a.pid"
	out=$(TWINHEAD_VM_DIR=$VMD TWINHEAD_VM_NAME=selfvmjgh TWINHEAD_VM_IMAGES=/nonexistent \
		"$TH_SRCDIR/lab/vm/twinhead-vm" up a 2>&1)
	tap_isnt "twinhead-vm up: refused while a live lab has the same multicast port" $? 0
	tap_like "  naming that lab and the port" "$out" "lab 'selfvma' runs on the same multicast port 29317"
	tap_check "  and created nothing" test ! -e "$VMD/selfvmjgh"
	kill "$fake" 2>/dev/null
	wait "$fake" 2>/dev/null
	rm -rf "$VMD"
fi
tap_done
