/* Quorum disk I/O: whole sectors, O_DIRECT, aligned, with a deadline, and
 * every write read back and compared.
 *
 * A disk that stops answering must not stop the daemon: each request runs
 * on the disk's I/O thread while the caller waits at most until its
 * deadline. A request that times out leaves the thread busy; until it
 * returns, further requests fail at once with -ETIMEDOUT (the daemon then
 * sees its lease age, which is the point). Library code: never logs. */
#ifndef TWINHEAD_QDISK_IO_H
#define TWINHEAD_QDISK_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "deadline.h"
#include "qdisk_format.h"

struct qdisk;

/* Opens path (a block device or a file) for reading, or reading and
 * writing. Uses O_DIRECT; where the file system refuses it (tmpfs), falls
 * back to O_DSYNC and says so in *direct. Checks the size (at least
 * QD_MIN_DISK_BYTES). Returns 0 or -errno with why filled. */
int qdisk_open(const char *path, bool writable, struct qdisk **out, bool *direct,
	       char *why, size_t whylen);

void qdisk_close(struct qdisk *d);

/* Size in bytes, and the device's logical sector size (4096 for a file). */
uint64_t qdisk_size(const struct qdisk *d);
uint32_t qdisk_device_sector(const struct qdisk *d);

/* Reads the QD_RECORD_SIZE record at the sector starting at off (a
 * multiple of sector_size). -ETIMEDOUT at the deadline; -EIO etc. */
int qdisk_read(struct qdisk *d, uint64_t off, uint32_t sector_size,
	       uint8_t rec[QD_RECORD_SIZE], struct deadline dl);

/* Reads two consecutive records (sectors off and off + sector_size) in
 * one I/O: the peer's slot and this head's mailbox. */
int qdisk_read_pair(struct qdisk *d, uint64_t off, uint32_t sector_size,
		    uint8_t first[QD_RECORD_SIZE], uint8_t second[QD_RECORD_SIZE],
		    struct deadline dl);

/* Writes rec as a whole sector (zero-padded) at off, then reads it back:
 * -EIO when what comes back differs (a lost or torn write). */
int qdisk_write(struct qdisk *d, uint64_t off, uint32_t sector_size,
		const uint8_t rec[QD_RECORD_SIZE], struct deadline dl);

#endif
