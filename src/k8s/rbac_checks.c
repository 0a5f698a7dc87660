/*
 * rbac_checks.c - the RBAC risk checks: which subjects can read secrets,
 * start workloads, exec into pods, escalate, bind, impersonate, reach the
 * kubelet through nodes/proxy, approve certificates, mint tokens; rules
 * with wildcards; cluster-admin given to service accounts or to everyone;
 * the default service account bound to a role; anonymous access.
 *
 * Most checks are a list of requests (verb + resource, as for who-can)
 * and fire when a rule of the (binding, subject) allows any of them; the
 * others look at the rule or the subject.  Perms of one binding subject
 * are consecutive in the model, so the checks run per run of perms and
 * keep the worst match of each.  To keep the output readable, a rule that
 * is a full wildcard (every verb on every resource of every group) is
 * reported by the wildcard / cluster-admin checks only, not by each
 * capability check it implies, and the wildcard checks stay quiet when a
 * cluster-admin check already fired for that binding subject.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/k8s.h"

enum special {
	SP_NONE,
	SP_CSR,
	SP_WILD_VERBS,
	SP_WILD_RESOURCES,
	SP_WILD_GROUPS,
	SP_ADMIN_SA,
	SP_ADMIN_BROAD,
	SP_DEFAULT_SA,
	SP_ANONYMOUS,
};

struct check {
	const struct k8s_rbac_check_info *info;
	int scoped; /* namespaced grants one step lower */
	enum special special;
	const char *const *verbs;     /* NULL-terminated */
	const char *const *resources; /* NULL-terminated */
};

#define LIST(...)                                                              \
	(const char *const[]) { __VA_ARGS__, NULL }

static const struct k8s_rbac_check_info infos[] = {
    {"K8S-RBAC-001", VULN_SEV_HIGH, "Can read secrets",
     "get, list or watch on secrets reveals every secret of the scope, "
     "service account tokens included, and with them the permissions of "
     "those accounts.",
     "Grant secrets access only to the controllers that need it, limited "
     "with resourceNames; prefer mounting secrets into pods."},
    {"K8S-RBAC-002", VULN_SEV_HIGH, "Can create or change workloads",
     "Whoever creates a pod (directly or through a controller) runs code "
     "as any service account of the namespace and mounts its secrets and "
     "config maps; without admission policy, also privileged on the "
     "node.",
     "Give workload write access to deployment pipelines only, and "
     "enforce Pod Security admission in the namespace."},
    {"K8S-RBAC-003", VULN_SEV_HIGH, "Can exec or attach into pods",
     "pods/exec and pods/attach run commands in or read the terminal of "
     "running containers, with their identity and secrets.",
     "Remove pods/exec and pods/attach from roles used by people and "
     "automation day to day; grant them just in time for debugging."},
    {"K8S-RBAC-004", VULN_SEV_HIGH, "Can escalate roles",
     "The escalate verb on roles lets a subject write rules granting "
     "permissions it does not hold, bypassing RBAC's escalation check.",
     "Remove the escalate verb; only cluster administrators need it."},
    {"K8S-RBAC-005", VULN_SEV_HIGH, "Can bind roles",
     "The bind verb lets a subject bind any role, including ones with "
     "more permissions than it holds (e.g. cluster-admin), to itself.",
     "Remove the bind verb, or limit it with resourceNames to the roles "
     "the subject may hand out."},
    {"K8S-RBAC-006", VULN_SEV_HIGH, "Can impersonate",
     "impersonate on users, groups or service accounts acts as those "
     "identities (system:masters included), with all their permissions.",
     "Remove impersonate, or limit it with resourceNames to specific "
     "low-privilege identities."},
    {"K8S-RBAC-007", VULN_SEV_HIGH, "Can use nodes/proxy",
     "nodes/proxy reaches the kubelet API of every node, which runs "
     "commands in any pod there and bypasses audit logging and admission.",
     "Remove nodes/proxy; monitoring agents should read metrics through "
     "nodes/metrics or nodes/stats."},
    {"K8S-RBAC-008", VULN_SEV_HIGH, "Can approve certificate requests",
     "update on certificatesigningrequests/approval together with approve "
     "on a signer issues client certificates for any user or group, such "
     "as system:masters.",
     "Leave CSR approval to the controller manager; limit signers with "
     "resourceNames."},
    {"K8S-RBAC-009", VULN_SEV_HIGH, "Can create service account tokens",
     "create on serviceaccounts/token mints tokens for any service "
     "account of the scope and acts with its permissions.",
     "Remove serviceaccounts/token create, or limit it with resourceNames."},
    {"K8S-RBAC-010", VULN_SEV_MEDIUM, "Wildcard verbs",
     "verbs: [\"*\"] grants every verb, including ones added in later "
     "releases and escalate, bind and impersonate where they apply.",
     "List the verbs the subject needs."},
    {"K8S-RBAC-011", VULN_SEV_MEDIUM, "Wildcard resources",
     "resources: [\"*\"] grants every resource and subresource of the "
     "groups, secrets and pods/exec included, and future ones.",
     "List the resources the subject needs."},
    {"K8S-RBAC-012", VULN_SEV_MEDIUM, "Wildcard API groups",
     "apiGroups: [\"*\"] grants the resources of every API group, custom "
     "resources and future groups included.",
     "List the API groups the subject needs."},
    {"K8S-RBAC-013", VULN_SEV_CRITICAL,
     "cluster-admin bound to a service account",
     "A service account token is mounted into pods: whoever compromises "
     "one of them, or can create pods in that namespace, owns the "
     "cluster.",
     "Bind a role with only the permissions the workload needs; keep "
     "cluster-admin for break-glass human access."},
    {"K8S-RBAC-014", VULN_SEV_CRITICAL, "cluster-admin bound to everyone",
     "Binding full access to system:authenticated, system:unauthenticated, "
     "system:anonymous or all service accounts gives the cluster to any "
     "user, any pod, or anyone who can reach the API server.",
     "Delete the binding; bind specific users or groups instead."},
    {"K8S-RBAC-015", VULN_SEV_MEDIUM, "Default service account has permissions",
     "Every pod that names no service account runs as the namespace's "
     "default account, so a role bound to it reaches all such pods.",
     "Create a dedicated service account for the workload that needs the "
     "role; set automountServiceAccountToken: false on default."},
    {"K8S-RBAC-016", VULN_SEV_HIGH, "Anonymous access to resources",
     "A grant to system:unauthenticated or system:anonymous is open to "
     "anyone who can reach the API server.",
     "Remove the binding; keep anonymous access to health and version "
     "endpoints only."},
};

/* The matching rules, one per entry of infos (same order). */
static const struct check checks[] = {
    {&infos[0], /* K8S-RBAC-001 */ 1, SP_NONE, LIST("get", "list", "watch"),
     LIST("secrets")},
    {&infos[1], /* K8S-RBAC-002 */ 1, SP_NONE,
     LIST("create", "update", "patch"),
     LIST("pods", "replicationcontrollers", "podtemplates", "deployments.apps",
	  "daemonsets.apps", "statefulsets.apps", "replicasets.apps",
	  "jobs.batch", "cronjobs.batch")},
    {&infos[2], /* K8S-RBAC-003 */ 1, SP_NONE, LIST("create", "get"),
     LIST("pods/exec", "pods/attach")},
    {&infos[3], /* K8S-RBAC-004 */ 1, SP_NONE, LIST("escalate"),
     LIST("roles.rbac.authorization.k8s.io",
	  "clusterroles.rbac.authorization.k8s.io")},
    {&infos[4], /* K8S-RBAC-005 */ 1, SP_NONE, LIST("bind"),
     LIST("roles.rbac.authorization.k8s.io",
	  "clusterroles.rbac.authorization.k8s.io")},
    {&infos[5], /* K8S-RBAC-006 */ 1, SP_NONE, LIST("impersonate"),
     LIST("users", "groups", "serviceaccounts", "uids.authentication.k8s.io",
	  "userextras.authentication.k8s.io")},
    {&infos[6], /* K8S-RBAC-007 */ 1, SP_NONE, LIST("get", "create"),
     LIST("nodes/proxy")},
    {&infos[7], /* K8S-RBAC-008 */ 1, SP_CSR, NULL, NULL},
    {&infos[8], /* K8S-RBAC-009 */ 1, SP_NONE, LIST("create"),
     LIST("serviceaccounts/token")},
    {&infos[9], /* K8S-RBAC-010 */ 1, SP_WILD_VERBS, NULL, NULL},
    {&infos[10], /* K8S-RBAC-011 */ 1, SP_WILD_RESOURCES, NULL, NULL},
    {&infos[11], /* K8S-RBAC-012 */ 1, SP_WILD_GROUPS, NULL, NULL},
    {&infos[12], /* K8S-RBAC-013 */ 1, SP_ADMIN_SA, NULL, NULL},
    {&infos[13], /* K8S-RBAC-014 */ 1, SP_ADMIN_BROAD, NULL, NULL},
    {&infos[14], /* K8S-RBAC-015 */ 0, SP_DEFAULT_SA, NULL, NULL},
    {&infos[15], /* K8S-RBAC-016 */ 1, SP_ANONYMOUS, NULL, NULL},
};

#define NCHECKS (sizeof(checks) / sizeof(checks[0]))

_Static_assert(sizeof(infos) / sizeof(infos[0]) == NCHECKS,
	       "one matching rule per check");

const struct k8s_rbac_check_info *k8s_rbac_checks(size_t *ret_n)
{
	if (ret_n)
		*ret_n = NCHECKS;
	return infos;
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

static int full_wildcard(json_t *rule)
{
	return has(json_object_get(rule, "verbs"), "*") &&
	       has(json_object_get(rule, "resources"), "*") &&
	       has(json_object_get(rule, "apiGroups"), "*");
}

static int broad_subject(const struct k8s_rbac_subject *s)
{
	if (s->kind == K8S_RBAC_USER)
		return !strcmp(s->name, "system:anonymous");
	if (s->kind != K8S_RBAC_GROUP)
		return 0;
	return !strcmp(s->name, "system:authenticated") ||
	       !strcmp(s->name, "system:unauthenticated") ||
	       !strcmp(s->name, "system:serviceaccounts") ||
	       !strncmp(s->name, "system:serviceaccounts:", 23);
}

static int anonymous_subject(const struct k8s_rbac_subject *s)
{
	return (s->kind == K8S_RBAC_USER &&
		!strcmp(s->name, "system:anonymous")) ||
	       (s->kind == K8S_RBAC_GROUP &&
		!strcmp(s->name, "system:unauthenticated"));
}

static int same_subject(const struct k8s_rbac_subject *a,
			const struct k8s_rbac_subject *b)
{
	return a->kind == b->kind && !strcmp(a->name, b->name) &&
	       (a->kind != K8S_RBAC_SERVICE_ACCOUNT || !strcmp(a->ns, b->ns));
}

static enum vuln_severity lower(enum vuln_severity s, int steps)
{
	while (steps-- > 0 && s > VULN_SEV_LOW)
		s--;
	return s;
}

/* The ServiceAccount object of a subject, if the set has it. */
static json_t *sa_object(const struct k8s_set *set,
			 const struct k8s_rbac_subject *s)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct k8s_object *o = &set->objs[i];

		if (o->kind && !strcmp(o->kind, "ServiceAccount") && o->name &&
		    !strcmp(o->name, s->name) &&
		    !strcmp(o->ns ? o->ns : "default", s->ns))
			return o->obj;
	}
	return NULL;
}

/* The worst hit of one check within one binding subject. */
struct hit {
	const struct k8s_rbac_perm *perm;
	enum vuln_severity sev;
	int limited;
	char what[1024]; /* "get secrets" */
	const char *note;
};

struct run {
	const struct k8s_rbac *r;
	const struct k8s_rbac_perm *p;	     /* first perm of the run */
	size_t n;			     /* perms in the run */
	struct k8s_rbac_request (*reqs)[64]; /* per check, prepared */
	size_t *nreqs;
	struct k8s_rbac_request csr_approval, csr_signer;
	const struct k8s_rbac_subject **signers; /* subjects that approve */
	size_t nsigners;
};

static void consider(struct hit *h, const struct k8s_rbac_perm *p,
		     enum vuln_severity sev, int limited, const char *what,
		     const char *note)
{
	if (h->perm && sev <= h->sev)
		return;
	h->perm = p;
	h->sev = sev;
	h->limited = limited;
	snprintf(h->what, sizeof(h->what), "%s", what);
	h->note = note;
}

static void eval_requests(const struct run *run, size_t c, struct hit *h)
{
	const struct check *ck = &checks[c];

	for (size_t i = 0; i < run->n; i++) {
		const struct k8s_rbac_perm *p = &run->p[i];

		if (full_wildcard(p->rule))
			continue;
		for (size_t q = 0; q < run->nreqs[c]; q++) {
			const struct k8s_rbac_request *rq = &run->reqs[c][q];
			char what[1024];
			int limited = 0;

			if (!k8s_rbac_perm_allows(p, rq, &limited))
				continue;
			snprintf(what, sizeof(what), "%s %s%s%s%s%s", rq->verb,
				 rq->resource, rq->subresource[0] ? "/" : "",
				 rq->subresource, rq->group[0] ? "." : "",
				 rq->group);
			consider(h, p,
				 lower(ck->info->severity,
				       (ck->scoped && p->ns) + limited),
				 limited, what, NULL);
		}
	}
}

static int subject_approves_signers(const struct run *run,
				    const struct k8s_rbac_subject *s)
{
	for (size_t i = 0; i < run->nsigners; i++)
		if (same_subject(run->signers[i], s))
			return 1;
	return 0;
}

static void eval_special(const struct run *run, size_t c, struct hit *h,
			 int admin_fired)
{
	const struct check *ck = &checks[c];

	for (size_t i = 0; i < run->n; i++) {
		const struct k8s_rbac_perm *p = &run->p[i];
		const char *key = NULL;
		int steps = ck->scoped && p->ns, limited = 0;
		enum vuln_severity sev = ck->info->severity;

		switch (ck->special) {
		case SP_CSR:
			if (full_wildcard(p->rule) ||
			    !k8s_rbac_perm_allows(p, &run->csr_approval,
						  &limited))
				break;
			if (!subject_approves_signers(run, &p->subject)) {
				sev = VULN_SEV_MEDIUM;
				consider(h, p, lower(sev, steps + limited),
					 limited,
					 "update certificatesigningrequests/"
					 "approval",
					 "without approve on any signer");
				break;
			}
			consider(h, p, lower(sev, steps + limited), limited,
				 "update certificatesigningrequests/approval "
				 "and approve signers",
				 NULL);
			break;
		case SP_WILD_VERBS:
			key = "verbs";
			/* fall through */
		case SP_WILD_RESOURCES:
			if (!key)
				key = "resources";
			/* fall through */
		case SP_WILD_GROUPS:
			if (!key)
				key = "apiGroups";
			if (admin_fired ||
			    !has(json_object_get(p->rule, key), "*"))
				break;
			{
				char what[64];

				snprintf(what, sizeof(what),
					 "use a rule with %s: [\"*\"]", key);
				consider(h, p, lower(sev, steps), 0, what,
					 NULL);
			}
			break;
		case SP_ADMIN_SA:
			if (p->subject.kind == K8S_RBAC_SERVICE_ACCOUNT &&
			    full_wildcard(p->rule))
				consider(h, p, lower(sev, steps), 0,
					 "do everything", NULL);
			break;
		case SP_ADMIN_BROAD:
			if (broad_subject(&p->subject) &&
			    full_wildcard(p->rule))
				consider(h, p, lower(sev, steps), 0,
					 "do everything", NULL);
			break;
		case SP_DEFAULT_SA: {
			json_t *sa;

			if (p->subject.kind != K8S_RBAC_SERVICE_ACCOUNT ||
			    strcmp(p->subject.name, "default"))
				break;
			sa = sa_object(run->r->set, &p->subject);
			if (json_is_false(json_object_get(
				sa, "automountServiceAccountToken")))
				consider(h, p, VULN_SEV_LOW, 0,
					 "use the bound role",
					 "token automount disabled on the "
					 "account");
			else
				consider(h, p, sev, 0, "use the bound role",
					 NULL);
			break;
		}
		case SP_ANONYMOUS:
			if (admin_fired || !anonymous_subject(&p->subject) ||
			    !json_array_size(
				json_object_get(p->rule, "resources")))
				break;
			consider(h, p, lower(sev, steps), 0, "access resources",
				 NULL);
			break;
		default:
			break;
		}
	}
}

struct out {
	struct k8s_rbac_finding *f;
	size_t n, cap;
};

static char *dupstr(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

static int emit(struct out *out, const struct check *ck, const struct hit *h)
{
	const struct k8s_rbac_perm *p = h->perm;
	struct k8s_rbac_finding *f;
	char subj[600], msg[4096], path[64], names[300] = "", from[300] = "";
	json_t *rn = json_object_get(p->rule, "resourceNames"), *x;
	size_t i;

	if (out->n == out->cap) {
		size_t nc = out->cap ? out->cap * 2 : 32;
		struct k8s_rbac_finding *nf = realloc(out->f, nc * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		out->f = nf;
		out->cap = nc;
	}
	k8s_rbac_subject_str(&p->subject, subj, sizeof(subj));
	if (h->limited) {
		size_t len =
		    snprintf(names, sizeof(names), ", only resourceNames:");

		json_array_foreach(rn, i, x)
		{
			if (json_is_string(x) && len < sizeof(names))
				len +=
				    snprintf(names + len, sizeof(names) - len,
					     " %s", json_string_value(x));
		}
	}
	if (p->rule_role && strcmp(p->rule_role, p->role_name))
		snprintf(from, sizeof(from), ", aggregated from ClusterRole %s",
			 p->rule_role);
	snprintf(msg, sizeof(msg),
		 "%s can %s %s%s via %s %s -> %s %s%s (rules[%d]%s%s)%s%s",
		 subj, h->what, p->ns ? "in namespace " : "cluster-wide",
		 p->ns ? p->ns : "", p->binding->kind,
		 p->binding->name ? p->binding->name : "?", p->role_kind,
		 p->role_name, p->builtin ? " (built-in)" : "", p->rule_index,
		 from, names, h->note ? ": " : "", h->note ? h->note : "");
	snprintf(path, sizeof(path), "subjects[%d]", p->subject_index);
	f = &out->f[out->n];
	memset(f, 0, sizeof(*f));
	f->id = ck->info->id;
	f->severity = h->sev;
	f->title = ck->info->title;
	f->remediation = ck->info->remediation;
	f->message = dupstr(msg);
	f->subject = dupstr(subj);
	f->path = dupstr(path);
	f->object = p->binding;
	f->role_kind = p->role_kind;
	f->role_name = p->role_name;
	f->ns = p->ns;
	out->n++;
	if (!f->message || !f->subject || !f->path)
		return -ENOMEM;
	return 0;
}

static int prepare(struct run *run)
{
	const struct k8s_rbac *r = run->r;
	size_t cap = 0;

	for (size_t c = 0; c < NCHECKS; c++) {
		run->nreqs[c] = 0;
		if (!checks[c].verbs)
			continue;
		for (const char *const *v = checks[c].verbs; *v; v++)
			for (const char *const *res = checks[c].resources; *res;
			     res++) {
				if (run->nreqs[c] >= 64 ||
				    k8s_rbac_request_init(
					&run->reqs[c][run->nreqs[c]], *v, *res,
					NULL, NULL, NULL))
					return -EINVAL; /* table error */
				run->nreqs[c]++;
			}
	}
	k8s_rbac_request_init(&run->csr_approval, "update",
			      "certificatesigningrequests.certificates.k8s.io/"
			      "approval",
			      NULL, NULL, NULL);
	k8s_rbac_request_init(&run->csr_signer, "approve",
			      "signers.certificates.k8s.io", NULL, NULL, NULL);
	for (size_t i = 0; i < r->n; i++) {
		if (!k8s_rbac_perm_allows(&r->perms[i], &run->csr_signer, NULL))
			continue;
		if (run->nsigners == cap) {
			size_t nc = cap ? cap * 2 : 8;
			const struct k8s_rbac_subject **ns =
			    realloc(run->signers, nc * sizeof(*ns));

			if (!ns)
				return -ENOMEM;
			run->signers = ns;
			cap = nc;
		}
		run->signers[run->nsigners++] = &r->perms[i].subject;
	}
	return 0;
}

int k8s_rbac_check(const struct k8s_rbac *r, struct k8s_rbac_finding **ret,
		   size_t *ret_n)
{
	struct run run = {.r = r};
	struct hit hits[NCHECKS];
	struct out out = {0};
	int rc = 0;

	if (!r || !ret || !ret_n)
		return -EINVAL;
	run.reqs = calloc(NCHECKS, sizeof(*run.reqs));
	run.nreqs = calloc(NCHECKS, sizeof(*run.nreqs));
	if (!run.reqs || !run.nreqs)
		rc = -ENOMEM;
	if (!rc)
		rc = prepare(&run);
	for (size_t i = 0; i < r->n && !rc;) {
		size_t j = i + 1;
		int admin_fired = 0;

		while (j < r->n && r->perms[j].binding == r->perms[i].binding &&
		       r->perms[j].subject_index == r->perms[i].subject_index)
			j++;
		run.p = &r->perms[i];
		run.n = j - i;
		/* The cluster-admin checks first: they silence others. */
		for (size_t c = 0; c < NCHECKS; c++) {
			memset(&hits[c], 0, sizeof(hits[c]));
			if (checks[c].special != SP_ADMIN_SA &&
			    checks[c].special != SP_ADMIN_BROAD)
				continue;
			eval_special(&run, c, &hits[c], 0);
			admin_fired |= hits[c].perm != NULL;
		}
		for (size_t c = 0; c < NCHECKS && !rc; c++) {
			if (checks[c].verbs)
				eval_requests(&run, c, &hits[c]);
			else if (checks[c].special != SP_ADMIN_SA &&
				 checks[c].special != SP_ADMIN_BROAD)
				eval_special(&run, c, &hits[c], admin_fired);
			if (hits[c].perm)
				rc = emit(&out, &checks[c], &hits[c]);
		}
		i = j;
	}
	free(run.reqs);
	free(run.nreqs);
	free(run.signers);
	if (rc) {
		k8s_rbac_findings_free(out.f, out.n);
		return rc;
	}
	*ret = out.f;
	*ret_n = out.n;
	return 0;
}

void k8s_rbac_findings_free(struct k8s_rbac_finding *f, size_t n)
{
	if (!f)
		return;
	for (size_t i = 0; i < n; i++) {
		free(f[i].message);
		free(f[i].subject);
		free(f[i].path);
	}
	free(f);
}
