/* The CTL HA emulator's core (lab/ctlemu/ctlemu.c), head by head and as a
 * pair exchanging its peer messages in memory: the sysctl rules, the ALUA
 * states of ctl.c's REPORT TARGET PORT GROUPS, LUN sync, login checks,
 * split brain, and the ctladm commands twinhead uses. The real TCP link is
 * tested in the lab (tests/integration/ctlha_emulator.sh). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../check_tap.h"
#include "ctlemu.h"

static char logged[4096];

static void log_to_buf(void *arg, const char *msg)
{
	size_t n = strlen(logged);

	snprintf(logged + n, sizeof(logged) - n, "%s\n", msg);
}

static struct ctlemu a, b;

static void boot(struct ctlemu *e, int id, int mode)
{
	ctlemu_init(e, id, mode, -1, NULL, log_to_buf, NULL);
}

static int get_int(struct ctlemu *e, const char *name)
{
	uint8_t buf[CTLEMU_PEER_MAX];
	size_t len = 0;
	int v;

	ck_assert_int_eq(ctlemu_sysctl_get(e, name, buf, &len), 0);
	ck_assert_uint_eq(len, sizeof(v));
	memcpy(&v, buf, sizeof(v));
	return v;
}

static int set_int(struct ctlemu *e, const char *name, int v)
{
	return ctlemu_sysctl_set(e, name, (const uint8_t *)&v, sizeof(v));
}

static int set_str(struct ctlemu *e, const char *name, const char *s)
{
	return ctlemu_sysctl_set(e, name, (const uint8_t *)s, strlen(s));
}

/* Delivers what `from` wants to say (LOGIN, LUN states, role) to `to`.
 * Returns what the last receive returned. */
static int deliver(struct ctlemu *from, struct ctlemu *to)
{
	uint8_t f[CTLEMU_FRAME_MAX];
	int rc = 0;

	if (from->want_login) {
		size_t n = ctlemu_msg_login(from, f);

		from->want_login = false;
		ck_assert_int_eq(ctlemu_frame_check(f), (int)n - 8);
		rc = ctlemu_msg_receive(to, f + 8, n - 8);
		if (rc < 0)
			return rc;
	}
	if (from->want_announce) {
		from->want_announce = false;
		for (size_t i = 0; i < CTLEMU_MAX_LUNS; i++) {
			if (!from->luns[i].used)
				continue;
			size_t n = ctlemu_msg_lun_sync(from, &from->luns[i], f);

			rc = ctlemu_msg_receive(to, f + 8, n - 8);
			if (rc < 0)
				return rc;
		}
		size_t n = ctlemu_msg_role(from, f);

		rc = ctlemu_msg_receive(to, f + 8, n - 8);
	}
	return rc;
}

/* Both directions until nobody has anything more to say. */
static void exchange(void)
{
	for (int i = 0; i < 4; i++) {
		deliver(&a, &b);
		deliver(&b, &a);
	}
}

static void link_up(void)
{
	ctlemu_link_change(&a, 2);
	ctlemu_link_change(&b, 2);
	exchange();
}

static void link_down(void)
{
	ctlemu_link_change(&a, 1);
	ctlemu_link_change(&b, 1);
}

static int ctladm(struct ctlemu *e, const char *line, struct strbuf *out,
		  struct strbuf *err)
{
	char copy[512], *argv[32], *save = NULL;
	int argc = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	for (char *t = strtok_r(copy, " ", &save); t && argc < 31; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	return ctlemu_ctladm(e, argc, argv, out, err);
}

static void add_lun(struct ctlemu *e, unsigned id, const char *devid)
{
	struct strbuf out, err;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "ctladm create -b ramdisk -s 1M -l %u -d %s", id, devid);
	ck_assert_int_eq(ctladm(e, cmd, &out, &err), 0);
	strbuf_free(&out);
	strbuf_free(&err);
}

static void setup(void)
{
	logged[0] = '\0';
	boot(&a, 1, 2);
	boot(&b, 2, 2);
}

/* ---- sysctl ---- */

START_TEST(tunables_read_back_and_are_read_only)
{
	ck_assert_int_eq(get_int(&a, "kern.cam.ctl.ha_id"), 1);
	ck_assert_int_eq(get_int(&a, "kern.cam.ctl.ha_mode"), 2);
	ck_assert_int_eq(set_int(&a, "kern.cam.ctl.ha_id", 2), -EPERM);
	ck_assert_int_eq(set_int(&a, "kern.cam.ctl.ha_mode", 0), -EPERM);
	ck_assert_int_eq(set_int(&a, "kern.cam.ctl.ha_link", 2), -EPERM);
	ck_assert_int_eq(get_int(&a, "kern.cam.ctl.ha_id"), 1);
	ck_assert_int_eq(set_int(&a, "kern.cam.ctl.nosuch", 1), -ENOENT);
}
END_TEST

START_TEST(an_ha_head_boots_secondary_a_single_one_primary)
{
	struct ctlemu single;

	ck_assert_int_eq(get_int(&a, "kern.cam.ctl.ha_role"), 1);
	boot(&single, 0, 0);
	ck_assert_int_eq(get_int(&single, "kern.cam.ctl.ha_role"), 0);
	ctlemu_init(&single, 1, 2, 0, NULL, log_to_buf, NULL); /* ha_role tunable 0 */
	ck_assert_int_eq(get_int(&single, "kern.cam.ctl.ha_role"), 0);
}
END_TEST

START_TEST(ha_role_accepts_any_int_and_reads_back_zero_or_one)
{
	ck_assert_int_eq(set_int(&a, "kern.cam.ctl.ha_role", 0), 0);
	ck_assert_int_eq(get_int(&a, "kern.cam.ctl.ha_role"), 0);
	ck_assert_int_eq(set_int(&a, "kern.cam.ctl.ha_role", 7), 0);
	ck_assert_int_eq(get_int(&a, "kern.cam.ctl.ha_role"), 1);
	ck_assert_int_eq(ctlemu_sysctl_set(&a, "kern.cam.ctl.ha_role", (const uint8_t *)"\0", 1),
			 -EINVAL);
}
END_TEST

START_TEST(ha_peer_configures_the_link_and_a_refused_string_empties_it)
{
	uint8_t buf[CTLEMU_PEER_MAX];
	size_t len;
	char longs[200];

	ck_assert_int_eq(get_int(&a, "kern.cam.ctl.ha_link"), 0);
	ck_assert_int_eq(set_str(&a, "kern.cam.ctl.ha_peer", "listen 10.0.0.1:7777"), 0);
	ck_assert(a.want_reconnect);
	ck_assert_int_eq(a.peer_kind, CTLEMU_PEER_LISTEN);
	ck_assert_uint_eq(a.peer_port, 7777);
	ctlemu_link_change(&a, ctlemu_link_idle(&a));
	ck_assert_int_eq(get_int(&a, "kern.cam.ctl.ha_link"), 1);

	/* The same string again: nothing happens. */
	a.want_reconnect = false;
	ck_assert_int_eq(set_str(&a, "kern.cam.ctl.ha_peer", "listen 10.0.0.1:7777"), 0);
	ck_assert(!a.want_reconnect);

	/* Too long: EINVAL, unchanged. */
	memset(longs, 'x', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	ck_assert_int_eq(set_str(&a, "kern.cam.ctl.ha_peer", longs), -EINVAL);
	ck_assert_str_eq(a.ha_peer, "listen 10.0.0.1:7777");

	/* Unparseable: EINVAL, and the kernel keeps an empty string. */
	ck_assert_int_eq(set_str(&a, "kern.cam.ctl.ha_peer", "10.0.0.1:7777"), -EINVAL);
	ck_assert_int_eq(ctlemu_sysctl_get(&a, "kern.cam.ctl.ha_peer", buf, &len), 0);
	ck_assert_uint_eq(len, 1);
	ck_assert_int_eq(a.peer_kind, CTLEMU_PEER_NONE);
	ck_assert(a.want_reconnect);
	ctlemu_link_change(&a, ctlemu_link_idle(&a));
	ck_assert_int_eq(get_int(&a, "kern.cam.ctl.ha_link"), 0);

	/* No port: 999. */
	ck_assert_int_eq(set_str(&a, "kern.cam.ctl.ha_peer", "connect 10.0.0.2"), 0);
	ck_assert_uint_eq(a.peer_port, 999);
	ck_assert_uint_eq(a.peer_addr, 0x0a000002u);
}
END_TEST

/* ---- ALUA, as ctl_report_tagret_port_groups computes it ---- */

static void alua(struct ctlemu *e, unsigned lun, int *ts, int *os)
{
	struct ctlemu_lun *l = ctlemu_lun_find(e, lun);

	ck_assert_ptr_nonnull(l);
	ctlemu_alua(e, l, ts, os);
}

START_TEST(no_primary_is_transitioning_and_no_link_config_is_unavailable)
{
	int ts, os;

	add_lun(&a, 0, "D0");
	add_lun(&b, 0, "D0");
	alua(&a, 0, &ts, &os);
	ck_assert_int_eq(ts, 0x3); /* ha_link 0: Unavailable */
	ck_assert_int_eq(os, 0x0);
	ctlemu_link_change(&a, 1);
	alua(&a, 0, &ts, &os);
	ck_assert_int_eq(ts, 0xf); /* configured, not connected: Transitioning */
	link_up();
	alua(&a, 0, &ts, &os);
	ck_assert_int_eq(ts, 0xf); /* both secondary: both Transitioning */
	ck_assert_int_eq(os, 0xf);
}
END_TEST

START_TEST(a_primary_shows_optimized_here_and_to_the_peer)
{
	int ts, os;

	add_lun(&a, 0, "D0");
	add_lun(&b, 0, "D0");
	link_up();
	ck_assert_int_eq(set_int(&a, "kern.cam.ctl.ha_role", 0), 0);
	exchange();
	alua(&a, 0, &ts, &os);
	ck_assert_int_eq(ts, 0x0);
	ck_assert_int_eq(os, 0x1); /* mode 2: the secondary forwards */
	alua(&b, 0, &ts, &os);
	ck_assert_int_eq(ts, 0x1);
	ck_assert_int_eq(os, 0x0);
	ck_assert(ctlemu_lun_find(&b, 0)->peer_primary);

	/* The link drops: the secondary forgets the primary. */
	link_down();
	ck_assert(!ctlemu_lun_find(&b, 0)->peer_primary);
	alua(&b, 0, &ts, &os);
	ck_assert_int_eq(ts, 0xf);
	alua(&a, 0, &ts, &os);
	ck_assert_int_eq(ts, 0x0); /* a primary stays optimized */
	ck_assert_int_eq(os, 0xf);
}
END_TEST

START_TEST(active_standby_mode_shows_the_secondary_standby)
{
	int ts, os;

	boot(&a, 1, 0);
	boot(&b, 2, 0);
	add_lun(&a, 0, "D0");
	add_lun(&b, 0, "D0");
	link_up();
	set_int(&a, "kern.cam.ctl.ha_role", 0);
	exchange();
	alua(&b, 0, &ts, &os);
	ck_assert_int_eq(ts, 0x2);
	ck_assert_int_eq(os, 0x0);
}
END_TEST

START_TEST(rtpg_bytes_have_both_ha_groups)
{
	uint8_t buf[64];
	size_t n;

	add_lun(&b, 0, "D0");
	ctlemu_link_change(&b, 2);
	n = ctlemu_rtpg(&b, ctlemu_lun_find(&b, 0), buf, sizeof(buf));
	ck_assert_uint_eq(n, 4 + 8 + 4 + 8 + 4);
	ck_assert_uint_eq(buf[3], n - 4);
	ck_assert_uint_eq(buf[4] & 0xf, 0xf); /* group 2 (head 1) */
	ck_assert_uint_eq(buf[7], 2);
	ck_assert_uint_eq(buf[11], 1);        /* one port */
	ck_assert_uint_eq(buf[19], 3);        /* group 3 (head 2, this one) */
	ck_assert_uint_eq(buf[26], 0);        /* its port 128 */
	ck_assert_uint_eq(buf[27], 128);
}
END_TEST

/* ---- peer messages ---- */

START_TEST(login_refuses_another_mode_or_the_same_ha_id)
{
	struct ctlemu c;

	boot(&c, 2, 1);
	ctlemu_link_change(&a, 2);
	ctlemu_link_change(&c, 2);
	ck_assert_int_eq(deliver(&c, &a), -ECONNABORTED);
	ck_assert_msg(strstr(logged, "CTL HA peers have different ha_mode 1 != 2"), "%s", logged);
	boot(&c, 1, 2);
	ctlemu_link_change(&c, 2);
	ck_assert_int_eq(deliver(&c, &a), -ECONNABORTED);
	ck_assert_msg(strstr(logged, "CTL HA peers have same ha_id 1"), "%s", logged);
	ctlemu_link_change(&b, 2);
	ck_assert_int_eq(deliver(&b, &a), 0);
}
END_TEST

START_TEST(malformed_or_unknown_messages_drop_the_link)
{
	uint8_t body[64] = { 0 };

	body[0] = 77; /* type 77 */
	ck_assert_int_eq(ctlemu_msg_receive(&a, body, 4), -ECONNABORTED);
	ck_assert_msg(strstr(logged, "unknown type 77"), "%s", logged);
	body[0] = 1; /* LOGIN, too short */
	ck_assert_int_eq(ctlemu_msg_receive(&a, body, 12), -ECONNABORTED);
	body[0] = 2; /* LUN_SYNC with a device id longer than the body */
	body[12] = 60;
	ck_assert_int_eq(ctlemu_msg_receive(&a, body, 20), -ECONNABORTED);
	ck_assert_int_eq(ctlemu_msg_receive(&a, body, 2), -ECONNABORTED);
	{
		uint8_t hdr[8] = { 0, 0, 0, 0, 0x00, 0x10, 0, 0 }; /* 4096 bytes */

		ck_assert_int_eq(ctlemu_frame_check(hdr), -EPROTO);
	}
}
END_TEST

START_TEST(a_lun_with_another_device_id_is_a_conflict_and_ignored)
{
	add_lun(&a, 0, "D0");
	add_lun(&b, 0, "OTHER");
	link_up();
	set_int(&a, "kern.cam.ctl.ha_role", 0);
	exchange();
	ck_assert(!ctlemu_lun_find(&b, 0)->peer_primary);
	ck_assert_msg(strstr(logged, "Received conflicting HA LUN 0"), "%s", logged);
}
END_TEST

START_TEST(two_primaries_are_accepted_like_ctl_and_reported_as_split_brain)
{
	add_lun(&a, 0, "D0");
	add_lun(&b, 0, "D0");
	link_up();
	ck_assert_int_eq(set_int(&a, "kern.cam.ctl.ha_role", 0), 0);
	exchange();
	ck_assert(!a.split_brain && !b.split_brain);
	ck_assert_int_eq(set_int(&b, "kern.cam.ctl.ha_role", 0), 0); /* CTL says yes */
	exchange();
	ck_assert(a.split_brain);
	ck_assert(b.split_brain);
	ck_assert_msg(strstr(logged, "EMULATION: ERROR: split brain"), "%s", logged);
	/* Without the link it is not split brain in CTL's sense. */
	link_down();
	ck_assert(!a.split_brain && !b.split_brain);
}
END_TEST

START_TEST(two_primaries_without_luns_are_still_reported)
{
	link_up();
	set_int(&a, "kern.cam.ctl.ha_role", 0);
	set_int(&b, "kern.cam.ctl.ha_role", 0);
	exchange();
	ck_assert(a.split_brain && b.split_brain);
}
END_TEST

/* ---- ctladm ---- */

START_TEST(ctladm_modify_replaces_options_and_lun_ha_role_overrides)
{
	struct strbuf out, err;
	int ts, os;

	add_lun(&a, 0, "D0");
	add_lun(&b, 0, "D0");
	ck_assert_int_eq(ctladm(&a, "ctladm modify -b ramdisk -l 0 -o vendor=X -o ha_role=primary",
				&out, &err), 0);
	ck_assert_str_eq(out.p, "LUN 0 modified successfully\n");
	strbuf_free(&out);
	strbuf_free(&err);
	link_up();
	alua(&a, 0, &ts, &os);
	ck_assert_int_eq(ts, 0x0); /* primary for this LUN, head secondary */
	ck_assert_int_eq(get_int(&a, "kern.cam.ctl.ha_role"), 1);
	alua(&b, 0, &ts, &os);
	ck_assert_int_eq(os, 0x0);

	/* The option list is replaced as a whole: vendor is gone. */
	ck_assert_int_eq(ctladm(&a, "ctladm modify -b ramdisk -l 0 -o ha_role=secondary", &out,
				&err), 0);
	strbuf_free(&out);
	strbuf_free(&err);
	ck_assert_int_eq(ctladm(&a, "ctladm devlist -v", &out, &err), 0);
	ck_assert_msg(strstr(out.p, "      ha_role=secondary\n") && !strstr(out.p, "vendor"),
		      "%s", out.p);
	strbuf_free(&out);
	strbuf_free(&err);
}
END_TEST

START_TEST(ctladm_errors_look_like_ctladm)
{
	struct strbuf out, err;

	ck_assert_int_eq(ctladm(&a, "ctladm modify -b ramdisk -l 0", &out, &err), 1);
	ck_assert_str_eq(err.p, "ctladm: cctl_modify_lun: size (-s) or options (-o) must be "
				"specified\n");
	strbuf_free(&out);
	strbuf_free(&err);
	ck_assert_int_eq(ctladm(&a, "ctladm modify -b block -l 5 -o ha_role=primary", &out, &err), 1);
	ck_assert_msg(strstr(err.p, "LUN 5 is not managed by the block backend"), "%s", err.p);
	strbuf_free(&out);
	strbuf_free(&err);
	/* rtpg of a missing LUN: the SCSI error on stderr, exit 0, no data */
	ck_assert_int_eq(ctladm(&a, "ctladm rtpg 9", &out, &err), 0);
	ck_assert_ptr_null(out.p);
	ck_assert_msg(strstr(err.p, "Logical unit not supported"), "%s", err.p);
	strbuf_free(&out);
	strbuf_free(&err);
	ck_assert_int_eq(ctladm(&a, "ctladm create -b block -l 1 -o file=/nonexistent/x", &out,
				&err), 0);
	ck_assert_ptr_null(err.p); /* secondary in mode 2: the file is not opened */
	strbuf_free(&out);
	strbuf_free(&err);
	ck_assert_int_eq(ctladm(&a, "ctladm modify -b block -l 1 -o file=/nonexistent/x "
				"-o ha_role=primary", &out, &err), 0);
	ck_assert_msg(strstr(err.p, "LUN modification warning: error opening /nonexistent/x"),
		      "%s", err.p);
	ck_assert_str_eq(out.p, "LUN 1 modified successfully\n");
	strbuf_free(&out);
	strbuf_free(&err);
}
END_TEST

START_TEST(devlist_x_has_the_kernels_elements_then_the_options)
{
	struct strbuf out, err;

	ck_assert_int_eq(ctladm(&a, "ctladm create -b ramdisk -s 4096 -l 2 -d D<2> -S S2 "
				"-o vendor=A&B", &out, &err), 0);
	strbuf_free(&out);
	strbuf_free(&err);
	ck_assert_int_eq(ctladm(&a, "ctladm devlist -x", &out, &err), 0);
	ck_assert_str_eq(out.p, "<ctllunlist>\n"
				"<lun id=\"2\">\n"
				"\t<backend_type>ramdisk</backend_type>\n"
				"\t<lun_type>0</lun_type>\n"
				"\t<size>8</size>\n"
				"\t<blocksize>512</blocksize>\n"
				"\t<serial_number>S2</serial_number>\n"
				"\t<device_id>D&lt;2&gt;</device_id>\n"
				"\t<vendor>A&amp;B</vendor>\n"
				"</lun>\n"
				"</ctllunlist>\n");
	strbuf_free(&out);
	strbuf_free(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ctlemu_core");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, tunables_read_back_and_are_read_only);
	tcase_add_test(tc, an_ha_head_boots_secondary_a_single_one_primary);
	tcase_add_test(tc, ha_role_accepts_any_int_and_reads_back_zero_or_one);
	tcase_add_test(tc, ha_peer_configures_the_link_and_a_refused_string_empties_it);
	tcase_add_test(tc, no_primary_is_transitioning_and_no_link_config_is_unavailable);
	tcase_add_test(tc, a_primary_shows_optimized_here_and_to_the_peer);
	tcase_add_test(tc, active_standby_mode_shows_the_secondary_standby);
	tcase_add_test(tc, rtpg_bytes_have_both_ha_groups);
	tcase_add_test(tc, login_refuses_another_mode_or_the_same_ha_id);
	tcase_add_test(tc, malformed_or_unknown_messages_drop_the_link);
	tcase_add_test(tc, a_lun_with_another_device_id_is_a_conflict_and_ignored);
	tcase_add_test(tc, two_primaries_are_accepted_like_ctl_and_reported_as_split_brain);
	tcase_add_test(tc, two_primaries_without_luns_are_still_reported);
	tcase_add_test(tc, ctladm_modify_replaces_options_and_lun_ha_role_overrides);
	tcase_add_test(tc, ctladm_errors_look_like_ctladm);
	tcase_add_test(tc, devlist_x_has_the_kernels_elements_then_the_options);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
