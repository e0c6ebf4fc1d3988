/* The meta-data action: an OCF 1.1 document written from the agent table.
 *
 * Debian's /usr/share/resource-agents/ra-api-1.dtd predates OCF 1.1: it has
 * no reloadable attribute, no select type, no option element, no
 * reload-agent action (Pacemaker's own ocf:pacemaker:Dummy fails it too).
 * An XML internal subset may add attributes but cannot redeclare an element,
 * so the document carries the whole DTD it conforms to: every declaration of
 * ra-api-1.dtd, with exactly the OCF 1.1 additions. ocf-tester validates
 * against the document's own DTD and passes; tests/agents/metadata_valid.sh
 * also strips the 1.1 additions and validates the rest against the installed
 * ra-api-1.dtd, so nothing else drifts. */
#include "config.h"
#include "ocf.h"

#include <errno.h>
#include <libxml/xmlwriter.h>
#include <string.h>

static const char ocf_dtd[] =
	"\n<!ELEMENT resource-agent (version,longdesc,shortdesc,parameters?,actions)>\n"
	"<!ATTLIST resource-agent name CDATA #REQUIRED version CDATA #IMPLIED>\n"
	"<!ELEMENT version (#PCDATA)>\n"
	"<!ELEMENT parameters (parameter*)>\n"
	"<!ELEMENT actions (action*)>\n"
	"<!ELEMENT parameter (longdesc+,shortdesc+,content)>\n"
	"<!ATTLIST parameter name CDATA #REQUIRED required (1|0) \"0\""
	" unique (1|0) \"0\" reloadable (1|0) \"0\">\n"
	"<!ELEMENT longdesc ANY>\n"
	"<!ATTLIST longdesc lang NMTOKEN #IMPLIED>\n"
	"<!ELEMENT shortdesc ANY>\n"
	"<!ATTLIST shortdesc lang NMTOKEN #IMPLIED>\n"
	"<!ELEMENT content (option*)>\n"
	"<!ATTLIST content type (string|integer|boolean|time|select) #REQUIRED"
	" default CDATA #IMPLIED>\n"
	"<!ELEMENT option EMPTY>\n"
	"<!ATTLIST option value CDATA #REQUIRED>\n"
	"<!ELEMENT action EMPTY>\n"
	"<!ATTLIST action name (start|stop|recover|monitor|restart|migrate_to|"
	"migrate_from|promote|demote|notify|status|reload|reload-agent|meta-data|"
	"usage|methods|validate-all) #REQUIRED timeout CDATA #REQUIRED"
	" interval CDATA #IMPLIED start-delay CDATA #IMPLIED role CDATA #IMPLIED"
	" depth CDATA #IMPLIED>\n";

static const char *type_name(enum ocf_type t)
{
	switch (t) {
	case OCF_TYPE_INTEGER:
		return "integer";
	case OCF_TYPE_BOOLEAN:
		return "boolean";
	case OCF_TYPE_SELECT:
		return "select";
	case OCF_TYPE_STRING:
		break;
	}
	return "string";
}

#define W(call)                      \
	do {                         \
		if ((call) < 0)      \
			goto fail;   \
	} while (0)

static int write_desc(xmlTextWriterPtr w, const char *tag, const char *text)
{
	if (xmlTextWriterStartElement(w, BAD_CAST tag) < 0 ||
	    xmlTextWriterWriteAttribute(w, BAD_CAST "lang", BAD_CAST "en") < 0 ||
	    xmlTextWriterWriteString(w, BAD_CAST(text ? text : "")) < 0 ||
	    xmlTextWriterEndElement(w) < 0)
		return -1;
	return 0;
}

static int write_param(xmlTextWriterPtr w, const struct ocf_param *p)
{
	W(xmlTextWriterStartElement(w, BAD_CAST "parameter"));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST p->name));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "required",
				      BAD_CAST((p->flags & OCF_REQUIRED) ? "1" : "0")));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "unique",
				      BAD_CAST((p->flags & OCF_UNIQUE) ? "1" : "0")));
	if (p->flags & OCF_RELOADABLE)
		W(xmlTextWriterWriteAttribute(w, BAD_CAST "reloadable", BAD_CAST "1"));
	W(write_desc(w, "longdesc", p->longdesc));
	W(write_desc(w, "shortdesc", p->shortdesc));
	W(xmlTextWriterStartElement(w, BAD_CAST "content"));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST type_name(p->type)));
	if (p->deflt)
		W(xmlTextWriterWriteAttribute(w, BAD_CAST "default", BAD_CAST p->deflt));
	for (const char *const *o = p->options;
	     p->type == OCF_TYPE_SELECT && o && *o; o++) {
		W(xmlTextWriterStartElement(w, BAD_CAST "option"));
		W(xmlTextWriterWriteAttribute(w, BAD_CAST "value", BAD_CAST *o));
		W(xmlTextWriterEndElement(w));
	}
	W(xmlTextWriterEndElement(w)); /* content */
	W(xmlTextWriterEndElement(w)); /* parameter */
	return 0;
fail:
	return -1;
}

static int write_action(xmlTextWriterPtr w, const struct ocf_action_spec *a)
{
	W(xmlTextWriterStartElement(w, BAD_CAST "action"));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST a->name));
	W(xmlTextWriterWriteFormatAttribute(w, BAD_CAST "timeout", "%us", a->timeout_s));
	if (a->interval_s)
		W(xmlTextWriterWriteFormatAttribute(w, BAD_CAST "interval", "%us", a->interval_s));
	if (strcmp(a->name, "monitor") == 0)
		W(xmlTextWriterWriteFormatAttribute(w, BAD_CAST "depth", "%u", a->depth));
	if (a->role)
		W(xmlTextWriterWriteAttribute(w, BAD_CAST "role", BAD_CAST a->role));
	W(xmlTextWriterEndElement(w));
	return 0;
fail:
	return -1;
}

int ocf_metadata_write(const struct ocf_agent *agent, FILE *out)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	int rc = -ENOMEM;

	if (!w)
		goto done;
	rc = -EIO;
	W(xmlTextWriterSetIndent(w, 1));
	W(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL));
	W(xmlTextWriterWriteDTD(w, BAD_CAST "resource-agent", NULL, NULL, BAD_CAST ocf_dtd));
	W(xmlTextWriterStartElement(w, BAD_CAST "resource-agent"));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST agent->name));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "version", BAD_CAST agent->version));
	W(xmlTextWriterWriteElement(w, BAD_CAST "version", BAD_CAST "1.1"));
	W(write_desc(w, "longdesc", agent->longdesc));
	W(write_desc(w, "shortdesc", agent->shortdesc));
	W(xmlTextWriterStartElement(w, BAD_CAST "parameters"));
	for (size_t i = 0; i < agent->n_params; i++)
		W(write_param(w, &agent->params[i]));
	W(xmlTextWriterEndElement(w));
	W(xmlTextWriterStartElement(w, BAD_CAST "actions"));
	for (size_t i = 0; i < agent->n_actions; i++)
		W(write_action(w, &agent->actions[i]));
	W(xmlTextWriterEndElement(w));
	W(xmlTextWriterEndDocument(w));
	xmlFreeTextWriter(w);
	w = NULL;
	rc = fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), out) ==
			     (size_t)xmlBufferLength(buf) && fflush(out) == 0
		     ? 0 : -EIO;
	goto done;
fail:
	rc = -EIO;
done:
	if (w)
		xmlFreeTextWriter(w);
	if (buf)
		xmlBufferFree(buf);
	return rc;
}
