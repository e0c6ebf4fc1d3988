/* A strict parser for tgtadm's target listing. See iscsi_tgt_show.h.
 *
 * The grammar, from tgt's usr/target.c (tgt_target_show_all), with
 * indentation in units of four spaces:
 *
 *   Target TID: NAME
 *   1 System information:
 *   2 Driver: WORD
 *   2 State: WORD
 *   [2 Nop interval: N   2 Nop count: N]        (iscsi, when configured)
 *   1 I_T nexus information:
 *   { 2 I_T nexus: N   { 3+ free text } }       (the session's description)
 *   1 LUN information:
 *   { 2 LUN: N   3 Type .. Backing store flags: 13 fixed lines }
 *   [1 Account information:   { 2 USER[ (outgoing)] } ]   (iscsi, iser)
 *   1 ACL information:
 *   { 2 ADDRESS-OR-NAME }
 *
 * The text streams through a window of TGT_SHOW_WINDOW bytes, one line at
 * a time: a line is split off (its newline replaced by a NUL, every byte
 * checked for control characters) when the parser reaches it, checked
 * whole, and what the result keeps of it is copied out before the parser
 * moves on. 256 LUNs are 3,600 lines and 120 KB; monitor parses them on
 * every call, straight from tgtd's socket, and touches a fifth of that in
 * memory.
 */
#include "config.h"
#include "iscsi_tgt_show.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Far longer than any line tgt prints (a path is at most PATH_MAX). */
#define TGT_SHOW_WINDOW 16384

/* Kept strings are copied into blocks of this size (larger strings get a
 * block of their own). */
#define TGT_SHOW_BLOCK 8192

struct tgt_show_block {
	struct tgt_show_block *next;
	size_t used, cap;
	char data[];
};

struct cursor {
	char *line;     /* the current line, NUL-terminated; NULL at the end */
	size_t len;     /* its length */
	size_t no;      /* its number, from 1 */
	char *rest;     /* the bytes after it in the window */
	char *filled;   /* the end of what the window holds */
	bool eof;       /* the reader has nothing more */
	int err;        /* the first error advance() met (why written unless
			 * the reader's own) */
	tgt_show_read_fn read;
	void *arg;
	size_t luns_hint;   /* first capacity of a target's LUN array */
	char *window;   /* TGT_SHOW_WINDOW + 1 bytes */
	struct tgt_show *show;
	char *why;
	size_t whylen;
};

static int bad(struct cursor *c, const char *what)
{
	/* advance() failed: its error is the cause. */
	if (c->err)
		return c->err;
	if (c->line)
		snprintf(c->why, c->whylen, "tgtadm output line %zu: %s: '%.80s'", c->no, what,
			 c->line);
	else
		snprintf(c->why, c->whylen, "tgtadm output ends early: %s", what);
	return -EPROTO;
}

/* Sixteen bytes, compared lane by lane (GCC and Clang vector extensions:
 * SSE2 on x86-64, NEON on arm64, plain code elsewhere). */
typedef unsigned char bytes16 __attribute__((vector_size(16)));

/* Index of the first byte below 0x20 or equal to 0x7f in p[0..n), or n.
 * Sixteen bytes at a time, then the block with a hit byte by byte. */
static size_t first_control(const char *p, size_t n)
{
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		bytes16 v, hit;
		uint64_t lo, hi;

		memcpy(&v, p + i, sizeof(v));
		hit = (bytes16)((v < 0x20) | (v == 0x7f));
		memcpy(&lo, &hit, 8);
		memcpy(&hi, (const char *)&hit + 8, 8);
		if (lo | hi) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			/* Lane k is byte k of lo, then of hi. */
			return i + (lo ? (size_t)__builtin_ctzll(lo) / 8 :
					 8 + (size_t)__builtin_ctzll(hi) / 8);
#else
			break;
#endif
		}
	}
	for (; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return i;
	return n;
}

/* Moves to the next line; c->line is NULL at the end of the text or on an
 * error (c->err). Nothing may point into the window across this call: a
 * refill moves the bytes. */
static void advance(struct cursor *c)
{
	c->line = NULL;
	while (!c->err) {
		size_t avail = (size_t)(c->filled - c->rest);
		size_t k = first_control(c->rest, avail);
		ssize_t n;

		if (k < avail) {
			if (c->rest[k] != '\n') {
				snprintf(c->why, c->whylen,
					 "tgtadm output line %zu: control character 0x%02x", c->no + 1,
					 (unsigned char)c->rest[k]);
				c->err = -EPROTO;
				return;
			}
			c->rest[k] = '\0';
			c->line = c->rest;
			c->len = k;
			c->no++;
			c->rest += k + 1;
			return;
		}
		if (c->eof) {
			if (avail) {
				snprintf(c->why, c->whylen,
					 "tgtadm output does not end with a newline (truncated?)");
				c->err = -EPROTO;
			}
			return;
		}
		if (avail == TGT_SHOW_WINDOW) {
			snprintf(c->why, c->whylen, "tgtadm output line %zu is longer than %d bytes",
				 c->no + 1, TGT_SHOW_WINDOW - 1);
			c->err = -EPROTO;
			return;
		}
		/* The start of a line is in the window: move it to the front
		 * and read more after it. */
		memmove(c->window, c->rest, avail);
		c->rest = c->window;
		c->filled = c->window + avail;
		n = c->read(c->arg, c->filled, TGT_SHOW_WINDOW - avail);
		if (n < 0 || (size_t)n > TGT_SHOW_WINDOW - avail)
			c->err = n < 0 ? (int)n : -EIO;
		else if (n == 0)
			c->eof = true;
		else
			c->filled += n;
	}
}

/* A copy of s[0..n) that lives as long as the result, or NULL. */
static const char *keep(struct cursor *c, const char *s, size_t n)
{
	struct tgt_show_block *b = c->show->strings;
	char *p;

	if (!b || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > TGT_SHOW_BLOCK ? n + 1 : TGT_SHOW_BLOCK;

		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = c->show->strings;
		c->show->strings = b;
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

static size_t indent_of(const char *l)
{
	size_t n = 0;

	while (l[n] == ' ')
		n++;
	return n;
}

/* The value after the current line's fixed prefix (indentation, key,
 * ": "), or NULL; valid until advance(). An empty value keeps the space, as
 * tgt prints "Backing store flags: ". The length check keeps memcmp inside
 * the line. */
static inline __attribute__((always_inline)) const char *value_of_n(const struct cursor *c,
								  const char *prefix, size_t n)
{
	const char *l = c->line;
	size_t i = 0;

	if (!l || c->len < n)
		return NULL;
	/* memcmp, eight bytes at a time: with n and prefix known when
	 * compiled this becomes a few compares with constants (a memcmp call
	 * per line cost a third of the parse). */
	for (; i + 8 <= n; i += 8) {
		uint64_t a, b;

		memcpy(&a, l + i, 8);
		memcpy(&b, prefix + i, 8);
		if (a != b)
			return NULL;
	}
	for (; i < n; i++)
		if (l[i] != prefix[i])
			return NULL;
	return l + n;
}

/* Indentation levels, as tgt prints them (four spaces each). */
#define IND1 "    "
#define IND2 "        "
#define IND3 "            "

/* prefix is IND<n> "Key", a string literal: its length is known when
 * compiled, and the inlined memcmp compares words. */
#define PFX(prefix) prefix ": ", sizeof(prefix ": ") - 1
#define value_of(c, prefix) value_of_n((c), PFX(prefix))

/* The current line's value after prefix, or -EPROTO naming the key. */
static inline __attribute__((always_inline)) int want_n(struct cursor *c, const char *prefix, size_t k, const char **v)
{
	char what[64];

	*v = value_of_n(c, prefix, k);
	if (*v)
		return 0;
	snprintf(what, sizeof(what), "expected '%.*s'", (int)k, prefix + strspn(prefix, " "));
	return bad(c, what);
}

/* Each take_ checks the current line whole, keeps what it returns, and
 * only then moves on; errors name the current line. */
static inline __attribute__((always_inline)) int take_value_n(struct cursor *c, const char *prefix, size_t k, const char **out)
{
	const char *v;
	int rc = want_n(c, prefix, k, &v);

	if (rc)
		return rc;
	if (!(*out = keep(c, v, c->len - k)))
		return -ENOMEM;
	advance(c);
	return 0;
}

static inline __attribute__((always_inline)) int skip_value_n(struct cursor *c, const char *prefix, size_t k)
{
	const char *v;
	int rc = want_n(c, prefix, k, &v);

	if (rc)
		return rc;
	advance(c);
	return 0;
}

static int take_header(struct cursor *c, size_t indent, const char *header)
{
	const char *l = c->line;
	char what[64];

	if (!l || indent_of(l) != indent || strcmp(l + indent, header) != 0) {
		snprintf(what, sizeof(what), "expected '%s'", header);
		return bad(c, what);
	}
	advance(c);
	return 0;
}

/* Decimal without sign, leading zeros or junk. */
static int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!isdigit((unsigned char)s[0]) || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s) || v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static inline __attribute__((always_inline)) int take_u64_n(struct cursor *c, const char *prefix, size_t k, uint64_t max,
			     uint64_t *out)
{
	const char *v;
	int rc = want_n(c, prefix, k, &v);

	if (rc)
		return rc;
	if (parse_u64(v, out) < 0 || *out > max)
		return bad(c, "not a number in range");
	advance(c);
	return 0;
}

static inline __attribute__((always_inline)) int take_bool_n(struct cursor *c, const char *prefix, size_t k, bool *out)
{
	const char *v;
	int rc = want_n(c, prefix, k, &v);

	if (rc)
		return rc;
	if (c->len - k == 3 && memcmp(v, "Yes", 3) == 0)
		*out = true;
	else if (c->len - k == 2 && memcmp(v, "No", 2) == 0)
		*out = false;
	else
		return bad(c, "expected Yes or No");
	advance(c);
	return 0;
}

static inline __attribute__((always_inline)) int take_word_n(struct cursor *c, const char *prefix, size_t k, const char **out)
{
	const char *v;
	int rc = want_n(c, prefix, k, &v);

	if (rc)
		return rc;
	if (!*v || strchr(v, ' '))
		return bad(c, "expected one word");
	if (!(*out = keep(c, v, c->len - k)))
		return -ENOMEM;
	advance(c);
	return 0;
}

#define take_value(c, prefix, out) take_value_n((c), PFX(prefix), (out))
#define skip_value(c, prefix) skip_value_n((c), PFX(prefix))
#define take_u64(c, prefix, max, out) take_u64_n((c), PFX(prefix), (max), (out))
#define take_bool(c, prefix, out) take_bool_n((c), PFX(prefix), (out))
#define take_word(c, prefix, out) take_word_n((c), PFX(prefix), (out))

static void *grow(void *p, size_t n, size_t *cap, size_t size)
{
	void *q;

	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 8;
	q = realloc(p, *cap * size);
	if (!q)
		free(p);
	return q;
}

static int parse_lun(struct cursor *c, struct tgt_show_lun *l)
{
	const char *v, *sep;
	uint64_t bs;
	bool ignore;
	int rc;

	if ((rc = take_u64(c, IND2 "LUN", UINT64_MAX, &l->number)))
		return rc;
	if (value_of(c, IND3 "Type") && c->len == sizeof(IND3 "Type: ") - 1)
		return bad(c, "LUN without a type");
	if ((rc = take_value(c, IND3 "Type", &l->type)) ||
	    (rc = take_value(c, IND3 "SCSI ID", &l->scsi_id)) ||
	    (rc = take_value(c, IND3 "SCSI SN", &l->scsi_sn)) ||
	    (rc = want_n(c, PFX(IND3 "Size"), &v)))
		return rc;
	/* "Size: 67 MB, Block size: 512" */
	sep = strstr(v, ", Block size: ");
	if (!sep || sep == v || parse_u64(sep + strlen(", Block size: "), &bs) < 0 || bs == 0 ||
	    bs > 65536)
		return bad(c, "expected 'Size: SIZE, Block size: N'");
	l->block_size = (unsigned)bs;
	advance(c);
	if ((rc = take_bool(c, IND3 "Online", &l->online)) ||
	    (rc = take_bool(c, IND3 "Removable media", &ignore)) ||
	    (rc = take_bool(c, IND3 "Prevent removal", &ignore)) ||
	    (rc = take_bool(c, IND3 "Readonly", &l->readonly)) ||
	    (rc = take_bool(c, IND3 "SWP", &ignore)) ||
	    (rc = take_bool(c, IND3 "Thin-provisioning", &ignore)) ||
	    (rc = take_word(c, IND3 "Backing store type", &l->bs_type)))
		return rc;
	if (value_of(c, IND3 "Backing store path") &&
	    c->len == sizeof(IND3 "Backing store path: ") - 1)
		return bad(c, "LUN without a backing store path");
	if ((rc = take_value(c, IND3 "Backing store path", &l->path)) ||
	    (rc = skip_value(c, IND3 "Backing store flags")))
		return rc;
	return 0;
}

static int u64_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static int parse_target(struct cursor *c, struct tgt_show_target *t)
{
	const char *l = c->line, *colon;
	size_t cap;
	uint64_t tid, n;
	int rc;

	/* "Target 1: iqn...." */
	if (strncmp(l, "Target ", 7) != 0 || !(colon = strstr(l + 7, ": ")))
		return bad(c, "expected 'Target TID: NAME'");
	{
		char num[24];
		size_t len = (size_t)(colon - (l + 7));

		if (len == 0 || len >= sizeof(num))
			return bad(c, "bad target id");
		memcpy(num, l + 7, len);
		num[len] = '\0';
		if (parse_u64(num, &tid) < 0 || tid == 0 || tid > INT32_MAX)
			return bad(c, "bad target id");
	}
	t->tid = (unsigned)tid;
	if (!colon[2] || strchr(colon + 2, ' '))
		return bad(c, "bad target name");
	if (!(t->name = keep(c, colon + 2, strlen(colon + 2))))
		return -ENOMEM;
	advance(c);

	if ((rc = take_header(c, 4, "System information:")) ||
	    (rc = take_word(c, IND2 "Driver", &t->driver)) ||
	    (rc = take_word(c, IND2 "State", &t->state)))
		return rc;
	if (value_of(c, IND2 "Nop interval")) {
		if ((rc = take_u64(c, IND2 "Nop interval", UINT32_MAX, &n)) ||
		    (rc = take_u64(c, IND2 "Nop count", UINT32_MAX, &n)))
			return rc;
	}

	if ((rc = take_header(c, 4, "I_T nexus information:")))
		return rc;
	while (value_of(c, IND2 "I_T nexus")) {
		if ((rc = take_u64(c, IND2 "I_T nexus", UINT64_MAX, &n)))
			return rc;
		t->n_nexus++;
		while (c->line && indent_of(c->line) >= 12) {
			if (!c->line[indent_of(c->line)])
				return bad(c, "blank session line");
			advance(c);
		}
	}

	if ((rc = take_header(c, 4, "LUN information:")))
		return rc;
	/* Sized from the listing's length when known: growing by doubling
	 * copies the array again and again, and capacity never used costs no
	 * memory (its pages are never touched). */
	cap = 0;
	if (c->luns_hint > 8) {
		t->luns = malloc(c->luns_hint * sizeof(*t->luns));
		if (!t->luns)
			return -ENOMEM;
		cap = c->luns_hint;
	}
	while (value_of(c, IND2 "LUN")) {
		t->luns = grow(t->luns, t->n_luns, &cap, sizeof(*t->luns));
		if (!t->luns)
			return -ENOMEM;
		memset(&t->luns[t->n_luns], 0, sizeof(*t->luns));
		if ((rc = parse_lun(c, &t->luns[t->n_luns])))
			return rc;
		t->n_luns++;
	}
	/* Twice the same LUN: sort a copy of the numbers, look at neighbours. */
	t->luns_sorted = true;
	for (size_t i = 1; i < t->n_luns; i++)
		if (t->luns[i].number <= t->luns[i - 1].number)
			t->luns_sorted = false;
	if (!t->luns_sorted) {
		uint64_t *nums = malloc(t->n_luns * sizeof(*nums));

		if (!nums)
			return -ENOMEM;
		for (size_t i = 0; i < t->n_luns; i++)
			nums[i] = t->luns[i].number;
		qsort(nums, t->n_luns, sizeof(*nums), u64_cmp);
		for (size_t i = 1; i < t->n_luns; i++)
			if (nums[i] == nums[i - 1]) {
				uint64_t twice = nums[i];

				free(nums);
				snprintf(c->why, c->whylen, "tgtadm output lists LUN %" PRIu64
							    " of target %u twice",
					 twice, t->tid);
				return -EPROTO;
			}
		free(nums);
	}

	if (c->line && strcmp(c->line, "    Account information:") == 0) {
		advance(c);
		cap = 0;
		while (c->line && indent_of(c->line) == 8) {
			const char *u = c->line + 8;
			size_t len = c->len - 8;
			bool outgoing = false;

			if (len > 11 && memcmp(u + len - 11, " (outgoing)", 11) == 0) {
				len -= 11;
				outgoing = true;
			}
			if (len == 0 || memchr(u, ' ', len))
				return bad(c, "bad account name");
			t->accounts = grow(t->accounts, t->n_accounts, &cap, sizeof(*t->accounts));
			if (!t->accounts)
				return -ENOMEM;
			t->accounts[t->n_accounts].outgoing = outgoing;
			if (!(t->accounts[t->n_accounts].user = keep(c, u, len)))
				return -ENOMEM;
			t->n_accounts++;
			advance(c);
		}
	}

	if ((rc = take_header(c, 4, "ACL information:")))
		return rc;
	cap = 0;
	while (c->line && indent_of(c->line) == 8) {
		const char *a = c->line + 8;

		if (!*a || strchr(a, ' '))
			return bad(c, "bad ACL entry");
		t->acl = grow(t->acl, t->n_acl, &cap, sizeof(*t->acl));
		if (!t->acl)
			return -ENOMEM;
		if (!(t->acl[t->n_acl] = keep(c, a, c->len - 8)))
			return -ENOMEM;
		t->n_acl++;
		advance(c);
	}
	return 0;
}

void tgt_show_free(struct tgt_show *show)
{
	for (size_t i = 0; i < show->n_targets; i++) {
		free(show->targets[i].luns);
		free(show->targets[i].accounts);
		free(show->targets[i].acl);
	}
	free(show->targets);
	while (show->strings) {
		struct tgt_show_block *b = show->strings;

		show->strings = b->next;
		free(b);
	}
	memset(show, 0, sizeof(*show));
}

int tgt_show_parse_stream(tgt_show_read_fn read, void *arg, size_t len_hint,
			  struct tgt_show *show, char *why, size_t whylen)
{
	/* A LUN takes about 470 bytes of listing (LUN 0 about 400). */
	struct cursor c = { .read = read, .arg = arg, .luns_hint = len_hint / 380 + 1,
			    .show = show, .why = why, .whylen = whylen };
	size_t cap = 0;
	int rc = 0;

	memset(show, 0, sizeof(*show));
	why[0] = '\0';
	c.window = malloc(TGT_SHOW_WINDOW + 1);
	if (!c.window)
		return -ENOMEM;
	c.rest = c.filled = c.window;
	advance(&c);
	while (c.line) {
		struct tgt_show_target *t;

		show->targets = grow(show->targets, show->n_targets, &cap, sizeof(*show->targets));
		if (!show->targets) {
			show->n_targets = 0;
			rc = -ENOMEM;
			break;
		}
		t = &show->targets[show->n_targets++];
		memset(t, 0, sizeof(*t));
		rc = parse_target(&c, t);
		if (rc)
			break;
		for (size_t i = 0; i + 1 < show->n_targets; i++)
			if (show->targets[i].tid == t->tid ||
			    strcmp(show->targets[i].name, t->name) == 0) {
				snprintf(why, whylen, "tgtadm output lists target %u (%s) twice", t->tid,
					 t->name);
				rc = -EPROTO;
				break;
			}
		if (rc)
			break;
	}
	/* advance() ends the lines early on an error: never a shorter listing. */
	if (rc == 0)
		rc = c.err;
	free(c.window);
	if (rc)
		tgt_show_free(show);
	return rc;
}

struct mem_reader {
	const char *p;
	size_t left;
};

static ssize_t mem_read(void *arg, char *buf, size_t len)
{
	struct mem_reader *m = arg;
	size_t n = len < m->left ? len : m->left;

	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (ssize_t)n;
}

int tgt_show_parse(const char *out, size_t len, struct tgt_show *show, char *why,
		   size_t whylen)
{
	struct mem_reader m = { .p = out, .left = len };

	return tgt_show_parse_stream(mem_read, &m, len, show, why, whylen);
}

const struct tgt_show_target *tgt_show_find_tid(const struct tgt_show *show, unsigned tid)
{
	for (size_t i = 0; i < show->n_targets; i++)
		if (show->targets[i].tid == tid)
			return &show->targets[i];
	return NULL;
}

const struct tgt_show_target *tgt_show_find_name(const struct tgt_show *show,
						 const char *name)
{
	for (size_t i = 0; i < show->n_targets; i++)
		if (strcmp(show->targets[i].name, name) == 0)
			return &show->targets[i];
	return NULL;
}

const struct tgt_show_lun *tgt_show_find_lun(const struct tgt_show_target *t,
					     uint64_t number)
{
	size_t lo = 0, hi = t->n_luns;

	if (!t->luns_sorted) {
		for (size_t i = 0; i < t->n_luns; i++)
			if (t->luns[i].number == number)
				return &t->luns[i];
		return NULL;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->luns[mid].number == number)
			return &t->luns[mid];
		if (t->luns[mid].number < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool tgt_show_account_bound_elsewhere(const struct tgt_show *show, const char *user,
				      unsigned except_tid)
{
	for (size_t i = 0; i < show->n_targets; i++) {
		if (show->targets[i].tid == except_tid)
			continue;
		for (size_t j = 0; j < show->targets[i].n_accounts; j++)
			if (strcmp(show->targets[i].accounts[j].user, user) == 0)
				return true;
	}
	return false;
}
