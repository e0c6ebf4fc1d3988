/* iscsi_name_check: the three RFC name forms, and what is refused. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../check_tap.h"
#include "iscsi_conf.h"

static char why[256];

static int check(const char *n)
{
	why[0] = '\0';
	return iscsi_name_check(n, why, sizeof(why));
}

START_TEST(iqn_forms_from_rfc_3720_are_accepted)
{
	ck_assert_int_eq(check("iqn.2001-04.com.example"), 0);
	ck_assert_int_eq(check("iqn.2001-04.com.example:storage"), 0);
	ck_assert_int_eq(check("iqn.2001-04.com.example:storage:diskarrays-sn-a8675309"), 0);
	ck_assert_int_eq(check("iqn.2001-04.com.example:storage.tape1.sys1.xyz"), 0);
	ck_assert_int_eq(check("iqn.1992-01.com.example.sub-domain:x"), 0);
}
END_TEST

START_TEST(eui_and_naa_forms_are_accepted)
{
	ck_assert_int_eq(check("eui.02004567A425678D"), 0);
	ck_assert_int_eq(check("naa.52004567BA64678D"), 0);
	ck_assert_int_eq(check("naa.62004567BA64678D0123456789ABCDEF"), 0);
}
END_TEST

START_TEST(upper_case_iqn_is_refused_with_the_reason)
{
	ck_assert_int_eq(check("iqn.2001-04.com.Example:disk"), -EINVAL);
	ck_assert_msg(strstr(why, "lower case"), "why: %s", why);
}
END_TEST

START_TEST(malformed_dates_are_refused)
{
	ck_assert_int_eq(check("iqn.2001-13.com.example"), -EINVAL);
	ck_assert_int_eq(check("iqn.2001-00.com.example"), -EINVAL);
	ck_assert_int_eq(check("iqn.01-04.com.example"), -EINVAL);
	ck_assert_int_eq(check("iqn.2001.com.example"), -EINVAL);
	ck_assert_int_eq(check("iqn.2001-04com.example"), -EINVAL);
}
END_TEST

START_TEST(bad_authorities_are_refused)
{
	ck_assert_int_eq(check("iqn.2001-04."), -EINVAL);
	ck_assert_int_eq(check("iqn.2001-04.:x"), -EINVAL);
	ck_assert_int_eq(check("iqn.2001-04.com..example"), -EINVAL);
	ck_assert_int_eq(check("iqn.2001-04.-com.example"), -EINVAL);
	ck_assert_int_eq(check("iqn.2001-04.com.example-:x"), -EINVAL);
	ck_assert_int_eq(check("iqn.2001-04.com.example:"), -EINVAL);
}
END_TEST

START_TEST(characters_outside_the_profile_are_refused)
{
	ck_assert_int_eq(check("iqn.2001-04.com.example:disk 1"), -EINVAL);
	ck_assert_int_eq(check("iqn.2001-04.com.example:disk_1"), -EINVAL);
	ck_assert_int_eq(check("iqn.2001-04.com.example:disk,1"), -EINVAL);
	ck_assert_int_eq(check("iqn.2001-04.com.example:d\xc3\xa9"), -EINVAL);
}
END_TEST

START_TEST(eui_and_naa_lengths_are_exact)
{
	ck_assert_int_eq(check("eui.02004567A425678"), -EINVAL);
	ck_assert_int_eq(check("eui.02004567A425678DD"), -EINVAL);
	ck_assert_int_eq(check("eui.02004567A425678G"), -EINVAL);
	ck_assert_int_eq(check("naa.52004567BA64678D0"), -EINVAL);
}
END_TEST

START_TEST(other_prefixes_and_empty_are_refused)
{
	ck_assert_int_eq(check(""), -EINVAL);
	ck_assert_int_eq(check("IQN.2001-04.com.example"), -EINVAL);
	ck_assert_int_eq(check("target1"), -EINVAL);
	ck_assert_msg(strstr(why, "iqn., eui. or naa."), "why: %s", why);
}
END_TEST

START_TEST(length_limit_is_223_bytes)
{
	char name[300] = "iqn.2001-04.com.example:";

	while (strlen(name) < 223)
		strcat(name, "a");
	ck_assert_int_eq(check(name), 0);
	strcat(name, "a");
	ck_assert_int_eq(check(name), -EINVAL);
	ck_assert_msg(strstr(why, "223"), "why: %s", why);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("iscsi_name_check");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, iqn_forms_from_rfc_3720_are_accepted);
	tcase_add_test(tc, eui_and_naa_forms_are_accepted);
	tcase_add_test(tc, upper_case_iqn_is_refused_with_the_reason);
	tcase_add_test(tc, malformed_dates_are_refused);
	tcase_add_test(tc, bad_authorities_are_refused);
	tcase_add_test(tc, characters_outside_the_profile_are_refused);
	tcase_add_test(tc, eui_and_naa_lengths_are_exact);
	tcase_add_test(tc, other_prefixes_and_empty_are_refused);
	tcase_add_test(tc, length_limit_is_223_bytes);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
