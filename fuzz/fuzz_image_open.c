/*
 * fuzz_image_open.c - libFuzzer harness for image_open() on a hostile
 * outer archive: the input is written to a private temp file and opened
 * as an image (plain tar indexing, gzip outer copy, docker manifest.json,
 * OCI index/manifest/config parsing, platform selection); when it opens,
 * it is walked with a visitor that reads every file.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "image/image.h"

static char dir[64], path[96];

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_open_opts o = {.tmpdir = dir,
				    .limits = {.max_entries_per_layer = 10000,
					       .max_file_size = 1 << 20,
					       .max_total_bytes = 64 << 20}};
	struct image_visitor v = {want_all, read_all, NULL, NULL};
	struct bw_error err = {0};
	struct image *img;
	FILE *f;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/bw-fuzz-image-XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof(path), "%s/in.tar", dir);
	}
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (size)
		fwrite(data, 1, size, f);
	fclose(f);
	if (!image_open(path, 0, &o, &img, &err)) {
		image_walk(img, &v, &err);
		image_close(img);
	}
	unlink(path);
	return 0;
}
