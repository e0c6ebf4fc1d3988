/* The ctld backend: FreeBSD's CAM Target Layer, driven the way FreeBSD
 * administrators drive it: a block in ctl.conf, `ctld -t` to check the
 * whole file, SIGHUP for ctld to apply the difference, and `ctladm devlist
 * -x` to see what the kernel serves.
 *
 * Not run by this project's tests (no FreeBSD here): the block's text,
 * the splicing and the devlist parser are unit-tested byte for byte; the
 * sequence below follows ctld(8), ctl.conf(5) and ctladm(8).
 *
 * start: the new file (old text with this target's block put in) is
 * written next to ctl.conf (0600: it holds the CHAP secret), checked with
 * `ctld -t -f NEW`, renamed over ctl.conf, and ctld gets SIGHUP; start then
 * polls the LUN list until every LUN is there with its backing file. On
 * failure the old file goes back and ctld reloads it.
 * stop: the same with the block taken out; ctld's reload removes the
 * target's port (its sessions and logins end) and then its LUNs, so the
 * target goes offline before anything is removed. Polls until the LUNs
 * are gone. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "iscsi_backend.h"
#include "iscsi_ctld_conf.h"
#include "iscsi_ctld_devlist.h"

#define CTLD_CONF_MAX (4 * 1024 * 1024)
#define CTLD_POLL_MS 50

static void why(struct iscsi_op *op, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void why(struct iscsi_op *op, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(op->why, sizeof(op->why), fmt, ap);
	va_end(ap);
}

/* Reads the whole configuration; a missing file reads as empty. */
static int conf_read(struct iscsi_op *op, char **text)
{
	struct stat st;
	size_t off = 0;
	int fd, rc = 0;

	*text = NULL;
	fd = open(op->ctld_conf, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		*text = strdup("");
		return *text ? 0 : -ENOMEM;
	}
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = -errno;
		why(op, "cannot read %s: %s", op->ctld_conf, strerror(-rc));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CTLD_CONF_MAX) {
		why(op, "%s is not a regular file of at most %d bytes", op->ctld_conf,
		    CTLD_CONF_MAX);
		close(fd);
		return -EINVAL;
	}
	*text = malloc((size_t)st.st_size + 1);
	if (!*text) {
		close(fd);
		return -ENOMEM;
	}
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, *text + off, (size_t)st.st_size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	(*text)[off] = '\0';
	if (strlen(*text) != off) {
		why(op, "%s contains a NUL byte", op->ctld_conf);
		free(*text);
		*text = NULL;
		return -EINVAL;
	}
	return 0;
}

static int run(struct iscsi_op *op, const char *what, const char *const *argv,
	       struct exec_result *out)
{
	struct exec_cmd cmd = { .argv = argv, .deadline = op->deadline };
	struct exec_result res;
	int rc;

	op->stats.calls++;
	rc = exec_run(&cmd, &res);
	if (rc == -ETIMEDOUT)
		why(op, "%s (%s) did not finish before the action's deadline", argv[0], what);
	else if (rc < 0)
		why(op, "cannot run %s (%s): %s", argv[0], what, strerror(-rc));
	else if (res.exit_status != 0) {
		size_t n = strcspn(res.err, "\n");

		why(op, "%s failed (%s, exit %d): %.*s", argv[0], what, res.exit_status,
		    (int)(n > 200 ? 200 : n), res.err);
		rc = -EIO;
	}
	if (out && rc == 0)
		*out = res;
	else
		exec_result_free(&res);
	return rc;
}

/* Writes text to a new file beside ctl.conf, has ctld check it, and
 * renames it over ctl.conf. check=false when restoring the old text. */
static int conf_install(struct iscsi_op *op, const char *text, bool check)
{
	char tmp[4096];
	size_t len = strlen(text), off = 0;
	int fd, rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.twinhead-new", op->ctld_conf) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		why(op, "cannot create %s: %s", tmp, strerror(-rc));
		return rc;
	}
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			break;
		}
		off += (size_t)n;
	}
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (rc) {
		why(op, "cannot write %s: %s", tmp, strerror(-rc));
		unlink(tmp);
		return rc;
	}
	if (check) {
		const char *argv[] = { tool_path(TOOL_CTLD, op->envp), "-t", "-f", tmp, NULL };

		rc = run(op, "check the new ctl.conf", argv, NULL);
		if (rc) {
			unlink(tmp);
			return rc;
		}
	}
	if (rename(tmp, op->ctld_conf) < 0) {
		rc = -errno;
		why(op, "cannot rename %s to %s: %s", tmp, op->ctld_conf, strerror(-rc));
		unlink(tmp);
	}
	return rc;
}

/* SIGHUP to the ctld that holds its pid file locked (pidfile(3)). */
static int ctld_reload(struct iscsi_op *op)
{
	char buf[32];
	ssize_t n;
	long pid;
	char *end;
	int fd;

	fd = open(op->ctld_pidfile, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		why(op, "ctld is not running (no %s): start it (service ctld start)",
		    op->ctld_pidfile);
		return -ENOTCONN;
	}
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		close(fd);
		why(op, "ctld is not running (%s is stale): start it (service ctld start)",
		    op->ctld_pidfile);
		return -ENOTCONN;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		why(op, "cannot read %s", op->ctld_pidfile);
		return -EIO;
	}
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	if (pid <= 1 || (*end && *end != '\n')) {
		why(op, "%s does not hold a pid", op->ctld_pidfile);
		return -EPROTO;
	}
	if (kill((pid_t)pid, SIGHUP) < 0) {
		int rc = -errno;

		why(op, "cannot signal ctld (pid %ld): %s", pid, strerror(-rc));
		return rc == -ESRCH ? -ENOTCONN : rc;
	}
	return 0;
}

static int devlist_query(struct iscsi_op *op, struct ctld_devlist *l)
{
	const char *argv[] = { tool_path(TOOL_CTLADM, op->envp), "devlist", "-x", NULL };
	struct exec_result res;
	char reason[200];
	int rc = run(op, "list LUNs", argv, &res);

	if (rc)
		return rc;
	rc = ctld_devlist_parse(res.out, res.out_len, l, reason, sizeof(reason));
	exec_result_free(&res);
	if (rc == -EPROTO)
		why(op, "%s", reason);
	return rc;
}

/* 0 when every LUN of the target is served as configured, -ENOENT when
 * none is, -EIO (why) otherwise. */
static int luns_state(struct iscsi_op *op, const struct ctld_devlist *l)
{
	const struct iscsi_target *t = op->t;
	size_t present = ctld_devlist_count(l, t->iqn);

	if (present == 0)
		return -ENOENT;
	for (size_t i = 0; i < t->n_luns; i++) {
		const struct ctld_lun *c = ctld_devlist_find(l, t->iqn, t->luns[i].number);

		if (!c) {
			why(op, "LUN %u (%s) of target %s is missing in CTL", t->luns[i].number,
			    t->luns[i].path, t->iqn);
			return -EIO;
		}
		if (!c->file || strcmp(c->file, t->luns[i].path) != 0) {
			why(op, "LUN %u of target %s is backed by %s, not %s", t->luns[i].number,
			    t->iqn, c->file ? c->file : "nothing", t->luns[i].path);
			return -EIO;
		}
	}
	if (present != t->n_luns) {
		why(op, "CTL serves %zu LUNs of target %s, the configuration has %zu", present,
		    t->iqn, t->n_luns);
		return -EIO;
	}
	return 0;
}

/* Polls the LUN list until want (0: all served, -ENOENT: none) or the
 * deadline. */
static int wait_luns(struct iscsi_op *op, int want)
{
	for (;;) {
		struct ctld_devlist l;
		int rc = devlist_query(op, &l);

		if (rc)
			return rc;
		rc = luns_state(op, &l);
		ctld_devlist_free(&l);
		if (rc == want) {
			op->why[0] = '\0';
			return 0;
		}
		if (deadline_sleep_ms(op->deadline, CTLD_POLL_MS) < 0) {
			if (!op->why[0] || want == -ENOENT)
				why(op, "ctld did not %s target %s before the deadline (see ctld's log)",
				    want == 0 ? "bring up" : "remove", op->t->iqn);
			return -ETIMEDOUT;
		}
	}
}

/* Puts old back after a failed change, and has ctld reload it. */
static void conf_restore(struct iscsi_op *op, const char *old)
{
	char saved[ISCSI_WHY_MAX];

	memcpy(saved, op->why, sizeof(saved));
	op->deadline = op->undo_deadline;
	if (conf_install(op, old, false) == 0 && ctld_reload(op) == 0)
		op->stats.undone = true;
	memcpy(op->why, saved, sizeof(saved));
}

static int ctld_change(struct iscsi_op *op, const char *block, int want)
{
	char *old = NULL, *new = NULL;
	int rc, err, changed;

	rc = conf_read(op, &old);
	if (rc)
		return rc;
	new = ctld_conf_splice(old, op->t->iqn, block, &err, &changed);
	if (!new) {
		rc = err;
		if (err == -EPROTO)
			why(op, "%s holds a damaged twinhead block for %s (BEGIN and END markers "
				"do not pair up): repair it by hand",
			    op->ctld_conf, op->t->iqn);
		goto out;
	}
	if (!changed) {
		struct ctld_devlist l;

		/* The file already says so: reload only if CTL disagrees. */
		rc = devlist_query(op, &l);
		if (rc)
			goto out;
		rc = luns_state(op, &l);
		ctld_devlist_free(&l);
		if (rc == want) {
			op->why[0] = '\0';
			rc = 0;
			goto out;
		}
		op->why[0] = '\0';
	} else {
		rc = conf_install(op, new, true);
		if (rc)
			goto out;
		op->stats.created += block ? 1 : 0;
		op->stats.removed += block ? 0 : 1;
	}
	rc = ctld_reload(op);
	if (rc == -ENOTCONN && want == -ENOENT) {
		/* No ctld: nothing served; the block is gone from the file. */
		op->why[0] = '\0';
		rc = 0;
		goto out;
	}
	if (rc == 0)
		rc = wait_luns(op, want);
	if (rc && changed && block)
		conf_restore(op, old);
out:
	free(old);
	free(new);
	return rc;
}

static int ctld_start(struct iscsi_op *op)
{
	char *block = ctld_fragment(op->t, op->secret, op->out_secret, op->resource);
	int rc;

	if (!block)
		return -ENOMEM;
	rc = ctld_change(op, block, 0);
	free(block);
	return rc;
}

/* ctld applies the difference between the old and the new file itself
 * (conf_apply): a reload is a start with the new configuration. */
static int ctld_reload_config(struct iscsi_op *op)
{
	return ctld_start(op);
}

static int ctld_stop(struct iscsi_op *op)
{
	return ctld_change(op, NULL, -ENOENT);
}

static int ctld_monitor(struct iscsi_op *op)
{
	struct ctld_devlist l;
	char *text = NULL;
	int rc, has;

	rc = conf_read(op, &text);
	if (rc)
		return rc;
	has = ctld_conf_has_block(text, op->t->iqn);
	free(text);
	rc = devlist_query(op, &l);
	if (rc)
		return rc;
	rc = luns_state(op, &l);
	ctld_devlist_free(&l);
	if (rc == -ENOENT && has == 0) {
		why(op, "target %s is neither in %s nor served by CTL", op->t->iqn, op->ctld_conf);
		return -ENOENT;
	}
	if (has < 0) {
		why(op, "%s holds a damaged twinhead block for %s", op->ctld_conf, op->t->iqn);
		return -EIO;
	}
	if (rc == -ENOENT) {
		why(op, "%s has target %s, but CTL serves none of its LUNs: did ctld reload?",
		    op->ctld_conf, op->t->iqn);
		return -EIO;
	}
	if (rc == 0 && has == 0) {
		why(op, "CTL serves target %s but its block is gone from %s", op->t->iqn,
		    op->ctld_conf);
		return -EIO;
	}
	return rc;
}

static int ctld_check(const struct iscsi_target *t, char *whybuf, size_t whylen)
{
	bool names = false, addresses = false;

	for (size_t i = 0; i < t->n_acl; i++) {
		names |= t->acl[i].kind == ISCSI_ACL_NAME;
		addresses |= t->acl[i].kind == ISCSI_ACL_ADDRESS;
	}
	if (names && addresses) {
		/* ctld admits an initiator only if it matches both its
		 * initiator-name and its initiator-portal lists: no union. */
		snprintf(whybuf, whylen,
			 "ctld cannot admit \"these names or these addresses\": list either "
			 "initiator names or addresses in allowed_initiators");
		return -EINVAL;
	}
	for (size_t i = 0; i < t->n_luns; i++)
		if (t->luns[i].number > 1023) {
			snprintf(whybuf, whylen, "ctld numbers LUNs 0 to 1023; LUN %u is beyond",
				 t->luns[i].number);
			return -EINVAL;
		}
	return 0;
}

static void ctld_lock_name(const struct iscsi_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "ctld");
}

const struct iscsi_backend iscsi_backend_ctld = {
	.name = "ctld",
	.tool = TOOL_CTLADM,
	.check = ctld_check,
	.lock_name = ctld_lock_name,
	.start = ctld_start,
	.stop = ctld_stop,
	.reload = ctld_reload_config,
	.monitor = ctld_monitor,
};
