/*
 * cmd_vault_client.c - the plumbing the `bulwark vault` client commands
 * (operator, status, kv, token, policy) share: Vault's global flags and
 * environment variables, opening the client, reporting API errors the way
 * the vault CLI does, and vault's output formats (tables, JSON, -field).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli/commands.h"
#include "cli/vault_cli.h"

static void usage_to(const struct vcli *v, FILE *out)
{
	fprintf(out, "%s\n", v->usage);
	fprintf(out,
		"\nCommon options (and their environment variables):\n"
		"  -address ADDR      server address (VAULT_ADDR, default %s)\n"
		"  -ca-cert FILE      PEM CA to verify the server (VAULT_CACERT)\n"
		"  -tls-skip-verify   do not verify TLS (VAULT_SKIP_VERIFY; "
		"insecure)\n"
		"  -format table|json output format (VAULT_FORMAT)\n"
		"  -field NAME        print only this field, raw\n"
		"The token is VAULT_TOKEN, else the contents of ~/.vault-token.\n",
		VAULT_DEFAULT_ADDR);
}

int vcli_parse(struct vcli *v, const struct vault_flag *extra, size_t n,
	       int argc, char **argv)
{
	struct vault_flag fl[VCLI_MAX_FLAGS];
	struct bw_error err = {0};
	size_t k = 0;
	int rc;

	for (size_t i = 0; i < n && k < VCLI_MAX_FLAGS - 5; i++)
		fl[k++] = extra[i];
	fl[k++] = (struct vault_flag){"address", VAULT_FLAG_STRING, &v->address};
	fl[k++] = (struct vault_flag){"ca-cert", VAULT_FLAG_STRING, &v->ca_cert};
	fl[k++] = (struct vault_flag){"tls-skip-verify", VAULT_FLAG_BOOL,
				      &v->skip_verify};
	fl[k++] = (struct vault_flag){"format", VAULT_FLAG_STRING, &v->format};
	fl[k++] = (struct vault_flag){"field", VAULT_FLAG_STRING, &v->field};
	rc = vault_flags_parse(fl, k, argc - 1, argv + 1, v->args, &v->nargs,
			       &err);
	if (rc == 1) {
		usage_to(v, stdout);
		return 0;
	}
	if (rc) {
		fprintf(stderr, "%s: %s\n\n", v->prog, err.msg);
		usage_to(v, stderr);
		return 1;
	}
	return vcli_check_format(v);
}

int vcli_nargs(struct vcli *v, int min, int max)
{
	if (v->nargs >= min && v->nargs <= max)
		return -1;
	fprintf(stderr, "%s: %s arguments (expected %d%s%d, got %d)\n\n",
		v->prog, v->nargs < min ? "Not enough" : "Too many", min,
		max == min ? "" : "-", max == min ? 0 : max, v->nargs);
	usage_to(v, stderr);
	return 1;
}

static const char *vcli_format(const struct vcli *v)
{
	const char *f = v->format;

	if (!f || !*f)
		f = getenv("VAULT_FORMAT");
	return f && *f ? f : "table";
}

int vcli_json(const struct vcli *v)
{
	return !strcasecmp(vcli_format(v), "json");
}

int vcli_check_format(const struct vcli *v)
{
	const char *f = vcli_format(v);

	if (!strcasecmp(f, "json") || !strcasecmp(f, "table"))
		return -1;
	fprintf(stderr, "%s: invalid output format \"%s\" (table or json)\n",
		v->prog, f);
	return 1;
}

/* ~/.vault-token, trimmed; NULL when absent.  The caller cleanses it. */
static char *token_file(size_t *ret_len)
{
	const char *home = getenv("HOME");
	struct bw_error err = {0};
	char path[4096], *tok = NULL;
	size_t len = 0;
	FILE *f;

	if (!home || !*home)
		return NULL;
	snprintf(path, sizeof(path), "%s/.vault-token", home);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (vault_read_all(f, 64 * 1024, &tok, &len, &err))
		tok = NULL;
	fclose(f);
	if (!tok)
		return NULL;
	*ret_len = len;
	while (len && isspace((unsigned char)tok[len - 1]))
		tok[--len] = '\0';
	return tok;
}

int vcli_connect(struct vcli *v)
{
	struct vault_client_config cfg = {0};
	struct bw_error err = {0};
	const char *env;
	char *ftok = NULL;
	size_t flen = 0;
	int rc, skip = v->skip_verify;

	cfg.address = v->address && *v->address ? v->address
						 : getenv("VAULT_ADDR");
	cfg.ca_cert = v->ca_cert && *v->ca_cert ? v->ca_cert
						 : getenv("VAULT_CACERT");
	env = getenv("VAULT_SKIP_VERIFY");
	if (!skip && env && *env && vault_parse_bool(env, &skip)) {
		fprintf(stderr, "%s: VAULT_SKIP_VERIFY: not a boolean: %s\n",
			v->prog, env);
		return 2;
	}
	cfg.skip_verify = skip;
	env = getenv("VAULT_CLIENT_TIMEOUT");
	if (env && *env) {
		long long s;

		if (vault_parse_duration(env, &s) || s > 86400 * 365) {
			fprintf(stderr,
				"%s: VAULT_CLIENT_TIMEOUT: bad duration: %s\n",
				v->prog, env);
			return 2;
		}
		cfg.timeout_ms = (long)s * 1000;
	}
	cfg.token = getenv("VAULT_TOKEN");
	if (!cfg.token || !*cfg.token)
		cfg.token = ftok = token_file(&flen);
	if (skip)
		fprintf(stderr,
			"WARNING! TLS verification is disabled "
			"(VAULT_SKIP_VERIFY / -tls-skip-verify): the server's "
			"identity is NOT checked, so anyone on the network path "
			"can read your token and secrets. Use VAULT_CACERT "
			"instead.\n");
	rc = vault_client_new(&cfg, &v->client, &err);
	if (ftok) {
		OPENSSL_cleanse(ftok, flen);
		free(ftok);
	}
	if (rc) {
		fprintf(stderr, "%s: %s%s%s\n", v->prog, err.input,
			err.input[0] ? ": " : "", err.msg);
		return 2;
	}
	return -1;
}

void vcli_done(struct vcli *v)
{
	vault_client_free(v->client);
	v->client = NULL;
}

int vcli_call(struct vcli *v, const char *what, const char *method,
	      const char *path, const json_t *body, int *status,
	      json_t **ret_body)
{
	struct bw_error err = {0};
	int rc;

	*ret_body = NULL;
	rc = vault_client_request(v->client, method, path, body, status,
				  ret_body, &err);
	if (!rc)
		return -1;
	fprintf(stderr, "Error %s: %s %s/v1/%s: %s\n", what, method,
		vault_client_address(v->client), path, err.msg);
	return 2;
}

int vcli_api_error(struct vcli *v, const char *what, const char *method,
		   const char *path, int status, const json_t *body)
{
	char buf[8192];

	fprintf(stderr, "Error %s: %s\n", what,
		vault_client_error_text(v->client, method, path, status, body,
					buf, sizeof(buf)));
	return 2;
}

void vcli_print_json(const json_t *j)
{
	char *s = json_dumps(j ? j : json_null(),
			     JSON_INDENT(2) | JSON_ENCODE_ANY);

	if (s) {
		printf("%s\n", s);
		free(s);
	}
}

int vcli_print_field(const struct vcli *v, const json_t *obj)
{
	const json_t *x = json_object_get(obj, v->field);
	char *s;

	if (!x) {
		fprintf(stderr, "Field \"%s\" not present in secret\n",
			v->field);
		return 1;
	}
	if (vcli_json(v)) {
		vcli_print_json(x);
		return 0;
	}
	s = vault_value_text(x);
	if (!s)
		return 2;
	fputs(s, stdout);
	if (isatty(STDOUT_FILENO))
		fputc('\n', stdout);
	free(s);
	return 0;
}

void vcli_table_add(struct vcli_table *t, const char *key, const char *text)
{
	if (!t->rows)
		t->rows = json_array();
	json_array_append_new(t->rows, json_pack("[s,s]", key, text ? text : ""));
}

void vcli_table_addv(struct vcli_table *t, const char *key, const json_t *v)
{
	char *s = vault_value_text(v);

	vcli_table_add(t, key, s ? s : "?");
	free(s);
}

static int is_duration_key(const char *k)
{
	size_t n = strlen(k);

	return !strcmp(k, "ttl") || !strcmp(k, "period") ||
	       (n > 4 && !strcmp(k + n - 4, "_ttl"));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void vcli_table_add_object(struct vcli_table *t, const json_t *obj)
{
	size_t n = json_object_size(obj), k = 0;
	const char **keys = calloc(n ? n : 1, sizeof(*keys)), *key;
	json_t *x;

	if (!keys)
		return;
	json_object_foreach((json_t *)obj, key, x)
		keys[k++] = key;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (k = 0; k < n; k++) {
		x = json_object_get(obj, keys[k]);
		if (is_duration_key(keys[k]) && json_is_integer(x)) {
			char d[64];

			vcli_table_add(t, keys[k],
				       vault_format_duration(
					   json_integer_value(x), d, sizeof(d)));
		} else {
			vcli_table_addv(t, keys[k], x);
		}
	}
	free(keys);
}

void vcli_table_print(struct vcli_table *t, const char *title)
{
	size_t w = 3, i;
	json_t *r;

	if (title)
		printf("%s\n", title);
	json_array_foreach(t->rows, i, r)
	{
		size_t n = strlen(json_string_value(json_array_get(r, 0)));

		if (n > w)
			w = n;
	}
	printf("%-*s    %s\n%-*s    %s\n", (int)w, "Key", "Value", (int)w, "---",
	       "-----");
	json_array_foreach(t->rows, i, r)
	{
		const char *v = json_string_value(json_array_get(r, 1));

		/* an empty cell reads "n/a", as in vault's tables */
		printf("%-*s    %s\n", (int)w,
		       json_string_value(json_array_get(r, 0)),
		       v && *v ? v : "n/a");
	}
	json_decref(t->rows);
	t->rows = NULL;
}

int vcli_dispatch(const char *group, const struct vcli_sub *subs, size_t n,
		  void (*usage)(FILE *out), int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (cli_is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(argc - 1, argv + 1);
	fprintf(stderr, "bulwark vault %s: unknown subcommand '%s'\n\n", group,
		argv[1]);
	usage(stderr);
	return 1;
}
