#!/bin/bash
# The Linux LIO example (examples/linux-lio), checked as far as this
# machine allows (no LIO here; the agent's LIO backend itself is tested in
# tests/agents/iscsitarget_lio_standin.sh):
# - cluster.crm and cluster.pcs.sh are examples/active-passive's with only
#   the target changed (and their first comment line);
# - both forms give the target the same parameters;
# - those parameters pass the agent's validate-all for implementation=lio on
#   a node named heada and on one named headb (a private UTS namespace), and
#   fail on a node lio_alua_groups does not name (the check can fail).
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

EX=$TH_SRCDIR/examples/linux-lio
AP=$TH_SRCDIR/examples/active-passive
bin=$TH_BUILDDIR/agents/iscsitarget/iscsitarget
[[ -x $bin ]] || tap_skip_all "agents/iscsitarget/iscsitarget not built"

# without_target FILE: the file without its "# Active/passive..." line and
# the target's definition (crm: from its comment to the blank line; pcs:
# its command).
without_target() {
	grep -v '^# Active/passive' "$1" | awk '
		/^# The target/ { skip = 1 }
		/^primitive tank-target/ { skip = 1 }
		/^p resource create tank-target/ { skip = 1; pcs = 1 }
		skip && !pcs && /^$/ { skip = 0; next }
		skip && pcs && /--group g-tank$/ { skip = 0; pcs = 0; next }
		!skip'
}
tap_is "cluster.crm is active-passive's but for the target" "$(without_target "$EX/cluster.crm")" \
	"$(without_target "$AP/cluster.crm")"
tap_is "cluster.pcs.sh is active-passive's but for the target" \
	"$(without_target "$EX/cluster.pcs.sh")" "$(without_target "$AP/cluster.pcs.sh")"

# The target's parameters, one per line, quotes resolved.
crm_params() {
	sed -n '/^primitive tank-target/,/^\top /p' "$EX/cluster.crm" | sed '1d;$d;s/^\tparams //' |
		tr -d '\\' | tr '\n' ' '
}
pcs_params() {
	sed -n '/^p resource create tank-target/,/^\top /p' "$EX/cluster.pcs.sh" | sed '1d;$d' |
		tr -d '\\' | tr '\n' ' '
}
eval "crm=($(crm_params))"
eval "pcs=($(pcs_params))"
tap_like "the crm form sets implementation=lio" "${crm[*]}" "implementation=lio"
tap_is "both forms give the target the same parameters" "$(printf '%s\n' "${pcs[@]}" | sort)" \
	"$(printf '%s\n' "${crm[@]}" | sort)"

validate() {
	local node=$1 env=(env -i)
	for kv in "${crm[@]}"; do env+=("OCF_RESKEY_$kv"); done
	unshare -u sh -c 'hostname "$0" && exec "$@"' "$node" "${env[@]}" "$bin" validate-all 2>&1
}
if [[ $(id -u) == 0 ]]; then
	validate heada >/dev/null
	tap_is "validate-all passes on heada" $? 0
	validate headb >/dev/null
	tap_is "validate-all passes on headb" $? 0
	out=$(validate headc)
	tap_is "validate-all fails on a node lio_alua_groups does not name" $? 6
	tap_like "  saying so" "$out" "lio_alua_groups does not name this node \(headc\)"
else
	tap_ok "validate-all per node # SKIP needs root (a private UTS namespace)"
fi
tap_done
