/*
 * report.c - the report front door: format names, dispatch to one writer
 * per format (report_<format>.c), and the helpers they share.
 *
 * Every string in a scan result may come from a hostile image or
 * advisory, so nothing reaches a JSON document without UTF-8 validation
 * (jansson refuses to encode invalid UTF-8 and the whole report would be
 * lost), and nothing reaches a terminal without control characters
 * removed (an escape sequence in a package name must not drive the
 * terminal).
 */
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "report/report_int.h"
#include "vulndb/vulndb.h"

int report_format_parse(const char *s, enum report_format *ret)
{
	static const struct {
		const char *name;
		enum report_format fmt;
	} names[] = {
	    {"table", REPORT_TABLE},   {"json", REPORT_JSON},
	    {"sarif", REPORT_SARIF},   {"cyclonedx", REPORT_CYCLONEDX},
	    {"cdx", REPORT_CYCLONEDX}, {"cyclonedx-json", REPORT_CYCLONEDX},
	    {"spdx", REPORT_SPDX},     {"spdx-json", REPORT_SPDX},
	    {"junit", REPORT_JUNIT},   {"html", REPORT_HTML},
	};
	size_t i;

	if (!s || !ret)
		return -EINVAL;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(s, names[i].name)) {
			*ret = names[i].fmt;
			return 0;
		}
	return -EINVAL;
}

int report_write(FILE *out, enum report_format fmt, const struct scan_result *r,
		 const struct report_opts *o, struct bw_error *err)
{
	static const struct report_opts defaults = {.with_vulns = 1};
	int rc;

	if (!out || !r)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "no result");
	if (!o)
		o = &defaults;
	switch (fmt) {
	case REPORT_TABLE:
		rc = report_write_table(out, r, o, err);
		break;
	case REPORT_JSON:
		rc = report_write_json(out, r, o, err);
		break;
	case REPORT_SARIF:
		rc = report_write_sarif(out, r, o, err);
		break;
	case REPORT_CYCLONEDX:
		rc = report_write_cyclonedx(out, r, o, err);
		break;
	case REPORT_SPDX:
		rc = report_write_spdx(out, r, o, err);
		break;
	case REPORT_JUNIT:
	case REPORT_HTML:
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "junit and html reports are for policy "
				 "findings (bulwark k8s audit)");
	default:
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "unknown report format %d", (int)fmt);
	}
	if (!rc && (fflush(out) || ferror(out)))
		rc = bw_errorf(err, -EIO, NULL, 0, 0,
			       "cannot write the report: %s", strerror(errno));
	return rc;
}

int report_write_policy(FILE *out, enum report_format fmt,
			const struct report_findings *s,
			const struct report_opts *o, struct bw_error *err)
{
	static const struct report_opts defaults = {0};
	int rc;

	if (!out || !s)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "no findings");
	if (!o)
		o = &defaults;
	switch (fmt) {
	case REPORT_TABLE:
		rc = report_write_table_policy(out, s, o, err);
		break;
	case REPORT_JSON:
		rc = report_write_json_policy(out, s, o, err);
		break;
	case REPORT_SARIF:
		rc = report_write_sarif_policy(out, s, o, err);
		break;
	case REPORT_JUNIT:
		rc = report_write_junit(out, s, o, err);
		break;
	case REPORT_HTML:
		rc = report_write_html(out, s, o, err);
		break;
	default:
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "this report format is not available for "
				 "policy findings");
	}
	if (!rc && (fflush(out) || ferror(out)))
		rc = bw_errorf(err, -EIO, NULL, 0, 0,
			       "cannot write the report: %s", strerror(errno));
	return rc;
}

/* ---- UTF-8 ------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (1-4), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

json_t *rpt_jstr(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, i = 0, o = 0, k;
	json_t *j;
	char *buf;

	if (!s)
		return json_null();
	n = strlen(s);
	for (i = 0; i < n; i += k)
		if (!(k = utf8_seq(u + i, n - i)))
			break;
	if (i == n)
		return json_stringn(s, n);
	buf = malloc(n * 3 + 1); /* each bad byte becomes 3 bytes */
	if (!buf)
		return NULL;
	for (i = 0; i < n;) {
		k = utf8_seq(u + i, n - i);
		if (k) {
			memcpy(buf + o, s + i, k);
			o += k;
			i += k;
		} else {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	j = json_stringn(buf, o);
	free(buf);
	return j;
}

void rpt_set_str(json_t *o, const char *key, const char *s)
{
	json_object_set_new(o, key, rpt_jstr(s));
}

void rpt_set_str_opt(json_t *o, const char *key, const char *s)
{
	if (s)
		json_object_set_new(o, key, rpt_jstr(s));
}

const char *rpt_safe_text(const char *s, char *buf, size_t len)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)u), i = 0, o = 0, k;

	if (!len)
		return buf;
	while (i < n && o + 1 < len) {
		k = utf8_seq(u + i, n - i);
		if (!k) {
			buf[o++] = '?';
			i++;
		} else if (k == 1) {
			buf[o++] =
			    (u[i] < 0x20 || u[i] == 0x7f) ? ' ' : (char)u[i];
			i++;
		} else if (u[i] == 0xc2 && u[i + 1] < 0xa0) {
			buf[o++] = ' '; /* C1 controls (U+0080-U+009F) */
			i += k;
		} else {
			if (o + k >= len)
				break;
			memcpy(buf + o, u + i, k);
			o += k;
			i += k;
		}
	}
	buf[o] = '\0';
	return buf;
}

/* ---- names ------------------------------------------------------------ */

const char *rpt_type_name(enum inv_type t)
{
	static const char *const names[INV__COUNT] = {
	    [INV_DEB] = "deb",	       [INV_APK] = "apk",
	    [INV_RPM] = "rpm",	       [INV_NPM] = "npm",
	    [INV_PYTHON] = "python",   [INV_GO] = "go",
	    [INV_GOSTD] = "go-stdlib", [INV_MAVEN] = "maven",
	    [INV_CARGO] = "cargo",
	};

	if ((unsigned)t >= INV__COUNT || !names[t])
		return "unknown";
	return names[t];
}

const char *rpt_kind_name(enum image_kind k)
{
	switch (k) {
	case IMAGE_DOCKER_ARCHIVE:
		return "docker-archive";
	case IMAGE_OCI_LAYOUT:
		return "oci-layout";
	case IMAGE_OCI_ARCHIVE:
		return "oci-archive";
	case IMAGE_ROOTFS:
		return "rootfs";
	}
	return "unknown";
}

const char *rpt_sev_label(const struct vuln_match *v)
{
	if (!v->severity_known)
		return "unknown";
	return vuln_severity_name(v->severity);
}

const char *rpt_fix_state_name(enum vuln_fix_state s)
{
	switch (s) {
	case VULN_FIX_FIXED:
		return "fixed";
	case VULN_FIX_WONT_FIX:
		return "wont_fix";
	case VULN_FIX_NOT_FIXED:
	default:
		return "not_fixed";
	}
}

const struct inv_package *rpt_pkg(const struct scan_result *r,
				  const struct scan_finding *fd)
{
	return fd->pkg < r->inv.npkgs ? &r->inv.pkgs[fd->pkg] : NULL;
}

const char *rpt_layer_digest(const struct scan_result *r, int layer)
{
	const struct image_layer *l;

	if (layer < 0 || (size_t)layer >= r->info.nlayers || !r->info.layers)
		return NULL;
	l = &r->info.layers[layer];
	if (memchr(l->digest, '\0', sizeof(l->digest)) && l->digest[0])
		return l->digest;
	if (memchr(l->diff_id, '\0', sizeof(l->diff_id)) && l->diff_id[0])
		return l->diff_id;
	return NULL;
}

int rpt_visible(const struct scan_finding *fd, const struct report_opts *o)
{
	return !fd->suppressed || o->show_suppressed;
}

void rpt_count(const struct scan_result *r, struct rpt_counts *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < r->nfindings; i++) {
		const struct vuln_match *v = &r->findings[i].vuln;

		if (r->findings[i].suppressed) {
			c->suppressed++;
			continue;
		}
		c->total++;
		if (!v->severity_known) {
			c->unknown++;
			continue;
		}
		switch (v->severity) {
		case VULN_SEV_CRITICAL:
			c->critical++;
			break;
		case VULN_SEV_HIGH:
			c->high++;
			break;
		case VULN_SEV_MEDIUM:
			c->medium++;
			break;
		case VULN_SEV_LOW:
			c->low++;
			break;
		default:
			c->unknown++;
		}
	}
}

/* ---- time, ids, output ------------------------------------------------ */

void rpt_timestamp(const struct report_opts *o, char *buf, size_t len)
{
	struct tm tm;
	time_t now;

	if (o->fixed_time) {
		snprintf(buf, len, "%s", o->fixed_time);
		return;
	}
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int rpt_uuid(const struct report_opts *o, const char *seed, char out[37])
{
	/* RFC 4122 URL namespace, for the name-based (v5) form */
	static const unsigned char ns[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad,
					     0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0,
					     0x4f, 0xd4, 0x30, 0xc8};
	unsigned char u[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int version = 4;

	if (o->fixed_time) {
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) &&
			 EVP_DigestUpdate(ctx, ns, sizeof(ns)) &&
			 EVP_DigestUpdate(ctx, "bulwark:", 8) &&
			 EVP_DigestUpdate(ctx, o->fixed_time,
					  strlen(o->fixed_time)) &&
			 EVP_DigestUpdate(ctx, ":", 1) &&
			 EVP_DigestUpdate(ctx, seed ? seed : "",
					  seed ? strlen(seed) : 0) &&
			 EVP_DigestFinal_ex(ctx, u, &mdlen);

		EVP_MD_CTX_free(ctx);
		if (!ok || mdlen < 16)
			return -EIO;
		version = 5;
	} else if (RAND_bytes(u, 16) != 1) {
		return -EIO;
	}
	u[6] = (unsigned char)((u[6] & 0x0f) | (version << 4));
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
	return 0;
}

int rpt_dump(FILE *out, json_t *root, struct bw_error *err)
{
	int rc = 0;

	if (!root)
		return bw_errorf(err, -ENOMEM, NULL, 0, 0,
				 "out of memory building the report");
	/* scores carry one decimal: three significant digits print them as
	 * "9.8", not "9.8000000000000007" */
	if (json_dumpf(root, out,
		       JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			   JSON_REAL_PRECISION(3)) ||
	    fputc('\n', out) == EOF)
		rc =
		    bw_errorf(err, -EIO, NULL, 0, 0, "cannot write the report");
	json_decref(root);
	return rc;
}

/* ---- policy findings ---------------------------------------------------- */

static int opt_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int rpt_same_object(const struct report_finding *a,
		    const struct report_finding *b)
{
	return a->doc == b->doc && a->item == b->item &&
	       opt_eq(a->file, b->file) && opt_eq(a->kind, b->kind) &&
	       opt_eq(a->ns, b->ns) && opt_eq(a->obj_name, b->obj_name);
}

const char *rpt_object_label(const struct report_finding *f, char *buf,
			     size_t len)
{
	if (f->ns)
		snprintf(buf, len, "%s/%s/%s", f->kind ? f->kind : "?", f->ns,
			 f->obj_name ? f->obj_name : "?");
	else
		snprintf(buf, len, "%s/%s", f->kind ? f->kind : "?",
			 f->obj_name ? f->obj_name : "?");
	return buf;
}

const char *rpt_controls(const struct report_finding *f, const char *fw,
			 char *buf, size_t len)
{
	size_t i, o = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < f->nframeworks && o < len; i++) {
		int n;

		if (!f->frameworks[i].framework ||
		    strcmp(f->frameworks[i].framework, fw))
			continue;
		n = snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
			     f->frameworks[i].control ? f->frameworks[i].control
						      : "");
		if (n < 0)
			break;
		o += (size_t)n;
	}
	return buf;
}

void rpt_policy_count(const struct report_findings *s,
		      struct rpt_policy_counts *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < s->n; i++) {
		const struct report_finding *f = &s->f[i];
		size_t k;

		if (f->suppressed) {
			c->suppressed++;
			continue;
		}
		c->total++;
		if ((unsigned)f->severity <= VULN_SEV_CRITICAL)
			c->by_sev[f->severity]++;
		/* a new object unless an earlier unsuppressed finding is
		 * about the same one (sorted sets: the previous one) */
		for (k = i; k > 0; k--)
			if (!s->f[k - 1].suppressed)
				break;
		if (k == 0 || !rpt_same_object(&s->f[k - 1], f))
			c->objects_with_findings++;
	}
}

void report_xml_puts(FILE *out, const char *s)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)u), i = 0, k;

	while (i < n) {
		k = utf8_seq(u + i, n - i);
		if (!k) {
			fputs("\xef\xbf\xbd", out); /* U+FFFD */
			i++;
			continue;
		}
		if (k > 1) {
			if (u[i] == 0xc2 && u[i + 1] < 0xa0) /* C1 */
				fputc(' ', out);
			else
				fwrite(u + i, 1, k, out);
			i += k;
			continue;
		}
		switch (u[i]) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		case '\n':
		case '\t':
			fputc(u[i], out);
			break;
		default:
			fputc(u[i] < 0x20 || u[i] == 0x7f ? ' ' : u[i], out);
		}
		i++;
	}
}
