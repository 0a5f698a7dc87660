/*
 * cmd_vault_kv.c - `bulwark vault kv get|put|patch|list|delete|metadata
 * get`, as the vault CLI's kv commands: the KV engine's version is found
 * per path (vault_kv_detect: sys/internal/ui/mounts, then sys/mounts, then
 * "secret/ is KV v2"), and a user path "secret/app" becomes
 * "secret/data/app" or "secret/metadata/app" for v2.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/vault_cli.h"

struct kvctx {
	struct vcli v;
	const char *mount_flag;
	char user_path[VAULT_MAX_PATH];
	char mount[VAULT_MAX_PATH];
	char api[VAULT_MAX_PATH + 64];
	int version;
	char what[VAULT_MAX_PATH + 96];
};

/* Resolves v.args[0] (and -mount) to the API path under kind. */
static int kv_resolve(struct kvctx *k, const char *kind)
{
	struct bw_error err = {0};
	int rc;

	if (k->mount_flag && *k->mount_flag) {
		const char *m = k->mount_flag;
		size_t ml = strlen(m);

		while (ml && m[ml - 1] == '/')
			ml--;
		snprintf(k->user_path, sizeof(k->user_path), "%.*s/%s", (int)ml,
			 m, k->v.args[0][0] == '/' ? k->v.args[0] + 1
						   : k->v.args[0]);
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

/* Parses, checks args, connects, resolves; -1 to go on. */
static int kv_start(struct kvctx *k, const struct vault_flag *fl, size_t n,
		    int argc, char **argv, int min, int max, const char *kind)
{
	int rc;

	if ((rc = vcli_parse(&k->v, fl, n, argc, argv)) >= 0)
		return rc;
	if ((rc = vcli_nargs(&k->v, min, max)) >= 0)
		return rc;
	if (vcli_connect(&k->v) >= 0)
		return 2;
	return kv_resolve(k, kind);
}

/* "reading secret/data/x", for error messages (one at a time). */
static const char *kv_what(struct kvctx *k, const char *verb)
{
	snprintf(k->what, sizeof(k->what), "%s %s", verb, k->api);
	return k->what;
}

static void print_path_header(const struct kvctx *k)
{
	printf("== Secret Path ==\n%s\n\n", k->api);
}

static int kv_get(int argc, char **argv)
{
	long version = 0;
	struct kvctx k = {
	    .v = {.prog = "bulwark vault kv get",
		  .usage = "usage: bulwark vault kv get [-version N] [-field F] "
			   "[-mount M] PATH\n\nReads a secret (the latest "
			   "version, or -version N of a KV v2 secret)."}};
	const struct vault_flag fl[] = {
	    {"version", VAULT_FLAG_INT, &version},
	    {"mount", VAULT_FLAG_STRING, &k.mount_flag}};
	char path[VAULT_MAX_PATH + 96];
	json_t *body = NULL, *data, *inner;
	int rc, status;

	if ((rc = kv_start(&k, fl, 2, argc, argv, 1, 1, "data")) >= 0)
		goto out;
	if (version > 0 && k.version == 2)
		snprintf(path, sizeof(path), "%s?version=%ld", k.api, version);
	else
		snprintf(path, sizeof(path), "%s", k.api);
	if ((rc = vcli_call(&k.v, kv_what(&k, "reading"), "GET", path, NULL, &status,
			    &body)) >= 0)
		goto out;
	data = json_object_get(body, "data");
	inner = k.version == 2 ? json_object_get(data, "data") : data;
	if ((status == 404 && !json_array_size(json_object_get(body, "errors"))) ||
	    (status == 200 && !json_is_object(inner))) {
		fprintf(stderr, "No value found at %s\n", k.api);
		rc = 2;
		goto out;
	}
	if (status != 200) {
		rc = vcli_api_error(&k.v, kv_what(&k, "reading"), "GET", path, status, body);
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
			print_path_header(&k);
			vcli_table_add_object(&t,
					      json_object_get(data, "metadata"));
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
	struct kvctx k = {
	    .v = {.prog = patch ? "bulwark vault kv patch"
				: "bulwark vault kv put",
		  .usage = patch ? "usage: bulwark vault kv patch [-cas N] "
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

	if ((rc = kv_start(&k, fl, 2, argc, argv, 2, VAULT_CLIENT_MAX_ARGS,
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
			json_object_set_new(req, "options",
					    json_pack("{s:I}", "cas",
						      (json_int_t)cas));
	} else {
		req = json_incref(kv);
	}
	if ((rc = vcli_call(&k.v, kv_what(&k, what), patch ? "PATCH" : "PUT", k.api, req,
			    &status, &body)) >= 0)
		goto out;
	if (status >= 300) {
		rc = vcli_api_error(&k.v, kv_what(&k, what), patch ? "PATCH" : "PUT", k.api,
				    status, body);
		goto out;
	}
	rc = 0;
	if (k.v.field) {
		rc = vcli_print_field(&k.v, json_object_get(body, "data"));
	} else if (vcli_json(&k.v)) {
		vcli_print_json(body);
	} else if (k.version == 2 && json_is_object(json_object_get(body, "data"))) {
		struct vcli_table t = {0};

		print_path_header(&k);
		vcli_table_add_object(&t, json_object_get(body, "data"));
		vcli_table_print(&t, "======= Metadata =======");
	} else {
		printf("Success! Data written to: %s\n", k.api);
	}
out:
	json_decref(kv);
	json_decref(req);
	json_decref(body);
	vcli_done(&k.v);
	return rc;
}

static int kv_list(int argc, char **argv)
{
	struct kvctx k = {
	    .v = {.prog = "bulwark vault kv list",
		  .usage = "usage: bulwark vault kv list [-mount M] PATH\n\n"
			   "Lists the keys under a path (folders end in /)."}};
	const struct vault_flag fl[] = {
	    {"mount", VAULT_FLAG_STRING, &k.mount_flag}};
	json_t *body = NULL, *keys;
	int rc, status;
	size_t i;
	json_t *e;

	if ((rc = kv_start(&k, fl, 1, argc, argv, 1, 1, "metadata")) >= 0)
		goto out;
	if ((rc = vcli_call(&k.v, kv_what(&k, "listing"), "LIST", k.api, NULL, &status,
			    &body)) >= 0)
		goto out;
	keys = json_object_get(json_object_get(body, "data"), "keys");
	if ((status == 404 && !json_array_size(json_object_get(body, "errors"))) ||
	    (status == 200 && !json_array_size(keys))) {
		fprintf(stderr, "No value found at %s\n", k.api);
		rc = 2;
		goto out;
	}
	if (status != 200) {
		rc = vcli_api_error(&k.v, kv_what(&k, "listing"), "LIST", k.api, status,
				    body);
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

static int kv_delete(int argc, char **argv)
{
	struct kvctx k = {
	    .v = {.prog = "bulwark vault kv delete",
		  .usage = "usage: bulwark vault kv delete [-mount M] PATH\n\n"
			   "Deletes a secret (on KV v2: soft-deletes its latest "
			   "version)."}};
	const struct vault_flag fl[] = {
	    {"mount", VAULT_FLAG_STRING, &k.mount_flag}};
	json_t *body = NULL;
	int rc, status;

	if ((rc = kv_start(&k, fl, 1, argc, argv, 1, 1, "data")) >= 0)
		goto out;
	if ((rc = vcli_call(&k.v, kv_what(&k, "deleting"), "DELETE", k.api, NULL, &status,
			    &body)) >= 0)
		goto out;
	if (status >= 300) {
		rc = vcli_api_error(&k.v, kv_what(&k, "deleting"), "DELETE", k.api, status,
				    body);
		goto out;
	}
	rc = 0;
	printf("Success! Data deleted (if it existed) at: %s\n", k.api);
out:
	json_decref(body);
	vcli_done(&k.v);
	return rc;
}

static int kv_metadata(int argc, char **argv)
{
	struct kvctx k = {
	    .v = {.prog = "bulwark vault kv metadata get",
		  .usage = "usage: bulwark vault kv metadata get [-mount M] "
			   "PATH\n\nPrints a KV v2 secret's metadata and "
			   "versions."}};
	const struct vault_flag fl[] = {
	    {"mount", VAULT_FLAG_STRING, &k.mount_flag}};
	json_t *body = NULL, *data, *meta = NULL, *vers, *x;
	int rc, status;
	const char *key;

	if (argc < 2 || strcmp(argv[1], "get")) {
		fprintf(stderr, "usage: bulwark vault kv metadata get PATH\n");
		return 1;
	}
	if ((rc = kv_start(&k, fl, 1, argc - 1, argv + 1, 1, 1, "metadata")) >=
	    0)
		goto out;
	if (k.version != 2) {
		fprintf(stderr, "%s: metadata needs a KV v2 mount\n", k.v.prog);
		rc = 2;
		goto out;
	}
	if ((rc = vcli_call(&k.v, kv_what(&k, "reading metadata"), "GET", k.api, NULL,
			    &status, &body)) >= 0)
		goto out;
	if (status == 404 && !json_array_size(json_object_get(body, "errors"))) {
		fprintf(stderr, "No value found at %s\n", k.api);
		rc = 2;
		goto out;
	}
	if (status != 200) {
		rc = vcli_api_error(&k.v, kv_what(&k, "reading metadata"), "GET", k.api,
				    status, body);
		goto out;
	}
	rc = 0;
	data = json_object_get(body, "data");
	if (k.v.field) {
		rc = vcli_print_field(&k.v, data);
		goto out;
	}
	if (vcli_json(&k.v)) {
		vcli_print_json(body);
		goto out;
	}
	meta = json_deep_copy(data);
	json_object_del(meta, "versions");
	{
		struct vcli_table t = {0};

		print_path_header(&k);
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
	}
out:
	json_decref(meta);
	json_decref(body);
	vcli_done(&k.v);
	return rc;
}

int cmd_vault_kv(int argc, char **argv)
{
	static const char usage[] =
	    "usage: bulwark vault kv <get|put|patch|list|delete|metadata get> "
	    "[options] PATH ...\n";

	if (argc < 2) {
		fputs(usage, stderr);
		return 1;
	}
	if (cli_is_help(argv[1])) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "get"))
		return kv_get(argc - 1, argv + 1);
	if (!strcmp(argv[1], "put"))
		return kv_write(argc - 1, argv + 1, 0);
	if (!strcmp(argv[1], "patch"))
		return kv_write(argc - 1, argv + 1, 1);
	if (!strcmp(argv[1], "list"))
		return kv_list(argc - 1, argv + 1);
	if (!strcmp(argv[1], "delete"))
		return kv_delete(argc - 1, argv + 1);
	if (!strcmp(argv[1], "metadata"))
		return kv_metadata(argc - 1, argv + 1);
	fprintf(stderr, "bulwark vault kv: unknown subcommand '%s'\n%s",
		argv[1], usage);
	return 1;
}
