/* ocf_run: argv and environment in, handler called only with valid
 * parameters, exit codes and exit reasons out. */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "../check_tap.h"
#include "demo_agent.h"

static char *out_buf, *err_buf;
static size_t out_len, err_len;

static int run(const char *action, char **env)
{
	char *argv[] = { "demo", (char *)action, NULL };
	FILE *out = open_memstream(&out_buf, &out_len);
	FILE *err = open_memstream(&err_buf, &err_len);
	int rc;

	demo_last_action[0] = '\0';
	rc = ocf_run(&demo_agent, action ? 2 : 1, argv, env, out, err);
	fclose(out);
	fclose(err);
	return rc;
}

static void teardown(void)
{
	free(out_buf);
	free(err_buf);
	out_buf = err_buf = NULL;
}

static char *valid_env[] = { "OCF_RESKEY_name=x", "OCF_RESOURCE_INSTANCE=r1", NULL };
static char *empty_env[] = { NULL };

START_TEST(no_action_is_a_usage_error)
{
	ck_assert_int_eq(run(NULL, valid_env), OCF_ERR_ARGS);
	ck_assert_msg(strstr(err_buf, "usage: demo"), "stderr: %s", err_buf);
}
END_TEST

START_TEST(unknown_action_is_unimplemented_with_a_reason)
{
	ck_assert_int_eq(run("migrate_to", valid_env), OCF_ERR_UNIMPLEMENTED);
	ck_assert_msg(strstr(err_buf, "ocf-exit-reason:action 'migrate_to' is not implemented"),
		      "stderr: %s", err_buf);
}
END_TEST

START_TEST(action_missing_from_the_table_is_unimplemented)
{
	/* promote has no handler and no table entry. */
	ck_assert_int_eq(run("promote", valid_env), OCF_ERR_UNIMPLEMENTED);
	ck_assert_str_eq(demo_last_action, "");
}
END_TEST

START_TEST(meta_data_needs_no_environment)
{
	ck_assert_int_eq(run("meta-data", empty_env), OCF_SUCCESS);
	ck_assert_msg(strncmp(out_buf, "<?xml", 5) == 0, "stdout: %.40s", out_buf);
	ck_assert_str_eq(demo_last_action, "");
}
END_TEST

START_TEST(man_page_needs_no_environment)
{
	ck_assert_int_eq(run("man-page", empty_env), OCF_SUCCESS);
	ck_assert_ptr_nonnull(strstr(out_buf, ".TH OCF_TWINHEAD_DEMO 7"));
}
END_TEST

START_TEST(valid_start_reaches_the_handler)
{
	demo_next_rc = OCF_SUCCESS;
	ck_assert_int_eq(run("start", valid_env), OCF_SUCCESS);
	ck_assert_str_eq(demo_last_action, "start");
	ck_assert_str_eq(demo_last_ctx.instance, "r1");
	ck_assert_ptr_null(strstr(err_buf, "ocf-exit-reason"));
}
END_TEST

START_TEST(invalid_parameters_never_reach_the_handler)
{
	char *env[] = { "OCF_RESKEY_count=99", NULL };

	ck_assert_int_eq(run("start", env), OCF_ERR_CONFIGURED);
	ck_assert_str_eq(demo_last_action, "");
	ck_assert_msg(strstr(err_buf, "ocf-exit-reason:parameter 'name' is required"),
		      "stderr: %s", err_buf);
}
END_TEST

START_TEST(handler_reason_is_printed_on_one_line)
{
	demo_next_rc = OCF_ERR_GENERIC;
	ck_assert_int_eq(run("stop", valid_env), OCF_ERR_GENERIC);
	ck_assert_msg(strstr(err_buf, "ocf-exit-reason:demo failure with a newline\n"),
		      "stderr: %s", err_buf);
}
END_TEST

START_TEST(non_ocf_return_code_becomes_generic_error)
{
	demo_next_rc = 42;
	ck_assert_int_eq(run("monitor", valid_env), OCF_ERR_GENERIC);
	ck_assert_msg(strstr(err_buf, "ocf-exit-reason:internal error"), "stderr: %s", err_buf);
}
END_TEST

START_TEST(degraded_codes_pass_through)
{
	demo_next_rc = OCF_DEGRADED;
	ck_assert_int_eq(run("monitor", valid_env), OCF_DEGRADED);
	demo_next_rc = OCF_DEGRADED_PROMOTED;
	ck_assert_int_eq(run("monitor", valid_env), OCF_DEGRADED_PROMOTED);
}
END_TEST

START_TEST(validate_all_is_strict_about_unknown_parameters)
{
	char *env[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_colour=red", NULL };

	demo_next_rc = OCF_SUCCESS;
	ck_assert_int_eq(run("validate-all", env), OCF_ERR_CONFIGURED);
	ck_assert_str_eq(demo_last_action, "");
	ck_assert_int_eq(run("start", env), OCF_SUCCESS);
	ck_assert_str_eq(demo_last_action, "start");
}
END_TEST

START_TEST(probe_and_depth_reach_the_handler)
{
	char *env[] = { "OCF_RESKEY_name=x", "OCF_CHECK_LEVEL=10",
			"OCF_RESKEY_CRM_meta_interval=0", NULL };

	demo_next_rc = OCF_NOT_RUNNING;
	ck_assert_int_eq(run("monitor", env), OCF_NOT_RUNNING);
	ck_assert(demo_last_ctx.is_probe);
	ck_assert_int_eq(demo_last_ctx.check_level, 10);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ocf_dispatch");
	TCase *tc = tcase_create("dispatch");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, no_action_is_a_usage_error);
	tcase_add_test(tc, unknown_action_is_unimplemented_with_a_reason);
	tcase_add_test(tc, action_missing_from_the_table_is_unimplemented);
	tcase_add_test(tc, meta_data_needs_no_environment);
	tcase_add_test(tc, man_page_needs_no_environment);
	tcase_add_test(tc, valid_start_reaches_the_handler);
	tcase_add_test(tc, invalid_parameters_never_reach_the_handler);
	tcase_add_test(tc, handler_reason_is_printed_on_one_line);
	tcase_add_test(tc, non_ocf_return_code_becomes_generic_error);
	tcase_add_test(tc, degraded_codes_pass_through);
	tcase_add_test(tc, validate_all_is_strict_about_unknown_parameters);
	tcase_add_test(tc, probe_and_depth_reach_the_handler);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
