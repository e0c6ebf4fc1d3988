/* quorumd.conf parsing and checks. */
#include "config.h"
#include "qconfig.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define QC_MAX_FILE (64 * 1024)

static int fail(char *why, size_t len, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *why, size_t len, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = line ? snprintf(why, len, "line %u: ", line) : 0;

	if (n < 0 || (size_t)n >= len)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(why + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (isblank((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static bool env_word(const char *w)
{
	const char *eq = strchr(w, '=');

	if (!eq || eq == w || w[0] == '/')
		return false;
	for (const char *p = w; p < eq; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_'))
			return false;
	return true;
}

/* Splits value in place into a hook: NAME=value words, then argv. */
static int parse_hook(char *value, struct qc_hook *h, unsigned line, char *why, size_t len)
{
	unsigned na = 0, ne = 0;

	for (char *save = NULL, *w = strtok_r(value, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save)) {
		if (na == 0 && env_word(w)) {
			if (ne == QC_MAX_ARGS)
				return fail(why, len, line, "hook has more than %d variables", QC_MAX_ARGS);
			h->env[ne++] = w;
			continue;
		}
		if (na == QC_MAX_ARGS)
			return fail(why, len, line, "hook has more than %d arguments", QC_MAX_ARGS);
		h->argv[na++] = w;
	}
	if (na == 0)
		return fail(why, len, line, "hook has no program");
	if (h->argv[0][0] != '/')
		return fail(why, len, line, "hook program '%s' must be an absolute path "
			    "(hooks run without a shell and without PATH)", h->argv[0]);
	return 0;
}

static int parse_line(struct qc_config *c, char *key, char *value, unsigned line, char *why,
		      size_t len)
{
	uint32_t v;

#define U32(name, field, lo, hi)                                                              \
	if (strcmp(key, name) == 0) {                                                         \
		if (parse_u32(value, lo, hi, &v) < 0)                                         \
			return fail(why, len, line, "%s = %s: use a number from %u to %u", name, \
				    value, (unsigned)(lo), (unsigned)(hi));                   \
		c->field = v;                                                                 \
		return 0;                                                                     \
	}
#define STR(name, field)                      \
	if (strcmp(key, name) == 0) {         \
		c->field = value;             \
		return 0;                     \
	}
	U32("interval_ms", interval_ms, 100, 10000)
	U32("timeout_ms", timeout_ms, 300, 120000)
	U32("watchdog_ms", watchdog_ms, 0, 600000)
	U32("fence_session_timeout_ms", fence_session_timeout_ms, 100, 60000)
	U32("fence_retransmission_timeout_ms", fence_retransmission_timeout_ms, 10, 30000)
	U32("fence_timeout_ms", fence_timeout_ms, 100, 240000)
	U32("fence_retry_ms", fence_retry_ms, 10, 600000)
	U32("fence_vote_ms", fence_vote_ms, 0, 3600000)
	U32("hook_timeout_ms", hook_timeout_ms, 100, 3600000)
	STR("cluster", cluster)
	STR("disk", disk)
	STR("fence", fence_method)
	STR("fence_host", fence_host)
	STR("fence_user", fence_user)
	STR("fence_password_file", fence_password_file)
	STR("device_name", device_name)
	STR("state_dir", state_dir)
	STR("watchdog_device", watchdog_device)
#undef U32
#undef STR
	if (strcmp(key, "node_id") == 0) {
		if (parse_u32(value, 1, 2, &v) < 0)
			return fail(why, len, line, "node_id = %s: use 1 or 2", value);
		c->node_id = v;
		return 0;
	}
	if (strcmp(key, "fence_cipher") == 0) {
		if (parse_u32(value, 1, 17, &v) < 0)
			return fail(why, len, line, "fence_cipher = %s: use an IPMI cipher suite "
				    "1-17 (0 has no authentication and is refused)", value);
		c->fence_cipher = v;
		return 0;
	}
	if (strcmp(key, "mode") == 0) {
		if (strcmp(value, "standalone") == 0)
			c->mode = QC_MODE_STANDALONE;
		else if (strcmp(value, "cluster") == 0)
			c->mode = QC_MODE_CLUSTER;
		else
			return fail(why, len, line, "mode = %s: use standalone or cluster", value);
		return 0;
	}
	if (strcmp(key, "promote") == 0 || strcmp(key, "demote") == 0) {
		bool p = key[0] == 'p';
		unsigned *n = p ? &c->n_promote : &c->n_demote;

		if (*n == QC_MAX_HOOKS)
			return fail(why, len, line, "at most %d %s hooks", QC_MAX_HOOKS, key);
		return parse_hook(value, p ? &c->promote[(*n)++] : &c->demote[(*n)++], line, why,
				  len);
	}
	return fail(why, len, line, "unknown key '%s'", key);
}

uint32_t qc_fence_session_ms(const struct qc_config *c)
{
	return c->fence_session_timeout_ms ? c->fence_session_timeout_ms : 1000;
}

uint32_t qc_fence_retrans_ms(const struct qc_config *c)
{
	return c->fence_retransmission_timeout_ms ? c->fence_retransmission_timeout_ms
						  : qc_fence_session_ms(c) / 4;
}

uint32_t qc_fence_attempt_ms(const struct qc_config *c)
{
	return c->fence_timeout_ms ? c->fence_timeout_ms : 4 * qc_fence_session_ms(c);
}

uint32_t qc_fence_retry_ms(const struct qc_config *c)
{
	return c->fence_retry_ms ? c->fence_retry_ms : qc_fence_retrans_ms(c);
}

uint32_t qc_fence_vote_ms(const struct qc_config *c)
{
	if (c->fence_vote_ms)
		return c->fence_vote_ms;
	return 3 * qc_fence_attempt_ms(c) + 2 * qc_fence_retry_ms(c);
}

uint32_t qc_poison_hold_ms(const struct qc_config *c)
{
	return 2 * qc_fence_attempt_ms(c) + qc_fence_retry_ms(c) + 2 * c->interval_ms;
}

uint32_t qc_watchdog_timeout_ms(const struct qc_config *c)
{
	int64_t ms = (int64_t)c->watchdog_ms - (3 * (int64_t)c->timeout_ms + 3) / 4 - 1000;

	return ms >= 1000 ? (uint32_t)(ms / 1000 * 1000) : 0;
}

uint32_t qc_watchdog_min_ms(const struct qc_config *c)
{
	return 2 * c->timeout_ms + c->interval_ms;
}

static int check_watchdog(const struct qc_config *c, char *why, size_t len)
{
	uint32_t dev_ms, min_ms, need;

	if (!c->watchdog_ms) {
		if (c->watchdog_device)
			return fail(why, len, 0, "watchdog_device is for watchdog mode: set "
				    "watchdog_ms too, or remove it");
		return 0;
	}
	if (!c->watchdog_device)
		return fail(why, len, 0, "watchdog_ms needs watchdog_device (e.g. /dev/watchdog): "
			    "the peer takes over on the promise that it resets this head");
	if (c->watchdog_device[0] != '/')
		return fail(why, len, 0, "watchdog_device must be an absolute path");
	dev_ms = qc_watchdog_timeout_ms(c);
	min_ms = qc_watchdog_min_ms(c);
	if (dev_ms < min_ms) {
		/* the smallest watchdog_ms whose device timeout reaches min_ms */
		need = (min_ms + 999) / 1000 * 1000 + (3 * c->timeout_ms + 3) / 4 + 1000;
		return fail(why, len, 0, "watchdog_ms (%u) is too short: it leaves the device a "
			    "timeout of %u s, below the longest gap between two pets (2 x "
			    "timeout_ms + interval_ms = %u ms); use watchdog_ms >= %u",
			    c->watchdog_ms, dev_ms / 1000, min_ms, need);
	}
	return 0;
}

static int check(const struct qc_config *c, char *why, size_t len)
{
	int rc;

	if (!c->cluster || !c->node_id || !c->disk)
		return fail(why, len, 0, "cluster, node_id and disk are required");
	if (c->timeout_ms < 3 * c->interval_ms)
		return fail(why, len, 0, "timeout_ms (%u) must be at least 3 intervals (%u)",
			    c->timeout_ms, 3 * c->interval_ms);
	if (!c->fence_method && !c->watchdog_ms)
		return fail(why, len, 0, "no way to take over a dead peer: set fence = ipmi "
			    "(and fence_host, fence_user, fence_password_file) or watchdog_ms");
	if (c->fence_method) {
		if (strcmp(c->fence_method, "ipmi") != 0)
			return fail(why, len, 0, "fence = %s: the only method is ipmi",
				    c->fence_method);
		if (!c->fence_host || !c->fence_user || !c->fence_password_file)
			return fail(why, len, 0, "fence = ipmi needs fence_host, fence_user and "
				    "fence_password_file");
		/* The fence runs on its own thread (fencer.c): its budget is
		 * bounded by the BMC's timeouts, not by the lease. */
		if (qc_fence_retrans_ms(c) >= qc_fence_session_ms(c))
			return fail(why, len, 0, "fence_retransmission_timeout_ms (%u) must be below "
				    "fence_session_timeout_ms (%u)", qc_fence_retrans_ms(c),
				    qc_fence_session_ms(c));
		if (qc_fence_attempt_ms(c) < 2 * qc_fence_session_ms(c))
			return fail(why, len, 0, "fence_timeout_ms (%u) must leave room for one IPMI "
				    "session of fence_session_timeout_ms (%u): use at least %u, or "
				    "leave it out (derived: %u)", c->fence_timeout_ms,
				    qc_fence_session_ms(c), 2 * qc_fence_session_ms(c),
				    4 * qc_fence_session_ms(c));
	}
	if (c->fence_password_file && c->fence_password_file[0] != '/')
		return fail(why, len, 0, "fence_password_file must be an absolute path");
	if (c->disk[0] != '/')
		return fail(why, len, 0, "disk must be an absolute path");
	rc = check_watchdog(c, why, len);
	if (rc < 0)
		return rc;
	return 0;
}

int qc_parse(const char *text, struct qc_config *c, char *why, size_t len)
{
	unsigned line = 0;

	memset(c, 0, sizeof(*c));
	c->interval_ms = 500;
	c->timeout_ms = 2000;
	c->fence_cipher = 3;
	c->hook_timeout_ms = 60000;
	c->mode = QC_MODE_STANDALONE;
	c->device_name = "twinhead";
	c->state_dir = TWINHEAD_RUNDIR "/quorumd";
	if (strlen(text) > QC_MAX_FILE)
		return fail(why, len, 0, "configuration larger than %d bytes", QC_MAX_FILE);
	c->buf = strdup(text);
	if (!c->buf)
		return -ENOMEM;
	/* strtok_r skips empty lines, so count them by hand. */
	for (char *p = c->buf, *nl; p; p = nl) {
		char *key, *value, *eq;
		int rc;

		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		line++;
		if (strchr(p, '#'))
			*strchr(p, '#') = '\0';
		key = trim(p);
		if (!*key)
			continue;
		eq = strchr(key, '=');
		if (!eq)
			return fail(why, len, line, "expected key = value");
		*eq = '\0';
		key = trim(key);
		value = trim(eq + 1);
		if (!*value)
			return fail(why, len, line, "%s has no value", key);
		for (const char *q = value; *q; q++)
			if (iscntrl((unsigned char)*q) && *q != '\t')
				return fail(why, len, line, "control character in the value");
		rc = parse_line(c, key, value, line, why, len);
		if (rc < 0)
			return rc;
	}
	return check(c, why, len);
}

int qc_load(const char *path, struct qc_config *c, char *why, size_t len)
{
	char *text;
	ssize_t n;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	memset(c, 0, sizeof(*c));
	if (fd < 0)
		return fail(why, len, 0, "cannot open %s: %s", path, strerror(errno));
	/* The file names hooks that run as root: whoever may write it owns
	 * the head. Checked on the open descriptor (no race with a swap). */
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return fail(why, len, 0, "%s: %s", path, strerror(-rc));
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IWGRP | S_IWOTH)) ||
	    (st.st_uid != 0 && st.st_uid != geteuid())) {
		close(fd);
		fail(why, len, 0, "%s: refused: %s (it names hooks run as root; chown root, "
		     "chmod go-w)", path, !S_ISREG(st.st_mode) ? "not a regular file" :
		     (st.st_mode & (S_IWGRP | S_IWOTH)) ? "group or others may write it" :
		     "owned by neither root nor this user");
		return -EPERM;
	}
	text = malloc(QC_MAX_FILE + 2);
	if (!text) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, text, QC_MAX_FILE + 1);
	close(fd);
	if (n < 0 || n > QC_MAX_FILE) {
		free(text);
		return fail(why, len, 0, "%s: %s", path, n < 0 ? strerror(errno) : "too large");
	}
	text[n] = '\0';
	if (memchr(text, '\0', (size_t)n)) {
		free(text);
		return fail(why, len, 0, "%s is not a text file", path);
	}
	rc = qc_parse(text, c, why, len);
	free(text);
	return rc;
}

void qc_free(struct qc_config *c)
{
	free(c->buf);
	c->buf = NULL;
}
