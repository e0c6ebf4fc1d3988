#!/bin/bash
# floatip monitor catches a link that went down (IPaddr2 did not until
# resource-agents #2056): carrier loss and an interface set down by hand.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"

VIP=${TWINHEAD_LAB_NET4:-10.213.0}.103
lab_start fiplink a b
P=(ip="$VIP" cidr_netmask=24 nic=eth0)

agent_run a floatip start "${P[@]}"
tap_is "start on a" $? 0

lab_cable a down
sleep 0.2
agent_run a floatip monitor "${P[@]}"
tap_is "cable pulled: monitor fails" $? 1
tap_like "  reason says no carrier" "$(agent_reason)" "no carrier"

lab_cable a up
# The carrier is back when the lab's cable command returns; the kernel's
# linkwatch reports it within a second (its rate limit). LAB_MARGIN times that.
monitor_ok() { agent_run a floatip monitor "${P[@]}" || { agent_reason; return 1; }; }
lab_wait_for $((LAB_MARGIN * 1)) "floatip monitor to pass with the cable back" monitor_ok
tap_is "cable back: monitor passes again" $? 0

lab_exec a ip link set eth0 down
agent_run a floatip monitor "${P[@]}"
tap_is "interface set down: monitor fails" $? 1
tap_like "  reason says administratively down" "$(agent_reason)" "administratively down"
lab_exec a ip link set eth0 up

agent_run a floatip stop "${P[@]}"
lab_cable a down
sleep 0.2
agent_run a floatip start "${P[@]}"
tap_is "start refused without carrier" $? 1
tap_is "  and added nothing" "$(lab_exec a ip -o addr show to "$VIP")" ""
tap_done
