/* CTL HA text: ha_peer strings read as the kernel reads them, the agent's
 * peer and lun_roles parameters, and ctladm's devlist -x and rtpg output
 * (formats from usr.sbin/ctladm/ctladm.c and sys/cam/ctl/ctl.c). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <string.h>

#include "../check_tap.h"
#include "ctlha_parse.h"

static char why[512];

/* ---- ha_peer ---- */

START_TEST(peer_strings_parse_as_the_kernel_reads_them)
{
	struct ctlha_peer p;

	ck_assert_int_eq(ctlha_peer_parse("listen 10.0.0.1:7777", &p), 0);
	ck_assert_int_eq(p.kind, CTLHA_PEER_LISTEN);
	ck_assert_uint_eq(p.addr, 0x0a000001u);
	ck_assert_uint_eq(p.port, 7777);
	ck_assert_int_eq(ctlha_peer_parse("connect 192.168.1.2", &p), 0);
	ck_assert_int_eq(p.kind, CTLHA_PEER_CONNECT);
	ck_assert_uint_eq(p.port, 999); /* ctl_ha.c's default */
	ck_assert_int_eq(ctlha_peer_parse("", &p), 0);
	ck_assert_int_eq(p.kind, CTLHA_PEER_NONE);
}
END_TEST

START_TEST(peer_strings_the_kernel_refuses_are_einval)
{
	struct ctlha_peer p;

	ck_assert_int_eq(ctlha_peer_parse("10.0.0.1:7777", &p), -EINVAL);
	ck_assert_int_eq(ctlha_peer_parse("listen 10.0.0", &p), -EINVAL);
	ck_assert_int_eq(ctlha_peer_parse("accept 10.0.0.1:1", &p), -EINVAL);
}
END_TEST

START_TEST(peer_format_round_trips_and_equality_is_semantic)
{
	struct ctlha_peer a = { CTLHA_PEER_CONNECT, 0x0a010203u, 999 }, b;
	char buf[CTLHA_PEER_MAX];

	ck_assert_int_eq(ctlha_peer_format(&a, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "connect 10.1.2.3:999");
	ck_assert_int_eq(ctlha_peer_parse("connect 10.1.2.3", &b), 0);
	ck_assert(ctlha_peer_equal(&a, &b)); /* the port the kernel defaults */
	b.kind = CTLHA_PEER_LISTEN;
	ck_assert(!ctlha_peer_equal(&a, &b));
	ck_assert_int_eq(ctlha_peer_format(&a, buf, 8), -ENOSPC);
}
END_TEST

/* ---- the peer parameter ---- */

START_TEST(peer_parameter_takes_address_and_optional_port)
{
	uint32_t a;
	unsigned port;

	ck_assert_int_eq(ctlha_addr_parse("10.213.0.11:8999", &a, &port, why, sizeof(why)), 0);
	ck_assert_uint_eq(a, 0x0ad5000bu);
	ck_assert_uint_eq(port, 8999);
	ck_assert_int_eq(ctlha_addr_parse("10.213.0.11", &a, &port, why, sizeof(why)), 0);
	ck_assert_uint_eq(port, 999);
}
END_TEST

START_TEST(peer_parameter_refuses_what_cannot_be_an_interconnect)
{
	uint32_t a;
	unsigned port;
	static const char *const bad[] = {
		"head-b:7777", "10.0.0.256", "010.0.0.1", "10.0.0.1:0", "10.0.0.1:65536",
		"10.0.0.1:07", "10.0.0.1:", "10.0.0.1:12a", "0.0.0.0", "127.0.0.1", "224.0.0.5",
		"255.255.255.255", "fd00::1", "", " 10.0.0.1", "10.0.0.1:99:1",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		ck_assert_msg(ctlha_addr_parse(bad[i], &a, &port, why, sizeof(why)) == -EINVAL,
			      "accepted '%s'", bad[i]);
		ck_assert_msg(why[0] != '\0', "no reason for '%s'", bad[i]);
	}
	ctlha_addr_parse("head-b", &a, &port, why, sizeof(why));
	ck_assert_msg(strstr(why, "IPv4"), "reason: %s", why);
	ctlha_addr_parse("127.0.0.1", &a, &port, why, sizeof(why));
	ck_assert_msg(strstr(why, "loopback"), "reason: %s", why);
}
END_TEST

/* ---- lun_roles ---- */

START_TEST(lun_roles_take_commas_and_blanks)
{
	struct ctlha_lun_role r[8];

	ck_assert_int_eq(ctlha_lun_roles_parse("0=1, 1=2 17=1", r, 8, why, sizeof(why)), 3);
	ck_assert_uint_eq(r[0].lun, 0);
	ck_assert_int_eq(r[0].owner, 1);
	ck_assert_uint_eq(r[1].lun, 1);
	ck_assert_int_eq(r[1].owner, 2);
	ck_assert_uint_eq(r[2].lun, 17);
	ck_assert_int_eq(ctlha_lun_roles_parse("", r, 8, why, sizeof(why)), 0);
}
END_TEST

START_TEST(lun_roles_errors_name_the_problem)
{
	struct ctlha_lun_role r[2];

	ck_assert_int_eq(ctlha_lun_roles_parse("0=3", r, 2, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, "'0=3' is not LUN=HAID"), "reason: %s", why);
	ck_assert_int_eq(ctlha_lun_roles_parse("0=1,0=2", r, 2, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, "named twice"), "reason: %s", why);
	ck_assert_int_eq(ctlha_lun_roles_parse("20000=1", r, 2, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, "above"), "reason: %s", why);
	ck_assert_int_eq(ctlha_lun_roles_parse("1=1 2=1 3=1", r, 2, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(ctlha_lun_roles_parse("01=1", r, 2, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(ctlha_lun_roles_parse("a=1", r, 2, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(ctlha_lun_roles_parse("1=primary", r, 2, why, sizeof(why)), -EINVAL);
}
END_TEST

/* ---- ctladm devlist -x ---- */

static const char devlist[] =
	"<ctllunlist>\n"
	"<lun id=\"0\">\n"
	"\t<backend_type>block</backend_type>\n"
	"\t<lun_type>0</lun_type>\n"
	"\t<size>8192</size>\n"
	"\t<blocksize>512</blocksize>\n"
	"\t<serial_number>SN0</serial_number>\n"
	"\t<device_id>TH-LUN0</device_id>\n"
	"\t<num_threads>14</num_threads>\n"
	"\t<file>/dev/zvol/tank/a&amp;b</file>\n"
	"\t<ctld_name>iqn.2026-01.x:t,lun,0</ctld_name>\n"
	"\t<ha_role>secondary</ha_role>\n"
	"</lun>\n"
	"<lun id=\"3\">\n"
	"\t<backend_type>ramdisk</backend_type>\n"
	"\t<lun_type>0</lun_type>\n"
	"</lun>\n"
	"</ctllunlist>\n";

START_TEST(devlist_gives_luns_backends_and_options)
{
	struct ctlha_lun_list l;

	ck_assert_int_eq(ctlha_devlist_parse(devlist, &l, why, sizeof(why)), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(l.luns[0].id, 0);
	ck_assert_str_eq(l.luns[0].backend, "block");
	ck_assert_str_eq(l.luns[0].device_id, "TH-LUN0");
	ck_assert_str_eq(l.luns[0].file, "/dev/zvol/tank/a&b");
	ck_assert_str_eq(l.luns[0].ha_role, "secondary");
	/* Options are what is not the kernel's own: file, ctld_name, ha_role. */
	ck_assert_uint_eq(l.luns[0].nopts, 3);
	ck_assert_str_eq(l.luns[0].opts[1].name, "ctld_name");
	ck_assert_str_eq(l.luns[0].opts[1].value, "iqn.2026-01.x:t,lun,0");
	ck_assert_uint_eq(l.luns[1].id, 3);
	ck_assert_str_eq(l.luns[1].backend, "ramdisk");
	ck_assert_str_eq(l.luns[1].file, "");
	ck_assert_uint_eq(l.luns[1].nopts, 0);
	ctlha_lun_list_free(&l);
	ck_assert_int_eq(ctlha_devlist_parse("<ctllunlist>\n</ctllunlist>\n", &l, why, sizeof(why)),
			 0);
	ck_assert_uint_eq(l.n, 0);
	ctlha_lun_list_free(&l);
}
END_TEST

static int devlist_error(const char *text)
{
	struct ctlha_lun_list l;
	int rc;

	why[0] = '\0';
	rc = ctlha_devlist_parse(text, &l, why, sizeof(why));
	ck_assert_ptr_null(l.luns);
	return rc;
}

START_TEST(devlist_refuses_what_it_does_not_understand)
{
	ck_assert_int_eq(devlist_error(""), -EPROTO);
	ck_assert_int_eq(devlist_error("LUN Backend  Size\n"), -EPROTO);
	ck_assert_int_eq(devlist_error("<ctllunlist>\n<lun id=\"0\">\n"), -EPROTO);
	ck_assert_int_eq(devlist_error("<ctllunlist>\n<lun id=\"x\">\n</lun>\n</ctllunlist>\n"),
			 -EPROTO);
	ck_assert_msg(strstr(why, "line 2"), "reason: %s", why);
	ck_assert_int_eq(devlist_error("<ctllunlist>\n<lun id=\"0\">\n\t<file>a</fil>\n</lun>\n"
				       "</ctllunlist>\n"), -EPROTO);
	ck_assert_int_eq(devlist_error("<ctllunlist>\n<lun id=\"0\">\n</lun>\n</ctllunlist>\n"),
			 -EPROTO); /* no backend_type */
	ck_assert_msg(strstr(why, "backend_type"), "reason: %s", why);
	ck_assert_int_eq(devlist_error("<ctllunlist>\n<lun id=\"1\">\n\t<backend_type>block"
				       "</backend_type>\n</lun>\n<lun id=\"1\">\n</lun>\n"
				       "</ctllunlist>\n"), -EPROTO);
	ck_assert_int_eq(devlist_error("<ctllunlist>\n</ctllunlist>\ntrailing\n"), -EPROTO);
	ck_assert_int_eq(devlist_error("<ctllunlist>\n<lun id=\"99999\">\n"), -EPROTO);
	ck_assert_int_eq(devlist_error("<ctllunlist>\n<lun id=\"0\">\n\t<file>a&b</file>\n"
				       "</lun>\n</ctllunlist>\n"), -EPROTO);
}
END_TEST

/* ---- ctladm rtpg ---- */

/* Head 2's view of a LUN the other head is primary for, mode 2, link up:
 * group 2 (head 1) Active/Optimized, group 3 (head 2) Non-optimized, one
 * port in each. As ctladm prints it: "0x%02x " per byte, 8 to a line. */
static const char rtpg_peer_primary[] =
	"0x00 0x00 0x00 0x18 0x00 0x8f 0x00 0x02 \n"
	"0x00 0x02 0x00 0x01 0x00 0x00 0x00 0x00 \n"
	"0x01 0x8f 0x00 0x03 0x00 0x02 0x00 0x01 \n"
	"0x00 0x00 0x00 0x80 \n";

START_TEST(rtpg_gives_this_and_the_other_heads_states)
{
	struct ctlha_alua a;

	ck_assert_int_eq(ctlha_rtpg_parse(rtpg_peer_primary, 2, &a, why, sizeof(why)), 0);
	ck_assert_int_eq(a.self, CTLHA_ALUA_NONOPTIMIZED);
	ck_assert_int_eq(a.other, CTLHA_ALUA_OPTIMIZED);
	ck_assert_int_eq(ctlha_rtpg_parse(rtpg_peer_primary, 1, &a, why, sizeof(why)), 0);
	ck_assert_int_eq(a.self, CTLHA_ALUA_OPTIMIZED);
	ck_assert_int_eq(a.other, CTLHA_ALUA_NONOPTIMIZED);
	ck_assert_str_eq(ctlha_alua_name(CTLHA_ALUA_TRANSITIONING), "Transitioning");
}
END_TEST

START_TEST(rtpg_refuses_malformed_dumps)
{
	struct ctlha_alua a;

	/* length field larger than the bytes */
	ck_assert_int_eq(ctlha_rtpg_parse("0x00 0x00 0x00 0x20 0x00 0x8f 0x00 0x02 \n", 1, &a, why,
					  sizeof(why)), -EPROTO);
	ck_assert_msg(strstr(why, "length"), "reason: %s", why);
	/* not hex */
	ck_assert_int_eq(ctlha_rtpg_parse("0x00 0x00 0x00 0xzz\n", 1, &a, why, sizeof(why)),
			 -EPROTO);
	/* a port count past the end */
	ck_assert_int_eq(ctlha_rtpg_parse("0x00 0x00 0x00 0x08 0x00 0x8f 0x00 0x02 \n"
					  "0x00 0x02 0x00 0x05 \n", 1, &a, why, sizeof(why)),
			 -EPROTO);
	/* a single head (ha_id 0): only the shared group 1 */
	ck_assert_int_eq(ctlha_rtpg_parse("0x00 0x00 0x00 0x0c 0x00 0x8f 0x00 0x01 \n"
					  "0x00 0x02 0x00 0x01 0x00 0x00 0x00 0x00 \n", 1, &a, why,
					  sizeof(why)), -EPROTO);
	ck_assert_msg(strstr(why, "no HA port groups"), "reason: %s", why);
	/* ctladm printed an error, no data */
	ck_assert_int_eq(ctlha_rtpg_parse("", 1, &a, why, sizeof(why)), -EPROTO);
	ck_assert_int_eq(ctlha_rtpg_parse(rtpg_peer_primary, 3, &a, why, sizeof(why)), -EINVAL);
}
END_TEST

/* Cut anywhere, the output of ctladm (a killed tool, a short read) is
 * either still whole or refused; never read past, never half-accepted. */
START_TEST(every_prefix_of_the_outputs_is_refused_or_whole)
{
	char buf[sizeof(devlist)];
	struct ctlha_lun_list l;
	struct ctlha_alua a;

	for (size_t n = 0; n < sizeof(devlist) - 1; n++) {
		int rc;

		memcpy(buf, devlist, n);
		buf[n] = '\0';
		rc = ctlha_devlist_parse(buf, &l, why, sizeof(why));
		/* Only the complete text, or it minus its final newline, parses. */
		ck_assert_msg(rc == -EPROTO || n == sizeof(devlist) - 2, "prefix %zu: %d", n, rc);
		if (rc == 0)
			ctlha_lun_list_free(&l);
	}
	for (size_t n = 0; n < sizeof(rtpg_peer_primary) - 1; n++) {
		int rc;

		memcpy(buf, rtpg_peer_primary, n);
		buf[n] = '\0';
		rc = ctlha_rtpg_parse(buf, 2, &a, why, sizeof(why));
		ck_assert_msg(rc == -EPROTO || n >= sizeof(rtpg_peer_primary) - 3,
			      "prefix %zu: %d", n, rc);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ctlha_parse");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, peer_strings_parse_as_the_kernel_reads_them);
	tcase_add_test(tc, peer_strings_the_kernel_refuses_are_einval);
	tcase_add_test(tc, peer_format_round_trips_and_equality_is_semantic);
	tcase_add_test(tc, peer_parameter_takes_address_and_optional_port);
	tcase_add_test(tc, peer_parameter_refuses_what_cannot_be_an_interconnect);
	tcase_add_test(tc, lun_roles_take_commas_and_blanks);
	tcase_add_test(tc, lun_roles_errors_name_the_problem);
	tcase_add_test(tc, devlist_gives_luns_backends_and_options);
	tcase_add_test(tc, devlist_refuses_what_it_does_not_understand);
	tcase_add_test(tc, rtpg_gives_this_and_the_other_heads_states);
	tcase_add_test(tc, rtpg_refuses_malformed_dumps);
	tcase_add_test(tc, every_prefix_of_the_outputs_is_refused_or_whole);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
