/*
 * server.c - the secrets server's HTTP(S) transport: it gathers a request
 * (method, /v1/ path, query, token header, body bounded by
 * VAULT_MAX_REQUEST_SIZE), hands it to vault_handle and writes the JSON
 * answer.  TLS 1.2+ through GnuTLS priorities; plain HTTP only in --dev.
 * The libmicrohttpd daemon and the body buffer are the shared layer's
 * (common/https_server.h); this file holds the hooks it calls.
 *
 * Threads: the layer's pool of MHD polling threads (epoll where
 * available), HTTP/1.1 keep-alive; each request's state (its struct
 * bw_https_req and body) is owned by the thread serving its connection;
 * the core is shared (see the thread model in vault.h).  The tidy sweeper
 * (tidy.c) is started before the daemon and stopped after it, so no
 * request ever sees the core without it or hands a sweep to a stopped one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "common/https_server.h"
#include "vault/vault.h"

#define MAX_PEM (1u << 20)

struct vault_server {
	struct bw_https_server *https;
	struct vault_core *core;
	char *cert, *key;	 /* PEM, alive as long as the daemon */
	int bench_floor;	 /* dev only: see struct vault_config */
	struct vault_tidy *tidy; /* the background sweep */
};

/* The benchmark floor's fixed answer: the transport's cost alone. */
#define BENCH_FLOOR_PATH "/v1/sys/internal/bench-floor"
static const char bench_floor_body[] = "{\"data\":{\"floor\":true}}";

static enum MHD_Result send_floor(struct bw_https_req *rq)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    sizeof(bench_floor_body) - 1, (void *)bench_floor_body,
	    MHD_RESPMEM_PERSISTENT);

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"application/json");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	return bw_https_respond(rq, 200, r);
}

static enum MHD_Result send_json(struct bw_https_req *rq, int status,
				 json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	size_t len = text ? strlen(text) : 0;
	struct MHD_Response *r;

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
	return bw_https_respond(rq, (unsigned)status, r);
}

static enum MHD_Result send_error(struct bw_https_req *rq, int status,
				  const char *msg)
{
	json_t *o = json_pack("{s:[s]}", "errors", msg);
	enum MHD_Result ret = send_json(rq, status, o);

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

/* A body over VAULT_MAX_REQUEST_SIZE (the transport's too_big hook). */
static enum MHD_Result too_big(void *cls, struct bw_https_req *rq)
{
	(void)cls;
	return send_error(rq, 413, "http: request body too large");
}

/* The whole request is in (the transport's complete hook). */
static enum MHD_Result dispatch(void *cls, struct bw_https_req *rq)
{
	struct vault_server *s = cls;
	struct MHD_Connection *c = rq->conn;
	struct vault_request q = {.method = rq->method};
	struct vault_response resp;
	char addr[INET6_ADDRSTRLEN] = "";
	const char *list;
	enum MHD_Result ret;

	if (s->bench_floor && !strcmp(rq->url, BENCH_FLOOR_PATH))
		return send_floor(rq);
	if (method_op(rq->method, &q.op))
		return send_error(rq, 405, "unsupported operation");
	if (strncmp(rq->url, "/v1/", 4))
		return send_error(rq, 404, "not found");
	q.raw_path = rq->url + 4;
	q.body = rq->body;
	q.body_len = rq->body_len;
	q.token = client_token(c);
	/* the client's address: the audit log and the auth rate limiter */
	q.remote_addr = bw_https_client_addr(rq, addr, sizeof(addr));
	q.content_type = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	q.wrap_ttl =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Vault-Wrap-TTL");
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
	ret = send_json(rq, resp.status, resp.body);
	json_decref(resp.body);
	return ret;
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
	int rc, tls = cfg->tls_cert_file || cfg->tls_key_file;
	long long tidy_interval = VAULT_TIDY_DEFAULT_INTERVAL;
	struct bw_https_opts o = {
	    .listen = cfg->listen,
	    .default_listen = "127.0.0.1:8200",
	    .tls_priorities = BW_HTTPS_TLS12_PRIORITIES,
	    .threads = 4,
	    .timeout_s = 60,
	    .max_conns = 1024,
	    /* one client (or a slow-loris) cannot hold every connection */
	    .per_ip_max = 256,
	    .body_max = VAULT_MAX_REQUEST_SIZE,
	    .overflow = BW_HTTPS_OVERFLOW_DRAIN,
	    .too_big = too_big,
	    .complete = dispatch,
	};

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
	rc = bw_https_check(o.listen ? o.listen : o.default_listen, tls, err);
	if (rc)
		return rc;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->core = c;
	s->bench_floor = cfg->bench_floor;
	if (tls) {
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
	o.cert_pem = s->cert;
	o.key_pem = s->key;
	o.cls = s;
	rc = bw_https_start(&o, &s->https, err);
	if (rc) {
		server_free(s);
		return rc;
	}
	*ret = s;
	return 0;
}

unsigned vault_server_port(const struct vault_server *s)
{
	return s ? bw_https_port(s->https) : 0;
}

void vault_server_stop(struct vault_server *s)
{
	if (!s)
		return;
	bw_https_stop(s->https);
	server_free(s);
}
