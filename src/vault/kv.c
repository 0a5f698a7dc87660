/*
 * kv.c - the KV secrets engines, version 1 and 2, with Vault's API
 * (<mount>/config, data/, metadata/, delete/, undelete/, destroy/,
 * subkeys/; KV v1's plain key/value paths).  mounts.c finds the mount and
 * calls vault_kv1_handle or vault_kv2_handle.
 *
 * Storage layout, all through the barrier:
 *   core/mounts                                 the mount table (JSON)
 *   logical/<uuid>/config                       a KV v2 mount's settings
 *   logical/<uuid>/metadata/<key>               a KV v2 key's metadata,
 *                                               with its versions map
 *   logical/<uuid>/versions/<sha256(key)>/<n>   version n's {"data": ...}
 *   logical/<uuid>/<key>                        a KV v1 value
 * so that LIST of a folder is one storage list of metadata/<prefix>/ (or
 * <prefix>/ on v1), and disabling a mount removes logical/<uuid>/.
 * Versions are stored under the key's hash so no key name can collide with
 * the version numbers.
 *
 * Times are RFC 3339 UTC with nanoseconds, fixed width, so they compare as
 * strings: a version is deleted when its deletion_time is set and not in
 * the future (soft delete sets it to now, delete_version_after to the
 * creation time plus the duration).
 *
 * Writers' locks (the core's, see core_int.h): a KV v2 write is a
 * read-modify-write of the key's metadata, so writes to one key are
 * serialised by its lock stripe (vault_kv_lock_key: a hash of mount uuid
 * and key); writes to different keys run concurrently, and their storage
 * writes share fsyncs (the SQLite group commit).  The mount config, which
 * every write reads, changes under mount_lock held exclusively.  Reads
 * take no lock; a version written is stored before the metadata naming
 * it, and a version pruned is removed after, so a reader sees either
 * state.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vault/logical.h"
#include "vault/token_int.h"

#define KV_DEFAULT_MAX_VERSIONS 10
#define KV_MAX_CUSTOM_KEYS 64 /* Vault's limits on custom_metadata */
#define KV_MAX_CUSTOM_KEY_LEN 128
#define KV_MAX_CUSTOM_VALUE_LEN 512

/* ---- writers' locks ------------------------------------------------------ */

static pthread_mutex_t *kv_stripe(struct vault_core *c, const char *uuid,
				  const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a over "uuid/key" */

	for (const char *p = uuid; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	h = (h ^ '/') * 16777619u;
	for (const char *p = key; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return &c->kv_key_locks[h % VAULT_KV_LOCK_STRIPES];
}

void vault_kv_lock_key(struct vault_core *c, const char *uuid, const char *key)
{
	pthread_rwlock_rdlock(&c->mount_lock);
	pthread_mutex_lock(kv_stripe(c, uuid, key));
}

void vault_kv_unlock_key(struct vault_core *c, const char *uuid,
			 const char *key)
{
	pthread_mutex_unlock(kv_stripe(c, uuid, key));
	pthread_rwlock_unlock(&c->mount_lock);
}

/* ---- storage keys ---------------------------------------------------------
 */

static int meta_key(char out[KV_KEYBUF], const char *uuid, const char *key)
{
	int n = snprintf(out, KV_KEYBUF, "%s%s/metadata/%s",
			 VAULT_LOGICAL_PREFIX, uuid, key);

	return n < 0 || n >= KV_KEYBUF ? -ENAMETOOLONG : 0;
}

static void ver_key(char out[KV_KEYBUF], const char *uuid, const char *key,
		    long long n)
{
	char hex[65];

	vault_token_hash(key, hex); /* SHA-256, hex */
	snprintf(out, KV_KEYBUF, "%s%s/versions/%s/%lld", VAULT_LOGICAL_PREFIX,
		 uuid, hex, n);
}

/* ---- KV version 1 ---------------------------------------------------------
 */

static int list_keys(struct vault_core *c, const char *prefix,
		     struct vault_logical_resp *o)
{
	struct bw_error err;
	json_t *keys = NULL;
	int rc;

	bw_error_clear(&err);
	rc = vault_barrier_list(c->b, prefix, &keys, &err);
	if (rc)
		return vault_lr_io_fail(o, rc);
	if (!json_array_size(keys)) {
		json_decref(keys);
		return vault_lr_fail(o, 404, "%s", "");
	}
	return vault_lr_ok(o, 200, json_pack("{s:o}", "keys", keys));
}

/* The storage prefix for listing key (a folder, "/" added if missing). */
static int list_prefix(char out[KV_KEYBUF], const char *base, const char *key)
{
	int n = snprintf(out, KV_KEYBUF, "%s%s%s", base, key,
			 !*key || vault_ends_with_slash(key) ? "" : "/");

	return n < 0 || n >= KV_KEYBUF ? -ENAMETOOLONG : 0;
}

int vault_kv1_handle(struct vault_core *c, const struct vault_logical_req *lr,
		     const char *uuid, const char *key,
		     struct vault_logical_resp *o)
{
	char base[128], skey[KV_KEYBUF];
	json_t *v = NULL;
	int rc;

	snprintf(base, sizeof(base), "%s%s/", VAULT_LOGICAL_PREFIX, uuid);
	if (lr->req->op == VAULT_OP_LIST) {
		if (list_prefix(skey, base, key))
			return vault_lr_fail(o, 400, "path too long");
		return list_keys(c, skey, o);
	}
	if (!*key || vault_ends_with_slash(key))
		return vault_lr_fail(o, 404, "%s", "");
	if (snprintf(skey, sizeof(skey), "%s%s", base, key) >= KV_KEYBUF)
		return vault_lr_fail(o, 400, "path too long");
	switch (lr->req->op) {
	case VAULT_OP_READ:
		rc = vault_json_get(c, skey, &v);
		if (rc == -ENOENT)
			return vault_lr_fail(o, 404, "%s", "");
		return rc ? vault_lr_io_fail(o, rc) : vault_lr_ok(o, 200, v);
	case VAULT_OP_UPDATE:
		rc = vault_json_put(c, skey, lr->body);
		return rc ? vault_lr_io_fail(o, rc) : vault_lr_ok(o, 204, NULL);
	case VAULT_OP_DELETE:
		rc = vault_key_delete(c, skey);
		return rc ? vault_lr_io_fail(o, rc) : vault_lr_ok(o, 204, NULL);
	default:
		return vault_lr_fail(o, 405, "unsupported operation");
	}
}

/* ---- KV version 2: configuration and metadata -----------------------------
 */

static int cfg_load(struct vault_core *c, const char *uuid, json_t **ret)
{
	char key[128];
	int rc;

	snprintf(key, sizeof(key), "%s%s/config", VAULT_LOGICAL_PREFIX, uuid);
	rc = vault_json_get(c, key, ret);
	if (rc == -ENOENT) {
		*ret =
		    json_pack("{s:I, s:b, s:s}", "max_versions", (json_int_t)0,
			      "cas_required", 0, "delete_version_after", "0s");
		return *ret ? 0 : -ENOMEM;
	}
	return rc;
}

static json_t *meta_new(const char *now)
{
	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:b, s:s, s:n, s:{}}",
			 "created_time", now, "updated_time", now,
			 "current_version", (json_int_t)0, "oldest_version",
			 (json_int_t)0, "max_versions", (json_int_t)0,
			 "cas_required", 0, "delete_version_after", "0s",
			 "custom_metadata", "versions");
}

/* 0 and *ret (NULL when the key has no metadata), or a storage error. */
static int meta_load(struct vault_core *c, const char *uuid, const char *key,
		     json_t **ret)
{
	char skey[KV_KEYBUF];
	int rc;

	if (meta_key(skey, uuid, key))
		return -ENAMETOOLONG;
	rc = vault_json_get(c, skey, ret);
	if (rc == -ENOENT) {
		*ret = NULL;
		return 0;
	}
	return rc;
}

/* meta_load for reads: the barrier's cached document, SHARED, read-only. */
static int meta_shared(struct vault_core *c, const char *uuid, const char *key,
		       json_t **ret)
{
	char skey[KV_KEYBUF];
	struct bw_error err;
	int rc;

	if (meta_key(skey, uuid, key))
		return -ENAMETOOLONG;
	bw_error_clear(&err);
	rc = vault_barrier_get_doc(c->b, skey, ret, &err);
	if (rc == -ENOENT) {
		*ret = NULL;
		return 0;
	}
	return rc;
}

static int meta_save(struct vault_core *c, const char *uuid, const char *key,
		     json_t *m)
{
	char skey[KV_KEYBUF];

	if (meta_key(skey, uuid, key))
		return -ENAMETOOLONG;
	return vault_json_put(c, skey, m);
}

static json_t *version_meta(json_t *m, long long n)
{
	char k[24];

	snprintf(k, sizeof(k), "%lld", n);
	return json_object_get(json_object_get(m, "versions"), k);
}

static int version_deleted(json_t *vm, const char *now)
{
	const char *d = json_string_value(json_object_get(vm, "deletion_time"));

	return d && *d && strcmp(d, now) <= 0;
}

/* {created_time, custom_metadata, deletion_time, destroyed, version} */
static json_t *version_public(json_t *m, json_t *vm, long long n)
{
	json_t *cm = json_object_get(m, "custom_metadata");

	return json_pack("{s:O, s:O, s:O, s:O, s:I}", "created_time",
			 json_object_get(vm, "created_time"), "custom_metadata",
			 cm ? cm : json_null(), "deletion_time",
			 json_object_get(vm, "deletion_time"), "destroyed",
			 json_object_get(vm, "destroyed"), "version",
			 (json_int_t)n);
}

static long long duration_of(json_t *o)
{
	long long s = 0;

	if (vault_kv_parse_duration(
		json_string_value(json_object_get(o, "delete_version_after")),
		&s))
		return 0;
	return s;
}

static long long max_versions(json_t *cfg, json_t *m)
{
	long long a = vault_json_int(cfg, "max_versions"),
		  b = vault_json_int(m, "max_versions");
	long long mx = a && b ? (a < b ? a : b) : (a ? a : b);

	return mx > 0 ? mx : KV_DEFAULT_MAX_VERSIONS;
}

/*
 * Applies max_versions, delete_version_after, cas_required and
 * custom_metadata from body to a config or metadata object.  patch: the
 * custom_metadata is merged (null removes a key) instead of replaced.
 */
static int apply_settings(json_t *dst, json_t *body, int with_custom, int patch,
			  struct vault_logical_resp *o)
{
	json_t *v;
	long long n;
	int b;

	if ((v = json_object_get(body, "max_versions")) && !json_is_null(v)) {
		if (vault_int_param(v, &n) || n > 1000000)
			return vault_lr_fail(o, 400, "invalid max_versions");
		json_object_set_new(dst, "max_versions", json_integer(n));
	}
	if ((v = json_object_get(body, "cas_required")) && !json_is_null(v)) {
		if (vault_bool_param(v, &b))
			return vault_lr_fail(o, 400, "invalid cas_required");
		json_object_set_new(dst, "cas_required", json_boolean(b));
	}
	if ((v = json_object_get(body, "delete_version_after")) &&
	    !json_is_null(v)) {
		char d[32];

		if (vault_duration_param(v, &n))
			return vault_lr_fail(o, 400,
					     "invalid delete_version_after");
		vault_fmt_duration(n, d);
		json_object_set_new(dst, "delete_version_after",
				    json_string(d));
	}
	v = json_object_get(body, "custom_metadata");
	if (with_custom && v && !(patch && json_is_null(v))) {
		json_t *cm =
		    patch ? json_object_get(dst, "custom_metadata") : NULL;
		json_t *out =
		    json_is_object(cm) ? json_deep_copy(cm) : json_object();
		const char *k;
		json_t *x;

		if (!json_is_object(v) && !json_is_null(v)) {
			json_decref(out);
			return vault_lr_fail(o, 400,
					     "custom_metadata must be a map");
		}
		json_object_foreach(v, k, x)
		{
			if (patch && json_is_null(x)) {
				json_object_del(out, k);
				continue;
			}
			if (!json_is_string(x) ||
			    strlen(k) > KV_MAX_CUSTOM_KEY_LEN ||
			    json_string_length(x) > KV_MAX_CUSTOM_VALUE_LEN ||
			    !*k) {
				json_decref(out);
				return vault_lr_fail(
				    o, 400,
				    "custom_metadata keys must be 1-128 "
				    "bytes and values strings of at "
				    "most 512 bytes");
			}
			json_object_set(out, k, x);
		}
		if (json_object_size(out) > KV_MAX_CUSTOM_KEYS) {
			json_decref(out);
			return vault_lr_fail(o, 400,
					     "custom_metadata can contain at "
					     "most 64 keys");
		}
		json_object_set_new(dst, "custom_metadata", out);
	}
	return 0;
}

static int h_config(struct vault_core *c, const struct vault_logical_req *lr,
		    const char *uuid, struct vault_logical_resp *o)
{
	char key[128];
	json_t *cfg = NULL;
	int rc;

	snprintf(key, sizeof(key), "%s%s/config", VAULT_LOGICAL_PREFIX, uuid);
	if (lr->req->op == VAULT_OP_READ) {
		rc = cfg_load(c, uuid, &cfg);
		return rc ? vault_lr_io_fail(o, rc) : vault_lr_ok(o, 200, cfg);
	}
	if (lr->req->op != VAULT_OP_UPDATE)
		return vault_lr_fail(o, 405, "unsupported operation");
	pthread_rwlock_wrlock(&c->mount_lock);
	rc = cfg_load(c, uuid, &cfg);
	if (!rc && apply_settings(cfg, lr->body, 0, 0, o)) {
		pthread_rwlock_unlock(&c->mount_lock);
		json_decref(cfg);
		return -1;
	}
	if (!rc)
		rc = vault_json_put(c, key, cfg);
	pthread_rwlock_unlock(&c->mount_lock);
	json_decref(cfg);
	return rc ? vault_lr_io_fail(o, rc) : vault_lr_ok(o, 204, NULL);
}

/* Removes every version and the metadata of key (lock held). */
static int key_purge(struct vault_core *c, const char *uuid, const char *key,
		     json_t *m)
{
	char skey[KV_KEYBUF];
	const char *k;
	json_t *v;
	int rc;

	json_object_foreach(json_object_get(m, "versions"), k, v)
	{
		ver_key(skey, uuid, key, vault_parse_count(k));
		if ((rc = vault_key_delete(c, skey)))
			return rc;
	}
	if (meta_key(skey, uuid, key))
		return -ENAMETOOLONG;
	return vault_key_delete(c, skey);
}

static int h_metadata(struct vault_core *c, const struct vault_logical_req *lr,
		      const char *uuid, const char *key,
		      struct vault_logical_resp *o)
{
	char now[40], skey[KV_KEYBUF], base[128];
	json_t *m = NULL;
	int rc;

	if (lr->req->op == VAULT_OP_LIST) {
		snprintf(base, sizeof(base), "%s%s/metadata/",
			 VAULT_LOGICAL_PREFIX, uuid);
		if (list_prefix(skey, base, key))
			return vault_lr_fail(o, 400, "path too long");
		return list_keys(c, skey, o);
	}
	if (!*key || vault_ends_with_slash(key))
		return vault_lr_fail(o, 404, "%s", "");
	if (lr->req->op == VAULT_OP_READ) {
		rc = meta_shared(c, uuid, key, &m);
		if (rc)
			return vault_lr_io_fail(o, rc);
		return m ? vault_lr_ok(o, 200, m)
			 : vault_lr_fail(o, 404, "%s", "");
	}
	vault_now_time(now, 0);
	vault_kv_lock_key(c, uuid, key);
	rc = meta_load(c, uuid, key, &m);
	if (rc)
		goto out;
	switch (lr->req->op) {
	case VAULT_OP_DELETE:
		if (m)
			rc = key_purge(c, uuid, key, m);
		break;
	case VAULT_OP_PATCH:
		if (!m) {
			vault_kv_unlock_key(c, uuid, key);
			return vault_lr_fail(o, 404, "%s", "");
		}
		/* fall through */
	case VAULT_OP_UPDATE:
		if (!m && !(m = meta_new(now))) {
			rc = -ENOMEM;
			break;
		}
		if (apply_settings(m, lr->body, 1,
				   lr->req->op == VAULT_OP_PATCH, o)) {
			vault_kv_unlock_key(c, uuid, key);
			json_decref(m);
			return -1;
		}
		json_object_set_new(m, "updated_time", json_string(now));
		rc = meta_save(c, uuid, key, m);
		break;
	default:
		vault_kv_unlock_key(c, uuid, key);
		json_decref(m);
		return vault_lr_fail(o, 405, "unsupported operation");
	}
out:
	vault_kv_unlock_key(c, uuid, key);
	json_decref(m);
	return rc ? vault_lr_io_fail(o, rc) : vault_lr_ok(o, 204, NULL);
}

/* ---- KV version 2: data ---------------------------------------------------
 */

/* RFC 7396 JSON merge patch of patch onto target (new reference). */
static json_t *merge_patch(json_t *target, json_t *patch)
{
	json_t *out, *v;
	const char *k;

	if (!json_is_object(patch))
		return json_incref(patch);
	out = json_is_object(target) ? json_copy(target) : json_object();
	json_object_foreach(patch, k, v)
	{
		if (json_is_null(v)) {
			json_object_del(out, k);
		} else {
			json_t *m = merge_patch(json_object_get(out, k), v);

			if (!m) {
				json_decref(out);
				return NULL;
			}
			json_object_set_new(out, k, m);
		}
	}
	return out;
}

/*
 * Loads version n of key (n = 0: the current one).  Returns 0 with *ret_m
 * the metadata (shared: read-only) and *ret_vm its entry; *ret_data the data
 * (NULL when deleted or destroyed).  -ENOENT when there is no such version.
 */
static int version_load(struct vault_core *c, const char *uuid, const char *key,
			long long n, json_t **ret_m, json_t **ret_vm,
			long long *ret_n, json_t **ret_data)
{
	char skey[KV_KEYBUF], now[40];
	json_t *m = NULL, *vm, *doc = NULL;
	int rc = meta_shared(c, uuid, key, &m);

	if (rc)
		return rc;
	if (!m)
		return -ENOENT;
	if (!n)
		n = vault_json_int(m, "current_version");
	vm = version_meta(m, n);
	if (!vm) {
		json_decref(m);
		return -ENOENT;
	}
	vault_now_time(now, 0);
	*ret_data = NULL;
	if (!json_is_true(json_object_get(vm, "destroyed")) &&
	    !version_deleted(vm, now)) {
		ver_key(skey, uuid, key, n);
		rc = vault_json_get(c, skey, &doc);
		if (rc && rc != -ENOENT) {
			json_decref(m);
			return rc;
		}
		if (doc) {
			*ret_data = json_incref(json_object_get(doc, "data"));
			json_decref(doc);
		}
	}
	*ret_m = m;
	*ret_vm = vm;
	*ret_n = n;
	return 0;
}

static int data_write(struct vault_core *c, const struct vault_logical_req *lr,
		      const char *uuid, const char *key,
		      struct vault_logical_resp *o)
{
	json_t *data = json_object_get(lr->body, "data");
	json_t *opts = json_object_get(lr->body, "options");
	json_t *cas = json_object_get(opts, "cas");
	json_t *cfg = NULL, *m = NULL, *vm, *doc = NULL, *out = NULL;
	json_t *pruned = NULL;
	char skey[KV_KEYBUF], now[40], del[40] = "";
	long long cur, n, dva, mx, upto, casv = -1;
	int patch = lr->req->op == VAULT_OP_PATCH, rc;
	const char *k;
	json_t *v;

	if (!json_is_object(data))
		return vault_lr_fail(o, 400, "no data provided");
	if (cas && (vault_int_param(cas, &casv) || casv < 0))
		return vault_lr_fail(o, 400, "invalid cas parameter");
	vault_now_time(now, 0);
	vault_kv_lock_key(c, uuid, key);
	rc = cfg_load(c, uuid, &cfg);
	if (!rc)
		rc = meta_load(c, uuid, key, &m);
	if (rc)
		goto io;
	cur = m ? vault_json_int(m, "current_version") : 0;
	if ((json_is_true(json_object_get(cfg, "cas_required")) ||
	     json_is_true(json_object_get(m, "cas_required"))) &&
	    !cas) {
		vault_lr_fail(o, 400,
			      "check-and-set parameter required for this call");
		goto out;
	}
	if (cas && casv != cur) {
		vault_lr_fail(o, 400,
			      "check-and-set parameter did not match the "
			      "current version");
		goto out;
	}
	if (patch) {
		json_t *pm = NULL, *pvm, *old = NULL;
		long long pn;

		rc = version_load(c, uuid, key, 0, &pm, &pvm, &pn, &old);
		if (rc == -ENOENT || (!rc && !old)) {
			json_decref(pm);
			vault_lr_fail(o, 404, "%s", "");
			goto out;
		}
		if (rc)
			goto io;
		json_decref(pm);
		data = merge_patch(old, data);
		json_decref(old);
		if (!data) {
			rc = -ENOMEM;
			goto io;
		}
	} else {
		json_incref(data);
	}
	if (!m && !(m = meta_new(now))) {
		json_decref(data);
		rc = -ENOMEM;
		goto io;
	}
	n = cur + 1;
	doc = json_pack("{s:o}", "data", data);
	ver_key(skey, uuid, key, n);
	rc = doc ? vault_json_put(c, skey, doc) : -ENOMEM;
	json_decref(doc);
	if (rc)
		goto io;
	dva = duration_of(m);
	if (!dva)
		dva = duration_of(cfg);
	if (dva)
		vault_now_time(del, dva);
	vm = json_pack("{s:s, s:s, s:b}", "created_time", now, "deletion_time",
		       del, "destroyed", 0);
	{
		char nk[24];

		snprintf(nk, sizeof(nk), "%lld", n);
		json_object_set_new(json_object_get(m, "versions"), nk, vm);
	}
	json_object_set_new(m, "current_version", json_integer(n));
	json_object_set_new(m, "updated_time", json_string(now));
	/* max_versions: drop the oldest beyond the limit, as Vault */
	mx = max_versions(cfg, m);
	pruned = json_array();
	if ((long long)json_object_size(json_object_get(m, "versions")) > mx) {
		upto = n - mx;
		json_object_foreach(json_object_get(m, "versions"), k, v)
		{
			if (vault_parse_count(k) <= upto)
				json_array_append_new(pruned, json_string(k));
		}
		json_object_set_new(m, "oldest_version",
				    json_integer(upto + 1));
	}
	for (size_t i = 0; i < json_array_size(pruned); i++)
		json_object_del(json_object_get(m, "versions"),
				json_string_value(json_array_get(pruned, i)));
	rc = meta_save(c, uuid, key, m);
	for (size_t i = 0; !rc && i < json_array_size(pruned); i++) {
		ver_key(skey, uuid, key,
			vault_parse_count(
			    json_string_value(json_array_get(pruned, i))));
		rc = vault_key_delete(c, skey);
	}
	if (rc)
		goto io;
	out = version_public(m, version_meta(m, n), n);
	vault_lr_ok(o, 200, out);
	goto out;
io:
	vault_lr_io_fail(o, rc);
out:
	vault_kv_unlock_key(c, uuid, key);
	json_decref(pruned);
	json_decref(cfg);
	json_decref(m);
	return o->status >= 400 ? -1 : 0;
}

/* {subkeys} of obj: leaves (and maps at the depth limit) become null. */
static json_t *subkeys_of(json_t *obj, long long depth, long long level)
{
	json_t *out = json_object(), *v;
	const char *k;

	json_object_foreach(obj, k, v)
	{
		if (json_is_object(v) && json_object_size(v) &&
		    (!depth || level < depth))
			json_object_set_new(out, k,
					    subkeys_of(v, depth, level + 1));
		else
			json_object_set_new(out, k, json_null());
	}
	return out;
}

static int data_read(struct vault_core *c, const struct vault_logical_req *lr,
		     const char *uuid, const char *key, int subkeys,
		     struct vault_logical_resp *o)
{
	long long want = vault_parse_count(vault_query_get(lr->req, "version"));
	long long depth = vault_parse_count(vault_query_get(lr->req, "depth"));
	json_t *m = NULL, *vm = NULL, *data = NULL, *md, *out;
	long long n = 0;
	int rc;

	if (want < 0)
		return vault_lr_fail(o, 400, "invalid version");
	if (depth < 0)
		return vault_lr_fail(o, 400, "invalid depth");
	rc = version_load(c, uuid, key, want, &m, &vm, &n, &data);
	if (rc == -ENOENT)
		return vault_lr_fail(o, 404, "%s", "");
	if (rc)
		return vault_lr_io_fail(o, rc);
	md = version_public(m, vm, n);
	json_decref(m);
	if (subkeys)
		out = json_pack("{s:o?, s:o}", "subkeys",
				data ? subkeys_of(data, depth, 1) : NULL,
				"metadata", md);
	else
		out = json_pack("{s:O?, s:o}", "data", data, "metadata", md);
	json_decref(data);
	/* deleted or destroyed: 404 carrying the metadata, as Vault */
	return vault_lr_ok(o, data ? 200 : 404, out);
}

enum vop { VOP_DELETE, VOP_UNDELETE, VOP_DESTROY };

/*
 * Soft delete / undelete / destroy of versions (NULL: the current one).
 */
static int versions_op(struct vault_core *c, const char *uuid, const char *key,
		       json_t *versions, enum vop what,
		       struct vault_logical_resp *o)
{
	char now[40], skey[KV_KEYBUF];
	json_t *m = NULL, *v;
	size_t i;
	int rc;

	if (versions &&
	    (!json_is_array(versions) || !json_array_size(versions)))
		return vault_lr_fail(o, 400, "no version number provided");
	json_array_foreach(versions, i, v)
	{
		long long n;

		if (vault_int_param(v, &n))
			return vault_lr_fail(o, 400, "invalid version number");
	}
	vault_now_time(now, 0);
	vault_kv_lock_key(c, uuid, key);
	rc = meta_load(c, uuid, key, &m);
	if (rc || !m)
		goto out;
	for (i = 0; i < (versions ? json_array_size(versions) : 1); i++) {
		long long n = vault_json_int(m, "current_version");
		json_t *vm;

		if (versions)
			vault_int_param(json_array_get(versions, i), &n);
		vm = version_meta(m, n);
		if (!vm || json_is_true(json_object_get(vm, "destroyed")))
			continue;
		switch (what) {
		case VOP_DELETE:
			if (!version_deleted(vm, now))
				json_object_set_new(vm, "deletion_time",
						    json_string(now));
			break;
		case VOP_UNDELETE:
			json_object_set_new(vm, "deletion_time",
					    json_string(""));
			break;
		case VOP_DESTROY:
			json_object_set_new(vm, "destroyed", json_true());
			ver_key(skey, uuid, key, n);
			if ((rc = vault_key_delete(c, skey)))
				goto out;
			break;
		}
	}
	json_object_set_new(m, "updated_time", json_string(now));
	rc = meta_save(c, uuid, key, m);
out:
	vault_kv_unlock_key(c, uuid, key);
	json_decref(m);
	return rc ? vault_lr_io_fail(o, rc) : vault_lr_ok(o, 204, NULL);
}

static int is_merge_patch(const struct vault_request *q)
{
	static const char want[] = "application/merge-patch+json";
	size_t n = sizeof(want) - 1;

	return q->content_type && !strncasecmp(q->content_type, want, n) &&
	       (q->content_type[n] == '\0' || q->content_type[n] == ';' ||
		q->content_type[n] == ' ');
}

int vault_kv2_handle(struct vault_core *c, const struct vault_logical_req *lr,
		     const char *uuid, const char *rest,
		     struct vault_logical_resp *o)
{
	static const char *const heads[] = {"data",	"metadata", "delete",
					    "undelete", "destroy",  "subkeys"};
	enum vault_op op = lr->req->op;
	const char *slash = strchr(rest, '/'), *key;
	size_t hl = slash ? (size_t)(slash - rest) : strlen(rest);
	size_t h;

	if (!strcmp(rest, "config"))
		return h_config(c, lr, uuid, o);
	for (h = 0; h < sizeof(heads) / sizeof(*heads); h++)
		if (strlen(heads[h]) == hl && !strncmp(rest, heads[h], hl))
			break;
	if (h == sizeof(heads) / sizeof(*heads))
		return vault_lr_fail(o, 404,
				     "no handler for route \"%.200s\". route "
				     "entry not found.",
				     lr->path);
	key = slash ? slash + 1 : "";
	if (h == 1)
		return h_metadata(c, lr, uuid, key, o);
	if (!*key || vault_ends_with_slash(key))
		return vault_lr_fail(o, 404, "%s", "");
	if (op == VAULT_OP_PATCH && !is_merge_patch(lr->req))
		return vault_lr_fail(o, 415,
				     "PATCH requires Content-Type "
				     "application/merge-patch+json");
	switch (h) {
	case 0: /* data/ */
		if (op == VAULT_OP_READ)
			return data_read(c, lr, uuid, key, 0, o);
		if (op == VAULT_OP_UPDATE || op == VAULT_OP_PATCH)
			return data_write(c, lr, uuid, key, o);
		if (op == VAULT_OP_DELETE)
			return versions_op(c, uuid, key, NULL, VOP_DELETE, o);
		break;
	case 5: /* subkeys/ */
		if (op == VAULT_OP_READ)
			return data_read(c, lr, uuid, key, 1, o);
		break;
	default: /* delete/ undelete/ destroy/ */
		if (op == VAULT_OP_UPDATE) {
			json_t *vs = json_object_get(lr->body, "versions");

			if (!vs)
				return vault_lr_fail(
				    o, 400, "no version number provided");
			return versions_op(c, uuid, key, vs,
					   h == 2   ? VOP_DELETE
					   : h == 3 ? VOP_UNDELETE
						    : VOP_DESTROY,
					   o);
		}
		break;
	}
	return vault_lr_fail(o, 405, "unsupported operation");
}
