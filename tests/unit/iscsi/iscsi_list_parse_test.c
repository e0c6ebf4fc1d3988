/* Portals, LUNs and ACL entries: the list parameters of iscsitarget. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check_tap.h"
#include "iscsi_conf.h"

static char why[256];

START_TEST(portals_ipv4_ipv6_default_port)
{
	struct iscsi_portal p[ISCSI_PORTALS_MAX];
	size_t n;

	ck_assert_int_eq(iscsi_portals_parse("10.0.0.1:3260, [fd00::1]:3261  10.0.0.2 [fd00::2]",
					     p, ISCSI_PORTALS_MAX, &n, why, sizeof(why)),
			 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(p[0].text, "10.0.0.1:3260");
	ck_assert_str_eq(p[1].text, "[fd00::1]:3261");
	ck_assert_str_eq(p[2].text, "10.0.0.2:3260");
	ck_assert_str_eq(p[3].text, "[fd00::2]:3260");
	ck_assert_uint_eq(p[1].port, 3261);
}
END_TEST

START_TEST(portals_empty_is_no_portal)
{
	struct iscsi_portal p[ISCSI_PORTALS_MAX];
	size_t n = 9;

	ck_assert_int_eq(iscsi_portals_parse(NULL, p, ISCSI_PORTALS_MAX, &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(iscsi_portals_parse(" , ", p, ISCSI_PORTALS_MAX, &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(portals_refused)
{
	static const char *const bad[] = {
		"fd00::1:3260",        /* IPv6 without brackets */
		"[fd00::1",            /* unterminated */
		"[10.0.0.1]:3260",     /* IPv4 in brackets */
		"10.0.0.1:0",          /* port 0 */
		"10.0.0.1:65536",      /* port too big */
		"10.0.0.1:03260",      /* leading zero */
		"10.0.0.1:",           /* empty port */
		"host.example:3260",   /* host name */
		"0.0.0.0:3260",        /* unspecified */
		"127.0.0.1:3260",      /* loopback */
		"224.0.0.1:3260",      /* multicast */
		"10.0.0.1:3260 10.0.0.1", /* duplicate after normalisation */
		"[fd00::1]x",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct iscsi_portal p[ISCSI_PORTALS_MAX];
		size_t n;

		ck_assert_msg(iscsi_portals_parse(bad[i], p, ISCSI_PORTALS_MAX, &n, why,
						  sizeof(why)) == -EINVAL,
			      "accepted '%s'", bad[i]);
		ck_assert_msg(why[0], "no reason for '%s'", bad[i]);
	}
}
END_TEST

START_TEST(luns_sorted_and_identities_empty)
{
	struct iscsi_lun *l;
	size_t n;

	ck_assert_int_eq(iscsi_luns_parse("2:/tank/b\n1:/tank/a, 16383:/dev/zvol/tank/c", &l, &n,
					  why, sizeof(why)),
			 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(l[0].number, 1);
	ck_assert_str_eq(l[0].path, "/tank/a");
	ck_assert_uint_eq(l[1].number, 2);
	ck_assert_uint_eq(l[2].number, 16383);
	ck_assert_str_eq(l[2].path, "/dev/zvol/tank/c");
	ck_assert_str_eq(l[0].serial, "");
	ck_assert_str_eq(l[0].device_id, "");
	free(l);
}
END_TEST

/* Dots are only special as a whole component. */
START_TEST(luns_dots_inside_names_are_fine)
{
	struct iscsi_lun *l;
	size_t n;

	ck_assert_int_eq(iscsi_luns_parse("1:/tank/.a 2:/tank/..b 3:/tank/c. 4:/tank/d.. 5:/e...",
					  &l, &n, why, sizeof(why)),
			 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(l[1].path, "/tank/..b");
	ck_assert_str_eq(l[4].path, "/e...");
	free(l);
}
END_TEST

/* Paths that differ only in their last byte, or in one byte of a long
 * common prefix: the duplicate check must tell them apart, and find the
 * one real duplicate among many. */
START_TEST(luns_duplicate_paths_among_many)
{
	char *s = malloc(600 * 80);
	struct iscsi_lun *l;
	size_t n, off = 0;

	for (unsigned i = 1; i <= 600; i++)
		off += (size_t)sprintf(s + off, "%u:/tmp/twinhead-lab/bench/shared/disks/l%05u ", i, i);
	ck_assert_int_eq(iscsi_luns_parse(s, &l, &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 600);
	free(l);
	sprintf(s + off, "601:/tmp/twinhead-lab/bench/shared/disks/l00417");
	ck_assert_int_eq(iscsi_luns_parse(s, &l, &n, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, "backs both LUN 417 and LUN 601"), "why: %s", why);
	free(s);
}
END_TEST

START_TEST(luns_refused_with_reasons)
{
	static const struct {
		const char *in, *reason;
	} bad[] = {
		{ "", "no LUNs" },
		{ "/tank/a", "NUMBER:/path" },
		{ "x:/tank/a", "0 to 16383" },
		{ "16384:/tank/a", "0 to 16383" },
		{ "01:/tank/a", "0 to 16383" },
		{ "1:tank/a", "absolute" },
		{ "1:/tank/a 1:/tank/b", "twice" },
		{ "1:/tank/a 2:/tank/a", "one file, one LUN" },
		{ "1:/tank/a\"b", "character" },
		{ "1:/tank/a\\b", "character" },
		{ "1:/tank/./a", "canonical" },
		{ "1:/tank/../a", "canonical" },
		{ "1:/tank//a", "canonical" },
		{ "1:/tank/a/", "ends with" },
		{ "1:/tank/.", "canonical" },
		{ "1:/tank/..", "canonical" },
		{ "1:/.", "canonical" },
		{ "1://", "canonical" },
		{ "1:/tank/\x7f", "character" },
		{ "1:/tank/\x01" "a", "character" },
		/* A bad character is named before a bad component. */
		{ "1:/tank/../a\"b", "character" },
		{ "1:/tank/a 2:/tank/b 3:/tank/c 4:/tank/b", "one file, one LUN" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct iscsi_lun *l = (void *)1;
		size_t n = 7;

		ck_assert_msg(iscsi_luns_parse(bad[i].in, &l, &n, why, sizeof(why)) == -EINVAL,
			      "accepted '%s'", bad[i].in);
		ck_assert_ptr_null(l);
		ck_assert_uint_eq(n, 0);
		ck_assert_msg(strstr(why, bad[i].reason), "'%s': reason '%s' lacks '%s'",
			      bad[i].in, why, bad[i].reason);
	}
}
END_TEST

START_TEST(luns_at_most_1024)
{
	char *s = malloc(1025 * 24);
	struct iscsi_lun *l;
	size_t n, off = 0;

	for (unsigned i = 1; i <= 1025; i++)
		off += (size_t)sprintf(s + off, "%u:/p/%u ", i, i);
	ck_assert_int_eq(iscsi_luns_parse(s, &l, &n, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, "1024"), "why: %s", why);
	s[off - strlen("1025:/p/1025 ")] = '\0';
	ck_assert_int_eq(iscsi_luns_parse(s, &l, &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 1024);
	free(l);
	free(s);
}
END_TEST

START_TEST(acl_kinds_and_normalisation)
{
	struct iscsi_acl a[ISCSI_ACL_MAX];
	size_t n;

	ck_assert_int_eq(iscsi_acl_parse("iqn.2024-01.com.example:h1 10.0.0.5 10.0.0.0/24 "
					 "[fd00::5] fd00:0::/64",
					 a, ISCSI_ACL_MAX, &n, why, sizeof(why)),
			 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(a[0].kind, ISCSI_ACL_NAME);
	ck_assert_str_eq(a[0].text, "iqn.2024-01.com.example:h1");
	ck_assert_int_eq(a[1].kind, ISCSI_ACL_ADDRESS);
	ck_assert_str_eq(a[1].text, "10.0.0.5");
	ck_assert_uint_eq(a[1].prefix, 32);
	ck_assert_str_eq(a[2].text, "10.0.0.0/24");
	ck_assert_str_eq(a[3].text, "fd00::5");
	ck_assert_str_eq(a[4].text, "fd00::/64");
}
END_TEST

START_TEST(acl_empty_means_nobody_and_all_is_explicit)
{
	struct iscsi_acl a[ISCSI_ACL_MAX];
	size_t n = 5;

	ck_assert_int_eq(iscsi_acl_parse(NULL, a, ISCSI_ACL_MAX, &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(iscsi_acl_parse("ALL", a, ISCSI_ACL_MAX, &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(a[0].kind, ISCSI_ACL_ALL);
	/* "all" is not ALL. */
	ck_assert_int_eq(iscsi_acl_parse("all", a, ISCSI_ACL_MAX, &n, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(iscsi_acl_parse("ALL 10.0.0.5", a, ISCSI_ACL_MAX, &n, why, sizeof(why)),
			 -EINVAL);
	ck_assert_msg(strstr(why, "ALL alone"), "why: %s", why);
	ck_assert_int_eq(iscsi_acl_parse("iqn.2024-01.com.example:h1 ALL", a, ISCSI_ACL_MAX, &n,
					 why, sizeof(why)),
			 -EINVAL);
}
END_TEST

START_TEST(acl_refused)
{
	static const char *const bad[] = {
		"bogus", "10.0.0.0/33", "fd00::/129", "10.0.0.1/", "10.0.0.1/x",
		"iqn.2024-01.com.Example:h1", "10.0.0.5 10.0.0.5", "host.example",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct iscsi_acl a[ISCSI_ACL_MAX];
		size_t n;

		ck_assert_msg(iscsi_acl_parse(bad[i], a, ISCSI_ACL_MAX, &n, why, sizeof(why)) ==
				      -EINVAL,
			      "accepted '%s'", bad[i]);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("iscsi_list_parse");
	TCase *tc = tcase_create("lists");

	tcase_add_test(tc, portals_ipv4_ipv6_default_port);
	tcase_add_test(tc, portals_empty_is_no_portal);
	tcase_add_test(tc, portals_refused);
	tcase_add_test(tc, luns_sorted_and_identities_empty);
	tcase_add_test(tc, luns_refused_with_reasons);
	tcase_add_test(tc, luns_dots_inside_names_are_fine);
	tcase_add_test(tc, luns_duplicate_paths_among_many);
	tcase_add_test(tc, luns_at_most_1024);
	tcase_add_test(tc, acl_kinds_and_normalisation);
	tcase_add_test(tc, acl_empty_means_nobody_and_all_is_explicit);
	tcase_add_test(tc, acl_refused);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
