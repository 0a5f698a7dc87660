/*
 * parse_rpm.c - rpm package headers, and the rpm database in its SQLite
 * form (rpmdb.sqlite, rpm >= 4.16: RHEL 9, Fedora 33+, Rocky/Alma 9).  The
 * caller copies the SQLite file out of the image into a private temporary
 * file and passes its name.  The BerkeleyDB and ndb forms have their own
 * readers (parse_rpm_bdb.c, parse_rpm_ndb.c); all three hand each header
 * blob to inv_rpm_add_header() here.
 *
 * The table Packages(hnum INTEGER, blob BLOB) holds one rpm header per
 * installed package, without the 8-byte header magic (a blob that carries
 * it anyway, 8e ad e8 01 00 00 00 00, is accepted):
 *
 *   be32 il            number of index entries
 *   be32 dl            size of the data store
 *   il x {be32 tag, be32 type, be32 offset, be32 count}
 *   dl bytes of data   (strings NUL-terminated, integers big-endian)
 *
 * Read tags: NAME 1000, VERSION 1001, RELEASE 1002, EPOCH 1003 (INT32),
 * LICENSE 1014, ARCH 1022, SOURCERPM 1044.  The version is
 * "[epoch:]version-release" (epoch only when non-zero); the source name
 * and version come from the source rpm's file name
 * "openssl-3.0.7-24.el9.src.rpm".  gpg-pubkey pseudo-packages (imported
 * signing keys) are not software and are skipped.
 *
 * The database is hostile input: it is opened read-only and immutable
 * (no journal, no locking, nothing written next to it), in defensive mode
 * with untrusted schema, "Packages" must be a real table (not a view that
 * could run arbitrary SQL), the statement is bounded by a progress
 * handler, and every header offset is checked against the blob.
 */
#include "inventory/inventory_int.h"

#include <errno.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RPM_MAX_INDEX 0xffffu
#define RPM_MAX_VM_STEPS 100000000L /* progress callbacks x 1000 ops */

enum {
	TAG_NAME = 1000,
	TAG_VERSION = 1001,
	TAG_RELEASE = 1002,
	TAG_EPOCH = 1003,
	TAG_LICENSE = 1014,
	TAG_ARCH = 1022,
	TAG_SOURCERPM = 1044,
};

enum { RPM_INT32 = 4, RPM_STRING = 6, RPM_STRING_ARRAY = 8, RPM_I18N = 9 };

struct rpm_hdr {
	const char *name, *version, *release, *license, *arch, *sourcerpm;
	long epoch; /* -1 absent */
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static const struct {
	uint32_t tag;
	size_t off;
} str_tags[] = {
    {TAG_NAME, offsetof(struct rpm_hdr, name)},
    {TAG_VERSION, offsetof(struct rpm_hdr, version)},
    {TAG_RELEASE, offsetof(struct rpm_hdr, release)},
    {TAG_LICENSE, offsetof(struct rpm_hdr, license)},
    {TAG_ARCH, offsetof(struct rpm_hdr, arch)},
    {TAG_SOURCERPM, offsetof(struct rpm_hdr, sourcerpm)},
};

/* Fills h from the blob; strings point into the blob and are
 * NUL-terminated inside it.  -EINVAL when the blob is malformed.  Only the
 * first entry of each wanted tag is looked at, so the work is linear in
 * the blob's size whatever its index holds. */
static int parse_header(const unsigned char *b, size_t len, struct rpm_hdr *h)
{
	static const unsigned char magic[8] = {0x8e, 0xad, 0xe8, 0x01,
					       0,    0,	   0,	 0};
	uint32_t il, dl, i;
	const unsigned char *data;
	unsigned seen = 0, epoch_seen = 0;
	size_t k;

	memset(h, 0, sizeof(*h));
	h->epoch = -1;
	if (len >= 16 && !memcmp(b, magic, sizeof(magic))) {
		b += 8;
		len -= 8;
	}
	if (len < 8)
		return -EINVAL;
	il = be32(b);
	dl = be32(b + 4);
	if (il > RPM_MAX_INDEX || (uint64_t)il * 16 + dl + 8 > len)
		return -EINVAL;
	data = b + 8 + (size_t)il * 16;
	for (i = 0; i < il; i++) {
		const unsigned char *e = b + 8 + (size_t)i * 16;
		uint32_t tag = be32(e), type = be32(e + 4), off = be32(e + 8);
		const char **dst = NULL;

		if (off >= dl)
			continue;
		if (tag == TAG_EPOCH) {
			if (!epoch_seen && type == RPM_INT32 && dl - off >= 4)
				h->epoch = (long)be32(data + off);
			epoch_seen = 1;
			continue;
		}
		for (k = 0; k < sizeof(str_tags) / sizeof(str_tags[0]); k++)
			if (str_tags[k].tag == tag && !(seen & (1u << k))) {
				dst = (const char **)((char *)h +
						      str_tags[k].off);
				seen |= 1u << k;
			}
		if (!dst)
			continue;
		if (type != RPM_STRING && type != RPM_I18N &&
		    type != RPM_STRING_ARRAY)
			continue;
		if (!memchr(data + off, 0, dl - off))
			continue; /* not terminated inside the store */
		*dst = (const char *)data + off;
	}
	return 0;
}

static int ends_with(const char *s, size_t n, const char *suf, size_t *rest)
{
	size_t m = strlen(suf);

	if (n < m || memcmp(s + n - m, suf, m))
		return 0;
	*rest = n - m;
	return 1;
}

/* "openssl-3.0.7-24.el9.src.rpm" -> name "openssl", "3.0.7-24.el9" */
static int split_srpm(const char *s, const char **name, size_t *nn,
		      const char **ver, size_t *vn)
{
	size_t n = strlen(s), i, dash1 = 0, dash2 = 0;

	if (!ends_with(s, n, ".src.rpm", &n) &&
	    !ends_with(s, n, ".nosrc.rpm", &n))
		return 0;
	for (i = n; i > 0; i--)
		if (s[i - 1] == '-') {
			if (!dash2)
				dash2 = i; /* release starts here */
			else {
				dash1 = i; /* version starts here */
				break;
			}
		}
	if (!dash1 || dash1 < 2)
		return 0;
	*name = s;
	*nn = dash1 - 1;
	*ver = s + dash1;
	*vn = n - dash1;
	return 1;
}

static int add_package(struct inventory *inv, struct inv_diag *d,
		       const struct rpm_hdr *h, const char *path, int layer)
{
	char ver[2 * INV_MAX_FIELD + 32], sver[2 * INV_MAX_FIELD + 32];
	char ep[24] = "";
	const char *sn, *sv;
	size_t snn, svn;
	struct inv_package *p;

	if (!h->name || !h->version || !h->release) {
		inv_diag_warn(d, 0, "header without name, version or release");
		return 0;
	}
	if (!strcmp(h->name, "gpg-pubkey"))
		return 0;
	if (!inv_valid_token(h->name, strlen(h->name), 1) ||
	    !inv_valid_token(h->version, strlen(h->version), 1) ||
	    !inv_valid_token(h->release, strlen(h->release), 1)) {
		inv_diag_warn(d, 0, "invalid name, version or release");
		return 0;
	}
	if (h->epoch > 0)
		snprintf(ep, sizeof(ep), "%ld:", h->epoch);
	snprintf(ver, sizeof(ver), "%s%s-%s", ep, h->version, h->release);
	p = inv_add(inv, INV_RPM, h->name, ver, path, layer);
	if (!p)
		return -ENOMEM;
	if (h->sourcerpm && split_srpm(h->sourcerpm, &sn, &snn, &sv, &svn) &&
	    inv_valid_token(sn, snn, 1) && inv_valid_token(sv, svn, 1)) {
		snprintf(sver, sizeof(sver), "%s%.*s", ep, (int)svn, sv);
		if (inv_setn(&p->src_name, sn, snn) ||
		    inv_set(&p->src_version, sver))
			return -ENOMEM;
	} else if (inv_set(&p->src_name, h->name) ||
		   inv_set(&p->src_version, ver)) {
		return -ENOMEM;
	}
	if (h->arch && inv_valid_token(h->arch, strlen(h->arch), 1) &&
	    inv_set(&p->arch, h->arch))
		return -ENOMEM;
	if (h->license && *h->license &&
	    inv_setn(&p->license, h->license,
		     strnlen(h->license, INV_MAX_LICENSE)))
		return -ENOMEM;
	return 0;
}

int inv_rpm_add_header(struct inventory *inv, struct inv_diag *d,
		       const void *blob, size_t len, const char *path,
		       int layer)
{
	struct rpm_hdr h;

	if (!blob || len > INV_MAX_RPM_HEADER || parse_header(blob, len, &h))
		return -EINVAL;
	return add_package(inv, d, &h, path, layer);
}

static int progress(void *ctx)
{
	long *left = ctx;

	return --*left <= 0;
}

/* "file:<path>?immutable=1" with the path's URI-special bytes escaped. */
static char *db_uri(const char *file)
{
	size_t n = strlen(file), i, o = 0;
	char *u = malloc(n * 3 + 32);

	if (!u)
		return NULL;
	o += (size_t)snprintf(u, 8, "file:");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)file[i];

		if (c == '%' || c == '?' || c == '#' || c <= 0x20 ||
		    c >= 0x7f) {
			snprintf(u + o, 4, "%%%02X", c);
			o += 3;
		} else {
			u[o++] = (char)c;
		}
	}
	snprintf(u + o, 16, "?immutable=1");
	return u;
}

int inv_parse_rpmdb_sqlite(struct inventory *inv, const char *dbfile,
			   const char *path, int layer, inv_warn_fn warn,
			   void *ctx)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct inv_diag d;
	long steps = RPM_MAX_VM_STEPS;
	char *uri;
	int rc = 0, r, nbad = 0;

	inv_diag_init(&d, inv, warn, ctx, path);
	if (!dbfile)
		return -EINVAL;
	uri = db_uri(dbfile);
	if (!uri)
		return -ENOMEM;
	r = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
			    NULL);
	free(uri);
	if (r != SQLITE_OK) {
		inv_diag_warn(&d, 0, "cannot open the rpm database: %s",
			      db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return -EINVAL;
	}
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_progress_handler(db, 1000, progress, &steps);
	sqlite3_exec(db, "PRAGMA cell_size_check=ON", NULL, NULL, NULL);

	r = sqlite3_prepare_v2(db,
			       "SELECT type FROM sqlite_master WHERE "
			       "name = 'Packages'",
			       -1, &st, NULL);
	if (r != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW ||
	    !sqlite3_column_text(st, 0) ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "table")) {
		inv_diag_warn(&d, 0, "not an rpm database: %s",
			      r == SQLITE_OK ? "no Packages table"
					     : sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	r = sqlite3_prepare_v2(db, "SELECT blob FROM Packages", -1, &st, NULL);
	if (r != SQLITE_OK) {
		inv_diag_warn(&d, 0, "rpm database: %s", sqlite3_errmsg(db));
		goto out;
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const void *blob = sqlite3_column_blob(st, 0);
		int blen = sqlite3_column_bytes(st, 0);

		rc = blen > 0 ? inv_rpm_add_header(inv, &d, blob, (size_t)blen,
						   path, layer)
			      : -EINVAL;
		if (rc == -EINVAL) {
			if (nbad++ < 1)
				inv_diag_warn(&d, 0,
					      "malformed package header");
			rc = 0;
			continue;
		}
		if (rc)
			break;
	}
	if (!rc && r != SQLITE_DONE)
		inv_diag_warn(&d, 0, "rpm database read stopped: %s",
			      r == SQLITE_INTERRUPT ? "too much work"
						    : sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return inv_diag_result(&d, rc);
}
