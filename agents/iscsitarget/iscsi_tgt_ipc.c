/* tgtd's management socket: the target listing and the CHAP account
 * request. See iscsi_tgt_ipc.h. */
#include "config.h"
#include "iscsi_tgt_ipc.h"
#include "iscsi_secret.h"

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

void tgt_ipc_request_header(uint8_t req[TGT_IPC_REQ_LEN], uint32_t mode, uint32_t op,
			    size_t body_len)
{
	memset(req, 0, TGT_IPC_REQ_LEN);
	put32(req + 0, mode);
	put32(req + 4, op);
	memcpy(req + 8, "iscsi", 5);
	put32(req + 72, (uint32_t)(TGT_IPC_REQ_LEN + body_len));
	put32(req + 76, UINT32_MAX);
	put64(req + 88, UINT64_MAX);
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

/* Sends len bytes of buf on fd until d. A peer that closed is -ENOTCONN. */
static int send_all(int fd, const uint8_t *buf, size_t len, struct deadline d)
{
	size_t sent = 0;
	int rc;

	while (sent < len) {
		ssize_t w = send(fd, buf + sent, len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w > 0) {
			sent += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return errno == EPIPE || errno == ECONNRESET ? -ENOTCONN : -errno;
		if ((rc = deadline_poll_fd(fd, POLLOUT, d)))
			return rc;
	}
	return 0;
}

int tgt_ipc_show_on(struct tgt_ipc *q, int fd, struct deadline d)
{
	uint8_t req[TGT_IPC_REQ_LEN];
	int rc;

	q->fd = fd;
	q->left = 0;
	q->d = d;
	tgt_ipc_show_request(req);
	if ((rc = send_all(fd, req, sizeof(req), d)))
		tgt_ipc_close(q);
	return rc;
}

/* The body of an account request: "user=U,password=P" and its NUL, as
 * tgtadm writes it. */
#define TGT_IPC_ACCOUNT_BODY_MAX 128

int tgt_ipc_account_new_on(int fd, const char *user, const char *secret, struct deadline d,
			   uint32_t *tgt_err)
{
	uint8_t msg[TGT_IPC_REQ_LEN + TGT_IPC_ACCOUNT_BODY_MAX], hdr[8];
	uint32_t err, len;
	int n, rc;

	if (tgt_err)
		*tgt_err = 0;
	if (strchr(user, ',') || strchr(secret, ',')) {
		close(fd);
		return -EINVAL;
	}
	n = snprintf((char *)msg + TGT_IPC_REQ_LEN, TGT_IPC_ACCOUNT_BODY_MAX,
		     "user=%s,password=%s", user, secret);
	if (n < 0 || n >= TGT_IPC_ACCOUNT_BODY_MAX) {
		rc = -EINVAL;
		goto out;
	}
	tgt_ipc_request_header(msg, TGT_IPC_MODE_ACCOUNT, TGT_IPC_OP_NEW, (size_t)n + 1);
	rc = send_all(fd, msg, TGT_IPC_REQ_LEN + (size_t)n + 1, d);
	if (rc == 0)
		rc = deadline_recv_all(fd, hdr, sizeof(hdr), d);
	if (rc == -ECONNRESET || rc == -EPIPE)
		rc = -EPROTO;
	if (rc)
		goto out;
	memcpy(&err, hdr, 4);
	memcpy(&len, hdr + 4, 4);
	if (err != 0) {
		if (tgt_err)
			*tgt_err = err;
		rc = err == TGT_IPC_ERR_USER_EXIST ? -EEXIST : -EIO;
	} else if (len != 8) {
		rc = -EPROTO; /* a new account has nothing to say */
	}
out:
	iscsi_secret_wipe(msg, sizeof(msg));
	close(fd);
	return rc;
}

/* A connected socket to tgtd's control port, or -errno (-ENOTCONN when
 * nobody listens there). */
static int tgt_ipc_connect(unsigned port)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, rc;

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
	return fd;
}

int tgt_ipc_account_new(unsigned port, const char *user, const char *secret, struct deadline d,
			uint32_t *tgt_err)
{
	int fd = tgt_ipc_connect(port);

	if (tgt_err)
		*tgt_err = 0;
	if (fd < 0)
		return fd;
	return tgt_ipc_account_new_on(fd, user, secret, d, tgt_err);
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
	int fd;

	q->fd = -1;
	q->left = 0;
	fd = tgt_ipc_connect(port);
	if (fd < 0)
		return fd;
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
