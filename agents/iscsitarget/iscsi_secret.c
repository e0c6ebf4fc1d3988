/* Reading the CHAP secret file. See iscsi_secret.h. */
#include "config.h"
#include "iscsi_secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iscsi_conf.h"

void iscsi_secret_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

int iscsi_secret_read(const char *path, char *buf, size_t buflen, char *why, size_t whylen)
{
	char raw[ISCSI_SECRET_MAX + 4];
	struct stat st;
	ssize_t got;
	size_t len = 0;
	int fd, rc = 0;

	if (buflen < ISCSI_SECRET_MAX + 1)
		return -EINVAL;
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ENOENT)
			snprintf(why, whylen, "secret_file %s does not exist on this node", path);
		else if (rc == -ELOOP)
			snprintf(why, whylen,
				 "secret_file %s is a symbolic link: point secret_file at the file "
				 "itself",
				 path);
		else
			snprintf(why, whylen, "cannot open secret_file %s: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		snprintf(why, whylen, "cannot stat secret_file %s: %s", path, strerror(-rc));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "secret_file %s is not a regular file", path);
		rc = -EINVAL;
		goto out;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(why, whylen, "secret_file %s belongs to uid %u: chown root %s", path,
			 (unsigned)st.st_uid, path);
		rc = -EPERM;
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(why, whylen,
			 "secret_file %s is accessible to group or others (mode %04o): chmod 600 %s",
			 path, (unsigned)(st.st_mode & 07777), path);
		rc = -EPERM;
		goto out;
	}
	do {
		got = read(fd, raw + len, sizeof(raw) - len);
		if (got > 0)
			len += (size_t)got;
	} while ((got > 0 && len < sizeof(raw)) || (got < 0 && errno == EINTR));
	if (got < 0) {
		rc = -errno;
		snprintf(why, whylen, "cannot read secret_file %s: %s", path, strerror(-rc));
		goto out;
	}
	if (len > 0 && raw[len - 1] == '\n')
		len--;
	if (len > 0 && raw[len - 1] == '\r')
		len--;
	{
		char reason[240];

		if (len > ISCSI_SECRET_MAX || iscsi_secret_check(raw, len, reason, sizeof(reason)) < 0) {
			if (len > ISCSI_SECRET_MAX)
				snprintf(reason, sizeof(reason),
					 "the CHAP secret is longer than %d characters "
					 "(or the file holds more than one line)",
					 ISCSI_SECRET_MAX);
			snprintf(why, whylen, "secret_file %s: %s", path, reason);
			rc = -EINVAL;
			goto out;
		}
	}
	memcpy(buf, raw, len);
	buf[len] = '\0';
out:
	iscsi_secret_wipe(raw, sizeof(raw));
	close(fd);
	if (rc)
		iscsi_secret_wipe(buf, buflen);
	return rc;
}
