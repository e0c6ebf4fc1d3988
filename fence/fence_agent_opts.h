/* fence_twinhead's options, the fence-agents way: `key=value` lines on
 * stdin (what pacemaker-fenced, pcs and stonith_admin send) or command-line
 * options (what people type), one table for both and for the metadata.
 *
 * Pure code over strings: no I/O, no logging. Every failure returns -EINVAL
 * with one line in why that a person can act on. */
#ifndef TWINHEAD_FENCE_AGENT_OPTS_H
#define TWINHEAD_FENCE_AGENT_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

enum fence_agent_action {
	FA_ACT_NONE,
	FA_ACT_OFF,
	FA_ACT_ON,
	FA_ACT_REBOOT,
	FA_ACT_STATUS,
	FA_ACT_MONITOR,
	FA_ACT_LIST,
	FA_ACT_METADATA,
	FA_ACT_VALIDATE,
};

#define FA_POWER_TIMEOUT_S_DEFAULT 20
#define FA_CIPHER_DEFAULT 3

struct fence_agent_opts {
	enum fence_agent_action action;
	char ip[64];            /* the BMC: an address literal (no DNS: see fence_ipmi.h) */
	unsigned ipport;        /* 0: not given (623, or the port inside ip) */
	char username[32];
	char password_file[256];
	unsigned cipher;
	unsigned power_timeout_s;   /* deadline of off/on/reboot and of each read */
	unsigned delay_s;           /* wait before off/reboot (fence-agents' delay) */
	char plug[64];              /* the node this device fences (plug/port/nodename) */
	bool quorumd;               /* ask twinhead-quorumd first (off, reboot) */
	char quorumd_state[256];    /* its state file; "" = the built-in path */
	bool seen_action;           /* action given (stdin or -o) */
};

/* Defaults: action reboot (as fence-agents), cipher 3, power_timeout 20 s,
 * quorumd on. */
void fence_agent_opts_init(struct fence_agent_opts *o);

/* One `key=value` line from stdin (no newline). Keys fence-agents spell
 * two ways are both taken (ip/ipaddr, username/login, plug/port,
 * action/option). A password, passwd, password_script or passwd_script
 * is refused: the password comes from password_file only. Unknown keys
 * and empty or comment lines are ignored (*ignored set), as fence-agents
 * do: Pacemaker passes keys of its own. */
int fence_agent_opts_line(struct fence_agent_opts *o, const char *line, bool *ignored,
			  char *why, size_t whylen);

/* Command-line options (getopt_long: -o/--action, -a/--ip, -u/--ipport,
 * -l/--username, --password-file, -C/--cipher, --power-timeout, --delay,
 * -n/--plug, --quorumd, --quorumd-state; -h, -V). Unknown options and
 * stray arguments are errors. *help / *version set for -h / -V. */
int fence_agent_opts_argv(struct fence_agent_opts *o, int argc, char **argv, bool *help,
			  bool *version, char *why, size_t whylen);

/* What an action needs: ip, username, password_file for every action
 * that talks to the BMC. 0 or -EINVAL with why. */
int fence_agent_opts_check(const struct fence_agent_opts *o, char *why, size_t whylen);

/* "off" -> FA_ACT_OFF ...; FA_ACT_NONE for anything else. */
enum fence_agent_action fence_agent_action_parse(const char *s);
const char *fence_agent_action_name(enum fence_agent_action a);

/* The fence-agents metadata XML (resource-agent, parameters with getopt
 * and content, actions), from the same table the parsers use. */
void fence_agent_opts_metadata(struct strbuf *b, const char *agent_name);

/* The --help text, from the same table. */
void fence_agent_opts_usage(struct strbuf *b, const char *agent_name);

#endif
