/*
 * params.c - request parameters in the forms Vault accepts for lists:
 * a JSON array of strings or one comma-separated string ("a, b,c"), as
 * for policies, CIDR lists and capability paths.
 */
#include <errno.h>
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
