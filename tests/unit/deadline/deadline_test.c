/* Deadlines on CLOCK_MONOTONIC: construction, remaining time, expiry, caps
 * and bounded sleeps. Only lower bounds of elapsed time are tight; upper
 * bounds are loose so a loaded machine does not make these flaky. */
#include "config.h"
#include "deadline.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>

#include "../check_tap.h"

#define LOOSE_MS 5000

START_TEST(now_is_monotonic)
{
	int64_t a = deadline_now_ms();
	int64_t b = deadline_now_ms();

	ck_assert_int_ge(a, 0);
	ck_assert_int_ge(b, a);
}
END_TEST

START_TEST(in_ms_is_now_plus_ms)
{
	int64_t before = deadline_now_ms();
	struct deadline d = deadline_in_ms(1500);
	int64_t after = deadline_now_ms();

	ck_assert_int_ge(d.at_ms, before + 1500);
	ck_assert_int_le(d.at_ms, after + 1500);
}
END_TEST

START_TEST(in_ms_negative_is_now)
{
	int64_t before = deadline_now_ms();
	struct deadline d = deadline_in_ms(-1000);

	ck_assert_int_ge(d.at_ms, before);
	ck_assert_int_le(d.at_ms, deadline_now_ms());
	ck_assert(deadline_expired(d));
}
END_TEST

START_TEST(left_ms_counts_down_and_never_goes_negative)
{
	struct deadline d = deadline_in_ms(2000);
	struct deadline past = { .at_ms = deadline_now_ms() - 10000 };
	int64_t left = deadline_left_ms(d);

	ck_assert_int_le(left, 2000);
	ck_assert_int_gt(left, 2000 - LOOSE_MS / 5);
	ck_assert_int_eq(deadline_left_ms(past), 0);
	ck_assert_int_eq(deadline_left_ms(deadline_in_ms(0)), 0);
}
END_TEST

START_TEST(never_has_all_the_time)
{
	struct deadline never = { .at_ms = INT64_MAX };

	ck_assert_int_eq(deadline_left_ms(never), INT64_MAX);
	ck_assert(!deadline_expired(never));
}
END_TEST

START_TEST(expired_only_once_passed)
{
	ck_assert(deadline_expired(deadline_in_ms(0)));
	ck_assert(!deadline_expired(deadline_in_ms(60000)));
}
END_TEST

START_TEST(cap_takes_the_earlier)
{
	struct deadline never = { .at_ms = INT64_MAX };
	struct deadline near = deadline_in_ms(100);
	struct deadline capped;
	int64_t before = deadline_now_ms();

	/* A far deadline is shortened to the cap... */
	capped = deadline_cap_ms(never, 1000);
	ck_assert_int_ge(capped.at_ms, before + 1000);
	ck_assert_int_le(capped.at_ms, deadline_now_ms() + 1000);

	/* ...a near one stays as it is. */
	capped = deadline_cap_ms(near, 60000);
	ck_assert_int_eq(capped.at_ms, near.at_ms);

	/* A cap of 0 ends now. */
	ck_assert(deadline_expired(deadline_cap_ms(never, 0)));
}
END_TEST

START_TEST(sleep_sleeps_the_time_asked)
{
	struct deadline far = deadline_in_ms(60000);
	int64_t t0 = deadline_now_ms();

	ck_assert_int_eq(deadline_sleep_ms(far, 100), 0);
	/* Millisecond truncation of the clock can lose one ms. */
	ck_assert_int_ge(deadline_now_ms() - t0, 99);
	ck_assert_int_lt(deadline_now_ms() - t0, LOOSE_MS);
}
END_TEST

START_TEST(sleep_stops_at_deadline)
{
	struct deadline d = deadline_in_ms(150);
	int64_t t0 = deadline_now_ms();

	ck_assert_int_eq(deadline_sleep_ms(d, 30000), -ETIMEDOUT);
	ck_assert_int_ge(deadline_now_ms() - t0, 149);
	ck_assert_int_lt(deadline_now_ms() - t0, LOOSE_MS);
	ck_assert(deadline_expired(d));
}
END_TEST

START_TEST(sleep_past_deadline_returns_at_once)
{
	struct deadline past = { .at_ms = deadline_now_ms() - 1000 };
	int64_t t0 = deadline_now_ms();

	ck_assert_int_eq(deadline_sleep_ms(past, 10000), -ETIMEDOUT);
	ck_assert_int_lt(deadline_now_ms() - t0, LOOSE_MS / 5);
}
END_TEST

static void on_alarm(int sig)
{
	(void)sig;
}

START_TEST(sleep_survives_signals)
{
	struct sigaction sa, old_sa;
	struct itimerval every = { { 0, 20000 }, { 0, 20000 } };
	struct itimerval off, old_timer;
	int64_t t0;
	int rc;

	/* A handler without SA_RESTART: nanosleep() returns EINTR every
	 * 20 ms, and the sleep must still last its full length. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, &old_sa), 0);
	ck_assert_int_eq(setitimer(ITIMER_REAL, &every, &old_timer), 0);

	t0 = deadline_now_ms();
	rc = deadline_sleep_ms(deadline_in_ms(60000), 200);

	memset(&off, 0, sizeof(off));
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old_sa, NULL);

	ck_assert_int_eq(rc, 0);
	ck_assert_int_ge(deadline_now_ms() - t0, 199);
}
END_TEST

static Suite *deadline_suite(void)
{
	Suite *s = suite_create("deadline");
	TCase *tc = tcase_create("deadline");

	tcase_add_test(tc, now_is_monotonic);
	tcase_add_test(tc, in_ms_is_now_plus_ms);
	tcase_add_test(tc, in_ms_negative_is_now);
	tcase_add_test(tc, left_ms_counts_down_and_never_goes_negative);
	tcase_add_test(tc, never_has_all_the_time);
	tcase_add_test(tc, expired_only_once_passed);
	tcase_add_test(tc, cap_takes_the_earlier);
	tcase_add_test(tc, sleep_sleeps_the_time_asked);
	tcase_add_test(tc, sleep_stops_at_deadline);
	tcase_add_test(tc, sleep_past_deadline_returns_at_once);
	tcase_add_test(tc, sleep_survives_signals);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_tap_run(deadline_suite());
}
