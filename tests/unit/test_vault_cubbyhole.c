/* test_vault_cubbyhole.c - the cubbyhole secrets engine through vault_handle
 * with an in-memory core: write / read / list / delete in the Vault
 * envelope; two tokens (and root) cannot see each other's cubbyhole;
 * revoking a token, its parent, its expiry or its last use removes every
 * storage key of its cubbyhole; list folder semantics; bad requests; the
 * cubbyhole/ mount in sys/mounts, sys/mounts/cubbyhole (cannot be
 * disabled, tuned or mounted again) and sys/internal/ui/mounts; ACL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault/token_int.h"
#include "vault_fixture.h"

static const char *sval(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Reads path with token: status; *v = data[field] when 200. */
static int read_field(struct fx *f, const char *path, const char *token,
		      const char *field, char v[64])
{
	json_t *b = NULL;
	int st = call(f, VAULT_OP_READ, path, NULL, token, &b);

	if (st == 200)
		snprintf(v, 64, "%s", sval(json_object_get(b, "data"), field));
	json_decref(b);
	return st;
}

/* Storage keys (recursively) under the token's cubbyhole prefix. */
static size_t stored_keys(struct fx *f, const char *token)
{
	char hash[65], prefix[128];
	json_t *keys = NULL;
	size_t n;

	vault_token_hash(token, hash);
	snprintf(prefix, sizeof(prefix), "cubbyhole/%s/", hash);
	assert_int_equal(vault_barrier_list(f->c->b, prefix, &keys, NULL), 0);
	n = json_array_size(keys);
	json_decref(keys);
	return n;
}

static void test_write_read_list_delete(void **state)
{
	struct fx *f = *state;
	json_t *b = NULL, *d;
	char v[64];

	assert_int_equal(call(f, VAULT_OP_UPDATE, "cubbyhole/app/db",
			      "{\"password\":\"s3cr3t\",\"n\":3}", f->root, &b),
			 204);
	assert_null(b);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "cubbyhole/app/db", NULL, f->root, &b), 200);
	d = json_object_get(b, "data");
	assert_string_equal(sval(d, "password"), "s3cr3t");
	assert_int_equal(json_integer_value(json_object_get(d, "n")), 3);
	assert_int_equal(json_object_size(d), 2); /* as written, no metadata */
	assert_string_equal(sval(b, "mount_type"), "cubbyhole");
	assert_int_equal(
	    json_integer_value(json_object_get(b, "lease_duration")), 0);
	assert_false(json_is_true(json_object_get(b, "renewable")));
	assert_string_equal(sval(b, "lease_id"), "");
	json_decref(b);
	/* a write replaces the whole value */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "cubbyhole/app/db",
			      "{\"password\":\"n3w\"}", f->root, NULL),
			 204);
	assert_int_equal(
	    read_field(f, "cubbyhole/app/db", f->root, "password", v), 200);
	assert_string_equal(v, "n3w");
	assert_int_equal(
	    call(f, VAULT_OP_DELETE, "cubbyhole/app/db", NULL, f->root, NULL),
	    204);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "cubbyhole/app/db", NULL, f->root, &b), 404);
	assert_int_equal(json_array_size(json_object_get(b, "errors")), 0);
	json_decref(b);
	/* deleting what is not there is fine */
	assert_int_equal(
	    call(f, VAULT_OP_DELETE, "cubbyhole/app/db", NULL, f->root, NULL),
	    204);
}

static void test_list_folders(void **state)
{
	struct fx *f = *state;
	json_t *b = NULL, *k;

	assert_int_equal(
	    call(f, VAULT_OP_LIST, "cubbyhole/", NULL, f->root, NULL),
	    404); /* empty */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "cubbyhole/a/x", "{\"v\":1}",
			      f->root, NULL),
			 204);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "cubbyhole/a/b/y",
			      "{\"v\":1}", f->root, NULL),
			 204);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "cubbyhole/top", "{\"v\":1}",
			      f->root, NULL),
			 204);
	assert_int_equal(
	    call(f, VAULT_OP_LIST, "cubbyhole/", NULL, f->root, &b), 200);
	k = json_object_get(json_object_get(b, "data"), "keys");
	assert_int_equal(json_array_size(k), 2);
	assert_string_equal(json_string_value(json_array_get(k, 0)), "a/");
	assert_string_equal(json_string_value(json_array_get(k, 1)), "top");
	json_decref(b);
	/* "a" and "a/" list the same folder; "cubbyhole" is the root */
	for (const char *const *p =
		 (const char *const[]){"cubbyhole/a", "cubbyhole/a/", NULL};
	     *p; p++) {
		assert_int_equal(call(f, VAULT_OP_LIST, *p, NULL, f->root, &b),
				 200);
		k = json_object_get(json_object_get(b, "data"), "keys");
		assert_int_equal(json_array_size(k), 2);
		assert_string_equal(json_string_value(json_array_get(k, 0)),
				    "b/");
		assert_string_equal(json_string_value(json_array_get(k, 1)),
				    "x");
		json_decref(b);
	}
	assert_int_equal(call(f, VAULT_OP_LIST, "cubbyhole", NULL, f->root, &b),
			 200);
	assert_int_equal(json_array_size(json_object_get(
			     json_object_get(b, "data"), "keys")),
			 2);
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_LIST, "cubbyhole/nothing/", NULL, f->root, NULL),
	    404);
	/* a folder is not a value */
	assert_int_equal(
	    call(f, VAULT_OP_READ, "cubbyhole/a/", NULL, f->root, NULL), 404);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "cubbyhole/a", NULL, f->root, NULL), 404);
}

static void test_tokens_isolated(void **state)
{
	struct fx *f = *state;
	char a[64], b2[64], v[64];
	json_t *b = NULL;

	api_create(f, "auth/token/create", f->root,
		   "{\"policies\":[\"default\"]}", a);
	api_create(f, "auth/token/create", f->root,
		   "{\"policies\":[\"default\"]}", b2);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "cubbyhole/shared",
			      "{\"owner\":\"a\"}", a, NULL),
			 204);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "cubbyhole/shared",
			      "{\"owner\":\"b\"}", b2, NULL),
			 204);
	assert_int_equal(read_field(f, "cubbyhole/shared", a, "owner", v), 200);
	assert_string_equal(v, "a");
	assert_int_equal(read_field(f, "cubbyhole/shared", b2, "owner", v),
			 200);
	assert_string_equal(v, "b");
	/* root, the parent of both, sees neither */
	assert_int_equal(
	    call(f, VAULT_OP_READ, "cubbyhole/shared", NULL, f->root, NULL),
	    404);
	assert_int_equal(
	    call(f, VAULT_OP_LIST, "cubbyhole/", NULL, f->root, NULL), 404);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "cubbyhole/only-a",
			      "{\"x\":\"1\"}", a, NULL),
			 204);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "cubbyhole/only-a", NULL, b2, NULL), 404);
	assert_int_equal(call(f, VAULT_OP_LIST, "cubbyhole/", NULL, b2, &b),
			 200);
	assert_int_equal(json_array_size(json_object_get(
			     json_object_get(b, "data"), "keys")),
			 1); /* "shared" only */
	json_decref(b);
	/* b deleting its own "shared" leaves a's */
	assert_int_equal(
	    call(f, VAULT_OP_DELETE, "cubbyhole/shared", NULL, b2, NULL), 204);
	assert_int_equal(read_field(f, "cubbyhole/shared", a, "owner", v), 200);
	assert_string_equal(v, "a");
}

static void test_revoke_purges(void **state)
{
	struct fx *f = *state;
	char a[64], keep[64], body[128];

	api_create(f, "auth/token/create", f->root,
		   "{\"policies\":[\"default\"]}", a);
	api_create(f, "auth/token/create", f->root,
		   "{\"policies\":[\"default\"]}", keep);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "cubbyhole/x", "{\"v\":1}", a, NULL), 204);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "cubbyhole/deep/er/y",
			      "{\"v\":1}", a, NULL),
			 204);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "cubbyhole/x", "{\"v\":2}", keep, NULL),
	    204);
	assert_int_equal(stored_keys(f, a), 2); /* "deep/", "x" */
	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", a);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "auth/token/revoke", body, f->root, NULL),
	    204);
	assert_int_equal(stored_keys(f, a), 0);
	assert_int_equal(stored_keys(f, keep), 1); /* others untouched */
	assert_int_equal(call(f, VAULT_OP_READ, "cubbyhole/x", NULL, a, NULL),
			 403);
	/* revoke-self too */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "auth/token/revoke-self",
			      NULL, keep, NULL),
			 204);
	assert_int_equal(stored_keys(f, keep), 0);
}

static void test_parent_revoke_and_expiry_purge(void **state)
{
	struct fx *f = *state;
	char parent[64], child[64], brief[64], body[128];

	api_create(f, "auth/token/create", f->root, "{\"policies\":[\"root\"]}",
		   parent);
	api_create(f, "auth/token/create", parent,
		   "{\"policies\":[\"default\"]}", child);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "cubbyhole/c", "{\"v\":1}", child, NULL),
	    204);
	/* the parent, root policy and all, cannot read it */
	assert_int_equal(
	    call(f, VAULT_OP_READ, "cubbyhole/c", NULL, parent, NULL), 404);
	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", parent);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "auth/token/revoke", body, f->root, NULL),
	    204);
	assert_int_equal(stored_keys(f, child), 0);
	/* an expired token's cubbyhole goes when it is reaped */
	api_create(f, "auth/token/create", f->root,
		   "{\"policies\":[\"default\"],\"ttl\":\"60s\"}", brief);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "cubbyhole/b", "{\"v\":1}", brief, NULL),
	    204);
	assert_int_equal(stored_keys(f, brief), 1);
	vault_tokens_set_time(f->c, T0 + 61);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "cubbyhole/b", NULL, brief, NULL), 403);
	assert_int_equal(stored_keys(f, brief), 0);
	vault_tokens_set_time(f->c, T0);
}

static void test_last_use_leaves_nothing(void **state)
{
	struct fx *f = *state;
	char once[64], twice[64], v[64];

	/* the write is the token's only use: it is revoked, and nothing of
	 * what it wrote may outlive it */
	api_create(f, "auth/token/create", f->root,
		   "{\"policies\":[\"default\"],\"num_uses\":1}", once);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "cubbyhole/x", "{\"v\":1}", once, NULL),
	    204);
	assert_int_equal(stored_keys(f, once), 0);
	api_create(f, "auth/token/create", f->root,
		   "{\"policies\":[\"default\"],\"num_uses\":3}", twice);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "cubbyhole/x",
			      "{\"v\":\"2\"}", twice, NULL),
			 204);
	assert_int_equal(read_field(f, "cubbyhole/x", twice, "v", v), 200);
	assert_string_equal(v, "2");
	assert_int_equal(stored_keys(f, twice), 1);
	/* the last use still sees its cubbyhole (Vault answers, then
	 * revokes); afterwards the token and its cubbyhole are gone */
	assert_int_equal(read_field(f, "cubbyhole/x", twice, "v", v), 200);
	assert_string_equal(v, "2");
	assert_int_equal(stored_keys(f, twice), 0);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "cubbyhole/x", NULL, twice, NULL), 403);
}

static void test_bad_requests(void **state)
{
	struct fx *f = *state;
	json_t *b = NULL;
	char longp[1100];

	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "cubbyhole/x", "{}", f->root, &b), 400);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(b, "errors"), 0)),
	    "missing data fields");
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "cubbyhole/x", NULL, f->root, NULL), 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "cubbyhole/dir/", "{\"v\":1}",
			      f->root, NULL),
			 400);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "cubbyhole", "{\"v\":1}", f->root, NULL),
	    400);
	assert_int_equal(
	    call(f, VAULT_OP_PATCH, "cubbyhole/x", "{\"v\":1}", f->root, NULL),
	    405);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "cubbyhole/x", "[1]", f->root, NULL), 400);
	assert_int_equal(call(f, VAULT_OP_READ, "cubbyhole/../sys/mounts", NULL,
			      f->root, NULL),
			 400);
	/* "cubbyholes/x" is not the cubbyhole */
	assert_int_equal(
	    call(f, VAULT_OP_READ, "cubbyholes/x", NULL, f->root, NULL), 404);
	memset(longp, 'a', sizeof(longp) - 1);
	memcpy(longp, "cubbyhole/", 10);
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, longp, "{\"v\":1}", f->root, NULL),
	    400); /* over VAULT_MAX_PATH */
	/* no token: 403 before anything */
	assert_int_equal(call(f, VAULT_OP_READ, "cubbyhole/x", NULL, "", NULL),
			 403);
}

static void test_acl(void **state)
{
	struct fx *f = *state;
	char ro[64];

	/* a token without the default policy has no cubbyhole rights */
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/policy/kvonly",
		 "{\"policy\":\"path \\\"secret/*\\\" { capabilities = "
		 "[\\\"read\\\"] }\"}",
		 f->root, NULL),
	    204);
	api_create(f, "auth/token/create", f->root,
		   "{\"policies\":[\"kvonly\"],\"no_default_policy\":true}",
		   ro);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "cubbyhole/x", "{\"v\":1}", ro, NULL),
	    403);
	assert_int_equal(call(f, VAULT_OP_READ, "cubbyhole/x", NULL, ro, NULL),
			 403);
	assert_int_equal(stored_keys(f, ro), 0);
}

static void test_mount_listed_and_protected(void **state)
{
	struct fx *f = *state;
	json_t *b = NULL, *e;
	char acc[64];

	assert_int_equal(
	    call(f, VAULT_OP_READ, "sys/mounts", NULL, f->root, &b), 200);
	e = json_object_get(json_object_get(b, "data"), "cubbyhole/");
	assert_non_null(e);
	assert_string_equal(sval(e, "type"), "cubbyhole");
	assert_string_equal(sval(e, "description"),
			    "per-token private secret storage");
	assert_true(json_is_true(json_object_get(e, "local")));
	assert_int_equal(strncmp(sval(e, "accessor"), "cubbyhole_", 10), 0);
	assert_int_equal(strlen(sval(e, "uuid")), 36);
	snprintf(acc, sizeof(acc), "%s", sval(e, "accessor"));
	assert_non_null(json_object_get(json_object_get(b, "data"), "secret/"));
	json_decref(b);
	/* the same accessor every time */
	assert_int_equal(
	    call(f, VAULT_OP_READ, "sys/mounts/cubbyhole", NULL, f->root, &b),
	    200);
	assert_string_equal(sval(json_object_get(b, "data"), "accessor"), acc);
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_READ,
			      "sys/internal/ui/mounts/"
			      "cubbyhole/some/thing",
			      NULL, f->root, &b),
			 200);
	assert_string_equal(sval(json_object_get(b, "data"), "path"),
			    "cubbyhole/");
	assert_string_equal(sval(json_object_get(b, "data"), "type"),
			    "cubbyhole");
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_READ, "sys/mounts/cubbyhole/tune",
			      NULL, f->root, NULL),
			 200);
	/* cannot be disabled, tuned, moved over or mounted again */
	assert_int_equal(
	    call(f, VAULT_OP_DELETE, "sys/mounts/cubbyhole", NULL, f->root, &b),
	    400);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(b, "errors"), 0)),
	    "cannot unmount \"cubbyhole/\"");
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/mounts/cubbyhole/tune",
			      "{\"description\":\"x\"}", f->root, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/mounts/cubbyhole",
			      "{\"type\":\"kv\"}", f->root, &b),
			 403);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(b, "errors"), 0)),
	    "cannot mount \"cubbyhole/\"");
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/mounts/cubbyhole/sub",
			      "{\"type\":\"kv\"}", f->root, NULL),
			 403);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/mounts/cubby2",
			      "{\"type\":\"cubbyhole\"}", f->root, &b),
			 403);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(b, "errors"), 0)),
	    "mount type of \"cubbyhole\" is not mountable");
	json_decref(b);
	/* still there and working after all that */
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "cubbyhole/x", "{\"v\":1}", f->root, NULL),
	    204);
	/* other mounts are unaffected */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/mounts/kv1",
			      "{\"type\":\"kv\"}", f->root, NULL),
			 204);
	assert_int_equal(
	    call(f, VAULT_OP_DELETE, "sys/mounts/kv1", NULL, f->root, NULL),
	    204);
}

static void test_sealed(void **state)
{
	struct fx *f = *state;

	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "cubbyhole/x", "{\"v\":1}", f->root, NULL),
	    204);
	vault_core_seal(f->c);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "cubbyhole/x", NULL, f->root, NULL), 503);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "sys/mounts", NULL, f->root, NULL), 503);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_write_read_list_delete,
					    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_list_folders, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_tokens_isolated, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_revoke_purges, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_parent_revoke_and_expiry_purge,
					    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_last_use_leaves_nothing,
					    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_requests, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_acl, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_mount_listed_and_protected,
					    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_sealed, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
