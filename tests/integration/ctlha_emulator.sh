#!/bin/bash
# The CTL HA emulator itself (lab/ctlemu, EMULATION of ctl(4)), two heads
# in the lab, real TCP between them: the boot tunables are read-only;
# ha_peer "listen"/"connect" makes the link, and ha_link follows it
# (0 -> 1 -> 2, back to 1 when the cable is pulled and TCP keepalive gives
# up, 2 again when it is back); LUNs report Transitioning with no primary
# and without a link; a primary shows Active/Optimized to its peer; a second
# primary is accepted as real CTL accepts it and reported as split brain;
# a peer booted with another ha_mode is refused at login; a refused ha_peer
# string empties it.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/ctlha.sh"

ctlha_require_emulator
lab_start ctlemu a b
A=$(lab_addr a)

emu_start a 1 2 || tap_done
emu_start b 2 2 || tap_done

# --- tunables --------------------------------------------------------------------
tap_is "a: ha_id from the boot tunable" "$(emu_get a ha_id)" 1
tap_is "b: ha_id" "$(emu_get b ha_id)" 2
out=$(emu_sysctl a kern.cam.ctl.ha_id=2 2>&1)
tap_isnt "ha_id cannot be set at run time" $? 0
tap_like "  read only, as the kernel says" "$out" "read only"
out=$(emu_sysctl a kern.cam.ctl.ha_mode=0 2>&1)
tap_isnt "ha_mode cannot be set at run time" $? 0
tap_is "an HA head boots secondary" "$(emu_get a ha_role)" 1
tap_is "no ha_peer: link not configured (0)" "$(emu_get a ha_link)" 0

# --- the link over TCP -------------------------------------------------------------
tap_check "a: ha_peer listen" emu_sysctl a "kern.cam.ctl.ha_peer=listen $A:7999"
tap_is "a alone: configured, not established (1)" "$(emu_get a ha_link)" 1
tap_check "b: ha_peer connect" emu_sysctl b "kern.cam.ctl.ha_peer=connect $A:7999"
emu_wait a ha_link 2
tap_is "a: established (2)" "$(emu_get a ha_link)" 2
emu_wait b ha_link 2
tap_is "b: established (2)" "$(emu_get b ha_link)" 2
tap_like "the link is a real TCP connection to a's port" \
	"$(lab_exec b ss -Htn state established "( dport = :7999 )")" "$A:7999"

# --- LUN states -------------------------------------------------------------------------
emu_lun a 0
emu_lun b 0
tap_is "no primary: a's LUN 0 Transitioning" "$(emu_field a alua_self)" Transitioning
tap_is "no primary: b's LUN 0 Transitioning" "$(emu_field b alua_self)" Transitioning
rtpg=$(emu_ctladm b rtpg 0)
tap_like "ctladm rtpg dumps the REPORT TARGET PORT GROUPS bytes" "$rtpg" "^0x00 0x00 0x00 0x18 0x0f 0x8f 0x00 0x02"
tap_check "a: ha_role=0" emu_sysctl a kern.cam.ctl.ha_role=0
tap_is "a: primary" "$(emu_get a ha_role)" 0
lab_wait_for "$EMU_WAIT_S" "b's view of a's LUN 0" emu_field_is b alua_other Active/Optimized
tap_is "b sees a's LUN 0 Active/Optimized (LUN sync over the link)" "$(emu_field b alua_other)" Active/Optimized
tap_is "b's own path: Active/Non-optimized (mode 2 forwards)" "$(emu_field b alua_self)" Active/Non-optimized
tap_is "a's own path: Active/Optimized" "$(emu_field a alua_self)" Active/Optimized

# --- the cable: keepalive, then back -------------------------------------------------------
lab_cable b down
if emu_wait b ha_link 1 20; then
	tap_ok "cable pulled: b's link drops to 1 (TCP keepalive)"
else
	tap_not_ok "cable pulled: b's link drops to 1 (TCP keepalive)" "$(emu_log b | tail -5)"
fi
emu_wait a ha_link 1 20
tap_is "a's link drops to 1 too" "$(emu_get a ha_link)" 1
tap_is "secondary without link: LUN 0 Transitioning" "$(emu_field b alua_self)" Transitioning
tap_is "primary without link stays Active/Optimized" "$(emu_field a alua_self)" Active/Optimized
lab_cable b up
if emu_wait b ha_link 2 20; then
	tap_ok "cable back: b reconnects (2)"
else
	tap_not_ok "cable back: b reconnects (2)" "$(emu_log b | tail -5)"
fi
emu_wait a ha_link 2

# --- two primaries ------------------------------------------------------------------------------
tap_check "b: ha_role=0 is accepted, as real CTL accepts it" emu_sysctl b kern.cam.ctl.ha_role=0
lab_wait_for "$EMU_WAIT_S" "a's split-brain report" emu_field_is a split_brain yes
tap_is "the emulator reports split brain on a" "$(emu_field a split_brain)" yes
tap_is "and on b" "$(emu_field b split_brain)" yes
tap_like "labelled EMULATION in its log" "$(emu_log b)" "EMULATION: ERROR: split brain"
emu_sysctl b kern.cam.ctl.ha_role=1 >/dev/null
lab_wait_for "$EMU_WAIT_S" "a's split brain to clear" emu_field_is a split_brain no
tap_is "one primary again: no split brain" "$(emu_field a split_brain)" no

# --- a peer of another mode ------------------------------------------------------------------
emu_stop b
emu_wait a ha_link 1 5
tap_is "b's emulator gone: a's link drops at once (1)" "$(emu_get a ha_link)" 1
emu_start b 2 1 || tap_done
emu_sysctl b "kern.cam.ctl.ha_peer=connect $A:7999" >/dev/null
emu_log_has() { emu_log "$1" | grep -q -- "$2"; }
lab_wait_for "$EMU_WAIT_S" "a's refusal of b's login" emu_log_has a 'CTL HA peers have different ha_mode 1 != 2'
tap_like "a refuses b's login: different ha_mode" "$(emu_log a)" "CTL HA peers have different ha_mode 1 != 2"

# --- a refused ha_peer -------------------------------------------------------------------------
out=$(emu_sysctl a "kern.cam.ctl.ha_peer=$A:7999" 2>&1)
tap_isnt "an ha_peer without listen/connect is refused" $? 0
tap_like "  EINVAL" "$out" "Invalid argument"
tap_is "  and ha_peer is left empty, as ctl_ha.c does" "$(emu_get a ha_peer)" ""
tap_is "  link not configured (0)" "$(emu_get a ha_link)" 0
out=$(emu_status a)
tap_like "status says what it is" "$out" "^EMULATION of FreeBSD CTL HA"
tap_done
