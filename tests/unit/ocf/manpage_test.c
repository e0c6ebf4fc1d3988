/* The man page from the table: every parameter documented, roff escaped. */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "../check_tap.h"
#include "demo_agent.h"

static char *page;
static size_t page_len;

static void setup(void)
{
	FILE *f = open_memstream(&page, &page_len);

	ck_assert_int_eq(ocf_manpage_write(&demo_agent, f), 0);
	fclose(f);
}

static void teardown(void)
{
	free(page);
}

#define assert_has(needle) ck_assert_msg(strstr(page, needle), "missing: %s\n%s", needle, page)

START_TEST(title_and_name_follow_the_ocf_naming)
{
	assert_has(".TH OCF_TWINHEAD_DEMO 7");
	assert_has("ocf_twinhead_demo \\- Demo agent");
}
END_TEST

START_TEST(every_parameter_is_listed_with_its_facts)
{
	assert_has("\\fBname\\fR (string, required, unique)");
	assert_has("\\fBcount\\fR (integer, 1 to 10, reloadable, default \\(lq3\\(rq)");
	assert_has("\\fBmode\\fR (one of \\fInever\\fR, \\fIfenced\\fR, \\fIalways\\fR");
}
END_TEST

START_TEST(roff_control_characters_are_escaped)
{
	assert_has("\\&.Starts with a dot");
	assert_has("a \\e backslash");
	ck_assert_ptr_null(strstr(page, "\n.Starts"));
}
END_TEST

START_TEST(synopsis_names_each_action_once)
{
	assert_has("\\fBdemo\\fR start | stop | monitor | validate-all | reload-agent | meta-data\n");
}
END_TEST

START_TEST(paragraphs_survive)
{
	assert_has("How many.\n.PP\nSecond paragraph.");
}
END_TEST

START_TEST(actions_show_their_defaults)
{
	assert_has("\\fBstart\\fR\ntimeout 30s");
	assert_has("timeout 25s, interval 60s, depth (OCF_CHECK_LEVEL) 10");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ocf_manpage");
	TCase *tc = tcase_create("manpage");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, title_and_name_follow_the_ocf_naming);
	tcase_add_test(tc, every_parameter_is_listed_with_its_facts);
	tcase_add_test(tc, roff_control_characters_are_escaped);
	tcase_add_test(tc, synopsis_names_each_action_once);
	tcase_add_test(tc, paragraphs_survive);
	tcase_add_test(tc, actions_show_their_defaults);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
