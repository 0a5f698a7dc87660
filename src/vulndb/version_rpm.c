/*
 * version_rpm.c - rpm version ordering (Red Hat, AlmaLinux, Rocky Linux,
 * SUSE, ...): rpmvercmp applied to [epoch:]version[-release].
 *
 * Parsing follows rpm's EVR split: the epoch is the leading digits when a
 * ':' follows them (an empty epoch is 0), the release what follows the last
 * '-' after that point.  So "a:1" has no epoch and is compared as a plain
 * version.  Epochs compare numerically, then versions and releases with
 * rpmvercmp; a version without a release sorts before the same version
 * with any release, even an empty one ("1" < "1-" < "1-0").
 *
 * rpmvercmp: both strings are cut into runs of ASCII digits and runs of
 * ASCII letters; every other byte only separates runs.  '~' sorts before
 * anything (even the end), '^' after the end but before anything else.
 * Digit runs compare numerically and beat letter runs; letter runs compare
 * bytewise.  rpm has no invalid versions: every string is ordered.
 */
#include "vulndb/vulndb_int.h"

struct rpm_evr {
	const char *epoch, *ver, *rel;
	size_t elen, vlen, rlen;
	bool has_rel;
};

static void rpm_parse(const char *s, size_t n, struct rpm_evr *v)
{
	size_t d = vuln_digits(s, n), start = 0, dash = n;

	v->epoch = s;
	v->elen = 0;
	if (d < n && s[d] == ':') {
		v->elen = d;
		start = d + 1;
	}
	/* rpm searches the last '-' from the end of the epoch digits on */
	for (size_t i = d; i < n; i++)
		if (s[i] == '-')
			dash = i;
	v->ver = s + start;
	v->vlen = dash - start;
	v->has_rel = dash < n;
	v->rel = v->has_rel ? s + dash + 1 : s + n;
	v->rlen = v->has_rel ? n - dash - 1 : 0;
}

static bool rpm_sep(int c) { return !vuln_isalnum(c) && c != '~' && c != '^'; }

static int rpm_vercmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	if (vuln_bytecmp(a, an, b, bn) == 0)
		return 0;
	while (i < an || j < bn) {
		size_t si, sj;
		bool isnum;
		int r;

		while (i < an && rpm_sep((unsigned char)a[i]))
			i++;
		while (j < bn && rpm_sep((unsigned char)b[j]))
			j++;
		/* '~' sorts before everything, the end included */
		if ((i < an && a[i] == '~') || (j < bn && b[j] == '~')) {
			if (i >= an || a[i] != '~')
				return 1;
			if (j >= bn || b[j] != '~')
				return -1;
			i++, j++;
			continue;
		}
		/* '^' sorts after the end, before anything else */
		if ((i < an && a[i] == '^') || (j < bn && b[j] == '^')) {
			if (i >= an)
				return -1;
			if (j >= bn)
				return 1;
			if (a[i] != '^')
				return 1;
			if (b[j] != '^')
				return -1;
			i++, j++;
			continue;
		}
		if (i >= an || j >= bn)
			break;
		si = i, sj = j;
		isnum = vuln_isdigit((unsigned char)a[i]);
		if (isnum) {
			while (i < an && vuln_isdigit((unsigned char)a[i]))
				i++;
			while (j < bn && vuln_isdigit((unsigned char)b[j]))
				j++;
		} else {
			while (i < an && vuln_isalpha((unsigned char)a[i]))
				i++;
			while (j < bn && vuln_isalpha((unsigned char)b[j]))
				j++;
		}
		/* runs of different kinds: the numeric one is newer */
		if (j == sj)
			return isnum ? 1 : -1;
		if (isnum)
			r = vuln_numcmp(a + si, i - si, b + sj, j - sj);
		else
			r = vuln_bytecmp(a + si, i - si, b + sj, j - sj);
		if (r)
			return r;
	}
	if (i >= an && j >= bn)
		return 0;
	return i < an ? 1 : -1;
}

int vuln_cmp_rpm(const char *a, size_t alen, const char *b, size_t blen,
		 int *ret_cmp, struct bw_error *err)
{
	struct rpm_evr va, vb;
	int r;

	(void)err;
	rpm_parse(a, alen, &va);
	rpm_parse(b, blen, &vb);
	r = vuln_numcmp(va.epoch, va.elen, vb.epoch, vb.elen);
	if (!r)
		r = rpm_vercmp(va.ver, va.vlen, vb.ver, vb.vlen);
	if (!r && (va.has_rel || vb.has_rel)) {
		if (va.has_rel != vb.has_rel)
			r = va.has_rel ? 1 : -1;
		else
			r = rpm_vercmp(va.rel, va.rlen, vb.rel, vb.rlen);
	}
	*ret_cmp = r;
	return 0;
}
