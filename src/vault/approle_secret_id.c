/*
 * approle_secret_id.c - AppRole secret ids: generation (with its accessor
 * entry), the accessor list, lookup and destruction by secret id or by
 * accessor, and the read of one entry by its hash that login shares
 * (an expired secret id found there is removed).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "vault/approle_int.h"
#include "vault/token_int.h"

/* ---- secret ids --------------------------------------------------------- */

static json_t *secret_data(struct vault_core *c, json_t *e)
{
	char ct[40], et[40], ut[40];
	time_t t;
	struct tm tm;
	int64_t exp = jint(e, "expiration_time");

	t = (time_t)jint(e, "creation_time");
	gmtime_r(&t, &tm);
	strftime(ct, sizeof(ct), "%Y-%m-%dT%H:%M:%SZ", &tm);
	t = (time_t)(jint(e, "last_updated_time") ? jint(e, "last_updated_time")
						  : jint(e, "creation_time"));
	gmtime_r(&t, &tm);
	strftime(ut, sizeof(ut), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (exp > 0) {
		t = (time_t)exp;
		gmtime_r(&t, &tm);
		strftime(et, sizeof(et), "%Y-%m-%dT%H:%M:%SZ", &tm);
	} else {
		snprintf(et, sizeof(et), "0001-01-01T00:00:00Z");
	}
	(void)c;
	return json_pack("{s:O, s:s, s:s, s:s, s:O, s:s, s:I, s:I, s:O}",
			 "cidr_list", json_object_get(e, "cidr_list"),
			 "creation_time", ct, "expiration_time", et,
			 "last_updated_time", ut, "metadata",
			 json_object_get(e, "metadata"), "secret_id_accessor",
			 jstr(e, "accessor"), "secret_id_num_uses",
			 (json_int_t)jint(e, "num_uses"), "secret_id_ttl",
			 (json_int_t)jint(e, "ttl"), "token_bound_cidrs",
			 json_object_get(e, "token_bound_cidrs"));
}

int ar_secret_create(struct vault_core *c, struct rctx *r, const char *name,
		     int *status, json_t **data)
{
	char sid[37], acc[37], sh[65], ah[65], key[AR_KEY];
	int64_t now = vault_tokens_now(c), ttl, uses;
	json_t *role = NULL, *meta = NULL, *cidrs = NULL, *tcidrs = NULL;
	json_t *e = NULL, *link = NULL, *v;
	int rc;

	rc = ar_role_get(c, name, &role);
	if (rc == -ENOENT) {
		char msg[AR_MAX_NAME + 32];

		snprintf(msg, sizeof(msg), "role \"%s\" does not exist", name);
		return vault_verr(400, msg);
	}
	if (rc)
		return vault_verr(500, "internal error");
	ttl = jint(role, "secret_id_ttl");
	uses = jint(role, "secret_id_num_uses");
	rc = -1;
	if ((v = json_object_get(r->body, "ttl"))) {
		int64_t t;

		if (vault_duration_parse(v, &t)) {
			vault_verr(400, "invalid ttl");
			goto out;
		}
		if (t > 0 && (ttl == 0 || t < ttl))
			ttl = t;
	}
	if ((v = json_object_get(r->body, "num_uses"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			vault_verr(400, "num_uses cannot be negative");
			goto out;
		}
		if (uses > 0 && (json_integer_value(v) == 0 ||
				 json_integer_value(v) > uses)) {
			vault_verr(400, "num_uses cannot be higher than the "
					"role's secret_id_num_uses");
			goto out;
		}
		if (json_integer_value(v) > 0)
			uses = json_integer_value(v);
	}
	v = json_object_get(r->body, "metadata");
	if (json_is_string(v) && json_string_length(v)) {
		meta = json_loads(json_string_value(v), 0, NULL);
	} else if (json_is_object(v)) {
		meta = json_incref(v);
	} else if (!v || json_is_null(v) ||
		   (json_is_string(v) && !json_string_length(v))) {
		meta = json_object();
	}
	if (!json_is_object(meta) || json_object_size(meta) > AR_MAX_META) {
		vault_verr(400, "failed to parse metadata: expected a JSON "
				"object of strings");
		goto out;
	} else {
		const char *k;
		json_t *x;

		json_object_foreach(meta, k, x) if (!json_is_string(x) ||
						    strlen(k) > 128 ||
						    json_string_length(x) > 512)
		{
			vault_verr(400, "metadata must be strings");
			goto out;
		}
	}
	if (vault_cidrs_param(json_object_get(r->body, "cidr_list"),
			      AR_MAX_CIDRS, &cidrs) ||
	    vault_cidrs_param(json_object_get(r->body, "token_bound_cidrs"),
			      AR_MAX_CIDRS, &tcidrs)) {
		vault_verr(400, "invalid cidr_list");
		goto out;
	}
	vault_uuid(sid);
	vault_uuid(acc);
	vault_token_hash(sid, sh);
	vault_token_hash(acc, ah);
	e = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:O, s:O, s:O}", "hash",
		      sh, "accessor", acc, "creation_time", (json_int_t)now,
		      "expiration_time", (json_int_t)(ttl ? now + ttl : 0),
		      "ttl", (json_int_t)ttl, "num_uses", (json_int_t)uses,
		      "metadata", meta, "cidr_list", cidrs, "token_bound_cidrs",
		      tcidrs);
	link = json_pack("{s:s, s:s}", "hash", sh, "accessor", acc);
	if (!e || !link) {
		vault_verr(500, "internal error");
		goto out;
	}
	pthread_mutex_lock(&c->approle_mu);
	snprintf(key, sizeof(key), "%s%s/%s", AR_ACCESSOR, name, ah);
	rc = vault_json_put(c, key, link);
	snprintf(key, sizeof(key), "%s%s/%s", AR_SECRET, name, sh);
	if (!rc)
		rc = vault_json_put(c, key, e);
	pthread_mutex_unlock(&c->approle_mu);
	if (rc) {
		rc = vault_verr(500, "internal error");
		goto out;
	}
	*data =
	    json_pack("{s:s, s:s, s:I, s:I}", "secret_id", sid,
		      "secret_id_accessor", acc, "secret_id_ttl",
		      (json_int_t)ttl, "secret_id_num_uses", (json_int_t)uses);
	OPENSSL_cleanse(sid, sizeof(sid));
	*status = 200;
	rc = *data ? 0 : vault_verr(500, "internal error");
out:
	json_decref(role);
	json_decref(meta);
	json_decref(cidrs);
	json_decref(tcidrs);
	json_decref(e);
	json_decref(link);
	return rc;
}

int ar_secret_list(struct vault_core *c, const char *name, int *status,
		   json_t **data)
{
	char key[AR_KEY];
	json_t *keys = NULL, *out, *k, *o;
	size_t i;

	snprintf(key, sizeof(key), "%s%s/", AR_ACCESSOR, name);
	if (vault_barrier_list(c->b, key, &keys, NULL))
		return vault_verr(500, "internal error");
	out = json_array();
	json_array_foreach(keys, i, k)
	{
		snprintf(key, sizeof(key), "%s%s/%s", AR_ACCESSOR, name,
			 json_string_value(k));
		if (!vault_json_get_object(c, key, &o)) {
			json_array_append_new(out,
					      json_string(jstr(o, "accessor")));
			json_decref(o);
		}
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

/* Removes a secret id's entry and accessor link (approle_mu held). */
int ar_secret_remove(struct vault_core *c, const char *name, json_t *e)
{
	char key[AR_KEY], ah[65];
	int rc;

	vault_token_hash(jstr(e, "accessor"), ah);
	snprintf(key, sizeof(key), "%s%s/%s", AR_SECRET, name, jstr(e, "hash"));
	rc = vault_barrier_delete(c->b, key, NULL);
	snprintf(key, sizeof(key), "%s%s/%s", AR_ACCESSOR, name, ah);
	if (!rc || rc == -ENOENT)
		rc = vault_barrier_delete(c->b, key, NULL);
	return rc == -ENOENT ? 0 : rc;
}

/* The entry of a secret id (by its hash) of role name: 0, -ENOENT (also
 * when expired: then removed). */
int ar_secret_get(struct vault_core *c, const char *name, const char *sh,
		  json_t **ret)
{
	char key[AR_KEY];
	json_t *e = NULL;
	int64_t exp;
	int rc;

	snprintf(key, sizeof(key), "%s%s/%s", AR_SECRET, name, sh);
	rc = vault_json_get_object(c, key, &e);
	if (rc)
		return rc;
	if (strlen(jstr(e, "hash")) != 64 ||
	    CRYPTO_memcmp(jstr(e, "hash"), sh, 64)) {
		json_decref(e);
		return -EIO;
	}
	exp = jint(e, "expiration_time");
	if (exp > 0 && (int64_t)vault_tokens_now(c) >= exp) {
		ar_secret_remove(c, name, e);
		json_decref(e);
		return -ENOENT;
	}
	*ret = e;
	return 0;
}

/* The secret id hash named by the body's secret_id or, with by_accessor,
 * secret_id_accessor. */
static int secret_hash_param(struct vault_core *c, struct rctx *r,
			     const char *name, int by_accessor, char sh[65])
{
	const char *k = by_accessor ? "secret_id_accessor" : "secret_id";
	const char *s = json_string_value(json_object_get(r->body, k));
	char key[AR_KEY], ah[65];
	json_t *o = NULL;

	if (!s || !*s || strlen(s) > AR_MAX_ID)
		return vault_verr(400, by_accessor
					   ? "missing secret_id_accessor"
					   : "missing secret_id");
	if (!by_accessor) {
		vault_token_hash(s, sh);
		return 0;
	}
	vault_token_hash(s, ah);
	snprintf(key, sizeof(key), "%s%s/%s", AR_ACCESSOR, name, ah);
	if (vault_json_get_object(c, key, &o))
		return vault_verr(404, "");
	if (strlen(jstr(o, "hash")) != 64) {
		json_decref(o);
		return vault_verr(500, "internal error");
	}
	memcpy(sh, jstr(o, "hash"), 65);
	json_decref(o);
	return 0;
}

int ar_secret_lookup(struct vault_core *c, struct rctx *r, const char *name,
		     int by_accessor, int *status, json_t **data)
{
	char sh[65];
	json_t *e = NULL;
	int rc;

	if (secret_hash_param(c, r, name, by_accessor, sh))
		return -1;
	pthread_mutex_lock(
	    &c->approle_mu); /* ar_secret_get may reap an expired id */
	rc = ar_secret_get(c, name, sh, &e);
	pthread_mutex_unlock(&c->approle_mu);
	if (rc == -ENOENT) {
		*status =
		    204; /* Vault: an unknown secret id reads as nothing */
		return 0;
	}
	if (rc)
		return vault_verr(500, "internal error");
	*data = secret_data(c, e);
	json_decref(e);
	*status = 200;
	return *data ? 0 : vault_verr(500, "internal error");
}

int ar_secret_destroy(struct vault_core *c, struct rctx *r, const char *name,
		      int by_accessor, int *status)
{
	char sh[65];
	json_t *e = NULL;
	int rc;

	if (secret_hash_param(c, r, name, by_accessor, sh))
		return -1;
	pthread_mutex_lock(&c->approle_mu);
	rc = ar_secret_get(c, name, sh, &e);
	if (!rc)
		rc = ar_secret_remove(c, name, e);
	pthread_mutex_unlock(&c->approle_mu);
	json_decref(e);
	if (rc && rc != -ENOENT)
		return vault_verr(500, "internal error");
	*status = 204;
	return 0;
}
