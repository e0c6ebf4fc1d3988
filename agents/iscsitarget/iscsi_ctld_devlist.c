/* Parsing `ctladm devlist -x`. See iscsi_ctld_devlist.h.
 *
 * The kernel's format (sys/cam/ctl/ctl.c, CTL_LUN_LIST), line by line:
 *   <ctllunlist>
 *   <lun id="N">
 *   \t<NAME>VALUE</NAME>      backend_type, lun_type, size, blocksize,
 *                             serial_number, device_id, the backend's
 *                             own lines, then one per LUN option
 *   </lun>
 *   </ctllunlist>
 */
#include "config.h"
#include "iscsi_ctld_devlist.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ctld_devlist_free(struct ctld_devlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->luns[i].ctld_name);
		free(l->luns[i].file);
		free(l->luns[i].serial);
		free(l->luns[i].device_id);
	}
	free(l->luns);
	l->luns = NULL;
	l->n = 0;
}

static int bad(char *why, size_t whylen, size_t line, const char *what, const char *l,
	       size_t len)
{
	snprintf(why, whylen, "ctladm devlist line %zu: %s: '%.*s'", line, what,
		 (int)(len > 80 ? 80 : len), l);
	return -EPROTO;
}

/* "\t<name>value</name>": name [a-z0-9_.-]+, value up to the closing tag
 * at the end of the line. */
static bool element(const char *l, size_t len, const char **name, size_t *nlen,
		    const char **value, size_t *vlen)
{
	const char *gt;
	size_t n;

	if (len < 7 || l[0] != '\t' || l[1] != '<')
		return false;
	gt = memchr(l + 2, '>', len - 2);
	if (!gt)
		return false;
	n = (size_t)(gt - (l + 2));
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)l[2 + i];

		if (!(islower(c) || isdigit(c) || c == '_' || c == '-' || c == '.'))
			return false;
	}
	/* The line ends with "</" name ">". */
	if (len < 2 + n + 1 + n + 3 || l[len - 1] != '>' || strncmp(l + len - n - 3, "</", 2) != 0 ||
	    strncmp(l + len - n - 1, l + 2, n) != 0)
		return false;
	*name = l + 2;
	*nlen = n;
	*value = gt + 1;
	*vlen = (size_t)((l + len - n - 3) - *value);
	return true;
}

int ctld_devlist_parse(const char *xml, size_t len, struct ctld_devlist *out, char *why,
		       size_t whylen)
{
	enum { BEFORE, LIST, LUN, AFTER } state = BEFORE;
	struct ctld_lun *cur = NULL;
	size_t line = 0;
	const char *p = xml, *end = xml + len;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	/* The kernel's string ends with a NUL that ctladm may pass on. */
	while (end > p && end[-1] == '\0')
		end--;
	while (p < end && !rc) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		line++;
		for (size_t i = 0; i < l; i++)
			if ((unsigned char)p[i] < 0x20 && p[i] != '\t') {
				rc = bad(why, whylen, line, "control character", p, l);
				break;
			}
		if (rc)
			break;
		switch (state) {
		case BEFORE:
			if (l == 12 && strncmp(p, "<ctllunlist>", 12) == 0)
				state = LIST;
			else
				rc = bad(why, whylen, line, "expected <ctllunlist>", p, l);
			break;
		case LIST:
			if (l == 13 && strncmp(p, "</ctllunlist>", 13) == 0) {
				state = AFTER;
			} else if (l > 11 && strncmp(p, "<lun id=\"", 9) == 0 &&
				   strncmp(p + l - 2, "\">", 2) == 0) {
				struct ctld_lun *grown;
				unsigned long id = 0;
				size_t digits = l - 11;

				if (digits == 0 || digits > 9 || (p[9] == '0' && digits > 1)) {
					rc = bad(why, whylen, line, "bad LUN id", p, l);
					break;
				}
				for (size_t i = 0; i < digits; i++) {
					if (!isdigit((unsigned char)p[9 + i])) {
						rc = bad(why, whylen, line, "bad LUN id", p, l);
						break;
					}
					id = id * 10 + (unsigned long)(p[9 + i] - '0');
				}
				if (rc)
					break;
				for (size_t i = 0; i < out->n; i++)
					if (out->luns[i].id == id)
						rc = bad(why, whylen, line, "LUN listed twice", p, l);
				if (rc)
					break;
				grown = realloc(out->luns, (out->n + 1) * sizeof(*out->luns));
				if (!grown) {
					rc = -ENOMEM;
					break;
				}
				out->luns = grown;
				cur = &out->luns[out->n++];
				memset(cur, 0, sizeof(*cur));
				cur->id = id;
				state = LUN;
			} else {
				rc = bad(why, whylen, line, "expected <lun id=\"N\"> or </ctllunlist>", p,
					 l);
			}
			break;
		case LUN: {
			const char *name, *value;
			size_t nlen, vlen;
			char **slot = NULL;

			if (l == 6 && strncmp(p, "</lun>", 6) == 0) {
				state = LIST;
				break;
			}
			if (!element(p, l, &name, &nlen, &value, &vlen)) {
				rc = bad(why, whylen, line, "expected \\t<name>value</name> or </lun>", p,
					 l);
				break;
			}
			if (nlen == 9 && strncmp(name, "ctld_name", 9) == 0)
				slot = &cur->ctld_name;
			else if (nlen == 4 && strncmp(name, "file", 4) == 0)
				slot = &cur->file;
			else if (nlen == 13 && strncmp(name, "serial_number", 13) == 0)
				slot = &cur->serial;
			else if (nlen == 9 && strncmp(name, "device_id", 9) == 0)
				slot = &cur->device_id;
			if (!slot)
				break;
			if (*slot) {
				rc = bad(why, whylen, line, "element given twice", p, l);
				break;
			}
			*slot = strndup(value, vlen);
			if (!*slot)
				rc = -ENOMEM;
			break;
		}
		case AFTER:
			rc = bad(why, whylen, line, "text after </ctllunlist>", p, l);
			break;
		}
		p = nl ? nl + 1 : end;
	}
	if (!rc && state != AFTER) {
		snprintf(why, whylen, "ctladm devlist output ends before </ctllunlist>");
		rc = -EPROTO;
	}
	if (rc)
		ctld_devlist_free(out);
	return rc;
}

/* ctld names a LUN defined inside a target block "TARGET,lun,N". */
static bool name_matches(const char *name, const char *iqn, unsigned lun, bool any_lun)
{
	size_t il = strlen(iqn);
	const char *rest;
	unsigned long v = 0;

	if (!name || strncmp(name, iqn, il) != 0 || strncmp(name + il, ",lun,", 5) != 0)
		return false;
	rest = name + il + 5;
	if (!*rest || (rest[0] == '0' && rest[1]))
		return false;
	for (const char *c = rest; *c; c++) {
		if (!isdigit((unsigned char)*c) || v > 100000)
			return false;
		v = v * 10 + (unsigned long)(*c - '0');
	}
	return any_lun || v == lun;
}

const struct ctld_lun *ctld_devlist_find(const struct ctld_devlist *l, const char *iqn,
					 unsigned lun)
{
	for (size_t i = 0; i < l->n; i++)
		if (name_matches(l->luns[i].ctld_name, iqn, lun, false))
			return &l->luns[i];
	return NULL;
}

size_t ctld_devlist_count(const struct ctld_devlist *l, const char *iqn)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += name_matches(l->luns[i].ctld_name, iqn, 0, true) ? 1 : 0;
	return n;
}
