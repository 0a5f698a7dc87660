/* test_image.c - the image input: docker-archive (legacy and blobs layouts,
 * plain and gzip outer tar), OCI layout directory and tar, and rootfs
 * directories.  Fixtures are generated here with libarchive's writer into a
 * temp dir: layers as plain, gzip and zstd tars, configs, manifests and
 * (nested) indexes with the right digests -- or deliberately wrong ones.
 * The merged view is checked for whiteouts, opaque dirs, type changes,
 * layer attribution, hostile names, links, devices, truncation, bombs,
 * platform selection and digest verification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image.h"
#include "image/image_int.h"

/* ---- growable buffer ---------------------------------------------------- */

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const void *d, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(tmp));
	buf_add(b, tmp, (size_t)n);
}

static la_ssize_t wcb(struct archive *a, void *ctx, const void *d, size_t n)
{
	(void)a;
	buf_add(ctx, d, n);
	return (la_ssize_t)n;
}

static void add_filter(struct archive *a, char comp)
{
	if (comp == 'g')
		assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	else if (comp == 'z')
		assert_int_equal(archive_write_add_filter_zstd(a), ARCHIVE_OK);
	else
		assert_int_equal(archive_write_add_filter_none(a), ARCHIVE_OK);
}

/* ---- layer tars ------------------------------------------------------- */

/* type: f file (data), d dir, s symlink (data = target), h hard link
 * (data = target), c char device */
struct ent {
	char type;
	const char *name;
	const char *data;
};

static void make_tar(const struct ent *es, size_t n, char comp, struct buf *out)
{
	struct archive *a = archive_write_new();

	memset(out, 0, sizeof(*out));
	assert_int_equal(archive_write_set_format_pax_restricted(a),
			 ARCHIVE_OK);
	add_filter(a, comp);
	archive_write_set_bytes_in_last_block(a, 1);
	assert_int_equal(archive_write_open(a, out, NULL, wcb, NULL),
			 ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		const struct ent *x = &es[i];

		archive_entry_set_pathname(e, x->name);
		archive_entry_set_mtime(e, 1700000000, 0);
		switch (x->type) {
		case 'f':
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, (la_int64_t)strlen(x->data));
			break;
		case 'd':
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
			break;
		case 's':
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_perm(e, 0777);
			archive_entry_set_symlink(e, x->data);
			break;
		case 'h':
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_hardlink(e, x->data);
			archive_entry_set_size(e, 0);
			break;
		case 'c':
			archive_entry_set_filetype(e, AE_IFCHR);
			archive_entry_set_perm(e, 0666);
			archive_entry_set_rdevmajor(e, 1);
			archive_entry_set_rdevminor(e, 3);
			break;
		}
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (x->type == 'f' && *x->data)
			assert_int_equal(
			    archive_write_data(a, x->data, strlen(x->data)),
			    (la_ssize_t)strlen(x->data));
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/* Compresses a whole buffer (gzip/zstd) or copies it ('n'). */
static void compress(const struct buf *in, char comp, struct buf *out)
{
	struct archive *a;
	struct archive_entry *e;

	memset(out, 0, sizeof(*out));
	if (comp == 'n') {
		buf_add(out, in->p, in->len);
		return;
	}
	a = archive_write_new();
	assert_int_equal(archive_write_set_format_raw(a), ARCHIVE_OK);
	add_filter(a, comp);
	archive_write_set_bytes_in_last_block(a, 1);
	assert_int_equal(archive_write_open(a, out, NULL, wcb, NULL),
			 ARCHIVE_OK);
	e = archive_entry_new();
	archive_entry_set_pathname(e, "x");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)in->len);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	assert_int_equal(archive_write_data(a, in->p, in->len),
			 (la_ssize_t)in->len);
	archive_entry_free(e);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/* ---- file sets written as a directory or a tar ------------------------- */

struct fset {
	struct {
		char name[200];
		char link[200]; /* symlink member when set */
		struct buf data;
	} f[64];
	size_t n;
};

static void fset_add(struct fset *fs, const char *name, const void *d, size_t n)
{
	assert_true(fs->n < 64);
	snprintf(fs->f[fs->n].name, sizeof(fs->f[0].name), "%s", name);
	fs->f[fs->n].link[0] = 0;
	memset(&fs->f[fs->n].data, 0, sizeof(struct buf));
	buf_add(&fs->f[fs->n].data, d, n);
	fs->n++;
}

static void fset_free(struct fset *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		free(fs->f[i].data.p);
	fs->n = 0;
}

/* Adds a blob under blobs/sha256/ and returns its "sha256:<hex>". */
static void fset_blob(struct fset *fs, const void *d, size_t n, char dg[80])
{
	char hex[65], name[100];

	img_sha256_hex(d, n, hex);
	snprintf(dg, 80, "sha256:%s", hex);
	snprintf(name, sizeof(name), "blobs/sha256/%s", hex);
	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->f[i].name, name))
			return;
	fset_add(fs, name, d, n);
}

static void mkdirs(const char *path)
{
	char tmp[1024];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			mkdir(tmp, 0755);
			*p = '/';
		}
	mkdir(tmp, 0755);
}

static void write_file(const char *path, const void *d, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(d, 1, n, f), n);
	fclose(f);
}

static void fset_write_dir(const struct fset *fs, const char *dir)
{
	char p[1024];

	mkdirs(dir);
	for (size_t i = 0; i < fs->n; i++) {
		char *slash;

		snprintf(p, sizeof(p), "%s/%s", dir, fs->f[i].name);
		slash = strrchr(p, '/');
		*slash = 0;
		mkdirs(p);
		*slash = '/';
		write_file(p, fs->f[i].data.p, fs->f[i].data.len);
	}
}

static void fset_write_tar(const struct fset *fs, const char *path, char comp)
{
	struct buf out = {0};
	struct archive *a = archive_write_new();

	assert_int_equal(archive_write_set_format_pax_restricted(a),
			 ARCHIVE_OK);
	add_filter(a, comp);
	assert_int_equal(archive_write_open(a, &out, NULL, wcb, NULL),
			 ARCHIVE_OK);
	for (size_t i = 0; i < fs->n; i++) {
		struct archive_entry *e = archive_entry_new();

		archive_entry_set_pathname(e, fs->f[i].name);
		if (fs->f[i].link[0]) {
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_perm(e, 0777);
			archive_entry_set_symlink(e, fs->f[i].link);
			assert_int_equal(archive_write_header(a, e),
					 ARCHIVE_OK);
			archive_entry_free(e);
			continue;
		}
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)fs->f[i].data.len);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (fs->f[i].data.len)
			assert_int_equal(archive_write_data(a, fs->f[i].data.p,
							    fs->f[i].data.len),
					 (la_ssize_t)fs->f[i].data.len);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	write_file(path, out.p, out.len);
	free(out.p);
}

/* ---- image builders ---------------------------------------------------- */

static char tmproot[512];

static void tmp_path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", tmproot, name);
}

static const char *mt_of(char comp)
{
	return comp == 'g'   ? "application/vnd.oci.image.layer.v1.tar+gzip"
	       : comp == 'z' ? "application/vnd.oci.image.layer.v1.tar+zstd"
			     : "application/vnd.oci.image.layer.v1.tar";
}

static void config_json(struct buf *cfg, const struct buf *tars, size_t n,
			const char *arch)
{
	memset(cfg, 0, sizeof(*cfg));
	buf_printf(cfg,
		   "{\"architecture\":\"%s\",\"os\":\"linux\",\"rootfs\":{"
		   "\"type\":\"layers\",\"diff_ids\":[",
		   arch);
	for (size_t i = 0; i < n; i++) {
		char hex[65];

		img_sha256_hex(tars[i].p, tars[i].len, hex);
		buf_printf(cfg, "%s\"sha256:%s\"", i ? "," : "", hex);
	}
	buf_printf(cfg, "]}}");
}

/* Adds config, layers and manifest of one image; returns the manifest
 * descriptor (digest, size). */
static void oci_add_image(struct fset *fs, const struct buf *tars,
			  const char *comps, size_t n, const char *arch,
			  char mdg[80], size_t *msize)
{
	struct buf cfg, man = {0};
	char cdg[80];

	config_json(&cfg, tars, n, arch);
	fset_blob(fs, cfg.p, cfg.len, cdg);
	buf_printf(&man,
		   "{\"schemaVersion\":2,\"mediaType\":\"application/"
		   "vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
		   "\"application/vnd.oci.image.config.v1+json\",\"digest\":"
		   "\"%s\",\"size\":%zu},\"layers\":[",
		   cdg, cfg.len);
	for (size_t i = 0; i < n; i++) {
		struct buf z;
		char ldg[80];

		compress(&tars[i], comps[i], &z);
		fset_blob(fs, z.p, z.len, ldg);
		buf_printf(&man,
			   "%s{\"mediaType\":\"%s\",\"digest\":\"%s\","
			   "\"size\":%zu}",
			   i ? "," : "", mt_of(comps[i]), ldg, z.len);
		free(z.p);
	}
	buf_printf(&man, "]}");
	fset_blob(fs, man.p, man.len, mdg);
	*msize = man.len;
	free(cfg.p);
	free(man.p);
}

static void oci_index(struct fset *fs, const char *mdg, size_t msize)
{
	struct buf idx = {0};
	const char *layout = "{\"imageLayoutVersion\":\"1.0.0\"}";

	buf_printf(&idx,
		   "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
		   "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":"
		   "\"%s\",\"size\":%zu,\"annotations\":{\"org.opencontainers."
		   "image.ref.name\":\"test:1\"}}]}",
		   mdg, msize);
	fset_add(fs, "index.json", idx.p, idx.len);
	fset_add(fs, "oci-layout", layout, strlen(layout));
	free(idx.p);
}

/* A docker save archive: legacy (<id>/layer.tar) or blobs layout. */
static void docker_image(struct fset *fs, const struct buf *tars, size_t n,
			 bool legacy)
{
	struct buf cfg, man = {0};
	char hex[65], cname[120];

	config_json(&cfg, tars, n, "amd64");
	img_sha256_hex(cfg.p, cfg.len, hex);
	if (legacy)
		snprintf(cname, sizeof(cname), "%s.json", hex);
	else
		snprintf(cname, sizeof(cname), "blobs/sha256/%s", hex);
	fset_add(fs, cname, cfg.p, cfg.len);
	buf_printf(&man,
		   "[{\"Config\":\"%s\",\"RepoTags\":[\"test:latest\"],"
		   "\"Layers\":[",
		   cname);
	for (size_t i = 0; i < n; i++) {
		char name[120];

		img_sha256_hex(tars[i].p, tars[i].len, hex);
		if (legacy)
			snprintf(name, sizeof(name), "%s/layer.tar", hex);
		else
			snprintf(name, sizeof(name), "blobs/sha256/%s", hex);
		fset_add(fs, name, tars[i].p, tars[i].len);
		buf_printf(&man, "%s\"%s\"", i ? "," : "", name);
	}
	buf_printf(&man, "]}]");
	fset_add(fs, "manifest.json", man.p, man.len);
	free(cfg.p);
	free(man.p);
}

/* ---- a collecting visitor ---------------------------------------------- */

struct seen {
	struct buf lines; /* "\n<path> <type> <layer>[ -> tgt][ =content]" */
	int warns;
	char lastwarn[800];
	char lastinput[256];
};

static char type_char(mode_t m)
{
	return S_ISDIR(m)   ? 'd'
	       : S_ISLNK(m) ? 'l'
	       : S_ISCHR(m) ? 'c'
	       : S_ISREG(m) ? 'f'
			    : '?';
}

static int v_want(void *ctx, const struct image_file *f)
{
	struct seen *s = ctx;

	buf_printf(&s->lines, "\n%s %c %d", f->path, type_char(f->mode),
		   f->layer);
	if (f->link_target)
		buf_printf(&s->lines, " -> %s", f->link_target);
	return 1;
}

static int v_file(void *ctx, const struct image_file *f, struct image_reader *r)
{
	struct seen *s = ctx;
	char *d;
	size_t n;
	int rc = image_reader_read_all(r, 1 << 20, &d, &n);

	if (rc)
		return rc;
	buf_printf(&s->lines, "\n%s =%s", f->path, d);
	free(d);
	return 0;
}

static void v_warn(void *ctx, const struct bw_error *e)
{
	struct seen *s = ctx;

	s->warns++;
	snprintf(s->lastwarn, sizeof(s->lastwarn), "%s", e->msg);
	snprintf(s->lastinput, sizeof(s->lastinput), "%s", e->input);
}

/* The line describing path ("<type> <layer>..."), or NULL. */
static const char *entry(const struct seen *s, const char *path)
{
	char key[300];
	const char *p;

	snprintf(key, sizeof(key), "\n%s ", path);
	for (p = (const char *)s->lines.p; p && (p = strstr(p, key)); p += 1) {
		if (p[strlen(key)] != '=')
			return p + strlen(key);
	}
	return NULL;
}

static const char *content(const struct seen *s, const char *path)
{
	static char out[256];
	char key[300];
	const char *p, *e;

	snprintf(key, sizeof(key), "\n%s =", path);
	p = s->lines.p ? strstr((const char *)s->lines.p, key) : NULL;
	if (!p)
		return NULL;
	p += strlen(key);
	e = strchr(p, '\n');
	snprintf(out, sizeof(out), "%.*s", e ? (int)(e - p) : (int)strlen(p),
		 p);
	return out;
}

static void assert_entry(const struct seen *s, const char *path,
			 const char *want)
{
	const char *e = entry(s, path);

	if (!e)
		fail_msg("%s not seen; got:%s", path, s->lines.p);
	if (strncmp(e, want, strlen(want)))
		fail_msg("%s: want \"%s\", got \"%.40s\"", path, want, e);
}

static void assert_absent(const struct seen *s, const char *path)
{
	if (entry(s, path))
		fail_msg("%s should be hidden; got:%s", path, s->lines.p);
}

static int walk(struct image *img, struct seen *s, struct bw_error *err)
{
	struct image_visitor v = {v_want, v_file, v_warn, s, 0};

	memset(s, 0, sizeof(*s));
	return image_walk(img, &v, err);
}

/* ---- the three-layer fixture ------------------------------------------- */

static const struct ent L0[] = {
    {'d', "etc/", NULL},
    {'f', "etc/passwd", "root0"},
    {'f', "etc/old", "old"},
    {'d', "opt/", NULL},
    {'d', "opt/dir/", NULL},
    {'f', "opt/dir/a", "a"},
    {'d', "var/", NULL},
    {'d', "var/cache/", NULL},
    {'f', "var/cache/x", "x"},
    {'d', "usr/", NULL},
    {'d', "usr/bin/", NULL},
    {'f', "usr/bin/file-to-dir", "f"},
    {'d', "usr/dir-to-file/", NULL},
    {'f', "usr/dir-to-file/inner", "i"},
    {'f', "keep", "k0"},
    {'f', "base-only", "b"},
};
static const struct ent L1[] = {
    {'f', "etc/.wh.old", ""},
    {'f', "opt/.wh.dir", ""},
    {'f', "var/cache/.wh..wh..opq", ""},
    {'f', "var/cache/y", "y"},
    {'d', "usr/bin/file-to-dir/", NULL},
    {'f', "usr/bin/file-to-dir/n", "n"},
    {'f', "usr/dir-to-file", "F"},
    {'f', "keep", "k1"},
    {'f', ".wh.same", ""},
    {'f', "same", "s1"}, /* same-layer whiteout does not hide it */
};
static const struct ent L2[] = {
    {'f', "etc/passwd", "root2"},
    {'d', "./", NULL},
};

static void three_tars(struct buf tars[3])
{
	make_tar(L0, sizeof(L0) / sizeof(L0[0]), 'n', &tars[0]);
	make_tar(L1, sizeof(L1) / sizeof(L1[0]), 'n', &tars[1]);
	make_tar(L2, sizeof(L2) / sizeof(L2[0]), 'n', &tars[2]);
}

static void free_tars(struct buf *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(t[i].p);
}

static void check_merged(const struct seen *s)
{
	assert_entry(s, "etc/passwd", "f 2");
	assert_string_equal(content(s, "etc/passwd"), "root2");
	assert_entry(s, "etc", "d 0");
	assert_absent(s, "etc/old");
	assert_entry(s, "opt", "d 0");
	assert_absent(s, "opt/dir");
	assert_absent(s, "opt/dir/a");
	assert_entry(s, "var/cache", "d 0");
	assert_absent(s, "var/cache/x");
	assert_entry(s, "var/cache/y", "f 1");
	assert_entry(s, "usr/bin/file-to-dir", "d 1");
	assert_entry(s, "usr/bin/file-to-dir/n", "f 1");
	assert_entry(s, "usr/dir-to-file", "f 1");
	assert_string_equal(content(s, "usr/dir-to-file"), "F");
	assert_absent(s, "usr/dir-to-file/inner");
	assert_entry(s, "keep", "f 1");
	assert_string_equal(content(s, "keep"), "k1");
	assert_entry(s, "base-only", "f 0");
	assert_entry(s, "same", "f 1");
	assert_null(strstr((const char *)s->lines.p, ".wh."));
	/* each path once */
	assert_null(
	    strstr(strstr((const char *)s->lines.p, "\netc/passwd ") + 1,
		   "\netc/passwd f"));
}

static void open_walk_check(const char *path, enum image_kind kind)
{
	struct image *img = NULL;
	struct bw_error err = {0};
	struct seen s;
	const struct image_info *info;
	int rc;

	rc = image_open(path, 0, NULL, &img, &err);
	if (rc)
		fail_msg("%s: %d %s", path, rc, err.msg);
	info = image_get_info(img);
	assert_int_equal(info->kind, kind);
	assert_int_equal(info->nlayers, 3);
	assert_string_equal(info->os, "linux");
	assert_string_equal(info->arch, "amd64");
	assert_non_null(info->config_digest);
	assert_non_null(info->ref);
	for (int i = 0; i < 3; i++) {
		assert_memory_equal(info->layers[i].digest, "sha256:", 7);
		assert_memory_equal(info->layers[i].diff_id, "sha256:", 7);
	}
	rc = walk(img, &s, &err);
	if (rc)
		fail_msg("%s: walk %d %s (%s)", path, rc, err.msg, s.lastwarn);
	assert_int_equal(s.warns, 0);
	check_merged(&s);
	free(s.lines.p);
	image_close(img);
}

static void test_oci_layout_dir_and_tar_merge_layers(void **st)
{
	struct buf tars[3];
	struct fset fs = {0};
	char mdg[80], dir[600], tar[600], tgz[600];
	size_t msize;

	(void)st;
	three_tars(tars);
	oci_add_image(&fs, tars, "gzn", 3, "amd64", mdg, &msize);
	oci_index(&fs, mdg, msize);
	tmp_path(dir, sizeof(dir), "oci-merge");
	fset_write_dir(&fs, dir);
	open_walk_check(dir, IMAGE_OCI_LAYOUT);
	tmp_path(tar, sizeof(tar), "oci-merge.tar");
	fset_write_tar(&fs, tar, 'n');
	open_walk_check(tar, IMAGE_OCI_ARCHIVE);
	tmp_path(tgz, sizeof(tgz), "oci-merge.tar.gz");
	fset_write_tar(&fs, tgz, 'g');
	open_walk_check(tgz, IMAGE_OCI_ARCHIVE);
	{ /* the ref annotation */
		struct image *img;

		assert_int_equal(image_open(dir, 0, NULL, &img, NULL), 0);
		assert_string_equal(image_get_info(img)->ref, "test:1");
		assert_string_equal(image_get_info(img)->manifest_digest, mdg);
		assert_string_equal(image_get_info(img)->layers[0].media_type,
				    mt_of('g'));
		image_close(img);
	}
	fset_free(&fs);
	free_tars(tars, 3);
}

static void test_zstd_layers(void **st)
{
	struct buf tars[3];
	struct fset fs = {0};
	char mdg[80], dir[600];
	size_t msize;

	(void)st;
	three_tars(tars);
	oci_add_image(&fs, tars, "zgz", 3, "amd64", mdg, &msize);
	oci_index(&fs, mdg, msize);
	tmp_path(dir, sizeof(dir), "oci-zstd");
	fset_write_dir(&fs, dir);
	open_walk_check(dir, IMAGE_OCI_LAYOUT);
	fset_free(&fs);
	free_tars(tars, 3);
}

static void test_docker_archives_legacy_and_blobs(void **st)
{
	struct buf tars[3];
	const char *names[] = {"legacy.tar", "legacy.tar.gz", "blobs.tar",
			       "blobs.tar.gz"};

	(void)st;
	three_tars(tars);
	for (int i = 0; i < 4; i++) {
		struct fset fs = {0};
		char path[600];
		struct image *img;

		docker_image(&fs, tars, 3, i < 2);
		tmp_path(path, sizeof(path), names[i]);
		fset_write_tar(&fs, path, i % 2 ? 'g' : 'n');
		open_walk_check(path, IMAGE_DOCKER_ARCHIVE);
		assert_int_equal(image_open(path, 0, NULL, &img, NULL), 0);
		assert_string_equal(image_get_info(img)->ref, "test:latest");
		assert_string_equal(image_kind_name(image_get_info(img)->kind),
				    "docker-archive");
		image_close(img);
		fset_free(&fs);
	}
	free_tars(tars, 3);
}

/* docker save writes a layer.tar identical to an earlier one as a
 * symlink "../<id>/layer.tar". */
static void test_docker_legacy_symlinked_layer(void **st)
{
	static const struct ent es[] = {{'f', "same", "1"}};
	struct buf tars[2];
	struct buf cfg, man = {0};
	char hex[65], cname[100], p[600];

	(void)st;
	make_tar(es, 1, 'n', &tars[0]);
	make_tar(es, 1, 'n', &tars[1]);
	config_json(&cfg, tars, 2, "amd64");
	img_sha256_hex(cfg.p, cfg.len, hex);
	snprintf(cname, sizeof(cname), "%s.json", hex);
	img_sha256_hex(tars[0].p, tars[0].len, hex);
	buf_printf(&man,
		   "[{\"Config\":\"%s\",\"RepoTags\":null,\"Layers\":["
		   "\"aaa/layer.tar\",\"bbb/layer.tar\"]}]",
		   cname);
	for (char comp = 'n'; comp; comp = comp == 'n' ? 'g' : 0) {
		struct fset fs = {0};
		struct image *img;
		struct bw_error err = {0};
		struct seen s;

		fset_add(&fs, cname, cfg.p, cfg.len);
		fset_add(&fs, "aaa/layer.tar", tars[0].p, tars[0].len);
		fset_add(&fs, "bbb/layer.tar", "", 0);
		snprintf(fs.f[2].link, sizeof(fs.f[2].link),
			 "../aaa/layer.tar");
		fset_add(&fs, "manifest.json", man.p, man.len);
		tmp_path(p, sizeof(p),
			 comp == 'n' ? "symlinked.tar" : "symlinked.tgz");
		fset_write_tar(&fs, p, comp);
		if (image_open(p, 0, NULL, &img, &err))
			fail_msg("%s", err.msg);
		assert_null(image_get_info(img)->ref);
		assert_int_equal(walk(img, &s, &err), 0);
		assert_entry(&s, "same", "f 1");
		free(s.lines.p);
		image_close(img);
		fset_free(&fs);
	}
	free(cfg.p);
	free(man.p);
	free_tars(tars, 2);
}

static void test_gzip_outer_temp_dir_removed(void **st)
{
	struct buf tars[3];
	struct fset fs = {0};
	char path[600], tmp[600];
	struct image_open_opts o = {0};
	struct image *img;
	struct stat sb;
	char *td;

	(void)st;
	three_tars(tars);
	docker_image(&fs, tars, 3, true);
	tmp_path(path, sizeof(path), "tmpcheck.tar.gz");
	fset_write_tar(&fs, path, 'g');
	tmp_path(tmp, sizeof(tmp), "tmpparent");
	mkdirs(tmp);
	o.tmpdir = tmp;
	assert_int_equal(image_open(path, 0, &o, &img, NULL), 0);
	assert_non_null(img->tmpdir);
	td = strdup(img->tmpdir);
	assert_int_equal(stat(td, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	image_close(img);
	assert_int_equal(stat(td, &sb), -1);
	free(td);
	fset_free(&fs);
	free_tars(tars, 3);
}

/* ---- verification ------------------------------------------------------ */

static void one_layer_oci(const struct ent *es, size_t n, char comp,
			  const char *name, char *dir, size_t dsz,
			  struct fset *fs)
{
	struct buf tar;
	char mdg[80];
	size_t msize;

	make_tar(es, n, 'n', &tar);
	memset(fs, 0, sizeof(*fs));
	oci_add_image(fs, &tar, &comp, 1, "amd64", mdg, &msize);
	oci_index(fs, mdg, msize);
	tmp_path(dir, dsz, name);
	fset_write_dir(fs, dir);
	free(tar.p);
}

/* The layer is the largest blob that is not JSON. */
static const char *layer_blob(const struct fset *fs, char *path, size_t n,
			      const char *dir)
{
	size_t best = 0;
	const char *name = NULL;

	for (size_t i = 0; i < fs->n; i++)
		if (fs->f[i].data.p[0] != '{' && fs->f[i].data.len >= best &&
		    !strncmp(fs->f[i].name, "blobs/", 6)) {
			best = fs->f[i].data.len;
			name = fs->f[i].name;
		}
	assert_non_null(name);
	snprintf(path, n, "%s/%s", dir, name);
	return name;
}

static void test_layer_digest_mismatch_refused(void **st)
{
	static const struct ent es[] = {{'f', "a", "hello"}};
	struct fset fs;
	char dir[600], blob[800];
	struct image *img;
	struct bw_error err = {0};
	struct seen s;
	FILE *f;
	int c;

	(void)st;
	one_layer_oci(es, 1, 'n', "mismatch", dir, sizeof(dir), &fs);
	layer_blob(&fs, blob, sizeof(blob), dir);
	/* flip one byte of the file content, same size */
	f = fopen(blob, "r+b");
	assert_non_null(f);
	fseek(f, 512 + 8, SEEK_SET); /* after the pax header block(s) */
	c = fgetc(f);
	fseek(f, -1, SEEK_CUR);
	fputc(c ^ 1, f);
	fclose(f);
	assert_int_equal(image_open(dir, 0, NULL, &img, &err), 0);
	assert_int_equal(walk(img, &s, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "digest mismatch"));
	assert_non_null(strstr(err.msg, "expected sha256:"));
	assert_non_null(strstr(err.msg, "got sha256:"));
	assert_non_null(strstr(err.input, "layer sha256:"));
	free(s.lines.p);
	image_close(img);
	fset_free(&fs);
}

static void test_config_digest_mismatch_refused(void **st)
{
	static const struct ent es[] = {{'f', "a", "hello"}};
	struct fset fs;
	char dir[600], p[800];
	struct image *img = NULL;
	struct bw_error err = {0};

	(void)st;
	one_layer_oci(es, 1, 'n', "cfgmismatch", dir, sizeof(dir), &fs);
	for (size_t i = 0; i < fs.n; i++)
		if (strstr((char *)fs.f[i].data.p, "\"architecture\"")) {
			char *a = strstr((char *)fs.f[i].data.p, "amd64");

			memcpy(a, "arm64", 5); /* same size, other digest */
			snprintf(p, sizeof(p), "%s/%s", dir, fs.f[i].name);
			write_file(p, fs.f[i].data.p, fs.f[i].data.len);
		}
	assert_int_equal(image_open(dir, 0, NULL, &img, &err), -EBADMSG);
	assert_null(img);
	assert_non_null(strstr(err.msg, "digest mismatch"));
	fset_free(&fs);
}

static void test_legacy_layer_diff_id_mismatch_refused(void **st)
{
	static const struct ent es[] = {{'f', "a", "hello"}};
	struct buf tar;
	struct fset fs = {0};
	char path[600];
	struct image *img;
	struct bw_error err = {0};
	struct seen s;

	(void)st;
	make_tar(es, 1, 'n', &tar);
	docker_image(&fs, &tar, 1, true);
	for (size_t i = 0; i < fs.n; i++)
		if (strstr(fs.f[i].name, "layer.tar"))
			fs.f[i].data.p[512 + 2] ^= 1;
	tmp_path(path, sizeof(path), "legacy-bad.tar");
	fset_write_tar(&fs, path, 'n');
	assert_int_equal(image_open(path, 0, NULL, &img, &err), 0);
	assert_int_equal(walk(img, &s, &err), -EBADMSG);
	free(s.lines.p);
	image_close(img);
	fset_free(&fs);
	free(tar.p);
}

/* Uncompressed layers of 4 MiB and more are hashed by a second thread
 * while the walk skips file data by seeking. */
static void test_large_plain_layer_verified(void **st)
{
	char *big = malloc((6 << 20) + 1);
	struct ent es[2];
	struct buf tar;
	char path[600];
	struct image *img;
	struct bw_error err = {0};
	struct seen s;

	(void)st;
	for (int i = 0; i < 6 << 20; i++)
		big[i] = (char)('a' + i % 23);
	big[6 << 20] = 0;
	es[0] = (struct ent){'f', "big", big};
	es[1] = (struct ent){'f', "after", "z"};
	make_tar(es, 2, 'n', &tar);
	for (int bad = 0; bad < 2; bad++) {
		struct fset fs = {0};

		docker_image(&fs, &tar, 1, bad == 0);
		if (bad)
			for (size_t i = 0; i < fs.n; i++)
				if (fs.f[i].data.len > (4u << 20))
					fs.f[i].data.p[3 << 20] ^= 1;
		tmp_path(path, sizeof(path),
			 bad ? "large-bad.tar" : "large.tar");
		fset_write_tar(&fs, path, 'n');
		assert_int_equal(image_open(path, 0, NULL, &img, &err), 0);
		assert_int_equal(walk(img, &s, &err), bad ? -EBADMSG : 0);
		assert_entry(&s, "after", "f 0");
		assert_string_equal(content(&s, "after"), "z");
		free(s.lines.p);
		image_close(img);
		fset_free(&fs);
	}
	free(tar.p);
	free(big);
}

static void test_missing_blob_is_an_error(void **st)
{
	static const struct ent es[] = {{'f', "a", "hello"}};
	struct fset fs;
	char dir[600], blob[800];
	struct image *img = NULL;
	struct bw_error err = {0};

	(void)st;
	one_layer_oci(es, 1, 'g', "missing", dir, sizeof(dir), &fs);
	layer_blob(&fs, blob, sizeof(blob), dir);
	assert_int_equal(unlink(blob), 0);
	assert_int_equal(image_open(dir, 0, NULL, &img, &err), -EINVAL);
	assert_null(img);
	assert_non_null(strstr(err.msg, "missing blob sha256:"));
	fset_free(&fs);
}

static void test_open_errors(void **st)
{
	struct image *img = NULL;
	struct bw_error err = {0};
	char p[600];

	(void)st;
	assert_int_equal(
	    image_open("/nonexistent/bw-image", 0, NULL, &img, &err), -ENOENT);
	tmp_path(p, sizeof(p), "notimage.txt");
	write_file(p, "hello world\n", 12);
	assert_int_equal(image_open(p, 0, NULL, &img, &err), -EINVAL);
	tmp_path(p, sizeof(p), "badjson");
	mkdirs(p);
	{
		char f[700];

		snprintf(f, sizeof(f), "%s/index.json", p);
		write_file(f, "{\"manifests\": [", 15);
		snprintf(f, sizeof(f), "%s/oci-layout", p);
		write_file(f, "{}", 2);
	}
	assert_int_equal(image_open(p, 0, NULL, &img, &err), -EINVAL);
	assert_non_null(strstr(err.input, "index.json"));
	assert_true(err.line >= 1);
	assert_null(img);
}

/* ---- hostile content --------------------------------------------------- */

static void test_names_links_and_devices(void **st)
{
	static const struct ent es[] = {
	    {'f', "../../etc/evil", "evil"}, {'f', "/abs/file", "absdata"},
	    {'f', "./rel/./x", "relx"},	     {'f', "q/../b", "bdata"},
	    {'s', "link", "/etc/shadow"},    {'s', "up", "../../../../"},
	    {'h', "hl", "abs/file"},	     {'h', "hl2", "/abs/file"},
	    {'c', "dev/null", NULL},
	};
	struct fset fs;
	char dir[600];
	struct image *img;
	struct bw_error err = {0};
	struct seen s;

	(void)st;
	one_layer_oci(es, sizeof(es) / sizeof(es[0]), 'g', "hostile", dir,
		      sizeof(dir), &fs);
	assert_int_equal(image_open(dir, 0, NULL, &img, &err), 0);
	assert_int_equal(walk(img, &s, &err), 0);
	assert_true(s.warns >= 1);
	assert_non_null(strstr(s.lastinput, "layer sha256:"));
	assert_null(strstr((char *)s.lines.p, "evil"));
	assert_entry(&s, "abs/file", "f 0");
	assert_string_equal(content(&s, "abs/file"), "absdata");
	assert_entry(&s, "rel/x", "f 0");
	assert_entry(&s, "b", "f 0");
	assert_entry(&s, "link", "l 0 -> /etc/shadow");
	assert_null(content(&s, "link"));
	assert_entry(&s, "up", "l 0 -> ../../../../");
	assert_entry(&s, "hl", "f 0 -> abs/file");
	assert_string_equal(content(&s, "hl"), "absdata");
	assert_entry(&s, "hl2", "f 0 -> abs/file");
	assert_string_equal(content(&s, "hl2"), "absdata");
	assert_entry(&s, "dev/null", "c 0");
	assert_null(content(&s, "dev/null"));
	free(s.lines.p);
	image_close(img);
	fset_free(&fs);
}

static void test_truncated_layer_partial_then_eio(void **st)
{
	struct ent es[200];
	char names[200][32];
	struct buf tars[2], z;
	struct fset fs = {0};
	char dir[600], mdg[80], cdg[80], ldg0[80], ldg1[80];
	struct buf cfg, man = {0};
	struct image *img;
	struct bw_error err = {0};
	struct seen s;
	static const struct ent base[] = {{'f', "base", "b"}};
	/* 200 files of incompressible-ish content */
	static char data[200][600];

	(void)st;
	for (int i = 0; i < 200; i++) {
		snprintf(names[i], sizeof(names[i]), "f%03d", i);
		for (int k = 0; k < 599; k++)
			data[i][k] =
			    (char)('a' + ((i * 7919 + k * k * 31) % 26));
		data[i][599] = 0;
		es[i] = (struct ent){'f', names[i], data[i]};
	}
	make_tar(base, 1, 'n', &tars[0]);
	make_tar(es, 200, 'n', &tars[1]);
	compress(&tars[1], 'g', &z);
	z.len /= 2; /* truncated gzip, described with its own digest */
	config_json(&cfg, tars, 2, "amd64");
	fset_blob(&fs, cfg.p, cfg.len, cdg);
	fset_blob(&fs, tars[0].p, tars[0].len, ldg0);
	fset_blob(&fs, z.p, z.len, ldg1);
	buf_printf(
	    &man,
	    "{\"schemaVersion\":2,\"config\":{\"digest\":\"%s\",\"size\":"
	    "%zu},\"layers\":[{\"mediaType\":\"%s\",\"digest\":\"%s\","
	    "\"size\":%zu},{\"mediaType\":\"%s\",\"digest\":\"%s\","
	    "\"size\":%zu}]}",
	    cdg, cfg.len, mt_of('n'), ldg0, tars[0].len, mt_of('g'), ldg1,
	    z.len);
	fset_blob(&fs, man.p, man.len, mdg);
	oci_index(&fs, mdg, man.len);
	tmp_path(dir, sizeof(dir), "truncated");
	fset_write_dir(&fs, dir);
	assert_int_equal(image_open(dir, 0, NULL, &img, &err), 0);
	assert_int_equal(walk(img, &s, &err), -EIO);
	assert_true(s.warns >= 1);
	assert_non_null(strstr(s.lastinput, ldg1));
	assert_entry(&s, "f000", "f 1");
	assert_null(entry(&s, "f199"));
	assert_entry(&s, "base", "f 0"); /* the layer below still walked */
	free(s.lines.p);
	image_close(img);
	fset_free(&fs);
	free(cfg.p);
	free(man.p);
	free(z.p);
	free_tars(tars, 2);
}

static void test_decompression_bomb_stopped(void **st)
{
	struct buf tar, z;
	struct fset fs = {0};
	char *big = malloc((8 << 20) + 1);
	struct ent es[2];
	char dir[600], mdg[80];
	size_t msize;
	struct image_open_opts o = {0};
	struct image *img;
	struct bw_error err = {0};
	struct seen s;

	(void)st;
	memset(big, 'A', 8 << 20);
	big[8 << 20] = 0;
	es[0] = (struct ent){'f', "small", "s"};
	es[1] = (struct ent){'f', "zeros", big};
	make_tar(es, 2, 'n', &tar);
	compress(&tar, 'g', &z);
	assert_true(z.len < 100000);
	oci_add_image(&fs, &tar, "g", 1, "amd64", mdg, &msize);
	oci_index(&fs, mdg, msize);
	tmp_path(dir, sizeof(dir), "bomb");
	fset_write_dir(&fs, dir);
	o.limits.max_total_bytes = 1 << 20;
	assert_int_equal(image_open(dir, 0, &o, &img, &err), 0);
	assert_int_equal(walk(img, &s, &err), -EFBIG);
	assert_true(s.warns >= 1);
	assert_non_null(strstr(s.lastwarn, "abandoned"));
	assert_non_null(
	    strstr(s.lastwarn, image_get_info(img)->layers[0].digest));
	assert_entry(&s, "small", "f 0");
	free(s.lines.p);
	image_close(img);
	/* the file-size limit skips just that file */
	o.limits.max_total_bytes = 0;
	o.limits.max_file_size = 1 << 20;
	assert_int_equal(image_open(dir, 0, &o, &img, &err), 0);
	assert_int_equal(walk(img, &s, &err), 0);
	assert_entry(&s, "zeros", "f 0");
	assert_null(content(&s, "zeros"));
	assert_int_equal(s.warns, 1);
	free(s.lines.p);
	image_close(img);
	/* and the entry limit abandons the layer */
	o.limits.max_file_size = 0;
	o.limits.max_entries_per_layer = 1;
	assert_int_equal(image_open(dir, 0, &o, &img, &err), 0);
	assert_int_equal(walk(img, &s, &err), -EFBIG);
	assert_null(entry(&s, "zeros"));
	free(s.lines.p);
	image_close(img);
	fset_free(&fs);
	free(tar.p);
	free(z.p);
	free(big);
}

/* ---- platforms ---------------------------------------------------------- */

static void test_platform_selection_in_nested_index(void **st)
{
	static const struct ent amd[] = {{'f', "arch", "amd64"}};
	static const struct ent arm[] = {{'f', "arch", "arm64"}};
	struct buf ta, tb, nested = {0}, idx = {0};
	struct fset fs = {0};
	char dga[80], dgb[80], ndg[80], dir[600];
	size_t sa, sb;
	struct image_open_opts o = {0};
	struct image *img = NULL;
	struct bw_error err = {0};
	struct seen s;
	const char *layout = "{\"imageLayoutVersion\":\"1.0.0\"}";

	(void)st;
	make_tar(amd, 1, 'n', &ta);
	make_tar(arm, 1, 'n', &tb);
	oci_add_image(&fs, &tb, "g", 1, "arm64", dgb, &sb);
	oci_add_image(&fs, &ta, "z", 1, "amd64", dga, &sa);
	buf_printf(&nested,
		   "{\"schemaVersion\":2,\"mediaType\":\"application/"
		   "vnd.oci.image.index.v1+json\",\"manifests\":["
		   "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+"
		   "json\",\"digest\":\"%s\",\"size\":%zu,\"platform\":{"
		   "\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":"
		   "\"v8\"}},"
		   "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+"
		   "json\",\"digest\":\"%s\",\"size\":%zu,\"platform\":{"
		   "\"os\":\"linux\",\"architecture\":\"amd64\"}}]}",
		   dgb, sb, dga, sa);
	fset_blob(&fs, nested.p, nested.len, ndg);
	buf_printf(&idx,
		   "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
		   "\"application/vnd.oci.image.index.v1+json\",\"digest\":"
		   "\"%s\",\"size\":%zu,\"annotations\":{\"org.opencontainers."
		   "image.ref.name\":\"multi:2\"}}]}",
		   ndg, nested.len);
	fset_add(&fs, "index.json", idx.p, idx.len);
	fset_add(&fs, "oci-layout", layout, strlen(layout));
	tmp_path(dir, sizeof(dir), "multiarch");
	fset_write_dir(&fs, dir);

	assert_int_equal(image_open(dir, 0, NULL, &img, &err), 0);
	assert_string_equal(image_get_info(img)->arch, "amd64");
	assert_string_equal(image_get_info(img)->manifest_digest, dga);
	assert_string_equal(image_get_info(img)->ref, "multi:2");
	assert_int_equal(walk(img, &s, &err), 0);
	assert_string_equal(content(&s, "arch"), "amd64");
	free(s.lines.p);
	image_close(img);

	o.platform = "linux/arm64";
	assert_int_equal(image_open(dir, 0, &o, &img, &err), 0);
	assert_string_equal(image_get_info(img)->arch, "arm64");
	assert_int_equal(walk(img, &s, &err), 0);
	assert_string_equal(content(&s, "arch"), "arm64");
	free(s.lines.p);
	image_close(img);

	o.platform = "linux/arm64/v8";
	assert_int_equal(image_open(dir, 0, &o, &img, &err), 0);
	image_close(img);

	img = NULL;
	o.platform = "linux/s390x";
	assert_int_equal(image_open(dir, 0, &o, &img, &err), -ENOEXEC);
	assert_null(img);
	assert_non_null(strstr(err.msg, "linux/amd64"));
	assert_non_null(strstr(err.msg, "linux/arm64/v8"));

	fset_free(&fs);
	free(ta.p);
	free(tb.p);
	free(nested.p);
	free(idx.p);
}

/* ---- rootfs ------------------------------------------------------------ */

static void test_rootfs_walk_does_not_follow_symlinks(void **st)
{
	char root[600], p[800];
	struct image *img = NULL;
	struct bw_error err = {0};
	struct seen s;

	(void)st;
	tmp_path(root, sizeof(root), "rootfs");
	snprintf(p, sizeof(p), "%s/etc/ssl", root);
	mkdirs(p);
	snprintf(p, sizeof(p), "%s/etc/os-release", root);
	write_file(p, "ID=test", 7);
	snprintf(p, sizeof(p), "%s/etc/ssl/a", root);
	write_file(p, "A", 1);
	snprintf(p, sizeof(p), "%s/loop1", root);
	assert_int_equal(symlink("loop2", p), 0);
	snprintf(p, sizeof(p), "%s/loop2", root);
	assert_int_equal(symlink("loop1", p), 0);
	snprintf(p, sizeof(p), "%s/self", root);
	assert_int_equal(symlink(".", p), 0);
	snprintf(p, sizeof(p), "%s/escape", root);
	assert_int_equal(symlink("/", p), 0);

	assert_int_equal(image_open(root, 0, NULL, &img, &err), -EINVAL);
	assert_int_equal(image_open(root, 1, NULL, &img, &err), 0);
	assert_int_equal(image_get_info(img)->kind, IMAGE_ROOTFS);
	assert_int_equal(walk(img, &s, &err), 0);
	assert_entry(&s, "etc", "d -1");
	assert_entry(&s, "etc/os-release", "f -1");
	assert_string_equal(content(&s, "etc/os-release"), "ID=test");
	assert_string_equal(content(&s, "etc/ssl/a"), "A");
	assert_entry(&s, "loop1", "l -1 -> loop2");
	assert_entry(&s, "self", "l -1 -> .");
	assert_entry(&s, "escape", "l -1 -> /");
	assert_null(entry(&s, "self/etc"));
	assert_null(entry(&s, "escape/etc"));
	free(s.lines.p);
	image_close(img);
}

/* ---- internals ---------------------------------------------------------- */

static void test_normalize(void **st)
{
	char out[64];
	size_t n;

	(void)st;
	assert_int_equal(img_normalize("./a//b/./c/", out, sizeof(out), &n), 0);
	assert_string_equal(out, "a/b/c");
	assert_int_equal(img_normalize("/x/../y", out, sizeof(out), &n), 0);
	assert_string_equal(out, "y");
	assert_int_equal(img_normalize("./", out, sizeof(out), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(img_normalize("a/../../b", out, sizeof(out), &n),
			 -EINVAL);
	assert_int_equal(img_normalize("", out, sizeof(out), &n), -EINVAL);
}

static void test_pathset_is_compact(void **st)
{
	struct pathset s;
	char p[128];
	size_t total = 0;
	const int N = 200000;

	(void)st;
	pset_init(&s);
	for (int i = 0; i < N; i++) {
		int n =
		    snprintf(p, sizeof(p), "usr/share/doc/pkg%d/copyright", i);

		total += (size_t)n;
		assert_non_null(pset_get(&s, p, (size_t)n));
	}
	assert_int_equal(s.n, N);
	assert_non_null(pset_find(&s, "usr/share/doc/pkg777/copyright", 30));
	assert_null(pset_find(&s, "usr/share/doc/pkg777/copyrigh", 29));
	/* overhead beyond the names themselves */
	assert_true((pset_bytes(&s) - total) / N < 100);
	pset_free(&s);
}

static void test_memory_layers(void **st)
{
	static const struct ent top[] = {{'f', ".wh.gone", ""},
					 {'f', "new", "n"}};
	static const struct ent bot[] = {{'f', "gone", "g"}, {'f', "old", "o"}};
	struct buf t, b;
	const void *blobs[2];
	size_t lens[2];
	struct image *img;
	struct seen s;

	(void)st;
	make_tar(bot, 2, 'g', &b);
	make_tar(top, 2, 'z', &t);
	blobs[0] = b.p;
	lens[0] = b.len;
	blobs[1] = t.p;
	lens[1] = t.len;
	assert_int_equal(img_open_mem(blobs, lens, 2, NULL, &img, NULL), 0);
	assert_int_equal(walk(img, &s, NULL), 0);
	assert_absent(&s, "gone");
	assert_entry(&s, "old", "f 0");
	assert_entry(&s, "new", "f 1");
	free(s.lines.p);
	image_close(img);
	free(t.p);
	free(b.p);
}

/* Older versions of replaced files are offered with want_shadowed, but
 * never ones deleted by a whiteout or hidden under an opaque directory. */
static int sh_want(void *ctx, const struct image_file *f)
{
	struct seen *s = ctx;

	buf_printf(&s->lines, "\n%s %d %s", f->path, f->layer,
		   f->shadowed ? "shadowed" : "visible");
	return S_ISREG(f->mode);
}

static void test_shadowed_versions_offered(void **st)
{
	static const struct ent l0[] = {{'f', "db", "v0"},
					{'f', "del", "d0"},
					{'d', "o/", NULL},
					{'f', "o/x", "x0"}};
	static const struct ent l1[] = {{'f', "db", "v1"},
					{'f', ".wh.del", ""},
					{'f', "o/.wh..wh..opq", ""}};
	static const struct ent l2[] = {
	    {'f', "db", "v2"}, {'f', "del", "d2"}, {'f', "o/x", "x2"}};
	struct buf t[3];
	const void *blobs[3];
	size_t lens[3];
	struct image *img;
	struct seen s = {0};
	struct image_visitor v = {.want = sh_want,
				  .warn = v_warn,
				  .ctx = &s,
				  .want_shadowed = 1};
	const char *l;

	(void)st;
	make_tar(l0, 4, 'n', &t[0]);
	make_tar(l1, 3, 'n', &t[1]);
	make_tar(l2, 3, 'n', &t[2]);
	for (int i = 0; i < 3; i++) {
		blobs[i] = t[i].p;
		lens[i] = t[i].len;
	}
	assert_int_equal(img_open_mem(blobs, lens, 3, NULL, &img, NULL), 0);
	assert_int_equal(image_walk(img, &v, NULL), 0);
	l = (const char *)s.lines.p;
	assert_non_null(strstr(l, "\ndb 2 visible"));
	assert_non_null(strstr(l, "\ndb 1 shadowed"));
	assert_non_null(strstr(l, "\ndb 0 shadowed"));
	assert_non_null(strstr(l, "\ndel 2 visible"));
	assert_null(strstr(l, "\ndel 0")); /* deleted in layer 1 */
	assert_non_null(strstr(l, "\no/x 2 visible"));
	assert_null(strstr(l, "\no/x 0")); /* under layer 1's opaque dir */
	free(s.lines.p);
	image_close(img);
	for (int i = 0; i < 3; i++)
		free(t[i].p);
}

static int setup(void **st)
{
	const char *t = getenv("TMPDIR");

	(void)st;
	snprintf(tmproot, sizeof(tmproot), "%s/bw-test-image-XXXXXX",
		 t && *t ? t : "/tmp");
	assert_non_null(mkdtemp(tmproot));
	return 0;
}

static int teardown(void **st)
{
	char cmd[700];

	(void)st;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmproot);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_oci_layout_dir_and_tar_merge_layers),
	    cmocka_unit_test(test_zstd_layers),
	    cmocka_unit_test(test_docker_archives_legacy_and_blobs),
	    cmocka_unit_test(test_docker_legacy_symlinked_layer),
	    cmocka_unit_test(test_gzip_outer_temp_dir_removed),
	    cmocka_unit_test(test_layer_digest_mismatch_refused),
	    cmocka_unit_test(test_config_digest_mismatch_refused),
	    cmocka_unit_test(test_legacy_layer_diff_id_mismatch_refused),
	    cmocka_unit_test(test_large_plain_layer_verified),
	    cmocka_unit_test(test_missing_blob_is_an_error),
	    cmocka_unit_test(test_open_errors),
	    cmocka_unit_test(test_names_links_and_devices),
	    cmocka_unit_test(test_truncated_layer_partial_then_eio),
	    cmocka_unit_test(test_decompression_bomb_stopped),
	    cmocka_unit_test(test_platform_selection_in_nested_index),
	    cmocka_unit_test(test_rootfs_walk_does_not_follow_symlinks),
	    cmocka_unit_test(test_normalize),
	    cmocka_unit_test(test_pathset_is_compact),
	    cmocka_unit_test(test_memory_layers),
	    cmocka_unit_test(test_shadowed_versions_offered),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
