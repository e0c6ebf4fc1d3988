/* The configfs plan of one LIO target. See iscsi_lio_plan.h. */
#include "config.h"
#include "iscsi_lio_plan.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APTPL_MAX 1024

void lio_hba_name(unsigned tid, bool block, char *buf, size_t len)
{
	snprintf(buf, len, "%s_%u", block ? "iblock" : "fileio", tid);
}

#define ADD(kind, arg, ...)                                                     \
	do {                                                                    \
		int rc_ = lio_plan_addf(p, kind, arg, __VA_ARGS__);             \
		if (rc_)                                                        \
			return rc_;                                             \
	} while (0)

/* A secret's write to BASE/auth/NAME: marked so that the plan wipes it
 * and never prints it. */
static int add_secret(struct lio_plan *p, const char *value, const char *base, const char *name)
{
	int rc = lio_plan_addf(p, LIO_WRITE, value, "%s/auth/%s", base, name);

	if (rc == 0)
		p->steps[p->n - 1].secret = true;
	return rc;
}

static int plan_so(const struct lio_conf *c, size_t i, struct lio_plan *p)
{
	const struct iscsi_target *t = c->t;
	const struct iscsi_lun *l = &t->luns[i];
	const struct lio_backing *b = &c->backing[i];
	char hba[32], so[64], ctl[ISCSI_PATH_MAX + 64], num[32];

	lio_hba_name(t->tid, b->block, hba, sizeof(hba));
	snprintf(so, sizeof(so), "core/%s/lun%u", hba, l->number);
	ADD(LIO_MKDIR, NULL, "%s", so);
	if (b->block)
		snprintf(ctl, sizeof(ctl), "udev_path=%s", l->path);
	else
		snprintf(ctl, sizeof(ctl), "fd_dev_name=%s,fd_dev_size=%llu", l->path, b->size);
	ADD(LIO_WRITE, ctl, "%s/control", so);
	ADD(LIO_WRITE, l->path, "%s/udev_path", so);
	/* Before the LUN is exported: the kernel refuses a serial after. */
	ADD(LIO_WRITE, l->serial, "%s/wwn/vpd_unit_serial", so);
	ADD(LIO_WRITE, "1", "%s/enable", so);
	ADD(LIO_WRITE, t->vendor, "%s/wwn/vendor_id", so);
	ADD(LIO_WRITE, t->product, "%s/wwn/product_id", so);
	ADD(LIO_WRITE, t->revision, "%s/wwn/revision", so);
	snprintf(num, sizeof(num), "%u", t->block_size);
	ADD(LIO_WRITE, num, "%s/attrib/block_size", so);
	/* iblock reports the device's own cache and refuses 1; 0 (write
	 * through, FUA on every write) is accepted by both. */
	if (!t->write_cache || !b->block)
		ADD(LIO_WRITE, t->write_cache ? "1" : "0", "%s/attrib/emulate_write_cache", so);
	/* Reservations given back before the LUN is exported: the kernel
	 * takes APTPL metadata only then. */
	for (size_t r = 0; c->aptpl && c->aptpl[i] && r < c->n_aptpl[i]; r++)
		ADD(LIO_WRITE, c->aptpl[i][r], "%s/pr/res_aptpl_metadata", so);
	if (c->dbroot && c->pr_dir) {
		char target[ISCSI_PATH_MAX + 64];

		snprintf(target, sizeof(target), "%s/aptpl_%s", c->pr_dir, l->serial);
		ADD(LIO_HOST_SYMLINK, target, "%s/pr/aptpl_%s", c->dbroot, l->serial);
	}
	if (c->alua_id) {
		snprintf(num, sizeof(num), "%u", c->alua_id);
		ADD(LIO_MKDIR, NULL, "%s/alua/th_%u", so, c->alua_id);
		ADD(LIO_WRITE, num, "%s/alua/th_%u/tg_pt_gp_id", so, c->alua_id);
		/* Implicit ALUA: the target decides the state; a new group
		 * starts active/optimized (0). */
		ADD(LIO_WRITE, "1", "%s/alua/th_%u/alua_access_type", so, c->alua_id);
	}
	return 0;
}

static int plan_tpg_lun(const struct lio_conf *c, size_t i, struct lio_plan *p)
{
	const struct iscsi_target *t = c->t;
	const struct iscsi_lun *l = &t->luns[i];
	char hba[32], so[64], group[32];

	lio_hba_name(t->tid, c->backing[i].block, hba, sizeof(hba));
	snprintf(so, sizeof(so), "core/%s/lun%u", hba, l->number);
	ADD(LIO_MKDIR, NULL, "iscsi/%s/tpgt_%u/lun/lun_%u", t->iqn, LIO_TPGT, l->number);
	ADD(LIO_SYMLINK, so, "iscsi/%s/tpgt_%u/lun/lun_%u/lun%u", t->iqn, LIO_TPGT, l->number,
	    l->number);
	if (c->alua_id) {
		snprintf(group, sizeof(group), "th_%u", c->alua_id);
		ADD(LIO_WRITE, group, "iscsi/%s/tpgt_%u/lun/lun_%u/alua_tg_pt_gp", t->iqn, LIO_TPGT,
		    l->number);
	}
	return 0;
}

static int plan_acl_lun(const struct lio_conf *c, const char *name, size_t i,
			struct lio_plan *p)
{
	const struct iscsi_target *t = c->t;
	unsigned n = t->luns[i].number;
	char lun[ISCSI_NAME_MAX + 64];

	snprintf(lun, sizeof(lun), "iscsi/%s/tpgt_%u/lun/lun_%u", t->iqn, LIO_TPGT, n);
	ADD(LIO_MKDIR, NULL, "iscsi/%s/tpgt_%u/acls/%s/lun_%u", t->iqn, LIO_TPGT, name, n);
	ADD(LIO_SYMLINK, lun, "iscsi/%s/tpgt_%u/acls/%s/lun_%u/lun_%u", t->iqn, LIO_TPGT, name, n,
	    n);
	return 0;
}

/* CHAP under base ("iscsi/IQN/tpgt_1" for generated ACLs, or an ACL). */
static int plan_auth(const struct lio_conf *c, const char *base, struct lio_plan *p)
{
	const struct iscsi_target *t = c->t;
	int rc;

	ADD(LIO_WRITE, t->user, "%s/auth/userid", base);
	if ((rc = add_secret(p, c->secret, base, "password")))
		return rc;
	if (t->out_user[0] && c->out_secret) {
		ADD(LIO_WRITE, t->out_user, "%s/auth/userid_mutual", base);
		if ((rc = add_secret(p, c->out_secret, base, "password_mutual")))
			return rc;
	}
	return 0;
}

int lio_plan_add_acl(const struct lio_conf *c, const char *name, struct lio_plan *p)
{
	const struct iscsi_target *t = c->t;
	char base[2 * ISCSI_NAME_MAX + 64];
	int rc;

	snprintf(base, sizeof(base), "iscsi/%s/tpgt_%u/acls/%s", t->iqn, LIO_TPGT, name);
	ADD(LIO_MKDIR, NULL, "%s", base);
	for (size_t i = 0; i < t->n_luns; i++)
		if ((rc = plan_acl_lun(c, name, i, p)))
			return rc;
	if (t->user[0] && c->secret)
		return plan_auth(c, base, p);
	return 0;
}

int lio_plan_add_lun(const struct lio_conf *c, size_t i, const char *const *acls, size_t n_acls,
		     struct lio_plan *p)
{
	int rc;

	if ((rc = plan_so(c, i, p)) || (rc = plan_tpg_lun(c, i, p)))
		return rc;
	for (size_t a = 0; a < n_acls; a++)
		if ((rc = plan_acl_lun(c, acls[a], i, p)))
			return rc;
	return 0;
}

int lio_plan_start(const struct lio_conf *c, struct lio_plan *p)
{
	const struct iscsi_target *t = c->t;
	char tpg[ISCSI_NAME_MAX + 32];
	bool all = t->n_acl == 1 && t->acl[0].kind == ISCSI_ACL_ALL;
	bool hba_made[2] = { false, false };
	int rc;

	if (c->make_fabric)
		ADD(LIO_MKDIR, NULL, "iscsi");
	for (size_t i = 0; i < t->n_luns; i++) {
		bool block = c->backing[i].block;
		char hba[32];

		if (!hba_made[block]) {
			lio_hba_name(t->tid, block, hba, sizeof(hba));
			ADD(LIO_MKDIR, NULL, "core/%s", hba);
			hba_made[block] = true;
		}
		if ((rc = plan_so(c, i, p)))
			return rc;
	}
	snprintf(tpg, sizeof(tpg), "iscsi/%s/tpgt_%u", t->iqn, LIO_TPGT);
	ADD(LIO_MKDIR, NULL, "iscsi/%s", t->iqn);
	ADD(LIO_MKDIR, NULL, "%s", tpg);
	for (size_t i = 0; i < t->n_portals; i++)
		ADD(LIO_MKDIR, NULL, "%s/np/%s", tpg, t->portals[i].text);
	for (size_t i = 0; i < t->n_luns; i++)
		if ((rc = plan_tpg_lun(c, i, p)))
			return rc;
	if (all) {
		ADD(LIO_WRITE, "1", "%s/attrib/generate_node_acls", tpg);
		ADD(LIO_WRITE, "1", "%s/attrib/cache_dynamic_acls", tpg);
		ADD(LIO_WRITE, "0", "%s/attrib/demo_mode_write_protect", tpg);
	} else {
		ADD(LIO_WRITE, "0", "%s/attrib/generate_node_acls", tpg);
		for (size_t a = 0; a < t->n_acl; a++)
			if ((rc = lio_plan_add_acl(c, t->acl[a].text, p)))
				return rc;
	}
	ADD(LIO_WRITE, t->user[0] ? "1" : "0", "%s/attrib/authentication", tpg);
	if (all && t->user[0] && c->secret && (rc = plan_auth(c, tpg, p)))
		return rc;
	/* Last: logins are refused until the TPG is enabled. */
	ADD(LIO_WRITE, "1", "%s/enable", tpg);
	return 0;
}

/* ---- the reservation file ---- */

void lio_aptpl_free(char **regs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(regs[i]);
	free(regs);
}

static bool key_value_ok(const char *s, size_t len)
{
	size_t k = 0;

	while (k < len && (islower((unsigned char)s[k]) || s[k] == '_'))
		k++;
	if (k == 0 || k >= len - 1 || s[k] != '=')
		return false;
	for (size_t i = k + 1; i < len; i++)
		if (!isgraph((unsigned char)s[i]) || s[i] == ',')
			return false;
	return true;
}

int lio_aptpl_parse(const char *text, size_t len, char ***regs, size_t *n, char *why,
		    size_t whylen)
{
	char **out = NULL, *cur = NULL;
	size_t nout = 0, cur_len = 0, line_no = 0;
	const char *p = text, *end;
	bool open = false;

	*regs = NULL;
	*n = 0;
	/* The kernel writes the text and its NUL. */
	while (len > 0 && text[len - 1] == '\0')
		len--;
	end = text + len;
	if (len == 0 || (len >= 32 && strncmp(text, "No Registrations or Reservations", 32) == 0 &&
			 strspn(text + 32, "\n") == len - 32))
		return 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)((nl ? nl : end) - p);

		line_no++;
		if (l == 0) {
			p += 1;
			continue;
		}
		if (l > 512 || memchr(p, '\0', l)) {
			snprintf(why, whylen, "line %zu is not text", line_no);
			goto bad;
		}
		if (!open && l > 13 && strncmp(p, "PR_REG_START:", 13) == 0) {
			if (nout == APTPL_MAX) {
				snprintf(why, whylen, "more than %d registrations", APTPL_MAX);
				goto bad;
			}
			open = true;
			cur = calloc(1, 1);
			cur_len = 0;
			if (!cur)
				goto nomem;
		} else if (open && l > 11 && strncmp(p, "PR_REG_END:", 11) == 0) {
			char **grown = realloc(out, (nout + 1) * sizeof(*out));

			if (!grown)
				goto nomem;
			out = grown;
			if (cur_len == 0) {
				snprintf(why, whylen, "line %zu ends an empty registration", line_no);
				goto bad;
			}
			out[nout++] = cur;
			cur = NULL;
			open = false;
		} else if (open && key_value_ok(p, l)) {
			char *grown = realloc(cur, cur_len + l + 2);

			if (!grown)
				goto nomem;
			cur = grown;
			if (cur_len)
				cur[cur_len++] = ',';
			memcpy(cur + cur_len, p, l);
			cur_len += l;
			cur[cur_len] = '\0';
		} else {
			snprintf(why, whylen, "line %zu is not what the kernel writes: '%.40s'", line_no,
				 p);
			goto bad;
		}
		p += l + (nl ? 1 : 0);
	}
	if (open) {
		snprintf(why, whylen, "the last registration is not closed (PR_REG_END missing)");
		goto bad;
	}
	*regs = out;
	*n = nout;
	return 0;
nomem:
	free(cur);
	lio_aptpl_free(out, nout);
	return -ENOMEM;
bad:
	free(cur);
	lio_aptpl_free(out, nout);
	return -EINVAL;
}
