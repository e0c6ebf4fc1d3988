/* LIO's configfs plan, step by step, and the kernel's reservation file.
 *
 * The plan is checked line by line for one block LUN and one file LUN with
 * CHAP, mutual CHAP, names in the ACL, a reservation given back, the
 * dbroot link and an ALUA group: the order matters (the serial and the
 * reservations before the LUN is exported, the TPG enabled last), and
 * secrets never appear in the step text. Then the plan runs against a
 * plain directory standing in for configfs (stand-in mode: mkdir makes the
 * kernel's default groups, rmdir removes them), in the forked worker: all
 * steps, a failing write (stops there, the steps before it done), a write
 * that hangs (the deadline, the worker killed), and rmdir of a directory
 * with a child made by mkdir (ENOTEMPTY, as in configfs). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check_tap.h"
#include "iscsi_conf.h"
#include "iscsi_lio_cfs.h"
#include "iscsi_lio_plan.h"

#define IQN "iqn.2024-01.com.example:tank"

static char why[320];

static void target_init(struct iscsi_target *t, const char *acl)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->iqn, sizeof(t->iqn), IQN);
	t->tid = 7;
	ck_assert_int_eq(iscsi_portals_parse("10.0.0.100:3260", t->portals, ISCSI_PORTALS_MAX,
					     &t->n_portals, why, sizeof(why)),
			 0);
	ck_assert_int_eq(iscsi_luns_parse("1:/dev/zvol/tank/v1 2:/tank/iscsi/f2", &t->luns,
					  &t->n_luns, why, sizeof(why)),
			 0);
	iscsi_luns_identify(t->iqn, t->luns, t->n_luns);
	ck_assert_int_eq(iscsi_acl_parse(acl, t->acl, ISCSI_ACL_MAX, &t->n_acl, why, sizeof(why)),
			 0);
	strcpy(t->vendor, "TWINHEAD");
	strcpy(t->product, "VDISK");
	strcpy(t->revision, "0001");
	t->block_size = 512;
}

static char *plan_text(const struct lio_plan *p)
{
	size_t cap = 1 << 16, len = 0;
	char *out = calloc(1, cap);

	for (size_t i = 0; i < p->n; i++) {
		char line[1024];

		lio_step_text(&p->steps[i], line, sizeof(line));
		len += (size_t)snprintf(out + len, cap - len, "%s\n", line);
	}
	return out;
}

static const char expected_full[] =
	"mkdir iscsi\n"
	"mkdir core/iblock_7\n"
	"mkdir core/iblock_7/lun1\n"
	"write core/iblock_7/lun1/control = udev_path=/dev/zvol/tank/v1\n"
	"write core/iblock_7/lun1/udev_path = /dev/zvol/tank/v1\n"
	"write core/iblock_7/lun1/wwn/vpd_unit_serial = 5d0843126cb85ab0\n"
	"write core/iblock_7/lun1/enable = 1\n"
	"write core/iblock_7/lun1/wwn/vendor_id = TWINHEAD\n"
	"write core/iblock_7/lun1/wwn/product_id = VDISK\n"
	"write core/iblock_7/lun1/wwn/revision = 0001\n"
	"write core/iblock_7/lun1/attrib/block_size = 512\n"
	"write core/iblock_7/lun1/attrib/emulate_write_cache = 0\n"
	"write core/iblock_7/lun1/pr/res_aptpl_metadata = initiator_fabric=iSCSI,"
	"initiator_node=iqn.1994-05.com.redhat:c1,sa_res_key=123,res_holder=1,res_type=05,"
	"target_node=iqn.2024-01.com.example:tank,tpgt=1,target_lun=1\n"
	"link /pool/dbroot/pr/aptpl_5d0843126cb85ab0 -> /tank/.lio-pr/aptpl_5d0843126cb85ab0\n"
	"mkdir core/iblock_7/lun1/alua/th_2\n"
	"write core/iblock_7/lun1/alua/th_2/tg_pt_gp_id = 2\n"
	"write core/iblock_7/lun1/alua/th_2/alua_access_type = 1\n"
	"mkdir core/fileio_7\n"
	"mkdir core/fileio_7/lun2\n"
	"write core/fileio_7/lun2/control = fd_dev_name=/tank/iscsi/f2,fd_dev_size=8388608\n"
	"write core/fileio_7/lun2/udev_path = /tank/iscsi/f2\n"
	"write core/fileio_7/lun2/wwn/vpd_unit_serial = d1bd71ea8df56c03\n"
	"write core/fileio_7/lun2/enable = 1\n"
	"write core/fileio_7/lun2/wwn/vendor_id = TWINHEAD\n"
	"write core/fileio_7/lun2/wwn/product_id = VDISK\n"
	"write core/fileio_7/lun2/wwn/revision = 0001\n"
	"write core/fileio_7/lun2/attrib/block_size = 512\n"
	"write core/fileio_7/lun2/attrib/emulate_write_cache = 0\n"
	"link /pool/dbroot/pr/aptpl_d1bd71ea8df56c03 -> /tank/.lio-pr/aptpl_d1bd71ea8df56c03\n"
	"mkdir core/fileio_7/lun2/alua/th_2\n"
	"write core/fileio_7/lun2/alua/th_2/tg_pt_gp_id = 2\n"
	"write core/fileio_7/lun2/alua/th_2/alua_access_type = 1\n"
	"mkdir iscsi/" IQN "\n"
	"mkdir iscsi/" IQN "/tpgt_1\n"
	"mkdir iscsi/" IQN "/tpgt_1/np/10.0.0.100:3260\n"
	"mkdir iscsi/" IQN "/tpgt_1/lun/lun_1\n"
	"link iscsi/" IQN "/tpgt_1/lun/lun_1/lun1 -> core/iblock_7/lun1\n"
	"write iscsi/" IQN "/tpgt_1/lun/lun_1/alua_tg_pt_gp = th_2\n"
	"mkdir iscsi/" IQN "/tpgt_1/lun/lun_2\n"
	"link iscsi/" IQN "/tpgt_1/lun/lun_2/lun2 -> core/fileio_7/lun2\n"
	"write iscsi/" IQN "/tpgt_1/lun/lun_2/alua_tg_pt_gp = th_2\n"
	"write iscsi/" IQN "/tpgt_1/attrib/generate_node_acls = 0\n"
	"mkdir iscsi/" IQN "/tpgt_1/acls/iqn.1994-05.com.redhat:c1\n"
	"mkdir iscsi/" IQN "/tpgt_1/acls/iqn.1994-05.com.redhat:c1/lun_1\n"
	"link iscsi/" IQN "/tpgt_1/acls/iqn.1994-05.com.redhat:c1/lun_1/lun_1 -> iscsi/" IQN
	"/tpgt_1/lun/lun_1\n"
	"mkdir iscsi/" IQN "/tpgt_1/acls/iqn.1994-05.com.redhat:c1/lun_2\n"
	"link iscsi/" IQN "/tpgt_1/acls/iqn.1994-05.com.redhat:c1/lun_2/lun_2 -> iscsi/" IQN
	"/tpgt_1/lun/lun_2\n"
	"write iscsi/" IQN "/tpgt_1/acls/iqn.1994-05.com.redhat:c1/auth/userid = host1\n"
	"write iscsi/" IQN "/tpgt_1/acls/iqn.1994-05.com.redhat:c1/auth/password = ***\n"
	"write iscsi/" IQN "/tpgt_1/acls/iqn.1994-05.com.redhat:c1/auth/userid_mutual = tank\n"
	"write iscsi/" IQN "/tpgt_1/acls/iqn.1994-05.com.redhat:c1/auth/password_mutual = ***\n"
	"write iscsi/" IQN "/tpgt_1/attrib/authentication = 1\n"
	"write iscsi/" IQN "/tpgt_1/enable = 1\n";

START_TEST(full_plan_step_by_step)
{
	struct iscsi_target t;
	struct lio_backing b[2] = { { .block = true }, { .size = 8388608 } };
	char *reg = "initiator_fabric=iSCSI,initiator_node=iqn.1994-05.com.redhat:c1,"
		    "sa_res_key=123,res_holder=1,res_type=05,"
		    "target_node=iqn.2024-01.com.example:tank,tpgt=1,target_lun=1";
	char *regs1[] = { reg };
	char **const aptpl[2] = { regs1, NULL };
	const size_t n_aptpl[2] = { 1, 0 };
	struct lio_conf c;
	struct lio_plan p = { 0 };
	char *text;

	target_init(&t, "iqn.1994-05.com.redhat:c1");
	strcpy(t.user, "host1");
	strcpy(t.out_user, "tank");
	c = (struct lio_conf){ .t = &t, .backing = b, .secret = "secret-in-000", .out_secret =
				 "secret-out-111", .dbroot = "/pool/dbroot", .pr_dir = "/tank/.lio-pr",
			       .alua_id = 2, .make_fabric = true, .aptpl = aptpl, .n_aptpl = n_aptpl };
	ck_assert_int_eq(lio_plan_start(&c, &p), 0);
	text = plan_text(&p);
	ck_assert_str_eq(text, expected_full);
	ck_assert_ptr_null(strstr(text, "secret-"));
	free(text);
	lio_plan_free(&p);
	iscsi_target_free(&t);
}
END_TEST

START_TEST(all_is_generated_acls_with_tpg_chap)
{
	struct iscsi_target t;
	struct lio_backing b[2] = { { .block = true }, { .block = true } };
	struct lio_conf c;
	struct lio_plan p = { 0 };
	char *text;

	target_init(&t, "ALL");
	strcpy(t.user, "host1");
	c = (struct lio_conf){ .t = &t, .backing = b, .secret = "secret-in-000" };
	ck_assert_int_eq(lio_plan_start(&c, &p), 0);
	text = plan_text(&p);
	ck_assert_ptr_nonnull(strstr(text, "/tpgt_1/attrib/generate_node_acls = 1\n"
					   "write iscsi/" IQN "/tpgt_1/attrib/cache_dynamic_acls = 1\n"
					   "write iscsi/" IQN "/tpgt_1/attrib/demo_mode_write_protect = 0\n"
					   "write iscsi/" IQN "/tpgt_1/attrib/authentication = 1\n"
					   "write iscsi/" IQN "/tpgt_1/auth/userid = host1\n"
					   "write iscsi/" IQN "/tpgt_1/auth/password = ***\n"
					   "write iscsi/" IQN "/tpgt_1/enable = 1\n"));
	ck_assert_ptr_null(strstr(text, "/acls/"));
	ck_assert_ptr_null(strstr(text, "mkdir iscsi\n"));
	ck_assert_ptr_null(strstr(text, "fileio"));
	ck_assert_ptr_null(strstr(text, "alua"));
	ck_assert_ptr_null(strstr(text, "link /")); /* no dbroot link without pr_dir */
	free(text);
	lio_plan_free(&p);
	iscsi_target_free(&t);
}
END_TEST

START_TEST(nobody_is_no_acl_and_no_generated_acls)
{
	struct iscsi_target t;
	struct lio_backing b[2] = { { .block = true }, { .block = true } };
	struct lio_conf c;
	struct lio_plan p = { 0 };
	char *text;

	target_init(&t, "");
	c = (struct lio_conf){ .t = &t, .backing = b };
	ck_assert_int_eq(lio_plan_start(&c, &p), 0);
	text = plan_text(&p);
	ck_assert_ptr_nonnull(strstr(text, "generate_node_acls = 0\n"));
	ck_assert_ptr_nonnull(strstr(text, "authentication = 0\n"));
	ck_assert_ptr_null(strstr(text, "/acls/"));
	free(text);
	lio_plan_free(&p);
	iscsi_target_free(&t);
}
END_TEST

/* As __core_scsi3_update_aptpl_buf() writes it, with the final NUL. */
static const char aptpl_two[] =
	"PR_REG_START: 0\n"
	"initiator_fabric=iSCSI\n"
	"initiator_node=iqn.1994-05.com.redhat:c1\n"
	"initiator_sid=0x23d000000\n"
	"sa_res_key=1311768467463790320\n"
	"res_holder=1\n"
	"res_type=05\n"
	"res_scope=0x00\n"
	"res_all_tg_pt=0\n"
	"mapped_lun=1\n"
	"target_fabric=iSCSI\n"
	"target_node=iqn.2024-01.com.example:tank\n"
	"tpgt=1\n"
	"port_rtpi=1\n"
	"target_lun=1\n"
	"PR_REG_END: 0\n"
	"PR_REG_START: 1\n"
	"initiator_fabric=iSCSI\n"
	"initiator_node=iqn.1994-05.com.redhat:c2\n"
	"sa_res_key=42\n"
	"res_holder=0\n"
	"res_all_tg_pt=0\n"
	"mapped_lun=1\n"
	"target_fabric=iSCSI\n"
	"target_node=iqn.2024-01.com.example:tank\n"
	"tpgt=1\n"
	"port_rtpi=1\n"
	"target_lun=1\n"
	"PR_REG_END: 1\n";

START_TEST(aptpl_file_becomes_metadata_lines)
{
	char **regs;
	size_t n;

	ck_assert_int_eq(lio_aptpl_parse(aptpl_two, sizeof(aptpl_two), &regs, &n, why, sizeof(why)),
			 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(regs[0], "initiator_fabric=iSCSI,initiator_node=iqn.1994-05.com.redhat:c1,"
				  "initiator_sid=0x23d000000,sa_res_key=1311768467463790320,"
				  "res_holder=1,res_type=05,res_scope=0x00,res_all_tg_pt=0,"
				  "mapped_lun=1,target_fabric=iSCSI,"
				  "target_node=iqn.2024-01.com.example:tank,tpgt=1,port_rtpi=1,"
				  "target_lun=1");
	ck_assert_ptr_nonnull(strstr(regs[1], "initiator_node=iqn.1994-05.com.redhat:c2,"
					      "sa_res_key=42,res_holder=0,"));
	lio_aptpl_free(regs, n);
}
END_TEST

START_TEST(aptpl_cleared_or_empty_is_nothing)
{
	static const char cleared[] = "No Registrations or Reservations";
	char **regs;
	size_t n;

	ck_assert_int_eq(lio_aptpl_parse(cleared, sizeof(cleared), &regs, &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(lio_aptpl_parse("", 0, &regs, &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(aptpl_damage_is_refused)
{
	static const char *const bad[] = {
		"PR_REG_START: 0\ninitiator_node=a\n",                   /* not closed */
		"PR_REG_START: 0\nPR_REG_END: 0\n",                      /* empty */
		"initiator_node=a\n",                                    /* outside a block */
		"PR_REG_START: 0\ninitiator_node=a,b\nPR_REG_END: 0\n",  /* a comma: a new key */
		"PR_REG_START: 0\ninitiator node=a\nPR_REG_END: 0\n",    /* blank in the key */
		"PR_REG_START: 0\nsa_res_key=\nPR_REG_END: 0\n",         /* no value */
		"PR_REG_START: 0\nres_type=0\x01\nPR_REG_END: 0\n",      /* control character */
		"PR_REG_START: 0\nPR_REG_START: 1\nPR_REG_END: 0\n",     /* nested */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char **regs = (char **)1;
		size_t n = 9;

		why[0] = '\0';
		ck_assert_msg(lio_aptpl_parse(bad[i], strlen(bad[i]), &regs, &n, why, sizeof(why)) ==
				      -EINVAL,
			      "case %zu accepted", i);
		ck_assert_ptr_null(regs);
		ck_assert_uint_eq(n, 0);
		ck_assert_msg(why[0], "case %zu without a reason", i);
	}
}
END_TEST

/* ---- the plan against a stand-in tree ---- */

static char root[256];

static void standin_setup(struct lio_cfs *c)
{
	char path[512];

	snprintf(root, sizeof(root), "/tmp/lio_plan_test.%d", (int)getpid());
	mkdir(root, 0755);
	snprintf(path, sizeof(path), "%s/core", root);
	mkdir(path, 0755);
	ck_assert_int_eq(lio_cfs_open(c, root, false), -EMEDIUMTYPE);
	ck_assert_int_eq(lio_cfs_open(c, root, true), 0);
	ck_assert(c->standin);
}

static void standin_teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	ck_assert_int_eq(system(cmd), 0);
}

static void small_plan(struct lio_plan *p)
{
	ck_assert_int_eq(lio_plan_add(p, LIO_MKDIR, "core/fileio_7", NULL), 0);
	ck_assert_int_eq(lio_plan_add(p, LIO_MKDIR, "core/fileio_7/lun1", NULL), 0);
	ck_assert_int_eq(lio_plan_add(p, LIO_WRITE, "core/fileio_7/lun1/wwn/vpd_unit_serial",
				      "5d0843126cb85ab0"),
			 0);
	ck_assert_int_eq(lio_plan_add(p, LIO_WRITE, "core/fileio_7/lun1/enable", "1"), 0);
}

START_TEST(standin_runs_a_plan_in_the_worker)
{
	struct lio_cfs c;
	struct lio_plan p = { 0 };
	size_t done, failed;
	char buf[64];

	standin_setup(&c);
	small_plan(&p);
	ck_assert_int_eq(lio_plan_run(&c, &p, deadline_in_ms(5000), &done, &failed), 0);
	ck_assert_uint_eq(done, 4);
	ck_assert_int_eq(lio_cfs_read(&c, "core/fileio_7/lun1/wwn/vpd_unit_serial", buf, sizeof(buf)),
			 16);
	ck_assert_str_eq(buf, "5d0843126cb85ab0");
	/* The kernel's default groups came with the storage object. */
	ck_assert_int_eq(lio_cfs_exists(&c, "core/fileio_7/lun1/alua/default_tg_pt_gp"), 1);
	ck_assert_int_eq(lio_cfs_exists(&c, "core/fileio_7/lun1/attrib"), 1);
	/* rmdir takes attributes and default groups along, as configfs does. */
	lio_plan_free(&p);
	ck_assert_int_eq(lio_plan_add(&p, LIO_RMDIR, "core/fileio_7/lun1", NULL), 0);
	ck_assert_int_eq(lio_plan_add(&p, LIO_RMDIR, "core/fileio_7", NULL), 0);
	ck_assert_int_eq(lio_plan_run(&c, &p, deadline_in_ms(5000), &done, &failed), 0);
	ck_assert_int_eq(lio_cfs_exists(&c, "core/fileio_7"), 0);
	lio_plan_free(&p);
	standin_teardown();
}
END_TEST

START_TEST(standin_rmdir_with_a_made_child_is_not_empty)
{
	struct lio_cfs c;
	struct lio_plan p = { 0 };
	size_t done, failed;

	standin_setup(&c);
	small_plan(&p);
	ck_assert_int_eq(lio_plan_add(&p, LIO_MKDIR, "core/fileio_7/lun1/alua/th_1", NULL), 0);
	ck_assert_int_eq(lio_plan_add(&p, LIO_RMDIR, "core/fileio_7/lun1", NULL), 0);
	ck_assert_int_eq(lio_plan_run(&c, &p, deadline_in_ms(5000), &done, &failed), -ENOTEMPTY);
	ck_assert_uint_eq(done, 5);
	ck_assert_uint_eq(failed, 5);
	lio_plan_free(&p);
	standin_teardown();
}
END_TEST

START_TEST(failing_write_stops_the_plan_there)
{
	struct lio_cfs c;
	struct lio_plan p = { 0 };
	size_t done, failed;

	standin_setup(&c);
	c.standin_fail = "core/fileio_7/lun1/wwn/vpd_unit_serial";
	small_plan(&p);
	ck_assert_int_eq(lio_plan_run(&c, &p, deadline_in_ms(5000), &done, &failed), -EIO);
	ck_assert_uint_eq(done, 2);
	ck_assert_uint_eq(failed, 2);
	ck_assert_int_eq(lio_cfs_exists(&c, "core/fileio_7/lun1"), 1);
	ck_assert_int_eq(lio_cfs_exists(&c, "core/fileio_7/lun1/enable"), 0);
	lio_plan_free(&p);
	standin_teardown();
}
END_TEST

START_TEST(hanging_write_ends_at_the_deadline)
{
	struct lio_cfs c;
	struct lio_plan p = { 0 };
	size_t done, failed;
	int64_t t0;

	standin_setup(&c);
	c.standin_hang = "core/fileio_7/lun1/enable";
	small_plan(&p);
	t0 = deadline_now_ms();
	ck_assert_int_eq(lio_plan_run(&c, &p, deadline_in_ms(300), &done, &failed), -ETIMEDOUT);
	/* Returned by the deadline (a generous bound for a busy machine:
	 * the point is that it returns at all while the write hangs). */
	ck_assert_int_lt(deadline_now_ms() - t0, 5000);
	ck_assert_uint_eq(done, 3);
	ck_assert_uint_eq(failed, 3);
	lio_plan_free(&p);
	standin_teardown();
}
END_TEST

START_TEST(host_link_replaces_a_link_but_not_a_file)
{
	struct lio_cfs c;
	struct lio_step s = { .kind = LIO_HOST_SYMLINK };
	char link[512], target[512], got[512];
	ssize_t n;
	FILE *f;

	standin_setup(&c);
	snprintf(link, sizeof(link), "%s/aptpl_x", root);
	snprintf(target, sizeof(target), "%s/pool-aptpl_x", root);
	s.path = link;
	s.arg = target;
	ck_assert_int_eq(symlink("/elsewhere", link), 0);
	ck_assert_int_eq(lio_step_do(&c, &s), 0);
	n = readlink(link, got, sizeof(got) - 1);
	ck_assert_int_gt(n, 0);
	got[n] = '\0';
	ck_assert_str_eq(got, target);
	unlink(link);
	f = fopen(link, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	/* A regular file there is the kernel's own state: left alone. */
	ck_assert_int_eq(lio_step_do(&c, &s), -EEXIST);
	s.kind = LIO_HOST_UNLINK;
	ck_assert_int_eq(lio_step_do(&c, &s), 0);
	ck_assert_int_eq(access(link, F_OK), 0);
	standin_teardown();
}
END_TEST

/* configfs answers readlink with a path relative to the link's directory
 * (measured on Debian's 6.1: "../../../../../../target/core/iblock_5/lun1"
 * from iscsi/IQN/tpgt_1/lun/lun_1/lun1); the agent needs the storage
 * object's name under the root either way. */
START_TEST(relative_link_text_names_the_storage_object)
{
	const char *rel = "iscsi/iqn.x:y/tpgt_1/lun/lun_1/lun1";
	struct lio_cfs c;
	char dir[512], link[600], text[600], got[512];

	standin_setup(&c);
	snprintf(dir, sizeof(dir), "mkdir -p %s/iscsi/iqn.x:y/tpgt_1/lun/lun_1", root);
	ck_assert_int_eq(system(dir), 0);
	snprintf(link, sizeof(link), "%s/%s", root, rel);
	/* As configfs writes it: up to / (root is /tmp/lio_plan_test.PID,
	 * the link 5 levels below it), then down from there. */
	snprintf(text, sizeof(text), "../../../../../../../%s/core/iblock_5/lun1", root + 1);
	ck_assert_int_eq(symlink(text, link), 0);
	ck_assert_int_eq(lio_cfs_readlink(&c, rel, got, sizeof(got)), 0);
	ck_assert_str_eq(got, "core/iblock_5/lun1");
	/* ".", "..", repeated slashes, all resolved without the file system. */
	unlink(link);
	ck_assert_int_eq(symlink("../../../../.././core//iblock_5/../iblock_5/lun1", link), 0);
	ck_assert_int_eq(lio_cfs_readlink(&c, rel, got, sizeof(got)), 0);
	ck_assert_str_eq(got, "core/iblock_5/lun1");
	/* Outside the root: the whole path, which names no object of ours. */
	unlink(link);
	ck_assert_int_eq(symlink("../../../../../../../elsewhere/x", link), 0);
	ck_assert_int_eq(lio_cfs_readlink(&c, rel, got, sizeof(got)), 0);
	ck_assert_str_eq(got, "/elsewhere/x");
	/* Absolute (the stand-in's own links): as before. */
	unlink(link);
	snprintf(text, sizeof(text), "%s/core/iblock_5/lun1", root);
	ck_assert_int_eq(symlink(text, link), 0);
	ck_assert_int_eq(lio_cfs_readlink(&c, rel, got, sizeof(got)), 0);
	ck_assert_str_eq(got, "core/iblock_5/lun1");
	standin_teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lio_plan");
	TCase *tc = tcase_create("plan");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, full_plan_step_by_step);
	tcase_add_test(tc, all_is_generated_acls_with_tpg_chap);
	tcase_add_test(tc, nobody_is_no_acl_and_no_generated_acls);
	tcase_add_test(tc, aptpl_file_becomes_metadata_lines);
	tcase_add_test(tc, aptpl_cleared_or_empty_is_nothing);
	tcase_add_test(tc, aptpl_damage_is_refused);
	tcase_add_test(tc, standin_runs_a_plan_in_the_worker);
	tcase_add_test(tc, standin_rmdir_with_a_made_child_is_not_empty);
	tcase_add_test(tc, failing_write_stops_the_plan_there);
	tcase_add_test(tc, hanging_write_ends_at_the_deadline);
	tcase_add_test(tc, host_link_replaces_a_link_but_not_a_file);
	tcase_add_test(tc, relative_link_text_names_the_storage_object);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
