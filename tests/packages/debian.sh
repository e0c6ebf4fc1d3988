#!/bin/bash
# The Debian packages as an admin gets them: built by dpkg-buildpackage from
# what the tarball ships (make debs), checked by lintian, installed with dpkg
# into a fresh root that has no build tree, used there (crm_resource, pcs,
# systemd-analyze, the daemon under systemd's notification protocol), used by
# the lab's drill (lab/drill --installed), purged, and nothing left behind.
#
# The fresh root: the host's /usr, /etc and /var as overlays (the host
# never changes: every write lands in an upper directory of this test),
# fresh /tmp and /run, no /work, /root or /home, in a mount namespace of
# its own (unshare -m). The host's installed packages (Pacemaker, pcs, the
# libraries) are the root's, so dpkg checks the packages' Depends against a
# real system; the upper directories are exactly what dpkg changed, which
# is what makes "nothing left behind" checkable.
#
# Needs root (mounts, dpkg), dpkg-buildpackage, debhelper and lintian.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

((EUID == 0)) || tap_skip_all "needs root (mounts and dpkg in a private mount namespace)"
for t in dpkg-buildpackage dh lintian unshare systemd-analyze crm_resource pcs python3 setpriv; do
	command -v "$t" >/dev/null || tap_skip_all "$t not found (./quickstart installs it)"
done

# Inside the private mount namespace: the same script, one phase.
# Its TAP lines continue the parent's numbering (run_phase).
if [[ ${1:-} == --in-namespace ]]; then
	phase=$2
	work=$3
	TAP_N=$4
	root=$work/root
	# mount_root: the fresh root at $root.
	mkdir -p "$root"
	for d in usr etc var; do
		mkdir -p "$work/upper/$d" "$work/ovl/$d" "$root/$d"
		mount -t overlay "th-pkg-$d" \
			-o "lowerdir=/$d,upperdir=$work/upper/$d,workdir=$work/ovl/$d" "$root/$d"
	done
	# Merged /usr: /bin, /sbin, /lib* are links into usr, as on the host.
	for l in /bin /sbin /lib /lib32 /lib64 /libx32; do
		if [[ -L $l && ! -e $root$l ]]; then ln -s "$(readlink "$l")" "$root$l"; fi
	done
	mkdir -p "$root/proc" "$root/dev" "$root/sys" "$root/tmp" "$root/run" "$root/root"
	mount -t proc proc "$root/proc"
	mount --rbind /dev "$root/dev"
	mount --rbind /sys "$root/sys"
	mount -t tmpfs tmpfs "$root/tmp"
	mount -t tmpfs tmpfs "$root/run"
	in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
	case $phase in
	install) . "$TH_SRCDIR/tests/packages/debian_install.sh" ;;
	purge) . "$TH_SRCDIR/tests/packages/debian_purge.sh" ;;
	esac
	exit 0
fi

# run_phase PHASE: that phase in a private mount namespace; its TAP lines
# count here.
run_phase() {
	local out
	out=$(unshare -m --propagation private "$0" --in-namespace "$1" "$work" "$TAP_N" 2>&1)
	printf '%s\n' "$out"
	TAP_N=$((TAP_N + $(grep -cE '^(not )?ok [0-9]+' <<<"$out")))
	TAP_FAILED=$((TAP_FAILED + $(grep -cE '^not ok [0-9]+' <<<"$out")))
	grep -q '^ok [0-9]' <<<"$out" || tap_not_ok "the $1 phase ran" "$(tail -n 20 <<<"$out")"
}

mkdir -p "$TH_BUILDDIR/tests/packages"
work=$(mktemp -d "$TH_BUILDDIR/tests/packages/debian.XXXXXX")
cleanup() {
	[[ -n ${KEEP_WORK:-} ]] || rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# --- build --------------------------------------------------------------------------
# nocheck: the unit tests already ran in this suite; noddebs: no -dbgsym
# packages (they are built by a plain dpkg-buildpackage).
t0=${EPOCHREALTIME/[.,]/}
if [[ -n ${TWINHEAD_DEBS_DIR:-} ]]; then
	# For working on this test: packages built before (make debs DEBS_DIR=...).
	mkdir -p "$work/debs"
	cp "$TWINHEAD_DEBS_DIR"/*.deb "$TWINHEAD_DEBS_DIR"/*.changes "$TWINHEAD_DEBS_DIR"/*.buildinfo "$work/debs/"
	tap_diag "packages from TWINHEAD_DEBS_DIR=$TWINHEAD_DEBS_DIR, not built"
elif ! out=$(DEB_BUILD_OPTIONS="nocheck noddebs parallel=$(nproc)" \
	make -C "$TH_BUILDDIR" debs DEBS_DIR="$work/debs" 2>&1); then
	tap_not_ok "make debs builds the packages" "$(tail -n 30 <<<"$out")"
	tap_done
else
	tap_diag "make debs: $(((${EPOCHREALTIME/[.,]/} - t0) / 1000000)) s"
fi
names=$(for d in "$work"/debs/*.deb; do dpkg-deb -f "$d" Package; done | grep -v -- -dbgsym | sort | tr '\n' ' ')
tap_is "two packages: twinhead-agents and twinhead-quorumd" "$names" "twinhead-agents twinhead-quorumd "
deb_of() { echo "$work"/debs/"$1"_*.deb; }
for p in twinhead-agents twinhead-quorumd; do
	tap_diag "$p: Installed-Size $(dpkg-deb -f "$(deb_of $p)" Installed-Size) KiB," \
		"$(stat -c %s "$(deb_of $p)") bytes packed"
done

# What goes where (the brief's split).
contents() { dpkg-deb -c "$(deb_of "$1")" | awk '{print $6}' | sed 's|^\./|/|'; }
agents=$(contents twinhead-agents)
quorumd=$(contents twinhead-quorumd)
for a in floatip zpool iscsitarget ctlha; do
	tap_like "twinhead-agents has ocf:twinhead:$a and its man page" "$agents" \
		"/usr/lib/ocf/resource.d/twinhead/$a"$'\n'".*/usr/share/man/man7/ocf_twinhead_$a.7.gz"
done
tap_like "twinhead-agents has the examples" "$agents" \
	"/usr/share/doc/twinhead-agents/examples/active-passive/cluster.crm"
for f in /usr/sbin/twinhead-quorumd /usr/sbin/twinhead-qdisk /usr/sbin/twinhead-fence \
	/usr/share/man/man8/twinhead-quorumd.8.gz /usr/share/man/man5/quorumd.conf.5.gz \
	/lib/systemd/system/twinhead-quorumd.service \
	/usr/share/doc/twinhead-quorumd/examples/standalone.conf \
	/usr/sbin/fence_twinhead /usr/share/man/man8/fence_twinhead.8.gz; do
	tap_is "twinhead-quorumd has $f" "$(grep -Fx -- "$f" <<<"$quorumd")" "$f"
done
# Every program the build installs into sbin is in the package.
for prog in "$TH_BUILDDIR"/quorumd/twinhead-* "$TH_BUILDDIR"/fence/twinhead-* "$TH_BUILDDIR"/fence/fence_twinhead; do
	[[ -x $prog && -f $prog ]] || continue
	tap_like "twinhead-quorumd has ${prog##*/}" "$quorumd" "/usr/sbin/${prog##*/}"
done

# --- dependencies -----------------------------------------------------------------
# What the binaries dlopen() (config.h's sonames) must be a dependency: the
# package that owns each library, from the host's dpkg database.
owner() {
	local so pc=$2
	so=$(sed -n "s/^#define $1 \"\\(.*\\)\"\$/\\1/p" "$TH_BUILDDIR/config.h")
	dpkg-query -S "$(pkg-config --variable=libdir "$pc")/$so" | sed -n '1s/:.*//p'
}
a_dep=$(dpkg-deb -f "$(deb_of twinhead-agents)" Depends)
q_dep=$(dpkg-deb -f "$(deb_of twinhead-quorumd)" Depends)
for lib in LIBQB_SONAME:libqb LIBXML2_SONAME:libxml-2.0; do
	o=$(owner "${lib%%:*}" "${lib#*:}")
	tap_like "twinhead-agents depends on $o (${lib%%:*}, dlopen)" "$a_dep" "(^|, )$o( |,|$)"
done
for lib in LIBQB_SONAME:libqb LIBFREEIPMI_SONAME:libfreeipmi; do
	o=$(owner "${lib%%:*}" "${lib#*:}")
	tap_like "twinhead-quorumd depends on $o (${lib%%:*}, dlopen)" "$q_dep" "(^|, )$o( |,|$)"
done
tap_like "twinhead-quorumd depends on libvotequorum (linked)" "$q_dep" "libvotequorum"
tap_like "twinhead-agents recommends pacemaker-cli-utils (zpool force=fenced reads the CIB)" \
	"$(dpkg-deb -f "$(deb_of twinhead-agents)" Recommends)" "pacemaker-cli-utils"
tap_like "twinhead-quorumd recommends pacemaker-cli-utils (attrd_updater)" \
	"$(dpkg-deb -f "$(deb_of twinhead-quorumd)" Recommends)" "pacemaker-cli-utils"

# --- lintian ----------------------------------------------------------------------------
out=$(lintian --fail-on error --suppress-tags initial-upload-closes-no-bugs \
	"$work"/debs/*.changes 2>&1)
rc=$?
tap_is "lintian: no errors" "$rc" 0
tap_diag "lintian (initial-upload-closes-no-bugs suppressed: not an archive upload):" \
	"$(grep -v 'running with root' <<<"$out" || true)"
tap_is "  and no warnings" "$(grep '^W: ' <<<"$out")" ""

# --- install, use -----------------------------------------------------------------------
run_phase install

# --- the drill on the installed packages ------------------------------------------------
# The upper directory of the install holds exactly the installed files;
# the lab's heads see it laid over their /usr (lab/node-boot).
if [[ -n ${TWINHEAD_PKG_NO_DRILL:-} ]]; then
	tap_diag "drill not run (TWINHEAD_PKG_NO_DRILL)"
elif [[ -x $TH_BUILDDIR/tests/tools/iscsi-client ]]; then
	export TWINHEAD_LAB_SUFFIX=${TWINHEAD_LAB_SUFFIX:-}
	drill_log=$work/drill.log
	if "$TH_SRCDIR/lab/drill" -n "pkg${TWINHEAD_LAB_SUFFIX}" --installed "$work/upper" >"$drill_log" 2>&1; then
		tap_ok "lab/drill --installed: failover on the installed packages"
		tap_diag "$(grep -E 'run twinhead as installed|first write after|summary' -A0 "$drill_log")"
	else
		tap_not_ok "lab/drill --installed: failover on the installed packages" "$(tail -n 40 "$drill_log")"
	fi
	tap_like "  the heads ran the installed daemon and agents" "$(cat "$drill_log")" \
		"the heads run twinhead as installed under $work/upper"
else
	tap_not_ok "lab/drill --installed" "tests/tools/iscsi-client is not built (make check builds it)"
fi

# --- purge ---------------------------------------------------------------------------------
run_phase purge
tap_done
