/*
 * fuzz_tar_walk.c - libFuzzer harness for the layer walk: the input is a
 * layer blob (any compression libarchive knows).  It is walked as a
 * one-layer image and, split at a point chosen by its first byte, as a
 * two-layer image (so whiteouts and opaque markers of the top half act on
 * the bottom half), with a visitor that wants and reads every file.
 * Small limits keep decompression bombs from stalling the fuzzer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "image/image_int.h"

static int want_all(void *ctx, const struct image_file *f)
{
	(void)ctx;
	(void)f;
	return 1;
}

static int read_all(void *ctx, const struct image_file *f,
		    struct image_reader *r)
{
	char *buf;
	size_t len;
	int rc;

	(void)ctx;
	(void)f;
	rc = image_reader_read_all(r, 1 << 16, &buf, &len);
	if (!rc)
		free(buf);
	return rc;
}

static void ignore(void *ctx, const struct bw_error *e)
{
	(void)ctx;
	(void)e;
}

static void walk(const void *const *blobs, const size_t *lens, size_t n)
{
	struct image_limits lim = {.max_entries_per_layer = 10000,
				   .max_file_size = 1 << 20,
				   .max_total_bytes = 64 << 20,
				   .max_ratio = 1000};
	struct image_visitor v = {want_all, read_all, ignore, NULL};
	struct bw_error err = {0};
	struct image *img;

	if (img_open_mem(blobs, lens, n, &lim, &img, &err))
		return;
	image_walk(img, &v, &err);
	image_close(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const void *blobs[2];
	size_t lens[2], cut;

	blobs[0] = data;
	lens[0] = size;
	walk(blobs, lens, 1);
	if (size < 2)
		return 0;
	cut = 1 + (size - 1) * data[0] / 256;
	blobs[0] = data + cut; /* bottom */
	lens[0] = size - cut;
	blobs[1] = data + 1; /* top */
	lens[1] = cut - 1;
	walk(blobs, lens, 2);
	return 0;
}
