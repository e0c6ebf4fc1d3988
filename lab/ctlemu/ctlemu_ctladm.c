/* EMULATION of ctladm(8) against the emulated CTL: the commands twinhead
 * uses (devlist, modify, rtpg) and the ones a test needs to set a head up
 * (create, remove). Output formats follow usr.sbin/ctladm/ctladm.c; the
 * kernel's answers follow ctl.c and the block/ramdisk backends. Error
 * texts that depend on the kernel's dmesg are approximations. */
#include "config.h"
#include "ctlemu.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A tiny getopt over argv[start..]: opts like "b:vx". Unknown options are
 * skipped, as ctladm's default: break does. Returns the letter, 0 at the
 * end; *arg gets the argument of a letter that takes one. */
struct optp {
	int argc;
	char **argv;
	int i;
	const char *spec;
	bool missing;
};

static int opt_next(struct optp *p, const char **arg)
{
	const char *a, *s;

	*arg = NULL;
	p->missing = false;
	while (p->i < p->argc) {
		a = p->argv[p->i++];
		if (a[0] != '-' || a[1] == '\0')
			continue; /* not an option: ctladm ignores positional junk */
		s = strchr(p->spec, a[1]);
		if (!s || a[1] == ':')
			continue;
		if (s[1] == ':') {
			if (a[2] != '\0') {
				*arg = a + 2;
			} else if (p->i < p->argc) {
				*arg = p->argv[p->i++];
			} else {
				p->missing = true;
				continue;
			}
		}
		return a[1];
	}
	return 0;
}

/* expand_number(3): digits with an optional k/m/g/t/p/e suffix (1024s). */
static int expand_number(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -EINVAL;
	switch (tolower((unsigned char)*end)) {
	case '\0':
		break;
	case 'k': shift = 10; break;
	case 'm': shift = 20; break;
	case 'g': shift = 30; break;
	case 't': shift = 40; break;
	default:
		return -EINVAL;
	}
	if (*end && end[1] != '\0')
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

/* "-o name=value", split as ctladm does with strsep("="): the value stops
 * at a second '='. */
static int split_opt(const char *arg, struct ctlemu_opt *o)
{
	const char *eq = strchr(arg, '=');
	size_t nl, vl;
	const char *v, *v_end;

	if (!eq)
		return -EINVAL;
	nl = (size_t)(eq - arg);
	v = eq + 1;
	v_end = strchr(v, '=');
	vl = v_end ? (size_t)(v_end - v) : strlen(v);
	if (nl == 0 || nl >= sizeof(o->name) || vl >= sizeof(o->value))
		return -EINVAL;
	memcpy(o->name, arg, nl);
	o->name[nl] = '\0';
	memcpy(o->value, v, vl);
	o->value[vl] = '\0';
	return 0;
}

static bool backend_known(const char *b)
{
	return strcmp(b, "block") == 0 || strcmp(b, "ramdisk") == 0;
}

static void xml_esc(struct strbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			strbuf_printf(b, "&amp;");
		else if (*s == '<')
			strbuf_printf(b, "&lt;");
		else if (*s == '>')
			strbuf_printf(b, "&gt;");
		else
			strbuf_printf(b, "%c", *s);
	}
}

static uint64_t size_blocks(const struct ctlemu_lun *l)
{
	return l->blocksize ? l->size_bytes / l->blocksize : 0;
}

/* ctl.c CTL_LUN_LIST: "<size>" is maxlba + 1, or 0 when maxlba is 0. */
static uint64_t listed_size(const struct ctlemu_lun *l)
{
	uint64_t blocks = size_blocks(l);
	uint64_t maxlba = blocks ? blocks - 1 : 0;

	return maxlba > 0 ? maxlba + 1 : 0;
}

static int cmd_devlist(struct ctlemu *e, struct optp *p, struct strbuf *out)
{
	const char *arg, *backend = NULL;
	int c, verbose = 0, xml = 0;

	while ((c = opt_next(p, &arg)) != 0) {
		if (c == 'b')
			backend = arg;
		else if (c == 'v')
			verbose++;
		else if (c == 'x')
			xml = 1;
	}
	if (xml) {
		strbuf_printf(out, "<ctllunlist>\n");
		for (size_t i = 0; i < CTLEMU_MAX_LUNS; i++) {
			const struct ctlemu_lun *l = &e->luns[i];

			if (!l->used)
				continue;
			strbuf_printf(out, "<lun id=\"%u\">\n", l->id);
			strbuf_printf(out, "\t<backend_type>%s</backend_type>\n", l->backend);
			strbuf_printf(out, "\t<lun_type>0</lun_type>\n");
			strbuf_printf(out, "\t<size>%llu</size>\n",
					  (unsigned long long)listed_size(l));
			strbuf_printf(out, "\t<blocksize>%u</blocksize>\n", l->blocksize);
			strbuf_printf(out, "\t<serial_number>");
			xml_esc(out, l->serial);
			strbuf_printf(out, "</serial_number>\n\t<device_id>");
			xml_esc(out, l->devid);
			strbuf_printf(out, "</device_id>\n");
			if (strcmp(l->backend, "block") == 0)
				strbuf_printf(out, "\t<num_threads>14</num_threads>\n");
			for (size_t k = 0; k < l->nopts; k++) {
				strbuf_printf(out, "\t<%s>", l->opts[k].name);
				xml_esc(out, l->opts[k].value);
				strbuf_printf(out, "</%s>\n", l->opts[k].name);
			}
			strbuf_printf(out, "</lun>\n");
		}
		strbuf_printf(out, "</ctllunlist>\n");
		return 0;
	}
	strbuf_printf(out, "LUN Backend  %18s %4s %-16s %-16s\n", "Size (Blocks)", "BS",
			  "Serial Number", "Device ID");
	for (size_t i = 0; i < CTLEMU_MAX_LUNS; i++) {
		const struct ctlemu_lun *l = &e->luns[i];

		if (!l->used || (backend && strcmp(backend, l->backend) != 0))
			continue;
		strbuf_printf(out, "%3u %-8s %18llu %4u %-16s %-16s\n", l->id, l->backend,
				  (unsigned long long)listed_size(l), l->blocksize, l->serial,
				  l->devid);
		if (!verbose)
			continue;
		strbuf_printf(out, "      lun_type=0\n");
		if (strcmp(l->backend, "block") == 0)
			strbuf_printf(out, "      num_threads=14\n");
		for (size_t k = 0; k < l->nopts; k++)
			strbuf_printf(out, "      %s=%s\n", l->opts[k].name, l->opts[k].value);
	}
	return 0;
}

static int cmd_create(struct ctlemu *e, struct optp *p, struct strbuf *out,
		      struct strbuf *err)
{
	struct ctlemu_lun nl, *slot = NULL;
	const char *arg, *backend = NULL, *serial = NULL, *devid = NULL, *warn;
	uint64_t size = 0;
	unsigned bs = 512, id = 0, n_backend = 0;
	bool id_set = false;
	char wbuf[160];
	int c;

	memset(&nl, 0, sizeof(nl));
	while ((c = opt_next(p, &arg)) != 0) {
		switch (c) {
		case 'b': backend = arg; break;
		case 'B': bs = (unsigned)strtoul(arg, NULL, 0); break;
		case 'd': devid = arg; break;
		case 'l': id = (unsigned)strtoul(arg, NULL, 0); id_set = true; break;
		case 'S': serial = arg; break;
		case 's':
			if (expand_number(arg, &size) < 0) {
				strbuf_printf(err, "ctladm: cctl_create_lun: invalid -s argument\n");
				return 1;
			}
			break;
		case 'o':
			if (nl.nopts == CTLEMU_MAX_OPTS || split_opt(arg, &nl.opts[nl.nopts]) < 0) {
				strbuf_printf(err, "ctladm: cctl_create_lun: option -o takes "
						  "\"name=value\"argument\n");
				return 1;
			}
			nl.nopts++;
			break;
		}
	}
	if (!backend) {
		strbuf_printf(err, "ctladm: cctl_create_lun: backend name (-b) must be "
				  "specified\n");
		return 1;
	}
	if (!backend_known(backend)) {
		strbuf_printf(err, "ctladm: LUN creation error: Backend \"%s\" not found.\n",
				  backend);
		return 1;
	}
	if (bs == 0)
		bs = 512;
	if (id_set) {
		if (id >= 1024 || ctlemu_lun_find(e, id)) {
			ctlemu_logf(e, "ctl: requested LUN ID %u is already in use", id);
			strbuf_printf(err, "ctladm: LUN creation error: LUN configuration "
					  "error, see dmesg for details\n");
			return 1;
		}
	} else {
		for (id = 0; ctlemu_lun_find(e, id); id++)
			;
	}
	for (size_t i = 0; i < CTLEMU_MAX_LUNS; i++) {
		if (!e->luns[i].used && !slot)
			slot = &e->luns[i];
		if (e->luns[i].used && strcmp(e->luns[i].backend, backend) == 0)
			n_backend++;
	}
	if (!slot) {
		strbuf_printf(err, "ctladm: LUN creation error: EMULATION: the emulator holds "
				  "at most %d LUNs\n", CTLEMU_MAX_LUNS);
		return 1;
	}
	if (strcmp(backend, "ramdisk") == 0 && size < bs) {
		strbuf_printf(err, "ctladm: LUN creation error: "
				  "ctl_backend_ramdisk_create: LUN size %llu < blocksize %u\n",
				  (unsigned long long)size, bs);
		return 1;
	}
	nl.used = true;
	nl.id = id;
	snprintf(nl.backend, sizeof(nl.backend), "%s", backend);
	nl.blocksize = bs;
	nl.size_bytes = size;
	/* The backends' defaults when no serial number or device id is given. */
	if (serial)
		snprintf(nl.serial, sizeof(nl.serial), "%.16s", serial);
	else
		snprintf(nl.serial, sizeof(nl.serial), "MYSERIAL%04u", n_backend);
	if (devid)
		snprintf(nl.devid, sizeof(nl.devid), "%s", devid);
	else
		snprintf(nl.devid, sizeof(nl.devid), "MYDEVID%04u", n_backend);
	*slot = nl;
	ctlemu_lun_eval_primary(e, slot);
	warn = ctlemu_lun_open_close(e, slot, wbuf, sizeof(wbuf));
	if (warn)
		strbuf_printf(err, "ctladm: LUN creation warning: %s\n", warn);
	e->num_created++;
	e->want_announce = true; /* ctl_add_lun -> ctl_isc_announce_lun */
	ctlemu_check_split_brain(e);
	strbuf_printf(out, "LUN created successfully\n");
	strbuf_printf(out, "backend:       %s\n", slot->backend);
	strbuf_printf(out, "device type:   %d\n", 0);
	strbuf_printf(out, "LUN size:      %llu bytes\n", (unsigned long long)slot->size_bytes);
	strbuf_printf(out, "blocksize      %u bytes\n", slot->blocksize);
	strbuf_printf(out, "LUN ID:        %u\n", slot->id);
	strbuf_printf(out, "Serial Number: %s\n", slot->serial);
	strbuf_printf(out, "Device ID:     %s\n", slot->devid);
	return 0;
}

static int lun_and_backend(struct optp *p, const char *fn, struct ctlemu_opt *opts,
			   size_t *nopts, bool *size_set, const char **backend_out, unsigned *id,
			   struct strbuf *err)
{
	const char *arg, *backend = NULL;
	bool id_set = false;
	uint64_t size;
	int c;

	*nopts = 0;
	while ((c = opt_next(p, &arg)) != 0) {
		switch (c) {
		case 'b': backend = arg; break;
		case 'l': *id = (unsigned)strtoul(arg, NULL, 0); id_set = true; break;
		case 's':
			if (size_set)
				*size_set = strcmp(arg, "auto") == 0 || expand_number(arg, &size) == 0;
			break;
		case 'o':
			if (*nopts == CTLEMU_MAX_OPTS || split_opt(arg, &opts[*nopts]) < 0) {
				strbuf_printf(err, "ctladm: %s: option -o takes \"name=value\""
						  "argument\n", fn);
				return 1;
			}
			(*nopts)++;
			break;
		}
	}
	if (!backend) {
		strbuf_printf(err, "ctladm: %s: backend name (-b) must be specified\n", fn);
		return 1;
	}
	if (!id_set) {
		strbuf_printf(err, "ctladm: %s: LUN id (-l) must be specified\n", fn);
		return 1;
	}
	*backend_out = backend;
	return 0;
}

/* What the kernel answers once ctladm has sent the request. */
static int find_lun(struct ctlemu *e, const char *backend, unsigned id, const char *what,
		    struct ctlemu_lun **lun, struct strbuf *err)
{
	if (!backend_known(backend)) {
		strbuf_printf(err, "ctladm: LUN %s error: Backend \"%s\" not found.\n", what,
				  backend);
		return 1;
	}
	*lun = ctlemu_lun_find(e, id);
	if (!*lun || strcmp((*lun)->backend, backend) != 0) {
		strbuf_printf(err, "ctladm: LUN %s error: LUN %u is not managed by the %s "
				  "backend\n", what, id, backend);
		return 1;
	}
	return 0;
}

static int cmd_modify(struct ctlemu *e, struct optp *p, struct strbuf *out,
		      struct strbuf *err)
{
	const char *backend = NULL;
	struct ctlemu_opt opts[CTLEMU_MAX_OPTS];
	struct ctlemu_lun *l;
	size_t nopts;
	bool size_set = false;
	unsigned id = 0;
	char wbuf[160];
	const char *warn;
	int rc;

	rc = lun_and_backend(p, "cctl_modify_lun", opts, &nopts, &size_set, &backend, &id, err);
	if (rc)
		return rc;
	if (!size_set && nopts == 0) {
		strbuf_printf(err, "ctladm: cctl_modify_lun: size (-s) or options (-o) must "
				  "be specified\n");
		return 1;
	}
	if (find_lun(e, backend, id, "modification", &l, err))
		return 1;
	/* The backends replace the whole option list with the request's. */
	if (nopts > 0) {
		memcpy(l->opts, opts, nopts * sizeof(opts[0]));
		l->nopts = nopts;
	}
	if (ctlemu_lun_eval_primary(e, l))
		e->want_announce = true;
	warn = ctlemu_lun_open_close(e, l, wbuf, sizeof(wbuf));
	if (warn)
		strbuf_printf(err, "ctladm: LUN modification warning: %s\n", warn);
	ctlemu_check_split_brain(e);
	strbuf_printf(out, "LUN %u modified successfully\n", id);
	return 0;
}

static int cmd_remove(struct ctlemu *e, struct optp *p, struct strbuf *out,
		      struct strbuf *err)
{
	const char *backend = NULL;
	struct ctlemu_opt opts[CTLEMU_MAX_OPTS];
	struct ctlemu_lun *l;
	size_t nopts;
	unsigned id = 0;
	int rc;

	rc = lun_and_backend(p, "cctl_rm_lun", opts, &nopts, NULL, &backend, &id, err);
	if (rc || find_lun(e, backend, id, "removal", &l, err))
		return 1;
	memset(l, 0, sizeof(*l));
	ctlemu_check_split_brain(e);
	strbuf_printf(out, "LUN %u removed successfully\n", id);
	return 0;
}

static int cmd_rtpg(struct ctlemu *e, unsigned lun, struct strbuf *out,
		    struct strbuf *err)
{
	const struct ctlemu_lun *l = ctlemu_lun_find(e, lun);
	uint8_t data[64];
	size_t n;

	if (!l) {
		/* ctl_io_error_print() of the CHECK CONDITION (approximated). */
		strbuf_printf(err, "(7:%u:0/%u): REPORT TARGET PORT GROUPS. CDB: a3 0a 00 00 00 "
				  "00 00 00 00 40 00 00 \n", e->ha_id == 2 ? 128 : 0, lun);
		strbuf_printf(err, "(7:%u:0/%u): SCSI Status: Check Condition\n",
				  e->ha_id == 2 ? 128 : 0, lun);
		strbuf_printf(err, "(7:%u:0/%u): ILLEGAL REQUEST asc:25,0 (Logical unit not "
				  "supported)\n", e->ha_id == 2 ? 128 : 0, lun);
		return 0;
	}
	/* ctladm: a 64-byte buffer, then "0x%02x " per byte, 8 to a line. */
	n = ctlemu_rtpg(e, l, data, sizeof(data));
	for (size_t i = 0; i < n; i++) {
		strbuf_printf(out, "0x%02x ", data[i]);
		if ((i + 1) % 8 == 0)
			strbuf_printf(out, "\n");
	}
	strbuf_printf(out, "\n");
	return 0;
}

int ctlemu_ctladm(struct ctlemu *e, int argc, char **argv, struct strbuf *out,
		  struct strbuf *err)
{
	struct optp p = { .argc = argc, .argv = argv, .i = 2 };
	const char *cmd = argc > 1 ? argv[1] : "";

	if (argc < 2 || strcmp(cmd, "help") == 0 || strcmp(cmd, "-h") == 0) {
		strbuf_printf(argc < 2 ? err : out,
				  "Usage: (EMULATION of ctladm: devlist, create, remove, modify, "
				  "rtpg)\n"
				  "         ctladm rtpg        [dev_id][general options]\n"
				  "         ctladm create      <-b backend> [-B blocksize] "
				  "[-d device_id]\n"
				  "                            [-l lun_id] [-o name=value] "
				  "[-s size_bytes]\n"
				  "                            [-S serial_num] [-t dev_type]\n"
				  "         ctladm remove      <-b backend> <-l lun_id> "
				  "[-o name=value]\n"
				  "         ctladm modify      <-b backend> <-l lun_id> "
				  "<-s size_bytes>\n"
				  "         ctladm devlist     [-b backend] [-v] [-x]\n");
		return argc < 2 ? 1 : 0;
	}
	if (strcmp(cmd, "devlist") == 0) {
		p.spec = "b:vxC:D:I:";
		return cmd_devlist(e, &p, out);
	}
	if (strcmp(cmd, "create") == 0) {
		p.spec = "b:B:d:l:o:s:S:t:C:D:I:";
		return cmd_create(e, &p, out, err);
	}
	if (strcmp(cmd, "modify") == 0) {
		p.spec = "b:l:o:s:C:D:I:";
		return cmd_modify(e, &p, out, err);
	}
	if (strcmp(cmd, "remove") == 0) {
		p.spec = "b:l:o:C:D:I:";
		return cmd_remove(e, &p, out, err);
	}
	if (strcmp(cmd, "rtpg") == 0) {
		if (argc < 3 || !isdigit((unsigned char)argv[2][0])) {
			strbuf_printf(err, "ctladm: option rtpg requires a lun argument\n");
			return 1;
		}
		return cmd_rtpg(e, (unsigned)strtoul(argv[2], NULL, 0), out, err);
	}
	strbuf_printf(err, "ctladm: EMULATION: command '%s' is not emulated (devlist, "
			  "create, remove, modify, rtpg are)\n", cmd);
	return 1;
}
