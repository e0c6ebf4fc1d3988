/* quorumd.conf(5): the daemon's configuration, parsed and checked as a
 * whole before anything runs (a bad file changes nothing).
 *
 * One `key = value` per line; `#` starts a comment. Hooks are argv lines,
 * split on blanks, never given to a shell; leading NAME=value words become
 * the hook's environment, as with env(1). Library code: never logs. */
#ifndef TWINHEAD_QUORUMD_QCONFIG_H
#define TWINHEAD_QUORUMD_QCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QC_MAX_HOOKS 8
#define QC_MAX_ARGS 24

struct qc_hook {
	char *argv[QC_MAX_ARGS + 1]; /* argv[0] absolute */
	char *env[QC_MAX_ARGS + 1];  /* NAME=value */
};

enum qc_mode { QC_MODE_STANDALONE, QC_MODE_CLUSTER };

struct qc_config {
	char *cluster;
	unsigned node_id;              /* 1 or 2 */
	char *disk;
	uint32_t interval_ms, timeout_ms;
	uint32_t watchdog_ms;          /* 0: off */
	char *watchdog_device;         /* watchdog mode only, then required */
	enum qc_mode mode;
	char *device_name;             /* votequorum device model name */
	/* fencing of the peer */
	char *fence_method;            /* "ipmi" */
	char *fence_host, *fence_user, *fence_password_file;
	unsigned fence_cipher;
	/* 0 = derived (qc_fence_*_ms below, docs/quorumd.md "A slow fence") */
	uint32_t fence_session_timeout_ms, fence_retransmission_timeout_ms;
	uint32_t fence_timeout_ms, fence_retry_ms, fence_vote_ms;
	/* hooks */
	struct qc_hook promote[QC_MAX_HOOKS], demote[QC_MAX_HOOKS];
	unsigned n_promote, n_demote;
	uint32_t hook_timeout_ms;
	char *state_dir;               /* where the state file goes */
	char *buf;                     /* owns the strings above */
};

/* Parses text (the whole file) into cfg. Returns 0, or -EINVAL with
 * "line N: ..." in why. cfg must be released with qc_free(). */
int qc_parse(const char *text, struct qc_config *cfg, char *why, size_t whylen);

/* Reads path and parses it. Refuses (-EPERM, why says why) a file that
 * is not regular, that group or others may write, or that neither root
 * nor the calling user owns: it names hooks that run as root. */
int qc_load(const char *path, struct qc_config *cfg, char *why, size_t whylen);

void qc_free(struct qc_config *cfg);

/* Watchdog mode: the timeout the watchdog device is given, in whole
 * seconds (as ms). The peer takes over once this head's slot has been
 * unchanged for timeout_ms + watchdog_ms. This head pets only while its
 * last verified write is at most timeout_ms old, deciding at the start
 * of a tick and petting after that tick's read (at most timeout_ms / 4
 * later); a verified write may have reached the disk up to timeout_ms / 4
 * before it was verified, and the peer may have timed its read from up
 * to timeout_ms / 4 before it saw it. So the reset comes in time when the
 * device's timeout is at most watchdog_ms - 3/4 timeout_ms; one second
 * less leaves time for the reset itself and for rounding. 0 when nothing
 * is left. */
uint32_t qc_watchdog_timeout_ms(const struct qc_config *cfg);

/* The shortest device timeout that a healthy head never runs into: the
 * longest gap between two pets, one interval plus a tick that fences
 * (disk operations of a quarter of the timeout each, a fence of at most
 * the timeout): 2 x timeout_ms + interval_ms. */
uint32_t qc_watchdog_min_ms(const struct qc_config *cfg);

/* Fencing budgets, derived from the BMC's timeouts unless set (docs/quorumd.md,
 * "A slow fence"):
 *   session:  one IPMI session may wait this long for the BMC (default 1000);
 *   retrans:  its packets are resent after this (default session / 4);
 *   attempt:  one fence attempt: a power-off request and a status read may
 *             each use a whole session timeout, and libfreeipmi may take
 *             two of them to give up (fence_ipmi_timeouts gives a session
 *             at most half of what is left): 4 x session;
 *   retry:    the pause after a failed attempt: one retransmission timeout,
 *             time for a BMC still busy with the last request to finish;
 *             the next attempt reads the power state back first;
 *   vote:     how long this head votes for itself while fencing a stale
 *             peer without confirmation (docs/quorumd.md, "The vote while
 *             fencing"): three attempts and the pauses between them;
 *   poison hold: how long after reading a poison pill this head claims
 *             nothing without a fence (docs/quorumd.md, "The poison-pill
 *             hold"): the peer's first attempt, its result read at the
 *             peer's next tick, the pause, the retry at a tick, the second
 *             attempt: 2 x attempt + retry + 2 x interval. From this
 *             head's settings: the pill comes from the peer's fence, whose
 *             budgets the peer's file sets; the heads are meant to share
 *             them (the examples do). */
uint32_t qc_fence_session_ms(const struct qc_config *cfg);
uint32_t qc_fence_retrans_ms(const struct qc_config *cfg);
uint32_t qc_fence_attempt_ms(const struct qc_config *cfg);
uint32_t qc_fence_retry_ms(const struct qc_config *cfg);
uint32_t qc_fence_vote_ms(const struct qc_config *cfg);
uint32_t qc_poison_hold_ms(const struct qc_config *cfg);

#endif
