/* A small agent table for the OCF library's tests: one parameter of every
 * type, a validator, a cross check and handlers that record their calls. */
#ifndef TWINHEAD_TEST_DEMO_AGENT_H
#define TWINHEAD_TEST_DEMO_AGENT_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ocf.h"

enum { D_NAME, D_COUNT, D_ENABLED, D_MODE, D_PATH, D_N };

static int demo_valid_path(const char *v, char *why, size_t len)
{
	if (v[0] != '/') {
		snprintf(why, len, "must be an absolute path");
		return -EINVAL;
	}
	return 0;
}

static const char *const demo_modes[] = { "never", "fenced", "always", NULL };

static const struct ocf_param demo_params[D_N] = {
	[D_NAME] = { .name = "name", .type = OCF_TYPE_STRING, .flags = OCF_REQUIRED | OCF_UNIQUE,
		     .shortdesc = "Name", .longdesc = "The name & <escaped> text." },
	[D_COUNT] = { .name = "count", .type = OCF_TYPE_INTEGER, .flags = OCF_RELOADABLE,
		      .deflt = "3", .min = 1, .max = 10,
		      .shortdesc = "Count", .longdesc = "How many.\n\nSecond paragraph." },
	[D_ENABLED] = { .name = "enabled", .type = OCF_TYPE_BOOLEAN, .deflt = "false",
			.shortdesc = "Enabled", .longdesc = "Whether." },
	[D_MODE] = { .name = "mode", .type = OCF_TYPE_SELECT, .deflt = "fenced",
		     .options = demo_modes, .shortdesc = "Mode", .longdesc = "When." },
	[D_PATH] = { .name = "path", .type = OCF_TYPE_STRING, .validate = demo_valid_path,
		     .shortdesc = "Path", .longdesc = ".Starts with a dot, and a \\ backslash." },
};

static const struct ocf_action_spec demo_actions[] = {
	{ .name = "start", .timeout_s = 30 },
	{ .name = "stop", .timeout_s = 40 },
	{ .name = "monitor", .timeout_s = 15, .interval_s = 10, .depth = 0 },
	{ .name = "monitor", .timeout_s = 25, .interval_s = 60, .depth = 10 },
	{ .name = "validate-all", .timeout_s = 5 },
	{ .name = "reload-agent", .timeout_s = 5 },
	{ .name = "meta-data", .timeout_s = 5 },
};

static char demo_last_action[32];
static struct ocf_ctx demo_last_ctx;
static int demo_next_rc;

static int demo_record(struct ocf_ctx *ctx)
{
	snprintf(demo_last_action, sizeof(demo_last_action), "%s", ctx->action);
	demo_last_ctx = *ctx;
	if (demo_next_rc == OCF_ERR_GENERIC)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "demo failure\nwith a newline");
	return demo_next_rc;
}

static int demo_check(struct ocf_ctx *ctx)
{
	if (ocf_bool(ctx, D_ENABLED) && !ocf_str(ctx, D_PATH))
		return ocf_fail(ctx, OCF_ERR_CONFIGURED, "enabled=true needs path");
	return OCF_SUCCESS;
}

static const struct ocf_agent demo_agent = {
	.name = "demo",
	.version = "9.9",
	.shortdesc = "Demo agent",
	.longdesc = "A demo agent for tests.",
	.params = demo_params,
	.n_params = D_N,
	.actions = demo_actions,
	.n_actions = sizeof(demo_actions) / sizeof(demo_actions[0]),
	.ops = { .start = demo_record, .stop = demo_record, .monitor = demo_record,
		 .validate_all = demo_record, .reload_agent = demo_record },
	.check = demo_check,
};

#endif
