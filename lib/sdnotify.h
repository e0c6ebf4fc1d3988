/* The systemd notification protocol (sd_notify(3)) without libsystemd.
 *
 * A service of Type=notify tells systemd it is ready (READY=1), alive
 * (WATCHDOG=1, within WatchdogSec=), what it is doing (STATUS=...) and that
 * it is stopping (STOPPING=1) by sending one datagram to the AF_UNIX socket
 * named in $NOTIFY_SOCKET (a path, or '@' for the abstract namespace).
 * Linking libsystemd for that would pull libgcrypt, liblz4, libzstd and
 * more into the daemon; the protocol is one sendto().
 * Outside systemd (no NOTIFY_SOCKET: a shell, the lab, FreeBSD) every call
 * is a no-op.
 * Library code: never logs. */
#ifndef TWINHEAD_SDNOTIFY_H
#define TWINHEAD_SDNOTIFY_H

#include <stdint.h>

/* Sends msg ("READY=1", "WATCHDOG=1\nSTATUS=...", ...) to the socket named
 * by the NOTIFY_SOCKET entry of envp (NULL: environ). Returns 1 when sent,
 * 0 when there is no NOTIFY_SOCKET (nothing to do), -EINVAL for a name that
 * is neither an absolute path nor '@'-abstract or that does not fit, or
 * -errno of socket()/sendto(). Never blocks: the datagram is sent
 * MSG_DONTWAIT, and a full queue is -EAGAIN, not a wait. */
int sdnotify_send(char *const *envp, const char *msg);

/* The service manager's watchdog interval in microseconds from
 * WATCHDOG_USEC (and WATCHDOG_PID, when set, naming this process), or 0
 * when systemd does not watch this process. */
uint64_t sdnotify_watchdog_usec(char *const *envp);

#endif
