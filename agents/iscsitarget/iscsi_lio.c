/* The lio backend: Linux's in-kernel target (LIO), driven through its
 * configfs tree directly (no targetcli: its Python start-up alone costs
 * 2-5 s a call in a VM).
 *
 * start: stat each backing (a block device becomes an iblock storage
 * object, a file a fileio one), look at what this target already owns
 * (names in iscsi_lio_plan.h): complete and enabled is success with no
 * change; enabled but different is refused (reload or stop it); present
 * but not enabled is a tree a crash left half-built, removed first. Then
 * the whole plan runs in one worker with the action's deadline, and the
 * result is read back as monitor reads it; on any failure everything the
 * target owns is removed again, so start builds all or leaves nothing.
 *
 * stop: a plan made from what the tree holds (the TPG disabled first, so
 * sessions end and no login comes in; then ACLs, LUNs, portals, the
 * target, storage objects, the reservation links), run with the deadline,
 * then checked: nothing of ours may be left.
 *
 * monitor: reads configfs only, in this process (no exec, no fork).
 *
 * Reservations: LIO writes a LUN's APTPL state to DBROOT/pr/aptpl_SERIAL
 * (DBROOT is global: /sys/kernel/config/target/dbroot). With lio_pr_dir,
 * start makes that path a link into a directory on the pool that moves
 * with the target, and gives the state found there back to the kernel
 * (pr/res_aptpl_metadata) before the LUN is exported. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iscsi_backend.h"
#include "iscsi_lio_cfs.h"
#include "iscsi_lio_plan.h"

struct lio {
	struct iscsi_op *op;
	struct lio_cfs cfs;
	char dbroot[LIO_PATH_MAX];
	char tpg[ISCSI_NAME_MAX + 32];
	struct lio_backing *backing;
	char ***aptpl;
	size_t *n_aptpl;
};

static void why(struct lio *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void why(struct lio *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->op->why, sizeof(g->op->why), fmt, ap);
	va_end(ap);
}

static int lio_open(struct iscsi_op *op, struct lio *g)
{
	const char *root = op->lio_root ? op->lio_root : LIO_CFS_ROOT;
	int rc;

	memset(g, 0, sizeof(*g));
	g->op = op;
	snprintf(g->tpg, sizeof(g->tpg), "iscsi/%s/tpgt_%u", op->t->iqn, LIO_TPGT);
	rc = lio_cfs_open(&g->cfs, root, op->lio_standin);
	if (rc == -ENOENT) {
		why(g, "LIO is not loaded: %s is missing (modprobe target_core_mod iscsi_target_mod; "
		       "mount -t configfs none /sys/kernel/config)",
		    root);
		return -ENOTCONN;
	}
	if (rc == -EMEDIUMTYPE) {
		why(g, "%s is not a configfs mount", root);
		return -ENOTCONN;
	}
	if (rc) {
		why(g, "cannot open %s: %s", root, strerror(-rc));
		return rc;
	}
	g->cfs.standin_fail = op->lio_standin_fail;
	g->cfs.standin_hang = op->lio_standin_hang;
	if (lio_cfs_read(&g->cfs, "dbroot", g->dbroot, sizeof(g->dbroot)) < 0)
		g->dbroot[0] = '\0';
	return 0;
}

static void lio_close(struct lio *g)
{
	for (size_t i = 0; g->aptpl && i < g->op->t->n_luns; i++)
		lio_aptpl_free(g->aptpl[i], g->n_aptpl[i]);
	free(g->aptpl);
	free(g->n_aptpl);
	free(g->backing);
}

/* ---- what the tree holds ---- */

static int read_is(struct lio *g, const char *rel, const char *want)
{
	char buf[256];
	int n = lio_cfs_read(&g->cfs, rel, buf, sizeof(buf));

	return n >= 0 && strcmp(buf, want) == 0;
}

/* The serial in wwn/vpd_unit_serial: the kernel prints "T10 VPD Unit
 * Serial Number: S" (the stand-in holds what was written). */
static int read_serial(struct lio *g, const char *so, char *buf, size_t len)
{
	char rel[LIO_PATH_MAX], text[256];
	const char *colon;
	int n;

	snprintf(rel, sizeof(rel), "%s/wwn/vpd_unit_serial", so);
	n = lio_cfs_read(&g->cfs, rel, text, sizeof(text));
	if (n < 0)
		return n;
	colon = strrchr(text, ':');
	if (colon)
		memmove(text, colon + 1 + strspn(colon + 1, " "),
			strlen(colon + 1 + strspn(colon + 1, " ")) + 1);
	if (strlen(text) >= len)
		return -E2BIG;
	memcpy(buf, text, strlen(text) + 1);
	return 0;
}

struct names {
	char (*v)[ISCSI_NAME_MAX + 1];
	size_t n, cap;
	bool dirs_only;
};

static int names_add(const char *name, bool is_dir, bool is_link, void *arg)
{
	struct names *s = arg;

	(void)is_link;
	if (s->dirs_only && !is_dir)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		void *v = realloc(s->v, cap * sizeof(*s->v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	snprintf(s->v[s->n++], sizeof(*s->v), "%s", name);
	return 0;
}

static int list_dirs(struct lio *g, const char *rel, struct names *out)
{
	memset(out, 0, sizeof(*out));
	out->dirs_only = true;
	return lio_cfs_list(&g->cfs, rel, names_add, out);
}

static bool names_has(const struct names *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], name) == 0)
			return true;
	return false;
}

/* The storage object a TPG LUN links to ("core/iblock_5/lun1"), or "". */
static int tpg_lun_so(struct lio *g, unsigned lun, char *so, size_t len)
{
	char rel[LIO_PATH_MAX];
	struct names links = { 0 };
	int rc;

	so[0] = '\0';
	/* The link start makes is named lunN: one readlink, no listing. */
	snprintf(rel, sizeof(rel), "%s/lun/lun_%u/lun%u", g->tpg, lun, lun);
	if (lio_cfs_readlink(&g->cfs, rel, so, len) == 0)
		return 0;
	so[0] = '\0';
	snprintf(rel, sizeof(rel), "%s/lun/lun_%u", g->tpg, lun);
	rc = lio_cfs_list(&g->cfs, rel, names_add, &links);
	for (size_t i = 0; rc == 0 && i < links.n; i++) {
		char link[LIO_PATH_MAX + 64];

		snprintf(link, sizeof(link), "%s/%s", rel, links.v[i]);
		if (lio_cfs_readlink(&g->cfs, link, so, len) == 0)
			break;
	}
	free(links.v);
	return rc;
}

/* Is the target there as configured? 0; -ENOENT when it is not there at
 * all; -EIO with why naming the first difference. Reads only. */
static int lio_check(struct lio *g)
{
	const struct iscsi_target *t = g->op->t;
	char rel[LIO_PATH_MAX + 64], so[LIO_PATH_MAX], buf[LIO_PATH_MAX];
	struct names have = { 0 };
	bool all = t->n_acl == 1 && t->acl[0].kind == ISCSI_ACL_ALL;
	int rc;

	snprintf(rel, sizeof(rel), "iscsi/%s", t->iqn);
	if (lio_cfs_exists(&g->cfs, rel) != 1) {
		why(g, "target %s is not in LIO", t->iqn);
		return -ENOENT;
	}
	snprintf(rel, sizeof(rel), "%s/enable", g->tpg);
	if (read_is(g, rel, "1") != 1) {
		why(g, "target %s exists in LIO but its TPG %u is not enabled", t->iqn, LIO_TPGT);
		return -EIO;
	}
	for (size_t i = 0; i < t->n_luns; i++) {
		const struct iscsi_lun *l = &t->luns[i];
		char serial[64];

		if ((rc = tpg_lun_so(g, l->number, so, sizeof(so))) < 0)
			return rc;
		if (!so[0]) {
			why(g, "LUN %u (%s) of target %s is missing", l->number, l->path, t->iqn);
			return -EIO;
		}
		snprintf(rel, sizeof(rel), "%s/udev_path", so);
		if (lio_cfs_read(&g->cfs, rel, buf, sizeof(buf)) < 0)
			snprintf(buf, sizeof(buf), "(an unreadable udev_path)");
		if (strcmp(buf, l->path) != 0) {
			why(g, "LUN %u of target %s is backed by %s, not by %s", l->number, t->iqn,
			    buf, l->path);
			return -EIO;
		}
		snprintf(rel, sizeof(rel), "%s/enable", so);
		if (read_is(g, rel, "1") != 1) {
			why(g, "the storage object %s of LUN %u is not enabled", so, l->number);
			return -EIO;
		}
		/* Identities are derived for start, not for monitor. */
		if (l->serial[0] && (read_serial(g, so, serial, sizeof(serial)) < 0 ||
				     strcmp(serial, l->serial) != 0)) {
			why(g, "LUN %u of target %s has serial %s, the configuration says %s",
			    l->number, t->iqn, serial, l->serial);
			return -EIO;
		}
		if (g->op->lio_alua_id) {
			char want[32];

			snprintf(rel, sizeof(rel), "%s/lun/lun_%u/alua_tg_pt_gp", g->tpg, l->number);
			snprintf(want, sizeof(want), "th_%u", g->op->lio_alua_id);
			if (lio_cfs_read(&g->cfs, rel, buf, sizeof(buf)) < 0 || !strstr(buf, want)) {
				why(g, "LUN %u of target %s is not in ALUA group %s", l->number, t->iqn,
				    want);
				return -EIO;
			}
			snprintf(rel, sizeof(rel), "%s/alua/%s/alua_access_state", so, want);
			if (read_is(g, rel, "0") != 1) {
				why(g, "LUN %u of target %s is not active/optimized in ALUA group %s",
				    l->number, t->iqn, want);
				return -EIO;
			}
		}
	}
	snprintf(rel, sizeof(rel), "%s/lun", g->tpg);
	if ((rc = list_dirs(g, rel, &have)))
		return rc;
	for (size_t i = 0; i < have.n; i++) {
		unsigned n;
		bool listed = false;

		if (sscanf(have.v[i], "lun_%u", &n) == 1)
			for (size_t j = 0; j < t->n_luns; j++)
				listed |= t->luns[j].number == n;
		if (!listed) {
			why(g, "target %s has %s, which luns does not list", t->iqn, have.v[i]);
			free(have.v);
			return -EIO;
		}
	}
	free(have.v);
	snprintf(rel, sizeof(rel), "%s/np", g->tpg);
	if ((rc = list_dirs(g, rel, &have)))
		return rc;
	rc = have.n == t->n_portals ? 0 : -EIO;
	for (size_t i = 0; rc == 0 && i < t->n_portals; i++)
		if (!names_has(&have, t->portals[i].text))
			rc = -EIO;
	free(have.v);
	if (rc) {
		why(g, "target %s does not listen on exactly the configured portals", t->iqn);
		return rc;
	}
	snprintf(rel, sizeof(rel), "%s/attrib/generate_node_acls", g->tpg);
	if (read_is(g, rel, all ? "1" : "0") != 1) {
		why(g, "target %s %s", t->iqn,
		    all ? "does not admit every initiator (generate_node_acls is not 1)" :
			  "admits every initiator (generate_node_acls is 1)");
		return -EIO;
	}
	snprintf(rel, sizeof(rel), "%s/acls", g->tpg);
	if ((rc = list_dirs(g, rel, &have)))
		return rc;
	rc = all ? (have.n ? -EIO : 0) : (have.n == t->n_acl ? 0 : -EIO);
	for (size_t i = 0; rc == 0 && !all && i < t->n_acl; i++)
		if (!names_has(&have, t->acl[i].text))
			rc = -EIO;
	free(have.v);
	if (rc) {
		why(g, "the ACLs of target %s differ from allowed_initiators", t->iqn);
		return rc;
	}
	snprintf(rel, sizeof(rel), "%s/attrib/authentication", g->tpg);
	if (read_is(g, rel, t->user[0] ? "1" : "0") != 1) {
		why(g, "target %s %s CHAP", t->iqn, t->user[0] ? "does not require" : "requires");
		return -EIO;
	}
	return 0;
}

/* ---- removal plans, from what the tree holds ---- */

struct rm {
	struct lio *g;
	struct lio_plan *p;
	const char *dir;
};

static int rm_links(const char *name, bool is_dir, bool is_link, void *arg)
{
	struct rm *r = arg;

	(void)is_dir;
	return is_link ? lio_plan_addf(r->p, LIO_UNLINK, NULL, "%s/%s", r->dir, name) : 0;
}

/* A directory made by mkdir holding links (a TPG LUN, an ACL's mapped
 * LUN): the links, then the directory. */
static int plan_rm_linkdir(struct lio *g, struct lio_plan *p, const char *dir)
{
	struct rm r = { .g = g, .p = p, .dir = dir };
	int rc = lio_cfs_list(&g->cfs, dir, rm_links, &r);

	return rc ? rc : lio_plan_add(p, LIO_RMDIR, dir, NULL);
}

static int plan_rm_acl(struct lio *g, struct lio_plan *p, const char *name, int only_lun)
{
	char dir[LIO_PATH_MAX], sub[LIO_PATH_MAX + 64];
	struct names luns;
	int rc;

	snprintf(dir, sizeof(dir), "%s/acls/%s", g->tpg, name);
	if ((rc = list_dirs(g, dir, &luns)))
		return rc;
	for (size_t i = 0; rc == 0 && i < luns.n; i++) {
		unsigned n;

		if (sscanf(luns.v[i], "lun_%u", &n) != 1 || (only_lun >= 0 && n != (unsigned)only_lun))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, luns.v[i]);
		rc = plan_rm_linkdir(g, p, sub);
	}
	free(luns.v);
	if (rc == 0 && only_lun < 0)
		rc = lio_plan_add(p, LIO_RMDIR, dir, NULL);
	return rc;
}

static int plan_rm_so(struct lio *g, struct lio_plan *p, const char *so)
{
	char serial[64], rel[LIO_PATH_MAX + 64];
	struct names groups;
	int rc;

	if (g->dbroot[0] && read_serial(g, so, serial, sizeof(serial)) == 0 && serial[0] &&
	    !strchr(serial, '/'))
		if ((rc = lio_plan_addf(p, LIO_HOST_UNLINK, NULL, "%s/pr/aptpl_%s", g->dbroot,
					serial)))
			return rc;
	snprintf(rel, sizeof(rel), "%s/alua", so);
	if ((rc = list_dirs(g, rel, &groups)))
		return rc;
	for (size_t i = 0; rc == 0 && i < groups.n; i++)
		if (strcmp(groups.v[i], "default_tg_pt_gp") != 0)
			rc = lio_plan_addf(p, LIO_RMDIR, NULL, "%s/%s", rel, groups.v[i]);
	free(groups.v);
	return rc ? rc : lio_plan_add(p, LIO_RMDIR, so, NULL);
}

/* Everything this target owns, bottom-up. */
static int plan_stop(struct lio *g, struct lio_plan *p)
{
	const struct iscsi_target *t = g->op->t;
	char rel[LIO_PATH_MAX + 64];
	struct names acls = { 0 }, luns = { 0 }, nps = { 0 }, sos = { 0 };
	int rc;

	snprintf(rel, sizeof(rel), "%s/enable", g->tpg);
	if (read_is(g, rel, "1") == 1 && (rc = lio_plan_add(p, LIO_WRITE, rel, "0")))
		return rc;
	snprintf(rel, sizeof(rel), "%s/acls", g->tpg);
	if ((rc = list_dirs(g, rel, &acls)))
		goto out;
	for (size_t i = 0; rc == 0 && i < acls.n; i++)
		rc = plan_rm_acl(g, p, acls.v[i], -1);
	snprintf(rel, sizeof(rel), "%s/lun", g->tpg);
	if (rc || (rc = list_dirs(g, rel, &luns)))
		goto out;
	for (size_t i = 0; rc == 0 && i < luns.n; i++) {
		char dir[LIO_PATH_MAX + 64];

		snprintf(dir, sizeof(dir), "%s/lun/%s", g->tpg, luns.v[i]);
		rc = plan_rm_linkdir(g, p, dir);
	}
	snprintf(rel, sizeof(rel), "%s/np", g->tpg);
	if (rc || (rc = list_dirs(g, rel, &nps)))
		goto out;
	for (size_t i = 0; rc == 0 && i < nps.n; i++)
		rc = lio_plan_addf(p, LIO_RMDIR, NULL, "%s/np/%s", g->tpg, nps.v[i]);
	if (rc == 0 && lio_cfs_exists(&g->cfs, g->tpg) == 1)
		rc = lio_plan_add(p, LIO_RMDIR, g->tpg, NULL);
	snprintf(rel, sizeof(rel), "iscsi/%s", t->iqn);
	if (rc == 0 && lio_cfs_exists(&g->cfs, rel) == 1)
		rc = lio_plan_add(p, LIO_RMDIR, rel, NULL);
	for (int block = 0; rc == 0 && block < 2; block++) {
		char hba[32];

		lio_hba_name(t->tid, block, hba, sizeof(hba));
		snprintf(rel, sizeof(rel), "core/%s", hba);
		free(sos.v);
		if ((rc = list_dirs(g, rel, &sos)))
			break;
		for (size_t i = 0; rc == 0 && i < sos.n; i++) {
			char so[LIO_PATH_MAX + 2 * ISCSI_NAME_MAX];

			snprintf(so, sizeof(so), "%s/%s", rel, sos.v[i]);
			rc = plan_rm_so(g, p, so);
		}
		if (rc == 0 && lio_cfs_exists(&g->cfs, rel) == 1)
			rc = lio_plan_add(p, LIO_RMDIR, rel, NULL);
	}
out:
	free(acls.v);
	free(luns.v);
	free(nps.v);
	free(sos.v);
	return rc;
}

/* Does the tree hold anything of this target's? 1, 0, or -errno. */
static int lio_owns_any(struct lio *g)
{
	const struct iscsi_target *t = g->op->t;
	char rel[LIO_PATH_MAX + 64];
	int rc;

	snprintf(rel, sizeof(rel), "iscsi/%s", t->iqn);
	if ((rc = lio_cfs_exists(&g->cfs, rel)) != 0)
		return rc;
	for (int block = 0; block < 2; block++) {
		char hba[32];

		lio_hba_name(t->tid, block, hba, sizeof(hba));
		snprintf(rel, sizeof(rel), "core/%s", hba);
		if ((rc = lio_cfs_exists(&g->cfs, rel)) != 0)
			return rc;
	}
	return 0;
}

/* Runs p until d; on failure why names the step. */
static int run(struct lio *g, const struct lio_plan *p, struct deadline d, const char *what)
{
	size_t done, failed;
	int rc = lio_plan_run(&g->cfs, p, d, &done, &failed);
	char step[LIO_PATH_MAX + 128] = "";

	g->op->stats.calls += (unsigned)done;
	if (rc == 0)
		return 0;
	if (failed < p->n)
		lio_step_text(&p->steps[failed], step, sizeof(step));
	if (rc == -ETIMEDOUT)
		why(g, "%s: configfs step '%s' did not finish before the action's deadline (a "
		       "backing device that hangs?)",
		    what, step);
	else
		why(g, "%s: configfs step '%s' failed: %s", what, step, strerror(-rc));
	return rc;
}

/* Removes everything the target owns, until d. */
static int lio_remove_all(struct lio *g, struct deadline d, const char *what)
{
	struct lio_plan p = { 0 };
	int rc = plan_stop(g, &p);

	if (rc == 0)
		rc = run(g, &p, d, what);
	if (rc == 0)
		g->op->stats.removed += (unsigned)p.n;
	lio_plan_free(&p);
	return rc;
}

/* ---- start ---- */

static int lio_backing_load(struct lio *g, size_t i)
{
	const struct iscsi_lun *l = &g->op->t->luns[i];
	struct stat st;

	if (stat(l->path, &st) < 0) {
		why(g, "cannot use %s for LUN %u: %s (is the pool imported on this node?)", l->path,
		    l->number, strerror(errno));
		return -ENOENT;
	}
	if (S_ISBLK(st.st_mode)) {
		g->backing[i] = (struct lio_backing){ .block = true };
	} else if (S_ISREG(st.st_mode)) {
		g->backing[i] = (struct lio_backing){ .size = (unsigned long long)st.st_size };
	} else {
		why(g, "%s (LUN %u) is neither a block device nor a file", l->path, l->number);
		return -EINVAL;
	}
	return 0;
}

/* The reservations the pool holds for LUN i (pr_dir/aptpl_SERIAL). */
static int lio_aptpl_load(struct lio *g, size_t i)
{
	const struct iscsi_lun *l = &g->op->t->luns[i];
	char path[ISCSI_PATH_MAX + 64], sub[200], buf[65536];
	ssize_t n;
	int fd, rc;

	if (!g->op->lio_pr_dir)
		return 0;
	snprintf(path, sizeof(path), "%s/aptpl_%s", g->op->lio_pr_dir, l->serial);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		why(g, "cannot read the reservations of LUN %u in %s: %s", l->number, path,
		    strerror(errno));
		return -errno;
	}
	n = read(fd, buf, sizeof(buf));
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc == 0 && (size_t)n == sizeof(buf))
		rc = -E2BIG;
	if (rc == 0)
		rc = lio_aptpl_parse(buf, (size_t)n, &g->aptpl[i], &g->n_aptpl[i], sub, sizeof(sub));
	if (rc)
		why(g, "the reservations of LUN %u in %s cannot be used: %s: repair or remove the "
		       "file",
		    l->number, path, rc == -EINVAL ? sub : strerror(-rc));
	return rc;
}

static int lio_prepare(struct lio *g)
{
	const struct iscsi_target *t = g->op->t;
	int rc;

	g->backing = calloc(t->n_luns ? t->n_luns : 1, sizeof(*g->backing));
	g->aptpl = calloc(t->n_luns ? t->n_luns : 1, sizeof(*g->aptpl));
	g->n_aptpl = calloc(t->n_luns ? t->n_luns : 1, sizeof(*g->n_aptpl));
	if (!g->backing || !g->aptpl || !g->n_aptpl)
		return -ENOMEM;
	for (size_t i = 0; i < t->n_luns; i++)
		if ((rc = lio_backing_load(g, i)) || (rc = lio_aptpl_load(g, i)))
			return rc;
	if (g->op->lio_pr_dir) {
		struct stat st;

		if (!g->dbroot[0]) {
			why(g, "cannot read LIO's dbroot, where the kernel writes reservations");
			return -EIO;
		}
		if (stat(g->op->lio_pr_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			why(g, "lio_pr_dir %s is not a directory (is the pool imported and the "
			       "dataset mounted?)",
			    g->op->lio_pr_dir);
			return -ENOENT;
		}
	}
	/* The kernel opens DBROOT/pr/aptpl_SERIAL and does not make
	 * directories; DBROOT itself (/var/target unless /etc/target existed
	 * when target_core_mod loaded) is made by targetcli's packages, which
	 * a head driven by this agent need not have. Without the directory a
	 * client's PERSISTENT RESERVE OUT with APTPL fails with NOT READY
	 * (measured on 6.1), so it is made without lio_pr_dir too (the file
	 * then stays on this head); only with lio_pr_dir is failing fatal. */
	if (g->dbroot[0]) {
		char pr[LIO_PATH_MAX + 8];

		snprintf(pr, sizeof(pr), "%s/pr", g->dbroot);
		rc = mkdir(pr, 0700) < 0 ? -errno : 0;
		if (rc == -ENOENT && mkdir(g->dbroot, 0755) == 0)
			rc = mkdir(pr, 0700) < 0 ? -errno : 0;
		if (rc && rc != -EEXIST && g->op->lio_pr_dir) {
			why(g, "cannot make %s: %s", pr, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static void lio_conf_fill(struct lio *g, struct lio_conf *c)
{
	char rel[16];

	memset(c, 0, sizeof(*c));
	c->t = g->op->t;
	c->backing = g->backing;
	c->secret = g->op->secret;
	c->out_secret = g->op->out_secret;
	c->dbroot = g->dbroot[0] ? g->dbroot : NULL;
	c->pr_dir = g->op->lio_pr_dir;
	c->alua_id = g->op->lio_alua_id;
	c->aptpl = (char **const *)g->aptpl;
	c->n_aptpl = g->n_aptpl;
	snprintf(rel, sizeof(rel), "iscsi");
	c->make_fabric = lio_cfs_exists(&g->cfs, rel) == 0;
}

static int lio_start(struct iscsi_op *op)
{
	struct lio_plan p = { 0 };
	struct lio_conf c;
	struct lio g;
	int rc, owns;

	if ((rc = lio_open(op, &g)))
		return rc;
	owns = lio_owns_any(&g);
	if (owns == 1) {
		char msg[ISCSI_WHY_MAX];

		rc = lio_check(&g);
		if (rc == 0) {
			op->why[0] = '\0';
			goto out; /* started already: nothing changes */
		}
		snprintf(msg, sizeof(msg), "%s", op->why);
		{
			char rel[LIO_PATH_MAX];

			snprintf(rel, sizeof(rel), "%s/enable", g.tpg);
			if (read_is(&g, rel, "1") == 1) {
				why(&g, "target %s is running in LIO with another configuration (%s): "
					"stop it first, or change luns and allowed_initiators by a "
					"reload",
				    op->t->iqn, msg);
				rc = -EEXIST;
				goto out;
			}
		}
		/* Never enabled: a start that died half-way. */
		if ((rc = lio_remove_all(&g, op->deadline, "removing a half-built target")))
			goto out;
		op->stats.undone = true;
	}
	op->why[0] = '\0';
	if ((rc = lio_prepare(&g)))
		goto out;
	lio_conf_fill(&g, &c);
	if ((rc = lio_plan_start(&c, &p))) {
		why(&g, "cannot plan the configfs tree: %s", strerror(-rc));
		goto out;
	}
	rc = run(&g, &p, op->deadline, "start");
	if (rc == 0) {
		op->stats.created += (unsigned)p.n;
		if ((rc = lio_check(&g))) {
			char msg[ISCSI_WHY_MAX];

			snprintf(msg, sizeof(msg), "%s", op->why);
			why(&g, "after start: %s", msg);
		}
	}
	if (rc) {
		char msg[ISCSI_WHY_MAX];

		snprintf(msg, sizeof(msg), "%s", op->why);
		lio_remove_all(&g, op->undo_deadline, "undo");
		op->stats.undone = true;
		snprintf(op->why, sizeof(op->why), "%s", msg);
	}
out:
	lio_plan_free(&p);
	lio_close(&g);
	return rc;
}

/* ---- stop ---- */

static int lio_stop(struct iscsi_op *op)
{
	struct lio g;
	int rc;

	rc = lio_open(op, &g);
	if (rc == -ENOTCONN) {
		op->why[0] = '\0';
		return 0; /* no LIO: nothing of ours exists */
	}
	if (rc)
		return rc;
	rc = lio_remove_all(&g, op->deadline, "stop");
	if (rc == 0 && lio_owns_any(&g) != 0) {
		why(&g, "target %s still has parts in LIO after stop", op->t->iqn);
		rc = -EIO;
	}
	lio_close(&g);
	return rc;
}

/* ---- monitor ---- */

static int lio_monitor(struct iscsi_op *op)
{
	struct lio g;
	int rc = lio_open(op, &g);

	if (rc == 0)
		rc = lio_check(&g);
	if (rc == 0 || rc == -ENOENT || rc == -ENOTCONN)
		goto out;
	/* Half of the target there and never enabled: a start that died. */
	if (lio_owns_any(&g) == 1) {
		char rel[LIO_PATH_MAX], msg[ISCSI_WHY_MAX];

		snprintf(rel, sizeof(rel), "%s/enable", g.tpg);
		snprintf(msg, sizeof(msg), "%s", op->why);
		if (read_is(&g, rel, "1") != 1)
			why(&g, "%s (a start left it half-built; stop removes it)", msg);
	}
out:
	lio_close(&g);
	return rc;
}

/* ---- reload ---- */

static bool conf_has_lun(const struct iscsi_target *t, unsigned n)
{
	for (size_t i = 0; i < t->n_luns; i++)
		if (t->luns[i].number == n)
			return true;
	return false;
}

static bool conf_has_acl(const struct iscsi_target *t, const char *name)
{
	for (size_t i = 0; i < t->n_acl; i++)
		if (t->acl[i].kind == ISCSI_ACL_NAME && strcmp(t->acl[i].text, name) == 0)
			return true;
	return false;
}

static int lio_reload(struct iscsi_op *op)
{
	const struct iscsi_target *t = op->t;
	struct lio_plan add = { 0 }, rm = { 0 }, undo = { 0 };
	struct names luns = { 0 }, acls = { 0 };
	char rel[LIO_PATH_MAX + 64], so[LIO_PATH_MAX], buf[LIO_PATH_MAX];
	bool all = t->n_acl == 1 && t->acl[0].kind == ISCSI_ACL_ALL;
	const char *keep[ISCSI_ACL_MAX];
	size_t keep_n = 0;
	struct lio_conf c;
	struct lio g;
	int rc;

	if ((rc = lio_open(op, &g)))
		return rc;
	snprintf(rel, sizeof(rel), "%s/enable", g.tpg);
	if (read_is(&g, rel, "1") != 1) {
		why(&g, "target %s is not running in LIO: nothing to reload", t->iqn);
		rc = -ENOENT;
		goto out;
	}
	snprintf(rel, sizeof(rel), "%s/attrib/generate_node_acls", g.tpg);
	if (read_is(&g, rel, all ? "1" : "0") != 1) {
		why(&g, "allowed_initiators changes between ALL and a list of names: that needs a "
			"restart on lio");
		rc = -EIO;
		goto out;
	}
	if ((rc = lio_prepare(&g)))
		goto out;
	lio_conf_fill(&g, &c);
	snprintf(rel, sizeof(rel), "%s/lun", g.tpg);
	if ((rc = list_dirs(&g, rel, &luns)))
		goto out;
	snprintf(rel, sizeof(rel), "%s/acls", g.tpg);
	if ((rc = list_dirs(&g, rel, &acls)))
		goto out;
	/* New LUNs go into the ACLs that exist and stay; new ACLs come
	 * after them, with every LUN. */
	for (size_t a = 0; a < acls.n && keep_n < ISCSI_ACL_MAX; a++)
		if (conf_has_acl(t, acls.v[a]))
			keep[keep_n++] = acls.v[a];
	/* What stays must stay as it is. */
	for (size_t i = 0; i < t->n_luns; i++) {
		const struct iscsi_lun *l = &t->luns[i];

		snprintf(buf, sizeof(buf), "lun_%u", l->number);
		if (!names_has(&luns, buf)) {
			if ((rc = lio_plan_add_lun(&c, i, keep, keep_n, &add)))
				goto out;
			continue;
		}
		if ((rc = tpg_lun_so(&g, l->number, so, sizeof(so))) < 0)
			goto out;
		snprintf(rel, sizeof(rel), "%s/udev_path", so);
		if (lio_cfs_read(&g.cfs, rel, buf, sizeof(buf)) < 0 || strcmp(buf, l->path) != 0) {
			why(&g, "LUN %u of target %s is backed by %s, not by %s: a LUN that keeps its "
				"number must keep its backing (remove it in one reload, add it in "
				"another)",
			    l->number, t->iqn, buf, l->path);
			rc = -EIO;
			goto out;
		}
	}
	for (size_t a = 0; !all && a < t->n_acl; a++)
		if (!names_has(&acls, t->acl[a].text) &&
		    (rc = lio_plan_add_acl(&c, t->acl[a].text, &add)))
			goto out;
	/* Removals: ACLs first (no new logins from there), then LUNs. */
	for (size_t i = 0; i < acls.n; i++)
		if (!conf_has_acl(t, acls.v[i]) && (rc = plan_rm_acl(&g, &rm, acls.v[i], -1)))
			goto out;
	for (size_t i = 0; i < luns.n; i++) {
		unsigned n;

		if (sscanf(luns.v[i], "lun_%u", &n) != 1 || conf_has_lun(t, n))
			continue;
		if ((rc = tpg_lun_so(&g, n, so, sizeof(so))) < 0)
			goto out;
		for (size_t a = 0; a < acls.n; a++)
			if (conf_has_acl(t, acls.v[a]) && (rc = plan_rm_acl(&g, &rm, acls.v[a], (int)n)))
				goto out;
		snprintf(rel, sizeof(rel), "%s/lun/%s", g.tpg, luns.v[i]);
		if ((rc = plan_rm_linkdir(&g, &rm, rel)))
			goto out;
		if (so[0] && (rc = plan_rm_so(&g, &rm, so)))
			goto out;
	}
	op->why[0] = '\0';
	rc = run(&g, &add, op->deadline, "reload");
	if (rc) {
		char msg[ISCSI_WHY_MAX];

		/* Undo the additions: what the plan made, newest first. */
		snprintf(msg, sizeof(msg), "%s", op->why);
		for (size_t i = add.n; i-- > 0;) {
			const struct lio_step *s = &add.steps[i];

			if (s->kind == LIO_MKDIR)
				lio_plan_add(&undo, LIO_RMDIR, s->path, NULL);
			else if (s->kind == LIO_SYMLINK)
				lio_plan_add(&undo, LIO_UNLINK, s->path, NULL);
			else if (s->kind == LIO_HOST_SYMLINK)
				lio_plan_add(&undo, LIO_HOST_UNLINK, s->path, NULL);
		}
		for (size_t i = 0; i < undo.n; i++)
			lio_step_do(&g.cfs, &undo.steps[i]);
		op->stats.undone = true;
		snprintf(op->why, sizeof(op->why), "%s", msg);
		goto out;
	}
	op->stats.created += add.n ? 1 : 0;
	if ((rc = run(&g, &rm, op->deadline, "reload")))
		goto out;
	op->stats.removed += rm.n ? 1 : 0;
	if ((rc = lio_check(&g))) {
		char msg[ISCSI_WHY_MAX];

		snprintf(msg, sizeof(msg), "%s", op->why);
		why(&g, "after reload: %s", msg);
	}
out:
	free(luns.v);
	free(acls.v);
	lio_plan_free(&add);
	lio_plan_free(&rm);
	lio_plan_free(&undo);
	lio_close(&g);
	return rc;
}

/* ---- the rest of the vtable ---- */

static int lio_target_check(const struct iscsi_target *t, char *whybuf, size_t whylen)
{
	for (size_t i = 0; i < t->n_acl; i++)
		if (t->acl[i].kind == ISCSI_ACL_ADDRESS) {
			snprintf(whybuf, whylen,
				 "LIO admits initiators by name only, not by address (%s): list "
				 "initiator names in allowed_initiators, or ALL",
				 t->acl[i].text);
			return -EINVAL;
		}
	if (t->n_portals == 0) {
		snprintf(whybuf, whylen, "lio needs portals (the addresses LIO listens on, usually "
					 "the floating IP)");
		return -EINVAL;
	}
	return 0;
}

static void lio_lock_name(const struct iscsi_op *op, char *buf, size_t len)
{
	(void)op;
	snprintf(buf, len, "lio");
}

const struct iscsi_backend iscsi_backend_lio = {
	.name = "lio",
	.tool = TOOL_COUNT_,
	.check = lio_target_check,
	.lock_name = lio_lock_name,
	.start = lio_start,
	.stop = lio_stop,
	.reload = lio_reload,
	.monitor = lio_monitor,
};
