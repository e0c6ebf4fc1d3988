/* Parameters: loading from the environment, defaults, type checks,
 * validators, the cross check, timeouts and monitor depth. */
#include "config.h"

#include <check.h>

#include "../check_tap.h"
#include "demo_agent.h"

static struct ocf_ctx ctx;

static int load(const char *action, char **env)
{
	int rc = ocf_ctx_load(&ctx, &demo_agent, action, env);

	return rc == OCF_SUCCESS ? ocf_params_validate(&ctx, strcmp(action, "validate-all") == 0)
				 : rc;
}

START_TEST(defaults_fill_unset_parameters)
{
	char *env[] = { "OCF_RESKEY_name=x", NULL };

	ck_assert_int_eq(load("start", env), OCF_SUCCESS);
	ck_assert_str_eq(ocf_str(&ctx, D_NAME), "x");
	ck_assert_int_eq(ocf_int(&ctx, D_COUNT), 3);
	ck_assert(!ocf_bool(&ctx, D_ENABLED));
	ck_assert_str_eq(ocf_str(&ctx, D_MODE), "fenced");
	ck_assert_ptr_null(ocf_str(&ctx, D_PATH));
	ck_assert(ocf_given(&ctx, D_NAME));
	ck_assert(!ocf_given(&ctx, D_COUNT));
}
END_TEST

START_TEST(missing_required_parameter_is_not_configured)
{
	char *env[] = { "OCF_RESKEY_count=2", NULL };

	ck_assert_int_eq(load("start", env), OCF_ERR_CONFIGURED);
	ck_assert_msg(strstr(ctx.reason, "'name' is required"), "reason: %s", ctx.reason);
}
END_TEST

START_TEST(empty_value_counts_as_unset)
{
	char *env[] = { "OCF_RESKEY_name=", NULL };

	ck_assert_int_eq(load("start", env), OCF_ERR_CONFIGURED);
}
END_TEST

START_TEST(integer_out_of_range_is_rejected_with_the_range)
{
	char *env[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_count=11", NULL };

	ck_assert_int_eq(load("start", env), OCF_ERR_CONFIGURED);
	ck_assert_msg(strstr(ctx.reason, "1 to 10"), "reason: %s", ctx.reason);
}
END_TEST

START_TEST(integer_with_trailing_junk_is_rejected)
{
	char *env[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_count=3x", NULL };

	ck_assert_int_eq(load("start", env), OCF_ERR_CONFIGURED);
	ck_assert_msg(strstr(ctx.reason, "not an integer"), "reason: %s", ctx.reason);
}
END_TEST

START_TEST(integer_in_range_is_parsed)
{
	char *env[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_count=10", NULL };

	ck_assert_int_eq(load("start", env), OCF_SUCCESS);
	ck_assert_int_eq(ocf_int(&ctx, D_COUNT), 10);
}
END_TEST

START_TEST(booleans_take_the_usual_spellings)
{
	ck_assert_int_eq(ocf_parse_bool("true"), 1);
	ck_assert_int_eq(ocf_parse_bool("YES"), 1);
	ck_assert_int_eq(ocf_parse_bool("on"), 1);
	ck_assert_int_eq(ocf_parse_bool("1"), 1);
	ck_assert_int_eq(ocf_parse_bool("False"), 0);
	ck_assert_int_eq(ocf_parse_bool("no"), 0);
	ck_assert_int_eq(ocf_parse_bool("0"), 0);
	ck_assert_int_eq(ocf_parse_bool("maybe"), -EINVAL);
	ck_assert_int_eq(ocf_parse_bool(""), -EINVAL);
}
END_TEST

START_TEST(bad_boolean_is_rejected)
{
	char *env[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_enabled=perhaps", NULL };

	ck_assert_int_eq(load("start", env), OCF_ERR_CONFIGURED);
	ck_assert_msg(strstr(ctx.reason, "not a boolean"), "reason: %s", ctx.reason);
}
END_TEST

START_TEST(select_outside_its_options_lists_them)
{
	char *env[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_mode=sometimes", NULL };

	ck_assert_int_eq(load("start", env), OCF_ERR_CONFIGURED);
	ck_assert_msg(strstr(ctx.reason, "never, fenced, always"), "reason: %s", ctx.reason);
}
END_TEST

START_TEST(validator_message_reaches_the_reason)
{
	char *env[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_path=relative", NULL };

	ck_assert_int_eq(load("start", env), OCF_ERR_CONFIGURED);
	ck_assert_msg(strstr(ctx.reason, "'path'='relative': must be an absolute path"),
		      "reason: %s", ctx.reason);
}
END_TEST

START_TEST(cross_check_runs_after_single_values)
{
	char *env[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_enabled=yes", NULL };
	char *env_ok[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_enabled=yes", "OCF_RESKEY_path=/a",
			   NULL };

	ck_assert_int_eq(load("start", env), OCF_ERR_CONFIGURED);
	ck_assert_str_eq(ctx.reason, "enabled=true needs path");
	ck_assert_int_eq(load("start", env_ok), OCF_SUCCESS);
}
END_TEST

START_TEST(unknown_parameter_fails_validate_all_only)
{
	char *env[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_cuont=3", NULL };

	ck_assert_int_eq(load("validate-all", env), OCF_ERR_CONFIGURED);
	ck_assert_msg(strstr(ctx.reason, "unknown parameter 'cuont'"), "reason: %s", ctx.reason);
	ck_assert_int_eq(load("start", env), OCF_SUCCESS);
}
END_TEST

START_TEST(pacemaker_meta_keys_are_not_unknown)
{
	char *env[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_CRM_meta_clone_max=2",
			"OCF_RESKEY_crm_feature_set=3.16.2", NULL };

	ck_assert_int_eq(load("validate-all", env), OCF_SUCCESS);
}
END_TEST

START_TEST(prefix_of_a_known_name_is_still_unknown)
{
	char *env[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_na=1", NULL };

	ck_assert_int_eq(load("validate-all", env), OCF_ERR_CONFIGURED);
}
END_TEST

START_TEST(crm_meta_timeout_sets_the_deadline_with_a_margin)
{
	char *env[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_CRM_meta_timeout=10000", NULL };
	int64_t left;

	ck_assert_int_eq(load("start", env), OCF_SUCCESS);
	ck_assert_int_eq(ctx.timeout_ms, 10000);
	left = deadline_left_ms(ctx.deadline);
	/* 10 % margin: the agent reports its own error before Pacemaker kills it. */
	ck_assert_msg(left > 8000 && left <= 9000, "left %lld", (long long)left);
}
END_TEST

START_TEST(table_timeout_applies_without_crm_meta_timeout)
{
	char *env[] = { "OCF_RESKEY_name=x", NULL };

	ck_assert_int_eq(load("stop", env), OCF_SUCCESS);
	ck_assert_int_eq(ctx.timeout_ms, 40000);
}
END_TEST

START_TEST(malformed_timeout_is_not_configured)
{
	char *env[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_CRM_meta_timeout=soon", NULL };

	ck_assert_int_eq(load("start", env), OCF_ERR_CONFIGURED);
}
END_TEST

START_TEST(monitor_without_interval_is_a_probe)
{
	char *probe[] = { "OCF_RESKEY_name=x", NULL };
	char *zero[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_CRM_meta_interval=0", NULL };
	char *recurring[] = { "OCF_RESKEY_name=x", "OCF_RESKEY_CRM_meta_interval=10000", NULL };

	ck_assert_int_eq(load("monitor", probe), OCF_SUCCESS);
	ck_assert(ctx.is_probe);
	ck_assert_int_eq(load("monitor", zero), OCF_SUCCESS);
	ck_assert(ctx.is_probe);
	ck_assert_int_eq(load("monitor", recurring), OCF_SUCCESS);
	ck_assert(!ctx.is_probe);
	ck_assert_int_eq(ctx.interval_ms, 10000);
	ck_assert_int_eq(load("start", probe), OCF_SUCCESS);
	ck_assert(!ctx.is_probe);
}
END_TEST

START_TEST(check_level_is_read_and_checked)
{
	char *ten[] = { "OCF_RESKEY_name=x", "OCF_CHECK_LEVEL=10", NULL };
	char *bad[] = { "OCF_RESKEY_name=x", "OCF_CHECK_LEVEL=deep", NULL };
	char *none[] = { "OCF_RESKEY_name=x", NULL };

	ck_assert_int_eq(load("monitor", ten), OCF_SUCCESS);
	ck_assert_int_eq(ctx.check_level, 10);
	ck_assert_int_eq(load("monitor", none), OCF_SUCCESS);
	ck_assert_int_eq(ctx.check_level, 0);
	ck_assert_int_eq(load("monitor", bad), OCF_ERR_CONFIGURED);
}
END_TEST

START_TEST(first_reason_wins_and_is_one_line)
{
	struct ocf_ctx c = { .action = "start" };

	ck_assert_int_eq(ocf_fail(&c, OCF_ERR_GENERIC, "root\ncause %d", 1), OCF_ERR_GENERIC);
	ck_assert_int_eq(ocf_fail(&c, OCF_ERR_ARGS, "consequence"), OCF_ERR_ARGS);
	ck_assert_str_eq(c.reason, "root cause 1");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ocf_params");
	TCase *tc = tcase_create("params");

	tcase_add_test(tc, defaults_fill_unset_parameters);
	tcase_add_test(tc, missing_required_parameter_is_not_configured);
	tcase_add_test(tc, empty_value_counts_as_unset);
	tcase_add_test(tc, integer_out_of_range_is_rejected_with_the_range);
	tcase_add_test(tc, integer_with_trailing_junk_is_rejected);
	tcase_add_test(tc, integer_in_range_is_parsed);
	tcase_add_test(tc, booleans_take_the_usual_spellings);
	tcase_add_test(tc, bad_boolean_is_rejected);
	tcase_add_test(tc, select_outside_its_options_lists_them);
	tcase_add_test(tc, validator_message_reaches_the_reason);
	tcase_add_test(tc, cross_check_runs_after_single_values);
	tcase_add_test(tc, unknown_parameter_fails_validate_all_only);
	tcase_add_test(tc, pacemaker_meta_keys_are_not_unknown);
	tcase_add_test(tc, prefix_of_a_known_name_is_still_unknown);
	tcase_add_test(tc, crm_meta_timeout_sets_the_deadline_with_a_margin);
	tcase_add_test(tc, table_timeout_applies_without_crm_meta_timeout);
	tcase_add_test(tc, malformed_timeout_is_not_configured);
	tcase_add_test(tc, monitor_without_interval_is_a_probe);
	tcase_add_test(tc, check_level_is_read_and_checked);
	tcase_add_test(tc, first_reason_wins_and_is_one_line);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
