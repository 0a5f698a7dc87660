/*
 * parse_rpm_bdb.c - the rpm database in its BerkeleyDB form
 * (var/lib/rpm/Packages: RHEL/CentOS <= 8, Amazon Linux 2), read straight
 * from the file's bytes without libdb.
 *
 * The file is a Berkeley DB hash database: pages of pagesize bytes, all
 * integers in the byte order of the machine that wrote it.  Page 0 is the
 * meta page: magic 0x061561 at offset 12 (its byte order gives the file's),
 * version at 16, pagesize at 20, page type 8 (P_HASHMETA) at 25, last_pgno
 * at 32.  Every page starts with a 26-byte header:
 *
 *   lsn 8 | pgno 4 | prev_pgno 4 | next_pgno 4 | entries 2 | hf_offset 2 |
 *   level 1 | type 1
 *
 * Hash pages (type 13 P_HASH, 2 P_HASH_UNSORTED) hold after the header an
 * index of `entries` 2-byte offsets to items packed from the end of the
 * page downwards: item i spans [inp[i], inp[i-1]) (inp[-1] = pagesize).
 * Items alternate key, data.  An item's first byte is its type:
 * H_KEYDATA (1) is followed by the bytes; H_OFFPAGE (3) is
 * {type, 3 pad, be-or-le32 pgno, tlen} naming a chain of P_OVERFLOW (7)
 * pages, each holding hf_offset bytes after its header and linked by
 * next_pgno.  In rpm's Packages the keys are 4-byte header numbers (0
 * holds a counter, not a package) and the data are header blobs.
 *
 * Every hash page of the file is visited in order; the hash structure
 * (buckets, meta spares) is not needed to list every record.  Hostile
 * input: every offset, length and page number is checked against the
 * page and the file; items on one page must not overlap; an overflow
 * chain is followed for at most tlen bytes, and all chains together may
 * visit at most as many pages as the file has, which bounds the work to
 * the file's size and breaks cycles.
 */
#include "inventory/inventory_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BDB_HASH_MAGIC 0x061561u
#define BDB_PAGE_HDR 26u
#define BDB_MIN_PAGE 512u
#define BDB_MAX_PAGE 65536u

enum {
	P_HASH_UNSORTED = 2,
	P_OVERFLOW = 7,
	P_HASHMETA = 8,
	P_HASH = 13,
};

enum { H_KEYDATA = 1, H_DUPLICATE = 2, H_OFFPAGE = 3, H_OFFDUP = 4 };

struct bdb {
	const unsigned char *buf;
	size_t npages;
	uint32_t pgsize;
	int be;
	size_t budget; /* overflow page visits left */
	struct inv_diag *d;
};

static uint32_t rd32(const struct bdb *b, const unsigned char *p)
{
	if (b->be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static uint16_t rd16(const struct bdb *b, const unsigned char *p)
{
	return b->be ? (uint16_t)(p[0] << 8 | p[1])
		     : (uint16_t)(p[1] << 8 | p[0]);
}

static const unsigned char *page(const struct bdb *b, size_t pgno)
{
	return b->buf + pgno * b->pgsize;
}

/* Reads the meta page: byte order and page size.  -EINVAL if it is not a
 * hash database. */
static int read_meta(struct bdb *b, const unsigned char *buf, size_t len)
{
	uint32_t ps;

	if (len < BDB_MIN_PAGE)
		return -EINVAL;
	b->be = 0;
	if (rd32(b, buf + 12) != BDB_HASH_MAGIC) {
		b->be = 1;
		if (rd32(b, buf + 12) != BDB_HASH_MAGIC)
			return -EINVAL;
	}
	ps = rd32(b, buf + 20);
	if (ps < BDB_MIN_PAGE || ps > BDB_MAX_PAGE || (ps & (ps - 1)) ||
	    buf[25] != P_HASHMETA)
		return -EINVAL;
	b->pgsize = ps;
	return 0;
}

/* Copies the overflow chain starting at pgno, tlen bytes, into a new
 * buffer (the caller frees it).  -EINVAL on a broken chain (reported),
 * -ENOMEM. */
static int read_overflow(struct bdb *b, uint32_t pgno, uint32_t tlen,
			 unsigned char **ret)
{
	unsigned char *out;
	size_t got = 0;

	if (tlen == 0 || tlen > INV_MAX_RPM_HEADER ||
	    tlen > (uint64_t)b->npages * b->pgsize) {
		inv_diag_warn(b->d, 0, "overflow item of %u bytes", tlen);
		return -EINVAL;
	}
	out = malloc(tlen);
	if (!out)
		return -ENOMEM;
	while (got < tlen) {
		const unsigned char *p;
		uint16_t used;

		if (pgno == 0 || pgno >= b->npages) {
			inv_diag_warn(b->d, 0,
				      "overflow chain leaves the file "
				      "(page %u of %zu)",
				      pgno, b->npages);
			goto bad;
		}
		if (b->budget == 0) {
			inv_diag_warn(b->d, 0,
				      "overflow chains visit more pages "
				      "than the file holds (a cycle?)");
			goto bad;
		}
		b->budget--;
		p = page(b, pgno);
		used = rd16(b, p + 22);
		if (p[25] != P_OVERFLOW || used == 0 ||
		    used > b->pgsize - BDB_PAGE_HDR || used > tlen - got) {
			inv_diag_warn(b->d, 0, "bad overflow page %u", pgno);
			goto bad;
		}
		memcpy(out + got, p + BDB_PAGE_HDR, used);
		got += used;
		pgno = rd32(b, p + 16);
	}
	*ret = out;
	return 0;
bad:
	free(out);
	return -EINVAL;
}

/* The bounds [*off, *end) of item i on page p with n index entries. */
static int item(const struct bdb *b, const unsigned char *p, uint16_t n,
		uint16_t i, uint32_t *off, uint32_t *end)
{
	uint32_t o = rd16(b, p + BDB_PAGE_HDR + 2u * i);
	uint32_t e =
	    i == 0 ? b->pgsize : rd16(b, p + BDB_PAGE_HDR + 2u * (i - 1));

	if (o < BDB_PAGE_HDR + 2u * n || o >= e || e > b->pgsize)
		return -EINVAL;
	*off = o;
	*end = e;
	return 0;
}

/* One key/data pair at index entries i, i+1 of hash page pgno. */
static int read_pair(struct bdb *b, struct inventory *inv, size_t pgno,
		     uint16_t n, uint16_t i, const char *path, int layer)
{
	const unsigned char *p = page(b, pgno), *it;
	uint32_t ko, ke, vo, ve;
	unsigned char *blob = NULL;
	int rc;

	if (item(b, p, n, i, &ko, &ke) || item(b, p, n, i + 1, &vo, &ve)) {
		inv_diag_warn(b->d, 0, "bad item offset on page %zu", pgno);
		return -EINVAL;
	}
	/* The key: a 4-byte header number; 0 is rpm's counter record. */
	if (p[ko] != H_KEYDATA || ke - ko != 5) {
		inv_diag_warn(b->d, 0, "unexpected key on page %zu", pgno);
		return -EINVAL;
	}
	if (rd32(b, p + ko + 1) == 0)
		return 0;
	it = p + vo;
	switch (it[0]) {
	case H_KEYDATA:
		rc = inv_rpm_add_header(inv, b->d, it + 1, ve - vo - 1, path,
					layer);
		break;
	case H_OFFPAGE:
		if (ve - vo < 12) {
			inv_diag_warn(b->d, 0,
				      "short overflow item on page %zu", pgno);
			return -EINVAL;
		}
		rc = read_overflow(b, rd32(b, it + 4), rd32(b, it + 8), &blob);
		if (rc)
			return rc;
		rc = inv_rpm_add_header(inv, b->d, blob, rd32(b, it + 8), path,
					layer);
		free(blob);
		break;
	default:
		inv_diag_warn(b->d, 0, "unexpected item type %u on page %zu",
			      it[0], pgno);
		return -EINVAL;
	}
	if (rc == -EINVAL)
		inv_diag_warn(b->d, 0, "malformed package header (page %zu)",
			      pgno);
	return rc;
}

static int read_hash_page(struct bdb *b, struct inventory *inv, size_t pgno,
			  const char *path, int layer)
{
	const unsigned char *p = page(b, pgno);
	uint16_t n = rd16(b, p + 20), i;
	int rc;

	if (BDB_PAGE_HDR + 2u * n > b->pgsize) {
		inv_diag_warn(b->d, 0, "hash page %zu: %u entries do not fit",
			      pgno, n);
		return 0;
	}
	if (n % 2)
		inv_diag_warn(b->d, 0, "hash page %zu: key without data", pgno);
	for (i = 0; i + 1 < n; i += 2) {
		rc = read_pair(b, inv, pgno, n, i, path, layer);
		if (rc == -ENOMEM)
			return rc;
	}
	return 0;
}

int inv_parse_rpmdb_bdb(struct inventory *inv, const char *buf, size_t len,
			const char *path, int layer, inv_warn_fn warn,
			void *ctx)
{
	struct inv_diag d;
	struct bdb b;
	uint32_t last;
	size_t pg;
	int rc = 0;

	inv_diag_init(&d, inv, warn, ctx, path);
	memset(&b, 0, sizeof(b));
	b.d = &d;
	b.buf = (const unsigned char *)buf;
	if (!buf || read_meta(&b, b.buf, len)) {
		inv_diag_warn(&d, 0, "not a Berkeley DB hash database");
		return inv_diag_result(&d, 0);
	}
	if (len > INV_MAX_RPMDB) {
		inv_diag_warn(&d, 0, "rpm database larger than %u bytes",
			      INV_MAX_RPMDB);
		return inv_diag_result(&d, 0);
	}
	b.npages = len / b.pgsize;
	b.budget = b.npages;
	last = rd32(&b, b.buf + 32);
	if (len % b.pgsize || (uint64_t)last + 1 > b.npages)
		inv_diag_warn(&d, 0,
			      "truncated: %zu bytes, %llu pages of %u expected",
			      len, (unsigned long long)last + 1, b.pgsize);
	for (pg = 1; pg < b.npages; pg++) {
		uint8_t type = page(&b, pg)[25];

		if (type != P_HASH && type != P_HASH_UNSORTED)
			continue;
		rc = read_hash_page(&b, inv, pg, path, layer);
		if (rc)
			break;
	}
	return inv_diag_result(&d, rc == -EINVAL ? 0 : rc);
}
