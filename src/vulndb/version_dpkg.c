/*
 * version_dpkg.c - Debian/Ubuntu version ordering (Debian Policy 5.6.12,
 * as implemented by dpkg's verrevcmp).
 *
 * A version is [epoch:]upstream[-revision]: the epoch is the digits before
 * the first ':', the revision what follows the last '-'.  Epochs compare
 * numerically; upstream and revision compare by alternating runs: a run of
 * non-digits compared character by character, where '~' sorts before
 * everything (even the end of the string), then the end, then letters, then
 * all other characters; then a run of digits compared numerically.  A
 * missing revision equals "0".
 *
 * Errors are dpkg's own parse errors (empty parts, non-numeric or too big
 * epoch, whitespace); what dpkg only warns about (a non-digit first
 * character, unusual characters) is ordered by the rules above.
 */
#include <errno.h>
#include <limits.h>

#include "vulndb/vulndb_int.h"

struct dpkg_version {
	const char *epoch, *up, *rev;
	size_t elen, ulen, rlen;
};

static int dpkg_parse(const char *s, size_t n, struct dpkg_version *v,
		      struct bw_error *err)
{
	size_t colon = n, dash = n, start = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == 0x7f)
			return vuln_version_error(err, "Debian", s, n, i,
						  "whitespace or control "
						  "character");
		if (c == ':' && colon == n)
			colon = i;
	}
	v->epoch = s;
	v->elen = 0;
	if (colon < n) {
		if (colon == 0)
			return vuln_version_error(err, "Debian", s, n, 0,
						  "epoch is empty");
		if (vuln_digits(s, colon) != colon)
			return vuln_version_error(err, "Debian", s, n,
						  vuln_digits(s, colon),
						  "epoch is not a number");
		if (vuln_numcmp(s, colon, "2147483647", 10) > 0)
			return vuln_version_error(err, "Debian", s, n, 0,
						  "epoch is too big");
		v->elen = colon;
		start = colon + 1;
		if (start == n)
			return vuln_version_error(err, "Debian", s, n, start,
						  "nothing after the epoch");
	}
	for (size_t i = start; i < n; i++)
		if (s[i] == '-')
			dash = i;
	v->up = s + start;
	v->ulen = dash - start;
	v->rev = s + n;
	v->rlen = 0;
	if (dash < n) {
		v->rev = s + dash + 1;
		v->rlen = n - dash - 1;
		if (v->rlen == 0)
			return vuln_version_error(err, "Debian", s, n, dash,
						  "revision is empty");
	}
	if (v->ulen == 0)
		return vuln_version_error(err, "Debian", s, n, start,
					  "upstream version is empty");
	return 0;
}

/* Weight of a character in a non-digit run; -1 is the end of the string. */
static int dpkg_order(int c)
{
	if (c < 0 || vuln_isdigit(c))
		return 0;
	if (vuln_isalpha(c))
		return c;
	if (c == '~')
		return -1;
	return c + 256;
}

static int dpkg_at(const char *s, size_t n, size_t i)
{
	return i < n ? (unsigned char)s[i] : -1;
}

/* dpkg's verrevcmp over length-carrying strings. */
static int dpkg_verrevcmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	while (i < an || j < bn) {
		int first_diff = 0;

		while ((i < an && !vuln_isdigit((unsigned char)a[i])) ||
		       (j < bn && !vuln_isdigit((unsigned char)b[j]))) {
			int ac = dpkg_order(dpkg_at(a, an, i));
			int bc = dpkg_order(dpkg_at(b, bn, j));

			if (ac != bc)
				return ac < bc ? -1 : 1;
			/* equal weights: both non-digits (never the end) */
			i++;
			j++;
		}
		while (i < an && a[i] == '0')
			i++;
		while (j < bn && b[j] == '0')
			j++;
		while (i < an && j < bn && vuln_isdigit((unsigned char)a[i]) &&
		       vuln_isdigit((unsigned char)b[j])) {
			if (!first_diff)
				first_diff = a[i] - b[j];
			i++;
			j++;
		}
		if (i < an && vuln_isdigit((unsigned char)a[i]))
			return 1;
		if (j < bn && vuln_isdigit((unsigned char)b[j]))
			return -1;
		if (first_diff)
			return vuln_sign(first_diff);
	}
	return 0;
}

int vuln_cmp_dpkg(const char *a, size_t alen, const char *b, size_t blen,
		  int *ret_cmp, struct bw_error *err)
{
	struct dpkg_version va, vb;
	int r;

	r = dpkg_parse(a, alen, &va, err);
	if (!r)
		r = dpkg_parse(b, blen, &vb, err);
	if (r)
		return r;
	r = vuln_numcmp(va.epoch, va.elen, vb.epoch, vb.elen);
	if (!r)
		r = dpkg_verrevcmp(va.up, va.ulen, vb.up, vb.ulen);
	if (!r)
		r = dpkg_verrevcmp(va.rev, va.rlen, vb.rev, vb.rlen);
	*ret_cmp = r;
	return 0;
}
