/*
 * policy_acl.c - a token's policies merged into one ACL, and the lookup
 * that decides which rule governs a request path, following Vault's
 * vault/acl.go.
 *
 * Merging: rules are grouped by kind (exact, prefix glob, "+" segment
 * path) and path string; rules for the same string from any policy (or
 * twice in one policy) are unioned, and a deny in any of them leaves only
 * deny (and drops the parameter constraints, as Vault does).  Otherwise
 * their parameter and wrapping constraints merge as Vault's NewACL merges
 * them (vault_rule_params_merge, policy_params.c).  A policy named "root"
 * grants everything and is unconstrained.
 *
 * Lookup, for a path (leading "/" dropped):
 *   1. an exact rule for the path decides, whatever else matches;
 *   2. otherwise the candidates are the longest matching prefix glob and
 *      every matching "+" path, and the highest priority one decides:
 *        - the first "+" or "*" later in the rule's path wins
 *          (a prefix glob's is its length; a "+" path's is the index of
 *          its first "+" character, as Vault computes it);
 *        - then a rule not ending in "*" wins;
 *        - then fewer "+" segments;
 *        - then the longer path (without its trailing "*");
 *        - then the lexicographically larger path;
 *   3. no match: no capabilities.
 * A "+" segment matches exactly one path segment (any text, even empty);
 * a "+" path ending in "*" matches when its last segment is a prefix of
 * the request's segment at that position, whatever follows.
 *
 * Exact and prefix rules are kept sorted for binary search; "+" paths are
 * scanned, as Vault does.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vault/policy_internal.h"
#include "vault/vault.h"

/* One merged rule (vault.h's opaque struct vault_acl_rule). */
struct vault_acl_rule {
	char *path; /* owned */
	size_t len;
	unsigned caps;
	struct vault_rule_params params; /* owned; read-only once built */
};

struct vault_acl {
	int root;
	struct vault_acl_rule *exact, *prefix, *seg;
	size_t nexact, nprefix, nseg;
};

/* Byte order, then length: the order both sorting and lookup use. */
static int key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int rule_ptr_cmp(const void *x, const void *y)
{
	const struct vault_policy_rule *a =
	    *(const struct vault_policy_rule *const *)x;
	const struct vault_policy_rule *b =
	    *(const struct vault_policy_rule *const *)y;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return key_cmp(a->path, a->len, b->path, b->len);
}

static unsigned merge_caps(unsigned have, unsigned add)
{
	if ((have | add) & VAULT_CAP_DENY)
		return VAULT_CAP_DENY;
	return have | add;
}

static void rules_free(struct vault_acl_rule *arr, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(arr[i].path);
		vault_rule_params_clear(&arr[i].params);
	}
}

/* Merges rule r into the ACL rule m (same path string). */
static int rule_merge(struct vault_acl_rule *m,
		      const struct vault_policy_rule *r)
{
	m->caps = merge_caps(m->caps, r->caps);
	if (m->caps & VAULT_CAP_DENY) {
		vault_rule_params_clear(&m->params);
		return 0;
	}
	return vault_rule_params_merge(&m->params, &r->params);
}

void vault_acl_free(struct vault_acl *a)
{
	if (!a)
		return;
	rules_free(a->exact, a->nexact);
	rules_free(a->prefix, a->nprefix);
	rules_free(a->seg, a->nseg);
	free(a->exact);
	free(a->prefix);
	free(a->seg);
	free(a);
}

int vault_acl_new(const struct vault_policy *const *p, size_t n,
		  struct vault_acl **ret)
{
	const struct vault_policy_rule **all = NULL;
	struct vault_acl *a;
	size_t total = 0, k = 0;

	if (!ret || (n && !p))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!p[i])
			continue;
		if (p[i]->n > SIZE_MAX / sizeof(*all) - total)
			return -ENOMEM;
		total += p[i]->n;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	if (total) {
		all = malloc(total * sizeof(*all));
		a->exact = calloc(total, sizeof(*a->exact));
		a->prefix = calloc(total, sizeof(*a->prefix));
		a->seg = calloc(total, sizeof(*a->seg));
		if (!all || !a->exact || !a->prefix || !a->seg)
			goto nomem;
	}
	for (size_t i = 0; i < n; i++) {
		if (!p[i])
			continue;
		if (p[i]->name && strcmp(p[i]->name, "root") == 0)
			a->root = 1;
		for (size_t j = 0; j < p[i]->n; j++)
			all[k++] = &p[i]->rules[j];
	}
	if (total)
		qsort(all, total, sizeof(*all), rule_ptr_cmp);

	for (size_t i = 0; i < total; i++) {
		const struct vault_policy_rule *r = all[i];
		struct vault_acl_rule *arr;
		size_t *cnt;

		switch (r->kind) {
		case VAULT_RULE_EXACT:
			arr = a->exact;
			cnt = &a->nexact;
			break;
		case VAULT_RULE_PREFIX:
			arr = a->prefix;
			cnt = &a->nprefix;
			break;
		default:
			arr = a->seg;
			cnt = &a->nseg;
			break;
		}
		/* sorted: a same-string rule is the last one added */
		if (*cnt && key_cmp(arr[*cnt - 1].path, arr[*cnt - 1].len,
				    r->path, r->len) == 0) {
			if (rule_merge(&arr[*cnt - 1], r))
				goto nomem;
			continue;
		}
		arr[*cnt].path = malloc(r->len + 1);
		if (!arr[*cnt].path)
			goto nomem;
		memcpy(arr[*cnt].path, r->path, r->len + 1);
		arr[*cnt].len = r->len;
		arr[*cnt].caps = 0;
		(*cnt)++;
		if (rule_merge(&arr[*cnt - 1], r))
			goto nomem;
	}
	free(all);
	*ret = a;
	return 0;

nomem:
	free(all);
	vault_acl_free(a);
	return -ENOMEM;
}

static const struct vault_acl_rule *find(const struct vault_acl_rule *arr,
					 size_t n, const char *key, size_t klen)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = key_cmp(key, klen, arr[mid].path, arr[mid].len);

		if (c == 0)
			return &arr[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* A candidate rule for the priority comparison (Vault's wcPathDescr). */
struct cand {
	size_t first;	  /* index of the first "+" or of the glob */
	size_t wildcards; /* "+" segments */
	int is_prefix;	  /* ends in "*" */
	const char *path; /* without the trailing "*" */
	size_t len;
	const struct vault_acl_rule *rule;
};

/* > 0 when a has the higher priority. */
static int cand_cmp(const struct cand *a, const struct cand *b)
{
	if (a->first != b->first)
		return a->first > b->first ? 1 : -1;
	if (a->is_prefix != b->is_prefix)
		return a->is_prefix ? -1 : 1;
	if (a->wildcards != b->wildcards)
		return a->wildcards < b->wildcards ? 1 : -1;
	if (a->len != b->len)
		return a->len > b->len ? 1 : -1;
	return key_cmp(a->path, a->len, b->path, b->len);
}

/* Length of the segment starting at s (up to '/' or end). */
static size_t seg_len(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);

	return slash ? (size_t)(slash - s) : n;
}

static size_t count_segments(const char *s, size_t n)
{
	size_t c = 1;

	for (size_t i = 0; i < n; i++)
		c += s[i] == '/';
	return c;
}

/* Matches a "+" path r against path; fills c on a match. */
static int seg_match(const struct vault_acl_rule *r, const char *path,
		     size_t plen, struct cand *c)
{
	const char *pat = r->path, *plus = memchr(r->path, '+', r->len);
	size_t patlen = r->len, npat, npath, pi = 0, qi = 0;
	int is_prefix = 0;

	if (patlen == 0)
		return 0;
	if (pat[patlen - 1] == '*') {
		is_prefix = 1;
		patlen--;
	}
	npat = count_segments(pat, patlen);
	npath = count_segments(path, plen);
	if (npath < npat || (!is_prefix && npath != npat))
		return 0;

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < npat; i++) {
		size_t a = seg_len(pat + pi, patlen - pi);
		size_t b = seg_len(path + qi, plen - qi);

		if (a == 1 && pat[pi] == '+') {
			c->wildcards++;
		} else if (a == b && memcmp(pat + pi, path + qi, a) == 0) {
			/* literal segment */
		} else if (is_prefix && i == npat - 1 && b >= a &&
			   memcmp(pat + pi, path + qi, a) == 0) {
			/* the glob's last segment is a prefix */
		} else {
			return 0;
		}
		pi += a + 1;
		qi += b + 1;
	}
	c->first = plus ? (size_t)(plus - r->path) : 0;
	c->is_prefix = is_prefix;
	c->path = r->path;
	c->len = patlen;
	c->rule = r;
	return 1;
}

const struct vault_acl_rule *
vault_acl_match(const struct vault_acl *a, const char *path, unsigned *ret_caps)
{
	const struct vault_acl_rule *r;
	struct cand best = {0}, c;
	int have = 0;
	size_t plen;

	*ret_caps = 0;
	if (!a || !path)
		return NULL;
	if (a->root) {
		*ret_caps = VAULT_CAP_ALL;
		return NULL;
	}
	while (*path == '/')
		path++;
	plen = strlen(path);

	r = find(a->exact, a->nexact, path, plen);
	if (r) {
		*ret_caps = r->caps;
		return r;
	}

	/* the longest prefix glob that matches */
	for (size_t l = plen + 1; a->nprefix && l-- > 0;) {
		r = find(a->prefix, a->nprefix, path, l);
		if (r) {
			best = (struct cand){.first = l,
					     .is_prefix = 1,
					     .path = r->path,
					     .len = r->len,
					     .rule = r};
			have = 1;
			break;
		}
	}
	for (size_t i = 0; i < a->nseg; i++) {
		if (!seg_match(&a->seg[i], path, plen, &c))
			continue;
		if (!have || cand_cmp(&c, &best) > 0) {
			best = c;
			have = 1;
		}
	}
	if (!have)
		return NULL;
	*ret_caps = best.rule->caps;
	return best.rule;
}

unsigned vault_acl_capabilities(const struct vault_acl *a, const char *path)
{
	unsigned caps;

	(void)vault_acl_match(a, path, &caps);
	return caps;
}

int vault_acl_check_params(const struct vault_acl_rule *r, json_t *params,
			   int64_t wrap_ttl, char *msg, size_t msglen)
{
	if (msg && msglen)
		msg[0] = '\0';
	if (!r)
		return 0; /* root, or nothing to check */
	return vault_rule_params_check(&r->params, params, wrap_ttl, msg,
				       msglen);
}

const struct vault_acl_rule *
vault_acl_exact(const struct vault_acl *a, const char *path, unsigned *ret_caps)
{
	const struct vault_acl_rule *r;

	if (!a || !path || a->root)
		return NULL;
	while (*path == '/')
		path++;
	r = find(a->exact, a->nexact, path, strlen(path));
	if (r)
		*ret_caps = r->caps;
	return r;
}
