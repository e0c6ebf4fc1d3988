/* The watchdog device: open, arm, pet, disarm. Read watchdog.h first. */
#include "config.h"
#include "watchdog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os.h"
#include "why.h"

struct watchdog {
	int fd;
	bool file;           /* a test's file or FIFO, not a device */
	uint32_t timeout_ms; /* the device's; 0 for a file */
};

static const char *kind(mode_t m)
{
	return S_ISREG(m) ? "a regular file" : S_ISFIFO(m) ? "a FIFO" : S_ISDIR(m) ? "a directory"
	       : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "not a device";
}

static int write_byte(int fd, char c)
{
	for (;;) {
		ssize_t n = write(fd, &c, 1);

		if (n == 1)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? -errno : -EIO;
	}
}

int watchdog_open(const char *path, uint32_t min_ms, uint32_t max_ms, bool allow_file,
		  struct watchdog **out, char *why, size_t whylen)
{
	struct watchdog *w;
	struct stat st;
	uint32_t t = max_ms;
	int fd, rc;

	*out = NULL;
	if (!path || path[0] != '/')
		return th_why(why, whylen, -EINVAL, "watchdog device '%s': not an absolute path",
			    path ? path : "");
	/* O_NONBLOCK: a FIFO without a reader fails (ENXIO) instead of
	 * hanging; a device does not care. O_CLOEXEC: no hook may inherit
	 * it (a child holding it open would keep it from being closed). */
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return th_why(why, whylen, -errno, "cannot open the watchdog device %s: %s", path,
			    errno == ENXIO ? "a FIFO without a reader" : strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return th_why(why, whylen, rc, "watchdog device %s: %s", path, strerror(-rc));
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		close(fd);
		return th_why(why, whylen, -ENOMEM, "out of memory");
	}
	w->fd = fd;

	if (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode)) {
		if (!allow_file) {
			close(fd);
			free(w);
			return th_why(why, whylen, -ENOTTY,
				    "watchdog device %s is %s, not a watchdog: nothing would reset "
				    "this head", path, kind(st.st_mode));
		}
		if (S_ISREG(st.st_mode) && fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK) < 0) {
			rc = -errno;
			close(fd);
			free(w);
			return th_why(why, whylen, rc, "watchdog file %s: %s", path, strerror(-rc));
		}
		w->file = true;
		*out = w;
		return 0;
	}
	if (!S_ISCHR(st.st_mode)) {
		close(fd);
		free(w);
		return th_why(why, whylen, -ENOTTY, "watchdog device %s is %s, not a watchdog", path,
			    kind(st.st_mode));
	}

	rc = os_watchdog_arm(fd, &t);
	if (rc == -ENOTTY) {
		close(fd); /* nothing was sent to it: not a watchdog */
		free(w);
		return th_why(why, whylen, rc, "%s is not a watchdog device (it refuses the "
			    "watchdog ioctls)", path);
	}
	if (rc == 0 && (t > max_ms || t < min_ms))
		rc = -ERANGE;
	if (rc < 0) {
		/* It may be counting now: stop it before letting go. */
		int drc = os_watchdog_disarm(fd);

		close(fd);
		free(w);
		if (rc == -ERANGE)
			return th_why(why, whylen, rc, "watchdog %s runs with a timeout of %u ms; "
				    "it must be from %u to %u ms%s", path, t, min_ms, max_ms,
				    drc < 0 ? " (and it could not be stopped)" : "");
		if (rc == -EOPNOTSUPP)
			return th_why(why, whylen, rc, "watchdog %s cannot be used: its driver lacks "
				    "magic close (it would stop when a crashed daemon's descriptor "
				    "is closed) or cannot run with a timeout of at most %u ms", path,
				    max_ms);
		return th_why(why, whylen, rc, "cannot set the timeout of watchdog %s to %u ms: "
			    "%s%s", path, max_ms, strerror(-rc),
			    drc < 0 ? " (and it could not be stopped)" : "");
	}
	w->timeout_ms = t;
	*out = w;
	return 0;
}

int watchdog_pet(struct watchdog *w)
{
	if (w->file)
		return write_byte(w->fd, '.');
	return os_watchdog_pet(w->fd, w->timeout_ms);
}

uint32_t watchdog_timeout_ms(const struct watchdog *w)
{
	return w->timeout_ms;
}

bool watchdog_is_file(const struct watchdog *w)
{
	return w->file;
}

int watchdog_close(struct watchdog *w, bool disarm)
{
	int rc = 0;

	if (!w)
		return 0;
	if (disarm)
		rc = w->file ? write_byte(w->fd, 'V') : os_watchdog_disarm(w->fd);
	close(w->fd);
	free(w);
	return rc;
}
