/*
 * parse_apk.c - Alpine's installed database, lib/apk/db/installed: one
 * record per package, records separated by blank lines, each line a
 * one-letter key, ':' and the value:
 *
 *   P:libcrypto3        package name
 *   V:3.1.4-r5          version
 *   A:x86_64            architecture
 *   o:openssl           origin = source package (P when absent)
 *   L:Apache-2.0        license
 *   (C: checksum, F:/R: files, D: dependencies ... are skipped)
 *
 * The source version of an apk package is its own version: a subpackage is
 * always built with its origin.
 */
#include "inventory/inventory_int.h"

#include <errno.h>
#include <string.h>

struct apk_rec {
	int line, nfields;
	const char *v[5]; /* P V A o L */
	size_t n[5];
};

static const char apk_keys[] = "PVAoL";

static int add_rec(struct inventory *inv, struct inv_diag *d,
		   const struct apk_rec *r, const char *path, int layer)
{
	struct inv_package *p;

	if (!r->nfields)
		return 0;
	if (!r->v[0] || !inv_valid_token(r->v[0], r->n[0], 1)) {
		inv_diag_warn(d, r->line, "record without a valid P: (name)");
		return 0;
	}
	if (!r->v[1] || !inv_valid_token(r->v[1], r->n[1], 1)) {
		inv_diag_warn(d, r->line, "package %.*s: missing or invalid V:",
			      (int)r->n[0], r->v[0]);
		return 0;
	}
	p = inv_addn(inv, INV_APK, r->v[0], r->n[0], r->v[1], r->n[1], path,
		     layer);
	if (!p)
		return -ENOMEM;
	if (r->v[3] && inv_valid_token(r->v[3], r->n[3], 1)) {
		if (inv_setn(&p->src_name, r->v[3], r->n[3]))
			return -ENOMEM;
	} else if (inv_setn(&p->src_name, r->v[0], r->n[0])) {
		return -ENOMEM;
	}
	if (inv_setn(&p->src_version, r->v[1], r->n[1]))
		return -ENOMEM;
	if (r->v[2] && inv_valid_token(r->v[2], r->n[2], 1) &&
	    inv_setn(&p->arch, r->v[2], r->n[2]))
		return -ENOMEM;
	if (r->v[4] && r->n[4] &&
	    inv_setn(&p->license, r->v[4],
		     r->n[4] > INV_MAX_LICENSE ? INV_MAX_LICENSE : r->n[4]))
		return -ENOMEM;
	return 0;
}

int inv_parse_apk_installed(struct inventory *inv, const char *buf, size_t len,
			    const char *path, int layer, inv_warn_fn warn,
			    void *ctx)
{
	struct inv_diag d;
	struct inv_lines it;
	struct apk_rec r;
	const char *line, *k;
	size_t n;
	int rc = 0;

	inv_diag_init(&d, inv, warn, ctx, path);
	inv_lines_init(&it, buf, len);
	memset(&r, 0, sizeof(r));
	while (rc == 0 && inv_lines_next(&it, &line, &n)) {
		const char *t = line;
		size_t tn = n;

		inv_trim(&t, &tn);
		if (!tn) {
			rc = add_rec(inv, &d, &r, path, layer);
			memset(&r, 0, sizeof(r));
			continue;
		}
		if (n < 2 || line[1] != ':' || !line[0]) {
			inv_diag_warn(&d, it.lineno, "not a \"K:value\" line");
			continue;
		}
		if (!r.nfields)
			r.line = it.lineno;
		r.nfields++;
		k = memchr(apk_keys, line[0], sizeof(apk_keys) - 1);
		if (k) {
			size_t i = (size_t)(k - apk_keys);
			const char *v = line + 2;
			size_t vn = n - 2;

			inv_trim(&v, &vn);
			if (r.v[i])
				inv_diag_warn(&d, it.lineno,
					      "duplicate %c: line", line[0]);
			r.v[i] = v;
			r.n[i] = vn;
		}
	}
	if (rc == 0)
		rc = add_rec(inv, &d, &r, path, layer);
	return inv_diag_result(&d, rc);
}
