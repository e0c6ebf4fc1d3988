#!/bin/bash
# Conformance: ocf-tester (resource-agents) passes against iscsitarget in a
# lab head with a real tgtd, and fails without iqn; then libiscsi's
# conformance suite, iscsi-test-cu, passes a subset of SCSI and iSCSI tests
# against a target the agent set up (write cache off). The subset leaves
# out what tgt is known not to do: persistent reservations (kept only in
# memory), GET LBA STATUS (1 of 3 fails), RESERVE(6) (1 of 7 fails) and
# DataSN checks; and the slow ones (iSCSIcmdsn, Verify: several seconds).
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/iscsi.sh"

iscsi_require
command -v ocf-tester >/dev/null || tap_skip_all "ocf-tester missing (apt-get install resource-agents)"
command -v iscsi-test-cu >/dev/null || tap_skip_all "iscsi-test-cu missing (apt-get install libiscsi-bin)"
lab_start isccu a client
NET=${TWINHEAD_LAB_NET4:-10.213.0}
A=$NET.11
IQN=iqn.2024-01.org.twinhead:cu
agent=/usr/lib/ocf/resource.d/twinhead/iscsitarget
tgtd_start a || tap_done
disk=$(shared_file cu.img 16M)

out=$(lab_exec a ocf-tester -n cu -o iqn=$IQN -o "luns=1:$disk" -o allowed_initiators=ALL \
	-o portals=$A:3260 $agent 2>&1)
rc=$?
tap_is "ocf-tester exit code" $rc 0
tap_like "ocf-tester verdict" "$out" "passed all tests"
[[ $rc == 0 ]] || tap_diag "$out"
tap_is "ocf-tester left tgtd empty" "$(tgt_targets a)" ""
out=$(lab_exec a ocf-tester -n bad -o "luns=1:$disk" $agent 2>&1)
tap_is "ocf-tester fails without iqn" $? 1

ITGT_PARAMS=(iqn=$IQN "luns=1:$disk" allowed_initiators=ALL portals=$A:3260)
itgt a start
tap_is "start the target for iscsi-test-cu" $? 0 || tap_diag "$(agent_reason)"
SUBSET=SCSI.Inquiry,SCSI.ReadCapacity10,SCSI.ReadCapacity16,SCSI.TestUnitReady
SUBSET+=,SCSI.Read10,SCSI.Write10,SCSI.Read16,SCSI.Write16,SCSI.ModeSense6,SCSI.Mandatory
SUBSET+=,SCSI.ReportSupportedOpcodes,SCSI.CompareAndWrite,SCSI.Unmap,SCSI.PreventAllow
SUBSET+=,SCSI.StartStopUnit,SCSI.WriteSame10,iSCSI.iSCSIResiduals,iSCSI.iSCSITMF
t0=$(date +%s%N)
out=$(lab_exec client timeout 120 iscsi-test-cu -d -s -t "$SUBSET" "iscsi://$A/$IQN/1" 2>&1)
rc=$?
t1=$(date +%s%N)
summary=$(grep -E '^ +tests +[0-9]' <<<"$out")
tap_is "iscsi-test-cu subset exit code" $rc 0
read -r _ total ran passed failed _ <<<"$summary"
tap_is "  every test ran and passed ($passed of $total)" "$ran $failed" "$total 0"
tap_like "  a real subset (more than 80 tests)" "$total" '^([89][0-9]|[1-9][0-9][0-9])$'
tap_diag "iscsi-test-cu: $summary in $(((t1 - t0) / 1000000)) ms"
[[ $rc == 0 ]] || tap_diag "$(grep -B2 -A4 FAILED <<<"$out" | head -40)"
itgt a monitor
tap_is "the target is still healthy after the suite" $? 0
itgt a stop
tap_is "stop" $? 0
tap_done
