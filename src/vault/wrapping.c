/*
 * wrapping.c - response wrapping (sys/wrapping/wrap, unwrap, lookup and
 * the X-Vault-Wrap-TTL header, through vault_wrap_response) and the lease
 * endpoints (sys/leases/lookup, renew, revoke, revoke-prefix) for the only
 * leased objects this server has: tokens.
 *
 * Wrapping: the response is stored under core/wrapping/<sha256(token)>
 * (Vault keeps it in the wrapping token's cubbyhole; here it stays out of
 * the cubbyhole engine's storage) with the creation path and time,
 * and the client gets wrap_info {token, accessor, ttl, creation_time,
 * creation_path, wrapped_accessor}.  The wrapping token comes from the
 * token store: an orphan with the single built-in policy
 * "response-wrapping" (the router lets such a token call
 * sys/wrapping/unwrap and sys/wrapping/lookup only), not renewable, with
 * the wrap TTL.  Unwrapping takes the stored response, deletes it and
 * revokes the token under one mutex, so a token unwraps once.  A stored
 * response whose token expired is deleted by the unwrap or lookup that
 * finds it, or by the sweep (vault_wrapping_tidy, tidy_int.h).
 *
 * Leases: Vault's token lease ids are "<creation path>/<hmac of token>";
 * here "<creation path>/<sha256(accessor)>" (e.g.
 * "auth/approle/login/3f0c..."), which names the token through its
 * accessor link without exposing the token.  lookup, renew (the token
 * store's rules: increment capped by the max TTL), revoke (with the
 * token's children) and revoke-prefix (sudo; every token whose lease id
 * starts with the prefix) work on those; LIST sys/leases/lookup/<prefix>
 * lists the ids under a creation path.  KV v2 secrets have no leases (as in
 * Vault); other lease ids are refused as invalid.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "vault/router_int.h"
#include "vault/tidy_int.h"
#include "vault/token_int.h"

#define OP_R VAULT_OPS(VAULT_OP_READ)
#define OP_U VAULT_OPS(VAULT_OP_UPDATE)
#define OP_L VAULT_OPS(VAULT_OP_LIST)

#define WRAP_PREFIX "core/wrapping/"
#define WRAP_INVALID "wrapping token is not valid or does not exist"
#define LEASE_MAX 512 /* bytes of a lease id */

static int64_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static void rfc3339(int64_t t, char out[40])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&tt, &tm)) {
		snprintf(out, 40, "0001-01-01T00:00:00Z");
		return;
	}
	strftime(out, 40, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- wrapping ----------------------------------------------------------- */

int vault_wrap_response(struct vault_core *c, const char *creation_path,
			int64_t ttl, json_t *body, json_t **ret)
{
	char token[VAULT_TOKEN_LEN + 1], hash[65],
	    key[sizeof(WRAP_PREFIX) + 64];
	char ct[40], id[37];
	struct vault_token_params p = {.path = creation_path,
				       .display_name = "response-wrapping",
				       .not_renewable = 1};
	json_t *pol = json_pack("[s]", VAULT_WRAPPING_POLICY);
	json_t *e = NULL, *stored, *auth = json_object_get(body, "auth");
	const char *wrapped_acc = jstr(auth, "accessor");
	char *text;
	int rc;

	if (ttl > VAULT_TOKEN_SYSTEM_MAX_TTL)
		ttl = VAULT_TOKEN_SYSTEM_MAX_TTL;
	if (!pol)
		return vault_verr(500, "internal error");
	p.policies = pol;
	p.ttl = ttl;
	p.explicit_max_ttl = ttl;
	rc = vault_token_create(c, &p, token, &e, NULL);
	json_decref(pol);
	if (rc)
		return vault_verr(500, "internal error");
	vault_token_hash(token, hash);
	stored = json_pack("{s:O, s:s, s:I, s:I, s:s}", "response", body,
			   "creation_path", creation_path, "creation_time",
			   (json_int_t)jint(e, "creation_time"), "ttl",
			   (json_int_t)ttl, "wrapped_accessor", wrapped_acc);
	text = stored ? json_dumps(stored, JSON_COMPACT) : NULL;
	json_decref(stored);
	snprintf(key, sizeof(key), "%s%s", WRAP_PREFIX, hash);
	rc = text ? vault_barrier_put(c->b, key, (const uint8_t *)text,
				      strlen(text), NULL)
		  : -ENOMEM;
	if (text) {
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
	if (rc) {
		vault_token_revoke(c, hash, 0, NULL);
		json_decref(e);
		OPENSSL_cleanse(token, sizeof(token));
		return vault_verr(500, "internal error");
	}
	rfc3339(jint(e, "creation_time"), ct);
	vault_uuid(id);
	*ret = json_pack("{s:s, s:s, s:b, s:i, s:n, s:{s:s, s:s, s:I, s:s, "
			 "s:s, s:s}, s:n, s:n, s:s}",
			 "request_id", id, "lease_id", "", "renewable", 0,
			 "lease_duration", 0, "data", "wrap_info", "token",
			 token, "accessor", jstr(e, "accessor"), "ttl",
			 (json_int_t)ttl, "creation_time", ct, "creation_path",
			 creation_path, "wrapped_accessor", wrapped_acc,
			 "warnings", "auth", "mount_type", "");
	OPENSSL_cleanse(token, sizeof(token));
	json_decref(e);
	return *ret ? 0 : vault_verr(500, "internal error");
}

/* The wrapping token a request names: the body's "token", else the one
 * it authenticates with. */
static const char *wrap_token_param(struct rctx *r)
{
	const char *t = json_string_value(json_object_get(r->body, "token"));

	if (t && *t)
		return t;
	return r->token_s;
}

/* Looks a wrapping token up: its hash and entry, or -1 (400 set). */
static int wrap_token_get(struct vault_core *c, const char *t, char hash[65],
			  json_t **ret)
{
	json_t *e = NULL;
	const char *pol;

	if (!t || !*t || strlen(t) > VAULT_TOKEN_MAX)
		return vault_verr(400, WRAP_INVALID);
	vault_token_hash(t, hash);
	if (vault_token_lookup_hash(c, hash, &e, NULL)) {
		char key[sizeof(WRAP_PREFIX) + 64];

		/* expired (or never existed): drop what it wrapped */
		snprintf(key, sizeof(key), "%s%s", WRAP_PREFIX, hash);
		vault_barrier_delete(c->b, key, NULL);
		return vault_verr(400, WRAP_INVALID);
	}
	pol = json_string_value(
	    json_array_get(json_object_get(e, "policies"), 0));
	if (json_array_size(json_object_get(e, "policies")) != 1 || !pol ||
	    strcmp(pol, VAULT_WRAPPING_POLICY)) {
		json_decref(e);
		return vault_verr(400, WRAP_INVALID);
	}
	*ret = e;
	return 0;
}

static int h_unwrap(struct vault_core *c, struct rctx *r, int *status,
		    json_t **data)
{
	char hash[65], key[sizeof(WRAP_PREFIX) + 64];
	json_t *e = NULL, *stored = NULL;
	int rc;

	if (wrap_token_get(c, wrap_token_param(r), hash, &e))
		return -1;
	json_decref(e);
	snprintf(key, sizeof(key), "%s%s", WRAP_PREFIX, hash);
	pthread_mutex_lock(&c->wrap_mu);
	rc = vault_json_get_object(c, key, &stored);
	if (!rc)
		rc = vault_barrier_delete(c->b, key, NULL);
	if (rc != -EACCES)
		vault_token_revoke(c, hash, 0, NULL);
	pthread_mutex_unlock(&c->wrap_mu);
	if (rc == -ENOENT) {
		json_decref(stored);
		return vault_verr(400, WRAP_INVALID);
	}
	if (rc) {
		json_decref(stored);
		return vault_verr(500, "internal error");
	}
	*data = json_incref(json_object_get(stored, "response"));
	json_decref(stored);
	if (!json_is_object(*data)) {
		json_decref(*data);
		*data = NULL;
		return vault_verr(500, "internal error");
	}
	/* the unwrapped response gets its own request id */
	{
		char id[37];

		vault_uuid(id);
		json_object_set_new(*data, "request_id", json_string(id));
	}
	*status = 200;
	return 0;
}

static int h_wrap_lookup(struct vault_core *c, struct rctx *r, int *status,
			 json_t **data)
{
	char hash[65], key[sizeof(WRAP_PREFIX) + 64], ct[40];
	json_t *e = NULL, *stored = NULL;
	int rc;

	if (wrap_token_get(c, wrap_token_param(r), hash, &e))
		return -1;
	snprintf(key, sizeof(key), "%s%s", WRAP_PREFIX, hash);
	rc = vault_json_get_object(c, key, &stored);
	json_decref(e);
	if (rc == -ENOENT)
		return vault_verr(400, WRAP_INVALID);
	if (rc)
		return vault_verr(500, "internal error");
	rfc3339(jint(stored, "creation_time"), ct);
	*data = json_pack("{s:s, s:s, s:I}", "creation_path",
			  jstr(stored, "creation_path"), "creation_time", ct,
			  "creation_ttl", (json_int_t)jint(stored, "ttl"));
	json_decref(stored);
	*status = 200;
	return *data ? 0 : vault_verr(500, "internal error");
}

static int h_wrap(struct vault_core *c, struct rctx *r, int *status,
		  json_t **data)
{
	(void)c;
	if (!r->req->wrap_ttl || !*r->req->wrap_ttl)
		return vault_verr(400, "wrap called without a wrap TTL "
				       "(X-Vault-Wrap-TTL)");
	*data = json_deep_copy(r->body);
	*status = 200;
	return *data ? 0 : vault_verr(500, "internal error");
}

/* ---- tidy --------------------------------------------------------------- */

/* 1 when the wrapping token hash is gone (after revoking it when dead). */
static int wrap_token_gone(struct vault_core *c, const char *hash)
{
	int rc = vault_token_reap(c, hash, NULL);

	if (rc < 0)
		return rc;
	rc = vault_token_is_dead(c, hash, NULL);
	return rc == -ENOENT ? 1 : rc < 0 ? rc : 0;
}

int vault_wrapping_tidy(struct vault_tidy_walk *w, struct bw_error *err)
{
	char key[sizeof(WRAP_PREFIX) + 70];
	json_t *keys = NULL, *k;
	size_t i;
	int rc = vault_barrier_list(w->c->b, WRAP_PREFIX, &keys, err);
	int first = 0;

	if (rc)
		return rc == -EACCES ? -ECANCELED : rc;
	json_array_foreach(keys, i, k)
	{
		const char *h = json_string_value(k);

		if (i % VAULT_TIDY_BATCH == 0 && vault_tidy_stopped(w)) {
			rc = -ECANCELED;
			break;
		}
		if (!h || strlen(h) != 64)
			continue;
		rc = wrap_token_gone(w->c, h);
		if (rc == 1) {
			/* the token is made before the response is stored, and
			 * unwrap deletes both under the core's wrap_mu: no
			 * response of a live token is lost */
			snprintf(key, sizeof(key), "%s%s", WRAP_PREFIX, h);
			pthread_mutex_lock(&w->c->wrap_mu);
			rc = vault_barrier_delete(w->c->b, key, NULL);
			pthread_mutex_unlock(&w->c->wrap_mu);
			if (!rc)
				w->st->wrapped_deleted++;
		}
		if (rc < 0) {
			w->st->errors++;
			if (!first)
				first = rc;
		}
		rc = 0;
	}
	json_decref(keys);
	return rc ? rc : first;
}

/* ---- leases ------------------------------------------------------------- */

/* "<path>/<sha256(accessor)>" of a token entry into out. */
static void lease_id_of(json_t *e, char *out, size_t n)
{
	char ah[65];

	vault_token_hash(jstr(e, "accessor"), ah);
	snprintf(out, n, "%s/%s", jstr(e, "path"), ah);
}

/* The token entry a lease id names (and its hash): 0, or -1 with a 400. */
static int lease_token(struct vault_core *c, const char *lease, char hash[65],
		       json_t **ret)
{
	char key[sizeof(VAULT_TOKEN_ACCESSOR_PREFIX) + 64],
	    want[LEASE_MAX + 80];
	const char *slash;
	json_t *link = NULL, *e = NULL;
	size_t n;

	if (!lease || !*lease)
		return vault_verr(400, "missing lease id");
	n = strlen(lease);
	slash = strrchr(lease, '/');
	if (n > LEASE_MAX || !slash || strlen(slash + 1) != 64 ||
	    strspn(slash + 1, "0123456789abcdef") != 64)
		return vault_verr(400, "invalid lease");
	snprintf(key, sizeof(key), "%s%s", VAULT_TOKEN_ACCESSOR_PREFIX,
		 slash + 1);
	if (vault_json_get_object(c, key, &link) ||
	    strlen(jstr(link, "id_hash")) != 64) {
		json_decref(link);
		return vault_verr(400, "invalid lease");
	}
	memcpy(hash, jstr(link, "id_hash"), 65);
	json_decref(link);
	if (vault_token_lookup_hash(c, hash, &e, NULL))
		return vault_verr(400, "invalid lease");
	lease_id_of(e, want, sizeof(want));
	if (strcmp(want, lease)) {
		json_decref(e);
		return vault_verr(400, "invalid lease");
	}
	*ret = e;
	return 0;
}

static const char *lease_param(struct rctx *r)
{
	const char *s = json_string_value(json_object_get(r->body, "lease_id"));

	return s;
}

static int h_lease_lookup(struct vault_core *c, struct rctx *r, int *status,
			  json_t **data)
{
	char hash[65], it[40], et[40], lr[40];
	json_t *e = NULL;
	int64_t now = vault_tokens_now(c), exp;

	if (lease_token(c, lease_param(r), hash, &e))
		return -1;
	exp = jint(e, "expire_time");
	rfc3339(jint(e, "creation_time"), it);
	rfc3339(exp, et);
	rfc3339(jint(e, "last_renewal_time"), lr);
	*data = json_pack(
	    "{s:s, s:s, s:o, s:o, s:b, s:I}", "id", lease_param(r),
	    "issue_time", it, "expire_time",
	    exp > 0 ? json_string(et) : json_null(), "last_renewal",
	    jint(e, "last_renewal_time") > 0 ? json_string(lr) : json_null(),
	    "renewable", json_is_true(json_object_get(e, "renewable")), "ttl",
	    (json_int_t)(exp > now ? exp - now : 0));
	json_decref(e);
	*status = 200;
	return *data ? 0 : vault_verr(500, "internal error");
}

/* LIST sys/leases/lookup/<path>/: the lease ids' last segments. */
static int h_lease_list(struct vault_core *c, struct rctx *r, int *status,
			json_t **data)
{
	const char *prefix = r->path + strlen("sys/leases/lookup/");
	size_t plen = strlen(prefix);
	json_t *keys = NULL, *out, *k, *link, *e;
	size_t i;
	char key[sizeof(VAULT_TOKEN_ACCESSOR_PREFIX) + 80];

	if (plen && prefix[plen - 1] == '/')
		plen--;
	if (vault_barrier_list(c->b, VAULT_TOKEN_ACCESSOR_PREFIX, &keys, NULL))
		return vault_verr(500, "internal error");
	out = json_array();
	json_array_foreach(keys, i, k)
	{
		const char *ah = json_string_value(k);

		if (!ah || strlen(ah) != 64)
			continue;
		snprintf(key, sizeof(key), "%s%s", VAULT_TOKEN_ACCESSOR_PREFIX,
			 ah);
		link = e = NULL;
		if (!vault_json_get_object(c, key, &link) &&
		    strlen(jstr(link, "id_hash")) == 64 &&
		    !vault_token_lookup_hash(c, jstr(link, "id_hash"), &e,
					     NULL) &&
		    strlen(jstr(e, "path")) == plen &&
		    !strncmp(jstr(e, "path"), prefix, plen))
			json_array_append_new(out, json_string(ah));
		json_decref(link);
		json_decref(e);
	}
	json_decref(keys);
	if (!json_array_size(out)) {
		json_decref(out);
		return vault_verr(404, "");
	}
	*data = json_pack("{s:o}", "keys", out);
	*status = 200;
	return *data ? 0 : vault_verr(500, "internal error");
}

static int h_lease_renew(struct vault_core *c, struct rctx *r, int *status,
			 json_t **data)
{
	char hash[65];
	json_t *e = NULL;
	int64_t inc = 0, now = vault_tokens_now(c), exp;
	struct bw_error err;
	int rc;

	if (vault_duration_parse(json_object_get(r->body, "increment"), &inc))
		return vault_verr(400, "invalid increment");
	if (lease_token(c, lease_param(r), hash, &e))
		return -1;
	json_decref(e);
	e = NULL;
	bw_error_clear(&err);
	rc = vault_token_renew(c, hash, inc, &e, &err);
	if (rc == -EINVAL)
		return vault_verr(400, err.msg);
	if (rc == -EPERM)
		return vault_verr(400, "invalid lease");
	if (rc)
		return vault_verr(500, "internal error");
	exp = jint(e, "expire_time");
	*data = json_pack(
	    "{s:s, s:b, s:I}", "lease_id", lease_param(r), "renewable",
	    json_is_true(json_object_get(e, "renewable")), "lease_duration",
	    (json_int_t)(exp > now ? exp - now : 0));
	json_decref(e);
	*status = 200;
	return *data ? 0 : vault_verr(500, "internal error");
}

static int h_lease_revoke(struct vault_core *c, struct rctx *r, int *status,
			  json_t **data)
{
	const char *lease = lease_param(r);
	char hash[65];
	json_t *e = NULL;

	(void)data;
	/* sys/leases/revoke/<lease id> as well as the body */
	if (!lease && !strncmp(r->path, "sys/leases/revoke/", 18))
		lease = r->path + 18;
	if (lease_token(c, lease, hash, &e))
		return -1;
	json_decref(e);
	if (vault_token_revoke(c, hash, 0, NULL))
		return vault_verr(500, "internal error");
	*status = 204;
	return 0;
}

static int h_lease_revoke_prefix(struct vault_core *c, struct rctx *r,
				 int *status, json_t **data)
{
	const char *prefix = r->path + strlen("sys/leases/revoke-prefix/");
	json_t *keys = NULL, *k, *link, *e;
	char key[sizeof(VAULT_TOKEN_ACCESSOR_PREFIX) + 80];
	char lease[LEASE_MAX + 80];
	size_t i;
	int rc = 0;

	(void)data;
	if (!*prefix)
		return vault_verr(400, "missing prefix");
	if (vault_barrier_list(c->b, VAULT_TOKEN_ACCESSOR_PREFIX, &keys, NULL))
		return vault_verr(500, "internal error");
	json_array_foreach(keys, i, k)
	{
		const char *ah = json_string_value(k);

		if (!ah || strlen(ah) != 64)
			continue;
		snprintf(key, sizeof(key), "%s%s", VAULT_TOKEN_ACCESSOR_PREFIX,
			 ah);
		link = e = NULL;
		if (!vault_json_get_object(c, key, &link) &&
		    strlen(jstr(link, "id_hash")) == 64 &&
		    !vault_token_lookup_hash(c, jstr(link, "id_hash"), &e,
					     NULL)) {
			lease_id_of(e, lease, sizeof(lease));
			if (!strncmp(lease, prefix, strlen(prefix)) &&
			    vault_token_revoke(c, jstr(link, "id_hash"), 0,
					       NULL))
				rc = -EIO;
		}
		json_decref(link);
		json_decref(e);
	}
	json_decref(keys);
	if (rc)
		return vault_verr(500, "internal error");
	*status = 204;
	return 0;
}

#define UPD ROUTE_UPDATE_ONLY

const struct vault_route vault_wrapping_routes[] = {
    {.pattern = "sys/wrapping/unwrap",
     .ops = OP_U,
     .flags = UPD | ROUTE_RAW,
     .fn = h_unwrap},
    {.pattern = "sys/wrapping/lookup",
     .ops = OP_U,
     .flags = UPD,
     .fn = h_wrap_lookup},
    {.pattern = "sys/wrapping/wrap", .ops = OP_U, .flags = UPD, .fn = h_wrap},
    {.pattern = "sys/leases/lookup",
     .ops = OP_U,
     .flags = UPD,
     .fn = h_lease_lookup},
    {.pattern = "sys/leases/lookup/*",
     .ops = OP_L,
     .flags = ROUTE_SUDO,
     .fn = h_lease_list},
    {.pattern = "sys/leases/renew",
     .ops = OP_U,
     .flags = UPD,
     .fn = h_lease_renew},
    {.pattern = "sys/renew", .ops = OP_U, .flags = UPD, .fn = h_lease_renew},
    {.pattern = "sys/leases/revoke",
     .ops = OP_U,
     .flags = UPD,
     .fn = h_lease_revoke},
    {.pattern = "sys/leases/revoke/*",
     .ops = OP_U,
     .flags = UPD,
     .fn = h_lease_revoke},
    {.pattern = "sys/leases/revoke-prefix/*",
     .ops = OP_U,
     .flags = UPD | ROUTE_SUDO,
     .fn = h_lease_revoke_prefix},
};

const size_t vault_wrapping_routes_n =
    sizeof(vault_wrapping_routes) / sizeof(vault_wrapping_routes[0]);
