/* What LIO's configfs tree must hold for one target: the plan of steps
 * that builds it, the names of what it owns, and the reservation file the
 * kernel keeps for a LUN. Pure: nothing here touches the system.
 *
 * Everything a target owns is found by name, so stop removes exactly that
 * and a tree half-built by a crash can be recognised:
 *   core/iblock_TID/lunN, core/fileio_TID/lunN   its storage objects
 *   iscsi/IQN                                    its iSCSI target
 *   DBROOT/pr/aptpl_SERIAL -> PR_DIR/aptpl_SERIAL  its reservation files
 * (TID is the target's tid, which defaults to a hash of the IQN.) */
#ifndef TWINHEAD_ISCSI_LIO_PLAN_H
#define TWINHEAD_ISCSI_LIO_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "iscsi_conf.h"
#include "iscsi_lio_cfs.h"

#define LIO_TPGT 1  /* the same on both heads: reservations name it */

struct lio_backing {
	bool block;              /* a block device: iblock; else fileio */
	unsigned long long size; /* fileio: the file's size in bytes */
};

struct lio_conf {
	const struct iscsi_target *t;
	const struct lio_backing *backing; /* one per LUN, as t->luns */
	const char *secret, *out_secret;   /* CHAP, or NULL */
	const char *dbroot;                /* LIO's dbroot (host path), or NULL */
	const char *pr_dir;                /* reservations on the pool, or NULL */
	unsigned alua_id;                  /* this head's target port group, 0: none */
	bool make_fabric;                  /* iscsi/ is missing: make it */
	/* Registrations to give back per LUN (lio_aptpl_parse), or NULL. */
	char **const *aptpl;
	const size_t *n_aptpl;
};

/* "iblock_5" / "fileio_5". */
void lio_hba_name(unsigned tid, bool block, char *buf, size_t len);

/* The steps that build the whole target from nothing, in order: storage
 * objects (control, udev_path, serial, enable, INQUIRY strings, block
 * size, write cache, reservations given back, the dbroot link, ALUA
 * group), then the iSCSI target with its TPG, portals, LUNs, ACLs or
 * generated ACLs, CHAP, and last `enable 1`: before that no initiator can
 * log in. 0 or -ENOMEM / -ENAMETOOLONG. */
int lio_plan_start(const struct lio_conf *c, struct lio_plan *p);

/* The steps for LUN i that reload adds to a running target (storage
 * object, TPG LUN, a mapped LUN in each of the ACLs named), and those for
 * one ACL name (with all of the target's LUNs mapped). */
int lio_plan_add_lun(const struct lio_conf *c, size_t i, const char *const *acls, size_t n_acls,
		     struct lio_plan *p);
int lio_plan_add_acl(const struct lio_conf *c, const char *name, struct lio_plan *p);

/* Reservation state the kernel wrote (DBROOT/pr/aptpl_SERIAL, through
 * our link into PR_DIR): "PR_REG_START: n" ... "PR_REG_END: n" blocks of
 * key=value lines, or "No Registrations or Reservations". Each block
 * becomes one "key=value,key=value..." string for pr/res_aptpl_metadata
 * (what rtslib does). Every line is checked: keys [a-z_], values printable
 * without blanks or commas, blocks closed, at most 1024 of them. Returns
 * 0 with *regs (free with lio_aptpl_free) and *n; -EINVAL with why for
 * anything else (the file is on the pool: a damaged one stops start
 * rather than lose or invent a reservation). */
int lio_aptpl_parse(const char *text, size_t len, char ***regs, size_t *n, char *why,
		    size_t whylen);
void lio_aptpl_free(char **regs, size_t n);

#endif
