/*
 * https_server.h - the libmicrohttpd plumbing the project's HTTP(S) servers
 * (the admission webhook, the secrets server) share: the daemon (TLS from
 * PEM in memory, a thread pool, connection timeout and limit, a dual-stack
 * listener falling back to IPv4, the bound port for "listen on :0") and
 * each request's body, gathered in a buffer bounded by body_max and wiped
 * when the request ends.  A server supplies three hooks; it builds its own
 * MHD_Response objects and queues them with bw_https_respond.
 *
 * A request goes through the hooks in this order:
 *   begin     headers in (optional): may answer at once (a route or method
 *             error), or mark the body to be dropped (rq->discard);
 *   too_big   the body is over body_max: a Content-Length over it is
 *             answered from the headers, before any body byte is read; a
 *             chunked body growing past it as overflow says;
 *   complete  the whole body is in rq->body / rq->body_len.
 *
 * Threads: MHD's internal polling threads in a pool (epoll where
 * available), HTTP/1.1 keep-alive; each thread multiplexes many
 * connections, so a client that stalls holds a connection slot until the
 * idle timeout closes it, never a thread.  The hooks run on the pool
 * threads concurrently; a struct bw_https_req is owned by the thread
 * serving its connection, from the headers to the end of the request
 * (when the layer wipes and frees it).  The hooks' cls is shared.
 */
#ifndef BW_COMMON_HTTPS_SERVER_H
#define BW_COMMON_HTTPS_SERVER_H

#include <stddef.h>

#include <microhttpd.h>

#include "common/error.h"

/* GnuTLS priorities refusing anything older than TLS 1.2. */
#define BW_HTTPS_TLS12_PRIORITIES                                              \
	"NORMAL:-VERS-TLS1.1:-VERS-TLS1.0:-VERS-SSL3.0"

/* One request, as the hooks see it (owned by the layer). */
struct bw_https_req {
	struct MHD_Connection *conn; /* headers, query, client address */
	const char *url, *method;    /* MHD's, valid during the hook */
	const char *body;	     /* complete: the body (NULL if none) */
	size_t body_len;
	int discard;  /* begin sets it: read the body and drop it (a client
			 sending over twice body_max is disconnected);
			 complete sees no body */
	int too_big;  /* the body went over body_max */
	int answered; /* a response is queued (bw_https_respond) */
	void *state;  /* state_size zeroed bytes for the server, no pointers
			 it owns (freed with the request) */
};

typedef enum MHD_Result (*bw_https_hook)(void *cls, struct bw_https_req *rq);

/* What happens to a chunked body that grows past body_max. */
enum bw_https_overflow {
	/*
	 * Read on and drop the rest, then call too_big at the end of the body
	 * (MHD cannot queue a response in the middle of an upload); a client
	 * streaming past twice body_max is disconnected.
	 */
	BW_HTTPS_OVERFLOW_DRAIN,
	/*
	 * Call too_big at once.  libmicrohttpd refuses to queue a response
	 * mid-upload, so its answer fails and the connection is closed; the
	 * hook still runs (the admission webhook audits the 413).
	 */
	BW_HTTPS_OVERFLOW_NOW,
};

struct bw_https_opts {
	const char *listen;	    /* "[HOST]:PORT" (bw_parse_listen); NULL:
				       default_listen */
	const char *default_listen; /* not named in error messages */
	const char *cert_pem;	    /* PEM text, NULL: plain HTTP; borrowed, */
	const char *key_pem; /* alive until bw_https_stop; both or none */
	const char *tls_priorities; /* GnuTLS priorities; NULL: MHD's default */
	unsigned threads;	    /* pool size */
	unsigned timeout_s;	    /* idle connection timeout */
	unsigned max_conns;	    /* connection limit */
	unsigned per_ip_max; /* connections from one address; 0: no limit */
	size_t body_max;	    /* the largest body gathered */
	enum bw_https_overflow overflow;
	size_t state_size;   /* bytes of bw_https_req.state */
	bw_https_hook begin; /* may be NULL */
	bw_https_hook too_big;
	bw_https_hook complete;
	void *cls; /* the hooks' first argument; borrowed */
};

struct bw_https_server;

/*
 * Checks what bw_https_start would refuse before it starts anything: the
 * listen address, TLS support in libmicrohttpd when tls is set.  0 or
 * -EINVAL / -ENOTSUP with a message.
 */
int bw_https_check(const char *listen, int tls, struct bw_error *err);

/*
 * Starts serving (o is copied; what it points to is borrowed).  Returns 0
 * and the running server in *ret, or a negative code: bad listen address,
 * no TLS in libmicrohttpd, -EADDRINUSE when the daemon does not start
 * (address in use, or an invalid certificate/key).
 */
int bw_https_start(const struct bw_https_opts *o, struct bw_https_server **ret,
		   struct bw_error *err);
/* The bound port (the one asked for, or the kernel's pick for port 0). */
unsigned bw_https_port(const struct bw_https_server *s);
/* Stops the daemon (waits for its threads) and frees; NULL is a no-op. */
void bw_https_stop(struct bw_https_server *s);

/*
 * Queues r (NULL: out of memory) as rq's answer with status, and drops the
 * caller's reference to it.  MHD_NO when it could not be queued.
 */
enum MHD_Result bw_https_respond(struct bw_https_req *rq, unsigned status,
				 struct MHD_Response *r);

/*
 * The client's numeric address into buf (at least INET6_ADDRSTRLEN bytes);
 * returns buf, or NULL when unknown.
 */
const char *bw_https_client_addr(const struct bw_https_req *rq, char *buf,
				 size_t len);

#endif
