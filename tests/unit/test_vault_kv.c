/* test_vault_kv.c - the mount table and the KV secrets engines through
 * vault_handle with an in-memory core: KV v2 versions, reads of old
 * versions, check-and-set, soft delete / undelete / destroy, metadata,
 * max_versions pruning, subkeys, PATCH (JSON merge patch), folder lists;
 * sys/mounts enable / list / tune / disable; a KV v1 mount; 404s. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault/vault.h"
#include "vault_fixture.h"

static int call_full(struct fx *f, enum vault_op op, const char *path,
		     const char *body, const char *ctype, const char *qk,
		     const char *qv, json_t **out)
{
	struct vault_request q = {.op = op,
				  .raw_path = path,
				  .body = body,
				  .token = f->root,
				  .content_type = ctype};

	if (qk) {
		q.nquery = 1;
		q.query[0].key = qk;
		q.query[0].value = qv;
	}
	return call_req(f, &q, out);
}

static json_t *data_of(json_t *b)
{
	return json_object_get(b, "data");
}

static long long ival(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *sval(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Writes {"v": n} to secret/data/<key>; returns the version written. */
static long long put_v(struct fx *f, const char *key, int n)
{
	char path[256], body[64];
	json_t *b = NULL;
	long long v;

	snprintf(path, sizeof(path), "secret/data/%s", key);
	snprintf(body, sizeof(body), "{\"data\":{\"v\":%d}}", n);
	assert_int_equal(call(f, VAULT_OP_UPDATE, path, body, f->root, &b),
			 200);
	v = ival(data_of(b), "version");
	assert_false(json_is_true(json_object_get(data_of(b), "destroyed")));
	assert_non_null(sval(data_of(b), "deletion_time"));
	assert_non_null(sval(data_of(b), "created_time"));
	json_decref(b);
	return v;
}

/* Reads version (0: current) of secret/data/<key>: status, *v = data.v */
static int get_v(struct fx *f, const char *key, int version, long long *v)
{
	char path[256], ver[16];
	json_t *b = NULL;
	int st;

	snprintf(path, sizeof(path), "secret/data/%s", key);
	snprintf(ver, sizeof(ver), "%d", version);
	st = call_full(f, VAULT_OP_READ, path, NULL, NULL,
		       version ? "version" : NULL, ver, &b);
	if (st == 200)
		*v = ival(json_object_get(data_of(b), "data"), "v");
	json_decref(b);
	return st;
}

static void test_secret_mounted_at_init(void **state)
{
	struct fx *f = *state;
	json_t *b = NULL, *m;

	assert_int_equal(
	    call(f, VAULT_OP_READ, "sys/mounts", NULL, f->root, &b), 200);
	m = json_object_get(data_of(b), "secret/");
	assert_string_equal(sval(m, "type"), "kv");
	assert_string_equal(sval(json_object_get(m, "options"), "version"),
			    "2");
	assert_non_null(json_object_get(data_of(b), "sys/"));
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_READ,
			      "sys/internal/ui/mounts/secret/app", NULL,
			      f->root, &b),
			 200);
	assert_string_equal(sval(data_of(b), "path"), "secret/");
	json_decref(b);
}

static void test_versions_read_and_cas(void **state)
{
	struct fx *f = *state;
	json_t *b = NULL;
	long long v = 0;

	for (int i = 1; i <= 4; i++)
		assert_int_equal(put_v(f, "app/db", i), i);
	assert_int_equal(get_v(f, "app/db", 0, &v), 200);
	assert_int_equal(v, 4);
	assert_int_equal(get_v(f, "app/db", 2, &v), 200);
	assert_int_equal(v, 2);
	assert_int_equal(get_v(f, "app/db", 9, &v), 404);
	assert_int_equal(get_v(f, "nothing", 0, &v), 404);
	/* envelope and metadata of a read */
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/data/app/db", NULL, f->root, &b),
	    200);
	assert_string_equal(sval(b, "mount_type"), "kv");
	assert_int_equal(
	    ival(json_object_get(data_of(b), "metadata"), "version"), 4);
	json_decref(b);
	/* check-and-set */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/data/app/db",
			      "{\"options\":{\"cas\":3},\"data\":{\"v\":5}}",
			      f->root, &b),
			 400);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(b, "errors"), 0)),
	    "check-and-set parameter did not match the current version");
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/data/app/db",
			      "{\"options\":{\"cas\":4},\"data\":{\"v\":5}}",
			      f->root, NULL),
			 200);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/data/new",
			      "{\"options\":{\"cas\":0},\"data\":{\"v\":1}}",
			      f->root, NULL),
			 200);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/data/new",
			      "{\"options\":{\"cas\":0},\"data\":{\"v\":1}}",
			      f->root, NULL),
			 400);
	/* cas_required on the mount */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/config",
			      "{\"cas_required\":true}", f->root, NULL),
			 204);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/data/new",
			      "{\"data\":{\"v\":2}}", f->root, &b),
			 400);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(b, "errors"), 0)),
	    "check-and-set parameter required for this call");
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/config", NULL, f->root, &b), 200);
	assert_true(json_is_true(json_object_get(data_of(b), "cas_required")));
	json_decref(b);
	/* no data */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/data/x", "{\"v\":1}",
			      f->root, NULL),
			 400);
}

static void test_delete_undelete_destroy(void **state)
{
	struct fx *f = *state;
	json_t *b = NULL, *md;
	long long v = 0;

	for (int i = 1; i <= 3; i++)
		put_v(f, "k", i);
	/* DELETE data/: soft-deletes the current version */
	assert_int_equal(
	    call(f, VAULT_OP_DELETE, "secret/data/k", NULL, f->root, NULL),
	    204);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/data/k", NULL, f->root, &b), 404);
	md = json_object_get(data_of(b), "metadata");
	assert_true(json_is_null(json_object_get(data_of(b), "data")));
	assert_int_equal(ival(md, "version"), 3);
	assert_true(strlen(sval(md, "deletion_time")) > 0);
	json_decref(b);
	assert_int_equal(get_v(f, "k", 2, &v), 200);
	/* delete/ by versions, undelete/ */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/delete/k",
			      "{\"versions\":[1,2]}", f->root, NULL),
			 204);
	assert_int_equal(get_v(f, "k", 1, &v), 404);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "secret/delete/k", "{}", f->root, NULL),
	    400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/undelete/k",
			      "{\"versions\":[1,3]}", f->root, NULL),
			 204);
	assert_int_equal(get_v(f, "k", 1, &v), 200);
	assert_int_equal(v, 1);
	assert_int_equal(get_v(f, "k", 0, &v), 200);
	assert_int_equal(v, 3);
	assert_int_equal(get_v(f, "k", 2, &v), 404);
	/* destroy/ is permanent: undelete does not bring it back */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/destroy/k",
			      "{\"versions\":[3]}", f->root, NULL),
			 204);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/undelete/k",
			      "{\"versions\":[3]}", f->root, NULL),
			 204);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/data/k", NULL, f->root, &b), 404);
	assert_true(json_is_true(json_object_get(
	    json_object_get(data_of(b), "metadata"), "destroyed")));
	json_decref(b);
	/* metadata shows the states */
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/metadata/k", NULL, f->root, &b),
	    200);
	md = json_object_get(data_of(b), "versions");
	assert_true(json_is_true(
	    json_object_get(json_object_get(md, "3"), "destroyed")));
	assert_true(strlen(sval(json_object_get(md, "2"), "deletion_time")) >
		    0);
	assert_string_equal(sval(json_object_get(md, "1"), "deletion_time"),
			    "");
	assert_int_equal(ival(data_of(b), "current_version"), 3);
	json_decref(b);
	/* DELETE metadata/: everything gone */
	assert_int_equal(
	    call(f, VAULT_OP_DELETE, "secret/metadata/k", NULL, f->root, NULL),
	    204);
	assert_int_equal(get_v(f, "k", 1, &v), 404);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/metadata/k", NULL, f->root, NULL),
	    404);
	assert_int_equal(put_v(f, "k", 9), 1);
}

static void test_metadata_and_pruning(void **state)
{
	struct fx *f = *state;
	json_t *b = NULL, *d;
	long long v = 0;

	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "secret/metadata/p",
		 "{\"max_versions\":3,\"custom_metadata\":{\"owner\":\"ops\"},"
		 "\"delete_version_after\":\"1h\"}",
		 f->root, NULL),
	    204);
	for (int i = 1; i <= 5; i++)
		put_v(f, "p", i);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/metadata/p", NULL, f->root, &b),
	    200);
	d = data_of(b);
	assert_int_equal(ival(d, "max_versions"), 3);
	assert_int_equal(ival(d, "current_version"), 5);
	assert_int_equal(ival(d, "oldest_version"), 3);
	assert_int_equal(json_object_size(json_object_get(d, "versions")), 3);
	assert_null(json_object_get(json_object_get(d, "versions"), "2"));
	assert_string_equal(sval(json_object_get(d, "custom_metadata"), "owner"),
			    "ops");
	assert_string_equal(sval(d, "delete_version_after"), "1h0m0s");
	assert_false(json_is_true(json_object_get(d, "cas_required")));
	assert_non_null(sval(d, "created_time"));
	assert_non_null(sval(d, "updated_time"));
	/* delete_version_after: a deletion time in the future, still readable
	 */
	assert_true(strlen(sval(
			json_object_get(json_object_get(d, "versions"), "5"),
			"deletion_time")) > 0);
	json_decref(b);
	assert_int_equal(get_v(f, "p", 2, &v), 404);
	assert_int_equal(get_v(f, "p", 3, &v), 200);
	assert_int_equal(get_v(f, "p", 0, &v), 200);
	assert_int_equal(v, 5);
	/* custom_metadata in a version's metadata */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/data/p",
			      "{\"data\":{\"v\":6}}", f->root, &b),
			 200);
	assert_string_equal(
	    sval(json_object_get(data_of(b), "custom_metadata"), "owner"),
	    "ops");
	json_decref(b);
	/* metadata PATCH merges custom_metadata */
	assert_int_equal(call_full(f, VAULT_OP_PATCH, "secret/metadata/p",
				   "{\"custom_metadata\":{\"team\":\"a\"}}",
				   "application/merge-patch+json", NULL, NULL,
				   NULL),
			 204);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/metadata/p", NULL, f->root, &b),
	    200);
	d = json_object_get(data_of(b), "custom_metadata");
	assert_string_equal(sval(d, "owner"), "ops");
	assert_string_equal(sval(d, "team"), "a");
	json_decref(b);
	/* bad settings */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/metadata/p",
			      "{\"max_versions\":-1}", f->root, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/metadata/p",
			      "{\"custom_metadata\":{\"a\":1}}", f->root, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/config",
			      "{\"delete_version_after\":\"soon\"}", f->root,
			      NULL),
			 400);
	/* the mount's max_versions applies too (the smaller wins) */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "secret/config",
			      "{\"max_versions\":2}", f->root, NULL),
			 204);
	for (int i = 1; i <= 4; i++)
		put_v(f, "q", i);
	assert_int_equal(get_v(f, "q", 2, &v), 404);
	assert_int_equal(get_v(f, "q", 3, &v), 200);
}

static void test_subkeys_and_patch(void **state)
{
	struct fx *f = *state;
	json_t *b = NULL, *d, *s;

	assert_int_equal(
	    call(
		f, VAULT_OP_UPDATE, "secret/data/s",
		"{\"data\":{\"a\":1,\"b\":{\"c\":2,\"d\":{\"e\":3}},\"f\":{}}}",
		f->root, NULL),
	    200);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/subkeys/s", NULL, f->root, &b), 200);
	s = json_object_get(data_of(b), "subkeys");
	assert_true(json_is_null(json_object_get(s, "a")));
	assert_true(json_is_null(json_object_get(s, "f")));
	assert_true(json_is_null(json_object_get(
	    json_object_get(json_object_get(s, "b"), "d"), "e")));
	assert_int_equal(
	    ival(json_object_get(data_of(b), "metadata"), "version"), 1);
	json_decref(b);
	assert_int_equal(call_full(f, VAULT_OP_READ, "secret/subkeys/s", NULL,
				   NULL, "depth", "1", &b),
			 200);
	s = json_object_get(data_of(b), "subkeys");
	assert_true(json_is_null(json_object_get(s, "b")));
	json_decref(b);
	/* PATCH: needs the merge-patch content type */
	assert_int_equal(call_full(f, VAULT_OP_PATCH, "secret/data/s",
				   "{\"data\":{\"a\":5}}", "application/json",
				   NULL, NULL, NULL),
			 415);
	assert_int_equal(
	    call_full(f, VAULT_OP_PATCH, "secret/data/s",
		      "{\"data\":{\"a\":null,\"b\":{\"c\":7,\"x\":\"y\"}}}",
		      "application/merge-patch+json", NULL, NULL, &b),
	    200);
	assert_int_equal(ival(data_of(b), "version"), 2);
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/data/s", NULL, f->root, &b), 200);
	d = json_object_get(data_of(b), "data");
	assert_null(json_object_get(d, "a"));
	assert_int_equal(ival(json_object_get(d, "b"), "c"), 7);
	assert_string_equal(sval(json_object_get(d, "b"), "x"), "y");
	assert_int_equal(
	    ival(json_object_get(json_object_get(d, "b"), "d"), "e"), 3);
	assert_non_null(json_object_get(d, "f"));
	json_decref(b);
	/* PATCH of a missing key: 404; cas applies */
	assert_int_equal(call_full(f, VAULT_OP_PATCH, "secret/data/none",
				   "{\"data\":{\"a\":1}}",
				   "application/merge-patch+json", NULL, NULL,
				   NULL),
			 404);
	assert_int_equal(call_full(f, VAULT_OP_PATCH, "secret/data/s",
				   "{\"data\":{\"a\":1},\"options\":{\"cas\":1}}",
				   "application/merge-patch+json", NULL, NULL,
				   NULL),
			 400);
}

static void test_list_folders(void **state)
{
	struct fx *f = *state;
	json_t *b = NULL, *keys;

	put_v(f, "app/db", 1);
	put_v(f, "app/api/key", 1);
	put_v(f, "app", 1);
	put_v(f, "other", 1);
	assert_int_equal(
	    call(f, VAULT_OP_LIST, "secret/metadata/", NULL, f->root, &b), 200);
	keys = json_object_get(data_of(b), "keys");
	assert_int_equal(json_array_size(keys), 3);
	assert_string_equal(json_string_value(json_array_get(keys, 0)), "app");
	assert_string_equal(json_string_value(json_array_get(keys, 1)), "app/");
	assert_string_equal(json_string_value(json_array_get(keys, 2)),
			    "other");
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_LIST, "secret/metadata/app", NULL, f->root, &b),
	    200);
	keys = json_object_get(data_of(b), "keys");
	assert_int_equal(json_array_size(keys), 2);
	assert_string_equal(json_string_value(json_array_get(keys, 0)), "api/");
	assert_string_equal(json_string_value(json_array_get(keys, 1)), "db");
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_LIST, "secret/metadata/nope/", NULL, f->root, &b),
	    404);
	assert_int_equal(json_array_size(json_object_get(b, "errors")), 0);
	json_decref(b);
}

static void test_mounts_and_kv1(void **state)
{
	struct fx *f = *state;
	json_t *b = NULL, *keys;

	/* enable a KV v1 mount and a second v2 one */
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/mounts/kv1",
		 "{\"type\":\"kv\",\"options\":{\"version\":\"1\"}}", f->root,
		 NULL),
	    204);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/mounts/team/kv",
			      "{\"type\":\"kv-v2\",\"description\":\"t\"}",
			      f->root, NULL),
			 204);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/mounts/kv1",
			      "{\"type\":\"kv\"}", f->root, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/mounts/kv1/sub",
			      "{\"type\":\"kv\"}", f->root, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/mounts/sys2",
			      "{\"type\":\"database\"}", f->root, NULL),
			 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/mounts/auth/x",
			      "{\"type\":\"kv\"}", f->root, NULL),
			 400);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "sys/mounts", NULL, f->root, &b), 200);
	assert_non_null(json_object_get(data_of(b), "kv1/"));
	assert_string_equal(sval(json_object_get(json_object_get(data_of(b),
								"team/kv/"),
						"options"),
				 "version"),
			    "2");
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "sys/mounts/kv1/tune", NULL, f->root, &b),
	    200);
	assert_int_equal(ival(data_of(b), "default_lease_ttl"), 2764800);
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/mounts/kv1/tune",
			      "{\"description\":\"v1 store\"}", f->root, NULL),
			 204);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/mounts/kv1/tune",
			      "{\"options\":{\"version\":\"2\"}}", f->root,
			      NULL),
			 400);
	/* KV v1: raw JSON in and out */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "kv1/app/db",
			      "{\"user\":\"u\",\"n\":[1,2]}", f->root, NULL),
			 204);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "kv1/app/api",
			      "{\"k\":\"v\"}", f->root, NULL),
			 204);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "kv1/app/db", NULL, f->root, &b), 200);
	assert_string_equal(sval(data_of(b), "user"), "u");
	assert_string_equal(sval(b, "mount_type"), "kv");
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_LIST, "kv1/", NULL, f->root, &b),
			 200);
	keys = json_object_get(data_of(b), "keys");
	assert_int_equal(json_array_size(keys), 1);
	assert_string_equal(json_string_value(json_array_get(keys, 0)), "app/");
	json_decref(b);
	assert_int_equal(call(f, VAULT_OP_LIST, "kv1/app", NULL, f->root, &b),
			 200);
	assert_int_equal(json_array_size(json_object_get(data_of(b), "keys")),
			 2);
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_DELETE, "kv1/app/db", NULL, f->root, NULL), 204);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "kv1/app/db", NULL, f->root, NULL), 404);
	/* the v2 mount under a nested path */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "team/kv/data/x",
			      "{\"data\":{\"a\":\"b\"}}", f->root, NULL),
			 200);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "team/kv/data/x", NULL, f->root, NULL), 200);
	/* disable removes the data: a new mount at the path is empty */
	assert_int_equal(
	    call(f, VAULT_OP_DELETE, "sys/mounts/kv1", NULL, f->root, NULL),
	    204);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "kv1/app/api", NULL, f->root, NULL), 404);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/mounts/kv1",
			      "{\"type\":\"kv\"}", f->root, NULL),
			 204);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "kv1/app/api", NULL, f->root, NULL), 404);
	assert_int_equal(call(f, VAULT_OP_LIST, "kv1/", NULL, f->root, NULL),
			 404);
	/* only team/kv's data is left in storage */
	assert_int_equal(f->st->ops->list(f->st, "logical/", &b, NULL), 0);
	assert_int_equal(json_array_size(b), 1);
	json_decref(b);
}

static void test_unknown_paths(void **state)
{
	struct fx *f = *state;
	json_t *b = NULL;

	assert_int_equal(call(f, VAULT_OP_READ, "nomount/x", NULL, f->root, &b),
			 404);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(b, "errors"), 0)),
	    "no handler for route \"nomount/x\". route entry not found.");
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/bogus/x", NULL, f->root, NULL), 404);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/data/x", NULL, f->root, &b), 404);
	assert_int_equal(json_array_size(json_object_get(b, "errors")), 0);
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_LIST, "secret/data/x", NULL, f->root, NULL), 405);
	assert_int_equal(call(f, VAULT_OP_READ, "sys/internal/ui/mounts/none/x",
			      NULL, f->root, NULL),
			 404);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "sys/nothing", NULL, f->root, NULL), 404);
	/* sealed: 503 */
	vault_core_seal(f->c);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/data/x", NULL, f->root, NULL), 503);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "sys/mounts", NULL, f->root, NULL), 503);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_secret_mounted_at_init,
					    fx_setup_real_clock, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_versions_read_and_cas,
					    fx_setup_real_clock, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_delete_undelete_destroy,
					    fx_setup_real_clock, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_metadata_and_pruning,
					    fx_setup_real_clock, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_subkeys_and_patch,
					    fx_setup_real_clock, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_list_folders,
					    fx_setup_real_clock, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_mounts_and_kv1,
					    fx_setup_real_clock, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_paths,
					    fx_setup_real_clock, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
