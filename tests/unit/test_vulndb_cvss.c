/* test_vulndb_cvss.c - CVSS v2/v3.x/v4.0 scores of known vectors
 * (tests/data/vulndb/cvss-scores.txt), severity bands, and malformed
 * vectors rejected with the metric named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/vulndb.h"

static double dabs(double x) { return x < 0 ? -x : x; }

static double score_of(const char *vector)
{
	struct bw_error err = {0};
	double s = -1;

	if (vuln_cvss_score(vector, &s, NULL, &err))
		fail_msg("%s: %s", vector, err.msg);
	return s;
}

static void test_known_vectors_score_as_published(void **st)
{
	const char *src = getenv("BW_SOURCE_DIR");
	char path[1024], line[1024];
	int n = 0;
	FILE *f;

	(void)st;
	snprintf(path, sizeof(path), "%s/tests/data/vulndb/cvss-scores.txt",
		 src ? src : ".");
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char vec[600];
		double want, got;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		assert_int_equal(sscanf(line, "%599s %lf", vec, &want), 2);
		got = score_of(vec);
		if (dabs(got - want) > 1e-9)
			fail_msg("%s: want %.1f, got %.1f", vec, want, got);
		n++;
	}
	fclose(f);
	assert_true(n >= 30);
}

static void test_v31_headline_vectors(void **st)
{
	(void)st;
	assert_true(
	    dabs(score_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") -
		 9.8) < 1e-9);
	assert_true(
	    dabs(score_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H") -
		 10.0) < 1e-9);
	assert_true(
	    dabs(score_of("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N") -
		 5.5) < 1e-9);
}

static void test_v40_all_high_network_vector_is_9_3(void **st)
{
	(void)st;
	assert_true(dabs(score_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/"
				  "VA:H/SC:N/SI:N/SA:N") -
			 9.3) < 1e-9);
}

static void test_metric_order_does_not_matter(void **st)
{
	(void)st;
	assert_true(
	    dabs(score_of("CVSS:3.1/C:H/I:H/A:H/S:U/UI:N/PR:N/AC:L/AV:N") -
		 9.8) < 1e-9);
}

static void test_severity_bands(void **st)
{
	static const struct {
		double score;
		enum vuln_severity sev;
	} bands[] = {
	    {0.0, VULN_SEV_NONE},      {0.1, VULN_SEV_LOW},
	    {3.9, VULN_SEV_LOW},       {4.0, VULN_SEV_MEDIUM},
	    {6.9, VULN_SEV_MEDIUM},    {7.0, VULN_SEV_HIGH},
	    {8.9, VULN_SEV_HIGH},      {9.0, VULN_SEV_CRITICAL},
	    {10.0, VULN_SEV_CRITICAL},
	};
	enum vuln_severity sev;
	double s;

	(void)st;
	for (size_t i = 0; i < sizeof(bands) / sizeof(bands[0]); i++)
		assert_int_equal(vuln_severity_from_score(bands[i].score),
				 bands[i].sev);
	assert_int_equal(
	    vuln_cvss_score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", &s,
			    &sev, NULL),
	    0);
	assert_int_equal(sev, VULN_SEV_MEDIUM);
	assert_string_equal(vuln_severity_name(sev), "medium");
}

static void expect_error(const char *vector, const char *needle)
{
	struct bw_error err = {0};
	double s = 42;
	enum vuln_severity sev = VULN_SEV_HIGH;

	assert_int_equal(vuln_cvss_score(vector, &s, &sev, &err), -EINVAL);
	if (!strstr(err.msg, needle))
		fail_msg("%s: message \"%s\" lacks \"%s\"", vector, err.msg,
			 needle);
	assert_true(s == 42);
	assert_int_equal(sev, VULN_SEV_HIGH);
}

static void test_missing_metric_is_named(void **st)
{
	(void)st;
	expect_error("CVSS:3.1/AV:N", "mandatory metric \"AC\" is missing");
	expect_error(
	    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/SC:N/SI:N/SA:N",
	    "mandatory metric \"VA\" is missing");
	expect_error("AV:N/AC:L/Au:N/C:P/I:P", "mandatory metric \"A\"");
}

static void test_duplicate_metric_is_named(void **st)
{
	(void)st;
	expect_error("CVSS:3.1/AV:N/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:L",
		     "metric \"AV\" appears twice");
}

static void test_unknown_metric_and_value_are_named(void **st)
{
	(void)st;
	expect_error("CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:L/XX:X",
		     "unknown metric \"XX\"");
	expect_error("CVSS:3.1/AV:J/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:L",
		     "metric \"AV\" has an unknown value");
	expect_error(
	    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/ui:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N",
	    "unknown metric \"ui\"");
	expect_error(
	    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N",
	    "metric \"SI\" has an unknown value");
}

static void test_malformed_structure_is_rejected(void **st)
{
	(void)st;
	expect_error("", "prefix");
	expect_error("CVSS:5.0/AV:N", "unsupported CVSS version");
	expect_error("CVSS:3.1/", "empty metric");
	expect_error("CVSS:3.1/AV:N//AC:L", "empty metric");
	expect_error("CVSS:3.1/AV", "has no value");
}

static void test_overlong_vector_is_rejected(void **st)
{
	char big[VULNDB_MAX_CVSS_VECTOR + 16];
	double s;

	(void)st;
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(vuln_cvss_score(big, &s, NULL, NULL), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_vectors_score_as_published),
	    cmocka_unit_test(test_v31_headline_vectors),
	    cmocka_unit_test(test_v40_all_high_network_vector_is_9_3),
	    cmocka_unit_test(test_metric_order_does_not_matter),
	    cmocka_unit_test(test_severity_bands),
	    cmocka_unit_test(test_missing_metric_is_named),
	    cmocka_unit_test(test_duplicate_metric_is_named),
	    cmocka_unit_test(test_unknown_metric_and_value_are_named),
	    cmocka_unit_test(test_malformed_structure_is_rejected),
	    cmocka_unit_test(test_overlong_vector_is_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
