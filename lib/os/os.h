/* The operating system layer: everything that differs between Linux and
 * FreeBSD sits behind this header. configure compiles exactly one of
 * os_linux.c (netlink, packet sockets) and os_freebsd.c (ioctl, BPF).
 * No other file tests the OS.
 *
 * Library code: every function returns 0 (or a documented positive value)
 * or -errno, and never logs. Calls that wait take a deadline. */
#ifndef TWINHEAD_OS_H
#define TWINHEAD_OS_H

#include <stdbool.h>
#include <stdint.h>

#include "deadline.h"
#include "netaddr.h"

#define OS_IFNAME_MAX 16

struct os_link {
	unsigned index;
	char name[OS_IFNAME_MAX];
	bool admin_up;   /* IFF_UP: the administrator enabled it */
	bool carrier;    /* the link is physically up (Linux IFF_LOWER_UP,
			  * FreeBSD LINK_STATE_UP) */
	bool has_mac;
	uint8_t mac[6];
};

/* Looks up an interface by name. -ENODEV when there is none. */
int os_link_get(const char *name, struct os_link *out);

struct os_addr {
	unsigned ifindex;
	unsigned prefix;
	bool tentative;   /* IPv6 duplicate address detection still running */
	bool dad_failed;  /* IPv6 duplicate address detection found a conflict */
};

/* Finds where address a is configured on this host. -ENOENT when nowhere. */
int os_addr_find(const struct netaddr *a, struct os_addr *out);

enum os_addr_flags {
	OS_ADDR_NODAD = 1u << 0, /* IPv6: skip duplicate address detection */
};

/* Adds a/prefix to the interface (IPv4 with its broadcast address).
 * -EEXIST when it is already there. */
int os_addr_add(const struct os_link *link, const struct netaddr *a, unsigned prefix,
		unsigned flags);

/* Removes a/prefix from the interface. -EADDRNOTAVAIL when it is not there. */
int os_addr_del(unsigned ifindex, const struct netaddr *a, unsigned prefix);

/* Stops this host accepting packets addressed to a, which stays
 * configured: a new connection to a can no longer be made (its SYN is
 * dropped, nothing answers), while this host can still send from a (the
 * RSTs of os_tcp_reset()). Linux: deletes a's local route (table local,
 * type local, a/32 or a/128); only the kernel adds it back, when a is
 * added again, the interface comes up again, or (IPv4) a primary address
 * of the subnet is removed and a promoted. 0 also when a had no local
 * route (already deaf; an IPv6 address during DAD). -EOPNOTSUPP where
 * the OS cannot do it (FreeBSD: delivery follows the address list, not a
 * route); -EBUSY when a still had a local route after 8 deletions (one
 * per interface that has a); another -errno. */
int os_addr_deafen(const struct netaddr *a);

/* Whether a, found configured with os_addr_find(), is deaf: 1 when this
 * host does not accept packets to it (Linux: no local route; normal only
 * while an IPv6 address is tentative or its interface is down, otherwise
 * left by os_addr_deafen()), 0 when it does, or -errno. Always 0 where
 * os_addr_deafen() is not supported. */
int os_addr_deaf(const struct netaddr *a);

/* The interface and prefix of the most specific directly connected route
 * (no gateway) that covers a: how an address finds its NIC when none is
 * configured. -ENOENT when no connected route covers it. */
int os_route_find_connected(const struct netaddr *a, char ifname[OS_IFNAME_MAX],
			    unsigned *prefix);

/* IPv4 only: RFC 5227 ARP probe for a on link, listening until d.
 * Returns 1 when another host answered for a (its MAC in owner), 0 when
 * nobody did, or -errno. Sends nothing that changes anyone's ARP cache. */
int os_arp_probe(const struct os_link *link, const struct netaddr *a, struct deadline d,
		 uint8_t owner[6]);

/* Tells the segment that a now lives at link's MAC: a gratuitous ARP
 * request (IPv4) or an unsolicited neighbour advertisement with the
 * override flag (IPv6). One packet; returns 0 or -errno. */
int os_announce(const struct os_link *link, const struct netaddr *a);

/* Resets every TCP connection whose local address is a, so that each peer
 * gets an RST now instead of noticing after its own timeout (IPv4: also
 * dual-stack sockets' IPv4-mapped connections). Listening sockets and
 * connections in TIME_WAIT are left alone. Call it while a is still
 * configured (the RST needs a as its source address) and, where
 * supported, deaf (os_addr_deafen(): otherwise a peer that reconnects at
 * once may do so after the last round and before a is removed). Works in
 * rounds of list-then-reset until a round finds nothing (at most 3), so a
 * peer that reconnected at once is reset again. *reset receives how many
 * connections were reset, also on error. Returns 0, -EOPNOTSUPP when this
 * kernel cannot reset sockets (Linux built without
 * CONFIG_INET_DIAG_DESTROY), -EPERM without the privilege, -ETIMEDOUT
 * when d passed, or another -errno; stops at the first error. */
int os_tcp_reset(const struct netaddr *a, struct deadline d, unsigned *reset);

/* Size in bytes and logical sector size of an open block device or regular
 * file (files report 4096: safe for O_DIRECT on any underlying disk). */
int os_disk_geometry(int fd, uint64_t *size, uint32_t *sector);

/* ---- ZFS pools and the processes that hold them (agents/zpool/zpool.c) ---- */

/* This host's ZFS multihost (MMP) tunables. */
struct os_zfs_mmp {
	uint64_t interval_ms;      /* zfs_multihost_interval */
	uint64_t import_intervals; /* zfs_multihost_import_intervals */
	uint64_t fail_intervals;   /* zfs_multihost_fail_intervals */
};

/* Reads them (Linux: /sys/module/zfs/parameters; FreeBSD: the
 * vfs.zfs.multihost sysctls). -ENOTSUP when this host's ZFS has no
 * multihost protection (zfs-fuse; the module is not loaded). */
int os_zfs_mmp(struct os_zfs_mmp *out);

/* The raw content of OpenZFS's state kstat for an imported pool (one word
 * and a newline, "ONLINE\n", "SUSPENDED\n", ...; agents/zpool/zpool_kstat.h
 * parses it), read without taking any pool lock: a suspended pool cannot
 * block the read (Linux: /proc/spl/kstat/zfs/POOL/state, the file
 * resource-agents' ZFS agent reads). dir replaces /proc/spl/kstat/zfs when
 * not NULL (tests). Reads at most len bytes into buf and returns how many;
 * -ENOENT when no pool of that name is imported; -ENOTSUP when this host
 * has no OpenZFS kstats (zfs-fuse, FreeBSD, the module not loaded);
 * -EINVAL for a name with '/' or a dot name; another -errno. */
int os_zfs_pool_state(const char *dir, const char *pool, char *buf, size_t len);

/* Asks the kernel to re-read the partition table of every whole disk (not
 * loop, ram, zram, zvol, device-mapper, md or optical devices): after the
 * other head partitioned a shared disk (zpool create on a whole disk), this
 * head's kernel sees the new partitions only then, and `zpool import`
 * finds the pool only then. A disk in use here (EBUSY) is left alone: its
 * partitions are already known. Non-blocking opens and one ioctl per disk.
 * Returns the number of disks re-read, or -errno when the list of disks
 * cannot be read (-ENOTSUP where not implemented: FreeBSD's GEOM sees new
 * partitions by itself). */
int os_disks_rescan(void);

#define OS_COMM_MAX 16

struct os_holder {
	int pid;
	char comm[OS_COMM_MAX + 1]; /* the process's name, "?" if unreadable */
};

/* The processes that use a file at or below one of the ndirs absolute
 * directories: open descriptors, working or root directory, executable,
 * memory mappings ("/" never matches: it would be every process). The
 * caller itself is skipped. Only the kernel's names for those files are
 * read, never the files: a hung file system cannot block this. Fills at
 * most max entries (one per process) and returns how many processes were
 * found (more than max when out was too small), or -errno; -ENOTSUP where
 * not implemented (FreeBSD: forced unmount works there, see zpool.md). */
int os_path_holders(const char *const *dirs, size_t ndirs, struct os_holder *out, size_t max);

/* ---- the hardware watchdog (twinhead-quorumd's watchdog mode) ---- */

/* fd: an open watchdog device (Linux /dev/watchdog, FreeBSD /dev/fido).
 * Sets its timeout to at most *timeout_ms as the device counts (Linux:
 * whole seconds; FreeBSD: a power of two nanoseconds) and restarts the
 * countdown; *timeout_ms receives the timeout the device now runs with,
 * which a driver may have rounded up: the caller checks it. -ENOTTY when
 * fd is not a watchdog (then nothing was sent to it); -EOPNOTSUPP when it
 * is one the daemon cannot trust (Linux: a driver without "magic close"
 * stops counting whenever the device is closed, so a crashed daemon
 * would never be reset); another -errno when the device refused. On any
 * error but -ENOTTY the watchdog may be running: os_watchdog_disarm()
 * before closing fd. */
int os_watchdog_arm(int fd, uint32_t *timeout_ms);

/* Restarts the countdown of a watchdog os_watchdog_arm() set to timeout_ms
 * (FreeBSD's pat carries the timeout). */
int os_watchdog_pet(int fd, uint32_t timeout_ms);

/* Stops the countdown, before fd is closed: Linux's magic close (writes
 * 'V'; a kernel built with nowayout keeps counting and resets the
 * machine anyway), FreeBSD's pat with WD_TO_NEVER. A watchdog closed
 * without this keeps counting: that is what resets a head whose daemon
 * died. */
int os_watchdog_disarm(int fd);

/* Keeps this process's memory (a BMC password) out of core files and
 * away from ptrace by other users: no core (RLIMIT_CORE 0) and not
 * dumpable (Linux PR_SET_DUMPABLE 0; FreeBSD PROC_TRACE_CTL_DISABLE).
 * Returns 0 or the first -errno. */
int os_proc_no_dumps(void);

#endif
