/*
 * checks_container.c - the best-practice checks that run once per
 * container (init, regular, ephemeral), with the helpers only they use:
 * security context fields, capabilities, image references.
 *
 * Semantics worth knowing (also in docs/k8s.md):
 *  - security context fields that exist at both levels (runAsNonRoot,
 *    runAsUser, runAsGroup, seccompProfile, seLinuxOptions,
 *    appArmorProfile) are read from the container, falling back to the pod;
 *  - "secrets in env" is two checks: a literal env value that looks like
 *    a secret (by variable name or by value shape) is high; a secretKeyRef
 *    / envFrom secretRef is low (CIS 5.4.1: prefer secrets as files).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "k8s/checks_int.h"

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
		k8s_chk_emit_pod(c, f, "%s", msg);
	else
		k8s_chk_emit_ctr(c, f, "%s", msg);
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
		k8s_chk_emit_ctr(c, "securityContext.privileged",
				 "container \"%s\" runs privileged",
				 cname_q(c));
}

CHK_CTR(chk_priv_escalation)
{
	if (!json_is_false(sc_field(ctr, "allowPrivilegeEscalation")))
		k8s_chk_emit_ctr(c, "securityContext.allowPrivilegeEscalation",
				 "container \"%s\" does not set "
				 "allowPrivilegeEscalation: false",
				 cname_q(c));
}

CHK_CTR(chk_readonly_rootfs)
{
	if (!json_is_true(sc_field(ctr, "readOnlyRootFilesystem")))
		k8s_chk_emit_ctr(
		    c, "securityContext.readOnlyRootFilesystem",
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
		k8s_chk_emit_ctr(c, field,
				 "container \"%s\" adds capability %s",
				 cname_q(c), s);
	}
}

CHK_CTR(chk_net_raw)
{
	if (caps_has(ctr, "add", "NET_RAW")) {
		k8s_chk_emit_ctr(c, "securityContext.capabilities.add",
				 "container \"%s\" adds NET_RAW", cname_q(c));
		return;
	}
	if (caps_has(ctr, "drop", "NET_RAW") || caps_has(ctr, "drop", "ALL"))
		return;
	k8s_chk_emit_ctr(c, "securityContext.capabilities.drop",
			 "container \"%s\" keeps NET_RAW (drop NET_RAW or ALL)",
			 cname_q(c));
}

CHK_CTR(chk_drop_all)
{
	if (!caps_has(ctr, "drop", "ALL"))
		k8s_chk_emit_ctr(
		    c, "securityContext.capabilities.drop",
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
		k8s_chk_emit_ctr(c, field,
				 "container \"%s\" binds host port %lld",
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
	k8s_chk_emit_ctr(c, field, "container \"%s\" has no %s %s", cname_q(c),
			 res, !strcmp(what, "requests") ? "request" : "limit");
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
		k8s_chk_emit_ctr(c, which, "container \"%s\" has no %s",
				 cname_q(c), which);
}

CHK_CTR(chk_liveness) { probe(c, ctr, kind, "livenessProbe"); }
CHK_CTR(chk_readiness) { probe(c, ctr, kind, "readinessProbe"); }

CHK_CTR(chk_image_tag)
{
	const char *img = json_string_value(json_object_get(ctr, "image"));
	struct image_ref r;

	if (!img || !*img) {
		k8s_chk_emit_ctr(c, "image", "container \"%s\" names no image",
				 cname_q(c));
		return;
	}
	image_parse(img, &r);
	if (r.has_digest && !r.tag[0])
		return;
	if (!r.tag[0])
		k8s_chk_emit_ctr(
		    c, "image",
		    "container \"%s\" image \"%s\" has no tag (means "
		    "latest)",
		    cname_q(c), img);
	else if (!strcmp(r.tag, "latest"))
		k8s_chk_emit_ctr(
		    c, "image",
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
		k8s_chk_emit_ctr(
		    c, "image",
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
		k8s_chk_emit_ctr(
		    c, "imagePullPolicy",
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
		k8s_chk_emit_ctr(
		    c, field,
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
		k8s_chk_emit_ctr(
		    c, field, "container \"%s\" reads secret into env var %s",
		    cname_q(c), n ? n : "?");
	}
	env = json_object_get(ctr, "envFrom");
	json_array_foreach(env, i, e)
	{
		char field[64];

		if (!json_object_get(e, "secretRef"))
			continue;
		snprintf(field, sizeof(field), "envFrom[%zu].secretRef", i);
		k8s_chk_emit_ctr(
		    c, field,
		    "container \"%s\" loads a whole secret into env vars",
		    cname_q(c));
	}
}

static const char *pod_annotation(struct k8s_check_ctx *c, const char *key)
{
	return k8s_chk_annotation(c->meta, key);
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
		k8s_chk_emit_obj(c, path,
				 "container \"%s\" runs AppArmor unconfined",
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
		k8s_chk_emit_ctr(c, "securityContext.procMount",
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
