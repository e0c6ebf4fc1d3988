/* The quorum disk I/O's deadline against a wall-clock step: the wait for
 * a slow read must end at its deadline even when CLOCK_REALTIME jumps.
 * Emulated: pread is wrapped (-Wl,--wrap=pread) to take 3 s, and
 * clock_gettime (-Wl,--wrap=clock_gettime) reports CLOCK_REALTIME one hour
 * ahead, as after a step, to the code under test. A condvar waiting on the
 * wall clock would then sleep an hour (Check's timeout fails the test);
 * on CLOCK_MONOTONIC it returns -ETIMEDOUT at the deadline. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../check_tap.h"
#include "qdisk_io.h"

ssize_t __real_pread(int fd, void *buf, size_t n, off_t off);
int __real_clock_gettime(clockid_t c, struct timespec *ts);

static volatile int slow_reads;
static volatile int realtime_step_s;

ssize_t __wrap_pread(int fd, void *buf, size_t n, off_t off);
ssize_t __wrap_pread(int fd, void *buf, size_t n, off_t off)
{
	if (slow_reads)
		sleep(3);
	return __real_pread(fd, buf, n, off);
}

int __wrap_clock_gettime(clockid_t c, struct timespec *ts);
int __wrap_clock_gettime(clockid_t c, struct timespec *ts)
{
	int rc = __real_clock_gettime(c, ts);

	if (rc == 0 && c == CLOCK_REALTIME)
		ts->tv_sec += realtime_step_s;
	return rc;
}

START_TEST(a_wall_clock_step_does_not_stretch_the_deadline)
{
	char path[] = "qdisk_io_test.XXXXXX", why[256];
	uint8_t rec[QD_RECORD_SIZE];
	struct qdisk *d;
	bool direct;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 1024 * 1024), 0);
	close(fd);
	ck_assert_int_eq(qdisk_open(path, true, &d, &direct, why, sizeof(why)), 0);
	unlink(path); /* open: nothing left behind, whatever fails below */
	ck_assert_int_eq(qdisk_read(d, 4096, 4096, rec, deadline_in_ms(2000)), 0);
	slow_reads = 1;
	realtime_step_s = 3600;
	ck_assert_int_eq(qdisk_read(d, 4096, 4096, rec, deadline_in_ms(200)), -ETIMEDOUT);
	realtime_step_s = 0;
	/* The read stuck "in the kernel" still runs: qdisk_close detaches. */
	qdisk_close(d);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("qdisk_io");
	TCase *tc = tcase_create("deadline");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, a_wall_clock_step_does_not_stretch_the_deadline);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
