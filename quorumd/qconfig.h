/* quorumd.conf(5): the daemon's configuration, parsed and checked as a
 * whole before anything runs (a bad file changes nothing).
 *
 * One `key = value` per line; `#` starts a comment. Hooks are argv lines,
 * split on blanks, never given to a shell; leading NAME=value words become
 * the hook's environment, as with env(1). Library code: never logs. */
#ifndef TWINHEAD_QUORUMD_QCONFIG_H
#define TWINHEAD_QUORUMD_QCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QC_MAX_HOOKS 8
#define QC_MAX_ARGS 24

struct qc_hook {
	char *argv[QC_MAX_ARGS + 1]; /* argv[0] absolute */
	char *env[QC_MAX_ARGS + 1];  /* NAME=value */
};

enum qc_mode { QC_MODE_STANDALONE, QC_MODE_CLUSTER };

struct qc_config {
	char *cluster;
	unsigned node_id;              /* 1 or 2 */
	char *disk;
	uint32_t interval_ms, timeout_ms;
	uint32_t watchdog_ms;          /* 0: off */
	enum qc_mode mode;
	char *device_name;             /* votequorum device model name */
	/* fencing of the peer */
	char *fence_method;            /* "ipmi" */
	char *fence_host, *fence_user, *fence_password_file;
	unsigned fence_cipher;
	uint32_t fence_timeout_ms, fence_retry_ms;
	/* hooks */
	struct qc_hook promote[QC_MAX_HOOKS], demote[QC_MAX_HOOKS];
	unsigned n_promote, n_demote;
	uint32_t hook_timeout_ms;
	char *state_dir;               /* where the state file goes */
	char *buf;                     /* owns the strings above */
};

/* Parses text (the whole file) into cfg. Returns 0, or -EINVAL with
 * "line N: ..." in why. cfg must be released with qc_free(). */
int qc_parse(const char *text, struct qc_config *cfg, char *why, size_t whylen);

/* Reads path and parses it. */
int qc_load(const char *path, struct qc_config *cfg, char *why, size_t whylen);

void qc_free(struct qc_config *cfg);

#endif
