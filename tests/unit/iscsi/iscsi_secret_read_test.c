/* iscsi_secret_read and the CHAP account marks: files under a temporary
 * directory. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check_tap.h"
#include "iscsi_mark.h"
#include "iscsi_secret.h"

static char dir[64], path[128], why[320], buf[32];

static void setup(void)
{
	strcpy(dir, "/tmp/th-secret-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/chap", dir);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void put(const char *content, mode_t mode)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

START_TEST(good_file_with_and_without_newline)
{
	put("abcdefghijkl\n", 0600);
	ck_assert_int_eq(iscsi_secret_read(path, buf, sizeof(buf), why, sizeof(why)), 0);
	ck_assert_str_eq(buf, "abcdefghijkl");
	put("0123456789abcdef", 0400);
	ck_assert_int_eq(iscsi_secret_read(path, buf, sizeof(buf), why, sizeof(why)), 0);
	ck_assert_str_eq(buf, "0123456789abcdef");
	put("0123456789abcdef\r\n", 0600);
	ck_assert_int_eq(iscsi_secret_read(path, buf, sizeof(buf), why, sizeof(why)), 0);
	ck_assert_str_eq(buf, "0123456789abcdef");
}
END_TEST

START_TEST(group_or_world_access_is_refused)
{
	put("abcdefghijkl\n", 0640);
	ck_assert_int_eq(iscsi_secret_read(path, buf, sizeof(buf), why, sizeof(why)), -EPERM);
	ck_assert_msg(strstr(why, "chmod 600"), "why: %s", why);
	ck_assert_str_eq(buf, "");
	put("abcdefghijkl\n", 0604);
	ck_assert_int_eq(iscsi_secret_read(path, buf, sizeof(buf), why, sizeof(why)), -EPERM);
	put("abcdefghijkl\n", 0610);
	ck_assert_int_eq(iscsi_secret_read(path, buf, sizeof(buf), why, sizeof(why)), -EPERM);
}
END_TEST

START_TEST(bad_contents_are_refused_without_showing_them)
{
	static const char *const bad[] = {
		"short\n", "0123456789abcdefX\n", "two lines\nhere!!\n", "with blank 123\n",
		"comma,123456\n", "\n", "",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(bad[i], 0600);
		ck_assert_msg(iscsi_secret_read(path, buf, sizeof(buf), why, sizeof(why)) == -EINVAL,
			      "accepted #%zu", i);
		ck_assert_str_eq(buf, "");
		ck_assert_ptr_null(strstr(why, "lines"));
		ck_assert_ptr_null(strstr(why, "0123456789"));
	}
}
END_TEST

START_TEST(missing_symlink_and_directory)
{
	char link[160];

	ck_assert_int_eq(iscsi_secret_read(path, buf, sizeof(buf), why, sizeof(why)), -ENOENT);
	ck_assert_msg(strstr(why, "does not exist"), "why: %s", why);
	put("abcdefghijkl\n", 0600);
	snprintf(link, sizeof(link), "%s/link", dir);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_eq(iscsi_secret_read(link, buf, sizeof(buf), why, sizeof(why)), -ELOOP);
	ck_assert_int_eq(iscsi_secret_read(dir, buf, sizeof(buf), why, sizeof(why)), -EINVAL);
}
END_TEST

START_TEST(foreign_owner_is_refused)
{
	if (geteuid() != 0)
		return; /* only root can give a file away */
	put("abcdefghijkl\n", 0600);
	ck_assert_int_eq(chown(path, 65534, 65534), 0);
	ck_assert_int_eq(iscsi_secret_read(path, buf, sizeof(buf), why, sizeof(why)), -EPERM);
	ck_assert_msg(strstr(why, "chown root"), "why: %s", why);
}
END_TEST

START_TEST(marks_record_the_secret_without_keeping_it)
{
	char mark[200], content[200];
	struct stat st;
	FILE *f;

	ck_assert_int_eq(iscsi_mark_path(mark, sizeof(mark), dir, "tgt-0", "host1"), 0);
	ck_assert_int_eq(iscsi_mark_check(mark, "abcdefghijkl"), -ENOENT);
	ck_assert_int_eq(iscsi_mark_write(mark, "abcdefghijkl"), 0);
	ck_assert_int_eq(iscsi_mark_check(mark, "abcdefghijkl"), 0);
	ck_assert_int_eq(iscsi_mark_check(mark, NULL), 0);
	ck_assert_int_eq(iscsi_mark_check(mark, "abcdefghijkm"), -EKEYREJECTED);
	ck_assert_int_eq(stat(mark, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	f = fopen(mark, "r");
	ck_assert_ptr_nonnull(fgets(content, sizeof(content), f));
	fclose(f);
	ck_assert_ptr_null(strstr(content, "abcdefghijkl"));
	ck_assert_uint_eq(strlen(content), 32 + 1 + 64 + 1);
	/* Two marks of the same secret differ (salt). */
	{
		char mark2[200], content2[200];

		ck_assert_int_eq(iscsi_mark_path(mark2, sizeof(mark2), dir, "tgt-1", "host1"), 0);
		ck_assert_int_eq(iscsi_mark_write(mark2, "abcdefghijkl"), 0);
		f = fopen(mark2, "r");
		ck_assert_ptr_nonnull(fgets(content2, sizeof(content2), f));
		fclose(f);
		ck_assert_str_ne(content, content2);
	}
	ck_assert_int_eq(iscsi_mark_remove(mark), 0);
	ck_assert_int_eq(iscsi_mark_remove(mark), 0);
	ck_assert_int_eq(iscsi_mark_check(mark, NULL), -ENOENT);
}
END_TEST

START_TEST(a_damaged_mark_is_not_a_mark)
{
	char mark[200];

	ck_assert_int_eq(iscsi_mark_path(mark, sizeof(mark), dir, "tgt-0", "u"), 0);
	ck_assert_int_eq(iscsi_mark_write(mark, "abcdefghijkl"), 0);
	ck_assert_int_eq(truncate(mark, 40), 0);
	ck_assert_int_eq(iscsi_mark_check(mark, "abcdefghijkl"), -EPROTO);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("iscsi_secret_read");
	TCase *tc = tcase_create("secret");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, good_file_with_and_without_newline);
	tcase_add_test(tc, group_or_world_access_is_refused);
	tcase_add_test(tc, bad_contents_are_refused_without_showing_them);
	tcase_add_test(tc, missing_symlink_and_directory);
	tcase_add_test(tc, foreign_owner_is_refused);
	tcase_add_test(tc, marks_record_the_secret_without_keeping_it);
	tcase_add_test(tc, a_damaged_mark_is_not_a_mark);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
