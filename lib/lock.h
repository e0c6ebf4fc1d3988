/* Serialisation for tools that are not safe to run concurrently
 * (targetcli, tgtadm config changes, zpool import of one pool, ...).
 *
 * An flock(2) on a file in the run directory; the kernel drops it when the
 * holder dies, so a crashed agent never leaves a stale lock behind.
 * Library code: never logs, never exits. */
#ifndef TWINHEAD_LOCK_H
#define TWINHEAD_LOCK_H

#include "deadline.h"

/* Initialise with LOCK_INIT: a zeroed struct lock looks held on fd 0. */
struct lock {
	int fd; /* -1 when not held */
};

#define LOCK_INIT { .fd = -1 }

/* Takes an exclusive lock on path (created 0600, parent directories created
 * 0700 as needed), waiting at most until d.
 * A free lock is taken even when d has already passed.
 * Returns 0 when held, -ETIMEDOUT when d passed first, -EBUSY when l is
 * already held, -EINVAL for an empty path, or -errno. A symlink at path is
 * refused. */
int lock_acquire(struct lock *l, const char *path, struct deadline d);

/* Releases the lock if held. Safe to call twice. */
void lock_release(struct lock *l);

#endif
