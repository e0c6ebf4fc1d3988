/* The quorum disk codec. */
#include "config.h"
#include "qdisk_format.h"
#include "crc32c.h"
#include "why.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Wire layouts: these structs are never overlaid on a buffer (that would
 * tie the format to the host's byte order); they fix the offsets that the
 * encoders and decoders use with offsetof, and the asserts keep them from
 * drifting. */
struct wire_common {
	char magic[8];
	uint16_t version;
	uint16_t kind;
	uint32_t crc;
	uint8_t uuid[16];
};
_Static_assert(sizeof(struct wire_common) == 32, "common record head is 32 bytes");

struct wire_header {
	struct wire_common c;
	char cluster[64];
	uint32_t sector_size;
	uint32_t node_count;
	uint32_t interval_ms;
	uint32_t timeout_ms;
	uint64_t created;
	uint8_t reserved[QD_RECORD_SIZE - 32 - 64 - 24];
};
_Static_assert(sizeof(struct wire_header) == QD_RECORD_SIZE, "header record size");

struct wire_slot {
	struct wire_common c;
	uint32_t node_id;
	uint32_t state;
	uint64_t incarnation;
	uint64_t seq;
	uint64_t epoch;
	uint64_t peer_seq_seen;
	uint32_t peer_state_seen;
	uint32_t flags;
	uint64_t written_ms;
	uint8_t reserved[QD_RECORD_SIZE - 32 - 56];
};
_Static_assert(sizeof(struct wire_slot) == QD_RECORD_SIZE, "slot record size");

struct wire_mailbox {
	struct wire_common c;
	uint32_t to_node;
	uint32_t from_node;
	uint32_t request;
	uint32_t pad;
	uint64_t request_id;
	uint64_t epoch;
	uint64_t written_ms;
	uint8_t reserved[QD_RECORD_SIZE - 32 - 40];
};
_Static_assert(sizeof(struct wire_mailbox) == QD_RECORD_SIZE, "mailbox record size");

static const char magic[8] = { 'T', 'W', 'I', 'N', 'H', 'E', 'A', 'D' };

#define OFF(type, field) offsetof(struct type, field)

static void put16(uint8_t *b, size_t off, uint16_t v)
{
	b[off] = (uint8_t)v;
	b[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *b, size_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static uint16_t get16(const uint8_t *b, size_t off)
{
	return (uint16_t)(b[off] | b[off + 1] << 8);
}

static uint32_t get32(const uint8_t *b, size_t off)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | b[off + (size_t)i];
	return v;
}

static uint64_t get64(const uint8_t *b, size_t off)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[off + (size_t)i];
	return v;
}

uint64_t qd_offset(uint32_t sector_size, enum qd_kind kind, unsigned node)
{
	switch (kind) {
	case QD_KIND_HEADER:
		return 0;
	case QD_KIND_SLOT:
		return (uint64_t)sector_size * (node == 1 ? 1 : 3);
	case QD_KIND_MAILBOX:
		return (uint64_t)sector_size * (node == 2 ? 2 : 4);
	}
	return 0;
}

uint64_t qd_layout_bytes(uint32_t sector_size)
{
	return (uint64_t)sector_size * (1 + 2 * QD_NODES);
}

const char *qd_state_name(uint32_t state)
{
	static const char *const names[] = { "empty", "starting", "secondary", "candidate",
					     "primary", "released", "stopped" };

	return state <= QD_STATE_MAX_ ? names[state] : "invalid";
}

const char *qd_request_name(uint32_t request)
{
	static const char *const names[] = { "none", "release", "poison" };

	return request <= QD_REQ_MAX_ ? names[request] : "invalid";
}

void qd_uuid_format(const uint8_t u[16], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
		 u[12], u[13], u[14], u[15]);
}

/* ---- the common head ---- */

static void common_put(uint8_t *b, enum qd_kind kind, const uint8_t uuid[16])
{
	memcpy(b + OFF(wire_common, magic), magic, sizeof(magic));
	put16(b, OFF(wire_common, version), QD_VERSION);
	put16(b, OFF(wire_common, kind), (uint16_t)kind);
	memcpy(b + OFF(wire_common, uuid), uuid, 16);
}

/* The CRC covers the whole record with its own field zeroed. */
static uint32_t record_crc(const uint8_t *b)
{
	uint8_t copy[QD_RECORD_SIZE];

	memcpy(copy, b, QD_RECORD_SIZE);
	put32(copy, OFF(wire_common, crc), 0);
	return crc32c(copy, QD_RECORD_SIZE);
}

static void seal(uint8_t *b)
{
	put32(b, OFF(wire_common, crc), record_crc(b));
}

static bool all_zero(const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

static const char *kind_name(unsigned kind)
{
	return kind == QD_KIND_HEADER ? "header" : kind == QD_KIND_SLOT ? "slot"
		: kind == QD_KIND_MAILBOX ? "mailbox" : "unknown";
}

/* Checks everything the three record kinds share. uuid NULL: any disk. */
static int common_check(const uint8_t *b, size_t len, enum qd_kind want,
			const uint8_t *uuid, char *why, size_t whylen)
{
	uint16_t version, kind;
	uint32_t crc;

	if (len < QD_RECORD_SIZE)
		return th_why(why, whylen, -EMSGSIZE,
			       "truncated %s record: %zu of %d bytes", kind_name(want), len,
			       QD_RECORD_SIZE);
	if (all_zero(b, QD_RECORD_SIZE))
		return th_why(why, whylen, -ENODATA, "the %s record was never written",
			       kind_name(want));
	if (memcmp(b + OFF(wire_common, magic), magic, sizeof(magic)) != 0)
		return th_why(why, whylen, -EINVAL,
			       "not a twinhead quorum disk (no TWINHEAD magic in the %s record)",
			       kind_name(want));
	version = get16(b, OFF(wire_common, version));
	if (version != QD_VERSION)
		return th_why(why, whylen, -EPROTO,
			       "%s record has format version %u; this build reads version %d",
			       kind_name(want), version, QD_VERSION);
	kind = get16(b, OFF(wire_common, kind));
	if (kind != want)
		return th_why(why, whylen, -EINVAL, "expected a %s record, found a %s record (%u)",
			       kind_name(want), kind_name(kind), kind);
	crc = get32(b, OFF(wire_common, crc));
	if (crc != record_crc(b))
		return th_why(why, whylen, -EBADMSG,
			       "%s record checksum mismatch (torn or corrupted write)",
			       kind_name(want));
	if (uuid && memcmp(b + OFF(wire_common, uuid), uuid, 16) != 0)
		return th_why(why, whylen, -EXDEV,
			       "%s record belongs to another quorum disk (uuid differs)",
			       kind_name(want));
	/* Unused bytes must be zero: they are room for later versions, and a
	 * version-1 reader must not silently ignore what it cannot read. */
	return 0;
}

/* ---- header ---- */

int qd_header_check(const struct qd_header *h, char *why, size_t whylen)
{
	size_t n = strnlen(h->cluster, sizeof(h->cluster));

	if (h->sector_size != 512 && h->sector_size != 4096)
		return th_why(why, whylen, -ERANGE, "sector size %u: use 512 or 4096",
			       h->sector_size);
	if (h->node_count != QD_NODES)
		return th_why(why, whylen, -ERANGE, "node count %u: twinhead has exactly 2 heads",
			       h->node_count);
	if (h->interval_ms < 100 || h->interval_ms > 10000)
		return th_why(why, whylen, -ERANGE, "interval %u ms: use 100 to 10000",
			       h->interval_ms);
	if (h->timeout_ms < 3 * h->interval_ms || h->timeout_ms > 120000)
		return th_why(why, whylen, -ERANGE,
			       "timeout %u ms: use at least 3 intervals (%u ms) and at most 120000",
			       h->timeout_ms, 3 * h->interval_ms);
	if (n == 0 || n > QD_CLUSTER_NAME_MAX)
		return th_why(why, whylen, -ERANGE, "cluster name must have 1 to %d characters",
			       QD_CLUSTER_NAME_MAX);
	for (size_t i = 0; i < n; i++)
		if (h->cluster[i] < 0x21 || h->cluster[i] > 0x7e)
			return th_why(why, whylen, -ERANGE,
				       "cluster name has a character that is not printable ASCII");
	return 0;
}

void qd_header_encode(const struct qd_header *h, uint8_t out[QD_RECORD_SIZE])
{
	memset(out, 0, QD_RECORD_SIZE);
	common_put(out, QD_KIND_HEADER, h->uuid);
	memcpy(out + OFF(wire_header, cluster), h->cluster,
	       strnlen(h->cluster, QD_CLUSTER_NAME_MAX));
	put32(out, OFF(wire_header, sector_size), h->sector_size);
	put32(out, OFF(wire_header, node_count), h->node_count);
	put32(out, OFF(wire_header, interval_ms), h->interval_ms);
	put32(out, OFF(wire_header, timeout_ms), h->timeout_ms);
	put64(out, OFF(wire_header, created), h->created);
	seal(out);
}

int qd_header_decode(const uint8_t *buf, size_t len, struct qd_header *out,
		     char *why, size_t whylen)
{
	int rc = common_check(buf, len, QD_KIND_HEADER, NULL, why, whylen);

	if (rc < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	memcpy(out->uuid, buf + OFF(wire_common, uuid), 16);
	/* The name field is 64 bytes with at least one NUL. */
	if (buf[OFF(wire_header, cluster) + QD_CLUSTER_NAME_MAX] != 0)
		return th_why(why, whylen, -ERANGE, "cluster name is not terminated");
	memcpy(out->cluster, buf + OFF(wire_header, cluster), QD_CLUSTER_NAME_MAX);
	out->sector_size = get32(buf, OFF(wire_header, sector_size));
	out->node_count = get32(buf, OFF(wire_header, node_count));
	out->interval_ms = get32(buf, OFF(wire_header, interval_ms));
	out->timeout_ms = get32(buf, OFF(wire_header, timeout_ms));
	out->created = get64(buf, OFF(wire_header, created));
	if (!all_zero(buf + OFF(wire_header, reserved), sizeof(((struct wire_header *)0)->reserved)))
		return th_why(why, whylen, -ERANGE, "header has data in its reserved bytes");
	/* Bytes after the name's terminator must be zero too. */
	for (size_t i = strnlen(out->cluster, QD_CLUSTER_NAME_MAX); i < 64; i++)
		if (buf[OFF(wire_header, cluster) + i] != 0)
			return th_why(why, whylen, -ERANGE, "cluster name field has trailing data");
	return qd_header_check(out, why, whylen);
}

/* ---- slots ---- */

void qd_slot_encode(const struct qd_slot *s, const uint8_t uuid[16],
		    uint8_t out[QD_RECORD_SIZE])
{
	memset(out, 0, QD_RECORD_SIZE);
	common_put(out, QD_KIND_SLOT, uuid);
	put32(out, OFF(wire_slot, node_id), s->node_id);
	put32(out, OFF(wire_slot, state), (uint32_t)s->state);
	put64(out, OFF(wire_slot, incarnation), s->incarnation);
	put64(out, OFF(wire_slot, seq), s->seq);
	put64(out, OFF(wire_slot, epoch), s->epoch);
	put64(out, OFF(wire_slot, peer_seq_seen), s->peer_seq_seen);
	put32(out, OFF(wire_slot, peer_state_seen), s->peer_state_seen);
	put32(out, OFF(wire_slot, flags), s->flags);
	put64(out, OFF(wire_slot, written_ms), s->written_ms);
	seal(out);
}

int qd_slot_decode(const uint8_t *buf, size_t len, const uint8_t uuid[16],
		   unsigned expect_node, struct qd_slot *out, char *why, size_t whylen)
{
	int rc = common_check(buf, len, QD_KIND_SLOT, uuid, why, whylen);
	uint32_t state, peer_state, flags;

	if (rc < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->node_id = get32(buf, OFF(wire_slot, node_id));
	if (out->node_id != expect_node)
		return th_why(why, whylen, -ERANGE, "slot %u holds node id %u", expect_node,
			       out->node_id);
	state = get32(buf, OFF(wire_slot, state));
	peer_state = get32(buf, OFF(wire_slot, peer_state_seen));
	flags = get32(buf, OFF(wire_slot, flags));
	if (state == QD_STATE_EMPTY || state > QD_STATE_MAX_)
		return th_why(why, whylen, -ERANGE, "slot %u has invalid state %u", expect_node,
			       state);
	if (peer_state > QD_STATE_MAX_)
		return th_why(why, whylen, -ERANGE, "slot %u has invalid peer state %u",
			       expect_node, peer_state);
	if (flags & ~QD_SLOT_F_ALL_)
		return th_why(why, whylen, -ERANGE, "slot %u has unknown flags 0x%x", expect_node,
			       flags);
	if (!all_zero(buf + OFF(wire_slot, reserved), sizeof(((struct wire_slot *)0)->reserved)))
		return th_why(why, whylen, -ERANGE, "slot %u has data in its reserved bytes",
			       expect_node);
	out->state = (enum qd_state)state;
	out->incarnation = get64(buf, OFF(wire_slot, incarnation));
	out->seq = get64(buf, OFF(wire_slot, seq));
	out->epoch = get64(buf, OFF(wire_slot, epoch));
	out->peer_seq_seen = get64(buf, OFF(wire_slot, peer_seq_seen));
	out->peer_state_seen = peer_state;
	out->flags = flags;
	out->written_ms = get64(buf, OFF(wire_slot, written_ms));
	return 0;
}

/* ---- mailboxes ---- */

void qd_mailbox_encode(const struct qd_mailbox *m, const uint8_t uuid[16],
		       uint8_t out[QD_RECORD_SIZE])
{
	memset(out, 0, QD_RECORD_SIZE);
	common_put(out, QD_KIND_MAILBOX, uuid);
	put32(out, OFF(wire_mailbox, to_node), m->to_node);
	put32(out, OFF(wire_mailbox, from_node), m->from_node);
	put32(out, OFF(wire_mailbox, request), (uint32_t)m->request);
	put64(out, OFF(wire_mailbox, request_id), m->request_id);
	put64(out, OFF(wire_mailbox, epoch), m->epoch);
	put64(out, OFF(wire_mailbox, written_ms), m->written_ms);
	seal(out);
}

int qd_mailbox_decode(const uint8_t *buf, size_t len, const uint8_t uuid[16],
		      unsigned expect_node, struct qd_mailbox *out, char *why, size_t whylen)
{
	int rc = common_check(buf, len, QD_KIND_MAILBOX, uuid, why, whylen);
	uint32_t request, from;

	if (rc < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->to_node = get32(buf, OFF(wire_mailbox, to_node));
	if (out->to_node != expect_node)
		return th_why(why, whylen, -ERANGE, "mailbox %u is addressed to node %u",
			       expect_node, out->to_node);
	from = get32(buf, OFF(wire_mailbox, from_node));
	if (from > QD_NODES || from == expect_node)
		return th_why(why, whylen, -ERANGE, "mailbox %u has a request from node %u",
			       expect_node, from);
	request = get32(buf, OFF(wire_mailbox, request));
	if (request > QD_REQ_MAX_)
		return th_why(why, whylen, -ERANGE, "mailbox %u has unknown request %u",
			       expect_node, request);
	if (get32(buf, OFF(wire_mailbox, pad)) != 0 ||
	    !all_zero(buf + OFF(wire_mailbox, reserved),
		      sizeof(((struct wire_mailbox *)0)->reserved)))
		return th_why(why, whylen, -ERANGE, "mailbox %u has data in its reserved bytes",
			       expect_node);
	out->from_node = from;
	out->request = (enum qd_request)request;
	out->request_id = get64(buf, OFF(wire_mailbox, request_id));
	out->epoch = get64(buf, OFF(wire_mailbox, epoch));
	out->written_ms = get64(buf, OFF(wire_mailbox, written_ms));
	return 0;
}

uint64_t qd_mailbox_next_id(const struct qd_mailbox *cur, uint64_t now_ms)
{
	uint64_t next = cur && cur->request_id >= now_ms ? cur->request_id + 1 : now_ms;

	return next ? next : 1;
}
