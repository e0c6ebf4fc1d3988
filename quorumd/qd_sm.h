/* The decision core of twinhead-quorumd: a pure state machine.
 *
 * It owns no clock, no disk and no fence device: the daemon feeds it what
 * it read (the peer's slot, this head's mailbox) and the time, writes the
 * slot it gets back, reports whether that write was verified, and runs the
 * fence when asked. That is what lets tests drive it with a simulated clock
 * and disk, and what the Promela model (quorumd/model/quorumd.pml) mirrors.
 *
 * The rules (docs/quorumd.md argues them):
 *   - A head becomes primary only (a) after the peer wrote RELEASED or
 *     STOPPED with QD_SLOT_F_SERVICES_DOWN, (b) as the lower node id when the peer is alive and not
 *     primary, (c) after the peer's slot went stale AND its power-off was
 *     confirmed, or (d) in watchdog mode, after the peer's slot has been
 *     stale for timeout + watchdog; always through the candidate step:
 *     write CANDIDATE, read the peer after that write is on disk, back off
 *     if the peer is CANDIDATE or PRIMARY (in (c) and (d): only if it wrote
 *     that after the fence). Two heads that both run cannot both pass it.
 *   - A poison pill, read in any state, means the peer is fencing this
 *     head: for poison_hold_ms after it this head makes none of the claims
 *     that need no fence ((a), (b)); (c) and (d) stay open. Without the
 *     hold a head that lost its lease and stepped down, then read the
 *     pill as a secondary, ran as the lower id while the peer's fence was
 *     still on its way, and started services the fence then cut (a flap).
 *     It only ever removes transitions; it ends by itself, so a fence that
 *     never comes cannot wedge the pair.
 *   - A primary that sees a newer epoch (or an equal one from the lower id)
 *     in the peer's slot, a poison pill, or no verified write of its own
 *     for a timeout stops acting as primary at once.
 *   - The handover: RELEASED or STOPPED (with QD_SLOT_F_SERVICES_DOWN)
 *     reaches the disk only after every demote hook succeeded, reported
 *     through qd_sm_demote_result(). While the hooks run the head keeps
 *     its slot (PRIMARY, QD_SLOT_F_DEMOTING) and its lease. A demote that
 *     fails leaves the head primary, holding its lease, with its services
 *     in an unknown state (QD_SLOT_F_DEMOTE_FAILED): never a handover.
 *   - Nothing here reads the network: a split between the heads that leaves
 *     both writing the disk changes nothing.
 *   - The vote (cluster mode) follows the verified primary lease. */
#ifndef TWINHEAD_QD_SM_H
#define TWINHEAD_QD_SM_H

#include <stdbool.h>
#include <stdint.h>

#include "qdisk_format.h"
#include "quorumd_state.h"

struct qd_sm_config {
	unsigned my_id;          /* 1 or 2 */
	uint32_t interval_ms;
	uint32_t timeout_ms;
	uint32_t fence_retry_ms; /* wait after an unconfirmed fence */
	uint32_t watchdog_ms;    /* 0: watchdog mode off */
	uint32_t poison_hold_ms; /* after a poison pill: no claim without a fence
				  * for this long (qc_poison_hold_ms); 0: none */
};

enum qd_fence_state {
	QD_FENCE_IDLE,
	QD_FENCE_PENDING,   /* asked the daemon to fence; no answer yet */
	QD_FENCE_CONFIRMED, /* power-off confirmed for the peer as last seen */
	QD_FENCE_FAILED,    /* unconfirmed: no takeover; retry later */
};

struct qd_sm {
	struct qd_sm_config cfg;
	unsigned peer_id;
	enum qd_state state;      /* what this head's slot says */
	bool acting;              /* primary services are running here */
	uint64_t incarnation, seq, epoch, candidate_epoch;
	bool candidate_written;   /* the CANDIDATE slot was verified on disk */
	bool candidate_fenced;    /* running after fencing the peer: what it left
				   * on disk before the fence does not compete */
	int64_t started_ms;
	int64_t last_write_ok_ms; /* last verified write; -1 none */
	bool write_pending;       /* out.slot handed out, result not reported */

	bool peer_seen;           /* a valid peer slot was read at least once */
	struct qd_slot peer;      /* the last valid peer slot */
	int64_t peer_changed_ms;  /* when peer (incarnation, seq) last changed */

	enum qd_fence_state fence;
	uint64_t fence_incarnation, fence_seq; /* the peer slot the fence was about */
	int64_t fence_failed_ms;
	int64_t fence_confirmed_ms; /* the last confirmed power-off (kept after the
				     * peer returns: readers judge its age); 0 none */

	uint64_t mailbox_done_id; /* requests up to this id were handled */
	int64_t poison_read_ms;   /* when the last poison pill was read, in any
				   * state; -1 none: the hold runs from here */
	bool hold_logged;         /* the hold of that pill held a claim (logged) */
	char hold_msg[200];       /* what out.reason points to then */
	uint64_t released_epoch;  /* the epoch this head let go of */

	/* Services (the hooks). acting above: the services were started and
	 * no demote finished since (they may be running). */
	bool demoting;            /* demote hooks asked for, result not reported */
	bool services_down;       /* the last demote succeeded, no promote since */
	bool demote_failed;       /* the last demote failed */
	bool startup_demote;      /* the start-up demote was asked for */
	bool releasing;           /* primary, demoting to hand over (release or stop) */
	bool stop_requested;      /* shut down once services are down */
	const char *last_reason;  /* why the last transition happened */
};

enum qd_action {
	QD_ACT_WRITE = 1u << 0,   /* write out.slot and report qd_sm_write_result */
	QD_ACT_FENCE = 1u << 1,   /* fence the peer and report qd_sm_fence_result */
	QD_ACT_DEMOTE = 1u << 2,  /* stop primary services now (hooks) */
	QD_ACT_POISON = 1u << 3,  /* write a poison pill into the peer's mailbox */
	QD_ACT_PROMOTE = 1u << 4, /* start primary services (hooks): from write_result */
};

struct qd_tick_in {
	int64_t now_ms;
	int peer_rc;                /* 0: peer holds a valid slot; -ENODATA: never written;
				     * other <0: unreadable or invalid */
	struct qd_slot peer;
	int mailbox_rc;             /* 0: a valid mailbox record; <0: none/invalid */
	struct qd_mailbox mailbox;
};

struct qd_tick_out {
	unsigned actions;           /* enum qd_action */
	struct qd_slot slot;        /* to write when QD_ACT_WRITE */
	bool vote;                  /* cast the quorum vote (cluster mode) */
	bool pet_watchdog;          /* this head's lease is fresh: keep the watchdog
				     * from resetting it (watchdog mode); the
				     * daemon checks qd_sm_may_pet() again right
				     * before the pet */
	bool final;                 /* out.slot is the last one (RELEASED or STOPPED
				     * at shutdown): exit once it is verified */
	const char *reason;         /* non-NULL when something changed: for the log */
};

/* own: this head's slot as found on disk (NULL when never written): seq and
 * epoch continue from it. A fresh incarnation number comes from the caller. */
void qd_sm_init(struct qd_sm *sm, const struct qd_sm_config *cfg, const struct qd_slot *own,
		uint64_t incarnation, int64_t now_ms);

/* One interval: decide from what was read. */
void qd_sm_tick(struct qd_sm *sm, const struct qd_tick_in *in, struct qd_tick_out *out);

/* The write of out.slot was verified (ok) or not. Returns QD_ACT_PROMOTE
 * when this head just became primary on disk and must start its services,
 * else 0. */
/* Whether the head may cast the quorum device's vote now: primary, acting
 * on it, lease fresh. The daemon asks again right after a promotion so the
 * vote is not a whole interval late. */
bool qd_sm_may_vote(const struct qd_sm *sm, int64_t now_ms);
unsigned qd_sm_write_result(struct qd_sm *sm, bool ok, int64_t now_ms);

/* A poison pill this head's daemon found in its mailbox at start, posted
 * age_ms before now_ms (qd_sm_tick acts only on later requests): posted
 * while the daemon was down or restarting, its fence may still land. The
 * hold (above) runs from when it was posted (a negative age counts as 0).
 * Returns whether it still runs; a pill as old as the hold means
 * nothing. */
bool qd_sm_poison_found(struct qd_sm *sm, int64_t now_ms, int64_t age_ms);

/* How long the poison-pill hold still runs at now_ms; 0 when none does.
 * For `twinhead-quorumd status`: why a head does not run for primary. */
int64_t qd_sm_poison_hold_left_ms(const struct qd_sm *sm, int64_t now_ms);

/* The fence asked for finished: confirmed off, or not. */
void qd_sm_fence_result(struct qd_sm *sm, bool confirmed, int64_t now_ms);

/* Asks for a clean shutdown. The next ticks stop the services (demote
 * hooks) if they may be running, then hand out the final slot (out.final):
 * RELEASED from a primary, else STOPPED, with QD_SLOT_F_SERVICES_DOWN. A
 * failed demote cancels the request: the head stays what it was. */
void qd_sm_request_stop(struct qd_sm *sm);

/* The demote hooks asked for by QD_ACT_DEMOTE finished: all succeeded
 * (ok) or not. Returns a sentence for the log. A success while releasing
 * makes the next slot RELEASED; a failure keeps the head primary with
 * its lease and cancels a release or a stop. */
const char *qd_sm_demote_result(struct qd_sm *sm, bool ok, int64_t now_ms);

/* Whether the lease is fresh at now_ms: the watchdog may be petted. The
 * daemon asks with a fresh clock right before each pet, after the tick's
 * read, so a pet never rests on a decision made before a slow read. */
bool qd_sm_may_pet(const struct qd_sm *sm, int64_t now_ms);

/* Whether the peer's last slot is a clean handover: RELEASED or STOPPED
 * with QD_SLOT_F_SERVICES_DOWN. */
bool qd_sm_peer_clean(const struct qd_sm *sm);

/* Whether the peer's slot is stale at now (for status output). */
bool qd_sm_peer_stale(const struct qd_sm *sm, int64_t now_ms);

/* What the daemon publishes for the agents (lib/quorumd_state.h): this
 * head's role and what it knows of the peer at now_ms, confirmed at wall_s
 * (unix seconds). The daemon writes exactly this through
 * quorumd_state_format(), so the file the agents parse is the file the
 * state machine means. The fence keys: peer_seen_ms and fenced_ms from
 * here; peer_member_ms 0 and fenced_bmc "none", for the daemon to fill
 * (it knows the membership and the fence device). */
void qd_sm_published(const struct qd_sm *sm, int64_t now_ms, int64_t wall_s,
		     struct quorumd_state *out);

#endif
