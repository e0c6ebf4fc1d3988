/* IP address parsing and checks. */
#include "config.h"
#include "netaddr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int netaddr_parse(const char *s, struct netaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (!s)
		return -EINVAL;
	if (inet_pton(AF_INET, s, &a->u.v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->u.v6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

const char *netaddr_format(const struct netaddr *a, char *buf)
{
	if (!inet_ntop(a->family, a->u.bytes, buf, NETADDR_STRLEN))
		snprintf(buf, NETADDR_STRLEN, "?");
	return buf;
}

size_t netaddr_len(const struct netaddr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

unsigned netaddr_max_prefix(const struct netaddr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

static int why_set(char *why, size_t len, const char *msg)
{
	snprintf(why, len, "%s", msg);
	return -EINVAL;
}

int netaddr_check_floatable(const struct netaddr *a, char *why, size_t whylen)
{
	if (a->family == AF_INET) {
		uint32_t h = ntohl(a->u.v4.s_addr);

		if (h == 0)
			return why_set(why, whylen, "the unspecified address cannot float");
		if ((h >> 24) == 0)
			return why_set(why, whylen, "0.0.0.0/8 is not a host address");
		if ((h >> 24) == 127)
			return why_set(why, whylen, "a loopback address cannot float");
		if ((h >> 28) == 0xe)
			return why_set(why, whylen, "a multicast address cannot be assigned");
		if ((h >> 28) == 0xf)
			return why_set(why, whylen, "240.0.0.0/4 and broadcast are not host addresses");
		if ((h >> 16) == 0xa9fe)
			return why_set(why, whylen, "a link-local (169.254/16) address cannot float");
		return 0;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&a->u.v6))
		return why_set(why, whylen, "the unspecified address cannot float");
	if (IN6_IS_ADDR_LOOPBACK(&a->u.v6))
		return why_set(why, whylen, "a loopback address cannot float");
	if (IN6_IS_ADDR_MULTICAST(&a->u.v6))
		return why_set(why, whylen, "a multicast address cannot be assigned");
	if (IN6_IS_ADDR_LINKLOCAL(&a->u.v6))
		return why_set(why, whylen, "a link-local (fe80::/10) address cannot float");
	if (IN6_IS_ADDR_V4MAPPED(&a->u.v6))
		return why_set(why, whylen, "write an IPv4-mapped address as plain IPv4");
	return 0;
}

/* A dotted mask must be ones then zeros: 255.255.255.0 yes, 255.0.255.0 no. */
static int dotted_mask_len(const char *s, unsigned *len)
{
	struct in_addr m;
	uint32_t h;
	unsigned n = 0;

	if (inet_pton(AF_INET, s, &m) != 1)
		return -EINVAL;
	h = ntohl(m.s_addr);
	while (n < 32 && (h & (0x80000000u >> n)))
		n++;
	if (n < 32 && (h << n) != 0)
		return -EINVAL;
	*len = n;
	return 0;
}

int netaddr_parse_prefix(const char *s, int family, unsigned *len)
{
	unsigned max = family == AF_INET ? 32 : 128;
	unsigned long v = 0;

	if (!s || !*s)
		return -EINVAL;
	if (strchr(s, '.')) {
		if (family == AF_INET6)
			return -EINVAL;
		return dotted_mask_len(s, len);
	}
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p) || p - s >= 3)
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	/* A zero-length prefix would claim the whole address space. */
	if (v < 1 || v > max)
		return -EINVAL;
	*len = (unsigned)v;
	return 0;
}

bool netaddr_in_prefix(const struct netaddr *a, const struct netaddr *net, unsigned len)
{
	unsigned full = len / 8, rest = len % 8;

	if (a->family != net->family || len > netaddr_max_prefix(a))
		return false;
	if (memcmp(a->u.bytes, net->u.bytes, full) != 0)
		return false;
	if (rest) {
		unsigned char mask = (unsigned char)(0xff << (8 - rest));

		return (a->u.bytes[full] & mask) == (net->u.bytes[full] & mask);
	}
	return true;
}

bool netaddr_equal(const struct netaddr *a, const struct netaddr *b)
{
	return a->family == b->family && memcmp(a->u.bytes, b->u.bytes, netaddr_len(a)) == 0;
}

int netaddr_check_ifname(const char *name, char *why, size_t whylen)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0)
		return why_set(why, whylen, "an interface name cannot be empty");
	if (n > 15)
		return why_set(why, whylen, "interface names have at most 15 characters");
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return why_set(why, whylen, "not an interface name");
	for (const char *p = name; *p; p++) {
		if (*p == ':')
			return why_set(why, whylen,
				       "alias labels (eth0:1) are not interfaces: give the interface itself");
		if (*p == '/' || isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			return why_set(why, whylen,
				       "interface names cannot contain '/', spaces or control characters");
	}
	return 0;
}
