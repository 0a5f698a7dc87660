/*
 * purl.c - package URLs (github.com/package-url/purl-spec) for inventory
 * packages:
 *
 *   pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12
 *   pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.19.1
 *   pkg:rpm/redhat/openssl@3.0.7-24.el9?arch=x86_64&distro=rhel-9.2&epoch=1
 *   pkg:npm/%40scope/name@1.0.0      pkg:pypi/django-rest@3.1 (normalised)
 *   pkg:golang/github.com/x/y@v1.2.3 pkg:golang/stdlib@go1.21.3
 *   pkg:maven/group/artifact@1.0     pkg:cargo/serde@1.0.190
 *
 * Encoding follows the spec's character rules: every byte outside
 * A-Z a-z 0-9 . - _ ~ and ':' is percent-encoded (upper-case hex), in the
 * namespace and name segments, the version and qualifier values alike.
 * Qualifiers are emitted sorted by key, as the canonical form requires.
 * For OS packages the namespace is the distribution (os-release ID, with
 * rpm vendors mapped: rhel -> redhat) and "distro" comes from VERSION_ID.
 */
#include "inventory/inventory_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sbuf {
	char *s;
	size_t len, cap;
	int oom;
};

static void sb_addn(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 128;
		char *p;

		while (ncap < b->len + n + 1)
			ncap *= 2;
		if (!(p = realloc(b->s, ncap))) {
			b->oom = 1;
			return;
		}
		b->s = p;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

static void sb_add(struct sbuf *b, const char *s) { sb_addn(b, s, strlen(s)); }

static int keep_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ||
	       c == '~' || c == ':';
}

/* Appends s[0..n) percent-encoded.  lower: fold ASCII letters (PyPI);
 * dash: '_' becomes '-' (PyPI). */
static void sb_enc_opt(struct sbuf *b, const char *s, size_t n, int pypi)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[3];

		if (pypi && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (pypi && c == '_')
			c = '-';
		if (keep_char(c)) {
			e[0] = (char)c;
			sb_addn(b, e, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		sb_addn(b, e, 3);
	}
}

static void sb_enc(struct sbuf *b, const char *s)
{
	sb_enc_opt(b, s, strlen(s), 0);
}

/* Each '/'-separated segment encoded on its own; empty segments dropped. */
static void sb_enc_path(struct sbuf *b, const char *s)
{
	int first = 1;

	while (*s) {
		size_t n = strcspn(s, "/");

		if (n) {
			if (!first)
				sb_add(b, "/");
			sb_enc_opt(b, s, n, 0);
			first = 0;
		}
		s += n;
		if (*s == '/')
			s++;
	}
}

/* Qualifiers, added in key order by the callers. */
struct quals {
	struct sbuf *b;
	int n;
};

static void q_add(struct quals *q, const char *key, const char *val)
{
	if (!val || !*val)
		return;
	sb_add(q->b, q->n++ ? "&" : "?");
	sb_add(q->b, key);
	sb_add(q->b, "=");
	sb_enc(q->b, val);
}

static const char *rpm_vendor(const char *id)
{
	static const char *const map[][2] = {
	    {"rhel", "redhat"},
	    {"centos", "centos"},
	    {"rocky", "rocky"},
	    {"almalinux", "almalinux"},
	    {"fedora", "fedora"},
	    {"amzn", "amazon"},
	    {"ol", "oracle"},
	    {"sles", "suse"},
	    {"opensuse-leap", "opensuse"},
	};
	size_t i;

	if (!id)
		return NULL;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], id))
			return map[i][1];
	return id;
}

static void os_purl(struct sbuf *b, const struct inventory *inv,
		    const struct inv_package *p)
{
	const char *id = inv->os.id, *vid = inv->os.version_id;
	const char *ns, *ver = p->version, *colon = NULL;
	char distro[256] = "", epoch[32] = "";
	struct quals q = {b, 0};

	switch (p->type) {
	case INV_DEB:
		ns = id ? id : "debian";
		sb_add(b, "pkg:deb/");
		break;
	case INV_APK:
		ns = id ? id : "alpine";
		sb_add(b, "pkg:apk/");
		break;
	default:
		ns = rpm_vendor(id);
		sb_add(b, "pkg:rpm/");
		/* the epoch is a qualifier, the version is version-release */
		if (ver && (colon = strchr(ver, ':')) &&
		    (size_t)(colon - ver) < sizeof(epoch)) {
			snprintf(epoch, sizeof(epoch), "%.*s",
				 (int)(colon - ver), ver);
			ver = colon + 1;
		}
		break;
	}
	if (ns) {
		sb_enc(b, ns);
		sb_add(b, "/");
	}
	sb_enc(b, p->name);
	if (ver) {
		sb_add(b, "@");
		sb_enc(b, ver);
	}
	if (vid && *vid) {
		if (p->type == INV_APK)
			snprintf(distro, sizeof(distro), "%s", vid);
		else if (id)
			snprintf(distro, sizeof(distro), "%s-%s", id, vid);
	}
	q_add(&q, "arch", p->arch);
	q_add(&q, "distro", distro);
	q_add(&q, "epoch", epoch);
}

char *inv_purl(const struct inventory *inv, const struct inv_package *p)
{
	struct sbuf b = {0};
	const char *slash;

	switch (p->type) {
	case INV_DEB:
	case INV_APK:
	case INV_RPM:
		os_purl(&b, inv, p);
		goto done;
	case INV_NPM:
		sb_add(&b, "pkg:npm/");
		/* "@scope/name": the scope is the namespace */
		slash = p->name[0] == '@' ? strchr(p->name, '/') : NULL;
		if (slash) {
			sb_enc_opt(&b, p->name, (size_t)(slash - p->name), 0);
			sb_add(&b, "/");
			sb_enc(&b, slash + 1);
		} else {
			sb_enc(&b, p->name);
		}
		break;
	case INV_PYTHON:
		sb_add(&b, "pkg:pypi/");
		sb_enc_opt(&b, p->name, strlen(p->name), 1);
		break;
	case INV_GO:
		sb_add(&b, "pkg:golang/");
		sb_enc_path(&b, p->name);
		break;
	case INV_GOSTD:
		sb_add(&b, "pkg:golang/");
		sb_enc_path(&b, p->name);
		if (p->version) {
			sb_add(&b, "@go");
			sb_enc(&b, p->version);
		}
		goto done;
	case INV_MAVEN:
		sb_add(&b, "pkg:maven/");
		/* "groupId:artifactId", or the artifactId alone */
		slash = strchr(p->name, ':');
		if (slash) {
			sb_enc_opt(&b, p->name, (size_t)(slash - p->name), 0);
			sb_add(&b, "/");
			sb_enc(&b, slash + 1);
		} else {
			sb_enc(&b, p->name);
		}
		break;
	case INV_CARGO:
		sb_add(&b, "pkg:cargo/");
		sb_enc(&b, p->name);
		break;
	default:
		sb_add(&b, "pkg:generic/");
		sb_enc(&b, p->name);
		break;
	}
	if (p->version) {
		sb_add(&b, "@");
		sb_enc(&b, p->version);
	}
done:
	if (b.oom || !b.s) {
		free(b.s);
		return NULL;
	}
	return b.s;
}
