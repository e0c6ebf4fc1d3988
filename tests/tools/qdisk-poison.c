/* qdisk-poison DISK NODE AGE_MS: posts a poison pill from the other node
 * into NODE's mailbox on a quorum disk, dated AGE_MS before now (the
 * peer's wall clock, as twinhead-quorumd's poison_peer writes it). For
 * tests: a pill that arrived while NODE's daemon was down. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qdisk_format.h"
#include "qdisk_io.h"

int main(int argc, char **argv)
{
	uint8_t rec[QD_RECORD_SIZE];
	struct qd_header h;
	struct qd_mailbox m = { .request = QD_REQ_POISON };
	struct qdisk *d;
	struct timespec ts;
	char why[256];
	bool direct;
	int rc;

	if (argc != 4 || (atoi(argv[2]) != 1 && atoi(argv[2]) != 2)) {
		fprintf(stderr, "usage: qdisk-poison DISK NODE AGE_MS\n");
		return 2;
	}
	if (qdisk_open(argv[1], true, &d, &direct, why, sizeof(why)) < 0) {
		fprintf(stderr, "qdisk-poison: %s\n", why);
		return 1;
	}
	rc = qdisk_read(d, 0, qdisk_device_sector(d) > 512 ? qdisk_device_sector(d) : 512, rec,
			deadline_in_ms(2000));
	if (rc < 0 || qd_header_decode(rec, sizeof(rec), &h, why, sizeof(why)) < 0) {
		fprintf(stderr, "qdisk-poison: no quorum disk header: %s\n",
			rc < 0 ? strerror(-rc) : why);
		qdisk_close(d);
		return 1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	m.to_node = (uint32_t)atoi(argv[2]);
	m.from_node = 3 - m.to_node;
	m.written_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 -
		       (uint64_t)strtoull(argv[3], NULL, 10);
	m.request_id = qd_mailbox_next_id(NULL, m.written_ms);
	qd_mailbox_encode(&m, h.uuid, rec);
	rc = qdisk_write(d, qd_offset(h.sector_size, QD_KIND_MAILBOX, m.to_node), h.sector_size,
			 rec, deadline_in_ms(2000));
	qdisk_close(d);
	if (rc < 0) {
		fprintf(stderr, "qdisk-poison: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}
