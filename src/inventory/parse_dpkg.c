/*
 * parse_dpkg.c - dpkg's database: var/lib/dpkg/status (many stanzas) and
 * the distroless var/lib/dpkg/status.d/<name> files (one stanza each, same
 * syntax), in the RFC-822 style of deb-control(5):
 *
 *   Package: libssl3
 *   Status: install ok installed
 *   Architecture: amd64
 *   Source: openssl (3.0.11-1~deb12u2)     or "Source: openssl"
 *   Version: 3.0.11-1~deb12u2
 *   Description: ...
 *    continuation lines begin with a space or tab
 *
 * Stanzas are separated by blank lines.  Only the single-line fields we
 * need are kept; continuation lines are skipped.  A package counts when its
 * Status' third word says the files are on disk ("installed", or one of the
 * trigger states dpkg reaches after unpacking and configuring) -- so
 * "install ok installed" and "hold ok installed" count, "deinstall ok
 * config-files" does not.  status.d files written by distroless have no
 * Status field at all: a stanza without one is taken as installed.
 * License is not a dpkg field (the copyright file holds it); it is read
 * when present and NULL otherwise.
 */
#include "inventory/inventory_int.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

struct field {
	const char *v;
	size_t n;
	int set;
};

struct stanza {
	int line; /* first line, for messages */
	int nfields;
	struct field package, version, status, source, arch, license;
};

static const struct {
	const char *key;
	size_t off;
} dpkg_fields[] = {
    {"Package", offsetof(struct stanza, package)},
    {"Version", offsetof(struct stanza, version)},
    {"Status", offsetof(struct stanza, status)},
    {"Source", offsetof(struct stanza, source)},
    {"Architecture", offsetof(struct stanza, arch)},
    {"License", offsetof(struct stanza, license)},
};

static int status_installed(const struct field *f)
{
	static const char *const ok[] = {"installed", "triggers-awaited",
					 "triggers-pending"};
	const char *s, *end, *w;
	size_t i, wn;
	int words = 0;

	if (!f->set)
		return 1;
	s = f->v;
	end = f->v + f->n;
	/* the third blank-separated word is the package state */
	while (s < end && words < 3) {
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		w = s;
		while (s < end && *s != ' ' && *s != '\t')
			s++;
		wn = (size_t)(s - w);
		if (!wn)
			break;
		if (++words < 3)
			continue;
		for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
			if (wn == strlen(ok[i]) && !memcmp(w, ok[i], wn))
				return 1;
	}
	return 0;
}

/* "name" or "name (version)" */
static void split_source(const struct field *f, const char **name, size_t *nn,
			 const char **ver, size_t *vn)
{
	const char *open = memchr(f->v, '(', f->n), *close;

	*name = f->v;
	*nn = open ? (size_t)(open - f->v) : f->n;
	inv_trim(name, nn);
	*ver = NULL;
	*vn = 0;
	if (!open)
		return;
	close = memchr(open, ')', f->n - (size_t)(open - f->v));
	if (!close)
		return;
	*ver = open + 1;
	*vn = (size_t)(close - open - 1);
	inv_trim(ver, vn);
}

static int add_stanza(struct inventory *inv, struct inv_diag *d,
		      const struct stanza *st, const char *path, int layer)
{
	struct inv_package *p;
	const char *sname, *sver;
	size_t sn, svn;

	if (!st->nfields)
		return 0;
	if (!st->package.set) {
		inv_diag_warn(d, st->line, "stanza without a Package field");
		return 0;
	}
	if (!inv_valid_token(st->package.v, st->package.n, 1)) {
		inv_diag_warn(d, st->line, "invalid Package name");
		return 0;
	}
	if (!status_installed(&st->status))
		return 0;
	if (!st->version.set ||
	    !inv_valid_token(st->version.v, st->version.n, 1)) {
		inv_diag_warn(d, st->line,
			      "package %.*s: missing or invalid Version",
			      (int)st->package.n, st->package.v);
		return 0;
	}
	p = inv_addn(inv, INV_DEB, st->package.v, st->package.n, st->version.v,
		     st->version.n, path, layer);
	if (!p)
		return -ENOMEM;
	sname = st->package.v;
	sn = st->package.n;
	sver = st->version.v;
	svn = st->version.n;
	if (st->source.set) {
		const char *n2, *v2;
		size_t nn2, vn2;

		split_source(&st->source, &n2, &nn2, &v2, &vn2);
		if (inv_valid_token(n2, nn2, 1)) {
			sname = n2;
			sn = nn2;
		}
		if (v2 && inv_valid_token(v2, vn2, 1)) {
			sver = v2;
			svn = vn2;
		}
	}
	if (inv_setn(&p->src_name, sname, sn) ||
	    inv_setn(&p->src_version, sver, svn))
		return -ENOMEM;
	if (st->arch.set && inv_valid_token(st->arch.v, st->arch.n, 1) &&
	    inv_setn(&p->arch, st->arch.v, st->arch.n))
		return -ENOMEM;
	if (st->license.set && st->license.n &&
	    inv_setn(&p->license, st->license.v,
		     st->license.n > INV_MAX_LICENSE ? INV_MAX_LICENSE
						     : st->license.n))
		return -ENOMEM;
	return 0;
}

int inv_parse_dpkg_status(struct inventory *inv, const char *buf, size_t len,
			  const char *path, int layer, inv_warn_fn warn,
			  void *ctx)
{
	struct inv_diag d;
	struct inv_lines it;
	struct stanza st;
	const char *line;
	size_t n, i;
	int rc = 0;

	inv_diag_init(&d, inv, warn, ctx, path);
	inv_lines_init(&it, buf, len);
	memset(&st, 0, sizeof(st));
	while (rc == 0 && inv_lines_next(&it, &line, &n)) {
		const char *key, *val, *colon;
		size_t kn, vn;

		key = line;
		kn = n;
		inv_trim(&key, &kn);
		if (!kn) { /* blank line: end of stanza */
			rc = add_stanza(inv, &d, &st, path, layer);
			memset(&st, 0, sizeof(st));
			continue;
		}
		if (line[0] == ' ' || line[0] == '\t') {
			if (!st.nfields)
				inv_diag_warn(
				    &d, it.lineno,
				    "continuation line outside a field");
			continue;
		}
		colon = memchr(line, ':', n);
		if (!colon) {
			inv_diag_warn(&d, it.lineno,
				      "line without a field name");
			continue;
		}
		if (!st.nfields)
			st.line = it.lineno;
		st.nfields++;
		key = line;
		kn = (size_t)(colon - line);
		val = colon + 1;
		vn = n - kn - 1;
		inv_trim(&val, &vn);
		for (i = 0; i < sizeof(dpkg_fields) / sizeof(dpkg_fields[0]);
		     i++) {
			struct field *f;

			if (kn != strlen(dpkg_fields[i].key) ||
			    strncasecmp(key, dpkg_fields[i].key, kn))
				continue;
			f = (struct field *)((char *)&st + dpkg_fields[i].off);
			if (f->set)
				inv_diag_warn(&d, it.lineno,
					      "duplicate field %s",
					      dpkg_fields[i].key);
			f->v = val;
			f->n = vn;
			f->set = 1;
		}
	}
	if (rc == 0)
		rc = add_stanza(inv, &d, &st, path, layer);
	return inv_diag_result(&d, rc);
}
