/* zpool_config_row: the configuration zfs-fuse returned for a healthy pool
 * is ONLINE with its guid; suspended I/O ("suspended", or writes failing at
 * the root vdev, which is all zfs-fuse shows) is SUSPENDED with the
 * details; every other state and a pool not active are left to zpool
 * (-EAGAIN); a configuration without what it must hold, or about another
 * pool, is refused (-EPROTO). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../check_tap.h"
#include "tank_config.h"
#include "zpool_config.h"

/* Offsets in the capture: the top "state" value, the root vdev's stats
 * (vs_state, vs_aux), the name "name" of the pair holding "tank", and the
 * vdev_tree name. */
#define AT_STATE 100
#define AT_ROOT_VS_STATE 516
#define AT_ROOT_VS_AUX 524
#define AT_NAME_KEY 60
#define AT_TREE_KEY 308
#define AT_HOSTNAME_KEY 228
/* vdev_stat_t in zfs-fuse's "stats": vs_read_errors is element 19,
 * vs_write_errors 20; the root vdev's array starts at 508, the mirror's at
 * 1148, the first file vdev's at 1708. */
#define AT_ROOT_STATS 508
#define AT_MIRROR_STATS 1148
#define AT_LEAF_STATS 1708
#define VS_WRITE_ERRORS 20

static char why[200];
static struct zpool_row row;

static int row_of_patched(size_t at, const void *bytes, size_t n, const char *pool)
{
	uint8_t c[sizeof(tank_config)];

	memcpy(c, tank_config, sizeof(c));
	if (n)
		memcpy(c + at, bytes, n);
	return zpool_config_row(c, sizeof(c), pool, &row, why, sizeof(why));
}

START_TEST(healthy_pool_is_online)
{
	ck_assert_int_eq(zpool_config_row(tank_config, sizeof(tank_config), "tank", &row, why,
					  sizeof(why)),
			 0);
	ck_assert_str_eq(row.name, "tank");
	ck_assert_int_eq(row.health, ZPOOL_HEALTH_ONLINE);
	ck_assert_str_eq(row.health_word, "ONLINE");
	ck_assert(row.guid == TANK_GUID);
}
END_TEST

START_TEST(offsets_are_where_the_tests_think)
{
	ck_assert_int_eq(tank_config[AT_STATE], 0);
	ck_assert_int_eq(tank_config[AT_ROOT_VS_STATE], 7);
	ck_assert_mem_eq(tank_config + AT_NAME_KEY, "name", 5);
	ck_assert_mem_eq(tank_config + AT_TREE_KEY, "vdev_tree", 10);
}
END_TEST

START_TEST(other_root_states_are_left_to_zpool)
{
	/* CLOSED, OFFLINE, REMOVED, CANT_OPEN, FAULTED, DEGRADED, and 0 and
	 * a value past the enum: zpool names them (with the aux code). */
	static const uint8_t states[] = { 0, 1, 2, 3, 4, 5, 6, 8, 200 };

	for (size_t i = 0; i < sizeof(states); i++) {
		ck_assert_msg(row_of_patched(AT_ROOT_VS_STATE, &states[i], 1, "tank") == -EAGAIN,
			      "state %u", states[i]);
		ck_assert_msg(strstr(why, "root vdev state"), "why: %s", why);
	}
}
END_TEST

START_TEST(aux_alone_does_not_change_online)
{
	uint8_t aux = 2;

	ck_assert_int_eq(row_of_patched(AT_ROOT_VS_AUX, &aux, 1, "tank"), 0);
}
END_TEST

START_TEST(pool_not_active_is_left_to_zpool)
{
	uint8_t exported = 1;

	ck_assert_int_eq(row_of_patched(AT_STATE, &exported, 1, "tank"), -EAGAIN);
	ck_assert_msg(strstr(why, "not active"), "why: %s", why);
}
END_TEST

/* "hostname" (a string "a" padded to 8 bytes) turned into "suspended", a
 * uint64 holding failmode: name size 12 bytes before the name, the type 4
 * before, the value 16 after. */
static void make_suspended(uint8_t *c, uint8_t failmode)
{
	ck_assert_mem_eq(c + AT_HOSTNAME_KEY, "hostname", 9);
	memcpy(c + AT_HOSTNAME_KEY, "suspended", 10);
	c[AT_HOSTNAME_KEY - 12] = 10;
	c[AT_HOSTNAME_KEY - 4] = 8;
	memset(c + AT_HOSTNAME_KEY + 16, 0, 8);
	c[AT_HOSTNAME_KEY + 16] = failmode;
}

START_TEST(suspended_key_is_suspended_with_failmode)
{
	uint8_t c[sizeof(tank_config)];

	memcpy(c, tank_config, sizeof(c));
	make_suspended(c, 1);
	ck_assert_int_eq(zpool_config_row(c, sizeof(c), "tank", &row, why, sizeof(why)), 0);
	ck_assert_int_eq(row.health, ZPOOL_HEALTH_SUSPENDED);
	ck_assert_str_eq(row.health_word, "SUSPENDED");
	ck_assert_str_eq(row.name, "tank");
	ck_assert(row.guid == TANK_GUID);
	ck_assert(row.io.suspended && row.io.have_failmode);
	ck_assert_uint_eq(row.io.failmode, 1);
	ck_assert_str_eq(zpool_failmode_name(row.io.failmode), "continue");
	ck_assert_uint_eq(row.io.write_errors, 0);
}
END_TEST

/* zfs-fuse's own suspension: no "suspended", zpool says ONLINE, but the
 * root vdev counts writes that failed on every copy. */
START_TEST(root_write_errors_are_suspended)
{
	uint8_t n = 5;

	ck_assert_int_eq(row_of_patched(AT_ROOT_STATS + 8 * VS_WRITE_ERRORS, &n, 1, "tank"), 0);
	ck_assert_int_eq(row.health, ZPOOL_HEALTH_SUSPENDED);
	ck_assert(!row.io.suspended && !row.io.have_failmode);
	ck_assert_uint_eq(row.io.write_errors, 5);
	ck_assert_uint_eq(row.io.alloc, 581632);
	ck_assert_uint_eq(row.io.space, 128974848);
}
END_TEST

/* A leg of the mirror failing writes is what redundancy is for: ONLINE
 * here (zpool status and depth 10 report the device). */
START_TEST(leaf_write_errors_stay_online)
{
	uint8_t n = 9;

	ck_assert_int_eq(row_of_patched(AT_LEAF_STATS + 8 * VS_WRITE_ERRORS, &n, 1, "tank"), 0);
	ck_assert_int_eq(row.health, ZPOOL_HEALTH_ONLINE);
	ck_assert_uint_eq(row.io.write_errors, 0);
	ck_assert_int_eq(row_of_patched(AT_MIRROR_STATS + 8 * VS_WRITE_ERRORS, &n, 1, "tank"), 0);
	ck_assert_int_eq(row.health, ZPOOL_HEALTH_ONLINE);
}
END_TEST

START_TEST(suspended_needs_a_number)
{
	uint8_t c[sizeof(tank_config)];

	/* "suspended" as a string is not ZFS's: refused, not guessed. */
	memcpy(c, tank_config, sizeof(c));
	memcpy(c + AT_HOSTNAME_KEY, "suspended", 10);
	c[AT_HOSTNAME_KEY - 12] = 10;
	ck_assert_int_eq(zpool_config_row(c, sizeof(c), "tank", &row, why, sizeof(why)), -EPROTO);
	ck_assert_msg(strstr(why, "suspended"), "why: %s", why);
}
END_TEST

START_TEST(failmode_names)
{
	ck_assert_str_eq(zpool_failmode_name(0), "wait");
	ck_assert_str_eq(zpool_failmode_name(2), "panic");
	ck_assert_str_eq(zpool_failmode_name(3), "?");
}
END_TEST

START_TEST(another_pool_is_refused)
{
	ck_assert_int_eq(row_of_patched(0, NULL, 0, "tan"), -EPROTO);
	ck_assert_int_eq(row_of_patched(0, NULL, 0, "tank2"), -EPROTO);
}
END_TEST

START_TEST(missing_keys_are_refused)
{
	static const struct {
		size_t at;
		const char *rename, *reason;
	} cases[] = {
		{ AT_NAME_KEY, "nama", "name" },
		{ AT_TREE_KEY, "vdev_treX", "vdev tree" },
		{ AT_STATE - 8, "stata", "state" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(row_of_patched(cases[i].at, cases[i].rename, strlen(cases[i].rename),
						"tank"),
				 -EPROTO);
		ck_assert_msg(strstr(why, cases[i].reason), "case %zu: why: %s", i, why);
	}
}
END_TEST

START_TEST(wrong_types_are_refused)
{
	/* The "state" pair (type at 88) as a string. */
	uint8_t string = 9;

	ck_assert_int_eq(row_of_patched(88, &string, 1, "tank"), -EPROTO);
}
END_TEST

START_TEST(every_cut_is_refused)
{
	for (size_t len = 0; len < sizeof(tank_config); len += 7)
		ck_assert_int_eq(zpool_config_row(tank_config, len, "tank", &row, why, sizeof(why)),
				 -EPROTO);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("zpool_config_row");
	TCase *tc = tcase_create("row");

	tcase_add_test(tc, healthy_pool_is_online);
	tcase_add_test(tc, offsets_are_where_the_tests_think);
	tcase_add_test(tc, other_root_states_are_left_to_zpool);
	tcase_add_test(tc, aux_alone_does_not_change_online);
	tcase_add_test(tc, pool_not_active_is_left_to_zpool);
	tcase_add_test(tc, suspended_key_is_suspended_with_failmode);
	tcase_add_test(tc, root_write_errors_are_suspended);
	tcase_add_test(tc, leaf_write_errors_stay_online);
	tcase_add_test(tc, suspended_needs_a_number);
	tcase_add_test(tc, failmode_names);
	tcase_add_test(tc, another_pool_is_refused);
	tcase_add_test(tc, missing_keys_are_refused);
	tcase_add_test(tc, wrong_types_are_refused);
	tcase_add_test(tc, every_cut_is_refused);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
