/* ocf:twinhead:floatip — a floating IPv4 or IPv6 address.
 *
 * start refuses an address some other host already answers for (ARP probe,
 * IPv6 duplicate address detection), adds it over netlink, and announces it
 * (gratuitous ARP / unsolicited neighbour advertisement) so clients switch
 * at once instead of after their neighbour cache expires (68 s measured in
 * the lab). stop first makes the address stop accepting connections,
 * then resets the TCP connections to it, so clients reconnect at once
 * (and to the other node) instead of after their own timeout. monitor
 * forks nothing: three netlink queries. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "netaddr.h"
#include "ocf.h"
#include "os.h"

enum {
	P_IP,
	P_CIDR_NETMASK,
	P_NIC,
	P_ARP_COUNT,
	P_ARP_INTERVAL_MS,
	P_PROBE_MS,
	P_RESET_CONNECTIONS,
	P_COUNT
};

static int valid_ip(const char *v, char *why, size_t len)
{
	struct netaddr a;

	if (netaddr_parse(v, &a) < 0) {
		snprintf(why, len, "not an IPv4 or IPv6 address (no host names, prefixes or zones)");
		return -EINVAL;
	}
	return netaddr_check_floatable(&a, why, len);
}

static int valid_netmask(const char *v, char *why, size_t len)
{
	unsigned n;

	if (netaddr_parse_prefix(v, AF_UNSPEC, &n) < 0) {
		snprintf(why, len, "give a prefix length (24, 64) or an IPv4 netmask (255.255.255.0)");
		return -EINVAL;
	}
	return 0;
}

static const struct ocf_param params[P_COUNT] = {
	[P_IP] = {
		.name = "ip", .type = OCF_TYPE_STRING, .flags = OCF_REQUIRED | OCF_UNIQUE,
		.shortdesc = "Floating IPv4 or IPv6 address",
		.longdesc = "The address that moves with the service, as a literal "
			    "(10.0.0.100 or fd00::100). It must not be configured "
			    "statically on any node.",
		.validate = valid_ip,
	},
	[P_CIDR_NETMASK] = {
		.name = "cidr_netmask", .type = OCF_TYPE_STRING,
		.shortdesc = "Prefix length or IPv4 netmask",
		.longdesc = "The prefix length (24, 64) or, for IPv4, a netmask "
			    "(255.255.255.0). When omitted, the prefix of the connected "
			    "route that covers ip is used, else 32 or 128.",
		.validate = valid_netmask,
	},
	[P_NIC] = {
		.name = "nic", .type = OCF_TYPE_STRING,
		.shortdesc = "Network interface",
		.longdesc = "The interface to add the address to. When omitted, the "
			    "interface of the most specific connected route (no gateway) "
			    "covering ip is used, as IPaddr2 does.",
		.validate = netaddr_check_ifname,
	},
	[P_ARP_COUNT] = {
		.name = "arp_count", .type = OCF_TYPE_INTEGER, .flags = OCF_RELOADABLE,
		.deflt = "5", .min = 0, .max = 100,
		.shortdesc = "Announcements after start",
		.longdesc = "How many gratuitous ARPs (IPv4) or unsolicited neighbour "
			    "advertisements (IPv6) to send after start. The first goes out "
			    "before start returns; the rest follow in the background, "
			    "arp_interval_ms apart, while the address stays here.",
	},
	[P_ARP_INTERVAL_MS] = {
		.name = "arp_interval_ms", .type = OCF_TYPE_INTEGER, .flags = OCF_RELOADABLE,
		.deflt = "200", .min = 10, .max = 10000,
		.shortdesc = "Milliseconds between announcements",
		.longdesc = "The gap between two announcements.",
	},
	[P_PROBE_MS] = {
		.name = "probe_ms", .type = OCF_TYPE_INTEGER, .flags = OCF_RELOADABLE,
		.deflt = "200", .min = 0, .max = 10000,
		.shortdesc = "Conflict check before start (IPv4 ARP probe), ms",
		.longdesc = "How long start listens for another host answering an ARP "
			    "probe for an IPv4 address before taking it; any answer makes "
			    "start fail. IPv6 addresses go through the kernel's duplicate "
			    "address detection instead (about 1-2 s). 0 skips both checks: "
			    "only for addresses that cannot be anywhere else.",
	},
	[P_RESET_CONNECTIONS] = {
		.name = "reset_connections", .type = OCF_TYPE_BOOLEAN, .flags = OCF_RELOADABLE,
		.deflt = "true",
		.shortdesc = "Reset TCP connections to the address at stop",
		.longdesc = "Before stop removes the address, reset every TCP connection "
			    "whose local address is ip (iSCSI sessions, for instance; not "
			    "listening sockets), so that each client gets a TCP reset at once "
			    "and reconnects, to the other node once the address is there. "
			    "Without it a client notices only after its own timeout (TCP user "
			    "timeout, iSCSI NOP-Out timeout: often 5 s or more). Before the "
			    "reset the address stops accepting connections (Linux: its local "
			    "route is removed), so a client that reconnects at once cannot land "
			    "on this node again. A failure to do either only logs a warning and "
			    "never fails the stop; Linux needs a kernel built with "
			    "CONFIG_INET_DIAG_DESTROY.",
	},
};

static const struct ocf_action_spec actions[] = {
	{ .name = "start", .timeout_s = 20 },
	{ .name = "stop", .timeout_s = 20 },
	{ .name = "monitor", .timeout_s = 20, .interval_s = 10, .depth = 0 },
	{ .name = "monitor", .timeout_s = 20, .interval_s = 60, .depth = 10 },
	{ .name = "validate-all", .timeout_s = 20 },
	{ .name = "reload-agent", .timeout_s = 20 },
	{ .name = "meta-data", .timeout_s = 5 },
};

/* The address as this action sees it. */
struct fip {
	struct netaddr ip;
	char ipstr[NETADDR_STRLEN];
};

static int fip_parse(struct ocf_ctx *ctx, struct fip *f)
{
	/* Already validated; parsing again cannot fail. */
	netaddr_parse(ocf_str(ctx, P_IP), &f->ip);
	netaddr_format(&f->ip, f->ipstr);
	return OCF_SUCCESS;
}

static int fip_check(struct ocf_ctx *ctx)
{
	struct netaddr ip;
	unsigned prefix;

	netaddr_parse(ocf_str(ctx, P_IP), &ip);
	if (ocf_given(ctx, P_CIDR_NETMASK) &&
	    netaddr_parse_prefix(ocf_str(ctx, P_CIDR_NETMASK), ip.family, &prefix) < 0)
		return ocf_fail(ctx, OCF_ERR_CONFIGURED,
				"cidr_netmask=%s does not fit %s address %s: use 1-%u%s",
				ocf_str(ctx, P_CIDR_NETMASK), ip.family == AF_INET ? "IPv4" : "IPv6",
				ocf_str(ctx, P_IP), netaddr_max_prefix(&ip),
				ip.family == AF_INET ? " or a dotted netmask" : "");
	return OCF_SUCCESS;
}

/* The interface and prefix start should use: the parameters, else the
 * routing table, as IPaddr2 does. */
static int fip_placement(struct ocf_ctx *ctx, const struct fip *f, struct os_link *link,
			 unsigned *prefix)
{
	char routed[OS_IFNAME_MAX] = "";
	unsigned route_prefix = 0;
	const char *nic = ocf_str(ctx, P_NIC);
	int rc;

	rc = os_route_find_connected(&f->ip, routed, &route_prefix);
	if (rc < 0 && rc != -ENOENT)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot read the routing table: %s",
				strerror(-rc));
	if (!nic) {
		if (rc == -ENOENT)
			return ocf_fail(ctx, OCF_ERR_INSTALLED,
					"no interface on this node has a connected route covering %s: "
					"set nic (and cidr_netmask)", f->ipstr);
		nic = routed;
	}
	rc = os_link_get(nic, link);
	if (rc == -ENODEV)
		return ocf_fail(ctx, OCF_ERR_INSTALLED,
				"interface %s does not exist on this node: check nic", nic);
	if (rc < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot read interface %s: %s", nic,
				strerror(-rc));

	if (ocf_given(ctx, P_CIDR_NETMASK))
		netaddr_parse_prefix(ocf_str(ctx, P_CIDR_NETMASK), f->ip.family, prefix);
	else if (route_prefix && strcmp(routed, link->name) == 0)
		*prefix = route_prefix;
	else
		*prefix = netaddr_max_prefix(&f->ip);
	return OCF_SUCCESS;
}

static int link_usable(struct ocf_ctx *ctx, const struct os_link *link, const char *what)
{
	if (!link->admin_up)
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"%s: interface %s is administratively down: bring it up", what,
				link->name);
	if (!link->carrier)
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"%s: interface %s has no carrier (link down): check the cable and "
				"the switch port", what, link->name);
	return OCF_SUCCESS;
}

static void mac_format(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
}

/* Sends the remaining announcements from a detached child, so start returns
 * after the first one. The child stops as soon as the address leaves. */
static void announce_later(const struct os_link *link, const struct fip *f, long count,
			   long interval_ms)
{
	pid_t pid;
	int fd;

	if (count <= 0)
		return;
	pid = fork();
	if (pid != 0) {
		if (pid < 0)
			th_log(LOG_WARNING, "cannot fork the announcer (%s): sent 1 announcement only",
			       strerror(errno));
		return;
	}
	/* Let Pacemaker see EOF on our stdout/stderr and our exit at once. */
	setsid();
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	for (long i = 0; i < count; i++) {
		struct os_addr where;

		deadline_sleep_ms(deadline_in_ms(interval_ms), interval_ms);
		if (os_addr_find(&f->ip, &where) < 0 || where.ifindex != link->index)
			break;
		os_announce(link, &f->ip);
	}
	_exit(0);
}

static int announce_now(struct ocf_ctx *ctx, const struct os_link *link, const struct fip *f)
{
	int rc = os_announce(link, &f->ip);

	if (rc < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot announce %s on %s: %s", f->ipstr,
				link->name, strerror(-rc));
	return OCF_SUCCESS;
}

/* IPv6: the kernel runs duplicate address detection; wait for its verdict. */
static int wait_dad(struct ocf_ctx *ctx, const struct os_link *link, const struct fip *f,
		    unsigned prefix)
{
	for (;;) {
		struct os_addr where;
		int rc = os_addr_find(&f->ip, &where);

		if (rc < 0)
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"%s vanished from %s during duplicate address detection",
					f->ipstr, link->name);
		if (where.dad_failed) {
			os_addr_del(link->index, &f->ip, prefix);
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"duplicate address detection failed: another host on %s "
					"already uses %s; remove it there before starting here",
					link->name, f->ipstr);
		}
		if (!where.tentative)
			return OCF_SUCCESS;
		if (deadline_sleep_ms(ctx->deadline, 50) < 0) {
			os_addr_del(link->index, &f->ip, prefix);
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"duplicate address detection for %s did not finish before the "
					"start timeout: raise the timeout", f->ipstr);
		}
	}
}

/* start found the address already on link: OCF_SUCCESS when it works.
 * When it is deaf (a stop made it so, then failed to remove it: see
 * deafen()), removes it and sets *again, for start to add it again: only
 * the kernel restores its local route, with the address. */
static int start_present(struct ocf_ctx *ctx, const struct os_link *link, const struct fip *f,
			 const struct os_addr *where, bool *again)
{
	/* IPv6: no local route until duplicate address detection is done. */
	int rc = where->tentative ? 0 : os_addr_deaf(&f->ip);

	*again = false;
	if (rc < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot read the routing table: %s",
				strerror(-rc));
	if (rc == 0) {
		th_log(LOG_INFO, "%s is already on %s", f->ipstr, link->name);
		return OCF_SUCCESS;
	}
	/* A link that is down is deaf too (IPv4 local routes go with it):
	 * say that rather than take the address away. */
	rc = link_usable(ctx, link, "start");
	if (rc != OCF_SUCCESS)
		return rc;
	rc = os_addr_del(where->ifindex, &f->ip, where->prefix);
	if (rc < 0 && rc != -EADDRNOTAVAIL)
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"%s is on %s but this node does not accept connections to it, and "
				"removing it to add it again failed: %s",
				f->ipstr, link->name, strerror(-rc));
	th_log(LOG_WARNING,
	       "%s was on %s but this node did not accept connections to it (no local route: "
	       "a stop that failed half-way?): removed it to add it again",
	       f->ipstr, link->name);
	*again = true;
	return OCF_SUCCESS;
}

static int fip_start(struct ocf_ctx *ctx)
{
	struct os_link link;
	struct os_addr where;
	struct fip f;
	unsigned prefix;
	int rc;

	fip_parse(ctx, &f);
	rc = fip_placement(ctx, &f, &link, &prefix);
	if (rc != OCF_SUCCESS)
		return rc;

	rc = os_addr_find(&f.ip, &where);
	if (rc == 0 && where.ifindex == link.index && !where.dad_failed) {
		bool again;

		rc = start_present(ctx, &link, &f, &where, &again);
		if (!again)
			return rc;
		rc = -ENOENT; /* removed: carry on as if it had not been there */
	}
	if (rc == 0) {
		char other[IF_NAMESIZE] = "?";

		if_indextoname(where.ifindex, other);
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"%s is already configured on %s%s, not on %s: remove it there first",
				f.ipstr, other, where.dad_failed ? " (duplicate detected)" : "",
				link.name);
	}
	if (rc != -ENOENT)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot list addresses: %s", strerror(-rc));

	rc = link_usable(ctx, &link, "start");
	if (rc != OCF_SUCCESS)
		return rc;

	if (f.ip.family == AF_INET && ocf_int(ctx, P_PROBE_MS) > 0) {
		uint8_t owner[6];
		char mac[18];

		rc = os_arp_probe(&link, &f.ip, deadline_cap_ms(ctx->deadline, ocf_int(ctx, P_PROBE_MS)),
				  owner);
		if (rc < 0)
			return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot send an ARP probe on %s: %s",
					link.name, strerror(-rc));
		if (rc == 1) {
			mac_format(owner, mac);
			return ocf_fail(ctx, OCF_ERR_GENERIC,
					"another host (MAC %s) already answers for %s on %s: "
					"remove the address there before starting here",
					mac, f.ipstr, link.name);
		}
	}

	rc = os_addr_add(&link, &f.ip, prefix,
			 ocf_int(ctx, P_PROBE_MS) == 0 ? OS_ADDR_NODAD : 0);
	if (rc < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot add %s/%u to %s: %s", f.ipstr, prefix,
				link.name, strerror(-rc));
	th_log(LOG_INFO, "added %s/%u to %s", f.ipstr, prefix, link.name);

	if (f.ip.family == AF_INET6 && ocf_int(ctx, P_PROBE_MS) > 0) {
		rc = wait_dad(ctx, &link, &f, prefix);
		if (rc != OCF_SUCCESS)
			return rc;
	}
	if (ocf_int(ctx, P_ARP_COUNT) > 0) {
		rc = announce_now(ctx, &link, &f);
		if (rc != OCF_SUCCESS)
			return rc;
		announce_later(&link, &f, ocf_int(ctx, P_ARP_COUNT) - 1,
			       ocf_int(ctx, P_ARP_INTERVAL_MS));
	}
	return OCF_SUCCESS;
}

/* Before the reset: a client the reset sends back at once must not
 * connect to this node again in the moment before the address is gone.
 * That connection would be dead without anyone saying so (once the
 * address is gone no RST can be sent from it), and the client would wait
 * until its own retransmission reached the other node (a pause of
 * 0.95-1.25 s instead of 0.7 s in the failover drill). Deaf, the address drops the client's SYN instead, and the client
 * tries again, to the other node once the address is there; the address
 * stays configured, so the resets still go out from it. Like the reset,
 * never fails the stop. A stop that fails after this leaves the address
 * deaf: monitor reports it, start repairs it (start_present()). */
static void deafen(const struct fip *f)
{
	int rc = os_addr_deafen(&f->ip);

	if (rc == -EOPNOTSUPP)
		th_debug("this OS cannot stop %s accepting connections before the reset: "
			 "a client that reconnects at once may reach this node again",
			 f->ipstr);
	else if (rc < 0)
		th_log(LOG_WARNING,
		       "cannot stop %s accepting connections before the reset (%s): a client "
		       "that reconnects at once may reach this node again, and then notice the "
		       "move only after its own timeout", f->ipstr, strerror(-rc));
}

/* While the address is still here (the RST needs it as its source): a
 * reset now tells each client to reconnect, to the other node once the
 * address is there, instead of after the client's own timeout. Never fails
 * the stop, and takes at most half the time left, so removing the address
 * always has the other half. */
static void reset_connections(struct ocf_ctx *ctx, const struct fip *f)
{
	struct deadline d = deadline_cap_ms(ctx->deadline, deadline_left_ms(ctx->deadline) / 2);
	unsigned n = 0;
	int rc = os_tcp_reset(&f->ip, d, &n);

	if (rc == -EOPNOTSUPP)
		th_log(LOG_WARNING,
		       "cannot reset the TCP connections to %s: this kernel cannot destroy "
		       "sockets (Linux: CONFIG_INET_DIAG_DESTROY); clients will notice the move "
		       "only after their own timeout", f->ipstr);
	else if (rc < 0)
		th_log(LOG_WARNING,
		       "reset %u TCP connection(s) to %s, then failed: %s; the others will "
		       "notice the move only after their own timeout", n, f->ipstr, strerror(-rc));
	else if (n > 0)
		th_log(LOG_INFO, "reset %u TCP connection(s) to %s", n, f->ipstr);
}

static int fip_stop(struct ocf_ctx *ctx)
{
	struct os_addr where;
	struct fip f;
	int rc;

	fip_parse(ctx, &f);
	rc = os_addr_find(&f.ip, &where);
	if (rc == -ENOENT)
		return OCF_SUCCESS;
	if (rc < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot list addresses: %s", strerror(-rc));
	if (ocf_bool(ctx, P_RESET_CONNECTIONS)) {
		deafen(&f);
		reset_connections(ctx, &f);
	}
	/* Wherever it is, stop means: not on this node any more. */
	rc = os_addr_del(where.ifindex, &f.ip, where.prefix);
	if (rc < 0 && rc != -EADDRNOTAVAIL)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot remove %s: %s", f.ipstr,
				strerror(-rc));
	if (os_addr_find(&f.ip, &where) != -ENOENT)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "%s is still present after removal", f.ipstr);
	th_log(LOG_INFO, "removed %s", f.ipstr);
	return OCF_SUCCESS;
}

static int fip_monitor(struct ocf_ctx *ctx)
{
	char name[IF_NAMESIZE];
	struct os_addr where;
	struct os_link link;
	struct fip f;
	int rc;

	fip_parse(ctx, &f);
	rc = os_addr_find(&f.ip, &where);
	if (rc == -ENOENT)
		return OCF_NOT_RUNNING;
	if (rc < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot list addresses: %s", strerror(-rc));
	if (where.dad_failed)
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"%s: duplicate address detected: another host uses it", f.ipstr);
	if (!if_indextoname(where.ifindex, name) || os_link_get(name, &link) < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "%s is on an interface that vanished",
				f.ipstr);
	if (ocf_given(ctx, P_NIC) && strcmp(ocf_str(ctx, P_NIC), link.name) != 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "%s is on %s, not on nic=%s", f.ipstr,
				link.name, ocf_str(ctx, P_NIC));
	rc = link_usable(ctx, &link, "monitor");
	if (rc != OCF_SUCCESS)
		return rc;
	/* IPv6: no local route until duplicate address detection is done. */
	rc = where.tentative ? 0 : os_addr_deaf(&f.ip);
	if (rc < 0)
		return ocf_fail(ctx, OCF_ERR_GENERIC, "cannot read the routing table: %s",
				strerror(-rc));
	if (rc == 1)
		return ocf_fail(ctx, OCF_ERR_GENERIC,
				"%s is on %s but this node does not accept connections to it (no "
				"local route: a stop that failed half-way?): start adds it again",
				f.ipstr, link.name);
	if (ctx->check_level >= 10 && !where.tentative)
		return announce_now(ctx, &link, &f);
	return OCF_SUCCESS;
}

static int fip_validate_all(struct ocf_ctx *ctx)
{
	struct os_link link;
	struct fip f;
	unsigned prefix;

	/* The parameters passed already; what is left is whether this node
	 * can carry the address. */
	fip_parse(ctx, &f);
	return fip_placement(ctx, &f, &link, &prefix);
}

/* arp_count, arp_interval_ms and probe_ms act only at the next start or
 * monitor, reset_connections at the next stop, which read them afresh:
 * nothing to change now. */
static int fip_reload_agent(struct ocf_ctx *ctx)
{
	return OCF_SUCCESS;
}

static const struct ocf_agent floatip = {
	.name = "floatip",
	.version = PACKAGE_VERSION,
	.shortdesc = "Floating IPv4/IPv6 address with conflict check and announcements",
	.longdesc =
		"Adds a floating IP address to this node, after checking that no other "
		"host answers for it (ARP probe for IPv4, duplicate address detection for "
		"IPv6), and announces it with gratuitous ARP or unsolicited neighbour "
		"advertisements so that clients switch to this node at once.\n\n"
		"stop resets the TCP connections to the address before removing it "
		"(reset_connections), so that clients reconnect at once.\n\n"
		"monitor checks that the address is present, accepts connections and "
		"that its link is up, with no process forked; depth 10 also "
		"re-announces the address.",
	.params = params,
	.n_params = P_COUNT,
	.actions = actions,
	.n_actions = sizeof(actions) / sizeof(actions[0]),
	.ops = {
		.start = fip_start,
		.stop = fip_stop,
		.monitor = fip_monitor,
		.validate_all = fip_validate_all,
		.reload_agent = fip_reload_agent,
	},
	.check = fip_check,
	.man_extra =
		".SH EXAMPLES\n"
		".nf\n"
		"pcs resource create vip ocf:twinhead:floatip ip=10.0.0.100 cidr_netmask=24 \\e\n"
		"    nic=eth0 op monitor interval=10s\n"
		"crm configure primitive vip ocf:twinhead:floatip \\e\n"
		"    params ip=10.0.0.100 cidr_netmask=24 nic=eth0 op monitor interval=10s\n"
		".fi\n"
		".SH NOTES\n"
		"Verified on Linux (netlink, packet sockets, sock_diag) in network namespaces.\n"
		"The FreeBSD implementation (SIOCAIFADDR, BPF, the net.inet.tcp.drop sysctl of\n"
		"tcpdrop(8)) is built only on FreeBSD and has not been run by the project's tests.\n",
};

int main(int argc, char **argv)
{
	return ocf_main(&floatip, argc, argv);
}
