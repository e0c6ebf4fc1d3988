/* The LUN list of FreeBSD's CTL, as `ctladm devlist -x` prints it.
 *
 * The kernel writes it (sys/cam/ctl/ctl.c, CTL_LUN_LIST): <ctllunlist>,
 * one <lun id="N"> per LUN with backend_type, lun_type, size, blocksize,
 * serial_number, device_id and one element per LUN option; ctld names its
 * LUNs in the option ctld_name ("TARGET,lun,N") and the backing file is
 * the option file. The kernel prints values as they are, without XML
 * escaping, one element per line; so this is a strict line parser, not an
 * XML parser: every line must be one of those the kernel prints. Pure: a
 * buffer in, a structure out. */
#ifndef TWINHEAD_ISCSI_CTLD_DEVLIST_H
#define TWINHEAD_ISCSI_CTLD_DEVLIST_H

#include <stddef.h>

struct ctld_lun {
	unsigned long id;        /* CTL's LUN number, not the target's */
	char *ctld_name;         /* "iqn...,lun,1", or NULL for LUNs ctld did not make */
	char *file;              /* backing path, or NULL */
	char *serial;
	char *device_id;
};

struct ctld_devlist {
	struct ctld_lun *luns;
	size_t n;
};

/* Returns 0, -EPROTO (why says what) or -ENOMEM. Free with
 * ctld_devlist_free() after success. */
int ctld_devlist_parse(const char *xml, size_t len, struct ctld_devlist *out, char *why,
		       size_t whylen);

void ctld_devlist_free(struct ctld_devlist *l);

/* The LUN ctld made for LUN number lun of target iqn, or NULL. */
const struct ctld_lun *ctld_devlist_find(const struct ctld_devlist *l, const char *iqn,
					 unsigned lun);

/* How many LUNs belong to target iqn. */
size_t ctld_devlist_count(const struct ctld_devlist *l, const char *iqn);

#endif
