/*
 * walk.c - the merged-filesystem walk: layers are streamed top layer first
 * through libarchive (any compression, tar/pax/gnu formats) in one pass
 * each, and visibility is decided on the fly against a set of the paths
 * that higher layers hold (pathset.c):
 *
 *   - an entry is hidden when a higher layer has the same path (any type,
 *     or a whiteout for it), when a proper ancestor is a non-directory or a
 *     whiteout in a higher layer, or when an ancestor carries an opaque
 *     marker from a higher layer;
 *   - a layer's own whiteouts never hide its own entries (the node records
 *     the layer that made it, and only strictly higher layers count);
 *   - whiteout entries are consumed, never shown.
 *
 * The raw blob bytes pass through read_cb (archive_read_open with our own
 * callback), which hashes them with EVP sha256 as libarchive pulls them, so
 * each byte is read once and hashed once; whatever libarchive did not pull
 * (tar end padding, the tail after an error) is drained and hashed at the
 * end of the layer, then the digest is compared.  The same callback stops a
 * decompression bomb: when the layer's decompressed bytes pass the total or
 * ratio limit it fails the read and the layer is abandoned.
 *
 * Hard links: their content is the target's, which was earlier in the same
 * layer and is gone from the stream, so wanted hard links are queued and a
 * second pass over that layer reads the targets (only in layers that have
 * wanted hard links).
 */
#include "image/image_int.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct layer_stream {
	const struct img_range *r;
	uint64_t pos;
	EVP_MD_CTX *md; /* NULL: not hashing */
	unsigned char *buf;
	uint64_t ulimit; /* decompressed bytes allowed in this layer */
	bool bomb;
	int io_err;
};

struct hardlink {
	char *path, *target;
	mode_t mode;
};

struct walk {
	struct image *img;
	const struct image_visitor *v;
	struct pathset set;
	int16_t root_opq;
	int cur;
	uint64_t total; /* decompressed bytes of the layers done */
	char label[256];
	int partial;	 /* first non-fatal layer problem */
	uint64_t ulimit; /* the current layer's decompressed-bytes limit */
	struct hardlink *hl;
	size_t nhl, hlcap;
};

typedef int (*entry_fn)(struct walk *w, struct archive *a,
			struct archive_entry *e);

static void wwarn(struct walk *w, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void wwarn(struct walk *w, int code, const char *fmt, ...)
{
	struct bw_error e = {0};
	va_list ap;

	if (!w->v->warn)
		return;
	e.code = code;
	snprintf(e.input, sizeof(e.input), "%s", w->label);
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	w->v->warn(w->v->ctx, &e);
}

int img_normalize(const char *in, char *out, size_t outsz, size_t *ret_len)
{
	const char *p = in;
	size_t o = 0;

	if (!in || !*in || !outsz)
		return -EINVAL;
	while (*p) {
		const char *s;
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		s = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - s);
		if (n == 1 && s[0] == '.')
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (o == 0)
				return -EINVAL; /* escapes the root */
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			continue;
		}
		if (o + 1 + n + 1 > outsz)
			return -EINVAL;
		if (o)
			out[o++] = '/';
		memcpy(out + o, s, n);
		o += n;
	}
	out[o] = '\0';
	*ret_len = o;
	return 0;
}

/* ---- raw blob stream ---------------------------------------------------- */

/* Pulls the next raw chunk of the blob and hashes it. */
static la_ssize_t stream_pull(struct layer_stream *ls, const void **out)
{
	const struct img_range *r = ls->r;
	uint64_t left = r->len - ls->pos;
	size_t n = left < IMAGE_IO_BUF ? (size_t)left : IMAGE_IO_BUF;
	ssize_t got;

	if (!n)
		return 0;
	if (r->fd < 0) {
		*out = r->mem + ls->pos;
		got = (ssize_t)n;
	} else {
		do
			got =
			    pread(r->fd, ls->buf, n, (off_t)(r->off + ls->pos));
		while (got < 0 && errno == EINTR);
		if (got < 0) {
			ls->io_err = -errno;
			return -1;
		}
		if (got == 0) {
			ls->io_err = -EIO; /* the file shrank */
			return 0;
		}
		*out = ls->buf;
	}
	if (ls->md)
		EVP_DigestUpdate(ls->md, *out, (size_t)got);
	ls->pos += (uint64_t)got;
	return got;
}

static la_ssize_t read_cb(struct archive *a, void *ctx, const void **out)
{
	struct layer_stream *ls = ctx;
	la_int64_t done = archive_filter_bytes(a, 0);
	la_ssize_t got;

	if (done > 0 && (uint64_t)done > ls->ulimit) {
		ls->bomb = true;
		archive_set_error(a, EFBIG, "decompressed size limit exceeded");
		return -1;
	}
	got = stream_pull(ls, out);
	if (got < 0)
		archive_set_error(a, -ls->io_err, "read error: %s",
				  strerror(-ls->io_err));
	return got;
}

/* Used only when the bytes are hashed by a hasher thread: skipping
 * uncompressed file data is then just moving the position. */
static la_int64_t skip_cb(struct archive *a, void *ctx, la_int64_t req)
{
	struct layer_stream *ls = ctx;
	uint64_t left = ls->r->len - ls->pos;
	uint64_t n = req > 0 ? (uint64_t)req : 0;

	(void)a;
	if (n > left)
		n = left;
	ls->pos += n;
	return (la_int64_t)n;
}

/* An uncompressed layer is hashed by a second thread reading the same
 * range while the walker skips file data by seeking: verification then
 * costs no extra wall time on a machine with two cores. */
struct hasher {
	const struct img_range *r;
	char hex[65];
	int err;
	pthread_t th;
};

static void digest_hex(EVP_MD_CTX *md, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;

	EVP_DigestFinal_ex(md, d, &dlen);
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}

static void *hasher_main(void *arg)
{
	struct hasher *h = arg;
	const size_t chunk = 1u << 20;
	unsigned char *buf = malloc(chunk);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint64_t pos = 0;

	if (!buf || !md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		h->err = -ENOMEM;
		goto out;
	}
	while (pos < h->r->len) {
		uint64_t left = h->r->len - pos;
		size_t n = left < chunk ? (size_t)left : chunk;
		ssize_t got = pread(h->r->fd, buf, n, (off_t)(h->r->off + pos));

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			h->err = got < 0 ? -errno : -EIO;
			goto out;
		}
		EVP_DigestUpdate(md, buf, (size_t)got);
		pos += (uint64_t)got;
	}
	digest_hex(md, h->hex);
out:
	EVP_MD_CTX_free(md);
	free(buf);
	return NULL;
}

/* Whether the range starts with a tar header (an uncompressed layer). */
static bool range_is_plain_tar(const struct img_range *r)
{
	unsigned char h[512];

	return r->fd >= 0 && r->len >= 512 &&
	       pread(r->fd, h, sizeof(h), (off_t)r->off) ==
		   (ssize_t)sizeof(h) &&
	       img_tar_header_ok(h);
}

static void stream_drain(struct layer_stream *ls)
{
	const void *p;

	while (!ls->io_err && stream_pull(ls, &p) > 0)
		;
}

/* ---- visibility --------------------------------------------------------- */

enum visibility { VISIBLE, HIDDEN, SHADOWED };

/*
 * VISIBLE, HIDDEN (deleted, under an opaque directory or a non-directory
 * above, or a duplicate name in one layer) or SHADOWED (an older version of
 * a path a higher layer holds as a non-directory, with nothing above it
 * deleted).
 */
static enum visibility visibility(struct walk *w, const char *p, size_t n)
{
	const struct pset_node *nd;
	int cur = w->cur;
	enum visibility v = VISIBLE;

	if (w->root_opq > cur)
		return HIDDEN;
	if (!w->set.n)
		return VISIBLE;
	nd = pset_find(&w->set, p, n);
	if (nd && nd->type != PSET_NONE) {
		if (nd->layer > cur)
			v = nd->type == PSET_NONDIR && nd->opq < 0 ? SHADOWED
								   : HIDDEN;
		else if (nd->type != PSET_WHITEOUT)
			return HIDDEN; /* duplicate name in one layer */
		if (v == HIDDEN)
			return HIDDEN;
	}
	for (size_t i = 1; i < n; i++) {
		if (p[i] != '/')
			continue;
		nd = pset_find(&w->set, p, i);
		if (!nd)
			continue;
		if (nd->opq > cur)
			return HIDDEN;
		if ((nd->type == PSET_NONDIR || nd->type == PSET_WHITEOUT) &&
		    nd->layer > cur)
			return HIDDEN;
	}
	return v;
}

static int record(struct walk *w, const char *p, size_t n, bool dir)
{
	struct pset_node *nd = pset_get(&w->set, p, n);

	if (!nd)
		return -ENOMEM;
	/* ".wh.x" and a new "x" in one layer: x replaces the lower ones. */
	if (nd->type == PSET_WHITEOUT && nd->layer == w->cur && dir &&
	    nd->opq < 0)
		nd->opq = (int16_t)w->cur;
	nd->type = dir ? PSET_DIR : PSET_NONDIR;
	nd->layer = (int16_t)w->cur;
	return 0;
}

static int mark_whiteout(struct walk *w, const char *p, size_t n)
{
	struct pset_node *nd = pset_get(&w->set, p, n);

	if (!nd)
		return -ENOMEM;
	if (nd->type == PSET_NONE) {
		nd->type = PSET_WHITEOUT;
		nd->layer = (int16_t)w->cur;
	} else if (nd->type == PSET_DIR && nd->opq < 0) {
		/* A higher (or this) layer has the directory: what this
		 * layer deletes is everything of it below this layer. */
		nd->opq = (int16_t)w->cur;
	} else if (nd->type == PSET_NONDIR && nd->opq < 0) {
		/* A file replaced higher up and deleted here: its versions
		 * below this layer are not older versions of the visible one
		 * (not SHADOWED), just gone.  opq is otherwise unused for a
		 * non-directory. */
		nd->opq = (int16_t)w->cur;
	}
	return 0;
}

static int mark_opaque(struct walk *w, const char *dir, size_t n)
{
	struct pset_node *nd;

	if (!n) {
		if (w->root_opq < 0)
			w->root_opq = (int16_t)w->cur;
		return 0;
	}
	nd = pset_get(&w->set, dir, n);
	if (!nd)
		return -ENOMEM;
	if (nd->opq < 0)
		nd->opq = (int16_t)w->cur;
	return 0;
}

/* Handles a ".wh." entry; path is normalised, base its last component. */
static int whiteout(struct walk *w, const char *path, size_t plen,
		    const char *base, size_t blen)
{
	size_t dlen = base == path ? 0 : (size_t)(base - path) - 1;
	char target[IMAGE_MAX_NAME];

	if (w->cur == 0)
		return 0; /* nothing below the base layer */
	if (blen == 12 && !memcmp(base, ".wh..wh..opq", 12))
		return mark_opaque(w, path, dlen);
	if (blen >= 8 && !memcmp(base, ".wh..wh.", 8))
		return 0; /* other AUFS metadata */
	if (blen == 4)
		return 0;
	/* "<dir>/.wh.<name>" -> "<dir>/<name>" */
	memcpy(target, path, (size_t)(base - path));
	memcpy(target + (base - path), base + 4, blen - 4);
	(void)plen;
	return mark_whiteout(w, target, (size_t)(base - path) + blen - 4);
}

/* ---- reporting entries ------------------------------------------------- */

static int queue_hardlink(struct walk *w, const char *path, const char *tgt,
			  mode_t mode)
{
	struct hardlink *h;

	if (w->nhl >= IMAGE_MAX_HARDLINKS) {
		wwarn(w, -EFBIG, "%s: too many hard links, content not read",
		      path);
		return 0;
	}
	if (w->nhl == w->hlcap) {
		size_t ncap = w->hlcap ? w->hlcap * 2 : 16;

		h = realloc(w->hl, ncap * sizeof(*h));
		if (!h)
			return -ENOMEM;
		w->hl = h;
		w->hlcap = ncap;
	}
	h = &w->hl[w->nhl];
	h->path = strdup(path);
	h->target = strdup(tgt);
	h->mode = mode;
	if (!h->path || !h->target) {
		free(h->path);
		free(h->target);
		return -ENOMEM;
	}
	w->nhl++;
	return 0;
}

static void hardlinks_free(struct walk *w)
{
	for (size_t i = 0; i < w->nhl; i++) {
		free(w->hl[i].path);
		free(w->hl[i].target);
	}
	w->nhl = 0;
}

static void give_file(struct walk *w, const struct image_file *f,
		      struct image_reader *r)
{
	int rc;

	if (!w->v->file)
		return;
	rc = w->v->file(w->v->ctx, f, r);
	if (rc < 0)
		wwarn(w, rc, "%s: %s", f->path, strerror(-rc));
}

static int report(struct walk *w, struct archive *a, struct archive_entry *e,
		  const char *path, int shadowed)
{
	const struct image_limits *lim = &w->img->limits;
	struct image_file f = {0};
	char tgt[IMAGE_MAX_NAME];
	const char *hl = archive_entry_hardlink(e);
	unsigned type = archive_entry_filetype(e);
	size_t tlen;

	f.path = path;
	f.mode = archive_entry_mode(e);
	f.size = archive_entry_size_is_set(e) && archive_entry_size(e) > 0
		     ? (uint64_t)archive_entry_size(e)
		     : 0;
	f.layer = w->cur;
	f.shadowed = shadowed;
	if (hl) {
		if (img_normalize(hl, tgt, sizeof(tgt), &tlen) || !tlen) {
			wwarn(w, -EINVAL, "%s: hard link to a bad name", path);
			hl = NULL;
		} else {
			f.link_target = tgt;
		}
		if (!S_ISREG(f.mode) && !(f.mode & S_IFMT))
			f.mode |= S_IFREG;
	} else if (type == AE_IFLNK) {
		f.link_target = archive_entry_symlink(e);
		if (!f.link_target)
			f.link_target = "";
	}
	if (!w->v->want || w->v->want(w->v->ctx, &f) != 1)
		return 0;
	if (hl)
		return S_ISREG(f.mode) ? queue_hardlink(w, path, tgt, f.mode)
				       : 0;
	if (type != AE_IFREG)
		return 0;
	if (f.size > lim->max_file_size) {
		wwarn(w, -EFBIG, "%s: %llu bytes, over the %llu-byte limit",
		      path, (unsigned long long)f.size,
		      (unsigned long long)lim->max_file_size);
		return 0;
	}
	{
		struct image_reader r = {.kind = IMG_READ_ARCHIVE,
					 .a = a,
					 .fd = -1,
					 .ulimit = w->ulimit,
					 .limit = lim->max_file_size};

		give_file(w, &f, &r);
	}
	return 0;
}

static int do_entry(struct walk *w, struct archive *a, struct archive_entry *e)
{
	const char *raw = archive_entry_pathname(e);
	char path[IMAGE_MAX_NAME];
	const char *base;
	size_t plen, blen;
	enum visibility vis;
	int rc;

	if (!raw)
		raw = archive_entry_pathname_utf8(e);
	if (!raw) {
		wwarn(w, -EINVAL, "entry with an unreadable name skipped");
		return 0;
	}
	if (img_normalize(raw, path, sizeof(path), &plen)) {
		wwarn(w, -EINVAL,
		      "entry \"%.200s\" skipped: empty, too long or escapes "
		      "the root",
		      raw);
		return 0;
	}
	if (!plen)
		return 0; /* the root directory itself */
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	blen = plen - (size_t)(base - path);
	if (blen >= 4 && !memcmp(base, ".wh.", 4))
		return whiteout(w, path, plen, base, blen);
	vis = visibility(w, path, plen);
	if (vis == SHADOWED && w->v->want_shadowed &&
	    archive_entry_filetype(e) == AE_IFREG &&
	    !archive_entry_hardlink(e))
		return report(w, a, e, path, 1);
	if (vis != VISIBLE)
		return 0;
	if (w->cur > 0) {
		rc = record(w, path, plen,
			    archive_entry_filetype(e) == AE_IFDIR &&
				!archive_entry_hardlink(e));
		if (rc)
			return rc;
	}
	return report(w, a, e, path, 0);
}

/* Second pass: hand wanted hard links the content of their targets. */
static int cmp_hl_target(const void *x, const void *y)
{
	return strcmp(((const struct hardlink *)x)->target,
		      ((const struct hardlink *)y)->target);
}

static int hl_entry(struct walk *w, struct archive *a, struct archive_entry *e)
{
	const uint64_t max = w->img->limits.max_file_size;
	const char *raw = archive_entry_pathname(e);
	char path[IMAGE_MAX_NAME];
	struct hardlink key, *h;
	char *buf = NULL;
	size_t plen, len = 0, lo, hi;
	int rc;

	if (!raw || archive_entry_hardlink(e) ||
	    archive_entry_filetype(e) != AE_IFREG ||
	    img_normalize(raw, path, sizeof(path), &plen) || !plen)
		return 0;
	key.target = path;
	h = bsearch(&key, w->hl, w->nhl, sizeof(*h), cmp_hl_target);
	if (!h)
		return 0;
	lo = (size_t)(h - w->hl);
	while (lo > 0 && !strcmp(w->hl[lo - 1].target, path))
		lo--;
	hi = (size_t)(h - w->hl);
	while (hi + 1 < w->nhl && !strcmp(w->hl[hi + 1].target, path))
		hi++;
	{
		struct image_reader r = {.kind = IMG_READ_ARCHIVE,
					 .a = a,
					 .fd = -1,
					 .ulimit = w->ulimit,
					 .limit = max + 1};

		rc = image_reader_read_all(&r, (size_t)max, &buf, &len);
	}
	for (size_t i = lo; i <= hi; i++) {
		struct image_file f = {.path = w->hl[i].path,
				       .mode = w->hl[i].mode,
				       .size = len,
				       .link_target = w->hl[i].target,
				       .layer = w->cur};
		struct image_reader r = {.kind = IMG_READ_MEM,
					 .fd = -1,
					 .mem = (unsigned char *)buf,
					 .mem_len = len,
					 .limit = max};

		if (rc) {
			wwarn(w, rc, "%s: content of %s not read: %s", f.path,
			      f.link_target, strerror(-rc));
			continue;
		}
		give_file(w, &f, &r);
	}
	free(buf);
	return 0;
}

/* ---- one layer ---------------------------------------------------------- */

static bool over_limit(struct layer_stream *ls, struct archive *a)
{
	la_int64_t done = archive_filter_bytes(a, 0);

	if (done > 0 && (uint64_t)done > ls->ulimit)
		ls->bomb = true;
	return ls->bomb;
}

/* Skips the rest of the current entry's data block by block, so that a
 * decompression bomb in file data is stopped between blocks (libarchive's
 * own skip would inflate it all in one call).  Returns 0 or -1 (error or
 * limit; ls->bomb tells which). */
static int skip_data(struct layer_stream *ls, struct archive *a)
{
	const void *p;
	size_t n;
	la_int64_t off;

	for (;;) {
		int r = archive_read_data_block(a, &p, &n, &off);

		if (r == ARCHIVE_EOF)
			return 0;
		if ((r != ARCHIVE_OK && r != ARCHIVE_WARN) || over_limit(ls, a))
			return -1;
	}
}

static void layer_failed(struct walk *w, struct layer_stream *ls,
			 struct archive *a, const char *dg, uint64_t nent)
{
	int code = ls->bomb ? -EFBIG : -EIO;

	if (ls->bomb)
		wwarn(w, code,
		      "layer %s abandoned: more than %llu decompressed bytes "
		      "(total or ratio limit)",
		      dg, (unsigned long long)ls->ulimit);
	else
		wwarn(w, code,
		      "layer %s truncated or corrupt after %llu entries: %s",
		      dg, (unsigned long long)nent, archive_error_string(a));
	if (!w->partial)
		w->partial = code;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	if (a && b > UINT64_MAX / a)
		return UINT64_MAX;
	return a * b;
}

/* Streams layer li through fn.  Returns 0, or a fatal code (-EBADMSG,
 * -ENOMEM, -EIO for a blob that cannot be opened) with err filled;
 * problems in the layer's content go to warn() and w->partial. */
static int run_layer(struct walk *w, size_t li, bool first, entry_fn fn,
		     struct bw_error *err)
{
	const struct image *img = w->img;
	const struct img_blob *b = &img->blobs[li];
	const char *dg =
	    img->layers[li].digest[0] ? img->layers[li].digest : "(no digest)";
	struct layer_stream ls = {0};
	struct archive *a = NULL;
	struct archive_entry *e;
	struct img_range r;
	uint64_t nent = 0, ratio_lim;
	la_int64_t ubytes;
	bool plain = false, threaded = false;
	struct hasher hs = {0};
	int rc, ar;

	rc = img_blob_open(img, b, &r, err);
	if (rc)
		return rc == -ENOENT ? -EIO : rc;
	if (first && b->size != UINT64_MAX && r.len != b->size) {
		img_range_close(&r);
		return bw_errorf(err, -EBADMSG, w->label, 0, 0,
				 "blob size %llu, descriptor says %llu",
				 (unsigned long long)r.len,
				 (unsigned long long)b->size);
	}
	ls.r = &r;
	ls.buf = r.fd >= 0 ? malloc(IMAGE_IO_BUF) : NULL;
	if (first && b->hex[0] && r.len >= IMAGE_HASH_THREAD_MIN &&
	    range_is_plain_tar(&r)) {
		hs.r = &r;
		threaded = pthread_create(&hs.th, NULL, hasher_main, &hs) == 0;
	}
	if (first && b->hex[0] && !threaded)
		ls.md = EVP_MD_CTX_new();
	a = archive_read_new();
	if ((r.fd >= 0 && !ls.buf) ||
	    (first && b->hex[0] && !threaded && !ls.md) || !a) {
		rc = -ENOMEM;
		goto out;
	}
	if (ls.md && !EVP_DigestInit_ex(ls.md, EVP_sha256(), NULL)) {
		rc = -ENOMEM;
		goto out;
	}
	ls.ulimit = img->limits.max_total_bytes > w->total
			? img->limits.max_total_bytes - w->total
			: 0;
	ratio_lim = sat_mul(img->limits.max_ratio, r.len);
	if (ratio_lim < IMAGE_RATIO_MIN_BYTES)
		ratio_lim = IMAGE_RATIO_MIN_BYTES;
	if (ratio_lim < ls.ulimit)
		ls.ulimit = ratio_lim;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_empty(a);
	if (threaded)
		archive_read_set_skip_callback(a, skip_cb);
	archive_read_set_read_callback(a, read_cb);
	archive_read_set_callback_data(a, &ls);
	if (archive_read_open1(a) != ARCHIVE_OK) {
		if (first)
			wwarn(w, -EIO, "layer %s unreadable: %s", dg,
			      archive_error_string(a));
		if (!w->partial)
			w->partial = -EIO;
		goto verify;
	}
	plain = archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE;
	while ((ar = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		if (ar == ARCHIVE_FATAL || over_limit(&ls, a)) {
			if (first)
				layer_failed(w, &ls, a, dg, nent);
			break;
		}
		if (++nent > img->limits.max_entries_per_layer) {
			if (first) {
				wwarn(w, -EFBIG,
				      "layer %s abandoned: more than %llu "
				      "entries",
				      dg,
				      (unsigned long long)
					  img->limits.max_entries_per_layer);
				if (!w->partial)
					w->partial = -EFBIG;
			}
			break;
		}
		if (ar == ARCHIVE_RETRY)
			continue;
		w->ulimit = ls.ulimit;
		rc = fn(w, a, e);
		if (rc) {
			bw_errorf(err, rc, w->label, 0, 0, "%s", strerror(-rc));
			goto out;
		}
		if (plain ? archive_read_data_skip(a) == ARCHIVE_FATAL
			  : skip_data(&ls, a) != 0) {
			if (first)
				layer_failed(w, &ls, a, dg, nent);
			break;
		}
	}
verify:
	ubytes = archive_filter_bytes(a, 0);
	if (first && ubytes > 0)
		w->total += (uint64_t)ubytes;
	if (threaded) {
		pthread_join(hs.th, NULL);
		threaded = false;
		ls.io_err = hs.err;
	} else if (ls.md) {
		stream_drain(&ls);
		if (!ls.io_err)
			digest_hex(ls.md, hs.hex);
	} else {
		goto out;
	}
	if (ls.io_err) {
		wwarn(w, ls.io_err, "layer %s: read error: %s", dg,
		      strerror(-ls.io_err));
		if (!w->partial)
			w->partial = -EIO;
		goto out;
	}
	if (!b->hex_if_plain || plain) {
		const char *hex = hs.hex;

		if (strcmp(hex, b->hex))
			rc = bw_errorf(err, -EBADMSG, w->label, 0, 0,
				       "layer blob digest mismatch: expected "
				       "sha256:%s, got sha256:%s",
				       b->hex, hex);
	}
out:
	if (threaded)
		pthread_join(hs.th, NULL);
	archive_read_free(a);
	EVP_MD_CTX_free(ls.md);
	free(ls.buf);
	img_range_close(&r);
	return rc;
}

int image_walk(struct image *img, const struct image_visitor *v,
	       struct bw_error *err)
{
	struct walk w = {0};
	int rc = 0;

	if (!img || !v)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "no image");
	if (img->info.kind == IMAGE_ROOTFS)
		return img_rootfs_walk(img, v, err);
	w.img = img;
	w.v = v;
	w.root_opq = -1;
	pset_init(&w.set);
	for (size_t i = img->info.nlayers; i-- > 0;) {
		w.cur = (int)i;
		snprintf(w.label, sizeof(w.label), "%s: layer %s", img->path,
			 img->layers[i].digest[0] ? img->layers[i].digest
						  : "(no digest)");
		rc = run_layer(&w, i, true, do_entry, err);
		if (!rc && w.nhl) {
			qsort(w.hl, w.nhl, sizeof(*w.hl), cmp_hl_target);
			rc = run_layer(&w, i, false, hl_entry, err);
		}
		hardlinks_free(&w);
		if (rc)
			break;
	}
	free(w.hl);
	pset_free(&w.set);
	if (rc)
		return rc;
	if (w.partial)
		return bw_errorf(err, w.partial, img->path, 0, 0,
				 "image read only partially (see warnings)");
	return 0;
}
