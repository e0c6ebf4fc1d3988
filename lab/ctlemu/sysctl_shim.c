/* EMULATION: sysctlbyname(3) for the test-only build of agents/ctlha/ctlha_kernel_freebsd.c
 * on Linux. Instead of the kernel it asks the CTL HA emulator (ctlemud) on
 * this lab head, over its unix socket, and keeps FreeBSD's calling
 * conventions:
 *   - oldp NULL, oldlenp set: *oldlenp = the value's size;
 *   - oldp too small: as much as fits, then -1/ENOMEM;
 *   - newp set: the write, after the read when both are asked for;
 *   - an unknown name, or no emulator at all, is -1/ENOENT (what FreeBSD
 *     says for kern.cam.ctl.* when ctl.ko is not loaded).
 * Every answer is checked before anything reaches the caller's buffer. */
#include "config.h"
#include "ctlemu_client.h"
#include "ctlemu.h"

#include <sys/sysctl.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(int err)
{
	errno = err;
	return -1;
}

/* "OK <hex>" / "OK" / "ERR <NAME>" -> 0 (value in val) or an errno. */
static int answer(const char *resp, uint8_t *val, size_t max, size_t *n, bool want_value)
{
	if (strncmp(resp, "ERR ", 4) == 0) {
		int e = ctlemu_errnum(resp + 4);

		return e == 0 ? EIO : e;
	}
	if (!want_value)
		return strcmp(resp, "OK") == 0 ? 0 : EIO;
	if (strncmp(resp, "OK ", 3) != 0)
		return EIO;
	return ctlemu_unhex(resp + 3, strlen(resp + 3), val, max, n) == 0 ? 0 : EIO;
}

int sysctlbyname(const char *name, void *oldp, size_t *oldlenp, const void *newp,
		 size_t newlen)
{
	char *hname, *req, *resp = NULL;
	size_t rlen;
	int rc;

	if (!name || strlen(name) > 128)
		return fail(EINVAL);
	hname = ctlemu_hex(name, strlen(name));
	if (!hname)
		return fail(ENOMEM);
	if (oldlenp) {
		uint8_t val[CTLEMU_PEER_MAX];
		size_t n = 0;

		rlen = strlen(hname) + 8;
		req = malloc(rlen);
		if (!req) {
			free(hname);
			return fail(ENOMEM);
		}
		snprintf(req, rlen, "GET %s", hname);
		rc = ctlemu_call(req, &resp, 1024);
		free(req);
		if (rc < 0) {
			free(hname);
			return fail(rc == -ENOENT ? ENOENT : EIO);
		}
		rc = answer(resp, val, sizeof(val), &n, true);
		free(resp);
		if (rc) {
			free(hname);
			return fail(rc);
		}
		if (oldp) {
			size_t room = *oldlenp;

			memcpy(oldp, val, n < room ? n : room);
			if (n > room) {
				free(hname);
				*oldlenp = room;
				return fail(ENOMEM);
			}
		}
		*oldlenp = n;
	}
	if (newp) {
		char *hval = ctlemu_hex(newp, newlen);

		if (!hval) {
			free(hname);
			return fail(ENOMEM);
		}
		rlen = strlen(hname) + strlen(hval) + 8;
		req = malloc(rlen);
		if (!req) {
			free(hname);
			free(hval);
			return fail(ENOMEM);
		}
		snprintf(req, rlen, "SET %s %s", hname, hval);
		free(hval);
		rc = ctlemu_call(req, &resp, 1024);
		free(req);
		if (rc < 0) {
			free(hname);
			return fail(rc == -ENOENT ? ENOENT : EIO);
		}
		rc = answer(resp, NULL, 0, NULL, false);
		free(resp);
		if (rc) {
			free(hname);
			return fail(rc);
		}
	}
	free(hname);
	return 0;
}
