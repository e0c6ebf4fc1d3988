/* zpool_name_check(), zpool_name_check_dataset(), zpool_name_check_guid():
 * OpenZFS's naming rules, as parameter validators. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../check_tap.h"
#include "zpool_name.h"

static char why[256];

static int pool(const char *name)
{
	why[0] = '\0';
	return zpool_name_check(name, why, sizeof(why));
}

START_TEST(ordinary_names_pass)
{
	static const char *const good[] = { "tank", "T", "data-1", "data_1", "a.b", "pool:x",
					    "with space", "logs", "amirror", "c0t0d0" };

	for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(pool(good[i]) == 0, "%s: %s", good[i], why);
}
END_TEST

START_TEST(must_begin_with_a_letter)
{
	ck_assert_int_eq(pool("1tank"), -EINVAL);
	ck_assert_msg(strstr(why, "begin with a letter"), "why: %s", why);
	ck_assert_int_eq(pool("-f"), -EINVAL); /* would read as an option */
	ck_assert_int_eq(pool(".hidden"), -EINVAL);
	ck_assert_int_eq(pool(" tank"), -EINVAL);
}
END_TEST

START_TEST(only_zfs_characters)
{
	ck_assert_int_eq(pool("tank/fs"), -EINVAL);
	ck_assert_msg(strstr(why, "'/' separates datasets"), "why: %s", why);
	ck_assert_int_eq(pool("tank@snap"), -EINVAL);
	ck_assert_msg(strstr(why, "snapshot"), "why: %s", why);
	ck_assert_int_eq(pool("tank#b"), -EINVAL);
	ck_assert_int_eq(pool("tank$"), -EINVAL);
	ck_assert_msg(strstr(why, "'$'"), "why: %s", why);
	ck_assert_int_eq(pool("ta\tnk"), -EINVAL);
	ck_assert_msg(strstr(why, "'?'"), "control characters are not echoed: %s", why);
	ck_assert_int_eq(pool("tänk"), -EINVAL);
	ck_assert_int_eq(pool("tank%"), -EINVAL);
}
END_TEST

START_TEST(reserved_names_and_prefixes)
{
	static const char *const bad[] = { "mirror", "mirror2", "raidz", "raidz1-x", "draid",
					   "draidx", "spare", "spares", "log" };

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(pool(bad[i]) == -EINVAL, "accepted %s", bad[i]);
		ck_assert_msg(strstr(why, "reserved"), "%s: %s", bad[i], why);
	}
	/* Only the exact name "log" is reserved. */
	ck_assert_int_eq(pool("logs"), 0);
	ck_assert_int_eq(pool("logical"), 0);
}
END_TEST

START_TEST(length_limit)
{
	char name[ZPOOL_NAME_MAX + 1];

	memset(name, 'a', sizeof(name));
	name[ZPOOL_NAME_MAX - 1] = '\0';
	ck_assert_int_eq(pool(name), 0);
	name[ZPOOL_NAME_MAX - 1] = 'a';
	name[ZPOOL_NAME_MAX] = '\0';
	ck_assert_int_eq(pool(name), -EINVAL);
	ck_assert_msg(strstr(why, "shorter than"), "why: %s", why);
	ck_assert_int_eq(pool(""), -EINVAL);
	ck_assert_int_eq(pool(NULL), -EINVAL);
}
END_TEST

START_TEST(datasets)
{
	ck_assert_int_eq(zpool_name_check_dataset("tank", why, sizeof(why)), 0);
	ck_assert_int_eq(zpool_name_check_dataset("tank/fs/sub-1", why, sizeof(why)), 0);
	ck_assert_int_eq(zpool_name_check_dataset("tank/", why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(zpool_name_check_dataset("tank//fs", why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(zpool_name_check_dataset("tank/fs@snap", why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(zpool_name_check_dataset("/tank", why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(zpool_name_check_dataset("mirror/fs", why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(zpool_name_check_dataset("tank/f\ns", why, sizeof(why)), -EINVAL);
}
END_TEST

START_TEST(guids)
{
	uint64_t g;

	ck_assert_int_eq(zpool_name_parse_guid("11419760951921519258", &g), 0);
	ck_assert_uint_eq(g, 11419760951921519258ULL);
	ck_assert_int_eq(zpool_name_parse_guid("18446744073709551615", &g), 0);
	ck_assert_int_eq(zpool_name_parse_guid("18446744073709551616", &g), -EINVAL);
	ck_assert_int_eq(zpool_name_parse_guid("0", &g), -EINVAL);
	ck_assert_int_eq(zpool_name_parse_guid("012", &g), -EINVAL);
	ck_assert_int_eq(zpool_name_parse_guid("12a", &g), -EINVAL);
	ck_assert_int_eq(zpool_name_parse_guid("-5", &g), -EINVAL);
	ck_assert_int_eq(zpool_name_parse_guid("", &g), -EINVAL);
	ck_assert_int_eq(zpool_name_check_guid("0x1f", why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, "decimal"), "why: %s", why);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("zpool_name");
	TCase *tc = tcase_create("check");

	tcase_add_test(tc, ordinary_names_pass);
	tcase_add_test(tc, must_begin_with_a_letter);
	tcase_add_test(tc, only_zfs_characters);
	tcase_add_test(tc, reserved_names_and_prefixes);
	tcase_add_test(tc, length_limit);
	tcase_add_test(tc, datasets);
	tcase_add_test(tc, guids);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
