/* exec_run(): argv only, minimal environment, descriptors closed, signals
 * reset, output captured, and the whole process group killed at the
 * deadline. /bin/sh -c appears here only as a convenient test child. */
#include "config.h"
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check_tap.h"

#define SH "/bin/sh"

/* Generous: only the upper bound of "well under 30 s" is asserted. */
#define SLOW_MS 10000

static int run(const char *const *argv, int64_t ms, struct exec_result *res)
{
	struct exec_cmd cmd = {
		.argv = argv,
		.deadline = deadline_in_ms(ms),
	};

	return exec_run(&cmd, res);
}

static int run_sh(const char *script, int64_t ms, struct exec_result *res)
{
	const char *argv[] = { SH, "-c", script, NULL };

	return run(argv, ms, res);
}

/* Dead means gone or a zombie: the reaper of orphans (pid 1 in a container
 * may not be init) decides when a zombie disappears, not exec_run(). */
static bool pid_is_alive(pid_t pid)
{
	char path[64], buf[512];
	const char *paren;
	FILE *f;
	bool alive = true;

	if (kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	if (fgets(buf, sizeof(buf), f)) {
		paren = strrchr(buf, ')');
		if (paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X'))
			alive = false;
	}
	fclose(f);
	return alive;
}

static bool pid_dies_within(pid_t pid, int64_t ms)
{
	struct deadline d = deadline_in_ms(ms);

	while (pid_is_alive(pid)) {
		if (deadline_sleep_ms(d, 10) < 0)
			return !pid_is_alive(pid);
	}
	return true;
}

/* ------------------------------------------------------------------ */

START_TEST(captures_stdout_stderr_and_exit_code)
{
	struct exec_result res;
	int rc = run_sh("echo to-out; echo to-err >&2; exit 3", SLOW_MS, &res);

	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(res.out, "to-out\n");
	ck_assert_uint_eq(res.out_len, 7);
	ck_assert_str_eq(res.err, "to-err\n");
	ck_assert_uint_eq(res.err_len, 7);
	ck_assert_int_eq(res.exit_status, 3);
	ck_assert_int_eq(res.term_signal, 0);
	ck_assert(!res.timed_out);
	ck_assert(!res.truncated);
	ck_assert_int_gt(res.pid, 0);
	ck_assert(!exec_succeeded(rc, &res));
	exec_result_free(&res);
}
END_TEST

START_TEST(silent_success_gives_empty_strings)
{
	const char *argv[] = { "/bin/true", NULL };
	struct exec_result res;
	int rc = run(argv, SLOW_MS, &res);

	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(res.out);
	ck_assert_ptr_nonnull(res.err);
	ck_assert_str_eq(res.out, "");
	ck_assert_str_eq(res.err, "");
	ck_assert_int_eq(res.exit_status, 0);
	ck_assert(exec_succeeded(rc, &res));
	exec_result_free(&res);
}
END_TEST

START_TEST(relative_argv0_is_rejected_and_nothing_runs)
{
	/* A tool in the current directory that would leave a mark: if the
	 * runner ever resolved a relative argv[0], it would run this. */
	static const char script[] = "#!/bin/sh\n: > ran\n";
	const char *const names[] = { "tool", "./tool", "sub/../tool", "" };
	char dir[] = "/tmp/exec_run_test.XXXXXX";
	struct exec_result res;
	struct stat st;
	size_t i;
	int cwd, fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	cwd = open(".", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(cwd, 0);
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_int_eq(mkdir("sub", 0700), 0);
	fd = open("tool", O_WRONLY | O_CREAT | O_EXCL, 0700);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, script, sizeof(script) - 1), (ssize_t)sizeof(script) - 1);
	close(fd);

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *argv[] = { names[i], NULL };

		ck_assert_int_eq(run(argv, SLOW_MS, &res), -EINVAL);
		ck_assert_int_eq(res.pid, 0);
		ck_assert_ptr_nonnull(res.out);
		ck_assert_ptr_nonnull(res.err);
		exec_result_free(&res);
	}
	ck_assert_int_eq(stat("ran", &st), -1);

	unlink("tool");
	rmdir("sub");
	ck_assert_int_eq(fchdir(cwd), 0);
	close(cwd);
	rmdir(dir);
}
END_TEST

START_TEST(missing_argv_or_bad_env_is_rejected)
{
	const char *no_arg0[] = { NULL };
	const char *ok_argv[] = { "/bin/true", NULL };
	const char *bad_env[] = { "NO_EQUALS_SIGN", NULL };
	const char *empty_name[] = { "=value", NULL };
	struct exec_cmd cmd = { .deadline = deadline_in_ms(SLOW_MS) };
	struct exec_result res;

	ck_assert_int_eq(exec_run(NULL, &res), -EINVAL);
	ck_assert_ptr_nonnull(res.out);
	exec_result_free(&res);

	ck_assert_int_eq(exec_run(&cmd, &res), -EINVAL);
	exec_result_free(&res);

	cmd.argv = no_arg0;
	ck_assert_int_eq(exec_run(&cmd, &res), -EINVAL);
	exec_result_free(&res);

	cmd.argv = ok_argv;
	cmd.env = bad_env;
	ck_assert_int_eq(exec_run(&cmd, &res), -EINVAL);
	exec_result_free(&res);

	cmd.env = empty_name;
	ck_assert_int_eq(exec_run(&cmd, &res), -EINVAL);
	exec_result_free(&res);

	cmd.env = NULL;
	cmd.stdin_len = 4; /* length without data */
	ck_assert_int_eq(exec_run(&cmd, &res), -EINVAL);
	ck_assert_int_eq(res.pid, 0);
	exec_result_free(&res);

	ck_assert_int_eq(exec_run(&cmd, NULL), -EINVAL);
}
END_TEST

START_TEST(missing_binary_fails_with_enoent)
{
	const char *argv[] = { "/nonexistent/twinhead-no-such-tool", NULL };
	struct exec_result res;

	ck_assert_int_eq(run(argv, SLOW_MS, &res), -ENOENT);
	ck_assert(!res.timed_out);
	ck_assert_str_eq(res.out, "");
	ck_assert_str_eq(res.err, "");
	ck_assert(!exec_succeeded(-ENOENT, &res));
	exec_result_free(&res);
}
END_TEST

START_TEST(non_executable_file_fails_with_eacces)
{
	char path[] = "/tmp/exec_run_test.noexec.XXXXXX";
	const char *argv[] = { path, NULL };
	struct exec_result res;
	int fd = mkstemp(path);

	/* mkstemp gives 0600: no execute bit, even root gets EACCES. */
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "#!/bin/sh\n", 10), 10);
	close(fd);
	ck_assert_int_eq(run(argv, SLOW_MS, &res), -EACCES);
	exec_result_free(&res);
	unlink(path);
}
END_TEST

START_TEST(deadline_kills_hung_child)
{
	const char *argv[] = { "/bin/sleep", "30", NULL };
	struct exec_result res;
	int64_t t0 = deadline_now_ms();
	int rc = run(argv, 300, &res);
	int64_t took = deadline_now_ms() - t0;

	ck_assert_int_eq(rc, -ETIMEDOUT);
	ck_assert(res.timed_out);
	ck_assert_int_eq(res.term_signal, SIGKILL);
	ck_assert_int_eq(res.exit_status, -1);
	ck_assert_int_ge(took, 250);
	ck_assert_int_lt(took, SLOW_MS);
	ck_assert(!pid_is_alive(res.pid));
	ck_assert(!exec_succeeded(rc, &res));
	exec_result_free(&res);
}
END_TEST

START_TEST(deadline_kills_whole_process_group)
{
	struct exec_result res;
	long grandchild;
	int rc;

	/* The tool waits for a background child, which waits for ever. */
	rc = run_sh("/bin/sleep 30 & echo $!; wait", 2000, &res);
	ck_assert_int_eq(rc, -ETIMEDOUT);
	ck_assert(res.timed_out);
	ck_assert_msg(sscanf(res.out, "%ld", &grandchild) == 1,
		      "no grandchild pid in '%s'", res.out);
	ck_assert_int_gt(grandchild, 1);
	ck_assert_msg(pid_dies_within((pid_t)grandchild, 5000),
		      "grandchild %ld survived the deadline", grandchild);
	exec_result_free(&res);
}
END_TEST

START_TEST(grandchild_holding_stdout_does_not_outlast_deadline)
{
	struct exec_result res;
	int64_t t0 = deadline_now_ms(), took;
	long grandchild;
	int rc;

	/* The tool exits at once, but leaves a process holding its stdout. */
	rc = run_sh("/bin/sleep 30 & echo $!; exit 0", 1000, &res);
	took = deadline_now_ms() - t0;

	ck_assert_int_eq(rc, -ETIMEDOUT);
	ck_assert(res.timed_out);
	ck_assert_int_lt(took, SLOW_MS);
	/* The tool's own exit is reported, not the SIGKILL sent after. */
	ck_assert_int_eq(res.exit_status, 0);
	ck_assert_int_eq(res.term_signal, 0);
	ck_assert(!exec_succeeded(rc, &res));
	ck_assert_int_eq(sscanf(res.out, "%ld", &grandchild), 1);
	ck_assert(pid_dies_within((pid_t)grandchild, 5000));
	exec_result_free(&res);
}
END_TEST

START_TEST(expired_deadline_runs_nothing)
{
	char path[] = "/tmp/exec_run_test.mark.XXXXXX";
	const char *argv[] = { SH, "-c", ": > \"$1\"", "sh", path, NULL };
	struct exec_cmd cmd = { .argv = argv, .deadline = deadline_in_ms(0) };
	struct exec_result res;
	struct stat st;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(path);
	ck_assert_int_eq(exec_run(&cmd, &res), -ETIMEDOUT);
	ck_assert(res.timed_out);
	ck_assert_int_eq(res.pid, 0);
	ck_assert_int_eq(stat(path, &st), -1);
	exec_result_free(&res);
}
END_TEST

START_TEST(environment_is_minimal)
{
	const char *argv[] = { "/usr/bin/env", NULL };
	const char *extra[] = { "TWINHEAD_EXTRA=one two", NULL };
	struct exec_cmd cmd = {
		.argv = argv,
		.env = extra,
		.deadline = deadline_in_ms(SLOW_MS),
	};
	struct exec_result res;

	ck_assert_int_eq(setenv("TWINHEAD_SECRET_TEST", "x", 1), 0);
	ck_assert_int_eq(exec_run(&cmd, &res), 0);
	unsetenv("TWINHEAD_SECRET_TEST");
	ck_assert_int_eq(res.exit_status, 0);
	ck_assert_str_eq(res.out,
			 "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"
			 "LANG=C\n"
			 "LC_ALL=C\n"
			 "TWINHEAD_EXTRA=one two\n");
	exec_result_free(&res);
}
END_TEST

START_TEST(caller_env_replaces_base_entry)
{
	const char *argv[] = { "/usr/bin/env", NULL };
	const char *extra[] = { "LC_ALL=C.UTF-8", "PATH=/nowhere", NULL };
	struct exec_cmd cmd = {
		.argv = argv,
		.env = extra,
		.deadline = deadline_in_ms(SLOW_MS),
	};
	struct exec_result res;

	ck_assert_int_eq(exec_run(&cmd, &res), 0);
	ck_assert_str_eq(res.out, "LANG=C\nLC_ALL=C.UTF-8\nPATH=/nowhere\n");
	exec_result_free(&res);
}
END_TEST

START_TEST(descriptors_above_stderr_are_closed)
{
	char script[512];
	char a0[16], a1[16], a2[16];
	struct exec_result res;
	int p[2], high, rc;

	/* Plain pipe(): not close-on-exec, like a careless caller's fd. */
	ck_assert_int_eq(pipe(p), 0);
	high = fcntl(p[1], F_DUPFD, 100);
	ck_assert_int_ge(high, 100);
	ck_assert_int_lt(p[1], 10); /* the shell's >&N takes one digit */
	snprintf(a0, sizeof(a0), "%d", p[0]);
	snprintf(a1, sizeof(a1), "%d", p[1]);
	snprintf(a2, sizeof(a2), "%d", high);
	snprintf(script, sizeof(script),
		 "for fd in \"$@\"; do"
		 "  if [ -e /proc/self/fd/$fd ]; then echo \"open $fd\"; fi;"
		 " done;"
		 " if (echo leak >&%d) 2>/dev/null; then echo \"wrote %d\"; fi;"
		 " echo done", p[1], p[1]);
	{
		const char *argv[] = { SH, "-c", script, "sh", a0, a1, a2, NULL };

		rc = run(argv, SLOW_MS, &res);
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(res.out, "done\n");
	ck_assert_int_eq(res.exit_status, 0);
	exec_result_free(&res);
	close(p[0]);
	close(p[1]);
	close(high);
}
END_TEST

START_TEST(only_stdio_is_open_in_child)
{
	const char *argv[] = { SH, "-c",
		"for f in /proc/$$/fd/*; do echo ${f##*/}; done", NULL };
	struct exec_result res;

	if (access("/proc/self/fd", F_OK) != 0)
		return; /* no /proc: covered by the test above */
	ck_assert_int_eq(run(argv, SLOW_MS, &res), 0);
	/* The glob's own directory descriptor may show as 3; nothing else. */
	ck_assert_msg(strcmp(res.out, "0\n1\n2\n") == 0 ||
		      strcmp(res.out, "0\n1\n2\n3\n") == 0,
		      "descriptors open in child: %s", res.out);
	exec_result_free(&res);
}
END_TEST

START_TEST(stdin_data_reaches_child)
{
	static const char secret[] = "s3cret; $(not run)\nline two\n";
	const char *argv[] = { "/bin/cat", NULL };
	struct exec_cmd cmd = {
		.argv = argv,
		.stdin_data = secret,
		.stdin_len = sizeof(secret) - 1,
		.deadline = deadline_in_ms(SLOW_MS),
	};
	struct exec_result res;

	ck_assert_int_eq(exec_run(&cmd, &res), 0);
	ck_assert_str_eq(res.out, secret);
	ck_assert_str_eq(res.err, "");
	ck_assert(exec_succeeded(0, &res));
	exec_result_free(&res);
}
END_TEST

START_TEST(stdin_is_dev_null_without_data)
{
	/* Our stdin is a pipe nobody writes to: a child that inherited it
	 * would wait in cat until the deadline. */
	const char *argv[] = { "/bin/cat", NULL };
	struct exec_result res;
	int p[2], saved, rc;

	ck_assert_int_eq(pipe(p), 0);
	saved = fcntl(0, F_DUPFD_CLOEXEC, 20);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(dup2(p[0], 0), 0);
	rc = run(argv, 2000, &res);
	dup2(saved, 0);
	close(saved);
	close(p[0]);
	close(p[1]);

	ck_assert_int_eq(rc, 0);
	ck_assert(!res.timed_out);
	ck_assert_str_eq(res.out, "");
	ck_assert_int_eq(res.exit_status, 0);
	exec_result_free(&res);
}
END_TEST

START_TEST(large_stdin_and_stdout_flow_without_deadlock)
{
	/* Far beyond a pipe buffer both ways: only works when the parent
	 * writes stdin and reads stdout at the same time. */
	const size_t len = 768 * 1024;
	const char *argv[] = { "/bin/cat", NULL };
	struct exec_result res;
	struct exec_cmd cmd = {
		.argv = argv,
		.stdin_len = len,
		.deadline = deadline_in_ms(SLOW_MS),
	};
	char *data = malloc(len);
	size_t i;

	ck_assert_ptr_nonnull(data);
	for (i = 0; i < len; i++)
		data[i] = (char)('a' + i % 26);
	cmd.stdin_data = data;
	ck_assert_int_eq(exec_run(&cmd, &res), 0);
	ck_assert(!res.timed_out);
	ck_assert_uint_eq(res.out_len, len);
	ck_assert(memcmp(res.out, data, len) == 0);
	ck_assert(!res.truncated);
	exec_result_free(&res);
	free(data);
}
END_TEST

START_TEST(stdin_refused_by_child_raises_no_sigpipe)
{
	const size_t len = 1024 * 1024;
	const char *argv[] = { SH, "-c", "exit 0", NULL };
	struct exec_cmd cmd = {
		.argv = argv,
		.stdin_len = len,
		.deadline = deadline_in_ms(SLOW_MS),
	};
	struct exec_result res;
	sigset_t pipe_set, old, pending;
	char *data = calloc(1, len);

	ck_assert_ptr_nonnull(data);
	cmd.stdin_data = data;

	/* Default SIGPIPE: a leak would kill this test process. */
	ck_assert_int_eq(exec_run(&cmd, &res), 0);
	ck_assert_int_eq(res.exit_status, 0);
	exec_result_free(&res);

	/* Blocked SIGPIPE: a leak would stay pending. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	ck_assert_int_eq(exec_run(&cmd, &res), 0);
	sigpending(&pending);
	sigprocmask(SIG_SETMASK, &old, NULL);
	ck_assert(!sigismember(&pending, SIGPIPE));
	exec_result_free(&res);
	free(data);
}
END_TEST

START_TEST(ignored_signal_is_default_in_child)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	struct exec_result res;
	int rc;

	sigemptyset(&ign.sa_mask);
	ck_assert_int_eq(sigaction(SIGTERM, &ign, &old), 0);
	rc = run_sh("kill -TERM $$; echo survived", SLOW_MS, &res);
	sigaction(SIGTERM, &old, NULL);

	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(res.out, "");
	ck_assert_int_eq(res.term_signal, SIGTERM);
	ck_assert_int_eq(res.exit_status, -1);
	exec_result_free(&res);
}
END_TEST

START_TEST(blocked_signal_is_unblocked_in_child)
{
	struct exec_result res;
	sigset_t set, old;
	int rc;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, &old), 0);
	rc = run_sh("kill -USR1 $$; echo survived", SLOW_MS, &res);
	sigprocmask(SIG_SETMASK, &old, NULL);

	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(res.out, "");
	ck_assert_int_eq(res.term_signal, SIGUSR1);
	exec_result_free(&res);
}
END_TEST

START_TEST(signal_mask_and_ignores_are_clear_in_child)
{
	const char *argv[] = { "/bin/cat", "/proc/self/status", NULL };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	struct exec_result res;
	sigset_t set, old_mask;
	int rc;

	if (access("/proc/self/status", R_OK) != 0)
		return; /* the two tests above cover it without /proc */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGHUP, &ign, &old);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old_mask);
	rc = run(argv, SLOW_MS, &res);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGHUP, &old, NULL);

	ck_assert_int_eq(rc, 0);
	ck_assert_msg(strstr(res.out, "\nSigBlk:\t0000000000000000\n"), "%s", res.out);
	{
		/* glibc reserves signals 32 and 33 and refuses to reset them,
		 * and make(1) runs tests with them ignored: look at the
		 * standard signals 1-31 and the real-time ones from 34. */
		const char *line = strstr(res.out, "\nSigIgn:\t");
		unsigned long long mask;

		ck_assert_ptr_nonnull(line);
		mask = strtoull(line + 9, NULL, 16);
		ck_assert_msg((mask & ~0x180000000ULL) == 0, "%s", res.out);
	}
	exec_result_free(&res);
}
END_TEST

START_TEST(output_beyond_max_is_truncated)
{
	const char *argv[] = { "/usr/bin/head", "-c", "3000000", "/dev/zero", NULL };
	struct exec_result res;
	int64_t t0 = deadline_now_ms();

	ck_assert_int_eq(run(argv, SLOW_MS * 2, &res), 0);
	ck_assert_int_lt(deadline_now_ms() - t0, SLOW_MS);
	ck_assert(!res.timed_out);
	ck_assert(res.truncated);
	ck_assert_int_eq(res.exit_status, 0);
	ck_assert_uint_eq(res.out_len, EXEC_OUTPUT_MAX);
	ck_assert_int_eq(res.out[EXEC_OUTPUT_MAX], '\0');
	exec_result_free(&res);
}
END_TEST

START_TEST(signal_death_reports_term_signal)
{
	struct exec_result res;
	int rc = run_sh("kill -KILL $$", SLOW_MS, &res);

	ck_assert_int_eq(rc, 0);
	ck_assert(!res.timed_out);
	ck_assert_int_eq(res.term_signal, SIGKILL);
	ck_assert_int_eq(res.exit_status, -1);
	ck_assert(!exec_succeeded(rc, &res));
	exec_result_free(&res);
}
END_TEST

START_TEST(argv_is_passed_literally_without_shell)
{
	char mark[] = "/tmp/exec_run_test.shell.XXXXXX";
	char subst[128];
	const char *argv[] = { "/usr/bin/printf", "[%s]\\n",
		"two words", "a;b", subst, "`id -u`", "*", "$HOME", "'q'", NULL };
	struct exec_result res;
	struct stat st;
	char expect[512];
	int fd = mkstemp(mark);

	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(mark);
	snprintf(subst, sizeof(subst), "$(touch %s)", mark);
	snprintf(expect, sizeof(expect),
		 "[two words]\n[a;b]\n[%s]\n[`id -u`]\n[*]\n[$HOME]\n['q']\n", subst);

	ck_assert_int_eq(run(argv, SLOW_MS, &res), 0);
	ck_assert_str_eq(res.out, expect);
	ck_assert_int_eq(stat(mark, &st), -1);
	exec_result_free(&res);
}
END_TEST

START_TEST(works_when_caller_has_stdio_closed)
{
	const char *argv[] = { SH, "-c", "read l; echo \"got $l\"; echo e >&2", NULL };
	struct exec_cmd cmd = {
		.argv = argv,
		.stdin_data = "hello\n",
		.stdin_len = 6,
		.deadline = deadline_in_ms(SLOW_MS),
	};
	struct exec_result res;
	int saved[3], i, rc;

	/* Then pipe() hands out 0, 1 and 2, and the child's dup2() calls
	 * must not clobber one with another. */
	for (i = 0; i < 3; i++) {
		saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 20);
		ck_assert_int_ge(saved[i], 0);
	}
	close(0);
	close(1);
	close(2);
	rc = exec_run(&cmd, &res);
	for (i = 0; i < 3; i++) {
		dup2(saved[i], i);
		close(saved[i]);
	}

	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(res.out, "got hello\n");
	ck_assert_str_eq(res.err, "e\n");
	exec_result_free(&res);
}
END_TEST

START_TEST(result_free_is_safe_on_zeroed_and_twice)
{
	struct exec_result res;

	memset(&res, 0, sizeof(res));
	exec_result_free(&res);
	exec_result_free(NULL);

	ck_assert_int_eq(run_sh("echo x", SLOW_MS, &res), 0);
	exec_result_free(&res);
	ck_assert_ptr_null(res.out);
	ck_assert_ptr_null(res.err);
	exec_result_free(&res);
}
END_TEST

START_TEST(succeeded_needs_rc_zero_exit_zero_and_no_timeout)
{
	struct exec_result res;

	memset(&res, 0, sizeof(res));
	ck_assert(exec_succeeded(0, &res));
	ck_assert(!exec_succeeded(-ETIMEDOUT, &res));
	ck_assert(!exec_succeeded(-ENOENT, &res));
	res.exit_status = 1;
	ck_assert(!exec_succeeded(0, &res));
	res.exit_status = -1;
	res.term_signal = SIGKILL;
	ck_assert(!exec_succeeded(0, &res));
	res.exit_status = 0;
	res.term_signal = 0;
	res.timed_out = true;
	ck_assert(!exec_succeeded(0, &res));
	ck_assert(!exec_succeeded(0, NULL));
}
END_TEST

static Suite *exec_run_suite(void)
{
	Suite *s = suite_create("exec_run");
	TCase *basic = tcase_create("basic");
	TCase *deadline = tcase_create("deadline");
	TCase *isolation = tcase_create("isolation");
	TCase *io = tcase_create("io");

	tcase_add_test(basic, captures_stdout_stderr_and_exit_code);
	tcase_add_test(basic, silent_success_gives_empty_strings);
	tcase_add_test(basic, relative_argv0_is_rejected_and_nothing_runs);
	tcase_add_test(basic, missing_argv_or_bad_env_is_rejected);
	tcase_add_test(basic, missing_binary_fails_with_enoent);
	tcase_add_test(basic, non_executable_file_fails_with_eacces);
	tcase_add_test(basic, signal_death_reports_term_signal);
	tcase_add_test(basic, argv_is_passed_literally_without_shell);
	tcase_add_test(basic, result_free_is_safe_on_zeroed_and_twice);
	tcase_add_test(basic, succeeded_needs_rc_zero_exit_zero_and_no_timeout);
	tcase_set_timeout(basic, 30);
	suite_add_tcase(s, basic);

	tcase_add_test(deadline, deadline_kills_hung_child);
	tcase_add_test(deadline, deadline_kills_whole_process_group);
	tcase_add_test(deadline, grandchild_holding_stdout_does_not_outlast_deadline);
	tcase_add_test(deadline, expired_deadline_runs_nothing);
	tcase_set_timeout(deadline, 30);
	suite_add_tcase(s, deadline);

	tcase_add_test(isolation, environment_is_minimal);
	tcase_add_test(isolation, caller_env_replaces_base_entry);
	tcase_add_test(isolation, descriptors_above_stderr_are_closed);
	tcase_add_test(isolation, only_stdio_is_open_in_child);
	tcase_add_test(isolation, ignored_signal_is_default_in_child);
	tcase_add_test(isolation, blocked_signal_is_unblocked_in_child);
	tcase_add_test(isolation, signal_mask_and_ignores_are_clear_in_child);
	tcase_set_timeout(isolation, 30);
	suite_add_tcase(s, isolation);

	tcase_add_test(io, stdin_data_reaches_child);
	tcase_add_test(io, stdin_is_dev_null_without_data);
	tcase_add_test(io, large_stdin_and_stdout_flow_without_deadlock);
	tcase_add_test(io, stdin_refused_by_child_raises_no_sigpipe);
	tcase_add_test(io, output_beyond_max_is_truncated);
	tcase_add_test(io, works_when_caller_has_stdio_closed);
	tcase_set_timeout(io, 60);
	suite_add_tcase(s, io);

	return s;
}

int main(void)
{
	return check_tap_run(exec_run_suite());
}
