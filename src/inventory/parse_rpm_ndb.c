/*
 * parse_rpm_ndb.c - the rpm database in rpm's own "ndb" form
 * (Packages.db: SUSE, openSUSE), read from the file's bytes.  The layout
 * is the one rpm's lib/backend/ndb/rpmpkg.c writes; every integer is
 * little-endian:
 *
 *   header (32 bytes)  "RpmP" | version 0 | generation | slotnpages |
 *                      nextpkgidx | 12 bytes unused
 *   slot pages         slotnpages pages of 4096 bytes, 256 slots of 16
 *                      bytes each ("Slot" | pkgidx | blkoff | blkcnt), the
 *                      first two slots of page 0 being the header; a slot
 *                      with blkoff 0 is free
 *   blobs              at blkoff * 16, blkcnt 16-byte blocks:
 *                      "BlbS" | pkgidx | timestamp | bloblen |
 *                      bloblen bytes of rpm header | zero padding |
 *                      adler32 | bloblen | "BlbE"
 *                      where blkcnt = ceil((16 + bloblen + 12) / 16) and
 *                      the adler32 covers everything before it.
 *
 * Hostile input: the slot pages read are those announced that the file
 * holds and that begin with a slot (past them lie blobs, whatever the
 * header claims); each slot's blob must lie after the slot pages and
 * inside the file, its head and tail must agree with the slot and with
 * each other and its checksum must match, else the slot is reported and
 * skipped.  Slots may not overlap in a real database, so all blobs
 * together may cover at most the file's size: past that the rest is
 * reported and not read, which bounds the work.  The LZO-compressed
 * variant (an rpm build option no distribution uses) is not read.
 */
#include "inventory/inventory_int.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#define NDB_HEADER_SIZE 32u
#define NDB_PAGE_SIZE 4096u
#define NDB_SLOT_SIZE 16u
#define NDB_BLK_SIZE 16u
#define NDB_BLOB_HEAD 16u
#define NDB_BLOB_TAIL 12u

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

/* Adler-32 (RFC 1950). */
static uint32_t adler32(const unsigned char *p, size_t n)
{
	uint32_t s1 = 1, s2 = 0;

	while (n) {
		size_t k = n < 5552 ? n : 5552;

		n -= k;
		while (k--) {
			s1 += *p++;
			s2 += s1;
		}
		s1 %= 65521;
		s2 %= 65521;
	}
	return s2 << 16 | s1;
}

/* Checks the blob a slot names; 0 and its header bytes, or -EINVAL with
 * the reason in *why. */
static int check_blob(const unsigned char *buf, size_t len, uint32_t pkgidx,
		      uint32_t blkoff, uint32_t blkcnt,
		      const unsigned char **ret, size_t *ret_len,
		      const char **why)
{
	uint64_t off = (uint64_t)blkoff * NDB_BLK_SIZE;
	uint64_t size = (uint64_t)blkcnt * NDB_BLK_SIZE;
	const unsigned char *b, *tail;
	uint32_t bloblen;

	if (off + size > len) {
		*why = "blob beyond the end of the file (truncated?)";
		return -EINVAL;
	}
	if (size < NDB_BLOB_HEAD + NDB_BLOB_TAIL) {
		*why = "blob too small";
		return -EINVAL;
	}
	b = buf + off;
	bloblen = le32(b + 12);
	if (memcmp(b, "BlbS", 4) || le32(b + 4) != pkgidx) {
		*why = "bad blob head";
		return -EINVAL;
	}
	if ((uint64_t)bloblen + NDB_BLOB_HEAD + NDB_BLOB_TAIL + NDB_BLK_SIZE -
		    1 <
		size ||
	    (uint64_t)bloblen + NDB_BLOB_HEAD + NDB_BLOB_TAIL > size) {
		*why = "blob length does not match its slot";
		return -EINVAL;
	}
	tail = b + size - NDB_BLOB_TAIL;
	if (memcmp(tail + 8, "BlbE", 4) || le32(tail + 4) != bloblen) {
		*why = "bad blob tail";
		return -EINVAL;
	}
	if (le32(tail) != adler32(b, (size_t)size - NDB_BLOB_TAIL)) {
		*why = "blob checksum mismatch";
		return -EINVAL;
	}
	*ret = b + NDB_BLOB_HEAD;
	*ret_len = bloblen;
	return 0;
}

int inv_parse_rpmdb_ndb(struct inventory *inv, const char *buf, size_t len,
			const char *path, int layer, inv_warn_fn warn,
			void *ctx)
{
	const unsigned char *u = (const unsigned char *)buf;
	struct inv_diag d;
	uint32_t npages, announced, version;
	uint64_t nslots, s, covered = 0;
	int rc = 0;

	inv_diag_init(&d, inv, warn, ctx, path);
	if (!buf || len < NDB_HEADER_SIZE || memcmp(u, "RpmP", 4)) {
		inv_diag_warn(&d, 0, "not an rpm ndb database");
		return inv_diag_result(&d, 0);
	}
	if (len > INV_MAX_RPMDB) {
		inv_diag_warn(&d, 0, "rpm database larger than %u bytes",
			      INV_MAX_RPMDB);
		return inv_diag_result(&d, 0);
	}
	version = le32(u + 4);
	if (version != 0) {
		inv_diag_warn(&d, 0, "ndb version %u not supported", version);
		return inv_diag_result(&d, 0);
	}
	/* The slot pages announced, as far as the file holds them and (after
	 * the first, which holds the header) they begin with a slot: past
	 * them lie blobs, not slots. */
	announced = le32(u + 12);
	for (npages = 0; npages < announced &&
			 (uint64_t)(npages + 1) * NDB_PAGE_SIZE <= len;
	     npages++)
		if (npages &&
		    memcmp(u + (size_t)npages * NDB_PAGE_SIZE, "Slot", 4))
			break;
	if (npages < announced || npages == 0) {
		inv_diag_warn(&d, 0,
			      "%u slot pages announced, %u present (truncated "
			      "or damaged)",
			      announced, npages);
		if (npages == 0)
			return inv_diag_result(&d, 0);
	}
	nslots = (uint64_t)npages * (NDB_PAGE_SIZE / NDB_SLOT_SIZE);
	for (s = NDB_HEADER_SIZE / NDB_SLOT_SIZE; s < nslots; s++) {
		const unsigned char *sl = u + s * NDB_SLOT_SIZE, *blob;
		uint32_t pkgidx = le32(sl + 4), blkoff = le32(sl + 8);
		uint32_t blkcnt = le32(sl + 12);
		const char *why = NULL;
		size_t blen;

		if (memcmp(sl, "Slot", 4)) {
			inv_diag_warn(&d, 0, "bad slot %llu",
				      (unsigned long long)s);
			continue;
		}
		if (blkoff == 0)
			continue; /* free */
		if (pkgidx == 0 || blkcnt == 0 ||
		    (uint64_t)blkoff * NDB_BLK_SIZE <
			(uint64_t)npages * NDB_PAGE_SIZE) {
			inv_diag_warn(&d, 0, "bad slot %llu (package %u)",
				      (unsigned long long)s, pkgidx);
			continue;
		}
		if (((uint64_t)blkoff + blkcnt) * NDB_BLK_SIZE > len) {
			inv_diag_warn(&d, 0,
				      "package %u: blob beyond the end of the "
				      "file (truncated?)",
				      pkgidx);
			continue;
		}
		covered += (uint64_t)blkcnt * NDB_BLK_SIZE;
		if (covered > len) {
			inv_diag_warn(&d, 0,
				      "slots cover more than the file "
				      "(overlapping blobs), rest not read");
			break;
		}
		if (check_blob(u, len, pkgidx, blkoff, blkcnt, &blob, &blen,
			       &why)) {
			inv_diag_warn(&d, 0, "package %u: %s", pkgidx, why);
			continue;
		}
		rc = inv_rpm_add_header(inv, &d, blob, blen, path, layer);
		if (rc == -EINVAL) {
			inv_diag_warn(&d, 0,
				      "package %u: malformed package header",
				      pkgidx);
			rc = 0;
		}
		if (rc)
			break;
	}
	return inv_diag_result(&d, rc);
}
