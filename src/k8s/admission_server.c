/*
 * admission_server.c - the admission webhook's HTTPS server on
 * libmicrohttpd: routes, body limits, timeouts and the audit line.  The
 * decision itself is k8s_adm_review (admission.c).
 *
 * Threads: MHD's internal polling threads in a pool (epoll where
 * available); each thread multiplexes many connections, so a client that
 * sends its headers and stalls holds one connection slot until the idle
 * timeout closes it, never a thread.  A request's body is gathered in a
 * per-request buffer bounded by K8S_ADM_MAX_BODY: a Content-Length over the
 * limit is answered 413 before any body byte is read, a chunked body that
 * grows past it is answered 413 as soon as it does.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "common/listen.h"
#include "k8s/k8s.h"

struct k8s_adm_server {
	struct MHD_Daemon *d;
	const struct k8s_adm_config *cfg;
	k8s_adm_audit_fn audit;
	void *audit_ctx;
	k8s_adm_labels_fn labels_fn;
	void *labels_ctx;
	unsigned port;
};

/* Per request state (MHD's con_cls). */
struct req {
	char *buf;
	size_t len, cap;
	int too_big;  /* body over the limit: answer 413 */
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

static enum MHD_Result send_body(struct MHD_Connection *c, unsigned status,
				 const char *type, const char *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    len, (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* {"error": msg} with an HTTP error status, and an audit line. */
static enum MHD_Result send_error(struct k8s_adm_server *s,
				  struct MHD_Connection *c, unsigned status,
				  const char *msg, struct req *rq)
{
	json_t *o = json_pack("{s:i, s:s}", "code", (int)status, "error", msg);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	enum MHD_Result ret;

	if (rq) {
		json_t *f = json_pack("{s:b, s:s, s:i}", "allowed", 0, "error",
				      msg, "http_status", (int)status);
		audit_line(s, f, &rq->start);
		json_decref(f);
	}
	ret = send_body(c, status, "application/json",
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

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct k8s_adm_server *s = cls;
	struct req *rq = *con_cls;
	enum k8s_adm_mode mode;
	struct k8s_adm_decision dec;
	struct bw_error err;
	enum MHD_Result ret;
	int rc;

	if (!strcmp(url, "/healthz") || !strcmp(url, "/readyz")) {
		if (strcmp(method, "GET") && strcmp(method, "HEAD"))
			return send_error(s, c, 405, "use GET", NULL);
		return send_body(c, 200, "text/plain", "ok", 2);
	}
	if (!strcmp(url, "/validate") || !strcmp(url, "/"))
		mode = K8S_ADM_VALIDATE;
	else if (!strcmp(url, "/mutate"))
		mode = K8S_ADM_MUTATE;
	else
		return send_error(s, c, 404, "not found", NULL);
	if (strcmp(method, "POST"))
		return send_error(s, c, 405, "use POST with an AdmissionReview",
				  NULL);

	if (!rq) { /* headers only: set up, check the declared length */
		const char *cl = MHD_lookup_connection_value(
		    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &rq->start);
		*con_cls = rq;
		if (cl) {
			char *end;
			unsigned long long n = strtoull(cl, &end, 10);

			if (end == cl || n > K8S_ADM_MAX_BODY)
				rq->too_big = 1;
		}
		rq->bad_type = !is_json_type(MHD_lookup_connection_value(
		    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE));
		if (rq->too_big)
			return send_error(s, c, 413,
					  "request body exceeds 3145728 bytes",
					  rq);
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (rq->too_big || rq->bad_type)
			return MHD_YES; /* drain; answered at the end */
		if (n > K8S_ADM_MAX_BODY - rq->len) {
			rq->too_big = 1;
			free(rq->buf);
			rq->buf = NULL;
			rq->len = rq->cap = 0;
			return send_error(s, c, 413,
					  "request body exceeds 3145728 bytes",
					  rq);
		}
		if (rq->len + n > rq->cap) {
			size_t ncap = rq->cap ? rq->cap : 16384;
			char *nb;

			while (ncap < rq->len + n)
				ncap *= 2;
			if (ncap > K8S_ADM_MAX_BODY)
				ncap = K8S_ADM_MAX_BODY;
			nb = realloc(rq->buf, ncap);
			if (!nb)
				return MHD_NO;
			rq->buf = nb;
			rq->cap = ncap;
		}
		memcpy(rq->buf + rq->len, upload, n);
		rq->len += n;
		return MHD_YES;
	}
	/* the whole body is in */
	if (rq->too_big)
		return send_error(s, c, 413,
				  "request body exceeds 3145728 bytes", rq);
	if (rq->bad_type)
		return send_error(s, c, 415,
				  "Content-Type must be application/json", rq);
	bw_error_clear(&err);
	rc = k8s_adm_review_ex(s->cfg, mode, rq->buf ? rq->buf : "", rq->len,
			       s->labels_fn, s->labels_ctx, &dec, &err);
	if (rc == -E2BIG)
		return send_error(s, c, 413, err.msg, rq);
	if (rc == -EINVAL) {
		char msg[BW_ERROR_MSG_MAX + 64];

		if (err.line > 0)
			snprintf(msg, sizeof(msg), "line %d column %d: %s",
				 err.line, err.column, err.msg);
		else
			snprintf(msg, sizeof(msg), "%s", err.msg);
		return send_error(s, c, 400, msg, rq);
	}
	if (rc)
		return send_error(s, c, 500, "internal error", rq);
	ret = send_body(c, 200, "application/json", dec.body, dec.body_len);
	audit_line(s, dec.audit, &rq->start);
	k8s_adm_decision_free(&dec);
	return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;

	if (!rq)
		return;
	free(rq->buf);
	free(rq);
	*con_cls = NULL;
}

int k8s_adm_server_start(const struct k8s_adm_server_opts *o,
			 struct k8s_adm_server **ret, struct bw_error *err)
{
	struct k8s_adm_server *s;
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
	unsigned threads = o->threads ? o->threads : 4;
	unsigned timeout = o->timeout_s ? o->timeout_s : 10;
	unsigned conns = o->max_conns ? o->max_conns : 512;
	uint16_t port;
	int any = 0, rc;
	const union MHD_DaemonInfo *info;

	if (!o->cfg)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "no configuration");
	if (!o->cert_pem != !o->key_pem)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "TLS needs both a certificate and a key");
	rc = bw_parse_listen(o->listen ? o->listen : ":8443", &ss, &any, err);
	if (rc)
		return rc;
	if (ss.ss_family == AF_INET6)
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (any) {
		flags |= MHD_USE_DUAL_STACK;
	}
	if (!MHD_is_feature_supported(MHD_FEATURE_EPOLL))
		flags &= ~MHD_USE_EPOLL;
	if (o->cert_pem) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS))
			return bw_errorf(err, -ENOTSUP, NULL, 0, 0,
					 "libmicrohttpd was built without "
					 "TLS");
		flags |= MHD_USE_TLS;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cfg = o->cfg;
	s->audit = o->audit;
	s->audit_ctx = o->audit_ctx;
	s->labels_fn = o->labels_fn;
	s->labels_ctx = o->labels_ctx;
	{
		struct MHD_OptionItem ops[10];
		size_t n = 0;

#define OPT(o_, v_, p_) ops[n++] = (struct MHD_OptionItem){o_, v_, p_}
		OPT(MHD_OPTION_THREAD_POOL_SIZE, threads, NULL);
		OPT(MHD_OPTION_CONNECTION_TIMEOUT, timeout, NULL);
		OPT(MHD_OPTION_CONNECTION_LIMIT, conns, NULL);
		OPT(MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, s);
		if (o->cert_pem) {
			OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)o->cert_pem);
			OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)o->key_pem);
		}
		if (!any)
			OPT(MHD_OPTION_SOCK_ADDR, 0, &ss);
		OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
		s->d = MHD_start_daemon(flags, port, NULL, NULL, handle, s,
					MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
		if (!s->d && any) {
			/* no IPv6 here: IPv4 only */
			flags &= ~(unsigned)MHD_USE_DUAL_STACK;
			s->d = MHD_start_daemon(flags, port, NULL, NULL, handle,
						s, MHD_OPTION_ARRAY, ops,
						MHD_OPTION_END);
		}
	}
	if (!s->d) {
		free(s);
		return bw_errorf(err, -EADDRINUSE, o->listen, 0, 0,
				 "cannot start the server (address in use, "
				 "or invalid TLS certificate/key)");
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : port;
	*ret = s;
	return 0;
}

unsigned k8s_adm_server_port(const struct k8s_adm_server *s)
{
	return s ? s->port : 0;
}

void k8s_adm_server_stop(struct k8s_adm_server *s)
{
	if (!s)
		return;
	if (s->d)
		MHD_stop_daemon(s->d);
	free(s);
}
