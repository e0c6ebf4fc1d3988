/* zpool_kstat_state_parse, zpool_kstat_state_path: OpenZFS's
 * /proc/spl/kstat/zfs/POOL/state read strictly; SUSPENDED is its own
 * health; transitional words are UNKNOWN (read again); anything but one
 * word and a newline is refused. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../check_tap.h"
#include "zpool_kstat.h"

static char word[ZPOOL_WORD_MAX];
static enum zpool_health h;

/* A copy of exactly len bytes, so a sanitizer sees a read past it. */
static int parse(const char *s, size_t len)
{
	char *c = malloc(len ? len : 1);
	int rc;

	memcpy(c, s, len);
	rc = zpool_kstat_state_parse(c, len, &h, word, sizeof(word));
	free(c);
	return rc;
}

START_TEST(suspended_is_suspended)
{
	ck_assert_int_eq(parse("SUSPENDED\n", 10), 0);
	ck_assert_int_eq(h, ZPOOL_HEALTH_SUSPENDED);
	ck_assert_str_eq(word, "SUSPENDED");
}
END_TEST

START_TEST(every_word_openzfs_writes)
{
	static const struct {
		const char *text;
		enum zpool_health h;
	} cases[] = {
		{ "ONLINE\n", ZPOOL_HEALTH_ONLINE },     { "DEGRADED\n", ZPOOL_HEALTH_DEGRADED },
		{ "FAULTED\n", ZPOOL_HEALTH_FAULTED },   { "UNAVAIL\n", ZPOOL_HEALTH_UNAVAIL },
		{ "OFFLINE\n", ZPOOL_HEALTH_OFFLINE },   { "REMOVED\n", ZPOOL_HEALTH_REMOVED },
		{ "SPLIT\n", ZPOOL_HEALTH_UNKNOWN },     { "TRANSITIONING\n", ZPOOL_HEALTH_UNKNOWN },
		{ "UNKNOWN\n", ZPOOL_HEALTH_UNKNOWN },   { "AVAIL\n", ZPOOL_HEALTH_UNKNOWN },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(parse(cases[i].text, strlen(cases[i].text)) == 0, "%s", cases[i].text);
		ck_assert_msg(h == cases[i].h, "%s gave %d", cases[i].text, (int)h);
	}
}
END_TEST

START_TEST(anything_else_is_refused)
{
	static const char *const bad[] = {
		"", "\n", "ONLINE", "online\n", "ONLINE\n\n", "ONLINE \n", " ONLINE\n",
		"ONLINE\nONLINE\n", "SUSPENDED\r\n", "ONLINEX\0\n", "ABCDEFGHIJKLMNOP\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(bad[i], strlen(bad[i]) + (i == 9 ? 2 : 0)) == -EINVAL,
			      "case %zu accepted", i);
	ck_assert_int_eq(parse("ABCDEFGHIJKLMNO\n", 16), 0); /* 15 letters fit */
	ck_assert_int_eq(zpool_kstat_state_parse("ONLINE\n", 7, &h, word, 8), -EINVAL);
}
END_TEST

START_TEST(every_cut_of_suspended_is_refused)
{
	for (size_t len = 0; len < 10; len++)
		ck_assert_msg(parse("SUSPENDED\n", len) == -EINVAL, "cut at %zu", len);
}
END_TEST

START_TEST(path_of_a_pool)
{
	char p[64];

	ck_assert_int_eq(zpool_kstat_state_path("tank", p, sizeof(p)), 0);
	ck_assert_str_eq(p, "/proc/spl/kstat/zfs/tank/state");
	ck_assert_int_eq(zpool_kstat_state_path("../etc", p, sizeof(p)), -EINVAL);
	ck_assert_int_eq(zpool_kstat_state_path("tank/fs", p, sizeof(p)), -EINVAL);
	ck_assert_int_eq(zpool_kstat_state_path("tank", p, 20), -ENAMETOOLONG);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("zpool_kstat_state");
	TCase *tc = tcase_create("kstat");

	tcase_add_test(tc, suspended_is_suspended);
	tcase_add_test(tc, every_word_openzfs_writes);
	tcase_add_test(tc, anything_else_is_refused);
	tcase_add_test(tc, every_cut_of_suspended_is_refused);
	tcase_add_test(tc, path_of_a_pool);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
