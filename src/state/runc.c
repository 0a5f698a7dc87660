/*
 * runc.c - container metadata from the OCI runtime's state on disk.
 *
 * runc keeps one directory per container under its root (default
 * /run/runc/<id>/state.json); Docker and containerd run runc with their own
 * roots (/run/docker/runtime-runc/moby, /run/containerd/runc/<namespace>).
 * state.json gives the creation time and, in config.labels, "bundle=<dir>";
 * the bundle's config.json (the OCI runtime spec) gives annotations (the
 * CRI's pod name/namespace/uid, container name and image), mounts, and what
 * we use to call the container privileged: runc has no such flag, so a
 * container is privileged when its bounding set holds every capability
 * (CAP_SYS_ADMIN included) and it has neither maskedPaths nor readonlyPaths
 * - what `docker run --privileged` and a privileged pod produce - or an
 * annotation ending in "privileged" says "true".
 *
 * Everything here is hostile input: files are read bounded (1 MiB), the
 * bundle path is resolved inside the configured root (st_read_in_root), and
 * every string, list and count is bounded.
 */
#include "state/state_int.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#define RUNC_MAX_STR 4096

bool st_runc_id_valid(const char *id, size_t len)
{
	if (!len || len >= STATE_MAX_CID)
		return false;
	if ((len == 1 && id[0] == '.') ||
	    (len == 2 && id[0] == '.' && id[1] == '.'))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '+' ||
		      c == '-' || c == '.'))
			return false;
	}
	return true;
}

struct runtime_root {
	const char *dir; /* NULL: the configured runc root */
	const char *runtime;
};

static const struct runtime_root runtime_roots[] = {
    {NULL, "runc"},
    {"/run/docker/runtime-runc/moby", "docker"},
    {"/run/containerd/runc/k8s.io", "containerd"},
    {"/run/containerd/runc/default", "containerd"},
    {"/run/containerd/runc/moby", "docker"},
};

int st_runc_find(const struct st_env *env, const char *id, char *dir,
		 size_t dirlen, const char **ret_runtime)
{
	if (!st_runc_id_valid(id, strlen(id)))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(runtime_roots) / sizeof(*runtime_roots);
	     i++) {
		const char *rd = runtime_roots[i].dir ? runtime_roots[i].dir
						      : env->runc_root;
		char p[STATE_MAX_PATH];
		struct stat sb;

		if (st_path(env, p, sizeof(p), "%s/%s/state.json", rd, id))
			continue;
		if (lstat(p, &sb) || !S_ISREG(sb.st_mode))
			continue;
		if (st_path(env, dir, dirlen, "%s/%s", rd, id))
			continue;
		if (ret_runtime)
			*ret_runtime = runtime_roots[i].runtime;
		return 0;
	}
	return -ENOENT;
}

/* "2024-05-01T12:34:56.123456789Z" or "...+02:00" -> ns since the epoch. */
static int parse_rfc3339(const char *s, uint64_t *ret)
{
	struct tm tm = {0};
	const char *p;
	uint64_t frac = 0;
	int digits = 0;
	long off = 0;
	time_t t;
	int used = 0;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
		   &used) != 6 ||
	    !used || tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60 || tm.tm_hour < 0 ||
	    tm.tm_min < 0 || tm.tm_sec < 0)
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	p = s + used;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (digits < 9) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				digits++;
			}
		for (; digits < 9; digits++)
			frac *= 10;
	}
	if ((*p == '+' || *p == '-') && strlen(p) >= 6 && p[3] == ':') {
		long h = (p[1] - '0') * 10 + (p[2] - '0');
		long m = (p[4] - '0') * 10 + (p[5] - '0');

		if (h < 0 || h > 23 || m < 0 || m > 59)
			return -EINVAL;
		off = (h * 3600 + m * 60) * (*p == '-' ? -1 : 1);
	} else if (*p != 'Z' && *p != 'z') {
		return -EINVAL;
	}
	t = timegm(&tm);
	if (t < 0 || (long long)t - off < 0)
		return -EINVAL;
	*ret = (uint64_t)((long long)t - off) * 1000000000ull + frac;
	return 0;
}

/* A bounded copy of a JSON string, or NULL. */
static const char *jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;

	if (!s || json_string_length(v) >= RUNC_MAX_STR ||
	    strlen(s) != json_string_length(v))
		return NULL; /* too long, or holding a NUL */
	return s;
}

int st_runc_parse_state(const char *buf, size_t len, uint64_t *created_ns,
			char **bundle)
{
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	const json_t *labels;
	const char *created;
	size_t i;
	json_t *v;

	*created_ns = 0;
	*bundle = NULL;
	if (!root)
		return -EINVAL;
	if (!json_is_object(root)) {
		json_decref(root);
		return -EINVAL;
	}
	created = jstr(root, "created");
	if (created)
		parse_rfc3339(created, created_ns);
	labels = json_object_get(json_object_get(root, "config"), "labels");
	json_array_foreach(labels, i, v)
	{
		const char *l = json_is_string(v) ? json_string_value(v) : NULL;

		if (i >= STATE_MAX_LABELS)
			break;
		if (l && !strncmp(l, "bundle=", 7) && st_path_is_clean(l + 7) &&
		    strlen(l) == json_string_length(v)) {
			*bundle = st_strndup(l + 7, strlen(l + 7));
			break;
		}
	}
	json_decref(root);
	return 0;
}

static int add_label(struct bw_container *c, const char *k, const char *v)
{
	char **nk, **nv;

	if (c->nlabels >= STATE_MAX_LABELS)
		return 0;
	nk = realloc(c->label_keys, (c->nlabels + 1) * sizeof(*nk));
	if (!nk)
		return -ENOMEM;
	c->label_keys = nk;
	nv = realloc(c->label_values, (c->nlabels + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	c->label_values = nv;
	nk[c->nlabels] = st_strndup(k, strlen(k));
	nv[c->nlabels] = st_strndup(v, strlen(v));
	if (!nk[c->nlabels] || !nv[c->nlabels]) {
		free(nk[c->nlabels]);
		free(nv[c->nlabels]);
		return -ENOMEM;
	}
	c->nlabels++;
	return 0;
}

static const char *first_annotation(const json_t *ann, const char *const *keys)
{
	for (; *keys; keys++) {
		const char *v = jstr(ann, *keys);

		if (v && *v)
			return v;
	}
	return NULL;
}

static int set_if(char **dst, const char *v)
{
	return v ? st_set_str(dst, v, strlen(v)) : 0;
}

static int parse_annotations(const json_t *ann, struct bw_container *c,
			     bool *priv_annotation)
{
	static const char *const pod_name[] = {
	    "io.kubernetes.pod.name", "io.kubernetes.cri.sandbox-name", NULL};
	static const char *const pod_ns[] = {
	    "io.kubernetes.pod.namespace",
	    "io.kubernetes.cri.sandbox-namespace", NULL};
	static const char *const pod_uid[] = {
	    "io.kubernetes.pod.uid", "io.kubernetes.cri.sandbox-uid", NULL};
	static const char *const ctr_name[] = {
	    "io.kubernetes.cri.container-name", "io.kubernetes.container.name",
	    NULL};
	static const char *const image[] = {"io.kubernetes.cri.image-name",
					    "io.kubernetes.cri-o.ImageName",
					    NULL};
	const char *k, *img, *mgr;
	json_t *v;
	int r = 0;

	if (!json_is_object(ann))
		return 0;
	json_object_foreach((json_t *)ann, k, v)
	{
		const char *s = json_is_string(v) ? json_string_value(v) : NULL;
		size_t kl = strlen(k);

		if (!s || kl >= 256 || json_string_length(v) >= RUNC_MAX_STR ||
		    strlen(s) != json_string_length(v))
			continue;
		if (kl >= 10 && !strcasecmp(k + kl - 10, "privileged") &&
		    !strcasecmp(s, "true"))
			*priv_annotation = true;
		if ((r = add_label(c, k, s)))
			return r;
	}
	if ((r = set_if(&c->pod_name, first_annotation(ann, pod_name))) ||
	    (r = set_if(&c->pod_namespace, first_annotation(ann, pod_ns))) ||
	    (r = set_if(&c->pod_uid, first_annotation(ann, pod_uid))) ||
	    (r = set_if(&c->name, first_annotation(ann, ctr_name))))
		return r;
	img = first_annotation(ann, image);
	if (!img) {
		/* Often only a tag ("latest"): use it when it is a ref. */
		img = jstr(ann, "org.opencontainers.image.ref.name");
		if (img && !strchr(img, '/') && !strchr(img, ':'))
			img = NULL;
	}
	if (img) {
		char *repo = NULL, *tag = NULL, *dig = NULL;

		if ((r = set_if(&c->image, img)))
			return r;
		if (!st_image_split(img, &repo, &tag, &dig)) {
			free(c->image_repository);
			free(c->image_tag);
			free(c->image_digest);
			c->image_repository = repo;
			c->image_tag = tag;
			c->image_digest = dig;
		}
	}
	mgr = jstr(ann, "io.container.manager");
	if (mgr && !strcmp(mgr, "cri-o"))
		r = set_if(&c->type, "cri-o");
	else if (mgr && !strcmp(mgr, "libpod"))
		r = set_if(&c->type, "podman");
	return r;
}

static const char *const propagations[] = {
    "rprivate", "private",     "rshared",    "shared", "rslave",
    "slave",	"runbindable", "unbindable", NULL};

static int parse_mounts(const json_t *mounts, struct bw_container *c)
{
	size_t i, n = json_array_size(mounts);
	json_t *m;

	if (!n)
		return 0;
	if (n > STATE_MAX_MOUNTS)
		n = STATE_MAX_MOUNTS;
	c->mounts = calloc(n, sizeof(*c->mounts));
	if (!c->mounts)
		return -ENOMEM;
	json_array_foreach(mounts, i, m)
	{
		struct bw_mount *bm;
		const json_t *opts;
		const char *prop = "";
		bool ro = false;
		size_t j;
		json_t *o;

		if (i >= n)
			break;
		if (!json_is_object(m))
			continue;
		bm = &c->mounts[c->nmounts];
		opts = json_object_get(m, "options");
		json_array_foreach(opts, j, o)
		{
			const char *s =
			    json_is_string(o) ? json_string_value(o) : "";

			if (j >= 64)
				break;
			if (!strcmp(s, "ro"))
				ro = true;
			for (int p = 0; propagations[p]; p++)
				if (!strcmp(s, propagations[p]))
					prop = propagations[p];
		}
		if (set_if(&bm->source, jstr(m, "source")) ||
		    set_if(&bm->dest, jstr(m, "destination")) ||
		    set_if(&bm->mode, ro ? "ro" : "rw") ||
		    set_if(&bm->propagation, prop))
			return -ENOMEM;
		if (!bm->source && set_if(&bm->source, ""))
			return -ENOMEM;
		if (!bm->dest && set_if(&bm->dest, ""))
			return -ENOMEM;
		bm->rw = !ro;
		c->nmounts++;
	}
	return 0;
}

/* Every capability up to CAP_AUDIT_READ (37): older runtimes list 38,
 * newer ones 41; all must include CAP_SYS_ADMIN. */
static bool full_bounding_set(const json_t *bounding)
{
	size_t i, n = 0;
	bool sys_admin = false;
	json_t *v;

	json_array_foreach(bounding, i, v)
	{
		const char *s = json_is_string(v) ? json_string_value(v) : "";

		if (i >= 128)
			break;
		if (!strncmp(s, "CAP_", 4))
			n++;
		if (!strcmp(s, "CAP_SYS_ADMIN"))
			sys_admin = true;
	}
	return sys_admin && n >= 38;
}

int st_runc_parse_config(const char *buf, size_t len, struct bw_container *c)
{
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	const json_t *linux_, *caps;
	bool priv_ann = false;
	int r;

	if (!root)
		return -EINVAL;
	if (!json_is_object(root)) {
		json_decref(root);
		return -EINVAL;
	}
	r = parse_annotations(json_object_get(root, "annotations"), c,
			      &priv_ann);
	if (!r)
		r = parse_mounts(json_object_get(root, "mounts"), c);
	linux_ = json_object_get(root, "linux");
	caps = json_object_get(
	    json_object_get(json_object_get(root, "process"), "capabilities"),
	    "bounding");
	c->privileged =
	    priv_ann ||
	    (full_bounding_set(caps) &&
	     json_array_size(json_object_get(linux_, "maskedPaths")) == 0 &&
	     json_array_size(json_object_get(linux_, "readonlyPaths")) == 0);
	json_decref(root);
	return r;
}

int st_runc_load(const struct st_env *env, const char *dir,
		 struct bw_container *c)
{
	char p[STATE_MAX_PATH];
	char *buf = NULL, *bundle = NULL;
	uint64_t created = 0;
	ssize_t n;
	int r;

	if (snprintf(p, sizeof(p), "%s/state.json", dir) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	n = st_read_file_alloc(p, STATE_MAX_JSON, &buf);
	if (n < 0)
		return (int)n;
	r = st_runc_parse_state(buf, (size_t)n, &created, &bundle);
	free(buf);
	buf = NULL;
	if (r)
		return r;
	c->start_ts = created;
	if (!bundle)
		return 0;
	free(c->bundle);
	c->bundle = bundle;
	if (snprintf(p, sizeof(p), "%s/config.json", bundle) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	n = st_read_in_root(env, p, STATE_MAX_JSON, &buf);
	if (n < 0)
		return (int)n;
	r = st_runc_parse_config(buf, (size_t)n, c);
	free(buf);
	return r;
}
