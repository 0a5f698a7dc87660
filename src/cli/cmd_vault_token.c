/*
 * cmd_vault_token.c - `bulwark vault token create|lookup|revoke`, as the
 * vault CLI's token commands (auth/token/create, lookup, lookup-self,
 * lookup-accessor, revoke, revoke-self, revoke-accessor, revoke-orphan).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/vault_cli.h"

/* ["a" "b"], as vault prints policy lists (Go's %q of a []string). */
static char *quoted_list(const json_t *a)
{
	json_t *s = json_string("[");
	size_t i;
	json_t *e;
	char *out;

	json_array_foreach(a, i, e)
	{
		char *q = json_dumps(e, JSON_ENCODE_ANY);

		if (q) {
			char *prev = strdup(json_string_value(s));
			size_t n = strlen(prev) + strlen(q) + 2;
			char *cat = malloc(n);

			if (prev && cat) {
				snprintf(cat, n, "%s%s%s", prev, i ? " " : "", q);
				json_string_set(s, cat);
			}
			free(prev);
			free(cat);
			free(q);
		}
	}
	out = malloc(json_string_length(s) + 2);
	if (out)
		snprintf(out, json_string_length(s) + 2, "%s]",
			 json_string_value(s));
	json_decref(s);
	return out;
}

/* An "auth" section as vault's token table; fields for -field. */
static json_t *auth_fields(const json_t *auth)
{
	return json_pack(
	    "{s:O*, s:O*, s:O*, s:O*, s:O*, s:O*, s:O*}", "token",
	    json_object_get(auth, "client_token"), "token_accessor",
	    json_object_get(auth, "accessor"), "token_duration",
	    json_object_get(auth, "lease_duration"), "token_renewable",
	    json_object_get(auth, "renewable"), "token_policies",
	    json_object_get(auth, "token_policies"), "identity_policies",
	    json_object_get(auth, "identity_policies"), "policies",
	    json_object_get(auth, "policies"));
}

static void print_auth(const json_t *auth)
{
	static const char *const order[] = {
	    "token",	      "token_accessor",	   "token_duration",
	    "token_renewable", "token_policies", "identity_policies",
	    "policies"};
	json_t *f = auth_fields(auth);
	struct vcli_table t = {0};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		json_t *x = json_object_get(f, order[i]);

		if (!strcmp(order[i], "token_duration")) {
			char d[64];
			long long s = json_integer_value(x);

			vcli_table_add(&t, order[i],
				       s ? vault_format_duration(s, d, sizeof(d))
					 : "∞");
		} else if (json_is_array(x) || !x) {
			char *q = quoted_list(x);

			vcli_table_add(&t, order[i], q ? q : "[]");
			free(q);
		} else {
			vcli_table_addv(&t, order[i], x);
		}
	}
	vcli_table_print(&t, NULL);
	json_decref(f);
}

static int tok_create(int argc, char **argv)
{
	long long ttl = -1, max_ttl = -1, period = -1;
	long uses = -1;
	int orphan = 0, renewable = -1;
	const char *display = NULL, *role = NULL;
	json_t *policies = NULL, *meta = NULL;
	const struct vault_flag fl[] = {
	    {"policy", VAULT_FLAG_STRINGS, &policies},
	    {"ttl", VAULT_FLAG_DURATION, &ttl},
	    {"explicit-max-ttl", VAULT_FLAG_DURATION, &max_ttl},
	    {"period", VAULT_FLAG_DURATION, &period},
	    {"use-limit", VAULT_FLAG_INT, &uses},
	    {"orphan", VAULT_FLAG_BOOL, &orphan},
	    {"renewable", VAULT_FLAG_BOOL, &renewable},
	    {"display-name", VAULT_FLAG_STRING, &display},
	    {"role", VAULT_FLAG_STRING, &role},
	    {"metadata", VAULT_FLAG_STRINGS, &meta},
	};
	struct vcli v = {
	    .prog = "bulwark vault token create",
	    .usage = "usage: bulwark vault token create [-policy P ...] [-ttl "
		     "D] [-explicit-max-ttl D]\n       [-period D] [-use-limit "
		     "N] [-orphan] [-renewable=false]\n       [-display-name "
		     "S] [-metadata K=V ...] [-role R]\n\nCreates a token "
		     "(a child of the current one unless -orphan).  Durations: "
		     "\"3600\",\n\"90s\", \"1h30m\"."};
	char path[512];
	json_t *req = NULL, *body = NULL;
	int rc, status;
	size_t i;
	json_t *e;

	if ((rc = vcli_parse(&v, fl, sizeof(fl) / sizeof(fl[0]), argc,
			     argv)) >= 0)
		goto out;
	if ((rc = vcli_nargs(&v, 0, 0)) >= 0)
		goto out;
	req = json_object();
	if (policies)
		json_object_set(req, "policies", policies);
	if (ttl >= 0)
		json_object_set_new(req, "ttl", json_sprintf("%llds", ttl));
	if (max_ttl >= 0)
		json_object_set_new(req, "explicit_max_ttl",
				    json_sprintf("%llds", max_ttl));
	if (period >= 0)
		json_object_set_new(req, "period",
				    json_sprintf("%llds", period));
	if (uses >= 0)
		json_object_set_new(req, "num_uses", json_integer(uses));
	if (orphan)
		json_object_set_new(req, "no_parent", json_true());
	if (renewable >= 0)
		json_object_set_new(req, "renewable", json_boolean(renewable));
	if (display)
		json_object_set_new(req, "display_name", json_string(display));
	if (meta) {
		json_t *m = json_object();

		json_array_foreach(meta, i, e)
		{
			const char *kv = json_string_value(e);
			const char *eq = strchr(kv, '=');

			if (!eq) {
				fprintf(stderr, "%s: -metadata wants K=V: %s\n",
					v.prog, kv);
				json_decref(m);
				rc = 1;
				goto out;
			}
			json_object_setn_new(m, kv, (size_t)(eq - kv),
					     json_string(eq + 1));
		}
		json_object_set_new(req, "meta", m);
	}
	if (role)
		snprintf(path, sizeof(path), "auth/token/create/%s", role);
	else
		snprintf(path, sizeof(path), "auth/token/create");
	if (vcli_connect(&v) >= 0) {
		rc = 2;
		goto out;
	}
	if ((rc = vcli_call(&v, "creating token", "POST", path, req, &status,
			    &body)) >= 0)
		goto out;
	if (status >= 300 || !json_is_object(json_object_get(body, "auth"))) {
		rc = vcli_api_error(&v, "creating token", "POST", path, status,
				    body);
		goto out;
	}
	rc = 0;
	if (v.field) {
		json_t *f = auth_fields(json_object_get(body, "auth"));

		rc = vcli_print_field(&v, f);
		json_decref(f);
	} else if (vcli_json(&v)) {
		vcli_print_json(body);
	} else {
		print_auth(json_object_get(body, "auth"));
	}
out:
	json_decref(policies);
	json_decref(meta);
	json_decref(req);
	json_decref(body);
	vcli_done(&v);
	return rc;
}

static int tok_lookup(int argc, char **argv)
{
	int accessor = 0;
	const struct vault_flag fl[] = {{"accessor", VAULT_FLAG_BOOL, &accessor}};
	struct vcli v = {
	    .prog = "bulwark vault token lookup",
	    .usage = "usage: bulwark vault token lookup [-accessor] [TOKEN]\n\n"
		     "Shows a token's properties: the current token's without "
		     "TOKEN, or\nTOKEN's (an accessor with -accessor)."};
	const char *path = "auth/token/lookup-self", *method = "GET";
	json_t *req = NULL, *body = NULL;
	int rc, status;

	if ((rc = vcli_parse(&v, fl, 1, argc, argv)) >= 0)
		return rc;
	if ((rc = vcli_nargs(&v, accessor ? 1 : 0, 1)) >= 0)
		return rc;
	if (v.nargs == 1) {
		method = "POST";
		path = accessor ? "auth/token/lookup-accessor"
				: "auth/token/lookup";
		req = json_pack("{s:s}", accessor ? "accessor" : "token",
				v.args[0]);
	}
	if (vcli_connect(&v) >= 0) {
		rc = 2;
		goto out;
	}
	if ((rc = vcli_call(&v, "looking up token", method, path, req, &status,
			    &body)) >= 0)
		goto out;
	if (status != 200 || !json_is_object(json_object_get(body, "data"))) {
		rc = vcli_api_error(&v, "looking up token", method, path,
				    status, body);
		goto out;
	}
	rc = 0;
	if (v.field) {
		rc = vcli_print_field(&v, json_object_get(body, "data"));
	} else if (vcli_json(&v)) {
		vcli_print_json(body);
	} else {
		struct vcli_table t = {0};

		vcli_table_add_object(&t, json_object_get(body, "data"));
		vcli_table_print(&t, NULL);
	}
out:
	json_decref(req);
	json_decref(body);
	vcli_done(&v);
	return rc;
}

static int tok_revoke(int argc, char **argv)
{
	int self = 0, accessor = 0;
	const char *mode = NULL;
	const struct vault_flag fl[] = {
	    {"self", VAULT_FLAG_BOOL, &self},
	    {"accessor", VAULT_FLAG_BOOL, &accessor},
	    {"mode", VAULT_FLAG_STRING, &mode},
	};
	struct vcli v = {
	    .prog = "bulwark vault token revoke",
	    .usage = "usage: bulwark vault token revoke [-accessor] [-mode "
		     "orphan] TOKEN\n       bulwark vault token revoke -self\n\n"
		     "Revokes a token and its children (-mode orphan: only the "
		     "token)."};
	const char *path;
	json_t *req = NULL, *body = NULL;
	int rc, status;

	if ((rc = vcli_parse(&v, fl, 3, argc, argv)) >= 0)
		return rc;
	if ((rc = vcli_nargs(&v, self ? 0 : 1, self ? 0 : 1)) >= 0)
		return rc;
	if (mode && strcmp(mode, "orphan") && strcmp(mode, "path")) {
		fprintf(stderr, "%s: -mode must be orphan\n", v.prog);
		return 1;
	}
	if (self) {
		path = "auth/token/revoke-self";
	} else {
		path = accessor ? "auth/token/revoke-accessor"
		       : mode && !strcmp(mode, "orphan")
			   ? "auth/token/revoke-orphan"
			   : "auth/token/revoke";
		req = json_pack("{s:s}", accessor ? "accessor" : "token",
				v.args[0]);
	}
	if (vcli_connect(&v) >= 0) {
		rc = 2;
		goto out;
	}
	if ((rc = vcli_call(&v, "revoking token", "PUT", path, req, &status,
			    &body)) >= 0)
		goto out;
	if (status >= 300) {
		rc = vcli_api_error(&v, "revoking token", "PUT", path, status,
				    body);
		goto out;
	}
	rc = 0;
	printf("Success! Revoked token (if it existed)\n");
out:
	json_decref(req);
	json_decref(body);
	vcli_done(&v);
	return rc;
}

int cmd_vault_token(int argc, char **argv)
{
	static const char usage[] =
	    "usage: bulwark vault token <create|lookup|revoke> [options]\n";

	if (argc < 2) {
		fputs(usage, stderr);
		return 1;
	}
	if (cli_is_help(argv[1])) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "create"))
		return tok_create(argc - 1, argv + 1);
	if (!strcmp(argv[1], "lookup"))
		return tok_lookup(argc - 1, argv + 1);
	if (!strcmp(argv[1], "revoke"))
		return tok_revoke(argc - 1, argv + 1);
	fprintf(stderr, "bulwark vault token: unknown subcommand '%s'\n%s",
		argv[1], usage);
	return 1;
}
