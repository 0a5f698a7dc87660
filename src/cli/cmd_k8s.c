/*
 * cmd_k8s.c - `bulwark k8s <sub>`: dispatch to the Kubernetes subcommands,
 * each in src/cli/cmd_k8s_<sub>.c (declared in commands.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} k8s_commands[] = {
    {"rbac", cmd_k8s_rbac,
     "RBAC risks, who-can and effective permissions of manifests"},
};

static void k8s_usage(FILE *out)
{
	fprintf(out, "usage: bulwark k8s <command> [<args>]\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(k8s_commands) / sizeof(k8s_commands[0]);
	     i++)
		fprintf(out, "  %-10s %s\n", k8s_commands[i].name,
			k8s_commands[i].summary);
	fprintf(out, "\nRun 'bulwark k8s <command> --help' for its options.\n");
}

int cmd_k8s(int argc, char **argv)
{
	if (argc < 2) {
		k8s_usage(stderr);
		return 2;
	}
	if (cli_is_help(argv[1])) {
		k8s_usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(k8s_commands) / sizeof(k8s_commands[0]);
	     i++)
		if (!strcmp(argv[1], k8s_commands[i].name))
			return k8s_commands[i].run(argc - 1, argv + 1);
	fprintf(
	    stderr,
	    "bulwark k8s: '%s' is not a command. See 'bulwark k8s --help'.\n",
	    argv[1]);
	return 2;
}
