/* ZFS names as the zpool agent accepts them: pools, datasets, guids.
 *
 * The rules are OpenZFS's (module/zcommon/zfs_namecheck.c, plus the names
 * libzfs reserves at import): a pool name begins with a letter, holds only
 * letters, digits, '-', '_', '.', ':' and ' ', is shorter than
 * ZPOOL_NAME_MAX, and is none of "log", or a name beginning with "mirror",
 * "raidz", "draid" or "spare" (zpool would read those as vdev types).
 *
 * The checkers have the ocf_validator signature, so they serve directly
 * as parameter validators. Pure: no system access. */
#ifndef TWINHEAD_ZPOOL_NAME_H
#define TWINHEAD_ZPOOL_NAME_H

#include <stddef.h>
#include <stdint.h>

/* ZFS_MAX_DATASET_NAME_LEN (256) - 2 - 2 * strlen("$ORIGIN"): a pool name
 * must be shorter than this. */
#define ZPOOL_NAME_MAX 240

/* A dataset name (pool/fs/...) is shorter than this. */
#define ZPOOL_DATASET_MAX 256

/* Returns 0 when name is a valid pool name; otherwise -EINVAL and a
 * sentence in why. */
int zpool_name_check(const char *name, char *why, size_t whylen);

/* A filesystem dataset name: a valid pool name, then "/component"s of the
 * same characters (no '@' snapshots, no '#' bookmarks, no empty
 * components). Returns 0 or -EINVAL with why. */
int zpool_name_check_dataset(const char *name, char *why, size_t whylen);

/* A pool guid as zpool prints it: decimal, 1 to 20 digits, no sign or
 * leading zero, fits 64 bits, not 0. Returns 0 or -EINVAL with why. */
int zpool_name_check_guid(const char *s, char *why, size_t whylen);

/* Parses a guid accepted by zpool_name_check_guid. Returns 0 or -EINVAL. */
int zpool_name_parse_guid(const char *s, uint64_t *guid);

#endif
