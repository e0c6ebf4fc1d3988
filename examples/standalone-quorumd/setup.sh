#!/bin/sh
# Once, on one head, before twinhead-quorumd starts on either head: the pool
# with its LUN file, and the quorum disk. Then the pool is exported: from
# here on only the promote hooks import it.
#
# The lab's enclosure is a directory of files (/srv/enclosure); on a real
# enclosure name the disks, e.g. /dev/disk/by-id/wwn-..., and the quorum
# disk's partition.
set -eu

VDEVS="/srv/enclosure/disks/tank-0 /srv/enclosure/disks/tank-1"
QDISK=/srv/enclosure/qdisk
QDISK_TOOL=${TWINHEAD_QDISK:-twinhead-qdisk}

# Lab only: a missing disk becomes a sparse 1 GiB file (a real disk is never
# created). Copy-on-write needs free space for every overwrite of the LUN:
# a chaos drill's writer filled 128 MiB disks until the pool suspended;
# 1 GiB leaves the pool 15 times the LUN free, and sparse files take host
# disk only as ZFS writes them.
mkdir -p /srv/enclosure/disks
for v in $VDEVS; do
	[ -e "$v" ] || truncate -s 1G "$v"
done
[ -e "$QDISK" ] || truncate -s 1M "$QDISK"

# cachefile=none: no head imports the pool at boot by itself.
zpool create -o cachefile=none -m /srv/tank tank mirror $VDEVS
# The LUN: a 64 MiB file on the pool, allocated up front (ZFS still needs
# free space for every overwrite: see above).
dd if=/dev/zero of=/srv/tank/lun1 bs=1M count=64 status=none
zpool export tank

# The timing is part of the disk: it must match quorumd.conf on both heads.
"$QDISK_TOOL" create "$QDISK" --cluster twinhead --interval-ms 250 --timeout-ms 1000
