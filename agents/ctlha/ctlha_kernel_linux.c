/* CTL HA on Linux: there is none. CTL (ctl(4)) is a FreeBSD kernel
 * subsystem; every call says so with -ENOTSUP, and the agent turns that
 * into OCF_ERR_INSTALLED with "CTL HA exists only on FreeBSD". */
#include "config.h"
#include "ctlha_kernel.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int ctlha_read(struct ctlha_state *st)
{
	memset(st, 0, sizeof(*st));
	return -ENOTSUP;
}

int ctlha_set_peer(const char *peer)
{
	return -ENOTSUP;
}

int ctlha_set_role(int role)
{
	return -ENOTSUP;
}

int ctlha_lun_list(const char *ctladm, struct deadline d, struct ctlha_lun_list *out,
		   char *why, size_t whylen)
{
	out->luns = NULL;
	out->n = 0;
	snprintf(why, whylen, "CTL HA exists only on FreeBSD");
	return -ENOTSUP;
}

int ctlha_lun_set_role(const char *ctladm, struct deadline d, const struct ctlha_lun *lun,
		       int role, char *why, size_t whylen)
{
	snprintf(why, whylen, "CTL HA exists only on FreeBSD");
	return -ENOTSUP;
}

int ctlha_lun_alua(const char *ctladm, struct deadline d, unsigned lun, int ha_id,
		   struct ctlha_alua *out, char *why, size_t whylen)
{
	snprintf(why, whylen, "CTL HA exists only on FreeBSD");
	return -ENOTSUP;
}
