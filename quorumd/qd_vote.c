/* The quorum device's vote. Read qd_vote.h first. */
#include "config.h"
#include "qd_vote.h"

int64_t qd_vote_guard_ms(const struct qd_sm_config *cfg, uint32_t device_timeout_ms)
{
	/* A peer alive but cut off the disk withdraws its vote at its first
	 * poll after its lease expired: its last verified write came at most
	 * timeout / 4 after we saw it (its write and read-back), its lease
	 * lasts timeout, and its next poll comes within an interval plus one
	 * slow tick (disk read, write and attribute update, a quarter of the
	 * timeout each). A peer whose quorumd froze right after a poll keeps
	 * its vote in votequorum for the device timeout. */
	int64_t alive = 2 * (int64_t)cfg->timeout_ms + cfg->interval_ms;
	int64_t frozen = (int64_t)device_timeout_ms + cfg->interval_ms;

	return alive > frozen ? alive : frozen;
}

static bool own_lease_fresh(const struct qd_sm *sm, int64_t now_ms)
{
	return sm->last_write_ok_ms >= 0 &&
	       now_ms - sm->last_write_ok_ms <= (int64_t)sm->cfg.timeout_ms;
}

/* A state from which this head takes over a dead peer. */
static bool taking_over(const struct qd_sm *sm)
{
	return sm->state == QD_STATE_SECONDARY || sm->state == QD_STATE_CANDIDATE ||
	       (sm->state == QD_STATE_PRIMARY && !sm->acting);
}

enum qd_vote qd_vote_decide(const struct qd_sm *sm, const struct qd_vote_config *vc,
			    int64_t now_ms)
{
	int64_t since;

	if (qd_sm_may_vote(sm, now_ms))
		return QD_VOTE_YES;
	if (!own_lease_fresh(sm, now_ms) || !sm->peer_seen || !taking_over(sm))
		return QD_VOTE_NO;
	/* A peer that handed over cleanly is not fenced: no vote until
	 * primary. */
	if (qd_sm_peer_clean(sm))
		return QD_VOTE_NO;
	since = now_ms - sm->peer_changed_ms;
	if (since <= 2 * (int64_t)sm->cfg.interval_ms)
		return QD_VOTE_NO; /* the peer writes: it is alive on the disk */
	if (since < vc->guard_ms)
		return QD_VOTE_HOLD;
	if (sm->fence != QD_FENCE_IDLE && sm->fence_incarnation == sm->peer.incarnation &&
	    sm->fence_seq == sm->peer.seq && since <= vc->guard_ms + (int64_t)vc->fence_vote_ms)
		return QD_VOTE_YES;
	return QD_VOTE_NO;
}

const char *qd_vote_name(enum qd_vote v)
{
	switch (v) {
	case QD_VOTE_YES:
		return "yes";
	case QD_VOTE_HOLD:
		return "hold";
	default:
		return "no";
	}
}
