/*
 * pss_checks.c - the Pod Security Standards checks, one function per check
 * of the upstream admission controller (k8s.io/pod-security-admission/
 * policy, check_*.go), and the table that says at which level and from
 * which policy version each implementation applies.
 *
 * Each function reads the pod's JSON (a field counts only when it has the
 * type the API gives it: privileged is set only when it is JSON true) and,
 * when the pod violates the check, writes the controller's ForbiddenReason
 * and ForbiddenDetail with its wording: containers named in visiting order
 * (init, regular, ephemeral), values that upstream keeps in a set sorted and
 * de-duplicated, "container"/"containers" pluralised on the count.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/k8s_int.h"

/* ---- text helpers ---------------------------------------------------------- */

void pss_buf_printf(struct pss_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->n;

		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? room : 0, fmt,
			      ap);
		va_end(ap);
		if (n < 0) {
			b->oom = 1;
			return;
		}
		if (b->p && (size_t)n < room) {
			b->n += (size_t)n;
			return;
		}
		size_t ncap = b->cap ? b->cap : 128;

		while (ncap < b->n + (size_t)n + 1)
			ncap *= 2;
		if (ncap > PSS_MAX_TEXT) {
			b->oom = 1; /* bounded: a pod with huge names */
			return;
		}
		char *np = realloc(b->p, ncap);

		if (!np) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
}

/* A list of borrowed strings: upstream's []string or sets.String. */
#define PSS_MAX_NAMES 4096
struct names {
	const char *v[PSS_MAX_NAMES];
	size_t n;
};

static void names_add(struct names *l, const char *s)
{
	if (l->n < PSS_MAX_NAMES)
		l->v[l->n++] = s ? s : "";
}

static void set_add(struct names *l, const char *s)
{
	s = s ? s : "";
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return;
	names_add(l, s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void set_sort(struct names *l)
{
	qsort(l->v, l->n, sizeof(l->v[0]), cmp_str);
}

static const char *plural(const char *one, const char *many, size_t n)
{
	return n == 1 ? one : many;
}

/* Go's %q for the strings manifests hold. */
static void put_quoted(struct pss_buf *b, const char *s)
{
	pss_buf_printf(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			pss_buf_printf(b, "\\%c", c);
		else if (c == '\n')
			pss_buf_printf(b, "\\n");
		else if (c == '\t')
			pss_buf_printf(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			pss_buf_printf(b, "\\x%02x", c);
		else
			pss_buf_printf(b, "%c", c);
	}
	pss_buf_printf(b, "\"");
}

static void join_quote(struct pss_buf *b, const struct names *l)
{
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			pss_buf_printf(b, ", ");
		put_quoted(b, l->v[i]);
	}
}

static void join(struct pss_buf *b, const struct names *l, const char *sep)
{
	for (size_t i = 0; i < l->n; i++)
		pss_buf_printf(b, "%s%s", i ? sep : "", l->v[i]);
}

/* ---- pod access -------------------------------------------------------------- */

static json_t *obj(json_t *o, const char *k)
{
	json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;

	return json_is_object(v) ? v : NULL;
}

static const char *str(json_t *o, const char *k)
{
	json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int is_true(json_t *o, const char *k)
{
	return json_is_object(o) && json_is_true(json_object_get(o, k));
}

static int is_false(json_t *o, const char *k)
{
	return json_is_object(o) && json_is_false(json_object_get(o, k));
}

static const char *cname(json_t *c)
{
	const char *n = str(c, "name");

	return n ? n : "";
}

static json_t *pod_sc(const struct pss_pod *p)
{
	return obj(p->spec, "securityContext");
}

static json_t *annotations(const struct pss_pod *p)
{
	return obj(p->meta, "annotations");
}

/* Containers in visiting order, as a plain array for simple loops. */
struct containers {
	json_t *c[PSS_MAX_NAMES];
	size_t n;
};

static int collect_container(void *ctx, json_t *c, enum k8s_container_kind k,
			     const char *path)
{
	struct containers *cs = ctx;

	(void)k;
	(void)path;
	if (cs->n < PSS_MAX_NAMES)
		cs->c[cs->n++] = c;
	return 0;
}

static void containers_of(const struct pss_pod *p, struct containers *cs)
{
	cs->n = 0;
	k8s_each_container(p->spec, collect_container, cs);
}

#define FOR_CONTAINERS(p, cs, i, c)                                            \
	containers_of(p, &cs);                                                 \
	for (size_t i = 0; i < cs.n && ((c = cs.c[i]), 1); i++)

/* Scratch space per check: the name lists are large, keep them off the
 * stack. */
struct scratch {
	struct containers cs;
	struct names a, b, c;
};

static struct scratch *scratch_new(void)
{
	return calloc(1, sizeof(struct scratch));
}

/* "<containers "a", "b">" */
static void put_containers(struct pss_buf *b, const struct names *l)
{
	pss_buf_printf(b, "%s ", plural("container", "containers", l->n));
	join_quote(b, l);
}

/* ---- baseline ---------------------------------------------------------------- */

static int check_host_namespaces(const struct pss_check *chk,
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

static int check_privileged(const struct pss_check *chk,
			    const struct pss_pod *p, int minor,
			    struct pss_buf *reason, struct pss_buf *detail)
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
		put_containers(detail, &s->a);
		pss_buf_printf(detail,
			       " must not set securityContext.privileged=true");
		rc = 1;
	}
	free(s);
	return rc;
}

static const char *const caps_baseline_allowed[] = {
	"AUDIT_WRITE", "CHOWN",		   "DAC_OVERRIDE", "FOWNER", "FSETID",
	"KILL",	       "MKNOD",		   "NET_BIND_SERVICE", "SETFCAP",
	"SETGID",      "SETPCAP",	   "SETUID",	   "SYS_CHROOT", NULL};

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

static int check_capabilities_baseline(const struct pss_check *chk,
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
			obj(obj(c, "securityContext"), "capabilities") ?: json_null(),
			"add"),
		       *cap;
		size_t j;
		int bad = 0;

		if (!json_is_array(add))
			continue;
		json_array_foreach(add, j, cap)
		{
			const char *name = json_is_string(cap)
						   ? json_string_value(cap)
						   : "";

			if (in_list(name, caps_baseline_allowed))
				continue;
			if (!bad)
				names_add(&s->a, cname(c));
			bad = 1;
			set_add(&s->b, name);
		}
	}
	if (s->a.n) {
		set_sort(&s->b);
		pss_buf_printf(reason, "non-default capabilities");
		put_containers(detail, &s->a);
		pss_buf_printf(detail, " must not include ");
		join_quote(detail, &s->b);
		pss_buf_printf(detail, " in securityContext.capabilities.add");
		rc = 1;
	}
	free(s);
	return rc;
}

static int check_host_path_volumes(const struct pss_check *chk,
				   const struct pss_pod *p, int minor,
				   struct pss_buf *reason,
				   struct pss_buf *detail)
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
		pss_buf_printf(detail, "%s ", plural("volume", "volumes", l->n));
		join_quote(detail, l);
		rc = 1;
	}
	free(l);
	return rc;
}

static int check_host_ports(const struct pss_check *chk,
			    const struct pss_pod *p, int minor,
			    struct pss_buf *reason, struct pss_buf *detail)
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
				set_add(&s->b, ports[np]);
				np++;
			}
		}
	}
	if (s->a.n) {
		set_sort(&s->b);
		pss_buf_printf(reason, "hostPort");
		put_containers(detail, &s->a);
		pss_buf_printf(detail, " %s %s ", plural("uses", "use", s->a.n),
			       plural("hostPort", "hostPorts", s->b.n));
		join(detail, &s->b, ", ");
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

	return !profile || (t && (!strcmp(t, "RuntimeDefault") ||
				  !strcmp(t, "Localhost")));
}

static int check_apparmor(const struct pss_check *chk, const struct pss_pod *p,
			  int minor, struct pss_buf *reason,
			  struct pss_buf *detail)
{
	static const char prefix[] = "container.apparmor.security.beta.kubernetes.io/";
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
		put_quoted(&fields, str(pp, "type") ?: "");
		nbad++;
	}
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		json_t *cp = obj(obj(c, "securityContext"), "appArmorProfile");

		if (!cp || allowed_apparmor_type(cp))
			continue;
		pss_buf_printf(&fields, "%scontainer ", nbad ? ", " : "");
		put_quoted(&fields, cname(c));
		pss_buf_printf(&fields, "=");
		put_quoted(&fields, str(cp, "type") ?: "");
		nbad++;
	}
	/* annotations, sorted by their text */
	json_object_foreach(ann, k, v)
	{
		if (strncmp(k, prefix, sizeof(prefix) - 1) || !json_is_string(v) ||
		    allowed_apparmor_annotation(json_string_value(v)))
			continue;
		names_add(&s->a, k);
	}
	set_sort(&s->a);
	for (size_t i = 0; i < s->a.n; i++) {
		pss_buf_printf(&annots, "%s%s=", i ? ", " : "", s->a.v[i]);
		put_quoted(&annots, str(ann, s->a.v[i]));
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
		set_add(st->types, t);
		ok = 0;
	}
	if (u && *u)
		st->user = 1, ok = 0;
	if (r && *r)
		st->role = 1, ok = 0;
	return ok;
}

static int check_selinux(const struct pss_check *chk, const struct pss_pod *p,
			 int minor, struct pss_buf *reason,
			 struct pss_buf *detail)
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
			put_containers(detail, &s->a);
		pss_buf_printf(detail,
			       " set forbidden securityContext.seLinuxOptions: ");
		if (s->b.n) {
			set_sort(&s->b);
			pss_buf_printf(detail, "%s ",
				       plural("type", "types", s->b.n));
			join_quote(detail, &s->b);
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
static int procmount_common(const struct pss_pod *p, struct pss_buf *reason,
			    struct pss_buf *detail)
{
	struct scratch *s = scratch_new();
	json_t *c;
	int rc = 0;

	if (!s)
		return -ENOMEM;
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		json_t *pm = json_object_get(obj(c, "securityContext") ?: json_null(),
					     "procMount");

		if (!json_is_string(pm) ||
		    !strcmp(json_string_value(pm), "Default"))
			continue;
		names_add(&s->a, cname(c));
		set_add(&s->b, json_string_value(pm));
	}
	if (s->a.n) {
		set_sort(&s->b);
		pss_buf_printf(reason, "procMount");
		put_containers(detail, &s->a);
		pss_buf_printf(detail, " must not set securityContext.procMount to ");
		join_quote(detail, &s->b);
		rc = 1;
	}
	free(s);
	return rc;
}

static int check_procmount(const struct pss_check *chk,
			   const struct pss_pod *p, int minor,
			   struct pss_buf *reason, struct pss_buf *detail)
{
	(void)minor;
	if (chk->min_minor >= 35 && p->userns)
		return 0;
	return procmount_common(p, reason, detail);
}

static int check_procmount_restricted(const struct pss_check *chk,
				      const struct pss_pod *p, int minor,
				      struct pss_buf *reason,
				      struct pss_buf *detail)
{
	(void)chk;
	(void)minor;
	return procmount_common(p, reason, detail);
}

/* seccompProfile, baseline v1.0: the alpha annotations. */
static int check_seccomp_baseline_annotations(const struct pss_check *chk,
					      const struct pss_pod *p,
					      int minor,
					      struct pss_buf *reason,
					      struct pss_buf *detail)
{
	static const char pod_key[] = "seccomp.security.alpha.kubernetes.io/pod";
	static const char ctr_prefix[] = "container.seccomp.security.alpha.kubernetes.io/";
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
		set_add(&s->a, pod_key);
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
		set_add(&s->a, k);
	}
	if (s->a.n) {
		set_sort(&s->a);
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

static const char *seccomp_type(json_t *sc, int *set)
{
	json_t *prof = obj(sc, "seccompProfile");
	const char *t;

	*set = prof != NULL;
	t = str(prof, "type");
	return t ? t : "";
}

/* seccompProfile, baseline v1.19: the fields; Unconfined is forbidden. */
static int check_seccomp_baseline(const struct pss_check *chk,
				  const struct pss_pod *p, int minor,
				  struct pss_buf *reason,
				  struct pss_buf *detail)
{
	struct scratch *s = scratch_new();
	json_t *c;
	int set, pod_bad, rc = 0;

	(void)chk;
	(void)minor;
	if (!s)
		return -ENOMEM;
	pod_bad = !strcmp(seccomp_type(pod_sc(p), &set), "Unconfined");
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		if (!strcmp(seccomp_type(obj(c, "securityContext"), &set),
			    "Unconfined"))
			names_add(&s->a, cname(c));
	}
	if (pod_bad || s->a.n) {
		pss_buf_printf(reason, "seccompProfile");
		if (pod_bad)
			pss_buf_printf(detail, "pod%s", s->a.n ? " and " : "");
		if (s->a.n)
			put_containers(detail, &s->a);
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

static int check_sysctls(const struct pss_check *chk, const struct pss_pod *p,
			 int minor, struct pss_buf *reason,
			 struct pss_buf *detail)
{
	json_t *list = json_object_get(pod_sc(p) ?: json_null(), "sysctls"), *sc;
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
		for (size_t j = 0; j < sizeof(safe_sysctls) / sizeof(safe_sysctls[0]); j++)
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

static int check_windows_host_process(const struct pss_check *chk,
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
			put_containers(detail, &s->a);
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
			set_add(hosts, h);
			*bad = 1;
		}
	}
}

static int check_host_probes(const struct pss_check *chk,
			     const struct pss_pod *p, int minor,
			     struct pss_buf *reason, struct pss_buf *detail)
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
			set_add(&s->a, cname(c));
	}
	if (s->a.n) {
		set_sort(&s->a);
		set_sort(&s->b);
		pss_buf_printf(reason, "probe or lifecycle host");
		put_containers(detail, &s->a);
		pss_buf_printf(detail, " %s %s ", plural("uses", "use", s->a.n),
			       plural("probe or lifecycle host",
				      "probe or lifecycle hosts", s->b.n));
		join_quote(detail, &s->b);
		rc = 1;
	}
	free(s);
	return rc;
}

/* ---- restricted ------------------------------------------------------------ */

/* From v1.25 the Linux-only restricted checks skip Windows pods. */
static int windows_exempt(const struct pss_check *chk, const struct pss_pod *p)
{
	return chk->min_minor >= 25 && p->windows;
}

static int check_allow_privilege_escalation(const struct pss_check *chk,
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
		put_containers(detail, &s->a);
		pss_buf_printf(detail, " must set securityContext."
				       "allowPrivilegeEscalation=false");
		rc = 1;
	}
	free(s);
	return rc;
}

static int check_capabilities_restricted(const struct pss_check *chk,
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
			const char *name = json_is_string(cap)
						   ? json_string_value(cap)
						   : "";

			if (!strcmp(name, "NET_BIND_SERVICE"))
				continue;
			bad_add = 1;
			set_add(&s->c, name);
		}
		if (bad_add)
			names_add(&s->b, cname(c));
	}
	if (s->a.n || s->b.n) {
		pss_buf_printf(reason, "unrestricted capabilities");
		if (s->a.n) {
			put_containers(detail, &s->a);
			pss_buf_printf(detail, " must set securityContext."
					       "capabilities.drop=[\"ALL\"]");
		}
		if (s->b.n) {
			set_sort(&s->c);
			if (s->a.n)
				pss_buf_printf(detail, "; ");
			put_containers(detail, &s->b);
			pss_buf_printf(detail, " must not include ");
			join_quote(detail, &s->c);
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
	{"hostPath", 0},	     {"emptyDir", 1},
	{"gcePersistentDisk", 0},    {"awsElasticBlockStore", 0},
	{"gitRepo", 0},		     {"secret", 1},
	{"nfs", 0},		     {"iscsi", 0},
	{"glusterfs", 0},	     {"persistentVolumeClaim", 1},
	{"rbd", 0},		     {"flexVolume", 0},
	{"cinder", 0},		     {"cephfs", 0},
	{"flocker", 0},		     {"downwardAPI", 1},
	{"fc", 0},		     {"azureFile", 0},
	{"configMap", 1},	     {"vsphereVolume", 0},
	{"quobyte", 0},		     {"azureDisk", 0},
	{"photonPersistentDisk", 0}, {"projected", 1},
	{"portworxVolume", 0},	     {"scaleIO", 0},
	{"storageos", 0},	     {"csi", 1},
	{"ephemeral", 1},	     {"image", 1},
};

static int check_restricted_volumes(const struct pss_check *chk,
				    const struct pss_pod *p, int minor,
				    struct pss_buf *reason,
				    struct pss_buf *detail)
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

		for (size_t j = 0; j < sizeof(volume_types) / sizeof(volume_types[0]); j++) {
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
		set_add(&s->b, bad_type);
	}
	if (s->a.n) {
		set_sort(&s->b);
		pss_buf_printf(reason, "restricted volume types");
		pss_buf_printf(detail, "%s ", plural("volume", "volumes", s->a.n));
		join_quote(detail, &s->a);
		pss_buf_printf(detail, " %s %s ", plural("uses", "use", s->a.n),
			       plural("restricted volume type",
				      "restricted volume types", s->b.n));
		join_quote(detail, &s->b);
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

static int check_run_as_non_root(const struct pss_check *chk,
				 const struct pss_pod *p, int minor,
				 struct pss_buf *reason,
				 struct pss_buf *detail)
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
		json_t *v = json_object_get(obj(c, "securityContext") ?: json_null(),
					    "runAsNonRoot");

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
			put_containers(detail, &s->a);
		pss_buf_printf(detail,
			       " must not set securityContext.runAsNonRoot=false");
		rc = 1;
	} else if (s->b.n) {
		pss_buf_printf(reason, "runAsNonRoot != true");
		pss_buf_printf(detail, "pod or ");
		put_containers(detail, &s->b);
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

static int check_run_as_user(const struct pss_check *chk,
			     const struct pss_pod *p, int minor,
			     struct pss_buf *reason, struct pss_buf *detail)
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
			put_containers(detail, &s->a);
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

static int check_seccomp_restricted(const struct pss_check *chk,
				    const struct pss_pod *p, int minor,
				    struct pss_buf *reason,
				    struct pss_buf *detail)
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
	t = seccomp_type(pod_sc(p), &set);
	if (set) {
		if (seccomp_valid(t)) {
			pod_set = 1;
		} else {
			pod_bad = 1;
			set_add(&s->c, t);
		}
	}
	FOR_CONTAINERS(p, s->cs, i, c)
	{
		t = seccomp_type(obj(c, "securityContext"), &set);
		if (set) {
			if (!seccomp_valid(t)) {
				names_add(&s->a, cname(c));
				set_add(&s->c, t);
			}
		} else if (!pod_set) {
			names_add(&s->b, cname(c));
		}
	}
	if (pod_bad || s->a.n) {
		set_sort(&s->c);
		pss_buf_printf(reason, "seccompProfile");
		if (pod_bad)
			pss_buf_printf(detail, "pod%s", s->a.n ? " and " : "");
		if (s->a.n)
			put_containers(detail, &s->a);
		pss_buf_printf(detail,
			       " must not set securityContext.seccompProfile.type to ");
		join_quote(detail, &s->c);
		rc = 1;
	} else if (s->b.n) {
		pss_buf_printf(reason, "seccompProfile");
		pss_buf_printf(detail, "pod or ");
		put_containers(detail, &s->b);
		pss_buf_printf(detail,
			       " must set securityContext.seccompProfile.type to "
			       "\"RuntimeDefault\" or \"Localhost\"");
		rc = 1;
	}
	free(s);
	return rc;
}

/* ---- the table ----------------------------------------------------------------- */

#define B K8S_PSS_BASELINE
#define R K8S_PSS_RESTRICTED

const struct pss_check k8s_pss_checks[] = {
	{"appArmorProfile", B, 0, check_apparmor, NULL},
	{"capabilities_baseline", B, 0, check_capabilities_baseline, NULL},
	{"hostNamespaces", B, 0, check_host_namespaces, NULL},
	{"hostPathVolumes", B, 0, check_host_path_volumes, NULL},
	{"hostPorts", B, 0, check_host_ports, NULL},
	{"hostProbesAndHostLifecycle", B, 34, check_host_probes, NULL},
	{"privileged", B, 0, check_privileged, NULL},
	{"procMount", B, 0, check_procmount, NULL},
	{"procMount", B, 35, check_procmount, NULL},
	{"seLinuxOptions", B, 0, check_selinux, NULL},
	{"seLinuxOptions", B, 31, check_selinux, NULL},
	{"seccompProfile_baseline", B, 0, check_seccomp_baseline_annotations, NULL},
	{"seccompProfile_baseline", B, 19, check_seccomp_baseline, NULL},
	{"sysctls", B, 0, check_sysctls, NULL},
	{"sysctls", B, 27, check_sysctls, NULL},
	{"sysctls", B, 29, check_sysctls, NULL},
	{"sysctls", B, 32, check_sysctls, NULL},
	{"sysctls", B, 37, check_sysctls, NULL},
	{"windowsHostProcess", B, 0, check_windows_host_process, NULL},

	{"allowPrivilegeEscalation", R, 8, check_allow_privilege_escalation, NULL},
	{"allowPrivilegeEscalation", R, 25, check_allow_privilege_escalation, NULL},
	{"capabilities_restricted", R, 22, check_capabilities_restricted,
	 "capabilities_baseline"},
	{"capabilities_restricted", R, 25, check_capabilities_restricted,
	 "capabilities_baseline"},
	{"procMount_restricted", R, 35, check_procmount_restricted, "procMount"},
	{"restrictedVolumes", R, 0, check_restricted_volumes, "hostPathVolumes"},
	{"runAsNonRoot", R, 0, check_run_as_non_root, NULL},
	{"runAsNonRoot", R, 35, check_run_as_non_root, NULL},
	{"runAsUser", R, 23, check_run_as_user, NULL},
	{"runAsUser", R, 35, check_run_as_user, NULL},
	{"seccompProfile_restricted", R, 19, check_seccomp_restricted,
	 "seccompProfile_baseline"},
	{"seccompProfile_restricted", R, 25, check_seccomp_restricted,
	 "seccompProfile_baseline"},
};

const size_t k8s_pss_n_checks = sizeof(k8s_pss_checks) / sizeof(k8s_pss_checks[0]);
