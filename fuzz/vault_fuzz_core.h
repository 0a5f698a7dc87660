/*
 * vault_fuzz_core.h - what the secrets-server harnesses share: an
 * in-memory core, initialised with one unseal key and unsealed, its root
 * token and key kept for the harness (which may seal and unseal again).
 * Aborts when the core cannot be made: the harness cannot run without it.
 */
#ifndef BW_FUZZ_VAULT_CORE_H
#define BW_FUZZ_VAULT_CORE_H

#include <stdio.h>
#include <stdlib.h>

#include "vault/vault.h"

/* root (NULL: not kept) and key receive the root token and unseal key. */
static inline void fuzz_vault_core(struct vault_storage **st,
				   struct vault_core **core, char *root,
				   size_t root_len, char *key, size_t key_len)
{
	json_t *out = NULL;

	if (vault_storage_mem_open(st) || vault_core_new(*st, core, NULL) ||
	    vault_core_init(*core, 1, 1, &out, NULL))
		abort();
	if (root)
		snprintf(root, root_len, "%s",
			 json_string_value(json_object_get(out, "root_token")));
	snprintf(
	    key, key_len, "%s",
	    json_string_value(json_array_get(json_object_get(out, "keys"), 0)));
	json_decref(out);
	if (vault_core_unseal(*core, key, 0, NULL))
		abort();
}

#endif
