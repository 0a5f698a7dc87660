/*
 * cmd_k8s.c - `bulwark k8s <subcommand>`: dispatch to the Kubernetes
 * compliance subcommands, each in src/cli/cmd_k8s_<sub>.c.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} subs[] = {
    {"audit", cmd_k8s_audit,
     "best-practice checks (and --level PSS) over manifests; table, json, "
     "sarif, junit, html"},
};

static void usage(FILE *out)
{
	size_t i;

	fputs("usage: bulwark k8s <subcommand> [<args>]\n\nSubcommands:\n",
	      out);
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		fprintf(out, "  %-10s %s\n", subs[i].name, subs[i].summary);
}

int cmd_k8s(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (cli_is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(argc - 1, argv + 1);
	fprintf(stderr, "bulwark k8s: '%s' is not a subcommand\n", argv[1]);
	usage(stderr);
	return 2;
}
