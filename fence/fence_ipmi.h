/* The IPMI fencing method's pure parts, exposed for the unit tests and for
 * twinhead-fence's messages. The method itself is fence_ipmi_new() in
 * fence.h. Library code: returns 0 / -errno, never logs; where a why
 * buffer is given, a failure fills it with one line a person can act on
 * (never a secret). */
#ifndef TWINHEAD_FENCE_IPMI_H
#define TWINHEAD_FENCE_IPMI_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "fence.h"

#define FENCE_IPMI_PORT 623           /* RMCP+ (asf-rmcp), UDP */
#define FENCE_IPMI_USER_MAX 16        /* IPMI 2.0 user name, bytes */
#define FENCE_IPMI_PASSWORD_MAX 20    /* IPMI 2.0 password, bytes */
#define FENCE_IPMI_CIPHER_DEFAULT 3   /* RAKP-HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128 */
#define FENCE_IPMI_SESSION_MS_DEFAULT 1000
#define FENCE_IPMI_RETRANS_MS_DEFAULT 250
#define FENCE_IPMI_SESSION_MS_MIN 100
#define FENCE_IPMI_SESSION_MS_MAX 60000
#define FENCE_IPMI_RETRANS_MS_MIN 10
/* Less time than this left: do not start a session at all. */
#define FENCE_IPMI_MIN_LEFT_MS 40

/* Tests only: the programs (twinhead-quorumd, twinhead-fence), not this
 * library, read it and pass it as fence_ipmi_config.library. */
#define FENCE_IPMI_LIBRARY_ENV "TWINHEAD_LIBFREEIPMI"

/* "[" + IPv6 literal + "]:" + port */
#define FENCE_IPMI_TARGET_LEN (INET6_ADDRSTRLEN + 8)

struct fence_ipmi_addr {
	int family;                  /* AF_INET or AF_INET6 */
	char host[INET6_ADDRSTRLEN]; /* the literal as written, without brackets */
	unsigned port;
};

/* Parses "IPv4", "IPv4:PORT", "[IPv6]" or "[IPv6]:PORT" (port 1-65535,
 * default 623). Only address literals: a fence must not wait for DNS,
 * which may be down exactly when a head has to be fenced. A bare IPv6
 * literal is refused ("fd00::5:623" would silently be an address). Zone
 * ids are refused. -EINVAL with why on anything else. */
int fence_ipmi_parse_host(const char *s, struct fence_ipmi_addr *out, char *why, size_t whylen);

/* "10.0.0.5:623" or "[fd00::5]:623" (what libfreeipmi takes). 0, or
 * -ENOSPC when buf is too small. */
int fence_ipmi_format_host(const struct fence_ipmi_addr *a, char *buf, size_t len);

/* 0 for a cipher suite that authenticates the session and protects
 * every message's integrity; -EINVAL otherwise. Suite 0 has neither (a
 * BMC may accept any password with it: LAB-NOTES), and 1, 6 and 15
 * authenticate only the session setup, so a forged "power is off" reply
 * could not be told from a real one. */
int fence_ipmi_check_cipher(unsigned id, char *why, size_t whylen);

/* The authentication, integrity and confidentiality algorithms of cipher
 * suite id (IPMI_*_ALGORITHM_* values), from a table of IPMI 2.0's suites:
 * the same answers as libfreeipmi's ipmi_cipher_suite_id_to_algorithms()
 * for the suites libfreeipmi can use, without loading it. -EINVAL for any
 * other id (including the xRC4 suites, which libfreeipmi lacks). */
int fence_ipmi_cipher_algorithms(unsigned id, uint8_t *auth, uint8_t *integ, uint8_t *conf);

/* Loads libfreeipmi from library (a soname or a path; NULL or "": the
 * soname found by configure) and resolves what the method uses. Once that
 * succeeded it stays loaded for the process, and later calls return 0
 * whatever library says. Every IPMI call does this first; callable ahead
 * of time to check. -ENOENT with why ("cannot load libfreeipmi
 * (NAME): ...") when the library or a symbol is missing; a later call
 * tries again. Not thread-safe: fence from one thread. */
int fence_ipmi_load(const char *library, char *why, size_t whylen);

/* Whether fence_ipmi_load(library) would succeed, without keeping the
 * library mapped (it is opened, checked and closed again): for a warning
 * at start. 0, or -ENOENT with why as fence_ipmi_load's. */
int fence_ipmi_probe(const char *library, char *why, size_t whylen);

/* Reads the password from path into buf (NUL-terminated, *len bytes).
 * The file must be a regular file (symbolic links refused), owned by
 * root or by the effective user, with no permission bits for group or
 * other; one line of 1 to 20 bytes, no NUL; one trailing "\n" or "\r\n"
 * is stripped. Every intermediate copy is wiped. buflen must be at least
 * FENCE_IPMI_PASSWORD_MAX + 1. -EINVAL with why on any violation (buf is
 * then wiped too). */
int fence_ipmi_read_password(const char *path, char *buf, size_t buflen, size_t *len,
			     char *why, size_t whylen);

/* Everything in cfg but the password file: host, user (1 to 16 bytes, no
 * control characters), cipher, timeouts (0 = default; session 100 to
 * 60000 ms; retransmission at least 10 ms and below the session
 * timeout). Fills *addr. -EINVAL with why. */
int fence_ipmi_check_config(const struct fence_ipmi_config *cfg, struct fence_ipmi_addr *addr,
			    char *why, size_t whylen);

/* The timeouts for one session when left_ms remain before the deadline:
 * the configured ones (0 = default), the session timeout shrunk to at
 * most half of what is left and the retransmission timeout to at most
 * half the session timeout (libfreeipmi requires it to be below). A
 * silent BMC makes libfreeipmi give up after 1 to 2 session timeouts, so
 * a dead BMC fails the call before the deadline. -ETIMEDOUT when less
 * than FENCE_IPMI_MIN_LEFT_MS is left. */
int fence_ipmi_timeouts(unsigned session_ms, unsigned retrans_ms, int64_t left_ms,
			unsigned *session_out, unsigned *retrans_out);

#endif
