/*
 * version_pep440.c - PyPI version ordering (PEP 440, as the "packaging"
 * library implements it).
 *
 *   [v][N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]
 *
 * Parsing is case-insensitive and accepts the spellings PEP 440 normalises:
 * alpha/beta/c/pre/preview for a/b/rc, rev/r for post, "-N" as an implicit
 * post release, optional '.', '-' or '_' separators and omitted numbers
 * (which are 0), surrounding whitespace.  Order: epoch, then the release
 * with trailing zeros ignored (1.0 == 1.0.0), then pre-release (a < b < rc
 * < final; a bare .devN without pre or post sorts before any pre-release),
 * then post-release (none first), then dev release (none last), then the
 * local label (none first; segments compare numbers above strings).
 *
 * A string that is not PEP 440 is not rejected: like packaging before
 * version 22 (LegacyVersion, which OSV's PyPI data and pip long relied on),
 * it is a "legacy" version that sorts before every PEP 440 version; legacy
 * versions order among themselves by setuptools' old key (runs of digits,
 * letters and other characters; pre/preview/rc mean c, dev means @, numbers
 * zero-padded, trailing zeros dropped; see version_pep440_legacy.c).
 */
#include <string.h>

#include "vulndb/vulndb_int.h"

#define PEP440_MAX_PARTS 64

struct span {
	const char *p;
	size_t n;
};

struct pep440 {
	struct span epoch;
	struct span release[PEP440_MAX_PARTS];
	size_t nrelease;
	int pre_kind; /* 0 none, 1 a, 2 b, 3 rc */
	struct span pre;
	bool has_post, has_dev;
	struct span post, dev;
	struct span local[PEP440_MAX_PARTS];
	size_t nlocal;
};

struct pcur {
	const char *s; /* lower-cased copy */
	size_t n, pos;
};

static bool pc_sep(const struct pcur *c, size_t at)
{
	return at < c->n &&
	       (c->s[at] == '.' || c->s[at] == '-' || c->s[at] == '_');
}

/* Does the word w start at position at? */
static bool pc_word(const struct pcur *c, size_t at, const char *w)
{
	size_t wn = strlen(w);

	return c->n - at >= wn && memcmp(c->s + at, w, wn) == 0;
}

static struct span pc_digits(struct pcur *c)
{
	struct span d = {c->s + c->pos,
			 vuln_digits(c->s + c->pos, c->n - c->pos)};

	c->pos += d.n;
	return d;
}

/* Optional "[sep]digits"; the separator is consumed only with digits. */
static struct span pc_opt_number(struct pcur *c)
{
	size_t at = c->pos + (pc_sep(c, c->pos) ? 1 : 0);
	struct span zero = {"0", 1};

	if (at < c->n && vuln_isdigit((unsigned char)c->s[at])) {
		c->pos = at;
		return pc_digits(c);
	}
	return zero;
}

/* Matches "[sep]label" for one of labels (longest first); returns its
 * index or -1 and leaves the cursor alone on no match. */
static int pc_label(struct pcur *c, const char *const *labels, size_t n)
{
	size_t at = c->pos + (pc_sep(c, c->pos) ? 1 : 0);

	for (size_t i = 0; i < n; i++) {
		if (pc_word(c, at, labels[i])) {
			c->pos = at + strlen(labels[i]);
			return (int)i;
		}
	}
	return -1;
}

static const char *const pre_labels[] = {"preview", "alpha", "beta", "pre",
					 "rc",	    "a",     "b",    "c"};
static const int pre_kinds[] = {3, 1, 2, 3, 3, 1, 2, 3};
static const char *const post_labels[] = {"post", "rev", "r"};
static const char *const dev_labels[] = {"dev"};

static int pep440_parse(const char *orig, size_t n, char *buf, struct pep440 *v,
			struct bw_error *err)
{
	struct pcur c = {buf, n, 0};
	size_t end = n;
	int k;

	memset(v, 0, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)vuln_tolower((unsigned char)orig[i]);
	while (c.pos < end && (buf[c.pos] == ' ' || buf[c.pos] == '\t' ||
			       buf[c.pos] == '\n' || buf[c.pos] == '\r'))
		c.pos++;
	while (end > c.pos && (buf[end - 1] == ' ' || buf[end - 1] == '\t' ||
			       buf[end - 1] == '\n' || buf[end - 1] == '\r'))
		end--;
	c.n = end;
	if (c.pos < c.n && buf[c.pos] == 'v')
		c.pos++;
	/* epoch: digits followed by '!' */
	k = (int)vuln_digits(buf + c.pos, c.n - c.pos);
	if (k > 0 && c.pos + k < c.n && buf[c.pos + k] == '!') {
		v->epoch = pc_digits(&c);
		c.pos++;
	}
	for (;;) {
		struct span d = pc_digits(&c);

		if (d.n == 0)
			return vuln_version_error(err, "PEP 440", orig, n,
						  c.pos, "expected a number");
		if (v->nrelease == PEP440_MAX_PARTS)
			return vuln_version_error(err, "PEP 440", orig, n,
						  c.pos,
						  "too many release parts");
		v->release[v->nrelease++] = d;
		if (c.pos + 1 < c.n && buf[c.pos] == '.' &&
		    vuln_isdigit((unsigned char)buf[c.pos + 1]))
			c.pos++;
		else
			break;
	}
	k = pc_label(&c, pre_labels, sizeof(pre_labels) / sizeof(*pre_labels));
	if (k >= 0) {
		v->pre_kind = pre_kinds[k];
		v->pre = pc_opt_number(&c);
	}
	if (c.pos + 1 < c.n && buf[c.pos] == '-' &&
	    vuln_isdigit((unsigned char)buf[c.pos + 1])) {
		c.pos++;
		v->has_post = true;
		v->post = pc_digits(&c);
	} else if (pc_label(&c, post_labels, 3) >= 0) {
		v->has_post = true;
		v->post = pc_opt_number(&c);
	}
	if (pc_label(&c, dev_labels, 1) >= 0) {
		v->has_dev = true;
		v->dev = pc_opt_number(&c);
	}
	if (c.pos < c.n && buf[c.pos] == '+') {
		c.pos++;
		for (;;) {
			size_t st = c.pos;

			while (c.pos < c.n &&
			       vuln_isalnum((unsigned char)buf[c.pos]))
				c.pos++;
			if (c.pos == st)
				return vuln_version_error(
				    err, "PEP 440", orig, n, c.pos,
				    "empty local version segment");
			if (v->nlocal == PEP440_MAX_PARTS)
				return vuln_version_error(
				    err, "PEP 440", orig, n, c.pos,
				    "too many local version segments");
			v->local[v->nlocal].p = buf + st;
			v->local[v->nlocal++].n = c.pos - st;
			if (!pc_sep(&c, c.pos))
				break;
			c.pos++;
		}
	}
	if (c.pos != c.n)
		return vuln_version_error(err, "PEP 440", orig, n, c.pos,
					  "unexpected character");
	return 0;
}

static int cmp_release(const struct pep440 *a, const struct pep440 *b)
{
	size_t n = a->nrelease > b->nrelease ? a->nrelease : b->nrelease;

	for (size_t i = 0; i < n; i++) {
		struct span x =
		    i < a->nrelease ? a->release[i] : (struct span){"0", 1};
		struct span y =
		    i < b->nrelease ? b->release[i] : (struct span){"0", 1};
		int r = vuln_numcmp(x.p, x.n, y.p, y.n);

		if (r)
			return r;
	}
	return 0;
}

/* packaging's pre key: -inf for a bare dev release, +inf for none. */
static int pre_rank(const struct pep440 *v)
{
	if (!v->pre_kind)
		return (!v->has_post && v->has_dev) ? 0 : 4;
	return v->pre_kind;
}

static bool all_digits(struct span s) { return vuln_digits(s.p, s.n) == s.n; }

static int cmp_local(const struct pep440 *a, const struct pep440 *b)
{
	size_t n = a->nlocal < b->nlocal ? a->nlocal : b->nlocal;

	for (size_t i = 0; i < n; i++) {
		struct span x = a->local[i], y = b->local[i];
		bool xn = all_digits(x), yn = all_digits(y);
		int r;

		if (xn != yn)
			return xn ? 1 : -1;
		r = xn ? vuln_numcmp(x.p, x.n, y.p, y.n)
		       : vuln_bytecmp(x.p, x.n, y.p, y.n);
		if (r)
			return r;
	}
	return vuln_sign((long long)a->nlocal - (long long)b->nlocal);
}

static int pep440_cmp(const struct pep440 *a, const struct pep440 *b)
{
	int r;

	r = vuln_numcmp(a->epoch.p, a->epoch.n, b->epoch.p, b->epoch.n);
	if (r)
		return r;
	r = cmp_release(a, b);
	if (r)
		return r;
	r = vuln_sign(pre_rank(a) - pre_rank(b));
	if (r)
		return r;
	if (a->pre_kind) {
		r = vuln_numcmp(a->pre.p, a->pre.n, b->pre.p, b->pre.n);
		if (r)
			return r;
	}
	if (a->has_post != b->has_post)
		return a->has_post ? 1 : -1;
	if (a->has_post) {
		r = vuln_numcmp(a->post.p, a->post.n, b->post.p, b->post.n);
		if (r)
			return r;
	}
	if (a->has_dev != b->has_dev)
		return a->has_dev ? -1 : 1;
	if (a->has_dev) {
		r = vuln_numcmp(a->dev.p, a->dev.n, b->dev.p, b->dev.n);
		if (r)
			return r;
	}
	return cmp_local(a, b);
}

int vuln_cmp_pep440(const char *a, size_t alen, const char *b, size_t blen,
		    int *ret_cmp, struct bw_error *err)
{
	char abuf[VULNDB_MAX_VERSION], bbuf[VULNDB_MAX_VERSION];
	struct pep440 va, vb;
	bool la, lb;

	la = pep440_parse(a, alen, abuf, &va, NULL) != 0;
	lb = pep440_parse(b, blen, bbuf, &vb, NULL) != 0;
	if (la && lb)
		return vuln_pep440_legacy_cmp(a, alen, b, blen, ret_cmp, err);
	if (la || lb) {
		*ret_cmp = la ? -1 : 1;
		return 0;
	}
	*ret_cmp = pep440_cmp(&va, &vb);
	return 0;
}
