/* EMULATION of FreeBSD CTL HA: the unix-socket protocol between ctlemud and
 * its clients (the sysctlbyname() shim, the sysctl and ctladm stand-ins).
 *
 * One request per connection, one line each way, every variable field in
 * hex so no byte needs quoting:
 *   GET <name>            -> OK <value>      | ERR <ENAME>
 *   SET <name> <value>    -> OK              | ERR <ENAME>
 *   CTLADM <arg>...       -> EXIT <n> <stdout> <stderr>
 *   STATUS                -> OK <text>
 * <name>, <value>, <arg>, <stdout>, <stderr>, <text>: hex of the bytes
 * ("-" for none). A GET value is what the kernel would copy out: a 4-byte
 * native int or a string with its NUL. */
#ifndef TWINHEAD_CTLEMU_CLIENT_H
#define TWINHEAD_CTLEMU_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#define CTLEMU_LINE_MAX (512 * 1024)

/* $CTLEMU_SOCKET, else /run/ctlemu.sock (every lab node has its own /run). */
const char *ctlemu_socket_path(void);

/* Sends req (one line, no newline) and reads the one-line answer, at most
 * max bytes, into *resp (malloc'd, NUL-terminated, newline removed).
 * Returns 0; -ENOENT when no emulator listens at the path (what a missing
 * ctl module looks like); -EPROTO when the answer is not one line within
 * max; -ETIMEDOUT after 5 s; another -errno. */
int ctlemu_call(const char *req, char **resp, size_t max);

/* Hex of n bytes, "-" for none; malloc'd (NULL when out of memory). */
char *ctlemu_hex(const void *p, size_t n);

/* Decodes exactly slen characters of lowercase or uppercase hex ("-" is
 * empty) into out (at most max bytes). Returns 0 or -EPROTO. */
int ctlemu_unhex(const char *s, size_t slen, uint8_t *out, size_t max, size_t *n);

/* "ENOENT" <-> ENOENT for the errnos the emulator uses; "EIO" / EIO for
 * anything else. */
const char *ctlemu_errname(int err);
int ctlemu_errnum(const char *name);

#endif
