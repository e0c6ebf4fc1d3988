/* quorumd.conf: a whole file is checked before anything runs. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check_tap.h"
#include "qconfig.h"

static char why[256];

#define GOOD \
	"cluster = stor-ha\n" \
	"node_id = 2   # the second head\n" \
	"disk = /dev/disk/by-id/wwn-0x5000\n" \
	"fence = ipmi\n" \
	"fence_host = 10.0.0.12:623\n" \
	"fence_user = admin\n" \
	"fence_password_file = /etc/twinhead/bmc.pass\n"

/* quorumd.conf names hooks run as root: a file others may change is
 * refused, with what to do about it. */
START_TEST(a_file_others_may_write_is_refused)
{
	char path[] = "/tmp/qconfig_test.XXXXXX";
	struct qc_config c;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, GOOD, strlen(GOOD)), (int)strlen(GOOD));
	close(fd);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(qc_load(path, &c, why, sizeof(why)), 0);
	qc_free(&c);
	ck_assert_int_eq(chmod(path, 0664), 0);
	ck_assert_int_eq(qc_load(path, &c, why, sizeof(why)), -EPERM);
	ck_assert_ptr_nonnull(strstr(why, "group or others may write it"));
	ck_assert_ptr_nonnull(strstr(why, "chmod go-w"));
	ck_assert_int_eq(chmod(path, 0646), 0);
	ck_assert_int_eq(qc_load(path, &c, why, sizeof(why)), -EPERM);
	ck_assert_int_eq(chmod(path, 0600), 0);
	if (geteuid() == 0) { /* another owner: only root can arrange it */
		ck_assert_int_eq(chown(path, 65534, 65534), 0);
		ck_assert_int_eq(qc_load(path, &c, why, sizeof(why)), -EPERM);
		ck_assert_ptr_nonnull(strstr(why, "owned by neither root"));
	}
	unlink(path);
}
END_TEST

START_TEST(good_file_with_defaults)
{
	struct qc_config c;

	ck_assert_int_eq(qc_parse(GOOD, &c, why, sizeof(why)), 0);
	ck_assert_str_eq(c.cluster, "stor-ha");
	ck_assert_uint_eq(c.node_id, 2);
	ck_assert_uint_eq(c.interval_ms, 500);
	ck_assert_uint_eq(c.timeout_ms, 2000);
	ck_assert_uint_eq(c.fence_cipher, 3);
	ck_assert_int_eq(c.mode, QC_MODE_STANDALONE);
	qc_free(&c);
}
END_TEST

/* Issue 18: the fence budgets follow the BMC's timeouts, not the lease;
 * a fence may now take longer than timeout_ms (it runs on its own thread). */
START_TEST(fence_budgets_are_derived_from_the_bmc_timeouts)
{
	struct qc_config c;

	ck_assert_int_eq(qc_parse(GOOD, &c, why, sizeof(why)), 0);
	ck_assert_uint_eq(qc_fence_session_ms(&c), 1000);
	ck_assert_uint_eq(qc_fence_retrans_ms(&c), 250);
	ck_assert_uint_eq(qc_fence_attempt_ms(&c), 4000);
	ck_assert_uint_eq(qc_fence_retry_ms(&c), 250);
	ck_assert_uint_eq(qc_fence_vote_ms(&c), 3 * 4000 + 2 * 250);
	/* Two attempts, the pause, and the peer's two ticks to act on them. */
	ck_assert_uint_eq(qc_poison_hold_ms(&c), 2 * 4000 + 250 + 2 * c.interval_ms);
	qc_free(&c);
	ck_assert_int_eq(qc_parse(GOOD "fence_session_timeout_ms = 3000\n", &c, why, sizeof(why)),
			 0);
	ck_assert_uint_eq(qc_fence_retrans_ms(&c), 750);
	ck_assert_uint_eq(qc_fence_attempt_ms(&c), 12000);
	ck_assert_uint_eq(qc_fence_retry_ms(&c), 750);
	qc_free(&c);
	ck_assert_int_eq(qc_parse(GOOD "fence_timeout_ms = 2500\nfence_retry_ms = 100\n"
				  "fence_vote_ms = 9000\n", &c, why, sizeof(why)), 0);
	ck_assert_uint_eq(qc_fence_attempt_ms(&c), 2500);
	ck_assert_uint_eq(qc_fence_retry_ms(&c), 100);
	ck_assert_uint_eq(qc_fence_vote_ms(&c), 9000);
	ck_assert_uint_eq(qc_poison_hold_ms(&c), 2 * 2500 + 100 + 2 * c.interval_ms);
	qc_free(&c);
}
END_TEST

START_TEST(hooks_split_into_env_and_argv)
{
	struct qc_config c;

	ck_assert_int_eq(qc_parse(GOOD "promote = OCF_ROOT=/usr/lib/ocf OCF_RESKEY_pool=tank "
				  "/usr/lib/ocf/resource.d/twinhead/zpool start\n"
				  "demote = /usr/local/sbin/stop-all\n",
				  &c, why, sizeof(why)), 0);
	ck_assert_uint_eq(c.n_promote, 1);
	ck_assert_str_eq(c.promote[0].env[0], "OCF_ROOT=/usr/lib/ocf");
	ck_assert_str_eq(c.promote[0].env[1], "OCF_RESKEY_pool=tank");
	ck_assert_ptr_null(c.promote[0].env[2]);
	ck_assert_str_eq(c.promote[0].argv[0], "/usr/lib/ocf/resource.d/twinhead/zpool");
	ck_assert_str_eq(c.promote[0].argv[1], "start");
	ck_assert_str_eq(c.demote[0].argv[0], "/usr/local/sbin/stop-all");
	qc_free(&c);
}
END_TEST

static void refused(const char *text, const char *needle)
{
	struct qc_config c;

	why[0] = '\0';
	ck_assert_int_eq(qc_parse(text, &c, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, needle), "why: '%s', wanted '%s'", why, needle);
	qc_free(&c);
}

START_TEST(bad_files_are_refused_with_a_reason)
{
	refused(GOOD "node_id = 3\n", "line 8: node_id = 3: use 1 or 2");
	refused(GOOD "colour = blue\n", "line 8: unknown key 'colour'");
	refused(GOOD "interval_ms = fast\n", "interval_ms = fast");
	refused(GOOD "fence_cipher = 0\n", "0 has no authentication");
	refused(GOOD "mode = both\n", "use standalone or cluster");
	refused(GOOD "promote = stop-all\n", "must be an absolute path");
	refused(GOOD "promote = A=1\n", "hook has no program");
	refused(GOOD "this line has no equals\n", "line 8: expected key = value");
	refused(GOOD "cluster =\n", "cluster has no value");
	refused(GOOD "timeout_ms = 1000\n", "at least 3 intervals");
	refused(GOOD "fence_timeout_ms = 1500\n", "must leave room for one IPMI session");
	refused(GOOD "fence_session_timeout_ms = 500\nfence_retransmission_timeout_ms = 500\n",
		"must be below fence_session_timeout_ms");
	refused("node_id = 1\ndisk = /d\n", "cluster, node_id and disk are required");
	refused("cluster = c\nnode_id = 1\ndisk = /d\n", "no way to take over a dead peer");
	refused("cluster = c\nnode_id = 1\ndisk = /d\nfence = ipmi\n", "needs fence_host");
	refused("cluster = c\nnode_id = 1\ndisk = d\nwatchdog_ms = 7500\n"
		"watchdog_device = /dev/watchdog\n", "disk must be an absolute path");
}
END_TEST

#define WD_BASE "cluster = c\nnode_id = 1\ndisk = /d\n"

START_TEST(watchdog_alone_is_a_way_to_take_over)
{
	struct qc_config c;

	ck_assert_int_eq(qc_parse(WD_BASE "watchdog_ms = 7500\nwatchdog_device = /dev/watchdog\n",
				  &c, why, sizeof(why)), 0);
	ck_assert_str_eq(c.watchdog_device, "/dev/watchdog");
	/* 7500 - 3/4 x 2000 - 1000 = 5000 ms; at least 2 x 2000 + 500 */
	ck_assert_uint_eq(qc_watchdog_timeout_ms(&c), 5000);
	ck_assert_uint_eq(qc_watchdog_min_ms(&c), 4500);
	qc_free(&c);
}
END_TEST

START_TEST(watchdog_mode_needs_its_device_and_a_long_enough_bound)
{
	refused(WD_BASE "watchdog_ms = 7500\n", "watchdog_ms needs watchdog_device");
	refused(WD_BASE "watchdog_ms = 7500\nwatchdog_device = watchdog\n",
		"watchdog_device must be an absolute path");
	refused(GOOD "watchdog_device = /dev/watchdog\n", "watchdog_device is for watchdog mode");
	/* 7499 leaves 4999 ms, 4 s in whole seconds: below 4500 ms */
	refused(WD_BASE "watchdog_ms = 7499\nwatchdog_device = /dev/watchdog\n",
		"use watchdog_ms >= 7500");
	refused(WD_BASE "interval_ms = 1000\ntimeout_ms = 3000\nwatchdog_ms = 9000\n"
		"watchdog_device = /dev/watchdog\n", "use watchdog_ms >= 10250");
}
END_TEST

START_TEST(watchdog_timeouts_round_down_to_whole_seconds)
{
	struct qc_config c;

	ck_assert_int_eq(qc_parse(WD_BASE "interval_ms = 1000\ntimeout_ms = 3000\n"
				  "watchdog_ms = 10250\nwatchdog_device = /dev/watchdog\n",
				  &c, why, sizeof(why)), 0);
	ck_assert_uint_eq(qc_watchdog_timeout_ms(&c), 7000);
	qc_free(&c);
	ck_assert_int_eq(qc_parse(GOOD "watchdog_ms = 600000\nwatchdog_device = /dev/watchdog\n",
				  &c, why, sizeof(why)), 0);
	ck_assert_uint_eq(qc_watchdog_timeout_ms(&c), 597000);
	qc_free(&c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("qconfig");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, good_file_with_defaults);
	tcase_add_test(tc, a_file_others_may_write_is_refused);
	tcase_add_test(tc, fence_budgets_are_derived_from_the_bmc_timeouts);
	tcase_add_test(tc, hooks_split_into_env_and_argv);
	tcase_add_test(tc, bad_files_are_refused_with_a_reason);
	tcase_add_test(tc, watchdog_alone_is_a_way_to_take_over);
	tcase_add_test(tc, watchdog_mode_needs_its_device_and_a_long_enough_bound);
	tcase_add_test(tc, watchdog_timeouts_round_down_to_whole_seconds);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
