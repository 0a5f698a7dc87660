/* test_report.c - the report writers (table, JSON, SARIF, CycloneDX, SPDX)
 * over a synthetic scan result (three packages of three types, four
 * findings: critical, high, a suppressed medium and one of unknown
 * severity whose summary carries an escape sequence and invalid UTF-8, and
 * one input problem), and the suppression filters: ignore files (text and
 * YAML, expiry, purl scope), OpenVEX and CycloneDX VEX
 * (tests/data/scan/), severity floor, fixed-only and the gate.
 *
 * With BW_REPORT_OUT set, the documents are also written there for
 * tests/integration/test_report_schemas.sh to validate against the
 * official JSON schemas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/report.h"
#include "scan/scan.h"

#define FIXED_TIME "2024-06-01T12:00:00Z"

static char *xs(const char *s)
{
	char *d = s ? strdup(s) : NULL;

	if (s)
		assert_non_null(d);
	return d;
}

static char **strv(int n, ...)
{
	char **v = calloc((size_t)n, sizeof(*v));
	va_list ap;
	int i;

	assert_non_null(v);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		v[i] = xs(va_arg(ap, const char *));
	va_end(ap);
	return v;
}

static void add_pkg(struct scan_result *r, enum inv_type t, const char *name,
		    const char *ver, const char *purl, const char *path,
		    int layer, const char *license)
{
	struct inv_package *p;

	r->inv.pkgs =
	    realloc(r->inv.pkgs, (r->inv.npkgs + 1) * sizeof(*r->inv.pkgs));
	assert_non_null(r->inv.pkgs);
	p = &r->inv.pkgs[r->inv.npkgs++];
	memset(p, 0, sizeof(*p));
	p->type = t;
	p->name = xs(name);
	p->version = xs(ver);
	p->purl = xs(purl);
	p->path = xs(path);
	p->layer = layer;
	p->license = xs(license);
	if (t == INV_DEB) {
		p->src_name = xs(name);
		p->src_version = xs(ver);
		p->arch = xs("amd64");
	}
}

static struct scan_finding *add_finding(struct scan_result *r, size_t pkg,
					const char *id, int sev, double score,
					const char *vector, int fix,
					const char *fixed, const char *summary)
{
	struct scan_finding *f;

	r->findings =
	    realloc(r->findings, (r->nfindings + 1) * sizeof(*r->findings));
	assert_non_null(r->findings);
	f = &r->findings[r->nfindings++];
	memset(f, 0, sizeof(*f));
	f->pkg = pkg;
	f->vuln.id = xs(id);
	f->vuln.severity = sev < 0 ? VULN_SEV_NONE : (enum vuln_severity)sev;
	f->vuln.severity_known = sev >= 0;
	f->vuln.score = score;
	f->vuln.cvss_vector = xs(vector);
	f->vuln.fix_state = (enum vuln_fix_state)fix;
	f->vuln.fixed_version = xs(fixed);
	f->vuln.summary = xs(summary);
	f->ecosystem = xs("test");
	return f;
}

/* The synthetic result; with_suppressed marks the medium one as VEX'd. */
static void make_result(struct scan_result *r, int with_suppressed)
{
	static struct image_layer layers[2];
	struct image_layer *l;
	struct scan_finding *f;
	struct bw_error e = {0};

	memset(r, 0, sizeof(*r));
	r->target = xs("tests/app.tar");
	r->info.kind = IMAGE_DOCKER_ARCHIVE;
	r->info.path = xs("tests/app.tar");
	r->info.ref = xs("example/app:1.0");
	r->info.manifest_digest =
	    xs("sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	       "aaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	r->info.config_digest =
	    xs("sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	       "bbbbbbbbbbbbbbbbbbbbbbbbbbb");
	r->info.os = xs("linux");
	r->info.arch = xs("amd64");
	l = calloc(2, sizeof(*l));
	assert_non_null(l);
	snprintf(
	    l[0].digest, sizeof(l[0].digest), "sha256:%s",
	    "1111111111111111111111111111111111111111111111111111111111111111");
	snprintf(
	    l[0].diff_id, sizeof(l[0].diff_id), "sha256:%s",
	    "2222222222222222222222222222222222222222222222222222222222222222");
	l[0].size = 1234;
	snprintf(
	    l[1].digest, sizeof(l[1].digest), "sha256:%s",
	    "3333333333333333333333333333333333333333333333333333333333333333");
	l[1].size = 99;
	(void)layers;
	r->info.layers = l;
	r->info.nlayers = 2;
	r->inv.os.id = xs("debian");
	r->inv.os.version_id = xs("12");
	r->inv.os.codename = xs("bookworm");
	r->inv.os.pretty_name = xs("Debian GNU/Linux 12 (bookworm)");

	add_pkg(r, INV_DEB, "openssl", "3.0.11-1~deb12u1",
		"pkg:deb/debian/openssl@3.0.11-1~deb12u1?arch=amd64&distro="
		"debian-12",
		"var/lib/dpkg/status", 0, NULL);
	add_pkg(r, INV_NPM, "lodash", "4.17.20", "pkg:npm/lodash@4.17.20",
		"usr/lib/node_modules/lodash/package.json", 1, "MIT");
	add_pkg(r, INV_PYTHON, "requests", "2.25.0", "pkg:pypi/requests@2.25.0",
		"usr/lib/python3/dist-packages/requests-2.25.0.dist-info/"
		"METADATA",
		1, "Apache 2.0");

	f = add_finding(r, 0, "CVE-2024-0001", VULN_SEV_CRITICAL, 9.8,
			"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
			VULN_FIX_FIXED, "3.0.13-1~deb12u1",
			"Remote code execution in the TLS handshake of a very "
			"popular library, described at great length so that "
			"the title must be cut to fit");
	f->vuln.aliases = strv(1, "DSA-1234-1");
	f->vuln.naliases = 1;
	f->vuln.references = strv(1, "https://security-tracker.debian.org/"
				     "tracker/CVE-2024-0001");
	f->vuln.nreferences = 1;
	f->vuln.details = xs("Long details.\nSecond line.");
	f = add_finding(r, 1, "CVE-2021-23337", VULN_SEV_HIGH, 7.2,
			"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H",
			VULN_FIX_FIXED, "4.17.21",
			"Command injection in lodash template");
	f->vuln.aliases = strv(1, "GHSA-35jh-r3h4-6jhm");
	f->vuln.naliases = 1;
	f = add_finding(r, 2, "CVE-2023-32681", VULN_SEV_MEDIUM, 6.1,
			"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N",
			VULN_FIX_WONT_FIX, NULL,
			"Proxy-Authorization header leak");
	if (with_suppressed) {
		f->suppressed = 1;
		f->suppress_reason = xs(
		    "vex: not_affected (vulnerable_code_not_in_execute_path)");
	}
	add_finding(r, 0, "GHSA-abcd-efgh-ijkl", -1, -1.0, NULL,
		    VULN_FIX_NOT_FIXED, NULL,
		    "evil \x1b[31mred\x1b[0m title \xff\xfe bytes");

	bw_errorf(&e, -EINVAL, "usr/share/java/broken.jar", 0, 0,
		  "corrupt zip archive");
	assert_int_equal(scan_add_problem(r, &e), 0);
	snprintf(r->db_path, sizeof(r->db_path),
		 "/var/cache/bulwark/db.sqlite");
	snprintf(r->db_newest, sizeof(r->db_newest), "2024-05-31T10:00:00Z");
}

/* Renders r into a malloc'ed string (and $BW_REPORT_OUT/name when set). */
static char *render(const struct scan_result *r, enum report_format fmt,
		    const struct report_opts *o, const char *name)
{
	struct bw_error err = {0};
	const char *dir = getenv("BW_REPORT_OUT");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (report_write(f, fmt, r, o, &err))
		fail_msg("report_write: %s", err.msg);
	fclose(f);
	if (dir && name) {
		char path[1024];
		FILE *out;

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		out = fopen(path, "w");
		assert_non_null(out);
		fwrite(buf, 1, len, out);
		fclose(out);
	}
	return buf;
}

static json_t *render_json(const struct scan_result *r, enum report_format fmt,
			   const struct report_opts *o, const char *name)
{
	char *buf = render(r, fmt, o, name);
	json_error_t je;
	json_t *j = json_loads(buf, 0, &je);

	if (!j)
		fail_msg("%s: invalid JSON at %d:%d: %s", name ? name : "?",
			 je.line, je.column, je.text);
	free(buf);
	return j;
}

/* A dotted path with numeric indexes: "runs.0.tool.driver.name". */
__attribute__((format(printf, 2, 0))) static json_t *
jpath_v(json_t *j, const char *fmt, va_list ap)
{
	char path[256], *save = NULL, *tok;

	vsnprintf(path, sizeof(path), fmt, ap);
	for (tok = strtok_r(path, ".", &save); tok && j;
	     tok = strtok_r(NULL, ".", &save)) {
		char *end;
		long i = strtol(tok, &end, 10);

		j = (*end == '\0' && json_is_array(j))
			? json_array_get(j, (size_t)i)
			: json_object_get(j, tok);
	}
	return j;
}

__attribute__((format(printf, 2, 3))) static json_t *
jpath(json_t *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	j = jpath_v(j, fmt, ap);
	va_end(ap);
	return j;
}

__attribute__((format(printf, 2, 3))) static const char *
jpath_str(json_t *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	j = jpath_v(j, fmt, ap);
	va_end(ap);
	return json_is_string(j) ? json_string_value(j) : NULL;
}

static json_t *jget(json_t *j, const char *key)
{
	json_t *v = json_object_get(j, key);

	if (!v)
		fail_msg("missing key %s", key);
	return v;
}

static const struct report_opts vuln_opts = {
    .with_vulns = 1, .tool_version = "0.1.0", .fixed_time = FIXED_TIME};

/* ---- format names ----------------------------------------------------- */

static void test_format_names_parse(void **st)
{
	enum report_format f;

	(void)st;
	assert_int_equal(report_format_parse("table", &f), 0);
	assert_int_equal(f, REPORT_TABLE);
	assert_int_equal(report_format_parse("json", &f), 0);
	assert_int_equal(f, REPORT_JSON);
	assert_int_equal(report_format_parse("sarif", &f), 0);
	assert_int_equal(f, REPORT_SARIF);
	assert_int_equal(report_format_parse("cyclonedx", &f), 0);
	assert_int_equal(f, REPORT_CYCLONEDX);
	assert_int_equal(report_format_parse("cdx", &f), 0);
	assert_int_equal(f, REPORT_CYCLONEDX);
	assert_int_equal(report_format_parse("spdx", &f), 0);
	assert_int_equal(f, REPORT_SPDX);
	assert_int_equal(report_format_parse("spdx-json", &f), 0);
	assert_int_equal(f, REPORT_SPDX);
	assert_int_equal(report_format_parse("xml", &f), -EINVAL);
	assert_int_equal(report_format_parse(NULL, &f), -EINVAL);
}

/* ---- table ------------------------------------------------------------ */

static void test_table_groups_by_package_and_fits_80_columns(void **st)
{
	struct scan_result r;
	char *out, *line, *save = NULL;
	size_t maxcols = 0;

	(void)st;
	make_result(&r, 1);
	out = render(&r, REPORT_TABLE, &vuln_opts, "report.txt");
	assert_non_null(strstr(out, "openssl 3.0.11-1~deb12u1 (deb, "
				    "var/lib/dpkg/status, layer "
				    "111111111111)\n"));
	assert_non_null(strstr(out,
			       "lodash 4.17.20 (npm, usr/lib/node_modules/"
			       "lodash/package.json, layer 333333333333)"));
	/* the suppressed finding's package has no other finding: no header */
	assert_null(strstr(out, "requests 2.25.0"));
	assert_non_null(strstr(out, "CRITICAL"));
	assert_non_null(strstr(out, "fixed in 3.0.13-1~deb12u1"));
	assert_non_null(strstr(out, "UNKNOWN"));
	assert_non_null(strstr(out, "3 vulnerabilities (1 critical, 1 high, 0 "
				    "medium, 0 low, 1 unknown), 1 suppressed"));
	assert_non_null(strstr(out, "usr/share/java/broken.jar: corrupt zip "
				    "archive"));
	/* no escape from the hostile summary, no colour when not asked */
	assert_null(strchr(out, '\x1b'));
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t c = 0;
		const char *p;

		for (p = line; *p; p++)
			if (((unsigned char)*p & 0xc0) != 0x80)
				c++;
		/* the summary line may be longer; rows must fit */
		if (!strncmp(line, "  ", 2) && c > maxcols)
			maxcols = c;
	}
	assert_true(maxcols <= 80);
	assert_true(maxcols > 60);
	free(out);
	scan_result_free(&r);
}

static void test_table_colours_and_suppressed_on_request(void **st)
{
	struct report_opts o = vuln_opts;
	struct scan_result r;
	char *out;

	(void)st;
	o.color = 1;
	o.show_suppressed = 1;
	make_result(&r, 1);
	out = render(&r, REPORT_TABLE, &o, NULL);
	assert_non_null(strstr(out, "\x1b[1;31mCRITICAL\x1b[0m"));
	assert_non_null(strstr(out, "requests 2.25.0 (python"));
	assert_non_null(strstr(out, "\n    suppressed: vex: not_affected"));
	/* the only escapes are ours */
	assert_null(strstr(out, "\x1b[31mred"));
	free(out);
	scan_result_free(&r);
}

static void test_table_lists_packages_without_findings(void **st)
{
	struct report_opts o = vuln_opts;
	struct scan_result r;
	char *out;

	(void)st;
	o.with_vulns = 0;
	make_result(&r, 1);
	out = render(&r, REPORT_TABLE, &o, NULL);
	assert_non_null(strstr(out, "lodash"));
	assert_non_null(strstr(out, "3 packages"));
	assert_null(strstr(out, "CVE-"));
	free(out);
	scan_result_free(&r);
}

/* ---- JSON ------------------------------------------------------------- */

static void test_json_holds_the_whole_result(void **st)
{
	struct scan_result r;
	json_t *j, *f, *sum;
	char *text;

	(void)st;
	make_result(&r, 1);
	j = render_json(&r, REPORT_JSON, &vuln_opts, "report.json");
	assert_string_equal(jpath_str(j, "schema"), "bulwark.scan/v1");
	assert_string_equal(jpath_str(j, "target"), "tests/app.tar");
	assert_string_equal(jpath_str(j, "artifact.kind"), "docker-archive");
	assert_string_equal(jpath_str(j, "artifact.ref"), "example/app:1.0");
	assert_string_equal(
	    jpath_str(j, "artifact.layers.1.digest"),
	    "sha256:33333333333333333333333333333333333333333333"
	    "33333333333333333333");
	assert_true(json_is_null(jpath(j, "artifact.layers.1.diff_id")));
	assert_string_equal(jpath_str(j, "os.codename"), "bookworm");
	assert_int_equal(json_array_size(jget(j, "packages")), 3);
	assert_string_equal(jpath_str(j, "packages.1.type"), "npm");
	assert_string_equal(jpath_str(j, "packages.2.purl"),
			    "pkg:pypi/requests@2.25.0");
	f = jget(j, "findings");
	assert_int_equal(json_array_size(f), 4);
	assert_string_equal(jpath_str(j, "findings.0.severity"), "critical");
	assert_true(json_real_value(
			json_object_get(json_array_get(f, 0), "score")) == 9.8);
	assert_string_equal(jpath_str(j, "findings.0.aliases.0"), "DSA-1234-1");
	assert_string_equal(jpath_str(j, "findings.0.package"),
			    r.inv.pkgs[0].purl);
	assert_string_equal(jpath_str(j, "findings.0.fix_state"), "fixed");
	assert_string_equal(jpath_str(j, "findings.2.fix_state"), "wont_fix");
	assert_true(
	    json_is_true(json_object_get(json_array_get(f, 2), "suppressed")));
	assert_non_null(jpath_str(j, "findings.2.suppress_reason"));
	assert_string_equal(jpath_str(j, "findings.3.severity"), "unknown");
	assert_true(
	    json_is_null(json_object_get(json_array_get(f, 3), "score")));
	/* invalid UTF-8 replaced, not dropped */
	assert_non_null(
	    strstr(jpath_str(j, "findings.3.summary"), "\xef\xbf\xbd"));
	sum = jget(j, "summary");
	assert_int_equal(json_integer_value(json_object_get(sum, "total")), 3);
	assert_int_equal(json_integer_value(json_object_get(sum, "suppressed")),
			 1);
	assert_string_equal(jpath_str(j, "problems.0.message"),
			    "corrupt zip archive");
	assert_true(json_is_false(jget(j, "incomplete")));
	assert_string_equal(jpath_str(j, "database.newest_modified"),
			    "2024-05-31T10:00:00Z");
	json_decref(j);

	/* scores print with one decimal */
	text = render(&r, REPORT_JSON, &vuln_opts, NULL);
	assert_non_null(strstr(text, "\"score\": 9.8,"));
	free(text);
	scan_result_free(&r);
}

/* ---- SARIF ------------------------------------------------------------ */

static void test_sarif_rules_levels_and_locations(void **st)
{
	struct report_opts o = vuln_opts;
	struct scan_result r;
	json_t *j, *rules, *results, *rule0;
	size_t i;

	(void)st;
	make_result(&r, 1);
	j = render_json(&r, REPORT_SARIF, &vuln_opts, "report.sarif");
	assert_string_equal(jpath_str(j, "version"), "2.1.0");
	assert_string_equal(jpath_str(j, "runs.0.tool.driver.name"), "bulwark");
	assert_string_equal(jpath_str(j, "runs.0.tool.driver.version"),
			    "0.1.0");
	assert_non_null(jpath_str(j, "runs.0.tool.driver.informationUri"));
	rules = jpath(j, "runs.0.tool.driver.rules");
	results = jpath(j, "runs.0.results");
	/* the suppressed finding is not shown by default */
	assert_int_equal(json_array_size(rules), 3);
	assert_int_equal(json_array_size(results), 3);
	/* rules sorted by id */
	assert_string_equal(jpath_str(rules, "0.id"), "CVE-2021-23337");
	assert_string_equal(jpath_str(rules, "1.id"), "CVE-2024-0001");
	rule0 = json_array_get(rules, 1);
	assert_string_equal(jpath_str(rule0, "properties.security-severity"),
			    "9.8");
	assert_string_equal(jpath_str(rule0, "defaultConfiguration.level"),
			    "error");
	assert_null(jpath_str(json_array_get(rules, 2),
			      "properties.security-severity"));
	for (i = 0; i < json_array_size(results); i++) {
		json_t *res = json_array_get(results, i);
		const char *id = jpath_str(res, "ruleId");
		json_int_t ri =
		    json_integer_value(json_object_get(res, "ruleIndex"));

		assert_string_equal(id, jpath_str(rules, "%d.id", (int)ri));
	}
	assert_string_equal(jpath_str(results, "0.level"), "error");
	assert_string_equal(
	    jpath_str(results,
		      "0.locations.0.physicalLocation.artifactLocation.uri"),
	    "var/lib/dpkg/status");
	assert_string_equal(
	    jpath_str(results,
		      "0.locations.0.logicalLocations.0.fullyQualifiedName"),
	    r.inv.pkgs[0].purl);
	assert_string_equal(jpath_str(results, "2.level"), "warning");
	assert_string_equal(
	    jpath_str(j, "runs.0.invocations.0.toolExecutionNotifications.0."
			 "message.text"),
	    "usr/share/java/broken.jar: corrupt zip archive");
	json_decref(j);

	o.show_suppressed = 1;
	j = render_json(&r, REPORT_SARIF, &o, "report-suppressed.sarif");
	results = jpath(j, "runs.0.results");
	assert_int_equal(json_array_size(results), 4);
	for (i = 0; i < 4; i++)
		if (!strcmp(jpath_str(results, "%zu.ruleId", i),
			    "CVE-2023-32681"))
			break;
	assert_true(i < 4);
	assert_string_equal(jpath_str(results, "%zu.suppressions.0.kind", i),
			    "external");
	assert_string_equal(jpath_str(results, "%zu.level", i), "warning");
	json_decref(j);
	scan_result_free(&r);
}

/* ---- CycloneDX -------------------------------------------------------- */

static void test_cyclonedx_components_and_vulnerabilities(void **st)
{
	struct scan_result r;
	struct report_opts o = vuln_opts;
	json_t *j, *comps, *vulns;
	char serial[128];
	regex_t re;
	size_t i;

	(void)st;
	make_result(&r, 1);
	j = render_json(&r, REPORT_CYCLONEDX, &vuln_opts, "report.cdx.json");
	assert_string_equal(jpath_str(j, "bomFormat"), "CycloneDX");
	assert_string_equal(jpath_str(j, "specVersion"), "1.6");
	assert_int_equal(json_integer_value(jget(j, "version")), 1);
	snprintf(serial, sizeof(serial), "%s", jpath_str(j, "serialNumber"));
	assert_int_equal(
	    regcomp(&re,
		    "^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]"
		    "{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
		    REG_EXTENDED | REG_NOSUB),
	    0);
	assert_int_equal(regexec(&re, serial, 0, NULL, 0), 0);
	assert_string_equal(jpath_str(j, "metadata.timestamp"), FIXED_TIME);
	assert_string_equal(jpath_str(j, "metadata.tools.components.0.name"),
			    "bulwark");
	assert_string_equal(jpath_str(j, "metadata.component.type"),
			    "container");
	assert_string_equal(jpath_str(j, "metadata.component.name"),
			    "example/app:1.0");
	comps = jget(j, "components");
	assert_int_equal(json_array_size(comps), 4);
	assert_string_equal(jpath_str(comps, "0.type"), "operating-system");
	assert_string_equal(jpath_str(comps, "2.bom-ref"),
			    "pkg:npm/lodash@4.17.20");
	assert_string_equal(jpath_str(comps, "2.licenses.0.license.name"),
			    "MIT");
	assert_string_equal(jpath_str(comps, "1.properties.1.name"),
			    "bulwark:path");
	vulns = jget(j, "vulnerabilities");
	assert_int_equal(json_array_size(vulns), 4);
	assert_string_equal(jpath_str(vulns, "0.ratings.0.method"), "CVSSv31");
	assert_string_equal(jpath_str(vulns, "0.ratings.0.severity"),
			    "critical");
	assert_string_equal(jpath_str(vulns, "0.affects.0.ref"),
			    r.inv.pkgs[0].purl);
	assert_string_equal(jpath_str(vulns, "2.analysis.state"),
			    "not_affected");
	assert_string_equal(jpath_str(vulns, "2.analysis.justification"),
			    "code_not_reachable");
	assert_string_equal(jpath_str(vulns, "3.ratings.0.severity"),
			    "unknown");
	for (i = 0; i < 4; i++)
		if (i != 2)
			assert_null(json_object_get(json_array_get(vulns, i),
						    "analysis"));
	json_decref(j);

	/* deterministic with fixed_time, random without */
	j = render_json(&r, REPORT_CYCLONEDX, &vuln_opts, NULL);
	assert_string_equal(jpath_str(j, "serialNumber"), serial);
	json_decref(j);
	o.fixed_time = NULL;
	j = render_json(&r, REPORT_CYCLONEDX, &o, NULL);
	assert_string_not_equal(jpath_str(j, "serialNumber"), serial);
	assert_int_equal(regexec(&re, jpath_str(j, "serialNumber"), 0, NULL, 0),
			 0);
	json_decref(j);
	regfree(&re);

	/* an SBOM: no vulnerabilities */
	o = vuln_opts;
	o.with_vulns = 0;
	j = render_json(&r, REPORT_CYCLONEDX, &o, "sbom.cdx.json");
	assert_null(json_object_get(j, "vulnerabilities"));
	json_decref(j);
	scan_result_free(&r);
}

static void test_cyclonedx_duplicate_purls_get_unique_refs(void **st)
{
	struct scan_result r;
	json_t *j, *comps;

	(void)st;
	make_result(&r, 0);
	add_pkg(&r, INV_NPM, "lodash", "4.17.20", "pkg:npm/lodash@4.17.20",
		"app/node_modules/lodash/package.json", 1, "MIT");
	j = render_json(&r, REPORT_CYCLONEDX, &vuln_opts, NULL);
	comps = jget(j, "components");
	assert_string_equal(jpath_str(comps, "2.bom-ref"),
			    "pkg:npm/lodash@4.17.20");
	assert_string_equal(jpath_str(comps, "4.bom-ref"),
			    "pkg:npm/lodash@4.17.20|3");
	json_decref(j);
	scan_result_free(&r);
}

/* ---- SPDX ------------------------------------------------------------- */

static void test_spdx_packages_and_relationships(void **st)
{
	struct scan_result r;
	json_t *j, *pkgs, *rels;
	regex_t re;
	size_t i, k;

	(void)st;
	make_result(&r, 1);
	j = render_json(&r, REPORT_SPDX, &vuln_opts, "report.spdx.json");
	assert_string_equal(jpath_str(j, "spdxVersion"), "SPDX-2.3");
	assert_string_equal(jpath_str(j, "dataLicense"), "CC0-1.0");
	assert_string_equal(jpath_str(j, "SPDXID"), "SPDXRef-DOCUMENT");
	assert_string_equal(jpath_str(j, "creationInfo.creators.0"),
			    "Tool: bulwark-0.1.0");
	assert_string_equal(jpath_str(j, "creationInfo.created"), FIXED_TIME);
	assert_int_equal(strncmp(jpath_str(j, "documentNamespace"),
				 "https://bulwark.dev/spdx/example-app-1.0-",
				 41),
			 0);
	pkgs = jget(j, "packages");
	assert_int_equal(json_array_size(pkgs), 5);
	assert_string_equal(jpath_str(pkgs, "0.primaryPackagePurpose"),
			    "CONTAINER");
	assert_string_equal(jpath_str(pkgs, "1.primaryPackagePurpose"),
			    "OPERATING-SYSTEM");
	assert_string_equal(jpath_str(pkgs, "3.licenseDeclared"), "MIT");
	/* free text is not an SPDX expression */
	assert_string_equal(jpath_str(pkgs, "4.licenseDeclared"),
			    "NOASSERTION");
	assert_string_equal(jpath_str(pkgs, "3.externalRefs.0.referenceType"),
			    "purl");
	assert_string_equal(
	    jpath_str(pkgs, "3.externalRefs.0.referenceLocator"),
	    "pkg:npm/lodash@4.17.20");
	assert_int_equal(
	    regcomp(&re, "^SPDXRef-[a-zA-Z0-9.-]+$", REG_EXTENDED | REG_NOSUB),
	    0);
	for (i = 0; i < json_array_size(pkgs); i++) {
		assert_int_equal(
		    regexec(&re, jpath_str(pkgs, "%zu.SPDXID", i), 0, NULL, 0),
		    0);
		for (k = 0; k < i; k++)
			assert_string_not_equal(
			    jpath_str(pkgs, "%zu.SPDXID", i),
			    jpath_str(pkgs, "%zu.SPDXID", k));
	}
	regfree(&re);
	rels = jget(j, "relationships");
	assert_int_equal(json_array_size(rels), 5);
	assert_string_equal(jpath_str(rels, "0.relationshipType"), "DESCRIBES");
	assert_string_equal(jpath_str(rels, "4.relationshipType"), "CONTAINS");
	json_decref(j);
	scan_result_free(&r);
}

static void test_spdx_license_expressions(void **st)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"MIT", "MIT"},
	    {"mit", "MIT"},
	    {"Apache-2.0 OR MIT", "Apache-2.0 OR MIT"},
	    {"(MIT or apache-2.0) AND BSD-3-Clause",
	     "(MIT OR Apache-2.0) AND BSD-3-Clause"},
	    {"GPL-2.0-or-later WITH Classpath-exception-2.0",
	     "GPL-2.0-or-later WITH Classpath-exception-2.0"},
	    {"GPL-2.0+", "GPL-2.0+"},
	    {"BSD License", "NOASSERTION"},
	    {"MIT BSD-2-Clause", "NOASSERTION"},
	    {"Apache 2.0", "NOASSERTION"},
	    {"(MIT", "NOASSERTION"},
	    {"MIT AND", "NOASSERTION"},
	    {"LicenseRef-custom", "NOASSERTION"},
	    {"((((((((((((((((((((MIT))))))))))))))))))))", "NOASSERTION"},
	};
	size_t i;

	(void)st;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct scan_result r;
		json_t *j;

		make_result(&r, 0);
		free(r.inv.pkgs[1].license);
		r.inv.pkgs[1].license = xs(cases[i].in);
		j = render_json(&r, REPORT_SPDX, &vuln_opts, NULL);
		if (strcmp(jpath_str(j, "packages.3.licenseDeclared"),
			   cases[i].out))
			fail_msg("%s: got %s, want %s", cases[i].in,
				 jpath_str(j, "packages.3.licenseDeclared"),
				 cases[i].out);
		json_decref(j);
		scan_result_free(&r);
	}
}

/* ---- filters ---------------------------------------------------------- */

static const char *data(const char *name)
{
	static char path[1024];
	const char *src = getenv("BW_SOURCE_DIR");

	snprintf(path, sizeof(path), "%s/tests/data/scan/%s", src ? src : ".",
		 name);
	return path;
}

static time_t t2025(void) { return 1735689600; /* 2025-01-01T00:00:00Z */ }

static void load_ignore(struct scan_filters *f, const char *name)
{
	struct bw_error err = {0};

	if (scan_load_ignore_file(f, data(name), &err))
		fail_msg("%s:%d:%d: %s", err.input, err.line, err.column,
			 err.msg);
}

static void load_vex(struct scan_filters *f, const char *name)
{
	struct bw_error err = {0};

	if (scan_load_vex(f, data(name), &err))
		fail_msg("%s: %s", err.input, err.msg);
}

static void check_ignore_result(struct scan_result *r)
{
	assert_int_equal(r->nfindings, 4);
	assert_true(r->findings[0].suppressed);	 /* expiry in the future */
	assert_false(r->findings[1].suppressed); /* expired */
	assert_false(r->findings[2].suppressed); /* other package's purl */
	assert_true(r->findings[3].suppressed);	 /* purl-scoped */
}

static void test_ignore_text_expiry_and_purl_scope(void **st)
{
	struct scan_filters f = {0};
	struct scan_result r;

	(void)st;
	load_ignore(&f, "ignore.txt");
	assert_int_equal(f.nignores, 4);
	assert_string_equal(f.ignores[0].reason, "accepted until the rebuild");
	assert_non_null(f.ignores[2].purl);
	f.now = t2025();
	make_result(&r, 0);
	scan_apply_filters(&r, &f);
	check_ignore_result(&r);
	assert_string_equal(r.findings[0].suppress_reason,
			    "ignore-file: accepted until the rebuild");
	/* the entry with an expiry in 2099 expires too, given time */
	scan_result_free(&r);
	make_result(&r, 0);
	f.now = 4102444800; /* 2100-01-01 */
	scan_apply_filters(&r, &f);
	assert_false(r.findings[0].suppressed);
	scan_result_free(&r);
	scan_filters_free(&f);
	scan_filters_free(&f); /* twice is harmless */
}

static void test_ignore_yaml_expiry_and_purl_scope(void **st)
{
	struct scan_filters f = {0};
	struct scan_result r;

	(void)st;
	load_ignore(&f, "ignore.yaml");
	assert_int_equal(f.nignores, 4);
	f.now = t2025();
	make_result(&r, 0);
	scan_apply_filters(&r, &f);
	check_ignore_result(&r);
	scan_result_free(&r);
	scan_filters_free(&f);
}

static void test_ignore_errors_name_line_and_column(void **st)
{
	struct scan_filters f = {0};
	struct bw_error err = {0};

	(void)st;
	assert_int_equal(
	    scan_load_ignore_file(&f, data("ignore-bad-date.txt"), &err),
	    -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 21);
	assert_non_null(strstr(err.input, "ignore-bad-date.txt"));
	assert_non_null(strstr(err.msg, "expiry"));

	bw_error_clear(&err);
	assert_int_equal(
	    scan_load_ignore_file(&f, data("ignore-bad-key.yaml"), &err),
	    -EINVAL);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 5);
	assert_non_null(strstr(err.msg, "unknown key"));

	bw_error_clear(&err);
	assert_int_equal(
	    scan_load_ignore_file(&f, data("ignore-bad-syntax.yaml"), &err),
	    -EINVAL);
	assert_true(err.line >= 2);
	assert_true(err.column > 0);

	bw_error_clear(&err);
	assert_int_equal(scan_load_ignore_file(&f, data("no-such-file"), &err),
			 -ENOENT);
	scan_filters_free(&f);
}

static void test_openvex_statements_suppress(void **st)
{
	struct scan_filters f = {0};
	struct scan_result r;

	(void)st;
	load_vex(&f, "openvex.json");
	/* 2 names for the first statement, one each for the others */
	assert_int_equal(f.nvex, 5);
	make_result(&r, 0);
	scan_apply_filters(&r, &f);
	assert_true(r.findings[0].suppressed);
	assert_string_equal(r.findings[0].suppress_reason,
			    "vex: not_affected "
			    "(vulnerable_code_not_in_execute_path)");
	assert_false(r.findings[1].suppressed); /* under_investigation */
	assert_false(r.findings[2].suppressed); /* another version */
	assert_true(r.findings[3].suppressed);	/* image-wide, fixed */
	assert_string_equal(r.findings[3].suppress_reason, "vex: fixed");
	scan_result_free(&r);
	scan_filters_free(&f);
}

static void test_cyclonedx_vex_suppresses(void **st)
{
	struct scan_filters f = {0};
	struct scan_result r;

	(void)st;
	load_vex(&f, "cyclonedx-vex.json");
	assert_int_equal(f.nvex, 3);
	make_result(&r, 0);
	scan_apply_filters(&r, &f);
	assert_false(r.findings[0].suppressed); /* exploitable */
	assert_true(r.findings[1].suppressed);
	assert_string_equal(r.findings[1].suppress_reason,
			    "vex: not_affected (code_not_reachable)");
	assert_true(r.findings[2].suppressed); /* ref via components[] */
	assert_string_equal(r.findings[2].suppress_reason,
			    "vex: not_affected (false_positive)");
	assert_false(r.findings[3].suppressed);
	scan_result_free(&r);
	scan_filters_free(&f);
}

static void test_vex_errors(void **st)
{
	struct scan_filters f = {0};
	struct bw_error err = {0};

	(void)st;
	assert_int_equal(
	    scan_load_vex(&f, data("openvex-bad-status.json"), &err), -EINVAL);
	assert_non_null(strstr(err.msg, "statements[0].status"));
	bw_error_clear(&err);
	assert_int_equal(scan_load_vex(&f, data("vex-truncated.json"), &err),
			 -EINVAL);
	assert_true(err.line >= 2);
	bw_error_clear(&err);
	assert_int_equal(scan_load_vex(&f, data("ignore.txt"), &err), -EINVAL);
	scan_filters_free(&f);
}

/* Unknown severity ranks below low, as in Trivy: --severity high drops it. */
static void test_min_severity_drops_lower_and_unknown(void **st)
{
	struct scan_filters f = {0};
	struct scan_result r;

	(void)st;
	f.min_severity = VULN_SEV_HIGH;
	make_result(&r, 0);
	scan_apply_filters(&r, &f);
	assert_int_equal(r.nfindings, 2);
	assert_string_equal(r.findings[0].vuln.id, "CVE-2024-0001");
	assert_string_equal(r.findings[1].vuln.id, "CVE-2021-23337");
	scan_result_free(&r);
}

static void test_ignore_unfixed_drops_unfixed(void **st)
{
	struct scan_filters f = {0};
	struct scan_result r;

	(void)st;
	f.ignore_unfixed = 1;
	make_result(&r, 0);
	scan_apply_filters(&r, &f);
	assert_int_equal(r.nfindings, 2);
	assert_int_equal(r.findings[0].vuln.fix_state, VULN_FIX_FIXED);
	assert_int_equal(r.findings[1].vuln.fix_state, VULN_FIX_FIXED);
	scan_result_free(&r);
}

static void test_gate_thresholds(void **st)
{
	struct scan_result r;

	(void)st;
	make_result(&r, 1);
	assert_int_equal(scan_gate(&r, VULN_SEV_CRITICAL), 1);
	assert_int_equal(scan_gate(&r, VULN_SEV_LOW), 1);
	r.findings[0].suppressed = 1;
	assert_int_equal(scan_gate(&r, VULN_SEV_CRITICAL), 0);
	assert_int_equal(scan_gate(&r, VULN_SEV_HIGH), 1);
	r.findings[1].suppressed = 1;
	/* left: a suppressed medium and an unknown */
	assert_int_equal(scan_gate(&r, VULN_SEV_LOW), 0);
	assert_int_equal(scan_gate(&r, VULN_SEV_NONE), 1);
	r.findings[3].suppressed = 1;
	assert_int_equal(scan_gate(&r, VULN_SEV_NONE), 0);
	scan_result_free(&r);
	assert_int_equal(scan_gate(&r, VULN_SEV_NONE), 0);
	scan_result_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_names_parse),
	    cmocka_unit_test(test_table_groups_by_package_and_fits_80_columns),
	    cmocka_unit_test(test_table_colours_and_suppressed_on_request),
	    cmocka_unit_test(test_table_lists_packages_without_findings),
	    cmocka_unit_test(test_json_holds_the_whole_result),
	    cmocka_unit_test(test_sarif_rules_levels_and_locations),
	    cmocka_unit_test(test_cyclonedx_components_and_vulnerabilities),
	    cmocka_unit_test(test_cyclonedx_duplicate_purls_get_unique_refs),
	    cmocka_unit_test(test_spdx_packages_and_relationships),
	    cmocka_unit_test(test_spdx_license_expressions),
	    cmocka_unit_test(test_ignore_text_expiry_and_purl_scope),
	    cmocka_unit_test(test_ignore_yaml_expiry_and_purl_scope),
	    cmocka_unit_test(test_ignore_errors_name_line_and_column),
	    cmocka_unit_test(test_openvex_statements_suppress),
	    cmocka_unit_test(test_cyclonedx_vex_suppresses),
	    cmocka_unit_test(test_vex_errors),
	    cmocka_unit_test(test_min_severity_drops_lower_and_unknown),
	    cmocka_unit_test(test_ignore_unfixed_drops_unfixed),
	    cmocka_unit_test(test_gate_thresholds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
