/*
 * fd_table.c - per-process file descriptor tables.
 *
 * A table maps fd numbers to struct bw_fdinfo entries.  Threads of one
 * process (and processes cloned with CLONE_FILES) share a table, so tables
 * are refcounted: each bw_proc holds one reference, and the table dies with
 * the last one.  fork() without CLONE_FILES deep-copies.  Each table holds at
 * most STATE_MAX_FDS_PER_PROC entries; the state-wide count of entries lives
 * in the state (t->total) for statistics.
 */
#include "state/state_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct st_fd {
	struct st_hnode h; /* key: fd number */
	struct bw_fdinfo fi;
};

struct bw_fdtable *fdt_new(uint64_t *total)
{
	struct bw_fdtable *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (hmap_init(&t->map, 16)) {
		free(t);
		return NULL;
	}
	t->refs = 1;
	t->total = total;
	return t;
}

struct bw_fdtable *fdt_ref(struct bw_fdtable *t)
{
	if (t)
		t->refs++;
	return t;
}

void fdinfo_clear(struct bw_fdinfo *fi)
{
	int64_t fd = fi->fd;

	free(fi->name);
	free(fi->name_raw);
	memset(fi, 0, sizeof(*fi));
	fi->fd = fd;
}

static void fd_free(struct bw_fdtable *t, struct st_fd *f)
{
	fdinfo_clear(&f->fi);
	free(f);
	if (t->total && *t->total)
		(*t->total)--;
}

void fdt_unref(struct bw_fdtable *t)
{
	size_t pos = 0;
	struct st_hnode *cur = NULL, *n;

	if (!t || --t->refs)
		return;
	while ((n = hmap_next(&t->map, &pos, &cur)))
		fd_free(t, (struct st_fd *)n);
	hmap_destroy(&t->map);
	free(t);
}

struct bw_fdinfo *fdt_get(const struct bw_fdtable *t, int64_t fd)
{
	struct st_hnode *n;

	if (!t)
		return NULL;
	n = hmap_get(&t->map, fd);
	return n ? &((struct st_fd *)n)->fi : NULL;
}

struct bw_fdinfo *fdt_add(struct bw_fdtable *t, int64_t fd)
{
	struct bw_fdinfo *old = fdt_get(t, fd);
	struct st_fd *f;

	if (!t)
		return NULL;
	if (old) {
		fdinfo_clear(old);
		return old;
	}
	if (t->map.n >= STATE_MAX_FDS_PER_PROC)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->h.key = fd;
	f->fi.fd = fd;
	hmap_put(&t->map, &f->h);
	if (t->total)
		(*t->total)++;
	return &f->fi;
}

int fdt_del(struct bw_fdtable *t, int64_t fd)
{
	struct st_hnode *n = t ? hmap_del(&t->map, fd) : NULL;

	if (!n)
		return -ENOENT;
	fd_free(t, (struct st_fd *)n);
	return 0;
}

uint32_t fdt_count(const struct bw_fdtable *t)
{
	return t ? (uint32_t)t->map.n : 0;
}

void fdt_close_cloexec(struct bw_fdtable *t)
{
	size_t pos = 0;
	struct st_hnode *cur = NULL, *n;

	if (!t)
		return;
	while ((n = hmap_next(&t->map, &pos, &cur))) {
		struct st_fd *f = (struct st_fd *)n;

		if (f->fi.open_flags & O_CLOEXEC) {
			hmap_del(&t->map, f->h.key);
			fd_free(t, f);
		}
	}
}

static void fix_tuple_paths(struct bw_fdinfo *fi)
{
	/* Unix paths of the tuple point into the entry's own storage. */
	if (fi->tuple.src.path)
		fi->tuple.src.path = fi->tuple_path;
	if (fi->tuple.dst.path)
		fi->tuple.dst.path = fi->tuple_path;
}

int fdinfo_copy(struct bw_fdinfo *dst, const struct bw_fdinfo *src)
{
	int64_t fd = dst->fd;
	char *name = NULL, *raw = NULL;

	if (src->name && !(name = st_strndup(src->name, strlen(src->name))))
		return -ENOMEM;
	if (src->name_raw &&
	    !(raw = st_strndup(src->name_raw, strlen(src->name_raw)))) {
		free(name);
		return -ENOMEM;
	}
	fdinfo_clear(dst);
	*dst = *src;
	dst->fd = fd;
	dst->name = name;
	dst->name_raw = raw;
	fix_tuple_paths(dst);
	return 0;
}

struct bw_fdtable *fdt_copy(const struct bw_fdtable *t)
{
	struct bw_fdtable *c = fdt_new(t ? t->total : NULL);
	size_t pos = 0;
	struct st_hnode *cur = NULL, *n;

	if (!c || !t)
		return c;
	while ((n = hmap_next(&t->map, &pos, &cur))) {
		const struct st_fd *f = (const struct st_fd *)n;
		struct bw_fdinfo *d = fdt_add(c, f->fi.fd);

		if (!d || fdinfo_copy(d, &f->fi)) {
			fdt_unref(c);
			return NULL;
		}
	}
	return c;
}

size_t st_sockaddr_render(const struct bw_sockaddr *sa, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "";
	int n;

	if (!len)
		return 0;
	buf[0] = '\0';
	if (sa->family == AF_INET || sa->family == AF_INET6) {
		if (!inet_ntop(sa->family, sa->addr, ip, sizeof(ip)))
			ip[0] = '\0';
		n = snprintf(buf, len, "%s:%u", ip, sa->port);
	} else if (sa->family == AF_UNIX && sa->path) {
		size_t pl = sa->path_len;

		/* Abstract sockets start with a NUL: shown with '@'. */
		if (pl && sa->path[0] == '\0')
			n = snprintf(buf, len, "@%.*s", (int)(pl - 1),
				     sa->path + 1);
		else
			n = snprintf(buf, len, "%.*s", (int)pl, sa->path);
	} else {
		return 0;
	}
	if (n < 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

int fdinfo_set_tuple(struct bw_fdinfo *fi, const struct bw_tuple *t)
{
	char a[160], b[160], name[400];

	fi->tuple = *t;
	fi->tuple.src.path = fi->tuple.dst.path = NULL;
	fi->tuple.src.path_len = fi->tuple.dst.path_len = 0;
	if (t->src.family == AF_UNIX || t->dst.family == AF_UNIX) {
		const struct bw_sockaddr *s =
		    t->dst.path && t->dst.path_len ? &t->dst : &t->src;
		uint32_t pl = s->path && s->path_len ? s->path_len : 0;

		if (pl > sizeof(fi->tuple_path))
			pl = sizeof(fi->tuple_path);
		if (pl)
			memcpy(fi->tuple_path, s->path, pl);
		if (s == &t->dst) {
			fi->tuple.dst.path = fi->tuple_path;
			fi->tuple.dst.path_len = pl;
		} else {
			fi->tuple.src.path = fi->tuple_path;
			fi->tuple.src.path_len = pl;
		}
		st_sockaddr_render(s == &t->dst ? &fi->tuple.dst
						: &fi->tuple.src,
				   name, sizeof(name));
		return st_set_str(&fi->name, name, strlen(name));
	}
	st_sockaddr_render(&t->src, a, sizeof(a));
	st_sockaddr_render(&t->dst, b, sizeof(b));
	snprintf(name, sizeof(name), "%s->%s", a, b);
	return st_set_str(&fi->name, name, strlen(name));
}
