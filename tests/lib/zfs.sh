# tests/lib/zfs.sh: real ZFS (zfs-fuse) in lab heads, for the zpool tests.
# shellcheck shell=bash
# Source it after tests/lib/lab.sh, and call zfs_lab_start instead of
# lab_start:
#
#   zfs_lab_start NAME NODE...  lab_start, then a zfs-fuse daemon in every
#                               node (skips the test without zfs-fuse)
#   zfs_up NODE                 (re)start NODE's zfs-fuse and wait until
#                               zpool answers (after a poweron)
#   zfs_pid NODE                zfs-fuse's pid inside NODE
#   zfs_disks                   the directory of this lab's file vdevs
#                               (in the shared dir: every head sees it)
#   zfs_pool_create NODE POOL SIZE_MB LEG...
#                               a mirror of files LEG in zfs_disks, its
#                               mount points under zfs_mnt, then exported
#   zfs_mnt                     where the pools' datasets mount (shared path,
#                               private mounts)
#   zp NODE ARGS...             zpool ARGS in NODE, output on stdout
#   zp_imported NODE            names of the pools imported in NODE
#   zpool_run NODE ACTION [key=value...]
#                               agent_run NODE zpool ACTION with
#                               pool=$ZP_POOL search_dirs=$(zfs_disks)
#                               first (later arguments override)
#   zfs_write_quorumd_state NODE TEXT
#                               TEXT and a final newline as NODE's quorumd
#                               state file
#                               (TWINHEAD_RUNDIR/quorumd/state, by rename,
#                               the way quorumd publishes it)
#
# zfs-fuse runs daemonized inside the node (a child of the node's init):
# stopping it with SIGSTOP then stops nothing outside the node, and the
# node's power-off kills it like the rest of the head.

ZP_POOL=${ZP_POOL:-tank}

zfs_disks() { echo "$(lab_state_dir)/shared/disks"; }
zfs_mnt() { echo "$(lab_state_dir)/shared/mnt"; }

zfs_up() {
	local node=$1
	# A stale pidfile (a previous boot's) makes zfs-fuse refuse to start.
	lab_exec "$node" rm -f /run/zfs-fuse.pid
	lab_exec "$node" zfs-fuse --no-kstat-mount --pidfile /run/zfs-fuse.pid ||
		return 1
	lab_wait_for "$LAB_START_S" "zfs-fuse in $node answering zpool list" lab_exec "$node" zpool list
}

zfs_pid() { lab_exec "$1" cat /run/zfs-fuse.pid; }

zfs_lab_start() {
	local n
	command -v zfs-fuse >/dev/null || tap_skip_all "zfs-fuse missing (apt-get install zfs-fuse)"
	[[ -e /dev/fuse ]] || tap_skip_all "no /dev/fuse"
	lab_start "$@"
	shift
	mkdir -p "$(zfs_disks)" "$(zfs_mnt)"
	for n in "$@"; do
		zfs_up "$n" || {
			printf 'Bail out! zfs-fuse did not start in %s\n' "$n"
			exit 1
		}
	done
}

zfs_pool_create() {
	local node=$1 pool=$2 mb=$3 legs=() l
	shift 3
	for l in "$@"; do
		truncate -s "${mb}M" "$(zfs_disks)/$l"
		legs+=("$(zfs_disks)/$l")
	done
	lab_exec "$node" zpool create -o cachefile=none -m "$(zfs_mnt)/$pool" "$pool" \
		mirror "${legs[@]}" >/dev/null 2>&1 &&
		lab_exec "$node" zpool export "$pool"
}

zp() {
	local node=$1
	shift
	lab_exec "$node" zpool "$@" 2>&1
}

zp_imported() {
	lab_exec "$1" zpool list -H -o name 2>/dev/null | sort | tr '\n' ' ' | sed 's/ $//'
}

zpool_run() {
	local node=$1 action=$2
	shift 2
	agent_run "$node" zpool "$action" pool="$ZP_POOL" search_dirs="$(zfs_disks)" "$@"
}

zfs_write_quorumd_state() {
	lab_exec "$1" sh -c 'mkdir -p /run/twinhead/quorumd &&
		printf "%s\n" "$1" >/run/twinhead/quorumd/.state.tmp &&
		mv /run/twinhead/quorumd/.state.tmp /run/twinhead/quorumd/state' _ "$2"
}
