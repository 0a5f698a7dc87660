/*
 * checks_int.h - what the best-practice check table (checks_table.c) and
 * the check engine and functions (checks.c) share.  Internal to src/k8s/.
 */
#ifndef BW_K8S_CHECKS_INT_H
#define BW_K8S_CHECKS_INT_H

#include "k8s/k8s.h"

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

/* Per-object and per-container check functions (checks.c). */
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
