/* ZFS multihost protection (MMP): how long an import may wait.
 *
 * With multihost=on, `zpool import` first watches the pool's uberblocks
 * for another host's heartbeats (the "activity check") and only then
 * imports. The wait is set by the importing host's tunables and by what the
 * last writer recorded; OpenZFS's spa_activity_check_duration() takes the
 * largest of
 *     1 s,
 *     zfs_multihost_import_intervals * zfs_multihost_interval,
 *     zfs_multihost_fail_intervals * zfs_multihost_interval * 2,
 * (interval at least 100 ms), and adds up to a quarter at random. The zpool
 * agent sizes its start deadline to this bound, using this host's tunables
 * for both hosts (the heads of one pair are configured alike).
 *
 * Pure: no system access (os_zfs_mmp() reads the tunables). */
#ifndef TWINHEAD_ZPOOL_MMP_H
#define TWINHEAD_ZPOOL_MMP_H

#include <stdint.h>

/* OpenZFS's MMP_MIN_INTERVAL. */
#define ZPOOL_MMP_MIN_INTERVAL_MS 100

/* The longest activity check an import can run, in milliseconds, for
 * these tunables (saturating; never below 1000). */
int64_t zpool_mmp_import_wait_ms(uint64_t interval_ms, uint64_t import_intervals,
				 uint64_t fail_intervals);

#endif
