/* Deadlines on the monotonic clock.
 *
 * Every external call an agent or the daemon makes is bounded by a deadline
 * that comes from the action's timeout (CRM_meta_timeout). A deadline is an
 * absolute point on CLOCK_MONOTONIC, so it survives wall-clock jumps. */
#ifndef TWINHEAD_DEADLINE_H
#define TWINHEAD_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct deadline {
	int64_t at_ms; /* CLOCK_MONOTONIC milliseconds; INT64_MAX = never */
};

/* Milliseconds on CLOCK_MONOTONIC. */
int64_t deadline_now_ms(void);

/* A deadline ms milliseconds from now. */
struct deadline deadline_in_ms(int64_t ms);

/* Milliseconds left, never negative. */
int64_t deadline_left_ms(struct deadline d);

bool deadline_expired(struct deadline d);

/* The earlier of d and (now + ms): for a sub-step with its own cap. */
struct deadline deadline_cap_ms(struct deadline d, int64_t ms);

/* Sleep for ms, or until d, whichever is sooner. Returns -ETIMEDOUT when d
 * has passed on return, else 0. */
int deadline_sleep_ms(struct deadline d, int64_t ms);

/* Waits until fd is ready for events (POLLIN, POLLOUT) or d passes.
 * Returns 0 when ready (or on POLLERR/POLLHUP: the next read or write
 * reports it), -ETIMEDOUT at the deadline, or -errno. */
int deadline_poll_fd(int fd, short events, struct deadline d);

/* Receives exactly n bytes from the stream socket fd before d: 0, or
 * -EPROTO when the peer closed first, -ETIMEDOUT, or -errno. */
int deadline_recv_all(int fd, void *buf, size_t n, struct deadline d);

#endif
