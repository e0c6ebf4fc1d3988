/* ocf:twinhead:iscsitarget — one iSCSI target with its LUNs, ACL and CHAP
 * account, on LIO or tgt (Linux) or ctld (FreeBSD).
 *
 * The target moves with its pool: both heads configure it identically
 * (same tid, same LUN numbers, same identities derived from the target
 * name), so an initiator that reconnects to the other head finds the
 * byte-identical device (INQUIRY, VPD 0x80, VPD 0x83) and multipath sees
 * one disk. start builds the target offline and opens it last, and removes
 * what it created when anything fails; stop takes it offline, then removes
 * it; monitor asks the daemon once (depth 10 also logs in on every portal).
 *
 * This file is the table, the handlers and the mapping of backend results
 * to OCF codes; iscsi_conf.c parses the parameters, iscsi_tgt.c,
 * iscsi_lio.c and iscsi_ctld.c drive the targets. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "iscsi_backend.h"
#include "iscsi_conf.h"
#include "iscsi_login.h"
#include "iscsi_secret.h"
#include "lock.h"
#include "log.h"
#include "ocf.h"

/* The initiator name depth-10 monitors log in with. */
#define MONITOR_INITIATOR "iqn.2024-01.org.twinhead:monitor"

enum {
	P_IMPLEMENTATION,
	P_IQN,
	P_TID,
	P_PORTALS,
	P_LUNS,
	P_ALLOWED_INITIATORS,
	P_INCOMING_USERNAME,
	P_SECRET_FILE,
	P_OUTGOING_USERNAME,
	P_OUTGOING_SECRET_FILE,
	P_VENDOR_ID,
	P_PRODUCT_ID,
	P_PRODUCT_REV,
	P_SERIALS,
	P_DEVICE_IDS,
	P_BLOCK_SIZE,
	P_WRITE_CACHE,
	P_TGT_CONTROL_PORT,
	P_LIO_PR_DIR,
	P_LIO_ALUA_GROUPS,
	P_CTLD_CONFIG,
	P_CTLD_PIDFILE,
	P_COUNT
};

static const struct iscsi_backend *const backends[] = {
	&iscsi_backend_tgt,
	&iscsi_backend_ctld,
	&iscsi_backend_lio,
};

#define N_BACKENDS (sizeof(backends) / sizeof(backends[0]))

/* ---- validators: single values, no system access ---- */

static int valid_iqn(const char *v, char *why, size_t len)
{
	return iscsi_name_check(v, why, len);
}

static int valid_portals(const char *v, char *why, size_t len)
{
	struct iscsi_portal p[ISCSI_PORTALS_MAX];
	size_t n;

	return iscsi_portals_parse(v, p, ISCSI_PORTALS_MAX, &n, why, len);
}

static int valid_acl(const char *v, char *why, size_t len)
{
	struct iscsi_acl a[ISCSI_ACL_MAX];
	size_t n;

	return iscsi_acl_parse(v, a, ISCSI_ACL_MAX, &n, why, len);
}

static int valid_user(const char *v, char *why, size_t len)
{
	return iscsi_user_check(v, why, len);
}

static int valid_abs_path(const char *v, char *why, size_t len)
{
	if (v[0] != '/') {
		snprintf(why, len, "must be an absolute path");
		return -EINVAL;
	}
	return 0;
}

static int valid_vendor(const char *v, char *why, size_t len)
{
	return iscsi_text_check(v, ISCSI_VENDOR_MAX, why, len);
}

static int valid_product(const char *v, char *why, size_t len)
{
	return iscsi_text_check(v, ISCSI_PRODUCT_MAX, why, len);
}

static int valid_revision(const char *v, char *why, size_t len)
{
	return iscsi_text_check(v, ISCSI_REVISION_MAX, why, len);
}

static int valid_block_size(const char *v, char *why, size_t len)
{
	long n;

	if (ocf_parse_long(v, &n) < 0)
		n = 0;
	return iscsi_block_size_check(n, why, len);
}

/* "NODE:ID ..." : each node's ALUA target port group id (1..65535). */
static int alua_groups_parse(const char *s, const char *node, unsigned *id, char *why,
			     size_t len)
{
	char buf[1024], *save = NULL;
	int n = 0;

	*id = 0;
	if (strlen(s) >= sizeof(buf)) {
		snprintf(why, len, "too long");
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	for (char *item = strtok_r(buf, " ,", &save); item; item = strtok_r(NULL, " ,", &save)) {
		char *colon = strrchr(item, ':');
		long v;

		if (!colon || colon == item || ocf_parse_long(colon + 1, &v) < 0 || v < 1 ||
		    v > 65535) {
			snprintf(why, len, "'%.60s' is not NODE:ID with an ID from 1 to 65535", item);
			return -EINVAL;
		}
		*colon = '\0';
		n++;
		if (node && strcmp(item, node) == 0)
			*id = (unsigned)v;
	}
	if (n == 0) {
		snprintf(why, len, "no NODE:ID entry");
		return -EINVAL;
	}
	return 0;
}

static int valid_alua_groups(const char *v, char *why, size_t len)
{
	unsigned id;

	return alua_groups_parse(v, NULL, &id, why, len);
}

static const char *const implementations[] = { "tgt", "ctld", "lio", NULL };

static const struct ocf_param params[P_COUNT] = {
	[P_IMPLEMENTATION] = {
		.name = "implementation", .type = OCF_TYPE_SELECT, .options = implementations,
		.shortdesc = "iSCSI target implementation",
		.longdesc = "lio (Linux's in-kernel target, driven through configfs: the "
			    "choice for Linux heads with ZFS: zvols as block backstores, ALUA, and "
			    "SCSI persistent reservations kept on the pool with lio_pr_dir), tgt "
			    "(Linux tgtd in user space, driven with tgtadm: lighter, runs without "
			    "kernel modules, but no ALUA and reservations in memory only) or ctld "
			    "(FreeBSD's CTL, driven through ctl.conf and ctladm). When unset, tgt "
			    "is used if tgtadm is installed, else ctld if ctladm is; lio only when "
			    "named. Both heads must use the same implementation: the identities "
			    "they present differ.",
	},
	[P_IQN] = {
		.name = "iqn", .type = OCF_TYPE_STRING, .flags = OCF_REQUIRED | OCF_UNIQUE,
		.shortdesc = "Target name",
		.longdesc = "The target's iSCSI name: iqn.YYYY-MM.reversed.domain[:identifier] "
			    "(lower case), eui. and 16 hex digits, or naa. and 16 or 32 hex "
			    "digits (RFC 3720, RFC 3980).",
		.validate = valid_iqn,
	},
	[P_TID] = {
		.name = "tid", .type = OCF_TYPE_INTEGER, .min = 1, .max = 2147483647,
		.shortdesc = "tgt target id",
		.longdesc = "The target's number in tgtd. tgt puts (tid << 32 | lun) into every "
			    "LUN's VPD page 0x83, so both heads must use the same tid. When unset "
			    "it is derived from iqn (1 to 65535: 1 + the first two bytes of "
			    "SHA-256(iqn) mod 65535), which both heads compute alike. Set it "
			    "explicitly if two targets collide.",
	},
	[P_PORTALS] = {
		.name = "portals", .type = OCF_TYPE_STRING,
		.shortdesc = "Portals (IP:port list)",
		.longdesc = "Where initiators reach the target, separated by blanks or commas: "
			    "10.0.0.100:3260 [fd00::100]:3260 (port 3260 when omitted; IPv6 in "
			    "brackets; usually the floating IP). Monitor depth 10 logs in on each. "
			    "ctld: the target gets a portal group listening on them (no two "
			    "resources may list the same portal); when empty, ctld's default "
			    "group (all addresses, port 3260). tgt: tgtd's own listeners are "
			    "used (start tgtd listening on all addresses, its default).",
		.validate = valid_portals,
	},
	[P_LUNS] = {
		.name = "luns", .type = OCF_TYPE_STRING, .flags = OCF_REQUIRED | OCF_RELOADABLE,
		.shortdesc = "LUNs (NUMBER:/path list)",
		.longdesc = "LUN number and backing file or block device, separated by blanks or "
			    "commas: \"1:/tank/iscsi/vol1 2:/tank/iscsi/vol2\". tgt keeps LUN 0 "
			    "for its controller, so number tgt LUNs from 1. Paths are absolute, "
			    "canonical, without blanks, commas, quotes or backslashes; each path "
			    "backs one LUN. With ZFS, back LUNs with zvols (/dev/zvol/...) or "
			    "files on a dataset of the pool that moves with this target. "
			    "Reloadable: a change adds and removes only the LUNs that differ; "
			    "sessions go on (a LUN that keeps its number must keep its backing).",
		/* Checked once, with everything else, in itgt_check: monitor
		 * parses hundreds of entries on every call. */
	},
	[P_ALLOWED_INITIATORS] = {
		.name = "allowed_initiators", .type = OCF_TYPE_STRING, .flags = OCF_RELOADABLE,
		.shortdesc = "Initiators allowed to log in",
		.longdesc = "Initiator names (iqn./eui./naa.), addresses (10.0.0.5, fd00::5) and "
			    "networks (10.0.0.0/24), separated by blanks or commas. An initiator "
			    "may log in when its name is listed or its address lies in a listed "
			    "network. Empty: nobody may log in. ALL, alone, admits every "
			    "initiator. CHAP, when configured, applies in addition. tgt: name "
			    "entries need tgt 1.0.84 or later (older versions required address and "
			    "name to match). ctld: list either names or addresses, not both (ctld "
			    "requires both to match). Reloadable: a change adds and removes only "
			    "the entries that differ (sessions already logged in go on until they "
			    "log out).",
		.validate = valid_acl,
	},
	[P_INCOMING_USERNAME] = {
		.name = "incoming_username", .type = OCF_TYPE_STRING,
		.shortdesc = "CHAP user name",
		.longdesc = "Initiators must authenticate with CHAP as this user, with the secret "
			    "in secret_file. On tgt the account is shared by every target that names "
			    "it (they must then share the secret); it is deleted when the last "
			    "twinhead target using it stops.",
		.validate = valid_user,
	},
	[P_SECRET_FILE] = {
		.name = "secret_file", .type = OCF_TYPE_STRING,
		.shortdesc = "File holding the CHAP secret",
		.longdesc = "A file owned by root, mode 0600 (no access for group or others), "
			    "holding the CHAP secret on one line: 12 to 16 printable characters "
			    "without blanks, commas, quotes or backslashes. The secret never "
			    "appears in logs, environments or any process's argv: on tgt the "
			    "agent creates the account over tgtd's control socket itself. A "
			    "changed secret takes effect when the account is created again: after "
			    "every target that uses the account stopped.",
		.validate = valid_abs_path,
	},
	[P_OUTGOING_USERNAME] = {
		.name = "outgoing_username", .type = OCF_TYPE_STRING,
		.shortdesc = "Mutual CHAP: the target's user name",
		.longdesc = "With mutual CHAP the initiator checks the target too: the target "
			    "answers the initiator's challenge as this user, with the secret in "
			    "outgoing_secret_file. Needs incoming_username; must differ from it, "
			    "and the two secrets must differ (RFC 3720 8.2.1).",
		.validate = valid_user,
	},
	[P_OUTGOING_SECRET_FILE] = {
		.name = "outgoing_secret_file", .type = OCF_TYPE_STRING,
		.shortdesc = "File holding the target's mutual CHAP secret",
		.longdesc = "Like secret_file (root, mode 0600, one line of 12 to 16 "
			    "characters), for outgoing_username.",
		.validate = valid_abs_path,
	},
	[P_VENDOR_ID] = {
		.name = "vendor_id", .type = OCF_TYPE_STRING, .deflt = "TWINHEAD",
		.shortdesc = "INQUIRY vendor",
		.longdesc = "The T10 vendor identification every LUN reports (up to 8 characters).",
		.validate = valid_vendor,
	},
	[P_PRODUCT_ID] = {
		.name = "product_id", .type = OCF_TYPE_STRING, .deflt = "VDISK",
		.shortdesc = "INQUIRY product",
		.longdesc = "The product identification every LUN reports (up to 16 characters).",
		.validate = valid_product,
	},
	[P_PRODUCT_REV] = {
		.name = "product_rev", .type = OCF_TYPE_STRING, .deflt = "0001",
		.shortdesc = "INQUIRY revision",
		.longdesc = "The product revision level every LUN reports (up to 4 characters); "
			    "fixed rather than the daemon's version, so heads with different "
			    "software versions still present identical INQUIRY data.",
		.validate = valid_revision,
	},
	[P_SERIALS] = {
		.name = "serials", .type = OCF_TYPE_STRING,
		.shortdesc = "Unit serial numbers (LUN:SERIAL list)",
		.longdesc = "Serial numbers (VPD page 0x80) for some LUNs, e.g. \"1:ABC123\", up to "
			    "16 characters. By default a LUN's serial is 16 hex digits of "
			    "SHA-256(iqn, NUL, lun number), the same on both heads. Set it only to "
			    "keep the serial a LUN already has (initiators identify disks by it).",
	},
	[P_DEVICE_IDS] = {
		.name = "device_ids", .type = OCF_TYPE_STRING,
		.shortdesc = "Device identifiers (LUN:32 hex digits list)",
		.longdesc = "Device identifiers for some LUNs (tgt's scsi_id: the T10 and NAA 6 "
			    "designators of VPD page 0x83), 32 hex digits each. By default the first "
			    "32 hex digits of SHA-256(iqn, NUL, lun number).",
	},
	[P_BLOCK_SIZE] = {
		.name = "block_size", .type = OCF_TYPE_INTEGER, .deflt = "512",
		.shortdesc = "Logical block size",
		.longdesc = "The block size every LUN reports: 512, 1024, 2048 or 4096 bytes.",
		.validate = valid_block_size,
	},
	[P_WRITE_CACHE] = {
		.name = "write_cache", .type = OCF_TYPE_BOOLEAN, .deflt = "false",
		.shortdesc = "Enable the write cache",
		.longdesc = "false (the default): the LUNs report no volatile write cache (WCE=0) "
			    "and the target writes every block through before acknowledging it, "
			    "so an acknowledged write survives the loss of the head. true leaves "
			    "durability to the initiator's cache flushes. With LIO and false, the "
			    "LUN does not advertise FUA (MODE SENSE DPOFUA=0) and refuses a write "
			    "with the FUA or DPO bit (INVALID FIELD IN CDB, Linux 6.1): initiators "
			    "that read MODE SENSE (Linux, VMware, Windows) do not send one.",
	},
	[P_TGT_CONTROL_PORT] = {
		.name = "tgt_control_port", .type = OCF_TYPE_INTEGER, .deflt = "0",
		.min = 0, .max = 65535,
		.shortdesc = "tgtd control port",
		.longdesc = "Which tgtd to configure (tgtadm -C; tgtd -C): several tgtd instances "
			    "on one machine each have their own control socket.",
	},
	[P_LIO_PR_DIR] = {
		.name = "lio_pr_dir", .type = OCF_TYPE_STRING,
		.shortdesc = "lio: reservations directory on the pool",
		.longdesc = "A directory on a dataset of the pool that moves with this target. "
			    "LIO writes each LUN's persistent reservations (those registered with "
			    "APTPL) to DBROOT/pr/aptpl_SERIAL; start makes that path a link into "
			    "this directory and gives the state found there back to the kernel, "
			    "so reservations taken through one head are there after failover to "
			    "the other. Unset: reservations stay on the head (lost on failover).",
		.validate = valid_abs_path,
	},
	[P_LIO_ALUA_GROUPS] = {
		.name = "lio_alua_groups", .type = OCF_TYPE_STRING,
		.shortdesc = "lio: ALUA target port group of each head",
		.longdesc = "NODE:ID pairs, one per head (\"heada:1 headb:2\"; NODE as uname -n "
			    "prints it): each head puts its port in its own ALUA target port group "
			    "with that id, active/optimized where the target runs. Unset: LIO's "
			    "default group. For dm-multipath initiators, give each head its own "
			    "portal (portals per node, see MULTIPATH): the standby head exports "
			    "nothing, so a path through it comes up only after failover.",
		.validate = valid_alua_groups,
	},
	[P_CTLD_CONFIG] = {
		.name = "ctld_config", .type = OCF_TYPE_STRING, .deflt = "/etc/ctl.conf",
		.shortdesc = "ctld configuration file",
		.longdesc = "The file ctld reads. The agent keeps this target's block in it between "
			    "\"# BEGIN twinhead:iscsitarget IQN\" and \"# END ...\" lines and leaves "
			    "the rest alone; the file must stay mode 0600 (it holds the CHAP "
			    "secret).",
		.validate = valid_abs_path,
	},
	[P_CTLD_PIDFILE] = {
		.name = "ctld_pidfile", .type = OCF_TYPE_STRING, .deflt = "/var/run/ctld.pid",
		.shortdesc = "ctld pid file",
		.longdesc = "Where ctld writes its pid (it gets SIGHUP to reload).",
		.validate = valid_abs_path,
	},
};

static const struct ocf_action_spec actions[] = {
	{ .name = "start", .timeout_s = 60 },
	{ .name = "stop", .timeout_s = 60 },
	{ .name = "monitor", .timeout_s = 20, .interval_s = 10, .depth = 0 },
	{ .name = "monitor", .timeout_s = 30, .interval_s = 60, .depth = 10 },
	{ .name = "reload-agent", .timeout_s = 60 },
	{ .name = "validate-all", .timeout_s = 20 },
	{ .name = "meta-data", .timeout_s = 5 },
};

/* ---- the whole configuration ---- */

static int luns_load(const struct ocf_ctx *ctx, struct iscsi_target *t, char *why, size_t len)
{
	char sub[ISCSI_WHY_MAX - 40];
	int rc = iscsi_luns_parse(ocf_str(ctx, P_LUNS), &t->luns, &t->n_luns, sub, sizeof(sub));

	if (rc)
		snprintf(why, len, "luns: %s", sub);
	return rc;
}

/* Builds t from the parameters (already checked one by one). Pure.
 * Returns 0 or -EINVAL with why. */
static int target_load(const struct ocf_ctx *ctx, struct iscsi_target *t, char *why,
		       size_t len)
{
	const char *user = ocf_str(ctx, P_INCOMING_USERNAME);
	int rc;

	memset(t, 0, sizeof(*t));
	snprintf(t->iqn, sizeof(t->iqn), "%s", ocf_str(ctx, P_IQN));
	t->tid = ocf_given(ctx, P_TID) ? (unsigned)ocf_int(ctx, P_TID) : iscsi_tid_derive(t->iqn);
	if ((rc = iscsi_portals_parse(ocf_str(ctx, P_PORTALS), t->portals, ISCSI_PORTALS_MAX,
				      &t->n_portals, why, len)) ||
	    (rc = iscsi_acl_parse(ocf_str(ctx, P_ALLOWED_INITIATORS), t->acl, ISCSI_ACL_MAX,
				  &t->n_acl, why, len)) ||
	    (rc = luns_load(ctx, t, why, len)))
		return rc;
	{
		char sub[ISCSI_WHY_MAX - 40];

		if ((rc = iscsi_lun_overrides_apply(ocf_str(ctx, P_SERIALS), true, t->luns,
						    t->n_luns, sub, sizeof(sub)))) {
			snprintf(why, len, "serials: %s", sub);
			goto fail;
		}
		if ((rc = iscsi_lun_overrides_apply(ocf_str(ctx, P_DEVICE_IDS), false, t->luns,
						    t->n_luns, sub, sizeof(sub)))) {
			snprintf(why, len, "device_ids: %s", sub);
			goto fail;
		}
	}
	/* monitor does not compare identities (one SHA-256 per LUN, the
	 * larger part of its CPU time with hundreds of LUNs); start, stop and
	 * validate-all derive them. */
	if (strcmp(ctx->action, "monitor") != 0)
		iscsi_luns_identify(t->iqn, t->luns, t->n_luns);
	/* Derived identities differ (SHA-256); given ones may collide. */
	if (ocf_given(ctx, P_SERIALS) || ocf_given(ctx, P_DEVICE_IDS))
		for (size_t i = 0; i < t->n_luns; i++)
			for (size_t j = i + 1; j < t->n_luns; j++)
				if (strcmp(t->luns[i].serial, t->luns[j].serial) == 0 ||
				    strcmp(t->luns[i].device_id, t->luns[j].device_id) == 0) {
					snprintf(why, len,
						 "LUNs %u and %u would have the same serial or device id",
						 t->luns[i].number, t->luns[j].number);
					rc = -EINVAL;
					goto fail;
				}
	if (!user != !ocf_str(ctx, P_SECRET_FILE)) {
		snprintf(why, len, "CHAP needs both incoming_username and secret_file");
		rc = -EINVAL;
		goto fail;
	}
	if (!ocf_str(ctx, P_OUTGOING_USERNAME) != !ocf_str(ctx, P_OUTGOING_SECRET_FILE)) {
		snprintf(why, len, "mutual CHAP needs both outgoing_username and "
				   "outgoing_secret_file");
		rc = -EINVAL;
		goto fail;
	}
	if (ocf_str(ctx, P_OUTGOING_USERNAME) && !user) {
		snprintf(why, len, "mutual CHAP (outgoing_username) needs CHAP: set "
				   "incoming_username and secret_file too");
		rc = -EINVAL;
		goto fail;
	}
	if (user && ocf_str(ctx, P_OUTGOING_USERNAME) &&
	    strcmp(user, ocf_str(ctx, P_OUTGOING_USERNAME)) == 0) {
		snprintf(why, len, "outgoing_username must differ from incoming_username (%s): "
				   "the target daemon keeps one account per name",
			 user);
		rc = -EINVAL;
		goto fail;
	}
	if (user)
		snprintf(t->user, sizeof(t->user), "%s", user);
	if (ocf_str(ctx, P_OUTGOING_USERNAME))
		snprintf(t->out_user, sizeof(t->out_user), "%s", ocf_str(ctx, P_OUTGOING_USERNAME));
	snprintf(t->vendor, sizeof(t->vendor), "%s", ocf_str(ctx, P_VENDOR_ID));
	snprintf(t->product, sizeof(t->product), "%s", ocf_str(ctx, P_PRODUCT_ID));
	snprintf(t->revision, sizeof(t->revision), "%s", ocf_str(ctx, P_PRODUCT_REV));
	t->block_size = (unsigned)ocf_int(ctx, P_BLOCK_SIZE);
	t->write_cache = ocf_bool(ctx, P_WRITE_CACHE);
	return 0;
fail:
	iscsi_target_free(t);
	return rc;
}

static const struct iscsi_backend *backend_named(const char *name)
{
	for (size_t i = 0; i < N_BACKENDS; i++)
		if (name && strcmp(backends[i]->name, name) == 0)
			return backends[i];
	return NULL;
}

/* The configuration the cross check built, kept for the handler of the
 * same action (an agent process runs one action): monitor parses hundreds
 * of LUNs once, not twice. */
static struct iscsi_target checked;
static bool have_checked;

/* monitor's query, sent before the configuration is parsed (itgt_check),
 * by the backend the tools chose (found: its tool is installed). */
static void *prefetched;
static const struct iscsi_backend *prefetched_by;
static bool prefetched_found;

/* The backend named by implementation, else the first whose tool is
 * installed; NULL when neither. */
static const struct iscsi_backend *backend_pick(struct ocf_ctx *ctx, bool *found)
{
	const struct iscsi_backend *be = backend_named(ocf_str(ctx, P_IMPLEMENTATION));

	*found = false;
	if (be)
		return be;
	for (size_t i = 0; i < N_BACKENDS; i++)
		if (backends[i]->tool != TOOL_COUNT_ &&
		    access(tool_path(backends[i]->tool, ctx->envp), X_OK) == 0) {
			*found = true;
			return backends[i];
		}
	return NULL;
}

/* The daemon composes monitor's answer (about 0.4 ms for 256 LUNs on tgt)
 * while the agent parses the parameters: the read-only query goes out
 * before that work, and itgt_monitor reads it. Nothing here fails: without
 * it, monitor asks at its turn. */
static void itgt_prefetch(struct ocf_ctx *ctx)
{
	struct iscsi_op op = { .deadline = ctx->deadline, .envp = ctx->envp,
			       .tgt_port = (unsigned)ocf_int(ctx, P_TGT_CONTROL_PORT) };
	bool found;
	const struct iscsi_backend *be = backend_pick(ctx, &found);

	if (!be || !be->monitor_prefetch)
		return;
	be->monitor_prefetch(&op);
	prefetched = op.prefetch;
	prefetched_by = be;
	prefetched_found = found;
}

static int itgt_check(struct ocf_ctx *ctx)
{
	const struct iscsi_backend *be = backend_named(ocf_str(ctx, P_IMPLEMENTATION));
	char why[ISCSI_WHY_MAX];
	int rc;

	if (strcmp(ctx->action, "monitor") == 0 && !prefetched_by)
		itgt_prefetch(ctx);
	if (have_checked) {
		iscsi_target_free(&checked);
		have_checked = false;
	}
	rc = target_load(ctx, &checked, why, sizeof(why));
	if (rc == 0 && be)
		rc = be->check(&checked, why, sizeof(why));
	if (rc) {
		iscsi_target_free(&checked);
		if (prefetched_by && prefetched_by->monitor_cancel) {
			struct iscsi_op op = { .prefetch = prefetched };

			prefetched_by->monitor_cancel(&op);
			prefetched = NULL;
		}
		return ocf_fail(ctx, OCF_ERR_CONFIGURED, "%s", why);
	}
	have_checked = true;
	return OCF_SUCCESS;
}

/* ---- one action against a backend ---- */

struct itgt {
	struct iscsi_target *t;  /* the checked configuration (static) */
	const struct iscsi_backend *be;
	struct iscsi_op op;
	struct lock lock;
	bool tool_found;         /* the backend was chosen because its tool is there */
	char secret[ISCSI_SECRET_MAX + 1];
	char out_secret[ISCSI_SECRET_MAX + 1];
};

/* Picks the backend (the parameter, else the first whose tool is
 * installed), loads the configuration and fills the operation. */
static int itgt_open(struct ocf_ctx *ctx, struct itgt *it)
{
	char why[ISCSI_WHY_MAX];
	int rc;

	memset(it, 0, sizeof(*it));
	it->lock = (struct lock)LOCK_INIT;
	if (prefetched_by) {
		/* Chosen already, and its query is out (or failed). */
		it->be = prefetched_by;
		it->tool_found = prefetched_found;
		it->op.prefetch = prefetched;
		prefetched = NULL;
		prefetched_by = NULL;
	} else {
		it->be = backend_pick(ctx, &it->tool_found);
	}
	if (!it->be)
		return ocf_fail(ctx, OCF_ERR_INSTALLED,
				"neither tgtadm (%s) nor ctladm (%s) is installed: install tgt "
				"(apt-get install tgt) or use FreeBSD's ctld",
				tool_path(TOOL_TGTADM, ctx->envp), tool_path(TOOL_CTLADM, ctx->envp));
	it->t = &checked;
	rc = have_checked ? 0 : target_load(ctx, it->t, why, sizeof(why));
	have_checked = false;
	if (rc == 0)
		rc = it->be->check(it->t, why, sizeof(why));
	if (rc) {
		iscsi_target_free(it->t);
		if (it->be->monitor_cancel)
			it->be->monitor_cancel(&it->op);
		return ocf_fail(ctx, OCF_ERR_CONFIGURED, "%s", why);
	}
	it->op.t = it->t;
	it->op.deadline = ctx->deadline;
	it->op.undo_deadline = ctx->deadline;
	it->op.envp = ctx->envp;
	it->op.rundir = TWINHEAD_RUNDIR;
	it->op.resource = ctx->instance;
	it->op.tgt_port = (unsigned)ocf_int(ctx, P_TGT_CONTROL_PORT);
	it->op.ctld_conf = ocf_str(ctx, P_CTLD_CONFIG);
	it->op.ctld_pidfile = ocf_str(ctx, P_CTLD_PIDFILE);
	/* lio: the configfs root is injectable for tests, which point it at
	 * a plain directory standing in for configfs (iscsi_lio_cfs.h). */
	it->op.lio_root = ocf_env(ctx, "TWINHEAD_LIO_CONFIGFS");
	it->op.lio_standin = ocf_env(ctx, "TWINHEAD_LIO_STANDIN") &&
			     strcmp(ocf_env(ctx, "TWINHEAD_LIO_STANDIN"), "1") == 0;
	if (it->op.lio_standin) {
		it->op.lio_standin_fail = ocf_env(ctx, "TWINHEAD_LIO_STANDIN_FAIL");
		it->op.lio_standin_hang = ocf_env(ctx, "TWINHEAD_LIO_STANDIN_HANG");
	}
	it->op.lio_pr_dir = ocf_str(ctx, P_LIO_PR_DIR);
	if (ocf_str(ctx, P_LIO_ALUA_GROUPS)) {
		struct utsname u;

		if (uname(&u) < 0 || alua_groups_parse(ocf_str(ctx, P_LIO_ALUA_GROUPS), u.nodename,
						       &it->op.lio_alua_id, why, sizeof(why)) < 0 ||
		    it->op.lio_alua_id == 0) {
			iscsi_target_free(it->t);
			it->t = NULL;
			return ocf_fail(ctx, OCF_ERR_CONFIGURED,
					"lio_alua_groups does not name this node (%s)", u.nodename);
		}
	}
	return OCF_SUCCESS;
}

static void itgt_close(struct itgt *it)
{
	if (it->be && it->be->monitor_cancel)
		it->be->monitor_cancel(&it->op);
	lock_release(&it->lock);
	iscsi_secret_wipe(it->secret, sizeof(it->secret));
	iscsi_secret_wipe(it->out_secret, sizeof(it->out_secret));
	if (it->t)
		iscsi_target_free(it->t);
}

/* The daemon's tool must be there; a probe on a node without it is "not
 * running", anything else on such a node is "not installed". */
static int itgt_tool_present(struct ocf_ctx *ctx, struct itgt *it)
{
	const char *path;

	if (it->be->tool == TOOL_COUNT_)
		return OCF_SUCCESS; /* lio: the backend checks configfs itself */
	path = tool_path(it->be->tool, ctx->envp);
	if (it->tool_found || access(path, X_OK) == 0)
		return OCF_SUCCESS;
	if (ctx->is_probe)
		return OCF_NOT_RUNNING;
	return ocf_fail(ctx, OCF_ERR_INSTALLED, "%s is not installed (%s): %s", it->be->name,
			path,
			it->be->tool == TOOL_TGTADM ? "apt-get install tgt" : "this needs FreeBSD's ctld");
}

static int itgt_lock(struct ocf_ctx *ctx, struct itgt *it)
{
	char name[64], path[256];
	int rc;

	it->be->lock_name(&it->op, name, sizeof(name));
	snprintf(path, sizeof(path), "%s/lock/iscsi-%s", it->op.rundir, name);
	rc = lock_acquire(&it->lock, path, ctx->deadline);
	if (rc == -ETIMEDOUT)
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"another action on %s held the lock %s until the deadline", name, path);
	if (rc < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot take the lock %s: %s", path,
				strerror(-rc));
	return OCF_SUCCESS;
}

static int secret_load(struct ocf_ctx *ctx, unsigned param, char *buf, size_t len)
{
	char why[ISCSI_WHY_MAX];
	int rc = iscsi_secret_read(ocf_str(ctx, param), buf, len, why, sizeof(why));

	if (rc == -ENOENT)
		return ocf_fail(ctx, OCF_ERR_INSTALLED, "%s", why);
	if (rc == -EPERM)
		return ocf_fail(ctx, OCF_ERR_PERM, "%s", why);
	if (rc == -EINVAL)
		return ocf_fail(ctx, OCF_ERR_CONFIGURED, "%s", why);
	if (rc)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "%s", why);
	return OCF_SUCCESS;
}

static int itgt_secret(struct ocf_ctx *ctx, struct itgt *it)
{
	int rc;

	if (!it->t->user[0])
		return OCF_SUCCESS;
	rc = secret_load(ctx, P_SECRET_FILE, it->secret, sizeof(it->secret));
	if (rc != OCF_SUCCESS)
		return rc;
	it->op.secret = it->secret;
	if (!it->t->out_user[0])
		return OCF_SUCCESS;
	rc = secret_load(ctx, P_OUTGOING_SECRET_FILE, it->out_secret, sizeof(it->out_secret));
	if (rc != OCF_SUCCESS)
		return rc;
	if (strcmp(it->secret, it->out_secret) == 0)
		return ocf_fail(ctx, OCF_ERR_CONFIGURED,
				"secret_file and outgoing_secret_file hold the same secret: mutual "
				"CHAP needs a different secret in each direction (RFC 3720 8.2.1)");
	it->op.out_secret = it->out_secret;
	return OCF_SUCCESS;
}

static int itgt_start(struct ocf_ctx *ctx)
{
	struct itgt it;
	int64_t t0 = deadline_now_ms(), left;
	int rc;

	if ((rc = itgt_open(ctx, &it)) != OCF_SUCCESS)
		return rc;
	if ((rc = itgt_tool_present(ctx, &it)) != OCF_SUCCESS ||
	    (rc = itgt_secret(ctx, &it)) != OCF_SUCCESS || (rc = itgt_lock(ctx, &it)) != OCF_SUCCESS)
		goto out;
	/* Keep a quarter of the time left (at most 5 s) for removing what a
	 * failed start created. */
	left = deadline_left_ms(ctx->deadline);
	it.op.deadline = deadline_cap_ms(ctx->deadline, left - (left / 4 > 5000 ? 5000 : left / 4));
	rc = it.be->start(&it.op);
	if (rc == 0) {
		th_log(LOG_INFO, "%s: target %s (tid %u, %zu LUNs) is up: %u calls, %u objects "
				 "created, %lld ms",
		       it.be->name, it.t->iqn, it.t->tid, it.t->n_luns, it.op.stats.calls,
		       it.op.stats.created, (long long)(deadline_now_ms() - t0));
		rc = OCF_SUCCESS;
	} else {
		if (it.op.stats.undone)
			th_log(LOG_WARNING, "%s: start of %s failed; removed what it had created "
					    "(%u objects)",
			       it.be->name, it.t->iqn, it.op.stats.removed);
		rc = ocf_fail(ctx, OCF_ERR_GENERIC, "%s",
			      it.op.why[0] ? it.op.why : strerror(-rc));
	}
out:
	itgt_close(&it);
	return rc;
}

static int itgt_stop(struct ocf_ctx *ctx)
{
	struct itgt it;
	int64_t t0 = deadline_now_ms();
	int rc;

	if ((rc = itgt_open(ctx, &it)) != OCF_SUCCESS)
		return rc;
	if (it.be->tool != TOOL_COUNT_ && access(tool_path(it.be->tool, ctx->envp), X_OK) != 0) {
		/* Without the tool there is no daemon it could have configured. */
		th_log(LOG_INFO, "%s is not installed: nothing to stop", it.be->name);
		rc = OCF_SUCCESS;
		goto out;
	}
	if ((rc = itgt_lock(ctx, &it)) != OCF_SUCCESS)
		goto out;
	rc = it.be->stop(&it.op);
	if (rc == 0) {
		th_log(LOG_INFO, "%s: target %s is gone: %u calls, %u objects removed, %lld ms",
		       it.be->name, it.t->iqn, it.op.stats.calls, it.op.stats.removed,
		       (long long)(deadline_now_ms() - t0));
		rc = OCF_SUCCESS;
	} else {
		rc = ocf_fail(ctx, OCF_ERR_GENERIC, "stop: %s",
			      it.op.why[0] ? it.op.why : strerror(-rc));
	}
out:
	itgt_close(&it);
	return rc;
}

/* Depth 10: every portal answers an iSCSI login for this target. A login
 * refused for authentication or authorization (status class 2) is an
 * answer: the target is there and enforces its ACL. A target error (class
 * 3: offline, out of resources), a reject, silence or a refused connection
 * are failures. */
static int itgt_login_check(struct ocf_ctx *ctx, const struct iscsi_target *t)
{
	if (t->n_portals == 0)
		th_log(LOG_WARNING, "monitor depth 10: no portals configured, no login tried");
	for (size_t i = 0; i < t->n_portals; i++) {
		struct iscsi_login_req req = { .initiator = MONITOR_INITIATOR, .target = t->iqn,
					       .itt = 1 };
		struct iscsi_login_rsp rsp;
		char buf[16];
		unsigned r = (unsigned)getpid() ^ (unsigned)deadline_now_ms();
		int rc;

		/* A random ISID (type 10b): no two probes share a session id. */
		req.isid[0] = 0x80;
		req.isid[1] = (uint8_t)i;
		req.isid[2] = (uint8_t)(r >> 24);
		req.isid[3] = (uint8_t)(r >> 16);
		req.isid[4] = (uint8_t)(r >> 8);
		req.isid[5] = (uint8_t)r;
		rc = iscsi_login_probe(&t->portals[i].addr, t->portals[i].port, &req, ctx->deadline,
				       &rsp);
		if (rc == -EBADMSG)
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"portal %s rejected an iSCSI login request as malformed",
					t->portals[i].text);
		if (rc == -EPROTO)
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"portal %s answered an iSCSI login with something else",
					t->portals[i].text);
		if (rc < 0)
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"portal %s does not answer iSCSI logins: %s (is the floating IP "
					"on this node and the daemon listening?)",
					t->portals[i].text, strerror(-rc));
		if (rsp.status_class == 3)
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"portal %s answers logins to %s with '%s'", t->portals[i].text,
					t->iqn,
					iscsi_login_status_name(rsp.status_class, rsp.status_detail, buf));
		th_debug("portal %s answers: %s", t->portals[i].text,
			 iscsi_login_status_name(rsp.status_class, rsp.status_detail, buf));
	}
	return OCF_SUCCESS;
}

static int itgt_monitor(struct ocf_ctx *ctx)
{
	struct itgt it;
	int rc;

	if ((rc = itgt_open(ctx, &it)) != OCF_SUCCESS)
		return rc;
	if ((rc = itgt_tool_present(ctx, &it)) != OCF_SUCCESS ||
	    (rc = itgt_lock(ctx, &it)) != OCF_SUCCESS)
		goto out;
	rc = it.be->monitor(&it.op);
	lock_release(&it.lock);
	if (it.op.stats.ipc_fallback)
		th_log(LOG_WARNING, "tgtd's socket answered unexpectedly; asked tgtadm instead "
				    "(a tgt version this agent does not know?)");
	if (rc == -ENOENT || rc == -ENOTCONN) {
		th_debug("monitor: %s", it.op.why);
		rc = OCF_NOT_RUNNING;
	} else if (rc < 0) {
		rc = ocf_fail(ctx, OCF_ERR_GENERIC, "%s", it.op.why[0] ? it.op.why : strerror(-rc));
	} else {
		rc = ctx->check_level >= 10 ? itgt_login_check(ctx, it.t) : OCF_SUCCESS;
	}
out:
	itgt_close(&it);
	return rc;
}

/* luns and allowed_initiators changed (Pacemaker passes the new values):
 * the backend adds and removes only the difference, and the target's
 * other LUNs and sessions go on. */
static int itgt_reload_agent(struct ocf_ctx *ctx)
{
	struct itgt it;
	int64_t t0 = deadline_now_ms();
	int rc;

	if ((rc = itgt_open(ctx, &it)) != OCF_SUCCESS)
		return rc;
	if ((rc = itgt_tool_present(ctx, &it)) != OCF_SUCCESS ||
	    (rc = itgt_secret(ctx, &it)) != OCF_SUCCESS || (rc = itgt_lock(ctx, &it)) != OCF_SUCCESS)
		goto out;
	rc = it.be->reload(&it.op);
	if (rc == 0) {
		th_log(LOG_INFO, "%s: target %s reloaded (%zu LUNs): %u calls, %u objects created, "
				 "%u removed, %lld ms",
		       it.be->name, it.t->iqn, it.t->n_luns, it.op.stats.calls, it.op.stats.created,
		       it.op.stats.removed, (long long)(deadline_now_ms() - t0));
		rc = OCF_SUCCESS;
	} else {
		rc = ocf_fail(ctx, OCF_ERR_GENERIC, "reload: %s",
			      it.op.why[0] ? it.op.why : strerror(-rc));
	}
out:
	itgt_close(&it);
	return rc;
}

/* The parameters passed already; what is left is whether this node can
 * run the target: the tool, and the secret file. */
static int itgt_validate_all(struct ocf_ctx *ctx)
{
	struct itgt it;
	int rc;

	if ((rc = itgt_open(ctx, &it)) != OCF_SUCCESS)
		return rc;
	if ((rc = itgt_tool_present(ctx, &it)) == OCF_SUCCESS)
		rc = itgt_secret(ctx, &it);
	itgt_close(&it);
	return rc;
}

static const struct ocf_agent iscsitarget = {
	.name = "iscsitarget",
	.version = PACKAGE_VERSION,
	.shortdesc = "iSCSI target with LUNs, ACL and CHAP, identical on both heads (LIO, tgt, ctld)",
	.longdesc =
		"Manages one iSCSI target with its LUNs, its initiator ACL and an optional CHAP "
		"account, on Linux LIO (implementation lio), Linux tgtd (implementation tgt) or "
		"FreeBSD ctld (implementation ctld). "
		"Both heads present each LUN with the same identity (INQUIRY, VPD 0x80 serial, "
		"VPD 0x83 designators), derived from the target name and LUN number, so an "
		"initiator that reconnects to the other head sees the same disk.\n\n"
		"start builds the target offline, adds LUNs, account and ACL, then opens it; if "
		"anything fails it removes exactly what it created. stop takes the target "
		"offline, then removes it and the CHAP account it created (unless another "
		"twinhead target still uses it). A LUN whose backing store hangs (a suspended "
		"pool beneath) cannot be removed: stop retries until its deadline, then fails "
		"naming the LUN, so that Pacemaker fences the node. monitor asks the daemon once for the target, "
		"every LUN and its backing store; depth 10 also sends an iSCSI login to every "
		"portal and expects an answer.\n\n"
		"Order it after the pool (its backing files live there) and before the floating "
		"IP, so initiators find the target complete when the address arrives.",
	.params = params,
	.n_params = P_COUNT,
	.actions = actions,
	.n_actions = sizeof(actions) / sizeof(actions[0]),
	.ops = {
		.start = itgt_start,
		.stop = itgt_stop,
		.monitor = itgt_monitor,
		.validate_all = itgt_validate_all,
		.reload_agent = itgt_reload_agent,
	},
	.check = itgt_check,
	.man_extra =
		".SH EXAMPLES\n"
		".nf\n"
		"pcs resource create lun1 ocf:twinhead:iscsitarget \\e\n"
		"    iqn=iqn.2024-01.com.example:tank tid=1 portals=10.0.0.100:3260 \\e\n"
		"    luns=\"1:/tank/iscsi/vol1 2:/tank/iscsi/vol2\" \\e\n"
		"    allowed_initiators=\"iqn.2024-01.com.example:host1\" \\e\n"
		"    incoming_username=host1 secret_file=/etc/twinhead/host1.chap \\e\n"
		"    op monitor interval=10s op monitor interval=60s OCF_CHECK_LEVEL=10\n"
		"\n"
		"pcs resource create lun1 ocf:twinhead:iscsitarget implementation=lio \\e\n"
		"    iqn=iqn.2024-01.com.example:tank portals=10.0.0.100:3260 \\e\n"
		"    luns=\"1:/dev/zvol/tank/vol1\" allowed_initiators=ALL \\e\n"
		"    lio_pr_dir=/tank/.lio-pr lio_alua_groups=\"heada:1 headb:2\"\n"
		".fi\n"
		".SH WHICH IMPLEMENTATION\n"
		".TP\n"
		".B lio\n"
		"for Linux heads in production. LIO is the target RHEL ships and Proxmox and\n"
		"TrueNAS SCALE speak; it serves zvols as block devices, reports ALUA\n"
		"(lio_alua_groups) and keeps SCSI persistent reservations that clients\n"
		"register with APTPL on the pool (lio_pr_dir), so a reservation taken through\n"
		"one head is there after failover to the other (Windows failover clusters and\n"
		"VMware rely on that). Give the lio_pr_dir dataset sync=always: the kernel\n"
		"writes the reservation file without fsync. It needs the kernel modules\n"
		"target_core_mod and iscsi_target_mod and configfs; the agent writes configfs\n"
		"itself (no targetcli). Initiators are admitted by name only (no addresses).\n"
		"The standby head exports nothing (a LIO LUN needs its device, which only the\n"
		"head with the pool has): ALUA groups tell initiators which head's port they\n"
		"are on, not a standby path (see MULTIPATH).\n"
		".TP\n"
		".B tgt\n"
		"the lightweight option: a user-space daemon, no kernel modules, runs in\n"
		"containers and network namespaces (the project's lab uses it). No ALUA, and\n"
		"reservations live in tgtd's memory: they are lost on failover.\n"
		".TP\n"
		".B ctld\n"
		"for FreeBSD heads (CTL).\n"
		".SH MULTIPATH\n"
		"With implementation=lio, initiators may use dm-multipath over one portal per\n"
		"head instead of a floating IP: set portals per node with a rule in the\n"
		"resource's instance attributes (Pacemaker picks the set whose rule\n"
		"#uname eq NODE matches), and lio_alua_groups. On the initiator:\n"
		"path_grouping_policy group_by_prio, prio alua, hardware_handler \"1 alua\",\n"
		"no_path_retry bounded above the cluster's worst takeover (queued I/O\n"
		"then fails instead of hanging forever), fast_io_fail_tmo (multipathd's\n"
		"recovery timeout for each iSCSI path; it overrides replacement_timeout).\n"
		"Log in to each head's portal while that head serves\n"
		"(after a planned switchover): a login to the standby's portal fails,\n"
		"nothing listens there; a session once logged in is kept by iscsid, which\n"
		"logs it in again by itself when that head takes over. The pause an\n"
		"application sees is the initiator's detection of the dead path\n"
		"(NOP-Out interval and timeout) plus fast_io_fail_tmo, not the takeover:\n"
		"with open-iscsi's and multipath-tools' defaults longer than with a\n"
		"floating IP, about the same with both at 2 s (docs/failover.md).\n"
		".SH RELOAD\n"
		"luns and allowed_initiators are reloadable: Pacemaker runs reload-agent, which\n"
		"adds and removes only the LUNs and ACL entries that differ; the target and its\n"
		"other sessions keep running. A LUN that keeps its number must keep its\n"
		"backing; on lio a change between ALL and a list of names needs a restart.\n"
		".SH NOTES\n"
		"The tgt implementation is verified on Linux with tgtd in network namespaces and\n"
		"libiscsi initiators. The lio implementation runs in the project's VM tier on\n"
		"Debian's 6.1 kernel with OpenZFS and an open-iscsi client (identity, APTPL\n"
		"reservations across a power-loss failover, CHAP, reload of luns, stop, killed\n"
		"starts); mutual CHAP is verified against a stand-in for configfs only,\n"
		"dm-multipath with ALUA not at all, and no VMware or Windows initiator was\n"
		"tried: see\n"
		"docs/iscsitarget.md. The ctld implementation (ctl.conf block,\n"
		"ctld -t, SIGHUP, ctladm devlist) is checked only by unit tests of the generated\n"
		"text: it has not been run on FreeBSD by the project's tests.\n",
};

/* The descriptor limit is left alone: exec_run closes a child's
 * descriptors with one close_range() whatever the limit (it used to close
 * them one by one, and this agent lowered its soft limit to 1024 for it). */
int main(int argc, char **argv)
{
	return ocf_main(&iscsitarget, argc, argv);
}
