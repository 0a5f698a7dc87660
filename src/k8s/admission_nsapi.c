/*
 * admission_nsapi.c - namespace labels from the Kubernetes API server for
 * the admission webhook (--namespace-labels api), as the PodSecurity
 * admission controller reads them from its Namespace informer.
 *
 * k8s_adm_nsapi_labels answers from a small cache (namespace -> labels,
 * TTL ~10 s, bounded entries, one mutex) and otherwise does
 * GET {url}/api/v1/namespaces/{ns} with libcurl: TLS verified against the
 * configured CA, short connect and total timeouts, a bearer token re-read
 * from its file every minute (projected service-account tokens rotate), a
 * response body bounded at 1 MiB.  404 is a namespace without labels (and
 * is cached); anything else that is not a 200 with a Namespace is an
 * error, which the review turns into a denial unless fail-open.  Each
 * lookup uses its own curl handle, so pool threads never share one.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "k8s/k8s.h"

#define NSAPI_MAX_BODY (1u << 20)
#define NSAPI_TOKEN_MAX 16384
#define NSAPI_TOKEN_REFRESH_MS 60000ull

/* ---- the cache ------------------------------------------------------- */

struct k8s_adm_nscache {
	pthread_mutex_t lock;
	json_t *map; /* ns -> {"t": ms, "l": labels} */
	size_t max;
	unsigned ttl_ms;
};

int k8s_adm_nscache_new(size_t max_entries, unsigned ttl_ms,
			struct k8s_adm_nscache **ret)
{
	struct k8s_adm_nscache *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->map = json_object();
	if (!c->map) {
		free(c);
		return -ENOMEM;
	}
	c->max = max_entries ? max_entries : K8S_ADM_NSCACHE_MAX;
	c->ttl_ms = ttl_ms ? ttl_ms : K8S_ADM_NSCACHE_TTL_MS;
	pthread_mutex_init(&c->lock, NULL);
	*ret = c;
	return 0;
}

void k8s_adm_nscache_free(struct k8s_adm_nscache *c)
{
	if (!c)
		return;
	json_decref(c->map);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static unsigned long long entry_time(json_t *e)
{
	return (unsigned long long)json_integer_value(json_object_get(e, "t"));
}

int k8s_adm_nscache_get(struct k8s_adm_nscache *c, const char *ns,
			unsigned long long now_ms, json_t **ret_labels)
{
	json_t *e, *copy = NULL;
	int rc = -ENOENT;

	if (!c || !ns)
		return -ENOENT;
	pthread_mutex_lock(&c->lock);
	e = json_object_get(c->map, ns);
	if (e && now_ms >= entry_time(e) &&
	    now_ms - entry_time(e) < c->ttl_ms) {
		copy = json_deep_copy(json_object_get(e, "l"));
		rc = copy ? 0 : -ENOMEM;
	} else if (e) {
		json_object_del(c->map, ns);
	}
	pthread_mutex_unlock(&c->lock);
	if (!rc)
		*ret_labels = copy;
	return rc;
}

/* Makes room for one entry; called locked. */
static void make_room(struct k8s_adm_nscache *c, unsigned long long now_ms)
{
	const char *key, *oldest;
	json_t *e;
	void *tmp;
	unsigned long long ot;

	if (json_object_size(c->map) < c->max)
		return;
	json_object_foreach_safe(c->map, tmp, key, e)
	{
		if (now_ms < entry_time(e) ||
		    now_ms - entry_time(e) >= c->ttl_ms)
			json_object_del(c->map, key);
	}
	while (json_object_size(c->map) >= c->max) {
		oldest = NULL;
		ot = 0;
		json_object_foreach(c->map, key, e)
		{
			if (!oldest || entry_time(e) < ot) {
				oldest = key;
				ot = entry_time(e);
			}
		}
		if (!oldest)
			break;
		json_object_del(c->map, oldest);
	}
}

int k8s_adm_nscache_put(struct k8s_adm_nscache *c, const char *ns,
			json_t *labels, unsigned long long now_ms)
{
	json_t *e;
	int rc = 0;

	if (!c || !ns || !*ns || !json_is_object(labels))
		return -EINVAL;
	e = json_pack("{s:I, s:o}", "t", (json_int_t)now_ms, "l",
		      json_deep_copy(labels));
	if (!e)
		return -ENOMEM;
	pthread_mutex_lock(&c->lock);
	json_object_del(c->map, ns);
	make_room(c, now_ms);
	if (json_object_set_new(c->map, ns, e))
		rc = -ENOMEM;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

size_t k8s_adm_nscache_size(struct k8s_adm_nscache *c)
{
	size_t n;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->lock);
	n = json_object_size(c->map);
	pthread_mutex_unlock(&c->lock);
	return n;
}

/* ---- the client ------------------------------------------------------ */

struct k8s_adm_nsapi {
	char *url, *ca_file, *token_file;
	unsigned timeout_ms;
	struct k8s_adm_nscache *cache;
	pthread_mutex_t token_lock;
	char token[NSAPI_TOKEN_MAX + 1];
	unsigned long long token_read_ms; /* 0: never read */
};

static unsigned long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (unsigned long long)t.tv_sec * 1000 +
	       (unsigned long long)t.tv_nsec / 1000000;
}

/* Reads the token file into a->token; called with token_lock held. */
static int read_token(struct k8s_adm_nsapi *a, struct bw_error *err)
{
	FILE *f = fopen(a->token_file, "rb");
	char buf[NSAPI_TOKEN_MAX + 1];
	size_t n;

	if (!f)
		return bw_errorf(err, -errno, a->token_file, 0, 0,
				 "cannot open the token file: %s",
				 strerror(errno));
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	while (n &&
	       (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		n--;
	if (!n || n > NSAPI_TOKEN_MAX || memchr(buf, '\n', n) ||
	    memchr(buf, '\0', n)) {
		explicit_bzero(buf, sizeof(buf));
		return bw_errorf(err, -EINVAL, a->token_file, 0, 0,
				 "token file is empty, too long or not one "
				 "line");
	}
	memcpy(a->token, buf, n);
	a->token[n] = '\0';
	explicit_bzero(buf, sizeof(buf));
	a->token_read_ms = now_ms();
	return 0;
}

static char *xstrdup_opt(const char *s, int *fail)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*fail = 1;
	return d;
}

int k8s_adm_nsapi_new(const struct k8s_adm_nsapi_opts *o,
		      struct k8s_adm_nsapi **ret, struct bw_error *err)
{
	struct k8s_adm_nsapi *a;
	int fail = 0, rc;
	size_t ul;

	if (!o || !o->url ||
	    (strncmp(o->url, "https://", 8) && strncmp(o->url, "http://", 7)))
		return bw_errorf(err, -EINVAL, o ? o->url : NULL, 0, 0,
				 "API server URL must start with https://");
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	pthread_mutex_init(&a->token_lock, NULL);
	a->url = xstrdup_opt(o->url, &fail);
	a->ca_file = xstrdup_opt(o->ca_file, &fail);
	a->token_file = xstrdup_opt(o->token_file, &fail);
	a->timeout_ms = o->timeout_ms ? o->timeout_ms : 2000;
	if (fail || k8s_adm_nscache_new(o->max_entries, o->ttl_ms, &a->cache)) {
		k8s_adm_nsapi_free(a);
		return -ENOMEM;
	}
	ul = strlen(a->url);
	while (ul > 8 && a->url[ul - 1] == '/')
		a->url[--ul] = '\0';
	if (a->token_file) {
		rc = read_token(a, err);
		if (rc) {
			k8s_adm_nsapi_free(a);
			return rc;
		}
	}
	*ret = a;
	return 0;
}

void k8s_adm_nsapi_free(struct k8s_adm_nsapi *a)
{
	if (!a)
		return;
	explicit_bzero(a->token, sizeof(a->token));
	free(a->url);
	free(a->ca_file);
	free(a->token_file);
	k8s_adm_nscache_free(a->cache);
	pthread_mutex_destroy(&a->token_lock);
	free(a);
}

/* A namespace name is a DNS label: it goes into the URL path as is. */
static int valid_ns(const char *ns)
{
	size_t n = strlen(ns);

	if (!n || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((ns[i] >= 'a' && ns[i] <= 'z') ||
		      (ns[i] >= '0' && ns[i] <= '9') || ns[i] == '-'))
			return 0;
	return ns[0] != '-' && ns[n - 1] != '-';
}

struct body {
	char *buf;
	size_t len;
	int too_big;
};

static size_t on_data(char *p, size_t sz, size_t nm, void *ctx)
{
	struct body *b = ctx;
	size_t n = sz * nm;
	char *nb;

	if (n > NSAPI_MAX_BODY - b->len) {
		b->too_big = 1;
		return 0;
	}
	nb = realloc(b->buf, b->len + n + 1);
	if (!nb)
		return 0;
	b->buf = nb;
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
	return n;
}

/* GET the namespace; *ret_labels a new object (empty on 404). */
static int fetch(struct k8s_adm_nsapi *a, const char *ns, json_t **ret_labels,
		 struct bw_error *err)
{
	char url[4200], auth[NSAPI_TOKEN_MAX + 32];
	struct curl_slist *hdrs = NULL, *h;
	struct body b = {0};
	CURL *c;
	CURLcode cc;
	long status = 0;
	json_t *root, *labels;
	json_error_t jerr;
	const char *kind;
	int rc = 0;

	snprintf(url, sizeof(url), "%s/api/v1/namespaces/%s", a->url, ns);
	auth[0] = '\0';
	if (a->token_file) {
		pthread_mutex_lock(&a->token_lock);
		if (now_ms() - a->token_read_ms >= NSAPI_TOKEN_REFRESH_MS) {
			struct bw_error terr;

			/* keep the old token when the new one cannot be
			 * read: it may still be valid */
			bw_error_clear(&terr);
			(void)read_token(a, &terr);
		}
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
			 a->token);
		pthread_mutex_unlock(&a->token_lock);
	}
	c = curl_easy_init();
	if (!c)
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "curl init failed");
	h = curl_slist_append(hdrs, "Accept: application/json");
	if (h)
		hdrs = h;
	if (auth[0] && (h = curl_slist_append(hdrs, auth)))
		hdrs = h;
	explicit_bzero(auth, sizeof(auth));
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)a->timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(a->timeout_ms < 1000 ? a->timeout_ms : 1000));
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	if (a->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, a->ca_file);
	cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(hdrs);
	if (cc != CURLE_OK) {
		rc = bw_errorf(err, -EIO, NULL, 0, 0, "GET %s: %s", url,
			       b.too_big ? "response too large"
					 : curl_easy_strerror(cc));
		free(b.buf);
		return rc;
	}
	if (status == 404) {
		free(b.buf);
		*ret_labels = json_object();
		return *ret_labels ? 0 : -ENOMEM;
	}
	if (status != 200) {
		free(b.buf);
		return bw_errorf(err, -EIO, NULL, 0, 0, "GET %s: HTTP %ld", url,
				 status);
	}
	root = json_loadb(b.buf ? b.buf : "", b.len, 0, &jerr);
	free(b.buf);
	kind = json_string_value(json_object_get(root, "kind"));
	if (!root || !kind || strcmp(kind, "Namespace")) {
		json_decref(root);
		return bw_errorf(err, -EIO, NULL, 0, 0,
				 "GET %s: not a Namespace object", url);
	}
	labels = k8s_get(root, "metadata.labels");
	if (labels && !json_is_null(labels) && !json_is_object(labels)) {
		json_decref(root);
		return bw_errorf(err, -EIO, NULL, 0, 0,
				 "GET %s: metadata.labels is not an object",
				 url);
	}
	*ret_labels =
	    json_is_object(labels) ? json_deep_copy(labels) : json_object();
	json_decref(root);
	return *ret_labels ? 0 : -ENOMEM;
}

int k8s_adm_nsapi_labels(void *ctx, const char *ns, json_t **ret_labels,
			 struct bw_error *err)
{
	struct k8s_adm_nsapi *a = ctx;
	json_t *l = NULL;
	int rc;

	if (!a || !ns || !valid_ns(ns))
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "invalid namespace name");
	if (!k8s_adm_nscache_get(a->cache, ns, now_ms(), &l)) {
		*ret_labels = l;
		return 0;
	}
	rc = fetch(a, ns, &l, err);
	if (rc)
		return rc;
	(void)k8s_adm_nscache_put(a->cache, ns, l, now_ms());
	*ret_labels = l;
	return 0;
}
