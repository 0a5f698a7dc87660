/*
 * params.c - request parameters in the forms Vault accepts for lists:
 * a JSON array of strings or one comma-separated string ("a, b,c"), as
 * for policies, CIDR lists and capability paths; and CIDR blocks, checked
 * when given and matched against client addresses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vault/core_int.h"

int vault_list_param(json_t *v, size_t max, size_t item_max, json_t **ret)
{
	json_t *out = json_array();
	size_t i;
	json_t *x;

	if (!out)
		return -ENOMEM;
	if (!v || json_is_null(v)) {
		*ret = out;
		return 0;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			if (!json_is_string(x) ||
			    json_string_length(x) > item_max ||
			    json_array_size(out) >= max) {
				json_decref(out);
				return -EINVAL;
			}
			if (json_string_length(x))
				json_array_append(out, x);
		}
		*ret = out;
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);

		while (*s) {
			const char *comma = strchr(s, ',');
			size_t len = comma ? (size_t)(comma - s) : strlen(s);

			while (len && *s == ' ')
				s++, len--;
			while (len && s[len - 1] == ' ')
				len--;
			if (len) {
				if (len > item_max ||
				    json_array_size(out) >= max) {
					json_decref(out);
					return -EINVAL;
				}
				json_array_append_new(out,
						      json_stringn(s, len));
			}
			if (!comma)
				break;
			s = comma + 1;
		}
		*ret = out;
		return 0;
	}
	json_decref(out);
	return -EINVAL;
}

/* ---- booleans ------------------------------------------------------------ */

int vault_bool_param(json_t *v, int *ret)
{
	if (!v)
		return 1;
	if (json_is_boolean(v)) {
		*ret = json_is_true(v);
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);

		if (!strcmp(s, "true") || !strcmp(s, "1"))
			return *ret = 1, 0;
		if (!strcmp(s, "false") || !strcmp(s, "0"))
			return *ret = 0, 0;
	}
	return -1;
}

/* ---- CIDR blocks ----------------------------------------------------------
 */

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

int vault_cidrs_allow(json_t *list, const char *addr)
{
	size_t i;
	json_t *x;

	if (!json_array_size(list))
		return 1;
	json_array_foreach(
	    list, i, x) if (cidr_match(json_string_value(x), addr)) return 1;
	return 0;
}

int vault_cidrs_param(json_t *v, size_t max, json_t **ret)
{
	json_t *l = NULL, *x;
	size_t i;
	unsigned char net[16];
	int fam, bits;

	if (vault_list_param(v, max, 64, &l))
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
