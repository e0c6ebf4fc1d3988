#!/bin/bash
# floatip with IPv6 in the lab: duplicate address detection runs, and the
# unsolicited neighbour advertisement moves the client's entry from a to b.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"

VIP=${TWINHEAD_LAB_NET6:-fd00:213:}:100
lab_start fipv6 a b client
mac_a=$(lab_mac a)
mac_b=$(lab_mac b)

agent_run a floatip start ip="$VIP" cidr_netmask=64 nic=eth0
tap_is "start on a" $? 0
tap_unlike "address is not tentative after start (DAD finished)" \
	"$(lab_exec a ip -6 -o addr show to "$VIP")" "tentative"
agent_run a floatip monitor ip="$VIP" cidr_netmask=64 nic=eth0
tap_is "monitor on a: running" $? 0
tap_check "client reaches the VIP" lab_exec client ping -6 -n -c1 -W2 "$VIP"
tap_is "client's entry points to a" "$(lab_neigh_mac client "$VIP")" "$mac_a"

sleep 1.2
agent_run a floatip stop ip="$VIP" cidr_netmask=64 nic=eth0
tap_is "stop on a" $? 0
agent_run b floatip start ip="$VIP" cidr_netmask=64 nic=eth0
tap_is "start on b" $? 0
if lab_wait_neigh_mac client "$VIP" "$mac_b"; then
	tap_ok "client's entry moved to b without any client traffic"
else
	tap_not_ok "client's entry moved to b without any client traffic" "entry: $(lab_exec client ip -6 neigh show "$VIP")"
fi
tap_check "client reaches the VIP on b" lab_exec client ping -6 -n -c1 -W2 "$VIP"
agent_run b floatip stop ip="$VIP" nic=eth0
tap_is "stop on b" $? 0
tap_done
