/* tgtd's management socket: the request is byte for byte what tgtadm
 * 1.0.85 sends for `--op show --mode target` (captured with strace), the
 * answer header is checked, and a thread on a socketpair stands in for tgtd:
 * the listing streams through the parser in pieces of any size, tgtd's
 * final NUL is dropped, and an early close, a refusal, a NUL inside the
 * text and silence are errors. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../check_tap.h"
#include "iscsi_tgt_ipc.h"
#include "iscsi_tgt_show.h"

START_TEST(request_matches_tgtadm)
{
	/* strace -xx tgtadm --op show --mode target (x86-64, little-endian). */
	static const uint8_t captured[TGT_IPC_REQ_LEN] = {
		[0] = 0x01, [4] = 0x02, [72] = 0x78,
		[76] = 0xff, [77] = 0xff, [78] = 0xff, [79] = 0xff,
		[88] = 0xff, [89] = 0xff, [90] = 0xff, [91] = 0xff,
		[92] = 0xff, [93] = 0xff, [94] = 0xff, [95] = 0xff,
	};
	uint8_t req[TGT_IPC_REQ_LEN];
	uint32_t one = 1;

	if (*(uint8_t *)&one != 1)
		return; /* the capture is little-endian */
	tgt_ipc_show_request(req);
	ck_assert_mem_eq(req, captured, sizeof(req));
}
END_TEST

START_TEST(header_checks)
{
	uint8_t h[8] = { 0 };
	uint32_t v;

	v = 8 + 100;
	memcpy(h + 4, &v, 4);
	ck_assert_int_eq(tgt_ipc_check_header(h, 1000), 100);
	ck_assert_int_eq(tgt_ipc_check_header(h, 99), -EPROTO);
	v = 7;
	memcpy(h + 4, &v, 4);
	ck_assert_int_eq(tgt_ipc_check_header(h, 1000), -EPROTO);
	v = 8;
	memcpy(h + 4, &v, 4);
	ck_assert_int_eq(tgt_ipc_check_header(h, 1000), 0);
	v = 22; /* TGTADM error */
	memcpy(h, &v, 4);
	ck_assert_int_eq(tgt_ipc_check_header(h, 1000), -EPROTO);
}
END_TEST

START_TEST(no_daemon_is_not_connected)
{
	struct tgt_ipc q;

	/* Nobody runs a tgtd on control port 65001 in a unit test. */
	ck_assert_int_eq(tgt_ipc_show_open(&q, 65001, deadline_in_ms(1000)), -ENOTCONN);
	ck_assert_int_eq(q.fd, -1);
	tgt_ipc_close(&q);
}
END_TEST

/* A stand-in for tgtd on the other end of a socketpair: reads the request,
 * then writes the answer in pieces of chunk bytes (0: all at once), then
 * stays silent for linger_ms before closing. */
struct fake_tgtd {
	int fd;
	const uint8_t *answer;
	size_t len;
	size_t chunk;
	int linger_ms;
	uint8_t request[TGT_IPC_REQ_LEN];
	ssize_t request_len;
};

static void *fake_tgtd_run(void *arg)
{
	struct fake_tgtd *f = arg;
	size_t off = 0;

	f->request_len = recv(f->fd, f->request, sizeof(f->request), MSG_WAITALL);
	while (off < f->len) {
		size_t n = f->chunk && f->chunk < f->len - off ? f->chunk : f->len - off;
		ssize_t w = send(f->fd, f->answer + off, n, MSG_NOSIGNAL);

		if (w <= 0)
			break;
		off += (size_t)w;
		if (f->chunk)
			usleep(200);
	}
	if (f->linger_ms)
		usleep((useconds_t)f->linger_ms * 1000);
	close(f->fd);
	return NULL;
}

static const char listing[] =
	"Target 1: iqn.2024-01.org.example:t1\n"
	"    System information:\n"
	"        Driver: iscsi\n"
	"        State: ready\n"
	"    I_T nexus information:\n"
	"    LUN information:\n"
	"        LUN: 0\n"
	"            Type: controller\n"
	"            SCSI ID: IET     00010000\n"
	"            SCSI SN: beaf10\n"
	"            Size: 0 MB, Block size: 1\n"
	"            Online: Yes\n"
	"            Removable media: No\n"
	"            Prevent removal: No\n"
	"            Readonly: No\n"
	"            SWP: No\n"
	"            Thin-provisioning: No\n"
	"            Backing store type: null\n"
	"            Backing store path: None\n"
	"            Backing store flags: \n"
	"    Account information:\n"
	"    ACL information:\n"
	"        ALL\n";

/* header {err, len} + text (+ the NUL tgtd counts), as tgtd sends it. */
static uint8_t *answer_of(const char *text, size_t text_len, bool nul, uint32_t err,
			  size_t *len)
{
	uint32_t total = (uint32_t)(8 + text_len + (nul ? 1 : 0));
	uint8_t *a = calloc(1, total);

	memcpy(a, &err, 4);
	memcpy(a + 4, &total, 4);
	memcpy(a + 8, text, text_len);
	*len = total;
	return a;
}

static char why[256];

/* Runs one query against a fake tgtd; returns the parse result. */
static int query(struct fake_tgtd *f, int deadline_ms, struct tgt_show *show)
{
	struct tgt_ipc q;
	pthread_t th;
	int sv[2], rc;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	f->fd = sv[1];
	ck_assert_int_eq(pthread_create(&th, NULL, fake_tgtd_run, f), 0);
	why[0] = '\0';
	rc = tgt_ipc_show_on(&q, sv[0], deadline_in_ms(deadline_ms));
	if (rc == 0)
		rc = tgt_ipc_show_header(&q);
	if (rc == 0) {
		rc = tgt_show_parse_stream(tgt_ipc_read, &q, q.left, show, why, sizeof(why));
		tgt_ipc_close(&q);
	}
	pthread_join(th, NULL);
	return rc;
}

START_TEST(listing_streams_in_pieces)
{
	static const size_t chunks[] = { 0, 1, 7, 100, 4096 };

	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		struct fake_tgtd f = { .chunk = chunks[i] };
		struct tgt_show show;
		uint8_t want[TGT_IPC_REQ_LEN];

		f.answer = answer_of(listing, strlen(listing), true, 0, &f.len);
		ck_assert_msg(query(&f, 5000, &show) == 0, "chunk %zu: %s", chunks[i], why);
		ck_assert_uint_eq(show.n_targets, 1);
		ck_assert_str_eq(show.targets[0].name, "iqn.2024-01.org.example:t1");
		ck_assert_str_eq(show.targets[0].luns[0].path, "None");
		ck_assert_str_eq(show.targets[0].acl[0], "ALL");
		tgt_show_free(&show);
		tgt_ipc_show_request(want);
		ck_assert_int_eq(f.request_len, TGT_IPC_REQ_LEN);
		ck_assert_mem_eq(f.request, want, sizeof(want));
		free((void *)f.answer);
	}
}
END_TEST

START_TEST(listing_without_its_nul_is_fine)
{
	struct fake_tgtd f = { 0 };
	struct tgt_show show;

	f.answer = answer_of(listing, strlen(listing), false, 0, &f.len);
	ck_assert_int_eq(query(&f, 5000, &show), 0);
	tgt_show_free(&show);
	free((void *)f.answer);
}
END_TEST

START_TEST(empty_listing_is_no_target)
{
	struct fake_tgtd f = { 0 };
	struct tgt_show show;

	f.answer = answer_of("", 0, true, 0, &f.len);
	ck_assert_int_eq(query(&f, 5000, &show), 0);
	ck_assert_uint_eq(show.n_targets, 0);
	tgt_show_free(&show);
	free((void *)f.answer);
}
END_TEST

START_TEST(nul_inside_the_listing_is_refused)
{
	char text[sizeof(listing)];
	struct fake_tgtd f = { 0 };
	struct tgt_show show;

	memcpy(text, listing, sizeof(listing));
	text[40] = '\0';
	f.answer = answer_of(text, strlen(listing), true, 0, &f.len);
	ck_assert_int_eq(query(&f, 5000, &show), -EPROTO);
	ck_assert_msg(strstr(why, "control character 0x00"), "why: %s", why);
	ck_assert_uint_eq(show.n_targets, 0);
	free((void *)f.answer);
}
END_TEST

START_TEST(early_close_is_a_protocol_error)
{
	struct fake_tgtd f = { 0 };
	struct tgt_show show;
	size_t full;

	/* The header promises the whole listing; half of it arrives. */
	f.answer = answer_of(listing, strlen(listing), true, 0, &full);
	f.len = full / 2;
	ck_assert_int_eq(query(&f, 5000, &show), -EPROTO);
	ck_assert_uint_eq(show.n_targets, 0);
	/* Closed within the header. */
	f.len = 5;
	ck_assert_int_eq(query(&f, 5000, &show), -EPROTO);
	free((void *)f.answer);
}
END_TEST

START_TEST(refusal_header_is_a_protocol_error)
{
	struct fake_tgtd f = { 0 };
	struct tgt_show show;

	f.answer = answer_of(listing, strlen(listing), true, 22, &f.len);
	ck_assert_int_eq(query(&f, 5000, &show), -EPROTO);
	free((void *)f.answer);
}
END_TEST

START_TEST(silence_ends_at_the_deadline)
{
	struct fake_tgtd f = { 0 };
	struct tgt_show show;
	int64_t t0 = deadline_now_ms(), took;

	/* Header and half the text, then silence for longer than the
	 * deadline. */
	f.answer = answer_of(listing, strlen(listing), true, 0, &f.len);
	f.len = f.len / 2;
	f.linger_ms = 1500;
	ck_assert_int_eq(query(&f, 300, &show), -ETIMEDOUT);
	took = deadline_now_ms() - t0;
	/* The reader gave up at 300 ms; the join waited for the fake. */
	ck_assert_int_ge(took, 300);
	ck_assert_uint_eq(show.n_targets, 0);
	free((void *)f.answer);
}
END_TEST

/* ---- the CHAP account request ---- */

/* strace of `tgtadm -C 0 --lld iscsi --mode account --op new --user host1
 * --password abcdefghijkl` (tgt 1.0.85, x86-64), as a fake tgtd received it. */
static const char account_capture_hex[] =
	"0700000000000000697363736900000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000099000000ffffffff0000000000000000ffffffffffffffff"
	"000000000000000000000000000000000000000000000000757365723d686f73"
	"74312c70617373776f72643d6162636465666768696a6b6c00";

struct fake_account {
	int fd;
	uint8_t got[512];
	ssize_t got_len;
	uint32_t err;     /* the answer's error */
	bool hang_up;     /* close without answering */
	int silent_ms;    /* wait this long before answering */
};

static void *fake_account_run(void *arg)
{
	struct fake_account *f = arg;
	uint8_t hdr[8];
	uint32_t len = 8;

	f->got_len = 0;
	/* The request is 153 bytes: read until the NUL that ends the body. */
	while (f->got_len < (ssize_t)sizeof(f->got)) {
		ssize_t r = recv(f->fd, f->got + f->got_len, sizeof(f->got) - (size_t)f->got_len, 0);

		if (r <= 0)
			break;
		f->got_len += r;
		if (f->got_len > TGT_IPC_REQ_LEN && f->got[f->got_len - 1] == '\0')
			break;
	}
	if (f->silent_ms)
		usleep((useconds_t)f->silent_ms * 1000);
	if (!f->hang_up) {
		memcpy(hdr, &f->err, 4);
		memcpy(hdr + 4, &len, 4);
		send(f->fd, hdr, sizeof(hdr), MSG_NOSIGNAL);
	}
	close(f->fd);
	return NULL;
}

static int account_new(struct fake_account *f, const char *user, const char *secret,
		       int deadline_ms, uint32_t *err)
{
	pthread_t th;
	int sv[2], rc;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	f->fd = sv[1];
	ck_assert_int_eq(pthread_create(&th, NULL, fake_account_run, f), 0);
	rc = tgt_ipc_account_new_on(sv[0], user, secret, deadline_in_ms(deadline_ms), err);
	pthread_join(th, NULL);
	return rc;
}

START_TEST(account_request_matches_tgtadm)
{
	struct fake_account f = { 0 };
	uint8_t want[sizeof(account_capture_hex) / 2];
	uint32_t one = 1, err = 99;

	if (*(uint8_t *)&one != 1)
		return; /* the capture is little-endian */
	for (size_t i = 0; i < sizeof(want); i++)
		sscanf(account_capture_hex + 2 * i, "%2hhx", &want[i]);
	ck_assert_int_eq(account_new(&f, "host1", "abcdefghijkl", 5000, &err), 0);
	ck_assert_uint_eq(err, 0);
	ck_assert_int_eq(f.got_len, (ssize_t)sizeof(want));
	ck_assert_mem_eq(f.got, want, sizeof(want));
}
END_TEST

START_TEST(account_that_exists_is_eexist)
{
	struct fake_account f = { .err = TGT_IPC_ERR_USER_EXIST };
	uint32_t err;

	ck_assert_int_eq(account_new(&f, "host1", "abcdefghijkl", 5000, &err), -EEXIST);
	ck_assert_uint_eq(err, 12);
}
END_TEST

START_TEST(account_refused_otherwise_is_eio)
{
	struct fake_account f = { .err = 15 }; /* TGTADM_INVALID_REQUEST */
	uint32_t err;

	ck_assert_int_eq(account_new(&f, "host1", "abcdefghijkl", 5000, &err), -EIO);
	ck_assert_uint_eq(err, 15);
}
END_TEST

START_TEST(account_hang_up_is_a_protocol_error)
{
	struct fake_account f = { .hang_up = true };

	ck_assert_int_eq(account_new(&f, "host1", "abcdefghijkl", 5000, NULL), -EPROTO);
}
END_TEST

START_TEST(account_silence_ends_at_the_deadline)
{
	struct fake_account f = { .silent_ms = 1500 };

	ck_assert_int_eq(account_new(&f, "host1", "abcdefghijkl", 200, NULL), -ETIMEDOUT);
}
END_TEST

START_TEST(account_comma_is_refused_before_sending)
{
	int sv[2];

	/* tgtd splits the body at ',': "pass,word" would create another
	 * secret than the file holds. */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(tgt_ipc_account_new_on(sv[0], "host1", "abc,defghijkl",
						 deadline_in_ms(1000), NULL),
			 -EINVAL);
	close(sv[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tgt_ipc");
	TCase *tc = tcase_create("ipc");

	tcase_add_test(tc, request_matches_tgtadm);
	tcase_add_test(tc, header_checks);
	tcase_add_test(tc, no_daemon_is_not_connected);
	tcase_add_test(tc, listing_streams_in_pieces);
	tcase_add_test(tc, listing_without_its_nul_is_fine);
	tcase_add_test(tc, empty_listing_is_no_target);
	tcase_add_test(tc, nul_inside_the_listing_is_refused);
	tcase_add_test(tc, early_close_is_a_protocol_error);
	tcase_add_test(tc, refusal_header_is_a_protocol_error);
	tcase_add_test(tc, silence_ends_at_the_deadline);
	tcase_add_test(tc, account_request_matches_tgtadm);
	tcase_add_test(tc, account_that_exists_is_eexist);
	tcase_add_test(tc, account_refused_otherwise_is_eio);
	tcase_add_test(tc, account_hang_up_is_a_protocol_error);
	tcase_add_test(tc, account_silence_ends_at_the_deadline);
	tcase_add_test(tc, account_comma_is_refused_before_sending);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
