/*
 * vulndb_int.h - internal interface of the vulndb subsystem: one compare
 * function per version scheme (version_<scheme>.c), one scorer per CVSS
 * version (cvss<N>.c), and the small byte helpers they share.
 *
 * The per-scheme functions receive strings already checked by
 * vuln_version_compare (non-empty, at most VULNDB_MAX_VERSION bytes, no NUL)
 * and write -1/0/1 to *ret_cmp.
 */
#ifndef BW_VULNDB_VULNDB_INT_H
#define BW_VULNDB_VULNDB_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "vulndb/vulndb.h"

int vuln_cmp_dpkg(const char *a, size_t alen, const char *b, size_t blen,
		  int *ret_cmp, struct bw_error *err);
int vuln_cmp_apk(const char *a, size_t alen, const char *b, size_t blen,
		 int *ret_cmp, struct bw_error *err);
int vuln_cmp_rpm(const char *a, size_t alen, const char *b, size_t blen,
		 int *ret_cmp, struct bw_error *err);
int vuln_cmp_pep440(const char *a, size_t alen, const char *b, size_t blen,
		    int *ret_cmp, struct bw_error *err);
int vuln_pep440_legacy_cmp(const char *a, size_t alen, const char *b,
			   size_t blen, int *ret_cmp, struct bw_error *err);
int vuln_cmp_semver(const char *a, size_t alen, const char *b, size_t blen,
		    int *ret_cmp, struct bw_error *err);
int vuln_cmp_maven(const char *a, size_t alen, const char *b, size_t blen,
		   int *ret_cmp, struct bw_error *err);

/*
 * Records "invalid <scheme> version "<v>": <what> (at byte <pos>)" in err,
 * with err->column = pos + 1, and returns -EINVAL.  Non-printable bytes of
 * v are shown as '?'.
 */
int vuln_version_error(struct bw_error *err, const char *scheme, const char *v,
		       size_t vlen, size_t pos, const char *what);

/* Compares two runs of ASCII digits as unbounded non-negative integers
 * (leading zeros ignored).  Returns -1, 0 or 1. */
int vuln_numcmp(const char *a, size_t alen, const char *b, size_t blen);

/* Byte-wise comparison, a shorter prefix sorting first.  -1, 0 or 1. */
int vuln_bytecmp(const char *a, size_t alen, const char *b, size_t blen);

static inline int vuln_sign(long long v) { return (v > 0) - (v < 0); }

static inline bool vuln_isdigit(int c) { return c >= '0' && c <= '9'; }

static inline bool vuln_islower(int c) { return c >= 'a' && c <= 'z'; }

static inline bool vuln_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool vuln_isalnum(int c)
{
	return vuln_isalpha(c) || vuln_isdigit(c);
}

static inline int vuln_tolower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Length of the run of ASCII digits at s[0..n). */
static inline size_t vuln_digits(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && vuln_isdigit((unsigned char)s[i]))
		i++;
	return i;
}

/* CVSS scorers: vector is NUL-terminated and at most
 * VULNDB_MAX_CVSS_VECTOR bytes; body points after the "CVSS:x.y/" prefix. */
int vuln_cvss2_score(const char *vector, const char *body, double *ret_score,
		     struct bw_error *err);
int vuln_cvss3_score(const char *vector, const char *body, int minor,
		     double *ret_score, struct bw_error *err);
int vuln_cvss4_score(const char *vector, const char *body, double *ret_score,
		     struct bw_error *err);

/*
 * A CVSS metric definition: abbreviation, the '|'-separated values it may
 * take, and whether it is mandatory.  cvss_parse_metrics() splits a body
 * "K:V/K:V/..." against a table of them and stores, for each metric, the
 * index of its value in values (or -1 when absent).
 */
struct cvss_metric_def {
	const char *name;
	const char *values;
	bool mandatory;
};

#define CVSS_MAX_METRICS 40

int cvss_parse_metrics(const char *vector, const char *body,
		       const struct cvss_metric_def *defs, size_t ndefs,
		       int *ret_idx, struct bw_error *err);

/* Rounds half up to one decimal, tolerating binary floating-point error. */
double cvss_round1(double x);

#endif
