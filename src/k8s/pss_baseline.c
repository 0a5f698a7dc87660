/*
 * pss_baseline.c - the checks of the Pod Security Standards baseline level,
 * one function per check of the upstream admission controller
 * (k8s.io/pod-security-admission/policy, check_*.go).
 *
 * Each function reads the pod's JSON (a field counts only when it has the
 * type the API gives it: privileged is set only when it is JSON true) and,
 * when the pod violates the check, writes the controller's ForbiddenReason
 * and ForbiddenDetail with its wording: containers named in visiting order
 * (init, regular, ephemeral), values that upstream keeps in a set sorted and
 * de-duplicated, "container"/"containers" pluralised on the count.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/pss_int.h"

/* ---- baseline
 * ---------------------------------------------------------------- */

int pss_check_host_namespaces(const struct pss_check *chk,
			      const struct pss_pod *p, int minor,
			      struct pss_buf *reason, struct pss_buf *detail)
{
	static const char *const fields[] = {"hostNetwork", "hostPID",
					     "hostIPC"};
	int n = 0;

	(void)chk;
	(void)minor;
	for (size_t i = 0; i < 3; i++) {
		if (!is_true(p->spec, fields[i]))
			continue;
		pss_buf_printf(detail, "%s%s=true", n++ ? ", " : "", fields[i]);
	}
	if (!n)
		return 0;
	pss_buf_printf(reason, "host namespaces");
	return 1;
}

int pss_check_privileged(const struct pss_check *chk, const struct pss_pod *p,
			 int minor, struct pss_buf *reason,
			 struct pss_buf *detail)
{
	struct scratch *s = scratch_new();
	json_t *c;
	int rc = 0;

	(void)chk;
	(void)minor;
	if (!s)
		return -ENOMEM;
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		if (is_true(obj(c, "securityContext"), "privileged"))
			names_add(&s->a, cname(c));
	}
	if (s->a.n) {
		pss_buf_printf(reason, "privileged");
		pss_put_containers(detail, &s->a);
		pss_buf_printf(detail,
			       " must not set securityContext.privileged=true");
		rc = 1;
	}
	free(s);
	return rc;
}

static const char *const caps_baseline_allowed[] = {
    "AUDIT_WRITE", "CHOWN",  "DAC_OVERRIDE",	 "FOWNER",  "FSETID",
    "KILL",	   "MKNOD",  "NET_BIND_SERVICE", "SETFCAP", "SETGID",
    "SETPCAP",	   "SETUID", "SYS_CHROOT",	 NULL};

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

int pss_check_capabilities_baseline(const struct pss_check *chk,
				    const struct pss_pod *p, int minor,
				    struct pss_buf *reason,
				    struct pss_buf *detail)
{
	struct scratch *s = scratch_new();
	json_t *c;
	int rc = 0;

	(void)chk;
	(void)minor;
	if (!s)
		return -ENOMEM;
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		json_t *add = json_object_get(
			   obj(obj(c, "securityContext"), "capabilities")
			       ?: json_null(),
			   "add"),
		       *cap;
		size_t j;
		int bad = 0;

		if (!json_is_array(add))
			continue;
		json_array_foreach(add, j, cap)
		{
			const char *name =
			    json_is_string(cap) ? json_string_value(cap) : "";

			if (in_list(name, caps_baseline_allowed))
				continue;
			if (!bad)
				names_add(&s->a, cname(c));
			bad = 1;
			pss_set_add(&s->b, name);
		}
	}
	if (s->a.n) {
		pss_set_sort(&s->b);
		pss_buf_printf(reason, "non-default capabilities");
		pss_put_containers(detail, &s->a);
		pss_buf_printf(detail, " must not include ");
		pss_join_quote(detail, &s->b);
		pss_buf_printf(detail, " in securityContext.capabilities.add");
		rc = 1;
	}
	free(s);
	return rc;
}

int pss_check_host_path_volumes(const struct pss_check *chk,
				const struct pss_pod *p, int minor,
				struct pss_buf *reason, struct pss_buf *detail)
{
	json_t *vols = json_object_get(p->spec, "volumes"), *v;
	struct names *l;
	size_t i;
	int rc = 0;

	(void)chk;
	(void)minor;
	if (!json_is_array(vols))
		return 0;
	if (!(l = calloc(1, sizeof(*l))))
		return -ENOMEM;
	json_array_foreach(vols, i, v)
	{
		if (obj(v, "hostPath"))
			names_add(l, str(v, "name"));
	}
	if (l->n) {
		pss_buf_printf(reason, "hostPath volumes");
		pss_buf_printf(detail, "%s ",
			       plural("volume", "volumes", l->n));
		pss_join_quote(detail, l);
		rc = 1;
	}
	free(l);
	return rc;
}

int pss_check_host_ports(const struct pss_check *chk, const struct pss_pod *p,
			 int minor, struct pss_buf *reason,
			 struct pss_buf *detail)
{
	struct scratch *s = scratch_new();
	char(*ports)[24] = NULL;
	json_t *c;
	int rc = 0;

	(void)chk;
	(void)minor;
	if (!s || !(ports = calloc(PSS_MAX_NAMES, sizeof(*ports)))) {
		free(s);
		return -ENOMEM;
	}
	size_t np = 0;

	FOR_CONTAINERS(p, s->cs, i, c)
	{
		json_t *list = json_object_get(c, "ports"), *port;
		size_t j;
		int bad = 0;

		if (!json_is_array(list))
			continue;
		json_array_foreach(list, j, port)
		{
			json_t *hp = json_object_get(port, "hostPort");

			if (!json_is_integer(hp) || json_integer_value(hp) == 0)
				continue;
			if (!bad)
				names_add(&s->a, cname(c));
			bad = 1;
			if (np < PSS_MAX_NAMES) {
				snprintf(ports[np], sizeof(ports[np]), "%lld",
					 (long long)json_integer_value(hp));
				pss_set_add(&s->b, ports[np]);
				np++;
			}
		}
	}
	if (s->a.n) {
		pss_set_sort(&s->b);
		pss_buf_printf(reason, "hostPort");
		pss_put_containers(detail, &s->a);
		pss_buf_printf(detail, " %s %s ", plural("uses", "use", s->a.n),
			       plural("hostPort", "hostPorts", s->b.n));
		pss_join(detail, &s->b, ", ");
		rc = 1;
	}
	free(ports);
	free(s);
	return rc;
}

static int allowed_apparmor_annotation(const char *v)
{
	return !*v || !strcmp(v, "runtime/default") ||
	       !strncmp(v, "localhost/", 10);
}

static int allowed_apparmor_type(json_t *profile)
{
	const char *t = str(profile, "type");

	return !profile ||
	       (t && (!strcmp(t, "RuntimeDefault") || !strcmp(t, "Localhost")));
}

int pss_check_apparmor(const struct pss_check *chk, const struct pss_pod *p,
		       int minor, struct pss_buf *reason,
		       struct pss_buf *detail)
{
	static const char prefix[] =
	    "container.apparmor.security.beta.kubernetes.io/";
	struct pss_buf fields = {0}, annots = {0};
	struct scratch *s = scratch_new();
	json_t *ann = annotations(p), *v, *c;
	const char *k;
	size_t nbad = 0;
	int rc = 0;

	(void)chk;
	(void)minor;
	if (!s)
		return -ENOMEM;
	/* fields (securityContext.appArmorProfile, v1.30 API) */
	json_t *pp = obj(pod_sc(p), "appArmorProfile");

	if (pp && !allowed_apparmor_type(pp)) {
		pss_buf_printf(&fields, "pod ");
		pss_put_quoted(&fields, str(pp, "type") ?: "");
		nbad++;
	}
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		json_t *cp = obj(obj(c, "securityContext"), "appArmorProfile");

		if (!cp || allowed_apparmor_type(cp))
			continue;
		pss_buf_printf(&fields, "%scontainer ", nbad ? ", " : "");
		pss_put_quoted(&fields, cname(c));
		pss_buf_printf(&fields, "=");
		pss_put_quoted(&fields, str(cp, "type") ?: "");
		nbad++;
	}
	/* annotations, sorted by their text */
	json_object_foreach(ann, k, v)
	{
		if (strncmp(k, prefix, sizeof(prefix) - 1) ||
		    !json_is_string(v) ||
		    allowed_apparmor_annotation(json_string_value(v)))
			continue;
		names_add(&s->a, k);
	}
	pss_set_sort(&s->a);
	for (size_t i = 0; i < s->a.n; i++) {
		pss_buf_printf(&annots, "%s%s=", i ? ", " : "", s->a.v[i]);
		pss_put_quoted(&annots, str(ann, s->a.v[i]));
	}
	nbad += s->a.n;
	if (nbad) {
		pss_buf_printf(reason, "%s",
			       plural("forbidden AppArmor profile",
				      "forbidden AppArmor profiles", nbad));
		pss_buf_printf(detail, "%s%s%s", fields.p ? fields.p : "",
			       fields.n && annots.n ? ", " : "",
			       annots.p ? annots.p : "");
		if (fields.oom || annots.oom)
			detail->oom = 1;
		rc = 1;
	}
	free(fields.p);
	free(annots.p);
	free(s);
	return rc;
}

static int selinux_type_allowed(const char *t, int minor)
{
	return !*t || !strcmp(t, "container_t") ||
	       !strcmp(t, "container_init_t") ||
	       !strcmp(t, "container_kvm_t") ||
	       (minor >= 31 && !strcmp(t, "container_engine_t"));
}

struct selinux_state {
	struct names *types;
	int user, role;
	int minor;
};

static int selinux_valid(struct selinux_state *st, json_t *opts)
{
	const char *t = str(opts, "type"), *u = str(opts, "user"),
		   *r = str(opts, "role");
	int ok = 1;

	if (!selinux_type_allowed(t ? t : "", st->minor)) {
		pss_set_add(st->types, t);
		ok = 0;
	}
	if (u && *u)
		st->user = 1, ok = 0;
	if (r && *r)
		st->role = 1, ok = 0;
	return ok;
}

int pss_check_selinux(const struct pss_check *chk, const struct pss_pod *p,
		      int minor, struct pss_buf *reason, struct pss_buf *detail)
{
	struct scratch *s = scratch_new();
	struct selinux_state st;
	json_t *opts, *c;
	int pod_bad = 0, rc = 0, n = 0;

	(void)chk;
	if (!s)
		return -ENOMEM;
	(void)minor;
	st = (struct selinux_state){.types = &s->b, .minor = chk->min_minor};
	opts = obj(pod_sc(p), "seLinuxOptions");
	if (opts && !selinux_valid(&st, opts))
		pod_bad = 1;
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		opts = obj(obj(c, "securityContext"), "seLinuxOptions");
		if (opts && !selinux_valid(&st, opts))
			names_add(&s->a, cname(c));
	}
	if (pod_bad || s->a.n) {
		pss_buf_printf(reason, "seLinuxOptions");
		if (pod_bad)
			pss_buf_printf(detail, "pod%s", s->a.n ? " and " : "");
		if (s->a.n)
			pss_put_containers(detail, &s->a);
		pss_buf_printf(
		    detail, " set forbidden securityContext.seLinuxOptions: ");
		if (s->b.n) {
			pss_set_sort(&s->b);
			pss_buf_printf(detail, "%s ",
				       plural("type", "types", s->b.n));
			pss_join_quote(detail, &s->b);
			n++;
		}
		if (st.user)
			pss_buf_printf(detail, "%suser may not be set",
				       n++ ? "; " : "");
		if (st.role)
			pss_buf_printf(detail, "%srole may not be set",
				       n++ ? "; " : "");
		rc = 1;
	}
	free(s);
	return rc;
}

/* procMount: baseline from v1.0; from v1.35 user-namespaced pods
 * (hostUsers: false) may use any procMount.  The restricted variant (v1.35)
 * forbids non-Default values even then. */
int pss_procmount_common(const struct pss_pod *p, struct pss_buf *reason,
			 struct pss_buf *detail)
{
	struct scratch *s = scratch_new();
	json_t *c;
	int rc = 0;

	if (!s)
		return -ENOMEM;
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		json_t *pm = json_object_get(
		    obj(c, "securityContext") ?: json_null(), "procMount");

		if (!json_is_string(pm) ||
		    !strcmp(json_string_value(pm), "Default"))
			continue;
		names_add(&s->a, cname(c));
		pss_set_add(&s->b, json_string_value(pm));
	}
	if (s->a.n) {
		pss_set_sort(&s->b);
		pss_buf_printf(reason, "procMount");
		pss_put_containers(detail, &s->a);
		pss_buf_printf(detail,
			       " must not set securityContext.procMount to ");
		pss_join_quote(detail, &s->b);
		rc = 1;
	}
	free(s);
	return rc;
}

int pss_check_procmount(const struct pss_check *chk, const struct pss_pod *p,
			int minor, struct pss_buf *reason,
			struct pss_buf *detail)
{
	(void)minor;
	if (chk->min_minor >= 35 && p->userns)
		return 0;
	return pss_procmount_common(p, reason, detail);
}

/* seccompProfile, baseline v1.0: the alpha annotations. */
int pss_check_seccomp_baseline_annotations(const struct pss_check *chk,
					   const struct pss_pod *p, int minor,
					   struct pss_buf *reason,
					   struct pss_buf *detail)
{
	static const char pod_key[] =
	    "seccomp.security.alpha.kubernetes.io/pod";
	static const char ctr_prefix[] =
	    "container.seccomp.security.alpha.kubernetes.io/";
	struct scratch *s = scratch_new();
	json_t *ann = annotations(p), *c;
	const char *v;
	struct pss_buf key = {0};
	char **keys = NULL;
	size_t nkeys = 0;
	int rc = 0;

	(void)chk;
	(void)minor;
	if (!s)
		return -ENOMEM;
	keys = calloc(PSS_MAX_NAMES, sizeof(*keys));
	if (!keys) {
		free(s);
		return -ENOMEM;
	}
	v = str(ann, pod_key);
	if (v && !strcmp(v, "unconfined"))
		pss_set_add(&s->a, pod_key);
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		char *k;

		key.n = 0;
		pss_buf_printf(&key, "%s%s", ctr_prefix, cname(c));
		if (key.oom)
			break;
		v = str(ann, key.p);
		if (!v || strcmp(v, "unconfined") || nkeys >= PSS_MAX_NAMES)
			continue;
		if (!(k = strdup(key.p)))
			break;
		keys[nkeys++] = k;
		pss_set_add(&s->a, k);
	}
	if (s->a.n) {
		pss_set_sort(&s->a);
		pss_buf_printf(reason, "seccompProfile");
		pss_buf_printf(detail, "forbidden %s ",
			       plural("annotation", "annotations", s->a.n));
		for (size_t i = 0; i < s->a.n; i++)
			pss_buf_printf(detail, "%s%s=\"unconfined\"",
				       i ? ", " : "", s->a.v[i]);
		rc = 1;
	}
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	free(key.p);
	free(s);
	return rc;
}

/* seccompProfile, baseline v1.19: the fields; Unconfined is forbidden. */
int pss_check_seccomp_baseline(const struct pss_check *chk,
			       const struct pss_pod *p, int minor,
			       struct pss_buf *reason, struct pss_buf *detail)
{
	struct scratch *s = scratch_new();
	json_t *c;
	int set, pod_bad, rc = 0;

	(void)chk;
	(void)minor;
	if (!s)
		return -ENOMEM;
	pod_bad = !strcmp(pss_seccomp_type(pod_sc(p), &set), "Unconfined");
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		if (!strcmp(pss_seccomp_type(obj(c, "securityContext"), &set),
			    "Unconfined"))
			names_add(&s->a, cname(c));
	}
	if (pod_bad || s->a.n) {
		pss_buf_printf(reason, "seccompProfile");
		if (pod_bad)
			pss_buf_printf(detail, "pod%s", s->a.n ? " and " : "");
		if (s->a.n)
			pss_put_containers(detail, &s->a);
		pss_buf_printf(detail, " must not set securityContext."
				       "seccompProfile.type to \"Unconfined\"");
		rc = 1;
	}
	free(s);
	return rc;
}

/* The "safe" sysctls and the policy version that allowed each. */
static const struct {
	const char *name;
	int since;
} safe_sysctls[] = {
    {"kernel.shm_rmid_forced", 0},
    {"net.ipv4.ip_local_port_range", 0},
    {"net.ipv4.tcp_syncookies", 0},
    {"net.ipv4.ping_group_range", 0},
    {"net.ipv4.ip_unprivileged_port_start", 0},
    {"net.ipv4.ip_local_reserved_ports", 27},
    {"net.ipv4.tcp_keepalive_time", 29},
    {"net.ipv4.tcp_fin_timeout", 29},
    {"net.ipv4.tcp_keepalive_intvl", 29},
    {"net.ipv4.tcp_keepalive_probes", 29},
    {"net.ipv4.tcp_rmem", 32},
    {"net.ipv4.tcp_wmem", 32},
    {"net.ipv4.tcp_slow_start_after_idle", 37},
    {"net.ipv4.tcp_notsent_lowat", 37},
};

int pss_check_sysctls(const struct pss_check *chk, const struct pss_pod *p,
		      int minor, struct pss_buf *reason, struct pss_buf *detail)
{
	json_t *list = json_object_get(pod_sc(p) ?: json_null(), "sysctls"),
	       *sc;
	size_t i;
	int n = 0;

	(void)minor;
	if (!json_is_array(list))
		return 0;
	json_array_foreach(list, i, sc)
	{
		const char *name = str(sc, "name");
		int ok = 0;

		name = name ? name : "";
		for (size_t j = 0;
		     j < sizeof(safe_sysctls) / sizeof(safe_sysctls[0]); j++)
			if (safe_sysctls[j].since <= chk->min_minor &&
			    !strcmp(name, safe_sysctls[j].name))
				ok = 1;
		if (!ok)
			pss_buf_printf(detail, "%s%s", n++ ? ", " : "", name);
	}
	if (!n)
		return 0;
	pss_buf_printf(reason, "forbidden sysctls");
	return 1;
}

int pss_check_windows_host_process(const struct pss_check *chk,
				   const struct pss_pod *p, int minor,
				   struct pss_buf *reason,
				   struct pss_buf *detail)
{
	struct scratch *s = scratch_new();
	json_t *c;
	int pod_bad, rc = 0;

	(void)chk;
	(void)minor;
	if (!s)
		return -ENOMEM;
	pod_bad = is_true(obj(pod_sc(p), "windowsOptions"), "hostProcess");
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		if (is_true(obj(obj(c, "securityContext"), "windowsOptions"),
			    "hostProcess"))
			names_add(&s->a, cname(c));
	}
	if (pod_bad || s->a.n) {
		pss_buf_printf(reason, "hostProcess");
		if (pod_bad)
			pss_buf_printf(detail, "pod%s", s->a.n ? " and " : "");
		if (s->a.n)
			pss_put_containers(detail, &s->a);
		pss_buf_printf(detail, " must not set securityContext."
				       "windowsOptions.hostProcess=true");
		rc = 1;
	}
	free(s);
	return rc;
}

static void probe_hosts(json_t *handler, struct names *hosts, int *bad)
{
	static const char *const kinds[] = {"httpGet", "tcpSocket"};

	for (size_t i = 0; i < 2; i++) {
		const char *h = str(obj(handler, kinds[i]), "host");

		if (h && *h) {
			pss_set_add(hosts, h);
			*bad = 1;
		}
	}
}

int pss_check_host_probes(const struct pss_check *chk, const struct pss_pod *p,
			  int minor, struct pss_buf *reason,
			  struct pss_buf *detail)
{
	static const char *const probes[] = {"livenessProbe", "readinessProbe",
					     "startupProbe"};
	struct scratch *s = scratch_new();
	json_t *c;
	int rc = 0;

	(void)chk;
	(void)minor;
	if (!s)
		return -ENOMEM;
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		json_t *lc = obj(c, "lifecycle");
		int bad = 0;

		for (size_t j = 0; j < 3; j++)
			probe_hosts(obj(c, probes[j]), &s->b, &bad);
		probe_hosts(obj(lc, "postStart"), &s->b, &bad);
		probe_hosts(obj(lc, "preStop"), &s->b, &bad);
		if (bad)
			pss_set_add(&s->a, cname(c));
	}
	if (s->a.n) {
		pss_set_sort(&s->a);
		pss_set_sort(&s->b);
		pss_buf_printf(reason, "probe or lifecycle host");
		pss_put_containers(detail, &s->a);
		pss_buf_printf(detail, " %s %s ", plural("uses", "use", s->a.n),
			       plural("probe or lifecycle host",
				      "probe or lifecycle hosts", s->b.n));
		pss_join_quote(detail, &s->b);
		rc = 1;
	}
	free(s);
	return rc;
}
