/* meta-data from the table: a valid OCF 1.1 document that says exactly
 * what the table says. */
#include "config.h"

#include <check.h>
#include <libxml/parser.h>
#include <libxml/valid.h>
#include <libxml/xpath.h>
#include <stdlib.h>

#include "../check_tap.h"
#include "demo_agent.h"

static char *xml;
static size_t xml_len;
static xmlDocPtr doc;

static void setup(void)
{
	FILE *f = open_memstream(&xml, &xml_len);

	ck_assert_int_eq(ocf_metadata_write(&demo_agent, f), 0);
	fclose(f);
	doc = xmlReadMemory(xml, (int)xml_len, "meta-data.xml", NULL, XML_PARSE_NONET);
	ck_assert_ptr_nonnull(doc);
}

static void teardown(void)
{
	xmlFreeDoc(doc);
	free(xml);
}

/* The string value of an XPath expression, or "" (caller frees). */
static char *xp(const char *expr)
{
	xmlXPathContextPtr c = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, c);
	char *s = (char *)xmlXPathCastToString(o);

	xmlXPathFreeObject(o);
	xmlXPathFreeContext(c);
	return s;
}

static void assert_xp(const char *expr, const char *want)
{
	char *got = xp(expr);

	ck_assert_msg(strcmp(got, want) == 0, "%s: got '%s', want '%s'", expr, got, want);
	xmlFree(got);
}

START_TEST(document_is_valid_against_its_dtd)
{
	xmlValidCtxtPtr v = xmlNewValidCtxt();

	ck_assert_ptr_nonnull(doc->intSubset);
	ck_assert_int_eq(xmlValidateDocument(v, doc), 1);
	xmlFreeValidCtxt(v);
}
END_TEST

START_TEST(declares_ocf_1_1)
{
	assert_xp("string(/resource-agent/version)", "1.1");
	assert_xp("string(/resource-agent/@name)", "demo");
	assert_xp("string(/resource-agent/@version)", "9.9");
}
END_TEST

START_TEST(every_parameter_appears_in_table_order)
{
	assert_xp("count(/resource-agent/parameters/parameter)", "5");
	assert_xp("string(/resource-agent/parameters/parameter[1]/@name)", "name");
	assert_xp("string(/resource-agent/parameters/parameter[5]/@name)", "path");
}
END_TEST

START_TEST(flags_become_attributes)
{
	assert_xp("string(//parameter[@name='name']/@required)", "1");
	assert_xp("string(//parameter[@name='name']/@unique)", "1");
	assert_xp("string(//parameter[@name='count']/@required)", "0");
	assert_xp("string(//parameter[@name='count']/@reloadable)", "1");
	assert_xp("count(//parameter[@name='mode']/@reloadable)", "0");
}
END_TEST

START_TEST(types_and_defaults_are_declared)
{
	assert_xp("string(//parameter[@name='count']/content/@type)", "integer");
	assert_xp("string(//parameter[@name='count']/content/@default)", "3");
	assert_xp("string(//parameter[@name='enabled']/content/@type)", "boolean");
	assert_xp("count(//parameter[@name='path']/content/@default)", "0");
}
END_TEST

START_TEST(select_lists_its_options)
{
	assert_xp("string(//parameter[@name='mode']/content/@type)", "select");
	assert_xp("count(//parameter[@name='mode']/content/option)", "3");
	assert_xp("string(//parameter[@name='mode']/content/option[2]/@value)", "fenced");
}
END_TEST

START_TEST(text_is_escaped_and_round_trips)
{
	assert_xp("string(//parameter[@name='name']/longdesc)", "The name & <escaped> text.");
	assert_xp("string(//parameter[@name='name']/longdesc/@lang)", "en");
}
END_TEST

START_TEST(actions_carry_timeouts_intervals_and_depths)
{
	assert_xp("count(/resource-agent/actions/action)", "7");
	assert_xp("string(//action[@name='start']/@timeout)", "30s");
	assert_xp("count(//action[@name='monitor'])", "2");
	assert_xp("string(//action[@name='monitor'][2]/@interval)", "60s");
	assert_xp("string(//action[@name='monitor'][2]/@depth)", "10");
	assert_xp("count(//action[@name='reload-agent'])", "1");
}
END_TEST

START_TEST(an_unknown_action_name_would_be_invalid)
{
	/* Proves the embedded DTD constrains action names (so the validity
	 * test above can fail). */
	static const struct ocf_action_spec bad_actions[] = { { .name = "frobnicate",
								.timeout_s = 1 } };
	struct ocf_agent bad = demo_agent;
	xmlValidCtxtPtr v = xmlNewValidCtxt();
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	xmlDocPtr d;

	bad.actions = bad_actions;
	bad.n_actions = 1;
	ck_assert_int_eq(ocf_metadata_write(&bad, f), 0);
	fclose(f);
	d = xmlReadMemory(buf, (int)len, "bad.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
							   XML_PARSE_NOWARNING);
	ck_assert_ptr_nonnull(d);
	v->error = NULL;
	v->warning = NULL;
	ck_assert_int_eq(xmlValidateDocument(v, d), 0);
	xmlFreeValidCtxt(v);
	xmlFreeDoc(d);
	free(buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ocf_metadata");
	TCase *tc = tcase_create("metadata");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, document_is_valid_against_its_dtd);
	tcase_add_test(tc, declares_ocf_1_1);
	tcase_add_test(tc, every_parameter_appears_in_table_order);
	tcase_add_test(tc, flags_become_attributes);
	tcase_add_test(tc, types_and_defaults_are_declared);
	tcase_add_test(tc, select_lists_its_options);
	tcase_add_test(tc, text_is_escaped_and_round_trips);
	tcase_add_test(tc, actions_carry_timeouts_intervals_and_depths);
	tcase_add_test(tc, an_unknown_action_name_would_be_invalid);
	suite_add_tcase(s, tc);
	return check_tap_run(s);
}
