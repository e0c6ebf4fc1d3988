#!/bin/bash
# Pacemaker's own view: crm_resource --validate runs floatip's validate-all
# from the OCF directory inside a lab head, and passes or fails as it should.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"

command -v crm_resource >/dev/null || tap_skip_all "crm_resource missing (apt-get install pacemaker-cli-utils)"
lab_start fipcrm a
v() { lab_exec a crm_resource --validate --class ocf --provider twinhead --agent floatip "$@" 2>&1; }

out=$(v --option ip=10.213.0.120 --option cidr_netmask=24 --option nic=eth0)
tap_is "valid configuration passes" $? 0
out=$(v --option ip=10.213.0.120)
tap_is "ip alone passes (nic from the route)" $? 0
out=$(v --option ip=10.213.0.999 --option nic=eth0)
tap_isnt "malformed ip fails" $? 0
tap_like "  with the agent's reason" "$out" "not an IPv4 or IPv6 address"
out=$(v --option ip=10.213.0.120 --option nic=nosuch0)
tap_isnt "missing nic fails" $? 0
tap_like "  with the agent's reason" "$out" "nosuch0 does not exist"
out=$(v --option ip=192.168.250.1)
tap_isnt "address outside every connected route, no nic, fails" $? 0
tap_like "  with the agent's reason" "$out" "set nic"
out=$(v --option cidr_netmask=24)
tap_isnt "missing ip fails" $? 0
tap_done
