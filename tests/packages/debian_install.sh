# tests/packages/debian.sh, phase "install" (sourced in the private mount
# namespace, with $root the fresh root, $work the test's directory and
# in_root CMD... running CMD chrooted there).
# shellcheck shell=bash

tap_is "the fresh root has no build tree" "$(ls -d "$root$TH_BUILDDIR" "$root/work" 2>/dev/null)" ""
tap_is "  and no twinhead installed" \
	"$(find "$root"/usr/lib/ocf/resource.d/twinhead "$root"/usr/sbin/twinhead-* \
		"$root"/usr/sbin/fence_twinhead ! -type d 2>/dev/null)" ""

mkdir -p "$root/tmp/debs"
cp "$work"/debs/*.deb "$root/tmp/debs/"
# (The names as the root sees them: the glob is expanded here.)
tap_check "dpkg -i installs both packages (their Depends are met)" \
	in_root dpkg -i $(cd "$root/tmp/debs" && printf '/tmp/debs/%s ' twinhead-agents_*.deb twinhead-quorumd_*.deb)
tap_is "  both are installed" \
	"$(in_root dpkg-query -W -f '${Package} ${Status}\n' twinhead-agents twinhead-quorumd)" \
	"twinhead-agents install ok installed"$'\n'"twinhead-quorumd install ok installed"

out=$(in_root crm_resource --show-metadata ocf:twinhead:zpool 2>&1)
tap_like "crm_resource --show-metadata ocf:twinhead:zpool" "$out" '<resource-agent name="zpool"'
tap_like "  with its parameters" "$out" '<parameter name="pool"'
out=$(in_root pcs resource describe ocf:twinhead:floatip 2>&1)
tap_like "pcs resource describe ocf:twinhead:floatip" "$out" "^ocf:twinhead:floatip - "
tap_like "  lists the ip parameter" "$out" $'\nResource options:\n  ip \\(required\\)'
tap_like "man ocf_twinhead_zpool finds the installed page" \
	"$(in_root man -w ocf_twinhead_zpool 2>&1)" "/usr/share/man/man7/ocf_twinhead_zpool.7.gz"

# --- the unit -------------------------------------------------------------------------------
unit=/lib/systemd/system/twinhead-quorumd.service
tap_check "systemd-analyze verify $unit" in_root systemd-analyze verify "$unit"
out=$(in_root systemd-analyze security --offline=yes "$unit" 2>&1)
score=$(sed -n 's/^→ Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p' <<<"$out")
tap_diag "systemd-analyze security: $(grep 'Overall exposure' <<<"$out")"
tap_like "systemd-analyze security: exposure 2.5 or lower" "$score" '^(0\.[0-9]|1\.[0-9]|2\.[0-5])$'
tap_like "  no capability at all" "$out" "✓ CapabilityBoundingSet=~CAP_SYS_ADMIN"
# The standalone drop-in (docs/install.md) lifts the hardening; it must
# still load.
dropin=$root/etc/systemd/system/twinhead-quorumd.service.d
mkdir -p "$dropin"
cp "$root/usr/share/doc/twinhead-quorumd/examples/standalone.conf" "$dropin/"
tap_check "systemd-analyze verify with the standalone drop-in" \
	in_root systemd-analyze verify twinhead-quorumd.service
out=$(in_root systemd-analyze security --offline=yes twinhead-quorumd.service 2>&1)
tap_diag "  with it: $(grep 'Overall exposure' <<<"$out")"
rm -rf "$root/etc/systemd/system/twinhead-quorumd.service.d"

# --- the installed daemon under the notification protocol ---------------------------------
# systemd cannot run here (it is not PID 1): a datagram socket stands in
# for its NOTIFY_SOCKET, WATCHDOG_USEC=1 s asks for a watchdog shorter than a
# tick may take, and setpriv empties the bounding set as the unit's
# CapabilityBoundingSet= does (EMULATION of those two unit settings).
truncate -s 1M "$root/tmp/qd.img"
in_root twinhead-qdisk create /tmp/qd.img --cluster pkgtest >/dev/null
# A BMC nobody answers for: the lone daemon's fence of its never-seen peer
# fails (logged), and its ticks go on.
echo secret >"$root/tmp/bmc.pw"
chmod 0600 "$root/tmp/bmc.pw"
cat >"$root/tmp/quorumd.conf" <<CONF
cluster = pkgtest
node_id = 1
disk = /tmp/qd.img
interval_ms = 500
timeout_ms = 2000
fence_timeout_ms = 4000
fence = ipmi
fence_host = 127.0.0.1
fence_user = admin
fence_password_file = /tmp/bmc.pw
CONF
# /run/twinhead: what the unit's RuntimeDirectory= creates.
mkdir -p "$root/run/twinhead"
python3 - "$root/run/notify.sock" "$root/tmp/notify.log" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(1.0)
end = time.monotonic() + 120
with open(sys.argv[2], "w", buffering=1) as log:
    while time.monotonic() < end:
        try:
            m = s.recv(4096).decode()
        except socket.timeout:
            continue
        log.write(m.replace("\n", "|") + "\n")
        if "STOPPING=1" in m:
            break
PY
listener=$!
for _ in $(seq 50); do [[ -S $root/run/notify.sock ]] && break; sleep 0.1; done
# (The disk image is on the root's tmpfs /tmp, which may refuse O_DIRECT.)
chroot "$root" env -i PATH=/usr/sbin:/usr/bin NOTIFY_SOCKET=/run/notify.sock WATCHDOG_USEC=1000000 \
	TWINHEAD_TEST_NO_DIRECT=1 \
	setpriv --bounding-set=-all --inh-caps=-all --no-new-privs \
	/usr/sbin/twinhead-quorumd -c /tmp/quorumd.conf 2>"$root/tmp/quorumd.err" &
qd=$!
# Three ticks after READY: with interval 500 ms, a few seconds; the bound
# is generous for a loaded machine (60 intervals).
for _ in $(seq 300); do
	n=$(grep -c '^WATCHDOG=1' "$root/tmp/notify.log" 2>/dev/null) || true
	((${n:-0} >= 3)) && break
	kill -0 "$qd" 2>/dev/null || break
	sleep 0.1
done
tap_is "  the daemon runs with no capability (CapBnd and CapEff 0)" \
	"$(grep -E '^Cap(Bnd|Eff)' "/proc/$qd/status" 2>/dev/null | awk '{print $2}' | tr '\n' ' ')" \
	"0000000000000000 0000000000000000 "
kill -TERM "$qd" 2>/dev/null
rc=0
wait "$qd" || rc=$?
wait "$listener" || true
msgs=$(cat "$root/tmp/notify.log" 2>/dev/null)
tap_is "installed twinhead-quorumd: a clean stop after SIGTERM" "$rc" 0
[[ $rc == 0 ]] || tap_diag "$(tail -n 20 "$root/tmp/quorumd.err")"
# interval 500 + 5/4 x timeout 2000 + fence attempt 4000, doubled, + 10 s
tap_like "  raises WatchdogSec=1s to its longest healthy tick (24 s)" "$msgs" \
	'(^|'$'\n'')WATCHDOG_USEC=24000000'$'\n'
tap_like "  READY=1 after its setup" "$msgs" $'\n''READY=1'$'\n'
tap_like "  WATCHDOG=1 every tick" "$msgs" $'WATCHDOG=1\n(.*\n)?WATCHDOG=1\n(.*\n)?WATCHDOG=1'
tap_like "  its role as STATUS=" "$msgs" 'STATUS=role (starting|secondary|primary), epoch [0-9]+, peer '
tap_like "  STOPPING=1 last" "$(tail -n 1 <<<"$msgs")" '^STOPPING=1'
tap_like "  logs to stderr (the journal under systemd) as twinhead-quorumd(node1)" \
	"$(cat "$root/tmp/quorumd.err")" 'twinhead-quorumd\(node1\)\[[0-9]+\]: notice: node 1 on /tmp/qd.img'
