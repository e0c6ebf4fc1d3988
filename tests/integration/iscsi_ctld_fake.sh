#!/bin/bash
# The ctld implementation's sequence, on Linux, against stand-ins for
# FreeBSD's tools (there is no FreeBSD here): a fake ctld whose -t checks
# that braces balance, a fake daemon that holds its pid file locked the way
# pidfile(3) does and, on SIGHUP, derives the kernel's LUN list from the
# target blocks in ctl.conf, and a fake ctladm that prints that list in the
# kernel's devlist -x format. What this proves: start writes the block
# (0600, the rest of the file untouched), checks the whole file before
# installing it, reloads, waits for the LUNs; start is idempotent; a file
# that fails the check changes nothing; stop gives back the file as it was;
# without a running ctld nothing is left changed. It does not prove that
# the real ctld accepts the text (see ctld_fragment_test for the text).
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"

[[ -x $TH_BUILDDIR/agents/iscsitarget/iscsitarget ]] || tap_skip_all "agents/iscsitarget/iscsitarget not built"
command -v flock >/dev/null || tap_skip_all "flock missing (util-linux)"
lab_start iscctld a
T=$LAB_TMP/ctld
mkdir -p "$T"
CONF=$T/ctl.conf
printf 'pidfile %s/ctld.pid\n\n# the administrator'"'"'s own targets\ntarget iqn.2024-01.org.example:other {\n\tauth-group no-authentication\n}\n' "$T" >"$CONF"
chmod 0600 "$CONF"
original=$(cat "$CONF")

cat >"$T/ctld" <<'FAKE'
#!/bin/sh
# ctld -t -f FILE: braces must balance; a file named FAIL makes it refuse.
[ "$1" = -t ] && [ "$2" = -f ] || exit 2
[ -e "$(dirname "$0")/FAIL" ] && { echo "ctld: configuration error (forced)" >&2; exit 1; }
o=$(tr -cd '{' <"$3" | wc -c); c=$(tr -cd '}' <"$3" | wc -c)
[ "$o" = "$c" ] || { echo "ctld: unbalanced braces" >&2; exit 1; }
FAKE
cat >"$T/ctladm" <<FAKE
#!/bin/sh
[ "\$1" = devlist ] && [ "\$2" = -x ] || exit 2
cat "$T/served" 2>/dev/null || printf '<ctllunlist>\n</ctllunlist>\n'
FAKE
cat >"$T/daemon" <<FAKE
#!/bin/bash
# Serves what ctl.conf says, after each SIGHUP.
regen() {
	awk 'BEGIN { print "<ctllunlist>"; id = 0 }
	     /^target "/ { split(\$0, a, "\""); t = a[2] }
	     /^\tlun [0-9]+ \{/ { split(\$0, b, " "); lun = b[2] }
	     /^\t\tpath "/ { split(\$0, p, "\""); printf "<lun id=\"%d\">\n\t<backend_type>block</backend_type>\n\t<file>%s</file>\n\t<ctld_name>%s,lun,%s</ctld_name>\n</lun>\n", id++, p[2], t, lun }
	     END { print "</ctllunlist>" }' "$CONF" >"$T/served.new" && mv "$T/served.new" "$T/served"
}
# The trap first: the pid file tells the agent it may send SIGHUP, which
# would kill a bash that has no handler yet (seen under load).
trap regen HUP
regen
exec 9<>"$T/ctld.pid"
flock -x 9
echo \$\$ >"$T/ctld.pid"
while :; do sleep 0.05 & wait \$!; done
FAKE
chmod 0755 "$T/ctld" "$T/ctladm" "$T/daemon"
lab_spawn a ctld "$T/daemon"
lab_wait_for "$LAB_START_S" "the fake ctld's pid file" test -s "$T/ctld.pid" ||
	{ echo "Bail out! the fake ctld did not start"; exit 1; }
(umask 077 && echo "ctld-secret-12" >"$T/chap")

IQN=iqn.2024-01.org.twinhead:ctld
AGENT_ENV=(TWINHEAD_TOOL_CTLD="$T/ctld" TWINHEAD_TOOL_CTLADM="$T/ctladm")
P=(implementation=ctld iqn=$IQN "luns=0:/tank/a 1:/tank/b" portals=10.0.0.100:3260
	allowed_initiators=iqn.2024-01.org.twinhead:h1 incoming_username=h1 secret_file="$T/chap"
	ctld_config="$CONF" ctld_pidfile="$T/ctld.pid")
agent_run a iscsitarget monitor "${P[@]}"
tap_is "probe: not running" $? 7
agent_run a iscsitarget start "${P[@]}"
tap_is "start" $? 0 || {
	tap_diag "$(agent_reason)"
	tap_diag "pid file: $(cat "$T/ctld.pid" 2>&1); served: $(cat "$T/served" 2>&1)"
	tap_diag "fake ctld's log: $(cat "$(lab_state_dir)/nodes/a/log/ctld.log" 2>&1)"
	tap_diag "processes in a: $(lab_exec a ps -eo pid,stat,args 2>&1)"
}
tap_is "ctl.conf keeps the administrator's lines first" "$(head -c ${#original} "$CONF")" "$original"
tap_like "  and ends with this target's block" "$(tail -1 "$CONF")" "^# END twinhead:iscsitarget $IQN\$"
tap_like "  with both LUNs, the CHAP account and the portal group" "$(cat "$CONF")" \
	'lun 1 \{.*path "/tank/b".*chap "h1" "ctld-secret-12".*listen "10.0.0.100:3260"|chap "h1" "ctld-secret-12".*listen "10.0.0.100:3260".*lun 1 \{'
tap_is "  and stays mode 0600 (it holds the secret)" "$(stat -c %a "$CONF")" 600
tap_like "the daemon serves both LUNs" "$(cat "$T/served")" "$IQN,lun,0.*$IQN,lun,1"
agent_run a iscsitarget monitor "${P[@]}"
tap_is "monitor" $? 0
before=$(cat "$CONF")
agent_run a iscsitarget start "${P[@]}"
tap_is "second start" $? 0
tap_is "  leaves ctl.conf as it was" "$(cat "$CONF")" "$before"

# A configuration ctld refuses is never installed.
touch "$T/FAIL"
agent_run a iscsitarget start "${P[@]/#iqn=*/iqn=$IQN:two}"
tap_is "start of a second target when ctld -t refuses" $? 1
tap_like "  the reason carries ctld's message" "$(agent_reason)" "forced"
tap_is "  ctl.conf unchanged" "$(cat "$CONF")" "$before"
rm -f "$T/FAIL"

agent_run a iscsitarget stop "${P[@]}"
tap_is "stop" $? 0 || tap_diag "$(agent_reason)"
tap_is "ctl.conf is exactly what it was before start" "$(cat "$CONF")" "$original"
agent_run a iscsitarget monitor "${P[@]}"
tap_is "monitor after stop: not running" $? 7
agent_run a iscsitarget stop "${P[@]}"
tap_is "second stop" $? 0

# Without a running ctld: start fails, the file goes back.
kill "$(cat "$(lab_state_dir)/nodes/a/log/ctld.pid")" 2>/dev/null
# SIGTERM ends the fake at once; LAB_START_S covers a busy scheduler.
lab_wait_for "$LAB_START_S" "the fake ctld to exit" flock -n "$T/ctld.pid" true
agent_run a iscsitarget start "${P[@]}"
tap_is "start without ctld fails" $? 1
tap_like "  saying ctld is not running" "$(agent_reason)" "ctld is not running"
tap_is "  and ctl.conf is back as it was" "$(cat "$CONF")" "$original"
tap_done
