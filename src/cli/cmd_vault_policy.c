/*
 * cmd_vault_policy.c - `bulwark vault policy write|read|list|delete`, as
 * the vault CLI's policy commands, on sys/policies/acl/<name> (list falls
 * back to GET sys/policy when the LIST endpoint is missing).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/vault_cli.h"

static int pol_start(struct vcli *v, int argc, char **argv, int n)
{
	int rc;

	if ((rc = vcli_parse(v, NULL, 0, argc, argv)) >= 0)
		return rc;
	if ((rc = vcli_nargs(v, n, n)) >= 0)
		return rc;
	return vcli_connect(v) >= 0 ? 2 : -1;
}

static int pol_write(int argc, char **argv)
{
	struct vcli v = {.prog = "bulwark vault policy write",
			 .usage = "usage: bulwark vault policy write NAME "
				  "FILE|-\n\nUploads an ACL policy (HCL or "
				  "JSON) from FILE or stdin."};
	struct bw_error err = {0};
	char path[600], *text = NULL;
	size_t len = 0;
	json_t *req = NULL, *body = NULL;
	int rc, status;
	FILE *f;

	if ((rc = pol_start(&v, argc, argv, 2)) >= 0)
		goto out;
	f = strcmp(v.args[1], "-") ? fopen(v.args[1], "rb") : stdin;
	if (!f) {
		fprintf(stderr, "%s: %s: cannot open\n", v.prog, v.args[1]);
		rc = 1;
		goto out;
	}
	rc = vault_read_all(f, VAULT_POLICY_MAX_BYTES, &text, &len, &err);
	if (f != stdin)
		fclose(f);
	if (rc) {
		fprintf(stderr, "%s: %s: %s\n", v.prog, v.args[1], err.msg);
		rc = 1;
		goto out;
	}
	req = json_pack("{s:s%}", "policy", text, len);
	if (!req) {
		fprintf(stderr, "%s: %s: not UTF-8 text\n", v.prog, v.args[1]);
		rc = 1;
		goto out;
	}
	snprintf(path, sizeof(path), "sys/policies/acl/%s", v.args[0]);
	if ((rc = vcli_call(&v, "uploading policy", "PUT", path, req, &status,
			    &body)) >= 0)
		goto out;
	if (status >= 300) {
		rc = vcli_api_error(&v, "uploading policy", "PUT", path, status,
				    body);
		goto out;
	}
	rc = 0;
	printf("Success! Uploaded policy: %s\n", v.args[0]);
out:
	free(text);
	json_decref(req);
	json_decref(body);
	vcli_done(&v);
	return rc;
}

static int pol_read(int argc, char **argv)
{
	struct vcli v = {.prog = "bulwark vault policy read",
			 .usage = "usage: bulwark vault policy read NAME\n\n"
				  "Prints a policy's text."};
	char path[600];
	json_t *body = NULL, *p;
	int rc, status;

	if ((rc = pol_start(&v, argc, argv, 1)) >= 0)
		goto out;
	snprintf(path, sizeof(path), "sys/policies/acl/%s", v.args[0]);
	if ((rc = vcli_call(&v, "reading policy", "GET", path, NULL, &status,
			    &body)) >= 0)
		goto out;
	if (status == 404) {
		fprintf(stderr, "No policy named: %s\n", v.args[0]);
		rc = 2;
		goto out;
	}
	p = json_object_get(json_object_get(body, "data"), "policy");
	if (status != 200 || !json_is_string(p)) {
		rc = vcli_api_error(&v, "reading policy", "GET", path, status,
				    body);
		goto out;
	}
	rc = 0;
	if (v.field)
		rc = vcli_print_field(&v, json_object_get(body, "data"));
	else if (vcli_json(&v))
		vcli_print_json(body);
	else
		printf("%s%s", json_string_value(p),
		       json_string_length(p) &&
			       json_string_value(p)[json_string_length(p) - 1] ==
				   '\n'
			   ? ""
			   : "\n");
out:
	json_decref(body);
	vcli_done(&v);
	return rc;
}

static int pol_list(int argc, char **argv)
{
	struct vcli v = {.prog = "bulwark vault policy list",
			 .usage = "usage: bulwark vault policy list\n\n"
				  "Lists the ACL policies' names."};
	json_t *body = NULL, *keys;
	const char *method = "LIST", *path = "sys/policies/acl";
	int rc, status;
	size_t i;
	json_t *e;

	if ((rc = pol_start(&v, argc, argv, 0)) >= 0)
		goto out;
	if ((rc = vcli_call(&v, "listing policies", method, path, NULL,
			    &status, &body)) >= 0)
		goto out;
	if (status == 404 || status == 405) {
		json_decref(body);
		method = "GET";
		path = "sys/policy";
		if ((rc = vcli_call(&v, "listing policies", method, path, NULL,
				    &status, &body)) >= 0)
			goto out;
	}
	keys = json_object_get(json_object_get(body, "data"), "keys");
	if (!keys)
		keys = json_object_get(json_object_get(body, "data"),
				       "policies");
	if (!keys)
		keys = json_object_get(body, "policies");
	if (status != 200 || !json_is_array(keys)) {
		rc = vcli_api_error(&v, "listing policies", method, path,
				    status, body);
		goto out;
	}
	rc = 0;
	if (vcli_json(&v)) {
		vcli_print_json(keys);
		goto out;
	}
	json_array_foreach(keys, i, e)
		printf("%s\n", json_is_string(e) ? json_string_value(e) : "?");
out:
	json_decref(body);
	vcli_done(&v);
	return rc;
}

static int pol_delete(int argc, char **argv)
{
	struct vcli v = {.prog = "bulwark vault policy delete",
			 .usage = "usage: bulwark vault policy delete NAME"};
	char path[600];
	json_t *body = NULL;
	int rc, status;

	if ((rc = pol_start(&v, argc, argv, 1)) >= 0)
		goto out;
	snprintf(path, sizeof(path), "sys/policies/acl/%s", v.args[0]);
	if ((rc = vcli_call(&v, "deleting policy", "DELETE", path, NULL,
			    &status, &body)) >= 0)
		goto out;
	if (status >= 300) {
		rc = vcli_api_error(&v, "deleting policy", "DELETE", path,
				    status, body);
		goto out;
	}
	rc = 0;
	printf("Success! Deleted policy: %s\n", v.args[0]);
out:
	json_decref(body);
	vcli_done(&v);
	return rc;
}

int cmd_vault_policy(int argc, char **argv)
{
	static const char usage[] =
	    "usage: bulwark vault policy <write|read|list|delete> [options]\n";

	if (argc < 2) {
		fputs(usage, stderr);
		return 1;
	}
	if (cli_is_help(argv[1])) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "write"))
		return pol_write(argc - 1, argv + 1);
	if (!strcmp(argv[1], "read"))
		return pol_read(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return pol_list(argc - 1, argv + 1);
	if (!strcmp(argv[1], "delete"))
		return pol_delete(argc - 1, argv + 1);
	fprintf(stderr, "bulwark vault policy: unknown subcommand '%s'\n%s",
		argv[1], usage);
	return 1;
}
