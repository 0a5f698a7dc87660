/* test_vulndb_db.c - the offline OSV database: the osv-schema conformance
 * records (valid ones import, broken ones are rejected naming the field),
 * OSV matching semantics on the fixtures in tests/data/vulndb/osv/, record
 * replacement, and import from a zip written here with libarchive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vulndb/db.h"

struct warnings {
	int n;
	char last[BW_ERROR_MSG_MAX + 300];
};

static void collect(void *ctx, const struct bw_error *e)
{
	struct warnings *w = ctx;

	w->n++;
	bw_error_str(e, w->last, sizeof(w->last));
}

static const char *fixture(const char *name, char *buf, size_t len)
{
	const char *src = getenv("BW_SOURCE_DIR");

	snprintf(buf, len, "%s/tests/data/vulndb/osv/%s", src ? src : ".",
		 name);
	return buf;
}

static struct vulndb *mem_db(void)
{
	struct bw_error err = {0};
	struct vulndb *db = NULL;

	if (vulndb_open(":memory:", VULNDB_OPEN_CREATE, &db, &err))
		fail_msg("open :memory:: %s", err.msg);
	return db;
}

static void import(struct vulndb *db, const char *name,
		   struct vulndb_import_stats *st, struct warnings *w)
{
	struct bw_error err = {0};
	char path[1024];

	if (vulndb_import_path(db, fixture(name, path, sizeof(path)), st,
			       collect, w, &err))
		fail_msg("import %s: %s", name, err.msg);
}

/* Runs a match expected to give exactly one result, or none (want NULL). */
static struct vuln_match *match1(struct vulndb *db, const char *eco,
				 const char *name, const char *v,
				 const char *want)
{
	struct bw_error err = {0};
	struct vuln_match *m = NULL;
	size_t n = 0;

	if (vulndb_match(db, eco, name, v, &m, &n, &err))
		fail_msg("match %s %s %s: %s", eco, name, v, err.msg);
	if (!want) {
		if (n)
			fail_msg("%s %s %s: want no match, got %s", eco, name,
				 v, m[0].id);
		return NULL;
	}
	if (n != 1)
		fail_msg("%s %s %s: want 1 match (%s), got %zu", eco, name, v,
			 want, n);
	if (strcmp(m[0].id, want))
		fail_msg("%s %s %s: want %s, got %s", eco, name, v, want,
			 m[0].id);
	return m;
}

static void expect(struct vulndb *db, const char *eco, const char *name,
		   const char *v, const char *want, const char *fixed)
{
	struct vuln_match *m = match1(db, eco, name, v, want);

	if (m && fixed &&
	    (!m->fixed_version || strcmp(m->fixed_version, fixed)))
		fail_msg("%s %s %s: want fixed %s, got %s", eco, name, v, fixed,
			 m->fixed_version ? m->fixed_version : "(none)");
	if (m && fixed)
		assert_int_equal(m->fix_state, VULN_FIX_FIXED);
	vulndb_matches_free(m, m ? 1 : 0);
}

/* ---- conformance: the osv-schema linter's test records ------------------ */

static bool expected_broken(const char *name)
{
	/* Named by the osv-linter check they fail.  "nopackage-" fails only
	 * the registry check (does the package exist on PyPI?), which needs
	 * the network: structurally it is a valid record. */
	static const char *const prefixes[] = {"nointroduced-", "nondistinct-",
					       "invalid-", "bad-"};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void test_osv_schema_conformance_records(void **st)
{
	const char *shared = getenv("BW_SHARED_DIR"), *ci = getenv("CI");
	char dir[1024], path[2048];
	int good = 0, broken = 0;
	struct dirent *de;
	struct vulndb *db;
	DIR *d;

	(void)st;
	snprintf(dir, sizeof(dir), "%s/conformance/osv-schema",
		 shared ? shared : "../shared");
	d = opendir(dir);
	if (!d) {
		if (ci && !strcmp(ci, "true"))
			fail_msg("%s missing (CI=true)", dir);
		skip();
	}
	db = mem_db();
	while ((de = readdir(d))) {
		struct vulndb_import_stats ist = {0};
		struct warnings w = {0};
		struct bw_error err = {0};
		size_t len;
		char *buf;
		int r;

		if (strlen(de->d_name) < 6 ||
		    strcmp(de->d_name + strlen(de->d_name) - 5, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		buf = slurp(path, &len);
		r = vulndb_validate_record(buf, len, de->d_name, &err);
		assert_int_equal(vulndb_import_json(db, buf, len, de->d_name,
						    &ist, collect, &w, NULL),
				 0);
		free(buf);
		if (expected_broken(de->d_name)) {
			if (r != -EINVAL)
				fail_msg("%s: accepted, want rejected",
					 de->d_name);
			/* the message names the field with a JSON pointer */
			assert_non_null(strstr(err.msg, "/affected/"));
			assert_int_equal(ist.invalid, 1);
			assert_int_equal(w.n, 1);
			broken++;
		} else {
			if (r)
				fail_msg("%s: rejected: %s", de->d_name,
					 err.msg);
			assert_int_equal(ist.records, 1);
			assert_int_equal(w.n, 0);
			good++;
		}
	}
	closedir(d);
	assert_true(good >= 5);
	assert_true(broken >= 2);
	/* and the imported records match as osv.dev would */
	expect(db, "PyPI", "requests", "2.30.0", "CVE-2023-32681", "2.31.0");
	expect(db, "PyPI", "requests", "2.31.0", NULL, NULL);
	expect(db, "Go", "stdlib", "v1.22.3", "CVE-2024-24791", "1.22.5");
	expect(db, "Go", "stdlib", "1.21.11", "CVE-2024-24791", "1.21.12");
	expect(db, "Go", "stdlib", "1.21.12", NULL, NULL);
	expect(db, "Go", "github.com/gin-gonic/gin", "v1.5.0", "CVE-2020-36567",
	       "1.6.0");
	expect(db, "Alpine:v3.8", "openssl", "1.0.2p-r0", "CVE-2018-5407",
	       "1.0.2q-r0");
	expect(db, "Alpine:v3.9", "openssl", "1.0.2p-r0", NULL, NULL);
	vulndb_close(db);
}

/* ---- matching -------------------------------------------------------- */

static struct vulndb *matching_db(void)
{
	struct vulndb_import_stats ist = {0};
	struct warnings w = {0};
	struct vulndb *db = mem_db();

	import(db, "matching.json", &ist, &w);
	assert_int_equal(ist.files, 1);
	assert_int_equal(ist.invalid, 1);
	assert_int_equal(ist.records, 14);
	assert_int_equal(ist.withdrawn, 1);
	assert_int_equal(w.n, 1);
	/* the invalid record is named with its index and field */
	assert_non_null(strstr(w.last, "matching.json[13]"));
	assert_non_null(strstr(w.last, "/affected/0/ranges/0/events"));
	assert_non_null(strstr(w.last, "introduced"));
	return db;
}

static void test_introduced_fixed_multiple_intervals(void **st)
{
	struct vulndb *db = matching_db();

	(void)st;
	expect(db, "Debian:12", "multi", "0.9-1", NULL, NULL);
	expect(db, "Debian:12", "multi", "1.0-1", "CVE-2024-1000", "1.2-1");
	expect(db, "Debian:12", "multi", "1.1-1", "CVE-2024-1000", "1.2-1");
	expect(db, "Debian:12", "multi", "1.2-1", NULL, NULL);
	expect(db, "Debian:12", "multi", "1.9-1", NULL, NULL);
	expect(db, "Debian:12", "multi", "2.0-1", "CVE-2024-1000", "2.1-1");
	expect(db, "Debian:12", "multi", "2.1-1", NULL, NULL);
	expect(db, "Debian:12", "multi", "3.0-1", NULL, NULL);
	vulndb_close(db);
}

static void test_last_affected_is_inclusive_dpkg_epochs(void **st)
{
	struct vulndb *db = matching_db();
	struct vuln_match *m;

	(void)st;
	m = match1(db, "Debian:12", "lastaff", "1:1.5-2", "CVE-2024-1001");
	assert_int_equal(m->fix_state, VULN_FIX_NOT_FIXED);
	assert_null(m->fixed_version);
	vulndb_matches_free(m, 1);
	expect(db, "Debian:12", "lastaff", "9.9-1", "CVE-2024-1001", NULL);
	expect(db, "Debian:12", "lastaff", "1:1.5~rc1-1", "CVE-2024-1001",
	       NULL);
	expect(db, "Debian:12", "lastaff", "1:1.5-2+deb12u1", NULL, NULL);
	expect(db, "Debian:12", "lastaff", "2:0.1-1", NULL, NULL);
	/* ~ sorts before everything, even the end of the version */
	expect(db, "Debian:12", "tilde", "2.0-1~deb12u0", "CVE-2024-1002",
	       "2.0-1~deb12u1");
	expect(db, "Debian:12", "tilde", "2.0-1~deb12u1", NULL, NULL);
	expect(db, "Debian:12", "tilde", "2.0-1", NULL, NULL);
	vulndb_close(db);
}

static void test_limit_and_versions_list(void **st)
{
	struct vulndb *db = matching_db();

	(void)st;
	expect(db, "PyPI", "limited", "1.5", "PYSEC-2024-1004", NULL);
	expect(db, "PyPI", "limited", "2.0", NULL, NULL);
	expect(db, "PyPI", "limited", "3.0", NULL, NULL);
	/* Packagist has no ordering here: the range is ignored */
	expect(db, "Packagist", "vendor/listed", "1.0.1", "PKSA-2024-1005",
	       NULL);
	expect(db, "Packagist", "vendor/listed", "1.5.0", NULL, NULL);
	vulndb_close(db);
}

static void test_semver_prerelease_range(void **st)
{
	struct vulndb *db = matching_db();
	struct vuln_match *m;

	(void)st;
	m = match1(db, "npm", "semverpre", "1.0.0-beta", "GHSA-aaaa-bbbb-1006");
	/* textual severity only: known, unscored */
	assert_int_equal(m->severity_known, 1);
	assert_int_equal(m->severity, VULN_SEV_MEDIUM);
	assert_true(m->score < 0);
	assert_string_equal(m->fixed_version, "1.0.0-rc.1");
	vulndb_matches_free(m, 1);
	expect(db, "npm", "semverpre", "1.0.0-alpha.1", "GHSA-aaaa-bbbb-1006",
	       NULL);
	expect(db, "npm", "semverpre", "1.0.0-alpha", NULL, NULL);
	expect(db, "npm", "semverpre", "1.0.0-rc.1", NULL, NULL);
	expect(db, "npm", "semverpre", "1.0.0", NULL, NULL);
	vulndb_close(db);
}

static void test_pypi_names_and_pep440_prereleases(void **st)
{
	struct vulndb *db = matching_db();

	(void)st;
	expect(db, "PyPI", "foo-bar-baz", "1.1b2", "PYSEC-2024-1007", "1.1rc1");
	expect(db, "PyPI", "FOO.BAR_baz", "1.0", "PYSEC-2024-1007", "1.1rc1");
	expect(db, "PyPI", "foo--bar__baz", "1.0.post1", "PYSEC-2024-1007",
	       NULL);
	expect(db, "PyPI", "foo-bar-baz", "1.1rc1", NULL, NULL);
	expect(db, "PyPI", "foo-bar-baz", "1.0rc1", NULL, NULL);
	expect(db, "PyPI", "foobarbaz", "1.0", NULL, NULL);
	vulndb_close(db);
}

static void test_go_versions_with_or_without_v(void **st)
{
	struct vulndb *db = matching_db();
	struct vuln_match *m;

	(void)st;
	m = match1(db, "Go", "example.com/mod", "v1.4.1", "CVE-2024-1008");
	assert_int_equal(m->naliases, 2);
	assert_string_equal(m->aliases[0], "GHSA-eeee-ffff-1008");
	assert_string_equal(m->aliases[1], "GO-2024-1008");
	vulndb_matches_free(m, 1);
	expect(db, "Go", "example.com/mod", "1.4.1", "CVE-2024-1008", "1.4.2");
	expect(db, "Go", "example.com/mod", "v1.4.2", NULL, NULL);
	vulndb_close(db);
}

static void test_withdrawn_never_matches(void **st)
{
	struct vulndb *db = matching_db();
	struct vulndb_status s = {0};

	(void)st;
	expect(db, "Debian:12", "withdrawn", "1.0-1", NULL, NULL);
	assert_int_equal(vulndb_get_status(db, &s, NULL), 0);
	assert_int_equal(s.records, 14);
	assert_int_equal(s.withdrawn, 1);
	assert_string_equal(s.newest_modified, "2024-03-01T00:00:00Z");
	assert_true(s.last_import > 0);
	assert_true(s.necos >= 6);
	vulndb_status_free(&s);
	vulndb_status_free(NULL);
	vulndb_close(db);
}

static void test_aliases_merge_into_cve(void **st)
{
	struct vulndb *db = matching_db();
	struct vuln_match *m;

	(void)st;
	m = match1(db, "Debian:12", "merged", "1.0-1", "CVE-2024-1010");
	assert_int_equal(m->naliases, 1);
	assert_string_equal(m->aliases[0], "DEBIAN-CVE-2024-1010");
	/* the CVE record's own text wins */
	assert_string_equal(m->summary, "the upstream record");
	/* lowest fix of the merged records */
	assert_string_equal(m->fixed_version, "1.5-1");
	/* CVSS v4 from the CVE record */
	assert_int_equal(m->severity_known, 1);
	assert_int_equal(m->severity, VULN_SEV_CRITICAL);
	assert_true(m->score > 9.0);
	assert_non_null(m->cvss_vector);
	assert_non_null(strstr(m->cvss_vector, "CVSS:4.0/"));
	assert_int_equal(m->nreferences, 1);
	vulndb_matches_free(m, 1);
	/* 1.5-1: only the CVE record (Debian, fixed 1.6-1) still applies */
	expect(db, "Debian:12", "merged", "1.5-1", "CVE-2024-1010", "1.6-1");
	vulndb_close(db);
}

static int has_alias(const struct vuln_match *m, const char *a)
{
	for (size_t i = 0; i < m->naliases; i++)
		if (!strcmp(m->aliases[i], a))
			return 1;
	return 0;
}

/* A DSA naming two CVEs that both have their own records folds into them;
 * one naming a CVE without its own record stays a finding. */
static void test_multi_cve_advisories_fold_into_cves(void **st)
{
	struct vulndb_import_stats ist = {0};
	struct warnings w = {0};
	struct vulndb *db = mem_db();
	struct vuln_match *m = NULL;
	size_t n = 0;
	struct bw_error err = {0};

	(void)st;
	import(db, "advisories.json", &ist, &w);
	assert_int_equal(ist.records, 4);
	assert_int_equal(vulndb_match(db, "Debian:12", "adv", "1.0-1", &m, &n,
				      &err),
			 0);
	assert_int_equal(n, 3);
	assert_string_equal(m[0].id, "CVE-2024-9001");
	assert_true(has_alias(&m[0], "DEBIAN-CVE-2024-9001"));
	assert_true(has_alias(&m[0], "DSA-9001-1"));
	assert_string_equal(m[1].id, "CVE-2024-9002");
	assert_true(has_alias(&m[1], "DSA-9001-1"));
	assert_string_equal(m[2].id, "DSA-9002-1");
	vulndb_matches_free(m, n);
	/* at 2.0-1 only DSA-9002-1 (fixed 3.0-1) remains */
	expect(db, "Debian:12", "adv", "2.0-1", "DSA-9002-1", "3.0-1");
	vulndb_close(db);
}

static void test_release_ecosystems(void **st)
{
	struct vulndb *db = matching_db();

	(void)st;
	expect(db, "Debian:12", "eleven", "1.0-1", NULL, NULL);
	expect(db, "Debian:11", "eleven", "1.0-1", "CVE-2024-1003", "5.0-1");
	/* a record for the base "Debian" applies to every release */
	expect(db, "Debian:11", "lastaff", "1.0-1", "CVE-2024-1001", NULL);
	/* but "Debian:12" records do not apply to a bare "Debian" query */
	expect(db, "Debian", "multi", "1.0-1", NULL, NULL);
	vulndb_close(db);
}

static void test_severity_and_fix_states(void **st)
{
	struct vulndb *db = matching_db();
	struct vuln_match *m;

	(void)st;
	m = match1(db, "Debian:12", "multi", "1.0-1", "CVE-2024-1000");
	assert_true(m->score > 9.7 && m->score < 9.9);
	assert_int_equal(m->severity, VULN_SEV_CRITICAL);
	assert_string_equal(m->published, "2024-02-01T00:00:00Z");
	assert_string_equal(m->modified, "2024-03-01T00:00:00Z");
	assert_int_equal(m->nreferences, 1);
	assert_string_equal(m->references[0],
			    "https://example.org/CVE-2024-1000");
	vulndb_matches_free(m, 1);

	m = match1(db, "Debian:12", "wontfix", "1.0-1", "CVE-2024-1011");
	assert_int_equal(m->fix_state, VULN_FIX_WONT_FIX);
	assert_null(m->fixed_version);
	assert_int_equal(m->severity_known, 1); /* urgency "unimportant" */
	assert_int_equal(m->severity, VULN_SEV_LOW);
	vulndb_matches_free(m, 1);

	m = match1(db, "Debian:12", "nodsa", "1.0-1", "CVE-2024-1013");
	assert_int_equal(m->fix_state, VULN_FIX_WONT_FIX);
	assert_int_equal(m->severity_known, 0);
	assert_true(m->score < 0);
	vulndb_matches_free(m, 1);
	vulndb_close(db);
}

/* ---- import behaviour ------------------------------------------------- */

static void test_newer_modified_replaces_record(void **st)
{
	struct vulndb_import_stats ist = {0};
	struct warnings w = {0};
	struct vulndb *db = mem_db();

	(void)st;
	import(db, "replace-new.json", &ist, &w);
	assert_int_equal(ist.records, 1);
	import(db, "replace-old.json", &ist, &w);
	assert_int_equal(ist.records, 0);
	assert_int_equal(ist.unchanged, 1);
	expect(db, "Debian", "replaced", "1.5-1", "CVE-2024-1020", "2.0-1");
	vulndb_close(db);

	db = mem_db();
	import(db, "replace-old.json", &ist, &w);
	expect(db, "Debian", "replaced", "1.5-1", NULL, NULL);
	import(db, "replace-new.json", &ist, &w);
	assert_int_equal(ist.records, 1);
	expect(db, "Debian", "replaced", "1.5-1", "CVE-2024-1020", "2.0-1");
	/* equal modified replaces too */
	import(db, "replace-new.json", &ist, &w);
	assert_int_equal(ist.records, 1);
	assert_int_equal(w.n, 0);
	vulndb_close(db);
}

static void test_rejected_records_name_the_problem(void **st)
{
	static const struct {
		const char *file;
		const char *want;
		int line;
	} cases[] = {
	    {"syntax-error.json", "invalid JSON", 5},
	    {"duplicate-key.json", "duplicate", 4},
	    {"bad-range-type.json", "/affected/0/ranges/1/events/2/limit", 0},
	    {"unknown-range-type.json",
	     "/affected/0/ranges/0/type: unknown range type", 0},
	};

	(void)st;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bw_error err = {0};
		char path[1024];
		size_t len;
		char *buf =
		    slurp(fixture(cases[i].file, path, sizeof(path)), &len);

		assert_int_equal(
		    vulndb_validate_record(buf, len, cases[i].file, &err),
		    -EINVAL);
		free(buf);
		if (!strstr(err.msg, cases[i].want))
			fail_msg("%s: want \"%s\" in \"%s\"", cases[i].file,
				 cases[i].want, err.msg);
		assert_string_equal(err.input, cases[i].file);
		if (cases[i].line)
			assert_int_equal(err.line, cases[i].line);
	}
}

static void test_open_errors(void **st)
{
	struct bw_error err = {0};
	struct vulndb *db = NULL;
	char tmpl[] = "/tmp/bw-vulndb-XXXXXX", path[64];
	FILE *f;

	(void)st;
	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "%s/none.sqlite", tmpl);
	assert_int_equal(vulndb_open(path, VULNDB_OPEN_READONLY, &db, &err),
			 -ENOENT);
	assert_null(db);
	snprintf(path, sizeof(path), "%s/junk.sqlite", tmpl);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("this is not an SQLite database, not even close......\n", f);
	fclose(f);
	assert_int_equal(vulndb_open(path, VULNDB_OPEN_CREATE, &db, &err),
			 -EINVAL);
	unlink(path);
	/* created with its directory, then reopened read-only */
	snprintf(path, sizeof(path), "%s/sub/db.sqlite", tmpl);
	assert_int_equal(vulndb_open(path, VULNDB_OPEN_CREATE, &db, &err), 0);
	vulndb_close(db);
	assert_int_equal(vulndb_open(path, VULNDB_OPEN_READONLY, &db, &err), 0);
	vulndb_close(db);
	vulndb_close(NULL);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", tmpl);
	rmdir(path);
	rmdir(tmpl);
}

/* ---- zip -------------------------------------------------------------- */

static void zip_add(struct archive *a, const char *name, const char *data,
		    int type)
{
	struct archive_entry *e = archive_entry_new();
	size_t n = data ? strlen(data) : 0;

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, (unsigned)type);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)n);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	if (n)
		assert_int_equal(archive_write_data(a, data, n), (la_ssize_t)n);
	archive_entry_free(e);
}

static void test_zip_import_streams_members(void **st)
{
	char path[] = "/tmp/bw-vulndb-zip-XXXXXX";
	struct vulndb_import_stats ist = {0};
	struct warnings w = {0};
	struct bw_error err = {0};
	struct vulndb *db;
	struct archive *a;
	char rec[512];
	int fd;

	(void)st;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	a = archive_write_new();
	assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	zip_add(a, "records/", NULL, AE_IFDIR);
	for (int i = 0; i < 50; i++) {
		char name[64];

		snprintf(rec, sizeof(rec),
			 "{\"id\":\"ZIP-%d\",\"modified\":"
			 "\"2024-01-01T00:00:00Z\",\"aliases\":"
			 "[\"CVE-2024-9%03d\"],\"affected\":[{\"package\":"
			 "{\"ecosystem\":\"crates.io\",\"name\":\"zipped%d\"},"
			 "\"ranges\":[{\"type\":\"SEMVER\",\"events\":"
			 "[{\"introduced\":\"0\"},{\"fixed\":\"1.%d.0\"}]}]}]}",
			 i, i, i, i % 5);
		snprintf(name, sizeof(name), "records/ZIP-%d.json", i);
		zip_add(a, name, rec, AE_IFREG);
	}
	zip_add(a, "README.txt", "not a record", AE_IFREG);
	zip_add(a, "broken.json", "{\"id\": \"X\"}", AE_IFREG);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);

	db = mem_db();
	if (vulndb_import_path(db, path, &ist, collect, &w, &err))
		fail_msg("zip import: %s", err.msg);
	assert_int_equal(ist.files, 51);
	assert_int_equal(ist.records, 50);
	assert_int_equal(ist.invalid, 1);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.last, "broken.json"));
	assert_non_null(strstr(w.last, "/modified"));
	expect(db, "crates.io", "zipped3", "1.2.9", "CVE-2024-9003", "1.3.0");
	expect(db, "crates.io", "zipped3", "1.3.0", NULL, NULL);
	vulndb_close(db);
	unlink(path);
}

static void test_directory_recursion_skips_symlinks(void **st)
{
	struct vulndb_import_stats ist = {0};
	char tmpl[] = "/tmp/bw-vulndb-dir-XXXXXX", link[64], src[1024];
	struct warnings w = {0};
	struct bw_error err = {0};
	struct vulndb *db = mem_db();

	(void)st;
	/* the fixture directory: every document read, bad ones warned */
	import(db, "", &ist, &w);
	assert_int_equal(ist.files, 8);
	assert_int_equal(ist.invalid, 5);
	assert_int_equal(w.n, 5);
	/* a tree holding only a symlink to it imports nothing */
	assert_non_null(mkdtemp(tmpl));
	snprintf(link, sizeof(link), "%s/osv", tmpl);
	assert_int_equal(symlink(fixture("", src, sizeof(src)), link), 0);
	assert_int_equal(vulndb_import_path(db, tmpl, &ist, collect, &w, &err),
			 0);
	assert_int_equal(ist.files, 0);
	unlink(link);
	rmdir(tmpl);
	vulndb_close(db);
}

static void test_unreadable_path_fails(void **st)
{
	struct vulndb *db = mem_db();
	struct bw_error err = {0};

	(void)st;
	assert_int_equal(
	    vulndb_import_path(db, "/nonexistent/osv", NULL, NULL, NULL, &err),
	    -ENOENT);
	assert_string_equal(err.input, "/nonexistent/osv");
	vulndb_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_osv_schema_conformance_records),
	    cmocka_unit_test(test_introduced_fixed_multiple_intervals),
	    cmocka_unit_test(test_last_affected_is_inclusive_dpkg_epochs),
	    cmocka_unit_test(test_limit_and_versions_list),
	    cmocka_unit_test(test_semver_prerelease_range),
	    cmocka_unit_test(test_pypi_names_and_pep440_prereleases),
	    cmocka_unit_test(test_go_versions_with_or_without_v),
	    cmocka_unit_test(test_withdrawn_never_matches),
	    cmocka_unit_test(test_aliases_merge_into_cve),
	    cmocka_unit_test(test_multi_cve_advisories_fold_into_cves),
	    cmocka_unit_test(test_release_ecosystems),
	    cmocka_unit_test(test_severity_and_fix_states),
	    cmocka_unit_test(test_newer_modified_replaces_record),
	    cmocka_unit_test(test_rejected_records_name_the_problem),
	    cmocka_unit_test(test_open_errors),
	    cmocka_unit_test(test_zip_import_streams_members),
	    cmocka_unit_test(test_directory_recursion_skips_symlinks),
	    cmocka_unit_test(test_unreadable_path_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
