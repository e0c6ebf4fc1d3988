/* Libraries loaded on first use.
 *
 * An agent is a short-lived process that Pacemaker runs every few seconds
 * for monitor. libxml2 (only meta-data needs it) drags in ICU and libstdc++,
 * and libqb (only needed once there is something to log) drags in
 * libsystemd and libgcrypt: together about 3 ms of dynamic loading per
 * exec, several times the cost of the monitor itself. So agents do not link
 * them; they dlopen them the first time they are needed.
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

#endif
