/*
 * rootfs.c - walking a plain root filesystem directory as an image.
 *
 * Every directory is opened with openat(parent, name, O_NOFOLLOW |
 * O_DIRECTORY) relative to the already-open parent, and every entry is
 * examined with fstatat(AT_SYMLINK_NOFOLLOW), so the walk can never leave
 * the root through a symlink: symlinks are reported (with their target) and
 * never followed, which also makes symlink loops harmless.  Regular files
 * are opened with O_NOFOLLOW and checked to be the inode that was listed.
 * The walk does not descend into other file systems (like find -xdev), and
 * stops at IMAGE_MAX_DEPTH levels.
 */
#include "image/image_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct rwalk {
	struct image *img;
	const struct image_visitor *v;
	dev_t dev;
	uint64_t entries;
	int partial;
	bool stop;
	char path[IMAGE_MAX_NAME];
	char target[IMAGE_MAX_NAME];
};

static void rwarn(struct rwalk *w, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void rwarn(struct rwalk *w, int code, const char *fmt, ...)
{
	struct bw_error e = {0};
	va_list ap;

	if (!w->v->warn)
		return;
	e.code = code;
	snprintf(e.input, sizeof(e.input), "%s", w->img->path);
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	w->v->warn(w->v->ctx, &e);
}

static void problem(struct rwalk *w, int code)
{
	if (!w->partial)
		w->partial = code;
}

static void give_content(struct rwalk *w, int dfd, const char *name,
			 const struct stat *st, const struct image_file *f)
{
	struct image_reader r = {.kind = IMG_READ_FD,
				 .limit = w->img->limits.max_file_size};
	struct stat st2;
	int rc;

	if ((uint64_t)st->st_size > w->img->limits.max_file_size) {
		rwarn(w, -EFBIG, "%s: %llu bytes, over the %llu-byte limit",
		      f->path, (unsigned long long)st->st_size,
		      (unsigned long long)w->img->limits.max_file_size);
		return;
	}
	r.fd =
	    openat(dfd, name,
		   O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (r.fd < 0) {
		rwarn(w, -errno, "%s: %s", f->path, strerror(errno));
		problem(w, -EIO);
		return;
	}
	if (fstat(r.fd, &st2) || !S_ISREG(st2.st_mode) ||
	    st2.st_ino != st->st_ino || st2.st_dev != st->st_dev) {
		rwarn(w, -EAGAIN, "%s: changed while being read", f->path);
		close(r.fd);
		return;
	}
	rc = w->v->file(w->v->ctx, f, &r);
	if (rc < 0)
		rwarn(w, rc, "%s: %s", f->path, strerror(-rc));
	close(r.fd);
}

/* Walks the open directory dfd (taken over) whose path is w->path[0..plen). */
static void walk_dir(struct rwalk *w, int dfd, size_t plen, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		close(dfd);
		problem(w, -EIO);
		return;
	}
	while (!w->stop && (errno = 0, de = readdir(d))) {
		const char *name = de->d_name;
		size_t nlen = strlen(name), len;
		struct image_file f = {0};
		struct stat st;

		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		if (plen + 1 + nlen + 1 > sizeof(w->path)) {
			rwarn(w, -ENAMETOOLONG, "%.*s/%s: path too long",
			      (int)plen, w->path, name);
			continue;
		}
		len = plen;
		if (plen)
			w->path[len++] = '/';
		memcpy(w->path + len, name, nlen + 1);
		len += nlen;
		if (++w->entries > w->img->limits.max_entries_per_layer) {
			rwarn(w, -EFBIG, "more than %llu entries, walk stopped",
			      (unsigned long long)
				  w->img->limits.max_entries_per_layer);
			problem(w, -EFBIG);
			w->stop = true;
			break;
		}
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW)) {
			rwarn(w, -errno, "%s: %s", w->path, strerror(errno));
			problem(w, -EIO);
			continue;
		}
		f.path = w->path;
		f.mode = st.st_mode;
		f.size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
		f.layer = -1;
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlinkat(dirfd(d), name, w->target,
					       sizeof(w->target) - 1);

			w->target[n > 0 ? n : 0] = '\0';
			f.link_target = w->target;
		}
		if (w->v->want && w->v->want(w->v->ctx, &f) == 1 &&
		    S_ISREG(st.st_mode) && w->v->file)
			give_content(w, dirfd(d), name, &st, &f);
		if (S_ISDIR(st.st_mode) && st.st_dev == w->dev) {
			int sub;

			if (depth + 1 >= IMAGE_MAX_DEPTH) {
				rwarn(w, -ELOOP,
				      "%s: deeper than %d levels, "
				      "not walked",
				      w->path, IMAGE_MAX_DEPTH);
				continue;
			}
			sub = openat(dirfd(d), name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					 O_CLOEXEC);
			if (sub < 0) {
				rwarn(w, -errno, "%s: %s", w->path,
				      strerror(errno));
				problem(w, -EIO);
				continue;
			}
			walk_dir(w, sub, len, depth + 1);
		}
	}
	if (errno && !w->stop) {
		rwarn(w, -errno, "%.*s: %s", (int)plen, w->path,
		      strerror(errno));
		problem(w, -EIO);
	}
	closedir(d);
	w->path[plen] = '\0';
}

int img_rootfs_walk(struct image *img, const struct image_visitor *v,
		    struct bw_error *err)
{
	struct rwalk *w = calloc(1, sizeof(*w));
	struct stat st;
	int fd, rc;

	if (!w)
		return -ENOMEM;
	w->img = img;
	w->v = v;
	fd = openat(img->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		rc = bw_errorf(err, -errno, img->path, 0, 0, "%s",
			       strerror(errno));
		if (fd >= 0)
			close(fd);
		free(w);
		return rc;
	}
	w->dev = st.st_dev;
	walk_dir(w, fd, 0, 0);
	rc = w->partial;
	free(w);
	if (rc)
		return bw_errorf(err, rc, img->path, 0, 0,
				 "root filesystem read only partially "
				 "(see warnings)");
	return 0;
}
