/* test_vault_token.c - the token store and policy enforcement: TTL
 * arithmetic on a fixed clock (default, ttl, explicit_max_ttl, system max,
 * renew capped by the max, periodic), expiry reaping, num_uses, parent and
 * child revocation, orphans, revoke-orphan, accessors, tokens hashed at
 * rest, durations, and through vault_handle: token create/lookup/renew/
 * revoke endpoints, sys/policy and sys/policies/acl, ACL checks (403),
 * the ACL cache following policy changes, sudo paths, subset rules, the
 * per-client rate limit (429); and the tidy sweep (expired tokens and their
 * children, dangling accessor and parent entries, a renewal racing it,
 * auth/token/tidy, the background sweeper). */
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

static json_t *lookup_data(struct fx *f, const char *token)
{
	json_t *b = NULL, *d;

	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, token, &b),
	    200);
	d = json_incref(json_object_get(b, "data"));
	json_decref(b);
	return d;
}

static int64_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* A token made directly in the store. */
static void direct(struct fx *f, const char *policy, int64_t ttl, int64_t emax,
		   int64_t period, char token[64], json_t **e)
{
	json_t *pol = json_pack("[s]", policy);
	struct vault_token_params p = {.policies = pol,
				       .ttl = ttl,
				       .explicit_max_ttl = emax,
				       .period = period};

	assert_int_equal(vault_token_create(f->c, &p, token, e, NULL), 0);
	json_decref(pol);
}

/* ---- TTL arithmetic ----------------------------------------------------- */

static void test_ttl_default_and_caps(void **state)
{
	struct fx *f = *state;
	char t[64];
	json_t *e = NULL;

	direct(f, "dev", 0, 0, 0, t, &e); /* default: 32 days */
	assert_int_equal(jint(e, "expire_time"), T0 + 768 * 3600);
	assert_int_equal(jint(e, "creation_ttl"), 768 * 3600);
	assert_true(json_is_true(json_object_get(e, "renewable")));
	json_decref(e);
	direct(f, "dev", 3600, 0, 0, t, &e);
	assert_int_equal(jint(e, "expire_time"), T0 + 3600);
	json_decref(e);
	direct(f, "dev", 3600, 600, 0, t, &e); /* explicit max caps ttl */
	assert_int_equal(jint(e, "expire_time"), T0 + 600);
	json_decref(e);
	direct(f, "dev", 100 * 86400, 0, 0, t, &e); /* system max 32 days */
	assert_int_equal(jint(e, "expire_time"), T0 + 768 * 3600);
	json_decref(e);
	direct(f, "root", 0, 0, 0, t, &e); /* root: never expires */
	assert_int_equal(jint(e, "expire_time"), 0);
	assert_false(json_is_true(json_object_get(e, "renewable")));
	json_decref(e);
	direct(f, "dev", 0, 0, 60, t, &e); /* periodic */
	assert_int_equal(jint(e, "expire_time"), T0 + 60);
	json_decref(e);
}

static void test_ttl_lookup_counts_down(void **state)
{
	struct fx *f = *state;
	char t[64];
	json_t *d;

	direct(f, "default", 3600, 0, 0, t, NULL);
	vault_tokens_set_time(f->c, T0 + 1000);
	d = lookup_data(f, t);
	assert_int_equal(jint(d, "ttl"), 2600);
	assert_int_equal(jint(d, "creation_ttl"), 3600);
	assert_int_equal(jint(d, "creation_time"), T0);
	assert_string_equal(json_string_value(json_object_get(d, "id")), t);
	assert_string_equal(json_string_value(json_object_get(d, "type")),
			    "service");
	assert_true(json_is_string(json_object_get(d, "expire_time")));
	json_decref(d);
}

static void test_renew_capped_by_max(void **state)
{
	struct fx *f = *state;
	char t[64], hash[65];
	json_t *e = NULL;

	direct(f, "dev", 100, 300, 0, t, &e);
	json_decref(e);
	vault_token_hash(t, hash);
	vault_tokens_set_time(f->c, T0 + 50);
	assert_int_equal(vault_token_renew(f->c, hash, 1000, &e, NULL), 0);
	assert_int_equal(jint(e, "expire_time"), T0 + 300); /* capped */
	json_decref(e);
	vault_tokens_set_time(f->c, T0 + 60);
	assert_int_equal(vault_token_renew(f->c, hash, 0, &e, NULL), 0);
	assert_int_equal(jint(e, "expire_time"), T0 + 160); /* own ttl */
	json_decref(e);
	vault_tokens_set_time(f->c, T0 + 300);
	assert_int_equal(vault_token_lookup(f->c, t, &e, NULL), -EPERM);
	/* reaped: gone from storage too */
	vault_tokens_set_time(f->c, T0);
	assert_int_equal(vault_token_lookup_hash(f->c, hash, &e, NULL), -EPERM);
}

static void test_renew_periodic_and_root(void **state)
{
	struct fx *f = *state;
	char t[64], hash[65];
	json_t *e = NULL;

	direct(f, "dev", 0, 0, 60, t, NULL);
	vault_token_hash(t, hash);
	vault_tokens_set_time(f->c, T0 + 50);
	assert_int_equal(vault_token_renew(f->c, hash, 9999, &e, NULL), 0);
	assert_int_equal(jint(e, "expire_time"), T0 + 50 + 60);
	json_decref(e);
	vault_tokens_set_time(f->c, T0 + 100 * 86400); /* beyond system max */
	assert_int_equal(vault_token_renew(f->c, hash, 0, &e, NULL), -EPERM);
	vault_tokens_set_time(f->c, T0);
	vault_token_hash(f->root, hash);
	assert_int_equal(vault_token_renew(f->c, hash, 0, &e, NULL), -EINVAL);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/renew-self", "{}",
			      f->root, NULL),
			 400);
}

static void test_expired_rejected(void **state)
{
	struct fx *f = *state;
	char t[64];
	json_t *b = NULL;

	api_create(f, "auth/token/create", f->root, "{\"ttl\":\"10s\"}", t);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, t, NULL),
	    200);
	vault_tokens_set_time(f->c, T0 + 10);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, t, &b), 403);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(b, "errors"), 0)),
	    "permission denied");
	json_decref(b);
}

static void test_num_uses(void **state)
{
	struct fx *f = *state;
	char t[64];
	json_t *d;

	api_create(f, "auth/token/create", f->root, "{\"num_uses\":3}", t);
	d = lookup_data(f, t); /* use 1 */
	assert_int_equal(jint(d, "num_uses"), 3);
	json_decref(d);
	d = lookup_data(f, t); /* use 2 */
	assert_int_equal(jint(d, "num_uses"), 2);
	json_decref(d);
	d = lookup_data(f, t); /* use 3: the last, then revoked */
	json_decref(d);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, t, NULL),
	    403);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/create",
			      "{\"num_uses\":-1}", f->root, NULL),
			 400);
}

/* ---- hierarchy ---------------------------------------------------------- */

static int alive(struct fx *f, const char *t)
{
	json_t *e = NULL;
	int rc = vault_token_lookup(f->c, t, &e, NULL);

	json_decref(e);
	return rc == 0;
}

static void test_parent_child_revoke(void **state)
{
	struct fx *f = *state;
	char a[64], b[64], c[64], o[64];
	json_t *d;

	api_create(f, "auth/token/create", f->root, "{}", a);
	api_create(f, "auth/token/create", a, "{}", b);
	api_create(f, "auth/token/create", b, "{}", c);
	/* an orphan made by a (create-orphan needs only the path's ACL) */
	api_create(f, "auth/token/create-orphan", f->root, "{}", o);
	d = lookup_data(f, b);
	assert_false(json_is_true(json_object_get(d, "orphan")));
	json_decref(d);
	d = lookup_data(f, o);
	assert_true(json_is_true(json_object_get(d, "orphan")));
	assert_string_equal(json_string_value(json_object_get(d, "path")),
			    "auth/token/create-orphan");
	json_decref(d);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "auth/token/revoke-self", NULL, a, NULL),
	    204);
	assert_false(alive(f, a));
	assert_false(alive(f, b));
	assert_false(alive(f, c));
	assert_true(alive(f, o));
	assert_true(alive(f, f->root));
}

static void test_parent_expiry_kills_child(void **state)
{
	struct fx *f = *state;
	char a[64], b[64];

	api_create(f, "auth/token/create", f->root, "{\"ttl\":100}", a);
	api_create(f, "auth/token/create", a, "{\"ttl\":\"1h\"}", b);
	vault_tokens_set_time(f->c, T0 + 100);
	assert_false(alive(f, b)); /* its parent expired */
	assert_false(alive(f, a));
}

static void test_revoke_orphan(void **state)
{
	struct fx *f = *state;
	char a[64], b[64], d[64], body[128];
	json_t *l;

	api_create(f, "auth/token/create", f->root, "{}", a);
	api_create(f, "auth/token/create", a, "{}", b);
	api_create(f, "auth/token/create", f->root,
		   "{\"policies\":[\"default\"]}", d);
	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", a);
	/* sudo path: d (default policy only) cannot */
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "auth/token/revoke-orphan", body, d, NULL),
	    403);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/revoke-orphan",
			      body, f->root, NULL),
			 204);
	assert_false(alive(f, a));
	assert_true(alive(f, b));
	l = lookup_data(f, b);
	assert_true(json_is_true(json_object_get(l, "orphan")));
	json_decref(l);
}

static void test_accessor_lookup_and_revoke(void **state)
{
	struct fx *f = *state;
	char t[64], body[128];
	json_t *b = NULL, *d;
	const char *acc;

	api_create(f, "auth/token/create", f->root,
		   "{\"display_name\":\"Web App\",\"meta\":{\"team\":\"a\"}}",
		   t);
	d = lookup_data(f, t);
	acc = json_string_value(json_object_get(d, "accessor"));
	assert_non_null(acc);
	assert_string_equal(
	    json_string_value(json_object_get(d, "display_name")),
	    "token-web-app");
	snprintf(body, sizeof(body), "{\"accessor\":\"%s\"}", acc);
	json_decref(d);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/lookup-accessor",
			      body, f->root, &b),
			 200);
	d = json_object_get(b, "data");
	assert_string_equal(json_string_value(json_object_get(d, "id")), "");
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(d, "meta"), "team")),
			    "a");
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/revoke-accessor",
			      body, f->root, NULL),
			 204);
	assert_false(alive(f, t));
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/lookup-accessor",
			      body, f->root, NULL),
			 400);
}

static void test_lookup_renew_revoke_by_token(void **state)
{
	struct fx *f = *state;
	char t[64], body[160];
	json_t *b = NULL, *auth;

	api_create(f, "auth/token/create", f->root,
		   "{\"ttl\":\"1h\",\"explicit_max_ttl\":\"2h\"}", t);
	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", t);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "auth/token/lookup", body, f->root, &b),
	    200);
	assert_int_equal(jint(json_object_get(b, "data"), "explicit_max_ttl"),
			 7200);
	json_decref(b);
	vault_tokens_set_time(f->c, T0 + 3000);
	snprintf(body, sizeof(body), "{\"token\":\"%s\",\"increment\":\"3h\"}",
		 t);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "auth/token/renew", body, f->root, &b),
	    200);
	auth = json_object_get(b, "auth");
	assert_int_equal(jint(auth, "lease_duration"), 7200 - 3000);
	assert_string_equal(
	    json_string_value(json_object_get(auth, "client_token")), t);
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/renew-self",
			      "{\"increment\":600}", t, &b),
			 200);
	assert_int_equal(jint(json_object_get(b, "auth"), "lease_duration"),
			 600);
	json_decref(b);
	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", t);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "auth/token/revoke", body, f->root, NULL),
	    204);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "auth/token/lookup", body, f->root, NULL),
	    403);
}

/* Every stored value, decrypted, and every raw value: no token inside. */
static void scan(struct fx *f, const char *prefix, const char *needle, int *n)
{
	json_t *keys = NULL, *k;
	size_t i;

	assert_int_equal(vault_barrier_list(f->c->b, prefix, &keys, NULL), 0);
	json_array_foreach(keys, i, k)
	{
		char path[512];
		uint8_t *v = NULL;
		size_t len = 0;

		snprintf(path, sizeof(path), "%s%s", prefix,
			 json_string_value(k));
		if (path[strlen(path) - 1] == '/') {
			scan(f, path, needle, n);
			continue;
		}
		assert_null(strstr(path, needle));
		if (vault_barrier_get(f->c->b, path, &v, &len, NULL) == 0) {
			assert_null(memmem(v, len, needle, strlen(needle)));
			assert_null(
			    memmem(v, len, needle + 4, strlen(needle) - 4));
			(*n)++;
		}
		free(v);
	}
	json_decref(keys);
}

static void test_hashed_at_rest(void **state)
{
	struct fx *f = *state;
	char t[64];
	int n = 0;

	api_create(f, "auth/token/create", f->root, "{}", t);
	scan(f, "core/", f->root, &n);
	scan(f, "core/", t, &n);
	assert_true(n >= 6); /* keyring?, 2 tokens, accessors, link, policy */
}

/* ---- policies and enforcement ------------------------------------------- */

static void test_policy_endpoints(void **state)
{
	struct fx *f = *state;
	json_t *b = NULL;

	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/policies/acl/dev",
			      "{\"policy\":\"path \\\"secret/*\\\" { "
			      "capabilities = [\\\"read\\\"] }\"}",
			      f->root, NULL),
			 204);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "sys/policies/acl/DEV", NULL, f->root, &b),
	    200);
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(b, "data"), "name")),
			    "dev");
	assert_non_null(strstr(json_string_value(json_object_get(
				   json_object_get(b, "data"), "policy")),
			       "secret/*"));
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "sys/policy/dev", NULL, f->root, &b), 200);
	assert_non_null(json_object_get(json_object_get(b, "data"), "rules"));
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "sys/policy", NULL, f->root, &b), 200);
	assert_int_equal(json_array_size(json_object_get(
			     json_object_get(b, "data"), "policies")),
			 3); /* default, dev, root */
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_LIST, "sys/policies/acl", NULL, f->root, &b), 200);
	assert_string_equal(
	    json_string_value(json_array_get(
		json_object_get(json_object_get(b, "data"), "keys"), 0)),
	    "default");
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/policy/root",
			      "{\"policy\":\"\"}", f->root, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/policy/root",
			      "{\"policy\":\"path \\\"x\\\" {}\"}", f->root,
			      NULL),
			 400);
	assert_int_equal(
	    call(f, VAULT_OP_DELETE, "sys/policy/root", NULL, f->root, NULL),
	    400);
	assert_int_equal(call(f, VAULT_OP_DELETE, "sys/policies/acl/default",
			      NULL, f->root, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/policies/acl/bad",
			      "{\"policy\":\"path {\"}", f->root, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/policies/acl/a%2fb",
			      "{\"policy\":\"\"}", f->root, NULL),
			 400);
	assert_int_equal(
	    call(f, VAULT_OP_DELETE, "sys/policy/dev", NULL, f->root, NULL),
	    204);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "sys/policies/acl/dev", NULL, f->root, &b),
	    404);
	assert_int_equal(json_array_size(json_object_get(b, "errors")), 0);
	json_decref(b);
}

static void test_enforcement(void **state)
{
	struct fx *f = *state;
	char t[64], nd[64];

	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/policy/app",
			      "{\"policy\":\"path \\\"secret/data/app/*\\\" "
			      "{ capabilities = [\\\"read\\\", \\\"list\\\"] "
			      "}\\npath \\\"secret/data/app/locked\\\" { "
			      "capabilities = [\\\"deny\\\"] }\"}",
			      f->root, NULL),
			 204);
	api_create(f, "auth/token/create", f->root, "{\"policies\":[\"app\"]}",
		   t);
	/* allowed, no handler yet: 404; not allowed: 403 */
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/data/app/db", NULL, t, NULL), 404);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "secret/data/app/db", "{}", t, NULL), 403);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/data/app/locked", NULL, t, NULL),
	    403);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/data/other", NULL, t, NULL), 403);
	assert_int_equal(call(f, VAULT_OP_READ, "sys/policy", NULL, t, NULL),
			 403);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/policy/app",
			      "{\"policy\":\"\"}", t, NULL),
			 403);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/seal", NULL, t, NULL),
			 403);
	/* LIST "a/" may use a rule for "a" (Vault's fallback), not READ */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/policy/lister",
			      "{\"policy\":\"path \\\"kv/dir\\\" { "
			      "capabilities = [\\\"list\\\"] }\"}",
			      f->root, NULL),
			 204);
	{
		char l[64];

		api_create(f, "auth/token/create", f->root,
			   "{\"policies\":[\"lister\"]}", l);
		assert_int_equal(
		    call(f, VAULT_OP_LIST, "kv/dir/", NULL, l, NULL), 404);
		assert_int_equal(
		    call(f, VAULT_OP_READ, "kv/dir/", NULL, l, NULL), 403);
	}
	/* the default policy: self lookup */
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, t, NULL),
	    200);
	api_create(f, "auth/token/create", f->root,
		   "{\"policies\":\"app\",\"no_default_policy\":true}", nd);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, nd, NULL),
	    403);
	/* the cached ACL follows a policy change */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/policy/app",
			      "{\"policy\":\"path \\\"secret/*\\\" { "
			      "capabilities = [\\\"create\\\"] }\"}",
			      f->root, NULL),
			 204);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/data/app/db", NULL, t, NULL), 403);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/data/app/db",
			      "{\"data\":{\"k\":\"v\"}}", t, NULL),
			 200); /* create is enough for a write (KV v2) */
	/* a policy deleted: its grants are gone */
	assert_int_equal(
	    call(f, VAULT_OP_DELETE, "sys/policy/app", NULL, f->root, NULL),
	    204);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "secret/data/app/db", "{}", t, NULL), 403);
}

static void test_create_rules(void **state)
{
	struct fx *f = *state;
	char t[64], u[64];
	json_t *b = NULL, *auth;

	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/policy/maker",
			      "{\"policy\":\"path \\\"auth/token/create\\\" "
			      "{ capabilities = [\\\"update\\\"] }\"}",
			      f->root, NULL),
			 204);
	api_create(f, "auth/token/create", f->root,
		   "{\"policies\":[\"maker\"]}", t);
	/* subset of the parent's policies only */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/create",
			      "{\"policies\":[\"other\"]}", t, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/create",
			      "{\"policies\":[\"root\"]}", t, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/create",
			      "{\"no_parent\":true}", t, NULL),
			 403);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/create",
			      "{\"period\":\"1h\"}", t, NULL),
			 400);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "auth/token/create-orphan", "{}", t, NULL),
	    403); /* no ACL on that path */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/create",
			      "{\"id\":\"hvs.mine\"}", f->root, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/create",
			      "{\"ttl\":\"soon\"}", f->root, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/create",
			      "{\"meta\":{\"a\":1}}", f->root, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/create",
			      "{\"policies\":[\"maker\",\"default\"]}", t, &b),
			 200);
	auth = json_object_get(b, "auth");
	assert_int_equal(json_array_size(json_object_get(auth, "policies")), 2);
	assert_int_equal(jint(auth, "lease_duration"), 768 * 3600);
	assert_true(json_is_true(json_object_get(auth, "renewable")));
	assert_false(json_is_true(json_object_get(auth, "orphan")));
	assert_string_equal(
	    json_string_value(json_object_get(auth, "token_type")), "service");
	assert_true(json_is_null(json_object_get(b, "data")));
	json_decref(b);
	/* root's child with no policies: root, no expiry */
	api_create(f, "auth/token/create", f->root, "{}", u);
	{
		json_t *d = lookup_data(f, u);

		assert_int_equal(jint(d, "ttl"), 0);
		assert_true(json_is_null(json_object_get(d, "expire_time")));
		assert_string_equal(json_string_value(json_array_get(
					json_object_get(d, "policies"), 0)),
				    "root");
		json_decref(d);
	}
}

static void test_rate_limit(void **state)
{
	struct fx *f = *state;
	json_t *b = NULL;
	char addr[32];

	vault_rate_configure(f->c, 3, 0.001);
	for (int i = 0; i < 3; i++)
		assert_int_equal(call_from(f, VAULT_OP_UPDATE,
					   "auth/token/create", "{}", f->root,
					   "10.0.0.1", NULL),
				 200);
	assert_int_equal(call_from(f, VAULT_OP_UPDATE, "auth/token/create",
				   "{}", f->root, "10.0.0.1", &b),
			 429);
	assert_non_null(strstr(
	    json_string_value(json_array_get(json_object_get(b, "errors"), 0)),
	    "rate limit quota exceeded"));
	json_decref(b);
	/* a login path of any method is limited too, before the 404 */
	assert_int_equal(call_from(f, VAULT_OP_UPDATE, "auth/approle/login",
				   "{}", NULL, "10.0.0.1", NULL),
			 429);
	/* other clients and other paths are not */
	assert_int_equal(call_from(f, VAULT_OP_UPDATE, "auth/token/create",
				   "{}", f->root, "10.0.0.2", NULL),
			 200);
	assert_int_equal(call_from(f, VAULT_OP_READ, "auth/token/lookup-self",
				   NULL, f->root, "10.0.0.1", NULL),
			 200);
	/* many clients: the table stays fixed (evicts the oldest) */
	for (int i = 0; i < 3 * VAULT_RATE_SLOTS; i++) {
		snprintf(addr, sizeof(addr), "10.1.%d.%d", i / 256, i % 256);
		assert_int_equal(vault_rate_allow(f->c, addr), 1);
	}
}

static void test_durations(void **state)
{
	struct {
		const char *s;
		int64_t want;
	} ok[] = {{"90", 90},	  {"90s", 90},	 {"15m", 900}, {"1h30m", 5400},
		  {"2d", 172800}, {"1500ms", 1}, {"", 0}};
	const char *bad[] = {"x", "1y", "-5", "1h-", "h", "99999999999999999"};
	int64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		json_t *j = json_string(ok[i].s);

		assert_int_equal(vault_duration_parse(j, &v), 0);
		assert_int_equal(v, ok[i].want);
		json_decref(j);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *j = json_string(bad[i]);

		assert_int_equal(vault_duration_parse(j, &v), -EINVAL);
		json_decref(j);
	}
	{
		json_t *j = json_integer(42);

		assert_int_equal(vault_duration_parse(j, &v), 0);
		assert_int_equal(v, 42);
		json_decref(j);
	}
}

/* ---- tidy ---------------------------------------------------------------- */

/* Keys under prefix (one level). */
static size_t count_keys(struct fx *f, const char *prefix)
{
	json_t *keys = NULL;
	size_t n;

	assert_int_equal(vault_barrier_list(f->c->b, prefix, &keys, NULL), 0);
	n = json_array_size(keys);
	json_decref(keys);
	return n;
}

static int key_present(struct fx *f, const char *prefix, const char *hash)
{
	char key[256];
	uint8_t *v = NULL;
	size_t n = 0;
	int rc;

	snprintf(key, sizeof(key), "%s%s", prefix, hash);
	rc = vault_barrier_get(f->c->b, key, &v, &n, NULL);
	free(v);
	assert_true(rc == 0 || rc == -ENOENT);
	return rc == 0;
}

static void hash_of_token(const char *token, char out[65])
{
	vault_token_hash(token, out);
}

static void acc_hash(json_t *e, char out[65])
{
	vault_token_hash(json_string_value(json_object_get(e, "accessor")),
			 out);
}

/* A token in the store with ttl, child of parent_hash (NULL: orphan). */
static void direct_child(struct fx *f, int64_t ttl, const char *parent_hash,
			 char token[64], char hash[65], json_t **e)
{
	json_t *pol = json_pack("[s]", "default");
	struct vault_token_params p = {
	    .policies = pol, .ttl = ttl, .parent_hash = parent_hash};

	assert_int_equal(vault_token_create(f->c, &p, token, e, NULL), 0);
	hash_of_token(token, hash);
	json_decref(pol);
}

static void test_tidy_expired_and_children(void **state)
{
	struct fx *f = *state;
	char ta[64], tk[64], tl[64], tr[64], ha[65], hk[65], hl[65], hr[65];
	char aa[65], ak[65], link[200];
	json_t *ea = NULL, *ek = NULL, *el = NULL, *er = NULL, *x = NULL;
	struct vault_tidy_stats st = {0};
	size_t ids = count_keys(f, VAULT_TOKEN_ID_PREFIX);

	direct_child(f, 10, NULL, ta, ha, &ea);	  /* expires at T0+10 */
	direct_child(f, 1000, ha, tk, hk, &ek);	  /* its child, long TTL */
	direct_child(f, 1000, NULL, tl, hl, &el); /* live orphan */
	direct_child(f, 10, NULL, tr, hr, &er);	  /* renewed below */
	acc_hash(ea, aa);
	acc_hash(ek, ak);
	vault_tokens_set_time(f->c, T0 + 5);
	assert_int_equal(vault_token_renew(f->c, hr, 3600, &x, NULL), 0);
	json_decref(x);
	assert_int_equal(count_keys(f, VAULT_TOKEN_ID_PREFIX), ids + 4);

	/* nothing is dead yet: a sweep removes nothing */
	assert_int_equal(vault_tidy_run(f->c, VAULT_TIDY_ALL, &st, NULL), 0);
	assert_int_equal(st.tokens_revoked, 0);
	assert_int_equal(count_keys(f, VAULT_TOKEN_ID_PREFIX), ids + 4);

	vault_tokens_set_time(f->c, T0 + 50);
	memset(&st, 0, sizeof(st));
	assert_int_equal(vault_tidy_run(f->c, VAULT_TIDY_TOKENS, &st, NULL), 0);
	assert_true(st.tokens_revoked >= 1);
	assert_int_equal(st.errors, 0);
	/* the expired token, its child, their accessors and the link: gone */
	assert_false(key_present(f, VAULT_TOKEN_ID_PREFIX, ha));
	assert_false(key_present(f, VAULT_TOKEN_ID_PREFIX, hk));
	assert_false(key_present(f, VAULT_TOKEN_ACCESSOR_PREFIX, aa));
	assert_false(key_present(f, VAULT_TOKEN_ACCESSOR_PREFIX, ak));
	snprintf(link, sizeof(link), "%s/%s", ha, hk);
	assert_false(key_present(f, VAULT_TOKEN_PARENT_PREFIX, link));
	/* the live one and the renewed one stay, and still work */
	assert_true(key_present(f, VAULT_TOKEN_ID_PREFIX, hl));
	assert_true(key_present(f, VAULT_TOKEN_ID_PREFIX, hr));
	assert_int_equal(count_keys(f, VAULT_TOKEN_ID_PREFIX), ids + 2);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, tr, NULL),
	    200);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, tl, NULL),
	    200);
	assert_int_equal(call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL,
			      f->root, NULL),
			 200);
	json_decref(ea);
	json_decref(ek);
	json_decref(el);
	json_decref(er);
}

/* A renewal between the sweep's unlocked look and its locked re-check
 * keeps the token: vault_token_reap decides on what it reads under
 * tok_mu. */
static void test_tidy_reap_rechecks(void **state)
{
	struct fx *f = *state;
	char t[64], h[65];
	json_t *e = NULL, *x = NULL;

	direct_child(f, 10, NULL, t, h, &e);
	vault_tokens_set_time(f->c, T0 + 20);
	assert_int_equal(vault_token_is_dead(f->c, h, NULL), 1);
	/* the renewal lands (as if before expiry: the clock goes back) */
	vault_tokens_set_time(f->c, T0 + 9);
	assert_int_equal(vault_token_renew(f->c, h, 100, &x, NULL), 0);
	json_decref(x);
	vault_tokens_set_time(f->c, T0 + 20);
	assert_int_equal(vault_token_reap(f->c, h, NULL), 0);
	assert_true(key_present(f, VAULT_TOKEN_ID_PREFIX, h));
	vault_tokens_set_time(f->c, T0 + 200);
	assert_int_equal(vault_token_reap(f->c, h, NULL), 1);
	assert_false(key_present(f, VAULT_TOKEN_ID_PREFIX, h));
	assert_int_equal(vault_token_reap(f->c, h, NULL), 0); /* gone */
	json_decref(e);
}

/* What a crash between writes can leave: an accessor entry or a parent
 * link whose token is gone, a child whose parent entry is gone. */
static void test_tidy_dangling_indexes(void **state)
{
	struct fx *f = *state;
	char tp[64], tc[64], tq[64], tk[64], hp[65], hc[65], hq[65], hk[65];
	char ac[65], key[300], link[200];
	json_t *ep = NULL, *ec = NULL, *eq = NULL, *ek = NULL;
	struct vault_tidy_stats st = {0};

	direct_child(f, 1000, NULL, tp, hp, &ep); /* parent, alive */
	direct_child(f, 1000, hp, tc, hc, &ec);	  /* child: entry lost */
	direct_child(f, 1000, NULL, tq, hq, &eq); /* parent: entry lost */
	direct_child(f, 1000, hq, tk, hk, &ek);	  /* its child */
	acc_hash(ec, ac);
	snprintf(key, sizeof(key), "%s%s", VAULT_TOKEN_ID_PREFIX, hc);
	assert_int_equal(vault_barrier_delete(f->c->b, key, NULL), 0);
	snprintf(key, sizeof(key), "%s%s", VAULT_TOKEN_ID_PREFIX, hq);
	assert_int_equal(vault_barrier_delete(f->c->b, key, NULL), 0);

	assert_int_equal(vault_tidy_run(f->c, VAULT_TIDY_TOKENS, &st, NULL), 0);
	assert_int_equal(st.errors, 0);
	assert_false(key_present(f, VAULT_TOKEN_ACCESSOR_PREFIX, ac));
	snprintf(link, sizeof(link), "%s/%s", hp, hc);
	assert_false(key_present(f, VAULT_TOKEN_PARENT_PREFIX, link));
	/* the orphaned child is dead (its ancestor is gone): revoked */
	assert_false(key_present(f, VAULT_TOKEN_ID_PREFIX, hk));
	snprintf(link, sizeof(link), "%s/%s", hq, hk);
	assert_false(key_present(f, VAULT_TOKEN_PARENT_PREFIX, link));
	assert_true(st.tokens_revoked >= 1);
	assert_true(st.accessors_deleted >= 2); /* c's and q's */
	/* the live parent is untouched */
	assert_true(key_present(f, VAULT_TOKEN_ID_PREFIX, hp));
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, tp, NULL),
	    200);
	json_decref(ep);
	json_decref(ec);
	json_decref(eq);
	json_decref(ek);
}

static void test_tidy_endpoint(void **state)
{
	struct fx *f = *state;
	char t[64], h[65], weak[64];
	json_t *e = NULL, *b = NULL;

	direct_child(f, 10, NULL, t, h, &e);
	vault_tokens_set_time(f->c, T0 + 50);
	/* no sweeper: the sweep runs before the answer */
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "auth/token/tidy", NULL, f->root, &b),
	    202);
	assert_true(json_is_null(json_object_get(b, "data")));
	assert_string_equal(
	    json_string_value(
		json_array_get(json_object_get(b, "warnings"), 0)),
	    "Tidy operation successfully started. Any information from the "
	    "operation will be printed to Vault's server logs.");
	json_decref(b);
	assert_false(key_present(f, VAULT_TOKEN_ID_PREFIX, h));
	/* needs update on the path: the default policy does not grant it */
	api_create(f, "auth/token/create", f->root,
		   "{\"policies\": [\"default\"]}", weak);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "auth/token/tidy", NULL, weak, NULL), 403);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/tidy", NULL, f->root, NULL),
	    405);
	json_decref(e);
}

static void test_tidy_sweeper(void **state)
{
	struct fx *f = *state;
	char t[64], h[65];
	json_t *e = NULL, *b = NULL;
	struct vault_tidy *tw = NULL;
	struct vault_tidy_stats st;
	struct timespec a, z;

	/* interval 0: sweeps only when asked */
	assert_int_equal(vault_tidy_start(f->c, 0, NULL, NULL, &tw, NULL), 0);
	assert_int_equal(vault_tidy_start(f->c, 0, NULL, NULL, &tw, NULL),
			 -EBUSY);
	direct_child(f, 10, NULL, t, h, &e);
	vault_tokens_set_time(f->c, T0 + 50);
	/* the sweep blocks on tok_mu while the test holds it, so a second
	 * request finds one under way or pending */
	pthread_mutex_lock(&f->c->tokens->tok_mu);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "auth/token/tidy", NULL, f->root, NULL),
	    202);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "auth/token/tidy", NULL, f->root, &b),
	    200);
	assert_string_equal(json_string_value(json_array_get(
				json_object_get(b, "warnings"), 0)),
			    "Tidy operation already in progress.");
	json_decref(b);
	pthread_mutex_unlock(&f->c->tokens->tok_mu);
	assert_true(vault_tidy_wait(tw, 1, 5000, &st) >= 1);
	assert_int_equal(st.tokens_revoked, 1);
	assert_false(key_present(f, VAULT_TOKEN_ID_PREFIX, h));
	vault_tidy_stop(tw);
	assert_null(f->c->tidy);
	json_decref(e);

	/* periodic: every second */
	direct_child(f, 10, NULL, t, h, &e);
	vault_tokens_set_time(f->c, T0 + 100);
	assert_int_equal(vault_tidy_start(f->c, 1, NULL, NULL, &tw, NULL), 0);
	assert_true(vault_tidy_wait(tw, 1, 5000, &st) >= 1);
	assert_false(key_present(f, VAULT_TOKEN_ID_PREFIX, h));
	/* sealed: the ticks do nothing, and stop is immediate */
	vault_core_seal(f->c);
	clock_gettime(CLOCK_MONOTONIC, &a);
	vault_tidy_stop(tw);
	clock_gettime(CLOCK_MONOTONIC, &z);
	assert_true(z.tv_sec - a.tv_sec < 1 ||
		    (z.tv_sec - a.tv_sec == 1 && z.tv_nsec < a.tv_nsec));
	assert_int_equal(vault_tidy_run(f->c, VAULT_TIDY_ALL, NULL, NULL),
			 -EACCES);
	json_decref(e);

	/* a long interval: stop does not wait for it */
	assert_int_equal(vault_tidy_start(f->c, 3600, NULL, NULL, &tw, NULL),
			 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	vault_tidy_stop(tw);
	clock_gettime(CLOCK_MONOTONIC, &z);
	assert_true(z.tv_sec - a.tv_sec <= 1);
}

static void test_sealed_and_restart(void **state)
{
	struct fx *f = *state;
	json_t *e = NULL;

	vault_core_seal(f->c);
	assert_int_equal(vault_token_lookup(f->c, f->root, &e, NULL), -EACCES);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "auth/token/create", "{}", f->root, NULL),
	    503);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ttl_default_and_caps, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_ttl_lookup_counts_down,
					    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_renew_capped_by_max, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_renew_periodic_and_root,
					    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_expired_rejected, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_num_uses, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_parent_child_revoke, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_parent_expiry_kills_child,
					    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_revoke_orphan, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_accessor_lookup_and_revoke,
					    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_lookup_renew_revoke_by_token,
					    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_hashed_at_rest, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_policy_endpoints, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_enforcement, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_create_rules, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_rate_limit, fx_setup,
					    fx_teardown),
	    cmocka_unit_test(test_durations),
	    cmocka_unit_test_setup_teardown(test_tidy_expired_and_children,
					    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_tidy_reap_rechecks, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_tidy_dangling_indexes,
					    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_tidy_endpoint, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_tidy_sweeper, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_sealed_and_restart, fx_setup,
					    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
