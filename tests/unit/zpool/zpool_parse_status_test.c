/* zpool_parse_status(): what depth-10 monitoring reads from `zpool status
 * POOL`. The zfs-fuse texts were captured in the lab; the OpenZFS ones
 * follow zpool_main.c's format strings. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../check_tap.h"
#include "zpool_parse.h"

static struct zpool_status st;

static int parse(const char *out, const char *pool)
{
	return zpool_parse_status(out, strlen(out), pool, &st);
}

static const char fuse_online[] =
	"  pool: tank\n"
	" state: ONLINE\n"
	" scrub: none requested\n"
	"config:\n"
	"\n"
	"\tNAME                                 STATE     READ WRITE CKSUM\n"
	"\ttank                                 ONLINE       0     0     0\n"
	"\t  mirror-0                           ONLINE       0     0     0\n"
	"\t    /tmp/twinhead-lab/zpx/shared/d0  ONLINE       0     0     0\n"
	"\t    /tmp/twinhead-lab/zpx/shared/d1  ONLINE       0     0     0\n"
	"\n"
	"errors: No known data errors\n";

static const char fuse_missing_leg[] =
	"  pool: tank\n"
	" state: DEGRADED\n"
	"status: One or more devices could not be opened.  Sufficient replicas exist for\n"
	"\tthe pool to continue functioning in a degraded state.\n"
	"action: Attach the missing device and online it using 'zpool online'.\n"
	"   see: http://www.sun.com/msg/ZFS-8000-2Q\n"
	" scrub: none requested\n"
	"config:\n"
	"\n"
	"\tNAME                                 STATE     READ WRITE CKSUM\n"
	"\ttank                                 DEGRADED     0     0     0\n"
	"\t  mirror-0                           DEGRADED     0     0     0\n"
	"\t    /tmp/twinhead-lab/zpx/shared/d0  ONLINE       0     0     0\n"
	"\t    2458457086530374394              UNAVAIL      0     0     0  was "
	"/tmp/twinhead-lab/zpx/shared/d1.away\n"
	"\n"
	"errors: No known data errors\n";

/* A leg whose labels were overwritten: zfs-fuse calls the pool ONLINE. */
static const char fuse_bad_label[] =
	"  pool: tank\n"
	" state: ONLINE\n"
	"status: One or more devices could not be used because the label is missing or\n"
	"\tinvalid.  Sufficient replicas exist for the pool to continue\n"
	"\tfunctioning in a degraded state.\n"
	"action: Replace the device using 'zpool replace'.\n"
	"   see: http://www.sun.com/msg/ZFS-8000-4J\n"
	" scrub: none requested\n"
	"config:\n"
	"\n"
	"\tNAME                                 STATE     READ WRITE CKSUM\n"
	"\ttank                                 ONLINE       0     0     0\n"
	"\t  mirror-0                           ONLINE       0     0     0\n"
	"\t    /tmp/twinhead-lab/zpx/shared/d0  ONLINE       0     0     0\n"
	"\t    921422585994780969               UNAVAIL      0     0     0  was "
	"/tmp/twinhead-lab/zpx/shared/d1\n"
	"\n"
	"errors: No known data errors\n";

static const char fuse_repaired[] =
	"  pool: tank\n"
	" state: ONLINE\n"
	"status: One or more devices has experienced an unrecoverable error.  An\n"
	"\tattempt was made to correct the error.  Applications are unaffected.\n"
	"action: Determine if the device needs to be replaced, and clear the errors\n"
	"\tusing 'zpool clear' or replace the device with 'zpool replace'.\n"
	"   see: http://www.sun.com/msg/ZFS-8000-9P\n"
	" scrub: scrub completed after 0h0m with 0 errors on Sun Nov 22 04:22:02 2026\n"
	"config:\n"
	"\n"
	"\tNAME                                 STATE     READ WRITE CKSUM\n"
	"\ttank                                 ONLINE       0     0     0\n"
	"\t  mirror-0                           ONLINE       0     0     0\n"
	"\t    /tmp/twinhead-lab/zpx/shared/d0  ONLINE       0     0     0\n"
	"\t    /tmp/twinhead-lab/zpx/shared/d1  ONLINE       0     0   262  8.79M repaired\n"
	"\n"
	"errors: No known data errors\n";

static const char fuse_sections[] =
	"  pool: t2\n"
	" state: ONLINE\n"
	" scrub: none requested\n"
	"config:\n"
	"\n"
	"\tNAME                                 STATE     READ WRITE CKSUM\n"
	"\tt2                                   ONLINE       0     0     0\n"
	"\t  mirror-0                           ONLINE       0     0     0\n"
	"\t    /tmp/twinhead-lab/zpx/shared/e0  ONLINE       0     0     0\n"
	"\t    /tmp/twinhead-lab/zpx/shared/e1  ONLINE       0     0     0\n"
	"\tlogs\n"
	"\t  /tmp/twinhead-lab/zpx/shared/e3    ONLINE       0     0     0\n"
	"\tspares\n"
	"\t  /tmp/twinhead-lab/zpx/shared/e2    AVAIL   \n"
	"\n"
	"errors: No known data errors\n";

static const char openzfs_suspended[] =
	"  pool: tank\n"
	" state: SUSPENDED\n"
	"status: One or more devices are faulted in response to IO failures.\n"
	"action: Make sure the affected devices are connected, then run 'zpool clear'.\n"
	"   see: https://openzfs.github.io/openzfs-docs/msg/ZFS-8000-HC\n"
	"  scan: scrub repaired 0B in 00:00:01 with 0 errors on Sun Nov 22 04:00:00 2026\n"
	"config:\n"
	"\n"
	"\tNAME        STATE     READ WRITE CKSUM\n"
	"\ttank        UNAVAIL      0     0     0  insufficient replicas\n"
	"\t  sdb       FAULTED      3   1.2K     0  too many errors\n"
	"\n"
	"errors: List of errors unavailable: pool I/O is currently suspended\n";

static const char openzfs_data_errors[] =
	"  pool: tank\n"
	" state: ONLINE\n"
	"status: One or more devices has experienced an error resulting in data\n"
	"\tcorruption.  Applications may be affected.\n"
	"action: Restore the file in question if possible.  Otherwise restore the\n"
	"\tentire pool from backup.\n"
	"   see: https://openzfs.github.io/openzfs-docs/msg/ZFS-8000-8A\n"
	"  scan: scrub repaired 0B in 00:00:02 with 2 errors on Sun Nov 22 04:00:00 2026\n"
	"config:\n"
	"\n"
	"\tNAME                                      STATE     READ WRITE CKSUM\n"
	"\ttank                                      ONLINE       0     0     0\n"
	"\t  ata-WDC_WD40EFRX-68N32N0_WD-WCC7K1234567  ONLINE       0     0     4\n"
	"\tcache\n"
	"\t  nvme0n1p1                               ONLINE       0     0     0\n"
	"\n"
	"errors: 2 data errors, use '-v' for a list\n";

START_TEST(healthy_pool)
{
	ck_assert_int_eq(parse(fuse_online, "tank"), 0);
	ck_assert_int_eq(st.state, ZPOOL_HEALTH_ONLINE);
	ck_assert(!st.suspended);
	ck_assert(st.errors_known);
	ck_assert(!st.data_errors);
	ck_assert_uint_eq(st.vdevs, 4);
	ck_assert_uint_eq(st.vdevs_with_errors, 0);
	ck_assert_uint_eq(st.vdevs_not_online, 0);
	ck_assert(!st.have_bad_vdev);
	ck_assert_str_eq(st.errors, "No known data errors");
}
END_TEST

START_TEST(missing_leg_names_the_device)
{
	ck_assert_int_eq(parse(fuse_missing_leg, "tank"), 0);
	ck_assert_int_eq(st.state, ZPOOL_HEALTH_DEGRADED);
	ck_assert_uint_eq(st.vdevs_not_online, 3);
	ck_assert(st.have_bad_vdev);
	/* The first row that is not online: the pool itself. */
	ck_assert_str_eq(st.bad.name, "tank");
	ck_assert_int_eq(st.bad.state, ZPOOL_HEALTH_DEGRADED);
	ck_assert(!st.bad.counts_nonzero);
}
END_TEST

START_TEST(bad_label_on_an_online_pool)
{
	ck_assert_int_eq(parse(fuse_bad_label, "tank"), 0);
	ck_assert_int_eq(st.state, ZPOOL_HEALTH_ONLINE);
	ck_assert(!st.suspended);
	ck_assert(st.have_bad_vdev);
	ck_assert_str_eq(st.bad.name, "921422585994780969");
	ck_assert_str_eq(st.bad.state_word, "UNAVAIL");
	ck_assert(st.bad.has_counts);
	ck_assert(!st.bad.counts_nonzero);
}
END_TEST

START_TEST(error_counters_are_found)
{
	ck_assert_int_eq(parse(fuse_repaired, "tank"), 0);
	ck_assert_uint_eq(st.vdevs_with_errors, 1);
	ck_assert(st.have_bad_vdev);
	ck_assert_str_eq(st.bad.name, "/tmp/twinhead-lab/zpx/shared/d1");
	ck_assert(st.bad.counts_nonzero);
	ck_assert_str_eq(st.bad.cksum, "262");
	ck_assert_str_eq(st.bad.read, "0");
}
END_TEST

START_TEST(logs_and_spares_sections)
{
	ck_assert_int_eq(parse(fuse_sections, "t2"), 0);
	ck_assert_uint_eq(st.vdevs, 6);
	ck_assert(!st.have_bad_vdev);
}
END_TEST

START_TEST(suspended_io_is_seen)
{
	ck_assert_int_eq(parse(openzfs_suspended, "tank"), 0);
	ck_assert(st.suspended);
	ck_assert(!st.errors_known);
	ck_assert_uint_eq(st.vdevs_with_errors, 1);
	ck_assert_str_eq(st.bad.name, "tank");
}
END_TEST

START_TEST(suspension_in_the_status_paragraph_alone)
{
	char text[2048];

	snprintf(text, sizeof(text), "%s", openzfs_suspended);
	memcpy(strstr(text, "SUSPENDED"), "UNAVAIL  ", 9);
	ck_assert_int_eq(parse(text, "tank"), 0);
	ck_assert_int_eq(st.state, ZPOOL_HEALTH_UNAVAIL);
	ck_assert(st.suspended);
}
END_TEST

START_TEST(counts_with_suffixes)
{
	char text[2048];

	/* Only "1.2K" is left not zero on sdb. */
	snprintf(text, sizeof(text), "%s", openzfs_suspended);
	memcpy(strstr(text, "FAULTED      3"), "FAULTED      0", 14);
	ck_assert_int_eq(parse(text, "tank"), 0);
	ck_assert_uint_eq(st.vdevs_with_errors, 1);
	/* "0.0K" is zero. */
	memcpy(strstr(text, "1.2K"), "0.0K", 4);
	ck_assert_int_eq(parse(text, "tank"), 0);
	ck_assert_uint_eq(st.vdevs_with_errors, 0);
	/* "1.K" is not a count. */
	memcpy(strstr(text, "0.0K"), "1.K ", 4);
	ck_assert_int_eq(parse(text, "tank"), -EINVAL);
}
END_TEST

START_TEST(data_errors_are_seen)
{
	ck_assert_int_eq(parse(openzfs_data_errors, "tank"), 0);
	ck_assert(st.errors_known);
	ck_assert(st.data_errors);
	ck_assert_uint_eq(st.vdevs, 3);
	ck_assert_str_eq(st.bad.name, "ata-WDC_WD40EFRX-68N32N0_WD-WCC7K1234567");
}
END_TEST

START_TEST(zero_data_errors_are_none)
{
	char text[2048];

	snprintf(text, sizeof(text), "%s", openzfs_data_errors);
	memcpy(strstr(text, "2 data errors"), "0", 1);
	ck_assert_int_eq(parse(text, "tank"), 0);
	ck_assert(st.errors_known);
	ck_assert(!st.data_errors);
}
END_TEST

START_TEST(another_pool_is_refused)
{
	ck_assert_int_eq(parse(fuse_online, "other"), -EINVAL);
}
END_TEST

START_TEST(broken_texts_are_refused)
{
	char text[2048];

	ck_assert_int_eq(parse("", "tank"), -EINVAL);
	ck_assert_int_eq(parse("cannot open 'tank': no such pool\n", "tank"), -EINVAL);
	/* no state line */
	snprintf(text, sizeof(text), "%s", fuse_online);
	memcpy(strstr(text, " state:"), " xtate:", 7);
	ck_assert_int_eq(parse(text, "tank"), -EINVAL);
	/* no table header */
	snprintf(text, sizeof(text), "%s", fuse_online);
	memcpy(strstr(text, "CKSUM"), "CKSUX", 5);
	ck_assert_int_eq(parse(text, "tank"), -EINVAL);
	/* a count that is not a number */
	snprintf(text, sizeof(text), "%s", fuse_online);
	memcpy(strstr(text, "d0  ONLINE       0"), "d0  ONLINE       x", 18);
	ck_assert_int_eq(parse(text, "tank"), -EINVAL);
	/* a row without a state */
	snprintf(text, sizeof(text), "%s", fuse_online);
	memcpy(strstr(text, "mirror-0                           ONLINE"),
	       "mirror-0                           online", 41);
	ck_assert_int_eq(parse(text, "tank"), -EINVAL);
	/* cut short before the table */
	ck_assert_int_eq(zpool_parse_status(fuse_online, 40, "tank", &st), -EINVAL);
	/* a NUL byte */
	ck_assert_int_eq(zpool_parse_status(fuse_online, sizeof(fuse_online), "tank", &st),
			 -EINVAL);
}
END_TEST

START_TEST(first_row_must_be_the_pool)
{
	char text[2048];

	snprintf(text, sizeof(text), "%s", fuse_online);
	memcpy(strstr(text, "\ttank    "), "\tmank    ", 9);
	ck_assert_int_eq(parse(text, "tank"), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("zpool_parse_status");
	TCase *tc = tcase_create("status");

	tcase_add_test(tc, healthy_pool);
	tcase_add_test(tc, missing_leg_names_the_device);
	tcase_add_test(tc, bad_label_on_an_online_pool);
	tcase_add_test(tc, error_counters_are_found);
	tcase_add_test(tc, logs_and_spares_sections);
	tcase_add_test(tc, suspended_io_is_seen);
	tcase_add_test(tc, suspension_in_the_status_paragraph_alone);
	tcase_add_test(tc, counts_with_suffixes);
	tcase_add_test(tc, data_errors_are_seen);
	tcase_add_test(tc, zero_data_errors_are_none);
	tcase_add_test(tc, another_pool_is_refused);
	tcase_add_test(tc, broken_texts_are_refused);
	tcase_add_test(tc, first_row_must_be_the_pool);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
