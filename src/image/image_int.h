/*
 * image_int.h - internals of the image subsystem shared by its files:
 * the struct image itself, where each blob's bytes live (a file in an OCI
 * layout directory, a member of an outer tar read by offset range, a copy
 * in the private temp dir, or memory for the fuzzer), the set of paths
 * held by higher layers that decides visibility during the top-down walk,
 * entry name normalisation, and the named limits.
 *
 * Not part of the public interface: only the image sources, the unit test and
 * the fuzz harness include it.
 */
#ifndef BW_IMAGE_IMAGE_INT_H
#define BW_IMAGE_IMAGE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "image/image.h"

#define IMAGE_MAX_JSON (16u << 20)	  /* manifest/index/config blobs */
#define IMAGE_MAX_LAYERS 1024		  /* layers in one image */
#define IMAGE_MAX_MEMBERS 100000	  /* members of an outer tar */
#define IMAGE_MAX_NAME 4096		  /* entry / member name bytes */
#define IMAGE_MAX_INDEX_DEPTH 4		  /* nested image indexes */
#define IMAGE_MAX_MANIFESTS 4096	  /* manifests over all indexes */
#define IMAGE_MAX_HARDLINKS 100000	  /* pending hard links per layer */
#define IMAGE_MAX_DEPTH 256		  /* rootfs directory depth */
#define IMAGE_RATIO_MIN_BYTES (64u << 20) /* ratio limit applies above */
#define IMAGE_IO_BUF (256u << 10)
#define IMAGE_HASH_THREAD_MIN                                                  \
	(4u << 20) /* hash plain layers in a thread */ /* raw blob read size   \
							*/

#define IMAGE_DEF_MAX_ENTRIES 2000000ull
#define IMAGE_DEF_MAX_FILE (512ull << 20)
#define IMAGE_DEF_MAX_TOTAL (64ull << 30)
#define IMAGE_DEF_MAX_RATIO 1000ull

/* A member of an outer tar: its bytes are [off, off+size) of file
 * `file` (0 = the image file itself, N > 0 = "<tmpdir>/N"). */
struct img_member {
	char *name; /* normalised */
	char *link; /* hard/symbolic link member: normalised target */
	uint32_t file;
	uint64_t off, size;
};

enum img_where {
	IMG_IN_DIR,    /* name relative to img->dirfd */
	IMG_IN_MEMBER, /* img->members[member] */
	IMG_IN_MEM,    /* mem/size (fuzzer, tests) */
};

/* Where a blob is and what it must hash to. */
struct img_blob {
	enum img_where where;
	char *name;		  /* IMG_IN_DIR: relative path */
	size_t member;		  /* IMG_IN_MEMBER */
	const unsigned char *mem; /* IMG_IN_MEM */
	uint64_t size;		  /* expected size, UINT64_MAX when unknown */
	char hex[65];	   /* expected sha256 of the raw bytes, "" none */
	bool hex_if_plain; /* verify only when the blob is an uncompressed
			      tar (legacy layer.tar against its diff_id) */
};

/* An open byte range of a blob. */
struct img_range {
	int fd; /* -1 for memory */
	const unsigned char *mem;
	uint64_t off, len;
};

struct image {
	struct image_info info;
	char *path, *ref, *manifest_digest, *config_digest;
	char *os, *arch, *variant;
	struct image_layer *layers;
	struct img_blob *blobs; /* one per layer, same order */
	struct image_limits limits;
	int dirfd; /* OCI layout or rootfs directory, -1 otherwise */
	struct img_member *members;
	size_t nmembers;
	char *tmpparent; /* parent for the private temp dir */
	char *tmpdir;	 /* created on first use, removed by image_close */
	uint32_t ntmp;	 /* files "<tmpdir>/1".."<tmpdir>/ntmp" */
};

/* ---- open.c helpers ---- */
struct image *img_alloc(const char *path, const struct image_open_opts *o);
int img_set_str(char **dst, const char *s);

/* ---- blob.c ---- */
bool img_tar_header_ok(const unsigned char *h);
int img_index_tar(struct image *img, int fd, struct bw_error *err);
int img_copy_compressed(struct image *img, struct bw_error *err);
void img_resolve_links(struct image *img);
const struct img_member *img_member_find(const struct image *img,
					 const char *name);
int img_blob_open(const struct image *img, const struct img_blob *b,
		  struct img_range *r, struct bw_error *err);
void img_range_close(struct img_range *r);
/* Reads a whole small blob (at most max bytes) and verifies it; returns
 * a NUL-terminated malloc'd buffer. */
int img_blob_read_all(const struct image *img, const struct img_blob *b,
		      size_t max, const char *label, char **ret_buf,
		      size_t *ret_len, struct bw_error *err);
void img_sha256_hex(const void *data, size_t len, char out[65]);
bool img_is_hex64(const char *s, size_t n);

/* ---- walk.c ---- */
/* Normalises an entry name into out.  Returns 0 (path in out, may be ""
 * for the root), -EINVAL (empty, escapes the root, too long). */
int img_normalize(const char *in, char *out, size_t outsz, size_t *ret_len);

/* An image whose layers are memory blobs, bottom first (fuzzer, tests):
 * no digests; the blobs must outlive the image. */
int img_open_mem(const void *const *blobs, const size_t *lens, size_t n,
		 const struct image_limits *limits, struct image **ret,
		 struct bw_error *err);

/* ---- rootfs.c ---- */
int img_rootfs_walk(struct image *img, const struct image_visitor *v,
		    struct bw_error *err);

/* ---- reader.c ---- */
struct archive;
struct img_layer_walk;
enum img_reader_kind { IMG_READ_ARCHIVE, IMG_READ_FD, IMG_READ_MEM };
struct image_reader {
	enum img_reader_kind kind;
	struct archive *a;
	int fd;
	const unsigned char *mem;
	size_t mem_len, pos;
	uint64_t limit;	 /* bytes the visitor may still receive */
	uint64_t ulimit; /* archive: decompressed bytes allowed in the layer */
};

/* ---- pathset.c: the paths held by higher layers ---- */
enum pset_type {
	PSET_NONE,     /* only carries an opaque marker */
	PSET_DIR,      /* a directory: hides the same path below */
	PSET_NONDIR,   /* hides the same path and everything under it */
	PSET_WHITEOUT, /* ditto, but not shown */
};

struct pset_node {
	uint32_t off; /* name in the arena */
	uint32_t hash;
	int16_t layer; /* layer of the entry (type != NONE) */
	int16_t opq;   /* directory: highest layer with an opaque marker;
			  non-directory: the layer whose whiteout deletes
			  its lower versions; -1 none */
	uint8_t type;
};

struct pathset {
	char *arena;
	size_t alen, acap;
	struct pset_node *nodes;
	uint32_t n, ncap;
	uint32_t *tab;	/* node index + 1, 0 = empty */
	uint32_t tabsz; /* power of two */
};

void pset_init(struct pathset *s);
void pset_free(struct pathset *s);
struct pset_node *pset_find(const struct pathset *s, const char *p, size_t n);
/* Finds or adds p (as PSET_NONE, opq -1); NULL on -ENOMEM. */
struct pset_node *pset_get(struct pathset *s, const char *p, size_t n);
size_t pset_bytes(const struct pathset *s);

#endif
