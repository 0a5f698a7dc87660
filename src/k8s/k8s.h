/*
 * k8s.h - Kubernetes objects for compliance checks: manifests read from
 * YAML/JSON files, workloads reduced to their pod template, Pod Security
 * Standards, best-practice checks and RBAC analysis.
 *
 * Object model.  Every object read from a manifest is a jansson tree
 * (json_t) -- YAML is converted on load with the Kubernetes YAML rules (see
 * k8s_load_buffer) -- plus where it came from: file, document index, item
 * index inside a List, and the line its document starts on.  Checks walk
 * the tree; a finding names the object and a field path such as
 * "spec.template.spec.containers[0].securityContext.privileged".
 *
 * Ownership: a struct k8s_set owns its objects (each json_t holds one
 * reference, dropped by k8s_set_free).  kind/name/ns/api_version point into
 * the tree and live as long as it.  Functions returning allocated memory say
 * so; everything else is borrowed.
 */
#ifndef BW_K8S_K8S_H
#define BW_K8S_K8S_H

#include <jansson.h>
#include <stddef.h>

#include "common/error.h"
#include "report/finding.h"

/* ---- limits --------------------------------------------------------------- */
#define K8S_MAX_FILE_BYTES (64u << 20)	/* one manifest file or stdin */
#define K8S_MAX_DOCS 100000		/* documents in one file */
#define K8S_MAX_DEPTH 100		/* nesting of YAML/JSON collections */
#define K8S_MAX_ALIAS_NODES 1000000	/* nodes created by alias expansion
					   (billion laughs) per document */
#define K8S_MAX_OBJECTS 1000000		/* objects in one set */

struct k8s_object {
	json_t *obj;		 /* the object (owned reference) */
	char *file;		 /* as given, "-" for stdin (owned) */
	int doc;		 /* 0-based document index in the file */
	int item;		 /* index in a List's items, -1 otherwise */
	int line;		 /* 1-based line where the document starts */
	const char *api_version; /* "apps/v1" (NULL if absent) */
	const char *kind;	 /* "Deployment" (NULL if absent) */
	const char *name;	 /* metadata.name (or generateName), NULL */
	const char *ns;		 /* metadata.namespace, NULL if unset */
};

struct k8s_set {
	struct k8s_object *objs;
	size_t n, cap;
};

typedef void (*k8s_warn_fn)(void *ctx, const struct bw_error *err);

/*
 * Reads manifests: a file (YAML, multi-document, or JSON), "-" for stdin,
 * or a directory walked recursively for *.yaml, *.yml and *.json (hidden
 * entries and symlinks to directories skipped).  Objects of a kind ending
 * in "List" with an items array contribute each item.  Empty documents and
 * null documents are skipped; a document that is not a mapping, or lacks
 * kind/apiVersion, is reported through warn (file, document, line) and
 * skipped, as is an invalid YAML document (the message gives line and
 * column; the following documents are still read when the parser can
 * resynchronise).  Returns 0, or a negative code when the path cannot be
 * read at all.
 */
int k8s_load_path(struct k8s_set *set, const char *path, k8s_warn_fn warn,
		  void *ctx, struct bw_error *err);

/*
 * Reads manifests from memory (label names the input in messages and is
 * copied into each object's file).  YAML scalars are resolved as
 * Kubernetes does (sigs.k8s.io/yaml over YAML 1.1-compatible rules for the
 * values manifests use): null/~/empty -> null, true/false (any case) ->
 * boolean, integers (decimal, 0x, 0o) and floats -> numbers, quoted or
 * block scalars -> strings; anchors and aliases are expanded up to
 * K8S_MAX_ALIAS_NODES; duplicate mapping keys are an error.  JSON input
 * is YAML too.
 */
int k8s_load_buffer(struct k8s_set *set, const char *buf, size_t len,
		    const char *label, k8s_warn_fn warn, void *ctx,
		    struct bw_error *err);

void k8s_set_free(struct k8s_set *set);

/* Appends an object (takes a new reference to obj; copies file). */
int k8s_set_add(struct k8s_set *set, json_t *obj, const char *file, int doc,
		int item, int line);

/* ---- workloads --------------------------------------------------------- */

/*
 * The pod spec of a Pod or of a workload's pod template (Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job: spec.
 * template; CronJob: spec.jobTemplate.spec.template).  Writes the spec, the
 * metadata that applies to the pods (the Pod's own, or the template's) and
 * the field path of the spec ("spec", "spec.template.spec",
 * "spec.jobTemplate.spec.template.spec").  Returns 0, or -ENOENT when the
 * object is not a workload or has no pod spec.  ret_meta may be NULL.
 */
int k8s_pod_spec(const struct k8s_object *o, json_t **ret_spec,
		 json_t **ret_meta, const char **ret_path);

enum k8s_container_kind {
	K8S_CONTAINER,		/* spec.containers */
	K8S_INIT_CONTAINER,	/* spec.initContainers */
	K8S_EPHEMERAL_CONTAINER /* spec.ephemeralContainers */
};

/* Calls fn for every container of a pod spec, init containers first, then
 * containers, then ephemeral containers (the admission controller's
 * order).  path is e.g. "initContainers[0]" (relative to the spec).  Stops
 * and returns fn's value when it is non-zero. */
int k8s_each_container(json_t *spec,
		       int (*fn)(void *ctx, json_t *c,
				 enum k8s_container_kind kind,
				 const char *path),
		       void *ctx);

/* Dotted/indexed lookup: k8s_get(obj, "spec.template.metadata.labels");
 * NULL when any step is missing or of the wrong type. */
json_t *k8s_get(json_t *obj, const char *dotted);

/* "Deployment/default/web" style label into buf (namespace "default" shown
 * only when set). */
const char *k8s_object_label(const struct k8s_object *o, char *buf,
			     size_t len);

/* ---- Pod Security Standards (pss.c, pss_checks.c) ------------------------ */

enum k8s_pss_level {
	K8S_PSS_PRIVILEGED,
	K8S_PSS_BASELINE,
	K8S_PSS_RESTRICTED,
};

/* A policy version: v1.minor, or latest (minor = K8S_PSS_LATEST). */
#define K8S_PSS_LATEST 10000
struct k8s_pss_version {
	int minor; /* 0..K8S_PSS_LATEST; major is always 1 */
};

/* "privileged"|"baseline"|"restricted" -> 0, else -EINVAL. */
int k8s_pss_level_parse(const char *s, enum k8s_pss_level *ret);
/* "latest" or "v1.N" -> 0, else -EINVAL. */
int k8s_pss_version_parse(const char *s, struct k8s_pss_version *ret);
const char *k8s_pss_level_name(enum k8s_pss_level l);

/* One failed check, as the admission controller words it. */
struct k8s_pss_violation {
	const char *check;  /* check id: "privileged", "hostNamespaces", ...
			       (static) */
	char *reason;	    /* ForbiddenReason: "privileged" (owned) */
	char *detail;	    /* ForbiddenDetail: container "x" must not set
			       securityContext.privileged=true (owned) */
};

struct k8s_pss_result {
	int allowed;
	struct k8s_pss_violation *v;
	size_t n;
};

/*
 * Evaluates a pod (its metadata and spec, as from k8s_pod_spec) against a
 * level and version exactly as the upstream Pod Security Admission
 * controller (k8s.io/pod-security-admission/policy) does, including which
 * checks apply at which version, init and ephemeral containers, and the
 * Windows / hostUsers: false relaxations.  Fills *ret (caller frees with
 * k8s_pss_result_free).  Returns 0 or -ENOMEM.
 */
int k8s_pss_evaluate(json_t *meta, json_t *spec, enum k8s_pss_level level,
		     struct k8s_pss_version version, struct k8s_pss_result *ret);
void k8s_pss_result_free(struct k8s_pss_result *r);

/*
 * The admission controller's denial text: 'violates PodSecurity
 * "restricted:v1.29": reason1 (detail1), reason2 (detail2)' (version
 * "latest" printed as "latest").  Returns a new string (caller frees).
 */
char *k8s_pss_message(const struct k8s_pss_result *r, enum k8s_pss_level l,
		      struct k8s_pss_version v);

/* ---- admission webhook (admission.c, admission_config.c,
 *      admission_server.c) ------------------------------------------------
 *
 * A validating (and optionally mutating) webhook that applies the Pod
 * Security Standards the way the upstream PodSecurity admission controller
 * does: defaults and exemptions come from a configuration file
 * (k8s_adm_config_load), namespace labels from that file or, with
 * --namespace-labels api, from the API server (k8s_adm_nsapi_*).
 *
 * The decision (k8s_adm_review) is a pure function from an AdmissionReview
 * request body to a response body, so it is unit-tested and fuzzed on its
 * own; the HTTPS server (k8s_adm_server_*) only moves bytes and timing.
 *
 * Thread model: a loaded struct k8s_adm_config is read-only and may be
 * shared by any number of threads calling k8s_adm_review.  The server runs
 * libmicrohttpd's internal thread pool; each pool thread polls many
 * connections, so a stalled client never blocks the others.  The audit
 * callback is called from pool threads concurrently and must serialise its
 * own writes.
 */
#define K8S_ADM_MAX_BODY (3u << 20)	 /* request body (API server default) */
#define K8S_ADM_WARNING_MAX 120		 /* bytes in one warning */
#define K8S_ADM_MAX_WARNINGS 32		 /* warnings in one response */
#define K8S_ADM_MAX_WARNINGS_BYTES 4096	 /* all warnings of a response */
#define K8S_ADM_MAX_CONFIG_BYTES (16u << 20) /* --config file */
#define K8S_ADM_MAX_NAMESPACES 100000	 /* namespaces in the config */

/* A mode's policy: level and version ("restricted:v1.29"). */
struct k8s_adm_lv {
	enum k8s_pss_level level;
	struct k8s_pss_version version;
};

struct k8s_adm_config {
	struct k8s_adm_lv enforce, audit, warn; /* defaults for unlabelled
						   namespaces */
	json_t *namespaces;	     /* name -> {label: value} (owned) */
	json_t *exempt_users;	     /* set: name -> true (owned) */
	json_t *exempt_namespaces;   /* set (owned) */
	json_t *exempt_runtime_classes; /* set (owned) */
	int fail_open; /* an AdmissionReview whose pod cannot be decoded is
			  allowed (with an audit annotation) instead of
			  denied; also: a failed namespace lookup allows */
	/* Bulwark's `apiServer: {url, caFile, tokenFile}` (owned, NULL when
	   not set): where --namespace-labels api reads Namespace objects */
	char *api_url, *api_ca_file, *api_token_file;
};

/* Upstream defaults: privileged:latest for every mode, no exemptions, no
 * namespaces.  Returns 0 or -ENOMEM. */
int k8s_adm_config_init(struct k8s_adm_config *cfg);
void k8s_adm_config_free(struct k8s_adm_config *cfg);

/*
 * Reads a configuration (YAML or JSON, several documents): a
 * PodSecurityConfiguration (pod-security.admission.config.k8s.io/v1:
 * defaults, exemptions, plus Bulwark's `namespaces: {name: {labels}}`), or an
 * apiserver AdmissionConfiguration holding one in its PodSecurity plugin,
 * and any number of Namespace objects (or a List of them, as printed by
 * `kubectl get ns -o yaml`) whose metadata.labels are used.  cfg must have
 * been initialised; what the file sets replaces the defaults.  Invalid
 * levels, versions or types are errors naming the file and document.
 */
int k8s_adm_config_load(struct k8s_adm_config *cfg, const char *path,
			struct bw_error *err);
int k8s_adm_config_load_buffer(struct k8s_adm_config *cfg, const char *buf,
			       size_t len, const char *label,
			       struct bw_error *err);

enum k8s_adm_mode {
	K8S_ADM_VALIDATE, /* /validate: PSA decision */
	K8S_ADM_MUTATE,	  /* /mutate: defaults as a JSONPatch */
};

struct k8s_adm_decision {
	char *body;	/* AdmissionReview response JSON (owned) */
	size_t body_len;
	int allowed;
	json_t *audit; /* fields of the audit line: uid, user, namespace,
			  kind, name, operation, allowed, enforce,
			  violations, [exempt], [error] (owned) */
};

/*
 * Decides one AdmissionReview (admission.k8s.io/v1) request body.  Returns
 * 0 and fills *ret with the response to send with HTTP 200 (allowed or
 * denied); -E2BIG when len > K8S_ADM_MAX_BODY (HTTP 413); -EINVAL when the
 * body is not an AdmissionReview v1 request -- malformed JSON, wrong
 * apiVersion or kind, no request or uid (HTTP 400, err->msg says why);
 * -ENOMEM.  Follows the PodSecurity admission controller: pods (and the
 * ephemeralcontainers and other non-ignored subresources) are enforced,
 * workload templates only audited and warned, namespaces' policy labels
 * validated; UPDATEs of pods are evaluated only when a container image (or
 * container seccomp annotation) changed or a container was added.
 */
int k8s_adm_review(const struct k8s_adm_config *cfg, enum k8s_adm_mode mode,
		   const char *body, size_t len, struct k8s_adm_decision *ret,
		   struct bw_error *err);
void k8s_adm_decision_free(struct k8s_adm_decision *d);

/*
 * Where namespace labels come from when not from cfg->namespaces: called
 * (at most once per review, only when a pod or workload in a non-exempt
 * namespace is decided) with the request's namespace.  Returns 0 and a new
 * reference to its labels object in *ret_labels (an empty object: a
 * namespace without labels), or a negative code with err->msg saying why:
 * the review then denies (500, "namespace lookup failed: ...") unless
 * cfg->fail_open, which allows with an "error" audit annotation.
 */
typedef int (*k8s_adm_labels_fn)(void *ctx, const char *ns,
				 json_t **ret_labels, struct bw_error *err);

/* k8s_adm_review with namespace labels from labels_fn (NULL: the
 * configuration's); the labels replace the configuration's for that
 * namespace.  Deterministic given what labels_fn returns. */
int k8s_adm_review_ex(const struct k8s_adm_config *cfg,
		      enum k8s_adm_mode mode, const char *body, size_t len,
		      k8s_adm_labels_fn labels_fn, void *labels_ctx,
		      struct k8s_adm_decision *ret, struct bw_error *err);

/* ---- namespace labels from the API server (admission_nsapi.c) ----------
 *
 * A bounded, thread-safe cache of namespace -> labels with a TTL, and a
 * client that fills it with GET {url}/api/v1/namespaces/{ns} over verified
 * TLS (libcurl) with a bearer token re-read from its file every minute
 * (service-account tokens rotate).  404 -> no labels (cached too). */
#define K8S_ADM_NSCACHE_MAX 4096	/* default entries */
#define K8S_ADM_NSCACHE_TTL_MS 10000	/* default TTL */

struct k8s_adm_nscache;

int k8s_adm_nscache_new(size_t max_entries, unsigned ttl_ms,
			struct k8s_adm_nscache **ret);
void k8s_adm_nscache_free(struct k8s_adm_nscache *c);
/* 0 and a new reference (a copy) in *ret_labels when ns is cached and not
 * older than the TTL at now_ms; -ENOENT otherwise. */
int k8s_adm_nscache_get(struct k8s_adm_nscache *c, const char *ns,
			unsigned long long now_ms, json_t **ret_labels);
/* Stores a copy of labels; when full, drops expired entries, then the
 * oldest.  0, -EINVAL or -ENOMEM. */
int k8s_adm_nscache_put(struct k8s_adm_nscache *c, const char *ns,
			json_t *labels, unsigned long long now_ms);
size_t k8s_adm_nscache_size(struct k8s_adm_nscache *c);

struct k8s_adm_nsapi_opts {
	const char *url;	/* "https://10.0.0.1:443" */
	const char *ca_file;	/* PEM bundle; NULL: the system's */
	const char *token_file; /* NULL: no Authorization header */
	unsigned timeout_ms;	/* whole request, 0 = 2000 */
	unsigned ttl_ms;	/* 0 = K8S_ADM_NSCACHE_TTL_MS */
	size_t max_entries;	/* 0 = K8S_ADM_NSCACHE_MAX */
};

struct k8s_adm_nsapi;

/* Checks the options (and that the token file reads) and returns the
 * client.  The caller has called curl_global_init. */
int k8s_adm_nsapi_new(const struct k8s_adm_nsapi_opts *o,
		      struct k8s_adm_nsapi **ret, struct bw_error *err);
void k8s_adm_nsapi_free(struct k8s_adm_nsapi *a);
/* A k8s_adm_labels_fn (ctx: the struct k8s_adm_nsapi); thread-safe. */
int k8s_adm_nsapi_labels(void *ctx, const char *ns, json_t **ret_labels,
			 struct bw_error *err);

/* An audit line (one JSON object, no newline) from a server thread. */
typedef void (*k8s_adm_audit_fn)(void *ctx, const char *line, size_t len);

struct k8s_adm_server_opts {
	const char *listen;	/* ":8443", "127.0.0.1:8443", "[::1]:8443" */
	const char *cert_pem;	/* PEM text; NULL with key_pem NULL: plain
				   HTTP (tests, or behind a TLS proxy) */
	const char *key_pem;
	unsigned threads;	/* pool size, 0 = 4 */
	unsigned timeout_s;	/* idle connection timeout, 0 = 10 */
	unsigned max_conns;	/* connection limit, 0 = 512 */
	const struct k8s_adm_config *cfg; /* borrowed, read-only while the
					      server runs */
	k8s_adm_audit_fn audit; /* may be NULL */
	void *audit_ctx;
	k8s_adm_labels_fn labels_fn; /* NULL: labels from cfg */
	void *labels_ctx;
};

struct k8s_adm_server;

/*
 * Starts serving: POST /validate (and /) and /mutate with an AdmissionReview,
 * GET /healthz -> "ok".  Bodies over K8S_ADM_MAX_BODY -> 413, non-JSON
 * content types -> 415, bad requests -> 400, each with a JSON error.
 * Returns 0 and the running server in *ret, or a negative code (bad listen
 * address, TLS material, port in use).
 */
int k8s_adm_server_start(const struct k8s_adm_server_opts *o,
			 struct k8s_adm_server **ret, struct bw_error *err);
/* The bound port (useful with port 0). */
unsigned k8s_adm_server_port(const struct k8s_adm_server *s);
/* Stops and frees (NULL is a no-op). */
void k8s_adm_server_stop(struct k8s_adm_server *s);

/* ---- RBAC analysis (rbac.c, rbac_checks.c) ------------------------------ */

/*
 * RBAC (rbac.authorization.k8s.io/v1) as the upstream authorizer sees it.
 * k8s_rbac_build reads every Role, ClusterRole (aggregationRule resolved:
 * a ClusterRole with clusterRoleSelectors holds its own rules plus those
 * of every ClusterRole whose labels match a selector, transitively),
 * RoleBinding, ClusterRoleBinding and ServiceAccount of a set and expands
 * the bindings into one struct k8s_rbac_perm per (binding subject, rule).
 * A ClusterRoleBinding grants cluster-wide; a RoleBinding grants only in
 * its own namespace, also when it refers to a ClusterRole, never on
 * cluster-scoped resources (nodes, CSRs, ...) and never nonResourceURLs.
 * ClusterRoles referenced but absent from the set are taken from a small
 * built-in table (cluster-admin, admin, edit, view: the bootstrap policy,
 * abridged); other missing roles are reported through warn.
 *
 * Requests are matched as the RBAC authorizer does: verb equal or "*";
 * apiGroup equal or "*"; resource equal, "*", "resource/subresource" or
 * "*\/subresource"; resourceNames, when listed, must name the object.  A
 * request without a name (who can get secrets?) still matches a rule
 * limited by resourceNames, flagged names_limited -- except "create" of a
 * resource, which such a rule never allows.  Non-resource requests
 * ("/metrics") match nonResourceURLs (exact, or a prefix ending in "*").
 */
#include "vulndb/vulndb.h"

#define K8S_RBAC_MAX_PERMS (1u << 22)	   /* expanded grants in one model */
#define K8S_RBAC_MAX_ROLE_RULES 10000	   /* rules of one effective role */
#define K8S_RBAC_MAX_AGGREGATION_DEPTH 16 /* aggregated role chains */

enum k8s_rbac_subject_kind {
	K8S_RBAC_USER,
	K8S_RBAC_GROUP,
	K8S_RBAC_SERVICE_ACCOUNT,
};

struct k8s_rbac_subject {
	enum k8s_rbac_subject_kind kind;
	const char *name;
	const char *ns; /* ServiceAccount only (a RoleBinding's namespace when
			   the subject omits it); NULL otherwise */
};

/* One rule granted to one subject through one binding (all borrowed from
 * the set or the model). */
struct k8s_rbac_perm {
	struct k8s_rbac_subject subject;
	const struct k8s_object *binding; /* RoleBinding / ClusterRoleBinding */
	int subject_index;		  /* subjects[i] of the binding */
	const char *role_kind;		  /* roleRef.kind */
	const char *role_name;		  /* roleRef.name */
	const struct k8s_object *role;	  /* NULL for a built-in role */
	int builtin;			  /* role from the built-in table */
	const char *rule_role; /* ClusterRole/Role whose rules[] hold the
				  rule (differs from role_name when the
				  rule is aggregated) */
	int rule_index;	       /* index in rule_role's rules */
	json_t *rule;	       /* the PolicyRule */
	const char *ns;	       /* where it applies; NULL = cluster-wide */
};

struct k8s_rbac {
	struct k8s_rbac_perm *perms; /* in set order of the bindings */
	size_t n, cap;
	const struct k8s_set *set;   /* borrowed */
	json_t *builtin;	     /* built-in ClusterRoles (owned) */
};

/*
 * Builds the model of a set (which must outlive it).  Bindings whose role
 * is missing, or that are malformed, are reported through warn (may be
 * NULL) and skipped.  Returns 0 and *ret (free with k8s_rbac_free),
 * -ENOMEM, or -E2BIG past K8S_RBAC_MAX_PERMS (err filled).
 */
int k8s_rbac_build(const struct k8s_set *set, k8s_warn_fn warn, void *ctx,
		   struct k8s_rbac **ret, struct bw_error *err);
void k8s_rbac_free(struct k8s_rbac *r);

/*
 * "User:alice", "Group:system:authenticated", "ServiceAccount:ns/name" or
 * "ServiceAccount:ns:name" (kinds case-insensitive; "sa" too).  name and ns
 * point into s -- except that ns/name of a service account are copied into
 * buf (len bytes).  Returns 0 or -EINVAL.
 */
int k8s_rbac_subject_parse(const char *s, struct k8s_rbac_subject *ret,
			   char *buf, size_t len);
/* "ServiceAccount:ns/name", "User:alice", "Group:devs" into buf. */
const char *k8s_rbac_subject_str(const struct k8s_rbac_subject *s, char *buf,
				 size_t len);
/* Whether a grant to `grantee` reaches `who`: the same subject, or a group
 * who belongs to (system:authenticated for users and service accounts,
 * system:serviceaccounts and system:serviceaccounts:NS for these). */
int k8s_rbac_subject_applies(const struct k8s_rbac_subject *grantee,
			     const struct k8s_rbac_subject *who);

/* An access request, as `kubectl auth can-i` would ask it. */
struct k8s_rbac_request {
	char verb[64];
	char group[256];       /* API group, "" for core */
	char resource[256];    /* "pods" ("" for a non-resource request) */
	char subresource[64];  /* "exec", "" if none */
	char name[256];	       /* object name, "" for any */
	char ns[256];	       /* namespace, "" = any namespace or cluster */
	char path[1024];       /* non-resource URL ("/metrics"), else "" */
};

/*
 * Fills a request from VERB and RESOURCE as given on a command line:
 * "pods", "pods/exec", "deployments.apps", "deployments.apps/scale" or a
 * non-resource URL "/healthz".  group (NULL: from RESOURCE, else core "")
 * overrides the group, ns and name may be NULL.  Returns 0 or -EINVAL
 * (empty or too long parts).
 */
int k8s_rbac_request_init(struct k8s_rbac_request *req, const char *verb,
			  const char *resource, const char *group,
			  const char *ns, const char *name);

/* Whether a PolicyRule allows a request (scope not considered); sets
 * *ret_names_limited (may be NULL) when it does only through a
 * resourceNames list the request did not name. */
int k8s_rbac_rule_allows(json_t *rule, const struct k8s_rbac_request *req,
			 int *ret_names_limited);
/* Whether a perm allows a request, scope included (a request with ns ""
 * matches perms of any namespace, except for cluster-scoped resources and
 * non-resource URLs, which only cluster-wide perms grant). */
int k8s_rbac_perm_allows(const struct k8s_rbac_perm *p,
			 const struct k8s_rbac_request *req,
			 int *ret_names_limited);

struct k8s_rbac_match {
	const struct k8s_rbac_perm *perm;
	int names_limited; /* only for the objects in rule.resourceNames */
};

/* Who can: every perm allowing req, in model order.  *ret is allocated
 * (free()); *ret_n may be 0.  Returns 0 or -ENOMEM. */
int k8s_rbac_who_can(const struct k8s_rbac *r,
		     const struct k8s_rbac_request *req,
		     struct k8s_rbac_match **ret, size_t *ret_n);

/* A risky permission.  id/title/remediation are static; message and
 * subject are owned; object is the granting binding (file, doc, kind, ns,
 * name), role_kind/role_name its roleRef (borrowed). */
struct k8s_rbac_finding {
	const char *id;	   /* "K8S-RBAC-001" */
	enum vuln_severity severity;
	const char *title;
	const char *remediation;
	char *message;	   /* what is granted, by which rule */
	char *subject;	   /* "ServiceAccount:ns/name" */
	char *path;	   /* field path in the binding: "subjects[1]" */
	const struct k8s_object *object;
	const char *role_kind, *role_name;
	const char *ns;	   /* where it applies; NULL = cluster-wide */
};

/* The RBAC checks, for documentation and --checks lists. */
struct k8s_rbac_check_info {
	const char *id;
	enum vuln_severity severity; /* cluster-wide, all names */
	const char *title;
	const char *rationale;
	const char *remediation;
};
const struct k8s_rbac_check_info *k8s_rbac_checks(size_t *ret_n);

/*
 * Runs the RBAC risk checks over the model: one finding per check and
 * (binding, subject), at the worst severity of the rules that trigger it.
 * A check's severity drops one step when the grant is namespaced (a
 * RoleBinding) and one more when only resourceNames are allowed (never
 * below low).  Findings are in model order.  Returns 0 and *ret (free with
 * k8s_rbac_findings_free), or -ENOMEM.
 */
int k8s_rbac_check(const struct k8s_rbac *r, struct k8s_rbac_finding **ret,
		   size_t *ret_n);
void k8s_rbac_findings_free(struct k8s_rbac_finding *f, size_t n);

/* ---- best-practice checks (checks.c, checks_table.c) --------------------- */

/*
 * The checks form one table (checks_table.c): id "BW-K8S-001"..., a short
 * name, severity, title, rationale, remediation and framework mappings
 * (CIS Kubernetes Benchmark, NSA/CISA Kubernetes Hardening Guide, NIST SP
 * 800-190, PCI DSS 4.0 -- only where the control really applies).
 * docs/k8s.md's table is generated from it (`bulwark k8s audit
 * --list-checks`).
 *
 * Exceptions: an object (or a workload's pod template) annotated
 *   bulwark.io/ignore: BW-K8S-003,BW-K8S-015   ("*" or "all": every check)
 *   bulwark.io/ignore-reason: "read-only fs breaks the legacy app"
 * still yields its findings for those checks, marked suppressed with the
 * reason ("annotation bulwark.io/ignore: <reason>"), so reports can list
 * them; suppressed findings never trip --fail-on.
 */
struct k8s_check_ctx; /* internal (checks_int.h) */

struct k8s_check {
	const char *id;	  /* "BW-K8S-001" */
	const char *name; /* "privileged-container" */
	enum vuln_severity severity;
	const char *title;
	const char *rationale;
	const char *remediation;
	struct report_framework_ref frameworks[6];
	size_t nframeworks;
	/* one of the two (internal): called per object, or per container of
	 * a workload's pod spec */
	void (*object_fn)(struct k8s_check_ctx *c);
	void (*container_fn)(struct k8s_check_ctx *c, json_t *ctr,
			     enum k8s_container_kind kind);
};

extern const struct k8s_check k8s_checks[];
extern const size_t k8s_nchecks;

/* The check with this id (case-insensitive), or NULL. */
const struct k8s_check *k8s_check_find(const char *id);

struct k8s_audit_opts {
	const char *checks; /* "ID,ID": only these (NULL: all) */
	const char *skip;   /* "ID,ID": not these */
};

/*
 * Runs the selected checks over every object of the set and appends the
 * findings (and one report_rule per check run) to out; out->objects counts
 * the objects.  Returns 0, -EINVAL with a message naming an unknown check
 * id in checks/skip, or -ENOMEM / -E2BIG.
 */
int k8s_audit_checks(const struct k8s_set *set,
		     const struct k8s_audit_opts *o,
		     struct report_findings *out, struct bw_error *err);

/*
 * Whether the bulwark.io/ignore annotation of the object or of its pod
 * template metadata (pod_meta, may be NULL) excepts check id; when it does
 * and ret_reason is not NULL, *ret_reason is the ignore-reason annotation
 * (NULL when absent; borrowed from the object).
 */
int k8s_ignored(const struct k8s_object *o, json_t *pod_meta, const char *id,
		const char **ret_reason);

/* ---- RBAC findings in audits (rbac_audit.c) ----------------------------- */

/* The framework controls an RBAC check maps to: writes up to 4 entries
 * (static strings) to out and returns their number. */
size_t k8s_rbac_check_frameworks(const char *id,
				  struct report_framework_ref *out);

/* The RBAC check with this id (case-insensitive), or NULL. */
const struct k8s_rbac_check_info *k8s_rbac_check_find(const char *id);

/*
 * Builds the RBAC model of set, runs the RBAC risk checks selected by o
 * (its --checks/--skip lists may name K8S-RBAC-* ids) and appends their
 * findings and rules to out as report findings, with CIS 5.1.x, NSA/CISA
 * and PCI DSS mappings.  Returns 0 or a negative code with err set.
 */
int k8s_rbac_audit(const struct k8s_set *set, const struct k8s_audit_opts *o,
		   struct report_findings *out, k8s_warn_fn warn, void *ctx,
		   struct bw_error *err);

#endif
