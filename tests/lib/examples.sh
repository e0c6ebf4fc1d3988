# tests/lib/examples.sh: the Linux examples in the appliance lab, for
# tests/examples/*.sh. Source after tests/lib/tap.sh.
#
#   ex_require                 skip unless the appliance can run here
#   ex_require_standalone      the same for a standalone appliance (no
#                              corosync, no Pacemaker)
#   ex_drill NAME ARGS...      lab/drill -n NAME --keep ARGS...: output in
#                              EX_OUT, exit status in EX_RC (the lab stays up)
#   ex_exec NAME NODE CMD...   CMD inside NODE of lab NAME
#   ex_live_cib NAME FILE      heada's CIB into FILE
#   ex_offline_cib NAME FORM DIR FILE
#                              the example DIR's FORM (crm or pcs) applied to
#                              an empty CIB inside heada (no cluster touched),
#                              into FILE
#   ex_summary FILE            the configuration of CIB FILE as sorted lines
#                              (tests/examples/cib_summary.xsl), without
#                              what the cluster or the lab sets by itself
#   ex_state NAME              the state directory of lab NAME
#   ex_down NAME               tear lab NAME down; 0 when nothing is left

EX_LAB=$TH_SRCDIR/lab/twinhead-lab
# The test owns its labs (see tests/lib/lab.sh): a lab of the same name
# that another live run owns is refused by lab/drill, not torn down.
export TWINHEAD_LAB_OWNER=$$

# The lab's real name: NAME with TWINHEAD_LAB_SUFFIX (tests/lib/lab.sh).
ex_name() {
	printf '%s%s' "$1" "${TWINHEAD_LAB_SUFFIX:-}"
}

ex_require() {
	ex_require_tools corosync pacemakerd crm pcs zfs-fuse tgtd ipmi_sim python3
	[[ -x $TH_BUILDDIR/fence/fence_twinhead ]] || tap_skip_all "fence/fence_twinhead not built (run make)"
}

ex_require_standalone() {
	ex_require_tools zfs-fuse tgtd ipmi_sim
}

ex_require_tools() {
	tap_require_root_lab
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || tap_skip_all "$t missing (./quickstart installs it)"
	done
	[[ -x $TH_BUILDDIR/tests/tools/iscsi-client ]] ||
		tap_skip_all "tests/tools/iscsi-client not built (make check builds it)"
}

ex_drill() {
	local name=$1
	shift
	EX_RC=0
	EX_OUT=$("$TH_SRCDIR/lab/drill" -n "$(ex_name "$name")" --keep "$@" 2>&1) || EX_RC=$?
}

ex_exec() {
	local name=$1 node=$2
	shift 2
	"$EX_LAB" -n "$(ex_name "$name")" exec "$node" -- "$@"
}

ex_live_cib() {
	ex_exec "$1" heada cibadmin --query >"$2"
}

ex_offline_cib() {
	local name=$1 form=$2 dir=$3 file=$4 tmp=/run/ex-offline-cib.xml
	ex_exec "$name" heada sh -c 'cibadmin --empty >"$1"' _ "$tmp" || return 1
	case $form in
	pcs) ex_exec "$name" heada env HOME=/run sh "$dir/cluster.pcs.sh" "$tmp" >/dev/null || return 1 ;;
	crm)
		ex_exec "$name" heada mkdir -p /run/ex-crmsh
		ex_exec "$name" heada env CIB_file="$tmp" HOME=/run/ex-crmsh \
			XDG_CONFIG_HOME=/run/ex-crmsh XDG_CACHE_HOME=/run/ex-crmsh \
			crm configure load update "$dir/cluster.crm" >/dev/null || return 1
		;;
	esac
	ex_exec "$name" heada cat "$tmp" >"$file"
}

ex_summary() {
	xsltproc "$TH_SRCDIR/tests/examples/cib_summary.xsl" "$1" |
		grep -Ev '^(node |property (dc-version|cluster-infrastructure|cluster-name|dc-deadtime|have-watchdog|last-lrm-refresh)=)' |
		sort
}

ex_state() {
	"$EX_LAB" -n "$(ex_name "$1")" state-dir
}

ex_down() {
	"$EX_LAB" -n "$(ex_name "$1")" down >/dev/null 2>&1 || return 1
	! ip netns list 2>/dev/null | grep -q "^th-$(ex_name "$1")-"
}
