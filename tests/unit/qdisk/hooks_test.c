/* The hook thread: requests coalesce (only the latest wanted role runs;
 * the replaced ones are answered as superseded, none is lost without a
 * word), and a request's result says whether every hook succeeded. Real
 * hooks: a shell script that logs its calls and is slow or fails on
 * demand. The old queue dropped requests silently once 16 were queued:
 * the promote at the end of 20 requests never ran. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check_tap.h"
#include "hooks.h"

static char dir[64], log_path[128];

static struct qc_config cfg;

static void setup_hooks(const char *demote_body)
{
	char path[128], conf[1024], why[256];
	FILE *f;

	strcpy(dir, "/tmp/hooks_test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(log_path, sizeof(log_path), "%s/log", dir);
	snprintf(path, sizeof(path), "%s/hook", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\necho \"$1 $TWINHEAD_ROLE $TWINHEAD_EPOCH\" >>%s\n"
		"[ \"$1\" = demote ] && { %s; }\nexit 0\n", log_path, demote_body);
	fclose(f);
	chmod(path, 0755);
	snprintf(conf, sizeof(conf),
		 "cluster = t\nnode_id = 1\ndisk = /dev/null\nwatchdog_ms = 7500\n"
		 "watchdog_device = /dev/watchdog\nhook_timeout_ms = 5000\n"
		 "promote = %s promote\ndemote = %s demote\n", path, path);
	ck_assert_msg(qc_parse(conf, &cfg, why, sizeof(why)) == 0, "%s", why);
}

static void cleanup(void)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/hook", dir);
	unlink(path);
	unlink(log_path);
	rmdir(dir);
	qc_free(&cfg);
}

static enum hooks_status wait_done(struct hooks *h, uint64_t id)
{
	enum hooks_status st;

	while ((st = hooks_status(h, id)) == HOOKS_PENDING || st == HOOKS_RUNNING)
		usleep(20000);
	return st;
}

static char *read_log(void)
{
	static char buf[4096];
	FILE *f = fopen(log_path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

START_TEST(requests_coalesce_to_the_latest_wanted_role)
{
	struct hooks *h;
	uint64_t first, ids[20];

	setup_hooks("sleep 1");
	ck_assert_int_eq(hooks_start(&cfg, &h), 0);
	first = hooks_request(h, false, 1);
	while (hooks_status(h, first) == HOOKS_PENDING)
		usleep(10000);
	/* While the first (slow) demote runs: 19 more demotes, then a promote. */
	for (int i = 0; i < 20; i++)
		ids[i] = hooks_request(h, i == 19, (uint64_t)i + 2);
	ck_assert_int_eq(wait_done(h, ids[19]), HOOKS_OK);
	for (int i = 0; i < 19; i++)
		ck_assert_int_eq(hooks_status(h, ids[i]), HOOKS_SUPERSEDED);
	/* Two runs: the first demote, then only the latest wanted role. */
	ck_assert_str_eq(read_log(), "demote secondary 1\npromote primary 21\n");
	hooks_stop(h);
	cleanup();
}
END_TEST

START_TEST(a_failing_demote_is_reported_as_failed)
{
	struct hooks *h;
	uint64_t id;

	setup_hooks("exit 1");
	ck_assert_int_eq(hooks_start(&cfg, &h), 0);
	id = hooks_request(h, false, 7);
	ck_assert_int_eq(wait_done(h, id), HOOKS_FAILED);
	id = hooks_request(h, true, 8);
	ck_assert_int_eq(wait_done(h, id), HOOKS_OK);
	hooks_stop(h);
	cleanup();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hooks");
	TCase *tc = tcase_create("queue");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, requests_coalesce_to_the_latest_wanted_role);
	tcase_add_test(tc, a_failing_demote_is_reported_as_failed);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
