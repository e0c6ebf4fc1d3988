/* A strict reader of packed nvlists in native encoding: what ZFS hands out
 * for a pool's configuration (ZFS_IOC_POOL_STATS), here as zfs-fuse sends
 * it over its socket.
 *
 * The layout, from the bytes zfs-fuse 0.7.0 sends (x86-64): a 4-byte
 * header {encoding 0 = native, endian 1 = little, 0, 0}, the list's
 * {int32 version 0, uint32 flags}, then pairs, each
 *
 *   int32 size, int16 name_size, int16 0, int32 elements, int32 type,
 *   name and its NUL padded to 8, the value padded to 8
 *
 * (size covers exactly those), and an int32 0 after the last pair. An
 * embedded list (type 19) or list array (type 20) holds the in-memory
 * nvlist_t (24 bytes each, after an array's 8-byte pointers) as its value;
 * the lists' own pairs follow the pair, one list after another, each ended
 * by its int32 0. The buffer must end exactly at the top list's end.
 *
 * Every byte is checked: sizes against the type, names NUL-terminated,
 * strings NUL-terminated inside their value, the host's byte order, a
 * nesting limit; types a pool configuration does not use are refused
 * rather than guessed. Pure: a buffer in, calls out; never logs. */
#ifndef TWINHEAD_NVLIST_NATIVE_H
#define TWINHEAD_NVLIST_NATIVE_H

#include <stddef.h>
#include <stdint.h>

/* The data_type_t values this reader accepts. */
enum nvn_type {
	NVN_BOOLEAN = 1,        /* presence only, no value */
	NVN_INT32 = 5,
	NVN_UINT32 = 6,
	NVN_INT64 = 7,
	NVN_UINT64 = 8,
	NVN_STRING = 9,
	NVN_UINT64_ARRAY = 16,
	NVN_HRTIME = 18,
	NVN_NVLIST = 19,
	NVN_NVLIST_ARRAY = 20,
	NVN_BOOLEAN_VALUE = 21,
};

/* Deeper nesting is refused (a pool's vdev tree is 4 or 5 deep). */
#define NVN_DEPTH_MAX 16

struct nvn_pair {
	const char *name;          /* NUL-terminated, inside the buffer */
	enum nvn_type type;
	uint32_t nelem;
	const uint8_t *value;      /* value bytes (unaligned: read with memcpy) */
	size_t value_len;          /* without padding */
	unsigned depth;            /* 0: the top list */
	const char *parent;        /* the pair whose list holds this one; NULL at the top */
};

/* Called for every pair, in order, embedded lists right after the pair
 * that holds them. A non-zero return stops the walk and is returned. */
typedef int (*nvn_visit_fn)(void *arg, const struct nvn_pair *p);

/* Walks buf[0..len). Returns 0, the visitor's non-zero value, or -EPROTO
 * with why saying what is wrong and where. */
int nvn_walk(const uint8_t *buf, size_t len, nvn_visit_fn fn, void *arg, char *why,
	     size_t whylen);

/* A UINT64 (or INT64, HRTIME) pair's value; element i of a UINT64_ARRAY. */
uint64_t nvn_u64(const struct nvn_pair *p, uint32_t i);

#endif
