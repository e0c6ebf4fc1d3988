/* zpool_mmp_import_wait_ms(): the longest multihost activity check, which
 * start's deadline must cover. */
#include "config.h"

#include <check.h>
#include <stdint.h>

#include "../check_tap.h"
#include "zpool_mmp.h"

START_TEST(openzfs_defaults)
{
	/* interval 1000 ms, import_intervals 20, fail_intervals 10:
	 * max(20 * 1000, 10 * 1000 * 2) = 20 s, plus up to a quarter. */
	ck_assert_int_eq(zpool_mmp_import_wait_ms(1000, 20, 10), 25000);
}
END_TEST

START_TEST(fail_intervals_can_dominate)
{
	ck_assert_int_eq(zpool_mmp_import_wait_ms(1000, 5, 30), 75000);
}
END_TEST

START_TEST(interval_has_a_floor)
{
	/* MMP_MIN_INTERVAL 100 ms, and never below 1 s before the quarter. */
	ck_assert_int_eq(zpool_mmp_import_wait_ms(0, 20, 0), 2500);
	ck_assert_int_eq(zpool_mmp_import_wait_ms(10, 1, 0), 1250);
	ck_assert_int_eq(zpool_mmp_import_wait_ms(1000, 0, 0), 1250);
}
END_TEST

START_TEST(huge_tunables_saturate)
{
	ck_assert_int_eq(zpool_mmp_import_wait_ms(UINT64_MAX, UINT64_MAX, UINT64_MAX), INT64_MAX);
	ck_assert_int_gt(zpool_mmp_import_wait_ms(UINT64_MAX / 2, 1, 0), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("zpool_mmp");
	TCase *tc = tcase_create("import_wait");

	tcase_add_test(tc, openzfs_defaults);
	tcase_add_test(tc, fail_intervals_can_dominate);
	tcase_add_test(tc, interval_has_a_floor);
	tcase_add_test(tc, huge_tunables_saturate);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
