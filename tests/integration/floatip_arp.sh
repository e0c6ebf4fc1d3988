#!/bin/bash
# floatip with IPv4 in the lab: the client's neighbour entry follows the
# address from head a to head b at once, through the gratuitous ARP, with no
# client traffic in between. A control run without announcements shows the
# entry would otherwise stay stale, and that a depth-10 monitor re-announces.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"

VIP=${TWINHEAD_LAB_NET4:-10.213.0}.100
lab_start fiparp a b client
mac_a=$(lab_mac a)
mac_b=$(lab_mac b)

agent_run a floatip start ip="$VIP" cidr_netmask=24 nic=eth0
tap_is "start on a" $? 0
agent_run a floatip monitor ip="$VIP" cidr_netmask=24 nic=eth0
tap_is "monitor on a: running" $? 0
agent_run a floatip start ip="$VIP" cidr_netmask=24 nic=eth0
tap_is "second start on a is a no-op success" $? 0
tap_check "client reaches the VIP" lab_exec client ping -n -c1 -W2 "$VIP"
tap_is "client's entry points to a" "$(lab_neigh_mac client "$VIP")" "$mac_a"

sleep 1.2 # past the kernel's ARP locktime, so only the announcement matters
agent_run a floatip stop ip="$VIP" cidr_netmask=24 nic=eth0
tap_is "stop on a" $? 0
agent_run a floatip monitor ip="$VIP" cidr_netmask=24 nic=eth0
tap_is "monitor on a after stop: not running" $? 7
agent_run a floatip stop ip="$VIP" cidr_netmask=24 nic=eth0
tap_is "second stop on a is a no-op success" $? 0
agent_run b floatip start ip="$VIP" cidr_netmask=24 nic=eth0
tap_is "start on b" $? 0
if lab_wait_neigh_mac client "$VIP" "$mac_b"; then
	tap_ok "client's entry moved to b without any client traffic"
else
	tap_not_ok "client's entry moved to b without any client traffic" "entry: $(lab_exec client ip neigh show "$VIP")"
fi
tap_check "client reaches the VIP on b" lab_exec client ping -n -c1 -W2 "$VIP"

# Control: no announcement, and the client keeps the old MAC.
sleep 1.2
agent_run b floatip stop ip="$VIP" nic=eth0
agent_run a floatip start ip="$VIP" cidr_netmask=24 nic=eth0 arp_count=0
tap_is "start on a with arp_count=0" $? 0
sleep 1
# The entry may still point to b or, on a busy machine where the client's
# kernel had time to probe b and give up, be gone: either way the client
# did not learn a's MAC without an announcement.
tap_isnt "without announcements the client's entry does not move to a" "$(lab_neigh_mac client "$VIP")" "$mac_a"
AGENT_ENV=(OCF_CHECK_LEVEL=10 OCF_RESKEY_CRM_meta_interval=60000)
agent_run a floatip monitor ip="$VIP" cidr_netmask=24 nic=eth0
tap_is "depth-10 monitor on a" $? 0
AGENT_ENV=()
if lab_wait_neigh_mac client "$VIP" "$mac_a"; then
	tap_ok "depth-10 monitor re-announced: client's entry points to a"
else
	tap_not_ok "depth-10 monitor re-announced: client's entry points to a"
fi
agent_run a floatip stop ip="$VIP" nic=eth0

# Without nic and cidr_netmask, the connected route decides both.
agent_run a floatip start ip="$VIP"
tap_is "start with only ip" $? 0
tap_like "interface and prefix come from the route" \
	"$(lab_exec a ip -o -4 addr show to "$VIP")" "eth0 +inet $VIP/24 "
agent_run a floatip stop ip="$VIP"
tap_is "stop with only ip" $? 0
tap_is "address gone after stop" "$(lab_exec a ip -o -4 addr show to "$VIP")" ""
tap_done
