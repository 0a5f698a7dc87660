/*
 * root.c - reading files under the benchmark root without leaving it, and
 * the small flat key/value set the kubelet and unit parsers fill.
 *
 * hb_root_open walks a path one component at a time from the root fd with
 * O_PATH|O_NOFOLLOW opens.  A component that is a symlink is read with
 * readlinkat and its target spliced in front of the rest of the path; an
 * absolute target restarts at the root and ".." at the root stays there
 * (chroot semantics).  A stack of directory fds makes ".." go back to the
 * directory we came from rather than asking the kernel (whose ".." could
 * climb out of the root).  The final component is re-opened with the
 * caller's flags and O_NOFOLLOW, and must be the same inode.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostbench/hostbench.h"

struct walk {
	int stack[HB_MAX_DEPTH]; /* stack[0] is a dup of the root */
	int depth;		 /* number of fds on the stack */
};

static void walk_close(struct walk *w)
{
	for (int i = 0; i < w->depth; i++)
		close(w->stack[i]);
	w->depth = 0;
}

static void walk_to_root(struct walk *w)
{
	while (w->depth > 1)
		close(w->stack[--w->depth]);
}

/*
 * rest holds the path still to walk (NUL-terminated, at most PATH_MAX);
 * pos is where the next component starts.  A symlink's target replaces the
 * component in rest, so the loop walks it like any other path.
 */
int hb_root_open(int rootfd, const char *path, int flags, int *ret_fd)
{
	struct walk w = {.depth = 0};
	char rest[PATH_MAX], comp[NAME_MAX + 1], link[PATH_MAX];
	size_t pos = 0, rlen;
	int links = 0, rc = 0;

	if (!path || strlen(path) >= sizeof(rest))
		return -ENAMETOOLONG;
	memcpy(rest, path, strlen(path) + 1);
	rlen = strlen(rest);
	w.stack[0] = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
	if (w.stack[0] < 0)
		return -errno;
	w.depth = 1;

	for (;;) {
		size_t start, clen;
		int fd;
		struct stat st;
		bool last;

		while (pos < rlen && rest[pos] == '/')
			pos++;
		if (pos >= rlen) {
			/* The path names a directory we are standing in. */
			int cur = w.stack[w.depth - 1];
			fd = openat(cur, ".", flags | O_CLOEXEC);
			if (fd < 0) {
				rc = -errno;
				goto out;
			}
			*ret_fd = fd;
			goto out;
		}
		start = pos;
		while (pos < rlen && rest[pos] != '/')
			pos++;
		clen = pos - start;
		if (clen > NAME_MAX) {
			rc = -ENAMETOOLONG;
			goto out;
		}
		memcpy(comp, rest + start, clen);
		comp[clen] = '\0';
		{
			size_t p = pos;
			while (p < rlen && rest[p] == '/')
				p++;
			last = p >= rlen;
		}
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			if (w.depth > 1)
				close(w.stack[--w.depth]);
			continue;
		}
		fd = openat(w.stack[w.depth - 1], comp,
			    O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			rc = -errno;
			goto out;
		}
		if (fstat(fd, &st)) {
			rc = -errno;
			close(fd);
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlinkat(fd, "", link, sizeof(link));
			size_t tail = rlen - pos;
			close(fd);
			if (n < 0) {
				rc = -errno;
				goto out;
			}
			if (++links > HB_MAX_LINKS) {
				rc = -ELOOP;
				goto out;
			}
			if ((size_t)n + 1 + tail >= sizeof(rest)) {
				rc = -ENAMETOOLONG;
				goto out;
			}
			/* rest = target + remaining tail */
			memmove(rest + n + 1, rest + pos, tail);
			memcpy(rest, link, (size_t)n);
			rest[n] = '/';
			rlen = (size_t)n + 1 + tail;
			rest[rlen] = '\0';
			if (last) /* no trailing slash on the final target */
				rest[--rlen] = '\0';
			pos = 0;
			if (link[0] == '/')
				walk_to_root(&w);
			continue;
		}
		if (last) {
			int ffd;
			struct stat st2;

			if ((flags & O_PATH) && !(flags & O_DIRECTORY)) {
				*ret_fd = fd;
				goto out;
			}
			ffd = openat(w.stack[w.depth - 1], comp,
				     flags | O_NOFOLLOW | O_CLOEXEC);
			if (ffd < 0) {
				rc = -errno;
				close(fd);
				goto out;
			}
			if (fstat(ffd, &st2) || st2.st_ino != st.st_ino ||
			    st2.st_dev != st.st_dev) {
				close(ffd);
				close(fd);
				rc = -EAGAIN; /* raced with a rename */
				goto out;
			}
			close(fd);
			*ret_fd = ffd;
			goto out;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			rc = -ENOTDIR;
			goto out;
		}
		if (w.depth >= HB_MAX_DEPTH) {
			close(fd);
			rc = -ENAMETOOLONG;
			goto out;
		}
		w.stack[w.depth++] = fd;
	}
out:
	walk_close(&w);
	return rc;
}

int hb_stat(int rootfd, const char *path, struct stat *ret_st)
{
	struct stat st;
	int fd, rc = hb_root_open(rootfd, path, O_PATH, &fd);

	if (rc)
		return rc;
	rc = fstat(fd, &st) ? -errno : 0;
	close(fd);
	if (!rc)
		*ret_st = st;
	return rc;
}

int hb_read_file(int rootfd, const char *path, size_t max, char **ret_buf,
		 size_t *ret_len)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd, rc = hb_root_open(rootfd, path, O_RDONLY | O_NONBLOCK, &fd);

	if (rc)
		return rc;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			char *nb;

			if (ncap > max + 1)
				ncap = max + 1;
			if (len + 1 >= ncap) {
				rc = -EFBIG;
				break;
			}
			nb = realloc(buf, ncap);
			if (!nb) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (rc) {
		free(buf);
		return rc;
	}
	if (!buf) {
		buf = malloc(1);
		if (!buf)
			return -ENOMEM;
	}
	buf[len] = '\0';
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

/* ---- flat key/value set --------------------------------------------- */

void hb_kvset_clear(struct hb_kvset *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->kv[i].key);
		free(s->kv[i].value);
	}
	free(s->kv);
	s->kv = NULL;
	s->n = 0;
}

const char *hb_kvset_get(const struct hb_kvset *s, const char *key)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (!strcmp(s->kv[i].key, key))
			return s->kv[i].value;
	return NULL;
}

/* Later values of a key replace earlier ones (the last flag wins). */
int hb_kvset_put(struct hb_kvset *s, const char *key, size_t klen,
		 const char *value, size_t vlen)
{
	char *k, *v;
	struct hb_kv *nkv;

	if (klen > HB_MAX_VALUE || vlen > HB_MAX_VALUE)
		return -E2BIG;
	v = strndup(value, vlen);
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		if (strlen(s->kv[i].key) == klen &&
		    !memcmp(s->kv[i].key, key, klen)) {
			free(s->kv[i].value);
			s->kv[i].value = v;
			return 0;
		}
	}
	if (s->n >= HB_MAX_KV) {
		free(v);
		return -E2BIG;
	}
	k = strndup(key, klen);
	nkv = realloc(s->kv, (s->n + 1) * sizeof(*nkv));
	if (!k || !nkv) {
		free(k);
		free(v);
		if (nkv)
			s->kv = nkv;
		return -ENOMEM;
	}
	s->kv = nkv;
	s->kv[s->n].key = k;
	s->kv[s->n].value = v;
	s->n++;
	return 0;
}

void hb_set(struct hb_outcome *out, enum hb_result r, const char *expected,
	    const char *fmt, ...)
{
	va_list ap;

	out->result = r;
	snprintf(out->expected, sizeof(out->expected), "%s",
		 expected ? expected : "");
	va_start(ap, fmt);
	vsnprintf(out->actual, sizeof(out->actual), fmt, ap);
	va_end(ap);
}
