/*
 * filter.c - what a user says about findings: the ignore file
 * (--ignore-file), VEX documents (--vex), the severity floor and "fixed
 * only" switches, and the gate that decides the exit status.
 *
 * Ignore file, plain text (one entry a line, '#' starts a comment):
 *     CVE-2023-1234
 *     CVE-2023-5678 exp:2025-06-30            # accepted until the fix lands
 *     GHSA-xxxx-yyyy-zzzz pkg:npm/lodash      # only for this package
 * Ignore file, YAML:
 *     vulnerabilities:
 *       - id: CVE-2023-1234
 *         purl: pkg:deb/debian/openssl     # optional, also "purls: [...]"
 *         expires: 2025-06-30              # optional ("expired_at" too)
 *         reason: not reachable            # optional ("statement" too)
 * An entry stops suppressing at 00:00 UTC on its expiry date.  A purl
 * without a version matches every version of the package; qualifiers and
 * subpaths are ignored on both sides.
 *
 * VEX: OpenVEX (statements[] with vulnerability.name / @id / aliases,
 * products[].@id or identifiers.purl, their subcomponents, status,
 * justification; the v0.0 string forms too) and CycloneDX VEX
 * (vulnerabilities[] with id, analysis.state, analysis.justification and
 * affects[].ref, a ref resolved through the document's components when it is
 * not a purl).  A statement whose product is not a package purl (an image,
 * pkg:oci/..., a URL) applies to every package of the scanned image.  When
 * several statements match a finding, the last one in load order wins;
 * not_affected and fixed suppress, affected and under_investigation do not.
 *
 * Everything read here is untrusted: the files are size-bounded, the number
 * of entries is bounded, and every error names the file and, where the
 * format has one, the line and column.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "scan/result_int.h"
#include "scan/scan.h"
#include "vulndb/vulndb.h"

#define SCAN_MAX_IGNORE_FILE (4u << 20) /* bytes */
#define SCAN_MAX_VEX_FILE (32u << 20)	/* bytes */
#define SCAN_MAX_IGNORES 100000		/* entries over all files */
#define SCAN_MAX_VEX 200000		/* statements x products */
#define SCAN_MAX_ID 256			/* a vulnerability id */
#define SCAN_MAX_COMPONENT_DEPTH 16	/* CycloneDX nested components */

/* ---- helpers ---------------------------------------------------------- */

static int read_bounded(const char *path, size_t max, char **ret_buf,
			size_t *ret_len, struct bw_error *err)
{
	struct stat st;
	char *buf;
	size_t len = 0;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		return bw_errorf(err, -e, path, 0, 0, "cannot open: %s",
				 strerror(e));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return bw_errorf(err, -EINVAL, path, 0, 0,
				 "not a regular file");
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return bw_errorf(err, -EFBIG, path, 0, 0,
				 "file is larger than %zu bytes", max);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return bw_errorf(err, -ENOMEM, path, 0, 0, "out of memory");
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			free(buf);
			close(fd);
			return bw_errorf(err, -e, path, 0, 0, "read: %s",
					 strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static char *dup_opt(const char *s) { return s ? strdup(s) : NULL; }

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : d[m - 1];
}

/* "YYYY-MM-DD" -> 00:00:00 UTC of that day.  0 or -EINVAL. */
static int parse_date(const char *s, size_t n, time_t *ret)
{
	struct tm tm = {0};
	int y, m, d;
	size_t i;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -EINVAL;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	*ret = timegm(&tm);
	return 0;
}

/* Characters of a vulnerability id: CVE-2023-1, GHSA-x-y-z, DEBIAN-CVE-..,
 * GO-2023-1, PYSEC-2021-1, RUSTSEC-2020-0001, ALPINE-CVE-... */
static int id_char(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':' ||
	       c == '/' || c == '+';
}

static int check_id(const char *s, size_t n, size_t *ret_bad)
{
	size_t i;

	if (n == 0 || n > SCAN_MAX_ID) {
		*ret_bad = 0;
		return -EINVAL;
	}
	for (i = 0; i < n; i++)
		if (!id_char((unsigned char)s[i])) {
			*ret_bad = i;
			return -EINVAL;
		}
	return 0;
}

static int ignore_add(struct scan_filters *f, const char *id, size_t idlen,
		      const char *purl, size_t purllen, time_t expires,
		      const char *reason, size_t reasonlen)
{
	struct scan_ignore *v, *e;

	if (f->nignores >= SCAN_MAX_IGNORES)
		return -E2BIG;
	v = realloc(f->ignores, (f->nignores + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	f->ignores = v;
	e = &v[f->nignores];
	memset(e, 0, sizeof(*e));
	e->id = dup_n(id, idlen);
	e->purl = purl ? dup_n(purl, purllen) : NULL;
	e->reason = reason ? dup_n(reason, reasonlen) : NULL;
	e->expires = expires;
	if (!e->id || (purl && !e->purl) || (reason && !e->reason)) {
		free(e->id);
		free(e->purl);
		free(e->reason);
		return -ENOMEM;
	}
	f->nignores++;
	return 0;
}

static int vex_add(struct scan_filters *f, const char *id, const char *product,
		   const char *status, const char *justification)
{
	struct scan_vex *v, *e;

	if (f->nvex >= SCAN_MAX_VEX)
		return -E2BIG;
	v = realloc(f->vex, (f->nvex + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	f->vex = v;
	e = &v[f->nvex];
	e->id = strdup(id);
	e->product = dup_opt(product);
	e->status = strdup(status);
	e->justification = dup_opt(justification);
	if (!e->id || !e->status || (product && !e->product) ||
	    (justification && !e->justification)) {
		free(e->id);
		free(e->product);
		free(e->status);
		free(e->justification);
		return -ENOMEM;
	}
	f->nvex++;
	return 0;
}

/* ---- ignore file: plain text ------------------------------------------ */

static int is_blank(int c) { return c == ' ' || c == '\t' || c == '\r'; }

static int text_line(struct scan_filters *f, const char *path, int lineno,
		     const char *s, size_t n, struct bw_error *err)
{
	const char *id = NULL, *purl = NULL, *reason = NULL;
	size_t idlen = 0, purllen = 0, reasonlen = 0, i = 0, bad;
	time_t expires = 0;
	int r;

	while (i < n) {
		size_t start, len;

		while (i < n && is_blank((unsigned char)s[i]))
			i++;
		if (i >= n)
			break;
		if (s[i] == '#') {
			i++;
			while (i < n && is_blank((unsigned char)s[i]))
				i++;
			reason = s + i;
			reasonlen = n - i;
			while (reasonlen &&
			       is_blank((unsigned char)reason[reasonlen - 1]))
				reasonlen--;
			if (!reasonlen)
				reason = NULL;
			break;
		}
		start = i;
		while (i < n && !is_blank((unsigned char)s[i]) && s[i] != '#')
			i++;
		len = i - start;
		if (!id) {
			if (check_id(s + start, len, &bad))
				return bw_errorf(
				    err, -EINVAL, path, lineno,
				    (int)(start + bad + 1),
				    "invalid vulnerability id \"%.*s\"",
				    (int)(len > 64 ? 64 : len), s + start);
			id = s + start;
			idlen = len;
		} else if (len > 4 && !strncmp(s + start, "exp:", 4)) {
			if (parse_date(s + start + 4, len - 4, &expires))
				return bw_errorf(err, -EINVAL, path, lineno,
						 (int)(start + 5),
						 "invalid expiry date (want "
						 "exp:YYYY-MM-DD)");
		} else if (len > 4 && !strncmp(s + start, "pkg:", 4) && !purl) {
			purl = s + start;
			purllen = len;
		} else {
			return bw_errorf(err, -EINVAL, path, lineno,
					 (int)(start + 1),
					 "unexpected \"%.*s\" (want "
					 "exp:YYYY-MM-DD, a purl or # reason)",
					 (int)(len > 64 ? 64 : len), s + start);
		}
	}
	if (!id)
		return 0; /* blank or comment */
	r = ignore_add(f, id, idlen, purl, purllen, expires, reason, reasonlen);
	if (r)
		return bw_errorf(err, r, path, lineno, 1,
				 r == -E2BIG ? "too many ignore entries"
					     : "out of memory");
	return 0;
}

static int load_ignore_text(struct scan_filters *f, const char *path,
			    const char *buf, size_t len, struct bw_error *err)
{
	size_t pos = 0;
	int lineno = 0, r;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		const char *z;

		lineno++;
		z = memchr(buf + pos, '\0', n);
		if (z)
			return bw_errorf(err, -EINVAL, path, lineno,
					 (int)(z - (buf + pos)) + 1,
					 "NUL byte in text");
		r = text_line(f, path, lineno, buf + pos, n, err);
		if (r)
			return r;
		pos += n + (nl ? 1 : 0);
	}
	return 0;
}

/* ---- ignore file: YAML ------------------------------------------------ */

static int yerr(struct bw_error *err, const char *path, yaml_node_t *n,
		const char *msg)
{
	return bw_errorf(err, -EINVAL, path, (int)n->start_mark.line + 1,
			 (int)n->start_mark.column + 1, "%s", msg);
}

static int yscalar(yaml_node_t *n, const char **ret, size_t *ret_len)
{
	if (!n || n->type != YAML_SCALAR_NODE)
		return -EINVAL;
	*ret = (const char *)n->data.scalar.value;
	*ret_len = n->data.scalar.length;
	return 0;
}

static int ykey_is(yaml_node_t *k, const char *name)
{
	return k && k->type == YAML_SCALAR_NODE &&
	       k->data.scalar.length == strlen(name) &&
	       !memcmp(k->data.scalar.value, name, k->data.scalar.length);
}

/* One entry of vulnerabilities[]: a mapping, or a bare id. */
static int yaml_entry(struct scan_filters *f, const char *path,
		      yaml_document_t *doc, yaml_node_t *e,
		      struct bw_error *err)
{
	const char *id = NULL, *reason = NULL, *s;
	size_t idlen = 0, reasonlen = 0, n, bad;
	yaml_node_t *idnode = e, *purls = NULL, *purl1 = NULL;
	time_t expires = 0;
	yaml_node_pair_t *p;
	int r;

	if (e->type == YAML_SCALAR_NODE) {
		yscalar(e, &id, &idlen);
	} else if (e->type == YAML_MAPPING_NODE) {
		for (p = e->data.mapping.pairs.start;
		     p < e->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			yaml_node_t *v = yaml_document_get_node(doc, p->value);

			if (!k || !v)
				return yerr(err, path, e, "broken mapping");
			if (ykey_is(k, "id")) {
				if (yscalar(v, &id, &idlen))
					return yerr(err, path, v,
						    "id must be a string");
				idnode = v;
			} else if (ykey_is(k, "purl")) {
				if (v->type != YAML_SCALAR_NODE)
					return yerr(err, path, v,
						    "purl must be a string");
				purl1 = v;
			} else if (ykey_is(k, "purls")) {
				if (v->type != YAML_SEQUENCE_NODE)
					return yerr(err, path, v,
						    "purls must be a list");
				purls = v;
			} else if (ykey_is(k, "expires") ||
				   ykey_is(k, "expired_at")) {
				if (yscalar(v, &s, &n) ||
				    parse_date(s, n, &expires))
					return yerr(err, path, v,
						    "invalid expiry date (want "
						    "YYYY-MM-DD)");
			} else if (ykey_is(k, "reason") ||
				   ykey_is(k, "statement")) {
				if (yscalar(v, &reason, &reasonlen))
					return yerr(err, path, v,
						    "reason must be a string");
				if (!reasonlen)
					reason = NULL;
			} else {
				return yerr(err, path, k,
					    "unknown key (want id, purl, "
					    "purls, expires, reason)");
			}
		}
	} else {
		return yerr(err, path, e,
			    "an entry must be a mapping with an id");
	}
	if (!id)
		return yerr(err, path, e, "entry without an id");
	if (check_id(id, idlen, &bad))
		return yerr(err, path, idnode, "invalid vulnerability id");
	if (purl1) {
		if (yscalar(purl1, &s, &n))
			return yerr(err, path, purl1, "purl must be a string");
		if (n < 5 || strncmp(s, "pkg:", 4))
			return yerr(err, path, purl1,
				    "purl must start with pkg:");
		r = ignore_add(f, id, idlen, s, n, expires, reason, reasonlen);
		if (r)
			return yerr(err, path, e,
				    "too many entries or out "
				    "of memory");
	}
	if (purls) {
		yaml_node_item_t *it;

		for (it = purls->data.sequence.items.start;
		     it < purls->data.sequence.items.top; it++) {
			yaml_node_t *v = yaml_document_get_node(doc, *it);

			if (!v || yscalar(v, &s, &n) || n < 5 ||
			    strncmp(s, "pkg:", 4))
				return yerr(err, path, v ? v : purls,
					    "purls[] must be purl strings");
			r = ignore_add(f, id, idlen, s, n, expires, reason,
				       reasonlen);
			if (r)
				return yerr(err, path, v,
					    "too many entries or out of "
					    "memory");
		}
	}
	if (!purl1 && !purls) {
		r = ignore_add(f, id, idlen, NULL, 0, expires, reason,
			       reasonlen);
		if (r)
			return yerr(err, path, e,
				    "too many entries or out "
				    "of memory");
	}
	return 0;
}

static int load_ignore_yaml(struct scan_filters *f, const char *path,
			    const char *buf, size_t len, struct bw_error *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root, *list = NULL;
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	int r = 0;

	if (!yaml_parser_initialize(&parser))
		return bw_errorf(err, -ENOMEM, path, 0, 0, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		r = bw_errorf(err, -EINVAL, path,
			      (int)parser.problem_mark.line + 1,
			      (int)parser.problem_mark.column + 1, "YAML: %s",
			      parser.problem ? parser.problem : "syntax error");
		yaml_parser_delete(&parser);
		return r;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root)
		goto out; /* empty file */
	if (root->type != YAML_MAPPING_NODE) {
		r = yerr(err, path, root,
			 "want a mapping with a vulnerabilities list");
		goto out;
	}
	for (p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&doc, p->key);

		if (ykey_is(k, "vulnerabilities"))
			list = yaml_document_get_node(&doc, p->value);
		else if (k) {
			r = yerr(err, path, k,
				 "unknown key (want vulnerabilities)");
			goto out;
		}
	}
	if (!list ||
	    (list->type == YAML_SCALAR_NODE && list->data.scalar.length == 0))
		goto out; /* "vulnerabilities:" with nothing */
	if (list->type != YAML_SEQUENCE_NODE) {
		r = yerr(err, path, list, "vulnerabilities must be a list");
		goto out;
	}
	for (it = list->data.sequence.items.start;
	     it < list->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(&doc, *it);

		if (!e) {
			r = yerr(err, path, list, "broken list");
			goto out;
		}
		r = yaml_entry(f, path, &doc, e, err);
		if (r)
			goto out;
	}
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return r;
}

/* YAML when the name says so or the first significant line is a YAML
 * document start or the vulnerabilities key; text otherwise. */
static int looks_like_yaml(const char *path, const char *buf, size_t len)
{
	size_t plen = strlen(path), pos = 0;

	if ((plen > 5 && !strcmp(path + plen - 5, ".yaml")) ||
	    (plen > 4 && !strcmp(path + plen - 4, ".yml")))
		return 1;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		const char *s = buf + pos;

		while (n && is_blank((unsigned char)*s)) {
			s++;
			n--;
		}
		if (n && *s != '#')
			return (n >= 3 && !strncmp(s, "---", 3)) ||
			       (n >= 5 && !strncmp(s, "%YAML", 5)) ||
			       (n >= 16 && !strncmp(s, "vulnerabilities:", 16));
		pos += (size_t)(s - (buf + pos)) + n + (nl ? 1 : 0);
	}
	return 0;
}

int scan_load_ignore_file(struct scan_filters *f, const char *path,
			  struct bw_error *err)
{
	char *buf;
	size_t len;
	int r;

	if (!f || !path)
		return bw_errorf(err, -EINVAL, path, 0, 0, "no ignore file");
	r = read_bounded(path, SCAN_MAX_IGNORE_FILE, &buf, &len, err);
	if (r)
		return r;
	if (looks_like_yaml(path, buf, len))
		r = load_ignore_yaml(f, path, buf, len, err);
	else
		r = load_ignore_text(f, path, buf, len, err);
	free(buf);
	return r;
}

/* ---- VEX -------------------------------------------------------------- */

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A product's purl: identifiers.purl, else @id. */
static const char *product_purl(json_t *p)
{
	const char *s;

	if (json_is_string(p))
		return json_string_value(p);
	s = jstr(json_object_get(p, "identifiers"), "purl");
	return s ? s : jstr(p, "@id");
}

/* A statement about an image (or anything that is not a package purl)
 * applies to every package. */
static const char *package_scope(const char *purl)
{
	if (!purl || strncmp(purl, "pkg:", 4) ||
	    !strncmp(purl, "pkg:oci/", 8) || !strncmp(purl, "pkg:docker/", 11))
		return NULL;
	return purl;
}

static int vex_names(json_t *st, const char **names, size_t max, size_t *ret_n)
{
	json_t *v = json_object_get(st, "vulnerability"), *a;
	size_t n = 0, i;
	const char *s;

	if (json_is_string(v)) {
		names[n++] = json_string_value(v);
	} else if (json_is_object(v)) {
		if ((s = jstr(v, "name")))
			names[n++] = s;
		else if ((s = jstr(v, "@id")))
			names[n++] = s;
		a = json_object_get(v, "aliases");
		for (i = 0;
		     json_is_array(a) && i < json_array_size(a) && n < max; i++)
			if (json_is_string(json_array_get(a, i)))
				names[n++] =
				    json_string_value(json_array_get(a, i));
	}
	*ret_n = n;
	return n ? 0 : -EINVAL;
}

static int openvex_statement(struct scan_filters *f, const char *path,
			     size_t idx, json_t *st, struct bw_error *err)
{
	static const char *const statuses[] = {"not_affected", "affected",
					       "fixed", "under_investigation"};
	const char *names[16], *status, *just, *scope;
	json_t *products, *p, *subs, *s;
	size_t nnames, i, j, k, ok = 0;
	int r;

	if (!json_is_object(st))
		return bw_errorf(err, -EINVAL, path, 0, 0,
				 "statements[%zu] is not an object", idx);
	if (vex_names(st, names, 16, &nnames))
		return bw_errorf(err, -EINVAL, path, 0, 0,
				 "statements[%zu].vulnerability: no name", idx);
	status = jstr(st, "status");
	for (i = 0; status && i < 4; i++)
		ok |= !strcmp(status, statuses[i]);
	if (!ok)
		return bw_errorf(err, -EINVAL, path, 0, 0,
				 "statements[%zu].status: want not_affected, "
				 "affected, fixed or under_investigation",
				 idx);
	just = jstr(st, "justification");
	products = json_object_get(st, "products");
	for (k = 0; k < nnames; k++) {
		if (!json_is_array(products) || !json_array_size(products)) {
			r = vex_add(f, names[k], NULL, status, just);
			if (r)
				goto fail;
			continue;
		}
		json_array_foreach(products, i, p)
		{
			subs = json_is_object(p)
				   ? json_object_get(p, "subcomponents")
				   : json_object_get(st, "subcomponents");
			if (json_is_array(subs) && json_array_size(subs)) {
				json_array_foreach(subs, j, s)
				{
					scope = package_scope(product_purl(s));
					r = vex_add(f, names[k], scope, status,
						    just);
					if (r)
						goto fail;
				}
				continue;
			}
			scope = package_scope(product_purl(p));
			r = vex_add(f, names[k], scope, status, just);
			if (r)
				goto fail;
		}
	}
	return 0;
fail:
	return bw_errorf(err, r, path, 0, 0, "statements[%zu]: %s", idx,
			 r == -E2BIG ? "too many VEX statements"
				     : "out of memory");
}

/* Finds the purl of a CycloneDX bom-ref among (nested) components. */
static const char *cdx_ref_purl(json_t *comps, const char *ref, int depth)
{
	json_t *c;
	size_t i;

	if (!json_is_array(comps) || depth > SCAN_MAX_COMPONENT_DEPTH)
		return NULL;
	json_array_foreach(comps, i, c)
	{
		const char *br = jstr(c, "bom-ref"), *found;

		if (br && !strcmp(br, ref))
			return jstr(c, "purl");
		found = cdx_ref_purl(json_object_get(c, "components"), ref,
				     depth + 1);
		if (found)
			return found;
	}
	return NULL;
}

static int cdx_vuln(struct scan_filters *f, const char *path, size_t idx,
		    json_t *doc, json_t *v, struct bw_error *err)
{
	static const struct {
		const char *cdx, *status, *just;
	} states[] = {
	    {"not_affected", "not_affected", NULL},
	    {"false_positive", "not_affected", "false_positive"},
	    {"resolved", "fixed", NULL},
	    {"resolved_with_pedigree", "fixed", NULL},
	    {"exploitable", "affected", NULL},
	    {"in_triage", "under_investigation", NULL},
	};
	const char *id = jstr(v, "id"), *state, *status = NULL, *just = NULL;
	json_t *analysis = json_object_get(v, "analysis"), *affects, *a;
	size_t i;
	int r;

	if (!id)
		return bw_errorf(err, -EINVAL, path, 0, 0,
				 "vulnerabilities[%zu]: no id", idx);
	if (!json_is_object(analysis))
		return 0; /* a finding, not a statement */
	state = jstr(analysis, "state");
	if (!state)
		return 0;
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (!strcmp(state, states[i].cdx)) {
			status = states[i].status;
			just = states[i].just;
		}
	if (!status)
		return bw_errorf(err, -EINVAL, path, 0, 0,
				 "vulnerabilities[%zu].analysis.state: "
				 "unknown state",
				 idx);
	if (jstr(analysis, "justification"))
		just = jstr(analysis, "justification");
	affects = json_object_get(v, "affects");
	if (!json_is_array(affects) || !json_array_size(affects)) {
		r = vex_add(f, id, NULL, status, just);
		goto done;
	}
	json_array_foreach(affects, i, a)
	{
		const char *ref = jstr(a, "ref"), *hash, *purl = NULL;

		if (!ref)
			continue;
		if (!strncmp(ref, "pkg:", 4))
			purl = ref;
		else if ((hash = strchr(ref, '#')) &&
			 !strncmp(hash + 1, "pkg:", 4))
			purl = hash + 1;
		else
			purl = cdx_ref_purl(json_object_get(doc, "components"),
					    hash ? hash + 1 : ref, 0);
		if (!purl)
			continue; /* a ref we cannot tie to a package */
		r = vex_add(f, id, package_scope(purl), status, just);
		if (r)
			goto done;
	}
	r = 0;
done:
	if (r)
		return bw_errorf(
		    err, r, path, 0, 0, "vulnerabilities[%zu]: %s", idx,
		    r == -E2BIG ? "too many VEX statements" : "out of memory");
	return 0;
}

int scan_load_vex(struct scan_filters *f, const char *path,
		  struct bw_error *err)
{
	json_error_t jerr;
	json_t *doc, *list, *e;
	size_t len, i;
	char *buf;
	int r = 0;

	if (!f || !path)
		return bw_errorf(err, -EINVAL, path, 0, 0, "no VEX file");
	r = read_bounded(path, SCAN_MAX_VEX_FILE, &buf, &len, err);
	if (r)
		return r;
	doc = json_loadb(buf, len, 0, &jerr);
	free(buf);
	if (!doc)
		return bw_errorf(err, -EINVAL, path, jerr.line, jerr.column,
				 "JSON: %s", jerr.text);
	if (!json_is_object(doc)) {
		r = bw_errorf(err, -EINVAL, path, 0, 0,
			      "not a VEX document (want an object)");
	} else if (json_is_array(list = json_object_get(doc, "statements"))) {
		json_array_foreach(list, i, e)
		{
			r = openvex_statement(f, path, i, e, err);
			if (r)
				break;
		}
	} else if (json_is_array(list =
				     json_object_get(doc, "vulnerabilities"))) {
		json_array_foreach(list, i, e)
		{
			r = cdx_vuln(f, path, i, doc, e, err);
			if (r)
				break;
		}
	} else {
		r = bw_errorf(err, -EINVAL, path, 0, 0,
			      "not a VEX document (no OpenVEX statements[] "
			      "nor CycloneDX vulnerabilities[])");
	}
	json_decref(doc);
	return r;
}

void scan_filters_free(struct scan_filters *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->nignores; i++) {
		free(f->ignores[i].id);
		free(f->ignores[i].purl);
		free(f->ignores[i].reason);
	}
	free(f->ignores);
	for (i = 0; i < f->nvex; i++) {
		free(f->vex[i].id);
		free(f->vex[i].product);
		free(f->vex[i].status);
		free(f->vex[i].justification);
	}
	free(f->vex);
	f->ignores = NULL;
	f->vex = NULL;
	f->nignores = f->nvex = 0;
}

/* ---- applying --------------------------------------------------------- */

/* Splits a purl into "pkg:type/ns/name" and the version, ignoring
 * qualifiers and subpath.  The version '@' is the last one after the last
 * '/' (an npm scope may be written "@scope" unencoded). */
static void purl_split(const char *p, size_t *ret_base, const char **ret_ver,
		       size_t *ret_vlen)
{
	size_t end = strcspn(p, "?#"), slash = 0, i, at = end;

	for (i = 0; i < end; i++)
		if (p[i] == '/')
			slash = i;
	for (i = slash; i < end; i++)
		if (p[i] == '@')
			at = i;
	*ret_base = at;
	*ret_ver = at < end ? p + at + 1 : NULL;
	*ret_vlen = at < end ? end - at - 1 : 0;
}

static int purl_match(const char *pattern, const char *purl)
{
	size_t pb, qb, pvl, qvl;
	const char *pv, *qv;

	if (!purl)
		return 0;
	purl_split(pattern, &pb, &pv, &pvl);
	purl_split(purl, &qb, &qv, &qvl);
	if (pb != qb || strncasecmp(pattern, purl, pb))
		return 0;
	if (!pv)
		return 1;
	return qv && pvl == qvl && !memcmp(pv, qv, pvl);
}

static int id_match(const char *want, const struct vuln_match *v)
{
	size_t i;

	if (v->id && !strcasecmp(want, v->id))
		return 1;
	for (i = 0; i < v->naliases; i++)
		if (v->aliases[i] && !strcasecmp(want, v->aliases[i]))
			return 1;
	return 0;
}

static char *reason_fmt(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + (b ? strlen(b) : 0) + (c ? strlen(c) : 0) + 8;
	char *s = malloc(n);

	if (!s)
		return NULL;
	if (c)
		snprintf(s, n, "%s%s (%s)", a, b ? b : "", c);
	else
		snprintf(s, n, "%s%s", a, b ? b : "");
	return s;
}

static void suppress(struct scan_finding *fd, char *reason)
{
	free(fd->suppress_reason);
	fd->suppress_reason = reason;
	fd->suppressed = 1;
}

static void apply_one(struct scan_finding *fd, const char *purl,
		      const struct scan_filters *f, time_t now)
{
	const struct scan_vex *hit = NULL;
	size_t i;

	for (i = 0; i < f->nignores; i++) {
		const struct scan_ignore *ig = &f->ignores[i];

		if (!ig->id || !id_match(ig->id, &fd->vuln))
			continue;
		if (ig->purl && !purl_match(ig->purl, purl))
			continue;
		if (ig->expires && now >= ig->expires)
			continue;
		suppress(fd,
			 reason_fmt("ignore-file: ",
				    ig->reason ? ig->reason : "ignored", NULL));
		return;
	}
	for (i = 0; i < f->nvex; i++) {
		const struct scan_vex *vx = &f->vex[i];

		if (!vx->id || !vx->status || !id_match(vx->id, &fd->vuln))
			continue;
		if (vx->product && !purl_match(vx->product, purl))
			continue;
		hit = vx; /* the last statement wins */
	}
	if (hit && (!strcmp(hit->status, "not_affected") ||
		    !strcmp(hit->status, "fixed")))
		suppress(fd,
			 reason_fmt("vex: ", hit->status, hit->justification));
}

/* An ignore entry names a secret rule by its id (no purl: a secret
 * belongs to no package). */
static void apply_secret(struct scan_secret *sc, const struct scan_filters *f,
			 time_t now)
{
	for (size_t i = 0; i < f->nignores; i++) {
		const struct scan_ignore *ig = &f->ignores[i];

		if (!ig->id || ig->purl || strcmp(ig->id, sc->rule_id))
			continue;
		if (ig->expires && now >= ig->expires)
			continue;
		sc->suppress_reason =
		    reason_fmt("ignore-file: ",
			       ig->reason ? ig->reason : "ignored", NULL);
		sc->suppressed = 1;
		return;
	}
}

static void filter_secrets(struct scan_result *r, const struct scan_filters *f,
			   time_t now)
{
	size_t i, out = 0;

	for (i = 0; i < r->nsecrets; i++) {
		struct scan_secret *sc = &r->secrets[i];
		int drop = 0;

		if (f->min_severity > VULN_SEV_NONE &&
		    sc->severity < f->min_severity)
			drop = 1;
		if (f->severity_set && !(f->severity_set & (1u << sc->severity)))
			drop = 1;
		if (drop) {
			scan_secret_release(sc);
			continue;
		}
		apply_secret(sc, f, now);
		if (out != i)
			r->secrets[out] = *sc;
		out++;
	}
	r->nsecrets = out;
}

void scan_apply_filters(struct scan_result *r, const struct scan_filters *f)
{
	time_t now;
	size_t i, out = 0;

	if (!r || !f)
		return;
	now = f->now ? f->now : time(NULL);
	for (i = 0; i < r->nfindings; i++) {
		struct scan_finding *fd = &r->findings[i];
		const struct vuln_match *v = &fd->vuln;
		const char *purl =
		    fd->pkg < r->inv.npkgs ? r->inv.pkgs[fd->pkg].purl : NULL;
		int drop = 0;

		if (f->min_severity > VULN_SEV_NONE &&
		    (!v->severity_known || (int)v->severity < f->min_severity))
			drop = 1;
		if (f->severity_set &&
		    !(f->severity_set & (v->severity_known
					     ? 1u << v->severity
					     : SCAN_SEV_UNKNOWN_BIT)))
			drop = 1;
		if (f->ignore_unfixed && v->fix_state != VULN_FIX_FIXED)
			drop = 1;
		if (drop) {
			scan_finding_release(fd);
			continue;
		}
		apply_one(fd, purl, f, now);
		if (out != i)
			r->findings[out] = *fd;
		out++;
	}
	r->nfindings = out;
	filter_secrets(r, f, now);
}

int scan_gate(const struct scan_result *r, int fail_on)
{
	size_t i;

	if (!r)
		return 0;
	for (i = 0; i < r->nfindings; i++) {
		const struct scan_finding *fd = &r->findings[i];

		if (fd->suppressed)
			continue;
		if (fail_on <= VULN_SEV_NONE)
			return 1;
		if (fd->vuln.severity_known &&
		    (int)fd->vuln.severity >= fail_on)
			return 1;
	}
	for (i = 0; i < r->nsecrets; i++) {
		if (r->secrets[i].suppressed)
			continue;
		if (fail_on <= VULN_SEV_NONE ||
		    r->secrets[i].severity >= fail_on)
			return 1;
	}
	return 0;
}
