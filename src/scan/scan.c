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
 *
 * Secrets (secretscan.h) are looked for in the same single walk of the
 * image: a small multiplexing visitor offers each entry to the inventory's
 * visitor first and to the secret scanner second.  A file the inventory
 * wants (package databases, executables, manifests) is read by the
 * inventory only -- those are package-manager files, skipped by the secret
 * scanner anyway; every other file the path filter accepts is read once
 * by the secret scanner: its first SECRETSCAN_TEXT_PROBE bytes decide
 * text or binary before the rest is read.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "scan/scan.h"
#include "secretscan/secretscan.h"

/* Secrets kept over the whole image; more are counted as a problem. */
#define SCAN_MAX_SECRETS 10000

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

/* --- secrets ------------------------------------------------------- */

struct walk {
	struct scan_result *r;
	struct image_visitor inv;	/* the inventory's visitor */
	struct secretscan *sec;		/* NULL: secrets off */
	const struct image_file *cur;	/* the file being scanned */
	char *buf;			/* content of the current file */
	size_t cap, secret_cap;
	int secrets_cut;
};

static int sec_want(const struct image_file *f)
{
	return S_ISREG(f->mode) && !f->shadowed &&
	       secretscan_want_path(f->path, f->size);
}

static int mux_want(void *ctx, const struct image_file *f)
{
	struct walk *w = ctx;

	if (w->inv.want(w->inv.ctx, f))
		return 1;
	return w->sec && sec_want(f);
}

static int sec_found(void *ctx, const struct secret_match *m)
{
	struct walk *w = ctx;
	struct scan_result *r = w->r;
	const struct image_file *f = w->cur;
	struct scan_secret *sc;

	if (r->nsecrets >= SCAN_MAX_SECRETS) {
		if (!w->secrets_cut) {
			struct bw_error e;

			w->secrets_cut = 1;
			bw_errorf(&e, -E2BIG, f->path, 0, 0,
				  "more than %d secrets; the rest are not "
				  "listed",
				  SCAN_MAX_SECRETS);
			scan_add_problem(r, &e);
		}
		return 0;
	}
	if (r->nsecrets == w->secret_cap) {
		size_t ncap = w->secret_cap ? w->secret_cap * 2 : 16;
		struct scan_secret *n =
		    realloc(r->secrets, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		r->secrets = n;
		w->secret_cap = ncap;
	}
	sc = &r->secrets[r->nsecrets];
	memset(sc, 0, sizeof(*sc));
	sc->rule_id = strdup(m->rule->id);
	sc->title = strdup(m->rule->title);
	sc->path = strdup(f->path);
	sc->match = strdup(m->redacted);
	sc->severity = m->rule->severity;
	sc->line = m->line;
	sc->layer = f->layer;
	if (f->layer >= 0 && (size_t)f->layer < r->info.nlayers) {
		const struct image_layer *l = &r->info.layers[f->layer];

		snprintf(sc->layer_digest, sizeof(sc->layer_digest), "%s",
			 l->digest[0] ? l->digest : l->diff_id);
	}
	r->nsecrets++;
	if (!sc->rule_id || !sc->title || !sc->path || !sc->match)
		return -ENOMEM; /* released with the result */
	return 0;
}

/* Reads the file into w->buf: the probe first, the rest only for text. */
static int sec_file(struct walk *w, const struct image_file *f,
		    struct image_reader *rd)
{
	size_t want = f->size < SECRETSCAN_MAX_FILE ? (size_t)f->size
						    : SECRETSCAN_MAX_FILE;
	size_t len = 0;

	if (want + 1 > w->cap) {
		size_t ncap = want + 1 < 65536 ? 65536 : want + 1;
		char *n = realloc(w->buf, ncap);

		if (!n)
			return -ENOMEM;
		w->buf = n;
		w->cap = ncap;
	}
	while (len < want) {
		size_t chunk = len < SECRETSCAN_TEXT_PROBE
				   ? SECRETSCAN_TEXT_PROBE - len
				   : want - len;
		ssize_t n;

		if (chunk > want - len)
			chunk = want - len;
		n = image_reader_read(rd, w->buf + len, chunk);
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len <= SECRETSCAN_TEXT_PROBE &&
		    memchr(w->buf + len - (size_t)n, 0, (size_t)n))
			return 0; /* binary */
	}
	w->cur = f;
	return secretscan_scan(w->sec, f->path, w->buf, len, sec_found, w);
}

static int mux_file(void *ctx, const struct image_file *f,
		    struct image_reader *rd)
{
	struct walk *w = ctx;

	if (w->inv.want(w->inv.ctx, f))
		return w->inv.file(w->inv.ctx, f, rd);
	if (w->sec && sec_want(f))
		return sec_file(w, f, rd);
	return 0;
}

static void mux_warn(void *ctx, const struct bw_error *e)
{
	struct walk *w = ctx;

	if (w->inv.warn)
		w->inv.warn(w->inv.ctx, e);
}

static int secret_cmp(const void *a, const void *b)
{
	const struct scan_secret *x = a, *y = b;
	int c;

	if (x->severity != y->severity)
		return y->severity - x->severity;
	if ((c = strcmp(x->path, y->path)))
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->rule_id, y->rule_id);
}

/* Inventory and secrets in one walk of img. */
static int collect(struct image *img, struct scan_result *r, int secrets,
		   struct bw_error *err)
{
	struct walk w = {.r = r};
	struct inventory_collector *ic = NULL;
	struct image_visitor v = {
	    .want = mux_want,
	    .file = mux_file,
	    .warn = mux_warn,
	    .ctx = &w,
	};
	int rc;

	if (secrets) {
		rc = secretscan_new(&w.sec, err);
		if (rc < 0)
			return rc;
	}
	rc = inventory_collector_new(&r->inv, on_warn, r, &ic, &w.inv);
	if (rc < 0) {
		secretscan_free(w.sec);
		return bw_errorf(err, rc, r->target, 0, 0, "out of memory");
	}
	v.want_shadowed = w.inv.want_shadowed;
	rc = image_walk(img, &v, err);
	rc = inventory_collector_finish(ic, rc, err);
	secretscan_free(w.sec);
	free(w.buf);
	if (r->nsecrets > 1)
		qsort(r->secrets, r->nsecrets, sizeof(*r->secrets), secret_cmp);
	return rc;
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
	rc = collect(img, r, o->secrets, err);
	image_close(img);
	if (rc == -EBADMSG || rc == -ENOMEM || rc == -EINVAL)
		return rc; /* refused: a digest does not verify (or the
			      secret rules do not compile) */
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
