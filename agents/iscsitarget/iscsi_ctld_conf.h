/* ctl.conf(5) text for one target, and its place in /etc/ctl.conf.
 *
 * FreeBSD's ctld reads one configuration file and, on SIGHUP, builds the
 * whole new configuration, checks it and applies only the difference to
 * the kernel. So the agent keeps one block per target in that file,
 * between two marker comments that carry the target's name, and leaves
 * everything else in the file alone. Pure functions over strings. */
#ifndef TWINHEAD_ISCSI_CTLD_CONF_H
#define TWINHEAD_ISCSI_CTLD_CONF_H

#include <stddef.h>

#include "iscsi_conf.h"

#define CTLD_MARK_BEGIN "# BEGIN twinhead:iscsitarget "
#define CTLD_MARK_END "# END twinhead:iscsitarget "

/* The auth-group and portal-group names of a target: "twinhead-" and
 * the first 12 hex digits of SHA-256(iqn). */
void ctld_group_name(const char *iqn, char out[24]);

/* The block for t, markers included, newline-terminated: an auth-group
 * (CHAP, initiator-name, initiator-portal; "auth-type deny" when nobody is
 * allowed), a portal-group listening on t's portals (none: ctld's
 * "default" group), and the target with its LUNs, each with path,
 * blocksize, serial, device-id and the options vendor, product, revision,
 * naa (0x6 and the device id's last 31 digits, as tgt builds its NAA 6
 * designator) and writecache. secret may be NULL when t has no CHAP user;
 * with t->out_user and out_secret, the auth-group has chap-mutual.
 * resource names the Pacemaker resource in a comment. Returns a malloc'd
 * string or NULL (out of memory). */
char *ctld_fragment(const struct iscsi_target *t, const char *secret, const char *out_secret,
		    const char *resource);

/* old with the block of iqn replaced by block (NULL: removed). A missing
 * block is appended (after a newline if old lacks its final one).
 * Returns a malloc'd string, or NULL with *err = -EPROTO when old holds a
 * damaged block (BEGIN without END, two BEGINs for iqn), -ENOMEM.
 * *changed tells whether the result differs from old. */
char *ctld_conf_splice(const char *old, const char *iqn, const char *block, int *err,
		       int *changed);

/* Whether text holds a block for iqn: 1, 0, or -EPROTO when damaged. */
int ctld_conf_has_block(const char *text, const char *iqn);

#endif
