/* The fence thread. Read fencer.h first. */
#include "config.h"
#include "fencer.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fencer {
	struct fence_dev *dev;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* the request */
	bool pending, busy, quit;
	uint32_t budget_ms;
	int poll_ms;
	bool read_back;
	/* the result */
	bool done, done_read_back;
	int rc;
	int64_t done_ms;
	char why[sizeof(((struct fence_dev *)0)->error)];
};

/* One attempt. A status read that says off, made after the earlier
 * request, is the same proof fence_confirm_off() accepts; anything else
 * (on, no answer) falls through to a fresh power-off within what is left. */
static int attempt(struct fence_dev *dev, struct deadline d, int poll_ms, bool read_back,
		   bool *by_read_back)
{
	*by_read_back = false;
	if (read_back) {
		bool on = true;

		dev->error[0] = '\0';
		if (dev->ops->power_status(dev, d, &on) == 0 && !on) {
			*by_read_back = true;
			return 0;
		}
	}
	return fence_confirm_off(dev, d, poll_ms);
}

static void *fencer_thread(void *arg)
{
	struct fencer *f = arg;

	pthread_mutex_lock(&f->lock);
	for (;;) {
		struct deadline d;
		bool rb, by_rb;
		int poll_ms, rc;

		while (!f->quit && !f->pending)
			pthread_cond_wait(&f->cond, &f->lock);
		if (!f->pending)
			break;
		f->pending = false;
		f->busy = true;
		d = deadline_in_ms(f->budget_ms);
		rb = f->read_back;
		poll_ms = f->poll_ms;
		pthread_mutex_unlock(&f->lock);

		rc = attempt(f->dev, d, poll_ms, rb, &by_rb);

		pthread_mutex_lock(&f->lock);
		f->rc = rc;
		f->done_ms = deadline_now_ms();
		f->done_read_back = by_rb;
		snprintf(f->why, sizeof(f->why), "%s", f->dev->error);
		f->busy = false;
		f->done = true;
		pthread_cond_broadcast(&f->cond);
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

int fencer_start(struct fence_dev *dev, struct fencer **out)
{
	struct fencer *f;
	int rc;

	if (!dev || !dev->ops || !dev->ops->power_status)
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->dev = dev;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	rc = pthread_create(&f->thread, NULL, fencer_thread, f);
	if (rc) {
		pthread_cond_destroy(&f->cond);
		pthread_mutex_destroy(&f->lock);
		free(f);
		return -rc;
	}
	*out = f;
	return 0;
}

int fencer_begin(struct fencer *f, uint32_t budget_ms, int poll_ms, bool read_back)
{
	int rc = 0;

	if (budget_ms == 0 || poll_ms <= 0)
		return -EINVAL;
	pthread_mutex_lock(&f->lock);
	if (f->pending || f->busy || f->quit) {
		rc = -EBUSY;
	} else {
		f->budget_ms = budget_ms;
		f->poll_ms = poll_ms;
		f->read_back = read_back;
		f->done = false;
		f->pending = true;
		pthread_cond_broadcast(&f->cond);
	}
	pthread_mutex_unlock(&f->lock);
	return rc;
}

bool fencer_done(struct fencer *f, int *rc, int64_t *at_ms, bool *read_back, char *why,
		 size_t whylen)
{
	bool done;

	pthread_mutex_lock(&f->lock);
	done = f->done;
	if (done) {
		f->done = false;
		*rc = f->rc;
		*at_ms = f->done_ms;
		*read_back = f->done_read_back;
		snprintf(why, whylen, "%s", f->why);
	}
	pthread_mutex_unlock(&f->lock);
	return done;
}

void fencer_stop(struct fencer *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	f->quit = true;
	f->pending = false;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
	free(f);
}
