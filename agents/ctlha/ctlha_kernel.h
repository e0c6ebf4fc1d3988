/* FreeBSD CTL high availability (ctl(4)): the kernel's HA state, the calls
 * that change it, and pure helpers that read ctladm(8)'s output.
 *
 * The kernel side (sysctl kern.cam.ctl.ha_*, ctladm) is FreeBSD-only and
 * sits behind this header like lib/os/os.h: configure compiles exactly one of
 * ctlha_kernel_freebsd.c (sysctlbyname, ctladm through exec_run) and
 * ctlha_kernel_linux.c (every call returns -ENOTSUP: there is no CTL on
 * Linux). The values and the pure helpers are in ctlha_parse.h.
 *
 * What the kernel does (sys/cam/ctl/ctl.c, ctl_ha.c; ctl(4)):
 *   ha_id    boot tunable (read-only): 0 no HA, 1 or 2 the head's slot.
 *   ha_mode  boot tunable (read-only): 0 active/standby, 1 active/active
 *            (secondary serializes through the primary), 2 secondary
 *            forwards everything to the primary (the mode for ZFS).
 *   ha_peer  "listen A.B.C.D:PORT", "connect A.B.C.D:PORT" or "": the
 *            kernel sscanf()s it (port 999 when omitted); anything else is
 *            EINVAL and leaves ha_peer empty. Every change drops the link.
 *   ha_link  read-only: 0 not configured, 1 configured but not connected,
 *            2 connected (TCP up; set before the peers' login exchange).
 *   ha_role  0 primary, 1 secondary (any non-zero value means secondary).
 *            The kernel accepts a second primary without complaint: only
 *            the ALUA state the peer learns per LUN shows it.
 *
 * Library code: returns 0 or -errno, never logs. Where an admin needs more
 * than an errno (a tool's complaint, the line that did not parse), a
 * sentence goes into the caller's why buffer. */
#ifndef TWINHEAD_CTLHA_KERNEL_H
#define TWINHEAD_CTLHA_KERNEL_H

#include <stddef.h>

#include "ctlha_parse.h"
#include "deadline.h"

/* Reads ha_id, ha_mode, ha_link, ha_role and ha_peer. Returns 0; -ENOTSUP
 * when this OS has no CTL; -ENOENT when the ctl module is not loaded (no
 * kern.cam.ctl); -EPROTO when a value has an impossible size or content;
 * another -errno from sysctl. */
int ctlha_read(struct ctlha_state *st);

/* Sets kern.cam.ctl.ha_peer (at most CTLHA_PEER_MAX - 1 bytes). Returns 0,
 * -EINVAL when the kernel refused the string, -ENOTSUP, -ENOENT, -EPERM. */
int ctlha_set_peer(const char *peer);

/* Sets kern.cam.ctl.ha_role (0 primary, 1 secondary). Same returns. */
int ctlha_set_role(int role);

/* `ctladm devlist -x`, run through exec_run with deadline d. Returns 0,
 * -ENOTSUP, -ETIMEDOUT, -EIO when ctladm failed (its stderr in why),
 * -EPROTO when its output does not parse (the line in why). */
int ctlha_lun_list(const char *ctladm, struct deadline d, struct ctlha_lun_list *out,
		   char *why, size_t whylen);

/* `ctladm modify -b BACKEND -l ID -o NAME=VALUE... -o ha_role=ROLE`: the
 * per-LUN override of the head's role, with the LUN's other options sent
 * again (a modify replaces them all). Same returns as ctlha_lun_list, and
 * -EINVAL when an option value holds '=' (ctladm would cut it there). */
int ctlha_lun_set_role(const char *ctladm, struct deadline d, const struct ctlha_lun *lun,
		       int role, char *why, size_t whylen);

/* `ctladm rtpg ID` (REPORT TARGET PORT GROUPS through CTL's ioctl port; the
 * command is in ctladm's table but not in its man page), decoded for the
 * head with ha_id. Same returns as ctlha_lun_list. */
int ctlha_lun_alua(const char *ctladm, struct deadline d, unsigned lun, int ha_id,
		   struct ctlha_alua *out, char *why, size_t whylen);

#endif
