/* CRC-32C (Castagnoli), the checksum of every quorum disk sector. Chosen
 * over CRC-32 for its better error detection on storage (iSCSI, ext4 and
 * sanlock use it too). Pure; portable. */
#ifndef TWINHEAD_CRC32C_H
#define TWINHEAD_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32C of len bytes (initial value and final xor per RFC 3720). */
uint32_t crc32c(const void *data, size_t len);

#endif
