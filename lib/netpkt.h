/* The wire formats floatip speaks, as pure functions over byte buffers:
 * the ARP payload (RFC 826, RFC 5227 probes and announcements), the rule
 * that tells a conflicting ARP packet, and the unsolicited IPv6 neighbour
 * advertisement (RFC 4861 4.4). The OS layers only move these bytes; the
 * bytes themselves are built, parsed and tested here, once. */
#ifndef TWINHEAD_NETPKT_H
#define TWINHEAD_NETPKT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETPKT_ARP_LEN 28 /* Ethernet/IPv4 ARP payload */
#define NETPKT_NA_LEN 32  /* NA with a target link-layer address option */
#define NETPKT_ETHERTYPE_ARP 0x0806

/* An ARP request from mac: sender_ip NULL means 0.0.0.0 (a probe);
 * sender_ip == target_ip makes an announcement (gratuitous ARP). */
void netpkt_arp_build(uint8_t out[NETPKT_ARP_LEN], const uint8_t mac[6],
		      const struct in_addr *sender_ip, const struct in_addr *target_ip);

/* Does this ARP payload (len bytes, from anyone) show another host using
 * or claiming ip? True for a packet from another MAC whose sender address
 * is ip, or another host's probe for ip (RFC 5227 2.1.1). Our own packets
 * (sender hardware address mymac) and malformed ones are never conflicts.
 * On true, owner gets the other host's MAC. */
bool netpkt_arp_conflicts(const uint8_t *pkt, size_t len, const uint8_t mymac[6],
			  const struct in_addr *ip, uint8_t owner[6]);

/* An unsolicited neighbour advertisement for target at mac, with the
 * override flag and no solicited flag. The checksum is left 0: the kernel
 * fills it in for raw ICMPv6 sockets. */
void netpkt_na_build(uint8_t out[NETPKT_NA_LEN], const struct in6_addr *target,
		     const uint8_t mac[6]);

#endif
