/* Marks for the CHAP accounts twinhead created in a target daemon.
 *
 * tgtd's accounts are global: several targets may share one user. A mark
 * under the run directory says "twinhead created this account, with a
 * secret whose salted SHA-256 is F", so that start can reuse an account
 * another twinhead target created with the same secret, refuse one made by
 * hand or with another secret, and stop can delete only accounts twinhead
 * made. The run directory is a tmpfs: marks vanish with the daemon's
 * in-memory state at reboot. Library code: -errno, never logs. */
#ifndef TWINHEAD_ISCSI_MARK_H
#define TWINHEAD_ISCSI_MARK_H

#include <stddef.h>

/* rundir/iscsitarget/SCOPE/account-USER. -ENAMETOOLONG if it does not fit. */
int iscsi_mark_path(char *buf, size_t len, const char *rundir, const char *scope,
		    const char *user);

/* Writes the mark for secret (directories 0700, file 0600, atomically). */
int iscsi_mark_write(const char *path, const char *secret);

/* 0 when the mark exists and matches secret; -ENOENT without a mark;
 * -EKEYREJECTED when it was made for another secret; -EPROTO when the file
 * is not a mark. secret NULL: only whether a well-formed mark exists. */
int iscsi_mark_check(const char *path, const char *secret);

/* Removes the mark; a missing one is success. */
int iscsi_mark_remove(const char *path);

#endif
