/* The CHAP secret of an iSCSI target, read from a file only root can read.
 *
 * The secret never goes into logs, reasons or any process's argv (tgt's
 * accounts are created over tgtd's socket: iscsi_tgt_ipc.c). Library code: returns -errno, never
 * logs. */
#ifndef TWINHEAD_ISCSI_SECRET_H
#define TWINHEAD_ISCSI_SECRET_H

#include <stddef.h>

/* Reads the secret in path into buf (NUL-terminated; buflen >= 17).
 * The file must be a regular file reached without a symbolic link at the
 * last component, owned by root or by the caller's effective user, with no
 * permission bits for group or others; it holds the secret on one line (a
 * final "\n" or "\r\n" is dropped), which iscsi_secret_check() accepts.
 * Returns 0; -ENOENT when missing; -EPERM for owner or mode; -EINVAL for
 * the contents; or another -errno. why tells which and how to fix it and
 * never contains the secret. buf is wiped on failure. */
int iscsi_secret_read(const char *path, char *buf, size_t buflen, char *why, size_t whylen);

/* Overwrites n bytes of p so the compiler cannot drop the store. */
void iscsi_secret_wipe(void *p, size_t n);

#endif
