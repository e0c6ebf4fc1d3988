/* Parsers for zpool and zfs output. See zpool_parse.h. */
#include "config.h"
#include "zpool_parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const health_names[] = {
	[ZPOOL_HEALTH_UNKNOWN] = "UNKNOWN",
	[ZPOOL_HEALTH_ONLINE] = "ONLINE",
	[ZPOOL_HEALTH_DEGRADED] = "DEGRADED",
	[ZPOOL_HEALTH_FAULTED] = "FAULTED",
	[ZPOOL_HEALTH_OFFLINE] = "OFFLINE",
	[ZPOOL_HEALTH_UNAVAIL] = "UNAVAIL",
	[ZPOOL_HEALTH_REMOVED] = "REMOVED",
	[ZPOOL_HEALTH_SUSPENDED] = "SUSPENDED",
	[ZPOOL_HEALTH_AVAIL] = "AVAIL",
	[ZPOOL_HEALTH_INUSE] = "INUSE",
};

#define N_HEALTH (sizeof(health_names) / sizeof(health_names[0]))

static const char *const err_names[] = {
	[ZPOOL_ERR_OTHER] = "other",
	[ZPOOL_ERR_NO_SERVICE] = "no-service",
	[ZPOOL_ERR_PERM] = "permission",
	[ZPOOL_ERR_NOT_FOUND] = "not-found",
	[ZPOOL_ERR_NO_SUCH_POOL] = "no-such-pool",
	[ZPOOL_ERR_IN_USE] = "in-use",
	[ZPOOL_ERR_ACTIVE] = "active-elsewhere",
	[ZPOOL_ERR_MMP_NO_HOSTID] = "multihost-no-hostid",
	[ZPOOL_ERR_EXISTS] = "exists",
	[ZPOOL_ERR_BUSY] = "busy",
	[ZPOOL_ERR_NO_OPTION_N] = "no-import-N",
	[ZPOOL_ERR_BAD_OPTION] = "usage",
};

/* ---- small helpers over (pointer, length) text ---- */

/* Next line of buf[0..len) at *pos, without its '\n'. Returns 0 at end. */
static int zp_line(const char *buf, size_t len, size_t *pos, const char **ln, size_t *n)
{
	const char *nl;

	if (*pos >= len)
		return 0;
	*ln = buf + *pos;
	nl = memchr(*ln, '\n', len - *pos);
	*n = nl ? (size_t)(nl - *ln) : len - *pos;
	*pos += *n + (nl ? 1 : 0);
	return 1;
}

/* Case-insensitive search for needle in hay[0..len); returns its offset or
 * -1. Bounded by len: hay need not be NUL-terminated. */
static long zp_find(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0 || n > len)
		return n == 0 ? 0 : -1;
	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return (long)i;
	return -1;
}

static bool zp_has(const char *hay, size_t len, const char *needle)
{
	return zp_find(hay, len, needle) >= 0;
}

static bool zp_has_exact(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

static bool zp_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits ln[0..n) at blanks into at most max words. Returns the count, or
 * max + 1 when there are more. */
struct zp_word {
	const char *p;
	size_t n;
};

static size_t zp_words(const char *ln, size_t n, struct zp_word *w, size_t max)
{
	size_t count = 0, i = 0;

	while (i < n) {
		while (i < n && zp_blank(ln[i]))
			i++;
		if (i >= n)
			break;
		if (count == max)
			return max + 1;
		w[count].p = ln + i;
		while (i < n && !zp_blank(ln[i]))
			i++;
		w[count].n = (size_t)(ln + i - w[count].p);
		count++;
	}
	return count;
}

static bool zp_word_is(const struct zp_word *w, const char *s)
{
	return strlen(s) == w->n && memcmp(w->p, s, w->n) == 0;
}

static bool zp_upper_word(const char *s, size_t n)
{
	if (n == 0 || n >= ZPOOL_WORD_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return true;
}

static void zp_copy(char *dst, size_t dstlen, const char *src, size_t n)
{
	if (n >= dstlen)
		n = dstlen - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ---- health ---- */

enum zpool_health zpool_parse_health(const char *word, size_t len)
{
	for (size_t i = 1; i < N_HEALTH; i++)
		if (strlen(health_names[i]) == len && memcmp(health_names[i], word, len) == 0)
			return (enum zpool_health)i;
	return ZPOOL_HEALTH_UNKNOWN;
}

const char *zpool_failmode_name(uint64_t failmode)
{
	static const char *const names[] = { "wait", "continue", "panic" };

	return failmode < sizeof(names) / sizeof(names[0]) ? names[failmode] : "?";
}

const char *zpool_health_name(enum zpool_health h)
{
	return (unsigned)h < N_HEALTH ? health_names[h] : "UNKNOWN";
}

const char *zpool_err_name(enum zpool_err e)
{
	return (unsigned)e < sizeof(err_names) / sizeof(err_names[0]) ? err_names[e] : "?";
}

/* ---- zpool list -H -o name,health,guid ---- */

int zpool_parse_list(const char *out, size_t len, struct zpool_row *row)
{
	const char *t1, *t2, *end;
	char guid[24];
	size_t n;

	if (!out || len < 2 || out[len - 1] != '\n' || memchr(out, '\n', len - 1) ||
	    memchr(out, '\0', len))
		return -EINVAL;
	end = out + len - 1;
	t1 = memchr(out, '\t', (size_t)(end - out));
	if (!t1)
		return -EINVAL;
	t2 = memchr(t1 + 1, '\t', (size_t)(end - t1 - 1));
	if (!t2 || memchr(t2 + 1, '\t', (size_t)(end - t2 - 1)))
		return -EINVAL;

	n = (size_t)(t1 - out);
	if (n == 0 || n >= sizeof(row->name))
		return -EINVAL;
	memcpy(row->name, out, n);
	row->name[n] = '\0';
	if (zpool_name_check(row->name, NULL, 0) < 0)
		return -EINVAL;

	n = (size_t)(t2 - t1 - 1);
	if (!zp_upper_word(t1 + 1, n))
		return -EINVAL;
	zp_copy(row->health_word, sizeof(row->health_word), t1 + 1, n);
	row->health = zpool_parse_health(t1 + 1, n);

	n = (size_t)(end - t2 - 1);
	if (n == 0 || n >= sizeof(guid))
		return -EINVAL;
	memcpy(guid, t2 + 1, n);
	guid[n] = '\0';
	return zpool_name_parse_guid(guid, &row->guid);
}

/* ---- zpool status ---- */

/* An error count: 0, 12, 1.2K, 3M ... Sets *nonzero. */
static bool zp_count(const struct zp_word *w, bool *nonzero)
{
	size_t i = 0;
	bool digits = false;

	*nonzero = false;
	for (; i < w->n && isdigit((unsigned char)w->p[i]); i++) {
		digits = true;
		if (w->p[i] != '0')
			*nonzero = true;
	}
	if (!digits)
		return false;
	if (i < w->n && w->p[i] == '.') {
		size_t frac = ++i;

		for (; i < w->n && isdigit((unsigned char)w->p[i]); i++)
			if (w->p[i] != '0')
				*nonzero = true;
		if (i == frac)
			return false;
	}
	if (i < w->n && strchr("KMGTPE", w->p[i]))
		i++;
	return i == w->n;
}

static bool zp_section_title(const struct zp_word *w)
{
	static const char *const titles[] = { "logs", "cache", "spares", "special", "dedup",
					      NULL };

	for (unsigned i = 0; titles[i]; i++)
		if (zp_word_is(w, titles[i]))
			return true;
	return false;
}

/* The "key:" of a paragraph line ("  pool: x", " state: ONLINE"), or
 * NULL for a continuation line (tab-indented) or anything else. */
static const char *zp_key(const char *ln, size_t n, size_t *klen, const char **val,
			  size_t *vlen)
{
	size_t i = 0, k;

	while (i < n && ln[i] == ' ')
		i++;
	if (i < n && ln[i] == '\t')
		return NULL;
	k = i;
	while (i < n && ln[i] >= 'a' && ln[i] <= 'z')
		i++;
	if (i == k || i >= n || ln[i] != ':')
		return NULL;
	*klen = i - k;
	i++;
	while (i < n && zp_blank(ln[i]))
		i++;
	*val = ln + i;
	*vlen = n - i;
	while (*vlen && zp_blank((*val)[*vlen - 1]))
		(*vlen)--;
	return ln + k;
}

static bool zp_key_is(const char *key, size_t klen, const char *s)
{
	return strlen(s) == klen && memcmp(key, s, klen) == 0;
}

/* One row of the config table. Returns 0, or -EINVAL. */
static int zp_status_row(struct zpool_status *st, const char *ln, size_t n, bool *in_spares,
			 const char *pool)
{
	struct zp_word w[16];
	size_t count = zp_words(ln, n, w, 15), s;
	enum zpool_health h;
	bool bad = false, nz[3] = { false, false, false };
	char name[128];

	if (count == 0)
		return 0;
	if (count > 15)
		return -EINVAL;
	if (count == 1) {
		if (!zp_section_title(&w[0]))
			return -EINVAL;
		*in_spares = zp_word_is(&w[0], "spares");
		return 0;
	}
	/* The state is the first upper-case word after the name; names with
	 * blanks are rare but legal for files. */
	for (s = 1; s < count && !zp_upper_word(w[s].p, w[s].n); s++)
		;
	if (s == count)
		return -EINVAL;
	h = zpool_parse_health(w[s].p, w[s].n);
	{
		size_t nlen = (size_t)(w[s - 1].p + w[s - 1].n - w[0].p);

		zp_copy(name, sizeof(name), w[0].p, nlen);
	}
	if (st->vdevs == 0 && strcmp(name, pool) != 0)
		return -EINVAL;
	st->vdevs++;

	if (*in_spares) {
		/* AVAIL / INUSE / UNAVAIL spares; no counters to read. */
		if (h != ZPOOL_HEALTH_AVAIL && h != ZPOOL_HEALTH_INUSE && h != ZPOOL_HEALTH_ONLINE)
			bad = true;
	} else {
		if (count < s + 4)
			return -EINVAL;
		for (unsigned i = 0; i < 3; i++)
			if (!zp_count(&w[s + 1 + i], &nz[i]))
				return -EINVAL;
		if (nz[0] || nz[1] || nz[2])
			st->vdevs_with_errors++;
		if (h != ZPOOL_HEALTH_ONLINE) {
			st->vdevs_not_online++;
			bad = true;
		}
		bad = bad || nz[0] || nz[1] || nz[2];
	}
	if (bad && !st->have_bad_vdev) {
		st->have_bad_vdev = true;
		snprintf(st->bad.name, sizeof(st->bad.name), "%s", name);
		st->bad.state = h;
		zp_copy(st->bad.state_word, sizeof(st->bad.state_word), w[s].p, w[s].n);
		if (!*in_spares) {
			st->bad.has_counts = true;
			st->bad.counts_nonzero = nz[0] || nz[1] || nz[2];
			zp_copy(st->bad.read, ZPOOL_WORD_MAX, w[s + 1].p, w[s + 1].n);
			zp_copy(st->bad.write, ZPOOL_WORD_MAX, w[s + 2].p, w[s + 2].n);
			zp_copy(st->bad.cksum, ZPOOL_WORD_MAX, w[s + 3].p, w[s + 3].n);
		}
	}
	return 0;
}

static void zp_status_errors(struct zpool_status *st, const char *val, size_t vlen)
{
	size_t i = 0;
	bool nonzero = false;

	zp_copy(st->errors, sizeof(st->errors), val, vlen);
	for (char *p = st->errors; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	if (zp_has(val, vlen, "no known data errors")) {
		st->errors_known = true;
		return;
	}
	while (i < vlen && isdigit((unsigned char)val[i])) {
		if (val[i] != '0')
			nonzero = true;
		i++;
	}
	if (i > 0 && zp_has(val + i, vlen - i, " data error")) {
		st->errors_known = true;
		st->data_errors = nonzero;
	}
}

int zpool_parse_status(const char *out, size_t len, const char *pool, struct zpool_status *st)
{
	enum { HEAD, STATUS, CONFIG, TABLE, AFTER } where = HEAD;
	bool have_pool = false, have_state = false, have_table = false, in_spares = false;
	const char *ln, *key, *val;
	size_t pos = 0, n, klen, vlen;

	memset(st, 0, sizeof(*st));
	if (!out || !pool || memchr(out, '\0', len))
		return -EINVAL;
	while (zp_line(out, len, &pos, &ln, &n)) {
		/* The table starts at the first indented line after "config:". */
		if (where == CONFIG && n > 0 && zp_blank(ln[0]))
			where = TABLE;
		if (where == TABLE) {
			struct zp_word w[6];

			if (n == 0 || !zp_blank(ln[0])) {
				where = AFTER;
			} else if (!have_table) {
				if (zp_words(ln, n, w, 5) != 5 || !zp_word_is(&w[0], "NAME") ||
				    !zp_word_is(&w[1], "STATE") || !zp_word_is(&w[2], "READ") ||
				    !zp_word_is(&w[3], "WRITE") || !zp_word_is(&w[4], "CKSUM"))
					return -EINVAL;
				have_table = true;
				continue;
			} else {
				if (zp_status_row(st, ln, n, &in_spares, pool) < 0)
					return -EINVAL;
				continue;
			}
		}
		key = zp_key(ln, n, &klen, &val, &vlen);
		if (!key) {
			/* A continuation of the paragraph above, or a blank. */
			if (where == STATUS && (zp_has(ln, n, "suspend") ||
						zp_has(ln, n, "io failures") ||
						zp_has(ln, n, "i/o failures")))
				st->suspended = true;
			continue;
		}
		where = HEAD;
		if (zp_key_is(key, klen, "pool")) {
			if (have_pool || vlen != strlen(pool) || memcmp(val, pool, vlen) != 0)
				return -EINVAL;
			have_pool = true;
		} else if (zp_key_is(key, klen, "state")) {
			if (!zp_upper_word(val, vlen))
				return -EINVAL;
			st->state = zpool_parse_health(val, vlen);
			have_state = true;
			if (st->state == ZPOOL_HEALTH_SUSPENDED)
				st->suspended = true;
		} else if (zp_key_is(key, klen, "status")) {
			where = STATUS;
			if (zp_has(val, vlen, "suspend") || zp_has(val, vlen, "io failures") ||
			    zp_has(val, vlen, "i/o failures"))
				st->suspended = true;
		} else if (zp_key_is(key, klen, "config")) {
			where = CONFIG;
		} else if (zp_key_is(key, klen, "errors")) {
			zp_status_errors(st, val, vlen);
		}
	}
	if (!have_pool || !have_state || !have_table || st->vdevs == 0)
		return -EINVAL;
	return 0;
}

/* ---- zpool import (scan) ---- */

int zpool_parse_import_scan(const char *out, size_t len, uint64_t guid, char *name,
			    size_t namelen)
{
	char pool[ZPOOL_NAME_MAX] = "", num[24];
	const char *ln, *key, *val;
	size_t pos = 0, n, klen, vlen;
	bool have_pool = false;
	uint64_t id;

	if (!out || memchr(out, '\0', len))
		return -EINVAL;
	while (zp_line(out, len, &pos, &ln, &n)) {
		key = zp_key(ln, n, &klen, &val, &vlen);
		if (!key)
			continue;
		if (zp_key_is(key, klen, "pool")) {
			if (vlen == 0 || vlen >= sizeof(pool))
				return -EINVAL;
			memcpy(pool, val, vlen);
			pool[vlen] = '\0';
			if (zpool_name_check(pool, NULL, 0) < 0)
				return -EINVAL;
			have_pool = true;
		} else if (zp_key_is(key, klen, "id")) {
			if (!have_pool || vlen == 0 || vlen >= sizeof(num))
				return -EINVAL;
			memcpy(num, val, vlen);
			num[vlen] = '\0';
			if (zpool_name_parse_guid(num, &id) < 0)
				return -EINVAL;
			if (id == guid) {
				if (strlen(pool) >= namelen)
					return -ENAMETOOLONG;
				strcpy(name, pool);
				return 0;
			}
			have_pool = false;
		}
	}
	return -ENOENT;
}

/* ---- errors ---- */

enum zpool_err zpool_parse_error(const char *err, size_t len)
{
	static const struct {
		enum zpool_err e;
		const char *s;
	} rules[] = {
		/* Only messages that prove nothing is imported here: no module
		 * (OpenZFS), no zfs-fuse daemon listening on its private socket.
		 * A bare "failed to initialize ZFS library" proves nothing. */
		{ ZPOOL_ERR_NO_SERVICE, "zfs modules are not loaded" },
		{ ZPOOL_ERR_NO_SERVICE, "zfs-fuse daemon is running" },
		{ ZPOOL_ERR_PERM, "permission denied" },
		{ ZPOOL_ERR_PERM, "must be run as root" },
		{ ZPOOL_ERR_ACTIVE, "is imported on host" },
		/* zpool 2.1's own check before the import (zpool_main.c
		 * do_import): "pool is imported on b (hostid: 0xa0a0a0a2)". */
		{ ZPOOL_ERR_ACTIVE, "pool is imported on " },
		{ ZPOOL_ERR_ACTIVE, "currently imported on" },
		{ ZPOOL_ERR_MMP_NO_HOSTID, "hostid is not set" },
		{ ZPOOL_ERR_IN_USE, "in use from other system" },
		{ ZPOOL_ERR_IN_USE, "in use from another system" },
		{ ZPOOL_ERR_IN_USE, "last accessed by another system" },
		{ ZPOOL_ERR_EXISTS, "already created/imported" },
		{ ZPOOL_ERR_EXISTS, "a pool with that name already exists" },
		{ ZPOOL_ERR_EXISTS, "pool already exists" },
		{ ZPOOL_ERR_NOT_FOUND, "no such pool available" },
		{ ZPOOL_ERR_NOT_FOUND, "no pools available to import" },
		{ ZPOOL_ERR_NO_SUCH_POOL, "no such pool" },
		{ ZPOOL_ERR_BUSY, "is busy" },
		{ ZPOOL_ERR_BUSY, "device or resource busy" },
		{ ZPOOL_ERR_BAD_OPTION, "invalid option" },
		{ ZPOOL_ERR_BAD_OPTION, "is not a valid pool property" },
		{ ZPOOL_ERR_BAD_OPTION, "bad property list" },
		{ ZPOOL_ERR_BAD_OPTION, "missing argument" },
		{ ZPOOL_ERR_BAD_OPTION, "usage:" },
	};

	if (!err || len == 0)
		return ZPOOL_ERR_OTHER;
	/* Case matters here: -n (dry run) exists everywhere, -N not. */
	if (zp_has_exact(err, len, "invalid option 'N'"))
		return ZPOOL_ERR_NO_OPTION_N;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (zp_has(err, len, rules[i].s))
			return rules[i].e;
	return ZPOOL_ERR_OTHER;
}

/* ---- the other host ---- */

static void zp_host(char *dst, size_t dstlen, const char *p, size_t n)
{
	size_t j = 0;

	for (size_t i = 0; i < n && j + 1 < dstlen; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\n')
			break;
		dst[j++] = (c > 0x20 && c < 0x7f && c != '\'' && c != '"') ? (char)c : '?';
	}
	dst[j] = '\0';
}

int zpool_parse_foreign(const char *err, size_t len, struct zpool_foreign *f)
{
	long at;
	size_t i, start;
	uint64_t v = 0;

	memset(f, 0, sizeof(*f));
	if (!err)
		return -ENOENT;

	/* The host name first: it is reported even without a hostid. */
	at = zp_find(err, len, "on host '");
	if (at >= 0) {
		const char *p = err + at + 9, *q = memchr(p, '\'', len - (size_t)at - 9);

		if (q)
			zp_host(f->host, sizeof(f->host), p, (size_t)(q - p));
	} else if ((at = zp_find(err, len, "accessed by ")) >= 0 ||
		   (at = zp_find(err, len, "is imported on ")) >= 0) {
		/* "Last accessed by NAME (hostid=...)", and zpool 2.1's
		 * "pool is imported on NAME (hostid: 0x...)". */
		size_t skip = zp_find(err, len, "accessed by ") == at ? 12 : 15;
		const char *p = err + at + skip;
		size_t rest = len - (size_t)at - skip;
		long paren = zp_find(p, rest, " (hostid");

		if (paren >= 0 && !memchr(p, '\n', (size_t)paren))
			zp_host(f->host, sizeof(f->host), p, (size_t)paren);
	}

	at = zp_find(err, len, "hostid");
	if (at < 0)
		return -ENOENT;
	i = (size_t)at + 6;
	while (i < len && err[i] == ' ')
		i++;
	if (i >= len || (err[i] != ':' && err[i] != '='))
		return -ENOENT;
	i++;
	while (i < len && err[i] == ' ')
		i++;
	if (i + 1 < len && err[i] == '0' && (err[i + 1] == 'x' || err[i + 1] == 'X'))
		i += 2;
	start = i;
	for (; i < len && isxdigit((unsigned char)err[i]); i++) {
		char c = (char)tolower((unsigned char)err[i]);
		unsigned d = c <= '9' ? (unsigned)(c - '0') : (unsigned)(c - 'a' + 10);

		if (i - start >= 8)
			return -EINVAL;
		v = (v << 4) | d;
	}
	if (i == start)
		return -EINVAL;
	if (i < len && isalnum((unsigned char)err[i]))
		return -EINVAL;
	f->hostid = (uint32_t)v;
	f->have_hostid = true;
	return 0;
}

/* ---- busy mount point ---- */

int zpool_parse_busy_path(const char *err, size_t len, char *path, size_t pathlen)
{
	const char *p, *q;
	long at;

	if (!err)
		return -ENOENT;
	at = zp_find(err, len, "cannot unmount '");
	if (at >= 0) {
		p = err + at + 16;
		q = memchr(p, '\'', len - (size_t)at - 16);
	} else {
		at = zp_find(err, len, "umount: ");
		if (at < 0)
			return -ENOENT;
		p = err + at + 8;
		q = NULL;
		for (const char *s = p; s < err + len && *s != '\n'; s++)
			if (s + 1 < err + len && s[0] == ':' && s[1] == ' ') {
				q = s;
				break;
			}
	}
	if (!q || q == p || *p != '/' || memchr(p, '\n', (size_t)(q - p)))
		return -ENOENT;
	if ((size_t)(q - p) >= pathlen)
		return -ENAMETOOLONG;
	memcpy(path, p, (size_t)(q - p));
	path[q - p] = '\0';
	for (char *c = path; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f)
			return -ENOENT;
	return 0;
}

/* ---- zfs list -H -o name,mounted,mountpoint ---- */

int zpool_parse_mount_next(const char *out, size_t len, size_t *pos, struct zpool_mount *m)
{
	const char *ln, *t1, *t2;
	size_t n, f;

	if (!out || *pos >= len)
		return 0;
	ln = out + *pos;
	{
		const char *nl = memchr(ln, '\n', len - *pos);

		if (!nl)
			return -EINVAL;
		n = (size_t)(nl - ln);
		*pos += n + 1;
	}
	t1 = memchr(ln, '\t', n);
	if (!t1)
		return -EINVAL;
	t2 = memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - ln));
	if (!t2 || memchr(t2 + 1, '\t', n - (size_t)(t2 + 1 - ln)))
		return -EINVAL;

	f = (size_t)(t1 - ln);
	if (f == 0 || f >= sizeof(m->name))
		return -EINVAL;
	memcpy(m->name, ln, f);
	m->name[f] = '\0';
	if (zpool_name_check_dataset(m->name, NULL, 0) < 0)
		return -EINVAL;

	f = (size_t)(t2 - t1 - 1);
	if (f == 3 && memcmp(t1 + 1, "yes", 3) == 0)
		m->mounted = true;
	else if ((f == 2 && memcmp(t1 + 1, "no", 2) == 0) || (f == 1 && t1[1] == '-'))
		m->mounted = false;
	else
		return -EINVAL;

	f = (size_t)(ln + n - t2 - 1);
	if (f == 0 || f >= sizeof(m->mountpoint))
		return -EINVAL;
	for (size_t i = 0; i < f; i++)
		if ((unsigned char)t2[1 + i] < 0x20 || (unsigned char)t2[1 + i] == 0x7f)
			return -EINVAL;
	memcpy(m->mountpoint, t2 + 1, f);
	m->mountpoint[f] = '\0';
	return 1;
}

/* ---- one line for an exit reason ---- */

void zpool_parse_summary(const char *err, size_t len, char *buf, size_t buflen)
{
	const char *ln;
	size_t pos = 0, n, used = 0;
	bool in_usage = false, truncated = false;

	if (buflen == 0)
		return;
	buf[0] = '\0';
	if (!err)
		return;
	while (zp_line(err, len, &pos, &ln, &n) && !truncated) {
		size_t i = 0;
		bool space = false, started = false;

		while (i < n && (zp_blank(ln[i]) || ln[i] == '\r'))
			i++;
		if (i == n)
			continue;
		if (n - i >= 6 && strncasecmp(ln + i, "usage:", 6) == 0) {
			in_usage = true;
			continue;
		}
		if (in_usage && i > 0)
			continue;
		in_usage = false;
		for (; i < n; i++) {
			unsigned char c = (unsigned char)ln[i];
			const char *add;

			if (c < 0x20 || c == 0x7f || c == ' ') {
				space = true;
				continue;
			}
			if (!started && used > 0)
				add = "; ";
			else if (space && started)
				add = " ";
			else
				add = "";
			if (used + strlen(add) + 1 + 3 >= buflen) {
				truncated = true;
				break;
			}
			memcpy(buf + used, add, strlen(add));
			used += strlen(add);
			buf[used++] = (char)c;
			started = true;
			space = false;
		}
		buf[used] = '\0';
	}
	/* Every character was taken only with room for "..." after it. */
	if (truncated && used + 4 <= buflen)
		memcpy(buf + used, "...", 4);
}
