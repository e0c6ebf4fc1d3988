/* The decision core of twinhead-quorumd. Read qd_sm.h first. */
#include "config.h"
#include "qd_sm.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void qd_sm_init(struct qd_sm *sm, const struct qd_sm_config *cfg, const struct qd_slot *own,
		uint64_t incarnation, int64_t now_ms)
{
	memset(sm, 0, sizeof(*sm));
	sm->cfg = *cfg;
	sm->peer_id = 3 - cfg->my_id;
	sm->state = QD_STATE_STARTING;
	sm->incarnation = incarnation;
	/* seq never goes back on disk, across restarts too; the epoch this head
	 * last knew is a floor for any epoch it will claim. */
	sm->seq = own ? own->seq : 0;
	sm->epoch = own ? own->epoch : 0;
	sm->started_ms = now_ms;
	sm->last_write_ok_ms = -1;
	sm->poison_read_ms = -1;
	sm->fence = QD_FENCE_IDLE;
}

bool qd_sm_peer_stale(const struct qd_sm *sm, int64_t now_ms)
{
	int64_t since = sm->peer_seen ? sm->peer_changed_ms : sm->started_ms;

	return now_ms - since > (int64_t)sm->cfg.timeout_ms;
}

static bool lease_fresh(const struct qd_sm *sm, int64_t now_ms)
{
	return sm->last_write_ok_ms >= 0 &&
	       now_ms - sm->last_write_ok_ms <= (int64_t)sm->cfg.timeout_ms;
}

bool qd_sm_may_pet(const struct qd_sm *sm, int64_t now_ms)
{
	return lease_fresh(sm, now_ms) || sm->state == QD_STATE_STARTING;
}

static bool slot_clean(const struct qd_slot *s)
{
	return (s->state == QD_STATE_RELEASED || s->state == QD_STATE_STOPPED) &&
	       (s->flags & QD_SLOT_F_SERVICES_DOWN);
}

/* A slot that claims nothing and whose services are down: the only peer
 * a candidate may pass (unless it fenced what the slot shows). */
static bool slot_quiet(const struct qd_slot *s)
{
	return (s->state == QD_STATE_SECONDARY || s->state == QD_STATE_RELEASED ||
		s->state == QD_STATE_STOPPED) &&
	       (s->flags & QD_SLOT_F_SERVICES_DOWN);
}

bool qd_sm_peer_clean(const struct qd_sm *sm)
{
	return sm->peer_seen && slot_clean(&sm->peer);
}

/* Stop the services: the result comes through qd_sm_demote_result(). */
static void ask_demote(struct qd_sm *sm, struct qd_tick_out *out)
{
	out->actions |= QD_ACT_DEMOTE;
	sm->demoting = true;
	sm->services_down = false;
}

static uint64_t next_epoch(const struct qd_sm *sm)
{
	uint64_t e = sm->epoch;

	if (sm->peer_seen && sm->peer.epoch > e)
		e = sm->peer.epoch;
	return e + 1;
}

static void observe_peer(struct qd_sm *sm, const struct qd_tick_in *in)
{
	if (in->peer_rc != 0)
		return;
	if (!sm->peer_seen || in->peer.incarnation != sm->peer.incarnation ||
	    in->peer.seq != sm->peer.seq)
		sm->peer_changed_ms = in->now_ms;
	sm->peer_seen = true;
	sm->peer = in->peer;
	/* The proof of a fence lasts as long as what it fenced: once the peer
	 * writes again (powered on, a new incarnation), it is alive. */
	if (sm->fence == QD_FENCE_CONFIRMED && sm->state != QD_STATE_SECONDARY &&
	    (sm->peer.incarnation != sm->fence_incarnation || sm->peer.seq != sm->fence_seq))
		sm->fence = QD_FENCE_IDLE;
	/* A head that is not claiming the lease remembers the highest epoch
	 * it has seen, so that its own next claim is above it. */
	if (sm->state != QD_STATE_PRIMARY && sm->state != QD_STATE_CANDIDATE &&
	    sm->peer.epoch > sm->epoch)
		sm->epoch = sm->peer.epoch;
}

static void step_down(struct qd_sm *sm, struct qd_tick_out *out, enum qd_state to,
		      const char *reason)
{
	/* Stop acting at once (the vote goes now); the services stop as fast
	 * as the hooks can. This head claims nothing any more, so the peer
	 * waits for neither: it fences this head (poison pill, lease lost) or
	 * already holds a newer epoch (superseded). */
	if (sm->acting || sm->releasing)
		ask_demote(sm, out);
	sm->acting = false;
	sm->releasing = false;
	sm->state = to;
	out->reason = reason;
}

/* A handover: the services stop while this head still holds the lease
 * (PRIMARY, acting, no vote); RELEASED follows only their success. */
static void begin_release(struct qd_sm *sm, struct qd_tick_out *out, const char *reason)
{
	sm->releasing = true;
	ask_demote(sm, out);
	out->reason = reason;
#ifdef QD_SM_MUTANT_RELEASE_EARLY
	/* The bug of issue 12, kept for the tests that must catch it:
	 * RELEASED in the same tick, before the hooks end. */
	sm->releasing = false;
	sm->acting = false;
	sm->released_epoch = sm->epoch;
	sm->state = QD_STATE_RELEASED;
#endif
}

/* A release lets the peer take over: only a peer that is up and not
 * stopped can. Otherwise no head would be primary for good. */
static bool peer_can_take_over(const struct qd_sm *sm, int64_t now_ms)
{
	return sm->peer_seen && !qd_sm_peer_stale(sm, now_ms) &&
	       (sm->peer.state == QD_STATE_SECONDARY || sm->peer.state == QD_STATE_STARTING);
}

static void run_for_primary(struct qd_sm *sm, struct qd_tick_out *out, bool fenced,
			    const char *reason)
{
	sm->candidate_epoch = next_epoch(sm);
	sm->candidate_written = false;
	sm->candidate_fenced = fenced;
	sm->state = QD_STATE_CANDIDATE;
	out->reason = reason;
}

/* The poison-pill hold (qd_sm.h): the peer posts the pill in the tick
 * in which it starts fencing this head, so for a while after it this head
 * may be powered off at any moment. A claim that rests on the peer's word
 * alone (the peer released or stopped cleanly, or the cold-start election
 * against a quiet secondary) would start services that this fence then
 * cuts: the flap seen under load, where the old primary lost its lease,
 * stepped down, read the pill as a secondary (which did nothing) and ran
 * as the lower id while the peer's first attempt was still under way.
 * Those claims wait for poison_hold_ms from the read of the pill. Claims
 * that rest on the peer being gone (a confirmed fence of it, the watchdog
 * bound) do not: a head that is off or reset fences nobody.
 *
 * Why this cannot make safety worse: the hold only adds a condition to
 * three transitions into CANDIDATE, and touches nothing else; a head it
 * holds stays SECONDARY with its services down, a slot every rule of the
 * peer already treats as quiet, as it stays when its own lease or its
 * demote keeps it from claiming. And it ends by itself, so a pill whose
 * fence failed or never ran cannot keep the pair without a primary for
 * longer than the hold. Returns whether claim is held off now; logs that
 * (out->reason) once per pill, unless another reason is said this tick. */
static bool poison_hold(struct qd_sm *sm, int64_t now, struct qd_tick_out *out, const char *claim)
{
	int64_t left = qd_sm_poison_hold_left_ms(sm, now);

	if (left <= 0)
		return false;
	if (!sm->hold_logged && !out->reason) {
		snprintf(sm->hold_msg, sizeof(sm->hold_msg),
			 "holding off: node %u asked to fence this head %" PRId64 " ms ago (poison "
			 "pill); no claim without a fence for %" PRId64 " ms more (held: %s)",
			 sm->peer_id, now - sm->poison_read_ms, left, claim);
		out->reason = sm->hold_msg;
		sm->hold_logged = true;
	}
	return true;
}

/* A claim with no fence behind it: the peer's own slot allows it. */
static void run_unfenced(struct qd_sm *sm, int64_t now, struct qd_tick_out *out,
			 const char *reason)
{
#ifndef QD_SM_MUTANT_NO_POISON_HOLD
	if (poison_hold(sm, now, out, reason))
		return;
#else
	/* The flap a lab saw under load, kept for the tests that must catch
	 * it (tests/model/qd_sm_mutant.sh): no hold. */
	(void)poison_hold;
	(void)now;
#endif
	run_for_primary(sm, out, false, reason);
}

static void handle_mailbox(struct qd_sm *sm, const struct qd_tick_in *in, struct qd_tick_out *out)
{
	const struct qd_mailbox *m = &in->mailbox;

	if (in->mailbox_rc != 0 || m->request_id <= sm->mailbox_done_id)
		return;
	sm->mailbox_done_id = m->request_id;
	/* In any state, whatever the epoch: the peer's fence is under way. */
	if (m->request == QD_REQ_POISON) {
		sm->poison_read_ms = in->now_ms;
		sm->hold_logged = false;
	}
	if (m->request == QD_REQ_POISON &&
	    (sm->state == QD_STATE_PRIMARY || sm->state == QD_STATE_CANDIDATE) &&
	    m->epoch >= sm->epoch)
		step_down(sm, out, QD_STATE_SECONDARY, "poison pill: the peer is fencing this head");
	else if (m->request == QD_REQ_RELEASE && sm->state == QD_STATE_PRIMARY && sm->acting &&
		 !sm->releasing && m->epoch == sm->epoch) {
		if (peer_can_take_over(sm, in->now_ms))
			begin_release(sm, out, "release requested: stopping services before "
				      "handing primary over");
		else
			out->reason = "release refused: the peer is not up as secondary, so no "
				      "head could take over; staying primary";
	}
}

/* Guarantee 3: a newer claim on disk wins at once. Equal epochs cannot
 * happen through the candidate step; should they, the lower id keeps it. */
static bool superseded(const struct qd_sm *sm)
{
	uint64_t mine = sm->state == QD_STATE_CANDIDATE ? sm->candidate_epoch : sm->epoch;

	/* A claim the peer left before we fenced it is dead, not newer. */
	if (sm->fence == QD_FENCE_CONFIRMED && sm->peer.incarnation == sm->fence_incarnation &&
	    sm->peer.seq == sm->fence_seq)
		return false;
	return sm->peer_seen && sm->peer.state == QD_STATE_PRIMARY &&
	       (sm->peer.epoch > mine || (sm->peer.epoch == mine && sm->peer_id < sm->cfg.my_id));
}

static void decide_candidate(struct qd_sm *sm, const struct qd_tick_in *in,
			     struct qd_tick_out *out)
{
	/* The read in this tick happened after the CANDIDATE slot was on disk:
	 * if the peer is not running too, it will see ours before it can. */
	if (!sm->candidate_written) {
		sm->state = QD_STATE_SECONDARY;
		out->reason = "candidate slot not written: backing off";
	} else if (in->peer_rc != 0 && in->peer_rc != -ENODATA) {
		sm->state = QD_STATE_SECONDARY;
		out->reason = "peer slot unreadable during candidacy: backing off";
	} else if (in->peer_rc == 0 && !slot_quiet(&in->peer) &&
		   !(sm->candidate_fenced && in->peer.incarnation == sm->fence_incarnation &&
		     in->peer.seq == sm->fence_seq)) {
		/* Running for primary too, or up with services that are not
		 * known down (a restarted daemon whose demote failed). */
		sm->state = QD_STATE_SECONDARY;
		out->reason = in->peer.state == QD_STATE_CANDIDATE ||
				      in->peer.state == QD_STATE_PRIMARY ?
				      "the peer is running for primary too: backing off" :
				      "the peer's services are not known to be down: backing off";
	} else {
		/* A claim the fenced peer left behind may carry a higher
		 * epoch than we last saw: stay above it. */
		if (in->peer_rc == 0 && in->peer.epoch >= sm->candidate_epoch)
			sm->candidate_epoch = in->peer.epoch + 1;
		sm->epoch = sm->candidate_epoch;
		sm->state = QD_STATE_PRIMARY;
		out->reason = "no competing claim: taking primary";
	}
}

static void decide_secondary(struct qd_sm *sm, const struct qd_tick_in *in,
			     struct qd_tick_out *out)
{
	int64_t now = in->now_ms;
	bool clean;

	/* Without a working disk of its own a head can prove nothing; a head
	 * that is shutting down, or whose services did not stop, claims
	 * nothing. */
	if (!lease_fresh(sm, now) || sm->stop_requested || !sm->services_down)
		return;
	if (!qd_sm_peer_stale(sm, now)) {
		sm->fence = QD_FENCE_IDLE;
		if (!sm->peer_seen)
			return;
		if (qd_sm_peer_clean(sm)) {
			run_unfenced(sm, now, out, "peer released primary cleanly");
			return;
		}
		switch (sm->peer.state) {
		case QD_STATE_SECONDARY:
			/* Only a peer whose services are known down: a
			 * secondary whose demote failed may still run them. */
			if (sm->cfg.my_id < sm->peer_id &&
			    (sm->peer.flags & QD_SLOT_F_SERVICES_DOWN))
				run_unfenced(sm, now, out, "no primary: the lower node id runs");
			break;
		default: /* PRIMARY, CANDIDATE, STARTING: wait */
			break;
		}
		return;
	}

	clean = qd_sm_peer_clean(sm);
	if (clean) {
		run_unfenced(sm, now, out, "peer stopped cleanly");
		return;
	}
	if (sm->cfg.watchdog_ms && sm->peer_seen &&
	    now - sm->peer_changed_ms > (int64_t)sm->cfg.timeout_ms + sm->cfg.watchdog_ms) {
		/* As good as a confirmed fence of what is on disk now: it is
		 * one, for everything that relies on it (the published
		 * peer=fenced that zpool force=fenced accepts, the slot flag,
		 * superseded()). */
		sm->fence = QD_FENCE_CONFIRMED;
		sm->fence_incarnation = sm->peer.incarnation;
		sm->fence_seq = sm->peer.seq;
		run_for_primary(sm, out, true,
				"peer lease stale past the watchdog bound: it has reset itself");
		return;
	}
	switch (sm->fence) {
	case QD_FENCE_CONFIRMED:
		if (sm->fence_incarnation == sm->peer.incarnation && sm->fence_seq == sm->peer.seq) {
			run_for_primary(sm, out, true, "peer power-off confirmed: taking over");
			return;
		}
		/* The slot moved after the fence: the peer was not what we
		 * fenced. Start over; never take over on stale proof. */
		sm->fence = QD_FENCE_IDLE;
		out->reason = "peer wrote after a confirmed fence: proof discarded";
		return;
	case QD_FENCE_PENDING:
		return;
	case QD_FENCE_FAILED:
		/* Unconfirmed means no takeover; try again after a pause. */
		if (now - sm->fence_failed_ms < (int64_t)sm->cfg.fence_retry_ms)
			return;
		__attribute__((fallthrough));
	case QD_FENCE_IDLE:
		sm->fence = QD_FENCE_PENDING;
		sm->fence_incarnation = sm->peer_seen ? sm->peer.incarnation : 0;
		sm->fence_seq = sm->peer_seen ? sm->peer.seq : 0;
		out->actions |= QD_ACT_FENCE | QD_ACT_POISON;
		out->reason = "peer lease stale: fencing it";
		return;
	}
}

static void fill_slot(struct qd_sm *sm, struct qd_tick_out *out)
{
	sm->seq++;
	out->slot.node_id = sm->cfg.my_id;
	out->slot.state = sm->state;
	out->slot.incarnation = sm->incarnation;
	out->slot.seq = sm->seq;
	out->slot.epoch = sm->state == QD_STATE_CANDIDATE ? sm->candidate_epoch : sm->epoch;
	out->slot.peer_seq_seen = sm->peer_seen ? sm->peer.seq : 0;
	out->slot.peer_state_seen = sm->peer_seen ? sm->peer.state : QD_STATE_EMPTY;
	out->slot.flags = sm->fence == QD_FENCE_CONFIRMED ? QD_SLOT_F_PEER_FENCED : 0;
	if (sm->services_down && !sm->demoting && !sm->acting)
		out->slot.flags |= QD_SLOT_F_SERVICES_DOWN;
#ifdef QD_SM_MUTANT_RELEASE_EARLY
	if (sm->state == QD_STATE_RELEASED)
		out->slot.flags |= QD_SLOT_F_SERVICES_DOWN;
#endif
	if (sm->demoting)
		out->slot.flags |= QD_SLOT_F_DEMOTING;
	if (sm->demote_failed)
		out->slot.flags |= QD_SLOT_F_DEMOTE_FAILED;
	out->actions |= QD_ACT_WRITE;
	sm->write_pending = true;
}

/* Shutting down: services first, then the final slot. */
static void decide_stop(struct qd_sm *sm, struct qd_tick_out *out)
{
	if (sm->state == QD_STATE_CANDIDATE) {
		sm->state = QD_STATE_SECONDARY; /* no claim without services */
		out->reason = "shutting down: candidacy abandoned";
	}
	if (sm->state == QD_STATE_PRIMARY && sm->acting) {
		if (!sm->releasing)
			begin_release(sm, out, "clean shutdown: stopping services before "
				      "releasing primary");
		return;
	}
	if (sm->demoting)
		return;
	if (!sm->services_down) {
		/* Not known to be down (a demote failed before): try again. */
		ask_demote(sm, out);
		out->reason = "clean shutdown: stopping services first";
		return;
	}
	if (sm->state == QD_STATE_PRIMARY) /* claimed, never acting: nothing ran */
		sm->state = QD_STATE_RELEASED;
	if (sm->state != QD_STATE_RELEASED)
		sm->state = QD_STATE_STOPPED;
	out->final = true;
	out->reason = sm->state == QD_STATE_RELEASED ? "clean shutdown: services stopped, "
						       "primary released" :
						       "clean shutdown: services stopped";
}

void qd_sm_tick(struct qd_sm *sm, const struct qd_tick_in *in, struct qd_tick_out *out)
{
	int64_t now = in->now_ms;

	memset(out, 0, sizeof(*out));
	observe_peer(sm, in);

	/* At start, whatever a crashed predecessor left running goes down:
	 * this head claims nothing until the rules say so. */
	if (!sm->startup_demote && sm->state == QD_STATE_STARTING) {
		sm->startup_demote = true;
		ask_demote(sm, out);
	}

	handle_mailbox(sm, in, out);
	if ((sm->state == QD_STATE_PRIMARY || sm->state == QD_STATE_CANDIDATE) && superseded(sm))
		step_down(sm, out, QD_STATE_SECONDARY, "superseded: the peer holds a newer epoch");
	if (sm->state == QD_STATE_PRIMARY && sm->acting && !lease_fresh(sm, now))
		step_down(sm, out, QD_STATE_SECONDARY,
			  "lease lost: no verified write for a timeout; the peer will fence this head");

	switch (sm->state) {
	case QD_STATE_STARTING:
		/* Secondary only once what a predecessor left is down: a
		 * STARTING slot keeps the peer waiting, SECONDARY would let it
		 * run for primary beside those services. */
		if (now - sm->started_ms >= (int64_t)sm->cfg.timeout_ms && sm->services_down) {
			sm->state = QD_STATE_SECONDARY;
			out->reason = "observed the disk for a timeout: secondary";
		}
		break;
	case QD_STATE_RELEASED:
		if (sm->peer_seen && sm->peer.state == QD_STATE_PRIMARY &&
		    sm->peer.epoch > sm->released_epoch) {
			sm->state = QD_STATE_SECONDARY;
			out->reason = "the peer took over: secondary";
		} else if (qd_sm_peer_stale(sm, now) && !sm->stop_requested) {
			/* The peer died before it took over: as a secondary this
			 * head fences it and takes over, or no head would be
			 * primary for good. */
			sm->state = QD_STATE_SECONDARY;
			out->reason = "released, but the peer went stale without taking over: "
				      "secondary again";
		}
		break;
	case QD_STATE_CANDIDATE:
		decide_candidate(sm, in, out);
		break;
	case QD_STATE_SECONDARY:
		decide_secondary(sm, in, out);
		break;
	default:
		break;
	}

	if (sm->stop_requested)
		decide_stop(sm, out);

	fill_slot(sm, out);
	out->vote = qd_sm_may_vote(sm, now);
	out->pet_watchdog = qd_sm_may_pet(sm, now);
	if (out->reason)
		sm->last_reason = out->reason;
}

bool qd_sm_may_vote(const struct qd_sm *sm, int64_t now_ms)
{
	/* A releasing head gives up the vote when its demote starts. */
	return sm->state == QD_STATE_PRIMARY && sm->acting && !sm->releasing &&
	       lease_fresh(sm, now_ms);
}

unsigned qd_sm_write_result(struct qd_sm *sm, bool ok, int64_t now_ms)
{
	sm->write_pending = false;
	if (!ok) {
		if (sm->state == QD_STATE_CANDIDATE)
			sm->candidate_written = false;
		/* A claim that did not reach the disk is no claim. */
		if (sm->state == QD_STATE_PRIMARY && !sm->acting)
			sm->state = QD_STATE_SECONDARY;
		return 0;
	}
	sm->last_write_ok_ms = now_ms;
	if (sm->state == QD_STATE_CANDIDATE)
		sm->candidate_written = true;
	if (sm->state == QD_STATE_PRIMARY && !sm->acting) {
		sm->acting = true;
		sm->services_down = false;
		sm->demote_failed = false;
		return QD_ACT_PROMOTE;
	}
	return 0;
}

const char *qd_sm_demote_result(struct qd_sm *sm, bool ok, int64_t now_ms)
{
	(void)now_ms;
	if (!sm->demoting)
		return NULL;
	sm->demoting = false;
	sm->demote_failed = !ok;
	sm->services_down = ok;
	if (ok && sm->releasing && sm->state == QD_STATE_PRIMARY) {
		/* Only now may the slot say RELEASED. */
		sm->releasing = false;
		sm->acting = false;
		sm->released_epoch = sm->epoch;
		sm->state = QD_STATE_RELEASED;
		sm->last_reason = "demote hooks succeeded: primary released";
	} else if (ok) {
		sm->last_reason = "demote hooks succeeded: services stopped";
	} else if (sm->releasing) {
		/* The services are in an unknown state: never a handover.
		 * This head keeps its lease (and the vote) so that the peer
		 * neither takes over nor fences; a person must look. */
		sm->releasing = false;
		sm->stop_requested = false;
		sm->last_reason = "DEMOTE FAILED: NOT releasing primary; this head stays primary "
				  "with its services in an unknown state (fix them, then release "
				  "or stop again)";
	} else {
		sm->stop_requested = false;
		sm->last_reason = "DEMOTE FAILED: services in an unknown state; this head claims "
				  "nothing and does not hand over until a demote succeeds";
	}
	return sm->last_reason;
}

void qd_sm_fence_result(struct qd_sm *sm, bool confirmed, int64_t now_ms)
{
	if (sm->fence != QD_FENCE_PENDING)
		return;
	if (confirmed) {
		sm->fence = QD_FENCE_CONFIRMED;
		sm->fence_confirmed_ms = now_ms > 0 ? now_ms : 1;
	} else {
		sm->fence = QD_FENCE_FAILED;
		sm->fence_failed_ms = now_ms;
	}
}

bool qd_sm_poison_found(struct qd_sm *sm, int64_t now_ms, int64_t age_ms)
{
	if (age_ms < 0)
		age_ms = 0;
	if (age_ms >= (int64_t)sm->cfg.poison_hold_ms)
		return false;
	sm->poison_read_ms = now_ms - age_ms;
	sm->hold_logged = false;
	return true;
}

int64_t qd_sm_poison_hold_left_ms(const struct qd_sm *sm, int64_t now_ms)
{
	int64_t left;

	if (sm->poison_read_ms < 0)
		return 0;
	left = sm->poison_read_ms + (int64_t)sm->cfg.poison_hold_ms - now_ms;
	return left > 0 ? left : 0;
}

void qd_sm_request_stop(struct qd_sm *sm)
{
	sm->stop_requested = true;
}

void qd_sm_published(const struct qd_sm *sm, int64_t now_ms, int64_t wall_s,
		     struct quorumd_state *out)
{
	*out = (struct quorumd_state){ .version = QUORUMD_STATE_VERSION, .epoch = sm->epoch,
				       .updated = wall_s > 0 ? (uint64_t)wall_s : 1,
				       .has_fence = true, .fenced_bmc = "none" };
	/* fence_twinhead's reuse rule compares these (quorumd_state.h). */
	if (sm->peer_seen && sm->peer_changed_ms > 0)
		out->peer_seen_ms = (uint64_t)sm->peer_changed_ms;
	if (sm->fence_confirmed_ms > 0)
		out->fenced_ms = (uint64_t)sm->fence_confirmed_ms;
	if (sm->state == QD_STATE_STARTING)
		out->role = QUORUMD_ROLE_STARTING;
	else if (sm->state == QD_STATE_PRIMARY && sm->acting)
		out->role = QUORUMD_ROLE_PRIMARY;
	else
		out->role = QUORUMD_ROLE_SECONDARY;
	if (sm->fence == QD_FENCE_CONFIRMED)
		out->peer = QUORUMD_PEER_FENCED;
	else if (qd_sm_peer_clean(sm))
		out->peer = QUORUMD_PEER_RELEASED; /* services stopped, said after */
	else
		out->peer = qd_sm_peer_stale(sm, now_ms) ? QUORUMD_PEER_LOST : QUORUMD_PEER_ALIVE;
}
