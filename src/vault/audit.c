/*
 * audit.c - the vault's audit device: an append-only file of JSON lines,
 * one per request and one per response, modelled on Vault's file audit
 * device, plus the verifier behind `bulwark vault audit verify`.
 *
 * Sensitive strings never reach the file in clear: the client token and
 * its accessor (auth.client_token, auth.accessor, request.client_token,
 * request.client_token_accessor, response.auth.*, response.wrap_info.token
 * and .accessor) and every string or number leaf under request.data,
 * response.data and auth.metadata become "hmac-sha256:<hex>", keyed with
 * the device's 32-byte salt, so an operator holding the salt can still
 * check whether a given value was seen (Vault's sys/audit-hash).  Vault
 * leaves numbers in clear; we hash them too, since a KV value may be a
 * number.  Object keys stay in clear.
 *
 * Every line carries "prev_hash" (the previous line's "hash", 64 zeros on
 * the first line) and "hash" = hex SHA-256 of prev_hash followed by the
 * line without its "hash" field in canonical form (jansson JSON_COMPACT |
 * JSON_SORT_KEYS).  The line itself is written in that canonical form, so
 * the verifier can also insist that each line re-serialises to exactly
 * its bytes: any edited byte, deleted, inserted or reordered line fails.
 * Only a cut exactly at a line boundary at the end is invisible to the
 * file alone (keep a second device, or record the head hash elsewhere).
 *
 * Writing: one write() per line under a mutex (the server logs from its
 * worker threads), then fdatasync (which flushes the size change of an
 * append) outside it, as a group commit: one sync covers every line
 * written before it began, and a caller returns only once a sync that
 * covers its line has succeeded.  The file is opened O_APPEND, refused when it
 * is a symlink, and flock()ed so a second server cannot interleave its chain.
 * A short write is cut back with ftruncate so the log stays valid; when that or
 * the sync fails the device is marked failed and every later entry fails
 * too: the server must stop serving rather than serve unaudited.  On open
 * the last line of an existing file is read back (backwards, bounded) and
 * its own hash checked, so a torn or edited tail refuses to start.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/private_file.h"
#include "vault/vault.h"

#define HMAC_PREFIX "hmac-sha256:"
#define HMAC_STR_LEN (sizeof(HMAC_PREFIX) - 1 + 64) /* without NUL */
#define HASH_HEX 64
#define DUMP_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)
#define REDACT_MAX_DEPTH 2048 /* jansson's own parser limit */
#define TAIL_CHUNK 65536

static const char zero_hash[HASH_HEX + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct vault_audit {
	pthread_mutex_t lock; /* the chain: prev, size, failed; one write */
	int fd;
	int failed; /* a write or sync failed: refuse everything */
	off_t size; /* bytes written (we are the file's only writer) */
	/* group sync (sync_mu): one fdatasync covers every line written
	 * before it started; the others wait for it instead of syncing */
	pthread_mutex_t sync_mu;
	pthread_cond_t sync_cv;
	off_t synced; /* bytes known durable */
	int syncing;  /* an fdatasync is running */
	int sync_failed;
	uint8_t salt[32];
	char prev[HASH_HEX + 1]; /* hash of the last line written */
	char path[256];		 /* for messages */
};

/* ---- hashing ------------------------------------------------------------ */

static void hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* "hmac-sha256:<hex>" of n bytes into out (>= HMAC_STR_LEN + 1). */
static int hmac_str(const uint8_t salt[32], const void *s, size_t n, char *out)
{
	uint8_t md[32];
	unsigned mdlen = 0;

	if (!HMAC(EVP_sha256(), salt, 32, s, n, md, &mdlen) || mdlen != 32)
		return -EIO;
	memcpy(out, HMAC_PREFIX, sizeof(HMAC_PREFIX) - 1);
	hex(md, 32, out + sizeof(HMAC_PREFIX) - 1);
	return 0;
}

const char *vault_audit_hash(const uint8_t salt[32], const char *s, char *buf,
			     size_t len)
{
	if (!salt || !s || !buf || len < HMAC_STR_LEN + 1)
		return NULL;
	return hmac_str(salt, s, strlen(s), buf) ? NULL : buf;
}

/* hex SHA-256 of prev (64 chars) then n bytes of data. */
static int chain_hash(const char *prev, const char *data, size_t n,
		      char out[HASH_HEX + 1])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t md[32];
	unsigned mdlen = 0;
	int ok;

	if (!ctx)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, prev, HASH_HEX) &&
	     EVP_DigestUpdate(ctx, data, n) &&
	     EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == 32;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -EIO;
	hex(md, 32, out);
	return 0;
}

/* Canonical serialisation of v into a new buffer, *ret_len bytes and a
 * NUL (which the writer overwrites with the newline).  One pass. */
static char *dump_canonical(const json_t *v, size_t *ret_len)
{
	char *buf = json_dumps(v, DUMP_FLAGS);

	if (!buf)
		return NULL;
	*ret_len = strlen(buf);
	return buf;
}

/*
 * The canonical line with "hash" added, from the canonical text of the
 * entry without it: sorted keys put "hash" right before the top-level
 * "prev_hash" (the keys are auth, error, hash, prev_hash, request,
 * response, time, type), so the line is the text with "hash":"<hex>",
 * spliced in there -- byte for byte what dumping the entry with its hash
 * would give, without serialising it again.  The top-level key is found by
 * scanning with string and depth awareness (a nested "prev_hash" key, say
 * in token metadata, is not it).  NULL when not found or out of memory.
 */
static char *splice_hash(const char *text, size_t tlen, const char *hash,
			 size_t *ret_len)
{
	static const char key[] = "\"prev_hash\":";
	size_t klen = sizeof(key) - 1, at = 0, n;
	int depth = 0, in_str = 0;
	char *line;

	for (size_t i = 0; i < tlen && !at; i++) {
		char ch = text[i];

		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = 0;
			continue;
		}
		if (ch == '{' || ch == '[') {
			depth++;
		} else if (ch == '}' || ch == ']') {
			depth--;
		} else if (ch == '"') {
			if (depth == 1 &&
			    (text[i - 1] == '{' || text[i - 1] == ',') &&
			    tlen - i >= klen && !memcmp(text + i, key, klen))
				at = i;
			else
				in_str = 1;
		}
	}
	if (!at)
		return NULL;
	n = tlen + 10 + HASH_HEX; /* "hash":"<64>", */
	line = malloc(n + 1);
	if (!line)
		return NULL;
	memcpy(line, text, at);
	memcpy(line + at, "\"hash\":\"", 8);
	memcpy(line + at + 8, hash, HASH_HEX);
	memcpy(line + at + 8 + HASH_HEX, "\",", 2);
	memcpy(line + at + 10 + HASH_HEX, text + at, tlen - at);
	line[n] = '\0';
	*ret_len = n;
	return line;
}

/* ---- redaction ---------------------------------------------------------- */

/* The HMAC of a scalar leaf: strings by their bytes, numbers by their
 * canonical JSON text.  NULL for other types (kept as they are). */
static json_t *hmac_leaf(const uint8_t salt[32], const json_t *v)
{
	char out[HMAC_STR_LEN + 1];
	char *text;
	size_t n;
	int rc;

	if (json_is_string(v)) {
		rc = hmac_str(salt, json_string_value(v), json_string_length(v),
			      out);
	} else if (json_is_number(v)) {
		text = dump_canonical(v, &n);
		if (!text)
			return NULL;
		rc = hmac_str(salt, text, n, out);
		free(text);
	} else {
		return NULL;
	}
	return rc ? NULL : json_string(out);
}

/* Replaces every string and number leaf under v by its HMAC. */
static int redact_leaves(const uint8_t salt[32], json_t *v, int depth)
{
	json_t *child, *h;
	void *it;
	size_t i;

	if (depth > REDACT_MAX_DEPTH)
		return -EINVAL;
	if (json_is_object(v)) {
		for (it = json_object_iter(v); it;
		     it = json_object_iter_next(v, it)) {
			child = json_object_iter_value(it);
			if (json_is_object(child) || json_is_array(child)) {
				if (redact_leaves(salt, child, depth + 1))
					return -EINVAL;
			} else if (json_is_string(child) ||
				   json_is_number(child)) {
				h = hmac_leaf(salt, child);
				if (!h || json_object_iter_set_new(v, it, h))
					return -ENOMEM;
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child)
		{
			if (json_is_object(child) || json_is_array(child)) {
				if (redact_leaves(salt, child, depth + 1))
					return -EINVAL;
			} else if (json_is_string(child) ||
				   json_is_number(child)) {
				h = hmac_leaf(salt, child);
				if (!h || json_array_set_new(v, i, h))
					return -ENOMEM;
			}
		}
	} else if (json_is_string(v) || json_is_number(v)) {
		return -EINVAL; /* the caller replaces scalars itself */
	}
	return 0;
}

/* Replaces obj[key] by its HMAC when it is a string or a number. */
static int redact_field(const uint8_t salt[32], json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key), *h;

	if (!v || !(json_is_string(v) || json_is_number(v)))
		return 0;
	h = hmac_leaf(salt, v);
	if (!h)
		return -ENOMEM;
	return json_object_set_new(obj, key, h) ? -ENOMEM : 0;
}

/* Redacts the container obj[key]: every leaf, whatever its shape (a
 * scalar there is itself a secret). */
static int redact_subtree(const uint8_t salt[32], json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (json_is_object(v) || json_is_array(v))
		return redact_leaves(salt, v, 0);
	return redact_field(salt, obj, key);
}

static int redact_auth(const uint8_t salt[32], json_t *auth)
{
	if (!json_is_object(auth))
		return 0;
	if (redact_field(salt, auth, "client_token") ||
	    redact_field(salt, auth, "accessor") ||
	    redact_subtree(salt, auth, "metadata"))
		return -ENOMEM;
	return 0;
}

static int redact_request(const uint8_t salt[32], json_t *req)
{
	if (redact_field(salt, req, "client_token") ||
	    redact_field(salt, req, "client_token_accessor") ||
	    redact_subtree(salt, req, "data"))
		return -ENOMEM;
	return 0;
}

static int redact_response(const uint8_t salt[32], json_t *resp)
{
	json_t *wrap = json_object_get(resp, "wrap_info");

	if (redact_subtree(salt, resp, "data") ||
	    redact_auth(salt, json_object_get(resp, "auth")))
		return -ENOMEM;
	if (json_is_object(wrap) && (redact_field(salt, wrap, "token") ||
				     redact_field(salt, wrap, "accessor")))
		return -ENOMEM;
	return 0;
}

/* A redacted deep copy of v (an object) stored as entry[key]. */
static int add_section(json_t *entry, const char *key, const json_t *v,
		       const uint8_t salt[32],
		       int (*redact)(const uint8_t *, json_t *))
{
	json_t *copy;

	if (!v)
		return 0;
	if (!json_is_object(v))
		return -EINVAL;
	copy = json_deep_copy(v);
	if (!copy)
		return -ENOMEM;
	if (redact(salt, copy)) {
		json_decref(copy);
		return -EINVAL;
	}
	return json_object_set_new(entry, key, copy) ? -ENOMEM : 0;
}

/* ---- reading lines ------------------------------------------------------ */

static int pread_full(int fd, char *buf, size_t n, off_t off)
{
	ssize_t r;

	while (n > 0) {
		r = pread(fd, buf, n, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO; /* the file shrank under us */
		buf += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

static int is_hash_hex(const json_t *v)
{
	const char *s = json_string_value(v);
	size_t i;

	if (!s || json_string_length(v) != HASH_HEX)
		return 0;
	for (i = 0; i < HASH_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int line_err(struct bw_error *err, const char *path, size_t lineno,
		    int col, const char *what)
{
	return bw_errorf(err, -EBADMSG, path,
			 lineno > INT32_MAX ? 0 : (int)lineno, col, "%s", what);
}

/*
 * Checks one line (len bytes, without its newline): well-formed, the
 * known fields with the right types, prev_hash equal to expect_prev (when
 * not NULL), the hash right and the line in canonical form.  Writes the
 * line's hash into ret_hash.  -EBADMSG (or -ENOMEM) otherwise.
 */
static int check_line(const char *line, size_t len, const char *expect_prev,
		      char ret_hash[HASH_HEX + 1], const char *path,
		      size_t lineno, struct bw_error *err)
{
	static const char *const known[] = {"time",	 "type",     "auth",
					    "request",	 "response", "error",
					    "prev_hash", "hash"};
	char msg[300], want[HASH_HEX + 1], got[HASH_HEX + 1];
	json_error_t jerr;
	json_t *obj, *type, *v;
	const char *key;
	char *canon = NULL;
	size_t clen = 0, i;
	int rc = -EBADMSG, found;

	obj = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
			 &jerr);
	if (!obj) {
		snprintf(msg, sizeof(msg), "not JSON: %s", jerr.text);
		return line_err(err, path, lineno,
				jerr.column > 0 ? jerr.column : 0, msg);
	}
	if (!json_is_object(obj)) {
		line_err(err, path, lineno, 0, "not a JSON object");
		goto out;
	}
	json_object_foreach(obj, key, v)
	{
		for (found = 0, i = 0; i < sizeof(known) / sizeof(known[0]);
		     i++)
			found |= !strcmp(key, known[i]);
		if (!found) {
			snprintf(msg, sizeof(msg), "unexpected field \"%.64s\"",
				 key);
			line_err(err, path, lineno, 0, msg);
			goto out;
		}
	}
	type = json_object_get(obj, "type");
	if (!json_is_string(json_object_get(obj, "time")) ||
	    !json_is_string(type) ||
	    (strcmp(json_string_value(type), "request") &&
	     strcmp(json_string_value(type), "response"))) {
		line_err(err, path, lineno, 0,
			 "missing or bad \"time\" or \"type\"");
		goto out;
	}
	if (!is_hash_hex(json_object_get(obj, "prev_hash")) ||
	    !is_hash_hex(json_object_get(obj, "hash"))) {
		line_err(err, path, lineno, 0,
			 "missing or bad \"prev_hash\" or \"hash\"");
		goto out;
	}
	for (i = 2; i < 5; i++) {
		v = json_object_get(obj, known[i]);
		if (v && !json_is_object(v)) {
			snprintf(msg, sizeof(msg), "\"%s\" is not an object",
				 known[i]);
			line_err(err, path, lineno, 0, msg);
			goto out;
		}
	}
	v = json_object_get(obj, "error");
	if (v && !json_is_string(v)) {
		line_err(err, path, lineno, 0, "\"error\" is not a string");
		goto out;
	}
	memcpy(want, json_string_value(json_object_get(obj, "prev_hash")),
	       HASH_HEX + 1);
	if (expect_prev && strcmp(want, expect_prev)) {
		line_err(err, path, lineno, 0,
			 lineno == 1
			     ? "prev_hash of the first line is not zero "
			       "(lines deleted at the start)"
			     : "prev_hash does not match the previous "
			       "line's hash (lines deleted, inserted or "
			       "reordered)");
		goto out;
	}
	memcpy(got, json_string_value(json_object_get(obj, "hash")),
	       HASH_HEX + 1);
	/* The hash covers the canonical line without its hash field. */
	json_object_del(obj, "hash");
	canon = dump_canonical(obj, &clen);
	if (!canon) {
		rc = bw_errorf(err, -ENOMEM, path, 0, 0, "out of memory");
		goto out;
	}
	if (chain_hash(want, canon, clen, ret_hash)) {
		rc = bw_errorf(err, -EIO, path, 0, 0, "SHA-256 failed");
		goto out;
	}
	if (strcmp(ret_hash, got)) {
		line_err(err, path, lineno, 0,
			 "hash mismatch (the line was edited)");
		goto out;
	}
	free(canon);
	canon = NULL;
	if (json_object_set_new(obj, "hash", json_string(got)) ||
	    !(canon = dump_canonical(obj, &clen))) {
		rc = bw_errorf(err, -ENOMEM, path, 0, 0, "out of memory");
		goto out;
	}
	if (clen != len || memcmp(canon, line, len)) {
		line_err(err, path, lineno, 0,
			 "line is not in canonical form (the line was edited)");
		goto out;
	}
	rc = 0;
out:
	free(canon);
	json_decref(obj);
	return rc;
}

/*
 * Reads the last line of fd (size bytes, size > 0) back from the end,
 * checks its own hash and writes it into ret_hash.
 */
static int read_tail(int fd, off_t size, const char *path,
		     char ret_hash[HASH_HEX + 1], struct bw_error *err)
{
	char chunk[TAIL_CHUNK], *line;
	off_t end = size - 1, lo = end, start = 0;
	size_t n, len;
	int rc, found = 0;

	rc = pread_full(fd, chunk, 1, end);
	if (rc)
		return bw_errorf(err, rc, path, 0, 0, "cannot read: %s",
				 strerror(-rc));
	if (chunk[0] != '\n')
		return bw_errorf(err, -EBADMSG, path, 0, 0,
				 "last line is torn (no final newline): the "
				 "log was truncated or a write interrupted; "
				 "run 'bulwark vault audit verify'");
	while (lo > 0 && !found) {
		n = lo < (off_t)sizeof(chunk) ? (size_t)lo : sizeof(chunk);
		lo -= (off_t)n;
		rc = pread_full(fd, chunk, n, lo);
		if (rc)
			return bw_errorf(err, rc, path, 0, 0, "cannot read: %s",
					 strerror(-rc));
		while (n > 0 && !found)
			if (chunk[--n] == '\n') {
				start = lo + (off_t)n + 1;
				found = 1;
			}
		if (end - lo > (off_t)VAULT_AUDIT_MAX_LINE)
			return bw_errorf(err, -EBADMSG, path, 0, 0,
					 "last line longer than %u bytes",
					 VAULT_AUDIT_MAX_LINE);
	}
	len = (size_t)(end - start);
	if (len > VAULT_AUDIT_MAX_LINE)
		return bw_errorf(err, -EBADMSG, path, 0, 0,
				 "last line longer than %u bytes",
				 VAULT_AUDIT_MAX_LINE);
	line = malloc(len ? len : 1);
	if (!line)
		return bw_errorf(err, -ENOMEM, path, 0, 0, "out of memory");
	rc = pread_full(fd, line, len, start);
	if (rc)
		rc = bw_errorf(err, rc, path, 0, 0, "cannot read: %s",
			       strerror(-rc));
	else
		rc = check_line(line, len, NULL, ret_hash, path, 0, err);
	free(line);
	return rc;
}

/* ---- the device --------------------------------------------------------- */

/* fsync of the directory holding path, so a newly created log survives. */
static void sync_parent(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int vault_audit_open(const char *path, const uint8_t salt[32],
		     struct vault_audit **ret, struct bw_error *err)
{
	struct vault_audit *a;
	struct stat st;
	int fd, rc;

	if (!path || !salt || !ret)
		return bw_errorf(err, -EINVAL, path, 0, 0,
				 "audit log: missing argument");
	fd = bw_open_private(path, O_RDWR | O_APPEND); /* 0600 */
	if (fd == -EINVAL)
		return bw_errorf(err, -EINVAL, path, 0, 0,
				 "audit log is not a regular file");
	if (fd < 0)
		return bw_errorf(
		    err, fd, path, 0, 0, "cannot open audit log: %s",
		    fd == -ELOOP ? "it is a symbolic link" : strerror(-fd));
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return bw_errorf(err, rc, path, 0, 0, "audit log: %s",
				 strerror(-rc));
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
		close(fd);
		return bw_errorf(err, rc, path, 0, 0,
				 "audit log is in use by another writer");
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		close(fd);
		return bw_errorf(err, -ENOMEM, path, 0, 0, "out of memory");
	}
	rc = pthread_mutex_init(&a->lock, NULL);
	if (!rc && (rc = pthread_mutex_init(&a->sync_mu, NULL)))
		pthread_mutex_destroy(&a->lock);
	if (!rc && (rc = pthread_cond_init(&a->sync_cv, NULL))) {
		pthread_mutex_destroy(&a->sync_mu);
		pthread_mutex_destroy(&a->lock);
	}
	if (rc) {
		close(fd);
		free(a);
		return bw_errorf(err, -rc, path, 0, 0, "mutex: %s",
				 strerror(rc));
	}
	a->fd = fd;
	a->size = st.st_size;
	a->synced = st.st_size;
	memcpy(a->salt, salt, 32);
	snprintf(a->path, sizeof(a->path), "%s", path);
	memcpy(a->prev, zero_hash, sizeof(zero_hash));
	if (st.st_size > 0) {
		rc = read_tail(fd, st.st_size, path, a->prev, err);
		if (rc) {
			vault_audit_close(a);
			return rc;
		}
	} else {
		sync_parent(path);
	}
	*ret = a;
	return 0;
}

void vault_audit_close(struct vault_audit *a)
{
	if (!a)
		return;
	close(a->fd);
	pthread_mutex_destroy(&a->lock);
	pthread_mutex_destroy(&a->sync_mu);
	pthread_cond_destroy(&a->sync_cv);
	OPENSSL_cleanse(a->salt, sizeof(a->salt));
	free(a);
}

static void rfc3339_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char date[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09ldZ", date, ts.tv_nsec);
}

/* Under a->lock: writes n bytes at the end with one write(); cuts a short
 * write back.  Durability is sync_to's job, outside the lock. */
static int append_line(struct vault_audit *a, const char *buf, size_t n,
		       struct bw_error *err)
{
	ssize_t w;

	do
		w = write(a->fd, buf, n);
	while (w < 0 && errno == EINTR);
	if (w == (ssize_t)n) {
		a->size += w;
		return 0;
	}
	if (w < 0) {
		int e = errno;

		return bw_errorf(err, -EIO, a->path, 0, 0,
				 "audit log write failed: %s", strerror(e));
	}
	/* A torn line: take it back so the chain stays verifiable. */
	if (ftruncate(a->fd, a->size) < 0 || fdatasync(a->fd) < 0)
		a->failed = 1;
	return bw_errorf(err, -EIO, a->path, 0, 0,
			 "audit log short write (%zd of %zu bytes)", w, n);
}

/*
 * Returns once the first end bytes of the log are durable (0), or -EIO
 * when the fdatasync that covered them failed.  Group commit: while one
 * caller syncs, later ones wait; the next sync covers all of them.
 */
static int sync_to(struct vault_audit *a, off_t end, struct bw_error *err)
{
	off_t target;
	int r, e = 0;

	pthread_mutex_lock(&a->sync_mu);
	for (;;) {
		if (a->sync_failed) {
			pthread_mutex_unlock(&a->sync_mu);
			return bw_errorf(err, -EIO, a->path, 0, 0,
					 "audit log sync failed");
		}
		if (a->synced >= end) {
			pthread_mutex_unlock(&a->sync_mu);
			return 0;
		}
		if (!a->syncing)
			break;
		pthread_cond_wait(&a->sync_cv, &a->sync_mu);
	}
	a->syncing = 1;
	pthread_mutex_unlock(&a->sync_mu);
	pthread_mutex_lock(&a->lock);
	target = a->size; /* everything written so far */
	pthread_mutex_unlock(&a->lock);
	r = fdatasync(a->fd);
	if (r < 0)
		e = errno;
	pthread_mutex_lock(&a->sync_mu);
	a->syncing = 0;
	if (r < 0)
		a->sync_failed = 1;
	else if (target > a->synced)
		a->synced = target;
	pthread_cond_broadcast(&a->sync_cv);
	pthread_mutex_unlock(&a->sync_mu);
	if (r < 0) {
		pthread_mutex_lock(&a->lock);
		a->failed = 1; /* serve nothing unaudited from now on */
		pthread_mutex_unlock(&a->lock);
		return bw_errorf(err, -EIO, a->path, 0, 0,
				 "audit log sync failed: %s", strerror(e));
	}
	return 0;
}

int vault_audit_log(struct vault_audit *a, const char *type, json_t *auth,
		    json_t *request, json_t *response, const char *error,
		    struct bw_error *err)
{
	char now[64], hash[HASH_HEX + 1];
	json_t *entry;
	char *text = NULL, *line = NULL;
	size_t tlen = 0, llen = 0;
	off_t end = 0;
	int rc;

	if (!a || !type ||
	    (strcmp(type, "request") && strcmp(type, "response")))
		return bw_errorf(err, -EINVAL, a ? a->path : NULL, 0, 0,
				 "audit entry: bad type");
	entry = json_object();
	if (!entry)
		return bw_errorf(err, -ENOMEM, a->path, 0, 0, "out of memory");
	rc = add_section(entry, "auth", auth, a->salt, redact_auth);
	if (!rc)
		rc = add_section(entry, "request", request, a->salt,
				 redact_request);
	if (!rc)
		rc = add_section(entry, "response", response, a->salt,
				 redact_response);
	if (!rc && (json_object_set_new(entry, "type", json_string(type)) ||
		    (error &&
		     json_object_set_new(entry, "error", json_string(error)))))
		rc = -EINVAL; /* error was not valid UTF-8, or no memory */
	if (rc) {
		json_decref(entry);
		return bw_errorf(err, rc, a->path, 0, 0,
				 "audit entry: cannot build it (%s)",
				 strerror(-rc));
	}

	pthread_mutex_lock(&a->lock);
	if (a->failed) {
		rc = bw_errorf(err, -EIO, a->path, 0, 0,
			       "audit log failed earlier; not writing");
		goto out;
	}
	rfc3339_now(now, sizeof(now));
	if (json_object_set_new(entry, "time", json_string(now)) ||
	    json_object_set_new(entry, "prev_hash", json_string(a->prev)) ||
	    !(text = dump_canonical(entry, &tlen))) {
		rc = bw_errorf(err, -ENOMEM, a->path, 0, 0, "out of memory");
		goto out;
	}
	rc = chain_hash(a->prev, text, tlen, hash);
	if (rc) {
		rc = bw_errorf(err, -EIO, a->path, 0, 0, "SHA-256 failed");
		goto out;
	}
	if (!(line = splice_hash(text, tlen, hash, &llen))) {
		rc = bw_errorf(err, -ENOMEM, a->path, 0, 0, "out of memory");
		goto out;
	}
	if (llen > VAULT_AUDIT_MAX_LINE) {
		rc = bw_errorf(err, -EINVAL, a->path, 0, 0,
			       "audit entry of %zu bytes over the %u limit",
			       llen, VAULT_AUDIT_MAX_LINE);
		goto out;
	}
	line[llen] = '\n';
	rc = append_line(a, line, llen + 1, err);
	if (!rc) {
		memcpy(a->prev, hash, sizeof(hash));
		end = a->size;
	}
out:
	pthread_mutex_unlock(&a->lock);
	free(text);
	free(line);
	json_decref(entry);
	/* the caller answers the request only once its line is durable */
	return rc ? rc : sync_to(a, end, err);
}

/* ---- verification ------------------------------------------------------- */

/* A bounded line reader over a file descriptor. */
struct line_reader {
	int fd;
	char *buf;
	size_t cap, start, end;
	int eof;
};

/*
 * The next line into *ret_line / *ret_len (without its newline, valid
 * until the next call), *ret_nl whether it ended in one.  1 for a line,
 * 0 at the end, -EMSGSIZE over VAULT_AUDIT_MAX_LINE, -errno.
 */
static int next_line(struct line_reader *r, const char **ret_line,
		     size_t *ret_len, int *ret_nl)
{
	const char *nl;
	size_t want;
	ssize_t got;
	char *nb;

	for (;;) {
		nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		if (nl) {
			*ret_line = r->buf + r->start;
			*ret_len = (size_t)(nl - (r->buf + r->start));
			*ret_nl = 1;
			r->start += *ret_len + 1;
			return *ret_len > VAULT_AUDIT_MAX_LINE ? -EMSGSIZE : 1;
		}
		if (r->end - r->start > VAULT_AUDIT_MAX_LINE)
			return -EMSGSIZE;
		if (r->eof) {
			if (r->start == r->end)
				return 0;
			*ret_line = r->buf + r->start;
			*ret_len = r->end - r->start;
			*ret_nl = 0;
			r->start = r->end;
			return 1;
		}
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		if (r->end == r->cap) {
			want = r->cap * 2;
			if (want > VAULT_AUDIT_MAX_LINE + 2)
				want = VAULT_AUDIT_MAX_LINE + 2;
			nb = realloc(r->buf, want);
			if (!nb)
				return -ENOMEM;
			r->buf = nb;
			r->cap = want;
		}
		got = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		if (got == 0)
			r->eof = 1;
		r->end += (size_t)got;
	}
}

int vault_audit_verify(const char *path, size_t *ret_lines,
		       struct bw_error *err)
{
	struct line_reader r = {.fd = -1, .cap = TAIL_CHUNK};
	char prev[HASH_HEX + 1], hash[HASH_HEX + 1];
	const char *line = NULL;
	size_t len = 0, n = 0;
	int rc, nl;

	if (!path)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "no audit log");
	r.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0) {
		rc = -errno;
		return bw_errorf(err, rc, path, 0, 0, "cannot open: %s",
				 strerror(-rc));
	}
	r.buf = malloc(r.cap);
	if (!r.buf) {
		close(r.fd);
		return bw_errorf(err, -ENOMEM, path, 0, 0, "out of memory");
	}
	memcpy(prev, zero_hash, sizeof(prev));
	while ((rc = next_line(&r, &line, &len, &nl)) == 1) {
		n++;
		if (!nl) {
			rc = line_err(err, path, n, 0,
				      "torn last line (no final newline: the "
				      "log was truncated or a write "
				      "interrupted)");
			goto out;
		}
		if (len == 0) {
			rc = line_err(err, path, n, 0, "empty line");
			goto out;
		}
		rc = check_line(line, len, prev, hash, path, n, err);
		if (rc)
			goto out;
		memcpy(prev, hash, sizeof(prev));
	}
	if (rc == -EMSGSIZE) {
		char msg[96];

		snprintf(msg, sizeof(msg), "line longer than %u bytes",
			 VAULT_AUDIT_MAX_LINE);
		rc = line_err(err, path, n + 1, 0, msg);
	} else if (rc < 0) {
		rc = bw_errorf(err, rc, path, 0, 0, "cannot read: %s",
			       strerror(-rc));
	}
out:
	free(r.buf);
	close(r.fd);
	if (rc == 0 && ret_lines)
		*ret_lines = n;
	return rc;
}
