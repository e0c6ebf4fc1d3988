/* Logging targets from HA_LOGFACILITY / HA_logfile / HA_debug, through a
 * libqb loaded on the first message. */
#include "config.h"
#include "log.h"
#include "dl.h"

#include <qb/qblog.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

extern char **environ;

static struct {
	char ident[96];
	int facility;       /* -1: no syslog */
	int prio;           /* highest priority value written */
	char logfile[256];
	enum { LOG_UNSET, LOG_CONFIGURED, LOG_QB, LOG_STDERR_ONLY } state;
} cfg = { .facility = -1, .prio = LOG_INFO };

/* libqb's API, resolved at first use; typeof keeps the prototypes checked. */
static struct {
	__typeof__(&qb_log_init) init;
	__typeof__(&qb_log_ctl) ctl;
	__typeof__(&qb_log_filter_ctl) filter_ctl;
	__typeof__(&qb_log_format_set) format_set;
	__typeof__(&qb_log_file_open) file_open;
	__typeof__(&qb_log_from_external_source_va) log_va;
	__typeof__(&qb_log_fini) fini;
} qb;

static const char *env_lookup(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (char *const *e = envp; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

int th_log_facility(const char *name)
{
	static const struct {
		const char *name;
		int value;
	} facilities[] = {
		{ "daemon", LOG_DAEMON }, { "user", LOG_USER }, { "auth", LOG_AUTH },
		{ "authpriv", LOG_AUTHPRIV }, { "local0", LOG_LOCAL0 },
		{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
		{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
		{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
		{ "local7", LOG_LOCAL7 },
	};

	if (!name)
		return -1;
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcasecmp(name, facilities[i].name) == 0)
			return facilities[i].value;
	return -1;
}

static bool env_true(const char *v)
{
	return v && (strcmp(v, "1") == 0 || strcasecmp(v, "yes") == 0 ||
		     strcasecmp(v, "true") == 0 || strcasecmp(v, "on") == 0);
}

void th_log_init(const char *ident, char *const *envp)
{
	const char *logfile;

	if (!envp)
		envp = environ;
	snprintf(cfg.ident, sizeof(cfg.ident), "%s", ident);
	cfg.facility = th_log_facility(env_lookup(envp, "HA_LOGFACILITY"));
	cfg.prio = env_true(env_lookup(envp, "HA_debug")) ? LOG_DEBUG : LOG_INFO;
	logfile = env_lookup(envp, "HA_logfile");
	snprintf(cfg.logfile, sizeof(cfg.logfile), "%s", logfile ? logfile : "");
	cfg.state = LOG_CONFIGURED;
}

bool th_log_enabled(int prio)
{
	return prio <= cfg.prio;
}

static bool qb_load(void)
{
	const struct dl_sym syms[] = {
		{ "qb_log_init", (void **)&qb.init },
		{ "qb_log_ctl", (void **)&qb.ctl },
		{ "qb_log_filter_ctl", (void **)&qb.filter_ctl },
		{ "qb_log_format_set", (void **)&qb.format_set },
		{ "qb_log_file_open", (void **)&qb.file_open },
		{ "qb_log_from_external_source_va", (void **)&qb.log_va },
		{ "qb_log_fini", (void **)&qb.fini },
	};

	return dl_bind(LIBQB_SONAME, syms, sizeof(syms) / sizeof(syms[0])) == 0;
}

static void qb_setup(void)
{
	int fd;

	if (cfg.state == LOG_UNSET)
		th_log_init("twinhead", NULL);
	if (!qb_load()) {
		cfg.state = LOG_STDERR_ONLY;
		return;
	}
	qb.init(cfg.ident, cfg.facility >= 0 ? cfg.facility : LOG_DAEMON, cfg.prio);
	qb.ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_ENABLED, QB_FALSE);
	qb.ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, cfg.facility >= 0 ? QB_TRUE : QB_FALSE);
	qb.filter_ctl(QB_LOG_SYSLOG, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", cfg.prio);
	qb.format_set(QB_LOG_STDERR, "%N[%P]: %p: %b");
	qb.filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", cfg.prio);
	qb.ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);
	if (cfg.logfile[0]) {
		fd = qb.file_open(cfg.logfile);
		if (fd >= 0) {
			/* %T: milliseconds, as corosync's hires and Pacemaker's
			 * own lines: failover timelines are read from this file. */
			qb.format_set(fd, "%T %N[%P]: %p: %b");
			qb.filter_ctl(fd, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", cfg.prio);
			qb.ctl(fd, QB_LOG_CONF_ENABLED, QB_TRUE);
		}
	}
	cfg.state = LOG_QB;
}

static const char *prio_name(int prio)
{
	static const char *const names[] = { "emerg", "alert", "crit", "error",
					     "warning", "notice", "info", "debug" };

	return prio >= 0 && prio <= LOG_DEBUG ? names[prio] : "log";
}

void th_log_at(const char *function, const char *file, int line, int prio,
	       const char *fmt, ...)
{
	va_list ap;

	if (!th_log_enabled(prio))
		return;
	if (cfg.state != LOG_QB && cfg.state != LOG_STDERR_ONLY)
		qb_setup();
	va_start(ap, fmt);
	if (cfg.state == LOG_QB) {
		qb.log_va(function, file, fmt, (uint8_t)prio, (uint32_t)line, 0, ap);
	} else {
		fprintf(stderr, "%s[%d]: %s: ", cfg.ident, (int)getpid(), prio_name(prio));
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

void th_log_fini(void)
{
	if (cfg.state == LOG_QB)
		qb.fini();
	cfg.state = LOG_CONFIGURED;
}
