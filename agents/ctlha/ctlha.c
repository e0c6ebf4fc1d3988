/* ocf:twinhead:ctlha — FreeBSD CTL HA (ctl(4)) as a Pacemaker promotable
 * clone: the head that Pacemaker promotes becomes CTL's primary
 * (kern.cam.ctl.ha_role=0), the other one its secondary.
 *
 * The clone's two instances share one set of parameters; each head finds
 * its own part through its boot-time kern.cam.ctl.ha_id (1 or 2): the head
 * whose ha_id equals `listen` listens on `peer`, the other connects to it.
 *
 * Who is primary on the other head? CTL tells a secondary, per LUN, over
 * the HA link (the LUN_SYNC messages behind ctl.c's CTL_LUN_PEER_SC_PRIMARY)
 * and shows it in the LUN's ALUA states, which `ctladm rtpg` reads. That is
 * the kernel's own knowledge, so promote asks it first. Without a LUN to
 * ask, it falls back on Pacemaker's notifications (post-promote/-demote of
 * the peer), recorded under the run directory. docs/ctlha.md says why. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ctlha_kernel.h"
#include "exec.h"
#include "log.h"
#include "ocf.h"
#include "tools.h"

enum {
	P_PEER,
	P_LISTEN,
	P_MODE,
	P_LINK_TIMEOUT,
	P_LUN_ROLES,
	P_POOL,
	P_COUNT
};

#define MAX_LUN_ROLES 256
#define TOOL_CAP_MS 5000 /* one ctladm, zpool or crm_attribute call */
#define POLL_MS 100

static const char *const listen_opts[] = { "1", "2", NULL };
static const char *const mode_opts[] = { "0", "1", "2", NULL };

static int valid_peer(const char *v, char *why, size_t len)
{
	uint32_t addr;
	unsigned port;

	return ctlha_addr_parse(v, &addr, &port, why, len);
}

static int valid_lun_roles(const char *v, char *why, size_t len)
{
	struct ctlha_lun_role roles[MAX_LUN_ROLES];
	int n = ctlha_lun_roles_parse(v, roles, MAX_LUN_ROLES, why, len);

	return n < 0 ? n : 0;
}

/* zpool(8) names: a letter first, then letters, digits, _ - . : and
 * no more than 255 characters. */
static int valid_pool(const char *v, char *why, size_t len)
{
	size_t n = strlen(v);

	if (n > 255 || !((v[0] >= 'a' && v[0] <= 'z') || (v[0] >= 'A' && v[0] <= 'Z')) ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:") != n) {
		snprintf(why, len, "not a ZFS pool name (a letter, then letters, digits, _ - . :)");
		return -EINVAL;
	}
	return 0;
}

static const struct ocf_param params[P_COUNT] = {
	[P_PEER] = {
		.name = "peer", .type = OCF_TYPE_STRING, .flags = OCF_REQUIRED,
		.shortdesc = "Interconnect address of the listening head (A.B.C.D[:PORT])",
		.longdesc = "The IPv4 address and TCP port of the HA interconnect on the head "
			    "that listens (see listen): that head sets kern.cam.ctl.ha_peer to "
			    "\"listen A.B.C.D:PORT\", the other to \"connect A.B.C.D:PORT\". "
			    "Without a port, CTL's default 999 is used. CTL HA speaks IPv4 only.",
		.validate = valid_peer,
	},
	[P_LISTEN] = {
		.name = "listen", .type = OCF_TYPE_SELECT, .deflt = "1", .options = listen_opts,
		.shortdesc = "ha_id of the head that listens",
		.longdesc = "Which side listens: the head whose boot-time kern.cam.ctl.ha_id "
			    "equals this value listens on peer; the other head connects to it.",
	},
	[P_MODE] = {
		.name = "mode", .type = OCF_TYPE_SELECT, .deflt = "2", .options = mode_opts,
		.shortdesc = "Expected kern.cam.ctl.ha_mode",
		.longdesc = "The HA mode both heads were booted with (a loader.conf tunable): "
			    "0 active/standby, 1 active/active with both heads on the backend, "
			    "2 the secondary forwards all I/O to the primary (the mode for ZFS). "
			    "validate-all and start fail on a head booted with another mode.",
	},
	[P_LINK_TIMEOUT] = {
		.name = "link_timeout", .type = OCF_TYPE_INTEGER, .deflt = "10",
		.min = 0, .max = 3600,
		.shortdesc = "Seconds to wait for the HA link",
		.longdesc = "How long start waits for kern.cam.ctl.ha_link=2 after setting "
			    "ha_peer. When the link is not up by then, start still succeeds and "
			    "monitor reports the resource degraded (190) until it comes: a lone "
			    "head must be able to start. It is also how long promote waits for "
			    "a primary peer to step down or for its link to drop (CTL notices a "
			    "dead peer after about 6 s of TCP keepalives) before refusing. "
			    "Both waits also end at the action's timeout.",
	},
	[P_LUN_ROLES] = {
		.name = "lun_roles", .type = OCF_TYPE_STRING,
		.shortdesc = "Per-LUN primary heads (LUN=HAID,...)",
		.longdesc = "Overrides of the head's role for single LUNs, through the LUN "
			    "option ha_role (ctladm modify -o ha_role=...): \"0=1, 1=2\" makes the "
			    "head with ha_id 1 primary for LUN 0 and the head with ha_id 2 "
			    "primary for LUN 1, whatever the clone's roles. start applies them "
			    "to the LUNs that exist then; stop makes them secondary again.",
		.validate = valid_lun_roles,
	},
	[P_POOL] = {
		.name = "pool", .type = OCF_TYPE_STRING,
		.shortdesc = "ZFS pool behind the LUNs (for the promotion score)",
		.longdesc = "When set, the head that has this pool imported is preferred for "
			    "promotion (zpool list). When not set, a head is preferred when "
			    "every LUN's backing file exists on it.",
		.validate = valid_pool,
	},
};

static const struct ocf_action_spec actions[] = {
	{ .name = "start", .timeout_s = 30 },
	{ .name = "stop", .timeout_s = 30 },
	{ .name = "promote", .timeout_s = 30 },
	{ .name = "demote", .timeout_s = 30 },
	{ .name = "notify", .timeout_s = 20 },
	{ .name = "monitor", .timeout_s = 20, .interval_s = 10, .role = "Promoted" },
	{ .name = "monitor", .timeout_s = 20, .interval_s = 11, .role = "Unpromoted" },
	{ .name = "validate-all", .timeout_s = 20 },
	{ .name = "meta-data", .timeout_s = 5 },
};

/* What an action knows about this head. */
struct ha {
	struct ctlha_state st;
	struct ctlha_peer want;
	char want_str[CTLHA_PEER_MAX];
	const char *ctladm;
};

/* ---- reading the kernel ---- */

/* Reads the kernel's state. Returns OCF_SUCCESS, or the failure with its
 * reason; rc_missing is what "CTL not loaded" means to the caller. */
static int ha_read(struct ocf_ctx *ctx, struct ha *h, int rc_missing)
{
	int rc = ctlha_read(&h->st);

	if (rc == -ENOTSUP)
		return ocf_fail(ctx, OCF_ERR_INSTALLED,
				"CTL HA exists only on FreeBSD: ocf:twinhead:ctlha cannot run on "
				"this node");
	if (rc == -ENOENT)
		return ocf_fail(ctx, rc_missing,
				"CTL is not loaded (no kern.cam.ctl): kldload ctl, or set "
				"ctl_load=\"YES\" in /boot/loader.conf");
	if (rc < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot read kern.cam.ctl.ha_*: %s",
				strerror(-rc));
	return OCF_SUCCESS;
}

/* The ha_peer string this head should have. Needs a valid ha_id. */
static void ha_want(struct ocf_ctx *ctx, struct ha *h)
{
	uint32_t addr;
	unsigned port;
	char why[8];

	ctlha_addr_parse(ocf_str(ctx, P_PEER), &addr, &port, why, sizeof(why));
	h->want.kind = h->st.ha_id == atoi(ocf_str(ctx, P_LISTEN)) ? CTLHA_PEER_LISTEN
								   : CTLHA_PEER_CONNECT;
	h->want.addr = addr;
	h->want.port = port;
	ctlha_peer_format(&h->want, h->want_str, sizeof(h->want_str));
}

/* The boot-time tunables must fit the parameters. */
static int ha_check_config(struct ocf_ctx *ctx, const struct ha *h)
{
	if (h->st.ha_id != 1 && h->st.ha_id != 2)
		return ocf_fail(ctx, OCF_ERR_INSTALLED,
				"HA is not configured on this head: kern.cam.ctl.ha_id is %d; set "
				"kern.cam.ctl.ha_id=1 on one head and 2 on the other in "
				"/boot/loader.conf, and reboot", h->st.ha_id);
	if (h->st.ha_mode != atoi(ocf_str(ctx, P_MODE)))
		return ocf_fail(ctx, OCF_ERR_INSTALLED,
				"kern.cam.ctl.ha_mode is %d on this head but mode=%s: ha_mode is "
				"a boot tunable; set the same kern.cam.ctl.ha_mode on both heads in "
				"/boot/loader.conf and reboot, or correct mode",
				h->st.ha_mode, ocf_str(ctx, P_MODE));
	return OCF_SUCCESS;
}

/* Loads and checks everything an action on a configured head needs. */
static int ha_load(struct ocf_ctx *ctx, struct ha *h)
{
	int rc = ha_read(ctx, h, OCF_ERR_INSTALLED);

	if (rc != OCF_SUCCESS)
		return rc;
	rc = ha_check_config(ctx, h);
	if (rc != OCF_SUCCESS)
		return rc;
	ha_want(ctx, h);
	h->ctladm = tool_path(TOOL_CTLADM, ctx->envp);
	return OCF_SUCCESS;
}

static int set_role(struct ocf_ctx *ctx, struct ha *h, int role)
{
	int rc = ctlha_set_role(role);

	if (rc < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot set kern.cam.ctl.ha_role=%d: %s",
				role, strerror(-rc));
	rc = ctlha_read(&h->st);
	if (rc < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot read kern.cam.ctl.ha_role back: %s",
				strerror(-rc));
	if (h->st.ha_role != role)
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"kern.cam.ctl.ha_role reads %d after writing %d", h->st.ha_role, role);
	th_log(LOG_INFO, "kern.cam.ctl.ha_role=%d (%s)", role,
	       role == CTLHA_ROLE_PRIMARY ? "primary" : "secondary");
	return OCF_SUCCESS;
}

static int set_peer(struct ocf_ctx *ctx, struct ha *h, const char *peer)
{
	struct ctlha_peer now;
	int rc = ctlha_set_peer(peer);

	if (rc < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot set kern.cam.ctl.ha_peer=\"%s\": %s",
				peer, strerror(-rc));
	rc = ctlha_read(&h->st);
	if (rc < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot read kern.cam.ctl.ha_peer back: %s",
				strerror(-rc));
	if (ctlha_peer_parse(h->st.ha_peer, &now) < 0 || strcmp(h->st.ha_peer, peer) != 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"kern.cam.ctl.ha_peer reads \"%s\" after writing \"%s\"",
				h->st.ha_peer, peer);
	th_log(LOG_INFO, "kern.cam.ctl.ha_peer=\"%s\"", peer);
	return OCF_SUCCESS;
}

/* ---- this node, the clone, Pacemaker ---- */

static const char *node_name(struct ocf_ctx *ctx)
{
	static struct utsname u;
	const char *n = ocf_env(ctx, "OCF_RESKEY_CRM_meta_on_node");

	if (n && *n)
		return n;
	if (uname(&u) == 0)
		return u.nodename;
	return "";
}

/* Where notify records what it learnt about the other head:
 * TWINHEAD_RUNDIR/ctlha-<resource>.peer, the clone instance's ":N" cut so
 * both instances of a clone would agree on the name. */
static void peer_file(struct ocf_ctx *ctx, char *buf, size_t len)
{
	size_t n = strcspn(ctx->instance, ":/");

	snprintf(buf, len, "%s/ctlha-%.*s.peer", TWINHEAD_RUNDIR, (int)n, ctx->instance);
}

/* 1 promoted, 0 not, -1 nothing recorded. */
static int peer_recorded(struct ocf_ctx *ctx)
{
	char path[256], buf[32] = "";
	int fd;
	ssize_t n;

	peer_file(ctx, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (strncmp(buf, "promoted\n", 9) == 0)
		return 1;
	if (strncmp(buf, "unpromoted\n", 11) == 0)
		return 0;
	return -1;
}

static void peer_record(struct ocf_ctx *ctx, bool promoted)
{
	char path[256], tmp[272];
	const char *s = promoted ? "promoted\n" : "unpromoted\n";
	int fd;

	mkdir(TWINHEAD_RUNDIR, 0755);
	peer_file(ctx, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s) || close(fd) < 0 ||
	    rename(tmp, path) < 0) {
		th_log(LOG_WARNING, "cannot record the peer's role in %s: %s", path,
		       strerror(errno));
		if (fd >= 0)
			unlink(tmp);
	}
}

/* crm_attribute --promotion: -v score, or -D (score < 0). A failure is
 * logged, never fatal: outside a cluster (ocf-tester) there is no attrd. */
static void promotion_set(struct ocf_ctx *ctx, int score)
{
	char val[16], inst[160], node[160];
	const char *argv[] = { tool_path(TOOL_CRM_ATTRIBUTE, ctx->envp), "--promotion",
			       score < 0 ? "-D" : "-v", score < 0 ? NULL : val, NULL };
	const char *env[] = { inst, NULL, NULL };
	const char *on = ocf_env(ctx, "OCF_RESKEY_CRM_meta_on_node");
	struct exec_cmd cmd = { .argv = argv, .env = env,
				.deadline = deadline_cap_ms(ctx->deadline, TOOL_CAP_MS) };
	struct exec_result res;
	int rc;

	snprintf(val, sizeof(val), "%d", score);
	snprintf(inst, sizeof(inst), "OCF_RESOURCE_INSTANCE=%s", ctx->instance);
	if (on && *on) {
		snprintf(node, sizeof(node), "OCF_RESKEY_CRM_meta_on_node=%s", on);
		env[1] = node;
	}
	rc = exec_run(&cmd, &res);
	if (!exec_succeeded(rc, &res)) {
		size_t n = strcspn(res.err, "\n");

		th_log(LOG_WARNING, "cannot %s the promotion score: %s %s%.*s", score < 0 ? "remove" :
		       "set", argv[0], rc < 0 ? strerror(-rc) : "failed: ", (int)(n > 160 ? 160 : n),
		       rc < 0 ? "" : res.err);
	} else {
		th_debug("promotion score %s", score < 0 ? "removed" : val);
	}
	exec_result_free(&res);
}

/* The score for a usable head (see ctlha_promotion_score). */
static int promotion_score(struct ocf_ctx *ctx, const struct ha *h)
{
	struct ctlha_score_in in = { .usable = true,
				     .primary = h->st.ha_role == CTLHA_ROLE_PRIMARY };

	if (ocf_given(ctx, P_POOL)) {
		const char *argv[] = { tool_path(TOOL_ZPOOL, ctx->envp), "list", "-H", "-o", "name",
				       ocf_str(ctx, P_POOL), NULL };
		struct exec_cmd cmd = { .argv = argv,
					.deadline = deadline_cap_ms(ctx->deadline, TOOL_CAP_MS) };
		struct exec_result res;
		int rc = exec_run(&cmd, &res);

		in.pool_given = true;
		in.pool_imported = exec_succeeded(rc, &res);
		exec_result_free(&res);
	} else {
		struct ctlha_lun_list luns;
		char why[256];

		in.backends_reachable = true;
		if (ctlha_lun_list(h->ctladm, deadline_cap_ms(ctx->deadline, TOOL_CAP_MS), &luns,
				   why, sizeof(why)) < 0) {
			th_log(LOG_WARNING, "promotion score: %s", why);
			in.backends_reachable = false;
		} else {
			for (size_t i = 0; i < luns.n; i++) {
				struct stat sb;

				if (luns.luns[i].file[0] && stat(luns.luns[i].file, &sb) < 0) {
					th_debug("LUN %u: backing file %s: %s", luns.luns[i].id,
						 luns.luns[i].file, strerror(errno));
					in.backends_reachable = false;
				}
			}
			ctlha_lun_list_free(&luns);
		}
	}
	return ctlha_promotion_score(&in);
}

/* ---- LUN roles ---- */

/* Gives the LUNs named in lun_roles their role: the owner's, or secondary
 * everywhere when release. */
static int lun_roles_apply(struct ocf_ctx *ctx, struct ha *h, bool release)
{
	struct ctlha_lun_role roles[MAX_LUN_ROLES];
	struct ctlha_lun_list luns;
	char why[512];
	int n, rc;

	if (!ocf_given(ctx, P_LUN_ROLES))
		return OCF_SUCCESS;
	n = ctlha_lun_roles_parse(ocf_str(ctx, P_LUN_ROLES), roles, MAX_LUN_ROLES, why, sizeof(why));
	if (n <= 0)
		return OCF_SUCCESS;
	rc = ctlha_lun_list(h->ctladm, deadline_cap_ms(ctx->deadline, TOOL_CAP_MS), &luns, why,
			    sizeof(why));
	if (rc < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot list LUNs: %s", why);
	for (int i = 0; i < n; i++) {
		int role = !release && roles[i].owner == h->st.ha_id ? CTLHA_ROLE_PRIMARY
								     : CTLHA_ROLE_SECONDARY;
		const char *want = role == CTLHA_ROLE_PRIMARY ? "primary" : "secondary";
		const struct ctlha_lun *l = NULL;

		for (size_t k = 0; k < luns.n && !l; k++)
			if (luns.luns[k].id == roles[i].lun)
				l = &luns.luns[k];
		if (!l) {
			if (!release)
				th_log(LOG_WARNING, "lun_roles: LUN %u does not exist (yet): "
				       "its role is not set", roles[i].lun);
			continue;
		}
		if (strcmp(l->ha_role, want) == 0)
			continue;
		rc = ctlha_lun_set_role(h->ctladm, deadline_cap_ms(ctx->deadline, TOOL_CAP_MS), l,
					role, why, sizeof(why));
		if (rc < 0) {
			ctlha_lun_list_free(&luns);
			return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot make LUN %u %s: %s",
					roles[i].lun, want, why);
		}
		th_log(LOG_INFO, "LUN %u: ha_role=%s", roles[i].lun, want);
	}
	ctlha_lun_list_free(&luns);
	return OCF_SUCCESS;
}

static bool lun_in_roles(struct ocf_ctx *ctx, unsigned lun)
{
	struct ctlha_lun_role roles[MAX_LUN_ROLES];
	char why[8];
	int n;

	if (!ocf_given(ctx, P_LUN_ROLES))
		return false;
	n = ctlha_lun_roles_parse(ocf_str(ctx, P_LUN_ROLES), roles, MAX_LUN_ROLES, why, sizeof(why));
	for (int i = 0; i < n; i++)
		if (roles[i].lun == lun)
			return true;
	return false;
}

/* Is the other head primary? 1 yes, 0 no, -1 unknown; how says who said
 * so. Asks CTL first (a LUN that follows the head's role, through its ALUA
 * states), then what notify recorded. */
static int peer_primary(struct ocf_ctx *ctx, struct ha *h, char *how, size_t howlen)
{
	struct ctlha_lun_list luns;
	char why[256];
	int rc, verdict = -1;

	rc = ctlha_lun_list(h->ctladm, deadline_cap_ms(ctx->deadline, TOOL_CAP_MS), &luns, why,
			    sizeof(why));
	if (rc < 0) {
		th_log(LOG_WARNING, "cannot ask CTL about the peer: %s", why);
	} else {
		for (size_t i = 0; i < luns.n && verdict < 0; i++) {
			const struct ctlha_lun *l = &luns.luns[i];
			struct ctlha_alua a;

			if (l->ha_role[0] || lun_in_roles(ctx, l->id))
				continue; /* an override: says nothing about the head's role */
			rc = ctlha_lun_alua(h->ctladm, deadline_cap_ms(ctx->deadline, TOOL_CAP_MS),
					    l->id, h->st.ha_id, &a, why, sizeof(why));
			if (rc < 0) {
				th_log(LOG_WARNING, "cannot read LUN %u's ALUA states: %s", l->id, why);
				continue;
			}
			verdict = ctlha_peer_primary_from_alua(&a, h->st.ha_link);
			if (verdict >= 0)
				snprintf(how, howlen, "CTL: LUN %u is %s on the other head", l->id,
					 ctlha_alua_name(a.other));
		}
		ctlha_lun_list_free(&luns);
	}
	if (verdict < 0) {
		verdict = peer_recorded(ctx);
		if (verdict >= 0)
			snprintf(how, howlen, "Pacemaker's last notification: the other head was %s",
				 verdict ? "promoted" : "demoted or stopped");
	}
	return verdict;
}

/* ---- actions ---- */

static int ctlha_start(struct ocf_ctx *ctx)
{
	struct ha h;
	struct deadline link_by;
	int rc;

	rc = ha_load(ctx, &h);
	if (rc != OCF_SUCCESS)
		return rc;
	switch (ctlha_classify(&h.st, &h.want)) {
	case CTLHA_RUN_FOREIGN:
		th_log(LOG_NOTICE, "replacing kern.cam.ctl.ha_peer \"%s\" with \"%s\"", h.st.ha_peer,
		       h.want_str);
		/* fall through */
	case CTLHA_RUN_STOPPED:
	case CTLHA_RUN_PRIMARY_DEGRADED:
		if (strcmp(h.st.ha_peer, h.want_str) != 0) {
			rc = set_peer(ctx, &h, h.want_str);
			if (rc != OCF_SUCCESS)
				return rc;
		}
		break;
	default:
		break;
	}
	/* A started instance is unpromoted. */
	if (h.st.ha_role == CTLHA_ROLE_PRIMARY) {
		th_log(LOG_WARNING, "this head was primary before start: making it secondary");
		rc = set_role(ctx, &h, CTLHA_ROLE_SECONDARY);
		if (rc != OCF_SUCCESS)
			return rc;
	}
	rc = lun_roles_apply(ctx, &h, false);
	if (rc != OCF_SUCCESS)
		return rc;

	link_by = deadline_cap_ms(ctx->deadline, ocf_int(ctx, P_LINK_TIMEOUT) * 1000);
	for (;;) {
		rc = ctlha_read(&h.st);
		if (rc < 0)
			return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot read kern.cam.ctl.ha_link: %s",
					strerror(-rc));
		if (h.st.ha_link == CTLHA_LINK_ONLINE || deadline_expired(link_by))
			break;
		deadline_sleep_ms(link_by, POLL_MS);
	}
	if (h.st.ha_link == CTLHA_LINK_ONLINE)
		th_log(LOG_INFO, "HA link up (%s)", h.want_str);
	else
		th_log(LOG_WARNING, "the HA link (%s) is not up after %ld s: started degraded; "
		       "monitor reports 190 until the other head connects", h.want_str,
		       ocf_int(ctx, P_LINK_TIMEOUT));
	promotion_set(ctx, promotion_score(ctx, &h));
	return OCF_SUCCESS;
}

static int ctlha_stop(struct ocf_ctx *ctx)
{
	struct ha h;
	int rc = ctlha_read(&h.st);

	/* Nothing can run where there is no CTL HA: stopped. */
	if (rc == -ENOTSUP || rc == -ENOENT)
		return OCF_SUCCESS;
	if (rc < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot read kern.cam.ctl.ha_*: %s",
				strerror(-rc));
	if (h.st.ha_id != 1 && h.st.ha_id != 2)
		return OCF_SUCCESS;
	ha_want(ctx, &h);
	h.ctladm = tool_path(TOOL_CTLADM, ctx->envp);
	if (h.st.ha_role == CTLHA_ROLE_PRIMARY) {
		rc = set_role(ctx, &h, CTLHA_ROLE_SECONDARY);
		if (rc != OCF_SUCCESS)
			return rc;
	}
	rc = lun_roles_apply(ctx, &h, true);
	if (rc != OCF_SUCCESS)
		return rc;
	if (h.st.ha_peer[0] != '\0') {
		if (strcmp(h.st.ha_peer, h.want_str) != 0)
			th_log(LOG_NOTICE, "clearing kern.cam.ctl.ha_peer \"%s\" (not ours, \"%s\")",
			       h.st.ha_peer, h.want_str);
		rc = set_peer(ctx, &h, "");
		if (rc != OCF_SUCCESS)
			return rc;
	}
	promotion_set(ctx, -1);
	return OCF_SUCCESS;
}

static int ctlha_monitor(struct ocf_ctx *ctx)
{
	struct ha h;
	int rc = ctlha_read(&h.st);

	if (rc == -ENOENT && ctx->is_probe)
		return OCF_NOT_RUNNING;
	if (rc == -ENOENT)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "CTL is no longer loaded (no kern.cam.ctl)");
	if (rc < 0)
		return ha_read(ctx, &h, OCF_ERR_GENERIC); /* the same failure, with a reason */
	if (h.st.ha_id != 1 && h.st.ha_id != 2) {
		if (ctx->is_probe)
			return OCF_NOT_RUNNING;
		return ocf_fail(ctx, OCF_ERR_GENERIC, "kern.cam.ctl.ha_id is %d: HA is off",
				h.st.ha_id);
	}
	ha_want(ctx, &h);
	h.ctladm = tool_path(TOOL_CTLADM, ctx->envp);

	switch (ctlha_classify(&h.st, &h.want)) {
	case CTLHA_RUN_STOPPED:
		return OCF_NOT_RUNNING;
	case CTLHA_RUN_FOREIGN:
		if (!ctx->is_probe)
			promotion_set(ctx, 0);
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"kern.cam.ctl.ha_peer is \"%s\", not \"%s\": something else "
				"configures this head's HA link", h.st.ha_peer, h.want_str);
	case CTLHA_RUN_SECONDARY:
		rc = OCF_SUCCESS;
		break;
	case CTLHA_RUN_SECONDARY_DEGRADED:
		th_log(LOG_WARNING, "secondary without HA link (ha_link=%d): LUNs report "
		       "Transitioning or Unavailable here", h.st.ha_link);
		rc = OCF_DEGRADED;
		break;
	case CTLHA_RUN_PRIMARY:
		rc = OCF_RUNNING_PROMOTED;
		break;
	case CTLHA_RUN_PRIMARY_DEGRADED:
	default:
		th_log(LOG_WARNING, "primary without HA link (ha_link=%d): the other head "
		       "cannot take over", h.st.ha_link);
		rc = OCF_DEGRADED_PROMOTED;
		break;
	}
	promotion_set(ctx, promotion_score(ctx, &h));
	return rc;
}

static int ctlha_promote(struct ocf_ctx *ctx)
{
	struct ha h;
	struct deadline wait_by;
	char how[160] = "";
	int rc;

	rc = ha_load(ctx, &h);
	if (rc != OCF_SUCCESS)
		return rc;
	switch (ctlha_classify(&h.st, &h.want)) {
	case CTLHA_RUN_STOPPED:
		return ocf_fail(ctx, OCF_ERR_GENERIC, "promote before start: kern.cam.ctl.ha_peer "
				"is empty");
	case CTLHA_RUN_FOREIGN:
		return ocf_fail(ctx, OCF_ERR_GENERIC, "kern.cam.ctl.ha_peer is \"%s\", not \"%s\"",
				h.st.ha_peer, h.want_str);
	case CTLHA_RUN_PRIMARY:
	case CTLHA_RUN_PRIMARY_DEGRADED:
		promotion_set(ctx, promotion_score(ctx, &h));
		return OCF_SUCCESS;
	default:
		break;
	}

	/* Two primaries on a live link is split brain. When the other head is
	 * primary, wait a while: it may be stepping down, or dead (Pacemaker
	 * knows before CTL does: TCP keepalive takes about 6 s). */
	wait_by = deadline_cap_ms(ctx->deadline, ocf_int(ctx, P_LINK_TIMEOUT) * 1000);
	for (;;) {
		rc = ctlha_read(&h.st);
		if (rc < 0)
			return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot read kern.cam.ctl.ha_*: %s",
					strerror(-rc));
		if (h.st.ha_link != CTLHA_LINK_ONLINE)
			break;
		if (peer_primary(ctx, &h, how, sizeof(how)) != 1)
			break;
		if (deadline_expired(wait_by))
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"refusing to promote: the other head is primary and the HA "
					"link is up (%s); two primaries is split brain: demote the "
					"other head first", how);
		th_log(LOG_NOTICE, "the other head is still primary (%s): waiting", how);
		deadline_sleep_ms(wait_by, 500);
	}
	rc = set_role(ctx, &h, CTLHA_ROLE_PRIMARY);
	if (rc != OCF_SUCCESS)
		return rc;
	if (h.st.ha_link != CTLHA_LINK_ONLINE)
		th_log(LOG_WARNING, "promoted without HA link (ha_link=%d)", h.st.ha_link);
	promotion_set(ctx, promotion_score(ctx, &h));
	return OCF_SUCCESS;
}

static int ctlha_demote(struct ocf_ctx *ctx)
{
	struct ha h;
	int rc;

	rc = ha_load(ctx, &h);
	if (rc != OCF_SUCCESS)
		return rc;
	if (h.st.ha_role == CTLHA_ROLE_PRIMARY) {
		rc = set_role(ctx, &h, CTLHA_ROLE_SECONDARY);
		if (rc != OCF_SUCCESS)
			return rc;
	}
	if (ctlha_classify(&h.st, &h.want) == CTLHA_RUN_STOPPED)
		return OCF_SUCCESS;
	promotion_set(ctx, promotion_score(ctx, &h));
	return OCF_SUCCESS;
}

/* True when the space-separated node list names a node other than me. */
static bool names_other(const char *list, const char *me)
{
	size_t mel = strlen(me);

	while (list && *list) {
		size_t n;

		list += strspn(list, " ");
		n = strcspn(list, " ");
		if (n > 0 && (n != mel || strncmp(list, me, n) != 0))
			return true;
		list += n;
	}
	return false;
}

/* The other head was promoted, demoted or stopped: remember it for promote
 * (when CTL has no LUN to tell), and if the other head was promoted while
 * this one is still primary on a live link, step down: Pacemaker chose the
 * other head, and two primaries is split brain. Never fails. */
static int ctlha_notify(struct ocf_ctx *ctx)
{
	const char *type = ocf_env(ctx, "OCF_RESKEY_CRM_meta_notify_type");
	const char *op = ocf_env(ctx, "OCF_RESKEY_CRM_meta_notify_operation");
	const char *me = node_name(ctx);
	char var[64];
	struct ha h;

	if (!type || !op || strcmp(type, "post") != 0)
		return OCF_SUCCESS;
	if (strcmp(op, "promote") != 0 && strcmp(op, "demote") != 0 && strcmp(op, "stop") != 0)
		return OCF_SUCCESS;
	snprintf(var, sizeof(var), "OCF_RESKEY_CRM_meta_notify_%s_uname", op);
	if (!names_other(ocf_env(ctx, var), me))
		return OCF_SUCCESS;
	peer_record(ctx, strcmp(op, "promote") == 0);
	th_log(LOG_INFO, "the other head was %s", strcmp(op, "promote") == 0 ? "promoted" :
	       strcmp(op, "demote") == 0 ? "demoted" : "stopped");
	if (strcmp(op, "promote") != 0 || ctlha_read(&h.st) < 0)
		return OCF_SUCCESS;
	if (h.st.ha_role == CTLHA_ROLE_PRIMARY && h.st.ha_link == CTLHA_LINK_ONLINE) {
		th_log(LOG_ERR, "split brain: the other head was promoted while this head is "
		       "still primary on a live HA link: stepping down");
		int rc = ctlha_set_role(CTLHA_ROLE_SECONDARY);

		if (rc < 0)
			th_log(LOG_ERR, "cannot set kern.cam.ctl.ha_role=1: %s", strerror(-rc));
	}
	return OCF_SUCCESS;
}

static int ctlha_validate_all(struct ocf_ctx *ctx)
{
	struct ha h;

	/* The parameters passed; what is left is whether this head can run
	 * it: CTL there, HA on, the booted mode the expected one. */
	return ha_load(ctx, &h);
}

static const struct ocf_agent ctlha = {
	.name = "ctlha",
	.version = PACKAGE_VERSION,
	.shortdesc = "FreeBSD CTL HA role (kern.cam.ctl.ha_role) as a promotable clone",
	.longdesc =
		"Puts the role of a FreeBSD CTL high-availability pair (ctl(4)) under "
		"Pacemaker's control: run it as a promotable clone over the two heads; the "
		"promoted instance is CTL's primary (kern.cam.ctl.ha_role=0), the other its "
		"secondary.\n\n"
		"start checks that CTL is loaded and that the boot-time tunables fit (ha_id "
		"1 or 2, ha_mode equal to mode), sets kern.cam.ctl.ha_peer, waits up to "
		"link_timeout for the HA link, and leaves the head secondary. promote refuses "
		"while the other head is primary on a live link (CTL reports the other head's "
		"role through the LUNs' ALUA states; without LUNs, Pacemaker's notifications "
		"are used, so set notify=true on the clone). stop demotes and clears ha_peer.\n\n"
		"monitor: 8 primary with link, 191 primary without link, 0 secondary with "
		"link, 190 secondary without link, 7 stopped. A lost link degrades the "
		"resource; it does not fail it. Promotion scores (crm_attribute --promotion) "
		"prefer the current primary, then the head that has pool imported (or reaches "
		"every LUN's backing file); 0 where CTL is unusable.\n\n"
		"CTL HA exists only on FreeBSD: on other systems every action but stop, notify "
		"and meta-data ends with OCF_ERR_INSTALLED.",
	.params = params,
	.n_params = P_COUNT,
	.actions = actions,
	.n_actions = sizeof(actions) / sizeof(actions[0]),
	.ops = {
		.start = ctlha_start,
		.stop = ctlha_stop,
		.monitor = ctlha_monitor,
		.validate_all = ctlha_validate_all,
		.promote = ctlha_promote,
		.demote = ctlha_demote,
		.notify = ctlha_notify,
	},
	.man_extra =
		".SH EXAMPLES\n"
		"Head 1 (kern.cam.ctl.ha_id=1) listens on 192.168.77.1:7777, head 2 connects:\n"
		".PP\n"
		".nf\n"
		"pcs resource create ctl ocf:twinhead:ctlha peer=192.168.77.1:7777 \\e\n"
		"    listen=1 mode=2 pool=tank promotable notify=true \\e\n"
		"    op monitor interval=10s role=Promoted \\e\n"
		"    op monitor interval=11s role=Unpromoted\n"
		".fi\n"
		".SH NOTES\n"
		"Written against FreeBSD 13/14 (ctl(4), ctladm(8), sys/cam/ctl). This project\n"
		"has no FreeBSD: its tests run the same code on Linux against an emulator of\n"
		"CTL HA (lab/ctlemu). docs/ctlha.md lists what is verified by emulation only.\n"
		"The peer's role comes from the undocumented command \\fBctladm rtpg\\fR.\n",
};

int main(int argc, char **argv)
{
	return ocf_main(&ctlha, argc, argv);
}
