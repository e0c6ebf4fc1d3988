#!/bin/bash
# ocf:twinhead:ctlha by hand (no cluster), the same FreeBSD code on the CTL
# HA emulator: start/stop/promote/demote/monitor codes (7, 0/190, 8/191);
# a lone head starts degraded; role safety (a second primary is refused,
# whether CTL or Pacemaker's notification says the peer is primary); link
# loss degrades instead of failing; per-LUN roles keep the LUN's other
# options; wrong boot tunables, CTL missing or a foreign ha_peer get clear
# errors.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/ctlha.sh"

ctlha_require_emulator
lab_start ctlagent a b
A=$(lab_addr a)
P=(peer="$A:7998" link_timeout=2)

emu_start a 1 2 || tap_done
emu_start b 2 2 || tap_done
emu_lun a 0
emu_lun b 0

# run NODE ACTION [KEY=VALUE...]: the agent, rc in $rc
run() {
	agent_run "$@"
	rc=$?
}

AGENT_ENV+=(OCF_RESKEY_CRM_meta_interval=0)
run a ctlha monitor "${P[@]}"
tap_is "probe before start: not running (7)" "$rc" 7
AGENT_ENV=("${AGENT_ENV[@]:0:1}")

# --- a lone head starts degraded ---------------------------------------------------------
run a ctlha start "${P[@]}"
tap_is "start of a with b not started: success" "$rc" 0
tap_like "  with a warning that it is degraded" "$(cat "$AGENT_ERR")" "not up after 2 s"
tap_is "  ha_peer set: a listens (ha_id 1 = listen)" "$(emu_get a ha_peer)" "listen $A:7998"
tap_is "  a stays secondary" "$(emu_get a ha_role)" 1
run a ctlha monitor "${P[@]}"
tap_is "monitor a: secondary without link (190)" "$rc" 190

run b ctlha start "${P[@]}"
tap_is "start of b: success" "$rc" 0
tap_is "  b connects" "$(emu_get b ha_peer)" "connect $A:7998"
tap_is "  link up" "$(emu_get b ha_link)" 2
run a ctlha monitor "${P[@]}"
tap_is "monitor a: secondary with link (0)" "$rc" 0
run b ctlha start "${P[@]}"
tap_is "start of a started b: success" "$rc" 0

# --- promote, and role safety --------------------------------------------------------------
run a ctlha promote "${P[@]}"
tap_is "promote a" "$rc" 0
tap_is "  kern.cam.ctl.ha_role=0 on a" "$(emu_get a ha_role)" 0
run a ctlha monitor "${P[@]}"
tap_is "monitor a: primary with link (8)" "$rc" 8
run a ctlha promote "${P[@]}"
tap_is "promote a again: success" "$rc" 0

run b ctlha promote "${P[@]}"
tap_is "promote b while a is primary on a live link: refused" "$rc" 1
tap_like "  the reason says why" "$(agent_reason)" "other head is primary and the HA link is up.*LUN 0 is Active/Optimized on the other head.*split brain"
tap_is "  b is still secondary" "$(emu_get b ha_role)" 1
tap_is "  the emulator saw no split brain" "$(emu_field a split_brain)" no

# Without a LUN, CTL cannot tell: Pacemaker's notification can.
emu_ctladm b remove -b block -l 0 >/dev/null
AGENT_ENV+=(OCF_RESKEY_CRM_meta_notify_type=post OCF_RESKEY_CRM_meta_notify_operation=promote
	OCF_RESKEY_CRM_meta_notify_promote_uname=a OCF_RESKEY_CRM_meta_on_node=b)
run b ctlha notify "${P[@]}"
tap_is "notify b: post-promote of a" "$rc" 0
AGENT_ENV=("${AGENT_ENV[@]:0:1}")
run b ctlha promote "${P[@]}"
tap_is "promote b with no LUN, after a's post-promote notification: refused" "$rc" 1
tap_like "  the reason names the notification" "$(agent_reason)" "Pacemaker's last notification"
tap_is "  b is still secondary" "$(emu_get b ha_role)" 1
emu_lun b 0

# --- link loss degrades ------------------------------------------------------------------------
lab_cable b down
emu_wait a ha_link 1 20 || tap_diag "a's link did not drop: $(emu_log a | tail -3)"
run a ctlha monitor "${P[@]}"
tap_is "cable pulled: monitor a: primary without link (191)" "$rc" 191
emu_wait b ha_link 1 20
run b ctlha monitor "${P[@]}"
tap_is "cable pulled: monitor b: secondary without link (190)" "$rc" 190
lab_cable b up
emu_wait a ha_link 2 20 || tap_diag "a's link did not come back: $(emu_log a | tail -3)"
run a ctlha monitor "${P[@]}"
tap_is "cable back: monitor a: 8" "$rc" 8

# --- demote, stop ------------------------------------------------------------------------------
run a ctlha demote "${P[@]}"
tap_is "demote a" "$rc" 0
tap_is "  ha_role=1" "$(emu_get a ha_role)" 1
run a ctlha monitor "${P[@]}"
tap_is "monitor a after demote: 0" "$rc" 0
run a ctlha demote "${P[@]}"
tap_is "demote a again: success" "$rc" 0
run b ctlha promote "${P[@]}"
tap_is "now b may be promoted" "$rc" 0
run b ctlha stop "${P[@]}"
tap_is "stop b (primary): success" "$rc" 0
tap_is "  demoted" "$(emu_get b ha_role)" 1
tap_is "  ha_peer cleared" "$(emu_get b ha_peer)" ""
run b ctlha monitor "${P[@]}"
tap_is "monitor b after stop: 7" "$rc" 7
run b ctlha stop "${P[@]}"
tap_is "stop b again: success" "$rc" 0

# --- per-LUN roles -------------------------------------------------------------------------------
run b ctlha start "${P[@]}" lun_roles="0=2"
tap_is "start b with lun_roles=0=2" "$rc" 0
tap_like "  LUN 0 primary on b (ha_id 2), its file option kept" "$(emu_ctladm b devlist -v)" \
	"file=.*lun0.img.*ha_role=primary"
run a ctlha start "${P[@]}" lun_roles="0=2"
tap_like "  LUN 0 secondary on a" "$(emu_ctladm a devlist -v)" "ha_role=secondary"
tap_is "  b's head role is still secondary" "$(emu_get b ha_role)" 1
run b ctlha stop "${P[@]}" lun_roles="0=2"
tap_like "stop b: LUN 0 back to secondary" "$(emu_ctladm b devlist -v)" "ha_role=secondary"

# --- clear errors ---------------------------------------------------------------------------------
emu_sysctl a "kern.cam.ctl.ha_peer=connect 10.213.0.99:1" >/dev/null
run a ctlha monitor "${P[@]}"
tap_is "a foreign ha_peer fails monitor" "$rc" 1
tap_like "  and says so" "$(agent_reason)" "something else configures this head's HA link"
run a ctlha stop "${P[@]}"
tap_is "stop clears it" "$(emu_get a ha_peer)" ""
run a ctlha start "${P[@]}" mode=1
tap_is "start with mode=1 on a head booted with ha_mode 2: not installed (5)" "$rc" 5
tap_like "  the reason" "$(agent_reason)" "kern.cam.ctl.ha_mode is 2 on this head but mode=1"
emu_stop a
run a ctlha start "${P[@]}"
tap_is "start where CTL is not loaded: 5" "$rc" 5
tap_like "  the reason" "$(agent_reason)" "CTL is not loaded.*kldload ctl"
AGENT_ENV+=(OCF_RESKEY_CRM_meta_interval=0)
run a ctlha monitor "${P[@]}"
tap_is "probe where CTL is not loaded: 7" "$rc" 7
AGENT_ENV=("${AGENT_ENV[@]:0:1}")
run a ctlha stop "${P[@]}"
tap_is "stop where CTL is not loaded: success" "$rc" 0
emu_start a 0 0 || tap_done
run a ctlha validate-all "${P[@]}" mode=0
tap_is "validate-all with ha_id 0: 5" "$rc" 5
tap_like "  the reason" "$(agent_reason)" "HA is not configured on this head: kern.cam.ctl.ha_id is 0"
tap_done
