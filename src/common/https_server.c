/*
 * https_server.c - the shared libmicrohttpd layer of the HTTP(S) servers
 * (see https_server.h): daemon options and start, the per-request body
 * buffer with its limit, and the request's end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include "common/https_server.h"
#include "common/listen.h"

struct bw_https_server {
	struct MHD_Daemon *d;
	struct bw_https_opts o;
	unsigned port;
};

/* Per request state (MHD's con_cls), owned by the connection's thread. */
struct req {
	struct bw_https_req pub;
	char *buf; /* the body so far, bounded by body_max */
	size_t len, cap;
	size_t drained;	     /* bytes dropped after the body went over */
	max_align_t state[]; /* pub.state: opts.state_size bytes */
};

/* Bodies may carry keys (the secrets server): wiped before they are freed. */
static void body_free(struct req *r)
{
	if (r->buf) {
		OPENSSL_cleanse(r->buf, r->len);
		free(r->buf);
	}
	r->buf = NULL;
	r->len = r->cap = 0;
}

static int declared_too_big(struct MHD_Connection *c, size_t max)
{
	const char *cl = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	char *end;
	unsigned long long n;

	if (!cl)
		return 0;
	n = strtoull(cl, &end, 10);
	return end == cl || n > max;
}

static enum MHD_Result on_headers(struct bw_https_server *s,
				  struct MHD_Connection *c, const char *url,
				  const char *method, void **con_cls)
{
	struct req *r = calloc(1, sizeof(*r) + s->o.state_size);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	*con_cls = r;
	r->pub.conn = c;
	r->pub.url = url;
	r->pub.method = method;
	r->pub.state = s->o.state_size ? r->state : NULL;
	if (s->o.begin) {
		ret = s->o.begin(s->o.cls, &r->pub);
		if (ret == MHD_NO || r->pub.answered)
			return ret;
	}
	if (declared_too_big(c, s->o.body_max)) {
		r->pub.too_big = 1;
		return s->o.too_big(s->o.cls, &r->pub);
	}
	return MHD_YES;
}

static enum MHD_Result on_upload(struct bw_https_server *s, struct req *r,
				 const char *data, size_t n)
{
	size_t max = s->o.body_max;

	if (r->pub.discard || r->pub.too_big) {
		r->drained += n;
		return r->drained > 2 * max ? MHD_NO : MHD_YES;
	}
	if (n > max - r->len) {
		r->pub.too_big = 1;
		body_free(r);
		r->drained = n;
		return s->o.overflow == BW_HTTPS_OVERFLOW_NOW
			   ? s->o.too_big(s->o.cls, &r->pub)
			   : MHD_YES;
	}
	if (r->len + n > r->cap) {
		size_t ncap = r->cap ? r->cap : 16384;
		char *nb;

		while (ncap < r->len + n)
			ncap *= 2;
		if (ncap > max)
			ncap = max;
		nb = realloc(r->buf, ncap);
		if (!nb)
			return MHD_NO;
		r->buf = nb;
		r->cap = ncap;
	}
	memcpy(r->buf + r->len, data, n);
	r->len += n;
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct bw_https_server *s = cls;
	struct req *r = *con_cls;

	(void)version;
	if (!r) /* headers only */
		return on_headers(s, c, url, method, con_cls);
	r->pub.url = url;
	r->pub.method = method;
	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		return on_upload(s, r, upload, n);
	}
	if (r->pub.too_big) /* answered already if from the headers */
		return r->pub.answered ? MHD_YES
				       : s->o.too_big(s->o.cls, &r->pub);
	r->pub.body = r->buf;
	r->pub.body_len = r->len;
	return s->o.complete(s->o.cls, &r->pub);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;

	(void)cls, (void)c, (void)toe;
	if (!r)
		return;
	body_free(r);
	free(r);
	*con_cls = NULL;
}

enum MHD_Result bw_https_respond(struct bw_https_req *rq, unsigned status,
				 struct MHD_Response *r)
{
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	ret = MHD_queue_response(rq->conn, status, r);
	MHD_destroy_response(r);
	if (ret == MHD_YES)
		rq->answered = 1;
	return ret;
}

const char *bw_https_client_addr(const struct bw_https_req *rq, char *buf,
				 size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
	    rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const void *a = NULL;

	if (!sa)
		return NULL;
	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (!a || !inet_ntop(sa->sa_family, a, buf, (socklen_t)len) || !*buf)
		return NULL;
	return buf;
}

int bw_https_check(const char *listen, int tls, struct bw_error *err)
{
	struct sockaddr_storage ss;
	int any, rc = bw_parse_listen(listen, &ss, &any, err);

	if (rc)
		return rc;
	if (tls && !MHD_is_feature_supported(MHD_FEATURE_TLS))
		return bw_errorf(err, -ENOTSUP, NULL, 0, 0,
				 "libmicrohttpd was built without TLS");
	return 0;
}

/* The daemon on flags, and without dual stack where there is no IPv6. */
static struct MHD_Daemon *daemon_start(struct bw_https_server *s,
				       unsigned flags, uint16_t port,
				       struct MHD_OptionItem *ops)
{
	struct MHD_Daemon *d =
	    MHD_start_daemon(flags, port, NULL, NULL, on_request, s,
			     MHD_OPTION_ARRAY, ops, MHD_OPTION_END);

	if (!d && (flags & MHD_USE_DUAL_STACK))
		d = MHD_start_daemon(flags & ~(unsigned)MHD_USE_DUAL_STACK,
				     port, NULL, NULL, on_request, s,
				     MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
	return d;
}

int bw_https_start(const struct bw_https_opts *o, struct bw_https_server **ret,
		   struct bw_error *err)
{
	const char *listen = o->listen ? o->listen : o->default_listen;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
	struct bw_https_server *s;
	struct sockaddr_storage ss;
	struct MHD_OptionItem ops[12];
	const union MHD_DaemonInfo *info;
	size_t n = 0;
	uint16_t port;
	int any = 0, rc = bw_parse_listen(listen, &ss, &any, err);

	if (rc)
		return rc;
	port = ntohs(ss.ss_family == AF_INET6
			 ? ((struct sockaddr_in6 *)&ss)->sin6_port
			 : ((struct sockaddr_in *)&ss)->sin_port);
	if (any)
		flags |= MHD_USE_DUAL_STACK;
	if (!MHD_is_feature_supported(MHD_FEATURE_EPOLL))
		flags &= ~(unsigned)MHD_USE_EPOLL;
	if (o->cert_pem) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS))
			return bw_errorf(err, -ENOTSUP, NULL, 0, 0,
					 "libmicrohttpd was built without TLS");
		flags |= MHD_USE_TLS;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->o = *o;
#define OPT(o_, v_, p_) ops[n++] = (struct MHD_OptionItem){o_, v_, p_}
	OPT(MHD_OPTION_THREAD_POOL_SIZE, o->threads, NULL);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s, NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, o->max_conns, NULL);
	if (o->per_ip_max)
		OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->per_ip_max, NULL);
	OPT(MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s);
	if (o->cert_pem) {
		OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)o->cert_pem);
		OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)o->key_pem);
		if (o->tls_priorities)
			OPT(MHD_OPTION_HTTPS_PRIORITIES, 0,
			    (void *)o->tls_priorities);
	}
	if (!any)
		OPT(MHD_OPTION_SOCK_ADDR, 0, &ss);
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
	s->d = daemon_start(s, flags, port, ops);
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

unsigned bw_https_port(const struct bw_https_server *s)
{
	return s ? s->port : 0;
}

void bw_https_stop(struct bw_https_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	free(s);
}
