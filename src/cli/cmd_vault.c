/*
 * cmd_vault.c - `bulwark vault <subcommand>`: the secrets server
 * (Vault-compatible API) and its client.  Each subcommand lives in
 * cmd_vault_<sub>.c and is listed in the table below.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} vault_commands[] = {
    {"audit", cmd_vault_audit, "audit log tools: verify a log's hash chain"},
    {"inject", cmd_vault_inject,
     "write KV secrets to files on a tmpfs (--once, or --renew)"},
    {"kv", cmd_vault_kv, "read, write, list and delete KV secrets"},
    {"oci-hook", cmd_vault_oci_hook,
     "OCI createRuntime hook: secrets at /run/secrets in a container"},
    {"operator", cmd_vault_operator, "init, unseal and seal a server"},
    {"policy", cmd_vault_policy, "write, read, list and delete ACL policies"},
    {"server", cmd_vault_server,
     "run the secrets server (--config FILE, or --dev in memory)"},
    {"status", cmd_vault_status, "print a server's seal status"},
    {"token", cmd_vault_token, "create, look up and revoke tokens"},
};

#define N_VAULT_COMMANDS (sizeof(vault_commands) / sizeof(vault_commands[0]))

static void vault_usage(FILE *out)
{
	fprintf(out, "usage: bulwark vault <subcommand> [<args>]\n\n"
		     "Secrets server (Vault-compatible API) and its client.\n\n"
		     "Subcommands:\n");
	for (size_t i = 0; i < N_VAULT_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", vault_commands[i].name,
			vault_commands[i].summary);
	fprintf(out,
		"\nRun 'bulwark vault <subcommand> --help' for its options.\n");
}

int cmd_vault(int argc, char **argv)
{
	if (argc < 2) {
		vault_usage(stderr);
		return 2;
	}
	if (cli_is_help(argv[1])) {
		vault_usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < N_VAULT_COMMANDS; i++)
		if (!strcmp(argv[1], vault_commands[i].name))
			return vault_commands[i].run(argc - 1, argv + 1);
	fprintf(stderr,
		"bulwark vault: '%s' is not a subcommand. See 'bulwark vault "
		"--help'.\n",
		argv[1]);
	return 2;
}
