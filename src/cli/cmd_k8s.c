/*
 * cmd_k8s.c - `bulwark k8s <subcommand>`: compliance checks on Kubernetes
 * manifests.  Each subcommand lives in cmd_k8s_<sub>.c and is listed in the
 * table below.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} k8s_commands[] = {
	{"audit", cmd_k8s_audit,
	 "best-practice checks (and Pod Security) with reports and gating"},
	{"pss", cmd_k8s_pss,
	 "evaluate workloads against the Pod Security Standards"},
	{"rbac", cmd_k8s_rbac,
	 "RBAC risks, who can do what, a subject's effective permissions"},
	{"admission", cmd_k8s_admission,
	 "serve the Pod Security admission webhook (AdmissionReview v1, TLS)"},
};

#define N_K8S_COMMANDS (sizeof(k8s_commands) / sizeof(k8s_commands[0]))

static void k8s_usage(FILE *out)
{
	fprintf(out, "usage: bulwark k8s <subcommand> [<args>]\n\n"
		     "Kubernetes manifests: Pod Security, best practices, RBAC, "
		     "admission.\n\nSubcommands:\n");
	for (size_t i = 0; i < N_K8S_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", k8s_commands[i].name,
			k8s_commands[i].summary);
	fprintf(out, "\nRun 'bulwark k8s <subcommand> --help' for its options.\n");
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
	for (size_t i = 0; i < N_K8S_COMMANDS; i++)
		if (!strcmp(argv[1], k8s_commands[i].name))
			return k8s_commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "bulwark k8s: '%s' is not a subcommand. See 'bulwark k8s --help'.\n",
		argv[1]);
	return 2;
}
