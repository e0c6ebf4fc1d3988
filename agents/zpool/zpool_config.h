/* A pool's configuration (the nvlist ZFS_IOC_POOL_STATS returns) read into
 * the row `zpool list -H -o name,health,guid POOL` prints, for the one case
 * a direct query may answer by itself: the pool imported and ONLINE.
 *
 * zpool's health (libzfs zpool_get_prop, zfs-fuse 0.7.0 and OpenZFS alike)
 * is FAULTED when the pool could not be opened (the ioctl's cookie), else
 * the root vdev's state: HEALTHY is ONLINE. Every other state has rules
 * (aux codes, versions) that zpool itself applies better: those answers go
 * back to zpool.
 *
 * One answer is better than zpool's: a pool whose I/O is suspended
 * ("suspended" in the config, its value the failmode) or whose writes fail
 * at the top of the pool (root vdev write errors: no copy of the data
 * reached a disk). zfs-fuse 0.7.0 never sets "suspended" and its zpool
 * list, status -x and status keep saying ONLINE while every writer hangs;
 * the root vdev's write errors are what it shows. Such a pool is reported
 * SUSPENDED with the details in row->io. Pure; never logs. */
#ifndef TWINHEAD_ZPOOL_CONFIG_H
#define TWINHEAD_ZPOOL_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "zpool_parse.h"

/* vdev_state_t's HEALTHY, and the pool state ACTIVE (an imported pool). */
#define ZPOOL_VDEV_STATE_HEALTHY 7
#define ZPOOL_POOL_STATE_ACTIVE 0

/* Reads config[0..len) (a packed native nvlist) for pool. Returns 0 with
 * row filled (name, guid, ONLINE; or SUSPENDED with row->io saying why);
 * -EAGAIN when the configuration is sound but says something else (another
 * state, not active), why saying what: zpool must answer; -EPROTO for a
 * configuration that cannot be read or that lacks what it must hold (name,
 * pool_guid, state, vdev_tree with its stats), why saying where. */
int zpool_config_row(const uint8_t *config, size_t len, const char *pool,
		     struct zpool_row *row, char *why, size_t whylen);

#endif
