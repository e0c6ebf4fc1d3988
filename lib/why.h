/* why.h: the one-line reason a parser or a check gives its caller.
 *
 * Validators across twinhead take (char *why, size_t len) and fill it
 * with what was wrong; the caller logs it once, with context. */
#ifndef TWINHEAD_WHY_H
#define TWINHEAD_WHY_H

#include <stddef.h>

/* Formats the reason into why (when why and len are set) and returns rc,
 * so a check can end with `return th_why(why, len, -EINVAL, "...")`. */
int th_why(char *why, size_t len, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
