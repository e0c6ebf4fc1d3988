/* fence_twinhead's options: one table for stdin, argv, metadata and usage.
 * See fence_agent_opts.h. */
#include "config.h"
#include "fence_agent_opts.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum fa_key {
	K_ACTION, K_IP, K_IPPORT, K_USERNAME, K_PASSWORD_FILE, K_CIPHER, K_LANPLUS,
	K_POWER_TIMEOUT, K_DELAY, K_PLUG, K_QUORUMD, K_QUORUMD_STATE, K_VERBOSE, K_COUNT
};

struct fa_param {
	const char *key, *alias;   /* stdin names */
	int shortopt;              /* 0: none */
	const char *longopt;
	const char *type;          /* metadata content type */
	const char *deflt;         /* NULL: none */
	bool required;
	const char *desc;
};

static const struct fa_param params[K_COUNT] = {
	[K_ACTION] = { "action", "option", 'o', "action", "string", "reboot", true,
		       "Fencing action: off, on, reboot, status, monitor, list, metadata, "
		       "validate-all" },
	[K_IP] = { "ip", "ipaddr", 'a', "ip", "string", NULL, true,
		   "BMC address: an IPv4 literal or [IPv6], optionally with :PORT (no host "
		   "names: a fence must not wait for DNS)" },
	[K_IPPORT] = { "ipport", NULL, 'u', "ipport", "integer", "623", false,
		       "BMC UDP port (RMCP+)" },
	[K_USERNAME] = { "username", "login", 'l', "username", "string", NULL, true,
			 "BMC user name (administrator privilege)" },
	[K_PASSWORD_FILE] = { "password_file", NULL, 0, "password-file", "string", NULL, true,
			      "File holding the BMC password, one line, mode 0600, owned by root "
			      "(the only way to give the password: never in the CIB, argv or "
			      "environment)" },
	[K_CIPHER] = { "cipher", NULL, 'C', "cipher", "integer", "3", false,
		       "IPMI 2.0 cipher suite; 0 and suites without integrity are refused" },
	[K_LANPLUS] = { "lanplus", NULL, 'P', "lanplus", "boolean", "1", false,
			"IPMI 2.0 (lanplus): always on; accepted for fence_ipmilan compatibility" },
	[K_POWER_TIMEOUT] = { "power_timeout", NULL, 0, "power-timeout", "second", "20", false,
			      "Deadline of an action, including the power-off read-back" },
	[K_DELAY] = { "delay", NULL, 0, "delay", "second", "0", false,
		      "Wait this long before off or reboot" },
	[K_PLUG] = { "plug", "port", 'n', "plug", "string", NULL, false,
		     "The node this device fences (for messages and list)" },
	[K_QUORUMD] = { "quorumd", NULL, 0, "quorumd", "boolean", "1", false,
			"Ask the local twinhead-quorumd first: when it has already read this "
			"BMC back off after the node's last sign of life, answer at once without "
			"an IPMI call" },
	[K_QUORUMD_STATE] = { "quorumd_state", NULL, 0, "quorumd-state", "string",
			      TWINHEAD_RUNDIR "/quorumd/state", false,
			      "twinhead-quorumd's state file" },
	[K_VERBOSE] = { "verbose", "debug", 'v', "verbose", "boolean", "0", false,
			"Accepted for compatibility; messages go to stderr anyway" },
};

static const char *const action_names[] = {
	[FA_ACT_NONE] = "?", [FA_ACT_OFF] = "off", [FA_ACT_ON] = "on",
	[FA_ACT_REBOOT] = "reboot", [FA_ACT_STATUS] = "status", [FA_ACT_MONITOR] = "monitor",
	[FA_ACT_LIST] = "list", [FA_ACT_METADATA] = "metadata",
	[FA_ACT_VALIDATE] = "validate-all",
};

static int fa_fail(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fa_fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

enum fence_agent_action fence_agent_action_parse(const char *s)
{
	for (size_t i = 1; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (!strcmp(s, action_names[i]))
			return (enum fence_agent_action)i;
	/* fence-agents' older names */
	if (!strcmp(s, "meta-data"))
		return FA_ACT_METADATA;
	if (!strcmp(s, "validate_all"))
		return FA_ACT_VALIDATE;
	return FA_ACT_NONE;
}

const char *fence_agent_action_name(enum fence_agent_action a)
{
	return (unsigned)a < sizeof(action_names) / sizeof(action_names[0]) ? action_names[a] : "?";
}

void fence_agent_opts_init(struct fence_agent_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->action = FA_ACT_REBOOT;
	o->cipher = FA_CIPHER_DEFAULT;
	o->power_timeout_s = FA_POWER_TIMEOUT_S_DEFAULT;
	o->quorumd = true;
}

static int fa_uint(const char *v, unsigned long max, unsigned *out)
{
	unsigned long n = 0;

	if (!*v || strlen(v) > 9)
		return -EINVAL;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		n = n * 10 + (unsigned long)(*p - '0');
	}
	if (n > max)
		return -EINVAL;
	*out = (unsigned)n;
	return 0;
}

static int fa_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on", "" };
	static const char *const no[] = { "0", "false", "no", "off" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!strcasecmp(v, yes[i])) {
			*out = true;
			return 0;
		}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (!strcasecmp(v, no[i])) {
			*out = false;
			return 0;
		}
	return -EINVAL;
}

static int fa_copy(char *dst, size_t len, const char *v, const char *key, char *why,
		   size_t whylen)
{
	size_t n = strlen(v);

	if (n == 0 || n >= len)
		return fa_fail(why, whylen, "%s: empty or longer than %zu bytes", key, len - 1);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return fa_fail(why, whylen, "%s: control character", key);
	memcpy(dst, v, n + 1);
	return 0;
}

/* Sets option k from v. */
static int fa_set(struct fence_agent_opts *o, enum fa_key k, const char *v, char *why,
		  size_t whylen)
{
	const char *key = params[k].key;
	bool b;

	switch (k) {
	case K_ACTION:
		o->action = fence_agent_action_parse(v);
		o->seen_action = true;
		if (o->action == FA_ACT_NONE)
			return fa_fail(why, whylen, "unknown action '%.40s' (off, on, reboot, status, "
				       "monitor, list, metadata, validate-all)", v);
		return 0;
	case K_IP:
		return fa_copy(o->ip, sizeof(o->ip), v, key, why, whylen);
	case K_IPPORT:
		if (fa_uint(v, 65535, &o->ipport) < 0 || o->ipport == 0)
			return fa_fail(why, whylen, "ipport '%.20s' is not a port (1-65535)", v);
		return 0;
	case K_USERNAME:
		return fa_copy(o->username, sizeof(o->username), v, key, why, whylen);
	case K_PASSWORD_FILE:
		if (v[0] != '/')
			return fa_fail(why, whylen, "password_file '%.100s' is not an absolute path", v);
		return fa_copy(o->password_file, sizeof(o->password_file), v, key, why, whylen);
	case K_CIPHER:
		if (fa_uint(v, 255, &o->cipher) < 0)
			return fa_fail(why, whylen, "cipher '%.20s' is not a number (0-255)", v);
		return 0;
	case K_LANPLUS:
		if (fa_bool(v, &b) < 0 || !b)
			return fa_fail(why, whylen, "lanplus '%.20s': only IPMI 2.0 (lanplus=1) is "
				       "supported: IPMI 1.5 has no integrity protection", v);
		return 0;
	case K_POWER_TIMEOUT:
		if (fa_uint(v, 3600, &o->power_timeout_s) < 0 || o->power_timeout_s == 0)
			return fa_fail(why, whylen, "power_timeout '%.20s' is not 1-3600 seconds", v);
		return 0;
	case K_DELAY:
		if (fa_uint(v, 3600, &o->delay_s) < 0)
			return fa_fail(why, whylen, "delay '%.20s' is not 0-3600 seconds", v);
		return 0;
	case K_PLUG:
		return fa_copy(o->plug, sizeof(o->plug), v, key, why, whylen);
	case K_QUORUMD:
		if (fa_bool(v, &o->quorumd) < 0)
			return fa_fail(why, whylen, "quorumd '%.20s' is not a boolean", v);
		return 0;
	case K_QUORUMD_STATE:
		if (v[0] != '/')
			return fa_fail(why, whylen, "quorumd_state '%.100s' is not an absolute path", v);
		return fa_copy(o->quorumd_state, sizeof(o->quorumd_state), v, key, why, whylen);
	case K_VERBOSE:
	case K_COUNT:
		return 0;
	}
	return 0;
}

static int fa_secret_key(const char *k)
{
	return !strcmp(k, "password") || !strcmp(k, "passwd") || !strcmp(k, "password_script") ||
	       !strcmp(k, "passwd_script");
}

int fence_agent_opts_line(struct fence_agent_opts *o, const char *line, bool *ignored,
			  char *why, size_t whylen)
{
	const char *eq;
	char key[48];
	size_t kl;

	*ignored = false;
	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '#') {
		*ignored = true;
		return 0;
	}
	eq = strchr(line, '=');
	if (!eq)
		return fa_fail(why, whylen, "'%.40s' is not key=value", line);
	kl = (size_t)(eq - line);
	if (kl == 0 || kl >= sizeof(key))
		return fa_fail(why, whylen, "'%.40s': bad key", line);
	memcpy(key, line, kl);
	key[kl] = '\0';
	if (fa_secret_key(key))
		return fa_fail(why, whylen, "%s is refused: give the BMC password in a file "
			       "(password_file=), never in the CIB or on a command line", key);
	/* Pacemaker names the target "nodename"; take it when no plug was set. */
	if (!strcmp(key, "nodename")) {
		if (!o->plug[0])
			return fa_copy(o->plug, sizeof(o->plug), eq + 1, key, why, whylen);
		return 0;
	}
	for (int k = 0; k < K_COUNT; k++)
		if (!strcmp(key, params[k].key) || (params[k].alias && !strcmp(key, params[k].alias)))
			return fa_set(o, (enum fa_key)k, eq + 1, why, whylen);
	*ignored = true;
	return 0;
}

int fence_agent_opts_argv(struct fence_agent_opts *o, int argc, char **argv, bool *help,
			  bool *version, char *why, size_t whylen)
{
	struct option lo[K_COUNT + 6];
	char shorts[2 * K_COUNT + 8];
	size_t n = 0, s = 0;
	int c;

	*help = *version = false;
	for (int k = 0; k < K_COUNT; k++) {
		bool flag = k == K_VERBOSE;

		lo[n++] = (struct option){ params[k].longopt, flag ? no_argument : required_argument,
					   NULL, 1000 + k };
		if (params[k].shortopt) {
			shorts[s++] = (char)params[k].shortopt;
			if (!flag)
				shorts[s++] = ':';
		}
	}
	lo[n++] = (struct option){ "password", required_argument, NULL, 'p' };
	lo[n++] = (struct option){ "password-script", required_argument, NULL, 'S' };
	lo[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n++] = (struct option){ "version", no_argument, NULL, 'V' };
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
	memcpy(shorts + s, "p:S:hV", 7);

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		int k = -1, rc;

		if (c == 'h') {
			*help = true;
			continue;
		}
		if (c == 'V') {
			*version = true;
			continue;
		}
		if (c == 'p' || c == 'S')
			return fa_fail(why, whylen, "-%c/--password%s is refused: give the BMC "
				       "password in a file (--password-file), never on a command line",
				       c, c == 'S' ? "-script" : "");
		if (c >= 1000 && c < 1000 + K_COUNT)
			k = c - 1000;
		for (int i = 0; k < 0 && i < K_COUNT; i++)
			if (params[i].shortopt && c == params[i].shortopt)
				k = i;
		if (k < 0)
			return fa_fail(why, whylen, "unknown or incomplete option '%.40s'",
				       argv[optind - 1] ? argv[optind - 1] : "?");
		rc = fa_set(o, (enum fa_key)k, k == K_VERBOSE ? "1" : optarg, why, whylen);
		if (rc < 0)
			return rc;
	}
	if (optind < argc)
		return fa_fail(why, whylen, "unexpected argument '%.40s' (options are -o ACTION, "
			       "-a IP, ...; see --help)", argv[optind]);
	return 0;
}

int fence_agent_opts_check(const struct fence_agent_opts *o, char *why, size_t whylen)
{
	if (o->action == FA_ACT_METADATA)
		return 0;
	if (!o->ip[0])
		return fa_fail(why, whylen, "no BMC address: give ip= (or -a)");
	if (!o->username[0])
		return fa_fail(why, whylen, "no BMC user: give username= (or -l)");
	if (!o->password_file[0])
		return fa_fail(why, whylen, "no password file: give password_file= (or "
			       "--password-file): the password is read only from a file");
	return 0;
}

/* XML text: only the characters the table holds need escaping. */
static void fa_xml(struct strbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			strbuf_printf(b, "&amp;");
		else if (*s == '<')
			strbuf_printf(b, "&lt;");
		else if (*s == '>')
			strbuf_printf(b, "&gt;");
		else if (*s == '"')
			strbuf_printf(b, "&quot;");
		else
			strbuf_printf(b, "%c", *s);
	}
}

static const char *fa_content_type(const char *t)
{
	return !strcmp(t, "second") ? "second" : t;
}

void fence_agent_opts_metadata(struct strbuf *b, const char *agent_name)
{
	static const char *const acts[] = { "on", "off", "reboot", "status", "monitor", "list",
					    "metadata", "validate-all" };

	strbuf_printf(b, "<?xml version=\"1.0\" ?>\n"
		      "<resource-agent name=\"%s\" shortdesc=\"Fence agent for IPMI 2.0 BMCs "
		      "that reuses twinhead-quorumd's confirmation\">\n", agent_name);
	strbuf_printf(b, "<longdesc>%s powers a node off (and on) through its BMC with IPMI 2.0 "
		      "lanplus (libfreeipmi), and confirms every power-off with a status read. "
		      "Before calling the BMC for off or reboot it asks the local twinhead-quorumd "
		      "whether it has already read this BMC back off after the node's last slot "
		      "write on the quorum disk and after the last cluster membership that held "
		      "the node: then that confirmation answers the fence at once, and a failure "
		      "is fenced once instead of twice. The password is read from a file only. "
		      "See fence_twinhead(8).</longdesc>\n", agent_name);
	strbuf_printf(b, "<vendor-url>https://github.com/twinhead</vendor-url>\n<parameters>\n");
	for (int k = 0; k < K_COUNT; k++) {
		const struct fa_param *p = &params[k];
		const char *names[2] = { p->key, p->alias };

		for (int i = 0; i < 2 && names[i]; i++) {
			bool alias = i == 1;

			strbuf_printf(b, "\t<parameter name=\"%s\" unique=\"0\" required=\"%d\"%s>\n",
				      names[i], p->required && !alias, alias ? " deprecated=\"1\"" : "");
			if (p->shortopt)
				strbuf_printf(b, "\t\t<getopt mixed=\"-%c, --%s=[value]\" />\n",
					      p->shortopt, p->longopt);
			else
				strbuf_printf(b, "\t\t<getopt mixed=\"--%s=[value]\" />\n", p->longopt);
			strbuf_printf(b, "\t\t<content type=\"%s\"", fa_content_type(p->type));
			if (p->deflt) {
				strbuf_printf(b, " default=\"");
				fa_xml(b, p->deflt);
				strbuf_printf(b, "\"");
			}
			strbuf_printf(b, " />\n\t\t<shortdesc lang=\"en\">");
			if (alias)
				strbuf_printf(b, "Same as %s. ", p->key);
			fa_xml(b, p->desc);
			strbuf_printf(b, "</shortdesc>\n\t</parameter>\n");
		}
	}
	strbuf_printf(b, "</parameters>\n<actions>\n");
	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		strbuf_printf(b, "\t<action name=\"%s\" />\n", acts[i]);
	strbuf_printf(b, "</actions>\n</resource-agent>\n");
}

void fence_agent_opts_usage(struct strbuf *b, const char *agent_name)
{
	strbuf_printf(b, "usage: %s [OPTION]...   (or key=value lines on stdin)\n\n", agent_name);
	for (int k = 0; k < K_COUNT; k++) {
		const struct fa_param *p = &params[k];
		char opt[48];

		if (p->shortopt)
			snprintf(opt, sizeof(opt), "-%c, --%s", p->shortopt, p->longopt);
		else
			snprintf(opt, sizeof(opt), "    --%s", p->longopt);
		strbuf_printf(b, "  %-24s %s=  %s%s%s%s\n", opt, p->key, p->desc,
			      p->deflt ? " (default " : "", p->deflt ? p->deflt : "",
			      p->deflt ? ")" : "");
	}
	strbuf_printf(b, "\nExit status (fence-agents): 0 done (status: on); 2 status: off, or "
		      "bad arguments;\n1 failed; 3 login refused; 5 timed out; 7 power-off not "
		      "confirmed. See %s(8).\n", agent_name);
}
