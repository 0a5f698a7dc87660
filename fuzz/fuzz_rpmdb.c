/*
 * fuzz_rpmdb.c - libFuzzer harness for the rpm database readers of the
 * older forms: the input is read as a BerkeleyDB hash file
 * (inv_parse_rpmdb_bdb), as an ndb file (inv_parse_rpmdb_ndb) and, through
 * an ndb file built around it, as one rpm header blob (the shared header
 * parser), each followed by the final pass (purls, sort, dedup).  Warnings
 * are expected; crashes, sanitizer reports and a warning count above the
 * per-file bound are bugs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/inventory.h"

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t adler32(const unsigned char *p, size_t n)
{
	uint32_t a = 1, b = 0;

	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

/* A valid one-package ndb file whose blob is data: reaches the header
 * parser with arbitrary bytes. */
static unsigned char *wrap_ndb(const uint8_t *data, size_t size, size_t *len)
{
	size_t blk = (16 + size + 12 + 15) / 16, total = 4096 + blk * 16;
	unsigned char *f = calloc(1, total), *b, *tail;

	if (!f)
		return NULL;
	memcpy(f, "RpmP", 4);
	put_le32(f + 12, 1);
	for (size_t s = 2; s < 256; s++)
		memcpy(f + s * 16, "Slot", 4);
	put_le32(f + 32 + 4, 1);
	put_le32(f + 32 + 8, 256);
	put_le32(f + 32 + 12, (uint32_t)blk);
	b = f + 4096;
	memcpy(b, "BlbS", 4);
	put_le32(b + 4, 1);
	put_le32(b + 12, (uint32_t)size);
	if (size)
		memcpy(b + 16, data, size);
	tail = b + blk * 16 - 12;
	put_le32(tail, adler32(b, blk * 16 - 12));
	put_le32(tail + 4, (uint32_t)size);
	memcpy(tail + 8, "BlbE", 4);
	*len = total;
	return f;
}

static void run(int (*parse)(struct inventory *, const char *, size_t,
			     const char *, int, inv_warn_fn, void *),
		const void *buf, size_t len)
{
	struct inventory inv = {0};

	parse(&inv, buf, len, "Packages", 0, NULL, NULL);
	if (inv.nwarnings > 21)
		abort();
	inventory_finish(&inv);
	inventory_free(&inv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *f;
	size_t len;

	run(inv_parse_rpmdb_bdb, data, size);
	run(inv_parse_rpmdb_ndb, data, size);
	if (size <= (1u << 20) && (f = wrap_ndb(data, size, &len))) {
		run(inv_parse_rpmdb_ndb, f, len);
		free(f);
	}
	return 0;
}
