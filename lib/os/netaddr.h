/* IP addresses as agents take them from parameters: parsing, prefix
 * lengths, and the checks that keep a floating address sane.
 * Pure functions over values; portable. */
#ifndef TWINHEAD_NETADDR_H
#define TWINHEAD_NETADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

struct netaddr {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		unsigned char bytes[16];
	} u;
};

#define NETADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

/* Parses an IPv4 dotted quad or an IPv6 literal, nothing else (no host
 * names, no zone "%eth0", no prefix "/24"). Returns 0 or -EINVAL. */
int netaddr_parse(const char *s, struct netaddr *a);

/* Formats a into buf (NETADDR_STRLEN bytes). Returns buf. */
const char *netaddr_format(const struct netaddr *a, char *buf);

/* Length of the address in bytes: 4 or 16. */
size_t netaddr_len(const struct netaddr *a);

/* 32 or 128. */
unsigned netaddr_max_prefix(const struct netaddr *a);

/* Returns 0 if a may float between hosts (a unicast address that is not
 * unspecified, loopback, multicast, broadcast, link-local or IPv4-mapped);
 * else -EINVAL with why filled in. */
int netaddr_check_floatable(const struct netaddr *a, char *why, size_t whylen);

/* Parses a prefix length ("24") or, for IPv4, a contiguous dotted netmask
 * ("255.255.255.0"). family AF_UNSPEC accepts anything valid for either
 * family (0..128, or a dotted mask). Returns 0 or -EINVAL. */
int netaddr_parse_prefix(const char *s, int family, unsigned *len);

/* True when a lies in net/len (same family). */
bool netaddr_in_prefix(const struct netaddr *a, const struct netaddr *net, unsigned len);

/* True when both are the same address. */
bool netaddr_equal(const struct netaddr *a, const struct netaddr *b);

/* Checks an interface name: 1..15 bytes, no '/', ':', whitespace or
 * control characters, not "." or "..". Returns 0 or -EINVAL, why filled. */
int netaddr_check_ifname(const char *name, char *why, size_t whylen);

#endif
