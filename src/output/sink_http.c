/*
 * sink_http.c - each alert POSTed as Falco's JSON to a webhook (Falco's
 * http_output; falcosidekick accepts exactly this body at "/").
 *
 * One libcurl easy handle, owned by the sink's worker thread and reused for
 * every request so the connection is kept alive.  Each request:
 * Content-Type: application/json, no "Expect: 100-continue" round trip,
 * body = the JSON line without its newline, whole-request timeout
 * OUTPUT_HTTP_TIMEOUT_MS.  A transport error or a status outside 2xx counts
 * as failed; there are no retries (the queue keeps the event loop moving
 * and falcosidekick is expected to be close by).  Only http and https are
 * allowed and redirects are not followed.  https verifies the peer against
 * the system CAs or cfg->ca_file unless cfg->insecure.  The proxy
 * environment variables of libcurl (https_proxy, no_proxy, ...) apply.
 *
 * output_close aborts a request still in flight once its drain timeout has
 * passed: the progress callback watches the queue's abort flag.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "output/output_int.h"

#ifndef BW_VERSION
#define BW_VERSION "dev"
#endif

#define HTTP_MAX_URL 4096

struct http_sink {
	CURL *h;
	struct curl_slist *hdrs;
	char *url;     /* owned */
	char *ca_file; /* owned, NULL = system CAs */
	bool global_init;
	char errbuf[CURL_ERROR_SIZE];
};

/* Response bodies are not used: accept and discard them. */
static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	return size * n;
}

static int on_progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut,
		       curl_off_t un)
{
	struct out_sink *s = ctx;

	return atomic_load(&s->q.abort) ? 1 : 0;
}

static int http_write(struct out_sink *s, const struct out_msg *m)
{
	struct http_sink *hs = s->impl;
	long status = 0;
	CURLcode rc;

	/* The line without its trailing newline. */
	curl_easy_setopt(hs->h, CURLOPT_POSTFIELDS, (const char *)m->data);
	curl_easy_setopt(hs->h, CURLOPT_POSTFIELDSIZE_LARGE,
			 (curl_off_t)(m->len - 1));
	hs->errbuf[0] = '\0';
	rc = curl_easy_perform(hs->h);
	if (rc != CURLE_OK)
		return rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EIO;
	curl_easy_getinfo(hs->h, CURLINFO_RESPONSE_CODE, &status);
	return status >= 200 && status < 300 ? 0 : -EPROTO;
}

static void http_destroy(struct out_sink *s)
{
	struct http_sink *hs = s->impl;

	if (!hs)
		return;
	if (hs->h)
		curl_easy_cleanup(hs->h);
	curl_slist_free_all(hs->hdrs);
	free(hs->url);
	free(hs->ca_file);
	if (hs->global_init)
		curl_global_cleanup();
	free(hs);
	s->impl = NULL;
}

static const struct out_sink_ops HTTP_OPS = {
    .name = "webhook",
    .write = http_write,
    .destroy = http_destroy,
};

/* Checks that url parses and is http or https. */
static int check_url(const char *url, struct bw_error *err)
{
	CURLU *u;
	CURLUcode uc;
	char *scheme = NULL;
	int r = 0;

	if (strnlen(url, HTTP_MAX_URL + 1) > HTTP_MAX_URL)
		return bw_errorf(err, -EINVAL, "webhook URL", 0, 0,
				 "longer than %d bytes", HTTP_MAX_URL);
	u = curl_url();
	if (!u)
		return bw_errorf(err, -ENOMEM, url, 0, 0, "out of memory");
	uc = curl_url_set(u, CURLUPART_URL, url, 0);
	if (uc != CURLUE_OK) {
		r = bw_errorf(err, -EINVAL, url, 0, 0,
			      "invalid webhook URL: %s", curl_url_strerror(uc));
	} else if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
		   (strcmp(scheme, "http") && strcmp(scheme, "https"))) {
		r = bw_errorf(err, -EINVAL, url, 0, 0,
			      "webhook URL must be http:// or https://");
	}
	curl_free(scheme);
	curl_url_cleanup(u);
	return r;
}

static int setup_handle(struct out_sink *s, struct http_sink *hs,
			const struct bw_output_config *cfg)
{
	CURL *h = hs->h;
	int bad = 0;

	hs->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	if (hs->hdrs)
		hs->hdrs = curl_slist_append(hs->hdrs, "Expect:");
	if (!hs->hdrs)
		return -ENOMEM;
	bad |= curl_easy_setopt(h, CURLOPT_URL, hs->url);
	bad |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	bad |= curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs->hdrs);
	bad |= curl_easy_setopt(h, CURLOPT_USERAGENT, "bulwark/" BW_VERSION);
	bad |= curl_easy_setopt(h, CURLOPT_POST, 1L);
	bad |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	bad |= curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
				(long)OUTPUT_HTTP_TIMEOUT_MS);
	bad |= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
				(long)OUTPUT_HTTP_TIMEOUT_MS);
	bad |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	bad |= curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	bad |= curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	bad |= curl_easy_setopt(h, CURLOPT_XFERINFODATA, s);
	bad |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, hs->errbuf);
	if (hs->ca_file)
		bad |= curl_easy_setopt(h, CURLOPT_CAINFO, hs->ca_file);
	if (cfg->insecure) {
		bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return bad ? -EINVAL : 0;
}

int sink_http_init(struct out_sink *s, const struct bw_output_config *cfg,
		   struct bw_error *err)
{
	struct http_sink *hs;
	int r;

	r = check_url(cfg->webhook_url, err);
	if (r)
		return r;
	if (cfg->ca_file && access(cfg->ca_file, R_OK))
		return bw_errorf(err, -errno, cfg->ca_file, 0, 0,
				 "cannot read the webhook CA file: %s",
				 strerror(errno));
	hs = calloc(1, sizeof(*hs));
	if (!hs)
		return bw_errorf(err, -ENOMEM, "webhook", 0, 0,
				 "out of memory");
	s->impl = hs;
	s->ops = &HTTP_OPS;
	s->async = true;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		http_destroy(s);
		return bw_errorf(err, -EIO, "webhook", 0, 0,
				 "libcurl initialisation failed");
	}
	hs->global_init = true;
	hs->url = strdup(cfg->webhook_url);
	if (cfg->ca_file)
		hs->ca_file = strdup(cfg->ca_file);
	hs->h = curl_easy_init();
	if (!hs->url || (cfg->ca_file && !hs->ca_file) || !hs->h) {
		http_destroy(s);
		return bw_errorf(err, -ENOMEM, "webhook", 0, 0,
				 "out of memory");
	}
	r = setup_handle(s, hs, cfg);
	if (r) {
		http_destroy(s);
		return bw_errorf(err, r, cfg->webhook_url, 0, 0,
				 "libcurl refused the webhook options");
	}
	return 0;
}
