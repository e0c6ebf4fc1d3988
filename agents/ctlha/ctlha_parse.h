/* FreeBSD CTL HA: the kernel's HA state as values, and pure helpers that
 * read ctladm(8)'s output, the agent's parameters and the kernel's ha_peer
 * string, classify where a head stands and score a promotion. Plain text and
 * arithmetic: builds everywhere and is unit-tested on Linux. The calls that
 * read or change the kernel are in ctlha_kernel.h.
 *
 * Library code: returns 0 or -errno, never logs. Where an admin needs more
 * than an errno (the line that did not parse), a sentence goes into the
 * caller's why buffer. */
#ifndef TWINHEAD_CTLHA_PARSE_H
#define TWINHEAD_CTLHA_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTLHA_PEER_MAX 128   /* the kernel's ha_peer buffer, NUL included */
#define CTLHA_DEFAULT_PORT 999 /* ctl_ha.c: the port when the string has none */
#define CTLHA_MAX_LUN 16383  /* ctladm accepts more; ctl(4) max_luns is 1024 by default */

enum ctlha_link {
	CTLHA_LINK_OFFLINE = 0, /* ha_peer empty */
	CTLHA_LINK_UNKNOWN = 1, /* configured, not connected */
	CTLHA_LINK_ONLINE = 2,  /* connected */
};

enum ctlha_role {
	CTLHA_ROLE_PRIMARY = 0,
	CTLHA_ROLE_SECONDARY = 1,
};

/* The kernel's view, from one read of each sysctl. */
struct ctlha_state {
	int ha_id;
	int ha_mode;
	int ha_link;
	int ha_role; /* normalized: 0 primary, 1 secondary */
	char ha_peer[CTLHA_PEER_MAX];
};

#define CTLHA_LUN_OPTS 16

/* A LUN option (ctladm -o name=value). */
struct ctlha_opt {
	char name[32];
	char value[256];
};

/* One LUN as `ctladm devlist -x` reports it. */
struct ctlha_lun {
	unsigned id;
	char backend[32];    /* "block", "ramdisk" */
	char device_id[128];
	char file[256];      /* the block backend's "file" option, or "" */
	char ha_role[16];    /* the "ha_role" LUN option, or "" */
	/* Every LUN option, in the kernel's order: what is not one of the
	 * kernel's own fields (backend_type, lun_type, size, blocksize,
	 * serial_number, device_id, num_threads). A modify replaces the whole
	 * option list (ctl_backend_block.c), so changing one option means
	 * sending all of them again. */
	struct ctlha_opt opts[CTLHA_LUN_OPTS];
	size_t nopts;
};

struct ctlha_lun_list {
	struct ctlha_lun *luns;
	size_t n;
};

void ctlha_lun_list_free(struct ctlha_lun_list *l);

/* ALUA states (SPC-4, REPORT TARGET PORT GROUPS), as CTL reports them. */
enum ctlha_alua_state {
	CTLHA_ALUA_OPTIMIZED = 0x0,
	CTLHA_ALUA_NONOPTIMIZED = 0x1,
	CTLHA_ALUA_STANDBY = 0x2,
	CTLHA_ALUA_UNAVAILABLE = 0x3,
	CTLHA_ALUA_OFFLINE = 0xe,
	CTLHA_ALUA_TRANSITIONING = 0xf,
};

/* A LUN's two HA target port groups: this head's and the other head's. */
struct ctlha_alua {
	int self;  /* enum ctlha_alua_state */
	int other;
};

enum ctlha_peer_kind {
	CTLHA_PEER_NONE,
	CTLHA_PEER_LISTEN,
	CTLHA_PEER_CONNECT,
};

struct ctlha_peer {
	enum ctlha_peer_kind kind;
	uint32_t addr; /* IPv4, host order */
	unsigned port;
};

/* Reads an ha_peer value the way the kernel does (sscanf of "connect
 * %d.%d.%d.%d:%d" or "listen ...", four numbers at least, port 999 when
 * absent; "" is NONE). Returns 0 or -EINVAL for a string the kernel would
 * have refused. */
int ctlha_peer_parse(const char *s, struct ctlha_peer *out);

/* "listen 10.0.0.1:999", "connect ..." or "" into buf. Returns 0 or
 * -ENOSPC. */
int ctlha_peer_format(const struct ctlha_peer *p, char *buf, size_t len);

bool ctlha_peer_equal(const struct ctlha_peer *a, const struct ctlha_peer *b);

/* The agent's "peer" parameter: a dotted IPv4 address with an optional
 * ":PORT" (1-65535), strictly (no leading zeros, no spaces, no names).
 * Refuses 0.0.0.0, loopback, multicast and broadcast: the address must be
 * a head's interconnect address. Returns 0 or -EINVAL with a sentence in
 * why. */
int ctlha_addr_parse(const char *s, uint32_t *addr, unsigned *port, char *why, size_t whylen);

/* `ctladm devlist -x` output into a LUN list (unknown elements ignored).
 * Returns 0, -ENOMEM, or -EPROTO with the offending line in why. */
int ctlha_devlist_parse(const char *text, struct ctlha_lun_list *out, char *why,
			size_t whylen);

/* `ctladm rtpg` output ("0x%02x " per byte, 8 per line) into the states of
 * the HA groups for the head with ha_id (1 or 2): CTL numbers them 2 + (ha_id
 * - 1). Returns 0, or -EPROTO (why says what) when the dump is malformed,
 * its length field disagrees with the bytes, or a group is missing. */
int ctlha_rtpg_parse(const char *text, int ha_id, struct ctlha_alua *out, char *why,
		     size_t whylen);

/* "Active/Optimized", ... "Transitioning", or "state 0xN". */
const char *ctlha_alua_name(int state);

/* The agent's "lun_roles" parameter: "LUN=HAID" pairs separated by commas
 * or blanks ("0=1, 1=2": the head with ha_id 1 is primary for LUN 0, the
 * head with ha_id 2 for LUN 1). Returns the number of pairs (0 for an empty
 * string), or -EINVAL with a sentence in why (syntax, LUN above
 * CTLHA_MAX_LUN, HAID other than 1 or 2, a LUN named twice, more than max). */
struct ctlha_lun_role {
	unsigned lun;
	int owner; /* ha_id of the head that is primary for it */
};

int ctlha_lun_roles_parse(const char *s, struct ctlha_lun_role *out, size_t max, char *why,
			  size_t whylen);

/* Where this head stands, from the kernel's state and the ha_peer string
 * the resource configures. */
enum ctlha_run {
	CTLHA_RUN_STOPPED,            /* ha_peer empty, secondary */
	CTLHA_RUN_SECONDARY,          /* configured, secondary, link up */
	CTLHA_RUN_SECONDARY_DEGRADED, /* configured, secondary, no link */
	CTLHA_RUN_PRIMARY,            /* configured, primary, link up */
	CTLHA_RUN_PRIMARY_DEGRADED,   /* primary without link (or without ha_peer) */
	CTLHA_RUN_FOREIGN,            /* ha_peer set to something else */
};

enum ctlha_run ctlha_classify(const struct ctlha_state *st, const struct ctlha_peer *want);

/* Whether the other head is primary for a LUN, from its ALUA states seen on
 * this head: 1 yes, 0 no, -1 cannot tell. Only a connected link carries the
 * peer's role (ctl.c forgets it when the link drops and, with no known
 * primary, reports the other group as optimized), and only a LUN for which
 * this head is not primary shows it. */
int ctlha_peer_primary_from_alua(const struct ctlha_alua *a, int ha_link);

/* What the promotion score is made of; see ctlha_promotion_score(). */
struct ctlha_score_in {
	bool usable;            /* CTL loaded, HA configured, resource started */
	bool primary;           /* this head is primary now */
	bool pool_given;        /* the resource names a ZFS pool */
	bool pool_imported;     /* ... and it is imported on this head */
	bool backends_reachable;/* every LUN's backing file exists here */
};

/* 0 when unusable; else 5, +5 when no pool is named and every backend is
 * reachable, +50 when the named pool is imported here, +100 when already
 * primary (a promotion never moves for nothing). */
int ctlha_promotion_score(const struct ctlha_score_in *in);

#endif
