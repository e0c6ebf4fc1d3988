/* Parsing and validation of the iscsitarget agent's parameters, and the
 * per-LUN identity derivation. See iscsi_conf.h. */
#include "config.h"
#include "iscsi_conf.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

#define ISCSI_DEFAULT_PORT 3260

void iscsi_target_free(struct iscsi_target *t)
{
	free(t->luns);
	t->luns = NULL;
	t->n_luns = 0;
}

static bool is_sep(char c)
{
	unsigned char u = (unsigned char)c;

	/* All five are at most ',': one comparison for most characters. */
	return u <= ',' && (u == ' ' || u == '\t' || u == '\n' || u == '\r' || u == ',');
}

int iscsi_list_each(const char *s, int (*fn)(const char *item, size_t len, void *arg),
		    void *arg)
{
	if (!s)
		return 0;
	while (*s) {
		size_t len = 0;
		int rc;

		while (is_sep(*s))
			s++;
		while (s[len] && !is_sep(s[len]))
			len++;
		if (len == 0)
			break;
		rc = fn(s, len, arg);
		if (rc)
			return rc;
		s += len;
	}
	return 0;
}

static bool is_hex(char c)
{
	return isxdigit((unsigned char)c) != 0;
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_hex(s[i]))
			return false;
	return true;
}

static int fail(char *why, size_t whylen, const char *msg)
{
	snprintf(why, whylen, "%s", msg);
	return -EINVAL;
}

/* The reversed domain of an iqn. name: labels of [a-z0-9-], neither empty
 * nor starting or ending with '-'. */
static bool iqn_authority_ok(const char *s, size_t n)
{
	size_t label = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i <= n; i++) {
		char c = i < n ? s[i] : '.';

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '-'))
			return false;
		if (label == 0 && c == '-')
			return false;
		label++;
	}
	return true;
}

int iscsi_name_check(const char *name, char *why, size_t whylen)
{
	size_t len = strlen(name);

	if (len == 0)
		return fail(why, whylen, "an empty iSCSI name");
	if (len > ISCSI_NAME_MAX) {
		snprintf(why, whylen, "an iSCSI name has at most %d bytes (RFC 3720), this one %zu",
			 ISCSI_NAME_MAX, len);
		return -EINVAL;
	}
	if (strncmp(name, "eui.", 4) == 0) {
		if (len != 4 + 16 || !all_hex(name + 4, 16))
			return fail(why, whylen,
				    "an eui. name is \"eui.\" and 16 hex digits (RFC 3720 3.2.6.3.2)");
		return 0;
	}
	if (strncmp(name, "naa.", 4) == 0) {
		if ((len != 4 + 16 && len != 4 + 32) || !all_hex(name + 4, len - 4))
			return fail(why, whylen,
				    "a naa. name is \"naa.\" and 16 or 32 hex digits (RFC 3980)");
		return 0;
	}
	if (strncmp(name, "iqn.", 4) != 0)
		return fail(why, whylen,
			    "an iSCSI name starts with iqn., eui. or naa. (RFC 3720 3.2.6.3)");

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (isupper(c))
			return fail(why, whylen,
				    "iSCSI names are lower case (initiators fold case, RFC 3722): "
				    "write the name in lower case");
		if (!(islower(c) || isdigit(c) || c == '-' || c == '.' || c == ':'))
			return fail(why, whylen,
				    "an iqn. name may contain only a-z, 0-9, '-', '.' and ':'");
	}
	/* iqn.yyyy-mm.authority[:unique] */
	if (len < 12 || !isdigit((unsigned char)name[4]) || !isdigit((unsigned char)name[5]) ||
	    !isdigit((unsigned char)name[6]) || !isdigit((unsigned char)name[7]) ||
	    name[8] != '-' || !isdigit((unsigned char)name[9]) ||
	    !isdigit((unsigned char)name[10]) || name[11] != '.')
		return fail(why, whylen,
			    "an iqn. name is iqn.YYYY-MM.reversed.domain[:identifier], "
			    "e.g. iqn.2024-01.com.example:storage.disk1");
	{
		int month = (name[9] - '0') * 10 + (name[10] - '0');
		const char *auth = name + 12;
		const char *colon = strchr(auth, ':');
		size_t auth_len = colon ? (size_t)(colon - auth) : strlen(auth);

		if (month < 1 || month > 12)
			return fail(why, whylen, "the month in an iqn. name is 01 to 12");
		if (!iqn_authority_ok(auth, auth_len) || memchr(auth, ':', auth_len))
			return fail(why, whylen,
				    "the naming authority of an iqn. name is a reversed domain name "
				    "(com.example) without empty or '-'-edged labels");
		if (colon && colon[1] == '\0')
			return fail(why, whylen, "an iqn. name must not end with ':'");
	}
	return 0;
}

/* ---- portals ---- */

struct portals_arg {
	struct iscsi_portal *out;
	size_t max, n;
	char *why;
	size_t whylen;
};

static int parse_port(const char *s, size_t n, unsigned *port)
{
	unsigned v = 0;

	if (n == 0 || n > 5 || s[0] == '0')
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -EINVAL;
	*port = v;
	return 0;
}

static int portal_one(const char *item, size_t len, void *argp)
{
	struct portals_arg *a = argp;
	char buf[NETADDR_STRLEN + 16], host[NETADDR_STRLEN + 1];
	struct iscsi_portal p = { .port = ISCSI_DEFAULT_PORT };
	const char *port = NULL;
	size_t port_len = 0, host_len;
	char fmt[NETADDR_STRLEN];

	if (len >= sizeof(buf)) {
		snprintf(a->why, a->whylen, "portal '%.*s...' is too long", 40, item);
		return -EINVAL;
	}
	memcpy(buf, item, len);
	buf[len] = '\0';
	if (buf[0] == '[') {
		char *end = strchr(buf, ']');

		if (!end) {
			snprintf(a->why, a->whylen, "portal '%s': missing ']' after the IPv6 address",
				 buf);
			return -EINVAL;
		}
		host_len = (size_t)(end - buf - 1);
		if (end[1] == ':') {
			port = end + 2;
			port_len = strlen(port);
		} else if (end[1] != '\0') {
			snprintf(a->why, a->whylen, "portal '%s': write [IPv6]:port", buf);
			return -EINVAL;
		}
		if (host_len >= sizeof(host))
			host_len = sizeof(host) - 1;
		memcpy(host, buf + 1, host_len);
		host[host_len] = '\0';
		if (netaddr_parse(host, &p.addr) < 0 || p.addr.family != AF_INET6) {
			snprintf(a->why, a->whylen, "portal '%s': '%s' is not an IPv6 address", buf,
				 host);
			return -EINVAL;
		}
	} else {
		char *colon = strchr(buf, ':');

		if (colon && strchr(colon + 1, ':')) {
			snprintf(a->why, a->whylen,
				 "portal '%s': put IPv6 addresses in brackets: [fd00::1]:3260", buf);
			return -EINVAL;
		}
		if (colon) {
			*colon = '\0';
			port = colon + 1;
			port_len = strlen(port);
		}
		if (netaddr_parse(buf, &p.addr) < 0 || p.addr.family != AF_INET) {
			snprintf(a->why, a->whylen,
				 "portal '%s' is not IPv4-ADDRESS[:PORT] or [IPv6-ADDRESS][:PORT] "
				 "(no host names)",
				 buf);
			return -EINVAL;
		}
	}
	if (port && parse_port(port, port_len, &p.port) < 0) {
		snprintf(a->why, a->whylen, "portal '%.*s': the port must be 1 to 65535",
			 (int)len, item);
		return -EINVAL;
	}
	{
		char reason[160];

		if (netaddr_check_floatable(&p.addr, reason, sizeof(reason)) < 0) {
			snprintf(a->why, a->whylen, "portal '%.*s': %s", (int)len, item, reason);
			return -EINVAL;
		}
	}
	netaddr_format(&p.addr, fmt);
	snprintf(p.text, sizeof(p.text), p.addr.family == AF_INET6 ? "[%s]:%u" : "%s:%u", fmt,
		 p.port);
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->out[i].text, p.text) == 0) {
			snprintf(a->why, a->whylen, "portal %s is listed twice", p.text);
			return -EINVAL;
		}
	if (a->n == a->max) {
		snprintf(a->why, a->whylen, "at most %zu portals", a->max);
		return -EINVAL;
	}
	a->out[a->n++] = p;
	return 0;
}

int iscsi_portals_parse(const char *s, struct iscsi_portal *out, size_t max, size_t *n,
			char *why, size_t whylen)
{
	struct portals_arg a = { .out = out, .max = max, .why = why, .whylen = whylen };
	int rc = iscsi_list_each(s, portal_one, &a);

	*n = rc ? 0 : a.n;
	return rc;
}

/* ---- LUNs ---- */

struct luns_arg {
	struct iscsi_lun *out;
	size_t n;
	char *paths;   /* where the next path goes, in the same allocation */
	char *why;
	size_t whylen;
};

/* Paths travel through tgtadm's comma-separated parameters, ctl.conf's
 * quoted strings, and tgtadm's show output, which monitor compares byte for
 * byte: keep them to one unambiguous spelling. */
static int path_check(const char *p, size_t len, char *why, size_t whylen)
{
	bool bad_comp = false;

	if (len == 0 || p[0] != '/') {
		snprintf(why, whylen, "backing path '%.*s' must be absolute", (int)len, p);
		return -EINVAL;
	}
	if (len >= ISCSI_PATH_MAX) {
		snprintf(why, whylen, "backing path '%.40s...' is longer than %d bytes", p,
			 ISCSI_PATH_MAX - 1);
		return -EINVAL;
	}
	/* One pass (monitor checks hundreds of paths on every call): a
	 * component is judged at the '/' or the end that closes it; a bad
	 * character is reported before a bad component. */
	for (size_t i = 1, comp = 0; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)p[i] : '/';

		if (c == '/') {
			if ((comp == 0 && i < len) || (comp == 1 && p[i - 1] == '.') ||
			    (comp == 2 && p[i - 1] == '.' && p[i - 2] == '.'))
				bad_comp = true;
			comp = 0;
			continue;
		}
		if (c < 0x21 || c == 0x7f || c == '"' || c == '\\' || c == ',' || c == '\'') {
			snprintf(why, whylen,
				 "backing path '%.*s' contains a character it may not have "
				 "(blank, comma, quote, backslash or control character)",
				 (int)len, p);
			return -EINVAL;
		}
		comp++;
	}
	if (bad_comp) {
		snprintf(why, whylen,
			 "backing path '%.*s' has an empty, '.' or '..' component: "
			 "write it in canonical form",
			 (int)len, p);
		return -EINVAL;
	}
	if (len > 1 && p[len - 1] == '/') {
		snprintf(why, whylen, "backing path '%.*s' ends with '/'", (int)len, p);
		return -EINVAL;
	}
	return 0;
}

static int lun_number_parse(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;

	if (n == 0 || n > 5 || (n > 1 && s[0] == '0'))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > ISCSI_LUN_NUMBER_MAX)
		return -EINVAL;
	*out = v;
	return 0;
}

static int lun_one(const char *item, size_t len, void *argp)
{
	struct luns_arg *a = argp;
	const char *colon = memchr(item, ':', len);
	struct iscsi_lun *l;
	unsigned number;
	int rc;

	if (!colon) {
		snprintf(a->why, a->whylen, "LUN entry '%.*s' is not NUMBER:/path", (int)len, item);
		return -EINVAL;
	}
	if (lun_number_parse(item, (size_t)(colon - item), &number) < 0) {
		snprintf(a->why, a->whylen, "LUN entry '%.*s': the LUN number must be 0 to %d",
			 (int)len, item, ISCSI_LUN_NUMBER_MAX);
		return -EINVAL;
	}
	rc = path_check(colon + 1, len - (size_t)(colon + 1 - item), a->why, a->whylen);
	if (rc)
		return rc;
	l = &a->out[a->n++];
	memset(l, 0, sizeof(*l));
	l->number = number;
	len -= (size_t)(colon + 1 - item);
	memcpy(a->paths, colon + 1, len);
	a->paths[len] = '\0';
	l->path = a->paths;
	a->paths += len + 1;
	return 0;
}

static int count_one(const char *item, size_t len, void *argp)
{
	(*(size_t *)argp)++;
	return 0;
}

static int lun_cmp(const void *x, const void *y)
{
	const struct iscsi_lun *a = x, *b = y;

	return a->number < b->number ? -1 : a->number > b->number;
}

/* A hash for the table below, eight bytes at a time (byte-wise FNV cost
 * more than the rest of the parse): each word is mixed in with a multiply
 * by the golden ratio and a fold of the high half. Only equal paths must
 * hash alike; a collision costs one strcmp. */
static uint64_t path_hash(const char *p)
{
	const uint64_t k = 0x9e3779b97f4a7c15ULL;
	size_t len = strlen(p), i = 0;
	uint64_t h = len * k, w;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 32;
	}
	for (w = 0; i < len; i++)
		w = (w << 8) | (unsigned char)p[i];
	h = (h ^ w) * k;
	return h ^ (h >> 29);
}

/* Duplicates without comparing every pair (a target may have hundreds of
 * LUNs, and monitor parses them on every call): numbers by sorting (a
 * no-op for the usual ascending list), paths through a hash table. */
static int luns_unique(struct iscsi_lun *l, size_t n, char *why, size_t whylen)
{
	size_t slots = 16, mask;
	const struct iscsi_lun **table;
	bool sorted = true;

	for (size_t i = 1; i < n; i++)
		sorted &= l[i - 1].number < l[i].number;
	if (!sorted)
		qsort(l, n, sizeof(*l), lun_cmp);
	for (size_t i = 1; i < n; i++)
		if (l[i].number == l[i - 1].number) {
			snprintf(why, whylen, "LUN %u is listed twice", l[i].number);
			return -EINVAL;
		}
	while (slots < 2 * n)
		slots *= 2;
	mask = slots - 1;
	table = calloc(slots, sizeof(*table));
	if (!table) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		size_t h = (size_t)path_hash(l[i].path) & mask;

		for (; table[h]; h = (h + 1) & mask)
			if (strcmp(table[h]->path, l[i].path) == 0) {
				snprintf(why, whylen, "%s backs both LUN %u and LUN %u: one file, one LUN",
					 l[i].path, table[h]->number, l[i].number);
				free(table);
				return -EINVAL;
			}
		table[h] = &l[i];
	}
	free(table);
	return 0;
}

int iscsi_luns_parse(const char *s, struct iscsi_lun **out, size_t *n, char *why,
		     size_t whylen)
{
	struct luns_arg a = { .why = why, .whylen = whylen };
	size_t count = 0;
	int rc;

	*out = NULL;
	*n = 0;
	iscsi_list_each(s, count_one, &count);
	if (count == 0) {
		snprintf(why, whylen, "no LUNs: give NUMBER:/path entries");
		return -EINVAL;
	}
	if (count > ISCSI_LUNS_MAX) {
		snprintf(why, whylen, "%zu LUNs: at most %d per target", count, ISCSI_LUNS_MAX);
		return -EINVAL;
	}
	/* The array, then every path with its NUL: never more than s. */
	a.out = malloc(count * sizeof(*a.out) + strlen(s) + 1);
	if (!a.out) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	a.paths = (char *)(a.out + count);
	rc = iscsi_list_each(s, lun_one, &a);
	if (rc == 0)
		rc = luns_unique(a.out, a.n, why, whylen);
	if (rc) {
		free(a.out);
		return rc;
	}
	*out = a.out;
	*n = a.n;
	return 0;
}

/* ---- ACL ---- */

struct acl_arg {
	struct iscsi_acl *out;
	size_t max, n;
	char *why;
	size_t whylen;
};

static int acl_one(const char *item, size_t len, void *argp)
{
	struct acl_arg *a = argp;
	struct iscsi_acl e = { .kind = ISCSI_ACL_ALL };
	char buf[ISCSI_NAME_MAX + 2];

	if (len >= sizeof(buf)) {
		snprintf(a->why, a->whylen, "initiator '%.40s...' is longer than %d bytes", item,
			 ISCSI_NAME_MAX);
		return -EINVAL;
	}
	memcpy(buf, item, len);
	buf[len] = '\0';
	if (strcmp(buf, "ALL") == 0) {
		e.kind = ISCSI_ACL_ALL;
		strcpy(e.text, "ALL");
	} else if (strncmp(buf, "iqn.", 4) == 0 || strncmp(buf, "eui.", 4) == 0 ||
		   strncmp(buf, "naa.", 4) == 0) {
		char reason[200];

		if (iscsi_name_check(buf, reason, sizeof(reason)) < 0) {
			snprintf(a->why, a->whylen, "initiator '%s': %s", buf, reason);
			return -EINVAL;
		}
		e.kind = ISCSI_ACL_NAME;
		strcpy(e.text, buf);
	} else {
		char host[NETADDR_STRLEN + 2], fmt[NETADDR_STRLEN];
		char *slash = strchr(buf, '/');
		char *h = buf;
		size_t hl;

		e.kind = ISCSI_ACL_ADDRESS;
		if (slash)
			*slash = '\0';
		hl = strlen(h);
		if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
			h++;
			hl -= 2;
		}
		if (hl >= sizeof(host) || (memcpy(host, h, hl), host[hl] = '\0',
					   netaddr_parse(host, &e.addr) < 0)) {
			snprintf(a->why, a->whylen,
				 "initiator '%.*s' is neither ALL, an iSCSI name (iqn./eui./naa.) "
				 "nor an address or network (10.0.0.5, 10.0.0.0/24, fd00::5)",
				 (int)len, item);
			return -EINVAL;
		}
		e.prefix = netaddr_max_prefix(&e.addr);
		if (slash) {
			long v;
			char *end;

			v = strtol(slash + 1, &end, 10);
			if (!isdigit((unsigned char)slash[1]) || *end || v < 0 ||
			    v > (long)netaddr_max_prefix(&e.addr)) {
				snprintf(a->why, a->whylen,
					 "initiator '%.*s': the prefix length must be 0 to %u",
					 (int)len, item, netaddr_max_prefix(&e.addr));
				return -EINVAL;
			}
			e.prefix = (unsigned)v;
		}
		netaddr_format(&e.addr, fmt);
		if (e.prefix == netaddr_max_prefix(&e.addr))
			snprintf(e.text, sizeof(e.text), "%s", fmt);
		else
			snprintf(e.text, sizeof(e.text), "%s/%u", fmt, e.prefix);
	}
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->out[i].text, e.text) == 0) {
			snprintf(a->why, a->whylen, "initiator %s is listed twice", e.text);
			return -EINVAL;
		}
	if (a->n == a->max) {
		snprintf(a->why, a->whylen, "at most %zu allowed initiators", a->max);
		return -EINVAL;
	}
	a->out[a->n++] = e;
	return 0;
}

int iscsi_acl_parse(const char *s, struct iscsi_acl *out, size_t max, size_t *n, char *why,
		    size_t whylen)
{
	struct acl_arg a = { .out = out, .max = max, .why = why, .whylen = whylen };
	bool all = false;
	int rc = iscsi_list_each(s, acl_one, &a);

	*n = 0;
	if (rc)
		return rc;
	for (size_t i = 0; i < a.n; i++)
		all |= out[i].kind == ISCSI_ACL_ALL;
	if (all && a.n > 1) {
		snprintf(why, whylen,
			 "ALL admits every initiator: give ALL alone, or the names and addresses "
			 "to admit");
		return -EINVAL;
	}
	*n = a.n;
	return 0;
}

/* ---- identities ---- */

struct override_arg {
	bool serial;
	struct iscsi_lun *luns;
	size_t n_luns;
	char *why;
	size_t whylen;
};

static int override_one(const char *item, size_t len, void *argp)
{
	struct override_arg *a = argp;
	const char *colon = memchr(item, ':', len);
	const char *v;
	size_t vlen;
	unsigned number;
	struct iscsi_lun *l = NULL;
	char buf[64];

	if (!colon || lun_number_parse(item, (size_t)(colon - item), &number) < 0) {
		snprintf(a->why, a->whylen, "'%.*s' is not LUN:VALUE", (int)len, item);
		return -EINVAL;
	}
	for (size_t i = 0; i < a->n_luns; i++)
		if (a->luns[i].number == number)
			l = &a->luns[i];
	if (!l) {
		snprintf(a->why, a->whylen, "'%.*s': LUN %u is not in luns", (int)len, item, number);
		return -EINVAL;
	}
	v = colon + 1;
	vlen = len - (size_t)(v - item);
	if (vlen >= sizeof(buf))
		vlen = sizeof(buf) - 1;
	memcpy(buf, v, vlen);
	buf[vlen] = '\0';
	if (a->serial) {
		char reason[160];

		if (l->serial[0]) {
			snprintf(a->why, a->whylen, "LUN %u has two serials", number);
			return -EINVAL;
		}
		if (iscsi_text_check(buf, ISCSI_SERIAL_MAX, reason, sizeof(reason)) < 0) {
			snprintf(a->why, a->whylen, "serial of LUN %u: %s", number, reason);
			return -EINVAL;
		}
		strcpy(l->serial, buf);
	} else {
		if (l->device_id[0]) {
			snprintf(a->why, a->whylen, "LUN %u has two device ids", number);
			return -EINVAL;
		}
		if (strlen(buf) != ISCSI_DEVICE_ID_LEN || !all_hex(buf, ISCSI_DEVICE_ID_LEN)) {
			snprintf(a->why, a->whylen, "device id of LUN %u must be %d hex digits", number,
				 ISCSI_DEVICE_ID_LEN);
			return -EINVAL;
		}
		for (size_t i = 0; i < ISCSI_DEVICE_ID_LEN; i++)
			l->device_id[i] = (char)tolower((unsigned char)buf[i]);
		l->device_id[ISCSI_DEVICE_ID_LEN] = '\0';
	}
	return 0;
}

int iscsi_lun_overrides_apply(const char *s, bool kind_serial, struct iscsi_lun *luns,
			      size_t n_luns, char *why, size_t whylen)
{
	struct override_arg a = { .serial = kind_serial, .luns = luns, .n_luns = n_luns,
				  .why = why, .whylen = whylen };

	return iscsi_list_each(s, override_one, &a);
}

void iscsi_lun_identity(const char *iqn, unsigned lun,
			char device_id[ISCSI_DEVICE_ID_LEN + 1],
			char serial[ISCSI_SERIAL_MAX + 1])
{
	uint8_t d[SHA256_DIGEST_LEN];
	struct sha256 s;
	char num[16];
	const uint8_t zero = 0;

	snprintf(num, sizeof(num), "%u", lun);
	sha256_init(&s);
	sha256_update(&s, iqn, strlen(iqn));
	sha256_update(&s, &zero, 1);
	sha256_update(&s, num, strlen(num));
	sha256_final(&s, d);
	hex_encode(d, ISCSI_DEVICE_ID_LEN / 2, device_id);
	hex_encode(d + ISCSI_DEVICE_ID_LEN / 2, ISCSI_SERIAL_MAX / 2, serial);
}

void iscsi_luns_identify(const char *iqn, struct iscsi_lun *luns, size_t n_luns)
{
	for (size_t i = 0; i < n_luns; i++) {
		char id[ISCSI_DEVICE_ID_LEN + 1], sn[ISCSI_SERIAL_MAX + 1];

		iscsi_lun_identity(iqn, luns[i].number, id, sn);
		if (!luns[i].device_id[0])
			strcpy(luns[i].device_id, id);
		if (!luns[i].serial[0])
			strcpy(luns[i].serial, sn);
	}
}

unsigned iscsi_tid_derive(const char *iqn)
{
	uint8_t d[SHA256_DIGEST_LEN];

	sha256(iqn, strlen(iqn), d);
	return 1 + ((unsigned)d[0] << 8 | d[1]) % 65535;
}

/* ---- small values ---- */

int iscsi_text_check(const char *s, size_t max, char *why, size_t whylen)
{
	size_t len = strlen(s);

	if (len == 0 || len > max) {
		snprintf(why, whylen, "must be 1 to %zu characters", max);
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x21 || c > 0x7e || strchr(",\"'=;#\\", c)) {
			snprintf(why, whylen,
				 "printable ASCII only, without blanks or any of , \" ' = ; # \\");
			return -EINVAL;
		}
	}
	return 0;
}

int iscsi_user_check(const char *s, char *why, size_t whylen)
{
	size_t len = strlen(s);

	if (len == 0 || len > ISCSI_USER_MAX) {
		snprintf(why, whylen, "a CHAP user name has 1 to %d characters", ISCSI_USER_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isalnum(c) && !strchr("._:@-", c)) {
			snprintf(why, whylen, "a CHAP user name may contain A-Z a-z 0-9 . _ : @ -");
			return -EINVAL;
		}
	}
	return 0;
}

int iscsi_secret_check(const char *s, size_t len, char *why, size_t whylen)
{
	if (len < ISCSI_SECRET_MIN || len > ISCSI_SECRET_MAX) {
		snprintf(why, whylen,
			 "the CHAP secret has %zu characters; use %d to %d (RFC 3720 8.2.1 asks for "
			 "at least 12 without IPsec; Microsoft's initiator and ctld accept at most "
			 "16)",
			 len, ISCSI_SECRET_MIN, ISCSI_SECRET_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x21 || c > 0x7e || c == ',' || c == '"' || c == '\\' || c == '\'') {
			snprintf(why, whylen,
				 "the CHAP secret must be printable ASCII without blanks, commas, "
				 "quotes or backslashes (character %zu is not)",
				 i + 1);
			return -EINVAL;
		}
	}
	return 0;
}

int iscsi_block_size_check(long bs, char *why, size_t whylen)
{
	if (bs != 512 && bs != 1024 && bs != 2048 && bs != 4096) {
		snprintf(why, whylen, "the block size must be 512, 1024, 2048 or 4096");
		return -EINVAL;
	}
	return 0;
}
