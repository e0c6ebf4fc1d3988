/* Libraries loaded on first use.
 *
 * An agent is a short-lived process that Pacemaker runs every few seconds
 * for monitor. libxml2 (only meta-data needs it) drags in ICU and libstdc++,
 * and libqb (only needed once there is something to log) drags in
 * libsystemd and libgcrypt: together about 3 ms of dynamic loading per
 * exec, several times the cost of the monitor itself. So agents do not link
 * them; they dlopen them the first time they are needed. twinhead-quorumd
 * does the same with libfreeipmi (about 2 MB of its RSS), needed only when
 * it fences.
 * Library code: never logs. */
#ifndef TWINHEAD_DL_H
#define TWINHEAD_DL_H

#include <stddef.h>

struct dl_sym {
	const char *name;
	void **slot; /* receives the address; cast to the symbol's type */
};

/* Opens soname (once per process; later calls reuse the handle) and
 * resolves every symbol into its slot. Returns 0, or -ENOENT when the
 * library or any symbol is missing (then no slot is trusted). */
int dl_bind(const char *soname, const struct dl_sym *syms, size_t n);

/* dl_bind, and on failure dlerror()'s words (which file or symbol is
 * missing) in why. */
int dl_bind_why(const char *soname, const struct dl_sym *syms, size_t n, char *why,
		size_t whylen);

/* Whether soname and every symbol could be loaded, without keeping it:
 * opens, looks the symbols up (the slots are not written), closes. For a
 * check at start of what is only loaded later. 0, or -ENOENT with
 * dlerror()'s words in why. */
int dl_probe(const char *soname, const struct dl_sym *syms, size_t n, char *why, size_t whylen);

#endif
