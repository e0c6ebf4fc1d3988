/* quorumd/watchdog.c: what is taken for a watchdog, and what a pet and a
 * disarm do. There is no watchdog device on this machine (no softdog), so
 * the device path is exercised with a regular file and a FIFO (allowed
 * only through allow_file, as the daemon allows them only for tests), and
 * the ioctl path with /dev/null, which must be refused as "not a
 * watchdog". */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check_tap.h"
#include "watchdog.h"

#define MIN_MS 4500
#define MAX_MS 5000

static char dir[] = "/tmp/th-watchdog.XXXXXX";
static char path[600];
static char why[512];

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/wd", dir);
	why[0] = '\0';
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
	strcpy(dir, "/tmp/th-watchdog.XXXXXX");
}

static void make_file(void)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	close(fd);
}

static const char *contents(void)
{
	static char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	return buf;
}

static void expect_refused(bool allow_file, int rc, const char *needle)
{
	struct watchdog *w = (struct watchdog *)&why; /* must be reset to NULL */

	ck_assert_int_eq(watchdog_open(path, MIN_MS, MAX_MS, allow_file, &w, why, sizeof(why)),
			 rc);
	ck_assert_ptr_null(w);
	ck_assert_msg(strstr(why, needle), "reason '%s' lacks '%s'", why, needle);
}

START_TEST(files_and_fifos_are_refused_without_the_test_switch)
{
	int reader;

	make_file();
	expect_refused(false, -ENOTTY, "a regular file, not a watchdog");
	ck_assert_str_eq(contents(), ""); /* nothing written */
	unlink(path);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	reader = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(reader, 0);
	expect_refused(false, -ENOTTY, "a FIFO, not a watchdog");
	close(reader);
}
END_TEST

START_TEST(a_character_device_that_is_no_watchdog_is_refused)
{
	struct watchdog *w;

	/* /dev/null takes any write: petting it would look fine forever. */
	ck_assert_int_eq(watchdog_open("/dev/null", MIN_MS, MAX_MS, true, &w, why, sizeof(why)),
			 -ENOTTY);
	ck_assert_ptr_null(w);
	ck_assert_msg(strstr(why, "/dev/null is not a watchdog device"), "reason '%s'", why);
}
END_TEST

START_TEST(missing_relative_and_odd_paths_are_refused)
{
	struct watchdog *w;

	expect_refused(true, -ENOENT, "No such file");
	snprintf(path, sizeof(path), "%s", "watchdog");
	expect_refused(true, -EINVAL, "absolute path");
	snprintf(path, sizeof(path), "%s", dir);
	ck_assert_int_lt(watchdog_open(path, MIN_MS, MAX_MS, true, &w, why, sizeof(why)), 0);
	ck_assert_ptr_null(w);
	snprintf(path, sizeof(path), "%s/wd", dir);
}
END_TEST

START_TEST(a_file_stands_in_when_allowed_pets_and_disarm_are_bytes)
{
	struct watchdog *w = NULL;

	make_file();
	ck_assert_msg(watchdog_open(path, MIN_MS, MAX_MS, true, &w, why, sizeof(why)) == 0, "%s",
		      why);
	ck_assert(watchdog_is_file(w));
	ck_assert_uint_eq(watchdog_timeout_ms(w), 0);
	ck_assert_int_eq(watchdog_pet(w), 0);
	ck_assert_int_eq(watchdog_pet(w), 0);
	ck_assert_int_eq(watchdog_pet(w), 0);
	ck_assert_str_eq(contents(), "...");
	ck_assert_int_eq(watchdog_close(w, true), 0);
	ck_assert_str_eq(contents(), "...V");
}
END_TEST

START_TEST(a_file_is_appended_to_not_overwritten)
{
	struct watchdog *w = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_eq(write(fd, "..V", 3), 3); /* a previous run */
	close(fd);
	ck_assert_int_eq(watchdog_open(path, MIN_MS, MAX_MS, true, &w, why, sizeof(why)), 0);
	ck_assert_int_eq(watchdog_pet(w), 0);
	ck_assert_int_eq(watchdog_close(w, false), 0);
	ck_assert_str_eq(contents(), "..V.");
}
END_TEST

START_TEST(closing_without_disarm_writes_no_v)
{
	struct watchdog *w = NULL;

	make_file();
	ck_assert_int_eq(watchdog_open(path, MIN_MS, MAX_MS, true, &w, why, sizeof(why)), 0);
	ck_assert_int_eq(watchdog_pet(w), 0);
	ck_assert_int_eq(watchdog_pet(w), 0);
	ck_assert_int_eq(watchdog_close(w, false), 0);
	ck_assert_str_eq(contents(), "..");
	ck_assert_int_eq(watchdog_close(NULL, true), 0);
}
END_TEST

START_TEST(a_fifo_stands_in_when_allowed)
{
	struct watchdog *w = NULL;
	char buf[16];
	int reader;

	ck_assert_int_eq(mkfifo(path, 0600), 0);
	/* No reader yet: refused at once, not hung. */
	expect_refused(true, -ENXIO, "a FIFO without a reader");
	reader = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(reader, 0);
	ck_assert_int_eq(watchdog_open(path, MIN_MS, MAX_MS, true, &w, why, sizeof(why)), 0);
	ck_assert_int_eq(watchdog_pet(w), 0);
	ck_assert_int_eq(watchdog_pet(w), 0);
	ck_assert_int_eq(read(reader, buf, sizeof(buf)), 2);
	ck_assert_int_eq(memcmp(buf, "..", 2), 0);
	ck_assert_int_eq(watchdog_close(w, true), 0);
	ck_assert_int_eq(read(reader, buf, sizeof(buf)), 1);
	ck_assert_int_eq(buf[0], 'V');
	close(reader);
}
END_TEST

START_TEST(a_full_fifo_makes_the_pet_fail_without_blocking)
{
	struct watchdog *w = NULL;
	int reader, rc = 0;
	long n;

	ck_assert_int_eq(mkfifo(path, 0600), 0);
	reader = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(reader, 0);
	ck_assert_int_eq(watchdog_open(path, MIN_MS, MAX_MS, true, &w, why, sizeof(why)), 0);
	for (n = 0; n < 4 * 1024 * 1024 && rc == 0; n++)
		rc = watchdog_pet(w);
	ck_assert_int_eq(rc, -EAGAIN);
	watchdog_close(w, false);
	close(reader);
}
END_TEST

START_TEST(the_descriptor_is_not_inherited_by_hooks)
{
	struct watchdog *w = NULL;
	char link[64], target[600];
	ssize_t n;
	int fd, flags = -1;

	make_file();
	ck_assert_int_eq(watchdog_open(path, MIN_MS, MAX_MS, true, &w, why, sizeof(why)), 0);
	/* Find our descriptor for path and check FD_CLOEXEC. */
	for (fd = 3; fd < 1024; fd++) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, path) == 0) {
			flags = fcntl(fd, F_GETFD);
			break;
		}
	}
	if (fd < 1024) /* /proc may be missing elsewhere */
		ck_assert(flags & FD_CLOEXEC);
	watchdog_close(w, false);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("watchdog");
	TCase *tc = tcase_create("watchdog");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, files_and_fifos_are_refused_without_the_test_switch);
	tcase_add_test(tc, a_character_device_that_is_no_watchdog_is_refused);
	tcase_add_test(tc, missing_relative_and_odd_paths_are_refused);
	tcase_add_test(tc, a_file_stands_in_when_allowed_pets_and_disarm_are_bytes);
	tcase_add_test(tc, a_file_is_appended_to_not_overwritten);
	tcase_add_test(tc, closing_without_disarm_writes_no_v);
	tcase_add_test(tc, a_fifo_stands_in_when_allowed);
	tcase_add_test(tc, a_full_fifo_makes_the_pet_fail_without_blocking);
	tcase_add_test(tc, the_descriptor_is_not_inherited_by_hooks);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
