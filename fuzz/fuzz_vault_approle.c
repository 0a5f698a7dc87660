/*
 * fuzz_vault_approle.c - libFuzzer harness for the AppRole auth method,
 * response wrapping and the token leases through vault_handle: role and
 * secret id parameters (durations, CIDR lists, metadata, policies), login
 * bodies, wrap TTL headers, unwrap/lookup bodies and lease ids.  Input:
 * byte 0 = operation (low 3 bits), the token to send (bits 3-4: none,
 * root, the last token a response handed out (auth.client_token or
 * wrap_info.token), a fixed bogus one), whether to send X-Vault-Wrap-TTL
 * (bit 5) and from which client address (bit 6); then the path up to the
 * first '\n', then the body.  The core is an in-memory one, initialised,
 * unsealed, with role "app" and its secret id made at start; the rate
 * limiter is opened wide so logins are not all 429.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vault/token_int.h"
#include "vault_fuzz_core.h"

static struct vault_storage *st;
static struct vault_core *core;
static char root[64], key[128], last[128];

static int run(enum vault_op op, const char *path, const char *body,
	       const char *token, json_t **out)
{
	struct vault_request q = {.op = op,
				  .method = "FUZZ",
				  .raw_path = path,
				  .body = body,
				  .body_len = body ? strlen(body) : 0,
				  .token = token,
				  .remote_addr = "127.0.0.1"};
	struct vault_response r;

	vault_handle(core, &q, &r);
	if (out)
		*out = r.body;
	else
		json_decref(r.body);
	return r.status;
}

static void setup(void)
{
	fuzz_vault_core(&st, &core, root, sizeof(root), key, sizeof(key));
	vault_rate_configure(core, 1e9, 1e9);
	if (run(VAULT_OP_UPDATE, "auth/approle/role/app",
		"{\"token_policies\":\"default\",\"secret_id_num_uses\":1000,"
		"\"role_id\":\"fuzz-role\"}",
		root, NULL) != 204 ||
	    run(VAULT_OP_UPDATE, "auth/approle/role/app/secret-id", NULL, root,
		NULL) != 200)
		abort();
}

/* Remembers a token the response hands out, for the next input. */
static void remember(json_t *body)
{
	const char *t = json_string_value(
	    json_object_get(json_object_get(body, "auth"), "client_token"));

	if (!t)
		t = json_string_value(json_object_get(
		    json_object_get(body, "wrap_info"), "token"));
	if (t)
		snprintf(last, sizeof(last), "%s", t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vault_request q = {0};
	struct vault_response resp;
	const uint8_t *nl;
	char *path;
	size_t plen;

	if (!core)
		setup();
	if (size < 1)
		return 0;
	q.op = (enum vault_op)(data[0] & 7) % 5;
	q.method = "FUZZ";
	switch ((data[0] >> 3) & 3) {
	case 0:
		q.token = NULL;
		break;
	case 1:
		q.token = root;
		break;
	case 2:
		q.token = last[0] ? last : NULL;
		break;
	default:
		q.token = "hvs.not-a-token";
	}
	q.wrap_ttl = (data[0] & 32) ? "1m" : NULL;
	q.remote_addr = (data[0] & 64) ? "10.1.2.3" : "::1";
	data++;
	size--;
	nl = memchr(data, '\n', size);
	plen = nl ? (size_t)(nl - data) : size;
	path = malloc(plen + 1);
	if (!path)
		return 0;
	memcpy(path, data, plen);
	path[plen] = '\0';
	q.raw_path = path;
	if (nl) {
		q.body = (const char *)nl + 1;
		q.body_len = size - plen - 1;
	}
	vault_handle(core, &q, &resp);
	if (resp.status < 200 || resp.status > 599)
		abort();
	if (resp.status == 200 && !resp.body)
		abort();
	remember(resp.body);
	json_decref(resp.body);
	free(path);
	if (vault_core_sealed(core) && vault_core_unseal(core, key, 1, NULL))
		abort();
	return 0;
}
