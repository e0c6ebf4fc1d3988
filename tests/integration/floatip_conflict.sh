#!/bin/bash
# floatip refuses an address another host already answers for (IPv4 ARP
# probe, IPv6 duplicate address detection) and leaves nothing behind.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"

NET4=${TWINHEAD_LAB_NET4:-10.213.0}
NET6=${TWINHEAD_LAB_NET6:-fd00:213:}
lab_start fipconf a b
mac_b=$(lab_mac b)

# Someone configured the address by hand on b.
lab_exec b ip addr add "$NET4.101/24" dev eth0
agent_run a floatip start ip="$NET4.101" cidr_netmask=24 nic=eth0
tap_is "IPv4: start on a refused" $? 1
tap_like "IPv4: reason names the other host's MAC" "$(agent_reason)" "another host \\(MAC $mac_b\\) already answers for $NET4.101"
tap_is "IPv4: a did not add the address" "$(lab_exec a ip -o addr show to "$NET4.101")" ""
agent_run a floatip monitor ip="$NET4.101" cidr_netmask=24 nic=eth0
tap_is "IPv4: monitor on a says not running" $? 7

lab_exec b ip addr add "$NET6:101/64" dev eth0 nodad
agent_run a floatip start ip="$NET6:101" cidr_netmask=64 nic=eth0
tap_is "IPv6: start on a refused" $? 1
tap_like "IPv6: reason says duplicate address detection failed" "$(agent_reason)" "duplicate address detection failed"
tap_is "IPv6: a removed the duplicate address" "$(lab_exec a ip -o addr show to "$NET6:101")" ""

# After b lets go, a may take it.
lab_exec b ip addr del "$NET4.101/24" dev eth0
agent_run a floatip start ip="$NET4.101" cidr_netmask=24 nic=eth0
tap_is "IPv4: start on a succeeds once b released it" $? 0

# An address configured on another interface of this node is not taken over.
lab_exec a ip addr add "$NET4.102/32" dev lo
agent_run a floatip start ip="$NET4.102" cidr_netmask=24 nic=eth0
tap_is "start refused when the address sits on another local interface" $? 1
tap_like "  reason names that interface" "$(agent_reason)" "already configured on lo"
tap_done
