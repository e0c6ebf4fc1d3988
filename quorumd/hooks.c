/* The hook thread. */
#include "config.h"
#include "hooks.h"
#include "exec.h"
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hooks_req {
	uint64_t id; /* 0: none */
	bool promote;
	uint64_t epoch;
};

struct hooks {
	const struct qc_config *cfg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t last_id;
	struct hooks_req pending; /* the one waiting request: the latest wanted */
	uint64_t running_id;
	uint64_t done_id;         /* the last finished request */
	bool done_ok;

	bool quit;
};

/* Returns true when the hook succeeded. */
static bool run_one(const struct qc_config *cfg, const struct qc_hook *hk, bool promote,
		    uint64_t epoch)
{
	char role[32], ep[48];
	const char *env[QC_MAX_ARGS + 3];
	unsigned ne = 0;
	struct exec_cmd cmd = { .argv = (const char *const *)hk->argv, .env = env,
				.deadline = deadline_in_ms(cfg->hook_timeout_ms) };
	struct exec_result res;
	bool ok;
	int rc;

	for (unsigned i = 0; hk->env[i]; i++)
		env[ne++] = hk->env[i];
	snprintf(role, sizeof(role), "TWINHEAD_ROLE=%s", promote ? "primary" : "secondary");
	snprintf(ep, sizeof(ep), "TWINHEAD_EPOCH=%" PRIu64, epoch);
	env[ne++] = role;
	env[ne++] = ep;
	env[ne] = NULL;
	rc = exec_run(&cmd, &res);
	ok = exec_succeeded(rc, &res);
	if (ok)
		th_log(LOG_INFO, "%s hook %s succeeded", promote ? "promote" : "demote", hk->argv[0]);
	else
		th_log(LOG_ERR, "%s hook %s failed (%s): %.200s", promote ? "promote" : "demote",
		       hk->argv[0],
		       rc == -ETIMEDOUT ? "timed out" : rc < 0 ? strerror(-rc) : "non-zero exit",
		       res.err && res.err[0] ? res.err : res.out ? res.out : "");
	exec_result_free(&res);
	return ok;
}

static void *hook_thread(void *arg)
{
	struct hooks *h = arg;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		struct hooks_req r;
		bool ok = true;

		while (!h->quit && !h->pending.id)
			pthread_cond_wait(&h->cond, &h->lock);
		if (h->quit)
			break;
		r = h->pending;
		h->pending.id = 0;
		h->running_id = r.id;
		pthread_mutex_unlock(&h->lock);
		/* Demote runs its hooks in reverse: stop the IP before the
		 * target before the pool. Every hook runs even after one
		 * failed: stop as much as possible; the request failed. */
		if (r.promote)
			for (unsigned i = 0; i < h->cfg->n_promote; i++)
				ok &= run_one(h->cfg, &h->cfg->promote[i], true, r.epoch);
		else
			for (unsigned i = h->cfg->n_demote; i-- > 0;)
				ok &= run_one(h->cfg, &h->cfg->demote[i], false, r.epoch);
		pthread_mutex_lock(&h->lock);
		h->running_id = 0;
		h->done_id = r.id;
		h->done_ok = ok;
		pthread_cond_broadcast(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

int hooks_start(const struct qc_config *cfg, struct hooks **out)
{
	struct hooks *h = calloc(1, sizeof(*h));
	int rc;

	if (!h)
		return -ENOMEM;
	h->cfg = cfg;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	rc = pthread_create(&h->thread, NULL, hook_thread, h);
	if (rc) {
		pthread_cond_destroy(&h->cond);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return -rc;
	}
	*out = h;
	return 0;
}

uint64_t hooks_request(struct hooks *h, bool promote, uint64_t epoch)
{
	uint64_t id;

	pthread_mutex_lock(&h->lock);
	if (h->pending.id) {
		/* Only the latest wanted role matters; the older one is
		 * answered as superseded, never lost without a word. */
		th_log(LOG_INFO, "%s request %" PRIu64 " replaced before it started",
		       h->pending.promote ? "promote" : "demote", h->pending.id);
	}
	id = ++h->last_id;
	h->pending = (struct hooks_req){ .id = id, .promote = promote, .epoch = epoch };
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	return id;
}

enum hooks_status hooks_status(struct hooks *h, uint64_t id)
{
	enum hooks_status st;

	pthread_mutex_lock(&h->lock);
	if (id == h->pending.id)
		st = HOOKS_PENDING;
	else if (id == h->running_id)
		st = HOOKS_RUNNING;
	else if (id == h->done_id)
		st = h->done_ok ? HOOKS_OK : HOOKS_FAILED;
	else
		st = HOOKS_SUPERSEDED;
	pthread_mutex_unlock(&h->lock);
	return st;
}

void hooks_stop(struct hooks *h)
{
	pthread_mutex_lock(&h->lock);
	h->quit = true;
	h->pending.id = 0;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
