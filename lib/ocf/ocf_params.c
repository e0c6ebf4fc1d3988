/* Parameters: from the environment into the context, and their checks. */
#include "config.h"
#include "ocf.h"
#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RESKEY_PREFIX "OCF_RESKEY_"

/* Action margins: finish (and report) before Pacemaker's own timer fires,
 * so a slow tool becomes our clear error instead of Pacemaker's kill. */
#define DEADLINE_MARGIN_MIN_MS 200
#define DEADLINE_MARGIN_MAX_MS 2000
#define DEFAULT_TIMEOUT_MS 20000

const char *ocf_env(const struct ocf_ctx *ctx, const char *name)
{
	size_t n = strlen(name);

	if (!ctx->envp)
		return NULL;
	for (char *const *e = ctx->envp; *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

int ocf_parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

int ocf_parse_bool(const char *s)
{
	static const char *const yes[] = { "true", "yes", "on", "1", "y", NULL };
	static const char *const no[] = { "false", "no", "off", "0", "n", NULL };

	if (!s)
		return -EINVAL;
	for (unsigned i = 0; yes[i]; i++)
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
	for (unsigned i = 0; no[i]; i++)
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	return -EINVAL;
}

const char *ocf_str(const struct ocf_ctx *ctx, unsigned idx)
{
	return idx < ctx->agent->n_params ? ctx->value[idx] : NULL;
}

long ocf_int(const struct ocf_ctx *ctx, unsigned idx)
{
	return idx < ctx->agent->n_params ? ctx->num[idx] : 0;
}

bool ocf_bool(const struct ocf_ctx *ctx, unsigned idx)
{
	return ocf_int(ctx, idx) != 0;
}

bool ocf_given(const struct ocf_ctx *ctx, unsigned idx)
{
	return idx < ctx->agent->n_params && ctx->given[idx];
}

int ocf_fail(struct ocf_ctx *ctx, int rc, const char *fmt, ...)
{
	va_list ap;

	if (ctx->reason[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(ctx->reason, sizeof(ctx->reason), fmt, ap);
		va_end(ap);
		/* The exit reason is one line by contract. */
		for (char *p = ctx->reason; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		th_log(LOG_ERR, "%s: %s", ctx->action ? ctx->action : "?", ctx->reason);
	}
	return rc;
}

const struct ocf_action_spec *ocf_action_find(const struct ocf_agent *agent,
					      const char *name)
{
	for (size_t i = 0; i < agent->n_actions; i++)
		if (strcmp(agent->actions[i].name, name) == 0)
			return &agent->actions[i];
	return NULL;
}

static long action_default_timeout_ms(const struct ocf_agent *agent, const char *action)
{
	const struct ocf_action_spec *spec = ocf_action_find(agent, action);

	return spec && spec->timeout_s ? (long)spec->timeout_s * 1000 : DEFAULT_TIMEOUT_MS;
}

/* Reads a non-negative millisecond count from CRM_meta_*; absent → fallback. */
static int load_ms(struct ocf_ctx *ctx, const char *var, long fallback, long *out)
{
	const char *s = ocf_env(ctx, var);
	long v;

	if (!s || !*s) {
		*out = fallback;
		return OCF_SUCCESS;
	}
	if (ocf_parse_long(s, &v) < 0 || v < 0)
		return ocf_fail(ctx, OCF_ERR_CONFIGURED,
				"%s=%s is not a number of milliseconds", var, s);
	*out = v;
	return OCF_SUCCESS;
}

int ocf_ctx_load(struct ocf_ctx *ctx, const struct ocf_agent *agent,
		 const char *action, char *const *envp)
{
	const char *lvl;
	long margin, v;
	int rc;

	memset(ctx, 0, sizeof(*ctx));
	ctx->agent = agent;
	ctx->action = action;
	ctx->envp = envp;
	ctx->deadline.at_ms = INT64_MAX;
	if (agent->n_params > OCF_MAX_PARAMS)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "agent table has too many parameters");
	ctx->instance = ocf_env(ctx, "OCF_RESOURCE_INSTANCE");
	if (!ctx->instance)
		ctx->instance = agent->name;

	for (size_t i = 0; i < agent->n_params; i++) {
		char var[128];
		const char *s;

		snprintf(var, sizeof(var), RESKEY_PREFIX "%s", agent->params[i].name);
		s = ocf_env(ctx, var);
		/* Pacemaker passes an emptied parameter as "": that means unset. */
		if (s && *s) {
			ctx->value[i] = s;
			ctx->given[i] = true;
		} else {
			ctx->value[i] = agent->params[i].deflt;
		}
	}

	rc = load_ms(ctx, "OCF_RESKEY_CRM_meta_interval", 0, &ctx->interval_ms);
	if (rc != OCF_SUCCESS)
		return rc;
	rc = load_ms(ctx, "OCF_RESKEY_CRM_meta_timeout",
		     action_default_timeout_ms(agent, action), &ctx->timeout_ms);
	if (rc != OCF_SUCCESS)
		return rc;
	if (ctx->timeout_ms == 0)
		ctx->timeout_ms = action_default_timeout_ms(agent, action);
	margin = ctx->timeout_ms / 10;
	if (margin < DEADLINE_MARGIN_MIN_MS)
		margin = DEADLINE_MARGIN_MIN_MS;
	if (margin > DEADLINE_MARGIN_MAX_MS)
		margin = DEADLINE_MARGIN_MAX_MS;
	if (margin > ctx->timeout_ms / 2)
		margin = ctx->timeout_ms / 2;
	ctx->deadline = deadline_in_ms(ctx->timeout_ms - margin);

	ctx->is_probe = strcmp(action, "monitor") == 0 && ctx->interval_ms == 0;

	lvl = ocf_env(ctx, "OCF_CHECK_LEVEL");
	if (lvl && *lvl) {
		if (ocf_parse_long(lvl, &v) < 0 || v < 0 || v > 1000)
			return ocf_fail(ctx, OCF_ERR_CONFIGURED,
					"OCF_CHECK_LEVEL=%s is not a depth (0, 10, 20)", lvl);
		ctx->check_level = (unsigned)v;
	}
	return OCF_SUCCESS;
}

static bool option_listed(const char *const *options, const char *v)
{
	for (; options && *options; options++)
		if (strcmp(*options, v) == 0)
			return true;
	return false;
}

static void options_join(const char *const *options, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; options && *options && used < len; options++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 used ? ", " : "", *options);
}

static int check_one(struct ocf_ctx *ctx, size_t i)
{
	const struct ocf_param *p = &ctx->agent->params[i];
	const char *v = ctx->value[i];
	char why[256] = "";
	long n;
	int b;

	if (!v) {
		if (p->flags & OCF_REQUIRED)
			return ocf_fail(ctx, OCF_ERR_CONFIGURED,
					"parameter '%s' is required (%s)", p->name, p->shortdesc);
		return OCF_SUCCESS;
	}
	switch (p->type) {
	case OCF_TYPE_INTEGER:
		if (ocf_parse_long(v, &n) < 0)
			return ocf_fail(ctx, OCF_ERR_CONFIGURED,
					"parameter '%s'='%s' is not an integer", p->name, v);
		if ((p->min || p->max) && (n < p->min || n > p->max))
			return ocf_fail(ctx, OCF_ERR_CONFIGURED,
					"parameter '%s'=%ld is out of range: use %ld to %ld",
					p->name, n, p->min, p->max);
		ctx->num[i] = n;
		break;
	case OCF_TYPE_BOOLEAN:
		b = ocf_parse_bool(v);
		if (b < 0)
			return ocf_fail(ctx, OCF_ERR_CONFIGURED,
					"parameter '%s'='%s' is not a boolean: use true or false",
					p->name, v);
		ctx->num[i] = b;
		break;
	case OCF_TYPE_SELECT:
		if (!option_listed(p->options, v)) {
			char list[256];

			options_join(p->options, list, sizeof(list));
			return ocf_fail(ctx, OCF_ERR_CONFIGURED,
					"parameter '%s'='%s' is not one of: %s", p->name, v, list);
		}
		break;
	case OCF_TYPE_STRING:
		break;
	}
	if (p->validate && p->validate(v, why, sizeof(why)) < 0)
		return ocf_fail(ctx, OCF_ERR_CONFIGURED, "parameter '%s'='%s': %s",
				p->name, v, why[0] ? why : "invalid value");
	return OCF_SUCCESS;
}

/* Pacemaker adds these itself; they are not the agent's parameters. */
static bool reskey_is_meta(const char *name, size_t nlen)
{
	static const char fs[] = "crm_feature_set";

	return strncmp(name, "CRM_meta_", 9) == 0 ||
	       (nlen == sizeof(fs) - 1 && strncmp(name, fs, nlen) == 0);
}

static int check_unknown(struct ocf_ctx *ctx, bool strict)
{
	const size_t plen = strlen(RESKEY_PREFIX);

	for (char *const *e = ctx->envp; e && *e; e++) {
		const char *name, *eq;
		size_t nlen;
		bool known = false;

		if (strncmp(*e, RESKEY_PREFIX, plen) != 0)
			continue;
		name = *e + plen;
		eq = strchr(name, '=');
		nlen = eq ? (size_t)(eq - name) : strlen(name);
		if (reskey_is_meta(name, nlen))
			continue;
		for (size_t i = 0; i < ctx->agent->n_params && !known; i++)
			known = strlen(ctx->agent->params[i].name) == nlen &&
				strncmp(ctx->agent->params[i].name, name, nlen) == 0;
		if (known)
			continue;
		if (strict)
			return ocf_fail(ctx, OCF_ERR_CONFIGURED,
					"unknown parameter '%.*s': see `%s meta-data` or man ocf_twinhead_%s",
					(int)nlen, name, ctx->agent->name, ctx->agent->name);
		th_log(LOG_WARNING, "ignoring unknown parameter '%.*s'", (int)nlen, name);
	}
	return OCF_SUCCESS;
}

int ocf_params_validate(struct ocf_ctx *ctx, bool strict)
{
	int rc = check_unknown(ctx, strict);

	for (size_t i = 0; rc == OCF_SUCCESS && i < ctx->agent->n_params; i++)
		rc = check_one(ctx, i);
	if (rc == OCF_SUCCESS && ctx->agent->check)
		rc = ctx->agent->check(ctx);
	return rc;
}
