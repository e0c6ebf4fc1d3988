/* ocf_twinhead_<agent>(7), written from the same table as the meta-data,
 * so the page cannot disagree with what the agent accepts. */
#include "config.h"
#include "ocf.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

/* Writes text as roff body text: backslashes escaped, a line that would
 * start with a control character protected, blank lines kept as paragraph
 * breaks. */
static void roff_text(FILE *out, const char *s)
{
	bool bol = true;

	for (; s && *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", out);
		bol = false;
		switch (*s) {
		case '\\':
			fputs("\\e", out);
			break;
		case '-':
			fputs("\\-", out);
			break;
		case '\n':
			if (s[1] == '\n') {
				fputs("\n.PP\n", out);
				while (s[1] == '\n')
					s++;
			} else {
				fputc('\n', out);
			}
			bol = true;
			break;
		default:
			fputc(*s, out);
		}
	}
	if (!bol)
		fputc('\n', out);
}

static void upper(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < len; i++)
		dst[i] = (char)toupper((unsigned char)src[i]);
	dst[i] = '\0';
}

static const char *type_word(enum ocf_type t)
{
	switch (t) {
	case OCF_TYPE_INTEGER:
		return "integer";
	case OCF_TYPE_BOOLEAN:
		return "boolean";
	case OCF_TYPE_SELECT:
		return "one of";
	case OCF_TYPE_STRING:
		break;
	}
	return "string";
}

static void write_param(FILE *out, const struct ocf_param *p)
{
	fprintf(out, ".TP\n\\fB%s\\fR (%s", p->name, type_word(p->type));
	if (p->type == OCF_TYPE_SELECT)
		for (const char *const *o = p->options; o && *o; o++)
			fprintf(out, "%s\\fI%s\\fR", o == p->options ? " " : ", ", *o);
	if (p->type == OCF_TYPE_INTEGER && (p->min || p->max))
		fprintf(out, ", %ld to %ld", p->min, p->max);
	if (p->flags & OCF_REQUIRED)
		fputs(", required", out);
	if (p->flags & OCF_UNIQUE)
		fputs(", unique", out);
	if (p->flags & OCF_RELOADABLE)
		fputs(", reloadable", out);
	if (p->deflt)
		fprintf(out, ", default \\(lq%s\\(rq", p->deflt);
	fputs(")\n", out);
	roff_text(out, p->longdesc);
}

int ocf_manpage_write(const struct ocf_agent *agent, FILE *out)
{
	char up[64];

	upper(up, agent->name, sizeof(up));
	fprintf(out, ".\\\" Generated from the agent's parameter table by `%s man-page`.\n",
		agent->name);
	fprintf(out, ".TH OCF_TWINHEAD_%s 7 \"\" \"twinhead %s\" \"OCF resource agents\"\n",
		up, PACKAGE_VERSION);
	fprintf(out, ".SH NAME\nocf_twinhead_%s \\- ", agent->name);
	roff_text(out, agent->shortdesc);
	fprintf(out, ".SH SYNOPSIS\n\\fB%s\\fR", agent->name);
	for (size_t i = 0; i < agent->n_actions; i++) {
		bool seen = false;

		/* monitor may be listed once per depth: name it once. */
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(agent->actions[j].name, agent->actions[i].name) == 0;
		if (!seen)
			fprintf(out, "%s%s", i ? " | " : " ", agent->actions[i].name);
	}
	fputs("\n.PP\n", out);
	fprintf(out, "pcs resource create \\fINAME\\fR ocf:twinhead:%s", agent->name);
	for (size_t i = 0; i < agent->n_params; i++)
		if (agent->params[i].flags & OCF_REQUIRED)
			fprintf(out, " %s=\\fIVALUE\\fR", agent->params[i].name);
	fputs("\n.br\n", out);
	fprintf(out, "crm configure primitive \\fINAME\\fR ocf:twinhead:%s params", agent->name);
	for (size_t i = 0; i < agent->n_params; i++)
		if (agent->params[i].flags & OCF_REQUIRED)
			fprintf(out, " %s=\\fIVALUE\\fR", agent->params[i].name);
	fputs("\n.SH DESCRIPTION\n", out);
	roff_text(out, agent->longdesc);

	fputs(".SH PARAMETERS\n", out);
	for (size_t i = 0; i < agent->n_params; i++)
		write_param(out, &agent->params[i]);

	fputs(".SH ACTIONS\n", out);
	fputs("Default timeouts and intervals, as the meta-data advertises them:\n", out);
	for (size_t i = 0; i < agent->n_actions; i++) {
		const struct ocf_action_spec *a = &agent->actions[i];

		fprintf(out, ".TP\n\\fB%s\\fR\ntimeout %us", a->name, a->timeout_s);
		if (a->interval_s)
			fprintf(out, ", interval %us", a->interval_s);
		if (strcmp(a->name, "monitor") == 0)
			fprintf(out, ", depth (OCF_CHECK_LEVEL) %u", a->depth);
		if (a->role)
			fprintf(out, ", role %s", a->role);
		fputc('\n', out);
	}
	fputs(".SH EXIT STATUS\n"
	      "OCF 1.1 exit codes: 0 success, 1 generic error, 2 invalid arguments,\n"
	      "3 unimplemented, 4 insufficient privileges, 5 not installed,\n"
	      "6 not configured, 7 not running, 8 running promoted, 9 failed promoted,\n"
	      "190 degraded, 191 degraded promoted.\n"
	      "Every failure ends with an\n.B ocf\\-exit\\-reason:\n"
	      "line on standard error that says what to do.\n", out);
	fputs(".SH ENVIRONMENT\n"
	      ".TP\n.B CRM_meta_timeout\n"
	      "The action's timeout in milliseconds; every external call the agent makes\n"
	      "ends before it.\n"
	      ".TP\n.B OCF_CHECK_LEVEL\nThe depth of a monitor.\n"
	      ".TP\n.BR HA_LOGFACILITY \", \" HA_logfile \", \" HA_debug\n"
	      "Where messages go besides standard error, and whether debug messages do.\n",
	      out);
	if (agent->man_extra)
		fputs(agent->man_extra, out);
	fputs(".SH SEE ALSO\n.BR crm_resource (8),\n.BR pcs (8),\n.BR crm (8),\n"
	      ".BR ocf\\-tester (8)\n", out);
	return fflush(out) == 0 ? 0 : -EIO;
}
