/* Fencing, generic over the method: the confirmation loop.
 *
 * The trust rule lives here, once, for every method: a fence counts only
 * when a status read made after the power-off request says the power is
 * off. The request being accepted proves nothing (a BMC may accept and
 * ignore it). */
#include "config.h"
#include "fence.h"

#include <errno.h>
#include <stddef.h>

int fence_confirm_off(struct fence_dev *dev, struct deadline d, int poll_ms)
{
	return fence_confirm_off_every(dev, d, poll_ms, FENCE_RESEND_MS);
}

int fence_confirm_off_every(struct fence_dev *dev, struct deadline d, int poll_ms, int resend_ms)
{
	struct deadline resend;
	int rc, last;

	if (!dev || !dev->ops || !dev->ops->power_off || !dev->ops->power_status ||
	    poll_ms <= 0 || resend_ms <= 0)
		return -EINVAL;
	dev->error[0] = '\0';
	if (deadline_expired(d))
		return -ETIMEDOUT;

	rc = dev->ops->power_off(dev, d);
	if (rc < 0)
		return rc;
	if (rc > 0) /* a method breaking its contract must not look like success */
		return -EPROTO;
	resend = deadline_in_ms(resend_ms);

	/* From here on only a status read that says "off" ends the loop with
	 * success. A failed read is not a verdict either way: packets get
	 * lost and BMCs answer "busy" right after a chassis command, so it is
	 * retried until d. When d passes, the caller learns why: the last
	 * read's error, or -ETIMEDOUT when the last read still said "on".
	 * A BMC can also accept a request and drop it (busy with the one
	 * before, or restarting): while reads keep saying "on", the request
	 * goes again every resend_ms. Powering off a chassis that is going
	 * off anyway changes nothing, and a failed resend is not a verdict
	 * either: the reads decide. */
	last = -ETIMEDOUT;
	for (;;) {
		bool on = true;

		rc = dev->ops->power_status(dev, d, &on);
		if (rc == 0 && !on)
			return 0;
		if (rc > 0)
			rc = -EPROTO;
		last = rc < 0 ? rc : -ETIMEDOUT;
		if (deadline_expired(d))
			return last;
		if (rc == 0 && deadline_expired(resend)) {
			(void)dev->ops->power_off(dev, d);
			resend = deadline_in_ms(resend_ms);
		}
		if (deadline_sleep_ms(d, poll_ms) < 0)
			return last;
	}
}

void fence_destroy(struct fence_dev *dev)
{
	if (!dev)
		return;
	if (dev->ops && dev->ops->destroy)
		dev->ops->destroy(dev);
}
