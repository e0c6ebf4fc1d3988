/* zpool_parse_mount_next(): `zfs list -H -o name,mounted,mountpoint` row by
 * row (stop uses it to name what holds a busy pool, start to unmount when
 * zpool has no -N); zpool_parse_import_scan(): the guid of a pool in an
 * import scan. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../check_tap.h"
#include "zpool_parse.h"

static const char fuse_list[] =
	"tank\tyes\t/tmp/twinhead-lab/zpx/shared/mnt/tank\n"
	"tank/fs1\tyes\t/tmp/twinhead-lab/zpx/shared/mnt/tank/fs1\n"
	"tank/fs1/sub\tno\t/tmp/twinhead-lab/zpx/shared/mnt/tank/fs1/sub\n"
	"tank/luns\t-\tlegacy\n";

START_TEST(rows_in_order)
{
	struct zpool_mount m;
	size_t pos = 0;

	ck_assert_int_eq(zpool_parse_mount_next(fuse_list, strlen(fuse_list), &pos, &m), 1);
	ck_assert_str_eq(m.name, "tank");
	ck_assert(m.mounted);
	ck_assert_str_eq(m.mountpoint, "/tmp/twinhead-lab/zpx/shared/mnt/tank");
	ck_assert_int_eq(zpool_parse_mount_next(fuse_list, strlen(fuse_list), &pos, &m), 1);
	ck_assert_str_eq(m.name, "tank/fs1");
	ck_assert_int_eq(zpool_parse_mount_next(fuse_list, strlen(fuse_list), &pos, &m), 1);
	ck_assert_str_eq(m.name, "tank/fs1/sub");
	ck_assert(!m.mounted);
	ck_assert_int_eq(zpool_parse_mount_next(fuse_list, strlen(fuse_list), &pos, &m), 1);
	ck_assert(!m.mounted);
	ck_assert_str_eq(m.mountpoint, "legacy");
	ck_assert_int_eq(zpool_parse_mount_next(fuse_list, strlen(fuse_list), &pos, &m), 0);
	ck_assert_int_eq(zpool_parse_mount_next(fuse_list, strlen(fuse_list), &pos, &m), 0);
}
END_TEST

START_TEST(malformed_rows_are_refused)
{
	static const char *const bad[] = {
		"tank\tyes\n",
		"tank\tyes\t/x\textra\n",
		"tank yes /x\n",
		"tank\tmaybe\t/x\n",
		"tank\tyes\t\n",
		"tank\tyes\t/x",              /* cut short */
		"tank@snap\tyes\t/x\n",       /* not a filesystem */
		"\tyes\t/x\n",
		"tank\tyes\t/x\x1b]0;\n",     /* control characters */
	};
	struct zpool_mount m;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t pos = 0;

		ck_assert_msg(zpool_parse_mount_next(bad[i], strlen(bad[i]), &pos, &m) == -EINVAL,
			      "accepted: '%s'", bad[i]);
	}
}
END_TEST

START_TEST(empty_output_has_no_rows)
{
	struct zpool_mount m;
	size_t pos = 0;

	ck_assert_int_eq(zpool_parse_mount_next("", 0, &pos, &m), 0);
	ck_assert_int_eq(zpool_parse_mount_next(NULL, 0, &pos, &m), 0);
}
END_TEST

static const char fuse_scan[] =
	"  pool: t2\n"
	"    id: 9948591641898122122\n"
	" state: ONLINE\n"
	"action: The pool can be imported using its name or numeric identifier.\n"
	"config:\n"
	"\n"
	"\tt2                                   ONLINE\n"
	"\t  mirror-0                           ONLINE\n"
	"\n"
	"  pool: tank\n"
	"    id: 2235259635110427667\n"
	" state: ONLINE\n"
	"status: The pool was last accessed by another system.\n"
	"action: The pool can be imported using its name or numeric identifier and\n"
	"\tthe '-f' flag.\n"
	"   see: http://www.sun.com/msg/ZFS-8000-EY\n"
	"config:\n"
	"\n"
	"\ttank                                 ONLINE\n";

START_TEST(import_scan_finds_the_name_of_a_guid)
{
	char name[ZPOOL_NAME_MAX];

	ck_assert_int_eq(zpool_parse_import_scan(fuse_scan, strlen(fuse_scan),
						 2235259635110427667ULL, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "tank");
	ck_assert_int_eq(zpool_parse_import_scan(fuse_scan, strlen(fuse_scan),
						 9948591641898122122ULL, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "t2");
	ck_assert_int_eq(zpool_parse_import_scan(fuse_scan, strlen(fuse_scan), 42, name,
						 sizeof(name)), -ENOENT);
	ck_assert_int_eq(zpool_parse_import_scan("", 0, 42, name, sizeof(name)), -ENOENT);
}
END_TEST

START_TEST(import_scan_refuses_junk)
{
	char name[ZPOOL_NAME_MAX];

	ck_assert_int_eq(zpool_parse_import_scan("    id: 5\n", 10, 5, name, sizeof(name)),
			 -EINVAL);
	ck_assert_int_eq(zpool_parse_import_scan("  pool: 1x\n    id: 5\n", 21, 5, name,
						 sizeof(name)), -EINVAL);
	ck_assert_int_eq(zpool_parse_import_scan("  pool: x\n    id: 5z\n", 21, 5, name,
						 sizeof(name)), -EINVAL);
	/* An id belongs to the pool line just above it, once. */
	ck_assert_int_eq(zpool_parse_import_scan("  pool: x\n    id: 4\n    id: 5\n", 30, 5,
						 name, sizeof(name)), -EINVAL);
	ck_assert_int_eq(zpool_parse_import_scan("  pool: tank\n    id: 5\n", 23, 5, name, 3),
			 -ENAMETOOLONG);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("zpool_parse_mount_next");
	TCase *tc = tcase_create("mounts");

	tcase_add_test(tc, rows_in_order);
	tcase_add_test(tc, malformed_rows_are_refused);
	tcase_add_test(tc, empty_output_has_no_rows);
	tcase_add_test(tc, import_scan_finds_the_name_of_a_guid);
	tcase_add_test(tc, import_scan_refuses_junk);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
