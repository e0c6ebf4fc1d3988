/* The iSCSI target as the iscsitarget agent's parameters describe it:
 * parsing and validation of names, portals, LUNs and ACL entries, and the
 * per-LUN SCSI identity derived from (iqn, lun).
 *
 * Pure functions over strings: nothing here touches the system, so every
 * check also runs for probes and validate-all on any node. Each parser
 * returns 0 or -EINVAL and, on -EINVAL, writes a sentence an administrator
 * can act on into why. */
#ifndef TWINHEAD_ISCSI_CONF_H
#define TWINHEAD_ISCSI_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "netaddr.h"

#define ISCSI_NAME_MAX 223       /* RFC 3720 3.2.6.1: at most 223 bytes */
#define ISCSI_PORTALS_MAX 16
#define ISCSI_ACL_MAX 64
#define ISCSI_LUNS_MAX 1024
#define ISCSI_LUN_NUMBER_MAX 16383 /* flat LUN addressing (SAM) */
#define ISCSI_PATH_MAX 1024      /* bytes including the NUL */
#define ISCSI_USER_MAX 64
#define ISCSI_SECRET_MIN 12      /* RFC 3720 8.2.1 without IPsec; ctld warns below */
#define ISCSI_SECRET_MAX 16      /* Microsoft initiator's and ctld's upper limit */
#define ISCSI_VENDOR_MAX 8       /* INQUIRY T10 VENDOR IDENTIFICATION */
#define ISCSI_PRODUCT_MAX 16     /* INQUIRY PRODUCT IDENTIFICATION */
#define ISCSI_REVISION_MAX 4     /* INQUIRY PRODUCT REVISION LEVEL */
#define ISCSI_SERIAL_MAX 16      /* VPD 0x80; CTL's limit (tgt allows 36) */
#define ISCSI_DEVICE_ID_LEN 32   /* hex digits: tgt's scsi_id, NAA 6 */

struct iscsi_portal {
	struct netaddr addr;
	unsigned port;
	char text[NETADDR_STRLEN + 8]; /* "10.0.0.1:3260", "[fd00::1]:3260" */
};

enum iscsi_acl_kind {
	ISCSI_ACL_ALL,     /* any initiator (still subject to names and CHAP) */
	ISCSI_ACL_NAME,    /* an initiator name */
	ISCSI_ACL_ADDRESS, /* an address or network */
};

struct iscsi_acl {
	enum iscsi_acl_kind kind;
	char text[ISCSI_NAME_MAX + 1]; /* "ALL", the name, or "addr" / "addr/prefix" */
	struct netaddr addr;           /* ISCSI_ACL_ADDRESS */
	unsigned prefix;               /* ISCSI_ACL_ADDRESS: 32/128 for one host */
};

struct iscsi_lun {
	unsigned number;
	const char *path;      /* in the same allocation as the array */
	char serial[ISCSI_SERIAL_MAX + 1];
	char device_id[ISCSI_DEVICE_ID_LEN + 1];
};

/* One target and everything under it. luns is allocated by
 * iscsi_luns_parse(); release with iscsi_target_free(). */
struct iscsi_target {
	char iqn[ISCSI_NAME_MAX + 1];
	unsigned tid;
	struct iscsi_portal portals[ISCSI_PORTALS_MAX];
	size_t n_portals;
	struct iscsi_lun *luns;          /* sorted by number */
	size_t n_luns;
	struct iscsi_acl acl[ISCSI_ACL_MAX];
	size_t n_acl;                    /* 0: nobody may log in */
	char user[ISCSI_USER_MAX + 1];   /* CHAP user, "" without CHAP */
	char out_user[ISCSI_USER_MAX + 1]; /* mutual CHAP: the target's name, or "" */
	char vendor[ISCSI_VENDOR_MAX + 1];
	char product[ISCSI_PRODUCT_MAX + 1];
	char revision[ISCSI_REVISION_MAX + 1];
	unsigned block_size;
	bool write_cache;
};

void iscsi_target_free(struct iscsi_target *t);

/* An iSCSI name (RFC 3720 3.2.6.3, RFC 3721, RFC 3980): "iqn.yyyy-mm.
 * reversed.domain[:anything]", "eui." + 16 hex digits, or "naa." + 16 or
 * 32 hex digits; at most 223 bytes. Only the characters that survive the
 * iSCSI stringprep profile unchanged are accepted (a-z 0-9 - . :, and
 * A-F in eui./naa. hex), so the name the initiator sends matches byte for
 * byte. */
int iscsi_name_check(const char *name, char *why, size_t whylen);

/* A list of portals separated by blanks or commas: "10.0.0.1:3260
 * [fd00::1]:3260"; the port defaults to 3260, IPv6 needs brackets.
 * Duplicates are refused. */
int iscsi_portals_parse(const char *s, struct iscsi_portal *out, size_t max, size_t *n,
			char *why, size_t whylen);

/* "NUMBER:/absolute/path ..." separated by blanks or commas. Numbers
 * 0..16383, each once; paths absolute, each once, without blanks, commas,
 * quotes, backslashes, control characters, or "." / ".." components.
 * On success *out is one allocation (free() it) holding the array, sorted
 * by number, and the paths; identities are left empty (see
 * iscsi_luns_identify). */
int iscsi_luns_parse(const char *s, struct iscsi_lun **out, size_t *n, char *why,
		     size_t whylen);

/* allowed_initiators: initiator names, addresses ("10.0.0.5", "fd00::5",
 * "[fd00::5]") and networks ("10.0.0.0/24"), or ALL alone. An initiator is
 * admitted when its name is listed or its address lies in a listed
 * network (tgt >= 1.0.84 semantics). An empty string gives *n = 0: nobody. */
int iscsi_acl_parse(const char *s, struct iscsi_acl *out, size_t max, size_t *n, char *why,
		    size_t whylen);

/* "LUN:VALUE ..." overrides for serials or device ids; each LUN must be in
 * luns. kind_serial selects the serial check (1..16 printable characters)
 * over the device id check (32 hex digits, stored lower-case). */
int iscsi_lun_overrides_apply(const char *s, bool kind_serial, struct iscsi_lun *luns,
			      size_t n_luns, char *why, size_t whylen);

/* Fills every LUN's serial and device id that is still empty from
 * iscsi_lun_identity(). */
void iscsi_luns_identify(const char *iqn, struct iscsi_lun *luns, size_t n_luns);

/* The identity of LUN lun of target iqn, the same on every node:
 * d = SHA-256(iqn || 0x00 || decimal(lun));
 * device_id = hex(d[0..15]) (32 digits), serial = hex(d[16..23]) (16). */
void iscsi_lun_identity(const char *iqn, unsigned lun,
			char device_id[ISCSI_DEVICE_ID_LEN + 1],
			char serial[ISCSI_SERIAL_MAX + 1]);

/* The default tid of a target: 1 + (big-endian first two bytes of
 * SHA-256(iqn)) mod 65535, so both heads agree without configuration. */
unsigned iscsi_tid_derive(const char *iqn);

/* INQUIRY text fields (vendor, product, revision): 1..max printable ASCII
 * characters without blanks, commas, quotes, '=', ';', '#' or backslashes
 * (they travel through tgtadm's comma-separated parameters and ctl.conf). */
int iscsi_text_check(const char *s, size_t max, char *why, size_t whylen);

/* A CHAP user name: 1..64 of [A-Za-z0-9._:@-]. */
int iscsi_user_check(const char *s, char *why, size_t whylen);

/* A CHAP secret's bytes: 12..16 printable ASCII characters without blanks,
 * commas, quotes or backslashes. Never copies the secret into why. */
int iscsi_secret_check(const char *s, size_t len, char *why, size_t whylen);

/* 512, 1024, 2048 or 4096. */
int iscsi_block_size_check(long bs, char *why, size_t whylen);

/* Splits s at blanks and commas: calls fn for each non-empty item with its
 * length; stops at the first non-zero return and returns it. */
int iscsi_list_each(const char *s, int (*fn)(const char *item, size_t len, void *arg),
		    void *arg);

#endif
