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

#define HOOK_QUEUE 16

struct hooks {
	const struct qc_config *cfg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct { bool promote; uint64_t epoch; } q[HOOK_QUEUE];
	unsigned head, n;
	bool running, quit;
};

static void run_one(const struct qc_config *cfg, const struct qc_hook *hk, bool promote,
		    uint64_t epoch)
{
	char role[32], ep[48];
	const char *env[QC_MAX_ARGS + 3];
	unsigned ne = 0;
	struct exec_cmd cmd = { .argv = (const char *const *)hk->argv, .env = env,
				.deadline = deadline_in_ms(cfg->hook_timeout_ms) };
	struct exec_result res;
	int rc;

	for (unsigned i = 0; hk->env[i]; i++)
		env[ne++] = hk->env[i];
	snprintf(role, sizeof(role), "TWINHEAD_ROLE=%s", promote ? "primary" : "secondary");
	snprintf(ep, sizeof(ep), "TWINHEAD_EPOCH=%" PRIu64, epoch);
	env[ne++] = role;
	env[ne++] = ep;
	env[ne] = NULL;
	rc = exec_run(&cmd, &res);
	if (exec_succeeded(rc, &res))
		th_log(LOG_INFO, "%s hook %s succeeded", promote ? "promote" : "demote", hk->argv[0]);
	else
		th_log(LOG_ERR, "%s hook %s failed (%s): %.200s", promote ? "promote" : "demote",
		       hk->argv[0],
		       rc == -ETIMEDOUT ? "timed out" : rc < 0 ? strerror(-rc) : "non-zero exit",
		       res.err && res.err[0] ? res.err : res.out ? res.out : "");
	exec_result_free(&res);
}

static void *hook_thread(void *arg)
{
	struct hooks *h = arg;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		bool promote;
		uint64_t epoch;

		while (!h->quit && h->n == 0)
			pthread_cond_wait(&h->cond, &h->lock);
		if (h->quit && h->n == 0)
			break;
		promote = h->q[h->head].promote;
		epoch = h->q[h->head].epoch;
		h->running = true;
		pthread_mutex_unlock(&h->lock);
		/* Demote runs its hooks in reverse: stop the IP before the
		 * target before the pool. */
		if (promote)
			for (unsigned i = 0; i < h->cfg->n_promote; i++)
				run_one(h->cfg, &h->cfg->promote[i], true, epoch);
		else
			for (unsigned i = h->cfg->n_demote; i-- > 0;)
				run_one(h->cfg, &h->cfg->demote[i], false, epoch);
		pthread_mutex_lock(&h->lock);
		if (h->n) { /* hooks_stop may have emptied the queue meanwhile */
			h->head = (h->head + 1) % HOOK_QUEUE;
			h->n--;
		}
		h->running = false;
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
		free(h);
		return -rc;
	}
	*out = h;
	return 0;
}

void hooks_queue(struct hooks *h, bool promote, uint64_t epoch)
{
	pthread_mutex_lock(&h->lock);
	if (h->n < HOOK_QUEUE) {
		unsigned i = (h->head + h->n) % HOOK_QUEUE;

		h->q[i].promote = promote;
		h->q[i].epoch = epoch;
		h->n++;
		pthread_cond_broadcast(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
}

bool hooks_drain(struct hooks *h, int64_t ms)
{
	struct deadline d = deadline_in_ms(ms);
	bool empty;

	pthread_mutex_lock(&h->lock);
	while (h->n > 0 && !deadline_expired(d)) {
		pthread_mutex_unlock(&h->lock);
		deadline_sleep_ms(d, 20);
		pthread_mutex_lock(&h->lock);
	}
	empty = h->n == 0;
	pthread_mutex_unlock(&h->lock);
	return empty;
}

void hooks_stop(struct hooks *h)
{
	pthread_mutex_lock(&h->lock);
	h->quit = true;
	h->n = 0;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	free(h);
}
