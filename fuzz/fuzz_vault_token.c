/*
 * fuzz_vault_token.c - libFuzzer harness for the token store and policy
 * endpoints through vault_handle: token create parameters (policies,
 * durations, meta, num_uses, flags), lookup/renew/revoke by token and
 * accessor, policy writes (the parser behind sys/policy) and the ACL
 * checks that follow.  Input: byte 0 picks the route, byte 1 the caller
 * (root, a token made from a fuzzed policy, none, the last created token),
 * the rest is the JSON body.  The core is in memory, unsealed; the rate
 * limit is lifted; a revoked caller is replaced.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault/token_int.h"
#include "vault_fuzz_core.h"

static struct vault_storage *st;
static struct vault_core *core;
static char key[128], root[64], last[64];

static const char *const paths[] = {
    "auth/token/create",
    "auth/token/create-orphan",
    "auth/token/lookup",
    "auth/token/lookup-self",
    "auth/token/lookup-accessor",
    "auth/token/renew",
    "auth/token/renew-self",
    "auth/token/renew-accessor",
    "auth/token/revoke",
    "auth/token/revoke-self",
    "auth/token/revoke-accessor",
    "auth/token/revoke-orphan",
    "sys/policy/fz",
    "sys/policies/acl/fz",
    "sys/policy",
    "secret/data/x",
};

/* A fresh root-policy orphan for the harness to act with. */
static void new_root(void)
{
	json_t *pol = json_pack("[s]", "root");
	struct vault_token_params p = {.policies = pol};

	if (vault_token_create(core, &p, root, NULL, NULL))
		abort();
	json_decref(pol);
}

static void setup(void)
{
	fuzz_vault_core(&st, &core, NULL, 0, key, sizeof(key));
	vault_rate_configure(core, 1e12, 1e12);
	new_root();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vault_request q = {0};
	struct vault_response resp;
	json_t *e = NULL;
	unsigned who;

	if (!core)
		setup();
	if (size < 2)
		return 0;
	if (vault_token_lookup(core, root, &e, NULL))
		new_root();
	json_decref(e);
	q.op = (data[0] & 0x80)	  ? VAULT_OP_READ
	       : (data[0] & 0x40) ? VAULT_OP_DELETE
				  : VAULT_OP_UPDATE;
	if ((data[0] & 0xc0) == 0xc0)
		q.op = VAULT_OP_LIST;
	q.raw_path =
	    paths[(data[0] & 0x3f) % (sizeof(paths) / sizeof(paths[0]))];
	who = data[1] % 3;
	q.token = who == 0 ? root : who == 1 ? (last[0] ? last : NULL) : NULL;
	q.method = "FUZZ";
	q.remote_addr = "127.0.0.1";
	q.body = (const char *)data + 2;
	q.body_len = size - 2;
	vault_handle(core, &q, &resp);
	if (resp.status < 200 || resp.status > 599)
		abort();
	if (resp.status == 200) {
		const char *t = json_string_value(json_object_get(
		    json_object_get(resp.body, "auth"), "client_token"));

		if (t && strlen(t) < sizeof(last))
			snprintf(last, sizeof(last), "%s", t);
	}
	json_decref(resp.body);
	if (vault_core_sealed(core) && vault_core_unseal(core, key, 1, NULL))
		abort();
	return 0;
}
