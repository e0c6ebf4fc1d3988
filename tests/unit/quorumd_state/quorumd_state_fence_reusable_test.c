/* quorumd_state_fence_reusable(): fence_twinhead's reuse rule. quorumd's
 * fence confirmation stands for THIS failure only when the BMC read the
 * power back off after the peer's last sign of life: its last slot write
 * seen on the disk, and the last membership that held it. The scenarios
 * follow a peer's life on one monotonic clock (ms). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../check_tap.h"
#include "quorumd_state.h"

#define NOW 1763790000
#define BMC "10.213.0.201:623"

static char why[200];

/* Joined the membership at 1000 ms, wrote its slot last at 50000 ms (it
 * lost power then), fenced and read back off at 51400 ms. */
static struct quorumd_state failure(void)
{
	struct quorumd_state s = {
		.version = QUORUMD_STATE_VERSION, .role = QUORUMD_ROLE_PRIMARY,
		.peer = QUORUMD_PEER_FENCED, .epoch = 7, .updated = NOW, .has_fence = true,
		.peer_member_ms = 1000, .peer_seen_ms = 50000, .fenced_ms = 51400,
		.fenced_bmc = BMC,
	};

	return s;
}

static int reusable(struct quorumd_state s, const char *bmc)
{
	why[0] = '\0';
	return quorumd_state_fence_reusable(&s, bmc, NOW, why, sizeof(why));
}

START_TEST(a_confirmation_after_the_last_slot_write_and_membership_is_reused)
{
	ck_assert_int_eq(reusable(failure(), BMC), 1);
	ck_assert_ptr_nonnull(strstr(why, "1400 ms after the peer's last slot write"));
}
END_TEST

START_TEST(a_slot_write_after_the_confirmation_makes_it_stale)
{
	/* Powered on again after the fence: its quorumd wrote the slot. */
	struct quorumd_state s = failure();

	s.peer_seen_ms = 90000;
	ck_assert_int_eq(reusable(s, BMC), 0);
	ck_assert_ptr_nonnull(strstr(why, "stale: the peer wrote its quorum disk slot"));
}
END_TEST

START_TEST(a_slot_write_at_the_same_ms_is_not_after)
{
	struct quorumd_state s = failure();

	s.peer_seen_ms = s.fenced_ms;
	ck_assert_int_eq(reusable(s, BMC), 0);
}
END_TEST

START_TEST(a_rejoin_after_the_confirmation_makes_it_stale)
{
	/* Powered on, rejoined corosync, but its quorumd never wrote the slot
	 * (not started): only the membership shows it came back. */
	struct quorumd_state s = failure();

	s.peer_member_ms = 120000;
	ck_assert_int_eq(reusable(s, BMC), 0);
	ck_assert_ptr_nonnull(strstr(why, "rejoined"));
}
END_TEST

START_TEST(a_confirmation_from_an_earlier_failure_is_stale)
{
	/* Failure 1 fenced at 51400; the peer came back (membership at
	 * 60000, slot writes until 200000) and failed again: quorumd has not
	 * confirmed failure 2 yet, the file still holds failure 1's. */
	struct quorumd_state s = failure();

	s.peer_member_ms = 60000;
	s.peer_seen_ms = 200000;
	ck_assert_int_eq(reusable(s, BMC), 0);
}
END_TEST

START_TEST(no_confirmation_is_not_reused)
{
	struct quorumd_state s = failure();

	s.fenced_ms = 0;
	ck_assert_int_eq(reusable(s, BMC), 0);
	ck_assert_ptr_nonnull(strstr(why, "confirmed no fence"));
}
END_TEST

START_TEST(another_bmc_is_not_this_device)
{
	ck_assert_int_eq(reusable(failure(), "10.213.0.202:623"), 0);
	ck_assert_ptr_nonnull(strstr(why, "10.213.0.202:623"));
	ck_assert_int_eq(reusable(failure(), "10.213.0.201:624"), 0);
	ck_assert_int_eq(reusable(failure(), NULL), 0);
	struct quorumd_state s = failure();
	strcpy(s.fenced_bmc, "none");
	ck_assert_int_eq(reusable(s, BMC), 0);
}
END_TEST

START_TEST(without_the_membership_there_is_no_reuse)
{
	struct quorumd_state s = failure();

	s.peer_member_ms = 0;
	ck_assert_int_eq(reusable(s, BMC), 0);
	ck_assert_ptr_nonnull(strstr(why, "membership"));
}
END_TEST

START_TEST(a_quorumd_that_stopped_is_not_asked)
{
	struct quorumd_state s = failure();

	s.updated = NOW - QUORUMD_STATE_MAX_AGE_S - 1;
	ck_assert_int_eq(reusable(s, BMC), 0);
	ck_assert_ptr_nonnull(strstr(why, "is quorumd running"));
	s.updated = NOW + QUORUMD_STATE_MAX_SKEW_S + 1;
	ck_assert_int_eq(reusable(s, BMC), 0);
}
END_TEST

START_TEST(a_file_without_fence_keys_is_not_reused)
{
	struct quorumd_state s = failure();

	s.has_fence = false;
	ck_assert_int_eq(reusable(s, BMC), 0);
}
END_TEST

START_TEST(the_fence_keys_round_trip_through_the_file)
{
	struct quorumd_state s = failure(), back;
	char buf[QUORUMD_STATE_MAX];
	int n = quorumd_state_format(&s, buf, sizeof(buf));

	ck_assert_int_gt(n, 0);
	ck_assert_ptr_nonnull(strstr(buf, "fenced_ms=51400\nfenced_bmc=" BMC "\n"));
	ck_assert_int_eq(quorumd_state_parse(buf, (size_t)n, &back, why, sizeof(why)), 0);
	ck_assert(back.has_fence);
	ck_assert_uint_eq(back.peer_seen_ms, 50000);
	ck_assert_uint_eq(back.peer_member_ms, 1000);
	ck_assert_uint_eq(back.fenced_ms, 51400);
	ck_assert_str_eq(back.fenced_bmc, BMC);
	ck_assert_int_eq(reusable(back, BMC), 1);
}
END_TEST

START_TEST(the_fence_keys_come_all_or_none)
{
	struct quorumd_state back;
	static const char base[] = "version=1\nrole=primary\npeer=fenced\nepoch=1\nupdated=1\n";
	char buf[QUORUMD_STATE_MAX];

	ck_assert_int_eq(quorumd_state_parse(base, strlen(base), &back, why, sizeof(why)), 0);
	ck_assert(!back.has_fence);
	snprintf(buf, sizeof(buf), "%sfenced_ms=5\n", base);
	ck_assert_int_eq(quorumd_state_parse(buf, strlen(buf), &back, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "all together"));
	snprintf(buf, sizeof(buf),
		 "%speer_seen_ms=1\npeer_member_ms=2\nfenced_ms=3\nfenced_bmc=1.2.3.4:623 x\n", base);
	ck_assert_int_eq(quorumd_state_parse(buf, strlen(buf), &back, why, sizeof(why)), -EINVAL);
	snprintf(buf, sizeof(buf),
		 "%speer_seen_ms=1\npeer_member_ms=2\nfenced_ms=3\nfenced_bmc=host.example\n", base);
	ck_assert_int_eq(quorumd_state_parse(buf, strlen(buf), &back, why, sizeof(why)), -EINVAL);
	snprintf(buf, sizeof(buf),
		 "%speer_seen_ms=1\npeer_member_ms=2\nfenced_ms=-3\nfenced_bmc=none\n", base);
	ck_assert_int_eq(quorumd_state_parse(buf, strlen(buf), &back, why, sizeof(why)), -EINVAL);
	snprintf(buf, sizeof(buf),
		 "%speer_seen_ms=1\npeer_member_ms=2\nfenced_ms=3\nfenced_bmc=[fd00::5]:623\n", base);
	ck_assert_int_eq(quorumd_state_parse(buf, strlen(buf), &back, why, sizeof(why)), 0);
	ck_assert_str_eq(back.fenced_bmc, "[fd00::5]:623");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("quorumd_state_fence_reusable");
	TCase *tc = tcase_create("rule");

	tcase_add_test(tc, a_confirmation_after_the_last_slot_write_and_membership_is_reused);
	tcase_add_test(tc, a_slot_write_after_the_confirmation_makes_it_stale);
	tcase_add_test(tc, a_slot_write_at_the_same_ms_is_not_after);
	tcase_add_test(tc, a_rejoin_after_the_confirmation_makes_it_stale);
	tcase_add_test(tc, a_confirmation_from_an_earlier_failure_is_stale);
	tcase_add_test(tc, no_confirmation_is_not_reused);
	tcase_add_test(tc, another_bmc_is_not_this_device);
	tcase_add_test(tc, without_the_membership_there_is_no_reuse);
	tcase_add_test(tc, a_quorumd_that_stopped_is_not_asked);
	tcase_add_test(tc, a_file_without_fence_keys_is_not_reused);
	tcase_add_test(tc, the_fence_keys_round_trip_through_the_file);
	tcase_add_test(tc, the_fence_keys_come_all_or_none);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
