/*
 * admission_server.c - the admission webhook's HTTPS server: routes, the
 * content type, the audit line, and the hooks the shared libmicrohttpd
 * layer (common/https_server.h) calls.  The decision itself is
 * k8s_adm_review (admission.c).
 *
 * Threads: the layer's pool of MHD polling threads (epoll where
 * available); each thread multiplexes many connections, so a client that
 * sends its headers and stalls holds one connection slot until the idle
 * timeout closes it, never a thread.  A request's state (struct adm_req,
 * the layer's bw_https_req.state) is owned by the thread serving its
 * connection.  Its body is gathered by the layer, bounded by
 * K8S_ADM_MAX_BODY: a Content-Length over the limit is answered 413 before
 * any body byte is read; a chunked body that grows past it is read on and
 * dropped, then answered (and audited) 413 (libmicrohttpd cannot queue an
 * answer mid-upload); a client streaming past twice the limit is
 * disconnected.  A body that is not application/json is read and dropped
 * (with the same bound), then answered 415.  TLS 1.2 or newer only, as
 * the API server speaks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <microhttpd.h>

#include "common/https_server.h"
#include "k8s/k8s.h"

#define TOO_BIG_MSG "request body exceeds 3145728 bytes"

struct k8s_adm_server {
	struct bw_https_server *https;
	const struct k8s_adm_config *cfg;
	k8s_adm_audit_fn audit;
	void *audit_ctx;
	k8s_adm_labels_fn labels_fn;
	void *labels_ctx;
};

/* Per request state (the layer's bw_https_req.state, zeroed). */
struct adm_req {
	enum k8s_adm_mode mode;
	int bad_type; /* not application/json: answer 415 */
	struct timespec start;
};

static long long elapsed_us(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long long)(t1.tv_sec - t0->tv_sec) * 1000000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000;
}

static void audit_line(struct k8s_adm_server *s, json_t *fields,
		       const struct timespec *t0)
{
	char ts[64], frac[32];
	struct timespec now;
	struct tm tm;
	json_t *rec;
	char *text;

	if (!s->audit)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(frac, sizeof(frac), ".%06ldZ", now.tv_nsec / 1000);
	if (strlen(ts) + strlen(frac) < sizeof(ts))
		memcpy(ts + strlen(ts), frac, strlen(frac) + 1);
	rec = json_pack("{s:s}", "time", ts);
	if (!rec)
		return;
	if (fields)
		json_object_update(rec, fields);
	json_object_set_new(rec, "latency_us", json_integer(elapsed_us(t0)));
	text = json_dumps(rec, JSON_COMPACT);
	json_decref(rec);
	if (text)
		s->audit(s->audit_ctx, text, strlen(text));
	free(text);
}

static enum MHD_Result send_body(struct bw_https_req *rq, unsigned status,
				 const char *type, const char *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    len, (void *)body, MHD_RESPMEM_MUST_COPY);

	if (r)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	return bw_https_respond(rq, status, r);
}

/*
 * {"error": msg} with an HTTP error status, and an audit line timed from
 * t0 (NULL: none, for route errors).
 */
static enum MHD_Result send_error(struct k8s_adm_server *s,
				  struct bw_https_req *rq, unsigned status,
				  const char *msg, const struct timespec *t0)
{
	json_t *o = json_pack("{s:i, s:s}", "code", (int)status, "error", msg);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	enum MHD_Result ret;

	if (t0) {
		json_t *f = json_pack("{s:b, s:s, s:i}", "allowed", 0, "error",
				      msg, "http_status", (int)status);
		audit_line(s, f, t0);
		json_decref(f);
	}
	ret = send_body(rq, status, "application/json",
			text ? text : "{\"error\":\"out of memory\"}",
			text ? strlen(text) : 25);
	free(text);
	json_decref(o);
	return ret;
}

static int is_json_type(const char *ct)
{
	size_t n = strlen("application/json");

	if (!ct)
		return 0;
	while (*ct == ' ')
		ct++;
	return !strncasecmp(ct, "application/json", n) &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Headers in (the layer's begin hook): the route, the content type. */
static enum MHD_Result begin(void *cls, struct bw_https_req *rq)
{
	struct k8s_adm_server *s = cls;
	struct adm_req *st = rq->state;
	const char *url = rq->url, *method = rq->method;

	if (!strcmp(url, "/healthz") || !strcmp(url, "/readyz")) {
		if (strcmp(method, "GET") && strcmp(method, "HEAD"))
			return send_error(s, rq, 405, "use GET", NULL);
		return send_body(rq, 200, "text/plain", "ok", 2);
	}
	if (!strcmp(url, "/validate") || !strcmp(url, "/"))
		st->mode = K8S_ADM_VALIDATE;
	else if (!strcmp(url, "/mutate"))
		st->mode = K8S_ADM_MUTATE;
	else
		return send_error(s, rq, 404, "not found", NULL);
	if (strcmp(method, "POST"))
		return send_error(s, rq, 405,
				  "use POST with an AdmissionReview", NULL);
	clock_gettime(CLOCK_MONOTONIC, &st->start);
	st->bad_type = !is_json_type(MHD_lookup_connection_value(
	    rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE));
	rq->discard = st->bad_type; /* drained, answered 415 at its end */
	return MHD_YES;
}

/* A body over K8S_ADM_MAX_BODY (the layer's too_big hook). */
static enum MHD_Result too_big(void *cls, struct bw_https_req *rq)
{
	struct adm_req *st = rq->state;

	return send_error(cls, rq, 413, TOO_BIG_MSG, &st->start);
}

/* The whole body is in (the layer's complete hook): the review. */
static enum MHD_Result complete(void *cls, struct bw_https_req *rq)
{
	struct k8s_adm_server *s = cls;
	struct adm_req *st = rq->state;
	struct k8s_adm_decision dec;
	struct bw_error err;
	enum MHD_Result ret;
	int rc;

	if (st->bad_type)
		return send_error(s, rq, 415,
				  "Content-Type must be application/json",
				  &st->start);
	bw_error_clear(&err);
	rc = k8s_adm_review_ex(s->cfg, st->mode, rq->body ? rq->body : "",
			       rq->body_len, s->labels_fn, s->labels_ctx, &dec,
			       &err);
	if (rc == -E2BIG)
		return send_error(s, rq, 413, err.msg, &st->start);
	if (rc == -EINVAL) {
		char msg[BW_ERROR_MSG_MAX + 64];

		if (err.line > 0)
			snprintf(msg, sizeof(msg), "line %d column %d: %s",
				 err.line, err.column, err.msg);
		else
			snprintf(msg, sizeof(msg), "%s", err.msg);
		return send_error(s, rq, 400, msg, &st->start);
	}
	if (rc)
		return send_error(s, rq, 500, "internal error", &st->start);
	ret = send_body(rq, 200, "application/json", dec.body, dec.body_len);
	audit_line(s, dec.audit, &st->start);
	k8s_adm_decision_free(&dec);
	return ret;
}

int k8s_adm_server_start(const struct k8s_adm_server_opts *o,
			 struct k8s_adm_server **ret, struct bw_error *err)
{
	struct k8s_adm_server *s;
	struct bw_https_opts h = {
	    .listen = o->listen,
	    .default_listen = ":8443",
	    .cert_pem = o->cert_pem,
	    .key_pem = o->key_pem,
	    .threads = o->threads ? o->threads : 4,
	    .timeout_s = o->timeout_s ? o->timeout_s : 10,
	    .max_conns = o->max_conns ? o->max_conns : 512,
	    .tls_priorities = BW_HTTPS_TLS12_PRIORITIES,
	    .body_max = K8S_ADM_MAX_BODY,
	    .overflow = BW_HTTPS_OVERFLOW_DRAIN,
	    .state_size = sizeof(struct adm_req),
	    .begin = begin,
	    .too_big = too_big,
	    .complete = complete,
	};
	int rc;

	if (!o->cfg)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "no configuration");
	if (!o->cert_pem != !o->key_pem)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "TLS needs both a certificate and a key");
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cfg = o->cfg;
	s->audit = o->audit;
	s->audit_ctx = o->audit_ctx;
	s->labels_fn = o->labels_fn;
	s->labels_ctx = o->labels_ctx;
	h.cls = s;
	rc = bw_https_start(&h, &s->https, err);
	if (rc) {
		free(s);
		return rc;
	}
	*ret = s;
	return 0;
}

unsigned k8s_adm_server_port(const struct k8s_adm_server *s)
{
	return s ? bw_https_port(s->https) : 0;
}

void k8s_adm_server_stop(struct k8s_adm_server *s)
{
	if (!s)
		return;
	bw_https_stop(s->https);
	free(s);
}
