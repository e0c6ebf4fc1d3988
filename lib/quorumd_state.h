/* The state twinhead-quorumd publishes for agents: its contract.
 *
 * quorumd writes $TWINHEAD_RUNDIR/quorumd/state (mode 0644, owner root)
 * atomically: it writes a temporary file in the same directory, fsyncs it,
 * and rename(2)s it over the old one, so a reader sees either the whole old
 * file or the whole new one. The file is `key=value` lines, each ended by
 * '\n', every key exactly once, in any order, nothing else:
 *
 *   version=1
 *   role=primary|secondary|starting     this node's role
 *   peer=alive|lost|fenced|released     what this node knows of the other
 *   epoch=<u64>                         generation of the decision
 *   updated=<unix seconds>              when the daemon last confirmed it
 *
 * docs/quorumd-state.md explains the fields. Agents act on one verdict only:
 * "the peer is fenced" (quorumd_state_peer_fenced()), which lets the zpool
 * agent import with -f under force=fenced.
 *
 * Everything here is pure (no I/O, no clock: callers pass the time); the
 * caller reads the file. Library code: never logs, never exits. */
#ifndef TWINHEAD_QUORUMD_STATE_H
#define TWINHEAD_QUORUMD_STATE_H

#include <stddef.h>
#include <stdint.h>

#define QUORUMD_STATE_VERSION 1

/* The largest file a reader accepts. A valid one is under 100 bytes. */
#define QUORUMD_STATE_MAX 512

/* The file's place under the run directory. */
#define QUORUMD_STATE_RELPATH "quorumd/state"

/* How old "updated" may be for the verdict to count: quorumd confirms its
 * state every second; ten missed confirmations mean it is not running. */
#define QUORUMD_STATE_MAX_AGE_S 10

/* How far "updated" may lie in the future (clock steps between the
 * daemon's write and the reader). */
#define QUORUMD_STATE_MAX_SKEW_S 5

enum quorumd_role {
	QUORUMD_ROLE_PRIMARY,
	QUORUMD_ROLE_SECONDARY,
	QUORUMD_ROLE_STARTING,
};

enum quorumd_peer {
	QUORUMD_PEER_ALIVE,     /* the peer is up and talking */
	QUORUMD_PEER_LOST,      /* not heard from, and not known to be stopped */
	QUORUMD_PEER_FENCED,    /* confirmed powered off or reset */
	QUORUMD_PEER_RELEASED,  /* it gave up its claim cleanly (stopped its
				 * resources and said so) */
};

struct quorumd_state {
	unsigned version;
	enum quorumd_role role;
	enum quorumd_peer peer;
	uint64_t epoch;
	uint64_t updated; /* unix seconds */
};

/* Parses a whole state file of len bytes (it need not be NUL-terminated).
 * Strict: the version must be QUORUMD_STATE_VERSION; every key exactly once;
 * no unknown keys, empty lines, spaces, CR, NUL bytes or missing final
 * newline; numbers are plain decimal without sign or leading zeros and fit
 * 64 bits; updated is not 0. Returns 0, -EINVAL (malformed; why says where),
 * -EPROTONOSUPPORT (a version this code does not know), or -EFBIG (longer
 * than QUORUMD_STATE_MAX). On error *out is unspecified. */
int quorumd_state_parse(const char *buf, size_t len, struct quorumd_state *out,
			char *why, size_t whylen);

/* Writes the file's content for s into buf (keys in the order above).
 * Returns its length, or -ENOSPC when buf is too small, -EINVAL when s
 * holds values outside the enums. What quorumd writes, and what the tests
 * use to produce the file exactly the way the agents read it. */
int quorumd_state_format(const struct quorumd_state *s, char *buf, size_t len);

/* The verdict: 1 when s says the peer is fenced (this node is primary, the
 * peer is fenced or released, and s was confirmed no more than
 * QUORUMD_STATE_MAX_AGE_S before now and no more than
 * QUORUMD_STATE_MAX_SKEW_S after it), else 0 with the reason in why.
 * now is unix seconds. */
int quorumd_state_peer_fenced(const struct quorumd_state *s, int64_t now, char *why,
			      size_t whylen);

/* "primary", ... and "alive", ...; "?" for values outside the enums. */
const char *quorumd_state_role_name(enum quorumd_role r);
const char *quorumd_state_peer_name(enum quorumd_peer p);

#endif
