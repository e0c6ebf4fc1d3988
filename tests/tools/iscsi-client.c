/* iscsi-client: a small iSCSI initiator on libiscsi, for the integration
 * tests of ocf:twinhead:iscsitarget and for failover drills. Not part of
 * the product.
 *
 *   iscsi-client [OPTIONS] PORTAL TARGET LUN COMMAND [ARGS]
 *   iscsi-client [-t SEC] -d DEVICE capacity|drill|verify-log [ARGS]
 *
 * With -d the LUN is a block device the kernel's initiator (open-iscsi)
 * made, and the same drill and verify-log run on it: iscsi-client-dev.c
 * says how, and how the kernel's session shows in the log.
 *
 * OPTIONS
 *   -i NAME    initiator name (default iqn.2024-01.org.twinhead:test-client)
 *   -u USER    CHAP user; -s FILE: the CHAP secret, first line of FILE
 *   -U USER    mutual CHAP: the target must prove it is USER, with the
 *              secret in the first line of FILE (-S FILE); a target that
 *              cannot is refused (exit 3)
 *   -T MS      TCP user timeout (how soon a dead head is noticed while a
 *              command is outstanding); also TCP keepalive 1 s x 2
 *   -t SEC     time limit of every SCSI command (default 30)
 *
 * COMMANDS
 *   login                    log in and out; exit 3 when refused
 *   capacity                 READ CAPACITY(16): "lba=N block_size=B bytes=T"
 *   inquiry                  hex of standard INQUIRY, VPD 0x80 and VPD 0x83
 *   wce                      MODE SENSE(6) caching page: "wce=0" or "wce=1"
 *   write FIRST COUNT SEQ    write COUNT blocks from LBA FIRST, generation SEQ
 *   verify FIRST COUNT SEQ   read them back and check every byte
 *   stream FIRST COUNT SEQ MS  write one block every MS ms, each read back,
 *                            through reconnects; then verify all
 *   drill FIRST COUNT LOGFILE  write without pause until SIGTERM or SIGINT,
 *                            through failovers, logging every event
 *   verify-log LOGFILE       check that no write a drill log shows as
 *                            acknowledged was lost
 *
 * A block holds "THBLK001", its LBA and SEQ (little-endian 64-bit),
 * pseudo-random bytes seeded by both, and an FNV-1a 64 checksum of the rest
 * in its last 8 bytes: a block from the wrong place or time, or damaged,
 * cannot pass. After a reconnect the target reports UNIT ATTENTION (29/00,
 * power on or reset): the command is retried, and counted.
 *
 * drill: one WRITE(16) at a time, SEQ 1, 2, 3... to LBA FIRST + (SEQ-1) %
 * COUNT, each made stable before it counts as acknowledged, the way the
 * LUN's MODE SENSE (read after every login) allows, as the kernel's sd
 * driver does: with FUA when the header's DPOFUA bit is set; else, with
 * the caching page's WCE set, followed by SYNCHRONIZE CACHE(16) of that
 * block (both must return GOOD); else (write-through) plain. A target
 * without DPOFUA may refuse FUA (LIO: INVALID FIELD IN CDB). The choice is
 * printed on stderr ("writes: ..."), again when a login changes it.
 * LOGFILE is truncated, then gets one line per
 * event, each written whole by one write(2) as it happens (a reader tailing
 * the file sees it at once), each starting with CLOCK_REALTIME in
 * microseconds (bash: ${EPOCHREALTIME/./}):
 *   US connected PORTAL       the first login, and every login after a loss
 *   US ack SEQ LBA            GOOD status: the write is acknowledged
 *   US fail SEQ LBA REASON    no GOOD status (SCSI error, time limit,
 *                             connection lost, abandoned at stop): it may
 *                             or may not have reached the disk
 *   US disconnected REASON    the session is gone; logging in again
 *   US stop acked=N failed=M reconnects=R   the last line
 * After a failure the same SEQ is written again to the same LBA: SEQ N+1
 * is written only once N has been acknowledged. A write unanswered for
 * 100 ms is followed by a NOP-Out: bytes a dead head never acknowledges,
 * so that TCP_USER_TIMEOUT (-T) ends the connection (in the lab, -T 1000
 * noticed a silent power loss after 1.5 s: the kernel checks at its
 * retransmission times); without -T it takes the kernel minutes, and
 * only -t bounds the write. Then a login attempt starts every 100 ms,
 * without waiting for those under way, each (connect, login, TEST UNIT
 * READY) abandoned 500 ms after its start; the first to log in wins. The
 * floating IP's MAC changes: a SYN that went to the dead head's must not
 * keep the client waiting through the kernel's SYN retransmissions (1 s,
 * 3 s, ...), and once the address has moved it costs at most 100 ms.
 * UNIT ATTENTION after a login is retried at once and not logged. Logins
 * are retried whatever the reason they fail (during a failover the new
 * head may not know the target yet). On SIGTERM or SIGINT the write in
 * flight gets 1 s to complete and is otherwise logged as failed
 * ("abandoned at stop"); the connection is closed without a logout.
 * Exit 0, or 4 when it never logged in. For a failover drill:
 *   iscsi-client -T 1000 -t 10 VIP IQN 1 drill 0 1000 LOGFILE
 *
 * verify-log: the log is checked strictly first, before any login (exit 2
 * naming the first bad line): the grammar above, events in an order the
 * client can produce, SEQs in sequence, LBAs following FIRST + (SEQ-1) %
 * COUNT, and the stop line's counts. Then every LBA the log names is read
 * back. It must hold the block of the highest SEQ acknowledged for that
 * LBA, or of a higher SEQ whose write was attempted there (logged as fail,
 * or, in a log without a stop line because the client was killed, the
 * write in flight then). Anything else (an older block, damage, a block of
 * another LBA or another run) is an acknowledged write lost or corrupted:
 * "lba L: expected seq S, found ..." for each, then "verify-log lbas=N
 * acked=M bad=K", exit 1. Otherwise "verify-log lbas=N acked=M ok" (N
 * LBAs read, M acknowledged writes in the log), exit 0. An LBA with no
 * acknowledged write is read but cannot fail.
 *
 * Exit: 0 success, 1 data mismatch, 2 usage, or a drill log that is bad
 * or cannot be written, 3 login refused, 4 SCSI or transport error. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#include "iscsi-client.h"

static const char *initiator = "iqn.2024-01.org.twinhead:test-client";
static const char *user;
static char secret[256];
static const char *target_user;
static char target_secret[256];
static int tcp_user_timeout_ms;
int command_timeout_s = 30;
static unsigned unit_attentions;

int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t fnv1a64(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

void fill_block(uint8_t *b, size_t bs, uint64_t lba, uint64_t seq)
{
	uint64_t x = (lba + 1) * 0x9e3779b97f4a7c15ULL ^ (seq + 1) * 0xbf58476d1ce4e5b9ULL;

	memcpy(b, "THBLK001", 8);
	put_le64(b + 8, lba);
	put_le64(b + 16, seq);
	for (size_t i = 24; i < bs - 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b[i] = (uint8_t)x;
	}
	put_le64(b + bs - 8, fnv1a64(b, bs - 8));
}

/* Whether a block read back from lba is a whole block written there, of
 * any generation: NULL and *seq set when it is, else what is wrong.
 * scratch: bs bytes. */
const char *examine_block(const uint8_t *got, uint8_t *scratch, size_t bs, uint64_t lba,
			  uint64_t *seq)
{
	static char why[160];

	if (memcmp(got, "THBLK001", 8) != 0)
		return "no block header (never written?)";
	if (fnv1a64(got, bs - 8) != get_le64(got + bs - 8))
		return "checksum mismatch (damaged block)";
	if (get_le64(got + 8) != lba) {
		snprintf(why, sizeof(why), "block of LBA %" PRIu64 " found here", get_le64(got + 8));
		return why;
	}
	*seq = get_le64(got + 16);
	fill_block(scratch, bs, lba, *seq);
	if (memcmp(got, scratch, bs) != 0)
		return "payload differs";
	return NULL;
}

/* Explains what is wrong with a block read back, or NULL when it is right. */
static const char *check_block(const uint8_t *got, uint8_t *want, size_t bs, uint64_t lba,
			       uint64_t seq)
{
	static char why[160];
	const char *bad;
	uint64_t found;

	bad = examine_block(got, want, bs, lba, &found);
	if (bad)
		return bad;
	if (found != seq) {
		snprintf(why, sizeof(why), "generation %" PRIu64 ", expected %" PRIu64, found, seq);
		return why;
	}
	return NULL;
}

/* A context with the command line's options, not connected; NULL after
 * printing why. */
static struct iscsi_context *context_new(const char *target)
{
	struct iscsi_context *iscsi = iscsi_create_context(initiator);

	if (!iscsi) {
		fprintf(stderr, "iscsi-client: cannot create a context\n");
		return NULL;
	}
	iscsi_set_targetname(iscsi, target);
	iscsi_set_session_type(iscsi, ISCSI_SESSION_NORMAL);
	iscsi_set_header_digest(iscsi, ISCSI_HEADER_DIGEST_NONE_CRC32C);
	if (user && iscsi_set_initiator_username_pwd(iscsi, user, secret) != 0) {
		fprintf(stderr, "iscsi-client: bad CHAP credentials: %s\n", iscsi_get_error(iscsi));
		iscsi_destroy_context(iscsi);
		return NULL;
	}
	if (target_user && iscsi_set_target_username_pwd(iscsi, target_user, target_secret) != 0) {
		fprintf(stderr, "iscsi-client: bad target CHAP credentials: %s\n",
			iscsi_get_error(iscsi));
		iscsi_destroy_context(iscsi);
		return NULL;
	}
	if (tcp_user_timeout_ms > 0) {
		/* Stored and applied to every socket the context creates
		 * (iscsi_set_tcp_keepalive() would act on the socket now,
		 * and there is none yet). */
		iscsi_set_tcp_user_timeout(iscsi, tcp_user_timeout_ms);
		iscsi_set_tcp_keepidle(iscsi, 1);
		iscsi_set_tcp_keepintvl(iscsi, 1);
		iscsi_set_tcp_keepcnt(iscsi, 2);
	}
	iscsi_set_timeout(iscsi, command_timeout_s);
	return iscsi;
}

static struct iscsi_context *connect_to(const char *portal, const char *target, int lun,
					bool *refused)
{
	struct iscsi_context *iscsi = context_new(target);

	*refused = false;
	if (!iscsi)
		return NULL;
	if (iscsi_full_connect_sync(iscsi, portal, lun) != 0) {
		const char *err = iscsi_get_error(iscsi);

		/* A login response came back with a refusal (status class 2),
		 * as opposed to a transport failure. */
		*refused = strstr(err, "Failed to log in") || strstr(err, "authentication") ||
			   strstr(err, "Authentication") || strstr(err, "not found") ||
			   strstr(err, "Authorization");
		fprintf(stderr, "iscsi-client: login to %s at %s failed: %s\n", target, portal, err);
		iscsi_destroy_context(iscsi);
		return NULL;
	}
	return iscsi;
}

static bool is_unit_attention(struct scsi_task *t)
{
	return t->status == SCSI_STATUS_CHECK_CONDITION && t->sense.key == SCSI_SENSE_UNIT_ATTENTION;
}

/* Runs cmd until it is not a UNIT ATTENTION (at most 5 times). Returns the
 * task with GOOD status, or NULL after printing why. */
#define RUN_SCSI(what, call)                                                                   \
	({                                                                                     \
		struct scsi_task *t_ = NULL;                                                   \
		for (int try_ = 0; try_ < 6; try_++) {                                         \
			t_ = (call);                                                           \
			if (t_ && is_unit_attention(t_) && try_ < 5) {                         \
				unit_attentions++;                                             \
				fprintf(stderr, "iscsi-client: %s: unit attention %s, retrying\n", \
					what, scsi_sense_ascq_str(t_->sense.ascq));            \
				scsi_free_scsi_task(t_);                                       \
				t_ = NULL;                                                     \
				continue;                                                      \
			}                                                                      \
			break;                                                                 \
		}                                                                              \
		if (!t_)                                                                       \
			fprintf(stderr, "iscsi-client: %s failed: %s\n", what,                 \
				iscsi_get_error(iscsi));                                       \
		else if (t_->status != SCSI_STATUS_GOOD) {                                     \
			fprintf(stderr, "iscsi-client: %s: %s\n", what, iscsi_get_error(iscsi)); \
			scsi_free_scsi_task(t_);                                               \
			t_ = NULL;                                                             \
		}                                                                              \
		t_;                                                                            \
	})

static int block_size(struct iscsi_context *iscsi, int lun, uint64_t *blocks, uint32_t *bs)
{
	struct scsi_task *t = RUN_SCSI("READ CAPACITY(16)", iscsi_readcapacity16_sync(iscsi, lun));
	struct scsi_readcapacity16 *rc16;

	if (!t)
		return EXIT_SCSI;
	rc16 = scsi_datain_unmarshall(t);
	if (!rc16) {
		fprintf(stderr, "iscsi-client: cannot decode READ CAPACITY(16)\n");
		scsi_free_scsi_task(t);
		return EXIT_SCSI;
	}
	*blocks = rc16->returned_lba + 1;
	*bs = rc16->block_length;
	scsi_free_scsi_task(t);
	return 0;
}

static void print_hex(const char *label, const uint8_t *p, int n)
{
	printf("%s ", label);
	for (int i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\n");
}

static int cmd_inquiry(struct iscsi_context *iscsi, int lun)
{
	static const struct {
		const char *label;
		int evpd, page;
	} pages[] = { { "std", 0, 0 }, { "vpd80", 1, 0x80 }, { "vpd83", 1, 0x83 } };

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		struct scsi_task *t = RUN_SCSI("INQUIRY", iscsi_inquiry_sync(iscsi, lun, pages[i].evpd,
									     pages[i].page, 255));

		if (!t)
			return EXIT_SCSI;
		print_hex(pages[i].label, t->datain.data, t->datain.size);
		scsi_free_scsi_task(t);
	}
	return 0;
}

static int cmd_wce(struct iscsi_context *iscsi, int lun)
{
	struct scsi_task *t = RUN_SCSI("MODE SENSE(6)",
				       iscsi_modesense6_sync(iscsi, lun, 1, SCSI_MODESENSE_PC_CURRENT,
							     SCSI_MODEPAGE_CACHING, 0, 255));
	struct scsi_mode_sense *ms;
	struct scsi_mode_page *pg;

	if (!t)
		return EXIT_SCSI;
	ms = scsi_datain_unmarshall(t);
	pg = ms ? scsi_modesense_get_page(ms, SCSI_MODEPAGE_CACHING, 0) : NULL;
	if (!pg) {
		fprintf(stderr, "iscsi-client: no caching mode page\n");
		scsi_free_scsi_task(t);
		return EXIT_SCSI;
	}
	printf("wce=%d\n", pg->caching.wce ? 1 : 0);
	scsi_free_scsi_task(t);
	return 0;
}

static int write_one(struct iscsi_context *iscsi, int lun, uint8_t *buf, uint32_t bs,
		     uint64_t lba, uint64_t seq)
{
	struct scsi_task *t;

	fill_block(buf, bs, lba, seq);
	t = RUN_SCSI("WRITE(16)",
		     iscsi_write16_sync(iscsi, lun, lba, buf, bs, (int)bs, 0, 0, 0, 0, 0));
	if (!t)
		return EXIT_SCSI;
	scsi_free_scsi_task(t);
	return 0;
}

static int verify_one(struct iscsi_context *iscsi, int lun, uint8_t *want, uint32_t bs,
		      uint64_t lba, uint64_t seq)
{
	struct scsi_task *t = RUN_SCSI("READ(16)",
				       iscsi_read16_sync(iscsi, lun, lba, bs, (int)bs, 0, 0, 0, 0, 0));
	const char *bad;

	if (!t)
		return EXIT_SCSI;
	if (t->datain.size != (int)bs) {
		fprintf(stderr, "iscsi-client: READ(16) of LBA %" PRIu64 " returned %d bytes\n", lba,
			t->datain.size);
		scsi_free_scsi_task(t);
		return EXIT_SCSI;
	}
	bad = check_block(t->datain.data, want, bs, lba, seq);
	scsi_free_scsi_task(t);
	if (bad) {
		fprintf(stderr, "iscsi-client: LBA %" PRIu64 ": %s\n", lba, bad);
		return EXIT_MISMATCH;
	}
	return 0;
}

static int cmd_blocks(struct iscsi_context *iscsi, int lun, const char *what, uint64_t first,
		      uint64_t count, uint64_t seq, long interval_ms)
{
	uint64_t blocks;
	uint32_t bs;
	uint8_t *buf;
	int rc = block_size(iscsi, lun, &blocks, &bs);
	int64_t last = now_ms(), gap = 0;

	if (rc)
		return rc;
	if (first + count > blocks || bs < 64) {
		fprintf(stderr, "iscsi-client: LBAs %" PRIu64 "..%" PRIu64 " beyond %" PRIu64
				" blocks\n",
			first, first + count - 1, blocks);
		return EXIT_USAGE;
	}
	buf = malloc(bs);
	for (uint64_t i = 0; i < count && rc == 0; i++) {
		uint64_t lba = first + i;

		if (strcmp(what, "verify") == 0) {
			rc = verify_one(iscsi, lun, buf, bs, lba, seq);
			continue;
		}
		rc = write_one(iscsi, lun, buf, bs, lba, seq);
		if (rc == 0 && strcmp(what, "stream") == 0) {
			int64_t t = now_ms();

			rc = verify_one(iscsi, lun, buf, bs, lba, seq);
			if (t - last > gap)
				gap = t - last;
			last = now_ms();
			printf("acked %" PRIu64 "\n", i + 1);
			fflush(stdout);
			if (interval_ms > 0)
				usleep((useconds_t)interval_ms * 1000);
		}
	}
	if (rc == 0 && strcmp(what, "stream") == 0)
		for (uint64_t i = 0; i < count && rc == 0; i++)
			rc = verify_one(iscsi, lun, buf, bs, first + i, seq);
	free(buf);
	if (rc)
		return rc;
	if (strcmp(what, "stream") == 0)
		printf("stream written=%" PRIu64 " verified=%" PRIu64
		       " unit_attentions=%u max_gap_ms=%" PRId64 "\n",
		       count, count, unit_attentions, gap);
	else
		printf("%s %" PRIu64 "\n", strcmp(what, "write") == 0 ? "wrote" : "verified", count);
	return 0;
}

/* ---- drill ------------------------------------------------------------- */

#define DRILL_LOGIN_MS 500	 /* one connect + login attempt, at most */
#define DRILL_UA_RETRIES 5	 /* UNIT ATTENTIONs in a row retried unlogged */
#define DRILL_PING_MS 100	 /* a write unanswered this long: NOP-Out */
#define DRILL_ATTEMPTS (DRILL_LOGIN_MS / DRILL_RETRY_MS + 1) /* under way at once, at most */

volatile sig_atomic_t stop_requested;
sigset_t wait_mask;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

enum write_outcome {
	WRITE_GOOD,
	WRITE_UNIT_ATTENTION, /* not executed: retry at once */
	WRITE_SCSI_ERROR,     /* the target answered, not GOOD; session intact */
	WRITE_LOST,	      /* connection lost or time limit: session gone */
	WRITE_ABANDONED,      /* stop requested, no answer within the grace time */
};

/* How a write is made stable, from MODE SENSE's caching page and its
 * header's DPOFUA bit, as the kernel's sd driver does: a target without
 * DPOFUA may refuse FUA (LIO: INVALID FIELD IN CDB). */
enum write_mode {
	MODE_FUA,   /* DPOFUA=1: WRITE(16) with FUA */
	MODE_SYNC,  /* WCE=1, DPOFUA=0: WRITE(16), then SYNCHRONIZE CACHE(16) of the block */
	MODE_PLAIN, /* WCE=0: write-through, GOOD means stable */
};

static const char *const mode_names[] = {
	[MODE_FUA] = "FUA (DPOFUA=1)",
	[MODE_SYNC] = "WRITE then SYNCHRONIZE CACHE (WCE=1, DPOFUA=0)",
	[MODE_PLAIN] = "plain WRITE (WCE=0: write-through)",
};

/* One login attempt: connect, login, TEST UNIT READY. */
struct login_attempt {
	struct iscsi_context *iscsi; /* NULL: the slot is free */
	int64_t start;		     /* now_ms() */
	bool done;		     /* its callback ran */
	int status;
	char why[256]; /* why it failed */
};

struct drill {
	const char *portal, *target;
	int lun;
	uint64_t first, count;
	int log_fd;
	int log_errno;		     /* of the first failed write to the log */
	struct iscsi_context *iscsi; /* NULL while not logged in */
	/* Here rather than on drill_login()'s stack: libiscsi keeps
	 * pointers to them in the contexts. */
	struct login_attempt attempts[DRILL_ATTEMPTS];
	struct scsi_task *task; /* the write in flight; NULL when none or abandoned */
	bool task_done;
	int task_status;
	struct scsi_sense sense;
	bool nop_pending; /* a NOP-Out awaits its NOP-In */
	enum write_mode mode; /* what makes a write stable, read after every login */
	bool mode_known;
	uint32_t bs; /* 0 until the first login */
	uint8_t *buf;
	uint64_t acked, failed, reconnects;
	char why[256]; /* the last failure, one line of printable ASCII */
	char error_before[256]; /* iscsi_get_error() when the write was queued */
};

int64_t realtime_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* dst = the formatted text on one line of printable ASCII, never empty:
 * it ends a log line. */
static void __attribute__((format(printf, 3, 0)))
vone_line(char *dst, size_t size, const char *fmt, va_list ap)
{
	char raw[256];
	size_t i = 0, j = 0;

	vsnprintf(raw, sizeof(raw), fmt, ap);
	while (raw[i] == ' ' || (raw[i] > 0 && raw[i] < 0x20))
		i++;
	for (; raw[i] && j + 1 < size; i++) {
		unsigned char c = (unsigned char)raw[i];

		dst[j++] = c < 0x20 || c >= 0x7f ? ' ' : (char)c;
	}
	while (j > 0 && dst[j - 1] == ' ')
		j--;
	dst[j] = '\0';
	if (j == 0)
		snprintf(dst, size, "unknown error");
}

void one_line(char *dst, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vone_line(dst, size, fmt, ap);
	va_end(ap);
}

#define set_why(d, ...) one_line((d)->why, sizeof((d)->why), __VA_ARGS__)

void drill_event(int fd, int *err, const char *fmt, ...)
{
	char line[512];
	size_t len, off = 0;
	va_list ap;
	int n = snprintf(line, sizeof(line), "%" PRId64 " ", realtime_us());

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	len = strlen(line);
	line[len++] = '\n';
	while (off < len) {
		ssize_t w = write(fd, line + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!*err)
				*err = w < 0 ? errno : EIO;
			return;
		}
		off += (size_t)w;
	}
}

#define drill_log(d, ...) drill_event((d)->log_fd, &(d)->log_errno, __VA_ARGS__)

int drill_start(const char *path)
{
	struct sigaction sa;
	sigset_t stop_set;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);

	if (fd < 0) {
		fprintf(stderr, "iscsi-client: drill: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGTERM);
	sigaddset(&stop_set, SIGINT);
	sigprocmask(SIG_BLOCK, &stop_set, &wait_mask);
	sigdelset(&wait_mask, SIGTERM);
	sigdelset(&wait_mask, SIGINT);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	return fd;
}

void drill_sleep_until(int64_t deadline)
{
	int64_t left;

	while (!stop_requested && (left = deadline - now_ms()) > 0) {
		struct timespec ts = { .tv_sec = left / 1000, .tv_nsec = left % 1000 * 1000000 };

		ppoll(NULL, 0, &ts, &wait_mask);
	}
}

/* Runs d->iscsi's connection until *done, the deadline (now_ms() time) or,
 * when stoppable, a stop request. Returns 0, -ETIMEDOUT, -EINTR (stop
 * request), or -EIO when libiscsi gives the connection up (d->why says
 * why). */
static int drill_pump(struct drill *d, const bool *done, int64_t deadline, bool stoppable)
{
	while (!*done) {
		int64_t left = deadline - now_ms();
		struct pollfd pfd;
		struct timespec ts;
		int n;

		if (stoppable && stop_requested)
			return -EINTR;
		if (left <= 0)
			return -ETIMEDOUT;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = left % 1000 * 1000000;
		pfd.fd = iscsi_get_fd(d->iscsi);
		pfd.events = (short)iscsi_which_events(d->iscsi);
		pfd.revents = 0;
		n = ppoll(&pfd, pfd.events ? 1 : 0, &ts, &wait_mask);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			set_why(d, "poll: %s", strerror(errno));
			return -EIO;
		}
		if (iscsi_service(d->iscsi, n > 0 ? pfd.revents : 0) < 0 && !*done) {
			set_why(d, "%s", iscsi_get_error(d->iscsi));
			return -EIO;
		}
	}
	return 0;
}

static void drill_login_cb(struct iscsi_context *iscsi, int status, void *data, void *priv)
{
	struct login_attempt *a = priv;

	if (a->done)
		return;
	a->done = true;
	a->status = status;
	/* Now: libiscsi's later errors (the failed reconnect it is not
	 * allowed to make) would hide the cause. */
	if (status != SCSI_STATUS_GOOD)
		one_line(a->why, sizeof(a->why), "%s", iscsi_get_error(iscsi));
}

/* With auto-reconnect off, libiscsi ends the write in flight with
 * SCSI_STATUS_CANCELLED when the connection fails. The callback owns the
 * task; one abandoned by the drill (d->task cleared) is only freed. */
static void drill_write_cb(struct iscsi_context *iscsi, int status, void *data, void *priv)
{
	struct drill *d = priv;
	struct scsi_task *t = data;

	if (d->task && (t == d->task || !t)) {
		d->task_status = status;
		d->sense = d->task->sense;
		d->task_done = true;
		d->task = NULL;
		/* libiscsi sets no error text when the peer closes the
		 * connection (recv() == 0): the old text would mislead. */
		if ((status == SCSI_STATUS_CANCELLED || status == SCSI_STATUS_ERROR) &&
		    strcmp(iscsi_get_error(iscsi), d->error_before) == 0)
			set_why(d, "closed by the target");
		else if (status == SCSI_STATUS_CANCELLED || status == SCSI_STATUS_ERROR)
			set_why(d, "%s", iscsi_get_error(iscsi));
	}
	if (t)
		scsi_free_scsi_task(t);
}

static void drill_nop_cb(struct iscsi_context *iscsi, int status, void *data, void *priv)
{
	struct drill *d = priv;

	d->nop_pending = false;
}

/* Closes the session without a logout: the peer may be dead. */
static void drill_drop(struct drill *d)
{
	d->task = NULL; /* freed by its callback during the teardown */
	iscsi_destroy_context(d->iscsi);
	d->iscsi = NULL;
	d->nop_pending = false;
}

/* After the first login: the block size, and FIRST..FIRST+COUNT-1 on the
 * LUN. 0, -EIO (d->why set), -ERANGE or -ENOMEM (printed). */
static int drill_capacity(struct drill *d)
{
	uint64_t blocks;
	uint32_t bs;

	if (block_size(d->iscsi, d->lun, &blocks, &bs) != 0) {
		set_why(d, "READ CAPACITY(16) failed: %s", iscsi_get_error(d->iscsi));
		return -EIO;
	}
	if (bs < 64 || d->first + d->count < d->first || d->first + d->count > blocks) {
		fprintf(stderr,
			"iscsi-client: drill: LBAs %" PRIu64 "..%" PRIu64 " not within %" PRIu64
			" blocks of %u bytes\n",
			d->first, d->first + d->count - 1, blocks, bs);
		return -ERANGE;
	}
	d->buf = malloc(bs);
	if (!d->buf) {
		fprintf(stderr, "iscsi-client: drill: out of memory\n");
		return -ENOMEM;
	}
	d->bs = bs;
	return 0;
}

/* After every login (another head may say otherwise): d->mode from MODE
 * SENSE(6), printed when it changes. 0, or -EIO (d->why set). A target
 * without a caching page gets WRITE then SYNCHRONIZE CACHE, which is
 * stable whatever its cache does. */
static int drill_cache_mode(struct drill *d)
{
	struct iscsi_context *iscsi = d->iscsi;
	struct scsi_task *t = RUN_SCSI("MODE SENSE(6)",
				       iscsi_modesense6_sync(iscsi, d->lun, 1,
							     SCSI_MODESENSE_PC_CURRENT,
							     SCSI_MODEPAGE_CACHING, 0, 255));
	struct scsi_mode_sense *ms;
	struct scsi_mode_page *pg;
	enum write_mode mode = MODE_SYNC;

	if (!t) {
		set_why(d, "MODE SENSE(6) failed: %s", iscsi_get_error(iscsi));
		return -EIO;
	}
	ms = scsi_datain_unmarshall(t);
	pg = ms ? scsi_modesense_get_page(ms, SCSI_MODEPAGE_CACHING, 0) : NULL;
	if (ms && ms->device_specific_parameter & 0x10)
		mode = MODE_FUA;
	else if (pg && !pg->caching.wce)
		mode = MODE_PLAIN;
	scsi_free_scsi_task(t);
	if (!d->mode_known || mode != d->mode)
		fprintf(stderr, "iscsi-client: drill: writes: %s%s\n", mode_names[mode],
			pg ? "" : " (no caching mode page)");
	d->mode = mode;
	d->mode_known = true;
	return 0;
}

static void attempt_end(struct login_attempt *a)
{
	struct iscsi_context *iscsi = a->iscsi;

	a->iscsi = NULL;
	iscsi_destroy_context(iscsi);
}

/* Starts an attempt in a free slot; 0, or -ENOMEM (printed). */
static int attempt_start(struct drill *d, int64_t now)
{
	struct login_attempt *a = NULL;

	for (int i = 0; i < DRILL_ATTEMPTS && !a; i++)
		if (!d->attempts[i].iscsi)
			a = &d->attempts[i];
	if (!a)
		return 0; /* cannot happen: each ends DRILL_LOGIN_MS after its start */
	a->iscsi = context_new(d->target);
	if (!a->iscsi)
		return -ENOMEM;
	/* Reconnecting is the drill's job: libiscsi's own reconnect blocks,
	 * backs off for seconds and replays writes unseen. */
	iscsi_set_noautoreconnect(a->iscsi, 1);
	a->start = now;
	a->done = false;
	if (iscsi_full_connect_async(a->iscsi, d->portal, d->lun, drill_login_cb, a) != 0) {
		a->done = true;
		a->status = SCSI_STATUS_ERROR;
		one_line(a->why, sizeof(a->why), "%s", iscsi_get_error(a->iscsi));
	}
	return 0;
}

/* Prints why a login failed, unless that is what it printed last. */
static void login_failed(const struct drill *d, char *last, size_t size, const char *why)
{
	if (strcmp(last, why) == 0)
		return;
	fprintf(stderr, "iscsi-client: drill: login to %s at %s: %s (retrying)\n", d->target,
		d->portal, why);
	snprintf(last, size, "%s", why);
}

/* Logs in, for as long as it takes: a new attempt every DRILL_RETRY_MS,
 * each abandoned DRILL_LOGIN_MS after its start, so several are under way
 * at once. Once the address has moved, a SYN lost to the dead head's MAC
 * then costs DRILL_RETRY_MS, not DRILL_LOGIN_MS. The first attempt that
 * logs in wins. Returns 0 (d->iscsi logged in), -EINTR on a stop request,
 * -ERANGE or -ENOMEM (printed). */
static int drill_login(struct drill *d)
{
	char last[sizeof(d->why)] = "";
	int64_t next_start = now_ms();
	int rc = 0;

	while (!stop_requested) {
		struct pollfd pfd[DRILL_ATTEMPTS];
		struct login_attempt *ready[DRILL_ATTEMPTS], *won = NULL;
		int64_t now = now_ms(), wake = next_start;
		struct timespec ts;
		int nfd = 0, n;

		for (int i = 0; i < DRILL_ATTEMPTS; i++) {
			struct login_attempt *a = &d->attempts[i];

			if (!a->iscsi)
				continue;
			if (a->done && a->status == SCSI_STATUS_GOOD) {
				if (!won)
					won = a;
				continue;
			}
			if (!a->done && now < a->start + DRILL_LOGIN_MS)
				continue;
			if (!a->done)
				one_line(a->why, sizeof(a->why), "no login within %d ms",
					 DRILL_LOGIN_MS);
			login_failed(d, last, sizeof(last), a->why);
			attempt_end(a);
		}
		if (won) {
			int c;

			d->iscsi = won->iscsi;
			won->iscsi = NULL;
			for (int i = 0; i < DRILL_ATTEMPTS; i++)
				if (d->attempts[i].iscsi)
					attempt_end(&d->attempts[i]);
			c = d->bs ? 0 : drill_capacity(d);
			if (c == 0)
				c = drill_cache_mode(d);
			if (c != -EIO)
				return c;
			drill_drop(d);
			login_failed(d, last, sizeof(last), d->why);
			continue;
		}
		if (now >= next_start) {
			rc = attempt_start(d, now);
			if (rc < 0)
				break;
			next_start = now + DRILL_RETRY_MS;
			continue; /* it may have failed at once */
		}
		for (int i = 0; i < DRILL_ATTEMPTS; i++) {
			struct login_attempt *a = &d->attempts[i];

			if (!a->iscsi || a->done)
				continue;
			pfd[nfd].fd = iscsi_get_fd(a->iscsi);
			pfd[nfd].events = (short)iscsi_which_events(a->iscsi);
			pfd[nfd].revents = 0;
			ready[nfd++] = a;
			if (a->start + DRILL_LOGIN_MS < wake)
				wake = a->start + DRILL_LOGIN_MS;
		}
		ts.tv_sec = wake > now ? (wake - now) / 1000 : 0;
		ts.tv_nsec = wake > now ? (wake - now) % 1000 * 1000000 : 0;
		n = ppoll(pfd, (nfds_t)nfd, &ts, &wait_mask);
		if (n < 0)
			continue; /* EINTR: a stop request */
		for (int k = 0; k < nfd; k++) {
			struct login_attempt *a = ready[k];

			if (iscsi_service(a->iscsi, pfd[k].revents) < 0 && !a->done) {
				a->done = true;
				a->status = SCSI_STATUS_ERROR;
				one_line(a->why, sizeof(a->why), "%s", iscsi_get_error(a->iscsi));
			}
		}
	}
	for (int i = 0; i < DRILL_ATTEMPTS; i++)
		if (d->attempts[i].iscsi)
			attempt_end(&d->attempts[i]);
	return rc < 0 ? rc : -EINTR;
}

/* Sends WRITE(16) of d->buf to lba (FUA as d->mode says), or, when sync,
 * SYNCHRONIZE CACHE(16) of that block, and waits for the outcome until
 * deadline (d->why says what went wrong). */
static enum write_outcome drill_command(struct drill *d, uint64_t lba, bool sync,
					int64_t deadline)
{
	int rc;

	snprintf(d->error_before, sizeof(d->error_before), "%s", iscsi_get_error(d->iscsi));
	d->task_done = false;
	if (sync)
		d->task = iscsi_synchronizecache16_task(d->iscsi, d->lun, lba, 1, 0, 0,
							drill_write_cb, d);
	else
		d->task = iscsi_write16_task(d->iscsi, d->lun, lba, d->buf, d->bs, (int)d->bs, 0,
					     0, d->mode == MODE_FUA, 0, 0, drill_write_cb, d);
	if (!d->task) {
		set_why(d, "cannot queue %s: %s", sync ? "SYNCHRONIZE CACHE(16)" : "WRITE(16)",
			iscsi_get_error(d->iscsi));
		return WRITE_LOST;
	}
	for (;;) {
		int64_t ping = now_ms() + DRILL_PING_MS;

		rc = drill_pump(d, &d->task_done, ping < deadline ? ping : deadline, true);
		if (rc != -ETIMEDOUT || now_ms() >= deadline)
			break;
		/* No answer yet. The write's bytes may have been acknowledged
		 * by TCP before the head died, which leaves nothing for
		 * TCP_USER_TIMEOUT to time, only keepalive (>= 2 s). A NOP-Out
		 * is new data a dead head never acknowledges: the connection
		 * then fails -T ms later. */
		if (!d->nop_pending &&
		    iscsi_nop_out_async(d->iscsi, drill_nop_cb, NULL, 0, d) == 0)
			d->nop_pending = true;
	}
	if (rc == -EINTR) {
		int64_t grace = now_ms() + DRILL_STOP_GRACE_MS;

		rc = drill_pump(d, &d->task_done, grace < deadline ? grace : deadline, false);
		if (rc == -ETIMEDOUT) {
			set_why(d, "abandoned at stop");
			return WRITE_ABANDONED;
		}
	}
	if (rc == -ETIMEDOUT) {
		set_why(d, "no answer within %d s", command_timeout_s);
		return WRITE_LOST;
	}
	if (rc < 0)
		return WRITE_LOST;
	switch (d->task_status) {
	case SCSI_STATUS_GOOD:
		return WRITE_GOOD;
	case SCSI_STATUS_CHECK_CONDITION:
		set_why(d, "%s %s", d->sense.key == SCSI_SENSE_UNIT_ATTENTION ? "unit attention" :
			scsi_sense_key_str(d->sense.key), scsi_sense_ascq_str(d->sense.ascq));
		return d->sense.key == SCSI_SENSE_UNIT_ATTENTION ? WRITE_UNIT_ATTENTION :
								   WRITE_SCSI_ERROR;
	case SCSI_STATUS_CANCELLED:
	case SCSI_STATUS_ERROR:
		set_why(d, "connection lost: %s", d->why); /* as drill_write_cb() saw it */
		return WRITE_LOST;
	case SCSI_STATUS_TIMEOUT:
		set_why(d, "no answer within %d s", command_timeout_s);
		return WRITE_LOST;
	default:
		set_why(d, "SCSI status 0x%x", (unsigned)d->task_status);
		return WRITE_SCSI_ERROR;
	}
}

/* Writes block SEQ to lba, made stable as d->mode says, and waits for the
 * outcome (d->why says what went wrong); one deadline for both commands. */
static enum write_outcome drill_write(struct drill *d, uint64_t seq, uint64_t lba)
{
	int64_t deadline = now_ms() + (int64_t)command_timeout_s * 1000;
	enum write_outcome out;

	fill_block(d->buf, d->bs, lba, seq);
	out = drill_command(d, lba, false, deadline);
	if (out != WRITE_GOOD || d->mode != MODE_SYNC)
		return out;
	out = drill_command(d, lba, true, deadline);
	if (out != WRITE_GOOD && out != WRITE_UNIT_ATTENTION && out != WRITE_ABANDONED)
		one_line(d->why, sizeof(d->why), "SYNCHRONIZE CACHE(16): %s", d->why);
	return out;
}

static int cmd_drill(const char *portal, const char *target, int lun, uint64_t first,
		     uint64_t count, const char *path)
{
	struct drill d = { .portal = portal, .target = target, .lun = lun, .first = first,
			   .count = count, .log_fd = -1 };
	uint64_t seq = 1;
	unsigned ua_row = 0;
	bool ever = false;
	int rc = 0;

	if (count == 0) {
		fprintf(stderr, "iscsi-client: drill: COUNT must be at least 1\n");
		return EXIT_USAGE;
	}
	d.log_fd = drill_start(path);
	if (d.log_fd < 0)
		return EXIT_USAGE;
	if (tcp_user_timeout_ms <= 0)
		fprintf(stderr, "iscsi-client: drill: no -T: a dead head shows only after -t %d s "
				"(use -T 1000)\n",
			command_timeout_s);

	while (!stop_requested && !d.log_errno) {
		uint64_t lba = first + (seq - 1) % count;
		enum write_outcome out;

		if (!d.iscsi) {
			rc = drill_login(&d);
			if (rc < 0)
				break;
			if (ever)
				d.reconnects++;
			ever = true;
			ua_row = 0;
			drill_log(&d, "connected %s", portal);
			continue;
		}
		out = drill_write(&d, seq, lba);
		if (out == WRITE_UNIT_ATTENTION) {
			unit_attentions++;
			if (++ua_row <= DRILL_UA_RETRIES)
				continue;
			out = WRITE_SCSI_ERROR; /* a target that keeps reporting one */
		}
		ua_row = 0;
		if (out == WRITE_GOOD) {
			drill_log(&d, "ack %" PRIu64 " %" PRIu64, seq, lba);
			d.acked++;
			seq++;
			continue;
		}
		drill_log(&d, "fail %" PRIu64 " %" PRIu64 " %s", seq, lba, d.why);
		d.failed++;
		if (out == WRITE_SCSI_ERROR) {
			fprintf(stderr, "iscsi-client: drill: WRITE(16) of LBA %" PRIu64 ": %s\n", lba,
				d.why);
			drill_sleep_until(now_ms() + DRILL_RETRY_MS);
			continue;
		}
		if (out == WRITE_LOST) {
			drill_log(&d, "disconnected %s", d.why);
			fprintf(stderr, "iscsi-client: drill: %s\n", d.why);
		}
		drill_drop(&d);
	}
	if (d.iscsi)
		drill_drop(&d);
	if (rc == -ERANGE || rc == -ENOMEM) {
		free(d.buf);
		close(d.log_fd);
		return rc == -ERANGE ? EXIT_USAGE : EXIT_SCSI;
	}
	drill_log(&d, "stop acked=%" PRIu64 " failed=%" PRIu64 " reconnects=%" PRIu64, d.acked,
		  d.failed, d.reconnects);
	if (close(d.log_fd) != 0 && !d.log_errno)
		d.log_errno = errno;
	free(d.buf);
	if (d.log_errno) {
		fprintf(stderr, "iscsi-client: drill: cannot write %s: %s\n", path,
			strerror(d.log_errno));
		return EXIT_USAGE;
	}
	printf("drill acked=%" PRIu64 " failed=%" PRIu64 " reconnects=%" PRIu64
	       " unit_attentions=%u\n",
	       d.acked, d.failed, d.reconnects, unit_attentions);
	if (!ever) {
		fprintf(stderr, "iscsi-client: drill: never logged in to %s at %s\n", target,
			portal);
		return EXIT_SCSI;
	}
	return 0;
}

/* ---- verify-log ---------------------------------------------------------- */

/* A strict decimal at *p (digits, no sign, no leading zero, no overflow);
 * advances *p past it. */
static bool take_u64(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] >= '0' && s[1] <= '9'))
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned digit = (unsigned)(*s - '0');

		if (x > (UINT64_MAX - digit) / 10)
			return false;
		x = x * 10 + digit;
	}
	*v = x;
	*p = s;
	return true;
}

static bool take_word(const char **p, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*p, word, n) != 0)
		return false;
	*p += n;
	return true;
}

/* Checks that SEQ (the write in flight) is at the LBA FIRST + (SEQ-1) %
 * COUNT says, learning FIRST from SEQ 1 and COUNT from the first wrap
 * around; adds a newly named LBA. NULL, or what is wrong. */
static const char *log_place(struct drill_log *g, uint64_t seq, uint64_t lba)
{
	static char why[160];
	uint64_t want;

	if (g->next_known) {
		want = g->next_lba;
	} else if (seq == 1) {
		g->first = want = lba;
	} else if (g->cycle) {
		want = g->first + (seq - 1) % g->cycle;
	} else if (lba == g->first) {
		g->cycle = seq - 1; /* wrapped around: COUNT = seq - 1 */
		want = lba;
	} else {
		want = g->first + g->nlbas; /* == first + seq - 1 */
		if (want < g->first)
			return "LBAs beyond 2^64";
	}
	if (lba != want) {
		snprintf(why, sizeof(why),
			 "SEQ %" PRIu64 " at LBA %" PRIu64 ", expected LBA %" PRIu64, seq, lba, want);
		return why;
	}
	if (g->next_known)
		return NULL;
	g->next_known = true;
	g->next_lba = lba;
	if (lba - g->first == g->nlbas) {
		if (g->nlbas == g->cap) {
			uint64_t cap = g->cap ? g->cap * 2 : 1024;
			struct log_lba *l = realloc(g->lbas, cap * sizeof(*l));

			if (!l)
				return "out of memory";
			g->lbas = l;
			g->cap = cap;
		}
		g->lbas[g->nlbas++] = (struct log_lba){ 0, 0 };
	}
	return NULL;
}

/* Takes one line (without its newline) into g. NULL, or what is wrong. */
static const char *log_line(struct drill_log *g, const char *line)
{
	static char why[200];
	const char *p = line, *err;
	uint64_t us, seq, lba, n[3];
	bool ack;

	if (g->stopped)
		return "a line after the stop line";
	if (!take_u64(&p, &us) || !take_word(&p, " "))
		return "no timestamp (microseconds, then one space) at the start";
	if (take_word(&p, "connected ")) {
		if (!*p || strchr(p, ' '))
			return "connected: want one PORTAL";
		if (g->connected)
			return "connected, but the log shows a session already";
		g->connected = true;
		g->logins++;
		return NULL;
	}
	if (take_word(&p, "disconnected ")) {
		if (!*p)
			return "disconnected: no REASON";
		if (!g->connected)
			return "disconnected, but the log shows no session";
		g->connected = false;
		return NULL;
	}
	if (take_word(&p, "stop ")) {
		if (!take_word(&p, "acked=") || !take_u64(&p, &n[0]) || !take_word(&p, " failed=") ||
		    !take_u64(&p, &n[1]) || !take_word(&p, " reconnects=") || !take_u64(&p, &n[2]) ||
		    *p)
			return "stop: want acked=N failed=M reconnects=R";
		if (n[0] != g->acks || n[1] != g->fails || n[2] != (g->logins ? g->logins - 1 : 0)) {
			snprintf(why, sizeof(why),
				 "stop says acked=%" PRIu64 " failed=%" PRIu64 " reconnects=%" PRIu64
				 ", the log shows %" PRIu64 ", %" PRIu64 ", %" PRIu64,
				 n[0], n[1], n[2], g->acks, g->fails, g->logins ? g->logins - 1 : 0);
			return why;
		}
		g->stopped = true;
		return NULL;
	}
	ack = take_word(&p, "ack ");
	if (!ack && !take_word(&p, "fail "))
		return "unknown event (want connected, ack, fail, disconnected or stop)";
	if (!take_u64(&p, &seq) || !take_word(&p, " ") || !take_u64(&p, &lba) ||
	    (ack ? *p != '\0' : !take_word(&p, " ") || !*p))
		return ack ? "ack: want SEQ LBA" : "fail: want SEQ LBA REASON";
	if (!g->connected)
		return "a write, but the log shows no session";
	if (seq != g->next) {
		snprintf(why, sizeof(why), "SEQ %" PRIu64 ", expected %" PRIu64
					   " (the write in flight)",
			 seq, g->next);
		return why;
	}
	err = log_place(g, seq, lba);
	if (err)
		return err;
	if (ack) {
		g->lbas[lba - g->first].acked = seq;
		g->acks++;
		g->next++;
		g->next_known = false;
	} else {
		g->lbas[lba - g->first].failed = seq;
		g->fails++;
	}
	return NULL;
}

int drill_log_read(const char *path, struct drill_log *g)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned long no = 0;
	const char *err = NULL;
	ssize_t n;

	memset(g, 0, sizeof(*g));
	g->next = 1;
	if (!f) {
		fprintf(stderr, "iscsi-client: cannot open %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	while (!err && (n = getline(&line, &cap, f)) > 0) {
		no++;
		if (line[n - 1] != '\n')
			err = "no newline at the end (a torn last line?)";
		else if (strlen(line) != (size_t)n)
			err = "a NUL byte in the line";
		else if (n > 1024)
			err = "line longer than 1023 characters";
		else {
			line[n - 1] = '\0';
			err = log_line(g, line);
		}
	}
	if (!err && ferror(f)) {
		err = strerror(errno);
		no++;
	}
	if (!err && no == 0)
		err = "empty: no drill wrote it";
	free(line);
	fclose(f);
	if (!err)
		return 0;
	if (no == 0)
		fprintf(stderr, "iscsi-client: %s: %s\n", path, err);
	else
		fprintf(stderr, "iscsi-client: %s:%lu: %s\n", path, no, err);
	free(g->lbas);
	g->lbas = NULL;
	return EXIT_USAGE;
}

/* Whether lba may hold SEQ seq because it was the write in flight when the
 * client died (a log without a stop line). */
static bool log_in_flight_at(const struct drill_log *g, uint64_t lba, uint64_t seq)
{
	if (g->stopped || seq != g->next)
		return false;
	if (g->next_known)
		return lba == g->next_lba;
	return lba == (g->cycle ? g->first + (g->next - 1) % g->cycle : g->first);
}

int verify_lba(const struct drill_log *g, uint64_t lba, const uint8_t *got, uint8_t *scratch,
	       uint32_t bs)
{
	const struct log_lba *l = &g->lbas[lba - g->first];
	const char *bad;
	uint64_t found;

	if (l->acked == 0)
		return 0; /* nothing acknowledged here, nothing to lose */
	bad = examine_block(got, scratch, bs, lba, &found);
	if (bad) {
		printf("lba %" PRIu64 ": expected seq %" PRIu64 ", found %s\n", lba, l->acked, bad);
		return 1;
	}
	if (found == l->acked)
		return 0;
	if (found > l->acked && (found == l->failed || log_in_flight_at(g, lba, found)))
		return 0; /* an unacknowledged write that landed after all */
	printf("lba %" PRIu64 ": expected seq %" PRIu64 ", found seq %" PRIu64 " (%s)\n", lba,
	       l->acked, found,
	       found < l->acked ? "an older write: the acknowledged one is lost" :
				  "not written there by this run");
	return 1;
}

int verify_log_fits(const struct drill_log *g, uint64_t blocks, uint32_t bs)
{
	if (bs >= 64 && g->nlbas <= blocks && g->first <= blocks - g->nlbas)
		return 0;
	fprintf(stderr, "iscsi-client: the log names LBAs %" PRIu64 "..%" PRIu64
			", the LUN has %" PRIu64 " blocks of %u bytes\n",
		g->first, g->first + g->nlbas - 1, blocks, bs);
	return EXIT_USAGE;
}

int verify_log_result(const struct drill_log *g, uint64_t bad)
{
	if (bad) {
		printf("verify-log lbas=%" PRIu64 " acked=%" PRIu64 " bad=%" PRIu64 "\n", g->nlbas,
		       g->acks, bad);
		return EXIT_MISMATCH;
	}
	printf("verify-log lbas=%" PRIu64 " acked=%" PRIu64 " ok\n", g->nlbas, g->acks);
	return 0;
}

static int cmd_verify_log(struct iscsi_context *iscsi, int lun, const struct drill_log *g)
{
	uint64_t blocks, bad = 0;
	uint32_t bs;
	uint8_t *scratch;
	int rc = block_size(iscsi, lun, &blocks, &bs);

	if (rc)
		return rc;
	rc = verify_log_fits(g, blocks, bs);
	if (rc)
		return rc;
	scratch = malloc(bs);
	if (!scratch) {
		fprintf(stderr, "iscsi-client: out of memory\n");
		return EXIT_SCSI;
	}
	for (uint64_t i = 0; i < g->nlbas && rc == 0; i += 128) {
		uint32_t n = g->nlbas - i < 128 ? (uint32_t)(g->nlbas - i) : 128;
		struct scsi_task *t;

		t = RUN_SCSI("READ(16)", iscsi_read16_sync(iscsi, lun, g->first + i, n * bs, (int)bs,
							   0, 0, 0, 0, 0));
		if (!t) {
			rc = EXIT_SCSI;
			break;
		}
		if (t->datain.size != (int)(n * bs)) {
			fprintf(stderr, "iscsi-client: READ(16) of %u blocks returned %d bytes\n", n,
				t->datain.size);
			rc = EXIT_SCSI;
		}
		for (uint32_t j = 0; j < n && rc == 0; j++)
			bad += (uint64_t)verify_lba(g, g->first + i + j,
						    t->datain.data + (size_t)j * bs, scratch, bs);
		scsi_free_scsi_task(t);
	}
	free(scratch);
	return rc ? rc : verify_log_result(g, bad);
}

static int read_secret(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f || !fgets(buf, (int)len, f)) {
		fprintf(stderr, "iscsi-client: cannot read %s\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static uint64_t num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (!*s || *end) {
		fprintf(stderr, "iscsi-client: '%s' is not a number\n", s);
		exit(EXIT_USAGE);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct iscsi_context *iscsi;
	struct drill_log log;
	const char *portal, *target, *cmd, *device = NULL;
	bool refused;
	int opt, lun, rc = EXIT_USAGE;

	/* libiscsi writes data with writev(), without MSG_NOSIGNAL: a
	 * connection reset by the peer must not kill the client. */
	signal(SIGPIPE, SIG_IGN);

	while ((opt = getopt(argc, argv, "i:u:s:U:S:T:t:d:")) != -1) {
		switch (opt) {
		case 'd': device = optarg; break;
		case 'i': initiator = optarg; break;
		case 'u': user = optarg; break;
		case 's':
			if (read_secret(optarg, secret, sizeof(secret)) < 0)
				return EXIT_USAGE;
			break;
		case 'U': target_user = optarg; break;
		case 'S':
			if (read_secret(optarg, target_secret, sizeof(target_secret)) < 0)
				return EXIT_USAGE;
			break;
		case 'T': tcp_user_timeout_ms = (int)num(optarg); break;
		case 't': command_timeout_s = (int)num(optarg); break;
		default: return EXIT_USAGE;
		}
	}
	if (device)
		return dev_main(device, argc - optind, argv + optind);
	if (argc - optind < 4) {
		fprintf(stderr, "usage: iscsi-client [-i NAME] [-u USER -s FILE] [-U USER -S FILE] "
				"[-T MS] [-t SEC] "
				"PORTAL TARGET LUN login|capacity|inquiry|wce|write|verify|stream|"
				"drill|verify-log ...\n"
				"       iscsi-client [-t SEC] -d DEVICE capacity|drill|verify-log ...\n");
		return EXIT_USAGE;
	}
	portal = argv[optind];
	target = argv[optind + 1];
	lun = (int)num(argv[optind + 2]);
	cmd = argv[optind + 3];

	if (strcmp(cmd, "drill") == 0 && argc - optind == 7) {
		rc = cmd_drill(portal, target, lun, num(argv[optind + 4]), num(argv[optind + 5]),
			       argv[optind + 6]);
		memset(secret, 0, sizeof(secret));
		return rc;
	}
	/* The log first: a bad one is reported without a target. */
	if (strcmp(cmd, "verify-log") == 0 && argc - optind == 5) {
		rc = drill_log_read(argv[optind + 4], &log);
		if (rc)
			return rc;
	}

	iscsi = connect_to(portal, target, lun, &refused);
	if (!iscsi)
		return refused ? EXIT_REFUSED : EXIT_SCSI;
	if (strcmp(cmd, "login") == 0) {
		printf("login ok\n");
		rc = 0;
	} else if (strcmp(cmd, "capacity") == 0) {
		uint64_t blocks;
		uint32_t bs;

		rc = block_size(iscsi, lun, &blocks, &bs);
		if (rc == 0)
			printf("lba=%" PRIu64 " block_size=%u bytes=%" PRIu64 "\n", blocks - 1, bs,
			       blocks * bs);
	} else if (strcmp(cmd, "inquiry") == 0) {
		rc = cmd_inquiry(iscsi, lun);
	} else if (strcmp(cmd, "wce") == 0) {
		rc = cmd_wce(iscsi, lun);
	} else if ((strcmp(cmd, "write") == 0 || strcmp(cmd, "verify") == 0) &&
		   argc - optind == 7) {
		rc = cmd_blocks(iscsi, lun, cmd, num(argv[optind + 4]), num(argv[optind + 5]),
				num(argv[optind + 6]), 0);
	} else if (strcmp(cmd, "stream") == 0 && argc - optind == 8) {
		rc = cmd_blocks(iscsi, lun, cmd, num(argv[optind + 4]), num(argv[optind + 5]),
				num(argv[optind + 6]), (long)num(argv[optind + 7]));
	} else if (strcmp(cmd, "verify-log") == 0 && argc - optind == 5) {
		rc = cmd_verify_log(iscsi, lun, &log);
		free(log.lbas);
	} else {
		fprintf(stderr, "iscsi-client: unknown command or wrong arguments: %s\n", cmd);
	}
	iscsi_logout_sync(iscsi);
	iscsi_destroy_context(iscsi);
	memset(secret, 0, sizeof(secret));
	return rc;
}
