/*
 * approle_role.c - AppRole roles: auth/approle/role (the list) and
 * auth/approle/role/<name>[/...]: a role's read, write (the token and
 * secret id settings, a new or changed role_id moving the role-id index)
 * and delete (with its secret ids and accessors), role-id, and the
 * dispatch of the secret-id paths to approle_secret_id.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault/approle_int.h"
#include "vault/token_int.h"

static int role_key(const char *name, char *out, size_t n)
{
	return (size_t)snprintf(out, n, "%s%s", AR_ROLE, name) >= n ? -E2BIG
								    : 0;
}

int ar_role_get(struct vault_core *c, const char *name, json_t **ret)
{
	char key[AR_KEY];

	role_key(name, key, sizeof(key));
	return vault_json_get_object(c, key, ret);
}

/* The role name in path after "auth/approle/role/": copies it into name
 * and points *rest at what follows ("" or "/role-id" ...). */
static int split_role(const char *p, char name[AR_MAX_NAME + 1],
		      const char **rest)
{
	const char *slash = strchr(p, '/');
	size_t len = slash ? (size_t)(slash - p) : strlen(p);

	if (ar_name_check(p, len, name))
		return -EINVAL;
	*rest = p + len;
	return 0;
}

/* ---- roles -------------------------------------------------------------- */

static json_t *role_read_data(json_t *role)
{
	json_t *d = json_pack(
	    "{s:O, s:O, s:I, s:I, s:O, s:I, s:I, s:I, s:I, s:O, s:O, s:b, "
	    "s:b, s:s, s:b, s:I, s:I}",
	    "bind_secret_id", json_object_get(role, "bind_secret_id"),
	    "secret_id_bound_cidrs",
	    json_object_get(role, "secret_id_bound_cidrs"),
	    "secret_id_num_uses", (json_int_t)jint(role, "secret_id_num_uses"),
	    "secret_id_ttl", (json_int_t)jint(role, "secret_id_ttl"),
	    "token_bound_cidrs", json_object_get(role, "token_bound_cidrs"),
	    "token_explicit_max_ttl",
	    (json_int_t)jint(role, "token_explicit_max_ttl"), "token_max_ttl",
	    (json_int_t)jint(role, "token_max_ttl"), "token_num_uses",
	    (json_int_t)jint(role, "token_num_uses"), "token_period",
	    (json_int_t)jint(role, "token_period"), "token_policies",
	    json_object_get(role, "token_policies"), "policies",
	    json_object_get(role, "token_policies"), "token_no_default_policy",
	    json_is_true(json_object_get(role, "token_no_default_policy")),
	    "local_secret_ids", 0, "token_type", "default",
	    "secret_id_num_uses_set", 1, "token_ttl",
	    (json_int_t)jint(role, "token_ttl"), "period",
	    (json_int_t)jint(role, "token_period"));

	return d;
}

static int set_dur(json_t *role, json_t *body, const char *param,
		   const char *field)
{
	json_t *v = json_object_get(body, param);
	int64_t s;

	if (!v)
		return 0;
	if (vault_duration_parse(v, &s))
		return -EINVAL;
	json_object_set_new(role, field, json_integer((json_int_t)s));
	return 0;
}

static int set_uint(json_t *role, json_t *body, const char *param)
{
	json_t *v = json_object_get(body, param);
	long long n;
	char *end;

	if (!v)
		return 0;
	if (json_is_integer(v)) {
		n = json_integer_value(v);
	} else if (json_is_string(v)) {
		n = strtoll(json_string_value(v), &end, 10);
		if (!json_string_length(v) || *end)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (n < 0 || n > 1000000000LL)
		return -EINVAL;
	json_object_set_new(role, param, json_integer(n));
	return 0;
}

static int role_write(struct vault_core *c, struct rctx *r, const char *name,
		      int *status)
{
	char key[AR_KEY], hash[65];
	json_t *role = NULL, *v, *l = NULL;
	int rc, b, created = 0;

	pthread_mutex_lock(&c->approle_mu);
	rc = ar_role_get(c, name, &role);
	if (rc == -ENOENT) {
		char id[37];

		vault_uuid(id);
		role = json_pack(
		    "{s:s, s:b, s:[], s:[], s:[], s:I, s:I, s:I, "
		    "s:I, s:I, s:I, s:I, s:b}",
		    "role_id", id, "bind_secret_id", 1, "token_policies",
		    "secret_id_bound_cidrs", "token_bound_cidrs", "token_ttl",
		    (json_int_t)0, "token_max_ttl", (json_int_t)0,
		    "token_explicit_max_ttl", (json_int_t)0, "token_period",
		    (json_int_t)0, "token_num_uses", (json_int_t)0,
		    "secret_id_ttl", (json_int_t)0, "secret_id_num_uses",
		    (json_int_t)0, "token_no_default_policy", 0);
		created = 1;
		rc = role ? 0 : -ENOMEM;
	}
	if (rc) {
		rc = vault_verr(500, "internal error");
		goto out;
	}
	v = json_object_get(r->body, "token_policies");
	if (!v)
		v = json_object_get(r->body, "policies");
	if (v) {
		if (ar_policies_param(v, &l)) {
			rc = vault_verr(400, "invalid token_policies");
			goto out;
		}
		json_object_set_new(role, "token_policies", l);
	}
	if ((v = json_object_get(r->body, "bind_secret_id"))) {
		if (vault_bool_param(v, &b)) {
			rc = vault_verr(400, "invalid bind_secret_id");
			goto out;
		}
		json_object_set_new(role, "bind_secret_id", json_boolean(b));
	}
	if ((v = json_object_get(r->body, "token_no_default_policy"))) {
		if (vault_bool_param(v, &b)) {
			rc = vault_verr(400, "invalid token_no_default_policy");
			goto out;
		}
		json_object_set_new(role, "token_no_default_policy",
				    json_boolean(b));
	}
	if (set_dur(role, r->body, "token_ttl", "token_ttl") ||
	    set_dur(role, r->body, "token_max_ttl", "token_max_ttl") ||
	    set_dur(role, r->body, "token_explicit_max_ttl",
		    "token_explicit_max_ttl") ||
	    set_dur(role, r->body, "token_period", "token_period") ||
	    set_dur(role, r->body, "period", "token_period") ||
	    set_dur(role, r->body, "secret_id_ttl", "secret_id_ttl")) {
		rc = vault_verr(400, "invalid duration");
		goto out;
	}
	if (set_uint(role, r->body, "token_num_uses") ||
	    set_uint(role, r->body, "secret_id_num_uses")) {
		rc = vault_verr(400, "num_uses cannot be negative");
		goto out;
	}
	if (jint(role, "token_max_ttl") > 0 &&
	    jint(role, "token_ttl") > jint(role, "token_max_ttl")) {
		rc = vault_verr(400, "\"token_ttl\" value must be less than "
				     "\"token_max_ttl\" value");
		goto out;
	}
	if ((v = json_object_get(r->body, "secret_id_bound_cidrs")) ||
	    (v = json_object_get(r->body, "bound_cidr_list"))) {
		if (vault_cidrs_param(v, AR_MAX_CIDRS, &l)) {
			rc = vault_verr(400, "invalid secret_id_bound_cidrs");
			goto out;
		}
		json_object_set_new(role, "secret_id_bound_cidrs", l);
	}
	if ((v = json_object_get(r->body, "token_bound_cidrs"))) {
		if (vault_cidrs_param(v, AR_MAX_CIDRS, &l)) {
			rc = vault_verr(400, "invalid token_bound_cidrs");
			goto out;
		}
		json_object_set_new(role, "token_bound_cidrs", l);
	}
	if (!json_is_true(json_object_get(role, "bind_secret_id")) &&
	    !json_array_size(json_object_get(role, "secret_id_bound_cidrs")) &&
	    !json_array_size(json_object_get(role, "token_bound_cidrs"))) {
		rc = vault_verr(400, "at least one constraint should be "
				     "enabled on the role");
		goto out;
	}
	if ((v = json_object_get(r->body, "role_id"))) {
		if (!json_is_string(v) || !json_string_length(v) ||
		    json_string_length(v) > AR_MAX_ID) {
			rc = vault_verr(400, "invalid role_id");
			goto out;
		}
		if (!created ||
		    strcmp(json_string_value(v), jstr(role, "role_id"))) {
			json_t *o = NULL;

			vault_token_hash(json_string_value(v), hash);
			snprintf(key, sizeof(key), "%s%s", AR_ROLE_ID, hash);
			if (!vault_json_get_object(c, key, &o)) {
				int same = !strcmp(jstr(o, "name"), name);

				json_decref(o);
				if (!same) {
					rc = vault_verr(400, "role_id already "
							     "in use");
					goto out;
				}
			}
			if (!created) {
				vault_token_hash(jstr(role, "role_id"), hash);
				snprintf(key, sizeof(key), "%s%s", AR_ROLE_ID,
					 hash);
				vault_barrier_delete(c->b, key, NULL);
			}
		}
		json_object_set(role, "role_id", v);
	}
	/* the index, then the role */
	vault_token_hash(jstr(role, "role_id"), hash);
	snprintf(key, sizeof(key), "%s%s", AR_ROLE_ID, hash);
	l = json_pack("{s:s}", "name", name);
	rc = l ? vault_json_put(c, key, l) : -ENOMEM;
	json_decref(l);
	role_key(name, key, sizeof(key));
	if (!rc)
		rc = vault_json_put(c, key, role);
	if (rc) {
		rc = vault_verr(500, "internal error");
		goto out;
	}
	*status = 204;
out:
	pthread_mutex_unlock(&c->approle_mu);
	json_decref(role);
	return rc;
}

/* Deletes everything under prefix (one level: the keys listed). */
static int delete_all(struct vault_core *c, const char *prefix)
{
	json_t *keys = NULL, *k;
	size_t i;
	char key[AR_KEY];
	int rc = vault_barrier_list(c->b, prefix, &keys, NULL);

	if (rc)
		return rc;
	json_array_foreach(keys, i, k)
	{
		snprintf(key, sizeof(key), "%s%s", prefix,
			 json_string_value(k));
		if ((rc = vault_barrier_delete(c->b, key, NULL)))
			break;
	}
	json_decref(keys);
	return rc;
}

static int role_delete(struct vault_core *c, const char *name, int *status)
{
	char key[AR_KEY], hash[65];
	json_t *role = NULL;
	int rc;

	pthread_mutex_lock(&c->approle_mu);
	rc = ar_role_get(c, name, &role);
	if (rc == -ENOENT) {
		rc = 0;
		goto done;
	}
	if (rc)
		goto done;
	snprintf(key, sizeof(key), "%s%s/", AR_SECRET, name);
	rc = delete_all(c, key);
	snprintf(key, sizeof(key), "%s%s/", AR_ACCESSOR, name);
	if (!rc)
		rc = delete_all(c, key);
	vault_token_hash(jstr(role, "role_id"), hash);
	snprintf(key, sizeof(key), "%s%s", AR_ROLE_ID, hash);
	if (!rc)
		rc = vault_barrier_delete(c->b, key, NULL);
	role_key(name, key, sizeof(key));
	if (!rc)
		rc = vault_barrier_delete(c->b, key, NULL);
done:
	pthread_mutex_unlock(&c->approle_mu);
	json_decref(role);
	if (rc && rc != -ENOENT)
		return vault_verr(500, "internal error");
	*status = 204;
	return 0;
}

int ar_h_role_list(struct vault_core *c, struct rctx *r, int *status,
		   json_t **data)
{
	json_t *keys = NULL;

	if (vault_barrier_list(c->b, AR_ROLE, &keys, NULL))
		return vault_verr(500, "internal error");
	if (!json_array_size(keys)) {
		json_decref(keys);
		return vault_verr(404, "");
	}
	*data = json_pack("{s:o}", "keys", keys);
	*status = 200;
	return *data ? 0 : vault_verr(500, "internal error");
}

/* ---- auth/approle/role/<name>[/...] ------------------------------------- */

int ar_h_role(struct vault_core *c, struct rctx *r, int *status, json_t **data)
{
	const char *p = r->path + strlen("auth/approle/role/");
	enum vault_op op = r->req->op;
	char name[AR_MAX_NAME + 1], key[AR_KEY];
	const char *rest;
	json_t *role = NULL;
	int rc;

	if (!*p && (op == VAULT_OP_LIST || op == VAULT_OP_READ))
		return ar_h_role_list(c, r, status, data);
	if (split_role(p, name, &rest))
		return vault_verr(400, "invalid role name");
	if (!strcmp(rest, "") || !strcmp(rest, "/")) {
		if (op == VAULT_OP_UPDATE)
			return role_write(c, r, name, status);
		if (op == VAULT_OP_DELETE)
			return role_delete(c, name, status);
		if (op != VAULT_OP_READ)
			return vault_verr(405, "unsupported operation");
		rc = ar_role_get(c, name, &role);
		if (rc == -ENOENT)
			return vault_verr(404, "");
		if (rc)
			return vault_verr(500, "internal error");
		*data = role_read_data(role);
		json_decref(role);
		*status = 200;
		return *data ? 0 : vault_verr(500, "internal error");
	}
	rc = ar_role_get(c, name, &role);
	if (rc == -ENOENT)
		return vault_verr(
		    op == VAULT_OP_READ || op == VAULT_OP_LIST ? 404 : 400,
		    op == VAULT_OP_READ || op == VAULT_OP_LIST
			? ""
			: "role does not exist");
	if (rc)
		return vault_verr(500, "internal error");
	if (!strcmp(rest, "/role-id")) {
		if (op == VAULT_OP_READ) {
			*data = json_pack("{s:s}", "role_id",
					  jstr(role, "role_id"));
			json_decref(role);
			*status = 200;
			return *data ? 0 : vault_verr(500, "internal error");
		}
		json_decref(role);
		if (op != VAULT_OP_UPDATE)
			return vault_verr(405, "unsupported operation");
		if (!json_is_string(json_object_get(r->body, "role_id")))
			return vault_verr(400, "missing role_id");
		/* role_write keeps the other settings and moves the index */
		return role_write(c, r, name, status);
	}
	json_decref(role);
	if (!strcmp(rest, "/secret-id") || !strcmp(rest, "/secret-id/")) {
		if (op == VAULT_OP_UPDATE)
			return ar_secret_create(c, r, name, status, data);
		if (op == VAULT_OP_LIST)
			return ar_secret_list(c, name, status, data);
		return vault_verr(405, "unsupported operation");
	}
	if (op != VAULT_OP_UPDATE && op != VAULT_OP_DELETE)
		return vault_verr(405, "unsupported operation");
	if (!strcmp(rest, "/secret-id/lookup"))
		return ar_secret_lookup(c, r, name, 0, status, data);
	if (!strcmp(rest, "/secret-id-accessor/lookup"))
		return ar_secret_lookup(c, r, name, 1, status, data);
	if (!strcmp(rest, "/secret-id/destroy"))
		return ar_secret_destroy(c, r, name, 0, status);
	if (!strcmp(rest, "/secret-id-accessor/destroy"))
		return ar_secret_destroy(c, r, name, 1, status);
	snprintf(key, sizeof(key),
		 "no handler for route \"%s\". route entry "
		 "not found.",
		 r->path);
	return vault_verr(404, key);
}
