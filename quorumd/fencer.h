/* The fence thread: twinhead-quorumd fences the peer off its tick, so a
 * slow BMC delays the takeover but never this head's slot writes or its
 * quorum vote (docs/quorumd.md, "A slow fence"). One attempt at a time.
 *
 * An attempt after a failed one reads the power state back first: a BMC
 * that timed out may still have acted (a chassis that stalls after cutting
 * the power), and then a status read of "off" is the proof, made after the
 * earlier power-off request; only when it does not say off is the
 * power-off sent again (fence_confirm_off). Library code: returns 0 /
 * -errno, never logs. */
#ifndef TWINHEAD_QUORUMD_FENCER_H
#define TWINHEAD_QUORUMD_FENCER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fence.h"

struct fencer;

/* A thread for dev (which stays the caller's). */
int fencer_start(struct fence_dev *dev, struct fencer **out);

/* Starts an attempt bounded by budget_ms: read back first when read_back,
 * then power off and poll the state every poll_ms. -EBUSY while one runs. */
int fencer_begin(struct fencer *f, uint32_t budget_ms, int poll_ms, bool read_back);

/* Whether an attempt finished since the last call. If so, *rc is its
 * result (0: power-off confirmed, else -errno as fence_confirm_off), *at_ms
 * when it finished (deadline_now_ms(): a confirmation is no later than
 * that), *read_back whether the read-back alone confirmed it, and why the
 * device's own reason ("" if none). */
bool fencer_done(struct fencer *f, int *rc, int64_t *at_ms, bool *read_back, char *why,
		 size_t whylen);

/* Waits for a running attempt (bounded by its budget) and ends the thread. */
void fencer_stop(struct fencer *f);

#endif
