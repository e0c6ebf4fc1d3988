/* SHA-256 against the FIPS 180-4 examples, and piecewise updates. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../check_tap.h"
#include "sha256.h"

static const char *digest_hex(const void *data, size_t len)
{
	static char hex[2 * SHA256_DIGEST_LEN + 1];
	uint8_t d[SHA256_DIGEST_LEN];

	sha256(data, len, d);
	return hex_encode(d, sizeof(d), hex);
}

START_TEST(empty_message)
{
	ck_assert_str_eq(digest_hex("", 0),
			 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

START_TEST(one_block_abc)
{
	ck_assert_str_eq(digest_hex("abc", 3),
			 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(two_blocks_448_bits)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	ck_assert_str_eq(digest_hex(m, strlen(m)),
			 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(a_million_a_in_odd_pieces)
{
	char chunk[997];
	uint8_t d[SHA256_DIGEST_LEN];
	char hex[2 * SHA256_DIGEST_LEN + 1];
	struct sha256 s;
	size_t left = 1000000;

	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&s);
	while (left) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);

		sha256_update(&s, chunk, n);
		left -= n;
	}
	sha256_final(&s, d);
	ck_assert_str_eq(hex_encode(d, sizeof(d), hex),
			 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

START_TEST(piecewise_equals_one_shot_at_every_split)
{
	const char *m = "The quick brown fox jumps over the lazy dog, twice, to cross a block edge!";
	uint8_t one[SHA256_DIGEST_LEN], two[SHA256_DIGEST_LEN];
	size_t len = strlen(m);

	sha256(m, len, one);
	for (size_t cut = 0; cut <= len; cut++) {
		struct sha256 s;

		sha256_init(&s);
		sha256_update(&s, m, cut);
		sha256_update(&s, m + cut, len - cut);
		sha256_final(&s, two);
		ck_assert_mem_eq(one, two, sizeof(one));
	}
}
END_TEST

START_TEST(hex_encode_is_lower_case)
{
	const uint8_t b[] = { 0x00, 0x9f, 0xab, 0xff };
	char out[9];

	ck_assert_str_eq(hex_encode(b, sizeof(b), out), "009fabff");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc = tcase_create("sha256");

	tcase_add_test(tc, empty_message);
	tcase_add_test(tc, one_block_abc);
	tcase_add_test(tc, two_blocks_448_bits);
	tcase_add_test(tc, a_million_a_in_odd_pieces);
	tcase_add_test(tc, piecewise_equals_one_shot_at_every_split);
	tcase_add_test(tc, hex_encode_is_lower_case);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
