/*
 * approle_common.c - the helpers every AppRole file uses (approle_int.h):
 * the mutex that serialises AppRole writes, JSON entries read from and
 * written to the barrier, the role name check, and the list parameters
 * (token_policies, CIDR lists) with the CIDR match used at login.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "vault/approle_int.h"
#include "vault/token_int.h"

/* Role names: [A-Za-z0-9_.@-], lower-cased as Vault does. */
int ar_name_check(const char *s, size_t len, char out[AR_MAX_NAME + 1])
{
	if (!len || len > AR_MAX_NAME)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '-' || ch == '.' || ch == '@'))
			return -EINVAL;
		out[i] = ch;
	}
	out[len] = '\0';
	return 0;
}

int ar_policies_param(json_t *v, json_t **ret)
{
	json_t *raw = NULL, *out, *x;
	size_t i;
	char name[VAULT_POLICY_MAX_NAME + 1];

	if (vault_list_param(v, VAULT_TOKEN_MAX_POLICIES, VAULT_POLICY_MAX_NAME,
			     &raw))
		return -EINVAL;
	out = json_array();
	json_array_foreach(raw, i, x)
	{
		size_t j;
		json_t *y;
		int dup = 0;

		if (vault_policy_name_check(json_string_value(x), name)) {
			json_decref(raw);
			json_decref(out);
			return -EINVAL;
		}
		json_array_foreach(out, j, y) dup |=
		    !strcmp(json_string_value(y), name);
		if (!dup)
			json_array_append_new(out, json_string(name));
	}
	json_decref(raw);
	*ret = out;
	return 0;
}
