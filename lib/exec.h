/* The one way twinhead runs another program: argv, never a shell.
 *
 * exec_run() forks and execs an absolute path with a minimal environment
 * (PATH, LANG=C, LC_ALL=C plus what the caller adds), stdin from /dev/null or
 * from caller data, every descriptor above 2 closed, signal dispositions and
 * mask reset, in a process group of its own. stdout and stderr are captured
 * (each up to EXEC_OUTPUT_MAX bytes; the rest is read and dropped). At the
 * deadline the whole process group gets SIGKILL, so a hung tool and its
 * children cannot outlive the action.
 *
 * Secrets: pass them through stdin_data (never in argv or env), so they do
 * not show in /proc/PID/cmdline or /proc/PID/environ. Where a tool insists on
 * argv, keep it a short-lived call and say so at the call site.
 *
 * Library code: never logs, never exits. */
#ifndef TWINHEAD_EXEC_H
#define TWINHEAD_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "deadline.h"

#define EXEC_OUTPUT_MAX (1024 * 1024)

struct exec_cmd {
	const char *const *argv;   /* argv[0] must be an absolute path; NULL-terminated */
	const char *const *env;    /* extra "NAME=value" entries, NULL-terminated, or NULL */
	const char *stdin_data;    /* written to the child's stdin, or NULL for /dev/null */
	size_t stdin_len;
	struct deadline deadline;  /* the child's process group is killed at this point */
};

struct exec_result {
	int exit_status;   /* exit code when the child exited, else -1 */
	int term_signal;   /* signal that ended the child, else 0 */
	bool timed_out;    /* the deadline passed and the group was killed */
	char *out;         /* captured stdout, NUL-terminated, never NULL after exec_run */
	size_t out_len;
	char *err;         /* captured stderr, NUL-terminated, never NULL after exec_run */
	size_t err_len;
	bool truncated;    /* output beyond EXEC_OUTPUT_MAX was dropped */
	pid_t pid;         /* the child's pid (and process group id) */
};

/* Runs cmd to completion or to its deadline. An unset (zero) deadline has
 * already passed: nothing runs. Entries in cmd->env replace the built-in
 * PATH/LANG/LC_ALL of the same name. The caller must not reap children
 * behind exec_run's back (SIGCHLD ignored, or a waitpid(-1) handler).
 *
 * Returns 0 when the child ran and exited (any exit code; see res),
 * -ETIMEDOUT when the deadline killed it (res->timed_out is set, and output
 * read so far is in res), -EINVAL for a non-absolute or missing argv[0],
 * also for malformed env entries or stdin_len without stdin_data, or
 * another -errno when it could not be started (exec failure: -ENOENT,
 * -EACCES, ... as errno from execve, reported through a CLOEXEC pipe).
 * When the tool exits but a grandchild keeps its pipes open, the group is
 * killed at the deadline: -ETIMEDOUT, with the tool's own exit_status.
 * A child that cannot die (uninterruptible I/O) is waited for at most 2 s
 * after SIGKILL, then left; res->pid names it. res->pid is 0 when nothing
 * was started.
 * res must be released with exec_result_free() whatever the result. */
int exec_run(const struct exec_cmd *cmd, struct exec_result *res);

void exec_result_free(struct exec_result *res);

/* True when the run ended with exit code 0 before its deadline. */
bool exec_succeeded(int rc, const struct exec_result *res);

#endif
