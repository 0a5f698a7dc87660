/*
 * parse_go.c - the build information the Go linker embeds in every
 * binary (what `go version -m` prints): the Go toolchain version, the main
 * module and the module dependencies.
 *
 * Layout (Go's debug/buildinfo): in the ".go.buildinfo" section (or, for
 * a buffer that is not a well-formed ELF file, anywhere in it) a 32-byte
 * header
 *
 *   0   14  magic "\xff Go buildinf:"
 *   14  1   pointer size (4 or 8)
 *   15  1   flags: 0x1 big-endian pointers, 0x2 strings are inline
 *   16  16  padding (older binaries: two pointers, see below)
 *   32  ... inline: uvarint length + Go version ("go1.21.3"),
 *               uvarint length + module info
 *
 * The module info is framed by two 16-byte sentinels, the last byte
 * before the closing one being '\n'; inside are tab-separated lines:
 *
 *   path  example.com/cmd/app
 *   mod   example.com/app  v1.2.3  h1:...      the main module
 *   dep   golang.org/x/sys  v0.1.0  h1:...     a dependency
 *   =>    golang.org/x/sys  v0.2.0  h1:...     replaces the line above
 *   build -ldflags=...                         (not read)
 *
 * Go before 1.18 stored two pointers at offset 16 instead of inline
 * strings; following them needs the binary's virtual memory map, which
 * is not done: such binaries are reported as unsupported.
 *
 * Packages: each mod/dep as INV_GO (a replacement's path and version win;
 * a replacement by a local directory has no version and becomes
 * "(devel)", as a main module built from a checkout is), and the toolchain
 * as INV_GOSTD "stdlib" with the OSV convention for versions: "1.21.3",
 * without "go" (purl.c puts it back: pkg:golang/stdlib@go1.21.3).
 */
#include "inventory/inventory_int.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

static const char go_magic[] = "\xff Go buildinf:";
#define GO_MAGIC_LEN 14
#define GO_HDR_LEN 32
#define GO_FLAG_INLINE 0x2

/* First occurrence of the magic in [p, end) (memmem is a GNU extension). */
static const unsigned char *find_magic(const unsigned char *p,
				       const unsigned char *end)
{
	while ((size_t)(end - p) >= GO_MAGIC_LEN) {
		p = memchr(p, 0xff, (size_t)(end - p) - GO_MAGIC_LEN + 1);
		if (!p)
			return NULL;
		if (!memcmp(p, go_magic, GO_MAGIC_LEN))
			return p;
		p++;
	}
	return NULL;
}

/* Reads a uvarint-prefixed string at *p; 0 or -EINVAL when it does not
 * fit before end. */
static int read_str(const unsigned char **p, const unsigned char *end,
		    const char **ret, size_t *ret_len)
{
	uint64_t v = 0;
	int shift = 0;

	for (;;) {
		unsigned char c;

		if (*p >= end || shift > 63)
			return -EINVAL;
		c = *(*p)++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			break;
		shift += 7;
	}
	if (v > (uint64_t)(end - *p))
		return -EINVAL;
	*ret = (const char *)*p;
	*ret_len = (size_t)v;
	*p += v;
	return 0;
}

static int add_stdlib(struct inventory *inv, struct inv_diag *d, const char *v,
		      size_t n, const char *path, int layer)
{
	size_t sp;

	/* "go1.21.3", "go1.22.0 X:boringcrypto", "devel go1.23-abc..." */
	for (sp = 0; sp < n && v[sp] != ' '; sp++)
		;
	if (sp < 2 || memcmp(v, "go", 2) ||
	    !inv_valid_token(v + 2, sp - 2, 1)) {
		if (n)
			inv_diag_warn(d, 0, "unrecognised Go version \"%.*s\"",
				      (int)(n > 64 ? 64 : n), v);
		return 0;
	}
	if (!inv_addn(inv, INV_GOSTD, "stdlib", 6, v + 2, sp - 2, path, layer))
		return -ENOMEM;
	return 0;
}

/* Splits line at tabs into at most 4 fields; returns the count. */
static int split_tabs(const char *s, size_t n, const char **f, size_t *fn)
{
	int k = 0;

	while (k < 4) {
		const char *t = memchr(s, '\t', n);
		size_t len = t ? (size_t)(t - s) : n;

		f[k] = s;
		fn[k++] = len;
		if (!t)
			break;
		n -= len + 1;
		s = t + 1;
	}
	return k;
}

static int parse_modinfo(struct inventory *inv, struct inv_diag *d,
			 const char *m, size_t n, const char *path, int layer)
{
	struct inv_lines it;
	const char *line, *f[4] = {0};
	size_t ln, fn[4] = {0};
	size_t last = (size_t)-1; /* index of the last mod/dep added */

	inv_lines_init(&it, m, n);
	while (inv_lines_next(&it, &line, &ln)) {
		int k = split_tabs(line, ln, f, fn);
		const char *ver;
		size_t vn;
		int is_mod, is_dep, is_rep;

		is_mod = fn[0] == 3 && !memcmp(f[0], "mod", 3);
		is_dep = fn[0] == 3 && !memcmp(f[0], "dep", 3);
		is_rep = fn[0] == 2 && !memcmp(f[0], "=>", 2);
		if (!is_mod && !is_dep && !is_rep) {
			if (!(fn[0] == 4 && !memcmp(f[0], "path", 4)))
				last = (size_t)-1;
			continue;
		}
		if (k < 2 || !inv_valid_token(f[1], fn[1], 1)) {
			inv_diag_warn(d, 0, "malformed module line \"%.*s\"",
				      (int)(ln > 80 ? 80 : ln), line);
			last = (size_t)-1;
			continue;
		}
		ver = k >= 3 && fn[2] ? f[2] : "(devel)";
		vn = k >= 3 && fn[2] ? fn[2] : 7;
		if (!inv_valid_token(ver, vn, 1)) {
			inv_diag_warn(d, 0, "invalid version for module %.*s",
				      (int)fn[1], f[1]);
			last = (size_t)-1;
			continue;
		}
		if (is_rep) {
			struct inv_package *p;

			if (last == (size_t)-1) {
				inv_diag_warn(d, 0,
					      "replacement without a module");
				continue;
			}
			p = &inv->pkgs[last];
			/* A local directory replacement ("./x", "../x", "/x")
			 * is not a module: the code is still known by the
			 * module path it replaces, at no published version. */
			if (fn[1] && (f[1][0] == '.' || f[1][0] == '/')) {
				if (inv_setn(&p->version, "(devel)", 7))
					return -ENOMEM;
			} else if (inv_setn(&p->name, f[1], fn[1]) ||
				   inv_setn(&p->version, ver, vn)) {
				return -ENOMEM;
			}
			last = (size_t)-1;
			continue;
		}
		if (!inv_addn(inv, INV_GO, f[1], fn[1], ver, vn, path, layer))
			return -ENOMEM;
		last = inv->npkgs - 1;
	}
	return 0;
}

/* Parses the build info at q (q[0..GO_MAGIC_LEN) is the magic).  Returns 1
 * when the layout is not build info (try the next match), 0 done, or a
 * negative code. */
static int parse_at(struct inventory *inv, struct inv_diag *d,
		    const unsigned char *q, const unsigned char *end,
		    const char *path, int layer)
{
	const unsigned char *p = q + GO_HDR_LEN;
	const char *ver, *mod;
	size_t vn, mn;
	int rc;

	if ((size_t)(end - q) < GO_HDR_LEN)
		return 1;
	if (q[14] != 4 && q[14] != 8)
		return 1;
	if (!(q[15] & GO_FLAG_INLINE)) {
		inv_diag_warn(d, 0,
			      "Go build info in the pre-1.18 pointer format is "
			      "not supported");
		return -EINVAL;
	}
	if (read_str(&p, end, &ver, &vn) || read_str(&p, end, &mod, &mn))
		return 1;
	rc = add_stdlib(inv, d, ver, vn, path, layer);
	if (rc)
		return rc;
	/* module info between the sentinels; absent outside module mode */
	if (mn >= 33 && mod[mn - 17] == '\n')
		return parse_modinfo(inv, d, mod + 16, mn - 32, path, layer);
	return 0;
}

int inv_parse_go_binary(struct inventory *inv, const char *buf, size_t len,
			const char *path, int layer, inv_warn_fn warn,
			void *ctx)
{
	const char *region = buf;
	size_t rlen = len;
	const unsigned char *q, *end;
	struct inv_diag d;
	int rc;

	inv_diag_init(&d, inv, warn, ctx, path);
	if (!buf)
		return 0;
	/* In an ELF file only the section is searched (every Go >= 1.13
	 * binary has it: a well-formed ELF file without one is not Go); a
	 * buffer that is not ELF is searched whole. */
	rc = inv_elf_section(buf, len, ".go.buildinfo", &region, &rlen);
	if (rc == -ENOENT)
		return 0;
	if (rc) {
		region = buf;
		rlen = len;
	}
	q = (const unsigned char *)region;
	end = q + rlen;
	while ((q = find_magic(q, end))) {
		rc = parse_at(inv, &d, q, end, path, layer);
		if (rc <= 0)
			return inv_diag_result(&d, rc);
		q += GO_MAGIC_LEN;
	}
	return inv_diag_result(&d, 0); /* not a Go binary: nothing to add */
}
