/* fence_confirm_off() against a fake method: only a status read after the
 * power-off request that says "off" confirms a fence. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../check_tap.h"
#include "fence.h"

#define MAX_READS 64

/* A scripted device. Reads are numbered from 1; read i returns
 * status_rc[i - 1] (0 when not set) and, on success, "off" from read
 * off_from on (0: never), once more than ignored_offs power-off requests
 * came (a BMC that accepts and drops requests). Requests after the first
 * return resend_rc. Every call is logged in order. */
struct fake {
	int off_rc;
	int resend_rc;
	int ignored_offs;
	int off_from;
	int status_rc[MAX_READS];
	int status_rc_after; /* for reads past the script */
	bool lie_off_on_error; /* a failed read also writes *on = false */
	int off_calls, on_calls, status_calls, destroyed;
	char log[256];
};

static struct fake *fake_of(struct fence_dev *dev)
{
	return dev->priv;
}

static void fake_log(struct fake *f, char c)
{
	size_t n = strlen(f->log);

	if (n + 1 < sizeof(f->log)) {
		f->log[n] = c;
		f->log[n + 1] = '\0';
	}
}

static int fake_power_off(struct fence_dev *dev, struct deadline d)
{
	struct fake *f = fake_of(dev);

	fake_log(f, 'O');
	return ++f->off_calls == 1 ? f->off_rc : f->resend_rc;
}

static int fake_power_on(struct fence_dev *dev, struct deadline d)
{
	fake_of(dev)->on_calls++;
	return 0;
}

static int fake_power_status(struct fence_dev *dev, struct deadline d, bool *on)
{
	struct fake *f = fake_of(dev);
	int n = ++f->status_calls;
	int rc = n <= MAX_READS ? f->status_rc[n - 1] : f->status_rc_after;

	fake_log(f, 'S');
	if (rc != 0) {
		if (f->lie_off_on_error)
			*on = false;
		return rc;
	}
	*on = !(f->off_from > 0 && n >= f->off_from && f->off_calls > f->ignored_offs);
	return 0;
}

static void fake_destroy(struct fence_dev *dev)
{
	fake_of(dev)->destroyed++;
}

static const struct fence_ops fake_ops = {
	.name = "fake",
	.power_off = fake_power_off,
	.power_on = fake_power_on,
	.power_status = fake_power_status,
	.destroy = fake_destroy,
};

static struct fake F;
static struct fence_dev DEV;

static void setup(void)
{
	memset(&F, 0, sizeof(F));
	memset(&DEV, 0, sizeof(DEV));
	DEV.ops = &fake_ops;
	DEV.priv = &F;
	strcpy(DEV.desc, "fake");
}

START_TEST(already_off_is_confirmed_by_the_first_read_after_the_request)
{
	F.off_from = 1;
	ck_assert_int_eq(fence_confirm_off(&DEV, deadline_in_ms(5000), 10), 0);
	ck_assert_str_eq(F.log, "OS");
}
END_TEST

START_TEST(off_after_some_polls_is_confirmed_by_the_read_that_says_off)
{
	F.off_from = 4;
	ck_assert_int_eq(fence_confirm_off(&DEV, deadline_in_ms(5000), 1), 0);
	ck_assert_str_eq(F.log, "OSSSS");
}
END_TEST

START_TEST(never_off_times_out)
{
	F.off_from = 0;
	ck_assert_int_eq(fence_confirm_off(&DEV, deadline_in_ms(150), 10), -ETIMEDOUT);
	ck_assert_int_eq(F.off_calls, 1);
	ck_assert_int_ge(F.status_calls, 2);
	ck_assert_int_eq(F.log[0], 'O');
}
END_TEST

START_TEST(failed_power_off_is_an_error_and_reads_nothing)
{
	static const int errs[] = { -EACCES, -ETIMEDOUT, -EIO, -EPROTO };

	for (unsigned i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		setup();
		F.off_rc = errs[i];
		F.off_from = 1; /* even a chassis that reads off: no request, no proof */
		ck_assert_int_eq(fence_confirm_off(&DEV, deadline_in_ms(5000), 10), errs[i]);
		ck_assert_int_eq(F.status_calls, 0);
	}
}
END_TEST

START_TEST(positive_power_off_result_is_not_success)
{
	F.off_rc = 1;
	F.off_from = 1;
	ck_assert_int_eq(fence_confirm_off(&DEV, deadline_in_ms(5000), 10), -EPROTO);
}
END_TEST

START_TEST(failing_status_reads_are_retried_then_reported)
{
	F.status_rc_after = -EIO;
	for (int i = 0; i < MAX_READS; i++)
		F.status_rc[i] = -EIO;
	/* Two reads 10 ms apart must fit in the deadline on a busy machine
	 * too (150 ms did not at load 20): 2 s is 100x the poll. */
	ck_assert_int_eq(fence_confirm_off(&DEV, deadline_in_ms(2000), 10), -EIO);
	ck_assert_int_ge(F.status_calls, 2);
}
END_TEST

START_TEST(a_failed_read_never_confirms_even_if_it_wrote_off)
{
	F.lie_off_on_error = true;
	F.status_rc_after = -EBADMSG;
	for (int i = 0; i < MAX_READS; i++)
		F.status_rc[i] = -EBADMSG;
	ck_assert_int_eq(fence_confirm_off(&DEV, deadline_in_ms(100), 10), -EBADMSG);
}
END_TEST

START_TEST(positive_status_result_is_not_a_read)
{
	F.status_rc_after = 1;
	for (int i = 0; i < MAX_READS; i++)
		F.status_rc[i] = 1;
	F.off_from = 1;
	ck_assert_int_eq(fence_confirm_off(&DEV, deadline_in_ms(100), 10), -EPROTO);
}
END_TEST

START_TEST(a_lost_read_then_off_confirms)
{
	F.status_rc[0] = -ETIMEDOUT;
	F.status_rc[1] = -EBUSY;
	F.off_from = 3;
	ck_assert_int_eq(fence_confirm_off(&DEV, deadline_in_ms(5000), 1), 0);
	ck_assert_str_eq(F.log, "OSSS");
}
END_TEST

START_TEST(an_error_then_on_at_the_deadline_is_a_timeout)
{
	F.status_rc[0] = -EIO;
	F.off_from = 0;
	ck_assert_int_eq(fence_confirm_off(&DEV, deadline_in_ms(150), 10), -ETIMEDOUT);
	ck_assert_int_ge(F.status_calls, 2);
}
END_TEST

START_TEST(an_expired_deadline_sends_nothing)
{
	F.off_from = 1;
	ck_assert_int_eq(fence_confirm_off(&DEV, deadline_in_ms(0), 10), -ETIMEDOUT);
	ck_assert_int_eq(F.off_calls, 0);
	ck_assert_int_eq(F.status_calls, 0);
}
END_TEST

START_TEST(bad_arguments_are_refused)
{
	struct fence_dev none = { 0 };
	struct fence_ops partial = fake_ops;

	ck_assert_int_eq(fence_confirm_off(NULL, deadline_in_ms(1000), 10), -EINVAL);
	ck_assert_int_eq(fence_confirm_off(&none, deadline_in_ms(1000), 10), -EINVAL);
	ck_assert_int_eq(fence_confirm_off(&DEV, deadline_in_ms(1000), 0), -EINVAL);
	ck_assert_int_eq(fence_confirm_off(&DEV, deadline_in_ms(1000), -5), -EINVAL);
	ck_assert_int_eq(fence_confirm_off_every(&DEV, deadline_in_ms(1000), 10, 0), -EINVAL);
	partial.power_status = NULL;
	DEV.ops = &partial;
	ck_assert_int_eq(fence_confirm_off(&DEV, deadline_in_ms(1000), 10), -EINVAL);
	ck_assert_int_eq(F.off_calls, 0);
}
END_TEST

START_TEST(a_dropped_request_is_sent_again_while_reads_say_on)
{
	F.off_from = 1;
	F.ignored_offs = 1;
	ck_assert_int_eq(fence_confirm_off_every(&DEV, deadline_in_ms(5000), 1, 20), 0);
	ck_assert_int_eq(F.off_calls, 2);
	ck_assert_int_eq(F.log[0], 'O');
	ck_assert_int_eq(F.log[strlen(F.log) - 1], 'S'); /* confirmed by a read after it */
}
END_TEST

START_TEST(the_default_resend_goes_within_the_fence_deadlines)
{
	/* twinhead-fence and fence_twinhead call fence_confirm_off(): a
	 * dropped request is repeated there too, inside a 10 s deadline. */
	F.off_from = 1;
	F.ignored_offs = 1;
	ck_assert_int_eq(fence_confirm_off(&DEV, deadline_in_ms(10000), 50), 0);
	ck_assert_int_eq(F.off_calls, 2);
}
END_TEST

START_TEST(a_failed_resend_is_not_a_verdict)
{
	F.off_from = 1;
	F.ignored_offs = 100;
	F.resend_rc = -EIO;
	ck_assert_int_eq(fence_confirm_off_every(&DEV, deadline_in_ms(300), 1, 20), -ETIMEDOUT);
	ck_assert_int_ge(F.off_calls, 2);
}
END_TEST

START_TEST(failed_reads_send_no_request_again)
{
	/* Only a read that says "on" shows the request was dropped; a read
	 * that failed says nothing. */
	F.status_rc_after = -EIO;
	for (int i = 0; i < MAX_READS; i++)
		F.status_rc[i] = -EIO;
	ck_assert_int_eq(fence_confirm_off_every(&DEV, deadline_in_ms(300), 1, 20), -EIO);
	ck_assert_int_eq(F.off_calls, 1);
}
END_TEST

START_TEST(destroy_goes_to_the_method)
{
	fence_destroy(&DEV);
	ck_assert_int_eq(F.destroyed, 1);
	fence_destroy(NULL);
}
END_TEST

static Suite *confirm_off_suite(void)
{
	Suite *s = suite_create("fence_confirm_off");
	TCase *tc = tcase_create("fence_confirm_off");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, already_off_is_confirmed_by_the_first_read_after_the_request);
	tcase_add_test(tc, off_after_some_polls_is_confirmed_by_the_read_that_says_off);
	tcase_add_test(tc, never_off_times_out);
	tcase_add_test(tc, failed_power_off_is_an_error_and_reads_nothing);
	tcase_add_test(tc, positive_power_off_result_is_not_success);
	tcase_add_test(tc, failing_status_reads_are_retried_then_reported);
	tcase_add_test(tc, a_failed_read_never_confirms_even_if_it_wrote_off);
	tcase_add_test(tc, positive_status_result_is_not_a_read);
	tcase_add_test(tc, a_lost_read_then_off_confirms);
	tcase_add_test(tc, an_error_then_on_at_the_deadline_is_a_timeout);
	tcase_add_test(tc, an_expired_deadline_sends_nothing);
	tcase_add_test(tc, bad_arguments_are_refused);
	tcase_add_test(tc, a_dropped_request_is_sent_again_while_reads_say_on);
	tcase_add_test(tc, the_default_resend_goes_within_the_fence_deadlines);
	tcase_add_test(tc, a_failed_resend_is_not_a_verdict);
	tcase_add_test(tc, failed_reads_send_no_request_again);
	tcase_add_test(tc, destroy_goes_to_the_method);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_tap_run(confirm_off_suite());
}
