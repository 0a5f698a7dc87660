/*
 * checks_int.h - what the best-practice check table (checks_table.c), the
 * engine (checks.c), the index of the set (checks_index.c), the emitters
 * (checks_emit.c) and the check functions (checks_container.c,
 * checks_pod.c) share.  Internal to src/k8s/.
 */
#ifndef BW_K8S_CHECKS_INT_H
#define BW_K8S_CHECKS_INT_H

#include <string.h>

#include "k8s/k8s.h"

#define CHK_PATH_MAX 512

struct chk_index;  /* NetworkPolicies, PDBs, ServiceAccounts of the set */
struct chk_ignore; /* the object's bulwark.io/ignore annotations */

struct k8s_check_ctx {
	const struct k8s_check *check;
	const struct k8s_object *o;
	const struct chk_index *idx;
	const struct chk_ignore *ignore;
	json_t *spec;	       /* pod spec, NULL for non-workloads */
	json_t *meta;	       /* pod metadata (may be NULL) */
	const char *spec_path; /* "spec.template.spec" */
	const char *cpath;     /* current container, "containers[0]" */
	const char *cname;     /* its name */
	struct report_findings *out;
	int rc; /* first error while emitting */
};

/* ---- index of the set (checks_index.c) ---------------------------------- */

struct chk_sel {
	const char *ns;	  /* "default" when unset */
	json_t *selector; /* LabelSelector, NULL = everything */
};

struct chk_index {
	struct chk_sel *netpols, *pdbs;
	size_t nnetpols, npdbs;
	const struct k8s_object **sas; /* ServiceAccounts with automount off */
	size_t nsas;
};

static inline const char *ns_of(const struct k8s_object *o)
{
	return o->ns && *o->ns ? o->ns : "default";
}

static inline int is_kind(const struct k8s_object *o, const char *k)
{
	return o->kind && !strcmp(o->kind, k);
}

/* Fills x (zeroed first) from the set; on error x holds nothing. */
int k8s_chk_index_build(const struct k8s_set *set, struct chk_index *x);
void k8s_chk_index_free(struct chk_index *x);
/* Whether one of the n selectors of namespace ns selects labels. */
int k8s_chk_any_selects(const struct chk_sel *s, size_t n, const char *ns,
			json_t *labels);

/* ---- ignore annotations and emitting (checks_emit.c) --------------------- */

/* The bulwark.io/ignore lists that apply to an object: its own and its pod
 * template's. */
struct chk_ignore {
	json_t *meta[2];
	const char *list[2];
};

/* The string annotation key of metadata meta (may be NULL), or NULL. */
const char *k8s_chk_annotation(json_t *meta, const char *key);
void k8s_chk_ignore_init(struct chk_ignore *ig, const struct k8s_object *o,
			 json_t *pod_meta);

/* A finding at an object field ("spec.replicas"). */
void k8s_chk_emit_obj(struct k8s_check_ctx *c, const char *field,
		      const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A finding at a pod spec field ("hostNetwork"). */
void k8s_chk_emit_pod(struct k8s_check_ctx *c, const char *field,
		      const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A finding at a container field ("securityContext.privileged"). */
void k8s_chk_emit_ctr(struct k8s_check_ctx *c, const char *field,
		      const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Per-object (checks_pod.c) and per-container (checks_container.c) check
 * functions. */
#define CHK_OBJ(f) void f(struct k8s_check_ctx *c)
#define CHK_CTR(f)                                                             \
	void f(struct k8s_check_ctx *c, json_t *ctr,                           \
	       enum k8s_container_kind kind)

CHK_CTR(chk_privileged);
CHK_CTR(chk_priv_escalation);
CHK_CTR(chk_readonly_rootfs);
CHK_CTR(chk_run_as_non_root);
CHK_CTR(chk_low_uid);
CHK_CTR(chk_dangerous_caps);
CHK_CTR(chk_net_raw);
CHK_CTR(chk_drop_all);
CHK_OBJ(chk_host_network);
CHK_OBJ(chk_host_pid);
CHK_OBJ(chk_host_ipc);
CHK_OBJ(chk_host_path);
CHK_OBJ(chk_runtime_socket);
CHK_CTR(chk_host_port);
CHK_CTR(chk_cpu_requests);
CHK_CTR(chk_memory_requests);
CHK_CTR(chk_cpu_limits);
CHK_CTR(chk_memory_limits);
CHK_CTR(chk_liveness);
CHK_CTR(chk_readiness);
CHK_CTR(chk_image_tag);
CHK_CTR(chk_image_digest);
CHK_CTR(chk_pull_policy);
CHK_OBJ(chk_sa_automount);
CHK_OBJ(chk_default_namespace);
CHK_OBJ(chk_default_sa);
CHK_CTR(chk_secret_literal);
CHK_CTR(chk_secret_env_ref);
CHK_CTR(chk_seccomp);
CHK_CTR(chk_apparmor);
CHK_CTR(chk_selinux);
CHK_CTR(chk_proc_mount);
CHK_OBJ(chk_sysctls);
CHK_OBJ(chk_network_policy);
CHK_OBJ(chk_service_exposed);
CHK_OBJ(chk_replicas);
CHK_OBJ(chk_cronjob_concurrency);
CHK_OBJ(chk_pdb);
CHK_CTR(chk_root_group);
CHK_OBJ(chk_share_pid);
CHK_CTR(chk_host_process);

#endif
