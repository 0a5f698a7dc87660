/*
 * kv.c - the mount table and the KV secrets engines, version 1 and 2, with
 * Vault's API (sys/mounts; <mount>/config, data/, metadata/, delete/,
 * undelete/, destroy/, subkeys/; KV v1's plain key/value paths).
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
 * Writes (of the mount table and of any key's metadata) are serialised by
 * one mutex: each is a read-modify-write of a JSON document.  Reads take no
 * lock; a version written is stored before the metadata naming it, and a
 * version pruned is removed after, so a reader sees either state.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>

#include "vault/logical.h"

#define KV_DEFAULT_MAX_VERSIONS 10
#define KV_MAX_CUSTOM_KEYS 64 /* Vault's limits on custom_metadata */
#define KV_MAX_CUSTOM_KEY_LEN 128
#define KV_MAX_CUSTOM_VALUE_LEN 512
#define KV_MAX_PURGE_DEPTH 1024
#define KV_KEYBUF (VAULT_STORAGE_MAX_KEY + 1)
#define KV_DEFAULT_LEASE_TTL 2764800 /* 768h, Vault's system default */

/*
 * Writers' locks: a KV v2 write is a read-modify-write of the key's
 * metadata, so writes to one key are serialised by its stripe (a hash of
 * mount uuid and key); writes to different keys run concurrently, and
 * their storage writes share fsyncs (the SQLite group commit).  Mount
 * table changes and the mount config (which every write reads) take
 * kv_mount_lock exclusively; key writes hold it shared.
 */
#define KV_LOCK_STRIPES 64
static pthread_rwlock_t kv_mount_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t kv_key_locks[KV_LOCK_STRIPES];
static pthread_once_t kv_locks_once = PTHREAD_ONCE_INIT;

static void kv_locks_init(void)
{
	for (size_t i = 0; i < KV_LOCK_STRIPES; i++)
		pthread_mutex_init(&kv_key_locks[i], NULL);
}

static pthread_mutex_t *kv_stripe(const char *uuid, const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a over "uuid/key" */

	for (const char *p = uuid; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	h = (h ^ '/') * 16777619u;
	for (const char *p = key; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	pthread_once(&kv_locks_once, kv_locks_init);
	return &kv_key_locks[h % KV_LOCK_STRIPES];
}

static void kv_lock_key(const char *uuid, const char *key)
{
	pthread_rwlock_rdlock(&kv_mount_lock);
	pthread_mutex_lock(kv_stripe(uuid, key));
}

static void kv_unlock_key(const char *uuid, const char *key)
{
	pthread_mutex_unlock(kv_stripe(uuid, key));
	pthread_rwlock_unlock(&kv_mount_lock);
}

static const char *const reserved_mounts[] = {"sys/", "auth/", "cubbyhole/",
					      "identity/"};

/* ---- small helpers ------------------------------------------------------ */

static int fail(struct vault_logical_resp *o, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct vault_logical_resp *o, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->error, sizeof(o->error), fmt, ap);
	va_end(ap);
	json_decref(o->data);
	o->data = NULL;
	o->status = status;
	return -1;
}

/* A storage or barrier failure as a Vault error. */
static int io_fail(struct vault_logical_resp *o, int rc)
{
	if (rc == -EACCES)
		return fail(o, 503, "Vault is sealed");
	return fail(o, 500, "internal error");
}

static int ok(struct vault_logical_resp *o, int status, json_t *data)
{
	json_decref(o->data);
	o->data = data;
	o->status = status;
	if (status != 204 && !data)
		return fail(o, 500, "internal error");
	return 0;
}

static const char *query_get(const struct vault_request *q, const char *key)
{
	for (size_t i = 0; i < q->nquery && i < VAULT_MAX_QUERY; i++)
		if (q->query[i].key && !strcmp(q->query[i].key, key))
			return q->query[i].value ? q->query[i].value : "";
	return NULL;
}

/* A non-negative integer query or body parameter; -1 when malformed. */
static long long parse_count(const char *s)
{
	char *end;
	long long n;

	if (!s || !*s)
		return 0;
	errno = 0;
	n = strtoll(s, &end, 10);
	return *end || errno || n < 0 ? -1 : n;
}

static int ends_with_slash(const char *s)
{
	size_t n = strlen(s);

	return n && s[n - 1] == '/';
}

static void fmt_time(const struct timespec *ts, char out[40])
{
	struct tm tm;
	char sec[24];

	gmtime_r(&ts->tv_sec, &tm);
	strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 40, "%s.%09ldZ", sec, ts->tv_nsec);
}

static void now_time(char out[40], long long plus_seconds)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)plus_seconds;
	fmt_time(&ts, out);
}

/*
 * A Go duration ("3h25m19s", "90s", "1.5h" is not accepted) or a plain
 * number of seconds into *ret; -1 when malformed or over 100 years.
 */
static int parse_duration(const char *s, long long *ret)
{
	long long total = 0;

	if (!s || !*s)
		return -1;
	if (!strcmp(s, "0"))
		return *ret = 0, 0;
	while (*s) {
		char *end;
		long long n, mul;

		errno = 0;
		n = strtoll(s, &end, 10);
		if (end == s || errno || n < 0 || n > 3153600000LL)
			return -1;
		s = end;
		switch (*s) {
		case '\0':
			if (total)
				return -1;
			mul = 1; /* bare seconds */
			break;
		case 'h':
			mul = 3600;
			s++;
			break;
		case 'm':
			mul = 60;
			s++;
			break;
		case 's':
			mul = 1;
			s++;
			break;
		default:
			return -1;
		}
		total += n * mul;
		if (total > 3153600000LL)
			return -1;
	}
	*ret = total;
	return 0;
}

/* Go's time.Duration String() for whole seconds: "0s", "30s", "1h0m0s". */
static void fmt_duration(long long s, char out[32])
{
	if (s < 60)
		snprintf(out, 32, "%llds", s);
	else if (s < 3600)
		snprintf(out, 32, "%lldm%llds", s / 60, s % 60);
	else
		snprintf(out, 32, "%lldh%lldm%llds", s / 3600, s % 3600 / 60,
			 s % 60);
}

/* A "delete_version_after" parameter normalised; -1 when malformed. */
static int duration_param(json_t *v, long long *secs)
{
	if (json_is_integer(v)) {
		*secs = json_integer_value(v);
		return *secs < 0 || *secs > 3153600000LL ? -1 : 0;
	}
	return json_is_string(v) ? parse_duration(json_string_value(v), secs)
				 : -1;
}

static long long json_int(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* An integer parameter that may come as a JSON number or a string. */
static int int_param(json_t *v, long long *ret)
{
	if (!v)
		return 1; /* absent */
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*ret = json_integer_value(v);
		return 0;
	}
	if (json_is_string(v)) {
		long long n = parse_count(json_string_value(v));

		if (n >= 0 && *json_string_value(v)) {
			*ret = n;
			return 0;
		}
	}
	return -1;
}

static int bool_param(json_t *v, int *ret)
{
	if (!v)
		return 1;
	if (json_is_boolean(v)) {
		*ret = json_is_true(v);
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);

		if (!strcmp(s, "true") || !strcmp(s, "1"))
			return *ret = 1, 0;
		if (!strcmp(s, "false") || !strcmp(s, "0"))
			return *ret = 0, 0;
	}
	return -1;
}

/* ---- JSON documents through the barrier --------------------------------- */

static int jget(struct vault_core *c, const char *key, json_t **ret)
{
	uint8_t *v = NULL;
	size_t n = 0;
	struct bw_error err;
	json_t *j;
	int rc;

	bw_error_clear(&err);
	rc = vault_barrier_get(c->b, key, &v, &n, &err);
	if (rc)
		return rc;
	j = json_loadb((const char *)v, n, 0, NULL);
	vault_secure_free(v, n);
	if (!j)
		return -EBADMSG;
	*ret = j;
	return 0;
}

static int jput(struct vault_core *c, const char *key, json_t *j)
{
	struct bw_error err;
	char *t = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t n;
	int rc;

	if (!t)
		return -ENOMEM;
	n = strlen(t);
	bw_error_clear(&err);
	rc = vault_barrier_put(c->b, key, (const uint8_t *)t, n, &err);
	vault_secure_free(t, n);
	return rc;
}

static int sdelete(struct vault_core *c, const char *key)
{
	struct bw_error err;

	bw_error_clear(&err);
	return vault_barrier_delete(c->b, key, &err);
}

/* Deletes every entry under prefix (ending in "/"), folders recursively. */
static int purge(struct vault_core *c, const char *prefix, int depth)
{
	struct bw_error err;
	json_t *keys = NULL, *k;
	size_t i, plen = strlen(prefix);
	int rc;

	if (depth > KV_MAX_PURGE_DEPTH)
		return -ELOOP;
	bw_error_clear(&err);
	rc = vault_barrier_list(c->b, prefix, &keys, &err);
	if (rc)
		return rc;
	json_array_foreach(keys, i, k)
	{
		const char *s = json_string_value(k);
		size_t n = s ? strlen(s) : 0;
		char *child;

		if (!n || plen + n >= KV_KEYBUF)
			continue;
		child = malloc(plen + n + 1);
		if (!child) {
			rc = -ENOMEM;
			break;
		}
		memcpy(child, prefix, plen);
		memcpy(child + plen, s, n + 1);
		rc = s[n - 1] == '/' ? purge(c, child, depth + 1)
				     : sdelete(c, child);
		free(child);
		if (rc)
			break;
	}
	json_decref(keys);
	return rc;
}

/* ---- the mount table ---------------------------------------------------- */

static int mounts_load(struct vault_core *c, json_t **ret)
{
	int rc = jget(c, VAULT_MOUNTS_PATH, ret);

	if (rc == -ENOENT) {
		*ret = json_object();
		return *ret ? 0 : -ENOMEM;
	}
	if (!rc && !json_is_object(*ret)) {
		json_decref(*ret);
		return -EBADMSG;
	}
	return rc;
}

/* The mount table as cached by the barrier: SHARED, read-only (request
 * routing and reads; the changes under kv_mount_lock use mounts_load). */
static int mounts_shared(struct vault_core *c, json_t **ret)
{
	struct bw_error err;
	int rc;

	bw_error_clear(&err);
	rc = vault_barrier_get_doc(c->b, VAULT_MOUNTS_PATH, ret, &err);
	if (rc == -ENOENT) {
		*ret = json_object();
		return *ret ? 0 : -ENOMEM;
	}
	if (!rc && !json_is_object(*ret)) {
		json_decref(*ret);
		return -EBADMSG;
	}
	return rc;
}

static json_t *mount_entry_new(int version, const char *description)
{
	char uuid[37], accessor[16];

	vault_uuid(uuid);
	snprintf(accessor, sizeof(accessor), "kv_%.8s", uuid);
	return json_pack(
	    "{s:s, s:s, s:s, s:s, s:{s:s}, s:{s:I, s:I, s:b}, s:b, s:b, s:b, "
	    "s:s, s:s, s:s}",
	    "type", "kv", "uuid", uuid, "accessor", accessor, "description",
	    description ? description : "", "options", "version",
	    version == 2 ? "2" : "1", "config", "default_lease_ttl",
	    (json_int_t)0, "max_lease_ttl", (json_int_t)0, "force_no_cache", 0,
	    "local", 0, "seal_wrap", 0, "external_entropy_access", 0,
	    "plugin_version", "", "running_plugin_version", "v0.0.0+builtin",
	    "running_sha256", "");
}

int vault_mounts_init_default(struct vault_core *c, struct bw_error *err)
{
	json_t *t = json_object();
	json_t *e = mount_entry_new(2, "key/value secret storage");
	int rc;

	if (!t || !e || json_object_set_new(t, "secret/", e)) {
		json_decref(t);
		return -ENOMEM;
	}
	rc = jput(c, VAULT_MOUNTS_PATH, t);
	json_decref(t);
	if (rc)
		return bw_errorf(err, rc, NULL, 0, 0,
				 "cannot write the mount table");
	return 0;
}

/* "1" or "" → 1, "2" → 2, else -1. */
static int version_of(const char *s)
{
	if (!s)
		return -1;
	if (!*s || !strcmp(s, "1"))
		return 1;
	return !strcmp(s, "2") ? 2 : -1;
}

static int mount_version(json_t *entry)
{
	const char *v = json_string_value(
	    json_object_get(json_object_get(entry, "options"), "version"));

	return v && !strcmp(v, "2") ? 2 : 1;
}

/*
 * The mount serving path: the longest mount path that is a prefix of path
 * (or equals path + "/").  Sets *ret_mount (borrowed from t) and *rest.
 */
static json_t *mount_find(json_t *t, const char *path, const char **ret_mount,
			  const char **rest)
{
	const char *k, *best = NULL;
	json_t *v, *bestv = NULL;
	size_t plen = strlen(path), blen = 0;

	json_object_foreach(t, k, v)
	{
		size_t n = strlen(k);

		if (n <= blen)
			continue;
		if (!strncmp(path, k, n) ||
		    (plen + 1 == n && !strncmp(path, k, plen))) {
			best = k;
			bestv = v;
			blen = n;
		}
	}
	if (!best)
		return NULL;
	*ret_mount = best;
	*rest = blen <= plen ? path + blen : path + plen;
	return bestv;
}

/* The public form of an entry, as sys/mounts lists it. */
static json_t *mount_public(json_t *entry) { return json_deep_copy(entry); }

static json_t *sys_mount_entry(void)
{
	return json_pack(
	    "{s:s, s:s, s:s, s:s, s:n, s:{s:I, s:I, s:b}, s:b, "
	    "s:b, s:b}",
	    "type", "system", "uuid", "", "accessor", "system", "description",
	    "system endpoints used for control, "
	    "policy and debugging",
	    "options", "config", "default_lease_ttl", (json_int_t)0,
	    "max_lease_ttl", (json_int_t)0, "force_no_cache", 0, "local", 0,
	    "seal_wrap", 0, "external_entropy_access", 0);
}

static int h_mounts_list(struct vault_core *c, struct vault_logical_resp *o)
{
	json_t *t = NULL, *out, *v;
	const char *k;
	int rc = mounts_shared(c, &t);

	if (rc)
		return io_fail(o, rc);
	out = json_object();
	json_object_foreach(t, k, v)
	    json_object_set_new(out, k, mount_public(v));
	json_object_set_new(out, "sys/", sys_mount_entry());
	json_decref(t);
	if ((rc = vault_cubbyhole_mount_entry(c, &v))) {
		json_decref(out);
		return io_fail(o, rc);
	}
	json_object_set_new(out, "cubbyhole/", v);
	return ok(o, 200, out);
}

/* Copies a mount path from a request, adding the trailing "/". */
static int mount_path_arg(const char *in, char out[VAULT_MAX_PATH + 2])
{
	size_t n = strlen(in);

	if (!n || n > VAULT_MAX_PATH)
		return -EINVAL;
	memcpy(out, in, n + 1);
	if (out[n - 1] != '/') {
		out[n] = '/';
		out[n + 1] = '\0';
	}
	return 0;
}

static int h_mount_enable(struct vault_core *c,
			  const struct vault_logical_req *lr, const char *mpath,
			  struct vault_logical_resp *o)
{
	json_t *type = json_object_get(lr->body, "type");
	json_t *opts = json_object_get(lr->body, "options");
	json_t *desc = json_object_get(lr->body, "description");
	json_t *ver = json_object_get(opts, "version");
	json_t *t = NULL, *v, *e;
	const char *ts, *k;
	int version = 1, rc;

	if (json_is_null(desc)) /* clients (hvac) send unset fields as null */
		desc = NULL;
	if (json_is_null(ver))
		ver = NULL;
	if (!json_is_string(type) || !*json_string_value(type))
		return fail(o, 400, "missing type");
	if ((opts && !json_is_object(opts) && !json_is_null(opts)) ||
	    (desc && !json_is_string(desc)))
		return fail(o, 400, "invalid options or description");
	ts = json_string_value(type);
	if (!strcmp(ts, "kv-v2"))
		version = 2;
	else if (strcmp(ts, "kv") && strcmp(ts, "generic"))
		return fail(o, 400, "plugin not found in the catalog: %.64s",
			    ts);
	if (json_is_string(ver) && !strcmp(json_string_value(ver), "2"))
		version = 2;
	else if (json_is_integer(ver) && json_integer_value(ver) == 2)
		version = 2;
	else if (ver &&
		 !(json_is_string(ver) &&
		   (!strcmp(json_string_value(ver), "1") ||
		    !*json_string_value(ver))) &&
		 !(json_is_integer(ver) && json_integer_value(ver) == 1))
		return fail(o, 400, "invalid KV version");
	for (size_t i = 0;
	     i < sizeof(reserved_mounts) / sizeof(*reserved_mounts); i++) {
		size_t n = strlen(reserved_mounts[i]);

		if (!strncmp(mpath, reserved_mounts[i], n) ||
		    !strncmp(mpath, reserved_mounts[i], strlen(mpath)))
			return fail(o, 400, "cannot mount under \"%s\"",
				    reserved_mounts[i]);
	}
	pthread_rwlock_wrlock(&kv_mount_lock);
	rc = mounts_load(c, &t);
	if (rc) {
		pthread_rwlock_unlock(&kv_mount_lock);
		return io_fail(o, rc);
	}
	json_object_foreach(t, k, v)
	{
		size_t a = strlen(k), b = strlen(mpath);

		if (!strncmp(k, mpath, a < b ? a : b)) {
			pthread_rwlock_unlock(&kv_mount_lock);
			fail(o, 400, "path is already in use at %.200s", k);
			json_decref(t);
			return -1;
		}
	}
	e = mount_entry_new(version, desc ? json_string_value(desc) : NULL);
	if (!e || json_object_set_new(t, mpath, e))
		rc = -ENOMEM;
	else
		rc = jput(c, VAULT_MOUNTS_PATH, t);
	pthread_rwlock_unlock(&kv_mount_lock);
	json_decref(t);
	return rc ? io_fail(o, rc) : ok(o, 204, NULL);
}

static int h_mount_disable(struct vault_core *c, const char *mpath,
			   struct vault_logical_resp *o)
{
	char prefix[128];
	json_t *t = NULL, *e;
	int rc;

	if (!strcmp(mpath, "sys/"))
		return fail(o, 400, "cannot unmount \"sys/\"");
	pthread_rwlock_wrlock(&kv_mount_lock);
	rc = mounts_load(c, &t);
	if (rc)
		goto out;
	e = json_object_get(t, mpath);
	if (!e)
		goto out; /* nothing there: done, as Vault */
	snprintf(prefix, sizeof(prefix), "%s%s/", VAULT_LOGICAL_PREFIX,
		 json_string_value(json_object_get(e, "uuid")));
	json_object_del(t, mpath);
	/* the table first: a crash mid-purge leaves garbage, not a mount */
	rc = jput(c, VAULT_MOUNTS_PATH, t);
	if (!rc)
		rc = purge(c, prefix, 0);
out:
	pthread_rwlock_unlock(&kv_mount_lock);
	json_decref(t);
	return rc ? io_fail(o, rc) : ok(o, 204, NULL);
}

static int h_mount_tune(struct vault_core *c,
			const struct vault_logical_req *lr, const char *mpath,
			struct vault_logical_resp *o)
{
	json_t *t = NULL, *e, *opts, *desc, *ver, *cfg;
	int rc;

	pthread_rwlock_wrlock(&kv_mount_lock);
	rc = mounts_load(c, &t);
	if (rc) {
		pthread_rwlock_unlock(&kv_mount_lock);
		return io_fail(o, rc);
	}
	e = json_object_get(t, mpath);
	if (!e) {
		pthread_rwlock_unlock(&kv_mount_lock);
		json_decref(t);
		return fail(o, 400, "no mount at %.200s", mpath);
	}
	cfg = json_object_get(e, "config");
	if (lr->req->op == VAULT_OP_READ) {
		long long d = json_int(cfg, "default_lease_ttl");
		long long m = json_int(cfg, "max_lease_ttl");
		json_t *out = json_pack(
		    "{s:I, s:I, s:b, s:O, s:O}", "default_lease_ttl",
		    (json_int_t)(d ? d : KV_DEFAULT_LEASE_TTL), "max_lease_ttl",
		    (json_int_t)(m ? m : KV_DEFAULT_LEASE_TTL),
		    "force_no_cache", 0, "description",
		    json_object_get(e, "description"), "options",
		    json_object_get(e, "options"));

		pthread_rwlock_unlock(&kv_mount_lock);
		json_decref(t);
		return ok(o, 200, out);
	}
	desc = json_object_get(lr->body, "description");
	if (json_is_null(desc))
		desc = NULL;
	opts = json_object_get(lr->body, "options");
	ver = json_object_get(opts, "version");
	if ((desc && !json_is_string(desc)) ||
	    (ver && (!json_is_string(ver) ||
		     version_of(json_string_value(ver)) != mount_version(e)))) {
		pthread_rwlock_unlock(&kv_mount_lock);
		json_decref(t);
		return fail(o, 400,
			    "changing the KV version of a mount is not "
			    "supported");
	}
	if (desc)
		json_object_set(e, "description", desc);
	for (const char *const *k =
		 (const char *const[]){"default_lease_ttl", "max_lease_ttl",
				       NULL};
	     *k; k++) {
		long long secs;
		json_t *v = json_object_get(lr->body, *k);

		if (!v)
			continue;
		if (duration_param(v, &secs)) {
			pthread_rwlock_unlock(&kv_mount_lock);
			json_decref(t);
			return fail(o, 400, "invalid %s", *k);
		}
		json_object_set_new(cfg, *k, json_integer(secs));
	}
	rc = jput(c, VAULT_MOUNTS_PATH, t);
	pthread_rwlock_unlock(&kv_mount_lock);
	json_decref(t);
	return rc ? io_fail(o, rc) : ok(o, 204, NULL);
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
	static const char digits[] = "0123456789abcdef";
	uint8_t md[32];
	unsigned mdlen = 0;
	char hex[65];

	EVP_Digest(key, strlen(key), md, &mdlen, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
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
		return io_fail(o, rc);
	if (!json_array_size(keys)) {
		json_decref(keys);
		return fail(o, 404, "%s", "");
	}
	return ok(o, 200, json_pack("{s:o}", "keys", keys));
}

/* The storage prefix for listing key (a folder, "/" added if missing). */
static int list_prefix(char out[KV_KEYBUF], const char *base, const char *key)
{
	int n = snprintf(out, KV_KEYBUF, "%s%s%s", base, key,
			 !*key || ends_with_slash(key) ? "" : "/");

	return n < 0 || n >= KV_KEYBUF ? -ENAMETOOLONG : 0;
}

static int kv1(struct vault_core *c, const struct vault_logical_req *lr,
	       const char *uuid, const char *key, struct vault_logical_resp *o)
{
	char base[128], skey[KV_KEYBUF];
	json_t *v = NULL;
	int rc;

	snprintf(base, sizeof(base), "%s%s/", VAULT_LOGICAL_PREFIX, uuid);
	if (lr->req->op == VAULT_OP_LIST) {
		if (list_prefix(skey, base, key))
			return fail(o, 400, "path too long");
		return list_keys(c, skey, o);
	}
	if (!*key || ends_with_slash(key))
		return fail(o, 404, "%s", "");
	if (snprintf(skey, sizeof(skey), "%s%s", base, key) >= KV_KEYBUF)
		return fail(o, 400, "path too long");
	switch (lr->req->op) {
	case VAULT_OP_READ:
		rc = jget(c, skey, &v);
		if (rc == -ENOENT)
			return fail(o, 404, "%s", "");
		return rc ? io_fail(o, rc) : ok(o, 200, v);
	case VAULT_OP_UPDATE:
		rc = jput(c, skey, lr->body);
		return rc ? io_fail(o, rc) : ok(o, 204, NULL);
	case VAULT_OP_DELETE:
		rc = sdelete(c, skey);
		return rc ? io_fail(o, rc) : ok(o, 204, NULL);
	default:
		return fail(o, 405, "unsupported operation");
	}
}

/* ---- KV version 2: configuration and metadata -----------------------------
 */

static int cfg_load(struct vault_core *c, const char *uuid, json_t **ret)
{
	char key[128];
	int rc;

	snprintf(key, sizeof(key), "%s%s/config", VAULT_LOGICAL_PREFIX, uuid);
	rc = jget(c, key, ret);
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
	rc = jget(c, skey, ret);
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
	return jput(c, skey, m);
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

	if (parse_duration(
		json_string_value(json_object_get(o, "delete_version_after")),
		&s))
		return 0;
	return s;
}

static long long max_versions(json_t *cfg, json_t *m)
{
	long long a = json_int(cfg, "max_versions"),
		  b = json_int(m, "max_versions");
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
		if (int_param(v, &n) || n > 1000000)
			return fail(o, 400, "invalid max_versions");
		json_object_set_new(dst, "max_versions", json_integer(n));
	}
	if ((v = json_object_get(body, "cas_required")) && !json_is_null(v)) {
		if (bool_param(v, &b))
			return fail(o, 400, "invalid cas_required");
		json_object_set_new(dst, "cas_required", json_boolean(b));
	}
	if ((v = json_object_get(body, "delete_version_after")) &&
	    !json_is_null(v)) {
		char d[32];

		if (duration_param(v, &n))
			return fail(o, 400, "invalid delete_version_after");
		fmt_duration(n, d);
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
			return fail(o, 400, "custom_metadata must be a map");
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
				return fail(
				    o, 400,
				    "custom_metadata keys must be 1-128 "
				    "bytes and values strings of at "
				    "most 512 bytes");
			}
			json_object_set(out, k, x);
		}
		if (json_object_size(out) > KV_MAX_CUSTOM_KEYS) {
			json_decref(out);
			return fail(o, 400,
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
		return rc ? io_fail(o, rc) : ok(o, 200, cfg);
	}
	if (lr->req->op != VAULT_OP_UPDATE)
		return fail(o, 405, "unsupported operation");
	pthread_rwlock_wrlock(&kv_mount_lock);
	rc = cfg_load(c, uuid, &cfg);
	if (!rc && apply_settings(cfg, lr->body, 0, 0, o)) {
		pthread_rwlock_unlock(&kv_mount_lock);
		json_decref(cfg);
		return -1;
	}
	if (!rc)
		rc = jput(c, key, cfg);
	pthread_rwlock_unlock(&kv_mount_lock);
	json_decref(cfg);
	return rc ? io_fail(o, rc) : ok(o, 204, NULL);
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
		ver_key(skey, uuid, key, parse_count(k));
		if ((rc = sdelete(c, skey)))
			return rc;
	}
	if (meta_key(skey, uuid, key))
		return -ENAMETOOLONG;
	return sdelete(c, skey);
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
			return fail(o, 400, "path too long");
		return list_keys(c, skey, o);
	}
	if (!*key || ends_with_slash(key))
		return fail(o, 404, "%s", "");
	if (lr->req->op == VAULT_OP_READ) {
		rc = meta_shared(c, uuid, key, &m);
		if (rc)
			return io_fail(o, rc);
		return m ? ok(o, 200, m) : fail(o, 404, "%s", "");
	}
	now_time(now, 0);
	kv_lock_key(uuid, key);
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
			kv_unlock_key(uuid, key);
			return fail(o, 404, "%s", "");
		}
		/* fall through */
	case VAULT_OP_UPDATE:
		if (!m && !(m = meta_new(now))) {
			rc = -ENOMEM;
			break;
		}
		if (apply_settings(m, lr->body, 1,
				   lr->req->op == VAULT_OP_PATCH, o)) {
			kv_unlock_key(uuid, key);
			json_decref(m);
			return -1;
		}
		json_object_set_new(m, "updated_time", json_string(now));
		rc = meta_save(c, uuid, key, m);
		break;
	default:
		kv_unlock_key(uuid, key);
		json_decref(m);
		return fail(o, 405, "unsupported operation");
	}
out:
	kv_unlock_key(uuid, key);
	json_decref(m);
	return rc ? io_fail(o, rc) : ok(o, 204, NULL);
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
		n = json_int(m, "current_version");
	vm = version_meta(m, n);
	if (!vm) {
		json_decref(m);
		return -ENOENT;
	}
	now_time(now, 0);
	*ret_data = NULL;
	if (!json_is_true(json_object_get(vm, "destroyed")) &&
	    !version_deleted(vm, now)) {
		ver_key(skey, uuid, key, n);
		rc = jget(c, skey, &doc);
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
		return fail(o, 400, "no data provided");
	if (cas && (int_param(cas, &casv) || casv < 0))
		return fail(o, 400, "invalid cas parameter");
	now_time(now, 0);
	kv_lock_key(uuid, key);
	rc = cfg_load(c, uuid, &cfg);
	if (!rc)
		rc = meta_load(c, uuid, key, &m);
	if (rc)
		goto io;
	cur = m ? json_int(m, "current_version") : 0;
	if ((json_is_true(json_object_get(cfg, "cas_required")) ||
	     json_is_true(json_object_get(m, "cas_required"))) &&
	    !cas) {
		fail(o, 400, "check-and-set parameter required for this call");
		goto out;
	}
	if (cas && casv != cur) {
		fail(o, 400,
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
			fail(o, 404, "%s", "");
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
	rc = doc ? jput(c, skey, doc) : -ENOMEM;
	json_decref(doc);
	if (rc)
		goto io;
	dva = duration_of(m);
	if (!dva)
		dva = duration_of(cfg);
	if (dva)
		now_time(del, dva);
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
			if (parse_count(k) <= upto)
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
		ver_key(
		    skey, uuid, key,
		    parse_count(json_string_value(json_array_get(pruned, i))));
		rc = sdelete(c, skey);
	}
	if (rc)
		goto io;
	out = version_public(m, version_meta(m, n), n);
	ok(o, 200, out);
	goto out;
io:
	io_fail(o, rc);
out:
	kv_unlock_key(uuid, key);
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
	long long want = parse_count(query_get(lr->req, "version"));
	long long depth = parse_count(query_get(lr->req, "depth"));
	json_t *m = NULL, *vm = NULL, *data = NULL, *md, *out;
	long long n = 0;
	int rc;

	if (want < 0)
		return fail(o, 400, "invalid version");
	if (depth < 0)
		return fail(o, 400, "invalid depth");
	rc = version_load(c, uuid, key, want, &m, &vm, &n, &data);
	if (rc == -ENOENT)
		return fail(o, 404, "%s", "");
	if (rc)
		return io_fail(o, rc);
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
	return ok(o, data ? 200 : 404, out);
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
		return fail(o, 400, "no version number provided");
	json_array_foreach(versions, i, v)
	{
		long long n;

		if (int_param(v, &n))
			return fail(o, 400, "invalid version number");
	}
	now_time(now, 0);
	kv_lock_key(uuid, key);
	rc = meta_load(c, uuid, key, &m);
	if (rc || !m)
		goto out;
	for (i = 0; i < (versions ? json_array_size(versions) : 1); i++) {
		long long n = json_int(m, "current_version");
		json_t *vm;

		if (versions)
			int_param(json_array_get(versions, i), &n);
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
			if ((rc = sdelete(c, skey)))
				goto out;
			break;
		}
	}
	json_object_set_new(m, "updated_time", json_string(now));
	rc = meta_save(c, uuid, key, m);
out:
	kv_unlock_key(uuid, key);
	json_decref(m);
	return rc ? io_fail(o, rc) : ok(o, 204, NULL);
}

static int is_merge_patch(const struct vault_request *q)
{
	static const char want[] = "application/merge-patch+json";
	size_t n = sizeof(want) - 1;

	return q->content_type && !strncasecmp(q->content_type, want, n) &&
	       (q->content_type[n] == '\0' || q->content_type[n] == ';' ||
		q->content_type[n] == ' ');
}

static int kv2(struct vault_core *c, const struct vault_logical_req *lr,
	       const char *uuid, const char *rest, struct vault_logical_resp *o)
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
		return fail(o, 404,
			    "no handler for route \"%.200s\". route "
			    "entry not found.",
			    lr->path);
	key = slash ? slash + 1 : "";
	if (h == 1)
		return h_metadata(c, lr, uuid, key, o);
	if (!*key || ends_with_slash(key))
		return fail(o, 404, "%s", "");
	if (op == VAULT_OP_PATCH && !is_merge_patch(lr->req))
		return fail(o, 415,
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
				return fail(o, 400,
					    "no version number provided");
			return versions_op(c, uuid, key, vs,
					   h == 2   ? VOP_DELETE
					   : h == 3 ? VOP_UNDELETE
						    : VOP_DESTROY,
					   o);
		}
		break;
	}
	return fail(o, 405, "unsupported operation");
}

/* ---- dispatch -------------------------------------------------------------
 */

static int h_sys_mounts(struct vault_core *c,
			const struct vault_logical_req *lr, const char *arg,
			struct vault_logical_resp *o)
{
	char mpath[VAULT_MAX_PATH + 2];
	size_t n = strlen(arg);
	enum vault_op op = lr->req->op;
	int tune = n > 5 && !strcmp(arg + n - 5, "/tune");
	json_t *t = NULL, *e;
	int rc;

	if (tune) {
		char tmp[VAULT_MAX_PATH + 2];

		memcpy(tmp, arg, n - 5);
		tmp[n - 5] = '\0';
		if (mount_path_arg(tmp, mpath))
			return fail(o, 400, "invalid mount path");
		if (op != VAULT_OP_READ && op != VAULT_OP_UPDATE)
			return fail(o, 405, "unsupported operation");
		return h_mount_tune(c, lr, mpath, o);
	}
	if (mount_path_arg(arg, mpath))
		return fail(o, 400, "invalid mount path");
	switch (op) {
	case VAULT_OP_UPDATE:
		return h_mount_enable(c, lr, mpath, o);
	case VAULT_OP_DELETE:
		return h_mount_disable(c, mpath, o);
	case VAULT_OP_READ:
		if ((rc = mounts_shared(c, &t)))
			return io_fail(o, rc);
		e = json_object_get(t, mpath);
		if (!e) {
			json_decref(t);
			return fail(o, 400, "no mount at %.200s", mpath);
		}
		e = mount_public(e);
		json_decref(t);
		return ok(o, 200, e);
	default:
		return fail(o, 405, "unsupported operation");
	}
}

int vault_logical_handle(struct vault_core *c,
			 const struct vault_logical_req *lr,
			 struct vault_logical_resp *o)
{
	const char *path = lr->path, *mpath = NULL, *rest = NULL, *uuid;
	json_t *t = NULL, *e;
	int rc, ui = 0;

	o->status = 500;
	o->data = NULL;
	o->mount_type = NULL;
	o->error[0] = '\0';
	if (vault_cubbyhole_handle(c, lr, o))
		return 1;
	if (!strcmp(path, "sys/mounts")) {
		if (lr->req->op == VAULT_OP_READ)
			h_mounts_list(c, o);
		else
			fail(o, 405, "unsupported operation");
		return 1;
	}
	if (!strncmp(path, "sys/mounts/", 11)) {
		h_sys_mounts(c, lr, path + 11, o);
		return 1;
	}
	if (!strncmp(path, "sys/internal/ui/mounts/", 23)) {
		ui = 1;
		path += 23;
	} else if (!strncmp(path, "sys/", 4)) {
		return 0;
	}
	rc = mounts_shared(c, &t);
	if (rc) {
		io_fail(o, rc);
		return 1;
	}
	e = mount_find(t, path, &mpath, &rest);
	if (!e) {
		json_decref(t);
		if (!ui)
			return 0;
		fail(o, 404, "%s", "");
		return 1;
	}
	if (ui) {
		json_t *out = mount_public(e);

		if (lr->req->op != VAULT_OP_READ)
			fail(o, 405, "unsupported operation");
		else if (out &&
			 !json_object_set_new(out, "path", json_string(mpath)))
			ok(o, 200, json_incref(out));
		json_decref(out);
		json_decref(t);
		return 1;
	}
	o->mount_type = "kv";
	uuid = json_string_value(json_object_get(e, "uuid"));
	if (!uuid || strlen(uuid) > 64)
		fail(o, 500, "internal error");
	else if (mount_version(e) == 2)
		kv2(c, lr, uuid, rest, o);
	else
		kv1(c, lr, uuid, rest, o);
	json_decref(t);
	return 1;
}
