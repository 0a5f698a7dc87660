/*
 * inject.c - delivering secrets as files, the server-free half of
 * `bulwark vault inject` and `bulwark vault oci-hook` (the commands in
 * src/cli/cmd_vault_inject.c log in, read and loop).
 *
 * A secret becomes one file in a directory that should be a tmpfs (never
 * on a disk).  Files are replaced atomically: the bytes go to a fresh
 * ".<name>.XXXXXX" made with O_EXCL in the same directory, are fsync'ed,
 * get their owner and mode, and are renamed over the old file, so a reader
 * sees the old secret or the new one, never half of either.  A file that
 * already holds the same bytes is left alone, which is how --renew tells
 * a rotated secret from an unchanged one.
 *
 * The OCI inputs (the runtime's state on stdin, the bundle's config.json)
 * and the hook's own configuration are parsed here too, bounded and
 * validated, so the fuzzer and the unit tests reach them without a
 * container.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "vault/vault.h"

int vault_inject_parse_format(const char *s, enum vault_inject_format *ret)
{
	static const struct {
		const char *name;
		enum vault_inject_format fmt;
	} names[] = {{"json", VAULT_INJECT_JSON},
		     {"env", VAULT_INJECT_ENV},
		     {"raw", VAULT_INJECT_RAW}};

	for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name)) {
			*ret = names[i].fmt;
			return 0;
		}
	return -EINVAL;
}

int vault_inject_name_ok(const char *name, size_t len)
{
	if (!len || len > VAULT_INJECT_MAX_NAME || name[0] == '.')
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

/* A KV path we will send: printable, no "..", no "?" or "#" (they would
 * change the request), no empty segment in the middle. */
static int path_ok(const char *p, size_t len)
{
	if (!len || len >= VAULT_MAX_PATH)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c <= ' ' || c >= 0x7f || c == '?' || c == '#' || c == '%' ||
		    c == '\\' || c == ',')
			return 0;
		if (c == '/' && i + 1 < len && p[i + 1] == '/')
			return 0;
		if (c == '.' && i + 1 < len && p[i + 1] == '.' &&
		    (i == 0 || p[i - 1] == '/') &&
		    (i + 2 == len || p[i + 2] == '/'))
			return 0;
	}
	return 1;
}

int vault_inject_parse_spec(const char *spec, size_t len, const char *ext,
			    struct vault_inject_secret *ret,
			    struct bw_error *err)
{
	struct vault_inject_secret s;
	const char *eq = memchr(spec, '=', len);
	size_t plen = eq ? (size_t)(eq - spec) : len;
	const char *p = spec;
	int n;

	memset(&s, 0, sizeof(s));
	while (plen && *p == '/') {
		p++;
		plen--;
	}
	while (plen && p[plen - 1] == '/')
		plen--;
	if (!path_ok(p, plen) || memchr(spec, '\0', len))
		return bw_errorf(err, -EINVAL, "secret", 0, 0,
				 "bad secret path in \"%.*s\"",
				 (int)(len > 200 ? 200 : len), spec);
	memcpy(s.path, p, plen);
	if (eq) {
		size_t nlen = len - (size_t)(eq - spec) - 1;

		if (!vault_inject_name_ok(eq + 1, nlen))
			return bw_errorf(err, -EINVAL, "secret", 0, 0,
					 "bad file name in \"%.*s\" (want "
					 "[A-Za-z0-9._-], not starting with "
					 "\".\")",
					 (int)(len > 200 ? 200 : len), spec);
		memcpy(s.name, eq + 1, nlen);
	} else {
		const char *last = strrchr(s.path, '/');

		last = last ? last + 1 : s.path;
		n = snprintf(s.name, sizeof(s.name), "%s%s", last,
			     ext ? ext : "");
		if (n < 0 || (size_t)n >= sizeof(s.name) ||
		    !vault_inject_name_ok(s.name, (size_t)n))
			return bw_errorf(err, -EINVAL, "secret", 0, 0,
					 "\"%s\": name the file (PATH=NAME)",
					 s.path);
	}
	*ret = s;
	return 0;
}

int vault_inject_parse_list(const char *text, size_t len, const char *ext,
			    struct vault_inject_secret *list, size_t *n,
			    struct bw_error *err)
{
	size_t i = 0;

	while (i < len) {
		const char *comma = memchr(text + i, ',', len - i);
		size_t end = comma ? (size_t)(comma - text) : len;
		size_t a = i, b = end;
		int rc;

		while (a < b && strchr(" \t\r\n", text[a]))
			a++;
		while (b > a && strchr(" \t\r\n", text[b - 1]))
			b--;
		i = end + 1;
		if (a == b)
			continue;
		if (*n >= VAULT_INJECT_MAX_SECRETS)
			return bw_errorf(err, -E2BIG, "secret", 0, 0,
					 "more than %d secrets",
					 VAULT_INJECT_MAX_SECRETS);
		rc = vault_inject_parse_spec(text + a, b - a, ext, &list[*n],
					     err);
		if (rc)
			return rc;
		for (size_t j = 0; j < *n; j++)
			if (!strcmp(list[j].name, list[*n].name))
				return bw_errorf(err, -EINVAL, "secret", 0, 0,
						 "two secrets write \"%s\"",
						 list[*n].name);
		(*n)++;
	}
	return 0;
}

/* ---- rendering ---------------------------------------------------------- */

static int env_key_ok(const char *k)
{
	if (!*k || (*k >= '0' && *k <= '9'))
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		      (*k >= '0' && *k <= '9') || *k == '_'))
			return 0;
	return 1;
}

struct outbuf {
	char *p;
	size_t len, cap;
	int overflow;
};

static void out_add(struct outbuf *o, const char *s, size_t n)
{
	if (o->overflow)
		return;
	if (o->len + n + 1 > VAULT_INJECT_MAX_FILE) {
		o->overflow = -EFBIG;
		return;
	}
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 256;
		char *np;

		while (cap < o->len + n + 1)
			cap *= 2;
		np = malloc(cap);
		if (!np) {
			o->overflow = -ENOMEM;
			return;
		}
		if (o->p) {
			memcpy(np, o->p, o->len);
			OPENSSL_cleanse(o->p, o->cap);
			free(o->p);
		}
		o->p = np;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void out_free(struct outbuf *o)
{
	if (o->p)
		OPENSSL_cleanse(o->p, o->cap);
	free(o->p);
	o->p = NULL;
}

/* A value as text: strings as is, others as compact JSON.  New string. */
static char *value_text(const json_t *v, size_t *ret_len)
{
	char *s;

	if (json_is_string(v)) {
		*ret_len = json_string_length(v);
		s = malloc(*ret_len + 1);
		if (s) {
			memcpy(s, json_string_value(v), *ret_len);
			s[*ret_len] = '\0';
		}
		return s;
	}
	s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (s)
		*ret_len = strlen(s);
	return s;
}

static void text_free(char *s, size_t len)
{
	if (s)
		OPENSSL_cleanse(s, len);
	free(s);
}

static int render_env(const json_t *data, struct outbuf *o,
		      struct bw_error *err)
{
	const char **keys;
	size_t n = json_object_size(data), k = 0;
	const char *key;
	json_t *v;
	int rc = 0;

	keys = calloc(n ? n : 1, sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	json_object_foreach((json_t *)data, key, v) keys[k++] = key;
	/* insertion sort: secrets have few fields */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0;
		     j--) {
			const char *t = keys[j];

			keys[j] = keys[j - 1];
			keys[j - 1] = t;
		}
	for (size_t i = 0; i < k && !rc; i++) {
		size_t vl = 0;
		char *t;

		if (!env_key_ok(keys[i])) {
			rc = bw_errorf(err, -EINVAL, "secret", 0, 0,
				       "field \"%.100s\" is not a shell "
				       "variable name (use --format json)",
				       keys[i]);
			break;
		}
		t = value_text(json_object_get(data, keys[i]), &vl);
		if (!t) {
			rc = -ENOMEM;
			break;
		}
		out_add(o, keys[i], strlen(keys[i]));
		out_add(o, "='", 2);
		for (size_t j = 0; j < vl; j++) {
			if (t[j] == '\'')
				out_add(o, "'\\''", 4);
			else
				out_add(o, t + j, 1);
		}
		out_add(o, "'\n", 2);
		text_free(t, vl);
	}
	free(keys);
	return rc;
}

int vault_inject_render(const json_t *data, enum vault_inject_format fmt,
			const char *field, char **ret, size_t *ret_len,
			struct bw_error *err)
{
	struct outbuf o = {0};
	json_t *sub = NULL;
	const json_t *src = data;
	int rc = 0;

	if (!json_is_object(data))
		return bw_errorf(err, -EINVAL, "secret", 0, 0,
				 "the secret's data is not an object");
	if (fmt == VAULT_INJECT_RAW && !field)
		return bw_errorf(err, -EINVAL, "secret", 0, 0,
				 "--format raw needs --field");
	if (field) {
		json_t *v = json_object_get(data, field);

		if (!v)
			return bw_errorf(err, -EINVAL, "secret", 0, 0,
					 "no field \"%.100s\" in the secret",
					 field);
		if (fmt == VAULT_INJECT_RAW) {
			size_t vl = 0;
			char *t = value_text(v, &vl);

			if (!t)
				return -ENOMEM;
			out_add(&o, t, vl);
			text_free(t, vl);
			goto done;
		}
		sub = json_object();
		if (!sub || json_object_set(sub, field, v)) {
			json_decref(sub);
			return -ENOMEM;
		}
		src = sub;
	}
	if (fmt == VAULT_INJECT_ENV) {
		rc = render_env(src, &o, err);
	} else {
		size_t vl = 0;
		char *t = json_dumps(src, JSON_COMPACT | JSON_SORT_KEYS);

		if (!t) {
			rc = -ENOMEM;
		} else {
			vl = strlen(t);
			out_add(&o, t, vl);
			out_add(&o, "\n", 1);
			text_free(t, vl);
		}
	}
	json_decref(sub);
done:
	if (!rc && o.overflow == -EFBIG)
		rc = bw_errorf(err, -EFBIG, "secret", 0, 0,
			       "rendered secret larger than %u bytes",
			       VAULT_INJECT_MAX_FILE);
	else if (!rc)
		rc = o.overflow;
	if (rc) {
		out_free(&o);
		return rc;
	}
	if (!o.p)
		out_add(&o, "", 0);
	if (o.overflow) {
		out_free(&o);
		return o.overflow;
	}
	*ret = o.p;
	*ret_len = o.len;
	return 0;
}

/* ---- files -------------------------------------------------------------- */

/* 1 when dirfd/name is a regular file holding exactly data with mode and
 * owner; it is opened without following a symlink. */
static int same_file(int dirfd, const char *name, const void *data, size_t len,
		     unsigned mode, long uid, long gid)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd, same = 0;

	fd =
	    openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (st.st_mode & 07777) != mode || (size_t)st.st_size != len ||
	    (uid >= 0 && st.st_uid != (uid_t)uid) ||
	    (gid >= 0 && st.st_gid != (gid_t)gid)) {
		close(fd);
		return 0;
	}
	buf = malloc(len + 1);
	if (buf) {
		while (got <= len) {
			ssize_t r = read(fd, buf + got, len + 1 - got);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		same = got == len && CRYPTO_memcmp(buf, data, len) == 0;
		OPENSSL_cleanse(buf, len + 1);
		free(buf);
	}
	close(fd);
	return same;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int vault_inject_write(int dirfd, const char *name, const void *data,
		       size_t len, unsigned mode, long uid, long gid,
		       int *ret_changed, struct bw_error *err)
{
	char tmp[VAULT_INJECT_MAX_NAME + 16];
	unsigned char rnd[6];
	int fd = -1, rc;

	if (!vault_inject_name_ok(name, strlen(name)))
		return bw_errorf(err, -EINVAL, name, 0, 0, "bad file name");
	if (same_file(dirfd, name, data, len, mode, uid, gid)) {
		*ret_changed = 0;
		return 0;
	}
	for (int tries = 0; fd < 0 && tries < 16; tries++) {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			return bw_errorf(err, -EIO, name, 0, 0,
					 "no random bytes");
		snprintf(tmp, sizeof(tmp), ".%s.%02x%02x%02x%02x%02x%02x", name,
			 rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
		fd = openat(
		    dirfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return bw_errorf(err, -errno, name, 0, 0,
					 "cannot create a temp file: %s",
					 strerror(errno));
	}
	if (fd < 0)
		return bw_errorf(err, -EEXIST, name, 0, 0,
				 "cannot create a temp file");
	rc = write_all(fd, data, len);
	if (!rc && (uid >= 0 || gid >= 0) &&
	    fchown(fd, uid >= 0 ? (uid_t)uid : (uid_t)-1,
		   gid >= 0 ? (gid_t)gid : (gid_t)-1))
		rc = -errno;
	if (!rc && fchmod(fd, mode))
		rc = -errno;
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && renameat(dirfd, tmp, dirfd, name))
		rc = -errno;
	if (rc) {
		unlinkat(dirfd, tmp, 0);
		return bw_errorf(err, rc, name, 0, 0, "cannot write: %s",
				 strerror(-rc));
	}
	fsync(dirfd); /* the rename itself; tmpfs ignores it */
	*ret_changed = 1;
	return 0;
}

int vault_inject_remove(int dirfd, const char *name)
{
	if (!vault_inject_name_ok(name, strlen(name)))
		return -EINVAL;
	if (unlinkat(dirfd, name, 0) && errno != ENOENT)
		return -errno;
	return 0;
}

int vault_inject_is_tmpfs(const char *path)
{
	struct statfs sf;

	if (statfs(path, &sf))
		return -errno;
	return sf.f_type == TMPFS_MAGIC;
}

int vault_inject_mount_tmpfs(const char *path, long uid, long gid,
			     struct bw_error *err)
{
	char opts[128];

	if (uid >= 0 && gid >= 0)
		snprintf(opts, sizeof(opts), "%s,uid=%ld,gid=%ld",
			 VAULT_INJECT_TMPFS_OPTS, uid, gid);
	else
		snprintf(opts, sizeof(opts), "%s", VAULT_INJECT_TMPFS_OPTS);
	if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  opts))
		return bw_errorf(err, -errno, path, 0, 0,
				 "cannot mount a tmpfs: %s", strerror(errno));
	return 0;
}

/* ---- OCI state and config.json ----------------------------------------- */

static int copy_str(char *dst, size_t cap, const json_t *v)
{
	size_t n;

	if (!json_is_string(v))
		return -EINVAL;
	n = json_string_length(v);
	if (n >= cap || memchr(json_string_value(v), '\0', n))
		return -EINVAL;
	memcpy(dst, json_string_value(v), n);
	dst[n] = '\0';
	return 0;
}

int vault_oci_state_parse(const char *buf, size_t len,
			  struct vault_oci_state *ret, struct bw_error *err)
{
	struct vault_oci_state s;
	json_error_t je;
	json_t *o, *pid, *ann;

	memset(&s, 0, sizeof(s));
	if (len > VAULT_INJECT_MAX_STATE)
		return bw_errorf(err, -EINVAL, "state", 0, 0,
				 "state larger than %u bytes",
				 VAULT_INJECT_MAX_STATE);
	o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(o)) {
		json_decref(o);
		return bw_errorf(err, -EINVAL, "state", je.line, je.column,
				 "OCI state: %s",
				 o ? "not a JSON object" : je.text);
	}
	pid = json_object_get(o, "pid");
	if (!json_is_integer(pid) || json_integer_value(pid) <= 0 ||
	    json_integer_value(pid) > 0x3fffffff) {
		json_decref(o);
		return bw_errorf(err, -EINVAL, "state", 0, 0,
				 "OCI state: no pid (run as a createRuntime "
				 "or prestart hook)");
	}
	s.pid = (long)json_integer_value(pid);
	if (copy_str(s.bundle, sizeof(s.bundle),
		     json_object_get(o, "bundle")) ||
	    s.bundle[0] != '/') {
		json_decref(o);
		return bw_errorf(err, -EINVAL, "state", 0, 0,
				 "OCI state: bundle is not an absolute path");
	}
	if (json_object_get(o, "id") &&
	    copy_str(s.id, sizeof(s.id), json_object_get(o, "id"))) {
		json_decref(o);
		return bw_errorf(err, -EINVAL, "state", 0, 0,
				 "OCI state: bad id");
	}
	ann = json_object_get(o, "annotations");
	if (json_is_object(ann))
		s.annotations = json_incref(ann);
	json_decref(o);
	*ret = s;
	return 0;
}

void vault_oci_state_free(struct vault_oci_state *s)
{
	if (!s)
		return;
	json_decref(s->annotations);
	s->annotations = NULL;
}

static int user_id(const json_t *user, const char *key, long *ret)
{
	json_t *v = json_object_get(user, key);

	if (!v) {
		*ret = 0;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 0x7fffffff)
		return -EINVAL;
	*ret = (long)json_integer_value(v);
	return 0;
}

int vault_oci_config_parse(const char *buf, size_t len, const char *bundle,
			   struct vault_oci_config *ret, struct bw_error *err)
{
	struct vault_oci_config c;
	char root[VAULT_MAX_PATH];
	json_error_t je;
	json_t *o, *user, *ann;
	int n;

	memset(&c, 0, sizeof(c));
	if (len > VAULT_INJECT_MAX_OCI_CONFIG)
		return bw_errorf(err, -EINVAL, "config.json", 0, 0,
				 "larger than %u bytes",
				 VAULT_INJECT_MAX_OCI_CONFIG);
	o = json_loadb(buf, len, 0, &je);
	if (!json_is_object(o)) {
		json_decref(o);
		return bw_errorf(err, -EINVAL, "config.json", je.line,
				 je.column, "%s",
				 o ? "not a JSON object" : je.text);
	}
	if (copy_str(root, sizeof(root),
		     json_object_get(json_object_get(o, "root"), "path")) ||
	    !root[0]) {
		json_decref(o);
		return bw_errorf(err, -EINVAL, "config.json", 0, 0,
				 "no root.path");
	}
	if (root[0] == '/')
		n = snprintf(c.rootfs, sizeof(c.rootfs), "%s", root);
	else
		n = snprintf(c.rootfs, sizeof(c.rootfs), "%s/%s", bundle, root);
	user = json_object_get(json_object_get(o, "process"), "user");
	if (n < 0 || (size_t)n >= sizeof(c.rootfs) ||
	    user_id(user, "uid", &c.uid) || user_id(user, "gid", &c.gid)) {
		json_decref(o);
		return bw_errorf(err, -EINVAL, "config.json", 0, 0,
				 "bad root.path or process.user");
	}
	ann = json_object_get(o, "annotations");
	if (json_is_object(ann))
		c.annotations = json_incref(ann);
	json_decref(o);
	*ret = c;
	return 0;
}

void vault_oci_config_free(struct vault_oci_config *c)
{
	if (!c)
		return;
	json_decref(c->annotations);
	c->annotations = NULL;
}

/* ---- the hook's configuration ------------------------------------------ */

static char **hook_field(struct vault_hook_config *c, const char *key)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
	    {"address", offsetof(struct vault_hook_config, address)},
	    {"ca_cert", offsetof(struct vault_hook_config, ca_cert)},
	    {"role_id_file", offsetof(struct vault_hook_config, role_id_file)},
	    {"secret_id_file",
	     offsetof(struct vault_hook_config, secret_id_file)},
	    {"roles_dir", offsetof(struct vault_hook_config, roles_dir)},
	    {"token_file", offsetof(struct vault_hook_config, token_file)},
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(key, fields[i].name))
			return (char **)((char *)c + fields[i].off);
	return NULL;
}

void vault_hook_config_free(struct vault_hook_config *c)
{
	if (!c)
		return;
	free(c->address);
	free(c->ca_cert);
	free(c->role_id_file);
	free(c->secret_id_file);
	free(c->roles_dir);
	free(c->token_file);
	memset(c, 0, sizeof(*c));
}

struct hook_parse {
	struct vault_hook_config *c;
	const char *path;
};

static int hook_field_set(void *ctx, const char *key, const char *v, size_t vl,
			  int line, struct bw_error *err)
{
	struct hook_parse *hp = ctx;
	char **f = hook_field(hp->c, key);

	if (!f)
		return bw_errorf(err, -EINVAL, hp->path, line, 0,
				 "unknown key \"%s\"", key);
	if (!vl || memchr(v, '\0', vl) || vl >= VAULT_MAX_PATH)
		return bw_errorf(err, -EINVAL, hp->path, line, 0,
				 "%s: bad value", key);
	free(*f);
	*f = strndup(v, vl);
	return *f ? 0 : -ENOMEM;
}

int vault_hook_config_parse(const char *text, size_t len, const char *path,
			    struct vault_hook_config *ret, struct bw_error *err)
{
	struct vault_hook_config c;
	struct hook_parse hp = {&c, path};
	int rc;

	memset(&c, 0, sizeof(c));
	if (len > (1u << 20))
		return bw_errorf(err, -E2BIG, path, 0, 0, "larger than 1 MiB");
	rc = vault_flat_yaml(text, len, path, hook_field_set, &hp, err);
	if (!rc && !c.address)
		rc = bw_errorf(err, -EINVAL, path, 0, 0, "address is required");
	if (!rc && !c.token_file && !c.roles_dir &&
	    !(c.role_id_file && c.secret_id_file))
		rc = bw_errorf(err, -EINVAL, path, 0, 0,
			       "set role_id_file and secret_id_file (or "
			       "roles_dir, or token_file)");
	if (!rc && (!!c.role_id_file != !!c.secret_id_file))
		rc = bw_errorf(err, -EINVAL, path, 0, 0,
			       "role_id_file and secret_id_file go together");
	if (rc) {
		vault_hook_config_free(&c);
		return rc;
	}
	*ret = c;
	return 0;
}
