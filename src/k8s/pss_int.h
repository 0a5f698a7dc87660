/*
 * pss_int.h - what the files of the Pod Security Standards checks share
 * (pss_helpers.c, pss_baseline.c, pss_restricted.c and the table in
 * pss_checks.c): name lists, the per-check scratch space, the pod
 * accessors (static inline), the helpers of pss_helpers.c and the check
 * functions the table names.  Internal to src/k8s/; what pss.c needs is in
 * k8s_int.h.
 */
#ifndef BW_K8S_PSS_INT_H
#define BW_K8S_PSS_INT_H

#include <stdlib.h>

#include "k8s/k8s_int.h"

/* ---- names and text (pss_helpers.c) -------------------------------------- */

/* A list of borrowed strings: upstream's []string or sets.String. */
#define PSS_MAX_NAMES 4096
struct names {
	const char *v[PSS_MAX_NAMES];
	size_t n;
};

static inline void names_add(struct names *l, const char *s)
{
	if (l->n < PSS_MAX_NAMES)
		l->v[l->n++] = s ? s : "";
}

static inline const char *plural(const char *one, const char *many, size_t n)
{
	return n == 1 ? one : many;
}

void pss_set_add(struct names *l, const char *s);
void pss_set_sort(struct names *l);
/* Go's %q for the strings manifests hold. */
void pss_put_quoted(struct pss_buf *b, const char *s);
void pss_join_quote(struct pss_buf *b, const struct names *l);
void pss_join(struct pss_buf *b, const struct names *l, const char *sep);

/* ---- pod access ---------------------------------------------------------- */

static inline json_t *obj(json_t *o, const char *k)
{
	json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;

	return json_is_object(v) ? v : NULL;
}

static inline const char *str(json_t *o, const char *k)
{
	json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static inline int is_true(json_t *o, const char *k)
{
	return json_is_object(o) && json_is_true(json_object_get(o, k));
}

static inline int is_false(json_t *o, const char *k)
{
	return json_is_object(o) && json_is_false(json_object_get(o, k));
}

static inline const char *cname(json_t *c)
{
	const char *n = str(c, "name");

	return n ? n : "";
}

static inline json_t *pod_sc(const struct pss_pod *p)
{
	return obj(p->spec, "securityContext");
}

static inline json_t *annotations(const struct pss_pod *p)
{
	return obj(p->meta, "annotations");
}

/* Containers in visiting order, as a plain array for simple loops. */
struct containers {
	json_t *c[PSS_MAX_NAMES];
	size_t n;
};

void pss_containers_of(const struct pss_pod *p, struct containers *cs);

#define FOR_CONTAINERS(p, cs, i, c)                                            \
	pss_containers_of(p, &cs);                                             \
	for (size_t i = 0; i < cs.n && ((c = cs.c[i]), 1); i++)

/* Scratch space per check: the name lists are large, keep them off the
 * stack. */
struct scratch {
	struct containers cs;
	struct names a, b, c;
};

static inline struct scratch *scratch_new(void)
{
	return calloc(1, sizeof(struct scratch));
}

/* "<containers "a", "b">" */
void pss_put_containers(struct pss_buf *b, const struct names *l);
/* The seccompProfile.type of a securityContext ("" when unset); *set says
 * whether seccompProfile is there. */
const char *pss_seccomp_type(json_t *sc, int *set);

/* ---- the checks (pss_baseline.c, pss_restricted.c) ----------------------- */

#define PSS_CHECK_FN(f)                                                        \
	int f(const struct pss_check *chk, const struct pss_pod *p, int minor, \
	      struct pss_buf *reason, struct pss_buf *detail)

/* shared by procMount (baseline) and procMount_restricted */
int pss_procmount_common(const struct pss_pod *p, struct pss_buf *reason,
			 struct pss_buf *detail);

PSS_CHECK_FN(pss_check_host_namespaces);
PSS_CHECK_FN(pss_check_privileged);
PSS_CHECK_FN(pss_check_capabilities_baseline);
PSS_CHECK_FN(pss_check_host_path_volumes);
PSS_CHECK_FN(pss_check_host_ports);
PSS_CHECK_FN(pss_check_apparmor);
PSS_CHECK_FN(pss_check_selinux);
PSS_CHECK_FN(pss_check_procmount);
PSS_CHECK_FN(pss_check_seccomp_baseline_annotations);
PSS_CHECK_FN(pss_check_seccomp_baseline);
PSS_CHECK_FN(pss_check_sysctls);
PSS_CHECK_FN(pss_check_windows_host_process);
PSS_CHECK_FN(pss_check_host_probes);

PSS_CHECK_FN(pss_check_procmount_restricted);
PSS_CHECK_FN(pss_check_allow_privilege_escalation);
PSS_CHECK_FN(pss_check_capabilities_restricted);
PSS_CHECK_FN(pss_check_restricted_volumes);
PSS_CHECK_FN(pss_check_run_as_non_root);
PSS_CHECK_FN(pss_check_run_as_user);
PSS_CHECK_FN(pss_check_seccomp_restricted);

#endif
