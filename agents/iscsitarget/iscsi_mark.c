/* CHAP account marks. See iscsi_mark.h.
 *
 * A mark is one line: 32 hex digits of salt, a blank, 64 hex digits of
 * SHA-256(salt || secret), a newline. The salt keeps two marks of the same
 * secret from looking alike; the file is root's alone anyway. */
#include "config.h"
#include "iscsi_mark.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sha256.h"

#define SALT_LEN 16
#define MARK_LEN (2 * SALT_LEN + 1 + 2 * SHA256_DIGEST_LEN + 1)

int iscsi_mark_path(char *buf, size_t len, const char *rundir, const char *scope,
		    const char *user)
{
	int n = snprintf(buf, len, "%s/iscsitarget/%s/account-%s", rundir, scope, user);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static void fingerprint(const uint8_t salt[SALT_LEN], const char *secret,
			char out[2 * SHA256_DIGEST_LEN + 1])
{
	uint8_t d[SHA256_DIGEST_LEN];
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, salt, SALT_LEN);
	sha256_update(&s, secret, strlen(secret));
	sha256_final(&s, d);
	hex_encode(d, sizeof(d), out);
}

/* mkdir -p of path's parent directories, 0700. */
static int make_parents(const char *path)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

int iscsi_mark_write(const char *path, const char *secret)
{
	uint8_t salt[SALT_LEN];
	char line[MARK_LEN + 1], fp[2 * SHA256_DIGEST_LEN + 1], salthex[2 * SALT_LEN + 1];
	char tmp[4096];
	size_t off = 0;
	int fd, rc;

	if (getrandom(salt, sizeof(salt), 0) != (ssize_t)sizeof(salt))
		return -EIO;
	fingerprint(salt, secret, fp);
	hex_encode(salt, sizeof(salt), salthex);
	snprintf(line, sizeof(line), "%s %s\n", salthex, fp);
	if ((rc = make_parents(path)))
		return rc;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (off < MARK_LEN) {
		ssize_t n = write(fd, line + off, MARK_LEN - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			close(fd);
			unlink(tmp);
			return rc;
		}
		off += (size_t)n;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		rc = -errno;
		unlink(tmp);
		return rc;
	}
	return 0;
}

int iscsi_mark_check(const char *path, const char *secret)
{
	char line[MARK_LEN + 2], fp[2 * SHA256_DIGEST_LEN + 1];
	uint8_t salt[SALT_LEN];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, line, sizeof(line));
	close(fd);
	if (n != MARK_LEN || line[2 * SALT_LEN] != ' ' || line[MARK_LEN - 1] != '\n')
		return -EPROTO;
	for (size_t i = 0; i < SALT_LEN; i++) {
		unsigned v;

		if (sscanf(line + 2 * i, "%2x", &v) != 1)
			return -EPROTO;
		salt[i] = (uint8_t)v;
	}
	if (!secret)
		return 0;
	fingerprint(salt, secret, fp);
	return memcmp(fp, line + 2 * SALT_LEN + 1, 2 * SHA256_DIGEST_LEN) == 0 ? 0 : -EKEYREJECTED;
}

int iscsi_mark_remove(const char *path)
{
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}
