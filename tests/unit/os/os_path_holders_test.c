/* os_path_holders(): the processes that keep a directory busy (open file,
 * working directory, memory mapping), as stop names them and export_force
 * stops them. Real child processes in a temporary directory. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../check_tap.h"
#include "os.h"

static char dir[64], sibling[80];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/th-holders.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* A directory whose name merely starts with dir's. */
	snprintf(sibling, sizeof(sibling), "%sx", dir);
	ck_assert_int_eq(mkdir(sibling, 0700), 0);
}

static void teardown(void)
{
	static const char *const files[] = { "file", "mine" };
	char path[128];

	for (unsigned i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/file", sibling);
	unlink(path);
	rmdir(sibling);
	rmdir(dir);
}

enum hold { HOLD_FD, HOLD_CWD, HOLD_MAP, HOLD_SIBLING };

/* A child that holds dir one way, named "holder-N", until killed. Returns
 * its pid once it holds. */
static pid_t holder(enum hold how)
{
	int ready[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(ready), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char path[128], name[16];
		int fd;

		snprintf(name, sizeof(name), "holder-%d", (int)how);
		prctl(PR_SET_NAME, name);
		snprintf(path, sizeof(path), "%s/file", how == HOLD_SIBLING ? sibling : dir);
		fd = open(path, O_RDWR | O_CREAT, 0600);
		if (fd < 0 || ftruncate(fd, 4096) < 0)
			_exit(1);
		if (how == HOLD_CWD) {
			close(fd);
			if (chdir(dir) < 0)
				_exit(1);
		} else if (how == HOLD_MAP) {
			if (mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
				_exit(1);
			close(fd);
		}
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static int find(const char *d, struct os_holder *h, size_t max)
{
	const char *dirs[] = { d };

	return os_path_holders(dirs, 1, h, max);
}

static bool has(const struct os_holder *h, int n, pid_t pid, const char *comm)
{
	for (int i = 0; i < n; i++)
		if (h[i].pid == pid)
			return strcmp(h[i].comm, comm) == 0;
	return false;
}

START_TEST(an_open_file_holds)
{
	struct os_holder h[8];
	pid_t pid = holder(HOLD_FD);
	int n = find(dir, h, 8);

	ck_assert_int_eq(n, 1);
	ck_assert(has(h, n, pid, "holder-0"));
	reap(pid);
	ck_assert_int_eq(find(dir, h, 8), 0);
}
END_TEST

START_TEST(a_working_directory_holds)
{
	struct os_holder h[8];
	pid_t pid = holder(HOLD_CWD);
	int n = find(dir, h, 8);

	ck_assert(has(h, n, pid, "holder-1"));
	reap(pid);
}
END_TEST

START_TEST(a_mapping_holds)
{
	struct os_holder h[8];
	pid_t pid = holder(HOLD_MAP);
	int n = find(dir, h, 8);

	ck_assert(has(h, n, pid, "holder-2"));
	reap(pid);
}
END_TEST

START_TEST(a_name_prefix_does_not_hold)
{
	struct os_holder h[8];
	pid_t pid = holder(HOLD_SIBLING);

	ck_assert_int_eq(find(dir, h, 8), 0);
	ck_assert_int_eq(find(sibling, h, 8), 1);
	reap(pid);
}
END_TEST

START_TEST(the_caller_is_never_listed)
{
	struct os_holder h[8];
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/mine", dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(find(dir, h, 8), 0);
	close(fd);
}
END_TEST

START_TEST(more_holders_than_room_are_counted)
{
	struct os_holder h[1];
	pid_t a = holder(HOLD_FD), b = holder(HOLD_CWD);

	ck_assert_int_eq(find(dir, h, 1), 2);
	ck_assert(h[0].pid == a || h[0].pid == b);
	reap(a);
	reap(b);
}
END_TEST

START_TEST(root_and_bad_arguments)
{
	struct os_holder h[4];
	const char *root[] = { "/" };
	const char *rel[] = { "tmp" };

	/* "/" would be everyone: it matches no one. */
	ck_assert_int_eq(os_path_holders(root, 1, h, 4), 0);
	ck_assert_int_eq(os_path_holders(rel, 1, h, 4), -EINVAL);
	ck_assert_int_eq(os_path_holders(NULL, 0, h, 4), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("os_path_holders");
	TCase *tc = tcase_create("holders");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, an_open_file_holds);
	tcase_add_test(tc, a_working_directory_holds);
	tcase_add_test(tc, a_mapping_holds);
	tcase_add_test(tc, a_name_prefix_does_not_hold);
	tcase_add_test(tc, the_caller_is_never_listed);
	tcase_add_test(tc, more_holders_than_room_are_counted);
	tcase_add_test(tc, root_and_bad_arguments);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
