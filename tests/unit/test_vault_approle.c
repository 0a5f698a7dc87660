/* test_vault_approle.c - the AppRole auth method through vault_handle: role
 * CRUD and role ids, secret ids (creation, hashed at rest, list, lookup,
 * destroy, num_uses, TTL), login (policies and TTLs of the token, what it
 * may and may not read, the uniform 400, CIDR bindings, rate limit),
 * sys/auth; response wrapping (X-Vault-Wrap-TTL, unwrap once, lookup,
 * sys/wrapping/wrap, what a wrapping token may do, expiry); and the token
 * leases (sys/leases/lookup, list, renew, revoke, revoke-prefix); the
 * tidy of secret ids (auth/approle/tidy/secret-id) and of wrapped
 * responses whose token expired. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault/token_int.h"
#include "vault_fixture.h"

static int callw(struct fx *f, enum vault_op op, const char *path,
		 const char *body, const char *token, const char *addr,
		 const char *wrap, json_t **out)
{
	struct vault_request q = {.op = op,
				  .raw_path = path,
				  .body = body,
				  .token = token,
				  .remote_addr = addr,
				  .wrap_ttl = wrap};

	return call_req(f, &q, out);
}

static const char *dstr(json_t *b, const char *k)
{
	const char *s =
	    json_string_value(json_object_get(json_object_get(b, "data"), k));

	return s ? s : "";
}

static int64_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *first_error(json_t *b)
{
	const char *s =
	    json_string_value(json_array_get(json_object_get(b, "errors"), 0));

	return s ? s : "";
}

/* Writes the "app" policy and role "app" with extra settings. */
static void make_role(struct fx *f, const char *extra)
{
	char body[512];

	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/policies/acl/app",
		 "{\"policy\": \"path \\\"secret/data/app/*\\\" { capabilities "
		 "= [\\\"create\\\", \\\"read\\\", \\\"update\\\"] }\"}",
		 f->root, NULL),
	    204);
	snprintf(body, sizeof(body), "{\"token_policies\": \"app\"%s%s}",
		 *extra ? ", " : "", extra);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/approle/role/app", body,
			      f->root, NULL),
			 204);
}

static void role_id(struct fx *f, char out[64])
{
	json_t *b = NULL;

	assert_int_equal(call(f, VAULT_OP_READ, "auth/approle/role/app/role-id",
			      NULL, f->root, &b),
			 200);
	snprintf(out, 64, "%s", dstr(b, "role_id"));
	assert_true(strlen(out) > 0);
	json_decref(b);
}

static void secret_id(struct fx *f, const char *body, char out[64],
		      char acc[64])
{
	json_t *b = NULL;

	assert_int_equal(call(f, VAULT_OP_UPDATE,
			      "auth/approle/role/app/secret-id", body, f->root,
			      &b),
			 200);
	snprintf(out, 64, "%s", dstr(b, "secret_id"));
	if (acc)
		snprintf(acc, 64, "%s", dstr(b, "secret_id_accessor"));
	assert_int_equal(strlen(out), 36);
	json_decref(b);
}

static int login_from(struct fx *f, const char *rid, const char *sid,
		      const char *addr, char token[64], json_t **out)
{
	char body[256];
	json_t *b = NULL;
	int st;

	if (sid)
		snprintf(body, sizeof(body),
			 "{\"role_id\": \"%s\", \"secret_id\": \"%s\"}", rid,
			 sid);
	else
		snprintf(body, sizeof(body), "{\"role_id\": \"%s\"}", rid);
	st = callw(f, VAULT_OP_UPDATE, "auth/approle/login", body, NULL, addr,
		   NULL, &b);
	if (st == 200 && token)
		snprintf(token, 64, "%s",
			 json_string_value(json_object_get(
			     json_object_get(b, "auth"), "client_token")));
	if (out)
		*out = b;
	else
		json_decref(b);
	return st;
}

static int login(struct fx *f, const char *rid, const char *sid, char token[64])
{
	return login_from(f, rid, sid, "127.0.0.1", token, NULL);
}

/* ---- roles -------------------------------------------------------------- */

static void test_role_crud(void **state)
{
	struct fx *f = *state;
	json_t *b = NULL, *d;
	char rid[64];

	assert_int_equal(
	    call(f, VAULT_OP_LIST, "auth/approle/role", NULL, f->root, NULL),
	    404);
	make_role(f, "\"token_ttl\": \"1h\", \"token_max_ttl\": \"2h\", "
		     "\"secret_id_num_uses\": 5, \"token_num_uses\": 3");
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/approle/role/app", NULL, f->root, &b),
	    200);
	d = json_object_get(b, "data");
	assert_int_equal(jint(d, "token_ttl"), 3600);
	assert_int_equal(jint(d, "token_max_ttl"), 7200);
	assert_int_equal(jint(d, "secret_id_num_uses"), 5);
	assert_int_equal(jint(d, "token_num_uses"), 3);
	assert_true(json_is_true(json_object_get(d, "bind_secret_id")));
	assert_string_equal(json_string_value(json_array_get(
				json_object_get(d, "token_policies"), 0)),
			    "app");
	json_decref(b);
	/* an update keeps what it does not name */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/approle/role/APP",
			      "{\"secret_id_ttl\": \"10m\"}", f->root, NULL),
			 204);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/approle/role/app", NULL, f->root, &b),
	    200);
	assert_int_equal(jint(json_object_get(b, "data"), "token_ttl"), 3600);
	assert_int_equal(jint(json_object_get(b, "data"), "secret_id_ttl"),
			 600);
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_LIST, "auth/approle/role/", NULL, f->root, &b),
	    200);
	assert_string_equal(
	    json_string_value(json_array_get(
		json_object_get(json_object_get(b, "data"), "keys"), 0)),
	    "app");
	json_decref(b);
	/* bad input */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/approle/role/a%20b",
			      "{}", f->root, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/approle/role/x",
			      "{\"token_ttl\": \"soon\"}", f->root, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/approle/role/x",
			      "{\"token_ttl\": 7200, \"token_max_ttl\": 60}",
			      f->root, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/approle/role/x",
			      "{\"bind_secret_id\": false}", f->root, &b),
			 400);
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/approle/role/x",
			      "{\"secret_id_bound_cidrs\": \"10.0.0.0/33\"}",
			      f->root, NULL),
			 400);
	/* custom role id; the old one stops working */
	role_id(f, rid);
	assert_int_equal(call(f, VAULT_OP_UPDATE,
			      "auth/approle/role/app/role-id",
			      "{\"role_id\": \"my-custom-id\"}", f->root, NULL),
			 204);
	role_id(f, rid);
	assert_string_equal(rid, "my-custom-id");
	/* a role id another role uses is refused */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/approle/role/other",
			      "{\"role_id\": \"my-custom-id\"}", f->root, NULL),
			 400);
	/* non-root tokens need a policy */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/create",
			      "{\"policies\": [\"app\"]}", f->root, &b),
			 200);
	assert_int_equal(call(f, VAULT_OP_READ, "auth/approle/role/app", NULL,
			      json_string_value(json_object_get(
				  json_object_get(b, "auth"), "client_token")),
			      NULL),
			 403);
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_DELETE, "auth/approle/role/app", NULL,
			      f->root, NULL),
			 204);
	assert_int_equal(call(f, VAULT_OP_READ, "auth/approle/role/app", NULL,
			      f->root, NULL),
			 404);
	assert_int_equal(login(f, "my-custom-id", "x", NULL), 400);
}

/* ---- login -------------------------------------------------------------- */

static void test_login_flow(void **state)
{
	struct fx *f = *state;
	char rid[64], sid[64], acc[64], tok[64], hash[65], key[200];
	json_t *b = NULL, *auth, *keys = NULL;

	make_role(f, "\"token_ttl\": \"1h\", \"token_max_ttl\": \"4h\"");
	role_id(f, rid);
	secret_id(f, NULL, sid, acc);
	/* the secret id is stored only as its hash */
	snprintf(key, sizeof(key), "core/approle/secret-id/app/");
	assert_int_equal(vault_barrier_list(f->c->b, key, &keys, NULL), 0);
	vault_token_hash(sid, hash);
	assert_int_equal(json_array_size(keys), 1);
	assert_string_equal(json_string_value(json_array_get(keys, 0)), hash);
	json_decref(keys);

	assert_int_equal(login_from(f, rid, sid, "127.0.0.1", tok, &b), 200);
	auth = json_object_get(b, "auth");
	assert_int_equal(jint(auth, "lease_duration"), 3600);
	assert_true(json_is_true(json_object_get(auth, "renewable")));
	assert_int_equal(json_array_size(json_object_get(auth, "policies")), 2);
	assert_string_equal(json_string_value(json_array_get(
				json_object_get(auth, "policies"), 0)),
			    "app");
	assert_string_equal(json_string_value(json_array_get(
				json_object_get(auth, "policies"), 1)),
			    "default");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(auth, "metadata"),
					      "role_name")),
	    "app");
	assert_true(json_is_true(json_object_get(auth, "orphan")));
	json_decref(b);

	/* what the token may do */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/data/app/db",
			      "{\"data\": {\"password\": \"s3cr3t\"}}", tok,
			      NULL),
			 200);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/data/app/db", NULL, tok, &b), 200);
	assert_string_equal(
	    json_string_value(json_object_get(
		json_object_get(json_object_get(b, "data"), "data"),
		"password")),
	    "s3cr3t");
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/data/other", NULL, tok, NULL), 403);
	assert_int_equal(call(f, VAULT_OP_READ, "auth/approle/role/app/role-id",
			      NULL, tok, NULL),
			 403);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, tok, &b),
	    200);
	assert_string_equal(dstr(b, "path"), "auth/approle/login");
	json_decref(b);

	/* the token's TTL runs out */
	vault_tokens_set_time(f->c, T0 + 3601);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/data/app/db", NULL, tok, NULL), 403);
	vault_tokens_set_time(f->c, T0);

	/* the uniform refusal */
	assert_int_equal(login_from(f, rid, "wrong", "127.0.0.1", NULL, &b),
			 400);
	assert_string_equal(first_error(b), "invalid role or secret ID");
	json_decref(b);
	assert_int_equal(login_from(f, "nope", sid, "127.0.0.1", NULL, &b),
			 400);
	assert_string_equal(first_error(b), "invalid role or secret ID");
	json_decref(b);
	assert_int_equal(login(f, rid, NULL, NULL), 400);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "auth/approle/login", "{}", NULL, NULL),
	    400);

	/* lookup, list, destroy the secret id */
	snprintf(key, sizeof(key), "{\"secret_id\": \"%s\"}", sid);
	assert_int_equal(call(f, VAULT_OP_UPDATE,
			      "auth/approle/role/app/secret-id/lookup", key,
			      f->root, &b),
			 200);
	assert_string_equal(dstr(b, "secret_id_accessor"), acc);
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_LIST,
			      "auth/approle/role/app/secret-id", NULL, f->root,
			      &b),
			 200);
	assert_string_equal(
	    json_string_value(json_array_get(
		json_object_get(json_object_get(b, "data"), "keys"), 0)),
	    acc);
	json_decref(b);
	snprintf(key, sizeof(key), "{\"secret_id_accessor\": \"%s\"}", acc);
	assert_int_equal(call(f, VAULT_OP_UPDATE,
			      "auth/approle/role/app/secret-id-accessor/lookup",
			      key, f->root, &b),
			 200);
	json_decref(b);
	snprintf(key, sizeof(key), "{\"secret_id\": \"%s\"}", sid);
	assert_int_equal(call(f, VAULT_OP_UPDATE,
			      "auth/approle/role/app/secret-id/destroy", key,
			      f->root, NULL),
			 204);
	assert_int_equal(login(f, rid, sid, NULL), 400);
	assert_int_equal(call(f, VAULT_OP_LIST,
			      "auth/approle/role/app/secret-id", NULL, f->root,
			      NULL),
			 404);
	/* a secret id for a missing role */
	assert_int_equal(call(f, VAULT_OP_UPDATE,
			      "auth/approle/role/none/secret-id", NULL, f->root,
			      NULL),
			 400);
}

static void test_secret_id_limits(void **state)
{
	struct fx *f = *state;
	char rid[64], sid[64], tok[64];

	make_role(f, "\"secret_id_num_uses\": 2, \"secret_id_ttl\": 600, "
		     "\"token_num_uses\": 1");
	role_id(f, rid);
	secret_id(f, NULL, sid, NULL);
	assert_int_equal(login(f, rid, sid, tok), 200);
	/* token_num_uses 1: one request */
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, tok, NULL),
	    200);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, tok, NULL),
	    403);
	assert_int_equal(login(f, rid, sid, NULL), 200);
	assert_int_equal(login(f, rid, sid, NULL), 400); /* used up */

	/* a secret id may ask for fewer uses, not more */
	assert_int_equal(call(f, VAULT_OP_UPDATE,
			      "auth/approle/role/app/secret-id",
			      "{\"num_uses\": 3}", f->root, NULL),
			 400);
	secret_id(f,
		  "{\"num_uses\": 1, \"metadata\": \"{\\\"k\\\":\\\"v\\\"}\"}",
		  sid, NULL);
	assert_int_equal(login(f, rid, sid, NULL), 200);
	assert_int_equal(login(f, rid, sid, NULL), 400);

	/* TTL */
	secret_id(f, NULL, sid, NULL);
	vault_tokens_set_time(f->c, T0 + 601);
	assert_int_equal(login(f, rid, sid, NULL), 400);
	vault_tokens_set_time(f->c, T0);
	assert_int_equal(login(f, rid, sid, NULL), 400); /* reaped */
	assert_int_equal(call(f, VAULT_OP_UPDATE,
			      "auth/approle/role/app/secret-id",
			      "{\"metadata\": 5}", f->root, NULL),
			 400);
}

static void test_cidr_and_no_secret(void **state)
{
	struct fx *f = *state;
	char rid[64], sid[64];

	make_role(f, "\"bind_secret_id\": false, "
		     "\"secret_id_bound_cidrs\": [\"10.1.0.0/16\", \"::1\"]");
	role_id(f, rid);
	assert_int_equal(login_from(f, rid, NULL, "10.1.2.3", NULL, NULL), 200);
	assert_int_equal(login_from(f, rid, NULL, "::1", NULL, NULL), 200);
	assert_int_equal(
	    login_from(f, rid, NULL, "::ffff:10.1.9.9", NULL, NULL), 200);
	assert_int_equal(login_from(f, rid, NULL, "10.2.0.1", NULL, NULL), 400);
	assert_int_equal(login_from(f, rid, NULL, NULL, NULL, NULL), 400);

	/* a secret id bound to a CIDR */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/approle/role/app",
			      "{\"bind_secret_id\": true, "
			      "\"secret_id_bound_cidrs\": []}",
			      f->root, NULL),
			 204);
	secret_id(f, "{\"cidr_list\": \"192.168.0.0/24\"}", sid, NULL);
	assert_int_equal(login_from(f, rid, sid, "127.0.0.1", NULL, NULL), 400);
	assert_int_equal(login_from(f, rid, sid, "192.168.0.7", NULL, NULL),
			 200);
}

static void test_login_rate_limited(void **state)
{
	struct fx *f = *state;
	char rid[64];

	make_role(f, "");
	role_id(f, rid);
	vault_rate_configure(f->c, 2, 0);
	assert_int_equal(login(f, rid, "x", NULL), 400);
	assert_int_equal(login(f, rid, "x", NULL), 400);
	assert_int_equal(login(f, rid, "x", NULL), 429);
	assert_int_equal(login_from(f, rid, "x", "10.0.0.9", NULL, NULL), 400);
}

static void test_sys_auth(void **state)
{
	struct fx *f = *state;
	json_t *b = NULL;

	assert_int_equal(call(f, VAULT_OP_READ, "sys/auth", NULL, f->root, &b),
			 200);
	assert_non_null(json_object_get(json_object_get(b, "data"), "token/"));
	assert_string_equal(
	    json_string_value(json_object_get(
		json_object_get(json_object_get(b, "data"), "approle/"),
		"type")),
	    "approle");
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/auth/approle",
			      "{\"type\": \"approle\"}", f->root, NULL),
			 204);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/auth/userpass",
			      "{\"type\": \"userpass\"}", f->root, NULL),
			 400);
	assert_int_equal(
	    call(f, VAULT_OP_DELETE, "sys/auth/approle", NULL, f->root, NULL),
	    400);
	/* sealed: login answers 503 */
	vault_core_seal(f->c);
	assert_int_equal(login(f, "a", "b", NULL), 503);
}

/* ---- response wrapping -------------------------------------------------- */

static void test_wrapping(void **state)
{
	struct fx *f = *state;
	char rid[64], wtok[64], body[200];
	json_t *b = NULL, *wi, *u = NULL;

	make_role(f, "");
	role_id(f, rid);
	assert_int_equal(callw(f, VAULT_OP_UPDATE,
			       "auth/approle/role/app/secret-id", NULL, f->root,
			       "127.0.0.1", "2m", &b),
			 200);
	assert_true(json_is_null(json_object_get(b, "data")));
	wi = json_object_get(b, "wrap_info");
	assert_int_equal(jint(wi, "ttl"), 120);
	assert_string_equal(
	    json_string_value(json_object_get(wi, "creation_path")),
	    "auth/approle/role/app/secret-id");
	snprintf(wtok, sizeof(wtok), "%s",
		 json_string_value(json_object_get(wi, "token")));
	assert_true(strlen(json_string_value(json_object_get(wi, "accessor"))));
	json_decref(b);

	/* a wrapping token does nothing but unwrap and lookup */
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/data/app/db", NULL, wtok, NULL),
	    403);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, wtok, NULL),
	    403);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/wrapping/lookup", NULL, wtok, &b),
	    200);
	assert_int_equal(jint(json_object_get(b, "data"), "creation_ttl"), 120);
	json_decref(b);

	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/wrapping/unwrap", NULL, wtok, &u),
	    200);
	assert_int_equal(strlen(dstr(u, "secret_id")), 36);
	assert_int_equal(login(f, rid, dstr(u, "secret_id"), NULL), 200);
	json_decref(u);
	/* once only */
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/wrapping/unwrap", NULL, wtok, NULL),
	    403);
	snprintf(body, sizeof(body), "{\"token\": \"%s\"}", wtok);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/wrapping/unwrap", body, f->root, &b),
	    400);
	assert_string_equal(first_error(b),
			    "wrapping token is not valid or does not exist");
	json_decref(b);

	/* sys/wrapping/wrap, unwrapped by another token with the body form */
	assert_int_equal(callw(f, VAULT_OP_UPDATE, "sys/wrapping/wrap",
			       "{\"k\": \"v\"}", f->root, "127.0.0.1", "60",
			       &b),
			 200);
	snprintf(body, sizeof(body), "{\"token\": \"%s\"}",
		 json_string_value(json_object_get(
		     json_object_get(b, "wrap_info"), "token")));
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/wrapping/unwrap", body, f->root, &u),
	    200);
	assert_string_equal(dstr(u, "k"), "v");
	json_decref(u);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/wrapping/wrap",
			      "{\"k\": \"v\"}", f->root, NULL),
			 400);

	/* a wrapped login carries the token's accessor */
	assert_int_equal(callw(f, VAULT_OP_UPDATE, "auth/token/create", "{}",
			       f->root, "127.0.0.1", "1m", &b),
			 200);
	assert_true(strlen(json_string_value(json_object_get(
	    json_object_get(b, "wrap_info"), "wrapped_accessor"))));
	snprintf(wtok, sizeof(wtok), "%s",
		 json_string_value(json_object_get(
		     json_object_get(b, "wrap_info"), "token")));
	json_decref(b);
	/* expiry */
	vault_tokens_set_time(f->c, T0 + 61);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/wrapping/unwrap", NULL, wtok, NULL),
	    403);
	snprintf(body, sizeof(body), "{\"token\": \"%s\"}", wtok);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/wrapping/unwrap", body,
			      f->root, NULL),
			 400);
	vault_tokens_set_time(f->c, T0);
	/* bad TTLs; errors are not wrapped */
	assert_int_equal(callw(f, VAULT_OP_READ, "sys/auth", NULL, f->root,
			       "127.0.0.1", "soon", NULL),
			 400);
	assert_int_equal(callw(f, VAULT_OP_READ, "secret/data/none", NULL,
			       f->root, "127.0.0.1", "1m", &b),
			 404);
	assert_null(json_object_get(b, "wrap_info"));
	json_decref(b);
}

/* ---- leases ------------------------------------------------------------- */

static void test_leases(void **state)
{
	struct fx *f = *state;
	char rid[64], sid[64], tok[64], lease[200], body[300];
	json_t *b = NULL;

	make_role(f, "\"token_ttl\": 600, \"token_max_ttl\": 1800");
	role_id(f, rid);
	secret_id(f, NULL, sid, NULL);
	assert_int_equal(login(f, rid, sid, tok), 200);
	assert_int_equal(call(f, VAULT_OP_LIST,
			      "sys/leases/lookup/auth/approle/login/", NULL,
			      f->root, &b),
			 200);
	snprintf(lease, sizeof(lease), "auth/approle/login/%s",
		 json_string_value(json_array_get(
		     json_object_get(json_object_get(b, "data"), "keys"), 0)));
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_LIST,
			      "sys/leases/lookup/auth/approle/login/", NULL,
			      tok, NULL),
			 403); /* sudo */

	snprintf(body, sizeof(body), "{\"lease_id\": \"%s\"}", lease);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/leases/lookup", body, tok, &b), 200);
	assert_string_equal(dstr(b, "id"), lease);
	assert_int_equal(jint(json_object_get(b, "data"), "ttl"), 600);
	json_decref(b);
	vault_tokens_set_time(f->c, T0 + 100);
	snprintf(body, sizeof(body),
		 "{\"lease_id\": \"%s\", \"increment\": \"1h\"}", lease);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/leases/renew", body, tok, &b), 200);
	assert_int_equal(jint(json_object_get(b, "data"), "lease_duration"),
			 1700); /* capped by token_max_ttl */
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/leases/lookup",
			      "{\"lease_id\": \"secret/data/app/x\"}", tok,
			      NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/leases/lookup",
			      "{\"lease_id\": \"auth/token/create/"
			      "0000000000000000000000000000000000000000000000"
			      "000000000000000000\"}",
			      tok, NULL),
			 400);
	snprintf(body, sizeof(body), "{\"lease_id\": \"%s\"}", lease);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/leases/revoke", body, tok, NULL),
	    403); /* not in the default policy */
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/leases/revoke", body, f->root, NULL),
	    204);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, tok, NULL),
	    403);

	/* revoke-prefix */
	assert_int_equal(login(f, rid, sid, tok), 200);
	assert_int_equal(call(f, VAULT_OP_UPDATE,
			      "sys/leases/revoke-prefix/auth/approle/", NULL,
			      f->root, NULL),
			 204);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, tok, NULL),
	    403);
	assert_int_equal(call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL,
			      f->root, NULL),
			 200);
}

/* ---- tidy ---------------------------------------------------------------- */

static size_t count_keys(struct fx *f, const char *prefix)
{
	json_t *keys = NULL;
	size_t n;

	assert_int_equal(vault_barrier_list(f->c->b, prefix, &keys, NULL), 0);
	n = json_array_size(keys);
	json_decref(keys);
	return n;
}

static void del_key(struct fx *f, const char *prefix, const char *plain)
{
	char key[256], h[65];

	vault_token_hash(plain, h);
	snprintf(key, sizeof(key), "%s%s", prefix, h);
	assert_int_equal(vault_barrier_delete(f->c->b, key, NULL), 0);
}

#define SECRETS "core/approle/secret-id/app/"
#define ACCESSORS "core/approle/accessor/app/"

static void test_tidy_secret_ids(void **state)
{
	struct fx *f = *state;
	char rid[64], s1[64], s2[64], s3[64], s4[64], a1[64], a3[64];
	struct vault_tidy_stats st = {0};
	json_t *b = NULL;

	make_role(f, "");
	role_id(f, rid);
	secret_id(f, "{\"ttl\": 60}", s1, a1); /* expires */
	secret_id(f, NULL, s2, NULL);	       /* never expires */
	secret_id(f, NULL, s3, a3);	       /* loses its accessor */
	secret_id(f, NULL, s4, NULL);	       /* loses its entry */
	del_key(f, ACCESSORS, a3);
	del_key(f, SECRETS, s4);
	assert_int_equal(count_keys(f, SECRETS), 3);
	assert_int_equal(count_keys(f, ACCESSORS), 3);

	vault_tokens_set_time(f->c, T0 + 30); /* s1 not yet expired */
	assert_int_equal(vault_tidy_run(f->c, VAULT_TIDY_SECRET_IDS, &st, NULL),
			 0);
	assert_int_equal(st.secret_ids_scanned, 3);
	assert_int_equal(st.secret_ids_deleted, 1);	     /* s3 */
	assert_int_equal(st.secret_id_accessors_deleted, 1); /* s4's */
	assert_int_equal(st.errors, 0);
	assert_int_equal(login(f, rid, s1, NULL), 200);

	vault_tokens_set_time(f->c, T0 + 100);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/approle/tidy/secret-id",
			      NULL, f->root, &b),
			 202);
	assert_string_equal(
	    json_string_value(
		json_array_get(json_object_get(b, "warnings"), 0)),
	    "Tidy operation successfully started. Any information from the "
	    "operation will be printed to Vault's server logs.");
	json_decref(b);
	/* only s2 is left, with its accessor, and it still logs in */
	assert_int_equal(count_keys(f, SECRETS), 1);
	assert_int_equal(count_keys(f, ACCESSORS), 1);
	assert_int_equal(login(f, rid, s2, NULL), 200);
	assert_int_equal(login(f, rid, s1, NULL), 400);
	/* needs update on the path */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/approle/tidy/secret-id",
			      NULL, "hvs.nope", NULL),
			 403);
	/* the token sweep leaves secret ids alone */
	memset(&st, 0, sizeof(st));
	assert_int_equal(vault_tidy_run(f->c, VAULT_TIDY_TOKENS, &st, NULL), 0);
	assert_int_equal(st.secret_ids_scanned, 0);
}

static void test_tidy_wrapped(void **state)
{
	struct fx *f = *state;
	char wtok[64];
	struct vault_tidy_stats st = {0};
	json_t *b = NULL;

	make_role(f, "");
	assert_int_equal(callw(f, VAULT_OP_UPDATE,
			       "auth/approle/role/app/secret-id", NULL, f->root,
			       "127.0.0.1", "10s", NULL),
			 200);
	assert_int_equal(callw(f, VAULT_OP_UPDATE,
			       "auth/approle/role/app/secret-id", NULL, f->root,
			       "127.0.0.1", "1h", &b),
			 200);
	snprintf(wtok, sizeof(wtok), "%s",
		 json_string_value(json_object_get(
		     json_object_get(b, "wrap_info"), "token")));
	json_decref(b);
	assert_int_equal(count_keys(f, "core/wrapping/"), 2);

	vault_tokens_set_time(f->c, T0 + 60);
	assert_int_equal(vault_tidy_run(f->c, VAULT_TIDY_ALL, &st, NULL), 0);
	assert_int_equal(st.tokens_revoked, 1); /* the 10s wrapping token */
	assert_int_equal(st.wrapped_deleted, 1);
	assert_int_equal(count_keys(f, "core/wrapping/"), 1);
	/* the live one still unwraps */
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/wrapping/unwrap", NULL, wtok, NULL),
	    200);
	assert_int_equal(count_keys(f, "core/wrapping/"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_role_crud, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_login_flow, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_secret_id_limits, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_cidr_and_no_secret, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_login_rate_limited, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_sys_auth, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_wrapping, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_leases, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_tidy_secret_ids, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_tidy_wrapped, fx_setup,
					    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
