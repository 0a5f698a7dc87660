/*
 * fuzz_vault_policy.c - libFuzzer harness: the input bytes are an ACL
 * policy (HCL or JSON form) fed to vault_policy_parse; when it parses, it
 * is merged with a fixed policy into an ACL and a few paths are looked up,
 * among them paths cut from the input itself so the "+" and prefix
 * matchers see the policy's own strings.  Each matched rule's parameter and
 * wrapping constraints are checked (vault_acl_check_params) against fixed
 * request bodies, no body, and the input itself when it is a JSON object.
 * Any crash, leak or sanitizer report is a bug; parse errors are expected.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vault/vault.h"

#define FUZZ_MAX_INPUT (256u << 10)

static const char fixed[] =
    "path \"secret/*\" { capabilities = [\"read\"]\n"
    "  allowed_parameters = { \"a\" = [\"x*\", 5], \"*\" = [] }\n"
    "  denied_parameters = { \"role\" = [\"*admin*\"] }\n"
    "  max_wrapping_ttl = \"1h\" }\n"
    "path \"secret/+/team/*\" { capabilities = [\"deny\"] }\n"
    "path \"+\" { capabilities = [\"list\"]\n"
    "  required_parameters = [\"a\"] }\n";

static const char *const bodies[] = {
    "{}",
    "{\"a\": \"x,y, z\", \"role\": \"user\"}",
    "{\"role\": [\"admin\", \"x\", [1], {\"k\": null}]}",
    "{\"a\": 5.0, \"flag\": true, \"n\": null, \"o\": {\"k\": \"v\"}}",
    "{\"A\": \"\", \"*\": \",,,\"}",
};

static const int64_t wrap_ttls[] = {0, 1, 30, 3600, 86400};

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

/* Checks the rule matched for path against every body and wrap TTL. */
static unsigned check_path(const struct vault_acl *acl, const char *path,
			   json_t *const *params, size_t nparams)
{
	const struct vault_acl_rule *rule;
	unsigned caps;
	char why[128];
	int bits = 0;

	rule = vault_acl_match(acl, path, &caps);
	for (size_t i = 0; i < nparams; i++)
		for (size_t w = 0; w < sizeof(wrap_ttls) / sizeof(wrap_ttls[0]);
		     w++)
			bits |= vault_acl_check_params(
			    rule, params[i], wrap_ttls[w], why, sizeof(why));
	return caps | (unsigned)(bits & 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vault_policy *p[2] = {NULL, NULL};
	struct vault_acl *acl = NULL;
	struct bw_error err = {0};
	char buf[128];
	unsigned sink = 0;
	json_t *params[2 + sizeof(bodies) / sizeof(bodies[0])] = {NULL};
	size_t nparams;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (vault_policy_parse("fuzz", (const char *)data, size, &p[0], &err))
		return 0;
	/* request parameters: none, the fixed bodies, the input as JSON */
	nparams = 1; /* params[0] = NULL: delete/list, wrapping only */
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		params[nparams++] = json_loads(bodies[i], 0, NULL);
	params[nparams] = json_loadb((const char *)data, size, 0, NULL);
	if (json_is_object(params[nparams]))
		nparams++;
	else
		json_decref(params[nparams]);
	if (vault_policy_parse("fixed", fixed, sizeof(fixed) - 1, &p[1],
			       &err) == 0 &&
	    vault_acl_new((const struct vault_policy *const *)p, 2, &acl) ==
		0) {
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
			sink |= vault_acl_capabilities(acl, paths[i]) |
				check_path(acl, paths[i], params, nparams);
		/* paths taken from the input: its first bytes, up to a NUL */
		for (size_t off = 0; off < size && off < 64; off += 16) {
			size_t n = size - off < sizeof(buf) - 1
				       ? size - off
				       : sizeof(buf) - 1;

			memcpy(buf, data + off, n);
			buf[n] = '\0';
			sink |= vault_acl_capabilities(acl, buf) |
				check_path(acl, buf, params, nparams);
		}
		vault_acl_free(acl);
	}
	for (size_t i = 0; i < nparams; i++)
		json_decref(params[i]);
	(void)vault_policy_name(p[0]);
	vault_policy_free(p[0]);
	vault_policy_free(p[1]);
	return (int)(sink & 0);
}
