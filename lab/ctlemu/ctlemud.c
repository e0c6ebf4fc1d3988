/* ctlemud: EMULATION of FreeBSD CTL HA for one lab head (test-only).
 *
 *   ctlemud --ha-id N --ha-mode M [--ha-role R] [--ha-peer STR] [--socket PATH]
 *   ctlemud status [--socket PATH]
 *
 * --ha-id, --ha-mode (and optionally --ha-role, --ha-peer) play the loader
 * tunables of /boot/loader.conf: ha_id and ha_mode cannot change while it
 * runs. Clients talk to it over a unix socket (default /run/ctlemu.sock, or
 * $CTLEMU_SOCKET): see ctlemu_client.h. The HA link to the other head's
 * ctlemud is real TCP, as ha_peer says, with ctl_ha.c's socket options
 * (keepalive after 1 s idle, 1 s interval, 5 probes; TCP_NODELAY; 3 s to
 * connect) and its retry rhythm (a connecting head retries 0.5 s after a
 * failure or a closed link; a listening head retries a failed bind every
 * second and accepts one connection at a time).
 *
 * Runs in the foreground and logs to stderr; the lab starts it with
 * `twinhead-lab spawn`. SIGTERM or SIGINT end it. */
#include "config.h"
#include "ctlemu.h"
#include "ctlemu_client.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RETRY_CONNECT_MS 500  /* ctl_ha_close: pause("reconnect", hz / 2) */
#define RETRY_LISTEN_MS 1000  /* the connection thread's msleep(hz) */
#define CONNECT_TIMEOUT_MS 3000 /* TCP_KEEPINIT 3 */
#define CLIENT_TIMEOUT_S 2

struct daemon {
	struct ctlemu e;
	const char *path;
	int usock;     /* unix listener */
	int lsock;     /* TCP listener ("listen") */
	int csock;     /* the HA connection, or one being made */
	bool connecting;
	long connect_deadline;
	long next_attempt;
	uint8_t rbuf[CTLEMU_FRAME_MAX];
	size_t rlen;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void log_line(void *arg, const char *msg)
{
	const struct daemon *d = arg;
	struct timespec ts;
	struct tm tm;
	char when[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld ctlemud(ha_id=%d): %s\n", when, ts.tv_nsec / 1000000,
		d->e.ha_id, msg);
	fflush(stderr);
}

/* ---- the HA connection ---- */

static void conn_close(struct daemon *d, long retry_in_ms)
{
	if (d->csock >= 0) {
		close(d->csock);
		d->csock = -1;
	}
	d->connecting = false;
	d->rlen = 0;
	ctlemu_link_change(&d->e, ctlemu_link_idle(&d->e));
	d->next_attempt = now_ms() + retry_in_ms;
}

static void sock_setup(struct daemon *d, int fd)
{
	int one = 1, idle = 1, intvl = 1, cnt = 5;

	/* ctl_ha.c ctl_ha_sock_setup */
	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl)) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt)) < 0)
		ctlemu_logf(&d->e, "ctl_ha_sock_setup: setsockopt: %s", strerror(errno));
	/* EMULATOR'S OWN, not ctl_ha.c: keepalive only runs while nothing is
	 * in flight; with unacknowledged data Linux would retransmit for
	 * minutes (tcp_retries2), and whether a message happened to be in
	 * flight when a cable was pulled would decide the test. Bound the
	 * data case by the same idle + intvl * cnt seconds. */
	{
		unsigned user_timeout = (unsigned)(idle + intvl * cnt) * 1000;

		if (setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout,
			       sizeof(user_timeout)) < 0)
			ctlemu_logf(&d->e, "TCP_USER_TIMEOUT: %s", strerror(errno));
	}
}

static void peer_sockaddr(const struct daemon *d, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(d->e.peer_port);
	sa->sin_addr.s_addr = htonl(d->e.peer_addr);
}

static void try_listen(struct daemon *d)
{
	struct sockaddr_in sa;
	int fd, one = 1;

	peer_sockaddr(d, &sa);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		ctlemu_logf(&d->e, "ctl_ha_listen: %s on %s: %s", fd < 0 ? "socket" : "bind/listen",
			    d->e.ha_peer, strerror(errno));
		if (fd >= 0)
			close(fd);
		d->next_attempt = now_ms() + RETRY_LISTEN_MS;
		return;
	}
	d->lsock = fd;
}

static void try_connect(struct daemon *d)
{
	struct sockaddr_in sa;
	int fd;

	peer_sockaddr(d, &sa);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		d->next_attempt = now_ms() + RETRY_CONNECT_MS;
		return;
	}
	sock_setup(d, fd);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		d->csock = fd;
		ctlemu_link_change(&d->e, 2);
		return;
	}
	if (errno != EINPROGRESS) {
		close(fd);
		d->next_attempt = now_ms() + RETRY_CONNECT_MS;
		return;
	}
	d->csock = fd;
	d->connecting = true;
	d->connect_deadline = now_ms() + CONNECT_TIMEOUT_MS;
}

static void send_frame(struct daemon *d, const uint8_t *f, size_t n)
{
	ssize_t w;

	if (d->csock < 0 || d->connecting)
		return;
	w = send(d->csock, f, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w != (ssize_t)n) {
		ctlemu_logf(&d->e, "ctl_ha_send: sosend() error %d", w < 0 ? errno : EAGAIN);
		conn_close(d, d->e.peer_kind == CTLEMU_PEER_CONNECT ? RETRY_CONNECT_MS : 0);
	}
}

static void announce(struct daemon *d)
{
	uint8_t f[CTLEMU_FRAME_MAX];

	if (d->e.ha_link != 2) {
		d->e.want_login = d->e.want_announce = false;
		return;
	}
	if (d->e.want_login) {
		d->e.want_login = false;
		send_frame(d, f, ctlemu_msg_login(&d->e, f));
	}
	if (d->e.want_announce) {
		d->e.want_announce = false;
		for (size_t i = 0; i < CTLEMU_MAX_LUNS && d->csock >= 0; i++)
			if (d->e.luns[i].used)
				send_frame(d, f, ctlemu_msg_lun_sync(&d->e, &d->e.luns[i], f));
		if (d->csock >= 0)
			send_frame(d, f, ctlemu_msg_role(&d->e, f));
	}
}

static void conn_read(struct daemon *d)
{
	ssize_t r = recv(d->csock, d->rbuf + d->rlen, sizeof(d->rbuf) - d->rlen, MSG_DONTWAIT);
	long retry = d->e.peer_kind == CTLEMU_PEER_CONNECT ? RETRY_CONNECT_MS : 0;

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		if (r < 0)
			ctlemu_logf(&d->e, "ctl_ha_rx_thread: connection lost: %s", strerror(errno));
		conn_close(d, retry);
		return;
	}
	d->rlen += (size_t)r;
	while (d->rlen >= 8) {
		int blen = ctlemu_frame_check(d->rbuf);

		if (blen < 0) {
			ctlemu_logf(&d->e, "EMULATION: bad frame header from the peer: dropping the "
				       "link");
			conn_close(d, retry);
			return;
		}
		if (d->rlen < 8 + (size_t)blen)
			return;
		if (ctlemu_msg_receive(&d->e, d->rbuf + 8, (size_t)blen) < 0) {
			/* ctl_ha_msg_abort: ha_disconnect = 1 */
			conn_close(d, retry);
			return;
		}
		memmove(d->rbuf, d->rbuf + 8 + blen, d->rlen - 8 - (size_t)blen);
		d->rlen -= 8 + (size_t)blen;
	}
}

/* ---- clients ---- */

static char *handle(struct daemon *d, char *line)
{
	struct ctlemu *e = &d->e;
	char *sp, *resp = NULL;

	if (strcmp(line, "STATUS") == 0) {
		struct strbuf b = { 0 };
		char *h;

		ctlemu_status(e, &b);
		h = b.oom ? NULL : ctlemu_hex(b.p, b.len);
		if (h && asprintf(&resp, "OK %s", h) < 0)
			resp = NULL;
		free(h);
		strbuf_free(&b);
		return resp;
	}
	if (strncmp(line, "GET ", 4) == 0 || strncmp(line, "SET ", 4) == 0) {
		bool set = line[0] == 'S';
		char name[130];
		uint8_t val[CTLEMU_PEER_MAX * 2];
		size_t nn, vn = 0;
		char *arg = line + 4;
		int rc;

		sp = strchr(arg, ' ');
		if (set != (sp != NULL))
			return strdup("ERR EINVAL");
		if (ctlemu_unhex(arg, sp ? (size_t)(sp - arg) : strlen(arg), (uint8_t *)name,
				 sizeof(name) - 1, &nn) < 0 ||
		    (set && ctlemu_unhex(sp + 1, strlen(sp + 1), val, sizeof(val), &vn) < 0))
			return strdup("ERR EINVAL");
		name[nn] = '\0';
		if (strlen(name) != nn)
			return strdup("ERR EINVAL");
		if (!set) {
			uint8_t out[CTLEMU_PEER_MAX];
			size_t on = 0;
			char *h;

			rc = ctlemu_sysctl_get(e, name, out, &on);
			if (rc < 0)
				return strdup(rc == -ENOENT ? "ERR ENOENT" : "ERR EIO");
			h = ctlemu_hex(out, on);
			if (h && asprintf(&resp, "OK %s", h) < 0)
				resp = NULL;
			free(h);
			return resp;
		}
		rc = ctlemu_sysctl_set(e, name, val, vn);
		if (rc < 0) {
			if (asprintf(&resp, "ERR %s", ctlemu_errname(-rc)) < 0)
				resp = NULL;
			return resp;
		}
		return strdup("OK");
	}
	if (strncmp(line, "CTLADM ", 7) == 0) {
		char *argv[65];
		int argc = 0, status;
		struct strbuf out = { 0 }, err = { 0 };
		char *p = line + 7, *ho, *he;

		while (p && *p) {
			size_t n;
			char *next = strchr(p, ' ');
			size_t len = next ? (size_t)(next - p) : strlen(p);

			if (argc == 64 || len > 8192) {
				for (int i = 0; i < argc; i++)
					free(argv[i]);
				return strdup("ERR EINVAL");
			}
			argv[argc] = malloc(len / 2 + 1);
			if (!argv[argc] || ctlemu_unhex(p, len, (uint8_t *)argv[argc], len / 2, &n) < 0 ||
			    memchr(argv[argc], '\0', n)) {
				for (int i = 0; i <= argc; i++)
					free(argv[i]);
				return strdup("ERR EINVAL");
			}
			argv[argc++][n] = '\0';
			p = next ? next + 1 : NULL;
		}
		argv[argc] = NULL;
		status = ctlemu_ctladm(e, argc, argv, &out, &err);
		for (int i = 0; i < argc; i++)
			free(argv[i]);
		ho = ctlemu_hex(out.p, out.oom ? 0 : out.len);
		he = ctlemu_hex(err.p, err.oom ? 0 : err.len);
		if (ho && he && asprintf(&resp, "EXIT %d %s %s", status, ho, he) < 0)
			resp = NULL;
		free(ho);
		free(he);
		strbuf_free(&out);
		strbuf_free(&err);
		return resp;
	}
	return strdup("ERR EINVAL");
}

static void serve_client(struct daemon *d)
{
	struct timeval tv = { .tv_sec = CLIENT_TIMEOUT_S };
	char buf[64 * 1024];
	size_t off = 0;
	char *resp, *nl = NULL;
	int fd = accept4(d->usock, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (!nl && off < sizeof(buf) - 1) {
		ssize_t r = recv(fd, buf + off, sizeof(buf) - 1 - off, 0);

		if (r <= 0) {
			close(fd);
			return;
		}
		off += (size_t)r;
		buf[off] = '\0';
		nl = memchr(buf, '\n', off);
	}
	if (!nl || (size_t)(nl - buf) + 1 != off || memchr(buf, '\0', off)) {
		close(fd);
		return;
	}
	*nl = '\0';
	resp = handle(d, buf);
	if (!resp)
		resp = strdup("ERR ENOMEM");
	if (resp) {
		size_t len = strlen(resp), w = 0;

		resp[len] = '\n';
		while (w < len + 1) {
			ssize_t n = send(fd, resp + w, len + 1 - w, MSG_NOSIGNAL);

			if (n <= 0)
				break;
			w += (size_t)n;
		}
		free(resp);
	}
	close(fd);
}

static int unix_listen(struct daemon *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *probe = NULL;
	int fd;

	if (strlen(d->path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "ctlemud: socket path too long: %s\n", d->path);
		return -1;
	}
	if (ctlemu_call("STATUS", &probe, CTLEMU_LINE_MAX) == 0) {
		free(probe);
		fprintf(stderr, "ctlemud: another ctlemud answers at %s\n", d->path);
		return -1;
	}
	strcpy(sa.sun_path, d->path);
	unlink(d->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(d->path, 0600) < 0 ||
	    listen(fd, 16) < 0) {
		fprintf(stderr, "ctlemud: cannot listen on %s: %s\n", d->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* ---- main ---- */

static void reconfigure(struct daemon *d)
{
	/* ctl_ha_conn_thread with ha_disconnect == 2: close the connection and
	 * the listening socket, then start over from the new ha_peer. */
	d->e.want_reconnect = false;
	if (d->csock >= 0) {
		close(d->csock);
		d->csock = -1;
	}
	if (d->lsock >= 0) {
		close(d->lsock);
		d->lsock = -1;
	}
	d->connecting = false;
	d->rlen = 0;
	ctlemu_link_change(&d->e, ctlemu_link_idle(&d->e));
	d->next_attempt = now_ms();
}

static int run(struct daemon *d)
{
	while (!stop_requested) {
		struct pollfd p[3];
		int np = 0, iu, il = -1, ic = -1;
		long now, timeout = 1000;

		if (d->e.want_reconnect)
			reconfigure(d);
		now = now_ms();
		if (d->csock < 0 && now >= d->next_attempt) {
			if (d->e.peer_kind == CTLEMU_PEER_LISTEN && d->lsock < 0)
				try_listen(d);
			else if (d->e.peer_kind == CTLEMU_PEER_CONNECT)
				try_connect(d);
		}
		announce(d);
		now = now_ms();
		if (d->connecting && now >= d->connect_deadline) {
			ctlemu_logf(&d->e, "ctl_ha_connect: no connection to %s within 3 s",
				    d->e.ha_peer);
			conn_close(d, 0);
			continue;
		}

		iu = np;
		p[np++] = (struct pollfd){ .fd = d->usock, .events = POLLIN };
		if (d->lsock >= 0 && d->csock < 0) {
			il = np;
			p[np++] = (struct pollfd){ .fd = d->lsock, .events = POLLIN };
		}
		if (d->csock >= 0) {
			ic = np;
			p[np++] = (struct pollfd){ .fd = d->csock,
						   .events = d->connecting ? POLLOUT : POLLIN };
		}
		if (d->csock < 0 && d->e.peer_kind != CTLEMU_PEER_NONE && d->next_attempt > now)
			timeout = d->next_attempt - now;
		if (d->connecting && d->connect_deadline - now < timeout)
			timeout = d->connect_deadline - now;
		if (timeout < 0)
			timeout = 0;
		if (poll(p, (nfds_t)np, (int)timeout) < 0) {
			if (errno == EINTR)
				continue;
			ctlemu_logf(&d->e, "poll: %s", strerror(errno));
			return 1;
		}
		if (ic >= 0 && p[ic].revents) {
			if (d->connecting) {
				int err = 0;
				socklen_t len = sizeof(err);

				getsockopt(d->csock, SOL_SOCKET, SO_ERROR, &err, &len);
				if (err) {
					close(d->csock);
					d->csock = -1;
					d->connecting = false;
					d->next_attempt = now_ms() + RETRY_CONNECT_MS;
				} else {
					d->connecting = false;
					ctlemu_link_change(&d->e, 2);
				}
			} else {
				conn_read(d);
			}
		}
		if (il >= 0 && (p[il].revents & POLLIN) && d->csock < 0) {
			int fd = accept4(d->lsock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

			if (fd >= 0) {
				sock_setup(d, fd);
				d->csock = fd;
				ctlemu_link_change(&d->e, 2);
			}
		}
		if (p[iu].revents & POLLIN)
			serve_client(d);
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: ctlemud --ha-id N --ha-mode M [--ha-role R] [--ha-peer STR] "
		"[--socket PATH]\n"
		"       ctlemud status [--socket PATH]\n"
		"EMULATION of FreeBSD CTL HA (kern.cam.ctl.ha_*, ctladm) for twinhead's "
		"tests; not a kernel.\n");
	return 2;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (s[0] == '\0' || *end || errno || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

int main(int argc, char **argv)
{
	static struct daemon d;
	int ha_id = -1, ha_mode = -1, ha_role = -1;
	const char *ha_peer = NULL;
	bool status = false;
	struct sigaction sa = { .sa_handler = on_signal };
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "status") == 0 && i == 1) {
			status = true;
		} else if (strcmp(a, "--socket") == 0 && v && v[0] == '/') {
			setenv("CTLEMU_SOCKET", v, 1);
			i++;
		} else if (strcmp(a, "--ha-id") == 0 && v && parse_int(v, 0, 255, &ha_id) == 0) {
			i++;
		} else if (strcmp(a, "--ha-mode") == 0 && v && parse_int(v, 0, 2, &ha_mode) == 0) {
			i++;
		} else if (strcmp(a, "--ha-role") == 0 && v && parse_int(v, 0, 1, &ha_role) == 0) {
			i++;
		} else if (strcmp(a, "--ha-peer") == 0 && v) {
			ha_peer = v;
			i++;
		} else {
			return usage();
		}
	}
	if (status) {
		char *resp = NULL;
		uint8_t *text;
		size_t n;

		rc = ctlemu_call("STATUS", &resp, CTLEMU_LINE_MAX);
		if (rc < 0) {
			fprintf(stderr, "ctlemud: no emulator at %s: %s\n", ctlemu_socket_path(),
				strerror(-rc));
			return 1;
		}
		text = malloc(strlen(resp) / 2 + 1);
		if (!text || strncmp(resp, "OK ", 3) != 0 ||
		    ctlemu_unhex(resp + 3, strlen(resp + 3), text, strlen(resp) / 2, &n) < 0) {
			fprintf(stderr, "ctlemud: malformed status answer\n");
			return 1;
		}
		fwrite(text, 1, n, stdout);
		free(text);
		free(resp);
		return 0;
	}
	if (ha_id < 0 || ha_mode < 0)
		return usage();

	d.path = ctlemu_socket_path();
	d.lsock = d.csock = -1;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	d.usock = unix_listen(&d);
	if (d.usock < 0)
		return 1;
	d.e.ha_id = ha_id; /* for the log prefix of the banner */
	log_line(&d, "EMULATION of FreeBSD CTL HA starting (not a kernel; test use only)");
	ctlemu_init(&d.e, ha_id, ha_mode, ha_role, ha_peer, log_line, &d);
	ctlemu_logf(&d.e, "tunables: ha_id=%d ha_mode=%d ha_role=%d ha_peer=\"%s\"; socket %s",
		    ha_id, ha_mode, d.e.active_shelf ? 0 : 1, d.e.ha_peer, d.path);
	rc = run(&d);
	close(d.usock);
	unlink(d.path);
	ctlemu_logf(&d.e, "stopping");
	return rc;
}
