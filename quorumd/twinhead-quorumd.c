/* twinhead-quorumd: decides, with a shared quorum disk and IPMI fencing,
 * which storage head is primary.
 *
 *   twinhead-quorumd [-c CONFIG]          run (in the foreground)
 *   twinhead-quorumd status [-c CONFIG]   print this head's published state
 *   twinhead-quorumd check [-c CONFIG]    check the configuration and exit
 *
 * Each interval: read the peer's slot and this head's mailbox, let the
 * state machine (qd_sm.c) decide, write this head's slot (read back), run
 * what it asked for (fence the peer, start or stop services through the
 * hooks, cast or withhold the quorum vote), and publish the state for the
 * agents (docs/quorumd-state.md) and, in cluster mode, as Pacemaker node
 * attributes. In watchdog mode, pet the watchdog device while this head's
 * lease is fresh. SIGTERM or SIGINT: stop the services (demote hooks)
 * while still ticking, then release cleanly; a demote that fails cancels
 * the shutdown (docs/quorumd.md, "The handover").
 *
 * Under systemd (Type=notify, init/twinhead-quorumd.service.in) it says
 * READY=1 once the disk, the fence device, the quorum device and the
 * watchdog are set up, WATCHDOG=1 every tick, its role as STATUS=, and
 * STOPPING=1 on SIGTERM; outside systemd those are no-ops (lib/sdnotify.h).
 *
 * For tests only, environment variables: TWINHEAD_LIBFREEIPMI names the
 * libfreeipmi to load at the first fence (instead of configure's soname),
 * TWINHEAD_TEST_WATCHDOG_FILE=1 lets watchdog_device be a regular file or
 * FIFO (pets are bytes written to it), TWINHEAD_TEST_NO_DIRECT=1 lets the
 * quorum disk be a file that refuses O_DIRECT, and
 * TWINHEAD_TEST_SLOW_READ_MS=N delays every read of the peer's slot by N
 * ms (a slow disk, emulated). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "exec.h"
#include "fence.h"
#include "fence_ipmi.h"
#include "fencer.h"
#include "hooks.h"
#include "lock.h"
#include "log.h"
#include "os.h"
#include "qconfig.h"
#include "qd_sm.h"
#include "qd_vote.h"
#include "qdevice.h"
#include "qdisk_format.h"
#include "qdisk_io.h"
#include "sdnotify.h"
#include "tools.h"
#include "watchdog.h"

#define DEFAULT_CONFIG "/etc/twinhead/quorumd.conf"
#define ATTR_RETRY_MS 10000 /* a failed attribute update is tried again after */
#define ENV_TEST_WATCHDOG_FILE "TWINHEAD_TEST_WATCHDOG_FILE"
#define ENV_TEST_NO_DIRECT "TWINHEAD_TEST_NO_DIRECT"
#define ENV_TEST_SLOW_READ "TWINHEAD_TEST_SLOW_READ_MS"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1; /* only a flag: the loop does the work */
}

struct daemon {
	struct qc_config cfg;
	struct qdisk *disk;
	struct qd_header hdr;
	struct qd_sm sm;
	struct fence_dev *fence;
	char fence_bmc[QUORUMD_STATE_BMC_MAX + 1]; /* its address, as published */
	struct fencer *fencer; /* runs the fence off the tick (fencer.h) */
	bool fence_failed;     /* the last attempt failed: read back first */
	enum qd_vote vote;     /* the last vote decided, for the log */
	struct qd_vote_config vote_cfg;
	struct hooks *hooks;
	uint64_t demote_id;    /* the demote request whose result the state machine
			        * waits for; 0: none */
	unsigned slow_read_ms; /* tests: TWINHEAD_TEST_SLOW_READ_MS */
	struct lock lock;      /* state_dir/lock, held while running */
	bool finished;         /* the final slot was handed out: exit */
	bool final_written;    /* and it is on disk */
	struct qdevice *qdev;
	struct watchdog *wd;   /* watchdog mode */
	bool wd_petting;       /* the last tick petted it */
	bool wd_pet_failed;    /* the last pet failed (logged once) */
	const char *published_role;
	int publish_err;       /* errno of the last failed publish, 0 when it worked */
	bool notify_failed;    /* a notification to systemd failed (logged once) */
	/* Node attributes: what was last sent to Pacemaker, and whether that
	 * failed (then it is sent again at attr_retry_ms). */
	const char *attr_role;
	uint64_t attr_epoch;
	bool attr_failed;
	int64_t attr_retry_ms;
};

/* Tells systemd msg (lib/sdnotify.h); a failure is logged once, since
 * systemd then cannot see this daemon's health. */
static void notify(struct daemon *d, const char *msg)
{
	int rc = sdnotify_send(NULL, msg);

	if (rc < 0 && !d->notify_failed)
		th_log(LOG_WARNING, "cannot notify systemd (%.40s): %s", msg, strerror(-rc));
	d->notify_failed = d->notify_failed || rc < 0;
}

/* The longest gap between two ticks of a healthy daemon: a tick's disk
 * reads and writes (a quarter of the timeout each, four of them), a fence
 * attempt (qc_fence_attempt_ms), the node attributes (a quarter) and the
 * interval's sleep; doubled, plus 10 s for a loaded machine. systemd's watchdog must
 * not be shorter, or it would kill a healthy daemon in the middle of a
 * fence. */
static uint64_t tick_bound_usec(const struct qc_config *c)
{
	uint64_t ms = (uint64_t)c->interval_ms + 5ull * c->timeout_ms / 4 + qc_fence_attempt_ms(c);

	return (2 * ms + 10000) * 1000;
}

static int64_t wall_s(void)
{
	return (int64_t)time(NULL);
}

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct deadline io_deadline(const struct daemon *d)
{
	/* A disk read or write may use a quarter of the timeout: four slow
	 * operations still fit before the lease ages out. */
	return deadline_in_ms(d->cfg.timeout_ms / 4);
}

static int read_record(struct daemon *d, enum qd_kind kind, unsigned node,
		       uint8_t rec[QD_RECORD_SIZE])
{
	return qdisk_read(d->disk, qd_offset(d->hdr.sector_size, kind, node), d->hdr.sector_size,
			  rec, io_deadline(d));
}

static int write_record(struct daemon *d, enum qd_kind kind, unsigned node,
			const uint8_t rec[QD_RECORD_SIZE])
{
	return qdisk_write(d->disk, qd_offset(d->hdr.sector_size, kind, node), d->hdr.sector_size,
			   rec, io_deadline(d));
}

static const char *role_of(const struct qd_sm *sm)
{
	struct quorumd_state st;

	qd_sm_published(sm, deadline_now_ms(), 0, &st);
	return quorumd_state_role_name(st.role);
}

/* What the services are, for `twinhead-quorumd status` (not for agents):
 * one word in state_dir/services, and while a poison-pill hold runs how
 * long it still does (why this head does not run for primary), written
 * whole and renamed like the state. Best effort: the state file is the
 * contract, and its strict format has no room for either. */
static const char *services_word(const struct qd_sm *sm)
{
	if (sm->demoting)
		return "stopping";
	if (sm->demote_failed)
		return "demote-failed";
	if (sm->acting)
		return "started";
	return sm->services_down ? "stopped" : "unknown";
}

static void publish_services(struct daemon *d, int64_t now)
{
	char path[512], tmp[520], text[96];
	int64_t hold = qd_sm_poison_hold_left_ms(&d->sm, now);
	int fd, n;

	n = snprintf(text, sizeof(text), "services=%s\n", services_word(&d->sm));
	if (hold > 0)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "poison_hold_left_ms=%" PRId64 "\n",
			      hold);
	snprintf(path, sizeof(path), "%s/services", d->cfg.state_dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, text, (size_t)n) != n) {
		close(fd);
		unlink(tmp);
	} else if (close(fd) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
	}
}

/* The state file the agents read (docs/quorumd-state.md), in the one format
 * lib/quorumd_state.c defines: written whole to a temporary name and
 * renamed, so a reader never sees half of it. A failure is logged once per
 * change of its cause, not every interval. */
static void publish(struct daemon *d, int64_t now)
{
	char path[512], tmp[520], text[QUORUMD_STATE_MAX];
	struct quorumd_state st;
	int fd, n, err = 0;

	qd_sm_published(&d->sm, now, wall_s(), &st);
	/* What fence_twinhead needs to reuse this head's fence confirmation:
	 * which BMC it was, and when the peer was last in a membership. */
	if (d->fence_bmc[0])
		snprintf(st.fenced_bmc, sizeof(st.fenced_bmc), "%s", d->fence_bmc);
	if (d->qdev && qdevice_member_ms(d->qdev, d->sm.peer_id) > 0)
		st.peer_member_ms = (uint64_t)qdevice_member_ms(d->qdev, d->sm.peer_id);
	n = quorumd_state_format(&st, text, sizeof(text));
	snprintf(path, sizeof(path), "%s/state", d->cfg.state_dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (n < 0) {
		err = -n;
	} else if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		err = errno;
	} else if (write(fd, text, (size_t)n) != n || fsync(fd) != 0) {
		err = errno ? errno : EIO;
		close(fd);
		unlink(tmp);
	} else if (close(fd) != 0 || rename(tmp, path) != 0) {
		err = errno;
		unlink(tmp);
	}
	if (err != d->publish_err) {
		if (err)
			th_log(LOG_ERR, "cannot publish the state for the agents in %s: %s", path,
			       strerror(err));
		else if (d->publish_err)
			th_log(LOG_NOTICE, "publishing the state in %s again", path);
		d->publish_err = err;
	}
	if (err)
		return;
	publish_services(d, now);
	if (!d->published_role || strcmp(d->published_role, quorumd_state_role_name(st.role)) != 0) {
		char status[128];

		d->published_role = quorumd_state_role_name(st.role);
		th_log(LOG_NOTICE, "role %s, epoch %" PRIu64 ", peer %s", d->published_role,
		       st.epoch, quorumd_state_peer_name(st.peer));
		/* systemctl status shows it. */
		snprintf(status, sizeof(status), "STATUS=role %s, epoch %" PRIu64 ", peer %s",
			 d->published_role, st.epoch, quorumd_state_peer_name(st.peer));
		notify(d, status);
	}
}

static bool set_attr(const char *name, const char *value, struct deadline dl)
{
	const char *argv[] = { tool_path(TOOL_ATTRD_UPDATER, NULL), "-n", name, "-U", value, NULL };
	struct exec_cmd cmd = { .argv = argv, .deadline = dl };
	struct exec_result res;
	int rc = exec_run(&cmd, &res);
	bool ok = exec_succeeded(rc, &res);

	if (!ok)
		th_log(LOG_WARNING, "node attribute %s=%s not set (%s): %.200s; retrying in %d s",
		       name, value,
		       rc == -ETIMEDOUT ? "timed out" : rc < 0 ? strerror(-rc) : "non-zero exit",
		       res.err && res.err[0] ? res.err : res.out ? res.out : "",
		       ATTR_RETRY_MS / 1000);
	exec_result_free(&res);
	return ok;
}

/* Cluster mode: the role and epoch as Pacemaker node attributes
 * (crm_mon -A), sent on change only. Both calls share a quarter of the
 * timeout, like one disk operation, so a hung attrd cannot age the lease. */
static void publish_attrs(struct daemon *d)
{
	const char *role = role_of(&d->sm);
	int64_t now = deadline_now_ms();
	struct deadline dl;
	char epoch[24];

	if (d->cfg.mode != QC_MODE_CLUSTER)
		return;
	if (d->attr_role && strcmp(d->attr_role, role) == 0 && d->attr_epoch == d->sm.epoch &&
	    (!d->attr_failed || now < d->attr_retry_ms))
		return;
	d->attr_role = role;
	d->attr_epoch = d->sm.epoch;
	d->attr_retry_ms = now + ATTR_RETRY_MS;
	dl = deadline_in_ms(d->cfg.timeout_ms / 4);
	snprintf(epoch, sizeof(epoch), "%" PRIu64, d->sm.epoch);
	/* The epoch first, then the role that goes with it. */
	d->attr_failed = !(set_attr("twinhead-quorumd-epoch", epoch, dl) &&
			   set_attr("twinhead-quorumd-role", role, dl));
}

static void poison_peer(struct daemon *d)
{
	struct qd_mailbox m = { .to_node = d->sm.peer_id, .from_node = d->cfg.node_id,
				.request = QD_REQ_POISON, .epoch = d->sm.peer.epoch }, cur;
	uint8_t rec[QD_RECORD_SIZE];
	char why[128];
	bool have;

	/* One id space with admin releases: above what the mailbox holds. */
	have = read_record(d, QD_KIND_MAILBOX, d->sm.peer_id, rec) == 0 &&
	       qd_mailbox_decode(rec, sizeof(rec), d->hdr.uuid, d->sm.peer_id, &cur, why,
				 sizeof(why)) == 0;
	m.written_ms = (uint64_t)wall_ms();
	m.request_id = qd_mailbox_next_id(have ? &cur : NULL, m.written_ms);
	qd_mailbox_encode(&m, d->hdr.uuid, rec);
	if (write_record(d, QD_KIND_MAILBOX, d->sm.peer_id, rec) < 0)
		th_log(LOG_WARNING, "could not post the poison pill to node %u", d->sm.peer_id);
}

/* Starts a fence attempt on the fence thread; its result comes back at a
 * later tick (fence_collect). The tick goes on meanwhile: this head's slot
 * is written and its vote polled while the BMC takes its time. */
static void fence_peer(struct daemon *d)
{
	uint32_t budget = qc_fence_attempt_ms(&d->cfg);
	int rc;

	if (!d->fence) {
		th_log(LOG_ERR, "node %u is stale and there is no fence device: no takeover "
		       "(watchdog mode waits for its bound)", d->sm.peer_id);
		qd_sm_fence_result(&d->sm, false, deadline_now_ms());
		return;
	}
	rc = fencer_begin(d->fencer, budget, 50, d->fence_failed);
	if (rc < 0) {
		/* An earlier attempt still runs: this one counts as failed
		 * and is retried after the pause. */
		th_log(LOG_WARNING, "fencing node %u not started: %s", d->sm.peer_id,
		       rc == -EBUSY ? "an earlier attempt still runs" : strerror(-rc));
		qd_sm_fence_result(&d->sm, false, deadline_now_ms());
		return;
	}
	th_log(LOG_WARNING, "fencing node %u through %s (budget %u ms%s)", d->sm.peer_id,
	       d->fence->desc, budget,
	       d->fence_failed ? ", reading the power state back first" : "");
}

static void fence_collect(struct daemon *d)
{
	char why[sizeof(d->fence->error)];
	bool read_back;
	int64_t at;
	int rc;

	if (!d->fencer || !fencer_done(d->fencer, &rc, &at, &read_back, why, sizeof(why)))
		return;
	if (rc == 0) {
		th_log(LOG_WARNING, "node %u power-off confirmed by its BMC%s", d->sm.peer_id,
		       read_back ? " (read back after a failed attempt: the BMC had acted)" : "");
	} else {
		/* Loud, on purpose: a stuck takeover needs a person. */
		th_log(LOG_CRIT, "FENCING NODE %u FAILED (%s): no takeover yet; retrying in %u ms, "
		       "reading the power state back first. Check its BMC (%s), or confirm it "
		       "is off and restart this daemon.", d->sm.peer_id,
		       why[0] ? why : strerror(-rc), qc_fence_retry_ms(&d->cfg), d->fence->desc);
	}
	d->fence_failed = rc != 0;
	qd_sm_fence_result(&d->sm, rc == 0, at);
}

/* Cluster mode: cast, withhold, or hold back the device's vote
 * (qd_vote.h). Changes are logged once. */
static void vote(struct daemon *d)
{
	int64_t now = deadline_now_ms();
	enum qd_vote v = qd_vote_decide(&d->sm, &d->vote_cfg, now);
	int rc;

	if (!d->qdev)
		return;
	if (v != d->vote) {
		if (v == QD_VOTE_YES && !qd_sm_may_vote(&d->sm, now))
			th_log(LOG_NOTICE, "casting the device's vote while fencing node %u (for at "
			       "most %u ms without confirmation)", d->sm.peer_id,
			       d->vote_cfg.fence_vote_ms);
		else if (v == QD_VOTE_HOLD)
			th_log(LOG_NOTICE, "node %u's slot is late: holding the device's poll back "
			       "until its lease is judged", d->sm.peer_id);
		else
			th_log(LOG_INFO, "device vote: %s", qd_vote_name(v));
		d->vote = v;
	}
	rc = v == QD_VOTE_HOLD ? qdevice_hold(d->qdev) : qdevice_poll(d->qdev, v == QD_VOTE_YES);
	if (rc < 0)
		th_log(LOG_WARNING, "votequorum poll failed: %s", strerror(-rc));
}

/* A new membership between two ticks: votequorum holds its quorum until
 * the device polls on the new ring. A primary whose lease is fresh casts
 * at every tick anyway, so it casts on the new ring at once, rather than
 * up to an interval later (measured: 180 ms of every failover spent there
 * with interval_ms 250). Every other decision waits for the tick, which
 * reads the disk first. */
static bool membership_changed(struct daemon *d)
{
	int rc;

	if (!qdevice_ring_pending(d->qdev))
		return false;
	if (!qd_sm_may_vote(&d->sm, deadline_now_ms()))
		return true;
	rc = qdevice_poll(d->qdev, true);
	if (rc < 0)
		th_log(LOG_WARNING, "votequorum poll on the new membership failed: %s", strerror(-rc));
	else
		th_log(LOG_NOTICE, "new membership: the device's vote cast on it at once (primary)");
	return true;
}

/* Sleeps until the next tick is due, a signal aside; in cluster mode it
 * wakes for a new membership (membership_changed). */
static void wait_for_tick(struct daemon *d, int64_t next)
{
	int fd = d->qdev ? qdevice_fd(d->qdev) : -1;

	while (!stop_requested && deadline_now_ms() < next) {
		/* 50 ms slices: a stop request is seen within that. */
		struct deadline slice = deadline_in_ms(next - deadline_now_ms());

		if (fd < 0) {
			deadline_sleep_ms(slice, 50);
			continue;
		}
		if (deadline_left_ms(slice) > 50)
			slice = deadline_in_ms(50);
		/* Readable with nothing new (corosync gone: a hangup) must
		 * not spin: sleep out the slice. */
		if (deadline_poll_fd(fd, POLLIN, slice) == 0 && !membership_changed(d))
			deadline_sleep_ms(slice, 50);
	}
}

/* Watchdog mode: pet while the state machine says the lease is fresh.
 * Petting comes right after the decision, before this tick's write and
 * fence, so that the last pet is never later than the bound assumes
 * (qc_watchdog_timeout_ms). Logged on change only. */
static void drive_watchdog(struct daemon *d, bool pet)
{
	int rc;

	if (!d->wd)
		return;
	if (!pet) {
		if (d->wd_petting)
			th_log(LOG_CRIT, "lease stale: no longer petting the watchdog %s; it resets "
			       "this head within %u ms unless the lease comes back first",
			       d->cfg.watchdog_device, watchdog_timeout_ms(d->wd));
		d->wd_petting = false;
		return;
	}
	if (!d->wd_petting)
		th_log(LOG_NOTICE, "lease fresh again: petting the watchdog %s",
		       d->cfg.watchdog_device);
	d->wd_petting = true;
	rc = watchdog_pet(d->wd);
	if (rc < 0 && !d->wd_pet_failed)
		th_log(LOG_ERR, "petting the watchdog %s failed: %s", d->cfg.watchdog_device,
		       strerror(-rc));
	else if (rc == 0 && d->wd_pet_failed)
		th_log(LOG_NOTICE, "petting the watchdog %s works again", d->cfg.watchdog_device);
	d->wd_pet_failed = rc < 0;
}

/* The demote hooks the state machine waits for: report their end. */
static void check_demote(struct daemon *d)
{
	enum hooks_status st;
	const char *msg;

	if (!d->demote_id)
		return;
	st = hooks_status(d->hooks, d->demote_id);
	if (st == HOOKS_PENDING || st == HOOKS_RUNNING)
		return;
	d->demote_id = 0;
	/* Superseded cannot happen (no promote is asked while a demote is
	 * awaited); should it, the services are not known to be down. */
	msg = qd_sm_demote_result(&d->sm, st == HOOKS_OK, deadline_now_ms());
	if (msg)
		th_log(st == HOOKS_OK ? LOG_NOTICE : LOG_CRIT, "%s", msg);
}

static void tick(struct daemon *d)
{
	uint8_t rec[QD_RECORD_SIZE], mbox[QD_RECORD_SIZE];
	struct qd_tick_in in;
	struct qd_tick_out out;
	char why[256];
	int rc;

	check_demote(d);
	in = (struct qd_tick_in){ .now_ms = deadline_now_ms() };
	/* Tests: a slow disk read (emulated), after the time is taken. */
	if (d->slow_read_ms)
		deadline_sleep_ms(deadline_in_ms(d->slow_read_ms), d->slow_read_ms);
	/* The peer's slot and this head's mailbox are neighbours: one read. */
	rc = qdisk_read_pair(d->disk, qd_offset(d->hdr.sector_size, QD_KIND_SLOT, d->sm.peer_id),
			     d->hdr.sector_size, rec, mbox, io_deadline(d));
	in.peer_rc = rc < 0 ? rc : qd_slot_decode(rec, sizeof(rec), d->hdr.uuid, d->sm.peer_id,
						   &in.peer, why, sizeof(why));
	if (in.peer_rc < 0 && in.peer_rc != -ENODATA)
		th_log(LOG_WARNING, "peer slot: %s", rc < 0 ? strerror(-rc) : why);
	in.mailbox_rc = rc < 0 ? rc : qd_mailbox_decode(mbox, sizeof(mbox), d->hdr.uuid,
							 d->cfg.node_id, &in.mailbox, why,
							 sizeof(why));

	fence_collect(d);
	qd_sm_tick(&d->sm, &in, &out);
	/* The decision used the time before the read: a read that was slow
	 * may have aged the lease since. Check it again, now, right before
	 * the pet. */
	drive_watchdog(d, out.pet_watchdog && qd_sm_may_pet(&d->sm, deadline_now_ms()));
	if (out.reason)
		th_log(strncmp(out.reason, "release refused", 15) == 0 ? LOG_ERR : LOG_NOTICE,
		       "%s", out.reason);
	if (out.actions & QD_ACT_DEMOTE)
		d->demote_id = hooks_request(d->hooks, false, d->sm.epoch);
	if (out.actions & QD_ACT_WRITE) {
		bool ok;

		out.slot.written_ms = (uint64_t)wall_s() * 1000;
		qd_slot_encode(&out.slot, d->hdr.uuid, rec);
		rc = write_record(d, QD_KIND_SLOT, d->cfg.node_id, rec);
		ok = rc == 0;
		if (!ok)
			th_log(LOG_ERR, "writing this head's slot failed: %s", strerror(-rc));
		if (out.final) {
			/* RELEASED or STOPPED with the services down: the last
			 * word. If it is not on disk, the peer fences this head
			 * (and the watchdog, left running, resets it). */
			if (!ok)
				th_log(LOG_ERR, "could not write the final slot: the peer will "
				       "fence this head");
			d->finished = true;
			d->final_written = ok;
		}
		if (qd_sm_write_result(&d->sm, ok, deadline_now_ms()) & QD_ACT_PROMOTE) {
			th_log(LOG_NOTICE, "primary, epoch %" PRIu64 ": starting services",
			       d->sm.epoch);
			/* The agents the hooks run read the published state
			 * (zpool force=fenced): publish before they start. */
			publish(d, deadline_now_ms());
			hooks_request(d->hooks, true, d->sm.epoch);
		}
	}
	if (out.actions & QD_ACT_POISON)
		poison_peer(d);
	if (out.actions & QD_ACT_FENCE)
		fence_peer(d);
	/* Decided after the write: a promotion in this tick votes at once,
	 * not an interval later. */
	vote(d);
	publish(d, deadline_now_ms());
	publish_attrs(d);
}

/* Cluster mode: the vote's guard from corosync's device timeout, and the
 * rules (qd_vote.h) checked against corosync's own timing. Logged, not
 * fatal: corosync's values can change at runtime, and a head that serves
 * is better than none; but the admin learns what a dead peer would cost. */
static void setup_vote(struct daemon *d)
{
	struct qdevice_timing t;
	int rc = qdevice_timing(&t);
	int64_t guard, lost;

	if (rc < 0)
		th_log(LOG_WARNING, "cannot read corosync's timing (cmap): %s; assuming "
		       "votequorum's defaults", strerror(-rc));
	d->vote_cfg.guard_ms = guard = qd_vote_guard_ms(&d->sm.cfg, t.device_timeout_ms);
	d->vote_cfg.fence_vote_ms = qc_fence_vote_ms(&d->cfg);
	lost = (int64_t)t.token_ms + t.consensus_ms;
	th_log(LOG_NOTICE, "timing: a dead peer's lease is stale after %u ms; this head votes "
	       "while fencing it from %" PRId64 " ms after its last write, for %u ms; corosync "
	       "declares it lost after token + consensus = %" PRId64 " ms and waits up to "
	       "sync_timeout = %u ms for this device's answer (device timeout %u ms)",
	       d->cfg.timeout_ms, guard, d->vote_cfg.fence_vote_ms, lost, t.sync_timeout_ms,
	       t.device_timeout_ms);
	/* The answer held back must come before votequorum stops waiting (a
	 * new ring forms no earlier than token + consensus after the death). */
	if (rc == 0 && guard + 2 * (int64_t)d->cfg.interval_ms > lost + t.sync_timeout_ms)
		th_log(LOG_ERR, "quorum.device.sync_timeout (%u ms) is too short: a dead peer "
		       "would cost this head its quorum; use at least %" PRId64 " ms",
		       t.sync_timeout_ms, guard + 2 * (int64_t)d->cfg.interval_ms - lost);
}

/* A poison pill in the mailbox at start: posted while this daemon was
 * down, as when systemd restarted it after a hang on a busy host; the
 * fence it announced may still land. The hold (docs/quorumd.md, "The
 * poison-pill hold") runs from when the peer posted it, by the peer's
 * wall clock in the record: the heads' clocks are meant to agree (NTP),
 * and a skew only makes the hold shorter or longer (a pill dated in the
 * future counts as posted now), never a claim less safe. An older pill
 * (the one that fenced this head before it booted, say) means nothing. */
static void poison_at_start(struct daemon *d, const struct qd_mailbox *m)
{
	int64_t now = deadline_now_ms();

	if (!qd_sm_poison_found(&d->sm, now, wall_ms() - (int64_t)m->written_ms))
		return;
	th_log(LOG_NOTICE, "node %u posted a poison pill %" PRId64 " ms ago, before this start: "
	       "no claim without a fence for %" PRId64 " ms more", m->from_node,
	       now - d->sm.poison_read_ms, qd_sm_poison_hold_left_ms(&d->sm, now));
}

static int setup(struct daemon *d, char *why, size_t len)
{
	uint8_t rec[QD_RECORD_SIZE];
	struct qd_slot own, *ownp = NULL;
	struct qd_sm_config smc;
	uint64_t incarnation;
	bool direct;
	int rc;

	if (mkdir(d->cfg.state_dir, 0755) < 0 && errno != EEXIST) {
		snprintf(why, len, "cannot create %s: %s", d->cfg.state_dir, strerror(errno));
		return -errno;
	}
	{
		char lp[520];

		/* One daemon per head; status tells a dead daemon by this lock. */
		snprintf(lp, sizeof(lp), "%s/lock", d->cfg.state_dir);
		rc = lock_acquire(&d->lock, lp, deadline_in_ms(0));
		if (rc < 0) {
			snprintf(why, len, "%.200s: %s", lp, rc == -ETIMEDOUT ?
				 "another twinhead-quorumd runs on this head" : strerror(-rc));
			return rc;
		}
	}
	rc = qdisk_open(d->cfg.disk, true, &d->disk, &direct, why, len);
	if (rc < 0)
		return rc;
	if (!direct) {
		const char *f = getenv(ENV_TEST_NO_DIRECT);

		/* Without O_DIRECT each head reads the other's slot through its
		 * own page cache: it may never see the peer's writes. */
		if (!f || strcmp(f, "1") != 0) {
			snprintf(why, len, "%s refuses O_DIRECT: the heads could read each other's "
				 "slots from their page caches; put the quorum disk on a device "
				 "that supports O_DIRECT", d->cfg.disk);
			return -EINVAL;
		}
		th_log(LOG_WARNING, "%s refuses O_DIRECT; using O_DSYNC because %s=1 (for tests "
		       "only: the heads may read stale slots)", d->cfg.disk, ENV_TEST_NO_DIRECT);
	}
	{
		const char *v = getenv(ENV_TEST_SLOW_READ);

		d->slow_read_ms = v ? (unsigned)strtoul(v, NULL, 10) : 0;
		if (d->slow_read_ms)
			th_log(LOG_WARNING, "every read of the peer's slot is delayed by %u ms (%s, "
			       "for tests)", d->slow_read_ms, ENV_TEST_SLOW_READ);
	}
	rc = qdisk_read(d->disk, 0, qdisk_device_sector(d->disk) > 512 ? 4096 : 512, rec,
			deadline_in_ms(d->cfg.timeout_ms));
	if (rc < 0) {
		snprintf(why, len, "cannot read the quorum disk header: %s", strerror(-rc));
		return rc;
	}
	rc = qd_header_decode(rec, sizeof(rec), &d->hdr, why, len);
	if (rc < 0)
		return rc;
	if (strcmp(d->hdr.cluster, d->cfg.cluster) != 0) {
		snprintf(why, len, "the quorum disk belongs to cluster '%s', not '%s'",
			 d->hdr.cluster, d->cfg.cluster);
		return -EXDEV;
	}
	/* Both heads must judge staleness the same way. */
	if (d->hdr.interval_ms != d->cfg.interval_ms || d->hdr.timeout_ms != d->cfg.timeout_ms) {
		snprintf(why, len, "timing mismatch: the disk says interval %u ms, timeout %u ms; "
			 "this configuration says %u ms, %u ms", d->hdr.interval_ms,
			 d->hdr.timeout_ms, d->cfg.interval_ms, d->cfg.timeout_ms);
		return -EINVAL;
	}
	rc = read_record(d, QD_KIND_SLOT, d->cfg.node_id, rec);
	if (rc == 0 && qd_slot_decode(rec, sizeof(rec), d->hdr.uuid, d->cfg.node_id, &own, why,
				      len) == 0)
		ownp = &own;
	if (getentropy(&incarnation, sizeof(incarnation)) < 0) {
		snprintf(why, len, "no randomness for the incarnation: %s", strerror(errno));
		return -errno;
	}
	smc = (struct qd_sm_config){ .my_id = d->cfg.node_id, .interval_ms = d->cfg.interval_ms,
				     .timeout_ms = d->cfg.timeout_ms,
				     .fence_retry_ms = qc_fence_retry_ms(&d->cfg),
				     .watchdog_ms = d->cfg.watchdog_ms,
				     .poison_hold_ms = qc_poison_hold_ms(&d->cfg) };
	qd_sm_init(&d->sm, &smc, ownp, incarnation, deadline_now_ms());
	/* Requests already in the mailbox were for an earlier incarnation. */
	rc = read_record(d, QD_KIND_MAILBOX, d->cfg.node_id, rec);
	{
		struct qd_mailbox m;

		if (rc == 0 && qd_mailbox_decode(rec, sizeof(rec), d->hdr.uuid, d->cfg.node_id, &m,
						 why, len) == 0) {
			d->sm.mailbox_done_id = m.request_id;
			if (m.request == QD_REQ_POISON)
				poison_at_start(d, &m);
		}
	}

	if (d->cfg.fence_method) {
		struct fence_ipmi_config fc = { .host = d->cfg.fence_host,
						.username = d->cfg.fence_user,
						.password_file = d->cfg.fence_password_file,
						.cipher_suite = d->cfg.fence_cipher,
						.session_timeout_ms = qc_fence_session_ms(&d->cfg),
						.retransmission_timeout_ms =
							qc_fence_retrans_ms(&d->cfg),
						.library = getenv(FENCE_IPMI_LIBRARY_ENV) };

		struct fence_ipmi_addr addr;

		rc = fence_ipmi_new(&fc, &d->fence, why, len);
		if (rc < 0)
			return rc;
		/* The address as fence_twinhead writes it too: the agent reuses
		 * a confirmation only from the BMC it was configured with. */
		if (fence_ipmi_parse_host(fc.host, &addr, NULL, 0) == 0)
			(void)fence_ipmi_format_host(&addr, d->fence_bmc, sizeof(d->fence_bmc));
		rc = fencer_start(d->fence, &d->fencer);
		if (rc < 0) {
			snprintf(why, len, "cannot start the fence thread: %s", strerror(-rc));
			return rc;
		}
		th_log(LOG_INFO, "fencing through %s: attempts of %u ms (IPMI session %u ms, "
		       "retransmission %u ms), %u ms apart", d->fence->desc,
		       qc_fence_attempt_ms(&d->cfg), qc_fence_session_ms(&d->cfg),
		       qc_fence_retrans_ms(&d->cfg), qc_fence_retry_ms(&d->cfg));
		/* libfreeipmi is loaded at the first fence only (its RSS); say
		 * now, not then, if that will fail. Not fatal: this head can
		 * still serve, and the peer can still fence it. */
		if (fence_ipmi_probe(fc.library, why, len) < 0)
			th_log(LOG_ERR, "%s: fencing node %u will fail until it can be loaded", why,
			       d->sm.peer_id);
	}
	rc = hooks_start(&d->cfg, &d->hooks);
	if (rc < 0) {
		snprintf(why, len, "cannot start the hook thread: %s", strerror(-rc));
		return rc;
	}
	if (d->cfg.mode == QC_MODE_CLUSTER) {
		rc = qdevice_open(d->cfg.device_name, &d->qdev);
		if (rc < 0) {
			snprintf(why, len, "cannot register with votequorum as device '%s': %s "
				 "(is corosync running, with a quorum device configured?)",
				 d->cfg.device_name, strerror(-rc));
			return rc;
		}
		setup_vote(d);
	}
	/* Last: from here the device counts, and only the ticks pet it. */
	if (d->cfg.watchdog_device) {
		const char *f = getenv(ENV_TEST_WATCHDOG_FILE);

		rc = watchdog_open(d->cfg.watchdog_device, qc_watchdog_min_ms(&d->cfg),
				   qc_watchdog_timeout_ms(&d->cfg), f && strcmp(f, "1") == 0,
				   &d->wd, why, len);
		if (rc < 0)
			return rc;
		d->wd_petting = true;
		if (watchdog_is_file(d->wd))
			th_log(LOG_WARNING, "watchdog_device %s is a file standing in for a watchdog "
			       "(%s=1, for tests): NOTHING RESETS THIS HEAD", d->cfg.watchdog_device,
			       ENV_TEST_WATCHDOG_FILE);
		else
			th_log(LOG_NOTICE, "watchdog %s armed, timeout %u ms", d->cfg.watchdog_device,
			       watchdog_timeout_ms(d->wd));
	}
	return 0;
}

/* The watchdog is stopped only when the peer relies on nothing here any
 * more; otherwise it goes on counting and resets this head, as the peer
 * (in watchdog mode) assumes it will. */
static void close_watchdog(struct daemon *d, bool released)
{
	int rc;

	if (!d->wd)
		return;
	if (!released) {
		th_log(LOG_CRIT, "NOT stopping the watchdog %s: the final slot is not on disk, so "
		       "this head will be reset", d->cfg.watchdog_device);
		watchdog_close(d->wd, false);
		return;
	}
	rc = watchdog_close(d->wd, true);
	if (rc < 0)
		th_log(LOG_CRIT, "could not stop the watchdog %s (%s): this head will be reset",
		       d->cfg.watchdog_device, strerror(-rc));
	else
		th_log(LOG_NOTICE, "watchdog %s stopped", d->cfg.watchdog_device);
}

/* The published state, and whether it is current: a state file outlives
 * its daemon, so status says "stale" (and exits 3) when the daemon is not
 * running (its lock is free) or the file was not confirmed for
 * STATUS_STALE_INTERVALS intervals. Only a current state says role=. */
#define STATUS_STALE_INTERVALS 4

static int cmd_status(const char *config)
{
	struct qc_config cfg;
	struct quorumd_state st;
	struct lock lk = LOCK_INIT;
	char why[256], path[512], buf[QUORUMD_STATE_MAX + 1], svc[128] = "";
	int64_t age, bound_s;
	bool running;
	ssize_t n;
	int fd;

	if (qc_load(config, &cfg, why, sizeof(why)) < 0) {
		fprintf(stderr, "twinhead-quorumd: %s\n", why);
		return 1;
	}
	/* Whole seconds in the file: round the bound up, plus one. */
	bound_s = (STATUS_STALE_INTERVALS * (int64_t)cfg.interval_ms + 999) / 1000 + 1;
	snprintf(path, sizeof(path), "%s/lock", cfg.state_dir);
	running = lock_acquire(&lk, path, deadline_in_ms(0)) == -ETIMEDOUT;
	lock_release(&lk);
	snprintf(path, sizeof(path), "%s/services", cfg.state_dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, svc, sizeof(svc) - 1);
		svc[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/state", cfg.state_dir);
	qc_free(&cfg);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "twinhead-quorumd: %s (no %s)\n",
			running ? "starting, no state yet" : "not running here", path);
		return 3;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || quorumd_state_parse(buf, (size_t)n, &st, why, sizeof(why)) < 0) {
		fprintf(stderr, "twinhead-quorumd: cannot read %s: %s\n", path,
			n <= 0 ? "empty" : why);
		return 1;
	}
	age = wall_s() - (int64_t)st.updated;
	if (!running || age > bound_s) {
		/* Never a role from a dead daemon: only what it last said. */
		printf("stale=%s\nlast_role=%s\nlast_updated=%" PRIu64 "\n",
		       running ? "old" : "not-running", quorumd_state_role_name(st.role),
		       st.updated);
		fprintf(stderr, "twinhead-quorumd: the state is stale: %s (last confirmed %" PRId64
			" s ago)\n", running ? "the daemon did not confirm it for more than "
			"a few intervals" : "the daemon is not running", age);
		return 3;
	}
	buf[n] = '\0';
	fputs(buf, stdout);
	fputs(svc, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const char *config = DEFAULT_CONFIG;
	struct daemon d;
	struct sigaction sa;
	char why[512];
	int64_t next;
	int opt;
	bool status = argc > 1 && strcmp(argv[1], "status") == 0;
	bool check = argc > 1 && strcmp(argv[1], "check") == 0;

	if (status || check) {
		argv++;
		argc--;
	}
	/* The daemon holds the BMC password for its whole life: no core
	 * file, no ptrace by others (as twinhead-fence). */
	if (!status && !check) {
		int rc = os_proc_no_dumps();

		if (rc < 0) {
			fprintf(stderr, "twinhead-quorumd: cannot disable core dumps: %s\n",
				strerror(-rc));
			return 1;
		}
	}
	while ((opt = getopt(argc, argv, "c:")) != -1) {
		if (opt != 'c') {
			fprintf(stderr, "usage: twinhead-quorumd [status|check] [-c CONFIG]\n");
			return 2;
		}
		config = optarg;
	}
	if (status)
		return cmd_status(config);
	if (check) {
		struct qc_config cfg;
		char msg[512];

		if (qc_load(config, &cfg, msg, sizeof(msg)) < 0) {
			fprintf(stderr, "twinhead-quorumd: %s: %s\n", config, msg);
			return 1;
		}
		printf("%s: node %u of cluster %s, %s mode, %u promote and %u demote hooks\n",
		       config, cfg.node_id, cfg.cluster,
		       cfg.mode == QC_MODE_CLUSTER ? "cluster" : "standalone", cfg.n_promote,
		       cfg.n_demote);
		if (cfg.watchdog_device)
			printf("%s: watchdog mode: %s with a timeout of %u s\n", config,
			       cfg.watchdog_device, qc_watchdog_timeout_ms(&cfg) / 1000);
		if (cfg.fence_method &&
		    fence_ipmi_probe(getenv(FENCE_IPMI_LIBRARY_ENV), msg, sizeof(msg)) < 0)
			fprintf(stderr, "twinhead-quorumd: warning: %s: fencing will fail until it "
				"can be loaded\n", msg);
		qc_free(&cfg);
		return 0;
	}

	memset(&d, 0, sizeof(d));
	d.lock = (struct lock)LOCK_INIT;
	if (qc_load(config, &d.cfg, why, sizeof(why)) < 0) {
		fprintf(stderr, "twinhead-quorumd: %s: %s\n", config, why);
		return 1;
	}
	{
		static char ident[64];

		snprintf(ident, sizeof(ident), "twinhead-quorumd(node%u)", d.cfg.node_id);
		th_log_init(ident, NULL);
	}
	if (setup(&d, why, sizeof(why)) < 0) {
		th_log(LOG_ERR, "%s", why);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	th_log(LOG_NOTICE, "node %u on %s (cluster %s, interval %u ms, timeout %u ms, %s mode)",
	       d.cfg.node_id, d.cfg.disk, d.cfg.cluster, d.cfg.interval_ms, d.cfg.timeout_ms,
	       d.cfg.mode == QC_MODE_CLUSTER ? "cluster" : "standalone");
	/* systemd's watchdog (WatchdogSec=) restarts a daemon whose loop hangs;
	 * the restarted daemon runs the demote hooks first and shows a new
	 * incarnation on disk. A WatchdogSec= shorter than a healthy tick can
	 * take is raised to that bound. */
	{
		uint64_t wd = sdnotify_watchdog_usec(NULL), bound = tick_bound_usec(&d.cfg);
		char msg[96];

		if (wd && wd < bound) {
			th_log(LOG_NOTICE, "systemd watchdog %" PRIu64 " ms is shorter than a tick "
			       "may take with this configuration: raised to %" PRIu64 " ms",
			       wd / 1000, bound / 1000);
			snprintf(msg, sizeof(msg), "WATCHDOG_USEC=%" PRIu64, bound);
			notify(&d, msg);
		}
	}
	notify(&d, "READY=1");

	next = deadline_now_ms();
	while (!d.finished) {
		if (stop_requested) {
			/* A shutdown is ticks like any other: the slot and the
			 * watchdog go on while the demote hooks run. Another
			 * signal asks again after a failed demote. */
			stop_requested = 0;
			th_log(LOG_NOTICE, "shutdown requested");
			notify(&d, "STOPPING=1");
			qd_sm_request_stop(&d.sm);
		}
		notify(&d, "WATCHDOG=1");
		tick(&d);
		if (d.finished)
			break;
		/* A fixed schedule, not "interval after the last tick": the peer
		 * judges this head by the rhythm of its writes. */
		next += d.cfg.interval_ms;
		if (next < deadline_now_ms())
			next = deadline_now_ms();
		wait_for_tick(&d, next);
	}
	if (d.qdev)
		qdevice_poll(d.qdev, false);
	publish_attrs(&d);
	close_watchdog(&d, d.final_written);
	hooks_stop(d.hooks);
	qdevice_close(d.qdev);
	fencer_stop(d.fencer);
	if (d.fence)
		fence_destroy(d.fence);
	qdisk_close(d.disk);
	qc_free(&d.cfg);
	th_log_fini();
	return 0;
}
