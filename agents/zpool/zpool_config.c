/* A pool's configuration, read for its name, health and guid. See
 * zpool_config.h. */
#include "config.h"
#include "zpool_config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "nvlist_native.h"

/* vdev_stat_t: vs_timestamp, vs_state, vs_aux, vs_alloc, vs_space,
 * vs_dspace, vs_rsize, [vs_esize: OpenZFS only], vs_ops[6], vs_bytes[6],
 * vs_read_errors, vs_write_errors, ... zfs-fuse and Solaris name the array
 * "stats" and have no vs_esize; OpenZFS names it "vdev_stats". */
#define VS_STATE 1
#define VS_AUX 2
#define VS_ALLOC 3
#define VS_SPACE 4
#define VS_READ_ERRORS_V23 19
#define VS_READ_ERRORS_OPENZFS 20

struct zpool_config_seen {
	const struct nvn_pair *name, *state, *guid, *tree, *stats, *suspended;
	struct nvn_pair pairs[6];    /* copies: the walker's pair is its own */
	char *why;
	size_t whylen;
};

/* Keeps the first pair called so; a second one is an error (the lists
 * are NV_UNIQUE_NAME). */
static int keep(struct zpool_config_seen *s, const struct nvn_pair **slot, unsigned i,
		const struct nvn_pair *p, enum nvn_type type)
{
	if (*slot) {
		snprintf(s->why, s->whylen, "configuration holds '%s' twice", p->name);
		return -EPROTO;
	}
	if (p->type != type) {
		snprintf(s->why, s->whylen, "configuration's '%s' has type %d, not %d", p->name,
			 (int)p->type, (int)type);
		return -EPROTO;
	}
	s->pairs[i] = *p;
	*slot = &s->pairs[i];
	return 0;
}

static int visit(void *arg, const struct nvn_pair *p)
{
	struct zpool_config_seen *s = arg;

	if (p->depth == 0) {
		if (strcmp(p->name, "name") == 0)
			return keep(s, &s->name, 0, p, NVN_STRING);
		if (strcmp(p->name, "state") == 0)
			return keep(s, &s->state, 1, p, NVN_UINT64);
		if (strcmp(p->name, "pool_guid") == 0)
			return keep(s, &s->guid, 2, p, NVN_UINT64);
		if (strcmp(p->name, "vdev_tree") == 0)
			return keep(s, &s->tree, 3, p, NVN_NVLIST);
		/* ZPOOL_CONFIG_SUSPENDED: I/O is suspended; its value is the
		 * pool's failmode. */
		if (strcmp(p->name, "suspended") == 0)
			return keep(s, &s->suspended, 5, p, NVN_UINT64);
	} else if (p->depth == 1 && strcmp(p->parent, "vdev_tree") == 0 &&
		   (strcmp(p->name, "stats") == 0 || strcmp(p->name, "vdev_stats") == 0)) {
		/* zfs-fuse and Solaris say "stats", OpenZFS "vdev_stats". */
		return keep(s, &s->stats, 4, p, NVN_UINT64_ARRAY);
	}
	return 0;
}

/* Fills row->io from the root vdev's stats and "suspended". Returns the
 * write errors at the pool's top: a write that failed there failed on
 * every copy, so the data never reached a disk (with failmode=wait the
 * pool is suspended; with continue, writers get EIO). */
static uint64_t zpool_config_io(const struct zpool_config_seen *s, struct zpool_row *row)
{
	bool openzfs = strcmp(s->stats->name, "vdev_stats") == 0;
	uint32_t re = openzfs ? VS_READ_ERRORS_OPENZFS : VS_READ_ERRORS_V23;

	memset(&row->io, 0, sizeof(row->io));
	row->io.alloc = nvn_u64(s->stats, VS_ALLOC);
	row->io.space = nvn_u64(s->stats, VS_SPACE);
	if (s->stats->nelem > re + 1) {
		row->io.read_errors = nvn_u64(s->stats, re);
		row->io.write_errors = nvn_u64(s->stats, re + 1);
	}
	if (s->suspended) {
		row->io.suspended = true;
		row->io.have_failmode = true;
		row->io.failmode = nvn_u64(s->suspended, 0);
	}
	return row->io.write_errors;
}

int zpool_config_row(const uint8_t *config, size_t len, const char *pool,
		     struct zpool_row *row, char *why, size_t whylen)
{
	struct zpool_config_seen s = { .why = why, .whylen = whylen };
	uint64_t state, vstate;
	int rc;

	memset(row, 0, sizeof(*row));
	why[0] = '\0';
	rc = nvn_walk(config, len, visit, &s, why, whylen);
	if (rc)
		return -EPROTO;
	if (!s.name || !s.state || !s.guid || !s.tree || !s.stats) {
		snprintf(why, whylen, "configuration lacks %s",
			 !s.name ? "the pool's name" : !s.state ? "the pool's state" :
			 !s.guid ? "the pool's guid" : !s.tree ? "the vdev tree" :
			 "the root vdev's stats");
		return -EPROTO;
	}
	if (strcmp((const char *)s.name->value, pool) != 0 ||
	    s.name->value_len > sizeof(row->name)) {
		snprintf(why, whylen, "configuration names another pool");
		return -EPROTO;
	}
	if (s.stats->nelem <= VS_SPACE) {
		snprintf(why, whylen, "root vdev stats hold %u values", s.stats->nelem);
		return -EPROTO;
	}
	state = nvn_u64(s.state, 0);
	vstate = nvn_u64(s.stats, VS_STATE);
	if (state != ZPOOL_POOL_STATE_ACTIVE) {
		snprintf(why, whylen, "pool state %llu, not active", (unsigned long long)state);
		return -EAGAIN;
	}
	if (zpool_config_io(&s, row) > 0 || s.suspended) {
		/* zpool list says ONLINE here (zfs-fuse always, OpenZFS until
		 * it reads "suspended"): this answer is better than zpool's. */
		memcpy(row->name, s.name->value, s.name->value_len);
		row->health = ZPOOL_HEALTH_SUSPENDED;
		snprintf(row->health_word, sizeof(row->health_word), "%s",
			 zpool_health_name(ZPOOL_HEALTH_SUSPENDED));
		row->guid = nvn_u64(s.guid, 0);
		return 0;
	}
	memset(&row->io, 0, sizeof(row->io));
	if (vstate != ZPOOL_VDEV_STATE_HEALTHY) {
		snprintf(why, whylen, "root vdev state %llu (aux %llu), not healthy",
			 (unsigned long long)vstate, (unsigned long long)nvn_u64(s.stats, VS_AUX));
		return -EAGAIN;
	}
	memcpy(row->name, s.name->value, s.name->value_len);
	row->health = ZPOOL_HEALTH_ONLINE;
	snprintf(row->health_word, sizeof(row->health_word), "%s",
		 zpool_health_name(ZPOOL_HEALTH_ONLINE));
	row->guid = nvn_u64(s.guid, 0);
	return 0;
}
