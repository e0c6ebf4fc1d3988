/* The quorum disk's on-disk format: a pure codec over byte buffers,
 * separate from the I/O (qdisk_io.h).
 *
 * Layout, one record per sector (sector_size 512 or 4096; a record is the
 * first 512 bytes of its sector, the rest is zero):
 *   sector 0                 header
 *   sector 1                 slot of node 1 (written only by its owner)
 *   sector 2                 mailbox of node 2 (written by node 1 and admin
 *                            tools, read by node 2)
 *   sector 3                 slot of node 2
 *   sector 4                 mailbox of node 1
 * Each head's mailbox follows its peer's slot, so what a head reads every
 * interval (the peer's slot and its own mailbox) is one two-sector read:
 * per interval a head does one read, one write and its read-back.
 * Every record starts with the same 32 bytes: magic "TWINHEAD", version,
 * kind, CRC-32C of the record (computed with the field zeroed), and the
 * disk's uuid, so a sector from another disk or another format is
 * recognised. Integers are little-endian, fields naturally aligned, every
 * gap explicit; sizes are checked at compile time.
 *
 * Decoders validate every byte they interpret and say what is wrong in
 * `why`; they never trust a length or an enum from the disk. */
#ifndef TWINHEAD_QDISK_FORMAT_H
#define TWINHEAD_QDISK_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QD_RECORD_SIZE 512
#define QD_VERSION 1
#define QD_NODES 2
#define QD_MIN_DISK_BYTES (1024 * 1024)
#define QD_CLUSTER_NAME_MAX 63

enum qd_kind {
	QD_KIND_HEADER = 1,
	QD_KIND_SLOT = 2,
	QD_KIND_MAILBOX = 3,
};

/* What a head says about itself in its slot. */
enum qd_state {
	QD_STATE_EMPTY = 0,     /* never written */
	QD_STATE_STARTING = 1,  /* daemon up, observing before any decision */
	QD_STATE_SECONDARY = 2,
	QD_STATE_CANDIDATE = 3, /* about to become primary, if the peer allows */
	QD_STATE_PRIMARY = 4,
	QD_STATE_RELEASED = 5,  /* was primary, let go: the peer may take over only
				 * with QD_SLOT_F_SERVICES_DOWN */
	QD_STATE_STOPPED = 6,   /* daemon shut down as secondary (clean only with
				 * QD_SLOT_F_SERVICES_DOWN) */
	QD_STATE_MAX_ = QD_STATE_STOPPED,
};

enum qd_request {
	QD_REQ_NONE = 0,
	QD_REQ_RELEASE = 1, /* primary: demote cleanly and write RELEASED */
	QD_REQ_POISON = 2,  /* you are being fenced: stop acting as primary now */
	QD_REQ_MAX_ = QD_REQ_POISON,
};

struct qd_header {
	uint8_t uuid[16];
	char cluster[QD_CLUSTER_NAME_MAX + 1];
	uint32_t sector_size;  /* 512 or 4096 */
	uint32_t node_count;   /* 2 */
	uint32_t interval_ms;  /* each head writes its slot this often */
	uint32_t timeout_ms;   /* a slot unchanged this long is stale */
	uint64_t created;      /* unix seconds, informational */
};

struct qd_slot {
	uint32_t node_id;         /* 1 or 2: must match the slot's position */
	enum qd_state state;
	uint64_t incarnation;     /* random, new at each daemon start */
	uint64_t seq;             /* +1 at every write, never goes back */
	uint64_t epoch;           /* the primary epoch this head holds or last saw */
	uint64_t peer_seq_seen;   /* what this head last read of the peer */
	uint32_t peer_state_seen; /* enum qd_state */
	uint32_t flags;           /* QD_SLOT_F_* */
	uint64_t written_ms;      /* wall clock, informational only */
};

#define QD_SLOT_F_PEER_FENCED 0x1u /* this head fenced the peer's incarnation */
#define QD_SLOT_F_DISK_LATE 0x2u   /* this head's last write was late */
/* Every demote hook this head ran has succeeded and none is pending: its
 * services are down. Written only then, and only the peer's RELEASED or
 * STOPPED slot WITH this flag is a clean handover (docs/quorumd.md): a
 * slot without it (an older daemon, or a demote that failed) is not. */
#define QD_SLOT_F_SERVICES_DOWN 0x4u
#define QD_SLOT_F_DEMOTING 0x8u      /* demote hooks are running (informational) */
#define QD_SLOT_F_DEMOTE_FAILED 0x10u /* the last demote failed: services in an
				       * unknown state (informational) */
#define QD_SLOT_F_ALL_ (QD_SLOT_F_PEER_FENCED | QD_SLOT_F_DISK_LATE | QD_SLOT_F_SERVICES_DOWN | \
			QD_SLOT_F_DEMOTING | QD_SLOT_F_DEMOTE_FAILED)

struct qd_mailbox {
	uint32_t to_node;
	uint32_t from_node;        /* 0: an admin tool */
	enum qd_request request;
	uint64_t request_id;       /* increasing; the owner acts once per id */
	uint64_t epoch;            /* the epoch the request is about */
	uint64_t written_ms;
};

/* Byte offset of a record on a disk with this sector size; node is 1 or 2
 * for slots and mailboxes, ignored for the header. */
uint64_t qd_offset(uint32_t sector_size, enum qd_kind kind, unsigned node);

/* Bytes the layout needs (all five sectors). */
uint64_t qd_layout_bytes(uint32_t sector_size);

const char *qd_state_name(uint32_t state);   /* "primary", ..., "invalid" */
const char *qd_request_name(uint32_t request);

/* Encoders fill a QD_RECORD_SIZE buffer completely (gaps zeroed). */
void qd_header_encode(const struct qd_header *h, uint8_t out[QD_RECORD_SIZE]);
void qd_slot_encode(const struct qd_slot *s, const uint8_t uuid[16],
		    uint8_t out[QD_RECORD_SIZE]);
void qd_mailbox_encode(const struct qd_mailbox *m, const uint8_t uuid[16],
		       uint8_t out[QD_RECORD_SIZE]);

/* Decoders. len is what was read (a short read is "truncated").
 * Return 0, or:
 *   -ENODATA  an all-zero record (never written),
 *   -EINVAL   not a twinhead quorum disk record (magic) or the wrong kind,
 *   -EPROTO   a version this build does not read,
 *   -EBADMSG  checksum mismatch (torn or corrupted write),
 *   -EXDEV    a record of another disk (uuid differs),
 *   -ERANGE   a field out of range (node id, state, sizes, timing),
 *   -EMSGSIZE truncated.
 * why gets one sentence for a person. */
int qd_header_decode(const uint8_t *buf, size_t len, struct qd_header *out,
		     char *why, size_t whylen);
int qd_slot_decode(const uint8_t *buf, size_t len, const uint8_t uuid[16],
		   unsigned expect_node, struct qd_slot *out, char *why, size_t whylen);
int qd_mailbox_decode(const uint8_t *buf, size_t len, const uint8_t uuid[16],
		      unsigned expect_node, struct qd_mailbox *out, char *why, size_t whylen);

/* Checks a header's values alone (for create and decode): sector size 512
 * or 4096, 2 nodes, 100 <= interval_ms <= 10000, timeout_ms >= 3 *
 * interval_ms and <= 120000, a printable cluster name. */
int qd_header_check(const struct qd_header *h, char *why, size_t whylen);

/* The id for a new request into a mailbox that holds cur (NULL: none or
 * unreadable): one id space for every writer (the peer's poison pills,
 * admin releases), above whatever is there and at least now_ms (wall
 * clock, ms), so ids grow across restarts too and a request never sorts
 * below an earlier one, whoever wrote it. */
uint64_t qd_mailbox_next_id(const struct qd_mailbox *cur, uint64_t now_ms);

/* Formats a uuid as 8-4-4-4-12 lowercase hex into out (37 bytes). */
void qd_uuid_format(const uint8_t uuid[16], char out[37]);

#endif
