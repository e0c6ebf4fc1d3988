#!/bin/bash
# implementation=lio against a STAND-IN for configfs: a plain directory
# tree the agent is pointed at (TWINHEAD_LIO_CONFIGFS, allowed only with
# TWINHEAD_LIO_STANDIN=1). The stand-in makes and removes the kernel's
# default groups and keeps what is written; it does nothing of LIO's own
# behaviour (no device opened, no login, no reservation taken): what runs
# here is the agent's logic, not the kernel's. The real kernel is the VM
# tier's job.
#
# Checked: probe (not running); start builds the tree (target, TPG, portal,
# LUNs with their serials, block and file backstores, ACLs, CHAP, the
# dbroot links into lio_pr_dir, the ALUA group of this node) and enables
# the TPG last; a second start changes nothing; monitor reads (strace: no
# fork, no exec) and names a LUN missing behind its back; stop removes
# exactly what start made and nothing else (another target's tree and a
# foreign file stay); a failing configfs write at any of several steps
# leaves nothing; a write that hangs ends at the deadline and leaves
# nothing; a half-built tree (start died before enabling) is removed by the
# next start; a running target with another configuration is refused;
# reservations found in lio_pr_dir are given back to the kernel before the
# LUN is exported, and a damaged file stops start with nothing built;
# reload adds and removes one LUN and one ACL name; addresses in
# allowed_initiators are refused for lio.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

[[ $(id -u) == 0 ]] || tap_skip_all "needs root (the agent's lock directory)"
bin=$TH_BUILDDIR/agents/iscsitarget/iscsitarget
tmp=$(mktemp -d /tmp/lio-standin.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
ROOT=$tmp/target          # stands in for /sys/kernel/config/target
POOL=$tmp/pool            # stands in for the pool's dataset
mkdir -p "$ROOT/core" "$tmp/dbroot" "$POOL/pr"
echo "$tmp/dbroot" >"$ROOT/dbroot"
truncate -s 8M "$POOL/f1" "$POOL/f2" "$POOL/f3"
(umask 077 && echo "lio-secret-012" >"$tmp/chap")
IQN=iqn.2024-01.com.example:lio
NODE=$(uname -n)
H1=iqn.1994-05.com.redhat:h1
H2=iqn.1994-05.com.redhat:h2
BASE=(implementation=lio iqn=$IQN tid=9 portals=10.0.0.100:3260 "lio_pr_dir=$POOL/pr"
	"lio_alua_groups=$NODE:1 the-other-head:2")
ENVX=()

run() {
	local action=$1 env=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_RESOURCE_INSTANCE=lio
		TWINHEAD_LIO_CONFIGFS="$ROOT" TWINHEAD_LIO_STANDIN=1
		OCF_RESKEY_CRM_meta_timeout="${TIMEOUT:-20000}" "${ENVX[@]}")
	shift
	for kv in "${BASE[@]}" "$@"; do env+=("OCF_RESKEY_$kv"); done
	"${env[@]}" "$bin" "$action" >"$tmp/out" 2>"$tmp/err"
}
reason() { sed -n 's/^ocf-exit-reason://p' "$tmp/err" | tail -1; }
tree() { (cd "$ROOT" && find . -path ./dbroot -prune -o -print | LC_ALL=C sort; find "$tmp/dbroot" -type l | LC_ALL=C sort); }
TGT=$ROOT/iscsi/$IQN/tpgt_1
CONF=("luns=1:$POOL/f1 2:$POOL/f2" "allowed_initiators=$H1" incoming_username=h1 secret_file="$tmp/chap")

# Someone else's target and a file of the kernel's own, which nothing may touch.
mkdir -p "$ROOT/core/iblock_0/other/wwn" "$ROOT/iscsi/iqn.2024-01.com.example:other/tpgt_1"
echo 1 >"$ROOT/iscsi/iqn.2024-01.com.example:other/tpgt_1/enable"
mkdir -p "$tmp/dbroot/pr" && echo "kernel state" >"$tmp/dbroot/pr/aptpl_foreign"
empty=$(tree)

run monitor "${CONF[@]}"
tap_is "probe before start: not running" $? 7

run start "${CONF[@]}"
tap_is "start" $? 0 || tap_diag "$(cat "$tmp/err")"
tap_is "  the TPG is enabled" "$(cat "$TGT/enable")" 1
tap_is "  the portal" "$(ls "$TGT/np")" 10.0.0.100:3260
tap_is "  LUN 1 links to its storage object" "$(readlink "$TGT/lun/lun_1/lun1")" "$ROOT/core/fileio_9/lun1"
s1=$(printf '%s\0%s' $IQN 1 | sha256sum | cut -c33-48)
tap_is "  its serial is the derived one" "$(cat "$ROOT/core/fileio_9/lun1/wwn/vpd_unit_serial")" "$s1"
tap_is "  fileio with the file's size" "$(cat "$ROOT/core/fileio_9/lun1/control")" \
	"fd_dev_name=$POOL/f1,fd_dev_size=8388608"
tap_is "  INQUIRY vendor" "$(cat "$ROOT/core/fileio_9/lun1/wwn/vendor_id")" TWINHEAD
tap_is "  the ACL maps both LUNs" "$(ls "$TGT/acls/$H1")" "$(printf 'attrib\nauth\nlun_1\nlun_2')"
tap_is "  CHAP on the ACL" "$(cat "$TGT/acls/$H1/auth/userid")" h1
tap_is "  the secret went in by write()" "$(cat "$TGT/acls/$H1/auth/password")" lio-secret-012
tap_is "  ALUA group of this node (id 1)" "$(cat "$ROOT/core/fileio_9/lun1/alua/th_1/tg_pt_gp_id")" 1
tap_is "  LUN 1's port is in it" "$(cat "$TGT/lun/lun_1/alua_tg_pt_gp")" th_1
tap_is "  the dbroot link points into lio_pr_dir" "$(readlink "$tmp/dbroot/pr/aptpl_$s1")" "$POOL/pr/aptpl_$s1"
tap_unlike "  the secret is not in the agent's output" "$(cat "$tmp/out" "$tmp/err")" lio-secret-012

started=$(tree)
run start "${CONF[@]}"
tap_is "second start is a success" $? 0
tap_is "  and changes nothing" "$(tree)" "$started"

run monitor "${CONF[@]}"
tap_is "monitor" $? 0 || tap_diag "$(reason)"
out=$(env -i TWINHEAD_LIO_CONFIGFS="$ROOT" TWINHEAD_LIO_STANDIN=1 OCF_RESKEY_implementation=lio \
	OCF_RESKEY_iqn=$IQN OCF_RESKEY_tid=9 OCF_RESKEY_portals=10.0.0.100:3260 \
	"OCF_RESKEY_luns=1:$POOL/f1 2:$POOL/f2" "OCF_RESKEY_allowed_initiators=$H1" \
	OCF_RESKEY_incoming_username=h1 OCF_RESKEY_secret_file="$tmp/chap" \
	strace -f -qq -e trace=clone,clone3,fork,vfork,execve -o /dev/stdout "$bin" monitor 2>/dev/null)
tap_is "  forking and executing nothing (strace)" "$(grep -cE 'clone|fork|execve\(' <<<"$out")" 1
tap_like "  (its one execve is the agent itself)" "$out" "execve\(\"$bin\""
mv "$TGT/lun/lun_2" "$tmp/lun_2.away"
run monitor "${CONF[@]}"
tap_is "monitor notices a LUN gone behind its back" $? 1
tap_like "  and names it" "$(reason)" "LUN 2 .* is missing"
mv "$tmp/lun_2.away" "$TGT/lun/lun_2"
run start "${CONF[@]}" "luns=1:$POOL/f1 2:$POOL/f3"
tap_is "start while running with another LUN 2 backing is refused" $? 1
tap_like "  saying to stop or reload" "$(reason)" "running in LIO with another configuration.*reload"
tap_is "  and changes nothing" "$(tree)" "$started"

# reload: LUN 3 and ACL name H2 in, then out.
run reload-agent "luns=1:$POOL/f1 2:$POOL/f2 3:$POOL/f3" "allowed_initiators=$H1 $H2" \
	incoming_username=h1 secret_file="$tmp/chap"
tap_is "reload adds LUN 3 and ACL $H2" $? 0 || tap_diag "$(reason)"
tap_is "  LUN 3 is in the TPG" "$(readlink "$TGT/lun/lun_3/lun3")" "$ROOT/core/fileio_9/lun3"
tap_is "  and mapped for both ACLs" "$(ls -d "$TGT"/acls/*/lun_3 | wc -l)" 2
tap_is "  the TPG stayed enabled" "$(cat "$TGT/enable")" 1
run reload-agent "${CONF[@]}"
tap_is "reload removes them again" $? 0 || tap_diag "$(reason)"
tap_is "  back to the tree start made" "$(tree)" "$started"

run stop "${CONF[@]}"
tap_is "stop" $? 0 || tap_diag "$(reason)"
tap_is "  removes exactly what start made" "$(tree)" "$empty"
run stop "${CONF[@]}"
tap_is "second stop is a success" $? 0

# A failing write at several steps: nothing stays.
for step in "core/fileio_9/lun2/wwn/vpd_unit_serial" "core/fileio_9/lun1/pr/res_aptpl_metadata" \
	"iscsi/$IQN/tpgt_1/acls/$H1/auth/password" "iscsi/$IQN/tpgt_1/enable"; do
	[[ $step == *res_aptpl_metadata ]] && printf 'PR_REG_START: 0\ninitiator_fabric=iSCSI\ninitiator_node=%s\nsa_res_key=7\nres_holder=0\ntarget_node=%s\ntpgt=1\ntarget_lun=1\nPR_REG_END: 0\n' $H1 $IQN >"$POOL/pr/aptpl_$s1"
	ENVX=(TWINHEAD_LIO_STANDIN_FAIL="$step")
	run start "${CONF[@]}"
	rc=$?
	ENVX=()
	tap_is "start fails when writing $step fails" $rc 1
	tap_like "  the reason names the step" "$(reason)" "configfs step 'write $step"
	tap_is "  and nothing is left" "$(tree)" "$empty"
done
rm -f "$POOL/pr/aptpl_$s1"

# A hanging write: the deadline, then nothing left.
ENVX=(TWINHEAD_LIO_STANDIN_HANG="core/fileio_9/lun2/enable")
t0=$(date +%s%N)
TIMEOUT=4000 run start "${CONF[@]}"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
ENVX=()
tap_is "a configfs write that hangs fails start" $rc 1
tap_like "  by the deadline" "$(reason)" "did not finish before the action's deadline"
tap_is "  and nothing is left" "$(tree)" "$empty"
tap_diag "start with a hanging write returned after $ms ms (timeout 4000 ms)"

# Reservations on the pool go back to the kernel before the LUN is exported.
printf 'PR_REG_START: 0\ninitiator_fabric=iSCSI\ninitiator_node=%s\nsa_res_key=77\nres_holder=1\nres_type=05\nres_scope=0x00\nres_all_tg_pt=0\nmapped_lun=1\ntarget_fabric=iSCSI\ntarget_node=%s\ntpgt=1\nport_rtpi=1\ntarget_lun=1\nPR_REG_END: 0\n' \
	$H1 $IQN >"$POOL/pr/aptpl_$s1"
run start "${CONF[@]}"
tap_is "start with a reservation in lio_pr_dir" $? 0 || tap_diag "$(reason)"
tap_like "  given back through pr/res_aptpl_metadata" \
	"$(cat "$ROOT/core/fileio_9/lun1/pr/res_aptpl_metadata")" \
	"^initiator_fabric=iSCSI,initiator_node=$H1,sa_res_key=77,res_holder=1,res_type=05,.*target_lun=1\$"
run stop "${CONF[@]}"
tap_is "  the reservation file stays on the pool after stop" "$(wc -l <"$POOL/pr/aptpl_$s1")" 15
printf 'PR_REG_START: 0\ninitiator_node=a,b\nPR_REG_END: 0\n' >"$POOL/pr/aptpl_$s1"
run start "${CONF[@]}"
tap_is "a damaged reservation file stops start" $? 1
tap_like "  saying which file" "$(reason)" "reservations of LUN 1 in $POOL/pr/aptpl_$s1 cannot be used"
tap_is "  with nothing built" "$(tree)" "$empty"
rm -f "$POOL/pr/aptpl_$s1"

# A tree a crash left half-built (never enabled): the next start removes it.
# The agent is killed (with its worker) while its last write hangs, before
# any undo can run.
args=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TWINHEAD_LIO_CONFIGFS="$ROOT" TWINHEAD_LIO_STANDIN=1
	TWINHEAD_LIO_STANDIN_HANG="iscsi/$IQN/tpgt_1/enable" OCF_RESKEY_CRM_meta_timeout=60000)
for kv in "${BASE[@]}" "${CONF[@]}"; do args+=("OCF_RESKEY_$kv"); done
"${args[@]}" "$bin" start >/dev/null 2>&1 &
agent=$!
for _ in $(seq 500); do
	[[ -e $TGT/attrib/authentication ]] && break
	sleep 0.02
done
worker=$(pgrep -P "$agent" || true)
kill -KILL "$agent" $worker 2>/dev/null
{ wait "$agent"; } 2>/dev/null
tap_isnt "a killed start left a half-built tree" "$(tree)" "$empty"
run monitor "${CONF[@]}"
tap_is "  monitor fails on it" $? 1
tap_like "  saying so" "$(reason)" "half-built"
run start "${CONF[@]}"
tap_is "  the next start removes it and builds the target" $? 0 || tap_diag "$(reason)"
tap_is "  the same tree as a clean start" "$(tree)" "$started"
run stop "${CONF[@]}"
tap_is "  and stop leaves nothing" "$(tree)" "$empty"

# Configuration limits.
run validate-all "${CONF[@]}" "allowed_initiators=10.0.0.5"
tap_is "addresses in allowed_initiators are refused for lio" $? 6
tap_like "  LIO admits by name" "$(reason)" "by name only"
run validate-all "${CONF[@]}" "lio_alua_groups=nowhere:1"
tap_is "lio_alua_groups without this node is refused" $? 6
run validate-all "${CONF[@]}" "lio_alua_groups=$NODE:0"
tap_is "an ALUA id of 0 is refused" $? 6
env -i OCF_RESKEY_implementation=lio OCF_RESKEY_iqn=$IQN OCF_RESKEY_portals=10.0.0.100 \
	"OCF_RESKEY_luns=1:$POOL/f1" TWINHEAD_LIO_CONFIGFS="$ROOT" "$bin" monitor 2>"$tmp/err"
tap_is "a plain directory without TWINHEAD_LIO_STANDIN=1 is not configfs (probe: not running)" $? 7
tap_done
