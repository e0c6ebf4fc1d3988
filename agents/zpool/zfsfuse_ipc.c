/* ZFS_IOC_POOL_STATS over zfs-fuse's socket. See zfsfuse_ipc.h. */
#include "config.h"
#include "zfsfuse_ipc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum {
	IOCTL_REQ = 0,
	IOCTL_ANS = 1,
	COPYIN_REQ = 2,
	COPYOUT_REQ = 5,
};

/* The "addresses" this client hands the daemon: tags, never pointers. */
#define TAG_CMD 0x7a63000000001000ull     /* the zfs_cmd_t */
#define TAG_CONFIG 0x7a63000000002000ull  /* zc_nvlist_dst */

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

void zfsfuse_ioctl_request(uint8_t msg[ZFSFUSE_MSG_LEN], uint32_t ioctl, uint64_t arg,
			   uint32_t uid, uint32_t gid)
{
	memset(msg, 0, ZFSFUSE_MSG_LEN);
	put32(msg + 0, IOCTL_REQ);
	put32(msg + 8, ioctl);
	put64(msg + 16, arg);
	put32(msg + 24, uid);
	put32(msg + 28, gid);
}

static int send_all(int fd, const uint8_t *buf, size_t n, struct deadline d)
{
	size_t sent = 0;

	while (sent < n) {
		ssize_t w = send(fd, buf + sent, n - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
		int rc;

		if (w > 0) {
			sent += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return errno == EPIPE || errno == ECONNRESET ? -EPROTO : -errno;
		if ((rc = deadline_poll_fd(fd, POLLOUT, d)))
			return rc;
	}
	return 0;
}

/* Serves the daemon's requests for one POOL_STATS until its answer. The
 * order is fixed: one copy-in of the zfs_cmd_t; then, on success, the
 * configuration and the zfs_cmd_t copied out (in either order, once
 * each); then the answer. */
static int pool_stats_run(int fd, uint8_t *zc, struct deadline d, struct zfsfuse_pool_stats *st)
{
	uint8_t msg[ZFSFUSE_MSG_LEN];
	bool copied_in = false, cmd_out = false;
	int rc;

	zfsfuse_ioctl_request(msg, ZFSFUSE_IOC_POOL_STATS, TAG_CMD, (uint32_t)getuid(),
			      (uint32_t)getgid());
	if ((rc = send_all(fd, msg, sizeof(msg), d)))
		return rc;
	for (;;) {
		uint64_t ptr, size;

		if ((rc = deadline_recv_all(fd, msg, sizeof(msg), d)))
			return rc;
		ptr = get64(msg + 8);
		size = get64(msg + 16);
		switch (get32(msg)) {
		case COPYIN_REQ:
			if (copied_in || ptr != TAG_CMD || size != ZFSFUSE_ZFS_CMD_LEN)
				return -EPROTO;
			copied_in = true;
			if ((rc = send_all(fd, zc, ZFSFUSE_ZFS_CMD_LEN, d)))
				return rc;
			break;
		case COPYOUT_REQ:
			if (!copied_in)
				return -EPROTO;
			if (ptr == TAG_CMD) {
				if (cmd_out || size != ZFSFUSE_ZFS_CMD_LEN)
					return -EPROTO;
				cmd_out = true;
				if ((rc = deadline_recv_all(fd, zc, ZFSFUSE_ZFS_CMD_LEN, d)))
					return rc;
			} else if (ptr == TAG_CONFIG) {
				if (st->config || size == 0 || size > ZFSFUSE_CONFIG_MAX)
					return -EPROTO;
				if (!(st->config = malloc((size_t)size)))
					return -ENOMEM;
				st->config_len = (size_t)size;
				if ((rc = deadline_recv_all(fd, st->config, st->config_len, d)))
					return rc;
			} else {
				return -EPROTO;
			}
			break;
		case IOCTL_ANS:
			if (!copied_in)
				return -EPROTO;
			st->ret = (int32_t)get32(msg + 8);
			if (st->ret < 0)
				return -EPROTO;
			if (st->ret != 0) {
				/* A refusal hands nothing back (ENOMEM would have
				 * handed back the size it needs: not asked for). */
				free(st->config);
				st->config = NULL;
				st->config_len = 0;
				return 0;
			}
			if (!cmd_out || !st->config)
				return -EPROTO;
			return 0;
		default:
			return -EPROTO;
		}
	}
}

int zfsfuse_pool_stats_on(int fd, const char *pool, struct deadline d,
			  struct zfsfuse_pool_stats *st)
{
	size_t n = strlen(pool);
	uint8_t *zc;
	int rc;

	memset(st, 0, sizeof(*st));
	/* zc_name holds the name and its NUL, far below the daemon's limit. */
	if (n == 0 || n >= 256) {
		close(fd);
		return -EINVAL;
	}
	zc = calloc(1, ZFSFUSE_ZFS_CMD_LEN);
	if (!zc) {
		close(fd);
		return -ENOMEM;
	}
	memcpy(zc, pool, n);
	put64(zc + ZFSFUSE_ZC_NVLIST_DST, TAG_CONFIG);
	put64(zc + ZFSFUSE_ZC_NVLIST_DST_SIZE, ZFSFUSE_CONFIG_MAX);
	rc = pool_stats_run(fd, zc, d, st);
	/* The zfs_cmd_t that came back must be ours: the pool's name where
	 * zc_name is, the configuration's tag and exact size where the layout
	 * says. A daemon with another layout fails here. */
	if (rc == 0 && st->ret == 0 &&
	    (memcmp(zc, pool, n + 1) != 0 || get64(zc + ZFSFUSE_ZC_NVLIST_DST) != TAG_CONFIG ||
	     get64(zc + ZFSFUSE_ZC_NVLIST_DST_SIZE) != st->config_len))
		rc = -EPROTO;
	if (rc == 0 && st->ret == 0)
		st->cookie = get64(zc + ZFSFUSE_ZC_COOKIE);
	free(zc);
	close(fd);
	if (rc)
		zfsfuse_pool_stats_free(st);
	return rc;
}

int zfsfuse_pool_stats(const char *socket_path, const char *pool, struct deadline d,
		       struct zfsfuse_pool_stats *st)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, rc;

	memset(st, 0, sizeof(*st));
	/* Nothing is sent that could not be waited for. */
	if (deadline_expired(d))
		return -ETIMEDOUT;
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", socket_path) >=
	    sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	/* Non-blocking: a stopped daemon's full backlog makes connect()
	 * wait; here it is -EAGAIN at once. */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		close(fd);
		if (rc == -ENOENT || rc == -ECONNREFUSED)
			return -ENOTCONN;
		return rc == -EINPROGRESS || rc == -EWOULDBLOCK ? -EAGAIN : rc;
	}
	return zfsfuse_pool_stats_on(fd, pool, d, st);
}

void zfsfuse_pool_stats_free(struct zfsfuse_pool_stats *st)
{
	free(st->config);
	st->config = NULL;
	st->config_len = 0;
}
