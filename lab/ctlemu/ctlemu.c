/* EMULATION of FreeBSD CTL HA: the pure core (see ctlemu.h).
 *
 * Each rule names where it comes from in FreeBSD's sys/cam/ctl (read in
 * FreeBSD 13/14 sources; no code copied). */
#include "config.h"
#include "ctlemu.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small things ---- */

void ctlemu_logf(struct ctlemu *e, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (e->log)
		e->log(e->log_arg, msg);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static bool is_single(const struct ctlemu *e)
{
	/* ctl.c ctl_init: ha_id 0 or above NUM_HA_SHELVES (2) means no HA. */
	return e->ha_id < 1 || e->ha_id > 2;
}

static const char *opt_get(const struct ctlemu_lun *l, const char *name)
{
	for (size_t i = 0; i < l->nopts; i++)
		if (strcmp(l->opts[i].name, name) == 0)
			return l->opts[i].value;
	return NULL;
}

/* ---- LUN roles (ctl_backend_block.c / ramdisk: create and modify) ---- */

/* The per-LUN "ha_role" option wins; without it the head's role
 * (CTL_FLAG_ACTIVE_SHELF) decides. Returns whether the flag changed. */
bool ctlemu_lun_eval_primary(struct ctlemu *e, struct ctlemu_lun *l)
{
	const char *v = opt_get(l, "ha_role");
	bool was = l->primary;

	l->primary = v ? strcmp(v, "primary") == 0 : e->active_shelf;
	return was != l->primary;
}

/* The block backend opens its file when primary, or in mode 1 (SER_ONLY)
 * always, and closes it otherwise (modes 0 and 2). Returns NULL, or the
 * warning the kernel would put in error_str. */
const char *ctlemu_lun_open_close(struct ctlemu *e, struct ctlemu_lun *l, char *buf, size_t len)
{
	if (strcmp(l->backend, "block") != 0) {
		l->open = true; /* ramdisk: memory, always there */
		return NULL;
	}
	if (l->primary || e->ha_mode == 1) {
		const char *file = opt_get(l, "file");
		FILE *f;

		if (!file) {
			l->open = false;
			snprintf(buf, len, "no file argument specified");
			return buf;
		}
		f = fopen(file, "rb");
		if (!f) {
			l->open = false;
			snprintf(buf, len, "error opening %s: %d", file, errno);
			return buf;
		}
		if (fseek(f, 0, SEEK_END) == 0) {
			long sz = ftell(f);

			if (sz > 0)
				l->size_bytes = (uint64_t)sz;
		}
		fclose(f);
		l->open = true;
	} else {
		l->open = false;
	}
	return NULL;
}

/* ---- init ---- */

static int peer_apply(struct ctlemu *e, const char *s);

void ctlemu_init(struct ctlemu *e, int ha_id, int ha_mode, int ha_role, const char *ha_peer,
		 ctlemu_log_fn log, void *log_arg)
{
	memset(e, 0, sizeof(*e));
	e->log = log;
	e->log_arg = log_arg;
	e->ha_id = ha_id;
	e->ha_mode = ha_mode;
	e->peer_role = -1;
	/* ctl_init: a single head is always the active shelf; in HA the role
	 * starts secondary unless the ha_role tunable (RWTUN) says 0. */
	e->active_shelf = is_single(e) || ha_role == 0;
	if (ha_role > 0 && is_single(e))
		e->active_shelf = false;
	e->ha_link = 0;
	if (ha_peer && ha_peer[0]) {
		/* The ha_peer tunable goes through the same handler at boot. */
		if (peer_apply(e, ha_peer) < 0)
			ctlemu_logf(e, "ha_peer tunable '%s' refused (EINVAL)", ha_peer);
		ctlemu_link_change(e, ctlemu_link_idle(e));
	}
}

/* ---- sysctl ---- */

/* ctl_ha.c ctl_ha_peer_sysctl: sscanf "connect %d.%d.%d.%d:%d", else
 * "listen ...", four numbers at least; anything else non-empty is EINVAL
 * and leaves the string empty; every change drops the link (ha_disconnect
 * = 2) and reconfigures. */
static int peer_apply(struct ctlemu *e, const char *s)
{
	int b1, b2, b3, b4, p, num = 0, err = 0;
	char buf[CTLEMU_PEER_MAX];

	snprintf(buf, sizeof(buf), "%s", s);
	if ((num = sscanf(buf, "connect %d.%d.%d.%d:%d", &b1, &b2, &b3, &b4, &p)) >= 4) {
		e->peer_kind = CTLEMU_PEER_CONNECT;
	} else if ((num = sscanf(buf, "listen %d.%d.%d.%d:%d", &b1, &b2, &b3, &b4, &p)) >= 4) {
		e->peer_kind = CTLEMU_PEER_LISTEN;
	} else {
		e->peer_kind = CTLEMU_PEER_NONE;
		if (buf[0] != '\0') {
			buf[0] = '\0';
			err = -EINVAL;
		}
	}
	snprintf(e->ha_peer, sizeof(e->ha_peer), "%s", buf);
	if (e->peer_kind != CTLEMU_PEER_NONE) {
		e->peer_port = (uint16_t)(num >= 5 ? p : CTLEMU_DEFAULT_PORT);
		e->peer_addr = ((uint32_t)b1 << 24) + ((uint32_t)b2 << 16) + ((uint32_t)b3 << 8) +
			       (uint32_t)b4;
	}
	e->want_reconnect = true;
	return err;
}

int ctlemu_sysctl_get(const struct ctlemu *e, const char *name, uint8_t *buf, size_t *len)
{
	int v;

	if (strcmp(name, "kern.cam.ctl.ha_peer") == 0) {
		size_t n = strlen(e->ha_peer) + 1;

		memcpy(buf, e->ha_peer, n);
		*len = n;
		return 0;
	}
	if (strcmp(name, "kern.cam.ctl.ha_id") == 0)
		v = e->ha_id;
	else if (strcmp(name, "kern.cam.ctl.ha_mode") == 0)
		v = e->ha_mode;
	else if (strcmp(name, "kern.cam.ctl.ha_link") == 0)
		v = e->ha_link;
	else if (strcmp(name, "kern.cam.ctl.ha_role") == 0)
		v = e->active_shelf ? 0 : 1; /* ctl_ha_role_sysctl */
	else
		return -ENOENT;
	memcpy(buf, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

/* ctl.c ctl_ha_role_sysctl: 0 sets the active shelf, anything else clears
 * it; then every LUN is re-evaluated through its backend (which honours a
 * per-LUN ha_role and opens or closes the backend). No check of the peer:
 * a second primary is accepted. */
static void role_apply(struct ctlemu *e, int value)
{
	char wbuf[160];

	e->active_shelf = value == 0;
	for (size_t i = 0; i < CTLEMU_MAX_LUNS; i++) {
		struct ctlemu_lun *l = &e->luns[i];
		const char *warn;

		if (!l->used)
			continue;
		if (ctlemu_lun_eval_primary(e, l))
			e->want_announce = true; /* ctl_lun_primary/secondary announce */
		warn = ctlemu_lun_open_close(e, l, wbuf, sizeof(wbuf));
		if (warn)
			ctlemu_logf(e, "ctl_ha_role_sysctl: CTL_LUNREQ_MODIFY returned 1 '%s'", warn);
	}
	e->want_announce = true; /* the emulator's role message */
}

int ctlemu_sysctl_set(struct ctlemu *e, const char *name, const uint8_t *val, size_t len)
{
	if (strcmp(name, "kern.cam.ctl.ha_peer") == 0) {
		char s[CTLEMU_PEER_MAX];
		size_t n = 0;

		/* sysctl_handle_string: too long is EINVAL, nothing changes. */
		while (n < len && val[n] != '\0')
			n++;
		if (n >= sizeof(s))
			return -EINVAL;
		memcpy(s, val, n);
		s[n] = '\0';
		if (strcmp(s, e->ha_peer) == 0)
			return 0;
		return peer_apply(e, s);
	}
	if (strcmp(name, "kern.cam.ctl.ha_role") == 0) {
		int v;

		if (len < sizeof(v))
			return -EINVAL;
		memcpy(&v, val, sizeof(v));
		role_apply(e, v);
		ctlemu_check_split_brain(e);
		return 0;
	}
	if (strcmp(name, "kern.cam.ctl.ha_id") == 0 || strcmp(name, "kern.cam.ctl.ha_mode") == 0 ||
	    strcmp(name, "kern.cam.ctl.ha_link") == 0)
		return -EPERM; /* CTLFLAG_RDTUN / CTLFLAG_RD */
	return -ENOENT;
}

/* ---- link ---- */

int ctlemu_link_idle(const struct ctlemu *e)
{
	return e->peer_kind != CTLEMU_PEER_NONE ? 1 : 0;
}

void ctlemu_link_change(struct ctlemu *e, int link)
{
	int old = e->ha_link;

	if (link == old)
		return;
	ctlemu_logf(e, "CTL: HA link status changed from %d to %d", old, link);
	e->ha_link = link;
	if (old == 2) {
		/* ctl_isc_ha_link_down: the peer is no longer known primary. */
		for (size_t i = 0; i < CTLEMU_MAX_LUNS; i++)
			e->luns[i].peer_primary = false;
		e->peer_role = -1;
		e->want_login = false;
	} else if (link == 2) {
		/* ctl_isc_ha_link_up: LOGIN, then ports, IIDs and LUNs. */
		e->want_login = true;
		e->want_announce = true;
	}
	ctlemu_check_split_brain(e);
}

/* ---- peer messages ---- */

enum {
	MSG_LOGIN = 1,
	MSG_LUN_SYNC = 2,
	MSG_EMU_ROLE = 100, /* emulator-only: not in CTL's protocol */
};

#define LUN_F_PRIMARY 0x1      /* CTL_LUN_PRIMARY_SC */
#define LUN_F_PEER_PRIMARY 0x2 /* CTL_LUN_PEER_SC_PRIMARY */

static size_t frame(uint8_t *f, size_t body)
{
	put32(f, 0); /* CTL_HA_CHAN_CTL */
	put32(f + 4, (uint32_t)body);
	return 8 + body;
}

size_t ctlemu_msg_login(const struct ctlemu *e, uint8_t *f)
{
	uint8_t *b = f + 8;

	put32(b, MSG_LOGIN);
	put32(b + 4, CTLEMU_HA_VERSION);
	put32(b + 8, (uint32_t)e->ha_mode);
	put32(b + 12, (uint32_t)e->ha_id);
	put32(b + 16, CTLEMU_TUN_MAX_LUNS);
	put32(b + 20, CTLEMU_TUN_MAX_PORTS);
	put32(b + 24, CTLEMU_MAX_INIT_PER_PORT);
	return frame(f, 28);
}

size_t ctlemu_msg_lun_sync(const struct ctlemu *e, const struct ctlemu_lun *l, uint8_t *f)
{
	uint8_t *b = f + 8;
	size_t dl = strlen(l->devid);

	put32(b, MSG_LUN_SYNC);
	put32(b + 4, l->id);
	put32(b + 8, (l->primary ? LUN_F_PRIMARY : 0) | (l->peer_primary ? LUN_F_PEER_PRIMARY : 0));
	put32(b + 12, (uint32_t)dl);
	memcpy(b + 16, l->devid, dl);
	return frame(f, 16 + dl);
}

size_t ctlemu_msg_role(const struct ctlemu *e, uint8_t *f)
{
	uint8_t *b = f + 8;

	put32(b, MSG_EMU_ROLE);
	put32(b + 4, e->active_shelf ? 0 : 1);
	return frame(f, 8);
}

int ctlemu_frame_check(const uint8_t hdr[8])
{
	uint32_t chan = get32(hdr), len = get32(hdr + 4);

	if (chan != 0 || len < 4 || len > CTLEMU_MSG_MAX)
		return -EPROTO;
	return (int)len;
}

static int abort_link(struct ctlemu *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int abort_link(struct ctlemu *e, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctlemu_logf(e, "%s", msg);
	return -ECONNABORTED;
}

int ctlemu_msg_receive(struct ctlemu *e, const uint8_t *b, size_t len)
{
	uint32_t type;

	if (len < 4)
		return abort_link(e, "EMULATION: peer message of %zu bytes: dropping the link", len);
	type = get32(b);
	switch (type) {
	case MSG_LOGIN: {
		uint32_t version, mode, id, luns, ports, inits;

		if (len != 28)
			return abort_link(e, "EMULATION: LOGIN of %zu bytes: dropping the link", len);
		version = get32(b + 4);
		mode = get32(b + 8);
		id = get32(b + 12);
		luns = get32(b + 16);
		ports = get32(b + 20);
		inits = get32(b + 24);
		/* ctl.c ctl_isc_login */
		if (version != CTLEMU_HA_VERSION)
			return abort_link(e, "CTL HA peers have different versions %u != %d",
					  version, CTLEMU_HA_VERSION);
		if (mode != (uint32_t)e->ha_mode)
			return abort_link(e, "CTL HA peers have different ha_mode %u != %d", mode,
					  e->ha_mode);
		if (id == (uint32_t)e->ha_id)
			return abort_link(e, "CTL HA peers have same ha_id %u", id);
		if (luns != CTLEMU_TUN_MAX_LUNS || ports != CTLEMU_TUN_MAX_PORTS ||
		    inits != CTLEMU_MAX_INIT_PER_PORT)
			return abort_link(e, "CTL HA peers have different limits");
		return 0;
	}
	case MSG_LUN_SYNC: {
		uint32_t id, flags, dl;
		struct ctlemu_lun *l;
		char devid[CTLEMU_DEVID_MAX];

		if (len < 16)
			return abort_link(e, "EMULATION: LUN_SYNC of %zu bytes: dropping the link",
					  len);
		id = get32(b + 4);
		flags = get32(b + 8);
		dl = get32(b + 12);
		if (dl >= CTLEMU_DEVID_MAX || len != 16 + (size_t)dl || (flags & ~3u) != 0)
			return abort_link(e, "EMULATION: malformed LUN_SYNC: dropping the link");
		for (uint32_t i = 0; i < dl; i++)
			if (b[16 + i] < 0x20 || b[16 + i] > 0x7e)
				return abort_link(e, "EMULATION: LUN_SYNC device id not printable: "
						     "dropping the link");
		memcpy(devid, b + 16, dl);
		devid[dl] = '\0';
		/* ctl.c ctl_isc_lun_sync */
		l = ctlemu_lun_find(e, id);
		if (!l)
			return 0;
		if (strcmp(devid, l->devid) != 0) {
			ctlemu_logf(e, "ctl_isc_lun_sync: Received conflicting HA LUN %u", id);
			return 0;
		}
		l->peer_primary = (flags & LUN_F_PRIMARY) != 0;
		/* "If we are primary but peer doesn't know -- notify" */
		if (l->primary && !(flags & LUN_F_PEER_PRIMARY))
			e->want_announce = true;
		ctlemu_check_split_brain(e);
		return 0;
	}
	case MSG_EMU_ROLE: {
		uint32_t role;

		if (len != 8)
			return abort_link(e, "EMULATION: role message of %zu bytes: dropping the link",
					  len);
		role = get32(b + 4);
		if (role > 1)
			return abort_link(e, "EMULATION: role %u: dropping the link", role);
		e->peer_role = (int)role;
		ctlemu_check_split_brain(e);
		return 0;
	}
	}
	/* ctl.c ctl_isc_event_handler default case */
	return abort_link(e, "Received HA message of unknown type %u", type);
}

/* ---- split brain (emulator diagnostics) ---- */

void ctlemu_check_split_brain(struct ctlemu *e)
{
	bool sb = false;
	char what[128] = "";

	if (e->ha_link == 2) {
		if (e->active_shelf && e->peer_role == 0) {
			sb = true;
			snprintf(what, sizeof(what), "both heads have ha_role=0");
		}
		for (size_t i = 0; i < CTLEMU_MAX_LUNS && !sb; i++) {
			const struct ctlemu_lun *l = &e->luns[i];

			if (l->used && l->primary && l->peer_primary) {
				sb = true;
				snprintf(what, sizeof(what), "both heads primary for LUN %u", l->id);
			}
		}
	}
	if (sb != e->split_brain) {
		if (sb)
			ctlemu_logf(e, "EMULATION: ERROR: split brain: %s while the HA link is up "
				       "(ctl(4): illegal; real CTL accepts it silently)", what);
		else
			ctlemu_logf(e, "EMULATION: split brain over");
	}
	e->split_brain = sb;
}

/* ---- ALUA (ctl.c ctl_report_tagret_port_groups) ---- */

#define TPG_OPT 0x0
#define TPG_NONOPT 0x1
#define TPG_STANDBY 0x2
#define TPG_UNAVAIL 0x3
#define TPG_TRANS 0xf

void ctlemu_alua(const struct ctlemu *e, const struct ctlemu_lun *l, int *ts, int *os)
{
	if (l->primary || l->peer_primary) {
		/* Some shelf is known to be primary. */
		int other;

		if (e->ha_link == 0)
			other = TPG_UNAVAIL;
		else if (e->ha_link == 1)
			other = TPG_TRANS;
		else if (e->ha_mode == 0)
			other = TPG_STANDBY;
		else
			other = TPG_NONOPT;
		if (l->primary) {
			*ts = TPG_OPT;
			*os = other;
		} else {
			*ts = other;
			*os = TPG_OPT;
		}
	} else if (e->ha_link == 0) {
		*ts = TPG_UNAVAIL;
		*os = TPG_OPT;
	} else if (e->ha_link == 1) {
		*ts = TPG_TRANS;
		*os = TPG_OPT;
	} else {
		*ts = *os = TPG_TRANS;
	}
}

const char *ctlemu_alua_name(int s)
{
	switch (s) {
	case TPG_OPT:
		return "Active/Optimized";
	case TPG_NONOPT:
		return "Active/Non-optimized";
	case TPG_STANDBY:
		return "Standby";
	case TPG_UNAVAIL:
		return "Unavailable";
	case TPG_TRANS:
		return "Transitioning";
	}
	return "?";
}

static size_t tpg_desc(uint8_t *d, int state, unsigned group, const unsigned *ports,
		       unsigned nports)
{
	memset(d, 0, 8);
	d[0] = (uint8_t)state;
	d[1] = 0x01 | 0x02 | 0x04 | 0x08 | 0x80; /* AO AN S U T supported */
	d[2] = (uint8_t)(group >> 8);
	d[3] = (uint8_t)group;
	d[5] = 0x02; /* TPG_IMPLICIT */
	d[7] = (uint8_t)nports;
	for (unsigned i = 0; i < nports; i++) {
		uint8_t *p = d + 8 + 4 * i;

		p[0] = p[1] = 0;
		p[2] = (uint8_t)(ports[i] >> 8);
		p[3] = (uint8_t)ports[i];
	}
	return 8 + 4 * (size_t)nports;
}

size_t ctlemu_rtpg(const struct ctlemu *e, const struct ctlemu_lun *l, uint8_t *buf, size_t len)
{
	uint8_t tmp[128];
	size_t off = 4, total;
	int ts, os;

	ctlemu_alua(e, l, &ts, &os);
	if (is_single(e)) {
		/* One shared group (id 1) with the ioctl port 0. */
		unsigned port = 0;

		off += tpg_desc(tmp + off, ts, 1, &port, 1);
	} else {
		/* Ports split in halves per head (port_cnt = max_ports / 2). The
		 * ioctl port is this head's first; the peer's is known only
		 * while the link is up (PORT_SYNC, cleared on link down). */
		unsigned cnt = CTLEMU_TUN_MAX_PORTS / 2;
		int pg = e->ha_id - 1;

		for (int g = 0; g < 2; g++) {
			unsigned port = (unsigned)g * cnt;
			unsigned n = (g == pg || e->ha_link == 2) ? 1 : 0;

			off += tpg_desc(tmp + off, g == pg ? ts : os, 2 + (unsigned)g, &port, n);
		}
	}
	put32(tmp, 0);
	tmp[0] = (uint8_t)((off - 4) >> 24);
	tmp[1] = (uint8_t)((off - 4) >> 16);
	tmp[2] = (uint8_t)((off - 4) >> 8);
	tmp[3] = (uint8_t)(off - 4);
	total = off < len ? off : len;
	memcpy(buf, tmp, total);
	return total;
}

/* ---- LUN table ---- */

struct ctlemu_lun *ctlemu_lun_find(struct ctlemu *e, unsigned id)
{
	for (size_t i = 0; i < CTLEMU_MAX_LUNS; i++)
		if (e->luns[i].used && e->luns[i].id == id)
			return &e->luns[i];
	return NULL;
}

/* ---- status ---- */

void ctlemu_status(struct ctlemu *e, struct strbuf *out)
{
	static const char *kinds[] = { "none", "listen", "connect" };

	ctlemu_check_split_brain(e);
	strbuf_printf(out, "EMULATION of FreeBSD CTL HA (twinhead lab/ctlemu), not a kernel\n");
	strbuf_printf(out, "ha_id=%d ha_mode=%d ha_role=%d ha_link=%d ha_peer=\"%s\" (%s)\n",
			  e->ha_id, e->ha_mode, e->active_shelf ? 0 : 1, e->ha_link, e->ha_peer,
			  kinds[e->peer_kind]);
	strbuf_printf(out, "peer_role=%s\n",
			  e->peer_role < 0 ? "unknown" : e->peer_role == 0 ? "0" : "1");
	for (size_t i = 0; i < CTLEMU_MAX_LUNS; i++) {
		const struct ctlemu_lun *l = &e->luns[i];
		int ts, os;

		if (!l->used)
			continue;
		ctlemu_alua(e, l, &ts, &os);
		strbuf_printf(out, "lun %u backend=%s primary=%d peer_primary=%d open=%d "
				  "alua_self=%s alua_other=%s\n",
				  l->id, l->backend, l->primary, l->peer_primary, l->open,
				  ctlemu_alua_name(ts), ctlemu_alua_name(os));
	}
	strbuf_printf(out, "split_brain=%s\n", e->split_brain ? "yes" : "no");
}

