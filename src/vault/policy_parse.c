/*
 * policy_parse.c - Vault's ACL policy language: the HCL subset Vault
 * policies are written in, and the JSON form, into a struct vault_policy.
 *
 * The grammar of the HCL form is at the top of policy_hcl_int.h; its lexer
 * is policy_hcl_lex.c, its parser policy_hcl.c and the parameter
 * constraints in it policy_hcl_params.c.  policy_json.c reads the JSON
 * form.  This file has what both share (the capability names, the rule a
 * path becomes) and the entry points.
 *
 * The parameter constraints and wrapping bounds are kept with the rule
 * (struct vault_rule_params, policy_internal.h; enforced by
 * policy_params.c): a pmap's values become JSON values (WORDs: integers,
 * reals, true, false), parameter names are lower-cased as Vault does, a
 * wrapping TTL is seconds or a duration string (vault_duration_parse) and
 * max_wrapping_ttl may not be less than min_wrapping_ttl.  Given twice in
 * one block, maps and lists are merged and a TTL's last value counts.  A
 * deny rule keeps no constraints (Vault's too).  Other attributes
 * (mfa_methods, control_group, comment, ...) are parsed for balance and
 * skipped.
 *
 * Input starting with "{" (after whitespace) is the JSON form, as Vault's
 * HCL parser also decides:
 *   {"path": {"secret*": {"capabilities": ["read"],
 *                         "denied_parameters": {"x": []}}}}
 * ("path" may also be a list of such objects, and a path's value a list of
 * rule objects, merged as rules of one path from several policies are).
 * Jansson gives no positions inside a decoded document, so errors about
 * the JSON form's content name the path and the attribute instead.
 *
 * Per path, Vault's rules: a leading "/" is dropped; "+*" is an error; a
 * path is a segment-wildcard path when it is "+", starts with "+/" or
 * contains "/+"; otherwise a trailing "*" makes it a prefix glob (a "*"
 * anywhere else is an ordinary character); "deny" among the capabilities
 * makes the rule deny-only.
 *
 * Limits: VAULT_POLICY_MAX_BYTES of input, VAULT_POLICY_MAX_PATHS rules,
 * POLICY_MAX_DEPTH nested lists/objects, VAULT_POLICY_MAX_PARAMS names per
 * map or required list and VAULT_POLICY_MAX_PARAM_VALUES values per name.
 * Errors carry line and column (1-based, in bytes) of the offending token.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vault/policy_internal.h"
#include "vault/vault.h"

#define POLICY_MAX_NAME 512

/* ---- capabilities ------------------------------------------------------- */

static const struct {
	const char *name;
	unsigned bit;
} cap_names[] = {
    {"deny", VAULT_CAP_DENY},		{"create", VAULT_CAP_CREATE},
    {"read", VAULT_CAP_READ},		{"update", VAULT_CAP_UPDATE},
    {"delete", VAULT_CAP_DELETE},	{"list", VAULT_CAP_LIST},
    {"sudo", VAULT_CAP_SUDO},		{"patch", VAULT_CAP_PATCH},
    {"subscribe", VAULT_CAP_SUBSCRIBE},
};

/* Vault's pre-0.5 "policy = ..." values as capability sets. */
static const struct {
	const char *name;
	unsigned caps;
} old_policies[] = {
    {"deny", VAULT_CAP_DENY},
    {"read", VAULT_CAP_READ | VAULT_CAP_LIST},
    {"write", VAULT_CAP_CREATE | VAULT_CAP_READ | VAULT_CAP_UPDATE |
		  VAULT_CAP_DELETE | VAULT_CAP_LIST},
    {"sudo", VAULT_CAP_CREATE | VAULT_CAP_READ | VAULT_CAP_UPDATE |
		 VAULT_CAP_DELETE | VAULT_CAP_LIST | VAULT_CAP_SUDO},
};

unsigned vault_cap_lookup(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (str_is(s, len, cap_names[i].name))
			return cap_names[i].bit;
	return 0;
}

int vault_old_policy_lookup(const char *s, size_t len, unsigned *caps)
{
	for (size_t i = 0; i < sizeof(old_policies) / sizeof(old_policies[0]);
	     i++)
		if (str_is(s, len, old_policies[i].name)) {
			*caps = old_policies[i].caps;
			return 0;
		}
	return -1;
}

/* ---- rules -------------------------------------------------------------- */

/* Adds a rule for path (raw, as written) with caps and the constraints in
 * *params, applying Vault's path normalisation.  On success the rule owns
 * what *params held (a deny rule drops it) and *params is zeroed; on error
 * *params is left to the caller.  Errors are positioned at line:col. */
int vault_policy_rule_add(struct vault_policy *pol, const char *path,
			  size_t len, unsigned caps,
			  struct vault_rule_params *params, const char *input,
			  int line, int col, struct bw_error *err)
{
	struct vault_policy_rule *r;
	enum vault_rule_kind kind = VAULT_RULE_EXACT;
	char *copy;

	if (len > 0 && path[0] == '/') {
		path++;
		len--;
	}
	if (memchr(path, '\0', len))
		return bw_errorf(err, -EINVAL, input, line, col,
				 "path contains a NUL byte");
	for (size_t i = 0; i + 1 < len; i++)
		if (path[i] == '+' && path[i + 1] == '*')
			return bw_errorf(err, -EINVAL, input, line, col,
					 "path \"%.*s\": invalid use of "
					 "wildcards ('+*' is forbidden)",
					 (int)(len > 200 ? 200 : len), path);
	if ((len == 1 && path[0] == '+') ||
	    (len >= 2 && path[0] == '+' && path[1] == '/'))
		kind = VAULT_RULE_SEGMENT;
	for (size_t i = 0; kind != VAULT_RULE_SEGMENT && i + 1 < len; i++)
		if (path[i] == '/' && path[i + 1] == '+')
			kind = VAULT_RULE_SEGMENT;
	if (kind == VAULT_RULE_EXACT && len > 0 && path[len - 1] == '*') {
		kind = VAULT_RULE_PREFIX;
		len--;
	}
	if (caps & VAULT_CAP_DENY)
		caps = VAULT_CAP_DENY;

	if (pol->n >= VAULT_POLICY_MAX_PATHS)
		return bw_errorf(err, -E2BIG, input, line, col,
				 "more than %d paths in one policy",
				 VAULT_POLICY_MAX_PATHS);
	if (pol->n == pol->cap) {
		size_t nc = pol->cap ? pol->cap * 2 : 8;

		r = realloc(pol->rules, nc * sizeof(*r));
		if (!r)
			return bw_errorf(err, -ENOMEM, input, line, col,
					 "out of memory");
		pol->rules = r;
		pol->cap = nc;
	}
	copy = malloc(len + 1);
	if (!copy)
		return bw_errorf(err, -ENOMEM, input, line, col,
				 "out of memory");
	memcpy(copy, path, len);
	copy[len] = '\0';
	r = &pol->rules[pol->n++];
	r->path = copy;
	r->len = len;
	r->kind = kind;
	r->caps = caps;
	r->params = *params;
	memset(params, 0, sizeof(*params));
	if (caps & VAULT_CAP_DENY)
		vault_rule_params_clear(&r->params);
	return 0;
}

/* ---- entry points ------------------------------------------------------- */

void vault_policy_free(struct vault_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->rules[i].path);
		vault_rule_params_clear(&p->rules[i].params);
	}
	free(p->rules);
	free(p->name);
	free(p);
}

const char *vault_policy_name(const struct vault_policy *p)
{
	return p ? p->name : NULL;
}

int vault_policy_parse(const char *name, const char *text, size_t len,
		       struct vault_policy **ret, struct bw_error *err)
{
	struct vault_policy *pol;
	size_t nlen, i = 0;
	int rc;

	if (!name)
		name = "";
	nlen = strlen(name);
	if (nlen > POLICY_MAX_NAME)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "policy name longer than %d bytes",
				 POLICY_MAX_NAME);
	if (!text && len)
		return bw_errorf(err, -EINVAL, name, 0, 0, "no policy text");
	if (len > VAULT_POLICY_MAX_BYTES)
		return bw_errorf(err, -EFBIG, name, 0, 0,
				 "policy is %zu bytes, more than %u", len,
				 VAULT_POLICY_MAX_BYTES);
	pol = calloc(1, sizeof(*pol));
	if (!pol || !(pol->name = malloc(nlen + 1))) {
		free(pol);
		return bw_errorf(err, -ENOMEM, name, 0, 0, "out of memory");
	}
	for (size_t k = 0; k <= nlen; k++) {
		char c = name[k];

		pol->name[k] =
		    (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}

	while (i < len && (text[i] == ' ' || text[i] == '\t' ||
			   text[i] == '\r' || text[i] == '\n'))
		i++;
	if (i < len && text[i] == '{')
		rc = vault_policy_parse_json(text, len, pol, name, err);
	else
		rc = vault_policy_parse_hcl(text, len, pol, name, err);
	if (rc) {
		vault_policy_free(pol);
		return rc;
	}
	*ret = pol;
	return 0;
}
