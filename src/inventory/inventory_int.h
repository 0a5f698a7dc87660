/*
 * inventory_int.h - what the inventory's files share and nobody else may
 * use: the named limits, the per-file diagnostics helper every parser
 * reports through, length-carrying line iteration, and the purl and ELF
 * helpers.
 *
 * Diagnostics: each parser call owns one struct inv_diag.  inv_diag_warn()
 * formats a struct bw_error naming the file and line, hands it to the
 * caller's warn callback and counts it in inv->nwarnings.  A hostile file
 * can hold millions of bad lines, so after INV_MAX_WARN_PER_FILE reports
 * one "further problems not reported" message is sent and the rest only
 * mark the file as malformed (the parser still returns -EINVAL).
 */
#ifndef BW_INVENTORY_INVENTORY_INT_H
#define BW_INVENTORY_INVENTORY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "inventory/inventory.h"

#define INV_MAX_PKGS 2000000u	       /* packages in one inventory */
#define INV_MAX_FIELD 4096u	       /* longest name/version kept */
#define INV_MAX_LICENSE 1024u	       /* longer licenses are truncated */
#define INV_MAX_WARN_PER_FILE 20       /* then one "suppressed" message */
#define INV_MAX_JSON (64u << 20)       /* package.json, package-lock.json */
#define INV_MAX_FILE (256u << 20)      /* any file read from an image */
#define INV_MAX_JAR_DEPTH 3	       /* outer archive = depth 0 */
#define INV_MAX_NESTED_JAR (64u << 20) /* one nested archive */
#define INV_MAX_JAR_TOTAL (512u << 20) /* decompressed per top archive */
#define INV_MAX_JAR_ENTRIES 200000u    /* entries per archive */
#define INV_MAX_JAR_META (1u << 20)    /* MANIFEST.MF, pom.properties */
#define INV_MAX_NPM_DEPTH 64	       /* lockfile v1 dependency nesting */
#define INV_MAX_DEPV0 (16u << 20)      /* inflated cargo-auditable JSON */
#define INV_MAX_RPMDB (512u << 20)     /* rpm Packages (BerkeleyDB, ndb) */
#define INV_MAX_RPM_HEADER (64u << 20) /* one rpm header blob */

struct inv_diag {
	struct inventory *inv;
	inv_warn_fn warn;
	void *ctx;
	const char *path;
	int nreported;
	int bad; /* a problem was seen: the parser returns -EINVAL */
};

void inv_diag_init(struct inv_diag *d, struct inventory *inv, inv_warn_fn warn,
		   void *ctx, const char *path);
/* Reports a problem at line (0 = unknown); returns -EINVAL. */
int inv_diag_warn(struct inv_diag *d, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* 0 when nothing went wrong, -EINVAL otherwise (or rc when rc < 0 and
 * not -EINVAL, e.g. -ENOMEM). */
int inv_diag_result(const struct inv_diag *d, int rc);

/* inv_add() for length-carrying name and version (version may be NULL). */
struct inv_package *inv_addn(struct inventory *inv, enum inv_type type,
			     const char *name, size_t name_len,
			     const char *version, size_t version_len,
			     const char *path, int layer);

/* Copy of s[0..n) with a NUL; NULL on -ENOMEM. */
char *inv_strndup(const char *s, size_t n);
/* inv_set() for a length-carrying value. */
int inv_setn(char **field, const char *s, size_t n);
/* Trims ASCII blanks (space, tab, CR) at both ends of [*s, *s + *n). */
void inv_trim(const char **s, size_t *n);

/* 1 when s[0..n) is usable as a package name or version: not empty, at
 * most INV_MAX_FIELD bytes, no control bytes; with no_space also no blanks. */
int inv_valid_token(const char *s, size_t n, int no_space);

/* Line iteration over a buffer that need not be NUL-terminated.  Lines
 * end at '\n'; a trailing '\r' is dropped.  lineno is 1-based. */
struct inv_lines {
	const char *p, *end;
	int lineno;
};
void inv_lines_init(struct inv_lines *it, const char *buf, size_t len);
/* 1 and the line, or 0 at the end. */
int inv_lines_next(struct inv_lines *it, const char **line, size_t *len);

/* The package URL of p (purl.c); a new string, NULL on -ENOMEM. */
char *inv_purl(const struct inventory *inv, const struct inv_package *p);

/* Finds section name in an ELF image (32/64-bit, either byte order), every
 * offset bounded by len.  0 and the section's bytes, -ENOENT when absent,
 * -EINVAL when buf is not a well-formed ELF file. */
int inv_elf_section(const char *buf, size_t len, const char *name,
		    const char **ret, size_t *ret_len);

/* Parses one rpm header blob (be32 il, be32 dl, il index entries, dl data
 * bytes; the 8-byte header magic before it is optional, at most
 * INV_MAX_RPM_HEADER bytes) and appends its package: the part the SQLite,
 * BerkeleyDB and ndb readers share.  0 when added or deliberately skipped
 * (gpg-pubkey; a header lacking name, version or release is reported
 * through d), -EINVAL when the blob is malformed (not reported: the caller
 * says where it was), -ENOMEM. */
int inv_rpm_add_header(struct inventory *inv, struct inv_diag *d,
		       const void *blob, size_t len, const char *path,
		       int layer);

/* cargo-auditable ".dep-v0" section content (zlib-compressed JSON). */
int inv_parse_cargo_auditable(struct inventory *inv, const char *buf,
			      size_t len, const char *path, int layer,
			      inv_warn_fn warn, void *ctx);

#endif
