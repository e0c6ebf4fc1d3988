#!/bin/sh
# Once, on one head, before the cluster configuration is loaded: two pools
# (tank, served by heada; pond, served by headb), each with its LUN file,
# and the quorum disk. Both pools are exported: only the cluster imports.
#
# The lab's enclosure is a directory of files (/srv/enclosure); on a real
# enclosure name the disks, e.g. /dev/disk/by-id/wwn-..., and the quorum
# disk's partition.
set -eu

QDISK=/srv/enclosure/qdisk
QDISK_TOOL=${TWINHEAD_QDISK:-twinhead-qdisk}

mkdir -p /srv/enclosure/disks
for pool in tank pond; do
	vdevs="/srv/enclosure/disks/$pool-0 /srv/enclosure/disks/$pool-1"
	# Lab only: a missing disk becomes a sparse 1 GiB file (a real disk is
	# never created). Copy-on-write needs free space for every overwrite of
	# the LUN: a chaos drill's writer filled 128 MiB disks until the pool
	# suspended; 1 GiB leaves 15 times the LUN free, and sparse files take
	# host disk only as ZFS writes them.
	for v in $vdevs; do
		[ -e "$v" ] || truncate -s 1G "$v"
	done
	# cachefile=none: no head imports a pool at boot by itself.
	zpool create -o cachefile=none -m "/srv/$pool" "$pool" mirror $vdevs
	dd if=/dev/zero of="/srv/$pool/lun1" bs=1M count=64 status=none
	zpool export "$pool"
done

[ -e "$QDISK" ] || truncate -s 1M "$QDISK"
# The timing is part of the disk: it must match quorumd.conf on both heads.
"$QDISK_TOOL" create "$QDISK" --cluster twinhead --interval-ms 250 --timeout-ms 1000
