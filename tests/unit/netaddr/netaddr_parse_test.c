/* IP address parsing and the checks behind floatip's parameters. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <sys/socket.h>

#include "../check_tap.h"
#include "netaddr.h"

static struct netaddr A(const char *s)
{
	struct netaddr a;

	ck_assert_int_eq(netaddr_parse(s, &a), 0);
	return a;
}

START_TEST(parses_ipv4_and_ipv6_literals)
{
	struct netaddr a;
	char buf[NETADDR_STRLEN];

	ck_assert_int_eq(netaddr_parse("10.213.0.100", &a), 0);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_str_eq(netaddr_format(&a, buf), "10.213.0.100");
	ck_assert_int_eq(netaddr_parse("fd00:213::100", &a), 0);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_str_eq(netaddr_format(&a, buf), "fd00:213::100");
}
END_TEST

START_TEST(rejects_everything_that_is_not_a_literal)
{
	static const char *const bad[] = {
		"", "10.0.0", "10.0.0.256", "10.0.0.1/24", "host.example", "fe80::1%eth0",
		" 10.0.0.1", "10.0.0.1 ", "::g", "1.2.3.4.5", NULL,
	};
	struct netaddr a;

	for (unsigned i = 0; bad[i]; i++)
		ck_assert_msg(netaddr_parse(bad[i], &a) == -EINVAL, "accepted '%s'", bad[i]);
	ck_assert_int_eq(netaddr_parse(NULL, &a), -EINVAL);
}
END_TEST

START_TEST(only_unicast_host_addresses_float)
{
	static const char *const bad[] = {
		"0.0.0.0", "0.1.2.3", "127.0.0.1", "224.0.0.1", "255.255.255.255", "240.0.0.1",
		"169.254.1.1", "::", "::1", "ff02::1", "fe80::1", "::ffff:10.0.0.1", NULL,
	};
	char why[128];

	for (unsigned i = 0; bad[i]; i++) {
		struct netaddr a = A(bad[i]);

		why[0] = '\0';
		ck_assert_msg(netaddr_check_floatable(&a, why, sizeof(why)) == -EINVAL,
			      "accepted '%s'", bad[i]);
		ck_assert_msg(why[0], "no reason for '%s'", bad[i]);
	}
	{
		struct netaddr v4 = A("10.1.2.3"), v6 = A("fd00::5");

		ck_assert_int_eq(netaddr_check_floatable(&v4, why, sizeof(why)), 0);
		ck_assert_int_eq(netaddr_check_floatable(&v6, why, sizeof(why)), 0);
	}
}
END_TEST

START_TEST(prefix_lengths_and_dotted_masks)
{
	unsigned n = 0;

	ck_assert_int_eq(netaddr_parse_prefix("24", AF_INET, &n), 0);
	ck_assert_uint_eq(n, 24);
	ck_assert_int_eq(netaddr_parse_prefix("255.255.255.0", AF_INET, &n), 0);
	ck_assert_uint_eq(n, 24);
	ck_assert_int_eq(netaddr_parse_prefix("255.255.255.255", AF_INET, &n), 0);
	ck_assert_uint_eq(n, 32);
	ck_assert_int_eq(netaddr_parse_prefix("64", AF_INET6, &n), 0);
	ck_assert_uint_eq(n, 64);
	ck_assert_int_eq(netaddr_parse_prefix("128", AF_UNSPEC, &n), 0);
}
END_TEST

START_TEST(bad_prefixes_are_rejected)
{
	unsigned n;

	ck_assert_int_eq(netaddr_parse_prefix("33", AF_INET, &n), -EINVAL);
	ck_assert_int_eq(netaddr_parse_prefix("0", AF_INET, &n), -EINVAL);
	ck_assert_int_eq(netaddr_parse_prefix("129", AF_INET6, &n), -EINVAL);
	ck_assert_int_eq(netaddr_parse_prefix("255.0.255.0", AF_INET, &n), -EINVAL);
	ck_assert_int_eq(netaddr_parse_prefix("255.255.255.0", AF_INET6, &n), -EINVAL);
	ck_assert_int_eq(netaddr_parse_prefix("2 4", AF_INET, &n), -EINVAL);
	ck_assert_int_eq(netaddr_parse_prefix("-1", AF_INET, &n), -EINVAL);
	ck_assert_int_eq(netaddr_parse_prefix("0024", AF_INET, &n), -EINVAL);
	ck_assert_int_eq(netaddr_parse_prefix("", AF_INET, &n), -EINVAL);
}
END_TEST

START_TEST(prefix_membership)
{
	struct netaddr a = A("10.213.0.100"), net = A("10.213.0.0"), other = A("10.213.1.1");
	struct netaddr v6 = A("fd00:213::100"), net6 = A("fd00:213::");

	ck_assert(netaddr_in_prefix(&a, &net, 24));
	ck_assert(!netaddr_in_prefix(&other, &net, 24));
	ck_assert(netaddr_in_prefix(&other, &net, 23));
	ck_assert(netaddr_in_prefix(&v6, &net6, 64));
	ck_assert(!netaddr_in_prefix(&v6, &net, 24));
	ck_assert(!netaddr_in_prefix(&a, &net, 33));
}
END_TEST

START_TEST(interface_names)
{
	char why[128];

	ck_assert_int_eq(netaddr_check_ifname("eth0", why, sizeof(why)), 0);
	ck_assert_int_eq(netaddr_check_ifname("bond0.100", why, sizeof(why)), 0);
	ck_assert_int_eq(netaddr_check_ifname("", why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(netaddr_check_ifname("averyveryverylong0", why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(netaddr_check_ifname("eth0:1", why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "alias"));
	ck_assert_int_eq(netaddr_check_ifname("../x", why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(netaddr_check_ifname("eth 0", why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(netaddr_check_ifname("..", why, sizeof(why)), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("netaddr");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, parses_ipv4_and_ipv6_literals);
	tcase_add_test(tc, rejects_everything_that_is_not_a_literal);
	tcase_add_test(tc, only_unicast_host_addresses_float);
	tcase_add_test(tc, prefix_lengths_and_dotted_masks);
	tcase_add_test(tc, bad_prefixes_are_rejected);
	tcase_add_test(tc, prefix_membership);
	tcase_add_test(tc, interface_names);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
