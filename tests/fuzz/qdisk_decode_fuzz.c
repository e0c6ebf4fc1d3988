/* Fuzz target for the quorum disk decoders: any bytes in, a clean error or
 * a valid record out, never a crash, an overread or undefined behaviour.
 * Built by tests/fuzz/qdisk_fuzz.sh with clang's libFuzzer and the address
 * and undefined-behaviour sanitizers. With -DQD_FUZZ_SEEDS it is instead a
 * program that writes a seed corpus of valid records into a directory. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "qdisk_format.h"

static const uint8_t uuid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qd_header h;
	struct qd_slot s;
	struct qd_mailbox m;
	char why[256];

	if (qd_header_decode(data, size, &h, why, sizeof(why)) == 0) {
		/* A header that decodes must survive its own checks and
		 * re-encode to the same bytes. */
		uint8_t again[QD_RECORD_SIZE];

		if (qd_header_check(&h, why, sizeof(why)) != 0)
			__builtin_trap();
		qd_header_encode(&h, again);
		if (memcmp(again, data, QD_RECORD_SIZE) != 0)
			__builtin_trap();
	}
	for (unsigned n = 1; n <= 2; n++) {
		if (qd_slot_decode(data, size, uuid, n, &s, why, sizeof(why)) == 0 &&
		    (s.node_id != n || s.state > QD_STATE_MAX_))
			__builtin_trap();
		if (qd_mailbox_decode(data, size, uuid, n, &m, why, sizeof(why)) == 0 &&
		    (m.to_node != n || m.request > QD_REQ_MAX_))
			__builtin_trap();
	}
	return 0;
}

#ifdef QD_FUZZ_SEEDS
static int save(const char *dir, const char *name, const uint8_t *b)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, QD_RECORD_SIZE, f) != QD_RECORD_SIZE || fclose(f) != 0)
		return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct qd_header h = { .sector_size = 512, .node_count = 2, .interval_ms = 500,
			       .timeout_ms = 2000, .created = 1 };
	struct qd_slot s = { .node_id = 1, .state = QD_STATE_PRIMARY, .incarnation = 7,
			     .seq = 9, .epoch = 3 };
	struct qd_mailbox m = { .to_node = 2, .from_node = 1, .request = QD_REQ_POISON,
				.request_id = 4, .epoch = 3 };
	uint8_t b[QD_RECORD_SIZE];

	if (argc != 2)
		return 2;
	memcpy(h.uuid, uuid, 16);
	strcpy(h.cluster, "seed");
	qd_header_encode(&h, b);
	if (save(argv[1], "header", b))
		return 1;
	qd_slot_encode(&s, uuid, b);
	if (save(argv[1], "slot", b))
		return 1;
	qd_mailbox_encode(&m, uuid, b);
	return save(argv[1], "mailbox", b);
}
#endif
