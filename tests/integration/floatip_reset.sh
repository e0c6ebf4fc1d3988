#!/bin/bash
# floatip stop resets the TCP connections to the address before removing it:
# a client blocked reading from a service on head a gets ECONNRESET at once,
# over IPv4 (a plain AF_INET socket and a dual-stack AF_INET6 one, whose
# connection is IPv4-mapped) and IPv6; a listener bound to the address is
# left alone. With reset_connections=false the client stays blocked: it
# would notice only after its own timeout.
#
# Clients that reconnect at once, in a tight loop, as soon as they are reset
# (IPv4 and IPv6): stop makes the address deaf before the reset, so none of
# them lands on head a again in the moment before the address is gone
# (that connection would be silently dead): after stop, a holds no
# connection to the address and every attempt the clients made timed out
# or failed; once b has the address they are all connected to b. A stop
# that failed half-way (address still there, deaf) fails monitor, and
# start makes the address work again; stop removes it.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"

PY=/usr/bin/python3
[[ -x $PY ]] || tap_skip_all "$PY not found (the test's TCP server and client)"

VIP=${TWINHEAD_LAB_NET4:-10.213.0}.110
VIP6=${TWINHEAD_LAB_NET6:-fd00:213:}:110
lab_start f1reset a b client

# The service on a (and b): accepts and holds every connection, never
# sends. Dual-stack [::]:3260, IPv4 0.0.0.0:3261, a listener bound to the
# address itself (argv[2], "-" for none) on 3262, which the reset must not
# touch, and dual-stack [::]:3263 for the reconnecting clients only.
cat >"$LAB_TMP/server.py" <<'EOF'
import os, select, socket, sys
ready, vip = sys.argv[1], sys.argv[2]
ls = []
for port in (3260, 3263):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    ls.append((s, ("::", port)))
ls.append((socket.socket(socket.AF_INET, socket.SOCK_STREAM), ("0.0.0.0", 3261)))
if vip != "-":
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

# Clients that reconnect at once: argv[3] connections to host:port, each
# restarted the moment it ends (reset, EOF), each attempt abandoned after
# 200 ms (and the next started at once). One line per event, "I EVENT MS"
# (I: the client; EVENT: connected, reset, eof, timeout, or the errno name
# of a failed connect; MS: wall clock, as the test's). argv[5] is created
# once every client has been connected.
cat >"$LAB_TMP/reconnect.py" <<'EOF'
import errno, os, selectors, socket, sys, time
host, port, n, log, ready = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
ATTEMPT_S = 0.2
fam, _, _, _, addr = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)[0]
out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
sel = selectors.DefaultSelector()
conns = {}  # client -> [socket, connected, when to give up connecting]
up = set()
def say(i, what):
    os.write(out, ("%d %s %d\n" % (i, what, int(time.time() * 1000))).encode())
def start(i):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setblocking(False)
    s.connect_ex(addr)
    conns[i] = [s, False, time.monotonic() + ATTEMPT_S]
    sel.register(s, selectors.EVENT_WRITE, i)
def restart(i, what):
    sel.unregister(conns[i][0])
    conns[i][0].close()
    say(i, what)
    start(i)
for i in range(n):
    start(i)
while True:
    now = time.monotonic()
    wait = min([c[2] - now for c in conns.values() if not c[1]] + [1.0])
    for key, _ in sel.select(max(wait, 0)):
        i = key.data
        s = conns[i][0]
        if not conns[i][1]:
            e = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if e:
                restart(i, errno.errorcode.get(e, str(e)))
                continue
            conns[i][1] = True
            sel.modify(s, selectors.EVENT_READ, i)
            say(i, "connected")
            up.add(i)
            if ready and len(up) == n:
                open(ready, "w").close()
                ready = None
            continue
        try:
            how = "eof" if s.recv(1) == b"" else "data"
        except ConnectionResetError:
            how = "reset"
        except OSError as e:
            how = errno.errorcode.get(e.errno, str(e.errno))
        restart(i, how)
    now = time.monotonic()
    for i, c in list(conns.items()):
        if not c[1] and now >= c[2]:
            restart(i, "timeout")
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
rm -f "$LAB_TMP/ready"
lab_spawn b server "$PY" "$LAB_TMP/server.py" "$LAB_TMP/ready" -
wait_file "$LAB_TMP/ready" '' 5 || tap_not_ok "the service on b listens"

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

# ---- clients that reconnect at once ----

NCLIENTS=8

# conns_on NODE IP: NODE's TCP connections (any state but LISTEN) whose
# local address is IP (IPv4 also as ::ffff:IP) on the reconnecting
# clients' port.
conns_on() {
	if [[ $2 == *:* ]]; then
		lab_exec "$1" ss -Htn "( src [$2]:3263 )"
	else
		lab_exec "$1" ss -Htn "( src $2:3263 or src [::ffff:$2]:3263 )"
	fi
}

# reconnect_case LABEL IP PREFIX [b]: NCLIENTS clients of a service on a
# that reconnect at once; stop on a; with "b", then start on b.
reconnect_case() {
	local label=$1 ip=$2 prefix=$3 log=$LAB_TMP/reconnect-$1 t0 t1 tb0 tb1 pid got i
	local -a r
	agent_run a floatip start ip="$ip" cidr_netmask="$prefix" nic=eth0
	tap_is "$label: start on a" $? 0
	rm -f "$log.ready"
	lab_spawn client "reconnect-$label" "$PY" "$LAB_TMP/reconnect.py" "$ip" 3263 \
		"$NCLIENTS" "$log" "$log.ready"
	pid=$(<"$(lab_state_dir)/nodes/client/log/reconnect-$label.pid")
	if ! wait_file "$log.ready" '' 5; then
		tap_not_ok "$label: $NCLIENTS reconnecting clients connect to a"
		kill "$pid" 2>/dev/null
		return
	fi
	t0=$(now_ms)
	agent_run a floatip stop ip="$ip" cidr_netmask="$prefix" nic=eth0
	tap_is "$label: stop on a" $? 0
	t1=$(now_ms)
	# What the drill saw: a client reconnected between the reset and the
	# removal of the address; that connection stays on a, dead.
	tap_is "$label: after stop, a holds no connection (ESTABLISHED or other) to $ip" \
		"$(conns_on a "$ip")" ""
	# (IPv4: also the dead connections the earlier cases left on a.)
	tap_like "$label: stop logged the resets" "$(<"$AGENT_ERR")" \
		"reset [0-9]+ TCP connection\\(s\\) to $ip"
	# The clients keep trying for a second; not one try may succeed.
	sleep 1
	# Per client, from its first reset on: connects (must be none) and
	# other attempts (timed out, refused, unreachable).
	read -ra r < <(awk -v t0="$t0" '
		$2 == "reset" && !($1 in rs) {
			rs[$1] = $3; nreset++
			if (!min || $3 < min) min = $3
			if ($3 > max) max = $3
			next
		}
		!($1 in rs) { next }
		$2 == "connected" { back++; next }
		{ tries++; what[$2]++ }
		END {
			for (w in what) s = s (s ? "," : "") w "=" what[w]
			printf "%d %d %d %d %d %s\n", nreset, back, tries, min - t0, max - t0, s ? s : "-"
		}' "$log")
	tap_is "$label: all $NCLIENTS clients were reset" "${r[0]}" "$NCLIENTS"
	tap_is "$label: none of their reconnects was accepted" "${r[1]}" 0
	if ((r[2] >= NCLIENTS)); then
		tap_ok "$label: the clients kept trying (${r[2]} attempts: ${r[5]})"
	else
		tap_not_ok "$label: the clients kept trying" "only ${r[2]} attempts after the reset"
	fi
	tap_diag "$label: stop took $((t1 - t0)) ms; the resets reached the clients" \
		"${r[3]}-${r[4]} ms after stop began; in the $(($(now_ms) - t1)) ms after stop" \
		"they tried ${r[2]} times (${r[5]}), ${r[1]} accepted"
	if [[ ${4:-} == b ]]; then
		tb0=$(now_ms)
		agent_run b floatip start ip="$ip" cidr_netmask="$prefix" nic=eth0
		tap_is "$label: start on b" $? 0
		tb1=$(now_ms)
		# clients connected since b's start began, and the last one's time
		# The clients retry in a tight loop: they are all back within
		# the first announcement's reach (1 s quiet); LAB_MARGIN times.
		connected_since() {
			got=$(awk -v tb0="$1" '
				$2 == "connected" && $3 >= tb0 && !($1 in c) {
					c[$1] = 1; n++; if ($3 > max) max = $3
				}
				END { printf "%d %d\n", n, max - tb0 }' "$log")
			[[ $got == "$NCLIENTS "* ]] || { echo "connected: $got"; return 1; }
		}
		lab_wait_for $((LAB_MARGIN * 1)) "all $NCLIENTS clients on b" connected_since "$tb0"
		connected_since "$tb0" >/dev/null
		tap_like "$label: all $NCLIENTS clients connect to b once it has the address" \
			"$got" "^$NCLIENTS "
		tap_diag "$label: b's start took $((tb1 - tb0)) ms; the last client was connected" \
			"to b ${got#* } ms after it began, $((tb0 - t0 + ${got#* })) ms after a's stop began"
		tap_is "$label: b holds them" "$(conns_on b "$ip" | grep -c ESTAB)" "$NCLIENTS"
	fi
	kill "$pid" 2>/dev/null
	if [[ ${4:-} == b ]]; then
		agent_run b floatip stop ip="$ip" cidr_netmask="$prefix" nic=eth0
		tap_is "$label: stop on b" $? 0
	fi
}

reconnect_case IPv4 "$VIP" 24 b
reconnect_case IPv6 "$VIP6" 64

# ---- a stop that failed half-way: the address is there, but deaf ----

# local_route NODE IP: NODE's local route for IP, if it has one.
local_route() {
	lab_exec "$1" ip "$([[ $2 == *:* ]] && echo -6 || echo -4)" route show table local \
		type local "$2"
}

# try_connect IP: connects from client to IP:3263, waiting at most
# 500 ms; prints "connected" or the exception's name.
try_connect() {
	lab_exec client "$PY" -c '
import socket, sys
try:
    socket.create_connection((sys.argv[1], 3263), timeout=0.5).close()
    print("connected")
except OSError as e:
    print(type(e).__name__)' "$1"
}

# deaf_case LABEL IP PREFIX
deaf_case() {
	local label=$1 ip=$2 prefix=$3
	agent_run a floatip start ip="$ip" cidr_netmask="$prefix" nic=eth0
	tap_is "$label: start on a" $? 0
	tap_isnt "$label: the address has its local route" "$(local_route a "$ip")" ""
	# What stop leaves behind when it fails after making the address deaf
	# (removing the address failed).
	lab_exec a ip route del table local local "$ip"
	tap_is "$label: without its local route" "$(local_route a "$ip")" ""
	tap_is "  the address takes no connection" "$(try_connect "$ip")" "TimeoutError"
	sleep 0.5
	tap_is "  and the kernel does not put the route back (1 s later)" \
		"$(local_route a "$ip")" ""
	agent_run a floatip monitor ip="$ip" cidr_netmask="$prefix" nic=eth0
	tap_is "$label: monitor fails on the deaf address" $? 1
	tap_like "  and says why" "$(agent_reason)" "does not accept connections to it"
	agent_run a floatip start ip="$ip" cidr_netmask="$prefix" nic=eth0
	tap_is "$label: start repairs it" $? 0
	tap_like "  by adding the address again" "$(<"$AGENT_ERR")" "removed it to add it again"
	tap_isnt "  the local route is back" "$(local_route a "$ip")" ""
	tap_is "  the address takes connections again" "$(try_connect "$ip")" "connected"
	agent_run a floatip monitor ip="$ip" cidr_netmask="$prefix" nic=eth0
	tap_is "$label: monitor passes again" $? 0
	# A stop after a failed stop: the address is already deaf.
	lab_exec a ip route del table local local "$ip"
	agent_run a floatip stop ip="$ip" cidr_netmask="$prefix" nic=eth0
	tap_is "$label: stop of a deaf address" $? 0
	tap_is "  removes it" "$(lab_exec a ip -o addr show to "$ip")" ""
}

deaf_case IPv4 "$VIP" 24
deaf_case IPv6 "$VIP6" 64
tap_done
