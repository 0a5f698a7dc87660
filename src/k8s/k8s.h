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

#endif
