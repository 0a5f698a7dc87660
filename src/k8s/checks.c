/*
 * checks.c - the best-practice check engine and the check functions.
 *
 * k8s_audit_checks walks the set once: for every object it finds the pod
 * spec (workloads), reads the bulwark.io/ignore annotations, then runs
 * each selected check of the table (checks_table.c) -- object checks once,
 * container checks once per container (init, regular, ephemeral).  Checks
 * that need other objects (NetworkPolicy selection, PodDisruptionBudgets,
 * ServiceAccounts with automount off) use an index built once per audit.
 *
 * Semantics worth knowing (also in docs/k8s.md):
 *  - security context fields that exist at both levels (runAsNonRoot,
 *    runAsUser, runAsGroup, seccompProfile, seLinuxOptions,
 *    appArmorProfile) are read from the container, falling back to the pod;
 *  - "secrets in env" is two checks: a literal env value that looks like
 *    a secret (by variable name or by value shape) is high; a secretKeyRef
 *    / envFrom secretRef is low (CIS 5.4.1: prefer secrets as files);
 *  - a pod is selected by a NetworkPolicy of its namespace (unset means
 *    "default") whose podSelector matches its labels (matchLabels and
 *    matchExpressions In/NotIn/Exists/DoesNotExist; an empty or missing
 *    selector selects every pod).
 *
 * Messages include strings from the manifest; the report writers escape
 * them for their format.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "k8s/checks_int.h"

#define CHK_PATH_MAX 512
#define CHK_MSG_MAX 1024

/* ---- index of the set ---------------------------------------------------- */

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

static const char *ns_of(const struct k8s_object *o)
{
	return o->ns && *o->ns ? o->ns : "default";
}

static int is_kind(const struct k8s_object *o, const char *k)
{
	return o->kind && !strcmp(o->kind, k);
}

static int push(void **arr, size_t *n, size_t size, const void *item)
{
	char *na;

	if ((*n & (*n - 1)) == 0) { /* 0, 1, 2, 4...: grow to double */
		na = realloc(*arr, (*n ? *n * 2 : 1) * size);
		if (!na)
			return -ENOMEM;
		*arr = na;
	}
	memcpy((char *)*arr + *n * size, item, size);
	(*n)++;
	return 0;
}

static void index_free(struct chk_index *x)
{
	free(x->netpols);
	free(x->pdbs);
	free(x->sas);
}

static int index_build(const struct k8s_set *set, struct chk_index *x)
{
	size_t i;
	int rc = 0;

	memset(x, 0, sizeof(*x));
	for (i = 0; i < set->n && !rc; i++) {
		const struct k8s_object *o = &set->objs[i];
		struct chk_sel s;

		if (is_kind(o, "NetworkPolicy") ||
		    is_kind(o, "PodDisruptionBudget")) {
			int np = is_kind(o, "NetworkPolicy");

			s.ns = ns_of(o);
			s.selector = k8s_get(o->obj, np ? "spec.podSelector"
							: "spec.selector");
			if (np)
				rc = push((void **)&x->netpols, &x->nnetpols,
					  sizeof(s), &s);
			else if (s.selector) /* a PDB without selector
						selects nothing */
				rc = push((void **)&x->pdbs, &x->npdbs,
					  sizeof(s), &s);
		} else if (is_kind(o, "ServiceAccount") &&
			   json_is_false(json_object_get(
			       o->obj, "automountServiceAccountToken"))) {
			rc = push((void **)&x->sas, &x->nsas, sizeof(o), &o);
		}
	}
	if (rc)
		index_free(x);
	return rc;
}

/* ---- label selectors ----------------------------------------------------- */

static int str_in(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i,
			   v) if (json_is_string(v) &&
				  !strcmp(json_string_value(v), s)) return 1;
	return 0;
}

/* Whether a LabelSelector selects labels (an object, may be NULL).  A
 * malformed selector (wrong types, unknown operator) selects nothing, as
 * the API server would refuse it. */
static int selector_matches(json_t *sel, json_t *labels)
{
	json_t *ml, *me, *v, *e;
	const char *k;
	size_t i;

	if (!sel || json_is_null(sel))
		return 1;
	if (!json_is_object(sel))
		return 0;
	ml = json_object_get(sel, "matchLabels");
	me = json_object_get(sel, "matchExpressions");
	if (ml && !json_is_null(ml)) {
		if (!json_is_object(ml))
			return 0;
		json_object_foreach(ml, k, v)
		{
			json_t *have = json_object_get(labels, k);

			if (!json_is_string(v) || !json_is_string(have) ||
			    strcmp(json_string_value(v),
				   json_string_value(have)))
				return 0;
		}
	}
	if (me && !json_is_null(me)) {
		if (!json_is_array(me))
			return 0;
		json_array_foreach(me, i, e)
		{
			const char *key =
			    json_string_value(json_object_get(e, "key"));
			const char *op =
			    json_string_value(json_object_get(e, "operator"));
			json_t *vals = json_object_get(e, "values");
			json_t *have;

			if (!key || !op)
				return 0;
			have = json_object_get(labels, key);
			if (!json_is_string(have))
				have = NULL;
			if (!strcmp(op, "In")) {
				if (!have || !json_is_array(vals) ||
				    !str_in(vals, json_string_value(have)))
					return 0;
			} else if (!strcmp(op, "NotIn")) {
				if (!json_is_array(vals))
					return 0;
				if (have &&
				    str_in(vals, json_string_value(have)))
					return 0;
			} else if (!strcmp(op, "Exists")) {
				if (!have)
					return 0;
			} else if (!strcmp(op, "DoesNotExist")) {
				if (have)
					return 0;
			} else {
				return 0;
			}
		}
	}
	return 1;
}

static int any_selects(const struct chk_sel *s, size_t n, const char *ns,
		       json_t *labels)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s[i].ns, ns) &&
		    selector_matches(s[i].selector, labels))
			return 1;
	return 0;
}

/* ---- ignore annotations -------------------------------------------------- */

static const char *annotation(json_t *meta, const char *key)
{
	json_t *a =
	    json_is_object(meta) ? json_object_get(meta, "annotations") : NULL;

	return json_string_value(json_is_object(a) ? json_object_get(a, key)
						   : NULL);
}

/* Whether the comma/space separated list names id (or "*" / "all"). */
static int list_has(const char *list, const char *id)
{
	size_t idlen = strlen(id);
	const char *p = list;

	while (p && *p) {
		size_t n;

		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		n = strcspn(p, ", \t");
		if (!n)
			break;
		if ((n == idlen && !strncasecmp(p, id, n)) ||
		    (n == 1 && *p == '*') ||
		    (n == 3 && !strncasecmp(p, "all", 3)))
			return 1;
		p += n;
	}
	return 0;
}

/* The bulwark.io/ignore lists that apply to an object: its own and its pod
 * template's. */
struct chk_ignore {
	json_t *meta[2];
	const char *list[2];
};

static void ignore_init(struct chk_ignore *ig, const struct k8s_object *o,
			json_t *pod_meta)
{
	ig->meta[0] = o ? json_object_get(o->obj, "metadata") : NULL;
	ig->meta[1] = pod_meta;
	for (size_t i = 0; i < 2; i++)
		ig->list[i] = annotation(ig->meta[i], "bulwark.io/ignore");
}

static int ignore_match(const struct chk_ignore *ig, const char *id,
			const char **ret_reason)
{
	for (size_t i = 0; i < 2; i++) {
		if (ig->list[i] && list_has(ig->list[i], id)) {
			if (ret_reason)
				*ret_reason = annotation(
				    ig->meta[i], "bulwark.io/ignore-reason");
			return 1;
		}
	}
	return 0;
}

int k8s_ignored(const struct k8s_object *o, json_t *pod_meta, const char *id,
		const char **ret_reason)
{
	struct chk_ignore ig;

	if (!id)
		return 0;
	ignore_init(&ig, o, pod_meta);
	return ignore_match(&ig, id, ret_reason);
}

/* ---- emitting ------------------------------------------------------------ */

static void __attribute__((format(printf, 3, 0)))
vemit(struct k8s_check_ctx *c, const char *path, const char *fmt, va_list ap)
{
	const struct k8s_check *k = c->check;
	struct report_finding f = {0};
	char msg[CHK_MSG_MAX], why[CHK_MSG_MAX];
	const char *reason = NULL;
	int rc;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	f.id = k->id;
	f.name = k->name;
	f.severity = k->severity;
	f.title = k->title;
	f.message = msg;
	f.remediation = k->remediation;
	f.rationale = k->rationale;
	f.file = c->o->file;
	f.doc = c->o->doc;
	f.item = c->o->item;
	f.line = c->o->line;
	f.kind = c->o->kind;
	f.ns = c->o->ns;
	f.obj_name = c->o->name;
	f.container = c->cname;
	f.path = path;
	f.frameworks = k->frameworks;
	f.nframeworks = k->nframeworks;
	if (ignore_match(c->ignore, k->id, &reason)) {
		f.suppressed = 1;
		snprintf(why, sizeof(why), "annotation bulwark.io/ignore: %s",
			 reason ? reason : "(no reason given)");
		f.suppress_reason = why;
	}
	rc = report_findings_add(c->out, &f);
	if (rc && !c->rc)
		c->rc = rc;
}

/* What snprintf(buf, size, "%s.%s[.%s]", a, b, c) writes (a and b not
 * NULL, c may be), without the formatting machinery: every finding has
 * such a path. */
static void join_path(char *buf, size_t size, const char *a, const char *b,
		      const char *c)
{
	const char *parts[3] = {a, b, c};
	size_t len = 0;

	for (size_t i = 0; i < 3 && parts[i]; i++) {
		size_t n = strlen(parts[i]);

		if (i && len + 1 < size)
			buf[len++] = '.';
		if (n > size - 1 - len)
			n = size - 1 - len;
		memcpy(buf + len, parts[i], n);
		len += n;
	}
	buf[len] = '\0';
}

/* A finding at an object field ("spec.replicas"). */
static void __attribute__((format(printf, 3, 4)))
emit_obj(struct k8s_check_ctx *c, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit(c, field, fmt, ap);
	va_end(ap);
}

/* A finding at a pod spec field ("hostNetwork"). */
static void __attribute__((format(printf, 3, 4)))
emit_pod(struct k8s_check_ctx *c, const char *field, const char *fmt, ...)
{
	char path[CHK_PATH_MAX];
	va_list ap;

	join_path(path, sizeof(path), c->spec_path, field, NULL);
	va_start(ap, fmt);
	vemit(c, path, fmt, ap);
	va_end(ap);
}

/* A finding at a container field ("securityContext.privileged"). */
static void __attribute__((format(printf, 3, 4)))
emit_ctr(struct k8s_check_ctx *c, const char *field, const char *fmt, ...)
{
	char path[CHK_PATH_MAX];
	va_list ap;

	join_path(path, sizeof(path), c->spec_path, c->cpath,
		  field && *field ? field : NULL);
	va_start(ap, fmt);
	vemit(c, path, fmt, ap);
	va_end(ap);
}

/* ---- field helpers ------------------------------------------------------- */

static json_t *sc_field(json_t *holder, const char *k)
{
	json_t *sc = json_object_get(holder, "securityContext");
	json_t *v = json_is_object(sc) ? json_object_get(sc, k) : NULL;

	return json_is_null(v) ? NULL : v;
}

/* A security context field of the container, else of the pod; *ret_pod
 * tells which level it came from (1 pod). */
static json_t *eff_sc(struct k8s_check_ctx *c, json_t *ctr, const char *k,
		      int *ret_pod)
{
	json_t *v = sc_field(ctr, k);

	*ret_pod = 0;
	if (v)
		return v;
	v = sc_field(c->spec, k);
	if (v)
		*ret_pod = 1;
	return v;
}

/* Emits at the effective field: the pod's when the value came from it,
 * the container's otherwise. */
static void emit_eff(struct k8s_check_ctx *c, int at_pod, const char *field,
		     const char *msg)
{
	char f[128];

	snprintf(f, sizeof(f), "securityContext.%s", field);
	if (at_pod)
		emit_pod(c, f, "%s", msg);
	else
		emit_ctr(c, f, "%s", msg);
}

static const char *cname_q(struct k8s_check_ctx *c)
{
	return c->cname ? c->cname : "?";
}

static int kind_is_job(const struct k8s_object *o)
{
	return is_kind(o, "Job") || is_kind(o, "CronJob");
}

/* Capability names compare without "CAP_" and case. */
static int cap_eq(const char *a, const char *b)
{
	if (!strncasecmp(a, "CAP_", 4))
		a += 4;
	if (!strncasecmp(b, "CAP_", 4))
		b += 4;
	return !strcasecmp(a, b);
}

static int caps_has(json_t *ctr, const char *list, const char *cap)
{
	json_t *caps = sc_field(ctr, "capabilities"), *arr, *v;
	size_t i;

	arr = json_is_object(caps) ? json_object_get(caps, list) : NULL;
	json_array_foreach(arr, i,
			   v) if (json_is_string(v) &&
				  cap_eq(json_string_value(v), cap)) return 1;
	return 0;
}

/* ---- image references ---------------------------------------------------- */

struct image_ref {
	int has_digest;
	char tag[129]; /* "" when none */
};

static void image_parse(const char *img, struct image_ref *r)
{
	const char *at = strchr(img, '@');
	size_t n = at ? (size_t)(at - img) : strlen(img);
	const char *slash = NULL, *colon = NULL;
	size_t i;

	memset(r, 0, sizeof(*r));
	r->has_digest = at && !strncmp(at + 1, "sha256:", 7);
	for (i = 0; i < n; i++) {
		if (img[i] == '/')
			slash = img + i, colon = NULL;
		else if (img[i] == ':')
			colon = img + i;
	}
	(void)slash;
	if (colon)
		snprintf(r->tag, sizeof(r->tag), "%.*s",
			 (int)(img + n - colon - 1), colon + 1);
}

/* ---- container checks ---------------------------------------------------- */

CHK_CTR(chk_privileged)
{
	if (json_is_true(sc_field(ctr, "privileged")))
		emit_ctr(c, "securityContext.privileged",
			 "container \"%s\" runs privileged", cname_q(c));
}

CHK_CTR(chk_priv_escalation)
{
	if (!json_is_false(sc_field(ctr, "allowPrivilegeEscalation")))
		emit_ctr(c, "securityContext.allowPrivilegeEscalation",
			 "container \"%s\" does not set "
			 "allowPrivilegeEscalation: false",
			 cname_q(c));
}

CHK_CTR(chk_readonly_rootfs)
{
	if (!json_is_true(sc_field(ctr, "readOnlyRootFilesystem")))
		emit_ctr(c, "securityContext.readOnlyRootFilesystem",
			 "container \"%s\" has a writable root filesystem",
			 cname_q(c));
}

CHK_CTR(chk_run_as_non_root)
{
	int pn, pu;
	json_t *nr = eff_sc(c, ctr, "runAsNonRoot", &pn);
	json_t *uid = eff_sc(c, ctr, "runAsUser", &pu);
	char msg[256];

	if (json_is_integer(uid) && json_integer_value(uid) == 0) {
		snprintf(msg, sizeof(msg),
			 "container \"%s\" runs as UID 0 (root)", cname_q(c));
		emit_eff(c, pu, "runAsUser", msg);
		return;
	}
	if (json_is_true(nr) ||
	    (json_is_integer(uid) && json_integer_value(uid) > 0))
		return;
	snprintf(msg, sizeof(msg),
		 "container \"%s\" may run as root: neither runAsNonRoot: "
		 "true nor a non-zero runAsUser is set",
		 cname_q(c));
	emit_eff(c, nr ? pn : 0, "runAsNonRoot", msg);
}

CHK_CTR(chk_low_uid)
{
	int pu;
	json_t *uid = eff_sc(c, ctr, "runAsUser", &pu);
	char msg[256];

	if (json_is_integer(uid) && json_integer_value(uid) >= 10000)
		return;
	if (json_is_integer(uid))
		snprintf(msg, sizeof(msg),
			 "container \"%s\" runs as UID %lld, below 10000",
			 cname_q(c), (long long)json_integer_value(uid));
	else
		snprintf(msg, sizeof(msg),
			 "container \"%s\" does not set runAsUser (the "
			 "image's user applies)",
			 cname_q(c));
	emit_eff(c, pu, "runAsUser", msg);
}

static const char *const dangerous_caps[] = {
    "ALL",	 "SYS_ADMIN", "NET_ADMIN",    "SYS_PTRACE",	 "SYS_MODULE",
    "SYS_RAWIO", "SYS_BOOT",  "SYS_TIME",     "DAC_READ_SEARCH", "BPF",
    "PERFMON",	 "MAC_ADMIN", "MAC_OVERRIDE", "SYSLOG",		 "SYS_CHROOT",
};

CHK_CTR(chk_dangerous_caps)
{
	json_t *caps = sc_field(ctr, "capabilities"), *add, *v;
	size_t i, k;

	add = json_is_object(caps) ? json_object_get(caps, "add") : NULL;
	json_array_foreach(add, i, v)
	{
		const char *s = json_string_value(v);
		char field[96];

		if (!s)
			continue;
		for (k = 0;
		     k < sizeof(dangerous_caps) / sizeof(*dangerous_caps); k++)
			if (cap_eq(s, dangerous_caps[k]))
				break;
		if (k == sizeof(dangerous_caps) / sizeof(*dangerous_caps))
			continue;
		snprintf(field, sizeof(field),
			 "securityContext.capabilities.add[%zu]", i);
		emit_ctr(c, field, "container \"%s\" adds capability %s",
			 cname_q(c), s);
	}
}

CHK_CTR(chk_net_raw)
{
	if (caps_has(ctr, "add", "NET_RAW")) {
		emit_ctr(c, "securityContext.capabilities.add",
			 "container \"%s\" adds NET_RAW", cname_q(c));
		return;
	}
	if (caps_has(ctr, "drop", "NET_RAW") || caps_has(ctr, "drop", "ALL"))
		return;
	emit_ctr(c, "securityContext.capabilities.drop",
		 "container \"%s\" keeps NET_RAW (drop NET_RAW or ALL)",
		 cname_q(c));
}

CHK_CTR(chk_drop_all)
{
	if (!caps_has(ctr, "drop", "ALL"))
		emit_ctr(c, "securityContext.capabilities.drop",
			 "container \"%s\" does not drop ALL capabilities",
			 cname_q(c));
}

CHK_CTR(chk_host_port)
{
	json_t *ports = json_object_get(ctr, "ports"), *p;
	size_t i;

	json_array_foreach(ports, i, p)
	{
		json_t *hp = json_object_get(p, "hostPort");
		char field[64];

		if (!json_is_integer(hp) || json_integer_value(hp) <= 0)
			continue;
		snprintf(field, sizeof(field), "ports[%zu].hostPort", i);
		emit_ctr(c, field, "container \"%s\" binds host port %lld",
			 cname_q(c), (long long)json_integer_value(hp));
	}
}

/* resources.<what>.<res> missing: init and regular containers
 * (ephemeral containers cannot have resources). */
static void resource(struct k8s_check_ctx *c, json_t *ctr,
		     enum k8s_container_kind kind, const char *what,
		     const char *res)
{
	json_t *r = json_object_get(ctr, "resources"), *v;
	char field[64];

	if (kind == K8S_EPHEMERAL_CONTAINER)
		return;
	v = json_is_object(r) ? json_object_get(r, what) : NULL;
	v = json_is_object(v) ? json_object_get(v, res) : NULL;
	if (v && !json_is_null(v))
		return;
	snprintf(field, sizeof(field), "resources.%s.%s", what, res);
	emit_ctr(c, field, "container \"%s\" has no %s %s", cname_q(c), res,
		 !strcmp(what, "requests") ? "request" : "limit");
}

CHK_CTR(chk_cpu_requests) { resource(c, ctr, kind, "requests", "cpu"); }
CHK_CTR(chk_memory_requests) { resource(c, ctr, kind, "requests", "memory"); }
CHK_CTR(chk_cpu_limits) { resource(c, ctr, kind, "limits", "cpu"); }
CHK_CTR(chk_memory_limits) { resource(c, ctr, kind, "limits", "memory"); }

static void probe(struct k8s_check_ctx *c, json_t *ctr,
		  enum k8s_container_kind kind, const char *which)
{
	json_t *p;

	if (kind != K8S_CONTAINER || kind_is_job(c->o))
		return;
	p = json_object_get(ctr, which);
	if (!json_is_object(p))
		emit_ctr(c, which, "container \"%s\" has no %s", cname_q(c),
			 which);
}

CHK_CTR(chk_liveness) { probe(c, ctr, kind, "livenessProbe"); }
CHK_CTR(chk_readiness) { probe(c, ctr, kind, "readinessProbe"); }

CHK_CTR(chk_image_tag)
{
	const char *img = json_string_value(json_object_get(ctr, "image"));
	struct image_ref r;

	if (!img || !*img) {
		emit_ctr(c, "image", "container \"%s\" names no image",
			 cname_q(c));
		return;
	}
	image_parse(img, &r);
	if (r.has_digest && !r.tag[0])
		return;
	if (!r.tag[0])
		emit_ctr(c, "image",
			 "container \"%s\" image \"%s\" has no tag (means "
			 "latest)",
			 cname_q(c), img);
	else if (!strcmp(r.tag, "latest"))
		emit_ctr(c, "image",
			 "container \"%s\" image \"%s\" uses the latest tag",
			 cname_q(c), img);
}

CHK_CTR(chk_image_digest)
{
	const char *img = json_string_value(json_object_get(ctr, "image"));
	struct image_ref r;

	if (!img)
		return; /* BW-K8S-021 reports it */
	image_parse(img, &r);
	if (!r.has_digest)
		emit_ctr(c, "image",
			 "container \"%s\" image \"%s\" is not pinned by "
			 "digest",
			 cname_q(c), img);
}

CHK_CTR(chk_pull_policy)
{
	const char *img = json_string_value(json_object_get(ctr, "image"));
	const char *pol =
	    json_string_value(json_object_get(ctr, "imagePullPolicy"));
	struct image_ref r;

	if (!img)
		return;
	image_parse(img, &r);
	if (r.has_digest)
		return; /* immutable: the policy does not matter */
	if (!pol)	/* the API server's default */
		pol = (!r.tag[0] || !strcmp(r.tag, "latest")) ? "Always"
							      : "IfNotPresent";
	if (strcmp(pol, "Always"))
		emit_ctr(c, "imagePullPolicy",
			 "container \"%s\" image \"%s\" has a mutable tag "
			 "and imagePullPolicy %s",
			 cname_q(c), img, pol);
}

/* Names of env vars that hold secrets, matched as substrings. */
static const char *const secret_names[] = {
    "PASSWORD", "PASSWD",      "SECRET",     "TOKEN",	   "APIKEY",
    "API_KEY",	"PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL", "AUTH_KEY",
};
/* Value prefixes that are secrets whatever the variable is called. */
static const char *const secret_values[] = {
    "-----BEGIN", "AKIA",  "ghp_",     "gho_",	 "github_pat_",
    "xoxb-",	  "xoxp-", "sk_live_", "glpat-",
};

static int looks_secret(const char *name, const char *value)
{
	char up[128];
	size_t i;

	if (!value || !*value || !strncmp(value, "$(", 2))
		return 0;
	for (i = 0; i < sizeof(secret_values) / sizeof(*secret_values); i++)
		if (!strncmp(value, secret_values[i], strlen(secret_values[i])))
			return 1;
	for (i = 0; name[i] && i + 1 < sizeof(up); i++)
		up[i] = (char)(name[i] >= 'a' && name[i] <= 'z'
				   ? name[i] - 'a' + 'A'
				   : name[i]);
	up[i] = '\0';
	for (i = 0; i < sizeof(secret_names) / sizeof(*secret_names); i++)
		if (strstr(up, secret_names[i]))
			return 1;
	return 0;
}

CHK_CTR(chk_secret_literal)
{
	json_t *env = json_object_get(ctr, "env"), *e;
	size_t i;

	json_array_foreach(env, i, e)
	{
		const char *n = json_string_value(json_object_get(e, "name"));
		const char *v = json_string_value(json_object_get(e, "value"));
		char field[64];

		if (!n || !looks_secret(n, v))
			continue;
		snprintf(field, sizeof(field), "env[%zu].value", i);
		emit_ctr(c, field,
			 "container \"%s\" sets %s to a literal that looks "
			 "like a secret",
			 cname_q(c), n);
	}
}

CHK_CTR(chk_secret_env_ref)
{
	json_t *env = json_object_get(ctr, "env"), *e;
	size_t i;

	json_array_foreach(env, i, e)
	{
		const char *n = json_string_value(json_object_get(e, "name"));
		char field[80];

		if (!k8s_get(e, "valueFrom.secretKeyRef"))
			continue;
		snprintf(field, sizeof(field),
			 "env[%zu].valueFrom.secretKeyRef", i);
		emit_ctr(c, field,
			 "container \"%s\" reads secret into env var %s",
			 cname_q(c), n ? n : "?");
	}
	env = json_object_get(ctr, "envFrom");
	json_array_foreach(env, i, e)
	{
		char field[64];

		if (!json_object_get(e, "secretRef"))
			continue;
		snprintf(field, sizeof(field), "envFrom[%zu].secretRef", i);
		emit_ctr(c, field,
			 "container \"%s\" loads a whole secret into env vars",
			 cname_q(c));
	}
}

static const char *pod_annotation(struct k8s_check_ctx *c, const char *key)
{
	return annotation(c->meta, key);
}

CHK_CTR(chk_seccomp)
{
	int at_pod;
	json_t *p = eff_sc(c, ctr, "seccompProfile", &at_pod);
	const char *t = json_string_value(json_object_get(p, "type"));
	const char *legacy;
	char key[320], msg[256];

	if (t && (!strcmp(t, "RuntimeDefault") || !strcmp(t, "Localhost")))
		return;
	if (!t) { /* the annotations older clusters used */
		snprintf(key, sizeof(key),
			 "container.seccomp.security.alpha.kubernetes.io/%s",
			 cname_q(c));
		legacy = pod_annotation(c, key);
		if (!legacy)
			legacy = pod_annotation(
			    c, "seccomp.security.alpha.kubernetes.io/pod");
		if (legacy && (!strcmp(legacy, "runtime/default") ||
			       !strcmp(legacy, "docker/default") ||
			       !strncmp(legacy, "localhost/", 10)))
			return;
	}
	snprintf(msg, sizeof(msg),
		 "container \"%s\" seccomp profile is %s, not RuntimeDefault "
		 "or Localhost",
		 cname_q(c), t ? t : "unset");
	emit_eff(c, at_pod, t ? "seccompProfile.type" : "seccompProfile", msg);
}

CHK_CTR(chk_apparmor)
{
	int at_pod;
	json_t *p = eff_sc(c, ctr, "appArmorProfile", &at_pod);
	const char *t = json_string_value(json_object_get(p, "type"));
	char key[320], msg[256];
	const char *a;

	if (t && !strcmp(t, "Unconfined")) {
		snprintf(msg, sizeof(msg),
			 "container \"%s\" runs AppArmor unconfined",
			 cname_q(c));
		emit_eff(c, at_pod, "appArmorProfile.type", msg);
		return;
	}
	snprintf(key, sizeof(key),
		 "container.apparmor.security.beta.kubernetes.io/%s",
		 cname_q(c));
	a = pod_annotation(c, key);
	if (a && !strcmp(a, "unconfined")) {
		char path[CHK_PATH_MAX];
		const char *mp = strrchr(c->spec_path, '.');

		/* the annotation lives in the pod (template) metadata */
		snprintf(path, sizeof(path), "%.*smetadata.annotations",
			 mp ? (int)(mp - c->spec_path + 1) : 0, c->spec_path);
		emit_obj(c, path, "container \"%s\" runs AppArmor unconfined",
			 cname_q(c));
	}
}

static const char *const selinux_types[] = {
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
};

CHK_CTR(chk_selinux)
{
	int at_pod;
	json_t *o = eff_sc(c, ctr, "seLinuxOptions", &at_pod);
	const char *t = json_string_value(json_object_get(o, "type"));
	char msg[256];
	size_t i;

	if (!json_is_object(o))
		return;
	if (json_string_length(json_object_get(o, "user")) ||
	    json_string_length(json_object_get(o, "role"))) {
		snprintf(msg, sizeof(msg),
			 "container \"%s\" sets a custom SELinux user or role",
			 cname_q(c));
		emit_eff(c, at_pod, "seLinuxOptions", msg);
		return;
	}
	if (!t || !*t)
		return;
	for (i = 0; i < sizeof(selinux_types) / sizeof(*selinux_types); i++)
		if (!strcmp(t, selinux_types[i]))
			return;
	snprintf(msg, sizeof(msg),
		 "container \"%s\" sets custom SELinux type \"%s\"", cname_q(c),
		 t);
	emit_eff(c, at_pod, "seLinuxOptions.type", msg);
}

CHK_CTR(chk_proc_mount)
{
	const char *pm = json_string_value(sc_field(ctr, "procMount"));

	if (pm && !strcmp(pm, "Unmasked"))
		emit_ctr(c, "securityContext.procMount",
			 "container \"%s\" sets procMount: Unmasked",
			 cname_q(c));
}

CHK_CTR(chk_root_group)
{
	int at_pod;
	json_t *g = eff_sc(c, ctr, "runAsGroup", &at_pod);
	char msg[256];

	if (json_is_integer(g) && json_integer_value(g) == 0) {
		snprintf(msg, sizeof(msg),
			 "container \"%s\" runs with GID 0 (root group)",
			 cname_q(c));
		emit_eff(c, at_pod, "runAsGroup", msg);
	}
}

CHK_CTR(chk_host_process)
{
	int at_pod;
	json_t *w = eff_sc(c, ctr, "windowsOptions", &at_pod);
	char msg[256];

	if (json_is_object(w) &&
	    json_is_true(json_object_get(w, "hostProcess"))) {
		snprintf(msg, sizeof(msg),
			 "container \"%s\" is a Windows HostProcess container",
			 cname_q(c));
		emit_eff(c, at_pod, "windowsOptions.hostProcess", msg);
	}
}

/* ---- pod and object checks ----------------------------------------------- */

static void host_ns(struct k8s_check_ctx *c, const char *field)
{
	if (c->spec && json_is_true(json_object_get(c->spec, field)))
		emit_pod(c, field, "pod sets %s: true", field);
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
		emit_pod(c, field, "pod mounts host path %s", p ? p : "?");
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
		emit_pod(c, field,
			 "pod mounts the container runtime socket path %s", p);
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
	emit_pod(c, "automountServiceAccountToken",
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
	emit_obj(c, "metadata.namespace", "%s is in the default namespace%s",
		 c->o->kind, c->o->ns ? "" : " (no namespace set)");
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
	emit_pod(c, "serviceAccountName",
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
		emit_pod(c, field, "pod sets unsafe sysctl %s", n);
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
	if (any_selects(c->idx->netpols, c->idx->nnetpols, ns_of(c->o),
			pod_labels(c)))
		return;
	emit_obj(c, c->spec_path,
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
		emit_obj(c, "spec.type",
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
		emit_obj(c, "spec.replicas",
			 "%s runs %lld replica%s: no redundancy", c->o->kind, n,
			 n == 1 ? "" : "s");
}

CHK_OBJ(chk_cronjob_concurrency)
{
	const char *p;

	if (!is_kind(c->o, "CronJob"))
		return;
	p = json_string_value(k8s_get(c->o->obj, "spec.concurrencyPolicy"));
	if (p && (!strcmp(p, "Forbid") || !strcmp(p, "Replace")))
		return;
	emit_obj(c, "spec.concurrencyPolicy",
		 "CronJob concurrencyPolicy is %s: runs may pile up",
		 p ? p : "unset (Allow)");
}

CHK_OBJ(chk_pdb)
{
	if (!is_kind(c->o, "Deployment") && !is_kind(c->o, "StatefulSet"))
		return;
	if (replicas(c->o) < 2)
		return; /* BW-K8S-036's business */
	if (any_selects(c->idx->pdbs, c->idx->npdbs, ns_of(c->o),
			pod_labels(c)))
		return;
	emit_obj(c, "spec.template.metadata.labels",
		 "no PodDisruptionBudget in namespace %s selects these pods",
		 ns_of(c->o));
}

/* ---- the engine ---------------------------------------------------------- */

const struct k8s_check *k8s_check_find(const char *id)
{
	size_t i;

	if (!id)
		return NULL;
	for (i = 0; i < k8s_nchecks; i++)
		if (!strcasecmp(k8s_checks[i].id, id))
			return &k8s_checks[i];
	return NULL;
}

/* Marks the checks a "ID,ID" list names in sel[]; an unknown id is an
 * error. */
static int select_list(const char *list, unsigned char *sel, const char *opt,
		       struct bw_error *err)
{
	const char *p = list;

	while (p && *p) {
		char id[64];
		size_t n;
		const struct k8s_check *k;

		while (*p == ',' || *p == ' ')
			p++;
		n = strcspn(p, ", ");
		if (!n)
			break;
		if (n >= sizeof(id))
			return bw_errorf(err, -EINVAL, opt, 0, 0,
					 "unknown check id \"%.40s...\"", p);
		memcpy(id, p, n);
		id[n] = '\0';
		k = k8s_check_find(id);
		if (!k && k8s_rbac_check_find(id)) {
			p += n; /* an RBAC check: k8s_rbac_audit selects it */
			continue;
		}
		if (!k)
			return bw_errorf(err, -EINVAL, opt, 0, 0,
					 "unknown check id \"%s\" (see "
					 "--list-checks)",
					 id);
		sel[k - k8s_checks] = 1;
		p += n;
	}
	return 0;
}

/* An object's containers, listed once (k8s_each_container's order and
 * paths) and then visited by every container check. */
struct chk_ctr {
	json_t *ctr;
	enum k8s_container_kind kind;
	const char *name;
	char path[64];
};

struct chk_ctrs {
	struct chk_ctr *v;
	size_t n, cap; /* at most the containers of one object */
};

static int collect_container(void *ctx, json_t *ctr,
			     enum k8s_container_kind kind, const char *path)
{
	struct chk_ctrs *cs = ctx;
	struct chk_ctr *e;

	if (cs->n == cs->cap) {
		size_t ncap = cs->cap ? cs->cap * 2 : 8;
		struct chk_ctr *nv = realloc(cs->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		cs->v = nv;
		cs->cap = ncap;
	}
	e = &cs->v[cs->n++];
	e->ctr = ctr;
	e->kind = kind;
	e->name = json_string_value(json_object_get(ctr, "name"));
	snprintf(e->path, sizeof(e->path), "%s", path);
	return 0;
}

static void run_container_check(struct k8s_check_ctx *c,
				const struct chk_ctrs *cs)
{
	for (size_t i = 0; i < cs->n && !c->rc; i++) {
		c->cpath = cs->v[i].path;
		c->cname = cs->v[i].name;
		c->check->container_fn(c, cs->v[i].ctr, cs->v[i].kind);
	}
	c->cname = NULL;
	c->cpath = NULL;
}

int k8s_audit_checks(const struct k8s_set *set, const struct k8s_audit_opts *o,
		     struct report_findings *out, struct bw_error *err)
{
	unsigned char *only, *skip;
	struct chk_ctrs ctrs = {0};
	struct chk_index idx;
	size_t i, k;
	int rc;

	if (!set || !out)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "no input");
	only = calloc(k8s_nchecks, 2);
	if (!only)
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	skip = only + k8s_nchecks;
	rc = select_list(o ? o->checks : NULL, only, "--checks", err);
	if (!rc)
		rc = select_list(o ? o->skip : NULL, skip, "--skip", err);
	if (rc) {
		free(only);
		return rc;
	}
	if (!o || !o->checks)
		memset(only, 1, k8s_nchecks);
	for (k = 0; k < k8s_nchecks; k++) {
		const struct k8s_check *ck = &k8s_checks[k];
		struct report_finding r = {
		    .id = ck->id,
		    .name = ck->name,
		    .severity = ck->severity,
		    .title = ck->title,
		    .rationale = ck->rationale,
		    .remediation = ck->remediation,
		    .frameworks = ck->frameworks,
		    .nframeworks = ck->nframeworks,
		};

		only[k] = only[k] && !skip[k];
		if (only[k] && (rc = report_findings_add_rule(out, &r))) {
			free(only);
			return bw_errorf(err, rc, NULL, 0, 0, "out of memory");
		}
	}
	rc = index_build(set, &idx);
	if (rc) {
		free(only);
		return bw_errorf(err, rc, NULL, 0, 0, "out of memory");
	}
	for (i = 0; i < set->n && !rc; i++) {
		struct chk_ignore ig;
		struct k8s_check_ctx c = {
		    .o = &set->objs[i], .idx = &idx, .ignore = &ig, .out = out};

		if (k8s_pod_spec(c.o, &c.spec, &c.meta, &c.spec_path)) {
			c.spec = NULL;
			c.meta = NULL;
			c.spec_path = NULL;
		}
		ignore_init(&ig, c.o, c.meta);
		ctrs.n = 0;
		if (c.spec &&
		    (rc = k8s_each_container(c.spec, collect_container, &ctrs)))
			break;
		for (k = 0; k < k8s_nchecks && !c.rc; k++) {
			if (!only[k])
				continue;
			c.check = &k8s_checks[k];
			if (c.check->object_fn)
				c.check->object_fn(&c);
			else if (c.check->container_fn)
				run_container_check(&c, &ctrs);
		}
		rc = c.rc;
		out->objects++;
	}
	free(ctrs.v);
	index_free(&idx);
	free(only);
	if (rc)
		return bw_errorf(err, rc, NULL, 0, 0,
				 rc == -E2BIG ? "too many findings"
					      : "out of memory");
	return 0;
}
