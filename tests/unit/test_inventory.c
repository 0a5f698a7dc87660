/* test_inventory.c - the inventory parsers over the fixtures in
 * tests/data/inventory (dpkg, distroless status.d, apk, os-release, npm,
 * Python, Cargo.lock), and over inputs built here: Go build info in a raw
 * buffer and in a hand-made ELF file, a cargo-auditable ".dep-v0" section,
 * a war with nested jars (libarchive's zip writer) and an rpmdb.sqlite
 * holding hand-built rpm headers.  purls and OSV ecosystems are checked
 * exactly; malformed input must warn, keep what it can, and never crash.
 * inventory_collect() needs an image and is tested elsewhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

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

static char *fixture(const char *name, size_t *len)
{
	const char *src = getenv("BW_SOURCE_DIR");
	char path[1024];
	char *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/tests/data/inventory/%s",
		 src ? src : BW_SOURCE_DIR, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open fixture %s", path);
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

static const struct inv_package *find(const struct inventory *inv,
				      enum inv_type t, const char *name)
{
	size_t i;

	for (i = 0; i < inv->npkgs; i++)
		if (inv->pkgs[i].type == t && !strcmp(inv->pkgs[i].name, name))
			return &inv->pkgs[i];
	return NULL;
}

static const struct inv_package *must_find(const struct inventory *inv,
					   enum inv_type t, const char *name)
{
	const struct inv_package *p = find(inv, t, name);

	if (!p)
		fail_msg("package %s/%s not found", inv_type_name(t), name);
	return p;
}

static void load_os(struct inventory *inv, const char *fixture_name)
{
	size_t len;
	char *buf = fixture(fixture_name, &len);
	struct warns w = {0};

	assert_int_equal(
	    inv_parse_os_release(inv, buf, len, fixture_name, on_warn, &w), 0);
	assert_int_equal(w.n, 0);
	free(buf);
}

static const char *eco(const struct inventory *inv, const struct inv_package *p)
{
	static char buf[64];

	return inventory_osv_ecosystem(inv, p, buf, sizeof(buf));
}

/* ---- dpkg --------------------------------------------------------------- */

static void test_dpkg_status_real_machine(void **state)
{
	struct inventory inv = {0};
	struct warns w = {0};
	const struct inv_package *p;
	size_t len, i;
	char *buf = fixture("dpkg-status", &len);

	assert_int_equal(inv_parse_dpkg_status(&inv, buf, len,
					       "var/lib/dpkg/status", 2,
					       on_warn, &w),
			 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(inv.npkgs, 31); /* 32 stanzas, one deinstalled */
	assert_null(find(&inv, INV_DEB, "removed-tool"));

	p = must_find(&inv, INV_DEB, "libssl3");
	assert_string_equal(p->version, "3.0.19-1~deb12u2");
	assert_string_equal(p->src_name, "openssl");
	assert_string_equal(p->src_version, "3.0.19-1~deb12u2");
	assert_string_equal(p->arch, "amd64");
	assert_null(p->license);
	assert_string_equal(p->path, "var/lib/dpkg/status");
	assert_int_equal(p->layer, 2);

	/* "Source: bash (5.2.15-2)" for a binNMU 5.2.15-2+b8 */
	p = must_find(&inv, INV_DEB, "bash");
	assert_string_equal(p->version, "5.2.15-2+b8");
	assert_string_equal(p->src_name, "bash");
	assert_string_equal(p->src_version, "5.2.15-2");

	/* no Source: the package is its own source */
	p = must_find(&inv, INV_DEB, "coreutils");
	assert_string_equal(p->src_name, "coreutils");
	assert_string_equal(p->src_version, "9.1-1");

	load_os(&inv, "os-release-debian-12");
	assert_int_equal(inventory_finish(&inv), 0);
	p = must_find(&inv, INV_DEB, "libssl3");
	assert_string_equal(
	    p->purl, "pkg:deb/debian/"
		     "libssl3@3.0.19-1~deb12u2?arch=amd64&distro=debian-12");
	p = must_find(&inv, INV_DEB, "zlib1g");
	assert_string_equal(
	    p->purl, "pkg:deb/debian/"
		     "zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12");
	p = must_find(&inv, INV_DEB, "bash");
	assert_string_equal(
	    p->purl,
	    "pkg:deb/debian/bash@5.2.15-2%2Bb8?arch=amd64&distro=debian-12");
	assert_string_equal(eco(&inv, p), "Debian:12");
	for (i = 1; i < inv.npkgs; i++)
		assert_true(strcmp(inv.pkgs[i - 1].name, inv.pkgs[i].name) < 0);
	inventory_free(&inv);
	free(buf);
}

static void test_dpkg_status_d_distroless(void **state)
{
	struct inventory inv = {0};
	struct warns w = {0};
	const struct inv_package *p;
	size_t len;
	char *buf = fixture("dpkg-status.d-libssl3", &len);

	assert_int_equal(inv_parse_dpkg_status(&inv, buf, len,
					       "var/lib/dpkg/status.d/libssl3",
					       0, on_warn, &w),
			 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(inv.npkgs, 1);
	p = must_find(&inv, INV_DEB, "libssl3");
	assert_string_equal(p->version, "3.0.11-1~deb12u2");
	assert_string_equal(p->src_name, "openssl");
	load_os(&inv, "os-release-distroless");
	assert_string_equal(inv.os.pretty_name, "Distroless");
	assert_int_equal(inventory_finish(&inv), 0);
	assert_string_equal(
	    inv.pkgs[0].purl,
	    "pkg:deb/debian/"
	    "libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12");
	inventory_free(&inv);
	free(buf);
}

static void test_dpkg_malformed_stanzas_warn(void **state)
{
	struct inventory inv = {0};
	struct warns w = {0};
	const struct inv_package *p;
	size_t len;
	char *buf = fixture("dpkg-malformed", &len);

	assert_int_equal(
	    inv_parse_dpkg_status(&inv, buf, len, "status", 0, on_warn, &w),
	    -EINVAL);
	/* no Package, no Version, a line without ':', a garbage line */
	assert_true(w.n >= 3);
	assert_int_equal((int)inv.nwarnings, w.n);
	assert_int_equal(inv.npkgs, 1);
	p = must_find(&inv, INV_DEB, "good");
	assert_string_equal(p->src_name, "good-src");
	assert_string_equal(p->src_version, "2.0-0.1");
	inventory_free(&inv);
	free(buf);
}

/* ---- apk ------------------------------------------------------------------
 */

static void test_apk_installed(void **state)
{
	struct inventory inv = {0};
	struct warns w = {0};
	const struct inv_package *p;
	size_t len;
	char *buf = fixture("apk-installed", &len);

	assert_int_equal(inv_parse_apk_installed(&inv, buf, len,
						 "lib/apk/db/installed", 0,
						 on_warn, &w),
			 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(inv.npkgs, 3);
	p = must_find(&inv, INV_APK, "libcrypto3");
	assert_string_equal(p->version, "3.1.4-r5");
	assert_string_equal(p->src_name, "openssl");
	assert_string_equal(p->src_version, "3.1.4-r5");
	assert_string_equal(p->license, "Apache-2.0");
	assert_string_equal(p->arch, "x86_64");
	load_os(&inv, "os-release-alpine-3.19");
	assert_int_equal(inventory_finish(&inv), 0);
	p = must_find(&inv, INV_APK, "musl");
	assert_string_equal(
	    p->purl, "pkg:apk/alpine/"
		     "musl@1.2.4_git20230717-r4?arch=x86_64&distro=3.19.1");
	p = must_find(&inv, INV_APK, "libcrypto3");
	assert_string_equal(
	    p->purl,
	    "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=3.19.1");
	assert_string_equal(eco(&inv, p), "Alpine:v3.19");
	inventory_free(&inv);
	free(buf);
}

/* ---- os-release and ecosystems ------------------------------------------- */

static void test_os_release_files(void **state)
{
	struct inventory inv = {0};
	const struct inv_package *p;

	load_os(&inv, "os-release-ubuntu-22.04");
	assert_string_equal(inv.os.id, "ubuntu");
	assert_string_equal(inv.os.version_id, "22.04");
	assert_string_equal(inv.os.codename, "jammy");
	assert_string_equal(inv.os.id_like, "debian");
	assert_string_equal(inv.os.pretty_name, "Ubuntu 22.04.3 LTS");
	p = inv_add(&inv, INV_DEB, "libc6", "2.35-0ubuntu3.4", "s", 0);
	assert_non_null(p);
	assert_string_equal(eco(&inv, p), "Ubuntu:22.04:LTS");
	assert_int_equal(inv_set(&inv.os.version_id, "23.10"), 0);
	assert_string_equal(eco(&inv, p), "Ubuntu:23.10");
	assert_int_equal(inv_set(&inv.os.version_id, "23.04"), 0);
	assert_string_equal(eco(&inv, p), "Ubuntu:23.04");
	inventory_free(&inv);

	memset(&inv, 0, sizeof(inv));
	load_os(&inv, "os-release-rhel-9");
	assert_string_equal(inv.os.id, "rhel");
	assert_string_equal(inv.os.version_id, "9.3");
	assert_string_equal(inv.os.id_like, "fedora");
	assert_null(inv.os.codename);
	p = inv_add(&inv, INV_RPM, "bash", "5.1.8-6.el9", "db", 0);
	assert_string_equal(eco(&inv, p), "Red Hat");
	/* a deb package on a RHEL image has no known ecosystem */
	p = inv_add(&inv, INV_DEB, "x", "1", "db", 0);
	assert_null(eco(&inv, p));
	inventory_free(&inv);

	memset(&inv, 0, sizeof(inv));
	load_os(&inv, "os-release-debian-12");
	assert_string_equal(inv.os.codename, "bookworm");
	assert_string_equal(inv.os.pretty_name,
			    "Debian GNU/Linux 12 (bookworm)");
	inventory_free(&inv);
}

static void test_os_release_quoting(void **state)
{
	static const char txt[] = "# comment\n"
				  "ID='rocky'\n"
				  "VERSION_ID=\"9.\\\"2\\\"\"\n"
				  "PRETTY_NAME=\"Rocky \"'Linux'\n"
				  "ID_LIKE=\"unterminated\n"
				  "garbage line\n";
	struct inventory inv = {0};
	struct warns w = {0};
	const struct inv_package *p;

	assert_int_equal(inv_parse_os_release(&inv, txt, sizeof(txt) - 1,
					      "os-release", on_warn, &w),
			 -EINVAL);
	assert_int_equal(w.n, 2);
	assert_string_equal(inv.os.id, "rocky");
	assert_string_equal(inv.os.version_id, "9.\"2\"");
	assert_string_equal(inv.os.pretty_name, "Rocky Linux");
	assert_null(inv.os.id_like);
	p = inv_add(&inv, INV_RPM, "a", "1-1", "db", 0);
	assert_string_equal(eco(&inv, p), "Rocky Linux");
	inventory_free(&inv);
}

static void test_ecosystem_languages_and_unknown_os(void **state)
{
	static const struct {
		enum inv_type t;
		const char *eco;
	} want[] = {
	    {INV_NPM, "npm"},  {INV_PYTHON, "PyPI"}, {INV_GO, "Go"},
	    {INV_GOSTD, "Go"}, {INV_MAVEN, "Maven"}, {INV_CARGO, "crates.io"},
	};
	struct inventory inv = {0};
	const struct inv_package *p;
	char small[4];
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		p = inv_add(&inv, want[i].t, "x", "1", "f", 0);
		assert_string_equal(eco(&inv, p), want[i].eco);
	}
	p = inv_add(&inv, INV_DEB, "x", "1", "f", 0);
	assert_null(eco(&inv, p)); /* no os-release */
	assert_int_equal(inv_set(&inv.os.id, "alpine"), 0);
	p = inv_add(&inv, INV_APK, "x", "1", "f", 0);
	assert_string_equal(eco(&inv, p), "Alpine"); /* no VERSION_ID */
	assert_null(inventory_osv_ecosystem(&inv, p, small, sizeof(small)));
	assert_string_equal(inv_type_name(INV_GOSTD), "go-stdlib");
	assert_string_equal(inv_type_name(INV_DEB), "deb");
	assert_string_equal(inv_type_name(INV__COUNT), "unknown");
	inventory_free(&inv);
}

/* ---- npm ------------------------------------------------------------------
 */

static void test_npm_package_json_scoped(void **state)
{
	struct inventory inv = {0};
	struct warns w = {0};
	size_t len;
	char *buf = fixture("npm-package.json", &len);

	assert_int_equal(inv_parse_npm_package_json(
			     &inv, buf, len,
			     "app/node_modules/@babel/core/package.json", 1,
			     on_warn, &w),
			 0);
	assert_int_equal(inv.npkgs, 1);
	assert_int_equal(inventory_finish(&inv), 0);
	assert_string_equal(inv.pkgs[0].name, "@babel/core");
	assert_string_equal(inv.pkgs[0].license, "MIT");
	assert_null(inv.pkgs[0].src_name);
	assert_string_equal(inv.pkgs[0].purl, "pkg:npm/%40babel/core@7.23.2");
	inventory_free(&inv);
	free(buf);
}

static void test_npm_lock_v1_tree(void **state)
{
	struct inventory inv = {0};
	struct warns w = {0};
	size_t len;
	char *buf = fixture("npm-lock-v1.json", &len);

	assert_int_equal(inv_parse_npm_lock(&inv, buf, len,
					    "srv/package-lock.json", 0, on_warn,
					    &w),
			 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(inventory_finish(&inv), 0);
	/* debug, its nested ms 2.0.0, lodash, ms 2.1.3; local-lib skipped */
	assert_int_equal(inv.npkgs, 4);
	assert_string_equal(inv.pkgs[0].purl, "pkg:npm/debug@2.6.9");
	assert_string_equal(inv.pkgs[1].purl, "pkg:npm/lodash@4.17.20");
	assert_string_equal(inv.pkgs[2].purl, "pkg:npm/ms@2.0.0");
	assert_string_equal(inv.pkgs[3].purl, "pkg:npm/ms@2.1.3");
	assert_null(find(&inv, INV_NPM, "local-lib"));
	inventory_free(&inv);
	free(buf);
}

static void test_npm_lock_v3_packages(void **state)
{
	struct inventory inv = {0};
	struct warns w = {0};
	size_t len;
	char *buf = fixture("npm-lock-v3.json", &len);

	assert_int_equal(inv_parse_npm_lock(&inv, buf, len,
					    "srv/package-lock.json", 0, on_warn,
					    &w),
			 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(inventory_finish(&inv), 0);
	/* root "", the link and the workspace folder are not packages */
	assert_int_equal(inv.npkgs, 4);
	assert_string_equal(inv.pkgs[0].purl, "pkg:npm/%40types/node@20.8.10");
	assert_string_equal(inv.pkgs[1].purl, "pkg:npm/debug@2.6.9");
	assert_string_equal(inv.pkgs[2].purl, "pkg:npm/express@4.18.2");
	/* an aliased install: the entry's "name" wins over the key */
	assert_string_equal(inv.pkgs[3].purl, "pkg:npm/string-width@4.2.3");
	assert_null(find(&inv, INV_NPM, "web-app"));
	assert_null(find(&inv, INV_NPM, "shared-ui"));
	inventory_free(&inv);
	free(buf);
}

static void test_npm_invalid_json_warns(void **state)
{
	static const char bad[] = "{\"packages\": {\"node_modules/a\": ";
	struct inventory inv = {0};
	struct warns w = {0};

	assert_int_equal(inv_parse_npm_lock(&inv, bad, sizeof(bad) - 1,
					    "package-lock.json", 0, on_warn,
					    &w),
			 -EINVAL);
	assert_int_equal(w.n, 1);
	assert_int_equal(inv.npkgs, 0);
	assert_int_equal(inv_parse_npm_package_json(&inv, "[1]", 3, "p.json", 0,
						    on_warn, &w),
			 -EINVAL);
	assert_int_equal(w.n, 2);
	inventory_free(&inv);
}

/* ---- Python ---------------------------------------------------------------
 */

static void test_python_metadata_and_pkg_info(void **state)
{
	struct inventory inv = {0};
	struct warns w = {0};
	const struct inv_package *p;
	size_t len, len2;
	char *buf = fixture("python-METADATA", &len);
	char *buf2 = fixture("python-PKG-INFO", &len2);

	assert_int_equal(
	    inv_parse_python_metadata(&inv, buf, len,
				      "usr/lib/python3/dist-packages/"
				      "Django_REST-3.14.0.dist-info/METADATA",
				      0, on_warn, &w),
	    0);
	assert_int_equal(
	    inv_parse_python_metadata(&inv, buf2, len2,
				      "usr/lib/python3/six.egg-info/PKG-INFO",
				      0, on_warn, &w),
	    0);
	assert_int_equal(w.n, 0);
	assert_int_equal(inventory_finish(&inv), 0);
	assert_int_equal(inv.npkgs, 2); /* the body's "Name:" is not a header */
	p = must_find(&inv, INV_PYTHON, "Django_REST");
	assert_string_equal(p->version, "3.14.0");
	assert_string_equal(p->license, "BSD");
	assert_string_equal(p->purl, "pkg:pypi/django-rest@3.14.0");
	p = must_find(&inv, INV_PYTHON, "six");
	assert_null(p->license); /* "UNKNOWN" */
	assert_string_equal(p->purl, "pkg:pypi/six@1.16.0");
	inventory_free(&inv);
	free(buf);
	free(buf2);
}

/* ---- Go build info ------------------------------------------------------ */

static const char go_sent_start[] = "\x30\x77\xaf\x0c\x92\x74\x08\x02"
				    "\x41\xe1\xc1\x07\xe6\xd6\x18\xe6";
static const char go_sent_end[] = "\xf9\x32\x43\x31\x86\x18\x20\x72"
				  "\x00\x82\x42\x10\x41\x16\xd8\xf2";

static size_t put_uvarint(unsigned char *p, size_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

/* The 32-byte header and the inline strings, as Go >= 1.18 writes them. */
static size_t build_goinfo(unsigned char *out, const char *gover,
			   const char *modinfo, int flags)
{
	size_t n = 0, ml = strlen(modinfo);

	memcpy(out, "\xff Go buildinf:", 14);
	out[14] = 8;
	out[15] = (unsigned char)flags;
	memset(out + 16, 0, 16);
	n = 32;
	n += put_uvarint(out + n, strlen(gover));
	memcpy(out + n, gover, strlen(gover));
	n += strlen(gover);
	n += put_uvarint(out + n, ml + 32);
	memcpy(out + n, go_sent_start, 16);
	memcpy(out + n + 16, modinfo, ml);
	memcpy(out + n + 16 + ml, go_sent_end, 16);
	return n + ml + 32;
}

static const char go_modinfo[] = "path\texample.com/app/cmd/server\n"
				 "mod\texample.com/app\t(devel)\t\n"
				 "dep\tgithub.com/x/y\tv1.2.3\th1:abc=\n"
				 "dep\tgolang.org/x/sys\tv0.1.0\th1:old=\n"
				 "=>\tgolang.org/x/sys\tv0.13.0\th1:new=\n"
				 "dep\tgithub.com/local/fork\tv1.0.0\th1:z=\n"
				 "=>\t../fork\t\t\n"
				 "build\t-compiler=gc\n"
				 "build\tGOOS=linux\n";

static void check_go_packages(struct inventory *inv)
{
	const struct inv_package *p;

	assert_int_equal(inventory_finish(inv), 0);
	assert_int_equal(inv->npkgs, 5);
	p = must_find(inv, INV_GOSTD, "stdlib");
	assert_string_equal(p->version, "1.21.3");
	assert_string_equal(p->purl, "pkg:golang/stdlib@go1.21.3");
	p = must_find(inv, INV_GO, "example.com/app");
	assert_string_equal(p->version, "(devel)");
	assert_string_equal(p->purl, "pkg:golang/example.com/app@%28devel%29");
	p = must_find(inv, INV_GO, "github.com/x/y");
	assert_string_equal(p->purl, "pkg:golang/github.com/x/y@v1.2.3");
	p = must_find(inv, INV_GO, "golang.org/x/sys");
	assert_string_equal(p->version, "v0.13.0");
	/* a local directory replacement keeps the module path it replaces */
	p = must_find(inv, INV_GO, "github.com/local/fork");
	assert_string_equal(p->version, "(devel)");
	assert_null(find(inv, INV_GO, "../fork"));
}

static void test_go_buildinfo_raw_buffer(void **state)
{
	unsigned char buf[4096];
	struct inventory inv = {0};
	struct warns w = {0};
	size_t n;

	memset(buf, 'A', 100);
	n = 100 + build_goinfo(buf + 100, "go1.21.3", go_modinfo, 2);
	assert_int_equal(inv_parse_go_binary(&inv, (char *)buf, n, "bin/server",
					     3, on_warn, &w),
			 0);
	assert_int_equal(w.n, 0);
	check_go_packages(&inv);
	assert_int_equal(inv.pkgs[0].layer, 3);
	inventory_free(&inv);
}

static void test_go_buildinfo_old_format_and_truncation(void **state)
{
	unsigned char buf[4096];
	struct inventory inv = {0};
	struct warns w = {0};
	size_t n, cut;

	n = build_goinfo(buf, "go1.16.15", go_modinfo, 0);
	assert_int_equal(inv_parse_go_binary(&inv, (char *)buf, n, "bin/old", 0,
					     on_warn, &w),
			 -EINVAL);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.last, "not supported"));
	assert_int_equal(inv.npkgs, 0);

	/* every truncation of a valid blob: no crash, nothing invented */
	n = build_goinfo(buf, "go1.21.3", go_modinfo, 2);
	for (cut = 0; cut < n; cut++) {
		struct inventory t = {0};

		inv_parse_go_binary(&t, (char *)buf, cut, "bin/cut", 0, NULL,
				    NULL);
		assert_true(t.npkgs == 0);
		inventory_free(&t);
	}
	/* not a Go binary at all: nothing, no warning */
	w.n = 0;
	assert_int_equal(inv_parse_go_binary(&inv,
					     "\x7f"
					     "ELFjunk",
					     7, "b", 0, on_warn, &w),
			 0);
	assert_int_equal(w.n, 0);
	inventory_free(&inv);
}

/* A minimal ELF64 little-endian file: header, the given sections' data,
 * .shstrtab, then the section header table (null + sections + shstrtab). */
struct sec {
	const char *name;
	const void *data;
	size_t len;
};

static unsigned char *build_elf(const struct sec *secs, int nsec,
				size_t *ret_len)
{
	size_t off = 64, shoff, strtab_off, name_off[8], strl = 1, total;
	unsigned char *b = calloc(1, 1 << 20);
	char strtab[256] = {0};
	int i, shnum = nsec + 2;

	assert_non_null(b);
	memcpy(b,
	       "\x7f"
	       "ELF\x02\x01\x01",
	       7);
	b[16] = 2;  /* ET_EXEC */
	b[18] = 62; /* x86-64 */
	for (i = 0; i < nsec; i++) {
		name_off[i] = strl;
		memcpy(strtab + strl, secs[i].name, strlen(secs[i].name) + 1);
		strl += strlen(secs[i].name) + 1;
	}
	name_off[nsec] = strl;
	memcpy(strtab + strl, ".shstrtab", 10);
	strl += 10;
	{
		size_t data_off[8];

		for (i = 0; i < nsec; i++) {
			data_off[i] = off;
			memcpy(b + off, secs[i].data, secs[i].len);
			off += secs[i].len;
		}
		strtab_off = off;
		memcpy(b + off, strtab, strl);
		off += strl;
		shoff = (off + 7) & ~(size_t)7;
		total = shoff + (size_t)shnum * 64;
		memcpy(b + 0x28, &shoff, 8);
		b[0x34] = 64;			     /* e_ehsize */
		b[0x3a] = 64;			     /* e_shentsize */
		b[0x3c] = (unsigned char)shnum;	     /* e_shnum */
		b[0x3e] = (unsigned char)(nsec + 1); /* e_shstrndx */
		for (i = 0; i <= nsec; i++) {
			unsigned char *sh = b + shoff + (size_t)(i + 1) * 64;
			uint32_t nm = (uint32_t)name_off[i];
			uint32_t type = i < nsec ? 1 : 3; /* PROGBITS, STRTAB */
			uint64_t o = i < nsec ? data_off[i] : strtab_off;
			uint64_t sz = i < nsec ? secs[i].len : strl;

			memcpy(sh, &nm, 4);
			memcpy(sh + 4, &type, 4);
			memcpy(sh + 24, &o, 8);
			memcpy(sh + 32, &sz, 8);
		}
	}
	*ret_len = total;
	return b;
}

static void test_go_buildinfo_in_elf_section(void **state)
{
	unsigned char info[4096], junk[64];
	struct inventory inv = {0};
	struct warns w = {0};
	struct sec secs[2];
	unsigned char *elf;
	size_t n, elen;

	/* a decoy magic outside the section must not be read */
	memset(junk, 0, sizeof(junk));
	memcpy(junk, "\xff Go buildinf:\x08\x02", 16);
	n = build_goinfo(info, "go1.21.3", go_modinfo, 2);
	secs[0] = (struct sec){".rodata", junk, sizeof(junk)};
	secs[1] = (struct sec){".go.buildinfo", info, n};
	elf = build_elf(secs, 2, &elen);
	assert_int_equal(inv_parse_go_binary(&inv, (char *)elf, elen,
					     "usr/bin/server", 0, on_warn, &w),
			 0);
	assert_int_equal(w.n, 0);
	check_go_packages(&inv);
	inventory_free(&inv);
	free(elf);

	/* a well-formed ELF file without the section is not a Go binary,
	 * whatever its data holds */
	memset(&inv, 0, sizeof(inv));
	secs[0] = (struct sec){".rodata", info, n};
	elf = build_elf(secs, 1, &elen);
	assert_int_equal(inv_parse_go_binary(&inv, (char *)elf, elen,
					     "usr/bin/c-tool", 0, on_warn, &w),
			 0);
	assert_int_equal(inv.npkgs, 0);
	inventory_free(&inv);
	free(elf);
}

/* ---- Cargo ----------------------------------------------------------------
 */

static void test_cargo_lock(void **state)
{
	struct inventory inv = {0};
	struct warns w = {0};
	size_t len;
	char *buf = fixture("Cargo.lock", &len);

	assert_int_equal(inv_parse_cargo_lock(&inv, buf, len, "app/Cargo.lock",
					      0, on_warn, &w),
			 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(inventory_finish(&inv), 0);
	assert_int_equal(inv.npkgs, 2); /* the workspace crate is not listed */
	assert_string_equal(inv.pkgs[0].purl, "pkg:cargo/serde@1.0.190");
	assert_string_equal(inv.pkgs[1].purl, "pkg:cargo/tokio@1.33.0");
	assert_string_equal(eco(&inv, &inv.pkgs[0]), "crates.io");
	inventory_free(&inv);
	free(buf);
}

/* inv_parse_cargo_auditable is internal: reached through an ELF file the
 * way inventory_collect does (inventory_int.h). */
int inv_elf_section(const char *buf, size_t len, const char *name,
		    const char **ret, size_t *ret_len);
int inv_parse_cargo_auditable(struct inventory *inv, const char *buf,
			      size_t len, const char *path, int layer,
			      inv_warn_fn warn, void *ctx);

static void test_cargo_auditable_dep_v0(void **state)
{
	static const char js[] =
	    "{\"packages\":["
	    "{\"name\":\"my-bin\",\"version\":\"0.1.0\",\"source\":"
	    "\"local\",\"kind\":\"runtime\",\"root\":true},"
	    "{\"name\":\"serde\",\"version\":\"1.0.190\",\"source\":"
	    "\"crates.io\",\"kind\":\"runtime\"},"
	    "{\"name\":\"cc\",\"version\":\"1.0.83\",\"source\":"
	    "\"crates.io\",\"kind\":\"build\"}]}";
	unsigned char z[1024], *elf;
	uLongf zl = sizeof(z);
	struct inventory inv = {0};
	struct warns w = {0};
	struct sec s;
	const char *sec;
	size_t elen, slen;

	assert_int_equal(
	    compress2(z, &zl, (const Bytef *)js, sizeof(js) - 1, 9), Z_OK);
	s = (struct sec){".dep-v0", z, zl};
	elf = build_elf(&s, 1, &elen);
	assert_int_equal(
	    inv_elf_section((char *)elf, elen, ".dep-v0", &sec, &slen), 0);
	assert_int_equal(slen, zl);
	assert_int_equal(
	    inv_elf_section((char *)elf, elen, ".go.buildinfo", &sec, &slen),
	    -ENOENT);
	assert_int_equal(
	    inv_elf_section((char *)elf, elen, ".dep-v0", &sec, &slen), 0);
	assert_int_equal(inv_parse_cargo_auditable(&inv, sec, slen, "bin/my", 0,
						   on_warn, &w),
			 0);
	assert_int_equal(inventory_finish(&inv), 0);
	assert_int_equal(inv.npkgs, 2);
	assert_string_equal(inv.pkgs[0].purl, "pkg:cargo/cc@1.0.83");
	assert_string_equal(inv.pkgs[1].purl, "pkg:cargo/serde@1.0.190");
	/* corrupt zlib data */
	assert_int_equal(inv_parse_cargo_auditable(&inv, "xxxx", 4, "bin/my", 0,
						   on_warn, &w),
			 -EINVAL);
	assert_int_equal(w.n, 1);
	inventory_free(&inv);
	free(elf);
}

/* ---- Java -----------------------------------------------------------------
 */

struct zfile {
	const char *name;
	const void *data;
	size_t len;
};

static void *build_zip(const struct zfile *files, int n, size_t *ret_len)
{
	size_t cap = 1 << 20, used = 0;
	void *buf = malloc(cap);
	struct archive *a = archive_write_new();
	struct archive_entry *e;
	int i;

	assert_non_null(buf);
	assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(a, buf, cap, &used),
			 ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, files[i].name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)files[i].len);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		assert_int_equal(
		    archive_write_data(a, files[i].data, files[i].len),
		    (la_ssize_t)files[i].len);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	*ret_len = used;
	return buf;
}

static void test_java_war_with_nested_jars(void **state)
{
	static const char inner_mf[] = "Manifest-Version: 1.0\r\n"
				       "Implementation-Title: inner-lib\r\n"
				       "Implementation-Version: 2.0.1\r\n\r\n";
	static const char cio_pom[] = "#Generated by Maven\n"
				      "groupId=commons-io\n"
				      "artifactId=commons-io\n"
				      "version=2.11.0\n";
	static const char war_pom[] = "version = 1.0.0\n"
				      "groupId: org.example\n"
				      "artifactId=webapp\n";
	static const char bsn_mf[] =
	    "Manifest-Version: 1.0\n"
	    "Bundle-SymbolicName: org.example.very.lo\n"
	    " ng.bundle;singleton:=true\n"
	    "Bundle-Version: 4.5.6\n";
	struct zfile inner[1] = {
	    {"META-INF/MANIFEST.MF", inner_mf, sizeof(inner_mf) - 1}};
	struct zfile cio[2] = {
	    {"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n", 22},
	    {"META-INF/maven/commons-io/commons-io/pom.properties", cio_pom,
	     sizeof(cio_pom) - 1}};
	struct zfile bsn[1] = {
	    {"META-INF/MANIFEST.MF", bsn_mf, sizeof(bsn_mf) - 1}};
	struct zfile empty[1] = {{"README", "x", 1}};
	struct zfile war[6];
	struct inventory inv = {0};
	struct warns w = {0};
	const struct inv_package *p;
	void *ij, *cj, *bj, *ej, *wz;
	size_t il, cl, bl, el, wl;

	ij = build_zip(inner, 1, &il);
	cj = build_zip(cio, 2, &cl);
	bj = build_zip(bsn, 1, &bl);
	ej = build_zip(empty, 1, &el);
	war[0] = (struct zfile){"META-INF/maven/org.example/webapp/"
				"pom.properties",
				war_pom, sizeof(war_pom) - 1};
	war[1] = (struct zfile){"WEB-INF/lib/inner-lib-2.0.1.jar", ij, il};
	war[2] = (struct zfile){"WEB-INF/lib/commons-io-2.11.0.jar", cj, cl};
	war[3] = (struct zfile){"WEB-INF/lib/bundle.jar", bj, bl};
	war[4] = (struct zfile){"WEB-INF/lib/guava-32.1.3-jre.jar", ej, el};
	war[5] = (struct zfile){"index.html", "<html/>", 7};
	wz = build_zip(war, 6, &wl);

	assert_int_equal(
	    inv_parse_java_archive(&inv, wz, wl, "srv/app.war", 4, on_warn, &w),
	    0);
	assert_int_equal(w.n, 0);
	assert_int_equal(inventory_finish(&inv), 0);
	assert_int_equal(inv.npkgs, 5);
	p = must_find(&inv, INV_MAVEN, "org.example:webapp");
	assert_string_equal(p->version, "1.0.0");
	assert_string_equal(p->path, "srv/app.war");
	assert_int_equal(p->layer, 4);
	assert_string_equal(p->purl, "pkg:maven/org.example/webapp@1.0.0");
	p = must_find(&inv, INV_MAVEN, "commons-io:commons-io");
	assert_string_equal(p->path,
			    "srv/app.war!WEB-INF/lib/commons-io-2.11.0.jar");
	assert_string_equal(p->purl, "pkg:maven/commons-io/commons-io@2.11.0");
	/* no pom.properties: manifest title and version, group unknown */
	p = must_find(&inv, INV_MAVEN, "inner-lib");
	assert_string_equal(p->version, "2.0.1");
	assert_string_equal(p->purl, "pkg:maven/inner-lib@2.0.1");
	assert_string_equal(p->path,
			    "srv/app.war!WEB-INF/lib/inner-lib-2.0.1.jar");
	/* Bundle-SymbolicName across a continuation line, directives cut */
	p = must_find(&inv, INV_MAVEN, "org.example.very.long.bundle");
	assert_string_equal(p->version, "4.5.6");
	/* nothing inside: the file name */
	p = must_find(&inv, INV_MAVEN, "guava");
	assert_string_equal(p->version, "32.1.3-jre");
	assert_string_equal(eco(&inv, p), "Maven");
	inventory_free(&inv);

	/* garbage is reported, not fatal */
	memset(&inv, 0, sizeof(inv));
	assert_int_equal(inv_parse_java_archive(&inv, "PK\x03\x04garbage", 11,
						"x.jar", 0, on_warn, &w),
			 -EINVAL);
	assert_true(w.n >= 1);
	inventory_free(&inv);
	free(ij);
	free(cj);
	free(bj);
	free(ej);
	free(wz);
}

static void test_java_nesting_depth_bounded(void **state)
{
	struct zfile f[2];
	struct inventory inv = {0};
	struct warns w = {0};
	void *z, *nz;
	size_t zl, nl;
	int d;

	/* lib-0.0.jar inside lib-1.0.jar inside ... lib-5.0.jar */
	f[0] = (struct zfile){"README", "x", 1};
	z = build_zip(f, 1, &zl);
	for (d = 1; d <= 5; d++) {
		char name[32];

		snprintf(name, sizeof(name), "lib/lib-%d.0.jar", d - 1);
		f[0] = (struct zfile){name, z, zl};
		nz = build_zip(f, 1, &nl);
		free(z);
		z = nz;
		zl = nl;
	}
	assert_int_equal(
	    inv_parse_java_archive(&inv, z, zl, "lib-5.0.jar", 0, on_warn, &w),
	    -EINVAL);
	assert_non_null(strstr(w.last, "nested deeper"));
	/* the outer archive and three levels below it */
	assert_int_equal(inv.npkgs, 4);
	inventory_free(&inv);
	free(z);
}

/* ---- rpm ------------------------------------------------------------------
 */

struct rtag {
	uint32_t tag, type;
	const char *s;
	uint32_t i;
};

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static size_t build_rpm_header(unsigned char *b, const struct rtag *t, int n)
{
	size_t dl = 0, idx = 8;
	unsigned char data[4096];
	int i;

	for (i = 0; i < n; i++) {
		put_be32(b + idx, t[i].tag);
		put_be32(b + idx + 4, t[i].type);
		put_be32(b + idx + 8, (uint32_t)dl);
		put_be32(b + idx + 12, 1);
		idx += 16;
		if (t[i].type == 4) {
			put_be32(data + dl, t[i].i);
			dl += 4;
		} else {
			memcpy(data + dl, t[i].s, strlen(t[i].s) + 1);
			dl += strlen(t[i].s) + 1;
		}
	}
	put_be32(b, (uint32_t)n);
	put_be32(b + 4, (uint32_t)dl);
	memcpy(b + idx, data, dl);
	return idx + dl;
}

static void make_rpmdb(const char *file, int as_view)
{
	static const struct rtag ossl[] = {
	    {1000, 6, "openssl", 0},
	    {1001, 6, "3.0.7", 0},
	    {1002, 6, "24.el9", 0},
	    {1003, 4, NULL, 1},
	    {1022, 6, "x86_64", 0},
	    {1014, 6, "Apache-2.0", 0},
	    {1044, 6, "openssl-3.0.7-24.el9.src.rpm", 0},
	};
	static const struct rtag libs[] = {
	    {1000, 6, "openssl-libs", 0},
	    {1001, 6, "3.0.7", 0},
	    {1002, 6, "24.el9", 0},
	    {1003, 4, NULL, 1},
	    {1022, 6, "x86_64", 0},
	    {1044, 6, "openssl-3.0.7-24.el9.src.rpm", 0},
	};
	static const struct rtag key[] = {
	    {1000, 6, "gpg-pubkey", 0},
	    {1001, 6, "fd431d51", 0},
	    {1002, 6, "4ae0493b", 0},
	};
	unsigned char blob[8192];
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t n;
	int i;

	unlink(file);
	assert_int_equal(sqlite3_open(file, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db,
			 as_view ? "CREATE TABLE P(hnum INTEGER, blob BLOB);"
				   "CREATE VIEW Packages AS SELECT * FROM P"
				 : "CREATE TABLE Packages(hnum INTEGER "
				   "PRIMARY KEY AUTOINCREMENT, blob BLOB "
				   "NOT NULL)",
			 NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    as_view
						? "INSERT INTO P(blob) "
						  "VALUES (?)"
						: "INSERT INTO Packages(blob)"
						  " VALUES (?)",
					    -1, &st, NULL),
			 SQLITE_OK);
	for (i = 0; i < 4; i++) {
		if (i == 0)
			n = build_rpm_header(blob, ossl, 7);
		else if (i == 1)
			n = build_rpm_header(blob, libs, 6);
		else if (i == 2)
			n = build_rpm_header(blob, key, 3);
		else { /* malformed: index count far beyond the blob */
			put_be32(blob, 1000);
			put_be32(blob + 4, 10);
			n = 12;
		}
		sqlite3_bind_blob(st, 1, blob, (int)n, SQLITE_TRANSIENT);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_rpmdb_sqlite(void **state)
{
	char file[] = "/tmp/bw-test-rpmdb-XXXXXX";
	struct inventory inv = {0};
	struct warns w = {0};
	const struct inv_package *p;
	int fd = mkstemp(file);

	assert_true(fd >= 0);
	close(fd);
	make_rpmdb(file, 0);
	assert_int_equal(inv_parse_rpmdb_sqlite(&inv, file,
						"var/lib/rpm/rpmdb.sqlite", 1,
						on_warn, &w),
			 -EINVAL); /* the malformed header */
	assert_int_equal(w.n, 1);
	assert_int_equal(inv.npkgs, 2); /* gpg-pubkey is not a package */
	load_os(&inv, "os-release-rhel-9");
	assert_int_equal(inventory_finish(&inv), 0);
	p = must_find(&inv, INV_RPM, "openssl");
	assert_string_equal(p->version, "1:3.0.7-24.el9");
	assert_string_equal(p->src_name, "openssl");
	assert_string_equal(p->src_version, "1:3.0.7-24.el9");
	assert_string_equal(p->license, "Apache-2.0");
	assert_string_equal(p->path, "var/lib/rpm/rpmdb.sqlite");
	assert_string_equal(
	    p->purl,
	    "pkg:rpm/redhat/"
	    "openssl@3.0.7-24.el9?arch=x86_64&distro=rhel-9.3&epoch=1");
	assert_string_equal(eco(&inv, p), "Red Hat");
	p = must_find(&inv, INV_RPM, "openssl-libs");
	assert_string_equal(p->src_name, "openssl");
	assert_null(p->license);
	inventory_free(&inv);

	/* a view named Packages could run arbitrary SQL: refused */
	memset(&inv, 0, sizeof(inv));
	w.n = 0;
	make_rpmdb(file, 1);
	assert_int_equal(
	    inv_parse_rpmdb_sqlite(&inv, file, "rpmdb.sqlite", 0, on_warn, &w),
	    -EINVAL);
	assert_int_equal(w.n, 1);
	assert_int_equal(inv.npkgs, 0);

	/* not a database */
	fd = open(file, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "garbage garbage garbage", 23), 23);
	close(fd);
	assert_int_equal(
	    inv_parse_rpmdb_sqlite(&inv, file, "rpmdb.sqlite", 0, on_warn, &w),
	    -EINVAL);
	assert_int_equal(w.n, 2);
	inventory_free(&inv);
	unlink(file);
}

/* ---- finish: purls, sorting, duplicates --------------------------------- */

static void test_finish_sorts_and_deduplicates(void **state)
{
	struct inventory inv = {0};

	assert_non_null(inv_add(&inv, INV_PYTHON, "b", "1", "p2", 0));
	assert_non_null(inv_add(&inv, INV_NPM, "z", "1", "p", 0));
	assert_non_null(inv_add(&inv, INV_PYTHON, "b", "1", "p1", 1));
	assert_non_null(inv_add(&inv, INV_PYTHON, "b", "1", "p1", 0));
	assert_non_null(inv_add(&inv, INV_PYTHON, "a", "2", "p1", 0));
	assert_non_null(inv_add(&inv, INV_PYTHON, "a", "10", "p1", 0));
	assert_null(inv_add(&inv, INV_PYTHON, NULL, "1", "p", 0));
	assert_int_equal(inventory_finish(&inv), 0);
	assert_int_equal(inv.npkgs, 5);
	assert_int_equal(inv.pkgs[0].type, INV_NPM);
	assert_string_equal(inv.pkgs[1].version, "10"); /* byte order */
	assert_string_equal(inv.pkgs[2].version, "2");
	assert_string_equal(inv.pkgs[3].path, "p1");
	assert_int_equal(inv.pkgs[3].layer, 0); /* the lowest layer kept */
	assert_string_equal(inv.pkgs[4].path, "p2");
	/* finishing twice changes nothing */
	assert_int_equal(inventory_finish(&inv), 0);
	assert_int_equal(inv.npkgs, 5);
	inventory_free(&inv);
	inventory_free(&inv);
	inventory_free(NULL);
}

static void test_purl_encoding(void **state)
{
	struct inventory inv = {0};
	struct inv_package *p;

	p = inv_add(&inv, INV_PYTHON, "Zope.Interface_X", "5.0+local", "m", 0);
	p = inv_add(&inv, INV_MAVEN, "org.x:a b", "1.0", "j", 0);
	p = inv_add(&inv, INV_GO, "example.com/a b/c", "v0.0.0-2023", "g", 0);
	p = inv_add(&inv, INV_RPM, "bash", "5.1-1", "r", 0);
	(void)p;
	assert_int_equal(inventory_finish(&inv), 0);
	assert_string_equal(
	    must_find(&inv, INV_PYTHON, "Zope.Interface_X")->purl,
	    "pkg:pypi/zope.interface-x@5.0%2Blocal");
	assert_string_equal(must_find(&inv, INV_MAVEN, "org.x:a b")->purl,
			    "pkg:maven/org.x/a%20b@1.0");
	assert_string_equal(must_find(&inv, INV_GO, "example.com/a b/c")->purl,
			    "pkg:golang/example.com/a%20b/c@v0.0.0-2023");
	/* no os-release: no namespace, no distro */
	assert_string_equal(must_find(&inv, INV_RPM, "bash")->purl,
			    "pkg:rpm/bash@5.1-1");
	inventory_free(&inv);
}

/* ---- hostile input --------------------------------------------------------
 */

typedef int (*parse_fn)(struct inventory *, const char *, size_t, const char *,
			int, inv_warn_fn, void *);

static int parse_os(struct inventory *inv, const char *b, size_t n,
		    const char *path, int layer, inv_warn_fn w, void *c)
{
	(void)layer;
	return inv_parse_os_release(inv, b, n, path, w, c);
}

static const parse_fn parsers[] = {
    inv_parse_dpkg_status,
    inv_parse_apk_installed,
    parse_os,
    inv_parse_npm_package_json,
    inv_parse_npm_lock,
    inv_parse_python_metadata,
    inv_parse_go_binary,
    inv_parse_java_archive,
    inv_parse_cargo_lock,
};

static void test_garbage_and_huge_lines_never_crash(void **state)
{
	size_t big = 10u << 20, i, k;
	char *buf = malloc(big);
	uint32_t x = 12345;

	assert_non_null(buf);
	/* binary garbage */
	for (i = 0; i < big; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (char)(x >> 16);
	}
	for (k = 0; k < sizeof(parsers) / sizeof(parsers[0]); k++) {
		struct inventory inv = {0};
		struct warns w = {0};

		parsers[k](&inv, buf, 65536, "garbage", 0, on_warn, &w);
		assert_true(w.n <= 21); /* per-file reporting is bounded */
		assert_int_equal(inventory_finish(&inv), 0);
		inventory_free(&inv);
	}
	/* a 10 MB single line */
	memset(buf, 'a', big);
	memcpy(buf, "Package: ", 9);
	for (k = 0; k < sizeof(parsers) / sizeof(parsers[0]); k++) {
		struct inventory inv = {0};
		struct warns w = {0};

		parsers[k](&inv, buf, big, "long", 0, on_warn, &w);
		assert_true(w.n <= 21);
		assert_int_equal(inventory_finish(&inv), 0);
		assert_int_equal(inv.npkgs, 0); /* the name is too long */
		inventory_free(&inv);
	}
	/* empty input */
	for (k = 0; k < sizeof(parsers) / sizeof(parsers[0]); k++) {
		struct inventory inv = {0};

		parsers[k](&inv, "", 0, "empty", 0, NULL, NULL);
		assert_int_equal(inv.npkgs, 0);
		inventory_free(&inv);
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dpkg_status_real_machine),
	    cmocka_unit_test(test_dpkg_status_d_distroless),
	    cmocka_unit_test(test_dpkg_malformed_stanzas_warn),
	    cmocka_unit_test(test_apk_installed),
	    cmocka_unit_test(test_os_release_files),
	    cmocka_unit_test(test_os_release_quoting),
	    cmocka_unit_test(test_ecosystem_languages_and_unknown_os),
	    cmocka_unit_test(test_npm_package_json_scoped),
	    cmocka_unit_test(test_npm_lock_v1_tree),
	    cmocka_unit_test(test_npm_lock_v3_packages),
	    cmocka_unit_test(test_npm_invalid_json_warns),
	    cmocka_unit_test(test_python_metadata_and_pkg_info),
	    cmocka_unit_test(test_go_buildinfo_raw_buffer),
	    cmocka_unit_test(test_go_buildinfo_old_format_and_truncation),
	    cmocka_unit_test(test_go_buildinfo_in_elf_section),
	    cmocka_unit_test(test_cargo_lock),
	    cmocka_unit_test(test_cargo_auditable_dep_v0),
	    cmocka_unit_test(test_java_war_with_nested_jars),
	    cmocka_unit_test(test_java_nesting_depth_bounded),
	    cmocka_unit_test(test_rpmdb_sqlite),
	    cmocka_unit_test(test_finish_sorts_and_deduplicates),
	    cmocka_unit_test(test_purl_encoding),
	    cmocka_unit_test(test_garbage_and_huge_lines_never_crash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
