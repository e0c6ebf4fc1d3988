/* SHA-256 (FIPS 180-4) over memory buffers.
 *
 * Used where a value must be derived the same way on every node from the
 * configuration alone (iSCSI LUN identities), so it must never depend on a
 * library version or the host's byte order. Pure; no allocation. */
#ifndef TWINHEAD_SHA256_H
#define TWINHEAD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32

struct sha256 {
	uint32_t h[8];
	uint64_t len;        /* bytes hashed so far */
	uint8_t block[64];
	size_t fill;         /* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_DIGEST_LEN]);

/* One-shot digest of a buffer. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LEN]);

/* Writes 2 * len lower-case hex digits and a NUL into out. Returns out. */
char *hex_encode(const uint8_t *in, size_t len, char *out);

#endif
