/* tgt_show_parse: tgtadm's target listing, captured from tgtd 1.0.85 in the
 * lab (two targets, one with a session, account and mixed ACL), and every
 * kind of damage the parser must refuse. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check_tap.h"
#include "iscsi_tgt_show.h"

static const char show_two_targets[] =
	"Target 1: iqn.2024-01.org.example:t1\n"
	"    System information:\n"
	"        Driver: iscsi\n"
	"        State: ready\n"
	"    I_T nexus information:\n"
	"    LUN information:\n"
	"        LUN: 0\n"
	"            Type: controller\n"
	"            SCSI ID: IET     00010000\n"
	"            SCSI SN: beaf10\n"
	"            Size: 0 MB, Block size: 1\n"
	"            Online: Yes\n"
	"            Removable media: No\n"
	"            Prevent removal: No\n"
	"            Readonly: No\n"
	"            SWP: No\n"
	"            Thin-provisioning: No\n"
	"            Backing store type: null\n"
	"            Backing store path: None\n"
	"            Backing store flags: \n"
	"        LUN: 1\n"
	"            Type: disk\n"
	"            SCSI ID: 0123456789abcdef0123456789abcdef\n"
	"            SCSI SN: SN12345\n"
	"            Size: 67 MB, Block size: 512\n"
	"            Online: Yes\n"
	"            Removable media: No\n"
	"            Prevent removal: No\n"
	"            Readonly: No\n"
	"            SWP: No\n"
	"            Thin-provisioning: No\n"
	"            Backing store type: rdwr\n"
	"            Backing store path: /tmp/twinhead-lab/exp4/shared/a.img\n"
	"            Backing store flags: \n"
	"        LUN: 2\n"
	"            Type: disk\n"
	"            SCSI ID: IET     00010002\n"
	"            SCSI SN: beaf12\n"
	"            Size: 34 MB, Block size: 4096\n"
	"            Online: Yes\n"
	"            Removable media: No\n"
	"            Prevent removal: No\n"
	"            Readonly: No\n"
	"            SWP: No\n"
	"            Thin-provisioning: No\n"
	"            Backing store type: rdwr\n"
	"            Backing store path: /tmp/twinhead-lab/exp4/shared/b.img\n"
	"            Backing store flags: \n"
	"    Account information:\n"
	"        bob\n"
	"    ACL information:\n"
	"        10.213.0.12\n"
	"        10.213.0.0/24\n"
	"        fd00:213::12\n"
	"        fd00:213::/64\n"
	"        ALL\n"
	"        bogus\n"
	"        iqn.2024-01.org.example:client\n"
	"Target 3: iqn.2024-01.org.example:cu\n"
	"    System information:\n"
	"        Driver: iscsi\n"
	"        State: ready\n"
	"    I_T nexus information:\n"
	"        I_T nexus: 61\n"
	"            Initiator: iqn.2024-01.org.example:client alias: none\n"
	"            Connection: 0\n"
	"                IP Address: 10.213.0.12\n"
	"    LUN information:\n"
	"        LUN: 0\n"
	"            Type: controller\n"
	"            SCSI ID: IET     00030000\n"
	"            SCSI SN: beaf30\n"
	"            Size: 0 MB, Block size: 1\n"
	"            Online: Yes\n"
	"            Removable media: No\n"
	"            Prevent removal: No\n"
	"            Readonly: No\n"
	"            SWP: No\n"
	"            Thin-provisioning: No\n"
	"            Backing store type: null\n"
	"            Backing store path: None\n"
	"            Backing store flags: \n"
	"        LUN: 1\n"
	"            Type: disk\n"
	"            SCSI ID: IET     00030001\n"
	"            SCSI SN: beaf31\n"
	"            Size: 17 MB, Block size: 512\n"
	"            Online: Yes\n"
	"            Removable media: No\n"
	"            Prevent removal: No\n"
	"            Readonly: No\n"
	"            SWP: No\n"
	"            Thin-provisioning: No\n"
	"            Backing store type: rdwr\n"
	"            Backing store path: /tmp/twinhead-lab/exp4/shared/cu.img\n"
	"            Backing store flags: \n"
	"    Account information:\n"
	"    ACL information:\n"
	"        ALL\n";

static char why[256];
static struct tgt_show show;

static int parse(const char *text)
{
	why[0] = '\0';
	return tgt_show_parse(text, strlen(text), &show, why, sizeof(why));
}

/* The fixture with the first occurrence of from replaced by to. */
static char *edit(const char *from, const char *to)
{
	const char *at = strstr(show_two_targets, from);
	size_t head, len = strlen(show_two_targets) + strlen(to) + 1;
	char *s = malloc(len);

	ck_assert_ptr_nonnull(at);
	head = (size_t)(at - show_two_targets);
	memcpy(s, show_two_targets, head);
	strcpy(s + head, to);
	strcat(s, at + strlen(from));
	return s;
}

START_TEST(real_output_parses_completely)
{
	const struct tgt_show_target *t1, *t3;
	const struct tgt_show_lun *l;

	ck_assert_int_eq(parse(show_two_targets), 0);
	ck_assert_uint_eq(show.n_targets, 2);
	t1 = tgt_show_find_tid(&show, 1);
	ck_assert_ptr_nonnull(t1);
	ck_assert_str_eq(t1->name, "iqn.2024-01.org.example:t1");
	ck_assert_str_eq(t1->driver, "iscsi");
	ck_assert_str_eq(t1->state, "ready");
	ck_assert_uint_eq(t1->n_nexus, 0);
	ck_assert_uint_eq(t1->n_luns, 3);
	l = tgt_show_find_lun(t1, 1);
	ck_assert_ptr_nonnull(l);
	ck_assert_str_eq(l->type, "disk");
	ck_assert_str_eq(l->scsi_id, "0123456789abcdef0123456789abcdef");
	ck_assert_str_eq(l->scsi_sn, "SN12345");
	ck_assert_uint_eq(l->block_size, 512);
	ck_assert(l->online);
	ck_assert(!l->readonly);
	ck_assert_str_eq(l->bs_type, "rdwr");
	ck_assert_str_eq(l->path, "/tmp/twinhead-lab/exp4/shared/a.img");
	l = tgt_show_find_lun(t1, 2);
	ck_assert_uint_eq(l->block_size, 4096);
	ck_assert_str_eq(l->scsi_id, "IET     00010002");
	l = tgt_show_find_lun(t1, 0);
	ck_assert_str_eq(l->type, "controller");
	ck_assert_str_eq(l->path, "None");
	ck_assert_uint_eq(t1->n_accounts, 1);
	ck_assert_str_eq(t1->accounts[0].user, "bob");
	ck_assert(!t1->accounts[0].outgoing);
	ck_assert_uint_eq(t1->n_acl, 7);
	ck_assert_str_eq(t1->acl[0], "10.213.0.12");
	ck_assert_str_eq(t1->acl[3], "fd00:213::/64");
	ck_assert_str_eq(t1->acl[6], "iqn.2024-01.org.example:client");

	t3 = tgt_show_find_name(&show, "iqn.2024-01.org.example:cu");
	ck_assert_ptr_nonnull(t3);
	ck_assert_uint_eq(t3->tid, 3);
	ck_assert_uint_eq(t3->n_nexus, 1);
	ck_assert_uint_eq(t3->n_accounts, 0);
	ck_assert_ptr_null(tgt_show_find_tid(&show, 2));
	ck_assert(tgt_show_account_bound_elsewhere(&show, "bob", 3));
	ck_assert(!tgt_show_account_bound_elsewhere(&show, "bob", 1));
	tgt_show_free(&show);
}
END_TEST

START_TEST(empty_output_is_no_target)
{
	ck_assert_int_eq(parse(""), 0);
	ck_assert_uint_eq(show.n_targets, 0);
	tgt_show_free(&show);
}
END_TEST

START_TEST(outgoing_accounts_and_nop_settings)
{
	char *s = edit("    Account information:\n        bob\n",
		       "    Account information:\n        bob\n        alice (outgoing)\n");
	char *s2;

	ck_assert_int_eq(parse(s), 0);
	ck_assert_uint_eq(show.targets[0].n_accounts, 2);
	ck_assert_str_eq(show.targets[0].accounts[1].user, "alice");
	ck_assert(show.targets[0].accounts[1].outgoing);
	tgt_show_free(&show);
	s2 = edit("        State: ready\n",
		  "        State: ready\n        Nop interval: 5\n        Nop count: 3\n");
	ck_assert_int_eq(parse(s2), 0);
	tgt_show_free(&show);
	free(s);
	free(s2);
}
END_TEST

START_TEST(damage_is_refused_with_the_line)
{
	static const struct {
		const char *from, *to, *reason;
	} cases[] = {
		{ "Target 1: ", "Target 01: ", "target id" },
		{ "Target 1: ", "Target x: ", "target id" },
		{ "Target 1: ", "Target 0: ", "target id" },
		{ "    System information:\n", "", "System information" },
		{ "        Driver: iscsi\n", "        Driver: iscsi extra\n", "one word" },
		{ "        State: ready\n", "       State: ready\n", "State" },
		{ "            Online: Yes\n", "            Online: yes\n", "Yes or No" },
		{ "Size: 67 MB, Block size: 512", "Size: 67 MB", "Block size" },
		{ "Block size: 512", "Block size: 0", "Block size" },
		{ "Block size: 512", "Block size: 5x", "Block size" },
		{ "        LUN: 1\n", "        LUN: -1\n", "number" },
		{ "            SWP: No\n", "", "SWP" },
		{ "            Backing store flags: \n", "            Backing store flags:\n",
		  "Backing store flags" },
		{ "    ACL information:\n", "    ACL info:\n", "ACL information" },
		{ "        bogus\n", "        two words\n", "ACL" },
		{ "        bob\n", "        b b\n", "account" },
		{ "    LUN information:\n", "    LUN information:\n    stray\n", "line 7" },
		{ "Target 3: iqn.2024-01.org.example:cu", "Target 1: iqn.2024-01.org.example:cu",
		  "twice" },
		{ "        LUN: 2\n", "        LUN: 1\n", "twice" },
		{ "State: ready", "State: re\tady", "control character" },
		/* Lines are checked as the parser reaches them: a control
		 * character in a value, in a path, in the very last line
		 * (which would otherwise end a complete listing early), and a
		 * carriage return before a newline. */
		{ "shared/cu.img", "shared/cu\x7f.img", "line 95: control character 0x7f" },
		{ "    ACL information:\n        ALL\n", "    ACL information:\n        A\x01L\n",
		  "control character 0x01" },
		{ "        bob\n", "        bob\r\n", "control character 0x0d" },
		{ "SCSI SN: beaf10", "SCSI SN: beaf\x1b" "10", "line 10: control character 0x1b" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = edit(cases[i].from, cases[i].to);

		ck_assert_msg(parse(s) == -EPROTO, "case %zu accepted", i);
		ck_assert_msg(strstr(why, cases[i].reason), "case %zu: reason '%s' lacks '%s'", i, why,
			      cases[i].reason);
		ck_assert_uint_eq(show.n_targets, 0);
		free(s);
	}
}
END_TEST

START_TEST(truncated_output_is_refused)
{
	size_t len = strlen(show_two_targets);

	for (size_t cut = 1; cut < len; cut += 37) {
		int rc = tgt_show_parse(show_two_targets, cut, &show, why, sizeof(why));

		/* A cut exactly after a line may still be a complete listing
		 * of fewer targets; anything else must be refused. */
		if (rc == 0) {
			ck_assert_int_eq(show_two_targets[cut - 1], '\n');
			tgt_show_free(&show);
		} else {
			ck_assert_int_eq(rc, -EPROTO);
		}
	}
}
END_TEST

/* Many windows' worth of text (the parser streams 16 KB at a time):
 * every kept string must survive the window moving on. */
START_TEST(long_listing_spans_windows)
{
	size_t cap = 600 * 700, off = 0;
	char *s = malloc(cap);

	off += (size_t)sprintf(s + off, "Target 7: iqn.2024-01.org.example:big\n"
					"    System information:\n"
					"        Driver: iscsi\n"
					"        State: ready\n"
					"    I_T nexus information:\n"
					"    LUN information:\n");
	for (unsigned i = 1; i <= 600; i++)
		off += (size_t)sprintf(s + off,
				       "        LUN: %u\n"
				       "            Type: disk\n"
				       "            SCSI ID: %032u\n"
				       "            SCSI SN: sn%u\n"
				       "            Size: 1 MB, Block size: 512\n"
				       "            Online: Yes\n"
				       "            Removable media: No\n"
				       "            Prevent removal: No\n"
				       "            Readonly: No\n"
				       "            SWP: No\n"
				       "            Thin-provisioning: No\n"
				       "            Backing store type: rdwr\n"
				       "            Backing store path: /tmp/twinhead-lab/big/shared/l%u\n"
				       "            Backing store flags: \n",
				       i, i, i, i);
	off += (size_t)sprintf(s + off, "    ACL information:\n        10.0.0.0/8\n");
	ck_assert_int_eq(parse(s), 0);
	ck_assert_uint_eq(show.n_targets, 1);
	ck_assert_uint_eq(show.targets[0].n_luns, 600);
	for (unsigned i = 1; i <= 600; i++) {
		const struct tgt_show_lun *l = tgt_show_find_lun(&show.targets[0], i);
		char want[64];

		ck_assert_ptr_nonnull(l);
		snprintf(want, sizeof(want), "/tmp/twinhead-lab/big/shared/l%u", i);
		ck_assert_str_eq(l->path, want);
		snprintf(want, sizeof(want), "sn%u", i);
		ck_assert_str_eq(l->scsi_sn, want);
	}
	ck_assert_str_eq(show.targets[0].acl[0], "10.0.0.0/8");
	tgt_show_free(&show);
	free(s);
}
END_TEST

/* A line longer than the window is refused, not split. */
START_TEST(overlong_line_is_refused)
{
	size_t n = 40000;
	char *big = malloc(n + 16), *s;

	memset(big, 'a', n);
	strcpy(big + n, "\n");
	s = edit("        bogus\n", big);
	ck_assert_int_eq(parse(s), -EPROTO);
	ck_assert_msg(strstr(why, "longer than"), "why: %s", why);
	free(s);
	free(big);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tgt_show_parse");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, real_output_parses_completely);
	tcase_add_test(tc, empty_output_is_no_target);
	tcase_add_test(tc, outgoing_accounts_and_nop_settings);
	tcase_add_test(tc, damage_is_refused_with_the_line);
	tcase_add_test(tc, truncated_output_is_refused);
	tcase_add_test(tc, long_listing_spans_windows);
	tcase_add_test(tc, overlong_line_is_refused);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
