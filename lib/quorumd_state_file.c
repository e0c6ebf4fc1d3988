/* Reading twinhead-quorumd's published state file: one reader for every
 * agent that acts on it (zpool's force=fenced, fence_twinhead's reuse).
 * Returns 0 / -errno, never logs; why says what went wrong. */
#include "config.h"
#include "quorumd_state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int quorumd_state_load(const char *path, struct quorumd_state *out, char *why, size_t whylen)
{
	char buf[QUORUMD_STATE_MAX + 1], perr[128];
	struct stat st;
	ssize_t n;
	int fd, rc;

	/* Not following a symbolic link: the file is quorumd's, in its own
	 * directory; anything else there is not its word. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ENOENT)
			snprintf(why, whylen, "no quorumd state (%.120s): quorumd not running", path);
		else
			snprintf(why, whylen, "cannot read %.120s: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(why, whylen, "%.120s is not a regular file", path);
		return -EINVAL;
	}
	n = read(fd, buf, sizeof(buf));
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc < 0) {
		snprintf(why, whylen, "cannot read %.120s: %s", path, strerror(-rc));
		return rc;
	}
	rc = quorumd_state_parse(buf, (size_t)n, out, perr, sizeof(perr));
	if (rc < 0)
		snprintf(why, whylen, "quorumd state %.120s rejected: %s", path, perr);
	return rc;
}
