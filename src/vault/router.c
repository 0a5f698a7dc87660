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
 * Routes are a table of {pattern, operations, flags, handler}: a pattern is
 * an exact path, or a prefix when it ends in "*".  The token store, AppRole,
 * KV engines and policies add rows here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "vault/core_int.h"
#include "vault/logical.h"

#define OPS(x) (1u << (x))
#define OP_R OPS(VAULT_OP_READ)
#define OP_U OPS(VAULT_OP_UPDATE)
#define OP_D OPS(VAULT_OP_DELETE)
#define OP_L OPS(VAULT_OP_LIST)

enum route_flags {
	ROUTE_UNAUTH = 1 << 0, /* no token needed, works sealed */
	ROUTE_RAW = 1 << 1,    /* the handler's JSON is the whole body */
	ROUTE_SUDO = 1 << 2,   /* needs a root token (sudo) */
};

/* What a handler sees. */
struct rctx {
	const struct vault_request *req;
	const char *path;    /* normalised, no leading slash */
	json_t *body;	     /* object, never NULL */
	json_t *token;	     /* token entry, NULL on ROUTE_UNAUTH routes */
	const char *token_s; /* the client token as sent */
};

/*
 * A handler fills resp->status and *ret_data (the "data" of the envelope,
 * or the whole body on ROUTE_RAW routes; NULL for 204), or returns an
 * error via verr().
 */
typedef int (*handler_fn)(struct vault_core *c, struct rctx *r, int *ret_status,
			  json_t **ret_data);

struct route {
	const char *pattern;
	unsigned ops;
	unsigned flags;
	handler_fn fn;
};

static json_t *errors_body(const char *msg)
{
	/* "" → "errors": [], as Vault answers a missing secret */
	return *msg ? json_pack("{s:[s]}", "errors", msg)
		    : json_pack("{s:[]}", "errors");
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

static int verr(int status, const char *msg)
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
	if (json_object_get(r->body, "pgp_keys") ||
	    json_object_get(r->body, "root_token_pgp_key"))
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

/* ---- auth/token/ ------------------------------------------------------------
 */

static int h_lookup_self(struct vault_core *c, struct rctx *r, int *status,
			 json_t **data)
{
	json_t *t = r->token;
	json_t *created = json_object_get(t, "creation_unix");

	*data = json_pack(
	    "{s:O*, s:I, s:I, s:s, s:s, s:n, s:I, s:s, s:n, s:I, s:b, s:O*, "
	    "s:O*, s:I, s:s, s:s}",
	    "accessor", json_object_get(t, "accessor"), "creation_time",
	    json_is_integer(created) ? json_integer_value(created) : 0,
	    "creation_ttl", (json_int_t)0, "display_name",
	    json_string_value(json_object_get(t, "display_name"))
		? json_string_value(json_object_get(t, "display_name"))
		: "",
	    "entity_id", "", "expire_time", "explicit_max_ttl", (json_int_t)0,
	    "id", r->token_s, "meta", "num_uses", (json_int_t)0, "orphan",
	    json_is_true(json_object_get(t, "orphan")), "path",
	    json_object_get(t, "path"), "policies",
	    json_object_get(t, "policies"), "ttl", (json_int_t)0, "type",
	    "service", "issue_time",
	    json_string_value(json_object_get(t, "creation_time"))
		? json_string_value(json_object_get(t, "creation_time"))
		: "");
	*status = 200;
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
    {.pattern = "sys/seal", .ops = OP_U, .flags = ROUTE_SUDO, .fn = h_seal},
    {.pattern = "auth/token/lookup-self",
     .ops = OP_R,
     .flags = 0,
     .fn = h_lookup_self},
};

static const struct route *route_find(const char *path)
{
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const char *p = routes[i].pattern;
		size_t n = strlen(p);

		if (n && p[n - 1] == '*') {
			if (!strncmp(path, p, n - 1))
				return &routes[i];
		} else if (!strcmp(path, p)) {
			return &routes[i];
		}
	}
	return NULL;
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

static int token_is_root(json_t *t)
{
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(t, "policies"), i, p)
	{
		if (json_is_string(p) && !strcmp(json_string_value(p), "root"))
			return 1;
	}
	return 0;
}

static json_t *envelope(json_t *data, const char *mount_type)
{
	char id[37];

	vault_uuid(id);
	return json_pack("{s:s, s:s, s:b, s:i, s:o?, s:n, s:n, s:n, s:s}",
			 "request_id", id, "lease_id", "", "renewable", 0,
			 "lease_duration", 0, "data", data, "wrap_info",
			 "warnings", "auth", "mount_type",
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
	int status = 200;

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
	if (!rt || !(rt->flags & ROUTE_UNAUTH)) {
		struct bw_error err;
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
		if (rc == -EPERM) {
			set_error(resp, 403, "permission denied");
			goto respond;
		}
		if (rc) {
			set_error(resp, 500, "internal error");
			goto respond;
		}
		/* ACL check goes here once policies land (root: all) */
		if (!token_is_root(r.token)) {
			set_error(resp, 403, "permission denied");
			goto respond;
		}
	}
	if (!rt) {
		struct vault_logical_req lr = {
		    .req = req, .path = path, .body = r.body};
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
				resp->body = envelope(lo.data, lo.mount_type);
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
	if ((rt->flags & ROUTE_SUDO) && !token_is_root(r.token)) {
		set_error(resp, 403, "permission denied");
		goto respond;
	}
	cur_err = &he;
	if (rt->fn(c, &r, &status, &data)) {
		cur_err = NULL;
		json_decref(data);
		set_error(resp, he.status ? he.status : 500,
			  he.status ? he.msg : "internal error");
		goto respond;
	}
	cur_err = NULL;
	resp->status = status;
	if (status == 204) {
		json_decref(data);
		resp->body = NULL;
	} else if (rt->flags & ROUTE_RAW) {
		resp->body = data;
	} else {
		resp->body = envelope(data, NULL);
	}
respond:
	if (audit(c, "response", &r, resp)) {
		set_error(resp, 500, "internal error");
	}
out:
	json_decref(r.body);
	json_decref(r.token);
}
