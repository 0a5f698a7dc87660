/*
 * parse_python.c - an installed Python distribution's core metadata
 * (*.dist-info/METADATA, *.egg-info/PKG-INFO, or an *.egg-info file): the
 * RFC-822 style header block that ends at the first blank line (the body
 * after it is the long description and is not read).
 *
 *   Metadata-Version: 2.1
 *   Name: Django
 *   Version: 4.2.7
 *   License: BSD-3-Clause          (continuation lines are not kept)
 *   License-Expression: MIT        (metadata 2.4; preferred over License)
 *
 * The name is stored as published; purl.c normalises it for pkg:pypi.
 * A License value of "UNKNOWN" (setuptools' placeholder) counts as none.
 */
#include "inventory/inventory_int.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

int inv_parse_python_metadata(struct inventory *inv, const char *buf,
			      size_t len, const char *path, int layer,
			      inv_warn_fn warn, void *ctx)
{
	const char *f[4] = {0}; /* Name Version License License-Expression */
	static const char *const keys[4] = {"Name", "Version", "License",
					    "License-Expression"};
	size_t fn[4] = {0};
	struct inv_package *p;
	struct inv_diag d;
	struct inv_lines it;
	const char *line;
	size_t n, i;
	int lic;

	inv_diag_init(&d, inv, warn, ctx, path);
	inv_lines_init(&it, buf, len);
	while (inv_lines_next(&it, &line, &n)) {
		const char *colon, *v;
		size_t kn, vn;

		if (!n)
			break; /* end of the header block */
		if (line[0] == ' ' || line[0] == '\t')
			continue;
		colon = memchr(line, ':', n);
		if (!colon) {
			inv_diag_warn(&d, it.lineno, "not a header line");
			continue;
		}
		kn = (size_t)(colon - line);
		v = colon + 1;
		vn = n - kn - 1;
		inv_trim(&v, &vn);
		for (i = 0; i < 4; i++)
			if (kn == strlen(keys[i]) &&
			    !strncasecmp(line, keys[i], kn) && !f[i]) {
				f[i] = v;
				fn[i] = vn;
			}
	}
	if (!f[0] || !inv_valid_token(f[0], fn[0], 1)) {
		inv_diag_warn(&d, 0, "no valid Name header");
		return -EINVAL;
	}
	if (!f[1] || !inv_valid_token(f[1], fn[1], 1)) {
		inv_diag_warn(&d, 0, "%.*s: no valid Version header",
			      (int)fn[0], f[0]);
		return -EINVAL;
	}
	p = inv_addn(inv, INV_PYTHON, f[0], fn[0], f[1], fn[1], path, layer);
	if (!p)
		return -ENOMEM;
	lic = f[3] && fn[3] ? 3 : 2;
	if (f[lic] && fn[lic] &&
	    !(fn[lic] == 7 && !memcmp(f[lic], "UNKNOWN", 7)) &&
	    inv_valid_token(
		f[lic], fn[lic] > INV_MAX_LICENSE ? INV_MAX_LICENSE : fn[lic],
		0) &&
	    inv_setn(&p->license, f[lic],
		     fn[lic] > INV_MAX_LICENSE ? INV_MAX_LICENSE : fn[lic]))
		return -ENOMEM;
	return inv_diag_result(&d, 0);
}
