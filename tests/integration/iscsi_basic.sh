#!/bin/bash
# iscsitarget with real tgtd in both lab heads and a libiscsi client:
# probe, start (idempotent), monitor 0 and 10, discovery, READ CAPACITY,
# write cache off, data written and read back, the same target on both heads
# over the same backing files with byte-identical INQUIRY / VPD 0x80 / VPD
# 0x83, block size 4096, stop (idempotent) leaving tgtd as it was.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TH_SRCDIR/tests/lib/lab.sh"
. "$TH_SRCDIR/tests/lib/iscsi.sh"

iscsi_require
lab_start iscbasic a b client
NET=${TWINHEAD_LAB_NET4:-10.213.0}
A=$NET.11 B=$NET.12
IQN=iqn.2024-01.org.twinhead:basic
tgtd_start a || tap_done
tgtd_start b || tap_done
d1=$(shared_file d1.img 64M)
d2=$(shared_file d2.img 32M)
ITGT_PARAMS=(iqn=$IQN "luns=1:$d1 2:$d2" allowed_initiators=ALL)

empty_a=$(tgt_targets a)
itgt a monitor portals=$A:3260
tap_is "probe before start: not running" $? 7
itgt a start portals=$A:3260
rc=$?
tap_is "start on a" $rc 0 || tap_diag "$(agent_reason)"
itgt a monitor portals=$A:3260
tap_is "monitor depth 0" $? 0
tap_unlike "  asked tgtd over its socket, no tgtadm fallback" "$(cat "$AGENT_ERR")" "asked tgtadm instead"
out=$(lab_exec a strace -f -qq -e trace=clone,clone3,fork,vfork -o /dev/stdout \
	env -i "OCF_RESKEY_iqn=$IQN" "OCF_RESKEY_luns=1:$d1 2:$d2" OCF_RESKEY_allowed_initiators=ALL \
	/usr/lib/ocf/resource.d/twinhead/iscsitarget monitor 2>/dev/null)
tap_is "  forking no process" "$(grep -cE 'clone|fork' <<<"$out")" 0
AGENT_ENV=(OCF_CHECK_LEVEL=10 OCF_RESKEY_CRM_meta_interval=60000)
itgt a monitor portals=$A:3260
tap_is "monitor depth 10 (an iSCSI login on the portal)" $? 0 || tap_diag "$(agent_reason)"
AGENT_ENV=()
before=$(tgt_targets a)
itgt a start portals=$A:3260
tap_is "second start is a success" $? 0
tap_is "  and changes nothing in tgtd" "$(tgt_targets a)" "$before"

tap_like "discovery lists the target" "$(lab_exec client iscsi-ls "iscsi://$A")" "Target:$IQN Portal:$A:3260"
tap_is "READ CAPACITY of LUN 1 (64 MiB)" "$(client -- "$A" $IQN 1 capacity)" \
	"lba=131071 block_size=512 bytes=67108864"
tap_is "READ CAPACITY of LUN 2 (32 MiB)" "$(client -- "$A" $IQN 2 capacity)" \
	"lba=65535 block_size=512 bytes=33554432"
tap_is "write cache is off (MODE SENSE caching page WCE=0)" "$(client -- "$A" $IQN 1 wce)" "wce=0"
tap_is "write 500 sequence-numbered blocks to LUN 1" "$(client -- "$A" $IQN 1 write 0 500 1)" "wrote 500"
tap_is "read them back: every byte matches" "$(client -- "$A" $IQN 1 verify 0 500 1)" "verified 500"
out=$(client -- "$A" $IQN 1 verify 0 500 2 2>&1)
tap_like "a wrong generation is detected (the check can fail)" "$out" "generation 1, expected 2"

# The same target on head b, over the same files: what an initiator sees
# after a failover.
itgt b start portals=$B:3260
tap_is "start the same target on b" $? 0 || tap_diag "$(agent_reason)"
tap_is "b uses the same tid" "$(tgt_targets b | head -1)" "$(tgt_targets a | head -1)"
for lun in 1 2; do
	ia=$(client -- "$A" $IQN $lun inquiry)
	ib=$(client -- "$B" $IQN $lun inquiry)
	tap_is "LUN $lun: INQUIRY, VPD 0x80 and VPD 0x83 byte-identical from a and b" "$ib" "$ia"
	tap_like "  standard INQUIRY says TWINHEAD VDISK 0001" "$ia" \
		"std [0-9a-f]{16}5457494e48454144564449534b202020202020202020202030303031"
done
# The identity is the documented derivation: SHA-256(iqn NUL lun).
want=$(printf '%s\0%s' $IQN 1 | sha256sum | cut -c1-48)
id=${want:0:32} sn=${want:32:16}
vpd80=$(client -- "$A" $IQN 1 inquiry | sed -n 's/^vpd80 //p')
vpd83=$(client -- "$A" $IQN 1 inquiry | sed -n 's/^vpd83 //p')
tap_like "VPD 0x80 ends with the derived serial $sn" "$vpd80" "$(printf '%s' "$sn" | od -An -tx1 | tr -d ' \n')\$"
tap_like "VPD 0x83 carries the derived device id $id (T10 and NAA 6)" "$vpd83" \
	"$(printf '%s' "$id" | od -An -tx1 | tr -d ' \n').*6${id:1}"
tap_is "data written through a reads back through b" "$(client -- "$B" $IQN 1 verify 0 500 1)" "verified 500"

# Block size 4096, on b only.
d3=$(shared_file d3.img 16M)
agent_run b iscsitarget start iqn=$IQN:bs4k "luns=1:$d3" allowed_initiators=ALL block_size=4096
tap_is "start a target with block_size=4096" $? 0 || tap_diag "$(agent_reason)"
tap_is "  READ CAPACITY reports 4096-byte blocks" "$(client -- "$B" $IQN:bs4k 1 capacity)" \
	"lba=4095 block_size=4096 bytes=16777216"
agent_run b iscsitarget stop iqn=$IQN:bs4k "luns=1:$d3" allowed_initiators=ALL block_size=4096
tap_is "  and stop it" $? 0

itgt b stop portals=$B:3260
tap_is "stop on b" $? 0
itgt a stop portals=$A:3260
tap_is "stop on a" $? 0
itgt a monitor portals=$A:3260
tap_is "monitor after stop: not running" $? 7
itgt a stop portals=$A:3260
tap_is "second stop is a success" $? 0
tap_is "tgtd on a is as before start" "$(tgt_targets a)" "$empty_a"
tap_is "tgtd on b has no target" "$(tgt_targets b)" ""
tap_done
