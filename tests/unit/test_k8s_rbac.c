/* test_k8s_rbac.c - the RBAC model and checks over JSON fixtures
 * (tests/data/k8s/rbac/): a pass and a fail fixture per risk check,
 * aggregated ClusterRoles, RoleBinding-to-ClusterRole scoping, wildcards,
 * resourceNames, subresources, group membership, who-can requests and
 * malformed bindings.  Sets are built with jansson + k8s_set_add, so the
 * YAML loader is not involved. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/k8s.h"

struct fx {
	struct k8s_set set;
	struct k8s_rbac *r;
	struct k8s_rbac_finding *f;
	size_t nf;
	int warnings;
};

static void count_warning(void *ctx, const struct bw_error *e)
{
	struct fx *fx = ctx;

	assert_true(e->msg[0] != '\0');
	fx->warnings++;
}

static void fx_load(struct fx *fx, const char *name)
{
	const char *src = getenv("BW_SOURCE_DIR");
	struct bw_error err = {0};
	json_error_t jerr;
	char path[1024];
	json_t *arr, *o;
	size_t i;

	memset(fx, 0, sizeof(*fx));
	snprintf(path, sizeof(path), "%s/tests/data/k8s/rbac/%s",
		 src ? src : ".", name);
	arr = json_load_file(path, 0, &jerr);
	if (!arr)
		fail_msg("%s: %s", path, jerr.text);
	json_array_foreach(arr, i, o)
	{
		assert_int_equal(k8s_set_add(&fx->set, o, name, (int)i, -1, 1),
				 0);
	}
	json_decref(arr);
	if (k8s_rbac_build(&fx->set, count_warning, fx, &fx->r, &err))
		fail_msg("%s: %s", name, err.msg);
	assert_int_equal(k8s_rbac_check(fx->r, &fx->f, &fx->nf), 0);
}

static void fx_free(struct fx *fx)
{
	k8s_rbac_findings_free(fx->f, fx->nf);
	k8s_rbac_free(fx->r);
	k8s_set_free(&fx->set);
}

/* The finding of check id for subject (NULL: any subject). */
static const struct k8s_rbac_finding *find(const struct fx *fx, const char *id,
					   const char *subject)
{
	for (size_t i = 0; i < fx->nf; i++)
		if (!strcmp(fx->f[i].id, id) &&
		    (!subject || !strcmp(fx->f[i].subject, subject)))
			return &fx->f[i];
	return NULL;
}

/* Subjects allowed a request, as "User:a,User:b," in model order
 * (each subject once), with "~" after names-limited ones. */
static const char *who(const struct fx *fx, const char *verb,
		       const char *resource, const char *ns, const char *name,
		       char *buf, size_t len)
{
	struct k8s_rbac_request req;
	struct k8s_rbac_match *m;
	size_t n, used = 0;

	assert_int_equal(
	    k8s_rbac_request_init(&req, verb, resource, NULL, ns, name), 0);
	assert_int_equal(k8s_rbac_who_can(fx->r, &req, &m, &n), 0);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char s[300], item[310];

		k8s_rbac_subject_str(&m[i].perm->subject, s, sizeof(s));
		snprintf(item, sizeof(item), "%s%s,", s,
			 m[i].names_limited ? "~" : "");
		if (strstr(buf, item))
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s", item);
	}
	free(m);
	return buf;
}

/* ---- one pass and one fail fixture per check ---------------------- */

static const struct {
	const char *base;
	const char *id;
	enum vuln_severity sev; /* of the fail fixture */
	size_t pass_n;		/* other findings of the pass fixture */
} pairs[] = {
    {"secrets-read", "K8S-RBAC-001", VULN_SEV_HIGH, 0},
    {"workload-create", "K8S-RBAC-002", VULN_SEV_HIGH, 0},
    {"exec-attach", "K8S-RBAC-003", VULN_SEV_HIGH, 0},
    {"escalate", "K8S-RBAC-004", VULN_SEV_HIGH, 0},
    {"bind", "K8S-RBAC-005", VULN_SEV_HIGH, 0},
    {"impersonate", "K8S-RBAC-006", VULN_SEV_HIGH, 0},
    {"nodes-proxy", "K8S-RBAC-007", VULN_SEV_HIGH, 0},
    {"csr-approve", "K8S-RBAC-008", VULN_SEV_HIGH, 0},
    {"token-create", "K8S-RBAC-009", VULN_SEV_HIGH, 0},
    {"wildcard-verbs", "K8S-RBAC-010", VULN_SEV_MEDIUM, 0},
    {"wildcard-resources", "K8S-RBAC-011", VULN_SEV_MEDIUM, 0},
    {"wildcard-apigroups", "K8S-RBAC-012", VULN_SEV_MEDIUM, 0},
    {"cluster-admin-sa", "K8S-RBAC-013", VULN_SEV_CRITICAL, 3},
    {"cluster-admin-broad", "K8S-RBAC-014", VULN_SEV_CRITICAL, 3},
    {"default-sa", "K8S-RBAC-015", VULN_SEV_MEDIUM, 0},
    {"anonymous", "K8S-RBAC-016", VULN_SEV_HIGH, 0},
};

static void test_each_check_fires_on_fail_and_not_on_pass(void **st)
{
	size_t nchecks;
	const struct k8s_rbac_check_info *info = k8s_rbac_checks(&nchecks);

	(void)st;
	assert_int_equal(nchecks, sizeof(pairs) / sizeof(pairs[0]));
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		char name[128];
		const struct k8s_rbac_finding *f;
		struct fx fx;

		assert_string_equal(info[i].id, pairs[i].id);
		assert_non_null(info[i].rationale);
		snprintf(name, sizeof(name), "%s-fail.json", pairs[i].base);
		fx_load(&fx, name);
		f = find(&fx, pairs[i].id, NULL);
		if (!f)
			fail_msg("%s: %s did not fire", name, pairs[i].id);
		if (f->severity != pairs[i].sev)
			fail_msg("%s: %s severity %s", name, pairs[i].id,
				 vuln_severity_name(f->severity));
		assert_non_null(f->object);
		assert_non_null(strstr(f->object->kind, "Binding"));
		assert_string_equal(f->path, "subjects[0]");
		assert_non_null(f->remediation);
		assert_non_null(strstr(f->message, f->subject));
		assert_int_equal(fx.warnings, 0);
		fx_free(&fx);

		snprintf(name, sizeof(name), "%s-pass.json", pairs[i].base);
		fx_load(&fx, name);
		f = find(&fx, pairs[i].id, NULL);
		if (f)
			fail_msg("%s: unexpected %s: %s", name, f->id,
				 f->message);
		/* cluster-admin for people: the wildcard checks only */
		assert_int_equal(fx.nf, pairs[i].pass_n);
		assert_int_equal(fx.warnings, 0);
		fx_free(&fx);
	}
}

static void test_secrets_finding_names_subject_binding_and_rule(void **st)
{
	const struct k8s_rbac_finding *f;
	struct fx fx;

	(void)st;
	fx_load(&fx, "secrets-read-fail.json");
	assert_int_equal(fx.nf, 1);
	f = find(&fx, "K8S-RBAC-001", "User:alice");
	assert_non_null(f);
	assert_string_equal(f->message,
			    "User:alice can list secrets cluster-wide via "
			    "ClusterRoleBinding secrets-read -> ClusterRole "
			    "secrets-read (rules[0])");
	assert_string_equal(f->role_kind, "ClusterRole");
	assert_string_equal(f->role_name, "secrets-read");
	assert_null(f->ns);
	assert_string_equal(f->object->file, "secrets-read-fail.json");
	assert_int_equal(f->object->doc, 1);
	fx_free(&fx);
}

static void test_cluster_admin_to_sa_is_one_critical_finding(void **st)
{
	struct fx fx;

	(void)st;
	fx_load(&fx, "cluster-admin-sa-fail.json");
	assert_int_equal(fx.nf, 1);
	assert_non_null(strstr(fx.f[0].message, "ClusterRole cluster-admin "
						"(built-in)"));
	assert_string_equal(fx.f[0].subject, "ServiceAccount:ci/deployer");
	fx_free(&fx);
	/* cluster-admin for a user: the wildcard checks only */
	fx_load(&fx, "cluster-admin-sa-pass.json");
	assert_int_equal(fx.nf, 3);
	assert_non_null(find(&fx, "K8S-RBAC-010", NULL));
	assert_non_null(find(&fx, "K8S-RBAC-011", NULL));
	assert_non_null(find(&fx, "K8S-RBAC-012", NULL));
	fx_free(&fx);
}

static void test_csr_approval_without_signer_is_medium(void **st)
{
	struct fx fx;
	json_t *rules;

	(void)st;
	fx_load(&fx, "csr-approve-fail.json");
	/* drop the signers rule: approval alone cannot issue certificates */
	k8s_rbac_findings_free(fx.f, fx.nf);
	k8s_rbac_free(fx.r);
	rules = json_object_get(fx.set.objs[0].obj, "rules");
	assert_int_equal(json_array_remove(rules, 1), 0);
	assert_int_equal(k8s_rbac_build(&fx.set, NULL, NULL, &fx.r, NULL), 0);
	assert_int_equal(k8s_rbac_check(fx.r, &fx.f, &fx.nf), 0);
	assert_int_equal(fx.nf, 1);
	assert_int_equal(fx.f[0].severity, VULN_SEV_MEDIUM);
	assert_non_null(strstr(fx.f[0].message, "without approve"));
	fx_free(&fx);
}

static void test_default_sa_without_automount_is_low(void **st)
{
	struct fx fx;

	(void)st;
	fx_load(&fx, "default-sa-noautomount.json");
	assert_int_equal(fx.nf, 1);
	assert_string_equal(fx.f[0].id, "K8S-RBAC-015");
	assert_int_equal(fx.f[0].severity, VULN_SEV_LOW);
	assert_string_equal(fx.f[0].subject, "ServiceAccount:shop/default");
	fx_free(&fx);
}

/* ---- model semantics ------------------------------------------------- */

static void test_aggregation_collects_rules_by_label_selector(void **st)
{
	char buf[1024];
	const struct k8s_rbac_finding *f;
	struct fx fx;

	(void)st;
	fx_load(&fx, "aggregation.json");
	/* matchLabels and matchExpressions selectors; "false" not matched */
	assert_int_equal(fx.r->n, 2);
	assert_string_equal(
	    who(&fx, "get", "secrets", NULL, NULL, buf, sizeof(buf)),
	    "ServiceAccount:monitoring/prometheus,");
	assert_string_equal(who(&fx, "list", "pods.metrics.k8s.io", NULL, NULL,
				buf, sizeof(buf)),
			    "ServiceAccount:monitoring/prometheus,");
	assert_string_equal(
	    who(&fx, "create", "pods/exec", NULL, NULL, buf, sizeof(buf)), "");
	f = find(&fx, "K8S-RBAC-001", NULL);
	assert_non_null(f);
	assert_non_null(strstr(
	    f->message, "aggregated from ClusterRole monitoring-secrets"));
	assert_null(find(&fx, "K8S-RBAC-003", NULL));
	/* aggregated rules come in name order of the roles holding them */
	assert_string_equal(fx.r->perms[0].role_name, "monitoring");
	assert_string_equal(fx.r->perms[0].rule_role, "monitoring-metrics");
	assert_string_equal(fx.r->perms[1].rule_role, "monitoring-secrets");
	fx_free(&fx);
}

static void test_rolebinding_to_clusterrole_grants_its_namespace_only(void **st)
{
	char buf[1024];
	const struct k8s_rbac_finding *f;
	struct fx fx;

	(void)st;
	fx_load(&fx, "rolebinding-scope.json");
	assert_string_equal(
	    who(&fx, "get", "secrets", "team-a", NULL, buf, sizeof(buf)),
	    "User:bob,User:carol,");
	assert_string_equal(
	    who(&fx, "get", "secrets", "team-b", NULL, buf, sizeof(buf)),
	    "User:carol,");
	assert_string_equal(
	    who(&fx, "get", "secrets", NULL, NULL, buf, sizeof(buf)),
	    "User:bob,User:carol,");
	/* cluster-scoped resources and non-resource URLs: never by a
	 * RoleBinding */
	assert_string_equal(
	    who(&fx, "get", "nodes/proxy", NULL, NULL, buf, sizeof(buf)),
	    "User:carol,");
	assert_string_equal(
	    who(&fx, "get", "/metrics", NULL, NULL, buf, sizeof(buf)),
	    "User:carol,");
	f = find(&fx, "K8S-RBAC-001", "User:bob");
	assert_non_null(f);
	assert_int_equal(f->severity, VULN_SEV_MEDIUM);
	assert_string_equal(f->ns, "team-a");
	assert_non_null(strstr(f->message, "in namespace team-a"));
	assert_int_equal(find(&fx, "K8S-RBAC-001", "User:carol")->severity,
			 VULN_SEV_HIGH);
	assert_null(find(&fx, "K8S-RBAC-007", "User:bob"));
	assert_non_null(find(&fx, "K8S-RBAC-007", "User:carol"));
	fx_free(&fx);
}

static void test_wildcards_match_any_verb_resource_and_group(void **st)
{
	char buf[1024];
	struct fx fx;

	(void)st;
	fx_load(&fx, "wildcards.json");
	assert_string_equal(who(&fx, "delete", "deployments.apps", NULL, NULL,
				buf, sizeof(buf)),
			    "User:dave,User:erin,");
	assert_string_equal(
	    who(&fx, "create", "pods", "x", NULL, buf, sizeof(buf)),
	    "User:erin,");
	assert_string_equal(
	    who(&fx, "get", "/logs/kubelet.log", NULL, NULL, buf, sizeof(buf)),
	    "User:erin,");
	assert_string_equal(
	    who(&fx, "get", "/healthz", NULL, NULL, buf, sizeof(buf)), "");
	/* dave: verbs and resources wildcards, workloads; erin: all three
	 * wildcards and no per-capability noise */
	assert_non_null(find(&fx, "K8S-RBAC-010", "User:dave"));
	assert_non_null(find(&fx, "K8S-RBAC-011", "User:dave"));
	assert_null(find(&fx, "K8S-RBAC-012", "User:dave"));
	assert_non_null(find(&fx, "K8S-RBAC-002", "User:dave"));
	assert_non_null(find(&fx, "K8S-RBAC-012", "User:erin"));
	assert_null(find(&fx, "K8S-RBAC-001", "User:erin"));
	fx_free(&fx);
}

static void test_resource_names_limit_the_grant(void **st)
{
	char buf[1024];
	const struct k8s_rbac_finding *f;
	struct fx fx;

	(void)st;
	fx_load(&fx, "resource-names.json");
	assert_string_equal(
	    who(&fx, "get", "secrets", NULL, NULL, buf, sizeof(buf)),
	    "ServiceAccount:shop/api~,");
	assert_string_equal(
	    who(&fx, "get", "secrets", NULL, "db-password", buf, sizeof(buf)),
	    "ServiceAccount:shop/api,");
	assert_string_equal(
	    who(&fx, "get", "secrets", NULL, "other", buf, sizeof(buf)), "");
	/* a create names no object: resourceNames never allow it */
	assert_string_equal(
	    who(&fx, "create", "secrets", NULL, NULL, buf, sizeof(buf)), "");
	f = find(&fx, "K8S-RBAC-001", NULL);
	assert_non_null(f);
	assert_int_equal(f->severity, VULN_SEV_MEDIUM);
	assert_non_null(strstr(f->message, "only resourceNames: db-password"));
	fx_free(&fx);
}

static void test_subresources_need_their_own_grant(void **st)
{
	char buf[1024];
	struct fx fx;

	(void)st;
	fx_load(&fx, "subresources.json");
	assert_string_equal(
	    who(&fx, "create", "pods/exec", NULL, NULL, buf, sizeof(buf)),
	    "User:grace,");
	assert_string_equal(
	    who(&fx, "create", "pods", NULL, NULL, buf, sizeof(buf)),
	    "User:frank,");
	assert_string_equal(who(&fx, "update", "deployments.apps/scale", NULL,
				NULL, buf, sizeof(buf)),
			    "User:heidi,");
	assert_string_equal(who(&fx, "update", "deployments.apps", NULL, NULL,
				buf, sizeof(buf)),
			    "");
	assert_non_null(find(&fx, "K8S-RBAC-003", "User:grace"));
	assert_null(find(&fx, "K8S-RBAC-003", "User:frank"));
	fx_free(&fx);
}

static void test_group_membership_of_subjects(void **st)
{
	char buf[1024], sbuf[256];
	struct k8s_rbac_subject sa, u, anon;
	struct fx fx;
	int n = 0;

	(void)st;
	fx_load(&fx, "groups.json");
	assert_int_equal(
	    k8s_rbac_subject_parse("sa:ci/builder", &sa, sbuf, sizeof(sbuf)),
	    0);
	assert_int_equal(k8s_rbac_subject_parse("User:judy", &u, NULL, 0), 0);
	assert_int_equal(
	    k8s_rbac_subject_parse("user:system:anonymous", &anon, NULL, 0), 0);
	for (size_t i = 0; i < fx.r->n; i++) {
		const struct k8s_rbac_subject *g = &fx.r->perms[i].subject;

		if (!strcmp(g->name, "system:serviceaccounts:ci")) {
			assert_true(k8s_rbac_subject_applies(g, &sa));
			assert_false(k8s_rbac_subject_applies(g, &u));
			n++;
		} else if (!strcmp(g->name, "system:authenticated")) {
			assert_true(k8s_rbac_subject_applies(g, &sa));
			assert_true(k8s_rbac_subject_applies(g, &u));
			assert_false(k8s_rbac_subject_applies(g, &anon));
			n++;
		} else if (!strcmp(g->name, "devs")) {
			assert_false(k8s_rbac_subject_applies(g, &sa));
			assert_false(k8s_rbac_subject_applies(g, &u));
			n++;
		}
	}
	assert_true(n >= 3);
	/* the built-in view role bound to every authenticated user */
	assert_string_equal(who(&fx, "update", "deployments.apps", "ci", NULL,
				buf, sizeof(buf)),
			    "Group:system:serviceaccounts:ci,Group:devs,");
	assert_string_equal(who(&fx, "update", "deployments.apps", "prod", NULL,
				buf, sizeof(buf)),
			    "Group:devs,");
	assert_string_equal(
	    who(&fx, "list", "pods", "prod", NULL, buf, sizeof(buf)),
	    "Group:system:authenticated,");
	fx_free(&fx);
}

static void test_bad_bindings_warn_and_are_skipped(void **st)
{
	struct fx fx;

	(void)st;
	fx_load(&fx, "dangling.json");
	/* missing Role, ClusterRoleBinding to a Role, SA without namespace
	 * in a ClusterRoleBinding, unknown subject kind */
	assert_int_equal(fx.warnings, 4);
	for (size_t i = 0; i < fx.r->n; i++)
		assert_string_equal(fx.r->perms[i].subject.name, "judy");
	assert_true(fx.r->n > 0);
	assert_true(fx.r->perms[0].builtin);
	fx_free(&fx);
}

static void test_subject_strings_parse_and_print(void **st)
{
	struct k8s_rbac_subject s;
	char buf[64], out[128];

	(void)st;
	assert_int_equal(k8s_rbac_subject_parse("ServiceAccount:kube-system:x",
						&s, buf, sizeof(buf)),
			 0);
	assert_int_equal(s.kind, K8S_RBAC_SERVICE_ACCOUNT);
	assert_string_equal(s.ns, "kube-system");
	assert_string_equal(s.name, "x");
	assert_string_equal(k8s_rbac_subject_str(&s, out, sizeof(out)),
			    "ServiceAccount:kube-system/x");
	assert_int_equal(
	    k8s_rbac_subject_parse("Group:system:masters", &s, NULL, 0), 0);
	assert_int_equal(s.kind, K8S_RBAC_GROUP);
	assert_string_equal(s.name, "system:masters");
	assert_int_equal(k8s_rbac_subject_parse("Robot:x", &s, NULL, 0),
			 -EINVAL);
	assert_int_equal(k8s_rbac_subject_parse("User:", &s, NULL, 0), -EINVAL);
	assert_int_equal(
	    k8s_rbac_subject_parse("sa:noslash", &s, buf, sizeof(buf)),
	    -EINVAL);
	assert_int_equal(k8s_rbac_subject_parse("sa:a/b", &s, buf, 3), -EINVAL);
}

static void test_requests_parse_like_kubectl(void **st)
{
	struct k8s_rbac_request r;

	(void)st;
	assert_int_equal(k8s_rbac_request_init(&r, "get",
					       "deployments.apps/scale", NULL,
					       "ns", NULL),
			 0);
	assert_string_equal(r.resource, "deployments");
	assert_string_equal(r.group, "apps");
	assert_string_equal(r.subresource, "scale");
	assert_string_equal(r.ns, "ns");
	assert_int_equal(
	    k8s_rbac_request_init(&r, "get", "cronjobs", "batch", NULL, NULL),
	    0);
	assert_string_equal(r.group, "batch");
	assert_int_equal(
	    k8s_rbac_request_init(&r, "get", "/healthz", NULL, NULL, NULL), 0);
	assert_string_equal(r.path, "/healthz");
	assert_string_equal(r.resource, "");
	assert_int_equal(
	    k8s_rbac_request_init(&r, "get", "pods/", NULL, NULL, NULL),
	    -EINVAL);
	assert_int_equal(
	    k8s_rbac_request_init(&r, "get", "a/b/c", NULL, NULL, NULL),
	    -EINVAL);
	assert_int_equal(
	    k8s_rbac_request_init(&r, "get", ".apps", NULL, NULL, NULL),
	    -EINVAL);
	assert_int_equal(
	    k8s_rbac_request_init(&r, "", "pods", NULL, NULL, NULL), -EINVAL);
}

static void test_empty_set_and_null_free(void **st)
{
	struct k8s_set set = {0};
	struct k8s_rbac *r = NULL;
	struct k8s_rbac_finding *f = NULL;
	size_t n = 1;

	(void)st;
	assert_int_equal(k8s_rbac_build(&set, NULL, NULL, &r, NULL), 0);
	assert_int_equal(r->n, 0);
	assert_int_equal(k8s_rbac_check(r, &f, &n), 0);
	assert_int_equal(n, 0);
	k8s_rbac_findings_free(f, n);
	k8s_rbac_free(r);
	k8s_rbac_free(NULL);
	k8s_rbac_findings_free(NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_check_fires_on_fail_and_not_on_pass),
	    cmocka_unit_test(
		test_secrets_finding_names_subject_binding_and_rule),
	    cmocka_unit_test(test_cluster_admin_to_sa_is_one_critical_finding),
	    cmocka_unit_test(test_csr_approval_without_signer_is_medium),
	    cmocka_unit_test(test_default_sa_without_automount_is_low),
	    cmocka_unit_test(test_aggregation_collects_rules_by_label_selector),
	    cmocka_unit_test(
		test_rolebinding_to_clusterrole_grants_its_namespace_only),
	    cmocka_unit_test(test_wildcards_match_any_verb_resource_and_group),
	    cmocka_unit_test(test_resource_names_limit_the_grant),
	    cmocka_unit_test(test_subresources_need_their_own_grant),
	    cmocka_unit_test(test_group_membership_of_subjects),
	    cmocka_unit_test(test_bad_bindings_warn_and_are_skipped),
	    cmocka_unit_test(test_subject_strings_parse_and_print),
	    cmocka_unit_test(test_requests_parse_like_kubectl),
	    cmocka_unit_test(test_empty_set_and_null_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
