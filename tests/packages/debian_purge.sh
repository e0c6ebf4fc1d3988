# tests/packages/debian.sh, phase "purge" (sourced in the private mount
# namespace; see debian_install.sh).
# shellcheck shell=bash

tap_check "dpkg --purge removes both packages" \
	in_root dpkg --purge twinhead-quorumd twinhead-agents
tap_is "  neither is known to dpkg any more" \
	"$(in_root dpkg-query -W -f '${db:Status-Abbrev}\n' twinhead-agents twinhead-quorumd 2>/dev/null | grep -v '^un' || true)" ""

# The upper directories hold every change made to /usr, /etc and /var
# since the root was made: after the purge only dpkg's own records may
# remain (its database, its log, man-db's index) and the directories the
# overlay copied up on the way to a file (they exist on the host too).
# Whiteouts (character devices) record what was removed that the host has
# (dpkg removing an empty directory that was there before): not left
# behind, but listed.
whiteouts=$(cd "$work/upper" && find . -mindepth 1 -type c | sed 's|^\./||')
[[ -z $whiteouts ]] || tap_diag "removed although the host has it (an empty directory dpkg took over): $whiteouts"
left=$(cd "$work/upper" && find . -mindepth 1 \( -type d -o -type c -o -print \) |
	sed 's|^\./||' |
	grep -Ev '^var/(lib/dpkg|cache/man|cache/debconf|log/(dpkg\.log|alternatives\.log|apt/))' || true)
newdirs=$(cd "$work/upper" && find . -mindepth 1 -type d | sed 's|^\./||' |
	while read -r d; do [[ -d /$d ]] || echo "$d/"; done)
tap_is "nothing left behind in /usr, /etc, /var" "$left$newdirs" ""
tap_is "  no agent, daemon or unit" \
	"$(ls -d "$root"/usr/lib/ocf/resource.d/twinhead "$root"/usr/sbin/twinhead-* \
		"$root"/lib/systemd/system/twinhead-quorumd.service "$root"/usr/share/doc/twinhead-* 2>/dev/null)" ""
