/* ctl.conf fragments and splicing. See iscsi_ctld_conf.h.
 *
 * Every string value is written in double quotes: ctld's lexer takes
 * "[^"]+" verbatim, and the parameter checks keep quotes out of every
 * value, so nothing needs escaping. */
#include "config.h"
#include "iscsi_ctld_conf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "strbuf.h"

void ctld_group_name(const char *iqn, char out[24])
{
	uint8_t d[SHA256_DIGEST_LEN];
	char hex[13];

	sha256(iqn, strlen(iqn), d);
	hex_encode(d, 6, hex);
	snprintf(out, 24, "twinhead-%s", hex);
}

char *ctld_fragment(const struct iscsi_target *t, const char *secret, const char *out_secret,
		    const char *resource)
{
	struct strbuf b = { 0 };
	char group[24];
	bool any = false;

	ctld_group_name(t->iqn, group);
	strbuf_printf(&b, CTLD_MARK_BEGIN "%s\n", t->iqn);
	strbuf_printf(&b, "# Written by ocf:twinhead:iscsitarget (resource %s); do not edit:\n",
		  resource && *resource ? resource : "-");
	strbuf_printf(&b, "# the agent rewrites this block at start and removes it at stop.\n");

	strbuf_printf(&b, "auth-group \"%s\" {\n", group);
	if (t->n_acl == 0) {
		strbuf_printf(&b, "\tauth-type \"deny\"\n");
	} else {
		if (t->user[0] && secret && t->out_user[0] && out_secret)
			strbuf_printf(&b, "\tchap-mutual \"%s\" \"%s\" \"%s\" \"%s\"\n", t->user,
				      secret, t->out_user, out_secret);
		else if (t->user[0] && secret)
			strbuf_printf(&b, "\tchap \"%s\" \"%s\"\n", t->user, secret);
		else
			strbuf_printf(&b, "\tauth-type \"none\"\n");
		for (size_t i = 0; i < t->n_acl; i++)
			if (t->acl[i].kind == ISCSI_ACL_NAME)
				strbuf_printf(&b, "\tinitiator-name \"%s\"\n", t->acl[i].text);
		for (size_t i = 0; i < t->n_acl; i++)
			if (t->acl[i].kind == ISCSI_ACL_ADDRESS)
				strbuf_printf(&b, "\tinitiator-portal \"%s\"\n", t->acl[i].text);
	}
	strbuf_printf(&b, "}\n");

	if (t->n_portals > 0) {
		strbuf_printf(&b, "portal-group \"%s\" {\n", group);
		/* Discovery lists the target only to initiators its ACL admits. */
		strbuf_printf(&b, "\tdiscovery-auth-group \"no-authentication\"\n");
		strbuf_printf(&b, "\tdiscovery-filter \"portal-name\"\n");
		for (size_t i = 0; i < t->n_portals; i++)
			strbuf_printf(&b, "\tlisten \"%s\"\n", t->portals[i].text);
		strbuf_printf(&b, "}\n");
		any = true;
	}

	strbuf_printf(&b, "target \"%s\" {\n", t->iqn);
	strbuf_printf(&b, "\tauth-group \"%s\"\n", group);
	if (any)
		strbuf_printf(&b, "\tportal-group \"%s\"\n", group);
	for (size_t i = 0; i < t->n_luns; i++) {
		const struct iscsi_lun *l = &t->luns[i];

		strbuf_printf(&b, "\tlun %u {\n", l->number);
		strbuf_printf(&b, "\t\tpath \"%s\"\n", l->path);
		strbuf_printf(&b, "\t\tblocksize %u\n", t->block_size);
		strbuf_printf(&b, "\t\tserial \"%s\"\n", l->serial);
		strbuf_printf(&b, "\t\tdevice-id \"%s\"\n", l->device_id);
		strbuf_printf(&b, "\t\toption \"vendor\" \"%s\"\n", t->vendor);
		strbuf_printf(&b, "\t\toption \"product\" \"%s\"\n", t->product);
		strbuf_printf(&b, "\t\toption \"revision\" \"%s\"\n", t->revision);
		strbuf_printf(&b, "\t\toption \"naa\" \"0x6%s\"\n", l->device_id + 1);
		strbuf_printf(&b, "\t\toption \"writecache\" \"%s\"\n", t->write_cache ? "on" : "off");
		strbuf_printf(&b, "\t}\n");
	}
	strbuf_printf(&b, "}\n");
	strbuf_printf(&b, CTLD_MARK_END "%s\n", t->iqn);
	return strbuf_take(&b);
}

/* Finds the line that is exactly mark + iqn, from p on. Returns its start
 * or NULL; *next is the start of the following line. */
static const char *find_line(const char *p, const char *mark, const char *iqn, const char **next)
{
	size_t ml = strlen(mark), il = strlen(iqn);

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len == ml + il && strncmp(p, mark, ml) == 0 && strncmp(p + ml, iqn, il) == 0) {
			*next = nl ? nl + 1 : p + len;
			return p;
		}
		p += len + (nl ? 1 : 0);
	}
	return NULL;
}

/* Locates the block: [*begin, *end) including the END line. Returns 1
 * found, 0 absent, -EPROTO damaged. */
static int locate(const char *text, const char *iqn, const char **begin, const char **end)
{
	const char *b, *after_b, *e, *after_e, *again;

	b = find_line(text, CTLD_MARK_BEGIN, iqn, &after_b);
	e = find_line(text, CTLD_MARK_END, iqn, &after_e);
	if (!b && !e)
		return 0;
	if (!b || !e || e < b)
		return -EPROTO;
	if (find_line(after_b, CTLD_MARK_BEGIN, iqn, &again) ||
	    find_line(after_e, CTLD_MARK_END, iqn, &again))
		return -EPROTO;
	*begin = b;
	*end = after_e;
	return 1;
}

int ctld_conf_has_block(const char *text, const char *iqn)
{
	const char *b, *e;

	return locate(text, iqn, &b, &e);
}

char *ctld_conf_splice(const char *old, const char *iqn, const char *block, int *err,
		       int *changed)
{
	struct strbuf b = { 0 };
	const char *begin, *end;
	char *out;
	int found = locate(old, iqn, &begin, &end);

	*err = 0;
	*changed = 0;
	if (found < 0) {
		*err = found;
		return NULL;
	}
	if (found) {
		strbuf_printf(&b, "%.*s", (int)(begin - old), old);
		if (block)
			strbuf_printf(&b, "%s", block);
		strbuf_printf(&b, "%s", end);
	} else {
		strbuf_printf(&b, "%s", old);
		if (block) {
			if (*old && old[strlen(old) - 1] != '\n')
				strbuf_printf(&b, "\n");
			strbuf_printf(&b, "%s", block);
		}
	}
	out = strbuf_take(&b);
	if (!out) {
		*err = -ENOMEM;
		return NULL;
	}
	*changed = strcmp(out, old) != 0;
	return out;
}
