/* CTL HA helpers that need no kernel: ha_peer strings, the agent's
 * parameters, ctladm output, the run state and the promotion score.
 * See ctlha_parse.h for the contracts, ctlha_kernel.h for the ctl(4) facts. */
#include "config.h"
#include "ctlha_parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- ha_peer ---- */

/* The kernel (ctl_ha.c, ctl_ha_peer_sysctl) runs sscanf with these two
 * formats and takes the string when four numbers matched. The octets are
 * not range-checked there; they are shifted into place, so do the same
 * (modulo 2^32) to compare what the kernel compares. */
static int peer_scan(const char *s, bool listen, struct ctlha_peer *out)
{
	int b1, b2, b3, b4, port;
	int n = listen ? sscanf(s, "listen %d.%d.%d.%d:%d", &b1, &b2, &b3, &b4, &port)
		       : sscanf(s, "connect %d.%d.%d.%d:%d", &b1, &b2, &b3, &b4, &port);

	if (n < 4)
		return -EINVAL;
	out->addr = ((uint32_t)b1 << 24) + ((uint32_t)b2 << 16) + ((uint32_t)b3 << 8) + (uint32_t)b4;
	out->port = n >= 5 ? (unsigned)port & 0xffffu : CTLHA_DEFAULT_PORT;
	return 0;
}

int ctlha_peer_parse(const char *s, struct ctlha_peer *out)
{
	memset(out, 0, sizeof(*out));
	if (!s || s[0] == '\0') {
		out->kind = CTLHA_PEER_NONE;
		return 0;
	}
	if (peer_scan(s, false, out) == 0) {
		out->kind = CTLHA_PEER_CONNECT;
		return 0;
	}
	if (peer_scan(s, true, out) == 0) {
		out->kind = CTLHA_PEER_LISTEN;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	return -EINVAL;
}

int ctlha_peer_format(const struct ctlha_peer *p, char *buf, size_t len)
{
	int n;

	if (p->kind == CTLHA_PEER_NONE)
		n = snprintf(buf, len, "%s", "");
	else
		n = snprintf(buf, len, "%s %u.%u.%u.%u:%u",
			     p->kind == CTLHA_PEER_LISTEN ? "listen" : "connect",
			     (unsigned)(p->addr >> 24), (unsigned)(p->addr >> 16) & 0xffu,
			     (unsigned)(p->addr >> 8) & 0xffu, (unsigned)p->addr & 0xffu, p->port);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

bool ctlha_peer_equal(const struct ctlha_peer *a, const struct ctlha_peer *b)
{
	if (a->kind != b->kind)
		return false;
	return a->kind == CTLHA_PEER_NONE || (a->addr == b->addr && a->port == b->port);
}

int ctlha_addr_parse(const char *s, uint32_t *addr, unsigned *port, char *why, size_t whylen)
{
	char host[INET_ADDRSTRLEN];
	const char *colon = strchr(s, ':');
	size_t hlen = colon ? (size_t)(colon - s) : strlen(s);
	struct in_addr in;
	uint32_t a;

	if (hlen == 0 || hlen >= sizeof(host)) {
		snprintf(why, whylen, "give the listening head's IPv4 address, as A.B.C.D or A.B.C.D:PORT");
		return -EINVAL;
	}
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, &in) != 1) {
		snprintf(why, whylen, "'%s' is not a dotted IPv4 address (CTL HA speaks IPv4 only; "
			 "no host names)", host);
		return -EINVAL;
	}
	a = ntohl(in.s_addr);
	if (a == 0 || a == 0xffffffffu || (a >> 24) == 127 || (a >> 28) >= 0xe) {
		snprintf(why, whylen, "%s cannot be a head's interconnect address (unspecified, "
			 "loopback, multicast or broadcast)", host);
		return -EINVAL;
	}
	*port = CTLHA_DEFAULT_PORT;
	if (colon) {
		const char *p = colon + 1;
		unsigned long v = 0;

		if (!isdigit((unsigned char)*p) || (p[0] == '0') || strlen(p) > 5) {
			snprintf(why, whylen, "port '%s' is not a number from 1 to 65535", p);
			return -EINVAL;
		}
		for (; *p; p++) {
			if (!isdigit((unsigned char)*p)) {
				snprintf(why, whylen, "port '%s' is not a number from 1 to 65535",
					 colon + 1);
				return -EINVAL;
			}
			v = v * 10 + (unsigned long)(*p - '0');
		}
		if (v < 1 || v > 65535) {
			snprintf(why, whylen, "port %lu is not from 1 to 65535", v);
			return -EINVAL;
		}
		*port = (unsigned)v;
	}
	*addr = a;
	return 0;
}

/* ---- ctladm devlist -x ---- */

void ctlha_lun_list_free(struct ctlha_lun_list *l)
{
	free(l->luns);
	l->luns = NULL;
	l->n = 0;
}

static int devlist_bad(char *why, size_t whylen, size_t lineno, const char *what,
		       const char *line, size_t len)
{
	snprintf(why, whylen, "ctladm devlist -x, line %zu: %s: '%.*s'", lineno, what,
		 (int)(len > 80 ? 80 : len), line);
	return -EPROTO;
}

/* Copies value[0..len) into dst with the five XML entities undone.
 * Returns 0, or -ENOSPC when it does not fit, -EPROTO for a stray '&'
 * or a control character. */
static int xml_text(char *dst, size_t dstlen, const char *v, size_t len)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		     { "&quot;", '"' }, { "&apos;", '\'' } };
	size_t o = 0;

	for (size_t i = 0; i < len;) {
		char c = v[i];

		if ((unsigned char)c < 0x20 || c == 0x7f)
			return -EPROTO;
		if (c == '&') {
			size_t k;

			for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
				size_t el = strlen(ents[k].ent);

				if (len - i >= el && memcmp(v + i, ents[k].ent, el) == 0) {
					c = ents[k].c;
					i += el;
					break;
				}
			}
			if (k == sizeof(ents) / sizeof(ents[0]))
				return -EPROTO;
		} else {
			i++;
		}
		if (o + 1 >= dstlen)
			return -ENOSPC;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return 0;
}

static bool is_name(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

/* The elements ctl.c (and the block backend's lun_info) write for every
 * LUN; everything else in a <lun> is one of its options. */
static bool is_kernel_field(const char *name, size_t n)
{
	static const char *const fields[] = { "backend_type", "lun_type", "size", "blocksize",
					      "serial_number", "device_id", "num_threads" };

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strlen(fields[i]) == n && memcmp(fields[i], name, n) == 0)
			return true;
	return false;
}

/* "<lun id="N">" -> N */
static int lun_open(const char *l, size_t len, unsigned *id)
{
	static const char pre[] = "<lun id=\"";
	size_t pl = sizeof(pre) - 1;
	unsigned long v = 0;
	size_t i;

	if (len < pl + 3 || memcmp(l, pre, pl) != 0 || memcmp(l + len - 2, "\">", 2) != 0)
		return -EPROTO;
	if (len - 2 - pl == 0 || len - 2 - pl > 6)
		return -EPROTO;
	for (i = pl; i < len - 2; i++) {
		if (!isdigit((unsigned char)l[i]))
			return -EPROTO;
		v = v * 10 + (unsigned long)(l[i] - '0');
	}
	if (v > CTLHA_MAX_LUN)
		return -ERANGE;
	*id = (unsigned)v;
	return 0;
}

int ctlha_devlist_parse(const char *text, struct ctlha_lun_list *out, char *why,
			size_t whylen)
{
	struct ctlha_lun *cur = NULL;
	bool opened = false, closed = false;
	size_t lineno = 0, cap = 0;
	const char *p = text;

	out->luns = NULL;
	out->n = 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *l = p;

		lineno++;
		p = nl ? nl + 1 : p + len;
		if (len == 0)
			continue;
		if (closed)
			goto bad_after;
		if (!opened) {
			if (len == 12 && memcmp(l, "<ctllunlist>", 12) == 0) {
				opened = true;
				continue;
			}
			ctlha_lun_list_free(out);
			return devlist_bad(why, whylen, lineno, "expected <ctllunlist>", l, len);
		}
		if (len == 13 && memcmp(l, "</ctllunlist>", 13) == 0) {
			if (cur) {
				ctlha_lun_list_free(out);
				return devlist_bad(why, whylen, lineno, "unclosed <lun>", l, len);
			}
			closed = true;
			continue;
		}
		if (!cur) {
			unsigned id;
			int rc = lun_open(l, len, &id);

			if (rc < 0) {
				ctlha_lun_list_free(out);
				return devlist_bad(why, whylen, lineno,
						   rc == -ERANGE ? "LUN number out of range"
								 : "expected <lun id=\"N\">",
						   l, len);
			}
			for (size_t i = 0; i < out->n; i++)
				if (out->luns[i].id == id) {
					ctlha_lun_list_free(out);
					return devlist_bad(why, whylen, lineno, "LUN listed twice", l,
							   len);
				}
			if (out->n == cap) {
				size_t ncap = cap ? cap * 2 : 8;
				struct ctlha_lun *n = realloc(out->luns, ncap * sizeof(*n));

				if (!n) {
					ctlha_lun_list_free(out);
					return -ENOMEM;
				}
				out->luns = n;
				cap = ncap;
			}
			cur = &out->luns[out->n++];
			memset(cur, 0, sizeof(*cur));
			cur->id = id;
			continue;
		}
		if (len == 6 && memcmp(l, "</lun>", 6) == 0) {
			if (cur->backend[0] == '\0') {
				ctlha_lun_list_free(out);
				return devlist_bad(why, whylen, lineno, "LUN without backend_type",
						   l, len);
			}
			cur = NULL;
			continue;
		}
		/* "\t<NAME>VALUE</NAME>" */
		{
			const char *gt, *name, *value;
			size_t nlen, vlen;
			char *dst = NULL;
			size_t dstlen = 0;
			int rc;

			if (len < 8 || l[0] != '\t' || l[1] != '<')
				goto bad_element;
			name = l + 2;
			gt = memchr(name, '>', len - 2);
			if (!gt)
				goto bad_element;
			nlen = (size_t)(gt - name);
			if (!is_name(name, nlen) || len < 2 + nlen + 1 + nlen + 3)
				goto bad_element;
			value = gt + 1;
			vlen = len - (size_t)(value - l) - (nlen + 3);
			if (memcmp(value + vlen, "</", 2) != 0 ||
			    memcmp(value + vlen + 2, name, nlen) != 0 || value[vlen + 2 + nlen] != '>')
				goto bad_element;
			if (nlen == 12 && memcmp(name, "backend_type", 12) == 0)
				dst = cur->backend, dstlen = sizeof(cur->backend);
			else if (nlen == 9 && memcmp(name, "device_id", 9) == 0)
				dst = cur->device_id, dstlen = sizeof(cur->device_id);
			else if (!is_kernel_field(name, nlen)) {
				struct ctlha_opt *o;

				if (cur->nopts == CTLHA_LUN_OPTS || nlen >= sizeof(o->name)) {
					ctlha_lun_list_free(out);
					return devlist_bad(why, whylen, lineno,
							   "too many or too long LUN options", l, len);
				}
				o = &cur->opts[cur->nopts++];
				memcpy(o->name, name, nlen);
				o->name[nlen] = '\0';
				dst = o->value, dstlen = sizeof(o->value);
			}
			if (!dst)
				continue; /* a kernel field we do not need */
			rc = xml_text(dst, dstlen, value, vlen);
			if (rc == 0 && nlen == 4 && memcmp(name, "file", 4) == 0)
				snprintf(cur->file, sizeof(cur->file), "%s", dst);
			if (rc == 0 && nlen == 7 && memcmp(name, "ha_role", 7) == 0)
				snprintf(cur->ha_role, sizeof(cur->ha_role), "%.15s", dst);
			if (rc < 0) {
				ctlha_lun_list_free(out);
				return devlist_bad(why, whylen, lineno,
						   rc == -ENOSPC ? "value too long" : "bad characters",
						   l, len);
			}
			continue;
bad_element:
			ctlha_lun_list_free(out);
			return devlist_bad(why, whylen, lineno, "expected <name>value</name>", l,
					   len);
		}
bad_after:
		ctlha_lun_list_free(out);
		return devlist_bad(why, whylen, lineno, "text after </ctllunlist>", l, len);
	}
	if (!closed) {
		ctlha_lun_list_free(out);
		snprintf(why, whylen, "ctladm devlist -x: output ends before </ctllunlist>");
		return -EPROTO;
	}
	return 0;
}

/* ---- ctladm rtpg ---- */

#define RTPG_MAX 1024

int ctlha_rtpg_parse(const char *text, int ha_id, struct ctlha_alua *out, char *why,
		     size_t whylen)
{
	uint8_t b[RTPG_MAX];
	size_t n = 0, off;
	uint32_t len;
	const char *p = text;
	bool have_self = false, have_other = false;
	unsigned self_grp, other_grp;

	if (ha_id != 1 && ha_id != 2) {
		snprintf(why, whylen, "ha_id %d has no HA port group", ha_id);
		return -EINVAL;
	}
	self_grp = 2 + (unsigned)(ha_id - 1);
	other_grp = 2 + (unsigned)(2 - ha_id);
	for (;;) {
		unsigned v = 0;

		while (*p == ' ' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		if (p[0] != '0' || p[1] != 'x' || !isxdigit((unsigned char)p[2]) ||
		    !isxdigit((unsigned char)p[3]) || (p[4] != ' ' && p[4] != '\n' && p[4] != '\0')) {
			snprintf(why, whylen, "ctladm rtpg: expected 0xHH at byte %zu: '%.12s'", n, p);
			return -EPROTO;
		}
		if (n == RTPG_MAX) {
			snprintf(why, whylen, "ctladm rtpg: more than %d bytes", RTPG_MAX);
			return -EPROTO;
		}
		sscanf(p + 2, "%2x", &v);
		b[n++] = (uint8_t)v;
		p += 4;
	}
	if (n < 4) {
		snprintf(why, whylen, "ctladm rtpg: %zu bytes, not even a header", n);
		return -EPROTO;
	}
	len = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
	if ((size_t)len + 4 != n) {
		snprintf(why, whylen, "ctladm rtpg: length field says %u bytes, dump has %zu",
			 (unsigned)len + 4, n);
		return -EPROTO;
	}
	for (off = 4; off < n;) {
		unsigned grp, ports;
		int state;

		if (n - off < 8) {
			snprintf(why, whylen, "ctladm rtpg: truncated group descriptor at byte %zu",
				 off);
			return -EPROTO;
		}
		state = b[off] & 0x0f;
		grp = ((unsigned)b[off + 2] << 8) | b[off + 3];
		ports = b[off + 7];
		if (n - off - 8 < (size_t)ports * 4) {
			snprintf(why, whylen, "ctladm rtpg: group %u lists %u ports past the end",
				 grp, ports);
			return -EPROTO;
		}
		if (grp == self_grp) {
			out->self = state;
			have_self = true;
		} else if (grp == other_grp) {
			out->other = state;
			have_other = true;
		}
		off += 8 + (size_t)ports * 4;
	}
	if (!have_self || !have_other) {
		snprintf(why, whylen, "ctladm rtpg: no HA port groups %u and %u (is ha_id set?)",
			 self_grp, other_grp);
		return -EPROTO;
	}
	return 0;
}

const char *ctlha_alua_name(int state)
{
	static char buf[16];

	switch (state) {
	case CTLHA_ALUA_OPTIMIZED:
		return "Active/Optimized";
	case CTLHA_ALUA_NONOPTIMIZED:
		return "Active/Non-optimized";
	case CTLHA_ALUA_STANDBY:
		return "Standby";
	case CTLHA_ALUA_UNAVAILABLE:
		return "Unavailable";
	case CTLHA_ALUA_OFFLINE:
		return "Offline";
	case CTLHA_ALUA_TRANSITIONING:
		return "Transitioning";
	}
	snprintf(buf, sizeof(buf), "state 0x%x", (unsigned)state & 0xfu);
	return buf;
}

/* ---- lun_roles ---- */

int ctlha_lun_roles_parse(const char *s, struct ctlha_lun_role *out, size_t max, char *why,
			  size_t whylen)
{
	size_t n = 0;
	const char *p = s;

	for (;;) {
		const char *tok;
		unsigned long lun = 0;
		size_t digits = 0;

		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		tok = p;
		while (isdigit((unsigned char)*p)) {
			lun = lun * 10 + (unsigned long)(*p - '0');
			if (++digits > 6)
				break;
			p++;
		}
		if (digits == 0 || digits > 6 || (digits > 1 && tok[0] == '0') || *p != '=' ||
		    (p[1] != '1' && p[1] != '2') ||
		    (p[2] != '\0' && p[2] != ',' && p[2] != ' ' && p[2] != '\t')) {
			int tl = (int)strcspn(tok, ", \t");

			snprintf(why, whylen, "'%.*s' is not LUN=HAID (a LUN number, '=', and the "
				 "ha_id 1 or 2 of the head that is primary for it)", tl > 40 ? 40 : tl,
				 tok);
			return -EINVAL;
		}
		if (lun > CTLHA_MAX_LUN) {
			snprintf(why, whylen, "LUN %lu is above %d", lun, CTLHA_MAX_LUN);
			return -EINVAL;
		}
		for (size_t i = 0; i < n; i++)
			if (out[i].lun == lun) {
				snprintf(why, whylen, "LUN %lu is named twice", lun);
				return -EINVAL;
			}
		if (n == max) {
			snprintf(why, whylen, "more than %zu LUN=HAID pairs", max);
			return -EINVAL;
		}
		out[n].lun = (unsigned)lun;
		out[n].owner = p[1] - '0';
		n++;
		p += 2;
	}
	return (int)n;
}

/* ---- state ---- */

enum ctlha_run ctlha_classify(const struct ctlha_state *st, const struct ctlha_peer *want)
{
	struct ctlha_peer cur;
	bool primary = st->ha_role == CTLHA_ROLE_PRIMARY;
	bool linked = st->ha_link == CTLHA_LINK_ONLINE;

	if (ctlha_peer_parse(st->ha_peer, &cur) < 0)
		return CTLHA_RUN_FOREIGN;
	if (cur.kind == CTLHA_PEER_NONE)
		return primary ? CTLHA_RUN_PRIMARY_DEGRADED : CTLHA_RUN_STOPPED;
	if (!ctlha_peer_equal(&cur, want))
		return CTLHA_RUN_FOREIGN;
	if (primary)
		return linked ? CTLHA_RUN_PRIMARY : CTLHA_RUN_PRIMARY_DEGRADED;
	return linked ? CTLHA_RUN_SECONDARY : CTLHA_RUN_SECONDARY_DEGRADED;
}

int ctlha_peer_primary_from_alua(const struct ctlha_alua *a, int ha_link)
{
	if (ha_link != CTLHA_LINK_ONLINE || a->self == CTLHA_ALUA_OPTIMIZED)
		return -1;
	return a->other == CTLHA_ALUA_OPTIMIZED;
}

int ctlha_promotion_score(const struct ctlha_score_in *in)
{
	int score = 5;

	if (!in->usable)
		return 0;
	if (in->pool_given) {
		if (in->pool_imported)
			score += 50;
	} else if (in->backends_reachable) {
		score += 5;
	}
	if (in->primary)
		score += 100;
	return score;
}
