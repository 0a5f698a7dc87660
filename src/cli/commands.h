/*
 * commands.h - the subcommands of the `bulwark` binary.  Each command lives
 * in src/cli/cmd_<name>.c, parses its own options (getopt_long), prints its
 * own --help, calls the subsystems and returns the process exit status
 * (0 ok, 1 findings/alerts gate, 2 usage or input error).
 */
#ifndef BW_CLI_COMMANDS_H
#define BW_CLI_COMMANDS_H

int cmd_version(int argc, char **argv);
int cmd_agent(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_fields(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_sbom(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_k8s(int argc, char **argv);
int cmd_vault(int argc, char **argv);

/* `bulwark k8s` subcommands (src/cli/cmd_k8s_<sub>.c); argv[0] is the
 * subcommand name. */
int cmd_k8s_pss(int argc, char **argv);
int cmd_k8s_admission(int argc, char **argv);
int cmd_k8s_rbac(int argc, char **argv);
int cmd_k8s_audit(int argc, char **argv);

/* `bulwark vault` subcommands (src/cli/cmd_vault_<sub>.c); argv[0] is the
 * subcommand name. */
int cmd_vault_audit(int argc, char **argv);
int cmd_vault_server(int argc, char **argv);
/* the client, vault CLI style (cmd_vault_{operator,status,kv,token,policy}.c) */
int cmd_vault_operator(int argc, char **argv);
int cmd_vault_status(int argc, char **argv);
int cmd_vault_kv(int argc, char **argv);
int cmd_vault_token(int argc, char **argv);
int cmd_vault_policy(int argc, char **argv);
/* secret delivery (cmd_vault_inject.c) */
int cmd_vault_inject(int argc, char **argv);
int cmd_vault_oci_hook(int argc, char **argv);

/* Shared helpers for commands. */
int cli_is_help(const char *arg);   /* -h / --help / help */

#endif
