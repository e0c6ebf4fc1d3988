/* EMULATION: a stand-in for FreeBSD's <sys/sysctl.h>, only for the
 * test-only build of agents/ctlha/ctlha_kernel_freebsd.c on Linux (lab/ctlemu). It declares
 * the one function that file uses; lab/ctlemu/sysctl_shim.c implements it
 * against the CTL HA emulator (ctlemud) instead of a kernel. Never on the
 * include path of a production build. */
#ifndef TWINHEAD_CTLEMU_SYS_SYSCTL_H
#define TWINHEAD_CTLEMU_SYS_SYSCTL_H

#include <stddef.h>

int sysctlbyname(const char *name, void *oldp, size_t *oldlenp, const void *newp,
		 size_t newlen);

#endif
