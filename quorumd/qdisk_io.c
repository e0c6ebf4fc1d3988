/* Quorum disk I/O on a thread of its own, so that a hung disk costs the
 * caller its deadline and no more. */
#include "config.h"
#include "qdisk_io.h"
#include "os.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QD_ALIGN 4096 /* O_DIRECT buffers: enough for any logical sector */

struct qdisk {
	int fd;
	uint64_t size;
	uint32_t dev_sector;
	uint8_t *buf;          /* QD_ALIGN-aligned, two sectors of up to 4096 bytes */

	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool quit;
	/* The one request in flight, owned by the thread while busy. */
	bool busy;             /* a request is queued or running */
	bool done;             /* its result is in rc */
	bool write;
	uint64_t off;
	size_t len;
	int rc;
};

static void *io_thread(void *arg)
{
	struct qdisk *d = arg;

	pthread_mutex_lock(&d->lock);
	for (;;) {
		ssize_t n;
		int rc;

		while (!d->quit && !(d->busy && !d->done))
			pthread_cond_wait(&d->cond, &d->lock);
		if (d->quit)
			break;
		pthread_mutex_unlock(&d->lock);
		do {
			n = d->write ? pwrite(d->fd, d->buf, d->len, (off_t)d->off)
				     : pread(d->fd, d->buf, d->len, (off_t)d->off);
		} while (n < 0 && errno == EINTR);
		rc = n < 0 ? -errno : (size_t)n != d->len ? -EIO : 0;
		pthread_mutex_lock(&d->lock);
		d->rc = rc;
		d->done = true;
		pthread_cond_broadcast(&d->cond);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

/* Runs one request; the buffer holds the data (write) or receives it. */
static int io_run(struct qdisk *d, bool write, uint64_t off, size_t len, struct deadline dl)
{
	struct timespec ts;
	int64_t left;
	int rc;

	pthread_mutex_lock(&d->lock);
	if (d->busy && !d->done) {
		/* The last request timed out and is still stuck in the kernel. */
		pthread_mutex_unlock(&d->lock);
		return -ETIMEDOUT;
	}
	d->busy = true;
	d->done = false;
	d->write = write;
	d->off = off;
	d->len = len;
	pthread_cond_broadcast(&d->cond);
	while (!d->done) {
		left = deadline_left_ms(dl);
		if (left <= 0)
			break;
		/* The condvar waits on CLOCK_MONOTONIC (qdisk_open): a step of
		 * the wall clock neither stretches nor cuts the wait. */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += left / 1000;
		ts.tv_nsec += (left % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&d->cond, &d->lock, &ts);
	}
	if (!d->done) {
		pthread_mutex_unlock(&d->lock);
		return -ETIMEDOUT;
	}
	rc = d->rc;
	d->busy = false;
	pthread_mutex_unlock(&d->lock);
	return rc;
}

static int open_fd(const char *path, bool writable, bool *direct)
{
	int flags = (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC;
	int fd = open(path, flags | O_DIRECT);

	*direct = fd >= 0;
	if (fd < 0 && errno == EINVAL)
		fd = open(path, flags | O_DSYNC);
	return fd < 0 ? -errno : fd;
}

int qdisk_open(const char *path, bool writable, struct qdisk **out, bool *direct,
	       char *why, size_t whylen)
{
	struct qdisk *d;
	int rc;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->fd = open_fd(path, writable, direct);
	if (d->fd < 0) {
		rc = d->fd;
		snprintf(why, whylen, "cannot open %s: %s", path, strerror(-rc));
		free(d);
		return rc;
	}
	rc = os_disk_geometry(d->fd, &d->size, &d->dev_sector);
	if (rc == -ENOTBLK) {
		snprintf(why, whylen, "%s is neither a disk nor a regular file", path);
		goto fail;
	}
	if (rc < 0) {
		snprintf(why, whylen, "cannot read the size of %s: %s", path, strerror(-rc));
		goto fail;
	}
	if (d->size < QD_MIN_DISK_BYTES) {
		snprintf(why, whylen, "%s has %llu bytes; a quorum disk needs at least %d", path,
			 (unsigned long long)d->size, QD_MIN_DISK_BYTES);
		rc = -ENOSPC;
		goto fail;
	}
	if (posix_memalign((void **)&d->buf, QD_ALIGN, 2 * QD_ALIGN) != 0) {
		rc = -ENOMEM;
		goto fail;
	}
	pthread_mutex_init(&d->lock, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&d->cond, &ca);
		pthread_condattr_destroy(&ca);
	}
	rc = -pthread_create(&d->thread, NULL, io_thread, d);
	if (rc < 0) {
		snprintf(why, whylen, "cannot start the I/O thread: %s", strerror(-rc));
		goto fail;
	}
	*out = d;
	return 0;
fail:
	close(d->fd);
	free(d->buf);
	free(d);
	return rc;
}

void qdisk_close(struct qdisk *d)
{
	bool stuck;

	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->quit = true;
	stuck = d->busy && !d->done;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	/* A thread stuck in the kernel cannot be joined; the process is
	 * leaving anyway, and freeing its buffer under it would be worse. */
	if (stuck) {
		pthread_detach(d->thread);
		return;
	}
	pthread_join(d->thread, NULL);
	close(d->fd);
	free(d->buf);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->cond);
	free(d);
}

uint64_t qdisk_size(const struct qdisk *d)
{
	return d->size;
}

uint32_t qdisk_device_sector(const struct qdisk *d)
{
	return d->dev_sector;
}

static int check_geometry(const struct qdisk *d, uint64_t off, uint32_t sector_size)
{
	if ((sector_size != 512 && sector_size != 4096) || sector_size < d->dev_sector ||
	    off % sector_size != 0 || off + sector_size > d->size)
		return -EINVAL;
	return 0;
}

int qdisk_read(struct qdisk *d, uint64_t off, uint32_t sector_size,
	       uint8_t rec[QD_RECORD_SIZE], struct deadline dl)
{
	int rc = check_geometry(d, off, sector_size);

	if (rc < 0)
		return rc;
	rc = io_run(d, false, off, sector_size, dl);
	if (rc == 0)
		memcpy(rec, d->buf, QD_RECORD_SIZE);
	return rc;
}

int qdisk_read_pair(struct qdisk *d, uint64_t off, uint32_t sector_size,
		    uint8_t first[QD_RECORD_SIZE], uint8_t second[QD_RECORD_SIZE],
		    struct deadline dl)
{
	int rc = check_geometry(d, off, sector_size);

	if (rc == 0)
		rc = check_geometry(d, off + sector_size, sector_size);
	if (rc < 0)
		return rc;
	rc = io_run(d, false, off, 2 * (size_t)sector_size, dl);
	if (rc == 0) {
		memcpy(first, d->buf, QD_RECORD_SIZE);
		memcpy(second, d->buf + sector_size, QD_RECORD_SIZE);
	}
	return rc;
}

int qdisk_write(struct qdisk *d, uint64_t off, uint32_t sector_size,
		const uint8_t rec[QD_RECORD_SIZE], struct deadline dl)
{
	int rc = check_geometry(d, off, sector_size);

	if (rc < 0)
		return rc;
	pthread_mutex_lock(&d->lock);
	if (d->busy && !d->done) {
		pthread_mutex_unlock(&d->lock);
		return -ETIMEDOUT;
	}
	memset(d->buf, 0, sector_size);
	memcpy(d->buf, rec, QD_RECORD_SIZE);
	pthread_mutex_unlock(&d->lock);
	rc = io_run(d, true, off, sector_size, dl);
	if (rc < 0)
		return rc;
	/* Read back: a write the disk acknowledged but did not keep is the
	 * failure that matters most for a lease. */
	rc = io_run(d, false, off, sector_size, dl);
	if (rc < 0)
		return rc;
	if (memcmp(d->buf, rec, QD_RECORD_SIZE) != 0)
		return -EIO;
	for (uint32_t i = QD_RECORD_SIZE; i < sector_size; i++)
		if (d->buf[i])
			return -EIO;
	return 0;
}
