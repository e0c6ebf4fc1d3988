/* Logging: HA_logfile, HA_debug and HA_LOGFACILITY decide where messages
 * go; libqb is loaded on the first message that passes the filter. */
#include "config.h"

#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check_tap.h"
#include "log.h"

static char path[64];

static void setup(void)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/th-log-test.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void teardown(void)
{
	unlink(path);
}

static char *slurp(void)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(messages_reach_ha_logfile_through_libqb)
{
	char var[96];
	char *env[] = { var, NULL };

	snprintf(var, sizeof(var), "HA_logfile=%s", path);
	th_log_init("logtest(r1)", env);
	th_log(LOG_ERR, "disk %s is on fire", "sda");
	th_log_fini();
	/* The file target and its format exist only in libqb: the fallback
	 * writes to stderr alone. */
	ck_assert_msg(strstr(slurp(), "logtest(r1)["), "file: %s", slurp());
	ck_assert_msg(strstr(slurp(), "disk sda is on fire"), "file: %s", slurp());
}
END_TEST

/* Timelines (lab/drill) are read from this file: every line starts with
 * "Mon DD HH:MM:SS.mmm". */
START_TEST(file_lines_carry_millisecond_timestamps)
{
	char var[96];
	char *env[] = { var, NULL };
	regex_t re;

	snprintf(var, sizeof(var), "HA_logfile=%s", path);
	th_log_init("logtest", env);
	th_log(LOG_NOTICE, "promote hook done");
	th_log_fini();
	ck_assert_int_eq(regcomp(&re, "^[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}"
				 "\\.[0-9]{3} logtest\\[[0-9]+\\]: notice: promote hook done\n",
				 REG_EXTENDED | REG_NOSUB), 0);
	ck_assert_msg(regexec(&re, slurp(), 0, NULL, 0) == 0, "file: %s", slurp());
	regfree(&re);
}
END_TEST

START_TEST(debug_is_dropped_unless_ha_debug)
{
	char var[96];
	char *env[] = { var, NULL };

	snprintf(var, sizeof(var), "HA_logfile=%s", path);
	th_log_init("logtest", env);
	ck_assert(!th_log_enabled(LOG_DEBUG));
	ck_assert(th_log_enabled(LOG_INFO));
	th_debug("whisper");
	th_log(LOG_INFO, "speak");
	th_log_fini();
	ck_assert_ptr_null(strstr(slurp(), "whisper"));
	ck_assert_ptr_nonnull(strstr(slurp(), "speak"));
}
END_TEST

START_TEST(ha_debug_adds_debug_messages)
{
	char var[96];
	char *env[] = { var, "HA_debug=1", NULL };

	snprintf(var, sizeof(var), "HA_logfile=%s", path);
	th_log_init("logtest", env);
	ck_assert(th_log_enabled(LOG_DEBUG));
	th_debug("whisper");
	th_log_fini();
	ck_assert_ptr_nonnull(strstr(slurp(), "whisper"));
}
END_TEST

START_TEST(facility_names)
{
	ck_assert_int_eq(th_log_facility("daemon"), LOG_DAEMON);
	ck_assert_int_eq(th_log_facility("LOCAL7"), LOG_LOCAL7);
	ck_assert_int_eq(th_log_facility("none"), -1);
	ck_assert_int_eq(th_log_facility(""), -1);
	ck_assert_int_eq(th_log_facility("kern"), -1);
	ck_assert_int_eq(th_log_facility(NULL), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("th_log");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, messages_reach_ha_logfile_through_libqb);
	tcase_add_test(tc, file_lines_carry_millisecond_timestamps);
	tcase_add_test(tc, debug_is_dropped_unless_ha_debug);
	tcase_add_test(tc, ha_debug_adds_debug_messages);
	tcase_add_test(tc, facility_names);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
