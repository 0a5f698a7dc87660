/*
 * vault_cli.h - what the `bulwark vault` client commands share
 * (cmd_vault_client.c): the global flags and environment of the vault CLI
 * (VAULT_ADDR, VAULT_TOKEN or ~/.vault-token, VAULT_CACERT,
 * VAULT_SKIP_VERIFY, VAULT_FORMAT, VAULT_CLIENT_TIMEOUT), one client per
 * command, and vault-style output (tables, -format json, -field).
 *
 * Exit codes are the vault CLI's: 0 success, 1 usage error, 2 an API or
 * transport error (and "not found"); `status` has its own (0/2/1).
 */
#ifndef BW_CLI_VAULT_CLI_H
#define BW_CLI_VAULT_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "vault/vault.h"

#define VCLI_MAX_FLAGS 32

struct vcli {
	const char *prog;  /* "bulwark vault kv get", for messages */
	const char *usage; /* printed by -h and on usage errors */
	const char *address, *ca_cert, *format, *field;
	int skip_verify;
	struct vault_client *client;
	char *args[VAULT_CLIENT_MAX_ARGS];
	int nargs;
};

/* Parses the extra flags plus the common -address, -ca-cert,
 * -tls-skip-verify, -format and -field.  Returns -1 to go on, else the exit
 * code (0 after -h, 1 on a usage error, printed). */
int vcli_parse(struct vcli *v, const struct vault_flag *extra, size_t n,
	       int argc, char **argv);
/* Checks the positional count; -1 to go on, else 1 (usage printed). */
int vcli_nargs(struct vcli *v, int min, int max);
/* Opens the client from flags and environment; -1 to go on, else 2. */
int vcli_connect(struct vcli *v);
void vcli_done(struct vcli *v);

/* An API call: -1 with *status and *body set when a response came (any
 * status), else prints "Error <what>: <transport error>" and returns 2. */
int vcli_call(struct vcli *v, const char *what, const char *method,
	      const char *path, const json_t *body, int *status,
	      json_t **ret_body);
/* Prints "Error <what>: Error making API request. ... Code: N ..." and
 * returns 2. */
int vcli_api_error(struct vcli *v, const char *what, const char *method,
		   const char *path, int status, const json_t *body);

int vcli_json(const struct vcli *v); /* -format json / VAULT_FORMAT=json */
/* Refuses formats other than table and json (1 printed), else -1. */
int vcli_check_format(const struct vcli *v);
void vcli_print_json(const json_t *j);
/* Prints the raw value of v->field from obj (no newline when stdout is not
 * a terminal, as vault); 0, or 1 when absent (printed). */
int vcli_print_field(const struct vcli *v, const json_t *obj);

/* A "Key  Value" table; rows are [key, text] pairs added in order. */
struct vcli_table {
	json_t *rows;
};
void vcli_table_add(struct vcli_table *t, const char *key, const char *text);
void vcli_table_addv(struct vcli_table *t, const char *key, const json_t *v);
/* All of obj's members, sorted; integers under *ttl / period keys as
 * durations, as vault prints them. */
void vcli_table_add_object(struct vcli_table *t, const json_t *obj);
void vcli_table_print(struct vcli_table *t, const char *title); /* frees */

/* A subcommand of a command group (kv, kv metadata, token): its name, the
 * text its group's usage prints beside it, and what runs it. */
struct vcli_sub {
	const char *name, *text;
	int (*run)(int argc, char **argv);
};

/*
 * Runs the subcommand argv[1] of group ("kv", "kv metadata", ...) from
 * subs: no argument prints usage to stderr (exit 1); -h/--help/help prints
 * it to stdout (exit 0); an unknown name says so on stderr, then usage
 * (exit 1).  Otherwise the subcommand's exit code, argv[0] being its name.
 */
int vcli_dispatch(const char *group, const struct vcli_sub *subs, size_t n,
		  void (*usage)(FILE *out), int argc, char **argv);

/* ---- KV (cmd_vault_kv.c; the v2-only commands in cmd_vault_kv_v2.c) ---- */

struct vcli_kv {
	struct vcli v;
	const char *mount_flag;		/* -mount (points into argv) */
	char user_path[VAULT_MAX_PATH]; /* "secret/app", -mount applied */
	char mount[VAULT_MAX_PATH];	/* "secret/" */
	char api[VAULT_MAX_PATH + 64];	/* "secret/data/app" */
	int version;			/* the engine's: 1 or 2 */
	char what[VAULT_MAX_PATH + 96]; /* vcli_kv_what's text */
};

/* DELETE k->api and print Vault's "Success! Data deleted" line: the exit
 * code (0, or the API error's). */
int vcli_kv_delete_at(struct vcli_kv *k);
/* What `kv put` prints for the write's answer body: -field of its data,
 * the body with -format json, on KV v2 the new version's metadata table,
 * else vault's "Success! Data written to" line.  Exit code (0, or 1 for a
 * missing -field). */
int vcli_kv_print_written(struct vcli_kv *k, const json_t *body);
/* Connects and resolves v.args[0] (and -mount) to the API path under kind
 * ("data", "metadata", "undelete", ...); -1 to go on, else 2 (printed). */
int vcli_kv_open(struct vcli_kv *k, const char *kind);
/* vcli_parse with fl, vcli_nargs(min, max), then vcli_kv_open. */
int vcli_kv_start(struct vcli_kv *k, const struct vault_flag *fl, size_t n,
		  int argc, char **argv, int min, int max, const char *kind);
/* "<verb> <api path>" for error messages (k's buffer, one at a time). */
const char *vcli_kv_what(struct vcli_kv *k, const char *verb);
/* "== Secret Path ==" and the API path, above vault's KV tables. */
void vcli_kv_print_path(const struct vcli_kv *k);
/* -1 on a KV v2 mount, else prints "<what> not supported on KV Version 1"
 * (as vault) and returns 1. */
int vcli_kv_need_v2(const struct vcli_kv *k, const char *what);
/*
 * PUT <mount>/<op>/<path> {"versions": [...]} (op "delete", "undelete" or
 * "destroy") for an opened KV v2 path; versions from
 * vault_parse_versions.  Prints vault's "Success! Data written to: ..."
 * (table format; nothing with -format json and an empty answer).  Exit
 * code.
 */
int vcli_kv_versions_put(struct vcli_kv *k, const char *op,
			 const json_t *versions);

/* `kv undelete`, `kv destroy`, `kv rollback`, `kv metadata
 * get|put|patch|delete` (cmd_vault_kv_v2.c); argv[0] is the subcommand. */
int vcli_kv_undelete(int argc, char **argv);
int vcli_kv_destroy(int argc, char **argv);
int vcli_kv_rollback(int argc, char **argv);
int vcli_kv_metadata(int argc, char **argv);

/* sys/seal-status as vault's table (cmd_vault_status.c). */
void vcli_print_seal_status(const json_t *status);

#endif
