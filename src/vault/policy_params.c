/*
 * policy_params.c - the parameter and response-wrapping constraints of an
 * ACL rule (allowed_parameters, denied_parameters, required_parameters,
 * min_wrapping_ttl, max_wrapping_ttl): how two rules' constraints merge,
 * and the check of a request against the rule that governs it, following
 * Vault's vault/acl.go (NewACL and AllowOperation, Vault 1.21's matching of
 * list values).
 *
 * The check, for a rule whose capabilities already allow the operation:
 *   1. max_wrapping_ttl set: the request must be wrapped, TTL <= max;
 *      min_wrapping_ttl set: wrapped, TTL >= min; both set (merged from
 *      several policies) with max < min: refused.
 *   2. Parameters (read, create/update, patch only; the caller passes NULL
 *      for the others): every required name present; no parameters at all:
 *      allowed; denied "*": refused; a denied name whose value matches a
 *      listed value (or whose list is empty): refused; allowed set and not
 *      only "*": every parameter must be listed (or "*" present) and a
 *      listed one must carry a listed value ([] = any).
 * Parameter names compare lower-cased (ASCII), as Vault lower-cases both
 * the policy's names and the request's.
 *
 * A request value V matches a listed value E when:
 *   - E is a string: V's text matches E, where E may start and/or end with
 *     "*" (suffix, prefix, substring match; Vault's GlobbedStringsMatch).
 *     V's text is the string itself, or for a number or boolean its JSON
 *     text (5, 2.5, true): a Bulwark choice, since Vault's typed compare
 *     never matches a number sent in JSON;
 *   - E is a number: V is a number of the same value, or a string equal to
 *     E's JSON text;  E is true/false: the same boolean or its text;
 *   - E is null: V is null;  E is a list or an object: V is equal to it.
 * And, as Vault 1.21 does for list-typed parameters: when V is a list, or
 * a string that may be a comma-separated list, it is also taken element by
 * element (strings split on "," and trimmed): allowed when every element
 * matches, denied when any element does.  (Unlike Vault, an empty string
 * is not an empty list: it is allowed only when "" itself matches.)
 * At most VAULT_ACL_MAX_CHECKED_VALUES elements are examined per request;
 * beyond that the request is refused rather than checked in part.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault/policy_internal.h"
#include "vault/vault.h"

/* ---- building and merging ------------------------------------------------
 */

void vault_rule_params_clear(struct vault_rule_params *p)
{
	if (!p)
		return;
	json_decref(p->allowed);
	json_decref(p->denied);
	json_decref(p->required);
	memset(p, 0, sizeof(*p));
}

/* Appends copies of add's values to the list under key in map (a new list
 * when absent); an empty list on either side leaves an empty list (any
 * value), as Vault's merge does. */
static int list_merge(json_t *map, const char *key, json_t *add)
{
	json_t *have = json_object_get(map, key), *v;
	size_t i;

	if (!have)
		return json_object_set_new(map, key, json_deep_copy(add))
			   ? -ENOMEM
			   : 0;
	if (json_array_size(have) == 0)
		return 0;
	if (json_array_size(add) == 0)
		return json_array_clear(have) ? -ENOMEM : 0;
	json_array_foreach(add, i, v)
	{
		if (json_array_append_new(have, json_deep_copy(v)))
			return -ENOMEM;
	}
	return 0;
}

static int map_merge(json_t **dst, json_t *src)
{
	const char *key;
	json_t *v;

	if (!src || json_object_size(src) == 0)
		return 0;
	if (!*dst) {
		*dst = json_deep_copy(src);
		return *dst ? 0 : -ENOMEM;
	}
	json_object_foreach(src, key, v)
	{
		int rc = list_merge(*dst, key, v);

		if (rc)
			return rc;
	}
	return 0;
}

static int required_has(json_t *req, const char *name)
{
	json_t *v;
	size_t i;

	json_array_foreach(req, i, v)
	{
		if (!strcmp(json_string_value(v), name))
			return 1;
	}
	return 0;
}

/* The smaller of two bounds, 0 meaning "not set" (Vault prefers the
 * shorter wrapping lifetime for min and max alike). */
static int64_t wrap_merge(int64_t have, int64_t add)
{
	if (add > 0 && (have == 0 || add < have))
		return add;
	return have;
}

int vault_rule_params_merge(struct vault_rule_params *dst,
			    const struct vault_rule_params *src)
{
	json_t *v;
	size_t i;
	int rc;

	if ((rc = map_merge(&dst->allowed, src->allowed)) ||
	    (rc = map_merge(&dst->denied, src->denied)))
		return rc;
	json_array_foreach(src->required, i, v)
	{
		if (!dst->required && !(dst->required = json_array()))
			return -ENOMEM;
		if (!required_has(dst->required, json_string_value(v)) &&
		    json_array_append_new(dst->required, json_deep_copy(v)))
			return -ENOMEM;
	}
	dst->min_wrap = wrap_merge(dst->min_wrap, src->min_wrap);
	dst->max_wrap = wrap_merge(dst->max_wrap, src->max_wrap);
	return 0;
}

/* A NUL-terminated ASCII-lower-cased copy of s; NULL when out of memory.
 * Caller frees. */
static char *lower_dup(const char *s, size_t n)
{
	char *out = malloc(n + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a')
						    : s[i];
	out[n] = '\0';
	return out;
}

int vault_param_map_add(json_t **map, const char *name, size_t nlen,
			json_t *values)
{
	char *key;
	json_t *have;
	int rc;

	if (!json_is_array(values) || memchr(name, '\0', nlen))
		return -EINVAL;
	if (json_array_size(values) > VAULT_POLICY_MAX_PARAM_VALUES)
		return -E2BIG;
	if (!*map && !(*map = json_object()))
		return -ENOMEM;
	if (!(key = lower_dup(name, nlen)))
		return -ENOMEM;
	have = json_object_get(*map, key);
	if (!have && json_object_size(*map) >= VAULT_POLICY_MAX_PARAMS)
		rc = -E2BIG;
	else if (have && json_array_size(have) + json_array_size(values) >
			     VAULT_POLICY_MAX_PARAM_VALUES)
		rc = -E2BIG;
	else
		rc = list_merge(*map, key, values);
	free(key);
	return rc;
}

int vault_required_add(json_t **req, const char *name, size_t nlen)
{
	char *key;
	int rc = 0;

	if (memchr(name, '\0', nlen))
		return -EINVAL;
	if (!*req && !(*req = json_array()))
		return -ENOMEM;
	if (!(key = lower_dup(name, nlen)))
		return -ENOMEM;
	if (required_has(*req, key))
		rc = 0;
	else if (json_array_size(*req) >= VAULT_POLICY_MAX_PARAMS)
		rc = -E2BIG;
	else if (json_array_append_new(*req, json_string(key)))
		rc = -EINVAL; /* not UTF-8 */
	free(key);
	return rc;
}

/* ---- matching values ---------------------------------------------------- */

struct check {
	size_t left; /* elements that may still be examined */
	int over;    /* the budget ran out */
};

/* Takes n elements from the budget; 0 when it ran out. */
static int take(struct check *ck, size_t n)
{
	if (n > ck->left) {
		ck->over = 1;
		ck->left = 0;
		return 0;
	}
	ck->left -= n;
	return 1;
}

static int contains(const char *h, size_t hl, const char *n, size_t nl)
{
	if (!nl)
		return 1;
	while (hl >= nl) {
		const char *f = memchr(h, n[0], hl - nl + 1);

		if (!f)
			return 0;
		hl -= (size_t)(f - h);
		h = f;
		if (!memcmp(h, n, nl))
			return 1;
		h++;
		hl--;
	}
	return 0;
}

/* Vault's GlobbedStringsMatch: pat may start and/or end with "*". */
static int glob_match(const char *pat, size_t pl, const char *v, size_t vl)
{
	int pre, suf;

	if (pl < 2)
		return pl == vl && !memcmp(pat, v, pl);
	pre = pat[0] == '*';
	suf = pat[pl - 1] == '*';
	if (pre && suf)
		return contains(v, vl, pat + 1, pl - 2);
	if (pre)
		return vl >= pl - 1 &&
		       !memcmp(v + vl - (pl - 1), pat + 1, pl - 1);
	if (suf)
		return vl >= pl - 1 && !memcmp(v, pat, pl - 1);
	return pl == vl && !memcmp(pat, v, pl);
}

/* The JSON text of a number or boolean into buf; its length, or 0 for
 * other types. */
static size_t scalar_text(json_t *v, char *buf, size_t cap)
{
	int n = 0;

	switch (json_typeof(v)) {
	case JSON_INTEGER:
		n = snprintf(buf, cap, "%" JSON_INTEGER_FORMAT,
			     json_integer_value(v));
		break;
	case JSON_REAL: {
		double d = json_real_value(v);

		/* the shortest of %.15g / %.17g that reads back the same */
		n = snprintf(buf, cap, "%.15g", d);
		if (strtod(buf, NULL) != d)
			n = snprintf(buf, cap, "%.17g", d);
		break;
	}
	case JSON_TRUE:
		n = snprintf(buf, cap, "true");
		break;
	case JSON_FALSE:
		n = snprintf(buf, cap, "false");
		break;
	default:
		return 0;
	}
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* Listed value e against a request string s (n bytes). */
static int match_str(json_t *e, const char *s, size_t n)
{
	char buf[64];
	size_t tl;

	if (json_is_string(e))
		return glob_match(json_string_value(e), json_string_length(e),
				  s, n);
	tl = scalar_text(e, buf, sizeof(buf));
	return tl && tl == n && !memcmp(buf, s, n);
}

/* Listed value e against a request value v of any type. */
static int match_value(json_t *e, json_t *v)
{
	char buf[64];
	size_t tl;

	if (json_is_string(v))
		return match_str(e, json_string_value(v),
				 json_string_length(v));
	if (json_is_number(v) && json_is_number(e)) {
		if (json_is_integer(v) && json_is_integer(e))
			return json_integer_value(v) == json_integer_value(e);
		return json_number_value(v) == json_number_value(e);
	}
	if (json_is_boolean(v) && json_is_boolean(e))
		return json_typeof(v) == json_typeof(e);
	if ((json_is_number(v) || json_is_boolean(v)) && json_is_string(e)) {
		tl = scalar_text(v, buf, sizeof(buf));
		return tl && glob_match(json_string_value(e),
					json_string_length(e), buf, tl);
	}
	if (json_is_null(v))
		return json_is_null(e);
	if (json_is_array(v) || json_is_object(v))
		return json_equal(e, v);
	return 0;
}

static int in_list(json_t *list, json_t *v)
{
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e)
	{
		if (match_value(e, v))
			return 1;
	}
	return 0;
}

static int in_list_str(json_t *list, const char *s, size_t n)
{
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e)
	{
		if (match_str(e, s, n))
			return 1;
	}
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/*
 * Walks the comma-separated pieces of s (each trimmed): returns 1 as soon
 * as a piece's membership in list equals stop_on (1: "some piece is in
 * the list", 0: "some piece is not"), else 0.  The budget running out
 * counts as a stop.
 */
static int pieces_any(json_t *list, const char *s, size_t n, int stop_on,
		      struct check *ck)
{
	size_t start = 0;

	for (;;) {
		const char *comma = memchr(s + start, ',', n - start);
		size_t end = comma ? (size_t)(comma - s) : n, a = start,
		       b = end;

		while (a < b && is_space(s[a]))
			a++;
		while (b > a && is_space(s[b - 1]))
			b--;
		if (!take(ck, 1))
			return 1;
		if (in_list_str(list, s + a, b - a) == stop_on)
			return 1;
		if (!comma)
			return 0;
		start = end + 1;
	}
}

/* Vault's valueInAllowedParameterList (1.21): the whole value, or every
 * element of a list or of a comma-separated string. */
static int value_allowed(json_t *list, json_t *v, struct check *ck)
{
	json_t *e;
	size_t i;

	if (json_array_size(list) == 0 || in_list(list, v))
		return 1;
	if (json_is_array(v)) {
		if (!take(ck, json_array_size(v)))
			return 0;
		json_array_foreach(v, i, e)
		{
			if (!in_list(list, e))
				return 0;
		}
		return 1;
	}
	if (json_is_string(v) && json_string_length(v) > 0)
		return !pieces_any(list, json_string_value(v),
				   json_string_length(v), 0, ck) &&
		       !ck->over;
	return 0;
}

/* Vault's valueInDeniedParameterList (1.21): the whole value, or any
 * element of a list or of a comma-separated string. */
static int value_denied(json_t *list, json_t *v, struct check *ck)
{
	json_t *e;
	size_t i;

	if (json_array_size(list) == 0 || in_list(list, v))
		return 1;
	if (json_is_array(v)) {
		if (!take(ck, json_array_size(v)))
			return 1;
		json_array_foreach(v, i, e)
		{
			if (in_list(list, e))
				return 1;
		}
		return 0;
	}
	if (json_is_string(v))
		return pieces_any(list, json_string_value(v),
				  json_string_length(v), 1, ck);
	return 0;
}

/* ---- the check ---------------------------------------------------------- */

static int refuse(char *msg, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int refuse(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (msg && len) {
		va_start(ap, fmt);
		vsnprintf(msg, len, fmt, ap);
		va_end(ap);
	}
	return -EACCES;
}

static int check_wrapping(const struct vault_rule_params *p, int64_t ttl,
			  char *msg, size_t len)
{
	if (p->max_wrap > 0 && ttl <= 0)
		return refuse(msg, len,
			      "wrapping required (max_wrapping_ttl %" PRId64
			      "s)",
			      p->max_wrap);
	if (p->max_wrap > 0 && ttl > p->max_wrap)
		return refuse(msg, len,
			      "wrap TTL %" PRId64
			      "s is more than max_wrapping_ttl %" PRId64 "s",
			      ttl, p->max_wrap);
	if (p->min_wrap > 0 && ttl <= 0)
		return refuse(msg, len,
			      "wrapping required (min_wrapping_ttl %" PRId64
			      "s)",
			      p->min_wrap);
	if (p->min_wrap > 0 && ttl < p->min_wrap)
		return refuse(msg, len,
			      "wrap TTL %" PRId64
			      "s is less than min_wrapping_ttl %" PRId64 "s",
			      ttl, p->min_wrap);
	if (p->min_wrap > 0 && p->max_wrap > 0 && p->max_wrap < p->min_wrap)
		return refuse(msg, len,
			      "max_wrapping_ttl is less than min_wrapping_ttl "
			      "(merged policies)");
	return 0;
}

/* One request parameter against denied and allowed (NULL: no allowed
 * check; allowed_all: it holds "*"). */
static int check_one(json_t *denied, json_t *allowed, const char *name,
		     json_t *v, int allowed_all, struct check *ck, char *msg,
		     size_t len)
{
	size_t n = strlen(name);
	char small[128], *key = small;
	json_t *list;
	int rc = 0;

	if (n >= sizeof(small) && !(key = lower_dup(name, n)))
		return -ENOMEM;
	if (key == small)
		for (size_t i = 0; i <= n; i++)
			small[i] = name[i] >= 'A' && name[i] <= 'Z'
				       ? (char)(name[i] - 'A' + 'a')
				       : name[i];
	list = denied ? json_object_get(denied, key) : NULL;
	if (list && value_denied(list, v, ck))
		rc = ck->over
			 ? refuse(msg, len,
				  "parameter \"%.64s\": more than %d "
				  "values to check",
				  name, VAULT_ACL_MAX_CHECKED_VALUES)
			 : refuse(msg, len, "parameter \"%.64s\": denied value",
				  name);
	list = !rc && allowed ? json_object_get(allowed, key) : NULL;
	if (!rc && allowed && !list && !allowed_all)
		rc = refuse(msg, len, "parameter \"%.64s\" is not allowed",
			    name);
	else if (!rc && list && !value_allowed(list, v, ck))
		rc = ck->over ? refuse(msg, len,
				       "parameter \"%.64s\": more than %d "
				       "values to check",
				       name, VAULT_ACL_MAX_CHECKED_VALUES)
			      : refuse(msg, len,
				       "parameter \"%.64s\": value not "
				       "allowed",
				       name);
	if (key != small)
		free(key);
	return rc;
}

int vault_rule_params_check(const struct vault_rule_params *p, json_t *params,
			    int64_t wrap_ttl, char *msg, size_t len)
{
	struct check ck = {.left = VAULT_ACL_MAX_CHECKED_VALUES};
	const char *name;
	json_t *v, *allowed;
	size_t i;
	int rc, allowed_all;

	if (msg && len)
		msg[0] = '\0';
	if ((rc = check_wrapping(p, wrap_ttl, msg, len)))
		return rc;
	if (!params)
		return 0;
	json_array_foreach(p->required, i, v)
	{
		if (!json_object_get(params, json_string_value(v)))
			return refuse(msg, len,
				      "required parameter \"%.64s\" missing",
				      json_string_value(v));
	}
	if (!json_is_object(params) || json_object_size(params) == 0)
		return 0;
	if (p->denied && json_object_get(p->denied, "*"))
		return refuse(msg, len, "every parameter is denied (\"*\")");
	/* allowed_parameters of only "*" allows everything not denied */
	allowed = p->allowed;
	allowed_all = allowed && json_object_get(allowed, "*");
	if (allowed_all && json_object_size(allowed) == 1)
		allowed = NULL;
	if (!p->denied && !allowed)
		return 0;
	json_object_foreach(params, name, v)
	{
		if ((rc = check_one(p->denied, allowed, name, v, allowed_all,
				    &ck, msg, len)))
			return rc;
	}
	return 0;
}
