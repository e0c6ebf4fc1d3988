/* The OCF resource agent contract (OCF 1.1, as Pacemaker 2.1 runs it).
 *
 * An agent is one declarative table (struct ocf_agent): its parameters and
 * actions. From that table come the meta-data XML, the man page and the
 * checks every action runs before it touches anything. ocf_main() parses
 * argv and the environment, validates, computes the action's deadline,
 * dispatches, and prints the ocf-exit-reason line. */
#ifndef TWINHEAD_OCF_H
#define TWINHEAD_OCF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "deadline.h"

/* Exit codes: OCF 1.1, names as in Pacemaker's include/crm/common/results.h. */
enum ocf_rc {
	OCF_SUCCESS = 0,
	OCF_ERR_GENERIC = 1,
	OCF_ERR_ARGS = 2,
	OCF_ERR_UNIMPLEMENTED = 3,
	OCF_ERR_PERM = 4,
	OCF_ERR_INSTALLED = 5,
	OCF_ERR_CONFIGURED = 6,
	OCF_NOT_RUNNING = 7,
	OCF_RUNNING_PROMOTED = 8,
	OCF_FAILED_PROMOTED = 9,
	OCF_DEGRADED = 190,
	OCF_DEGRADED_PROMOTED = 191,
};

/* "OCF_SUCCESS", ... or NULL when rc is not an OCF exit code. */
const char *ocf_rc_name(int rc);

enum ocf_type {
	OCF_TYPE_STRING,
	OCF_TYPE_INTEGER,
	OCF_TYPE_BOOLEAN,
	OCF_TYPE_SELECT,
};

enum ocf_param_flags {
	OCF_REQUIRED = 1u << 0,
	OCF_UNIQUE = 1u << 1,
	OCF_RELOADABLE = 1u << 2,
};

/* Checks one value beyond its type. Returns 0 when acceptable; otherwise
 * writes a sentence an administrator can act on into why and returns
 * -EINVAL. Must not touch the system: validators also run for probes. */
typedef int (*ocf_validator)(const char *value, char *why, size_t whylen);

struct ocf_param {
	const char *name;
	enum ocf_type type;
	unsigned flags;             /* enum ocf_param_flags */
	const char *deflt;          /* NULL: no default */
	const char *shortdesc;
	const char *longdesc;
	const char *const *options; /* OCF_TYPE_SELECT: NULL-terminated */
	long min, max;              /* OCF_TYPE_INTEGER: inclusive bounds */
	ocf_validator validate;     /* optional */
};

struct ocf_action_spec {
	const char *name;     /* start, stop, monitor, promote, ... */
	unsigned timeout_s;
	unsigned interval_s;  /* monitor only; 0 = not recurring */
	unsigned depth;       /* monitor OCF_CHECK_LEVEL */
	const char *role;     /* "Promoted" / "Unpromoted" or NULL */
};

struct ocf_ctx;
typedef int (*ocf_handler)(struct ocf_ctx *ctx);

struct ocf_ops {
	ocf_handler start, stop, monitor, validate_all;
	ocf_handler promote, demote, notify, reload_agent; /* optional */
};

struct ocf_agent {
	const char *name;
	const char *version;
	const char *shortdesc;
	const char *longdesc;
	const struct ocf_param *params;
	size_t n_params;
	const struct ocf_action_spec *actions;
	size_t n_actions;
	struct ocf_ops ops;
	/* Cross-parameter checks after every single value passed; optional.
	 * Like a validator, it must not touch the system. Returns an OCF rc
	 * and sets the reason through ocf_fail(). */
	int (*check)(struct ocf_ctx *ctx);
	/* Extra man page sections in roff (EXAMPLES, NOTES...); optional. */
	const char *man_extra;
};

#define OCF_MAX_PARAMS 48
#define OCF_REASON_MAX 512

struct ocf_ctx {
	const struct ocf_agent *agent;
	const char *action;
	const char *instance;            /* OCF_RESOURCE_INSTANCE */
	const char *value[OCF_MAX_PARAMS]; /* given value, else default, else NULL */
	bool given[OCF_MAX_PARAMS];      /* set in the environment */
	long num[OCF_MAX_PARAMS];        /* integers and booleans, parsed */
	unsigned check_level;            /* OCF_CHECK_LEVEL */
	bool is_probe;                   /* monitor with interval 0 */
	long interval_ms;                /* CRM_meta_interval */
	long timeout_ms;                 /* CRM_meta_timeout, or the table's */
	struct deadline deadline;        /* when this action must be done */
	char *const *envp;               /* where values came from */
	char reason[OCF_REASON_MAX];     /* the exit reason, empty if none */
};

/* Accessors by table index. ocf_str returns NULL for an unset parameter
 * without default. */
const char *ocf_str(const struct ocf_ctx *ctx, unsigned idx);
long ocf_int(const struct ocf_ctx *ctx, unsigned idx);
bool ocf_bool(const struct ocf_ctx *ctx, unsigned idx);
bool ocf_given(const struct ocf_ctx *ctx, unsigned idx);

/* Looks up a variable in the action's environment (not the process's, so
 * tests can inject one). */
const char *ocf_env(const struct ocf_ctx *ctx, const char *name);

/* Records the exit reason (the first one wins: it is the root cause), logs
 * it at error priority, and returns rc so a handler can write
 * `return ocf_fail(ctx, OCF_ERR_GENERIC, "...", ...);`. */
int ocf_fail(struct ocf_ctx *ctx, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- building blocks, exposed for tests ---- */

/* Fills ctx from envp for action: parameter values and defaults, the check
 * level, probe flag, interval, timeout and deadline. Returns OCF_SUCCESS or
 * OCF_ERR_CONFIGURED (malformed OCF_CHECK_LEVEL, ...) with the reason set. */
int ocf_ctx_load(struct ocf_ctx *ctx, const struct ocf_agent *agent,
		 const char *action, char *const *envp);

/* Type, range, option and validator checks for every parameter, then the
 * agent's cross check. strict: unknown OCF_RESKEY_ names are an error
 * (validate-all) rather than a warning. Returns an OCF rc, reason set. */
int ocf_params_validate(struct ocf_ctx *ctx, bool strict);

/* Parses an OCF boolean (true/false, yes/no, on/off, 1/0; any case).
 * Returns 1, 0, or -EINVAL. */
int ocf_parse_bool(const char *s);

/* Parses a decimal integer strictly (no trailing junk, no overflow).
 * Returns 0 or -EINVAL / -ERANGE. */
int ocf_parse_long(const char *s, long *out);

/* The action's spec in the table, or NULL. */
const struct ocf_action_spec *ocf_action_find(const struct ocf_agent *agent,
					      const char *name);

/* Writes the OCF 1.1 meta-data document. Returns 0 or -errno. */
int ocf_metadata_write(const struct ocf_agent *agent, FILE *out);

/* Writes the man page ocf_twinhead_<agent>(7) in roff. Returns 0 or -errno. */
int ocf_manpage_write(const struct ocf_agent *agent, FILE *out);

/* The whole agent: `return ocf_main(&agent, argc, argv);` from main(). */
int ocf_main(const struct ocf_agent *agent, int argc, char **argv);

/* ocf_main with an explicit environment, for tests. */
int ocf_run(const struct ocf_agent *agent, int argc, char **argv,
	    char *const *envp, FILE *out, FILE *err);

#endif
