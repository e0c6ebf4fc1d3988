/* dlopen with a table of symbols. */
#include "config.h"
#include "dl.h"

#include <dlfcn.h>
#include <errno.h>

int dl_bind(const char *soname, const struct dl_sym *syms, size_t n)
{
	/* RTLD_NODELETE: function pointers stay valid for the process's life. */
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);

	if (!h)
		return -ENOENT;
	for (size_t i = 0; i < n; i++) {
		*syms[i].slot = dlsym(h, syms[i].name);
		if (!*syms[i].slot)
			return -ENOENT;
	}
	return 0;
}
