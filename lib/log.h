/* Logging for agents and the daemon, through libqb.
 *
 * Where messages go follows the variables Pacemaker hands to agents:
 *   stderr           always (Pacemaker's executor records it);
 *   syslog           when HA_LOGFACILITY names a facility (not "none");
 *   HA_logfile       appended to, when set, each line stamped to the
 *                    millisecond ("Nov 22 06:33:53.539 ident[pid]: ...");
 *   HA_debug=1       adds debug messages.
 * libqb is loaded with the first message that passes the priority filter
 * (lib/dl.h says why); a quiet monitor never loads it. Should libqb be
 * missing, messages still reach stderr.
 *
 * Library code below the agents does not log: it returns -errno, and its
 * caller logs once, with context. */
#ifndef TWINHEAD_LOG_H
#define TWINHEAD_LOG_H

#include <stdbool.h>
#include <syslog.h>

#define th_log(prio, ...) th_log_at(__func__, __FILE__, __LINE__, (prio), __VA_ARGS__)
#define th_debug(...) th_log(LOG_DEBUG, __VA_ARGS__)

void th_log_at(const char *function, const char *file, int line, int prio,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Records where messages go, for a process named ident, from envp (NULL:
 * environ). Cheap: loads nothing. */
void th_log_init(const char *ident, char *const *envp);

/* True when messages of prio would be written. */
bool th_log_enabled(int prio);

/* Flushes and closes the targets. */
void th_log_fini(void);

/* Maps a syslog facility name ("daemon", "local0", ...) to its value;
 * -1 for "none", "", or an unknown name. */
int th_log_facility(const char *name);

#endif
