/*
 * client.c - the HTTP client behind `bulwark vault ...` commands, and the
 * pure helpers they share.
 *
 * Transport: one libcurl easy handle per struct vault_client, reused for
 * every call of a command so the TLS connection is kept alive; TLS
 * verification on by default (VAULT_CACERT / -ca-cert or the system store),
 * only http and https, no redirects, a whole-request timeout, and responses
 * bounded by VAULT_CLIENT_MAX_RESPONSE (the write callback refuses more).
 * The token lives in a buffer zeroed at free; it is sent as X-Vault-Token.
 *
 * KV detection follows the vault CLI: GET sys/internal/ui/mounts/<path>
 * tells the mount and its version.  Our server may not implement that
 * endpoint, so sys/mounts is tried next, and when neither answers the
 * client assumes what a stock server has: KV v2 at "secret/".
 *
 * Helpers: Go-flag-style option parsing (with vault's K=V map flags),
 * vault's k=v argument builder, -versions lists,
 * Go/Vault durations, and Go's %v rendering of JSON values for tables.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "vault/vault.h"

struct vault_client {
	CURL *h;
	char *address; /* without a trailing slash */
	char *token;
	size_t token_len;
	char errbuf[CURL_ERROR_SIZE];
	/* response being received */
	char *buf;
	size_t len, cap;
	int too_big;
};

static int curl_inited;

const char *vault_client_address(const struct vault_client *c)
{
	return c->address;
}

static size_t on_write(char *p, size_t size, size_t n, void *ctx)
{
	struct vault_client *c = ctx;
	size_t add = size * n;

	if (add > VAULT_CLIENT_MAX_RESPONSE - c->len) {
		c->too_big = 1;
		return 0; /* libcurl aborts with CURLE_WRITE_ERROR */
	}
	if (c->len + add + 1 > c->cap) {
		size_t cap = c->cap ? c->cap : 4096;
		char *nb;

		while (cap < c->len + add + 1)
			cap *= 2;
		if (cap > VAULT_CLIENT_MAX_RESPONSE + 1)
			cap = VAULT_CLIENT_MAX_RESPONSE + 1;
		nb = realloc(c->buf, cap);
		if (!nb)
			return 0;
		c->buf = nb;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, p, add);
	c->len += add;
	c->buf[c->len] = '\0';
	return add;
}

void vault_client_free(struct vault_client *c)
{
	if (!c)
		return;
	if (c->h)
		curl_easy_cleanup(c->h);
	if (c->token) {
		OPENSSL_cleanse(c->token, c->token_len);
		free(c->token);
	}
	if (c->buf) {
		OPENSSL_cleanse(c->buf, c->cap);
		free(c->buf);
	}
	free(c->address);
	free(c);
}

int vault_client_new(const struct vault_client_config *cfg,
		     struct vault_client **ret, struct bw_error *err)
{
	const char *addr = cfg->address && *cfg->address ? cfg->address
							  : VAULT_DEFAULT_ADDR;
	struct vault_client *c;
	size_t n;
	int bad = 0;

	if (strncmp(addr, "https://", 8) && strncmp(addr, "http://", 7))
		return bw_errorf(err, -EINVAL, addr, 0, 0,
				 "address must start with https:// or "
				 "http://");
	if (!curl_inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return bw_errorf(err, -EIO, NULL, 0, 0,
					 "libcurl initialisation failed");
		curl_inited = 1;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->address = strdup(addr);
	if (!c->address)
		goto nomem;
	n = strlen(c->address);
	while (n && c->address[n - 1] == '/')
		c->address[--n] = '\0';
	if (cfg->token && *cfg->token) {
		c->token_len = strlen(cfg->token);
		c->token = strdup(cfg->token);
		if (!c->token)
			goto nomem;
	}
	c->h = curl_easy_init();
	if (!c->h) {
		vault_client_free(c);
		return bw_errorf(err, -EIO, NULL, 0, 0, "curl_easy_init failed");
	}
	bad |= curl_easy_setopt(c->h, CURLOPT_PROTOCOLS_STR, "http,https");
	bad |= curl_easy_setopt(c->h, CURLOPT_USERAGENT,
				"bulwark-vault-cli/" BW_VERSION);
	bad |= curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
	bad |= curl_easy_setopt(c->h, CURLOPT_FOLLOWLOCATION, 0L);
	bad |= curl_easy_setopt(c->h, CURLOPT_TIMEOUT_MS,
				cfg->timeout_ms > 0 ? cfg->timeout_ms
						    : VAULT_CLIENT_TIMEOUT_MS);
	bad |= curl_easy_setopt(c->h, CURLOPT_CONNECTTIMEOUT_MS,
				VAULT_CLIENT_CONNECT_TIMEOUT_MS);
	bad |= curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_write);
	bad |= curl_easy_setopt(c->h, CURLOPT_WRITEDATA, c);
	bad |= curl_easy_setopt(c->h, CURLOPT_ERRORBUFFER, c->errbuf);
	bad |= curl_easy_setopt(c->h, CURLOPT_SSLVERSION,
				(long)CURL_SSLVERSION_TLSv1_2);
	if (cfg->ca_cert && *cfg->ca_cert)
		bad |= curl_easy_setopt(c->h, CURLOPT_CAINFO, cfg->ca_cert);
	if (cfg->skip_verify) {
		bad |= curl_easy_setopt(c->h, CURLOPT_SSL_VERIFYPEER, 0L);
		bad |= curl_easy_setopt(c->h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (bad) {
		vault_client_free(c);
		return bw_errorf(err, -EIO, NULL, 0, 0,
				 "libcurl lacks a needed option");
	}
	*ret = c;
	return 0;
nomem:
	vault_client_free(c);
	return -ENOMEM;
}

static int curl_errno(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
		return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_WRITE_ERROR:
		return -EFBIG;
	default:
		return -EPROTO;
	}
}

int vault_client_request(struct vault_client *c, const char *method,
			 const char *path, const json_t *body, int *ret_status,
			 json_t **ret_body, struct bw_error *err)
{
	struct curl_slist *hdrs = NULL;
	char *url = NULL, *payload = NULL, *tokhdr = NULL;
	int is_list = !strcmp(method, "LIST");
	size_t ulen, tlen = 0;
	long status = 0;
	json_t *out = NULL;
	CURLcode crc;
	int rc = 0;

	while (*path == '/')
		path++;
	ulen = strlen(c->address) + strlen(path) + 32;
	url = malloc(ulen);
	if (!url)
		return -ENOMEM;
	snprintf(url, ulen, "%s/v1/%s%s", c->address, path,
		 is_list ? "?list=true" : "");
	hdrs = curl_slist_append(hdrs, "X-Vault-Request: true");
	hdrs = curl_slist_append(hdrs, "Expect:");
	if (c->token) {
		tlen = c->token_len + 32;
		tokhdr = malloc(tlen);
		if (!tokhdr) {
			rc = -ENOMEM;
			goto out;
		}
		snprintf(tokhdr, tlen, "X-Vault-Token: %s", c->token);
		hdrs = curl_slist_append(hdrs, tokhdr);
		OPENSSL_cleanse(tokhdr, tlen);
	}
	if (body) {
		payload = json_dumps(body, JSON_COMPACT);
		if (!payload) {
			rc = -ENOMEM;
			goto out;
		}
		hdrs = curl_slist_append(
		    hdrs, !strcmp(method, "PATCH")
			      ? "Content-Type: application/merge-patch+json"
			      : "Content-Type: application/json");
	}
	if (!hdrs) {
		rc = -ENOMEM;
		goto out;
	}
	c->len = 0;
	c->too_big = 0;
	c->errbuf[0] = '\0';
	curl_easy_setopt(c->h, CURLOPT_URL, url);
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c->h, CURLOPT_NOBODY, 0L);
	if (is_list || !strcmp(method, "GET")) {
		curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, NULL);
		curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, payload ? payload : "");
		curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(payload ? strlen(payload) : 0));
		curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, method);
	}
	crc = curl_easy_perform(c->h);
	if (crc != CURLE_OK) {
		rc = c->too_big ? -EFBIG : curl_errno(crc);
		bw_errorf(err, rc, url, 0, 0, "%s",
			  c->too_big ? "response larger than the client's bound"
			  : c->errbuf[0] ? c->errbuf
					 : curl_easy_strerror(crc));
		goto out;
	}
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
	if (c->len) {
		json_error_t je;

		out = json_loadb(c->buf, c->len, 0, &je);
		if (!out && status >= 200 && status < 300) {
			rc = bw_errorf(err, -EPROTO, url, 0, 0,
				       "response is not JSON: %s", je.text);
			goto out;
		}
		if (!out) {
			size_t n = c->len > 1024 ? 1024 : c->len;

			while (n && isspace((unsigned char)c->buf[n - 1]))
				n--;
			out = json_pack("{s:[s%]}", "errors", c->buf, n);
		}
	}
	*ret_status = (int)status;
	*ret_body = out;
	out = NULL;
out:
	json_decref(out);
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs); /* its copy of the token header: see docs */
	free(tokhdr);
	free(payload);
	free(url);
	return rc;
}

const char *vault_client_error_text(const struct vault_client *c,
				    const char *method, const char *path,
				    int status, const json_t *body, char *buf,
				    size_t len)
{
	const json_t *errs = json_object_get(body, "errors");
	size_t off, i;
	const json_t *e;
	int n;

	while (*path == '/')
		path++;
	n = snprintf(buf, len,
		     "Error making API request.\n\nURL: %s %s/v1/%s%s\nCode: "
		     "%d. Errors:\n",
		     !strcmp(method, "LIST") ? "GET" : method, c->address, path,
		     !strcmp(method, "LIST") ? "?list=true" : "", status);
	off = n < 0 ? 0 : (size_t)n >= len ? len - 1 : (size_t)n;
	if (json_array_size(errs) == 0 && off + 1 < len) {
		snprintf(buf + off, len - off, "\n* (no error text)");
		return buf;
	}
	if (off + 1 < len)
		n = snprintf(buf + off, len - off, "\n");
	off += n < 0 ? 0 : (size_t)n;
	json_array_foreach(errs, i, e)
	{
		if (off + 1 >= len)
			break;
		n = snprintf(buf + off, len - off, "%s* %s", i ? "\n" : "",
			     json_is_string(e) ? json_string_value(e) : "?");
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}

/* ---- KV detection ------------------------------------------------------ */

static int kv_version_of(const json_t *m)
{
	const char *type = json_string_value(json_object_get(m, "type"));
	const json_t *o = json_object_get(m, "options");
	const char *v = json_string_value(json_object_get(o, "version"));

	if (!type || (strcmp(type, "kv") && strcmp(type, "generic")))
		return 0;
	return v && !strcmp(v, "2") ? 2 : 1;
}

int vault_kv_match_mounts(const json_t *mounts, const char *path, char *mount,
			  size_t mount_len, int *ret_version)
{
	const json_t *d = json_object_get(mounts, "data");
	const char *best = NULL, *k;
	size_t best_len = 0;
	json_t *v;
	int ver = 0;

	while (*path == '/')
		path++;
	if (json_is_object(d) && json_object_size(d))
		mounts = d;
	json_object_foreach((json_t *)mounts, k, v)
	{
		size_t n = strlen(k);

		if (!json_is_object(v) || !n || k[n - 1] != '/')
			continue;
		/* "secret/" matches "secret/x" and "secret" itself */
		if (strncmp(path, k, n) && !(strlen(path) == n - 1 &&
					      !strncmp(path, k, n - 1)))
			continue;
		if (n > best_len) {
			best = k;
			best_len = n;
			ver = kv_version_of(v);
		}
	}
	if (!best || !ver || best_len >= mount_len)
		return -ENOENT;
	memcpy(mount, best, best_len + 1);
	*ret_version = ver;
	return 0;
}

int vault_kv_detect(struct vault_client *c, const char *path, char *mount,
		    size_t mount_len, int *ret_version, struct bw_error *err)
{
	char api[VAULT_MAX_PATH + 64];
	json_t *body = NULL;
	int status = 0, rc;
	const char *slash;

	while (*path == '/')
		path++;
	snprintf(api, sizeof(api), "sys/internal/ui/mounts/%s", path);
	rc = vault_client_request(c, "GET", api, NULL, &status, &body, err);
	if (rc)
		return rc;
	if (status == 200) {
		const json_t *d = json_object_get(body, "data");
		const char *mp = json_string_value(json_object_get(d, "path"));
		int ver = kv_version_of(d);

		if (mp && ver && strlen(mp) < mount_len) {
			snprintf(mount, mount_len, "%s", mp);
			*ret_version = ver;
			json_decref(body);
			return 0;
		}
	}
	json_decref(body);
	body = NULL;
	rc = vault_client_request(c, "GET", "sys/mounts", NULL, &status, &body,
				  err);
	if (rc)
		return rc;
	if (status == 200 &&
	    !vault_kv_match_mounts(body, path, mount, mount_len, ret_version)) {
		json_decref(body);
		return 0;
	}
	json_decref(body);
	/* neither endpoint answered: a stock server's layout */
	if (!strncmp(path, "secret/", 7) || !strcmp(path, "secret")) {
		snprintf(mount, mount_len, "secret/");
		*ret_version = 2;
		return 0;
	}
	slash = strchr(path, '/');
	if (!slash || (size_t)(slash - path) + 2 > mount_len)
		return bw_errorf(err, -EINVAL, path, 0, 0,
				 "cannot tell which mount holds this path");
	snprintf(mount, mount_len, "%.*s/", (int)(slash - path), path);
	*ret_version = 1;
	return 0;
}

int vault_kv_path(const char *mount, int version, const char *kind,
		  const char *path, char *buf, size_t len,
		  struct bw_error *err)
{
	size_t ml = strlen(mount), kl = strlen(kind);
	const char *rest;
	int n;

	while (*path == '/')
		path++;
	if (!*path)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "empty path");
	if (version != 2) {
		n = snprintf(buf, len, "%s", path);
		goto done;
	}
	if (!strncmp(path, mount, ml))
		rest = path + ml;
	else if (ml && strlen(path) == ml - 1 && !strncmp(path, mount, ml - 1))
		rest = "";
	else
		return bw_errorf(err, -EINVAL, path, 0, 0,
				 "path is not under mount %s", mount);
	/* already "secret/data/x": keep it, as the vault CLI does */
	if (!strncmp(rest, kind, kl) && (rest[kl] == '/' || !rest[kl]))
		n = snprintf(buf, len, "%s", path);
	else
		n = snprintf(buf, len, "%s%s/%s", mount, kind, rest);
done:
	if (n < 0 || (size_t)n >= len)
		return bw_errorf(err, -ENAMETOOLONG, path, 0, 0,
				 "path too long");
	return 0;
}

/* ---- reading input ------------------------------------------------------ */

int vault_read_all(FILE *f, size_t max, char **ret, size_t *ret_len,
		   struct bw_error *err)
{
	size_t len = 0, cap = 4096;
	char *b = malloc(cap), *nb;

	if (!b)
		return -ENOMEM;
	for (;;) {
		size_t n;

		if (len + 1 >= cap) {
			if (cap > max) {
				free(b);
				return bw_errorf(err, -E2BIG, NULL, 0, 0,
						 "input larger than %zu bytes",
						 max);
			}
			nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
			cap *= 2;
		}
		n = fread(b + len, 1, cap - len - 1, f);
		len += n;
		if (len > max) {
			free(b);
			return bw_errorf(err, -E2BIG, NULL, 0, 0,
					 "input larger than %zu bytes", max);
		}
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		free(b);
		return bw_errorf(err, -EIO, NULL, 0, 0, "read error");
	}
	b[len] = '\0';
	*ret = b;
	*ret_len = len;
	return 0;
}

/* ---- k=v arguments ------------------------------------------------------ */

/* Adds key=val; a repeated key turns into an array (vault's kvbuilder). */
static int kv_add(json_t *obj, const char *key, json_t *val)
{
	json_t *old = json_object_get(obj, key);

	if (!val)
		return -ENOMEM;
	if (!old)
		return json_object_set_new(obj, key, val) ? -ENOMEM : 0;
	if (json_is_array(old))
		return json_array_append_new(old, val) ? -ENOMEM : 0;
	json_t *arr = json_pack("[O]", old);

	if (!arr || json_array_append_new(arr, val)) {
		json_decref(arr);
		return -ENOMEM;
	}
	return json_object_set_new(obj, key, arr) ? -ENOMEM : 0;
}

int vault_kv_parse_args(int argc, char *const *argv, FILE *in, json_t **ret,
			struct bw_error *err)
{
	json_t *obj = json_object();
	int stdin_used = 0, rc = 0;

	if (!obj)
		return -ENOMEM;
	for (int i = 0; i < argc && !rc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		char key[512], *text = NULL;
		size_t tlen = 0;

		if (!strcmp(a, "-")) {
			json_t *j, *v;
			json_error_t je;
			const char *k;

			if (stdin_used++)
				rc = bw_errorf(err, -EINVAL, a, 0, 0,
					       "stdin can be read only once");
			else if (!(rc = vault_read_all(in, VAULT_CLIENT_MAX_INPUT,
						       &text, &tlen, err))) {
				j = json_loadb(text, tlen, 0, &je);
				if (!json_is_object(j))
					rc = bw_errorf(err, -EINVAL, "stdin",
						       je.line, je.column,
						       "want a JSON object");
				json_object_foreach(j, k, v)
				{
					if (!rc)
						rc = kv_add(obj, k, json_incref(v));
				}
				json_decref(j);
			}
			free(text);
			continue;
		}
		if (!eq || eq == a) {
			rc = bw_errorf(err, -EINVAL, a, 0, 0,
				       "expected key=value");
			break;
		}
		if ((size_t)(eq - a) >= sizeof(key)) {
			rc = bw_errorf(err, -EINVAL, a, 0, 0, "key too long");
			break;
		}
		memcpy(key, a, (size_t)(eq - a));
		key[eq - a] = '\0';
		if (!strcmp(eq + 1, "-")) {
			if (stdin_used++) {
				rc = bw_errorf(err, -EINVAL, a, 0, 0,
					       "stdin can be read only once");
				break;
			}
			rc = vault_read_all(in, VAULT_CLIENT_MAX_INPUT, &text,
					    &tlen, err);
		} else if (eq[1] == '@') {
			FILE *f = fopen(eq + 2, "rb");

			if (!f) {
				rc = bw_errorf(err, -errno, eq + 2, 0, 0,
					       "cannot open: %s",
					       strerror(errno));
				break;
			}
			rc = vault_read_all(f, VAULT_CLIENT_MAX_INPUT, &text,
					    &tlen, err);
			fclose(f);
		} else {
			rc = kv_add(obj, key, json_string(eq + 1));
			if (rc == -ENOMEM)
				bw_errorf(err, rc, a, 0, 0,
					  "value is not valid UTF-8 or no "
					  "memory");
			continue;
		}
		if (rc)
			break;
		rc = kv_add(obj, key, json_stringn(text, tlen));
		if (rc)
			bw_errorf(err, -EINVAL, a, 0, 0,
				  "value is not valid UTF-8");
		free(text);
	}
	if (rc) {
		json_decref(obj);
		return rc == -ENOMEM ? -EINVAL : rc;
	}
	*ret = obj;
	return 0;
}

/* ---- durations, booleans ------------------------------------------------ */

int vault_parse_duration(const char *s, long long *ret_seconds)
{
	static const struct {
		const char *unit;
		double secs;
	} units[] = {{"ms", 0.001}, {"s", 1}, {"m", 60}, {"h", 3600},
		     {"d", 86400}};
	double total = 0;
	const char *p = s;
	char *end;
	long long n;

	if (!s || !*s)
		return -EINVAL;
	if (isdigit((unsigned char)*s)) {
		errno = 0;
		n = strtoll(s, &end, 10);
		if (!*end) {
			if (errno || n < 0)
				return -EINVAL;
			*ret_seconds = n;
			return 0;
		}
	}
	while (*p) {
		double v;
		size_t i, ul = 0;

		if (!isdigit((unsigned char)*p) && *p != '.')
			return -EINVAL;
		errno = 0;
		v = strtod(p, &end);
		if (end == p || errno || !isfinite(v) || v < 0)
			return -EINVAL;
		p = end;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i].unit);

			if (!strncmp(p, units[i].unit, l) &&
			    !isalpha((unsigned char)p[l])) {
				ul = l;
				break;
			}
		}
		if (!ul)
			return -EINVAL;
		total += v * units[i].secs;
		if (total > 9e15)
			return -EINVAL;
		p += ul;
	}
	*ret_seconds = (long long)total;
	return 0;
}

const char *vault_format_duration(long long s, char *buf, size_t len)
{
	long long h = s / 3600, m = (s % 3600) / 60, sec = s % 60;
	size_t off = 0;
	int n;

	if (s <= 0) {
		snprintf(buf, len, "0s");
		return buf;
	}
	buf[0] = '\0';
	if (h) {
		n = snprintf(buf, len, "%lldh", h);
		off = n > 0 && (size_t)n < len ? (size_t)n : 0;
	}
	if (m && off < len) {
		n = snprintf(buf + off, len - off, "%lldm", m);
		off += n > 0 && (size_t)n < len - off ? (size_t)n : 0;
	}
	if (sec && off < len)
		snprintf(buf + off, len - off, "%llds", sec);
	return buf;
}

int vault_parse_bool(const char *s, int *ret)
{
	static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const f[] = {"0", "f", "F", "FALSE", "false",
					"False"};

	for (size_t i = 0; i < 6; i++) {
		if (!strcmp(s, t[i])) {
			*ret = 1;
			return 0;
		}
		if (!strcmp(s, f[i])) {
			*ret = 0;
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- flags --------------------------------------------------------------- */

/* "K=V" into the flag's object (vault's StringMapVar: no comma split). */
static int map_flag_set(const struct vault_flag *fl, const char *val,
			struct bw_error *err)
{
	json_t **o = fl->dest, *v;
	const char *eq = strchr(val, '=');

	if (!eq || eq == val)
		return bw_errorf(err, -EINVAL, fl->name, 0, 0,
				 "missing = in KV pair: \"%s\"", val);
	if (!*o && !(*o = json_object()))
		return -ENOMEM;
	v = json_string(eq + 1);
	if (!v || json_object_setn_new(*o, val, (size_t)(eq - val), v))
		return bw_errorf(err, -EINVAL, fl->name, 0, 0,
				 "invalid KV pair (not UTF-8?): \"%s\"", val);
	return 0;
}

static int flag_set(const struct vault_flag *fl, const char *val,
		    struct bw_error *err)
{
	char *end;

	switch (fl->type) {
	case VAULT_FLAG_BOOL:
		if (vault_parse_bool(val, fl->dest))
			return bw_errorf(err, -EINVAL, fl->name, 0, 0,
					 "invalid boolean value \"%s\"", val);
		return 0;
	case VAULT_FLAG_STRING:
		*(const char **)fl->dest = val;
		return 0;
	case VAULT_FLAG_INT:
		errno = 0;
		*(long *)fl->dest = strtol(val, &end, 10);
		if (errno || !*val || *end)
			return bw_errorf(err, -EINVAL, fl->name, 0, 0,
					 "invalid integer \"%s\"", val);
		return 0;
	case VAULT_FLAG_DURATION:
		if (vault_parse_duration(val, fl->dest))
			return bw_errorf(err, -EINVAL, fl->name, 0, 0,
					 "invalid duration \"%s\"", val);
		return 0;
	case VAULT_FLAG_STRINGS: {
		json_t **a = fl->dest;

		if (!*a && !(*a = json_array()))
			return -ENOMEM;
		/* "-policy=a,b" is two, as vault's string-slice flags */
		for (const char *p = val;;) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);

			if (n && json_array_append_new(*a, json_stringn(p, n)))
				return bw_errorf(err, -EINVAL, fl->name, 0, 0,
						 "invalid value");
			if (!comma)
				break;
			p = comma + 1;
		}
		return 0;
	}
	case VAULT_FLAG_MAP:
		return map_flag_set(fl, val, err);
	}
	return -EINVAL;
}

int vault_flags_parse(const struct vault_flag *flags, size_t nflags,
		      int argc, char **argv, char **args, int *ret_nargs,
		      struct bw_error *err)
{
	int nargs = 0, only_args = 0;

	if (argc > VAULT_CLIENT_MAX_ARGS)
		return bw_errorf(err, -E2BIG, NULL, 0, 0, "too many arguments");
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *name, *eq;
		const struct vault_flag *fl = NULL;
		size_t nl;
		int rc;

		if (only_args || a[0] != '-' || !a[1]) {
			args[nargs++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = 1;
			continue;
		}
		name = a + 1 + (a[1] == '-');
		eq = strchr(name, '=');
		nl = eq ? (size_t)(eq - name) : strlen(name);
		if ((nl == 1 && name[0] == 'h') ||
		    (nl == 4 && !strncmp(name, "help", 4)))
			return 1;
		for (size_t j = 0; j < nflags; j++)
			if (strlen(flags[j].name) == nl &&
			    !strncmp(flags[j].name, name, nl))
				fl = &flags[j];
		if (!fl)
			return bw_errorf(err, -EINVAL, a, 0, 0,
					 "flag provided but not defined: -%.*s",
					 (int)nl, name);
		if (eq)
			rc = flag_set(fl, eq + 1, err);
		else if (fl->type == VAULT_FLAG_BOOL)
			rc = flag_set(fl, "true", err);
		else if (i + 1 < argc)
			rc = flag_set(fl, argv[++i], err);
		else
			rc = bw_errorf(err, -EINVAL, a, 0, 0,
				       "flag needs an argument: -%s",
				       fl->name);
		if (rc)
			return rc;
	}
	*ret_nargs = nargs;
	return 0;
}

/* ---- -versions ----------------------------------------------------------- */

/* One item of a -versions list: blanks around a decimal 1..INT32_MAX. */
static int version_number(const char *s, long long *ret)
{
	long long n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		n = n * 10 + (*s - '0');
		if (n > INT32_MAX)
			return -EINVAL;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s || n < 1)
		return -EINVAL;
	*ret = n;
	return 0;
}

int vault_parse_versions(const json_t *items, json_t **ret,
			 struct bw_error *err)
{
	json_t *out, *e;
	size_t i;

	if (!json_array_size(items))
		return bw_errorf(err, -EINVAL, "-versions", 0, 0,
				 "no version numbers given");
	if (json_array_size(items) > VAULT_CLIENT_MAX_VERSIONS)
		return bw_errorf(err, -EINVAL, "-versions", 0, 0,
				 "more than %u version numbers",
				 VAULT_CLIENT_MAX_VERSIONS);
	if (!(out = json_array()))
		return -ENOMEM;
	json_array_foreach(items, i, e)
	{
		const char *s = json_string_value(e);
		long long n;

		if (!s || version_number(s, &n)) {
			json_decref(out);
			return bw_errorf(err, -EINVAL, "-versions", 0, 0,
					 "item %zu: not a version number: "
					 "\"%.64s\"",
					 i + 1, s ? s : "?");
		}
		if (json_array_append_new(out, json_integer(n))) {
			json_decref(out);
			return -ENOMEM;
		}
	}
	*ret = out;
	return 0;
}

/* ---- %v ------------------------------------------------------------------ */

struct sbuf {
	char *p;
	size_t len, cap;
	int bad;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->bad)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (cap > VAULT_CLIENT_MAX_RESPONSE * 2u || !(np = realloc(b->p, cap))) {
			b->bad = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void value_text(struct sbuf *b, const json_t *v, int depth)
{
	char num[64];
	size_t i;
	const json_t *e;

	if (depth > 32) {
		sb_str(b, "...");
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		sb_add(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		sb_str(b, num);
		break;
	case JSON_REAL:
		snprintf(num, sizeof(num), "%g", json_real_value(v));
		sb_str(b, num);
		break;
	case JSON_TRUE:
		sb_str(b, "true");
		break;
	case JSON_FALSE:
		sb_str(b, "false");
		break;
	case JSON_NULL:
		sb_str(b, "<nil>");
		break;
	case JSON_ARRAY:
		sb_str(b, "[");
		json_array_foreach(v, i, e)
		{
			if (i)
				sb_str(b, " ");
			value_text(b, e, depth + 1);
		}
		sb_str(b, "]");
		break;
	case JSON_OBJECT: {
		size_t n = json_object_size(v), k = 0;
		const char **keys = calloc(n ? n : 1, sizeof(*keys));
		const char *key;
		json_t *x;

		if (!keys) {
			b->bad = 1;
			return;
		}
		json_object_foreach((json_t *)v, key, x)
			keys[k++] = key;
		qsort(keys, n, sizeof(*keys), key_cmp);
		sb_str(b, "map[");
		for (k = 0; k < n; k++) {
			if (k)
				sb_str(b, " ");
			sb_str(b, keys[k]);
			sb_str(b, ":");
			value_text(b, json_object_get(v, keys[k]), depth + 1);
		}
		sb_str(b, "]");
		free(keys);
		break;
	}
	}
}

char *vault_value_text(const json_t *v)
{
	struct sbuf b = {0};

	if (!v)
		return strdup("<nil>");
	value_text(&b, v, 0);
	sb_str(&b, "");
	if (b.bad) {
		free(b.p);
		return NULL;
	}
	return b.p;
}
