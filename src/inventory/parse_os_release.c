/*
 * parse_os_release.c - os-release(5): newline-separated KEY=value
 * assignments in a subset of shell syntax.  A value is one shell word:
 * unquoted text, "double-quoted" (backslash escapes the next character) or
 * 'single-quoted' (no escapes) pieces, concatenated; an unquoted blank ends
 * it.  Lines starting with '#' and blank lines are ignored.
 *
 * Kept: ID, VERSION_ID, VERSION_CODENAME, PRETTY_NAME, ID_LIKE, each
 * replacing what the inventory held.  inventory_collect() decides which
 * file is parsed (etc/os-release wins over usr/lib/os-release).
 */
#include "inventory/inventory_int.h"

#include <errno.h>
#include <string.h>

#define OSR_MAX_VALUE 1024

static const struct {
	const char *key;
	size_t off;
} osr_keys[] = {
    {"ID", offsetof(struct inv_os, id)},
    {"VERSION_ID", offsetof(struct inv_os, version_id)},
    {"VERSION_CODENAME", offsetof(struct inv_os, codename)},
    {"PRETTY_NAME", offsetof(struct inv_os, pretty_name)},
    {"ID_LIKE", offsetof(struct inv_os, id_like)},
};

/* Unquotes the shell word in v[0..n) into out; -EINVAL on an unterminated
 * quote or a control byte, -E2BIG when too long. */
static int unquote(const char *v, size_t n, char *out, size_t *ret_len)
{
	size_t i = 0, o = 0;
	char q = 0;

	while (i < n) {
		char c = v[i++];

		if (!q && (c == ' ' || c == '\t'))
			break;
		if (!q && (c == '"' || c == '\'')) {
			q = c;
			continue;
		}
		if (q && c == q) {
			q = 0;
			continue;
		}
		if (c == '\\' && q != '\'') {
			if (i == n)
				return -EINVAL;
			c = v[i++];
		}
		if ((unsigned char)c < 0x20 && c != '\t')
			return -EINVAL;
		if (o == OSR_MAX_VALUE)
			return -E2BIG;
		out[o++] = c;
	}
	if (q)
		return -EINVAL;
	*ret_len = o;
	return 0;
}

int inv_parse_os_release(struct inventory *inv, const char *buf, size_t len,
			 const char *path, inv_warn_fn warn, void *ctx)
{
	char val[OSR_MAX_VALUE];
	struct inv_diag d;
	struct inv_lines it;
	const char *line;
	size_t n, i;

	inv_diag_init(&d, inv, warn, ctx, path);
	inv_lines_init(&it, buf, len);
	while (inv_lines_next(&it, &line, &n)) {
		const char *eq, *k = line, *v;
		size_t kn, vn, outn;
		int rc;

		inv_trim(&k, &n);
		if (!n || k[0] == '#')
			continue;
		eq = memchr(k, '=', n);
		if (!eq) {
			inv_diag_warn(&d, it.lineno, "not a KEY=value line");
			continue;
		}
		kn = (size_t)(eq - k);
		v = eq + 1;
		vn = n - kn - 1;
		for (i = 0; i < sizeof(osr_keys) / sizeof(osr_keys[0]); i++)
			if (kn == strlen(osr_keys[i].key) &&
			    !memcmp(k, osr_keys[i].key, kn))
				break;
		if (i == sizeof(osr_keys) / sizeof(osr_keys[0]))
			continue;
		rc = unquote(v, vn, val, &outn);
		if (rc) {
			inv_diag_warn(&d, it.lineno, "%s: %s", osr_keys[i].key,
				      rc == -E2BIG ? "value too long"
						   : "malformed value");
			continue;
		}
		if (memchr(val, 0, outn)) {
			inv_diag_warn(&d, it.lineno, "%s: NUL in value",
				      osr_keys[i].key);
			continue;
		}
		if (inv_setn((char **)((char *)&inv->os + osr_keys[i].off), val,
			     outn))
			return -ENOMEM;
	}
	return inv_diag_result(&d, 0);
}
