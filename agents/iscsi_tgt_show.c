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
 */
#include "config.h"
#include "iscsi_tgt_show.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cursor {
	char **lines;
	size_t n, i;
	char *why;
	size_t whylen;
};

static int bad(struct cursor *c, const char *what)
{
	size_t at = c->i < c->n ? c->i : c->n;

	if (c->i < c->n)
		snprintf(c->why, c->whylen, "tgtadm output line %zu: %s: '%.80s'", at + 1, what,
			 c->lines[at]);
	else
		snprintf(c->why, c->whylen, "tgtadm output ends early: %s", what);
	return -EPROTO;
}

static const char *peek(const struct cursor *c)
{
	return c->i < c->n ? c->lines[c->i] : NULL;
}

static size_t indent_of(const char *l)
{
	size_t n = 0;

	while (l[n] == ' ')
		n++;
	return n;
}

/* The value after exactly indent spaces, key, and ": " (an empty value keeps
 * the space, as tgt prints "Backing store flags: "). NULL if the line is not
 * that. */
/* The value after a line's fixed prefix (indentation, key, ": "), or NULL.
 * An empty value keeps the space, as tgt prints "Backing store flags: ".
 * strncmp stops at the line's NUL: a short line is never overrun. */
static const char *value_of_n(const char *l, const char *prefix, size_t n)
{
	return strncmp(l, prefix, n) == 0 ? l + n : NULL;
}

/* Indentation levels, as tgt prints them (four spaces each). */
#define IND1 "    "
#define IND2 "        "
#define IND3 "            "
/* prefix is IND<n> "Key": a literal, so its length is known when compiled. */
#define value_of(l, prefix) value_of_n((l), prefix ": ", sizeof(prefix ": ") - 1)

static int take_value_n(struct cursor *c, const char *prefix, size_t k, const char **out)
{
	const char *l = peek(c);
	const char *v = l ? value_of_n(l, prefix, k) : NULL;
	char what[64];

	if (!v) {
		snprintf(what, sizeof(what), "expected '%.*s'", (int)k, prefix + strspn(prefix, " "));
		return bad(c, what);
	}
	*out = v;
	c->i++;
	return 0;
}

static int take_header(struct cursor *c, size_t indent, const char *header)
{
	const char *l = peek(c);
	char what[64];

	if (!l || indent_of(l) != indent || strcmp(l + indent, header) != 0) {
		snprintf(what, sizeof(what), "expected '%s'", header);
		return bad(c, what);
	}
	c->i++;
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

static int take_u64_n(struct cursor *c, const char *prefix, size_t k, uint64_t max,
		      uint64_t *out)
{
	const char *v = NULL;
	int rc = take_value_n(c, prefix, k, &v);

	if (rc)
		return rc;
	if (parse_u64(v, out) < 0 || *out > max) {
		c->i--;
		return bad(c, "not a number in range");
	}
	return 0;
}

static int take_bool_n(struct cursor *c, const char *prefix, size_t k, bool *out)
{
	const char *v = NULL;
	int rc = take_value_n(c, prefix, k, &v);

	if (rc)
		return rc;
	if (strcmp(v, "Yes") == 0)
		*out = true;
	else if (strcmp(v, "No") == 0)
		*out = false;
	else {
		c->i--;
		return bad(c, "expected Yes or No");
	}
	return 0;
}

static int take_word_n(struct cursor *c, const char *prefix, size_t k, const char **out)
{
	int rc = take_value_n(c, prefix, k, out);

	if (rc)
		return rc;
	if (!**out || strchr(*out, ' ')) {
		c->i--;
		return bad(c, "expected one word");
	}
	return 0;
}

/* prefix is IND<n> "Key", a string literal. */
#define PFX(prefix) prefix ": ", sizeof(prefix ": ") - 1
#define take_value(c, prefix, out) take_value_n((c), PFX(prefix), (out))
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

	if ((rc = take_u64(c, IND2 "LUN", UINT64_MAX, &l->number)) ||
	    (rc = take_value(c, IND3 "Type", &l->type)) ||
	    (rc = take_value(c, IND3 "SCSI ID", &l->scsi_id)) ||
	    (rc = take_value(c, IND3 "SCSI SN", &l->scsi_sn)) ||
	    (rc = take_value(c, IND3 "Size", &v)))
		return rc;
	/* "Size: 67 MB, Block size: 512" */
	sep = strstr(v, ", Block size: ");
	if (!sep || sep == v || parse_u64(sep + strlen(", Block size: "), &bs) < 0 || bs == 0 ||
	    bs > 65536) {
		c->i--;
		return bad(c, "expected 'Size: SIZE, Block size: N'");
	}
	l->block_size = (unsigned)bs;
	if ((rc = take_bool(c, IND3 "Online", &l->online)) ||
	    (rc = take_bool(c, IND3 "Removable media", &ignore)) ||
	    (rc = take_bool(c, IND3 "Prevent removal", &ignore)) ||
	    (rc = take_bool(c, IND3 "Readonly", &l->readonly)) ||
	    (rc = take_bool(c, IND3 "SWP", &ignore)) ||
	    (rc = take_bool(c, IND3 "Thin-provisioning", &ignore)) ||
	    (rc = take_word(c, IND3 "Backing store type", &l->bs_type)) ||
	    (rc = take_value(c, IND3 "Backing store path", &l->path)) ||
	    (rc = take_value(c, IND3 "Backing store flags", &v)))
		return rc;
	if (!*l->type || !*l->path) {
		c->i -= 12;
		return bad(c, "LUN without type or backing store path");
	}
	return 0;
}

static int u64_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static int parse_target(struct cursor *c, struct tgt_show_target *t)
{
	const char *l = peek(c), *colon;
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
	t->name = colon + 2;
	if (!*t->name || strchr(t->name, ' '))
		return bad(c, "bad target name");
	c->i++;

	if ((rc = take_header(c, 4, "System information:")) ||
	    (rc = take_word(c, IND2 "Driver", &t->driver)) ||
	    (rc = take_word(c, IND2 "State", &t->state)))
		return rc;
	if (peek(c) && value_of(peek(c), IND2 "Nop interval")) {
		if ((rc = take_u64(c, IND2 "Nop interval", UINT32_MAX, &n)) ||
		    (rc = take_u64(c, IND2 "Nop count", UINT32_MAX, &n)))
			return rc;
	}

	if ((rc = take_header(c, 4, "I_T nexus information:")))
		return rc;
	while (peek(c) && value_of(peek(c), IND2 "I_T nexus")) {
		if ((rc = take_u64(c, IND2 "I_T nexus", UINT64_MAX, &n)))
			return rc;
		t->n_nexus++;
		while (peek(c) && indent_of(peek(c)) >= 12) {
			if (!peek(c)[indent_of(peek(c))])
				return bad(c, "blank session line");
			c->i++;
		}
	}

	if ((rc = take_header(c, 4, "LUN information:")))
		return rc;
	cap = 0;
	while (peek(c) && value_of(peek(c), IND2 "LUN")) {
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
				free(nums);
				snprintf(c->why, c->whylen, "tgtadm output lists LUN %" PRIu64
							    " of target %u twice",
					 nums[i], t->tid);
				return -EPROTO;
			}
		free(nums);
	}

	if (peek(c) && strcmp(peek(c), "    Account information:") == 0) {
		c->i++;
		cap = 0;
		while (peek(c) && indent_of(peek(c)) == 8) {
			char *u = c->lines[c->i] + 8;
			char *o = strstr(u, " (outgoing)");

			t->accounts = grow(t->accounts, t->n_accounts, &cap, sizeof(*t->accounts));
			if (!t->accounts)
				return -ENOMEM;
			t->accounts[t->n_accounts].outgoing = false;
			if (o && o[strlen(" (outgoing)")] == '\0') {
				*o = '\0';
				t->accounts[t->n_accounts].outgoing = true;
			}
			if (!*u || strchr(u, ' '))
				return bad(c, "bad account name");
			t->accounts[t->n_accounts++].user = u;
			c->i++;
		}
	}

	if ((rc = take_header(c, 4, "ACL information:")))
		return rc;
	cap = 0;
	while (peek(c) && indent_of(peek(c)) == 8) {
		const char *a = peek(c) + 8;

		if (!*a || strchr(a, ' '))
			return bad(c, "bad ACL entry");
		t->acl = grow(t->acl, t->n_acl, &cap, sizeof(*t->acl));
		if (!t->acl)
			return -ENOMEM;
		t->acl[t->n_acl++] = a;
		c->i++;
	}
	return 0;
}

/* Whether any of the n bytes is a control character (below 0x20, or 0x7f),
 * eight at a time: a byte b < 0x20 makes (b - 0x20) borrow into bit 7
 * while b's own bit 7 is clear; 0x7f is a zero after XOR. */
static bool line_has_control(const char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w, d;

		memcpy(&w, p + i, 8);
		d = w ^ (0x7f * ones);
		if (((w - 0x20 * ones) & ~w & high) || ((d - ones) & ~d & high))
			return true;
	}
	for (; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return true;
	return false;
}

void tgt_show_free(struct tgt_show *show)
{
	for (size_t i = 0; i < show->n_targets; i++) {
		free(show->targets[i].luns);
		free(show->targets[i].accounts);
		free(show->targets[i].acl);
	}
	free(show->targets);
	free(show->text);
	memset(show, 0, sizeof(*show));
}

int tgt_show_parse_owned(char *text, size_t len, struct tgt_show *show, char *why,
			 size_t whylen)
{
	struct cursor c = { .why = why, .whylen = whylen };
	size_t cap = 0, lines = 0;
	int rc = 0;

	memset(show, 0, sizeof(*show));
	show->text = text;
	if (len > 0 && text[len - 1] != '\n') {
		snprintf(why, whylen, "tgtadm output does not end with a newline (truncated?)");
		rc = -EPROTO;
		goto fail;
	}
	for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + len - p))) != NULL; p++)
		lines++;
	c.lines = malloc((lines + 1) * sizeof(*c.lines));
	if (!c.lines) {
		rc = -ENOMEM;
		goto fail;
	}
	text[len] = '\0';
	for (char *p = text; c.n < lines; c.n++) {
		char *nl = memchr(p, '\n', (size_t)(text + len - p));

		if (line_has_control(p, (size_t)(nl - p))) {
			for (const char *q = p; q < nl; q++)
				if ((unsigned char)*q < 0x20 || *q == 0x7f) {
					snprintf(why, whylen,
						 "tgtadm output line %zu: control character 0x%02x",
						 c.n + 1, (unsigned char)*q);
					break;
				}
			free(c.lines);
			rc = -EPROTO;
			goto fail;
		}
		*nl = '\0';
		c.lines[c.n] = p;
		p = nl + 1;
	}

	while (c.i < c.n) {
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
	free(c.lines);
	if (rc == 0)
		return 0;
fail:
	tgt_show_free(show);
	return rc;
}

int tgt_show_parse(const char *out, size_t len, struct tgt_show *show, char *why,
		   size_t whylen)
{
	char *text = malloc(len + 1);

	memset(show, 0, sizeof(*show));
	if (!text)
		return -ENOMEM;
	memcpy(text, out, len);
	return tgt_show_parse_owned(text, len, show, why, whylen);
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
