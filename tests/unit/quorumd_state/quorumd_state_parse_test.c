/* quorumd_state_parse(): the state file quorumd publishes, read strictly.
 * Anything but exactly the documented form is refused, so that a torn,
 * stale-format or tampered file can never read as "peer fenced". */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../check_tap.h"
#include "quorumd_state.h"

static struct quorumd_state st;
static char why[160];

static int parse(const char *text)
{
	memset(&st, 0xa5, sizeof(st));
	why[0] = '\0';
	return quorumd_state_parse(text, strlen(text), &st, why, sizeof(why));
}

#define GOOD "version=1\nrole=primary\npeer=fenced\nepoch=42\nupdated=1763790000\n"

START_TEST(the_documented_form_parses)
{
	ck_assert_int_eq(parse(GOOD), 0);
	ck_assert_uint_eq(st.version, 1);
	ck_assert_int_eq(st.role, QUORUMD_ROLE_PRIMARY);
	ck_assert_int_eq(st.peer, QUORUMD_PEER_FENCED);
	ck_assert_uint_eq(st.epoch, 42);
	ck_assert_uint_eq(st.updated, 1763790000);
}
END_TEST

START_TEST(keys_may_come_in_any_order)
{
	ck_assert_int_eq(parse("updated=5\nepoch=0\npeer=released\nrole=secondary\nversion=1\n"),
			 0);
	ck_assert_int_eq(st.role, QUORUMD_ROLE_SECONDARY);
	ck_assert_int_eq(st.peer, QUORUMD_PEER_RELEASED);
	ck_assert_uint_eq(st.epoch, 0);
	ck_assert_uint_eq(st.updated, 5);
}
END_TEST

START_TEST(every_role_and_peer_word_is_known)
{
	static const char *const roles[] = { "primary", "secondary", "starting" };
	static const char *const peers[] = { "alive", "lost", "fenced", "released" };
	char text[128];

	for (unsigned r = 0; r < 3; r++)
		for (unsigned p = 0; p < 4; p++) {
			snprintf(text, sizeof(text),
				 "version=1\nrole=%s\npeer=%s\nepoch=1\nupdated=1\n", roles[r],
				 peers[p]);
			ck_assert_int_eq(parse(text), 0);
			ck_assert_int_eq(st.role, (int)r);
			ck_assert_int_eq(st.peer, (int)p);
		}
}
END_TEST

START_TEST(largest_numbers_fit)
{
	ck_assert_int_eq(parse("version=1\nrole=primary\npeer=alive\n"
			       "epoch=18446744073709551615\nupdated=18446744073709551615\n"), 0);
	ck_assert_uint_eq(st.epoch, UINT64_MAX);
}
END_TEST

START_TEST(a_newer_version_says_so_wherever_it_is)
{
	ck_assert_int_eq(parse("version=2\nrole=primary\npeer=fenced\nepoch=1\nupdated=1\n"),
			 -EPROTONOSUPPORT);
	ck_assert_msg(strstr(why, "version 2"), "why: %s", why);
	/* A version-2 file may carry keys version 1 does not know, anywhere. */
	ck_assert_int_eq(parse("lease=9\nversion=2\n"), -EPROTONOSUPPORT);
	ck_assert_int_eq(parse("version=0\nrole=primary\npeer=fenced\nepoch=1\nupdated=1\n"),
			 -EPROTONOSUPPORT);
}
END_TEST

START_TEST(missing_keys_are_refused_by_name)
{
	ck_assert_int_eq(parse("version=1\nrole=primary\npeer=fenced\nepoch=42\n"), -EINVAL);
	ck_assert_msg(strstr(why, "'updated' is missing"), "why: %s", why);
	ck_assert_int_eq(parse("role=primary\npeer=fenced\nepoch=42\nupdated=1\n"), -EINVAL);
	ck_assert_msg(strstr(why, "'version' is missing"), "why: %s", why);
}
END_TEST

START_TEST(duplicate_and_unknown_keys_are_refused)
{
	ck_assert_int_eq(parse(GOOD "peer=alive\n"), -EINVAL);
	ck_assert_msg(strstr(why, "line 6") && strstr(why, "twice"), "why: %s", why);
	ck_assert_int_eq(parse(GOOD "lease=3\n"), -EINVAL);
	ck_assert_msg(strstr(why, "unknown key 'lease'"), "why: %s", why);
	ck_assert_int_eq(parse("Version=1\nrole=primary\npeer=fenced\nepoch=1\nupdated=1\n"),
			 -EINVAL);
}
END_TEST

START_TEST(junk_in_values_is_refused)
{
	static const char *const bad[] = {
		"version=1\nrole=Primary\npeer=fenced\nepoch=1\nupdated=1\n",
		"version=1\nrole=primary\npeer=dead\nepoch=1\nupdated=1\n",
		"version=1\nrole=primary\npeer=fenced\nepoch=-1\nupdated=1\n",
		"version=1\nrole=primary\npeer=fenced\nepoch=+1\nupdated=1\n",
		"version=1\nrole=primary\npeer=fenced\nepoch=01\nupdated=1\n",
		"version=1\nrole=primary\npeer=fenced\nepoch=1x\nupdated=1\n",
		"version=1\nrole=primary\npeer=fenced\nepoch=\nupdated=1\n",
		"version=1\nrole=primary\npeer=fenced\nepoch=18446744073709551616\nupdated=1\n",
		"version=1\nrole=primary\npeer=fenced\nepoch=1\nupdated=0\n",
		"version=1\nrole=primary\npeer=fenced\nepoch=1\nupdated=1.5\n",
		"version=01\nrole=primary\npeer=fenced\nepoch=1\nupdated=1\n",
		"version=1\nrole=primary\npeer=fenced=x\nepoch=1\nupdated=1\n",
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(bad[i]) == -EINVAL, "accepted: %s", bad[i]);
}
END_TEST

START_TEST(layout_junk_is_refused)
{
	static const char *const bad[] = {
		"",
		"\n",
		"version=1\n\nrole=primary\npeer=fenced\nepoch=1\nupdated=1\n",   /* empty line */
		"version=1\nrole=primary\npeer=fenced\nepoch=1\nupdated=1",       /* torn */
		"version=1\r\nrole=primary\npeer=fenced\nepoch=1\nupdated=1\n",   /* CR */
		"version = 1\nrole=primary\npeer=fenced\nepoch=1\nupdated=1\n",   /* blanks */
		" version=1\nrole=primary\npeer=fenced\nepoch=1\nupdated=1\n",
		"version=1\nrole=primary\npeer=fenced\nepoch=1\nupdated=1\t\n",
		"version=1\nrole=primary\npeer=fenced\n# comment\nepoch=1\nupdated=1\n",
		"version=1\nrole=primär\npeer=fenced\nepoch=1\nupdated=1\n",      /* non-ASCII */
		"version=1\nrole=primary\npeer=fenced\nepoch=1\nupdated=1\nno equals\n",
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(bad[i]) == -EINVAL, "accepted: '%s'", bad[i]);
}
END_TEST

START_TEST(nul_bytes_are_refused)
{
	static const char text[] = "version=1\nrole=primary\0\npeer=fenced\nepoch=1\nupdated=1\n";

	ck_assert_int_eq(quorumd_state_parse(text, sizeof(text) - 1, &st, why, sizeof(why)),
			 -EINVAL);
	ck_assert_msg(strstr(why, "NUL"), "why: %s", why);
}
END_TEST

START_TEST(an_oversize_file_is_refused_before_reading_it)
{
	char big[QUORUMD_STATE_MAX + 2];

	memset(big, 'x', sizeof(big));
	memcpy(big, GOOD, strlen(GOOD));
	ck_assert_int_eq(quorumd_state_parse(big, sizeof(big), &st, why, sizeof(why)), -EFBIG);
	/* Exactly the limit is not oversize (it is junk here, though). */
	ck_assert_int_eq(quorumd_state_parse(big, QUORUMD_STATE_MAX, &st, why, sizeof(why)),
			 -EINVAL);
}
END_TEST

START_TEST(the_length_bounds_the_read_not_a_nul)
{
	/* A buffer with more bytes after len: only len counts. */
	static const char text[] = GOOD "role=secondary\n";

	ck_assert_int_eq(quorumd_state_parse(text, strlen(GOOD), &st, why, sizeof(why)), 0);
	ck_assert_int_eq(st.role, QUORUMD_ROLE_PRIMARY);
}
END_TEST

START_TEST(why_may_be_null)
{
	ck_assert_int_eq(quorumd_state_parse("x\n", 2, &st, NULL, 0), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("quorumd_state_parse");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, the_documented_form_parses);
	tcase_add_test(tc, keys_may_come_in_any_order);
	tcase_add_test(tc, every_role_and_peer_word_is_known);
	tcase_add_test(tc, largest_numbers_fit);
	tcase_add_test(tc, a_newer_version_says_so_wherever_it_is);
	tcase_add_test(tc, missing_keys_are_refused_by_name);
	tcase_add_test(tc, duplicate_and_unknown_keys_are_refused);
	tcase_add_test(tc, junk_in_values_is_refused);
	tcase_add_test(tc, layout_junk_is_refused);
	tcase_add_test(tc, nul_bytes_are_refused);
	tcase_add_test(tc, an_oversize_file_is_refused_before_reading_it);
	tcase_add_test(tc, the_length_bounds_the_read_not_a_nul);
	tcase_add_test(tc, why_may_be_null);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
