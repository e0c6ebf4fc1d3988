/* The OS layer on FreeBSD: getifaddrs(3) for links and addresses, the
 * address ioctls (SIOCAIFADDR, SIOCDIFADDR and their _IN6 forms) to change
 * them, a PF_ROUTE sysctl dump for routes, BPF for ARP, a raw ICMPv6
 * socket for neighbour advertisements, and tcpdrop(8)'s sysctls for TCP
 * connections. Nothing here forks: monitor paths
 * stay in-process, as on Linux.
 *
 * Written against FreeBSD 13/14's documented interfaces; not compiled or
 * run by this project's CI (Linux only). */
#include "config.h"
#include "os.h"
#include "netpkt.h"

#include <sys/types.h>
#include <sys/disk.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/procctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/sockio.h>
#include <sys/socketvar.h> /* before tcp_var.h: it declares xtcpcb only then */
#include <sys/sysctl.h>
#include <sys/time.h>
#include <sys/watchdog.h>

#include <net/if.h>
#include <net/if_dl.h>
#include <net/bpf.h>
#include <net/ethernet.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/in_pcb.h>
#include <netinet/tcp_fsm.h>
#include <netinet/tcp_var.h>
#include <netinet/if_ether.h>
#include <netinet/ip6.h> /* before icmp6.h, as ping6(8) includes them */
#include <netinet/icmp6.h>
#include <netinet6/in6_var.h>
#include <netinet6/nd6.h>

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- sockaddr helpers ---- */

/* Copies the address bytes (4 or 16) out of a kernel AF_INET/AF_INET6
 * sockaddr, zero-filling whatever sa_len leaves out: the kernel trims
 * netmasks to their last non-zero byte (in_socktrim), and a zero-length
 * netmask means "all zeros" (see getifaddrs.c). */
static void sa_bytes(const struct sockaddr *sa, int family, uint8_t out[16])
{
	size_t off = family == AF_INET ? offsetof(struct sockaddr_in, sin_addr)
				       : offsetof(struct sockaddr_in6, sin6_addr);
	size_t len = family == AF_INET ? 4 : 16;
	size_t have = sa->sa_len > off ? sa->sa_len - off : 0;

	memset(out, 0, 16);
	memcpy(out, (const uint8_t *)sa + off, have < len ? have : len);
}

/* Inside the kernel KAME embeds the zone (interface index) of link- and
 * interface-local addresses in bytes 2-3, and inet6(4) warns the embedded
 * form can surface through PF_ROUTE. Clear it so comparisons see the
 * address as it is on the wire. */
static void in6_unembed(uint8_t a[16])
{
	bool linklocal = a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
	bool mc_local = a[0] == 0xff && ((a[1] & 0x0f) == 0x01 || (a[1] & 0x0f) == 0x02);

	if (linklocal || mc_local)
		a[2] = a[3] = 0;
}

/* Length of the contiguous netmask m[0..len), or -1 when its ones are not
 * contiguous (no prefix length expresses it). */
static int mask_prefix(const uint8_t *m, size_t len)
{
	size_t i = 0;
	int bits = 0;
	uint8_t b;

	while (i < len && m[i] == 0xff) {
		bits += 8;
		i++;
	}
	if (i == len)
		return bits;
	for (b = m[i]; b & 0x80; b = (uint8_t)(b << 1))
		bits++;
	if (b != 0)
		return -1;
	while (++i < len)
		if (m[i] != 0)
			return -1;
	return bits;
}

/* The netmask for prefix, len bytes. */
static void prefix_mask(uint8_t *m, size_t len, unsigned prefix)
{
	memset(m, 0, len);
	for (size_t i = 0; i < len && prefix > 0; i++) {
		unsigned n = prefix < 8 ? prefix : 8;

		m[i] = (uint8_t)(0xff << (8 - n));
		prefix -= n;
	}
}

static void sin_init(struct sockaddr_in *sin, const struct in_addr *a)
{
	memset(sin, 0, sizeof(*sin));
	/* The address ioctls check sin_len: an unset one makes SIOCDIFADDR
	 * delete the interface's first address and SIOCAIFADDR guess a
	 * classful netmask (in_difaddr_ioctl, in_aifaddr_ioctl). */
	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET;
	sin->sin_addr = *a;
}

static void sin6_init(struct sockaddr_in6 *sin6, const struct in6_addr *a)
{
	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_len = sizeof(*sin6);
	sin6->sin6_family = AF_INET6;
	sin6->sin6_addr = *a;
}

/* Runs one address ioctl on a datagram socket of family, the socket the
 * kernel routes the request to (in_control, in6_control). */
static int ioctl_af(int family, unsigned long req, void *arg)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, req, arg) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* ---- links ---- */

/* The interface index of name from the AF_LINK entry of the same list, so
 * one getifaddrs() snapshot answers everything. */
static unsigned link_index(const struct ifaddrs *ifap, const char *name)
{
	for (const struct ifaddrs *ifa = ifap; ifa; ifa = ifa->ifa_next)
		if (ifa->ifa_addr && ifa->ifa_addr->sa_family == AF_LINK &&
		    strcmp(ifa->ifa_name, name) == 0)
			return ((const struct sockaddr_dl *)(const void *)ifa->ifa_addr)->sdl_index;
	return if_nametoindex(name);
}

/* ifa_data of an AF_LINK entry is the interface's struct if_data. Drivers
 * that cannot sense the medium (lo, tun/tap and other virtual interfaces
 * without IFCAP_LINKSTATE) leave the state LINK_STATE_UNKNOWN; the kernel
 * itself treats such a link as up (RT_LINK_IS_UP in net/route.h), so do the
 * same once the driver runs (IFF_RUNNING), as Linux reports IFF_LOWER_UP
 * for such devices. */
static bool link_carrier(const struct ifaddrs *ifa)
{
	const struct if_data *ifd = ifa->ifa_data;
	bool running = ifa->ifa_flags & IFF_RUNNING;

	if (!ifd)
		return running;
	if (ifd->ifi_link_state == LINK_STATE_UP)
		return true;
	return ifd->ifi_link_state == LINK_STATE_UNKNOWN && running;
}

int os_link_get(const char *name, struct os_link *out)
{
	struct ifaddrs *ifap, *ifa;
	int rc = -ENODEV;

	memset(out, 0, sizeof(*out));
	if (strlen(name) >= sizeof(out->name))
		return -ENODEV;
	if (getifaddrs(&ifap) < 0)
		return -errno;
	for (ifa = ifap; ifa; ifa = ifa->ifa_next) {
		const struct sockaddr_dl *sdl = (const void *)ifa->ifa_addr;

		if (!sdl || sdl->sdl_family != AF_LINK || strcmp(ifa->ifa_name, name) != 0)
			continue;
		out->index = sdl->sdl_index;
		snprintf(out->name, sizeof(out->name), "%s", name);
		out->admin_up = ifa->ifa_flags & IFF_UP;
		out->carrier = link_carrier(ifa);
		/* sdl_data holds the name, then the link-level address. */
		if (sdl->sdl_alen == ETHER_ADDR_LEN &&
		    offsetof(struct sockaddr_dl, sdl_data) + sdl->sdl_nlen + sdl->sdl_alen <=
			    sdl->sdl_len) {
			memcpy(out->mac, CLLADDR(sdl), ETHER_ADDR_LEN);
			out->has_mac = true;
		}
		rc = 0;
		break;
	}
	freeifaddrs(ifap);
	return rc;
}

/* ---- addresses ---- */

/* DAD state of an IPv6 address: getifaddrs() does not carry it, the
 * per-address flags ioctl does. */
static int addr_flags6(const struct ifaddrs *ifa, struct os_addr *out)
{
	struct in6_ifreq ifr6;
	size_t n = ifa->ifa_addr->sa_len;
	int flags, rc;

	memset(&ifr6, 0, sizeof(ifr6));
	snprintf(ifr6.ifr_name, sizeof(ifr6.ifr_name), "%s", ifa->ifa_name);
	/* The kernel's own sockaddr, scope id included, names the address. */
	if (n > sizeof(ifr6.ifr_ifru.ifru_addr))
		n = sizeof(ifr6.ifr_ifru.ifru_addr);
	memcpy(&ifr6.ifr_ifru.ifru_addr, ifa->ifa_addr, n);
	ifr6.ifr_ifru.ifru_addr.sin6_len = sizeof(ifr6.ifr_ifru.ifru_addr);
	ifr6.ifr_ifru.ifru_addr.sin6_family = AF_INET6;
	rc = ioctl_af(AF_INET6, SIOCGIFAFLAG_IN6, &ifr6);
	/* Removed since the snapshot was taken: it is nowhere now. */
	if (rc == -EADDRNOTAVAIL)
		return -ENOENT;
	if (rc < 0)
		return rc;
	flags = ifr6.ifr_ifru.ifru_flags6;
	out->dad_failed = flags & IN6_IFF_DUPLICATED;
	out->tentative = (flags & IN6_IFF_TENTATIVE) && !(flags & IN6_IFF_DUPLICATED);
	return 0;
}

/* Finds a on the interface ifindex, or anywhere when ifindex is 0. */
static int addr_lookup(const struct netaddr *a, unsigned ifindex, struct os_addr *out)
{
	size_t len = netaddr_len(a);
	struct ifaddrs *ifap, *ifa;
	int rc = -ENOENT;

	memset(out, 0, sizeof(*out));
	if (a->family != AF_INET && a->family != AF_INET6)
		return -EAFNOSUPPORT;
	if (getifaddrs(&ifap) < 0)
		return -errno;
	for (ifa = ifap; ifa; ifa = ifa->ifa_next) {
		uint8_t got[16], mask[16];
		unsigned index;
		int plen = -1;

		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != a->family)
			continue;
		sa_bytes(ifa->ifa_addr, a->family, got);
		if (a->family == AF_INET6)
			in6_unembed(got);
		if (memcmp(got, a->u.bytes, len) != 0)
			continue;
		index = link_index(ifap, ifa->ifa_name);
		if (ifindex != 0 && index != ifindex)
			continue;
		if (ifa->ifa_netmask) {
			sa_bytes(ifa->ifa_netmask, a->family, mask);
			plen = mask_prefix(mask, len);
		}
		out->ifindex = index;
		/* No netmask, or one no prefix expresses: report a host
		 * prefix rather than inventing a network. */
		out->prefix = plen >= 0 ? (unsigned)plen : netaddr_max_prefix(a);
		rc = a->family == AF_INET6 ? addr_flags6(ifa, out) : 0;
		break;
	}
	freeifaddrs(ifap);
	return rc;
}

int os_addr_find(const struct netaddr *a, struct os_addr *out)
{
	return addr_lookup(a, 0, out);
}

static int addr_add4(const struct os_link *link, const struct in_addr *ip, unsigned prefix)
{
	struct in_aliasreq ifra;
	struct in_addr mask, bcast;

	memset(&ifra, 0, sizeof(ifra));
	snprintf(ifra.ifra_name, sizeof(ifra.ifra_name), "%s", link->name);
	sin_init(&ifra.ifra_addr, ip);
	prefix_mask((uint8_t *)&mask, sizeof(mask), prefix);
	sin_init(&ifra.ifra_mask, &mask);
	/* As os_linux.c: a broadcast address only where the subnet has one.
	 * For /31 and /32 the kernel picks its own (RFC 3021 for /31). */
	if (prefix < 31) {
		bcast.s_addr = ip->s_addr | ~mask.s_addr;
		sin_init(&ifra.ifra_broadaddr, &bcast);
	}
	return ioctl_af(AF_INET, SIOCAIFADDR, &ifra);
}

static int addr_add6(const struct os_link *link, const struct in6_addr *ip, unsigned prefix,
		     unsigned flags)
{
	struct in6_aliasreq ifra;
	struct in6_addr mask;

	memset(&ifra, 0, sizeof(ifra));
	snprintf(ifra.ifra_name, sizeof(ifra.ifra_name), "%s", link->name);
	sin6_init(&ifra.ifra_addr, ip);
	prefix_mask(mask.s6_addr, sizeof(mask.s6_addr), prefix);
	sin6_init(&ifra.ifra_prefixmask, &mask);
	/* Permanent, like a Linux address added without lifetimes. */
	ifra.ifra_lifetime.ia6t_vltime = ND6_INFINITE_LIFETIME;
	ifra.ifra_lifetime.ia6t_pltime = ND6_INFINITE_LIFETIME;
	/* FreeBSD 13/14 mark a new address tentative whenever the interface
	 * does DAD (in6_update_ifa_internal), whatever this flag says; it
	 * is passed for the kernels that honour it. DAD is then skipped only
	 * on interfaces with ND6_IFF_NO_DAD or with net.inet6.ip6.dad_count=0. */
	if (flags & OS_ADDR_NODAD)
		ifra.ifra_flags |= IN6_IFF_NODAD;
	return ioctl_af(AF_INET6, SIOCAIFADDR_IN6, &ifra);
}

int os_addr_add(const struct os_link *link, const struct netaddr *a, unsigned prefix,
		unsigned flags)
{
	struct os_addr where;
	int rc;

	if (a->family != AF_INET && a->family != AF_INET6)
		return -EAFNOSUPPORT;
	if (prefix > netaddr_max_prefix(a))
		return -EINVAL;
	/* SIOCAIFADDR silently replaces an address the interface already has
	 * (in_aifaddr_ioctl, in6_update_ifa): look first to report -EEXIST
	 * as Linux does. Someone adding it between the look and the ioctl
	 * is replaced instead; the result is the same address. */
	rc = addr_lookup(a, link->index, &where);
	if (rc == 0)
		return -EEXIST;
	if (rc != -ENOENT)
		return rc;
	if (a->family == AF_INET)
		return addr_add4(link, &a->u.v4, prefix);
	return addr_add6(link, &a->u.v6, prefix, flags);
}

int os_addr_del(unsigned ifindex, const struct netaddr *a, unsigned prefix)
{
	char name[IF_NAMESIZE];
	struct os_addr where;
	int rc;

	/* Linux deletes only a matching address/prefix on that interface and
	 * says -EADDRNOTAVAIL otherwise; the FreeBSD ioctls match on the
	 * address alone, so check the rest here. */
	rc = addr_lookup(a, ifindex, &where);
	if (rc == -ENOENT || (rc == 0 && where.prefix != prefix))
		return -EADDRNOTAVAIL;
	if (rc < 0)
		return rc;
	if (!if_indextoname(ifindex, name))
		return -EADDRNOTAVAIL;
	if (a->family == AF_INET) {
		struct ifreq ifr;
		struct sockaddr_in sin;

		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
		sin_init(&sin, &a->u.v4);
		memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
		return ioctl_af(AF_INET, SIOCDIFADDR, &ifr);
	} else {
		struct in6_ifreq ifr6;

		memset(&ifr6, 0, sizeof(ifr6));
		snprintf(ifr6.ifr_name, sizeof(ifr6.ifr_name), "%s", name);
		sin6_init(&ifr6.ifr_ifru.ifru_addr, &a->u.v6);
		return ioctl_af(AF_INET6, SIOCDIFADDR_IN6, &ifr6);
	}
}

/* FreeBSD has no way to make an address stop accepting packets while it
 * stays configured, short of a packet filter: as read from the source,
 * ip_input() and ip6_input() deliver what matches a configured address
 * (the address hash), and the lo0 host route the kernel keeps for each
 * address only carries the host's own traffic to it. So a stop resets
 * connections with the address fully live (the window os.h describes
 * stays open), and no address is ever deaf. Unverified: see
 * docs/verification.md. */
int os_addr_deafen(const struct netaddr *a)
{
	(void)a;
	return -EOPNOTSUPP;
}

int os_addr_deaf(const struct netaddr *a)
{
	(void)a;
	return 0;
}

/* ---- routes ---- */

/* A routing table dump can grow between sizing it and reading it. */
#define RT_DUMP_TRIES 5

/* Reads fib 0 (the table Linux calls main) for family. Returns the
 * buffer (caller frees) and its length, or NULL with -errno in *rc. */
static char *rt_dump(int family, size_t *len, int *rc)
{
	/* The seventh level names the fib; see sysctl(3) and sysctl_rtsock. */
	int mib[7] = { CTL_NET, PF_ROUTE, 0, family, NET_RT_DUMP, 0, 0 };
	int err = ENOMEM;

	for (int tries = 0; tries < RT_DUMP_TRIES && err == ENOMEM; tries++) {
		size_t need = 0;
		char *buf;

		if (sysctl(mib, 7, NULL, &need, NULL, 0) < 0) {
			err = errno;
			break;
		}
		/* Room for a few routes added meanwhile. */
		need += need / 8 + 1;
		buf = malloc(need);
		if (!buf)
			break;
		if (sysctl(mib, 7, buf, &need, NULL, 0) == 0) {
			*len = need;
			return buf;
		}
		/* ENOMEM: the table outgrew the buffer; size it again. */
		err = errno;
		free(buf);
	}
	*rc = -err;
	return NULL;
}

/* Splits the sockaddrs following a routing message header by RTAX_ slot.
 * False when one runs past the message: a record we do not understand. */
static bool rt_addrs(const struct rt_msghdr *rtm, const struct sockaddr *sa[RTAX_MAX])
{
	const uint8_t *p = (const uint8_t *)rtm + sizeof(*rtm);
	const uint8_t *end = (const uint8_t *)rtm + rtm->rtm_msglen;

	for (int i = 0; i < RTAX_MAX; i++) {
		const struct sockaddr *s;

		sa[i] = NULL;
		if (!(rtm->rtm_addrs & (1 << i)))
			continue;
		if (p >= end)
			return false;
		s = (const void *)p;
		/* Each sockaddr is padded to a long (SA_SIZE in net/route.h). */
		if ((size_t)(end - p) < SA_SIZE(s))
			return false;
		sa[i] = s;
		p += SA_SIZE(s);
	}
	return true;
}

/* Is this route straight out of an interface, like a Linux main-table
 * unicast route without a gateway? */
static bool rt_connected(const struct rt_msghdr *rtm, const struct sockaddr *gw)
{
	const int not_unicast = RTF_REJECT | RTF_BLACKHOLE | RTF_LOCAL | RTF_BROADCAST |
				RTF_MULTICAST;

	if (!(rtm->rtm_flags & RTF_UP) || (rtm->rtm_flags & not_unicast) || rtm->rtm_index == 0)
		return false;
	if (gw && gw->sa_family == AF_LINK) {
		const struct sockaddr_dl *sdl = (const void *)gw;

		/* A local address's host route goes out of lo0 while its
		 * gateway names the interface that owns the address
		 * (ifa_add_loopback_route): that is Linux's local table, not a
		 * connected route. */
		if (gw->sa_len >= offsetof(struct sockaddr_dl, sdl_type) && sdl->sdl_index != 0 &&
		    sdl->sdl_index != rtm->rtm_index)
			return false;
		/* A link-level gateway is never a next-hop router. */
		return true;
	}
	return !(rtm->rtm_flags & RTF_GATEWAY);
}

int os_route_find_connected(const struct netaddr *a, char ifname[OS_IFNAME_MAX],
			    unsigned *prefix)
{
	size_t len = netaddr_len(a), size = 0, off;
	int best_len = 0, rc = 0;
	unsigned best_index = 0;
	char *buf;

	if (a->family != AF_INET && a->family != AF_INET6)
		return -EAFNOSUPPORT;
	buf = rt_dump(a->family, &size, &rc);
	if (!buf)
		return rc;
	for (off = 0; size - off >= sizeof(struct rt_msghdr);) {
		const struct rt_msghdr *rtm = (const void *)(buf + off);
		const struct sockaddr *sa[RTAX_MAX];
		struct netaddr dst = { .family = a->family };
		uint8_t mask[16];
		int plen;

		if (rtm->rtm_msglen < sizeof(*rtm) || rtm->rtm_msglen > size - off)
			break;
		off += rtm->rtm_msglen;
		if (rtm->rtm_version != RTM_VERSION || !rt_addrs(rtm, sa) || !sa[RTAX_DST] ||
		    sa[RTAX_DST]->sa_family != a->family || !rt_connected(rtm, sa[RTAX_GATEWAY]))
			continue;
		/* Host routes carry no netmask. */
		if (sa[RTAX_NETMASK]) {
			sa_bytes(sa[RTAX_NETMASK], a->family, mask);
			plen = mask_prefix(mask, len);
		} else {
			plen = (int)netaddr_max_prefix(a);
		}
		/* As on Linux: no default route, the longest prefix wins. */
		if (plen <= best_len)
			continue;
		sa_bytes(sa[RTAX_DST], a->family, dst.u.bytes);
		if (a->family == AF_INET6)
			in6_unembed(dst.u.bytes);
		if (!netaddr_in_prefix(a, &dst, (unsigned)plen))
			continue;
		best_len = plen;
		best_index = rtm->rtm_index;
	}
	free(buf);
	if (best_len == 0 || !if_indextoname(best_index, ifname))
		return -ENOENT;
	*prefix = (unsigned)best_len;
	return 0;
}

/* ---- ARP over BPF ---- */

#define ARP_FRAME_LEN (ETHER_HDR_LEN + NETPKT_ARP_LEN)

/* Some virtual NICs do not pad short frames themselves; pad to the
 * Ethernet minimum (without the FCS the hardware appends). The padding
 * lies below the ARP packet, which is the same as on Linux. */
#define ARP_WIRE_LEN (ETHER_MIN_LEN - ETHER_CRC_LEN)

_Static_assert(ARP_FRAME_LEN <= ARP_WIRE_LEN, "an ARP frame fits the Ethernet minimum");

/* bpf_hdr is padded; records carry only up to bh_hdrlen's end (bpf(4)). */
#define BPF_HDR_MIN (offsetof(struct bpf_hdr, bh_hdrlen) + sizeof(((struct bpf_hdr *)0)->bh_hdrlen))

/* A BPF descriptor on link that sees only incoming ARP frames and lets us
 * write whole Ethernet frames. Returns it, or -errno. */
static int bpf_open(const struct os_link *link, u_int *blen)
{
	struct bpf_insn insns[] = {
		BPF_STMT(BPF_LD + BPF_H + BPF_ABS, offsetof(struct ether_header, ether_type)),
		BPF_JUMP(BPF_JMP + BPF_JEQ + BPF_K, ETHERTYPE_ARP, 0, 1),
		BPF_STMT(BPF_RET + BPF_K, ARP_FRAME_LEN),
		BPF_STMT(BPF_RET + BPF_K, 0),
	};
	struct bpf_program prog = { .bf_len = sizeof(insns) / sizeof(insns[0]),
				    .bf_insns = insns };
	u_int one = 1, in = BPF_D_IN, dlt = 0;
	struct ifreq ifr;
	int fd, rc = 0;

	if (!link->has_mac)
		return -EAFNOSUPPORT;
	/* /dev/bpf clones: every open is a new descriptor. */
	fd = open("/dev/bpf", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", link->name);
	/* Immediate: a frame is readable as soon as it arrives, not when the
	 * buffer fills. Header complete: our source MAC goes out as written. */
	if (ioctl(fd, BIOCSETIF, &ifr) < 0 || ioctl(fd, BIOCGDLT, &dlt) < 0 ||
	    ioctl(fd, BIOCIMMEDIATE, &one) < 0 || ioctl(fd, BIOCSHDRCMPLT, &one) < 0 ||
	    ioctl(fd, BIOCSETF, &prog) < 0 || ioctl(fd, BIOCGBLEN, blen) < 0)
		rc = -errno;
	else if (dlt != DLT_EN10MB)
		rc = -EAFNOSUPPORT;
	if (rc < 0) {
		close(fd);
		return rc;
	}
	/* Only what others send (BIOCSSEESENT 0 in older words). bpf(4) says
	 * some interfaces get this wrong, so it is best effort: netpkt_arp_conflicts()
	 * ignores our own frames anyway. */
	(void)ioctl(fd, BIOCSDIRECTION, &in);
	return fd;
}

/* sender_ip NULL: 0.0.0.0, as an RFC 5227 probe must use. */
static int arp_send(int fd, const struct os_link *link, const struct in_addr *sender_ip,
		    const struct in_addr *target_ip)
{
	uint8_t frame[ARP_WIRE_LEN];
	struct ether_header eh;
	ssize_t n;

	memset(eh.ether_dhost, 0xff, ETHER_ADDR_LEN);
	memcpy(eh.ether_shost, link->mac, ETHER_ADDR_LEN);
	eh.ether_type = htons(ETHERTYPE_ARP);

	memset(frame, 0, sizeof(frame));
	memcpy(frame, &eh, ETHER_HDR_LEN);
	netpkt_arp_build(frame + ETHER_HDR_LEN, link->mac, sender_ip, target_ip);
	/* One write is one frame (bpf(4)). */
	n = write(fd, frame, sizeof(frame));
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(frame) ? 0 : -EIO;
}

/* Reads what BPF holds and looks for a conflict in it. Returns 1 with
 * owner filled, 0 when there is none, or -errno. */
static int arp_read(int fd, uint8_t *buf, u_int blen, const struct os_link *link,
		    const struct in_addr *ip, uint8_t owner[ETHER_ADDR_LEN])
{
	/* bpf(4): a read must ask for exactly the BIOCGBLEN size. */
	ssize_t n = read(fd, buf, blen);
	size_t off = 0;

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	while ((size_t)n - off >= BPF_HDR_MIN) {
		struct bpf_hdr h;
		struct ether_header eh;
		const uint8_t *frame;

		memcpy(&h, buf + off, BPF_HDR_MIN);
		/* A record shorter than its own header, or running past the
		 * read, means we misparse: stop rather than loop. */
		if (h.bh_hdrlen < BPF_HDR_MIN ||
		    h.bh_hdrlen + (size_t)h.bh_caplen > (size_t)n - off)
			break;
		frame = buf + off + h.bh_hdrlen;
		if (h.bh_caplen >= ARP_FRAME_LEN) {
			memcpy(&eh, frame, ETHER_HDR_LEN);
			if (ntohs(eh.ether_type) == ETHERTYPE_ARP &&
			    netpkt_arp_conflicts(frame + ETHER_HDR_LEN,
						 h.bh_caplen - ETHER_HDR_LEN, link->mac, ip, owner))
				return 1;
		}
		/* Records start on word boundaries (BPF_WORDALIGN, bpf(4)). */
		off += BPF_WORDALIGN(h.bh_hdrlen + (size_t)h.bh_caplen);
	}
	return 0;
}

int os_arp_probe(const struct os_link *link, const struct netaddr *a, struct deadline d,
		 uint8_t owner[6])
{
	int64_t total = deadline_left_ms(d), second_at;
	bool second_sent = false;
	uint8_t *buf;
	u_int blen = 0;
	int fd, rc;

	if (a->family != AF_INET)
		return -EAFNOSUPPORT;
	fd = bpf_open(link, &blen);
	if (fd < 0)
		return fd;
	buf = malloc(blen);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	/* Two probes, at the start and half-way, so one lost frame does not
	 * hide a conflict. */
	second_at = deadline_now_ms() + total / 2;
	rc = arp_send(fd, link, NULL, &a->u.v4);
	while (rc == 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t now = deadline_now_ms(), wait = deadline_left_ms(d);
		int n;

		if (!second_sent && now >= second_at) {
			rc = arp_send(fd, link, NULL, &a->u.v4);
			second_sent = true;
			continue;
		}
		if (!second_sent && second_at - now < wait)
			wait = second_at - now;
		if (deadline_expired(d))
			break;
		n = poll(&pfd, 1, wait > INT_MAX ? INT_MAX : (int)wait);
		if (n < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		if (n <= 0)
			continue;
		rc = arp_read(fd, buf, blen, link, &a->u.v4, owner);
	}
	free(buf);
	close(fd);
	return rc;
}

/* ---- announcements ---- */

static int announce_v4(const struct os_link *link, const struct in_addr *ip)
{
	u_int blen;
	int fd = bpf_open(link, &blen), rc;

	if (fd < 0)
		return fd;
	/* RFC 5227 ARP announcement: a request with sender = target = ip. */
	rc = arp_send(fd, link, ip, ip);
	close(fd);
	return rc;
}

static int announce_v6(const struct os_link *link, const struct in6_addr *ip)
{
	uint8_t pkt[NETPKT_NA_LEN];
	struct sockaddr_in6 src, dst;
	struct in6_addr all_nodes;
	int hops = 255, rc = 0, fd;
	u_int ifindex = link->index;

	if (!link->has_mac)
		return -EAFNOSUPPORT;
	/* Unsolicited, override: replace whatever MAC the neighbours cached. */
	netpkt_na_build(pkt, ip, link->mac);

	/* ff02::1 on link: the socket API carries the zone in sin6_scope_id
	 * and the kernel embeds it (ip6(4), inet6(4)). */
	memset(&all_nodes, 0, sizeof(all_nodes));
	all_nodes.s6_addr[0] = 0xff;
	all_nodes.s6_addr[1] = 0x02;
	all_nodes.s6_addr[15] = 0x01;
	sin6_init(&dst, &all_nodes);
	dst.sin6_scope_id = link->index;
	sin6_init(&src, ip);

	/* The kernel fills in the ICMPv6 checksum (icmp6(4)). */
	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	/* Hop limit 255 proves to receivers that the packet is on-link. */
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) < 0) {
		rc = -errno;
		goto out;
	}
	/* Send from the address itself, as on Linux. FreeBSD has no
	 * IPV6_FREEBIND and rip6_bind refuses an address still tentative
	 * (IN6_IFF_NOTREADY), which it is for a while after os_addr_add even
	 * with OS_ADDR_NODAD (see addr_add6). Then let the kernel choose the
	 * source, the interface's link-local address: receivers update their
	 * cache from the target and its option, not from the source. */
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0 && errno != EADDRNOTAVAIL) {
		rc = -errno;
		goto out;
	}
	if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		rc = -errno;
out:
	close(fd);
	return rc;
}

int os_announce(const struct os_link *link, const struct netaddr *a)
{
	return a->family == AF_INET ? announce_v4(link, &a->u.v4) : announce_v6(link, &a->u.v6);
}

/* ---- TCP connections: tcpdrop(8)'s sysctls ----
 *
 * UNVERIFIED: written from tcpdrop(8)'s source and netinet/tcp_var.h,
 * in_pcb.h of FreeBSD 13/14, syntax-checked against stub headers only,
 * never compiled or run on FreeBSD. net.inet.tcp.pcblist is an xinpgen,
 * one xtcpcb per connection (each starting with its own length), and a
 * closing xinpgen; net.inet.tcp.drop takes two sockaddrs, the foreign
 * one first, and sends the RST (tcp_drop()). */

#define PCBLIST_TRIES 5

/* The kernel's TCP connection list. Returns the buffer (caller frees) and
 * its length, or NULL with -errno in *rc. */
static struct xinpgen *tcp_pcblist(size_t *len, int *rc)
{
	int err = ENOMEM;

	for (int tries = 0; tries < PCBLIST_TRIES && err == ENOMEM; tries++) {
		size_t need = 0;
		struct xinpgen *buf;

		if (sysctlbyname("net.inet.tcp.pcblist", NULL, &need, NULL, 0) < 0) {
			err = errno;
			break;
		}
		/* Room for connections opened meanwhile. */
		need += need / 8 + sizeof(struct xtcpcb);
		buf = malloc(need);
		if (!buf)
			break;
		if (sysctlbyname("net.inet.tcp.pcblist", buf, &need, NULL, 0) == 0) {
			*len = need;
			return buf;
		}
		err = errno;
		free(buf);
	}
	*rc = -err;
	return NULL;
}

/* True when the connection's local address is a; fills the two sockaddrs
 * net.inet.tcp.drop wants (foreign, local). */
static bool tcp_conn_match(const struct in_conninfo *inc, const struct netaddr *a,
			   struct sockaddr_storage addrs[2])
{
	memset(addrs, 0, 2 * sizeof(addrs[0]));
	if (inc->inc_flags & INC_ISIPV6) {
		struct sockaddr_in6 *f = (struct sockaddr_in6 *)&addrs[0];
		struct sockaddr_in6 *l = (struct sockaddr_in6 *)&addrs[1];

		if (a->family != AF_INET6 || memcmp(&inc->inc6_laddr, &a->u.v6, 16) != 0)
			return false;
		sin6_init(f, &inc->inc6_faddr);
		f->sin6_port = inc->inc_fport;
		sin6_init(l, &inc->inc6_laddr);
		l->sin6_port = inc->inc_lport;
	} else {
		struct sockaddr_in *f = (struct sockaddr_in *)&addrs[0];
		struct sockaddr_in *l = (struct sockaddr_in *)&addrs[1];

		/* IPv4, also a dual-stack socket's IPv4 connection. */
		if (a->family != AF_INET || inc->inc_laddr.s_addr != a->u.v4.s_addr)
			return false;
		sin_init(f, &inc->inc_faddr);
		f->sin_port = inc->inc_fport;
		sin_init(l, &inc->inc_laddr);
		l->sin_port = inc->inc_lport;
	}
	return true;
}

/* One round: drops every matching connection of one list. Returns how
 * many were found (dropped or gone meanwhile), or -errno. */
static int tcp_reset_round(const struct netaddr *a, struct deadline d, unsigned *reset)
{
	struct xinpgen *head, *xig;
	size_t len = 0, off;
	int rc = 0, found = 0;

	head = tcp_pcblist(&len, &rc);
	if (!head)
		return rc;
	if (len < sizeof(*head) || head->xig_len < sizeof(*head) || head->xig_len > len) {
		free(head);
		return -EPROTO;
	}
	for (off = head->xig_len; off + sizeof(*xig) <= len; off += xig->xig_len) {
		const struct xtcpcb *xt;
		struct sockaddr_storage addrs[2];

		xig = (struct xinpgen *)((char *)head + off);
		/* The closing xinpgen, or a record we do not understand. */
		if (xig->xig_len <= sizeof(*xig))
			break;
		if (xig->xig_len < sizeof(*xt) || xig->xig_len > len - off) {
			rc = -EPROTO;
			break;
		}
		xt = (const struct xtcpcb *)xig;
		/* Freed while the list was copied out; a listener (the
		 * service's socket) or TIME_WAIT has no peer waiting. */
		if (xt->xt_inp.inp_gencnt > head->xig_gen || xt->t_state <= TCPS_LISTEN ||
		    xt->t_state == TCPS_TIME_WAIT ||
		    !tcp_conn_match(&xt->xt_inp.inp_inc, a, addrs))
			continue;
		if (deadline_expired(d)) {
			rc = -ETIMEDOUT;
			break;
		}
		found++;
		if (sysctlbyname("net.inet.tcp.drop", NULL, NULL, addrs, sizeof(addrs)) == 0)
			(*reset)++;
		else if (errno != ESRCH) { /* ESRCH: closed meanwhile */
			rc = -errno;
			break;
		}
	}
	free(head);
	return rc < 0 ? rc : found;
}

int os_tcp_reset(const struct netaddr *a, struct deadline d, unsigned *reset)
{
	*reset = 0;
	for (int round = 0; round < 3; round++) {
		int rc = tcp_reset_round(a, d, reset);

		if (rc <= 0)
			return rc;
	}
	return 0;
}

/* ---- disks ---- */

int os_disk_geometry(int fd, uint64_t *size, uint32_t *sector)
{
	struct stat st;
	off_t media;
	u_int ssz;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		*sector = 4096;
		return 0;
	}
	/* Disks are character devices on FreeBSD (disk(4)). */
	if (!S_ISCHR(st.st_mode))
		return -ENOTBLK;
	if (ioctl(fd, DIOCGMEDIASIZE, &media) < 0 || ioctl(fd, DIOCGSECTORSIZE, &ssz) < 0)
		return -errno;
	*size = (uint64_t)media;
	*sector = ssz;
	return 0;
}

/* ---- ZFS multihost tunables, processes holding paths ---- */

static int zfs_sysctl_u64(const char *name, uint64_t *out)
{
	union {
		uint64_t u64;
		uint32_t u32;
	} v;
	size_t len = sizeof(v);

	memset(&v, 0, sizeof(v));
	if (sysctlbyname(name, &v, &len, NULL, 0) < 0)
		return errno == ENOENT ? -ENOTSUP : -errno;
	if (len == sizeof(v.u64))
		*out = v.u64;
	else if (len == sizeof(v.u32))
		*out = v.u32;
	else
		return -EINVAL;
	return 0;
}

int os_zfs_pool_state(const char *dir, const char *pool, char *buf, size_t len)
{
	(void)dir;
	(void)pool;
	(void)buf;
	(void)len;
	return -ENOTSUP;
}

int os_disks_rescan(void)
{
	return -ENOTSUP;
}

int os_zfs_mmp(struct os_zfs_mmp *out)
{
	int rc = zfs_sysctl_u64("vfs.zfs.multihost.interval", &out->interval_ms);

	if (rc == 0)
		rc = zfs_sysctl_u64("vfs.zfs.multihost.import_intervals", &out->import_intervals);
	if (rc == 0)
		rc = zfs_sysctl_u64("vfs.zfs.multihost.fail_intervals", &out->fail_intervals);
	return rc;
}

/* Not implemented: `zpool export -f` force-unmounts busy datasets on
 * FreeBSD (VFS_UNMOUNT with MNT_FORCE), so the zpool agent never needs to
 * name or stop the processes that hold them here. */
int os_path_holders(const char *const *dirs, size_t ndirs, struct os_holder *out, size_t max)
{
	(void)dirs;
	(void)ndirs;
	(void)out;
	(void)max;
	return -ENOTSUP;
}

/* ---- the watchdog (watchdog(4), /dev/fido) ----
 *
 * UNVERIFIED: written from watchdog(4) and watchdogd(8) of FreeBSD 13/14,
 * never compiled or run here (no FreeBSD in CI, no watchdog on the Linux
 * machine). WDIOCPATPAT takes a u_int there: WD_ACTIVE and the timeout as
 * the power of two of nanoseconds (30: about 1.07 s); every pat carries
 * it. FreeBSD 15 changed the argument to an sbintime_t: this needs a port
 * there. */

/* The largest 2^n ns not above ms, and what that is in ms (rounded up). */
static u_int wd_encode(uint32_t ms, uint32_t *actual_ms)
{
	uint64_t ns = (uint64_t)ms * 1000000;
	unsigned n = 0;

	while (n < 62 && (UINT64_C(1) << (n + 1)) <= ns)
		n++;
	if (actual_ms)
		*actual_ms = (uint32_t)(((UINT64_C(1) << n) + 999999) / 1000000);
	return WD_ACTIVE | (n & WD_INTERVAL);
}

int os_watchdog_arm(int fd, uint32_t *timeout_ms)
{
	uint32_t actual;
	u_int u;

	if (*timeout_ms < 1000)
		return -EINVAL;
	u = wd_encode(*timeout_ms, &actual);
	/* ENOTTY: not a watchdog; EOPNOTSUPP: no watchdog here can do that
	 * timeout (and all are disabled now). */
	if (ioctl(fd, WDIOCPATPAT, &u) < 0)
		return -errno;
	*timeout_ms = actual;
	return 0;
}

int os_watchdog_pet(int fd, uint32_t timeout_ms)
{
	u_int u = wd_encode(timeout_ms, NULL);

	return ioctl(fd, WDIOCPATPAT, &u) < 0 ? -errno : 0;
}

int os_watchdog_disarm(int fd)
{
	u_int u = WD_TO_NEVER;

	return ioctl(fd, WDIOCPATPAT, &u) < 0 ? -errno : 0;
}

int os_proc_no_dumps(void)
{
	const struct rlimit none = { 0, 0 };
	int v = PROC_TRACE_CTL_DISABLE;

	if (setrlimit(RLIMIT_CORE, &none) < 0)
		return -errno;
	return procctl(P_PID, getpid(), PROC_TRACE_CTL, &v) < 0 ? -errno : 0;
}
