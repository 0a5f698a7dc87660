/*
 * cmd_vault_kv_v2.c - the `bulwark vault kv` commands that exist only for
 * KV version 2, as the vault CLI's: `kv undelete` and `kv destroy` of
 * versions (and the -versions form of `kv delete`, through
 * vcli_kv_versions_put), and `kv metadata get|put|delete` of a key's
 * settings and version history.  On a KV v1 mount each refuses with
 * vault's "<what> not supported on KV Version 1" and exit 1 (a local
 * error: nothing was sent).  Paths map as in cmd_vault_kv.c:
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

static int meta_put(int argc, char **argv)
{
	struct meta_flags m = {LONG_MIN, -1, -1, NULL};
	struct vcli_kv k = {
	    .v = {.prog = "bulwark vault kv metadata put",
		  .usage =
		      "usage: bulwark vault kv metadata put [-max-versions N] "
		      "[-cas-required[=false]]\n       [-delete-version-after "
		      "D] [-custom-metadata K=V ...] [-mount M] PATH\n\n"
		      "Creates a KV v2 key with no data, or changes its "
		      "settings: only the\nsettings given change.  "
		      "-max-versions 0 and -delete-version-after 0s use\nthe "
		      "mount's; -custom-metadata replaces the key's custom "
		      "metadata."}};
	const struct vault_flag fl[] = {
	    {"max-versions", VAULT_FLAG_INT, &m.max_versions},
	    {"cas-required", VAULT_FLAG_BOOL, &m.cas_required},
	    {"delete-version-after", VAULT_FLAG_DURATION,
	     &m.delete_version_after},
	    {"custom-metadata", VAULT_FLAG_MAP, &m.custom},
	    {"mount", VAULT_FLAG_STRING, &k.mount_flag}};
	json_t *req = NULL, *body = NULL;
	int rc, status;

	if ((rc = vcli_parse(&k.v, fl, sizeof(fl) / sizeof(fl[0]), argc,
			     argv)) >= 0 ||
	    (rc = vcli_nargs(&k.v, 1, 1)) >= 0)
		goto out;
	if (m.max_versions != LONG_MIN && m.max_versions < 0) {
		fprintf(stderr, "%s: -max-versions must be 0 or more\n",
			k.v.prog);
		rc = 1;
		goto out;
	}
	if ((rc = vcli_kv_open(&k, "metadata")) >= 0 ||
	    (rc = vcli_kv_need_v2(&k, "Metadata")) >= 0)
		goto out;
	req = meta_request(&m);
	if ((rc = vcli_call(&k.v, vcli_kv_what(&k, "writing data to"), "PUT",
			    k.api, req, &status, &body)) >= 0)
		goto out;
	if (status >= 300) {
		rc = vcli_api_error(&k.v, vcli_kv_what(&k, "writing data to"),
				    "PUT", k.api, status, body);
		goto out;
	}
	rc = 0;
	if (!vcli_json(&k.v))
		printf("Success! Data written to: %s\n", k.api);
	else if (body)
		vcli_print_json(body);
out:
	json_decref(m.custom);
	json_decref(req);
	json_decref(body);
	vcli_done(&k.v);
	return rc;
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

static const struct {
	const char *name, *summary;
	int (*run)(int argc, char **argv);
} meta_commands[] = {
    {"get", "print a key's settings and versions", meta_get},
    {"put", "create a key or change its settings", meta_put},
    {"delete", "delete a key: all versions and metadata", meta_delete},
};

#define N_META_COMMANDS (sizeof(meta_commands) / sizeof(meta_commands[0]))

static void meta_usage(FILE *out)
{
	fprintf(out, "usage: bulwark vault kv metadata <subcommand> [options] "
		     "PATH\n\nSubcommands (KV v2 only):\n");
	for (size_t i = 0; i < N_META_COMMANDS; i++)
		fprintf(out, "  %-7s %s\n", meta_commands[i].name,
			meta_commands[i].summary);
}

int vcli_kv_metadata(int argc, char **argv)
{
	if (argc < 2) {
		meta_usage(stderr);
		return 1;
	}
	if (cli_is_help(argv[1])) {
		meta_usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < N_META_COMMANDS; i++)
		if (!strcmp(argv[1], meta_commands[i].name))
			return meta_commands[i].run(argc - 1, argv + 1);
	fprintf(stderr,
		"bulwark vault kv metadata: unknown subcommand '%s'\n\n",
		argv[1]);
	meta_usage(stderr);
	return 1;
}
