/* fuzz_ignore_vex.c - libFuzzer harness for the suppression loaders: the
 * input is written to a file and read as an ignore file (text, and YAML by
 * name), and as a VEX document (OpenVEX / CycloneDX); whatever loaded is
 * then applied to a one-finding result. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan/scan.h"

static char dir[64];

static void cleanup(void)
{
	char path[96];

	snprintf(path, sizeof(path), "%s/ignore", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ignore.yaml", dir);
	unlink(path);
	rmdir(dir);
}

static int write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (size && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

static void apply(struct scan_filters *f)
{
	struct scan_result r;
	struct inv_package pkg = {0};
	struct scan_finding fd = {0};
	char *aliases[1] = {"GHSA-aaaa-bbbb-cccc"};

	memset(&r, 0, sizeof(r));
	pkg.purl = "pkg:npm/lodash@4.17.20";
	r.inv.pkgs = &pkg;
	r.inv.npkgs = 1;
	fd.vuln.id = "CVE-2021-23337";
	fd.vuln.aliases = aliases;
	fd.vuln.naliases = 1;
	fd.vuln.severity_known = 1;
	fd.vuln.severity = VULN_SEV_HIGH;
	r.findings = &fd;
	r.nfindings = 1;
	f->now = 1735689600;
	scan_apply_filters(&r, f);
	(void)scan_gate(&r, VULN_SEV_LOW);
	free(fd.suppress_reason);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_filters f = {0};
	struct bw_error err = {0};
	char txt[96], yml[96];

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/fuzz_ignore_vex.XXXXXX");
		if (!mkdtemp(dir))
			abort();
		atexit(cleanup);
	}
	snprintf(txt, sizeof(txt), "%s/ignore", dir);
	snprintf(yml, sizeof(yml), "%s/ignore.yaml", dir);
	if (write_file(txt, data, size) || write_file(yml, data, size))
		return 0;
	(void)scan_load_ignore_file(&f, txt, &err);
	(void)scan_load_ignore_file(&f, yml, &err);
	(void)scan_load_vex(&f, txt, &err);
	apply(&f);
	scan_filters_free(&f);
	return 0;
}
