/* The argv runner: fork, reset the child, execve, capture its output, and
 * kill its whole process group at the deadline. See exec.h for the contract.
 *
 * Between fork() and execve() the child only makes async-signal-safe calls:
 * everything it needs (environment, /dev/null, pipes, the descriptor limit)
 * is prepared by the parent first, so the runner stays correct in a
 * multithreaded caller. */
#include "config.h"
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Bytes read from a pipe per poll() wake-up. */
#define EXEC_CHUNK 16384

/* The child closes descriptors 3 .. this bound (or the soft limit when lower):
 * close_range() and closefrom() are not everywhere, and walking 64 Ki
 * descriptors costs a few milliseconds at most. */
#define EXEC_FD_SCAN_MAX 65536

/* After SIGKILL, how long the parent waits to reap the child. A process in
 * uninterruptible sleep (hung disk or NFS) does not die on SIGKILL; the
 * caller's own deadline matters more than reaping it, so after this grace it
 * is left behind (a zombie-to-be, pid in res->pid). */
#define EXEC_REAP_GRACE_MS 2000

/* Back-off while waiting for a child whose pipes are already closed. */
#define EXEC_REAP_SLEEP_MIN_MS 1
#define EXEC_REAP_SLEEP_MAX_MS 10

/* Exit code of a child that could not exec; the parent reports the errno it
 * read from the error pipe instead, so the value only shows in ps. */
#define EXEC_CHILD_FAILED 127

static const char *const exec_base_env[] = {
	"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	"LANG=C",
	"LC_ALL=C",
};

#define EXEC_BASE_ENV_N (sizeof(exec_base_env) / sizeof(exec_base_env[0]))

/* Handed out only when not even one byte can be allocated, so that res->out
 * and res->err are never NULL; exec_result_free() knows not to free it. */
static char exec_empty[1];

struct exec_capture {
	char **buf;     /* &res->out or &res->err */
	size_t *len;    /* &res->out_len or &res->err_len */
	size_t cap;     /* bytes allocated in *buf, NUL included */
	int fd;         /* parent's read end, -1 once at EOF */
};

/* Everything the parent tracks while the child runs. */
struct exec_io {
	struct exec_capture out;
	struct exec_capture err;
	int in_fd;              /* parent's write end of stdin, or -1 */
	const char *in_data;
	size_t in_len;
	size_t in_off;
	bool truncated;
	bool epipe;             /* a write to stdin raised SIGPIPE */
};

static int exec_poll_timeout(struct deadline d)
{
	int64_t left = deadline_left_ms(d);

	return left > INT_MAX ? INT_MAX : (int)left;
}

static void exec_close(int *fd)
{
	/* No retry on EINTR: on Linux and FreeBSD the descriptor is gone
	 * whatever close() returns, and a retry could close a reused one. */
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int exec_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

static char *exec_alloc_empty(void)
{
	char *s = malloc(1);

	if (!s)
		return exec_empty;
	s[0] = '\0';
	return s;
}

static void exec_result_init(struct exec_result *res)
{
	memset(res, 0, sizeof(*res));
	res->exit_status = -1;
	res->out = exec_alloc_empty();
	res->err = exec_alloc_empty();
}

void exec_result_free(struct exec_result *res)
{
	if (!res)
		return;
	if (res->out != exec_empty)
		free(res->out);
	if (res->err != exec_empty)
		free(res->err);
	res->out = NULL;
	res->out_len = 0;
	res->err = NULL;
	res->err_len = 0;
}

bool exec_succeeded(int rc, const struct exec_result *res)
{
	return rc == 0 && res && !res->timed_out && res->exit_status == 0;
}

/* Length of the NAME= prefix of a "NAME=value" entry, 0 when malformed. */
static size_t exec_env_name_len(const char *entry)
{
	const char *eq = strchr(entry, '=');

	return eq && eq != entry ? (size_t)(eq - entry) + 1 : 0;
}

static int exec_validate(const struct exec_cmd *cmd)
{
	size_t i;

	if (!cmd || !cmd->argv || !cmd->argv[0] || cmd->argv[0][0] != '/')
		return -EINVAL;
	if (cmd->stdin_len > 0 && !cmd->stdin_data)
		return -EINVAL;
	for (i = 0; cmd->env && cmd->env[i]; i++)
		if (exec_env_name_len(cmd->env[i]) == 0)
			return -EINVAL;
	return 0;
}

/* The child's whole environment: the fixed base, then the caller's entries.
 * A caller entry replaces a base entry of the same name instead of adding a
 * second one, whose effect would depend on the tool's getenv(). The strings
 * are borrowed, only the array is allocated. */
static char **exec_build_env(const struct exec_cmd *cmd)
{
	size_t n_extra = 0, n = 0, i, j;
	char **envp;

	while (cmd->env && cmd->env[n_extra])
		n_extra++;
	envp = calloc(EXEC_BASE_ENV_N + n_extra + 1, sizeof(*envp));
	if (!envp)
		return NULL;
	for (i = 0; i < EXEC_BASE_ENV_N; i++) {
		size_t len = exec_env_name_len(exec_base_env[i]);
		bool replaced = false;

		for (j = 0; j < n_extra; j++)
			if (strncmp(cmd->env[j], exec_base_env[i], len) == 0)
				replaced = true;
		if (!replaced)
			envp[n++] = (char *)exec_base_env[i];
	}
	for (j = 0; j < n_extra; j++)
		envp[n++] = (char *)cmd->env[j];
	envp[n] = NULL;
	return envp;
}

static int exec_fd_limit(void)
{
	long max = sysconf(_SC_OPEN_MAX);

	/* -1 means "no limit" or unknown: scan the whole capped range. */
	if (max < 0 || max > EXEC_FD_SCAN_MAX)
		max = EXEC_FD_SCAN_MAX;
	return (int)max;
}

/* Moves fd to a number >= 3 so that dup2() onto 0, 1 or 2 cannot clobber
 * it (the caller may have run with 0-2 closed, so pipe() can return them).
 * The copy is close-on-exec; the original is left to the close loop. */
static int exec_child_lift(int fd)
{
	return fd >= 3 ? fd : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

/* In the child, between fork and execve: async-signal-safe calls only.
 * Signals are all blocked on entry (the parent blocked them around fork), so
 * no handler inherited from the parent can run here. */
static void exec_child(const struct exec_cmd *cmd, char *const *envp,
		       const int std_fd[3], int errp, int fd_max)
{
	struct sigaction sa;
	sigset_t none;
	int src[3];
	int fd, i, e;

	/* Own process group, so the deadline's kill(-pgid) reaches the tool
	 * and everything it spawned. The parent does the same, whichever
	 * runs first. */
	setpgid(0, 0);

	/* Dispositions survive execve only when ignored, but reset them
	 * all: an ignored SIGTERM or SIGPIPE in an agent must not leak into
	 * the tools it runs. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (i = 1; i < NSIG; i++)
		sigaction(i, &sa, NULL); /* EINVAL for KILL, STOP: fine */

	errp = exec_child_lift(errp);
	if (errp < 0)
		_exit(EXEC_CHILD_FAILED);
	for (i = 0; i < 3; i++) {
		src[i] = exec_child_lift(std_fd[i]);
		if (src[i] < 0)
			goto fail;
	}
	for (i = 0; i < 3; i++) {
		/* dup2 onto a different number clears close-on-exec. */
		while (dup2(src[i], i) < 0)
			if (errno != EINTR)
				goto fail;
	}
	/* Everything else goes: lock files, sockets, the caller's pipes. The
	 * error pipe is close-on-exec and reports a failed execve. */
#ifdef HAVE_CLOSE_RANGE
	/* One call instead of one per possible descriptor: under a high
	 * RLIMIT_NOFILE the loop below costs milliseconds per tool run. */
	if (close_range(3, (unsigned)errp - 1, 0) == 0 &&
	    close_range((unsigned)errp + 1, ~0U, 0) == 0)
		fd_max = 0;
#endif
	for (fd = 3; fd < fd_max; fd++)
		if (fd != errp)
			close(fd);

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(cmd->argv[0], (char *const *)cmd->argv, envp);
fail:
	e = errno;
	while (write(errp, &e, sizeof(e)) < 0 && errno == EINTR)
		;
	_exit(EXEC_CHILD_FAILED);
}

/* Waits for the error pipe: EOF means execve succeeded (*child_errno = 0),
 * an int is the errno of the failure. Bounded by d: execve of a binary on a
 * hung filesystem can block. */
static int exec_wait_started(int errp, struct deadline d, int *child_errno)
{
	struct pollfd p = { .fd = errp, .events = POLLIN };
	ssize_t n;
	int e;

	for (;;) {
		n = poll(&p, 1, exec_poll_timeout(d));
		if (n > 0)
			break;
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n == 0 && deadline_expired(d))
			return -ETIMEDOUT;
	}
	do
		n = read(errp, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0) {
		*child_errno = 0;
		return 0;
	}
	/* Writes of an int to a pipe are atomic: a short read is a bug. */
	if (n != (ssize_t)sizeof(e) || e <= 0)
		return -EIO;
	*child_errno = e;
	return 0;
}

static int exec_capture_append(struct exec_capture *c, const char *data,
			       size_t n, bool *truncated)
{
	size_t room = EXEC_OUTPUT_MAX - *c->len;
	size_t need, cap;
	char *p;

	if (n > room) {
		*truncated = true;
		n = room;
	}
	if (n == 0)
		return 0;
	need = *c->len + n + 1;
	if (need > c->cap) {
		cap = c->cap < 4096 ? 4096 : c->cap;
		while (cap < need)
			cap *= 2;
		if (cap > EXEC_OUTPUT_MAX + 1)
			cap = EXEC_OUTPUT_MAX + 1;
		p = realloc(*c->buf == exec_empty ? NULL : *c->buf, cap);
		if (!p)
			return -ENOMEM;
		*c->buf = p;
		c->cap = cap;
	}
	memcpy(*c->buf + *c->len, data, n);
	*c->len += n;
	(*c->buf)[*c->len] = '\0';
	return 0;
}

/* One read per wake-up, so a tool that writes without end cannot keep the
 * parent from checking its deadline. */
static int exec_capture_read(struct exec_capture *c, bool *truncated)
{
	char chunk[EXEC_CHUNK];
	ssize_t n;

	n = read(c->fd, chunk, sizeof(chunk));
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -errno;
	}
	if (n == 0) {
		exec_close(&c->fd);
		return 0;
	}
	return exec_capture_append(c, chunk, (size_t)n, truncated);
}

/* Writes as much stdin as the pipe takes. SIGPIPE is blocked in the parent
 * for the whole run, so a tool that exits without reading its input shows up
 * here as EPIPE: not an error, the tool simply did not want the rest. */
static int exec_feed_stdin(struct exec_io *io)
{
	ssize_t n;

	while (io->in_off < io->in_len) {
		size_t len = io->in_len - io->in_off;

		if (len > SSIZE_MAX)
			len = SSIZE_MAX;
		n = write(io->in_fd, io->in_data + io->in_off, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EPIPE) {
				io->epipe = true;
				break;
			}
			return -errno;
		}
		io->in_off += (size_t)n;
	}
	/* All written (or refused): EOF tells the tool its input ended. */
	exec_close(&io->in_fd);
	return 0;
}

/* Pumps stdin, stdout and stderr until all three are closed. Returns 0, or
 * -ETIMEDOUT at d (also when the tool has exited but a process it left
 * behind still holds a pipe), or -errno. */
static int exec_collect(struct exec_io *io, struct deadline d)
{
	struct pollfd pfd[3];
	struct exec_capture *cap[3];
	const short gone = POLLHUP | POLLERR | POLLNVAL;
	int nfds, n, i, rc;

	for (;;) {
		nfds = 0;
		if (io->out.fd >= 0) {
			cap[nfds] = &io->out;
			pfd[nfds].fd = io->out.fd;
			pfd[nfds++].events = POLLIN;
		}
		if (io->err.fd >= 0) {
			cap[nfds] = &io->err;
			pfd[nfds].fd = io->err.fd;
			pfd[nfds++].events = POLLIN;
		}
		if (io->in_fd >= 0) {
			cap[nfds] = NULL;
			pfd[nfds].fd = io->in_fd;
			pfd[nfds++].events = POLLOUT;
		}
		if (nfds == 0)
			return 0;
		if (deadline_expired(d))
			return -ETIMEDOUT;

		n = poll(pfd, (nfds_t)nfds, exec_poll_timeout(d));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (i = 0; i < nfds; i++) {
			if (!pfd[i].revents)
				continue;
			if (cap[i]) {
				/* POLLHUP with data still buffered: read
				 * until read() itself says EOF. */
				rc = exec_capture_read(cap[i], &io->truncated);
			} else if (pfd[i].revents & (POLLOUT | gone)) {
				rc = exec_feed_stdin(io);
			} else {
				rc = 0;
			}
			if (rc < 0)
				return rc;
		}
	}
}

/* Reaps pid, polling with a short back-off so that a child that closed its
 * pipes but is still running cannot hold the caller past d. */
static int exec_reap(pid_t pid, struct deadline d, int *status)
{
	int64_t sleep_ms = EXEC_REAP_SLEEP_MIN_MS;
	long spin_us = 25;
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* ECHILD: a SIGCHLD handler in the caller reaped it,
			 * or SIGCHLD is ignored. */
			return -errno;
		}
		if (deadline_expired(d))
			return -ETIMEDOUT;
		/* Most tools exit right after closing their output: look again
		 * within microseconds before backing off in milliseconds. */
		if (spin_us <= 800) {
			struct timespec ts = { .tv_nsec = spin_us * 1000 };

			nanosleep(&ts, NULL);
			spin_us *= 2;
			continue;
		}
		deadline_sleep_ms(d, sleep_ms);
		sleep_ms *= 2;
		if (sleep_ms > EXEC_REAP_SLEEP_MAX_MS)
			sleep_ms = EXEC_REAP_SLEEP_MAX_MS;
	}
}

/* Kills the child's whole process group and reaps the child. The pid is not
 * reaped yet, so it still names our group: no other process can have taken
 * it. The direct kill covers a tool that moved itself to another group. */
static int exec_kill(pid_t pid, int *status)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	return exec_reap(pid, deadline_in_ms(EXEC_REAP_GRACE_MS), status);
}

static void exec_set_status(struct exec_result *res, int status)
{
	if (WIFEXITED(status)) {
		res->exit_status = WEXITSTATUS(status);
		res->term_signal = 0;
	} else if (WIFSIGNALED(status)) {
		res->exit_status = -1;
		res->term_signal = WTERMSIG(status);
	}
}

/* Runs a started child to the end: wait for execve, pump the pipes, reap.
 * On any failure the group is killed, so no child outlives exec_run(). */
static int exec_supervise(const struct exec_cmd *cmd, struct exec_result *res,
			  struct exec_io *io, int errp)
{
	pid_t pid = res->pid;
	int child_errno = 0, status, rc;

	rc = exec_wait_started(errp, cmd->deadline, &child_errno);
	if (rc == 0 && child_errno != 0) {
		/* The child _exits right after reporting: reap it. */
		exec_reap(pid, deadline_in_ms(EXEC_REAP_GRACE_MS), &status);
		return -child_errno;
	}
	if (rc == 0)
		rc = exec_collect(io, cmd->deadline);
	if (rc == 0) {
		rc = exec_reap(pid, cmd->deadline, &status);
		if (rc == 0) {
			exec_set_status(res, status);
			return 0;
		}
	}
	if (rc == -ECHILD)
		return rc;
	if (rc == -ETIMEDOUT)
		res->timed_out = true;
	/* The status shows what the tool did: its own exit code when it
	 * had exited and only a leftover grandchild held the pipes, else
	 * SIGKILL. */
	if (exec_kill(pid, &status) == 0)
		exec_set_status(res, status);
	return rc;
}

/* SIGPIPE stays blocked while the parent writes stdin. A SIGPIPE raised by
 * those writes is left pending; take it back so the caller never sees it,
 * unless one was already pending before the run (they are not queued, so it
 * cannot be told apart and must stay). */
static void exec_drop_own_sigpipe(bool epipe, bool was_pending)
{
	const struct timespec zero = { 0, 0 };
	sigset_t pipe_set;

	if (!epipe || was_pending)
		return;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
		;
}

int exec_run(const struct exec_cmd *cmd, struct exec_result *res)
{
	int p_out[2] = { -1, -1 }, p_err[2] = { -1, -1 };
	int p_in[2] = { -1, -1 }, p_exec[2] = { -1, -1 };
	int devnull = -1, std_fd[3], fd_max, rc, e;
	sigset_t all, saved, run_mask, pending;
	bool pipe_was_pending;
	struct exec_io io;
	char **envp;
	pid_t pid;

	if (!res)
		return -EINVAL;
	exec_result_init(res);
	if (res->out == exec_empty || res->err == exec_empty)
		return -ENOMEM;
	rc = exec_validate(cmd);
	if (rc < 0)
		return rc;
	if (deadline_expired(cmd->deadline)) {
		/* Nothing would run to completion: do not start it. */
		res->timed_out = true;
		return -ETIMEDOUT;
	}

	envp = exec_build_env(cmd);
	if (!envp)
		return -ENOMEM;
	fd_max = exec_fd_limit();

	if (pipe2(p_out, O_CLOEXEC) < 0 || pipe2(p_err, O_CLOEXEC) < 0 ||
	    pipe2(p_exec, O_CLOEXEC) < 0) {
		rc = -errno;
		goto out;
	}
	if (cmd->stdin_data) {
		if (pipe2(p_in, O_CLOEXEC) < 0) {
			rc = -errno;
			goto out;
		}
		std_fd[0] = p_in[0];
	} else {
		devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (devnull < 0) {
			rc = -errno;
			goto out;
		}
		std_fd[0] = devnull;
	}
	std_fd[1] = p_out[1];
	std_fd[2] = p_err[1];

	/* The child's standard descriptors stay blocking (they are separate
	 * open files from the parent's ends): tools do not expect EAGAIN. */
	if ((rc = exec_set_nonblock(p_out[0])) < 0 ||
	    (rc = exec_set_nonblock(p_err[0])) < 0 ||
	    (p_in[1] >= 0 && (rc = exec_set_nonblock(p_in[1])) < 0))
		goto out;

	/* Block everything across fork: the child must not run a handler of
	 * the parent before it has reset them all. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &saved);
	sigpending(&pending);
	pipe_was_pending = sigismember(&pending, SIGPIPE) == 1;
	pid = fork();
	if (pid == 0)
		exec_child(cmd, envp, std_fd, p_exec[1], fd_max);
	e = errno;
	run_mask = saved;
	sigaddset(&run_mask, SIGPIPE);
	sigprocmask(SIG_SETMASK, &run_mask, NULL);
	if (pid < 0) {
		rc = -e;
		goto restore;
	}
	/* Also here, so the group exists before any kill(-pid) the parent
	 * may send, whichever of the two runs first. Fails harmlessly once
	 * the child has exec'd (it did it itself). */
	setpgid(pid, pid);
	res->pid = pid;

	exec_close(&p_out[1]);
	exec_close(&p_err[1]);
	exec_close(&p_in[0]);
	exec_close(&p_exec[1]);
	exec_close(&devnull);

	/* cap 1: the buffers are still the empty strings from
	 * exec_result_init(). */
	memset(&io, 0, sizeof(io));
	io.out = (struct exec_capture){ &res->out, &res->out_len, 1, p_out[0] };
	io.err = (struct exec_capture){ &res->err, &res->err_len, 1, p_err[0] };
	io.in_fd = p_in[1];
	io.in_data = cmd->stdin_data;
	io.in_len = cmd->stdin_len;
	/* The exec_capture owns the read ends from here on. */
	p_out[0] = p_err[0] = p_in[1] = -1;

	rc = exec_supervise(cmd, res, &io, p_exec[0]);
	res->truncated = io.truncated;
	exec_close(&io.out.fd);
	exec_close(&io.err.fd);
	exec_close(&io.in_fd);
	exec_drop_own_sigpipe(io.epipe, pipe_was_pending);
restore:
	sigprocmask(SIG_SETMASK, &saved, NULL);
out:
	exec_close(&p_out[0]);
	exec_close(&p_out[1]);
	exec_close(&p_err[0]);
	exec_close(&p_err[1]);
	exec_close(&p_in[0]);
	exec_close(&p_in[1]);
	exec_close(&p_exec[0]);
	exec_close(&p_exec[1]);
	exec_close(&devnull);
	free(envp);
	return rc;
}
