/*
 * cmd_vault_token.c - `bulwark vault token
 * create|lookup|renew|revoke|capabilities`, as the vault CLI's token
 * commands (auth/token/create, lookup, lookup-self, lookup-accessor,
 * renew, renew-self, renew-accessor, revoke, revoke-self,
 * revoke-accessor, revoke-orphan; sys/capabilities and
 * sys/capabilities-self).
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

		if (!strcmp(order[i], "token") && !json_string_length(x)) {
			vcli_table_add(&t, order[i], "n/a");
		} else if (!strcmp(order[i], "token_duration")) {
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

/* Prints a renew or create answer: -field from its auth, the body as
 * JSON, or vault's token table.  0, or 1 for a missing field. */
static int print_auth_answer(const struct vcli *v, const json_t *body)
{
	int rc = 0;

	if (v->field) {
		json_t *f = auth_fields(json_object_get(body, "auth"));

		rc = vcli_print_field(v, f);
		json_decref(f);
	} else if (vcli_json(v)) {
		vcli_print_json(body);
	} else {
		print_auth(json_object_get(body, "auth"));
	}
	return rc;
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
	    {"metadata", VAULT_FLAG_MAP, &meta},
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
	if (meta)
		json_object_set(req, "meta", meta);
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
	rc = print_auth_answer(&v, body);
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

static int tok_renew(int argc, char **argv)
{
	long long inc = -1;
	int accessor = 0, fail_short = 0;
	const struct vault_flag fl[] = {
	    {"increment", VAULT_FLAG_DURATION, &inc},
	    {"i", VAULT_FLAG_DURATION, &inc},
	    {"accessor", VAULT_FLAG_BOOL, &accessor},
	    {"fail-if-not-fulfilled", VAULT_FLAG_BOOL, &fail_short},
	};
	struct vcli v = {
	    .prog = "bulwark vault token renew",
	    .usage = "usage: bulwark vault token renew [-increment D] "
		     "[-accessor] [-fail-if-not-fulfilled] [TOKEN]\n\n"
		     "Renews a token's lease: the current token's without "
		     "TOKEN (renew-self),\nelse TOKEN's (an accessor with "
		     "-accessor).  -increment (alias -i) asks for\na TTL "
		     "from now; the server caps it at the token's maximum."};
	const char *path = "auth/token/renew-self";
	json_t *req = NULL, *body = NULL;
	int rc, status;

	if ((rc = vcli_parse(&v, fl, sizeof(fl) / sizeof(fl[0]), argc, argv)) >=
		0 ||
	    (rc = vcli_nargs(&v, accessor ? 1 : 0, 1)) >= 0)
		goto out;
	req = json_object();
	if (v.nargs == 1) {
		path =
		    accessor ? "auth/token/renew-accessor" : "auth/token/renew";
		json_object_set_new(req, accessor ? "accessor" : "token",
				    json_string(v.args[0]));
	}
	if (inc >= 0)
		json_object_set_new(req, "increment", json_integer(inc));
	if (vcli_connect(&v) >= 0) {
		rc = 2;
		goto out;
	}
	if ((rc = vcli_call(&v, "renewing token", "PUT", path, req, &status,
			    &body)) >= 0)
		goto out;
	if (status >= 300 || !json_is_object(json_object_get(body, "auth"))) {
		rc = vcli_api_error(&v, "renewing token", "PUT", path, status,
				    body);
		goto out;
	}
	if (fail_short && inc > 0 &&
	    json_integer_value(json_object_get(json_object_get(body, "auth"),
					       "lease_duration")) < inc) {
		printf("Token renewal completed with capped duration, failing "
		       "the command because of -fail-if-not-fulfilled\n");
		rc = 1;
		goto out;
	}
	rc = print_auth_answer(&v, body);
out:
	json_decref(req);
	json_decref(body);
	vcli_done(&v);
	return rc;
}

/* The capabilities of an answer: data[path], else data.capabilities (as
 * vault's client reads them); a borrowed array or NULL. */
static json_t *capabilities_of(const json_t *body, const char *path)
{
	json_t *data = json_object_get(body, "data");
	json_t *c = json_object_get(data, path);

	if (!json_array_size(c))
		c = json_object_get(data, "capabilities");
	return json_is_array(c) ? c : NULL;
}

static int cmp_cap(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "create, read, update", sorted, as vault's table output. */
static void print_capabilities(const json_t *caps)
{
	size_t n = json_array_size(caps), k = 0, i;
	const char **names = calloc(n ? n : 1, sizeof(*names));
	json_t *e;

	if (!names)
		return;
	json_array_foreach(caps, i, e) if (json_is_string(e)) names[k++] =
	    json_string_value(e);
	qsort(names, k, sizeof(*names), cmp_cap);
	for (i = 0; i < k; i++)
		printf("%s%s", i ? ", " : "", names[i]);
	printf("\n");
	free(names);
}

static int tok_capabilities(int argc, char **argv)
{
	struct vcli v = {
	    .prog = "bulwark vault token capabilities",
	    .usage = "usage: bulwark vault token capabilities [TOKEN] PATH\n\n"
		     "Prints what a token may do on PATH: the current token "
		     "(sys/capabilities-self)\nwithout TOKEN, else TOKEN's "
		     "(sys/capabilities)."};
	const char *path = "sys/capabilities-self", *target;
	json_t *req = NULL, *body = NULL, *caps;
	int rc, status;

	if ((rc = vcli_parse(&v, NULL, 0, argc, argv)) >= 0 ||
	    (rc = vcli_nargs(&v, 1, 2)) >= 0)
		goto out;
	target = v.args[v.nargs - 1];
	req = json_pack("{s:[s]}", "paths", target);
	if (v.nargs == 2) {
		path = "sys/capabilities";
		json_object_set_new(req, "token", json_string(v.args[0]));
	}
	if (vcli_connect(&v) >= 0) {
		rc = 2;
		goto out;
	}
	if ((rc = vcli_call(&v, "listing capabilities", "PUT", path, req,
			    &status, &body)) >= 0)
		goto out;
	if (status >= 300) {
		rc = vcli_api_error(&v, "listing capabilities", "PUT", path,
				    status, body);
		goto out;
	}
	if (!(caps = capabilities_of(body, target))) {
		fprintf(stderr, "No capabilities found\n");
		rc = 1;
		goto out;
	}
	rc = 0;
	if (vcli_json(&v))
		vcli_print_json(caps);
	else
		print_capabilities(caps);
out:
	json_decref(req);
	json_decref(body);
	vcli_done(&v);
	return rc;
}

static const struct vcli_sub token_commands[] = {
    {"create", "[-policy P ...] [-ttl D] [-orphan] ...", tok_create},
    {"lookup", "[-accessor] [TOKEN]", tok_lookup},
    {"renew", "[-increment D] [-accessor] [TOKEN]", tok_renew},
    {"revoke", "[-accessor] [-mode orphan] TOKEN | -self", tok_revoke},
    {"capabilities", "[TOKEN] PATH", tok_capabilities},
};

#define N_TOKEN_COMMANDS (sizeof(token_commands) / sizeof(token_commands[0]))

static void token_usage(FILE *out)
{
	fprintf(out, "usage: bulwark vault token <subcommand> [options] "
		     "[args]\n\nSubcommands:\n");
	for (size_t i = 0; i < N_TOKEN_COMMANDS; i++)
		fprintf(out, "  token %-12s %s\n", token_commands[i].name,
			token_commands[i].text);
	fprintf(out, "\nSee 'bulwark vault token <subcommand> -h'.\n");
}

int cmd_vault_token(int argc, char **argv)
{
	return vcli_dispatch("token", token_commands, N_TOKEN_COMMANDS,
			     token_usage, argc, argv);
}
