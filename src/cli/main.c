/*
 * main.c - the `bulwark` binary: git-style dispatch to subcommands.
 * Each command parses its own options and prints its own --help.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"agent", cmd_agent, "run the runtime sensor, rules engine and alert outputs"},
	{"rules", cmd_rules, "validate and list Falco-format rules files"},
	{"fields", cmd_fields, "list the fields rule conditions and outputs can use"},
	{"trace", cmd_trace, "print the raw events the eBPF sensor sees (debugging)"},
	{"scan", cmd_scan, "scan an image or root filesystem for vulnerabilities"},
	{"sbom", cmd_sbom, "write a CycloneDX or SPDX SBOM of an image"},
	{"db", cmd_db, "manage the offline OSV vulnerability database"},
	{"bench", cmd_bench, "host benchmark (CIS checks for a container host)"},
	{"k8s", cmd_k8s, "Kubernetes manifests: Pod Security, best practices, RBAC, admission"},
	{"vault", cmd_vault, "secrets server (Vault-compatible API) and its client"},
	{"version", cmd_version, "print version information"},
};

int cli_is_help(const char *arg)
{
	return arg && (!strcmp(arg, "-h") || !strcmp(arg, "--help") ||
		       !strcmp(arg, "help"));
}

static void usage(FILE *out)
{
	fprintf(out, "usage: bulwark <command> [<args>]\n\n"
		     "Bulwark - container security: runtime detection, policies, scanning.\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nRun 'bulwark <command> --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (cli_is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv + 1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "bulwark: '%s' is not a command. See 'bulwark --help'.\n",
		argv[1]);
	return 2;
}
