/*
 * fuzz_vault_policy.c - libFuzzer harness: the input bytes are an ACL
 * policy (HCL or JSON form) fed to vault_policy_parse; when it parses, it
 * is merged with a fixed policy into an ACL and a few paths are looked up,
 * among them paths cut from the input itself so the "+" and prefix
 * matchers see the policy's own strings.  Any crash, leak or sanitizer
 * report is a bug; parse errors are expected.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vault/vault.h"

#define FUZZ_MAX_INPUT (256u << 10)

static const char fixed[] =
    "path \"secret/*\" { capabilities = [\"read\"] }\n"
    "path \"secret/+/team/*\" { capabilities = [\"deny\"] }\n"
    "path \"+\" { capabilities = [\"list\"] }\n";

static const char *const paths[] = {
    "",
    "/",
    "secret",
    "secret/",
    "secret/a",
    "secret/a/team/b",
    "sys/policy/x",
    "a//b",
    "+",
    "*",
    "secret/+/x",
    "//secret/a/",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vault_policy *p[2] = {NULL, NULL};
	struct vault_acl *acl = NULL;
	struct bw_error err = {0};
	char buf[128];
	unsigned sink = 0;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (vault_policy_parse("fuzz", (const char *)data, size, &p[0], &err))
		return 0;
	if (vault_policy_parse("fixed", fixed, sizeof(fixed) - 1, &p[1],
			       &err) == 0 &&
	    vault_acl_new((const struct vault_policy *const *)p, 2, &acl) ==
		0) {
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
			sink |= vault_acl_capabilities(acl, paths[i]);
		/* paths taken from the input: its first bytes, up to a NUL */
		for (size_t off = 0; off < size && off < 64; off += 16) {
			size_t n = size - off < sizeof(buf) - 1
				       ? size - off
				       : sizeof(buf) - 1;

			memcpy(buf, data + off, n);
			buf[n] = '\0';
			sink |= vault_acl_capabilities(acl, buf);
		}
		vault_acl_free(acl);
	}
	(void)vault_policy_name(p[0]);
	vault_policy_free(p[0]);
	vault_policy_free(p[1]);
	return (int)(sink & 0);
}
