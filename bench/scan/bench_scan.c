/*
 * bench_scan.c - the image scanner against its floor, in one run.
 *
 *   bench_scan floor OCI_DIR          decompress every layer blob of an OCI
 *                                     layout to nowhere (libarchive, the same
 *                                     zlib/zstd the scanner uses); prints
 *                                     seconds
 *   bench_scan scan OCI_DIR DB        a full scan (inventory + matching);
 *                                     prints seconds, packages, findings and
 *                                     the peak RSS of this process
 *   bench_scan lookup DB N            N package lookups spread over the
 *                                     ecosystems present; prints seconds
 *
 * bench/scan/run.sh runs each mode in its own process (so peak RSS is the
 * scan's own), interleaves rounds and prints the ratios.
 */
#include <archive.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "scan/scan.h"
#include "vulndb/db.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static json_t *load_blob(const char *dir, const char *digest)
{
	char path[4096];
	json_error_t je;

	if (strncmp(digest, "sha256:", 7))
		return NULL;
	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", dir, digest + 7);
	return json_load_file(path, 0, &je);
}

static int decompress(const char *path, unsigned long long *bytes)
{
	static char buf[1 << 16];
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	ssize_t n;
	int rc = 0;

	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		fprintf(stderr, "%s: %s\n", path, archive_error_string(a));
		archive_read_free(a);
		return -EIO;
	}
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
		*bytes += (unsigned long long)n;
	if (n < 0)
		rc = -EIO;
	archive_read_free(a);
	return rc;
}

static int run_floor(const char *dir)
{
	char path[4096];
	json_error_t je;
	json_t *index, *manifest, *layers, *l;
	unsigned long long bytes = 0;
	double t0 = now();
	size_t i;

	snprintf(path, sizeof(path), "%s/index.json", dir);
	index = json_load_file(path, 0, &je);
	if (!index) {
		fprintf(stderr, "%s: %s\n", path, je.text);
		return 2;
	}
	manifest = load_blob(dir, json_string_value(json_object_get(
					  json_array_get(json_object_get(
							     index, "manifests"),
							 0),
					  "digest")) ?: "");
	layers = json_object_get(manifest, "layers");
	if (!json_is_array(layers)) {
		fprintf(stderr, "%s: no image manifest\n", dir);
		return 2;
	}
	json_array_foreach(layers, i, l)
	{
		const char *d = json_string_value(json_object_get(l, "digest"));

		snprintf(path, sizeof(path), "%s/blobs/sha256/%s", dir,
			 d ? d + 7 : "");
		if (decompress(path, &bytes))
			return 2;
	}
	printf("floor seconds=%.3f layers=%zu bytes=%llu\n", now() - t0,
	       json_array_size(layers), bytes);
	json_decref(manifest);
	json_decref(index);
	return 0;
}

static int run_scan(const char *dir, const char *dbpath)
{
	struct scan_opts so = {0};
	struct scan_result r;
	struct bw_error err = {0};
	char buf[1024];
	double t0;
	int rc;

	if (vulndb_open(dbpath, VULNDB_OPEN_READONLY, &so.db, &err)) {
		fprintf(stderr, "%s\n", bw_error_str(&err, buf, sizeof(buf)));
		return 2;
	}
	so.secrets = 1; /* as `bulwark scan` runs by default */
	t0 = now();
	rc = scan_run(dir, &so, &r, &err);
	if (rc < 0) {
		fprintf(stderr, "%s\n", bw_error_str(&err, buf, sizeof(buf)));
		return 2;
	}
	printf("scan seconds=%.3f packages=%zu findings=%zu secrets=%zu problems=%zu "
	       "peak_rss_kib=%ld\n",
	       now() - t0, r.inv.npkgs, r.nfindings, r.nsecrets, r.nproblems,
	       peak_rss_kib());
	scan_result_free(&r);
	vulndb_close(so.db);
	return 0;
}

/* N lookups: names "pkg<i>" in the synthetic ecosystems of gen_osv_zip.py
 * plus real-looking misses, so hits and misses are both exercised. */
static int run_lookup(const char *dbpath, long n)
{
	static const char *const ecos[] = {"PyPI", "npm", "Go", "Maven",
					   "Debian:12", "crates.io"};
	struct vulndb *db;
	struct bw_error err = {0};
	char buf[1024], name[128];
	size_t hits = 0;
	double t0;

	if (vulndb_open(dbpath, VULNDB_OPEN_READONLY, &db, &err)) {
		fprintf(stderr, "%s\n", bw_error_str(&err, buf, sizeof(buf)));
		return 2;
	}
	t0 = now();
	for (long i = 0; i < n; i++) {
		const char *eco = ecos[i % 6];
		struct vuln_match *m = NULL;
		size_t k = 0;

		snprintf(name, sizeof(name), "pkg%ld", (i * 7919) % 20000);
		if (vulndb_match(db, eco, name,
				 i % 6 == 2 ? "v1.2.3" :
				 i % 6 == 4 ? "1.2.3-1" : "1.2.3",
				 &m, &k, &err) == 0)
			hits += k;
		vulndb_matches_free(m, k);
	}
	printf("lookup seconds=%.3f lookups=%ld matches=%zu\n", now() - t0, n,
	       hits);
	vulndb_close(db);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "floor"))
		return run_floor(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "scan"))
		return run_scan(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "lookup"))
		return run_lookup(argv[2], strtol(argv[3], NULL, 10));
	fprintf(stderr, "usage: bench_scan floor OCI_DIR | scan OCI_DIR DB | "
			"lookup DB N\n");
	return 2;
}
