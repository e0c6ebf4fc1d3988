/* The iSCSI target implementations behind the iscsitarget agent.
 *
 * One vtable per implementation (iscsi_tgt.c: Linux tgtd through tgtadm;
 * iscsi_lio.c: Linux's in-kernel LIO through configfs; iscsi_ctld.c:
 * FreeBSD ctld through ctl.conf and ctladm). The agent
 * builds a struct iscsi_op, takes the backend's lock and calls one entry.
 * Backends are library code: they never log; they return 0 or -errno, put
 * a sentence an administrator can act on into op->why, and count what
 * they did in op->stats so the agent can log it once. */
#ifndef TWINHEAD_ISCSI_BACKEND_H
#define TWINHEAD_ISCSI_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "deadline.h"
#include "iscsi_conf.h"
#include "tools.h"

#define ISCSI_WHY_MAX 400

struct iscsi_op_stats {
	unsigned calls;        /* external programs run */
	unsigned created;      /* objects created (target, LUNs, ACL entries, account) */
	unsigned removed;      /* objects removed, undo included */
	bool undone;           /* start failed and removed what it had created */
	bool ipc_fallback;     /* tgt: the socket answered oddly; tgtadm was used */
};

struct iscsi_op {
	const struct iscsi_target *t;
	const char *secret;        /* CHAP secret (start, reload), or NULL */
	const char *out_secret;    /* mutual CHAP: the target's secret, or NULL */
	struct deadline deadline;  /* the work must be done by then */
	struct deadline undo_deadline; /* start's clean-up after a failure may run until then */
	char *const *envp;         /* tool overrides (TWINHEAD_TOOL_*) */
	const char *rundir;        /* state and locks (TWINHEAD_RUNDIR) */
	const char *resource;      /* the Pacemaker resource, for comments */
	/* tgt */
	unsigned tgt_port;         /* tgtd's control port (tgtadm -C) */
	/* lio */
	const char *lio_root;      /* configfs' target directory; NULL: the real one */
	bool lio_standin;          /* tests: lio_root may be a plain directory */
	const char *lio_standin_fail; /* tests: this configfs write fails (stand-in only) */
	const char *lio_standin_hang; /* tests: this configfs write hangs (stand-in only) */
	const char *lio_pr_dir;    /* reservations on the pool, or NULL */
	unsigned lio_alua_id;      /* this head's ALUA target port group, 0: none */
	/* ctld */
	const char *ctld_conf;     /* the ctl.conf ctld reads */
	const char *ctld_pidfile;  /* ctld's pid file */
	struct iscsi_op_stats stats;
	void *prefetch;            /* monitor: the backend's query in flight */
	char why[ISCSI_WHY_MAX];
};

/* Return contracts, for every entry below:
 *   0            done (monitor: the target runs as configured)
 *   -ENOENT      monitor, stop: the target is not there (monitor: not running)
 *   -ENOTCONN    the target daemon is not running or not reachable
 *   -EEXIST      start: something else holds the tid, the name, an account
 *   -EIO         the daemon refused a change, or the target differs from
 *                the configuration (why says where)
 *   -EPROTO      the daemon's answer could not be understood
 *   -ETIMEDOUT   the deadline passed
 *   other -errno the tool could not be run, out of memory, ... */
struct iscsi_backend {
	const char *name;          /* the implementation parameter's value */
	enum tool tool;            /* its presence selects this backend by default
				    * (TOOL_COUNT_: none; chosen only by name) */
	/* Backend-specific limits of an otherwise valid configuration (tgt:
	 * LUN 0 is its controller). Pure; -EINVAL with why. */
	int (*check)(const struct iscsi_target *t, char *why, size_t whylen);
	/* The lock file name under rundir/lock/ that serialises this daemon. */
	void (*lock_name)(const struct iscsi_op *op, char *buf, size_t len);
	/* Creates whatever is missing; idempotent. On failure removes exactly
	 * what this call created before returning. */
	int (*start)(struct iscsi_op *op);
	/* Takes the target offline, then removes it and what this resource
	 * created; absent or half-created is success. */
	int (*stop)(struct iscsi_op *op);
	/* The running target to the configuration in op->t: adds the LUNs
	 * and ACL entries it lacks and removes those it no longer lists,
	 * nothing else, so sessions on the other LUNs go on (no logout).
	 * Changes that are not a difference of LUNs or ACL entries (a LUN's
	 * backing or identity, the CHAP user) are refused with -EIO before
	 * anything changes. -ENOENT when the target is not running. */
	int (*reload)(struct iscsi_op *op);
	/* One query: target, every LUN, every LUN's backing. */
	int (*monitor)(struct iscsi_op *op);
	/* Optional. Sends monitor's read-only query before the configuration
	 * is loaded (only the daemon's address in op is set, op->t is not),
	 * so that the daemon works on its answer while the agent parses the
	 * parameters; monitor() then reads that answer, and asks afresh if
	 * this failed (nothing is reported here). */
	void (*monitor_prefetch)(struct iscsi_op *op);
	/* Drops a prefetched query monitor() did not read. Safe to call
	 * when there is none. */
	void (*monitor_cancel)(struct iscsi_op *op);
};

extern const struct iscsi_backend iscsi_backend_tgt;
extern const struct iscsi_backend iscsi_backend_ctld;
extern const struct iscsi_backend iscsi_backend_lio;

#endif
