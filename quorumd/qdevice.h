/* Cluster mode: twinhead-quorumd as a corosync votequorum quorum device.
 * It casts its vote only while this head holds the verified primary lease,
 * so in a two-node partition the side with the disk lease is quorate and
 * the other is not: the disk decides, not a fence race. (LAB-NOTES: when
 * both sides cast, both were quorate and a resource ran twice.)
 * Library code: returns 0 / -errno, never logs. */
#ifndef TWINHEAD_QUORUMD_QDEVICE_H
#define TWINHEAD_QUORUMD_QDEVICE_H

#include <stdbool.h>
#include <stdint.h>

struct qdevice;

/* Connects to votequorum and registers the device name. */
int qdevice_open(const char *name, struct qdevice **out);

/* Casts (or withholds) the vote for the current ring. */
int qdevice_poll(struct qdevice *q, bool cast);

/* votequorum's descriptor: readable when a callback (a new membership)
 * waits to be dispatched. */
int qdevice_fd(struct qdevice *q);

/* Dispatches what votequorum sent. True when that brought a ring this
 * device has not answered yet: votequorum holds the new membership's
 * quorum until the device polls on it (or sync_timeout passes). */
bool qdevice_ring_pending(struct qdevice *q);

/* When the last membership holding nodeid was delivered to this device
 * (CLOCK_MONOTONIC ms, as deadline_now_ms()), 0 when none was. Memberships
 * are read at qdevice_open(), qdevice_poll() and qdevice_ring_pending(),
 * so this is later than corosync formed it by the daemon's reaction time:
 * late, never early, which only makes fence_twinhead's reuse rule
 * stricter. */
int64_t qdevice_member_ms(const struct qdevice *q, uint32_t nodeid);
/* Holds the answer back: withholds the vote on the ring last answered
 * (which keeps the device alive in votequorum), and answers nothing on a
 * newer ring, whose membership then waits (up to the device's
 * sync_timeout) for the next qdevice_poll(). */
int qdevice_hold(struct qdevice *q);

void qdevice_close(struct qdevice *q);

/* corosync's timing as it runs (cmap): a dead node is noticed after token
 * + consensus; votequorum waits up to sync_timeout for the device's first
 * poll on a new ring, and drops a vote not polled for device_timeout. */
struct qdevice_timing {
	uint32_t token_ms, consensus_ms;
	uint32_t device_timeout_ms, sync_timeout_ms;
};

/* Reads it; votequorum's defaults where the device keys are not set. */
int qdevice_timing(struct qdevice_timing *t);

#endif
