/*
 * report.c - writing a host benchmark report: text (one line per check,
 * details for the ones that did not pass, a summary), JSON (schema
 * "bulwark.hostbench/v1", docs/hostbench.md) and JUnit XML (one testcase
 * per check: <failure> for FAIL, <skipped> for WARN and INFO).
 */
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "hostbench/hostbench.h"
#include "report/report.h"

static void text_row(FILE *out, const struct hb_row *row)
{
	const struct hb_check *c = row->check;

	fprintf(out, "[%s] %-11s %s (L%d)\n", hb_result_name(row->out.result),
		c->id, c->title, c->level);
	fprintf(out, "       actual:   %s\n", row->out.actual);
	if (row->out.result == HB_PASS)
		return;
	if (row->out.expected[0])
		fprintf(out, "       expected: %s\n", row->out.expected);
	if (row->out.result == HB_FAIL || row->out.result == HB_WARN)
		fprintf(out, "       fix:      %s\n", c->remediation);
}

static void write_text(FILE *out, const struct hb_report *r)
{
	const char *section = NULL;

	fprintf(out, "%s\nroot: %s\n", HB_BENCHMARK, r->root);
	for (size_t i = 0; i < r->n_rows; i++) {
		if (!section || strcmp(section, r->rows[i].check->section)) {
			section = r->rows[i].check->section;
			fprintf(out, "\n== %s\n", section);
		}
		text_row(out, &r->rows[i]);
	}
	fprintf(out,
		"\n== Summary: %zu checks: %zu PASS, %zu FAIL, %zu WARN, %zu "
		"INFO\n",
		r->n_rows, r->count[HB_PASS], r->count[HB_FAIL],
		r->count[HB_WARN], r->count[HB_INFO]);
}

static int write_json(FILE *out, const struct hb_report *r)
{
	json_t *doc, *checks;
	int rc;

	checks = json_array();
	for (size_t i = 0; checks && i < r->n_rows; i++) {
		const struct hb_row *row = &r->rows[i];
		const struct hb_check *c = row->check;

		json_array_append_new(
		    checks,
		    json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s}", "id",
			      c->id, "section", c->section, "title", c->title,
			      "level", c->level, "result",
			      hb_result_name(row->out.result), "actual",
			      row->out.actual, "expected", row->out.expected,
			      "remediation", c->remediation));
	}
	doc = json_pack("{s:s, s:s, s:s, s:{s:I, s:I, s:I, s:I, s:I}, s:o}",
			"schema", HB_SCHEMA, "benchmark", HB_BENCHMARK, "root",
			r->root, "summary", "total", (json_int_t)r->n_rows,
			"pass", (json_int_t)r->count[HB_PASS], "fail",
			(json_int_t)r->count[HB_FAIL], "warn",
			(json_int_t)r->count[HB_WARN], "info",
			(json_int_t)r->count[HB_INFO], "checks", checks);
	if (!doc)
		return -ENOMEM;
	rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(doc);
	return rc ? -EIO : 0;
}

static void write_junit(FILE *out, const struct hb_report *r)
{
	size_t skipped = r->count[HB_WARN] + r->count[HB_INFO];

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out,
		"<testsuites name=\"bulwark bench host\" tests=\"%zu\" "
		"failures=\"%zu\" skipped=\"%zu\">\n",
		r->n_rows, r->count[HB_FAIL], skipped);
	fprintf(out,
		"  <testsuite name=\"bulwark.hostbench\" tests=\"%zu\" "
		"failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
		r->n_rows, r->count[HB_FAIL], skipped);
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct hb_row *row = &r->rows[i];
		const struct hb_check *c = row->check;

		fputs("    <testcase classname=\"", out);
		report_xml_puts(out, c->section);
		fputs("\" name=\"", out);
		report_xml_puts(out, c->id);
		fputs(" ", out);
		report_xml_puts(out, c->title);
		fputs("\">\n", out);
		if (row->out.result == HB_FAIL) {
			fputs("      <failure message=\"", out);
			report_xml_puts(out, row->out.actual);
			fputs("\" type=\"FAIL\">expected: ", out);
			report_xml_puts(out, row->out.expected);
			fputs("\nremediation: ", out);
			report_xml_puts(out, c->remediation);
			fputs("</failure>\n", out);
		} else if (row->out.result != HB_PASS) {
			fprintf(out, "      <skipped message=\"%s: ",
				hb_result_name(row->out.result));
			report_xml_puts(out, row->out.actual);
			fputs("\"/>\n", out);
		}
		fputs("      <system-out>", out);
		report_xml_puts(out, row->out.actual);
		fputs("</system-out>\n    </testcase>\n", out);
	}
	fputs("  </testsuite>\n</testsuites>\n", out);
}

int hb_report_write(FILE *out, const struct hb_report *r, enum hb_format fmt,
		    struct bw_error *err)
{
	int rc = 0;

	switch (fmt) {
	case HB_FORMAT_TEXT:
		write_text(out, r);
		break;
	case HB_FORMAT_JSON:
		rc = write_json(out, r);
		break;
	case HB_FORMAT_JUNIT:
		write_junit(out, r);
		break;
	}
	if (!rc && (fflush(out) || ferror(out)))
		rc = -EIO;
	if (rc)
		return bw_errorf(err, rc, NULL, 0, 0,
				 "cannot write the report");
	return 0;
}
