/* What zpool and zfs print, parsed defensively.
 *
 * The zpool agent reads tool output, never shells it: every function here
 * takes the captured bytes (not necessarily NUL-terminated: a length is
 * given) and either extracts exactly what it documents or fails with
 * -EINVAL. Formats covered: OpenZFS 2.x (Linux, FreeBSD 13+), Solaris-era
 * ZFS and zfs-fuse 0.7 (pool version 23), whose wording differs.
 *
 * Pure: no system access, no logging. */
#ifndef TWINHEAD_ZPOOL_PARSE_H
#define TWINHEAD_ZPOOL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zpool_name.h"

/* A pool's or vdev's health, as zpool prints it. */
enum zpool_health {
	ZPOOL_HEALTH_UNKNOWN = 0, /* a word this code does not know */
	ZPOOL_HEALTH_ONLINE,
	ZPOOL_HEALTH_DEGRADED,
	ZPOOL_HEALTH_FAULTED,
	ZPOOL_HEALTH_OFFLINE,
	ZPOOL_HEALTH_UNAVAIL,
	ZPOOL_HEALTH_REMOVED,
	ZPOOL_HEALTH_SUSPENDED,
	ZPOOL_HEALTH_AVAIL,       /* a spare that is free */
	ZPOOL_HEALTH_INUSE,       /* a spare that is in use */
};

/* The health named by word[0..len) (exact, upper case), else UNKNOWN. */
enum zpool_health zpool_parse_health(const char *word, size_t len);

/* "ONLINE", ...; "UNKNOWN" for ZPOOL_HEALTH_UNKNOWN. */
const char *zpool_health_name(enum zpool_health h);

#define ZPOOL_WORD_MAX 16

/* One row of `zpool list -H -o name,health,guid POOL`. */
struct zpool_row {
	char name[ZPOOL_NAME_MAX];
	enum zpool_health health;
	char health_word[ZPOOL_WORD_MAX]; /* as printed (upper-case letters only) */
	uint64_t guid;
	/* Only from a pool's configuration (zpool_config.h), with health
	 * SUSPENDED: why, and what to look at. zpool list prints none of it. */
	struct zpool_io_failure {
		bool suspended;         /* ZFS says so ("suspended" in the config) */
		bool have_failmode;     /* the config's "suspended" carries it */
		uint64_t failmode;      /* 0 wait, 1 continue, 2 panic */
		uint64_t write_errors;  /* at the pool's top (root vdev) */
		uint64_t read_errors;
		uint64_t alloc, space;  /* bytes allocated, of the pool's size */
	} io;
};

/* "wait", "continue", "panic", or "?" for failmode values ZFS does not
 * define. */
const char *zpool_failmode_name(uint64_t failmode);

/* Parses that output: exactly one line "NAME\tHEALTH\tGUID\n", NAME a
 * valid pool name, HEALTH 1 to 15 upper-case letters (an unknown word gives
 * ZPOOL_HEALTH_UNKNOWN, not an error: it may be a transient state), GUID
 * decimal. Returns 0 or -EINVAL. */
int zpool_parse_list(const char *out, size_t len, struct zpool_row *row);

/* The first vdev that `zpool status` shows with errors or not online. */
struct zpool_vdev {
	char name[128];             /* as printed, shortened to fit */
	enum zpool_health state;
	char state_word[ZPOOL_WORD_MAX];
	char read[ZPOOL_WORD_MAX], write[ZPOOL_WORD_MAX], cksum[ZPOOL_WORD_MAX];
	bool has_counts;            /* not a spare: the three counts were read */
	bool counts_nonzero;        /* one of them is not 0 */
};

/* What depth-10 monitoring needs from `zpool status POOL`. */
struct zpool_status {
	enum zpool_health state;    /* the " state:" line */
	bool suspended;             /* I/O suspended: state SUSPENDED, or the
				     * status paragraph says so */
	bool data_errors;           /* "errors: N data errors" */
	bool errors_known;          /* the "errors:" line was understood */
	unsigned vdevs;             /* rows in the config table, pool included */
	unsigned vdevs_with_errors; /* rows with a READ/WRITE/CKSUM count not 0 */
	unsigned vdevs_not_online;  /* rows (not spares) whose state is not ONLINE */
	bool have_bad_vdev;
	struct zpool_vdev bad;      /* the first such row, when have_bad_vdev */
	char errors[96];            /* the "errors:" text, one line */
};

/* Parses `zpool status POOL`. Needs the "pool:" line naming pool, a
 * " state:" word (an unknown one gives UNKNOWN), and a config table whose first row is the pool; rows
 * are "NAME STATE READ WRITE CKSUM [note]" (counts may read 1.2K), spares
 * "NAME AVAIL|INUSE", section titles (logs, cache, spares, special, dedup)
 * have no state. Unknown paragraphs are skipped. Returns 0 or -EINVAL. */
int zpool_parse_status(const char *out, size_t len, const char *pool, struct zpool_status *st);

/* Finds the pool whose id is guid in what `zpool import [-d DIR]` (no pool
 * named: a scan) lists: "   pool: NAME" then "     id: GUID" per pool.
 * Copies its name into name. Returns 0, -ENOENT when no listed pool has
 * that id, -EINVAL for a malformed listing (an id without a pool line, a
 * name ZFS would not accept). */
int zpool_parse_import_scan(const char *out, size_t len, uint64_t guid, char *name,
			    size_t namelen);

/* What a failed zpool or zfs call said, from its stderr. */
enum zpool_err {
	ZPOOL_ERR_OTHER = 0,    /* nothing recognised */
	ZPOOL_ERR_NO_SERVICE,   /* ZFS is not running here, so nothing can be
				 * imported here: no OpenZFS module, no zfs-fuse
				 * daemon (never a bare "failed to initialize
				 * ZFS library": that proves nothing) */
	ZPOOL_ERR_PERM,         /* not allowed (not root) */
	ZPOOL_ERR_NOT_FOUND,    /* import: no pool by that name or guid */
	ZPOOL_ERR_NO_SUCH_POOL, /* the pool is not imported here */
	ZPOOL_ERR_IN_USE,       /* import: last used by another host (hostid) */
	ZPOOL_ERR_ACTIVE,       /* import: multihost says another host has it now */
	ZPOOL_ERR_MMP_NO_HOSTID,/* import: multihost pool, this host has no hostid */
	ZPOOL_ERR_EXISTS,       /* import: a pool of that name is imported already */
	ZPOOL_ERR_BUSY,         /* export/unmount: busy */
	ZPOOL_ERR_NO_OPTION_N,  /* import: this zpool has no -N (zfs-fuse) */
	ZPOOL_ERR_BAD_OPTION,   /* any other usage error */
};

/* Classifies stderr (len bytes). The most specific match wins: an import
 * that says both "cannot open '/dir': ..." and "no such pool available" is
 * NOT_FOUND. */
enum zpool_err zpool_parse_error(const char *err, size_t len);

/* "not-found", ...: for logs. */
const char *zpool_err_name(enum zpool_err e);

/* The other host named in an import refusal (IN_USE or ACTIVE). */
struct zpool_foreign {
	bool have_hostid;
	uint32_t hostid;
	char host[64];          /* the host name as printed, sanitised; may be "" */
};

/* Extracts host and hostid from an import refusal, any wording:
 *   zfs-fuse / Solaris: "last accessed by NAME (hostid: 0x1001) on DATE"
 *   OpenZFS:            "Last accessed by NAME (hostid=1001) at DATE"
 *   OpenZFS multihost:  "pool is imported on host 'NAME' (hostid=1001)."
 * Returns 0 when a hostid was found, -ENOENT when none was, -EINVAL for a
 * hostid that is not hex or does not fit 32 bits. f->host is filled when
 * found either way. */
int zpool_parse_foreign(const char *err, size_t len, struct zpool_foreign *f);

/* The mount point an unmount refused as busy: "cannot unmount 'PATH'" or
 * "umount: PATH: target is busy". Copies it into path (shortened never:
 * -ENAMETOOLONG instead). Returns 0, or -ENOENT when stderr names none. */
int zpool_parse_busy_path(const char *err, size_t len, char *path, size_t pathlen);

/* One row of `zfs list -H -o name,mounted,mountpoint ...`. */
struct zpool_mount {
	char name[ZPOOL_DATASET_MAX];
	bool mounted;           /* "yes" */
	char mountpoint[4096];  /* as printed: a path, "-", "none", "legacy" */
};

/* Parses the row that starts at *pos and moves *pos past it. Returns 1 with
 * a row in m, 0 at the end, -EINVAL for a malformed row (three tab-separated
 * fields, a valid dataset name, yes/no/-, a mount point without control
 * characters). */
int zpool_parse_mount_next(const char *out, size_t len, size_t *pos, struct zpool_mount *m);

/* A tool's stderr as one line for an exit reason: usage text dropped,
 * lines joined with "; ", blanks squeezed, control characters removed,
 * shortened with "..." to fit. Always NUL-terminates buf (len > 0). */
void zpool_parse_summary(const char *err, size_t len, char *buf, size_t buflen);

#endif
