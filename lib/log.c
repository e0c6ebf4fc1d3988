/* Logging targets from HA_LOGFACILITY / HA_logfile / HA_debug. */
#include "config.h"
#include "log.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

extern char **environ;

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
	int facility, prio, fd;

	if (!envp)
		envp = environ;
	facility = th_log_facility(env_lookup(envp, "HA_LOGFACILITY"));
	prio = env_true(env_lookup(envp, "HA_debug")) ? LOG_DEBUG : LOG_INFO;

	qb_log_init(ident, facility >= 0 ? facility : LOG_DAEMON, prio);
	qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_ENABLED, QB_FALSE);
	qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, facility >= 0 ? QB_TRUE : QB_FALSE);
	qb_log_filter_ctl(QB_LOG_SYSLOG, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", prio);

	qb_log_format_set(QB_LOG_STDERR, "%N[%P]: %p: %b");
	qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", prio);
	qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);

	logfile = env_lookup(envp, "HA_logfile");
	if (logfile && *logfile) {
		fd = qb_log_file_open(logfile);
		if (fd >= 0) {
			qb_log_format_set(fd, "%t %N[%P]: %p: %b");
			qb_log_filter_ctl(fd, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", prio);
			qb_log_ctl(fd, QB_LOG_CONF_ENABLED, QB_TRUE);
		}
	}
}

void th_log_fini(void)
{
	qb_log_fini();
}
