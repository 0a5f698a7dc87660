/*
 * cmd_vault_kv.c - `bulwark vault kv get|put|patch|list|delete` and the
 * `kv` dispatcher, as the vault CLI's kv commands: the KV engine's version
 * is found per path (vault_kv_detect: sys/internal/ui/mounts, then
 * sys/mounts, then "secret/ is KV v2"), and a user path "secret/app"
 * becomes "secret/data/app" or "secret/metadata/app" for v2.  The
 * commands that exist only for KV v2 (undelete, destroy, rollback,
 * metadata) are in
 * cmd_vault_kv_v2.c.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/vault_cli.h"

int vcli_kv_open(struct vcli_kv *k, const char *kind)
{
	struct bw_error err = {0};
	int rc;

	if (vcli_connect(&k->v) >= 0)
		return 2;
	if (k->mount_flag && *k->mount_flag) {
		const char *m = k->mount_flag;
		size_t ml = strlen(m);

		while (ml && m[ml - 1] == '/')
			ml--;
		snprintf(
		    k->user_path, sizeof(k->user_path), "%.*s/%s", (int)ml, m,
		    k->v.args[0][0] == '/' ? k->v.args[0] + 1 : k->v.args[0]);
	} else {
		snprintf(k->user_path, sizeof(k->user_path), "%s",
			 k->v.args[0][0] == '/' ? k->v.args[0] + 1
						: k->v.args[0]);
	}
	rc = vault_kv_detect(k->v.client, k->user_path, k->mount,
			     sizeof(k->mount), &k->version, &err);
	if (!rc)
		rc = vault_kv_path(k->mount, k->version, kind, k->user_path,
				   k->api, sizeof(k->api), &err);
	if (rc) {
		fprintf(stderr, "%s: %s: %s\n", k->v.prog, k->user_path,
			err.msg);
		return 2;
	}
	return -1;
}

int vcli_kv_start(struct vcli_kv *k, const struct vault_flag *fl, size_t n,
		  int argc, char **argv, int min, int max, const char *kind)
{
	int rc;

	if ((rc = vcli_parse(&k->v, fl, n, argc, argv)) >= 0)
		return rc;
	if ((rc = vcli_nargs(&k->v, min, max)) >= 0)
		return rc;
	return vcli_kv_open(k, kind);
}

const char *vcli_kv_what(struct vcli_kv *k, const char *verb)
{
	snprintf(k->what, sizeof(k->what), "%s %s", verb, k->api);
	return k->what;
}

void vcli_kv_print_path(const struct vcli_kv *k)
{
	printf("== Secret Path ==\n%s\n\n", k->api);
}

int vcli_kv_need_v2(const struct vcli_kv *k, const char *what)
{
	if (k->version == 2)
		return -1;
	fprintf(stderr, "%s: %s not supported on KV Version 1 (mount %s)\n",
		k->v.prog, what, k->mount);
	return 1;
}

int vcli_kv_print_written(struct vcli_kv *k, const json_t *body)
{
	const json_t *data = json_object_get(body, "data");

	if (k->v.field)
		return vcli_print_field(&k->v, data);
	if (vcli_json(&k->v)) {
		vcli_print_json(body);
	} else if (k->version == 2 && json_is_object(data)) {
		struct vcli_table t = {0};

		vcli_kv_print_path(k);
		vcli_table_add_object(&t, data);
		vcli_table_print(&t, "======= Metadata =======");
	} else {
		printf("Success! Data written to: %s\n", k->api);
	}
	return 0;
}

static int kv_get(int argc, char **argv)
{
	long version = 0;
	struct vcli_kv k = {
	    .v = {.prog = "bulwark vault kv get",
		  .usage =
		      "usage: bulwark vault kv get [-version N] [-field F] "
		      "[-mount M] PATH\n\nReads a secret (the latest "
		      "version, or -version N of a KV v2 secret)."}};
	const struct vault_flag fl[] = {
	    {"version", VAULT_FLAG_INT, &version},
	    {"mount", VAULT_FLAG_STRING, &k.mount_flag}};
	char path[VAULT_MAX_PATH + 96];
	json_t *body = NULL, *data, *inner;
	int rc, status;

	if ((rc = vcli_kv_start(&k, fl, 2, argc, argv, 1, 1, "data")) >= 0)
		goto out;
	if (version > 0 && k.version == 2)
		snprintf(path, sizeof(path), "%s?version=%ld", k.api, version);
	else
		snprintf(path, sizeof(path), "%s", k.api);
	if ((rc = vcli_call(&k.v, vcli_kv_what(&k, "reading"), "GET", path,
			    NULL, &status, &body)) >= 0)
		goto out;
	data = json_object_get(body, "data");
	inner = k.version == 2 ? json_object_get(data, "data") : data;
	if ((status == 404 &&
	     !json_array_size(json_object_get(body, "errors"))) ||
	    (status == 200 && !json_is_object(inner))) {
		fprintf(stderr, "No value found at %s\n", k.api);
		rc = 2;
		goto out;
	}
	if (status != 200) {
		rc = vcli_api_error(&k.v, vcli_kv_what(&k, "reading"), "GET",
				    path, status, body);
		goto out;
	}
	rc = 0;
	if (k.v.field) {
		rc = vcli_print_field(&k.v, inner);
	} else if (vcli_json(&k.v)) {
		vcli_print_json(body);
	} else {
		struct vcli_table t = {0};

		if (k.version == 2) {
			vcli_kv_print_path(&k);
			vcli_table_add_object(
			    &t, json_object_get(data, "metadata"));
			vcli_table_print(&t, "======= Metadata =======");
			printf("\n");
		}
		vcli_table_add_object(&t, inner);
		vcli_table_print(&t, "====== Data ======");
	}
out:
	json_decref(body);
	vcli_done(&k.v);
	return rc;
}

/* put and patch: write data; v2 answers with the new version's metadata. */
static int kv_write(int argc, char **argv, int patch)
{
	long cas = -1;
	struct vcli_kv k = {
	    .v = {.prog =
		      patch ? "bulwark vault kv patch" : "bulwark vault kv put",
		  .usage = patch
			       ? "usage: bulwark vault kv patch [-cas N] "
				 "[-mount M] PATH K=V...\n\nMerges the keys "
				 "into the latest version of a KV v2 secret "
				 "(JSON merge patch).\nK=@FILE reads a file, "
				 "K=- stdin, a lone - a JSON object from stdin."
			       : "usage: bulwark vault kv put [-cas N] "
				 "[-mount M] PATH K=V...\n\nWrites a secret "
				 "(a new version on KV v2).  K=@FILE reads "
				 "a file, K=-\nstdin, a lone - a JSON object "
				 "from stdin; a repeated key makes a list."}};
	const struct vault_flag fl[] = {
	    {"cas", VAULT_FLAG_INT, &cas},
	    {"mount", VAULT_FLAG_STRING, &k.mount_flag}};
	const char *what = patch ? "patching" : "writing";
	struct bw_error err = {0};
	json_t *kv = NULL, *req = NULL, *body = NULL;
	int rc, status;

	if ((rc = vcli_kv_start(&k, fl, 2, argc, argv, 2, VAULT_CLIENT_MAX_ARGS,
				"data")) >= 0)
		goto out;
	if (patch && k.version != 2) {
		fprintf(stderr, "%s: KV v1 mount %s does not support patch\n",
			k.v.prog, k.mount);
		rc = 2;
		goto out;
	}
	if (vault_kv_parse_args(k.v.nargs - 1, k.v.args + 1, stdin, &kv,
				&err)) {
		fprintf(stderr, "%s: %s: %s\n", k.v.prog, err.input, err.msg);
		rc = 1;
		goto out;
	}
	if (k.version == 2) {
		req = json_pack("{s:O}", "data", kv);
		if (cas >= 0)
			json_object_set_new(
			    req, "options",
			    json_pack("{s:I}", "cas", (json_int_t)cas));
	} else {
		req = json_incref(kv);
	}
	if ((rc = vcli_call(&k.v, vcli_kv_what(&k, what),
			    patch ? "PATCH" : "PUT", k.api, req, &status,
			    &body)) >= 0)
		goto out;
	if (status >= 300) {
		rc = vcli_api_error(&k.v, vcli_kv_what(&k, what),
				    patch ? "PATCH" : "PUT", k.api, status,
				    body);
		goto out;
	}
	rc = vcli_kv_print_written(&k, body);
out:
	json_decref(kv);
	json_decref(req);
	json_decref(body);
	vcli_done(&k.v);
	return rc;
}

static int kv_list(int argc, char **argv)
{
	struct vcli_kv k = {
	    .v = {.prog = "bulwark vault kv list",
		  .usage = "usage: bulwark vault kv list [-mount M] PATH\n\n"
			   "Lists the keys under a path (folders end in /)."}};
	const struct vault_flag fl[] = {
	    {"mount", VAULT_FLAG_STRING, &k.mount_flag}};
	json_t *body = NULL, *keys;
	int rc, status;
	size_t i;
	json_t *e;

	if ((rc = vcli_kv_start(&k, fl, 1, argc, argv, 1, 1, "metadata")) >= 0)
		goto out;
	if ((rc = vcli_call(&k.v, vcli_kv_what(&k, "listing"), "LIST", k.api,
			    NULL, &status, &body)) >= 0)
		goto out;
	keys = json_object_get(json_object_get(body, "data"), "keys");
	if ((status == 404 &&
	     !json_array_size(json_object_get(body, "errors"))) ||
	    (status == 200 && !json_array_size(keys))) {
		fprintf(stderr, "No value found at %s\n", k.api);
		rc = 2;
		goto out;
	}
	if (status != 200) {
		rc = vcli_api_error(&k.v, vcli_kv_what(&k, "listing"), "LIST",
				    k.api, status, body);
		goto out;
	}
	rc = 0;
	if (vcli_json(&k.v)) {
		vcli_print_json(keys);
		goto out;
	}
	printf("Keys\n----\n");
	json_array_foreach(keys, i, e)
	    printf("%s\n", json_is_string(e) ? json_string_value(e) : "?");
out:
	json_decref(body);
	vcli_done(&k.v);
	return rc;
}

static int kv_put(int argc, char **argv) { return kv_write(argc, argv, 0); }

static int kv_patch(int argc, char **argv) { return kv_write(argc, argv, 1); }

/* Without -versions a DELETE of the data path (v2: the latest version);
 * with it, PUT <mount>/delete/<path> {"versions": [...]} (v2 only). */
static int kv_delete(int argc, char **argv)
{
	struct vcli_kv k = {
	    .v = {.prog = "bulwark vault kv delete",
		  .usage = "usage: bulwark vault kv delete [-versions N,...] "
			   "[-mount M] PATH\n\nDeletes a secret (on KV v2: "
			   "soft-deletes its latest version, or\nthe versions "
			   "given; `kv undelete` brings them back)."}};
	json_t *items = NULL, *versions = NULL;
	const struct vault_flag fl[] = {
	    {"versions", VAULT_FLAG_STRINGS, &items},
	    {"mount", VAULT_FLAG_STRING, &k.mount_flag}};
	struct bw_error err = {0};
	int rc;

	if ((rc = vcli_parse(&k.v, fl, 2, argc, argv)) >= 0 ||
	    (rc = vcli_nargs(&k.v, 1, 1)) >= 0)
		goto out;
	if (items && vault_parse_versions(items, &versions, &err)) {
		fprintf(stderr, "%s: %s: %s\n", k.v.prog, err.input, err.msg);
		rc = 1;
		goto out;
	}
	if ((rc = vcli_kv_open(&k, "data")) >= 0)
		goto out;
	if (versions) {
		if ((rc = vcli_kv_need_v2(&k, "Deleting versions")) < 0)
			rc = vcli_kv_versions_put(&k, "delete", versions);
		goto out;
	}
	rc = vcli_kv_delete_at(&k);
out:
	json_decref(items);
	json_decref(versions);
	vcli_done(&k.v);
	return rc;
}

/* `kv <sub>`; metadata's own subcommands (get|put|patch|delete) are named by
 * vcli_kv_metadata. */
static const struct vcli_sub kv_commands[] = {
    {"get", "[-version N] [-field F] PATH", kv_get},
    {"put", "[-cas N] PATH K=V...", kv_put},
    {"patch", "[-cas N] PATH K=V...", kv_patch},
    {"list", "PATH", kv_list},
    {"delete", "[-versions N,...] PATH", kv_delete},
    {"undelete", "-versions N,... PATH", vcli_kv_undelete},
    {"destroy", "-versions N,... PATH", vcli_kv_destroy},
    {"rollback", "-version N PATH", vcli_kv_rollback},
    {"metadata", "get|put|patch|delete [options] PATH", vcli_kv_metadata},
};

#define N_KV_COMMANDS (sizeof(kv_commands) / sizeof(kv_commands[0]))

static void kv_usage(FILE *out)
{
	fprintf(out, "usage: bulwark vault kv <subcommand> [options] PATH "
		     "...\n\nSubcommands:\n");
	for (size_t i = 0; i < N_KV_COMMANDS; i++)
		fprintf(out, "  kv %-9s %s\n", kv_commands[i].name,
			kv_commands[i].text);
	fprintf(out, "\nEach also takes -mount M and the common options: "
		     "see\n'bulwark vault kv <subcommand> -h'.\n");
}

int cmd_vault_kv(int argc, char **argv)
{
	return vcli_dispatch("kv", kv_commands, N_KV_COMMANDS, kv_usage, argc,
			     argv);
}
