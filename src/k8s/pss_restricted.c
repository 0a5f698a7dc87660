/*
 * pss_restricted.c - the checks the Pod Security Standards restricted level
 * adds to baseline (some replace a baseline check, see the table in
 * pss_checks.c), with the same conventions as pss_baseline.c: upstream's
 * ForbiddenReason and ForbiddenDetail wording, containers in visiting
 * order, sets sorted and de-duplicated.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/pss_int.h"

/* ---- restricted ------------------------------------------------------------
 */

int pss_check_procmount_restricted(const struct pss_check *chk,
				   const struct pss_pod *p, int minor,
				   struct pss_buf *reason,
				   struct pss_buf *detail)
{
	(void)chk;
	(void)minor;
	return pss_procmount_common(p, reason, detail);
}

/* From v1.25 the Linux-only restricted checks skip Windows pods. */
static int windows_exempt(const struct pss_check *chk, const struct pss_pod *p)
{
	return chk->min_minor >= 25 && p->windows;
}

int pss_check_allow_privilege_escalation(const struct pss_check *chk,
					 const struct pss_pod *p, int minor,
					 struct pss_buf *reason,
					 struct pss_buf *detail)
{
	struct scratch *s;
	json_t *c;
	int rc = 0;

	(void)minor;
	if (windows_exempt(chk, p))
		return 0;
	if (!(s = scratch_new()))
		return -ENOMEM;
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		if (!is_false(obj(c, "securityContext"),
			      "allowPrivilegeEscalation"))
			names_add(&s->a, cname(c));
	}
	if (s->a.n) {
		pss_buf_printf(reason, "allowPrivilegeEscalation != false");
		pss_put_containers(detail, &s->a);
		pss_buf_printf(detail, " must set securityContext."
				       "allowPrivilegeEscalation=false");
		rc = 1;
	}
	free(s);
	return rc;
}

int pss_check_capabilities_restricted(const struct pss_check *chk,
				      const struct pss_pod *p, int minor,
				      struct pss_buf *reason,
				      struct pss_buf *detail)
{
	struct scratch *s;
	json_t *c;
	int rc = 0;

	(void)minor;
	if (windows_exempt(chk, p))
		return 0;
	if (!(s = scratch_new()))
		return -ENOMEM;
	/* a: missing drop ALL, b: adding forbidden, c: forbidden caps */
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		json_t *caps = obj(obj(c, "securityContext"), "capabilities");
		json_t *drop, *add, *cap;
		int dropped_all = 0, bad_add = 0;
		size_t j;

		if (!caps) {
			names_add(&s->a, cname(c));
			continue;
		}
		drop = json_object_get(caps, "drop");
		add = json_object_get(caps, "add");
		json_array_foreach(drop, j, cap)
		{
			if (json_is_string(cap) &&
			    !strcmp(json_string_value(cap), "ALL"))
				dropped_all = 1;
		}
		if (!dropped_all)
			names_add(&s->a, cname(c));
		json_array_foreach(add, j, cap)
		{
			const char *name =
			    json_is_string(cap) ? json_string_value(cap) : "";

			if (!strcmp(name, "NET_BIND_SERVICE"))
				continue;
			bad_add = 1;
			pss_set_add(&s->c, name);
		}
		if (bad_add)
			names_add(&s->b, cname(c));
	}
	if (s->a.n || s->b.n) {
		pss_buf_printf(reason, "unrestricted capabilities");
		if (s->a.n) {
			pss_put_containers(detail, &s->a);
			pss_buf_printf(detail, " must set securityContext."
					       "capabilities.drop=[\"ALL\"]");
		}
		if (s->b.n) {
			pss_set_sort(&s->c);
			if (s->a.n)
				pss_buf_printf(detail, "; ");
			pss_put_containers(detail, &s->b);
			pss_buf_printf(detail, " must not include ");
			pss_join_quote(detail, &s->c);
			pss_buf_printf(detail,
				       " in securityContext.capabilities.add");
		}
		rc = 1;
	}
	free(s);
	return rc;
}

/* Volume sources in the order of the API's VolumeSource struct; allowed
 * ones are those restricted pods may use. */
static const struct {
	const char *field;
	int allowed;
} volume_types[] = {
    {"hostPath", 0},
    {"emptyDir", 1},
    {"gcePersistentDisk", 0},
    {"awsElasticBlockStore", 0},
    {"gitRepo", 0},
    {"secret", 1},
    {"nfs", 0},
    {"iscsi", 0},
    {"glusterfs", 0},
    {"persistentVolumeClaim", 1},
    {"rbd", 0},
    {"flexVolume", 0},
    {"cinder", 0},
    {"cephfs", 0},
    {"flocker", 0},
    {"downwardAPI", 1},
    {"fc", 0},
    {"azureFile", 0},
    {"configMap", 1},
    {"vsphereVolume", 0},
    {"quobyte", 0},
    {"azureDisk", 0},
    {"photonPersistentDisk", 0},
    {"projected", 1},
    {"portworxVolume", 0},
    {"scaleIO", 0},
    {"storageos", 0},
    {"csi", 1},
    {"ephemeral", 1},
    {"image", 1},
};

int pss_check_restricted_volumes(const struct pss_check *chk,
				 const struct pss_pod *p, int minor,
				 struct pss_buf *reason, struct pss_buf *detail)
{
	json_t *vols = json_object_get(p->spec, "volumes"), *v;
	struct scratch *s;
	size_t i;
	int rc = 0;

	(void)chk;
	(void)minor;
	if (!json_is_array(vols))
		return 0;
	if (!(s = scratch_new()))
		return -ENOMEM;
	json_array_foreach(vols, i, v)
	{
		const char *bad_type = NULL;
		int ok = 0;

		for (size_t j = 0;
		     j < sizeof(volume_types) / sizeof(volume_types[0]); j++) {
			json_t *src = json_object_get(v, volume_types[j].field);

			if (!src || json_is_null(src))
				continue;
			if (volume_types[j].allowed)
				ok = 1;
			else if (!bad_type)
				bad_type = volume_types[j].field;
		}
		/* A volume without a source is an emptyDir once defaulted. */
		if (ok || !bad_type)
			continue;
		names_add(&s->a, str(v, "name"));
		pss_set_add(&s->b, bad_type);
	}
	if (s->a.n) {
		pss_set_sort(&s->b);
		pss_buf_printf(reason, "restricted volume types");
		pss_buf_printf(detail, "%s ",
			       plural("volume", "volumes", s->a.n));
		pss_join_quote(detail, &s->a);
		pss_buf_printf(detail, " %s %s ", plural("uses", "use", s->a.n),
			       plural("restricted volume type",
				      "restricted volume types", s->b.n));
		pss_join_quote(detail, &s->b);
		rc = 1;
	}
	free(s);
	return rc;
}

/* User-namespaced pods (hostUsers: false) are exempt from the runAsNonRoot
 * and runAsUser checks from v1.35 (KEP-127, relaxation GA). */
static int userns_exempt(const struct pss_check *chk, const struct pss_pod *p)
{
	return chk->min_minor >= 35 && p->userns;
}

int pss_check_run_as_non_root(const struct pss_check *chk,
			      const struct pss_pod *p, int minor,
			      struct pss_buf *reason, struct pss_buf *detail)
{
	struct scratch *s;
	json_t *psc = pod_sc(p), *c;
	int pod_true = 0, pod_false = 0, rc = 0;

	(void)minor;
	if (userns_exempt(chk, p))
		return 0;
	if (!(s = scratch_new()))
		return -ENOMEM;
	if (is_false(psc, "runAsNonRoot"))
		pod_false = 1;
	else if (is_true(psc, "runAsNonRoot"))
		pod_true = 1;
	/* a: explicitly false, b: unset without pod-level true */
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		json_t *v = json_object_get(
		    obj(c, "securityContext") ?: json_null(), "runAsNonRoot");

		if (json_is_boolean(v)) {
			if (json_is_false(v))
				names_add(&s->a, cname(c));
		} else if (!pod_true) {
			names_add(&s->b, cname(c));
		}
	}
	if (pod_false || s->a.n) {
		pss_buf_printf(reason, "runAsNonRoot != true");
		if (pod_false)
			pss_buf_printf(detail, "pod%s", s->a.n ? " and " : "");
		if (s->a.n)
			pss_put_containers(detail, &s->a);
		pss_buf_printf(
		    detail, " must not set securityContext.runAsNonRoot=false");
		rc = 1;
	} else if (s->b.n) {
		pss_buf_printf(reason, "runAsNonRoot != true");
		pss_buf_printf(detail, "pod or ");
		pss_put_containers(detail, &s->b);
		pss_buf_printf(detail,
			       " must set securityContext.runAsNonRoot=true");
		rc = 1;
	}
	free(s);
	return rc;
}

static int is_root_uid(json_t *sc)
{
	json_t *v = json_object_get(sc ? sc : json_null(), "runAsUser");

	return json_is_integer(v) && json_integer_value(v) == 0;
}

int pss_check_run_as_user(const struct pss_check *chk, const struct pss_pod *p,
			  int minor, struct pss_buf *reason,
			  struct pss_buf *detail)
{
	struct scratch *s;
	json_t *c;
	int pod_bad, rc = 0;

	(void)minor;
	if (userns_exempt(chk, p))
		return 0;
	if (!(s = scratch_new()))
		return -ENOMEM;
	pod_bad = is_root_uid(pod_sc(p));
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		if (is_root_uid(obj(c, "securityContext")))
			names_add(&s->a, cname(c));
	}
	if (pod_bad || s->a.n) {
		pss_buf_printf(reason, "runAsUser=0");
		if (pod_bad)
			pss_buf_printf(detail, "pod%s", s->a.n ? " and " : "");
		if (s->a.n)
			pss_put_containers(detail, &s->a);
		pss_buf_printf(detail, " must not set runAsUser=0");
		rc = 1;
	}
	free(s);
	return rc;
}

static int seccomp_valid(const char *t)
{
	return !strcmp(t, "RuntimeDefault") || !strcmp(t, "Localhost");
}

int pss_check_seccomp_restricted(const struct pss_check *chk,
				 const struct pss_pod *p, int minor,
				 struct pss_buf *reason, struct pss_buf *detail)
{
	struct scratch *s;
	json_t *c;
	const char *t;
	int set, pod_set = 0, pod_bad = 0, rc = 0;

	(void)minor;
	if (windows_exempt(chk, p))
		return 0;
	if (!(s = scratch_new()))
		return -ENOMEM;
	/* a: explicitly bad containers, b: implicitly bad, c: bad values */
	t = pss_seccomp_type(pod_sc(p), &set);
	if (set) {
		if (seccomp_valid(t)) {
			pod_set = 1;
		} else {
			pod_bad = 1;
			pss_set_add(&s->c, t);
		}
	}
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		t = pss_seccomp_type(obj(c, "securityContext"), &set);
		if (set) {
			if (!seccomp_valid(t)) {
				names_add(&s->a, cname(c));
				pss_set_add(&s->c, t);
			}
		} else if (!pod_set) {
			names_add(&s->b, cname(c));
		}
	}
	if (pod_bad || s->a.n) {
		pss_set_sort(&s->c);
		pss_buf_printf(reason, "seccompProfile");
		if (pod_bad)
			pss_buf_printf(detail, "pod%s", s->a.n ? " and " : "");
		if (s->a.n)
			pss_put_containers(detail, &s->a);
		pss_buf_printf(
		    detail,
		    " must not set securityContext.seccompProfile.type to ");
		pss_join_quote(detail, &s->c);
		rc = 1;
	} else if (s->b.n) {
		pss_buf_printf(reason, "seccompProfile");
		pss_buf_printf(detail, "pod or ");
		pss_put_containers(detail, &s->b);
		pss_buf_printf(
		    detail, " must set securityContext.seccompProfile.type to "
			    "\"RuntimeDefault\" or \"Localhost\"");
		rc = 1;
	}
	free(s);
	return rc;
}
