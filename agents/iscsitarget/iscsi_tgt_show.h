/* The output of `tgtadm --lld iscsi --mode target --op show`, parsed.
 *
 * tgtd prints every target with its state, I_T nexuses, LUNs (with their
 * SCSI identity and backing store), bound accounts and ACL entries
 * (usr/target.c, tgt_target_show_all). monitor relies on this one query, so
 * the parser is strict: every line must be one tgt prints, at its exact
 * indentation, with well-formed numbers; anything else is -EPROTO with the
 * line number, never a guess. Pure: a buffer in, a structure out. */
#ifndef TWINHEAD_ISCSI_TGT_SHOW_H
#define TWINHEAD_ISCSI_TGT_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tgt_show_lun {
	uint64_t number;
	const char *type;      /* "disk", "controller", ... */
	const char *scsi_id;
	const char *scsi_sn;
	unsigned block_size;
	bool online;
	bool readonly;
	const char *bs_type;   /* "rdwr", "null", ... */
	const char *path;      /* "None" for LUN 0 */
};

struct tgt_show_account {
	const char *user;
	bool outgoing;
};

struct tgt_show_target {
	unsigned tid;
	const char *name;
	const char *driver;    /* "iscsi" */
	const char *state;     /* "ready", "offline" */
	size_t n_nexus;        /* I_T nexuses: sessions */
	struct tgt_show_lun *luns;
	size_t n_luns;
	bool luns_sorted;      /* ascending numbers (tgtd keeps them so) */
	struct tgt_show_account *accounts;
	size_t n_accounts;
	const char **acl;      /* addresses and initiator names as printed */
	size_t n_acl;
};

struct tgt_show_block;

/* Strings are the parser's own copies, freed with the result. */
struct tgt_show {
	struct tgt_show_block *strings;
	struct tgt_show_target *targets;
	size_t n_targets;
};

/* Parses len bytes of out (need not be NUL-terminated). Returns 0, -EPROTO
 * (why names the line and what was wrong) or -ENOMEM. On success free the
 * result with tgt_show_free(); on failure nothing is left to free. */
int tgt_show_parse(const char *out, size_t len, struct tgt_show *show, char *why,
		   size_t whylen);

/* Where a streamed listing comes from: puts at most len bytes into buf and
 * returns how many, 0 at the end of the listing, or -errno. */
typedef ssize_t (*tgt_show_read_fn)(void *arg, char *buf, size_t len);

/* The same, reading the text through read(arg, ...) as it parses, a few KB
 * at a time (monitor parses straight from tgtd's socket). len_hint is the
 * listing's length when known (it sizes the LUN arrays), else 0. Returns
 * what tgt_show_parse() does, or the reader's -errno (why then empty); it
 * stops reading at the first error. */
int tgt_show_parse_stream(tgt_show_read_fn read, void *arg, size_t len_hint,
			  struct tgt_show *show, char *why, size_t whylen);

void tgt_show_free(struct tgt_show *show);

/* The target with tid, or NULL. */
const struct tgt_show_target *tgt_show_find_tid(const struct tgt_show *show, unsigned tid);

/* The target called name, or NULL. */
const struct tgt_show_target *tgt_show_find_name(const struct tgt_show *show,
						 const char *name);

/* The LUN with number in t, or NULL. */
const struct tgt_show_lun *tgt_show_find_lun(const struct tgt_show_target *t,
					     uint64_t number);

/* True when some target other than except_tid has user bound. */
bool tgt_show_account_bound_elsewhere(const struct tgt_show *show, const char *user,
				      unsigned except_tid);

#endif
