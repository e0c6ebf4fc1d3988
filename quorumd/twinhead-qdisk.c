/* twinhead-qdisk: create, dump and check a twinhead quorum disk, and post
 * a request (release) into a head's mailbox.
 *
 *   twinhead-qdisk create DEVICE --cluster NAME [--sector-size 512|4096]
 *                  [--interval-ms N] [--timeout-ms N] [--force]
 *   twinhead-qdisk dump DEVICE [--json]
 *   twinhead-qdisk check DEVICE
 *   twinhead-qdisk release DEVICE --node N
 *
 * Exit status: 0 success (check: the disk is sound), 1 failure or a
 * problem found, 2 usage error. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qdisk_format.h"
#include "qdisk_io.h"

#define IO_TIMEOUT_MS 5000

static const char *prog = "twinhead-qdisk";

static int usage(void)
{
	fprintf(stderr,
		"usage: %s create DEVICE --cluster NAME [--sector-size 512|4096]\n"
		"                 [--interval-ms N] [--timeout-ms N] [--force]\n"
		"       %s dump DEVICE [--json]\n"
		"       %s check DEVICE\n"
		"       %s release DEVICE --node N\n",
		prog, prog, prog, prog);
	return 2;
}

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* The header, or why not. */
static int load_header(struct qdisk *d, struct qd_header *h, char *why, size_t len)
{
	uint8_t rec[QD_RECORD_SIZE];
	/* The header's own sector size is unknown until it is read; 4096
	 * covers it either way (the record is the first 512 bytes). */
	uint32_t probe = qdisk_device_sector(d) > 512 ? qdisk_device_sector(d) : 512;
	int rc = qdisk_read(d, 0, probe, rec, deadline_in_ms(IO_TIMEOUT_MS));

	if (rc < 0) {
		snprintf(why, len, "cannot read the header: %s", strerror(-rc));
		return rc;
	}
	return qd_header_decode(rec, sizeof(rec), h, why, len);
}

static int read_slot(struct qdisk *d, const struct qd_header *h, unsigned node,
		     struct qd_slot *s, char *why, size_t len)
{
	uint8_t rec[QD_RECORD_SIZE];
	int rc = qdisk_read(d, qd_offset(h->sector_size, QD_KIND_SLOT, node), h->sector_size, rec,
			    deadline_in_ms(IO_TIMEOUT_MS));

	if (rc < 0) {
		snprintf(why, len, "cannot read slot %u: %s", node, strerror(-rc));
		return rc;
	}
	return qd_slot_decode(rec, sizeof(rec), h->uuid, node, s, why, len);
}

static int read_mailbox(struct qdisk *d, const struct qd_header *h, unsigned node,
			struct qd_mailbox *m, char *why, size_t len)
{
	uint8_t rec[QD_RECORD_SIZE];
	int rc = qdisk_read(d, qd_offset(h->sector_size, QD_KIND_MAILBOX, node), h->sector_size,
			    rec, deadline_in_ms(IO_TIMEOUT_MS));

	if (rc < 0) {
		snprintf(why, len, "cannot read mailbox %u: %s", node, strerror(-rc));
		return rc;
	}
	return qd_mailbox_decode(rec, sizeof(rec), h->uuid, node, m, why, len);
}

static struct qdisk *open_or_die(const char *path, bool writable)
{
	struct qdisk *d;
	char why[256];
	bool direct;

	if (qdisk_open(path, writable, &d, &direct, why, sizeof(why)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, why);
		return NULL;
	}
	if (!direct)
		fprintf(stderr, "%s: note: %s refuses O_DIRECT; using synchronous I/O\n", prog, path);
	return d;
}

/* Is any head writing this disk? Watch both slots for a timeout. */
static bool in_use(struct qdisk *d, const struct qd_header *h, unsigned *who)
{
	struct qd_slot before[3], after[3];
	bool had[3] = { false };
	char why[256];

	for (unsigned n = 1; n <= QD_NODES; n++)
		had[n] = read_slot(d, h, n, &before[n], why, sizeof(why)) == 0;
	usleep((h->timeout_ms + h->interval_ms) * 1000);
	for (unsigned n = 1; n <= QD_NODES; n++)
		if (read_slot(d, h, n, &after[n], why, sizeof(why)) == 0 &&
		    (!had[n] || after[n].seq != before[n].seq ||
		     after[n].incarnation != before[n].incarnation)) {
			*who = n;
			return true;
		}
	return false;
}

static int cmd_create(const char *path, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "sector-size", required_argument, NULL, 's' },
		{ "interval-ms", required_argument, NULL, 'i' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ 0 },
	};
	struct qd_header h = { .node_count = QD_NODES, .interval_ms = 500, .timeout_ms = 2000 };
	struct qd_header old;
	uint8_t rec[QD_RECORD_SIZE] = { 0 };
	const char *cluster = NULL;
	bool force = false;
	struct qdisk *d;
	char why[256];
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cluster = optarg;
			break;
		case 's':
			if (parse_u32(optarg, &h.sector_size) < 0)
				return usage();
			break;
		case 'i':
			if (parse_u32(optarg, &h.interval_ms) < 0)
				return usage();
			break;
		case 't':
			if (parse_u32(optarg, &h.timeout_ms) < 0)
				return usage();
			break;
		case 'f':
			force = true;
			break;
		default:
			return usage();
		}
	}
	if (!cluster || optind != argc)
		return usage();
	if (strlen(cluster) > QD_CLUSTER_NAME_MAX) {
		fprintf(stderr, "%s: cluster name longer than %d characters\n", prog,
			QD_CLUSTER_NAME_MAX);
		return 1;
	}
	snprintf(h.cluster, sizeof(h.cluster), "%s", cluster);
	d = open_or_die(path, true);
	if (!d)
		return 1;
	if (!h.sector_size)
		h.sector_size = qdisk_device_sector(d) > 512 ? 4096 : 512;
	if (h.sector_size < qdisk_device_sector(d)) {
		fprintf(stderr, "%s: %s has %u-byte sectors; --sector-size %u is too small\n", prog,
			path, qdisk_device_sector(d), h.sector_size);
		qdisk_close(d);
		return 1;
	}
	if (qd_header_check(&h, why, sizeof(why)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, why);
		qdisk_close(d);
		return 1;
	}
	if (load_header(d, &old, why, sizeof(why)) == 0) {
		unsigned who = 0;

		if (in_use(d, &old, &who)) {
			fprintf(stderr, "%s: %s is in use: node %u is writing it; stop "
				"twinhead-quorumd on both heads first%s\n", prog, path, who,
				force ? "" : " (or --force)");
			if (!force) {
				qdisk_close(d);
				return 1;
			}
		} else if (!force) {
			fprintf(stderr, "%s: %s already holds the quorum disk of cluster '%s'; "
				"--force overwrites it\n", prog, path, old.cluster);
			qdisk_close(d);
			return 1;
		}
	}
	if (getentropy(h.uuid, sizeof(h.uuid)) < 0) {
		fprintf(stderr, "%s: no randomness for the uuid: %s\n", prog, strerror(errno));
		qdisk_close(d);
		return 1;
	}
	h.uuid[6] = (uint8_t)((h.uuid[6] & 0x0f) | 0x40); /* RFC 4122 version 4 */
	h.uuid[8] = (uint8_t)((h.uuid[8] & 0x3f) | 0x80);
	h.created = (uint64_t)(wall_ms() / 1000);
	/* Slots and mailboxes first, zeroed: "never written". The header last,
	 * so a half-made disk never looks like a whole one. */
	for (unsigned n = 1; n <= QD_NODES && (rc = 0) == 0; n++) {
		rc = qdisk_write(d, qd_offset(h.sector_size, QD_KIND_SLOT, n), h.sector_size, rec,
				 deadline_in_ms(IO_TIMEOUT_MS));
		if (rc == 0)
			rc = qdisk_write(d, qd_offset(h.sector_size, QD_KIND_MAILBOX, n),
					 h.sector_size, rec, deadline_in_ms(IO_TIMEOUT_MS));
		if (rc < 0)
			break;
	}
	if (rc == 0) {
		qd_header_encode(&h, rec);
		rc = qdisk_write(d, 0, h.sector_size, rec, deadline_in_ms(IO_TIMEOUT_MS));
	}
	qdisk_close(d);
	if (rc < 0) {
		fprintf(stderr, "%s: writing %s failed: %s\n", prog, path, strerror(-rc));
		return 1;
	}
	qd_uuid_format(h.uuid, why);
	printf("created quorum disk %s: cluster %s, uuid %s, %u-byte sectors, interval %u ms, "
	       "timeout %u ms\n", path, h.cluster, why, h.sector_size, h.interval_ms, h.timeout_ms);
	return 0;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

/* dump and check share the walk; check prints only problems. */
static int walk(const char *path, bool json, bool check_only)
{
	struct qd_header h;
	struct qdisk *d = open_or_die(path, false);
	char why[256], uuid[37];
	int problems = 0;

	if (!d)
		return 1;
	if (load_header(d, &h, why, sizeof(why)) < 0) {
		if (json)
			printf("{\"device\":"), json_string(path), printf(",\"error\":"),
				json_string(why), printf("}\n");
		else
			fprintf(stderr, "%s: %s: header: %s\n", prog, path, why);
		qdisk_close(d);
		return 1;
	}
	qd_uuid_format(h.uuid, uuid);
	if (json) {
		printf("{\"device\":");
		json_string(path);
		printf(",\"cluster\":");
		json_string(h.cluster);
		printf(",\"uuid\":\"%s\",\"sector_size\":%u,\"interval_ms\":%u,\"timeout_ms\":%u,"
		       "\"created\":%llu,\"slots\":[", uuid, h.sector_size, h.interval_ms, h.timeout_ms,
		       (unsigned long long)h.created);
	} else if (!check_only) {
		printf("quorum disk %s\n  cluster %s  uuid %s\n  sector %u B  interval %u ms  "
		       "timeout %u ms\n", path, h.cluster, uuid, h.sector_size, h.interval_ms,
		       h.timeout_ms);
	}
	for (unsigned n = 1; n <= QD_NODES; n++) {
		struct qd_slot s;
		int rc = read_slot(d, &h, n, &s, why, sizeof(why));

		if (rc < 0 && rc != -ENODATA)
			problems++;
		if (json) {
			printf("%s{\"node\":%u,", n > 1 ? "," : "", n);
			if (rc == 0)
				printf("\"state\":\"%s\",\"incarnation\":%llu,\"seq\":%llu,\"epoch\":%llu,"
				       "\"peer_seq_seen\":%llu,\"peer_state_seen\":\"%s\",\"flags\":%u,"
				       "\"written_ms\":%llu}", qd_state_name(s.state),
				       (unsigned long long)s.incarnation, (unsigned long long)s.seq,
				       (unsigned long long)s.epoch, (unsigned long long)s.peer_seq_seen,
				       qd_state_name(s.peer_state_seen), s.flags,
				       (unsigned long long)s.written_ms);
			else if (rc == -ENODATA)
				printf("\"state\":\"empty\"}");
			else
				printf("\"error\":"), json_string(why), printf("}");
		} else if (rc == 0 && !check_only) {
			printf("  slot %u: %-9s epoch %llu  seq %llu  incarnation %016llx%s\n", n,
			       qd_state_name(s.state), (unsigned long long)s.epoch,
			       (unsigned long long)s.seq, (unsigned long long)s.incarnation,
			       s.flags & QD_SLOT_F_PEER_FENCED ? "  (fenced its peer)" : "");
		} else if (rc == -ENODATA && !check_only) {
			printf("  slot %u: never written\n", n);
		} else if (rc < 0 && rc != -ENODATA) {
			printf("  slot %u: %s\n", n, why);
		}
	}
	if (json)
		printf("],\"mailboxes\":[");
	for (unsigned n = 1; n <= QD_NODES; n++) {
		struct qd_mailbox m;
		int rc = read_mailbox(d, &h, n, &m, why, sizeof(why));

		if (rc < 0 && rc != -ENODATA)
			problems++;
		if (json) {
			printf("%s{\"node\":%u,", n > 1 ? "," : "", n);
			if (rc == 0)
				printf("\"request\":\"%s\",\"from\":%u,\"request_id\":%llu,\"epoch\":%llu}",
				       qd_request_name(m.request), m.from_node,
				       (unsigned long long)m.request_id, (unsigned long long)m.epoch);
			else if (rc == -ENODATA)
				printf("\"request\":\"none\"}");
			else
				printf("\"error\":"), json_string(why), printf("}");
		} else if (rc == 0 && !check_only) {
			printf("  mailbox %u: %s (id %llu, from node %u)\n", n, qd_request_name(m.request),
			       (unsigned long long)m.request_id, m.from_node);
		} else if (rc < 0 && rc != -ENODATA) {
			printf("  mailbox %u: %s\n", n, why);
		}
	}
	if (json)
		printf("],\"problems\":%d}\n", problems);
	else if (check_only && problems == 0)
		printf("%s: quorum disk of cluster %s is sound\n", path, h.cluster);
	qdisk_close(d);
	return problems ? 1 : 0;
}

static int cmd_release(const char *path, int argc, char **argv)
{
	static const struct option opts[] = { { "node", required_argument, NULL, 'n' }, { 0 } };
	struct qd_mailbox m = { .from_node = 0, .request = QD_REQ_RELEASE };
	struct qd_header h;
	struct qd_slot s;
	uint8_t rec[QD_RECORD_SIZE];
	struct qdisk *d;
	char why[256];
	uint32_t node = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'n' || parse_u32(optarg, &node) < 0)
			return usage();
	}
	if (optind != argc || node < 1 || node > QD_NODES)
		return usage();
	d = open_or_die(path, true);
	if (!d)
		return 1;
	if (load_header(d, &h, why, sizeof(why)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, why);
		qdisk_close(d);
		return 1;
	}
	rc = read_slot(d, &h, node, &s, why, sizeof(why));
	if (rc == -ENODATA) {
		fprintf(stderr, "%s: node %u is not primary: it never ran on this disk\n", prog, node);
		qdisk_close(d);
		return 1;
	}
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", prog, why);
		qdisk_close(d);
		return 1;
	}
	if (s.state != QD_STATE_PRIMARY) {
		fprintf(stderr, "%s: node %u is %s, not primary: nothing to release\n", prog, node,
			qd_state_name(s.state));
		qdisk_close(d);
		return 1;
	}
	m.to_node = node;
	m.epoch = s.epoch;
	m.written_ms = (uint64_t)wall_ms();
	/* One id space with the peer's poison pills: above what is there. */
	{
		struct qd_mailbox cur;
		bool have = qdisk_read(d, qd_offset(h.sector_size, QD_KIND_MAILBOX, node),
				       h.sector_size, rec, deadline_in_ms(IO_TIMEOUT_MS)) == 0 &&
			    qd_mailbox_decode(rec, sizeof(rec), h.uuid, node, &cur, why,
					      sizeof(why)) == 0;

		m.request_id = qd_mailbox_next_id(have ? &cur : NULL, m.written_ms);
	}
	qd_mailbox_encode(&m, h.uuid, rec);
	rc = qdisk_write(d, qd_offset(h.sector_size, QD_KIND_MAILBOX, node), h.sector_size, rec,
			 deadline_in_ms(IO_TIMEOUT_MS));
	qdisk_close(d);
	if (rc < 0) {
		fprintf(stderr, "%s: writing the request failed: %s\n", prog, strerror(-rc));
		return 1;
	}
	printf("asked node %u to release primary (epoch %llu)\n", node, (unsigned long long)s.epoch);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd, *path;

	if (argc < 3)
		return usage();
	cmd = argv[1];
	path = argv[2];
	/* getopt sees the options after DEVICE. */
	argv += 2;
	argc -= 2;
	argv[0] = (char *)prog;
	optind = 1;
	if (strcmp(cmd, "create") == 0)
		return cmd_create(path, argc, argv);
	if (strcmp(cmd, "dump") == 0) {
		bool json = argc == 2 && strcmp(argv[1], "--json") == 0;

		if (argc > 2 || (argc == 2 && !json))
			return usage();
		return walk(path, json, false);
	}
	if (strcmp(cmd, "check") == 0)
		return argc == 1 ? walk(path, false, true) : usage();
	if (strcmp(cmd, "release") == 0)
		return cmd_release(path, argc, argv);
	return usage();
}
