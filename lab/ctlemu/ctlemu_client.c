/* EMULATION of FreeBSD CTL HA: the client side of ctlemud's unix socket,
 * and the hex and errno helpers both sides share. */
#include "config.h"
#include "ctlemu_client.h"
#include "ctlemu.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CALL_TIMEOUT_MS 5000

const char *ctlemu_socket_path(void)
{
	const char *p = getenv("CTLEMU_SOCKET");

	return p && p[0] == '/' ? p : CTLEMU_SOCKET_DEFAULT;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_fd(int fd, short ev, long until)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int rc;

	do {
		long left = until - now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		rc = poll(&p, 1, (int)left);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	return rc == 0 ? -ETIMEDOUT : 0;
}

int ctlemu_call(const char *req, char **resp, size_t max)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = ctlemu_socket_path();
	long until = now_ms() + CALL_TIMEOUT_MS;
	size_t len = strlen(req), off = 0, cap = 256;
	char *buf = NULL;
	int fd, rc;

	*resp = NULL;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = errno;
		close(fd);
		/* Nobody there: like a kernel without the ctl module. */
		return rc == ENOENT || rc == ECONNREFUSED ? -ENOENT : -rc;
	}
	while (off < len + 1) {
		const char *p = off < len ? req + off : "\n";
		size_t n = off < len ? len - off : 1;
		ssize_t w;

		if ((rc = wait_fd(fd, POLLOUT, until)) < 0)
			goto out;
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto out;
		}
		off += (size_t)w;
	}
	off = 0;
	buf = malloc(cap);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t r;

		if (off + 1 >= cap) {
			char *nb;

			if (cap > max + 1) {
				rc = -EPROTO;
				goto out;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				rc = -ENOMEM;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		if ((rc = wait_fd(fd, POLLIN, until)) < 0)
			goto out;
		r = recv(fd, buf + off, cap - off - 1, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto out;
		}
		if (r == 0)
			break;
		off += (size_t)r;
	}
	/* Exactly one line, newline-terminated, no NUL inside. */
	if (off == 0 || off > max + 1 || buf[off - 1] != '\n' || memchr(buf, '\0', off) ||
	    memchr(buf, '\n', off - 1)) {
		rc = -EPROTO;
		goto out;
	}
	buf[off - 1] = '\0';
	*resp = buf;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

char *ctlemu_hex(const void *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *b = p;
	char *s;

	if (n == 0)
		return strdup("-");
	s = malloc(2 * n + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[b[i] >> 4];
		s[2 * i + 1] = digits[b[i] & 15];
	}
	s[2 * n] = '\0';
	return s;
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ctlemu_unhex(const char *s, size_t slen, uint8_t *out, size_t max, size_t *n)
{
	if (slen == 1 && s[0] == '-') {
		*n = 0;
		return 0;
	}
	if (slen == 0 || slen % 2 != 0 || slen / 2 > max)
		return -EPROTO;
	for (size_t i = 0; i < slen / 2; i++) {
		int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EPROTO;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*n = slen / 2;
	return 0;
}

static const struct {
	const char *name;
	int num;
} errs[] = {
	{ "ENOENT", ENOENT }, { "EPERM", EPERM },   { "EINVAL", EINVAL },
	{ "ENOMEM", ENOMEM }, { "EPROTO", EPROTO }, { "EIO", EIO },
};

const char *ctlemu_errname(int err)
{
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (errs[i].num == err)
			return errs[i].name;
	return "EIO";
}

int ctlemu_errnum(const char *name)
{
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (strcmp(errs[i].name, name) == 0)
			return errs[i].num;
	return EIO;
}
