/* zpool_parse_list() and zpool_parse_health(): the one line a depth-0
 * monitor reads, `zpool list -H -o name,health,guid POOL`. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../check_tap.h"
#include "zpool_parse.h"

static struct zpool_row row;

static int parse(const char *out)
{
	memset(&row, 0xa5, sizeof(row));
	return zpool_parse_list(out, strlen(out), &row);
}

START_TEST(zfs_fuse_line)
{
	/* As zfs-fuse 0.7 prints it (captured in the lab). */
	ck_assert_int_eq(parse("tank\tONLINE\t11419760951921519258\n"), 0);
	ck_assert_str_eq(row.name, "tank");
	ck_assert_int_eq(row.health, ZPOOL_HEALTH_ONLINE);
	ck_assert_str_eq(row.health_word, "ONLINE");
	ck_assert_uint_eq(row.guid, 11419760951921519258ULL);
}
END_TEST

START_TEST(every_pool_health)
{
	static const struct {
		const char *word;
		enum zpool_health h;
	} t[] = {
		{ "DEGRADED", ZPOOL_HEALTH_DEGRADED }, { "FAULTED", ZPOOL_HEALTH_FAULTED },
		{ "OFFLINE", ZPOOL_HEALTH_OFFLINE },   { "UNAVAIL", ZPOOL_HEALTH_UNAVAIL },
		{ "REMOVED", ZPOOL_HEALTH_REMOVED },   { "SUSPENDED", ZPOOL_HEALTH_SUSPENDED },
	};
	char line[64];

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(line, sizeof(line), "tank\t%s\t5\n", t[i].word);
		ck_assert_int_eq(parse(line), 0);
		ck_assert_int_eq(row.health, t[i].h);
		ck_assert_str_eq(zpool_health_name(row.health), t[i].word);
	}
}
END_TEST

START_TEST(an_unknown_state_word_is_not_an_error)
{
	/* It may be transient (resource-agents #2206: TRANSITIONING). */
	ck_assert_int_eq(parse("tank\tTRANSITIONING\t5\n"), 0);
	ck_assert_int_eq(row.health, ZPOOL_HEALTH_UNKNOWN);
	ck_assert_str_eq(row.health_word, "TRANSITIONING");
}
END_TEST

START_TEST(names_with_spaces_survive)
{
	ck_assert_int_eq(parse("my pool\tONLINE\t77\n"), 0);
	ck_assert_str_eq(row.name, "my pool");
}
END_TEST

START_TEST(malformed_lines_are_refused)
{
	static const char *const bad[] = {
		"",
		"\n",
		"tank\tONLINE\t1142\n\n",              /* a second line */
		"tank\tONLINE\t11\nother\tONLINE\t12\n",
		"tank\tONLINE\t1142",                  /* no newline: cut short */
		"tank ONLINE 1142\n",                  /* blanks, not tabs */
		"tank\tONLINE\n",
		"tank\tONLINE\t1142\textra\n",
		"\tONLINE\t1142\n",
		"tank\tonline\t1142\n",                /* not zpool's case */
		"tank\t\t1142\n",
		"tank\tONLINE\t-\n",                   /* no guid */
		"tank\tONLINE\t0x1f\n",
		"tank\tONLINE\t184467440737095516150\n",
		"tank\tAVERYLONGSTATEWORD\t1\n",
		"1tank\tONLINE\t1\n",                  /* not a pool name */
		"tank/fs\tONLINE\t1\n",
		"cannot open 'tank': no such pool\n",
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(bad[i]) == -EINVAL, "accepted: '%s'", bad[i]);
}
END_TEST

START_TEST(embedded_nul_is_refused)
{
	static const char out[] = "tank\tONL\0NE\t1\n";

	ck_assert_int_eq(zpool_parse_list(out, sizeof(out) - 1, &row), -EINVAL);
}
END_TEST

START_TEST(length_bounds_the_parse)
{
	static const char out[] = "tank\tONLINE\t42\ngarbage after the length";

	ck_assert_int_eq(zpool_parse_list(out, 15, &row), 0);
	ck_assert_uint_eq(row.guid, 42);
}
END_TEST

START_TEST(health_words_are_exact)
{
	ck_assert_int_eq(zpool_parse_health("ONLINE", 6), ZPOOL_HEALTH_ONLINE);
	ck_assert_int_eq(zpool_parse_health("ONLIN", 5), ZPOOL_HEALTH_UNKNOWN);
	ck_assert_int_eq(zpool_parse_health("ONLINEX", 7), ZPOOL_HEALTH_UNKNOWN);
	ck_assert_int_eq(zpool_parse_health("AVAIL", 5), ZPOOL_HEALTH_AVAIL);
	ck_assert_int_eq(zpool_parse_health("", 0), ZPOOL_HEALTH_UNKNOWN);
	ck_assert_str_eq(zpool_health_name((enum zpool_health)99), "UNKNOWN");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("zpool_parse_list");
	TCase *tc = tcase_create("list");

	tcase_add_test(tc, zfs_fuse_line);
	tcase_add_test(tc, every_pool_health);
	tcase_add_test(tc, an_unknown_state_word_is_not_an_error);
	tcase_add_test(tc, names_with_spaces_survive);
	tcase_add_test(tc, malformed_lines_are_refused);
	tcase_add_test(tc, embedded_nul_is_refused);
	tcase_add_test(tc, length_bounds_the_parse);
	tcase_add_test(tc, health_words_are_exact);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
