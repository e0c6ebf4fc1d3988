/* tgtd's management socket: monitor's read-only query, and the requests
 * that carry a CHAP secret (so that it never travels in a tgtadm argv).
 *
 * `tgtadm --op show --mode target` is one request over tgtd's Unix socket
 * (/var/run/tgtd/socket.PORT): a 120-byte struct tgtadm_req, answered by
 * an 8-byte header {err, len} and the listing text. Sending that request
 * ourselves is the same query without a second process: monitor costs one
 * exec (the agent's own) instead of two. tgtadm's request layout is tgt's
 * internal ABI, not a promise, so every answer is checked (header, length,
 * then the strict parser), and the tgt backend falls back to running
 * tgtadm when the socket answers anything unexpected. Changes go through
 * tgtadm, except creating a CHAP account: tgtadm takes the secret only in
 * argv, where any user can read it in /proc, so that one request is sent
 * here (tgt_ipc_account_new). Library code: -errno, never logs. */
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

/* tgtadm's modes, operations and errors (usr/tgtadm.h, tgtadm_error.h). */
enum {
	TGT_IPC_MODE_TARGET = 1,
	TGT_IPC_MODE_ACCOUNT = 7,
	TGT_IPC_OP_NEW = 0,
	TGT_IPC_OP_SHOW = 2,
	TGT_IPC_ERR_USER_EXIST = 12,
};

/* A change request's header as tgtadm --lld iscsi fills it: mode, op,
 * lld "iscsi", len = 120 + body_len (the body's NUL included), tid -1,
 * lun ~0, everything else zero. */
void tgt_ipc_request_header(uint8_t req[TGT_IPC_REQ_LEN], uint32_t mode, uint32_t op,
			    size_t body_len);

/* Creates CHAP account user with secret in the tgtd on control port, as
 * `tgtadm --lld iscsi --mode account --op new --user U --password P`
 * would, until d; nothing else learns the secret (no process, no argv),
 * and the request buffer is wiped. user and secret must be free of ','
 * (tgtd splits the body there). Returns 0; -EEXIST when tgtd has an
 * account of that name; -ENOTCONN when no tgtd listens; -EIO for another
 * refusal (*tgt_err, when not NULL, gets tgtd's error number);
 * -EPROTO for an answer that is not one; -ETIMEDOUT; -EINVAL; -errno. */
int tgt_ipc_account_new(unsigned port, const char *user, const char *secret, struct deadline d,
			uint32_t *tgt_err);

/* The same over fd, already connected (a test's socketpair); closes fd. */
int tgt_ipc_account_new_on(int fd, const char *user, const char *secret, struct deadline d,
			   uint32_t *tgt_err);

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
