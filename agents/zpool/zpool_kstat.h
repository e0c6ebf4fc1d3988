/* OpenZFS's per-pool state kstat, /proc/spl/kstat/zfs/POOL/state on Linux:
 * the word spa_state_to_name() gives and a newline. It says SUSPENDED as
 * soon as the pool's I/O is suspended, whatever the root vdev's state, and
 * costs one read of a small file: no zpool, no ioctl, no lock in ZFS.
 *
 * Words (OpenZFS 2.1, module/zfs/spa_misc.c): SUSPENDED, ONLINE, DEGRADED,
 * FAULTED, UNAVAIL, OFFLINE, REMOVED, and SPLIT, TRANSITIONING (no root
 * vdev yet: an import or export in progress) and UNKNOWN.
 *
 * For the OpenZFS backend's monitor (the qemu kernel tier). Pure: bytes
 * in, a health out; never logs. */
#ifndef TWINHEAD_ZPOOL_KSTAT_H
#define TWINHEAD_ZPOOL_KSTAT_H

#include <stddef.h>

#include "zpool_parse.h"

/* The kstat's path for pool (a name zpool_name_check accepts) into buf.
 * Returns 0, -EINVAL for a bad name, -ENAMETOOLONG. */
int zpool_kstat_state_path(const char *pool, char *buf, size_t len);

/* Parses the kstat's content buf[0..len): exactly one word of 1 to 15
 * upper-case letters and a newline. Returns 0 with *h the health it names
 * (ZPOOL_HEALTH_SUSPENDED for a suspended pool; ZPOOL_HEALTH_UNKNOWN for
 * SPLIT, TRANSITIONING, UNKNOWN or a word this code does not know: a
 * transient state to read again) and word filled (wordlen >= 16), or
 * -EINVAL for anything else. */
int zpool_kstat_state_parse(const char *buf, size_t len, enum zpool_health *h, char *word,
			    size_t wordlen);

#endif
