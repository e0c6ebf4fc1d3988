/* dlopen with a table of symbols. */
#include "config.h"
#include "dl.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>

int dl_bind_why(const char *soname, const struct dl_sym *syms, size_t n, char *why,
		size_t whylen)
{
	/* RTLD_NODELETE: function pointers stay valid for the process's life. */
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	const char *e;

	if (!h)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		(void)dlerror();
		*syms[i].slot = dlsym(h, syms[i].name);
		if (!*syms[i].slot)
			goto fail;
	}
	return 0;
fail:
	e = dlerror();
	if (why && whylen)
		snprintf(why, whylen, "%s", e ? e : "not found");
	return -ENOENT;
}

int dl_probe(const char *soname, const struct dl_sym *syms, size_t n, char *why, size_t whylen)
{
	/* RTLD_LAZY: no relocation of functions nobody will call. Without
	 * RTLD_NODELETE, dlclose() unmaps it again. */
	void *h = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
	const char *e;

	if (!h)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		(void)dlerror();
		if (!dlsym(h, syms[i].name)) {
			e = dlerror();
			if (why && whylen)
				snprintf(why, whylen, "%s", e ? e : "not found");
			dlclose(h);
			return -ENOENT;
		}
	}
	dlclose(h);
	return 0;
fail:
	e = dlerror();
	if (why && whylen)
		snprintf(why, whylen, "%s", e ? e : "not found");
	return -ENOENT;
}

int dl_bind(const char *soname, const struct dl_sym *syms, size_t n)
{
	return dl_bind_why(soname, syms, n, NULL, 0);
}
