/*
 * vault.h - Bulwark's secrets server: a sealed, encrypted store that
 * speaks enough of HashiCorp Vault's HTTP API that Vault clients work
 * against it unchanged.
 *
 * This header holds the pieces with no server state, each usable and
 * tested on its own:
 *   - Shamir secret sharing over GF(2^8) (shamir.c), share format as
 *     Vault's: each share is the secret's length + 1 bytes, the last byte
 *     being the share's x coordinate (1..255);
 *   - the ACL policy language (policy_parse.c, policy_acl.c): Vault's HCL
 *     and JSON policy syntax, capability sets, path globbing with a "*"
 *     suffix and "+" segments, Vault's priority rules between matching
 *     paths, deny wins;
 *   - the audit log (audit.c): JSON lines, sensitive strings HMAC-ed,
 *     hash-chained, and its verifier;
 * and, below them, the server (server section, written as it lands), the
 * client (client.c) and secret delivery into files and containers
 * (inject.c).
 *
 * Conventions: 0 or a negative errno code with a struct bw_error; secrets
 * are zeroed (OPENSSL_cleanse) before they are freed; comparisons of
 * secrets are constant-time (CRYPTO_memcmp).
 */
#ifndef BW_VAULT_VAULT_H
#define BW_VAULT_VAULT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* ---- Shamir secret sharing (shamir.c) ---------------------------------- */

#define VAULT_SHAMIR_MAX_PARTS 255
#define VAULT_SHAMIR_MAX_SECRET 4096

/*
 * Splits secret into parts shares of which any threshold recombine it
 * (2 <= threshold <= parts <= 255; threshold 1 with parts 1 returns the
 * secret itself plus an x byte, as Vault allows for a single key).  The
 * coefficients come from RAND_bytes; x coordinates are distinct random
 * non-zero bytes.  Writes parts shares of len + 1 bytes each into a new
 * buffer *ret (share i at *ret + i * (len + 1)); the caller frees it with
 * vault_secure_free(*ret, parts * (len + 1)).  Returns 0, -EINVAL for bad
 * parameters, -EIO when the RNG fails, -ENOMEM.
 */
int vault_shamir_split(const uint8_t *secret, size_t len, int parts,
		       int threshold, uint8_t **ret, struct bw_error *err);

/*
 * Recombines n shares of share_len bytes each (all the same length, at
 * least 2 bytes) into out (share_len - 1 bytes).  Returns 0, or -EINVAL
 * for fewer than 2 shares, mismatched lengths, or duplicate x
 * coordinates.  (Too few distinct shares give a wrong secret, which the
 * caller detects by the barrier key's authentication tag, as Vault does.)
 */
int vault_shamir_combine(const uint8_t *const *shares, size_t n,
			 size_t share_len, uint8_t *out, struct bw_error *err);

/* Zeroes then frees p (NULL is fine). */
void vault_secure_free(void *p, size_t len);

/* ---- ACL policies (policy_parse.c, policy_acl.c) ------------------------ */

enum vault_cap {
	VAULT_CAP_DENY = 1 << 0,
	VAULT_CAP_CREATE = 1 << 1,
	VAULT_CAP_READ = 1 << 2,
	VAULT_CAP_UPDATE = 1 << 3,
	VAULT_CAP_DELETE = 1 << 4,
	VAULT_CAP_LIST = 1 << 5,
	VAULT_CAP_SUDO = 1 << 6,
	VAULT_CAP_PATCH = 1 << 7,
	VAULT_CAP_SUBSCRIBE = 1 << 8,
};

#define VAULT_POLICY_MAX_BYTES (1u << 20)
#define VAULT_POLICY_MAX_PATHS 10000
/* per path block of one policy: names in allowed_parameters,
 * denied_parameters or required_parameters, and values listed for one
 * name (merged rules of several policies may hold more) */
#define VAULT_POLICY_MAX_PARAMS 256
#define VAULT_POLICY_MAX_PARAM_VALUES 256
/* per request: list elements and comma-separated pieces of parameters a
 * rule constrains to listed values that vault_acl_check_params examines;
 * past it the request is refused */
#define VAULT_ACL_MAX_CHECKED_VALUES 4096

struct vault_policy; /* parsed; opaque */

// Parses a policy in Vault's HCL syntax
//   path "secret/data/app/*" { capabilities = ["read", "list"] }
//   path "secret/+/team/*"   { capabilities = ["deny"] }
// (comments "#", "//" and block comments, several paths, the JSON form
// {"path": {"secret/*": {"capabilities": [...]}}} too).  A path block's
// allowed_parameters, denied_parameters, required_parameters,
// min_wrapping_ttl and max_wrapping_ttl are kept with the rule (enforced
// through vault_acl_match + vault_acl_check_params); other keys
// (mfa_methods, control_group, comment, ...) are accepted and skipped.
// Unknown capabilities, malformed input and constraints of the wrong type
// are errors naming line and column.  name is the policy's name
// (lower-cased, as Vault stores it).  Caller frees with vault_policy_free.
int vault_policy_parse(const char *name, const char *text, size_t len,
		       struct vault_policy **ret, struct bw_error *err);
void vault_policy_free(struct vault_policy *p);
const char *vault_policy_name(const struct vault_policy *p);

struct vault_acl; /* the merged rules of a token's policies; opaque */

/*
 * Merges policies into an ACL as Vault does: rules for the same path
 * string are unioned (deny in any of them makes that path deny-all), their
 * parameter and wrapping constraints merged as Vault's NewACL does (see
 * docs/vault.md); "root" policy name grants everything.  The policies may
 * be freed after.
 */
int vault_acl_new(const struct vault_policy *const *p, size_t n,
		  struct vault_acl **ret);
void vault_acl_free(struct vault_acl *a);

/*
 * The capabilities the ACL grants on path (no leading slash, e.g.
 * "secret/data/app/db"): the rule of the highest-priority matching path
 * decides (Vault's rules: an exact path beats globs; among globs the one
 * whose first wildcard ("+" or "*") comes later wins, then the one not
 * ending in "*", then fewer "+" segments, then the longer path, then the
 * lexicographically larger).  Returns the capability bits (0 = nothing,
 * VAULT_CAP_DENY alone when denied).
 */
unsigned vault_acl_capabilities(const struct vault_acl *a, const char *path);

struct vault_acl_rule; /* one merged rule of an ACL; opaque, owned by it */

/*
 * The rule that decides path (the one vault_acl_capabilities picks), with
 * its capabilities in *ret_caps (every capability but deny for root, 0
 * when nothing matches).  Returns NULL when nothing matches or the ACL is
 * root (root is unconstrained).  The rule lives as long as the ACL.
 */
const struct vault_acl_rule *vault_acl_match(const struct vault_acl *a,
					     const char *path,
					     unsigned *ret_caps);

/* The rule for exactly path (no glob) with its capabilities in *ret_caps,
 * or NULL (also for root).  The router's LIST check uses it as Vault does:
 * an exact rule for "a/", then one for "a", then whatever vault_acl_match
 * picks for "a/". */
const struct vault_acl_rule *vault_acl_exact(const struct vault_acl *a,
					     const char *path,
					     unsigned *ret_caps);

/*
 * Checks a request against a matched rule's constraints, in Vault's order
 * (vault/acl.go AllowOperation, after the capability check):
 *   1. wrapping: with max_wrapping_ttl the request must be wrapped with a
 *      TTL <= max; with min_wrapping_ttl wrapped with a TTL >= min
 *      (wrap_ttl in seconds, 0 = not wrapped);
 *   2. only when params is not NULL (Vault checks parameters on read,
 *      create/update and patch, not on delete or list): every
 *      required_parameters name must be a key of params; then, if params
 *      has keys, denied_parameters ("*": every parameter; a name: the
 *      values listed, [] = any) and allowed_parameters (a name not listed
 *      without "*" is refused; a listed name must carry a listed value).
 * params is the request's parameters: the JSON body's top-level object,
 * or for a read the query arguments.  Values match as Vault 1.21 does
 * (leading/trailing "*" globs on strings, per element of a list or of a
 * comma-separated string); see docs/vault.md for how non-string values
 * compare.  r NULL (root, or wrapping tokens) is unconstrained.
 * Returns 0 when allowed, -EACCES when refused with the reason in msg (the
 * client is told only "permission denied", as by Vault), -ENOMEM.  Only
 * reads the rule: safe from several threads on one shared ACL.
 */
int vault_acl_check_params(const struct vault_acl_rule *r, json_t *params,
			   int64_t wrap_ttl, char *msg, size_t msglen);

/* Whether caps allow an operation needing cap (deny wins). */
static inline int vault_caps_allow(unsigned caps, unsigned cap)
{
	return !(caps & VAULT_CAP_DENY) && (caps & cap);
}

/* ---- audit log (audit.c) ------------------------------------------------ */

struct vault_audit; /* an open audit device; opaque */

/* Longest audit line (without its newline) written or verified. */
#define VAULT_AUDIT_MAX_LINE (16u << 20)

/*
 * Opens (creating, mode 0600) an append-only audit log.  Every line is a
 * JSON object {"time", "type": "request"|"response", "auth", "request",
 * "response", "error", "prev_hash", "hash"}: string values under auth,
 * request.data and response.data (and the client token) are replaced by
 * "hmac-sha256:<hex>" keyed with the device salt (salt: 32 bytes, kept
 * by the caller in the sealed store; also used by vault_audit_hash);
 * hash = SHA-256 of prev_hash and the line without its hash field, so a
 * truncated, reordered or edited log fails verification.  On open the
 * chain continues from the last line of an existing file.  Returns 0 or
 * a negative code (the server refuses to serve when it cannot log).
 */
int vault_audit_open(const char *path, const uint8_t salt[32],
		     struct vault_audit **ret, struct bw_error *err);

/* Appends one entry (type "request" or "response"); the fields are
 * copied and HMAC-ed as described; fsync per line.  0, -EINVAL (bad
 * type, a section not an object, an entry over VAULT_AUDIT_MAX_LINE) or
 * -EIO. */
int vault_audit_log(struct vault_audit *a, const char *type, json_t *auth,
		    json_t *request, json_t *response, const char *error,
		    struct bw_error *err);
void vault_audit_close(struct vault_audit *a);

/* "hmac-sha256:<hex>" of s with the salt, into buf (>= 80 bytes). */
const char *vault_audit_hash(const uint8_t salt[32], const char *s, char *buf,
			     size_t len);

/*
 * Verifies a log's hash chain: 0 when every line is well-formed and
 * chained (*ret_lines = lines checked), -EBADMSG naming the first bad
 * line otherwise (edited, reordered, truncated in the middle, or a torn
 * last line).
 */
int vault_audit_verify(const char *path, size_t *ret_lines,
		       struct bw_error *err);

/* ==== server ============================================================= */
/*
 * The server is layered, each layer usable and tested on its own:
 *
 *   server.c   HTTP(S): headers, token, query -> vault_handle; the
 *              libmicrohttpd daemon and bounded bodies are the shared
 *              layer's (common/https_server.c)
 *   router.c   a table of {path pattern, handler}; Vault's envelopes/errors
 *   seal.c     the core: init, unseal progress, seal, health, root token
 *   barrier.c  AES-256-GCM over the storage with a keyring; sealed = no keys
 *   storage.c  the physical key/value backends (SQLite, in-memory)
 *
 * Thread model: MHD runs a pool of polling threads, each calling
 * vault_handle concurrently.  struct vault_core is shared by them and guards
 * its seal state (keys, unseal progress) with one mutex; the barrier's
 * keyring is read under a read-write lock (seal takes it for writing, so no
 * request sees half-zeroed keys); each storage backend serialises its own
 * handle.  Nothing else is shared between requests.
 *
 * One more thread, the tidy sweeper (tidy.c), lives as long as the server
 * (vault_server_start starts it, vault_server_stop stops it): it waits on
 * a condition variable for its interval (tidy_interval) or a request from
 * auth/token/tidy or auth/approle/tidy/secret-id, and sweeps only while
 * the barrier is unsealed (a tick while sealed does nothing; a seal part
 * way through ends the sweep at its next batch, the barrier refusing
 * anything in between).  It shares the core like a request does: it holds
 * no lock while it lists and reads, and takes the lock the writers of a key
 * hold (the token store's tok_mu, the AppRole and wrapping mutexes) only
 * around the re-check and deletion of that one key, so a renewal racing
 * the sweep either lands first (the token is kept) or finds it revoked.
 * Its own mutex guards only its schedule (pending and running sweeps);
 * stopping it signals the condition and it ends within one key.
 */

/* ---- storage (storage.c) ------------------------------------------------ */

#define VAULT_STORAGE_MAX_KEY 4096
#define VAULT_STORAGE_MAX_VALUE (64u << 20)

struct vault_storage;

/*
 * A physical backend.  Keys are NUL-terminated paths ("core/keyring",
 * "core/token/id/<hash>"); values are opaque bytes (the barrier's
 * ciphertext).  get returns -ENOENT for a missing key and a new buffer the
 * caller frees with free(); put must be durable when it returns 0; delete
 * of a missing key is 0; list returns the immediate children of prefix
 * (prefix must be "" or end in "/") as a sorted JSON array of strings,
 * sub-folders once each with a trailing "/", as Vault's physical List.
 * Every operation may be called from several threads at once.
 */
struct vault_storage_ops {
	const char *name;
	int (*get)(struct vault_storage *s, const char *key, uint8_t **ret,
		   size_t *ret_len, struct bw_error *err);
	int (*put)(struct vault_storage *s, const char *key, const uint8_t *val,
		   size_t len, struct bw_error *err);
	int (*delete)(struct vault_storage *s, const char *key,
		      struct bw_error *err);
	int (*list)(struct vault_storage *s, const char *prefix, json_t **ret,
		    struct bw_error *err);
	void (*close)(struct vault_storage *s); /* frees s */
};

/* Every backend's state begins with this. */
struct vault_storage {
	const struct vault_storage_ops *ops;
};

/* SQLite file: WAL, synchronous=FULL, busy timeout, table kv. */
int vault_storage_sqlite_open(const char *path, struct vault_storage **ret,
			      struct bw_error *err);
/* In memory (--dev): gone when closed. */
int vault_storage_mem_open(struct vault_storage **ret);
/* s->ops->close(s), NULL is fine. */
void vault_storage_close(struct vault_storage *s);

/* ---- barrier (barrier.c) ------------------------------------------------ */

#define VAULT_KEY_LEN 32
#define VAULT_BARRIER_MAX_TERMS 1024
/* The barrier's own entries; under the "core/" prefix no request reaches. */
#define VAULT_KEYRING_PATH "core/keyring"

struct vault_barrier; /* opaque */

/*
 * The encryption barrier over a storage backend (not owned).  Each value
 * is stored as
 *   version (1 byte, 1) | term (4 bytes BE) | nonce (12) | ciphertext | tag
 * (16) with AES-256-GCM under the keyring key of that term, the AAD being the
 * version, term and storage path, so a value copied to another path, or
 * with its header changed, fails authentication (-EBADMSG).  The keyring
 * (all terms' keys; the newest encrypts, all decrypt) is itself stored at
 * VAULT_KEYRING_PATH in the same format, term 0, under the root key.
 * Keys live only in mlock'ed memory and are zeroed on seal and free.
 * While sealed every data operation returns -EACCES.
 */
int vault_barrier_new(struct vault_storage *st, struct vault_barrier **ret);
void vault_barrier_free(struct vault_barrier *b); /* seals first */

/* 1 when a keyring exists in storage, 0 when not, or negative. */
int vault_barrier_initialized(struct vault_barrier *b, struct bw_error *err);
/* Writes a new keyring (term 1) under root_key; leaves the barrier sealed.
 * -EEXIST when already initialised. */
int vault_barrier_initialize(struct vault_barrier *b,
			     const uint8_t root_key[VAULT_KEY_LEN],
			     struct bw_error *err);
/* Decrypts the keyring with root_key: 0, or -EPERM when the key is wrong
 * (the GCM tag does not verify), -ENOENT when not initialised. */
int vault_barrier_unseal(struct vault_barrier *b,
			 const uint8_t root_key[VAULT_KEY_LEN],
			 struct bw_error *err);
void vault_barrier_seal(struct vault_barrier *b);
int vault_barrier_sealed(struct vault_barrier *b);
/* Adds a key of the next term, which encrypts from now on; the keyring is
 * rewritten under the root key.  Returns 0 and the new term in *ret_term. */
int vault_barrier_rotate(struct vault_barrier *b, uint32_t *ret_term,
			 struct bw_error *err);
uint32_t vault_barrier_term(struct vault_barrier *b); /* 0 when sealed */

/* Like the storage operations, through the encryption; -EACCES sealed,
 * -EBADMSG when a value does not authenticate. */
int vault_barrier_get(struct vault_barrier *b, const char *key, uint8_t **ret,
		      size_t *ret_len, struct bw_error *err);
int vault_barrier_put(struct vault_barrier *b, const char *key,
		      const uint8_t *val, size_t len, struct bw_error *err);
int vault_barrier_delete(struct vault_barrier *b, const char *key,
			 struct bw_error *err);
int vault_barrier_list(struct vault_barrier *b, const char *prefix,
		       json_t **ret, struct bw_error *err);

/*
 * vault_barrier_get, the value parsed as JSON (-EBADMSG when it is not),
 * through the barrier's cache of decoded documents (doc_cache.c).  *ret is
 * a new reference to a SHARED document: callers must not modify it (copy
 * it with json_deep_copy to change it).  The cache keeps plaintext in
 * ordinary memory, so this is for documents that are not secret values
 * (the mount table, token entries, KV metadata: what Vault also keeps in
 * memory); secret data is read with vault_barrier_get, decrypted per read.
 * Puts and deletes through the barrier drop their key; seal empties it.
 */
int vault_barrier_get_doc(struct vault_barrier *b, const char *key,
			  json_t **ret, struct bw_error *err);

/* ---- the decoded-document cache (doc_cache.c) ---------------------------- */

#define VAULT_DOC_CACHE_DEFAULT 16384 /* entries */

struct vault_doc_cache; /* opaque; thread-safe */

/* max_entries 0: VAULT_DOC_CACHE_DEFAULT.  0 or -ENOMEM. */
int vault_doc_cache_new(size_t max_entries, struct vault_doc_cache **ret);
void vault_doc_cache_free(struct vault_doc_cache *dc);
/* A new reference to key's cached document, or NULL. */
json_t *vault_doc_cache_get(struct vault_doc_cache *dc, const char *key);
/* The write generation: note it before reading storage ... */
uint64_t vault_doc_cache_gen(struct vault_doc_cache *dc);
/* ... and insert what was read with it: kept only when no drop or clear
 * happened since (else it may be stale).  Takes its own reference. */
void vault_doc_cache_insert(struct vault_doc_cache *dc, const char *key,
			    json_t *doc, uint64_t gen);
void vault_doc_cache_drop(struct vault_doc_cache *dc, const char *key);
void vault_doc_cache_clear(struct vault_doc_cache *dc);
size_t vault_doc_cache_size(struct vault_doc_cache *dc);

/* ---- core: seal state, init, unseal, tokens (seal.c) -------------------- */

#define VAULT_MAX_REQUEST_SIZE (32u << 20) /* Vault's max_request_size */
#define VAULT_MAX_PATH 1024
#define VAULT_MAX_QUERY 32

struct vault_core; /* opaque; see the thread model above */

/* Creates the core over st (not owned; must outlive the core). */
int vault_core_new(struct vault_storage *st, struct vault_core **ret,
		   struct bw_error *err);
void vault_core_free(struct vault_core *c); /* seals, zeroes */
/*
 * Optional audit hook: called with type "request" before a request is
 * handled and "response" after; a nonzero return fails the request with
 * 500 (the server refuses to serve what it cannot log, as Vault does).
 * The command wires it to vault_audit_log; ctx is not owned.
 */
typedef int (*vault_audit_fn)(void *ctx, const char *type, json_t *auth,
			      json_t *request, json_t *response,
			      const char *error);
void vault_core_set_audit(struct vault_core *c, vault_audit_fn fn, void *ctx);

/*
 * Logs to the audit device at path (vault_audit_*): it is opened at every
 * unseal with the salt kept in the barrier at "core/audit-salt" (created
 * on first use) and closed at seal, so, as in Vault, nothing is logged
 * while sealed (the unauthenticated sys/ endpoints).  While unsealed a
 * request or response that cannot be logged fails with 500.  Checks now
 * that the file can be opened for appending.  path is copied.
 */
int vault_core_enable_audit(struct vault_core *c, const char *path,
			    struct bw_error *err);
int vault_core_sealed(struct vault_core *c);
void vault_core_seal(struct vault_core *c);

/*
 * sys/init: creates the root key, splits it into shares (one share is the
 * key itself), initialises the barrier, unseals it to create the root
 * token, then seals again.  *ret = {"keys": [hex...], "keys_base64": [...],
 * "root_token": "hvs...."} (the caller json_decref's it).
 */
int vault_core_init(struct vault_core *c, int shares, int threshold,
		    json_t **ret, struct bw_error *err);

/*
 * sys/unseal with one key (hex or base64 text): adds it to the progress;
 * once threshold distinct keys are in, combines them and unseals the
 * barrier.  A wrong key set fails (-EPERM, the keyring's GCM tag) and
 * resets the progress.  reset != 0 clears the progress first (key may be
 * NULL then).  0 or a negative code with err filled.
 */
int vault_core_unseal(struct vault_core *c, const char *key, int reset,
		      struct bw_error *err);
/* sys/seal-status body (new reference). */
json_t *vault_core_seal_status(struct vault_core *c);

/* ---- router (router.c) -------------------------------------------------- */

enum vault_op {
	VAULT_OP_READ,	 /* GET, HEAD */
	VAULT_OP_UPDATE, /* PUT, POST (Vault does not tell them apart) */
	VAULT_OP_DELETE, /* DELETE */
	VAULT_OP_LIST,	 /* LIST, GET ?list=true */
	VAULT_OP_PATCH,	 /* PATCH */
};

struct vault_request {
	enum vault_op op;
	const char *method;   /* as received, for the audit log */
	const char *raw_path; /* the URL path after "/v1/" */
	const char *body;     /* may be NULL; not NUL-terminated */
	size_t body_len;
	const char *token;	  /* X-Vault-Token or Bearer; NULL */
	const char *remote_addr;  /* for the audit log; may be NULL */
	const char *content_type; /* Content-Type header; may be NULL */
	const char *wrap_ttl;	  /* X-Vault-Wrap-TTL header; may be NULL */
	size_t nquery;
	struct {
		const char *key, *value; /* value may be NULL */
	} query[VAULT_MAX_QUERY];
};

struct vault_response {
	int status;
	json_t *body; /* NULL for no body (204) */
};

/*
 * Answers one request: normalises the path (refusing "..", "." and empty
 * segments with 400), parses the JSON body (400 on malformed JSON or a
 * non-object), finds the handler in the route table, checks seal state and
 * token, and fills *resp (the caller json_decref's resp->body).  Never
 * fails: every error is a Vault error response.
 */
void vault_handle(struct vault_core *c, const struct vault_request *req,
		  struct vault_response *resp);

/* ---- tidy: the sweep of expired state (tidy.c) --------------------------- */
/*
 * Expired state is also reaped lazily (the lookup that finds a token
 * expired revokes it), but what nobody presents again stays in storage:
 * the sweep removes it, as Vault's auth/token/tidy and
 * auth/approle/tidy/secret-id do, and runs on its own every tidy_interval.
 */

#define VAULT_TIDY_DEFAULT_INTERVAL 300 /* seconds: "5m" */

enum vault_tidy_what {
	/* dead tokens (expired, or an ancestor gone or expired) revoked with
	 * their children, parent links and accessor entries whose token is
	 * gone, wrapped responses whose wrapping token is gone */
	VAULT_TIDY_TOKENS = 1 << 0,
	/* AppRole secret ids expired or without their accessor entry, and
	 * accessor entries without their secret id */
	VAULT_TIDY_SECRET_IDS = 1 << 1,
	VAULT_TIDY_ALL = VAULT_TIDY_TOKENS | VAULT_TIDY_SECRET_IDS,
};

struct vault_tidy_stats {
	size_t tokens_scanned, tokens_revoked; /* revoked: subtree roots */
	size_t parent_links_deleted, accessors_deleted, wrapped_deleted;
	size_t secret_ids_scanned, secret_ids_deleted,
	    secret_id_accessors_deleted;
	size_t errors; /* keys that could not be checked or deleted */
};

/*
 * One sweep of what (enum vault_tidy_what bits) in the calling thread;
 * counts added to *st (may be NULL).  0, -EACCES when sealed,
 * -ECANCELED when sealed part way, or the first error of a key (the sweep
 * went on past it).
 */
int vault_tidy_run(struct vault_core *c, unsigned what,
		   struct vault_tidy_stats *st, struct bw_error *err);

struct vault_tidy; /* the background sweeper: one thread; opaque */

typedef void (*vault_tidy_report_fn)(void *ctx,
				     const struct vault_tidy_stats *st, int rc,
				     const char *msg);

/*
 * Starts the sweeper for c: a full sweep every interval seconds (0: only
 * when asked by the tidy endpoints), reported to report (may be NULL)
 * when it removed something or failed.  The tidy endpoints of c hand
 * their sweeps to it until it stops.  One per core.  0, -EBUSY when c has
 * one, -ENOMEM, or pthread's error.
 */
int vault_tidy_start(struct vault_core *c, long long interval,
		     vault_tidy_report_fn report, void *report_ctx,
		     struct vault_tidy **ret, struct bw_error *err);
/* Stops it: a sweep under way ends at its next key; joins; NULL is fine.
 * Nothing may call the tidy endpoints of its core meanwhile (the server
 * stops serving first). */
void vault_tidy_stop(struct vault_tidy *t);
/* Tests: waits up to timeout_ms until at least n sweeps have finished
 * since the start; the number finished.  *st (may be NULL): the last one's
 * counts. */
unsigned vault_tidy_wait(struct vault_tidy *t, unsigned n, long timeout_ms,
			 struct vault_tidy_stats *st);

/* ---- server (server.c, config.c) ---------------------------------------- */

/*
 * A flat YAML mapping of scalars (flat_yaml.c): fn(ctx, key, value, vlen,
 * line, err) for each key: value in order (value not NUL-terminated);
 * fn returns 0 or a negative code, which stops the walk.  Nested values,
 * sequences, aliases and keys over 63 bytes are errors naming path and
 * line.  0 or a negative code.
 */
typedef int (*vault_flat_fn)(void *ctx, const char *key, const char *val,
			     size_t vlen, int line, struct bw_error *err);
int vault_flat_yaml(const char *text, size_t len, const char *path,
		    vault_flat_fn fn, void *ctx, struct bw_error *err);

struct vault_config {
	char *listen;	     /* "127.0.0.1:8200" */
	char *tls_cert_file; /* required unless dev */
	char *tls_key_file;
	char *storage_path; /* SQLite file; required unless dev */
	char *audit_log;    /* optional */
	int dev;
	/*
	 * Benchmark floor (bench/vault/): GET /v1/sys/internal/bench-floor
	 * answers a fixed 200 from the transport, without the core.  Never
	 * read from a config file (vault_config_load cannot set it); only the
	 * command line sets it, and vault_server_start refuses it unless dev.
	 */
	int bench_floor;
	/*
	 * How often the background sweep removes expired tokens, secret ids
	 * and wrapped responses: a duration as Vault writes them ("30s",
	 * "5m", "1h", or seconds); NULL: "5m"; "0": no periodic sweep (the
	 * tidy endpoints still work).
	 */
	char *tidy_interval;
	/* Where the sweeper reports a sweep that removed something or
	 * failed (the command prints it); NULL: nowhere.  Not from a file. */
	vault_tidy_report_fn tidy_report;
	void *tidy_report_ctx;
};

/* Reads a YAML or JSON config (flat mapping of the fields above; unknown
 * keys are errors; a bad tidy_interval is an error naming its line).
 * vault_config_free frees the strings. */
int vault_config_load(const char *path, struct vault_config *ret,
		      struct bw_error *err);
/* The same from text already read (len bytes, not NUL-terminated), path
 * only naming it in errors. */
int vault_config_parse(const char *text, size_t len, const char *path,
		       struct vault_config *ret, struct bw_error *err);
void vault_config_free(struct vault_config *cfg);

struct vault_server; /* opaque */

/* Starts serving c on cfg->listen, with TLS 1.2+ unless cfg->dev and no
 * certificate is given.  Port 0 picks one (vault_server_port). */
int vault_server_start(const struct vault_config *cfg, struct vault_core *c,
		       struct vault_server **ret, struct bw_error *err);
unsigned vault_server_port(const struct vault_server *s);
void vault_server_stop(struct vault_server *s);

/* ==== client (client.c) ================================================== */
/*
 * The client side of `bulwark vault` (src/cli/cmd_vault_*.c): one libcurl
 * easy handle per client, reused (keep-alive) for every request of a
 * command; TLS verification on unless skip_verify; bounded responses; and
 * the pure helpers the commands share (Vault CLI style flags, k=v
 * arguments, durations, KV v2 paths), unit-tested on their own.  Not
 * thread-safe: one client per thread.
 */

#define VAULT_DEFAULT_ADDR "https://127.0.0.1:8200"
#define VAULT_CLIENT_MAX_RESPONSE (32u << 20) /* bytes of one response */
#define VAULT_CLIENT_MAX_INPUT (32u << 20)    /* k=@file, k=-, policy file */
#define VAULT_CLIENT_TIMEOUT_MS 60000L /* VAULT_CLIENT_TIMEOUT's default */
#define VAULT_CLIENT_CONNECT_TIMEOUT_MS 10000L
#define VAULT_CLIENT_MAX_ARGS 4096
#define VAULT_CLIENT_MAX_VERSIONS 1024 /* numbers in one -versions list */

struct vault_client_config {
	const char *address; /* "https://host:port"; NULL: VAULT_DEFAULT_ADDR */
	const char *token;   /* sent as X-Vault-Token; may be NULL */
	const char
	    *ca_cert;	 /* PEM file to verify the server with; NULL: system */
	int skip_verify; /* no certificate/host verification (insecure) */
	long timeout_ms; /* whole request; 0: VAULT_CLIENT_TIMEOUT_MS */
};

struct vault_client; /* opaque */

/* Copies cfg (the token into memory zeroed at free).  -EINVAL for an
 * address that is not http(s)://, -ENOMEM, -EIO when libcurl fails. */
int vault_client_new(const struct vault_client_config *cfg,
		     struct vault_client **ret, struct bw_error *err);
void vault_client_free(struct vault_client *c); /* NULL is fine */
const char *vault_client_address(const struct vault_client *c);

/*
 * One API call: method "GET", "PUT", "POST", "DELETE", "PATCH" or "LIST"
 * (sent as GET ?list=true, as Vault's Go client does) on /v1/<path>, with
 * body (NULL: none) as JSON (PATCH as application/merge-patch+json).
 * Returns 0 once any HTTP response arrived: its status in *ret_status and
 * its JSON in *ret_body (new reference; NULL when empty; an error body that
 * is not JSON becomes {"errors": ["<text>"]}).  Negative for transport
 * failures (-ECONNREFUSED, -ETIMEDOUT, -EPROTO for TLS or a 2xx body that
 * is not JSON, -EFBIG over VAULT_CLIENT_MAX_RESPONSE) with err filled.
 */
int vault_client_request(struct vault_client *c, const char *method,
			 const char *path, const json_t *body, int *ret_status,
			 json_t **ret_body, struct bw_error *err);

/*
 * Formats an API error as the vault CLI does into buf:
 *   Error making API request.\n\nURL: GET https://.../v1/path\n
 *   Code: 403. Errors:\n\n* permission denied
 * Returns buf.
 */
const char *vault_client_error_text(const struct vault_client *c,
				    const char *method, const char *path,
				    int status, const json_t *body, char *buf,
				    size_t len);

/*
 * The KV engine mounted over path: asks sys/internal/ui/mounts/<path> as
 * the vault CLI does, falls back to sys/mounts, and when neither answers
 * (not implemented, or no permission) assumes KV v2 at "secret/" for paths
 * under it and KV v1 at the first segment otherwise.  Writes the mount
 * ("secret/", with its slash) into mount and 1 or 2 into *ret_version.
 */
int vault_kv_detect(struct vault_client *c, const char *path, char *mount,
		    size_t mount_len, int *ret_version, struct bw_error *err);

/* Pure half of the above: finds path's longest mount in a sys/mounts body
 * (either {"secret/": {...}} or the envelope's "data"); 0, or -ENOENT. */
int vault_kv_match_mounts(const json_t *mounts, const char *path, char *mount,
			  size_t mount_len, int *ret_version);

/*
 * The API path of a KV path: for version 2, mount + kind ("data",
 * "metadata", ...) + "/" + the rest ("secret/app" -> "secret/data/app");
 * for version 1 the path itself.  A leading "/" is dropped; a path already
 * naming kind under the mount is kept as is (as the vault CLI does).
 * 0, -EINVAL (empty or outside mount), -ENAMETOOLONG.
 */
int vault_kv_path(const char *mount, int version, const char *kind,
		  const char *path, char *buf, size_t len,
		  struct bw_error *err);

/*
 * Vault CLI key=value arguments into a JSON object: "k=v" a string,
 * "k=@file" the file's contents, "k=-" stdin's, a lone "-" a JSON object
 * read from stdin (merged); stdin may be used once; a key repeated becomes
 * an array, as vault's kvbuilder.  in is stdin (for tests).  -EINVAL with
 * err naming the argument, -E2BIG over VAULT_CLIENT_MAX_INPUT.
 */
int vault_kv_parse_args(int argc, char *const *argv, FILE *in, json_t **ret,
			struct bw_error *err);

/* Reads all of f (at most max bytes, else -E2BIG) into a new NUL-terminated
 * buffer; *ret_len without the NUL.  The caller frees it. */
int vault_read_all(FILE *f, size_t max, char **ret, size_t *ret_len,
		   struct bw_error *err);

/*
 * Durations as Vault takes them: an integer is seconds ("3600"), else
 * Go-style number-unit groups "1h30m", "90s", "1.5h", "2d" (units ms, s,
 * m, h, d; the result rounded down to whole seconds).  0 or -EINVAL.
 */
int vault_parse_duration(const char *s, long long *ret_seconds);
/* seconds as vault prints them: "1h30m", "768h", "45s", "0s". */
const char *vault_format_duration(long long seconds, char *buf, size_t len);
/* Go's strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False. */
int vault_parse_bool(const char *s, int *ret);

/*
 * Vault CLI flags (Go's flag package): "-name", "--name", "-name=value",
 * "-name value"; a bool takes no separate value ("-name=false" works);
 * flags and arguments may interleave; "--" ends flags; a lone "-" is an
 * argument.  STRINGS flags repeat (values appended to a JSON array; "a,b"
 * is two values).  MAP flags repeat too, each value one "K=V" (K not
 * empty, V may hold commas; a repeated K keeps the last), as vault's
 * -metadata and -custom-metadata.
 * Arguments land in args (room for argc) and *ret_nargs.  Returns 0, 1
 * for -h/-help/--help, or -EINVAL naming the bad flag.
 */
enum vault_flag_type {
	VAULT_FLAG_BOOL,     /* int * */
	VAULT_FLAG_STRING,   /* const char ** (points into argv) */
	VAULT_FLAG_INT,	     /* long * */
	VAULT_FLAG_DURATION, /* long long * seconds */
	VAULT_FLAG_STRINGS,  /* json_t ** (array, created on first use) */
	VAULT_FLAG_MAP,	     /* json_t ** (object, created on first use) */
};
struct vault_flag {
	const char *name;
	enum vault_flag_type type;
	void *dest;
};
int vault_flags_parse(const struct vault_flag *flags, size_t nflags, int argc,
		      char **argv, char **args, int *ret_nargs,
		      struct bw_error *err);

/*
 * The numbers of a -versions flag (VAULT_FLAG_STRINGS: "1,2" already two
 * items) into a new array of integers (*ret, the caller decrefs): each
 * item, blanks around it ignored, a decimal integer 1..2^31-1; at least
 * one, at most VAULT_CLIENT_MAX_VERSIONS.  0, or -EINVAL naming the item.
 */
int vault_parse_versions(const json_t *items, json_t **ret,
			 struct bw_error *err);

/* Go's %v of a JSON value as vault's table output prints it: strings as
 * is, null "<nil>", arrays "[a b]", objects "map[k:v]".  New string. */
char *vault_value_text(const json_t *v);

/* ==== secret delivery (inject.c) ========================================= */
/*
 * The pieces of `bulwark vault inject` and `bulwark vault oci-hook` that do
 * not talk to a server: secret specs ("secret/app/db=db.json"), rendering a
 * KV secret's data into a file's bytes, writing such files atomically (a
 * temp file in the same directory made with O_EXCL, fsync, fchown/fchmod,
 * rename, fsync of the directory), tmpfs detection and mounting, and the
 * OCI hook's inputs (the runtime's state JSON, the bundle's config.json,
 * the root-only hook configuration).  Library code: nothing is printed.
 */

#define VAULT_INJECT_MAX_SECRETS 64
#define VAULT_INJECT_MAX_NAME 128	       /* bytes of a file name */
#define VAULT_INJECT_MAX_FILE (1u << 20)       /* bytes of one rendered file */
#define VAULT_INJECT_MAX_STATE (1u << 20)      /* OCI state JSON on stdin */
#define VAULT_INJECT_MAX_OCI_CONFIG (4u << 20) /* a bundle's config.json */
#define VAULT_INJECT_TMPFS_OPTS "size=1m,mode=0700"
#define VAULT_HOOK_CONFIG "/etc/bulwark/vault-hook.yaml"
#define VAULT_HOOK_DIR "/run/secrets" /* inside the container */
/* OCI annotations the hook reads */
#define VAULT_ANN_SECRETS "io.bulwark.vault.secrets"
#define VAULT_ANN_ROLE "io.bulwark.vault.role"
#define VAULT_ANN_FORMAT "io.bulwark.vault.format"

/* How a secret's data becomes a file:
 *   JSON  the data object, as JSON (keys sorted, one line, "\n" at the end)
 *   ENV   KEY='value' lines, keys sorted; a key that is not a shell
 *         identifier is an error; non-string values as JSON text; a "'" in a
 *         value is written '\'' (the file can be sourced by sh)
 *   RAW   one field's value (needs field): a string as is, anything else as
 *         JSON text; no newline added */
enum vault_inject_format {
	VAULT_INJECT_JSON,
	VAULT_INJECT_ENV,
	VAULT_INJECT_RAW,
};

/* "json", "env" or "raw"; 0 or -EINVAL. */
int vault_inject_parse_format(const char *s, enum vault_inject_format *ret);

struct vault_inject_secret {
	char path[VAULT_MAX_PATH];	      /* KV path, "secret/app/db" */
	char name[VAULT_INJECT_MAX_NAME + 1]; /* file name in the directory */
};

/*
 * One spec "PATH[=NAME]" of length len (not NUL-terminated).  Without NAME
 * the file is named after PATH's last segment plus ext (".json", ".env" or
 * "").  A NAME must be a plain file name (vault_inject_name_ok).  0 or
 * -EINVAL naming the spec.
 */
int vault_inject_parse_spec(const char *spec, size_t len, const char *ext,
			    struct vault_inject_secret *ret,
			    struct bw_error *err);
/*
 * A comma-separated list of specs (the secrets annotation) appended to
 * list (*n entries used, room for VAULT_INJECT_MAX_SECRETS); blanks around
 * items are ignored; two specs naming the same file are an error.
 * 0, -EINVAL, -E2BIG over the maximum.
 */
int vault_inject_parse_list(const char *text, size_t len, const char *ext,
			    struct vault_inject_secret *list, size_t *n,
			    struct bw_error *err);
/* A file name we will create: 1..VAULT_INJECT_MAX_NAME bytes of
 * [A-Za-z0-9._-], not starting with "." (the temp files do). */
int vault_inject_name_ok(const char *name, size_t len);

/* Renders data (a KV secret's data object) as fmt (field: RAW's field, or
 * with JSON/ENV only that field, wrapped in an object).  New buffer in
 * *ret (the caller cleanses and frees it), its length in *ret_len.
 * -EINVAL (missing field, bad ENV key), -EFBIG over VAULT_INJECT_MAX_FILE. */
int vault_inject_render(const json_t *data, enum vault_inject_format fmt,
			const char *field, char **ret, size_t *ret_len,
			struct bw_error *err);

/*
 * Writes data to dirfd/name atomically with mode and owner (uid/gid -1:
 * unchanged).  When the file already holds exactly data with that mode
 * and owner nothing is written and *ret_changed is 0, else 1.  A symlink
 * at name is replaced, never followed.  0 or negative errno.
 */
int vault_inject_write(int dirfd, const char *name, const void *data,
		       size_t len, unsigned mode, long uid, long gid,
		       int *ret_changed, struct bw_error *err);
/* Removes dirfd/name; a missing file is fine.  0 or negative errno. */
int vault_inject_remove(int dirfd, const char *name);

/* 1 when path is on a tmpfs, 0 when not, negative errno. */
int vault_inject_is_tmpfs(const char *path);
/* mount("tmpfs", path, "tmpfs", MS_NOSUID|MS_NODEV|MS_NOEXEC,
 * VAULT_INJECT_TMPFS_OPTS[",uid=U,gid=G"]) (uid/gid -1: omitted). */
int vault_inject_mount_tmpfs(const char *path, long uid, long gid,
			     struct bw_error *err);

/* What the OCI hook needs from the runtime state (stdin) and the bundle's
 * config.json.  annotations: config.json's, else the state's (new ref). */
struct vault_oci_state {
	char id[256];
	long pid;
	char bundle[VAULT_MAX_PATH];
	json_t *annotations;
};
/* Parses the state JSON ({ociVersion, id, status, pid, bundle,
 * annotations}); pid > 0 and an absolute bundle are required.  0 or
 * -EINVAL; vault_oci_state_free releases it. */
int vault_oci_state_parse(const char *buf, size_t len,
			  struct vault_oci_state *ret, struct bw_error *err);
void vault_oci_state_free(struct vault_oci_state *s);

struct vault_oci_config {
	char rootfs[VAULT_MAX_PATH]; /* root.path made absolute
					(bundle-relative) */
	long uid, gid;		     /* process.user (0 when absent) */
	json_t *annotations;	     /* new reference, or NULL */
};
/* Parses a bundle's config.json (buf) for bundle.  0 or -EINVAL. */
int vault_oci_config_parse(const char *buf, size_t len, const char *bundle,
			   struct vault_oci_config *ret, struct bw_error *err);
void vault_oci_config_free(struct vault_oci_config *c);

/*
 * The hook's configuration (/etc/bulwark/vault-hook.yaml), a flat mapping:
 *   address: https://127.0.0.1:8200
 *   ca_cert: /etc/bulwark/vault-ca.pem
 *   role_id_file: /etc/bulwark/vault-role-id     # AppRole credentials
 *   secret_id_file: /etc/bulwark/vault-secret-id
 *   roles_dir: /etc/bulwark/vault-roles  # role R: R/role_id, R/secret_id
 *   token_file: /etc/bulwark/vault-token # instead of AppRole
 * All keys optional except address and one way to log in.  Unknown keys
 * are errors.  Strings are malloc'ed; vault_hook_config_free.
 */
struct vault_hook_config {
	char *address, *ca_cert, *role_id_file, *secret_id_file, *roles_dir,
	    *token_file;
};
int vault_hook_config_parse(const char *text, size_t len, const char *path,
			    struct vault_hook_config *ret,
			    struct bw_error *err);
void vault_hook_config_free(struct vault_hook_config *c);

#endif
