/* Promote and demote hooks, run in order on a thread of their own so that a
 * slow pool import or export never delays the daemon's disk heartbeat (a
 * head that stopped writing its slot would be fenced by its peer). Each
 * hook is an argv run through exec_run() with the configured deadline.
 *
 * Requests coalesce: only the latest wanted role matters. A request that
 * has not started when a newer one arrives is replaced by it (and reported
 * as superseded); one that runs finishes first. Nothing is dropped
 * silently: every id gets an answer from hooks_status(). */
#ifndef TWINHEAD_QUORUMD_HOOKS_H
#define TWINHEAD_QUORUMD_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

#include "qconfig.h"

struct hooks;

enum hooks_status {
	HOOKS_PENDING,    /* queued, not started */
	HOOKS_RUNNING,
	HOOKS_OK,         /* every hook of the request succeeded */
	HOOKS_FAILED,     /* at least one failed or timed out (the rest still ran) */
	HOOKS_SUPERSEDED, /* replaced by a newer request before it started */
};

/* Returns 0 or -errno (the thread could not start). */
int hooks_start(const struct qc_config *cfg, struct hooks **out);

/* Asks for the promote (start services) or demote (stop them) hooks.
 * Returns the request's id: ids grow by one, starting at 1. */
uint64_t hooks_request(struct hooks *h, bool promote, uint64_t epoch);

/* What became of request id: pending, running, or the result of the last
 * finished request. Any other id reads HOOKS_SUPERSEDED (replaced before
 * it ran, or finished before a newer request did): ask about the latest. */
enum hooks_status hooks_status(struct hooks *h, uint64_t id);

/* Stops the thread after the hook running now, if any; pending requests
 * are abandoned. */
void hooks_stop(struct hooks *h);

#endif
