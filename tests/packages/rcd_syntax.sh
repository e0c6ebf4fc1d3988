#!/bin/bash
# init/twinhead_quorumd, the FreeBSD rc.d script: SYNTAX ONLY. There is no
# FreeBSD here (no /etc/rc.subr, no daemon(8)), so it is parsed by a POSIX
# shell (dash, as FreeBSD's sh is POSIX; bash --posix too) and checked for
# the rc.subr conventions it must follow; it is never run.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

rc=$TH_BUILDDIR/init/twinhead_quorumd
[[ -f $rc ]] || make -C "$TH_BUILDDIR" init/twinhead_quorumd >/dev/null
text=$(cat "$rc")

if command -v dash >/dev/null; then
	tap_check "dash -n parses it" dash -n "$rc"
fi
tap_check "bash --posix -n parses it" bash --posix -n "$rc"
tap_unlike "no @substitution@ left" "$text" "@[a-z]+@"
tap_like "starts with #!/bin/sh" "$(head -n 1 "$rc")" '^#!/bin/sh$'
for kw in PROVIDE REQUIRE KEYWORD; do
	tap_like "rcorder: # $kw:" "$text" $'\n'"# $kw: "
done
tap_like "rcorder: stopped at shutdown (KEYWORD: shutdown)" "$text" $'\n''# KEYWORD: [^\n]*shutdown'
tap_like "sources /etc/rc.subr" "$text" $'\n''\. /etc/rc\.subr'$'\n'
tap_like "name" "$text" $'\n''name="twinhead_quorumd"'
tap_like "rcvar" "$text" $'\n''rcvar="twinhead_quorumd_enable"'
tap_like "load_rc_config before the defaults" "$text" 'load_rc_config "\$name".*twinhead_quorumd_enable:=NO'
tap_like "pidfile" "$text" $'\n''pidfile="/var/run/\$\{name\}\.pid"'
tap_like "command is daemon(8)" "$text" $'\n''command="/usr/sbin/daemon"'
tap_like "command_args: supervisor pidfile, restart, syslog tag, the daemon with -c" "$text" \
	'command_args="-P \$\{pidfile\} -R 2 -S -l daemon -T twinhead-quorumd \$\{twinhead_quorumd_program\} -c \$\{twinhead_quorumd_config\}"'
tap_like "  the installed daemon" "$text" $'\n''twinhead_quorumd_program="/[^"]*/sbin/twinhead-quorumd"'
# With -P the pid file names daemon(8) itself: rc.subr must match it as
# "daemon:", which a procname naming twinhead-quorumd would prevent.
tap_unlike "no procname (the pid is daemon(8)'s)" "$text" $'\n''procname='

tap_like "required_files: the configuration" "$text" $'\n''required_files="\$\{twinhead_quorumd_config\}"'
tap_like "ends with run_rc_command" "$(tail -n 1 "$rc")" '^run_rc_command "\$1"$'
tap_done
