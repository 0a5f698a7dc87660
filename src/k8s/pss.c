/*
 * pss.c - Pod Security Standards evaluation: levels, versions, choosing
 * which check implementations apply, and the admission controller's
 * message.
 *
 * As upstream's registry does: a check id applies at a version through its
 * row with the greatest minimum version not above it; baseline evaluates
 * the baseline checks, restricted evaluates the baseline checks that no
 * applicable restricted check overrides, then the restricted checks, each
 * group in id order (the order of the denial message).  Versions newer than
 * the table (and "latest") evaluate with the newest rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/k8s_int.h"

int k8s_pss_level_parse(const char *s, enum k8s_pss_level *ret)
{
	static const struct {
		const char *name;
		enum k8s_pss_level l;
	} levels[] = {{"privileged", K8S_PSS_PRIVILEGED},
		      {"baseline", K8S_PSS_BASELINE},
		      {"restricted", K8S_PSS_RESTRICTED}};

	for (size_t i = 0; s && i < 3; i++)
		if (!strcmp(s, levels[i].name)) {
			if (ret)
				*ret = levels[i].l;
			return 0;
		}
	return -EINVAL;
}

const char *k8s_pss_level_name(enum k8s_pss_level l)
{
	switch (l) {
	case K8S_PSS_PRIVILEGED:
		return "privileged";
	case K8S_PSS_BASELINE:
		return "baseline";
	case K8S_PSS_RESTRICTED:
		return "restricted";
	}
	return "unknown";
}

int k8s_pss_version_parse(const char *s, struct k8s_pss_version *ret)
{
	long minor = 0;

	if (!s)
		return -EINVAL;
	if (!strcmp(s, "latest")) {
		minor = K8S_PSS_LATEST;
	} else {
		const char *p = s + 3;

		if (strncmp(s, "v1.", 3) || !*p)
			return -EINVAL;
		if (*p == '0' && p[1])
			return -EINVAL; /* no leading zeros, as upstream */
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			minor = minor * 10 + (*p - '0');
			if (minor >= K8S_PSS_LATEST)
				return -EINVAL;
		}
	}
	if (ret)
		ret->minor = (int)minor;
	return 0;
}

/* The row of id that applies at minor, or NULL. */
static const struct pss_check *row_for(const char *id, int minor)
{
	const struct pss_check *best = NULL;

	for (size_t i = 0; i < k8s_pss_n_checks; i++) {
		const struct pss_check *c = &k8s_pss_checks[i];

		if (!strcmp(c->id, id) && c->min_minor <= minor &&
		    (!best || c->min_minor > best->min_minor))
			best = c;
	}
	return best;
}

/* First row of each id: the table is grouped by id. */
static int first_of_id(size_t i)
{
	return i == 0 || strcmp(k8s_pss_checks[i - 1].id, k8s_pss_checks[i].id);
}

static int overridden(const char *id, int minor)
{
	for (size_t i = 0; i < k8s_pss_n_checks; i++) {
		const struct pss_check *c;

		if (!first_of_id(i) ||
		    k8s_pss_checks[i].level != K8S_PSS_RESTRICTED)
			continue;
		c = row_for(k8s_pss_checks[i].id, minor);
		if (c && c->overrides && !strcmp(c->overrides, id))
			return 1;
	}
	return 0;
}

static int add_violation(struct k8s_pss_result *r, const char *id,
			 struct pss_buf *reason, struct pss_buf *detail)
{
	struct k8s_pss_violation *nv;

	if (reason->oom || detail->oom)
		return -ENOMEM;
	nv = realloc(r->v, (r->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	r->v = nv;
	nv[r->n].check = id;
	nv[r->n].reason = reason->p ? reason->p : strdup("");
	nv[r->n].detail = detail->p ? detail->p : strdup("");
	if (!nv[r->n].reason || !nv[r->n].detail) {
		if (reason->p)
			free(nv[r->n].detail);
		else
			free(nv[r->n].reason);
		return -ENOMEM;
	}
	r->n++;
	reason->p = detail->p = NULL;
	return 0;
}

static int run_level(struct k8s_pss_result *r, const struct pss_pod *pod,
		     enum k8s_pss_level level, int minor, int restricted_eval)
{
	for (size_t i = 0; i < k8s_pss_n_checks; i++) {
		const struct pss_check *c;
		struct pss_buf reason = {0}, detail = {0};
		int rc;

		if (!first_of_id(i) || k8s_pss_checks[i].level != level)
			continue;
		c = row_for(k8s_pss_checks[i].id, minor);
		if (!c)
			continue;
		if (restricted_eval && level == K8S_PSS_BASELINE &&
		    overridden(c->id, minor))
			continue;
		rc = c->fn(c, pod, minor, &reason, &detail);
		if (rc == 1)
			rc = add_violation(r, c->id, &reason, &detail);
		free(reason.p);
		free(detail.p);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int k8s_pss_evaluate(json_t *meta, json_t *spec, enum k8s_pss_level level,
		     struct k8s_pss_version version, struct k8s_pss_result *ret)
{
	struct k8s_pss_result r = {0};
	struct pss_pod pod = {0};
	json_t *os, *hu;
	int minor = version.minor, rc = 0;

	if (!ret)
		return -EINVAL;
	if (minor > K8S_PSS_MAX_KNOWN_MINOR)
		minor = K8S_PSS_MAX_KNOWN_MINOR;
	if (minor < 0)
		minor = 0;
	pod.meta = json_is_object(meta) ? meta : NULL;
	pod.spec = json_is_object(spec) ? spec : NULL;
	os = pod.spec ? json_object_get(pod.spec, "os") : NULL;
	pod.windows = json_is_object(os) &&
		      json_is_string(json_object_get(os, "name")) &&
		      !strcmp(json_string_value(json_object_get(os, "name")),
			      "windows");
	hu = pod.spec ? json_object_get(pod.spec, "hostUsers") : NULL;
	pod.userns = json_is_false(hu);
	if (pod.spec && level >= K8S_PSS_BASELINE)
		rc = run_level(&r, &pod, K8S_PSS_BASELINE, minor,
			       level == K8S_PSS_RESTRICTED);
	if (!rc && pod.spec && level == K8S_PSS_RESTRICTED)
		rc = run_level(&r, &pod, K8S_PSS_RESTRICTED, minor, 1);
	if (rc) {
		k8s_pss_result_free(&r);
		return rc;
	}
	r.allowed = r.n == 0;
	*ret = r;
	return 0;
}

void k8s_pss_result_free(struct k8s_pss_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].reason);
		free(r->v[i].detail);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

char *k8s_pss_message(const struct k8s_pss_result *r, enum k8s_pss_level l,
		      struct k8s_pss_version v)
{
	struct pss_buf b = {0};

	pss_buf_printf(&b, "violates PodSecurity \"%s:", k8s_pss_level_name(l));
	if (v.minor >= K8S_PSS_LATEST)
		pss_buf_printf(&b, "latest\": ");
	else
		pss_buf_printf(&b, "v1.%d\": ", v.minor);
	for (size_t i = 0; r && i < r->n; i++) {
		pss_buf_printf(&b, "%s%s", i ? ", " : "", r->v[i].reason);
		if (r->v[i].detail && *r->v[i].detail)
			pss_buf_printf(&b, " (%s)", r->v[i].detail);
	}
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}
