/*
 * router.c - one request in, one Vault-shaped response out, with no HTTP in
 * sight (server.c does the transport; tests and the fuzzer call
 * vault_handle directly).
 *
 * Steps, in Vault's order: normalise the path (no "", "." or ".."
 * segments) → parse the JSON body → find the route → audit the request →
 * if the route needs it: refuse while sealed (503), resolve the token
 * (403), check the policy → run the handler → wrap its data in the response
 * envelope (unless the route answers raw JSON, as sys/init, sys/health ...
 * do in Vault) → audit the response.
 *
 * Routes are tables of {pattern, operations, flags, handler}
 * (router_int.h): a pattern is an exact path, or a prefix when it ends in
 * "*".  This file holds the sys/ seal routes; token_routes.c the token store
 * and policies; every table is listed in tables[].
 *
 * Policy enforcement: the token resolves to its entry (expired or revoked:
 * 403), its policies to a merged ACL (cached, policy_store.c), and the
 * operation needs a capability on the request path: read, list, delete,
 * patch, and for PUT/POST "update" on routes flagged ROUTE_UPDATE_ONLY
 * (Vault's rule for paths without an existence check, e.g. the token store),
 * "create" or "update" elsewhere (Vault picks create when the path holds
 * nothing yet; accepting either is the simple superset until a handler
 * can tell).  ROUTE_SUDO routes need "sudo" too.  Then the matched rule's
 * parameter and wrapping constraints (vault_acl_check_params: the body of
 * writes and patches, the query arguments of reads, wrapping bounds for
 * every operation) must hold, else 403 "permission denied" as well; the
 * rule belongs to the cached ACL, so the check runs before the ACL
 * reference is put.  An unknown path is checked the same way before its
 * 404, as Vault does.  Auth endpoints
 * (ROUTE_AUTH_RATE, auth/<method>/login...) are rate limited per client
 * address (429) before any token is looked at.
 *
 * Response wrapping: with X-Vault-Wrap-TTL a successful response with a
 * body is handed to vault_wrap_response (wrapping.c), which stores it and
 * answers a wrap_info envelope instead.  A response-wrapping token (policy
 * "response-wrapping", built in) has update on sys/wrapping/unwrap and
 * sys/wrapping/lookup and nothing else, whatever a stored policy says.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "vault/core_int.h"
#include "vault/logical.h"
#include "vault/router_int.h"
#include "vault/token_int.h"

#define OPS(x) VAULT_OPS(x)
#define OP_R OPS(VAULT_OP_READ)
#define OP_U OPS(VAULT_OP_UPDATE)
#define OP_D OPS(VAULT_OP_DELETE)
#define OP_L OPS(VAULT_OP_LIST)

#define route vault_route
#define verr vault_verr
typedef vault_handler_fn handler_fn;

static json_t *errors_body(const char *msg)
{
	if (!*msg) /* Vault's 404 for a missing object: no message */
		return json_pack("{s:[]}", "errors");
	return json_pack("{s:[s]}", "errors", msg);
}

static void set_error(struct vault_response *resp, int status, const char *msg)
{
	json_decref(resp->body);
	resp->status = status;
	resp->body = errors_body(msg);
}

/* Handler errors carry their HTTP status in a struct bw_error-like pair. */
struct herr {
	int status;
	char msg[BW_ERROR_MSG_MAX];
};
static __thread struct herr *cur_err;

int vault_verr(int status, const char *msg)
{
	if (cur_err) {
		cur_err->status = status;
		snprintf(cur_err->msg, sizeof(cur_err->msg), "%s", msg);
	}
	return -1;
}

static const char *query_get(const struct vault_request *q, const char *key)
{
	for (size_t i = 0; i < q->nquery && i < VAULT_MAX_QUERY; i++)
		if (q->query[i].key && !strcmp(q->query[i].key, key))
			return q->query[i].value ? q->query[i].value : "";
	return NULL;
}

/* ---- sys/ handlers --------------------------------------------------------
 */

/* Whether an optional parameter carries a value: not absent, null, "" or
 * []. */
static int given(const json_t *v)
{
	return v && !json_is_null(v) &&
	       !(json_is_string(v) && !*json_string_value(v)) &&
	       !(json_is_array(v) && !json_array_size(v));
}

static int h_init(struct vault_core *c, struct rctx *r, int *status,
		  json_t **data)
{
	struct bw_error err;
	json_t *v;
	int shares, threshold;

	if (r->req->op == VAULT_OP_READ) {
		pthread_mutex_lock(&c->mu);
		*data = json_pack("{s:b}", "initialized", c->initialized);
		pthread_mutex_unlock(&c->mu);
		*status = 200;
		return 0;
	}
	/* clients (hvac) send them as null when unused */
	if (given(json_object_get(r->body, "pgp_keys")) ||
	    given(json_object_get(r->body, "root_token_pgp_key")))
		return verr(400, "pgp_keys are not supported");
	v = json_object_get(r->body, "secret_shares");
	shares = json_is_integer(v) ? (int)json_integer_value(v) : -1;
	v = json_object_get(r->body, "secret_threshold");
	threshold = json_is_integer(v) ? (int)json_integer_value(v) : -1;
	if (shares < 0 || threshold < 0)
		return verr(400, "secret_shares and secret_threshold must be "
				 "integers");
	bw_error_clear(&err);
	if (vault_core_init(c, shares, threshold, data, &err))
		return verr(400, err.msg);
	*status = 200;
	return 0;
}

static int h_seal_status(struct vault_core *c, struct rctx *r, int *status,
			 json_t **data)
{
	*data = vault_core_seal_status(c);
	*status = 200;
	return *data ? 0 : verr(500, "internal error");
}

static int h_unseal(struct vault_core *c, struct rctx *r, int *status,
		    json_t **data)
{
	json_t *k = json_object_get(r->body, "key");
	json_t *reset = json_object_get(r->body, "reset");
	struct bw_error err;
	int rc;

	if (k && !json_is_string(k))
		return verr(400, "'key' must be a string");
	if (!k && !json_is_true(reset))
		return verr(400, "'key' must be specified in request body as "
				 "JSON, or 'reset' set to true");
	bw_error_clear(&err);
	rc = vault_core_unseal(c, k ? json_string_value(k) : NULL,
			       json_is_true(reset), &err);
	if (rc == -ENOMEM || rc == -EIO)
		return verr(500, "internal error");
	if (rc)
		return verr(400, err.msg);
	*data = vault_core_seal_status(c);
	*status = 200;
	return 0;
}

static int h_seal(struct vault_core *c, struct rctx *r, int *status,
		  json_t **data)
{
	vault_core_seal(c);
	*status = 204;
	return 0;
}

/* A ?name=code override for sys/health; def when absent or malformed. */
static int health_code(const struct vault_request *q, const char *name, int def)
{
	const char *v = query_get(q, name);
	char *end;
	long n;

	if (!v || !*v)
		return def;
	n = strtol(v, &end, 10);
	return *end || n < 100 || n > 599 ? def : (int)n;
}

static int h_health(struct vault_core *c, struct rctx *r, int *status,
		    json_t **data)
{
	const struct vault_request *q = r->req;
	int initialized, sealed;

	pthread_mutex_lock(&c->mu);
	initialized = c->initialized;
	pthread_mutex_unlock(&c->mu);
	sealed = vault_core_sealed(c);
	/* never standby (no HA yet): ?standbyok, ?standbycode are moot */
	if (!initialized)
		*status = health_code(q, "uninitcode", 501);
	else if (sealed)
		*status = health_code(q, "sealedcode", 503);
	else
		*status = health_code(q, "activecode", 200);
	*data = json_pack(
	    "{s:b, s:b, s:b, s:b, s:s, s:s, s:I, s:s}", "initialized",
	    initialized, "sealed", sealed, "standby", 0, "performance_standby",
	    0, "replication_performance_mode", "disabled",
	    "replication_dr_mode", "disabled", "server_time_utc",
	    (json_int_t)time(NULL), "version", VAULT_VERSION_STRING);
	if (*data && initialized && !sealed) {
		json_object_set_new(*data, "cluster_name",
				    json_string("bulwark-vault"));
		json_object_set_new(*data, "cluster_id",
				    json_string(c->cluster_id));
	}
	return *data ? 0 : verr(500, "internal error");
}

/* ---- the table ---------------------------------------------------------- */

static const struct route routes[] = {
    {.pattern = "sys/init",
     .ops = OP_R | OP_U,
     .flags = ROUTE_UNAUTH | ROUTE_RAW,
     .fn = h_init},
    {.pattern = "sys/seal-status",
     .ops = OP_R,
     .flags = ROUTE_UNAUTH | ROUTE_RAW,
     .fn = h_seal_status},
    {.pattern = "sys/unseal",
     .ops = OP_U,
     .flags = ROUTE_UNAUTH | ROUTE_RAW,
     .fn = h_unseal},
    {.pattern = "sys/health",
     .ops = OP_R,
     .flags = ROUTE_UNAUTH | ROUTE_RAW,
     .fn = h_health},
    {.pattern = "sys/seal",
     .ops = OP_U,
     .flags = ROUTE_SUDO | ROUTE_UPDATE_ONLY,
     .fn = h_seal},
};

static const struct {
	const struct route *rows;
	const size_t *n;
} tables[] = {
    {routes, NULL},
    {vault_token_routes, &vault_token_routes_n},
    {vault_approle_routes, &vault_approle_routes_n},
    {vault_wrapping_routes, &vault_wrapping_routes_n},
    {vault_sys_routes, &vault_sys_routes_n},
};

static const struct route *route_find(const char *path)
{
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		size_t rows = tables[t].n ? *tables[t].n
					  : sizeof(routes) / sizeof(routes[0]);

		for (size_t i = 0; i < rows; i++) {
			const struct route *r = &tables[t].rows[i];
			size_t n = strlen(r->pattern);

			if (n && r->pattern[n - 1] == '*') {
				if (!strncmp(path, r->pattern, n - 1))
					return r;
			} else if (!strcmp(path, r->pattern)) {
				return r;
			}
		}
	}
	return NULL;
}

/* An auth endpoint the rate limiter guards: a flagged route, or any
 * "auth/<method>/login..." path (so a brute force on an unknown method
 * is limited too). */
static int auth_endpoint(const char *path, const struct route *rt)
{
	const char *m;

	if (rt && (rt->flags & ROUTE_AUTH_RATE))
		return 1;
	if (strncmp(path, "auth/", 5))
		return 0;
	m = strchr(path + 5, '/');
	return m && !strncmp(m + 1, "login", 5);
}

/* A response-wrapping token: its only policy is VAULT_WRAPPING_POLICY. */
static int wrapping_token(json_t *e)
{
	json_t *p = json_object_get(e, "policies");
	const char *s = json_string_value(json_array_get(p, 0));

	return json_array_size(p) == 1 && s &&
	       !strcmp(s, VAULT_WRAPPING_POLICY);
}

/* The capability an operation needs on a route (see ROUTE_UPDATE_ONLY). */
static unsigned needed_caps(enum vault_op op, const struct route *rt)
{
	switch (op) {
	case VAULT_OP_READ:
		return VAULT_CAP_READ;
	case VAULT_OP_UPDATE:
		return rt && (rt->flags & ROUTE_UPDATE_ONLY)
			   ? VAULT_CAP_UPDATE
			   : VAULT_CAP_CREATE | VAULT_CAP_UPDATE;
	case VAULT_OP_DELETE:
		return VAULT_CAP_DELETE;
	case VAULT_OP_LIST:
		return VAULT_CAP_LIST;
	case VAULT_OP_PATCH:
		return VAULT_CAP_PATCH;
	}
	return 0;
}

/*
 * The request's parameters as Vault's ACL sees them (its req.Data): the
 * JSON body of a write or patch; for a read the query arguments (a
 * repeated one as a list of strings, "help" left out, as Vault's
 * parseQuery); none for delete and list, whose parameters Vault's ACL
 * does not check.  New reference, or NULL (also when out of memory: the
 * caller tells by *oom).
 */
static json_t *request_params(const struct vault_request *req, json_t *body,
			      int *oom)
{
	json_t *o;

	*oom = 0;
	if (req->op == VAULT_OP_UPDATE || req->op == VAULT_OP_PATCH)
		return json_incref(body);
	if (req->op != VAULT_OP_READ)
		return NULL;
	if (!(o = json_object()))
		goto nomem;
	for (size_t i = 0; i < req->nquery && i < VAULT_MAX_QUERY; i++) {
		const char *k = req->query[i].key;
		json_t *v, *have;

		if (!k || !strcmp(k, "help"))
			continue;
		/* bytes as sent: a value or name that is not UTF-8 is
		 * still checked (nocheck) */
		v = json_string_nocheck(
		    req->query[i].value ? req->query[i].value : "");
		if (!v)
			goto nomem;
		have = json_object_get(o, k);
		if (!have) {
			if (json_object_set_new_nocheck(o, k, v))
				goto nomem;
			continue;
		}
		if (json_is_string(have)) {
			json_t *arr = json_pack("[O]", have);

			if (!arr || json_object_set_new(o, k, arr)) {
				json_decref(v);
				goto nomem;
			}
			have = arr;
		}
		if (json_array_append_new(have, v))
			goto nomem;
	}
	return o;
nomem:
	json_decref(o);
	*oom = 1;
	return NULL;
}

/*
 * The matched rule's parameter and wrapping constraints against the
 * request (vault_acl_check_params): 0, -EACCES when refused (403
 * "permission denied", Vault's answer: the reason is not disclosed),
 * -ENOMEM.
 */
static int check_constraints(const struct vault_request *req, json_t *body,
			     const struct vault_acl_rule *rule,
			     int64_t wrap_ttl)
{
	char why[256];
	json_t *params;
	int oom, rc;

	if (!rule)
		return 0;
	params = request_params(req, body, &oom);
	if (oom)
		return -ENOMEM;
	rc = vault_acl_check_params(rule, params, wrap_ttl, why, sizeof(why));
	json_decref(params);
	return rc;
}

/*
 * Copies raw into out with a single leading slash removed; 0, or -EINVAL
 * for empty, ".", ".." segments ("a//b", "a/./b", "../x"), control
 * characters or backslashes.  A trailing "/" is kept (list paths).
 */
static int normalise_path(const char *raw, char *out, size_t cap)
{
	size_t n, seg = 0;

	if (!raw)
		return -EINVAL;
	n = strnlen(raw, cap);
	if (n >= cap)
		return -E2BIG;
	for (size_t i = 0; i <= n; i++) {
		unsigned char ch = (unsigned char)raw[i];

		if (i < n && (ch < 0x20 || ch == 0x7f || ch == '\\'))
			return -EINVAL;
		if (i == n || ch == '/') {
			size_t len = i - seg;

			if (len == 0 && i != n && i != 0)
				return -EINVAL; /* "//" */
			if (i == 0)
				return -EINVAL; /* "/x": the caller stripped it
						 */
			if ((len == 1 && raw[seg] == '.') ||
			    (len == 2 && raw[seg] == '.' &&
			     raw[seg + 1] == '.'))
				return -EINVAL;
			seg = i + 1;
		}
	}
	memcpy(out, raw, n + 1);
	return 0;
}

static json_t *envelope(json_t *data, json_t *auth, const char *mount_type)
{
	char id[37];

	vault_uuid(id);
	return json_pack("{s:s, s:s, s:b, s:i, s:o?, s:n, s:n, s:o?, s:s}",
			 "request_id", id, "lease_id", "", "renewable", 0,
			 "lease_duration", 0, "data", data, "wrap_info",
			 "warnings", "auth", auth, "mount_type",
			 mount_type ? mount_type : "");
}

static const char *op_name(enum vault_op op)
{
	static const char *const names[] = {"read", "update", "delete", "list",
					    "patch"};

	return (unsigned)op < 5 ? names[op] : "unknown";
}

static int audit(struct vault_core *c, const char *type, const struct rctx *r,
		 const struct vault_response *resp)
{
	json_t *req, *auth = NULL, *res = NULL;
	int rc;

	if (!c->audit && !c->audit_path)
		return 0;
	req = json_pack("{s:s, s:s, s:s?, s:s?, s:O?}", "operation",
			op_name(r->req->op), "path", r->path ? r->path : "",
			"remote_address", r->req->remote_addr, "client_token",
			r->token_s, "data", r->body);
	if (r->token)
		auth =
		    json_pack("{s:O?, s:O?}", "policies",
			      json_object_get(r->token, "policies"), "accessor",
			      json_object_get(r->token, "accessor"));
	if (resp)
		res = json_pack("{s:i, s:O?}", "status", resp->status, "data",
				resp->body);
	rc = vault_core_audit(c, type, auth, req, res,
			      resp && resp->status >= 400 ? "error" : NULL);
	json_decref(req);
	json_decref(auth);
	json_decref(res);
	return rc;
}

void vault_handle(struct vault_core *c, const struct vault_request *req,
		  struct vault_response *resp)
{
	char path[VAULT_MAX_PATH + 1];
	struct rctx r = {.req = req, .token_s = req->token};
	struct herr he = {.status = 0};
	const struct route *rt;
	json_t *data = NULL;
	int status = 200, last_use = 0;
	int64_t wrap_ttl = 0;

	resp->status = 500;
	resp->body = NULL;
	if (normalise_path(req->raw_path, path, sizeof(path))) {
		set_error(resp, 400, "invalid request path");
		return;
	}
	r.path = path;
	if (req->body_len && req->op != VAULT_OP_READ &&
	    req->op != VAULT_OP_LIST) {
		json_error_t je;

		r.body = json_loadb(req->body, req->body_len,
				    JSON_REJECT_DUPLICATES, &je);
		if (!json_is_object(r.body)) {
			json_decref(r.body);
			set_error(resp, 400, "failed to parse JSON input");
			return;
		}
	} else {
		r.body = json_object();
	}
	rt = route_find(path);
	if (audit(c, "request", &r, NULL)) {
		set_error(resp, 500, "internal error");
		goto out;
	}
	if (req->wrap_ttl && *req->wrap_ttl) {
		json_t *v = json_string(req->wrap_ttl);

		if (!v || vault_duration_parse(v, &wrap_ttl) || wrap_ttl <= 0) {
			json_decref(v);
			set_error(resp, 400, "invalid wrap TTL");
			goto respond;
		}
		json_decref(v);
	}
	if (auth_endpoint(path, rt) && !vault_rate_allow(c, req->remote_addr)) {
		char msg[VAULT_MAX_PATH + 64];

		snprintf(msg, sizeof(msg),
			 "request path \"%s\": rate limit quota exceeded",
			 path);
		set_error(resp, 429, msg);
		goto respond;
	}
	if (!rt || !(rt->flags & ROUTE_UNAUTH)) {
		struct bw_error err;
		struct vault_acl_ref *acl = NULL;
		const struct vault_acl_rule *rule;
		int rc;

		if (vault_core_sealed(c)) {
			set_error(resp, 503, "Vault is sealed");
			goto respond;
		}
		bw_error_clear(&err);
		rc = vault_token_lookup(c, req->token, &r.token, &err);
		if (rc == -EACCES) {
			set_error(resp, 503, "Vault is sealed");
			goto respond;
		}
		if (rc == -EPERM ||
		    (!rc &&
		     !vault_cidrs_allow(json_object_get(r.token, "bound_cidrs"),
					req->remote_addr))) {
			/* unknown, or used from outside its bound CIDRs */
			set_error(resp, 403, "permission denied");
			goto respond;
		}
		if (!rc)
			rc = vault_acl_for(c,
					   json_object_get(r.token, "policies"),
					   &acl, &err);
		if (rc) {
			set_error(resp, 500, "internal error");
			goto respond;
		}
		if (req->op == VAULT_OP_LIST) {
			/* Vault lists "a" as "a/": an exact rule for "a/",
			 * else one for "a", else the globs matching "a/" */
			const struct vault_acl *al = vault_acl_ref_acl(acl);
			char dir[VAULT_MAX_PATH + 2], bare[VAULT_MAX_PATH + 1];
			size_t n = strlen(path);

			n = n && path[n - 1] == '/' ? n - 1 : n;
			snprintf(dir, sizeof(dir), "%.*s/", (int)n, path);
			snprintf(bare, sizeof(bare), "%.*s", (int)n, path);
			r.caps = 0;
			rule = vault_acl_exact(al, dir, &r.caps);
			if (!rule)
				rule = vault_acl_exact(al, bare, &r.caps);
			if (!rule)
				rule = vault_acl_match(al, dir, &r.caps);
		} else {
			rule = vault_acl_match(vault_acl_ref_acl(acl), path,
					       &r.caps);
		}
		if (wrapping_token(r.token)) {
			r.caps = !strcmp(path, "sys/wrapping/unwrap") ||
					 !strcmp(path, "sys/wrapping/lookup")
				     ? VAULT_CAP_UPDATE
				     : 0;
			/* the built-in policy has no constraints */
			rule = NULL;
		}
		if (!vault_caps_allow(r.caps, needed_caps(req->op, rt)) ||
		    (rt && (rt->flags & ROUTE_SUDO) &&
		     !vault_caps_allow(r.caps, VAULT_CAP_SUDO)))
			rc = -EACCES;
		else
			rc = check_constraints(req, r.body, rule, wrap_ttl);
		vault_acl_ref_put(acl); /* rule dies with it */
		if (rc) {
			set_error(resp, rc == -EACCES ? 403 : 500,
				  rc == -EACCES ? "permission denied"
						: "internal error");
			goto respond;
		}
		/* a use counts once the request is allowed, as in Vault (only
		 * tokens with num_uses need the locked read-modify-write) */
		rc =
		    json_integer_value(json_object_get(r.token, "num_uses")) > 0
			? vault_token_use(c,
					  json_string_value(json_object_get(
					      r.token, "id_hash")),
					  &last_use, &err)
			: 0;
		if (rc == -EPERM) {
			set_error(resp, 403, "permission denied");
			goto respond;
		}
		if (rc) {
			set_error(resp, 500, "internal error");
			goto respond;
		}
	}
	if (!rt) {
		struct vault_logical_req lr = {
		    .req = req,
		    .path = path,
		    .body = r.body,
		    .token_hash =
			json_string_value(json_object_get(r.token, "id_hash"))};
		struct vault_logical_resp lo;
		char msg[VAULT_MAX_PATH + 64];

		/* the mount table: sys/mounts and the secrets engines */
		if (vault_logical_handle(c, &lr, &lo)) {
			if (lo.status == 204) {
				json_decref(lo.data);
				resp->status = 204;
			} else if (lo.status >= 400 && !lo.data) {
				set_error(resp, lo.status, lo.error);
			} else {
				resp->status = lo.status;
				resp->body =
				    envelope(lo.data, NULL, lo.mount_type);
			}
			goto respond;
		}

		snprintf(msg, sizeof(msg),
			 "no handler for route \"%s\". route entry not found.",
			 path);
		set_error(resp, 404, msg);
		goto respond;
	}
	if (!(rt->ops & OPS(req->op))) {
		set_error(resp, 405, "unsupported operation");
		goto respond;
	}
	cur_err = &he;
	if (rt->fn(c, &r, &status, &data)) {
		cur_err = NULL;
		json_decref(data);
		json_decref(r.auth);
		r.auth = NULL;
		set_error(resp, he.status ? he.status : 500,
			  he.status ? he.msg : "internal error");
		goto respond;
	}
	cur_err = NULL;
	resp->status = status;
	if (status == 204) {
		json_decref(data);
		json_decref(r.auth);
		resp->body = NULL;
	} else if (rt->flags & ROUTE_RAW) {
		json_decref(r.auth);
		resp->body = data;
	} else {
		resp->body = envelope(data, r.auth, NULL);
	}
	r.auth = NULL;
respond:
	/* response wrapping: a 200 with a body (not the raw sys/ answers) */
	if (wrap_ttl > 0 && resp->status == 200 && resp->body &&
	    !(rt && (rt->flags & ROUTE_RAW))) {
		json_t *wrapped = NULL;

		cur_err = &he;
		he.status = 0;
		if (vault_wrap_response(c, path, wrap_ttl, resp->body,
					&wrapped)) {
			cur_err = NULL;
			set_error(resp, he.status ? he.status : 500,
				  he.status ? he.msg : "internal error");
		} else {
			cur_err = NULL;
			json_decref(resp->body);
			resp->body = wrapped;
		}
	}
	if (audit(c, "response", &r, resp)) {
		set_error(resp, 500, "internal error");
	}
	if (last_use) /* answered: now the used-up token goes, as in Vault */
		vault_token_revoke(
		    c, json_string_value(json_object_get(r.token, "id_hash")),
		    0, NULL);
out:
	json_decref(r.body);
	json_decref(r.token);
}
