#!/bin/bash
# ocf:twinhead:zpool on real OpenZFS (Debian's zfs 2.1 in the kernel), two
# heads sharing an enclosure of two disks:
#  - start on the standby works for a pool its peer created after the
#    standby booted (the agent re-reads partition tables, settles udev);
#  - import -N and cachefile=none;
#  - multihost=on with distinct hostids: while the peer lives, start
#    refuses even with force=always and names the host; after the peer's
#    power loss, start imports once the activity check passes (timed);
#  - monitor reads the state kstat and runs nothing for an ONLINE pool;
#    a DEGRADED pool returns 190;
#  - a frozen zpool (SIGSTOPped) fails start and monitor within the
#    deadline;
#  - a busy export is retried and names the holder.
# VM_MMP_INTERVAL_MS (default 100) sets zfs_multihost_interval on both
# heads. bench/vm-mmp.sh measures refusal and import at 100, 200 and 1000
# ms over several runs (docs/failover.md).
set -uo pipefail
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
export TH_SRCDIR TH_BUILDDIR
. "$TH_SRCDIR/tests/lib/tap.sh"
. "$TH_SRCDIR/tests/lib/vm.sh"

MMP_MS=${VM_MMP_INTERVAL_MS:-100}
# The activity check's bound (zpool_mmp.h) at MMP_MS with the default
# import_intervals=20, fail_intervals=10, twice, plus 60 s for TCG on a loaded host.
START_TIMEOUT_MS=$(((MMP_MS * 20 * 5 / 4) * 2 + 60000))
AGENT=/usr/lib/ocf/resource.d/twinhead/zpool

vm_require
vm_up --disks 2 a b

# agent NODE ACTION [ENV=VALUE...]: the zpool agent for pool tank in NODE,
# timed inside the guest; prints its output, then "ms=N" last.
agent() {
	local node=$1 action=$2
	shift 2
	vm_run "$node" "export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=tank OCF_RESKEY_pool=tank \
OCF_RESKEY_CRM_meta_timeout=$START_TIMEOUT_MS $*
t0=\$(date +%s%N); $AGENT $action 2>&1; rc=\$?
echo ms=\$(( (\$(date +%s%N) - t0) / 1000000 )); exit \$rc"
}
ms_of() { sed -n 's/^ms=//p' <<<"$1"; }

for n in a b; do
	vm_ok "OpenZFS loads in $n" "$n" "modprobe zfs && echo $MMP_MS >/sys/module/zfs/parameters/zfs_multihost_interval"
done
tap_like "  zpool is OpenZFS's" "$(vm_run a 'zpool version 2>&1 | head -1')" '^zfs(utils)?-2\.'
vm_ok "a creates a multihost mirror on the enclosure, b booted before" a \
	'zpool create -f -o multihost=on -o cachefile=none -O mountpoint=/tank tank mirror \
	/dev/disk/by-id/virtio-encl0 /dev/disk/by-id/virtio-encl1 && zfs create tank/luns && zpool export tank'
tap_like "b's kernel has not seen the new partitions: a bare zpool import finds nothing" \
	"$(vm_run b 'zpool import 2>&1')" "no pools available"

out=$(agent b start OCF_RESKEY_mount=false)
tap_is "start on the standby b" $? 0 || tap_diag "$out"
tap_like "  after re-reading the partition tables" "$out" "re-read the partition tables of [0-9]+ disks"
tap_is "  import -N: nothing mounted" "$(vm_run b 'zfs get -H -o value mounted tank tank/luns | sort -u')" no
tap_is "  cachefile=none" "$(vm_run b 'zpool get -H -o value cachefile tank')" none
tap_check "  and no cache file written" vm_run b 'test ! -e /etc/zfs/zpool.cache'

out=$(agent a start OCF_RESKEY_force=always)
tap_is "while b lives, start on a fails even with force=always" $? 1
tap_like "  multihost names the host that has the pool" "$out" "imported right now by host 'b'"
tap_diag "MMP refusal at ${MMP_MS} ms: $(ms_of "$out") ms"
tap_is "  b still has it" "$(vm_run b 'zpool list -H -o name')" tank

vm_poweroff b
out=$(agent a start OCF_RESKEY_force=always OCF_RESKEY_mount=false)
tap_is "after b's power loss, start on a imports" $? 0 || tap_diag "$out"
tap_diag "MMP import after power loss at ${MMP_MS} ms: $(ms_of "$out") ms (start timeout $START_TIMEOUT_MS ms)"
tap_like "  with -f at once: one activity check, not a refused import and a second one" \
	"$out" "importing tank with -f at once"
[[ -n ${VM_RESULTS:-} ]] && echo "mmp interval_ms=$MMP_MS import_ms=$(ms_of "$out")" >>"$VM_RESULTS"

# monitor: the kstat answers for an ONLINE pool; nothing is executed.
out=$(agent a monitor)
tap_is "monitor on a: running" $? 0 || tap_diag "$out"
execs=$(vm_run a "cd /tmp && OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=tank OCF_RESKEY_pool=tank \
strace -f -qq -e trace=execve -o /tmp/monitor.strace $AGENT monitor >/dev/null 2>&1; grep -c execve /tmp/monitor.strace")
tap_is "  it executes nothing but itself (read the kstat)" "$execs" 1
# The second leg by its path in the pool (the import after the power loss
# may have named it by partition label, by-id or /dev/vdb1).
leg=$(vm_run a 'want=$(readlink -f /dev/disk/by-id/virtio-encl1-part1)
for p in $(zpool status -P tank | grep -o "/dev/[^ ]*"); do [ "$(readlink -f "$p")" = "$want" ] && echo "$p"; done')
vm_ok "  a leg of the mirror taken offline ($leg)" a "zpool offline tank '$leg'"
out=$(agent a monitor)
tap_is "a DEGRADED pool: monitor returns 190" $? 190
tap_like "  and says why" "$out" "DEGRADED"
vm_ok "  the leg back online" a "zpool online tank '$leg' && zpool wait -t resilver tank"

# A frozen zpool: a wrapper that stops itself before it runs zpool.
vm_run a 'printf "#!/bin/sh\nkill -STOP \$\$\nexec /sbin/zpool \"\$@\"\n" >/tmp/zpool-frozen; chmod +x /tmp/zpool-frozen'
FROZEN_MS=10000
for action in monitor start; do
	out=$(vm_run a "export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=tank OCF_RESKEY_pool=tank \
OCF_RESKEY_CRM_meta_timeout=$FROZEN_MS TWINHEAD_TOOL_ZPOOL=/tmp/zpool-frozen
t0=\$(date +%s%N); timeout -s KILL $((FROZEN_MS * 3 / 2000)) $AGENT $action 2>&1; rc=\$?
echo ms=\$(( (\$(date +%s%N) - t0) / 1000000 )); exit \$rc")
	tap_is "frozen zpool: $action fails (not killed at 1.5x its $FROZEN_MS ms timeout)" $? 1
	tap_like "  saying ZFS is hung" "$out" "did not answer"
	tap_diag "  frozen $action returned after $(ms_of "$out") ms"
done
tap_is "  no zpool left stopped" "$(vm_run a 'pgrep -f zpool-frozen')" ""

# A busy export.
out=$(agent a stop)
tap_is "stop on a" $? 0 || tap_diag "$out"
out=$(agent a start)
tap_is "start with mount=true" $? 0 || tap_diag "$out"
# One process holds the dataset: the subshell execs setsid, which execs
# sleep (a backgrounded `cd ... && sleep` would leave the waiting subshell
# holding the directory too, and the agent rightly names it).
vm_run a '(cd /tank/luns && exec setsid sleep 600) </dev/null >/dev/null 2>&1 &' >/dev/null
# pgrep -x sleep would also find PID 1's own sleep (lab/vm/init).
holder=$(vm_run a "pgrep -f '^sleep 600$'")
out=$(agent a stop OCF_RESKEY_busy_retries=2)
tap_is "stop of a busy pool fails" $? 1
tap_like "  naming the holder" "$out" "held by sleep\[$holder\]"
tap_is "  after 2 retries" "$(grep -c 'is busy.*retrying' <<<"$out")" 2
out=$(agent a stop OCF_RESKEY_export_force=true OCF_RESKEY_busy_retries=0)
tap_is "stop with export_force=true" $? 0 || tap_diag "$out"
tap_is "  the pool is exported (zpool list -H prints nothing)" "$(vm_run a 'zpool list -H -o name 2>&1')" ""
tap_is "  the holder was stopped" "$(vm_run a "pgrep -f '^sleep 600$'")" ""
tap_done
