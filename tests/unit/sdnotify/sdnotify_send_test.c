/* sdnotify_send and sdnotify_watchdog_usec against real AF_UNIX datagram
 * sockets, as systemd's NOTIFY_SOCKET is: a path and an abstract name. */
#include "config.h"
#include "sdnotify.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../check_tap.h"

/* A bound datagram socket standing in for systemd; name as NOTIFY_SOCKET
 * gives it ("/tmp/..." or "@..."). */
static int listener(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	else
		unlink(name);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
					  (name[0] == '/' ? 1 : 0))), 0);
	return fd;
}

static void expect_datagram(int fd, const char *want)
{
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, want);
}

START_TEST(sends_to_a_path_socket)
{
	char path[64], env[80];
	int fd;

	snprintf(path, sizeof(path), "/tmp/sdnotify-test.%ld", (long)getpid());
	snprintf(env, sizeof(env), "NOTIFY_SOCKET=%s", path);
	fd = listener(path);
	{
		char *envp[] = { env, NULL };

		ck_assert_int_eq(sdnotify_send(envp, "READY=1\nSTATUS=role primary"), 1);
	}
	expect_datagram(fd, "READY=1\nSTATUS=role primary");
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(sends_to_an_abstract_socket)
{
	char name[64], env[80];
	int fd;

	snprintf(name, sizeof(name), "@sdnotify-test/%ld", (long)getpid());
	snprintf(env, sizeof(env), "NOTIFY_SOCKET=%s", name);
	fd = listener(name);
	{
		char *envp[] = { "OTHER=1", env, NULL };

		ck_assert_int_eq(sdnotify_send(envp, "WATCHDOG=1"), 1);
	}
	expect_datagram(fd, "WATCHDOG=1");
	close(fd);
}
END_TEST

START_TEST(no_socket_is_a_no_op)
{
	char *none[] = { "PATH=/bin", NULL };
	char *empty[] = { "NOTIFY_SOCKET=", NULL };

	ck_assert_int_eq(sdnotify_send(none, "READY=1"), 0);
	ck_assert_int_eq(sdnotify_send(empty, "READY=1"), 0);
}
END_TEST

START_TEST(bad_names_are_refused)
{
	char longname[160] = "NOTIFY_SOCKET=/";
	char *relative[] = { "NOTIFY_SOCKET=run/notify", NULL };
	char *toolong[] = { longname, NULL };

	memset(longname + strlen(longname), 'x', 130);
	ck_assert_int_eq(sdnotify_send(relative, "READY=1"), -EINVAL);
	ck_assert_int_eq(sdnotify_send(toolong, "READY=1"), -EINVAL);
}
END_TEST

START_TEST(nobody_listening_is_an_error_not_a_wait)
{
	char *envp[] = { "NOTIFY_SOCKET=/nonexistent/twinhead-notify", NULL };

	ck_assert_int_eq(sdnotify_send(envp, "READY=1"), -ENOENT);
}
END_TEST

START_TEST(watchdog_usec_for_this_process_only)
{
	char pid[40];
	char *mine[] = { "WATCHDOG_USEC=30000000", pid, NULL };
	char *other[] = { "WATCHDOG_USEC=30000000", "WATCHDOG_PID=1", NULL };
	char *nopid[] = { "WATCHDOG_USEC=5000000", NULL };
	char *bad[] = { "WATCHDOG_USEC=5s", NULL };
	char *zero[] = { "WATCHDOG_USEC=0", NULL };
	char *none[] = { NULL };

	snprintf(pid, sizeof(pid), "WATCHDOG_PID=%ld", (long)getpid());
	ck_assert_uint_eq(sdnotify_watchdog_usec(mine), 30000000);
	ck_assert_uint_eq(sdnotify_watchdog_usec(nopid), 5000000);
	ck_assert_uint_eq(sdnotify_watchdog_usec(other), 0);
	ck_assert_uint_eq(sdnotify_watchdog_usec(bad), 0);
	ck_assert_uint_eq(sdnotify_watchdog_usec(zero), 0);
	ck_assert_uint_eq(sdnotify_watchdog_usec(none), 0);
}
END_TEST

static Suite *sdnotify_suite(void)
{
	Suite *s = suite_create("sdnotify");
	TCase *tc = tcase_create("sdnotify");

	tcase_add_test(tc, sends_to_a_path_socket);
	tcase_add_test(tc, sends_to_an_abstract_socket);
	tcase_add_test(tc, no_socket_is_a_no_op);
	tcase_add_test(tc, bad_names_are_refused);
	tcase_add_test(tc, nobody_listening_is_an_error_not_a_wait);
	tcase_add_test(tc, watchdog_usec_for_this_process_only);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_tap_run(sdnotify_suite());
}
