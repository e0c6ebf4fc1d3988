/* Logging for agents and the daemon, through libqb.
 *
 * Where messages go follows the variables Pacemaker hands to agents:
 *   stderr           always (Pacemaker's executor records it);
 *   syslog           when HA_LOGFACILITY names a facility (not "none");
 *   HA_logfile       appended to, when set;
 *   HA_debug=1       adds debug messages.
 * Library code below the agents does not log: it returns -errno, and its
 * caller logs once, with context. */
#ifndef TWINHEAD_LOG_H
#define TWINHEAD_LOG_H

#include <qb/qblog.h>
#include <syslog.h>

#define th_log(prio, ...) qb_log((prio), __VA_ARGS__)
#define th_debug(...) qb_log(LOG_DEBUG, __VA_ARGS__)

/* Sets up the targets for a process named ident from envp (NULL: environ).
 * Safe to call once per process; never fails (logging falls back to stderr). */
void th_log_init(const char *ident, char *const *envp);

/* Flushes and closes the targets. */
void th_log_fini(void);

/* Maps a syslog facility name ("daemon", "local0", ...) to its value;
 * -1 for "none", "", or an unknown name. */
int th_log_facility(const char *name);

#endif
