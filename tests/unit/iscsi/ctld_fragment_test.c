/* The ctl.conf block for a target, byte for byte, and its splicing into a
 * configuration file that holds other things. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check_tap.h"
#include "iscsi_ctld_conf.h"

#define IQN "iqn.2024-01.com.example:tank"

static struct iscsi_target t;
static char why[256];

static void setup(void)
{
	memset(&t, 0, sizeof(t));
	strcpy(t.iqn, IQN);
	t.tid = 1;
	ck_assert_int_eq(iscsi_portals_parse("10.0.0.100:3260 [fd00::100]:3260", t.portals,
					     ISCSI_PORTALS_MAX, &t.n_portals, why, sizeof(why)),
			 0);
	ck_assert_int_eq(iscsi_acl_parse("iqn.2024-01.com.example:h1 iqn.2024-01.com.example:h2", t.acl,
					 ISCSI_ACL_MAX, &t.n_acl, why, sizeof(why)),
			 0);
	ck_assert_int_eq(iscsi_luns_parse("1:/tank/a 2:/dev/zvol/tank/b", &t.luns, &t.n_luns, why,
					  sizeof(why)),
			 0);
	iscsi_luns_identify(t.iqn, t.luns, t.n_luns);
	strcpy(t.user, "host1");
	strcpy(t.vendor, "TWINHEAD");
	strcpy(t.product, "VDISK");
	strcpy(t.revision, "0001");
	t.block_size = 4096;
	t.write_cache = false;
}

static void teardown(void)
{
	iscsi_target_free(&t);
}

static const char expected_full[] =
	"# BEGIN twinhead:iscsitarget iqn.2024-01.com.example:tank\n"
	"# Written by ocf:twinhead:iscsitarget (resource lun1); do not edit:\n"
	"# the agent rewrites this block at start and removes it at stop.\n"
	"auth-group \"twinhead-6003efa673a2\" {\n"
	"\tchap \"host1\" \"abcdefghijkl\"\n"
	"\tinitiator-name \"iqn.2024-01.com.example:h1\"\n"
	"\tinitiator-name \"iqn.2024-01.com.example:h2\"\n"
	"}\n"
	"portal-group \"twinhead-6003efa673a2\" {\n"
	"\tdiscovery-auth-group \"no-authentication\"\n"
	"\tdiscovery-filter \"portal-name\"\n"
	"\tlisten \"10.0.0.100:3260\"\n"
	"\tlisten \"[fd00::100]:3260\"\n"
	"}\n"
	"target \"iqn.2024-01.com.example:tank\" {\n"
	"\tauth-group \"twinhead-6003efa673a2\"\n"
	"\tportal-group \"twinhead-6003efa673a2\"\n"
	"\tlun 1 {\n"
	"\t\tpath \"/tank/a\"\n"
	"\t\tblocksize 4096\n"
	"\t\tserial \"5d0843126cb85ab0\"\n"
	"\t\tdevice-id \"02885a1958ecb34506d48e62a6afbc99\"\n"
	"\t\toption \"vendor\" \"TWINHEAD\"\n"
	"\t\toption \"product\" \"VDISK\"\n"
	"\t\toption \"revision\" \"0001\"\n"
	"\t\toption \"naa\" \"0x62885a1958ecb34506d48e62a6afbc99\"\n"
	"\t\toption \"writecache\" \"off\"\n"
	"\t}\n"
	"\tlun 2 {\n"
	"\t\tpath \"/dev/zvol/tank/b\"\n"
	"\t\tblocksize 4096\n"
	"\t\tserial \"d1bd71ea8df56c03\"\n"
	"\t\tdevice-id \"41c1924f8f5c6b25e951c8df4959bd9a\"\n"
	"\t\toption \"vendor\" \"TWINHEAD\"\n"
	"\t\toption \"product\" \"VDISK\"\n"
	"\t\toption \"revision\" \"0001\"\n"
	"\t\toption \"naa\" \"0x61c1924f8f5c6b25e951c8df4959bd9a\"\n"
	"\t\toption \"writecache\" \"off\"\n"
	"\t}\n"
	"}\n"
	"# END twinhead:iscsitarget iqn.2024-01.com.example:tank\n";

START_TEST(full_fragment_byte_for_byte)
{
	char *f = ctld_fragment(&t, "abcdefghijkl", NULL, "lun1");

	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f, expected_full);
	free(f);
}
END_TEST

START_TEST(mutual_chap_is_chap_mutual)
{
	char *f;

	snprintf(t.out_user, sizeof(t.out_user), "tank-target");
	f = ctld_fragment(&t, "abcdefghijkl", "mnopqrstuvwx", "lun1");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(f, "\tchap-mutual \"host1\" \"abcdefghijkl\" \"tank-target\" "
					"\"mnopqrstuvwx\"\n"));
	ck_assert_ptr_null(strstr(f, "\tchap \""));
	free(f);
	t.out_user[0] = '\0';
}
END_TEST

START_TEST(nobody_allowed_is_auth_type_deny_without_chap)
{
	char *f;

	t.n_acl = 0;
	f = ctld_fragment(&t, "abcdefghijkl", NULL, "lun1");
	ck_assert_ptr_nonnull(strstr(f, "auth-group \"twinhead-6003efa673a2\" {\n"
					"\tauth-type \"deny\"\n}\n"));
	ck_assert_ptr_null(strstr(f, "abcdefghijkl"));
	free(f);
}
END_TEST

START_TEST(no_chap_is_auth_type_none_with_the_acl)
{
	char *f;

	t.user[0] = '\0';
	ck_assert_int_eq(iscsi_acl_parse("ALL", t.acl, ISCSI_ACL_MAX, &t.n_acl, why, sizeof(why)),
			 0);
	f = ctld_fragment(&t, NULL, NULL, "lun1");
	ck_assert_ptr_nonnull(strstr(f, "{\n\tauth-type \"none\"\n}\n"));
	free(f);
}
END_TEST

START_TEST(addresses_become_initiator_portals)
{
	char *f;

	ck_assert_int_eq(iscsi_acl_parse("10.0.0.0/24 fd00::5", t.acl, ISCSI_ACL_MAX, &t.n_acl, why,
					 sizeof(why)),
			 0);
	f = ctld_fragment(&t, "abcdefghijkl", NULL, "lun1");
	ck_assert_ptr_nonnull(strstr(f, "{\n\tchap \"host1\" \"abcdefghijkl\"\n"
					"\tinitiator-portal \"10.0.0.0/24\"\n"
					"\tinitiator-portal \"fd00::5\"\n}\n"));
	free(f);
}
END_TEST

START_TEST(no_portals_uses_the_default_portal_group)
{
	char *f;

	t.n_portals = 0;
	t.write_cache = true;
	f = ctld_fragment(&t, "abcdefghijkl", NULL, NULL);
	ck_assert_ptr_null(strstr(f, "portal-group"));
	ck_assert_ptr_nonnull(strstr(f, "(resource -)"));
	ck_assert_ptr_nonnull(strstr(f, "\t\toption \"writecache\" \"on\"\n"));
	free(f);
}
END_TEST

START_TEST(splice_appends_replaces_and_removes)
{
	const char *old = "pidfile /var/run/ctld.pid\n\ntarget \"iqn.2024-01.com.example:other\" {\n"
			  "\tauth-group no-authentication\n}\n";
	char *block = ctld_fragment(&t, "abcdefghijkl", NULL, "lun1");
	char *with, *again, *changed_text, *without;
	int err, changed;

	with = ctld_conf_splice(old, IQN, block, &err, &changed);
	ck_assert_ptr_nonnull(with);
	ck_assert(changed);
	ck_assert_uint_eq(strlen(with), strlen(old) + strlen(block));
	ck_assert_int_eq(strncmp(with, old, strlen(old)), 0);
	ck_assert_int_eq(ctld_conf_has_block(with, IQN), 1);

	/* The same block again: nothing changes (start is idempotent). */
	again = ctld_conf_splice(with, IQN, block, &err, &changed);
	ck_assert(!changed);
	ck_assert_str_eq(again, with);

	/* Another block replaces it in place. */
	t.block_size = 512;
	free(block);
	block = ctld_fragment(&t, "abcdefghijkl", NULL, "lun1");
	changed_text = ctld_conf_splice(with, IQN, block, &err, &changed);
	ck_assert(changed);
	ck_assert_ptr_nonnull(strstr(changed_text, "blocksize 512"));
	ck_assert_ptr_null(strstr(changed_text, "blocksize 4096"));

	/* Removal gives back exactly the old text. */
	without = ctld_conf_splice(changed_text, IQN, NULL, &err, &changed);
	ck_assert(changed);
	ck_assert_str_eq(without, old);
	free(block);
	free(with);
	free(again);
	free(changed_text);
	free(without);
}
END_TEST

START_TEST(splice_keeps_other_targets_blocks)
{
	const char *old = "# BEGIN twinhead:iscsitarget iqn.2024-01.com.example:tank2\nX\n"
			  "# END twinhead:iscsitarget iqn.2024-01.com.example:tank2\n";
	char *with, *without;
	int err, changed;

	ck_assert_int_eq(ctld_conf_has_block(old, IQN), 0);
	with = ctld_conf_splice(old, IQN, "# BEGIN twinhead:iscsitarget " IQN "\nY\n"
					  "# END twinhead:iscsitarget " IQN "\n",
				&err, &changed);
	without = ctld_conf_splice(with, IQN, NULL, &err, &changed);
	ck_assert_str_eq(without, old);
	/* No final newline in the old file: one is added before the block. */
	free(with);
	with = ctld_conf_splice("debug 1", IQN, "B\n", &err, &changed);
	ck_assert_str_eq(with, "debug 1\nB\n");
	free(with);
	free(without);
}
END_TEST

START_TEST(damaged_blocks_are_refused)
{
	static const char *const bad[] = {
		"# BEGIN twinhead:iscsitarget " IQN "\nX\n",
		"X\n# END twinhead:iscsitarget " IQN "\n",
		"# END twinhead:iscsitarget " IQN "\n# BEGIN twinhead:iscsitarget " IQN "\n",
		"# BEGIN twinhead:iscsitarget " IQN "\n# END twinhead:iscsitarget " IQN "\n"
		"# BEGIN twinhead:iscsitarget " IQN "\n# END twinhead:iscsitarget " IQN "\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err, changed;

		ck_assert_ptr_null(ctld_conf_splice(bad[i], IQN, NULL, &err, &changed));
		ck_assert_int_eq(err, -EPROTO);
		ck_assert_int_eq(ctld_conf_has_block(bad[i], IQN), -EPROTO);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ctld_fragment");
	TCase *tc = tcase_create("fragment");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, full_fragment_byte_for_byte);
	tcase_add_test(tc, mutual_chap_is_chap_mutual);
	tcase_add_test(tc, nobody_allowed_is_auth_type_deny_without_chap);
	tcase_add_test(tc, no_chap_is_auth_type_none_with_the_acl);
	tcase_add_test(tc, addresses_become_initiator_portals);
	tcase_add_test(tc, no_portals_uses_the_default_portal_group);
	tcase_add_test(tc, splice_appends_replaces_and_removes);
	tcase_add_test(tc, splice_keeps_other_targets_blocks);
	tcase_add_test(tc, damaged_blocks_are_refused);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
