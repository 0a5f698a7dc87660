/*
 * logical.h - internal to src/vault/: the mount table and the secrets
 * engines mounted in it (kv.c: KV version 1 and 2; cubbyhole.c: every
 * token's cubbyhole/), and the mount endpoints (sys/mounts,
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
