#!/bin/bash
# The FreeBSD CTL HA + ALUA example (examples/freebsd-ctlha-alua), checked as
# far as Linux allows. Nothing here runs FreeBSD, CTL or ctld:
# - quorumd.conf.head*: twinhead-quorumd's own check, and the values the
#   other files must agree with (node ids, BMCs, password files);
# - corosync.conf: the required settings, and `corosync -t` in a private
#   network namespace that holds heada's addresses;
# - cluster.pcs.sh run against an empty CIB file (pcs -f) and cluster.crm
#   loaded into another (CIB_file=... crm configure load update), both with
#   the agents visible only inside a private mount namespace; crm_verify on
#   both; both forms give the same resources, parameters, operations and
#   constraints (tests/examples/cib_summary.xsl); the properties, fencing
#   and constraints the README promises, read back with xmllint;
# - Pacemaker's scheduler (crm_simulate) on that CIB: cold start, failover
#   after the primary's loss, planned switchover, and their orderings;
# - each twinhead primitive's parameters through crm_resource --validate
#   (ctlha and ctld end in OCF_ERR_INSTALLED here: not verifiable), the
#   fence devices' through fence_twinhead's validate-all;
# - ctl.conf.head*: the block the iscsitarget agent writes for the CIB's
#   parameters, captured by a stand-in `ctld -t`, byte for byte.
# Every check has a negative control or compares exact text.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

EX=$TH_SRCDIR/examples/freebsd-ctlha-alua
XSL=$TH_SRCDIR/tests/examples/cib_summary.xsl
QD=$TH_BUILDDIR/quorumd/twinhead-quorumd
RA_DIR=${TH_OCF_RA_DIR:-/usr/lib/ocf/resource.d}

[[ -x $QD ]] || tap_skip_all "quorumd/twinhead-quorumd not built"
command -v xmllint >/dev/null || tap_skip_all "xmllint missing (apt-get install libxml2-utils)"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# skip DESC REASON: a TAP skip (a failure under TWINHEAD_NO_SKIP=1).
skip() {
	if [[ ${TWINHEAD_NO_SKIP:-0} == 1 ]]; then
		tap_not_ok "$1" "cannot run here: $2"
	else
		tap_ok "$1 # SKIP $2"
	fi
}

# qconf FILE KEY: a key's value in a quorumd.conf.
qconf() { sed -n "s/^$2 *= *//p" "$1"; }

# ---------------------------------------------------------------------------
# quorumd.conf.heada / .headb

for h in heada headb; do
	out=$("$QD" check -c "$EX/quorumd.conf.$h" 2>&1)
	tap_is "quorumd.conf.$h passes twinhead-quorumd check" $? 0
	id=1
	[[ $h == headb ]] && id=2
	tap_like "  node $id of cluster stor-ha, cluster mode, no hooks" "$out" \
		"node $id of cluster stor-ha, cluster mode, 0 promote and 0 demote hooks\$"
done
for k in cluster disk interval_ms timeout_ms mode device_name; do
	tap_is "both heads agree on $k" "$(qconf "$EX/quorumd.conf.heada" $k)" \
		"$(qconf "$EX/quorumd.conf.headb" $k)"
done
tap_is "the quorum disk is the shared GPT label" "$(qconf "$EX/quorumd.conf.heada" disk)" \
	/dev/gpt/twinhead-qdisk
for h in heada headb; do
	tap_like "  $h's BMC password file is under /usr/local/etc/twinhead/" \
		"$(qconf "$EX/quorumd.conf.$h" fence_password_file)" '^/usr/local/etc/twinhead/bmc-head[ab]\.pass$'
	tap_is "  $h fences with cipher suite 3" "$(qconf "$EX/quorumd.conf.$h" fence_cipher)" 3
done
sed 's/^mode = cluster/mode = clustered/' "$EX/quorumd.conf.heada" >"$T/bad-quorumd.conf"
out=$("$QD" check -c "$T/bad-quorumd.conf" 2>&1)
tap_is "a broken copy fails the check" $? 1
tap_like "  naming the line" "$out" "line [0-9]+: mode = clustered: use standalone or cluster"

# ---------------------------------------------------------------------------
# corosync.conf

CC=$EX/corosync.conf
cc=$(sed 's/#.*//' "$CC" | tr -s ' \t\n' ' ')
tap_like "corosync.conf: knet, aes256, sha256, token 1000" "$cc" \
	'totem \{ version: 2 cluster_name: [^ ]+ transport: knet keyfile: /usr/local/etc/corosync/authkey crypto_cipher: aes256 crypto_hash: sha256 token: 1000 \}'
tap_like "  the quorum device: model twinhead, 1 vote, 4000/8000 ms" "$cc" \
	'quorum \{ provider: corosync_votequorum device \{ model: twinhead votes: 1 timeout: 4000 sync_timeout: 8000 \} \}'
tap_unlike "  no two_node, no expected_votes" "$cc" 'two_node|expected_votes'
tap_like "  heada is node 1, headb node 2, each on two links" "$cc" \
	'node \{ name: heada nodeid: 1 ring0_addr: ([0-9.]+) ring1_addr: ([0-9.]+) \} node \{ name: headb nodeid: 2 ring0_addr: [0-9.]+ ring1_addr: [0-9.]+ \}'
RING0_A=$(awk '/name: heada/ { f = 1 } f && /ring0_addr/ { print $2; exit }' "$CC")
RING1_A=$(awk '/name: heada/ { f = 1 } f && /ring1_addr/ { print $2; exit }' "$CC")
tap_is "  the device model is quorumd's device_name" "$(qconf "$EX/quorumd.conf.heada" device_name)" \
	"$(sed -n 's/^[[:space:]]*model: //p' "$CC")"

# corosync -t reads the key and needs a local address of the nodelist: a
# private network namespace with heada's two addresses on lo.
if ! command -v corosync >/dev/null || ! command -v corosync-keygen >/dev/null; then
	skip "corosync -t accepts corosync.conf" "corosync not installed"
elif ((EUID != 0)) || ! unshare -n true 2>/dev/null; then
	skip "corosync -t accepts corosync.conf" "needs root and unshare -n"
else
	corosync-keygen -k "$T/authkey" >/dev/null 2>&1
	cc_test() { # FILE: corosync -t on a copy with the key and log in $T
		sed -e "s|/usr/local/etc/corosync/authkey|$T/authkey|" \
			-e "s|^\([[:space:]]*\)logfile: .*|\1logfile: $T/corosync.log|" \
			-e 's/to_syslog: yes/to_syslog: no/' \
			"$1" >"$T/cc.conf"
		unshare -n sh -c 'ip link set lo up && ip addr add "$1/24" dev lo &&
			ip addr add "$2/24" dev lo && exec corosync -t -c "$3"' sh \
			"$RING0_A" "$RING1_A" "$T/cc.conf" 2>&1
	}
	out=$(cc_test "$CC")
	tap_is "corosync -t accepts corosync.conf (as heada)" $? 0 || tap_diag "$out"
	sed 's/crypto_cipher: aes256/crypto_cipher: aes257/' "$CC" >"$T/bad-cc.conf"
	out=$(cc_test "$T/bad-cc.conf")
	tap_isnt "  and refuses a copy with an unknown cipher" $? 0
fi

# ---------------------------------------------------------------------------
# cluster.pcs.sh: a POSIX sh script with an offline mode

tap_check "cluster.pcs.sh is valid POSIX sh (sh -n)" sh -n "$EX/cluster.pcs.sh"
if command -v shellcheck >/dev/null; then
	tap_check "  shellcheck -s sh finds nothing" shellcheck -s sh "$EX/cluster.pcs.sh"
fi
out=$(sh "$EX/cluster.pcs.sh" a b 2>&1)
tap_is "  two arguments: usage, exit 2" $? 2
out=$(sh "$EX/cluster.pcs.sh" "$T/nonexistent.xml" 2>&1)
tap_is "  a missing CIB file: exit 1 before any pcs call" $? 1
tap_like "    saying how to make one" "$out" "cibadmin --empty"

# ---------------------------------------------------------------------------
# Both forms into CIB files. The agents are visible to pcs, crmsh and
# crm_resource only inside a private mount namespace (bind mount over the
# OCF directory, tmpfs over /run); nothing is installed on this host.

can_ns=1
why_ns=
for t in pcs crm cibadmin crm_verify crm_simulate crm_resource xsltproc; do
	if ! command -v $t >/dev/null; then
		can_ns=0
		why_ns="$t missing (apt-get install pcs crmsh pacemaker-cli-utils xsltproc)"
	fi
done
if ((can_ns)) && ((EUID != 0)); then
	can_ns=0 why_ns="needs root (private mount namespace)"
fi
if ((can_ns)) && [[ ! -d $RA_DIR ]]; then
	can_ns=0 why_ns="no OCF directory $RA_DIR to mount over (TH_OCF_RA_DIR)"
fi
if ((can_ns)) && ! unshare -m --propagation private true 2>/dev/null; then
	can_ns=0 why_ns="cannot create a mount namespace (unshare -m)"
fi
for a in ctlha zpool iscsitarget floatip; do
	[[ -x $TH_BUILDDIR/agents/$a/$a ]] || { can_ns=0 why_ns="agents/$a/$a not built"; }
done
[[ -x $TH_BUILDDIR/fence/fence_twinhead ]] || { can_ns=0 why_ns="fence/fence_twinhead not built"; }

if ((can_ns == 0)); then
	skip "cluster.pcs.sh, cluster.crm, crm_verify, crm_simulate, agent validation, ctl.conf" "$why_ns"
	tap_done
fi

mkdir -p "$T/rd/twinhead" "$T/home" "$T/sbin"
for a in ctlha zpool iscsitarget floatip; do cp "$TH_BUILDDIR/agents/$a/$a" "$T/rd/twinhead/"; done
cp "$TH_BUILDDIR/fence/fence_twinhead" "$T/sbin/"
# ns CMD...: CMD with the agents under $RA_DIR/twinhead, fence_twinhead in
# /usr/sbin (where Pacemaker looks for fence agents; a read-only overlay), a
# private /run and HOME (crmsh keeps a cache and history there).
ns() {
	HOME=$T/home unshare -m --propagation private sh -c '
		mount --bind "$1" "$2" && mount -t tmpfs tmpfs /run &&
			mount -t overlay th-sbin -o "lowerdir=$3:/usr/sbin" /usr/sbin || exit 125
		shift 3
		exec "$@"' sh "$T/rd" "$RA_DIR" "$T/sbin" "$@"
}

cibadmin --empty >"$T/pcs.xml"
out=$(ns sh "$EX/cluster.pcs.sh" "$T/pcs.xml" 2>&1)
tap_is "cluster.pcs.sh builds the configuration in an empty CIB file" $? 0 || tap_diag "$out"
out=$(crm_verify -V -x "$T/pcs.xml" 2>&1)
tap_is "  crm_verify finds nothing to say" "$?:$out" "0:"

cibadmin --empty >"$T/crm.xml"
out=$(ns env CIB_file="$T/crm.xml" crm configure load update "$EX/cluster.crm" 2>&1)
tap_is "crm configure load update cluster.crm, offline" $? 0 || tap_diag "$out"
tap_unlike "  crmsh knows every agent and parameter" "$out" "ERROR|unknown|no such resource agent|not installed"
out=$(crm_verify -V -x "$T/crm.xml" 2>&1)
tap_is "  crm_verify finds nothing to say" "$?:$out" "0:"

# Without fence devices the same configuration must not verify.
cp "$T/pcs.xml" "$T/nofence.xml"
for h in heada headb; do
	CIB_file=$T/nofence.xml cibadmin -D -X "<rsc_location id=\"fence-$h-not-on-$h\"/>" >/dev/null 2>&1
	CIB_file=$T/nofence.xml cibadmin -D -X "<primitive id=\"fence-$h\"/>" >/dev/null 2>&1
done
tap_is "  (control file: no fence devices left)" "$(grep -c 'class="stonith"' "$T/nofence.xml")" 0
out=$(crm_verify -x "$T/nofence.xml" 2>&1)
tap_isnt "  (control: without the fence devices crm_verify fails)" $? 0

xsltproc "$XSL" "$T/pcs.xml" | sort >"$T/pcs.sum"
xsltproc "$XSL" "$T/crm.xml" | sort >"$T/crm.sum"
tap_like "the summary covers the whole configuration" "$(wc -l <"$T/pcs.sum")" '^[0-9]{2,}$'
d=$(diff "$T/pcs.sum" "$T/crm.sum")
tap_is "pcs and crm forms: same resources, parameters, operations, constraints" "$d" ""
sed 's/ip=10.0.0.12 username=admin/ip=10.0.0.12 username=root/' "$EX/cluster.crm" >"$T/mutant.crm"
cibadmin --empty >"$T/mutant.xml"
ns env CIB_file="$T/mutant.xml" crm configure load update "$T/mutant.crm" >/dev/null 2>&1
d=$(diff "$T/pcs.sum" <(xsltproc "$XSL" "$T/mutant.xml" | sort))
tap_like "  (control: one changed parameter shows up)" "$d" "param fence-headb username=root"

# ---------------------------------------------------------------------------
# What the README promises, read back from the CIB.

x() { xmllint --xpath "$1" "$T/pcs.xml" 2>/dev/null; }
prop() { x "string(//cluster_property_set/nvpair[@name='$1']/@value)"; }
param() { x "string(//primitive[@id='$1']/instance_attributes/nvpair[@name='$2']/@value)"; }
cmeta() { x "string(//clone[@id='$1']/meta_attributes/nvpair[@name='$2']/@value)"; }

tap_is "stonith-enabled=true" "$(prop stonith-enabled)" true
tap_is "stonith-action=off (power off, stay off)" "$(prop stonith-action)" off
tap_is "no-quorum-policy=stop" "$(prop no-quorum-policy)" stop
tap_like "resource-stickiness > 0 (no failback)" \
	"$(x "string(//rsc_defaults//nvpair[@name='resource-stickiness']/@value)")" '^[1-9][0-9]*$'
tap_is "no password in the CIB" "$(x "count(//nvpair[@name='password' or @name='passwd'])")" 0
tap_is "no fence delay: the quorum device rules out a fence race" \
	"$(x "count(//primitive[@class='stonith']/instance_attributes/nvpair[@name='pcmk_delay_base'])")" 0
for h in heada headb; do
	dev=fence-$h
	tap_is "$dev: fence_twinhead" "$(x "string(//primitive[@id='$dev']/@type)")" fence_twinhead
	tap_is "  fences $h only" "$(param $dev pcmk_host_list) $(param $dev pcmk_host_check)" "$h static-list"
	tap_is "  cipher suite 3" "$(param $dev cipher)" 3
	tap_like "  power_timeout below stonith's default timeout" "$(param $dev power_timeout)" '^([1-9]|[1-5][0-9])$'
	tap_is "  password from a file under /usr/local/etc/twinhead/" "$(param $dev password_file)" \
		"/usr/local/etc/twinhead/bmc-$h.pass"
	tap_is "  never runs on $h" \
		"$(x "count(//rsc_location[@rsc='$dev' and @node='$h' and @score='-INFINITY'])")" 1
	# The other head's quorumd fences $h through the same BMC and file.
	other=headb
	[[ $h == headb ]] && other=heada
	tap_is "  quorumd on $other fences the same BMC" "$(qconf "$EX/quorumd.conf.$other" fence_host)" \
		"$(param $dev ip)"
	tap_is "  with the same user and password file" \
		"$(qconf "$EX/quorumd.conf.$other" fence_user) $(qconf "$EX/quorumd.conf.$other" fence_password_file)" \
		"$(param $dev username) $(param $dev password_file)"
done
tap_is "ctl-clone: promotable, one promoted, notify, interleave" \
	"$(cmeta ctl-clone promotable) $(cmeta ctl-clone promoted-max) $(cmeta ctl-clone notify) $(cmeta ctl-clone interleave)" \
	"true 1 true true"
tap_is "  ctlha expects ha_mode 2, heada (ha_id 1) listens" "$(param ctl mode) $(param ctl listen)" "2 1"
tap_is "  on heada's HA-interconnect address (corosync link 1)" "$(param ctl peer)" "$RING1_A:7777"
tap_is "target-clone runs on both heads" "$(cmeta target-clone clone-max) $(cmeta target-clone clone-node-max)" "2 1"
tap_is "  through ctld, with no portals of its own (each head's default portal group)" \
	"$(param target implementation) $(x "count(//primitive[@id='target']//nvpair[@name='portals'])")" "ctld 0"
tap_is "tank: not in a clone (one head at a time), cachefile=none, force=fenced" \
	"$(x "name(//primitive[@id='tank']/..)") $(param tank cachefile) $(param tank force)" "resources none fenced"
tap_is "tank goes where ctl is promoted" \
	"$(x "count(//rsc_colocation[@rsc='tank' and @with-rsc='ctl-clone' and @with-rsc-role='Promoted' and @score='INFINITY'])")" 1
tap_is "tank starts before ctl is promoted" \
	"$(x "count(//rsc_order[@first='tank' and @first-action='start' and @then='ctl-clone' and @then-action='promote' and @kind='Mandatory'])")" 1

# ---------------------------------------------------------------------------
# Pacemaker's scheduler on this configuration (crm_simulate). Promotion
# scores are what the ctlha agent would set: 5 a usable head, +50 where the
# pool is imported, +100 when already primary.

# reach DOT FROM TO: is TO reachable from FROM along the graph's edges?
reach() {
	awk -v from="$2" -v to="$3" -F'" -> "' '
		/" -> "/ { a = $1; sub(/^"/, "", a); b = $2; sub(/".*/, "", b); e[a] = e[a] SUBSEP b }
		END {
			seen[from] = 1; q[n = 1] = from
			for (i = 1; i <= n; i++) {
				k = split(e[q[i]], nx, SUBSEP)
				for (j = 2; j <= k; j++) if (!(nx[j] in seen)) { seen[nx[j]] = 1; q[++n] = nx[j] }
			}
			exit !(to in seen)
		}' "$1"
}
score() { CIB_file=$1 crm_attribute -N "$2" -n master-ctl -l reboot -v "$3" >/dev/null 2>&1; }

check() { if "${@:2}"; then tap_ok "$1"; else tap_not_ok "$1"; fi; }
summary() { sed -n '/^Transition Summary/,/^Executing/p' <<<"$1"; }
# label DOT ERE: the first action in the graph whose name matches ERE
# (instances appear as ctl:0 or, once started, as ctl).
label() { sed -n 's/^"\([^"]*\)" \[.*/\1/p' "$1" | grep -E -m1 "^($2)\$"; }

# 1. Both heads join: probes, then starts; nothing is promoted before the
#    ctlha instances have set their promotion scores.
out=$(crm_simulate -x "$T/pcs.xml" -S -u heada -u headb -q true -O "$T/s1.xml" -G "$T/s1.graph" 2>&1)
tap_is "cold start: crm_simulate runs" $? 0
sum=$(summary "$out")
tap_like "  ctl started on both heads" "$sum" "Start +ctl:[01] +\( +heada \).*Start +ctl:[01] +\( +headb \)"
tap_like "  the target on both heads" "$sum" "Start +target:[01] +\( +heada \).*Start +target:[01] +\( +headb \)"
tap_like "  each fence device on the other head" "$sum" \
	"Start +fence-heada +\( +headb \).*Start +fence-headb +\( +heada \)"
tap_unlike "  nothing promoted, no pool, before a promotion score" "$sum" "Promote|tank"
tap_is "  the agent sees the clone's id, not its instance number, on both heads" \
	"$(grep -o '<primitive id="[^"]*" long-id="target:[01]"' "$T/s1.graph" | cut -d'"' -f2 | sort -u)" target

# 2. The started instances set 5 each (usable, no pool, not primary).
score "$T/s1.xml" heada 5
score "$T/s1.xml" headb 5
out=$(crm_simulate -x "$T/s1.xml" -S -q true -O "$T/s2.xml" -D "$T/s2.dot" 2>&1)
sum=$(summary "$out")
P=$(sed -n 's/.*Promote *ctl:[01] *( *Unpromoted -> Promoted \(head[ab]\) ).*/\1/p' <<<"$sum")
tap_like "then one head is promoted" "$P" '^head[ab]$' || tap_diag "$out"
S=headb
[[ $P == headb ]] && S=heada
tap_like "  and tank starts there" "$sum" "Start +tank +\( +$P \)"
promote=$(label "$T/s2.dot" "ctl(:[01])?_promote_0 $P")
check "  order: tank started before the promote" reach "$T/s2.dot" "tank_start_0 $P" "$promote"
check "  (control: not the other way round)" eval '[[ -n $promote ]] && ! reach "$T/s2.dot" "$promote" "tank_start_0 $P"'

# 2b. The same with the scores known when the heads join (one transition
#     starts and promotes): the target on a head starts before its promote.
crm_simulate -x "$T/pcs.xml" -u heada -u headb -q true -O "$T/up.xml" >/dev/null 2>&1
score "$T/up.xml" heada 5
score "$T/up.xml" headb 5
out=$(crm_simulate -x "$T/up.xml" -S -q true -D "$T/up.dot" 2>&1)
Q=$(sed -n 's/.*Promote *ctl:[01] *( *Stopped -> Promoted \(head[ab]\) ).*/\1/p' <<<"$(summary "$out")")
promote=$(label "$T/up.dot" "ctl(:[01])?_promote_0 $Q")
tstart=$(label "$T/up.dot" "target(:[01])?_start_0 $Q")
check "start and promote in one transition: the target on $Q starts before the promote" \
	eval '[[ -n $tstart && -n $promote ]] && reach "$T/up.dot" "$tstart" "$promote"'
check "  and tank too" reach "$T/up.dot" "tank_start_0 $Q" "$promote"

# 3. Scores after promotion: 155 on the primary with the pool, 5 elsewhere.
score "$T/s2.xml" "$P" 155
score "$T/s2.xml" "$S" 5
out=$(crm_simulate -x "$T/s2.xml" -S -q true -O "$T/s3.xml" 2>&1)
tap_unlike "settled: nothing more to do" "$(summary "$out")" "Start|Stop|Promote|Demote|Move|Fence"

# 4. The primary fails.
out=$(crm_simulate -x "$T/s3.xml" -S -f "$P" -q true -D "$T/s4.dot" 2>&1)
sum=$(summary "$out")
tap_like "failover: $P fails and is fenced (off)" "$sum" "Fence \(off\) $P"
tap_like "  tank moves to $S" "$sum" "Move +tank +\( +$P -> $S \)"
tap_like "  $S is promoted" "$sum" "Promote +ctl(:[01])? +\( +Unpromoted -> Promoted $S \)"
fence=$(label "$T/s4.dot" "stonith 'off' $P")
promote=$(label "$T/s4.dot" "ctl(:[01])?_promote_0 $S")
check "  order: the fence, then tank's start on $S, then the promote" \
	eval '[[ -n $fence && -n $promote ]] && reach "$T/s4.dot" "$fence" "tank_start_0 $S" &&
		reach "$T/s4.dot" "tank_start_0 $S" "$promote"'

# 5. A planned switchover: move the pool.
cp "$T/s3.xml" "$T/s5in.xml"
CIB_file=$T/s5in.xml crm_resource --move --resource tank --node "$S" >/dev/null 2>&1
out=$(crm_simulate -x "$T/s5in.xml" -S -q true -D "$T/s5.dot" 2>&1)
sum=$(summary "$out")
tap_like "switchover (crm_resource --move tank $S): $P demoted, $S promoted" "$sum" \
	"Demote +ctl(:[01])? +\( +Promoted -> Unpromoted $P \).*Promote +ctl(:[01])? +\( +Unpromoted -> Promoted $S \).*Move +tank +\( +$P -> $S \)"
tap_unlike "  nobody fenced" "$sum" "Fence"
demote=$(label "$T/s5.dot" "ctl(:[01])?_demote_0 $P")
promote=$(label "$T/s5.dot" "ctl(:[01])?_promote_0 $S")
check "  order: demote on $P, export, import on $S, promote on $S" \
	eval '[[ -n $demote && -n $promote ]] && reach "$T/s5.dot" "$demote" "tank_stop_0 $P" &&
		reach "$T/s5.dot" "tank_stop_0 $P" "tank_start_0 $S" &&
		reach "$T/s5.dot" "tank_start_0 $S" "$promote"'
check "  (control: the export does not wait for the promote)" \
	eval '! reach "$T/s5.dot" "$promote" "tank_stop_0 $P"'

# ---------------------------------------------------------------------------
# The agents' own checks of the CIB's parameters (crm_resource --validate).

# opts RSC: --option NAME=VALUE for each of RSC's parameters in the CIB.
opts() {
	local n
	for n in $(x "//primitive[@id='$1']/instance_attributes/nvpair/@name" | sed 's/ name="\([^"]*\)"/\1 /g'); do
		printf '%s\0' --option "$n=$(param "$1" "$n")"
	done
}
validate() { # AGENT RSC [NAME=VALUE...]: crm_resource --validate with RSC's parameters
	local agent=$1 rsc=$2 extra=() kv
	shift 2
	for kv in "$@"; do extra+=(--option "$kv"); done
	mapfile -d '' -t o < <(opts "$rsc")
	ns crm_resource --validate --class ocf --provider twinhead --agent "$agent" "${o[@]}" "${extra[@]}" 2>&1
}

out=$(validate zpool tank)
rc=$?
if ((rc == 5)) && [[ $out == *zpool* ]]; then
	skip "tank's parameters pass zpool's validate-all" "zpool is not installed here"
else
	tap_is "tank's parameters pass zpool's validate-all" $rc 0 || tap_diag "$out"
fi
out=$(validate zpool tank pool=mirror0)
tap_is "  (control: a reserved pool name is OCF_ERR_CONFIGURED)" $? 6

out=$(validate ctlha ctl)
tap_is "ctl's parameters pass ctlha's checks; CTL itself is not verifiable here" $? 5
tap_like "  OCF_ERR_INSTALLED: CTL HA exists only on FreeBSD" "$out" "CTL HA exists only on FreeBSD"
out=$(validate ctlha ctl peer=127.0.0.1:7777)
tap_is "  (control: a loopback peer is OCF_ERR_CONFIGURED)" $? 6

out=$(validate iscsitarget target)
tap_is "target's parameters pass iscsitarget's checks; ctld is not verifiable here" $? 5
tap_like "  OCF_ERR_INSTALLED: no ctld" "$out" "ctld is not installed"
(umask 077 && printf 'SECRET-FROM-FILE\n' >"$T/chap.secret")
out=$(TWINHEAD_TOOL_CTLADM=/bin/true validate iscsitarget target secret_file="$T/chap.secret")
tap_is "  with a stand-in ctladm and a local secret file: validate-all passes" $? 0 || tap_diag "$out"
out=$(validate iscsitarget target allowed_initiators=iqn.2026-11.org.example:host1,10.0.1.0/24)
tap_is "  (control: names and addresses mixed is OCF_ERR_CONFIGURED for ctld)" $? 6

# The devices' options through fence_twinhead's own validate-all (the
# options on stdin, as pacemaker-fenced sends them; the password file is a
# local stand-in, since /usr/local/etc does not exist here).
if [[ -x $TH_BUILDDIR/fence/fence_twinhead ]]; then
	printf 'secret\n' >"$T/bmc.pass"
	chmod 600 "$T/bmc.pass"
	for dev in fence-heada fence-headb; do
		mapfile -d '' -t o < <(opts "$dev")
		kv=()
		for ((i = 1; i < ${#o[@]}; i += 2)); do
			[[ ${o[i]} == password_file=* ]] && o[i]=password_file=$T/bmc.pass
			kv+=("${o[i]}")
		done
		out=$(printf '%s\n' action=validate-all "${kv[@]}" | "$TH_BUILDDIR/fence/fence_twinhead" 2>&1)
		tap_is "$dev's options pass fence_twinhead's validate-all" $? 0 || tap_diag "$out"
	done
	out=$(printf '%s\n' action=validate-all "${kv[@]}" cipher=0 | "$TH_BUILDDIR/fence/fence_twinhead" 2>&1)
	tap_is "  (control: cipher=0 fails it with 2)" $? 2
else
	skip "fence devices' options pass fence_twinhead's validate-all" "fence_twinhead not built"
fi

# ---------------------------------------------------------------------------
# ctl.conf: the administrator's part of each head's file, then exactly the
# block the agent writes for the CIB's target parameters. A stand-in for
# `ctld -t -f NEW` keeps NEW and refuses it, so the agent changes nothing.

cat >"$T/ctld" <<'EOF'
#!/bin/sh
[ "$1" = -t ] && [ "$2" = -f ] || exit 2
cp "$3" "$(dirname "$0")/captured"
echo "stand-in ctld: file kept, refused on purpose" >&2
exit 1
EOF
chmod 0755 "$T/ctld"
for h in heada headb; do
	sed '/^# BEGIN twinhead:iscsitarget /,$d' "$EX/ctl.conf.$h" >"$T/ctl.conf"
	rm -f "$T/captured"
	mapfile -d '' -t envs < <(for n in $(x "//primitive[@id='target']/instance_attributes/nvpair/@name" |
		sed 's/ name="\([^"]*\)"/\1 /g'); do
		printf 'OCF_RESKEY_%s\0' "$n=$(param target "$n")"
	done)
	out=$(ns env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_ROOT=/usr/lib/ocf \
		OCF_RESOURCE_INSTANCE=target OCF_RESKEY_CRM_meta_timeout=20000 \
		TWINHEAD_TOOL_CTLD="$T/ctld" TWINHEAD_TOOL_CTLADM=/bin/true "${envs[@]}" \
		OCF_RESKEY_secret_file="$T/chap.secret" OCF_RESKEY_ctld_config="$T/ctl.conf" \
		OCF_RESKEY_ctld_pidfile="$T/ctld.pid" "$RA_DIR/twinhead/iscsitarget" start 2>&1)
	tap_like "ctl.conf.$h: the agent's start checks the new file with ctld -t" "$out" "refused on purpose"
	tap_is "  the file it would install is ctl.conf.$h, byte for byte" \
		"$(cmp "$T/captured" "$EX/ctl.conf.$h" 2>&1 && echo same)" same
	tap_is "  ctl.conf is left as it was" "$(sed '/^# BEGIN twinhead:iscsitarget /,$d' "$EX/ctl.conf.$h" | cmp - "$T/ctl.conf" && echo same)" same
done
tap_is "both heads get the same block" \
	"$(sed -n '/^# BEGIN twinhead/,$p' "$EX/ctl.conf.heada" | md5sum)" \
	"$(sed -n '/^# BEGIN twinhead/,$p' "$EX/ctl.conf.headb" | md5sum)"
tap_isnt "  and different portals" "$(grep 'listen ' "$EX/ctl.conf.heada")" "$(grep 'listen ' "$EX/ctl.conf.headb")"

for f in "$EX"/*; do
	b=$(basename "$f")
	[[ $b == README.md ]] && continue
	tap_like "README.md mentions $b" "$(cat "$EX/README.md")" "$b"
done
tap_done
