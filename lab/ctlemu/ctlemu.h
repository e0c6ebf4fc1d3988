/* EMULATION of FreeBSD CTL HA (ctl(4)) for tests on Linux. Not a kernel,
 * never installed, never linked into a production build.
 *
 * One ctlemud process per lab head holds what the kernel holds for HA:
 * the kern.cam.ctl.ha_* sysctls, a LUN table with the per-LUN "ha_role"
 * option, and a TCP link to the other head's ctlemud that goes exactly
 * where ha_peer ("listen A.B.C.D:P" / "connect A.B.C.D:P") says. Clients
 * (the sysctlbyname() shim, the ctladm and sysctl stand-ins) reach it over
 * a unix socket. Every rule below is taken from FreeBSD's source, not from
 * twinhead's agent (agents/ctlha/ctlha_parse.c is deliberately not reused): see
 * docs/ctlha.md for the list, with the places in ctl.c/ctl_ha.c.
 *
 * This file is the pure core: state, sysctl semantics, the peer-to-peer
 * messages (encoded and validated here), ALUA states, REPORT TARGET PORT
 * GROUPS bytes, and ctladm's commands as text. It does no I/O; ctlemud.c
 * owns the sockets and reacts to the want_* flags. */
#ifndef TWINHEAD_CTLEMU_H
#define TWINHEAD_CTLEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define CTLEMU_SOCKET_DEFAULT "/run/ctlemu.sock"
#define CTLEMU_PEER_MAX 128      /* ctl_ha.c: char ha_peer[128] */
#define CTLEMU_DEFAULT_PORT 999  /* ctl_ha.c: port when the string has none */
#define CTLEMU_MAX_LUNS 64       /* the emulator's table (CTL's default is 1024) */
#define CTLEMU_MAX_OPTS 16
#define CTLEMU_MSG_MAX 256       /* largest peer message body we accept */
#define CTLEMU_DEVID_MAX 64

/* What ctl.c's login compares (ctl_isc_login); the emulator's values. */
#define CTLEMU_HA_VERSION 3
#define CTLEMU_TUN_MAX_LUNS 1024
#define CTLEMU_TUN_MAX_PORTS 256
#define CTLEMU_MAX_INIT_PER_PORT 2048

enum ctlemu_peer_kind { CTLEMU_PEER_NONE, CTLEMU_PEER_LISTEN, CTLEMU_PEER_CONNECT };


struct ctlemu_opt {
	char name[32];
	char value[256];
};

struct ctlemu_lun {
	bool used;
	unsigned id;
	char backend[16];  /* "block" or "ramdisk" */
	char serial[32];
	char devid[CTLEMU_DEVID_MAX];
	uint64_t size_bytes;
	unsigned blocksize;
	struct ctlemu_opt opts[CTLEMU_MAX_OPTS];
	size_t nopts;
	bool primary;      /* CTL_LUN_PRIMARY_SC */
	bool peer_primary; /* CTL_LUN_PEER_SC_PRIMARY, learned over the link */
	bool open;         /* the backend is open (block: its file) */
};

typedef void (*ctlemu_log_fn)(void *arg, const char *msg);

struct ctlemu {
	int ha_id;                /* boot tunable */
	int ha_mode;              /* boot tunable */
	bool active_shelf;        /* CTL_FLAG_ACTIVE_SHELF: ha_role reads 0 */
	char ha_peer[CTLEMU_PEER_MAX];
	enum ctlemu_peer_kind peer_kind;
	uint32_t peer_addr;       /* host order */
	uint16_t peer_port;
	int ha_link;              /* 0 offline, 1 unknown, 2 online */
	struct ctlemu_lun luns[CTLEMU_MAX_LUNS];
	unsigned num_created;     /* for CTL's default serial and device id */

	/* Emulator-only knowledge (real CTL has no such thing): the other
	 * head's global role, sent in an emulator message so that a split
	 * brain can be reported even without LUNs. -1 unknown. */
	int peer_role;
	bool split_brain;         /* last evaluation */

	/* For the I/O loop. */
	bool want_reconnect;      /* ha_peer changed: drop link and listener */
	bool want_announce;       /* send our LUN states and role */
	bool want_login;          /* link just came up: send LOGIN first */

	ctlemu_log_fn log;
	void *log_arg;
};

/* ha_role < 0: the kernel's default (primary without HA, else secondary).
 * ha_peer may be NULL (the loader tunable unset). */
void ctlemu_init(struct ctlemu *e, int ha_id, int ha_mode, int ha_role, const char *ha_peer,
		 ctlemu_log_fn log, void *log_arg);

void ctlemu_logf(struct ctlemu *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- sysctl ---- */

/* The value of kern.cam.ctl.<name> as the kernel hands it out: an int
 * (native order, 4 bytes) or a string with its NUL. buf must hold
 * CTLEMU_PEER_MAX bytes. Returns 0 or -ENOENT (unknown oid). */
int ctlemu_sysctl_get(const struct ctlemu *e, const char *name, uint8_t *buf, size_t *len);

/* A write, with the kernel's answers: -ENOENT unknown oid, -EPERM a
 * read-only one (ha_id, ha_mode, ha_link), -EINVAL a short int or an
 * ha_peer the kernel's sscanf refuses (which also empties ha_peer and
 * drops the link, as ctl_ha_peer_sysctl does). */
int ctlemu_sysctl_set(struct ctlemu *e, const char *name, const uint8_t *val, size_t len);

/* ---- the link ---- */

/* CTL_HA_EVT_LINK_CHANGE: logs like ctl.c, forgets the peer's primary
 * flags when the link leaves ONLINE, asks for LOGIN and announcements when
 * it reaches ONLINE. */
void ctlemu_link_change(struct ctlemu *e, int link);

/* The link state ctl_ha.c reports once a connection closes: UNKNOWN
 * while configured, OFFLINE otherwise. */
int ctlemu_link_idle(const struct ctlemu *e);

/* Peer messages: an 8-byte header {u32 channel, u32 length} and a body
 * {u32 type, ...}, little-endian. Encoders return the frame length. */
#define CTLEMU_FRAME_MAX (8 + CTLEMU_MSG_MAX)
size_t ctlemu_msg_login(const struct ctlemu *e, uint8_t *frame);
size_t ctlemu_msg_lun_sync(const struct ctlemu *e, const struct ctlemu_lun *lun, uint8_t *frame);
size_t ctlemu_msg_role(const struct ctlemu *e, uint8_t *frame);

/* Validates a header. Returns the body length, or -EPROTO. */
int ctlemu_frame_check(const uint8_t hdr[8]);

/* Applies one received body. Returns 0; or -ECONNABORTED when the link
 * must be dropped (ctl.c's ctl_ha_msg_abort: login mismatch, a malformed
 * or unknown message), with the reason logged. */
int ctlemu_msg_receive(struct ctlemu *e, const uint8_t *body, size_t len);

/* ---- LUNs and ALUA ---- */

struct ctlemu_lun *ctlemu_lun_find(struct ctlemu *e, unsigned id);

/* The backend's view after create, modify or a role change: the per-LUN
 * "ha_role" option wins, else the head's role decides. Returns whether the
 * LUN's primary flag changed. */
bool ctlemu_lun_eval_primary(struct ctlemu *e, struct ctlemu_lun *lun);

/* The block backend opens its file when primary, or always in mode 1, and
 * closes it otherwise. Returns NULL, or the warning the kernel would put in
 * error_str (written into buf). */
const char *ctlemu_lun_open_close(struct ctlemu *e, struct ctlemu_lun *lun, char *buf,
				  size_t len);

/* This head's (ts) and the other head's (os) ALUA states for lun, as
 * ctl_report_tagret_port_groups computes them. */
void ctlemu_alua(const struct ctlemu *e, const struct ctlemu_lun *lun, int *ts, int *os);

/* REPORT TARGET PORT GROUPS data (not extended). Returns its length. */
size_t ctlemu_rtpg(const struct ctlemu *e, const struct ctlemu_lun *lun, uint8_t *buf,
		   size_t len);

/* Runs "ctladm ARGV..." (argv[0] is "ctladm") against the state; writes
 * what ctladm would print. Returns its exit status. */
int ctlemu_ctladm(struct ctlemu *e, int argc, char **argv, struct strbuf *out,
		  struct strbuf *err);

/* Re-evaluates the emulator-only split-brain check (both heads primary
 * while linked, globally or for a LUN); logs on every change. */
void ctlemu_check_split_brain(struct ctlemu *e);

/* The emulator's own report (labelled EMULATION): tunables, link, roles,
 * LUN ALUA states, split brain. */
void ctlemu_status(struct ctlemu *e, struct strbuf *out);

const char *ctlemu_alua_name(int state);

#endif
