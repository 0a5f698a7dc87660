/*
 * report_junit.c - policy findings as JUnit XML, the format CI systems
 * (GitLab, Jenkins, Azure DevOps, GitHub test reporters) show as tests.
 *
 * One <testsuite> per check (the checks that ran, from the set's rules,
 * plus any id only a finding names), named "<id> <name>".  Each finding is
 * a <testcase> named after the object and field path, failing with
 * <failure type="<severity>" message="<message>"> whose text holds the
 * location and remediation; a suppressed finding is a <testcase> with
 * <skipped message="<reason>">; a check without findings is one passing
 * <testcase name="no findings">.  Every string goes through rpt_xml_puts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

struct suite {
	const char *id, *name, *title, *remediation;
	size_t tests, failures, skipped;
};

static void attr(FILE *out, const char *name, const char *v)
{
	fprintf(out, " %s=\"", name);
	report_xml_puts(out, v);
	fputc('"', out);
}

static void testcase(FILE *out, const struct report_finding *f)
{
	char label[1024];

	fputs("    <testcase", out);
	attr(out, "classname", f->id);
	rpt_object_label(f, label, sizeof(label));
	fputs(" name=\"", out);
	report_xml_puts(out, label);
	if (f->container) {
		fputs(" container ", out);
		report_xml_puts(out, f->container);
	}
	if (f->path) {
		fputs(" ", out);
		report_xml_puts(out, f->path);
	}
	fputc('"', out);
	attr(out, "file", f->file ? f->file : "");
	fputs(">\n", out);
	if (f->suppressed) {
		fputs("      <skipped", out);
		attr(out, "message",
		     f->suppress_reason ? f->suppress_reason : "suppressed");
		fputs("/>\n", out);
	} else {
		fputs("      <failure", out);
		attr(out, "type", vuln_severity_name(f->severity));
		attr(out, "message", f->message ? f->message : f->title);
		fputs(">", out);
		report_xml_puts(out, f->title);
		fputs("\n", out);
		if (f->file) {
			fputs("file: ", out);
			report_xml_puts(out, f->file);
			if (f->doc >= 0)
				fprintf(out, " (document %d, line %d)",
					f->doc + 1, f->line);
			fputs("\n", out);
		}
		if (f->path) {
			fputs("field: ", out);
			report_xml_puts(out, f->path);
			fputs("\n", out);
		}
		if (f->remediation) {
			fputs("remediation: ", out);
			report_xml_puts(out, f->remediation);
			fputs("\n", out);
		}
		fputs("</failure>\n", out);
	}
	fputs("    </testcase>\n", out);
}

static int find_suite(const struct suite *su, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(su[i].id, id))
			return (int)i;
	return -1;
}

int report_write_junit(FILE *out, const struct report_findings *s,
		       const struct report_opts *o, struct bw_error *err)
{
	struct suite *su;
	size_t i, n = 0, tests = 0, failures = 0, skipped = 0;
	char ts[64];

	su = calloc(s->nrules + s->n + 1, sizeof(*su));
	if (!su)
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	for (i = 0; i < s->nrules; i++)
		su[n++] = (struct suite){s->rules[i].id,
					 s->rules[i].name,
					 s->rules[i].title,
					 s->rules[i].remediation,
					 0,
					 0,
					 0};
	for (i = 0; i < s->n; i++) {
		const struct report_finding *f = &s->f[i];
		int k = find_suite(su, n, f->id);

		if (k < 0) {
			su[n] = (struct suite){
			    f->id, f->name, f->title, f->remediation, 0, 0, 0};
			k = (int)n++;
		}
		su[k].tests++;
		if (f->suppressed)
			su[k].skipped++;
		else
			su[k].failures++;
	}
	for (i = 0; i < n; i++) {
		if (!su[i].tests)
			su[i].tests = 1; /* the "no findings" case */
		tests += su[i].tests;
		failures += su[i].failures;
		skipped += su[i].skipped;
	}
	rpt_timestamp(o, ts, sizeof(ts));
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out,
		"<testsuites name=\"bulwark\" tests=\"%zu\" failures=\"%zu\" "
		"skipped=\"%zu\" errors=\"0\" timestamp=\"",
		tests, failures, skipped);
	report_xml_puts(out, ts);
	fputs("\">\n", out);
	for (i = 0; i < n; i++) {
		size_t k;

		fputs("  <testsuite name=\"", out);
		report_xml_puts(out, su[i].id);
		if (su[i].name) {
			fputc(' ', out);
			report_xml_puts(out, su[i].name);
		}
		fprintf(out,
			"\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\" "
			"errors=\"0\">\n",
			su[i].tests, su[i].failures, su[i].skipped);
		if (su[i].title) {
			fputs("    <properties><property name=\"title\"", out);
			attr(out, "value", su[i].title);
			fputs("/></properties>\n", out);
		}
		if (!su[i].failures && !su[i].skipped) {
			fputs("    <testcase", out);
			attr(out, "classname", su[i].id);
			fputs(" name=\"no findings\"/>\n", out);
		}
		for (k = 0; k < s->n; k++)
			if (!strcmp(s->f[k].id, su[i].id))
				testcase(out, &s->f[k]);
		fputs("  </testsuite>\n", out);
	}
	fputs("</testsuites>\n", out);
	free(su);
	return 0;
}
