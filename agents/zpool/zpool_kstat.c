/* OpenZFS's pool state kstat. See zpool_kstat.h. */
#include "config.h"
#include "zpool_kstat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "zpool_name.h"

int zpool_kstat_state_path(const char *pool, char *buf, size_t len)
{
	char why[120];
	int n;

	if (zpool_name_check(pool, why, sizeof(why)) != 0)
		return -EINVAL;
	n = snprintf(buf, len, "/proc/spl/kstat/zfs/%s/state", pool);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int zpool_kstat_state_parse(const char *buf, size_t len, enum zpool_health *h, char *word,
			    size_t wordlen)
{
	size_t n = 0;

	while (n < len && buf[n] >= 'A' && buf[n] <= 'Z')
		n++;
	if (n == 0 || n >= ZPOOL_WORD_MAX || n + 1 != len || buf[n] != '\n' ||
	    wordlen < ZPOOL_WORD_MAX)
		return -EINVAL;
	memcpy(word, buf, n);
	word[n] = '\0';
	*h = zpool_parse_health(buf, n);
	/* Words zpool list never prints for an imported pool's health. */
	if (*h == ZPOOL_HEALTH_AVAIL || *h == ZPOOL_HEALTH_INUSE)
		*h = ZPOOL_HEALTH_UNKNOWN;
	return 0;
}
