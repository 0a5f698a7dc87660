/*
 * rbac_audit.c - the RBAC risk checks as findings of `bulwark k8s audit`:
 * the model of rbac.c is built from the same set of objects, the checks of
 * rbac_checks.c run over it, and each finding is converted to the shared
 * report finding (report/finding.h) with the framework controls the check
 * maps to, so audit reports (table, JSON, SARIF, JUnit, HTML) and the
 * --fail-on gate cover workloads and permissions alike.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "k8s/k8s.h"

/* Framework controls per RBAC check (CIS Kubernetes Benchmark v1.8
 * section 5.1 "RBAC and Service Accounts"; NSA/CISA "Authentication and
 * authorization"; PCI DSS 4.0 7.2.2 least privilege). */
static const struct rbac_fw {
	const char *id;
	const char *cis; /* NULL: no CIS control */
} rbac_fws[] = {
	{"K8S-RBAC-001", "5.1.2"},  {"K8S-RBAC-002", "5.1.4"},
	{"K8S-RBAC-003", NULL},	    {"K8S-RBAC-004", "5.1.8"},
	{"K8S-RBAC-005", "5.1.8"},  {"K8S-RBAC-006", "5.1.8"},
	{"K8S-RBAC-007", "5.1.10"}, {"K8S-RBAC-008", "5.1.11"},
	{"K8S-RBAC-009", "5.1.13"}, {"K8S-RBAC-010", "5.1.3"},
	{"K8S-RBAC-011", "5.1.3"},  {"K8S-RBAC-012", "5.1.3"},
	{"K8S-RBAC-013", "5.1.1"},  {"K8S-RBAC-014", "5.1.1"},
	{"K8S-RBAC-015", "5.1.5"},  {"K8S-RBAC-016", NULL},
};

size_t k8s_rbac_check_frameworks(const char *id,
				  struct report_framework_ref *out)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(rbac_fws) / sizeof(rbac_fws[0]); i++)
		if (!strcmp(rbac_fws[i].id, id) && rbac_fws[i].cis)
			out[n++] = (struct report_framework_ref){
			    REPORT_FW_CIS, rbac_fws[i].cis};
	out[n++] = (struct report_framework_ref){
	    REPORT_FW_NSA, "Authentication and authorization"};
	out[n++] = (struct report_framework_ref){REPORT_FW_PCI, "7.2.2"};
	return n;
}

const struct k8s_rbac_check_info *k8s_rbac_check_find(const char *id)
{
	size_t n;
	const struct k8s_rbac_check_info *c = k8s_rbac_checks(&n);

	for (size_t i = 0; id && i < n; i++)
		if (!strcasecmp(c[i].id, id))
			return &c[i];
	return NULL;
}

/* Whether id is in the "ID,ID" list (case-insensitive). */
static int listed(const char *list, const char *id)
{
	size_t idl = strlen(id);

	for (const char *p = list; p && *p;) {
		size_t n;

		while (*p == ',' || *p == ' ')
			p++;
		n = strcspn(p, ", ");
		if (n == idl && !strncasecmp(p, id, n))
			return 1;
		p += n;
	}
	return 0;
}

static int selected(const struct k8s_audit_opts *o, const char *id)
{
	if (o && o->checks && !listed(o->checks, id))
		return 0;
	return !(o && o->skip && listed(o->skip, id));
}

int k8s_rbac_audit(const struct k8s_set *set, const struct k8s_audit_opts *o,
		   struct report_findings *out, k8s_warn_fn warn, void *ctx,
		   struct bw_error *err)
{
	struct k8s_rbac *r = NULL;
	struct k8s_rbac_finding *f = NULL;
	size_t nf = 0, nc;
	const struct k8s_rbac_check_info *info = k8s_rbac_checks(&nc);
	int rc;

	rc = k8s_rbac_build(set, warn, ctx, &r, err);
	if (rc)
		return rc;
	rc = k8s_rbac_check(r, &f, &nf);
	if (rc) {
		k8s_rbac_free(r);
		return bw_errorf(err, rc, NULL, 0, 0, "RBAC checks: %s",
				 strerror(-rc));
	}
	for (size_t i = 0; !rc && i < nc; i++) {
		struct report_framework_ref fw[4];
		struct report_finding rule = {
		    .id = info[i].id,
		    .severity = info[i].severity,
		    .title = info[i].title,
		    .rationale = info[i].rationale,
		    .remediation = info[i].remediation,
		    .frameworks = fw,
		};

		if (!selected(o, info[i].id))
			continue;
		rule.nframeworks = k8s_rbac_check_frameworks(info[i].id, fw);
		rc = report_findings_add_rule(out, &rule);
	}
	for (size_t i = 0; !rc && i < nf; i++) {
		const struct k8s_rbac_check_info *c =
		    k8s_rbac_check_find(f[i].id);
		const struct k8s_object *ob = f[i].object;
		struct report_framework_ref fw[4];
		char msg[1024];
		struct report_finding x = {
		    .id = f[i].id,
		    .severity = f[i].severity,
		    .title = f[i].title,
		    .message = msg,
		    .remediation = f[i].remediation,
		    .rationale = c ? c->rationale : NULL,
		    .file = ob ? ob->file : NULL,
		    .doc = ob ? ob->doc : -1,
		    .item = ob ? ob->item : -1,
		    .line = ob ? ob->line : 0,
		    .kind = ob ? ob->kind : NULL,
		    .ns = ob ? ob->ns : NULL,
		    .obj_name = ob ? ob->name : NULL,
		    .path = f[i].path,
		    .frameworks = fw,
		};

		if (!selected(o, f[i].id))
			continue;
		x.nframeworks = k8s_rbac_check_frameworks(f[i].id, fw);
		/* bulwark.io/ignore on the binding excepts it, as on workloads */
		if (ob && k8s_ignored(ob, NULL, f[i].id, &x.suppress_reason))
			x.suppressed = 1;
		/* the message names the subject already */
		snprintf(msg, sizeof(msg), "%s",
			 f[i].message ? f[i].message : f[i].subject);
		rc = report_findings_add(out, &x);
	}
	k8s_rbac_findings_free(f, nf);
	k8s_rbac_free(r);
	if (rc)
		return bw_errorf(err, rc, NULL, 0, 0, "RBAC findings: %s",
				 strerror(-rc));
	return 0;
}
