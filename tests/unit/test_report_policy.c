/*
 * test_report_policy.c - the policy findings writers (report_write_policy):
 * table grouping and counts, JSON bulwark.audit/v1 keys, SARIF rules and
 * locations, JUnit counts, HTML escaping of hostile strings, suppressed
 * findings, sorting, the findings' shared string copies and the gate.
 * With BW_REPORT_OUT set the documents
 * are written there (audit.json, audit.sarif, audit.junit.xml,
 * audit.html) for tests/integration/test_report_policy.sh, which checks
 * them against the SARIF schema, the bulwark.audit/v1 schema and an XML
 * parser.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "report/report.h"

#define HOSTILE "<script>alert(\"x&y\")</script>'\x1b[31m\xff"

static const struct report_framework_ref fw[] = {
    {REPORT_FW_CIS, "5.2.2"},
    {REPORT_FW_NSA, "Pod security: Pod security enforcement"},
    {REPORT_FW_PCI, "2.2.6"},
};

static void fill(struct report_findings *s)
{
	struct report_finding f = {
	    .id = "BW-K8S-001",
	    .name = "privileged-container",
	    .severity = VULN_SEV_HIGH,
	    .title = "Containers must not run privileged",
	    .message = "container \"app\" runs privileged",
	    .remediation = "Remove securityContext.privileged.",
	    .rationale = "Root in it is root on the node.",
	    .file = "deploy/web app.yaml",
	    .doc = 1,
	    .item = -1,
	    .line = 12,
	    .kind = "Deployment",
	    .ns = "shop",
	    .obj_name = "web",
	    .container = "app",
	    .path = "spec.template.spec.containers[0].securityContext."
		    "privileged",
	    .frameworks = fw,
	    .nframeworks = 3,
	};

	memset(s, 0, sizeof(*s));
	assert_int_equal(report_findings_add_rule(s, &f), 0);
	assert_int_equal(report_findings_add(s, &f), 0);
	f.id = "BW-K8S-003";
	f.name = "writable-root-filesystem";
	f.severity = VULN_SEV_MEDIUM;
	f.message = HOSTILE;
	f.container = HOSTILE;
	f.nframeworks = 1;
	assert_int_equal(report_findings_add_rule(s, &f), 0);
	assert_int_equal(report_findings_add(s, &f), 0);
	/* another object, suppressed */
	f.id = "BW-K8S-013";
	f.name = "runtime-socket";
	f.severity = VULN_SEV_CRITICAL;
	f.message = "pod mounts /var/run/docker.sock";
	f.kind = "DaemonSet";
	f.obj_name = "agent";
	f.doc = 0;
	f.line = 1;
	f.container = NULL;
	f.path = "spec.template.spec.volumes[0].hostPath.path";
	f.suppressed = 1;
	f.suppress_reason = "annotation bulwark.io/ignore: needs docker";
	assert_int_equal(report_findings_add_rule(s, &f), 0);
	assert_int_equal(report_findings_add(s, &f), 0);
	/* a check that ran and found nothing */
	f.id = "BW-K8S-009";
	f.name = "host-network";
	assert_int_equal(report_findings_add_rule(s, &f), 0);
	s->objects = 4;
	assert_int_equal(report_findings_set_target(s, "deploy/"), 0);
	report_findings_sort(s);
}

static char *render(const struct report_findings *s, enum report_format fmt,
		    int show_suppressed, const char *name)
{
	struct report_opts o = {.tool_version = "0.1.0",
				.fixed_time = "2026-01-02T03:04:05Z",
				.show_suppressed = show_suppressed};
	struct bw_error err = {0};
	const char *dir = getenv("BW_REPORT_OUT");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(report_write_policy(f, fmt, s, &o, &err), 0);
	fclose(f);
	if (dir && name) {
		char path[1024];
		FILE *w;

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		w = fopen(path, "w");
		assert_non_null(w);
		fwrite(buf, 1, len, w);
		fclose(w);
	}
	return buf;
}

static void test_sort_puts_objects_together_severity_first(void **st)
{
	struct report_findings s;

	(void)st;
	fill(&s);
	assert_int_equal(s.n, 3);
	/* doc 0 (DaemonSet) before doc 1; within doc 1 high before medium */
	assert_string_equal(s.f[0].id, "BW-K8S-013");
	assert_string_equal(s.f[1].id, "BW-K8S-001");
	assert_string_equal(s.f[2].id, "BW-K8S-003");
	assert_int_equal(report_findings_gate(&s, VULN_SEV_CRITICAL), 0);
	assert_int_equal(report_findings_gate(&s, VULN_SEV_HIGH), 1);
	assert_int_equal(report_findings_gate(&s, VULN_SEV_NONE), 1);
	report_findings_free(&s);
	report_findings_free(NULL);
}

static void test_table_groups_by_object_and_is_terminal_safe(void **st)
{
	struct report_findings s;
	char *t;

	(void)st;
	fill(&s);
	t = render(&s, REPORT_TABLE, 0, "audit.txt");
	assert_non_null(strstr(t, "Deployment/shop/web (deploy/web app.yaml, "
				  "document 2, line 12)\n"));
	assert_null(strstr(t, "DaemonSet")); /* suppressed, not shown */
	assert_null(strchr(t, '\x1b'));
	assert_non_null(strstr(t, "2 findings in 1 of 4 objects (0 critical, "
				  "1 high, 1 medium, 0 low), 1 suppressed"));
	free(t);
	t = render(&s, REPORT_TABLE, 1, NULL);
	assert_non_null(strstr(t, "suppressed: annotation bulwark.io/ignore: "
				  "needs docker"));
	free(t);
	report_findings_free(&s);
}

static void test_json_has_schema_checks_and_locations(void **st)
{
	struct report_findings s;
	json_error_t je;
	json_t *j, *f;
	char *t;

	(void)st;
	fill(&s);
	t = render(&s, REPORT_JSON, 0, "audit.json");
	j = json_loads(t, 0, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "schema")),
			    "bulwark.audit/v1");
	assert_int_equal(json_array_size(json_object_get(j, "checks")), 4);
	assert_int_equal(json_array_size(json_object_get(j, "findings")), 3);
	f = json_array_get(json_object_get(j, "findings"), 1);
	assert_string_equal(
	    json_string_value(json_object_get(
		json_object_get(json_object_get(f, "location"), "object"),
		"namespace")),
	    "shop");
	assert_int_equal(json_integer_value(json_object_get(
			     json_object_get(f, "location"), "line")),
			 12);
	assert_true(json_is_false(json_object_get(f, "suppressed")));
	/* invalid UTF-8 replaced, not a lost report */
	assert_non_null(strstr(t, "\\ufffd") ? t : strstr(t, "\xef\xbf\xbd"));
	json_decref(j);
	free(t);
	report_findings_free(&s);
}

static void test_sarif_rules_results_and_locations(void **st)
{
	struct report_findings s;
	json_error_t je;
	json_t *j, *run, *rules, *res, *loc;
	char *t;

	(void)st;
	fill(&s);
	t = render(&s, REPORT_SARIF, 1, "audit.sarif");
	j = json_loads(t, 0, &je);
	assert_non_null(j);
	run = json_array_get(json_object_get(j, "runs"), 0);
	rules = json_object_get(
	    json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	assert_int_equal(json_array_size(rules), 4); /* incl. 009, no hits */
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(rules, 0), "id")),
	    "BW-K8S-001");
	res = json_object_get(run, "results");
	assert_int_equal(json_array_size(res), 3);
	loc = json_array_get(
	    json_object_get(json_array_get(res, 1), "locations"), 0);
	assert_string_equal(
	    json_string_value(json_object_get(
		json_object_get(json_object_get(loc, "physicalLocation"),
				"artifactLocation"),
		"uri")),
	    "deploy/web%20app.yaml");
	assert_int_equal(
	    json_integer_value(json_object_get(
		json_object_get(json_object_get(loc, "physicalLocation"),
				"region"),
		"startLine")),
	    12);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(res, 1), "level")),
	    "error");
	assert_non_null(
	    json_object_get(json_array_get(res, 0), "suppressions"));
	json_decref(j);
	free(t);
	report_findings_free(&s);
}

static size_t count(const char *h, const char *n)
{
	size_t c = 0;

	for (h = strstr(h, n); h; h = strstr(h + 1, n))
		c++;
	return c;
}

static void test_junit_suites_per_check(void **st)
{
	struct report_findings s;
	char *t;

	(void)st;
	fill(&s);
	t = render(&s, REPORT_JUNIT, 0, "audit.junit.xml");
	assert_non_null(strstr(t, "<testsuites name=\"bulwark\" tests=\"4\" "
				  "failures=\"2\" skipped=\"1\""));
	assert_int_equal(count(t, "<testsuite "), 4);
	assert_int_equal(count(t, "<failure "), 2);
	assert_int_equal(count(t, "<skipped "), 1);
	assert_non_null(strstr(t, "name=\"no findings\""));
	assert_null(strstr(t, "<script>"));
	assert_null(strchr(t, '\x1b'));
	free(t);
	report_findings_free(&s);
}

static void test_html_escapes_hostile_strings(void **st)
{
	struct report_findings s;
	char *t;

	(void)st;
	fill(&s);
	t = render(&s, REPORT_HTML, 1, "audit.html");
	assert_non_null(strstr(t, "<!DOCTYPE html>"));
	assert_null(strstr(t, "<script"));
	assert_null(strstr(t, "http://"));
	assert_null(strstr(t, "https://"));
	assert_null(strchr(t, '\x1b'));
	assert_non_null(strstr(
	    t, "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;&#39;"));
	assert_int_equal(count(t, "<table>"), 2);
	assert_non_null(strstr(t, "<td>5.2.2</td>"));
	assert_non_null(strstr(t, "Suppressed: annotation"));
	free(t);
	report_findings_free(&s);
}

static void test_sbom_formats_refused_and_junit_refused_for_scan(void **st)
{
	struct report_findings s;
	struct bw_error err = {0};
	struct scan_result r = {0};
	enum report_format f;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)st;
	fill(&s);
	assert_int_equal(report_write_policy(out, REPORT_SPDX, &s, NULL, &err),
			 -EINVAL);
	assert_int_equal(report_write(out, REPORT_HTML, &r, NULL, &err),
			 -EINVAL);
	assert_int_equal(report_format_parse("junit", &f), 0);
	assert_int_equal(f, REPORT_JUNIT);
	assert_int_equal(report_format_parse("HTML", &f), 0);
	assert_int_equal(f, REPORT_HTML);
	fclose(out);
	free(buf);
	report_findings_free(&s);
}

static void test_long_strings_are_cut_at_utf8_boundary(void **st)
{
	struct report_findings s = {0};
	struct report_finding f = {.id = "X", .doc = -1, .item = -1};
	char *big = malloc(REPORT_MAX_TEXT * 2);

	(void)st;
	memset(big, 'a', REPORT_MAX_TEXT * 2);
	big[REPORT_MAX_TEXT - 2] = '\xc3'; /* a 2-byte char across the cut */
	big[REPORT_MAX_TEXT - 1] = '\xa9';
	big[REPORT_MAX_TEXT * 2 - 1] = '\0';
	f.message = big;
	assert_int_equal(report_findings_add(&s, &f), 0);
	assert_int_equal(strlen(s.f[0].message), REPORT_MAX_TEXT - 2);
	assert_int_equal(report_findings_add(&s, &(struct report_finding){0}),
			 -EINVAL);
	free(big);
	report_findings_free(&s);
}

/* Shared copies are keyed by the caller's pointer: a buffer reused for
 * other text (or cut text) must not get the earlier copy. */
static void test_add_copies_a_reused_buffer_each_time(void **st)
{
	struct report_findings s = {0};
	struct report_framework_ref refs[2] = {{"FW", "1.1"}, {"FW", "2.2"}};
	char title[32], name[32], *big = malloc(REPORT_MAX_TEXT + 8);
	struct report_finding f = {.id = "X",
				   .title = title,
				   .obj_name = name,
				   .frameworks = refs,
				   .nframeworks = 2,
				   .doc = -1,
				   .item = -1};

	(void)st;
	assert_non_null(big);
	snprintf(title, sizeof(title), "first title");
	snprintf(name, sizeof(name), "web");
	assert_int_equal(report_findings_add(&s, &f), 0);
	assert_int_equal(report_findings_add(&s, &f), 0);
	snprintf(title, sizeof(title), "first titlf");
	snprintf(name, sizeof(name), "we");
	refs[1].control = "3.3";
	assert_int_equal(report_findings_add(&s, &f), 0);
	/* cut text: the same pointer, first longer then cut the same way */
	memset(big, 'a', REPORT_MAX_TEXT + 7);
	big[REPORT_MAX_TEXT + 7] = '\0';
	f.title = big;
	assert_int_equal(report_findings_add(&s, &f), 0);
	big[REPORT_MAX_TEXT + 2] = '\0';
	assert_int_equal(report_findings_add(&s, &f), 0);
	big[REPORT_MAX_TEXT - 3] = '\0';
	assert_int_equal(report_findings_add(&s, &f), 0);

	assert_int_equal(s.n, 6);
	assert_string_equal(s.f[0].title, "first title");
	assert_string_equal(s.f[1].title, "first title");
	assert_ptr_equal(s.f[0].title, s.f[1].title); /* stored once */
	assert_string_equal(s.f[1].obj_name, "web");
	assert_string_equal(s.f[1].frameworks[1].control, "2.2");
	assert_string_equal(s.f[2].title, "first titlf");
	assert_string_equal(s.f[2].obj_name, "we");
	assert_string_equal(s.f[2].frameworks[1].control, "3.3");
	assert_string_equal(s.f[0].frameworks[1].control, "2.2");
	assert_int_equal(strlen(s.f[3].title), REPORT_MAX_TEXT - 1);
	assert_int_equal(strlen(s.f[4].title), REPORT_MAX_TEXT - 1);
	assert_int_equal(strlen(s.f[5].title), REPORT_MAX_TEXT - 3);
	free(big);
	report_findings_free(&s);
}

/* Sorting takes a shortcut when the objects are already in order: the
 * result must be what sorting the whole array gives, ties in the order
 * they were added. */
static void check_sorted(const struct report_findings *s)
{
	for (size_t i = 1; i < s->n; i++) {
		const struct report_finding *a = &s->f[i - 1], *b = &s->f[i];
		int c = a->doc != b->doc ? (a->doc < b->doc ? -1 : 1)
					 : strcmp(a->obj_name, b->obj_name);

		if (!c && a->severity != b->severity)
			c = a->severity > b->severity ? -1 : 1;
		if (!c)
			c = strcmp(a->id, b->id);
		if (!c)
			c = strcmp(a->path, b->path);
		if (!c) /* tie: the message holds the order of adding */
			c = strtol(a->message, NULL, 10) <
				    strtol(b->message, NULL, 10)
				? -1
				: 1;
		assert_true(c < 0);
	}
}

static void add_numbered(struct report_findings *s, int doc, const char *obj,
			 const char *id, enum vuln_severity sev,
			 const char *path)
{
	char msg[16];
	struct report_finding f = {.id = id,
				   .severity = sev,
				   .message = msg,
				   .file = "m.yaml",
				   .doc = doc,
				   .item = -1,
				   .kind = "Pod",
				   .obj_name = obj,
				   .path = path};

	snprintf(msg, sizeof(msg), "%zu", s->n);
	assert_int_equal(report_findings_add(s, &f), 0);
}

static void test_sort_in_order_objects_same_as_full_sort(void **st)
{
	static const char *const ids[] = {"B", "A", "C", "A"};
	static const char *const paths[] = {"x", "y", "x", "x"};
	struct report_findings s = {0};
	int round, doc, k;

	(void)st;
	for (round = 0; round < 2; round++) {
		memset(&s, 0, sizeof(s));
		for (doc = 0; doc < 50; doc++) {
			/* round 1: documents out of order (the full sort) */
			int d = round ? (doc * 7) % 50 : doc;

			for (k = 0; k < 12; k++)
				add_numbered(
				    &s, d, d % 2 ? "a" : "b", ids[(k + d) % 4],
				    (enum vuln_severity)(k % 3), paths[k % 4]);
			add_numbered(&s, d, d % 2 ? "a" : "b", "A",
				     VULN_SEV_LOW, "x");
			add_numbered(&s, d, d % 2 ? "a" : "b", "A",
				     VULN_SEV_LOW, "x");
		}
		report_findings_sort(&s);
		assert_int_equal(s.n, 50 * 14);
		check_sorted(&s);
		report_findings_free(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sort_puts_objects_together_severity_first),
	    cmocka_unit_test(test_table_groups_by_object_and_is_terminal_safe),
	    cmocka_unit_test(test_json_has_schema_checks_and_locations),
	    cmocka_unit_test(test_sarif_rules_results_and_locations),
	    cmocka_unit_test(test_junit_suites_per_check),
	    cmocka_unit_test(test_html_escapes_hostile_strings),
	    cmocka_unit_test(
		test_sbom_formats_refused_and_junit_refused_for_scan),
	    cmocka_unit_test(test_long_strings_are_cut_at_utf8_boundary),
	    cmocka_unit_test(test_add_copies_a_reused_buffer_each_time),
	    cmocka_unit_test(test_sort_in_order_objects_same_as_full_sort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
