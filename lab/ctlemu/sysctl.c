/* EMULATION: a sysctl(8) stand-in for kern.cam.ctl.* on a lab head, built
 * on the same sysctlbyname() shim the test-only agent uses. Usage as on
 * FreeBSD for these names: `sysctl [-n] name[=value]...`. Output follows
 * sbin/sysctl ("name: value", "name: old -> new"); error texts are close
 * to FreeBSD's, not identical. */
#include "config.h"
#include "ctlemu.h"

#include <sys/sysctl.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_string(const char *name)
{
	return strcmp(name, "kern.cam.ctl.ha_peer") == 0;
}

/* Formats the current value; returns 0 or an errno. */
static int show(const char *name, char *out, size_t len)
{
	char buf[CTLEMU_PEER_MAX + 1];
	size_t n = sizeof(buf) - 1;

	memset(buf, 0, sizeof(buf));
	if (sysctlbyname(name, buf, &n, NULL, 0) != 0)
		return errno;
	if (is_string(name)) {
		snprintf(out, len, "%s", buf);
	} else {
		int v;

		if (n != sizeof(v))
			return EIO;
		memcpy(&v, buf, sizeof(v));
		snprintf(out, len, "%d", v);
	}
	return 0;
}

static int complain(const char *name, const char *value, int err)
{
	if (err == ENOENT)
		fprintf(stderr, "sysctl: unknown oid '%s'\n", name);
	else if (err == EPERM)
		fprintf(stderr, "sysctl: oid '%s' is read only\n", name);
	else if (value)
		fprintf(stderr, "sysctl: %s=%s: %s\n", name, value, strerror(err));
	else
		fprintf(stderr, "sysctl: %s: %s\n", name, strerror(err));
	return 1;
}

int main(int argc, char **argv)
{
	bool quiet = false;
	int rc = 0, i = 1;

	if (i < argc && strcmp(argv[i], "-n") == 0) {
		quiet = true;
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: sysctl [-n] name[=value] ... "
				"(EMULATION: kern.cam.ctl.ha_* only)\n");
		return 1;
	}
	for (; i < argc; i++) {
		char name[160], old[CTLEMU_PEER_MAX + 16], now[CTLEMU_PEER_MAX + 16];
		const char *eq = strchr(argv[i], '='), *value = eq ? eq + 1 : NULL;
		size_t nl = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		int err;

		if (nl >= sizeof(name)) {
			rc = complain(argv[i], NULL, EINVAL);
			continue;
		}
		memcpy(name, argv[i], nl);
		name[nl] = '\0';
		if ((err = show(name, old, sizeof(old))) != 0) {
			rc = complain(name, NULL, err);
			continue;
		}
		if (!value) {
			printf(quiet ? "%s\n" : "%s: %s\n", quiet ? old : name, old);
			continue;
		}
		if (is_string(name)) {
			err = sysctlbyname(name, NULL, NULL, value, strlen(value)) ? errno : 0;
		} else {
			char *end;
			long v;
			int iv;

			errno = 0;
			v = strtol(value, &end, 0);
			if (value[0] == '\0' || *end != '\0' || errno || v < INT_MIN || v > INT_MAX) {
				fprintf(stderr, "sysctl: invalid integer '%s'\n", value);
				rc = 1;
				continue;
			}
			iv = (int)v;
			err = sysctlbyname(name, NULL, NULL, &iv, sizeof(iv)) ? errno : 0;
		}
		if (err) {
			rc = complain(name, value, err);
			continue;
		}
		if (show(name, now, sizeof(now)) != 0)
			snprintf(now, sizeof(now), "?");
		if (quiet)
			printf("%s\n", now);
		else
			printf("%s: %s -> %s\n", name, old, now);
	}
	return rc;
}
