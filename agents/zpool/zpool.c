/* ocf:twinhead:zpool — a ZFS pool that moves between two storage heads.
 *
 * start imports the pool without -f; a pool another host used last is
 * imported with -f only when `force` allows it (force=fenced: Pacemaker's
 * stonith-enabled=true, or twinhead-quorumd reporting the peer fenced).
 * stop exports it, retrying a busy pool a bounded number of times, and
 * uses -f only with export_force. monitor reads what `zpool list` prints
 * (for an ONLINE pool on zfs-fuse asked over the daemon's socket, without
 * running zpool: agents/zpool/zpool_backend.h); a transient state is read again
 * before the monitor fails.
 *
 * Every zpool, zfs and crm_attribute call goes through exec_run() with a
 * deadline inside the action's own: a hung ZFS (a stopped zfs-fuse daemon,
 * a kernel stuck in I/O) becomes a clear failure, never a hang. Nothing a
 * tool prints is trusted: agents/zpool/zpool_parse.c reads it, and an import is
 * believed only once `zpool list` shows the pool. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"
#include "lock.h"
#include "log.h"
#include "ocf.h"
#include "os.h"
#include "quorumd_state.h"
#include "tools.h"
#include "zpool_backend.h"
#include "zpool_mmp.h"
#include "zpool_name.h"
#include "zpool_parse.h"

enum {
	P_POOL,
	P_GUID,
	P_SEARCH_DIRS,
	P_CACHEFILE,
	P_ALTROOT,
	P_MOUNT,
	P_FORCE,
	P_EXPORT_FORCE,
	P_BUSY_RETRIES,
	P_PROBE_DATASET,
	P_COUNT
};

#define MAX_SEARCH_DIRS 16

/* A transient pool state is read again after these pauses (doubling), for
 * at most RECHECK_WINDOW_MS: the transitions resource-agents #2213 logged
 * lasted 78 ms at most, and a state that lasts seconds is not transient. */
#define RECHECK_FIRST_MS 100
#define RECHECK_MAX_MS 1000
#define RECHECK_WINDOW_MS 5000

/* A busy export is retried after these pauses (doubling). */
#define BUSY_FIRST_MS 250
#define BUSY_MAX_MS 2000

/* How long holders get between SIGTERM and SIGKILL (export_force). */
#define HOLDER_GRACE_MS 2000

/* The direct query (no zpool) gets at most this, and at most half the time
 * left: a stopped daemon must leave zpool its turn, and zpool's words in
 * the reason. */
#define DIRECT_CAP_MS 2000

/* What start keeps back from the import for the health check after it. */
#define START_RESERVE_MS 1500

/* crm_attribute answers in ~15 ms; a CIB that takes longer is not one to
 * base a forced import on. */
#define CRM_ATTRIBUTE_CAP_MS 5000

#define MAX_HOLDERS 16
#define MAX_MOUNTS 64

/* ---- parameters ---------------------------------------------------------------------- */

static int no_controls(const char *v, char *why, size_t len, const char *what)
{
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f) {
			snprintf(why, len, "%s must not contain control characters", what);
			return -EINVAL;
		}
	return 0;
}

static int valid_abs_path(const char *v, char *why, size_t len, const char *what)
{
	if (v[0] != '/') {
		snprintf(why, len, "%s must be an absolute path", what);
		return -EINVAL;
	}
	if (strlen(v) >= PATH_MAX) {
		snprintf(why, len, "%s is longer than %d bytes", what, PATH_MAX - 1);
		return -EINVAL;
	}
	return no_controls(v, why, len, what);
}

static int valid_search_dirs(const char *v, char *why, size_t len)
{
	char copy[PATH_MAX * 2];
	unsigned n = 0;

	if (strlen(v) >= sizeof(copy)) {
		snprintf(why, len, "the list is too long");
		return -EINVAL;
	}
	strcpy(copy, v);
	for (char *save = NULL, *d = strtok_r(copy, " \t", &save); d;
	     d = strtok_r(NULL, " \t", &save)) {
		if (++n > MAX_SEARCH_DIRS) {
			snprintf(why, len, "at most %d directories", MAX_SEARCH_DIRS);
			return -EINVAL;
		}
		if (valid_abs_path(d, why, len, "every directory") < 0)
			return -EINVAL;
	}
	if (n == 0) {
		snprintf(why, len, "give at least one absolute directory");
		return -EINVAL;
	}
	return 0;
}

static int valid_cachefile(const char *v, char *why, size_t len)
{
	if (strcmp(v, "none") == 0)
		return 0;
	if (valid_abs_path(v, why, len, "cachefile") < 0) {
		snprintf(why, len, "cachefile is 'none' or an absolute path");
		return -EINVAL;
	}
	return 0;
}

static int valid_altroot(const char *v, char *why, size_t len)
{
	return valid_abs_path(v, why, len, "altroot");
}

static const char *const force_options[] = { "never", "fenced", "always", NULL };

static const struct ocf_param params[P_COUNT] = {
	[P_POOL] = {
		.name = "pool", .type = OCF_TYPE_STRING, .flags = OCF_REQUIRED | OCF_UNIQUE,
		.shortdesc = "ZFS pool name",
		.longdesc = "The pool to import and export: its name as `zpool list` shows it "
			    "(OpenZFS's rules: begins with a letter; letters, digits, '-', '_', "
			    "'.', ':' and space; not mirror*, raidz*, draid*, spare* or log).",
		.validate = zpool_name_check,
	},
	[P_GUID] = {
		.name = "guid", .type = OCF_TYPE_STRING, .flags = OCF_UNIQUE,
		.shortdesc = "Pool guid (optional)",
		.longdesc = "When set, start imports exactly the pool with this guid (the "
			    "number `zpool import` prints after 'id:'), and monitor fails "
			    "when a different pool of the same name is imported. Use it when "
			    "the heads can see more than one pool of that name.",
		.validate = zpool_name_check_guid,
	},
	[P_SEARCH_DIRS] = {
		.name = "search_dirs", .type = OCF_TYPE_STRING,
		.shortdesc = "Directories to search for the pool's devices",
		.longdesc = "One or more absolute directories, separated by blanks, passed to "
			    "`zpool import -d`, for example /dev/disk/by-id. When unset, zpool "
			    "searches its default places.",
		.validate = valid_search_dirs,
	},
	[P_CACHEFILE] = {
		.name = "cachefile", .type = OCF_TYPE_STRING, .deflt = "none",
		.shortdesc = "Pool cache file",
		.longdesc = "The pool's cachefile property at import. The default, none, keeps "
			    "the pool out of the system cache file, so no node imports it at "
			    "boot behind the cluster's back.",
		.validate = valid_cachefile,
	},
	[P_ALTROOT] = {
		.name = "altroot", .type = OCF_TYPE_STRING,
		.shortdesc = "Alternate root for the pool's mount points",
		.longdesc = "Passed to `zpool import -R`: every mount point of the pool is "
			    "prefixed with it.",
		.validate = valid_altroot,
	},
	[P_MOUNT] = {
		.name = "mount", .type = OCF_TYPE_BOOLEAN, .deflt = "true",
		.shortdesc = "Mount the pool's datasets at import",
		.longdesc = "false imports with `zpool import -N` (datasets stay unmounted, for "
			    "pools that only hold LUN backing stores, or whose datasets another "
			    "resource mounts). Where zpool has no -N (zfs-fuse), the pool is "
			    "imported and its datasets are unmounted right after.",
	},
	[P_FORCE] = {
		.name = "force", .type = OCF_TYPE_SELECT, .deflt = "fenced",
		.options = force_options,
		.shortdesc = "When start may import with -f",
		.longdesc = "A pool another host used last (its hostid is on the disks) is "
			    "imported only with -f, and -f on a pool that host still writes "
			    "destroys it. never: start refuses such a pool. fenced: -f only "
			    "when that host is known to be fenced: the cluster property "
			    "stonith-enabled is explicitly true (Pacemaker starts a resource "
			    "elsewhere only after fencing the node that had it), or "
			    "twinhead-quorumd reports the peer fenced or released. always: "
			    "-f whenever needed. DANGEROUS: only where something else "
			    "guarantees the other host has stopped.",
	},
	[P_EXPORT_FORCE] = {
		.name = "export_force", .type = OCF_TYPE_BOOLEAN, .deflt = "false",
		.shortdesc = "Force the export when the pool stays busy",
		.longdesc = "When the export still finds the pool busy after busy_retries, "
			    "false makes stop fail (Pacemaker then fences the node, which frees "
			    "the pool). true stops the processes holding the pool's datasets "
			    "(SIGTERM, then SIGKILL after 2 s; Linux) and exports with -f.",
	},
	[P_BUSY_RETRIES] = {
		.name = "busy_retries", .type = OCF_TYPE_INTEGER, .deflt = "3", .min = 0, .max = 20,
		.flags = OCF_RELOADABLE,
		.shortdesc = "Retries of a busy export",
		.longdesc = "How many times stop retries an export that found the pool busy, "
			    "waiting 0.25 s, then 0.5 s, 1 s, 2 s, ... (within the stop timeout).",
	},
	[P_PROBE_DATASET] = {
		.name = "probe_dataset", .type = OCF_TYPE_STRING, .flags = OCF_RELOADABLE,
		.shortdesc = "Dataset for the depth-20 write probe",
		.longdesc = "A mounted filesystem of the pool in which monitor at depth 20 "
			    "writes, syncs and reads back a small file "
			    "(.twinhead-probe-RESOURCE). Default: the pool's root dataset.",
		.validate = zpool_name_check_dataset,
	},
};

static const struct ocf_action_spec actions[] = {
	{ .name = "start", .timeout_s = 60 },
	{ .name = "stop", .timeout_s = 60 },
	{ .name = "monitor", .timeout_s = 30, .interval_s = 10, .depth = 0 },
	{ .name = "monitor", .timeout_s = 30, .interval_s = 60, .depth = 10 },
	{ .name = "monitor", .timeout_s = 30, .interval_s = 300, .depth = 20 },
	{ .name = "validate-all", .timeout_s = 20 },
	{ .name = "reload-agent", .timeout_s = 20 },
	{ .name = "meta-data", .timeout_s = 5 },
};

static int zp_check(struct ocf_ctx *ctx)
{
	const char *pool = ocf_str(ctx, P_POOL), *ds = ocf_str(ctx, P_PROBE_DATASET);
	size_t n = strlen(pool);

	if (ds && !(strcmp(ds, pool) == 0 || (strncmp(ds, pool, n) == 0 && ds[n] == '/')))
		return ocf_fail(ctx, OCF_ERR_CONFIGURED,
				"probe_dataset=%s is not a dataset of pool %s", ds, pool);
	return OCF_SUCCESS;
}

/* ---- running the tools ------------------------------------------------------------------ */

struct zp {
	struct ocf_ctx *ctx;
	const char *pool;
	const char *zpool;       /* absolute paths */
	const char *zfs;
	bool have_guid;
	bool rescanned;          /* the disks' partition tables were re-read */
	uint64_t guid;
	char rundir[PATH_MAX];
};

static void zp_init(struct ocf_ctx *ctx, struct zp *z)
{
	const char *rd = ocf_env(ctx, "TWINHEAD_RUNDIR");

	memset(z, 0, sizeof(*z));
	z->ctx = ctx;
	z->pool = ocf_str(ctx, P_POOL);
	z->zpool = tool_path(TOOL_ZPOOL, ctx->envp);
	z->zfs = tool_path(TOOL_ZFS, ctx->envp);
	if (ocf_str(ctx, P_GUID))
		z->have_guid = zpool_name_parse_guid(ocf_str(ctx, P_GUID), &z->guid) == 0;
	snprintf(z->rundir, sizeof(z->rundir), "%s",
		 rd && rd[0] == '/' ? rd : TWINHEAD_RUNDIR);
}

/* Runs argv until d. Returns exec_run's rc; res must be freed. */
static int zp_exec(const char *const *argv, const char *const *env, struct deadline d,
		   struct exec_result *res)
{
	struct exec_cmd cmd = { .argv = argv, .env = env, .deadline = d };

	return exec_run(&cmd, res);
}

/* A tool's stderr (else stdout) as one line for a reason. */
static const char *zp_said(const struct exec_result *res, char *buf, size_t len)
{
	zpool_parse_summary(res->err, res->err_len, buf, len);
	if (!buf[0])
		zpool_parse_summary(res->out, res->out_len, buf, len);
	if (!buf[0])
		snprintf(buf, len, "no message, exit status %d", res->exit_status);
	return buf;
}

static long long zp_ms(struct deadline d)
{
	return (long long)deadline_left_ms(d);
}

/* snprintf for explanations that may be cut short: a reason is one line
 * of at most OCF_REASON_MAX bytes anyway. */
static void zp_why(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void zp_why(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* ---- is it imported here, and how healthy? ------------------------------------------------ */

enum zp_q {
	Q_IMPORTED,   /* row is valid */
	Q_ABSENT,     /* zpool says: no such pool */
	Q_NO_ZFS,     /* ZFS is not running here: nothing can be imported */
	Q_HUNG,       /* zpool did not answer before the deadline */
	Q_NO_TOOL,    /* zpool cannot be run */
	Q_PERM,
	Q_UNCLEAR,    /* an error or output this code cannot read: may be transient */
};

struct zp_query {
	enum zp_q q;
	struct zpool_row row;
	int exec_rc;
	char said[200];
};

/* The pool asked without running zpool: on OpenZFS its state kstat
 * (TWINHEAD_ZFS_KSTAT names another directory), on zfs-fuse the daemon's
 * socket (TWINHEAD_ZFS_SOCKET names another socket; set empty, it turns
 * both off; with TWINHEAD_TOOL_ZPOOL set one of them must be named). True
 * only for an imported, ONLINE or SUSPENDED pool; every other answer, and
 * any surprise, is left to zpool. The kstat knows no guid: with guid= set,
 * zpool is asked. */
static bool zp_direct(struct zp *z, struct deadline d, struct zp_query *r)
{
	const char *where = ocf_env(z->ctx, "TWINHEAD_ZFS_SOCKET");
	const char *kdir = ocf_env(z->ctx, "TWINHEAD_ZFS_KSTAT");
	int64_t cap = deadline_left_ms(d) / 2;
	char why[200];
	int rc;

	if (where && !where[0])
		return false;
	/* A zpool set for tests (a stand-in) has the last word: only an
	 * explicitly named socket or kstat directory is asked then. */
	if (!where && !kdir && ocf_env(z->ctx, "TWINHEAD_TOOL_ZPOOL"))
		return false;
	if (!where && !z->have_guid) {
		rc = zpool_backend_kstat.list(kdir, z->pool, d, &r->row, why, sizeof(why));
		if (rc == 0) {
			r->q = Q_IMPORTED;
			return true;
		}
		if (rc != -ENOTCONN || kdir) {
			memset(&r->row, 0, sizeof(r->row));
			th_debug("%s: asked zpool (%s)", z->pool, why);
			return false;
		}
	}
	rc = zpool_backend_zfsfuse.list(where, z->pool,
					deadline_cap_ms(d, cap < DIRECT_CAP_MS ? cap : DIRECT_CAP_MS),
					&r->row, why, sizeof(why));
	if (rc == 0) {
		r->q = Q_IMPORTED;
		return true;
	}
	memset(&r->row, 0, sizeof(r->row));
	th_debug("%s: asked zpool (%s)", z->pool, why);
	return false;
}

static void zp_query(struct zp *z, struct deadline d, struct zp_query *r)
{
	const char *argv[] = { z->zpool, "list", "-H", "-o", "name,health,guid", z->pool, NULL };
	struct exec_result res;
	int rc;

	memset(r, 0, sizeof(*r));
	if (zp_direct(z, d, r))
		return;
	rc = zp_exec(argv, NULL, d, &res);
	r->exec_rc = rc;
	if (rc == -ETIMEDOUT) {
		r->q = Q_HUNG;
	} else if (rc < 0) {
		r->q = Q_NO_TOOL;
		snprintf(r->said, sizeof(r->said), "%s: %s", z->zpool, strerror(-rc));
	} else if (res.exit_status == 0) {
		if (zpool_parse_list(res.out, res.out_len, &r->row) == 0 &&
		    strcmp(r->row.name, z->pool) == 0) {
			r->q = Q_IMPORTED;
		} else {
			r->q = Q_UNCLEAR;
			snprintf(r->said, sizeof(r->said), "unreadable output of zpool list");
		}
	} else {
		switch (zpool_parse_error(res.err, res.err_len)) {
		case ZPOOL_ERR_NO_SUCH_POOL:
			r->q = Q_ABSENT;
			break;
		case ZPOOL_ERR_NO_SERVICE:
			r->q = Q_NO_ZFS;
			break;
		case ZPOOL_ERR_PERM:
			r->q = Q_PERM;
			break;
		default:
			r->q = Q_UNCLEAR;
			break;
		}
		if (r->q != Q_ABSENT)
			zp_said(&res, r->said, sizeof(r->said));
	}
	exec_result_free(&res);
}

static bool health_transient(enum zpool_health h)
{
	return h != ZPOOL_HEALTH_ONLINE && h != ZPOOL_HEALTH_DEGRADED &&
	       h != ZPOOL_HEALTH_FAULTED && h != ZPOOL_HEALTH_UNAVAIL &&
	       h != ZPOOL_HEALTH_SUSPENDED;
}

/* A pool whose I/O is suspended, or whose writes fail at its top: a hard
 * error (OCF_ERR_PERM: Pacemaker stops the pool here and will not start it
 * on this node again until the failure is cleaned up), with what to look
 * at: space (full), the devices (failed vdevs), and failmode. */
static int zp_suspended(struct zp *z, const struct zpool_row *row)
{
	const struct zpool_io_failure *io = &row->io;
	char errs[96] = "", full[96] = "", mode[160];

	if (io->write_errors)
		snprintf(errs, sizeof(errs), "; %" PRIu64 " writes (and %" PRIu64 " reads) failed "
			 "on every copy", io->write_errors, io->read_errors);
	if (io->space)
		snprintf(full, sizeof(full), "; %" PRIu64 "%% of its %" PRIu64 " MiB allocated",
			 io->alloc * 100 / io->space, io->space >> 20);
	if (io->have_failmode)
		snprintf(mode, sizeof(mode), "failmode=%s%s", zpool_failmode_name(io->failmode),
			 io->failmode == 0 ? ": every writer blocks until `zpool clear` succeeds" : "");
	else
		snprintf(mode, sizeof(mode), "failmode (`zpool get failmode %s`): wait blocks every "
			 "writer, continue fails them", z->pool);
	return ocf_fail(z->ctx, OCF_ERR_PERM,
			"pool %s has its I/O suspended%s%s: nothing written reaches its disks. "
			"Look at: free space in the pool and beneath its devices (full), "
			"`zpool status -v %s` (failed vdevs), %s. Fix the cause, then `zpool "
			"clear %s`", z->pool, errs, full, z->pool, mode, z->pool);
}

/* Level 0, shared by monitor and start ("start returns only once monitor
 * would pass"). Returns OCF_SUCCESS, OCF_DEGRADED, OCF_NOT_RUNNING, or an
 * error with the reason set. A transient state (OFFLINE while the root
 * vdev reopens, an unreadable answer: resource-agents #2206/#2213) is read
 * again, pausing 0.1 s, 0.2 s, ... for up to 5 s (and never past d),
 * before it counts. */
static int zp_health(struct zp *z, struct deadline d, const char *what)
{
	struct ocf_ctx *ctx = z->ctx;
	int64_t pause = RECHECK_FIRST_MS, t0 = deadline_now_ms();
	struct deadline window = deadline_cap_ms(d, RECHECK_WINDOW_MS);
	struct zp_query r;
	unsigned reads = 0;
	char seen[64] = "";

	for (;;) {
		zp_query(z, d, &r);
		reads++;
		switch (r.q) {
		case Q_HUNG:
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"`zpool list %s` did not answer within %lld ms: ZFS on "
					"this node is hung (a stopped zfs-fuse daemon, or I/O stuck in "
					"the kernel); check the pool's disks and the ZFS service",
					z->pool, (long long)(deadline_now_ms() - t0));
		case Q_NO_TOOL:
			if (ctx->is_probe || strcmp(ctx->action, "stop") == 0)
				return OCF_NOT_RUNNING;
			return ocf_fail(ctx, OCF_ERR_INSTALLED, "cannot run zpool (%s): install "
					"ZFS or set TWINHEAD_TOOL_ZPOOL", r.said);
		case Q_PERM:
			return ocf_fail(ctx, OCF_ERR_PERM, "zpool refused: %s", r.said);
		case Q_ABSENT:
			return OCF_NOT_RUNNING;
		case Q_NO_ZFS:
			/* The module is not loaded, or no zfs-fuse daemon listens:
			 * nothing is imported on this node. */
			th_log(LOG_INFO, "%s: ZFS is not running on this node (%s): pool %s is "
			       "not imported here", what, r.said, z->pool);
			return OCF_NOT_RUNNING;
		case Q_IMPORTED:
			if (z->have_guid && r.row.guid != z->guid)
				return ocf_fail(ctx, OCF_ERR_GENERIC,
						"the pool named %s imported here has guid %" PRIu64
						", not guid=%" PRIu64 ": a different pool of the same "
						"name; export it by hand (zpool export %s)",
						z->pool, r.row.guid, z->guid, z->pool);
			if (r.row.health == ZPOOL_HEALTH_ONLINE || r.row.health == ZPOOL_HEALTH_DEGRADED) {
				if (reads > 1)
					th_log(LOG_WARNING, "%s: pool %s read %s first, %s after %u reads "
					       "(%lld ms): a transient state, not a failure", what,
					       z->pool, seen, r.row.health_word, reads,
					       (long long)(deadline_now_ms() - t0));
				if (r.row.health == ZPOOL_HEALTH_ONLINE)
					return OCF_SUCCESS;
				return ocf_fail(ctx, OCF_DEGRADED,
						"pool %s is DEGRADED: a device is missing or faulted but "
						"the data is still served; see `zpool status %s`",
						z->pool, z->pool);
			}
			if (r.row.health == ZPOOL_HEALTH_SUSPENDED)
				return zp_suspended(z, &r.row);
			if (!health_transient(r.row.health))
				return ocf_fail(ctx, OCF_ERR_GENERIC,
						"pool %s is %s: it cannot serve data here; see "
						"`zpool status -v %s`", z->pool,
						r.row.health_word, z->pool);
			snprintf(seen, sizeof(seen), "%s", r.row.health_word);
			break;
		case Q_UNCLEAR:
			snprintf(seen, sizeof(seen), "'%.50s'", r.said);
			break;
		}
		/* Transient: read again if there is time for a pause and a read. */
		if (deadline_left_ms(window) < pause + 200)
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"pool %s stayed %s for %lld ms (%u reads): %s",
					z->pool, r.q == Q_UNCLEAR ? "unreadable" : r.row.health_word,
					(long long)(deadline_now_ms() - t0), reads,
					r.q == Q_UNCLEAR ? r.said : "see `zpool status` for why");
		deadline_sleep_ms(window, pause);
		pause = pause * 2 > RECHECK_MAX_MS ? RECHECK_MAX_MS : pause * 2;
	}
}

/* ---- depth 10: zpool status ------------------------------------------------------------------ */

static int zp_status(struct zp *z, int level0)
{
	struct ocf_ctx *ctx = z->ctx;
	const char *argv[] = { z->zpool, "status", z->pool, NULL };
	struct zpool_status st;
	struct exec_result res;
	char said[200];
	int rc = zp_exec(argv, NULL, ctx->deadline, &res);

	if (rc == -ETIMEDOUT) {
		exec_result_free(&res);
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"`zpool status %s` did not answer before the deadline: "
				"ZFS on this node is hung", z->pool);
	}
	if (rc < 0 || res.exit_status != 0) {
		if (rc == 0)
			zp_said(&res, said, sizeof(said));
		else
			snprintf(said, sizeof(said), "%s", strerror(-rc));
		exec_result_free(&res);
		return ocf_fail(ctx, OCF_ERR_GENERIC, "zpool status %s failed: %s",
				z->pool, said);
	}
	rc = zpool_parse_status(res.out, res.out_len, z->pool, &st);
	exec_result_free(&res);
	if (rc < 0) {
		/* A format this code cannot read is no reason to move a pool
		 * that level 0 found healthy; say so and keep level 0's verdict. */
		th_log(LOG_WARNING, "monitor: cannot read `zpool status %s`: depth 10 checks "
		       "skipped, depth 0 result kept", z->pool);
		return level0;
	}
	if (st.suspended)
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"pool %s has its I/O suspended (devices faulted by I/O failures): "
				"nothing reaches the disks; check cabling and devices, then `zpool "
				"clear %s`", z->pool, z->pool);
	if (st.data_errors)
		return ocf_fail(ctx, OCF_DEGRADED,
				"pool %s reports permanent data errors (%s): see `zpool status -v "
				"%s`", z->pool, st.errors, z->pool);
	if (st.have_bad_vdev) {
		if (st.bad.counts_nonzero)
			return ocf_fail(ctx, OCF_DEGRADED,
					"pool %s: device %s (%s) has read/write/checksum errors "
					"%s/%s/%s: replace it, or `zpool clear %s` if they are "
					"understood", z->pool, st.bad.name, st.bad.state_word,
					st.bad.read, st.bad.write, st.bad.cksum, z->pool);
		if (!st.bad.has_counts)
			return ocf_fail(ctx, OCF_DEGRADED,
					"pool %s: spare %s is %s: it cannot stand in for a failed "
					"device", z->pool, st.bad.name, st.bad.state_word);
		return ocf_fail(ctx, OCF_DEGRADED,
				"pool %s: device %s is %s: the pool runs without part of its "
				"redundancy; see `zpool status %s`", z->pool, st.bad.name,
				st.bad.state_word, z->pool);
	}
	return level0;
}

/* ---- depth 20: a write probe ---------------------------------------------------------------- */

/* In a child: write a block with a stamp, fsync, read it back. Exit 0, or
 * the errno of the first failure. */
static void probe_child(const char *file)
{
	char buf[4096], back[4096];
	int fd;

	memset(buf, 0, sizeof(buf));
	snprintf(buf, sizeof(buf), "twinhead write probe pid %ld at %lld\n", (long)getpid(),
		 (long long)time(NULL));
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) || fsync(fd) < 0)
		_exit(errno ? errno : EIO);
	close(fd);
	fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || read(fd, back, sizeof(back)) != (ssize_t)sizeof(back))
		_exit(errno ? errno : EIO);
	close(fd);
	_exit(memcmp(buf, back, sizeof(buf)) == 0 ? 0 : EIO);
}

static int zp_write_probe(struct zp *z, int level0)
{
	struct ocf_ctx *ctx = z->ctx;
	const char *ds = ocf_str(ctx, P_PROBE_DATASET) ? ocf_str(ctx, P_PROBE_DATASET) : z->pool;
	const char *argv[] = { z->zfs, "list", "-H", "-o", "name,mounted,mountpoint", ds, NULL };
	struct zpool_mount m;
	struct exec_result res;
	char file[PATH_MAX + 64];
	size_t pos = 0;
	int rc, st;
	pid_t pid;

	rc = zp_exec(argv, NULL, ctx->deadline, &res);
	if (rc < 0 || res.exit_status != 0 ||
	    zpool_parse_mount_next(res.out, res.out_len, &pos, &m) != 1 ||
	    strcmp(m.name, ds) != 0) {
		exec_result_free(&res);
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"depth-20 write probe: cannot find dataset %s%s", ds,
				rc == -ETIMEDOUT ? ": zfs did not answer (ZFS hung)" : "");
	}
	exec_result_free(&res);
	if (!m.mounted || m.mountpoint[0] != '/')
		return ocf_fail(ctx, OCF_ERR_CONFIGURED,
				"monitor depth 20 writes into a mounted dataset, and %s is not "
				"mounted (mountpoint %s): set probe_dataset, or mount=true", ds,
				m.mountpoint);
	snprintf(file, sizeof(file), "%s/.twinhead-probe-%s", m.mountpoint, ctx->instance);
	/* A write to a hung pool may never return: the child takes the risk,
	 * and is left behind (killed) at the deadline. */
	pid = fork();
	if (pid < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "depth-20 write probe: fork: %s", strerror(errno));
	if (pid == 0)
		probe_child(file);
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return ocf_fail(ctx, OCF_ERR_GENERIC, "depth-20 write probe: waitpid: %s",
					strerror(errno));
		if (deadline_sleep_ms(ctx->deadline, 5) < 0) {
			kill(pid, SIGKILL);
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"depth-20 write probe: writing %s did not finish before the "
					"deadline: the pool does not accept writes", file);
		}
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "depth-20 write probe of %s failed: %s", file,
				WIFEXITED(st) ? strerror(WEXITSTATUS(st)) : "killed");
	return level0;
}

static int zp_monitor(struct ocf_ctx *ctx)
{
	struct zp z;
	int rc;

	zp_init(ctx, &z);
	rc = zp_health(&z, ctx->deadline, ctx->is_probe ? "probe" : "monitor");
	if ((rc != OCF_SUCCESS && rc != OCF_DEGRADED) || ctx->check_level < 10)
		return rc;
	rc = zp_status(&z, rc);
	if ((rc != OCF_SUCCESS && rc != OCF_DEGRADED) || ctx->check_level < 20)
		return rc;
	return zp_write_probe(&z, rc);
}

/* ---- the datasets' mounts and who holds them --------------------------------------------- */

struct zp_mounts {
	size_t n;
	struct zpool_mount m[MAX_MOUNTS];
};

/* The pool's filesystems as `zfs list` shows them. Returns 0 or -errno. */
static int zp_list_mounts(struct zp *z, struct deadline d, struct zp_mounts *ms)
{
	const char *argv[] = { z->zfs, "list", "-H", "-o", "name,mounted,mountpoint", "-r",
			       "-t", "filesystem", z->pool, NULL };
	struct exec_result res;
	size_t pos = 0;
	int rc = zp_exec(argv, NULL, d, &res);

	ms->n = 0;
	if (rc == 0 && res.exit_status != 0)
		rc = -EIO;
	while (rc == 0 && ms->n < MAX_MOUNTS) {
		int r = zpool_parse_mount_next(res.out, res.out_len, &pos, &ms->m[ms->n]);

		if (r < 0)
			rc = r;
		if (r <= 0)
			break;
		ms->n++;
	}
	exec_result_free(&res);
	return rc;
}

/* Finds the processes holding the pool's mounted filesystems; describes
 * them in desc ("sleep[176], tgtd[99]"). Returns how many, or -errno. */
static int zp_holders(struct zp *z, struct deadline d, struct os_holder *h, size_t max,
		      char *desc, size_t desclen)
{
	struct zp_mounts *ms = calloc(1, sizeof(*ms));
	const char *dirs[MAX_MOUNTS];
	size_t nd = 0, used = 0;
	int n;

	desc[0] = '\0';
	if (!ms)
		return -ENOMEM;
	n = zp_list_mounts(z, d, ms);
	for (size_t i = 0; n == 0 && i < ms->n; i++)
		if (ms->m[i].mounted && ms->m[i].mountpoint[0] == '/')
			dirs[nd++] = ms->m[i].mountpoint;
	if (n == 0)
		n = nd ? os_path_holders(dirs, nd, h, max) : 0;
	free(ms);
	for (int i = 0; n > 0 && i < n && (size_t)i < max && used + 32 < desclen; i++)
		used += (size_t)snprintf(desc + used, desclen - used, "%s%s[%d]", i ? ", " : "",
					 h[i].comm, h[i].pid);
	if (n > (int)max && used + 16 < desclen)
		snprintf(desc + used, desclen - used, " and %d more", n - (int)max);
	return n;
}

/* Unmounts the pool's mounted filesystems, children first. */
static int zp_unmount_all(struct zp *z, struct deadline d)
{
	struct ocf_ctx *ctx = z->ctx;
	struct zp_mounts *ms = calloc(1, sizeof(*ms));
	int rc;

	if (!ms)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "out of memory");
	rc = zp_list_mounts(z, d, ms);
	if (rc < 0) {
		free(ms);
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"cannot list the datasets of %s to unmount them (mount=false): "
				"%s", z->pool, strerror(-rc));
	}
	for (size_t i = ms->n; i-- > 0;) {
		const char *argv[] = { z->zfs, "unmount", ms->m[i].name, NULL };
		struct exec_result res;
		char said[200];

		if (!ms->m[i].mounted)
			continue;
		rc = zp_exec(argv, NULL, d, &res);
		if (rc < 0 || res.exit_status != 0) {
			if (rc == 0)
				zp_said(&res, said, sizeof(said));
			else
				snprintf(said, sizeof(said), "%s", strerror(-rc));
			exec_result_free(&res);
			rc = ocf_fail(ctx, OCF_ERR_GENERIC,
				      "cannot unmount %s (mount=false on a zpool without "
				      "import -N): %s", ms->m[i].name, said);
			free(ms);
			return rc;
		}
		exec_result_free(&res);
	}
	free(ms);
	return OCF_SUCCESS;
}

/* ---- fencing evidence (force=fenced) ----------------------------------------------------------- */

/* Pacemaker's stonith-enabled, read the way the cluster has it (CIB_file
 * from the agent's environment is passed on, so tests can point at a CIB
 * file). Returns 1 when explicitly true, 0 otherwise, with why. */
static int evidence_stonith(struct zp *z, char *why, size_t len)
{
	struct ocf_ctx *ctx = z->ctx;
	const char *argv[] = { tool_path(TOOL_CRM_ATTRIBUTE, ctx->envp), "--type", "crm_config",
			       "--name", "stonith-enabled", "--query", "--quiet", NULL };
	const char *cib = ocf_env(ctx, "CIB_file");
	char cibenv[PATH_MAX + 16];
	const char *env[2] = { NULL, NULL };
	struct exec_result res;
	char said[160], word[16];
	size_t b, e;
	int rc;

	if (cib && *cib) {
		snprintf(cibenv, sizeof(cibenv), "CIB_file=%s", cib);
		env[0] = cibenv;
	}
	rc = zp_exec(argv, env, deadline_cap_ms(ctx->deadline, CRM_ATTRIBUTE_CAP_MS), &res);
	if (rc < 0) {
		zp_why(why, len, "cannot read stonith-enabled (crm_attribute: %s)",
			 rc == -ETIMEDOUT ? "no answer" : strerror(-rc));
		exec_result_free(&res);
		return 0;
	}
	if (res.exit_status != 0) {
		zp_said(&res, said, sizeof(said));
		/* 105 (CRM_EX_NOSUCH) without a connection error: not in the CIB.
		 * Pacemaker's default is true, but a forced import wants it said. */
		if (res.exit_status == 105 && !strstr(said, "connect"))
			zp_why(why, len, "stonith-enabled is not set in the CIB (a forced import "
				 "needs it explicitly true)");
		else
			zp_why(why, len, "cannot read stonith-enabled (%.120s)", said);
		exec_result_free(&res);
		return 0;
	}
	/* One word, maybe followed by a newline: Pacemaker's booleans. */
	for (b = 0; b < res.out_len && (res.out[b] == ' ' || res.out[b] == '\n'); b++)
		;
	for (e = res.out_len; e > b && (res.out[e - 1] == ' ' || res.out[e - 1] == '\n'); e--)
		;
	if (e - b == 0 || e - b >= sizeof(word) || memchr(res.out + b, '\n', e - b)) {
		zp_why(why, len, "unreadable stonith-enabled from crm_attribute");
		exec_result_free(&res);
		return 0;
	}
	memcpy(word, res.out + b, e - b);
	word[e - b] = '\0';
	exec_result_free(&res);
	for (char *p = word; *p; p++)
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			*p = '?';
	if (strcasecmp(word, "true") == 0 || strcasecmp(word, "on") == 0 ||
	    strcasecmp(word, "yes") == 0 || strcasecmp(word, "y") == 0 ||
	    strcmp(word, "1") == 0) {
		zp_why(why, len, "stonith-enabled=%s: Pacemaker fenced the pool's last "
			 "owner before starting it here", word);
		return 1;
	}
	zp_why(why, len, "stonith-enabled=%s", word);
	return 0;
}

/* twinhead-quorumd's published state (lib/quorumd_state.h). */
static int evidence_quorumd(struct zp *z, char *why, size_t len)
{
	char path[PATH_MAX + 32];
	struct quorumd_state s;

	snprintf(path, sizeof(path), "%s/%s", z->rundir, QUORUMD_STATE_RELPATH);
	if (quorumd_state_load(path, &s, why, len) < 0)
		return 0;
	return quorumd_state_peer_fenced(&s, (int64_t)time(NULL), why, len);
}

/* ---- start ------------------------------------------------------------------------------------- */

struct zp_import {
	int rc;                  /* exec_run's */
	bool ok;                 /* ran and exited 0 */
	enum zpool_err err;      /* when it ran and failed */
	struct zpool_foreign foreign;
	bool foreign_found;
	char said[240];
};

/* Appends "-d DIR" for every search_dirs entry; dirs is the buffer the
 * entries point into. Returns the new argument count. */
static size_t zp_argv_dirs(struct zp *z, const char **argv, size_t a, char *dirs, size_t len)
{
	if (!ocf_str(z->ctx, P_SEARCH_DIRS))
		return a;
	snprintf(dirs, len, "%s", ocf_str(z->ctx, P_SEARCH_DIRS));
	for (char *save = NULL, *dir = strtok_r(dirs, " \t", &save); dir;
	     dir = strtok_r(NULL, " \t", &save)) {
		argv[a++] = "-d";
		argv[a++] = dir;
	}
	return a;
}

/* guid set: the scan must list that guid under our pool's name, or the
 * import would bring in a pool the configuration does not mean (and
 * `zpool import GUID NAME` would rename it). Changes nothing. */
/* The longest udevadm settle start waits for after re-reading partition
 * tables: udev makes the new partitions' nodes in milliseconds. */
#define SETTLE_CAP_MS 10000

/* A pool the other head created after this head booted lives on
 * partitions this kernel has not seen yet, and `zpool import` says "no
 * pools available". Re-reads the whole disks' partition tables and waits
 * for udev to make their nodes, once per action. Returns true when it did
 * something, so the caller scans again. */
static bool zp_rescan(struct zp *z, struct deadline d)
{
	char settle_to[32];
	const char *argv[] = { tool_path(TOOL_UDEVADM, z->ctx->envp), "settle", settle_to, NULL };
	struct deadline ds = deadline_cap_ms(d, SETTLE_CAP_MS);
	struct exec_result res;
	int n, rc;

	if (z->rescanned)
		return false;
	z->rescanned = true;
	n = os_disks_rescan();
	if (n <= 0) {
		th_debug("%s: no disk to re-read (%s)", z->pool, n < 0 ? strerror(-n) : "none");
		return false;
	}
	snprintf(settle_to, sizeof(settle_to), "--timeout=%lld",
		 (long long)(deadline_left_ms(ds) / 1000 > 0 ? deadline_left_ms(ds) / 1000 : 1));
	rc = zp_exec(argv, NULL, ds, &res);
	th_log(LOG_INFO, "%s not found: re-read the partition tables of %d disks, udevadm settle: "
	       "%s; scanning again", z->pool, n,
	       rc < 0 ? strerror(-rc) : res.exit_status == 0 ? "done" : "failed");
	exec_result_free(&res);
	return true;
}

static int zp_check_guid_name(struct zp *z, struct deadline d)
{
	struct ocf_ctx *ctx = z->ctx;
	const char *argv[4 + 2 * MAX_SEARCH_DIRS];
	char dirs[PATH_MAX * 2], name[ZPOOL_NAME_MAX], said[200];
	struct exec_result res;
	size_t a = 0;
	int rc;

	argv[a++] = z->zpool;
	argv[a++] = "import";
	a = zp_argv_dirs(z, argv, a, dirs, sizeof(dirs));
	argv[a] = NULL;
again:
	rc = zp_exec(argv, NULL, d, &res);
	if (rc < 0) {
		exec_result_free(&res);
		return ocf_fail(ctx, OCF_ERR_GENERIC, "`zpool import` (scan for guid %" PRIu64
				") %s", z->guid, rc == -ETIMEDOUT ? "did not finish before the "
				"deadline: ZFS or the disks hang" : strerror(-rc));
	}
	rc = zpool_parse_import_scan(res.out, res.out_len, z->guid, name, sizeof(name));
	zp_said(&res, said, sizeof(said));
	exec_result_free(&res);
	if (rc == -ENOENT && zp_rescan(z, d))
		goto again;
	if (rc == -ENOENT)
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"no importable pool with guid %" PRIu64 " found%s%s (%s): this node "
				"does not see its devices, or it is imported already elsewhere",
				z->guid, ocf_str(ctx, P_SEARCH_DIRS) ? " in " : "",
				ocf_str(ctx, P_SEARCH_DIRS) ? ocf_str(ctx, P_SEARCH_DIRS) : "", said);
	if (rc < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot read the pool list of `zpool "
				"import`: %s", said);
	if (strcmp(name, z->pool) != 0)
		return ocf_fail(ctx, OCF_ERR_CONFIGURED,
				"guid %" PRIu64 " is pool '%s', not pool=%s: fix pool or guid",
				z->guid, name, z->pool);
	return OCF_SUCCESS;
}

static void zp_import_run(struct zp *z, bool force, bool no_mount, struct deadline d,
			  struct zp_import *out)
{
	struct ocf_ctx *ctx = z->ctx;
	const char *argv[8 + 2 * MAX_SEARCH_DIRS + 8];
	char dirs[PATH_MAX * 2], cache[PATH_MAX + 16];
	size_t a = 0;
	struct exec_result res;

	memset(out, 0, sizeof(*out));
	argv[a++] = z->zpool;
	argv[a++] = "import";
	a = zp_argv_dirs(z, argv, a, dirs, sizeof(dirs));
	snprintf(cache, sizeof(cache), "cachefile=%s", ocf_str(ctx, P_CACHEFILE));
	argv[a++] = "-o";
	argv[a++] = cache;
	if (ocf_str(ctx, P_ALTROOT)) {
		argv[a++] = "-R";
		argv[a++] = ocf_str(ctx, P_ALTROOT);
	}
	if (no_mount)
		argv[a++] = "-N";
	if (force)
		argv[a++] = "-f";
	argv[a++] = z->have_guid ? ocf_str(ctx, P_GUID) : z->pool;
	argv[a] = NULL;

	out->rc = zp_exec(argv, NULL, d, &res);
	out->ok = exec_succeeded(out->rc, &res);
	if (out->rc == 0 && !out->ok) {
		out->err = zpool_parse_error(res.err, res.err_len);
		out->foreign_found = zpool_parse_foreign(res.err, res.err_len, &out->foreign) == 0;
		zp_said(&res, out->said, sizeof(out->said));
	} else if (out->rc == 0 && res.err_len) {
		/* zfs-fuse says "property 'x' is not a valid pool property" and
		 * exits 0 without importing: keep what it said for the check. */
		zp_said(&res, out->said, sizeof(out->said));
	}
	exec_result_free(&res);
}

static const char *zp_foreign_desc(const struct zp_import *im, char *buf, size_t len)
{
	if (im->foreign_found && im->foreign.host[0])
		snprintf(buf, len, "host '%s' (hostid 0x%" PRIx32 ")", im->foreign.host,
			 im->foreign.hostid);
	else if (im->foreign_found)
		snprintf(buf, len, "hostid 0x%" PRIx32, im->foreign.hostid);
	else
		snprintf(buf, len, "another host (zpool named no hostid)");
	return buf;
}

/* May start import with -f? 1 yes, 0 no; why says on what grounds. */
static int zp_may_force(struct zp *z, char *why, size_t len)
{
	const char *force = ocf_str(z->ctx, P_FORCE);
	char s[200], q[200];

	if (strcmp(force, "always") == 0) {
		zp_why(why, len, "force=always");
		return 1;
	}
	if (strcmp(force, "never") == 0) {
		zp_why(why, len, "force=never");
		return 0;
	}
	/* quorumd's state first: a file read, where stonith-enabled costs a
	 * crm_attribute run (tens of ms) at every start. */
	if (evidence_quorumd(z, q, sizeof(q))) {
		zp_why(why, len, "force=fenced: %s", q);
		return 1;
	}
	if (evidence_stonith(z, s, sizeof(s))) {
		zp_why(why, len, "force=fenced: %s", s);
		return 1;
	}
	zp_why(why, len, "force=fenced and no evidence that it is fenced (%s; %s)", s, q);
	return 0;
}

/* The longest wait one `zpool import` of a multihost pool can have on
 * this host: the activity check twice. OpenZFS 2.1 runs it in the scan's
 * tryimport and skips it in the import only when the uberblock still
 * matches the scan's, mmp sequence included; an uberblock last written
 * by a txg sync has sequence 0, which never matches
 * (spa_activity_check_required()), so the check runs again: 46-49 s
 * instead of 24 s at the default interval in the VM tier. */
static int64_t zp_mmp_wait_ms(const struct os_zfs_mmp *m)
{
	return 2 * zpool_mmp_import_wait_ms(m->interval_ms, m->import_intervals,
					    m->fail_intervals);
}

/* Explains a failed import (not IN_USE) as the reason. */
static int zp_import_failed(struct zp *z, const struct zp_import *im, bool forced)
{
	struct ocf_ctx *ctx = z->ctx;
	const char *target = z->have_guid ? ocf_str(ctx, P_GUID) : z->pool;
	struct os_zfs_mmp mmp;
	char host[120];

	if (im->rc == -ETIMEDOUT) {
		if (os_zfs_mmp(&mmp) == 0)
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"zpool import %s did not finish before the deadline; "
					"with multihost=on its activity checks alone can take %lld "
					"ms: raise the start timeout, or lower "
					"zfs_multihost_interval on both heads", target,
					(long long)zp_mmp_wait_ms(&mmp));
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"zpool import %s did not finish before the deadline: ZFS on "
				"this node is hung, or the disks do not answer or refuse writes "
				"(a pool suspended on its last head, full or with failed vdevs, "
				"suspends again on import: see `zpool status -v` there and the "
				"space beneath its devices). The import may still hang in ZFS "
				"here", target);
	}
	if (im->rc < 0)
		return ocf_fail(ctx, OCF_ERR_INSTALLED, "cannot run %s: %s", z->zpool,
				strerror(-im->rc));
	switch (im->err) {
	case ZPOOL_ERR_NO_SERVICE:
		return ocf_fail(ctx, OCF_ERR_INSTALLED,
				"ZFS is not running on this node (%s): start it (zfs module "
				"or zfs-fuse daemon)", im->said);
	case ZPOOL_ERR_PERM:
		return ocf_fail(ctx, OCF_ERR_PERM, "zpool import refused: %s", im->said);
	case ZPOOL_ERR_NOT_FOUND:
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"no pool %s found%s%s: this node does not see the pool's "
				"devices; check cabling, multipath and search_dirs", target,
				ocf_str(ctx, P_SEARCH_DIRS) ? " in " : "",
				ocf_str(ctx, P_SEARCH_DIRS) ? ocf_str(ctx, P_SEARCH_DIRS) : "");
	case ZPOOL_ERR_ACTIVE:
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"multihost protection says %s is imported right now by %s: "
				"not importing (no force overrides this); export it there first",
				z->pool, zp_foreign_desc(im, host, sizeof(host)));
	case ZPOOL_ERR_MMP_NO_HOSTID:
		return ocf_fail(ctx, OCF_ERR_INSTALLED,
				"%s has multihost=on and this node has no hostid: set a "
				"unique one (zgenhostid)", z->pool);
	case ZPOOL_ERR_EXISTS:
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"ZFS on this node already has a pool named %s (%s); `zpool "
				"list` did not show it: check `zpool status`", z->pool, im->said);
	case ZPOOL_ERR_IN_USE:
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"pool %s is still marked in use by %s%s: %s", z->pool,
				zp_foreign_desc(im, host, sizeof(host)),
				forced ? " even with -f" : "", im->said);
	default:
		return ocf_fail(ctx, OCF_ERR_GENERIC, "zpool import %s failed: %s",
				target, im->said);
	}
}

static int zp_lock(struct zp *z, struct lock *l)
{
	char path[PATH_MAX + 300];
	int rc;

	snprintf(path, sizeof(path), "%s/zpool-%s.lock", z->rundir, z->pool);
	rc = lock_acquire(l, path, z->ctx->deadline);
	if (rc == -ETIMEDOUT)
		return ocf_fail(z->ctx, OCF_ERR_GENERIC,
				"another start or stop of pool %s holds %s until past our "
				"deadline", z->pool, path);
	if (rc < 0)
		return ocf_fail(z->ctx, OCF_ERR_GENERIC, "cannot lock %s: %s", path,
				strerror(-rc));
	return OCF_SUCCESS;
}

/* start returns once monitor (depth 0) would pass; a degraded pool is a
 * success. OCF_NOT_RUNNING is left to the caller to explain. */
static int zp_start_verdict(struct zp *z)
{
	struct ocf_ctx *ctx = z->ctx;
	int rc = zp_health(z, ctx->deadline, "start");

	if (rc == OCF_DEGRADED) {
		/* Serving from a degraded pool beats not serving: monitor keeps
		 * reporting it (190), which is not a failover. */
		th_log(LOG_WARNING, "start: %s", ctx->reason);
		ctx->reason[0] = '\0';
		return OCF_SUCCESS;
	}
	return rc;
}

static int zp_start_locked(struct zp *z)
{
	struct ocf_ctx *ctx = z->ctx;
	struct deadline d;
	struct zp_query r;
	struct zp_import im;
	struct os_zfs_mmp mmp;
	bool no_mount = !ocf_bool(ctx, P_MOUNT), unmount_after = false, forced = false, mmp_zfs;
	char why[480], host[120];
	int rc;

	zp_query(z, ctx->deadline, &r);
	switch (r.q) {
	case Q_IMPORTED:
		th_log(LOG_INFO, "start: pool %s is already imported on this node", z->pool);
		rc = zp_start_verdict(z);
		if (rc == OCF_NOT_RUNNING)
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"pool %s was exported while start checked it", z->pool);
		return rc;
	case Q_ABSENT:
		break;
	case Q_HUNG:
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"`zpool list %s` did not answer before the deadline: ZFS on "
				"this node is hung", z->pool);
	case Q_NO_TOOL:
		return ocf_fail(ctx, OCF_ERR_INSTALLED, "cannot run zpool (%s)", r.said);
	case Q_NO_ZFS:
		return ocf_fail(ctx, OCF_ERR_INSTALLED,
				"ZFS is not running on this node (%s): start it (zfs module "
				"or zfs-fuse daemon)", r.said);
	case Q_PERM:
		return ocf_fail(ctx, OCF_ERR_PERM, "zpool refused: %s", r.said);
	case Q_UNCLEAR:
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot tell whether %s is imported: %s",
				z->pool, r.said);
	}

	/* The import gets all the time but what the health check needs. */
	d = deadline_in_ms(deadline_left_ms(ctx->deadline) > 2 * START_RESERVE_MS
				   ? deadline_left_ms(ctx->deadline) - START_RESERVE_MS
				   : deadline_left_ms(ctx->deadline) / 2);
	mmp_zfs = os_zfs_mmp(&mmp) == 0; /* a ZFS with multihost (OpenZFS) */
	if (mmp_zfs) {
		int64_t need = zp_mmp_wait_ms(&mmp);

		if (deadline_left_ms(d) < need)
			th_log(LOG_WARNING, "start: %lld ms left for the import, but a multihost "
			       "import's activity checks can take %lld ms: raise the start "
			       "timeout if %s has multihost=on", zp_ms(d), (long long)need,
			       z->pool);
	}
	/* Every zpool import scans the disks afresh: an import refused as
	 * "in use", then repeated with -f, pays the scan twice (0.3-0.9 s
	 * on zfs-fuse in the failover drill), and on a multihost pool last
	 * active elsewhere each scan runs the activity check (9.0 s instead
	 * of 4.7 s at 100 ms in the VM tier; about 50 s instead of 25 s at
	 * the default 1000 ms, near the default start timeout). When -f is
	 * allowed anyway, take the same decision before the first import
	 * instead of after it: the evidence zp_may_force() weighs does not
	 * depend on what the refusal said, so this forces no import the
	 * refusal would not have. ZFS still refuses, even -f, a multihost
	 * pool whose heartbeats it sees. The cost on a clean switchover is
	 * the evidence check (a state file read, or crm_attribute). */
	if (zp_may_force(z, why, sizeof(why))) {
		th_log(LOG_INFO, "start: importing %s with -f at once (%s): a refused import "
		       "would scan the disks%s twice", z->pool, why,
		       mmp_zfs ? " and run the multihost activity check" : "");
		forced = true;
	}

	if (z->have_guid) {
		rc = zp_check_guid_name(z, d);
		if (rc != OCF_SUCCESS)
			return rc;
	}
	zp_import_run(z, forced, no_mount, d, &im);
	if (!im.ok && im.rc == 0 && im.err == ZPOOL_ERR_NO_OPTION_N) {
		/* zfs-fuse: no -N. Import, then unmount what got mounted. */
		th_log(LOG_INFO, "start: this zpool has no import -N: importing %s and "
		       "unmounting its datasets after", z->pool);
		no_mount = false;
		unmount_after = true;
		zp_import_run(z, forced, no_mount, d, &im);
	}
	if (!im.ok && im.rc == 0 && im.err == ZPOOL_ERR_NOT_FOUND && zp_rescan(z, d))
		zp_import_run(z, forced, no_mount, d, &im);
	if (!im.ok && im.rc == 0 && im.err == ZPOOL_ERR_IN_USE && !forced) {
		zp_foreign_desc(&im, host, sizeof(host));
		if (!zp_may_force(z, why, sizeof(why)))
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"pool %s was last used by %s and may still be "
					"imported there: not importing it with -f (%s); export it "
					"on that host, or have that host fenced",
					z->pool, host, why);
		th_log(LOG_WARNING, "start: importing %s with -f: last used by %s; %s", z->pool,
		       host, why);
		forced = true;
		zp_import_run(z, true, no_mount, d, &im);
	}
	if (!im.ok)
		return zp_import_failed(z, &im, forced);
	th_log(LOG_INFO, "start: zpool import %s%s succeeded", forced ? "-f " : "", z->pool);
	if (unmount_after) {
		rc = zp_unmount_all(z, ctx->deadline);
		if (rc != OCF_SUCCESS)
			return rc;
	}
	/* Believe the import only when zpool list shows the pool (zfs-fuse
	 * exits 0 on some errors without importing). */
	rc = zp_start_verdict(z);
	if (rc == OCF_NOT_RUNNING)
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"zpool import %s reported success, but the pool is not "
				"imported%s%s", z->pool, im.said[0] ? ": " : "", im.said);
	return rc;
}

/* Runs an action that changes the pool under the pool's lock. */
static int zp_locked(struct ocf_ctx *ctx, int (*action)(struct zp *z))
{
	struct lock l = LOCK_INIT;
	struct zp z;
	int rc;

	zp_init(ctx, &z);
	rc = zp_lock(&z, &l);
	if (rc != OCF_SUCCESS)
		return rc;
	rc = action(&z);
	lock_release(&l);
	return rc;
}

static int zp_start(struct ocf_ctx *ctx)
{
	return zp_locked(ctx, zp_start_locked);
}

/* ---- stop -------------------------------------------------------------------------------------- */

/* One export. Returns exec_run's rc; *err and said describe a failure. */
static int zp_export_run(struct zp *z, bool force, struct deadline d, enum zpool_err *err,
			 bool *ok, char *said, size_t saidlen, char *busy_path, size_t pathlen)
{
	const char *argv[] = { z->zpool, "export", force ? "-f" : z->pool,
			       force ? z->pool : NULL, NULL };
	struct exec_result res;
	int rc = zp_exec(argv, NULL, d, &res);

	*ok = rc == 0 && res.exit_status == 0;
	*err = ZPOOL_ERR_OTHER;
	said[0] = '\0';
	if (rc == 0 && !*ok) {
		*err = zpool_parse_error(res.err, res.err_len);
		zp_said(&res, said, saidlen);
		if (busy_path && zpool_parse_busy_path(res.err, res.err_len, busy_path, pathlen) < 0)
			busy_path[0] = '\0';
	}
	exec_result_free(&res);
	return rc;
}

/* After SIGTERM (then SIGKILL) to the holders, waits until none holds the
 * pool any more or the grace is over. */
static void zp_stop_holders(struct zp *z, const struct os_holder *h, int n)
{
	struct os_holder again[MAX_HOLDERS];
	char desc[256];
	pid_t self = getpid(), parent = getppid();

	for (int sig = 0; sig < 2; sig++) {
		struct deadline grace = deadline_cap_ms(z->ctx->deadline, HOLDER_GRACE_MS);
		int left;

		for (int i = 0; i < n && i < MAX_HOLDERS; i++) {
			if (h[i].pid <= 1 || h[i].pid == self || h[i].pid == parent)
				continue;
			th_log(LOG_WARNING, "stop: export_force: sending %s to %s[%d], which holds "
			       "a dataset of %s", sig ? "SIGKILL" : "SIGTERM", h[i].comm, h[i].pid,
			       z->pool);
			kill(h[i].pid, sig ? SIGKILL : SIGTERM);
		}
		do {
			left = zp_holders(z, grace, again, MAX_HOLDERS, desc, sizeof(desc));
			if (left <= 0)
				return;
		} while (deadline_sleep_ms(grace, 50) == 0);
		h = again;
		n = left;
	}
}

/* Stop of a pool whose I/O is suspended: unmounting and a plain export
 * would wait for writes that cannot complete, and busy retries only burn
 * the stop's time. `zpool export -f` is the forced mode zpool has (OpenZFS
 * 2.1 and zfs-fuse 0.7 have no export that drops pending writes; OpenZFS
 * exports a suspended pool only once `zpool clear` resumed it), run once
 * with all the stop's time but a reserve to say why it failed. */
static int zp_stop_suspended(struct zp *z, const struct zpool_row *row)
{
	struct ocf_ctx *ctx = z->ctx;
	int64_t left = deadline_left_ms(ctx->deadline);
	struct deadline d = deadline_cap_ms(ctx->deadline, left > 1000 ? left - 500 : left / 2);
	char said[240];
	enum zpool_err err;
	struct zp_query r;
	int64_t t0 = deadline_now_ms();
	bool ok;
	int rc;

	zp_suspended(z, row);
	th_log(LOG_WARNING, "stop: %s; trying zpool export -f", ctx->reason);
	ctx->reason[0] = '\0';
	rc = zp_export_run(z, true, d, &err, &ok, said, sizeof(said), NULL, 0);
	if (rc == 0 && (ok || err == ZPOOL_ERR_NO_SUCH_POOL)) {
		zp_query(z, ctx->deadline, &r);
		if (r.q == Q_ABSENT || r.q == Q_NO_ZFS) {
			th_log(LOG_WARNING, "stop: suspended pool %s exported with -f", z->pool);
			return OCF_SUCCESS;
		}
	}
	return ocf_fail(ctx, OCF_ERR_GENERIC,
			"pool %s has its I/O suspended and `zpool export -f` %s after %lld ms: "
			"ZFS cannot export a pool whose pending writes cannot reach its disks, so "
			"the pool stays imported here and Pacemaker must fence this node. Before "
			"starting it elsewhere, fix the cause (full, failed vdevs: see `zpool "
			"status -v %s`)", z->pool,
			rc == -ETIMEDOUT ? "did not finish" : rc < 0 ? "could not run" : "failed",
			(long long)(deadline_now_ms() - t0), z->pool);
}

static int zp_stop_locked(struct zp *z)
{
	struct ocf_ctx *ctx = z->ctx;
	int64_t pause = BUSY_FIRST_MS;
	long retries = ocf_int(ctx, P_BUSY_RETRIES);
	struct os_holder h[MAX_HOLDERS];
	char said[240], path[PATH_MAX], desc[256];
	enum zpool_err err;
	struct zp_query r;
	bool ok, forced = false;
	int rc, n;

	/* Only the direct answer (zfs-fuse's socket) can say SUSPENDED
	 * quickly; otherwise this costs one zpool list. */
	zp_query(z, ctx->deadline, &r);
	if (r.q == Q_IMPORTED && r.row.health == ZPOOL_HEALTH_SUSPENDED)
		return zp_stop_suspended(z, &r.row);
	for (long attempt = 0;; attempt++) {
		rc = zp_export_run(z, false, ctx->deadline, &err, &ok, said, sizeof(said), path,
				   sizeof(path));
		if (rc == -ETIMEDOUT)
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"zpool export %s did not finish before the deadline: "
					"ZFS on this node is hung and the pool may still be imported; "
					"Pacemaker must fence this node", z->pool);
		if (rc == -ENOENT) {
			/* No zpool on this node: nothing was imported with it. */
			th_log(LOG_INFO, "stop: %s is not installed: %s is not imported here",
			       z->zpool, z->pool);
			return OCF_SUCCESS;
		}
		if (rc < 0)
			return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot run %s: %s", z->zpool,
					strerror(-rc));
		if (ok || err == ZPOOL_ERR_NO_SUCH_POOL || err == ZPOOL_ERR_NO_SERVICE)
			break;
		if (err != ZPOOL_ERR_BUSY)
			return ocf_fail(ctx, OCF_ERR_GENERIC, "zpool export %s failed: %s",
					z->pool, said);
		if (attempt >= retries || deadline_left_ms(ctx->deadline) < pause + 500) {
			/* Still busy: name what holds it. */
			n = zp_holders(z, ctx->deadline, h, MAX_HOLDERS, desc, sizeof(desc));
			if (!ocf_bool(ctx, P_EXPORT_FORCE))
				return ocf_fail(ctx, OCF_ERR_GENERIC,
						"pool %s is still busy after %ld retries: %s%s%s%s; "
						"stop that, or set export_force=true (a failed stop "
						"makes Pacemaker fence this node)", z->pool, retries,
						path[0] ? path : "a dataset", path[0] ? " is in use" : "",
						n > 0 ? ", held by " : "", n > 0 ? desc : "");
			if (n > 0)
				zp_stop_holders(z, h, n);
			forced = true;
			break;
		}
		th_log(LOG_INFO, "stop: pool %s is busy (%s): retrying in %lld ms", z->pool, said,
		       (long long)pause);
		deadline_sleep_ms(ctx->deadline, pause);
		pause = pause * 2 > BUSY_MAX_MS ? BUSY_MAX_MS : pause * 2;
	}

	/* export_force: -f, repeated while the holders let go. */
	while (forced) {
		rc = zp_export_run(z, true, ctx->deadline, &err, &ok, said, sizeof(said), path,
				   sizeof(path));
		if (rc == -ETIMEDOUT)
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"zpool export -f %s did not finish before the deadline: "
					"the pool may still be imported; Pacemaker must fence this node",
					z->pool);
		if (rc < 0 || ok || err == ZPOOL_ERR_NO_SUCH_POOL)
			break;
		if (err != ZPOOL_ERR_BUSY || deadline_sleep_ms(ctx->deadline, 200) < 0) {
			n = zp_holders(z, ctx->deadline, h, MAX_HOLDERS, desc, sizeof(desc));
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"zpool export -f %s failed: %s%s%s", z->pool, said,
					n > 0 ? "; held by " : "", n > 0 ? desc : "");
		}
	}

	/* Believe the export only when zpool list no longer shows the pool. */
	zp_query(z, ctx->deadline, &r);
	switch (r.q) {
	case Q_ABSENT:
	case Q_NO_ZFS:
		th_log(LOG_INFO, "stop: pool %s is not imported on this node%s", z->pool,
		       forced ? " (forced export)" : "");
		return OCF_SUCCESS;
	case Q_IMPORTED:
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"pool %s is still imported after its export", z->pool);
	default:
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"cannot confirm that %s is exported (%s): Pacemaker must fence "
				"this node", z->pool, r.q == Q_HUNG ? "zpool hung" : r.said);
	}
}

static int zp_stop(struct ocf_ctx *ctx)
{
	return zp_locked(ctx, zp_stop_locked);
}

/* ---- validate-all, reload ---------------------------------------------------------------------- */

static int zp_validate_all(struct ocf_ctx *ctx)
{
	struct os_zfs_mmp mmp;
	struct zp z;
	char dirs[PATH_MAX * 2];
	struct stat st;

	/* The parameters passed; what is left is whether this node can run
	 * the pool. Nothing here scans devices or runs zpool. */
	zp_init(ctx, &z);
	if (access(z.zpool, X_OK) < 0)
		return ocf_fail(ctx, OCF_ERR_INSTALLED, "%s is not executable: install ZFS",
				z.zpool);
	if (access(z.zfs, X_OK) < 0)
		return ocf_fail(ctx, OCF_ERR_INSTALLED, "%s is not executable: install ZFS", z.zfs);
	if (ocf_str(ctx, P_SEARCH_DIRS)) {
		snprintf(dirs, sizeof(dirs), "%s", ocf_str(ctx, P_SEARCH_DIRS));
		for (char *save = NULL, *d = strtok_r(dirs, " \t", &save); d;
		     d = strtok_r(NULL, " \t", &save))
			if (stat(d, &st) < 0 || !S_ISDIR(st.st_mode))
				return ocf_fail(ctx, OCF_ERR_INSTALLED,
						"search_dirs: %s is not a directory on this node", d);
	}
	if (os_zfs_mmp(&mmp) == 0)
		th_log(LOG_INFO, "this ZFS has multihost protection: an import of a multihost "
		       "pool can wait %lld ms; give start at least that much more",
		       (long long)zp_mmp_wait_ms(&mmp));
	return OCF_SUCCESS;
}

/* busy_retries and probe_dataset are read afresh by every stop and monitor. */
static int zp_reload_agent(struct ocf_ctx *ctx)
{
	return OCF_SUCCESS;
}

static const struct ocf_agent zpool_agent = {
	.name = "zpool",
	.version = PACKAGE_VERSION,
	.shortdesc = "ZFS pool import/export that is safe, fast and never hangs",
	.longdesc =
		"Imports a ZFS pool on this node and exports it on stop, for pools on disks "
		"that two storage heads share.\n\n"
		"start imports with -f only as `force` allows (default: when the other host is "
		"known to be fenced). When it allows, the first import is already -f: a "
		"refused import followed by a forced one would scan the disks (and run a "
		"multihost pool's activity check) twice. Otherwise start imports without -f, "
		"and the exit reason of a refusal names the other host's id. A pool already imported "
		"here is success. start returns once monitor would pass. When zpool finds no "
		"such pool, start re-reads the partition tables of the disks and settles udev "
		"once, then looks again: a pool the other head created after this head booted "
		"lives on partitions this kernel has not seen yet.\n\n"
		"stop exports the pool (unmounting its datasets), retries a busy pool "
		"busy_retries times, and uses -f only with export_force=true. When it cannot "
		"export, it fails with the reason (what held the pool), so that Pacemaker "
		"fences the node.\n\n"
		"monitor: depth 0 reads what `zpool list` prints (OpenZFS's state kstat, "
		"/proc/spl/kstat/zfs/POOL/state, or zfs-fuse's socket answer for an ONLINE "
		"pool without running anything; zpool runs for anything else, and when guid "
		"is set on OpenZFS): ONLINE is running, "
		"DEGRADED is "
		"running but degraded (190), FAULTED and UNAVAIL are errors, a "
		"pool not imported is not running; any other state is read again for up to 5 s "
		"before it counts. Depth 10 reads `zpool status` (suspended I/O, "
		"error counters, data errors); depth 20 also writes, syncs and reads back a "
		"file in probe_dataset.\n\n"
		"A pool whose I/O is suspended (SUSPENDED; on zfs-fuse, which keeps saying "
		"ONLINE, writes that failed on every copy at the pool's top) is a hard error "
		"(4) at every depth, with a reason naming what to look at: space (full), "
		"failed vdevs, failmode. Pacemaker then stops the pool here, bans it from "
		"this node until a cleanup, and starts it on the other head. stop of a "
		"suspended pool runs `zpool export -f` once within its deadline; ZFS cannot "
		"export a pool whose writes cannot complete, so stop then fails saying the "
		"node must be fenced. A start whose import suspends again (the cause still "
		"there) fails on its own before its timeout with the reason.\n\n"
		"Every zpool and zfs call has a deadline inside the action's timeout: a hung "
		"ZFS makes the action fail with a reason, it never hangs.",
	.params = params,
	.n_params = P_COUNT,
	.actions = actions,
	.n_actions = sizeof(actions) / sizeof(actions[0]),
	.ops = {
		.start = zp_start,
		.stop = zp_stop,
		.monitor = zp_monitor,
		.validate_all = zp_validate_all,
		.reload_agent = zp_reload_agent,
	},
	.check = zp_check,
	.man_extra =
		".SH EXAMPLES\n"
		".nf\n"
		"pcs resource create tank ocf:twinhead:zpool pool=tank \\e\n"
		"    search_dirs=/dev/disk/by-id op monitor interval=10s \\e\n"
		"    op monitor interval=60s OCF_CHECK_LEVEL=10\n"
		"crm configure primitive tank ocf:twinhead:zpool \\e\n"
		"    params pool=tank search_dirs=/dev/disk/by-id \\e\n"
		"    op monitor interval=10s op monitor interval=60s OCF_CHECK_LEVEL=10\n"
		".fi\n"
		".SH SAFETY\n"
		"Without multihost protection, `zpool import -f` of a pool the other head "
		"still writes succeeds and silently corrupts it. With force=fenced (the "
		"default) the agent forces an import only when stonith-enabled is explicitly "
		"true in the CIB (Pacemaker fences a failed head before it starts the pool "
		"elsewhere) or twinhead-quorumd reports the peer fenced or released. Running "
		"start by hand (crm_resource \\-\\-force-start, ocf-tester) bypasses "
		"Pacemaker's fencing: use force=never there.\n"
		".PP\n"
		"With multihost=on (OpenZFS, distinct hostids), ZFS itself refuses a second "
		"import while the other head writes its heartbeats, even with -f and even if "
		"fencing lied; the refusal names the host and took 1.5 to 3.3 s in the tests. "
		"The price is the activity check at every import after a failure: up to "
		"1.25 x max(zfs_multihost_import_intervals, 2 x zfs_multihost_fail_intervals) "
		"x zfs_multihost_interval (25 s with the defaults; agents/zpool/zpool_mmp.c), "
		"and OpenZFS 2.1 runs it twice in one import when the dead head's last "
		"uberblock came from a txg sync rather than a heartbeat. start with -f after "
		"a power loss, measured with OpenZFS 2.1.11 in qemu guests (lab/vm, "
		"bench/vm-mmp.sh, three runs each): 23.7 s once and 46.3 and 49.4 s (two "
		"checks) at the default interval of 1000 ms; 6.4 to 7.5 s at 200 ms; 3.3 to "
		"5.2 s at 100 ms.\n"
		".PP\n"
		"Give start a timeout of at least twice that bound plus 30 s: 90s at the "
		"default interval (the default 60s left 10 s in the slowest run), 60s at 200 "
		"ms or less. Set the same tunables on both heads (the importer's and the dead "
		"head's both count). A shorter interval shortens the failover, but a head "
		"suspends its own pool when no heartbeat reaches the disks for "
		"zfs_multihost_fail_intervals x zfs_multihost_interval (10 s by default, "
		"2 s at 200 ms, 1 s at 100 ms): keep that above the longest I/O stall the "
		"enclosure can have (a multipath path failover, a disk's error recovery). "
		"The activity check is about 2.5 times that threshold either way: the "
		"failover time MMP costs is the stall it tolerates.\n"
		".SH FILES\n"
		".TP\n"
		TWINHEAD_RUNDIR "/quorumd/state\n"
		"twinhead-quorumd's published state (see docs/quorumd-state.md).\n"
		".TP\n"
		TWINHEAD_RUNDIR "/zpool-POOL.lock\n"
		"Serialises start and stop of one pool on this node.\n"
		".SH NOTES\n"
		"Verified with zfs-fuse 0.7 in the project's lab (two heads, file vdevs), "
		"and with OpenZFS 2.1.11 on Debian 12's kernel in qemu guests sharing a "
		"raw disk (lab/vm: import -N, cachefile=none, multihost, the kstat "
		"monitor, a frozen zpool, a busy export). See docs/zpool.md.\n",
};

int main(int argc, char **argv)
{
	return ocf_main(&zpool_agent, argc, argv);
}
