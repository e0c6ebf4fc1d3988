/* twinhead-quorumd's published state: the strict codec and the verdict.
 * See quorumd_state.h and docs/quorumd-state.md. */
#include "config.h"
#include "quorumd_state.h"
#include "decimal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *const role_names[] = {
	[QUORUMD_ROLE_PRIMARY] = "primary",
	[QUORUMD_ROLE_SECONDARY] = "secondary",
	[QUORUMD_ROLE_STARTING] = "starting",
};

static const char *const peer_names[] = {
	[QUORUMD_PEER_ALIVE] = "alive",
	[QUORUMD_PEER_LOST] = "lost",
	[QUORUMD_PEER_FENCED] = "fenced",
	[QUORUMD_PEER_RELEASED] = "released",
};

#define N_ROLES (sizeof(role_names) / sizeof(role_names[0]))
#define N_PEERS (sizeof(peer_names) / sizeof(peer_names[0]))

enum qs_key {
	K_VERSION, K_ROLE, K_PEER, K_EPOCH, K_UPDATED,
	K_FENCE_FIRST, /* the optional fence keys: all of them or none */
	K_PEER_SEEN = K_FENCE_FIRST, K_PEER_MEMBER, K_FENCED, K_FENCED_BMC,
	K_COUNT
};

static const char *const key_names[K_COUNT] = {
	[K_VERSION] = "version",
	[K_ROLE] = "role",
	[K_PEER] = "peer",
	[K_EPOCH] = "epoch",
	[K_UPDATED] = "updated",
	[K_PEER_SEEN] = "peer_seen_ms",
	[K_PEER_MEMBER] = "peer_member_ms",
	[K_FENCED] = "fenced_ms",
	[K_FENCED_BMC] = "fenced_bmc",
};

const char *quorumd_state_role_name(enum quorumd_role r)
{
	return (unsigned)r < N_ROLES ? role_names[r] : "?";
}

const char *quorumd_state_peer_name(enum quorumd_peer p)
{
	return (unsigned)p < N_PEERS ? peer_names[p] : "?";
}

static int qs_fail(char *why, size_t whylen, int rc, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int qs_fail(char *why, size_t whylen, int rc, unsigned line, const char *fmt, ...)
{
	va_list ap;
	size_t used = 0;

	if (!why || whylen == 0)
		return rc;
	why[0] = '\0';
	if (line)
		used = (size_t)snprintf(why, whylen, "line %u: ", line);
	if (used < whylen) {
		va_start(ap, fmt);
		vsnprintf(why + used, whylen - used, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* Index of the word s[0..n) in names, or -1. */
static int qs_word(const char *s, size_t n, const char *const *names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
			return (int)i;
	return -1;
}

/* The value of "version=" when the file has such a line (wherever it is),
 * so that a newer file is reported as a newer version, not as junk. */
static int qs_find_version(const char *buf, size_t len, uint64_t *v)
{
	static const char key[] = "version=";
	const size_t klen = sizeof(key) - 1;
	size_t pos = 0;

	while (pos < len) {
		const char *ln = buf + pos, *nl = memchr(ln, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - ln) : len - pos;

		if (n > klen && memcmp(ln, key, klen) == 0)
			return decimal_u64(ln + klen, n - klen, v);
		pos += n + 1;
	}
	return -ENOENT;
}

/* fenced_bmc: "none", or what fence_ipmi_format_host() writes (an IPv4
 * or bracketed IPv6 literal and a port): only those characters. */
static bool qs_bmc_ok(const char *v, size_t n)
{
	if (n == 4 && memcmp(v, "none", 4) == 0)
		return true;
	if (n == 0 || n > QUORUMD_STATE_BMC_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF.:[]", v[i]))
			return false;
	return true;
}

int quorumd_state_parse(const char *buf, size_t len, struct quorumd_state *out,
			char *why, size_t whylen)
{
	bool seen[K_COUNT] = { false };
	size_t pos = 0;
	unsigned line = 0;
	uint64_t version;

	if (why && whylen)
		why[0] = '\0';
	if (len > QUORUMD_STATE_MAX)
		return qs_fail(why, whylen, -EFBIG, 0, "%zu bytes, more than the %d a state can be",
			       len, QUORUMD_STATE_MAX);
	if (!buf || len == 0)
		return qs_fail(why, whylen, -EINVAL, 0, "empty");
	if (memchr(buf, '\0', len))
		return qs_fail(why, whylen, -EINVAL, 0, "holds a NUL byte");
	if (qs_find_version(buf, len, &version) == 0 && version != QUORUMD_STATE_VERSION)
		return qs_fail(why, whylen, -EPROTONOSUPPORT, 0,
			       "version %llu is not supported (this agent reads version %d)",
			       (unsigned long long)version, QUORUMD_STATE_VERSION);
	if (buf[len - 1] != '\n')
		return qs_fail(why, whylen, -EINVAL, 0, "the last line has no newline (torn write?)");
	memset(out, 0, sizeof(*out));

	while (pos < len) {
		const char *ln = buf + pos, *nl = memchr(ln, '\n', len - pos);
		size_t n = (size_t)(nl - ln), klen, vlen;
		const char *eq, *val;
		int key, idx;

		line++;
		pos += n + 1;
		if (n == 0)
			return qs_fail(why, whylen, -EINVAL, line, "empty line");
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)ln[i] <= ' ' || (unsigned char)ln[i] >= 0x7f)
				return qs_fail(why, whylen, -EINVAL, line,
					       "blank, control or non-ASCII character");
		eq = memchr(ln, '=', n);
		if (!eq)
			return qs_fail(why, whylen, -EINVAL, line, "not key=value");
		klen = (size_t)(eq - ln);
		val = eq + 1;
		vlen = n - klen - 1;
		key = qs_word(ln, klen, key_names, K_COUNT);
		if (key < 0)
			return qs_fail(why, whylen, -EINVAL, line, "unknown key '%.*s'",
				       (int)(klen < 24 ? klen : 24), ln);
		if (seen[key])
			return qs_fail(why, whylen, -EINVAL, line, "'%s' given twice",
				       key_names[key]);
		seen[key] = true;

		switch ((enum qs_key)key) {
		case K_VERSION:
			/* Checked above whatever its position: only 1 gets here. */
			if (decimal_u64(val, vlen, &version) < 0 || version != QUORUMD_STATE_VERSION)
				return qs_fail(why, whylen, -EINVAL, line, "version is not a number");
			out->version = QUORUMD_STATE_VERSION;
			break;
		case K_ROLE:
			idx = qs_word(val, vlen, role_names, N_ROLES);
			if (idx < 0)
				return qs_fail(why, whylen, -EINVAL, line,
					       "role is not primary, secondary or starting");
			out->role = (enum quorumd_role)idx;
			break;
		case K_PEER:
			idx = qs_word(val, vlen, peer_names, N_PEERS);
			if (idx < 0)
				return qs_fail(why, whylen, -EINVAL, line,
					       "peer is not alive, lost, fenced or released");
			out->peer = (enum quorumd_peer)idx;
			break;
		case K_EPOCH:
			if (decimal_u64(val, vlen, &out->epoch) < 0)
				return qs_fail(why, whylen, -EINVAL, line,
					       "epoch is not a 64-bit decimal number");
			break;
		case K_UPDATED:
			if (decimal_u64(val, vlen, &out->updated) < 0 || out->updated == 0)
				return qs_fail(why, whylen, -EINVAL, line,
					       "updated is not a positive number of seconds");
			break;
		case K_PEER_SEEN:
		case K_PEER_MEMBER:
		case K_FENCED:
			if (decimal_u64(val, vlen, key == K_PEER_SEEN ? &out->peer_seen_ms
						   : key == K_PEER_MEMBER ? &out->peer_member_ms
									  : &out->fenced_ms) < 0)
				return qs_fail(why, whylen, -EINVAL, line,
					       "%s is not a 64-bit decimal number", key_names[key]);
			break;
		case K_FENCED_BMC:
			if (!qs_bmc_ok(val, vlen))
				return qs_fail(why, whylen, -EINVAL, line,
					       "fenced_bmc is not 'none' or a BMC address");
			memcpy(out->fenced_bmc, val, vlen);
			out->fenced_bmc[vlen] = '\0';
			break;
		case K_COUNT:
			break;
		}
	}
	for (int k = 0; k < K_FENCE_FIRST; k++)
		if (!seen[k])
			return qs_fail(why, whylen, -EINVAL, 0, "'%s' is missing", key_names[k]);
	for (int k = K_FENCE_FIRST; k < K_COUNT; k++)
		if (seen[k] != seen[K_FENCE_FIRST])
			return qs_fail(why, whylen, -EINVAL, 0,
				       "'%s' is %s: the fence keys come all together or not at all",
				       key_names[k], seen[k] ? "given alone" : "missing");
	out->has_fence = seen[K_FENCE_FIRST];
	return 0;
}

int quorumd_state_format(const struct quorumd_state *s, char *buf, size_t len)
{
	int n;

	if ((unsigned)s->role >= N_ROLES || (unsigned)s->peer >= N_PEERS || s->updated == 0)
		return -EINVAL;
	n = snprintf(buf, len, "version=%u\nrole=%s\npeer=%s\nepoch=%llu\nupdated=%llu\n",
		     s->version, role_names[s->role], peer_names[s->peer],
		     (unsigned long long)s->epoch, (unsigned long long)s->updated);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	if (s->has_fence) {
		size_t bl = strnlen(s->fenced_bmc, sizeof(s->fenced_bmc));
		int m;

		if (bl >= sizeof(s->fenced_bmc) || !qs_bmc_ok(s->fenced_bmc, bl))
			return -EINVAL;
		m = snprintf(buf + n, len - (size_t)n,
			     "peer_seen_ms=%llu\npeer_member_ms=%llu\nfenced_ms=%llu\nfenced_bmc=%s\n",
			     (unsigned long long)s->peer_seen_ms,
			     (unsigned long long)s->peer_member_ms,
			     (unsigned long long)s->fenced_ms, s->fenced_bmc);
		if (m < 0 || (size_t)m >= len - (size_t)n)
			return -ENOSPC;
		n += m;
	}
	return n;
}

/* 1 when s was confirmed recently enough at now to count; else 0 and why. */
static int qs_fresh(const struct quorumd_state *s, int64_t now, char *why, size_t whylen)
{
	int64_t updated = (int64_t)(s->updated > INT64_MAX ? INT64_MAX : s->updated);

	if (updated > now + QUORUMD_STATE_MAX_SKEW_S) {
		snprintf(why, whylen, "quorumd state is dated %lld s in the future (clock step?)",
			 (long long)(updated - now));
		return 0;
	}
	if (now - updated > QUORUMD_STATE_MAX_AGE_S) {
		snprintf(why, whylen,
			 "quorumd state is %lld s old (more than %d s): is quorumd running?",
			 (long long)(now - updated), QUORUMD_STATE_MAX_AGE_S);
		return 0;
	}
	return 1;
}

int quorumd_state_peer_fenced(const struct quorumd_state *s, int64_t now, char *why,
			      size_t whylen)
{
	if (s->version != QUORUMD_STATE_VERSION) {
		snprintf(why, whylen, "state version %u is not supported", s->version);
		return 0;
	}
	if (s->role != QUORUMD_ROLE_PRIMARY) {
		snprintf(why, whylen, "quorumd here is %s, not primary",
			 quorumd_state_role_name(s->role));
		return 0;
	}
	if (s->peer != QUORUMD_PEER_FENCED && s->peer != QUORUMD_PEER_RELEASED) {
		snprintf(why, whylen, "quorumd reports the peer %s, not fenced",
			 quorumd_state_peer_name(s->peer));
		return 0;
	}
	if (!qs_fresh(s, now, why, whylen))
		return 0;
	if (why && whylen)
		snprintf(why, whylen, "quorumd (epoch %llu) reports the peer %s",
			 (unsigned long long)s->epoch, quorumd_state_peer_name(s->peer));
	return 1;
}

int quorumd_state_fence_reusable(const struct quorumd_state *s, const char *bmc, int64_t now,
				 char *why, size_t whylen)
{
	if (s->version != QUORUMD_STATE_VERSION) {
		snprintf(why, whylen, "state version %u is not supported", s->version);
		return 0;
	}
	if (!qs_fresh(s, now, why, whylen))
		return 0;
	if (!s->has_fence) {
		snprintf(why, whylen, "quorumd publishes no fence confirmation (an older quorumd)");
		return 0;
	}
	if (s->fenced_ms == 0) {
		snprintf(why, whylen, "quorumd has confirmed no fence of its peer");
		return 0;
	}
	if (!bmc || strcmp(bmc, s->fenced_bmc) != 0) {
		snprintf(why, whylen, "quorumd fenced through BMC %s, this device is BMC %s",
			 s->fenced_bmc, bmc ? bmc : "?");
		return 0;
	}
	if (s->peer_member_ms == 0) {
		snprintf(why, whylen, "quorumd does not follow the cluster membership "
			 "(standalone mode?): it cannot tell this failure from an earlier one");
		return 0;
	}
	if (s->fenced_ms <= s->peer_seen_ms) {
		snprintf(why, whylen, "stale: the peer wrote its quorum disk slot %llu ms after "
			 "quorumd's confirmation", (unsigned long long)(s->peer_seen_ms - s->fenced_ms));
		return 0;
	}
	if (s->fenced_ms <= s->peer_member_ms) {
		snprintf(why, whylen, "stale: the peer was in a cluster membership formed %llu ms "
			 "after quorumd's confirmation (it rejoined)",
			 (unsigned long long)(s->peer_member_ms - s->fenced_ms));
		return 0;
	}
	if (why && whylen)
		snprintf(why, whylen, "quorumd read BMC %s back off %llu ms after the peer's last "
			 "slot write and %llu ms after its last membership",
			 s->fenced_bmc, (unsigned long long)(s->fenced_ms - s->peer_seen_ms),
			 (unsigned long long)(s->fenced_ms - s->peer_member_ms));
	return 1;
}
