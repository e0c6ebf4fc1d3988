/* The multihost activity check's worst case. See zpool_mmp.h. */
#include "config.h"
#include "zpool_mmp.h"

/* a * b, saturating at INT64_MAX. */
static uint64_t zpool_mmp_mul(uint64_t a, uint64_t b)
{
	if (a != 0 && b > (uint64_t)INT64_MAX / a)
		return (uint64_t)INT64_MAX;
	return a * b;
}

int64_t zpool_mmp_import_wait_ms(uint64_t interval_ms, uint64_t import_intervals,
				 uint64_t fail_intervals)
{
	uint64_t interval = interval_ms < ZPOOL_MMP_MIN_INTERVAL_MS ? ZPOOL_MMP_MIN_INTERVAL_MS
								   : interval_ms;
	uint64_t wait = 1000, t;

	if (import_intervals < 1)
		import_intervals = 1;
	t = zpool_mmp_mul(import_intervals, interval);
	if (t > wait)
		wait = t;
	t = zpool_mmp_mul(zpool_mmp_mul(fail_intervals, interval), 2);
	if (t > wait)
		wait = t;
	/* The random extension: up to 25 %. */
	wait = wait > (uint64_t)INT64_MAX / 5 * 4 ? (uint64_t)INT64_MAX : wait + wait / 4;
	return (int64_t)wait;
}
