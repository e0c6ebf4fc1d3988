/* LIO's configfs tree (/sys/kernel/config/target): reading it, and
 * changing it through a plan of steps run with a deadline.
 *
 * Every path here is relative to a root, which is injectable: the real
 * root is a configfs mount, where the kernel creates an object's default
 * children itself when its directory is made (a storage object's attrib/,
 * wwn/, pr/, alua/default_tg_pt_gp/, a TPG's lun/, acls/, np/, attrib/,
 * auth/, param/, ...) and removes them with it. Tests point the root at a
 * plain directory instead, in "stand-in" mode: mkdir then also makes those
 * default children, rmdir removes them, and writes create their file. The
 * stand-in emulates that much of configfs and nothing of LIO's behaviour
 * (no device opens, no logins); it is labelled so in tests and docs.
 *
 * Changes run in one forked worker (no exec) that performs the steps in
 * order and reports each result on a pipe; the caller waits for each
 * report until the deadline. A configfs write can block in the kernel (an
 * iblock device whose disk hangs, a LUN with I/O outstanding): then the
 * caller kills the worker and returns -ETIMEDOUT by the deadline, whatever
 * the kernel does with the stuck write. Library code: -errno, never logs. */
#ifndef TWINHEAD_ISCSI_LIO_CFS_H
#define TWINHEAD_ISCSI_LIO_CFS_H

#include <stdbool.h>
#include <stddef.h>

#include "deadline.h"

#define LIO_CFS_ROOT "/sys/kernel/config/target"
#define LIO_PATH_MAX 512

struct lio_cfs {
	char root[LIO_PATH_MAX];
	bool standin;             /* a plain directory standing in for configfs */
	const char *standin_fail; /* stand-in: this relative path's write fails (EIO) */
	const char *standin_hang; /* stand-in: this relative path's write never returns */
};

/* Opens root: it must be a directory; on a configfs mount the real mode,
 * else stand-in mode only when standin_ok (tests). Returns 0; -ENOENT
 * when root does not exist (LIO not loaded, configfs not mounted);
 * -ENOTDIR; -EMEDIUMTYPE when root is not configfs and stand-ins are not
 * allowed. */
int lio_cfs_open(struct lio_cfs *c, const char *root, bool standin_ok);

/* Reads the attribute rel into buf (NUL-terminated, one final newline
 * dropped). Returns its length; -ENOENT; -E2BIG when it does not fit. */
int lio_cfs_read(const struct lio_cfs *c, const char *rel, char *buf, size_t len);

/* 1 when rel exists (a directory, attribute or link), 0 when not, -errno. */
int lio_cfs_exists(const struct lio_cfs *c, const char *rel);

/* The target of link rel, relative to the root when it points inside it
 * (configfs links hold absolute paths). Returns 0 or -errno. */
int lio_cfs_readlink(const struct lio_cfs *c, const char *rel, char *buf, size_t len);

/* Calls fn for each entry of directory rel (not . and ..), in no order;
 * stops at fn's first non-zero return and returns it. A missing
 * directory is 0 with no call. */
int lio_cfs_list(const struct lio_cfs *c, const char *rel,
		 int (*fn)(const char *name, bool is_dir, bool is_link, void *arg), void *arg);

enum lio_step_kind {
	LIO_MKDIR,    /* path */
	LIO_RMDIR,    /* path */
	LIO_WRITE,    /* path, arg: the value (a newline is not added) */
	LIO_SYMLINK,  /* path: the link, arg: its target, both relative to the root */
	LIO_UNLINK,   /* path: a link */
	LIO_HOST_SYMLINK, /* path, arg: absolute host paths (dbroot/pr links) */
	LIO_HOST_UNLINK,  /* path: an absolute host path, removed only if a link */
};

struct lio_step {
	enum lio_step_kind kind;
	char *path;
	char *arg;
	bool secret;   /* arg is a CHAP secret: wiped when the plan is freed */
};

struct lio_plan {
	struct lio_step *steps;
	size_t n, cap;
};

/* Appends one step (path and arg copied; arg may be NULL). 0 or -ENOMEM. */
int lio_plan_add(struct lio_plan *p, enum lio_step_kind kind, const char *path,
		 const char *arg);
int lio_plan_addf(struct lio_plan *p, enum lio_step_kind kind, const char *arg,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void lio_plan_free(struct lio_plan *p);

/* Runs the plan's steps in order in a forked worker, reported back in batches,
 * until d. Returns 0 when all succeeded; else the failing step's -errno
 * (-ETIMEDOUT when d passed: the worker is killed), with *done = the
 * number of steps that succeeded and *failed = the index of the step that
 * failed or was under way. */
int lio_plan_run(const struct lio_cfs *c, const struct lio_plan *p, struct deadline d,
		 size_t *done, size_t *failed);

/* One step in this process (what the worker does); 0 or -errno. */
int lio_step_do(const struct lio_cfs *c, const struct lio_step *s);

/* "mkdir core/iblock_5/lun1", ... for reasons and tests; secrets as "***". */
void lio_step_text(const struct lio_step *s, char *buf, size_t len);

#endif
