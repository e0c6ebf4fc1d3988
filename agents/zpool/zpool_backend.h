/* Asking ZFS about a pool without running zpool: one backend per way of
 * reaching ZFS (zfs-fuse's socket here; OpenZFS's /dev/zfs ioctls could
 * follow). A backend only ever answers what it is sure zpool would print
 * for an imported, ONLINE pool, or SUSPENDED for a pool whose I/O is
 * suspended or whose writes fail at its top (where zfs-fuse's zpool still
 * prints ONLINE: see zpool_config.h); anything else (no such pool, another
 * health, no daemon, a protocol surprise, its time cap) is an error, and
 * the caller runs zpool, whose word stands. Library code: -errno, never
 * logs. */
#ifndef TWINHEAD_ZPOOL_BACKEND_H
#define TWINHEAD_ZPOOL_BACKEND_H

#include <stddef.h>

#include "deadline.h"
#include "zpool_parse.h"

struct zpool_backend {
	const char *name;
	/* The row `zpool list -H -o name,health,guid pool` would print,
	 * asked at where (a socket or device path; NULL: the backend's
	 * default) until d. Returns 0 with row filled (health ONLINE, or
	 * SUSPENDED with row->io);
	 * -ENOENT when ZFS says there is no such pool; -EAGAIN for an answer
	 * zpool must give (another health, the pool not opened); -ENOTCONN
	 * when ZFS is not reachable there; -EPROTO for an answer outside the
	 * protocol; -ETIMEDOUT at d; another -errno. why says what, for a
	 * debug log. */
	int (*list)(const char *where, const char *pool, struct deadline d,
		    struct zpool_row *row, char *why, size_t whylen);
};

/* zfs-fuse 0.7.0: ZFS_IOC_POOL_STATS over its socket (agents/zpool/zfsfuse_ipc.c). */
extern const struct zpool_backend zpool_backend_zfsfuse;

/* OpenZFS: the pool's state kstat (where: the kstat directory, NULL for
 * /proc/spl/kstat/zfs), read without a lock and without running anything,
 * parsed by zpool_kstat_state_parse(): ONLINE, or SUSPENDED with only
 * row->io.suspended set. It knows no guid: row->guid is 0, so a caller that
 * must check the guid asks zpool instead. -ENOTCONN: this host has no
 * OpenZFS kstats. */
extern const struct zpool_backend zpool_backend_kstat;

#endif
