/*
 * version_apk.c - Alpine (apk-tools) version ordering.
 *
 * Grammar: digits{.digits}[letter[digits]]{_suffix[digits]}[~hash][-rN], read
 * as a stream of tokens whose kinds must appear in this order:
 *
 *   INITIAL  the leading number            compared numerically
 *   DIGIT    ".N"                           numerically, but as strings when
 *                                           either side starts with '0'
 *   LETTER   one lower-case letter          bytewise; digits right after
 *                                           it form a DIGIT token, as in
 *                                           apk-tools 2.x ("6.6.1p1")
 *   SUFFIX   "_alpha" "_beta" "_pre" "_rc"  < (no suffix) <
 *            "_cvs" "_svn" "_git" "_hg" "_p"
 *   SUFFIX_NO  digits after a suffix        numerically
 *   HASH     "~" + lower-case hex           bytewise
 *   REVISION "-rN"                          numerically
 *
 * A missing number ("1..2", ".1", "a") counts as 0, as in apk-tools 2.x.
 * Two versions are walked token by token while the token kinds agree.  When
 * they stop agreeing, a pre-release suffix (_alpha.._rc) is older than
 * anything; otherwise the version whose next token kind comes earlier in
 * the list above is newer ("1.2.1" > "1.2", "1.2-r1" > "1.2"), and the end
 * of a version is newer than an invalid token.  That last rule is how
 * apk-tools (2.14/3.x) orders versions that fail its own validation, and we
 * keep it: such versions are ordered, not rejected.
 */
#include "vulndb/vulndb_int.h"

enum apk_tok {
	APK_INITIAL,
	APK_DIGIT,
	APK_LETTER,
	APK_SUFFIX,
	APK_SUFFIX_NO,
	APK_HASH,
	APK_REVISION,
	APK_END,
	APK_INVALID,
};

/* Suffix ranks; APK_SUF_NONE is "no suffix". */
enum {
	APK_SUF_INVALID,
	APK_SUF_ALPHA,
	APK_SUF_BETA,
	APK_SUF_PRE,
	APK_SUF_RC,
	APK_SUF_NONE,
	APK_SUF_CVS,
	APK_SUF_SVN,
	APK_SUF_GIT,
	APK_SUF_HG,
	APK_SUF_P,
};

static const struct {
	const char *name;
	int rank;
} apk_suffixes[] = {
    {"alpha", APK_SUF_ALPHA}, {"beta", APK_SUF_BETA}, {"pre", APK_SUF_PRE},
    {"rc", APK_SUF_RC},	      {"cvs", APK_SUF_CVS},   {"svn", APK_SUF_SVN},
    {"git", APK_SUF_GIT},     {"hg", APK_SUF_HG},     {"p", APK_SUF_P},
};

struct apk_cursor {
	const char *s;
	size_t n, pos;
	enum apk_tok tok;
	const char *val; /* the token's text (digits, letter, suffix, hash) */
	size_t vlen;
	int suffix;
};

static int apk_suffix_rank(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(apk_suffixes) / sizeof(apk_suffixes[0]);
	     i++)
		if (vuln_bytecmp(s, n, apk_suffixes[i].name,
				 __builtin_strlen(apk_suffixes[i].name)) == 0)
			return apk_suffixes[i].rank;
	return APK_SUF_INVALID;
}

static void apk_take_digits(struct apk_cursor *c)
{
	c->val = c->s + c->pos;
	c->vlen = vuln_digits(c->val, c->n - c->pos);
	c->pos += c->vlen;
	/* apk-tools 2.x reads a missing number ("1..2", ".1", "a") as 0 */
	if (c->vlen == 0 && c->tok != APK_INITIAL && c->tok != APK_DIGIT)
		c->tok = APK_INVALID;
}

static void apk_first(struct apk_cursor *c, const char *s, size_t n)
{
	c->s = s;
	c->n = n;
	c->pos = 0;
	c->suffix = APK_SUF_INVALID;
	c->tok = APK_INITIAL;
	apk_take_digits(c);
}

static bool apk_ishex(int ch)
{
	return vuln_isdigit(ch) || (ch >= 'a' && ch <= 'f');
}

static void apk_next(struct apk_cursor *c)
{
	unsigned char ch;
	size_t start;

	if (c->pos >= c->n) {
		c->tok = APK_END;
		return;
	}
	ch = (unsigned char)c->s[c->pos];
	if (vuln_islower(ch)) {
		if (c->tok > APK_DIGIT)
			goto invalid;
		c->val = c->s + c->pos++;
		c->vlen = 1;
		c->tok = APK_LETTER;
	} else if (ch == '.' || vuln_isdigit(ch)) {
		if (ch == '.') {
			if (c->tok > APK_DIGIT)
				goto invalid;
			c->pos++;
		}
		/* a number right after the letter ("6.6.1p1") is accepted
		 * as apk-tools 2.x does; Alpine's openssh versions use it */
		if (c->tok == APK_INITIAL || c->tok == APK_DIGIT ||
		    (ch != '.' && c->tok == APK_LETTER))
			c->tok = APK_DIGIT;
		else if (c->tok == APK_SUFFIX)
			c->tok = APK_SUFFIX_NO;
		else
			goto invalid;
		apk_take_digits(c);
	} else if (ch == '_') {
		if (c->tok > APK_SUFFIX_NO)
			goto invalid;
		start = ++c->pos;
		while (c->pos < c->n &&
		       vuln_islower((unsigned char)c->s[c->pos]))
			c->pos++;
		c->val = c->s + start;
		c->vlen = c->pos - start;
		c->suffix = apk_suffix_rank(c->val, c->vlen);
		if (c->suffix == APK_SUF_INVALID)
			goto invalid;
		c->tok = APK_SUFFIX;
	} else if (ch == '~') {
		if (c->tok >= APK_HASH)
			goto invalid;
		start = ++c->pos;
		while (c->pos < c->n && apk_ishex((unsigned char)c->s[c->pos]))
			c->pos++;
		c->val = c->s + start;
		c->vlen = c->pos - start;
		if (c->vlen == 0)
			goto invalid;
		c->tok = APK_HASH;
	} else if (ch == '-') {
		if (c->tok >= APK_REVISION || c->pos + 1 >= c->n ||
		    c->s[c->pos + 1] != 'r')
			goto invalid;
		c->pos += 2;
		c->tok = APK_REVISION;
		apk_take_digits(c);
	} else {
		goto invalid;
	}
	return;
invalid:
	c->tok = APK_INVALID;
}

static int apk_token_cmp(const struct apk_cursor *a, const struct apk_cursor *b)
{
	switch (a->tok) {
	case APK_DIGIT:
		if ((a->vlen && a->val[0] == '0') ||
		    (b->vlen && b->val[0] == '0'))
			return vuln_bytecmp(a->val, a->vlen, b->val, b->vlen);
		/* fall through */
	case APK_INITIAL:
	case APK_SUFFIX_NO:
	case APK_REVISION:
		return vuln_numcmp(a->val, a->vlen, b->val, b->vlen);
	case APK_SUFFIX:
		return vuln_sign(a->suffix - b->suffix);
	default: /* LETTER, HASH */
		return vuln_bytecmp(a->val, a->vlen, b->val, b->vlen);
	}
}

int vuln_cmp_apk(const char *a, size_t alen, const char *b, size_t blen,
		 int *ret_cmp, struct bw_error *err)
{
	struct apk_cursor ca, cb;
	int r = 0;

	(void)err;
	for (apk_first(&ca, a, alen), apk_first(&cb, b, blen);
	     ca.tok == cb.tok && ca.tok < APK_END;
	     apk_next(&ca), apk_next(&cb)) {
		r = apk_token_cmp(&ca, &cb);
		if (r)
			goto out;
	}
	if (ca.tok == cb.tok)
		r = 0;
	else if (ca.tok == APK_SUFFIX && ca.suffix < APK_SUF_NONE)
		r = -1;
	else if (cb.tok == APK_SUFFIX && cb.suffix < APK_SUF_NONE)
		r = 1;
	else
		r = ca.tok > cb.tok ? -1 : 1;
out:
	*ret_cmp = r;
	return 0;
}
