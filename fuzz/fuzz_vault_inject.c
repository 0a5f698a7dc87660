/*
 * fuzz_vault_inject.c - libFuzzer harness for the inputs the OCI hook
 * (`bulwark vault oci-hook`) parses: the runtime's state JSON, a bundle's
 * config.json, the hook's YAML configuration, and the secrets annotation
 * (comma-separated specs) with the string it carries; when the input is a
 * JSON object it is also rendered as a secret in every format, with and
 * without a field taken from its first key.  The first byte picks nothing:
 * every parser sees every input.  Parse errors are expected; any crash,
 * leak or sanitizer report is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vault/vault.h"

#define FUZZ_MAX_INPUT (256u << 10)

static void render_all(const json_t *data)
{
	static const enum vault_inject_format fmts[] = {
	    VAULT_INJECT_JSON, VAULT_INJECT_ENV, VAULT_INJECT_RAW};
	const char *first = NULL;
	void *it = json_object_iter((json_t *)data);

	if (it)
		first = json_object_iter_key(it);
	for (size_t i = 0; i < 3; i++) {
		struct bw_error err = {0};
		char *out = NULL;
		size_t len = 0;

		if (!vault_inject_render(data, fmts[i], NULL, &out, &len, &err))
			free(out);
		out = NULL;
		if (first && !vault_inject_render(data, fmts[i], first, &out,
						  &len, &err))
			free(out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct vault_inject_secret list[VAULT_INJECT_MAX_SECRETS];
	struct vault_oci_state st;
	struct vault_oci_config oc;
	struct vault_hook_config hc;
	struct bw_error err = {0};
	json_t *j;
	size_t n = 0;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (!vault_oci_state_parse(text, size, &st, &err))
		vault_oci_state_free(&st);
	if (!vault_oci_config_parse(text, size, "/bundle", &oc, &err))
		vault_oci_config_free(&oc);
	if (!vault_hook_config_parse(text, size, "fuzz", &hc, &err))
		vault_hook_config_free(&hc);
	(void)vault_inject_parse_list(text, size, ".json", list, &n, &err);
	n = 0;
	(void)vault_inject_parse_list(text, size, "", list, &n, &err);
	j = json_loadb(text, size, 0, NULL);
	if (json_is_object(j))
		render_all(j);
	json_decref(j);
	return 0;
}
