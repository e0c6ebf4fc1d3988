#!/bin/sh
# The baseline's storage: the same pool and LUN file as
# examples/active-passive, and no quorum disk.
set -eu
VDEVS="/srv/enclosure/disks/tank-0 /srv/enclosure/disks/tank-1"
mkdir -p /srv/enclosure/disks
for v in $VDEVS; do
	[ -e "$v" ] || truncate -s 1G "$v"
done
zpool create -o cachefile=none -m /srv/tank tank mirror $VDEVS
dd if=/dev/zero of=/srv/tank/lun1 bs=1M count=64 status=none
zpool export tank
