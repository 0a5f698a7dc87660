/*
 * cubbyhole.c - Vault's cubbyhole secrets engine: every token's private
 * key/value store at cubbyhole/, and its place in the mount endpoints.
 *
 * cubbyhole/<path> reads, writes, deletes and lists act on storage scoped
 * to the calling token alone, so no other token (root included) can see
 * it.  Values are stored as KV v1 stores them (the request's JSON object,
 * returned as-is, no lease), under
 *   cubbyhole/<token id_hash>/<path>
 * through the barrier.  That prefix is outside "logical/" (no mount
 * reaches it) and the token's hash is never shown to anyone; the values
 * are secret, so they are read with vault_barrier_get (decrypted per read)
 * and never enter the barrier's document cache.
 *
 * Lifetime: token.c calls vault_cubbyhole_purge from the one place a
 * token entry is deleted (revoke, expiry reaped at lookup, last use,
 * parent revoked), after the entry is gone.  A write checks that its token
 * still exists after storing, and purges when it does not, so a write
 * racing a revocation leaves nothing behind: either the purge lists after
 * the write, or the write sees the entry gone.  On the last use of a
 * token with num_uses the token is revoked before the request runs (the
 * router counts the use first), so such a request finds an empty
 * cubbyhole; Vault revokes after the request.
 *
 * The mount: cubbyhole/ is always mounted (type "cubbyhole"), appears in
 * sys/mounts and sys/internal/ui/mounts, and cannot be disabled, tuned,
 * moved or mounted again (Vault's errors).  It is not in the mount table
 * (kv.c routes that table's paths); its uuid and accessor are made once
 * and kept under core/cubbyhole-mount so they are stable across restarts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault/logical.h"
#include "vault/token_int.h"

#define CUBBY_MOUNT "cubbyhole/"
#define CUBBY_IDS_PATH "core/cubbyhole-mount"
#define CUBBY_KEYBUF (VAULT_STORAGE_MAX_KEY + 1)
#define CUBBY_DEFAULT_LEASE_TTL 2764800 /* 768h, as kv.c */

/* ---- helpers ------------------------------------------------------------ */

/* The shared response helpers, returning 1 ("answered", as
 * vault_cubbyhole_handle does) instead of their -1/0. */
static int fail(struct vault_logical_resp *o, int status, const char *msg)
{
	vault_lr_fail(o, status, "%s", msg);
	return 1;
}

static int io_fail(struct vault_logical_resp *o, int rc)
{
	vault_lr_io_fail(o, rc);
	return 1;
}

static int ok(struct vault_logical_resp *o, int status, json_t *data)
{
	vault_lr_ok(o, status, data);
	return 1;
}

/* A token hash as token.c makes it: 64 lower-case hex digits. */
static int hash_valid(const char *h)
{
	size_t i;

	if (!h)
		return 0;
	for (i = 0; h[i]; i++)
		if (i >= 64 || !((h[i] >= '0' && h[i] <= '9') ||
				 (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return i == 64;
}

/* "cubbyhole/<hash>/<rest><tail>" into out: 0 or -ENAMETOOLONG. */
static int storage_key(char out[CUBBY_KEYBUF], const char *hash,
		       const char *rest, const char *tail)
{
	int n = snprintf(out, CUBBY_KEYBUF, "%s%s/%s%s", CUBBY_MOUNT, hash,
			 rest, tail);

	return n < 0 || n >= CUBBY_KEYBUF ? -ENAMETOOLONG : 0;
}

int vault_cubbyhole_purge(struct vault_core *c, const char *token_hash,
			  struct bw_error *err)
{
	char prefix[sizeof(CUBBY_MOUNT) + 66];

	if (!hash_valid(token_hash))
		return 0; /* token.c never stores another kind: nothing here */
	snprintf(prefix, sizeof(prefix), "%s%s/", CUBBY_MOUNT, token_hash);
	return vault_purge_prefix(c, prefix, 0, err);
}

/* ---- the engine --------------------------------------------------------- */

static int cubby_list(struct vault_core *c, const char *hash, const char *rest,
		      struct vault_logical_resp *o)
{
	char key[CUBBY_KEYBUF];
	struct bw_error err;
	json_t *keys = NULL;
	int rc;

	/* "a" lists the folder "a/", as KV v1 and Vault's cubbyhole */
	if (storage_key(key, hash, rest,
			!*rest || vault_ends_with_slash(rest) ? "" : "/"))
		return fail(o, 400, "path too long");
	bw_error_clear(&err);
	rc = vault_barrier_list(c->b, key, &keys, &err);
	if (rc)
		return io_fail(o, rc);
	if (!json_array_size(keys)) {
		json_decref(keys);
		return fail(o, 404, "");
	}
	return ok(o, 200, json_pack("{s:o}", "keys", keys));
}

static int cubby_read(struct vault_core *c, const char *key,
		      struct vault_logical_resp *o)
{
	struct bw_error err;
	uint8_t *v = NULL;
	size_t n = 0;
	json_t *j;
	int rc;

	bw_error_clear(&err);
	rc = vault_barrier_get(c->b, key, &v, &n, &err);
	if (rc == -ENOENT)
		return fail(o, 404, "");
	if (rc)
		return io_fail(o, rc);
	j = json_loadb((const char *)v, n, 0, NULL);
	vault_secure_free(v, n);
	if (!json_is_object(j)) {
		json_decref(j);
		return fail(o, 500, "internal error");
	}
	return ok(o, 200, j);
}

static int cubby_write(struct vault_core *c, const char *hash, const char *key,
		       json_t *body, struct vault_logical_resp *o)
{
	struct bw_error err;
	json_t *e = NULL;
	char *text;
	size_t n;
	int rc;

	if (!json_object_size(body))
		return fail(o, 400, "missing data fields");
	text = json_dumps(body, JSON_COMPACT); /* owned here, secret */
	if (!text)
		return fail(o, 500, "internal error");
	n = strlen(text);
	bw_error_clear(&err);
	rc = vault_barrier_put(c->b, key, (const uint8_t *)text, n, &err);
	vault_secure_free(text, n);
	if (rc)
		return io_fail(o, rc);
	/* the token revoked meanwhile (or by this request's last use): its
	 * cubbyhole must not outlive it (see the top of the file) */
	rc = vault_token_lookup_hash(c, hash, &e, &err);
	json_decref(e);
	if (rc == -EPERM)
		rc = vault_cubbyhole_purge(c, hash, &err);
	if (rc)
		return io_fail(o, rc);
	return ok(o, 204, NULL);
}

/* cubbyhole[/rest] for the token whose hash is hash. */
static int cubby_engine(struct vault_core *c,
			const struct vault_logical_req *lr, const char *rest,
			struct vault_logical_resp *o)
{
	const char *hash = lr->token_hash;
	enum vault_op op = lr->req->op;
	char key[CUBBY_KEYBUF];
	struct bw_error err;
	int rc;

	o->mount_type = "cubbyhole";
	if (!hash_valid(hash))
		return fail(o, 403, "permission denied");
	if (op == VAULT_OP_LIST)
		return cubby_list(c, hash, rest, o);
	if (op != VAULT_OP_READ && op != VAULT_OP_UPDATE &&
	    op != VAULT_OP_DELETE)
		return fail(o, 405, "unsupported operation");
	if (!*rest || vault_ends_with_slash(rest))
		return op == VAULT_OP_UPDATE
			   ? fail(o, 400,
				  "cannot write to a path ending in '/'")
			   : fail(o, 404, "");
	if (storage_key(key, hash, rest, ""))
		return fail(o, 400, "path too long");
	switch (op) {
	case VAULT_OP_READ:
		return cubby_read(c, key, o);
	case VAULT_OP_UPDATE:
		return cubby_write(c, hash, key, lr->body, o);
	default: /* VAULT_OP_DELETE */
		bw_error_clear(&err);
		rc = vault_barrier_delete(c->b, key, &err);
		return rc ? io_fail(o, rc) : ok(o, 204, NULL);
	}
}

/* ---- the mount ---------------------------------------------------------- */

/* The mount's uuid and accessor (a new reference, read-only): made once. */
static int mount_ids(struct vault_core *c, json_t **ret)
{
	struct bw_error err;
	char uuid[37], accessor[24];
	json_t *ids = NULL;
	char *text;
	int rc;

	bw_error_clear(&err);
	rc = vault_barrier_get_doc(c->b, CUBBY_IDS_PATH, &ids, &err);
	if (rc != -ENOENT)
		goto out;
	pthread_rwlock_wrlock(&c->mount_lock); /* a mount change */
	rc = vault_barrier_get_doc(c->b, CUBBY_IDS_PATH, &ids, &err);
	if (rc == -ENOENT) {
		vault_uuid(uuid);
		snprintf(accessor, sizeof(accessor), "cubbyhole_%.8s", uuid);
		ids =
		    json_pack("{s:s, s:s}", "uuid", uuid, "accessor", accessor);
		text = ids ? json_dumps(ids, JSON_COMPACT) : NULL;
		rc = text ? vault_barrier_put(c->b, CUBBY_IDS_PATH,
					      (const uint8_t *)text,
					      strlen(text), &err)
			  : -ENOMEM;
		free(text);
	}
	pthread_rwlock_unlock(&c->mount_lock);
out:
	if (!rc && (!json_is_string(json_object_get(ids, "uuid")) ||
		    !json_is_string(json_object_get(ids, "accessor"))))
		rc = -EBADMSG;
	if (rc) {
		json_decref(ids);
		return rc;
	}
	*ret = ids;
	return 0;
}

int vault_cubbyhole_mount_entry(struct vault_core *c, json_t **ret)
{
	json_t *ids = NULL, *e;
	int rc = mount_ids(c, &ids);

	if (rc)
		return rc;
	e = json_pack("{s:s, s:O, s:O, s:s, s:n, s:{s:I, s:I, s:b}, s:b, s:b, "
		      "s:b, s:s, s:s, s:s}",
		      "type", "cubbyhole", "uuid", json_object_get(ids, "uuid"),
		      "accessor", json_object_get(ids, "accessor"),
		      "description", "per-token private secret storage",
		      "options", "config", "default_lease_ttl", (json_int_t)0,
		      "max_lease_ttl", (json_int_t)0, "force_no_cache", 0,
		      "local", 1, "seal_wrap", 0, "external_entropy_access", 0,
		      "plugin_version", "", "running_plugin_version",
		      "v1.15.0+builtin.vault", "running_sha256", "");
	json_decref(ids);
	if (!e)
		return -ENOMEM;
	*ret = e;
	return 0;
}

static int mount_answer(struct vault_core *c, const char *with_path,
			struct vault_logical_resp *o)
{
	json_t *e = NULL;
	int rc = vault_cubbyhole_mount_entry(c, &e);

	if (rc)
		return io_fail(o, rc);
	if (with_path)
		json_object_set_new(e, "path", json_string(with_path));
	return ok(o, 200, e);
}

static int tune_answer(struct vault_logical_resp *o)
{
	return ok(o, 200,
		  json_pack("{s:I, s:I, s:b, s:s, s:n}", "default_lease_ttl",
			    (json_int_t)CUBBY_DEFAULT_LEASE_TTL,
			    "max_lease_ttl",
			    (json_int_t)CUBBY_DEFAULT_LEASE_TTL,
			    "force_no_cache", 0, "description",
			    "per-token private secret storage", "options"));
}

/* s[0..n) names the mount itself: "cubbyhole" or "cubbyhole/". */
static int is_mount(const char *s, size_t n)
{
	return (n == 9 || (n == 10 && s[9] == '/')) &&
	       !strncmp(s, "cubbyhole", 9);
}

/* s[0..n) is the mount or a path under it ("cubbyhole/x"), not
 * "cubbyholes". */
static int under_mount(const char *s, size_t n)
{
	return n >= 9 && !strncmp(s, "cubbyhole", 9) && (n == 9 || s[9] == '/');
}

/*
 * sys/mounts/<arg>: 1 when arg is about cubbyhole/ (or enables the type
 * elsewhere), answered in o; 0 leaves it to kv.c.
 */
static int cubby_sys_mounts(struct vault_core *c,
			    const struct vault_logical_req *lr, const char *arg,
			    struct vault_logical_resp *o)
{
	enum vault_op op = lr->req->op;
	size_t n = strlen(arg);
	int tune = n > 5 && !strcmp(arg + n - 5, "/tune");
	const char *type = json_string_value(json_object_get(lr->body, "type"));
	char msg[VAULT_MAX_PATH + 64];

	if (tune)
		n -= 5;
	if (!tune && op == VAULT_OP_UPDATE && type &&
	    !strcmp(type, "cubbyhole") && !under_mount(arg, n))
		return fail(o, 403,
			    "mount type of \"cubbyhole\" is not mountable");
	if (!under_mount(arg, n))
		return 0;
	snprintf(msg, sizeof(msg), "\"%.*s%s\"", (int)n, arg,
		 arg[n - 1] == '/' ? "" : "/");
	if (tune) {
		if (!is_mount(arg, n))
			return 0; /* kv.c: no mount there */
		if (op == VAULT_OP_READ)
			return tune_answer(o);
		if (op != VAULT_OP_UPDATE)
			return fail(o, 405, "unsupported operation");
		return fail(o, 400, "cannot tune \"cubbyhole/\"");
	}
	switch (op) {
	case VAULT_OP_READ:
		return is_mount(arg, n) ? mount_answer(c, NULL, o) : 0;
	case VAULT_OP_UPDATE: {
		char m[VAULT_MAX_PATH + 80];

		snprintf(m, sizeof(m), "cannot mount %s", msg);
		return fail(o, 403, m);
	}
	case VAULT_OP_DELETE: {
		char m[VAULT_MAX_PATH + 80];

		snprintf(m, sizeof(m), "cannot unmount %s", msg);
		return fail(o, 400, m);
	}
	default:
		return fail(o, 405, "unsupported operation");
	}
}

int vault_cubbyhole_handle(struct vault_core *c,
			   const struct vault_logical_req *lr,
			   struct vault_logical_resp *o)
{
	static const char ui[] = "sys/internal/ui/mounts/";
	static const char mounts[] = "sys/mounts/";
	const char *path = lr->path;
	size_t n = strlen(path);

	if (under_mount(path, n))
		return cubby_engine(c, lr, n > 10 ? path + 10 : "", o);
	if (!strncmp(path, mounts, sizeof(mounts) - 1))
		return cubby_sys_mounts(c, lr, path + sizeof(mounts) - 1, o);
	if (!strncmp(path, ui, sizeof(ui) - 1) &&
	    under_mount(path + sizeof(ui) - 1, n - (sizeof(ui) - 1))) {
		if (lr->req->op != VAULT_OP_READ)
			return fail(o, 405, "unsupported operation");
		return mount_answer(c, CUBBY_MOUNT, o);
	}
	return 0;
}
