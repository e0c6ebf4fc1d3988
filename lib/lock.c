/* Serialisation through flock(2) on a file in the run directory.
 * See lock.h for the contract.
 *
 * The lock file is never unlinked: removing it would let a waiter lock the
 * old inode while a newcomer creates and locks a new one, and both would
 * believe they hold the lock. An empty file per lock name costs nothing. */
#include "config.h"
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Polling back-off: flock() has no timed wait, and a blocking flock() could
 * only be bounded with a timer signal, which library code must not own. */
#define LOCK_SLEEP_MIN_MS 1
#define LOCK_SLEEP_MAX_MS 50

/* mkdir -p for every directory above the last component of path. */
static int lock_make_parents(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	char *p;

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);

	/* Skip leading slashes: "/" itself always exists. */
	for (p = buf; *p == '/'; p++)
		;
	for (; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		/* 0700: only root's agents take these locks; an existing
		 * directory keeps the mode it was given. */
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
		while (p[1] == '/')
			p++;
	}
	return 0;
}

/* O_NOFOLLOW: a symlink planted in a shared directory must not make root
 * create or lock a file elsewhere. Returns the descriptor or -errno. */
static int lock_open(const char *path)
{
	int fd;

	do
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	while (fd < 0 && errno == EINTR);
	return fd < 0 ? -errno : fd;
}

int lock_acquire(struct lock *l, const char *path, struct deadline d)
{
	int64_t sleep_ms = LOCK_SLEEP_MIN_MS;
	int fd, rc;

	if (!l || !path || !*path)
		return -EINVAL;
	/* A second flock() through a new open file would wait on ourselves
	 * until the deadline; say so at once instead. */
	if (l->fd >= 0)
		return -EBUSY;

	/* The directories are made only when the open says they are missing:
	 * an agent's monitor takes a lock on every call, and they are there
	 * after the first. */
	fd = lock_open(path);
	if (fd == -ENOENT) {
		rc = lock_make_parents(path);
		if (rc < 0)
			return rc;
		fd = lock_open(path);
	}
	if (fd < 0)
		return fd;

	/* Try at least once, even with d already past: a free lock is taken. */
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			l->fd = fd;
			return 0;
		}
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			rc = -errno;
			break;
		}
		if (deadline_expired(d)) {
			rc = -ETIMEDOUT;
			break;
		}
		deadline_sleep_ms(d, sleep_ms);
		sleep_ms *= 2;
		if (sleep_ms > LOCK_SLEEP_MAX_MS)
			sleep_ms = LOCK_SLEEP_MAX_MS;
	}
	close(fd);
	return rc;
}

void lock_release(struct lock *l)
{
	if (!l || l->fd < 0)
		return;
	/* Unlock explicitly: a process forked since the lock was taken shares
	 * the open file, and close() alone would leave the lock held by it. */
	flock(l->fd, LOCK_UN);
	close(l->fd);
	l->fd = -1;
}
