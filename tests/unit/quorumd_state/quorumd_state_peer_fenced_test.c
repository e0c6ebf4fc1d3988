/* quorumd_state_peer_fenced(): the one verdict agents act on, and
 * quorumd_state_format(), what quorumd writes (round trip through the
 * parser). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../check_tap.h"
#include "quorumd_state.h"

#define NOW 1763790000

static char why[160];

static struct quorumd_state state(enum quorumd_role role, enum quorumd_peer peer,
				  int64_t updated)
{
	struct quorumd_state s = {
		.version = QUORUMD_STATE_VERSION,
		.role = role,
		.peer = peer,
		.epoch = 7,
		.updated = (uint64_t)updated,
	};

	return s;
}

static int verdict(struct quorumd_state s)
{
	why[0] = '\0';
	return quorumd_state_peer_fenced(&s, NOW, why, sizeof(why));
}

START_TEST(primary_with_peer_fenced_is_evidence)
{
	ck_assert_int_eq(verdict(state(QUORUMD_ROLE_PRIMARY, QUORUMD_PEER_FENCED, NOW)), 1);
	ck_assert_msg(strstr(why, "fenced") && strstr(why, "epoch 7"), "why: %s", why);
}
END_TEST

START_TEST(primary_with_peer_released_is_evidence)
{
	ck_assert_int_eq(verdict(state(QUORUMD_ROLE_PRIMARY, QUORUMD_PEER_RELEASED, NOW - 3)), 1);
}
END_TEST

START_TEST(peer_alive_or_lost_is_not)
{
	ck_assert_int_eq(verdict(state(QUORUMD_ROLE_PRIMARY, QUORUMD_PEER_ALIVE, NOW)), 0);
	ck_assert_msg(strstr(why, "alive"), "why: %s", why);
	/* Lost is not fenced: a silent peer may still be writing. */
	ck_assert_int_eq(verdict(state(QUORUMD_ROLE_PRIMARY, QUORUMD_PEER_LOST, NOW)), 0);
	ck_assert_msg(strstr(why, "lost"), "why: %s", why);
}
END_TEST

START_TEST(only_the_primary_may_take_the_pool)
{
	ck_assert_int_eq(verdict(state(QUORUMD_ROLE_SECONDARY, QUORUMD_PEER_FENCED, NOW)), 0);
	ck_assert_msg(strstr(why, "secondary"), "why: %s", why);
	ck_assert_int_eq(verdict(state(QUORUMD_ROLE_STARTING, QUORUMD_PEER_FENCED, NOW)), 0);
	ck_assert_msg(strstr(why, "starting"), "why: %s", why);
}
END_TEST

START_TEST(a_stale_state_is_not_evidence)
{
	ck_assert_int_eq(verdict(state(QUORUMD_ROLE_PRIMARY, QUORUMD_PEER_FENCED,
				       NOW - QUORUMD_STATE_MAX_AGE_S)), 1);
	ck_assert_int_eq(verdict(state(QUORUMD_ROLE_PRIMARY, QUORUMD_PEER_FENCED,
				       NOW - QUORUMD_STATE_MAX_AGE_S - 1)), 0);
	ck_assert_msg(strstr(why, "old"), "why: %s", why);
}
END_TEST

START_TEST(a_state_from_the_future_is_not_evidence)
{
	ck_assert_int_eq(verdict(state(QUORUMD_ROLE_PRIMARY, QUORUMD_PEER_FENCED,
				       NOW + QUORUMD_STATE_MAX_SKEW_S)), 1);
	ck_assert_int_eq(verdict(state(QUORUMD_ROLE_PRIMARY, QUORUMD_PEER_FENCED,
				       NOW + QUORUMD_STATE_MAX_SKEW_S + 1)), 0);
	ck_assert_msg(strstr(why, "future"), "why: %s", why);
}
END_TEST

START_TEST(a_huge_timestamp_does_not_overflow)
{
	struct quorumd_state s = state(QUORUMD_ROLE_PRIMARY, QUORUMD_PEER_FENCED, NOW);

	s.updated = UINT64_MAX;
	ck_assert_int_eq(quorumd_state_peer_fenced(&s, NOW, why, sizeof(why)), 0);
}
END_TEST

START_TEST(an_unknown_version_is_not_evidence)
{
	struct quorumd_state s = state(QUORUMD_ROLE_PRIMARY, QUORUMD_PEER_FENCED, NOW);

	s.version = 2;
	ck_assert_int_eq(quorumd_state_peer_fenced(&s, NOW, why, sizeof(why)), 0);
}
END_TEST

START_TEST(format_writes_what_parse_reads)
{
	struct quorumd_state s = state(QUORUMD_ROLE_PRIMARY, QUORUMD_PEER_RELEASED, NOW), back;
	char buf[QUORUMD_STATE_MAX];
	int n = quorumd_state_format(&s, buf, sizeof(buf));

	ck_assert_int_gt(n, 0);
	ck_assert_str_eq(buf, "version=1\nrole=primary\npeer=released\nepoch=7\n"
			      "updated=1763790000\n");
	ck_assert_int_eq(quorumd_state_parse(buf, (size_t)n, &back, why, sizeof(why)), 0);
	ck_assert_int_eq(back.role, s.role);
	ck_assert_int_eq(back.peer, s.peer);
	ck_assert_uint_eq(back.epoch, s.epoch);
	ck_assert_uint_eq(back.updated, s.updated);
}
END_TEST

START_TEST(format_refuses_what_parse_would_refuse)
{
	struct quorumd_state s = state(QUORUMD_ROLE_PRIMARY, QUORUMD_PEER_FENCED, NOW);
	char small[10], buf[QUORUMD_STATE_MAX];

	ck_assert_int_eq(quorumd_state_format(&s, small, sizeof(small)), -ENOSPC);
	s.updated = 0;
	ck_assert_int_eq(quorumd_state_format(&s, buf, sizeof(buf)), -EINVAL);
	s.updated = NOW;
	s.peer = (enum quorumd_peer)9;
	ck_assert_int_eq(quorumd_state_format(&s, buf, sizeof(buf)), -EINVAL);
}
END_TEST

START_TEST(names_cover_every_value)
{
	ck_assert_str_eq(quorumd_state_role_name(QUORUMD_ROLE_STARTING), "starting");
	ck_assert_str_eq(quorumd_state_peer_name(QUORUMD_PEER_LOST), "lost");
	ck_assert_str_eq(quorumd_state_peer_name((enum quorumd_peer)42), "?");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("quorumd_state_peer_fenced");
	TCase *tc = tcase_create("verdict");

	tcase_add_test(tc, primary_with_peer_fenced_is_evidence);
	tcase_add_test(tc, primary_with_peer_released_is_evidence);
	tcase_add_test(tc, peer_alive_or_lost_is_not);
	tcase_add_test(tc, only_the_primary_may_take_the_pool);
	tcase_add_test(tc, a_stale_state_is_not_evidence);
	tcase_add_test(tc, a_state_from_the_future_is_not_evidence);
	tcase_add_test(tc, a_huge_timestamp_does_not_overflow);
	tcase_add_test(tc, an_unknown_version_is_not_evidence);
	tcase_add_test(tc, format_writes_what_parse_reads);
	tcase_add_test(tc, format_refuses_what_parse_would_refuse);
	tcase_add_test(tc, names_cover_every_value);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
