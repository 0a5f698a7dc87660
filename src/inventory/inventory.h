/*
 * inventory.h - what is installed in an image: the operating system and
 * every package a vulnerability database knows about, each with a purl.
 *
 * Sources (each parser lives in its own file, parse_<source>.c):
 *   dpkg     var/lib/dpkg/status, var/lib/dpkg/status.d/<name> (distroless);
 *            source package name and version from "Source:"
 *   apk      lib/apk/db/installed (origin = source package)
 *   rpm      var/lib/rpm/rpmdb.sqlite (SQLite), var/lib/rpm/Packages
 *            (BerkeleyDB hash), var/lib/rpm/Packages.db (ndb); the SQLite
 *            one is preferred when an image holds several
 *   os       etc/os-release, usr/lib/os-release
 *   npm      node_modules/.../package.json, package-lock.json
 *   python   *.dist-info/METADATA, *.egg-info/PKG-INFO
 *   go       Go binaries' build info (module path, deps, Go version)
 *   java     pom.properties and META-INF/MANIFEST.MF inside .jar/.war/.ear,
 *            nested jars
 *   cargo    Cargo.lock, cargo-auditable ".dep-v0" sections in binaries
 *
 * Every parser is a pure function over a buffer (parse_*.c, fuzzable) that
 * appends to a struct inventory; inventory_collect() drives them over an
 * image walk.  Malformed input: the parser keeps what it could read,
 * reports the problem (file, line) through the warn callback and returns
 * -EINVAL; it never crashes.
 *
 * Ownership: struct inventory and everything in it is owned by the caller
 * and released with inventory_free().  Strings are heap-allocated and
 * NUL-terminated; NULL means "unknown".
 */
#ifndef BW_INVENTORY_INVENTORY_H
#define BW_INVENTORY_INVENTORY_H

#include <stddef.h>

#include "common/error.h"

struct image;

enum inv_type {
	INV_DEB,    /* dpkg */
	INV_APK,    /* Alpine apk */
	INV_RPM,    /* rpm */
	INV_NPM,    /* npm package */
	INV_PYTHON, /* PyPI distribution */
	INV_GO,	    /* Go module (a binary's dependency or main module) */
	INV_GOSTD,  /* the Go standard library a binary was built with */
	INV_MAVEN,  /* Java archive */
	INV_CARGO,  /* Rust crate */
	INV__COUNT
};

struct inv_os {
	char *id;	   /* os-release ID: "debian", "ubuntu", "alpine", ... */
	char *version_id;  /* "12", "22.04", "3.19.1" */
	char *codename;	   /* VERSION_CODENAME, NULL if absent */
	char *pretty_name; /* PRETTY_NAME */
	char *id_like;	   /* ID_LIKE */
	int distroless;	   /* dpkg data only in status.d */
};

struct inv_package {
	enum inv_type type;
	char *name;	   /* npm/PyPI/Go/crates name as published; Maven
			      "groupId:artifactId" */
	char *version;
	char *src_name;	   /* dpkg Source (= name when absent), apk origin,
			      rpm source rpm name; NULL for language pkgs */
	char *src_version; /* dpkg source version (= version when absent) */
	char *arch;	   /* NULL if none */
	char *license;	   /* as declared, NULL if none */
	char *purl;	   /* package URL (purl-spec), always set */
	char *path;	   /* the file it was found in, relative to the root */
	int layer;	   /* index into image_info.layers, -1 unknown */
};

struct inventory {
	struct inv_os os;
	struct inv_package *pkgs;
	size_t npkgs, cap;
	size_t nwarnings; /* problems reported through warn */
};

typedef void (*inv_warn_fn)(void *ctx, const struct bw_error *err);

/*
 * Walks img (see image.h) and fills inv (zero-initialised by the caller).
 * Packages come out sorted by type, name, version, path and deduplicated
 * (the same type+name+version+path once).  purls are computed after the
 * walk, when the OS (distro qualifier) is known.  Returns 0, or the
 * negative code of image_walk (the inventory then holds what was read).
 */
int inventory_collect(struct image *img, struct inventory *inv,
		      inv_warn_fn warn, void *warn_ctx, struct bw_error *err);

/*
 * inventory_collect() split in two, so a caller can walk the image once
 * with the inventory's visitor combined with its own (the scan adds the
 * secret scanner this way): _new() allocates the collector and fills
 * *ret_v with its visitor; after image_walk(), _finish() post-processes
 * (layers, os-release, purls), frees the collector and returns walk_rc or
 * an out-of-memory error.  The visitor's want() has no side effects.
 */
struct inventory_collector;
struct image_visitor;
int inventory_collector_new(struct inventory *inv, inv_warn_fn warn,
			    void *warn_ctx, struct inventory_collector **ret,
			    struct image_visitor *ret_v);
int inventory_collector_finish(struct inventory_collector *c, int walk_rc,
			       struct bw_error *err);

void inventory_free(struct inventory *inv);

/*
 * The OSV ecosystem to query for a package: "Debian:12", "Ubuntu:22.04",
 * "Alpine:v3.19", "Red Hat", "PyPI", "npm", "Go", "Maven", "crates.io".
 * Writes into buf and returns it; returns NULL when the package's
 * ecosystem is not known (an OS package on an unknown distribution).
 */
const char *inventory_osv_ecosystem(const struct inventory *inv,
				    const struct inv_package *pkg, char *buf,
				    size_t len);

/* "deb", "apk", "rpm", "npm", "python", "go", "go-stdlib", "maven", "cargo" */
const char *inv_type_name(enum inv_type t);

/* ---- parsers: pure functions over one file's content (fuzzable) --------
 * buf need not be NUL-terminated.  path names the file in messages and is
 * stored in each package found; layer is stored as is.  They append to inv
 * and return 0, or -EINVAL after a problem was reported through warn
 * (what could be read is kept), or -ENOMEM. */
int inv_parse_dpkg_status(struct inventory *inv, const char *buf, size_t len,
			  const char *path, int layer, inv_warn_fn warn,
			  void *ctx);
int inv_parse_apk_installed(struct inventory *inv, const char *buf,
			    size_t len, const char *path, int layer,
			    inv_warn_fn warn, void *ctx);
int inv_parse_os_release(struct inventory *inv, const char *buf, size_t len,
			 const char *path, inv_warn_fn warn, void *ctx);
int inv_parse_npm_package_json(struct inventory *inv, const char *buf,
			       size_t len, const char *path, int layer,
			       inv_warn_fn warn, void *ctx);
int inv_parse_npm_lock(struct inventory *inv, const char *buf, size_t len,
		       const char *path, int layer, inv_warn_fn warn,
		       void *ctx);
int inv_parse_python_metadata(struct inventory *inv, const char *buf,
			      size_t len, const char *path, int layer,
			      inv_warn_fn warn, void *ctx);
int inv_parse_go_binary(struct inventory *inv, const char *buf, size_t len,
			const char *path, int layer, inv_warn_fn warn,
			void *ctx);
int inv_parse_java_archive(struct inventory *inv, const char *buf,
			   size_t len, const char *path, int layer,
			   inv_warn_fn warn, void *ctx);
int inv_parse_cargo_lock(struct inventory *inv, const char *buf, size_t len,
			 const char *path, int layer, inv_warn_fn warn,
			 void *ctx);
int inv_parse_rpmdb_sqlite(struct inventory *inv, const char *dbfile,
			   const char *path, int layer, inv_warn_fn warn,
			   void *ctx);
/* The rpm database's older forms, read from the file's content (at most
 * INV_MAX_RPMDB bytes, 512 MiB): a BerkeleyDB hash database
 * (var/lib/rpm/Packages, RHEL <= 8, CentOS 7, Amazon Linux 2; either byte
 * order, any page size) and rpm's own ndb format (Packages.db, SUSE).
 * Damage (bad pages, broken overflow chains, truncation) is reported and
 * the packages read before and around it are kept. */
int inv_parse_rpmdb_bdb(struct inventory *inv, const char *buf, size_t len,
			const char *path, int layer, inv_warn_fn warn,
			void *ctx);
int inv_parse_rpmdb_ndb(struct inventory *inv, const char *buf, size_t len,
			const char *path, int layer, inv_warn_fn warn,
			void *ctx);

/* Appends a package (strings are copied; purl computed later when NULL).
 * Returns a pointer to the stored package or NULL on -ENOMEM. */
struct inv_package *inv_add(struct inventory *inv, enum inv_type type,
			    const char *name, const char *version,
			    const char *path, int layer);
/* Replaces *field with a copy of value (value may be NULL).  0 / -ENOMEM. */
int inv_set(char **field, const char *value);

/* Computes purls for every package lacking one, sorts and deduplicates. */
int inventory_finish(struct inventory *inv);

#endif
