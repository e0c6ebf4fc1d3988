/* The quorumd state machine against a simulated clock, disk, power and
 * fence device: two heads, crashes, freezes, a network split (which the
 * protocol never sees), unreadable disks, failed fences, and demote hooks
 * that take time or fail (the services run until the demote ends, and
 * stay up when it fails). After every single step the simulation checks
 * guarantee 1: never services acting on both heads, never two votes. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <string.h>

#include "../check_tap.h"
#include "qd_sm.h"
#include "qd_vote.h"

#define INTERVAL 500
#define TIMEOUT 2000
#define STEP 50
/* votequorum's device timeout: a vote not polled for this long lapses. */
#define DEVICE_TIMEOUT 6000
#define FENCE_VOTE 6000
/* A slow fence attempt (sim.fence_ms) and the pause after a failed one;
 * the poison-pill hold as qc_poison_hold_ms() derives it from them. */
#define FENCE_ATTEMPT 3000
#define FENCE_RETRY 1000
#define POISON_HOLD (2 * FENCE_ATTEMPT + FENCE_RETRY + 2 * INTERVAL)

struct head {
	struct qd_sm sm;
	bool powered;   /* off: fenced or crashed: no ticks, services gone */
	bool frozen;    /* SIGSTOP: no ticks, but services keep running */
	bool disk_ok;
	bool acting;    /* primary services running */
	bool vote;      /* the vote as votequorum counts it */
	int64_t polled_at;
	enum qd_vote decided; /* the last decision (qd_vote.h) */
	bool demote_running;  /* demote hooks run until demote_end */
	int64_t demote_end;
	bool demote_reported; /* finished: tell the state machine at the next tick */
	bool demote_ok;
	bool exited;    /* the daemon wrote its final slot and exited */
	int64_t demote_ended_at; /* when the last demote ended (-1: never) */
	int promotes, demotes, fences;
	bool fence_running;   /* a slow attempt (sim.fence_ms) runs until fence_end */
	int64_t fence_end;
	bool fence_reported;  /* it ended: tell the state machine at the next tick */
	bool fence_ok;
	int holds_logged;     /* ticks that logged "holding off" */
	int64_t promoted_at;
	bool voted_at_promotion; /* the vote cast in the promoting tick */
};

struct sim {
	struct head h[3]; /* 1 and 2 */
	struct qd_slot slot[3];
	bool slot_written[3];
	struct qd_mailbox mbox[3];
	bool mbox_written[3];
	int64_t now;
	bool fence_works;
	int64_t fence_ms;   /* 0: a fence is confirmed (or not) within its tick */
	int64_t demote_ms;  /* how long demote hooks take */
	bool demote_fails;  /* and whether they fail (the services stay up) */
	uint64_t next_request;
	uint64_t next_incarnation;
};

static const struct qd_sm_config cfg1 = { .my_id = 1, .interval_ms = INTERVAL,
					  .timeout_ms = TIMEOUT, .fence_retry_ms = FENCE_RETRY,
					  .poison_hold_ms = POISON_HOLD };

static void head_boot(struct sim *s, int i, uint32_t watchdog_ms)
{
	struct qd_sm_config c = cfg1;

	c.my_id = (unsigned)i;
	c.watchdog_ms = watchdog_ms;
	qd_sm_init(&s->h[i].sm, &c, s->slot_written[i] ? &s->slot[i] : NULL,
		   ++s->next_incarnation * 1000 + (uint64_t)i, s->now);
	s->h[i].powered = true;
	s->h[i].frozen = false;
	s->h[i].disk_ok = true;
	s->h[i].exited = false;
	s->h[i].demote_running = false;
	s->h[i].demote_reported = false;
	s->h[i].demote_ended_at = -1;
	s->h[i].fence_running = false;
	s->h[i].fence_reported = false;
	/* As the daemon's setup: requests already in the mailbox were for an
	 * earlier incarnation. */
	if (s->mbox_written[i])
		s->h[i].sm.mailbox_done_id = s->mbox[i].request_id;
}

static void sim_init(struct sim *s, uint32_t watchdog_ms)
{
	memset(s, 0, sizeof(*s));
	s->now = 1000000;
	s->fence_works = true;
	head_boot(s, 1, watchdog_ms);
	head_boot(s, 2, watchdog_ms);
}

static void check_guarantee_1(const struct sim *s)
{
	ck_assert_msg(!(s->h[1].acting && s->h[2].acting), "two primaries at t=%lld",
		      (long long)s->now);
	ck_assert_msg(!(s->h[1].vote && s->h[2].vote), "two votes at t=%lld", (long long)s->now);
}

/* Power off: the head and its services are gone. */
static void power_off(struct sim *s, int i)
{
	s->h[i].powered = false;
	s->h[i].acting = false;
	s->h[i].vote = false;
	s->h[i].demote_running = false;
	s->h[i].fence_running = false;
}

static void tick(struct sim *s, int i)
{
	struct head *h = &s->h[i];
	int p = 3 - i;
	struct qd_tick_in in = { .now_ms = s->now };
	struct qd_tick_out out;

	/* The daemon reports the hooks' end before the tick's decision, and
	 * a slow fence's end too (fence_collect). */
	if (h->demote_reported) {
		h->demote_reported = false;
		qd_sm_demote_result(&h->sm, h->demote_ok, s->now);
	}
	if (h->fence_reported) {
		h->fence_reported = false;
		qd_sm_fence_result(&h->sm, h->fence_ok, s->now);
	}
	if (!h->disk_ok)
		in.peer_rc = -EIO;
	else if (!s->slot_written[p])
		in.peer_rc = -ENODATA;
	else
		in.peer = s->slot[p];
	in.mailbox_rc = h->disk_ok && s->mbox_written[i] ? 0 : -ENODATA;
	in.mailbox = s->mbox[i];

	qd_sm_tick(&h->sm, &in, &out);
	if (out.reason && strncmp(out.reason, "holding off", 11) == 0)
		h->holds_logged++;
	if (out.actions & QD_ACT_DEMOTE) {
		/* The hooks start now; the services stop when they end. */
		h->demote_running = true;
		h->demote_end = s->now + s->demote_ms;
		h->demotes++;
	}
	if (out.actions & QD_ACT_POISON && h->disk_ok) {
		s->mbox[p] = (struct qd_mailbox){ .to_node = (uint32_t)p, .from_node = (uint32_t)i,
						  .request = QD_REQ_POISON,
						  .request_id = ++s->next_request,
						  .epoch = s->slot[p].epoch };
		s->mbox_written[p] = true;
	}
	if (out.actions & QD_ACT_WRITE) {
		if (h->disk_ok) {
			s->slot[i] = out.slot;
			s->slot_written[i] = true;
		}
		if (out.final)
			h->exited = true;
		if (qd_sm_write_result(&h->sm, h->disk_ok, s->now) & QD_ACT_PROMOTE) {
			h->acting = true;
			h->promotes++;
			h->promoted_at = s->now;
		}
	}
	/* As the daemon polls votequorum (qd_vote.h), after the write: with
	 * the vote a promotion in this very tick allows. A hold answers "no"
	 * on the ring already answered, and nothing on a new one: the vote
	 * stays what it was, which is never a yes (a yes never turns into a
	 * hold without a "no" between). */
	{
		struct qd_vote_config vc = { .guard_ms = qd_vote_guard_ms(&h->sm.cfg, DEVICE_TIMEOUT),
					     .fence_vote_ms = FENCE_VOTE };

		h->decided = qd_vote_decide(&h->sm, &vc, s->now);
		if (h->decided == QD_VOTE_HOLD)
			ck_assert_msg(!h->vote, "a hold after a yes at t=%lld", (long long)s->now);
		else
			h->vote = h->decided == QD_VOTE_YES;
		h->polled_at = s->now;
	}
	if (h->promoted_at == s->now)
		h->voted_at_promotion = h->vote;
	check_guarantee_1(s);
	if (out.actions & QD_ACT_FENCE) {
		h->fences++;
		if (h->fence_running) {
			/* fencer_begin: -EBUSY, counted as failed. */
			qd_sm_fence_result(&h->sm, false, s->now);
		} else if (s->fence_ms) {
			/* On the fence thread: the BMC acts when it ends. */
			h->fence_running = true;
			h->fence_end = s->now + s->fence_ms;
		} else {
			if (s->fence_works)
				power_off(s, p);
			qd_sm_fence_result(&h->sm, s->fence_works, s->now);
		}
	}
}

/* A slow fence attempt ends: the BMC powers the peer off (or does not),
 * whatever the fencing head's state machine thinks of it by now. */
static void fence_attempt_ends(struct sim *s, int i)
{
	struct head *h = &s->h[i];

	h->fence_running = false;
	h->fence_reported = true;
	h->fence_ok = s->fence_works;
	if (s->fence_works)
		power_off(s, 3 - i);
}

/* Runs for ms of simulated time; head 2 ticks half an interval after 1. */
static void run(struct sim *s, int64_t ms)
{
	for (int64_t end = s->now + ms; s->now < end; s->now += STEP) {
		for (int i = 1; i <= 2; i++) {
			int64_t phase = (i == 1 ? 0 : INTERVAL / 2);

			struct head *h = &s->h[i];

			if (h->powered && !h->frozen && h->fence_running && s->now >= h->fence_end) {
				fence_attempt_ends(s, i);
				check_guarantee_1(s);
			}
			/* Hooks run on in their own processes, frozen daemon or
			 * not; a powered-off head has none. */
			if (h->powered && h->demote_running && s->now >= h->demote_end) {
				h->demote_running = false;
				h->demote_reported = true;
				h->demote_ok = !s->demote_fails;
				if (h->demote_ok)
					h->acting = false;
				h->demote_ended_at = s->now;
				check_guarantee_1(s);
			}
			/* A head without power has no corosync either, nor one
			 * whose daemon exited (it unregistered the device); one
			 * whose quorumd froze keeps its vote in votequorum
			 * until the device timeout (docs/quorumd.md). */
			if (!h->powered || h->exited ||
			    (h->frozen && s->now - h->polled_at > DEVICE_TIMEOUT))
				h->vote = false;
			else if (!h->frozen && s->now % INTERVAL == phase)
				tick(s, i);
		}
	}
}

static void start_both(struct sim *s)
{
	sim_init(s, 0);
	run(s, 4 * TIMEOUT);
	ck_assert(s->h[1].acting);
	ck_assert(!s->h[2].acting);
}

START_TEST(cold_start_elects_the_lower_id_without_fencing)
{
	struct sim s;

	start_both(&s);
	ck_assert_int_eq(s.h[1].promotes, 1);
	ck_assert_int_eq(s.h[1].fences + s.h[2].fences, 0);
	ck_assert(s.h[1].vote);
	ck_assert(!s.h[2].vote);
	ck_assert_uint_eq(s.slot[1].state, QD_STATE_PRIMARY);
	ck_assert_uint_eq(s.slot[2].state, QD_STATE_SECONDARY);
}
END_TEST

START_TEST(first_tick_stops_leftover_services)
{
	struct sim s;

	sim_init(&s, 0);
	s.h[1].acting = true; /* a crashed daemon left them running */
	run(&s, 2 * STEP); /* the tick asks, the hooks end a step later */
	ck_assert(!s.h[1].acting);
	ck_assert_int_eq(s.h[1].demotes, 1);
}
END_TEST

START_TEST(primary_power_loss_is_fenced_then_taken_over_in_bound)
{
	struct sim s;
	int64_t lost;

	start_both(&s);
	lost = s.now;
	s.h[1].powered = false;
	s.h[1].acting = false;
	run(&s, 3 * TIMEOUT);
	ck_assert(s.h[2].acting);
	ck_assert_int_eq(s.h[2].fences, 1);
	/* Detection within the timeout plus one interval to notice, one to
	 * write the claim: the bound guarantee 5 builds on. */
	ck_assert_int_le(s.h[2].promoted_at - lost, TIMEOUT + 3 * INTERVAL);
	ck_assert_uint_gt(s.slot[2].epoch, s.slot[1].epoch);
	/* The quorum device's vote goes with the promotion, not a tick later. */
	ck_assert(s.h[2].voted_at_promotion);
}
END_TEST

START_TEST(unconfirmed_fence_means_no_takeover_and_retries)
{
	struct sim s;

	start_both(&s);
	s.fence_works = false; /* BMC unreachable */
	s.h[1].powered = false;
	s.h[1].acting = false;
	run(&s, 10 * TIMEOUT);
	ck_assert(!s.h[2].acting);
	ck_assert_int_eq(s.h[2].promotes, 0);
	ck_assert_int_ge(s.h[2].fences, 5); /* retried, fence_retry_ms apart */
}
END_TEST

START_TEST(network_split_with_disk_changes_nothing)
{
	struct sim s;

	/* The heads cannot talk, but both still read and write the disk:
	 * the protocol never looks at the network, so nothing happens. */
	start_both(&s);
	run(&s, 30 * TIMEOUT);
	ck_assert(s.h[1].acting);
	ck_assert_int_eq(s.h[1].promotes, 1);
	ck_assert_int_eq(s.h[1].fences + s.h[2].fences, 0);
}
END_TEST

START_TEST(clean_shutdown_hands_over_without_fencing)
{
	struct sim s;

	start_both(&s);
	qd_sm_request_stop(&s.h[1].sm);
	run(&s, 4 * INTERVAL);
	ck_assert(s.h[1].exited);
	ck_assert_uint_eq(s.slot[1].state, QD_STATE_RELEASED);
	ck_assert(s.slot[1].flags & QD_SLOT_F_SERVICES_DOWN);
	ck_assert(s.h[2].acting);
	ck_assert_int_eq(s.h[2].fences, 0);
}
END_TEST

/* The slot of head i, while the demote runs: checked at every step. */
static void run_watching_demote(struct sim *s, int i, int64_t ms, int *not_primary)
{
	for (int64_t end = s->now + ms; s->now < end;) {
		run(s, STEP);
		if (s->h[i].demote_running &&
		    (s->slot[i].state != QD_STATE_PRIMARY ||
		     (s->slot[i].flags & QD_SLOT_F_SERVICES_DOWN)))
			(*not_primary)++;
	}
}

static void post_release(struct sim *s)
{
	s->mbox[1] = (struct qd_mailbox){ .to_node = 1, .from_node = 0, .request = QD_REQ_RELEASE,
					  .request_id = ++s->next_request, .epoch = s->slot[1].epoch };
	s->mbox_written[1] = true;
}

/* Release and shutdown with a demote longer than the timeout: the slot
 * says PRIMARY (and the lease is renewed) until the hooks end, then
 * RELEASED with the services down; the peer neither fences nor promotes
 * before that. */
static void slow_demote_hands_over_after_it_ends(bool shutdown)
{
	struct sim s;
	int bad = 0;

	start_both(&s);
	s.demote_ms = 2 * TIMEOUT + INTERVAL;
	if (shutdown)
		qd_sm_request_stop(&s.h[1].sm);
	else
		post_release(&s);
	run_watching_demote(&s, 1, 2 * TIMEOUT, &bad);
	ck_assert(s.h[1].demote_running);
	ck_assert_int_eq(bad, 0);
	ck_assert(s.slot[1].flags & QD_SLOT_F_DEMOTING);
	ck_assert(s.h[1].acting);      /* the services still run */
	ck_assert(!s.h[1].vote);       /* the vote went when the demote began */
	ck_assert(!s.h[2].acting);
	ck_assert_int_eq(s.h[2].fences, 0);
	run_watching_demote(&s, 1, 4 * INTERVAL, &bad);
	ck_assert_int_eq(bad, 0);
	ck_assert(!s.h[1].acting);
	ck_assert(s.h[2].acting);
	ck_assert_int_eq(s.h[1].fences + s.h[2].fences, 0);
	/* Order: the peer's promote after the old primary's demote ended. */
	ck_assert_int_gt(s.h[2].promoted_at, s.h[1].demote_ended_at);
	ck_assert_int_eq(s.h[1].exited, shutdown);
}

START_TEST(release_with_a_demote_longer_than_the_timeout)
{
	slow_demote_hands_over_after_it_ends(false);
}
END_TEST

START_TEST(shutdown_with_a_demote_longer_than_the_timeout)
{
	slow_demote_hands_over_after_it_ends(true);
}
END_TEST

/* A demote that fails is never a handover: the head stays primary with
 * its lease, says so in its slot, and the peer neither takes over nor
 * fences. */
static void failed_demote_stays_primary(bool shutdown)
{
	struct sim s;
	struct quorumd_state st;

	start_both(&s);
	s.demote_ms = TIMEOUT;
	s.demote_fails = true;
	if (shutdown)
		qd_sm_request_stop(&s.h[1].sm);
	else
		post_release(&s);
	run(&s, 10 * TIMEOUT);
	ck_assert_int_eq(s.h[1].demotes, 2); /* start-up, the failed one */
	ck_assert(!s.h[1].exited);
	ck_assert_uint_eq(s.slot[1].state, QD_STATE_PRIMARY);
	ck_assert(s.slot[1].flags & QD_SLOT_F_DEMOTE_FAILED);
	ck_assert(!(s.slot[1].flags & QD_SLOT_F_SERVICES_DOWN));
	ck_assert(s.h[1].acting);
	ck_assert(s.h[1].vote);
	ck_assert(!s.h[2].acting);
	ck_assert_int_eq(s.h[2].promotes + s.h[1].fences + s.h[2].fences, 0);
	qd_sm_published(&s.h[1].sm, s.now, 1700000000, &st);
	ck_assert_int_eq(st.role, QUORUMD_ROLE_PRIMARY);
	ck_assert(s.h[1].sm.demote_failed);
	qd_sm_published(&s.h[2].sm, s.now, 1700000000, &st);
	ck_assert_int_ne(st.peer, QUORUMD_PEER_RELEASED);

	/* Fixed, asked again: now it hands over. */
	s.demote_fails = false;
	if (shutdown)
		qd_sm_request_stop(&s.h[1].sm);
	else
		post_release(&s);
	run(&s, TIMEOUT + 4 * INTERVAL);
	ck_assert(!s.h[1].acting);
	ck_assert(s.h[2].acting);
	ck_assert_int_eq(s.h[1].fences + s.h[2].fences, 0);
}

START_TEST(release_with_a_failing_demote_stays_primary)
{
	failed_demote_stays_primary(false);
}
END_TEST

START_TEST(shutdown_with_a_failing_demote_stays_primary)
{
	failed_demote_stays_primary(true);
}
END_TEST

/* An older daemon's RELEASED (no SERVICES_DOWN flag) proves nothing: the
 * peer fences before it takes over, and never publishes it as released. */
START_TEST(released_without_services_down_is_no_handover)
{
	struct sim s;
	struct quorumd_state st;

	start_both(&s);
	s.h[1].frozen = true; /* its services still run, for all we know */
	s.h[1].acting = false;
	s.slot[1].state = QD_STATE_RELEASED;
	s.slot[1].seq++;
	s.slot[1].flags = 0;
	run(&s, INTERVAL);
	qd_sm_published(&s.h[2].sm, s.now, 1700000000, &st);
	ck_assert_int_ne(st.peer, QUORUMD_PEER_RELEASED);
	ck_assert(!s.h[2].acting);
	run(&s, 3 * TIMEOUT);
	ck_assert_int_eq(s.h[2].fences, 1);
	ck_assert(s.h[2].acting);
}
END_TEST

/* A release while the peer is down would leave no primary: refused. */
START_TEST(release_is_refused_while_the_peer_is_down)
{
	struct sim s;

	start_both(&s);
	s.fence_works = false;
	s.h[2].powered = false;
	run(&s, TIMEOUT + 2 * INTERVAL);
	post_release(&s);
	run(&s, 4 * INTERVAL);
	ck_assert(s.h[1].acting);
	ck_assert_uint_eq(s.slot[1].state, QD_STATE_PRIMARY);
	ck_assert_int_eq(s.h[1].demotes, 1); /* start-up only */
	ck_assert_str_eq(s.h[1].sm.last_reason,
			 "release refused: the peer is not up as secondary, so no head could "
			 "take over; staying primary");
}
END_TEST

/* The peer was up when the release began and died before taking over:
 * the released head goes back to secondary, fences it and takes over. */
START_TEST(released_head_takes_over_again_when_the_peer_dies_first)
{
	struct sim s;

	start_both(&s);
	s.demote_ms = INTERVAL;
	post_release(&s);
	run(&s, INTERVAL); /* head 1 accepted it; its demote runs */
	ck_assert(s.h[1].demote_running);
	s.h[2].frozen = true; /* and now head 2 stops */
	run(&s, 2 * INTERVAL);
	ck_assert_uint_eq(s.slot[1].state, QD_STATE_RELEASED);
	run(&s, 3 * TIMEOUT);
	ck_assert_int_eq(s.h[1].fences, 1);
	ck_assert(s.h[1].acting);
	ck_assert_int_eq(s.h[1].promotes, 2);
}
END_TEST

/* A head whose start-up demote fails (a crashed daemon's services are
 * still up) stays STARTING: the peer does not run for primary beside
 * them. */
START_TEST(failed_startup_demote_keeps_the_head_starting)
{
	struct sim s;

	sim_init(&s, 0);
	s.h[2].acting = true; /* left by a crashed daemon */
	s.demote_fails = true;
	run(&s, 5 * TIMEOUT);
	ck_assert_uint_eq(s.slot[2].state, QD_STATE_STARTING);
	ck_assert(!s.h[1].acting || !s.h[2].acting);
}
END_TEST

/* A secondary whose demote still runs (after a poison pill) and is asked
 * to stop writes STOPPED only once that demote ended. */
START_TEST(stopping_secondary_waits_for_its_running_demote)
{
	struct sim s;
	int early = 0;

	start_both(&s);
	s.demote_ms = 3 * TIMEOUT;
	s.mbox[1] = (struct qd_mailbox){ .to_node = 1, .from_node = 2, .request = QD_REQ_POISON,
					 .request_id = ++s.next_request, .epoch = s.slot[1].epoch };
	s.mbox_written[1] = true;
	s.h[2].frozen = true; /* keep head 2 from reacting while we look */
	run(&s, INTERVAL);
	ck_assert(s.h[1].demote_running);
	qd_sm_request_stop(&s.h[1].sm);
	for (int64_t end = s.now + 2 * TIMEOUT; s.now < end;) {
		run(&s, STEP);
		if (s.h[1].demote_running && (s.slot[1].state == QD_STATE_STOPPED ||
					      (s.slot[1].flags & QD_SLOT_F_SERVICES_DOWN)))
			early++;
	}
	ck_assert_int_eq(early, 0);
	ck_assert(!s.h[1].exited);
	run(&s, 2 * TIMEOUT);
	ck_assert(s.h[1].exited);
	ck_assert_uint_eq(s.slot[1].state, QD_STATE_STOPPED);
	ck_assert(s.slot[1].flags & QD_SLOT_F_SERVICES_DOWN);
}
END_TEST

/* The pet is decided again with the clock after the read: a read that
 * took long enough to age the lease means no pet. */
START_TEST(pet_rests_on_a_fresh_lease_check)
{
	struct sim s;
	struct qd_tick_in in;
	struct qd_tick_out out;
	int64_t t;

	start_both(&s);
	s.h[1].disk_ok = false; /* writes fail from here */
	t = s.h[1].sm.last_write_ok_ms + TIMEOUT - 1;
	in = (struct qd_tick_in){ .now_ms = t, .peer_rc = -EIO, .mailbox_rc = -ENODATA };
	qd_sm_tick(&s.h[1].sm, &in, &out);
	ck_assert(out.pet_watchdog);                         /* fresh at the tick's start */
	ck_assert(!qd_sm_may_pet(&s.h[1].sm, t + TIMEOUT / 4)); /* but not after a slow read */
}
END_TEST

START_TEST(frozen_primary_resumes_superseded_and_steps_down)
{
	struct sim s;

	start_both(&s);
	/* Freeze head 1 and let its fence "confirm" without killing it: the
	 * worst case (a lying BMC). Head 2 takes over; when head 1 thaws, its
	 * first tick sees the newer epoch and it stops at once. The simulated
	 * services of head 1 are not counted as acting while frozen, since the
	 * check would (rightly) trip: that is what real fencing prevents. */
	s.h[1].frozen = true;
	s.h[1].acting = false;
	s.h[1].vote = false; /* likewise its vote */
	s.fence_works = false;
	run(&s, TIMEOUT + 2 * INTERVAL);
	ck_assert_int_ge(s.h[2].fences, 1);
	qd_sm_fence_result(&s.h[2].sm, true, s.now); /* the lying confirmation */
	s.h[2].sm.fence = QD_FENCE_PENDING;
	qd_sm_fence_result(&s.h[2].sm, true, s.now);
	run(&s, 2 * INTERVAL);
	ck_assert(s.h[2].acting);
	s.h[1].frozen = false;
	s.h[1].acting = s.h[1].sm.acting; /* it still believes it is primary */
	ck_assert(s.h[1].sm.acting);
	s.h[2].acting = false; /* look at head 1 alone for its next step */
	tick(&s, 1);
	ck_assert(!s.h[1].sm.acting);
	ck_assert_uint_eq(s.slot[1].state, QD_STATE_SECONDARY);
	ck_assert(!s.h[1].vote);
}
END_TEST

START_TEST(lost_disk_on_the_primary_drops_the_lease_and_peer_takes_over)
{
	struct sim s;

	start_both(&s);
	s.h[1].disk_ok = false;
	run(&s, TIMEOUT + 2 * INTERVAL);
	ck_assert(!s.h[1].acting);
	ck_assert(!s.h[1].vote);
	run(&s, 2 * TIMEOUT);
	ck_assert_int_eq(s.h[2].fences, 1);
	ck_assert(s.h[2].acting);
}
END_TEST

START_TEST(unreadable_disk_on_the_secondary_changes_nothing)
{
	struct sim s;

	start_both(&s);
	s.h[2].disk_ok = false;
	run(&s, 10 * TIMEOUT);
	ck_assert(s.h[1].acting);
	ck_assert(!s.h[2].acting);
	ck_assert_int_eq(s.h[2].fences, 0);
	/* Head 1 sees head 2 stale and fences it: it cannot tell. */
	ck_assert_int_le(s.h[1].fences, 1);
	ck_assert_int_eq(s.h[1].promotes, 1);
}
END_TEST

START_TEST(poison_pill_stops_a_primary)
{
	struct sim s;

	start_both(&s);
	s.mbox[1] = (struct qd_mailbox){ .to_node = 1, .from_node = 2, .request = QD_REQ_POISON,
					 .request_id = ++s.next_request, .epoch = s.slot[1].epoch };
	s.mbox_written[1] = true;
	s.h[2].frozen = true; /* keep head 2 from reacting while we look */
	run(&s, INTERVAL);
	ck_assert(!s.h[1].acting);
	ck_assert(!s.h[1].vote);
	ck_assert_int_eq(s.h[1].demotes, 2); /* start-up, poison */
	ck_assert_str_eq(s.h[1].sm.last_reason, "poison pill: the peer is fencing this head");
	/* The hold that follows closes only the claims without a fence: the
	 * election against head 2's quiet slot waits (logged once); head 2
	 * stays frozen, so its slot goes stale and head 1 fences it and takes
	 * over, within the hold. */
	run(&s, TIMEOUT + 4 * INTERVAL);
	ck_assert_msg(s.h[1].fences == 1, "head 1 claimed again without fencing the peer that "
		      "poisoned it (%d fences)", s.h[1].fences);
	ck_assert_int_eq(s.h[1].holds_logged, 1);
	ck_assert(s.h[1].acting);
	ck_assert_int_eq(s.h[1].promotes, 2);
	ck_assert_int_lt(s.now - s.h[1].sm.poison_read_ms, POISON_HOLD);
}
END_TEST

/* Head 1 (primary) cannot write; it loses its lease and steps down, and
 * head 2, which saw its slot go stale, starts a fence attempt of
 * FENCE_ATTEMPT ms and posts the poison pill. Then head 1's disk answers
 * again: it reads the pill as a secondary. Returns the time of the pill. */
static int64_t lease_lost_then_poisoned(struct sim *s)
{
	int64_t end;

	start_both(s);
	s->fence_ms = FENCE_ATTEMPT;
	s->h[1].disk_ok = false; /* writes (and reads) time out: a busy host */
	for (end = s->now + 3 * TIMEOUT; s->now < end && !s->h[2].fences;)
		run(s, STEP);
	ck_assert_int_eq(s->h[2].fences, 1);
	ck_assert(s->h[2].fence_running);
	ck_assert(s->mbox_written[1]);
	ck_assert_uint_eq(s->mbox[1].request, QD_REQ_POISON);
	ck_assert_uint_eq(s->h[1].sm.state, QD_STATE_SECONDARY); /* lease lost */
	ck_assert(!s->h[1].acting);
	ck_assert_uint_eq(s->slot[1].state, QD_STATE_PRIMARY);  /* as the disk still says */
	s->h[1].disk_ok = true;
	return s->now;
}

/* The lab's flap (interval 250, timeout 1000, host load 8-11): heada lost
 * its lease (its writes timed out) and stepped down; headb had already
 * judged it stale, started fencing it and posted the poison pill; heada
 * read the pill as a secondary (nothing to stop), saw headb secondary
 * with its services down, ran as the lower id, became primary and started
 * its services; headb's fence then powered it off (the first attempt's
 * answer timed out, its retry read the power state back) and headb took
 * over. Safe, but heada started services it could not keep. With the
 * hold, head 1 claims nothing until the fence lands; head 2 then takes
 * over on its confirmed fence. */
START_TEST(poison_pill_read_as_secondary_holds_off_the_election)
{
	struct sim s;
	int64_t posted = lease_lost_then_poisoned(&s);

	run(&s, FENCE_ATTEMPT); /* the attempt lands: head 1 is powered off */
	ck_assert(!s.h[1].powered);
	ck_assert_msg(s.h[1].promotes == 1,
		      "head 1 started its services again %lld ms after the poison pill, and "
		      "the fence that pill announced cut them: a flap",
		      (long long)(s.h[1].promoted_at - posted));
	ck_assert_int_eq(s.h[1].holds_logged, 1);
	ck_assert_int_eq(s.h[2].promotes, 0);
	/* Head 2 sees head 1's slot stale again, fences it (the read-back
	 * confirms) and takes over. */
	run(&s, TIMEOUT + 2 * FENCE_ATTEMPT);
	ck_assert(s.h[2].acting);
	ck_assert_int_eq(s.h[2].fences, 2);
	ck_assert_int_eq(s.h[1].promotes, 1);
}
END_TEST

/* The fence announced by the pill never lands (the BMC did not act): the
 * hold ends by itself and the cold-start election resumes, so a lost
 * fence leaves the pair without a primary for the hold only. */
START_TEST(poison_hold_expires_and_the_election_resumes)
{
	struct sim s;
	int64_t read, end;

	lease_lost_then_poisoned(&s);
	s.fence_works = false;
	run(&s, INTERVAL);
	read = s.h[1].sm.poison_read_ms;
	ck_assert_int_ge(read, 0);
	/* What `twinhead-quorumd status` shows meanwhile: the hold left. */
	ck_assert_int_eq(qd_sm_poison_hold_left_ms(&s.h[1].sm, s.now), read + POISON_HOLD - s.now);
	ck_assert_int_eq(qd_sm_poison_hold_left_ms(&s.h[2].sm, s.now), 0);
	for (end = read + POISON_HOLD - STEP; s.now < end;) {
		run(&s, STEP);
		ck_assert_msg(!s.h[1].acting && !s.h[2].acting,
			      "a head claimed without a fence %lld ms into the hold",
			      (long long)(s.now - read));
	}
	ck_assert_uint_eq(s.slot[1].state, QD_STATE_SECONDARY);
	ck_assert(s.slot[1].flags & QD_SLOT_F_SERVICES_DOWN);
	ck_assert_int_eq(s.h[1].holds_logged, 1); /* logged once, not every tick */
	ck_assert_ptr_nonnull(strstr(s.h[1].sm.hold_msg, "held: no primary: the lower node id "
					 "runs"));
	ck_assert_int_eq(s.h[2].fences, 1); /* head 1 writes: no retry */
	run(&s, 4 * INTERVAL);
	ck_assert(s.h[1].acting);
	ck_assert_int_eq(s.h[1].promotes, 2);
	ck_assert_int_ge(s.h[1].promoted_at - read, POISON_HOLD);
	ck_assert_int_eq(qd_sm_poison_hold_left_ms(&s.h[1].sm, s.now), 0);
	ck_assert(s.h[1].powered);
}
END_TEST

/* A pill posted while head 1's daemon was down (restarted after a hang,
 * say): the daemon finds it at start, skips it as a request, but holds
 * off from when it was posted; one as old as the hold means nothing. */
START_TEST(a_pill_found_at_start_holds_off_from_when_it_was_posted)
{
	struct sim s;
	int64_t booted;

	sim_init(&s, 0);
	booted = s.now;
	ck_assert(!qd_sm_poison_found(&s.h[2].sm, s.now, POISON_HOLD));
	ck_assert_int_lt(s.h[2].sm.poison_read_ms, 0);
	ck_assert(qd_sm_poison_found(&s.h[1].sm, s.now, 1000));
	for (int64_t end = booted + POISON_HOLD - 1000 - STEP; s.now < end;) {
		run(&s, STEP);
		ck_assert_msg(!s.h[1].acting && !s.h[2].acting,
			      "a head claimed without a fence %lld ms after the pill",
			      (long long)(s.now - booted + 1000));
	}
	ck_assert_int_eq(s.h[1].holds_logged, 1);
	ck_assert_ptr_nonnull(strstr(s.h[1].sm.hold_msg, "asked to fence this head"));
	run(&s, 4 * INTERVAL);
	ck_assert(s.h[1].acting);
	ck_assert_int_eq(s.h[1].fences + s.h[2].fences, 0);
}
END_TEST

START_TEST(release_request_moves_primary_and_the_old_one_stays_secondary)
{
	struct sim s;

	start_both(&s);
	s.mbox[1] = (struct qd_mailbox){ .to_node = 1, .from_node = 0, .request = QD_REQ_RELEASE,
					 .request_id = ++s.next_request, .epoch = s.slot[1].epoch };
	s.mbox_written[1] = true;
	run(&s, 4 * INTERVAL);
	ck_assert(!s.h[1].acting);
	ck_assert(s.h[2].acting);
	ck_assert_int_eq(s.h[1].fences + s.h[2].fences, 0);
	run(&s, 10 * TIMEOUT);
	/* No failback: head 1 is secondary and stays so. */
	ck_assert(s.h[2].acting);
	ck_assert_uint_eq(s.slot[1].state, QD_STATE_SECONDARY);
}
END_TEST

START_TEST(a_release_for_an_older_epoch_is_ignored)
{
	struct sim s;

	start_both(&s);
	s.mbox[1] = (struct qd_mailbox){ .to_node = 1, .from_node = 0, .request = QD_REQ_RELEASE,
					 .request_id = ++s.next_request,
					 .epoch = s.slot[1].epoch - 1 };
	s.mbox_written[1] = true;
	run(&s, 4 * INTERVAL);
	ck_assert(s.h[1].acting);
	ck_assert(!s.h[2].acting);
}
END_TEST

START_TEST(fenced_head_rejoins_as_secondary)
{
	struct sim s;

	start_both(&s);
	s.h[1].powered = false;
	s.h[1].acting = false;
	run(&s, 3 * TIMEOUT);
	ck_assert(s.h[2].acting);
	head_boot(&s, 1, 0); /* powered on again, new incarnation */
	run(&s, 20 * TIMEOUT);
	ck_assert(s.h[2].acting);
	ck_assert(!s.h[1].acting);
	ck_assert_int_eq(s.h[1].promotes, 1); /* only the one before the crash */
}
END_TEST

START_TEST(watchdog_mode_takes_over_after_the_bound_without_a_fence)
{
	struct sim s;
	int64_t lost;

	sim_init(&s, 3000);
	run(&s, 4 * TIMEOUT);
	ck_assert(s.h[1].acting);
	s.fence_works = false; /* the BMC died with its chassis */
	lost = s.now;
	s.h[1].powered = false;
	s.h[1].acting = false;
	run(&s, 4 * TIMEOUT);
	ck_assert(s.h[2].acting);
	ck_assert_int_ge(s.h[2].promoted_at - lost, TIMEOUT + 3000);
	/* What zpool force=fenced accepts: the peer is as good as fenced. */
	{
		struct quorumd_state st;
		char why[128];

		qd_sm_published(&s.h[2].sm, s.now, 1700000000, &st);
		ck_assert_int_eq(st.peer, QUORUMD_PEER_FENCED);
		ck_assert_int_eq(quorumd_state_peer_fenced(&st, 1700000000, why, sizeof(why)), 1);
	}
}
END_TEST

START_TEST(fence_proof_is_discarded_when_the_peer_writes_again)
{
	struct sim s;

	start_both(&s);
	s.h[1].frozen = true;
	s.h[1].acting = false;
	s.fence_works = false;
	run(&s, TIMEOUT + 2 * INTERVAL);
	ck_assert_int_ge(s.h[2].fences, 1);
	/* The fence "confirms", but head 1 thaws and writes before head 2
	 * acts on it: the proof no longer matches what is on disk. */
	s.h[2].sm.fence = QD_FENCE_PENDING;
	qd_sm_fence_result(&s.h[2].sm, true, s.now);
	s.h[1].frozen = false;
	s.h[1].acting = s.h[1].sm.acting;
	tick(&s, 1);
	tick(&s, 2);
	ck_assert(!s.h[2].acting);
	ck_assert_int_ne(s.h[2].sm.fence, QD_FENCE_CONFIRMED);
}
END_TEST

/* Issue 18: a slow fence must cost the survivor time, never its quorum.
 * Head 1 (primary, voting) loses power; head 2's fences fail for a while.
 * Head 2 never answers "no" once head 1's slot is late: it holds the
 * answer back (a new membership waits), then votes while it fences, and
 * takes over once a fence is confirmed. */
START_TEST(slow_fence_keeps_the_survivors_vote)
{
	struct sim s;
	int64_t lost, guard;

	start_both(&s);
	guard = qd_vote_guard_ms(&s.h[2].sm.cfg, DEVICE_TIMEOUT);
	s.fence_works = false;
	lost = s.now;
	s.h[1].powered = false;
	s.h[1].acting = false;
	run(&s, 3 * INTERVAL);
	ck_assert_int_eq(s.h[2].decided, QD_VOTE_HOLD);
	run(&s, guard - 5 * INTERVAL);
	ck_assert_int_eq(s.h[2].decided, QD_VOTE_HOLD);
	ck_assert(!s.h[2].vote);
	run(&s, 4 * INTERVAL);
	ck_assert_int_ge(s.h[2].fences, 2);
	ck_assert(!s.h[2].acting);
	ck_assert_int_eq(s.h[2].decided, QD_VOTE_YES);
	ck_assert(s.h[2].vote);
	/* The BMC answers again: takeover, and the vote never dropped. */
	s.fence_works = true;
	for (int64_t end = s.now + 3 * TIMEOUT; s.now < end && !s.h[2].acting;) {
		run(&s, STEP);
		ck_assert(s.h[2].vote);
	}
	ck_assert(s.h[2].acting);
	ck_assert_int_le(s.now - lost, guard + 3 * TIMEOUT);
}
END_TEST

/* The vote while fencing is bounded: a fence that never confirms ends it
 * fence_vote_ms after the guard (then a person must look). */
START_TEST(the_vote_while_fencing_ends_at_its_bound)
{
	struct sim s;
	int64_t guard;

	start_both(&s);
	guard = qd_vote_guard_ms(&s.h[2].sm.cfg, DEVICE_TIMEOUT);
	s.fence_works = false;
	s.h[1].powered = false;
	s.h[1].acting = false;
	run(&s, guard + INTERVAL);
	ck_assert(s.h[2].vote);
	run(&s, FENCE_VOTE + 2 * INTERVAL);
	ck_assert(!s.h[2].vote);
	ck_assert_int_eq(s.h[2].decided, QD_VOTE_NO);
	ck_assert(!s.h[2].acting);
}
END_TEST

/* Head 1's quorumd freezes with its vote cast and its fence never
 * confirms: votequorum keeps head 1's vote for the device timeout, and
 * head 2 votes only after that (the guard): never two votes (checked at
 * every step by the simulation). */
START_TEST(a_frozen_peers_vote_lapses_before_the_survivor_votes)
{
	struct sim s;

	start_both(&s);
	s.fence_works = false;
	s.h[1].frozen = true;
	s.h[1].acting = false; /* what fencing would end; not counted here */
	ck_assert(s.h[1].vote);
	run(&s, DEVICE_TIMEOUT);
	ck_assert(!s.h[2].vote);
	run(&s, 3 * INTERVAL);
	ck_assert(!s.h[1].vote);
	ck_assert(s.h[2].vote);
}
END_TEST

/* Head 1 loses its disk (and, say, its network too): it drops its lease
 * and its vote; head 2 votes while fencing only after that. */
START_TEST(a_primary_cut_off_the_disk_stops_voting_before_the_survivor_votes)
{
	struct sim s;

	start_both(&s);
	s.fence_works = false;
	s.h[1].disk_ok = false;
	run(&s, 4 * TIMEOUT);
	ck_assert(!s.h[1].vote);
	ck_assert(!s.h[1].acting);
	ck_assert(s.h[2].vote);
}
END_TEST

START_TEST(candidates_that_meet_both_back_off)
{
	struct qd_sm sm;
	struct qd_tick_in in = { .now_ms = 0 };
	struct qd_tick_out out;
	struct qd_sm_config c = cfg1;

	qd_sm_init(&sm, &c, NULL, 1, 0);
	sm.state = QD_STATE_CANDIDATE;
	sm.candidate_epoch = 3;
	sm.candidate_written = true;
	in.peer_rc = 0;
	in.peer = (struct qd_slot){ .node_id = 2, .state = QD_STATE_CANDIDATE, .incarnation = 9,
				    .seq = 4, .epoch = 3 };
	qd_sm_tick(&sm, &in, &out);
	ck_assert_uint_eq(out.slot.state, QD_STATE_SECONDARY);
	ck_assert(!out.vote);
}
END_TEST

static void fenced_candidate(struct qd_sm *sm)
{
	struct qd_sm_config c = cfg1;

	c.my_id = 2;
	qd_sm_init(sm, &c, NULL, 5, 0);
	sm->state = QD_STATE_CANDIDATE;
	sm->candidate_epoch = 4;
	sm->candidate_written = true;
	sm->candidate_fenced = true;
	sm->fence = QD_FENCE_CONFIRMED;
	sm->fence_incarnation = 77;
	sm->fence_seq = 300;
}

START_TEST(after_a_fence_the_dead_peers_old_claim_does_not_compete)
{
	struct qd_sm sm;
	struct qd_tick_in in = { .now_ms = 0, .peer_rc = 0 };
	struct qd_tick_out out;

	fenced_candidate(&sm);
	/* What head 1 wrote before it was powered off: primary, epoch 5. */
	in.peer = (struct qd_slot){ .node_id = 1, .state = QD_STATE_PRIMARY, .incarnation = 77,
				    .seq = 300, .epoch = 5 };
	qd_sm_tick(&sm, &in, &out);
	ck_assert_uint_eq(out.slot.state, QD_STATE_PRIMARY);
	ck_assert_uint_gt(out.slot.epoch, 5);
}
END_TEST

/* What the daemon publishes goes through the one format lib/quorumd_state.c
 * defines and reads back as the same state, with the verdict the zpool
 * agent acts on: the round trip the agents rely on. */
static void published_round_trip(const struct sim *s, int i, struct quorumd_state *back)
{
	struct quorumd_state st;
	char text[QUORUMD_STATE_MAX], why[128];
	int n;

	qd_sm_published(&s->h[i].sm, s->now, 1700000000, &st);
	n = quorumd_state_format(&st, text, sizeof(text));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(quorumd_state_parse(text, (size_t)n, back, why, sizeof(why)), 0);
	ck_assert_uint_eq(back->version, QUORUMD_STATE_VERSION);
	ck_assert_int_eq(back->role, st.role);
	ck_assert_int_eq(back->peer, st.peer);
	ck_assert_uint_eq(back->epoch, s->h[i].sm.epoch);
	ck_assert_uint_eq(back->updated, 1700000000);
}

START_TEST(published_state_round_trips_through_the_agents_parser)
{
	struct sim s;
	struct quorumd_state a, b;
	char why[128];

	start_both(&s);
	published_round_trip(&s, 1, &a);
	published_round_trip(&s, 2, &b);
	ck_assert_int_eq(a.role, QUORUMD_ROLE_PRIMARY);
	ck_assert_int_eq(a.peer, QUORUMD_PEER_ALIVE);
	ck_assert_int_eq(b.role, QUORUMD_ROLE_SECONDARY);
	ck_assert_int_eq(quorumd_state_peer_fenced(&a, 1700000000, why, sizeof(why)), 0);

	/* Power loss of 1: 2 fences it, takes over and says so. */
	s.h[1].powered = false;
	s.h[1].acting = false;
	run(&s, 3 * TIMEOUT);
	ck_assert(s.h[2].acting);
	published_round_trip(&s, 2, &b);
	ck_assert_int_eq(b.role, QUORUMD_ROLE_PRIMARY);
	ck_assert_int_eq(b.peer, QUORUMD_PEER_FENCED);
	ck_assert_int_eq(quorumd_state_peer_fenced(&b, 1700000000, why, sizeof(why)), 1);
}
END_TEST

/* fence_twinhead's reuse rule over what the state machine publishes: the
 * confirmation of a power loss is reusable; once the fenced head boots and
 * writes its slot again, the same confirmation (still published) is not. */
START_TEST(published_fence_confirmation_is_reusable_for_this_failure_only)
{
	struct sim s;
	struct quorumd_state b;
	char why[200];
	uint64_t confirmed;

	start_both(&s);
	published_round_trip(&s, 2, &b);
	ck_assert(b.has_fence);
	ck_assert_uint_eq(b.fenced_ms, 0);
	ck_assert_str_eq(b.fenced_bmc, "none");

	s.h[1].powered = false;
	s.h[1].acting = false;
	run(&s, 3 * TIMEOUT);
	published_round_trip(&s, 2, &b);
	ck_assert_uint_gt(b.fenced_ms, b.peer_seen_ms);
	confirmed = b.fenced_ms;
	strcpy(b.fenced_bmc, "10.0.0.1:623");  /* the daemon's part */
	b.peer_member_ms = 1;                 /* membership formed at boot */
	ck_assert_int_eq(quorumd_state_fence_reusable(&b, "10.0.0.1:623", 1700000000, why,
						      sizeof(why)), 1);

	head_boot(&s, 1, 0);
	run(&s, 4 * TIMEOUT);
	published_round_trip(&s, 2, &b);
	ck_assert_uint_eq(b.fenced_ms, confirmed); /* the old one is still there */
	strcpy(b.fenced_bmc, "10.0.0.1:623");
	b.peer_member_ms = 1;
	ck_assert_int_eq(quorumd_state_fence_reusable(&b, "10.0.0.1:623", 1700000000, why,
						      sizeof(why)), 0);
	ck_assert_ptr_nonnull(strstr(why, "stale"));
}
END_TEST

START_TEST(after_a_fence_a_rebooted_peers_new_claim_wins)
{
	struct qd_sm sm;
	struct qd_tick_in in = { .now_ms = 0, .peer_rc = 0 };
	struct qd_tick_out out;

	fenced_candidate(&sm);
	/* Head 1 was powered on again and ran before we could. */
	in.peer = (struct qd_slot){ .node_id = 1, .state = QD_STATE_CANDIDATE, .incarnation = 78,
				    .seq = 301, .epoch = 5 };
	qd_sm_tick(&sm, &in, &out);
	ck_assert_uint_eq(out.slot.state, QD_STATE_SECONDARY);
}
END_TEST

START_TEST(a_claim_that_did_not_reach_the_disk_is_no_claim)
{
	struct sim s;

	sim_init(&s, 0);
	s.h[1].disk_ok = false;
	s.h[2].disk_ok = false;
	run(&s, 10 * TIMEOUT);
	ck_assert(!s.h[1].acting);
	ck_assert(!s.h[2].acting);
	ck_assert_int_eq(s.h[1].fences + s.h[2].fences, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("qd_sm");
	TCase *tc = tcase_create("protocol");

	tcase_add_test(tc, cold_start_elects_the_lower_id_without_fencing);
	tcase_add_test(tc, first_tick_stops_leftover_services);
	tcase_add_test(tc, primary_power_loss_is_fenced_then_taken_over_in_bound);
	tcase_add_test(tc, unconfirmed_fence_means_no_takeover_and_retries);
	tcase_add_test(tc, network_split_with_disk_changes_nothing);
	tcase_add_test(tc, clean_shutdown_hands_over_without_fencing);
	tcase_add_test(tc, release_with_a_demote_longer_than_the_timeout);
	tcase_add_test(tc, shutdown_with_a_demote_longer_than_the_timeout);
	tcase_add_test(tc, release_with_a_failing_demote_stays_primary);
	tcase_add_test(tc, shutdown_with_a_failing_demote_stays_primary);
	tcase_add_test(tc, released_without_services_down_is_no_handover);
	tcase_add_test(tc, release_is_refused_while_the_peer_is_down);
	tcase_add_test(tc, released_head_takes_over_again_when_the_peer_dies_first);
	tcase_add_test(tc, failed_startup_demote_keeps_the_head_starting);
	tcase_add_test(tc, pet_rests_on_a_fresh_lease_check);
	tcase_add_test(tc, stopping_secondary_waits_for_its_running_demote);
	tcase_add_test(tc, frozen_primary_resumes_superseded_and_steps_down);
	tcase_add_test(tc, lost_disk_on_the_primary_drops_the_lease_and_peer_takes_over);
	tcase_add_test(tc, unreadable_disk_on_the_secondary_changes_nothing);
	tcase_add_test(tc, poison_pill_stops_a_primary);
	tcase_add_test(tc, poison_pill_read_as_secondary_holds_off_the_election);
	tcase_add_test(tc, poison_hold_expires_and_the_election_resumes);
	tcase_add_test(tc, a_pill_found_at_start_holds_off_from_when_it_was_posted);
	tcase_add_test(tc, release_request_moves_primary_and_the_old_one_stays_secondary);
	tcase_add_test(tc, a_release_for_an_older_epoch_is_ignored);
	tcase_add_test(tc, fenced_head_rejoins_as_secondary);
	tcase_add_test(tc, watchdog_mode_takes_over_after_the_bound_without_a_fence);
	tcase_add_test(tc, fence_proof_is_discarded_when_the_peer_writes_again);
	tcase_add_test(tc, slow_fence_keeps_the_survivors_vote);
	tcase_add_test(tc, the_vote_while_fencing_ends_at_its_bound);
	tcase_add_test(tc, a_frozen_peers_vote_lapses_before_the_survivor_votes);
	tcase_add_test(tc, a_primary_cut_off_the_disk_stops_voting_before_the_survivor_votes);
	tcase_add_test(tc, candidates_that_meet_both_back_off);
	tcase_add_test(tc, a_claim_that_did_not_reach_the_disk_is_no_claim);
	tcase_add_test(tc, after_a_fence_the_dead_peers_old_claim_does_not_compete);
	tcase_add_test(tc, after_a_fence_a_rebooted_peers_new_claim_wins);
	tcase_add_test(tc, published_state_round_trips_through_the_agents_parser);
	tcase_add_test(tc, published_fence_confirmation_is_reusable_for_this_failure_only);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
