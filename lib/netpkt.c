/* ARP and neighbour advertisement bytes. */
#include "config.h"
#include "netpkt.h"

#include <string.h>

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
