/* The tgt backend: Linux tgtd, driven with tgtadm through the argv runner.
 *
 * tgtd keeps its whole configuration in memory, per control port. One
 * `tgtadm --op show --mode target` lists every target with its LUNs,
 * identities, backing stores, accounts and ACL entries; monitor needs
 * nothing else, and start and stop begin with it to know what exists.
 *
 * start creates the target and sets it offline at once, so no initiator
 * can log in to a half-built target (tgtd refuses logins to an offline
 * target with a target error); it then adds LUNs (one `new` and one
 * `update` for the identity and the caching mode page each), the CHAP
 * account and the ACL entries, sets the target ready, and checks the
 * result with a second listing. Whatever fails, what this call created is
 * removed again, newest first (resource-agents #1316 left half-built
 * targets behind).
 *
 * CHAP secrets: tgtadm takes them only in argv (`--password`), where any
 * local user reads them in /proc/PID/cmdline. So the accounts (incoming,
 * and the outgoing one of mutual CHAP) are created with the request
 * tgtadm would send, written to tgtd's control socket by this process
 * (iscsi_tgt_ipc.c): no child process ever sees a secret.
 *
 * reload: the LUNs and ACL entries the configuration adds are created
 * first (undone if anything fails), then those it dropped are removed;
 * the target stays ready throughout and its sessions go on. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "iscsi_backend.h"
#include "iscsi_mark.h"
#include "iscsi_secret.h"
#include "iscsi_tgt_ipc.h"
#include "iscsi_tgt_show.h"

/* A LUN tgtd calls still active at stop: retried after 0.1 s, doubling up to
 * 1 s, until the deadline less the time to report. */
#define TGT_BUSY_FIRST_MS 100
#define TGT_BUSY_MAX_MS 1000
#define TGT_STOP_RESERVE_MS 500

/* tgt's caching mode page with WCE cleared: what tgt-admin sends for
 * "write-cache off". With WCE off tgt syncs every write before it reports
 * success, so an acknowledged write survives the loss of this head. */
#define TGT_MODE_PAGE_WCE_OFF \
	"mode_page=8:0:18:0x10:0:0xff:0xff:0:0:0xff:0xff:0xff:0xff:0x80:0x14:0:0:0:0:0:0"

#define TGT_ARGS_MAX 24
#define TGT_UNDO_MAX (2 * ISCSI_LUNS_MAX + ISCSI_ACL_MAX + 8)

enum tgt_undo_kind {
	UNDO_TARGET,      /* delete the target we created (with everything in it) */
	UNDO_READY,       /* put a target we took offline back to ready */
	UNDO_LUN,         /* delete a LUN we added to an existing target */
	UNDO_ACL_ADDRESS, /* unbind an address we bound to an existing target */
	UNDO_ACL_NAME,    /* unbind a name we bound to an existing target */
	UNDO_BIND,        /* unbind the account from an existing target */
	UNDO_BIND_OUT,    /* unbind the outgoing account from an existing target */
	UNDO_ACCOUNT,     /* delete the account we created, and its mark */
};

struct tgt_undo {
	enum tgt_undo_kind kind;
	unsigned lun;
	const char *text;
	const char *mark;  /* UNDO_ACCOUNT: the account's mark */
};

struct tgt {
	struct iscsi_op *op;
	const char *tgtadm;
	char port[8];
	char tid[12];
	char mark[4096];           /* the incoming account's mark, "" without CHAP */
	char out_mark[4096];       /* the outgoing account's, "" without mutual CHAP */
	struct tgt_undo *undo;     /* start only: TGT_UNDO_MAX entries */
	size_t n_undo;
};

static void tgt_init(struct tgt *g, struct iscsi_op *op)
{
	memset(g, 0, sizeof(*g));
	g->op = op;
	g->tgtadm = tool_path(TOOL_TGTADM, op->envp);
	snprintf(g->port, sizeof(g->port), "%u", op->tgt_port);
	snprintf(g->tid, sizeof(g->tid), "%u", op->t->tid);
	if (op->t->user[0] || op->t->out_user[0]) {
		char scope[16];

		snprintf(scope, sizeof(scope), "tgt-%u", op->tgt_port);
		if (op->t->user[0] && iscsi_mark_path(g->mark, sizeof(g->mark), op->rundir, scope,
						      op->t->user) < 0)
			g->mark[0] = '\0';
		if (op->t->out_user[0] && iscsi_mark_path(g->out_mark, sizeof(g->out_mark),
							  op->rundir, scope, op->t->out_user) < 0)
			g->out_mark[0] = '\0';
	}
}

/* One action's state; undo (start, reload) gets TGT_UNDO_MAX entries.
 * NULL when out of memory. Release with tgt_free(). */
static struct tgt *tgt_new(struct iscsi_op *op, bool undo)
{
	struct tgt *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	tgt_init(g, op);
	if (undo && !(g->undo = calloc(TGT_UNDO_MAX, sizeof(*g->undo)))) {
		free(g);
		return NULL;
	}
	return g;
}

static void tgt_free(struct tgt *g)
{
	free(g->undo);
	free(g);
}

static void why(struct tgt *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void why(struct tgt *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->op->why, sizeof(g->op->why), fmt, ap);
	va_end(ap);
}

/* The first line of tgtadm's stderr, without its "tgtadm: " prefix. */
static void first_line(const char *err, char *buf, size_t len)
{
	size_t n;

	if (strncmp(err, "tgtadm: ", 8) == 0)
		err += 8;
	n = strcspn(err, "\n");
	if (n >= len)
		n = len - 1;
	memcpy(buf, err, n);
	buf[n] = '\0';
}

/* Runs tgtadm -C PORT --lld iscsi ARGS... (NULL-terminated) until d.
 * what names the operation in reasons (never the argv: it may hold the
 * secret). out, when not NULL, receives the result (caller frees).
 * Returns 0, -EEXIST ("already exists"), -ENOENT ("can't find"),
 * -ENOTCONN (no tgtd), -ETIMEDOUT, -EIO (other refusal), or the runner's
 * -errno. */
static int tgt_adm(struct tgt *g, struct deadline d, const char *what, struct exec_result *out,
		   ...)
{
	const char *argv[TGT_ARGS_MAX];
	struct exec_result res;
	struct exec_cmd cmd = { .argv = argv, .deadline = d };
	size_t n = 0;
	char msg[200];
	va_list ap;
	int rc;

	argv[n++] = g->tgtadm;
	argv[n++] = "-C";
	argv[n++] = g->port;
	argv[n++] = "--lld";
	argv[n++] = "iscsi";
	va_start(ap, out);
	for (const char *a; (a = va_arg(ap, const char *)) != NULL && n < TGT_ARGS_MAX - 1;)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;

	g->op->stats.calls++;
	rc = exec_run(&cmd, &res);
	if (rc == -ETIMEDOUT) {
		why(g, "tgtadm (%s) did not finish before the action's deadline: tgtd on control "
		       "port %s is hung or overloaded",
		    what, g->port);
	} else if (rc < 0) {
		why(g, "cannot run %s (%s): %s%s", g->tgtadm, what, strerror(-rc),
		    rc == -ENOENT ? " (apt-get install tgt, or set TWINHEAD_TOOL_TGTADM)" : "");
	} else if (res.exit_status != 0) {
		first_line(res.err, msg, sizeof(msg));
		if (res.exit_status == 107 || strstr(res.err, "can't connect") ||
		    strstr(res.err, "failed to send request")) {
			why(g, "tgtd is not running on control port %s (start tgtd first; tgtadm: %s)",
			    g->port, msg);
			rc = -ENOTCONN;
		} else if (strstr(res.err, "already exists")) {
			why(g, "tgtadm (%s): %s", what, msg);
			rc = -EEXIST;
		} else if (strstr(res.err, "can't find")) {
			why(g, "tgtadm (%s): %s", what, msg);
			rc = -ENOENT;
		} else if (strstr(res.err, "still active")) {
			/* A LUN with a command in its backing store. */
			why(g, "tgtd refused %s: %s", what, msg);
			rc = -EBUSY;
		} else {
			why(g, "tgtd refused %s (tgtadm exit %d: %s)", what, res.exit_status,
			    msg[0] ? msg : "no message");
			rc = -EIO;
		}
	} else if (res.truncated) {
		why(g, "tgtadm (%s) printed more than %d bytes", what, EXEC_OUTPUT_MAX);
		rc = -E2BIG;
	}
	if (out && rc == 0)
		*out = res;
	else
		exec_result_free(&res);
	return rc;
}

/* The target listing: one query to tgtd, over its socket (no process
 * forked); through tgtadm if the socket's answer is not what tgtadm would
 * print. */
static int tgt_query(struct tgt *g, struct deadline d, struct tgt_show *show)
{
	struct exec_result res = { 0 };
	struct tgt_ipc q;
	char reason[200];
	int rc;

	/* monitor sent the request already (tgt_monitor_prefetch). Parsed as
	 * it arrives: the 120 KB of 256 LUNs never sit in memory whole. */
	if (g->op->prefetch) {
		q = *(struct tgt_ipc *)g->op->prefetch;
		free(g->op->prefetch);
		g->op->prefetch = NULL;
		q.d = d;
		rc = 0;
	} else {
		rc = tgt_ipc_show_open(&q, g->op->tgt_port, d);
	}
	if (rc == 0)
		rc = tgt_ipc_show_header(&q);
	if (rc == 0) {
		rc = tgt_show_parse_stream(tgt_ipc_read, &q, q.left, show, reason, sizeof(reason));
		tgt_ipc_close(&q);
		if (rc != -EPROTO)
			goto parsed;
	}
	if (rc == -ENOTCONN) {
		why(g, "tgtd is not running on control port %s (start tgtd first: no socket at "
		       "%s.%s)",
		    g->port, TGT_IPC_PATH, g->port);
		return rc;
	}
	if (rc == -ETIMEDOUT) {
		why(g, "tgtd on control port %s did not answer before the action's deadline: it is "
		       "hung or overloaded",
		    g->port);
		return rc;
	}
	if (rc == -ENOMEM)
		return rc;
	g->op->stats.ipc_fallback = true;
	rc = tgt_adm(g, d, "list targets", &res, "--mode", "target", "--op", "show", NULL);
	if (rc)
		return rc;
	rc = tgt_show_parse(res.out, res.out_len, show, reason, sizeof(reason));
	exec_result_free(&res);
parsed:
	if (rc == -EPROTO)
		why(g, "cannot understand tgtd's target list: %s", reason);
	else if (rc)
		why(g, "cannot parse tgtd's target list: %s", strerror(-rc));
	return rc;
}

/* Whether tgtd has an account called user: `--mode account --op show`
 * prints "Account list:" and one user per line (nothing at all when
 * there is none). Returns 1, 0, or -errno. */
static int tgt_account_exists(struct tgt *g, struct deadline d, const char *user)
{
	struct exec_result res;
	int rc, found = 0;
	char *line, *save = NULL;

	rc = tgt_adm(g, d, "list accounts", &res, "--mode", "account", "--op", "show", NULL);
	if (rc)
		return rc;
	for (line = strtok_r(res.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, "Account list:") == 0)
			continue;
		if (strncmp(line, "    ", 4) != 0 || line[4] == ' ' || !line[4]) {
			why(g, "cannot understand tgtd's account list: '%.60s'", line);
			rc = -EPROTO;
			break;
		}
		if (strcmp(line + 4, user) == 0)
			found = 1;
	}
	exec_result_free(&res);
	return rc ? rc : found;
}

/* ---- what the configuration expects tgtd to show ---- */

/* Since tgt 1.0.84 (fujita/tgt#47) tgtd admits an initiator when its
 * address matches an address entry (or ALL) or its name matches a name
 * entry; before, both had to match and names alone admitted nobody. The
 * parameter has the 1.0.84 meaning, so the entries map one to one, and
 * start refuses name entries on an older tgt (tgt_acl_semantics). */
static size_t expected_acl(const struct iscsi_target *t, const char **out)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_acl; i++)
		if (t->acl[i].kind != ISCSI_ACL_NAME)
			out[n++] = t->acl[i].text;
	for (size_t i = 0; i < t->n_acl; i++)
		if (t->acl[i].kind == ISCSI_ACL_NAME)
			out[n++] = t->acl[i].text;
	return n;
}

static bool has_acl(const struct tgt_show_target *s, const char *entry)
{
	for (size_t i = 0; i < s->n_acl; i++)
		if (strcmp(s->acl[i], entry) == 0)
			return true;
	return false;
}

static bool has_account(const struct tgt_show_target *s, const char *user, bool outgoing)
{
	for (size_t i = 0; i < s->n_accounts; i++)
		if (s->accounts[i].outgoing == outgoing && strcmp(s->accounts[i].user, user) == 0)
			return true;
	return false;
}

static bool is_name(const char *entry)
{
	return strncmp(entry, "iqn.", 4) == 0 || strncmp(entry, "eui.", 4) == 0 ||
	       strncmp(entry, "naa.", 4) == 0;
}

static int lun_number_cmp(const void *x, const void *y)
{
	const struct iscsi_lun *a = x, *b = y;

	return a->number < b->number ? -1 : a->number > b->number;
}

/* Differences that start must not paper over: another LUN at our number,
 * another identity, LUNs, ACL entries or accounts the configuration does
 * not have. reload: LUNs and ACL entries the configuration does not have
 * are what it removes, not differences. Returns 0 or -EIO with why. */
static int tgt_foreign(struct tgt *g, const struct tgt_show_target *s, bool reload)
{
	const struct iscsi_target *t = g->op->t;
	const char *acl[ISCSI_ACL_MAX + 1];
	size_t n_acl = expected_acl(t, acl), at = 0;

	for (size_t i = 0; i < s->n_luns; i++) {
		const struct tgt_show_lun *l = &s->luns[i];
		const struct iscsi_lun key = { .number = (unsigned)l->number };
		const struct iscsi_lun *want;

		if (l->number == 0)
			continue;
		/* t->luns is sorted by number, and tgtd lists LUNs in order:
		 * then one walk along both finds every match. */
		if (s->luns_sorted) {
			while (at < t->n_luns && t->luns[at].number < l->number)
				at++;
			want = at < t->n_luns && t->luns[at].number == l->number ? &t->luns[at] : NULL;
		} else {
			want = l->number > ISCSI_LUN_NUMBER_MAX ? NULL :
			       bsearch(&key, t->luns, t->n_luns, sizeof(*t->luns), lun_number_cmp);
		}
		if (!want && reload)
			continue;
		if (!want) {
			why(g, "target %s (tid %u) has LUN %" PRIu64 " (%s), which luns does not list: "
			       "remove it or add it to luns",
			    t->iqn, t->tid, l->number, l->path);
			return -EIO;
		}
		if (strcmp(l->path, want->path) != 0) {
			why(g, "LUN %u of target %s is backed by %s, not by %s", want->number, t->iqn,
			    l->path, want->path);
			return -EIO;
		}
		/* Identities are derived for start, not for monitor. */
		if (want->device_id[0] && (strcmp(l->scsi_id, want->device_id) != 0 ||
					   strcmp(l->scsi_sn, want->serial) != 0)) {
			why(g, "LUN %u of target %s has device id %s, serial %s; the configuration "
			       "says %s, %s",
			    want->number, t->iqn, l->scsi_id, l->scsi_sn, want->device_id, want->serial);
			return -EIO;
		}
		if (l->block_size != t->block_size) {
			why(g, "LUN %u of target %s has %u-byte blocks, not %u", want->number, t->iqn,
			    l->block_size, t->block_size);
			return -EIO;
		}
	}
	for (size_t i = 0; i < s->n_acl && !reload; i++) {
		bool listed = false;

		for (size_t j = 0; j < n_acl; j++)
			listed |= strcmp(s->acl[i], acl[j]) == 0;
		if (!listed) {
			why(g, "target %s admits %s, which allowed_initiators does not list", t->iqn,
			    s->acl[i]);
			return -EIO;
		}
	}
	for (size_t i = 0; i < s->n_accounts; i++)
		if (strcmp(s->accounts[i].user,
			   s->accounts[i].outgoing ? t->out_user : t->user) != 0) {
			why(g, "target %s has CHAP account %s%s bound, which the configuration does "
			       "not have",
			    t->iqn, s->accounts[i].user, s->accounts[i].outgoing ? " (outgoing)" : "");
			return -EIO;
		}
	return 0;
}

/* Everything present as configured, and the target ready? Returns 0 or
 * -EIO with why naming the first difference. */
static int tgt_complete(struct tgt *g, const struct tgt_show_target *s)
{
	const struct iscsi_target *t = g->op->t;
	const char *acl[ISCSI_ACL_MAX + 1];
	size_t n_acl = expected_acl(t, acl);
	int rc = tgt_foreign(g, s, false);
	size_t j = 0;

	if (rc)
		return rc;
	for (size_t i = 0; i < t->n_luns; i++) {
		const struct tgt_show_lun *l;

		/* The same walk as in tgt_foreign when tgtd's list is in order. */
		if (s->luns_sorted) {
			while (j < s->n_luns && s->luns[j].number < t->luns[i].number)
				j++;
			l = j < s->n_luns && s->luns[j].number == t->luns[i].number ? &s->luns[j] :
										    NULL;
		} else {
			l = tgt_show_find_lun(s, t->luns[i].number);
		}

		if (!l) {
			why(g, "LUN %u (%s) of target %s is missing", t->luns[i].number,
			    t->luns[i].path, t->iqn);
			return -EIO;
		}
		if (!l->online) {
			why(g, "LUN %u (%s) of target %s is offline", t->luns[i].number,
			    t->luns[i].path, t->iqn);
			return -EIO;
		}
	}
	for (size_t i = 0; i < n_acl; i++)
		if (!has_acl(s, acl[i])) {
			why(g, "target %s lacks the ACL entry %s", t->iqn, acl[i]);
			return -EIO;
		}
	if (t->user[0] && !has_account(s, t->user, false)) {
		why(g, "target %s lacks its CHAP account %s", t->iqn, t->user);
		return -EIO;
	}
	if (t->out_user[0] && !has_account(s, t->out_user, true)) {
		why(g, "target %s lacks its outgoing (mutual) CHAP account %s", t->iqn, t->out_user);
		return -EIO;
	}
	if (strcmp(s->state, "ready") != 0) {
		why(g, "target %s is %s, not ready", t->iqn, s->state);
		return -EIO;
	}
	return 0;
}

/* ---- start ---- */

static void push_undo(struct tgt *g, enum tgt_undo_kind kind, unsigned lun, const char *text)
{
	if (g->undo && g->n_undo < TGT_UNDO_MAX)
		g->undo[g->n_undo++] = (struct tgt_undo){ .kind = kind, .lun = lun, .text = text };
}

static void push_undo_account(struct tgt *g, const char *user, const char *mark)
{
	if (g->undo && g->n_undo < TGT_UNDO_MAX)
		g->undo[g->n_undo++] =
			(struct tgt_undo){ .kind = UNDO_ACCOUNT, .text = user, .mark = mark };
}

/* Removes what this start created, newest first, until undo_deadline.
 * Errors are ignored here: the start has already failed with its own
 * reason, and a later stop removes whatever is left. */
static void tgt_undo(struct tgt *g)
{
	struct deadline d = g->op->undo_deadline;
	char lun[16];

	for (size_t i = g->n_undo; i-- > 0;) {
		const struct tgt_undo *u = &g->undo[i];
		int rc = 0;

		switch (u->kind) {
		case UNDO_TARGET:
			/* Deleting the target takes its LUNs, ACLs and bindings
			 * with it: skip the undo entries below it that only
			 * concern those. */
			rc = tgt_adm(g, d, "delete target", NULL, "--mode", "target", "--op", "delete",
				     "--force", "--tid", g->tid, NULL);
			break;
		case UNDO_READY:
			rc = tgt_adm(g, d, "set target ready", NULL, "--mode", "target", "--op",
				     "update", "--tid", g->tid, "--name", "state", "--value", "ready",
				     NULL);
			break;
		case UNDO_LUN:
			snprintf(lun, sizeof(lun), "%u", u->lun);
			rc = tgt_adm(g, d, "delete LUN", NULL, "--mode", "logicalunit", "--op",
				     "delete", "--tid", g->tid, "--lun", lun, NULL);
			break;
		case UNDO_ACL_ADDRESS:
			rc = tgt_adm(g, d, "unbind initiator address", NULL, "--mode", "target", "--op",
				     "unbind", "--tid", g->tid, "--initiator-address", u->text, NULL);
			break;
		case UNDO_ACL_NAME:
			rc = tgt_adm(g, d, "unbind initiator name", NULL, "--mode", "target", "--op",
				     "unbind", "--tid", g->tid, "--initiator-name", u->text, NULL);
			break;
		case UNDO_BIND:
			rc = tgt_adm(g, d, "unbind account", NULL, "--mode", "account", "--op",
				     "unbind", "--tid", g->tid, "--user", u->text, NULL);
			break;
		case UNDO_BIND_OUT:
			rc = tgt_adm(g, d, "unbind outgoing account", NULL, "--mode", "account",
				     "--op", "unbind", "--tid", g->tid, "--user", u->text, "--outgoing",
				     NULL);
			break;
		case UNDO_ACCOUNT:
			rc = tgt_adm(g, d, "delete account", NULL, "--mode", "account", "--op",
				     "delete", "--user", u->text, NULL);
			if (rc == 0 || rc == -ENOENT)
				iscsi_mark_remove(u->mark);
			break;
		}
		if (rc == 0)
			g->op->stats.removed++;
	}
	g->n_undo = 0;
	g->op->stats.undone = true;
}

static int tgt_add_lun(struct tgt *g, const struct iscsi_lun *l, bool undo_each)
{
	const struct iscsi_target *t = g->op->t;
	char lun[16], bs[16], params[512];
	struct deadline d = g->op->deadline;
	int rc;

	snprintf(lun, sizeof(lun), "%u", l->number);
	snprintf(bs, sizeof(bs), "%u", t->block_size);
	if (t->block_size != 512)
		rc = tgt_adm(g, d, "add LUN", NULL, "--mode", "logicalunit", "--op", "new", "--tid",
			     g->tid, "--lun", lun, "--backing-store", l->path, "--blocksize", bs, NULL);
	else
		rc = tgt_adm(g, d, "add LUN", NULL, "--mode", "logicalunit", "--op", "new", "--tid",
			     g->tid, "--lun", lun, "--backing-store", l->path, NULL);
	if (rc) {
		char msg[ISCSI_WHY_MAX];

		snprintf(msg, sizeof(msg), "%s", g->op->why);
		why(g, "cannot add LUN %u backed by %s (does it exist on this node?): %s", l->number,
		    l->path, msg);
		return rc;
	}
	g->op->stats.created++;
	if (undo_each)
		push_undo(g, UNDO_LUN, l->number, NULL);
	/* The identity goes in a separate update: tgtadm refuses --params on
	 * new. All values were validated free of ',' and '='. */
	snprintf(params, sizeof(params),
		 "vendor_id=%s,product_id=%s,product_rev=%s,scsi_id=%s,scsi_sn=%s%s", t->vendor,
		 t->product, t->revision, l->device_id, l->serial,
		 t->write_cache ? "" : "," TGT_MODE_PAGE_WCE_OFF);
	return tgt_adm(g, d, "set LUN identity", NULL, "--mode", "logicalunit", "--op", "update",
		       "--tid", g->tid, "--lun", lun, "--params", params, NULL);
}

/* Name entries mean "this name may log in from anywhere" only on tgt
 * 1.0.84 and later: `tgtadm --version` prints "1.0.85". Returns 0, or
 * -EINVAL (why) on an older or unknown version. */
static int tgt_acl_semantics(struct tgt *g)
{
	const struct iscsi_target *t = g->op->t;
	struct exec_result res;
	unsigned major, minor, patch;
	bool names = false;
	int rc;

	for (size_t i = 0; i < t->n_acl; i++)
		names |= t->acl[i].kind == ISCSI_ACL_NAME;
	if (!names)
		return 0;
	rc = tgt_adm(g, g->op->deadline, "ask tgt's version", &res, "--version", NULL);
	if (rc)
		return rc;
	rc = sscanf(res.out, "%u.%u.%u", &major, &minor, &patch) == 3 ? 0 : -EPROTO;
	exec_result_free(&res);
	if (rc) {
		why(g, "cannot read tgt's version from tgtadm --version");
		return rc;
	}
	if (major > 1 || (major == 1 && (minor > 0 || patch >= 84)))
		return 0;
	why(g, "tgt %u.%u.%u admits an initiator only when its address and its name both "
	       "match (tgt 1.0.84 changed that): upgrade tgt, or list addresses only in "
	       "allowed_initiators",
	    major, minor, patch);
	return -EINVAL;
}

/* Decides about a CHAP account (user, with secret, marked at mark)
 * before anything is created. param names the user's parameter in
 * reasons. Sets *create when start must create it. */
static int tgt_account_plan(struct tgt *g, const char *user, const char *secret,
			    const char *mark_path, const char *param, bool *create)
{
	int exists, mark;

	*create = false;
	if (!user[0])
		return 0;
	if (!mark_path[0]) {
		why(g, "the run directory path %s is too long", g->op->rundir);
		return -ENAMETOOLONG;
	}
	exists = tgt_account_exists(g, g->op->deadline, user);
	if (exists < 0)
		return exists;
	mark = iscsi_mark_check(mark_path, secret);
	if (!exists) {
		*create = true;
		return 0;
	}
	if (mark == -EKEYREJECTED) {
		why(g, "CHAP account %s already exists in tgtd with another secret (another "
		       "target on control port %s uses it): give this target the same "
		       "secret or another %s",
		    user, g->port, param);
		return -EEXIST;
	}
	if (mark != 0) {
		why(g, "CHAP account %s exists in tgtd but was not created by twinhead, so its "
		       "secret is unknown: delete it (tgtadm --mode account --op delete --user "
		       "%s) or choose another %s",
		    user, user, param);
		return -EEXIST;
	}
	return 0;
}

/* Creates CHAP account user with secret: the mark first (if we die
 * between the two steps, stop still knows the account is ours), then the
 * request over tgtd's socket, never through an argv. */
static int tgt_account_create(struct tgt *g, const char *user, const char *secret,
			      const char *mark)
{
	uint32_t err;
	int rc = iscsi_mark_write(mark, secret);

	if (rc) {
		why(g, "cannot record the CHAP account in %s: %s", mark, strerror(-rc));
		return rc;
	}
	g->op->stats.calls++;
	rc = tgt_ipc_account_new(g->op->tgt_port, user, secret, g->op->deadline, &err);
	if (rc) {
		iscsi_mark_remove(mark);
		if (rc == -ENOTCONN)
			why(g, "tgtd is not running on control port %s (start tgtd first)", g->port);
		else if (rc == -ETIMEDOUT)
			why(g, "tgtd on control port %s did not create CHAP account %s before the "
			       "action's deadline: it is hung or overloaded",
			    g->port, user);
		else if (rc == -EEXIST)
			why(g, "CHAP account %s appeared in tgtd while start ran: another tool "
			       "created it",
			    user);
		else if (rc == -EIO)
			why(g, "tgtd refused CHAP account %s (tgtadm error %u)", user, err);
		else
			why(g, "cannot create CHAP account %s over tgtd's socket: %s", user,
			    strerror(-rc));
		return rc;
	}
	g->op->stats.created++;
	push_undo_account(g, user, mark);
	return 0;
}

/* Reads back what tgtd has after start or reload made its changes: the
 * same check monitor makes. 0 when the target is exactly the
 * configuration; otherwise why says so, prefixed with `after` ("after
 * start: ..."). show holds the new query either way. */
static int tgt_read_back(struct tgt *g, struct tgt_show *show, const char *after)
{
	const struct iscsi_target *t = g->op->t;
	const struct tgt_show_target *s;
	char msg[ISCSI_WHY_MAX];
	int rc;

	tgt_show_free(show);
	rc = tgt_query(g, g->op->deadline, show);
	if (rc)
		return rc;
	s = tgt_show_find_tid(show, t->tid);
	if (!s || strcmp(s->name, t->iqn) != 0) {
		why(g, "target %s (tid %u) vanished during the %s", t->iqn, t->tid, after);
		return -EIO;
	}
	rc = tgt_complete(g, s);
	if (rc) {
		snprintf(msg, sizeof(msg), "%s", g->op->why);
		why(g, "after %s: %s", after, msg);
	}
	return rc;
}

static int tgt_start(struct iscsi_op *op)
{
	const struct iscsi_target *t = op->t;
	const struct tgt_show_target *s, *byname;
	const char *acl[ISCSI_ACL_MAX + 1];
	size_t n_acl = expected_acl(t, acl);
	struct tgt_show show;
	struct deadline d = op->deadline;
	bool created = false, create_account, create_out;
	struct tgt *g;
	int rc;

	g = tgt_new(op, true);
	if (!g)
		return -ENOMEM;
	rc = tgt_query(g, d, &show);
	if (rc)
		goto out_free;

	s = tgt_show_find_tid(&show, t->tid);
	byname = tgt_show_find_name(&show, t->iqn);
	if (byname && byname->tid != t->tid) {
		why(g, "target %s already exists in tgtd as tid %u, not %u: both heads must use "
		       "the same tid (it is part of every LUN's VPD 0x83 identity); stop it "
		       "there or set tid=%u",
		    t->iqn, byname->tid, t->tid, byname->tid);
		rc = -EEXIST;
		goto out;
	}
	if (s && strcmp(s->name, t->iqn) != 0) {
		why(g, "tid %u is already taken by target %s in tgtd on control port %s: set tid "
		       "to a number no other target uses (the same on both heads)",
		    t->tid, s->name, g->port);
		rc = -EEXIST;
		goto out;
	}
	if (s && tgt_complete(g, s) == 0) {
		/* Already started: nothing to do, and nothing may change. */
		op->why[0] = '\0';
		rc = 0;
		goto out;
	}
	if (s && (rc = tgt_foreign(g, s, false)))
		goto out;
	op->why[0] = '\0';
	if ((rc = tgt_acl_semantics(g)) ||
	    (rc = tgt_account_plan(g, t->user, op->secret, g->mark, "incoming_username",
				   &create_account)) ||
	    (rc = tgt_account_plan(g, t->out_user, op->out_secret, g->out_mark,
				   "outgoing_username", &create_out)))
		goto out;

	if (!s) {
		rc = tgt_adm(g, d, "create target", NULL, "--mode", "target", "--op", "new", "--tid",
			     g->tid, "--targetname", t->iqn, NULL);
		if (rc)
			goto undo;
		created = true;
		op->stats.created++;
		push_undo(g, UNDO_TARGET, 0, NULL);
	}
	/* Offline until everything is in place: tgtd then refuses logins. */
	if (!s || strcmp(s->state, "offline") != 0) {
		rc = tgt_adm(g, d, "set target offline", NULL, "--mode", "target", "--op", "update",
			     "--tid", g->tid, "--name", "state", "--value", "offline", NULL);
		if (rc)
			goto undo;
		if (s)
			push_undo(g, UNDO_READY, 0, NULL);
	}
	for (size_t i = 0; i < t->n_luns; i++) {
		if (s && tgt_show_find_lun(s, t->luns[i].number))
			continue;
		rc = tgt_add_lun(g, &t->luns[i], !created);
		if (rc)
			goto undo;
	}
	if (create_account && (rc = tgt_account_create(g, t->user, op->secret, g->mark)))
		goto undo;
	if (t->user[0] && !(s && has_account(s, t->user, false))) {
		rc = tgt_adm(g, d, "bind CHAP account", NULL, "--mode", "account", "--op", "bind",
			     "--tid", g->tid, "--user", t->user, NULL);
		if (rc)
			goto undo;
		if (!created)
			push_undo(g, UNDO_BIND, 0, t->user);
	}
	if (create_out && (rc = tgt_account_create(g, t->out_user, op->out_secret, g->out_mark)))
		goto undo;
	if (t->out_user[0] && !(s && has_account(s, t->out_user, true))) {
		rc = tgt_adm(g, d, "bind outgoing CHAP account", NULL, "--mode", "account", "--op",
			     "bind", "--tid", g->tid, "--user", t->out_user, "--outgoing", NULL);
		if (rc)
			goto undo;
		if (!created)
			push_undo(g, UNDO_BIND_OUT, 0, t->out_user);
	}
	for (size_t i = 0; i < n_acl; i++) {
		bool name = is_name(acl[i]);

		if (s && has_acl(s, acl[i]))
			continue;
		rc = tgt_adm(g, d, "bind initiator", NULL, "--mode", "target", "--op", "bind",
			     "--tid", g->tid, name ? "--initiator-name" : "--initiator-address",
			     acl[i], NULL);
		if (rc)
			goto undo;
		op->stats.created++;
		if (!created)
			push_undo(g, name ? UNDO_ACL_NAME : UNDO_ACL_ADDRESS, 0, acl[i]);
	}
	rc = tgt_adm(g, d, "set target ready", NULL, "--mode", "target", "--op", "update", "--tid",
		     g->tid, "--name", "state", "--value", "ready", NULL);
	if (rc)
		goto undo;

	rc = tgt_read_back(g, &show, "start");
	if (rc)
		goto undo;
	goto out;
undo:
	tgt_undo(g);
out:
	tgt_show_free(&show);
out_free:
	tgt_free(g);
	return rc;
}

/* ---- reload ---- */

static bool acl_configured(const char *const *acl, size_t n, const char *entry)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(acl[i], entry) == 0)
			return true;
	return false;
}

/* Removes what the running target has and the configuration dropped: ACL
 * entries first (no new logins from there), then LUNs. Not undone when it
 * fails half-way: the LUNs removed were to go anyway, and a retry removes
 * the rest. */
static int tgt_reload_remove(struct tgt *g, const struct tgt_show_target *s, const char **acl,
			     size_t n_acl)
{
	const struct iscsi_target *t = g->op->t;
	struct deadline d = g->op->deadline;
	int rc;

	for (size_t i = 0; i < s->n_acl; i++) {
		if (acl_configured(acl, n_acl, s->acl[i]))
			continue;
		rc = tgt_adm(g, d, "unbind initiator", NULL, "--mode", "target", "--op", "unbind",
			     "--tid", g->tid, is_name(s->acl[i]) ? "--initiator-name" :
								   "--initiator-address",
			     s->acl[i], NULL);
		if (rc && rc != -ENOENT)
			return rc;
		g->op->stats.removed++;
	}
	for (size_t i = 0; i < s->n_luns; i++) {
		const struct iscsi_lun key = { .number = (unsigned)s->luns[i].number };
		char lun[24];

		if (s->luns[i].number == 0 ||
		    (s->luns[i].number <= ISCSI_LUN_NUMBER_MAX &&
		     bsearch(&key, t->luns, t->n_luns, sizeof(*t->luns), lun_number_cmp)))
			continue;
		snprintf(lun, sizeof(lun), "%" PRIu64, s->luns[i].number);
		rc = tgt_adm(g, d, "delete LUN", NULL, "--mode", "logicalunit", "--op", "delete",
			     "--tid", g->tid, "--lun", lun, NULL);
		if (rc && rc != -ENOENT) {
			char msg[ISCSI_WHY_MAX];

			snprintf(msg, sizeof(msg), "%s", g->op->why);
			why(g, "cannot remove LUN %s (%s) of target %s: %s", lun, s->luns[i].path,
			    t->iqn, msg);
			return rc;
		}
		g->op->stats.removed++;
	}
	return 0;
}

static int tgt_reload(struct iscsi_op *op)
{
	const struct iscsi_target *t = op->t;
	const struct tgt_show_target *s;
	const char *acl[ISCSI_ACL_MAX + 1];
	size_t n_acl = expected_acl(t, acl);
	struct deadline d = op->deadline;
	struct tgt_show show;
	struct tgt *g;
	int rc;

	g = tgt_new(op, true);
	if (!g)
		return -ENOMEM;
	rc = tgt_query(g, d, &show);
	if (rc)
		goto out_free;
	s = tgt_show_find_tid(&show, t->tid);
	if (!s || strcmp(s->name, t->iqn) != 0) {
		why(g, "target %s (tid %u) is not in tgtd on control port %s: nothing to reload",
		    t->iqn, t->tid, g->port);
		rc = -ENOENT;
		goto out;
	}
	/* What stays must stay as it is: a LUN's backing and identity, the
	 * accounts. Those changes need a restart, not a reload. */
	if ((rc = tgt_foreign(g, s, true)) || (rc = tgt_acl_semantics(g)))
		goto out;
	if (t->user[0] && !has_account(s, t->user, false)) {
		why(g, "the CHAP account changed (%s is not bound to %s): that needs a restart", t->user,
		    t->iqn);
		rc = -EIO;
		goto out;
	}
	op->why[0] = '\0';
	/* Add first: an added LUN carries its identity before the removals. */
	for (size_t i = 0; i < t->n_luns; i++) {
		if (tgt_show_find_lun(s, t->luns[i].number))
			continue;
		if ((rc = tgt_add_lun(g, &t->luns[i], true)))
			goto undo;
	}
	for (size_t i = 0; i < n_acl; i++) {
		bool name = is_name(acl[i]);

		if (has_acl(s, acl[i]))
			continue;
		rc = tgt_adm(g, d, "bind initiator", NULL, "--mode", "target", "--op", "bind",
			     "--tid", g->tid, name ? "--initiator-name" : "--initiator-address",
			     acl[i], NULL);
		if (rc)
			goto undo;
		op->stats.created++;
		push_undo(g, name ? UNDO_ACL_NAME : UNDO_ACL_ADDRESS, 0, acl[i]);
	}
	if ((rc = tgt_reload_remove(g, s, acl, n_acl)))
		goto out;
	rc = tgt_read_back(g, &show, "reload");
	goto out;
undo:
	tgt_undo(g);
out:
	tgt_show_free(&show);
out_free:
	tgt_free(g);
	return rc;
}

/* ---- stop ---- */

/* Deletes an account this resource's configuration names (user, marked
 * at mark) when twinhead created it and no other target still uses it. */
static int tgt_account_cleanup(struct tgt *g, const struct tgt_show *show, const char *user,
			       const char *mark)
{
	const struct iscsi_target *t = g->op->t;
	int rc;

	if (!user[0] || !mark[0] || iscsi_mark_check(mark, NULL) != 0)
		return 0;
	if (show && tgt_show_account_bound_elsewhere(show, user, t->tid))
		return 0;
	rc = tgt_adm(g, g->op->deadline, "delete CHAP account", NULL, "--mode", "account",
		     "--op", "delete", "--user", user, NULL);
	if (rc && rc != -ENOENT)
		return rc;
	if (rc == 0)
		g->op->stats.removed++;
	g->op->why[0] = '\0';
	return iscsi_mark_remove(mark);
}

/* Deletes the (offline) target. tgtd refuses to remove a LUN while a
 * command is still in its backing store ("this logical unit is still
 * active"): a hung backing store (a suspended pool beneath it) keeps it
 * so. Retried after 0.1 s, 0.2 s, ... 1 s until the deadline less a
 * reserve, then the reason names the LUNs and their backing stores: stop
 * fails and the node must be fenced, as nothing else releases them. */
static int tgt_delete_target(struct tgt *g, struct deadline d, const struct tgt_show_target *s)
{
	int64_t pause = TGT_BUSY_FIRST_MS, t0 = deadline_now_ms();
	char luns[300] = "";
	size_t n = 0;
	int rc;

	for (;;) {
		rc = tgt_adm(g, d, "delete target", NULL, "--mode", "target", "--op", "delete",
			     "--force", "--tid", g->tid, NULL);
		if (rc != -EBUSY)
			return rc;
		if (deadline_left_ms(d) < pause + TGT_STOP_RESERVE_MS)
			break;
		deadline_sleep_ms(d, pause);
		pause = pause * 2 > TGT_BUSY_MAX_MS ? TGT_BUSY_MAX_MS : pause * 2;
	}
	for (size_t i = 0; i < s->n_luns && n < sizeof(luns); i++)
		if (s->luns[i].number != 0)
			n += (size_t)snprintf(luns + n, sizeof(luns) - n, "%s%" PRIu64 " (%s)",
					      n ? ", " : "", s->luns[i].number, s->luns[i].path);
	why(g, "target %s is offline (no new logins), but tgtd still refuses to remove its "
	       "LUNs after %lld ms (\"this logical unit is still active\"): a command is stuck in "
	       "the backing store of LUN %s. The storage beneath does not complete I/O (a "
	       "suspended or hung pool: see the zpool resource); only fencing this node "
	       "releases it", g->op->t->iqn, (long long)(deadline_now_ms() - t0),
	    luns[0] ? luns : "?");
	return -EBUSY;
}

static int tgt_stop(struct iscsi_op *op)
{
	const struct iscsi_target *t = op->t;
	const struct tgt_show_target *s;
	struct tgt_show show;
	struct deadline d = op->deadline;
	struct tgt *g;
	int rc;

	g = tgt_new(op, false);
	if (!g)
		return -ENOMEM;
	rc = tgt_query(g, d, &show);
	if (rc == -ENOTCONN) {
		/* No tgtd: it took every target and account with it. */
		if (g->mark[0])
			iscsi_mark_remove(g->mark);
		if (g->out_mark[0])
			iscsi_mark_remove(g->out_mark);
		op->why[0] = '\0';
		rc = 0;
		goto out_free;
	}
	if (rc)
		goto out_free;
	s = tgt_show_find_tid(&show, t->tid);
	if (s && strcmp(s->name, t->iqn) != 0)
		s = NULL; /* someone else's target: not ours to stop */
	if (s) {
		if (strcmp(s->state, "offline") != 0) {
			/* New logins are refused from here on. */
			rc = tgt_adm(g, d, "set target offline", NULL, "--mode", "target", "--op",
				     "update", "--tid", g->tid, "--name", "state", "--value",
				     "offline", NULL);
			if (rc && rc != -ENOENT)
				goto out;
		}
		/* --force: end the sessions; this also removes the LUNs, the
		 * ACL entries and the account bindings. */
		rc = tgt_delete_target(g, d, s);
		if (rc && rc != -ENOENT)
			goto out;
		op->stats.removed++;
	}
	rc = tgt_account_cleanup(g, &show, t->user, g->mark);
	if (rc == 0)
		rc = tgt_account_cleanup(g, &show, t->out_user, g->out_mark);
	if (rc)
		goto out;
	if (s) {
		/* Prove it: the tid must be gone. */
		tgt_show_free(&show);
		rc = tgt_query(g, d, &show);
		if (rc)
			goto out_free;
		if (tgt_show_find_tid(&show, t->tid)) {
			why(g, "target %s (tid %u) is still there after its deletion", t->iqn, t->tid);
			rc = -EIO;
		}
	}
out:
	tgt_show_free(&show);
out_free:
	tgt_free(g);
	return rc;
}

/* ---- monitor ---- */

static int tgt_monitor(struct iscsi_op *op)
{
	const struct iscsi_target *t = op->t;
	const struct tgt_show_target *s;
	struct tgt_show show;
	struct tgt *g;
	int rc;

	g = tgt_new(op, false);
	if (!g)
		return -ENOMEM;
	rc = tgt_query(g, op->deadline, &show);
	if (rc)
		goto out_free;
	s = tgt_show_find_tid(&show, t->tid);
	if (!s || strcmp(s->name, t->iqn) != 0) {
		why(g, "target %s (tid %u) is not in tgtd on control port %s", t->iqn, t->tid,
		    g->port);
		rc = -ENOENT;
	} else {
		rc = tgt_complete(g, s);
	}
	tgt_show_free(&show);
out_free:
	tgt_free(g);
	return rc;
}

static void tgt_monitor_prefetch(struct iscsi_op *op)
{
	struct tgt_ipc *q = malloc(sizeof(*q));

	if (q && tgt_ipc_show_open(q, op->tgt_port, op->deadline) == 0)
		op->prefetch = q;
	else
		free(q);
}

static void tgt_monitor_cancel(struct iscsi_op *op)
{
	if (op->prefetch) {
		tgt_ipc_close(op->prefetch);
		free(op->prefetch);
		op->prefetch = NULL;
	}
}

static int tgt_check(const struct iscsi_target *t, char *whybuf, size_t whylen)
{
	for (size_t i = 0; i < t->n_luns; i++)
		if (t->luns[i].number == 0) {
			snprintf(whybuf, whylen,
				 "tgt keeps LUN 0 for its controller device: number the LUNs from 1 "
				 "(luns=\"1:%s ...\")",
				 t->luns[i].path);
			return -EINVAL;
		}
	return 0;
}

static void tgt_lock_name(const struct iscsi_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "tgt-%u", op->tgt_port);
}

const struct iscsi_backend iscsi_backend_tgt = {
	.name = "tgt",
	.tool = TOOL_TGTADM,
	.check = tgt_check,
	.lock_name = tgt_lock_name,
	.start = tgt_start,
	.stop = tgt_stop,
	.reload = tgt_reload,
	.monitor = tgt_monitor,
	.monitor_prefetch = tgt_monitor_prefetch,
	.monitor_cancel = tgt_monitor_cancel,
};
