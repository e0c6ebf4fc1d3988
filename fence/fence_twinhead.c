/* fence_twinhead: a Pacemaker fence agent for IPMI 2.0 BMCs that fences a
 * failure once, not twice.
 *
 * It follows the fence-agents conventions (fence_agent_opts.h): options as
 * key=value lines on stdin or as command-line options; the actions off, on,
 * reboot, status, monitor, list, metadata and validate-all; fence-agents'
 * exit codes. It talks to the BMC through the same code as twinhead-quorumd
 * (fence/fence.c, fence_ipmi.c): one trust rule, "off" only when a status
 * read after the request says off.
 *
 * off (and reboot's off) first asks the local twinhead-quorumd: when its
 * published state (lib/quorumd_state.h) shows it read THIS BMC back off
 * after the node's last slot write and last membership
 * (quorumd_state_fence_reusable), the fence is already done and the agent
 * answers at once, without an IPMI call. Anything else (no state, a stale
 * or foreign confirmation, quorumd stopped) fences through the BMC.
 *
 * Every message goes to stderr, one line, prefixed with the agent's name:
 * pacemaker-fenced logs it. The password is read from password_file only. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "fence.h"
#include "fence_agent_opts.h"
#include "fence_ipmi.h"
#include "quorumd_state.h"
#include "strbuf.h"

#define PROG "fence_twinhead"
#define POLL_MS 50
#define STDIN_MAX_LINES 200

/* fence-agents' exit codes (fencing.py EC_*). */
enum {
	EC_OK = 0,
	EC_GENERIC_ERROR = 1,
	EC_BAD_ARGS = 2,
	EC_STATUS_OFF = 2, /* status: the power is off */
	EC_LOGIN_DENIED = 3,
	EC_TIMED_OUT = 5,
	EC_WAITING_ON = 6,
	EC_WAITING_OFF = 7,
};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* What an IPMI failure means, for a person; and its exit code. */
static const char *bmc_strerror(int rc)
{
	switch (-rc) {
	case EACCES:
		return "the BMC refused the login (wrong user name or password, or no "
		       "administrator privilege)";
	case ETIMEDOUT:
		return "no answer from the BMC in time (unreachable, or too slow)";
	case EIO:
		return "the BMC answered with an error completion code";
	case EPROTO:
		return "the BMC's reply was malformed or not for the command sent";
	case EPROTONOSUPPORT:
		return "the BMC does not offer IPMI 2.0 (lanplus) with this cipher suite";
	default:
		return strerror(-rc);
	}
}

static int bmc_exit(int rc)
{
	if (rc == -EACCES)
		return EC_LOGIN_DENIED;
	if (rc == -ETIMEDOUT)
		return EC_TIMED_OUT;
	return EC_GENERIC_ERROR;
}

/* Worth another try before the deadline: no answer (lost packets, or a BMC
 * busy running the chassis command: ipmi_sim answers nothing while its
 * chassis program runs), a busy BMC, an error completion code, a garbled
 * reply. Off and on are idempotent, so resending is safe. A refused
 * login, a missing protocol or library is not. */
static bool bmc_retryable(int rc)
{
	return rc == -ETIMEDOUT || rc == -EBUSY || rc == -EIO || rc == -EPROTO || rc == -EAGAIN;
}

/* A status read, tried again on transient failures until d. */
static int bmc_status(struct fence_dev *dev, struct deadline d, bool *on)
{
	for (;;) {
		int rc = dev->ops->power_status(dev, d, on);

		if (rc == 0 || !bmc_retryable(rc) || deadline_expired(d) ||
		    deadline_sleep_ms(d, POLL_MS) < 0)
			return rc;
	}
}

static int bmc_failed(const struct fence_dev *dev, const char *what, int rc, unsigned timeout_s)
{
	if (rc == -ETIMEDOUT)
		say("%s: %s failed: no answer from the BMC within %u s (power_timeout): "
		    "unreachable, or too slow", dev->desc, what, timeout_s);
	else
		say("%s: %s failed: %s", dev->desc, what, dev->error[0] ? dev->error : bmc_strerror(rc));
	return bmc_exit(rc);
}

/* stdin holds key=value lines when the agent is run by fenced, pcs or
 * stonith_admin. A terminal means a person with command-line options. */
static int read_stdin(struct fence_agent_opts *o)
{
	char line[1024], why[256];
	unsigned n = 0;

	if (isatty(0))
		return 0;
	while (fgets(line, sizeof(line), stdin)) {
		size_t len = strlen(line);
		bool ignored;

		if (++n > STDIN_MAX_LINES) {
			say("more than %d option lines on stdin", STDIN_MAX_LINES);
			return -EINVAL;
		}
		if (len && line[len - 1] != '\n' && !feof(stdin)) {
			say("an option line on stdin is longer than %zu bytes", sizeof(line) - 2);
			return -EINVAL;
		}
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (fence_agent_opts_line(o, line, &ignored, why, sizeof(why)) < 0) {
			say("%s", why);
			return -EINVAL;
		}
	}
	return 0;
}

/* The BMC's address as quorumd publishes it (fenced_bmc), from ip and
 * ipport; -EINVAL with why for a bad address. */
static int bmc_address(const struct fence_agent_opts *o, struct fence_ipmi_addr *a, char *buf,
		       size_t len, char *why, size_t whylen)
{
	int rc = fence_ipmi_parse_host(o->ip, a, why, whylen);

	if (rc < 0)
		return rc;
	if (o->ipport)
		a->port = o->ipport;
	return fence_ipmi_format_host(a, buf, len);
}

/* 1 when twinhead-quorumd's confirmation answers this off; else 0 (why
 * says why not). */
static int quorumd_confirmed(const struct fence_agent_opts *o, const char *bmc, char *why,
			     size_t whylen)
{
	char path[300];
	struct quorumd_state s;

	if (!o->quorumd) {
		snprintf(why, whylen, "quorumd=0");
		return 0;
	}
	if (o->quorumd_state[0])
		snprintf(path, sizeof(path), "%s", o->quorumd_state);
	else
		snprintf(path, sizeof(path), "%s/%s", TWINHEAD_RUNDIR, QUORUMD_STATE_RELPATH);
	if (quorumd_state_load(path, &s, why, whylen) < 0)
		return 0;
	return quorumd_state_fence_reusable(&s, bmc, (int64_t)time(NULL), why, whylen);
}

static int do_off(const struct fence_agent_opts *o, struct fence_dev *dev, const char *bmc,
		  struct deadline d)
{
	const char *node = o->plug[0] ? o->plug : bmc;
	char why[320];
	int64_t t0 = deadline_now_ms();
	int rc;

	if (quorumd_confirmed(o, bmc, why, sizeof(why))) {
		say("off %s: confirmed by twinhead-quorumd, no IPMI call (%s)", node, why);
		return EC_OK;
	}
	say("off %s: fencing through the BMC %s (quorumd's confirmation not used: %s)", node,
	    dev->desc, why);
	for (;;) {
		rc = fence_confirm_off(dev, d, POLL_MS);
		if (rc == 0 || !bmc_retryable(rc) || deadline_expired(d) ||
		    deadline_sleep_ms(d, POLL_MS) < 0)
			break;
	}
	if (rc == 0) {
		say("off %s: confirmed by the BMC's power status read after the request (%lld ms)",
		    node, (long long)(deadline_now_ms() - t0));
		return EC_OK;
	}
	if (rc == -ETIMEDOUT) {
		say("%s: power-off of %s NOT confirmed within %u s (power_timeout): the BMC did not "
		    "answer, or still reports power on%s%s", dev->desc, node, o->power_timeout_s,
		    dev->error[0] ? ": " : "", dev->error);
		return EC_WAITING_OFF;
	}
	return bmc_failed(dev, "off", rc, o->power_timeout_s);
}

static int do_on(const struct fence_agent_opts *o, struct fence_dev *dev, struct deadline d)
{
	bool on = false;
	int rc;

	for (;;) {
		rc = dev->ops->power_on(dev, d);
		if (rc == 0 || !bmc_retryable(rc) || deadline_expired(d) ||
		    deadline_sleep_ms(d, POLL_MS) < 0)
			break;
	}
	if (rc < 0)
		return bmc_failed(dev, "on", rc, o->power_timeout_s);
	/* As off: the request being accepted is not the answer; a read is. */
	for (;;) {
		rc = dev->ops->power_status(dev, d, &on);
		if (rc == 0 && on) {
			say("on %s: the BMC reads power on", o->plug[0] ? o->plug : dev->desc);
			return EC_OK;
		}
		if (deadline_expired(d) || deadline_sleep_ms(d, POLL_MS) < 0) {
			say("%s: power-on NOT confirmed within %u s (power_timeout)", dev->desc,
			    o->power_timeout_s);
			return EC_WAITING_ON;
		}
	}
}

static int run_action(const struct fence_agent_opts *o)
{
	struct fence_ipmi_config cfg = { .username = o->username,
					 .password_file = o->password_file,
					 .cipher_suite = o->cipher,
					 .library = getenv(FENCE_IPMI_LIBRARY_ENV) };
	struct fence_ipmi_addr addr;
	struct fence_dev *dev = NULL;
	char bmc[FENCE_IPMI_TARGET_LEN], why[256] = "";
	struct deadline d;
	bool on = false;
	int rc, ec;

	if (bmc_address(o, &addr, bmc, sizeof(bmc), why, sizeof(why)) < 0) {
		say("%s", why[0] ? why : "bad BMC address");
		return EC_BAD_ARGS;
	}
	cfg.host = bmc;
	rc = fence_ipmi_new(&cfg, &dev, why, sizeof(why));
	if (rc < 0) {
		say("%s", why[0] ? why : strerror(-rc));
		return EC_BAD_ARGS;
	}
	if (o->action == FA_ACT_VALIDATE) {
		fence_destroy(dev);
		return EC_OK;
	}

	if (o->delay_s && (o->action == FA_ACT_OFF || o->action == FA_ACT_REBOOT)) {
		say("waiting %u s (delay) before %s", o->delay_s, fence_agent_action_name(o->action));
		deadline_sleep_ms(deadline_in_ms((int64_t)o->delay_s * 1000),
				  (int)o->delay_s * 1000);
	}
	d = deadline_in_ms((int64_t)o->power_timeout_s * 1000);
	switch (o->action) {
	case FA_ACT_OFF:
		ec = do_off(o, dev, bmc, d);
		break;
	case FA_ACT_REBOOT:
		ec = do_off(o, dev, bmc, d);
		if (ec == EC_OK)
			ec = do_on(o, dev, deadline_in_ms((int64_t)o->power_timeout_s * 1000));
		break;
	case FA_ACT_ON:
		ec = do_on(o, dev, d);
		break;
	case FA_ACT_STATUS:
	case FA_ACT_MONITOR:
	case FA_ACT_LIST:
		rc = bmc_status(dev, d, &on);
		if (rc < 0) {
			ec = bmc_failed(dev, fence_agent_action_name(o->action), rc,
					o->power_timeout_s);
			break;
		}
		if (o->action == FA_ACT_STATUS) {
			printf("Status: %s\n", on ? "ON" : "OFF");
			ec = on ? EC_OK : EC_STATUS_OFF;
		} else if (o->action == FA_ACT_LIST) {
			/* One device, one node: "plug,alias" as fence-agents list. */
			printf("%s,%s\n", o->plug[0] ? o->plug : bmc, bmc);
			ec = EC_OK;
		} else {
			ec = EC_OK;
		}
		break;
	default:
		ec = EC_BAD_ARGS;
		break;
	}
	fence_destroy(dev);
	return ec;
}

int main(int argc, char **argv)
{
	const struct rlimit nocore = { 0, 0 };
	struct fence_agent_opts o;
	struct strbuf b = { 0 };
	bool help, version;
	char why[256] = "";
	char *text;

	/* The password will be in this process's memory: no core file. */
	(void)setrlimit(RLIMIT_CORE, &nocore);
	fence_agent_opts_init(&o);
	if (argc > 1) {
		if (fence_agent_opts_argv(&o, argc, argv, &help, &version, why, sizeof(why)) < 0) {
			say("%s", why);
			return EC_BAD_ARGS;
		}
		if (help || version) {
			if (help)
				fence_agent_opts_usage(&b, PROG);
			else
				strbuf_printf(&b, PROG " (" PACKAGE_NAME ") " PACKAGE_VERSION "\n");
			text = strbuf_take(&b);
			fputs(text ? text : "", stdout);
			free(text);
			return EC_OK;
		}
	} else if (read_stdin(&o) < 0) {
		return EC_BAD_ARGS;
	}

	if (o.action == FA_ACT_METADATA) {
		fence_agent_opts_metadata(&b, PROG);
		text = strbuf_take(&b);
		if (!text)
			return EC_GENERIC_ERROR;
		fputs(text, stdout);
		free(text);
		return EC_OK;
	}
	if (fence_agent_opts_check(&o, why, sizeof(why)) < 0) {
		say("%s", why);
		return EC_BAD_ARGS;
	}
	return run_action(&o);
}
