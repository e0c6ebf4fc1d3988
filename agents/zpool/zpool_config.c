/* A pool's configuration, read for its name, health and guid. See
 * zpool_config.h. */
#include "config.h"
#include "zpool_config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "nvlist_native.h"

/* vdev_stat_t: vs_timestamp, vs_state, vs_aux, ... */
#define VS_STATE 1
#define VS_AUX 2

struct zpool_config_seen {
	const struct nvn_pair *name, *state, *guid, *tree, *stats;
	struct nvn_pair pairs[5];    /* copies: the walker's pair is its own */
	bool suspended;
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
		/* ZPOOL_CONFIG_SUSPENDED: I/O is suspended. */
		if (strcmp(p->name, "suspended") == 0)
			s->suspended = true;
	} else if (p->depth == 1 && strcmp(p->parent, "vdev_tree") == 0 &&
		   (strcmp(p->name, "stats") == 0 || strcmp(p->name, "vdev_stats") == 0)) {
		/* zfs-fuse and Solaris say "stats", OpenZFS "vdev_stats". */
		return keep(s, &s->stats, 4, p, NVN_UINT64_ARRAY);
	}
	return 0;
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
	if (s.stats->nelem <= VS_AUX) {
		snprintf(why, whylen, "root vdev stats hold %u values", s.stats->nelem);
		return -EPROTO;
	}
	state = nvn_u64(s.state, 0);
	vstate = nvn_u64(s.stats, VS_STATE);
	if (s.suspended) {
		snprintf(why, whylen, "pool I/O is suspended");
		return -EAGAIN;
	}
	if (state != ZPOOL_POOL_STATE_ACTIVE) {
		snprintf(why, whylen, "pool state %llu, not active", (unsigned long long)state);
		return -EAGAIN;
	}
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
