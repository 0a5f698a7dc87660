/*
 * logical.h - internal to src/vault/: the mount table and the secrets
 * engines mounted in it (kv.c: KV version 1 and 2), and the mount
 * endpoints (sys/mounts, sys/mounts/<path>[/tune],
 * sys/internal/ui/mounts/<path>).
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

#endif
