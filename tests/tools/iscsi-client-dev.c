/* iscsi-client -d DEVICE: the drill through the kernel's initiator. The
 * LUN is a block device open-iscsi made (/dev/sdX, or better its
 * /dev/disk/by-path/ip-PORTAL-iscsi-IQN-lun-N link); the blocks, the log
 * and verify-log are those of the libiscsi mode (iscsi-client.c), so one
 * verify-log checks either.
 *
 *   iscsi-client [-t SEC] -d DEVICE capacity
 *   iscsi-client [-t SEC] -d DEVICE drill FIRST COUNT LOGFILE
 *   iscsi-client -d DEVICE verify-log LOGFILE
 *
 * Writes: O_DIRECT | O_DSYNC, one block at a time, submitted with Linux
 * AIO so that the client can keep time while the kernel holds the write.
 * O_DSYNC on a direct write makes the kernel send it with FUA when the LUN
 * advertises DPOFUA, as WRITE then SYNCHRONIZE CACHE when it has a write
 * cache without FUA, and plain when it writes through (the block layer's
 * flush machinery, from MODE SENSE as sd read it): exactly what the
 * libiscsi mode does by hand, and one command per write where it can be.
 * fdatasync() after each write would always cost a second command (a
 * cache flush of the whole LUN) and cannot be timed: it blocks.
 *
 * During a failover the kernel, not the client, reconnects: the session
 * fails (its NOP-Out times out), iscsid logs in again through the same
 * portal, and the write in flight is queued and sent again, for up to
 * node.session.timeo.replacement_timeout (then it fails with EIO and the
 * client writes it again). So the log shows the kernel's view, in the
 * libiscsi mode's words:
 *   connected DEVICE         at the start, and when the session is
 *                            LOGGED_IN again after a loss
 *   fail SEQ LBA REASON      the write in flight when the session left
 *                            LOGGED_IN ("session FAILED: the kernel
 *                            queues it"), or unanswered for -t s (the
 *                            kernel still holds it), or ended with an
 *                            error; at most once per submission
 *   disconnected REASON      the session left LOGGED_IN
 *   ack SEQ LBA              the write completed: the same SEQ after a
 *                            fail is the kernel's retry of it
 * The session is found through sysfs (/sys/dev/block/MAJ:MIN leads to
 * .../sessionN/...) and its state polled every 100 ms while a write is in
 * flight; a device that is not an iSCSI LUN never disconnects. On SIGTERM
 * or SIGINT the write in flight gets 1 s, is otherwise logged as failed
 * ("abandoned at stop"), and the process ends once the kernel lets go of
 * it (at worst after the replacement timeout). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "iscsi-client.h"

#define DEV_POLL_MS 100 /* session state, while a write is in flight */
#define DEV_ALIGN 4096	/* of the O_DIRECT buffer */

struct dev {
	const char *path;
	int fd;
	uint32_t bs;
	uint64_t blocks;
	char state_path[PATH_MAX]; /* the iSCSI session's state; "" when none */
};

/* Opens the device for direct I/O and reads its geometry; 0, or an exit
 * status after printing why. */
static int dev_open(struct dev *v, const char *path, int flags)
{
	struct stat st;
	uint64_t bytes;
	int bs;

	v->path = path;
	if (stat(path, &st) == 0 && !S_ISBLK(st.st_mode)) {
		fprintf(stderr, "iscsi-client: %s is not a block device\n", path);
		return EXIT_USAGE;
	}
	v->fd = open(path, flags | O_DIRECT | O_CLOEXEC);
	if (v->fd < 0) {
		fprintf(stderr, "iscsi-client: cannot open %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	if (ioctl(v->fd, BLKSSZGET, &bs) != 0 || ioctl(v->fd, BLKGETSIZE64, &bytes) != 0) {
		fprintf(stderr, "iscsi-client: %s: no block device geometry: %s\n", path,
			strerror(errno));
		close(v->fd);
		return EXIT_USAGE;
	}
	v->bs = (uint32_t)bs;
	v->blocks = bytes / (uint32_t)bs;
	return 0;
}

/* The state file of the iSCSI session behind the device, from the sysfs
 * path of its disk (.../sessionN/targetH:C:T/H:C:T:L/block/sdX); "" when
 * there is none. */
static void dev_find_session(struct dev *v)
{
	char link[64], real[PATH_MAX];
	struct stat st;
	const char *p;
	unsigned n = 0;

	v->state_path[0] = '\0';
	if (fstat(v->fd, &st) != 0)
		return;
	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(st.st_rdev), minor(st.st_rdev));
	if (!realpath(link, real))
		return;
	for (p = strstr(real, "/session"); p; p = strstr(p + 1, "/session"))
		if (sscanf(p, "/session%u/", &n) == 1)
			break;
	if (p)
		snprintf(v->state_path, sizeof(v->state_path),
			 "/sys/class/iscsi_session/session%u/state", n);
}

/* Whether the session is LOGGED_IN (true when there is no session to
 * watch); *state its word. */
static bool dev_logged_in(const struct dev *v, char *state, size_t size)
{
	FILE *f;

	snprintf(state, size, "LOGGED_IN");
	if (!v->state_path[0])
		return true;
	f = fopen(v->state_path, "re");
	if (!f || !fgets(state, (int)size, f))
		snprintf(state, size, "gone");
	if (f)
		fclose(f);
	state[strcspn(state, "\n")] = '\0';
	return strcmp(state, "LOGGED_IN") == 0;
}

static int cmd_dev_capacity(const char *path)
{
	struct dev v;
	int rc = dev_open(&v, path, O_RDONLY);

	if (rc)
		return rc;
	printf("lba=%" PRIu64 " block_size=%u bytes=%" PRIu64 "\n", v.blocks - 1, v.bs,
	       v.blocks * v.bs);
	close(v.fd);
	return 0;
}

/* ---- drill -------------------------------------------------------------- */

struct dev_drill {
	struct dev v;
	int log_fd, log_errno;
	aio_context_t aio;
	int efd; /* eventfd: a write completed */
	uint8_t *buf;
	uint64_t acked, failed, reconnects;
	bool connected;
};

#define ev(d, ...) drill_event((d)->log_fd, &(d)->log_errno, __VA_ARGS__)

/* Submits the write of buf to lba; 0 or -errno. */
static int dev_submit(struct dev_drill *d, uint64_t lba)
{
	struct iocb cb, *cbs[1] = { &cb };

	memset(&cb, 0, sizeof(cb));
	cb.aio_lio_opcode = IOCB_CMD_PWRITE;
	cb.aio_fildes = (uint32_t)d->v.fd;
	cb.aio_buf = (uint64_t)(uintptr_t)d->buf;
	cb.aio_nbytes = d->v.bs;
	cb.aio_offset = (int64_t)(lba * d->v.bs);
	cb.aio_flags = IOCB_FLAG_RESFD;
	cb.aio_resfd = (uint32_t)d->efd;
	if (syscall(SYS_io_submit, d->aio, 1L, cbs) == 1)
		return 0;
	return errno ? -errno : -EIO;
}

/* Waits up to ms for the write to complete (or a stop request): true and
 * *res (bytes or -errno) when it did. */
static bool dev_reap(struct dev_drill *d, int64_t ms, int64_t *res)
{
	struct pollfd pfd = { .fd = d->efd, .events = POLLIN };
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 };
	struct timespec zero = { 0, 0 };
	struct io_event e;
	uint64_t n;

	if (ms > 0 && ppoll(&pfd, 1, &ts, &wait_mask) <= 0)
		return false;
	if (read(d->efd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return false;
	if (syscall(SYS_io_getevents, d->aio, 1L, 1L, &e, &zero) != 1)
		return false;
	*res = e.res;
	return true;
}

/* The session's state, logged as the libiscsi mode logs its connection:
 * the write in flight fails (once per submission, *failed), then
 * disconnected; connected once it is LOGGED_IN again. */
static void dev_watch(struct dev_drill *d, uint64_t seq, uint64_t lba, bool *failed)
{
	char state[64];
	bool in = dev_logged_in(&d->v, state, sizeof(state));

	if (!in && d->connected) {
		if (!*failed) {
			ev(d, "fail %" PRIu64 " %" PRIu64 " session %s: the kernel queues it", seq,
			   lba, state);
			d->failed++;
			*failed = true;
		}
		ev(d, "disconnected session %s", state);
		d->connected = false;
	} else if (in && !d->connected) {
		ev(d, "connected %s", d->v.path);
		d->reconnects++;
		d->connected = true;
	}
}

/* Writes block SEQ to lba until it is acknowledged, through whatever the
 * kernel's session does meanwhile; false on a stop request (the write
 * then logged as failed unless it completed within the grace time). */
static bool dev_write(struct dev_drill *d, uint64_t seq, uint64_t lba)
{
	fill_block(d->buf, d->v.bs, lba, seq);
	for (;;) {
		int64_t deadline = now_ms() + (int64_t)command_timeout_s * 1000, res = 0;
		bool failed = false, done = false;
		int rc = dev_submit(d, lba);

		if (rc < 0) {
			ev(d, "fail %" PRIu64 " %" PRIu64 " io_submit: %s", seq, lba, strerror(-rc));
			d->failed++;
			drill_sleep_until(now_ms() + DRILL_RETRY_MS);
			if (stop_requested)
				return false;
			continue;
		}
		while (!done && !stop_requested) {
			done = dev_reap(d, DEV_POLL_MS, &res);
			if (done)
				break;
			dev_watch(d, seq, lba, &failed);
			if (!failed && now_ms() >= deadline) {
				ev(d, "fail %" PRIu64 " %" PRIu64
				      " no answer within %d s: the kernel still holds it",
				   seq, lba, command_timeout_s);
				d->failed++;
				failed = true;
			}
		}
		if (!done) {
			int64_t grace = now_ms() + DRILL_STOP_GRACE_MS;

			while (!done && now_ms() < grace)
				done = dev_reap(d, DEV_POLL_MS, &res);
			if (!done) {
				if (!failed) {
					ev(d, "fail %" PRIu64 " %" PRIu64 " abandoned at stop", seq, lba);
					d->failed++;
				}
				return false;
			}
		}
		/* It completed: through a session, whatever the last poll saw. */
		if (!d->connected) {
			char state[64];

			/* An error while the session is down: wait for it, so that
			 * the fail (if any) is logged inside a session. */
			while (res != (int64_t)d->v.bs && !dev_logged_in(&d->v, state, sizeof(state))) {
				if (stop_requested)
					return false; /* its fail is logged */
				drill_sleep_until(now_ms() + DEV_POLL_MS);
			}
			ev(d, "connected %s", d->v.path);
			d->reconnects++;
			d->connected = true;
		}
		if (res == (int64_t)d->v.bs) {
			ev(d, "ack %" PRIu64 " %" PRIu64, seq, lba);
			d->acked++;
			return true;
		}
		fprintf(stderr, "iscsi-client: drill: write of LBA %" PRIu64 ": %s\n", lba,
			res < 0 ? strerror((int)-res) : "short write");
		if (!failed) {
			ev(d, "fail %" PRIu64 " %" PRIu64 " %s", seq, lba,
			   res < 0 ? strerror((int)-res) : "short write");
			d->failed++;
		}
		drill_sleep_until(now_ms() + DRILL_RETRY_MS);
		if (stop_requested)
			return false;
	}
}

static int cmd_dev_drill(const char *path, uint64_t first, uint64_t count, const char *logfile)
{
	struct dev_drill d = { .log_fd = -1, .efd = -1 };
	uint64_t seq = 1;
	void *buf = NULL;
	int rc;

	if (count == 0 || strchr(path, ' ')) {
		fprintf(stderr, "iscsi-client: drill: %s\n",
			count ? "DEVICE with a space cannot be logged" : "COUNT must be at least 1");
		return EXIT_USAGE;
	}
	rc = dev_open(&d.v, path, O_RDWR | O_DSYNC);
	if (rc)
		return rc;
	if (d.v.bs < 64 || first + count < first || first + count > d.v.blocks) {
		fprintf(stderr,
			"iscsi-client: drill: LBAs %" PRIu64 "..%" PRIu64 " not within %" PRIu64
			" blocks of %u bytes\n",
			first, first + count - 1, d.v.blocks, d.v.bs);
		close(d.v.fd);
		return EXIT_USAGE;
	}
	dev_find_session(&d.v);
	if (!d.v.state_path[0])
		fprintf(stderr, "iscsi-client: drill: %s is not an iSCSI LUN: no session to watch\n",
			path);
	d.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d.efd < 0 || syscall(SYS_io_setup, 1L, &d.aio) != 0 ||
	    posix_memalign(&buf, DEV_ALIGN, d.v.bs) != 0) {
		fprintf(stderr, "iscsi-client: drill: cannot set up AIO: %s\n", strerror(errno));
		close(d.v.fd);
		return EXIT_SCSI;
	}
	d.buf = buf;
	d.log_fd = drill_start(logfile);
	if (d.log_fd < 0) {
		close(d.v.fd);
		return EXIT_USAGE;
	}
	ev(&d, "connected %s", path);
	d.connected = true;
	while (!stop_requested && !d.log_errno && dev_write(&d, seq, first + (seq - 1) % count))
		seq++;
	ev(&d, "stop acked=%" PRIu64 " failed=%" PRIu64 " reconnects=%" PRIu64, d.acked, d.failed,
	   d.reconnects);
	if (close(d.log_fd) != 0 && !d.log_errno)
		d.log_errno = errno;
	if (d.log_errno) {
		fprintf(stderr, "iscsi-client: drill: cannot write %s: %s\n", logfile,
			strerror(d.log_errno));
		return EXIT_USAGE;
	}
	printf("drill acked=%" PRIu64 " failed=%" PRIu64 " reconnects=%" PRIu64 "\n", d.acked,
	       d.failed, d.reconnects);
	/* Not io_destroy(): it would wait for a write the kernel still
	 * holds; the exit waits for it anyway, with the log complete. */
	return 0;
}

/* ---- verify-log ---------------------------------------------------------- */

static int cmd_dev_verify_log(const char *path, const struct drill_log *g)
{
	const uint64_t chunk = 128;
	uint8_t *scratch = NULL;
	void *buf = NULL;
	uint64_t bad = 0;
	struct dev v;
	int rc = dev_open(&v, path, O_RDONLY);

	if (rc)
		return rc;
	rc = verify_log_fits(g, v.blocks, v.bs);
	if (rc == 0 && (posix_memalign(&buf, DEV_ALIGN, chunk * v.bs) != 0 ||
			!(scratch = malloc(v.bs)))) {
		fprintf(stderr, "iscsi-client: out of memory\n");
		rc = EXIT_SCSI;
	}
	for (uint64_t i = 0; rc == 0 && i < g->nlbas; i += chunk) {
		uint64_t n = g->nlbas - i < chunk ? g->nlbas - i : chunk;
		ssize_t r = pread(v.fd, buf, n * v.bs, (off_t)((g->first + i) * v.bs));

		if (r != (ssize_t)(n * v.bs)) {
			fprintf(stderr, "iscsi-client: read of %" PRIu64 " blocks at LBA %" PRIu64
					" from %s: %s\n",
				n, g->first + i, path, r < 0 ? strerror(errno) : "short read");
			rc = EXIT_SCSI;
			break;
		}
		for (uint64_t j = 0; j < n; j++)
			bad += (uint64_t)verify_lba(g, g->first + i + j,
						    (const uint8_t *)buf + j * v.bs, scratch, v.bs);
	}
	free(buf);
	free(scratch);
	close(v.fd);
	return rc ? rc : verify_log_result(g, bad);
}

static bool dev_num(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return *s >= '0' && *s <= '9' && !*end && !errno;
}

int dev_main(const char *device, int argc, char **argv)
{
	struct drill_log log;
	uint64_t first, count;
	int rc;

	if (argc == 1 && strcmp(argv[0], "capacity") == 0)
		return cmd_dev_capacity(device);
	if (argc == 4 && strcmp(argv[0], "drill") == 0 && dev_num(argv[1], &first) &&
	    dev_num(argv[2], &count))
		return cmd_dev_drill(device, first, count, argv[3]);
	if (argc == 2 && strcmp(argv[0], "verify-log") == 0) {
		rc = drill_log_read(argv[1], &log);
		if (rc == 0)
			rc = cmd_dev_verify_log(device, &log);
		free(log.lbas);
		return rc;
	}
	fprintf(stderr, "usage: iscsi-client [-t SEC] -d DEVICE capacity | drill FIRST COUNT "
			"LOGFILE | verify-log LOGFILE\n");
	return EXIT_USAGE;
}
