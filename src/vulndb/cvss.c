/*
 * cvss.c - CVSS entry point: recognises the vector's version, splits
 * "KEY:VALUE/..." bodies against a metric table (shared by every version),
 * and maps scores to severity bands.  The formulas live in cvss2.c,
 * cvss3.c and cvss4.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vulndb/vulndb_int.h"

enum vuln_severity vuln_severity_from_score(double score)
{
	if (score >= 9.0)
		return VULN_SEV_CRITICAL;
	if (score >= 7.0)
		return VULN_SEV_HIGH;
	if (score >= 4.0)
		return VULN_SEV_MEDIUM;
	if (score > 0.0)
		return VULN_SEV_LOW;
	return VULN_SEV_NONE;
}

const char *vuln_severity_name(enum vuln_severity sev)
{
	static const char *const names[] = {"none", "low", "medium", "high",
					    "critical"};

	if ((unsigned)sev >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[sev];
}

double cvss_round1(double x)
{
	/* the epsilon absorbs binary error such as 4.35 == 4.3499999...;
	 * scores are never negative here, so truncation is floor */
	if (x <= 0)
		return 0.0;
	return (double)(long long)(x * 10.0 + 0.5 + 1e-9) / 10.0;
}

static int cvss_error(struct bw_error *err, const char *vector, size_t pos,
		      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int cvss_error(struct bw_error *err, const char *vector, size_t pos,
		      const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return bw_errorf(err, -EINVAL, "cvss", 0, (int)pos + 1,
			 "invalid CVSS vector \"%.120s\": %s (at byte %zu)",
			 vector, what, pos);
}

/* Index of value v in the '|'-separated list, or -1. */
static int value_index(const char *values, const char *v, size_t vn)
{
	int idx = 0;

	for (const char *p = values;; idx++) {
		size_t n = strcspn(p, "|");

		if (n == vn && memcmp(p, v, n) == 0)
			return idx;
		if (!p[n])
			return -1;
		p += n + 1;
	}
}

int cvss_parse_metrics(const char *vector, const char *body,
		       const struct cvss_metric_def *defs, size_t ndefs,
		       int *ret_idx, struct bw_error *err)
{
	const char *p = body;

	for (size_t i = 0; i < ndefs; i++)
		ret_idx[i] = -1;
	for (;;) {
		size_t n = strcspn(p, "/"), kn;
		const char *colon = memchr(p, ':', n);
		size_t pos = (size_t)(p - vector), d;
		int v;

		if (n == 0)
			return cvss_error(err, vector, pos, "empty metric");
		if (!colon)
			return cvss_error(err, vector, pos,
					  "metric \"%.*s\" has no value",
					  (int)n, p);
		kn = (size_t)(colon - p);
		for (d = 0; d < ndefs; d++)
			if (strlen(defs[d].name) == kn &&
			    memcmp(defs[d].name, p, kn) == 0)
				break;
		if (d == ndefs)
			return cvss_error(err, vector, pos,
					  "unknown metric \"%.*s\"", (int)kn,
					  p);
		if (ret_idx[d] >= 0)
			return cvss_error(err, vector, pos,
					  "metric \"%.*s\" appears twice",
					  (int)kn, p);
		v = value_index(defs[d].values, colon + 1, n - kn - 1);
		if (v < 0)
			return cvss_error(
			    err, vector, pos + kn + 1,
			    "metric \"%.*s\" has an unknown value "
			    "(expected one of %s)",
			    (int)kn, p, defs[d].values);
		ret_idx[d] = v;
		if (!p[n])
			break;
		p += n + 1;
	}
	for (size_t i = 0; i < ndefs; i++)
		if (defs[i].mandatory && ret_idx[i] < 0)
			return cvss_error(err, vector, strlen(vector),
					  "mandatory metric \"%s\" is missing",
					  defs[i].name);
	return 0;
}

int vuln_cvss_score(const char *vector, double *ret_score,
		    enum vuln_severity *ret_sev, struct bw_error *err)
{
	char buf[VULNDB_MAX_CVSS_VECTOR + 1];
	size_t n;
	double score = 0;
	int r;

	if (!vector || !ret_score)
		return -EINVAL;
	n = strnlen(vector, VULNDB_MAX_CVSS_VECTOR + 1);
	if (n > VULNDB_MAX_CVSS_VECTOR)
		return bw_errorf(err, -E2BIG, "cvss", 0, 0,
				 "CVSS vector is longer than %d bytes",
				 VULNDB_MAX_CVSS_VECTOR);
	/* NVD writes v2 vectors in parentheses: "(AV:N/...)" */
	if (n >= 2 && vector[0] == '(' && vector[n - 1] == ')') {
		memcpy(buf, vector + 1, n - 2);
		buf[n - 2] = 0;
	} else {
		memcpy(buf, vector, n + 1);
	}
	if (!strncmp(buf, "CVSS:3.0/", 9))
		r = vuln_cvss3_score(buf, buf + 9, 0, &score, err);
	else if (!strncmp(buf, "CVSS:3.1/", 9))
		r = vuln_cvss3_score(buf, buf + 9, 1, &score, err);
	else if (!strncmp(buf, "CVSS:4.0/", 9))
		r = vuln_cvss4_score(buf, buf + 9, &score, err);
	else if (!strncmp(buf, "CVSS:2.0/", 9))
		r = vuln_cvss2_score(buf, buf + 9, &score, err);
	else if (!strncmp(buf, "CVSS:", 5))
		r = bw_errorf(
		    err, -EINVAL, "cvss", 0, 6,
		    "invalid CVSS vector \"%.120s\": unsupported CVSS "
		    "version (expected 2.0, 3.0, 3.1 or 4.0)",
		    buf);
	else if (!strncmp(buf, "AV:", 3))
		r = vuln_cvss2_score(buf, buf, &score, err);
	else
		r = bw_errorf(err, -EINVAL, "cvss", 0, 1,
			      "invalid CVSS vector \"%.120s\": expected a "
			      "\"CVSS:3.x/\" or \"CVSS:4.0/\" prefix or a v2 "
			      "vector",
			      buf);
	if (r)
		return r;
	*ret_score = score;
	if (ret_sev)
		*ret_sev = vuln_severity_from_score(score);
	return 0;
}
