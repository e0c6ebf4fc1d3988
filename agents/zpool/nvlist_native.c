/* Packed native nvlists, read strictly. See nvlist_native.h. */
#include "config.h"
#include "nvlist_native.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define NVN_PAIR_HEADER 16      /* size, name_size, reserved, elements, type */
#define NVN_LIST_T 24           /* the in-memory nvlist_t an embedded list carries */
#define NVN_POINTER 8

struct nvn_walk {
	const uint8_t *buf;
	size_t len;
	nvn_visit_fn fn;
	void *arg;
	char *why;
	size_t whylen;
};

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static int32_t get_i32(const uint8_t *p)
{
	int32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static int16_t get_i16(const uint8_t *p)
{
	int16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

uint64_t nvn_u64(const struct nvn_pair *p, uint32_t i)
{
	uint64_t v;

	memcpy(&v, p->value + (size_t)i * 8, sizeof(v));
	return v;
}

static int bad(struct nvn_walk *w, size_t at, const char *what)
{
	snprintf(w->why, w->whylen, "nvlist byte %zu: %s", at, what);
	return -EPROTO;
}

/* The value's length for type and nelem (padding excluded), or -1 for a
 * combination this reader does not accept. Strings are measured by the
 * caller. */
static long value_len(enum nvn_type type, uint32_t nelem)
{
	switch (type) {
	case NVN_BOOLEAN:
		return nelem == 0 ? 0 : -1;
	case NVN_INT32:
	case NVN_UINT32:
	case NVN_BOOLEAN_VALUE:
		return nelem == 1 ? 4 : -1;
	case NVN_INT64:
	case NVN_UINT64:
	case NVN_HRTIME:
		return nelem == 1 ? 8 : -1;
	case NVN_UINT64_ARRAY:
		/* A vdev's stats are 30 or so; far below this. */
		return nelem <= 65536 ? (long)nelem * 8 : -1;
	case NVN_NVLIST:
		return nelem == 1 ? NVN_LIST_T : -1;
	case NVN_NVLIST_ARRAY:
		return nelem <= 65536 ? (long)nelem * (NVN_POINTER + NVN_LIST_T) : -1;
	case NVN_STRING:
		return nelem == 1 ? 0 : -1;
	}
	return -1;
}

static int walk_list(struct nvn_walk *w, size_t *pos, unsigned depth, const char *parent);

/* One pair at *pos; on return *pos is past it and past the lists it
 * embeds. */
static int walk_pair(struct nvn_walk *w, size_t *pos, unsigned depth, const char *parent,
		     int32_t size)
{
	const uint8_t *p = w->buf + *pos;
	size_t at = *pos, name_room, room;
	int16_t name_size;
	int32_t nelem, type;
	struct nvn_pair pair = { .depth = depth, .parent = parent };
	long want;
	int rc;

	/* The size first: only then are the header's 16 bytes known to be
	 * inside the buffer. */
	if (size < NVN_PAIR_HEADER || size % 8 != 0 || (size_t)size > w->len - at)
		return bad(w, at, "pair size out of range");
	name_size = get_i16(p + 4);
	nelem = get_i32(p + 8);
	type = get_i32(p + 12);
	if (get_i16(p + 6) != 0)
		return bad(w, at, "reserved field is not zero");
	if (name_size < 2 || nelem < 0)
		return bad(w, at, "bad name size or element count");
	name_room = align8((size_t)name_size);
	if (NVN_PAIR_HEADER + name_room > (size_t)size)
		return bad(w, at, "name larger than the pair");
	pair.name = (const char *)p + NVN_PAIR_HEADER;
	if (memchr(pair.name, '\0', (size_t)name_size) != pair.name + name_size - 1)
		return bad(w, at, "name not NUL-terminated at its size");
	pair.type = (enum nvn_type)type;
	pair.nelem = (uint32_t)nelem;
	pair.value = p + NVN_PAIR_HEADER + name_room;
	room = (size_t)size - NVN_PAIR_HEADER - name_room;
	want = value_len(pair.type, pair.nelem);
	if (want < 0)
		return bad(w, at, "type or element count not accepted");
	if (pair.type == NVN_STRING) {
		const uint8_t *nul = memchr(pair.value, '\0', room);

		if (!nul)
			return bad(w, at, "string not NUL-terminated");
		want = (long)(nul - pair.value) + 1;
	}
	if (align8((size_t)want) != room)
		return bad(w, at, "value size does not match its type");
	pair.value_len = (size_t)want;
	*pos += (size_t)size;
	if ((rc = w->fn(w->arg, &pair)) != 0)
		return rc;
	if (pair.type == NVN_NVLIST || pair.type == NVN_NVLIST_ARRAY) {
		uint32_t lists = pair.type == NVN_NVLIST ? 1 : pair.nelem;

		if (depth + 1 >= NVN_DEPTH_MAX)
			return bad(w, at, "lists nested too deep");
		for (uint32_t i = 0; i < lists; i++)
			if ((rc = walk_list(w, pos, depth + 1, pair.name)))
				return rc;
	}
	return 0;
}

/* Pairs from *pos up to and including the int32 0 that ends the list. */
static int walk_list(struct nvn_walk *w, size_t *pos, unsigned depth, const char *parent)
{
	for (;;) {
		int32_t size;
		int rc;

		if (w->len - *pos < 4)
			return bad(w, *pos, "list does not end");
		size = get_i32(w->buf + *pos);
		if (size == 0) {
			*pos += 4;
			return 0;
		}
		if ((rc = walk_pair(w, pos, depth, parent, size)))
			return rc;
	}
}

int nvn_walk(const uint8_t *buf, size_t len, nvn_visit_fn fn, void *arg, char *why,
	     size_t whylen)
{
	const uint16_t one = 1;
	const uint8_t host_endian = *(const uint8_t *)&one; /* 1: little */
	struct nvn_walk w = { .buf = buf, .len = len, .fn = fn, .arg = arg, .why = why,
			      .whylen = whylen };
	size_t pos = 12;
	int rc;

	if (len < 16)
		return bad(&w, 0, "shorter than an empty list");
	if (buf[0] != 0)
		return bad(&w, 0, "not the native encoding");
	if (buf[1] != host_endian)
		return bad(&w, 1, "not this host's byte order");
	if (buf[2] != 0 || buf[3] != 0)
		return bad(&w, 2, "reserved header bytes are not zero");
	if (get_i32(buf + 4) != 0)
		return bad(&w, 4, "unknown nvlist version");
	/* NV_UNIQUE_NAME, NV_UNIQUE_NAME_TYPE. */
	if (get_i32(buf + 8) & ~3)
		return bad(&w, 8, "unknown nvlist flags");
	if ((rc = walk_list(&w, &pos, 0, NULL)))
		return rc;
	if (pos != len)
		return bad(&w, pos, "bytes after the list");
	return 0;
}
