/* test_vulndb_versions.c - version ordering per ecosystem: the shared
 * conformance vectors (shared/conformance/versions), the rules of each
 * scheme one behaviour at a time, ecosystem names and error reporting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vulndb/vulndb.h"

/* ---- helpers ------------------------------------------------------------ */

static int cmp(enum vuln_ecosystem eco, const char *a, const char *b)
{
	struct bw_error err = {0};
	int c = 99, r;

	r = vuln_version_compare(eco, a, strlen(a), b, strlen(b), &c, &err);
	if (r)
		fail_msg("%s: compare(\"%s\", \"%s\") failed: %s",
			 vuln_ecosystem_name(eco), a, b, err.msg);
	return c;
}

static void expect_order(enum vuln_ecosystem eco, const char *a, int want,
			 const char *b)
{
	int got = cmp(eco, a, b), back = cmp(eco, b, a);

	if (got != want || back != -want)
		fail_msg("%s: \"%s\" vs \"%s\": want %d, got %d (reverse %d)",
			 vuln_ecosystem_name(eco), a, b, want, got, back);
}

#define LT(eco, a, b) expect_order(eco, a, -1, b)
#define EQ(eco, a, b) expect_order(eco, a, 0, b)

static int invalid(enum vuln_ecosystem eco, const char *a, struct bw_error *err)
{
	int c = 99;

	return vuln_version_compare(eco, a, strlen(a), "1", 1, &c, err);
}

/* ---- conformance files --------------------------------------------------- */

struct line_result {
	int pass, total;
};

static int shared_path(const char *name, char *buf, size_t len)
{
	const char *sh = getenv("BW_SHARED_DIR");
	const char *ci = getenv("CI");

	snprintf(buf, len, "%s/conformance/versions/%s",
		 sh ? sh : "/work/shared", name);
	if (access(buf, R_OK) == 0)
		return 0;
	if (ci && !strcmp(ci, "true"))
		fail_msg("conformance file %s is missing (CI=true)", buf);
	fprintf(stderr, "SKIP: conformance file %s not found\n", buf);
	return -1;
}

/* Is "file | line | why" listed in tests/data/vulndb/known-divergences.txt? */
static bool known_divergence(const char *file, const char *line)
{
	const char *src = getenv("BW_SOURCE_DIR");
	char path[1024], buf[4400], want[4400];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path),
		 "%s/tests/data/vulndb/known-divergences.txt", src ? src : ".");
	f = fopen(path, "r");
	if (!f)
		return false;
	snprintf(want, sizeof(want), "%s | %s | ", file, line);
	while (!found && fgets(buf, sizeof(buf), f))
		found = strncmp(buf, want, strlen(want)) == 0;
	fclose(f);
	return found;
}

static bool line_holds(enum vuln_ecosystem eco, const char *a, const char *op,
		       const char *b, char *why, size_t whylen)
{
	struct bw_error err = {0};
	int c = 99, back = 99, r;

	r = vuln_version_compare(eco, a, strlen(a), b, strlen(b), &c, &err);
	if (!r)
		r = vuln_version_compare(eco, b, strlen(b), a, strlen(a), &back,
					 &err);
	if (r) {
		snprintf(why, whylen, "error: %s", err.msg);
		return false;
	}
	snprintf(why, whylen, "got %s", c < 0 ? "<" : c > 0 ? ">" : "=");
	if (back != -c) {
		snprintf(why, whylen, "not antisymmetric (%d, %d)", c, back);
		return false;
	}
	if (!strcmp(op, "<"))
		return c < 0;
	if (!strcmp(op, ">"))
		return c > 0;
	if (!strcmp(op, "="))
		return c == 0;
	if (!strcmp(op, "!="))
		return c != 0;
	snprintf(why, whylen, "unknown operator \"%s\"", op);
	return false;
}

/*
 * Checks every "A op B" line of a conformance file (blank lines and '#' or
 * '//' comments skipped).  A line that does not hold fails the test unless
 * allow_known and it is a listed known divergence, which must then still
 * not hold.  Returns -1 when the file is absent (the caller skips).
 */
static int check_file(const char *label, const char *file,
		      enum vuln_ecosystem eco, bool allow_known)
{
	char path[1024], line[4096], why[600];
	int pass = 0, total = 0, bad = 0, known = 0;
	FILE *f;

	if (shared_path(file, path, sizeof(path)))
		return -1;
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char a[2048], op[16], b[2048], *p = line;
		bool ok, listed;

		line[strcspn(line, "\r\n")] = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#' || (p[0] == '/' && p[1] == '/'))
			continue;
		total++;
		if (sscanf(p, "%2047s %15s %2047s", a, op, b) != 3) {
			fprintf(stderr, "  %s: malformed line: %s\n", file, p);
			bad++;
			continue;
		}
		ok = line_holds(eco, a, op, b, why, sizeof(why));
		listed = allow_known && known_divergence(file, p);
		if (ok && !listed) {
			pass++;
		} else if (!ok && listed) {
			known++;
		} else if (ok && listed) {
			fprintf(stderr,
				"  %s: now holds, remove it from "
				"known-divergences.txt: %s\n",
				file, p);
			bad++;
			pass++;
		} else {
			fprintf(stderr, "  %s: FAIL: %s (%s)\n", file, p, why);
			bad++;
		}
	}
	fclose(f);
	printf("%s: %d/%d%s\n", label, pass, total,
	       known ? " (rest: known divergences)" : "");
	if (known)
		printf("%s: %d known divergences listed in "
		       "tests/data/vulndb/known-divergences.txt\n",
		       label, known);
	assert_true(total > 0);
	if (bad)
		fail_msg("%s: %d of %d lines do not hold", file, bad, total);
	return 0;
}

#define CONFORMANCE(fn, label, file, eco, allow)                               \
	static void fn(void **st)                                              \
	{                                                                      \
		(void)st;                                                      \
		if (check_file(label, file, eco, allow))                       \
			skip();                                                \
	}

CONFORMANCE(test_debian_generated_vectors_all_hold, "debian",
	    "debian-versions-generated.txt", VULN_ECO_DPKG, false)
CONFORMANCE(test_alpine_generated_vectors_all_hold, "alpine",
	    "alpine-versions-generated.txt", VULN_ECO_APK, false)
CONFORMANCE(test_pypi_generated_vectors_all_hold, "pypi",
	    "pypi-versions-generated.txt", VULN_ECO_PEP440, false)
CONFORMANCE(test_maven_generated_vectors_all_hold, "maven",
	    "maven-versions-generated.txt", VULN_ECO_MAVEN, false)
CONFORMANCE(test_semver_vectors_all_hold, "semver", "semver-versions.txt",
	    VULN_ECO_SEMVER, false)
CONFORMANCE(test_redhat_vectors_all_hold, "redhat", "redhat-versions.txt",
	    VULN_ECO_RPM, false)
CONFORMANCE(test_debian_handwritten_vectors_hold_or_are_listed,
	    "debian (hand-written)", "debian-versions.txt", VULN_ECO_DPKG, true)
CONFORMANCE(test_alpine_handwritten_vectors_hold_or_are_listed,
	    "alpine (hand-written)", "alpine-versions.txt", VULN_ECO_APK, true)
CONFORMANCE(test_pypi_handwritten_vectors_hold_or_are_listed,
	    "pypi (hand-written)", "pypi-versions.txt", VULN_ECO_PEP440, true)
CONFORMANCE(test_maven_handwritten_vectors_hold_or_are_listed,
	    "maven (hand-written)", "maven-versions.txt", VULN_ECO_MAVEN, true)

/* ---- dpkg ------------------------------------------------------------------
 */

static void test_dpkg_tilde_sorts_before_everything(void **st)
{
	(void)st;
	LT(VULN_ECO_DPKG, "1.0~rc1", "1.0");
	LT(VULN_ECO_DPKG, "1.0~~", "1.0~");
	LT(VULN_ECO_DPKG, "1.2.3-1~deb7u1", "1.2.3-1");
}

static void test_dpkg_letters_sort_before_other_characters(void **st)
{
	(void)st;
	LT(VULN_ECO_DPKG, "1.0a", "1.0+");
	LT(VULN_ECO_DPKG, "1.0", "1.0a");
	LT(VULN_ECO_DPKG, "2.7.4+reloaded2-13ubuntu1",
	   "2.7.4+reloaded2-13+deb9u1");
}

static void test_dpkg_digit_runs_compare_numerically(void **st)
{
	(void)st;
	LT(VULN_ECO_DPKG, "0.9", "0.10");
	EQ(VULN_ECO_DPKG, "1.001", "1.1");
	LT(VULN_ECO_DPKG, "99999999999999999999", "100000000000000000000");
}

static void test_dpkg_epoch_wins_and_missing_revision_is_zero(void **st)
{
	(void)st;
	LT(VULN_ECO_DPKG, "9.9", "1:0.1");
	EQ(VULN_ECO_DPKG, "0:1.0", "1.0");
	EQ(VULN_ECO_DPKG, "1.0", "1.0-0");
}

static void test_dpkg_rejects_bad_epoch_with_position(void **st)
{
	struct bw_error err = {0};

	(void)st;
	assert_int_equal(invalid(VULN_ECO_DPKG, "1a:2.0", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "\"1a:2.0\""));
	assert_non_null(strstr(err.msg, "epoch"));
	assert_non_null(strstr(err.msg, "byte 1"));
	assert_int_equal(invalid(VULN_ECO_DPKG, "1.0-", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "revision"));
	assert_int_equal(invalid(VULN_ECO_DPKG, "1: 0", &err), -EINVAL);
}

/* ---- apk -------------------------------------------------------------------
 */

static void test_apk_suffix_order(void **st)
{
	static const char *order[] = {
	    "1.2_alpha", "1.2_beta1", "1.2_pre2", "1.2_rc1", "1.2",
	    "1.2_cvs1",	 "1.2_svn1",  "1.2_git1", "1.2_hg1", "1.2_p1"};

	(void)st;
	for (size_t i = 0; i + 1 < sizeof(order) / sizeof(order[0]); i++)
		LT(VULN_ECO_APK, order[i], order[i + 1]);
}

static void test_apk_revision_and_letter(void **st)
{
	(void)st;
	LT(VULN_ECO_APK, "1.2.3-r9", "1.2.3-r10");
	LT(VULN_ECO_APK, "1.2.3", "1.2.3-r0");
	LT(VULN_ECO_APK, "1.2.3", "1.2.3a");
	LT(VULN_ECO_APK, "1.2.3a", "1.2.4");
	LT(VULN_ECO_APK, "6.6.1p1-r2", "6.6.1p1-r3");
}

static void test_apk_leading_zero_compares_as_string(void **st)
{
	(void)st;
	LT(VULN_ECO_APK, "1.01", "1.1");
	LT(VULN_ECO_APK, "1.09", "1.1");
}

static void test_apk_invalid_tail_sorts_before_end(void **st)
{
	(void)st;
	LT(VULN_ECO_APK, "1.2.0A", "1.2.0");
	LT(VULN_ECO_APK, "1-r-1", "1-r0");
}

/* ---- rpm -------------------------------------------------------------------
 */

static void test_rpm_tilde_and_caret(void **st)
{
	(void)st;
	LT(VULN_ECO_RPM, "1.0~rc1", "1.0");
	LT(VULN_ECO_RPM, "1.0", "1.0^git1");
	LT(VULN_ECO_RPM, "1.0^git1", "1.0.1");
	LT(VULN_ECO_RPM, "1.0^git1~pre", "1.0^git1");
}

static void test_rpm_epoch_version_release(void **st)
{
	(void)st;
	LT(VULN_ECO_RPM, "9.9-1", "1:0.1-1");
	LT(VULN_ECO_RPM, "3.10.0-229.el7", "3.10.0-229.1.2.el7");
	LT(VULN_ECO_RPM, "1.0-1.el8", "1.0-1.el8_4.2");
	EQ(VULN_ECO_RPM, "10.0001", "10.1");
	LT(VULN_ECO_RPM, "1", "1-0");
}

static void test_rpm_numbers_beat_letters(void **st)
{
	(void)st;
	LT(VULN_ECO_RPM, "1.a", "1.1");
	LT(VULN_ECO_RPM, "xyz.4", "2");
}

/* ---- PEP 440 ---------------------------------------------------------------
 */

static void test_pep440_normalisation(void **st)
{
	(void)st;
	EQ(VULN_ECO_PEP440, "1.0a1", "1.0.0a1");
	EQ(VULN_ECO_PEP440, "1.0-post1", "1.0.post1");
	EQ(VULN_ECO_PEP440, "1.0-1", "1.0.post1");
	EQ(VULN_ECO_PEP440, "1.0.DEV0", "1.0.dev");
	EQ(VULN_ECO_PEP440, "v1.0", "1.0");
	EQ(VULN_ECO_PEP440, "1.0alpha1", "1.0a1");
	EQ(VULN_ECO_PEP440, "1.0c1", "1.0rc1");
	EQ(VULN_ECO_PEP440, " 1.0 ", "1.0");
}

static void test_pep440_release_phases_order(void **st)
{
	static const char *order[] = {
	    "1.0.dev0", "1.0a1.dev1", "1.0a1",		"1.0b1",     "1.0rc1",
	    "1.0",	"1.0+local",  "1.0.post1.dev1", "1.0.post1", "1.1"};

	(void)st;
	for (size_t i = 0; i + 1 < sizeof(order) / sizeof(order[0]); i++)
		LT(VULN_ECO_PEP440, order[i], order[i + 1]);
}

static void test_pep440_epoch_and_local(void **st)
{
	(void)st;
	LT(VULN_ECO_PEP440, "2.0", "1!1.0");
	LT(VULN_ECO_PEP440, "1.0+abc", "1.0+1");
	LT(VULN_ECO_PEP440, "1.0+1", "1.0+1.0");
}

static void test_pep440_legacy_versions_sort_first(void **st)
{
	(void)st;
	LT(VULN_ECO_PEP440, "0.9-doduo", "0.1");
	LT(VULN_ECO_PEP440, "0.1-bulbasaur", "0.1-charmander");
	LT(VULN_ECO_PEP440, "0.3m1", "0.3m2");
}

/* ---- SemVer, npm, Go, crates.io
 * ---------------------------------------------- */

static void test_semver_prerelease_ordering(void **st)
{
	static const char *order[] = {
	    "1.0.0-alpha",  "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
	    "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",	 "1.0.0"};

	(void)st;
	for (size_t i = 0; i + 1 < sizeof(order) / sizeof(order[0]); i++)
		LT(VULN_ECO_NPM, order[i], order[i + 1]);
}

static void test_semver_build_metadata_and_v_prefix_ignored(void **st)
{
	(void)st;
	EQ(VULN_ECO_CRATES, "1.2.3+build.5", "1.2.3");
	EQ(VULN_ECO_SEMVER, "v1.2.3", "1.2.3");
	EQ(VULN_ECO_GO, "v2.0.0+incompatible", "v2.0.0");
	LT(VULN_ECO_SEMVER, "999999999999999999999.0.0",
	   "1000000000000000000000.0.0");
}

static void test_go_pseudo_versions_are_prereleases(void **st)
{
	(void)st;
	LT(VULN_ECO_GO, "v0.0.0-20191109021931-daa7c04131f5", "v0.0.1");
	LT(VULN_ECO_GO, "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4");
	LT(VULN_ECO_GO, "v1.2.3", "v1.2.4-0.20191109021931-daa7c04131f5");
}

static void test_semver_rejects_garbage_with_position(void **st)
{
	struct bw_error err = {0};

	(void)st;
	assert_int_equal(invalid(VULN_ECO_NPM, "1.2.x", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "\"1.2.x\""));
	assert_int_equal(err.column, 5);
	assert_int_equal(invalid(VULN_ECO_NPM, "1.2.3-", &err), -EINVAL);
	assert_int_equal(invalid(VULN_ECO_NPM, "1.2.3-a..b", &err), -EINVAL);
	assert_int_equal(invalid(VULN_ECO_GO, "version", &err), -EINVAL);
}

/* ---- Maven -----------------------------------------------------------------
 */

static void test_maven_qualifier_order(void **st)
{
	static const char *order[] = {
	    "1.0-alpha1", "1.0-beta1",	  "1.0-milestone1",
	    "1.0-rc1",	  "1.0-SNAPSHOT", "1.0",
	    "1.0-sp1",	  "1.0-whatever", "1.0.1"};

	(void)st;
	for (size_t i = 0; i + 1 < sizeof(order) / sizeof(order[0]); i++)
		LT(VULN_ECO_MAVEN, order[i], order[i + 1]);
}

static void test_maven_aliases_and_trailing_zeros(void **st)
{
	(void)st;
	EQ(VULN_ECO_MAVEN, "1.0.0", "1");
	EQ(VULN_ECO_MAVEN, "1-ga", "1");
	EQ(VULN_ECO_MAVEN, "1.final", "1");
	EQ(VULN_ECO_MAVEN, "1cr", "1rc");
	EQ(VULN_ECO_MAVEN, "1a1", "1-alpha-1");
	EQ(VULN_ECO_MAVEN, "1.0-ALPHA1", "1.0-alpha1");
	LT(VULN_ECO_MAVEN, "1.0", "1.0-1");
}

/* ---- names, limits, antisymmetry --------------------------------------------
 */

static void test_ecosystem_names_parse(void **st)
{
	static const struct {
		const char *name;
		enum vuln_ecosystem eco;
	} names[] = {
	    {"Debian", VULN_ECO_DPKG},
	    {"debian:12", VULN_ECO_DPKG},
	    {"Ubuntu:22.04:LTS", VULN_ECO_DPKG},
	    {"Alpine:v3.19", VULN_ECO_APK},
	    {"Red Hat", VULN_ECO_RPM},
	    {"AlmaLinux:9", VULN_ECO_RPM},
	    {"rocky linux", VULN_ECO_RPM},
	    {"PyPI", VULN_ECO_PEP440},
	    {"npm", VULN_ECO_NPM},
	    {"Go", VULN_ECO_GO},
	    {"MAVEN", VULN_ECO_MAVEN},
	    {"crates.io", VULN_ECO_CRATES},
	    {"SemVer", VULN_ECO_SEMVER},
	};
	enum vuln_ecosystem eco;

	(void)st;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(vuln_ecosystem_parse(names[i].name, &eco), 0);
		assert_int_equal(eco, names[i].eco);
	}
	assert_int_equal(vuln_ecosystem_parse("Hackage", &eco), -ENOENT);
	assert_int_equal(vuln_ecosystem_parse("Deb", &eco), -ENOENT);
}

static void test_empty_long_and_nul_versions_are_errors(void **st)
{
	static char big[VULNDB_MAX_VERSION + 2];
	struct bw_error err = {0};
	int c = 99;

	(void)st;
	memset(big, '1', sizeof(big) - 1);
	for (int e = 0; e < VULN_ECO__COUNT; e++) {
		assert_int_equal(
		    vuln_version_compare(e, "", 0, "1", 1, &c, &err), -EINVAL);
		assert_int_equal(
		    vuln_version_compare(e, big, strlen(big), "1", 1, &c, &err),
		    -E2BIG);
		assert_int_equal(
		    vuln_version_compare(e, "1\0002", 3, "1", 1, &c, &err),
		    -EINVAL);
		assert_int_equal(c, 99);
	}
	assert_int_equal(
	    vuln_version_compare(VULN_ECO__COUNT, "1", 1, "1", 1, &c, &err),
	    -ENOENT);
}

static void test_versions_need_no_nul_terminator(void **st)
{
	const char buf[] = "1.2.31.2.4";
	int c = 99;

	(void)st;
	for (int e = 0; e < VULN_ECO__COUNT; e++) {
		assert_int_equal(
		    vuln_version_compare(e, buf, 5, buf + 5, 5, &c, NULL), 0);
		assert_int_equal(c, -1);
	}
}

static void test_compare_is_antisymmetric_on_mixed_samples(void **st)
{
	static const char *samples[] = {
	    "1",	 "1.0",	       "1.0.0",	   "1.0a1",  "1.0-1",
	    "1.0~rc1",	 "1:1.0",      "1.0-r1",   "1.0_p1", "1.0^1",
	    "v1.0.0",	 "1.0.0-rc.1", "1.0.dev1", "1.0+x",  "1-alpha",
	    "1.0.post1", "a",	       "0..1",
	};
	const size_t n = sizeof(samples) / sizeof(samples[0]);

	(void)st;
	for (int e = 0; e < VULN_ECO__COUNT; e++)
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < n; j++) {
				int x = 99, y = 99;
				int rx = vuln_version_compare(
				    e, samples[i], strlen(samples[i]),
				    samples[j], strlen(samples[j]), &x, NULL);
				int ry = vuln_version_compare(
				    e, samples[j], strlen(samples[j]),
				    samples[i], strlen(samples[i]), &y, NULL);

				if (rx || ry)
					continue;
				if (x != -y)
					fail_msg("%s: %s vs %s: %d / %d",
						 vuln_ecosystem_name(e),
						 samples[i], samples[j], x, y);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_debian_generated_vectors_all_hold),
	    cmocka_unit_test(test_alpine_generated_vectors_all_hold),
	    cmocka_unit_test(test_pypi_generated_vectors_all_hold),
	    cmocka_unit_test(test_maven_generated_vectors_all_hold),
	    cmocka_unit_test(test_semver_vectors_all_hold),
	    cmocka_unit_test(test_redhat_vectors_all_hold),
	    cmocka_unit_test(
		test_debian_handwritten_vectors_hold_or_are_listed),
	    cmocka_unit_test(
		test_alpine_handwritten_vectors_hold_or_are_listed),
	    cmocka_unit_test(test_pypi_handwritten_vectors_hold_or_are_listed),
	    cmocka_unit_test(test_maven_handwritten_vectors_hold_or_are_listed),
	    cmocka_unit_test(test_dpkg_tilde_sorts_before_everything),
	    cmocka_unit_test(test_dpkg_letters_sort_before_other_characters),
	    cmocka_unit_test(test_dpkg_digit_runs_compare_numerically),
	    cmocka_unit_test(test_dpkg_epoch_wins_and_missing_revision_is_zero),
	    cmocka_unit_test(test_dpkg_rejects_bad_epoch_with_position),
	    cmocka_unit_test(test_apk_suffix_order),
	    cmocka_unit_test(test_apk_revision_and_letter),
	    cmocka_unit_test(test_apk_leading_zero_compares_as_string),
	    cmocka_unit_test(test_apk_invalid_tail_sorts_before_end),
	    cmocka_unit_test(test_rpm_tilde_and_caret),
	    cmocka_unit_test(test_rpm_epoch_version_release),
	    cmocka_unit_test(test_rpm_numbers_beat_letters),
	    cmocka_unit_test(test_pep440_normalisation),
	    cmocka_unit_test(test_pep440_release_phases_order),
	    cmocka_unit_test(test_pep440_epoch_and_local),
	    cmocka_unit_test(test_pep440_legacy_versions_sort_first),
	    cmocka_unit_test(test_semver_prerelease_ordering),
	    cmocka_unit_test(test_semver_build_metadata_and_v_prefix_ignored),
	    cmocka_unit_test(test_go_pseudo_versions_are_prereleases),
	    cmocka_unit_test(test_semver_rejects_garbage_with_position),
	    cmocka_unit_test(test_maven_qualifier_order),
	    cmocka_unit_test(test_maven_aliases_and_trailing_zeros),
	    cmocka_unit_test(test_ecosystem_names_parse),
	    cmocka_unit_test(test_empty_long_and_nul_versions_are_errors),
	    cmocka_unit_test(test_versions_need_no_nul_terminator),
	    cmocka_unit_test(test_compare_is_antisymmetric_on_mixed_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
