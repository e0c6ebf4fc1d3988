/* iscsi-client: what its two ways to reach a LUN share. iscsi-client.c
 * speaks iSCSI itself (libiscsi); iscsi-client-dev.c writes to the block
 * device the kernel's initiator made (-d). Both write the same blocks and
 * the same drill log, which one verify-log checks. Not part of the
 * product. */
#ifndef ISCSI_CLIENT_H
#define ISCSI_CLIENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXIT_MISMATCH 1
#define EXIT_USAGE 2
#define EXIT_REFUSED 3
#define EXIT_SCSI 4

#define DRILL_RETRY_MS 100	 /* between attempts (logins, writes after an error) */
#define DRILL_STOP_GRACE_MS 1000 /* for the write in flight at SIGTERM/SIGINT */

/* -t: the time limit of every command (iSCSI) or write (device). */
extern int command_timeout_s;

int64_t now_ms(void);
int64_t realtime_us(void);

/* The block format: "THBLK001", LBA, SEQ, pseudo-random bytes seeded by
 * both, an FNV-1a 64 checksum of the rest in the last 8 bytes. */
void fill_block(uint8_t *b, size_t bs, uint64_t lba, uint64_t seq);
/* NULL and *seq set when got is a whole block written at lba (of any SEQ),
 * else what is wrong. scratch: bs bytes. */
const char *examine_block(const uint8_t *got, uint8_t *scratch, size_t bs, uint64_t lba,
			  uint64_t *seq);

/* dst = the formatted text on one line of printable ASCII, never empty. */
void one_line(char *dst, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The drill's stop request (SIGTERM, SIGINT) and the signal mask to wait
 * with: both signals are blocked except while waiting (ppoll with
 * wait_mask), so a request cannot slip in between a check and a sleep. */
extern volatile sig_atomic_t stop_requested;
extern sigset_t wait_mask;

/* Opens (truncates) the drill log and installs the stop signals; the log's
 * descriptor, or -1 after printing why. */
int drill_start(const char *path);
/* Appends "US " FMT "\n" to the log with one write(2), so that a reader
 * tailing it sees whole lines as they happen; the first failure is kept
 * in *err (the drill then ends). */
void drill_event(int fd, int *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Sleeps until deadline (now_ms() time) or a stop request. */
void drill_sleep_until(int64_t deadline);

/* What a drill log says (verify-log). */
struct log_lba {
	uint64_t acked;	 /* highest SEQ acknowledged here; 0: none */
	uint64_t failed; /* highest SEQ that failed here; 0: none */
};

struct drill_log {
	uint64_t first;	 /* LBA of SEQ 1 */
	uint64_t cycle;	 /* COUNT, known once the SEQs wrapped around to FIRST; else 0 */
	uint64_t nlbas;	 /* LBAs named: first .. first + nlbas - 1 */
	uint64_t cap;	 /* of lbas[] */
	struct log_lba *lbas;
	uint64_t next;	   /* the SEQ being written after the last line */
	uint64_t next_lba; /* its LBA, when next_known */
	bool next_known;
	uint64_t acks, fails, logins;
	bool connected, stopped;
};

/* Reads and checks a drill log: 0, or EXIT_USAGE after printing the file,
 * line and what is wrong. */
int drill_log_read(const char *path, struct drill_log *g);
/* 0 when the block read from lba is one the log allows there, else 1
 * after printing why. */
int verify_lba(const struct drill_log *g, uint64_t lba, const uint8_t *got, uint8_t *scratch,
	       uint32_t bs);
/* The LBAs the log names fit a LUN of that many blocks of bs bytes: 0, or
 * EXIT_USAGE after printing why. */
int verify_log_fits(const struct drill_log *g, uint64_t blocks, uint32_t bs);
/* Prints verify-log's last line: 0, or EXIT_MISMATCH when bad > 0. */
int verify_log_result(const struct drill_log *g, uint64_t bad);

/* -d DEVICE: COMMAND [ARGS] on the block device (iscsi-client-dev.c). */
int dev_main(const char *device, int argc, char **argv);

#endif
