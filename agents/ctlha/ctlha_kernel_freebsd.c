/* CTL HA on FreeBSD: the kern.cam.ctl.ha_* sysctls through sysctlbyname(3)
 * and ctladm(8) through exec_run.
 *
 * Written against FreeBSD 13/14's ctl(4), ctl.c and ctl_ha.c. This project
 * has no FreeBSD: on Linux the same file is compiled, unchanged, into a
 * test-only agent that links lab/ctlemu's sysctlbyname() (an emulator of
 * CTL HA over a unix socket) instead of libc's; see docs/ctlha.md for what
 * that does and does not prove. */
#include "config.h"
#include "ctlha_kernel.h"
#include "exec.h"

#include <sys/types.h>
#include <sys/sysctl.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define OID(name) "kern.cam.ctl." name

static int read_int(const char *oid, int *out)
{
	int v = 0;
	size_t len = sizeof(v);

	if (sysctlbyname(oid, &v, &len, NULL, 0) != 0)
		return -errno;
	if (len != sizeof(v))
		return -EPROTO;
	*out = v;
	return 0;
}

int ctlha_read(struct ctlha_state *st)
{
	char peer[CTLHA_PEER_MAX + 1];
	size_t len = sizeof(peer);
	int rc;

	memset(st, 0, sizeof(*st));
	if ((rc = read_int(OID("ha_id"), &st->ha_id)) < 0 ||
	    (rc = read_int(OID("ha_mode"), &st->ha_mode)) < 0 ||
	    (rc = read_int(OID("ha_link"), &st->ha_link)) < 0 ||
	    (rc = read_int(OID("ha_role"), &st->ha_role)) < 0)
		return rc;
	if (st->ha_link < CTLHA_LINK_OFFLINE || st->ha_link > CTLHA_LINK_ONLINE)
		return -EPROTO;
	/* The kernel reports any non-zero role as secondary (ctl.c reads its
	 * flag back as 0 or 1); insist on that. */
	if (st->ha_role != CTLHA_ROLE_PRIMARY && st->ha_role != CTLHA_ROLE_SECONDARY)
		return -EPROTO;
	memset(peer, 0, sizeof(peer));
	if (sysctlbyname(OID("ha_peer"), peer, &len, NULL, 0) != 0)
		return -errno;
	/* A string sysctl returns its bytes and a NUL, within the kernel's
	 * 128-byte buffer; printable ASCII only (it is an sscanf'd address). */
	if (len == 0 || len > CTLHA_PEER_MAX || peer[len - 1] != '\0' || strlen(peer) != len - 1)
		return -EPROTO;
	for (size_t i = 0; i + 1 < len; i++)
		if (peer[i] < 0x20 || peer[i] > 0x7e)
			return -EPROTO;
	memcpy(st->ha_peer, peer, len);
	return 0;
}

int ctlha_set_peer(const char *peer)
{
	size_t len = strlen(peer);

	if (len >= CTLHA_PEER_MAX)
		return -EINVAL;
	/* As sysctl(8) does for a string: the bytes, without the NUL. */
	if (sysctlbyname(OID("ha_peer"), NULL, NULL, peer, len) != 0)
		return -errno;
	return 0;
}

int ctlha_set_role(int role)
{
	int v = role;

	if (role != CTLHA_ROLE_PRIMARY && role != CTLHA_ROLE_SECONDARY)
		return -EINVAL;
	if (sysctlbyname(OID("ha_role"), NULL, NULL, &v, sizeof(v)) != 0)
		return -errno;
	return 0;
}

/* Runs ctladm with args; on success its stdout is in res (the caller frees
 * it). ctladm says what went wrong on stderr and, for some commands, exits
 * 0 anyway after ctl_io_error_print(): callers check the output. */
static int ctladm_run(const char *ctladm, struct deadline d, const char *const *argv,
		      struct exec_result *res, char *why, size_t whylen)
{
	struct exec_cmd cmd = { .argv = argv, .deadline = d };
	int rc = exec_run(&cmd, res);

	if (rc == -ETIMEDOUT) {
		snprintf(why, whylen, "%s %s did not finish in time", ctladm, argv[1]);
		return rc;
	}
	if (rc < 0) {
		snprintf(why, whylen, "cannot run %s: %s", ctladm, strerror(-rc));
		return rc == -ENOENT ? -ENOENT : -EIO;
	}
	if (!exec_succeeded(rc, res)) {
		size_t n = strcspn(res->err, "\n");

		snprintf(why, whylen, "%s %s failed (exit %d): %.*s", ctladm, argv[1],
			 res->exit_status, (int)(n > 200 ? 200 : n), res->err);
		return -EIO;
	}
	return 0;
}

int ctlha_lun_list(const char *ctladm, struct deadline d, struct ctlha_lun_list *out,
		   char *why, size_t whylen)
{
	const char *argv[] = { ctladm, "devlist", "-x", NULL };
	struct exec_result res;
	int rc;

	out->luns = NULL;
	out->n = 0;
	rc = ctladm_run(ctladm, d, argv, &res, why, whylen);
	if (rc == 0)
		rc = res.truncated ? -EPROTO : ctlha_devlist_parse(res.out, out, why, whylen);
	exec_result_free(&res);
	return rc;
}

int ctlha_lun_set_role(const char *ctladm, struct deadline d, const struct ctlha_lun *lun,
		       int role, char *why, size_t whylen)
{
	/* ctladm modify -b B -l ID, then -o for every option but ha_role, then
	 * -o ha_role=ROLE: at most 6 + 2 * (CTLHA_LUN_OPTS + 1) + 1 entries. */
	char optv[CTLHA_LUN_OPTS + 1][sizeof(lun->opts[0].name) + sizeof(lun->opts[0].value) + 1];
	const char *argv[6 + 2 * (CTLHA_LUN_OPTS + 1) + 1];
	char id[16], expect[48];
	struct exec_result res;
	size_t n = 0, k = 0;
	int rc;

	snprintf(id, sizeof(id), "%u", lun->id);
	argv[n++] = ctladm;
	argv[n++] = "modify";
	argv[n++] = "-b";
	argv[n++] = lun->backend;
	argv[n++] = "-l";
	argv[n++] = id;
	for (size_t i = 0; i < lun->nopts; i++) {
		if (strcmp(lun->opts[i].name, "ha_role") == 0)
			continue;
		if (strchr(lun->opts[i].value, '=')) {
			snprintf(why, whylen, "LUN %u: option %s=%s holds '=', which ctladm modify "
				 "would cut off: change the ha_role of this LUN by hand", lun->id,
				 lun->opts[i].name, lun->opts[i].value);
			return -EINVAL;
		}
		snprintf(optv[k], sizeof(optv[k]), "%s=%s", lun->opts[i].name, lun->opts[i].value);
		argv[n++] = "-o";
		argv[n++] = optv[k++];
	}
	snprintf(optv[k], sizeof(optv[k]), "ha_role=%s",
		 role == CTLHA_ROLE_PRIMARY ? "primary" : "secondary");
	argv[n++] = "-o";
	argv[n++] = optv[k];
	argv[n] = NULL;

	rc = ctladm_run(ctladm, d, argv, &res, why, whylen);
	/* ctladm prints this after CTL_LUN_OK, and also after CTL_LUN_WARNING
	 * (the backend could not open or close its file): then the warning is
	 * on stderr, and the LUN may not serve I/O. */
	snprintf(expect, sizeof(expect), "LUN %u modified successfully\n", lun->id);
	if (rc == 0 && strcmp(res.out, expect) != 0) {
		size_t m = strcspn(res.out, "\n");

		snprintf(why, whylen, "%s modify of LUN %u: unexpected answer '%.*s'", ctladm,
			 lun->id, (int)(m > 120 ? 120 : m), res.out);
		rc = -EPROTO;
	} else if (rc == 0 && res.err[0] != '\0') {
		size_t m = strcspn(res.err, "\n");

		snprintf(why, whylen, "%s modify of LUN %u: %.*s", ctladm, lun->id,
			 (int)(m > 200 ? 200 : m), res.err);
		rc = -EIO;
	}
	exec_result_free(&res);
	return rc;
}

int ctlha_lun_alua(const char *ctladm, struct deadline d, unsigned lun, int ha_id,
		   struct ctlha_alua *out, char *why, size_t whylen)
{
	char id[16];
	const char *argv[] = { ctladm, "rtpg", id, NULL };
	struct exec_result res;
	int rc;

	snprintf(id, sizeof(id), "%u", lun);
	rc = ctladm_run(ctladm, d, argv, &res, why, whylen);
	if (rc == 0 && res.out[0] == '\0') {
		/* ctladm exits 0 after printing the SCSI error on stderr. */
		size_t n = strcspn(res.err, "\n");

		snprintf(why, whylen, "%s rtpg %u: no data: %.*s", ctladm, lun,
			 (int)(n > 200 ? 200 : n), res.err);
		rc = -EIO;
	}
	if (rc == 0)
		rc = ctlha_rtpg_parse(res.out, ha_id, out, why, whylen);
	exec_result_free(&res);
	return rc;
}
