/*
 * test_k8s_admission.c - the admission webhook's decision function
 * (k8s_adm_review) and configuration loader: uid echo, allow/deny by
 * namespace labels and versions, exemptions, warnings length, the
 * AdmissionReview validation errors and PSA's UPDATE and subresource rules.
 * Requests are built here from a pod spec; the configuration is the fixture
 * tests/data/k8s/admission/config.yaml.  Also: namespace labels from a
 * lookup function (k8s_adm_review_ex: override, failure -> deny or
 * fail-open), the namespace cache (TTL, bound) and the apiServer keys.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "k8s/k8s.h"

static struct k8s_adm_config cfg;

static int setup(void **state)
{
	const char *src = getenv("BW_SOURCE_DIR");
	char path[1024];
	struct bw_error err;

	snprintf(path, sizeof(path), "%s/tests/data/k8s/admission/config.yaml",
		 src ? src : BW_SOURCE_DIR);
	if (k8s_adm_config_init(&cfg))
		return -1;
	bw_error_clear(&err);
	if (k8s_adm_config_load(&cfg, path, &err)) {
		fprintf(stderr, "config: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	k8s_adm_config_free(&cfg);
	return 0;
}

/* A restricted-compliant pod, or a privileged one. */
static json_t *pod(const char *name, int privileged, const char *image)
{
	json_t *sc = privileged ? json_pack("{s:b}", "privileged", 1)
				: json_pack("{s:b, s:b, s:{s:[s]}, s:{s:s}}",
					    "allowPrivilegeEscalation", 0,
					    "runAsNonRoot", 1, "capabilities",
					    "drop", "ALL", "seccompProfile",
					    "type", "RuntimeDefault");
	return json_pack("{s:s, s:s, s:{s:s}, s:{s:[{s:s, s:s, s:o}]}}",
			 "apiVersion", "v1", "kind", "Pod", "metadata", "name",
			 name, "spec", "containers", "name", "app", "image",
			 image, "securityContext", sc);
}

static char *review(const char *uid, const char *op, const char *ns,
		    const char *group, const char *resource, const char *sub,
		    const char *user, json_t *obj, json_t *old)
{
	json_t *req =
	    json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:{s:s}}", "uid", uid,
		      "operation", op, "namespace", ns, "resource", "group",
		      group, "version", "v1", "resource", resource, "userInfo",
		      "username", user);
	json_t *r;
	char *s;

	if (sub)
		json_object_set_new(req, "subResource", json_string(sub));
	if (obj)
		json_object_set_new(req, "object", obj);
	if (old)
		json_object_set_new(req, "oldObject", old);
	r = json_pack("{s:s, s:s, s:o}", "apiVersion", "admission.k8s.io/v1",
		      "kind", "AdmissionReview", "request", req);
	s = json_dumps(r, JSON_COMPACT);
	json_decref(r);
	return s;
}

/* Runs a review and returns the parsed response object. */
static json_t *run(enum k8s_adm_mode mode, char *body,
		   struct k8s_adm_decision *d)
{
	struct bw_error err;
	json_t *resp;

	bw_error_clear(&err);
	assert_int_equal(
	    k8s_adm_review(&cfg, mode, body, strlen(body), d, &err), 0);
	free(body);
	resp = json_loads(d->body, 0, NULL);
	assert_non_null(resp);
	assert_string_equal(
	    json_string_value(json_object_get(resp, "apiVersion")),
	    "admission.k8s.io/v1");
	return resp;
}

static json_t *response(json_t *r) { return json_object_get(r, "response"); }

static int allowed(json_t *r)
{
	return json_is_true(json_object_get(response(r), "allowed"));
}

static const char *rstr(json_t *r, const char *path)
{
	return json_string_value(k8s_get(response(r), path));
}

static void test_uid_echo_and_allowed(void **state)
{
	struct k8s_adm_decision d;
	json_t *r = run(K8S_ADM_VALIDATE,
			review("7f0b-uid-42", "CREATE", "prod", "", "pods",
			       NULL, "alice", pod("ok", 0, "nginx"), NULL),
			&d);

	assert_string_equal(rstr(r, "uid"), "7f0b-uid-42");
	assert_true(allowed(r));
	assert_true(d.allowed);
	assert_string_equal(rstr(r, "auditAnnotations.enforce-policy"),
			    "restricted:v1.29");
	assert_string_equal(
	    json_string_value(json_object_get(d.audit, "enforce")),
	    "restricted:v1.29");
	assert_string_equal(json_string_value(json_object_get(d.audit, "uid")),
			    "7f0b-uid-42");
	json_decref(r);
	k8s_adm_decision_free(&d);
}

static void test_denied_message(void **state)
{
	struct k8s_adm_decision d;
	json_t *r = run(K8S_ADM_VALIDATE,
			review("u2", "CREATE", "prod", "", "pods", NULL, "bob",
			       pod("web", 1, "nginx"), NULL),
			&d);
	const char *msg = rstr(r, "status.message");

	assert_false(allowed(r));
	assert_int_equal(
	    json_integer_value(k8s_get(response(r), "status.code")), 403);
	assert_string_equal(rstr(r, "status.reason"), "Forbidden");
	assert_non_null(msg);
	assert_non_null(strstr(msg, "pods \"web\" is forbidden: violates "
				    "PodSecurity \"restricted:v1.29\": "));
	assert_non_null(strstr(msg, "privileged"));
	/* no warnings on a denial */
	assert_null(json_object_get(response(r), "warnings"));
	assert_true(json_integer_value(json_object_get(d.audit, "violations")) >
		    0);
	json_decref(r);
	k8s_adm_decision_free(&d);
}

static void test_defaults_apply_to_unlabelled_namespace(void **state)
{
	struct k8s_adm_decision d;
	/* default enforce baseline: privileged denied */
	json_t *r = run(K8S_ADM_VALIDATE,
			review("u3", "CREATE", "other", "", "pods", NULL, "bob",
			       pod("p", 1, "nginx"), NULL),
			&d);

	assert_false(allowed(r));
	assert_non_null(
	    strstr(rstr(r, "status.message"), "\"baseline:latest\""));
	json_decref(r);
	k8s_adm_decision_free(&d);
}

static void test_privileged_namespace_warns(void **state)
{
	struct k8s_adm_decision d;
	json_t *r = run(K8S_ADM_VALIDATE,
			review("u4", "CREATE", "dev", "", "pods", NULL, "bob",
			       pod("p", 1, "nginx"), NULL),
			&d);
	json_t *w = json_object_get(response(r), "warnings"), *x;
	size_t i;

	assert_true(allowed(r));
	assert_true(json_array_size(w) >= 1);
	assert_non_null(
	    strstr(json_string_value(json_array_get(w, 0)),
		   "would violate PodSecurity \"baseline:latest\""));
	json_array_foreach(w, i, x)
	    assert_true(strlen(json_string_value(x)) <= K8S_ADM_WARNING_MAX);
	assert_non_null(rstr(r, "auditAnnotations.audit-violations"));
	json_decref(r);
	k8s_adm_decision_free(&d);
}

static void test_fully_privileged_namespace(void **state)
{
	struct k8s_adm_decision d;
	json_t *r = run(K8S_ADM_VALIDATE,
			review("u5", "CREATE", "legacy", "", "pods", NULL,
			       "bob", pod("p", 1, "nginx"), NULL),
			&d);

	assert_true(allowed(r));
	assert_null(json_object_get(response(r), "warnings"));
	assert_string_equal(rstr(r, "auditAnnotations.enforce-policy"),
			    "privileged:latest");
	json_decref(r);
	k8s_adm_decision_free(&d);
}

static void test_warnings_are_short(void **state)
{
	struct k8s_adm_decision d;
	json_t *p = pod("p", 1, "nginx"), *w, *x;
	json_t *ctrs = k8s_get(p, "spec.containers");
	size_t i;

	/* many long container names make a long PSA warning */
	for (i = 0; i < 20; i++) {
		char name[80];

		snprintf(name, sizeof(name),
			 "a-rather-long-container-name-number-%02zu-"
			 "for-the-warning-test",
			 i);
		json_array_append_new(ctrs, json_pack("{s:s, s:s, s:{s:b}}",
						      "name", name, "image",
						      "x", "securityContext",
						      "privileged", 1));
	}
	json_t *r =
	    run(K8S_ADM_VALIDATE,
		review("u6", "CREATE", "dev", "", "pods", NULL, "bob", p, NULL),
		&d);
	w = json_object_get(response(r), "warnings");
	assert_true(json_array_size(w) >= 1);
	assert_true(json_array_size(w) <= K8S_ADM_MAX_WARNINGS);
	json_array_foreach(w, i, x)
	    assert_true(strlen(json_string_value(x)) <= K8S_ADM_WARNING_MAX);
	json_decref(r);
	k8s_adm_decision_free(&d);
}

static void test_exemptions(void **state)
{
	struct k8s_adm_decision d;
	json_t *r, *p;

	r = run(K8S_ADM_VALIDATE,
		review("e1", "CREATE", "kube-system", "", "pods", NULL, "bob",
		       pod("p", 1, "nginx"), NULL),
		&d);
	assert_true(allowed(r));
	assert_string_equal(rstr(r, "auditAnnotations.exempt"), "namespace");
	assert_string_equal(
	    json_string_value(json_object_get(d.audit, "exempt")), "namespace");
	json_decref(r);
	k8s_adm_decision_free(&d);

	r = run(K8S_ADM_VALIDATE,
		review("e2", "CREATE", "prod", "", "pods", NULL,
		       "system:serviceaccount:kube-system:replicaset-"
		       "controller-exempt",
		       pod("p", 1, "nginx"), NULL),
		&d);
	assert_true(allowed(r));
	assert_string_equal(rstr(r, "auditAnnotations.exempt"), "user");
	json_decref(r);
	k8s_adm_decision_free(&d);

	p = pod("p", 1, "nginx");
	json_object_set_new(json_object_get(p, "spec"), "runtimeClassName",
			    json_string("kata"));
	r = run(
	    K8S_ADM_VALIDATE,
	    review("e3", "CREATE", "prod", "", "pods", NULL, "bob", p, NULL),
	    &d);
	assert_true(allowed(r));
	assert_string_equal(rstr(r, "auditAnnotations.exempt"), "runtimeClass");
	json_decref(r);
	k8s_adm_decision_free(&d);
}

static void test_workloads_are_warned_not_denied(void **state)
{
	struct k8s_adm_decision d;
	json_t *p = pod("t", 1, "nginx");
	json_t *dep = json_pack("{s:s, s:s, s:{s:s}, s:{s:{s:O, s:O}}}",
				"apiVersion", "apps/v1", "kind", "Deployment",
				"metadata", "name", "web", "spec", "template",
				"metadata", json_object_get(p, "metadata"),
				"spec", json_object_get(p, "spec"));
	json_t *r;

	json_decref(p);
	r = run(K8S_ADM_VALIDATE,
		review("w1", "CREATE", "prod", "apps", "deployments", NULL,
		       "bob", dep, NULL),
		&d);
	assert_true(allowed(r));
	assert_true(json_array_size(json_object_get(response(r), "warnings")) >=
		    1);
	assert_non_null(rstr(r, "auditAnnotations.audit-violations"));
	assert_null(rstr(r, "auditAnnotations.enforce-policy"));
	json_decref(r);
	k8s_adm_decision_free(&d);
}

static void test_update_rules(void **state)
{
	struct k8s_adm_decision d;
	json_t *r, *newp, *oldp;

	/* metadata-only change of a violating pod: not evaluated */
	newp = pod("p", 1, "nginx:1");
	oldp = pod("p", 1, "nginx:1");
	json_object_set_new(json_object_get(newp, "metadata"), "labels",
			    json_pack("{s:s}", "a", "b"));
	r = run(K8S_ADM_VALIDATE,
		review("up1", "UPDATE", "prod", "", "pods", NULL, "bob", newp,
		       oldp),
		&d);
	assert_true(allowed(r));
	assert_null(rstr(r, "auditAnnotations.enforce-policy"));
	json_decref(r);
	k8s_adm_decision_free(&d);

	/* image change: evaluated and denied */
	r = run(K8S_ADM_VALIDATE,
		review("up2", "UPDATE", "prod", "", "pods", NULL, "bob",
		       pod("p", 1, "nginx:2"), pod("p", 1, "nginx:1")),
		&d);
	assert_false(allowed(r));
	json_decref(r);
	k8s_adm_decision_free(&d);

	/* ephemeral container added through the subresource: evaluated */
	newp = pod("p", 0, "nginx");
	json_object_set_new(
	    json_object_get(newp, "spec"), "ephemeralContainers",
	    json_pack("[{s:s, s:s, s:{s:b}}]", "name", "debug", "image",
		      "busybox", "securityContext", "privileged", 1));
	r = run(K8S_ADM_VALIDATE,
		review("up3", "UPDATE", "prod", "", "pods",
		       "ephemeralcontainers", "bob", newp,
		       pod("p", 0, "nginx")),
		&d);
	assert_false(allowed(r));
	json_decref(r);
	k8s_adm_decision_free(&d);

	/* ignored subresources and operations */
	r = run(K8S_ADM_VALIDATE,
		review("up4", "UPDATE", "prod", "", "pods", "status", "bob",
		       pod("p", 1, "x"), pod("p", 1, "y")),
		&d);
	assert_true(allowed(r));
	json_decref(r);
	k8s_adm_decision_free(&d);
	r = run(K8S_ADM_VALIDATE,
		review("up5", "DELETE", "prod", "", "pods", NULL, "bob", NULL,
		       pod("p", 1, "y")),
		&d);
	assert_true(allowed(r));
	json_decref(r);
	k8s_adm_decision_free(&d);
}

static void test_versions_and_invalid_labels(void **state)
{
	struct k8s_adm_decision d;
	json_t *r;

	/* an invalid enforce label fails closed (restricted:latest) */
	json_object_set_new(cfg.namespaces, "typo",
			    json_pack("{s:s}",
				      "pod-security.kubernetes.io/enforce",
				      "restrictd"));
	r = run(K8S_ADM_VALIDATE,
		review("v1", "CREATE", "typo", "", "pods", NULL, "bob",
		       pod("p", 1, "nginx"), NULL),
		&d);
	assert_false(allowed(r));
	assert_non_null(
	    strstr(rstr(r, "status.message"), "\"restricted:latest\""));
	assert_non_null(strstr(rstr(r, "auditAnnotations.error"),
			       "Failed to parse policy"));
	json_decref(r);
	k8s_adm_decision_free(&d);

	/* a namespace object with invalid labels is rejected (422) */
	r = run(K8S_ADM_VALIDATE,
		review("v2", "CREATE", "", "", "namespaces", NULL, "bob",
		       json_pack("{s:s, s:s, s:{s:s, s:{s:s}}}", "apiVersion",
				 "v1", "kind", "Namespace", "metadata", "name",
				 "n", "labels",
				 "pod-security.kubernetes.io/enforce-version",
				 "1.29"),
		       NULL),
		&d);
	assert_false(allowed(r));
	assert_int_equal(
	    json_integer_value(k8s_get(response(r), "status.code")), 422);
	assert_non_null(strstr(rstr(r, "status.message"), "v1.x"));
	json_decref(r);
	k8s_adm_decision_free(&d);
}

static void expect_bad(const char *body, int code, const char *needle)
{
	struct k8s_adm_decision d = {0};
	struct bw_error err;

	bw_error_clear(&err);
	assert_int_equal(k8s_adm_review(&cfg, K8S_ADM_VALIDATE, body,
					strlen(body), &d, &err),
			 code);
	assert_null(d.body);
	if (needle)
		assert_non_null(strstr(err.msg, needle));
}

static void test_bad_requests(void **state)
{
	expect_bad("{", -EINVAL, "malformed JSON");
	expect_bad("[]", -EINVAL, "not a JSON object");
	expect_bad("{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":"
		   "\"AdmissionReview\",\"request\":{\"uid\":\"x\"}}",
		   -EINVAL, "unsupported apiVersion");
	expect_bad("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"Pod\"}",
		   -EINVAL, "unsupported kind");
	expect_bad("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":"
		   "\"AdmissionReview\"}",
		   -EINVAL, "no request");
	expect_bad("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":"
		   "\"AdmissionReview\",\"request\":{\"uid\":7}}",
		   -EINVAL, "no uid");
	/* duplicate keys are rejected, not resolved either way */
	expect_bad("{\"apiVersion\":\"admission.k8s.io/v1\",\"apiVersion\":"
		   "\"x\"}",
		   -EINVAL, "malformed JSON");
}

static void test_huge_body(void **state)
{
	struct k8s_adm_decision d = {0};
	struct bw_error err;
	size_t n = K8S_ADM_MAX_BODY + 1;
	char *big = malloc(n);

	memset(big, ' ', n);
	assert_int_equal(
	    k8s_adm_review(&cfg, K8S_ADM_VALIDATE, big, n, &d, &err), -E2BIG);
	free(big);
}

static void test_undecodable_pod(void **state)
{
	struct k8s_adm_decision d;
	json_t *r = run(K8S_ADM_VALIDATE,
			review("x1", "CREATE", "prod", "", "pods", NULL, "bob",
			       json_pack("{s:s}", "spec", "nope"), NULL),
			&d);

	assert_false(allowed(r));
	assert_int_equal(
	    json_integer_value(k8s_get(response(r), "status.code")), 400);
	json_decref(r);
	k8s_adm_decision_free(&d);
	cfg.fail_open = 1;
	r = run(K8S_ADM_VALIDATE,
		review("x2", "CREATE", "prod", "", "pods", NULL, "bob",
		       json_pack("{s:s}", "spec", "nope"), NULL),
		&d);
	cfg.fail_open = 0;
	assert_true(allowed(r));
	assert_non_null(rstr(r, "auditAnnotations.error"));
	json_decref(r);
	k8s_adm_decision_free(&d);
}

static void test_mutate_adds_seccomp(void **state)
{
	struct k8s_adm_decision d;
	json_t *p = pod("p", 0, "nginx");
	json_t *r;

	json_object_del(json_object_get(p, "spec"), "securityContext");
	r = run(
	    K8S_ADM_MUTATE,
	    review("m1", "CREATE", "prod", "", "pods", NULL, "bob", p, NULL),
	    &d);
	assert_true(allowed(r));
	assert_string_equal(rstr(r, "patchType"), "JSONPatch");
	/* base64 of [{"op":"add","path":"/spec/securityContext",... */
	assert_non_null(rstr(r, "patch"));
	assert_int_equal(strncmp(rstr(r, "patch"), "W3sib3AiOiJhZGQi", 16), 0);
	json_decref(r);
	k8s_adm_decision_free(&d);
}

static void test_config_errors(void **state)
{
	static const char *const bad[] = {
	    "kind: PodSecurityConfiguration\napiVersion: x/v1\ndefaults:\n  "
	    "enforce: strict\n",
	    "kind: PodSecurityConfiguration\napiVersion: x/v1\ndefaults:\n  "
	    "enforce-version: \"1.29\"\n",
	    "kind: PodSecurityConfiguration\napiVersion: x/v1\nexemptions:\n  "
	    "usernames: alice\n",
	    "kind: ConfigMap\napiVersion: v1\n",
	    "kind: Namespace\napiVersion: v1\nmetadata:\n  name: a\n  labels:\n"
	    "    pod-security.kubernetes.io/warn: nope\n",
	    "kind: [\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct k8s_adm_config c;
		struct bw_error err;

		assert_int_equal(k8s_adm_config_init(&c), 0);
		bw_error_clear(&err);
		assert_true(k8s_adm_config_load_buffer(
				&c, bad[i], strlen(bad[i]), "t", &err) < 0);
		assert_true(err.msg[0] != '\0');
		k8s_adm_config_free(&c);
	}
}

static void test_admission_configuration_wrapper(void **state)
{
	static const char doc[] =
	    "apiVersion: apiserver.config.k8s.io/v1\n"
	    "kind: AdmissionConfiguration\n"
	    "plugins:\n"
	    "- name: PodSecurity\n"
	    "  configuration:\n"
	    "    apiVersion: pod-security.admission.config.k8s.io/v1\n"
	    "    kind: PodSecurityConfiguration\n"
	    "    defaults: {enforce: restricted, enforce-version: v1.28}\n"
	    "    exemptions: {namespaces: [ops]}\n";
	struct k8s_adm_config c;
	struct bw_error err;

	assert_int_equal(k8s_adm_config_init(&c), 0);
	bw_error_clear(&err);
	assert_int_equal(
	    k8s_adm_config_load_buffer(&c, doc, strlen(doc), "t", &err), 0);
	assert_int_equal(c.enforce.level, K8S_PSS_RESTRICTED);
	assert_int_equal(c.enforce.version.minor, 28);
	assert_non_null(json_object_get(c.exempt_namespaces, "ops"));
	k8s_adm_config_free(&c);
}

/* A labels_fn stub: "prod" is privileged in the "cluster", "broken" fails,
 * anything else has no labels.  Counts calls. */
static int lookups;
static int stub_labels(void *ctx, const char *ns, json_t **ret_labels,
		       struct bw_error *err)
{
	(void)ctx;
	lookups++;
	if (!strcmp(ns, "broken"))
		return bw_errorf(err, -EIO, NULL, 0, 0, "HTTP 500");
	if (!strcmp(ns, "prod"))
		*ret_labels =
		    json_pack("{s:s}", "pod-security.kubernetes.io/enforce",
			      "privileged");
	else if (!strcmp(ns, "other"))
		*ret_labels =
		    json_pack("{s:s}", "pod-security.kubernetes.io/enforce",
			      "restricted");
	else
		*ret_labels = json_object();
	return 0;
}

static json_t *run_ex(char *body, struct k8s_adm_config *c)
{
	struct k8s_adm_decision d;
	struct bw_error err;
	json_t *resp;

	bw_error_clear(&err);
	assert_int_equal(k8s_adm_review_ex(c, K8S_ADM_VALIDATE, body,
					   strlen(body), stub_labels, NULL, &d,
					   &err),
			 0);
	free(body);
	resp = json_loads(d.body, 0, NULL);
	assert_non_null(resp);
	k8s_adm_decision_free(&d);
	return resp;
}

static void test_labels_from_lookup(void **state)
{
	json_t *r;

	(void)state;
	lookups = 0;
	/* the lookup's labels replace the config's: prod is privileged */
	r = run_ex(review("l1", "CREATE", "prod", "", "pods", NULL, "bob",
			  pod("web", 1, "nginx"), NULL),
		   &cfg);
	assert_true(allowed(r));
	json_decref(r);
	assert_int_equal(lookups, 1);
	r = run_ex(review("l2", "CREATE", "other", "", "pods", NULL, "bob",
			  pod("web", 1, "nginx"), NULL),
		   &cfg);
	assert_false(allowed(r));
	assert_non_null(strstr(rstr(r, "status.message"), "restricted"));
	json_decref(r);
	/* exempt namespaces are not looked up */
	r = run_ex(review("l3", "CREATE", "kube-system", "", "pods", NULL,
			  "bob", pod("web", 1, "nginx"), NULL),
		   &cfg);
	assert_true(allowed(r));
	json_decref(r);
	assert_int_equal(lookups, 2);
	/* a failed lookup denies with a clear message... */
	r = run_ex(review("l4", "CREATE", "broken", "", "pods", NULL, "bob",
			  pod("web", 0, "nginx"), NULL),
		   &cfg);
	assert_false(allowed(r));
	assert_int_equal(
	    json_integer_value(k8s_get(response(r), "status.code")), 500);
	assert_non_null(strstr(rstr(r, "status.message"),
			       "namespace lookup failed: broken: HTTP 500"));
	json_decref(r);
	/* ...or allows under fail-open */
	cfg.fail_open = 1;
	r = run_ex(review("l5", "CREATE", "broken", "", "pods", NULL, "bob",
			  pod("web", 0, "nginx"), NULL),
		   &cfg);
	cfg.fail_open = 0;
	assert_true(allowed(r));
	json_decref(r);
	/* Namespace objects use their own labels: no lookup */
	lookups = 0;
	r = run_ex(
	    review("l6", "CREATE", "", "", "namespaces", NULL, "bob",
		   json_pack("{s:s, s:s, s:{s:s, s:{s:s}}}", "apiVersion", "v1",
			     "kind", "Namespace", "metadata", "name", "x",
			     "labels", "pod-security.kubernetes.io/enforce",
			     "bogus"),
		   NULL),
	    &cfg);
	assert_false(allowed(r));
	json_decref(r);
	assert_int_equal(lookups, 0);
}

static void test_nscache(void **state)
{
	struct k8s_adm_nscache *c;
	json_t *l = json_pack("{s:s}", "a", "b"), *got = NULL;
	char name[32];

	(void)state;
	assert_int_equal(k8s_adm_nscache_new(3, 1000, &c), 0);
	assert_int_equal(k8s_adm_nscache_get(c, "x", 0, &got), -ENOENT);
	assert_int_equal(k8s_adm_nscache_put(c, "x", l, 100), 0);
	assert_int_equal(k8s_adm_nscache_get(c, "x", 1099, &got), 0);
	assert_string_equal(json_string_value(json_object_get(got, "a")), "b");
	json_decref(got);
	/* expired at TTL */
	assert_int_equal(k8s_adm_nscache_get(c, "x", 1100, &got), -ENOENT);
	assert_int_equal(k8s_adm_nscache_size(c), 0);
	/* bounded: the oldest goes */
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "ns%d", i);
		assert_int_equal(k8s_adm_nscache_put(c, name, l, 200 + i), 0);
		assert_true(k8s_adm_nscache_size(c) <= 3);
	}
	assert_int_equal(k8s_adm_nscache_get(c, "ns0", 300, &got), -ENOENT);
	assert_int_equal(k8s_adm_nscache_get(c, "ns1", 300, &got), -ENOENT);
	assert_int_equal(k8s_adm_nscache_get(c, "ns4", 300, &got), 0);
	json_decref(got);
	/* expired entries are dropped first when full */
	assert_int_equal(k8s_adm_nscache_put(c, "late", l, 1250), 0);
	assert_int_equal(k8s_adm_nscache_size(c), 1);
	assert_int_equal(k8s_adm_nscache_put(c, "", l, 0), -EINVAL);
	k8s_adm_nscache_free(c);
	k8s_adm_nscache_free(NULL);
	json_decref(l);
}

static void test_api_server_keys(void **state)
{
	static const char doc[] =
	    "apiVersion: pod-security.admission.config.k8s.io/v1\n"
	    "kind: PodSecurityConfiguration\n"
	    "apiServer: {url: 'https://127.0.0.1:6443', caFile: /ca.pem,\n"
	    "            tokenFile: /token}\n",
			  bad[] = "apiVersion: pod-security.admission."
				  "config.k8s.io/v1\n"
				  "kind: PodSecurityConfiguration\n"
				  "apiServer: {url: 'ftp://x'}\n";
	struct k8s_adm_config c;
	struct k8s_adm_nsapi *a = NULL;
	struct k8s_adm_nsapi_opts o = {.url = "ftp://x"};
	struct bw_error err;
	json_t *l = NULL;

	(void)state;
	assert_int_equal(k8s_adm_config_init(&c), 0);
	bw_error_clear(&err);
	assert_int_equal(
	    k8s_adm_config_load_buffer(&c, doc, strlen(doc), "t", &err), 0);
	assert_string_equal(c.api_url, "https://127.0.0.1:6443");
	assert_string_equal(c.api_ca_file, "/ca.pem");
	assert_string_equal(c.api_token_file, "/token");
	k8s_adm_config_free(&c);
	assert_int_equal(k8s_adm_config_init(&c), 0);
	assert_int_equal(
	    k8s_adm_config_load_buffer(&c, bad, strlen(bad), "t", &err),
	    -EINVAL);
	k8s_adm_config_free(&c);
	assert_int_equal(k8s_adm_nsapi_new(&o, &a, &err), -EINVAL);
	o.url = "https://127.0.0.1:1";
	o.token_file = "/nonexistent/token";
	assert_true(k8s_adm_nsapi_new(&o, &a, &err) < 0);
	o.token_file = NULL;
	assert_int_equal(k8s_adm_nsapi_new(&o, &a, &err), 0);
	/* names that are not DNS labels never reach the URL */
	assert_int_equal(k8s_adm_nsapi_labels(a, "../x", &l, &err), -EINVAL);
	assert_int_equal(k8s_adm_nsapi_labels(a, "a/b", &l, &err), -EINVAL);
	k8s_adm_nsapi_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_uid_echo_and_allowed),
	    cmocka_unit_test(test_denied_message),
	    cmocka_unit_test(test_defaults_apply_to_unlabelled_namespace),
	    cmocka_unit_test(test_privileged_namespace_warns),
	    cmocka_unit_test(test_fully_privileged_namespace),
	    cmocka_unit_test(test_warnings_are_short),
	    cmocka_unit_test(test_exemptions),
	    cmocka_unit_test(test_workloads_are_warned_not_denied),
	    cmocka_unit_test(test_update_rules),
	    cmocka_unit_test(test_versions_and_invalid_labels),
	    cmocka_unit_test(test_bad_requests),
	    cmocka_unit_test(test_huge_body),
	    cmocka_unit_test(test_undecodable_pod),
	    cmocka_unit_test(test_mutate_adds_seccomp),
	    cmocka_unit_test(test_config_errors),
	    cmocka_unit_test(test_admission_configuration_wrapper),
	    cmocka_unit_test(test_labels_from_lookup),
	    cmocka_unit_test(test_nscache),
	    cmocka_unit_test(test_api_server_keys),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
