/* Tool paths: configure's absolute defaults, overridable per tool. */
#include "config.h"

#include <check.h>
#include <string.h>

#include "../check_tap.h"
#include "tools.h"

START_TEST(defaults_are_absolute)
{
	char *env[] = { NULL };

	for (int t = 0; t < TOOL_COUNT_; t++)
		ck_assert_msg(tool_path((enum tool)t, env)[0] == '/', "%s: %s",
			      tool_name((enum tool)t), tool_path((enum tool)t, env));
	ck_assert_str_eq(tool_path(TOOL_ZPOOL, env), TOOL_ZPOOL_PATH);
}
END_TEST

START_TEST(absolute_override_wins)
{
	char *env[] = { "TWINHEAD_TOOL_ZPOOL=/tmp/frozen-zpool", NULL };

	ck_assert_str_eq(tool_path(TOOL_ZPOOL, env), "/tmp/frozen-zpool");
	ck_assert_str_eq(tool_path(TOOL_ZFS, env), TOOL_ZFS_PATH);
}
END_TEST

START_TEST(relative_override_is_ignored)
{
	/* A relative path would be resolved through PATH or the cwd: never. */
	char *env[] = { "TWINHEAD_TOOL_TGTADM=tgtadm", "TWINHEAD_TOOL_ZPOOL=", NULL };

	ck_assert_str_eq(tool_path(TOOL_TGTADM, env), TOOL_TGTADM_PATH);
	ck_assert_str_eq(tool_path(TOOL_ZPOOL, env), TOOL_ZPOOL_PATH);
}
END_TEST

START_TEST(similar_names_do_not_match)
{
	char *env[] = { "TWINHEAD_TOOL_ZPOOLX=/x", NULL };

	ck_assert_str_eq(tool_path(TOOL_ZPOOL, env), TOOL_ZPOOL_PATH);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tools");
	TCase *tc = tcase_create("tool_path");

	tcase_add_test(tc, defaults_are_absolute);
	tcase_add_test(tc, absolute_override_wins);
	tcase_add_test(tc, relative_override_is_ignored);
	tcase_add_test(tc, similar_names_do_not_match);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
