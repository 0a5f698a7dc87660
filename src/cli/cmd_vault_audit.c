/*
 * cmd_vault_audit.c - `bulwark vault audit verify FILE`: checks an audit
 * log's hash chain (src/vault/audit.c) and says whether it is intact.
 * Exit 0 intact, 1 damaged (edited, reordered, deleted or torn lines),
 * 2 usage or the file cannot be read.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "vault/vault.h"

static void audit_usage(FILE *out)
{
	fprintf(out,
		"usage: bulwark vault audit verify FILE\n\n"
		"Verifies the hash chain of an audit log written by 'bulwark "
		"vault server':\nevery line well-formed, chained to the one "
		"before and unedited, the last\nline complete.\n\n"
		"Exit status: 0 chain intact, 1 the log is damaged (the first "
		"bad line is\nnamed), 2 usage error or the file cannot be "
		"read.\n");
}

static int audit_verify(const char *file)
{
	struct bw_error err = {0};
	char msg[1024];
	size_t n = 0;
	int rc;

	rc = vault_audit_verify(file, &n, &err);
	if (rc == 0) {
		printf("%s: %zu entries, chain intact\n", file, n);
		return 0;
	}
	fprintf(stderr, "bulwark vault audit verify: %s\n",
		bw_error_str(&err, msg, sizeof(msg)));
	return rc == -EBADMSG ? 1 : 2;
}

int cmd_vault_audit(int argc, char **argv)
{
	if (argc >= 2 && cli_is_help(argv[1])) {
		audit_usage(stdout);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "verify") && cli_is_help(argv[2])) {
		audit_usage(stdout);
		return 0;
	}
	if (argc != 3 || strcmp(argv[1], "verify")) {
		audit_usage(stderr);
		return 2;
	}
	return audit_verify(argv[2]);
}
