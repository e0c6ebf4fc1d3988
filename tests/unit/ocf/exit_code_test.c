/* OCF exit codes: the values Pacemaker expects, and their names. */
#include "config.h"

#include <check.h>

#include "../check_tap.h"
#include "ocf.h"

START_TEST(codes_have_the_ocf_1_1_values)
{
	ck_assert_int_eq(OCF_SUCCESS, 0);
	ck_assert_int_eq(OCF_ERR_GENERIC, 1);
	ck_assert_int_eq(OCF_ERR_ARGS, 2);
	ck_assert_int_eq(OCF_ERR_UNIMPLEMENTED, 3);
	ck_assert_int_eq(OCF_ERR_PERM, 4);
	ck_assert_int_eq(OCF_ERR_INSTALLED, 5);
	ck_assert_int_eq(OCF_ERR_CONFIGURED, 6);
	ck_assert_int_eq(OCF_NOT_RUNNING, 7);
	ck_assert_int_eq(OCF_RUNNING_PROMOTED, 8);
	ck_assert_int_eq(OCF_FAILED_PROMOTED, 9);
	ck_assert_int_eq(OCF_DEGRADED, 190);
	ck_assert_int_eq(OCF_DEGRADED_PROMOTED, 191);
}
END_TEST

START_TEST(every_code_has_its_pacemaker_name)
{
	ck_assert_str_eq(ocf_rc_name(0), "OCF_SUCCESS");
	ck_assert_str_eq(ocf_rc_name(7), "OCF_NOT_RUNNING");
	ck_assert_str_eq(ocf_rc_name(190), "OCF_DEGRADED");
	ck_assert_str_eq(ocf_rc_name(191), "OCF_DEGRADED_PROMOTED");
}
END_TEST

START_TEST(unknown_codes_have_no_name)
{
	ck_assert_ptr_null(ocf_rc_name(10));
	ck_assert_ptr_null(ocf_rc_name(189));
	ck_assert_ptr_null(ocf_rc_name(-1));
	ck_assert_ptr_null(ocf_rc_name(192));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ocf_exit_code");
	TCase *tc = tcase_create("codes");

	tcase_add_test(tc, codes_have_the_ocf_1_1_values);
	tcase_add_test(tc, every_code_has_its_pacemaker_name);
	tcase_add_test(tc, unknown_codes_have_no_name);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
