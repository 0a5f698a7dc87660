/*
 * approle_login.c - auth/approle/login: the role found by its role_id
 * index, the role_id compared again in constant time, the CIDR bounds,
 * the secret id checked and used (a num_uses decrement under approle_mu), and
 * the orphan token issued with the role's policies and TTLs.  Every
 * failure answers the same "invalid role or secret ID".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "vault/approle_int.h"
#include "vault/token_int.h"

static int sealed_check(struct vault_core *c)
{
	return vault_core_sealed(c) ? vault_verr(503, "Vault is sealed") : 0;
}

/* ---- auth/approle/login ------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* sid_cidrs: the secret id's token_bound_cidrs (borrowed; NULL or empty:
 * the role's), which bind the token to those addresses. */
static int login_token(struct vault_core *c, struct rctx *r, const char *name,
		       json_t *role, json_t *sid_cidrs, int *status,
		       json_t **data)
{
	const char *names[VAULT_TOKEN_MAX_POLICIES + 1];
	char token[VAULT_TOKEN_LEN + 1];
	struct vault_token_params p = {.path = "auth/approle/login",
				       .display_name = "approle"};
	json_t *pol, *x, *e = NULL, *meta;
	size_t n = 0, i;
	int root = 0, rc;

	json_array_foreach(json_object_get(role, "token_policies"), i, x)
	{
		if (json_is_string(x) && n < VAULT_TOKEN_MAX_POLICIES) {
			names[n++] = json_string_value(x);
			root |= !strcmp(json_string_value(x), "root");
		}
	}
	if (!root &&
	    !json_is_true(json_object_get(role, "token_no_default_policy"))) {
		int have = 0;

		for (i = 0; i < n; i++)
			have |= !strcmp(names[i], "default");
		if (!have)
			names[n++] = "default";
	}
	qsort(names, n, sizeof(names[0]), cmp_str);
	pol = json_array();
	for (i = 0; pol && i < n; i++)
		json_array_append_new(pol, json_string(names[i]));
	meta = json_pack("{s:s}", "role_name", name);
	if (!pol || !meta) {
		json_decref(pol);
		json_decref(meta);
		return vault_verr(500, "internal error");
	}
	p.policies = pol;
	p.meta = meta;
	p.ttl = jint(role, "token_ttl");
	p.explicit_max_ttl = jint(role, "token_explicit_max_ttl");
	if (jint(role, "token_max_ttl") > 0 &&
	    (p.explicit_max_ttl == 0 ||
	     jint(role, "token_max_ttl") < p.explicit_max_ttl))
		p.explicit_max_ttl = jint(role, "token_max_ttl");
	p.period = jint(role, "token_period");
	p.num_uses = jint(role, "token_num_uses");
	p.bound_cidrs = json_array_size(sid_cidrs)
			    ? sid_cidrs
			    : json_object_get(role, "token_bound_cidrs");
	rc = vault_token_create(c, &p, token, &e, NULL);
	json_decref(pol);
	json_decref(meta);
	if (rc)
		return vault_verr(500, "internal error");
	r->auth = vault_token_auth(c, e, token);
	OPENSSL_cleanse(token, sizeof(token));
	json_decref(e);
	*data = NULL;
	*status = 200;
	return r->auth ? 0 : vault_verr(500, "internal error");
}

int ar_h_login(struct vault_core *c, struct rctx *r, int *status, json_t **data)
{
	const char *rid =
	    json_string_value(json_object_get(r->body, "role_id"));
	const char *sid =
	    json_string_value(json_object_get(r->body, "secret_id"));
	const char *addr = r->req->remote_addr;
	char key[AR_KEY], hash[65], name[AR_MAX_NAME + 1];
	json_t *idx = NULL, *role = NULL, *e = NULL, *sid_cidrs = NULL;
	int rc;

	if (sealed_check(c))
		return -1;
	if (!rid || !*rid)
		return vault_verr(400, "missing role_id");
	if (strlen(rid) > AR_MAX_ID || (sid && strlen(sid) > AR_MAX_ID))
		return vault_verr(400, AR_INVALID);
	vault_token_hash(rid, hash);
	snprintf(key, sizeof(key), "%s%s", AR_ROLE_ID, hash);
	rc = vault_json_get_object(c, key, &idx);
	if (rc == -ENOENT)
		return vault_verr(400, AR_INVALID);
	if (rc)
		return vault_verr(500, "internal error");
	rc = ar_name_check(jstr(idx, "name"), strlen(jstr(idx, "name")), name);
	json_decref(idx);
	if (rc || ar_role_get(c, name, &role))
		return vault_verr(400, AR_INVALID);
	/* the stored role_id again, in constant time */
	if (strlen(jstr(role, "role_id")) != strlen(rid) ||
	    CRYPTO_memcmp(jstr(role, "role_id"), rid, strlen(rid))) {
		json_decref(role);
		return vault_verr(400, AR_INVALID);
	}
	if (!vault_cidrs_allow(json_object_get(role, "secret_id_bound_cidrs"),
			       addr) ||
	    !vault_cidrs_allow(json_object_get(role, "token_bound_cidrs"),
			       addr)) {
		json_decref(role);
		return vault_verr(400, AR_INVALID);
	}
	if (json_is_true(json_object_get(role, "bind_secret_id"))) {
		int64_t left;

		if (!sid || !*sid) {
			json_decref(role);
			return vault_verr(400, "missing secret_id");
		}
		vault_token_hash(sid, hash);
		pthread_mutex_lock(&c->approle_mu);
		rc = ar_secret_get(c, name, hash, &e);
		if (!rc && (!vault_cidrs_allow(json_object_get(e, "cidr_list"),
					       addr) ||
			    !vault_cidrs_allow(
				json_object_get(e, "token_bound_cidrs"), addr)))
			rc = -EPERM;
		if (!rc) {
			left = jint(e, "num_uses");
			if (left == 1) {
				rc = ar_secret_remove(c, name, e);
			} else if (left > 1) {
				json_object_set_new(e, "num_uses",
						    json_integer(left - 1));
				json_object_set_new(
				    e, "last_updated_time",
				    json_integer(vault_tokens_now(c)));
				snprintf(key, sizeof(key), "%s%s/%s", AR_SECRET,
					 name, hash);
				rc = vault_json_put(c, key, e);
			}
			if (rc)
				rc = -EIO;
		}
		pthread_mutex_unlock(&c->approle_mu);
		if (!rc)
			sid_cidrs = json_incref(
			    json_object_get(e, "token_bound_cidrs"));
		json_decref(e);
		if (rc == -EIO || rc == -ENOMEM) {
			json_decref(role);
			return vault_verr(500, "internal error");
		}
		if (rc) {
			json_decref(role);
			return vault_verr(400, AR_INVALID);
		}
	}
	rc = login_token(c, r, name, role, sid_cidrs, status, data);
	json_decref(sid_cidrs);
	json_decref(role);
	return rc;
}
