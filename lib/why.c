/* why.c: see why.h. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "why.h"

int th_why(char *why, size_t len, int rc, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return rc;
}
