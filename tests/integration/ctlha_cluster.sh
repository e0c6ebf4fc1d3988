#!/bin/bash
# ocf:twinhead:ctlha under Pacemaker: a promotable clone over two lab heads
# (corosync + Pacemaker from lab/twinhead-cluster; the FreeBSD code on the
# CTL HA emulator). One head is promoted and its CTL is primary; setting the
# clone's target-role to Unpromoted demotes it; clearing it promotes again;
# powering the primary head off gets the survivor promoted. No split brain
# at any point (the emulator would log it).
#
# The lab cluster runs without fencing (stonith-enabled=false) and with
# corosync's two_node, so the survivor of two keeps quorum. cluster-delay
# is 5s: Pacemaker 2.1.5 does not confirm the cancel of a recurring monitor
# whose last result was degraded (190/191), and a role change then waits for
# that monitor's timeout plus cluster-delay (60 s by default); see
# docs/ctlha.md.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/ctlha.sh"

for t in corosync pacemakerd crm_mon cibadmin crm_resource; do
	command -v $t >/dev/null || tap_skip_all "$t missing (apt-get install corosync pacemaker pacemaker-cli-utils)"
done
ctlha_require_emulator
lab_start ctlpcmk a b
A=$(lab_addr a)
cluster() { "$TH_SRCDIR/lab/twinhead-cluster" -n "$LAB_NAME" "$@"; }

emu_start a 1 2 || tap_done
emu_start b 2 2 || tap_done
emu_lun a 0
emu_lun b 0

out=$(cluster up -e "${AGENT_ENV[0]}" -p cluster-delay=5s a b 2>&1)
tap_is "cluster of a and b up" $? 0 || {
	tap_diag "$out"
	tap_done
}

cat >"$LAB_TMP/rsc.xml" <<EOF
<clone id="ha-clone">
  <meta_attributes id="ha-clone-meta">
    <nvpair id="ha-clone-promotable" name="promotable" value="true"/>
    <nvpair id="ha-clone-notify" name="notify" value="true"/>
    <nvpair id="ha-clone-promoted-max" name="promoted-max" value="1"/>
  </meta_attributes>
  <primitive id="ha" class="ocf" provider="twinhead" type="ctlha">
    <instance_attributes id="ha-params">
      <nvpair id="ha-peer" name="peer" value="$A:7996"/>
      <nvpair id="ha-link-timeout" name="link_timeout" value="10"/>
    </instance_attributes>
    <operations>
      <op id="ha-mon-p" name="monitor" interval="3s" role="Promoted" timeout="10s"/>
      <op id="ha-mon-u" name="monitor" interval="4s" role="Unpromoted" timeout="10s"/>
    </operations>
  </primitive>
</clone>
EOF
tap_check "clone configured" cluster cibadmin a -C -o resources -x "$LAB_TMP/rsc.xml"

# promoted ON: the node where Pacemaker runs the clone promoted, "" if none.
promoted_on() {
	lab_exec "$1" crm_mon -1 --output-as=xml 2>/dev/null | tr -d '\n' |
		grep -o '<resource id="ha" [^>]*role="Promoted"[^>]*>[^<]*<node name="[a-z0-9]*"' |
		sed 's/.*<node name="\([a-z0-9]*\)"/\1/' | head -n 1
}
# How long a role change may take: Pacemaker's DC election and join
# (twinhead-cluster: token 1 s + dc-deadtime 2 s), then a demote and a
# promote, each bounded by its monitor's timeout (10 s) plus cluster-delay
# (5 s, see above); LAB_MARGIN times the election, plus the ops' bounds once
# more for the cancel that waits on them, plus LAB_START_S.
ROLE_CHANGE_S=$((LAB_MARGIN * (1 + 2) + 2 * 2 * (10 + 5) + LAB_START_S))

promoted_is() {
	local p
	p=$(promoted_on "$1")
	[[ $p == "$2" ]] || { echo "promoted: '${p:-nobody}'"; return 1; }
}
promoted_any() {
	[[ -n $(promoted_on "$1") ]] || { echo "nobody promoted"; return 1; }
}
# wait_promoted ASKING WANT: until promoted_on says WANT ("" = nobody)
wait_promoted() {
	lab_wait_for "$ROLE_CHANGE_S" "the clone promoted on '${2:-nobody}'" promoted_is "$1" "$2"
}
other() { [[ $1 == a ]] && echo b || echo a; }

lab_wait_for "$ROLE_CHANGE_S" "a promoted head" promoted_any a
p=$(promoted_on a)
tap_isnt "Pacemaker promotes one head" "$p" ""
[[ -n $p ]] || {
	cluster status a | while read -r l; do tap_diag "$l"; done
	tap_done
}
q=$(other "$p")
tap_is "  its CTL is primary" "$(emu_get "$p" ha_role)" 0
tap_is "  the other head's CTL is secondary" "$(emu_get "$q" ha_role)" 1
tap_is "  the HA link is up" "$(emu_get "$q" ha_link)" 2
tap_is "  the secondary sees LUN 0 optimized on the primary" "$(emu_field "$q" alua_other)" Active/Optimized
tap_like "  promotion scores are set" "$(lab_exec "$p" crm_mon -1 -A 2>&1)" "master-ha[^0-9]*1[01]0"

lab_exec a crm_resource -r ha-clone --meta -p target-role -v Unpromoted >/dev/null 2>&1
if wait_promoted a ""; then
	tap_ok "target-role=Unpromoted: the clone is demoted"
else
	tap_not_ok "target-role=Unpromoted: the clone is demoted" "$(cluster status a)"
fi
tap_is "  both CTLs are secondary ($p)" "$(emu_get "$p" ha_role)" 1
tap_is "  both CTLs are secondary ($q)" "$(emu_get "$q" ha_role)" 1
tap_is "  LUN 0 reports Transitioning: no primary" "$(emu_field "$q" alua_self)" Transitioning

lab_exec a crm_resource -r ha-clone --meta -d target-role >/dev/null 2>&1
lab_wait_for "$ROLE_CHANGE_S" "a promoted head" promoted_any a
p=$(promoted_on a)
tap_isnt "target-role cleared: a head is promoted again" "$p" ""
[[ -n $p ]] || tap_done
q=$(other "$p")
tap_is "  its CTL is primary" "$(emu_get "$p" ha_role)" 0

t0=${EPOCHREALTIME/[.,]/}
lab_poweroff "$p"
if wait_promoted "$q" "$q"; then
	tap_ok "primary $p powered off: the survivor $q is promoted"
	tap_diag "promoted $(((${EPOCHREALTIME/[.,]/} - t0) / 1000)) ms after the power-off"
else
	tap_not_ok "primary $p powered off: the survivor $q is promoted" "$(cluster status "$q")"
fi
tap_is "  $q's CTL is primary" "$(emu_get "$q" ha_role)" 0
tap_unlike "no split brain at any time ($q)" "$(emu_log "$q")" "split brain"
tap_unlike "no split brain at any time ($p)" "$(emu_log "$p")" "split brain"
tap_done
