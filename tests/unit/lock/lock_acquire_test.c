/* lock_acquire() / lock_release(): exclusive between processes, bounded by a
 * deadline, dropped by the kernel when the holder dies. */
#include "config.h"
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../check_tap.h"

static char dir[] = "/tmp/lock_acquire_test.XXXXXX";
static char path[256];

static void setup(void)
{
	strcpy(dir, "/tmp/lock_acquire_test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tool.lock", dir);
}

static int remove_entry(const char *fpath, const struct stat *sb, int type,
			struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(fpath);
}

static void teardown(void)
{
	if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* Runs lock_acquire() in a child process with a deadline of ms, after
 * waiting for a byte on go (if go >= 0). Returns the child's pid; its exit
 * code is 0 on success, 1 on -ETIMEDOUT, 2 on anything else. */
static pid_t fork_acquirer(int64_t ms, int go)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct lock l = LOCK_INIT;
		char c;
		int rc;

		if (go >= 0 && read(go, &c, 1) != 1)
			_exit(3);
		rc = lock_acquire(&l, path, deadline_in_ms(ms));
		_exit(rc == 0 ? 0 : rc == -ETIMEDOUT ? 1 : 2);
	}
	return pid;
}

static int wait_exit_code(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(free_lock_is_taken_with_safe_modes)
{
	struct lock l = LOCK_INIT;
	struct stat st;

	ck_assert_int_eq(lock_acquire(&l, path, deadline_in_ms(1000)), 0);
	ck_assert_int_ge(l.fd, 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777 & ~0600, 0);
	ck_assert(fcntl(l.fd, F_GETFD) & FD_CLOEXEC);
	lock_release(&l);
	ck_assert_int_eq(l.fd, -1);
}
END_TEST

START_TEST(second_acquirer_times_out_while_held)
{
	struct lock l = LOCK_INIT;
	int64_t t0;
	pid_t pid;

	ck_assert_int_eq(lock_acquire(&l, path, deadline_in_ms(1000)), 0);
	t0 = deadline_now_ms();
	pid = fork_acquirer(300, -1);
	ck_assert_int_eq(wait_exit_code(pid), 1);
	/* It waited for its deadline, not a moment less. */
	ck_assert_int_ge(deadline_now_ms() - t0, 290);
	lock_release(&l);
}
END_TEST

START_TEST(waiter_gets_lock_when_holder_releases)
{
	struct lock l = LOCK_INIT;
	int go[2];
	pid_t pid;

	ck_assert_int_eq(lock_acquire(&l, path, deadline_in_ms(1000)), 0);
	ck_assert_int_eq(pipe(go), 0);
	pid = fork_acquirer(10000, go[0]);
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	/* Let the child find the lock taken and start backing off. */
	usleep(200 * 1000);
	lock_release(&l);
	ck_assert_int_eq(wait_exit_code(pid), 0);
	close(go[0]);
	close(go[1]);
}
END_TEST

START_TEST(lock_is_free_again_after_release)
{
	struct lock l = LOCK_INIT;

	ck_assert_int_eq(lock_acquire(&l, path, deadline_in_ms(1000)), 0);
	lock_release(&l);
	ck_assert_int_eq(wait_exit_code(fork_acquirer(0, -1)), 0);
	ck_assert_int_eq(lock_acquire(&l, path, deadline_in_ms(1000)), 0);
	lock_release(&l);
}
END_TEST

START_TEST(release_wins_over_forked_copy)
{
	struct lock l = LOCK_INIT;
	int hold[2];
	pid_t copy;
	char c;

	/* A child forked while the lock is held shares the open file; after
	 * lock_release() in the parent, that copy must not keep it locked. */
	ck_assert_int_eq(lock_acquire(&l, path, deadline_in_ms(1000)), 0);
	ck_assert_int_eq(pipe(hold), 0);
	copy = fork();
	ck_assert_int_ge(copy, 0);
	if (copy == 0) {
		close(hold[1]);
		while (read(hold[0], &c, 1) < 0)
			;
		_exit(0);
	}
	close(hold[0]);
	lock_release(&l);
	ck_assert_int_eq(wait_exit_code(fork_acquirer(500, -1)), 0);
	close(hold[1]);
	ck_assert_int_eq(wait_exit_code(copy), 0);
}
END_TEST

START_TEST(lock_is_freed_when_holder_dies)
{
	struct lock l = LOCK_INIT;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct lock mine = LOCK_INIT;

		/* Take it and die without releasing. */
		_exit(lock_acquire(&mine, path, deadline_in_ms(1000)) == 0 ? 0 : 1);
	}
	ck_assert_int_eq(wait_exit_code(pid), 0);
	ck_assert_int_eq(lock_acquire(&l, path, deadline_in_ms(1000)), 0);
	lock_release(&l);
}
END_TEST

START_TEST(parent_directories_are_created_private)
{
	char deep[PATH_MAX], sub[PATH_MAX];
	struct lock l = LOCK_INIT;
	struct stat st;

	snprintf(deep, sizeof(deep), "%s/a//b/c/tool.lock", dir);
	ck_assert_int_eq(lock_acquire(&l, deep, deadline_in_ms(1000)), 0);
	ck_assert_int_eq(stat(deep, &st), 0);
	snprintf(sub, sizeof(sub), "%s/a", dir);
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777 & ~0700, 0);
	snprintf(sub, sizeof(sub), "%s/a/b/c", dir);
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777 & ~0700, 0);
	lock_release(&l);
}
END_TEST

START_TEST(release_twice_is_safe)
{
	struct lock l = LOCK_INIT;
	int fd, other;

	lock_release(&l); /* never held */
	ck_assert_int_eq(lock_acquire(&l, path, deadline_in_ms(1000)), 0);
	fd = l.fd;
	lock_release(&l);
	/* The number is free again; whatever reuses it must survive. */
	other = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_eq(other, fd);
	lock_release(&l);
	ck_assert_int_ne(fcntl(other, F_GETFD), -1);
	close(other);
	lock_release(NULL);
}
END_TEST

START_TEST(free_lock_is_taken_even_with_expired_deadline)
{
	struct lock l = LOCK_INIT;

	ck_assert_int_eq(lock_acquire(&l, path, deadline_in_ms(0)), 0);
	lock_release(&l);
}
END_TEST

START_TEST(acquire_while_holding_fails_fast)
{
	struct lock l = LOCK_INIT;
	int64_t t0;

	ck_assert_int_eq(lock_acquire(&l, path, deadline_in_ms(1000)), 0);
	t0 = deadline_now_ms();
	ck_assert_int_eq(lock_acquire(&l, path, deadline_in_ms(5000)), -EBUSY);
	ck_assert_int_lt(deadline_now_ms() - t0, 1000);
	lock_release(&l);
}
END_TEST

START_TEST(bad_paths_fail_with_errno)
{
	char under_file[PATH_MAX];
	struct lock l = LOCK_INIT;
	int fd;

	ck_assert_int_eq(lock_acquire(&l, NULL, deadline_in_ms(100)), -EINVAL);
	ck_assert_int_eq(lock_acquire(&l, "", deadline_in_ms(100)), -EINVAL);
	ck_assert_int_eq(lock_acquire(NULL, path, deadline_in_ms(100)), -EINVAL);

	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(under_file, sizeof(under_file), "%s/x/tool.lock", path);
	ck_assert_int_eq(lock_acquire(&l, under_file, deadline_in_ms(100)), -ENOTDIR);
	ck_assert_int_eq(l.fd, -1);
}
END_TEST

START_TEST(symlink_is_not_followed)
{
	char target[PATH_MAX];
	struct lock l = LOCK_INIT;
	struct stat st;
	int rc;

	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	ck_assert_int_eq(symlink(target, path), 0);
	rc = lock_acquire(&l, path, deadline_in_ms(100));
	/* Linux says ELOOP, FreeBSD EMLINK. */
	ck_assert_msg(rc == -ELOOP || rc == -EMLINK, "rc %d", rc);
	ck_assert_int_eq(l.fd, -1);
	ck_assert_int_eq(stat(target, &st), -1);
}
END_TEST

static Suite *lock_acquire_suite(void)
{
	Suite *s = suite_create("lock_acquire");
	TCase *tc = tcase_create("lock");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, free_lock_is_taken_with_safe_modes);
	tcase_add_test(tc, second_acquirer_times_out_while_held);
	tcase_add_test(tc, waiter_gets_lock_when_holder_releases);
	tcase_add_test(tc, lock_is_free_again_after_release);
	tcase_add_test(tc, release_wins_over_forked_copy);
	tcase_add_test(tc, lock_is_freed_when_holder_dies);
	tcase_add_test(tc, parent_directories_are_created_private);
	tcase_add_test(tc, release_twice_is_safe);
	tcase_add_test(tc, free_lock_is_taken_even_with_expired_deadline);
	tcase_add_test(tc, acquire_while_holding_fails_fast);
	tcase_add_test(tc, bad_paths_fail_with_errno);
	tcase_add_test(tc, symlink_is_not_followed);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_tap_run(lock_acquire_suite());
}
