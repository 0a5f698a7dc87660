/*
 * load.c - manifests into a struct k8s_set: files, stdin ("-") and
 * directories walked recursively, each read whole (at most
 * K8S_MAX_FILE_BYTES) and parsed by yaml.c.  A document becomes an object
 * when it is a mapping with string kind and apiVersion; List kinds
 * contribute their items instead.  Everything else is reported through the
 * warn callback with the file, document index and line, and skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "k8s/k8s_int.h"

#define K8S_MAX_DIR_DEPTH 64

struct load_ctx {
	struct k8s_set *set;
	const char *label;
	k8s_warn_fn warn;
	void *wctx;
};

static void warn_doc(struct load_ctx *c, int doc, int line, const char *what,
		     int item)
{
	struct bw_error e;

	if (!c->warn)
		return;
	bw_error_clear(&e);
	if (item >= 0)
		bw_errorf(&e, -EINVAL, c->label, line, 0,
			  "document %d: item %d: %s", doc, item, what);
	else
		bw_errorf(&e, -EINVAL, c->label, line, 0, "document %d: %s",
			  doc, what);
	c->warn(c->wctx, &e);
}

/* NULL when obj is a usable object, else why not. */
static const char *object_problem(json_t *obj)
{
	if (!json_is_object(obj))
		return "not a mapping (a Kubernetes object is a mapping with "
		       "apiVersion and kind)";
	if (!json_is_string(json_object_get(obj, "kind")))
		return "kind is missing or not a string";
	if (!json_is_string(json_object_get(obj, "apiVersion")))
		return "apiVersion is missing or not a string";
	return NULL;
}

static int is_list_kind(json_t *obj)
{
	const char *k = json_string_value(json_object_get(obj, "kind"));
	size_t n = k ? strlen(k) : 0;

	return n >= 4 && !strcmp(k + n - 4, "List") &&
	       json_is_array(json_object_get(obj, "items"));
}

static int on_doc(void *ctx, json_t *doc, int index, int line)
{
	struct load_ctx *c = ctx;
	const char *why;

	if (!doc || json_is_null(doc))
		return 0; /* empty document (e.g. Helm's "---" separators) */
	if (json_is_object(doc) && is_list_kind(doc)) {
		json_t *items = json_object_get(doc, "items"), *it;
		size_t i;

		json_array_foreach(items, i, it)
		{
			int rc;

			if ((why = object_problem(it))) {
				warn_doc(c, index, line, why, (int)i);
				continue;
			}
			rc = k8s_set_add(c->set, it, c->label, index, (int)i,
					 line);
			if (rc)
				return rc;
		}
		return 0;
	}
	if ((why = object_problem(doc))) {
		warn_doc(c, index, line, why, -1);
		return 0;
	}
	return k8s_set_add(c->set, doc, c->label, index, -1, line);
}

int k8s_load_buffer(struct k8s_set *set, const char *buf, size_t len,
		    const char *label, k8s_warn_fn warn, void *ctx,
		    struct bw_error *err)
{
	struct load_ctx c = {set, label ? label : "", warn, ctx};
	int rc;

	if (!set)
		return bw_errorf(err, -EINVAL, label, 0, 0, "no object set");
	if (len > K8S_MAX_FILE_BYTES)
		return bw_errorf(err, -EFBIG, label, 0, 0,
				 "input larger than %u bytes",
				 (unsigned)K8S_MAX_FILE_BYTES);
	rc = k8s_yaml_parse(buf, len, c.label, on_doc, &c, warn, ctx, err);
	if (rc == -E2BIG && (!err || !err->code))
		return bw_errorf(err, rc, label, 0, 0,
				 "more than %d objects", K8S_MAX_OBJECTS);
	if (rc == -ENOMEM && (!err || !err->code))
		return bw_errorf(err, rc, label, 0, 0, "out of memory");
	return rc;
}

/* Reads a whole descriptor, at most K8S_MAX_FILE_BYTES. */
static int read_all(int fd, const char *label, char **ret, size_t *ret_len,
		    struct bw_error *err)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return bw_errorf(err, -ENOMEM, label, 0, 0, "out of memory");
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap > K8S_MAX_FILE_BYTES) {
				free(buf);
				return bw_errorf(err, -EFBIG, label, 0, 0,
						 "larger than %u bytes",
						 (unsigned)K8S_MAX_FILE_BYTES);
			}
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return bw_errorf(err, -ENOMEM, label, 0, 0,
						 "out of memory");
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;

			free(buf);
			return bw_errorf(err, e, label, 0, 0, "read: %s",
					 strerror(-e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > K8S_MAX_FILE_BYTES) {
		free(buf);
		return bw_errorf(err, -EFBIG, label, 0, 0,
				 "larger than %u bytes",
				 (unsigned)K8S_MAX_FILE_BYTES);
	}
	*ret = buf;
	*ret_len = n;
	return 0;
}

static int load_fd(struct k8s_set *set, int fd, const char *label,
		   k8s_warn_fn warn, void *ctx, struct bw_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = read_all(fd, label, &buf, &len, err);

	if (rc)
		return rc;
	rc = k8s_load_buffer(set, buf, len, label, warn, ctx, err);
	free(buf);
	return rc;
}

static int load_file(struct k8s_set *set, const char *path, k8s_warn_fn warn,
		     void *ctx, struct bw_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), rc;

	if (fd < 0) {
		rc = -errno;
		return bw_errorf(err, rc, path, 0, 0, "cannot open: %s",
				 strerror(-rc));
	}
	rc = load_fd(set, fd, path, warn, ctx, err);
	close(fd);
	return rc;
}

static int has_manifest_ext(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && !strcmp(name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(name + n - 4, ".yml")) ||
	       (n > 5 && !strcmp(name + n - 5, ".json"));
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void warn_err(k8s_warn_fn warn, void *ctx, const struct bw_error *e)
{
	if (warn)
		warn(ctx, e);
}

static int load_dir(struct k8s_set *set, const char *path, int depth,
		    k8s_warn_fn warn, void *ctx, struct bw_error *err)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (depth > K8S_MAX_DIR_DEPTH)
		return bw_errorf(err, -ELOOP, path, 0, 0,
				 "directories nested deeper than %d",
				 K8S_MAX_DIR_DEPTH);
	d = opendir(path);
	if (!d) {
		rc = -errno;
		return bw_errorf(err, rc, path, 0, 0, "cannot open: %s",
				 strerror(-rc));
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* hidden entries, "." and ".." */
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			char **nn = realloc(names, ncap * sizeof(*nn));

			if (!nn) {
				rc = -ENOMEM;
				break;
			}
			names = nn;
			cap = ncap;
		}
		if (!(names[n] = strdup(de->d_name))) {
			rc = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (!rc && n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n && !rc; i++) {
		size_t plen = strlen(path);
		char *full = malloc(plen + strlen(names[i]) + 2);
		struct stat lst, st;
		struct bw_error sub;

		if (!full) {
			rc = -ENOMEM;
			break;
		}
		snprintf(full, plen + strlen(names[i]) + 2, "%s%s%s", path,
			 plen && path[plen - 1] == '/' ? "" : "/", names[i]);
		bw_error_clear(&sub);
		if (lstat(full, &lst) || stat(full, &st)) {
			free(full);
			continue; /* vanished or dangling symlink */
		}
		if (S_ISDIR(st.st_mode)) {
			if (!S_ISLNK(lst.st_mode))
				rc = load_dir(set, full, depth + 1, warn, ctx,
					      &sub);
		} else if (S_ISREG(st.st_mode) && has_manifest_ext(names[i])) {
			rc = load_file(set, full, warn, ctx, &sub);
		}
		/* An unreadable file in a tree is a warning; running out of
		 * memory or of room in the set stops the walk. */
		if (rc && rc != -ENOMEM && rc != -E2BIG) {
			warn_err(warn, ctx, &sub);
			rc = 0;
		} else if (rc && err) {
			*err = sub;
		}
		free(full);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc == -ENOMEM && err && !err->code)
		bw_errorf(err, rc, path, 0, 0, "out of memory");
	return rc;
}

int k8s_load_path(struct k8s_set *set, const char *path, k8s_warn_fn warn,
		  void *ctx, struct bw_error *err)
{
	struct stat st;
	int rc;

	if (!set || !path)
		return bw_errorf(err, -EINVAL, path, 0, 0, "no path");
	if (!strcmp(path, "-"))
		return load_fd(set, STDIN_FILENO, "-", warn, ctx, err);
	if (stat(path, &st)) {
		rc = -errno;
		return bw_errorf(err, rc, path, 0, 0, "cannot read: %s",
				 strerror(-rc));
	}
	if (S_ISDIR(st.st_mode))
		return load_dir(set, path, 0, warn, ctx, err);
	return load_file(set, path, warn, ctx, err);
}
