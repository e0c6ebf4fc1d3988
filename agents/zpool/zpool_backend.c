/* The zpool backends. See zpool_backend.h. */
#include "config.h"
#include "zpool_backend.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "zfsfuse_ipc.h"
#include "zpool_config.h"

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
