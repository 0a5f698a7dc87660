/*
 * parse_cargo.c - Rust crates from Cargo.lock and from the dependency
 * list cargo-auditable embeds in binaries.
 *
 * Cargo.lock is TOML, but the part we read is regular enough for a line
 * parser: "[[package]]" starts a crate; inside it the lines
 *   name = "serde"
 *   version = "1.0.190"
 *   source = "registry+https://github.com/rust-lang/crates.io-index"
 * (other keys, the multi-line "dependencies = [...]" array and any other
 * table are skipped).  A crate without "source" is a workspace or path
 * crate -- the project's own code, not something a database knows -- and
 * is not reported.
 *
 * cargo-auditable: the ELF section ".dep-v0" holds zlib-compressed JSON
 *   {"packages":[{"name":"serde","version":"1.0.190","source":"crates.io",
 *                 "kind":"runtime","dependencies":[...],"root":false}]}
 * Crates whose source is "local" (the binary's own crate and workspace
 * members) are skipped; build-time crates (kind "build") are kept.
 * The inflated JSON is bounded by INV_MAX_DEPV0.
 */
#include "inventory/inventory_int.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct crate {
	int line;
	int in;		  /* inside a [[package]] table */
	const char *v[3]; /* name version source */
	size_t n[3];
};

static int add_crate(struct inventory *inv, struct inv_diag *d,
		     const struct crate *c, const char *path, int layer)
{
	if (!c->in)
		return 0;
	if (!c->v[0] || !inv_valid_token(c->v[0], c->n[0], 1) || !c->v[1] ||
	    !inv_valid_token(c->v[1], c->n[1], 1)) {
		inv_diag_warn(d, c->line,
			      "[[package]] without a valid name and version");
		return 0;
	}
	if (!c->v[2])
		return 0; /* a workspace / path crate */
	if (!inv_addn(inv, INV_CARGO, c->v[0], c->n[0], c->v[1], c->n[1], path,
		      layer))
		return -ENOMEM;
	return 0;
}

/* `key = "value"`: 1 and the key/value, 0 when the line is not that. */
static int key_string(const char *line, size_t n, const char **k, size_t *kn,
		      const char **v, size_t *vn)
{
	const char *eq = memchr(line, '=', n), *q1, *q2;

	if (!eq)
		return 0;
	*k = line;
	*kn = (size_t)(eq - line);
	inv_trim(k, kn);
	q1 = memchr(eq, '"', n - (size_t)(eq - line));
	if (!q1)
		return 0;
	q2 = memchr(q1 + 1, '"', n - (size_t)(q1 + 1 - line));
	if (!q2)
		return 0;
	*v = q1 + 1;
	*vn = (size_t)(q2 - q1 - 1);
	return 1;
}

int inv_parse_cargo_lock(struct inventory *inv, const char *buf, size_t len,
			 const char *path, int layer, inv_warn_fn warn,
			 void *ctx)
{
	static const char *const keys[3] = {"name", "version", "source"};
	struct inv_diag d;
	struct inv_lines it;
	struct crate c;
	const char *line, *k, *v;
	size_t n, kn, vn, i;
	int rc = 0;

	inv_diag_init(&d, inv, warn, ctx, path);
	inv_lines_init(&it, buf, len);
	memset(&c, 0, sizeof(c));
	while (rc == 0 && inv_lines_next(&it, &line, &n)) {
		inv_trim(&line, &n);
		if (!n || line[0] == '#')
			continue;
		if (line[0] == '[' && (n < 2 || line[1] != ' ')) {
			/* a table header ("[[package]]", "[metadata]") -- not
			 * an array element line like `[ "a", ]` */
			rc = add_crate(inv, &d, &c, path, layer);
			memset(&c, 0, sizeof(c));
			if (n == 11 && !memcmp(line, "[[package]]", 11)) {
				c.in = 1;
				c.line = it.lineno;
			}
			continue;
		}
		if (!c.in || !key_string(line, n, &k, &kn, &v, &vn))
			continue;
		for (i = 0; i < 3; i++)
			if (kn == strlen(keys[i]) && !memcmp(k, keys[i], kn)) {
				c.v[i] = v;
				c.n[i] = vn;
			}
	}
	if (rc == 0)
		rc = add_crate(inv, &d, &c, path, layer);
	return inv_diag_result(&d, rc);
}

/* zlib-inflates buf into a new buffer of at most max bytes. */
static int inflate_bounded(const char *buf, size_t len, size_t max, char **ret,
			   size_t *ret_len)
{
	z_stream z;
	char *out = NULL, *n;
	size_t cap = 0;
	int zr, rc = 0;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return -ENOMEM;
	z.next_in = (Bytef *)(uintptr_t)buf;
	z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	do {
		if (z.total_out == cap) {
			if (cap >= max) {
				rc = -EFBIG;
				break;
			}
			cap = cap ? cap * 2 : 65536;
			if (cap > max)
				cap = max;
			if (!(n = realloc(out, cap))) {
				rc = -ENOMEM;
				break;
			}
			out = n;
		}
		z.next_out = (Bytef *)out + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		zr = inflate(&z, Z_NO_FLUSH);
	} while (zr == Z_OK);
	if (!rc && zr != Z_STREAM_END)
		rc = zr == Z_MEM_ERROR ? -ENOMEM : -EINVAL;
	*ret_len = z.total_out;
	inflateEnd(&z);
	if (rc) {
		free(out);
		return rc;
	}
	*ret = out;
	return 0;
}

int inv_parse_cargo_auditable(struct inventory *inv, const char *buf,
			      size_t len, const char *path, int layer,
			      inv_warn_fn warn, void *ctx)
{
	struct inv_diag d;
	json_error_t jerr;
	json_t *root, *pkgs, *p;
	char *js;
	size_t jlen, i;
	int rc;

	inv_diag_init(&d, inv, warn, ctx, path);
	rc = inflate_bounded(buf, len, INV_MAX_DEPV0, &js, &jlen);
	if (rc == -ENOMEM)
		return rc;
	if (rc) {
		inv_diag_warn(&d, 0, ".dep-v0: %s",
			      rc == -EFBIG ? "inflated data over the size limit"
					   : "corrupt zlib data");
		return -EINVAL;
	}
	root = json_loadb(js, jlen, 0, &jerr);
	free(js);
	pkgs = json_object_get(root, "packages");
	if (!json_is_array(pkgs)) {
		inv_diag_warn(&d, 0, ".dep-v0: %s",
			      root ? "no \"packages\" array" : jerr.text);
		json_decref(root);
		return -EINVAL;
	}
	rc = 0;
	json_array_foreach(pkgs, i, p)
	{
		json_t *jn = json_object_get(p, "name"),
		       *jv = json_object_get(p, "version");
		const char *src =
		    json_string_value(json_object_get(p, "source"));

		if (src && !strcmp(src, "local"))
			continue;
		if (!json_is_string(jn) || !json_is_string(jv) ||
		    !inv_valid_token(json_string_value(jn),
				     json_string_length(jn), 1) ||
		    !inv_valid_token(json_string_value(jv),
				     json_string_length(jv), 1)) {
			inv_diag_warn(&d, 0,
				      ".dep-v0: package %zu without a "
				      "valid name and version",
				      i);
			continue;
		}
		if (!inv_addn(inv, INV_CARGO, json_string_value(jn),
			      json_string_length(jn), json_string_value(jv),
			      json_string_length(jv), path, layer)) {
			rc = -ENOMEM;
			break;
		}
	}
	json_decref(root);
	return inv_diag_result(&d, rc);
}
