/* A minimal iSCSI login, for monitor depth 10: does the portal answer an
 * iSCSI Login Request for our target, and how?
 *
 * One Login Request (RFC 7143 11.12: security stage, transit to the
 * operational stage, AuthMethod=None), one Login Response read back and
 * checked (11.13), then the connection is closed: no session is created,
 * nothing is read or written on any LUN. The codec is pure; the probe does
 * non-blocking I/O bounded by a deadline. Library code: returns -errno,
 * never logs. */
#ifndef TWINHEAD_ISCSI_LOGIN_H
#define TWINHEAD_ISCSI_LOGIN_H

#include <stddef.h>
#include <stdint.h>

#include "deadline.h"
#include "netaddr.h"

#define ISCSI_BHS_LEN 48

struct iscsi_login_req {
	const char *initiator;   /* InitiatorName */
	const char *target;      /* TargetName */
	uint8_t isid[6];
	uint32_t itt;
};

/* Writes the Login Request PDU (header and padded data segment) into buf.
 * Returns its length, or -ENOSPC when buflen is too small, -EINVAL for
 * names that cannot be sent (empty, or longer than 223 bytes). */
int iscsi_login_encode(const struct iscsi_login_req *req, uint8_t *buf, size_t buflen);

struct iscsi_login_rsp {
	uint8_t status_class;    /* 0 success, 1 redirect, 2 initiator error, 3 target error */
	uint8_t status_detail;
	uint32_t data_len;       /* the data segment that follows the header */
};

/* Checks a received 48-byte header against the request: a Login Response
 * (opcode 0x23) with our ITT, and our ISID when it reports success (tgtd
 * zeroes it in refusals). Returns 0 with rsp filled, -EBADMSG
 * for a Reject PDU, -EPROTO for anything else. */
int iscsi_login_decode(const uint8_t bhs[ISCSI_BHS_LEN], const struct iscsi_login_req *req,
		       struct iscsi_login_rsp *rsp);

/* "authentication failed", ... for a status; "status 0xCCDD" when unknown
 * (written into buf, which must have 16 bytes). */
const char *iscsi_login_status_name(uint8_t cls, uint8_t detail, char buf[16]);

/* Connects to addr:port, sends the request, reads the response header.
 * Returns 0 with rsp filled; -ETIMEDOUT when d passes; -ECONNREFUSED,
 * -ECONNRESET, -EHOSTUNREACH ... from the network; -EPROTO / -EBADMSG as
 * iscsi_login_decode. */
int iscsi_login_probe(const struct netaddr *addr, unsigned port,
		      const struct iscsi_login_req *req, struct deadline d,
		      struct iscsi_login_rsp *rsp);

#endif
