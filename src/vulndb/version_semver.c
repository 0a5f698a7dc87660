/*
 * version_semver.c - SemVer 2.0.0 ordering, used for npm, crates.io, Go
 * modules and OSV "SEMVER" ranges.
 *
 *   [v]MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]
 *
 * The core numbers compare numerically (no size limit); a version with a
 * pre-release sorts before the same version without one; pre-release
 * identifiers compare left to right, numeric ones numerically and below
 * alphanumeric ones, alphanumeric ones bytewise (ASCII), and a shorter list
 * that is a prefix of the other sorts first.  Build metadata is ignored, so
 * Go's "+incompatible" is too, and Go pseudo-versions
 * (v0.0.0-20191109021931-daa7c04131f5) are ordinary pre-releases.
 *
 * Leniency, for the versions real advisories carry: a leading 'v' is
 * accepted everywhere; MINOR and PATCH may be omitted ("1.2" is 1.2.0);
 * numeric parts with leading zeros compare numerically; more than three
 * numeric core parts ("1.2.3.4") are compared as further core parts
 * (1.2.3 == 1.2.3.0 < 1.2.3.4).  Empty identifiers, characters outside
 * [0-9A-Za-z-] in identifiers and anything after the core that is not
 * "-" or "+" are errors.
 */
#include "vulndb/vulndb_int.h"

#define SEMVER_MAX_PARTS 64

struct span {
	const char *p;
	size_t n;
};

struct semver {
	struct span core[SEMVER_MAX_PARTS];
	size_t ncore;
	struct span pre[SEMVER_MAX_PARTS];
	size_t npre;
};

static bool ident_char(int c) { return vuln_isalnum(c) || c == '-'; }

/* Parses dot-separated identifiers from s[*pos..n) up to stop (or end). */
static int semver_idents(const char *s, size_t n, size_t *pos, char stop,
			 struct span *out, size_t *nout, const char *what,
			 struct bw_error *err)
{
	for (;;) {
		size_t st = *pos;

		while (*pos < n && ident_char((unsigned char)s[*pos]))
			(*pos)++;
		if (*pos == st)
			return vuln_version_error(err, "SemVer", s, n, *pos,
						  what);
		if (out) {
			if (*nout == SEMVER_MAX_PARTS)
				return vuln_version_error(
				    err, "SemVer", s, n, st,
				    "too many pre-release identifiers");
			out[*nout].p = s + st;
			out[(*nout)++].n = *pos - st;
		}
		if (*pos >= n || s[*pos] == stop)
			return 0;
		if (s[*pos] != '.')
			return vuln_version_error(err, "SemVer", s, n, *pos,
						  "invalid character");
		(*pos)++;
	}
}

static int semver_parse(const char *s, size_t n, struct semver *v,
			struct bw_error *err)
{
	size_t pos = 0;
	int r;

	v->ncore = v->npre = 0;
	if (pos < n && (s[pos] == 'v' || s[pos] == 'V'))
		pos++;
	for (;;) {
		size_t d = vuln_digits(s + pos, n - pos);

		if (d == 0)
			return vuln_version_error(err, "SemVer", s, n, pos,
						  "expected a number");
		if (v->ncore == SEMVER_MAX_PARTS)
			return vuln_version_error(err, "SemVer", s, n, pos,
						  "too many numeric parts");
		v->core[v->ncore].p = s + pos;
		v->core[v->ncore++].n = d;
		pos += d;
		if (pos < n && s[pos] == '.')
			pos++;
		else
			break;
	}
	if (pos < n && s[pos] == '-') {
		pos++;
		r = semver_idents(s, n, &pos, '+', v->pre, &v->npre,
				  "empty pre-release identifier", err);
		if (r)
			return r;
	}
	if (pos < n && s[pos] == '+') {
		pos++;
		r = semver_idents(s, n, &pos, 0, NULL, NULL,
				  "empty build metadata identifier", err);
		if (r)
			return r;
	}
	if (pos != n)
		return vuln_version_error(err, "SemVer", s, n, pos,
					  "unexpected character");
	return 0;
}

static bool is_numeric(struct span s) { return vuln_digits(s.p, s.n) == s.n; }

static int semver_cmp(const struct semver *a, const struct semver *b)
{
	size_t n = a->ncore > b->ncore ? a->ncore : b->ncore;
	struct span zero = {"0", 1};

	for (size_t i = 0; i < n; i++) {
		struct span x = i < a->ncore ? a->core[i] : zero;
		struct span y = i < b->ncore ? b->core[i] : zero;
		int r = vuln_numcmp(x.p, x.n, y.p, y.n);

		if (r)
			return r;
	}
	if (!a->npre || !b->npre)
		return a->npre == b->npre ? 0 : (a->npre ? -1 : 1);
	n = a->npre < b->npre ? a->npre : b->npre;
	for (size_t i = 0; i < n; i++) {
		bool xn = is_numeric(a->pre[i]), yn = is_numeric(b->pre[i]);
		int r;

		if (xn != yn)
			return xn ? -1 : 1;
		r = xn ? vuln_numcmp(a->pre[i].p, a->pre[i].n, b->pre[i].p,
				     b->pre[i].n)
		       : vuln_bytecmp(a->pre[i].p, a->pre[i].n, b->pre[i].p,
				      b->pre[i].n);
		if (r)
			return r;
	}
	return vuln_sign((long long)a->npre - (long long)b->npre);
}

int vuln_cmp_semver(const char *a, size_t alen, const char *b, size_t blen,
		    int *ret_cmp, struct bw_error *err)
{
	struct semver va, vb;
	int r;

	r = semver_parse(a, alen, &va, err);
	if (!r)
		r = semver_parse(b, blen, &vb, err);
	if (r)
		return r;
	*ret_cmp = semver_cmp(&va, &vb);
	return 0;
}
