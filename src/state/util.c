/*
 * util.c - small helpers of the state subsystem: an intrusive chained hash
 * map keyed by int64 (threads by tid, fds by number, sockets by inode),
 * bounded file reads, paths under the configured host root and lexical path
 * joining (how open(2) names are made absolute against cwd or a dirfd).
 */
#include "state/state_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- hash map ---------------------------------------------------------- */

static size_t hslot(const struct st_hmap *m, int64_t key)
{
	uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> 17) & (m->nb - 1);
}

int hmap_init(struct st_hmap *m, size_t nb)
{
	size_t n = 8;

	while (n < nb)
		n <<= 1;
	m->b = calloc(n, sizeof(*m->b));
	if (!m->b)
		return -ENOMEM;
	m->nb = n;
	m->n = 0;
	return 0;
}

void hmap_destroy(struct st_hmap *m)
{
	free(m->b);
	m->b = NULL;
	m->nb = m->n = 0;
}

struct st_hnode *hmap_get(const struct st_hmap *m, int64_t key)
{
	if (!m->nb)
		return NULL;
	for (struct st_hnode *n = m->b[hslot(m, key)]; n; n = n->next)
		if (n->key == key)
			return n;
	return NULL;
}

static void hmap_grow(struct st_hmap *m)
{
	size_t nb = m->nb * 2;
	struct st_hnode **b = calloc(nb, sizeof(*b));
	struct st_hmap tmp = {.b = b, .nb = nb};

	if (!b)
		return; /* keep the longer chains: still correct */
	for (size_t i = 0; i < m->nb; i++) {
		struct st_hnode *n = m->b[i], *next;

		for (; n; n = next) {
			size_t s = hslot(&tmp, n->key);

			next = n->next;
			n->next = b[s];
			b[s] = n;
		}
	}
	free(m->b);
	m->b = b;
	m->nb = nb;
}

void hmap_put(struct st_hmap *m, struct st_hnode *n)
{
	size_t s;

	if (m->n >= m->nb * 2 && m->nb < (1u << 20))
		hmap_grow(m);
	s = hslot(m, n->key);
	n->next = m->b[s];
	m->b[s] = n;
	m->n++;
}

struct st_hnode *hmap_del(struct st_hmap *m, int64_t key)
{
	struct st_hnode **pp;

	if (!m->nb)
		return NULL;
	for (pp = &m->b[hslot(m, key)]; *pp; pp = &(*pp)->next) {
		struct st_hnode *n = *pp;

		if (n->key == key) {
			*pp = n->next;
			n->next = NULL;
			m->n--;
			return n;
		}
	}
	return NULL;
}

struct st_hnode *hmap_next(const struct st_hmap *m, size_t *pos,
			   struct st_hnode **cursor)
{
	/* *cursor holds the node after the one returned last, so that the
	 * caller may unlink what it got. */
	if (*cursor) {
		struct st_hnode *n = *cursor;

		*cursor = n->next;
		return n;
	}
	while (*pos < m->nb) {
		struct st_hnode *n = m->b[(*pos)++];

		if (n) {
			*cursor = n->next;
			return n;
		}
	}
	return NULL;
}

/* ---- paths and files --------------------------------------------------- */

static void copy_trimmed(char *dst, size_t len, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	while (n > 0 && src[n - 1] == '/')
		n--;
	if (n >= len)
		n = 0; /* refuse a root we cannot hold: fall back to "/" */
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

void st_env_init(struct st_env *env, const char *root, const char *runc_root)
{
	copy_trimmed(env->root, sizeof(env->root), root);
	copy_trimmed(env->runc_root, sizeof(env->runc_root),
		     runc_root && *runc_root ? runc_root : "/run/runc");
	if (!env->runc_root[0])
		snprintf(env->runc_root, sizeof(env->runc_root), "/run/runc");
}

int st_path(const struct st_env *env, char *buf, size_t len, const char *fmt,
	    ...)
{
	va_list ap;
	int n = snprintf(buf, len, "%s", env->root);
	int m;

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	m = vsnprintf(buf + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= len - (size_t)n)
		return -ENAMETOOLONG;
	return 0;
}

static ssize_t read_fd_bounded(int fd, char *buf, size_t max)
{
	size_t got = 0;

	while (got < max) {
		ssize_t r = read(fd, buf + got, max - got);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

ssize_t st_read_file(const char *path, char *buf, size_t max)
{
	int fd;
	ssize_t r;

	if (max == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	r = read_fd_bounded(fd, buf, max - 1);
	close(fd);
	if (r < 0)
		return r;
	buf[r] = '\0';
	return r;
}

static ssize_t read_alloc_fd(int fd, size_t max, char **ret)
{
	char *buf = malloc(max + 1);
	ssize_t r;

	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	r = read_fd_bounded(fd, buf, max);
	close(fd);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[r] = '\0';
	*ret = buf;
	return r;
}

ssize_t st_read_file_alloc(const char *path, size_t max, char **ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	return read_alloc_fd(fd, max, ret);
}

ssize_t st_read_in_root(const struct st_env *env, const char *path, size_t max,
			char **ret)
{
	struct open_how how = {
	    .flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int rootfd, fd;

	if (!st_path_is_clean(path))
		return -EINVAL;
	rootfd = open(env->root[0] ? env->root : "/",
		      O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -errno;
	fd = (int)syscall(SYS_openat2, rootfd, path + 1, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {
		/* Old kernel: refuse symlinks in the last component at least;
		 * the path itself was checked for "..". */
		fd = openat(rootfd, path + 1,
			    O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	}
	if (fd < 0) {
		int e = -errno;

		close(rootfd);
		return e;
	}
	close(rootfd);
	return read_alloc_fd(fd, max, ret);
}

ssize_t st_readlink(const char *path, char *buf, size_t len)
{
	ssize_t r = readlink(path, buf, len - 1);

	if (r < 0)
		return -errno;
	buf[r] = '\0';
	return r;
}

bool st_path_is_clean(const char *p)
{
	const char *c;

	if (!p || p[0] != '/')
		return false;
	for (c = p; *c; c++)
		if ((unsigned char)*c < 0x20)
			return false;
	for (c = p; *c;) {
		const char *e;
		size_t n;

		while (*c == '/')
			c++;
		e = strchr(c, '/');
		n = e ? (size_t)(e - c) : strlen(c);
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return false;
		c += n;
	}
	return (size_t)(c - p) < STATE_MAX_PATH;
}

int st_path_join(const char *base, const char *rel, size_t rel_len, char *buf,
		 size_t len)
{
	size_t o = 0, i = 0;

	if (len < 2)
		return -ENAMETOOLONG;
	buf[o++] = '/';
	/* Two passes over (base, rel): components appended, "." skipped, ".."
	 * pops the last one. */
	for (int pass = 0; pass < 2; pass++) {
		const char *s = pass ? rel : base;
		size_t n = pass ? rel_len : (base ? strlen(base) : 0);

		if (pass == 0 && rel_len && rel[0] == '/')
			continue; /* absolute rel ignores base */
		for (i = 0; i < n;) {
			size_t st, cl;

			while (i < n && s[i] == '/')
				i++;
			st = i;
			while (i < n && s[i] != '/')
				i++;
			cl = i - st;
			if (cl == 0 || (cl == 1 && s[st] == '.'))
				continue;
			if (cl == 2 && s[st] == '.' && s[st + 1] == '.') {
				while (o > 1 && buf[o - 1] != '/')
					o--;
				if (o > 1)
					o--; /* the '/' before it */
				continue;
			}
			if (o > 1) {
				if (o + 1 >= len)
					return -ENAMETOOLONG;
				buf[o++] = '/';
			}
			if (o + cl >= len)
				return -ENAMETOOLONG;
			memcpy(buf + o, s + st, cl);
			o += cl;
		}
	}
	buf[o] = '\0';
	return 0;
}

char *st_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d)
		return NULL;
	if (n)
		memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

int st_set_str(char **dst, const char *s, size_t n)
{
	char *d = NULL;

	if (s) {
		d = st_strndup(s, n);
		if (!d)
			return -ENOMEM;
	}
	free(*dst);
	*dst = d;
	return 0;
}
