#!/bin/bash
# Where iscsitarget implementation=lio's start spends its time on a real
# kernel (one VM-tier head, Debian's 6.1 LIO under TCG), per kind of
# configfs step.
#
#   bench/iscsitarget-lio-profile-vm.sh [LUNS] [ROUNDS]   (as root; 256, 3)
#
# - start and stop with LUNS fileio LUNs (files on a dataset, as
#   bench/iscsitarget-lio-vm.sh), ROUNDS times, bash's time (wall, user,
#   sys). If the build tree has agents/iscsitarget/iscsitarget.old (a copy
#   of an earlier build), it runs in alternation with the current one, so
#   the host's load falls on both alike.
# - one start and one stop under strace -f -T: the time inside each system call,
#   summed per kind of step: mkdir of a storage object, each attribute
#   written or read back (open + write or read + close, by the attribute's
#   name: start reads its result back as monitor does), links,
#   the worker's reports (sendto), the agent's waits (ppoll/poll/recvfrom:
#   they overlap the worker's steps).
#   strace slows every call down, so the shares matter, not the sums.
set -euo pipefail
TH_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export TH_SRCDIR TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
export TWINHEAD_LAB_SUFFIX=${TWINHEAD_LAB_SUFFIX:-}bp
VM=$TH_SRCDIR/lab/vm/twinhead-vm
N=${1:-256}
ROUNDS=${2:-3}
IQN=iqn.2026-12.org.twinhead:bench
PORTAL=10.214.0.11:3260
[[ $(id -u) == 0 ]] || { echo "run as root" >&2; exit 1; }
trap '$VM down >/dev/null 2>&1 || true' EXIT
$VM up --disk-mb 2048 a >/dev/null
run() { TWINHEAD_VM_TIMEOUT=3600 $VM run a "$1"; }
luns=$(for i in $(seq "$N"); do printf '%d:/tank/luns/f%d ' "$i" "$i"; done)
run "modprobe zfs && modprobe target_core_mod && modprobe target_core_file && modprobe iscsi_target_mod &&
zpool create -f -o cachefile=none -O mountpoint=/tank tank /dev/disk/by-id/virtio-encl0 && zfs create tank/luns &&
for i in \$(seq $N); do truncate -s 16M /tank/luns/f\$i; done" >/dev/null
OURS="export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=lio OCF_RESKEY_CRM_meta_timeout=120000 \
OCF_RESKEY_implementation=lio OCF_RESKEY_iqn=$IQN OCF_RESKEY_portals=$PORTAL OCF_RESKEY_allowed_initiators=ALL \
OCF_RESKEY_luns='$luns'"
D=/usr/lib/ocf/resource.d/twinhead
bins=(iscsitarget)
[[ -x $TH_BUILDDIR/agents/iscsitarget/iscsitarget.old ]] && bins+=(iscsitarget.old)
echo "== start / stop, $N LUNs, $ROUNDS rounds"
for _ in $(seq "$ROUNDS"); do
	for b in "${bins[@]}"; do
		run "$OURS; TIMEFORMAT='%R s wall, %U s user, %S s sys'
{ time $D/$b start >/tmp/o 2>&1 || { cat /tmp/o; exit 1; }; } 2>/tmp/t
echo $b start: \$(cat /tmp/t)
{ time $D/$b stop >/tmp/o 2>&1 || { cat /tmp/o; exit 1; }; } 2>/tmp/t
echo $b stop: \$(cat /tmp/t)"
	done
done
# The awk program that sums strace -T's times per kind of step (in the
# guest; quoted for the host's double quotes).
AGG="awk '
	function t(s) { sub(/.*</, \"\", s); sub(/>.*/, \"\", s); return s + 0 }
	# A call another process interrupted: its two halves joined.
	/<unfinished \\.\\.\\.>\$/ { p = \$0; sub(/ <unfinished \\.\\.\\.>\$/, \"\", p); pend[\$1] = p; next }
	/<\\.\\.\\. [a-z0-9_]+ resumed>/ { r = \$0; sub(/^.*resumed>/, \"\", r); \$0 = pend[\$1] r }
	/ = -?[0-9]+.*<[0-9.]+>\$/ {
		pid = \$1; call = \$2; sub(/\\(.*/, \"\", call); x = t(\$0)
		if (call == \"openat\" && \$0 ~ /config\\/target/) {
			path = \$0; sub(/^[^\"]*\"/, \"\", path); sub(/\".*/, \"\", path)
			fd = \$0; sub(/.*= /, \"\", fd); sub(/ .*/, \"\", fd)
			n = split(path, c, \"/\"); k = \"attribute \" c[n]
			if (\$0 ~ /O_DIRECTORY/) k = \"list a directory\"
			open[pid, fd] = k; sum[k] += x; cnt[k]++; next
		}
		if (call == \"write\" || call == \"close\") {
			fd = \$2; sub(/^[a-z]*\\(/, \"\", fd); sub(/[,)].*/, \"\", fd)
			if ((pid, fd) in open) { k = open[pid, fd]; sum[k] += x; if (call == \"close\") delete open[pid, fd]; next }
		}
		if (call == \"mkdir\" || call == \"mkdirat\") {
			k = \$0
			if (k ~ /core\\/[a-z]*_[0-9]*\\/lun[0-9]*\"/) k = \"mkdir storage object\"
			else if (k ~ /tpgt_[0-9]*\\/lun\\/lun_/) k = \"mkdir tpg lun\"
			else if (k ~ /alua\\//) k = \"mkdir alua group\"
			else k = \"mkdir other\"
			sum[k] += x; cnt[k]++; next
		}
		if (call ~ /symlink/) { k = \"symlink\"; sum[k] += x; cnt[k]++; next }
		if (call == \"rmdir\") {
			k = \$0
			if (k ~ /core\\/[a-z]*_[0-9]*\\/lun[0-9]*\"/) k = \"rmdir storage object\"
			else if (k ~ /tpgt_[0-9]*\\/lun\\/lun_/) k = \"rmdir tpg lun\"
			else k = \"rmdir other\"
			sum[k] += x; cnt[k]++; next
		}
		k = call; sum[k] += x; cnt[k]++
	}
	END { for (k in sum) { printf \"%8.3f s %6d  %s\\n\", sum[k], cnt[k], k; tot += sum[k] } printf \"%8.3f s total\\n\", tot }
' /tmp/st | sort -rn"
echo "== one start under strace -f -T: seconds inside system calls, per kind of step"
run "$OURS; strace -f -T -qq -o /tmp/st -e trace=mkdir,mkdirat,rmdir,openat,write,close,symlink,symlinkat,unlink,unlinkat,sendto,recvfrom,poll,ppoll,getppid \
$D/iscsitarget start >/tmp/o 2>&1 || { cat /tmp/o; exit 1; }
$AGG"
echo "== one stop under strace -f -T, the same way"
run "$OURS; strace -f -T -qq -o /tmp/st -e trace=mkdir,mkdirat,rmdir,openat,write,close,symlink,symlinkat,unlink,unlinkat,sendto,recvfrom,poll,ppoll,getppid \
$D/iscsitarget stop >/tmp/o 2>&1 || { cat /tmp/o; exit 1; }
$AGG"
