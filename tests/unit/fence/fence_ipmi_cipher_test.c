/* fence_ipmi_cipher_algorithms() and fence_ipmi_check_cipher() against
 * libfreeipmi itself: the table that replaced
 * ipmi_cipher_suite_id_to_algorithms() (so that the daemon's start does
 * not load libfreeipmi) must give the same answers and verdicts for every
 * id. This test links libfreeipmi; the daemon does not. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdint.h>

#include <freeipmi/freeipmi.h>

#include "../check_tap.h"
#include "fence_ipmi.h"

START_TEST(the_table_matches_libfreeipmi_for_every_id)
{
	for (unsigned id = 0; id <= 300; id++) {
		uint8_t a = 0xee, i = 0xee, c = 0xee, la = 0xdd, li = 0xdd, lc = 0xdd;
		bool theirs = id <= 255 && IPMI_CIPHER_SUITE_ID_SUPPORTED(id) &&
			      ipmi_cipher_suite_id_to_algorithms((uint8_t)id, &la, &li, &lc) == 0;
		bool ours = fence_ipmi_cipher_algorithms(id, &a, &i, &c) == 0;

		ck_assert_msg(ours == theirs, "suite %u: table %d, libfreeipmi %d", id, ours,
			      theirs);
		if (ours) {
			ck_assert_msg(a == la, "suite %u: authentication %u, libfreeipmi %u", id, a, la);
			ck_assert_msg(i == li, "suite %u: integrity %u, libfreeipmi %u", id, i, li);
			ck_assert_msg(c == lc, "suite %u: confidentiality %u, libfreeipmi %u", id, c,
				      lc);
		}
	}
}
END_TEST

/* The check as it was when it called libfreeipmi. */
static int check_with_libfreeipmi(unsigned id)
{
	uint8_t auth, integ, conf;

	if (id == 0)
		return -EINVAL;
	if (id > 255 || !IPMI_CIPHER_SUITE_ID_SUPPORTED(id) ||
	    ipmi_cipher_suite_id_to_algorithms((uint8_t)id, &auth, &integ, &conf) < 0)
		return -EINVAL;
	if (auth == IPMI_AUTHENTICATION_ALGORITHM_RAKP_NONE)
		return -EINVAL;
	if (integ == IPMI_INTEGRITY_ALGORITHM_NONE)
		return -EINVAL;
	return 0;
}

START_TEST(the_verdicts_are_those_of_the_check_through_libfreeipmi)
{
	unsigned accepted = 0;

	for (unsigned id = 0; id <= 300; id++) {
		char why[256];

		ck_assert_msg(fence_ipmi_check_cipher(id, why, sizeof(why)) ==
				      check_with_libfreeipmi(id),
			      "suite %u: verdict differs", id);
		accepted += fence_ipmi_check_cipher(id, why, sizeof(why)) == 0;
	}
	ck_assert_uint_eq(accepted, 8); /* 2, 3, 7, 8, 11, 12, 16, 17 */
}
END_TEST

START_TEST(xrc4_suites_are_in_the_spec_but_not_usable)
{
	uint8_t a, i, c;

	ck_assert_int_eq(fence_ipmi_cipher_algorithms(4, &a, &i, &c), -EINVAL);
	ck_assert_int_eq(fence_ipmi_cipher_algorithms(19, &a, &i, &c), -EINVAL);
	ck_assert_int_eq(fence_ipmi_cipher_algorithms(20, &a, &i, &c), -EINVAL);
	ck_assert_int_eq(fence_ipmi_cipher_algorithms(3, &a, &i, &c), 0);
	ck_assert_uint_eq(a, IPMI_AUTHENTICATION_ALGORITHM_RAKP_HMAC_SHA1);
	ck_assert_uint_eq(i, IPMI_INTEGRITY_ALGORITHM_HMAC_SHA1_96);
	ck_assert_uint_eq(c, IPMI_CONFIDENTIALITY_ALGORITHM_AES_CBC_128);
}
END_TEST

static Suite *cipher_suite(void)
{
	Suite *s = suite_create("fence_ipmi_cipher");
	TCase *tc = tcase_create("fence_ipmi_cipher");

	tcase_add_test(tc, the_table_matches_libfreeipmi_for_every_id);
	tcase_add_test(tc, the_verdicts_are_those_of_the_check_through_libfreeipmi);
	tcase_add_test(tc, xrc4_suites_are_in_the_spec_but_not_usable);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_tap_run(cipher_suite());
}
