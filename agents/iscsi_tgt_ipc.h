/* tgtd's management socket, for the one read-only query monitor makes.
 *
 * `tgtadm --op show --mode target` is one request over tgtd's Unix socket
 * (/var/run/tgtd/socket.PORT): a 120-byte struct tgtadm_req, answered by
 * an 8-byte header {err, len} and the listing text. Sending that request
 * ourselves is the same query without a second process: monitor costs one
 * exec (the agent's own) instead of two. tgtadm's request layout is tgt's
 * internal ABI, not a promise, so every answer is checked (header, length,
 * then the strict parser), and the tgt backend falls back to running
 * tgtadm when the socket answers anything unexpected. Changes always go
 * through tgtadm. Library code: -errno, never logs. */
#ifndef TWINHEAD_ISCSI_TGT_IPC_H
#define TWINHEAD_ISCSI_TGT_IPC_H

#include <stddef.h>
#include <stdint.h>

#include "deadline.h"

#define TGT_IPC_REQ_LEN 120
#define TGT_IPC_PATH "/var/run/tgtd/socket"

/* The request tgtadm 1.0.x sends for `--op show --mode target` (no --lld,
 * no --tid): mode 1 (target), op 2 (show), len 120, tid -1, lun ~0, all
 * else zero, in host byte order. */
void tgt_ipc_show_request(uint8_t req[TGT_IPC_REQ_LEN]);

/* Checks the 8-byte answer header: err 0 and a total length from 8 to
 * max_len + 8. Returns the text length, or -EPROTO. */
long tgt_ipc_check_header(const uint8_t hdr[8], size_t max_len);

/* Asks the tgtd on control port for its target listing, until d. On
 * success *out is a malloc'd, NUL-terminated copy of the text (*len bytes,
 * without the NUL tgtd sends at its end, as tgtadm prints it).
 * Returns 0; -ENOTCONN when no tgtd listens there; -EPROTO for an answer
 * that is not what tgtadm would print; -ETIMEDOUT; -ENAMETOOLONG; -ENOMEM;
 * another -errno. */
int tgt_ipc_show(unsigned port, struct deadline d, char **out, size_t *len);

#endif
