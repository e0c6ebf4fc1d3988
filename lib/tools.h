/* Absolute paths of the external tools twinhead runs.
 *
 * The default comes from configure (AC_PATH_PROG); TWINHEAD_TOOL_<NAME>
 * (e.g. TWINHEAD_TOOL_ZPOOL) overrides it, so tests can point an agent at an
 * instrumented or frozen copy. An override must be an absolute path. */
#ifndef TWINHEAD_TOOLS_H
#define TWINHEAD_TOOLS_H

enum tool {
	TOOL_ZPOOL,
	TOOL_ZFS,
	TOOL_TGTADM,
	TOOL_CTLADM,
	TOOL_CRM_ATTRIBUTE,
	TOOL_CTLD,
	TOOL_ATTRD_UPDATER,
	TOOL_UDEVADM,
	TOOL_COUNT_
};

/* The tool's absolute path: the override from envp (NULL: environ) when it
 * is set and absolute, else the configured default. Never NULL. */
const char *tool_path(enum tool t, char *const *envp);

/* "zpool", ... */
const char *tool_name(enum tool t);

#endif
