/* CTL HA roles: where a head stands (the monitor's answer), whether the
 * other head is primary as its ALUA states tell, and the promotion score. */
#include "config.h"

#include <check.h>
#include <string.h>

#include "../check_tap.h"
#include "ctlha_parse.h"

static const struct ctlha_peer want = { CTLHA_PEER_LISTEN, 0x0ad5000bu, 8999 };

static enum ctlha_run classify(int role, int link, const char *peer)
{
	struct ctlha_state st = { .ha_id = 1, .ha_mode = 2, .ha_role = role, .ha_link = link };

	strcpy(st.ha_peer, peer);
	return ctlha_classify(&st, &want);
}

START_TEST(monitor_states_follow_role_link_and_ha_peer)
{
	ck_assert_int_eq(classify(1, 0, ""), CTLHA_RUN_STOPPED);
	ck_assert_int_eq(classify(1, 2, "listen 10.213.0.11:8999"), CTLHA_RUN_SECONDARY);
	ck_assert_int_eq(classify(1, 1, "listen 10.213.0.11:8999"), CTLHA_RUN_SECONDARY_DEGRADED);
	ck_assert_int_eq(classify(0, 2, "listen 10.213.0.11:8999"), CTLHA_RUN_PRIMARY);
	ck_assert_int_eq(classify(0, 1, "listen 10.213.0.11:8999"), CTLHA_RUN_PRIMARY_DEGRADED);
}
END_TEST

START_TEST(a_primary_without_ha_peer_is_running_degraded_not_stopped)
{
	/* Stopping must not hide a primary: Pacemaker would promote the other
	 * head next to it. */
	ck_assert_int_eq(classify(0, 0, ""), CTLHA_RUN_PRIMARY_DEGRADED);
}
END_TEST

START_TEST(another_ha_peer_is_foreign_and_the_same_one_spelled_otherwise_is_not)
{
	ck_assert_int_eq(classify(1, 2, "connect 10.213.0.11:8999"), CTLHA_RUN_FOREIGN);
	ck_assert_int_eq(classify(1, 2, "listen 10.213.0.12:8999"), CTLHA_RUN_FOREIGN);
	ck_assert_int_eq(classify(0, 2, "listen 10.213.0.11:999"), CTLHA_RUN_FOREIGN);
	ck_assert_int_eq(classify(1, 2, "listen 10.213.0.11:8999xyz"), CTLHA_RUN_SECONDARY);
}
END_TEST

START_TEST(peer_role_from_alua_needs_a_live_link_and_a_secondary_lun)
{
	struct ctlha_alua peer_prim = { CTLHA_ALUA_NONOPTIMIZED, CTLHA_ALUA_OPTIMIZED };
	struct ctlha_alua nobody = { CTLHA_ALUA_TRANSITIONING, CTLHA_ALUA_TRANSITIONING };
	struct ctlha_alua me_prim = { CTLHA_ALUA_OPTIMIZED, CTLHA_ALUA_STANDBY };
	/* ctl.c with no known primary and the link down reports the other
	 * group optimized: that is no evidence. */
	struct ctlha_alua link_down = { CTLHA_ALUA_TRANSITIONING, CTLHA_ALUA_OPTIMIZED };

	ck_assert_int_eq(ctlha_peer_primary_from_alua(&peer_prim, CTLHA_LINK_ONLINE), 1);
	ck_assert_int_eq(ctlha_peer_primary_from_alua(&nobody, CTLHA_LINK_ONLINE), 0);
	ck_assert_int_eq(ctlha_peer_primary_from_alua(&me_prim, CTLHA_LINK_ONLINE), -1);
	ck_assert_int_eq(ctlha_peer_primary_from_alua(&link_down, CTLHA_LINK_UNKNOWN), -1);
	ck_assert_int_eq(ctlha_peer_primary_from_alua(&peer_prim, CTLHA_LINK_OFFLINE), -1);
}
END_TEST

START_TEST(promotion_score_prefers_primary_then_pool_then_backends)
{
	struct ctlha_score_in in = { .usable = true };

	ck_assert_int_eq(ctlha_promotion_score(&in), 5);
	in.backends_reachable = true;
	ck_assert_int_eq(ctlha_promotion_score(&in), 10);
	in.primary = true;
	ck_assert_int_eq(ctlha_promotion_score(&in), 110);
	in = (struct ctlha_score_in){ .usable = true, .pool_given = true };
	ck_assert_int_eq(ctlha_promotion_score(&in), 5);
	in.backends_reachable = true; /* ignored once a pool is named */
	ck_assert_int_eq(ctlha_promotion_score(&in), 5);
	in.pool_imported = true;
	ck_assert_int_eq(ctlha_promotion_score(&in), 55);
	in.usable = false;
	ck_assert_int_eq(ctlha_promotion_score(&in), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ctlha_role");
	TCase *tc = tcase_create("role");

	tcase_add_test(tc, monitor_states_follow_role_link_and_ha_peer);
	tcase_add_test(tc, a_primary_without_ha_peer_is_running_degraded_not_stopped);
	tcase_add_test(tc, another_ha_peer_is_foreign_and_the_same_one_spelled_otherwise_is_not);
	tcase_add_test(tc, peer_role_from_alua_needs_a_live_link_and_a_secondary_lun);
	tcase_add_test(tc, promotion_score_prefers_primary_then_pool_then_backends);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
