/* ARP and neighbour advertisement bytes, and the ARP conflict rule. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <string.h>

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
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
