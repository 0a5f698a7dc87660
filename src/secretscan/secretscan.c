/*
 * secretscan.c - the secret rules table, their compilation (PCRE2, JIT),
 * the path filter that decides which image files are read, and the scan
 * of one file's bytes.
 *
 * A scan makes one pass over the file looking for every rule's keywords
 * at once (a table indexed by the first two lower-cased bytes of each
 * keyword), and runs a rule's pattern only when one of its keywords
 * occurs.  Line numbers are counted
 * only for matches.  Patterns are bounded (no nested unbounded
 * repetition) and PCRE2's match limit is lowered so that hostile content
 * cannot make one file expensive.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <errno.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "secretscan/secretscan.h"

#define SEV_LOW 1
#define SEV_MEDIUM 2
#define SEV_HIGH 3
#define SEV_CRITICAL 4

#define SECRETSCAN_MATCH_LIMIT 100000u

#define KW(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Where a token ends: not followed by another token character. */
#define END_ALNUM "(?![0-9A-Za-z])"
#define END_TOKEN "(?![0-9A-Za-z_-])"

static const struct secret_rule rules[] = {
    {"aws-access-key-id", "AWS Access Key ID", SEV_CRITICAL,
     KW("akia", "asia", "agpa", "aida", "aroa", "aipa", "anpa", "anva"),
     "(?<![0-9A-Z])((?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}"
     ")" END_ALNUM,
     0, 0, NULL},
    {"aws-secret-access-key", "AWS Secret Access Key", SEV_CRITICAL, KW("aws"),
     "(?i:aws)[A-Za-z0-9_.-]{0,20}(?i:secret)[A-Za-z0-9_.-]{0,20}(?i:key)"
     "[\"']?[ \\t]*(?::|=|=>|:=)[ \\t]*[\"']?"
     "([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
     3.0, 40, NULL},
    {"github-pat", "GitHub Personal Access Token", SEV_CRITICAL, KW("ghp_"),
     "(?<![0-9A-Za-z_])(ghp_[0-9A-Za-z]{36})" END_ALNUM, 0, 0, NULL},
    {"github-oauth", "GitHub OAuth Access Token", SEV_CRITICAL, KW("gho_"),
     "(?<![0-9A-Za-z_])(gho_[0-9A-Za-z]{36})" END_ALNUM, 0, 0, NULL},
    {"github-app-token", "GitHub App Token", SEV_CRITICAL, KW("ghu_", "ghs_"),
     "(?<![0-9A-Za-z_])((?:ghu|ghs)_[0-9A-Za-z]{36})" END_ALNUM, 0, 0, NULL},
    {"github-refresh-token", "GitHub Refresh Token", SEV_CRITICAL, KW("ghr_"),
     "(?<![0-9A-Za-z_])(ghr_[0-9A-Za-z]{36})" END_ALNUM, 0, 0, NULL},
    {"github-fine-grained-pat", "GitHub Fine-grained Personal Access Token",
     SEV_CRITICAL, KW("github_pat_"),
     "(?<![0-9A-Za-z_])(github_pat_[0-9A-Za-z_]{82})" END_ALNUM, 0, 0, NULL},
    {"gitlab-pat", "GitLab Personal Access Token", SEV_CRITICAL, KW("glpat-"),
     "(?<![0-9A-Za-z_])(glpat-[0-9A-Za-z_-]{20})" END_TOKEN, 0, 0, NULL},
    {"slack-access-token", "Slack token", SEV_HIGH,
     KW("xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"),
     "(?<![0-9A-Za-z])(xox[baprs]-[0-9]{10,13}-[0-9A-Za-z-]{10,100})" END_ALNUM,
     0, 0, NULL},
    {"slack-web-hook", "Slack Webhook", SEV_MEDIUM, KW("hooks.slack.com"),
     "(https://hooks\\.slack\\.com/(?:services|workflows)/"
     "[A-Za-z0-9]{8,12}/[A-Za-z0-9]{8,12}/[A-Za-z0-9]{20,64})",
     0, 0, NULL},
    {"stripe-secret-token", "Stripe Secret Key", SEV_CRITICAL,
     KW("sk_live_", "rk_live_"),
     "(?<![0-9A-Za-z_])((?:sk|rk)_live_[0-9A-Za-z]{24,99})" END_ALNUM, 0, 0,
     NULL},
    {"gcp-api-key", "Google API key", SEV_HIGH, KW("aiza"),
     "(?<![0-9A-Za-z_-])(AIza[0-9A-Za-z_-]{35})" END_TOKEN, 0, 0, NULL},
    {"private-key", "Asymmetric Private Key", SEV_HIGH,
     KW("private key-----", "private key block-----"),
     "(-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH|PGP) |ENCRYPTED )?PRIVATE KEY"
     "(?: BLOCK)?-----)\\r?\\n(?:[A-Za-z-]{1,40}:[^\\n]{0,200}\\r?\\n){0,8}"
     "\\s{0,4}[A-Za-z0-9+/=]{32}",
     0, 0, NULL},
    {"jwt-token", "JWT token", SEV_MEDIUM, KW("eyj"),
     "(?<![0-9A-Za-z_-])(eyJ[0-9A-Za-z_-]{10,2000}\\.eyJ[0-9A-Za-z_-]{10,"
     "8000}\\.[0-9A-Za-z_-]{10,2000})" END_TOKEN,
     0, 0, NULL},
    {"npm-access-token", "npm access token", SEV_CRITICAL, KW("npm_"),
     "(?<![0-9A-Za-z_])(npm_[0-9A-Za-z]{36})" END_ALNUM, 0, 0, NULL},
    {"pypi-upload-token", "PyPI upload token", SEV_HIGH,
     KW("pypi-ageichlwas5vcmc"),
     "(pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,1000})" END_TOKEN, 0, 0, NULL},
    {"docker-config-auth", "Docker registry credentials", SEV_HIGH,
     KW("\"auth\""),
     "\"auth\"\\s{0,10}:\\s{0,10}\"([A-Za-z0-9+/]{8,2000}={0,2})\"", 0, 0,
     ".docker/config.json"},
    {"hashicorp-vault-token", "HashiCorp Vault token", SEV_CRITICAL, KW("hvs."),
     "(?<![0-9A-Za-z_])(hvs\\.[0-9A-Za-z_-]{24,200})" END_TOKEN, 0, 0, NULL},
    {"generic-secret-assignment", "Password or secret assigned in text",
     SEV_LOW,
     KW("password", "passwd", "secret", "api_key", "apikey", "api-key"),
     "(?i:(?<![a-z0-9])(?:password|passwd|secret|api[_-]?key|apikey))[\"']?[ "
     "\\t]*"
     "(?::|=|=>|:=)[ \\t]*([\"'])([^\"'\\s]{8,200})\\1",
     3.5, 8, NULL},
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

#define MAX_KEYWORDS 255

_Static_assert(NRULES <= 64, "the keyword pass records rules in a uint64_t");

/* A keyword, indexed by its first two (lower-case) bytes. */
struct kw {
	const char *s;
	uint16_t pair;
	uint8_t len, rule;
};

struct secretscan {
	pcre2_code *code[NRULES];
	uint32_t secret_group[NRULES]; /* capture group of the secret */
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	struct kw kws[MAX_KEYWORDS]; /* sorted by pair */
	size_t nkws;
	uint8_t first[65536]; /* pair -> 1 + index of its first keyword, 0 */
};

/* ASCII lower case (keywords are ASCII). */
static inline unsigned lc(unsigned char c)
{
	return (unsigned)c - 'A' < 26u ? (unsigned)c + 32 : c;
}

static int kw_cmp(const void *a, const void *b)
{
	const struct kw *x = a, *y = b;

	return (int)x->pair - (int)y->pair;
}

static int index_keywords(struct secretscan *s)
{
	for (size_t i = 0; i < NRULES; i++)
		for (const char *const *k = rules[i].keywords; *k; k++) {
			size_t n = strlen(*k);

			if (n < 2 || n > 255 || s->nkws == MAX_KEYWORDS)
				return -EINVAL;
			s->kws[s->nkws].s = *k;
			s->kws[s->nkws].len = (uint8_t)n;
			s->kws[s->nkws].rule = (uint8_t)i;
			s->kws[s->nkws].pair =
			    (uint16_t)((unsigned char)(*k)[0] << 8 |
				       (unsigned char)(*k)[1]);
			s->nkws++;
		}
	qsort(s->kws, s->nkws, sizeof(*s->kws), kw_cmp);
	for (size_t i = s->nkws; i-- > 0;)
		s->first[s->kws[i].pair] = (uint8_t)(i + 1);
	return 0;
}

size_t secretscan_nrules(void) { return NRULES; }

const struct secret_rule *secretscan_rule(size_t i)
{
	return i < NRULES ? &rules[i] : NULL;
}

void secretscan_free(struct secretscan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < NRULES; i++)
		pcre2_code_free(s->code[i]);
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	free(s);
}

int secretscan_new(struct secretscan **ret, struct bw_error *err)
{
	struct secretscan *s = calloc(1, sizeof(*s));
	uint32_t maxcap = 0;

	if (!s)
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	if (index_keywords(s) < 0) {
		secretscan_free(s);
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "secret rules: bad keyword table");
	}
	for (size_t i = 0; i < NRULES; i++) {
		int ec;
		PCRE2_SIZE off;
		uint32_t ncap = 0;

		s->code[i] =
		    pcre2_compile((PCRE2_SPTR)rules[i].pattern,
				  PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL);
		if (!s->code[i]) {
			PCRE2_UCHAR msg[160];

			pcre2_get_error_message(ec, msg, sizeof(msg));
			secretscan_free(s);
			return bw_errorf(err, -EINVAL, rules[i].id, 0,
					 (int)off + 1, "rule pattern: %s",
					 (const char *)msg);
		}
		/* JIT is an accelerator: without it (an unsupported CPU)
		 * the interpreter runs the same pattern. */
		(void)pcre2_jit_compile(s->code[i], PCRE2_JIT_COMPLETE);
		pcre2_pattern_info(s->code[i], PCRE2_INFO_CAPTURECOUNT, &ncap);
		/* the last group is the secret (the generic rule captures
		 * its quote first) */
		s->secret_group[i] = ncap;
		if (ncap > maxcap)
			maxcap = ncap;
	}
	s->md = pcre2_match_data_create(maxcap + 1, NULL);
	s->mctx = pcre2_match_context_create(NULL);
	if (!s->md || !s->mctx) {
		secretscan_free(s);
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	}
	pcre2_set_match_limit(s->mctx, SECRETSCAN_MATCH_LIMIT);
	*ret = s;
	return 0;
}

/* --- which files --------------------------------------------------- */

static int has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static int has_suffix(const char *s, size_t n, const char *suf)
{
	size_t m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

/* Trees whose files are data or documentation, never configuration. */
static const char *const skip_prefixes[] = {
    "usr/share/doc/",
    "usr/share/man/",
    "usr/share/info/",
    "usr/share/locale/",
    "usr/share/zoneinfo/",
    "usr/share/i18n/",
    "usr/share/help/",
    "usr/share/ca-certificates/",
    "etc/ssl/certs/",
    "usr/include/",
    "var/lib/dpkg/",
    "var/lib/apk/",
    "lib/apk/",
    "var/lib/rpm/",
    "usr/lib/sysimage/rpm/",
    "var/cache/",
    "usr/local/go/",
    "usr/lib/go/",
    "proc/",
    "sys/",
    "dev/",
};

/* Extensions of documentation and of formats that are never text. */
static const char *const skip_suffixes[] = {
    ".md",  ".markdown", ".rst",   ".png",  ".jpg", ".jpeg", ".gif", ".ico",
    ".svg", ".woff",	 ".woff2", ".ttf",  ".otf", ".gz",   ".xz",  ".bz2",
    ".zst", ".zip",	 ".jar",   ".whl",  ".tar", ".so",   ".a",   ".o",
    ".pyc", ".mo",	 ".class", ".wasm", ".pdf",
};

/* Test and example directories, skipped inside language package trees
 * where they hold fixtures (fake keys, sample passwords). */
static const char *const test_dirs[] = {
    "/test/",	 "/tests/",   "/testdata/", "/__tests__/",
    "/testing/", "/example/", "/examples/",
};

static int in_package_tree(const char *path)
{
	return has_prefix(path, "usr/lib/python") ||
	       has_prefix(path, "usr/local/lib/python") ||
	       strstr(path, "site-packages/") ||
	       strstr(path, "dist-packages/") ||
	       has_prefix(path, "node_modules/") ||
	       strstr(path, "/node_modules/") || strstr(path, "/gems/") ||
	       strstr(path, "go/pkg/mod/");
}

int secretscan_want_path(const char *path, uint64_t size)
{
	size_t n, i;

	if (!path || size == 0 || size > SECRETSCAN_MAX_FILE)
		return 0;
	for (i = 0; i < sizeof(skip_prefixes) / sizeof(*skip_prefixes); i++)
		if (has_prefix(path, skip_prefixes[i]))
			return 0;
	n = strlen(path);
	for (i = 0; i < sizeof(skip_suffixes) / sizeof(*skip_suffixes); i++)
		if (has_suffix(path, n, skip_suffixes[i]))
			return 0;
	if (strstr(path, ".git/") &&
	    (has_prefix(path, ".git/") || strstr(path, "/.git/")))
		return 0;
	if (in_package_tree(path))
		for (i = 0; i < sizeof(test_dirs) / sizeof(*test_dirs); i++)
			if (strstr(path, test_dirs[i]))
				return 0;
	return 1;
}

int secretscan_is_text(const char *buf, size_t len)
{
	return !memchr(
	    buf, 0, len < SECRETSCAN_TEXT_PROBE ? len : SECRETSCAN_TEXT_PROBE);
}

void secretscan_redact(const char *secret, size_t len,
		       char out[SECRETSCAN_REDACTED_MAX])
{
	size_t k = 0;

	if (len > 4)
		for (; k < 4; k++)
			out[k] =
			    isprint((unsigned char)secret[k]) ? secret[k] : '?';
	memcpy(out + k, "****", 5);
}

/* --- the scan -------------------------------------------------------- */

/* log2(x) for x > 0 without libm (not linked): x = m * 2^e with m in
 * [1, 2), ln m = 2 atanh((m - 1) / (m + 1)), a fast series there. */
static double log2_pos(double x)
{
	double e = 0, t, t2, sum = 0, term;

	while (x >= 2) {
		x /= 2;
		e++;
	}
	while (x < 1) {
		x *= 2;
		e--;
	}
	t = (x - 1) / (x + 1);
	t2 = t * t;
	term = t;
	for (int k = 1; k < 40; k += 2) {
		sum += term / k;
		term *= t2;
	}
	return e + 2 * sum / 0.69314718055994530942;
}

static double entropy(const char *s, size_t n)
{
	size_t count[256] = {0};
	double h = 0;

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		count[(unsigned char)s[i]]++;
	for (size_t i = 0; i < 256; i++) {
		double p;

		if (!count[i])
			continue;
		p = (double)count[i] / (double)n;
		h -= p * log2_pos(p);
	}
	return h;
}

/*
 * One pass over the file for every rule's keywords: at each byte the pair
 * (this byte, next byte) lower-cased indexes the keywords starting so,
 * which are then compared case-insensitively.  Returns the set of rules
 * (bit i = rules[i]) with a keyword in buf.
 */
static uint64_t keyword_rules(const struct secretscan *s, const char *buf,
			      size_t len)
{
	const unsigned char *b = (const unsigned char *)buf;
	const uint64_t all = NRULES == 64 ? ~0ull : (1ull << NRULES) - 1;
	uint64_t hit = 0;

	for (size_t i = 0; i + 1 < len; i++) {
		uint16_t pair = (uint16_t)(lc(b[i]) << 8 | lc(b[i + 1]));
		size_t k = s->first[pair];

		if (!k)
			continue;
		for (k--; k < s->nkws && s->kws[k].pair == pair; k++) {
			const struct kw *w = &s->kws[k];
			size_t j = 2;

			if ((hit >> w->rule) & 1 || w->len > len - i)
				continue;
			while (j < w->len &&
			       lc(b[i + j]) == (unsigned char)w->s[j])
				j++;
			if (j == w->len)
				hit |= 1ull << w->rule;
		}
		if (hit == all)
			break;
	}
	return hit;
}

/* Lines counted incrementally: matches of one rule come in file order. */
struct line_pos {
	size_t off, line;
};

static size_t line_at(const char *buf, struct line_pos *lp, size_t off)
{
	if (off < lp->off) {
		lp->off = 0;
		lp->line = 1;
	}
	for (const char *p = buf + lp->off, *e = buf + off;
	     (p = memchr(p, '\n', (size_t)(e - p))); p++)
		lp->line++;
	lp->off = off;
	return lp->line;
}

static int scan_rule(struct secretscan *s, size_t ri, const char *buf,
		     size_t len, secret_match_fn fn, void *ctx,
		     size_t *reported)
{
	const struct secret_rule *r = &rules[ri];
	struct line_pos lp = {0, 1};
	PCRE2_SIZE start = 0;

	while (start <= len && *reported < SECRETSCAN_MAX_PER_FILE) {
		PCRE2_SIZE *ov;
		uint32_t g = s->secret_group[ri];
		struct secret_match m;
		size_t so, eo;
		int rc;

		rc = pcre2_match(s->code[ri], (PCRE2_SPTR)buf, len, start, 0,
				 s->md, s->mctx);
		if (rc < 0)
			return 0; /* no match, or over the match limit */
		ov = pcre2_get_ovector_pointer(s->md);
		so = ov[2 * g];
		eo = ov[2 * g + 1];
		/* next search after this match (never stuck on empty) */
		start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		if (so == PCRE2_UNSET || eo < so)
			continue;
		if (r->min_len && eo - so < r->min_len)
			continue;
		if (r->min_entropy > 0 &&
		    entropy(buf + so, eo - so) < r->min_entropy)
			continue;
		memset(&m, 0, sizeof(m));
		m.rule = r;
		m.line = line_at(buf, &lp, so);
		secretscan_redact(buf + so, eo - so, m.redacted);
		(*reported)++;
		rc = fn(ctx, &m);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int secretscan_scan(struct secretscan *s, const char *path, const char *buf,
		    size_t len, secret_match_fn fn, void *ctx)
{
	size_t reported = 0, plen = path ? strlen(path) : 0;
	uint64_t hit;
	int rc;

	if (!s || !buf || !fn)
		return -EINVAL;
	if (!len)
		return 0;
	hit = keyword_rules(s, buf, len);
	for (size_t i = 0; hit && i < NRULES; i++) {
		const struct secret_rule *r = &rules[i];

		if (r->path_suffix &&
		    (!path || !has_suffix(path, plen, r->path_suffix)))
			continue;
		if (!((hit >> i) & 1))
			continue;
		rc = scan_rule(s, i, buf, len, fn, ctx, &reported);
		if (rc < 0)
			return rc;
	}
	return 0;
}
