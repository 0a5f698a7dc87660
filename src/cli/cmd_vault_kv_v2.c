/*
 * cmd_vault_kv_v2.c - the `bulwark vault kv` commands that exist only for
 * KV version 2, as the vault CLI's: `kv undelete` and `kv destroy` of
 * versions (and the -versions form of `kv delete`, through
 * vcli_kv_versions_put), `kv rollback` (an old version written again as
 * the newest, check-and-set on the current one), and `kv metadata
 * get|put|patch|delete` of a key's settings and version history.  On a KV v1
 * mount each refuses with vault's "<what> not supported on KV Version 1" and
 * exit 1 (a local error: nothing was sent).  Paths map as in cmd_vault_kv.c:
 * "secret/app" -> "secret/undelete/app", "secret/metadata/app", ...
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/vault_cli.h"

int vcli_kv_delete_at(struct vcli_kv *k)
{
	json_t *body = NULL;
	int rc, status;

	if ((rc = vcli_call(&k->v, vcli_kv_what(k, "deleting"), "DELETE",
			    k->api, NULL, &status, &body)) >= 0)
		goto out;
	if (status >= 300) {
		rc = vcli_api_error(&k->v, vcli_kv_what(k, "deleting"),
				    "DELETE", k->api, status, body);
		goto out;
	}
	rc = 0;
	printf("Success! Data deleted (if it existed) at: %s\n", k->api);
out:
	json_decref(body);
	return rc;
}

int vcli_kv_versions_put(struct vcli_kv *k, const char *op,
			 const json_t *versions)
{
	struct bw_error err = {0};
	json_t *req, *body = NULL;
	int rc, status;

	if (vault_kv_path(k->mount, 2, op, k->user_path, k->api, sizeof(k->api),
			  &err)) {
		fprintf(stderr, "%s: %s: %s\n", k->v.prog, k->user_path,
			err.msg);
		return 2;
	}
	req = json_pack("{s:O}", "versions", versions);
	rc = vcli_call(&k->v, vcli_kv_what(k, "writing data to"), "PUT", k->api,
		       req, &status, &body);
	if (rc < 0 && status >= 300)
		rc = vcli_api_error(&k->v, vcli_kv_what(k, "writing data to"),
				    "PUT", k->api, status, body);
	if (rc < 0) {
		rc = 0;
		if (vcli_json(&k->v)) {
			if (body)
				vcli_print_json(body);
		} else {
			printf("Success! Data written to: %s\n", k->api);
		}
	}
	json_decref(req);
	json_decref(body);
	return rc;
}

/* undelete and destroy: the same request to a different path. */
struct versions_cmd {
	const char *op;	  /* "undelete" */
	const char *what; /* "Undelete", for the KV v1 refusal */
	const char *prog, *usage;
};

static int versions_run(const struct versions_cmd *c, int argc, char **argv)
{
	struct vcli_kv k = {.v = {.prog = c->prog, .usage = c->usage}};
	json_t *items = NULL, *versions = NULL;
	const struct vault_flag fl[] = {
	    {"versions", VAULT_FLAG_STRINGS, &items},
	    {"mount", VAULT_FLAG_STRING, &k.mount_flag}};
	struct bw_error err = {0};
	int rc;

	if ((rc = vcli_parse(&k.v, fl, 2, argc, argv)) >= 0 ||
	    (rc = vcli_nargs(&k.v, 1, 1)) >= 0)
		goto out;
	if (!items) {
		fprintf(stderr,
			"%s: No versions provided, use the \"-versions\" flag "
			"to specify the version to %s.\n",
			k.v.prog, c->op);
		rc = 1;
		goto out;
	}
	if (vault_parse_versions(items, &versions, &err)) {
		fprintf(stderr, "%s: %s: %s\n", k.v.prog, err.input, err.msg);
		rc = 1;
		goto out;
	}
	if ((rc = vcli_kv_open(&k, c->op)) >= 0 ||
	    (rc = vcli_kv_need_v2(&k, c->what)) >= 0)
		goto out;
	rc = vcli_kv_versions_put(&k, c->op, versions);
out:
	json_decref(items);
	json_decref(versions);
	vcli_done(&k.v);
	return rc;
}

int vcli_kv_undelete(int argc, char **argv)
{
	static const struct versions_cmd c = {
	    "undelete", "Undelete", "bulwark vault kv undelete",
	    "usage: bulwark vault kv undelete -versions N[,N...] [-mount M] "
	    "PATH\n\nUndeletes soft-deleted versions of a KV v2 secret, so "
	    "reads return them\nagain (a destroyed version stays gone).  "
	    "-versions may repeat."};

	return versions_run(&c, argc, argv);
}

int vcli_kv_destroy(int argc, char **argv)
{
	static const struct versions_cmd c = {
	    "destroy", "Destroy", "bulwark vault kv destroy",
	    "usage: bulwark vault kv destroy -versions N[,N...] [-mount M] "
	    "PATH\n\nPermanently removes the data of versions of a KV v2 "
	    "secret (their metadata\nstays, marked destroyed; undelete cannot "
	    "bring them back).  -versions may\nrepeat."};

	return versions_run(&c, argc, argv);
}

/* ---- kv rollback ---------------------------------------------------------
 */

/* A GET that must find something: -1 with *body set on 200, else the exit
 * code after vault's "No value found at" (404 without errors) or the API
 * error.  A 404 that carries a deleted version's metadata comes back as
 * 200 would when keep_404 (status in *status). */
static int rb_get(struct vcli_kv *k, const char *path, int keep_404,
		  int *status, json_t **body)
{
	int rc;

	if ((rc = vcli_call(&k->v, vcli_kv_what(k, "reading"), "GET", path,
			    NULL, status, body)) >= 0)
		return rc;
	if (*status == 200 || (keep_404 && *status == 404 &&
			       json_is_object(json_object_get(*body, "data"))))
		return -1;
	if (*status == 404 &&
	    !json_array_size(json_object_get(*body, "errors"))) {
		fprintf(stderr, "No value found at %s\n", k->api);
		return 2;
	}
	return vcli_api_error(&k->v, vcli_kv_what(k, "reading"), "GET", path,
			      *status, *body);
}

/* The key's current_version from <mount>/metadata/<path>: the
 * check-and-set value of the write, so a write in between fails. */
static int rb_current(struct vcli_kv *k, json_int_t *cur)
{
	char path[VAULT_MAX_PATH + 64];
	struct bw_error err = {0};
	json_t *body = NULL, *v;
	int rc, status;

	if (vault_kv_path(k->mount, 2, "metadata", k->user_path, path,
			  sizeof(path), &err)) {
		fprintf(stderr, "%s: %s: %s\n", k->v.prog, k->user_path,
			err.msg);
		return 2;
	}
	if ((rc = rb_get(k, path, 0, &status, &body)) < 0) {
		v = json_object_get(json_object_get(body, "data"),
				    "current_version");
		if (json_is_integer(v) && json_integer_value(v) > 0) {
			*cur = json_integer_value(v);
		} else {
			fprintf(stderr, "No value found at %s\n", k->api);
			rc = 2;
		}
	}
	json_decref(body);
	return rc;
}

/* Version n's data (*data, new reference); refused, as vault, when the
 * version is deleted or destroyed. */
static int rb_read(struct vcli_kv *k, long n, json_t **data)
{
	char path[VAULT_MAX_PATH + 96];
	json_t *body = NULL, *d, *md;
	const char *del;
	int rc, status;

	snprintf(path, sizeof(path), "%s?version=%ld", k->api, n);
	if ((rc = rb_get(k, path, 1, &status, &body)) >= 0)
		goto out;
	d = json_object_get(json_object_get(body, "data"), "data");
	md = json_object_get(json_object_get(body, "data"), "metadata");
	del = json_string_value(json_object_get(md, "deletion_time"));
	rc = 2;
	if (!json_is_object(d) && del && *del)
		fprintf(stderr, "Cannot roll back to a version that has been "
				"deleted\n");
	else if (json_is_true(json_object_get(md, "destroyed")))
		fprintf(stderr, "Cannot roll back to a version that has been "
				"destroyed\n");
	else if (!json_is_object(d))
		fprintf(stderr, "No value found at %s\n", k->api);
	else
		rc = -1;
	if (rc < 0)
		*data = json_incref(d);
out:
	json_decref(body);
	return rc;
}

int vcli_kv_rollback(int argc, char **argv)
{
	long version = LONG_MIN;
	struct vcli_kv k = {
	    .v = {.prog = "bulwark vault kv rollback",
		  .usage = "usage: bulwark vault kv rollback -version N "
			   "[-mount M] PATH\n\nWrites version N of a KV v2 "
			   "secret again as its newest version (current 5,\n"
			   "-version 2: version 2's data becomes version 6), "
			   "with check-and-set on the\ncurrent version: a "
			   "write in between makes it fail instead of being\n"
			   "overwritten.  Deleted and destroyed versions are "
			   "refused."}};
	const struct vault_flag fl[] = {
	    {"version", VAULT_FLAG_INT, &version},
	    {"mount", VAULT_FLAG_STRING, &k.mount_flag}};
	json_t *data = NULL, *req = NULL, *body = NULL;
	json_int_t cur = 0;
	int rc, status;

	if ((rc = vcli_parse(&k.v, fl, 2, argc, argv)) >= 0 ||
	    (rc = vcli_nargs(&k.v, 1, 1)) >= 0)
		goto out;
	rc = 1;
	if (version == LONG_MIN) {
		fprintf(stderr, "%s: Version flag must be specified\n",
			k.v.prog);
		goto out;
	}
	if (version <= 0 || version > INT_MAX) {
		fprintf(stderr, "%s: Invalid value %ld for the version flag\n",
			k.v.prog, version);
		goto out;
	}
	if ((rc = vcli_kv_open(&k, "data")) >= 0 ||
	    (rc = vcli_kv_need_v2(&k, "Rollback")) >= 0 ||
	    (rc = rb_current(&k, &cur)) >= 0 ||
	    (rc = rb_read(&k, version, &data)) >= 0)
		goto out;
	req = json_pack("{s:O, s:{s:I}}", "data", data, "options", "cas", cur);
	if ((rc = vcli_call(&k.v, vcli_kv_what(&k, "writing data to"), "PUT",
			    k.api, req, &status, &body)) >= 0)
		goto out;
	if (status >= 300) {
		rc = vcli_api_error(&k.v, vcli_kv_what(&k, "writing data to"),
				    "PUT", k.api, status, body);
		goto out;
	}
	rc = vcli_kv_print_written(&k, body);
out:
	json_decref(data);
	json_decref(req);
	json_decref(body);
	vcli_done(&k.v);
	return rc;
}

/* ---- kv metadata ---------------------------------------------------------
 */

static void print_metadata(const json_t *data)
{
	json_t *meta = json_deep_copy(data), *vers, *x;
	struct vcli_table t = {0};
	const char *key;

	json_object_del(meta, "versions");
	vcli_table_add_object(&t, meta);
	vcli_table_print(&t, "========== Metadata ==========");
	vers = json_object_get(data, "versions");
	json_object_foreach(vers, key, x)
	{
		char title[128];

		snprintf(title, sizeof(title),
			 "\n====== Version %s ======", key);
		vcli_table_add_object(&t, x);
		vcli_table_print(&t, title);
	}
	json_decref(meta);
}

static int meta_get(int argc, char **argv)
{
	struct vcli_kv k = {
	    .v = {.prog = "bulwark vault kv metadata get",
		  .usage = "usage: bulwark vault kv metadata get [-mount M] "
			   "PATH\n\nPrints a KV v2 secret's metadata and "
			   "versions."}};
	const struct vault_flag fl[] = {
	    {"mount", VAULT_FLAG_STRING, &k.mount_flag}};
	json_t *body = NULL, *data;
	int rc, status;

	if ((rc = vcli_kv_start(&k, fl, 1, argc, argv, 1, 1, "metadata")) >=
		0 ||
	    (rc = vcli_kv_need_v2(&k, "Metadata")) >= 0)
		goto out;
	if ((rc = vcli_call(&k.v, vcli_kv_what(&k, "reading metadata"), "GET",
			    k.api, NULL, &status, &body)) >= 0)
		goto out;
	if (status == 404 &&
	    !json_array_size(json_object_get(body, "errors"))) {
		fprintf(stderr, "No value found at %s\n", k.api);
		rc = 2;
		goto out;
	}
	if (status != 200) {
		rc = vcli_api_error(&k.v, vcli_kv_what(&k, "reading metadata"),
				    "GET", k.api, status, body);
		goto out;
	}
	rc = 0;
	data = json_object_get(body, "data");
	if (k.v.field) {
		rc = vcli_print_field(&k.v, data);
	} else if (vcli_json(&k.v)) {
		vcli_print_json(body);
	} else {
		vcli_kv_print_path(&k);
		print_metadata(data);
	}
out:
	json_decref(body);
	vcli_done(&k.v);
	return rc;
}

/* The settings given as flags, as the metadata endpoint takes them; only
 * those given are sent, so a put changes nothing else (as vault 1.9+). */
struct meta_flags {
	long max_versions;		/* LONG_MIN: not given */
	int cas_required;		/* -1: not given */
	long long delete_version_after; /* -1: not given */
	json_t *custom; /* -custom-metadata K=V ... (owned), or NULL */
};

static json_t *meta_request(const struct meta_flags *m)
{
	json_t *req = json_object();

	if (!req)
		return NULL;
	if (m->max_versions != LONG_MIN)
		json_object_set_new(req, "max_versions",
				    json_integer(m->max_versions));
	if (m->cas_required >= 0)
		json_object_set_new(req, "cas_required",
				    json_boolean(m->cas_required));
	if (m->delete_version_after >= 0)
		json_object_set_new(
		    req, "delete_version_after",
		    json_sprintf("%llds", m->delete_version_after));
	if (m->custom)
		json_object_set(req, "custom_metadata", m->custom);
	return req;
}

/* -remove-custom-metadata K...: null members of the merge patch, after
 * the -custom-metadata ones; a key in both is a usage error (1, printed),
 * else -1. */
static int meta_remove(const struct vcli *v, json_t *req, const json_t *keys)
{
	json_t *cm = json_object_get(req, "custom_metadata"), *x;
	size_t i;

	if (!json_array_size(keys))
		return -1;
	if (!cm) {
		cm = json_object();
		json_object_set_new(req, "custom_metadata", cm);
	}
	json_array_foreach(keys, i, x)
	{
		const char *key = json_string_value(x);

		if (json_object_get(cm, key) &&
		    !json_is_null(json_object_get(cm, key))) {
			fprintf(
			    stderr,
			    "%s: \"%s\" is both set by -custom-metadata and "
			    "removed by -remove-custom-metadata\n",
			    v->prog, key);
			return 1;
		}
		json_object_set_new(cm, key, json_null());
	}
	return -1;
}

/* put: PUT the settings given; patch: PATCH them as a JSON merge patch of
 * an existing key (-custom-metadata merged, not replaced). */
struct meta_cmd {
	const char *method, *prog, *usage;
	int patch;
};

static int meta_write(const struct meta_cmd *c, int argc, char **argv)
{
	struct meta_flags m = {LONG_MIN, -1, -1, NULL};
	json_t *remove = NULL, *req = NULL, *body = NULL;
	struct vcli_kv k = {.v = {.prog = c->prog, .usage = c->usage}};
	const struct vault_flag fl[] = {
	    {"max-versions", VAULT_FLAG_INT, &m.max_versions},
	    {"cas-required", VAULT_FLAG_BOOL, &m.cas_required},
	    {"delete-version-after", VAULT_FLAG_DURATION,
	     &m.delete_version_after},
	    {"custom-metadata", VAULT_FLAG_MAP, &m.custom},
	    {"mount", VAULT_FLAG_STRING, &k.mount_flag},
	    {"remove-custom-metadata", VAULT_FLAG_STRINGS, &remove}};
	size_t nfl = sizeof(fl) / sizeof(fl[0]) - !c->patch;
	int rc, status;

	if ((rc = vcli_parse(&k.v, fl, nfl, argc, argv)) >= 0 ||
	    (rc = vcli_nargs(&k.v, 1, 1)) >= 0)
		goto out;
	if (m.max_versions != LONG_MIN && m.max_versions < 0) {
		fprintf(stderr, "%s: -max-versions must be 0 or more\n",
			k.v.prog);
		rc = 1;
		goto out;
	}
	if (!(req = meta_request(&m))) {
		fprintf(stderr, "%s: out of memory\n", k.v.prog);
		rc = 2;
		goto out;
	}
	if ((rc = meta_remove(&k.v, req, remove)) >= 0 ||
	    (rc = vcli_kv_open(&k, "metadata")) >= 0 ||
	    (rc = vcli_kv_need_v2(&k, "Metadata")) >= 0)
		goto out;
	if ((rc = vcli_call(&k.v, vcli_kv_what(&k, "writing data to"),
			    c->method, k.api, req, &status, &body)) >= 0)
		goto out;
	if (status >= 300) {
		rc = vcli_api_error(&k.v, vcli_kv_what(&k, "writing data to"),
				    c->method, k.api, status, body);
		goto out;
	}
	rc = 0;
	if (!vcli_json(&k.v))
		printf("Success! Data written to: %s\n", k.api);
	else if (body)
		vcli_print_json(body);
out:
	json_decref(m.custom);
	json_decref(remove);
	json_decref(req);
	json_decref(body);
	vcli_done(&k.v);
	return rc;
}

static int meta_put(int argc, char **argv)
{
	static const struct meta_cmd c = {
	    "PUT", "bulwark vault kv metadata put",
	    "usage: bulwark vault kv metadata put [-max-versions N] "
	    "[-cas-required[=false]]\n       [-delete-version-after "
	    "D] [-custom-metadata K=V ...] [-mount M] PATH\n\n"
	    "Creates a KV v2 key with no data, or changes its "
	    "settings: only the\nsettings given change.  "
	    "-max-versions 0 and -delete-version-after 0s use\nthe "
	    "mount's; -custom-metadata replaces the key's custom "
	    "metadata.",
	    0};

	return meta_write(&c, argc, argv);
}

static int meta_patch(int argc, char **argv)
{
	static const struct meta_cmd c = {
	    "PATCH", "bulwark vault kv metadata patch",
	    "usage: bulwark vault kv metadata patch [-max-versions N] "
	    "[-cas-required[=false]]\n       [-delete-version-after "
	    "D] [-custom-metadata K=V ...]\n       "
	    "[-remove-custom-metadata K ...] [-mount M] PATH\n\n"
	    "Changes the settings of an existing KV v2 key (a JSON merge "
	    "patch): only\nthe settings given change, -custom-metadata "
	    "adds or replaces the keys\ngiven and keeps the others, "
	    "-remove-custom-metadata K removes K.",
	    1};

	return meta_write(&c, argc, argv);
}

static int meta_delete(int argc, char **argv)
{
	struct vcli_kv k = {
	    .v = {.prog = "bulwark vault kv metadata delete",
		  .usage = "usage: bulwark vault kv metadata delete [-mount M] "
			   "PATH\n\nDeletes a KV v2 key for good: every "
			   "version's data and its metadata."}};
	const struct vault_flag fl[] = {
	    {"mount", VAULT_FLAG_STRING, &k.mount_flag}};
	int rc;

	if ((rc = vcli_kv_start(&k, fl, 1, argc, argv, 1, 1, "metadata")) >=
		0 ||
	    (rc = vcli_kv_need_v2(&k, "Metadata")) >= 0)
		goto out;
	rc = vcli_kv_delete_at(&k);
out:
	vcli_done(&k.v);
	return rc;
}

static const struct vcli_sub meta_commands[] = {
    {"get", "print a key's settings and versions", meta_get},
    {"put", "create a key or change its settings", meta_put},
    {"patch", "change some settings of an existing key", meta_patch},
    {"delete", "delete a key: all versions and metadata", meta_delete},
};

#define N_META_COMMANDS (sizeof(meta_commands) / sizeof(meta_commands[0]))

static void meta_usage(FILE *out)
{
	fprintf(out, "usage: bulwark vault kv metadata <subcommand> [options] "
		     "PATH\n\nSubcommands (KV v2 only):\n");
	for (size_t i = 0; i < N_META_COMMANDS; i++)
		fprintf(out, "  %-7s %s\n", meta_commands[i].name,
			meta_commands[i].text);
}

int vcli_kv_metadata(int argc, char **argv)
{
	return vcli_dispatch("kv metadata", meta_commands, N_META_COMMANDS,
			     meta_usage, argc, argv);
}
