/* The quorum device's vote (cluster mode): cast it, withhold it, or hold
 * the answer back for a moment. docs/quorumd.md ("The vote while
 * fencing") argues the rules; tests/unit/qdisk/qd_vote_test.c checks them
 * against a simulated votequorum.
 *
 * votequorum counts the device's vote on a node only while that node's
 * device polls with cast_vote set (corosync exec/votequorum.c: the local
 * node's NODE_FLAGS_QDEVICE_CAST_VOTE), and drops it when no poll came for
 * the device timeout. After a membership change it waits for the device's
 * first poll on the new ring, up to the device's sync_timeout, before it
 * decides quorum (only while the device is alive: polled within its
 * timeout). So the vote on a new ring may come late but must not come
 * wrong: a "no" there makes this head inquorate at once, and Pacemaker
 * stops everything it runs.
 *
 *   YES   this head holds the verified primary lease (qd_sm_may_vote), or
 *         it is fencing a stale peer: its own lease is fresh, the peer's
 *         slot has not changed for the guard, a fence of exactly that slot
 *         is asked for or confirmed, and fence_vote_ms have not passed
 *         since the guard. The guard is the later of 2 x timeout + interval
 *         (a peer alive but cut off the disk has withdrawn its vote by
 *         then) and device timeout + interval (a peer whose quorumd froze
 *         has lost its vote in votequorum by then).
 *   HOLD  the peer's slot is late (unchanged for more than two intervals)
 *         but the guard has not passed, and this head's own lease is
 *         fresh: answer "no" only on the ring already answered (that keeps
 *         the device alive), never on a new one, which then waits.
 *   NO    everything else. */
#ifndef TWINHEAD_QD_VOTE_H
#define TWINHEAD_QD_VOTE_H

#include <stdint.h>

#include "qd_sm.h"

enum qd_vote { QD_VOTE_NO, QD_VOTE_YES, QD_VOTE_HOLD };

struct qd_vote_config {
	int64_t guard_ms;       /* qd_vote_guard_ms() */
	uint32_t fence_vote_ms; /* how long after the guard a fencing head votes
				 * without confirmation (0: not at all) */
};

/* The guard for sm's timing and corosync's device timeout. */
int64_t qd_vote_guard_ms(const struct qd_sm_config *cfg, uint32_t device_timeout_ms);

enum qd_vote qd_vote_decide(const struct qd_sm *sm, const struct qd_vote_config *vc,
			    int64_t now_ms);

const char *qd_vote_name(enum qd_vote v);

#endif
