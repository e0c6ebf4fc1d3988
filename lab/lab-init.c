/*
 * lab-init: PID 1 of one lab node (see lab/README.md).
 *
 * lab/node-boot prepares the node's private mounts and then execs this
 * program, which stays PID 1 of the node's PID namespace for the node's
 * whole life. Its only jobs:
 *
 *  - reap every child: daemons started in the node double-fork and are
 *    re-parented to us, and zombies must not pile up;
 *  - on SIGTERM or SIGINT, shut the node down cleanly: SIGTERM to every
 *    process of the namespace, up to SHUTDOWN_GRACE_MS for them to go,
 *    then SIGKILL for the rest, and exit 0.
 *
 * Power loss is not our business: the harness SIGKILLs us from the host,
 * and the kernel then kills the whole PID namespace at once.
 *
 * No signal handlers: the signals we care about stay blocked and are
 * taken synchronously with sigtimedwait(), so no work ever runs in
 * signal context. A blocked signal also reaches a namespace's init even
 * when it is sent from inside the namespace (the kernel drops only
 * unblocked signals with the default action there).
 *
 * Prints nothing except on errors (to stderr, the node's console.log).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SHUTDOWN_GRACE_MS 2000
#define POLL_MS 20

/* Reap every child that has exited; never blocks. */
static void reap_children(void)
{
	for (;;) {
		pid_t pid = waitpid(-1, NULL, WNOHANG);

		if (pid > 0)
			continue;
		if (pid < 0 && errno == EINTR)
			continue;
		return; /* 0: children left but none exited; -1/ECHILD: none */
	}
}

/* True while any process other than us is left in the PID namespace. */
static int others_alive(void)
{
	/* kill(-1, 0) from a namespace's init covers every other process of
	 * the namespace; ESRCH means there is none left. */
	return kill(-1, 0) == 0 || errno != ESRCH;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * SIGTERM everyone, wait up to SHUTDOWN_GRACE_MS while reaping, SIGKILL
 * whoever is left. Returns when the namespace is empty or the grace
 * period is over.
 */
static void shutdown_node(const sigset_t *set)
{
	const struct timespec tick = { 0, POLL_MS * 1000000L };
	long deadline = now_ms() + SHUTDOWN_GRACE_MS;

	if (kill(-1, SIGTERM) < 0 && errno != ESRCH)
		fprintf(stderr, "lab-init: kill(-1, SIGTERM): %s\n", strerror(errno));

	reap_children();
	while (others_alive() && now_ms() < deadline) {
		/* Wake up on SIGCHLD or after one tick, whichever is first. */
		(void)sigtimedwait(set, NULL, &tick);
		reap_children();
	}

	if (others_alive()) {
		if (kill(-1, SIGKILL) < 0 && errno != ESRCH)
			fprintf(stderr, "lab-init: kill(-1, SIGKILL): %s\n", strerror(errno));
		reap_children();
	}
}

int main(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
		fprintf(stderr, "lab-init: sigprocmask: %s\n", strerror(errno));
		return 1;
	}

	if (getpid() != 1)
		fprintf(stderr, "lab-init: warning: running as pid %ld, not 1\n",
			(long)getpid());

	/* Children inherited from node-boot, if any, may already be gone. */
	reap_children();

	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);

		if (sig < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "lab-init: sigwaitinfo: %s\n", strerror(errno));
			return 1;
		}
		if (sig == SIGCHLD) {
			reap_children();
			continue;
		}
		/* SIGTERM or SIGINT: orderly shutdown. */
		shutdown_node(&set);
		return 0;
	}
}
