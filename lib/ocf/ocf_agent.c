/* Action dispatch: the part of the OCF contract every agent shares. */
#include "config.h"
#include "ocf.h"
#include "log.h"

#include <errno.h>
#include <string.h>

extern char **environ;

const char *ocf_rc_name(int rc)
{
	switch (rc) {
	case OCF_SUCCESS: return "OCF_SUCCESS";
	case OCF_ERR_GENERIC: return "OCF_ERR_GENERIC";
	case OCF_ERR_ARGS: return "OCF_ERR_ARGS";
	case OCF_ERR_UNIMPLEMENTED: return "OCF_ERR_UNIMPLEMENTED";
	case OCF_ERR_PERM: return "OCF_ERR_PERM";
	case OCF_ERR_INSTALLED: return "OCF_ERR_INSTALLED";
	case OCF_ERR_CONFIGURED: return "OCF_ERR_CONFIGURED";
	case OCF_NOT_RUNNING: return "OCF_NOT_RUNNING";
	case OCF_RUNNING_PROMOTED: return "OCF_RUNNING_PROMOTED";
	case OCF_FAILED_PROMOTED: return "OCF_FAILED_PROMOTED";
	case OCF_DEGRADED: return "OCF_DEGRADED";
	case OCF_DEGRADED_PROMOTED: return "OCF_DEGRADED_PROMOTED";
	}
	return NULL;
}

static ocf_handler handler_for(const struct ocf_agent *agent, const char *action)
{
	const struct ocf_ops *ops = &agent->ops;

	if (strcmp(action, "start") == 0)
		return ops->start;
	if (strcmp(action, "stop") == 0)
		return ops->stop;
	if (strcmp(action, "monitor") == 0)
		return ops->monitor;
	if (strcmp(action, "validate-all") == 0)
		return ops->validate_all;
	if (strcmp(action, "promote") == 0)
		return ops->promote;
	if (strcmp(action, "demote") == 0)
		return ops->demote;
	if (strcmp(action, "notify") == 0)
		return ops->notify;
	if (strcmp(action, "reload-agent") == 0)
		return ops->reload_agent;
	return NULL;
}

static void usage(const struct ocf_agent *agent, FILE *f)
{
	fprintf(f, "usage: %s {", agent->name);
	for (size_t i = 0; i < agent->n_actions; i++)
		fprintf(f, "%s%s", i ? "|" : "", agent->actions[i].name);
	fprintf(f, "|usage|man-page}\n"
		"An OCF resource agent (ocf:twinhead:%s): run it through Pacemaker,\n"
		"crm_resource --validate or ocf-tester. See man ocf_twinhead_%s.\n",
		agent->name, agent->name);
}

int ocf_run(const struct ocf_agent *agent, int argc, char **argv,
	    char *const *envp, FILE *out, FILE *err)
{
	static char ident[96];
	struct ocf_ctx ctx;
	const char *action;
	ocf_handler handler;
	int64_t started;
	int rc;

	if (argc != 2) {
		usage(agent, err);
		return OCF_ERR_ARGS;
	}
	action = argv[1];
	/* meta-data must work anywhere, as any user, with no environment. */
	if (strcmp(action, "meta-data") == 0) {
		int mrc = ocf_metadata_write(agent, out);

		if (mrc == -ENOENT)
			fprintf(err, "ocf-exit-reason:cannot load %s to write meta-data: "
				"install libxml2\n", LIBXML2_SONAME);
		return mrc == 0 ? OCF_SUCCESS : OCF_ERR_GENERIC;
	}
	if (strcmp(action, "man-page") == 0)
		return ocf_manpage_write(agent, out) == 0 ? OCF_SUCCESS : OCF_ERR_GENERIC;
	if (strcmp(action, "usage") == 0 || strcmp(action, "help") == 0) {
		usage(agent, out);
		return OCF_SUCCESS;
	}
	handler = ocf_action_find(agent, action) ? handler_for(agent, action) : NULL;
	if (!handler) {
		usage(agent, err);
		fprintf(err, "ocf-exit-reason:action '%s' is not implemented by %s\n",
			action, agent->name);
		return OCF_ERR_UNIMPLEMENTED;
	}

	/* The ident carries the resource name, as resource-agents' logs do. */
	{
		struct ocf_ctx tmp = { .envp = envp };
		const char *inst = ocf_env(&tmp, "OCF_RESOURCE_INSTANCE");

		snprintf(ident, sizeof(ident), "%s(%s)", agent->name, inst ? inst : "-");
	}
	th_log_init(ident, envp);

	started = deadline_now_ms();
	rc = ocf_ctx_load(&ctx, agent, action, envp);
	if (rc == OCF_SUCCESS)
		rc = ocf_params_validate(&ctx, strcmp(action, "validate-all") == 0);
	if (rc == OCF_SUCCESS) {
		th_debug("%s: begin (timeout %ld ms, depth %u%s)", action, ctx.timeout_ms,
			 ctx.check_level, ctx.is_probe ? ", probe" : "");
		rc = handler(&ctx);
	}
	if (!ocf_rc_name(rc)) {
		ocf_fail(&ctx, OCF_ERR_GENERIC, "internal error: %s returned %d", action, rc);
		rc = OCF_ERR_GENERIC;
	}
	th_debug("%s: %s after %lld ms", action, ocf_rc_name(rc),
		 (long long)(deadline_now_ms() - started));
	if (ctx.reason[0])
		fprintf(err, "ocf-exit-reason:%s\n", ctx.reason);
	fflush(out);
	fflush(err);
	th_log_fini();
	return rc;
}

int ocf_main(const struct ocf_agent *agent, int argc, char **argv)
{
	return ocf_run(agent, argc, argv, environ, stdout, stderr);
}
