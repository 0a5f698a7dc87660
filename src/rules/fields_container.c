/*
 * fields_container.c - container.* and k8s.* fields, read from the event's
 * struct bw_container (the event's own, else its process's).  The host has
 * a container too (id "host").  Kubernetes fields come from the CRI labels
 * the runtime recorded (pod name, namespace, uid); fields that would need
 * the Kubernetes API exist but have no value (rendered <NA>).
 *
 * container.mount.X[arg]: arg is a mount index ("0") or, per Falco, a path
 * (glob allowed) matched against the mount's *other* end: mount.dest[/src]
 * finds the mount whose source is /src; mount.source[/dst] the one whose
 * destination is /dst; mount.mode/rdwr/propagation[/dst] by destination.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "rules/rules_int.h"

enum {
	C_ID = 1, C_FULL_ID, C_NAME, C_IMAGE, C_IMAGE_REPO, C_IMAGE_TAG,
	C_IMAGE_DIGEST, C_IMAGE_ID, C_TYPE, C_PRIVILEGED, C_MOUNTS, C_MOUNT,
	C_MOUNT_SOURCE, C_MOUNT_DEST, C_MOUNT_MODE, C_MOUNT_RDWR,
	C_MOUNT_PROP, C_START_TS, C_DURATION, C_LABEL, C_LABELS,
	C_HEALTHCHECK, C_LIVENESS, C_READINESS, C_IP, C_CNIRESULT,
	K_POD_NAME, K_POD_ID, K_POD_UID, K_NS_NAME, K_POD_LABEL, K_POD_LABELS,
	K_POD_IP, K_RC, K_RS, K_SVC, K_DEPLOYMENT, K_POD_SANDBOX_ID,
};

static const struct bw_container *ctr(struct rx *x)
{
	if (x->ev->container)
		return x->ev->container;
	return x->ev->proc ? x->ev->proc->container : NULL;
}

static int cs(struct rx *x, const char *s, struct fval *out)
{
	if (!s)
		return -ENOENT;
	return fv_str(x, out, s, strlen(s), false);
}

static const struct bw_mount *find_mount(const struct bw_container *c,
					 const struct fref *r, bool by_source)
{
	if (r->idx >= 0)
		return (uint64_t)r->idx < c->nmounts ? &c->mounts[r->idx]
						     : NULL;
	for (uint32_t i = 0; i < c->nmounts; i++) {
		const char *k = by_source ? c->mounts[i].source
					  : c->mounts[i].dest;

		if (k && fnmatch(r->arg, k, 0) == 0)
			return &c->mounts[i];
	}
	return NULL;
}

static int mounts_str(struct rx *x, const struct bw_container *c,
		      struct fval *out)
{
	size_t tot = 1, o = 0;
	char *buf;

	for (uint32_t i = 0; i < c->nmounts; i++) {
		const struct bw_mount *m = &c->mounts[i];

		tot += (m->source ? strlen(m->source) : 0) +
		       (m->dest ? strlen(m->dest) : 0) +
		       (m->mode ? strlen(m->mode) : 0) +
		       (m->propagation ? strlen(m->propagation) : 0) + 16;
	}
	buf = rx_alloc(x, tot);
	if (!buf)
		return -ENOMEM;
	buf[0] = 0;
	for (uint32_t i = 0; i < c->nmounts; i++) {
		const struct bw_mount *m = &c->mounts[i];

		o += (size_t)snprintf(buf + o, tot - o, "%s%s:%s:%s:%s:%s",
				      i ? "," : "", m->source ? m->source : "",
				      m->dest ? m->dest : "",
				      m->mode ? m->mode : "",
				      m->rw ? "true" : "false",
				      m->propagation ? m->propagation : "");
	}
	out->kind = FV_STR;
	out->s = buf;
	out->len = (uint32_t)o;
	return 0;
}

static const char *label(const struct bw_container *c, const char *key)
{
	for (uint32_t i = 0; i < c->nlabels; i++)
		if (c->label_keys[i] && strcmp(c->label_keys[i], key) == 0)
			return c->label_values[i];
	return NULL;
}

static int labels_str(struct rx *x, const struct bw_container *c,
		      const char *prefix, struct fval *out)
{
	size_t tot = 1, o = 0, pl = prefix ? strlen(prefix) : 0;
	char *buf;

	for (uint32_t i = 0; i < c->nlabels; i++)
		tot += strlen(c->label_keys[i]) + strlen(c->label_values[i]) + 2;
	buf = rx_alloc(x, tot);
	if (!buf)
		return -ENOMEM;
	buf[0] = 0;
	for (uint32_t i = 0; i < c->nlabels; i++) {
		const char *k = c->label_keys[i];

		if (pl) {
			if (strncmp(k, prefix, pl) != 0)
				continue;
			k += pl;
		}
		o += (size_t)snprintf(buf + o, tot - o, "%s%s:%s",
				      o ? ", " : "", k, c->label_values[i]);
	}
	if (!o && pl)
		return -ENOENT;
	out->kind = FV_STR;
	out->s = buf;
	out->len = (uint32_t)o;
	return 0;
}

/* A container has no mount matching the argument: Falco's container
 * metadata answers "N/A" there (its rules test `... in ("N/A")`), while the
 * host has no container mounts at all. */
static int mount_missing(struct rx *x, bool host, struct fval *out)
{
	return host ? -ENOENT : cs(x, "N/A", out);
}

static int ctr_extract(struct rx *x, const struct fref *r, struct fval *out)
{
	const struct bw_container *c = ctr(x);
	const struct bw_mount *m;
	bool host;
	char key[512];

	if (!c)
		return -ENOENT;
	host = strcmp(c->id, "host") == 0;
	switch (r->def->id) {
	case C_ID: return cs(x, c->id, out);
	case C_FULL_ID: return cs(x, c->full_id ? c->full_id : c->id, out);
	case C_NAME: return cs(x, c->name ? c->name : (host ? "host" : NULL),
			       out);
	case C_IMAGE: return cs(x, c->image, out);
	case C_IMAGE_REPO: return cs(x, c->image_repository, out);
	case C_IMAGE_TAG: return cs(x, c->image_tag, out);
	case C_IMAGE_DIGEST: return cs(x, c->image_digest, out);
	case C_IMAGE_ID: return -ENOENT;
	case C_TYPE: return cs(x, c->type, out);
	case C_PRIVILEGED:
		return host ? -ENOENT : fv_num(out, c->privileged);
	case C_MOUNTS: return host ? -ENOENT : mounts_str(x, c, out);
	case C_MOUNT: case C_MOUNT_SOURCE:
		m = find_mount(c, r, false);
		return m ? cs(x, m->source, out) : mount_missing(x, host, out);
	case C_MOUNT_DEST:
		m = find_mount(c, r, true);
		return m ? cs(x, m->dest, out) : mount_missing(x, host, out);
	case C_MOUNT_MODE:
		m = find_mount(c, r, false);
		return m ? cs(x, m->mode, out) : mount_missing(x, host, out);
	case C_MOUNT_RDWR:
		m = find_mount(c, r, false);
		return m ? cs(x, m->rw ? "true" : "false", out)
			 : mount_missing(x, host, out);
	case C_MOUNT_PROP:
		m = find_mount(c, r, false);
		return m ? cs(x, m->propagation, out)
			 : mount_missing(x, host, out);
	case C_START_TS:
		return c->start_ts ? fv_num(out, (int64_t)c->start_ts)
				   : -ENOENT;
	case C_DURATION:
		if (!c->start_ts || x->ev->ts_ns < c->start_ts)
			return -ENOENT;
		return fv_num(out, (int64_t)(x->ev->ts_ns - c->start_ts));
	case C_LABEL: return cs(x, label(c, r->arg), out);
	case C_LABELS: return labels_str(x, c, NULL, out);
	case C_HEALTHCHECK: case C_LIVENESS: case C_READINESS: case C_IP:
	case C_CNIRESULT:
		return -ENOENT;
	case K_POD_NAME: return cs(x, c->pod_name, out);
	case K_NS_NAME: return cs(x, c->pod_namespace, out);
	case K_POD_ID: case K_POD_UID: return cs(x, c->pod_uid, out);
	case K_POD_SANDBOX_ID: return -ENOENT;
	case K_POD_LABEL:
		snprintf(key, sizeof(key), "%s", r->arg);
		return cs(x, label(c, key), out);
	case K_POD_LABELS:
		return -ENOENT;
	case K_POD_IP: case K_RC: case K_RS: case K_SVC: case K_DEPLOYMENT:
		return -ENOENT;
	}
	return -ENOENT;
}

#define S BW_FT_STRING
#define B BW_FT_BOOL
#define F(name, type, desc, arg, id) \
	{ { name, type, desc, arg }, id, ctr_extract, type, false }

const struct field_def bw_fields_ctr[] = {
	F("container.id", S, "short container id (12 hex), host for the host",
	  0, C_ID),
	F("container.full_id", S, "full container id", 0, C_FULL_ID),
	F("container.name", S, "container name", 0, C_NAME),
	F("container.image", S, "image reference", 0, C_IMAGE),
	F("container.image.id", S, "image id (not available)", 0, C_IMAGE_ID),
	F("container.image.repository", S, "image repository", 0,
	  C_IMAGE_REPO),
	F("container.image.tag", S, "image tag", 0, C_IMAGE_TAG),
	F("container.image.digest", S, "image digest", 0, C_IMAGE_DIGEST),
	F("container.type", S, "runtime (runc, containerd, cri-o, docker...)",
	  0, C_TYPE),
	F("container.privileged", B, "container runs privileged", 0,
	  C_PRIVILEGED),
	F("container.mounts", S, "source:dest:mode:rdwr:propagation,...", 0,
	  C_MOUNTS),
	F("container.mount", S, "mount [index or destination] as source", 2,
	  C_MOUNT),
	F("container.mount.source", S, "source of mount [index or dest]", 2,
	  C_MOUNT_SOURCE),
	F("container.mount.dest", S, "destination of mount [index or source]",
	  2, C_MOUNT_DEST),
	F("container.mount.mode", S, "mode of mount [index or dest]", 2,
	  C_MOUNT_MODE),
	F("container.mount.rdwr", S, "true if mount [index or dest] is rw", 2,
	  C_MOUNT_RDWR),
	F("container.mount.propagation", S, "propagation of mount [...]", 2,
	  C_MOUNT_PROP),
	F("container.start_ts", BW_FT_ABSTIME, "container start, ns", 0,
	  C_START_TS),
	F("container.duration", BW_FT_RELTIME, "ns since the container started",
	  0, C_DURATION),
	F("container.label", S, "label [key]", 2, C_LABEL),
	F("container.labels", S, "all labels as key:value, ...", 0, C_LABELS),
	F("container.healthcheck", S, "not available", 0, C_HEALTHCHECK),
	F("container.liveness_probe", S, "not available", 0, C_LIVENESS),
	F("container.readiness_probe", S, "not available", 0, C_READINESS),
	F("container.ip", S, "not available", 0, C_IP),
	F("container.cni.json", S, "not available", 0, C_CNIRESULT),
	F("k8s.pod.name", S, "pod name (from CRI labels)", 0, K_POD_NAME),
	F("k8s.ns.name", S, "pod namespace (from CRI labels)", 0, K_NS_NAME),
	F("k8s.pod.id", S, "pod uid", 0, K_POD_ID),
	F("k8s.pod.uid", S, "pod uid", 0, K_POD_UID),
	F("k8s.pod.sandbox_id", S, "not available", 0, K_POD_SANDBOX_ID),
	F("k8s.pod.label", S, "pod label [key] (container labels)", 2,
	  K_POD_LABEL),
	F("k8s.pod.labels", S, "not available", 0, K_POD_LABELS),
	F("k8s.pod.ip", S, "not available", 0, K_POD_IP),
	F("k8s.rc.name", S, "not available", 0, K_RC),
	F("k8s.rs.name", S, "not available", 0, K_RS),
	F("k8s.svc.name", S, "not available", 0, K_SVC),
	F("k8s.deployment.name", S, "not available", 0, K_DEPLOYMENT),
};
const size_t bw_fields_ctr_n = sizeof(bw_fields_ctr) / sizeof(bw_fields_ctr[0]);
