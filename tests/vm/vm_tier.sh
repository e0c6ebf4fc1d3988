#!/bin/bash
# The VM tier itself (lab/vm): two heads and a client boot Debian's kernel
# under qemu; the control channel runs commands and returns their output
# and status; the heads share one enclosure (a sector written by a is read
# by b, no host cache in between); the three are on one network; the
# project's binaries run in the guest userland; power loss kills a head
# and leaves the others running; a head boots again on the same disks.
# (OpenZFS in the guests: tests/vm/zpool_openzfs.sh.)
set -uo pipefail
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
export TH_SRCDIR TH_BUILDDIR
. "$TH_SRCDIR/tests/lib/tap.sh"
. "$TH_SRCDIR/tests/lib/vm.sh"

vm_require
vm_up a b client

tap_is "the control channel returns output" "$(vm_run a 'echo hello from $(hostname)')" "hello from a"
vm_run b 'exit 7'
tap_is "  and the exit status" $? 7
tap_is "  and binary-safe output" "$(vm_run a "printf 'x\\ty\\001z'" | od -An -c | tr -s ' ')" " x \\t y 001 z"
tap_like "the guests run Debian's 6.1 kernel" "$(vm_run client 'uname -r')" '^6\.1\.0-[0-9]+-amd64$'
tap_is "each head has its own hostid" "$(vm_run a 'hostid'),$(vm_run b 'hostid')" "a0a0a0a1,a0a0a0a2"

tap_check "softdog, LIO and the iSCSI initiator modules load" \
	vm_run a 'modprobe softdog && modprobe iscsi_target_mod && modprobe target_core_iblock && modprobe iscsi_tcp'

tap_check "the project's binaries run in the guest userland" \
	vm_run a 'twinhead-quorumd -h 2>&1 | grep -q "usage: twinhead-quorumd" && /usr/lib/ocf/resource.d/twinhead/zpool meta-data | grep -q "<resource-agent name=\"zpool\""'
missing=$(vm_run a 'for f in /usr/local/sbin/* /usr/lib/ocf/resource.d/twinhead/*; do ldd "$f" 2>/dev/null | grep "not found"; done')
tap_is "  with every library they link" "$missing" ""

tap_check "the heads see the enclosure" vm_run b 'test -b /dev/disk/by-id/virtio-encl0'
tap_check "the client does not" vm_run client '! test -e /dev/disk/by-id/virtio-encl0'
vm_run a 'echo "written by a $(date +%s%N)" | dd of=/dev/disk/by-id/virtio-encl0 bs=4096 count=1 conv=sync oflag=direct status=none' >/dev/null
got_a=$(vm_run a 'dd if=/dev/disk/by-id/virtio-encl0 bs=4096 count=1 iflag=direct status=none | head -1')
got_b=$(vm_run b 'dd if=/dev/disk/by-id/virtio-encl0 bs=4096 count=1 iflag=direct status=none | head -1')
tap_like "a sector a writes" "$got_a" '^written by a [0-9]+'
tap_is "  is what b reads (one shared disk, no cache)" "$got_b" "$got_a"

tap_check "a reaches b and the client" vm_run a 'ping -c1 -W5 10.214.0.12 >/dev/null && ping -c1 -W5 10.214.0.13 >/dev/null'

vm_poweroff a
tap_is "power loss: a's qemu is gone" "$("$VM_TOOL" status | awk '$1 == "a" { print $2 }')" off
tap_is "  b still runs" "$(vm_run b 'echo alive')" alive
tap_check "  and no longer reaches a" vm_run b '! ping -c1 -W2 10.214.0.11 >/dev/null'
vm_poweron a
got_a2=$(vm_run a 'dd if=/dev/disk/by-id/virtio-encl0 bs=4096 count=1 iflag=direct status=none | head -1')
tap_is "a boots again on the same disk" "$got_a2" "$got_a"
tap_diag "$("$VM_TOOL" status)"
tap_done
