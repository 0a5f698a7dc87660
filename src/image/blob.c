/*
 * blob.c - where an image's blobs live and how they are read.
 *
 * A plain outer tar (docker save, a tar of an OCI layout) is indexed in one
 * pass over its 512-byte headers (ustar, pax 'x' path/size records, GNU 'L'
 * long names) and each member is later read by offset range straight from
 * the file -- nothing is copied.  A compressed outer tar is not seekable, so
 * its regular members are copied once into the private temp dir (mkdtemp,
 * 0700, removed by image_close) and then read the same way.  An OCI layout
 * directory's blobs are files under it.  Small blobs (manifests, indexes,
 * configs) are read whole and checked against their digest and size here;
 * layers are hashed while streaming in walk.c.
 */
#include "image/image_int.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool img_is_hex64(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static void hex_of(const unsigned char *md, char out[65])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[64] = '\0';
}

void img_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	hex_of(md, out);
}

/* ---- plain tar indexing ---------------------------------------------- */

bool img_tar_header_ok(const unsigned char *h)
{
	unsigned long want = 0, sum = 0;
	int i;

	for (i = 148; i < 156 && (h[i] == ' ' || h[i] == '\0'); i++)
		;
	if (i == 156)
		return false;
	for (; i < 156 && h[i] >= '0' && h[i] <= '7'; i++)
		want = want * 8 + (unsigned long)(h[i] - '0');
	for (i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum == want;
}

static int tar_number(const unsigned char *p, size_t n, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i = 0;

	if (p[0] & 0x80) { /* base-256 */
		if (p[0] != 0x80)
			return -EINVAL;
		for (i = 1; i < n; i++) {
			if (v >> 56)
				return -EINVAL;
			v = (v << 8) | p[i];
		}
		*ret = v;
		return 0;
	}
	while (i < n && p[i] == ' ')
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v >> 60)
			return -EINVAL;
		v = v * 8 + (uint64_t)(p[i] - '0');
	}
	*ret = v;
	return 0;
}

/* Adds a member; link (may be NULL) is a symlink target relative to the
 * member's directory (symlink) or to the root (hard link). */
static int add_member(struct image *img, const char *raw, uint32_t file,
		      uint64_t off, uint64_t size, const char *link,
		      bool symlink, struct bw_error *err)
{
	char name[IMAGE_MAX_NAME], tgt[IMAGE_MAX_NAME * 2 + 2];
	size_t len, tlen = 0;
	struct img_member *m;

	if (img_normalize(raw, name, sizeof(name), &len) || !len)
		return 0; /* not a name we would ever look up */
	if (link) {
		const char *slash = strrchr(name, '/');
		char joined[IMAGE_MAX_NAME * 2 + 2];

		if (symlink && slash && link[0] != '/')
			snprintf(joined, sizeof(joined), "%.*s/%s",
				 (int)(slash - name), name, link);
		else
			snprintf(joined, sizeof(joined), "%s", link);
		if (img_normalize(joined, tgt, sizeof(tgt), &tlen) || !tlen)
			return 0;
	}
	if (img->nmembers >= IMAGE_MAX_MEMBERS)
		return bw_errorf(err, -EFBIG, img->path, 0, 0,
				 "more than %u members", IMAGE_MAX_MEMBERS);
	if (img->nmembers % 64 == 0) {
		m = realloc(img->members,
			    (img->nmembers + 64) * sizeof(*img->members));
		if (!m)
			return -ENOMEM;
		img->members = m;
	}
	m = &img->members[img->nmembers];
	m->name = strndup(name, len);
	m->link = link ? strndup(tgt, tlen) : NULL;
	if (!m->name || (link && !m->link)) {
		free(m->name);
		free(m->link);
		return -ENOMEM;
	}
	m->file = link ? UINT32_MAX : file;
	m->off = off;
	m->size = size;
	img->nmembers++;
	return 0;
}

/* Reads n bytes at off into a new NUL-terminated buffer. */
static int pread_str(int fd, uint64_t off, size_t n, char **ret)
{
	char *b = malloc(n + 1);
	ssize_t got;

	if (!b)
		return -ENOMEM;
	got = pread(fd, b, n, (off_t)off);
	if (got != (ssize_t)n) {
		free(b);
		return -EIO;
	}
	b[n] = '\0';
	*ret = b;
	return 0;
}

/* Applies the path= and size= records of a pax extended header. */
static void pax_apply(const char *p, size_t n, char **path, uint64_t *size)
{
	size_t i = 0;

	while (i < n) {
		char *end;
		unsigned long rlen = strtoul(p + i, &end, 10);
		const char *kv, *eq, *rend;

		if (end == p + i || *end != ' ' || rlen == 0 || rlen > n - i)
			return;
		kv = end + 1;
		rend = p + i + rlen; /* points after '\n' */
		eq = memchr(kv, '=', (size_t)(rend - kv));
		if (eq && rend[-1] == '\n') {
			size_t klen = (size_t)(eq - kv);
			size_t vlen = (size_t)(rend - 1 - (eq + 1));

			if (klen == 4 && !memcmp(kv, "path", 4) &&
			    vlen < IMAGE_MAX_NAME) {
				free(*path);
				*path = strndup(eq + 1, vlen);
			} else if (klen == 4 && !memcmp(kv, "size", 4)) {
				char tmp[32];

				if (vlen < sizeof(tmp)) {
					memcpy(tmp, eq + 1, vlen);
					tmp[vlen] = '\0';
					*size = strtoull(tmp, NULL, 10);
				}
			}
		}
		i += rlen;
	}
}

int img_index_tar(struct image *img, int fd, struct bw_error *err)
{
	unsigned char h[512];
	uint64_t off = 0, fsize, pax_size = UINT64_MAX;
	char *longname = NULL, *paxpath = NULL;
	struct stat st;
	int rc = 0;

	if (fstat(fd, &st))
		return bw_errorf(err, -errno, img->path, 0, 0, "stat: %s",
				 strerror(errno));
	fsize = (uint64_t)st.st_size;
	for (;;) {
		uint64_t size, data;
		char ustar[256 + 1 + 100 + 1];
		const char *name;
		char type;
		bool zero = true;

		if (off + 512 > fsize)
			break; /* truncated: keep what was indexed */
		if (pread(fd, h, 512, (off_t)off) != 512) {
			rc = bw_errorf(err, -EIO, img->path, 0, 0,
				       "read error at offset %llu",
				       (unsigned long long)off);
			break;
		}
		for (int i = 0; i < 512 && zero; i++)
			zero = h[i] == 0;
		if (zero)
			break;
		if (!img_tar_header_ok(h)) {
			rc = bw_errorf(err, -EINVAL, img->path, 0, 0,
				       "corrupt tar header at offset %llu",
				       (unsigned long long)off);
			break;
		}
		if (tar_number(h + 124, 12, &size)) {
			rc = bw_errorf(err, -EINVAL, img->path, 0, 0,
				       "bad tar size at offset %llu",
				       (unsigned long long)off);
			break;
		}
		type = (char)h[156];
		if (pax_size != UINT64_MAX && type != 'x' && type != 'L')
			size = pax_size;
		data = off + 512;
		if (size > fsize - data)
			size = fsize - data; /* truncated member */
		if (type == 'x' || type == 'L') {
			char *buf;

			if (size > (1u << 20)) {
				rc =
				    bw_errorf(err, -EINVAL, img->path, 0, 0,
					      "oversized tar extension header");
				break;
			}
			rc = pread_str(fd, data, (size_t)size, &buf);
			if (rc) {
				bw_errorf(err, rc, img->path, 0, 0,
					  "read error");
				break;
			}
			if (type == 'x') {
				pax_apply(buf, (size_t)size, &paxpath,
					  &pax_size);
				free(buf);
			} else {
				free(longname);
				longname = buf;
			}
		} else if (type == 'g' || type == 'K') {
			/* global pax header, GNU long link: not needed */
		} else {
			if (type == '0' || type == '\0' || type == '7') {
				if (longname &&
				    strlen(longname) < IMAGE_MAX_NAME)
					name = longname;
				else if (paxpath)
					name = paxpath;
				else {
					size_t pl =
					    strnlen((char *)h + 345, 155);

					if (pl && !memcmp(h + 257, "ustar", 5))
						snprintf(ustar, sizeof(ustar),
							 "%.*s/%.*s", (int)pl,
							 (char *)h + 345, 100,
							 (char *)h);
					else
						snprintf(ustar, sizeof(ustar),
							 "%.*s", 100,
							 (char *)h);
					name = ustar;
				}
				rc = add_member(img, name, 0, data, size, NULL,
						false, err);
				if (rc)
					break;
			} else if (type == '1' || type == '2') {
				char lk[101];

				snprintf(lk, sizeof(lk), "%.*s", 100,
					 (char *)h + 157);
				if (longname &&
				    strlen(longname) < IMAGE_MAX_NAME)
					name = longname;
				else if (paxpath)
					name = paxpath;
				else {
					snprintf(ustar, sizeof(ustar), "%.*s",
						 100, (char *)h);
					name = ustar;
				}
				rc = add_member(img, name, 0, 0, 0, lk,
						type == '2', err);
				if (rc)
					break;
			}
			free(longname);
			free(paxpath);
			longname = paxpath = NULL;
			pax_size = UINT64_MAX;
		}
		off = data + ((size + 511) & ~(uint64_t)511);
	}
	free(longname);
	free(paxpath);
	return rc;
}

/* ---- compressed outer tar: copy members to the private temp dir ------ */

static int make_tmpdir(struct image *img, struct bw_error *err)
{
	char buf[PATH_MAX];

	if (img->tmpdir)
		return 0;
	if (snprintf(buf, sizeof(buf), "%s/bulwark-image-XXXXXX",
		     img->tmpparent) >= (int)sizeof(buf))
		return bw_errorf(err, -ENAMETOOLONG, img->tmpparent, 0, 0,
				 "temp dir name too long");
	if (!mkdtemp(buf)) /* mode 0700 */
		return bw_errorf(err, -errno, img->tmpparent, 0, 0,
				 "cannot create a temp dir: %s",
				 strerror(errno));
	img->tmpdir = strdup(buf);
	if (!img->tmpdir) {
		rmdir(buf);
		return -ENOMEM;
	}
	return 0;
}

static int copy_entry(struct image *img, struct archive *a, const char *name,
		      uint64_t *total, struct bw_error *err)
{
	char path[PATH_MAX];
	unsigned char *buf;
	uint64_t n = 0;
	int fd, rc = 0;

	if (img->ntmp >= IMAGE_MAX_MEMBERS)
		return bw_errorf(err, -EFBIG, img->path, 0, 0,
				 "more than %u members", IMAGE_MAX_MEMBERS);
	snprintf(path, sizeof(path), "%s/%u", img->tmpdir, img->ntmp + 1);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return bw_errorf(err, -errno, path, 0, 0, "create: %s",
				 strerror(errno));
	img->ntmp++;
	buf = malloc(IMAGE_IO_BUF);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		la_ssize_t got = archive_read_data(a, buf, IMAGE_IO_BUF);

		if (got == 0)
			break;
		if (got < 0) {
			rc = bw_errorf(err, -EINVAL, img->path, 0, 0, "%s: %s",
				       name, archive_error_string(a));
			break;
		}
		*total += (uint64_t)got;
		if (*total > img->limits.max_total_bytes) {
			rc = bw_errorf(
			    err, -EFBIG, img->path, 0, 0,
			    "archive larger than %llu bytes",
			    (unsigned long long)img->limits.max_total_bytes);
			break;
		}
		if (write(fd, buf, (size_t)got) != got) {
			rc = bw_errorf(err, -EIO, path, 0, 0, "write: %s",
				       strerror(errno));
			break;
		}
		n += (uint64_t)got;
	}
	free(buf);
	if (close(fd) && !rc)
		rc = bw_errorf(err, -EIO, path, 0, 0, "close: %s",
			       strerror(errno));
	if (!rc)
		rc = add_member(img, name, img->ntmp, 0, n, NULL, false, err);
	return rc;
}

int img_copy_compressed(struct image *img, struct bw_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	uint64_t total = 0;
	int rc = 0, r;

	if (!a)
		return -ENOMEM;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, img->path, IMAGE_IO_BUF) !=
	    ARCHIVE_OK) {
		rc = bw_errorf(err, -EINVAL, img->path, 0, 0,
			       "not an image archive: %s",
			       archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		const char *name;

		if (r == ARCHIVE_RETRY)
			continue;
		if (r == ARCHIVE_FATAL) {
			rc = bw_errorf(err, -EINVAL, img->path, 0, 0,
				       "not an image archive: %s",
				       archive_error_string(a));
			break;
		}
		name = archive_entry_pathname(e);
		if (!name)
			continue;
		if (archive_entry_hardlink(e) || archive_entry_symlink(e)) {
			const char *hl = archive_entry_hardlink(e);

			rc = add_member(img, name, 0, 0, 0,
					hl ? hl : archive_entry_symlink(e), !hl,
					err);
			if (rc)
				break;
			continue;
		}
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		if (!img->tmpdir && (rc = make_tmpdir(img, err)))
			break;
		rc = copy_entry(img, a, name, &total, err);
		if (rc)
			break;
	}
out:
	archive_read_free(a);
	return rc;
}

/* Points link members at the data of their targets (docker save writes
 * a symlink for a layer.tar identical to another one); a link to nothing
 * stays unusable (file UINT32_MAX). */
void img_resolve_links(struct image *img)
{
	for (size_t i = 0; i < img->nmembers; i++) {
		struct img_member *m = &img->members[i];
		const char *want = m->link;

		/* Follow a short chain of links. */
		for (int hop = 0; want && hop < 8; hop++) {
			const struct img_member *t = NULL;

			for (size_t k = img->nmembers; k-- > 0;)
				if (!strcmp(img->members[k].name, want)) {
					t = &img->members[k];
					break;
				}
			if (!t)
				break;
			if (!t->link) {
				m->file = t->file;
				m->off = t->off;
				m->size = t->size;
				break;
			}
			want = t->link;
		}
	}
}

/* ---- blob access ------------------------------------------------------ */

const struct img_member *img_member_find(const struct image *img,
					 const char *name)
{
	char norm[IMAGE_MAX_NAME];
	size_t len;

	if (img_normalize(name, norm, sizeof(norm), &len) || !len)
		return NULL;
	/* The last of equal names wins, as when a tar is extracted. */
	for (size_t i = img->nmembers; i-- > 0;)
		if (!strcmp(img->members[i].name, norm))
			return img->members[i].file == UINT32_MAX
				   ? NULL
				   : &img->members[i];
	return NULL;
}

int img_blob_open(const struct image *img, const struct img_blob *b,
		  struct img_range *r, struct bw_error *err)
{
	struct stat st;
	int fd;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	switch (b->where) {
	case IMG_IN_MEM:
		r->mem = b->mem;
		r->len = b->size;
		return 0;
	case IMG_IN_DIR:
		fd = openat(img->dirfd, b->name,
			    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return bw_errorf(err, -errno, img->path, 0, 0,
					 "blob %s: %s", b->name,
					 strerror(errno));
		if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
			close(fd);
			return bw_errorf(err, -EINVAL, img->path, 0, 0,
					 "blob %s is not a regular file",
					 b->name);
		}
		r->fd = fd;
		r->len = (uint64_t)st.st_size;
		return 0;
	case IMG_IN_MEMBER: {
		const struct img_member *m = &img->members[b->member];
		char path[PATH_MAX];

		if (m->file)
			snprintf(path, sizeof(path), "%s/%u", img->tmpdir,
				 m->file);
		fd = open(m->file ? path : img->path,
			  O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return bw_errorf(err, -errno, img->path, 0, 0, "%s: %s",
					 m->name, strerror(errno));
		r->fd = fd;
		r->off = m->off;
		r->len = m->size;
		return 0;
	}
	}
	return -EINVAL;
}

void img_range_close(struct img_range *r)
{
	if (r && r->fd >= 0) {
		close(r->fd);
		r->fd = -1;
	}
}

int img_blob_read_all(const struct image *img, const struct img_blob *b,
		      size_t max, const char *label, char **ret_buf,
		      size_t *ret_len, struct bw_error *err)
{
	struct img_range r;
	char *buf, hex[65];
	int rc;

	rc = img_blob_open(img, b, &r, err);
	if (rc)
		return rc;
	if (r.len > max) {
		img_range_close(&r);
		return bw_errorf(err, -EFBIG, img->path, 0, 0,
				 "%s is larger than %zu bytes", label, max);
	}
	buf = malloc((size_t)r.len + 1);
	if (!buf) {
		img_range_close(&r);
		return -ENOMEM;
	}
	if (r.fd < 0)
		memcpy(buf, r.mem, (size_t)r.len);
	else if (pread(r.fd, buf, (size_t)r.len, (off_t)r.off) !=
		 (ssize_t)r.len) {
		img_range_close(&r);
		free(buf);
		return bw_errorf(err, -EIO, img->path, 0, 0, "%s: read error",
				 label);
	}
	img_range_close(&r);
	buf[r.len] = '\0';
	if (b->size != UINT64_MAX && b->size != r.len) {
		free(buf);
		return bw_errorf(err, -EBADMSG, img->path, 0, 0,
				 "%s: size %llu, descriptor says %llu", label,
				 (unsigned long long)r.len,
				 (unsigned long long)b->size);
	}
	if (b->hex[0]) {
		img_sha256_hex(buf, (size_t)r.len, hex);
		if (strcmp(hex, b->hex)) {
			free(buf);
			return bw_errorf(err, -EBADMSG, img->path, 0, 0,
					 "%s: digest mismatch: expected "
					 "sha256:%s, got sha256:%s",
					 label, b->hex, hex);
		}
	}
	*ret_buf = buf;
	*ret_len = (size_t)r.len;
	return 0;
}
