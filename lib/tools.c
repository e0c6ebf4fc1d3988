/* Tool paths: configure's defaults, overridable per tool for tests. */
#include "config.h"
#include "tools.h"

#include <stddef.h>
#include <string.h>

extern char **environ;

static const struct {
	const char *name;
	const char *env;
	const char *path;
} tools[TOOL_COUNT_] = {
	[TOOL_ZPOOL] = { "zpool", "TWINHEAD_TOOL_ZPOOL", TOOL_ZPOOL_PATH },
	[TOOL_ZFS] = { "zfs", "TWINHEAD_TOOL_ZFS", TOOL_ZFS_PATH },
	[TOOL_TGTADM] = { "tgtadm", "TWINHEAD_TOOL_TGTADM", TOOL_TGTADM_PATH },
	[TOOL_CTLADM] = { "ctladm", "TWINHEAD_TOOL_CTLADM", TOOL_CTLADM_PATH },
	[TOOL_CRM_ATTRIBUTE] = { "crm_attribute", "TWINHEAD_TOOL_CRM_ATTRIBUTE",
				 TOOL_CRM_ATTRIBUTE_PATH },
	[TOOL_CTLD] = { "ctld", "TWINHEAD_TOOL_CTLD", TOOL_CTLD_PATH },
	[TOOL_ATTRD_UPDATER] = { "attrd_updater", "TWINHEAD_TOOL_ATTRD_UPDATER",
				 TOOL_ATTRD_UPDATER_PATH },
	[TOOL_UDEVADM] = { "udevadm", "TWINHEAD_TOOL_UDEVADM", TOOL_UDEVADM_PATH },
};

const char *tool_name(enum tool t)
{
	return (unsigned)t < TOOL_COUNT_ ? tools[t].name : "?";
}

const char *tool_path(enum tool t, char *const *envp)
{
	size_t n;

	if ((unsigned)t >= TOOL_COUNT_)
		return "/nonexistent";
	if (!envp)
		envp = environ;
	n = strlen(tools[t].env);
	for (char *const *e = envp; *e; e++)
		if (strncmp(*e, tools[t].env, n) == 0 && (*e)[n] == '=' && (*e)[n + 1] == '/')
			return *e + n + 1;
	return tools[t].path;
}
