/* os_zfs_pool_state(): the raw content of a pool's state kstat, as the zpool
 * monitor reads it on OpenZFS (zpool_kstat_state_parse() parses it). A
 * temporary directory laid out like /proc/spl/kstat/zfs. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check_tap.h"
#include "os.h"

static char dir[64];

static void put(const char *pool, const char *content)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, pool);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/%s/state", dir, pool);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	fclose(f);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/th-kstat.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(the_content_as_it_is)
{
	static const char *const words[] = { "ONLINE\n", "SUSPENDED\n", "", "not a word\n" };
	char buf[32];

	for (unsigned i = 0; i < 4; i++) {
		put("tank", words[i]);
		ck_assert_int_eq(os_zfs_pool_state(dir, "tank", buf, sizeof(buf)),
				 (int)strlen(words[i]));
		ck_assert_int_eq(memcmp(buf, words[i], strlen(words[i])), 0);
	}
	/* At most len bytes. */
	put("tank", "TRANSITIONING\n");
	ck_assert_int_eq(os_zfs_pool_state(dir, "tank", buf, 4), 4);
}
END_TEST

START_TEST(no_such_pool_and_no_kstats)
{
	char w[16], gone[80];

	ck_assert_int_eq(os_zfs_pool_state(dir, "tank", w, sizeof(w)), -ENOENT);
	put("other", "ONLINE\n");
	ck_assert_int_eq(os_zfs_pool_state(dir, "tank", w, sizeof(w)), -ENOENT);
	snprintf(gone, sizeof(gone), "%s/nonexistent", dir);
	ck_assert_int_eq(os_zfs_pool_state(gone, "tank", w, sizeof(w)), -ENOTSUP);
}
END_TEST

START_TEST(names_that_leave_the_directory)
{
	char w[16];

	put("tank", "ONLINE\n");
	ck_assert_int_eq(os_zfs_pool_state(dir, "../tank", w, sizeof(w)), -EINVAL);
	ck_assert_int_eq(os_zfs_pool_state(dir, "..", w, sizeof(w)), -EINVAL);
	ck_assert_int_eq(os_zfs_pool_state(dir, "", w, sizeof(w)), -EINVAL);
	ck_assert_int_eq(os_zfs_pool_state(dir, "tank", w, 0), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("os_zfs_pool_state");
	TCase *tc = tcase_create("kstat");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, the_content_as_it_is);
	tcase_add_test(tc, no_such_pool_and_no_kstats);
	tcase_add_test(tc, names_that_leave_the_directory);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
