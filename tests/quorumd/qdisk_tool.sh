#!/bin/bash
# twinhead-qdisk on real files: create, dump (text and JSON), check, the
# refusal to overwrite, and clear errors for small, foreign and corrupted
# disks. Needs no root: a file is a valid quorum disk.
TH_SRCDIR=${TH_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TH_BUILDDIR=${TH_BUILDDIR:-$TH_SRCDIR}
. "$TH_SRCDIR/tests/lib/tap.sh"

Q=$TH_BUILDDIR/quorumd/twinhead-qdisk
# The disk lives beside the build, not on tmpfs: O_DIRECT is the normal path.
work=$(mktemp -d "$TH_BUILDDIR/tests/quorumd/qdisk.XXXXXX")
trap 'rm -rf "$work"' EXIT
disk=$work/qd.img
truncate -s 1M "$disk"

out=$("$Q" create "$disk" --cluster stor-ha 2>&1)
tap_is "create on a 1 MiB file" $? 0
tap_like "  reports the uuid" "$out" "uuid [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-"
out=$("$Q" check "$disk" 2>&1)
tap_is "check passes on a new disk" $? 0
out=$("$Q" dump "$disk" 2>&1)
tap_like "dump shows the cluster and empty slots" "$out" "cluster stor-ha.*slot 1: never written"
json=$("$Q" dump "$disk" --json 2>&1)
tap_like "dump --json has cluster, timing and both slots" "$json" \
	'^\{"device":.*"cluster":"stor-ha".*"interval_ms":500,"timeout_ms":2000.*"slots":\[\{"node":1,"state":"empty"\},\{"node":2,"state":"empty"\}\].*"problems":0\}$'
uuid1=$(sed -n 's/.*"uuid":"\([^"]*\)".*/\1/p' <<<"$json")

out=$("$Q" create "$disk" --cluster other 2>&1)
tap_is "create refuses to overwrite an existing disk" $? 1
tap_like "  and says whose it is" "$out" "already holds the quorum disk of cluster 'stor-ha'"
tap_like "  the disk is unchanged" "$("$Q" dump "$disk" --json)" "\"uuid\":\"$uuid1\""
out=$("$Q" create "$disk" --cluster other --force 2>&1)
tap_is "create --force overwrites an idle disk" $? 0
tap_unlike "  with a new uuid" "$("$Q" dump "$disk" --json)" "\"uuid\":\"$uuid1\""

out=$("$Q" create "$disk" --cluster x --force --interval-ms 500 --timeout-ms 900 2>&1)
tap_is "timing that cannot work is refused" $? 1
tap_like "  with the rule" "$out" "at least 3 intervals"
out=$("$Q" create "$disk" --cluster "two words" --force 2>&1)
tap_is "a cluster name with a space is refused" $? 1

small=$work/small.img
truncate -s 512K "$small"
out=$("$Q" create "$small" --cluster stor 2>&1)
tap_is "a disk under 1 MiB is refused" $? 1
tap_like "  with the size rule" "$out" "needs at least 1048576"

garbage=$work/garbage.img
head -c 1048576 /dev/urandom >"$garbage"
out=$("$Q" check "$garbage" 2>&1)
tap_is "check fails on random bytes" $? 1
tap_like "  saying it is not a quorum disk" "$out" "not a twinhead quorum disk"
json=$("$Q" dump "$garbage" --json 2>&1)
tap_like "dump --json reports the error as JSON" "$json" '^\{"device":.*"error":"not a twinhead'

# One flipped byte in the header's cluster name.
cp "$disk" "$work/flip.img"
printf 'X' | dd of="$work/flip.img" bs=1 seek=33 conv=notrunc status=none
out=$("$Q" check "$work/flip.img" 2>&1)
tap_is "check fails on a corrupted header" $? 1
tap_like "  naming the checksum" "$out" "checksum mismatch"

out=$("$Q" release "$disk" --node 1 2>&1)
tap_is "release refuses a node that is not primary" $? 1
tap_like "  and says so" "$out" "not primary"
out=$("$Q" dump 2>&1)
tap_is "usage error exits 2" $? 2
tap_done
