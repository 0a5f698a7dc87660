/*
 * image.h - container image input for the scanner: docker-archive tarballs
 * (`docker save`, optionally gzip-compressed as a whole), OCI image layouts
 * (a directory or a tar of one; nested indexes; platform selection) and
 * plain root filesystem directories.
 *
 * The image is never unpacked to disk.  image_walk() streams the layers
 * from the TOP layer down and hands each visitor only the entries that are
 * visible in the merged filesystem, applying OCI whiteouts (".wh.<name>",
 * opaque ".wh..wh..opq") exactly as the image-spec says: an entry of a
 * lower layer is hidden when a higher layer has the same path, a whiteout
 * for it or for one of its parents, an opaque marker on one of its parent
 * directories, or a non-directory at one of its parent paths.  Whiteout
 * entries themselves are never shown.  Because layers are walked top-down,
 * the layer reported with each file is the one that introduced the visible
 * version of it.
 *
 * Blob digests (sha256) are verified while streaming; a mismatch is an
 * error (-EBADMSG) and the image is refused.  Compressed blobs that are not
 * random-access (a gzip-compressed docker-archive) are copied into a private
 * temporary directory (mode 0700, removed by image_close) -- only blobs,
 * never extracted file contents.
 *
 * Hostile input: entry names are normalised (leading "./" and "/" removed,
 * "." components dropped); a name with a ".." component escaping the root,
 * an empty name, or a NUL is skipped with a warning.  Symlinks are reported
 * as entries (link_target set) and never followed by the walker; hard links
 * are reported with their target path and the content of the target when it
 * is visible in the same layer.  Device files, FIFOs and sockets are
 * reported (mode) but have no content.  Limits (struct image_limits) bound
 * the entries per layer, the size of any one file handed to a visitor, and
 * the total decompressed bytes (decompression bombs) -- over a limit the
 * layer is abandoned with -EFBIG and a warning naming the layer.
 *
 * Ownership: struct image is owned by the caller of image_open() and freed
 * with image_close().  Everything image_info() returns is owned by the image
 * and valid until image_close().  struct image_file and struct image_reader
 * passed to visitors are valid only during the callback.
 */
#ifndef BW_IMAGE_IMAGE_H
#define BW_IMAGE_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

struct image;
struct image_reader;

enum image_kind {
	IMAGE_DOCKER_ARCHIVE, /* docker save tarball (manifest.json) */
	IMAGE_OCI_LAYOUT,     /* OCI image layout directory (index.json) */
	IMAGE_OCI_ARCHIVE,    /* tar of an OCI image layout */
	IMAGE_ROOTFS,	      /* a plain directory */
};

struct image_layer {
	char digest[80];  /* "sha256:<hex>" of the blob as stored, "" if none */
	char diff_id[80]; /* "sha256:<hex>" of the uncompressed tar, "" unknown */
	char media_type[128];
	uint64_t size;	  /* blob size in bytes, 0 when unknown */
};

struct image_info {
	enum image_kind kind;
	const char *path;	   /* as given to image_open */
	const char *ref;	   /* "debian:12" (RepoTags[0] or the
				      org.opencontainers.image.ref.name
				      annotation), NULL if none */
	const char *manifest_digest; /* "sha256:..." or NULL */
	const char *config_digest;   /* "sha256:..." or NULL */
	const char *os, *arch, *variant; /* from the config, NULL unknown */
	size_t nlayers;
	const struct image_layer *layers; /* bottom (base) layer first */
};

struct image_limits {
	uint64_t max_entries_per_layer; /* default 2,000,000 */
	uint64_t max_file_size;		/* largest content handed to a
					   visitor, default 512 MiB */
	uint64_t max_total_bytes;	/* decompressed bytes over all
					   layers, default 64 GiB */
	uint64_t max_ratio;		/* decompressed/compressed per
					   layer, default 1000 */
};

struct image_open_opts {
	const char *platform;	   /* "os/arch[/variant]", default
				      "linux/amd64" */
	const char *tmpdir;	   /* parent of the private temp dir,
				      default $TMPDIR or /tmp */
	struct image_limits limits; /* zero fields take the defaults */
};

/* One visible entry of the merged filesystem. */
struct image_file {
	const char *path;	 /* normalised, relative: "var/lib/dpkg/status" */
	mode_t mode;		 /* type (S_IFREG, S_IFDIR, S_IFLNK, ...) and
				    permission bits */
	uint64_t size;		 /* content size for regular files */
	const char *link_target; /* symlink target or hard-link target path,
				    NULL otherwise */
	int layer;		 /* index into image_info.layers, -1 for a
				    rootfs */
	int shadowed;		 /* 1: an older version of a regular file
				    whose visible version is in a higher
				    layer (only with want_shadowed) */
};

/*
 * A visitor.  want() is called for every visible entry (all types) and
 * returns 1 to receive the content of a regular file through file(), 0 to
 * skip it.  file() may read any prefix of the content and return; the
 * walker skips the rest.  A negative return from file() is reported
 * through warn() and the walk goes on.  warn() receives every non-fatal
 * problem (bad entry names, a corrupt layer, an over-limit file) with
 * err->input naming the image and layer; it may be NULL.
 */
struct image_visitor {
	int (*want)(void *ctx, const struct image_file *f);
	int (*file)(void *ctx, const struct image_file *f,
		    struct image_reader *r);
	void (*warn)(void *ctx, const struct bw_error *err);
	void *ctx;
	/* Non-zero: also offer want() the older versions of regular files
	 * that a higher layer replaced at the same path (f->shadowed = 1),
	 * so a package database can be compared layer by layer to tell
	 * which layer installed each package.  Files deleted by a whiteout
	 * or hidden under an opaque directory are never offered. */
	int want_shadowed;
};

/*
 * Opens an image.  The kind is detected: a directory with index.json and
 * oci-layout is an OCI layout, another directory is a rootfs (only when
 * allow_rootfs != 0), a tar (plain or gzip) holding manifest.json is a
 * docker archive, one holding index.json an OCI archive.  Returns 0, or
 * -ENOENT (missing path), -EINVAL (unrecognised or malformed: the message
 * names the file and the JSON position), -ENOEXEC (no manifest for the
 * requested platform; the message lists the platforms present),
 * -EBADMSG (a manifest or config blob whose digest does not match).
 */
int image_open(const char *path, int allow_rootfs,
	       const struct image_open_opts *opts, struct image **ret,
	       struct bw_error *err);

const struct image_info *image_get_info(const struct image *img);

/*
 * Walks the merged filesystem top layer first, calling v for every visible
 * entry.  Returns 0 when every layer was read completely, or the first
 * fatal error: -EBADMSG for a blob digest mismatch (the image must be
 * refused), -EIO when a layer could not be read at all.  Problems confined
 * to one entry or the tail of one layer (truncated tar, corrupt gzip) are
 * reported through v->warn and make image_walk return -EIO after the rest
 * of the image was walked, so the caller can report a partial result.
 */
int image_walk(struct image *img, const struct image_visitor *v,
	       struct bw_error *err);

/*
 * Reads up to len bytes of the current file's content.  Returns the number
 * of bytes read, 0 at the end, or a negative code.
 */
ssize_t image_reader_read(struct image_reader *r, void *buf, size_t len);

/*
 * Reads the whole content of the current file into a new NUL-terminated
 * buffer (caller frees).  Returns 0, -EFBIG when the file is larger than
 * max bytes (nothing is returned), or another negative code.
 */
int image_reader_read_all(struct image_reader *r, size_t max, char **ret_buf,
			  size_t *ret_len);

/* Frees the image and removes its private temp dir.  img may be NULL. */
void image_close(struct image *img);

/* "docker-archive", "oci-layout", "oci-archive", "rootfs". */
const char *image_kind_name(enum image_kind kind);

#endif
