#!/bin/bash
# floatip with IPv6 in the lab: duplicate address detection runs, and the
# unsolicited neighbour advertisement moves the client's entry from a to b.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"

VIP=${TWINHEAD_LAB_NET6:-fd00:213:}:100
lab_start fipv6 a b client
mac_a=$(lab_mac a)
mac_b=$(lab_mac b)

client_mac() {
	lab_exec client ip -6 neigh show "$VIP" dev eth0 | awk '{for (i=1;i<NF;i++) if ($i=="lladdr") print $(i+1)}'
}
wait_client_mac() {
	local i
	for i in $(seq 20); do
		[[ $(client_mac) == "$1" ]] && return 0
		sleep 0.05
	done
	return 1
}

agent_run a floatip start ip="$VIP" cidr_netmask=64 nic=eth0
tap_is "start on a" $? 0
tap_unlike "address is not tentative after start (DAD finished)" \
	"$(lab_exec a ip -6 -o addr show to "$VIP")" "tentative"
agent_run a floatip monitor ip="$VIP" cidr_netmask=64 nic=eth0
tap_is "monitor on a: running" $? 0
tap_check "client reaches the VIP" lab_exec client ping -6 -n -c1 -W2 "$VIP"
tap_is "client's entry points to a" "$(client_mac)" "$mac_a"

sleep 1.2
agent_run a floatip stop ip="$VIP" cidr_netmask=64 nic=eth0
tap_is "stop on a" $? 0
agent_run b floatip start ip="$VIP" cidr_netmask=64 nic=eth0
tap_is "start on b" $? 0
if wait_client_mac "$mac_b"; then
	tap_ok "client's entry moved to b without any client traffic"
else
	tap_not_ok "client's entry moved to b without any client traffic" "entry: $(lab_exec client ip -6 neigh show "$VIP")"
fi
tap_check "client reaches the VIP on b" lab_exec client ping -6 -n -c1 -W2 "$VIP"
agent_run b floatip stop ip="$VIP" nic=eth0
tap_is "stop on b" $? 0
tap_done
