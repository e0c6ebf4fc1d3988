/* ctld_devlist_parse: `ctladm devlist -x` as the kernel prints it
 * (sys/cam/ctl/ctl.c), ctld's LUN names, and refused damage. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check_tap.h"
#include "iscsi_ctld_devlist.h"

#define IQN "iqn.2024-01.com.example:tank"

static const char devlist[] =
	"<ctllunlist>\n"
	"<lun id=\"0\">\n"
	"\t<backend_type>block</backend_type>\n"
	"\t<lun_type>0</lun_type>\n"
	"\t<size>131072</size>\n"
	"\t<blocksize>512</blocksize>\n"
	"\t<serial_number>5d0843126cb85ab0</serial_number>\n"
	"\t<device_id>02885a1958ecb34506d48e62a6afbc99</device_id>\n"
	"\t<num_threads>14</num_threads>\n"
	"\t<vendor>TWINHEAD</vendor>\n"
	"\t<file>/tank/a</file>\n"
	"\t<ctld_name>iqn.2024-01.com.example:tank,lun,1</ctld_name>\n"
	"</lun>\n"
	"<lun id=\"1\">\n"
	"\t<backend_type>block</backend_type>\n"
	"\t<lun_type>0</lun_type>\n"
	"\t<size>262144</size>\n"
	"\t<blocksize>512</blocksize>\n"
	"\t<serial_number>d1bd71ea8df56c03</serial_number>\n"
	"\t<device_id>41c1924f8f5c6b25e951c8df4959bd9a</device_id>\n"
	"\t<file>/dev/zvol/tank/b</file>\n"
	"\t<ctld_name>iqn.2024-01.com.example:tank,lun,2</ctld_name>\n"
	"</lun>\n"
	"<lun id=\"7\">\n"
	"\t<backend_type>ramdisk</backend_type>\n"
	"\t<lun_type>0</lun_type>\n"
	"\t<size>0</size>\n"
	"\t<blocksize>512</blocksize>\n"
	"\t<serial_number></serial_number>\n"
	"\t<device_id></device_id>\n"
	"\t<ctld_name>iqn.2024-01.com.example:tank2,lun,1</ctld_name>\n"
	"</lun>\n"
	"</ctllunlist>\n";

static char why[256];

START_TEST(kernel_output_parses)
{
	struct ctld_devlist l;
	const struct ctld_lun *x;

	ck_assert_int_eq(ctld_devlist_parse(devlist, sizeof(devlist), &l, why, sizeof(why)), 0);
	ck_assert_uint_eq(l.n, 3);
	x = ctld_devlist_find(&l, IQN, 1);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(x->id, 0);
	ck_assert_str_eq(x->file, "/tank/a");
	ck_assert_str_eq(x->serial, "5d0843126cb85ab0");
	ck_assert_str_eq(x->device_id, "02885a1958ecb34506d48e62a6afbc99");
	x = ctld_devlist_find(&l, IQN, 2);
	ck_assert_str_eq(x->file, "/dev/zvol/tank/b");
	ck_assert_ptr_null(ctld_devlist_find(&l, IQN, 3));
	/* tank2's LUN is not tank's, though the name starts alike. */
	ck_assert_uint_eq(ctld_devlist_count(&l, IQN), 2);
	ck_assert_uint_eq(ctld_devlist_count(&l, "iqn.2024-01.com.example:tank2"), 1);
	ck_assert_ptr_null(l.luns[2].file);
	ck_assert_str_eq(l.luns[2].serial, "");
	ctld_devlist_free(&l);
}
END_TEST

START_TEST(empty_list)
{
	struct ctld_devlist l;

	ck_assert_int_eq(ctld_devlist_parse("<ctllunlist>\n</ctllunlist>\n", 27, &l, why,
					    sizeof(why)),
			 0);
	ck_assert_uint_eq(l.n, 0);
	ctld_devlist_free(&l);
}
END_TEST

START_TEST(damage_is_refused)
{
	static const struct {
		const char *from, *to;
	} cases[] = {
		{ "<ctllunlist>\n<lun", "<ctllunlis>\n<lun" },
		{ "<lun id=\"1\">", "<lun id=\"x\">" },
		{ "<lun id=\"1\">", "<lun id=\"01\">" },
		{ "<lun id=\"1\">", "<lun id=\"0\">" },
		{ "\t<file>/tank/a</file>", "\t<file>/tank/a</fil>" },
		{ "\t<file>/tank/a</file>", "<file>/tank/a</file>" },
		{ "\t<file>/tank/a</file>", "\t<file>/tank/a</file>\n\t<file>/x</file>" },
		{ "</ctllunlist>\n", "" },
		{ "</ctllunlist>\n", "</ctllunlist>\nmore\n" },
		{ "\t<vendor>TWINHEAD</vendor>", "\t<Vendor>TWINHEAD</Vendor>" },
		{ "TWINHEAD</vendor>", "TWIN\x01HEAD</vendor>" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *at = strstr(devlist, cases[i].from);
		char *s = malloc(sizeof(devlist) + 64);
		struct ctld_devlist l;

		ck_assert_ptr_nonnull(at);
		memcpy(s, devlist, (size_t)(at - devlist));
		strcpy(s + (at - devlist), cases[i].to);
		strcat(s, at + strlen(cases[i].from));
		ck_assert_msg(ctld_devlist_parse(s, strlen(s), &l, why, sizeof(why)) == -EPROTO,
			      "case %zu accepted", i);
		ck_assert_uint_eq(l.n, 0);
		free(s);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ctld_devlist_parse");
	TCase *tc = tcase_create("devlist");

	tcase_add_test(tc, kernel_output_parses);
	tcase_add_test(tc, empty_list);
	tcase_add_test(tc, damage_is_refused);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
