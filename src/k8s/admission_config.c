/*
 * admission_config.c - the admission webhook's configuration: defaults,
 * exemptions and namespace labels, read from YAML or JSON.
 *
 * The webhook does not query the API server, so what PSA would read from
 * Namespace objects comes from the file.  Accepted documents:
 *
 *   kind: PodSecurityConfiguration   (pod-security.admission.config.k8s.io)
 *     defaults: {enforce, enforce-version, audit, audit-version, warn,
 *                warn-version}
 *     exemptions: {usernames: [], namespaces: [], runtimeClasses: []}
 *     namespaces: {NAME: {LABEL: VALUE}}      -- Bulwark's extension
 *     apiServer: {url, caFile, tokenFile}     -- Bulwark's extension: where
 *                --namespace-labels api reads Namespace objects
 *   kind: AdmissionConfiguration     (apiserver.config.k8s.io), whose
 *     plugins[name=PodSecurity].configuration is the above
 *   kind: Namespace (or a List of them): metadata.name and metadata.labels
 *
 * Levels and versions are checked at load time so a typo stops the webhook
 * from starting instead of silently changing the policy.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/k8s.h"

int k8s_adm_config_init(struct k8s_adm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->enforce.level = cfg->audit.level = cfg->warn.level =
	    K8S_PSS_PRIVILEGED;
	cfg->enforce.version.minor = cfg->audit.version.minor =
	    cfg->warn.version.minor = K8S_PSS_LATEST;
	cfg->namespaces = json_object();
	cfg->exempt_users = json_object();
	cfg->exempt_namespaces = json_object();
	cfg->exempt_runtime_classes = json_object();
	if (!cfg->namespaces || !cfg->exempt_users || !cfg->exempt_namespaces ||
	    !cfg->exempt_runtime_classes) {
		k8s_adm_config_free(cfg);
		return -ENOMEM;
	}
	return 0;
}

void k8s_adm_config_free(struct k8s_adm_config *cfg)
{
	if (!cfg)
		return;
	json_decref(cfg->namespaces);
	json_decref(cfg->exempt_users);
	json_decref(cfg->exempt_namespaces);
	json_decref(cfg->exempt_runtime_classes);
	free(cfg->api_url);
	free(cfg->api_ca_file);
	free(cfg->api_token_file);
	memset(cfg, 0, sizeof(*cfg));
}

/* Where a document came from, for messages. */
struct where {
	const struct k8s_object *o;
	struct bw_error *err;
};

static int fail(const struct where *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int fail(const struct where *w, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bw_errorf(w->err, -EINVAL, w->o->file, w->o->line, 0,
			 "document %d: %s", w->o->doc + 1, msg);
}

static int parse_lv(const struct where *w, json_t *defaults, const char *mode,
		    struct k8s_adm_lv *lv)
{
	char key[32];
	json_t *v = json_object_get(defaults, mode);

	if (v) {
		if (!json_is_string(v) ||
		    k8s_pss_level_parse(json_string_value(v), &lv->level))
			return fail(w,
				    "defaults.%s: must be one of privileged, "
				    "baseline, restricted",
				    mode);
	}
	snprintf(key, sizeof(key), "%s-version", mode);
	v = json_object_get(defaults, key);
	if (v) {
		if (!json_is_string(v) ||
		    k8s_pss_version_parse(json_string_value(v), &lv->version))
			return fail(w,
				    "defaults.%s: must be \"latest\" or "
				    "\"v1.x\"",
				    key);
	}
	return 0;
}

static int parse_set(const struct where *w, json_t *ex, const char *field,
		     json_t *set)
{
	json_t *arr = json_object_get(ex, field), *v;
	size_t i;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return fail(w, "exemptions.%s: must be a list of strings",
			    field);
	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v) || !*json_string_value(v))
			return fail(w,
				    "exemptions.%s: entries must be non-empty "
				    "strings",
				    field);
		if (json_object_set_new(set, json_string_value(v), json_true()))
			return -ENOMEM;
	}
	return 0;
}

/* Labels of one namespace: a mapping of strings, pod-security values
 * valid. */
static int add_namespace(struct k8s_adm_config *cfg, const struct where *w,
			 const char *name, json_t *labels)
{
	const char *key;
	json_t *v, *copy;

	if (!name || !*name)
		return fail(w, "namespace without a name");
	if (labels && !json_is_null(labels) && !json_is_object(labels))
		return fail(w,
			    "namespace \"%.100s\": labels must be a "
			    "mapping",
			    name);
	if (json_object_size(cfg->namespaces) >= K8S_ADM_MAX_NAMESPACES)
		return fail(w, "more than %d namespaces",
			    K8S_ADM_MAX_NAMESPACES);
	copy = json_object();
	if (!copy)
		return -ENOMEM;
	json_object_foreach(json_is_object(labels) ? labels : NULL, key, v)
	{
		const char *s = json_is_string(v) ? json_string_value(v) : NULL;

		if (!s) {
			json_decref(copy);
			return fail(w,
				    "label \"%.100s\" of namespace \"%.100s\" "
				    "must be a string",
				    key, name);
		}
		if (!strncmp(key, "pod-security.kubernetes.io/", 27)) {
			enum k8s_pss_level l;
			struct k8s_pss_version ver;
			size_t kl = strlen(key);
			int bad = kl > 8 && !strcmp(key + kl - 8, "-version")
				      ? k8s_pss_version_parse(s, &ver)
				      : k8s_pss_level_parse(s, &l);
			if (bad) {
				json_decref(copy);
				return fail(w,
					    "invalid value for label "
					    "\"%.100s\" of namespace "
					    "\"%.100s\"",
					    key, name);
			}
		}
		if (json_object_set(copy, key, v)) {
			json_decref(copy);
			return -ENOMEM;
		}
	}
	return json_object_set_new(cfg->namespaces, name, copy) ? -ENOMEM : 0;
}

/* One apiServer string (length-bounded) into *dst. */
static int parse_api_str(const struct where *w, json_t *api, const char *key,
			 char **dst)
{
	json_t *v = json_object_get(api, key);
	char *copy;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || !json_string_length(v) ||
	    json_string_length(v) > 4096 ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return fail(w, "apiServer.%s: must be a non-empty string", key);
	copy = strdup(json_string_value(v));
	if (!copy)
		return -ENOMEM;
	free(*dst);
	*dst = copy;
	return 0;
}

static int parse_api(struct k8s_adm_config *cfg, const struct where *w,
		     json_t *api)
{
	int rc;

	if (!api || json_is_null(api))
		return 0;
	if (!json_is_object(api))
		return fail(w, "apiServer: must be a mapping");
	if ((rc = parse_api_str(w, api, "url", &cfg->api_url)) ||
	    (rc = parse_api_str(w, api, "caFile", &cfg->api_ca_file)) ||
	    (rc = parse_api_str(w, api, "tokenFile", &cfg->api_token_file)))
		return rc;
	if (cfg->api_url && strncmp(cfg->api_url, "https://", 8) &&
	    strncmp(cfg->api_url, "http://", 7))
		return fail(w, "apiServer.url: must start with https://");
	return 0;
}

static int parse_psc(struct k8s_adm_config *cfg, const struct where *w,
		     json_t *psc)
{
	json_t *defaults, *ex, *nss, *labels;
	const char *name;
	int rc;

	if (!json_is_object(psc))
		return fail(w, "PodSecurityConfiguration is not a mapping");
	defaults = json_object_get(psc, "defaults");
	if (defaults && !json_is_null(defaults)) {
		if (!json_is_object(defaults))
			return fail(w, "defaults: must be a mapping");
		if ((rc = parse_lv(w, defaults, "enforce", &cfg->enforce)) ||
		    (rc = parse_lv(w, defaults, "audit", &cfg->audit)) ||
		    (rc = parse_lv(w, defaults, "warn", &cfg->warn)))
			return rc;
	}
	ex = json_object_get(psc, "exemptions");
	if (ex && !json_is_null(ex)) {
		if (!json_is_object(ex))
			return fail(w, "exemptions: must be a mapping");
		if ((rc = parse_set(w, ex, "usernames", cfg->exempt_users)) ||
		    (rc = parse_set(w, ex, "namespaces",
				    cfg->exempt_namespaces)) ||
		    (rc = parse_set(w, ex, "runtimeClasses",
				    cfg->exempt_runtime_classes)))
			return rc;
	}
	if ((rc = parse_api(cfg, w, json_object_get(psc, "apiServer"))))
		return rc;
	nss = json_object_get(psc, "namespaces");
	if (nss && !json_is_null(nss)) {
		if (!json_is_object(nss))
			return fail(w, "namespaces: must be a mapping of "
				       "namespace to labels");
		json_object_foreach(nss, name, labels)
		{
			if ((rc = add_namespace(cfg, w, name, labels)))
				return rc;
		}
	}
	return 0;
}

static int parse_object(struct k8s_adm_config *cfg, const struct where *w)
{
	const struct k8s_object *o = w->o;
	const char *kind = o->kind ? o->kind : "";

	if (!strcmp(kind, "PodSecurityConfiguration"))
		return parse_psc(cfg, w, o->obj);
	if (!strcmp(kind, "Namespace"))
		return add_namespace(cfg, w, o->name,
				     k8s_get(o->obj, "metadata.labels"));
	if (!strcmp(kind, "AdmissionConfiguration")) {
		json_t *plugins = json_object_get(o->obj, "plugins"), *p;
		size_t i;

		json_array_foreach(plugins, i, p)
		{
			const char *n =
			    json_string_value(json_object_get(p, "name"));
			json_t *c = json_object_get(p, "configuration");

			if (!n || strcmp(n, "PodSecurity"))
				continue;
			if (!c)
				return fail(w, "plugin PodSecurity: only an "
					       "inline configuration is "
					       "supported");
			return parse_psc(cfg, w, c);
		}
		return fail(w, "AdmissionConfiguration has no PodSecurity "
			       "plugin");
	}
	return fail(w,
		    "unsupported kind \"%.64s\" (expected "
		    "PodSecurityConfiguration, AdmissionConfiguration or "
		    "Namespace)",
		    kind);
}

struct first_warn {
	struct bw_error *err;
	int seen;
};

static void on_warn(void *ctx, const struct bw_error *e)
{
	struct first_warn *fw = ctx;

	if (!fw->seen && fw->err)
		*fw->err = *e;
	fw->seen = 1;
}

int k8s_adm_config_load_buffer(struct k8s_adm_config *cfg, const char *buf,
			       size_t len, const char *label,
			       struct bw_error *err)
{
	struct k8s_set set = {0};
	struct first_warn fw = {err, 0};
	int rc;

	if (len > K8S_ADM_MAX_CONFIG_BYTES)
		return bw_errorf(err, -E2BIG, label, 0, 0,
				 "configuration larger than %u bytes",
				 K8S_ADM_MAX_CONFIG_BYTES);
	rc = k8s_load_buffer(&set, buf, len, label, on_warn, &fw, err);
	if (!rc && fw.seen)
		rc = err ? err->code ? err->code : -EINVAL : -EINVAL;
	for (size_t i = 0; !rc && i < set.n; i++) {
		struct where w = {&set.objs[i], err};

		rc = parse_object(cfg, &w);
	}
	k8s_set_free(&set);
	return rc;
}

int k8s_adm_config_load(struct k8s_adm_config *cfg, const char *path,
			struct bw_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;

	if (!f)
		return bw_errorf(err, -errno, path, 0, 0, "cannot open: %s",
				 strerror(errno));
	for (;;) {
		size_t n;

		if (len == cap) {
			char *nb;

			if (cap > K8S_ADM_MAX_CONFIG_BYTES) {
				rc = bw_errorf(err, -E2BIG, path, 0, 0,
					       "configuration larger than %u "
					       "bytes",
					       K8S_ADM_MAX_CONFIG_BYTES);
				break;
			}
			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f))
				rc = bw_errorf(err, -EIO, path, 0, 0,
					       "read error");
			break;
		}
	}
	fclose(f);
	if (!rc)
		rc = k8s_adm_config_load_buffer(cfg, buf ? buf : "", len, path,
						err);
	free(buf);
	return rc;
}
