/* test_inventory_rpm.c - the rpm database's older forms: BerkeleyDB hash
 * (var/lib/rpm/Packages) and ndb (Packages.db), read by
 * inv_parse_rpmdb_bdb / inv_parse_rpmdb_ndb over hand-built rpm headers.
 *
 * The BerkeleyDB fixtures are real Berkeley DB files, written at test time
 * by db_load (Debian's db5.3-util) from a "db_load -T -t hash" text dump:
 * little-endian with 4096- and 16384-byte pages and big-endian 4096, each
 * holding rpm's counter record (key 0), small headers stored inline, and
 * headers larger than a page stored on overflow chains.  Without db_load
 * the BerkeleyDB tests are skipped, or fail when CI=true.  The ndb files
 * are built here following rpm's lib/backend/ndb/rpmpkg.c.  Damaged
 * copies (truncation, overflow cycles, bad slots, checksum mismatches,
 * overlapping blobs, random byte flips) must warn, keep the packages read
 * before the damage, and never crash.  Last, inventory_collect() over a
 * rootfs directory checks which database wins when several exist. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image.h"
#include "inventory/inventory.h"

/* ---- helpers ------------------------------------------------------------ */

struct warns {
	int n;
	char last[600];
};

static void on_warn(void *ctx, const struct bw_error *e)
{
	struct warns *w = ctx;

	w->n++;
	bw_error_str(e, w->last, sizeof(w->last));
}

static const struct inv_package *find(const struct inventory *inv,
				      const char *name)
{
	for (size_t i = 0; i < inv->npkgs; i++)
		if (!strcmp(inv->pkgs[i].name, name))
			return &inv->pkgs[i];
	return NULL;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* ---- rpm headers -------------------------------------------------------- */

struct spec {
	const char *name, *version, *release;
	long epoch; /* -1: no EPOCH tag */
	const char *srpm, *arch;
	size_t pad;	      /* bytes of description, to make it large */
	const char *src_name; /* expected */
	const char *want_version, *want_src_version;
};

static const struct spec specs[] = {
    {"openssl", "3.0.7", "24.el9", 1, "openssl-3.0.7-24.el9.src.rpm", "x86_64",
     0, "openssl", "1:3.0.7-24.el9", "1:3.0.7-24.el9"},
    {"openssl-libs", "3.0.7", "24.el9", 1, "openssl-3.0.7-24.el9.src.rpm",
     "x86_64", 0, "openssl", "1:3.0.7-24.el9", "1:3.0.7-24.el9"},
    /* 40000 bytes: an overflow chain of several pages at either size */
    {"bash", "5.1.8", "6.el9", -1, "bash-5.1.8-6.el9.src.rpm", "x86_64", 40000,
     "bash", "5.1.8-6.el9", "5.1.8-6.el9"},
    /* epoch 0 is not written */
    {"zlib", "1.2.11", "40.el9", 0, "zlib-1.2.11-40.el9.src.rpm", "x86_64", 0,
     "zlib", "1.2.11-40.el9", "1.2.11-40.el9"},
    /* off-page at 4096, inline at 16384 */
    {"python3-libs", "3.9.18", "1.el9", -1, "python3.9-3.9.18-1.el9.src.rpm",
     "x86_64", 3000, "python3.9", "3.9.18-1.el9", "3.9.18-1.el9"},
    /* an imported signing key: not a package */
    {"gpg-pubkey", "fd431d51", "4ae0493b", -1, NULL, NULL, 0, NULL, NULL, NULL},
};
#define NSPECS (sizeof(specs) / sizeof(specs[0]))
#define NREAL (NSPECS - 1) /* without gpg-pubkey */
#define NFILL 150	   /* small packages spreading over many pages */

struct blob {
	unsigned char *b;
	size_t n;
};

/* An rpm header blob (no magic) with the tags of s. */
static struct blob build_header(const struct spec *s)
{
	struct {
		uint32_t tag, type;
		const char *str;
		size_t len;
		uint32_t i;
	} t[9];
	char *desc = NULL;
	int n = 0, i;
	size_t dl = 0, idx = 8, total = 0;
	struct blob out;

	t[n++] = (typeof(t[0])){1000, 6, s->name, 0, 0};
	t[n++] = (typeof(t[0])){1001, 6, s->version, 0, 0};
	t[n++] = (typeof(t[0])){1002, 6, s->release, 0, 0};
	if (s->epoch >= 0)
		t[n++] = (typeof(t[0])){1003, 4, NULL, 0, (uint32_t)s->epoch};
	if (s->pad) {
		desc = malloc(s->pad + 1);
		assert_non_null(desc);
		memset(desc, 'd', s->pad);
		desc[s->pad] = 0;
		t[n++] = (typeof(t[0])){1005, 9, desc, 0, 0};
	}
	t[n++] = (typeof(t[0])){1014, 6, "MIT", 0, 0};
	if (s->arch)
		t[n++] = (typeof(t[0])){1022, 6, s->arch, 0, 0};
	if (s->srpm)
		t[n++] = (typeof(t[0])){1044, 6, s->srpm, 0, 0};
	for (i = 0; i < n; i++)
		total += t[i].str ? strlen(t[i].str) + 1 : 4;
	out.n = 8 + (size_t)n * 16 + total;
	out.b = calloc(1, out.n);
	assert_non_null(out.b);
	for (i = 0; i < n; i++) {
		unsigned char *e = out.b + idx, *d = out.b + 8 + n * 16;

		put_be32(e, t[i].tag);
		put_be32(e + 4, t[i].type);
		put_be32(e + 8, (uint32_t)dl);
		put_be32(e + 12, 1);
		idx += 16;
		if (t[i].str) {
			memcpy(d + dl, t[i].str, strlen(t[i].str) + 1);
			dl += strlen(t[i].str) + 1;
		} else {
			put_be32(d + dl, t[i].i);
			dl += 4;
		}
	}
	put_be32(out.b, (uint32_t)n);
	put_be32(out.b + 4, (uint32_t)dl);
	free(desc);
	return out;
}

/* All the headers of one database: the specs, then NFILL fillers. */
static struct blob *build_all(size_t *count, int nfill)
{
	struct blob *h = calloc(NSPECS + (size_t)nfill, sizeof(*h));
	size_t i;

	assert_non_null(h);
	for (i = 0; i < NSPECS; i++)
		h[i] = build_header(&specs[i]);
	for (i = 0; i < (size_t)nfill; i++) {
		char name[40], ver[32];
		struct spec s = {name,	   ver, "1",  -1,   NULL,
				 "noarch", 0,	NULL, NULL, NULL};

		snprintf(name, sizeof(name), "filler-%03zu", i);
		snprintf(ver, sizeof(ver), "1.%zu", i);
		h[NSPECS + i] = build_header(&s);
	}
	*count = NSPECS + (size_t)nfill;
	return h;
}

static void free_all(struct blob *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(h[i].b);
	free(h);
}

/* Every spec'd package present with exactly its fields. */
static void check_specs(const struct inventory *inv, const char *path)
{
	for (size_t i = 0; i < NSPECS; i++) {
		const struct spec *s = &specs[i];
		const struct inv_package *p = find(inv, s->name);

		if (!s->src_name) {
			assert_null(p);
			continue;
		}
		if (!p)
			fail_msg("package %s not found", s->name);
		assert_int_equal(p->type, INV_RPM);
		assert_string_equal(p->version, s->want_version);
		assert_string_equal(p->src_name, s->src_name);
		assert_string_equal(p->src_version, s->want_src_version);
		assert_string_equal(p->arch, s->arch);
		assert_string_equal(p->license, "MIT");
		assert_string_equal(p->path, path);
	}
}

static char *read_file(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void write_file(const char *file, const void *buf, size_t len)
{
	FILE *f = fopen(file, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Deterministic byte flips over a copy of buf: the reader must survive
 * every one (the sanitizer build checks the memory accesses). */
static void flip_bytes(const char *buf, size_t len,
		       int (*parse)(struct inventory *, const char *, size_t,
				    const char *, int, inv_warn_fn, void *),
		       int rounds)
{
	char *copy = malloc(len);
	uint32_t x = 2463534242u;

	assert_non_null(copy);
	for (int r = 0; r < rounds; r++) {
		struct inventory inv = {0};
		struct warns w = {0};

		memcpy(copy, buf, len);
		for (int k = 0; k < 1 + r % 8; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			copy[x % len] = (char)(x >> 24);
		}
		parse(&inv, copy, len, "Packages", 0, on_warn, &w);
		assert_true(inv.nwarnings <= 21);
		assert_int_equal(inventory_finish(&inv), 0);
		inventory_free(&inv);
	}
	free(copy);
}

/* ---- BerkeleyDB --------------------------------------------------------- */

static const char *db_load_cmd(void)
{
	static const char *const cands[] = {"db5.3_load", "db_load"};
	char cmd[128];

	for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
		snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1",
			 cands[i]);
		if (system(cmd) == 0)
			return cands[i];
	}
	return NULL;
}

/* NULL (test skipped) when db_load is missing outside CI. */
static const char *need_db_load(void)
{
	const char *c = db_load_cmd();
	const char *ci = getenv("CI");

	if (c)
		return c;
	if (ci && !strcmp(ci, "true"))
		fail_msg("db_load (Debian package db5.3-util) is required in "
			 "CI: run scripts/install-deps.sh");
	return NULL;
}

static void dump_item(FILE *f, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "\\%02x", b[i]);
	fputc('\n', f);
}

/* Writes a real Berkeley DB hash file at dbfile holding rpm's counter
 * record and headers h[0..n) under keys 1..n in the file's byte order.
 * Returns 0, or -1 when db_load failed. */
static int make_bdb(const char *tool, const char *dbfile, unsigned pagesize,
		    int big_endian, const struct blob *h, size_t n)
{
	char dump[] = "/tmp/bw-test-bdbdump-XXXXXX", cmd[4096];
	unsigned char key[4], counter[4];
	int fd = mkstemp(dump), rc;
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	memset(key, 0, sizeof(key));
	(big_endian ? put_be32 : put_le32)(counter, (uint32_t)n + 1);
	dump_item(f, key, 4);
	dump_item(f, counter, 4);
	for (size_t i = 0; i < n; i++) {
		(big_endian ? put_be32 : put_le32)(key, (uint32_t)i + 1);
		dump_item(f, key, 4);
		dump_item(f, h[i].b, h[i].n);
	}
	assert_int_equal(fclose(f), 0);
	unlink(dbfile);
	snprintf(cmd, sizeof(cmd),
		 "%s -T -t hash -c db_pagesize=%u -c db_lorder=%s -f %s %s",
		 tool, pagesize, big_endian ? "4321" : "1234", dump, dbfile);
	rc = system(cmd);
	unlink(dump);
	return rc == 0 ? 0 : -1;
}

/* Builds the standard fixture; NULL when the test is to be skipped. */
static char *bdb_fixture(unsigned pagesize, int big_endian, size_t *len)
{
	const char *tool = need_db_load();
	char file[] = "/tmp/bw-test-bdb-XXXXXX";
	struct blob *h;
	size_t n;
	char *buf;
	int fd;

	if (!tool)
		return NULL;
	fd = mkstemp(file);
	assert_true(fd >= 0);
	close(fd);
	h = build_all(&n, NFILL);
	if (make_bdb(tool, file, pagesize, big_endian, h, n))
		fail_msg("%s failed", tool);
	free_all(h, n);
	buf = read_file(file, len);
	unlink(file);
	return buf;
}

static void bdb_variant(unsigned pagesize, int big_endian)
{
	struct inventory inv = {0};
	struct warns w = {0};
	size_t len;
	char *buf = bdb_fixture(pagesize, big_endian, &len);

	if (!buf) {
		skip();
		return;
	}
	/* really what was asked for: page size and byte order in the meta */
	assert_true(len % pagesize == 0 && len / pagesize > 3);
	if (big_endian)
		assert_memory_equal(buf + 12, "\x00\x06\x15\x61", 4);
	else
		assert_memory_equal(buf + 12, "\x61\x15\x06\x00", 4);
	assert_int_equal(inv_parse_rpmdb_bdb(&inv, buf, len,
					     "var/lib/rpm/Packages", 2, on_warn,
					     &w),
			 0);
	if (w.n)
		fail_msg("unexpected warning: %s", w.last);
	assert_int_equal(inv.npkgs, NREAL + NFILL);
	assert_int_equal(inventory_finish(&inv), 0);
	check_specs(&inv, "var/lib/rpm/Packages");
	assert_string_equal(find(&inv, "filler-149")->version, "1.149-1");
	assert_string_equal(find(&inv, "filler-000")->src_name, "filler-000");
	assert_int_equal(find(&inv, "bash")->layer, 2);
	inventory_free(&inv);
	free(buf);
}

static void test_bdb_little_endian_4096(void **state)
{
	(void)state;
	bdb_variant(4096, 0);
}

static void test_bdb_little_endian_16384(void **state)
{
	(void)state;
	bdb_variant(16384, 0);
}

static void test_bdb_big_endian_4096(void **state)
{
	(void)state;
	bdb_variant(4096, 1);
}

/* Page numbers of the overflow pages (type 7) of a 4096-byte LE file. */
static size_t overflow_pages(const char *buf, size_t len, size_t *out,
			     size_t max)
{
	size_t n = 0;

	for (size_t pg = 1; pg < len / 4096 && n < max; pg++)
		if ((unsigned char)buf[pg * 4096 + 25] == 7)
			out[n++] = pg;
	return n;
}

static void test_bdb_damage_keeps_the_rest(void **state)
{
	size_t len, ov[64], nov, cut;
	char *buf = bdb_fixture(4096, 0, &len), *copy;
	struct inventory inv = {0};
	struct warns w = {0};

	(void)state;
	if (!buf) {
		skip();
		return;
	}
	copy = malloc(len);
	assert_non_null(copy);
	nov = overflow_pages(buf, len, ov, 64);
	assert_true(nov >= 10); /* bash: 10 pages, python3-libs: 1 */

	/* an overflow page pointing to itself: a cycle (the last page of a
	 * chain is not followed further, its link does not matter) */
	for (size_t i = 0; i < nov; i++) {
		if (!get_le32((unsigned char *)buf + ov[i] * 4096 + 16))
			continue;
		memcpy(copy, buf, len);
		put_le32((unsigned char *)copy + ov[i] * 4096 + 16,
			 (uint32_t)ov[i]);
		memset(&w, 0, sizeof(w));
		assert_int_equal(
		    inv_parse_rpmdb_bdb(&inv, copy, len, "P", 0, on_warn, &w),
		    -EINVAL);
		assert_true(w.n >= 1);
		/* one of bash/python3-libs lost, everything else kept */
		assert_int_equal(inv.npkgs, NREAL + NFILL - 1);
		inventory_free(&inv);
	}

	/* an overflow chain leaving the file */
	memcpy(copy, buf, len);
	put_le32((unsigned char *)copy + ov[0] * 4096 + 16, 0x7fffffff);
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    inv_parse_rpmdb_bdb(&inv, copy, len, "P", 0, on_warn, &w), -EINVAL);
	assert_non_null(strstr(w.last, "leaves the file"));
	assert_int_equal(inv.npkgs, NREAL + NFILL - 1);
	inventory_free(&inv);

	/* a hash page whose index claims more entries than fit */
	memcpy(copy, buf, len);
	for (size_t pg = 1; pg < len / 4096; pg++)
		if (copy[pg * 4096 + 25] == 13) {
			copy[pg * 4096 + 20] = (char)0xff;
			copy[pg * 4096 + 21] = (char)0xff;
			break;
		}
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    inv_parse_rpmdb_bdb(&inv, copy, len, "P", 0, on_warn, &w), -EINVAL);
	assert_true(inv.npkgs > 0 && inv.npkgs < NREAL + NFILL);
	inventory_free(&inv);

	/* truncated in the middle: the pages before the cut are read */
	cut = len / 2 + 100;
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    inv_parse_rpmdb_bdb(&inv, buf, cut, "P", 0, on_warn, &w), -EINVAL);
	assert_true(w.n >= 1);
	assert_true(inv.npkgs > 0 && inv.npkgs < NREAL + NFILL);
	inventory_free(&inv);

	/* not a hash database at all: the meta page destroyed */
	memcpy(copy, buf, len);
	memset(copy, 0x5a, 64);
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    inv_parse_rpmdb_bdb(&inv, copy, len, "P", 0, on_warn, &w), -EINVAL);
	assert_int_equal(w.n, 1);
	assert_int_equal(inv.npkgs, 0);
	assert_int_equal(
	    inv_parse_rpmdb_bdb(&inv, buf, 100, "P", 0, on_warn, &w), -EINVAL);
	assert_int_equal(inv_parse_rpmdb_bdb(&inv, NULL, 0, "P", 0, NULL, NULL),
			 -EINVAL);
	inventory_free(&inv);

	flip_bytes(buf, len, inv_parse_rpmdb_bdb, 3000);
	free(copy);
	free(buf);
}

/* Every item of a hash page aimed at bash's overflow chain: the chains
 * followed may visit at most as many pages as the file holds, so the work
 * stays bounded by the file's size rather than items x chain length. */
static void test_bdb_shared_chain_bounded(void **state)
{
	size_t len, pg, target = 0, victim = 0;
	char *buf = bdb_fixture(4096, 0, &len);
	unsigned char item[12] = {0}, *page;
	struct inventory inv = {0};
	struct warns w = {0};
	unsigned off, n, i;

	(void)state;
	if (!buf) {
		skip();
		return;
	}
	/* find bash's H_OFFPAGE item (tlen > 40000) and another hash page */
	for (pg = 1; pg < len / 4096; pg++) {
		page = (unsigned char *)buf + pg * 4096;
		if (page[25] != 13)
			continue;
		n = (unsigned)(page[20] | page[21] << 8);
		for (i = 1; i < n; i += 2) {
			off = (unsigned)(page[26 + 2 * i] | page[27 + 2 * i]
								<< 8);
			if (page[off] == 3 && get_le32(page + off + 8) > 40000)
				memcpy(item, page + off, 12), target = pg;
		}
		if (!victim && pg != target && n > 2)
			victim = pg;
	}
	assert_true(target && victim && victim != target);
	/* rebuild the victim page: as many key/offpage pairs as fit */
	page = (unsigned char *)buf + victim * 4096;
	n = (4096 - 26) / (2 * 2 + 5 + 12) * 2;
	off = 4096;
	for (i = 0; i < n; i += 2) {
		off -= 5;
		page[off] = 1;
		put_le32(page + off + 1, 100000 + i);
		page[26 + 2 * i] = (unsigned char)off;
		page[27 + 2 * i] = (unsigned char)(off >> 8);
		off -= 12;
		memcpy(page + off, item, 12);
		page[28 + 2 * i] = (unsigned char)off;
		page[29 + 2 * i] = (unsigned char)(off >> 8);
	}
	page[20] = (unsigned char)n;
	page[21] = (unsigned char)(n >> 8);
	assert_int_equal(
	    inv_parse_rpmdb_bdb(&inv, buf, len, "P", 0, on_warn, &w), -EINVAL);
	assert_true(w.n >= 1 && w.n <= 21);
	assert_non_null(find(&inv, "openssl") ? find(&inv, "openssl")
					      : find(&inv, "zlib"));
	inventory_free(&inv);
	free(buf);
}

/* ---- ndb ---------------------------------------------------------------- */

static uint32_t adler32(const unsigned char *p, size_t n)
{
	uint32_t a = 1, b = 0;

	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

/* An ndb file with one slot page: slot k describes h[k] (pkgidx k+1),
 * except slot 1, left free; blobs follow the slot page in order. */
static unsigned char *build_ndb(const struct blob *h, size_t n, size_t *len)
{
	size_t size = 4096, off, i, slot;
	unsigned char *f;

	for (i = 0; i < n; i++)
		size += (16 + h[i].n + 12 + 15) / 16 * 16;
	f = calloc(1, size);
	assert_non_null(f);
	memcpy(f, "RpmP", 4);
	put_le32(f + 4, 0);		   /* version */
	put_le32(f + 8, 7);		   /* generation */
	put_le32(f + 12, 1);		   /* slot pages */
	put_le32(f + 16, (uint32_t)n + 1); /* next pkgidx */
	for (slot = 2; slot < 256; slot++)
		memcpy(f + slot * 16, "Slot", 4);
	assert_true(n + 3 <= 256);
	off = 4096;
	for (i = 0; i < n; i++) {
		unsigned char *s = f + (i < 1 ? 2 + i : 3 + i) * 16;
		uint32_t blkcnt = (uint32_t)((16 + h[i].n + 12 + 15) / 16);
		unsigned char *b = f + off, *tail = b + blkcnt * 16 - 12;

		put_le32(s + 4, (uint32_t)i + 1);
		put_le32(s + 8, (uint32_t)(off / 16));
		put_le32(s + 12, blkcnt);
		memcpy(b, "BlbS", 4);
		put_le32(b + 4, (uint32_t)i + 1);
		put_le32(b + 8, 1700000000u);
		put_le32(b + 12, (uint32_t)h[i].n);
		memcpy(b + 16, h[i].b, h[i].n);
		put_le32(tail, adler32(b, blkcnt * 16 - 12));
		put_le32(tail + 4, (uint32_t)h[i].n);
		memcpy(tail + 8, "BlbE", 4);
		off += blkcnt * 16;
	}
	*len = size;
	return f;
}

static unsigned char *ndb_fixture(size_t *len)
{
	size_t n;
	struct blob *h = build_all(&n, 40);
	unsigned char *f = build_ndb(h, n, len);

	free_all(h, n);
	return f;
}

static void test_ndb_reads_every_slot(void **state)
{
	struct inventory inv = {0};
	struct warns w = {0};
	size_t len;
	unsigned char *f = ndb_fixture(&len);

	(void)state;
	assert_int_equal(inv_parse_rpmdb_ndb(&inv, (char *)f, len,
					     "usr/lib/sysimage/rpm/Packages.db",
					     1, on_warn, &w),
			 0);
	if (w.n)
		fail_msg("unexpected warning: %s", w.last);
	assert_int_equal(inv.npkgs, NREAL + 40);
	assert_int_equal(inventory_finish(&inv), 0);
	check_specs(&inv, "usr/lib/sysimage/rpm/Packages.db");
	assert_string_equal(find(&inv, "filler-039")->version, "1.39-1");
	inventory_free(&inv);
	free(f);
}

/* The blob of slot k (k-th package) as laid by build_ndb. */
static unsigned char *slot_of(unsigned char *f, size_t k)
{
	return f + (k < 1 ? 2 + k : 3 + k) * 16;
}

static void test_ndb_damage_keeps_the_rest(void **state)
{
	struct inventory inv = {0};
	struct warns w = {0};
	size_t len, total = NREAL + 40;
	unsigned char *f = ndb_fixture(&len), *c = malloc(len), *s;
	uint32_t off;

	(void)state;
	assert_non_null(c);

	/* truncated inside the last blob */
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    inv_parse_rpmdb_ndb(&inv, (char *)f, len - 20, "P", 0, on_warn, &w),
	    -EINVAL);
	assert_non_null(strstr(w.last, "beyond the end"));
	assert_int_equal(inv.npkgs, total - 1);
	inventory_free(&inv);

	/* one byte of bash's header changed: checksum mismatch, skipped */
	memcpy(c, f, len);
	off = get_le32(slot_of(c, 2) + 8);
	c[(size_t)off * 16 + 100] ^= 1;
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    inv_parse_rpmdb_ndb(&inv, (char *)c, len, "P", 0, on_warn, &w),
	    -EINVAL);
	assert_non_null(strstr(w.last, "checksum"));
	assert_int_equal(inv.npkgs, total - 1);
	assert_null(find(&inv, "bash"));
	inventory_free(&inv);

	/* a slot without its magic, and one with a wrong package index */
	memcpy(c, f, len);
	memcpy(slot_of(c, 0), "Slox", 4);
	put_le32(slot_of(c, 3) + 4, 999);
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    inv_parse_rpmdb_ndb(&inv, (char *)c, len, "P", 0, on_warn, &w),
	    -EINVAL);
	assert_int_equal(w.n, 2);
	assert_int_equal(inv.npkgs, total - 2);
	inventory_free(&inv);

	/* every slot names bash's (large) blob: bounded by the file size */
	memcpy(c, f, len);
	for (size_t k = 0; k < 200; k++) {
		s = slot_of(c, k);
		memcpy(s, slot_of(f, 2), 16);
	}
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    inv_parse_rpmdb_ndb(&inv, (char *)c, len, "P", 0, on_warn, &w),
	    -EINVAL);
	assert_non_null(strstr(w.last, "overlapping"));
	inventory_free(&inv);

	/* blob inside the slot pages; more slot pages announced than the
	 * file holds (the pages that are slot pages are still read) */
	memcpy(c, f, len);
	put_le32(slot_of(c, 4) + 8, 3);
	put_le32(c + 12, 1000);
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    inv_parse_rpmdb_ndb(&inv, (char *)c, len, "P", 0, on_warn, &w),
	    -EINVAL);
	assert_int_equal(w.n, 2);
	assert_int_equal(inv.npkgs, total - 1);
	inventory_free(&inv);

	/* other versions and other files are refused */
	memcpy(c, f, len);
	put_le32(c + 4, 1);
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    inv_parse_rpmdb_ndb(&inv, (char *)c, len, "P", 0, on_warn, &w),
	    -EINVAL);
	assert_int_equal(inv.npkgs, 0);
	assert_int_equal(
	    inv_parse_rpmdb_ndb(&inv, "RpmP", 4, "P", 0, on_warn, &w), -EINVAL);
	assert_int_equal(inv_parse_rpmdb_ndb(&inv, NULL, 0, "P", 0, NULL, NULL),
			 -EINVAL);
	assert_int_equal(inv.npkgs, 0);
	inventory_free(&inv);

	flip_bytes((char *)f, len, inv_parse_rpmdb_ndb, 3000);
	/* flips in the slot page only, where they matter most */
	flip_bytes((char *)f, 4096 + 2000, inv_parse_rpmdb_ndb, 3000);
	free(c);
	free(f);
}

/* ---- the shared header parser ------------------------------------------- */

static void test_header_magic_and_hostile_index(void **state)
{
	static const struct spec one = {
	    "curl",   "7.76.1", "26.el9", 2,	"curl-7.76.1-26.el9.src.rpm",
	    "x86_64", 0,	"curl",	  NULL, NULL};
	struct blob h = build_header(&one), m;
	struct blob big;
	struct inventory inv = {0};
	struct warns w = {0};
	unsigned char *f;
	size_t len;

	(void)state;
	/* the same header with the 8-byte header magic in front */
	m.n = h.n + 8;
	m.b = malloc(m.n);
	assert_non_null(m.b);
	memcpy(m.b, "\x8e\xad\xe8\x01\0\0\0\0", 8);
	memcpy(m.b + 8, h.b, h.n);
	f = build_ndb(&m, 1, &len);
	assert_int_equal(
	    inv_parse_rpmdb_ndb(&inv, (char *)f, len, "P", 0, on_warn, &w), 0);
	assert_int_equal(inv.npkgs, 1);
	assert_string_equal(inv.pkgs[0].version, "2:7.76.1-26.el9");
	assert_string_equal(inv.pkgs[0].src_version, "2:7.76.1-26.el9");
	inventory_free(&inv);
	free(f);

	/* 60000 index entries all naming the name tag at an unterminated
	 * string: linear work, malformed header reported, no crash */
	big.n = 8 + 60000 * 16 + 4096;
	big.b = calloc(1, big.n);
	assert_non_null(big.b);
	put_be32(big.b, 60000);
	put_be32(big.b + 4, 4096);
	for (size_t i = 0; i < 60000; i++) {
		put_be32(big.b + 8 + i * 16, 1000);
		put_be32(big.b + 8 + i * 16 + 4, 6);
	}
	memset(big.b + 8 + 60000 * 16, 'a', 4096);
	f = build_ndb(&big, 1, &len);
	memset(&w, 0, sizeof(w));
	assert_int_equal(
	    inv_parse_rpmdb_ndb(&inv, (char *)f, len, "P", 0, on_warn, &w),
	    -EINVAL);
	assert_int_equal(inv.npkgs, 0);
	inventory_free(&inv);
	free(f);
	free(big.b);
	free(m.b);
	free(h.b);
}

/* ---- inventory_collect: which database wins ------------------------------ */

static void mkdirs(const char *root, const char *rel)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (char *s = p + strlen(root) + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
}

static void make_sqlite(const char *file, const struct blob *h, size_t n)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open(file, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TABLE Packages(hnum INTEGER "
				      "PRIMARY KEY AUTOINCREMENT, blob BLOB)",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "INSERT INTO Packages(blob) "
					    "VALUES (?)",
					    -1, &st, NULL),
			 SQLITE_OK);
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_blob(st, 1, h[i].b, (int)h[i].n, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void collect(const char *root, struct inventory *inv, struct warns *w)
{
	struct image *img = NULL;
	struct bw_error err;

	memset(inv, 0, sizeof(*inv));
	memset(w, 0, sizeof(*w));
	assert_int_equal(image_open(root, 1, NULL, &img, &err), 0);
	assert_int_equal(inventory_collect(img, inv, on_warn, w, &err), 0);
	image_close(img);
}

static void test_collect_prefers_sqlite_then_ndb(void **state)
{
	static const struct spec bdb_only = {"from-bdb", "1", "1",  -1,	  NULL,
					     "x86_64",	 0,   NULL, NULL, NULL};
	static const struct spec ndb_only = {"from-ndb", "1", "1",  -1,	  NULL,
					     "x86_64",	 0,   NULL, NULL, NULL};
	static const struct spec sql_only = {
	    "from-sqlite", "1", "1", -1, NULL, "x86_64", 0, NULL, NULL, NULL};
	const char *tool = need_db_load();
	char root[] = "/tmp/bw-test-rpmroot-XXXXXX", p[1024], cmd[1100];
	struct inventory inv;
	struct warns w;
	struct blob h;
	unsigned char *f;
	size_t len;

	(void)state;
	if (!tool) {
		skip();
		return;
	}
	assert_non_null(mkdtemp(root));
	mkdirs(root, "var/lib/rpm");
	mkdirs(root, "usr/lib/sysimage/rpm");

	/* BerkeleyDB alone */
	h = build_header(&bdb_only);
	snprintf(p, sizeof(p), "%s/var/lib/rpm/Packages", root);
	assert_int_equal(make_bdb(tool, p, 4096, 0, &h, 1), 0);
	free(h.b);
	collect(root, &inv, &w);
	assert_int_equal(w.n, 0);
	assert_int_equal(inv.npkgs, 1);
	assert_string_equal(inv.pkgs[0].name, "from-bdb");
	assert_string_equal(inv.pkgs[0].path, "var/lib/rpm/Packages");
	assert_string_equal(inv.pkgs[0].purl,
			    "pkg:rpm/from-bdb@1-1?arch=x86_64");
	inventory_free(&inv);

	/* ndb beside it wins */
	h = build_header(&ndb_only);
	f = build_ndb(&h, 1, &len);
	snprintf(p, sizeof(p), "%s/usr/lib/sysimage/rpm/Packages.db", root);
	write_file(p, f, len);
	free(f);
	free(h.b);
	collect(root, &inv, &w);
	assert_int_equal(w.n, 0);
	assert_int_equal(inv.npkgs, 1);
	assert_string_equal(inv.pkgs[0].name, "from-ndb");
	inventory_free(&inv);

	/* a damaged BerkeleyDB that is not used is not reported */
	snprintf(p, sizeof(p), "%s/var/lib/rpm/Packages", root);
	write_file(p, "garbage", 7);
	collect(root, &inv, &w);
	assert_int_equal(w.n, 0);
	assert_int_equal(inv.npkgs, 1);
	inventory_free(&inv);

	/* SQLite wins over both */
	h = build_header(&sql_only);
	snprintf(p, sizeof(p), "%s/var/lib/rpm/rpmdb.sqlite", root);
	make_sqlite(p, &h, 1);
	free(h.b);
	collect(root, &inv, &w);
	assert_int_equal(w.n, 0);
	assert_int_equal(inv.npkgs, 1);
	assert_string_equal(inv.pkgs[0].name, "from-sqlite");
	inventory_free(&inv);

	/* a damaged ndb alone: warned through the caller's callback */
	unlink(p);
	snprintf(p, sizeof(p), "%s/usr/lib/sysimage/rpm/Packages.db", root);
	write_file(p, "RpmPgarbagegarbagegarbagegarbage", 32);
	collect(root, &inv, &w);
	assert_true(w.n >= 1);
	assert_true(inv.nwarnings >= 1);
	assert_int_equal(inv.npkgs, 0);
	inventory_free(&inv);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bdb_little_endian_4096),
	    cmocka_unit_test(test_bdb_little_endian_16384),
	    cmocka_unit_test(test_bdb_big_endian_4096),
	    cmocka_unit_test(test_bdb_damage_keeps_the_rest),
	    cmocka_unit_test(test_bdb_shared_chain_bounded),
	    cmocka_unit_test(test_ndb_reads_every_slot),
	    cmocka_unit_test(test_ndb_damage_keeps_the_rest),
	    cmocka_unit_test(test_header_magic_and_hostile_index),
	    cmocka_unit_test(test_collect_prefers_sqlite_then_ndb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
