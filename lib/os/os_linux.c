/* The OS layer on Linux: rtnetlink through libmnl for links, addresses and
 * routes; a packet socket for ARP; a raw ICMPv6 socket for neighbour
 * advertisements; sock_diag netlink for TCP connections. Nothing here
 * forks: monitor paths stay in-process. */
#include "config.h"
#include "os.h"
#include "netpkt.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/if_ether.h>
#include <netinet/tcp.h>
#include <netpacket/packet.h>
#include <linux/fs.h>
#include <linux/watchdog.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* linux/if.h; net/if.h lacks it */
#endif

/* Netlink talks to the local kernel and answers at once; the timeout only
 * guards against a kernel that never does. */
#define NL_TIMEOUT_MS 2000

/* ---- rtnetlink plumbing ---- */

/* Netlink answers fit in what the kernel sized after our receive buffer;
 * sock_diag dumps batch many sockets per message. */
#define NL_RECV_SIZE 32768

/* Sends nlh (with sequence number seq) on nl and feeds every answer to cb
 * (NULL for a request that only gets an ack) until the kernel is done or
 * d passes. Returns 0 or -errno (an NLMSG_ERROR's errno). */
static int nl_exchange(struct mnl_socket *nl, struct nlmsghdr *nlh, unsigned seq, mnl_cb_t cb,
		       void *data, struct deadline d)
{
	char buf[NL_RECV_SIZE];
	unsigned portid = mnl_socket_get_portid(nl);

	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		int rc = deadline_poll_fd(mnl_socket_get_fd(nl), POLLIN, d);
		ssize_t n;

		if (rc < 0)
			return rc;
		/* Ready: this does not block. A message larger than buf
		 * fails with ENOSPC rather than arriving cut. */
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		rc = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
		if (rc <= MNL_CB_STOP)
			return rc < 0 ? -errno : 0;
	}
}

/* One request on a fresh rtnetlink socket, answers to cb, bounded by
 * NL_TIMEOUT_MS. Returns 0 or -errno (an NLMSG_ERROR's errno for requests
 * with an ack), -ETIMEDOUT when the kernel never finishes. */
static int nl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	struct mnl_socket *nl;
	int rc;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		rc = -errno;
	else
		rc = nl_exchange(nl, nlh, (unsigned)time(NULL), cb, data,
				 deadline_in_ms(NL_TIMEOUT_MS));
	mnl_socket_close(nl);
	return rc;
}

struct attrs {
	const struct nlattr *tb[64];
	unsigned max;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct attrs *a = data;
	unsigned type = mnl_attr_get_type(attr);

	if (type < a->max && type < 64)
		a->tb[type] = attr;
	return MNL_CB_OK;
}

/* ---- links ---- */

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct os_link *out = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct attrs a = { .max = IFLA_MAX + 1 };

	mnl_attr_parse(nlh, sizeof(*ifi), attr_cb, &a);
	out->index = (unsigned)ifi->ifi_index;
	out->admin_up = ifi->ifi_flags & IFF_UP;
	out->carrier = ifi->ifi_flags & IFF_LOWER_UP;
	if (a.tb[IFLA_IFNAME])
		snprintf(out->name, sizeof(out->name), "%s", mnl_attr_get_str(a.tb[IFLA_IFNAME]));
	if (a.tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(a.tb[IFLA_ADDRESS]) == 6) {
		memcpy(out->mac, mnl_attr_get_payload(a.tb[IFLA_ADDRESS]), 6);
		out->has_mac = true;
	}
	return MNL_CB_OK;
}

int os_link_get(const char *name, struct os_link *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	unsigned index = if_nametoindex(name);

	memset(out, 0, sizeof(*out));
	if (index == 0)
		return -ENODEV;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	/* A single answer has no NLMSG_DONE: ask for the ack that ends it. */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)index;
	return nl_talk(nlh, link_cb, out);
}

/* ---- addresses ---- */

struct addr_query {
	const struct netaddr *want;
	struct os_addr *out;
	bool found;
};

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_query *q = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct attrs a = { .max = IFA_MAX + 1 };
	const struct nlattr *addr;
	uint32_t flags;

	if (ifa->ifa_family != q->want->family || q->found)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, &a);
	/* IPv4 keeps the local address in IFA_LOCAL (IFA_ADDRESS is the peer
	 * on point-to-point links); IPv6 has only IFA_ADDRESS. */
	addr = q->want->family == AF_INET && a.tb[IFA_LOCAL] ? a.tb[IFA_LOCAL] : a.tb[IFA_ADDRESS];
	if (!addr || mnl_attr_get_payload_len(addr) != netaddr_len(q->want) ||
	    memcmp(mnl_attr_get_payload(addr), q->want->u.bytes, netaddr_len(q->want)) != 0)
		return MNL_CB_OK;
	flags = a.tb[IFA_FLAGS] ? mnl_attr_get_u32(a.tb[IFA_FLAGS]) : ifa->ifa_flags;
	q->out->ifindex = ifa->ifa_index;
	q->out->prefix = ifa->ifa_prefixlen;
	q->out->dad_failed = flags & IFA_F_DADFAILED;
	q->out->tentative = (flags & IFA_F_TENTATIVE) && !(flags & IFA_F_DADFAILED);
	q->found = true;
	return MNL_CB_OK;
}

int os_addr_find(const struct netaddr *a, struct os_addr *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct addr_query q = { .want = a, .out = out };
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	int rc;

	memset(out, 0, sizeof(*out));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)a->family;
	rc = nl_talk(nlh, addr_cb, &q);
	if (rc < 0)
		return rc;
	return q.found ? 0 : -ENOENT;
}

static struct nlmsghdr *addr_msg(char *buf, int type, unsigned nlflags, unsigned ifindex,
				 const struct netaddr *a, unsigned prefix)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = (unsigned short)type;
	nlh->nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | nlflags);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)a->family;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	if (a->family == AF_INET)
		mnl_attr_put(nlh, IFA_LOCAL, 4, a->u.bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, netaddr_len(a), a->u.bytes);
	return nlh;
}

int os_addr_add(const struct os_link *link, const struct netaddr *a, unsigned prefix,
		unsigned flags)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = addr_msg(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL,
					link->index, a, prefix);

	if (a->family == AF_INET && prefix < 31) {
		uint32_t host = prefix ? 0xffffffffu >> prefix : 0xffffffffu;
		uint32_t bcast = a->u.v4.s_addr | htonl(host);

		mnl_attr_put(nlh, IFA_BROADCAST, 4, &bcast);
	}
	if (a->family == AF_INET6 && (flags & OS_ADDR_NODAD))
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return nl_talk(nlh, NULL, NULL);
}

int os_addr_del(unsigned ifindex, const struct netaddr *a, unsigned prefix)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return nl_talk(addr_msg(buf, RTM_DELADDR, 0, ifindex, a, prefix), NULL, NULL);
}

/* ---- an address's local route ----
 *
 * The kernel adds one for every local address (IPv4: fib_add_ifaddr;
 * IPv6: addrconf, once DAD is done): table local, type local, a/32 or
 * a/128, on the address's interface (older kernels may put an IPv6 one
 * on lo: the interface is not matched). Input delivers a packet to this
 * host only through it. Output from a does not need it: IPv4 checks a
 * source address against the address list (__ip_dev_find), IPv6 not at
 * all. So without it, sockets on a can still send their RSTs, and a SYN
 * to a goes to forwarding, which a host that does not forward drops
 * without an ICMP error. Deleting a afterwards ignores the missing route
 * (fib_magic, ip6_del_rt). */

/* At most this many local routes for one address (the same address on
 * several interfaces) are deleted. */
#define LOCAL_ROUTE_MAX 8

static int local_route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_query *q = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct attrs a = { .max = RTA_MAX + 1 };
	unsigned table;

	if (q->found || rtm->rtm_family != q->want->family || rtm->rtm_type != RTN_LOCAL ||
	    rtm->rtm_dst_len != netaddr_max_prefix(q->want))
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), attr_cb, &a);
	table = a.tb[RTA_TABLE] ? mnl_attr_get_u32(a.tb[RTA_TABLE]) : rtm->rtm_table;
	if (table == RT_TABLE_LOCAL && a.tb[RTA_DST] &&
	    mnl_attr_get_payload_len(a.tb[RTA_DST]) == netaddr_len(q->want) &&
	    memcmp(mnl_attr_get_payload(a.tb[RTA_DST]), q->want->u.bytes,
		   netaddr_len(q->want)) == 0)
		q->found = true;
	return MNL_CB_OK;
}

/* Dumps family's routes (all tables) through cb. */
static int route_dump(int family, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	return nl_talk(nlh, cb, data);
}

int os_addr_deaf(const struct netaddr *a)
{
	struct addr_query q = { .want = a };
	int rc = route_dump(a->family, local_route_cb, &q);

	if (rc < 0)
		return rc;
	return q.found ? 0 : 1;
}

int os_addr_deafen(const struct netaddr *a)
{
	for (int i = 0; i < LOCAL_ROUTE_MAX; i++) {
		char buf[MNL_SOCKET_BUFFER_SIZE];
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
		struct rtmsg *rtm;
		int rc;

		nlh->nlmsg_type = RTM_DELROUTE;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
		rtm->rtm_family = (unsigned char)a->family;
		rtm->rtm_dst_len = (unsigned char)netaddr_max_prefix(a);
		rtm->rtm_table = RT_TABLE_LOCAL;
		rtm->rtm_type = RTN_LOCAL;
		rtm->rtm_scope = RT_SCOPE_NOWHERE; /* any scope, as ip route del */
		rtm->rtm_protocol = RTPROT_UNSPEC;  /* any protocol */
		mnl_attr_put(nlh, RTA_DST, netaddr_len(a), a->u.bytes);
		rc = nl_talk(nlh, NULL, NULL);
		/* ESRCH: no (more) local route for a. */
		if (rc == -ESRCH)
			return 0;
		if (rc < 0)
			return rc;
	}
	return -EBUSY; /* the kernel kept answering with one more */
}

/* ---- routes ---- */

struct route_query {
	const struct netaddr *want;
	int best_len;
	unsigned best_oif;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_query *q = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct attrs a = { .max = RTA_MAX + 1 };
	struct netaddr dst = { .family = q->want->family };
	unsigned table;

	if (rtm->rtm_family != q->want->family || rtm->rtm_type != RTN_UNICAST ||
	    rtm->rtm_dst_len == 0 || (int)rtm->rtm_dst_len <= q->best_len)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), attr_cb, &a);
	table = a.tb[RTA_TABLE] ? mnl_attr_get_u32(a.tb[RTA_TABLE]) : rtm->rtm_table;
	/* Connected means: main table, straight out of an interface. */
	if (table != RT_TABLE_MAIN || a.tb[RTA_GATEWAY] || a.tb[RTA_VIA] || a.tb[RTA_MULTIPATH] ||
	    !a.tb[RTA_OIF] || !a.tb[RTA_DST] ||
	    mnl_attr_get_payload_len(a.tb[RTA_DST]) != netaddr_len(q->want))
		return MNL_CB_OK;
	memcpy(dst.u.bytes, mnl_attr_get_payload(a.tb[RTA_DST]), netaddr_len(q->want));
	if (!netaddr_in_prefix(q->want, &dst, rtm->rtm_dst_len))
		return MNL_CB_OK;
	q->best_len = rtm->rtm_dst_len;
	q->best_oif = mnl_attr_get_u32(a.tb[RTA_OIF]);
	return MNL_CB_OK;
}

int os_route_find_connected(const struct netaddr *a, char ifname[OS_IFNAME_MAX],
			    unsigned *prefix)
{
	struct route_query q = { .want = a, .best_len = 0 };
	int rc = route_dump(a->family, route_cb, &q);

	if (rc < 0)
		return rc;
	if (q.best_len == 0 || !if_indextoname(q.best_oif, ifname))
		return -ENOENT;
	*prefix = (unsigned)q.best_len;
	return 0;
}

/* ---- ARP ---- */

static int arp_socket(const struct os_link *link, struct sockaddr_ll *bcast)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ARP),
				   .sll_ifindex = (int)link->index };
	int fd;

	if (!link->has_mac)
		return -EAFNOSUPPORT;
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	*bcast = sll;
	bcast->sll_halen = ETH_ALEN;
	memset(bcast->sll_addr, 0xff, ETH_ALEN);
	return fd;
}

/* sender_ip NULL: 0.0.0.0, as an RFC 5227 probe must use. */
static int arp_send(int fd, const struct sockaddr_ll *to, const struct os_link *link,
		    const struct in_addr *sender_ip, const struct in_addr *target_ip)
{
	uint8_t p[NETPKT_ARP_LEN];

	netpkt_arp_build(p, link->mac, sender_ip, target_ip);
	if (sendto(fd, p, sizeof(p), 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
		return -errno;
	return 0;
}

int os_arp_probe(const struct os_link *link, const struct netaddr *a, struct deadline d,
		 uint8_t owner[6])
{
	struct sockaddr_ll bcast;
	int64_t total = deadline_left_ms(d), second_at;
	bool second_sent = false;
	int fd, rc;

	if (a->family != AF_INET)
		return -EAFNOSUPPORT;
	fd = arp_socket(link, &bcast);
	if (fd < 0)
		return fd;
	/* Two probes, at the start and half-way, so one lost frame does not
	 * hide a conflict. */
	second_at = deadline_now_ms() + total / 2;
	rc = arp_send(fd, &bcast, link, NULL, &a->u.v4);
	while (rc == 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t now = deadline_now_ms(), wait = deadline_left_ms(d);
		uint8_t p[64];
		struct sockaddr_ll from;
		socklen_t fromlen = sizeof(from);
		ssize_t n;

		if (!second_sent && now >= second_at) {
			rc = arp_send(fd, &bcast, link, NULL, &a->u.v4);
			second_sent = true;
			continue;
		}
		if (!second_sent && second_at - now < wait)
			wait = second_at - now;
		if (deadline_expired(d))
			break;
		n = poll(&pfd, 1, (int)wait);
		if (n < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		if (n <= 0)
			continue;
		n = recvfrom(fd, p, sizeof(p), MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
		if (n < 0 || from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (netpkt_arp_conflicts(p, (size_t)n, link->mac, &a->u.v4, owner))
			rc = 1;
	}
	close(fd);
	return rc;
}

/* ---- announcements ---- */

static int announce_v4(const struct os_link *link, const struct in_addr *ip)
{
	struct sockaddr_ll bcast;
	int fd = arp_socket(link, &bcast), rc;

	if (fd < 0)
		return fd;
	/* RFC 5227 ARP announcement: a request with sender = target = ip. */
	rc = arp_send(fd, &bcast, link, ip, ip);
	close(fd);
	return rc;
}

static int announce_v6(const struct os_link *link, const struct in6_addr *ip)
{
	uint8_t pkt[NETPKT_NA_LEN];
	struct sockaddr_in6 src = { .sin6_family = AF_INET6, .sin6_addr = *ip };
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6, .sin6_scope_id = link->index };
	int hops = 255, one = 1, rc = 0, fd;
	unsigned ifindex = link->index;

	if (!link->has_mac)
		return -EAFNOSUPPORT;
	/* Unsolicited, override: replace whatever MAC the neighbours cached. */
	netpkt_na_build(pkt, ip, link->mac);
	inet_pton(AF_INET6, "ff02::1", &dst.sin6_addr);

	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	/* Hop limit 255 proves to receivers that the packet is on-link. */
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0 ||
	    sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

int os_announce(const struct os_link *link, const struct netaddr *a)
{
	return a->family == AF_INET ? announce_v4(link, &a->u.v4) : announce_v6(link, &a->u.v6);
}

/* ---- TCP connections: sock_diag, as ss -K does ---- */

/* netpkt.c writes these kernel structs out byte by byte. */
_Static_assert(sizeof(struct inet_diag_sockid) == NETPKT_DIAG_ID_LEN &&
		       offsetof(struct inet_diag_sockid, idiag_src) == 4 &&
		       offsetof(struct inet_diag_sockid, idiag_dst) == 20,
	       "struct inet_diag_sockid");
_Static_assert(sizeof(struct inet_diag_req_v2) == NETPKT_DIAG_REQ_LEN &&
		       offsetof(struct inet_diag_req_v2, idiag_states) == 4 &&
		       offsetof(struct inet_diag_req_v2, id) == 8,
	       "struct inet_diag_req_v2");
_Static_assert(sizeof(struct inet_diag_msg) == NETPKT_DIAG_MSG_LEN &&
		       offsetof(struct inet_diag_msg, id) == 4,
	       "struct inet_diag_msg");
_Static_assert(sizeof(struct inet_diag_bc_op) == 4 && sizeof(struct inet_diag_hostcond) == 8 &&
		       offsetof(struct inet_diag_hostcond, port) == 4 && INET_DIAG_BC_S_COND == 7,
	       "inet_diag bytecode");

/* The states in which the peer holds the connection open, so a reset
 * tells it something. Not LISTEN (the service's own socket: it stays),
 * not TIME_WAIT or CLOSE (the peer has nothing left to wait for). */
#define TCP_CONNECTED_STATES                                                          \
	((1u << TCP_ESTABLISHED) | (1u << TCP_SYN_SENT) | (1u << TCP_SYN_RECV) |      \
	 (1u << TCP_FIN_WAIT1) | (1u << TCP_FIN_WAIT2) | (1u << TCP_CLOSE_WAIT) |     \
	 (1u << TCP_LAST_ACK) | (1u << TCP_CLOSING))

/* Rounds of list-then-reset: a round also finds the connections opened
 * during the one before (a reset client that came straight back while
 * the address is still here). */
#define TCP_RESET_ROUNDS 3

struct diag_conns {
	const struct netaddr *local;
	struct netpkt_diag_sock *v;
	size_t n, cap;
};

static int diag_conn_cb(const struct nlmsghdr *nlh, void *data)
{
	struct diag_conns *c = data;
	struct netpkt_diag_sock s;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    netpkt_diag_msg_parse(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh),
				  &s) < 0)
		return MNL_CB_OK;
	/* The kernel filtered already. Checking again keeps a kernel that
	 * ignored the filter from making us reset anyone else's connections. */
	if (!netaddr_equal(&s.local, c->local) || s.state >= 32 ||
	    !(TCP_CONNECTED_STATES & (1u << s.state)))
		return MNL_CB_OK;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct netpkt_diag_sock *v = realloc(c->v, cap * sizeof(*v));

		if (!v) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = s;
	return MNL_CB_OK;
}

/* Appends family's TCP connections from c->local to c. */
static int diag_list(struct mnl_socket *nl, unsigned *seq, int family, struct diag_conns *c,
		     struct deadline d)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint8_t filter[NETPKT_DIAG_FILTER_MAX];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t flen;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	netpkt_diag_dump_req(mnl_nlmsg_put_extra_header(nlh, NETPKT_DIAG_REQ_LEN), family,
			     TCP_CONNECTED_STATES);
	flen = netpkt_diag_filter_local(filter, c->local);
	mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, flen, filter);
	return nl_exchange(nl, nlh, ++*seq, diag_conn_cb, c, d);
}

static int diag_destroy(struct mnl_socket *nl, unsigned *seq, const struct netpkt_diag_sock *s,
			struct deadline d)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = SOCK_DESTROY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	netpkt_diag_destroy_req(mnl_nlmsg_put_extra_header(nlh, NETPKT_DIAG_REQ_LEN), s);
	return nl_exchange(nl, nlh, ++*seq, NULL, NULL, d);
}

int os_tcp_reset(const struct netaddr *a, struct deadline d, unsigned *reset)
{
	struct diag_conns c = { .local = a };
	struct mnl_socket *nl;
	unsigned seq = (unsigned)time(NULL);
	int rc = 0;

	*reset = 0;
	nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		rc = -errno;
	for (int round = 0; rc == 0 && round < TCP_RESET_ROUNDS; round++) {
		c.n = 0;
		rc = diag_list(nl, &seq, a->family, &c, d);
		/* Dual-stack sockets carry IPv4 connections as ::ffff:a. */
		if (rc == 0 && a->family == AF_INET)
			rc = diag_list(nl, &seq, AF_INET6, &c, d);
		if (c.n == 0)
			break;
		for (size_t i = 0; rc == 0 && i < c.n; i++) {
			rc = diag_destroy(nl, &seq, &c.v[i], d);
			if (rc == 0)
				(*reset)++;
			/* Closed meanwhile, or closed and its addresses reused
			 * by a new socket (the cookie differs): not ours now. */
			else if (rc == -ENOENT || rc == -ESTALE)
				rc = 0;
		}
	}
	free(c.v);
	mnl_socket_close(nl);
	return rc;
}

/* ---- disks ---- */

int os_disk_geometry(int fd, uint64_t *size, uint32_t *sector)
{
	struct stat st;
	int ssz;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		*sector = 4096;
		return 0;
	}
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	if (ioctl(fd, BLKGETSIZE64, size) < 0 || ioctl(fd, BLKSSZGET, &ssz) < 0)
		return -errno;
	*sector = (uint32_t)ssz;
	return 0;
}

/* ---- ZFS multihost tunables, processes holding paths ---- */

static int zfs_param(const char *name, uint64_t *out)
{
	char path[128], buf[32];
	ssize_t n;
	int fd;
	char *end;

	snprintf(path, sizeof(path), "/sys/module/zfs/parameters/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EINVAL;
	buf[n] = '\0';
	errno = 0;
	*out = strtoull(buf, &end, 10);
	if (errno || end == buf || (*end != '\n' && *end != '\0'))
		return -EINVAL;
	return 0;
}

int os_zfs_mmp(struct os_zfs_mmp *out)
{
	int rc = zfs_param("zfs_multihost_interval", &out->interval_ms);

	if (rc == -ENOENT)
		return -ENOTSUP;
	if (rc < 0)
		return rc;
	rc = zfs_param("zfs_multihost_import_intervals", &out->import_intervals);
	if (rc == 0)
		rc = zfs_param("zfs_multihost_fail_intervals", &out->fail_intervals);
	return rc == -ENOENT ? -ENOTSUP : rc;
}

int os_zfs_pool_state(const char *dir, const char *pool, char *buf, size_t len)
{
	char path[PATH_MAX];
	struct stat st;
	ssize_t n;
	int fd;

	if (!dir)
		dir = "/proc/spl/kstat/zfs";
	if (len == 0 || !pool[0] || strchr(pool, '/') || strcmp(pool, ".") == 0 ||
	    strcmp(pool, "..") == 0)
		return -EINVAL;
	if (stat(dir, &st) < 0)
		return errno == ENOENT ? -ENOTSUP : -errno;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s/state", dir, pool) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOTDIR ? -ENOENT : -errno;
	n = read(fd, buf, len);
	close(fd);
	return n < 0 ? -errno : (int)n;
}

/* Devices whose partition tables are not ours to re-read. */
static bool rescan_skip(const char *name)
{
	static const char *const skip[] = { "loop", "ram", "zram", "zd", "dm-", "md", "sr", "nbd" };

	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (strncmp(name, skip[i], strlen(skip[i])) == 0)
			return true;
	return name[0] == '.';
}

int os_disks_rescan(void)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;
	char dev[300];
	int n = 0, fd;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (rescan_skip(e->d_name))
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
		fd = open(dev, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (ioctl(fd, BLKRRPART) == 0)
			n++;
		close(fd);
	}
	closedir(d);
	return n;
}

/* path (a kernel name such as "/tank/fs/f (deleted)") is dir or below it. */
static bool path_below(const char *path, const char *dir, size_t dlen)
{
	return strncmp(path, dir, dlen) == 0 &&
	       (path[dlen] == '\0' || path[dlen] == '/' || strcmp(path + dlen, " (deleted)") == 0);
}

static bool path_held(const char *path, const char *const *dirs, const size_t *dlen,
		      size_t ndirs)
{
	for (size_t i = 0; i < ndirs; i++)
		if (dlen[i] && path_below(path, dirs[i], dlen[i]))
			return true;
	return false;
}

static bool link_held(int procfd, const char *rel, const char *const *dirs,
		      const size_t *dlen, size_t ndirs)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(procfd, rel, target, sizeof(target) - 1);

	if (n <= 0)
		return false;
	target[n] = '\0';
	return path_held(target, dirs, dlen, ndirs);
}

/* One process, by its /proc/PID directory. */
static bool proc_holds(int piddir, const char *const *dirs, const size_t *dlen, size_t ndirs)
{
	static const char *const links[] = { "cwd", "root", "exe" };
	bool held = false;
	DIR *fds;
	FILE *maps;
	int fd;

	for (unsigned i = 0; i < 3 && !held; i++)
		held = link_held(piddir, links[i], dirs, dlen, ndirs);
	fd = openat(piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!held && fd >= 0 && (fds = fdopendir(fd))) {
		struct dirent *e;

		while (!held && (e = readdir(fds))) {
			char rel[300];

			if (e->d_name[0] == '.')
				continue;
			snprintf(rel, sizeof(rel), "fd/%s", e->d_name);
			held = link_held(piddir, rel, dirs, dlen, ndirs);
		}
		closedir(fds);
		fd = -1;
	}
	if (fd >= 0)
		close(fd);
	fd = held ? -1 : openat(piddir, "maps", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && (maps = fdopen(fd, "r"))) {
		char *line = NULL;
		size_t cap = 0;

		while (!held && getline(&line, &cap, maps) > 0) {
			char *p = strchr(line, '/'), *nl;

			if (!p)
				continue;
			nl = strchr(p, '\n');
			if (nl)
				*nl = '\0';
			held = path_held(p, dirs, dlen, ndirs);
		}
		free(line);
		fclose(maps);
	} else if (fd >= 0) {
		close(fd);
	}
	return held;
}

static void proc_comm(int piddir, char comm[OS_COMM_MAX + 1])
{
	ssize_t n;
	int fd = openat(piddir, "comm", O_RDONLY | O_CLOEXEC);

	strcpy(comm, "?");
	if (fd < 0)
		return;
	n = read(fd, comm, OS_COMM_MAX);
	close(fd);
	if (n <= 0) {
		strcpy(comm, "?");
		return;
	}
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

int os_path_holders(const char *const *dirs, size_t ndirs, struct os_holder *out, size_t max)
{
	size_t dlen[32], found = 0;
	pid_t self = getpid();
	struct dirent *e;
	DIR *proc;

	if (ndirs > sizeof(dlen) / sizeof(dlen[0]))
		return -E2BIG;
	for (size_t i = 0; i < ndirs; i++) {
		if (!dirs[i] || dirs[i][0] != '/')
			return -EINVAL;
		dlen[i] = strlen(dirs[i]);
		while (dlen[i] > 1 && dirs[i][dlen[i] - 1] == '/')
			dlen[i]--;
		if (dlen[i] == 1)
			dlen[i] = 0; /* "/": matches everything, so nothing */
	}
	proc = opendir("/proc");
	if (!proc)
		return -errno;
	while ((e = readdir(proc))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		int piddir;

		if (*end || pid <= 0 || pid == self)
			continue;
		piddir = openat(dirfd(proc), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (piddir < 0)
			continue; /* gone meanwhile */
		if (proc_holds(piddir, dirs, dlen, ndirs)) {
			if (found < max) {
				out[found].pid = (int)pid;
				proc_comm(piddir, out[found].comm);
			}
			found++;
		}
		close(piddir);
	}
	closedir(proc);
	return found > INT32_MAX ? INT32_MAX : (int)found;
}

/* ---- the watchdog (linux/watchdog.h; Documentation/watchdog/watchdog-api) ---- */

int os_watchdog_arm(int fd, uint32_t *timeout_ms)
{
	struct watchdog_info info;
	int s = (int)(*timeout_ms / 1000), dummy = 0;

	if (s < 1)
		return -EINVAL;
	/* Any watchdog answers this; anything else says ENOTTY (or EINVAL). */
	memset(&info, 0, sizeof(info));
	if (ioctl(fd, WDIOC_GETSUPPORT, &info) < 0)
		return errno == EINVAL ? -ENOTTY : -errno;
	/* The kernel stops a watchdog without WDIOF_MAGICCLOSE on every
	 * close, so also when a crashed daemon's descriptor is closed. */
	if (!(info.options & WDIOF_MAGICCLOSE))
		return -EOPNOTSUPP;
	if (ioctl(fd, WDIOC_SETTIMEOUT, &s) < 0) {
		if (errno != EOPNOTSUPP)
			return -errno;
		/* A fixed timeout: the caller decides whether it will do. */
		if (ioctl(fd, WDIOC_GETTIMEOUT, &s) < 0)
			return -errno;
	}
	if (s < 1)
		return -EOPNOTSUPP;
	if (ioctl(fd, WDIOC_KEEPALIVE, &dummy) < 0)
		return -errno;
	*timeout_ms = (uint32_t)s * 1000;
	return 0;
}

int os_watchdog_pet(int fd, uint32_t timeout_ms)
{
	int dummy = 0;

	(void)timeout_ms;
	return ioctl(fd, WDIOC_KEEPALIVE, &dummy) < 0 ? -errno : 0;
}

int os_watchdog_disarm(int fd)
{
	/* The magic close: 'V', then close(). */
	for (;;) {
		ssize_t n = write(fd, "V", 1);

		if (n == 1)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? -errno : -EIO;
	}
}

int os_proc_no_dumps(void)
{
	const struct rlimit none = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &none) < 0)
		return -errno;
	return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 ? -errno : 0;
}
