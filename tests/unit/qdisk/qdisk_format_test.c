/* The quorum disk codec: round trips, and every kind of bad data refused
 * with the right error. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../check_tap.h"
#include "crc32c.h"
#include "qdisk_format.h"

static const uint8_t uuid[16] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
				  0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01 };
static char why[256];

static struct qd_header header(void)
{
	struct qd_header h = { .sector_size = 4096, .node_count = 2, .interval_ms = 500,
			       .timeout_ms = 2000, .created = 1790000000 };

	memcpy(h.uuid, uuid, 16);
	strcpy(h.cluster, "stor-ha");
	return h;
}

static struct qd_slot slot(void)
{
	struct qd_slot s = { .node_id = 2, .state = QD_STATE_PRIMARY,
			     .incarnation = 0xdeadbeefcafef00dULL, .seq = 0x0102030405060708ULL,
			     .epoch = 7, .peer_seq_seen = 99, .peer_state_seen = QD_STATE_SECONDARY,
			     .flags = QD_SLOT_F_PEER_FENCED, .written_ms = 1790000000123ULL };
	return s;
}

/* Recomputes a record's checksum after a test changed it on purpose, so
 * the decoder's later checks are reached. */
static void reseal(uint8_t *b)
{
	uint32_t c;

	memset(b + 12, 0, 4);
	c = crc32c(b, QD_RECORD_SIZE);
	for (int i = 0; i < 4; i++)
		b[12 + i] = (uint8_t)(c >> (8 * i));
}

START_TEST(crc32c_matches_the_standard_check_value)
{
	ck_assert_uint_eq(crc32c("123456789", 9), 0xE3069283u);
	ck_assert_uint_eq(crc32c("", 0), 0);
}
END_TEST

START_TEST(header_round_trips)
{
	struct qd_header h = header(), back;
	uint8_t b[QD_RECORD_SIZE];

	qd_header_encode(&h, b);
	ck_assert_int_eq(qd_header_decode(b, sizeof(b), &back, why, sizeof(why)), 0);
	ck_assert_mem_eq(back.uuid, uuid, 16);
	ck_assert_str_eq(back.cluster, "stor-ha");
	ck_assert_uint_eq(back.sector_size, 4096);
	ck_assert_uint_eq(back.interval_ms, 500);
	ck_assert_uint_eq(back.timeout_ms, 2000);
	ck_assert_uint_eq(back.created, 1790000000);
}
END_TEST

START_TEST(slot_round_trips_little_endian)
{
	struct qd_slot s = slot(), back;
	uint8_t b[QD_RECORD_SIZE];
	static const uint8_t seq_le[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };

	qd_slot_encode(&s, uuid, b);
	/* seq sits at byte 48, least significant byte first. */
	ck_assert_mem_eq(b + 48, seq_le, 8);
	ck_assert_int_eq(qd_slot_decode(b, sizeof(b), uuid, 2, &back, why, sizeof(why)), 0);
	ck_assert_uint_eq(back.state, QD_STATE_PRIMARY);
	ck_assert_uint_eq(back.incarnation, 0xdeadbeefcafef00dULL);
	ck_assert_uint_eq(back.seq, 0x0102030405060708ULL);
	ck_assert_uint_eq(back.epoch, 7);
	ck_assert_uint_eq(back.peer_seq_seen, 99);
	ck_assert_uint_eq(back.peer_state_seen, QD_STATE_SECONDARY);
	ck_assert_uint_eq(back.flags, QD_SLOT_F_PEER_FENCED);
	ck_assert_uint_eq(back.written_ms, 1790000000123ULL);
}
END_TEST

START_TEST(mailbox_round_trips)
{
	struct qd_mailbox m = { .to_node = 1, .from_node = 2, .request = QD_REQ_POISON,
				.request_id = 42, .epoch = 9, .written_ms = 5 },
			  back;
	uint8_t b[QD_RECORD_SIZE];

	qd_mailbox_encode(&m, uuid, b);
	ck_assert_int_eq(qd_mailbox_decode(b, sizeof(b), uuid, 1, &back, why, sizeof(why)), 0);
	ck_assert_uint_eq(back.request, QD_REQ_POISON);
	ck_assert_uint_eq(back.request_id, 42);
	ck_assert_uint_eq(back.epoch, 9);
}
END_TEST

START_TEST(every_single_bit_flip_is_caught)
{
	struct qd_slot s = slot(), back;
	uint8_t good[QD_RECORD_SIZE], b[QD_RECORD_SIZE];

	qd_slot_encode(&s, uuid, good);
	for (size_t i = 0; i < QD_RECORD_SIZE; i++)
		for (int bit = 0; bit < 8; bit++) {
			memcpy(b, good, sizeof(b));
			b[i] ^= (uint8_t)(1 << bit);
			ck_assert_msg(qd_slot_decode(b, sizeof(b), uuid, 2, &back, why,
						     sizeof(why)) < 0,
				      "flip of byte %zu bit %d accepted", i, bit);
		}
}
END_TEST

START_TEST(truncated_record_is_refused)
{
	struct qd_slot s = slot(), back;
	uint8_t b[QD_RECORD_SIZE];

	qd_slot_encode(&s, uuid, b);
	ck_assert_int_eq(qd_slot_decode(b, 100, uuid, 2, &back, why, sizeof(why)), -EMSGSIZE);
	ck_assert_ptr_nonnull(strstr(why, "truncated"));
}
END_TEST

START_TEST(zeroed_record_was_never_written)
{
	uint8_t b[QD_RECORD_SIZE] = { 0 };
	struct qd_slot back;

	ck_assert_int_eq(qd_slot_decode(b, sizeof(b), uuid, 1, &back, why, sizeof(why)), -ENODATA);
}
END_TEST

START_TEST(garbage_is_not_a_quorum_disk)
{
	uint8_t b[QD_RECORD_SIZE];
	struct qd_header h;

	srand(7);
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)rand();
	ck_assert_int_eq(qd_header_decode(b, sizeof(b), &h, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "not a twinhead quorum disk"));
}
END_TEST

START_TEST(newer_version_is_refused)
{
	struct qd_slot s = slot(), back;
	uint8_t b[QD_RECORD_SIZE];

	qd_slot_encode(&s, uuid, b);
	b[8] = 2;
	reseal(b);
	ck_assert_int_eq(qd_slot_decode(b, sizeof(b), uuid, 2, &back, why, sizeof(why)), -EPROTO);
}
END_TEST

START_TEST(wrong_kind_is_refused)
{
	struct qd_slot s = slot();
	struct qd_header h;
	uint8_t b[QD_RECORD_SIZE];

	qd_slot_encode(&s, uuid, b);
	ck_assert_int_eq(qd_header_decode(b, sizeof(b), &h, why, sizeof(why)), -EINVAL);
}
END_TEST

START_TEST(record_of_another_disk_is_refused)
{
	struct qd_slot s = slot(), back;
	uint8_t b[QD_RECORD_SIZE], other[16];

	memcpy(other, uuid, 16);
	other[0] ^= 1;
	qd_slot_encode(&s, other, b);
	ck_assert_int_eq(qd_slot_decode(b, sizeof(b), uuid, 2, &back, why, sizeof(why)), -EXDEV);
}
END_TEST

START_TEST(slot_in_the_wrong_place_is_refused)
{
	struct qd_slot s = slot(), back;
	uint8_t b[QD_RECORD_SIZE];

	qd_slot_encode(&s, uuid, b);
	ck_assert_int_eq(qd_slot_decode(b, sizeof(b), uuid, 1, &back, why, sizeof(why)), -ERANGE);
}
END_TEST

START_TEST(out_of_range_fields_are_refused_even_when_sealed)
{
	struct qd_slot s = slot(), back;
	uint8_t b[QD_RECORD_SIZE];

	s.state = (enum qd_state)9;
	qd_slot_encode(&s, uuid, b);
	ck_assert_int_eq(qd_slot_decode(b, sizeof(b), uuid, 2, &back, why, sizeof(why)), -ERANGE);
	s = slot();
	s.flags = 0x80;
	qd_slot_encode(&s, uuid, b);
	ck_assert_int_eq(qd_slot_decode(b, sizeof(b), uuid, 2, &back, why, sizeof(why)), -ERANGE);
	s = slot();
	qd_slot_encode(&s, uuid, b);
	b[QD_RECORD_SIZE - 1] = 1; /* reserved */
	reseal(b);
	ck_assert_int_eq(qd_slot_decode(b, sizeof(b), uuid, 2, &back, why, sizeof(why)), -ERANGE);
}
END_TEST

START_TEST(mailbox_from_itself_is_refused)
{
	struct qd_mailbox m = { .to_node = 1, .from_node = 1, .request = QD_REQ_RELEASE },
			  back;
	uint8_t b[QD_RECORD_SIZE];

	qd_mailbox_encode(&m, uuid, b);
	ck_assert_int_eq(qd_mailbox_decode(b, sizeof(b), uuid, 1, &back, why, sizeof(why)),
			 -ERANGE);
	m.from_node = 0; /* an admin tool */
	qd_mailbox_encode(&m, uuid, b);
	ck_assert_int_eq(qd_mailbox_decode(b, sizeof(b), uuid, 1, &back, why, sizeof(why)), 0);
}
END_TEST

START_TEST(header_values_are_checked)
{
	struct qd_header h = header();

	ck_assert_int_eq(qd_header_check(&h, why, sizeof(why)), 0);
	h.sector_size = 1024;
	ck_assert_int_eq(qd_header_check(&h, why, sizeof(why)), -ERANGE);
	h = header();
	h.timeout_ms = 1000; /* two intervals */
	ck_assert_int_eq(qd_header_check(&h, why, sizeof(why)), -ERANGE);
	h = header();
	h.node_count = 3;
	ck_assert_int_eq(qd_header_check(&h, why, sizeof(why)), -ERANGE);
	h = header();
	strcpy(h.cluster, "two words");
	ck_assert_int_eq(qd_header_check(&h, why, sizeof(why)), -ERANGE);
	h = header();
	h.cluster[0] = '\0';
	ck_assert_int_eq(qd_header_check(&h, why, sizeof(why)), -ERANGE);
}
END_TEST

START_TEST(sealed_header_with_bad_timing_is_refused)
{
	struct qd_header h = header(), back;
	uint8_t b[QD_RECORD_SIZE];

	h.interval_ms = 50;
	qd_header_encode(&h, b);
	ck_assert_int_eq(qd_header_decode(b, sizeof(b), &back, why, sizeof(why)), -ERANGE);
}
END_TEST

START_TEST(layout_fits_one_mebibyte)
{
	ck_assert_uint_eq(qd_offset(512, QD_KIND_HEADER, 0), 0);
	ck_assert_uint_eq(qd_offset(512, QD_KIND_SLOT, 1), 512);
	ck_assert_uint_eq(qd_offset(4096, QD_KIND_SLOT, 2), 12288);
	/* Each head's mailbox directly follows its peer's slot: one read. */
	ck_assert_uint_eq(qd_offset(4096, QD_KIND_MAILBOX, 2), qd_offset(4096, QD_KIND_SLOT, 1) + 4096);
	ck_assert_uint_eq(qd_offset(4096, QD_KIND_MAILBOX, 1), qd_offset(4096, QD_KIND_SLOT, 2) + 4096);
	ck_assert_uint_eq(qd_offset(512, QD_KIND_MAILBOX, 1), 2048);
	ck_assert_uint_le(qd_layout_bytes(4096), QD_MIN_DISK_BYTES);
}
END_TEST

START_TEST(names_of_states_and_requests)
{
	ck_assert_str_eq(qd_state_name(QD_STATE_PRIMARY), "primary");
	ck_assert_str_eq(qd_state_name(99), "invalid");
	ck_assert_str_eq(qd_request_name(QD_REQ_RELEASE), "release");
}
END_TEST

/* Poison pills and admin releases share one id space: a pill written in
 * the same second as a release (the old pill id was seconds * 1000 + a
 * counter, below the release's wall-clock ms) sorts above it, and so does
 * a request written after the wall clock stepped back. */
START_TEST(mailbox_ids_are_one_monotonic_space)
{
	struct qd_mailbox release = { .request = QD_REQ_RELEASE, .request_id = 1700000000987ULL };
	uint64_t pill = qd_mailbox_next_id(&release, 1700000000001ULL);

	ck_assert_uint_gt(pill, release.request_id);
	/* What the old formula gave the pill: below the release, ignored. */
	ck_assert_uint_lt(1700000000ULL * 1000 + 1, release.request_id);
	release.request_id = pill;
	ck_assert_uint_gt(qd_mailbox_next_id(&release, 1600000000000ULL), pill); /* clock back */
	ck_assert_uint_eq(qd_mailbox_next_id(NULL, 1700000005000ULL), 1700000005000ULL);
	ck_assert_uint_eq(qd_mailbox_next_id(&release, pill + 10), pill + 10);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("qdisk_format");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, crc32c_matches_the_standard_check_value);
	tcase_add_test(tc, header_round_trips);
	tcase_add_test(tc, slot_round_trips_little_endian);
	tcase_add_test(tc, mailbox_round_trips);
	tcase_add_test(tc, every_single_bit_flip_is_caught);
	tcase_add_test(tc, truncated_record_is_refused);
	tcase_add_test(tc, zeroed_record_was_never_written);
	tcase_add_test(tc, garbage_is_not_a_quorum_disk);
	tcase_add_test(tc, newer_version_is_refused);
	tcase_add_test(tc, wrong_kind_is_refused);
	tcase_add_test(tc, record_of_another_disk_is_refused);
	tcase_add_test(tc, slot_in_the_wrong_place_is_refused);
	tcase_add_test(tc, out_of_range_fields_are_refused_even_when_sealed);
	tcase_add_test(tc, mailbox_from_itself_is_refused);
	tcase_add_test(tc, header_values_are_checked);
	tcase_add_test(tc, sealed_header_with_bad_timing_is_refused);
	tcase_add_test(tc, layout_fits_one_mebibyte);
	tcase_add_test(tc, names_of_states_and_requests);
	tcase_add_test(tc, mailbox_ids_are_one_monotonic_space);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
