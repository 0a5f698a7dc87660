/*
 * inventory.c - the inventory container: adding packages, the final pass
 * that computes purls, sorts and removes duplicates, the OSV ecosystem of
 * a package, and the small helpers every parser shares (diagnostics,
 * length-carrying strings, line iteration).
 *
 * Sort order (inventory.h): type, name, version, path, then layer so the
 * result does not depend on qsort's instability.  Duplicates are the same
 * type+name+version+path; the first after sorting (lowest layer) is kept.
 */
#include "inventory/inventory_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared helpers ------------------------------------------------------ */

void inv_diag_init(struct inv_diag *d, struct inventory *inv, inv_warn_fn warn,
		   void *ctx, const char *path)
{
	memset(d, 0, sizeof(*d));
	d->inv = inv;
	d->warn = warn;
	d->ctx = ctx;
	d->path = path;
}

int inv_diag_warn(struct inv_diag *d, int line, const char *fmt, ...)
{
	struct bw_error e;
	va_list ap;

	d->bad = 1;
	if (d->nreported > INV_MAX_WARN_PER_FILE)
		return -EINVAL;
	memset(&e, 0, sizeof(e));
	e.code = -EINVAL;
	snprintf(e.input, sizeof(e.input), "%s", d->path ? d->path : "");
	e.line = line > 0 ? line : 0;
	if (d->nreported == INV_MAX_WARN_PER_FILE) {
		e.line = 0;
		snprintf(e.msg, sizeof(e.msg),
			 "further problems in this file not reported");
	} else {
		va_start(ap, fmt);
		vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
		va_end(ap);
	}
	d->nreported++;
	if (d->inv)
		d->inv->nwarnings++;
	if (d->warn)
		d->warn(d->ctx, &e);
	return -EINVAL;
}

int inv_diag_result(const struct inv_diag *d, int rc)
{
	if (rc < 0 && rc != -EINVAL)
		return rc;
	return (d->bad || rc == -EINVAL) ? -EINVAL : 0;
}

char *inv_strndup(const char *s, size_t n)
{
	char *r = malloc(n + 1);

	if (!r)
		return NULL;
	if (n)
		memcpy(r, s, n);
	r[n] = 0;
	return r;
}

int inv_set(char **field, const char *value)
{
	char *c = NULL;

	if (value && !(c = strdup(value)))
		return -ENOMEM;
	free(*field);
	*field = c;
	return 0;
}

int inv_setn(char **field, const char *s, size_t n)
{
	char *c = inv_strndup(s, n);

	if (!c)
		return -ENOMEM;
	free(*field);
	*field = c;
	return 0;
}

void inv_trim(const char **s, size_t *n)
{
	while (*n && ((*s)[0] == ' ' || (*s)[0] == '\t' || (*s)[0] == '\r')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' ||
		      (*s)[*n - 1] == '\r'))
		(*n)--;
}

int inv_valid_token(const char *s, size_t n, int no_space)
{
	size_t i;

	if (!s || !n || n > INV_MAX_FIELD)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || (no_space && c == ' '))
			return 0;
	}
	return 1;
}

void inv_lines_init(struct inv_lines *it, const char *buf, size_t len)
{
	it->p = buf;
	it->end = buf ? buf + len : buf;
	it->lineno = 0;
}

int inv_lines_next(struct inv_lines *it, const char **line, size_t *len)
{
	const char *nl;
	size_t n;

	if (!it->p || it->p >= it->end)
		return 0;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	n = nl ? (size_t)(nl - it->p) : (size_t)(it->end - it->p);
	*line = it->p;
	it->p = nl ? nl + 1 : it->end;
	if (n && (*line)[n - 1] == '\r')
		n--;
	*len = n;
	it->lineno++;
	return 1;
}

/* ---- packages ------------------------------------------------------------ */

static void pkg_free(struct inv_package *p)
{
	free(p->name);
	free(p->version);
	free(p->src_name);
	free(p->src_version);
	free(p->arch);
	free(p->license);
	free(p->purl);
	free(p->path);
}

struct inv_package *inv_add(struct inventory *inv, enum inv_type type,
			    const char *name, const char *version,
			    const char *path, int layer)
{
	struct inv_package *p;

	if (!inv || !name || (unsigned)type >= INV__COUNT)
		return NULL;
	if (inv->npkgs == inv->cap) {
		size_t ncap = inv->cap ? inv->cap * 2 : 64;
		struct inv_package *n;

		if (inv->cap >= INV_MAX_PKGS)
			return NULL;
		if (ncap > INV_MAX_PKGS)
			ncap = INV_MAX_PKGS;
		n = realloc(inv->pkgs, ncap * sizeof(*n));
		if (!n)
			return NULL;
		inv->pkgs = n;
		inv->cap = ncap;
	}
	p = &inv->pkgs[inv->npkgs];
	memset(p, 0, sizeof(*p));
	p->type = type;
	p->layer = layer;
	if (inv_set(&p->name, name) || inv_set(&p->version, version) ||
	    inv_set(&p->path, path)) {
		pkg_free(p);
		return NULL;
	}
	inv->npkgs++;
	return p;
}

struct inv_package *inv_addn(struct inventory *inv, enum inv_type type,
			     const char *name, size_t name_len,
			     const char *version, size_t version_len,
			     const char *path, int layer)
{
	char *n = inv_strndup(name, name_len);
	char *v = version ? inv_strndup(version, version_len) : NULL;
	struct inv_package *p = NULL;

	if (n && (v || !version))
		p = inv_add(inv, type, n, v, path, layer);
	free(n);
	free(v);
	return p;
}

void inventory_free(struct inventory *inv)
{
	size_t i;

	if (!inv)
		return;
	for (i = 0; i < inv->npkgs; i++)
		pkg_free(&inv->pkgs[i]);
	free(inv->pkgs);
	free(inv->os.id);
	free(inv->os.version_id);
	free(inv->os.codename);
	free(inv->os.pretty_name);
	free(inv->os.id_like);
	memset(inv, 0, sizeof(*inv));
}

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int same_identity(const struct inv_package *a,
			 const struct inv_package *b)
{
	return a->type == b->type && !strcmp_null(a->name, b->name) &&
	       !strcmp_null(a->version, b->version) &&
	       !strcmp_null(a->path, b->path);
}

/* "app/package-lock.json" -> length of "app/" (0 at the root), or -1 when
 * path is not an npm lockfile. */
static ssize_t lock_dir_len(const char *path)
{
	static const char lock[] = "package-lock.json";
	size_t n = path ? strlen(path) : 0, l = sizeof(lock) - 1;

	if (n < l || strcmp(path + n - l, lock) ||
	    (n > l && path[n - l - 1] != '/'))
		return -1;
	return (ssize_t)(n - l);
}

/*
 * A lockfile entry is a duplicate when the same name and version is
 * installed under the lockfile's own node_modules: the installed
 * package.json is the better witness (it is what runs), so the lockfile's
 * copy goes.  Lockfile entries without an installed copy stay (an image
 * that ships the lockfile but installs elsewhere, or a partial install).
 * pkgs are sorted, so equal type/name/version form one run.
 */
static int npm_lock_shadowed(const struct inventory *inv, size_t i)
{
	const struct inv_package *p = &inv->pkgs[i];
	ssize_t dl = lock_dir_len(p->path);
	size_t lo = i, hi = i;

	if (p->type != INV_NPM || dl < 0)
		return 0;
	while (lo > 0 && inv->pkgs[lo - 1].type == INV_NPM &&
	       !strcmp_null(inv->pkgs[lo - 1].name, p->name) &&
	       !strcmp_null(inv->pkgs[lo - 1].version, p->version))
		lo--;
	while (hi + 1 < inv->npkgs && inv->pkgs[hi + 1].type == INV_NPM &&
	       !strcmp_null(inv->pkgs[hi + 1].name, p->name) &&
	       !strcmp_null(inv->pkgs[hi + 1].version, p->version))
		hi++;
	for (size_t k = lo; k <= hi; k++) {
		const char *q = inv->pkgs[k].path;

		if (k == i || !q || lock_dir_len(q) >= 0)
			continue;
		if (!strncmp(q, p->path, (size_t)dl) &&
		    !strncmp(q + dl, "node_modules/", 13))
			return 1;
	}
	return 0;
}

static int pkg_cmp(const void *va, const void *vb)
{
	const struct inv_package *a = va, *b = vb;
	int c;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if ((c = strcmp_null(a->name, b->name)))
		return c;
	if ((c = strcmp_null(a->version, b->version)))
		return c;
	if ((c = strcmp_null(a->path, b->path)))
		return c;
	return (a->layer > b->layer) - (a->layer < b->layer);
}

int inventory_finish(struct inventory *inv)
{
	size_t i, out;
	char *drop;

	if (!inv)
		return -EINVAL;
	for (i = 0; i < inv->npkgs; i++) {
		if (inv->pkgs[i].purl)
			continue;
		inv->pkgs[i].purl = inv_purl(inv, &inv->pkgs[i]);
		if (!inv->pkgs[i].purl)
			return -ENOMEM;
	}
	if (inv->npkgs > 1)
		qsort(inv->pkgs, inv->npkgs, sizeof(*inv->pkgs), pkg_cmp);
	drop = calloc(inv->npkgs ? inv->npkgs : 1, 1);
	if (!drop)
		return -ENOMEM;
	for (i = 0; i < inv->npkgs; i++)
		drop[i] = (char)npm_lock_shadowed(inv, i);
	for (i = 0, out = 0; i < inv->npkgs; i++) {
		if (drop[i] ||
		    (out && same_identity(&inv->pkgs[out - 1], &inv->pkgs[i]))) {
			pkg_free(&inv->pkgs[i]);
			continue;
		}
		if (out != i)
			inv->pkgs[out] = inv->pkgs[i];
		out++;
	}
	inv->npkgs = out;
	free(drop);
	return 0;
}

/* ---- names ----------------------------------------------------------------
 */

const char *inv_type_name(enum inv_type t)
{
	static const char *const names[INV__COUNT] = {
	    [INV_DEB] = "deb",	       [INV_APK] = "apk",
	    [INV_RPM] = "rpm",	       [INV_NPM] = "npm",
	    [INV_PYTHON] = "python",   [INV_GO] = "go",
	    [INV_GOSTD] = "go-stdlib", [INV_MAVEN] = "maven",
	    [INV_CARGO] = "cargo",
	};

	if ((unsigned)t >= INV__COUNT)
		return "unknown";
	return names[t];
}

/*
 * OS package ecosystems.  The version part is derived from VERSION_ID:
 *   MAJOR    "12" / "12.5" -> "Debian:12"
 *   UBUNTU   "22.04" -> "Ubuntu:22.04", plus ":LTS" for an even year's .04
 *   ALPINE   "3.19.1" -> "Alpine:v3.19"
 *   NONE     the ecosystem name alone
 */
enum os_ver { OSV_NONE, OSV_MAJOR, OSV_UBUNTU, OSV_ALPINE };

static const struct os_eco {
	const char *id;
	enum inv_type type;
	const char *eco;
	enum os_ver ver;
} os_ecos[] = {
    {"debian", INV_DEB, "Debian", OSV_MAJOR},
    {"ubuntu", INV_DEB, "Ubuntu", OSV_UBUNTU},
    {"alpine", INV_APK, "Alpine", OSV_ALPINE},
    {"wolfi", INV_APK, "Wolfi", OSV_NONE},
    {"chainguard", INV_APK, "Chainguard", OSV_NONE},
    {"rhel", INV_RPM, "Red Hat", OSV_NONE},
    {"centos", INV_RPM, "Red Hat", OSV_NONE},
    {"rocky", INV_RPM, "Rocky Linux", OSV_NONE},
    {"almalinux", INV_RPM, "AlmaLinux", OSV_NONE},
};

static const char *lang_eco(enum inv_type t)
{
	switch (t) {
	case INV_NPM:
		return "npm";
	case INV_PYTHON:
		return "PyPI";
	case INV_GO:
	case INV_GOSTD:
		return "Go";
	case INV_MAVEN:
		return "Maven";
	case INV_CARGO:
		return "crates.io";
	default:
		return NULL;
	}
}

static const char *fmt_eco(char *buf, size_t len, int n)
{
	return (n < 0 || (size_t)n >= len) ? NULL : buf;
}

const char *inventory_osv_ecosystem(const struct inventory *inv,
				    const struct inv_package *pkg, char *buf,
				    size_t len)
{
	const char *l = lang_eco(pkg->type), *v;
	const struct os_eco *e = NULL;
	size_t i, n1, n2;

	if (!buf || !len)
		return NULL;
	if (l)
		return fmt_eco(buf, len, snprintf(buf, len, "%s", l));
	if (!inv || !inv->os.id)
		return NULL;
	for (i = 0; i < sizeof(os_ecos) / sizeof(os_ecos[0]); i++)
		if (os_ecos[i].type == pkg->type &&
		    !strcmp(os_ecos[i].id, inv->os.id))
			e = &os_ecos[i];
	if (!e)
		return NULL;
	v = inv->os.version_id;
	if (e->ver == OSV_NONE || !v || !*v)
		return fmt_eco(buf, len, snprintf(buf, len, "%s", e->eco));
	n1 = strcspn(v, ".");
	if (e->ver == OSV_MAJOR)
		return fmt_eco(
		    buf, len,
		    snprintf(buf, len, "%s:%.*s", e->eco, (int)n1, v));
	if (e->ver == OSV_ALPINE) {
		n2 = v[n1] == '.' ? n1 + 1 + strcspn(v + n1 + 1, "._") : n1;
		return fmt_eco(
		    buf, len,
		    snprintf(buf, len, "%s:v%.*s", e->eco, (int)n2, v));
	}
	/* Ubuntu: LTS releases are the .04 of even years. */
	{
		char *end;
		long year = strtol(v, &end, 10);
		int lts = end != v && *end == '.' && !strcmp(end, ".04") &&
			  year % 2 == 0;

		return fmt_eco(buf, len,
			       snprintf(buf, len, "%s:%s%s", e->eco, v,
					lts ? ":LTS" : ""));
	}
}
