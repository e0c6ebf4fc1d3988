/* dlopen with a table of symbols. */
#include "config.h"
#include "dl.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>

#include "why.h"

/* dlopen(soname, flags) and look up every symbol of syms; bind: store
 * them in their slots and keep the library, else close it again. */
static int dl_open_table(const char *soname, int flags, const struct dl_sym *syms, size_t n,
			 bool bind, char *why, size_t whylen)
{
	void *h = dlopen(soname, flags);
	const char *e;

	if (!h)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		void *p;

		(void)dlerror();
		p = dlsym(h, syms[i].name);
		if (!p) {
			/* The reason first: dlclose() invalidates dlerror()'s text. */
			e = dlerror();
			th_why(why, whylen, -ENOENT, "%s", e ? e : "not found");
			dlclose(h);
			return -ENOENT;
		}
		if (bind)
			*syms[i].slot = p;
	}
	if (!bind)
		dlclose(h);
	return 0;
fail:
	e = dlerror();
	return th_why(why, whylen, -ENOENT, "%s", e ? e : "not found");
}

int dl_bind_why(const char *soname, const struct dl_sym *syms, size_t n, char *why,
		size_t whylen)
{
	/* RTLD_NODELETE: function pointers stay valid for the process's life. */
	return dl_open_table(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE, syms, n, true, why,
			     whylen);
}

int dl_probe(const char *soname, const struct dl_sym *syms, size_t n, char *why, size_t whylen)
{
	/* RTLD_LAZY: no relocation of functions nobody will call. Without
	 * RTLD_NODELETE, dlclose() unmaps it again. */
	return dl_open_table(soname, RTLD_LAZY | RTLD_LOCAL, syms, n, false, why, whylen);
}

int dl_bind(const char *soname, const struct dl_sym *syms, size_t n)
{
	return dl_bind_why(soname, syms, n, NULL, 0);
}
