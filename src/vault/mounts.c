/*
 * mounts.c - the mount table and its endpoints (sys/mounts,
 * sys/mounts/<path>[/tune], sys/internal/ui/mounts/<path>), and the
 * dispatch of every other logical path to the engine mounted there
 * (kv.c; cubbyhole.c answers cubbyhole/ itself).
 *
 * The table is one JSON document at core/mounts through the barrier:
 * {"<path>/": {type, uuid, accessor, description, options: {version},
 * config, ...}}; each mount's data lives under logical/<uuid>/, so
 * disabling a mount removes that prefix.  Routing reads the barrier's
 * cached copy of the table (shared, read-only); changes read a private
 * copy and write it back under the core's mount_lock held exclusively
 * (KV key writes hold it shared, so a mount does not vanish under one).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault/logical.h"

#define KV_DEFAULT_LEASE_TTL 2764800 /* 768h, Vault's system default */

static const char *const reserved_mounts[] = {"sys/", "auth/", "cubbyhole/",
					      "identity/"};

/* ---- the mount table ---------------------------------------------------- */

/* A read of the table: none yet is an empty table; not an object is
 * -EBADMSG. */
static int mounts_result(int rc, json_t **ret)
{
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

/* The mount table, a private copy to change (under mount_lock). */
static int mounts_load(struct vault_core *c, json_t **ret)
{
	return mounts_result(vault_json_get(c, VAULT_MOUNTS_PATH, ret), ret);
}

/* The mount table as cached by the barrier: SHARED, read-only (request
 * routing and reads; the changes under mount_lock use mounts_load). */
static int mounts_shared(struct vault_core *c, json_t **ret)
{
	return mounts_result(
	    vault_barrier_get_doc(c->b, VAULT_MOUNTS_PATH, ret, NULL), ret);
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
	rc = vault_json_put(c, VAULT_MOUNTS_PATH, t);
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
		return vault_lr_io_fail(o, rc);
	out = json_object();
	json_object_foreach(t, k, v)
	    json_object_set_new(out, k, mount_public(v));
	json_object_set_new(out, "sys/", sys_mount_entry());
	json_decref(t);
	if ((rc = vault_cubbyhole_mount_entry(c, &v))) {
		json_decref(out);
		return vault_lr_io_fail(o, rc);
	}
	json_object_set_new(out, "cubbyhole/", v);
	return vault_lr_ok(o, 200, out);
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
		return vault_lr_fail(o, 400, "missing type");
	if ((opts && !json_is_object(opts) && !json_is_null(opts)) ||
	    (desc && !json_is_string(desc)))
		return vault_lr_fail(o, 400, "invalid options or description");
	ts = json_string_value(type);
	if (!strcmp(ts, "kv-v2"))
		version = 2;
	else if (strcmp(ts, "kv") && strcmp(ts, "generic"))
		return vault_lr_fail(
		    o, 400, "plugin not found in the catalog: %.64s", ts);
	if (json_is_string(ver) && !strcmp(json_string_value(ver), "2"))
		version = 2;
	else if (json_is_integer(ver) && json_integer_value(ver) == 2)
		version = 2;
	else if (ver &&
		 !(json_is_string(ver) &&
		   (!strcmp(json_string_value(ver), "1") ||
		    !*json_string_value(ver))) &&
		 !(json_is_integer(ver) && json_integer_value(ver) == 1))
		return vault_lr_fail(o, 400, "invalid KV version");
	for (size_t i = 0;
	     i < sizeof(reserved_mounts) / sizeof(*reserved_mounts); i++) {
		size_t n = strlen(reserved_mounts[i]);

		if (!strncmp(mpath, reserved_mounts[i], n) ||
		    !strncmp(mpath, reserved_mounts[i], strlen(mpath)))
			return vault_lr_fail(o, 400,
					     "cannot mount under \"%s\"",
					     reserved_mounts[i]);
	}
	pthread_rwlock_wrlock(&c->mount_lock);
	rc = mounts_load(c, &t);
	if (rc) {
		pthread_rwlock_unlock(&c->mount_lock);
		return vault_lr_io_fail(o, rc);
	}
	json_object_foreach(t, k, v)
	{
		size_t a = strlen(k), b = strlen(mpath);

		if (!strncmp(k, mpath, a < b ? a : b)) {
			pthread_rwlock_unlock(&c->mount_lock);
			vault_lr_fail(o, 400,
				      "path is already in use at %.200s", k);
			json_decref(t);
			return -1;
		}
	}
	e = mount_entry_new(version, desc ? json_string_value(desc) : NULL);
	if (!e || json_object_set_new(t, mpath, e))
		rc = -ENOMEM;
	else
		rc = vault_json_put(c, VAULT_MOUNTS_PATH, t);
	pthread_rwlock_unlock(&c->mount_lock);
	json_decref(t);
	return rc ? vault_lr_io_fail(o, rc) : vault_lr_ok(o, 204, NULL);
}

static int h_mount_disable(struct vault_core *c, const char *mpath,
			   struct vault_logical_resp *o)
{
	char prefix[128];
	json_t *t = NULL, *e;
	int rc;

	if (!strcmp(mpath, "sys/"))
		return vault_lr_fail(o, 400, "cannot unmount \"sys/\"");
	pthread_rwlock_wrlock(&c->mount_lock);
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
	rc = vault_json_put(c, VAULT_MOUNTS_PATH, t);
	if (!rc)
		rc = vault_purge_prefix(c, prefix, 0, NULL);
out:
	pthread_rwlock_unlock(&c->mount_lock);
	json_decref(t);
	return rc ? vault_lr_io_fail(o, rc) : vault_lr_ok(o, 204, NULL);
}

static int h_mount_tune(struct vault_core *c,
			const struct vault_logical_req *lr, const char *mpath,
			struct vault_logical_resp *o)
{
	json_t *t = NULL, *e, *opts, *desc, *ver, *cfg;
	int rc;

	pthread_rwlock_wrlock(&c->mount_lock);
	rc = mounts_load(c, &t);
	if (rc) {
		pthread_rwlock_unlock(&c->mount_lock);
		return vault_lr_io_fail(o, rc);
	}
	e = json_object_get(t, mpath);
	if (!e) {
		pthread_rwlock_unlock(&c->mount_lock);
		json_decref(t);
		return vault_lr_fail(o, 400, "no mount at %.200s", mpath);
	}
	cfg = json_object_get(e, "config");
	if (lr->req->op == VAULT_OP_READ) {
		long long d = vault_json_int(cfg, "default_lease_ttl");
		long long m = vault_json_int(cfg, "max_lease_ttl");
		json_t *out = json_pack(
		    "{s:I, s:I, s:b, s:O, s:O}", "default_lease_ttl",
		    (json_int_t)(d ? d : KV_DEFAULT_LEASE_TTL), "max_lease_ttl",
		    (json_int_t)(m ? m : KV_DEFAULT_LEASE_TTL),
		    "force_no_cache", 0, "description",
		    json_object_get(e, "description"), "options",
		    json_object_get(e, "options"));

		pthread_rwlock_unlock(&c->mount_lock);
		json_decref(t);
		return vault_lr_ok(o, 200, out);
	}
	desc = json_object_get(lr->body, "description");
	if (json_is_null(desc))
		desc = NULL;
	opts = json_object_get(lr->body, "options");
	ver = json_object_get(opts, "version");
	if ((desc && !json_is_string(desc)) ||
	    (ver && (!json_is_string(ver) ||
		     version_of(json_string_value(ver)) != mount_version(e)))) {
		pthread_rwlock_unlock(&c->mount_lock);
		json_decref(t);
		return vault_lr_fail(
		    o, 400,
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
		if (vault_duration_param(v, &secs)) {
			pthread_rwlock_unlock(&c->mount_lock);
			json_decref(t);
			return vault_lr_fail(o, 400, "invalid %s", *k);
		}
		json_object_set_new(cfg, *k, json_integer(secs));
	}
	rc = vault_json_put(c, VAULT_MOUNTS_PATH, t);
	pthread_rwlock_unlock(&c->mount_lock);
	json_decref(t);
	return rc ? vault_lr_io_fail(o, rc) : vault_lr_ok(o, 204, NULL);
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
			return vault_lr_fail(o, 400, "invalid mount path");
		if (op != VAULT_OP_READ && op != VAULT_OP_UPDATE)
			return vault_lr_fail(o, 405, "unsupported operation");
		return h_mount_tune(c, lr, mpath, o);
	}
	if (mount_path_arg(arg, mpath))
		return vault_lr_fail(o, 400, "invalid mount path");
	switch (op) {
	case VAULT_OP_UPDATE:
		return h_mount_enable(c, lr, mpath, o);
	case VAULT_OP_DELETE:
		return h_mount_disable(c, mpath, o);
	case VAULT_OP_READ:
		if ((rc = mounts_shared(c, &t)))
			return vault_lr_io_fail(o, rc);
		e = json_object_get(t, mpath);
		if (!e) {
			json_decref(t);
			return vault_lr_fail(o, 400, "no mount at %.200s",
					     mpath);
		}
		e = mount_public(e);
		json_decref(t);
		return vault_lr_ok(o, 200, e);
	default:
		return vault_lr_fail(o, 405, "unsupported operation");
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
			vault_lr_fail(o, 405, "unsupported operation");
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
		vault_lr_io_fail(o, rc);
		return 1;
	}
	e = mount_find(t, path, &mpath, &rest);
	if (!e) {
		json_decref(t);
		if (!ui)
			return 0;
		vault_lr_fail(o, 404, "%s", "");
		return 1;
	}
	if (ui) {
		json_t *out = mount_public(e);

		if (lr->req->op != VAULT_OP_READ)
			vault_lr_fail(o, 405, "unsupported operation");
		else if (out &&
			 !json_object_set_new(out, "path", json_string(mpath)))
			vault_lr_ok(o, 200, json_incref(out));
		json_decref(out);
		json_decref(t);
		return 1;
	}
	o->mount_type = "kv";
	uuid = json_string_value(json_object_get(e, "uuid"));
	if (!uuid || strlen(uuid) > 64)
		vault_lr_fail(o, 500, "internal error");
	else if (mount_version(e) == 2)
		vault_kv2_handle(c, lr, uuid, rest, o);
	else
		vault_kv1_handle(c, lr, uuid, rest, o);
	json_decref(t);
	return 1;
}
