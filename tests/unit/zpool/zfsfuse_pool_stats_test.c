/* zfsfuse_pool_stats: the request is byte for byte what zpool (zfs-fuse
 * 0.7.0) sends for ZFS_IOC_POOL_STATS (captured with strace, the argument
 * address aside), and a thread on a socketpair stands in for the daemon:
 * the exchange zpool has with it works; a refusal, an open error, every
 * message out of order or out of bounds, an echo that does not match, an
 * early close and silence are errors, within the deadline. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../check_tap.h"
#include "tank_config.h"
#include "zfsfuse_ipc.h"

START_TEST(request_matches_zpool)
{
	/* strace -xx zpool list -H -o name,health,guid tank, as root. */
	static const uint8_t captured[ZFSFUSE_MSG_LEN] = {
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x05, 0x5a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0xe0, 0xbe, 0xa2, 0xf5, 0xfc, 0x7f, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	uint8_t msg[ZFSFUSE_MSG_LEN];
	uint32_t one = 1;

	if (*(uint8_t *)&one != 1)
		return; /* the capture is little-endian */
	zfsfuse_ioctl_request(msg, ZFSFUSE_IOC_POOL_STATS, 0x00007ffcf5a2bee0ull, 0, 0);
	ck_assert_mem_eq(msg, captured, sizeof(msg));
}
END_TEST

/* What the fake daemon does. */
enum fake_step {
	F_NORMAL,          /* copy-in, config out, command out, answer 0 */
	F_CMD_FIRST,       /* the command copied out before the config */
	F_ENOENT,          /* copy-in, answer ENOENT */
	F_COOKIE,          /* as normal, zc_cookie 6 (ENXIO) */
	F_COPYIN_SIZE,     /* asks for a copy-in of another size */
	F_COPYIN_TWICE,
	F_FOREIGN_PTR,     /* a copy-out to an address never handed out */
	F_CONFIG_HUGE,     /* a copy-out larger than advertised */
	F_NO_CONFIG,       /* answer 0 without the config */
	F_ECHO_SIZE,       /* the command's dst size not the config's */
	F_ECHO_NAME,       /* the command names another pool */
	F_GETF,            /* a message type this client does not serve */
	F_CLOSE_EARLY,     /* closes after the copy-in */
	F_SILENT,          /* reads the request, then says nothing */
	F_ANSWER_FIRST,    /* answers before asking for the command */
};

struct fake {
	int fd;
	enum fake_step step;
	uint8_t request[ZFSFUSE_MSG_LEN];
	uint8_t zc[ZFSFUSE_ZFS_CMD_LEN];
};

static void msg_send(int fd, uint32_t type, uint64_t a, uint64_t b)
{
	uint8_t m[ZFSFUSE_MSG_LEN] = { 0 };

	memcpy(m, &type, 4);
	memcpy(m + 8, &a, 8);
	memcpy(m + 16, &b, 8);
	(void)!send(fd, m, sizeof(m), MSG_NOSIGNAL);
}

static void answer(int fd, int32_t ret)
{
	uint8_t m[ZFSFUSE_MSG_LEN] = { 1 };

	memcpy(m + 8, &ret, 4);
	(void)!send(fd, m, sizeof(m), MSG_NOSIGNAL);
}

static void *fake_run(void *arg)
{
	struct fake *f = arg;
	uint64_t ptr, dst, size = sizeof(tank_config), cookie = 6;

	if (recv(f->fd, f->request, sizeof(f->request), MSG_WAITALL) != ZFSFUSE_MSG_LEN)
		goto out;
	memcpy(&ptr, f->request + 16, 8);
	if (f->step == F_SILENT) {
		usleep(1500 * 1000);
		goto out;
	}
	if (f->step == F_ANSWER_FIRST) {
		answer(f->fd, 0);
		goto out;
	}
	msg_send(f->fd, 2, ptr, f->step == F_COPYIN_SIZE ? 17720 : ZFSFUSE_ZFS_CMD_LEN);
	if (f->step == F_COPYIN_SIZE)
		goto out;
	if (recv(f->fd, f->zc, sizeof(f->zc), MSG_WAITALL) != ZFSFUSE_ZFS_CMD_LEN)
		goto out;
	memcpy(&dst, f->zc + ZFSFUSE_ZC_NVLIST_DST, 8);
	switch (f->step) {
	case F_CLOSE_EARLY:
		goto out;
	case F_COPYIN_TWICE:
		msg_send(f->fd, 2, ptr, ZFSFUSE_ZFS_CMD_LEN);
		goto out;
	case F_ENOENT:
		answer(f->fd, ENOENT);
		goto out;
	case F_GETF:
		msg_send(f->fd, 7, 3, 0);
		goto out;
	case F_FOREIGN_PTR:
		msg_send(f->fd, 5, 0x5555, 16);
		goto out;
	case F_CONFIG_HUGE:
		msg_send(f->fd, 5, dst, ZFSFUSE_CONFIG_MAX + 1);
		goto out;
	default:
		break;
	}
	/* What the daemon writes back into the command. */
	if (f->step == F_ECHO_SIZE)
		size++;
	memcpy(f->zc + ZFSFUSE_ZC_NVLIST_DST_SIZE, &size, 8);
	if (f->step == F_COOKIE)
		memcpy(f->zc + ZFSFUSE_ZC_COOKIE, &cookie, 8);
	if (f->step == F_ECHO_NAME)
		f->zc[0] = 'T';
	if (f->step == F_CMD_FIRST) {
		msg_send(f->fd, 5, ptr, ZFSFUSE_ZFS_CMD_LEN);
		(void)!send(f->fd, f->zc, sizeof(f->zc), MSG_NOSIGNAL);
	}
	if (f->step != F_NO_CONFIG) {
		msg_send(f->fd, 5, dst, sizeof(tank_config));
		(void)!send(f->fd, tank_config, sizeof(tank_config), MSG_NOSIGNAL);
	}
	if (f->step != F_CMD_FIRST) {
		msg_send(f->fd, 5, ptr, ZFSFUSE_ZFS_CMD_LEN);
		(void)!send(f->fd, f->zc, sizeof(f->zc), MSG_NOSIGNAL);
	}
	answer(f->fd, 0);
out:
	close(f->fd);
	return NULL;
}

static struct fake fake;

static int query(enum fake_step step, int deadline_ms, struct zfsfuse_pool_stats *st)
{
	pthread_t th;
	int sv[2], rc;

	memset(&fake, 0, sizeof(fake));
	fake.step = step;
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fake.fd = sv[1];
	ck_assert_int_eq(pthread_create(&th, NULL, fake_run, &fake), 0);
	rc = zfsfuse_pool_stats_on(sv[0], "tank", deadline_in_ms(deadline_ms), st);
	pthread_join(th, NULL);
	return rc;
}

START_TEST(exchange_like_zpool_works)
{
	static const enum fake_step steps[] = { F_NORMAL, F_CMD_FIRST };

	for (size_t i = 0; i < 2; i++) {
		struct zfsfuse_pool_stats st;
		uint32_t ioctl;

		ck_assert_int_eq(query(steps[i], 5000, &st), 0);
		ck_assert_int_eq(st.ret, 0);
		ck_assert(st.cookie == 0);
		ck_assert_uint_eq(st.config_len, sizeof(tank_config));
		ck_assert_mem_eq(st.config, tank_config, sizeof(tank_config));
		zfsfuse_pool_stats_free(&st);
		/* The request named POOL_STATS, the command named the pool. */
		memcpy(&ioctl, fake.request + 8, 4);
		ck_assert_uint_eq(ioctl, ZFSFUSE_IOC_POOL_STATS);
		ck_assert_str_eq((const char *)fake.zc, "tank");
	}
}
END_TEST

START_TEST(refusal_and_open_error_are_answers)
{
	struct zfsfuse_pool_stats st;

	ck_assert_int_eq(query(F_ENOENT, 5000, &st), 0);
	ck_assert_int_eq(st.ret, ENOENT);
	ck_assert_ptr_null(st.config);
	ck_assert_int_eq(query(F_COOKIE, 5000, &st), 0);
	ck_assert_int_eq(st.ret, 0);
	ck_assert(st.cookie == 6);
	zfsfuse_pool_stats_free(&st);
}
END_TEST

START_TEST(protocol_surprises_are_errors)
{
	static const enum fake_step steps[] = {
		F_COPYIN_SIZE, F_COPYIN_TWICE, F_FOREIGN_PTR, F_CONFIG_HUGE, F_NO_CONFIG,
		F_ECHO_SIZE, F_ECHO_NAME, F_GETF, F_CLOSE_EARLY, F_ANSWER_FIRST,
	};

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct zfsfuse_pool_stats st;

		ck_assert_msg(query(steps[i], 5000, &st) == -EPROTO, "step %d accepted", steps[i]);
		ck_assert_ptr_null(st.config);
	}
}
END_TEST

START_TEST(silence_ends_at_the_deadline)
{
	struct zfsfuse_pool_stats st;
	int64_t t0 = deadline_now_ms();

	ck_assert_int_eq(query(F_SILENT, 300, &st), -ETIMEDOUT);
	ck_assert_int_ge(deadline_now_ms() - t0, 300);
}
END_TEST

START_TEST(no_daemon_is_not_connected)
{
	struct zfsfuse_pool_stats st;

	ck_assert_int_eq(zfsfuse_pool_stats("/nonexistent/zfs_socket", "tank",
					    deadline_in_ms(1000), &st),
			 -ENOTCONN);
}
END_TEST

START_TEST(bad_pool_names_are_not_sent)
{
	struct zfsfuse_pool_stats st;
	char longname[300];
	int sv[2];

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(zfsfuse_pool_stats_on(sv[0], longname, deadline_in_ms(1000), &st),
			 -EINVAL);
	close(sv[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("zfsfuse_pool_stats");
	TCase *tc = tcase_create("ipc");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, request_matches_zpool);
	tcase_add_test(tc, exchange_like_zpool_works);
	tcase_add_test(tc, refusal_and_open_error_are_answers);
	tcase_add_test(tc, protocol_surprises_are_errors);
	tcase_add_test(tc, silence_ends_at_the_deadline);
	tcase_add_test(tc, no_daemon_is_not_connected);
	tcase_add_test(tc, bad_pool_names_are_not_sent);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
