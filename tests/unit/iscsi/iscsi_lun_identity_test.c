/* Per-LUN identity and tid: derived the same everywhere, overridable, and
 * the small value checks (INQUIRY text, CHAP user and secret, block size). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check_tap.h"
#include "iscsi_conf.h"

#define IQN "iqn.2024-01.com.example:tank"

static char why[320];

START_TEST(identity_is_sha256_of_iqn_nul_lun)
{
	char id[ISCSI_DEVICE_ID_LEN + 1], sn[ISCSI_SERIAL_MAX + 1];

	/* python3: hashlib.sha256(b"iqn.2024-01.com.example:tank\0" b"1") */
	iscsi_lun_identity(IQN, 1, id, sn);
	ck_assert_str_eq(id, "02885a1958ecb34506d48e62a6afbc99");
	ck_assert_str_eq(sn, "5d0843126cb85ab0");
	iscsi_lun_identity(IQN, 2, id, sn);
	ck_assert_str_eq(id, "41c1924f8f5c6b25e951c8df4959bd9a");
	ck_assert_str_eq(sn, "d1bd71ea8df56c03");
	iscsi_lun_identity("iqn.2024-01.com.example:other", 1, id, sn);
	ck_assert_str_eq(id, "5c8c9a19afb6d682369284f92feb63eb");
	ck_assert_str_eq(sn, "9fa46e5458ee2c50");
}
END_TEST

START_TEST(tid_is_derived_from_the_name)
{
	ck_assert_uint_eq(iscsi_tid_derive(IQN), 24580);
	for (int i = 0; i < 1000; i++) {
		char name[64];
		unsigned tid;

		snprintf(name, sizeof(name), "iqn.2024-01.com.example:t%d", i);
		tid = iscsi_tid_derive(name);
		ck_assert(tid >= 1 && tid <= 65535);
		ck_assert_uint_eq(tid, iscsi_tid_derive(name));
	}
}
END_TEST

START_TEST(overrides_replace_only_the_given_luns)
{
	struct iscsi_lun *l;
	size_t n;

	ck_assert_int_eq(iscsi_luns_parse("1:/a 2:/b 3:/c", &l, &n, why, sizeof(why)), 0);
	ck_assert_int_eq(iscsi_lun_overrides_apply("2:SER-2", true, l, n, why, sizeof(why)), 0);
	ck_assert_int_eq(iscsi_lun_overrides_apply("3:0123456789ABCDEF0123456789abcdef", false, l,
						   n, why, sizeof(why)),
			 0);
	iscsi_luns_identify(IQN, l, n);
	ck_assert_str_eq(l[0].serial, "5d0843126cb85ab0");
	ck_assert_str_eq(l[0].device_id, "02885a1958ecb34506d48e62a6afbc99");
	ck_assert_str_eq(l[1].serial, "SER-2");
	ck_assert_str_eq(l[1].device_id, "41c1924f8f5c6b25e951c8df4959bd9a");
	ck_assert_str_eq(l[2].device_id, "0123456789abcdef0123456789abcdef");
	free(l);
}
END_TEST

START_TEST(overrides_refused)
{
	struct iscsi_lun *l;
	size_t n;

	ck_assert_int_eq(iscsi_luns_parse("1:/a 2:/b", &l, &n, why, sizeof(why)), 0);
	ck_assert_int_eq(iscsi_lun_overrides_apply("3:X", true, l, n, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, "not in luns"), "why: %s", why);
	ck_assert_int_eq(iscsi_lun_overrides_apply("1:ABCDEFGHIJKLMNOPQ", true, l, n, why,
						   sizeof(why)),
			 -EINVAL);
	ck_assert_int_eq(iscsi_lun_overrides_apply("1:A,B", true, l, n, why, sizeof(why)),
			 -EINVAL); /* the comma splits: "B" is not LUN:VALUE */
	ck_assert_int_eq(iscsi_lun_overrides_apply("1:A 1:B", true, l, n, why, sizeof(why)),
			 -EINVAL);
	ck_assert_int_eq(iscsi_lun_overrides_apply("2:0123", false, l, n, why, sizeof(why)),
			 -EINVAL);
	ck_assert_int_eq(iscsi_lun_overrides_apply("2:0123456789abcdef0123456789abcdeg", false, l,
						   n, why, sizeof(why)),
			 -EINVAL);
	free(l);
}
END_TEST

START_TEST(inquiry_text_fields)
{
	ck_assert_int_eq(iscsi_text_check("TWINHEAD", 8, why, sizeof(why)), 0);
	ck_assert_int_eq(iscsi_text_check("TWINHEADS", 8, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(iscsi_text_check("", 8, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(iscsi_text_check("A B", 8, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(iscsi_text_check("A,B", 8, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(iscsi_text_check("A=B", 8, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(iscsi_text_check("A\"B", 8, why, sizeof(why)), -EINVAL);
}
END_TEST

START_TEST(chap_user_and_secret)
{
	ck_assert_int_eq(iscsi_user_check("host1.example@x:y-z_", why, sizeof(why)), 0);
	ck_assert_int_eq(iscsi_user_check("", why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(iscsi_user_check("a b", why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(iscsi_user_check("a,b", why, sizeof(why)), -EINVAL);

	ck_assert_int_eq(iscsi_secret_check("123456789012", 12, why, sizeof(why)), 0);
	ck_assert_int_eq(iscsi_secret_check("1234567890123456", 16, why, sizeof(why)), 0);
	ck_assert_int_eq(iscsi_secret_check("12345678901", 11, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, "12 to 16"), "why: %s", why);
	ck_assert_int_eq(iscsi_secret_check("12345678901234567", 17, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(iscsi_secret_check("12345 789012", 12, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(iscsi_secret_check("12345,789012", 12, why, sizeof(why)), -EINVAL);
	/* The reason never repeats the secret. */
	ck_assert_int_eq(iscsi_secret_check("sEcReT,78901", 12, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_null(strstr(why, "sEcReT"));
}
END_TEST

START_TEST(block_sizes)
{
	ck_assert_int_eq(iscsi_block_size_check(512, why, sizeof(why)), 0);
	ck_assert_int_eq(iscsi_block_size_check(4096, why, sizeof(why)), 0);
	ck_assert_int_eq(iscsi_block_size_check(520, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(iscsi_block_size_check(8192, why, sizeof(why)), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("iscsi_lun_identity");
	TCase *tc = tcase_create("identity");

	tcase_add_test(tc, identity_is_sha256_of_iqn_nul_lun);
	tcase_add_test(tc, tid_is_derived_from_the_name);
	tcase_add_test(tc, overrides_replace_only_the_given_luns);
	tcase_add_test(tc, overrides_refused);
	tcase_add_test(tc, inquiry_text_fields);
	tcase_add_test(tc, chap_user_and_secret);
	tcase_add_test(tc, block_sizes);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
