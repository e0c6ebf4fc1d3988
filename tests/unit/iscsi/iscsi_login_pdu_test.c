/* The depth-10 login: the Login Request's bytes (RFC 7143 11.12), the
 * checks on the Login Response (11.13), and a probe against a local
 * listener that answers with a canned response. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../check_tap.h"
#include "iscsi_login.h"

static const struct iscsi_login_req req = {
	.initiator = "iqn.2024-01.org.twinhead:monitor",
	.target = "iqn.2024-01.com.example:tank",
	.isid = { 0x80, 0x01, 0x02, 0x03, 0x04, 0x05 },
	.itt = 0x11223344,
};

START_TEST(request_bytes)
{
	static const char data[] = "InitiatorName=iqn.2024-01.org.twinhead:monitor\0"
				   "SessionType=Normal\0"
				   "TargetName=iqn.2024-01.com.example:tank\0"
				   "AuthMethod=None";
	uint8_t buf[512];
	size_t dlen = sizeof(data); /* the final NUL is the last key's */
	int n = iscsi_login_encode(&req, buf, sizeof(buf));

	ck_assert_int_eq(n, (int)(48 + ((dlen + 3) & ~3u)));
	ck_assert_uint_eq(buf[0], 0x43);     /* immediate, Login Request */
	ck_assert_uint_eq(buf[1], 0x81);     /* T, CSG 0, NSG 1 */
	ck_assert_uint_eq(buf[2], 0);
	ck_assert_uint_eq(buf[3], 0);
	ck_assert_uint_eq(buf[4], 0);
	ck_assert_uint_eq((unsigned)buf[5] << 16 | buf[6] << 8 | buf[7], dlen);
	ck_assert_mem_eq(buf + 8, req.isid, 6);
	ck_assert_uint_eq(buf[14] | buf[15], 0); /* TSIH 0 */
	ck_assert_uint_eq(buf[16], 0x11);
	ck_assert_uint_eq(buf[19], 0x44);
	for (int i = 20; i < 48; i++)
		ck_assert_uint_eq(buf[i], 0);
	ck_assert_mem_eq(buf + 48, data, dlen);
	for (int i = 48 + (int)dlen; i < n; i++)
		ck_assert_uint_eq(buf[i], 0);
}
END_TEST

START_TEST(request_refuses_bad_names_and_small_buffers)
{
	struct iscsi_login_req r = req;
	uint8_t buf[512];

	r.target = "";
	ck_assert_int_eq(iscsi_login_encode(&r, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(iscsi_login_encode(&req, buf, 100), -ENOSPC);
}
END_TEST

static void response(uint8_t bhs[48], uint8_t cls, uint8_t detail)
{
	memset(bhs, 0, 48);
	bhs[0] = 0x23;
	memcpy(bhs + 8, req.isid, 6);
	bhs[16] = 0x11, bhs[17] = 0x22, bhs[18] = 0x33, bhs[19] = 0x44;
	bhs[36] = cls;
	bhs[37] = detail;
}

START_TEST(response_checks)
{
	struct iscsi_login_rsp rsp;
	uint8_t bhs[48];
	char buf[16];

	response(bhs, 2, 3);
	ck_assert_int_eq(iscsi_login_decode(bhs, &req, &rsp), 0);
	ck_assert_uint_eq(rsp.status_class, 2);
	ck_assert_uint_eq(rsp.status_detail, 3);
	ck_assert_str_eq(iscsi_login_status_name(2, 1, buf), "authentication failed");
	ck_assert_str_eq(iscsi_login_status_name(3, 1, buf), "service unavailable");
	ck_assert_str_eq(iscsi_login_status_name(2, 0x42, buf), "status 0x0242");
	bhs[19] = 0x45; /* another ITT */
	ck_assert_int_eq(iscsi_login_decode(bhs, &req, &rsp), -EPROTO);
	response(bhs, 0, 0);
	bhs[9] ^= 1; /* another ISID in a success */
	ck_assert_int_eq(iscsi_login_decode(bhs, &req, &rsp), -EPROTO);
	/* tgtd's refusals carry a zero ISID (captured from tgt 1.0.85). */
	response(bhs, 2, 3);
	memset(bhs + 8, 0, 6);
	ck_assert_int_eq(iscsi_login_decode(bhs, &req, &rsp), 0);
	ck_assert_uint_eq(rsp.status_detail, 3);
	response(bhs, 4, 0); /* no such status class */
	ck_assert_int_eq(iscsi_login_decode(bhs, &req, &rsp), -EPROTO);
	response(bhs, 0, 0);
	bhs[0] = 0x21; /* SCSI response */
	ck_assert_int_eq(iscsi_login_decode(bhs, &req, &rsp), -EPROTO);
	bhs[0] = 0x3f; /* Reject */
	ck_assert_int_eq(iscsi_login_decode(bhs, &req, &rsp), -EBADMSG);
}
END_TEST

struct server {
	int fd;
	int mode; /* 0 answer, 1 close at once, 2 stay silent */
};

static void *serve(void *arg)
{
	struct server *s = arg;
	int c = accept(s->fd, NULL, NULL);
	uint8_t in[48], bhs[48];

	if (c < 0)
		return NULL;
	if (s->mode == 0 && recv(c, in, sizeof(in), MSG_WAITALL) == 48) {
		response(bhs, 2, 1);
		memcpy(bhs + 8, in + 8, 6);
		memcpy(bhs + 16, in + 16, 4);
		send(c, bhs, sizeof(bhs), 0);
	}
	if (s->mode == 2)
		usleep(600 * 1000);
	close(c);
	return NULL;
}

static int probe_with(int mode, int64_t ms, struct iscsi_login_rsp *rsp)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	struct server s = { .mode = mode };
	struct netaddr a = { .family = AF_INET };
	pthread_t th;
	int rc;

	s.fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(s.fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(s.fd, 1), 0);
	ck_assert_int_eq(getsockname(s.fd, (struct sockaddr *)&sa, &len), 0);
	pthread_create(&th, NULL, serve, &s);
	a.u.v4.s_addr = htonl(INADDR_LOOPBACK);
	rc = iscsi_login_probe(&a, ntohs(sa.sin_port), &req, deadline_in_ms(ms), rsp);
	pthread_join(th, NULL);
	close(s.fd);
	return rc;
}

START_TEST(probe_reads_the_answer)
{
	struct iscsi_login_rsp rsp;

	ck_assert_int_eq(probe_with(0, 2000, &rsp), 0);
	ck_assert_uint_eq(rsp.status_class, 2);
	ck_assert_uint_eq(rsp.status_detail, 1);
}
END_TEST

START_TEST(probe_reports_a_closed_connection_and_silence)
{
	struct iscsi_login_rsp rsp;
	int64_t t0;

	ck_assert_int_eq(probe_with(1, 2000, &rsp), -ECONNRESET);
	t0 = deadline_now_ms();
	ck_assert_int_eq(probe_with(2, 200, &rsp), -ETIMEDOUT);
	ck_assert_int_lt(deadline_now_ms() - t0, 1000);
}
END_TEST

START_TEST(probe_reports_refused_connections)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	struct netaddr a = { .family = AF_INET };
	struct iscsi_login_rsp rsp;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port;

	/* A port that was just free: nobody listens there. */
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	a.u.v4.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(iscsi_login_probe(&a, port, &req, deadline_in_ms(1000), &rsp),
			 -ECONNREFUSED);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("iscsi_login");
	TCase *tc = tcase_create("login");

	tcase_add_test(tc, request_bytes);
	tcase_add_test(tc, request_refuses_bad_names_and_small_buffers);
	tcase_add_test(tc, response_checks);
	tcase_add_test(tc, probe_reads_the_answer);
	tcase_add_test(tc, probe_reports_a_closed_connection_and_silence);
	tcase_add_test(tc, probe_reports_refused_connections);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
