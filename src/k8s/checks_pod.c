/*
 * checks_pod.c - the best-practice checks that run once per object: pod
 * spec fields (host namespaces, host paths, service account token, sysctls)
 * and object-level ones (namespace, Service type, replicas, CronJob
 * concurrency, NetworkPolicy and PodDisruptionBudget coverage through the
 * index of checks_index.c).
 */
#include <stdio.h>
#include <string.h>

#include "k8s/checks_int.h"

/* ---- pod and object checks ----------------------------------------------- */

static void host_ns(struct k8s_check_ctx *c, const char *field)
{
	if (c->spec && json_is_true(json_object_get(c->spec, field)))
		k8s_chk_emit_pod(c, field, "pod sets %s: true", field);
}

CHK_OBJ(chk_host_network) { host_ns(c, "hostNetwork"); }
CHK_OBJ(chk_host_pid) { host_ns(c, "hostPID"); }
CHK_OBJ(chk_host_ipc) { host_ns(c, "hostIPC"); }
CHK_OBJ(chk_share_pid) { host_ns(c, "shareProcessNamespace"); }

CHK_OBJ(chk_host_path)
{
	json_t *vols = c->spec ? json_object_get(c->spec, "volumes") : NULL, *v;
	size_t i;

	json_array_foreach(vols, i, v)
	{
		json_t *hp = json_object_get(v, "hostPath");
		const char *p = json_string_value(json_object_get(hp, "path"));
		char field[64];

		if (!json_is_object(hp))
			continue;
		snprintf(field, sizeof(field), "volumes[%zu].hostPath", i);
		k8s_chk_emit_pod(c, field, "pod mounts host path %s",
				 p ? p : "?");
	}
}

/* Host paths that expose a container runtime's API: the sockets and the
 * directories holding them. */
static int runtime_socket(const char *p)
{
	static const char *const socks[] = {
	    "docker.sock",	"containerd.sock", "crio.sock",
	    "cri-dockerd.sock", "podman.sock",	   "dockershim.sock",
	};
	static const char *const dirs[] = {
	    "/",
	    "/var/run",
	    "/run",
	    "/var/run/docker",
	    "/run/docker",
	    "/var/run/containerd",
	    "/run/containerd",
	    "/var/run/crio",
	    "/run/crio",
	    "/run/podman",
	    "/var/run/cri-dockerd",
	};
	char buf[1024];
	const char *base;
	size_t i, n = strlen(p);

	/* trailing slashes do not change the path */
	while (n > 1 && p[n - 1] == '/')
		n--;
	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, p, n);
	buf[n] = '\0';
	base = strrchr(buf, '/');
	base = base ? base + 1 : buf;
	for (i = 0; i < sizeof(socks) / sizeof(*socks); i++)
		if (!strcmp(base, socks[i]))
			return 1;
	for (i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
		if (!strcmp(buf, dirs[i]))
			return 1;
	return 0;
}

CHK_OBJ(chk_runtime_socket)
{
	json_t *vols = c->spec ? json_object_get(c->spec, "volumes") : NULL, *v;
	size_t i;

	json_array_foreach(vols, i, v)
	{
		const char *p = json_string_value(k8s_get(v, "hostPath.path"));
		char field[64];

		if (!p || !runtime_socket(p))
			continue;
		snprintf(field, sizeof(field), "volumes[%zu].hostPath.path", i);
		k8s_chk_emit_pod(
		    c, field, "pod mounts the container runtime socket path %s",
		    p);
	}
}

CHK_OBJ(chk_sa_automount)
{
	json_t *a;
	const char *sa;
	size_t i;

	if (!c->spec)
		return;
	a = json_object_get(c->spec, "automountServiceAccountToken");
	if (json_is_false(a))
		return;
	if (!a) { /* the ServiceAccount may turn it off */
		sa = json_string_value(
		    json_object_get(c->spec, "serviceAccountName"));
		if (!sa || !*sa)
			sa = "default";
		for (i = 0; i < c->idx->nsas; i++)
			if (c->idx->sas[i]->name &&
			    !strcmp(c->idx->sas[i]->name, sa) &&
			    !strcmp(ns_of(c->idx->sas[i]), ns_of(c->o)))
				return;
	}
	k8s_chk_emit_pod(c, "automountServiceAccountToken",
			 "pod mounts a service account token (automountService"
			 "AccountToken is not false)");
}

/* Kinds that have no namespace. */
static int cluster_scoped(const char *kind)
{
	static const char *const kinds[] = {
	    "Namespace",
	    "Node",
	    "PersistentVolume",
	    "ClusterRole",
	    "ClusterRoleBinding",
	    "StorageClass",
	    "CustomResourceDefinition",
	    "PriorityClass",
	    "RuntimeClass",
	    "IngressClass",
	    "ValidatingWebhookConfiguration",
	    "MutatingWebhookConfiguration",
	    "ValidatingAdmissionPolicy",
	    "ValidatingAdmissionPolicyBinding",
	    "APIService",
	    "CertificateSigningRequest",
	    "PodSecurityPolicy",
	    "CSIDriver",
	    "CSINode",
	    "VolumeAttachment",
	    "ComponentStatus",
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (!strcmp(kind, kinds[i]))
			return 1;
	return 0;
}

CHK_OBJ(chk_default_namespace)
{
	if (!c->o->kind || cluster_scoped(c->o->kind) ||
	    (c->o->ns && *c->o->ns && strcmp(c->o->ns, "default")))
		return;
	k8s_chk_emit_obj(c, "metadata.namespace",
			 "%s is in the default namespace%s", c->o->kind,
			 c->o->ns ? "" : " (no namespace set)");
}

CHK_OBJ(chk_default_sa)
{
	const char *sa;

	if (!c->spec)
		return;
	sa = json_string_value(json_object_get(c->spec, "serviceAccountName"));
	if (!sa || !*sa)
		sa = json_string_value(
		    json_object_get(c->spec, "serviceAccount"));
	if (sa && *sa && strcmp(sa, "default"))
		return;
	k8s_chk_emit_pod(c, "serviceAccountName",
			 "pod uses the default service account");
}

/* Sysctls the upstream PSS baseline allows (the "safe" set). */
static const char *const safe_sysctls[] = {
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
};

CHK_OBJ(chk_sysctls)
{
	json_t *s =
		   c->spec ? k8s_get(c->spec, "securityContext.sysctls") : NULL,
	       *e;
	size_t i, k;

	json_array_foreach(s, i, e)
	{
		const char *n = json_string_value(json_object_get(e, "name"));
		char field[64];

		if (!n)
			continue;
		for (k = 0; k < sizeof(safe_sysctls) / sizeof(*safe_sysctls);
		     k++)
			if (!strcmp(n, safe_sysctls[k]))
				break;
		if (k < sizeof(safe_sysctls) / sizeof(*safe_sysctls))
			continue;
		snprintf(field, sizeof(field), "securityContext.sysctls[%zu]",
			 i);
		k8s_chk_emit_pod(c, field, "pod sets unsafe sysctl %s", n);
	}
}

static json_t *pod_labels(struct k8s_check_ctx *c)
{
	json_t *l = c->meta ? json_object_get(c->meta, "labels") : NULL;

	return json_is_object(l) ? l : NULL;
}

CHK_OBJ(chk_network_policy)
{
	if (!c->spec)
		return;
	if (k8s_chk_any_selects(c->idx->netpols, c->idx->nnetpols, ns_of(c->o),
				pod_labels(c)))
		return;
	k8s_chk_emit_obj(c, c->spec_path,
			 "no NetworkPolicy in namespace %s selects these pods",
			 ns_of(c->o));
}

CHK_OBJ(chk_service_exposed)
{
	const char *t;

	if (!is_kind(c->o, "Service"))
		return;
	t = json_string_value(k8s_get(c->o->obj, "spec.type"));
	if (t && (!strcmp(t, "NodePort") || !strcmp(t, "LoadBalancer")))
		k8s_chk_emit_obj(
		    c, "spec.type",
		    "Service is of type %s: reachable from outside the "
		    "cluster",
		    t);
}

static long long replicas(const struct k8s_object *o)
{
	json_t *r = k8s_get(o->obj, "spec.replicas");

	return json_is_integer(r) ? json_integer_value(r) : 1;
}

CHK_OBJ(chk_replicas)
{
	long long n;

	if (!is_kind(c->o, "Deployment") && !is_kind(c->o, "StatefulSet"))
		return;
	n = replicas(c->o);
	if (n < 2)
		k8s_chk_emit_obj(c, "spec.replicas",
				 "%s runs %lld replica%s: no redundancy",
				 c->o->kind, n, n == 1 ? "" : "s");
}

CHK_OBJ(chk_cronjob_concurrency)
{
	const char *p;

	if (!is_kind(c->o, "CronJob"))
		return;
	p = json_string_value(k8s_get(c->o->obj, "spec.concurrencyPolicy"));
	if (p && (!strcmp(p, "Forbid") || !strcmp(p, "Replace")))
		return;
	k8s_chk_emit_obj(c, "spec.concurrencyPolicy",
			 "CronJob concurrencyPolicy is %s: runs may pile up",
			 p ? p : "unset (Allow)");
}

CHK_OBJ(chk_pdb)
{
	if (!is_kind(c->o, "Deployment") && !is_kind(c->o, "StatefulSet"))
		return;
	if (replicas(c->o) < 2)
		return; /* BW-K8S-036's business */
	if (k8s_chk_any_selects(c->idx->pdbs, c->idx->npdbs, ns_of(c->o),
				pod_labels(c)))
		return;
	k8s_chk_emit_obj(
	    c, "spec.template.metadata.labels",
	    "no PodDisruptionBudget in namespace %s selects these pods",
	    ns_of(c->o));
}
