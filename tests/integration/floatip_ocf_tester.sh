#!/bin/bash
# ocf-tester (resource-agents) against floatip inside a lab head, IPv4 and
# IPv6: meta-data against the DTD, every action, idempotence, probes.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"

command -v ocf-tester >/dev/null || tap_skip_all "ocf-tester missing (apt-get install resource-agents)"
lab_start fiptest a
agent=/usr/lib/ocf/resource.d/twinhead/floatip

out=$(lab_exec a ocf-tester -n vip -o ip="${TWINHEAD_LAB_NET4:-10.213.0}.110" -o cidr_netmask=24 -o nic=eth0 $agent 2>&1)
rc=$?
tap_is "ocf-tester IPv4 exit code" $rc 0
tap_like "ocf-tester IPv4 verdict" "$out" "passed all tests"
[[ $rc == 0 ]] || tap_diag "$out"

out=$(lab_exec a ocf-tester -n vip6 -o ip="${TWINHEAD_LAB_NET6:-fd00:213:}:110" -o cidr_netmask=64 -o nic=eth0 $agent 2>&1)
rc=$?
tap_is "ocf-tester IPv6 exit code" $rc 0
tap_like "ocf-tester IPv6 verdict" "$out" "passed all tests"
[[ $rc == 0 ]] || tap_diag "$out"

# ocf-tester must be able to fail: a missing required parameter.
out=$(lab_exec a ocf-tester -n bad -o nic=eth0 $agent 2>&1)
tap_is "ocf-tester fails without ip" $? 1
tap_done
