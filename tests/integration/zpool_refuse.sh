#!/bin/bash
# zpool refuses to import a pool that is active on the other head when
# `force` does not allow -f: force=never, and force=fenced with no evidence
# of fencing, or with evidence that does not hold (stonith-enabled=false or
# unset in the CIB; a quorumd state that is stale, from the future, of
# another version, torn, a secondary's, or says the peer is alive or
# merely lost). Each refusal names the other host's id, and changes
# nothing: a keeps the pool, b imports nothing.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/zfs.sh"

command -v crm_attribute >/dev/null || tap_skip_all "crm_attribute missing (apt-get install pacemaker-cli-utils)"
zfs_lab_start zpref a b
zfs_pool_create a tank 64 d0 d1 || tap_diag "pool creation failed"
shared=$(lab_state_dir)/shared

cib() { # cib FILE [VALUE]: a CIB with stonith-enabled=VALUE, or without it
	{
		echo '<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">'
		echo '  <configuration><crm_config><cluster_property_set id="opts">'
		[[ -n ${2:-} ]] && echo "    <nvpair id=\"opts-se\" name=\"stonith-enabled\" value=\"$2\"/>"
		echo '  </cluster_property_set></crm_config><nodes/><resources/><constraints/></configuration>'
		echo '  <status/>'
		echo '</cib>'
	} >"$1"
}
cib "$shared/cib-false.xml" false
cib "$shared/cib-unset.xml"

zpool_run a start
tap_is "start on a" $? 0 || tap_diag "$(agent_reason)"

# refused WHY REASON-REGEX KEY=VALUE...: b's start fails, names a, changes nothing.
refused() {
	local what=$1 regex=$2
	shift 2
	zpool_run b start "$@"
	tap_is "$what: b refuses" $? 1
	tap_like "  reason names a's hostid and says why" "$(agent_reason)" \
		"last used by host 'a' \(hostid 0x1001\).*$regex"
	tap_is "  b imported nothing" "$(zp_imported b)" ""
}

refused "force=never" "force=never" force=never
refused "force=fenced, no CIB, no quorumd" "no evidence.*no quorumd state"
AGENT_ENV=(CIB_file="$shared/cib-false.xml")
refused "stonith-enabled=false" "stonith-enabled=false"
AGENT_ENV=(CIB_file="$shared/cib-unset.xml")
refused "stonith-enabled not set" "stonith-enabled is not set"
AGENT_ENV=(CIB_file="$shared/no-such-cib.xml")
refused "CIB unreadable" "cannot read stonith-enabled"
AGENT_ENV=()

now=$(date +%s)
state() { printf 'version=1\nrole=%s\npeer=%s\nepoch=9\nupdated=%s' "$1" "$2" "$3"; }
zfs_write_quorumd_state b "$(state primary alive "$now")"
refused "quorumd: peer alive" "quorumd reports the peer alive"
zfs_write_quorumd_state b "$(state primary lost "$now")"
refused "quorumd: peer lost (not fenced)" "quorumd reports the peer lost"
zfs_write_quorumd_state b "$(state secondary fenced "$now")"
refused "quorumd: this head secondary" "quorumd here is secondary"
zfs_write_quorumd_state b "$(state primary fenced $((now - 60)))"
refused "quorumd: state 60 s old" "s old"
zfs_write_quorumd_state b "$(state primary fenced $((now + 60)))"
refused "quorumd: state from the future" "in the future"
zfs_write_quorumd_state b "$(printf 'version=2\nrole=primary\npeer=fenced\nepoch=9\nupdated=%s' "$now")"
refused "quorumd: unknown version" "version 2 is not supported"
lab_exec b sh -c 'printf "version=1\nrole=primary\npeer=fenced\nepoch=9\nupd" >/run/twinhead/quorumd/state'
refused "quorumd: torn file" "rejected"
lab_exec b sh -c 'rm /run/twinhead/quorumd/state; ln -s /etc/hostname /run/twinhead/quorumd/state'
refused "quorumd: a symlink" "cannot read"

tap_is "a still has the pool" "$(zp_imported a)" tank
zpool_run a monitor
tap_is "monitor on a: still running" $? 0
tap_done
