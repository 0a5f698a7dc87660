/*
 * fuzz_vault_router.c - libFuzzer harness for the secrets server's request
 * handling without HTTP (vault_handle): path normalisation, JSON bodies,
 * query overrides, routing, token lookup, unseal key decoding, the mount
 * table and the KV engines.  Input: byte 0 = operation (low 3 bits),
 * whether to send the root token (bit 3) and the merge-patch Content-Type
 * (bit 4); then the path up to the first '\n', then the body.  The core
 * is an in-memory one, initialised and unsealed; a sys/seal the fuzzer manages
 * with the root token is undone by unsealing again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vault/vault.h"
#include "vault_fuzz_core.h"

static struct vault_storage *st;
static struct vault_core *core;
static char root[64], key[128];

static void setup(void)
{
	fuzz_vault_core(&st, &core, root, sizeof(root), key, sizeof(key));
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
	q.token = (data[0] & 8) ? root : "hvs.not-a-token";
	if (data[0] & 16) /* KV v2 PATCH needs it */
		q.content_type = "application/merge-patch+json";
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
	q.nquery = 1;
	q.query[0].key = "sealedcode";
	q.query[0].value = "299";
	vault_handle(core, &q, &resp);
	if (resp.status < 200 || resp.status > 599)
		abort();
	json_decref(resp.body);
	free(path);
	if (vault_core_sealed(core) && vault_core_unseal(core, key, 1, NULL))
		abort();
	return 0;
}
