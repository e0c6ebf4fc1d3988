#!/bin/bash
# floatip stop resets the TCP connections to the address before removing it:
# a client blocked reading from a service on head a gets ECONNRESET at once,
# over IPv4 (a plain AF_INET socket and a dual-stack AF_INET6 one, whose
# connection is IPv4-mapped) and IPv6; a listener bound to the address is
# left alone. With reset_connections=false the client stays blocked: it
# would notice only after its own timeout.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"

PY=/usr/bin/python3
[[ -x $PY ]] || tap_skip_all "$PY not found (the test's TCP server and client)"

VIP=${TWINHEAD_LAB_NET4:-10.213.0}.110
VIP6=${TWINHEAD_LAB_NET6:-fd00:213:}:110
lab_start f1reset a client

# The service on a: accepts and holds every connection, never sends.
# Dual-stack [::]:3260, IPv4 0.0.0.0:3261, and a listener bound to the
# address itself (argv[2]) on 3262, which the reset must not touch.
cat >"$LAB_TMP/server.py" <<'EOF'
import os, select, socket, sys
ready, vip = sys.argv[1], sys.argv[2]
ls = []
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
ls.append((s, ("::", 3260)))
ls.append((socket.socket(socket.AF_INET, socket.SOCK_STREAM), ("0.0.0.0", 3261)))
ls.append((socket.socket(socket.AF_INET, socket.SOCK_STREAM), (vip, 3262)))
for s, addr in ls:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(addr)
    s.listen(16)
open(ready, "w").close()
held = []
while True:
    r, _, _ = select.select([s for s, _ in ls], [], [])
    for s in r:
        held.append(s.accept()[0])
EOF

# A client: connects, says so, blocks reading; then writes how the read
# ended and when (wall clock, ms: the same clock as the test's).
cat >"$LAB_TMP/client.py" <<'EOF'
import os, socket, sys, time
host, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def say(text):
    with open(out + ".tmp", "w") as f:
        f.write(text + "\n")
    os.rename(out + ".tmp", out)
c = socket.create_connection((host, port), timeout=5)
c.settimeout(None)
say("connected")
try:
    how = "eof" if c.recv(1) == b"" else "data"
except ConnectionResetError:
    how = "reset"
except OSError as e:
    how = "error " + str(e.errno)
say("%s %d" % (how, int(time.time() * 1000)))
EOF

now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }

# wait_file FILE REGEX SECONDS: until FILE's content matches.
wait_file() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		[[ -f $1 && $(<"$1") =~ $2 ]] && return 0
		sleep 0.05
	done
	return 1
}

# connect TAG HOST PORT: a client in node client, blocked reading.
# shellcheck disable=SC2317 # called through tap_check
connect() {
	rm -f "$LAB_TMP/$1"
	lab_spawn client "$1" "$PY" "$LAB_TMP/client.py" "$2" "$3" "$LAB_TMP/$1" &&
		wait_file "$LAB_TMP/$1" '^connected' 5
}

# expect_reset TAG T0: the client's read ended with a reset, within 5 s of T0.
expect_reset() {
	local got t
	if ! wait_file "$LAB_TMP/$1" '^(reset|eof|data|error)' 5; then
		tap_not_ok "$1: the client's connection was reset" "still blocked 5 s after stop"
		return
	fi
	got=$(<"$LAB_TMP/$1")
	tap_like "$1: the client's connection was reset" "$got" '^reset [0-9]+$'
	t=$((${got#* } - $2))
	tap_diag "$1: reset reached the client ${t} ms after stop began"
	if ((t < 5000)); then
		tap_ok "$1: within 5 s of the stop"
	else
		tap_not_ok "$1: within 5 s of the stop" "took ${t} ms"
	fi
}

agent_run a floatip start ip="$VIP" cidr_netmask=24 nic=eth0
tap_is "start on a" $? 0
rm -f "$LAB_TMP/ready"
lab_spawn a server "$PY" "$LAB_TMP/server.py" "$LAB_TMP/ready" "$VIP"
wait_file "$LAB_TMP/ready" '' 5 || tap_not_ok "the service on a listens"

tap_check "client connects to $VIP:3260 (dual-stack socket on a)" connect c4mapped "$VIP" 3260
tap_check "client connects to $VIP:3261 (IPv4 socket on a)" connect c4 "$VIP" 3261
t0=$(now_ms)
agent_run a floatip stop ip="$VIP" cidr_netmask=24 nic=eth0
tap_is "stop on a" $? 0
expect_reset c4mapped "$t0"
expect_reset c4 "$t0"
tap_like "stop logged the resets" "$(<"$AGENT_ERR")" "reset 2 TCP connection\\(s\\) to $VIP"
tap_like "the listener bound to the address is still listening" \
	"$(lab_exec a ss -Hltn src "$VIP:3262")" "LISTEN"
tap_is "address gone after stop" "$(lab_exec a ip -o -4 addr show to "$VIP")" ""

# IPv6, through the dual-stack socket.
agent_run a floatip start ip="$VIP6" cidr_netmask=64 nic=eth0
tap_is "IPv6: start on a" $? 0
tap_check "IPv6: client connects to [$VIP6]:3260" connect c6 "$VIP6" 3260
t0=$(now_ms)
agent_run a floatip stop ip="$VIP6" cidr_netmask=64 nic=eth0
tap_is "IPv6: stop on a" $? 0
expect_reset c6 "$t0"

# reset_connections=false: the address goes, the connection dangles.
agent_run a floatip start ip="$VIP" cidr_netmask=24 nic=eth0
tap_is "start on a again" $? 0
tap_check "client connects to $VIP:3261" connect cnoreset "$VIP" 3261
agent_run a floatip stop ip="$VIP" cidr_netmask=24 nic=eth0 reset_connections=false
tap_is "stop with reset_connections=false" $? 0
tap_is "address gone after stop" "$(lab_exec a ip -o -4 addr show to "$VIP")" ""
sleep 2
tap_is "without the reset the client is still blocked 2 s after stop" \
	"$(<"$LAB_TMP/cnoreset")" "connected"
tap_unlike "stop did not reset anything" "$(<"$AGENT_ERR")" "reset [0-9]+ TCP"
pid=$(<"$(lab_state_dir)/nodes/client/log/cnoreset.pid")
[[ -n $pid ]] && kill "$pid" 2>/dev/null

# A reset that fails only warns: the stop still succeeds. Here it has no
# time left (a 1 ms timeout: the reset gets half of what is left, 0 ms).
agent_run a floatip start ip="$VIP" cidr_netmask=24 nic=eth0
tap_check "client connects to $VIP:3261" connect cfail "$VIP" 3261
CRM_TIMEOUT=1 agent_run a floatip stop ip="$VIP" cidr_netmask=24 nic=eth0
tap_is "stop with no time left for the reset succeeds" $? 0
tap_like "  and warns" "$(<"$AGENT_ERR")" "warning: reset 0 TCP connection\\(s\\) to $VIP, then failed"
tap_is "  address gone after stop" "$(lab_exec a ip -o -4 addr show to "$VIP")" ""
pid=$(<"$(lab_state_dir)/nodes/client/log/cfail.pid")
[[ -n $pid ]] && kill "$pid" 2>/dev/null

# A stop with nothing to reset says nothing about resets (another address:
# the server still holds the dead connections to the first one).
VIP2=${VIP%.*}.111
agent_run a floatip start ip="$VIP2" cidr_netmask=24 nic=eth0
agent_run a floatip stop ip="$VIP2" cidr_netmask=24 nic=eth0
tap_is "stop with no connections" $? 0
tap_unlike "  and no reset logged" "$(<"$AGENT_ERR")" "TCP connection"
tap_done
