/* Promote and demote hooks, run in order on a thread of their own so that a
 * slow pool import never delays the daemon's disk heartbeat (a head that
 * stopped writing its slot would be fenced by its peer). Each hook is an
 * argv run through exec_run() with the configured deadline. */
#ifndef TWINHEAD_QUORUMD_HOOKS_H
#define TWINHEAD_QUORUMD_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

#include "qconfig.h"

struct hooks;

int hooks_start(const struct qc_config *cfg, struct hooks **out);

/* Queues the promote (start services) or demote (stop them) hooks. */
void hooks_queue(struct hooks *h, bool promote, uint64_t epoch);

/* Waits until the queue is empty, at most ms. Returns true when it is. */
bool hooks_drain(struct hooks *h, int64_t ms);

void hooks_stop(struct hooks *h);

#endif
