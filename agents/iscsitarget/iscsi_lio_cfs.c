/* LIO's configfs tree: reads, plan steps, the forked worker. See
 * iscsi_lio_cfs.h. */
#include "config.h"
#include "iscsi_lio_cfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iscsi_secret.h"

#define CONFIGFS_MAGIC 0x62656570

int lio_cfs_open(struct lio_cfs *c, const char *root, bool standin_ok)
{
	struct statfs fs;
	struct stat st;

	memset(c, 0, sizeof(*c));
	if (strlen(root) >= sizeof(c->root) - 128)
		return -ENAMETOOLONG;
	if (stat(root, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (statfs(root, &fs) < 0)
		return -errno;
	snprintf(c->root, sizeof(c->root), "%s", root);
	if ((unsigned long)fs.f_type == CONFIGFS_MAGIC)
		return 0;
	if (!standin_ok)
		return -EMEDIUMTYPE;
	c->standin = true;
	return 0;
}

static int full(const struct lio_cfs *c, const char *rel, char *buf, size_t len)
{
	if ((size_t)snprintf(buf, len, "%s/%s", c->root, rel) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int lio_cfs_read(const struct lio_cfs *c, const char *rel, char *buf, size_t len)
{
	char path[LIO_PATH_MAX + 256];
	ssize_t n;
	int fd, rc;

	if ((rc = full(c, rel, path, sizeof(path))))
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	/* configfs hands out an attribute in one read of at most a page. */
	n = read(fd, buf, len);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc)
		return rc;
	if ((size_t)n >= len)
		return -E2BIG;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return (int)n;
}

int lio_cfs_exists(const struct lio_cfs *c, const char *rel)
{
	char path[LIO_PATH_MAX + 256];
	struct stat st;
	int rc;

	if ((rc = full(c, rel, path, sizeof(path))))
		return rc;
	if (lstat(path, &st) == 0)
		return 1;
	return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
}

/* Removes "." and ".." components and repeated slashes from an absolute
 * path, in place, without looking at the file system (a symlink on the way
 * is not followed: configfs's link texts name the tree itself). */
static void path_lexical(char *p)
{
	char *out = p, *in = p;

	while (*in) {
		char *end;
		size_t n;

		while (*in == '/')
			in++;
		end = in + strcspn(in, "/");
		n = (size_t)(end - in);
		if (n == 1 && in[0] == '.') {
			/* nothing */
		} else if (n == 2 && in[0] == '.' && in[1] == '.') {
			while (out > p && *--out != '/')
				;
		} else if (n) {
			*out++ = '/';
			memmove(out, in, n);
			out += n;
		}
		in = end;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

int lio_cfs_readlink(const struct lio_cfs *c, const char *rel, char *buf, size_t len)
{
	char path[LIO_PATH_MAX + 256], target[LIO_PATH_MAX + 256];
	char joined[2 * (LIO_PATH_MAX + 256)];
	size_t rl = strlen(c->root);
	ssize_t n;
	int rc;

	if ((rc = full(c, rel, path, sizeof(path))))
		return rc;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	/* configfs answers with a path relative to the link's directory
	 * ("../../../../../../target/core/iblock_5/lun1"); the stand-in
	 * keeps the absolute one it was given. */
	if (target[0] != '/') {
		char *slash = strrchr(path, '/');

		*slash = '\0';
		if ((size_t)snprintf(joined, sizeof(joined), "%s/%s", path, target) >= sizeof(target))
			return -ENAMETOOLONG;
		memcpy(target, joined, strlen(joined) + 1);
	}
	path_lexical(target);
	if (strncmp(target, c->root, rl) == 0 && target[rl] == '/')
		memmove(target, target + rl + 1, strlen(target + rl + 1) + 1);
	if ((size_t)snprintf(buf, len, "%s", target) >= len)
		return -E2BIG;
	return 0;
}

int lio_cfs_list(const struct lio_cfs *c, const char *rel,
		 int (*fn)(const char *name, bool is_dir, bool is_link, void *arg), void *arg)
{
	char path[LIO_PATH_MAX + 256];
	struct dirent *e;
	DIR *dir;
	int rc;

	if ((rc = full(c, rel, path, sizeof(path))))
		return rc;
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	rc = 0;
	while (rc == 0 && (e = readdir(dir))) {
		struct stat st;
		char sub[LIO_PATH_MAX + 512];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		/* configfs tells the kind in the entry (one lstat per entry
		 * cost monitor a third of its time with 256 LUNs). */
		if (e->d_type == DT_DIR || e->d_type == DT_LNK || e->d_type == DT_REG) {
			rc = fn(e->d_name, e->d_type == DT_DIR, e->d_type == DT_LNK, arg);
			continue;
		}
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (lstat(sub, &st) < 0)
			continue;
		rc = fn(e->d_name, S_ISDIR(st.st_mode), S_ISLNK(st.st_mode), arg);
	}
	closedir(dir);
	return rc;
}

static int write_all(const char *path, const char *value, bool create);

/* ---- the stand-in's default groups ---- */

/* What the kernel makes inside a new directory, by the directory's place
 * in the tree (fnmatch patterns relative to the root). */
static const struct {
	const char *pattern;
	const char *children[8];
} defaults[] = {
	{ "core/*_*/*", { "attrib", "wwn", "pr", "alua", "alua/default_tg_pt_gp", "statistics" } },
	{ "iscsi/*/tpgt_*", { "lun", "acls", "np", "attrib", "auth", "param" } },
	{ "iscsi/*/tpgt_*/acls/*", { "auth", "attrib" } },
};

static const char *const *standin_children(const char *rel)
{
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (fnmatch(defaults[i].pattern, rel, FNM_PATHNAME) == 0)
			return defaults[i].children;
	return NULL;
}

static bool is_default_child(const char *const *kids, const char *name)
{
	for (size_t i = 0; kids && i < 8 && kids[i]; i++)
		if (strcmp(kids[i], name) == 0)
			return true;
	return false;
}

/* Removes directory path (rel below the root) the way configfs does: its
 * attributes and default groups go with it; a child made by mkdir or a
 * link inside is -ENOTEMPTY. */
static int standin_rmdir(const char *path, const char *const *kids)
{
	DIR *dir = opendir(path);
	struct dirent *e;
	int rc = 0;

	if (!dir)
		return -errno;
	while (rc == 0 && (e = readdir(dir))) {
		char sub[LIO_PATH_MAX + 512];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (lstat(sub, &st) < 0)
			continue;
		if (S_ISREG(st.st_mode))
			rc = unlink(sub) < 0 ? -errno : 0;
		else if (S_ISDIR(st.st_mode) && is_default_child(kids, e->d_name))
			rc = standin_rmdir(sub, NULL);
		else if (S_ISDIR(st.st_mode) && !kids && strcmp(e->d_name, "default_tg_pt_gp") == 0)
			rc = standin_rmdir(sub, NULL);
		else
			rc = -ENOTEMPTY;
	}
	closedir(dir);
	if (rc == 0 && rmdir(path) < 0)
		rc = -errno;
	return rc;
}

static int standin_mkdir(const char *path, const char *rel)
{
	const char *const *kids = standin_children(rel);

	if (mkdir(path, 0755) < 0)
		return -errno;
	/* The one default value monitor reads that start does not write: a
	 * new ALUA group starts active/optimized. */
	if (fnmatch("core/*_*/*/alua/*", rel, FNM_PATHNAME) == 0) {
		char sub[LIO_PATH_MAX + 512];

		snprintf(sub, sizeof(sub), "%s/alua_access_state", path);
		return write_all(sub, "0\n", true);
	}
	for (size_t i = 0; kids && i < 8 && kids[i]; i++) {
		char sub[LIO_PATH_MAX + 512];

		snprintf(sub, sizeof(sub), "%s/%s", path, kids[i]);
		if (mkdir(sub, 0755) < 0)
			return -errno;
	}
	return 0;
}

/* ---- steps ---- */

static int write_all(const char *path, const char *value, bool create)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT | O_TRUNC : 0),
		  0600);
	if (fd < 0)
		return -errno;
	/* configfs takes an attribute in one write; a short one is an error. */
	n = write(fd, value, len);
	if (n < 0)
		rc = -errno;
	else if ((size_t)n != len)
		rc = -EIO;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

int lio_step_do(const struct lio_cfs *c, const struct lio_step *s)
{
	char path[LIO_PATH_MAX + 256], target[LIO_PATH_MAX + 256];
	struct stat st;
	int rc = 0;

	if (s->kind == LIO_HOST_SYMLINK || s->kind == LIO_HOST_UNLINK) {
		snprintf(path, sizeof(path), "%s", s->path);
	} else if ((rc = full(c, s->path, path, sizeof(path)))) {
		return rc;
	}
	switch (s->kind) {
	case LIO_MKDIR:
		if (c->standin)
			return standin_mkdir(path, s->path);
		return mkdir(path, 0755) < 0 ? -errno : 0;
	case LIO_RMDIR:
		if (c->standin)
			return standin_rmdir(path, standin_children(s->path));
		return rmdir(path) < 0 ? -errno : 0;
	case LIO_WRITE:
		if (c->standin && c->standin_hang && strcmp(c->standin_hang, s->path) == 0)
			for (;;)
				pause(); /* a write stuck in the kernel */
		if (c->standin && c->standin_fail && strcmp(c->standin_fail, s->path) == 0)
			return -EIO;
		return write_all(path, s->arg, c->standin);
	case LIO_SYMLINK:
		if ((rc = full(c, s->arg, target, sizeof(target))))
			return rc;
		return symlink(target, path) < 0 ? -errno : 0;
	case LIO_UNLINK:
		return unlink(path) < 0 ? -errno : 0;
	case LIO_HOST_SYMLINK:
		/* Replaces a link left by an earlier run (a crash): the
		 * kernel follows whatever is there. A regular file is the
		 * kernel's own state from a run without pr_dir: refused. */
		if (lstat(path, &st) == 0) {
			if (!S_ISLNK(st.st_mode))
				return -EEXIST;
			if (unlink(path) < 0)
				return -errno;
		}
		return symlink(s->arg, path) < 0 ? -errno : 0;
	case LIO_HOST_UNLINK:
		if (lstat(path, &st) < 0)
			return errno == ENOENT ? 0 : -errno;
		if (!S_ISLNK(st.st_mode))
			return 0;
		return unlink(path) < 0 ? -errno : 0;
	}
	return -EINVAL;
}

void lio_step_text(const struct lio_step *s, char *buf, size_t len)
{
	static const char *const names[] = {
		[LIO_MKDIR] = "mkdir",     [LIO_RMDIR] = "rmdir",	   [LIO_WRITE] = "write",
		[LIO_SYMLINK] = "link",    [LIO_UNLINK] = "unlink",
		[LIO_HOST_SYMLINK] = "link", [LIO_HOST_UNLINK] = "unlink",
	};

	if (s->kind == LIO_WRITE)
		snprintf(buf, len, "write %s = %s", s->path, s->secret ? "***" : s->arg);
	else if (s->arg)
		snprintf(buf, len, "%s %s -> %s", names[s->kind], s->path, s->arg);
	else
		snprintf(buf, len, "%s %s", names[s->kind], s->path);
}

int lio_plan_add(struct lio_plan *p, enum lio_step_kind kind, const char *path, const char *arg)
{
	struct lio_step *s;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 64;
		struct lio_step *n = realloc(p->steps, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		p->steps = n;
		p->cap = cap;
	}
	s = &p->steps[p->n];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->path = strdup(path);
	s->arg = arg ? strdup(arg) : NULL;
	if (!s->path || (arg && !s->arg)) {
		free(s->path);
		free(s->arg);
		return -ENOMEM;
	}
	p->n++;
	return 0;
}

int lio_plan_addf(struct lio_plan *p, enum lio_step_kind kind, const char *arg, const char *fmt,
		  ...)
{
	char path[LIO_PATH_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	return lio_plan_add(p, kind, path, arg);
}

void lio_plan_free(struct lio_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		if (p->steps[i].secret && p->steps[i].arg)
			iscsi_secret_wipe(p->steps[i].arg, strlen(p->steps[i].arg));
		free(p->steps[i].path);
		free(p->steps[i].arg);
	}
	free(p->steps);
	memset(p, 0, sizeof(*p));
}

/* ---- the worker ---- */

/* One step's result, worker to caller. */
struct report {
	uint32_t index;
	int32_t rc;
};

/* Is this step the making of a network portal (TPG np/IP:PORT)? LIO
 * (iscsit_add_np, through 6.1 and later) binds the portal's socket, then
 * starts its login thread; when the process doing the mkdir has a fatal
 * signal pending, kthread_run fails and the kernel frees the portal
 * without releasing the socket: IP:PORT stays bound, with no listener
 * anyone can reach, until the head reboots, and every later mkdir of that
 * portal fails (EINVAL; "kernel_bind() failed: -98" in dmesg). Measured
 * on Debian's 6.1 by SIGKILLing a start there. So no step of this kind
 * may be interrupted by a signal of ours. */
static bool step_is_portal(const struct lio_step *s)
{
	return s->kind == LIO_MKDIR && strstr(s->path, "/np/") != NULL;
}

/* The worker reports after every LIO_REPORT_EVERY steps, after a portal
 * step (the grace below waits for exactly that report), after a failing
 * step and after the last: one report per step woke the agent once per
 * step, two context switches per configfs write on a one-CPU head. What is
 * done in between is in a shared counter (no system call), read at the
 * deadline to name the step under way. */
#define LIO_REPORT_EVERY 64

static void worker(const struct lio_cfs *c, const struct lio_plan *p, int fd, uint32_t *done,
		   pid_t agent)
{
	/* A session of its own: a kill of the agent's process group (an
	 * action timeout) does not reach a step inside the kernel (see
	 * step_is_portal); the worker ends before its next step once the
	 * agent is gone (it was re-parented: one cheap system call, no
	 * wake-up), and what it made is a tree start never enabled (enabling
	 * is a plan's last step): the next start or stop removes it. It keeps
	 * the agent's lock (an inherited descriptor) until then. */
	setsid();
	for (size_t i = 0; i < p->n; i++) {
		struct report r = { .index = (uint32_t)i };

		if (getppid() != agent)
			_exit(1);
		r.rc = lio_step_do(c, &p->steps[i]);

		if (r.rc == 0)
			__atomic_store_n(done, (uint32_t)(i + 1), __ATOMIC_RELEASE);
		if ((r.rc || i + 1 == p->n || (i + 1) % LIO_REPORT_EVERY == 0 ||
		     step_is_portal(&p->steps[i])) &&
		    send(fd, &r, sizeof(r), MSG_NOSIGNAL) != (ssize_t)sizeof(r))
			_exit(1);
		if (r.rc)
			_exit(1);
	}
	_exit(0);
}

int lio_plan_run(const struct lio_cfs *c, const struct lio_plan *p, struct deadline d,
		 size_t *done, size_t *failed)
{
	int fds[2], rc = 0, status;
	size_t got = 0;
	uint32_t *shared;
	pid_t pid, agent;

	*done = 0;
	*failed = 0;
	if (p->n == 0)
		return 0;
	if (deadline_expired(d))
		return -ETIMEDOUT;
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		      -1, 0);
	if (shared == MAP_FAILED)
		return -errno;
	*shared = 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
		rc = -errno;
		munmap(shared, sizeof(*shared));
		return rc;
	}
	agent = getpid();
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(fds[0]);
		close(fds[1]);
		munmap(shared, sizeof(*shared));
		return rc;
	}
	if (pid == 0) {
		close(fds[0]);
		worker(c, p, fds[1], shared, agent);
	}
	close(fds[1]);
	while (got < p->n) {
		struct report r;

		rc = deadline_recv_all(fds[0], &r, sizeof(r), d);
		if (rc) {
			got = __atomic_load_n(shared, __ATOMIC_ACQUIRE);
			/* Past the deadline inside a portal's mkdir: its end is
			 * waited for (bind, listen, a thread: nothing that waits
			 * on storage) rather than the kernel made to leak the
			 * portal; 10 s at most, then the worker is killed anyway.
			 * The worker reports every portal step. */
			if (rc == -ETIMEDOUT) {
				struct deadline grace = deadline_in_ms(10000);

				while (got < p->n && step_is_portal(&p->steps[got]) &&
				       deadline_recv_all(fds[0], &r, sizeof(r), grace) == 0 &&
				       r.rc == 0 && r.index < p->n)
					if (r.index + 1 > got)
						got = r.index + 1;
			} else {
				rc = -EPIPE; /* the worker died */
			}
			break;
		}
		if (r.index < got || r.index >= p->n) {
			rc = -EPROTO;
			break;
		}
		if (r.rc) {
			got = r.index;
			rc = r.rc;
			break;
		}
		got = r.index + 1;
	}
	*done = got;
	*failed = got;
	close(fds[0]);
	munmap(shared, sizeof(*shared));
	if (rc == -ETIMEDOUT || rc == -EPIPE || rc == -EPROTO) {
		/* A worker stuck in the kernel may not die at once: do not
		 * wait for it, its parent's parent reaps it. */
		kill(pid, SIGKILL);
		if (waitpid(pid, &status, WNOHANG) == 0 && rc != -ETIMEDOUT)
			waitpid(pid, &status, 0);
		return rc;
	}
	waitpid(pid, &status, 0);
	return rc;
}
