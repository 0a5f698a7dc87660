/*
 * scan.c - one scan, start to end: open the image (image.h), take its
 * inventory (inventory.h), match every package against the OSV database
 * (db.h) and collect the findings, sorted for reports.
 *
 * Which name and version are matched: OS packages are matched by their
 * *source* package where the distribution's advisories are written that
 * way (Debian and Ubuntu: dpkg Source; Alpine: the apk origin), by their
 * binary name elsewhere (rpm); language packages by their published name.
 * Each finding keeps the binary package it was found through, so one
 * source CVE shows under every installed binary it ships in, as users of
 * Trivy and Grype expect.
 *
 * Input problems that do not stop the scan (a corrupt layer, a malformed
 * package database) are collected in r->problems and set r->incomplete;
 * only an image that cannot be opened or whose digests do not verify
 * fails the scan as a whole.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scan/scan.h"

static void on_warn(void *ctx, const struct bw_error *e)
{
	struct scan_result *r = ctx;

	r->incomplete = 1;
	scan_add_problem(r, e);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int copy_info(struct image_info *dst, const struct image_info *src)
{
	struct image_layer *layers = NULL;

	*dst = *src;
	dst->path = dup_or_null(src->path);
	dst->ref = dup_or_null(src->ref);
	dst->manifest_digest = dup_or_null(src->manifest_digest);
	dst->config_digest = dup_or_null(src->config_digest);
	dst->os = dup_or_null(src->os);
	dst->arch = dup_or_null(src->arch);
	dst->variant = dup_or_null(src->variant);
	if (src->nlayers) {
		layers = calloc(src->nlayers, sizeof(*layers));
		if (!layers)
			return -ENOMEM;
		memcpy(layers, src->layers, src->nlayers * sizeof(*layers));
	}
	dst->layers = layers;
	return 0;
}

/* The name and version the advisories of pkg's ecosystem are keyed by. */
static void match_key(const struct inventory *inv,
		      const struct inv_package *p, const char **name,
		      const char **version)
{
	*name = p->name;
	*version = p->version;
	if (p->type == INV_DEB || p->type == INV_APK) {
		if (p->src_name && *p->src_name)
			*name = p->src_name;
		if (p->type == INV_DEB && p->src_version && *p->src_version)
			*version = p->src_version;
	}
	(void)inv;
}

static int add_finding(struct scan_result *r, size_t pkg, const char *eco,
		       struct vuln_match *m, size_t *cap)
{
	struct scan_finding *f;

	if (r->nfindings == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct scan_finding *nf =
			realloc(r->findings, ncap * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		r->findings = nf;
		*cap = ncap;
	}
	f = &r->findings[r->nfindings];
	memset(f, 0, sizeof(*f));
	f->ecosystem = strdup(eco);
	if (!f->ecosystem)
		return -ENOMEM;
	f->pkg = pkg;
	f->vuln = *m; /* moves ownership */
	memset(m, 0, sizeof(*m));
	r->nfindings++;
	return 0;
}

static int finding_cmp(const void *a, const void *b, void *ctx)
{
	const struct scan_result *r = ctx;
	const struct scan_finding *x = a, *y = b;
	const struct inv_package *px = &r->inv.pkgs[x->pkg];
	const struct inv_package *py = &r->inv.pkgs[y->pkg];
	int c;

	if (x->vuln.severity != y->vuln.severity)
		return (int)y->vuln.severity - (int)x->vuln.severity;
	c = strcmp(px->name, py->name);
	if (c)
		return c;
	if (x->pkg != y->pkg)
		return x->pkg < y->pkg ? -1 : 1;
	return strcmp(x->vuln.id, y->vuln.id);
}

static int match_all(struct scan_result *r, struct vulndb *db,
		     struct bw_error *err)
{
	size_t cap = 0;

	for (size_t i = 0; i < r->inv.npkgs; i++) {
		const struct inv_package *p = &r->inv.pkgs[i];
		const char *name, *version;
		char eco[96];
		struct vuln_match *m = NULL;
		size_t n = 0;
		struct bw_error merr;
		int rc;

		if (!inventory_osv_ecosystem(&r->inv, p, eco, sizeof(eco)))
			continue;
		match_key(&r->inv, p, &name, &version);
		if (!name || !version)
			continue;
		bw_error_clear(&merr);
		rc = vulndb_match(db, eco, name, version, &m, &n, &merr);
		if (rc == -ENOMEM)
			return bw_errorf(err, rc, r->target, 0, 0,
					 "out of memory matching packages");
		if (rc < 0) {
			/* A version the ecosystem rejects: report, go on. */
			scan_add_problem(r, &merr);
			continue;
		}
		for (size_t k = 0; k < n; k++) {
			rc = add_finding(r, i, eco, &m[k], &cap);
			if (rc < 0) {
				vulndb_matches_free(m, n);
				return bw_errorf(err, rc, r->target, 0, 0,
						 "out of memory");
			}
		}
		vulndb_matches_free(m, n);
	}
	if (r->nfindings > 1)
		qsort_r(r->findings, r->nfindings, sizeof(*r->findings),
			finding_cmp, r);
	return 0;
}

int scan_run(const char *target, const struct scan_opts *o,
	     struct scan_result *r, struct bw_error *err)
{
	struct image_open_opts io = {.platform = o->platform};
	struct image *img = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	r->started = time(NULL);
	r->target = strdup(target);
	if (!r->target)
		return bw_errorf(err, -ENOMEM, target, 0, 0, "out of memory");
	rc = image_open(target, o->rootfs, &io, &img, err);
	if (rc < 0)
		return rc;
	rc = copy_info(&r->info, image_get_info(img));
	if (rc < 0) {
		image_close(img);
		return bw_errorf(err, rc, target, 0, 0, "out of memory");
	}
	rc = inventory_collect(img, &r->inv, on_warn, r, err);
	image_close(img);
	if (rc == -EBADMSG || rc == -ENOMEM)
		return rc; /* refused: a digest does not verify */
	if (rc < 0) {
		r->incomplete = 1;
		if (err && err->code)
			scan_add_problem(r, err);
		bw_error_clear(err);
	}
	if (!o->db)
		return 0;
	return match_all(r, o->db, err);
}
