/*
 * utf8.c - UTF-8 validation and repair for alert text.  Alert strings come
 * from hostile processes (command lines, file names); jansson refuses
 * invalid UTF-8, so every string is checked and, when needed, copied with
 * each invalid sequence replaced by U+FFFD (as Falco's JSON writer does).
 * The rules are RFC 3629's: no overlong forms, no surrogates, nothing above
 * U+10FFFF.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "output/output_int.h"

static const char REPLACEMENT[] = "\xef\xbf\xbd"; /* U+FFFD */

/* Length of the valid sequence at s (at most n bytes), 0 if invalid. */
static size_t seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t need;
	uint32_t cp, min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		cp = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

bool out_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t k = seq_len(p + i, len - i);

		if (!k)
			return false;
		i += k;
	}
	return true;
}

char *out_utf8_fix(const char *s, size_t len, size_t *ret_len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;
	char *out;

	/* Each invalid byte becomes at most 3 bytes. */
	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	out = malloc(len * 3 + 1);
	if (!out)
		return NULL;
	while (i < len) {
		size_t k = seq_len(p + i, len - i);

		if (k) {
			memcpy(out + o, p + i, k);
			o += k;
			i += k;
		} else {
			memcpy(out + o, REPLACEMENT, 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	if (ret_len)
		*ret_len = o;
	return out;
}

json_t *out_json_string(const char *s)
{
	size_t len, fixed_len;
	char *fixed;
	json_t *j;

	if (!s)
		s = "";
	len = strlen(s);
	if (out_utf8_valid(s, len))
		return json_stringn_nocheck(s, len);
	fixed = out_utf8_fix(s, len, &fixed_len);
	if (!fixed)
		return NULL;
	j = json_stringn_nocheck(fixed, fixed_len);
	free(fixed);
	return j;
}
