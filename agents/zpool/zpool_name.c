/* ZFS pool, dataset and guid names. See zpool_name.h. */
#include "config.h"
#include "zpool_name.h"
#include "decimal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool zpool_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == ':' || c == ' ';
}

static int zpool_name_fail(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int zpool_name_fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* c as it may appear in a message (one line, printable). */
static char zpool_name_shown(char c)
{
	return c >= 0x20 && c < 0x7f ? c : '?';
}

/* Checks the characters of s[0..n): 0 or -EINVAL with why. */
static int zpool_name_chars(const char *s, size_t n, char *why, size_t whylen)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '@' || s[i] == '#')
			return zpool_name_fail(why, whylen,
					       "'%c' names a snapshot or bookmark, not a pool or filesystem",
					       s[i]);
		if (!zpool_name_char(s[i]))
			return zpool_name_fail(why, whylen,
					       "character '%c' is not allowed in ZFS names (letters, digits, "
					       "'-', '_', '.', ':' and space only)",
					       zpool_name_shown(s[i]));
	}
	return 0;
}

static bool zpool_name_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The pool part s[0..n): the rules of pool_namecheck() and of libzfs's
 * zpool_name_valid() at import. */
static int zpool_name_check_pool(const char *s, size_t n, char *why, size_t whylen)
{
	char pool[ZPOOL_NAME_MAX];
	int rc;

	if (n == 0)
		return zpool_name_fail(why, whylen, "a pool name cannot be empty");
	if (n >= ZPOOL_NAME_MAX) {
		return zpool_name_fail(why, whylen, "a pool name must be shorter than %d characters",
				       ZPOOL_NAME_MAX);
	}
	rc = zpool_name_chars(s, n, why, whylen);
	if (rc < 0)
		return rc;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return zpool_name_fail(why, whylen, "a pool name must begin with a letter, not '%c'",
				       zpool_name_shown(s[0]));
	memcpy(pool, s, n);
	pool[n] = '\0';
	if (strcmp(pool, "log") == 0 || zpool_name_prefix(pool, "mirror") ||
	    zpool_name_prefix(pool, "raidz") || zpool_name_prefix(pool, "draid") ||
	    zpool_name_prefix(pool, "spare")) {
		return zpool_name_fail(why, whylen,
				       "'%s' is reserved: zpool reads names beginning with mirror, raidz, "
				       "draid or spare, and the name log, as vdev types", pool);
	}
	return 0;
}

int zpool_name_check(const char *name, char *why, size_t whylen)
{
	if (!name)
		return zpool_name_fail(why, whylen, "no pool name");
	if (strchr(name, '/'))
		return zpool_name_fail(why, whylen, "'/' separates datasets: give the pool's name only");
	return zpool_name_check_pool(name, strlen(name), why, whylen);
}

int zpool_name_check_dataset(const char *name, char *why, size_t whylen)
{
	const char *slash, *comp;
	size_t len;
	int rc;

	if (!name)
		return zpool_name_fail(why, whylen, "no dataset name");
	len = strlen(name);
	if (len >= ZPOOL_DATASET_MAX) {
		return zpool_name_fail(why, whylen, "a dataset name must be shorter than %d characters",
				       ZPOOL_DATASET_MAX);
	}
	slash = strchr(name, '/');
	rc = zpool_name_check_pool(name, slash ? (size_t)(slash - name) : len, why, whylen);
	if (rc < 0 || !slash)
		return rc;
	for (comp = slash + 1;; comp = slash + 1) {
		size_t n;

		slash = strchr(comp, '/');
		n = slash ? (size_t)(slash - comp) : strlen(comp);
		if (n == 0)
			return zpool_name_fail(why, whylen,
					       "empty component: no '/' at the end or twice in a row");
		rc = zpool_name_chars(comp, n, why, whylen);
		if (rc < 0)
			return rc;
		if (!slash)
			return 0;
	}
}

int zpool_name_parse_guid(const char *s, uint64_t *guid)
{
	uint64_t v;

	/* A guid is never 0, and never written with a leading zero. */
	if (!s || decimal_u64(s, strlen(s), &v) < 0 || v == 0)
		return -EINVAL;
	*guid = v;
	return 0;
}

int zpool_name_check_guid(const char *s, char *why, size_t whylen)
{
	uint64_t g;

	if (zpool_name_parse_guid(s, &g) < 0)
		return zpool_name_fail(why, whylen,
				       "a pool guid is a decimal number of up to 20 digits, as `zpool "
				       "import` prints it after 'id:'");
	return 0;
}
