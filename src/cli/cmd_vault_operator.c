/*
 * cmd_vault_operator.c - `bulwark vault operator init|unseal|seal`, as the
 * vault CLI's operator commands.  unseal without a KEY reads it from the
 * terminal without echo, or the first line of stdin when stdin is not a
 * terminal, so a key never has to appear in argv (ps, shell history).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli/commands.h"
#include "cli/vault_cli.h"

static int op_init(int argc, char **argv)
{
	long shares = 5, threshold = 3;
	int check = 0;
	const struct vault_flag fl[] = {
	    {"key-shares", VAULT_FLAG_INT, &shares},
	    {"key-threshold", VAULT_FLAG_INT, &threshold},
	    {"status", VAULT_FLAG_BOOL, &check},
	};
	struct vcli v = {
	    .prog = "bulwark vault operator init",
	    .usage = "usage: bulwark vault operator init [-key-shares N] "
		     "[-key-threshold T] [-status]\n\n"
		     "Initialises a server: splits the root key into N unseal "
		     "keys (default 5),\nany T of which (default 3) unseal it, "
		     "and prints them with the initial root\ntoken.  -status: "
		     "exit 0 if initialised, 2 if not, 1 on error."};
	json_t *req = NULL, *body = NULL, *out = NULL;
	int rc, status;

	if ((rc = vcli_parse(&v, fl, 3, argc, argv)) >= 0)
		return rc;
	if ((rc = vcli_nargs(&v, 0, 0)) >= 0)
		return rc;
	if (shares < 1 || shares > 255 || threshold < 1 || threshold > shares) {
		fprintf(stderr, "%s: need 1 <= key-threshold <= key-shares <= "
				"255\n", v.prog);
		return 1;
	}
	if (vcli_connect(&v) >= 0)
		return 2;
	if (check) {
		rc = vcli_call(&v, "checking initialization status", "GET",
			       "sys/init", NULL, &status, &body);
		if (rc < 0 && status != 200)
			rc = vcli_api_error(&v, "checking initialization "
						"status", "GET", "sys/init",
					    status, body) - 1;
		if (rc < 0) {
			int init = json_is_true(
			    json_object_get(body, "initialized"));

			printf("Vault is %sinitialized\n", init ? "" : "not ");
			rc = init ? 0 : 2;
		} else {
			rc = 1;
		}
		goto out;
	}
	req = json_pack("{s:i, s:i}", "secret_shares", (int)shares,
			"secret_threshold", (int)threshold);
	if ((rc = vcli_call(&v, "initializing", "PUT", "sys/init", req, &status,
			    &body)) >= 0)
		goto out;
	if (status != 200) {
		rc = vcli_api_error(&v, "initializing", "PUT", "sys/init",
				    status, body);
		goto out;
	}
	rc = 0;
	if (vcli_json(&v)) {
		out = json_pack("{s:O, s:O, s:i, s:i, s:[], s:[], s:i, s:i, "
				"s:O}",
				"unseal_keys_b64",
				json_object_get(body, "keys_base64"),
				"unseal_keys_hex", json_object_get(body, "keys"),
				"unseal_shares", (int)shares,
				"unseal_threshold", (int)threshold,
				"recovery_keys_b64", "recovery_keys_hex",
				"recovery_keys_shares", 0,
				"recovery_keys_threshold", 0, "root_token",
				json_object_get(body, "root_token"));
		vcli_print_json(out);
	} else {
		size_t i;
		json_t *k;

		json_array_foreach(json_object_get(body, "keys_base64"), i, k)
			printf("Unseal Key %zu: %s\n", i + 1,
			       json_string_value(k));
		printf("\nInitial Root Token: %s\n\n",
		       json_string_value(json_object_get(body, "root_token")));
		printf("Vault initialized with %ld key shares and a key "
		       "threshold of %ld. Please securely\ndistribute the key "
		       "shares printed above. When the Vault is re-sealed,\n"
		       "restarted, or stopped, you must supply at least %ld of "
		       "these keys to unseal it\nbefore it can start servicing "
		       "requests.\n\nVault does not store the generated root "
		       "key. Without at least %ld keys to\nreconstruct the root "
		       "key, Vault will remain permanently sealed!\n",
		       shares, threshold, threshold, threshold);
	}
out:
	json_decref(out);
	json_decref(req);
	json_decref(body);
	vcli_done(&v);
	return rc;
}

/* Reads one line (the key) from the terminal without echo, or from stdin. */
static int read_key(char *buf, size_t len)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO), restore = 0;
	size_t n;

	if (tty) {
		fprintf(stderr, "Unseal Key (will be hidden): ");
		fflush(stderr);
		if (!tcgetattr(STDIN_FILENO, &old)) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			quiet.c_lflag |= ECHONL;
			restore = !tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		}
	}
	if (!fgets(buf, (int)len, stdin))
		buf[0] = '\0';
	if (restore)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
		     buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	return n ? 0 : -ENODATA;
}

static int op_unseal(int argc, char **argv)
{
	int reset = 0;
	const struct vault_flag fl[] = {{"reset", VAULT_FLAG_BOOL, &reset}};
	struct vcli v = {
	    .prog = "bulwark vault operator unseal",
	    .usage = "usage: bulwark vault operator unseal [-reset] [KEY]\n\n"
		     "Adds one unseal key to the server's progress.  Without "
		     "KEY it is read from\nthe terminal (not echoed) or from "
		     "stdin's first line.  -reset clears the\nprogress."};
	char key[1024];
	json_t *req = NULL, *body = NULL;
	int rc, status;

	if ((rc = vcli_parse(&v, fl, 1, argc, argv)) >= 0)
		return rc;
	if ((rc = vcli_nargs(&v, 0, 1)) >= 0)
		return rc;
	if (reset) {
		req = json_pack("{s:b}", "reset", 1);
	} else {
		if (v.nargs == 1) {
			snprintf(key, sizeof(key), "%s", v.args[0]);
		} else if (read_key(key, sizeof(key))) {
			fprintf(stderr, "%s: no unseal key given\n", v.prog);
			return 1;
		}
		req = json_pack("{s:s}", "key", key);
		OPENSSL_cleanse(key, sizeof(key));
	}
	if (vcli_connect(&v) >= 0) {
		rc = 2;
		goto out;
	}
	if ((rc = vcli_call(&v, "unsealing", "PUT", "sys/unseal", req, &status,
			    &body)) >= 0)
		goto out;
	if (status != 200) {
		rc = vcli_api_error(&v, "unsealing", "PUT", "sys/unseal",
				    status, body);
		goto out;
	}
	rc = 0;
	if (v.field)
		rc = vcli_print_field(&v, body);
	else if (vcli_json(&v))
		vcli_print_json(body);
	else
		vcli_print_seal_status(body);
out:
	if (req) {
		json_t *k = json_object_get(req, "key");

		if (json_is_string(k))
			OPENSSL_cleanse((char *)json_string_value(k),
					json_string_length(k));
	}
	json_decref(req);
	json_decref(body);
	vcli_done(&v);
	return rc;
}

static int op_seal(int argc, char **argv)
{
	struct vcli v = {.prog = "bulwark vault operator seal",
			 .usage = "usage: bulwark vault operator seal\n\n"
				  "Seals the server (needs a root token): it "
				  "forgets its keys until unsealed."};
	json_t *body = NULL;
	int rc, status;

	if ((rc = vcli_parse(&v, NULL, 0, argc, argv)) >= 0)
		return rc;
	if ((rc = vcli_nargs(&v, 0, 0)) >= 0)
		return rc;
	if (vcli_connect(&v) >= 0)
		return 2;
	if ((rc = vcli_call(&v, "sealing", "PUT", "sys/seal", NULL, &status,
			    &body)) < 0) {
		if (status >= 300)
			rc = vcli_api_error(&v, "sealing", "PUT", "sys/seal",
					    status, body);
		else {
			printf("Success! Vault is sealed.\n");
			rc = 0;
		}
	}
	json_decref(body);
	vcli_done(&v);
	return rc;
}

int cmd_vault_operator(int argc, char **argv)
{
	static const char usage[] =
	    "usage: bulwark vault operator <init|unseal|seal> [options]\n";

	if (argc < 2) {
		fputs(usage, stderr);
		return 1;
	}
	if (cli_is_help(argv[1])) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "init"))
		return op_init(argc - 1, argv + 1);
	if (!strcmp(argv[1], "unseal"))
		return op_unseal(argc - 1, argv + 1);
	if (!strcmp(argv[1], "seal"))
		return op_seal(argc - 1, argv + 1);
	fprintf(stderr, "bulwark vault operator: unknown subcommand '%s'\n%s",
		argv[1], usage);
	return 1;
}
