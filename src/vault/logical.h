/*
 * logical.h - internal to src/vault/: the mount table (mounts.c), the
 * secrets engines mounted in it (kv.c: KV version 1 and 2; cubbyhole.c:
 * every token's cubbyhole/), what they share (logical_util.c), and the
 * mount endpoints (sys/mounts,
 * sys/mounts/<path>[/tune], sys/internal/ui/mounts/<path>).
 *
 * router.c calls vault_logical_handle for every authenticated request that
 * no static route takes; the engine answers it or says it is not its path.
 * seal.c calls vault_mounts_init_default at sys/init to mount "secret/".
 */
#ifndef BW_VAULT_LOGICAL_H
#define BW_VAULT_LOGICAL_H

#include "vault/core_int.h"

/* The mount table, JSON {"<path>/": entry}, through the barrier. */
#define VAULT_MOUNTS_PATH "core/mounts"
/* Each mount's data lives under "logical/<mount uuid>/". */
#define VAULT_LOGICAL_PREFIX "logical/"

struct vault_logical_req {
	const struct vault_request *req;
	const char *path; /* normalised, no leading slash */
	json_t *body;	  /* an object, never NULL */
	/* the calling token's id_hash (borrowed from its entry): whose
	 * cubbyhole the request reaches */
	const char *token_hash;
};

struct vault_logical_resp {
	int status;		/* 200, 204, 404 ..., set by the engine */
	json_t *data;		/* the envelope's "data" (owned); may be NULL */
	const char *mount_type; /* "kv" for the envelope, or NULL */
	/* when status >= 400 and data is NULL: the error ("" → "errors": []) */
	char error[256];
};

/*
 * Answers an authenticated request on sys/mounts..., sys/internal/ui/mounts/
 * or a path under a mount.  Returns 1 when it did (out filled; the caller
 * json_decref's out->data), 0 when the path is none of these (the router
 * answers 404).
 */
int vault_logical_handle(struct vault_core *c,
			 const struct vault_logical_req *lr,
			 struct vault_logical_resp *out);

/*
 * Writes the initial mount table: "secret/" as KV version 2, as Vault's
 * dev mode does (production Vault mounts nothing at init).  The barrier
 * must be unsealed.  0 or a negative code.
 */
int vault_mounts_init_default(struct vault_core *c, struct bw_error *err);

/* ---- kv.c: the KV engines ---------------------------------------------------
 */

/* Storage keys: at most the storage's key length. */
#define KV_KEYBUF (VAULT_STORAGE_MAX_KEY + 1)
#define KV_MAX_PURGE_DEPTH                                                     \
	1024 /* folder nesting vault_purge_prefix follows                      \
	      */

/*
 * Answer a request for key (the path below the mount, "" for the mount
 * itself) on the KV version 1 or 2 mount whose uuid is given; out as
 * vault_logical_handle's.  Return 0 or -1 (out says what failed).
 */
int vault_kv1_handle(struct vault_core *c, const struct vault_logical_req *lr,
		     const char *uuid, const char *key,
		     struct vault_logical_resp *o);
int vault_kv2_handle(struct vault_core *c, const struct vault_logical_req *lr,
		     const char *uuid, const char *key,
		     struct vault_logical_resp *o);

/* A KV write's locks: the core's mount_lock shared, then key's stripe. */
void vault_kv_lock_key(struct vault_core *c, const char *uuid, const char *key);
void vault_kv_unlock_key(struct vault_core *c, const char *uuid,
			 const char *key);

/* ---- logical_util.c: what the engines share
 * ---------------------------------- */

/* Fill out with an error (status, printf-style message; "" gives
 * {"errors":[]}), dropping any data.  Return -1. */
int vault_lr_fail(struct vault_logical_resp *o, int status, const char *fmt,
		  ...) __attribute__((format(printf, 3, 4)));
/* A storage or barrier failure as Vault's error: 503 sealed, else 500. */
int vault_lr_io_fail(struct vault_logical_resp *o, int rc);
/* Fill out with status and data (owned; NULL only for 204).  0, or -1 when
 * data is missing (500). */
int vault_lr_ok(struct vault_logical_resp *o, int status, json_t *data);

/* The value of query argument key ("" when given without a value), or
 * NULL when absent. */
const char *vault_query_get(const struct vault_request *q, const char *key);
/* A non-negative decimal ("" or NULL: 0); -1 when malformed. */
long long vault_parse_count(const char *s);
int vault_ends_with_slash(const char *s);
/* RFC 3339 UTC with nanoseconds, fixed width (so they compare as strings):
 * of ts, or of now plus seconds. */
void vault_fmt_time(const struct timespec *ts, char out[40]);
void vault_now_time(char out[40], long long plus_seconds);
/* A Go duration ("3h25m19s") or bare seconds, at most 100 years: 0 and
 * *ret, or -1. */
int vault_kv_parse_duration(const char *s, long long *ret);
/* Go's time.Duration String() for whole seconds: "0s", "1h0m0s". */
void vault_fmt_duration(long long s, char out[32]);
/* A duration parameter as a number of seconds or a Go duration; -1 when
 * malformed. */
int vault_duration_param(json_t *v, long long *secs);
/* o[key] when an integer, else 0. */
long long vault_json_int(json_t *o, const char *key);
/* An integer parameter as JSON or as a string ("5"): 0 and *ret, 1 when
 * absent (v NULL), -1 when malformed.  (Booleans: vault_bool_param.) */
int vault_int_param(json_t *v, long long *ret);

/* Deletes every entry under prefix (ending in "/"), folders recursively up
 * to KV_MAX_PURGE_DEPTH deep (depth: 0 at the top).  0 or a negative code
 * (err may be NULL). */
int vault_purge_prefix(struct vault_core *c, const char *prefix, int depth,
		       struct bw_error *err);

/* ---- cubbyhole.c -------------------------------------------------------- */

/*
 * Answers cubbyhole[/<path>] for the token lr->token_hash, and the mount
 * endpoints' cubbyhole/ cases (sys/mounts/cubbyhole[/tune], enabling the
 * type elsewhere, sys/internal/ui/mounts/cubbyhole/...).  1 when it did
 * (out filled, as vault_logical_handle), 0 when the path is not its own.
 * out must be initialised (status, data NULL, error "") by the caller.
 */
int vault_cubbyhole_handle(struct vault_core *c,
			   const struct vault_logical_req *lr,
			   struct vault_logical_resp *out);

/* The cubbyhole/ entry of sys/mounts: 0 and *ret (new reference), or a
 * negative code (-EACCES sealed). */
int vault_cubbyhole_mount_entry(struct vault_core *c, json_t **ret);

/*
 * Deletes every value in the cubbyhole of the token whose id_hash is
 * token_hash (token.c calls it when the token's entry is deleted).  0 or a
 * negative code with err set; a malformed hash has no cubbyhole (0).
 */
int vault_cubbyhole_purge(struct vault_core *c, const char *token_hash,
			  struct bw_error *err);

#endif
