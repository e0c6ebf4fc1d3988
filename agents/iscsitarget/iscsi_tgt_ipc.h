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
#include <sys/types.h>

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

/* One listing query in flight: the text follows the header on fd. */
struct tgt_ipc {
	int fd;                /* -1 when closed */
	size_t left;           /* bytes of the answer still to read */
	struct deadline d;     /* every read ends by then */
};

/* Asks the tgtd on control port for its target listing, until d: connects
 * and sends the request. tgtd then works on the answer while the caller
 * does something else; tgt_ipc_show_header() waits for it. Returns 0 with q
 * open; -ENOTCONN when no tgtd listens there; -ETIMEDOUT; -ENAMETOOLONG;
 * another -errno. q is closed on failure. */
int tgt_ipc_show_open(struct tgt_ipc *q, unsigned port, struct deadline d);

/* The same over fd, already connected (tgt_ipc_show_open's second half;
 * a test's socketpair). q owns fd from here on, also on failure. */
int tgt_ipc_show_on(struct tgt_ipc *q, int fd, struct deadline d);

/* Reads the answer's header: err 0 and a length within bounds; then
 * q->left is the listing's length and tgt_ipc_read() streams it. Returns 0;
 * -EPROTO for a header that is not what tgtadm expects (or tgtd closing);
 * -ETIMEDOUT; another -errno. q is closed on failure. */
int tgt_ipc_show_header(struct tgt_ipc *q);

/* A tgt_show_read_fn over an open struct tgt_ipc *: at most len bytes of
 * the listing, without the NUL tgtd counts at its end (as tgtadm prints
 * it); 0 at its end; -EPROTO when tgtd closes early; -ETIMEDOUT at q->d. */
ssize_t tgt_ipc_read(void *q, char *buf, size_t len);

/* Closes q (safe twice). */
void tgt_ipc_close(struct tgt_ipc *q);

#endif
