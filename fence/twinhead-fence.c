/* twinhead-fence: the quorum daemon's fencing, by hand.
 *
 *   twinhead-fence --host H[:P] --user U --password-file F
 *                  [--cipher N] [--timeout-ms N] [--poll-ms N]
 *                  [--session-timeout-ms N] [--retransmission-timeout-ms N]
 *                  status|off|on|confirm-off
 *
 * The same code path as twinhead-quorumd (fence/fence.c, fence_ipmi.c),
 * for admins checking a BMC's setup and for the tests. The password comes
 * only from a file: never from argv or the environment, where any local
 * user could read it (/proc/PID/cmdline, /proc/PID/environ).
 *
 * Exit status: 0 done (for confirm-off: a status read after the request
 * said off); 1 the BMC failed, did not answer, or did not confirm; 2 bad
 * usage or configuration. One line on stderr says why. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "deadline.h"
#include "fence.h"
#include "fence_ipmi.h"

#define PROG "twinhead-fence"
#define TIMEOUT_MS_DEFAULT 5000
#define POLL_MS_DEFAULT 50

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " --host H[:PORT] --user USER --password-file FILE\n"
		"                      [--cipher N] [--timeout-ms N] [--poll-ms N]\n"
		"                      [--session-timeout-ms N] [--retransmission-timeout-ms N]\n"
		"                      status|off|on|confirm-off\n"
		"\n"
		"  status        print the chassis power state: on or off\n"
		"  off           ask the BMC to power off (not a confirmation)\n"
		"  on            ask the BMC to power on\n"
		"  confirm-off   power off, then poll until a status read says off\n"
		"\n"
		"  --host        BMC address: IPv4, or [IPv6]; port 623 unless :PORT\n"
		"  --cipher      IPMI 2.0 cipher suite (default %d; 0 is refused)\n"
		"  --timeout-ms  deadline for the whole action (default %d)\n"
		"  --poll-ms     status poll interval for confirm-off (default %d)\n"
		"\n"
		"Exit status: 0 done, 1 failed or not confirmed, 2 bad usage or configuration.\n"
		"See twinhead-fence(8).\n",
		FENCE_IPMI_CIPHER_DEFAULT, TIMEOUT_MS_DEFAULT, POLL_MS_DEFAULT);
}

static int die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see " PROG " --help)\n");
	return EXIT_USAGE;
}

/* A decimal in [min, max], nothing else. */
static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned *out)
{
	unsigned long v = 0;

	if (!s || !*s || strlen(s) > 9)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < min || v > max)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

/* What a failure means, for a person. */
static const char *fence_strerror(int rc)
{
	switch (-rc) {
	case EACCES:
		return "the BMC refused the login (wrong user name or password, or no "
		       "administrator privilege)";
	case ETIMEDOUT:
		return "no answer from the BMC in time (unreachable, or too slow for the timeout)";
	case EIO:
		return "the BMC answered the command with an error completion code "
		       "(or the IPMI library failed)";
	case EPROTO:
		return "the BMC's reply was malformed or not for the command sent";
	case EPROTONOSUPPORT:
		return "the BMC does not offer IPMI 2.0 (lanplus) with this cipher suite";
	case EBUSY:
		return "the BMC is busy";
	case EOPNOTSUPP:
		return "the BMC does not support the command";
	default:
		return strerror(-rc);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "user", required_argument, NULL, 'U' },
		{ "password-file", required_argument, NULL, 'F' },
		{ "cipher", required_argument, NULL, 'C' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "poll-ms", required_argument, NULL, 'p' },
		{ "session-timeout-ms", required_argument, NULL, 's' },
		{ "retransmission-timeout-ms", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct fence_ipmi_config cfg = { .cipher_suite = FENCE_IPMI_CIPHER_DEFAULT,
					 .library = getenv(FENCE_IPMI_LIBRARY_ENV) };
	unsigned timeout_ms = TIMEOUT_MS_DEFAULT, poll_ms = POLL_MS_DEFAULT;
	const struct rlimit nocore = { 0, 0 };
	struct fence_dev *dev = NULL;
	struct deadline d;
	const char *action;
	char why[256] = "";
	int c, rc, status = EXIT_FAILED;
	bool on = false;

	/* The password will be in this process's memory: no core file. */
	(void)setrlimit(RLIMIT_CORE, &nocore);

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			cfg.host = optarg;
			break;
		case 'U':
			cfg.username = optarg;
			break;
		case 'F':
			cfg.password_file = optarg;
			break;
		case 'C':
			if (parse_uint(optarg, 0, 255, &cfg.cipher_suite) < 0)
				return die_usage("bad --cipher '%s'", optarg);
			break;
		case 't':
			if (parse_uint(optarg, 1, 3600000, &timeout_ms) < 0)
				return die_usage("bad --timeout-ms '%s' (1-3600000)", optarg);
			break;
		case 'p':
			if (parse_uint(optarg, 1, 60000, &poll_ms) < 0)
				return die_usage("bad --poll-ms '%s' (1-60000)", optarg);
			break;
		case 's':
			if (parse_uint(optarg, 1, UINT_MAX / 2, &cfg.session_timeout_ms) < 0)
				return die_usage("bad --session-timeout-ms '%s'", optarg);
			break;
		case 'r':
			if (parse_uint(optarg, 1, UINT_MAX / 2, &cfg.retransmission_timeout_ms) < 0)
				return die_usage("bad --retransmission-timeout-ms '%s'", optarg);
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf(PROG " (" PACKAGE_NAME ") " PACKAGE_VERSION "\n");
			return EXIT_OK;
		default:
			return die_usage("unknown or incomplete option '%s'",
					 argv[optind - 1] ? argv[optind - 1] : "?");
		}
	}
	if (optind != argc - 1)
		return die_usage("%s", optind >= argc ? "missing action: status, off, on or confirm-off"
						      : "exactly one action expected");
	action = argv[optind];
	if (strcmp(action, "status") && strcmp(action, "off") && strcmp(action, "on") &&
	    strcmp(action, "confirm-off"))
		return die_usage("unknown action '%s' (status, off, on, confirm-off)", action);

	rc = fence_ipmi_new(&cfg, &dev, why, sizeof(why));
	if (rc < 0) {
		fprintf(stderr, PROG ": %s\n", why[0] ? why : strerror(-rc));
		return EXIT_USAGE;
	}

	d = deadline_in_ms(timeout_ms);
	if (!strcmp(action, "status")) {
		rc = dev->ops->power_status(dev, d, &on);
		if (rc == 0)
			printf("%s\n", on ? "on" : "off");
	} else if (!strcmp(action, "off")) {
		rc = dev->ops->power_off(dev, d);
		if (rc == 0)
			printf("power off requested (not confirmed: use confirm-off)\n");
	} else if (!strcmp(action, "on")) {
		rc = dev->ops->power_on(dev, d);
		if (rc == 0)
			printf("power on requested\n");
	} else {
		int64_t t0 = deadline_now_ms();

		rc = fence_confirm_off(dev, d, (int)poll_ms);
		if (rc == 0)
			printf("off: confirmed by a status read after the power-off request "
			       "(%lld ms)\n", (long long)(deadline_now_ms() - t0));
	}
	if (rc == 0) {
		status = EXIT_OK;
	} else if (!strcmp(action, "confirm-off") && rc == -ETIMEDOUT) {
		fprintf(stderr, PROG ": %s: power-off NOT confirmed within %u ms (the BMC did not "
			"answer in time, or still reports power on)\n", dev->desc, timeout_ms);
	} else {
		fprintf(stderr, PROG ": %s: %s failed: %s\n", dev->desc, action,
			dev->error[0] ? dev->error : fence_strerror(rc));
	}
	fence_destroy(dev);
	return status;
}
