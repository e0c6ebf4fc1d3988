/* One ZFS ioctl to the zfs-fuse daemon over its socket, without zpool.
 *
 * zfs-fuse runs ZFS in a daemon; libzfs reaches it over the Unix socket
 * /var/run/zfs/zfs_socket, tunnelling each ioctl: the client sends a
 * 32-byte message {int32 type 0 (IOCTL_REQ), pad, int32 ioctl, pad,
 * uint64 argument, uint32 uid, uint32 gid}; the daemon then asks for the
 * client's memory with COPYIN_REQ {type 2, pad, uint64 address, uint64
 * size} (the client writes those bytes), hands results back with
 * COPYOUT_REQ {type 5, ..., address, size} followed by the bytes, and ends
 * with IOCTL_ANS {type 1, pad, int32 errno}. The addresses are the client's
 * own; here they are tags, and only the two areas this query names are
 * served: anything else ends the query as a protocol error.
 *
 * Only ZFS_IOC_POOL_STATS is sent (what `zpool list` sends first). The
 * request and zfs_cmd_t layout are zfs-fuse 0.7.0's (Debian 12, x86-64),
 * taken from the bytes zpool exchanges with the daemon: a 17,728-byte
 * zfs_cmd_t with zc_name at 0, zc_nvlist_dst at 16,680, its size at
 * 16,688, zc_cookie at 16,696. A daemon asking for another size, an echo
 * that does not name the pool, a result size that does not match, or any
 * message out of order is -EPROTO, and the caller asks zpool instead. Note
 * that the daemon abort()s on a first message whose type it does not know:
 * the request is fixed bytes, checked by a unit test against zpool's.
 *
 * Library code: -errno, never logs. */
#ifndef TWINHEAD_ZFSFUSE_IPC_H
#define TWINHEAD_ZFSFUSE_IPC_H

#include <stddef.h>
#include <stdint.h>

#include "deadline.h"

#define ZFSFUSE_SOCKET "/var/run/zfs/zfs_socket"
#define ZFSFUSE_MSG_LEN 32
#define ZFSFUSE_IOC_POOL_STATS 0x5a05u          /* ('Z' << 8) + 5 */
#define ZFSFUSE_ZFS_CMD_LEN 17728
#define ZFSFUSE_ZC_NVLIST_DST 16680
#define ZFSFUSE_ZC_NVLIST_DST_SIZE 16688
#define ZFSFUSE_ZC_COOKIE 16696
/* The largest configuration accepted (a pool with a few vdevs: 7 KB). */
#define ZFSFUSE_CONFIG_MAX (1024 * 1024)

/* What POOL_STATS answered. */
struct zfsfuse_pool_stats {
	int ret;              /* the ioctl's errno: 0, ENOENT (no such pool), ... */
	uint64_t cookie;      /* ret 0: the pool's own open error (0: opened) */
	uint8_t *config;      /* ret 0: malloc'd packed nvlist, config_len bytes */
	size_t config_len;
};

/* The IOCTL_REQ message for ioctl with argument tag arg, as uid/gid. */
void zfsfuse_ioctl_request(uint8_t msg[ZFSFUSE_MSG_LEN], uint32_t ioctl, uint64_t arg,
			   uint32_t uid, uint32_t gid);

/* Asks the daemon at socket_path for pool's statistics, until d. Returns 0
 * with st filled (st->ret may be an errno: the daemon's answer); -ENOTCONN
 * when no daemon listens; -EAGAIN when its backlog is full; -ETIMEDOUT;
 * -EPROTO for anything the protocol above does not allow; -ENOMEM;
 * another -errno. Free with zfsfuse_pool_stats_free(). */
int zfsfuse_pool_stats(const char *socket_path, const char *pool, struct deadline d,
		       struct zfsfuse_pool_stats *st);

/* The same over fd, already connected (the second half; a test's
 * socketpair). Closes fd. */
int zfsfuse_pool_stats_on(int fd, const char *pool, struct deadline d,
			  struct zfsfuse_pool_stats *st);

void zfsfuse_pool_stats_free(struct zfsfuse_pool_stats *st);

#endif
