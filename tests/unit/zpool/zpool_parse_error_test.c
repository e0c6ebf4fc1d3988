/* What failed zpool calls say: zpool_parse_error() classifies,
 * zpool_parse_foreign() finds the other host (the exit reason of a refused
 * import names it), zpool_parse_busy_path() the busy mount point, and
 * zpool_parse_summary() makes one line of it all. The zfs-fuse texts were
 * captured in the lab; the OpenZFS ones are zpool_main.c's format strings
 * filled in. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../check_tap.h"
#include "zpool_parse.h"

static enum zpool_err classify(const char *err)
{
	return zpool_parse_error(err, strlen(err));
}

static const char fuse_in_use[] =
	"cannot import 'tank': pool may be in use from other system, it was last accessed by "
	"a (hostid: 0x1001) on Sun Nov 22 03:57:10 2026\n"
	"use '-f' to import anyway\n";

static const char openzfs_in_use[] =
	"cannot import 'tank': pool was previously in use from another system.\n"
	"Last accessed by head-a (hostid=8a3c21f0) at Sun Nov 22 03:57:10 2026\n"
	"The pool can be imported, use 'zpool import -f' to import the pool.\n";

static const char openzfs_mmp[] =
	"cannot import 'tank': pool is imported on host 'head-a' (hostid=8a3c21f0).\n"
	"Export the pool on the other system, then run 'zpool import'.\n";

/* zpool 2.1.11 in a VM-tier guest (tests/vm/zpool_openzfs.sh), import
 * without -f while head b writes its multihost heartbeats. */
static const char openzfs21_mmp[] =
	"cannot import 'tank': pool is imported on b (hostid: 0xa0a0a0a2)\n"
	"Export the pool on the other system, then run 'zpool import'.\n";

static const char fuse_no_N[] =
	"invalid option 'N'\n"
	"usage:\n"
	"\timport [-d dir] [-D]\n"
	"\timport [-d dir | -c cachefile] [-n] -F <pool | id>\n";

static const char fuse_busy[] =
	"umount: /tmp/twinhead-lab/zpx/shared/mnt/tank/fs1: target is busy.\n"
	"cannot unmount '/tmp/twinhead-lab/zpx/shared/mnt/tank/fs1': umount failed: umount "
	"child process failed\n";

START_TEST(classifies_what_zfs_fuse_says)
{
	ck_assert_int_eq(classify(fuse_in_use), ZPOOL_ERR_IN_USE);
	ck_assert_int_eq(classify(fuse_no_N), ZPOOL_ERR_NO_OPTION_N);
	ck_assert_int_eq(classify(fuse_busy), ZPOOL_ERR_BUSY);
	ck_assert_int_eq(classify("cannot export 'tank': pool is busy\n"), ZPOOL_ERR_BUSY);
	ck_assert_int_eq(classify("cannot open 'tank': no such pool\n"), ZPOOL_ERR_NO_SUCH_POOL);
	ck_assert_int_eq(classify("cannot import 'nosuch': no such pool available\n"),
			 ZPOOL_ERR_NOT_FOUND);
	/* The more specific wins: a bad -d and then "not found". */
	ck_assert_int_eq(classify("cannot open '/nonexistent': must be an absolute path\n"
				  "cannot import 'tank': no such pool available\n"),
			 ZPOOL_ERR_NOT_FOUND);
	ck_assert_int_eq(classify("cannot import 'tank': a pool with that name is already "
				  "created/imported,\nand no additional pools with that name "
				  "were found\n"),
			 ZPOOL_ERR_EXISTS);
	ck_assert_int_eq(classify("connect: No such file or directory\nPlease make sure that "
				  "the zfs-fuse daemon is running.\ninternal error: failed to "
				  "initialize ZFS library\n"),
			 ZPOOL_ERR_NO_SERVICE);
	ck_assert_int_eq(classify("connect: Connection refused\nPlease make sure that the "
				  "zfs-fuse daemon is running.\n"),
			 ZPOOL_ERR_NO_SERVICE);
	/* zfs-fuse exits 0 after this, without importing. */
	ck_assert_int_eq(classify("property 'canmount' is not a valid pool property\n"),
			 ZPOOL_ERR_BAD_OPTION);
}
END_TEST

START_TEST(classifies_what_openzfs_says)
{
	ck_assert_int_eq(classify(openzfs_in_use), ZPOOL_ERR_IN_USE);
	ck_assert_int_eq(classify(openzfs_mmp), ZPOOL_ERR_ACTIVE);
	ck_assert_int_eq(classify(openzfs21_mmp), ZPOOL_ERR_ACTIVE);
	ck_assert_int_eq(classify("cannot import 'tank': pool has the multihost property on and "
				  "the\nsystem's hostid is not set. Set a unique system hostid "
				  "with the zgenhostid(8) command.\n"),
			 ZPOOL_ERR_MMP_NO_HOSTID);
	ck_assert_int_eq(classify("The ZFS modules are not loaded.\nTry running "
				  "'/sbin/modprobe zfs' as root to load them.\n"),
			 ZPOOL_ERR_NO_SERVICE);
	ck_assert_int_eq(classify("cannot unmount '/tank/fs': pool or dataset is busy\n"),
			 ZPOOL_ERR_BUSY);
	ck_assert_int_eq(classify("Permission denied the ZFS utilities must be run as root.\n"),
			 ZPOOL_ERR_PERM);
}
END_TEST

START_TEST(library_failure_alone_proves_nothing)
{
	/* Not "no service": the kernel may still have the pool imported. */
	ck_assert_int_eq(classify("internal error: failed to initialize ZFS library\n"),
			 ZPOOL_ERR_OTHER);
	ck_assert_int_eq(classify("/dev/zfs and /proc/self/mounts are required.\n"),
			 ZPOOL_ERR_OTHER);
}
END_TEST

START_TEST(the_lower_case_n_is_not_capital_N)
{
	ck_assert_int_eq(classify("invalid option 'n'\nusage:\n"), ZPOOL_ERR_BAD_OPTION);
	ck_assert_int_eq(classify(""), ZPOOL_ERR_OTHER);
	ck_assert_int_eq(zpool_parse_error(NULL, 0), ZPOOL_ERR_OTHER);
	ck_assert_str_eq(zpool_err_name(ZPOOL_ERR_IN_USE), "in-use");
}
END_TEST

START_TEST(the_length_bounds_the_search)
{
	/* "busy" lies past len. */
	ck_assert_int_eq(zpool_parse_error("pool is busy", 7), ZPOOL_ERR_OTHER);
}
END_TEST

START_TEST(foreign_host_from_zfs_fuse)
{
	struct zpool_foreign f;

	ck_assert_int_eq(zpool_parse_foreign(fuse_in_use, strlen(fuse_in_use), &f), 0);
	ck_assert(f.have_hostid);
	ck_assert_uint_eq(f.hostid, 0x1001);
	ck_assert_str_eq(f.host, "a");
}
END_TEST

START_TEST(foreign_host_from_openzfs)
{
	struct zpool_foreign f;

	ck_assert_int_eq(zpool_parse_foreign(openzfs_in_use, strlen(openzfs_in_use), &f), 0);
	ck_assert_uint_eq(f.hostid, 0x8a3c21f0);
	ck_assert_str_eq(f.host, "head-a");
	ck_assert_int_eq(zpool_parse_foreign(openzfs_mmp, strlen(openzfs_mmp), &f), 0);
	ck_assert_uint_eq(f.hostid, 0x8a3c21f0);
	ck_assert_str_eq(f.host, "head-a");
	ck_assert_int_eq(zpool_parse_foreign(openzfs21_mmp, strlen(openzfs21_mmp), &f), 0);
	ck_assert_uint_eq(f.hostid, 0xa0a0a0a2);
	ck_assert_str_eq(f.host, "b");
}
END_TEST

START_TEST(foreign_host_may_be_nameless)
{
	static const char err[] = "cannot import 'volume1': pool was previously in use from "
				  "another system.\nLast accessed by  (hostid=fe4ac89c) at Sat "
				  "Apr 28 20:28:30 2018\n";
	struct zpool_foreign f;

	ck_assert_int_eq(zpool_parse_foreign(err, strlen(err), &f), 0);
	ck_assert_uint_eq(f.hostid, 0xfe4ac89c);
	ck_assert_str_eq(f.host, "");
}
END_TEST

START_TEST(foreign_host_is_sanitised)
{
	static const char err[] = "pool is imported on host 'evil\x1b[31m\"x' (hostid=1).\n";
	struct zpool_foreign f;

	ck_assert_int_eq(zpool_parse_foreign(err, strlen(err), &f), 0);
	ck_assert_str_eq(f.host, "evil?[31m?x");
}
END_TEST

START_TEST(bad_hostids_are_refused)
{
	struct zpool_foreign f;
	static const char *const bad[] = {
		"accessed by a (hostid: 0x) on",
		"accessed by a (hostid: 0x123456789) on",  /* more than 32 bits */
		"accessed by a (hostid: 0x12g4) on",
		"accessed by a (hostid=zz) at",
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(zpool_parse_foreign(bad[i], strlen(bad[i]), &f) == -EINVAL,
			      "accepted: %s", bad[i]);
	ck_assert_int_eq(zpool_parse_foreign("cannot import 'tank': no such pool available\n",
					     44, &f), -ENOENT);
	ck_assert_int_eq(zpool_parse_foreign("the hostid is not set", 21, &f), -ENOENT);
	ck_assert(!f.have_hostid);
}
END_TEST

START_TEST(busy_path_from_both_wordings)
{
	char path[256];

	ck_assert_int_eq(zpool_parse_busy_path(fuse_busy, strlen(fuse_busy), path, sizeof(path)),
			 0);
	ck_assert_str_eq(path, "/tmp/twinhead-lab/zpx/shared/mnt/tank/fs1");
	ck_assert_int_eq(zpool_parse_busy_path("umount: /tank/fs: target is busy.\n", 34, path,
					       sizeof(path)), 0);
	ck_assert_str_eq(path, "/tank/fs");
	ck_assert_int_eq(zpool_parse_busy_path("cannot export 'tank': pool is busy\n", 35, path,
					       sizeof(path)), -ENOENT);
	ck_assert_int_eq(zpool_parse_busy_path("cannot unmount 'relative': busy", 31, path,
					       sizeof(path)), -ENOENT);
	ck_assert_int_eq(zpool_parse_busy_path(fuse_busy, strlen(fuse_busy), path, 8),
			 -ENAMETOOLONG);
}
END_TEST

START_TEST(summary_is_one_clean_line)
{
	char buf[200];

	zpool_parse_summary(fuse_in_use, strlen(fuse_in_use), buf, sizeof(buf));
	ck_assert_str_eq(buf, "cannot import 'tank': pool may be in use from other system, it "
			      "was last accessed by a (hostid: 0x1001) on Sun Nov 22 03:57:10 "
			      "2026; use '-f' to import anyway");
	zpool_parse_summary(fuse_no_N, strlen(fuse_no_N), buf, sizeof(buf));
	ck_assert_str_eq(buf, "invalid option 'N'");
	zpool_parse_summary("a\x01\x1b[0m b\t\tc\r\n\n  \nd\n", 20, buf, sizeof(buf));
	ck_assert_str_eq(buf, "a [0m b c; d");
}
END_TEST

START_TEST(summary_is_cut_with_dots)
{
	char buf[16];

	zpool_parse_summary(openzfs_in_use, strlen(openzfs_in_use), buf, sizeof(buf));
	ck_assert_str_eq(buf, "cannot impor...");
	zpool_parse_summary("", 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	zpool_parse_summary(NULL, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("zpool_parse_error");
	TCase *tc = tcase_create("errors");

	tcase_add_test(tc, classifies_what_zfs_fuse_says);
	tcase_add_test(tc, classifies_what_openzfs_says);
	tcase_add_test(tc, library_failure_alone_proves_nothing);
	tcase_add_test(tc, the_lower_case_n_is_not_capital_N);
	tcase_add_test(tc, the_length_bounds_the_search);
	tcase_add_test(tc, foreign_host_from_zfs_fuse);
	tcase_add_test(tc, foreign_host_from_openzfs);
	tcase_add_test(tc, foreign_host_may_be_nameless);
	tcase_add_test(tc, foreign_host_is_sanitised);
	tcase_add_test(tc, bad_hostids_are_refused);
	tcase_add_test(tc, busy_path_from_both_wordings);
	tcase_add_test(tc, summary_is_one_clean_line);
	tcase_add_test(tc, summary_is_cut_with_dots);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
