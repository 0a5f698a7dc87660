/*
 * policy_internal.h - the parsed form of an ACL policy, shared by the
 * parser (policy_parse.c) and the ACL builder (policy_acl.c) only; the rest
 * of Bulwark sees struct vault_policy as opaque through vault.h.
 *
 * A rule's path is stored the way Vault's ACL keys it: without a leading
 * "/", and for a plain prefix glob ("secret/app-*") without the "*".  A path
 * with "+" segments keeps its trailing "*" (the matcher needs it).
 */
#ifndef BW_VAULT_POLICY_INTERNAL_H
#define BW_VAULT_POLICY_INTERNAL_H

#include <stddef.h>

enum vault_rule_kind {
	VAULT_RULE_EXACT = 0,	/* no "+" segment, no trailing "*" */
	VAULT_RULE_PREFIX = 1,	/* trailing "*", no "+" segment; "*" removed */
	VAULT_RULE_SEGMENT = 2, /* "+" as a whole segment somewhere */
};

struct vault_policy_rule {
	char *path; /* NUL-terminated, no NUL inside */
	size_t len;
	enum vault_rule_kind kind;
	unsigned caps; /* VAULT_CAP_*; exactly VAULT_CAP_DENY if denied */
};

struct vault_policy {
	char *name; /* lower-cased */
	struct vault_policy_rule *rules;
	size_t n, cap;
};

/* Every capability but deny: what the "root" policy grants. */
#define VAULT_CAP_ALL                                                          \
	(VAULT_CAP_CREATE | VAULT_CAP_READ | VAULT_CAP_UPDATE |                \
	 VAULT_CAP_DELETE | VAULT_CAP_LIST | VAULT_CAP_SUDO |                  \
	 VAULT_CAP_PATCH | VAULT_CAP_SUBSCRIBE)

#endif
