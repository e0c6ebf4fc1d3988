/* Fencing through a BMC: IPMI 2.0 (RMCP+, "lanplus") with libfreeipmi.
 *
 * Every call opens its own session, sends one command, and closes the
 * session: a fence happens rarely, after long quiet periods in which a
 * kept session would have timed out on the BMC anyway, and a fresh
 * session per call never inherits a half-broken one. Each session's
 * timeouts come from the caller's deadline (fence_ipmi_timeouts), so a
 * dead BMC costs at most the session timeout, never libfreeipmi's 20 s
 * default.
 *
 * Nothing here trusts the BMC's bytes: each reply must be a complete
 * packet for its command, echo the command byte, carry completion code
 * 0x00, and (for the status) hold a power bit of 0 or 1.
 *
 * libfreeipmi is not linked: it is dlopen()ed at the first call that needs
 * it (lib/dl.h). It costs about 2 MB of RSS, which a daemon waiting months
 * for its first fence would carry for nothing. Its headers still give
 * every type, so each pointer below has exactly its function's type.
 *
 * Library code: returns 0 / -errno, never logs. */
#include "config.h"
#include "fence_ipmi.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <freeipmi/freeipmi.h>

#include "dl.h"

static void why_set(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void why_set(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (!why || whylen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

/* ---- host[:port] ----------------------------------------------------- */

static int parse_port(const char *s, unsigned *port)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 5)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < 1 || v > 65535)
		return -EINVAL;
	*port = (unsigned)v;
	return 0;
}

int fence_ipmi_parse_host(const char *s, struct fence_ipmi_addr *out, char *why, size_t whylen)
{
	char lit[INET6_ADDRSTRLEN];
	const char *port = NULL;
	size_t n;
	unsigned char bin[sizeof(struct in6_addr)];
	struct fence_ipmi_addr a = { .port = FENCE_IPMI_PORT };

	if (!s || !*s) {
		why_set(why, whylen, "no BMC address given");
		return -EINVAL;
	}
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close) {
			why_set(why, whylen, "BMC address '%s': missing ']'", s);
			return -EINVAL;
		}
		n = (size_t)(close - s - 1);
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0') {
			why_set(why, whylen, "BMC address '%s': expected ':PORT' after ']'", s);
			return -EINVAL;
		}
		if (n == 0 || n >= sizeof(lit)) {
			why_set(why, whylen, "BMC address '%s': not an IPv6 address", s);
			return -EINVAL;
		}
		memcpy(lit, s + 1, n);
		lit[n] = '\0';
		if (inet_pton(AF_INET6, lit, bin) != 1) {
			why_set(why, whylen, "BMC address '%s': '%s' is not an IPv6 address%s", s, lit,
				strchr(lit, '%') ? " (zone ids are not supported)" : "");
			return -EINVAL;
		}
		a.family = AF_INET6;
	} else {
		const char *colon = strchr(s, ':');

		if (colon && strchr(colon + 1, ':')) {
			why_set(why, whylen,
				"BMC address '%s': write an IPv6 address in brackets, e.g. [%s] or [%s]:623",
				s, s, s);
			return -EINVAL;
		}
		n = colon ? (size_t)(colon - s) : strlen(s);
		if (colon)
			port = colon + 1;
		if (n == 0 || n >= sizeof(lit)) {
			why_set(why, whylen, "BMC address '%s': not an IP address", s);
			return -EINVAL;
		}
		memcpy(lit, s, n);
		lit[n] = '\0';
		if (inet_pton(AF_INET, lit, bin) != 1) {
			why_set(why, whylen,
				"BMC address '%s': '%s' is not an IPv4 address (give an address, not a name: "
				"a fence must not depend on DNS)", s, lit);
			return -EINVAL;
		}
		a.family = AF_INET;
	}
	if (port && parse_port(port, &a.port) < 0) {
		why_set(why, whylen, "BMC address '%s': bad port '%s' (1-65535)", s, port);
		return -EINVAL;
	}
	memcpy(a.host, lit, n + 1);
	*out = a;
	return 0;
}

int fence_ipmi_format_host(const struct fence_ipmi_addr *a, char *buf, size_t len)
{
	int n;

	if (a->family == AF_INET6)
		n = snprintf(buf, len, "[%s]:%u", a->host, a->port);
	else
		n = snprintf(buf, len, "%s:%u", a->host, a->port);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

/* ---- configuration ------------------------------------------------------ */

#define AUTH(x) IPMI_AUTHENTICATION_ALGORITHM_RAKP_##x
#define INTEG(x) IPMI_INTEGRITY_ALGORITHM_##x
#define CONF(x) IPMI_CONFIDENTIALITY_ALGORITHM_##x

/* The IPMI 2.0 cipher suites (IPMI v2.0 rev. 1.1, table 22-20, ids 0-19)
 * and whether libfreeipmi can use them (it has no xRC4). A table and not
 * libfreeipmi's ipmi_cipher_suite_id_to_algorithms(), so that checking
 * the configuration at start does not load the library;
 * fence_ipmi_cipher_test checks every id against libfreeipmi. */
static const struct {
	uint8_t auth, integ, conf;
	bool usable;
} cipher_suites[] = {
	[0] = { AUTH(NONE), INTEG(NONE), CONF(NONE), true },
	[1] = { AUTH(HMAC_SHA1), INTEG(NONE), CONF(NONE), true },
	[2] = { AUTH(HMAC_SHA1), INTEG(HMAC_SHA1_96), CONF(NONE), true },
	[3] = { AUTH(HMAC_SHA1), INTEG(HMAC_SHA1_96), CONF(AES_CBC_128), true },
	[4] = { AUTH(HMAC_SHA1), INTEG(HMAC_SHA1_96), CONF(XRC4_128), false },
	[5] = { AUTH(HMAC_SHA1), INTEG(HMAC_SHA1_96), CONF(XRC4_40), false },
	[6] = { AUTH(HMAC_MD5), INTEG(NONE), CONF(NONE), true },
	[7] = { AUTH(HMAC_MD5), INTEG(HMAC_MD5_128), CONF(NONE), true },
	[8] = { AUTH(HMAC_MD5), INTEG(HMAC_MD5_128), CONF(AES_CBC_128), true },
	[9] = { AUTH(HMAC_MD5), INTEG(HMAC_MD5_128), CONF(XRC4_128), false },
	[10] = { AUTH(HMAC_MD5), INTEG(HMAC_MD5_128), CONF(XRC4_40), false },
	[11] = { AUTH(HMAC_MD5), INTEG(MD5_128), CONF(NONE), true },
	[12] = { AUTH(HMAC_MD5), INTEG(MD5_128), CONF(AES_CBC_128), true },
	[13] = { AUTH(HMAC_MD5), INTEG(MD5_128), CONF(XRC4_128), false },
	[14] = { AUTH(HMAC_MD5), INTEG(MD5_128), CONF(XRC4_40), false },
	[15] = { AUTH(HMAC_SHA256), INTEG(NONE), CONF(NONE), true },
	[16] = { AUTH(HMAC_SHA256), INTEG(HMAC_SHA256_128), CONF(NONE), true },
	[17] = { AUTH(HMAC_SHA256), INTEG(HMAC_SHA256_128), CONF(AES_CBC_128), true },
	[18] = { AUTH(HMAC_SHA256), INTEG(HMAC_SHA256_128), CONF(XRC4_128), false },
	[19] = { AUTH(HMAC_SHA256), INTEG(HMAC_SHA256_128), CONF(XRC4_40), false },
};

#undef AUTH
#undef INTEG
#undef CONF

int fence_ipmi_cipher_algorithms(unsigned id, uint8_t *auth, uint8_t *integ, uint8_t *conf)
{
	if (id >= sizeof(cipher_suites) / sizeof(cipher_suites[0]) || !cipher_suites[id].usable)
		return -EINVAL;
	*auth = cipher_suites[id].auth;
	*integ = cipher_suites[id].integ;
	*conf = cipher_suites[id].conf;
	return 0;
}

int fence_ipmi_check_cipher(unsigned id, char *why, size_t whylen)
{
	uint8_t auth, integ, conf;

	if (id == 0) {
		why_set(why, whylen,
			"cipher suite 0 is refused: it has no authentication, and BMCs accept any "
			"password with it (use 3)");
		return -EINVAL;
	}
	if (fence_ipmi_cipher_algorithms(id, &auth, &integ, &conf) < 0) {
		why_set(why, whylen, "cipher suite %u is not supported (use 3)", id);
		return -EINVAL;
	}
	if (auth == IPMI_AUTHENTICATION_ALGORITHM_RAKP_NONE) {
		why_set(why, whylen, "cipher suite %u is refused: no authentication (use 3)", id);
		return -EINVAL;
	}
	if (integ == IPMI_INTEGRITY_ALGORITHM_NONE) {
		why_set(why, whylen,
			"cipher suite %u is refused: its messages carry no integrity check, so a "
			"forged power status could not be detected (use 3)", id);
		return -EINVAL;
	}
	return 0;
}

int fence_ipmi_check_config(const struct fence_ipmi_config *cfg, struct fence_ipmi_addr *addr,
			    char *why, size_t whylen)
{
	unsigned session, retrans;
	size_t ulen;
	int rc;

	if (!cfg) {
		why_set(why, whylen, "no configuration");
		return -EINVAL;
	}
	rc = fence_ipmi_parse_host(cfg->host, addr, why, whylen);
	if (rc < 0)
		return rc;
	if (!cfg->username || !*cfg->username) {
		why_set(why, whylen, "no BMC user name given (IPMI's anonymous user is refused)");
		return -EINVAL;
	}
	ulen = strlen(cfg->username);
	if (ulen > FENCE_IPMI_USER_MAX) {
		why_set(why, whylen, "BMC user name is %zu bytes long: IPMI allows at most %d", ulen,
			FENCE_IPMI_USER_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < ulen; i++) {
		unsigned char c = (unsigned char)cfg->username[i];

		if (c < 0x20 || c == 0x7f) {
			why_set(why, whylen, "BMC user name contains a control character");
			return -EINVAL;
		}
	}
	rc = fence_ipmi_check_cipher(cfg->cipher_suite, why, whylen);
	if (rc < 0)
		return rc;
	session = cfg->session_timeout_ms ? cfg->session_timeout_ms : FENCE_IPMI_SESSION_MS_DEFAULT;
	retrans = cfg->retransmission_timeout_ms ? cfg->retransmission_timeout_ms
						 : FENCE_IPMI_RETRANS_MS_DEFAULT;
	if (session < FENCE_IPMI_SESSION_MS_MIN || session > FENCE_IPMI_SESSION_MS_MAX) {
		why_set(why, whylen, "session timeout %u ms is out of range (%d-%d ms)", session,
			FENCE_IPMI_SESSION_MS_MIN, FENCE_IPMI_SESSION_MS_MAX);
		return -EINVAL;
	}
	if (retrans < FENCE_IPMI_RETRANS_MS_MIN || retrans >= session) {
		why_set(why, whylen,
			"retransmission timeout %u ms must be at least %d ms and below the session "
			"timeout (%u ms)", retrans, FENCE_IPMI_RETRANS_MS_MIN, session);
		return -EINVAL;
	}
	if (!cfg->password_file || !*cfg->password_file) {
		why_set(why, whylen, "no password file given");
		return -EINVAL;
	}
	return 0;
}

int fence_ipmi_timeouts(unsigned session_ms, unsigned retrans_ms, int64_t left_ms,
			unsigned *session_out, unsigned *retrans_out)
{
	unsigned s, r;

	if (left_ms < FENCE_IPMI_MIN_LEFT_MS)
		return -ETIMEDOUT;
	s = session_ms ? session_ms : FENCE_IPMI_SESSION_MS_DEFAULT;
	r = retrans_ms ? retrans_ms : FENCE_IPMI_RETRANS_MS_DEFAULT;
	/* libfreeipmi checks its session timeout only between (backed-off)
	 * retransmissions: a silent BMC made it give up after 1 to 2 session
	 * timeouts (measured with 100-1000 ms). Half of what is left keeps
	 * even the late give-up inside the deadline. */
	if ((int64_t)s > left_ms / 2)
		s = (unsigned)(left_ms / 2);
	if (r > s / 2)
		r = s / 2; /* >= FENCE_IPMI_MIN_LEFT_MS / 4 > 0, and < s */
	*session_out = s;
	*retrans_out = r;
	return 0;
}

/* ---- the password file -------------------------------------------------- */

/* One byte more than the longest file we accept: password, "\r\n". */
#define PWFILE_MAX (FENCE_IPMI_PASSWORD_MAX + 2)

int fence_ipmi_read_password(const char *path, char *buf, size_t buflen, size_t *len,
			     char *why, size_t whylen)
{
	char raw[PWFILE_MAX + 1];
	struct stat st;
	size_t n = 0;
	int fd, rc = -EINVAL;

	if (!buf || buflen < FENCE_IPMI_PASSWORD_MAX + 1 || !len) {
		why_set(why, whylen, "internal error: password buffer too small");
		return -EINVAL;
	}
	memset(buf, 0, buflen);
	if (!path || !*path) {
		why_set(why, whylen, "no password file given");
		return -EINVAL;
	}
	/* O_NONBLOCK: a FIFO planted at the path must not hang us; it is
	 * refused below as "not a regular file". */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;

		why_set(why, whylen, "password file %s: %s", path,
			e == ELOOP ? "is a symbolic link (refused)" : strerror(e));
		return -EINVAL;
	}
	if (fstat(fd, &st) < 0) {
		why_set(why, whylen, "password file %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		why_set(why, whylen, "password file %s is not a regular file", path);
		goto out;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		why_set(why, whylen, "password file %s is owned by uid %lu: it must belong to root "
			"or to uid %lu", path, (unsigned long)st.st_uid, (unsigned long)geteuid());
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		why_set(why, whylen, "password file %s has mode %04o: group and other must have no "
			"access (chmod 600)", path, (unsigned)(st.st_mode & 07777));
		goto out;
	}
	if (st.st_size > PWFILE_MAX) {
		why_set(why, whylen, "password file %s is too long: an IPMI 2.0 password has at most "
			"%d bytes", path, FENCE_IPMI_PASSWORD_MAX);
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, raw + n, sizeof(raw) - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			why_set(why, whylen, "password file %s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == sizeof(raw)) /* grew after fstat */
			break;
	}
	if (n > PWFILE_MAX) {
		why_set(why, whylen, "password file %s is too long: an IPMI 2.0 password has at most "
			"%d bytes", path, FENCE_IPMI_PASSWORD_MAX);
		goto out;
	}
	if (n > 0 && raw[n - 1] == '\n') {
		n--;
		if (n > 0 && raw[n - 1] == '\r')
			n--;
	}
	if (n == 0) {
		why_set(why, whylen, "password file %s is empty", path);
		goto out;
	}
	if (n > FENCE_IPMI_PASSWORD_MAX) {
		why_set(why, whylen, "password file %s holds %zu bytes: an IPMI 2.0 password has at "
			"most %d", path, n, FENCE_IPMI_PASSWORD_MAX);
		goto out;
	}
	if (memchr(raw, '\0', n) || memchr(raw, '\n', n)) {
		why_set(why, whylen, "password file %s: the password must be one line without NUL "
			"bytes", path);
		goto out;
	}
	memcpy(buf, raw, n);
	buf[n] = '\0';
	*len = n;
	rc = 0;
out:
	explicit_bzero(raw, sizeof(raw));
	if (rc < 0)
		explicit_bzero(buf, buflen);
	close(fd);
	return rc;
}

/* ---- libfreeipmi, loaded at the first fence -------------------------------- */

/* Filled once per process; only the thread that fences uses it. */
static struct {
	bool loaded;
	__typeof__(ipmi_ctx_create) *ctx_create;
	__typeof__(ipmi_ctx_open_outofband_2_0) *ctx_open_outofband_2_0;
	__typeof__(ipmi_ctx_errnum) *ctx_errnum;
	__typeof__(ipmi_ctx_close) *ctx_close;
	__typeof__(ipmi_ctx_destroy) *ctx_destroy;
	__typeof__(ipmi_cmd_chassis_control) *cmd_chassis_control;
	__typeof__(ipmi_cmd_get_chassis_status) *cmd_get_chassis_status;
	__typeof__(fiid_obj_create) *obj_create;
	__typeof__(fiid_obj_packet_valid) *obj_packet_valid;
	__typeof__(fiid_obj_get) *obj_get;
	__typeof__(fiid_obj_destroy) *obj_destroy;
	/* Data: the reply templates (fiid_template_t is an array type). */
	fiid_field_t *tmpl_chassis_control_rs;
	fiid_field_t *tmpl_get_chassis_status_rs;
} fi;

#define SYM(field, name) { name, (void **)&fi.field }
static const struct dl_sym fi_syms[] = {
	SYM(ctx_create, "ipmi_ctx_create"),
	SYM(ctx_open_outofband_2_0, "ipmi_ctx_open_outofband_2_0"),
	SYM(ctx_errnum, "ipmi_ctx_errnum"),
	SYM(ctx_close, "ipmi_ctx_close"),
	SYM(ctx_destroy, "ipmi_ctx_destroy"),
	SYM(cmd_chassis_control, "ipmi_cmd_chassis_control"),
	SYM(cmd_get_chassis_status, "ipmi_cmd_get_chassis_status"),
	SYM(obj_create, "fiid_obj_create"),
	SYM(obj_packet_valid, "fiid_obj_packet_valid"),
	SYM(obj_get, "fiid_obj_get"),
	SYM(obj_destroy, "fiid_obj_destroy"),
	SYM(tmpl_chassis_control_rs, "tmpl_cmd_chassis_control_rs"),
	SYM(tmpl_get_chassis_status_rs, "tmpl_cmd_get_chassis_status_rs"),
};
#undef SYM
#define N_FI_SYMS (sizeof(fi_syms) / sizeof(fi_syms[0]))

static const char *fi_library(const char *library)
{
	return library && *library ? library : LIBFREEIPMI_SONAME;
}

int fence_ipmi_load(const char *library, char *why, size_t whylen)
{
	char err[200];

	if (fi.loaded)
		return 0;
	if (dl_bind_why(fi_library(library), fi_syms, N_FI_SYMS, err, sizeof(err)) < 0) {
		why_set(why, whylen, "cannot load libfreeipmi (%s): %s", fi_library(library), err);
		return -ENOENT;
	}
	fi.loaded = true;
	return 0;
}

int fence_ipmi_probe(const char *library, char *why, size_t whylen)
{
	char err[200];

	if (fi.loaded)
		return 0;
	if (dl_probe(fi_library(library), fi_syms, N_FI_SYMS, err, sizeof(err)) < 0) {
		why_set(why, whylen, "cannot load libfreeipmi (%s): %s", fi_library(library), err);
		return -ENOENT;
	}
	return 0;
}

/* ---- the device ---------------------------------------------------------- */

struct fence_ipmi {
	char *library;                      /* NULL: LIBFREEIPMI_SONAME */
	char target[FENCE_IPMI_TARGET_LEN]; /* "host:port" for libfreeipmi */
	char user[FENCE_IPMI_USER_MAX + 1];
	char password[FENCE_IPMI_PASSWORD_MAX + 1];
	uint8_t cipher;
	unsigned session_ms, retrans_ms;
};

static struct fence_ipmi *ipmi_priv(struct fence_dev *dev)
{
	return dev->priv;
}

/* libfreeipmi's error numbers as errno values. The caller's message comes
 * from these, so the split matters: EACCES = the BMC refused who we are;
 * ETIMEDOUT = no (complete) answer in time; EIO = the BMC answered the
 * command with an error completion code (or the library failed); EPROTO =
 * the BMC spoke, but not the protocol we expect. All POSIX (no Linux-only
 * EREMOTEIO: this builds on FreeBSD too). */
static int ipmi_errnum_to_errno(int errnum)
{
	switch (errnum) {
	case IPMI_ERR_USERNAME_INVALID:
	case IPMI_ERR_PASSWORD_INVALID:
	case IPMI_ERR_K_G_INVALID:
	case IPMI_ERR_PRIVILEGE_LEVEL_INSUFFICIENT:
	case IPMI_ERR_PRIVILEGE_LEVEL_CANNOT_BE_OBTAINED:
	case IPMI_ERR_PERMISSION:
		return -EACCES;
	case IPMI_ERR_AUTHENTICATION_TYPE_UNAVAILABLE:
	case IPMI_ERR_CIPHER_SUITE_ID_UNAVAILABLE:
	case IPMI_ERR_IPMI_2_0_UNAVAILABLE:
		return -EPROTONOSUPPORT;
	case IPMI_ERR_PASSWORD_VERIFICATION_TIMEOUT:
	case IPMI_ERR_CONNECTION_TIMEOUT:
	case IPMI_ERR_SESSION_TIMEOUT:
	case IPMI_ERR_MESSAGE_TIMEOUT:
	case IPMI_ERR_DRIVER_TIMEOUT:
		return -ETIMEDOUT;
	case IPMI_ERR_BMC_BUSY:
	case IPMI_ERR_DRIVER_BUSY:
		return -EBUSY;
	case IPMI_ERR_BAD_COMPLETION_CODE:
		return -EIO;
	case IPMI_ERR_COMMAND_INVALID_OR_UNSUPPORTED:
	case IPMI_ERR_COMMAND_INVALID_FOR_SELECTED_INTERFACE:
		return -EOPNOTSUPP;
	case IPMI_ERR_OUT_OF_MEMORY:
		return -ENOMEM;
	case IPMI_ERR_HOSTNAME_INVALID:
	case IPMI_ERR_PARAMETERS:
		return -EINVAL;
	case IPMI_ERR_BAD_RMCPPLUS_STATUS_CODE:
	case IPMI_ERR_IPMI_ERROR:
		return -EPROTO;
	default:
		return -EIO;
	}
}

/* Every call starts here, so this is where libfreeipmi gets loaded. */
static int ipmi_session_open(struct fence_dev *dev, struct deadline d, ipmi_ctx_t *out)
{
	struct fence_ipmi *p = ipmi_priv(dev);
	unsigned session, retrans;
	ipmi_ctx_t ctx;
	int rc;

	rc = fence_ipmi_load(p->library, dev->error, sizeof(dev->error));
	if (rc < 0)
		return rc;
	rc = fence_ipmi_timeouts(p->session_ms, p->retrans_ms, deadline_left_ms(d), &session,
				 &retrans);
	if (rc < 0)
		return rc;
	ctx = fi.ctx_create();
	if (!ctx)
		return -ENOMEM;
	if (fi.ctx_open_outofband_2_0(ctx, p->target, p->user, p->password, NULL, 0,
				      IPMI_PRIVILEGE_LEVEL_ADMIN, p->cipher, session, retrans,
				      IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_OPEN_SESSION_PRIVILEGE,
				      IPMI_FLAGS_DEFAULT) < 0) {
		rc = ipmi_errnum_to_errno(fi.ctx_errnum(ctx));
		fi.ctx_destroy(ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

static void ipmi_session_close(ipmi_ctx_t ctx)
{
	/* Sends Close Session (bounded by the session timeout) so that the
	 * BMC's few session slots are not used up by polling. */
	fi.ctx_close(ctx);
	fi.ctx_destroy(ctx);
}

/* The reply is a complete packet of its template, for command cmd, with
 * completion code 0x00. */
static int ipmi_check_reply(fiid_obj_t rs, uint8_t cmd)
{
	uint64_t v;

	if (fi.obj_packet_valid(rs) != 1)
		return -EPROTO;
	if (fi.obj_get(rs, "cmd", &v) != 1 || v != cmd)
		return -EPROTO;
	if (fi.obj_get(rs, "comp_code", &v) != 1)
		return -EPROTO;
	if (v != IPMI_COMP_CODE_COMMAND_SUCCESS)
		return -EIO;
	return 0;
}

static int ipmi_chassis_control(struct fence_dev *dev, struct deadline d, uint8_t op)
{
	ipmi_ctx_t ctx;
	fiid_obj_t rs;
	int rc;

	rc = ipmi_session_open(dev, d, &ctx);
	if (rc < 0)
		return rc;
	rs = fi.obj_create(fi.tmpl_chassis_control_rs);
	if (!rs)
		rc = -ENOMEM;
	else if (deadline_expired(d))
		rc = -ETIMEDOUT;
	else if (fi.cmd_chassis_control(ctx, op, rs) < 0)
		rc = ipmi_errnum_to_errno(fi.ctx_errnum(ctx));
	else
		rc = ipmi_check_reply(rs, IPMI_CMD_CHASSIS_CONTROL);
	fi.obj_destroy(rs);
	ipmi_session_close(ctx);
	return rc;
}

static int ipmi_power_off(struct fence_dev *dev, struct deadline d)
{
	return ipmi_chassis_control(dev, d, IPMI_CHASSIS_CONTROL_POWER_DOWN);
}

static int ipmi_power_on(struct fence_dev *dev, struct deadline d)
{
	return ipmi_chassis_control(dev, d, IPMI_CHASSIS_CONTROL_POWER_UP);
}

static int ipmi_power_status(struct fence_dev *dev, struct deadline d, bool *on)
{
	ipmi_ctx_t ctx;
	fiid_obj_t rs;
	uint64_t v = 0;
	int rc;

	rc = ipmi_session_open(dev, d, &ctx);
	if (rc < 0)
		return rc;
	rs = fi.obj_create(fi.tmpl_get_chassis_status_rs);
	if (!rs)
		rc = -ENOMEM;
	else if (deadline_expired(d))
		rc = -ETIMEDOUT;
	else if (fi.cmd_get_chassis_status(ctx, rs) < 0)
		rc = ipmi_errnum_to_errno(fi.ctx_errnum(ctx));
	else if ((rc = ipmi_check_reply(rs, IPMI_CMD_GET_CHASSIS_STATUS)) == 0) {
		if (fi.obj_get(rs, "current_power_state.power_is_on", &v) != 1 || v > 1)
			rc = -EPROTO;
	}
	fi.obj_destroy(rs);
	ipmi_session_close(ctx);
	if (rc == 0)
		*on = v == 1;
	return rc;
}

static void ipmi_destroy(struct fence_dev *dev)
{
	struct fence_ipmi *p = ipmi_priv(dev);

	if (p) {
		free(p->library);
		explicit_bzero(p, sizeof(*p));
		free(p);
	}
	explicit_bzero(dev, sizeof(*dev));
	free(dev);
}

static const struct fence_ops ipmi_ops = {
	.name = "ipmi",
	.power_off = ipmi_power_off,
	.power_on = ipmi_power_on,
	.power_status = ipmi_power_status,
	.destroy = ipmi_destroy,
};

int fence_ipmi_new(const struct fence_ipmi_config *cfg, struct fence_dev **out, char *why,
		   size_t whylen)
{
	struct fence_ipmi_addr addr;
	struct fence_ipmi *p;
	struct fence_dev *dev;
	size_t pwlen;
	int rc;

	if (!out) {
		why_set(why, whylen, "internal error: no place for the device");
		return -EINVAL;
	}
	*out = NULL;
	rc = fence_ipmi_check_config(cfg, &addr, why, whylen);
	if (rc < 0)
		return rc;
	p = calloc(1, sizeof(*p));
	dev = calloc(1, sizeof(*dev));
	if (!p || !dev) {
		free(p);
		free(dev);
		why_set(why, whylen, "out of memory");
		return -ENOMEM;
	}
	rc = fence_ipmi_read_password(cfg->password_file, p->password, sizeof(p->password),
				      &pwlen, why, whylen);
	if (rc == 0 && cfg->library && !(p->library = strdup(cfg->library))) {
		why_set(why, whylen, "out of memory");
		rc = -ENOMEM;
	}
	if (rc < 0) {
		explicit_bzero(p, sizeof(*p));
		free(p);
		free(dev);
		return rc;
	}
	/* Both fit: checked above (address literal, user length). */
	fence_ipmi_format_host(&addr, p->target, sizeof(p->target));
	memcpy(p->user, cfg->username, strlen(cfg->username) + 1);
	p->cipher = (uint8_t)cfg->cipher_suite;
	p->session_ms = cfg->session_timeout_ms ? cfg->session_timeout_ms
						: FENCE_IPMI_SESSION_MS_DEFAULT;
	p->retrans_ms = cfg->retransmission_timeout_ms ? cfg->retransmission_timeout_ms
						       : FENCE_IPMI_RETRANS_MS_DEFAULT;
	dev->ops = &ipmi_ops;
	dev->priv = p;
	snprintf(dev->desc, sizeof(dev->desc), "ipmi %s", p->target);
	*out = dev;
	return 0;
}
