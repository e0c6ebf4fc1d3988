/* nvn_walk: the configuration zfs-fuse returned for a real pool is walked
 * pair by pair with the right nesting, and every kind of damage (cuts at
 * every length, sizes, names, types, byte order, trailing bytes, nesting)
 * is refused without reading outside the buffer. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check_tap.h"
#include "nvlist_native.h"
#include "tank_config.h"

static char why[200];

struct trail {
	char names[64][32];
	unsigned depth[64];
	char parent[64][32];
	unsigned n;
	unsigned all;
};

static int record(void *arg, const struct nvn_pair *p)
{
	struct trail *t = arg;

	if (t->n < 64) {
		snprintf(t->names[t->n], sizeof(t->names[0]), "%s", p->name);
		snprintf(t->parent[t->n], sizeof(t->parent[0]), "%s", p->parent ? p->parent : "");
		t->depth[t->n++] = p->depth;
	}
	t->all++;
	return 0;
}

START_TEST(real_config_walks_in_order)
{
	struct trail t = { 0 };

	ck_assert_int_eq(nvn_walk(tank_config, sizeof(tank_config), record, &t, why, sizeof(why)),
			 0);
	/* 13 top-level pairs, 6 in the root vdev, 11 in the mirror, 6 in
	 * each file vdev. */
	ck_assert_uint_eq(t.all, 13 + 6 + 11 + 6 + 6);
	ck_assert_str_eq(t.names[0], "version");
	ck_assert_str_eq(t.names[1], "name");
	ck_assert_str_eq(t.names[8], "vdev_tree");
	ck_assert_uint_eq(t.depth[8], 0);
	ck_assert_str_eq(t.names[9], "type");
	ck_assert_uint_eq(t.depth[9], 1);
	ck_assert_str_eq(t.parent[9], "vdev_tree");
	ck_assert_str_eq(t.names[13], "stats");
	ck_assert_str_eq(t.names[14], "children");
	ck_assert_str_eq(t.names[15], "type");
	ck_assert_uint_eq(t.depth[15], 2);
	ck_assert_str_eq(t.parent[15], "children");
	/* After both file vdevs, back at the top. */
	ck_assert_str_eq(t.names[26], "type");
	ck_assert_uint_eq(t.depth[26], 3);
	ck_assert_str_eq(t.names[38], "ddt_histogram");
	ck_assert_uint_eq(t.depth[38], 0);
	ck_assert_str_eq(t.names[41], "error_count");
}
END_TEST

struct find {
	const char *name;
	unsigned depth;
	struct nvn_pair pair;
	int found;
};

static int finder(void *arg, const struct nvn_pair *p)
{
	struct find *f = arg;

	if (p->depth == f->depth && strcmp(p->name, f->name) == 0) {
		f->pair = *p;
		f->found++;
	}
	return 0;
}

START_TEST(values_read_back)
{
	struct find f = { .name = "pool_guid" };

	ck_assert_int_eq(nvn_walk(tank_config, sizeof(tank_config), finder, &f, why, sizeof(why)),
			 0);
	ck_assert_int_eq(f.found, 1);
	ck_assert_int_eq(f.pair.type, NVN_UINT64);
	ck_assert(nvn_u64(&f.pair, 0) == TANK_GUID);
	f = (struct find){ .name = "hostname" };
	nvn_walk(tank_config, sizeof(tank_config), finder, &f, why, sizeof(why));
	ck_assert_int_eq(f.pair.type, NVN_STRING);
	ck_assert_str_eq((const char *)f.pair.value, "a");
	ck_assert_uint_eq(f.pair.value_len, 2);
	f = (struct find){ .name = "stats", .depth = 1 };
	nvn_walk(tank_config, sizeof(tank_config), finder, &f, why, sizeof(why));
	ck_assert_int_eq(f.pair.type, NVN_UINT64_ARRAY);
	ck_assert_uint_eq(f.pair.nelem, 30);
	ck_assert(nvn_u64(&f.pair, 1) == 7); /* VDEV_STATE_HEALTHY */
}
END_TEST

static int stop_at_third(void *arg, const struct nvn_pair *p)
{
	return ++*(int *)arg == 3 ? 42 : 0;
}

START_TEST(visitor_stops_the_walk)
{
	int n = 0;

	ck_assert_int_eq(nvn_walk(tank_config, sizeof(tank_config), stop_at_third, &n, why,
				  sizeof(why)),
			 42);
	ck_assert_int_eq(n, 3);
}
END_TEST

static int nothing(void *arg, const struct nvn_pair *p)
{
	return 0;
}

/* A copy the test may damage, in a buffer of its exact size (so a read
 * past the end would be one past the allocation, for a sanitizer). */
static int walk_copy(const uint8_t *b, size_t len)
{
	uint8_t *c = malloc(len ? len : 1);
	int rc;

	memcpy(c, b, len);
	rc = nvn_walk(c, len, nothing, NULL, why, sizeof(why));
	free(c);
	return rc;
}

START_TEST(every_cut_is_refused)
{
	for (size_t len = 0; len < sizeof(tank_config); len++)
		ck_assert_msg(walk_copy(tank_config, len) == -EPROTO, "cut at %zu accepted", len);
}
END_TEST

/* A list header and the first word of a pair, nothing more: the pair's
 * size must be checked against what remains before its header (name size,
 * element count, type) is read. Under a sanitizer, reading the header first
 * is a heap overflow of 12 bytes. */
START_TEST(sixteen_bytes_are_refused_inside_the_buffer)
{
	static const uint8_t sixteen[16] = { 0x00, 0x01, 0x00, 0x00, 0, 0, 0, 0, 1, 0, 0, 0,
					     0x20, 0, 0, 0 };

	why[0] = '\0';
	ck_assert_int_eq(walk_copy(sixteen, sizeof(sixteen)), -EPROTO);
	ck_assert_msg(strstr(why, "byte 12: pair size"), "why: %s", why);
}
END_TEST

static int walk_patched(size_t at, const void *bytes, size_t n)
{
	uint8_t c[sizeof(tank_config)];

	memcpy(c, tank_config, sizeof(c));
	memcpy(c + at, bytes, n);
	return walk_copy(c, sizeof(c));
}

START_TEST(damage_is_refused)
{
	/* Offsets in the capture: the header, the list header, the first
	 * pair ("version", 32 bytes at 12), the "name" pair at 44 (its
	 * string value at 68), vdev_tree's pair at 292. */
	static const struct {
		size_t at;
		uint8_t bytes[4];
		size_t n;
		const char *reason;
	} cases[] = {
		{ 0, { 1 }, 1, "native" },                 /* XDR */
		{ 1, { 0 }, 1, "byte order" },             /* big-endian */
		{ 2, { 1 }, 1, "reserved" },
		{ 4, { 1 }, 1, "version" },
		{ 8, { 8 }, 1, "flags" },
		{ 12, { 0x21 }, 1, "pair size" },          /* not a multiple of 8 */
		{ 12, { 0x08 }, 1, "pair size" },          /* smaller than a header */
		{ 12, { 0x28 }, 1, "value size" },         /* one word too many */
		{ 12, { 0x00, 0x00, 0x10, 0x00 }, 4, "pair size" }, /* past the end */
		{ 16, { 0x01 }, 1, "name size" },
		{ 16, { 0x07 }, 1, "NUL" },                /* name_size 7 for "version\0" */
		{ 16, { 0x40 }, 1, "name larger" },
		{ 18, { 0x01 }, 1, "reserved" },
		{ 20, { 0x02 }, 1, "element count" },      /* a uint64 with 2 elements */
		{ 20, { 0xff, 0xff, 0xff, 0xff }, 4, "element count" },
		{ 24, { 0x11 }, 1, "type" },               /* a string array */
		{ 24, { 0x63 }, 1, "type" },
		{ 24, { 0x13 }, 1, "value size" },         /* a uint64 read as a list */
		{ 72, { 'x', 'x', 'x', 'x' }, 4, "string" }, /* "tankxxxx": no NUL */
		{ 292 + 8, { 0x02 }, 1, "element count" }, /* vdev_tree with 2 lists */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why[0] = '\0';
		ck_assert_msg(walk_patched(cases[i].at, cases[i].bytes, cases[i].n) == -EPROTO,
			      "case %zu accepted", i);
		ck_assert_msg(strstr(why, cases[i].reason), "case %zu: '%s' lacks '%s'", i, why,
			      cases[i].reason);
	}
}
END_TEST

START_TEST(trailing_bytes_are_refused)
{
	uint8_t c[sizeof(tank_config) + 4] = { 0 };

	memcpy(c, tank_config, sizeof(tank_config));
	ck_assert_int_eq(nvn_walk(c, sizeof(c), nothing, NULL, why, sizeof(why)), -EPROTO);
	ck_assert_msg(strstr(why, "after the list"), "why: %s", why);
}
END_TEST

/* Lists nested deeper than NVN_DEPTH_MAX: each level one pair holding an
 * embedded list. */
START_TEST(deep_nesting_is_refused)
{
	uint8_t b[4096] = { 0x00, 0x01, 0x00, 0x00, 0, 0, 0, 0, 1, 0, 0, 0 };
	size_t pos = 12;
	int32_t v;

	for (int i = 0; i < NVN_DEPTH_MAX + 2; i++) {
		v = 48;         /* 16 + "l\0" padded to 8 + 24-byte nvlist_t */
		memcpy(b + pos, &v, 4);
		b[pos + 4] = 2;                 /* name size */
		b[pos + 8] = 1;                 /* one element */
		b[pos + 12] = NVN_NVLIST;       /* type */
		b[pos + 16] = 'l';
		pos += 48;
	}
	pos += 4 * (NVN_DEPTH_MAX + 3); /* the ends of every list, zeros */
	ck_assert_int_eq(nvn_walk(b, pos, nothing, NULL, why, sizeof(why)), -EPROTO);
	ck_assert_msg(strstr(why, "too deep"), "why: %s", why);
}
END_TEST

/* Every single byte changed to every other value in the first 400 bytes:
 * whatever the result, the walk ends (a sanitizer build checks that it
 * stays inside the buffer). */
START_TEST(byte_flips_end)
{
	uint8_t c[sizeof(tank_config)];

	for (size_t at = 0; at < 400; at++)
		for (unsigned v = 0; v < 256; v += 17) {
			int rc;

			memcpy(c, tank_config, sizeof(c));
			c[at] = (uint8_t)v;
			rc = nvn_walk(c, sizeof(c), nothing, NULL, why, sizeof(why));
			ck_assert(rc == 0 || rc == -EPROTO);
		}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nvn_walk");
	TCase *tc = tcase_create("walk");

	tcase_add_test(tc, real_config_walks_in_order);
	tcase_add_test(tc, values_read_back);
	tcase_add_test(tc, visitor_stops_the_walk);
	tcase_add_test(tc, every_cut_is_refused);
	tcase_add_test(tc, sixteen_bytes_are_refused_inside_the_buffer);
	tcase_add_test(tc, damage_is_refused);
	tcase_add_test(tc, trailing_bytes_are_refused);
	tcase_add_test(tc, deep_nesting_is_refused);
	tcase_add_test(tc, byte_flips_end);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
