/* votequorum quorum device (verified API: LAB-NOTES.md). */
#include "config.h"
#include "qdevice.h"

#include <corosync/cmap.h>
#include <corosync/corotypes.h>
#include <corosync/votequorum.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"

#define QDEVICE_NODES_MAX 16 /* a twinhead cluster has two; room to spare */

struct qdevice {
	votequorum_handle_t h;
	char name[64];
	votequorum_ring_id_t ring;
	bool registered;
	/* For each node id seen in a membership: when the last membership
	 * that held it was delivered here (CLOCK_MONOTONIC ms). */
	struct {
		uint32_t id;
		int64_t ms;
	} member[QDEVICE_NODES_MAX];
	unsigned n_member;
	votequorum_ring_id_t answered; /* the ring of the last accepted poll */
	bool has_answered;
};

static int cs_errno(cs_error_t e)
{
	switch (e) {
	case CS_OK:
		return 0;
	case CS_ERR_TRY_AGAIN:
		return -EAGAIN;
	case CS_ERR_LIBRARY:
	case CS_ERR_BAD_HANDLE:
		return -ENOTCONN;
	case CS_ERR_ACCESS:
		return -EACCES;
	case CS_ERR_EXIST:
		return -EEXIST;
	default:
		return -EIO;
	}
}

/* The ring id comes with every membership change; polls must carry it. */
static void nodelist_cb(votequorum_handle_t h, uint64_t context, votequorum_ring_id_t ring,
			uint32_t n, uint32_t nodes[])
{
	struct qdevice *q = NULL;

	(void)context;
	if (votequorum_context_get(h, (void **)&q) != CS_OK || !q)
		return;
	q->ring = ring;
	for (uint32_t i = 0; i < n; i++) {
		unsigned k = 0;

		while (k < q->n_member && q->member[k].id != nodes[i])
			k++;
		if (k == q->n_member) {
			if (k == QDEVICE_NODES_MAX)
				continue;
			q->member[q->n_member++].id = nodes[i];
		}
		q->member[k].ms = deadline_now_ms();
	}
}

int64_t qdevice_member_ms(const struct qdevice *q, uint32_t nodeid)
{
	for (unsigned k = 0; q && k < q->n_member; k++)
		if (q->member[k].id == nodeid)
			return q->member[k].ms;
	return 0;
}

int qdevice_open(const char *name, struct qdevice **out)
{
	votequorum_callbacks_t cb = { .votequorum_nodelist_notify_fn = nodelist_cb };
	struct qdevice *q = calloc(1, sizeof(*q));
	cs_error_t e;

	if (!q)
		return -ENOMEM;
	snprintf(q->name, sizeof(q->name), "%s", name);
	e = votequorum_initialize(&q->h, &cb);
	if (e != CS_OK) {
		free(q);
		return cs_errno(e);
	}
	votequorum_context_set(q->h, q);
	e = votequorum_trackstart(q->h, 0, CS_TRACK_CURRENT | CS_TRACK_CHANGES);
	if (e == CS_OK)
		e = votequorum_dispatch(q->h, CS_DISPATCH_ALL);
	if (e == CS_OK) {
		e = votequorum_qdevice_register(q->h, q->name);
		q->registered = e == CS_OK;
	}
	if (e != CS_OK) {
		votequorum_finalize(q->h);
		free(q);
		return cs_errno(e);
	}
	*out = q;
	return 0;
}

int qdevice_poll(struct qdevice *q, bool cast)
{
	cs_error_t e;

	votequorum_dispatch(q->h, CS_DISPATCH_ALL);
	e = votequorum_qdevice_poll(q->h, q->name, cast ? 1 : 0, q->ring);
	if (e == CS_ERR_MESSAGE_ERROR) {
		/* A stale ring id: take the new one and try once more. */
		votequorum_dispatch(q->h, CS_DISPATCH_ALL);
		e = votequorum_qdevice_poll(q->h, q->name, cast ? 1 : 0, q->ring);
	}
	if (e == CS_OK) {
		q->answered = q->ring;
		q->has_answered = true;
	}
	return cs_errno(e);
}

int qdevice_fd(struct qdevice *q)
{
	int fd = -1;

	return votequorum_fd_get(q->h, &fd) == CS_OK ? fd : -1;
}

bool qdevice_ring_pending(struct qdevice *q)
{
	votequorum_dispatch(q->h, CS_DISPATCH_ALL);
	return !q->has_answered || q->ring.nodeid != q->answered.nodeid ||
	       q->ring.seq != q->answered.seq;
}

int qdevice_hold(struct qdevice *q)
{
	cs_error_t e;

	votequorum_dispatch(q->h, CS_DISPATCH_ALL);
	if (!q->has_answered)
		return 0;
	/* votequorum refuses a poll for any ring but the current one, and
	 * then neither counts it nor resets the device's timer. */
	e = votequorum_qdevice_poll(q->h, q->name, 0, q->answered);
	return e == CS_ERR_MESSAGE_ERROR ? 0 : cs_errno(e);
}

void qdevice_close(struct qdevice *q)
{
	if (!q)
		return;
	if (q->registered)
		votequorum_qdevice_unregister(q->h, q->name);
	votequorum_finalize(q->h);
	free(q);
}

int qdevice_timing(struct qdevice_timing *t)
{
	cmap_handle_t h;
	cs_error_t e;

	*t = (struct qdevice_timing){ .device_timeout_ms = VOTEQUORUM_QDEVICE_DEFAULT_TIMEOUT,
				      .sync_timeout_ms = VOTEQUORUM_QDEVICE_DEFAULT_SYNC_TIMEOUT };
	e = cmap_initialize(&h);
	if (e != CS_OK)
		return cs_errno(e);
	e = cmap_get_uint32(h, "runtime.config.totem.token", &t->token_ms);
	if (e == CS_OK)
		e = cmap_get_uint32(h, "runtime.config.totem.consensus", &t->consensus_ms);
	/* absent: votequorum's defaults above */
	cmap_get_uint32(h, "quorum.device.timeout", &t->device_timeout_ms);
	cmap_get_uint32(h, "quorum.device.sync_timeout", &t->sync_timeout_ms);
	cmap_finalize(h);
	return cs_errno(e);
}
