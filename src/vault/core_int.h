/*
 * core_int.h - internal to src/vault/: the core's state, shared by seal.c
 * (init, unseal, seal, tokens) and router.c (the request handlers).  Not
 * for use outside this folder; vault.h is the subsystem's interface.
 */
#ifndef BW_VAULT_CORE_INT_H
#define BW_VAULT_CORE_INT_H

#include <pthread.h>

#include "vault/vault.h"

#define VAULT_SEAL_CONFIG_PATH "core/seal-config" /* plaintext, as Vault */
#define VAULT_VERSION_STRING "1.15.0+bulwark"
#define VAULT_TOKEN_MAX 256

#define VAULT_KV_LOCK_STRIPES 64

struct vault_core {
	struct vault_storage *st;
	struct vault_barrier *b;
	vault_audit_fn audit;
	void *audit_ctx;
	char cluster_id[37];

	/* the audit device; audit_lock: read to log, write to open/close */
	pthread_rwlock_t audit_lock;
	char *audit_path;	       /* NULL: no audit device */
	struct vault_audit *audit_dev; /* open while unsealed */

	struct vault_tokens *tokens; /* token store state (token_int.h) */

	/* the KV engines' writers (mounts.c, kv.c): mount table changes and a
	 * mount's config take mount_lock exclusively, KV key writes take it
	 * shared and then their key's stripe of kv_key_locks */
	pthread_rwlock_t mount_lock;
	pthread_mutex_t kv_key_locks[VAULT_KV_LOCK_STRIPES];

	/* wrapping.c: unwrapping a response and deleting it are one step */
	pthread_mutex_t wrap_mu;
	/* approle_*.c: serialises every AppRole write */
	pthread_mutex_t approle_mu;
	/* the background sweeper (tidy.c), NULL when none: set and cleared
	 * by vault_tidy_start/stop while no request runs */
	struct vault_tidy *tidy;

	pthread_mutex_t mu; /* guards everything below */
	int initialized;    /* seal config present */
	int shares, threshold;
	uint8_t *progress[VAULT_SHAMIR_MAX_PARTS]; /* unseal keys so far */
	size_t progress_len;			   /* each key's length */
	int nprogress;
	char nonce[37]; /* of the current unseal attempt */
};

#define VAULT_AUDIT_SALT_PATH "core/audit-salt"

/* Logs one entry to the audit hook and device, if any: 0 or -EIO. */
int vault_core_audit(struct vault_core *c, const char *type, json_t *auth,
		     json_t *request, json_t *response, const char *error);

/*
 * A list parameter (params.c): an array of strings or a comma-separated
 * string, each item trimmed of spaces, empty items dropped; *ret a new
 * array (empty for absent or null).  -EINVAL for another type, a
 * non-string element, more than max items or one longer than item_max;
 * -ENOMEM.
 */
int vault_list_param(json_t *v, size_t max, size_t item_max, json_t **ret);

/* json_store.c */
/* A JSON document through the barrier: a private copy (caller decrefs and
 * may change it), -ENOENT when absent, -EBADMSG when not JSON. */
int vault_json_get(struct vault_core *c, const char *key, json_t **ret);
int vault_json_put(struct vault_core *c, const char *key, json_t *j);
int vault_key_delete(struct vault_core *c, const char *key);
/* vault_json_get, and the document must be a JSON object (else -EIO). */
int vault_json_get_object(struct vault_core *c, const char *key, json_t **ret);

/* A boolean parameter (params.c) as JSON or as a string ("true"/"1",
 * "false"/"0"): 0 and *ret, 1 when absent (v NULL), -1 when malformed. */
int vault_bool_param(json_t *v, int *ret);

/* CIDR blocks (params.c): a list parameter of at most max valid blocks
 * ("10.0.0.0/8", "::1/128" or a bare address) into *ret (new array), or
 * -EINVAL; whether addr is in one of list's blocks (an empty or absent
 * list allows every address; "::ffff:a.b.c.d" matches IPv4 blocks). */
int vault_cidrs_param(json_t *v, size_t max, json_t **ret);
int vault_cidrs_allow(json_t *list, const char *addr);

/* A random RFC 4122 version 4 UUID into out (37 bytes). */
void vault_uuid(char out[37]);

/*
 * Looks token up in the token store (token.c): 0 and *ret = the entry (JSON
 * object with "id_hash", "policies", "accessor", ...; a new reference to
 * the barrier's cached copy, SHARED: never modify it),
 * -EPERM when unknown, expired or its parent revoked, -EACCES when sealed.
 * The storage key is the token's SHA-256; the stored hash is compared again
 * in constant time.
 */
int vault_token_lookup(struct vault_core *c, const char *token, json_t **ret,
		       struct bw_error *err);

#endif
