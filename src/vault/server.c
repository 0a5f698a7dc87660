/*
 * server.c - the secrets server's HTTP(S) transport on libmicrohttpd: it
 * gathers a request (method, /v1/ path, query, token header, body bounded
 * by VAULT_MAX_REQUEST_SIZE), hands it to vault_handle and writes the JSON
 * answer.  TLS 1.2+ through GnuTLS priorities; plain HTTP only in --dev.
 *
 * Threads: MHD's internal polling threads in a pool (epoll where
 * available), HTTP/1.1 keep-alive; each request's state (struct req) is
 * owned by the thread serving its connection; the core is shared (see the
 * thread model in vault.h).  The tidy sweeper (tidy.c) is started before
 * the daemon and stopped after it, so no request ever sees the core
 * without it or hands a sweep to a stopped one.
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

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "common/listen.h"
#include "vault/vault.h"

#define TLS_PRIORITIES "NORMAL:-VERS-TLS1.1:-VERS-TLS1.0:-VERS-SSL3.0"
#define MAX_PEM (1u << 20)

struct vault_server {
	struct MHD_Daemon *d;
	struct vault_core *core;
	char *cert, *key; /* PEM, alive as long as the daemon */
	unsigned port;
	int bench_floor;	 /* dev only: see struct vault_config */
	struct vault_tidy *tidy; /* the background sweep */
};

/* The benchmark floor's fixed answer: the transport's cost alone. */
#define BENCH_FLOOR_PATH "/v1/sys/internal/bench-floor"
static const char bench_floor_body[] = "{\"data\":{\"floor\":true}}";

static enum MHD_Result send_floor(struct MHD_Connection *c)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    sizeof(bench_floor_body) - 1, (void *)bench_floor_body,
	    MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"application/json");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

struct req {
	char *buf;
	size_t len, cap;
	size_t drained; /* bytes discarded after the body went over the limit */
	int too_big;
	int queued; /* the 413 is already queued */
};

static enum MHD_Result send_json(struct MHD_Connection *c, int status,
				 json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	size_t len = text ? strlen(text) : 0;
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (body && !text) {
		status = 500;
		text = strdup("{\"errors\":[\"internal error\"]}");
		len = text ? strlen(text) : 0;
	}
	r = MHD_create_response_from_buffer(len, text ? text : (char *)"",
					    text ? MHD_RESPMEM_MUST_FREE
						 : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	if (len)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					"application/json");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status,
				  const char *msg)
{
	json_t *o = json_pack("{s:[s]}", "errors", msg);
	enum MHD_Result ret = send_json(c, status, o);

	json_decref(o);
	return ret;
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind,
				     const char *key, const char *value)
{
	struct vault_request *q = cls;

	if (q->nquery >= VAULT_MAX_QUERY)
		return MHD_NO;
	q->query[q->nquery].key = key;
	q->query[q->nquery].value = value;
	q->nquery++;
	return MHD_YES;
}

static int method_op(const char *m, enum vault_op *op)
{
	static const struct {
		const char *name;
		enum vault_op op;
	} map[] = {
	    {"GET", VAULT_OP_READ},	 {"HEAD", VAULT_OP_READ},
	    {"PUT", VAULT_OP_UPDATE},	 {"POST", VAULT_OP_UPDATE},
	    {"DELETE", VAULT_OP_DELETE}, {"LIST", VAULT_OP_LIST},
	    {"PATCH", VAULT_OP_PATCH},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(m, map[i].name)) {
			*op = map[i].op;
			return 0;
		}
	return -EINVAL;
}

static const char *client_token(struct MHD_Connection *c)
{
	const char *t =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Vault-Token");
	const char *a;

	if (t && *t)
		return t;
	a = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					MHD_HTTP_HEADER_AUTHORIZATION);
	if (a && !strncasecmp(a, "Bearer ", 7)) {
		a += 7;
		while (*a == ' ')
			a++;
		return *a ? a : NULL;
	}
	return NULL;
}

static enum MHD_Result dispatch(struct vault_server *s,
				struct MHD_Connection *c, const char *url,
				const char *method, struct req *rq)
{
	struct vault_request q = {.method = method};
	struct vault_response resp;
	const union MHD_ConnectionInfo *ci;
	char addr[INET6_ADDRSTRLEN] = "";
	const char *list;
	enum MHD_Result ret;

	if (method_op(method, &q.op))
		return send_error(c, 405, "unsupported operation");
	if (strncmp(url, "/v1/", 4))
		return send_error(c, 404, "not found");
	q.raw_path = url + 4;
	q.body = rq->buf;
	q.body_len = rq->len;
	q.token = client_token(c);
	/* the client's address: the audit log and the auth rate limiter */
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
				  &((const struct sockaddr_in *)sa)->sin_addr,
				  addr, sizeof(addr));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
				  &((const struct sockaddr_in6 *)sa)->sin6_addr,
				  addr, sizeof(addr));
		if (addr[0])
			q.remote_addr = addr;
	}
	q.content_type = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	q.wrap_ttl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						 "X-Vault-Wrap-TTL");
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, &q);
	list = NULL;
	for (size_t i = 0; i < q.nquery; i++)
		if (!strcmp(q.query[i].key, "list"))
			list = q.query[i].value;
	/* Go's strconv.ParseBool, as Vault: node-vault sends ?list=1 */
	if (q.op == VAULT_OP_READ && list &&
	    (!strcmp(list, "true") || !strcmp(list, "1") ||
	     !strcmp(list, "t") || !strcmp(list, "T") ||
	     !strcmp(list, "TRUE") || !strcmp(list, "True")))
		q.op = VAULT_OP_LIST;
	vault_handle(s->core, &q, &resp);
	ret = send_json(c, resp.status, resp.body);
	json_decref(resp.body);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct vault_server *s = cls;
	struct req *rq = *con_cls;

	if (!rq) { /* headers only: set up, check the declared length */
		const char *cl = MHD_lookup_connection_value(
		    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		*con_cls = rq;
		if (cl) {
			char *end;
			unsigned long long n = strtoull(cl, &end, 10);

			if (end == cl || n > VAULT_MAX_REQUEST_SIZE)
				rq->too_big = 1;
		}
		if (rq->too_big) {
			rq->queued = 1;
			return send_error(c, 413,
					  "http: request body too large");
		}
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		/*
		 * A chunked body over the limit: MHD cannot queue a response
		 * in the middle of an upload, so the rest is read and
		 * dropped, and the 413 sent at its end; a client streaming
		 * on past twice the limit is disconnected.
		 */
		if (rq->too_big) {
			rq->drained += n;
			return rq->drained > 2 * (size_t)VAULT_MAX_REQUEST_SIZE
				   ? MHD_NO
				   : MHD_YES;
		}
		if (n > VAULT_MAX_REQUEST_SIZE - rq->len) {
			rq->too_big = 1;
			OPENSSL_cleanse(rq->buf, rq->len);
			free(rq->buf);
			rq->buf = NULL;
			rq->len = rq->cap = 0;
			rq->drained = n;
			return MHD_YES;
		}
		if (rq->len + n > rq->cap) {
			size_t ncap = rq->cap ? rq->cap : 16384;
			char *nb;

			while (ncap < rq->len + n)
				ncap *= 2;
			if (ncap > VAULT_MAX_REQUEST_SIZE)
				ncap = VAULT_MAX_REQUEST_SIZE;
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
	if (rq->too_big)
		return rq->queued
			   ? MHD_YES
			   : send_error(c, 413, "http: request body too large");
	if (s->bench_floor && !strcmp(url, BENCH_FLOOR_PATH))
		return send_floor(c);
	return dispatch(s, c, url, method, rq);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;

	if (!rq)
		return;
	if (rq->buf) {
		OPENSSL_cleanse(rq->buf, rq->len); /* bodies carry keys */
		free(rq->buf);
	}
	free(rq);
	*con_cls = NULL;
}

static int read_pem(const char *path, char **ret, struct bw_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f)
		return bw_errorf(err, -errno, path, 0, 0, "cannot open: %s",
				 strerror(errno));
	buf = malloc(MAX_PEM + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, MAX_PEM + 1, f);
	fclose(f);
	if (n == 0 || n > MAX_PEM) {
		free(buf);
		return bw_errorf(err, -EINVAL, path, 0, 0,
				 "empty or larger than 1 MiB");
	}
	buf[n] = '\0';
	*ret = buf;
	return 0;
}

static void server_free(struct vault_server *s)
{
	vault_tidy_stop(s->tidy);
	if (s->key) {
		OPENSSL_cleanse(s->key, strlen(s->key));
		free(s->key);
	}
	free(s->cert);
	free(s);
}

int vault_server_start(const struct vault_config *cfg, struct vault_core *c,
		       struct vault_server **ret, struct bw_error *err)
{
	struct vault_server *s;
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
	const union MHD_DaemonInfo *info;
	uint16_t port;
	int any = 0, rc, tls = cfg->tls_cert_file || cfg->tls_key_file;
	long long tidy_interval = VAULT_TIDY_DEFAULT_INTERVAL;

	if (tls && (!cfg->tls_cert_file || !cfg->tls_key_file))
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "TLS needs both tls_cert_file and "
				 "tls_key_file");
	if (!tls && !cfg->dev)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "tls_cert_file and tls_key_file are required "
				 "(plain HTTP only with --dev)");
	if (cfg->bench_floor && !cfg->dev)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "the benchmark floor needs --dev");
	if (cfg->tidy_interval &&
	    vault_parse_duration(cfg->tidy_interval, &tidy_interval))
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "tidy_interval: \"%s\" is not a duration",
				 cfg->tidy_interval);
	rc = bw_parse_listen(cfg->listen ? cfg->listen : "127.0.0.1:8200", &ss,
			  &any, err);
	if (rc)
		return rc;
	port = ntohs(ss.ss_family == AF_INET6
			 ? ((struct sockaddr_in6 *)&ss)->sin6_port
			 : ((struct sockaddr_in *)&ss)->sin_port);
	if (any)
		flags |= MHD_USE_DUAL_STACK;
	if (!MHD_is_feature_supported(MHD_FEATURE_EPOLL))
		flags &= ~(unsigned)MHD_USE_EPOLL;
	if (tls && !MHD_is_feature_supported(MHD_FEATURE_TLS))
		return bw_errorf(err, -ENOTSUP, NULL, 0, 0,
				 "libmicrohttpd was built without TLS");
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->core = c;
	s->bench_floor = cfg->bench_floor;
	if (tls) {
		flags |= MHD_USE_TLS;
		rc = read_pem(cfg->tls_cert_file, &s->cert, err);
		if (!rc)
			rc = read_pem(cfg->tls_key_file, &s->key, err);
		if (rc) {
			server_free(s);
			return rc;
		}
	}
	rc = vault_tidy_start(c, tidy_interval, cfg->tidy_report,
			      cfg->tidy_report_ctx, &s->tidy, err);
	if (rc) {
		server_free(s);
		return rc;
	}
	{
		struct MHD_OptionItem ops[12];
		size_t n = 0;

#define OPT(o_, v_, p_) ops[n++] = (struct MHD_OptionItem){o_, v_, p_}
		OPT(MHD_OPTION_THREAD_POOL_SIZE, 4, NULL);
		OPT(MHD_OPTION_CONNECTION_TIMEOUT, 60, NULL);
		OPT(MHD_OPTION_CONNECTION_LIMIT, 1024, NULL);
		OPT(MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, s);
		if (tls) {
			OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert);
			OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, s->key);
			OPT(MHD_OPTION_HTTPS_PRIORITIES, 0,
			    (void *)TLS_PRIORITIES);
		}
		if (!any)
			OPT(MHD_OPTION_SOCK_ADDR, 0, &ss);
		OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
		s->d = MHD_start_daemon(flags, port, NULL, NULL, handle, s,
					MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
		if (!s->d && any) {
			flags &= ~(unsigned)MHD_USE_DUAL_STACK;
			s->d = MHD_start_daemon(flags, port, NULL, NULL, handle,
						s, MHD_OPTION_ARRAY, ops,
						MHD_OPTION_END);
		}
	}
	if (!s->d) {
		server_free(s);
		return bw_errorf(err, -EADDRINUSE, cfg->listen, 0, 0,
				 "cannot start the server (address in use, "
				 "or invalid TLS certificate/key)");
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : port;
	*ret = s;
	return 0;
}

unsigned vault_server_port(const struct vault_server *s)
{
	return s ? s->port : 0;
}

void vault_server_stop(struct vault_server *s)
{
	if (!s)
		return;
	if (s->d)
		MHD_stop_daemon(s->d);
	server_free(s);
}
