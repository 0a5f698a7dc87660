/*
 * report_spdx.c - SPDX 2.3 JSON: a root package for the image (purpose
 * CONTAINER) that the document DESCRIBES and that CONTAINS the operating
 * system (purpose OPERATING-SYSTEM) and every package (purpose LIBRARY,
 * with its purl as a PACKAGE-MANAGER external reference).
 *
 * SPDX fields are strict where CycloneDX's are free: licenseDeclared must
 * be an SPDX license expression or NOASSERTION.  A declared license is
 * kept only when it parses as an expression of licence identifiers on the
 * SPDX list (the common ones are in the table below; matching is
 * case-insensitive and the canonical spelling is written), operators
 * AND / OR / WITH and parentheses; anything else ("BSD License", "MIT
 * BSD", "Apache 2.0", LicenseRef-... that would need an extracted licence
 * text) becomes NOASSERTION.  SPDXIDs are built from the package type,
 * name and version reduced to [A-Za-z0-9.-], made unique with the package
 * index when two reduce to the same string.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/report_int.h"

#define NOASSERTION "NOASSERTION"
#define SPDX_MAX_EXPR 512    /* longest licence expression kept */
#define SPDX_MAX_DEPTH 16    /* parenthesis nesting */
#define SPDX_ID_PART_MAX 100 /* bytes of name / version in an SPDXID */

/* Licence identifiers from the SPDX License List (the ones package
 * managers declare in practice, deprecated forms included). */
static const char *const spdx_ids[] = {
    "0BSD",
    "AFL-2.1",
    "AFL-3.0",
    "AGPL-1.0",
    "AGPL-3.0",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-1.0",
    "Apache-1.1",
    "Apache-2.0",
    "APSL-2.0",
    "Artistic-1.0",
    "Artistic-1.0-Perl",
    "Artistic-2.0",
    "Beerware",
    "BitTorrent-1.1",
    "BlueOak-1.0.0",
    "BSD-1-Clause",
    "BSD-2-Clause",
    "BSD-2-Clause-FreeBSD",
    "BSD-2-Clause-NetBSD",
    "BSD-2-Clause-Patent",
    "BSD-3-Clause",
    "BSD-3-Clause-Attribution",
    "BSD-3-Clause-Clear",
    "BSD-3-Clause-LBNL",
    "BSD-4-Clause",
    "BSD-4-Clause-UC",
    "BSD-Source-Code",
    "BSL-1.0",
    "bzip2-1.0.6",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "CDDL-1.0",
    "CDDL-1.1",
    "CECILL-2.1",
    "ClArtistic",
    "CPL-1.0",
    "curl",
    "ECL-2.0",
    "EFL-2.0",
    "EPL-1.0",
    "EPL-2.0",
    "EUPL-1.1",
    "EUPL-1.2",
    "FSFAP",
    "FSFUL",
    "FSFULLR",
    "FTL",
    "GFDL-1.1",
    "GFDL-1.2",
    "GFDL-1.3",
    "GFDL-1.3-only",
    "GFDL-1.3-or-later",
    "GPL-1.0",
    "GPL-1.0+",
    "GPL-1.0-only",
    "GPL-1.0-or-later",
    "GPL-2.0",
    "GPL-2.0+",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0",
    "GPL-3.0+",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "HPND",
    "ICU",
    "IJG",
    "Imlib2",
    "Info-ZIP",
    "IPA",
    "ISC",
    "JSON",
    "LGPL-2.0",
    "LGPL-2.0+",
    "LGPL-2.0-only",
    "LGPL-2.0-or-later",
    "LGPL-2.1",
    "LGPL-2.1+",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0",
    "LGPL-3.0+",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "Libpng",
    "libpng-2.0",
    "libtiff",
    "LPPL-1.3c",
    "MirOS",
    "MIT",
    "MIT-0",
    "MIT-CMU",
    "MIT-Modern-Variant",
    "MPL-1.0",
    "MPL-1.1",
    "MPL-2.0",
    "MPL-2.0-no-copyleft-exception",
    "MS-PL",
    "MS-RL",
    "NCSA",
    "Net-SNMP",
    "NTP",
    "OFL-1.1",
    "OLDAP-2.8",
    "OpenSSL",
    "OSL-3.0",
    "PHP-3.0",
    "PHP-3.01",
    "PostgreSQL",
    "PSF-2.0",
    "Python-2.0",
    "Python-2.0.1",
    "Qhull",
    "Ruby",
    "Sleepycat",
    "SSPL-1.0",
    "TCL",
    "Unicode-3.0",
    "Unicode-DFS-2015",
    "Unicode-DFS-2016",
    "Unlicense",
    "UPL-1.0",
    "Vim",
    "W3C",
    "WTFPL",
    "X11",
    "XFree86-1.1",
    "Zlib",
    "zlib-acknowledgement",
    "ZPL-2.0",
    "ZPL-2.1",
};

static const char *const spdx_exceptions[] = {
    "Autoconf-exception-2.0",  "Autoconf-exception-3.0",
    "Bison-exception-2.2",     "Classpath-exception-2.0",
    "Font-exception-2.0",      "GCC-exception-2.0",
    "GCC-exception-3.1",       "LLVM-exception",
    "Linux-syscall-note",      "OpenSSL-exception",
    "Qt-LGPL-exception-1.1",   "Universal-FOSS-exception-1.0",
    "WxWindows-exception-3.1", "389-exception",
};

static const char *find_id(const char *const *tab, size_t n, const char *s,
			   size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(tab[i]) == len && !strncasecmp(tab[i], s, len))
			return tab[i];
	return NULL;
}

/* ---- licence expressions ---------------------------------------------- */

struct lexer {
	const char *s;
	size_t pos, len;
	char out[SPDX_MAX_EXPR + 1];
	size_t olen;
	int bad;
};

static void emit(struct lexer *lx, const char *s, size_t n)
{
	if (lx->olen + n > SPDX_MAX_EXPR) {
		lx->bad = 1;
		return;
	}
	memcpy(lx->out + lx->olen, s, n);
	lx->olen += n;
	lx->out[lx->olen] = '\0';
}

static void skip_ws(struct lexer *lx)
{
	while (lx->pos < lx->len &&
	       (lx->s[lx->pos] == ' ' || lx->s[lx->pos] == '\t'))
		lx->pos++;
}

/* The next word (a run of [A-Za-z0-9.+:-]); 0 when none. */
static size_t word(struct lexer *lx, const char **ret)
{
	size_t start;

	skip_ws(lx);
	start = lx->pos;
	while (lx->pos < lx->len && (isalnum((unsigned char)lx->s[lx->pos]) ||
				     strchr(".+-:", lx->s[lx->pos])))
		lx->pos++;
	*ret = lx->s + start;
	return lx->pos - start;
}

static int is_op(const char *w, size_t n, const char *op)
{
	return n == strlen(op) && !strncasecmp(w, op, n);
}

static void parse_or(struct lexer *lx, int depth);

static void parse_term(struct lexer *lx, int depth)
{
	const char *w, *id;
	size_t n, save;
	int plus = 0;

	skip_ws(lx);
	if (lx->pos < lx->len && lx->s[lx->pos] == '(') {
		if (depth >= SPDX_MAX_DEPTH) {
			lx->bad = 1;
			return;
		}
		lx->pos++;
		emit(lx, "(", 1);
		parse_or(lx, depth + 1);
		skip_ws(lx);
		if (lx->pos >= lx->len || lx->s[lx->pos] != ')') {
			lx->bad = 1;
			return;
		}
		lx->pos++;
		emit(lx, ")", 1);
		return;
	}
	n = word(lx, &w);
	if (!n || is_op(w, n, "AND") || is_op(w, n, "OR") ||
	    is_op(w, n, "WITH")) {
		lx->bad = 1;
		return;
	}
	id = find_id(spdx_ids, sizeof(spdx_ids) / sizeof(spdx_ids[0]), w, n);
	if (!id && n > 1 && w[n - 1] == '+') {
		id = find_id(spdx_ids, sizeof(spdx_ids) / sizeof(spdx_ids[0]),
			     w, n - 1);
		plus = 1;
	}
	if (!id) {
		lx->bad = 1;
		return;
	}
	emit(lx, id, strlen(id));
	if (plus)
		emit(lx, "+", 1);
	save = lx->pos;
	n = word(lx, &w);
	if (is_op(w, n, "WITH")) {
		n = word(lx, &w);
		id = find_id(
		    spdx_exceptions,
		    sizeof(spdx_exceptions) / sizeof(spdx_exceptions[0]), w, n);
		if (!id) {
			lx->bad = 1;
			return;
		}
		emit(lx, " WITH ", 6);
		emit(lx, id, strlen(id));
	} else {
		lx->pos = save;
	}
}

static void parse_and(struct lexer *lx, int depth)
{
	const char *w;
	size_t n, save;

	parse_term(lx, depth);
	while (!lx->bad) {
		save = lx->pos;
		n = word(lx, &w);
		if (!is_op(w, n, "AND")) {
			lx->pos = save;
			return;
		}
		emit(lx, " AND ", 5);
		parse_term(lx, depth);
	}
}

static void parse_or(struct lexer *lx, int depth)
{
	const char *w;
	size_t n, save;

	parse_and(lx, depth);
	while (!lx->bad) {
		save = lx->pos;
		n = word(lx, &w);
		if (!is_op(w, n, "OR")) {
			lx->pos = save;
			return;
		}
		emit(lx, " OR ", 4);
		parse_and(lx, depth);
	}
}

/* Writes the canonical form of a declared licence into buf, or
 * NOASSERTION. */
static const char *license_expr(const char *decl, char *buf, size_t len)
{
	struct lexer lx = {0};

	snprintf(buf, len, "%s", NOASSERTION);
	if (!decl || strlen(decl) > SPDX_MAX_EXPR)
		return buf;
	lx.s = decl;
	lx.len = strlen(decl);
	parse_or(&lx, 0);
	skip_ws(&lx);
	if (!lx.bad && lx.pos == lx.len && lx.olen)
		snprintf(buf, len, "%s", lx.out);
	return buf;
}

/* ---- SPDXIDs ---------------------------------------------------------- */

static void id_part(char *dst, size_t len, const char *s)
{
	size_t o = 0, i;

	for (i = 0; s && s[i] && i < SPDX_ID_PART_MAX && o + 1 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[o++] = (isalnum(c) || c == '.' || c == '-') ? (char)c : '-';
	}
	dst[o] = '\0';
}

struct keyed {
	const char *s;
	size_t i;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

static void ids_free(char **ids, size_t n)
{
	size_t i;

	for (i = 0; ids && i < n; i++)
		free(ids[i]);
	free(ids);
}

static char **ids_build(const struct scan_result *r)
{
	size_t n = r->inv.npkgs, i, leader = 0;
	struct keyed *idx;
	char **ids = calloc(n ? n : 1, sizeof(*ids));
	char name[SPDX_ID_PART_MAX + 1], ver[SPDX_ID_PART_MAX + 1],
	    buf[3 * SPDX_ID_PART_MAX + 64];

	idx = calloc(n ? n : 1, sizeof(*idx));
	if (!ids || !idx)
		goto oom;
	for (i = 0; i < n; i++) {
		const struct inv_package *p = &r->inv.pkgs[i];

		id_part(name, sizeof(name), p->name);
		id_part(ver, sizeof(ver), p->version);
		snprintf(buf, sizeof(buf), "SPDXRef-Package-%s-%s-%s",
			 rpt_type_name(p->type), name, ver);
		ids[i] = strdup(buf);
		if (!ids[i])
			goto oom;
		idx[i].s = ids[i];
		idx[i].i = i;
	}
	if (n)
		qsort(idx, n, sizeof(*idx), cmp_keyed);
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(ids[idx[i].i], ids[leader])) {
			leader = idx[i].i;
			continue;
		}
		snprintf(buf, sizeof(buf), "%s-%zu", ids[idx[i].i], idx[i].i);
		free(ids[idx[i].i]);
		ids[idx[i].i] = strdup(buf);
		if (!ids[idx[i].i])
			goto oom;
	}
	free(idx);
	return ids;
oom:
	free(idx);
	ids_free(ids, n);
	return NULL;
}

/* ---- the document ----------------------------------------------------- */

static json_t *package_base(const char *spdxid, const char *name,
			    const char *version, const char *purpose)
{
	json_t *p = json_object();

	json_object_set_new(p, "SPDXID", rpt_jstr(spdxid));
	rpt_set_str(p, "name", name ? name : "");
	rpt_set_str_opt(p, "versionInfo", version);
	json_object_set_new(p, "supplier", json_string(NOASSERTION));
	json_object_set_new(p, "downloadLocation", json_string(NOASSERTION));
	json_object_set_new(p, "filesAnalyzed", json_false());
	json_object_set_new(p, "licenseConcluded", json_string(NOASSERTION));
	json_object_set_new(p, "licenseDeclared", json_string(NOASSERTION));
	json_object_set_new(p, "copyrightText", json_string(NOASSERTION));
	json_object_set_new(p, "primaryPackagePurpose", json_string(purpose));
	return p;
}

static json_t *relationship(const char *a, const char *type, const char *b)
{
	json_t *r = json_object();

	json_object_set_new(r, "spdxElementId", rpt_jstr(a));
	json_object_set_new(r, "relationshipType", json_string(type));
	json_object_set_new(r, "relatedSpdxElement", rpt_jstr(b));
	return r;
}

static json_t *package_obj(const struct scan_result *r,
			   const struct inv_package *p, const char *spdxid)
{
	json_t *o = package_base(spdxid, p->name, p->version, "LIBRARY");
	char lic[SPDX_MAX_EXPR + 1], info[1024];
	const char *layer = rpt_layer_digest(r, p->layer);

	json_object_set_new(
	    o, "licenseDeclared",
	    json_string(license_expr(p->license, lic, sizeof(lic))));
	if (p->path) {
		snprintf(info, sizeof(info), "%s package found in %s%s%s",
			 rpt_type_name(p->type), p->path,
			 layer ? " in layer " : "", layer ? layer : "");
		rpt_set_str(o, "sourceInfo", info);
	}
	if (p->purl) {
		json_t *refs = json_array(), *ref = json_object();

		json_object_set_new(ref, "referenceCategory",
				    json_string("PACKAGE-MANAGER"));
		json_object_set_new(ref, "referenceType", json_string("purl"));
		rpt_set_str(ref, "referenceLocator", p->purl);
		json_array_append_new(refs, ref);
		json_object_set_new(o, "externalRefs", refs);
	}
	return o;
}

int report_write_spdx(FILE *out, const struct scan_result *r,
		      const struct report_opts *o, struct bw_error *err)
{
	const char *name =
	    r->info.ref ? r->info.ref : (r->target ? r->target : "image");
	json_t *root, *ci, *creators, *pkgs, *rels;
	char uuid[37], ts[64], ns[1024], safe[256], tool[128], seed[1024];
	char **ids;
	size_t i;

	ids = ids_build(r);
	if (!ids)
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	snprintf(seed, sizeof(seed), "spdx:%s", r->target ? r->target : "");
	if (rpt_uuid(o, seed, uuid)) {
		ids_free(ids, r->inv.npkgs);
		return bw_errorf(err, -EIO, NULL, 0, 0,
				 "cannot make a document namespace");
	}
	for (i = 0; name[i] && i + 1 < sizeof(safe) && i < 128; i++) {
		unsigned char c = (unsigned char)name[i];

		safe[i] = (isalnum(c) || c == '.' || c == '-' || c == '_')
			      ? (char)c
			      : '-';
	}
	safe[i] = '\0';
	snprintf(ns, sizeof(ns), "https://bulwark.dev/spdx/%s-%s", safe, uuid);
	rpt_timestamp(o, ts, sizeof(ts));
	snprintf(tool, sizeof(tool), "Tool: %s-%s", RPT_TOOL_NAME,
		 o->tool_version ? o->tool_version : "unknown");

	root = json_object();
	json_object_set_new(root, "spdxVersion", json_string("SPDX-2.3"));
	json_object_set_new(root, "dataLicense", json_string("CC0-1.0"));
	json_object_set_new(root, "SPDXID", json_string("SPDXRef-DOCUMENT"));
	rpt_set_str(root, "name", name);
	rpt_set_str(root, "documentNamespace", ns);
	ci = json_object();
	rpt_set_str(ci, "created", ts);
	creators = json_array();
	json_array_append_new(creators, rpt_jstr(tool));
	json_object_set_new(ci, "creators", creators);
	json_object_set_new(root, "creationInfo", ci);

	pkgs = json_array();
	rels = json_array();
	json_array_append_new(pkgs, package_base("SPDXRef-Image", name,
						 r->info.manifest_digest
						     ? r->info.manifest_digest
						     : r->info.config_digest,
						 "CONTAINER"));
	json_array_append_new(rels, relationship("SPDXRef-DOCUMENT",
						 "DESCRIBES", "SPDXRef-Image"));
	if (r->inv.os.id) {
		json_t *os =
		    package_base("SPDXRef-OperatingSystem", r->inv.os.id,
				 r->inv.os.version_id, "OPERATING-SYSTEM");

		rpt_set_str_opt(os, "description", r->inv.os.pretty_name);
		json_array_append_new(pkgs, os);
		json_array_append_new(rels,
				      relationship("SPDXRef-Image", "CONTAINS",
						   "SPDXRef-OperatingSystem"));
	}
	for (i = 0; i < r->inv.npkgs; i++) {
		json_array_append_new(pkgs,
				      package_obj(r, &r->inv.pkgs[i], ids[i]));
		json_array_append_new(
		    rels, relationship("SPDXRef-Image", "CONTAINS", ids[i]));
	}
	json_object_set_new(root, "packages", pkgs);
	json_object_set_new(root, "relationships", rels);
	ids_free(ids, r->inv.npkgs);
	return rpt_dump(out, root, err);
}
