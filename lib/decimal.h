/* Strict decimal parsing for values read from tools and files: digits only,
 * no sign, no blanks, no leading zero (except "0" itself), no overflow.
 * Pure; library code: never logs. */
#ifndef TWINHEAD_DECIMAL_H
#define TWINHEAD_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

/* Parses the n bytes at s. Returns 0, or -EINVAL for anything else. */
int decimal_u64(const char *s, size_t n, uint64_t *out);

#endif
