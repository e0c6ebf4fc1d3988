/* ARP and neighbour advertisement bytes, the ARP conflict rule, and the
 * sock_diag payloads (layouts from include/uapi/linux/inet_diag.h). */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "../check_tap.h"
#include "netpkt.h"

static const uint8_t me[6] = { 0x02, 0, 0x0a, 0xd5, 0, 0x0b };
static const uint8_t other[6] = { 0x02, 0, 0x0a, 0xd5, 0, 0x0c };

static struct in_addr v4(const char *s)
{
	struct in_addr a;

	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a;
}

START_TEST(probe_has_zero_sender_address)
{
	uint8_t p[NETPKT_ARP_LEN];
	struct in_addr ip = v4("10.213.0.100");
	static const uint8_t head[8] = { 0, 1, 0x08, 0, 6, 4, 0, 1 }; /* ether, ipv4, request */

	netpkt_arp_build(p, me, NULL, &ip);
	ck_assert_mem_eq(p, head, 8);
	ck_assert_mem_eq(p + 8, me, 6);
	ck_assert_mem_eq(p + 14, "\0\0\0\0", 4);
	ck_assert_mem_eq(p + 18, "\0\0\0\0\0\0", 6);
	ck_assert_mem_eq(p + 24, &ip, 4);
}
END_TEST

START_TEST(announcement_names_the_address_twice)
{
	uint8_t p[NETPKT_ARP_LEN];
	struct in_addr ip = v4("10.213.0.100");

	netpkt_arp_build(p, me, &ip, &ip);
	ck_assert_mem_eq(p + 14, &ip, 4);
	ck_assert_mem_eq(p + 24, &ip, 4);
}
END_TEST

START_TEST(another_host_announcing_the_address_conflicts)
{
	uint8_t p[NETPKT_ARP_LEN], owner[6] = { 0 };
	struct in_addr ip = v4("10.213.0.100");

	netpkt_arp_build(p, other, &ip, &ip);
	ck_assert(netpkt_arp_conflicts(p, sizeof(p), me, &ip, owner));
	ck_assert_mem_eq(owner, other, 6);
}
END_TEST

START_TEST(another_host_answering_conflicts)
{
	uint8_t p[NETPKT_ARP_LEN], owner[6];
	struct in_addr ip = v4("10.213.0.100"), asker = v4("10.213.0.11");

	netpkt_arp_build(p, other, &ip, &asker);
	p[7] = 2; /* reply */
	ck_assert(netpkt_arp_conflicts(p, sizeof(p), me, &ip, owner));
}
END_TEST

START_TEST(simultaneous_probe_conflicts)
{
	uint8_t p[NETPKT_ARP_LEN], owner[6];
	struct in_addr ip = v4("10.213.0.100");

	netpkt_arp_build(p, other, NULL, &ip);
	ck_assert(netpkt_arp_conflicts(p, sizeof(p), me, &ip, owner));
}
END_TEST

START_TEST(our_own_packets_never_conflict)
{
	uint8_t p[NETPKT_ARP_LEN], owner[6];
	struct in_addr ip = v4("10.213.0.100");

	netpkt_arp_build(p, me, &ip, &ip);
	ck_assert(!netpkt_arp_conflicts(p, sizeof(p), me, &ip, owner));
	netpkt_arp_build(p, me, NULL, &ip);
	ck_assert(!netpkt_arp_conflicts(p, sizeof(p), me, &ip, owner));
}
END_TEST

START_TEST(unrelated_traffic_does_not_conflict)
{
	uint8_t p[NETPKT_ARP_LEN], owner[6];
	struct in_addr ip = v4("10.213.0.100"), a = v4("10.213.0.12"), b = v4("10.213.0.13");

	netpkt_arp_build(p, other, &a, &b);
	ck_assert(!netpkt_arp_conflicts(p, sizeof(p), me, &ip, owner));
	/* Someone asking for ip (not probing) is a client, not an owner. */
	netpkt_arp_build(p, other, &a, &ip);
	ck_assert(!netpkt_arp_conflicts(p, sizeof(p), me, &ip, owner));
}
END_TEST

START_TEST(malformed_packets_are_ignored)
{
	uint8_t p[NETPKT_ARP_LEN], owner[6];
	struct in_addr ip = v4("10.213.0.100");

	netpkt_arp_build(p, other, &ip, &ip);
	ck_assert(!netpkt_arp_conflicts(p, sizeof(p) - 1, me, &ip, owner));
	p[4] = 8; /* not Ethernet addresses */
	ck_assert(!netpkt_arp_conflicts(p, sizeof(p), me, &ip, owner));
	p[4] = 6;
	p[3] = 0xdd; /* not IPv4 */
	ck_assert(!netpkt_arp_conflicts(p, sizeof(p), me, &ip, owner));
	p[3] = 0;
	p[7] = 9; /* no such operation */
	ck_assert(!netpkt_arp_conflicts(p, sizeof(p), me, &ip, owner));
}
END_TEST

START_TEST(neighbour_advertisement_layout)
{
	uint8_t na[NETPKT_NA_LEN];
	struct in6_addr t;

	ck_assert_int_eq(inet_pton(AF_INET6, "fd00:213::100", &t), 1);
	netpkt_na_build(na, &t, me);
	ck_assert_uint_eq(na[0], 136);   /* neighbour advertisement */
	ck_assert_uint_eq(na[1], 0);     /* code */
	ck_assert_uint_eq(na[4], 0x20);  /* override, not solicited, not router */
	ck_assert_mem_eq(na + 8, &t, 16);
	ck_assert_uint_eq(na[24], 2);    /* target link-layer address option */
	ck_assert_uint_eq(na[25], 1);    /* 8 bytes */
	ck_assert_mem_eq(na + 26, me, 6);
}
END_TEST

static uint32_t host32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

START_TEST(diag_dump_request_layout)
{
	uint8_t r[NETPKT_DIAG_REQ_LEN];
	static const uint8_t zero[NETPKT_DIAG_ID_LEN];

	memset(r, 0xee, sizeof(r));
	netpkt_diag_dump_req(r, AF_INET6, 0x0b3e);
	ck_assert_uint_eq(r[0], AF_INET6);   /* sdiag_family */
	ck_assert_uint_eq(r[1], IPPROTO_TCP); /* sdiag_protocol */
	ck_assert_uint_eq(r[2], 0);           /* no extensions */
	ck_assert_uint_eq(r[3], 0);
	ck_assert_uint_eq(host32(r + 4), 0x0b3e); /* idiag_states, host order */
	ck_assert_mem_eq(r + 8, zero, sizeof(zero)); /* a dump names no socket */
}
END_TEST

START_TEST(diag_filter_ipv4_local_address)
{
	uint8_t f[NETPKT_DIAG_FILTER_MAX];
	struct netaddr a = { .family = AF_INET, .u.v4 = v4("10.213.0.110") };
	uint16_t no;
	int port;

	ck_assert_uint_eq(netpkt_diag_filter_local(f, &a), 16);
	ck_assert_uint_eq(f[0], 7);  /* INET_DIAG_BC_S_COND: the local address */
	ck_assert_uint_eq(f[1], 16); /* yes: to the end, accept */
	memcpy(&no, f + 2, 2);
	ck_assert_uint_eq(no, 20);   /* no: past the end, reject */
	ck_assert_uint_eq(f[4], AF_INET);
	ck_assert_uint_eq(f[5], 32); /* the whole address */
	memcpy(&port, f + 8, 4);
	ck_assert_int_eq(port, -1);  /* any port */
	ck_assert_mem_eq(f + 12, &a.u.v4, 4);
}
END_TEST

START_TEST(diag_filter_ipv6_local_address)
{
	uint8_t f[NETPKT_DIAG_FILTER_MAX];
	struct netaddr a = { .family = AF_INET6 };
	uint16_t no;

	ck_assert_int_eq(inet_pton(AF_INET6, "fd00:213::110", &a.u.v6), 1);
	ck_assert_uint_eq(netpkt_diag_filter_local(f, &a), 28);
	ck_assert_uint_eq(f[1], 28);
	memcpy(&no, f + 2, 2);
	ck_assert_uint_eq(no, 32);
	ck_assert_uint_eq(f[4], AF_INET6);
	ck_assert_uint_eq(f[5], 128);
	ck_assert_mem_eq(f + 12, &a.u.v6, 16);
}
END_TEST

/* An inet_diag_msg as the kernel sends it: family, state; sockid with
 * ports, src, dst (16 bytes each), ifindex, cookie; five counters. */
static void diag_msg(uint8_t m[NETPKT_DIAG_MSG_LEN], int family, const void *src,
		     const void *dst, size_t alen)
{
	uint32_t cookie[2] = { 0x11223344, 0x55667788 }, ifindex = 2;

	memset(m, 0x5a, NETPKT_DIAG_MSG_LEN);
	m[0] = (uint8_t)family;
	m[1] = 1; /* TCP_ESTABLISHED */
	m[4] = 0x0c; /* sport 3260 */
	m[5] = 0xbc;
	m[6] = 0x9c; /* dport 40000 */
	m[7] = 0x40;
	memset(m + 8, 0, 32);
	memcpy(m + 8, src, alen);
	memcpy(m + 24, dst, alen);
	memcpy(m + 40, &ifindex, 4);
	memcpy(m + 44, cookie, 8);
}

START_TEST(diag_msg_ipv4)
{
	uint8_t m[NETPKT_DIAG_MSG_LEN + 8];
	struct in_addr src = v4("10.213.0.110"), dst = v4("10.213.0.12");
	struct netpkt_diag_sock s;

	diag_msg(m, AF_INET, &src, &dst, 4);
	/* Attributes may follow; they are not ours to read. */
	ck_assert_int_eq(netpkt_diag_msg_parse(m, sizeof(m), &s), 0);
	ck_assert_int_eq(s.family, AF_INET);
	ck_assert_uint_eq(s.state, 1);
	ck_assert_int_eq(s.local.family, AF_INET);
	ck_assert_mem_eq(&s.local.u.v4, &src, 4);
	ck_assert_mem_eq(&s.remote.u.v4, &dst, 4);
	ck_assert_uint_eq(s.local_port, 3260);
	ck_assert_uint_eq(s.remote_port, 40000);
	ck_assert_mem_eq(s.id, m + 4, NETPKT_DIAG_ID_LEN);
}
END_TEST

START_TEST(diag_msg_ipv4_mapped_is_ipv4)
{
	uint8_t m[NETPKT_DIAG_MSG_LEN], src[16] = { [10] = 0xff, [11] = 0xff },
		dst[16] = { [10] = 0xff, [11] = 0xff };
	struct in_addr l = v4("10.213.0.110"), r = v4("10.213.0.12");
	struct netpkt_diag_sock s;
	struct netaddr want = { .family = AF_INET, .u.v4 = l };

	memcpy(src + 12, &l, 4);
	memcpy(dst + 12, &r, 4);
	diag_msg(m, AF_INET6, src, dst, 16);
	ck_assert_int_eq(netpkt_diag_msg_parse(m, sizeof(m), &s), 0);
	ck_assert_int_eq(s.family, AF_INET6); /* destroyed as the AF_INET6 socket it is */
	ck_assert(netaddr_equal(&s.local, &want));
	ck_assert_int_eq(s.remote.family, AF_INET);
	ck_assert_mem_eq(&s.remote.u.v4, &r, 4);
}
END_TEST

START_TEST(diag_msg_ipv6)
{
	uint8_t m[NETPKT_DIAG_MSG_LEN];
	struct netaddr l = { .family = AF_INET6 }, r = { .family = AF_INET6 };
	struct netpkt_diag_sock s;

	ck_assert_int_eq(inet_pton(AF_INET6, "fd00:213::110", &l.u.v6), 1);
	ck_assert_int_eq(inet_pton(AF_INET6, "fd00:213::12", &r.u.v6), 1);
	diag_msg(m, AF_INET6, &l.u.v6, &r.u.v6, 16);
	ck_assert_int_eq(netpkt_diag_msg_parse(m, sizeof(m), &s), 0);
	ck_assert(netaddr_equal(&s.local, &l));
	ck_assert(netaddr_equal(&s.remote, &r));
}
END_TEST

START_TEST(diag_msg_malformed)
{
	uint8_t m[NETPKT_DIAG_MSG_LEN];
	struct in_addr a = v4("10.213.0.110");
	struct netpkt_diag_sock s;

	diag_msg(m, AF_INET, &a, &a, 4);
	ck_assert_int_eq(netpkt_diag_msg_parse(m, sizeof(m) - 1, &s), -EINVAL);
	ck_assert_int_eq(netpkt_diag_msg_parse(m, 0, &s), -EINVAL);
	m[0] = AF_UNIX;
	ck_assert_int_eq(netpkt_diag_msg_parse(m, sizeof(m), &s), -EINVAL);
}
END_TEST

START_TEST(diag_destroy_echoes_the_identity)
{
	uint8_t m[NETPKT_DIAG_MSG_LEN], r[NETPKT_DIAG_REQ_LEN];
	struct in_addr a = v4("10.213.0.110"), b = v4("10.213.0.12");
	struct netpkt_diag_sock s;

	diag_msg(m, AF_INET, &a, &b, 4);
	ck_assert_int_eq(netpkt_diag_msg_parse(m, sizeof(m), &s), 0);
	netpkt_diag_destroy_req(r, &s);
	ck_assert_uint_eq(r[0], AF_INET);
	ck_assert_uint_eq(r[1], IPPROTO_TCP);
	ck_assert_uint_eq(host32(r + 4), 0);
	/* Ports, addresses, interface and cookie, byte for byte. */
	ck_assert_mem_eq(r + 8, m + 4, NETPKT_DIAG_ID_LEN);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("netpkt");
	TCase *tc = tcase_create("netpkt");

	tcase_add_test(tc, probe_has_zero_sender_address);
	tcase_add_test(tc, announcement_names_the_address_twice);
	tcase_add_test(tc, another_host_announcing_the_address_conflicts);
	tcase_add_test(tc, another_host_answering_conflicts);
	tcase_add_test(tc, simultaneous_probe_conflicts);
	tcase_add_test(tc, our_own_packets_never_conflict);
	tcase_add_test(tc, unrelated_traffic_does_not_conflict);
	tcase_add_test(tc, malformed_packets_are_ignored);
	tcase_add_test(tc, neighbour_advertisement_layout);
	tcase_add_test(tc, diag_dump_request_layout);
	tcase_add_test(tc, diag_filter_ipv4_local_address);
	tcase_add_test(tc, diag_filter_ipv6_local_address);
	tcase_add_test(tc, diag_msg_ipv4);
	tcase_add_test(tc, diag_msg_ipv4_mapped_is_ipv4);
	tcase_add_test(tc, diag_msg_ipv6);
	tcase_add_test(tc, diag_msg_malformed);
	tcase_add_test(tc, diag_destroy_echoes_the_identity);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
