/*
 * collect.c - inventory_collect(): one walk over an image's merged
 * filesystem (image.h's visitor API) that hands each interesting file to
 * its parser.
 *
 * want() selects regular files by path alone (no content is read for the
 * rest):
 *   var/lib/dpkg/status, var/lib/dpkg/status.d/<name> (not *.md5sums)
 *   lib/apk/db/installed
 *   etc/os-release, usr/lib/os-release   (kept; etc wins, parsed last)
 *   var/lib/rpm/rpmdb.sqlite, usr/lib/sysimage/rpm/rpmdb.sqlite
 *                                        (copied to a private temp file)
 *   var/lib/rpm/Packages (BerkeleyDB), var/lib/rpm/Packages.db and
 *   usr/lib/sysimage/rpm/Packages.db (ndb), at most INV_MAX_RPMDB bytes
 *   <...>/node_modules/<name>/package.json,
 *   <...>/node_modules/@scope/<name>/package.json
 *   package-lock.json outside node_modules
 *   *.dist-info/METADATA, *.egg-info/PKG-INFO, an *.egg-info file
 *   *.jar *.war *.ear (at most INV_MAX_FILE bytes), Cargo.lock
 *   executables (any x bit, 1 KiB .. INV_MAX_FILE): the first 4 bytes are
 *   read and the rest only for ELF files, which are searched for Go build
 *   info and a cargo-auditable ".dep-v0" section.
 * rpm reads one database backend, and an image converted to SQLite may keep
 * its old Packages file, so the BerkeleyDB and ndb databases are read into
 * side inventories (struct rpm_old, their warnings held back) and used
 * after the walk only when no SQLite database was found: ndb before
 * BerkeleyDB, the first file of each kind.  Every package records the
 * layer the file came from.
 *
 * Parser problems reach the caller's warn callback directly; image
 * problems (bad entries, corrupt layers) are forwarded to it as well and
 * counted in inv->nwarnings.
 */
#include "inventory/inventory_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image.h"

enum kind {
	K_NONE,
	K_DPKG,
	K_DPKG_D,
	K_APK,
	K_OS_ETC,
	K_OS_USR,
	K_RPM_SQLITE,
	K_RPM_BDB,
	K_RPM_NDB,
	K_NPM_PKG,
	K_NPM_LOCK,
	K_PYTHON,
	K_JAVA,
	K_CARGO,
	K_EXEC,
};

#define OS_RELEASE_MAX (64u << 10)

/* An rpm database in an older form, read during the walk and kept aside
 * until it is known whether a SQLite one exists. */
struct rpm_old {
	struct inventory inv;
	struct bw_error warns[INV_MAX_WARN_PER_FILE + 1];
	int nwarns;
};

struct collect {
	struct inventory *inv;
	inv_warn_fn warn;
	void *ctx;
	char *os_buf[2]; /* etc, usr/lib */
	size_t os_len[2];
	char *os_path[2];
	int has_status, has_status_d, has_rpm_sqlite;
	struct rpm_old *rpm_old[2]; /* BerkeleyDB, ndb; NULL until seen */
	/* Packages read from older (shadowed) versions of the dpkg and apk
	 * databases, each with its layer: which layer installed a package
	 * is decided from them after the walk (attribute_layers). */
	struct inventory older;
};

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !memcmp(s + n - m, suf, m);
}

static int starts_with(const char *s, const char *pre)
{
	return !strncmp(s, pre, strlen(pre));
}

/* Does the component before the last one end with suffix? ("x.dist-info"
 * for "a/x.dist-info/METADATA") */
static int parent_ends_with(const char *p, const char *suffix)
{
	const char *base = base_name(p);
	size_t plen, m = strlen(suffix);

	if (base == p)
		return 0;
	plen = (size_t)(base - 1 - p); /* parent path length */
	return plen >= m && !memcmp(base - 1 - m, suffix, m);
}

/* <...>/node_modules/<name>/package.json or .../@scope/<name>/... */
static int is_npm_package_json(const char *p)
{
	static const char nm[] = "node_modules/";
	const char *c[4] = {0}; /* starts of the last components, innermost
				   first: package.json, name, parent, ... */
	const char *s = p + strlen(p);
	int n = 0;

	if (strcmp(base_name(p), "package.json"))
		return 0;
	while (n < 4) {
		while (s > p && s[-1] != '/')
			s--;
		c[n++] = s;
		if (s == p)
			break;
		s--; /* the '/' before this component */
	}
	if (n >= 3 && !strncmp(c[2], nm, sizeof(nm) - 1) && c[1][0] != '@' &&
	    c[1][0] != '.')
		return 1;
	return n >= 4 && c[2][0] == '@' && !strncmp(c[3], nm, sizeof(nm) - 1);
}

static int in_node_modules(const char *p)
{
	return starts_with(p, "node_modules/") || strstr(p, "/node_modules/");
}

static enum kind classify(const struct image_file *f)
{
	const char *p = f->path, *b = base_name(p);

	if (!S_ISREG(f->mode))
		return K_NONE;
	if (!strcmp(p, "var/lib/dpkg/status"))
		return K_DPKG;
	if (starts_with(p, "var/lib/dpkg/status.d/") &&
	    !strchr(p + sizeof("var/lib/dpkg/status.d/") - 1, '/') &&
	    !ends_with(p, ".md5sums") && *b)
		return K_DPKG_D;
	if (!strcmp(p, "lib/apk/db/installed"))
		return K_APK;
	if (!strcmp(p, "etc/os-release"))
		return K_OS_ETC;
	if (!strcmp(p, "usr/lib/os-release"))
		return K_OS_USR;
	if (!strcmp(p, "var/lib/rpm/rpmdb.sqlite") ||
	    !strcmp(p, "usr/lib/sysimage/rpm/rpmdb.sqlite"))
		return K_RPM_SQLITE;
	if (!strcmp(p, "var/lib/rpm/Packages"))
		return K_RPM_BDB;
	if (!strcmp(p, "var/lib/rpm/Packages.db") ||
	    !strcmp(p, "usr/lib/sysimage/rpm/Packages.db"))
		return K_RPM_NDB;
	if (is_npm_package_json(p))
		return K_NPM_PKG;
	if (!strcmp(b, "package-lock.json") && !in_node_modules(p))
		return K_NPM_LOCK;
	if ((!strcmp(b, "METADATA") && parent_ends_with(p, ".dist-info")) ||
	    (!strcmp(b, "PKG-INFO") && parent_ends_with(p, ".egg-info")) ||
	    ends_with(b, ".egg-info"))
		return K_PYTHON;
	if ((ends_with(b, ".jar") || ends_with(b, ".war") ||
	     ends_with(b, ".ear")) &&
	    f->size <= INV_MAX_FILE)
		return K_JAVA;
	if (!strcmp(b, "Cargo.lock"))
		return K_CARGO;
	if ((f->mode & 0111) && f->size >= 1024 && f->size <= INV_MAX_FILE)
		return K_EXEC;
	return K_NONE;
}

static void cwarn(struct collect *c, const char *path, int code,
		  const char *msg)
{
	struct bw_error e;

	memset(&e, 0, sizeof(e));
	e.code = code;
	snprintf(e.input, sizeof(e.input), "%s", path ? path : "");
	snprintf(e.msg, sizeof(e.msg), "%s", msg);
	c->inv->nwarnings++;
	if (c->warn)
		c->warn(c->ctx, &e);
}

static int want(void *ctx, const struct image_file *f)
{
	struct collect *c = ctx;
	enum kind k = classify(f);

	if (f->shadowed)
		return k == K_DPKG || k == K_APK;
	if (k == K_RPM_BDB || k == K_RPM_NDB)
		return !c->rpm_old[k == K_RPM_NDB]; /* the first of each */
	return k != K_NONE;
}

static void walk_warn(void *ctx, const struct bw_error *err)
{
	struct collect *c = ctx;

	c->inv->nwarnings++;
	if (c->warn)
		c->warn(c->ctx, err);
}

/* Reads exactly len bytes (less only at the end of the file). */
static ssize_t read_full(struct image_reader *r, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = image_reader_read(r, buf + got, len - got);

		if (n < 0)
			return n;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int scan_exec(struct collect *c, const struct image_file *f,
		     struct image_reader *r)
{
	char head[4], *buf;
	const char *sec;
	size_t seclen, len = (size_t)f->size;
	ssize_t n;

	n = read_full(r, head, sizeof(head));
	if (n < 0)
		return (int)n;
	if (n < 4 || memcmp(head,
			    "\x7f"
			    "ELF",
			    4))
		return 0;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, head, 4);
	n = read_full(r, buf + 4, len - 4);
	if (n < 0) {
		free(buf);
		return (int)n;
	}
	len = 4 + (size_t)n;
	inv_parse_go_binary(c->inv, buf, len, f->path, f->layer, c->warn,
			    c->ctx);
	if (inv_elf_section(buf, len, ".dep-v0", &sec, &seclen) == 0)
		inv_parse_cargo_auditable(c->inv, sec, seclen, f->path,
					  f->layer, c->warn, c->ctx);
	free(buf);
	return 0;
}

/* Copies the database into a private temp file for SQLite. */
static int scan_rpm(struct collect *c, const struct image_file *f,
		    const char *buf, size_t len)
{
	const char *dir = getenv("TMPDIR");
	char tmp[4096];
	size_t off = 0;
	int fd, rc = 0;

	if (!dir || !*dir)
		dir = "/tmp";
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/bulwark-rpmdb-XXXXXX",
			     dir) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0) {
		cwarn(c, f->path, -errno, "cannot create a temporary copy");
		return 0;
	}
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		off += (size_t)w;
	}
	if (close(fd) && !rc)
		rc = -errno;
	if (rc)
		cwarn(c, f->path, rc, "cannot write a temporary copy");
	else
		inv_parse_rpmdb_sqlite(c->inv, tmp, f->path, f->layer, c->warn,
				       c->ctx);
	unlink(tmp);
	c->has_rpm_sqlite = 1;
	return 0;
}

static void rpm_old_warn(void *ctx, const struct bw_error *err)
{
	struct rpm_old *o = ctx;

	if (o->nwarns < (int)(sizeof(o->warns) / sizeof(o->warns[0])))
		o->warns[o->nwarns++] = *err;
}

/* Reads a BerkeleyDB or ndb rpm database into its side inventory. */
static int scan_rpm_old(struct collect *c, const struct image_file *f,
			enum kind k, const char *buf, size_t len)
{
	struct rpm_old *o;
	int i = k == K_RPM_NDB, rc;

	if (c->rpm_old[i])
		return 0;
	o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	c->rpm_old[i] = o;
	rc = (k == K_RPM_NDB ? inv_parse_rpmdb_ndb : inv_parse_rpmdb_bdb)(
	    &o->inv, buf, len, f->path, f->layer, rpm_old_warn, o);
	return rc == -ENOMEM ? rc : 0; /* problems were reported */
}

/* After the walk: without a SQLite database, the ndb or else the
 * BerkeleyDB one's packages move into the inventory and its warnings are
 * reported. */
static int use_rpm_old(struct collect *c)
{
	struct rpm_old *o = c->rpm_old[1] ? c->rpm_old[1] : c->rpm_old[0];
	int i;

	if (c->has_rpm_sqlite || !o)
		return 0;
	for (i = 0; i < o->nwarns; i++)
		if (c->warn)
			c->warn(c->ctx, &o->warns[i]);
	c->inv->nwarnings += o->inv.nwarnings;
	for (size_t k = 0; k < o->inv.npkgs; k++) {
		struct inv_package *q = &o->inv.pkgs[k], *p;

		p = inv_add(c->inv, q->type, q->name, q->version, q->path,
			    q->layer);
		if (!p)
			return -ENOMEM;
		/* the rest is moved, not copied */
		p->src_name = q->src_name;
		p->src_version = q->src_version;
		p->arch = q->arch;
		p->license = q->license;
		q->src_name = q->src_version = q->arch = q->license = NULL;
	}
	return 0;
}

static size_t max_size(enum kind k)
{
	switch (k) {
	case K_OS_ETC:
	case K_OS_USR:
		return OS_RELEASE_MAX;
	case K_NPM_PKG:
	case K_NPM_LOCK:
		return INV_MAX_JSON;
	case K_RPM_BDB:
	case K_RPM_NDB:
		return INV_MAX_RPMDB;
	default:
		return INV_MAX_FILE;
	}
}

static int file(void *ctx, const struct image_file *f, struct image_reader *r)
{
	struct collect *c = ctx;
	enum kind k = classify(f);
	char *buf = NULL;
	size_t len = 0;
	int rc, i;

	if (k == K_NONE)
		return 0;
	if (k == K_EXEC)
		return scan_exec(c, f, r);
	rc = image_reader_read_all(r, max_size(k), &buf, &len);
	if (rc == -EFBIG) {
		cwarn(c, f->path, rc, "file larger than the limit, not read");
		return 0;
	}
	if (rc)
		return rc;
	if (f->shadowed) {
		if (k == K_DPKG)
			inv_parse_dpkg_status(&c->older, buf, len, f->path,
					      f->layer, NULL, NULL);
		else if (k == K_APK)
			inv_parse_apk_installed(&c->older, buf, len, f->path,
						f->layer, NULL, NULL);
		free(buf);
		return 0;
	}
	switch (k) {
	case K_DPKG:
		c->has_status = 1;
		inv_parse_dpkg_status(c->inv, buf, len, f->path, f->layer,
				      c->warn, c->ctx);
		break;
	case K_DPKG_D:
		c->has_status_d = 1;
		inv_parse_dpkg_status(c->inv, buf, len, f->path, f->layer,
				      c->warn, c->ctx);
		break;
	case K_APK:
		inv_parse_apk_installed(c->inv, buf, len, f->path, f->layer,
					c->warn, c->ctx);
		break;
	case K_OS_ETC:
	case K_OS_USR:
		i = k == K_OS_ETC ? 0 : 1;
		free(c->os_buf[i]);
		free(c->os_path[i]);
		c->os_buf[i] = buf;
		c->os_len[i] = len;
		c->os_path[i] = strdup(f->path);
		return 0; /* parsed after the walk */
	case K_RPM_SQLITE:
		rc = scan_rpm(c, f, buf, len);
		break;
	case K_RPM_BDB:
	case K_RPM_NDB:
		rc = scan_rpm_old(c, f, k, buf, len);
		break;
	case K_NPM_PKG:
		inv_parse_npm_package_json(c->inv, buf, len, f->path, f->layer,
					   c->warn, c->ctx);
		break;
	case K_NPM_LOCK:
		inv_parse_npm_lock(c->inv, buf, len, f->path, f->layer, c->warn,
				   c->ctx);
		break;
	case K_PYTHON:
		inv_parse_python_metadata(c->inv, buf, len, f->path, f->layer,
					  c->warn, c->ctx);
		break;
	case K_JAVA:
		inv_parse_java_archive(c->inv, buf, len, f->path, f->layer,
				       c->warn, c->ctx);
		break;
	case K_CARGO:
		inv_parse_cargo_lock(c->inv, buf, len, f->path, f->layer,
				     c->warn, c->ctx);
		break;
	default:
		break;
	}
	free(buf);
	return rc;
}

/* Order of c->older: path, layer (highest first), type, name, version. */
static int older_cmp(const void *va, const void *vb)
{
	const struct inv_package *a = va, *b = vb;
	int r;

	if ((r = strcmp(a->path ? a->path : "", b->path ? b->path : "")))
		return r;
	if (a->layer != b->layer)
		return a->layer > b->layer ? -1 : 1;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if ((r = strcmp(a->name ? a->name : "", b->name ? b->name : "")))
		return r;
	return strcmp(a->version ? a->version : "",
		      b->version ? b->version : "");
}

/*
 * A package read from the visible database of layer T was installed by the
 * lowest layer L such that every version of that database in layers L..T
 * lists it with the same version: walking down from T, stop at the first
 * older version of the file that does not have it (the package was added
 * or upgraded above that layer).  Without older versions the package keeps
 * T, the layer of the file.
 */
static void attribute_layers(struct collect *c)
{
	struct inventory *o = &c->older;

	if (!o->npkgs)
		return;
	qsort(o->pkgs, o->npkgs, sizeof(*o->pkgs), older_cmp);
	for (size_t i = 0; i < c->inv->npkgs; i++) {
		struct inv_package *p = &c->inv->pkgs[i];
		struct inv_package key = *p;
		size_t k = 0;

		if (p->type != INV_DEB && p->type != INV_APK)
			continue;
		/* Older layers holding this database path, highest first. */
		while (k < o->npkgs) {
			struct inv_package *q = &o->pkgs[k];
			int layer;

			if (strcmp(q->path ? q->path : "", p->path ? p->path : "")) {
				k++;
				continue;
			}
			layer = q->layer;
			if (layer >= p->layer) {
				k++;
				continue;
			}
			key.layer = layer;
			if (!bsearch(&key, o->pkgs, o->npkgs, sizeof(*o->pkgs),
				     older_cmp))
				break;
			p->layer = layer;
			while (k < o->npkgs && o->pkgs[k].layer == layer &&
			       !strcmp(o->pkgs[k].path ? o->pkgs[k].path : "",
				       p->path ? p->path : ""))
				k++;
		}
	}
}

int inventory_collector_new(struct inventory *inv, inv_warn_fn warn,
			    void *warn_ctx, struct inventory_collector **ret,
			    struct image_visitor *ret_v)
{
	struct collect *c;

	if (!inv || !ret || !ret_v)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->inv = inv;
	c->warn = warn;
	c->ctx = warn_ctx;
	memset(ret_v, 0, sizeof(*ret_v));
	ret_v->want = want;
	ret_v->file = file;
	ret_v->warn = walk_warn;
	ret_v->want_shadowed = 1;
	ret_v->ctx = c;
	*ret = (struct inventory_collector *)c;
	return 0;
}

int inventory_collector_finish(struct inventory_collector *coll, int rc,
			       struct bw_error *err)
{
	struct collect *c = (struct collect *)coll;
	struct inventory *inv;
	int frc, i;

	if (!c)
		return rc;
	inv = c->inv;
	attribute_layers(c);
	inventory_free(&c->older);

	/* etc/os-release wins over usr/lib/os-release */
	i = c->os_buf[0] ? 0 : 1;
	if (c->os_buf[i])
		inv_parse_os_release(inv, c->os_buf[i], c->os_len[i],
				     c->os_path[i], c->warn, c->ctx);
	inv->os.distroless = c->has_status_d && !c->has_status;
	frc = use_rpm_old(c);
	for (i = 0; i < 2; i++) {
		free(c->os_buf[i]);
		free(c->os_path[i]);
		if (c->rpm_old[i])
			inventory_free(&c->rpm_old[i]->inv);
		free(c->rpm_old[i]);
	}
	free(c);
	if (!frc)
		frc = inventory_finish(inv);
	if (frc && !rc)
		rc =
		    bw_errorf(err, frc, NULL, 0, 0, "inventory: out of memory");
	return rc;
}

int inventory_collect(struct image *img, struct inventory *inv,
		      inv_warn_fn warn, void *warn_ctx, struct bw_error *err)
{
	struct inventory_collector *c;
	struct image_visitor v;
	int rc;

	if (!img || !inv)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "inventory_collect: no image or inventory");
	rc = inventory_collector_new(inv, warn, warn_ctx, &c, &v);
	if (rc < 0)
		return bw_errorf(err, rc, NULL, 0, 0,
				 "inventory: out of memory");
	rc = image_walk(img, &v, err);
	return inventory_collector_finish(c, rc, err);
}
