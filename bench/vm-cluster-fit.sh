#!/bin/bash
# Do corosync and Pacemaker fit in the VM tier's guests (lab/vm)? Measured
# without changing lab/vm/build's package set (which would rebuild every
# engineer's userland): the host's own corosync, pacemaker and
# pacemaker-cli-utils, with every library they need that the guests'
# userland lacks, are packed into a cpio appended to base.cpio
# (TWINHEAD_VM_IMAGES). Heads a and b boot first without it, then with it;
# with it they form a two-node cluster (knet on the tier's segment, no
# crypto, two_node) and Pacemaker elects a DC.
#
#   bench/vm-cluster-fit.sh        (as root; the host needs corosync,
#                                   pacemaker and pacemaker-cli-utils, as
#                                   the namespace lab does)
#
# Prints: the extra cpio's size and packages; both boots' times and the
# qemu processes' RSS; in each guest, memory used (free) before corosync,
# after both daemons are up, and the daemons' RSS; the time from starting
# corosync and pacemakerd to crm_mon showing both nodes online with a DC.
# Asserts nothing. Numbers: lab/README.md ("corosync and Pacemaker in the
# guests").
set -euo pipefail
TH_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export TH_SRCDIR TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
export TWINHEAD_VM_NAME=vm${TWINHEAD_LAB_SUFFIX:-}cf
[[ $(id -u) == 0 ]] || { echo "run as root" >&2; exit 1; }
for p in corosync pacemaker pacemaker-cli-utils; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		{ echo "${0##*/}: $p is not installed on the host" >&2; exit 1; }
done
VM=$TH_SRCDIR/lab/vm/twinhead-vm
"$TH_SRCDIR/lab/vm/build" >/dev/null
BUILD=$("$TH_SRCDIR/lab/vm/build" --print-dir)
WORK=$(mktemp -d)
trap '"$VM" down >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

# The guest's packages, from base.cpio's dpkg status.
(cd "$WORK" && cpio -i --quiet --to-stdout '*var/lib/dpkg/status' <"$BUILD/base.cpio") >"$WORK/status"
mkdir -p "$WORK/dpkg" && cp "$WORK/status" "$WORK/dpkg/status"
dpkg-query --admindir="$WORK/dpkg" -W -f '${binary:Package}\n' | sed 's/:amd64$//' | sort -u >"$WORK/guest"
# The closure on the host, minus what the guest has.
apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
	--no-replaces --no-enhances corosync pacemaker pacemaker-cli-utils 2>/dev/null |
	grep -v '^ ' | grep -v '^<' | sort -u >"$WORK/closure"
dpkg-query -W -f '${db:Status-Abbrev} ${binary:Package}\n' | awk '$1 == "ii" { sub(/:amd64$/, "", $2); print $2 }' |
	sort -u >"$WORK/host"
comm -12 "$WORK/closure" "$WORK/host" | comm -23 - "$WORK/guest" >"$WORK/extra"
echo "packages added ($(wc -l <"$WORK/extra")): $(tr '\n' ' ' <"$WORK/extra")"
while read -r p; do dpkg -L "$p"; done <"$WORK/extra" | sort -u |
	while read -r f; do [[ -e $f || -L $f ]] && echo ".$f"; done | LC_ALL=C sort >"$WORK/files"
(cd / && cpio -o -H newc --quiet <"$WORK/files") >"$WORK/extra.cpio"
mkdir -p "$WORK/img"
ln -s "$BUILD/vmlinux" "$WORK/img/vmlinux"
cat "$BUILD/base.cpio" "$WORK/extra.cpio" >"$WORK/img/base.cpio"
echo "initramfs: base $(($(stat -c %s "$BUILD/base.cpio") >> 20)) MB, with corosync and Pacemaker $(($(stat -c %s "$WORK/img/base.cpio") >> 20)) MB"

used() { "$VM" run "$1" "free -m | awk '/^Mem:/ { print \$3 }'"; }
boot() { # boot IMAGES-DIR-or-empty: both heads; prints the boot line and RSS
	TWINHEAD_VM_IMAGES=$1 "$VM" up a b | grep ' up in '
	"$VM" status | sed 's/^/  /'
}
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== without: $(boot "")"
echo "  memory used in a: $(used a) MB"
"$VM" down >/dev/null
echo "== with: $(boot "$WORK/img")"

setup='getent group haclient >/dev/null || echo haclient:x:189: >>/etc/group
getent passwd hacluster >/dev/null || echo hacluster:x:189:189::/var/lib/pacemaker:/usr/sbin/nologin >>/etc/passwd
mkdir -p /var/lib/pacemaker/cib /var/lib/pacemaker/pengine /var/lib/pacemaker/blackbox /var/lib/pacemaker/cores \
	/var/log/pacemaker /var/lib/corosync /var/log/corosync /etc/corosync
chown -R hacluster:haclient /var/lib/pacemaker /var/log/pacemaker
cat >/etc/corosync/corosync.conf <<EOF
totem {
	version: 2
	cluster_name: vm
	transport: knet
	crypto_cipher: none
	crypto_hash: none
}
nodelist {
	node {
		ring0_addr: 10.214.0.11
		name: a
		nodeid: 1
	}
	node {
		ring0_addr: 10.214.0.12
		name: b
		nodeid: 2
	}
}
quorum {
	provider: corosync_votequorum
	two_node: 1
}
logging {
	to_logfile: yes
	logfile: /var/log/corosync/corosync.log
	to_syslog: no
	timestamp: hires
}
EOF'
declare -A before t0
for n in a b; do
	"$VM" run "$n" "$setup" >/dev/null
	before[$n]=$(used "$n")
	echo "  memory used in $n before corosync: ${before[$n]} MB"
done
for n in a b; do
	t0[$n]=$("$VM" run "$n" 'date +%s.%N; corosync && (PCMK_logfile=/var/log/pacemaker/pacemaker.log setsid pacemakerd </dev/null >/var/log/pacemaker/out 2>&1 &)' | head -1)
done
online='crm_mon -1 2>/dev/null | grep -q "Online: \[ a b \]" && crm_mon -1 | grep -q "Current DC: [ab]"'
end=$((SECONDS + 600))
until "$VM" run a "$online" >/dev/null 2>&1; do
	((SECONDS < end)) || { echo "no cluster within 600 s"; "$VM" run a 'crm_mon -1; tail -20 /var/log/pacemaker/pacemaker.log' || true; exit 1; }
	sleep 1
done
t1=$("$VM" run a 'date +%s.%N')
echo "  both nodes online with a DC $(awk -v a="${t0[a]}" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s after a's corosync started (a's clock; a control-channel round trip of polling included)"
sleep 10
for n in a b; do
	echo "  $n: memory used $(used "$n") MB (before corosync ${before[$n]} MB); daemons' RSS (MB):" \
		"$("$VM" run "$n" "ps -eo rss,comm | awk '/corosync|pacemaker/ { printf \"%s %.0f, \", \$2, \$1 / 1024; s += \$1 } END { printf \"total %.0f\", s / 1024 }'")"
done
"$VM" run a 'crm_mon -1 | head -8' | sed 's/^/  /'
"$VM" status | sed 's/^/  /'
