/*
 * fuzz_vault_config.c - libFuzzer harness for the secrets server's config
 * file (vault_config_parse: the YAML form through the flat-mapping reader,
 * the JSON form, every key's value rules).  Input: the file's bytes.
 */
#include <stddef.h>
#include <stdint.h>

#include "vault/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vault_config cfg;
	struct bw_error err;

	bw_error_clear(&err);
	if (!vault_config_parse((const char *)data, size, "fuzz.yaml", &cfg,
				&err))
		vault_config_free(&cfg);
	return 0;
}
