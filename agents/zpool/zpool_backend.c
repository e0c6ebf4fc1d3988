/* The zpool backends. See zpool_backend.h. */
#include "config.h"
#include "zpool_backend.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "os.h"
#include "zfsfuse_ipc.h"
#include "zpool_config.h"
#include "zpool_kstat.h"

static int zfsfuse_list(const char *where, const char *pool, struct deadline d,
			struct zpool_row *row, char *why, size_t whylen)
{
	struct zfsfuse_pool_stats st;
	int rc;

	why[0] = '\0';
	rc = zfsfuse_pool_stats(where ? where : ZFSFUSE_SOCKET, pool, d, &st);
	if (rc) {
		snprintf(why, whylen, "zfs-fuse socket: %s", strerror(-rc));
		return rc;
	}
	if (st.ret == ENOENT) {
		snprintf(why, whylen, "zfs-fuse: no pool %s", pool);
		rc = -ENOENT;
	} else if (st.ret != 0) {
		snprintf(why, whylen, "zfs-fuse: pool stats: %s", strerror(st.ret));
		rc = -EAGAIN;
	} else if (st.cookie != 0) {
		snprintf(why, whylen, "zfs-fuse: pool %s is not opened (error %llu)", pool,
			 (unsigned long long)st.cookie);
		rc = -EAGAIN;
	} else {
		rc = zpool_config_row(st.config, st.config_len, pool, row, why, whylen);
	}
	zfsfuse_pool_stats_free(&st);
	return rc;
}

const struct zpool_backend zpool_backend_zfsfuse = {
	.name = "zfs-fuse",
	.list = zfsfuse_list,
};

static int kstat_list(const char *where, const char *pool, struct deadline d,
		      struct zpool_row *row, char *why, size_t whylen)
{
	char buf[32], word[ZPOOL_WORD_MAX];
	enum zpool_health h;
	int n;

	(void)d; /* one read of a procfs file, which takes no pool lock */
	why[0] = '\0';
	memset(row, 0, sizeof(*row));
	n = os_zfs_pool_state(where, pool, buf, sizeof(buf));
	if (n == -ENOTSUP) {
		snprintf(why, whylen, "no OpenZFS pool kstats on this host");
		return -ENOTCONN;
	}
	if (n == -ENOENT) {
		snprintf(why, whylen, "kstat: no pool %s imported", pool);
		return -ENOENT;
	}
	if (n < 0) {
		snprintf(why, whylen, "kstat state of %s: %s", pool, strerror(-n));
		return n;
	}
	if (zpool_kstat_state_parse(buf, (size_t)n, &h, word, sizeof(word)) < 0) {
		snprintf(why, whylen, "kstat state of %s: not one word", pool);
		return -EPROTO;
	}
	if (h != ZPOOL_HEALTH_ONLINE && h != ZPOOL_HEALTH_SUSPENDED) {
		snprintf(why, whylen, "kstat: pool %s is %s", pool, word);
		return -EAGAIN;
	}
	if (strlen(pool) >= sizeof(row->name)) {
		snprintf(why, whylen, "pool name too long for a row");
		return -ENAMETOOLONG;
	}
	strcpy(row->name, pool);
	row->health = h;
	strcpy(row->health_word, word);
	/* The kstat says suspended and nothing more (no failmode, no counts). */
	row->io.suspended = h == ZPOOL_HEALTH_SUSPENDED;
	return 0;
}

const struct zpool_backend zpool_backend_kstat = {
	.name = "openzfs-kstat",
	.list = kstat_list,
};
