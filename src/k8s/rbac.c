/*
 * rbac.c - the RBAC model: roles with their aggregated rules, bindings
 * expanded into one permission per (subject, rule), and request matching
 * with the RBAC authorizer's semantics (k8s.io/kubernetes
 * plugin/pkg/auth/authorizer/rbac: VerbMatches, APIGroupMatches,
 * ResourceMatches, ResourceNameMatches, NonResourceURLMatches).
 *
 * Building works in three passes over the set: index the Roles and
 * ClusterRoles (sorted, for binary search by kind/namespace/name), resolve
 * each ClusterRole's aggregationRule on demand (depth-first, a role being
 * resolved is skipped so cycles end), then walk the bindings in set order.
 * Roles a binding names but the set lacks come from a built-in table of
 * the bootstrap ClusterRoles users bind most (abridged).  The risk checks
 * are in rbac_checks.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/k8s.h"

/* One rule of an effective role, and the role whose rules[] holds it. */
struct eff_rule {
	json_t *rule;
	const char *from;
	int index;
};

struct role {
	const struct k8s_object *o; /* NULL for a built-in role */
	const char *kind;	    /* "Role" | "ClusterRole" */
	const char *ns;		    /* "" for ClusterRoles */
	const char *name;
	json_t *rules;	   /* own rules (may be NULL) */
	json_t *labels;	   /* metadata.labels */
	json_t *selectors; /* aggregationRule.clusterRoleSelectors */
	int state;	   /* 0 unresolved, 1 resolving, 2 resolved */
	struct eff_rule *eff;
	size_t neff, capeff;
};

struct index {
	struct role *roles;
	size_t n;
	struct role *builtin;
	size_t nbuiltin;
};

/*
 * The bootstrap ClusterRoles bindings usually point at without the set
 * defining them (plugin/pkg/auth/authorizer/rbac/bootstrappolicy), cut
 * down to the rules the checks and who-can care about.
 */
static const char builtin_roles[] =
    "["
    "{\"metadata\":{\"name\":\"cluster-admin\"},\"rules\":["
    "{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]},"
    "{\"nonResourceURLs\":[\"*\"],\"verbs\":[\"*\"]}]},"
    "{\"metadata\":{\"name\":\"admin\"},\"rules\":["
    "{\"apiGroups\":[\"\"],\"resources\":[\"pods/attach\",\"pods/exec\","
    "\"pods/portforward\",\"pods/proxy\",\"secrets\",\"services/proxy\"],"
    "\"verbs\":[\"get\",\"list\",\"watch\"]},"
    "{\"apiGroups\":[\"\"],\"resources\":[\"serviceaccounts\"],"
    "\"verbs\":[\"impersonate\"]},"
    "{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"pods/attach\","
    "\"pods/exec\",\"pods/portforward\",\"pods/proxy\"],\"verbs\":["
    "\"create\",\"delete\",\"deletecollection\",\"patch\",\"update\"]},"
    "{\"apiGroups\":[\"\"],\"resources\":[\"serviceaccounts/token\"],"
    "\"verbs\":[\"create\"]},"
    "{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\",\"endpoints\","
    "\"persistentvolumeclaims\",\"replicationcontrollers\","
    "\"replicationcontrollers/scale\",\"secrets\",\"serviceaccounts\","
    "\"services\",\"services/proxy\"],\"verbs\":[\"create\",\"delete\","
    "\"deletecollection\",\"patch\",\"update\"]},"
    "{\"apiGroups\":[\"apps\"],\"resources\":[\"daemonsets\","
    "\"deployments\",\"deployments/rollback\",\"deployments/scale\","
    "\"replicasets\",\"replicasets/scale\",\"statefulsets\","
    "\"statefulsets/scale\"],\"verbs\":[\"create\",\"delete\","
    "\"deletecollection\",\"patch\",\"update\"]},"
    "{\"apiGroups\":[\"batch\"],\"resources\":[\"cronjobs\",\"jobs\"],"
    "\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"patch\","
    "\"update\"]},"
    "{\"apiGroups\":[\"rbac.authorization.k8s.io\"],\"resources\":["
    "\"rolebindings\",\"roles\"],\"verbs\":[\"create\",\"delete\","
    "\"deletecollection\",\"get\",\"list\",\"patch\",\"update\","
    "\"watch\"]},"
    "{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\",\"endpoints\","
    "\"persistentvolumeclaims\",\"pods\",\"pods/log\",\"pods/status\","
    "\"replicationcontrollers\",\"serviceaccounts\",\"services\","
    "\"events\",\"limitranges\",\"resourcequotas\",\"namespaces\"],"
    "\"verbs\":[\"get\",\"list\",\"watch\"]}]},"
    "{\"metadata\":{\"name\":\"edit\"},\"rules\":["
    "{\"apiGroups\":[\"\"],\"resources\":[\"pods/attach\",\"pods/exec\","
    "\"pods/portforward\",\"pods/proxy\",\"secrets\",\"services/proxy\"],"
    "\"verbs\":[\"get\",\"list\",\"watch\"]},"
    "{\"apiGroups\":[\"\"],\"resources\":[\"serviceaccounts\"],"
    "\"verbs\":[\"impersonate\"]},"
    "{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"pods/attach\","
    "\"pods/exec\",\"pods/portforward\",\"pods/proxy\"],\"verbs\":["
    "\"create\",\"delete\",\"deletecollection\",\"patch\",\"update\"]},"
    "{\"apiGroups\":[\"\"],\"resources\":[\"serviceaccounts/token\"],"
    "\"verbs\":[\"create\"]},"
    "{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\",\"endpoints\","
    "\"persistentvolumeclaims\",\"replicationcontrollers\","
    "\"replicationcontrollers/scale\",\"secrets\",\"serviceaccounts\","
    "\"services\",\"services/proxy\"],\"verbs\":[\"create\",\"delete\","
    "\"deletecollection\",\"patch\",\"update\"]},"
    "{\"apiGroups\":[\"apps\"],\"resources\":[\"daemonsets\","
    "\"deployments\",\"deployments/rollback\",\"deployments/scale\","
    "\"replicasets\",\"replicasets/scale\",\"statefulsets\","
    "\"statefulsets/scale\"],\"verbs\":[\"create\",\"delete\","
    "\"deletecollection\",\"patch\",\"update\"]},"
    "{\"apiGroups\":[\"batch\"],\"resources\":[\"cronjobs\",\"jobs\"],"
    "\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"patch\","
    "\"update\"]},"
    "{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\",\"endpoints\","
    "\"persistentvolumeclaims\",\"pods\",\"pods/log\",\"pods/status\","
    "\"replicationcontrollers\",\"serviceaccounts\",\"services\","
    "\"events\",\"limitranges\",\"resourcequotas\",\"namespaces\"],"
    "\"verbs\":[\"get\",\"list\",\"watch\"]}]},"
    "{\"metadata\":{\"name\":\"view\"},\"rules\":["
    "{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\",\"endpoints\","
    "\"persistentvolumeclaims\",\"pods\",\"pods/log\",\"pods/status\","
    "\"replicationcontrollers\",\"serviceaccounts\",\"services\","
    "\"events\",\"limitranges\",\"resourcequotas\",\"namespaces\"],"
    "\"verbs\":[\"get\",\"list\",\"watch\"]},"
    "{\"apiGroups\":[\"apps\"],\"resources\":[\"daemonsets\","
    "\"deployments\",\"replicasets\",\"statefulsets\"],"
    "\"verbs\":[\"get\",\"list\",\"watch\"]},"
    "{\"apiGroups\":[\"batch\"],\"resources\":[\"cronjobs\",\"jobs\"],"
    "\"verbs\":[\"get\",\"list\",\"watch\"]}]}"
    "]";

static const char *str_of(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int is_rbac(const struct k8s_object *o, const char *kind)
{
	return o->kind && o->api_version && !strcmp(o->kind, kind) &&
	       !strncmp(o->api_version, "rbac.authorization.k8s.io/", 26);
}

static int role_cmp(const void *a, const void *b)
{
	const struct role *x = a, *y = b;
	int c = strcmp(x->kind, y->kind);

	if (!c)
		c = strcmp(x->ns, y->ns);
	if (!c)
		c = strcmp(x->name, y->name);
	return c;
}

static void role_fill(struct role *r, const struct k8s_object *o, json_t *obj,
		      const char *kind, const char *ns, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->o = o;
	r->kind = kind;
	r->ns = ns;
	r->name = name;
	r->rules = json_object_get(obj, "rules");
	r->labels = k8s_get(obj, "metadata.labels");
	r->selectors = k8s_get(obj, "aggregationRule.clusterRoleSelectors");
}

static void index_free(struct index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		free(ix->roles[i].eff);
	for (size_t i = 0; i < ix->nbuiltin; i++)
		free(ix->builtin[i].eff);
	free(ix->roles);
	free(ix->builtin);
}

static int index_build(struct index *ix, const struct k8s_set *set,
		       json_t *builtin)
{
	size_t n = 0;
	json_t *b;
	size_t i;

	memset(ix, 0, sizeof(*ix));
	for (i = 0; i < set->n; i++)
		if ((is_rbac(&set->objs[i], "Role") ||
		     is_rbac(&set->objs[i], "ClusterRole")) &&
		    set->objs[i].name)
			n++;
	ix->roles = calloc(n ? n : 1, sizeof(*ix->roles));
	ix->builtin =
	    calloc(json_array_size(builtin) + 1, sizeof(*ix->builtin));
	if (!ix->roles || !ix->builtin) {
		index_free(ix);
		return -ENOMEM;
	}
	for (i = 0; i < set->n; i++) {
		const struct k8s_object *o = &set->objs[i];
		int cluster = is_rbac(o, "ClusterRole");

		if ((!cluster && !is_rbac(o, "Role")) || !o->name)
			continue;
		role_fill(&ix->roles[ix->n++], o, o->obj, o->kind,
			  cluster ? "" : (o->ns ? o->ns : "default"), o->name);
	}
	/* A name defined twice: the search finds one of the definitions. */
	qsort(ix->roles, ix->n, sizeof(*ix->roles), role_cmp);
	json_array_foreach(builtin, i, b)
	{
		role_fill(&ix->builtin[ix->nbuiltin++], NULL, b, "ClusterRole",
			  "", str_of(k8s_get(b, "metadata.name")));
	}
	return 0;
}

static struct role *role_find(struct index *ix, const char *kind,
			      const char *ns, const char *name, int *builtin)
{
	struct role key = {.kind = kind, .ns = ns, .name = name};
	struct role *r;

	*builtin = 0;
	r = bsearch(&key, ix->roles, ix->n, sizeof(*ix->roles), role_cmp);
	if (r || strcmp(kind, "ClusterRole"))
		return r;
	for (size_t i = 0; i < ix->nbuiltin; i++)
		if (ix->builtin[i].name && !strcmp(ix->builtin[i].name, name)) {
			*builtin = 1;
			return &ix->builtin[i];
		}
	return NULL;
}

/* ---- label selectors ------------------------------------------------- */

static int in_values(json_t *values, const char *v)
{
	size_t i;
	json_t *x;

	json_array_foreach(values, i, x)
	{
		if (json_is_string(x) && !strcmp(json_string_value(x), v))
			return 1;
	}
	return 0;
}

/* metav1.LabelSelector: matchLabels AND matchExpressions; {} matches
 * everything, as LabelSelectorAsSelector makes it. */
static int selector_matches(json_t *sel, json_t *labels)
{
	json_t *ml = json_object_get(sel, "matchLabels");
	json_t *me = json_object_get(sel, "matchExpressions"), *v, *e;
	const char *k;
	size_t i;

	if (!json_is_object(sel))
		return 0;
	json_object_foreach(ml, k, v)
	{
		const char *have = str_of(json_object_get(labels, k));

		if (!json_is_string(v) || !have ||
		    strcmp(have, json_string_value(v)))
			return 0;
	}
	json_array_foreach(me, i, e)
	{
		const char *key = str_of(json_object_get(e, "key"));
		const char *op = str_of(json_object_get(e, "operator"));
		json_t *vals = json_object_get(e, "values");
		const char *have;

		if (!key || !op)
			return 0;
		have = str_of(json_object_get(labels, key));
		if (!strcmp(op, "In")) {
			if (!have || !in_values(vals, have))
				return 0;
		} else if (!strcmp(op, "NotIn")) {
			if (have && in_values(vals, have))
				return 0;
		} else if (!strcmp(op, "Exists")) {
			if (!json_object_get(labels, key))
				return 0;
		} else if (!strcmp(op, "DoesNotExist")) {
			if (json_object_get(labels, key))
				return 0;
		} else {
			return 0;
		}
	}
	return 1;
}

/* ---- effective rules ------------------------------------------------- */

static int eff_add(struct role *r, json_t *rule, const char *from, int index)
{
	if (!json_is_object(rule))
		return 0;
	for (size_t i = 0; i < r->neff; i++)
		if (json_equal(r->eff[i].rule, rule))
			return 0;
	if (r->neff >= K8S_RBAC_MAX_ROLE_RULES)
		return -E2BIG;
	if (r->neff == r->capeff) {
		size_t nc = r->capeff ? r->capeff * 2 : 8;
		struct eff_rule *ne = realloc(r->eff, nc * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		r->eff = ne;
		r->capeff = nc;
	}
	r->eff[r->neff++] = (struct eff_rule){rule, from, index};
	return 0;
}

static int resolve(struct index *ix, struct role *r, int depth)
{
	json_t *rule, *sel;
	size_t i, j;
	int rc;

	if (r->state)
		return 0; /* resolved, or a cycle back to a role in progress */
	r->state = 1;
	json_array_foreach(r->rules, i, rule)
	{
		if ((rc = eff_add(r, rule, r->name, (int)i)))
			return rc;
	}
	if (json_is_array(r->selectors) &&
	    depth < K8S_RBAC_MAX_AGGREGATION_DEPTH) {
		for (j = 0; j < ix->n; j++) {
			struct role *c = &ix->roles[j];
			int hit = 0;

			if (c == r || strcmp(c->kind, "ClusterRole"))
				continue;
			json_array_foreach(r->selectors, i, sel)
			{
				if (selector_matches(sel, c->labels)) {
					hit = 1;
					break;
				}
			}
			if (!hit)
				continue;
			if ((rc = resolve(ix, c, depth + 1)))
				return rc;
			for (i = 0; i < c->neff; i++)
				if ((rc = eff_add(r, c->eff[i].rule,
						  c->eff[i].from,
						  c->eff[i].index)))
					return rc;
		}
	}
	r->state = 2;
	return 0;
}

/* ---- bindings -------------------------------------------------------- */

static void warn_obj(k8s_warn_fn warn, void *ctx, const struct k8s_object *o,
		     const char *msg)
{
	struct bw_error e = {0};
	char label[512];

	if (!warn)
		return;
	k8s_object_label(o, label, sizeof(label));
	bw_errorf(&e, -EINVAL, o->file, o->line, 0, "document %d: %s: %s",
		  o->doc, label, msg);
	warn(ctx, &e);
}

static int perm_add(struct k8s_rbac *r, const struct k8s_rbac_perm *p,
		    struct bw_error *err)
{
	if (r->n >= K8S_RBAC_MAX_PERMS)
		return bw_errorf(
		    err, -E2BIG, p->binding->file, p->binding->line, 0,
		    "more than %u RBAC grants", K8S_RBAC_MAX_PERMS);
	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 64;
		struct k8s_rbac_perm *np = realloc(r->perms, nc * sizeof(*np));

		if (!np)
			return bw_errorf(err, -ENOMEM, NULL, 0, 0,
					 "out of memory");
		r->perms = np;
		r->cap = nc;
	}
	r->perms[r->n++] = *p;
	return 0;
}

static int subject_of(json_t *s, const char *binding_ns,
		      struct k8s_rbac_subject *ret)
{
	const char *kind = str_of(json_object_get(s, "kind"));
	const char *name = str_of(json_object_get(s, "name"));
	const char *ns = str_of(json_object_get(s, "namespace"));

	if (!kind || !name || !*name)
		return -EINVAL;
	memset(ret, 0, sizeof(*ret));
	ret->name = name;
	if (!strcmp(kind, "User")) {
		ret->kind = K8S_RBAC_USER;
	} else if (!strcmp(kind, "Group")) {
		ret->kind = K8S_RBAC_GROUP;
	} else if (!strcmp(kind, "ServiceAccount")) {
		ret->kind = K8S_RBAC_SERVICE_ACCOUNT;
		ret->ns = ns && *ns ? ns : binding_ns;
		if (!ret->ns)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	return 0;
}

static int expand_binding(struct k8s_rbac *r, struct index *ix,
			  const struct k8s_object *o, int cluster,
			  k8s_warn_fn warn, void *ctx, struct bw_error *err)
{
	const char *rkind = str_of(k8s_get(o->obj, "roleRef.kind"));
	const char *rname = str_of(k8s_get(o->obj, "roleRef.name"));
	const char *ns = cluster ? NULL : (o->ns ? o->ns : "default");
	json_t *subjects = json_object_get(o->obj, "subjects"), *s;
	struct role *role;
	char msg[400];
	int builtin, rc;
	size_t i;

	if (!rkind || !rname ||
	    (strcmp(rkind, "ClusterRole") && strcmp(rkind, "Role"))) {
		warn_obj(warn, ctx, o,
			 "roleRef must name a Role or ClusterRole");
		return 0;
	}
	if (cluster && !strcmp(rkind, "Role")) {
		snprintf(msg, sizeof(msg),
			 "a ClusterRoleBinding cannot refer to Role %s", rname);
		warn_obj(warn, ctx, o, msg);
		return 0;
	}
	role = role_find(ix, rkind,
			 cluster || !strcmp(rkind, "ClusterRole") ? "" : ns,
			 rname, &builtin);
	if (!role) {
		snprintf(msg, sizeof(msg),
			 "roleRef %s/%s not found: binding skipped", rkind,
			 rname);
		warn_obj(warn, ctx, o, msg);
		return 0;
	}
	if ((rc = resolve(ix, role, 0)))
		return bw_errorf(err, rc, o->file, o->line, 0,
				 "%s %s: more than %d rules", rkind, rname,
				 K8S_RBAC_MAX_ROLE_RULES);
	json_array_foreach(subjects, i, s)
	{
		struct k8s_rbac_perm p = {0};

		if (subject_of(s, ns, &p.subject)) {
			snprintf(
			    msg, sizeof(msg),
			    "subjects[%zu]: needs kind User, Group or "
			    "ServiceAccount (with a namespace) and a name: "
			    "subject skipped",
			    i);
			warn_obj(warn, ctx, o, msg);
			continue;
		}
		p.binding = o;
		p.subject_index = (int)i;
		p.role_kind = rkind;
		p.role_name = rname;
		p.role = role->o;
		p.builtin = builtin;
		p.ns = ns;
		for (size_t k = 0; k < role->neff; k++) {
			p.rule = role->eff[k].rule;
			p.rule_role = role->eff[k].from;
			p.rule_index = role->eff[k].index;
			if ((rc = perm_add(r, &p, err)))
				return rc;
		}
	}
	return 0;
}

int k8s_rbac_build(const struct k8s_set *set, k8s_warn_fn warn, void *ctx,
		   struct k8s_rbac **ret, struct bw_error *err)
{
	struct k8s_rbac *r;
	struct index ix;
	int rc = 0;

	if (!set || !ret)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "no object set");
	r = calloc(1, sizeof(*r));
	if (!r)
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	r->set = set;
	r->builtin = json_loads(builtin_roles, 0, NULL);
	if (!r->builtin || index_build(&ix, set, r->builtin)) {
		k8s_rbac_free(r);
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	}
	for (size_t i = 0; i < set->n && !rc; i++) {
		const struct k8s_object *o = &set->objs[i];

		if (is_rbac(o, "ClusterRoleBinding"))
			rc = expand_binding(r, &ix, o, 1, warn, ctx, err);
		else if (is_rbac(o, "RoleBinding"))
			rc = expand_binding(r, &ix, o, 0, warn, ctx, err);
	}
	index_free(&ix);
	if (rc) {
		k8s_rbac_free(r);
		return rc;
	}
	*ret = r;
	return 0;
}

void k8s_rbac_free(struct k8s_rbac *r)
{
	if (!r)
		return;
	free(r->perms);
	json_decref(r->builtin);
	free(r);
}

/* ---- subjects -------------------------------------------------------- */

static const struct {
	const char *name;
	enum k8s_rbac_subject_kind kind;
} subject_kinds[] = {
    {"user", K8S_RBAC_USER},
    {"group", K8S_RBAC_GROUP},
    {"serviceaccount", K8S_RBAC_SERVICE_ACCOUNT},
    {"sa", K8S_RBAC_SERVICE_ACCOUNT},
};

int k8s_rbac_subject_parse(const char *s, struct k8s_rbac_subject *ret,
			   char *buf, size_t len)
{
	const char *colon = s ? strchr(s, ':') : NULL, *rest;
	size_t klen;

	if (!colon || !ret || !colon[1])
		return -EINVAL;
	klen = (size_t)(colon - s);
	rest = colon + 1;
	for (size_t i = 0; i < sizeof(subject_kinds) / sizeof(subject_kinds[0]);
	     i++) {
		const char *sep;
		size_t nslen;

		if (strlen(subject_kinds[i].name) != klen ||
		    strncasecmp(s, subject_kinds[i].name, klen))
			continue;
		if (subject_kinds[i].kind != K8S_RBAC_SERVICE_ACCOUNT) {
			*ret = (struct k8s_rbac_subject){subject_kinds[i].kind,
							 rest, NULL};
			return 0;
		}
		sep = strpbrk(rest, "/:");
		if (!sep || sep == rest || !sep[1] || !buf ||
		    strlen(rest) + 2 > len)
			return -EINVAL;
		nslen = (size_t)(sep - rest);
		memcpy(buf, rest, nslen);
		buf[nslen] = '\0';
		memcpy(buf + nslen + 1, sep + 1, strlen(sep + 1) + 1);
		*ret = (struct k8s_rbac_subject){K8S_RBAC_SERVICE_ACCOUNT,
						 buf + nslen + 1, buf};
		return 0;
	}
	return -EINVAL;
}

const char *k8s_rbac_subject_str(const struct k8s_rbac_subject *s, char *buf,
				 size_t len)
{
	switch (s->kind) {
	case K8S_RBAC_USER:
		snprintf(buf, len, "User:%s", s->name);
		break;
	case K8S_RBAC_GROUP:
		snprintf(buf, len, "Group:%s", s->name);
		break;
	default:
		snprintf(buf, len, "ServiceAccount:%s/%s", s->ns ? s->ns : "",
			 s->name);
		break;
	}
	return buf;
}

int k8s_rbac_subject_applies(const struct k8s_rbac_subject *g,
			     const struct k8s_rbac_subject *who)
{
	const char *prefix = "system:serviceaccounts:";
	size_t pl = strlen(prefix);
	int sa = who->kind == K8S_RBAC_SERVICE_ACCOUNT;
	int anon = who->kind == K8S_RBAC_USER &&
		   !strcmp(who->name, "system:anonymous");

	if (g->kind == who->kind && !strcmp(g->name, who->name))
		return !sa || (g->ns && who->ns && !strcmp(g->ns, who->ns));
	if (g->kind != K8S_RBAC_GROUP || who->kind == K8S_RBAC_GROUP)
		return 0;
	if (!strcmp(g->name, "system:authenticated"))
		return !anon;
	if (!strcmp(g->name, "system:unauthenticated"))
		return anon;
	if (!strcmp(g->name, "system:serviceaccounts"))
		return sa;
	if (!strncmp(g->name, prefix, pl))
		return sa && who->ns && !strcmp(g->name + pl, who->ns);
	return 0;
}

/* ---- requests and matching ------------------------------------------- */

static int copy_part(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -EINVAL;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int k8s_rbac_request_init(struct k8s_rbac_request *req, const char *verb,
			  const char *resource, const char *group,
			  const char *ns, const char *name)
{
	const char *slash, *dot;
	size_t rlen;

	if (!req || !verb || !*verb || !resource || !*resource)
		return -EINVAL;
	memset(req, 0, sizeof(*req));
	if (copy_part(req->verb, sizeof(req->verb), verb, strlen(verb)) ||
	    (ns && copy_part(req->ns, sizeof(req->ns), ns, strlen(ns))) ||
	    (name &&
	     copy_part(req->name, sizeof(req->name), name, strlen(name))))
		return -EINVAL;
	if (resource[0] == '/')
		return copy_part(req->path, sizeof(req->path), resource,
				 strlen(resource));
	slash = strchr(resource, '/');
	rlen = slash ? (size_t)(slash - resource) : strlen(resource);
	if (slash && (copy_part(req->subresource, sizeof(req->subresource),
				slash + 1, strlen(slash + 1)) ||
		      !slash[1] || strchr(slash + 1, '/')))
		return -EINVAL;
	dot = memchr(resource, '.', rlen);
	if (dot && (copy_part(req->group, sizeof(req->group), dot + 1,
			      rlen - (size_t)(dot - resource) - 1)))
		return -EINVAL;
	if (dot)
		rlen = (size_t)(dot - resource);
	if (!rlen ||
	    copy_part(req->resource, sizeof(req->resource), resource, rlen))
		return -EINVAL;
	if (group &&
	    copy_part(req->group, sizeof(req->group), group, strlen(group)))
		return -EINVAL;
	return 0;
}

static int has(json_t *arr, const char *s)
{
	size_t i;
	json_t *x;

	json_array_foreach(arr, i, x)
	{
		if (json_is_string(x) && !strcmp(json_string_value(x), s))
			return 1;
	}
	return 0;
}

static int url_matches(json_t *urls, const char *path)
{
	size_t i;
	json_t *x;

	json_array_foreach(urls, i, x)
	{
		const char *u = str_of(x);
		size_t n;

		if (!u)
			continue;
		n = strlen(u);
		if (!strcmp(u, path) ||
		    (n && u[n - 1] == '*' && !strncmp(u, path, n - 1)))
			return 1;
	}
	return 0;
}

static int resource_matches(json_t *resources,
			    const struct k8s_rbac_request *req)
{
	char combined[sizeof(req->resource) + sizeof(req->subresource) + 2];

	if (has(resources, "*"))
		return 1;
	if (!req->subresource[0])
		return has(resources, req->resource);
	snprintf(combined, sizeof(combined), "%s/%s", req->resource,
		 req->subresource);
	if (has(resources, combined))
		return 1;
	snprintf(combined, sizeof(combined), "*/%s", req->subresource);
	return has(resources, combined);
}

int k8s_rbac_rule_allows(json_t *rule, const struct k8s_rbac_request *req,
			 int *ret_names_limited)
{
	json_t *names;
	int limited = 0;

	if (!json_is_object(rule) || !req)
		return 0;
	if (!has(json_object_get(rule, "verbs"), req->verb) &&
	    !has(json_object_get(rule, "verbs"), "*"))
		return 0;
	if (req->path[0]) {
		if (!url_matches(json_object_get(rule, "nonResourceURLs"),
				 req->path))
			return 0;
	} else {
		json_t *groups = json_object_get(rule, "apiGroups");

		if (!has(groups, req->group) && !has(groups, "*"))
			return 0;
		if (!resource_matches(json_object_get(rule, "resources"), req))
			return 0;
		names = json_object_get(rule, "resourceNames");
		if (json_array_size(names)) {
			if (req->name[0]) {
				if (!has(names, req->name))
					return 0;
			} else if (!strcmp(req->verb, "create") &&
				   !req->subresource[0]) {
				return 0; /* a create names no object */
			} else {
				limited = 1;
			}
		}
	}
	if (ret_names_limited)
		*ret_names_limited = limited;
	return 1;
}

/* Resources with no namespace: a RoleBinding never grants them. */
static const char *const cluster_scoped[] = {
    "nodes",
    "persistentvolumes",
    "componentstatuses",
    "clusterroles",
    "clusterrolebindings",
    "certificatesigningrequests",
    "signers",
    "storageclasses",
    "csidrivers",
    "csinodes",
    "volumeattachments",
    "customresourcedefinitions",
    "validatingwebhookconfigurations",
    "mutatingwebhookconfigurations",
    "validatingadmissionpolicies",
    "validatingadmissionpolicybindings",
    "apiservices",
    "priorityclasses",
    "runtimeclasses",
    "ingressclasses",
    "tokenreviews",
    "selfsubjectreviews",
    "subjectaccessreviews",
    "selfsubjectaccessreviews",
    "selfsubjectrulesreviews",
    "flowschemas",
    "prioritylevelconfigurations",
    "podsecuritypolicies",
};

static int is_cluster_scoped(const char *resource)
{
	for (size_t i = 0; i < sizeof(cluster_scoped) / sizeof(*cluster_scoped);
	     i++)
		if (!strcmp(resource, cluster_scoped[i]))
			return 1;
	return 0;
}

int k8s_rbac_perm_allows(const struct k8s_rbac_perm *p,
			 const struct k8s_rbac_request *req,
			 int *ret_names_limited)
{
	if (!p || !req)
		return 0;
	if (p->ns) {
		if (req->path[0] || is_cluster_scoped(req->resource))
			return 0;
		if (req->ns[0] && strcmp(req->ns, p->ns))
			return 0;
	}
	return k8s_rbac_rule_allows(p->rule, req, ret_names_limited);
}

int k8s_rbac_who_can(const struct k8s_rbac *r,
		     const struct k8s_rbac_request *req,
		     struct k8s_rbac_match **ret, size_t *ret_n)
{
	struct k8s_rbac_match *m = NULL;
	size_t n = 0, cap = 0;

	if (!r || !req || !ret || !ret_n)
		return -EINVAL;
	for (size_t i = 0; i < r->n; i++) {
		int limited = 0;

		if (!k8s_rbac_perm_allows(&r->perms[i], req, &limited))
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct k8s_rbac_match *nm =
			    realloc(m, nc * sizeof(*nm));

			if (!nm) {
				free(m);
				return -ENOMEM;
			}
			m = nm;
			cap = nc;
		}
		m[n++] = (struct k8s_rbac_match){&r->perms[i], limited};
	}
	*ret = m;
	*ret_n = n;
	return 0;
}
