/*
 * token_routes.c - the HTTP handlers of the token auth method
 * (auth/token/create, create-orphan, lookup*, renew*, revoke*, tidy) and
 * of the ACL policy endpoints (sys/policy, sys/policies/acl), as a route
 * table router.c walks.
 *
 * Vault's rules for creating tokens, enforced here: a non-root parent can
 * only give its child a subset of its own policies ("default" aside);
 * no_parent and period need root or sudo on the path; "default" is added
 * unless no_default_policy (or the token is root); the child is linked to
 * its parent unless it is an orphan (create-orphan, no_parent), so revoking
 * the parent revokes it.  The TTL arithmetic lives in token.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault/router_int.h"
#include "vault/tidy_int.h"
#include "vault/token_int.h"

#define OP_R VAULT_OPS(VAULT_OP_READ)
#define OP_U VAULT_OPS(VAULT_OP_UPDATE)
#define OP_D VAULT_OPS(VAULT_OP_DELETE)
#define OP_L VAULT_OPS(VAULT_OP_LIST)

static const char *hash_of(json_t *e)
{
	const char *h = json_string_value(json_object_get(e, "id_hash"));

	return h ? h : "";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends name to the (small) list unless present. */
static int add_name(const char **v, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(v[i], name))
			return 0;
	if (*n >= VAULT_TOKEN_MAX_POLICIES)
		return -E2BIG;
	v[(*n)++] = name;
	return 0;
}

/*
 * The "policies" parameter: an array of names or a comma-separated string.
 * Fills names (lower-cased, checked) into store; *n the count.
 */
static int parse_policies(json_t *v, char store[][VAULT_POLICY_MAX_NAME + 1],
			  size_t *n)
{
	json_t *l = NULL, *x;
	size_t i;
	int rc = vault_list_param(v, VAULT_TOKEN_MAX_POLICIES,
				  VAULT_POLICY_MAX_NAME, &l);

	*n = 0;
	json_array_foreach(l, i, x)
	{
		if (vault_policy_name_check(json_string_value(x), store[*n])) {
			rc = -EINVAL;
			break;
		}
		(*n)++;
	}
	json_decref(l);
	return rc;
}

/* A boolean body parameter: def when absent or null, false for "". */
static int get_bool(json_t *body, const char *k, int def, int *out)
{
	json_t *v = json_object_get(body, k);

	if (!v || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (json_is_string(v) && !*json_string_value(v)) {
		*out = 0;
		return 0;
	}
	return vault_bool_param(v, out) ? -EINVAL : 0;
}

static int check_meta(json_t *meta)
{
	const char *k;
	json_t *v;

	if (!meta || json_is_null(meta))
		return 0;
	if (!json_is_object(meta) ||
	    json_object_size(meta) > VAULT_TOKEN_MAX_META)
		return -EINVAL;
	json_object_foreach(meta, k, v)
	{
		if (!json_is_string(v) ||
		    strlen(k) > VAULT_TOKEN_MAX_META_VALUE ||
		    json_string_length(v) > VAULT_TOKEN_MAX_META_VALUE)
			return -EINVAL;
	}
	return 0;
}

/* "token" or "token-<name>", the name lower-cased with every character
 * outside [a-z0-9-] made "-", as Vault does. */
static void display_name(json_t *v, char *out, size_t cap)
{
	const char *s = json_string_value(v);
	size_t n;

	if (!s || !*s) {
		snprintf(out, cap, "token");
		return;
	}
	n = (size_t)snprintf(out, cap, "token-%s", s);
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 6; i < n; i++) {
		char ch = out[i];

		if (ch >= 'A' && ch <= 'Z')
			out[i] = (char)(ch - 'A' + 'a');
		else if (!((ch >= 'a' && ch <= 'z') ||
			   (ch >= '0' && ch <= '9') || ch == '-'))
			out[i] = '-';
	}
}

static int h_create(struct vault_core *c, struct rctx *r, int *status,
		    json_t **data)
{
	char req[VAULT_TOKEN_MAX_POLICIES][VAULT_POLICY_MAX_NAME + 1];
	const char *names[VAULT_TOKEN_MAX_POLICIES + 1];
	char token[VAULT_TOKEN_LEN + 1], dname[VAULT_TOKEN_MAX_DISPLAY_NAME];
	struct vault_token_params p = {.path = r->path};
	json_t *parent_pol = json_object_get(r->token, "policies");
	json_t *pv = json_object_get(r->body, "policies"), *pol, *e = NULL;
	json_t *type = json_object_get(r->body, "type");
	int parent_root = vault_token_is_root(r->token);
	int sudo = parent_root || vault_caps_allow(r->caps, VAULT_CAP_SUDO);
	int orphan = !strcmp(r->path, "auth/token/create-orphan");
	int no_parent, no_default, renewable, root = 0;
	size_t nreq = 0, n = 0, i;
	json_t *x;
	struct bw_error err;
	int rc;

	if (json_object_get(r->body, "id"))
		return vault_verr(400, "custom token ids are not supported");
	if (json_object_get(r->body, "role_name"))
		return vault_verr(400, "token roles are not supported");
	if (type && !json_is_null(type) &&
	    (!json_is_string(type) ||
	     (strcmp(json_string_value(type), "service") &&
	      strcmp(json_string_value(type), "default"))))
		return vault_verr(400, "only service tokens are supported");
	if (get_bool(r->body, "no_parent", 0, &no_parent) ||
	    get_bool(r->body, "no_default_policy", 0, &no_default) ||
	    get_bool(r->body, "renewable", 1, &renewable))
		return vault_verr(400, "invalid boolean parameter");
	if (no_parent && !orphan) {
		if (!sudo)
			return vault_verr(403, "root or sudo privileges "
					       "required to create orphan "
					       "token");
		orphan = 1;
	}
	if (parse_policies(pv, req, &nreq))
		return vault_verr(400, "invalid policies");
	if (nreq == 0) { /* no policies asked for: the parent's */
		json_array_foreach(parent_pol, i, x)
		{
			const char *s = json_string_value(x);

			if (s && nreq < VAULT_TOKEN_MAX_POLICIES &&
			    strlen(s) <= VAULT_POLICY_MAX_NAME)
				snprintf(req[nreq++], sizeof(req[0]), "%s", s);
		}
	}
	for (i = 0; i < nreq; i++) {
		if (!strcmp(req[i], "default"))
			continue;
		if (!parent_root) {
			int found = 0;
			size_t j;

			json_array_foreach(parent_pol, j, x)
			{
				if (json_is_string(x) &&
				    !strcmp(json_string_value(x), req[i]))
					found = 1;
			}
			if (!found)
				return vault_verr(400, "child policies must "
						       "be subset of parent");
		}
		if (!strcmp(req[i], "root"))
			root = 1;
		if (add_name(names, &n, req[i]))
			return vault_verr(400, "too many policies");
	}
	if (!no_default && !root && add_name(names, &n, "default"))
		return vault_verr(400, "too many policies");
	qsort(names, n, sizeof(names[0]), cmp_str);
	if (vault_duration_parse(json_object_get(r->body, "ttl"), &p.ttl) ||
	    vault_duration_parse(json_object_get(r->body, "explicit_max_ttl"),
				 &p.explicit_max_ttl) ||
	    vault_duration_parse(json_object_get(r->body, "period"), &p.period))
		return vault_verr(400, "invalid duration");
	if (p.period > 0 && !sudo)
		return vault_verr(400, "root or sudo privileges required to "
				       "create periodic token");
	x = json_object_get(r->body, "num_uses");
	if (x && !json_is_null(x)) {
		if (!json_is_integer(x) || json_integer_value(x) < 0)
			return vault_verr(400, "number of uses cannot be "
					       "negative");
		p.num_uses = json_integer_value(x);
	}
	x = json_object_get(r->body, "display_name");
	if (x && !json_is_null(x) && !json_is_string(x))
		return vault_verr(400, "invalid display_name");
	display_name(x, dname, sizeof(dname));
	p.display_name = dname;
	p.meta = json_object_get(r->body, "meta");
	if (check_meta(p.meta))
		return vault_verr(400, "meta must be an object of strings");
	if (json_is_null(p.meta))
		p.meta = NULL;
	p.not_renewable = !renewable;
	if (!orphan) {
		json_t *d = json_object_get(r->token, "depth");

		p.parent_hash = hash_of(r->token);
		p.parent_depth =
		    json_is_integer(d) ? (int)json_integer_value(d) : 0;
		if (p.parent_depth + 1 > VAULT_TOKEN_MAX_DEPTH)
			return vault_verr(400, "token hierarchy too deep");
	}
	pol = json_array();
	for (i = 0; pol && i < n; i++)
		json_array_append_new(pol, json_string(names[i]));
	if (!pol)
		return vault_verr(500, "internal error");
	p.policies = pol;
	bw_error_clear(&err);
	rc = vault_token_create(c, &p, token, &e, &err);
	json_decref(pol);
	if (rc == -EINVAL)
		return vault_verr(400, err.msg);
	if (rc)
		return vault_verr(500, "internal error");
	r->auth = vault_token_auth(c, e, token);
	memset(token, 0, sizeof(token));
	json_decref(e);
	*data = NULL;
	*status = 200;
	return r->auth ? 0 : vault_verr(500, "internal error");
}

/* The "token" (or "accessor") string parameter. */
static const char *param(struct rctx *r, const char *k)
{
	const char *s = json_string_value(json_object_get(r->body, k));

	return s && *s ? s : NULL;
}

static int lookup_reply(struct vault_core *c, json_t *e, const char *id,
			int *status, json_t **data)
{
	*data = vault_token_lookup_data(c, e, id);
	*status = 200;
	return *data ? 0 : vault_verr(500, "internal error");
}

static int h_lookup_self(struct vault_core *c, struct rctx *r, int *status,
			 json_t **data)
{
	return lookup_reply(c, r->token, r->token_s, status, data);
}

static int h_lookup(struct vault_core *c, struct rctx *r, int *status,
		    json_t **data)
{
	const char *t = param(r, "token");
	json_t *e = NULL;
	int rc;

	if (!t)
		return vault_verr(400, "missing token");
	rc = vault_token_lookup(c, t, &e, NULL);
	if (rc == -EPERM)
		return vault_verr(403, "bad token");
	if (rc)
		return vault_verr(500, "internal error");
	rc = lookup_reply(c, e, t, status, data);
	json_decref(e);
	return rc;
}

/* The hash an accessor names, or a 400 "invalid accessor". */
static int accessor_hash(struct vault_core *c, struct rctx *r, char hash[65])
{
	const char *a = param(r, "accessor");
	int rc;

	if (!a)
		return vault_verr(400, "missing accessor");
	rc = vault_token_accessor(c, a, hash, NULL);
	if (rc == -ENOENT)
		return vault_verr(400, "invalid accessor");
	return rc ? vault_verr(500, "internal error") : 0;
}

static int h_lookup_accessor(struct vault_core *c, struct rctx *r, int *status,
			     json_t **data)
{
	char hash[65];
	json_t *e = NULL;
	int rc;

	if (accessor_hash(c, r, hash))
		return -1;
	rc = vault_token_lookup_hash(c, hash, &e, NULL);
	if (rc == -EPERM)
		return vault_verr(400, "invalid accessor");
	if (rc)
		return vault_verr(500, "internal error");
	rc = lookup_reply(c, e, "", status, data);
	json_decref(e);
	return rc;
}

static int renew(struct vault_core *c, struct rctx *r, const char *hash,
		 const char *token, int *status, json_t **data)
{
	int64_t inc = 0;
	json_t *e = NULL;
	struct bw_error err;
	int rc;

	if (vault_duration_parse(json_object_get(r->body, "increment"), &inc))
		return vault_verr(400, "invalid increment");
	bw_error_clear(&err);
	rc = vault_token_renew(c, hash, inc, &e, &err);
	if (rc == -EPERM)
		return vault_verr(400, "token not found");
	if (rc == -EINVAL)
		return vault_verr(400, err.msg);
	if (rc)
		return vault_verr(500, "internal error");
	r->auth = vault_token_auth(c, e, token);
	json_decref(e);
	*data = NULL;
	*status = 200;
	return r->auth ? 0 : vault_verr(500, "internal error");
}

static int h_renew_self(struct vault_core *c, struct rctx *r, int *status,
			json_t **data)
{
	return renew(c, r, hash_of(r->token), r->token_s, status, data);
}

static int h_renew(struct vault_core *c, struct rctx *r, int *status,
		   json_t **data)
{
	const char *t = param(r, "token");
	char hash[65];

	if (!t)
		return vault_verr(400, "missing token");
	if (strlen(t) > VAULT_TOKEN_MAX)
		return vault_verr(400, "token not found");
	vault_token_hash(t, hash);
	return renew(c, r, hash, t, status, data);
}

static int h_renew_accessor(struct vault_core *c, struct rctx *r, int *status,
			    json_t **data)
{
	char hash[65];

	if (accessor_hash(c, r, hash))
		return -1;
	return renew(c, r, hash, "", status, data);
}

static int revoke(struct vault_core *c, const char *hash, int orphan,
		  int *status)
{
	if (vault_token_revoke(c, hash, orphan, NULL))
		return vault_verr(500, "internal error");
	*status = 204;
	return 0;
}

static int h_revoke_self(struct vault_core *c, struct rctx *r, int *status,
			 json_t **data)
{
	return revoke(c, hash_of(r->token), 0, status);
}

static int revoke_param(struct vault_core *c, struct rctx *r, int orphan,
			int *status)
{
	const char *t = param(r, "token");
	char hash[65];

	if (!t)
		return vault_verr(400, "missing token");
	if (strlen(t) > VAULT_TOKEN_MAX) {
		*status = 204;
		return 0;
	}
	vault_token_hash(t, hash);
	return revoke(c, hash, orphan, status);
}

static int h_revoke(struct vault_core *c, struct rctx *r, int *status,
		    json_t **data)
{
	return revoke_param(c, r, 0, status);
}

static int h_revoke_orphan(struct vault_core *c, struct rctx *r, int *status,
			   json_t **data)
{
	return revoke_param(c, r, 1, status);
}

static int h_revoke_accessor(struct vault_core *c, struct rctx *r, int *status,
			     json_t **data)
{
	char hash[65];

	if (accessor_hash(c, r, hash))
		return -1;
	return revoke(c, hash, 0, status);
}

/* ---- sys/policy, sys/policies/acl --------------------------------------- */

static int h_policy_list(struct vault_core *c, struct rctx *r, int *status,
			 json_t **data)
{
	json_t *keys = NULL;

	if (vault_policy_list(c, 1, &keys, NULL))
		return vault_verr(500, "internal error");
	if (!strncmp(r->path, "sys/policy", 10))
		*data = json_pack("{s:O, s:o}", "keys", keys, "policies", keys);
	else
		*data = json_pack("{s:o}", "keys", keys);
	*status = 200;
	return *data ? 0 : vault_verr(500, "internal error");
}

/* sys/policy/<name> (legacy: "rules") and sys/policies/acl/<name>. */
static int h_policy(struct vault_core *c, struct rctx *r, int *status,
		    json_t **data)
{
	int legacy = !strncmp(r->path, "sys/policy/", 11);
	const char *raw = r->path + (legacy ? 11 : 17);
	char name[VAULT_POLICY_MAX_NAME + 1];
	struct bw_error err;
	char *text = NULL;
	json_t *v;
	int rc;

	if (!*raw &&
	    (r->req->op == VAULT_OP_LIST || r->req->op == VAULT_OP_READ))
		return h_policy_list(c, r, status, data);
	if (vault_policy_name_check(raw, name))
		return vault_verr(400, "invalid policy name");
	bw_error_clear(&err);
	switch (r->req->op) {
	case VAULT_OP_READ:
		rc = vault_policy_read(c, name, &text, NULL);
		if (rc == -ENOENT)
			return vault_verr(404, "");
		if (rc)
			return vault_verr(500, "internal error");
		*data = json_pack("{s:s, s:s}", "name", name,
				  legacy ? "rules" : "policy", text);
		free(text);
		*status = 200;
		return *data ? 0 : vault_verr(500, "internal error");
	case VAULT_OP_UPDATE:
		v = json_object_get(r->body, "policy");
		if (!v && legacy)
			v = json_object_get(r->body, "rules");
		if (!json_is_string(v) || !json_string_length(v))
			return vault_verr(400, "'policy' parameter not "
					       "supplied or empty");
		rc = vault_policy_write(c, name, json_string_value(v),
					json_string_length(v), &err);
		if (rc == -ENOMEM || rc == -EIO || rc == -EACCES)
			return vault_verr(500, "internal error");
		if (rc) {
			char msg[BW_ERROR_MSG_MAX + 64];

			/* the position as Vault's HCL errors give it */
			if (err.line > 0)
				snprintf(msg, sizeof(msg),
					 "failed to parse policy: At %d:%d: %s",
					 err.line, err.column, err.msg);
			else
				snprintf(msg, sizeof(msg),
					 "failed to parse policy: %s", err.msg);
			return vault_verr(400, rc == -EPERM ? err.msg : msg);
		}
		*status = 204;
		return 0;
	case VAULT_OP_DELETE:
		rc = vault_policy_delete(c, name, &err);
		if (rc == -EPERM)
			return vault_verr(400, err.msg);
		if (rc)
			return vault_verr(500, "internal error");
		*status = 204;
		return 0;
	default:
		return vault_verr(405, "unsupported operation");
	}
}

/* auth/token/tidy: a sweep of the token store (tidy.c), in the
 * background; 202 as Vault. */
static int h_tidy(struct vault_core *c, struct rctx *r, int *status,
		  json_t **data)
{
	(void)r;
	return vault_tidy_handle(c, VAULT_TIDY_TOKENS, status, data);
}

#define TOKEN_ROUTE(p, o, f, h)                                                \
	{                                                                      \
		.pattern = (p), .ops = (o), .flags = ROUTE_UPDATE_ONLY | (f),  \
		.fn = (h)                                                      \
	}

const struct vault_route vault_token_routes[] = {
    TOKEN_ROUTE("auth/token/create", OP_U, ROUTE_AUTH_RATE, h_create),
    TOKEN_ROUTE("auth/token/create-orphan", OP_U, ROUTE_AUTH_RATE, h_create),
    TOKEN_ROUTE("auth/token/lookup-self", OP_R | OP_U, 0, h_lookup_self),
    TOKEN_ROUTE("auth/token/lookup-accessor", OP_U, 0, h_lookup_accessor),
    TOKEN_ROUTE("auth/token/lookup", OP_U, 0, h_lookup),
    TOKEN_ROUTE("auth/token/renew-self", OP_U, 0, h_renew_self),
    TOKEN_ROUTE("auth/token/renew-accessor", OP_U, 0, h_renew_accessor),
    TOKEN_ROUTE("auth/token/renew", OP_U, 0, h_renew),
    TOKEN_ROUTE("auth/token/revoke-self", OP_U, 0, h_revoke_self),
    TOKEN_ROUTE("auth/token/revoke-accessor", OP_U, 0, h_revoke_accessor),
    TOKEN_ROUTE("auth/token/revoke-orphan", OP_U, ROUTE_SUDO, h_revoke_orphan),
    TOKEN_ROUTE("auth/token/revoke", OP_U, 0, h_revoke),
    TOKEN_ROUTE("auth/token/tidy", OP_U, ROUTE_RAW, h_tidy),
    {.pattern = "sys/policy", .ops = OP_R | OP_L, .fn = h_policy_list},
    {.pattern = "sys/policy/*",
     .ops = OP_R | OP_U | OP_D | OP_L,
     .fn = h_policy},
    {.pattern = "sys/policies/acl", .ops = OP_R | OP_L, .fn = h_policy_list},
    {.pattern = "sys/policies/acl/*",
     .ops = OP_R | OP_U | OP_D | OP_L,
     .fn = h_policy},
};

const size_t vault_token_routes_n =
    sizeof(vault_token_routes) / sizeof(vault_token_routes[0]);
