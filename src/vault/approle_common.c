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

/* One CIDR ("10.0.0.0/8", "::1/128", or a bare address). */
static int cidr_valid(const char *cidr, unsigned char net[16], int *fam,
		      int *bits)
{
	char buf[64];
	const char *slash = strchr(cidr, '/');
	size_t alen = slash ? (size_t)(slash - cidr) : strlen(cidr);
	int max;

	if (alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, cidr, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, net) == 1) {
		*fam = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, net) == 1) {
		*fam = AF_INET6;
		max = 128;
	} else {
		return -EINVAL;
	}
	*bits = max;
	if (slash) {
		char *end;
		long n = strtol(slash + 1, &end, 10);

		if (!slash[1] || *end || n < 0 || n > max)
			return -EINVAL;
		*bits = (int)n;
	}
	return 0;
}

static int cidr_match(const char *cidr, const char *addr)
{
	unsigned char net[16], ip[16];
	int fam, bits;

	if (!addr || cidr_valid(cidr, net, &fam, &bits))
		return 0;
	if (inet_pton(fam, addr, ip) != 1) {
		/* an IPv4 client on a v6 socket: ::ffff:a.b.c.d */
		if (fam == AF_INET && !strncmp(addr, "::ffff:", 7) &&
		    inet_pton(AF_INET, addr + 7, ip) == 1)
			goto cmp;
		return 0;
	}
cmp:
	for (int i = 0; i < bits; i += 8) {
		int n = bits - i >= 8 ? 8 : bits - i;
		unsigned char mask = (unsigned char)(0xff << (8 - n));

		if ((net[i / 8] ^ ip[i / 8]) & mask)
			return 0;
	}
	return 1;
}

/* Empty list: any address. */
int ar_cidrs_allow(json_t *list, const char *addr)
{
	size_t i;
	json_t *x;

	if (!json_array_size(list))
		return 1;
	json_array_foreach(
	    list, i, x) if (cidr_match(json_string_value(x), addr)) return 1;
	return 0;
}

int ar_cidrs_param(json_t *v, json_t **ret)
{
	json_t *l = NULL, *x;
	size_t i;
	unsigned char net[16];
	int fam, bits;

	if (vault_list_param(v, AR_MAX_CIDRS, 64, &l))
		return -EINVAL;
	json_array_foreach(l, i, x)
	{
		if (cidr_valid(json_string_value(x), net, &fam, &bits)) {
			json_decref(l);
			return -EINVAL;
		}
	}
	*ret = l;
	return 0;
}
