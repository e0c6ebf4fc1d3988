#!/bin/bash
# ocf-tester (resource-agents) against zpool on a real pool in a lab head:
# meta-data against the DTD, every action, idempotence, probes. Also
# crm_resource --validate, and ocf-tester failing without pool.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/zfs.sh"

command -v ocf-tester >/dev/null || tap_skip_all "ocf-tester missing (apt-get install resource-agents)"
zfs_lab_start zpocf a
zfs_pool_create a tank 64 d0 d1 || tap_diag "pool creation failed"
agent=/usr/lib/ocf/resource.d/twinhead/zpool

out=$(lab_exec a ocf-tester -n tank -o pool=tank -o "search_dirs=$(zfs_disks)" $agent 2>&1)
rc=$?
tap_is "ocf-tester exit code" $rc 0
tap_like "ocf-tester verdict" "$out" "passed all tests"
[[ $rc == 0 ]] || tap_diag "$out"
tap_is "ocf-tester left the pool exported" "$(zp_imported a)" ""

out=$(lab_exec a ocf-tester -n tank -o pool=tank -o "search_dirs=$(zfs_disks)" -o mount=false \
	-o force=never -o export_force=true $agent 2>&1)
tap_is "ocf-tester with mount=false force=never export_force=true" $? 0
[[ $out == *"passed all tests"* ]] || tap_diag "$out"

out=$(lab_exec a ocf-tester -n bad -o "search_dirs=$(zfs_disks)" $agent 2>&1)
tap_is "ocf-tester fails without pool" $? 1

if command -v crm_resource >/dev/null; then
	out=$(lab_exec a crm_resource --validate --class ocf --provider twinhead --agent zpool \
		--option pool=tank --option "search_dirs=$(zfs_disks)" 2>&1)
	tap_is "crm_resource --validate passes" $? 0 || tap_diag "$out"
	out=$(lab_exec a crm_resource --validate --class ocf --provider twinhead --agent zpool \
		--option pool=mirror0 2>&1)
	tap_isnt "crm_resource --validate refuses pool=mirror0" $? 0
	tap_like "  with the reason" "$out" "reserved"
fi
tap_done
