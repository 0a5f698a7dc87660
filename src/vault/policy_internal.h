/*
 * policy_internal.h - the parsed form of an ACL policy, shared by the
 * parser (policy_parse.c, policy_json.c, policy_hcl*.c), the ACL builder
 * (policy_acl.c) and the parameter constraints (policy_params.c) only; the rest
 * of Bulwark sees struct vault_policy and struct vault_acl_rule as opaque
 * through vault.h.
 *
 * A rule's path is stored the way Vault's ACL keys it: without a leading
 * "/", and for a plain prefix glob ("secret/app-*") without the "*".  A path
 * with "+" segments keeps its trailing "*" (the matcher needs it).
 */
#ifndef BW_VAULT_POLICY_INTERNAL_H
#define BW_VAULT_POLICY_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vault/vault.h"

enum vault_rule_kind {
	VAULT_RULE_EXACT = 0,	/* no "+" segment, no trailing "*" */
	VAULT_RULE_PREFIX = 1,	/* trailing "*", no "+" segment; "*" removed */
	VAULT_RULE_SEGMENT = 2, /* "+" as a whole segment somewhere */
};

/*
 * A rule's parameter and response-wrapping constraints (Vault's
 * ACLPermissions without the capabilities).  All json_t are owned by the
 * struct (freed by vault_rule_params_clear); once in an ACL they are shared
 * read-only by every request thread, so nothing may change them or their
 * reference counts after vault_acl_new (json_object_get / json_array_get /
 * json_equal only: no json_incref, no json_dumps).
 */
struct vault_rule_params {
	json_t *allowed;  /* object: lower-cased name -> array of values, []
			     meaning any value; NULL when not set (or {}) */
	json_t *denied;	  /* the same shape */
	json_t *required; /* array of strings; NULL when none */
	int64_t min_wrap; /* seconds; 0 = not set */
	int64_t max_wrap; /* seconds; 0 = not set */
};

struct vault_policy_rule {
	char *path; /* NUL-terminated, no NUL inside */
	size_t len;
	enum vault_rule_kind kind;
	unsigned caps; /* VAULT_CAP_*; exactly VAULT_CAP_DENY if denied */
	struct vault_rule_params params; /* all empty for a deny rule */
};

struct vault_policy {
	char *name; /* lower-cased */
	struct vault_policy_rule *rules;
	size_t n, cap;
};

/* Every capability but deny: what the "root" policy grants. */
#define VAULT_CAP_ALL                                                          \
	(VAULT_CAP_CREATE | VAULT_CAP_READ | VAULT_CAP_UPDATE |                \
	 VAULT_CAP_DELETE | VAULT_CAP_LIST | VAULT_CAP_SUDO |                  \
	 VAULT_CAP_PATCH | VAULT_CAP_SUBSCRIBE)

/* 1 when s[0..len) is the string lit. */
static inline int str_is(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

/* ---- policy_parse.c: what the HCL and JSON forms share ---- */

/* The VAULT_CAP_* bit of a capability name, 0 for an unknown one. */
unsigned vault_cap_lookup(const char *s, size_t len);
/* The capabilities of one of Vault's old "policy = ..." values into
 * *caps: 0, or -1 for an unknown one. */
int vault_old_policy_lookup(const char *s, size_t len, unsigned *caps);
/* Adds a rule for path (raw, as written) with caps and the constraints in
 * *params, applying Vault's path normalisation.  On success the rule owns
 * what *params held (a deny rule drops it) and *params is zeroed; on error
 * *params is left to the caller.  Errors are positioned at line:col. */
int vault_policy_rule_add(struct vault_policy *pol, const char *path,
			  size_t len, unsigned caps,
			  struct vault_rule_params *params, const char *input,
			  int line, int col, struct bw_error *err);

/*
 * The two forms (policy_hcl.c, policy_json.c): the policy text (len bytes,
 * text may be NULL when len is 0) into pol's rules; input names the policy
 * in errors.  0 or a negative errno with err set; pol may then hold some
 * rules (the caller frees it).
 */
int vault_policy_parse_hcl(const char *text, size_t len,
			   struct vault_policy *pol, const char *input,
			   struct bw_error *err);
int vault_policy_parse_json(const char *text, size_t len,
			    struct vault_policy *pol, const char *input,
			    struct bw_error *err);

/* ---- policy_params.c ---- */

/* Frees what p holds and zeroes it (p itself is the caller's). */
void vault_rule_params_clear(struct vault_rule_params *p);

/*
 * Merges src into dst as Vault's NewACL does for two rules of the same
 * path string: allowed and denied maps are unioned name by name (an empty
 * value list on either side wins: any value), required names unioned
 * without duplicates, and of two wrapping bounds the smaller non-zero one
 * kept (min and max alike).  src is only read.  0 or -ENOMEM (dst is then
 * partly merged; the caller frees it).
 */
int vault_rule_params_merge(struct vault_rule_params *dst,
			    const struct vault_rule_params *src);

/*
 * Adds values (an array; [] = any value) under name to the map *map
 * (created when NULL), the name lower-cased (ASCII) as Vault does; an
 * existing name is merged as in vault_rule_params_merge.  values is only
 * read (deep-copied).  0, -E2BIG past VAULT_POLICY_MAX_PARAMS names or
 * VAULT_POLICY_MAX_PARAM_VALUES values for one name, -ENOMEM.
 */
int vault_param_map_add(json_t **map, const char *name, size_t nlen,
			json_t *values);

/* Adds name (lower-cased) to the list *req (created when NULL) unless
 * there.  0, -E2BIG past VAULT_POLICY_MAX_PARAMS names, -EINVAL for a NUL
 * or invalid UTF-8, -ENOMEM. */
int vault_required_add(json_t **req, const char *name, size_t nlen);

/* The check behind vault_acl_check_params (vault.h), on one rule's
 * constraints. */
int vault_rule_params_check(const struct vault_rule_params *p, json_t *params,
			    int64_t wrap_ttl, char *msg, size_t len);

#endif
