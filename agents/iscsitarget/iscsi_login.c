/* The minimal iSCSI login of monitor depth 10. See iscsi_login.h. */
#include "config.h"
#include "iscsi_login.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define OP_LOGIN_REQ 0x03
#define OP_LOGIN_RSP 0x23
#define OP_REJECT 0x3f
#define OP_IMMEDIATE 0x40
#define FLAG_TRANSIT 0x80
#define STAGE_SECURITY 0
#define STAGE_OPERATIONAL 1

static void put_be24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int put_key(uint8_t *buf, size_t buflen, size_t *off, const char *key, const char *val)
{
	int n = snprintf((char *)buf + *off, buflen - *off, "%s=%s", key, val);

	/* The NUL that snprintf writes is the key=value terminator. */
	if (n < 0 || (size_t)n + 1 > buflen - *off)
		return -ENOSPC;
	*off += (size_t)n + 1;
	return 0;
}

int iscsi_login_encode(const struct iscsi_login_req *req, uint8_t *buf, size_t buflen)
{
	size_t off = ISCSI_BHS_LEN, data;
	int rc;

	if (!req->initiator || !*req->initiator || strlen(req->initiator) > 223 ||
	    !req->target || !*req->target || strlen(req->target) > 223)
		return -EINVAL;
	if (buflen < ISCSI_BHS_LEN)
		return -ENOSPC;
	memset(buf, 0, buflen);
	if ((rc = put_key(buf, buflen, &off, "InitiatorName", req->initiator)) ||
	    (rc = put_key(buf, buflen, &off, "SessionType", "Normal")) ||
	    (rc = put_key(buf, buflen, &off, "TargetName", req->target)) ||
	    (rc = put_key(buf, buflen, &off, "AuthMethod", "None")))
		return rc;
	data = off - ISCSI_BHS_LEN;
	while (off % 4)
		if (off < buflen)
			buf[off++] = 0;
		else
			return -ENOSPC;

	buf[0] = OP_IMMEDIATE | OP_LOGIN_REQ;
	buf[1] = FLAG_TRANSIT | STAGE_SECURITY << 2 | STAGE_OPERATIONAL;
	buf[2] = 0x00; /* Version-max */
	buf[3] = 0x00; /* Version-min */
	buf[4] = 0;    /* TotalAHSLength */
	put_be24(buf + 5, (uint32_t)data);
	memcpy(buf + 8, req->isid, 6);
	/* TSIH 0: a new session. */
	put_be32(buf + 16, req->itt);
	/* CID 0, CmdSN 0, ExpStatSN 0. */
	return (int)off;
}

int iscsi_login_decode(const uint8_t bhs[ISCSI_BHS_LEN], const struct iscsi_login_req *req,
		       struct iscsi_login_rsp *rsp)
{
	uint8_t op = bhs[0] & 0x3f;

	if (op == OP_REJECT)
		return -EBADMSG;
	if (op != OP_LOGIN_RSP || (bhs[0] & 0xc0) != 0)
		return -EPROTO;
	if (get_be32(bhs + 16) != req->itt || bhs[36] > 3)
		return -EPROTO;
	/* A successful response echoes the ISID (RFC 7143 11.13.3); tgtd
	 * leaves it zero in refusals, so only success is held to it. */
	if (bhs[36] == 0 && memcmp(bhs + 8, req->isid, 6) != 0)
		return -EPROTO;
	rsp->status_class = bhs[36];
	rsp->status_detail = bhs[37];
	rsp->data_len = (uint32_t)bhs[5] << 16 | (uint32_t)bhs[6] << 8 | bhs[7];
	return 0;
}

const char *iscsi_login_status_name(uint8_t cls, uint8_t detail, char buf[16])
{
	static const struct {
		uint8_t cls, detail;
		const char *name;
	} names[] = {
		{ 0, 0, "success" },
		{ 1, 1, "target moved temporarily" },
		{ 1, 2, "target moved permanently" },
		{ 2, 0, "initiator error" },
		{ 2, 1, "authentication failed" },
		{ 2, 2, "authorization failure" },
		{ 2, 3, "target not found (or initiator not allowed)" },
		{ 2, 4, "target removed" },
		{ 2, 5, "unsupported version" },
		{ 2, 6, "too many connections" },
		{ 2, 7, "missing parameter" },
		{ 2, 8, "cannot include in session" },
		{ 2, 9, "session type not supported" },
		{ 2, 10, "session does not exist" },
		{ 2, 11, "invalid request during login" },
		{ 3, 0, "target error" },
		{ 3, 1, "service unavailable" },
		{ 3, 2, "out of resources" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].cls == cls && names[i].detail == detail)
			return names[i].name;
	snprintf(buf, 16, "status 0x%02x%02x", cls, detail);
	return buf;
}

int iscsi_login_probe(const struct netaddr *addr, unsigned port,
		      const struct iscsi_login_req *req, struct deadline d,
		      struct iscsi_login_rsp *rsp)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	uint8_t pdu[1024], bhs[ISCSI_BHS_LEN];
	size_t sent = 0, got = 0;
	int len, fd, rc, one = 1;

	len = iscsi_login_encode(req, pdu, sizeof(pdu));
	if (len < 0)
		return len;
	memset(&ss, 0, sizeof(ss));
	if (addr->family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		s4->sin_addr = addr->u.v4;
		sslen = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		s6->sin6_addr = addr->u.v6;
		sslen = sizeof(*s6);
	}
	fd = socket(addr->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&ss, sslen) < 0) {
		int err = 0;
		socklen_t elen = sizeof(err);

		if (errno != EINPROGRESS) {
			rc = -errno;
			goto out;
		}
		if ((rc = deadline_poll_fd(fd, POLLOUT, d)))
			goto out;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			err = errno;
		if (err) {
			rc = -err;
			goto out;
		}
	}
	while (sent < (size_t)len) {
		ssize_t n = send(fd, pdu + sent, (size_t)len - sent, MSG_NOSIGNAL);

		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			rc = -errno;
			goto out;
		}
		if ((rc = deadline_poll_fd(fd, POLLOUT, d)))
			goto out;
	}
	while (got < sizeof(bhs)) {
		ssize_t n = recv(fd, bhs + got, sizeof(bhs) - got, 0);

		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (n == 0) {
			rc = -ECONNRESET;
			goto out;
		}
		if (errno != EAGAIN && errno != EINTR) {
			rc = -errno;
			goto out;
		}
		if ((rc = deadline_poll_fd(fd, POLLIN, d)))
			goto out;
	}
	rc = iscsi_login_decode(bhs, req, rsp);
out:
	close(fd);
	return rc;
}
