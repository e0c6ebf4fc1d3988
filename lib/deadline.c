/* Deadlines on the monotonic clock. */
#include "config.h"
#include "deadline.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

int64_t deadline_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct deadline deadline_in_ms(int64_t ms)
{
	int64_t now = deadline_now_ms();
	struct deadline d = { .at_ms = now };

	/* Saturate: a huge span means "never", not a signed overflow. */
	if (ms > 0)
		d.at_ms = ms >= INT64_MAX - now ? INT64_MAX : now + ms;
	return d;
}

int64_t deadline_left_ms(struct deadline d)
{
	int64_t left;

	if (d.at_ms == INT64_MAX)
		return INT64_MAX;
	left = d.at_ms - deadline_now_ms();
	return left > 0 ? left : 0;
}

bool deadline_expired(struct deadline d)
{
	return deadline_left_ms(d) == 0;
}

struct deadline deadline_cap_ms(struct deadline d, int64_t ms)
{
	struct deadline cap = deadline_in_ms(ms);

	return cap.at_ms < d.at_ms ? cap : d;
}

int deadline_sleep_ms(struct deadline d, int64_t ms)
{
	int64_t left = deadline_left_ms(d);
	struct timespec ts;

	if (ms > left)
		ms = left;
	if (ms < 0)
		ms = 0;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	return deadline_expired(d) ? -ETIMEDOUT : 0;
}

int deadline_poll_fd(int fd, short events, struct deadline d)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		int64_t left = deadline_left_ms(d);
		int rc;

		if (left == 0)
			return -ETIMEDOUT;
		rc = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return -errno;
	}
}

int deadline_recv_all(int fd, void *buf, size_t n, struct deadline d)
{
	unsigned char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t r = recv(fd, p + got, n - got, MSG_DONTWAIT);
		int rc;

		if (r > 0) {
			got += (size_t)r;
			continue;
		}
		if (r == 0)
			return -EPROTO; /* the peer closed early */
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		if ((rc = deadline_poll_fd(fd, POLLIN, d)))
			return rc;
	}
	return 0;
}
