/*
 * parse_java.c - Maven artifacts inside Java archives (.jar, .war, .ear:
 * zip files), read from memory with libarchive.
 *
 * For each archive:
 *   - every META-INF/maven/<group>/<artifact>/pom.properties is a package
 *     "groupId:artifactId" at "version" (a shaded jar holds several);
 *   - when there is none, the archive itself is identified from its
 *     META-INF/MANIFEST.MF (main section): name from Implementation-Title
 *     (when it is a single word) or Bundle-SymbolicName (without its
 *     ";directives"), version from Implementation-Version or
 *     Bundle-Version; what is still missing comes from the file name
 *     "name-1.2.3.jar".  The group is unknown there, so the package name is
 *     the artifactId alone (pkg:maven/name@1.2.3) and a database keyed on
 *     group:artifact will not match it -- which is the honest answer;
 *   - nested archives (WEB-INF/lib/x.jar, BOOT-INF/lib/y.jar, any entry
 *     ending in .jar/.war/.ear) are read into memory and scanned the same
 *     way, down to INV_MAX_JAR_DEPTH levels, their packages reported with
 *     the path "outer.war!WEB-INF/lib/x.jar".
 *
 * Bounds: one nested archive at most INV_MAX_NESTED_JAR bytes, metadata
 * files INV_MAX_JAR_META, all bytes decompressed for one top-level archive
 * INV_MAX_JAR_TOTAL (zip bombs), INV_MAX_JAR_ENTRIES entries per archive.
 */
#include "inventory/inventory_int.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct jar_ctx {
	struct inventory *inv;
	struct inv_diag *d;
	int layer;
	uint64_t budget; /* decompressed bytes left for this top archive */
};

static int ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcasecmp(s + n - m, suffix);
}

static int is_archive_name(const char *s)
{
	return ends_with_ci(s, ".jar") || ends_with_ci(s, ".war") ||
	       ends_with_ci(s, ".ear");
}

/* META-INF/maven/<g>/<a>/pom.properties */
static int is_pom_properties(const char *s)
{
	static const char pre[] = "META-INF/maven/", suf[] = "/pom.properties";
	size_t n = strlen(s);
	const char *mid, *slash;

	if (n <= sizeof(pre) - 1 + sizeof(suf) - 1 ||
	    strncmp(s, pre, sizeof(pre) - 1) ||
	    strcmp(s + n - (sizeof(suf) - 1), suf))
		return 0;
	mid = s + sizeof(pre) - 1;
	slash = strchr(mid, '/');
	return slash && slash > mid && slash + 1 < s + n - (sizeof(suf) - 1) &&
	       !memchr(slash + 1, '/',
		       (size_t)(s + n - (sizeof(suf) - 1) - slash - 1));
}

/* Reads the current entry's data (at most max bytes) into a new buffer.
 * 0, -EFBIG over max or over the budget, -EIO on a read error. */
static int read_entry(struct jar_ctx *c, struct archive *a, size_t max,
		      char **ret, size_t *ret_len)
{
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	char chunk[65536];
	la_ssize_t r;

	while ((r = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
		if ((size_t)r > max - len || (uint64_t)r > c->budget) {
			free(buf);
			return -EFBIG;
		}
		c->budget -= (uint64_t)r;
		if (len + (size_t)r + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			while (cap < len + (size_t)r + 1)
				cap *= 2;
			if (cap > max + 1)
				cap = max + 1;
			if (!(nb = realloc(buf, cap))) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		memcpy(buf + len, chunk, (size_t)r);
		len += (size_t)r;
	}
	if (r < 0) {
		free(buf);
		return -EIO;
	}
	if (!buf && !(buf = malloc(1)))
		return -ENOMEM;
	buf[len] = 0;
	*ret = buf;
	*ret_len = len;
	return 0;
}

/* Java properties: "key=value", "key: value" or "key value"; # ! comments. */
static int prop_get(const char *buf, size_t len, const char *key,
		    const char **v, size_t *vn)
{
	struct inv_lines it;
	const char *line;
	size_t n, kn = strlen(key);

	inv_lines_init(&it, buf, len);
	while (inv_lines_next(&it, &line, &n)) {
		inv_trim(&line, &n);
		if (!n || line[0] == '#' || line[0] == '!')
			continue;
		if (n <= kn || memcmp(line, key, kn) ||
		    !strchr("=: \t", line[kn]))
			continue;
		*v = line + kn + 1;
		*vn = n - kn - 1;
		inv_trim(v, vn);
		if (*vn && (**v == '=' || **v == ':')) {
			(*v)++;
			(*vn)--;
			inv_trim(v, vn);
		}
		return 1;
	}
	return 0;
}

/* A main-section MANIFEST.MF header, continuation lines (one leading
 * space) joined, into out.  Returns the length, or 0 when absent. */
static size_t manifest_get(const char *buf, size_t len, const char *key,
			   char *out, size_t outsz)
{
	struct inv_lines it;
	const char *line;
	size_t n, kn = strlen(key), o = 0;
	int in = 0;

	inv_lines_init(&it, buf, len);
	while (inv_lines_next(&it, &line, &n)) {
		if (!n)
			break; /* end of the main section */
		if (line[0] == ' ') {
			if (in && n - 1 <= outsz - 1 - o) {
				memcpy(out + o, line + 1, n - 1);
				o += n - 1;
			}
			continue;
		}
		if (in)
			break;
		if (n > kn && line[kn] == ':' && !strncasecmp(line, key, kn)) {
			const char *v = line + kn + 1;
			size_t vn = n - kn - 1;

			while (vn && *v == ' ') {
				v++;
				vn--;
			}
			if (vn > outsz - 1)
				vn = outsz - 1;
			memcpy(out, v, vn);
			o = vn;
			in = 1;
		}
	}
	if (!in)
		return 0;
	out[o] = 0;
	{
		const char *t = out;
		size_t tn = o;

		inv_trim(&t, &tn);
		memmove(out, t, tn);
		out[tn] = 0;
		return tn;
	}
}

static int add_maven(struct jar_ctx *c, const char *group, size_t gn,
		     const char *artifact, size_t an, const char *ver,
		     size_t vn, const char *path)
{
	char name[2 * INV_MAX_FIELD + 2];

	if ((gn && !inv_valid_token(group, gn, 1)) ||
	    !inv_valid_token(artifact, an, 1) || !inv_valid_token(ver, vn, 1)) {
		inv_diag_warn(c->d, 0, "%s: invalid Maven coordinates", path);
		return 0;
	}
	if (gn)
		snprintf(name, sizeof(name), "%.*s:%.*s", (int)gn, group,
			 (int)an, artifact);
	else
		snprintf(name, sizeof(name), "%.*s", (int)an, artifact);
	if (!inv_addn(c->inv, INV_MAVEN, name, strlen(name), ver, vn, path,
		      c->layer))
		return -ENOMEM;
	return 0;
}

static int add_pom(struct jar_ctx *c, const char *buf, size_t len,
		   const char *path)
{
	const char *g, *a, *v;
	size_t gn, an, vn;

	if (!prop_get(buf, len, "groupId", &g, &gn) ||
	    !prop_get(buf, len, "artifactId", &a, &an) ||
	    !prop_get(buf, len, "version", &v, &vn)) {
		inv_diag_warn(c->d, 0,
			      "%s: pom.properties without groupId, artifactId "
			      "and version",
			      path);
		return 0;
	}
	return add_maven(c, g, gn, a, an, v, vn, path);
}

/* "commons-lang3-3.12.0.jar" -> "commons-lang3", "3.12.0": the version
 * starts after the first '-' that is followed by a digit. */
static void name_from_file(const char *path, const char **name, size_t *nn,
			   const char **ver, size_t *vn)
{
	const char *base = path, *s;
	size_t n, i;

	for (s = path; *s; s++)
		if (*s == '/' || *s == '!')
			base = s + 1;
	n = strlen(base);
	if (n >= 4 && is_archive_name(base))
		n -= 4;
	*name = base;
	*nn = n;
	*ver = NULL;
	*vn = 0;
	for (i = 1; i + 1 < n; i++)
		if (base[i] == '-' && base[i + 1] >= '0' &&
		    base[i + 1] <= '9') {
			*nn = i;
			*ver = base + i + 1;
			*vn = n - i - 1;
			return;
		}
}

static int add_from_manifest(struct jar_ctx *c, const char *mf, size_t mfn,
			     const char *path)
{
	char name[512], ver[512];
	size_t nn = 0, vn = 0;
	const char *fname, *fver;
	size_t fnn, fvn;

	if (mf) {
		nn = manifest_get(mf, mfn, "Implementation-Title", name,
				  sizeof(name));
		if (nn && memchr(name, ' ', nn))
			nn = 0;
		if (!nn) {
			nn = manifest_get(mf, mfn, "Bundle-SymbolicName", name,
					  sizeof(name));
			if (nn)
				nn = strcspn(name, ";");
			while (nn && name[nn - 1] == ' ')
				nn--;
		}
		vn = manifest_get(mf, mfn, "Implementation-Version", ver,
				  sizeof(ver));
		if (!vn)
			vn = manifest_get(mf, mfn, "Bundle-Version", ver,
					  sizeof(ver));
	}
	name_from_file(path, &fname, &fnn, &fver, &fvn);
	if (!nn && fnn && fnn < sizeof(name)) {
		memcpy(name, fname, fnn);
		nn = fnn;
	}
	if (!vn && fver && fvn < sizeof(ver)) {
		memcpy(ver, fver, fvn);
		vn = fvn;
	}
	if (!nn || !vn)
		return 0; /* nothing identifies this archive */
	return add_maven(c, NULL, 0, name, nn, ver, vn, path);
}

static int scan_archive(struct jar_ctx *c, const char *buf, size_t len,
			const char *path, int depth);

static int scan_nested(struct jar_ctx *c, struct archive *a, const char *outer,
		       const char *entry, int depth)
{
	char *data = NULL, *npath;
	size_t dlen, plen = strlen(outer) + strlen(entry) + 2;
	int rc;

	if (depth >= INV_MAX_JAR_DEPTH) {
		inv_diag_warn(c->d, 0, "%s!%s: archives nested deeper than %d",
			      outer, entry, INV_MAX_JAR_DEPTH);
		return 0;
	}
	rc = read_entry(c, a, INV_MAX_NESTED_JAR, &data, &dlen);
	if (rc == -ENOMEM)
		return rc;
	if (rc) {
		inv_diag_warn(c->d, 0, "%s!%s: %s", outer, entry,
			      rc == -EFBIG
				  ? "nested archive over the size limit"
				  : "unreadable nested archive");
		return 0;
	}
	npath = malloc(plen);
	if (!npath) {
		free(data);
		return -ENOMEM;
	}
	snprintf(npath, plen, "%s!%s", outer, entry);
	rc = scan_archive(c, data, dlen, npath, depth + 1);
	free(npath);
	free(data);
	return rc;
}

static int scan_archive(struct jar_ctx *c, const char *buf, size_t len,
			const char *path, int depth)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char *mf = NULL, *data;
	size_t mfn = 0, dlen, nentries = 0;
	int npoms = 0, rc = 0, r;

	if (!a)
		return -ENOMEM;
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK) {
		inv_diag_warn(c->d, 0, "%s: not a zip archive: %s", path,
			      archive_error_string(a) ? archive_error_string(a)
						      : "unknown error");
		archive_read_free(a);
		return 0;
	}
	while (rc == 0) {
		const char *name;

		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			inv_diag_warn(c->d, 0, "%s: %s", path,
				      archive_error_string(a)
					  ? archive_error_string(a)
					  : "corrupt archive");
			break;
		}
		if (++nentries > INV_MAX_JAR_ENTRIES) {
			inv_diag_warn(c->d, 0, "%s: more than %u entries", path,
				      INV_MAX_JAR_ENTRIES);
			break;
		}
		name = archive_entry_pathname(e);
		if (!name || archive_entry_filetype(e) != AE_IFREG)
			continue;
		if (is_pom_properties(name) ||
		    !strcasecmp(name, "META-INF/MANIFEST.MF")) {
			rc = read_entry(c, a, INV_MAX_JAR_META, &data, &dlen);
			if (rc == -ENOMEM)
				break;
			if (rc) {
				inv_diag_warn(c->d, 0, "%s!%s: unreadable",
					      path, name);
				rc = 0;
				continue;
			}
			if (is_pom_properties(name)) {
				npoms++;
				rc = add_pom(c, data, dlen, path);
				free(data);
			} else {
				free(mf);
				mf = data;
				mfn = dlen;
			}
		} else if (is_archive_name(name)) {
			rc = scan_nested(c, a, path, name, depth);
		}
	}
	if (rc == 0 && npoms == 0)
		rc = add_from_manifest(c, mf, mfn, path);
	free(mf);
	archive_read_free(a);
	return rc;
}

int inv_parse_java_archive(struct inventory *inv, const char *buf, size_t len,
			   const char *path, int layer, inv_warn_fn warn,
			   void *ctx)
{
	struct inv_diag d;
	struct jar_ctx c;
	int rc;

	inv_diag_init(&d, inv, warn, ctx, path);
	c.inv = inv;
	c.d = &d;
	c.layer = layer;
	c.budget = INV_MAX_JAR_TOTAL;
	if (!buf || !len) {
		inv_diag_warn(&d, 0, "empty archive");
		return -EINVAL;
	}
	rc = scan_archive(&c, buf, len, path ? path : "", 0);
	return inv_diag_result(&d, rc);
}
