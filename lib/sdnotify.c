/* sd_notify over the NOTIFY_SOCKET datagram socket. See sdnotify.h. */
#include "config.h"
#include "sdnotify.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "decimal.h"

extern char **environ;

static const char *sdnotify_env(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (char *const *e = envp ? envp : environ; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

int sdnotify_send(char *const *envp, const char *msg)
{
	const char *name = sdnotify_env(envp, "NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len, msglen = strlen(msg);
	socklen_t salen;
	ssize_t n;
	int fd, err;

	if (!name || !name[0])
		return 0;
	len = strlen(name);
	if ((name[0] != '/' && name[0] != '@') || len >= sizeof(sa.sun_path))
		return -EINVAL;
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract: no terminating NUL counted */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
			    (name[0] == '/' ? 1 : 0));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n = sendto(fd, msg, msglen, MSG_NOSIGNAL | MSG_DONTWAIT, (struct sockaddr *)&sa, salen);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	return (size_t)n == msglen ? 1 : -EMSGSIZE;
}

uint64_t sdnotify_watchdog_usec(char *const *envp)
{
	const char *usec = sdnotify_env(envp, "WATCHDOG_USEC");
	const char *pid = sdnotify_env(envp, "WATCHDOG_PID");
	uint64_t v, p;

	if (!usec || decimal_u64(usec, strlen(usec), &v) < 0 || v == 0)
		return 0;
	/* Set for another process (a child inherited it): not ours. */
	if (pid && (decimal_u64(pid, strlen(pid), &p) < 0 || p != (uint64_t)getpid()))
		return 0;
	return v;
}
