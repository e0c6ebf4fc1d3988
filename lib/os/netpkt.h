/* The wire formats floatip speaks, as pure functions over byte buffers:
 * the ARP payload (RFC 826, RFC 5227 probes and announcements), the rule
 * that tells a conflicting ARP packet, the unsolicited IPv6 neighbour
 * advertisement (RFC 4861 4.4), and the Linux sock_diag messages that find
 * and reset TCP connections. The OS layers only move these bytes; the
 * bytes themselves are built, parsed and tested here, once. */
#ifndef TWINHEAD_NETPKT_H
#define TWINHEAD_NETPKT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

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

/* ---- Linux sock_diag (NETLINK_SOCK_DIAG, include/uapi/linux/inet_diag.h) ----
 *
 * The payloads of a TCP socket dump (SOCK_DIAG_BY_FAMILY) and of
 * SOCK_DESTROY, written out byte by byte as the kernel lays out its
 * structs: the kernel's own integers in host byte order, ports and
 * addresses in network order. So they build and are tested on any host;
 * only os_linux.c sends them, and it asserts these sizes and offsets
 * against the kernel's headers at compile time. Families are the host's
 * AF_INET/AF_INET6, which are Linux's wherever these bytes are used. */

#define NETPKT_DIAG_ID_LEN 48     /* struct inet_diag_sockid */
#define NETPKT_DIAG_REQ_LEN 56    /* struct inet_diag_req_v2 */
#define NETPKT_DIAG_MSG_LEN 72    /* struct inet_diag_msg, without attributes */
#define NETPKT_DIAG_FILTER_MAX 28 /* one inet_diag_bc_op, a hostcond, an IPv6 address */

/* One TCP socket from a dump. */
struct netpkt_diag_sock {
	int family;             /* the socket's: AF_INET6 also for IPv4-mapped ones */
	unsigned state;         /* the kernel's TCP state number (TCP_ESTABLISHED...) */
	struct netaddr local;   /* IPv4-mapped IPv6 addresses given as IPv4 */
	struct netaddr remote;
	uint16_t local_port;    /* host byte order */
	uint16_t remote_port;
	uint8_t id[NETPKT_DIAG_ID_LEN]; /* the kernel's identity of the socket
					 * (addresses, ports, interface, cookie),
					 * echoed back to destroy exactly it */
};

/* The request payload that dumps family's TCP sockets whose state s has
 * bit (1 << s) set in states. A filter (below) rides along as the
 * INET_DIAG_REQ_BYTECODE attribute. */
void netpkt_diag_dump_req(uint8_t out[NETPKT_DIAG_REQ_LEN], int family, uint32_t states);

/* Filter bytecode that accepts exactly the sockets whose local address is
 * a, on any port. The kernel matches an IPv4 a also against IPv4-mapped
 * addresses of AF_INET6 sockets. Returns the bytecode's length (16 for
 * IPv4, 28 for IPv6). */
size_t netpkt_diag_filter_local(uint8_t out[NETPKT_DIAG_FILTER_MAX], const struct netaddr *a);

/* Decodes a dump answer's payload of len bytes (attributes after the first
 * NETPKT_DIAG_MSG_LEN bytes are ignored). Returns 0, or -EINVAL when it is
 * too short or of a family other than AF_INET and AF_INET6. */
int netpkt_diag_msg_parse(const uint8_t *p, size_t len, struct netpkt_diag_sock *out);

/* The SOCK_DESTROY request payload for the TCP socket s. */
void netpkt_diag_destroy_req(uint8_t out[NETPKT_DIAG_REQ_LEN], const struct netpkt_diag_sock *s);

#endif
