/*
 * open.c - recognising an image and reading its metadata.
 *
 * Kind detection: a directory with index.json and oci-layout is an OCI
 * layout, another directory a rootfs (when allowed); a file is an outer tar
 * (plain: indexed in place; compressed: members copied to the private temp
 * dir, see blob.c) holding manifest.json (docker-archive) or index.json (OCI
 * archive).
 *
 * docker-archive: manifest.json is [{Config, RepoTags, Layers}]; the first
 * image is used.  Layers are "<id>/layer.tar" (legacy, verified against the
 * config's rootfs.diff_ids, since they are uncompressed) or
 * "blobs/sha256/<hex>" (docker 25+, verified against <hex>); the config is
 * verified against the hex in its name.
 *
 * OCI: index.json lists manifests, possibly through nested image indexes
 * (followed up to IMAGE_MAX_INDEX_DEPTH); the manifest for the requested
 * platform ("linux/amd64" by default) is chosen, or -ENOEXEC lists the
 * platforms present.  Every blob read is checked against its descriptor's
 * digest and size.
 */
#include "image/image_int.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST                                                         \
	"application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST                                                     \
	"application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar"

const char *image_kind_name(enum image_kind kind)
{
	switch (kind) {
	case IMAGE_DOCKER_ARCHIVE:
		return "docker-archive";
	case IMAGE_OCI_LAYOUT:
		return "oci-layout";
	case IMAGE_OCI_ARCHIVE:
		return "oci-archive";
	case IMAGE_ROOTFS:
		return "rootfs";
	}
	return "unknown";
}

const struct image_info *image_get_info(const struct image *img)
{
	return img ? &img->info : NULL;
}

int img_set_str(char **dst, const char *s)
{
	char *c;

	if (!s)
		return 0;
	c = strdup(s);
	if (!c)
		return -ENOMEM;
	free(*dst);
	*dst = c;
	return 0;
}

struct image *img_alloc(const char *path, const struct image_open_opts *o)
{
	struct image *img = calloc(1, sizeof(*img));
	const char *tmp = o && o->tmpdir ? o->tmpdir : getenv("TMPDIR");

	if (!img)
		return NULL;
	img->dirfd = -1;
	if (o)
		img->limits = o->limits;
	if (!img->limits.max_entries_per_layer)
		img->limits.max_entries_per_layer = IMAGE_DEF_MAX_ENTRIES;
	if (!img->limits.max_file_size)
		img->limits.max_file_size = IMAGE_DEF_MAX_FILE;
	if (!img->limits.max_total_bytes)
		img->limits.max_total_bytes = IMAGE_DEF_MAX_TOTAL;
	if (!img->limits.max_ratio)
		img->limits.max_ratio = IMAGE_DEF_MAX_RATIO;
	img->path = strdup(path);
	img->tmpparent = strdup(tmp && *tmp ? tmp : "/tmp");
	if (!img->path || !img->tmpparent) {
		image_close(img);
		return NULL;
	}
	return img;
}

void image_close(struct image *img)
{
	if (!img)
		return;
	if (img->tmpdir) {
		char p[4096];

		for (uint32_t i = 1; i <= img->ntmp; i++) {
			snprintf(p, sizeof(p), "%s/%u", img->tmpdir, i);
			unlink(p);
		}
		rmdir(img->tmpdir);
		free(img->tmpdir);
	}
	for (size_t i = 0; i < img->nmembers; i++) {
		free(img->members[i].name);
		free(img->members[i].link);
	}
	free(img->members);
	if (img->blobs)
		for (size_t i = 0; i < img->info.nlayers; i++)
			free(img->blobs[i].name);
	free(img->blobs);
	free(img->layers);
	if (img->dirfd >= 0)
		close(img->dirfd);
	free(img->path);
	free(img->tmpparent);
	free(img->ref);
	free(img->manifest_digest);
	free(img->config_digest);
	free(img->os);
	free(img->arch);
	free(img->variant);
	free(img);
}

/* ---- helpers ------------------------------------------------------------ */

static const char *jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int parse_json(const struct image *img, const char *label,
		      const char *buf, size_t len, json_t **ret,
		      struct bw_error *err)
{
	char input[256];
	json_error_t je;
	json_t *j;

	snprintf(input, sizeof(input), "%s: %s", img->path, label);
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return bw_errorf(err, -EINVAL, input, je.line, je.column, "%s",
				 je.text);
	if (!json_is_object(j) && !json_is_array(j)) {
		json_decref(j);
		return bw_errorf(err, -EINVAL, input, 0, 0,
				 "not a JSON object");
	}
	*ret = j;
	return 0;
}

/* A blob named by an OCI descriptor digest; verifies "sha256:<hex>". */
static int blob_for_digest(const struct image *img, const char *digest,
			   uint64_t size, struct img_blob *b,
			   struct bw_error *err)
{
	char name[128];

	memset(b, 0, sizeof(*b));
	if (!digest || strncmp(digest, "sha256:", 7) ||
	    !img_is_hex64(digest + 7, strlen(digest + 7)))
		return bw_errorf(err, -EINVAL, img->path, 0, 0,
				 "unsupported or malformed digest \"%.100s\"",
				 digest ? digest : "");
	snprintf(name, sizeof(name), "blobs/sha256/%s", digest + 7);
	memcpy(b->hex, digest + 7, 65);
	b->size = size;
	if (img->dirfd >= 0) {
		struct stat st;

		b->where = IMG_IN_DIR;
		if (fstatat(img->dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
			return bw_errorf(err, -EINVAL, img->path, 0, 0,
					 "missing blob %s", digest);
		b->name = strdup(name);
		return b->name ? 0 : -ENOMEM;
	}
	{
		const struct img_member *m = img_member_find(img, name);

		if (!m)
			return bw_errorf(err, -EINVAL, img->path, 0, 0,
					 "missing blob %s", digest);
		b->where = IMG_IN_MEMBER;
		b->member = (size_t)(m - img->members);
	}
	return 0;
}

static int read_json_blob(const struct image *img, const struct img_blob *b,
			  const char *label, json_t **ret, struct bw_error *err)
{
	char *buf;
	size_t len;
	int rc;

	rc = img_blob_read_all(img, b, IMAGE_MAX_JSON, label, &buf, &len, err);
	if (rc)
		return rc;
	rc = parse_json(img, label, buf, len, ret, err);
	free(buf);
	return rc;
}

static int read_member_json(const struct image *img, const char *name,
			    json_t **ret, struct bw_error *err)
{
	struct img_blob b = {.size = UINT64_MAX};

	if (img->dirfd >= 0) {
		b.where = IMG_IN_DIR;
		b.name = (char *)name;
	} else {
		const struct img_member *m = img_member_find(img, name);

		if (!m)
			return bw_errorf(err, -EINVAL, img->path, 0, 0, "no %s",
					 name);
		b.where = IMG_IN_MEMBER;
		b.member = (size_t)(m - img->members);
	}
	return read_json_blob(img, &b, name, ret, err);
}

/* Reads os/architecture/variant and the diff_ids from a config. */
static int apply_config(struct image *img, const json_t *cfg, json_t **diffs)
{
	int rc;

	*diffs = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	if (!json_is_array(*diffs))
		*diffs = NULL;
	if ((rc = img_set_str(&img->os, jstr(cfg, "os"))) ||
	    (rc = img_set_str(&img->arch, jstr(cfg, "architecture"))) ||
	    (rc = img_set_str(&img->variant, jstr(cfg, "variant"))))
		return rc;
	return 0;
}

static int alloc_layers(struct image *img, size_t n, struct bw_error *err)
{
	if (n > IMAGE_MAX_LAYERS)
		return bw_errorf(err, -EINVAL, img->path, 0, 0,
				 "%zu layers, more than %u", n,
				 IMAGE_MAX_LAYERS);
	img->layers = calloc(n ? n : 1, sizeof(*img->layers));
	img->blobs = calloc(n ? n : 1, sizeof(*img->blobs));
	if (!img->layers || !img->blobs)
		return -ENOMEM;
	img->info.nlayers = n;
	return 0;
}

static void set_diff_id(struct image_layer *l, const json_t *diffs, size_t i)
{
	const char *d = json_string_value(json_array_get(diffs, i));

	if (d && !strncmp(d, "sha256:", 7) &&
	    img_is_hex64(d + 7, strlen(d + 7)))
		snprintf(l->diff_id, sizeof(l->diff_id), "%s", d);
}

/* The 64-hex digest carried by a member name: "blobs/sha256/<hex>" or
 * "<hex>.json". */
static bool hex_in_name(const char *name, char out[65])
{
	const char *base = strrchr(name, '/');
	size_t n;

	base = base ? base + 1 : name;
	n = strlen(base);
	if (n == 69 && !strcmp(base + 64, ".json"))
		n = 64;
	if (!img_is_hex64(base, n))
		return false;
	memcpy(out, base, 64);
	out[64] = '\0';
	return true;
}

/* ---- docker-archive ----------------------------------------------------- */

static int docker_open(struct image *img, struct bw_error *err)
{
	json_t *man = NULL, *cfg = NULL, *diffs, *layers, *tags;
	const json_t *ent;
	const struct img_member *m;
	const char *cname;
	struct img_blob cb = {.size = UINT64_MAX};
	char hex[65], label[300];
	int rc;

	rc = read_member_json(img, "manifest.json", &man, err);
	if (rc)
		return rc;
	ent = json_array_get(man, 0);
	cname = jstr(ent, "Config");
	layers = json_object_get(ent, "Layers");
	if (!json_is_object(ent) || !cname || !json_is_array(layers)) {
		rc = bw_errorf(err, -EINVAL, img->path, 0, 0,
			       "manifest.json: expected [{Config, RepoTags, "
			       "Layers}]");
		goto out;
	}
	m = img_member_find(img, cname);
	if (!m) {
		rc = bw_errorf(
		    err, -EINVAL, img->path, 0, 0,
		    "manifest.json: config %.200s not in the archive", cname);
		goto out;
	}
	cb.where = IMG_IN_MEMBER;
	cb.member = (size_t)(m - img->members);
	if (hex_in_name(cname, hex))
		memcpy(cb.hex, hex, 65);
	snprintf(label, sizeof(label), "%.200s", cname);
	{
		char *buf;
		size_t len;

		rc = img_blob_read_all(img, &cb, IMAGE_MAX_JSON, label, &buf,
				       &len, err);
		if (rc)
			goto out;
		img_sha256_hex(buf, len, hex);
		rc = parse_json(img, label, buf, len, &cfg, err);
		free(buf);
		if (rc)
			goto out;
	}
	{
		char dg[80];

		snprintf(dg, sizeof(dg), "sha256:%s", hex);
		if ((rc = img_set_str(&img->config_digest, dg)))
			goto out;
	}
	if ((rc = apply_config(img, cfg, &diffs)))
		goto out;
	tags = json_object_get(ent, "RepoTags");
	if ((rc = img_set_str(&img->ref,
			      json_string_value(json_array_get(tags, 0)))))
		goto out;
	if ((rc = alloc_layers(img, json_array_size(layers), err)))
		goto out;
	for (size_t i = 0; i < img->info.nlayers; i++) {
		const char *ln = json_string_value(json_array_get(layers, i));
		struct image_layer *l = &img->layers[i];
		struct img_blob *b = &img->blobs[i];

		m = ln ? img_member_find(img, ln) : NULL;
		if (!m) {
			rc = bw_errorf(err, -EINVAL, img->path, 0, 0,
				       "manifest.json: missing layer %.200s",
				       ln ? ln : "(not a string)");
			goto out;
		}
		set_diff_id(l, diffs, i);
		b->where = IMG_IN_MEMBER;
		b->member = (size_t)(m - img->members);
		b->size = UINT64_MAX;
		snprintf(l->media_type, sizeof(l->media_type), "%s",
			 MT_DOCKER_LAYER);
		l->size = m->size;
		if (hex_in_name(ln, hex)) {
			memcpy(b->hex, hex, 65);
			snprintf(l->digest, sizeof(l->digest), "sha256:%s",
				 hex);
		} else if (l->diff_id[0]) {
			/* legacy layer.tar: the uncompressed tar itself */
			memcpy(b->hex, l->diff_id + 7, 65);
			b->hex_if_plain = true;
			snprintf(l->digest, sizeof(l->digest), "%s",
				 l->diff_id);
		}
	}
out:
	json_decref(man);
	json_decref(cfg);
	return rc;
}

/* ---- OCI layout --------------------------------------------------------- */

struct cand {
	char digest[80];
	uint64_t size;
	char os[32], arch[32], variant[32];
	bool has_platform;
	char ref[256];
};

struct cands {
	struct cand *v;
	size_t n;
};

static bool is_index_type(const char *mt)
{
	return mt && (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST));
}

static bool is_manifest_type(const char *mt)
{
	return mt && (!strcmp(mt, MT_OCI_MANIFEST) ||
		      !strcmp(mt, MT_DOCKER_MANIFEST));
}

static int desc_size(const json_t *d, uint64_t *ret)
{
	const json_t *s = json_object_get(d, "size");

	if (!json_is_integer(s) || json_integer_value(s) < 0)
		return -EINVAL;
	*ret = (uint64_t)json_integer_value(s);
	return 0;
}

static int add_cand(const struct image *img, struct cands *cs, const json_t *d,
		    const char *ref, struct bw_error *err)
{
	const json_t *p = json_object_get(d, "platform");
	struct cand *c, *nv;

	if (cs->n >= IMAGE_MAX_MANIFESTS)
		return bw_errorf(err, -EINVAL, img->path, 0, 0,
				 "more than %u manifests", IMAGE_MAX_MANIFESTS);
	nv = realloc(cs->v, (cs->n + 1) * sizeof(*cs->v));
	if (!nv)
		return -ENOMEM;
	cs->v = nv;
	c = &cs->v[cs->n];
	memset(c, 0, sizeof(*c));
	snprintf(c->digest, sizeof(c->digest), "%s", jstr(d, "digest"));
	if (desc_size(d, &c->size))
		return bw_errorf(err, -EINVAL, img->path, 0, 0,
				 "descriptor %s without a valid size",
				 c->digest);
	if (json_is_object(p) && jstr(p, "os") && jstr(p, "architecture")) {
		c->has_platform = true;
		snprintf(c->os, sizeof(c->os), "%s", jstr(p, "os"));
		snprintf(c->arch, sizeof(c->arch), "%s",
			 jstr(p, "architecture"));
		if (jstr(p, "variant"))
			snprintf(c->variant, sizeof(c->variant), "%s",
				 jstr(p, "variant"));
	}
	if (ref)
		snprintf(c->ref, sizeof(c->ref), "%s", ref);
	cs->n++;
	return 0;
}

static const char *ref_of(const json_t *d)
{
	const json_t *a = json_object_get(d, "annotations");
	const char *r = jstr(a, "org.opencontainers.image.ref.name");

	return r ? r : jstr(a, "io.containerd.image.name");
}

static int collect(const struct image *img, const json_t *index, int depth,
		   const char *ref, struct cands *cs, struct bw_error *err)
{
	const json_t *mans = json_object_get(index, "manifests");
	const json_t *d;
	size_t i;
	int rc;

	if (!json_is_array(mans))
		return bw_errorf(err, -EINVAL, img->path, 0, 0,
				 "image index without a manifests array");
	json_array_foreach(mans, i, d)
	{
		const char *mt = jstr(d, "mediaType");
		const char *r = ref_of(d) ? ref_of(d) : ref;
		json_t *sub = NULL;
		struct img_blob b;
		uint64_t size;

		if (!json_is_object(d))
			continue;
		if (is_manifest_type(mt)) {
			rc = add_cand(img, cs, d, r, err);
			if (rc)
				return rc;
			continue;
		}
		if (mt && !is_index_type(mt))
			continue; /* some other artifact */
		if (depth >= IMAGE_MAX_INDEX_DEPTH)
			return bw_errorf(err, -EINVAL, img->path, 0, 0,
					 "image indexes nested deeper than %d",
					 IMAGE_MAX_INDEX_DEPTH);
		if (desc_size(d, &size))
			return bw_errorf(err, -EINVAL, img->path, 0, 0,
					 "descriptor without a valid size");
		rc = blob_for_digest(img, jstr(d, "digest"), size, &b, err);
		if (!rc)
			rc = read_json_blob(img, &b, jstr(d, "digest"), &sub,
					    err);
		free(b.name);
		if (rc)
			return rc;
		if (json_is_array(json_object_get(sub, "manifests")))
			rc = collect(img, sub, depth + 1, r, cs, err);
		else if (!mt && json_is_array(json_object_get(sub, "layers")))
			rc = add_cand(img, cs, d, r, err);
		json_decref(sub);
		if (rc)
			return rc;
	}
	return 0;
}

static bool platform_eq(const char *os, const char *arch, const char *var,
			const char *wos, const char *warch, const char *wvar)
{
	return !strcmp(os, wos) && !strcmp(arch, warch) &&
	       (!wvar[0] || !strcmp(var, wvar));
}

static int no_platform(const struct image *img, const struct cands *cs,
		       const char *want, struct bw_error *err)
{
	char list[400] = "";
	size_t o = 0;

	for (size_t i = 0; i < cs->n && o < sizeof(list) - 1; i++) {
		const struct cand *c = &cs->v[i];
		int n;

		if (!strcmp(c->os, "unknown"))
			continue; /* attestations and other non-images */
		n = snprintf(list + o, sizeof(list) - o, "%s%s/%s%s%s",
			     o ? ", " : "", c->has_platform ? c->os : "?",
			     c->has_platform ? c->arch : "?",
			     c->variant[0] ? "/" : "", c->variant);

		if (n < 0)
			break;
		o += (size_t)n;
	}
	return bw_errorf(err, -ENOEXEC, img->path, 0, 0,
			 "no manifest for platform %s; platforms present: %s",
			 want, cs->n ? list : "none");
}

static int oci_open(struct image *img, const struct image_open_opts *opts,
		    struct bw_error *err)
{
	const char *want =
	    opts && opts->platform ? opts->platform : "linux/amd64";
	char wos[32] = "", warch[32] = "", wvar[32] = "";
	json_t *index = NULL, *man = NULL, *cfg = NULL, *diffs, *layers;
	struct cands cs = {0};
	const struct cand *pick = NULL;
	struct img_blob b = {0};
	const json_t *cd;
	uint64_t size;
	int rc;

	if (sscanf(want, "%31[^/]/%31[^/]/%31s", wos, warch, wvar) < 2)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "bad platform \"%s\" (want os/arch[/variant])",
				 want);
	rc = read_member_json(img, "index.json", &index, err);
	if (rc)
		return rc;
	rc = collect(img, index, 0, NULL, &cs, err);
	if (rc)
		goto out;
	for (size_t i = 0; i < cs.n && !pick; i++)
		if (cs.v[i].has_platform &&
		    platform_eq(cs.v[i].os, cs.v[i].arch, cs.v[i].variant, wos,
				warch, wvar))
			pick = &cs.v[i];
	for (size_t i = 0; i < cs.n && !pick; i++)
		if (!cs.v[i].has_platform)
			pick = &cs.v[i]; /* decided by its config below */
	if (!pick) {
		rc = no_platform(img, &cs, want, err);
		goto out;
	}
	if ((rc = img_set_str(&img->manifest_digest, pick->digest)) ||
	    (pick->ref[0] && (rc = img_set_str(&img->ref, pick->ref))))
		goto out;
	rc = blob_for_digest(img, pick->digest, pick->size, &b, err);
	if (!rc)
		rc = read_json_blob(img, &b, pick->digest, &man, err);
	free(b.name);
	b.name = NULL;
	if (rc)
		goto out;
	cd = json_object_get(man, "config");
	layers = json_object_get(man, "layers");
	if (!json_is_object(cd) || !json_is_array(layers) ||
	    desc_size(cd, &size)) {
		rc =
		    bw_errorf(err, -EINVAL, img->path, 0, 0,
			      "manifest %s: no config or layers", pick->digest);
		goto out;
	}
	rc = blob_for_digest(img, jstr(cd, "digest"), size, &b, err);
	if (!rc)
		rc = read_json_blob(img, &b, jstr(cd, "digest"), &cfg, err);
	free(b.name);
	if (rc)
		goto out;
	if ((rc = img_set_str(&img->config_digest, jstr(cd, "digest"))) ||
	    (rc = apply_config(img, cfg, &diffs)))
		goto out;
	if (!pick->has_platform && img->os && img->arch &&
	    !platform_eq(img->os, img->arch, img->variant ? img->variant : "",
			 wos, warch, wvar)) {
		struct cand c = {.has_platform = true};
		struct cands one = {&c, 1};

		snprintf(c.os, sizeof(c.os), "%s", img->os);
		snprintf(c.arch, sizeof(c.arch), "%s", img->arch);
		snprintf(c.variant, sizeof(c.variant), "%s",
			 img->variant ? img->variant : "");
		rc = no_platform(img, &one, want, err);
		goto out;
	}
	if ((rc = alloc_layers(img, json_array_size(layers), err)))
		goto out;
	for (size_t i = 0; i < img->info.nlayers; i++) {
		const json_t *d = json_array_get(layers, i);
		struct image_layer *l = &img->layers[i];

		if (desc_size(d, &size)) {
			rc = bw_errorf(err, -EINVAL, img->path, 0, 0,
				       "layer %zu: no valid size", i);
			goto out;
		}
		rc = blob_for_digest(img, jstr(d, "digest"), size,
				     &img->blobs[i], err);
		if (rc)
			goto out;
		snprintf(l->digest, sizeof(l->digest), "%s", jstr(d, "digest"));
		snprintf(l->media_type, sizeof(l->media_type), "%s",
			 jstr(d, "mediaType") ? jstr(d, "mediaType") : "");
		l->size = size;
		if (diffs && json_array_size(diffs) == img->info.nlayers)
			set_diff_id(l, diffs, i);
	}
out:
	free(cs.v);
	json_decref(index);
	json_decref(man);
	json_decref(cfg);
	return rc;
}

/* ---- image_open ------------------------------------------------------- */

static int open_file(struct image *img, struct bw_error *err)
{
	unsigned char h[512];
	int fd, rc;
	ssize_t n;

	fd = open(img->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return bw_errorf(err, errno == ENOENT ? -ENOENT : -errno,
				 img->path, 0, 0, "%s", strerror(errno));
	n = pread(fd, h, sizeof(h), 0);
	if (n == (ssize_t)sizeof(h) && img_tar_header_ok(h))
		rc = img_index_tar(img, fd, err);
	else
		rc = img_copy_compressed(img, err);
	close(fd);
	if (rc)
		return rc;
	img_resolve_links(img);
	if (img_member_find(img, "manifest.json")) {
		img->info.kind = IMAGE_DOCKER_ARCHIVE;
		return 0;
	}
	if (img_member_find(img, "index.json")) {
		img->info.kind = IMAGE_OCI_ARCHIVE;
		return 0;
	}
	return bw_errorf(err, -EINVAL, img->path, 0, 0,
			 "not an image: no manifest.json or index.json");
}

static void fill_info(struct image *img)
{
	struct image_info *i = &img->info;

	i->path = img->path;
	i->ref = img->ref;
	i->manifest_digest = img->manifest_digest;
	i->config_digest = img->config_digest;
	i->os = img->os;
	i->arch = img->arch;
	i->variant = img->variant;
	i->layers = img->layers;
}

int image_open(const char *path, int allow_rootfs,
	       const struct image_open_opts *opts, struct image **ret,
	       struct bw_error *err)
{
	struct image *img;
	struct stat st;
	int rc;

	if (!path || !ret)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "no image path");
	if (stat(path, &st))
		return bw_errorf(err, errno == ENOENT ? -ENOENT : -errno, path,
				 0, 0, "%s", strerror(errno));
	img = img_alloc(path, opts);
	if (!img)
		return -ENOMEM;
	if (S_ISDIR(st.st_mode)) {
		img->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (img->dirfd < 0) {
			rc = bw_errorf(err, -errno, path, 0, 0, "%s",
				       strerror(errno));
			goto fail;
		}
		if (!faccessat(img->dirfd, "index.json", F_OK, 0) &&
		    !faccessat(img->dirfd, "oci-layout", F_OK, 0)) {
			img->info.kind = IMAGE_OCI_LAYOUT;
		} else if (allow_rootfs) {
			img->info.kind = IMAGE_ROOTFS;
		} else {
			rc = bw_errorf(err, -EINVAL, path, 0, 0,
				       "a directory without index.json and "
				       "oci-layout is not an image");
			goto fail;
		}
	} else if (S_ISREG(st.st_mode)) {
		rc = open_file(img, err);
		if (rc)
			goto fail;
	} else {
		rc = bw_errorf(err, -EINVAL, path, 0, 0,
			       "not a file or a directory");
		goto fail;
	}
	switch (img->info.kind) {
	case IMAGE_DOCKER_ARCHIVE:
		rc = docker_open(img, err);
		break;
	case IMAGE_OCI_LAYOUT:
	case IMAGE_OCI_ARCHIVE:
		rc = oci_open(img, opts, err);
		break;
	case IMAGE_ROOTFS:
		rc = 0;
		break;
	}
	if (rc)
		goto fail;
	fill_info(img);
	*ret = img;
	return 0;
fail:
	image_close(img);
	return rc;
}

int img_open_mem(const void *const *blobs, const size_t *lens, size_t n,
		 const struct image_limits *limits, struct image **ret,
		 struct bw_error *err)
{
	struct image_open_opts o = {0};
	struct image *img;
	int rc;

	if (limits)
		o.limits = *limits;
	img = img_alloc("memory", &o);
	if (!img)
		return -ENOMEM;
	img->info.kind = IMAGE_OCI_LAYOUT;
	rc = alloc_layers(img, n, err);
	if (rc) {
		image_close(img);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		img->blobs[i].where = IMG_IN_MEM;
		img->blobs[i].mem = blobs[i];
		img->blobs[i].size = lens[i];
		img->layers[i].size = lens[i];
		snprintf(img->layers[i].digest, sizeof(img->layers[i].digest),
			 "mem:%zu", i);
	}
	fill_info(img);
	*ret = img;
	return 0;
}
