/* The target listing straight from tgtd's socket. See iscsi_tgt_ipc.h. */
#include "config.h"
#include "iscsi_tgt_ipc.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Far more than tgtd prints for thousands of LUNs (about 470 bytes each). */
#define TGT_IPC_MAX (16 * 1024 * 1024)

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

void tgt_ipc_show_request(uint8_t req[TGT_IPC_REQ_LEN])
{
	/* struct tgtadm_req: mode, op, lld[64], len, tid, sid, lun, cid,
	 * host_no, device_type, ac_dir, pack, force. */
	memset(req, 0, TGT_IPC_REQ_LEN);
	put32(req + 0, 1);                 /* MODE_TARGET */
	put32(req + 4, 2);                 /* OP_SHOW */
	put32(req + 72, TGT_IPC_REQ_LEN);  /* len: the request alone */
	put32(req + 76, UINT32_MAX);       /* tid -1: every target */
	put64(req + 88, UINT64_MAX);       /* lun: none */
}

long tgt_ipc_check_header(const uint8_t hdr[8], size_t max_len)
{
	uint32_t err, len;

	memcpy(&err, hdr, 4);
	memcpy(&len, hdr + 4, 4);
	if (err != 0 || len < 8 || len - 8 > max_len)
		return -EPROTO;
	return (long)(len - 8);
}

int tgt_ipc_show_on(struct tgt_ipc *q, int fd, struct deadline d)
{
	uint8_t req[TGT_IPC_REQ_LEN];
	size_t sent = 0;
	int rc;

	q->fd = fd;
	q->left = 0;
	q->d = d;
	tgt_ipc_show_request(req);
	while (sent < sizeof(req)) {
		ssize_t w = send(fd, req + sent, sizeof(req) - sent, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w > 0) {
			sent += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			rc = errno == EPIPE || errno == ECONNRESET ? -ENOTCONN : -errno;
			goto fail;
		}
		if ((rc = deadline_poll_fd(fd, POLLOUT, d)))
			goto fail;
	}
	return 0;
fail:
	tgt_ipc_close(q);
	return rc;
}

int tgt_ipc_show_header(struct tgt_ipc *q)
{
	uint8_t hdr[8];
	long text;
	int rc;

	if (q->fd < 0)
		return -EBADF;
	if ((rc = deadline_recv_all(q->fd, hdr, sizeof(hdr), q->d)))
		goto fail;
	text = tgt_ipc_check_header(hdr, TGT_IPC_MAX);
	if (text < 0) {
		rc = (int)text;
		goto fail;
	}
	q->left = (size_t)text;
	return 0;
fail:
	tgt_ipc_close(q);
	return rc;
}

int tgt_ipc_show_open(struct tgt_ipc *q, unsigned port, struct deadline d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, rc;

	q->fd = -1;
	q->left = 0;
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s.%u", TGT_IPC_PATH, port) >=
	    sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A local connect either succeeds or fails at once. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		close(fd);
		return rc == -ENOENT || rc == -ECONNREFUSED ? -ENOTCONN : rc;
	}
	return tgt_ipc_show_on(q, fd, d);
}

ssize_t tgt_ipc_read(void *arg, char *buf, size_t len)
{
	struct tgt_ipc *q = arg;

	if (q->fd < 0)
		return -EBADF;
	for (;;) {
		ssize_t r;
		int rc;

		if (q->left == 0 || len == 0)
			return 0;
		r = recv(q->fd, buf, len < q->left ? len : q->left, MSG_DONTWAIT);
		if (r > 0) {
			q->left -= (size_t)r;
			/* tgtd counts the string's NUL; tgtadm prints up to it.
			 * A NUL anywhere else is the parser's to refuse. */
			if (q->left == 0 && buf[r - 1] == '\0')
				r--;
			return r;
		}
		if (r == 0)
			return -EPROTO; /* tgtd closed early */
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		if ((rc = deadline_poll_fd(q->fd, POLLIN, q->d)))
			return rc;
	}
}

void tgt_ipc_close(struct tgt_ipc *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	q->left = 0;
}
