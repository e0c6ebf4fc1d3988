/* The BMC address: IPv4[:port], [IPv6][:port], nothing else. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "../check_tap.h"
#include "fence_ipmi.h"

static struct fence_ipmi_addr ok(const char *s)
{
	struct fence_ipmi_addr a;
	char why[256] = "";

	ck_assert_msg(fence_ipmi_parse_host(s, &a, why, sizeof(why)) == 0, "refused '%s': %s", s,
		      why);
	return a;
}

START_TEST(ipv4_with_and_without_port)
{
	struct fence_ipmi_addr a = ok("10.213.0.201");

	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_str_eq(a.host, "10.213.0.201");
	ck_assert_uint_eq(a.port, 623);
	a = ok("10.213.0.201:9623");
	ck_assert_str_eq(a.host, "10.213.0.201");
	ck_assert_uint_eq(a.port, 9623);
	a = ok("127.0.0.1:1");
	ck_assert_uint_eq(a.port, 1);
	a = ok("127.0.0.1:65535");
	ck_assert_uint_eq(a.port, 65535);
}
END_TEST

START_TEST(ipv6_in_brackets_with_and_without_port)
{
	struct fence_ipmi_addr a = ok("[fd00:213::201]");

	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_str_eq(a.host, "fd00:213::201");
	ck_assert_uint_eq(a.port, 623);
	a = ok("[::1]:9623");
	ck_assert_str_eq(a.host, "::1");
	ck_assert_uint_eq(a.port, 9623);
	a = ok("[::ffff:10.0.0.1]:700");
	ck_assert_str_eq(a.host, "::ffff:10.0.0.1");
	ck_assert_uint_eq(a.port, 700);
}
END_TEST

START_TEST(formats_what_libfreeipmi_takes)
{
	struct fence_ipmi_addr a = ok("10.0.0.5");
	char buf[FENCE_IPMI_TARGET_LEN], tiny[8];

	ck_assert_int_eq(fence_ipmi_format_host(&a, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "10.0.0.5:623");
	a = ok("[fd00::5]:624");
	ck_assert_int_eq(fence_ipmi_format_host(&a, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "[fd00::5]:624");
	ck_assert_int_eq(fence_ipmi_format_host(&a, tiny, sizeof(tiny)), -ENOSPC);
	/* the longest literal fits */
	a = ok("[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535");
	ck_assert_int_eq(fence_ipmi_format_host(&a, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535");
}
END_TEST

START_TEST(refuses_everything_else_with_a_reason)
{
	static const char *const bad[] = {
		"", "bmc-a", "bmc-a:623", "localhost", "10.0.0", "10.0.0.256", "10.0.0.1:",
		"10.0.0.1:0", "10.0.0.1:65536", "10.0.0.1:99999", "10.0.0.1:-1", "10.0.0.1:+5",
		"10.0.0.1:6 23", "10.0.0.1:0x10", " 10.0.0.1", "10.0.0.1 ", "10.0.0.1/24",
		"fd00::5", "fd00::5:623", "::1", "[fd00::5", "fd00::5]", "[]", "[]:623",
		"[fd00::5]623", "[fd00::5]:", "[fd00::5]:0", "[10.0.0.1]", "[fe80::1%eth0]",
		"[fd00::5]:623:1", "10.0.0.1:623:1", "[fd00::g]", "1.2.3.4.5", NULL,
	};
	struct fence_ipmi_addr a;
	char why[256];

	for (unsigned i = 0; bad[i]; i++) {
		why[0] = '\0';
		ck_assert_msg(fence_ipmi_parse_host(bad[i], &a, why, sizeof(why)) == -EINVAL,
			      "accepted '%s'", bad[i]);
		ck_assert_msg(why[0] != '\0', "no reason for '%s'", bad[i]);
	}
	ck_assert_int_eq(fence_ipmi_parse_host(NULL, &a, why, sizeof(why)), -EINVAL);
	/* no why buffer is fine too */
	ck_assert_int_eq(fence_ipmi_parse_host("nope", &a, NULL, 0), -EINVAL);
}
END_TEST

START_TEST(names_are_refused_because_fencing_must_not_need_dns)
{
	struct fence_ipmi_addr a;
	char why[256];

	ck_assert_int_eq(fence_ipmi_parse_host("bmc.example.com", &a, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "DNS"));
	ck_assert_int_eq(fence_ipmi_parse_host("fd00::5", &a, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "[fd00::5]"));
}
END_TEST

static Suite *host_suite(void)
{
	Suite *s = suite_create("fence_ipmi_parse_host");
	TCase *tc = tcase_create("fence_ipmi_parse_host");

	tcase_add_test(tc, ipv4_with_and_without_port);
	tcase_add_test(tc, ipv6_in_brackets_with_and_without_port);
	tcase_add_test(tc, formats_what_libfreeipmi_takes);
	tcase_add_test(tc, refuses_everything_else_with_a_reason);
	tcase_add_test(tc, names_are_refused_because_fencing_must_not_need_dns);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_tap_run(host_suite());
}
