/* ARP and neighbour advertisement bytes; sock_diag payloads. */
#include "config.h"
#include "netpkt.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

enum {
	ARP_HRD_ETHER = 1,
	ARP_PRO_IPV4 = 0x0800,
	ARP_OP_REQUEST = 1,
	ARP_OP_REPLY = 2,
	/* Offsets in the Ethernet/IPv4 ARP payload. */
	ARP_OFF_OP = 6,
	ARP_OFF_SHA = 8,
	ARP_OFF_SPA = 14,
	ARP_OFF_THA = 18,
	ARP_OFF_TPA = 24,
	ND_NEIGHBOR_ADVERT_TYPE = 136,
	ND_NA_FLAG_OVERRIDE_BIT = 0x20, /* in the first flags byte */
	ND_OPT_TARGET_LL = 2,
};

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

void netpkt_arp_build(uint8_t out[NETPKT_ARP_LEN], const uint8_t mac[6],
		      const struct in_addr *sender_ip, const struct in_addr *target_ip)
{
	memset(out, 0, NETPKT_ARP_LEN);
	put16(out, ARP_HRD_ETHER);
	put16(out + 2, ARP_PRO_IPV4);
	out[4] = 6; /* hardware address length */
	out[5] = 4; /* protocol address length */
	put16(out + ARP_OFF_OP, ARP_OP_REQUEST);
	memcpy(out + ARP_OFF_SHA, mac, 6);
	if (sender_ip)
		memcpy(out + ARP_OFF_SPA, sender_ip, 4);
	/* Target hardware address stays zero (RFC 5227: ignored). */
	memcpy(out + ARP_OFF_TPA, target_ip, 4);
}

bool netpkt_arp_conflicts(const uint8_t *pkt, size_t len, const uint8_t mymac[6],
			  const struct in_addr *ip, uint8_t owner[6])
{
	static const uint8_t zero[4];
	unsigned op;

	if (len < NETPKT_ARP_LEN || get16(pkt) != ARP_HRD_ETHER ||
	    get16(pkt + 2) != ARP_PRO_IPV4 || pkt[4] != 6 || pkt[5] != 4)
		return false;
	op = get16(pkt + ARP_OFF_OP);
	if ((op != ARP_OP_REQUEST && op != ARP_OP_REPLY) ||
	    memcmp(pkt + ARP_OFF_SHA, mymac, 6) == 0)
		return false;
	/* Someone answering or announcing from ip, or someone else probing
	 * for ip at the same moment. */
	if (memcmp(pkt + ARP_OFF_SPA, ip, 4) == 0 ||
	    (op == ARP_OP_REQUEST && memcmp(pkt + ARP_OFF_SPA, zero, 4) == 0 &&
	     memcmp(pkt + ARP_OFF_TPA, ip, 4) == 0)) {
		memcpy(owner, pkt + ARP_OFF_SHA, 6);
		return true;
	}
	return false;
}

void netpkt_na_build(uint8_t out[NETPKT_NA_LEN], const struct in6_addr *target,
		     const uint8_t mac[6])
{
	memset(out, 0, NETPKT_NA_LEN);
	out[0] = ND_NEIGHBOR_ADVERT_TYPE;
	/* out[1] code 0, out[2..3] checksum (kernel), out[4..7] flags. */
	out[4] = ND_NA_FLAG_OVERRIDE_BIT;
	memcpy(out + 8, target, 16);
	out[24] = ND_OPT_TARGET_LL;
	out[25] = 1; /* option length in units of 8 bytes */
	memcpy(out + 26, mac, 6);
}

/* ---- sock_diag ----
 *
 * struct inet_diag_sockid (48 bytes): sport, dport (be16); src[4], dst[4]
 * (be32: an IPv4 address in the first word); ifindex (u32); cookie[2]
 * (u32). struct inet_diag_req_v2 (56): family, protocol, ext, pad (u8);
 * states (u32); the sockid. struct inet_diag_msg (72): family, state,
 * timer, retrans (u8); the sockid; five u32 counters. */
enum {
	DIAG_ID_SPORT = 0,
	DIAG_ID_DPORT = 2,
	DIAG_ID_SRC = 4,
	DIAG_ID_DST = 20,
	DIAG_REQ_FAMILY = 0,
	DIAG_REQ_PROTOCOL = 1,
	DIAG_REQ_STATES = 4,
	DIAG_REQ_ID = 8,
	DIAG_MSG_FAMILY = 0,
	DIAG_MSG_STATE = 1,
	DIAG_MSG_ID = 4,
	/* Bytecode: struct inet_diag_bc_op (code, yes: u8; no: u16), then
	 * struct inet_diag_hostcond (family, prefix_len: u8; 2 bytes of
	 * padding; port: int, -1 = any), then the address. */
	DIAG_BC_S_COND = 7, /* INET_DIAG_BC_S_COND */
	DIAG_BC_OP_LEN = 4,
	DIAG_BC_HOSTCOND_LEN = 8,
};

static void put_host32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

void netpkt_diag_dump_req(uint8_t out[NETPKT_DIAG_REQ_LEN], int family, uint32_t states)
{
	memset(out, 0, NETPKT_DIAG_REQ_LEN);
	out[DIAG_REQ_FAMILY] = (uint8_t)family;
	out[DIAG_REQ_PROTOCOL] = IPPROTO_TCP;
	put_host32(out + DIAG_REQ_STATES, states);
}

size_t netpkt_diag_filter_local(uint8_t out[NETPKT_DIAG_FILTER_MAX], const struct netaddr *a)
{
	size_t alen = netaddr_len(a);
	size_t len = DIAG_BC_OP_LEN + DIAG_BC_HOSTCOND_LEN + alen;
	/* The kernel runs the ops as jumps: "yes" lands exactly on the end of
	 * the program (accept), "no" 4 bytes past it (reject). */
	uint16_t no = (uint16_t)(len + 4);
	int any_port = -1;

	memset(out, 0, NETPKT_DIAG_FILTER_MAX);
	out[0] = DIAG_BC_S_COND;
	out[1] = (uint8_t)len;
	memcpy(out + 2, &no, sizeof(no));
	out[DIAG_BC_OP_LEN] = (uint8_t)a->family;
	out[DIAG_BC_OP_LEN + 1] = (uint8_t)(alen * 8); /* the whole address */
	memcpy(out + DIAG_BC_OP_LEN + 4, &any_port, sizeof(any_port));
	memcpy(out + DIAG_BC_OP_LEN + DIAG_BC_HOSTCOND_LEN, a->u.bytes, alen);
	return len;
}

/* An address from a sockid: IPv4 in the first word; IPv4-mapped IPv6
 * (::ffff:a.b.c.d, a dual-stack socket's IPv4 peer) as IPv4. */
static void diag_addr(const uint8_t *p, int family, struct netaddr *out)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	memset(out, 0, sizeof(*out));
	if (family == AF_INET6 && memcmp(p, mapped, sizeof(mapped)) != 0) {
		out->family = AF_INET6;
		memcpy(out->u.bytes, p, 16);
		return;
	}
	out->family = AF_INET;
	memcpy(out->u.bytes, family == AF_INET ? p : p + 12, 4);
}

int netpkt_diag_msg_parse(const uint8_t *p, size_t len, struct netpkt_diag_sock *out)
{
	const uint8_t *id = p + DIAG_MSG_ID;

	if (len < NETPKT_DIAG_MSG_LEN ||
	    (p[DIAG_MSG_FAMILY] != AF_INET && p[DIAG_MSG_FAMILY] != AF_INET6))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->family = p[DIAG_MSG_FAMILY];
	out->state = p[DIAG_MSG_STATE];
	diag_addr(id + DIAG_ID_SRC, out->family, &out->local);
	diag_addr(id + DIAG_ID_DST, out->family, &out->remote);
	out->local_port = (uint16_t)get16(id + DIAG_ID_SPORT);
	out->remote_port = (uint16_t)get16(id + DIAG_ID_DPORT);
	memcpy(out->id, id, NETPKT_DIAG_ID_LEN);
	return 0;
}

void netpkt_diag_destroy_req(uint8_t out[NETPKT_DIAG_REQ_LEN], const struct netpkt_diag_sock *s)
{
	/* The kernel finds the socket by family, protocol and the whole
	 * identity, cookie included: a socket that closed and was replaced
	 * by another with the same addresses answers ESTALE, not a reset. */
	netpkt_diag_dump_req(out, s->family, 0);
	memcpy(out + DIAG_REQ_ID, s->id, NETPKT_DIAG_ID_LEN);
}
