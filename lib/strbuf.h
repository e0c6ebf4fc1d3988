/* strbuf.h: a growing string built with printf, for generated text
 * (ctld configuration blocks, the CTL emulator's XML and reports).
 *
 * Out of memory is sticky: later calls do nothing and oom stays set, so a
 * builder checks once at the end. A zeroed struct is an empty buffer. */
#ifndef TWINHEAD_STRBUF_H
#define TWINHEAD_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *p;	/* NUL-terminated once anything was written; NULL before */
	size_t len, cap;
	bool oom;
};

void strbuf_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The string, owned by the caller ("" when nothing was written), or NULL
 * after an allocation failure; the buffer is left empty either way. */
char *strbuf_take(struct strbuf *b);

void strbuf_free(struct strbuf *b);

#endif
