/*
 * router_int.h - internal to src/vault/: what a request handler sees and
 * how route tables are written, so each part of the server keeps its
 * routes in its own file (token_routes.c: the auth/token/ and sys/policy
 * routes) and router.c walks every table.
 */
#ifndef BW_VAULT_ROUTER_INT_H
#define BW_VAULT_ROUTER_INT_H

#include "vault/core_int.h"

#define VAULT_OPS(x) (1u << (x))

enum vault_route_flags {
	ROUTE_UNAUTH = 1 << 0, /* no token needed, works sealed */
	ROUTE_RAW = 1 << 1,    /* the handler's JSON is the whole body */
	ROUTE_SUDO = 1 << 2,   /* needs "sudo" on the path (root has it) */
	/* writes need "update" (Vault's behaviour for paths without an
	 * existence check); without this flag "create" or "update" will do */
	ROUTE_UPDATE_ONLY = 1 << 3,
	ROUTE_AUTH_RATE = 1 << 4, /* per-client rate limit (login, create) */
};

/* What a handler sees. */
struct rctx {
	const struct vault_request *req;
	const char *path;    /* normalised, no leading slash */
	json_t *body;	     /* object, never NULL */
	json_t *token;	     /* token entry, NULL on ROUTE_UNAUTH routes */
	const char *token_s; /* the client token as sent */
	unsigned caps;	     /* the token's capabilities on path */
	json_t *auth;	     /* set by a handler: the envelope's "auth" */
};

/*
 * A handler fills *ret_status and *ret_data (the "data" of the envelope,
 * or the whole body on ROUTE_RAW routes; NULL for 204), or returns an
 * error via vault_verr().
 */
typedef int (*vault_handler_fn)(struct vault_core *c, struct rctx *r,
				int *ret_status, json_t **ret_data);

struct vault_route {
	const char *pattern; /* exact, or a prefix when it ends in "*" */
	unsigned ops;	     /* VAULT_OPS(VAULT_OP_...) bits */
	unsigned flags;
	vault_handler_fn fn;
};

/* Sets the request's error (status, message; "" gives {"errors":[]}) and
 * returns -1 for the handler to return. */
int vault_verr(int status, const char *msg);

/* token_routes.c */
extern const struct vault_route vault_token_routes[];
extern const size_t vault_token_routes_n;

/* approle.c: auth/approle/ and sys/auth */
extern const struct vault_route vault_approle_routes[];
extern const size_t vault_approle_routes_n;

/* wrapping.c: sys/wrapping/ and sys/leases/ */
extern const struct vault_route vault_wrapping_routes[];
extern const size_t vault_wrapping_routes_n;

/* sys_routes.c: sys/leader, key-status, rotate, capabilities*, audit */
extern const struct vault_route vault_sys_routes[];
extern const size_t vault_sys_routes_n;

/* The policy of response-wrapping tokens (built in, as in Vault): such a
 * token may only call sys/wrapping/unwrap and sys/wrapping/lookup. */
#define VAULT_WRAPPING_POLICY "response-wrapping"

/*
 * Wraps a response (wrapping.c): stores body (the envelope the client
 * would have had; borrowed) under a new single-use wrapping token with
 * ttl seconds and replaces *ret with the wrap_info envelope.  0, or -1
 * with the error set by vault_verr.
 */
int vault_wrap_response(struct vault_core *c, const char *creation_path,
			int64_t ttl, json_t *body, json_t **ret);
#endif
