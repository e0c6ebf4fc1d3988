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
 * and, from quorumd versions that confirm fences for fence_twinhead, four
 * more keys, all of them or none (a file without them publishes no fence
 * confirmation; version stays 1 because older readers are not shipped
 * apart from quorumd):
 *
 *   peer_seen_ms=<u64>    CLOCK_MONOTONIC ms when quorumd last saw the peer's
 *                         slot change on the quorum disk; 0 never
 *   peer_member_ms=<u64>  CLOCK_MONOTONIC ms of the last corosync membership
 *                         that held the peer (as quorumd's votequorum
 *                         client was told); 0 unknown (standalone mode)
 *   fenced_ms=<u64>       CLOCK_MONOTONIC ms when the peer's BMC last read
 *                         back "off" after quorumd's power-off; 0 never
 *   fenced_bmc=<addr>     that BMC, "10.0.0.5:623" or "[fd00::5]:623";
 *                         "none" without a fence device
 *
 * docs/quorumd-state.md explains the fields. Agents act on one verdict only:
 * "the peer is fenced" (quorumd_state_peer_fenced()), which lets the zpool
 * agent import with -f under force=fenced.
 *
 * Everything here is pure (no I/O, no clock: callers pass the time) but
 * quorumd_state_load(), the one reader of the file. Library code: never
 * logs, never exits. */
#ifndef TWINHEAD_QUORUMD_STATE_H
#define TWINHEAD_QUORUMD_STATE_H

#include <stdbool.h>
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

/* fenced_bmc's longest value: "[" IPv6 "]:" port. */
#define QUORUMD_STATE_BMC_MAX 56

struct quorumd_state {
	unsigned version;
	enum quorumd_role role;
	enum quorumd_peer peer;
	uint64_t epoch;
	uint64_t updated; /* unix seconds */
	/* The fence confirmation (see above); has_fence false: none published. */
	bool has_fence;
	uint64_t peer_seen_ms, peer_member_ms, fenced_ms; /* CLOCK_MONOTONIC ms */
	char fenced_bmc[QUORUMD_STATE_BMC_MAX + 1];       /* "none" or an address */
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

/* Reads and parses the state file at path (a regular file, not a symbolic
 * link, at most QUORUMD_STATE_MAX bytes). 0; -ENOENT when there is none
 * (quorumd not running); another -errno when it cannot be read or is
 * rejected. why says which, with the path. (lib/quorumd_state_file.c) */
int quorumd_state_load(const char *path, struct quorumd_state *out, char *why, size_t whylen);

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

/* The reuse rule of fence_twinhead: whether quorumd's published fence
 * confirmation proves that the peer behind BMC bmc (as fenced_bmc writes
 * it) is off FOR THIS FAILURE, so that the agent may answer "off" without
 * calling the BMC. 1 only when all hold:
 *   - s is fresh (updated as in quorumd_state_peer_fenced: quorumd runs);
 *   - s has the fence keys, fenced_ms is not 0, fenced_bmc equals bmc;
 *   - peer_member_ms is not 0 (quorumd follows the membership);
 *   - fenced_ms > peer_seen_ms: the power-off was read back after the
 *     peer's last slot write seen on the disk;
 *   - fenced_ms > peer_member_ms: and after the last membership that held
 *     the peer (a rejoin after the fence makes the confirmation stale).
 * Else 0, with the reason in why (the agent then fences through the BMC).
 * now is unix seconds. */
int quorumd_state_fence_reusable(const struct quorumd_state *s, const char *bmc, int64_t now,
				 char *why, size_t whylen);

/* "primary", ... and "alive", ...; "?" for values outside the enums. */
const char *quorumd_state_role_name(enum quorumd_role r);
const char *quorumd_state_peer_name(enum quorumd_peer p);

#endif
