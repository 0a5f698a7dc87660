/*
 * cmd_vault_status.c - `bulwark vault status`, as `vault status`: the seal
 * status table (or -format json), exit 0 when unsealed, 2 when sealed (or
 * not initialised), 1 on an error.  Also holds the seal-status table that
 * `operator unseal` prints.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/vault_cli.h"

static void row_bool(struct vcli_table *t, const char *k, const json_t *v)
{
	vcli_table_add(t, k, json_is_true(v) ? "true" : "false");
}

/* Prints sys/seal-status body s as vault's status table. */
void vcli_print_seal_status(const json_t *s)
{
	struct vcli_table t = {0};
	char buf[64];

	vcli_table_addv(&t, "Seal Type", json_object_get(s, "type"));
	row_bool(&t, "Initialized", json_object_get(s, "initialized"));
	row_bool(&t, "Sealed", json_object_get(s, "sealed"));
	vcli_table_addv(&t, "Total Shares", json_object_get(s, "n"));
	vcli_table_addv(&t, "Threshold", json_object_get(s, "t"));
	if (json_is_true(json_object_get(s, "sealed"))) {
		snprintf(buf, sizeof(buf), "%lld/%lld",
			 (long long)json_integer_value(
			     json_object_get(s, "progress")),
			 (long long)json_integer_value(json_object_get(s, "t")));
		vcli_table_add(&t, "Unseal Progress", buf);
		vcli_table_addv(&t, "Unseal Nonce", json_object_get(s, "nonce"));
	}
	vcli_table_addv(&t, "Version", json_object_get(s, "version"));
	vcli_table_addv(&t, "Storage Type", json_object_get(s, "storage_type"));
	if (json_object_get(s, "cluster_name")) {
		vcli_table_addv(&t, "Cluster Name",
				json_object_get(s, "cluster_name"));
		vcli_table_addv(&t, "Cluster ID",
				json_object_get(s, "cluster_id"));
	}
	vcli_table_add(&t, "HA Enabled", "false");
	vcli_table_print(&t, NULL);
}

int cmd_vault_status(int argc, char **argv)
{
	struct vcli v = {
	    .prog = "bulwark vault status",
	    .usage = "usage: bulwark vault status [options]\n\n"
		     "Prints the server's seal status.  Exit status: 0 "
		     "unsealed, 2 sealed or not\ninitialised, 1 error (as "
		     "'vault status')."};
	json_t *body = NULL;
	int rc, status;

	if ((rc = vcli_parse(&v, NULL, 0, argc, argv)) >= 0)
		return rc;
	if ((rc = vcli_nargs(&v, 0, 0)) >= 0)
		return rc;
	if (vcli_connect(&v) >= 0)
		return 1;
	if (vcli_call(&v, "checking seal status", "GET", "sys/seal-status",
		      NULL, &status, &body) >= 0) {
		rc = 1;
	} else if (status != 200 || !json_is_object(body)) {
		vcli_api_error(&v, "checking seal status", "GET",
			       "sys/seal-status", status, body);
		rc = 1;
	} else {
		if (v.field)
			rc = vcli_print_field(&v, body);
		else if (vcli_json(&v))
			vcli_print_json(body);
		else
			vcli_print_seal_status(body);
		if (!v.field || !rc)
			rc = json_is_true(json_object_get(body, "sealed")) ? 2
									   : 0;
	}
	json_decref(body);
	vcli_done(&v);
	return rc;
}
