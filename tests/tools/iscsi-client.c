/* iscsi-client: a small iSCSI initiator on libiscsi, for the integration
 * tests of ocf:twinhead:iscsitarget. Not part of the product.
 *
 *   iscsi-client [OPTIONS] PORTAL TARGET LUN COMMAND [ARGS]
 *
 * OPTIONS
 *   -i NAME    initiator name (default iqn.2024-01.org.twinhead:test-client)
 *   -u USER    CHAP user; -s FILE: the CHAP secret, first line of FILE
 *   -T MS      TCP user timeout (how soon a dead head is noticed)
 *   -t SEC     time limit of every synchronous SCSI command (default 30)
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
 *
 * A block holds "THBLK001", its LBA and SEQ (little-endian 64-bit),
 * pseudo-random bytes seeded by both, and an FNV-1a 64 checksum of the rest
 * in its last 8 bytes: a block from the wrong place or time, or damaged,
 * cannot pass. After a reconnect the target reports UNIT ATTENTION (29/00,
 * power on or reset): the command is retried, and counted.
 *
 * Exit: 0 success, 1 data mismatch, 2 usage, 3 login refused, 4 SCSI or
 * transport error. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#define EXIT_MISMATCH 1
#define EXIT_USAGE 2
#define EXIT_REFUSED 3
#define EXIT_SCSI 4

static const char *initiator = "iqn.2024-01.org.twinhead:test-client";
static const char *user;
static char secret[256];
static int tcp_user_timeout_ms;
static int command_timeout_s = 30;
static unsigned unit_attentions;

static int64_t now_ms(void)
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

static void fill_block(uint8_t *b, size_t bs, uint64_t lba, uint64_t seq)
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

/* Explains what is wrong with a block read back, or NULL when it is right. */
static const char *check_block(const uint8_t *got, uint8_t *want, size_t bs, uint64_t lba,
			       uint64_t seq)
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
	if (get_le64(got + 16) != seq) {
		snprintf(why, sizeof(why), "generation %" PRIu64 ", expected %" PRIu64,
			 get_le64(got + 16), seq);
		return why;
	}
	fill_block(want, bs, lba, seq);
	if (memcmp(got, want, bs) != 0)
		return "payload differs";
	return NULL;
}

static struct iscsi_context *connect_to(const char *portal, const char *target, int lun,
					bool *refused)
{
	struct iscsi_context *iscsi = iscsi_create_context(initiator);

	*refused = false;
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
	if (tcp_user_timeout_ms > 0) {
		iscsi_set_tcp_user_timeout(iscsi, tcp_user_timeout_ms);
		iscsi_set_tcp_keepalive(iscsi, 1, 2, 1);
	}
	iscsi_set_timeout(iscsi, command_timeout_s);
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

static int read_secret(const char *path)
{
	FILE *f = fopen(path, "r");

	if (!f || !fgets(secret, sizeof(secret), f)) {
		fprintf(stderr, "iscsi-client: cannot read %s\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	secret[strcspn(secret, "\r\n")] = '\0';
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
	const char *portal, *target, *cmd;
	bool refused;
	int opt, lun, rc = EXIT_USAGE;

	while ((opt = getopt(argc, argv, "i:u:s:T:t:")) != -1) {
		switch (opt) {
		case 'i': initiator = optarg; break;
		case 'u': user = optarg; break;
		case 's':
			if (read_secret(optarg) < 0)
				return EXIT_USAGE;
			break;
		case 'T': tcp_user_timeout_ms = (int)num(optarg); break;
		case 't': command_timeout_s = (int)num(optarg); break;
		default: return EXIT_USAGE;
		}
	}
	if (argc - optind < 4) {
		fprintf(stderr, "usage: iscsi-client [-i NAME] [-u USER -s FILE] [-T MS] [-t SEC] "
				"PORTAL TARGET LUN login|capacity|inquiry|wce|write|verify|stream ...\n");
		return EXIT_USAGE;
	}
	portal = argv[optind];
	target = argv[optind + 1];
	lun = (int)num(argv[optind + 2]);
	cmd = argv[optind + 3];

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
	} else {
		fprintf(stderr, "iscsi-client: unknown command or wrong arguments: %s\n", cmd);
	}
	iscsi_logout_sync(iscsi);
	iscsi_destroy_context(iscsi);
	memset(secret, 0, sizeof(secret));
	return rc;
}
