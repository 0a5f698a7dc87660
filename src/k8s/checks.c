/*
 * checks.c - the best-practice check engine.
 *
 * k8s_audit_checks walks the set once: for every object it finds the pod
 * spec (workloads), reads the bulwark.io/ignore annotations
 * (checks_emit.c), then runs each selected check of the table
 * (checks_table.c) -- object checks (checks_pod.c) once, container checks
 * (checks_container.c) once per container (init, regular, ephemeral).
 * Checks that need other objects (NetworkPolicy selection,
 * PodDisruptionBudgets, ServiceAccounts with automount off) use an index
 * built once per audit (checks_index.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "k8s/checks_int.h"

/* ---- the engine ---------------------------------------------------------- */

const struct k8s_check *k8s_check_find(const char *id)
{
	size_t i;

	if (!id)
		return NULL;
	for (i = 0; i < k8s_nchecks; i++)
		if (!strcasecmp(k8s_checks[i].id, id))
			return &k8s_checks[i];
	return NULL;
}

/* Marks the checks a "ID,ID" list names in sel[]; an unknown id is an
 * error. */
static int select_list(const char *list, unsigned char *sel, const char *opt,
		       struct bw_error *err)
{
	const char *p = list;

	while (p && *p) {
		char id[64];
		size_t n;
		const struct k8s_check *k;

		while (*p == ',' || *p == ' ')
			p++;
		n = strcspn(p, ", ");
		if (!n)
			break;
		if (n >= sizeof(id))
			return bw_errorf(err, -EINVAL, opt, 0, 0,
					 "unknown check id \"%.40s...\"", p);
		memcpy(id, p, n);
		id[n] = '\0';
		k = k8s_check_find(id);
		if (!k && k8s_rbac_check_find(id)) {
			p += n; /* an RBAC check: k8s_rbac_audit selects it */
			continue;
		}
		if (!k)
			return bw_errorf(err, -EINVAL, opt, 0, 0,
					 "unknown check id \"%s\" (see "
					 "--list-checks)",
					 id);
		sel[k - k8s_checks] = 1;
		p += n;
	}
	return 0;
}

/* An object's containers, listed once (k8s_each_container's order and
 * paths) and then visited by every container check. */
struct chk_ctr {
	json_t *ctr;
	enum k8s_container_kind kind;
	const char *name;
	char path[64];
};

struct chk_ctrs {
	struct chk_ctr *v;
	size_t n, cap; /* at most the containers of one object */
};

static int collect_container(void *ctx, json_t *ctr,
			     enum k8s_container_kind kind, const char *path)
{
	struct chk_ctrs *cs = ctx;
	struct chk_ctr *e;

	if (cs->n == cs->cap) {
		size_t ncap = cs->cap ? cs->cap * 2 : 8;
		struct chk_ctr *nv = realloc(cs->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		cs->v = nv;
		cs->cap = ncap;
	}
	e = &cs->v[cs->n++];
	e->ctr = ctr;
	e->kind = kind;
	e->name = json_string_value(json_object_get(ctr, "name"));
	snprintf(e->path, sizeof(e->path), "%s", path);
	return 0;
}

static void run_container_check(struct k8s_check_ctx *c,
				const struct chk_ctrs *cs)
{
	for (size_t i = 0; i < cs->n && !c->rc; i++) {
		c->cpath = cs->v[i].path;
		c->cname = cs->v[i].name;
		c->check->container_fn(c, cs->v[i].ctr, cs->v[i].kind);
	}
	c->cname = NULL;
	c->cpath = NULL;
}

int k8s_audit_checks(const struct k8s_set *set, const struct k8s_audit_opts *o,
		     struct report_findings *out, struct bw_error *err)
{
	unsigned char *only, *skip;
	struct chk_ctrs ctrs = {0};
	struct chk_index idx;
	size_t i, k;
	int rc;

	if (!set || !out)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "no input");
	only = calloc(k8s_nchecks, 2);
	if (!only)
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	skip = only + k8s_nchecks;
	rc = select_list(o ? o->checks : NULL, only, "--checks", err);
	if (!rc)
		rc = select_list(o ? o->skip : NULL, skip, "--skip", err);
	if (rc) {
		free(only);
		return rc;
	}
	if (!o || !o->checks)
		memset(only, 1, k8s_nchecks);
	for (k = 0; k < k8s_nchecks; k++) {
		const struct k8s_check *ck = &k8s_checks[k];
		struct report_finding r = {
		    .id = ck->id,
		    .name = ck->name,
		    .severity = ck->severity,
		    .title = ck->title,
		    .rationale = ck->rationale,
		    .remediation = ck->remediation,
		    .frameworks = ck->frameworks,
		    .nframeworks = ck->nframeworks,
		};

		only[k] = only[k] && !skip[k];
		if (only[k] && (rc = report_findings_add_rule(out, &r))) {
			free(only);
			return bw_errorf(err, rc, NULL, 0, 0, "out of memory");
		}
	}
	rc = k8s_chk_index_build(set, &idx);
	if (rc) {
		free(only);
		return bw_errorf(err, rc, NULL, 0, 0, "out of memory");
	}
	for (i = 0; i < set->n && !rc; i++) {
		struct chk_ignore ig;
		struct k8s_check_ctx c = {
		    .o = &set->objs[i], .idx = &idx, .ignore = &ig, .out = out};

		if (k8s_pod_spec(c.o, &c.spec, &c.meta, &c.spec_path)) {
			c.spec = NULL;
			c.meta = NULL;
			c.spec_path = NULL;
		}
		k8s_chk_ignore_init(&ig, c.o, c.meta);
		ctrs.n = 0;
		if (c.spec &&
		    (rc = k8s_each_container(c.spec, collect_container, &ctrs)))
			break;
		for (k = 0; k < k8s_nchecks && !c.rc; k++) {
			if (!only[k])
				continue;
			c.check = &k8s_checks[k];
			if (c.check->object_fn)
				c.check->object_fn(&c);
			else if (c.check->container_fn)
				run_container_check(&c, &ctrs);
		}
		rc = c.rc;
		out->objects++;
	}
	free(ctrs.v);
	k8s_chk_index_free(&idx);
	free(only);
	if (rc)
		return bw_errorf(err, rc, NULL, 0, 0,
				 rc == -E2BIG ? "too many findings"
					      : "out of memory");
	return 0;
}
