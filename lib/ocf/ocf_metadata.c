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
#include "dl.h"

#include <errno.h>
#include <libxml/xmlwriter.h>
#include <string.h>

/* libxml2, loaded only when meta-data is asked for (lib/dl.h says why). */
static struct {
	__typeof__(&xmlBufferCreate) BufferCreate;
	__typeof__(&xmlBufferContent) BufferContent;
	__typeof__(&xmlBufferLength) BufferLength;
	__typeof__(&xmlBufferFree) BufferFree;
	__typeof__(&xmlNewTextWriterMemory) NewTextWriterMemory;
	__typeof__(&xmlFreeTextWriter) FreeTextWriter;
	__typeof__(&xmlTextWriterSetIndent) SetIndent;
	__typeof__(&xmlTextWriterStartDocument) StartDocument;
	__typeof__(&xmlTextWriterEndDocument) EndDocument;
	__typeof__(&xmlTextWriterWriteDTD) WriteDTD;
	__typeof__(&xmlTextWriterStartElement) StartElement;
	__typeof__(&xmlTextWriterEndElement) EndElement;
	__typeof__(&xmlTextWriterWriteElement) WriteElement;
	__typeof__(&xmlTextWriterWriteAttribute) WriteAttribute;
	__typeof__(&xmlTextWriterWriteFormatAttribute) WriteFormatAttribute;
	__typeof__(&xmlTextWriterWriteString) WriteString;
} lx;

static int libxml2_load(void)
{
#define SYM(field, name) { name, (void **)&lx.field }
	const struct dl_sym syms[] = {
		SYM(BufferCreate, "xmlBufferCreate"),
		SYM(BufferContent, "xmlBufferContent"),
		SYM(BufferLength, "xmlBufferLength"),
		SYM(BufferFree, "xmlBufferFree"),
		SYM(NewTextWriterMemory, "xmlNewTextWriterMemory"),
		SYM(FreeTextWriter, "xmlFreeTextWriter"),
		SYM(SetIndent, "xmlTextWriterSetIndent"),
		SYM(StartDocument, "xmlTextWriterStartDocument"),
		SYM(EndDocument, "xmlTextWriterEndDocument"),
		SYM(WriteDTD, "xmlTextWriterWriteDTD"),
		SYM(StartElement, "xmlTextWriterStartElement"),
		SYM(EndElement, "xmlTextWriterEndElement"),
		SYM(WriteElement, "xmlTextWriterWriteElement"),
		SYM(WriteAttribute, "xmlTextWriterWriteAttribute"),
		SYM(WriteFormatAttribute, "xmlTextWriterWriteFormatAttribute"),
		SYM(WriteString, "xmlTextWriterWriteString"),
	};
#undef SYM
	return dl_bind(LIBXML2_SONAME, syms, sizeof(syms) / sizeof(syms[0]));
}

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
	if (lx.StartElement(w, BAD_CAST tag) < 0 ||
	    lx.WriteAttribute(w, BAD_CAST "lang", BAD_CAST "en") < 0 ||
	    lx.WriteString(w, BAD_CAST(text ? text : "")) < 0 ||
	    lx.EndElement(w) < 0)
		return -1;
	return 0;
}

static int write_param(xmlTextWriterPtr w, const struct ocf_param *p)
{
	W(lx.StartElement(w, BAD_CAST "parameter"));
	W(lx.WriteAttribute(w, BAD_CAST "name", BAD_CAST p->name));
	W(lx.WriteAttribute(w, BAD_CAST "required",
				      BAD_CAST((p->flags & OCF_REQUIRED) ? "1" : "0")));
	W(lx.WriteAttribute(w, BAD_CAST "unique",
				      BAD_CAST((p->flags & OCF_UNIQUE) ? "1" : "0")));
	if (p->flags & OCF_RELOADABLE)
		W(lx.WriteAttribute(w, BAD_CAST "reloadable", BAD_CAST "1"));
	W(write_desc(w, "longdesc", p->longdesc));
	W(write_desc(w, "shortdesc", p->shortdesc));
	W(lx.StartElement(w, BAD_CAST "content"));
	W(lx.WriteAttribute(w, BAD_CAST "type", BAD_CAST type_name(p->type)));
	if (p->deflt)
		W(lx.WriteAttribute(w, BAD_CAST "default", BAD_CAST p->deflt));
	for (const char *const *o = p->options;
	     p->type == OCF_TYPE_SELECT && o && *o; o++) {
		W(lx.StartElement(w, BAD_CAST "option"));
		W(lx.WriteAttribute(w, BAD_CAST "value", BAD_CAST *o));
		W(lx.EndElement(w));
	}
	W(lx.EndElement(w)); /* content */
	W(lx.EndElement(w)); /* parameter */
	return 0;
fail:
	return -1;
}

static int write_action(xmlTextWriterPtr w, const struct ocf_action_spec *a)
{
	W(lx.StartElement(w, BAD_CAST "action"));
	W(lx.WriteAttribute(w, BAD_CAST "name", BAD_CAST a->name));
	W(lx.WriteFormatAttribute(w, BAD_CAST "timeout", "%us", a->timeout_s));
	if (a->interval_s)
		W(lx.WriteFormatAttribute(w, BAD_CAST "interval", "%us", a->interval_s));
	if (strcmp(a->name, "monitor") == 0)
		W(lx.WriteFormatAttribute(w, BAD_CAST "depth", "%u", a->depth));
	if (a->role)
		W(lx.WriteAttribute(w, BAD_CAST "role", BAD_CAST a->role));
	W(lx.EndElement(w));
	return 0;
fail:
	return -1;
}

int ocf_metadata_write(const struct ocf_agent *agent, FILE *out)
{
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr w = NULL;
	int rc;

	rc = libxml2_load();
	if (rc < 0)
		return rc;
	rc = -ENOMEM;
	buf = lx.BufferCreate();
	w = buf ? lx.NewTextWriterMemory(buf, 0) : NULL;
	if (!w)
		goto done;
	rc = -EIO;
	W(lx.SetIndent(w, 1));
	/* No encoding in the declaration (UTF-8 is XML's default): crmsh parses
	 * meta-data from a Python str, and lxml refuses a str that declares
	 * one ("Cannot parse meta-data XML"). */
	W(lx.StartDocument(w, "1.0", NULL, NULL));
	W(lx.WriteDTD(w, BAD_CAST "resource-agent", NULL, NULL, BAD_CAST ocf_dtd));
	W(lx.StartElement(w, BAD_CAST "resource-agent"));
	W(lx.WriteAttribute(w, BAD_CAST "name", BAD_CAST agent->name));
	W(lx.WriteAttribute(w, BAD_CAST "version", BAD_CAST agent->version));
	W(lx.WriteElement(w, BAD_CAST "version", BAD_CAST "1.1"));
	W(write_desc(w, "longdesc", agent->longdesc));
	W(write_desc(w, "shortdesc", agent->shortdesc));
	W(lx.StartElement(w, BAD_CAST "parameters"));
	for (size_t i = 0; i < agent->n_params; i++)
		W(write_param(w, &agent->params[i]));
	W(lx.EndElement(w));
	W(lx.StartElement(w, BAD_CAST "actions"));
	for (size_t i = 0; i < agent->n_actions; i++)
		W(write_action(w, &agent->actions[i]));
	W(lx.EndElement(w));
	W(lx.EndDocument(w));
	lx.FreeTextWriter(w);
	w = NULL;
	rc = fwrite(lx.BufferContent(buf), 1, (size_t)lx.BufferLength(buf), out) ==
			     (size_t)lx.BufferLength(buf) && fflush(out) == 0
		     ? 0 : -EIO;
	goto done;
fail:
	rc = -EIO;
done:
	if (w)
		lx.FreeTextWriter(w);
	if (buf)
		lx.BufferFree(buf);
	return rc;
}
