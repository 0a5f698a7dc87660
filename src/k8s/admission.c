/*
 * admission.c - the admission webhook's decision: an AdmissionReview v1
 * request body in, the response body out, with no I/O, so it can be unit
 * tested and fuzzed.
 *
 * It follows the upstream PodSecurity admission controller
 * (k8s.io/pod-security-admission/admission): pods are enforced against the
 * namespace's enforce policy and also audited and warned; the pod templates
 * of workload resources are only audited and warned; namespaces have their
 * pod-security labels validated.  Exempt namespaces, users and runtime
 * classes are allowed with an "exempt" audit annotation.  Pod UPDATEs are
 * evaluated only when something PSA cares about changed (an image, a
 * container seccomp annotation, a container added), and the subresources
 * that cannot change the pod spec (exec, attach, binding, eviction, log,
 * portforward, proxy, status) are ignored; any other pod subresource --
 * ephemeralcontainers, resize, unknown ones -- is evaluated, so a version
 * skewed webhook fails safe.
 *
 * Namespace labels come from the configuration, or from a caller-supplied
 * lookup (the server's API client, k8s_adm_review_ex) that replaces the
 * configuration's; a namespace neither names has no labels (the defaults
 * apply).  A failed lookup denies unless fail_open.  Audit annotations use
 * PSA's keys without the "pod-security.kubernetes.io/" prefix: the API server
 * prefixes a webhook's audit annotations with the webhook's name.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "k8s/k8s.h"

/* What one request asks, with borrowed pointers into the parsed body. */
struct adm_req {
	const char *uid, *op, *user, *ns, *name, *group, *resource, *sub, *kind;
	json_t *object, *old;
	k8s_adm_labels_fn labels_fn; /* NULL: the configuration's labels */
	void *labels_ctx;
	json_t *looked_up; /* labels_fn's answer (owned by the review) */
};

/* What we answer. */
struct adm_out {
	int allowed;
	int code;	     /* status code when denied (or 0) */
	const char *reason;  /* "Forbidden", "Invalid", "BadRequest" */
	char *message;	     /* status message (owned) */
	json_t *warnings;    /* array of strings (owned) */
	json_t *annotations; /* auditAnnotations (owned) */
	char enforce[48];    /* "restricted:v1.29", "" when not evaluated */
	size_t violations;
	const char *exempt; /* "namespace", "user", "runtimeClass" */
	json_t *patch;	    /* JSONPatch array for /mutate (owned) */
	int failed;	    /* allocation failure somewhere */
};

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *nz(const char *s) { return s ? s : ""; }

/* ---- policy: level:version per mode --------------------------------- */

static const char *version_str(struct k8s_pss_version v, char *buf, size_t len)
{
	if (v.minor >= K8S_PSS_LATEST)
		snprintf(buf, len, "latest");
	else
		snprintf(buf, len, "v1.%d", v.minor);
	return buf;
}

static const char *lv_str(const struct k8s_adm_lv *lv, char *buf, size_t len)
{
	char v[24];

	snprintf(buf, len, "%s:%s", k8s_pss_level_name(lv->level),
		 version_str(lv->version, v, sizeof(v)));
	return buf;
}

static int lv_equal(const struct k8s_adm_lv *a, const struct k8s_adm_lv *b)
{
	return a->level == b->level && a->version.minor == b->version.minor;
}

struct adm_policy {
	struct k8s_adm_lv enforce, audit, warn;
	char errs[1024]; /* aggregated label errors, "" when none */
	int nerrs;
};

static void policy_err(struct adm_policy *p, const char *label,
		       const char *value, const char *why)
{
	size_t used = strlen(p->errs);

	snprintf(p->errs + used, sizeof(p->errs) - used,
		 "%smetadata.labels[%s]: Invalid value: \"%s\": %s",
		 p->nerrs ? ", " : "", label, value, why);
	p->nerrs++;
}

#define PSA_PREFIX "pod-security.kubernetes.io/"

/*
 * PSA's PolicyToEvaluate: each label overrides its default; an invalid
 * enforce level means restricted (fail closed), an invalid audit or warn
 * level privileged (fail open), an invalid version latest.
 */
static void policy_resolve(const struct k8s_adm_config *cfg, json_t *labels,
			   struct adm_policy *p)
{
	static const struct {
		const char *mode;
		size_t off;
		enum k8s_pss_level on_bad;
	} modes[] = {
	    {"enforce", offsetof(struct adm_policy, enforce),
	     K8S_PSS_RESTRICTED},
	    {"audit", offsetof(struct adm_policy, audit), K8S_PSS_PRIVILEGED},
	    {"warn", offsetof(struct adm_policy, warn), K8S_PSS_PRIVILEGED},
	};

	memset(p, 0, sizeof(*p));
	p->enforce = cfg->enforce;
	p->audit = cfg->audit;
	p->warn = cfg->warn;
	if (!json_is_object(labels))
		return;
	for (size_t i = 0; i < 3; i++) {
		struct k8s_adm_lv *lv =
		    (struct k8s_adm_lv *)((char *)p + modes[i].off);
		char key[64];
		json_t *v;

		snprintf(key, sizeof(key), PSA_PREFIX "%s", modes[i].mode);
		v = json_object_get(labels, key);
		if (v) {
			const char *s =
			    json_is_string(v) ? json_string_value(v) : "";
			if (k8s_pss_level_parse(s, &lv->level)) {
				lv->level = modes[i].on_bad;
				policy_err(p, key, s,
					   "must be one of privileged, "
					   "baseline, restricted");
			}
		}
		snprintf(key, sizeof(key), PSA_PREFIX "%s-version",
			 modes[i].mode);
		v = json_object_get(labels, key);
		if (v) {
			const char *s =
			    json_is_string(v) ? json_string_value(v) : "";
			if (k8s_pss_version_parse(s, &lv->version)) {
				lv->version.minor = K8S_PSS_LATEST;
				policy_err(p, key, s,
					   "must be \"latest\" or \"v1.x\"");
			}
		}
	}
}

static json_t *ns_labels(const struct k8s_adm_config *cfg, const char *ns)
{
	if (!ns || !*ns || !cfg->namespaces)
		return NULL;
	return json_object_get(cfg->namespaces, ns);
}

static char *xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static void annotate(struct adm_out *out, const char *key, const char *value);
static void deny(struct adm_out *out, int code, const char *reason,
		 char *message);

/*
 * The labels of the request's namespace in *ret (borrowed; NULL: none).
 * Returns 0, or -1 when a lookup failed and the decision is made: denied,
 * or allowed with an "error" annotation under fail_open.
 */
static int labels_for(const struct k8s_adm_config *cfg, struct adm_req *rq,
		      struct adm_out *out, json_t **ret)
{
	struct bw_error err;
	json_t *l = NULL;
	char *msg;
	int rc;

	if (!rq->labels_fn || !rq->ns || !*rq->ns) {
		*ret = ns_labels(cfg, rq->ns);
		return 0;
	}
	if (rq->looked_up) {
		*ret = rq->looked_up;
		return 0;
	}
	bw_error_clear(&err);
	rc = rq->labels_fn(rq->labels_ctx, rq->ns, &l, &err);
	if (!rc && json_is_object(l)) {
		rq->looked_up = l;
		*ret = l;
		return 0;
	}
	json_decref(l);
	msg = xasprintf("namespace lookup failed: %s: %s", rq->ns,
			err.msg[0] ? err.msg : "no labels object");
	if (cfg->fail_open) {
		out->allowed = 1;
		if (msg)
			annotate(out, "error", msg);
		else
			out->failed = 1;
		free(msg);
		return -1;
	}
	deny(out, 500, "InternalError", msg);
	return -1;
}

static int in_set(json_t *set, const char *s)
{
	return s && *s && set && json_object_get(set, s) != NULL;
}

/* ---- output helpers -------------------------------------------------- */

static void annotate(struct adm_out *out, const char *key, const char *value)
{
	if (json_object_set_new(out->annotations, key, json_string(value)))
		out->failed = 1;
}

static void exempt(struct adm_out *out, const char *what)
{
	out->allowed = 1;
	out->exempt = what;
	annotate(out, "exempt", what);
}

static void deny(struct adm_out *out, int code, const char *reason,
		 char *message)
{
	out->allowed = 0;
	out->code = code;
	out->reason = reason;
	free(out->message);
	out->message = message;
	if (!message)
		out->failed = 1;
}

static char *xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

/* Appends s (at most max bytes, cut on a UTF-8 boundary with "...") to
 * out->warnings, within the response-wide count and byte limits. */
static void warn_add(struct adm_out *out, const char *s, size_t *total)
{
	char buf[K8S_ADM_WARNING_MAX + 1];
	size_t n = strlen(s);

	if (json_array_size(out->warnings) >= K8S_ADM_MAX_WARNINGS)
		return;
	if (n > K8S_ADM_WARNING_MAX) {
		n = K8S_ADM_WARNING_MAX - 3;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		memcpy(buf, s, n);
		memcpy(buf + n, "...", 4);
		n += 3;
	} else {
		memcpy(buf, s, n + 1);
	}
	if (*total + n > K8S_ADM_MAX_WARNINGS_BYTES)
		return;
	*total += n;
	if (json_array_append_new(out->warnings, json_string(buf)))
		out->failed = 1;
}

/* 'r1 (d1), r2 (d2)' -- PSA's ForbiddenDetail. */
static char *forbidden_detail(const struct k8s_pss_result *r)
{
	char *line = xasprintf("%s", "");

	for (size_t i = 0; line && i < r->n; i++) {
		const struct k8s_pss_violation *v = &r->v[i];
		char *next;

		if (v->detail && *v->detail)
			next = xasprintf("%s%s%s (%s)", line, i ? ", " : "",
					 nz(v->reason), v->detail);
		else
			next = xasprintf("%s%s%s", line, i ? ", " : "",
					 nz(v->reason));
		free(line);
		line = next;
	}
	return line;
}

/*
 * PSA's warning is 'would violate PodSecurity "L:V": r1 (d1), r2 (d2)'.
 * When that fits in K8S_ADM_WARNING_MAX it is sent as is; otherwise the
 * first warning carries the prefix and the reasons, and each violation
 * follows as its own 'reason (detail)' warning.
 */
static void warn_result(struct adm_out *out, const char *lv,
			const struct k8s_pss_result *r)
{
	size_t total = 0;
	char *d = forbidden_detail(r);
	char *w =
	    d ? xasprintf("would violate PodSecurity \"%s\": %s", lv, d) : NULL;
	char *reasons;

	free(d);
	if (!w) {
		out->failed = 1;
		return;
	}
	if (strlen(w) <= K8S_ADM_WARNING_MAX) {
		warn_add(out, w, &total);
		free(w);
		return;
	}
	free(w);
	reasons = xasprintf("%s", "");
	for (size_t i = 0; reasons && i < r->n; i++) {
		char *next = xasprintf("%s%s%s", reasons, i ? ", " : "",
				       nz(r->v[i].reason));
		free(reasons);
		reasons = next;
	}
	w = reasons
		? xasprintf("would violate PodSecurity \"%s\": %s", lv, reasons)
		: NULL;
	free(reasons);
	if (!w) {
		out->failed = 1;
		return;
	}
	warn_add(out, w, &total);
	free(w);
	for (size_t i = 0; i < r->n; i++) {
		const struct k8s_pss_violation *v = &r->v[i];

		w = v->detail && *v->detail
			? xasprintf("%s (%s)", nz(v->reason), v->detail)
			: xasprintf("%s", nz(v->reason));
		if (!w) {
			out->failed = 1;
			return;
		}
		warn_add(out, w, &total);
		free(w);
	}
}

/* ---- evaluation ------------------------------------------------------ */

/* Sets the denial of a pod that fails its enforce policy. */
static void deny_pod(const struct adm_req *rq, const char *lv,
		     const struct k8s_pss_result *r, struct adm_out *out)
{
	char *d = forbidden_detail(r), *msg = NULL;

	if (d && rq->name && *rq->name)
		msg =
		    xasprintf("pods \"%s\" is forbidden: violates PodSecurity "
			      "\"%s\": %s",
			      rq->name, lv, d);
	else if (d)
		msg =
		    xasprintf("pods is forbidden: violates PodSecurity \"%s\": "
			      "%s",
			      lv, d);
	free(d);
	deny(out, 403, "Forbidden", msg);
}

static void audit_violations(const char *lv, const struct k8s_pss_result *r,
			     struct adm_out *out)
{
	char *d = forbidden_detail(r);
	char *a =
	    d ? xasprintf("would violate PodSecurity \"%s\": %s", lv, d) : NULL;

	if (a)
		annotate(out, "audit-violations", a);
	else
		out->failed = 1;
	free(a);
	free(d);
}

/*
 * PSA's EvaluatePod: runtime class exemption, then enforce (pods only),
 * audit and warn, reusing a result when two modes share a level:version;
 * no warnings on a request that is denied anyway.
 */
static void evaluate(const struct k8s_adm_config *cfg, const struct adm_req *rq,
		     const struct adm_policy *p, json_t *meta, json_t *spec,
		     int enforce, struct adm_out *out)
{
	enum { ENFORCE, AUDIT, WARN };
	const struct k8s_adm_lv *lvs[3] = {&p->enforce, &p->audit, &p->warn};
	struct k8s_pss_result own[3];
	const struct k8s_pss_result *res[3] = {NULL, NULL, NULL};
	int owned[3] = {0, 0, 0};
	char lv[3][48];

	if (in_set(cfg->exempt_runtime_classes,
		   jstr(spec, "runtimeClassName"))) {
		exempt(out, "runtimeClass");
		return;
	}
	if (p->nerrs) {
		char *e = xasprintf("Failed to parse policy: %s%s%s",
				    p->nerrs > 1 ? "[" : "", p->errs,
				    p->nerrs > 1 ? "]" : "");
		if (e)
			annotate(out, "error", e);
		else
			out->failed = 1;
		free(e);
	}
	out->allowed = 1;
	for (int m = enforce ? ENFORCE : AUDIT; m <= WARN; m++) {
		lv_str(lvs[m], lv[m], sizeof(lv[m]));
		if (m == WARN && !out->allowed)
			break;
		for (int k = 0; k < m && !res[m]; k++)
			if (res[k] && lv_equal(lvs[k], lvs[m]))
				res[m] = res[k];
		if (!res[m]) {
			memset(&own[m], 0, sizeof(own[m]));
			if (k8s_pss_evaluate(meta, spec, lvs[m]->level,
					     lvs[m]->version, &own[m])) {
				out->failed = 1;
				break;
			}
			owned[m] = 1;
			res[m] = &own[m];
		}
		if (m == ENFORCE) {
			snprintf(out->enforce, sizeof(out->enforce), "%s",
				 lv[m]);
			annotate(out, "enforce-policy", lv[m]);
			out->violations = res[m]->n;
			if (!res[m]->allowed)
				deny_pod(rq, lv[m], res[m], out);
		} else if (m == AUDIT) {
			if (!enforce)
				out->violations = res[m]->n;
			if (!res[m]->allowed)
				audit_violations(lv[m], res[m], out);
		} else if (!res[m]->allowed) {
			warn_result(out, lv[m], res[m]);
		}
	}
	for (int m = 0; m < 3; m++)
		if (owned[m])
			k8s_pss_result_free(&own[m]);
}

/* ---- pods ------------------------------------------------------------ */

static const char *const ignored_pod_subresources[] = {
    "exec", "attach",	   "binding", "eviction",
    "log",  "portforward", "proxy",   "status",
};

static json_t *containers(json_t *pod, const char *list)
{
	json_t *a = k8s_get(pod, "spec");

	a = json_is_object(a) ? json_object_get(a, list) : NULL;
	return json_is_array(a) ? a : NULL;
}

static int str_differs(const char *a, const char *b)
{
	return strcmp(nz(a), nz(b)) != 0;
}

static int container_changed(json_t *c, json_t *oc, json_t *ann, json_t *oann)
{
	char key[320];
	const char *name = jstr(c, "name");

	if (str_differs(jstr(c, "image"), jstr(oc, "image")))
		return 1;
	snprintf(key, sizeof(key),
		 "container.seccomp.security.alpha.kubernetes.io/%s", nz(name));
	return str_differs(jstr(ann, key), jstr(oann, key));
}

/* PSA's isSignificantPodUpdate. */
static int significant_update(json_t *pod, json_t *old)
{
	static const char *const lists[] = {"containers", "initContainers"};
	json_t *ann = k8s_get(pod, "metadata.annotations");
	json_t *oann = k8s_get(old, "metadata.annotations");
	json_t *eph, *oeph, *c;
	size_t i;

	for (size_t l = 0; l < 2; l++) {
		json_t *a = containers(pod, lists[l]);
		json_t *oa = containers(old, lists[l]);

		if (json_array_size(a) != json_array_size(oa))
			return 1;
		for (i = 0; i < json_array_size(a); i++)
			if (container_changed(json_array_get(a, i),
					      json_array_get(oa, i), ann, oann))
				return 1;
	}
	eph = containers(pod, "ephemeralContainers");
	oeph = containers(old, "ephemeralContainers");
	json_array_foreach(eph, i, c)
	{
		json_t *oc = NULL, *x;
		size_t j;

		json_array_foreach(oeph, j, x)
		{
			if (!str_differs(jstr(x, "name"), jstr(c, "name"))) {
				oc = x;
				break;
			}
		}
		if (!oc || container_changed(c, oc, ann, oann))
			return 1;
	}
	return 0;
}

static void bad_object(const struct k8s_adm_config *cfg, struct adm_out *out,
		       const char *what)
{
	char *e = xasprintf("failed to decode %s", what);

	if (cfg->fail_open) {
		out->allowed = 1;
		if (e)
			annotate(out, "error", e);
		free(e);
		return;
	}
	deny(out, 400, "BadRequest", e);
}

static void validate_pod(const struct k8s_adm_config *cfg, struct adm_req *rq,
			 struct adm_out *out)
{
	struct adm_policy p;
	json_t *labels;
	json_t *spec;

	for (size_t i = 0; i < sizeof(ignored_pod_subresources) /
				   sizeof(ignored_pod_subresources[0]);
	     i++)
		if (!strcmp(nz(rq->sub), ignored_pod_subresources[i])) {
			out->allowed = 1;
			return;
		}
	if (in_set(cfg->exempt_namespaces, rq->ns))
		return exempt(out, "namespace");
	if (in_set(cfg->exempt_users, rq->user))
		return exempt(out, "user");
	if (labels_for(cfg, rq, out, &labels))
		return;
	policy_resolve(cfg, labels, &p);
	if (!p.nerrs && p.enforce.level == K8S_PSS_PRIVILEGED &&
	    p.audit.level == K8S_PSS_PRIVILEGED &&
	    p.warn.level == K8S_PSS_PRIVILEGED) {
		out->allowed = 1;
		snprintf(out->enforce, sizeof(out->enforce),
			 "privileged:latest");
		annotate(out, "enforce-policy", "privileged:latest");
		return;
	}
	spec = json_is_object(rq->object) ? json_object_get(rq->object, "spec")
					  : NULL;
	if (!json_is_object(spec))
		return bad_object(cfg, out, "pod");
	if (!strcmp(rq->op, "UPDATE")) {
		if (!json_is_object(rq->old) ||
		    !json_is_object(json_object_get(rq->old, "spec")))
			return bad_object(cfg, out, "old pod");
		if (!significant_update(rq->object, rq->old)) {
			out->allowed = 1;
			return;
		}
	}
	evaluate(cfg, rq, &p, json_object_get(rq->object, "metadata"), spec, 1,
		 out);
}

/* ---- workloads ------------------------------------------------------- */

static const struct {
	const char *group, *resource, *kind;
} pod_spec_resources[] = {
    {"", "replicationcontrollers", "ReplicationController"},
    {"", "podtemplates", "PodTemplate"},
    {"apps", "replicasets", "ReplicaSet"},
    {"apps", "deployments", "Deployment"},
    {"apps", "statefulsets", "StatefulSet"},
    {"apps", "daemonsets", "DaemonSet"},
    {"batch", "jobs", "Job"},
    {"batch", "cronjobs", "CronJob"},
};

static void validate_controller(const struct k8s_adm_config *cfg,
				struct adm_req *rq, const char *kind,
				struct adm_out *out)
{
	struct adm_policy p;
	json_t *labels;
	struct k8s_object o;
	json_t *spec = NULL, *meta = NULL;

	out->allowed = 1;
	if (rq->sub && *rq->sub)
		return;
	if (in_set(cfg->exempt_namespaces, rq->ns))
		return exempt(out, "namespace");
	if (in_set(cfg->exempt_users, rq->user))
		return exempt(out, "user");
	if (labels_for(cfg, rq, out, &labels))
		return;
	policy_resolve(cfg, labels, &p);
	if (!p.nerrs && p.audit.level == K8S_PSS_PRIVILEGED &&
	    p.warn.level == K8S_PSS_PRIVILEGED)
		return;
	if (!json_is_object(rq->object)) {
		annotate(out, "error", "failed to decode object");
		return;
	}
	memset(&o, 0, sizeof(o));
	o.obj = rq->object;
	o.kind = kind;
	if (k8s_pod_spec(&o, &spec, &meta, NULL))
		return; /* no pod template: nothing to check */
	evaluate(cfg, rq, &p, meta, spec, 0, out);
	out->allowed = 1;
}

/* ---- namespaces ------------------------------------------------------ */

static void validate_namespace(const struct k8s_adm_config *cfg,
			       const struct adm_req *rq, struct adm_out *out)
{
	struct adm_policy np, op;
	char *msg;

	out->allowed = 1;
	if (rq->sub && *rq->sub)
		return;
	if (!json_is_object(rq->object)) {
		deny(out, 400, "BadRequest",
		     xasprintf("failed to decode namespace"));
		return;
	}
	policy_resolve(cfg, k8s_get(rq->object, "metadata.labels"), &np);
	if (!np.nerrs)
		return;
	if (!strcmp(rq->op, "UPDATE")) {
		if (!json_is_object(rq->old)) {
			deny(out, 400, "BadRequest",
			     xasprintf("failed to decode old namespace"));
			return;
		}
		policy_resolve(cfg, k8s_get(rq->old, "metadata.labels"), &op);
		if (op.nerrs && !strcmp(op.errs, np.errs))
			return; /* unchanged invalid labels stay allowed */
	}
	msg = xasprintf("Namespace \"%s\" is invalid: %s%s%s", nz(rq->name),
			np.nerrs > 1 ? "[" : "", np.errs,
			np.nerrs > 1 ? "]" : "");
	deny(out, 422, "Invalid", msg);
}

/* ---- mutation: defaults as a JSONPatch ------------------------------- */

/*
 * /mutate adds spec.securityContext.seccompProfile {type: RuntimeDefault}
 * to pods created without one at pod level (restricted requires a seccomp
 * profile; RuntimeDefault is what the kubelet's SeccompDefault gate would
 * apply).  Windows pods, exempt pods and subresources are left alone.
 */
static void mutate_pod(const struct k8s_adm_config *cfg,
		       const struct adm_req *rq, struct adm_out *out)
{
	json_t *spec, *sc, *op;

	out->allowed = 1;
	if (strcmp(rq->op, "CREATE") || (rq->sub && *rq->sub))
		return;
	if (in_set(cfg->exempt_namespaces, rq->ns) ||
	    in_set(cfg->exempt_users, rq->user))
		return;
	spec = json_is_object(rq->object) ? json_object_get(rq->object, "spec")
					  : NULL;
	if (!json_is_object(spec) ||
	    in_set(cfg->exempt_runtime_classes, jstr(spec, "runtimeClassName")))
		return;
	if (!strcmp(nz(jstr(json_object_get(spec, "os"), "name")), "windows"))
		return;
	sc = json_object_get(spec, "securityContext");
	if (json_is_object(sc) && json_object_get(sc, "seccompProfile") &&
	    !json_is_null(json_object_get(sc, "seccompProfile")))
		return;
	if (json_is_object(sc))
		op = json_pack("{s:s, s:s, s:{s:s}}", "op", "add", "path",
			       "/spec/securityContext/seccompProfile", "value",
			       "type", "RuntimeDefault");
	else
		op = json_pack("{s:s, s:s, s:{s:{s:s}}}", "op",
			       json_is_null(sc) ? "replace" : "add", "path",
			       "/spec/securityContext", "value",
			       "seccompProfile", "type", "RuntimeDefault");
	if (sc && !json_is_object(sc) && !json_is_null(sc)) {
		json_decref(op);
		return; /* not a pod the API server would accept anyway */
	}
	out->patch = json_array();
	if (!op || !out->patch || json_array_append_new(out->patch, op))
		out->failed = 1;
}

/* ---- request and response ------------------------------------------- */

static int parse_request(json_t *root, struct adm_req *rq, struct bw_error *err)
{
	const char *av, *kind;
	json_t *req, *res;

	if (!json_is_object(root))
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "request body is not a JSON object");
	av = jstr(root, "apiVersion");
	kind = jstr(root, "kind");
	if (!av || strcmp(av, "admission.k8s.io/v1"))
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "unsupported apiVersion \"%.64s\": this "
				 "webhook serves admission.k8s.io/v1 (set "
				 "admissionReviewVersions: [v1])",
				 av ? av : "");
	if (!kind || strcmp(kind, "AdmissionReview"))
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "unsupported kind \"%.64s\": expected "
				 "AdmissionReview",
				 kind ? kind : "");
	req = json_object_get(root, "request");
	if (!json_is_object(req))
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "AdmissionReview has no request object");
	memset(rq, 0, sizeof(*rq));
	rq->uid = jstr(req, "uid");
	if (!rq->uid || !*rq->uid)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "AdmissionReview request has no uid");
	rq->op = nz(jstr(req, "operation"));
	rq->user = jstr(json_object_get(req, "userInfo"), "username");
	rq->ns = jstr(req, "namespace");
	rq->name = jstr(req, "name");
	res = json_object_get(req, "resource");
	rq->group = nz(jstr(res, "group"));
	rq->resource = nz(jstr(res, "resource"));
	rq->sub = jstr(req, "subResource");
	rq->kind = jstr(json_object_get(req, "kind"), "kind");
	rq->object = json_object_get(req, "object");
	rq->old = json_object_get(req, "oldObject");
	if (!rq->name || !*rq->name)
		rq->name =
		    jstr(json_object_get(rq->object, "metadata"), "name");
	return 0;
}

static void decide(const struct k8s_adm_config *cfg, enum k8s_adm_mode mode,
		   struct adm_req *rq, struct adm_out *out)
{
	out->allowed = 1;
	if (strcmp(rq->op, "CREATE") && strcmp(rq->op, "UPDATE"))
		return; /* PSA handles CREATE and UPDATE only */
	if (!*rq->group && !strcmp(rq->resource, "pods")) {
		if (mode == K8S_ADM_MUTATE)
			mutate_pod(cfg, rq, out);
		else
			validate_pod(cfg, rq, out);
		return;
	}
	if (mode == K8S_ADM_MUTATE)
		return;
	if (!*rq->group && !strcmp(rq->resource, "namespaces")) {
		validate_namespace(cfg, rq, out);
		return;
	}
	for (size_t i = 0;
	     i < sizeof(pod_spec_resources) / sizeof(pod_spec_resources[0]);
	     i++)
		if (!strcmp(rq->group, pod_spec_resources[i].group) &&
		    !strcmp(rq->resource, pod_spec_resources[i].resource)) {
			validate_controller(cfg, rq, pod_spec_resources[i].kind,
					    out);
			return;
		}
}

static char *b64(const char *s, size_t n)
{
	char *out = malloc(4 * ((n + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s,
				(int)n);
	return out;
}

static json_t *build_response(const struct adm_req *rq, struct adm_out *out)
{
	json_t *resp =
	    json_pack("{s:s, s:b}", "uid", rq->uid, "allowed", out->allowed);

	if (!resp)
		return NULL;
	if (!out->allowed) {
		json_t *st =
		    json_pack("{s:s, s:s, s:s, s:i}", "status", "Failure",
			      "message", out->message ? out->message : "denied",
			      "reason", out->reason ? out->reason : "Forbidden",
			      "code", out->code ? out->code : 403);
		if (!st || json_object_set_new(resp, "status", st))
			goto fail;
		if (out->code == 403) {
			json_t *d = json_pack("{s:s, s:s}", "name",
					      nz(rq->name), "kind", "pods");
			if (!d || json_object_set_new(st, "details", d))
				goto fail;
		}
	}
	if (json_array_size(out->warnings) &&
	    json_object_set(resp, "warnings", out->warnings))
		goto fail;
	if (json_object_size(out->annotations) &&
	    json_object_set(resp, "auditAnnotations", out->annotations))
		goto fail;
	if (out->patch) {
		char *p = json_dumps(out->patch, JSON_COMPACT);
		char *enc = p ? b64(p, strlen(p)) : NULL;

		free(p);
		if (!enc ||
		    json_object_set_new(resp, "patchType",
					json_string("JSONPatch")) ||
		    json_object_set_new(resp, "patch", json_string(enc))) {
			free(enc);
			goto fail;
		}
		free(enc);
	}
	return json_pack("{s:s, s:s, s:o}", "apiVersion", "admission.k8s.io/v1",
			 "kind", "AdmissionReview", "response", resp);
fail:
	json_decref(resp);
	return NULL;
}

static json_t *build_audit(const struct adm_req *rq, const struct adm_out *o)
{
	json_t *a = json_pack(
	    "{s:s, s:s?, s:s?, s:s?, s:s?, s:s, s:b, s:s?, s:I}", "uid",
	    rq->uid, "user", rq->user, "namespace", rq->ns, "kind", rq->kind,
	    "name", rq->name, "operation", rq->op, "allowed", o->allowed,
	    "enforce", *o->enforce ? o->enforce : NULL, "violations",
	    (json_int_t)o->violations);

	if (a && rq->sub && *rq->sub)
		json_object_set_new(a, "subresource", json_string(rq->sub));
	if (a && o->exempt)
		json_object_set_new(a, "exempt", json_string(o->exempt));
	if (a && json_object_get(o->annotations, "error"))
		json_object_set(a, "error",
				json_object_get(o->annotations, "error"));
	return a;
}

int k8s_adm_review(const struct k8s_adm_config *cfg, enum k8s_adm_mode mode,
		   const char *body, size_t len, struct k8s_adm_decision *ret,
		   struct bw_error *err)
{
	return k8s_adm_review_ex(cfg, mode, body, len, NULL, NULL, ret, err);
}

int k8s_adm_review_ex(const struct k8s_adm_config *cfg, enum k8s_adm_mode mode,
		      const char *body, size_t len, k8s_adm_labels_fn labels_fn,
		      void *labels_ctx, struct k8s_adm_decision *ret,
		      struct bw_error *err)
{
	struct adm_req rq;
	struct adm_out out;
	json_error_t jerr;
	json_t *root, *resp = NULL, *audit = NULL;
	char *text = NULL;
	int rc;

	if (!cfg || !body || !ret)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "no request body");
	if (len > K8S_ADM_MAX_BODY)
		return bw_errorf(err, -E2BIG, NULL, 0, 0,
				 "request body of %zu bytes exceeds the limit "
				 "of %u bytes",
				 len, K8S_ADM_MAX_BODY);
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return bw_errorf(err, -EINVAL, NULL, jerr.line, jerr.column,
				 "malformed JSON: %s", jerr.text);
	rc = parse_request(root, &rq, err);
	if (rc) {
		json_decref(root);
		return rc;
	}
	rq.labels_fn = labels_fn;
	rq.labels_ctx = labels_ctx;
	rq.looked_up = NULL;
	memset(&out, 0, sizeof(out));
	out.warnings = json_array();
	out.annotations = json_object();
	if (!out.warnings || !out.annotations)
		out.failed = 1;
	else
		decide(cfg, mode, &rq, &out);
	if (!out.failed) {
		resp = build_response(&rq, &out);
		audit = build_audit(&rq, &out);
		text = resp ? json_dumps(resp, JSON_COMPACT) : NULL;
	}
	json_decref(resp);
	free(out.message);
	json_decref(out.warnings);
	json_decref(out.annotations);
	json_decref(out.patch);
	json_decref(rq.looked_up);
	if (!text || !audit) {
		free(text);
		json_decref(audit);
		json_decref(root);
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	}
	/* the audit record holds copies: the request tree can go */
	json_decref(root);
	ret->body = text;
	ret->body_len = strlen(text);
	ret->allowed = out.allowed;
	ret->audit = audit;
	return 0;
}

void k8s_adm_decision_free(struct k8s_adm_decision *d)
{
	if (!d)
		return;
	free(d->body);
	json_decref(d->audit);
	memset(d, 0, sizeof(*d));
}
