/*
 * result.c - the lifetime of a struct scan_result: releasing everything it
 * owns and collecting the non-fatal input problems met during a scan.
 *
 * The inventory and the vulnerability matches inside a result are released
 * here field by field rather than through inventory_free() and
 * vulndb_matches_free(), so that the scan result (and the reports reading
 * it) do not depend on the inventory walker or the SQLite matcher being
 * linked: a report can be rendered from a result built by hand (tests,
 * `bulwark report` reading a saved result).  The field lists must follow
 * struct inv_package / struct vuln_match.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scan/result_int.h"

/* Problems beyond this are counted as one "too many problems" entry. */
#define SCAN_MAX_PROBLEMS 10000

static void free_strv(char **v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_match(struct vuln_match *m)
{
	free(m->id);
	free_strv(m->aliases, m->naliases);
	free(m->summary);
	free(m->details);
	free(m->cvss_vector);
	free(m->fixed_version);
	free(m->published);
	free(m->modified);
	free_strv(m->references, m->nreferences);
	memset(m, 0, sizeof(*m));
}

void scan_finding_release(struct scan_finding *fd)
{
	free_match(&fd->vuln);
	free((char *)fd->ecosystem);
	free(fd->suppress_reason);
	memset(fd, 0, sizeof(*fd));
}

void scan_secret_release(struct scan_secret *sc)
{
	free(sc->rule_id);
	free(sc->title);
	free(sc->path);
	free(sc->match);
	free(sc->suppress_reason);
	memset(sc, 0, sizeof(*sc));
}

static void free_inventory(struct inventory *inv)
{
	size_t i;

	free(inv->os.id);
	free(inv->os.version_id);
	free(inv->os.codename);
	free(inv->os.pretty_name);
	free(inv->os.id_like);
	for (i = 0; i < inv->npkgs; i++) {
		struct inv_package *p = &inv->pkgs[i];

		free(p->name);
		free(p->version);
		free(p->src_name);
		free(p->src_version);
		free(p->arch);
		free(p->license);
		free(p->purl);
		free(p->path);
	}
	free(inv->pkgs);
	memset(inv, 0, sizeof(*inv));
}

static void free_info(struct image_info *info)
{
	free((char *)info->path);
	free((char *)info->ref);
	free((char *)info->manifest_digest);
	free((char *)info->config_digest);
	free((char *)info->os);
	free((char *)info->arch);
	free((char *)info->variant);
	free((struct image_layer *)info->layers);
	memset(info, 0, sizeof(*info));
}

void scan_result_free(struct scan_result *r)
{
	size_t i;

	if (!r)
		return;
	free(r->target);
	r->target = NULL;
	free_info(&r->info);
	for (i = 0; i < r->nfindings; i++)
		scan_finding_release(&r->findings[i]);
	free(r->findings);
	r->findings = NULL;
	r->nfindings = 0;
	for (i = 0; i < r->nsecrets; i++)
		scan_secret_release(&r->secrets[i]);
	free(r->secrets);
	r->secrets = NULL;
	r->nsecrets = 0;
	free_inventory(&r->inv);
	free(r->problems);
	r->problems = NULL;
	r->nproblems = 0;
}

int scan_add_problem(struct scan_result *r, const struct bw_error *e)
{
	struct bw_error *p;

	if (!r || !e)
		return -EINVAL;
	if (r->nproblems >= SCAN_MAX_PROBLEMS)
		return -E2BIG;
	p = realloc(r->problems, (r->nproblems + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	r->problems = p;
	if (r->nproblems + 1 == SCAN_MAX_PROBLEMS) {
		/* the last slot says that the list was cut */
		bw_errorf(&p[r->nproblems], -E2BIG, NULL, 0, 0,
			  "more than %d problems; the rest are not listed",
			  SCAN_MAX_PROBLEMS - 1);
	} else {
		p[r->nproblems] = *e;
		/* never trust the copy to be terminated */
		p[r->nproblems].input[sizeof(p->input) - 1] = '\0';
		p[r->nproblems].msg[sizeof(p->msg) - 1] = '\0';
	}
	r->nproblems++;
	return 0;
}
