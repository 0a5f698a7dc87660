/*
 * token_int.h - internal to src/vault/: the token store (token.c), the
 * policy store with its ACL cache (policy_store.c) and the per-client rate
 * limiter on auth endpoints (token.c), shared with the router and the
 * handlers (token_routes.c).  vault.h stays the subsystem's interface.
 *
 * Storage layout, all under the barrier and under "core/" (no request path
 * reaches it):
 *   core/token/id/<sha256(token)>                 the token's entry (JSON)
 *   core/token/accessor/<sha256(accessor)>        {"id_hash": "<hash>"}
 *   core/token/parent/<parent hash>/<child hash>  "{}": the child links
 *   core/policy/<name>                            the policy text
 * The token string itself is never stored: only its SHA-256 (a 190-bit
 * random token needs no salt against guessing).
 *
 * Thread model: struct vault_tokens hangs off struct vault_core.  tok_mu
 * serialises every write to the token store (create, use, renew, revoke),
 * so a num_uses decrement or a renewal is a read-modify-write no other
 * request interleaves with; plain lookups read without it.  The sweep
 * (tidy.c) takes it per key too: to re-check and revoke one dead token
 * (vault_token_reap), or to delete one dangling accessor entry or parent
 * link (creation writes those and the entry under it, so under it a link
 * without its token is really dangling).  The ACL cache and the rate table
 * each have their own mutex.
 */
#ifndef BW_VAULT_TOKEN_INT_H
#define BW_VAULT_TOKEN_INT_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "vault/core_int.h"

#define VAULT_TOKEN_ID_PREFIX "core/token/id/"
#define VAULT_TOKEN_ACCESSOR_PREFIX "core/token/accessor/"
#define VAULT_TOKEN_PARENT_PREFIX "core/token/parent/"
#define VAULT_POLICY_PREFIX "core/policy/"

#define VAULT_TOKEN_LEN 36			/* "hvs." + 32 base62 */
#define VAULT_TOKEN_DEFAULT_TTL (768 * 3600)	/* 32 days, as Vault */
#define VAULT_TOKEN_SYSTEM_MAX_TTL (768 * 3600) /* 32 days, as Vault */
#define VAULT_TOKEN_MAX_DEPTH 32		/* parent chain length */
#define VAULT_TOKEN_MAX_POLICIES 64
#define VAULT_TOKEN_MAX_META 64		/* metadata keys */
#define VAULT_TOKEN_MAX_META_VALUE 1024 /* bytes per key or value */
#define VAULT_TOKEN_MAX_DISPLAY_NAME 256
#define VAULT_POLICY_MAX_NAME 128
#define VAULT_ACL_CACHE_SLOTS 64
#define VAULT_RATE_SLOTS 256 /* clients tracked at once (fixed) */
#define VAULT_RATE_BURST 20  /* requests a client may burst */
#define VAULT_RATE_PER_SEC 5 /* and then sustain */

struct vault_acl_ref; /* a refcounted cached ACL */

struct vault_tokens {
	pthread_mutex_t tok_mu;
	time_t fake_now; /* tests: a fixed clock when nonzero */

	pthread_mutex_t acl_mu;
	uint64_t policy_gen; /* bumped by every policy write/delete */
	struct acl_slot {
		char *key; /* the token's policies joined by "," */
		uint64_t gen, used;
		struct vault_acl_ref *ref;
	} acl[VAULT_ACL_CACHE_SLOTS];
	uint64_t acl_clock;

	pthread_mutex_t rate_mu;
	double rate_burst, rate_per_sec;
	struct rate_slot {
		char addr[48]; /* "" = free */
		double tokens;
		double last; /* monotonic seconds */
	} rate[VAULT_RATE_SLOTS];
};

int vault_tokens_new(struct vault_tokens **ret);
void vault_tokens_free(struct vault_tokens *t);
/* Drops the cached ACLs (at seal). */
void vault_tokens_clear_cache(struct vault_tokens *t);
/* Tests: fixes the clock the token store uses (0 = the real clock). */
void vault_tokens_set_time(struct vault_core *c, time_t now);
time_t vault_tokens_now(struct vault_core *c);

/* ---- the token store (token.c) ------------------------------------------ */

/* What a new token gets; zeroes and NULLs mean the defaults. */
struct vault_token_params {
	json_t *policies;	  /* final, sorted, unique names (borrowed) */
	int64_t ttl;		  /* seconds; 0: the default (root: never) */
	int64_t explicit_max_ttl; /* 0: none */
	int64_t period;		  /* 0: not periodic */
	int64_t num_uses;	  /* 0: unlimited */
	int not_renewable;	  /* renewable unless set */
	const char *display_name; /* stored as given; NULL: "token" */
	const char *path;	  /* "auth/token/create" ... */
	json_t *meta;		  /* object of strings, or NULL (borrowed) */
	const char *parent_hash;  /* NULL or "": an orphan */
	int parent_depth;
	/* CIDR blocks the token may be used from (checked on every request,
	 * as Vault's token_bound_cidrs); NULL or empty: anywhere (borrowed) */
	json_t *bound_cidrs;
};

/*
 * Creates a token: "hvs." + 32 base62 characters into ret_token
 * (VAULT_TOKEN_LEN + 1 bytes), its entry (new reference) in *ret_entry
 * when ret_entry is not NULL.  TTL as Vault: a periodic token lives period
 * (capped by explicit_max_ttl); otherwise ttl or the default 32 days,
 * capped by explicit_max_ttl and the system maximum (32 days); a token with
 * the "root" policy and no ttl never expires.  -EACCES when sealed.
 */
int vault_token_create(struct vault_core *c, const struct vault_token_params *p,
		       char ret_token[VAULT_TOKEN_LEN + 1], json_t **ret_entry,
		       struct bw_error *err);

/* SHA-256 hex of a token or an accessor (65 bytes with the NUL). */
void vault_token_hash(const char *s, char out[65]);

/*
 * The entry of the token whose hash is hash: 0 and *ret, or -EPERM when
 * unknown, expired, or when an ancestor is gone or expired (the token and
 * its children are then revoked: lazy reaping).  -EACCES when sealed.
 * *ret is the barrier's cached entry, SHARED: read it, never modify it.
 */
int vault_token_lookup_hash(struct vault_core *c, const char *hash,
			    json_t **ret, struct bw_error *err);

/* The token hash an accessor names: 0, or -ENOENT. */
int vault_token_accessor(struct vault_core *c, const char *accessor,
			 char hash[65], struct bw_error *err);

/* num_uses of a token whose last use is running: refused by lookups, and
 * revoked (or reaped by the tidy sweep) once that request is answered. */
#define VAULT_TOKEN_USED_UP (-1)

/*
 * Counts one use of a token with num_uses.  The last use marks the token
 * used up and sets *ret_last: the request runs with it, then the caller
 * revokes the token (Vault's order: its cubbyhole is still there for that
 * request).  0, or -EPERM when the token is gone or used up by a
 * concurrent request.
 */
int vault_token_use(struct vault_core *c, const char *hash, int *ret_last,
		    struct bw_error *err);

/*
 * Renews: the new TTL is increment (or the token's own TTL when 0; a
 * periodic token gets its period), capped by explicit_max_ttl and the
 * system maximum counted from creation.  *ret = the updated entry.  -EPERM
 * unknown, -EINVAL not renewable (no TTL, or renewable false).
 */
int vault_token_renew(struct vault_core *c, const char *hash, int64_t increment,
		      json_t **ret, struct bw_error *err);

/* Revokes a token and, unless orphan_children, all its descendants (with
 * orphan_children they become orphans).  Unknown: 0. */
int vault_token_revoke(struct vault_core *c, const char *hash,
		       int orphan_children, struct bw_error *err);

/*
 * For the sweep (tidy.c): whether the token hash is dead (expired, or an
 * ancestor gone or expired), from fresh reads that leave the document cache
 * alone: 1 dead, 0 alive, -ENOENT no such entry, or negative.  No lock: a
 * hint, which vault_token_reap confirms.
 */
int vault_token_is_dead(struct vault_core *c, const char *hash,
			struct bw_error *err);
/* Re-checks hash under tok_mu and, when it is still dead, revokes it with
 * its descendants (vault_token_revoke's code): 1 revoked, 0 alive or gone,
 * or negative. */
int vault_token_reap(struct vault_core *c, const char *hash,
		     struct bw_error *err);

/* Vault's lookup "data" of an entry; token is the id shown ("" for
 * lookup-accessor).  New reference or NULL. */
json_t *vault_token_lookup_data(struct vault_core *c, json_t *e,
				const char *token);
/* The response "auth" block for a token (create, renew). */
json_t *vault_token_auth(struct vault_core *c, json_t *e, const char *token);

int vault_token_is_root(json_t *e);

/*
 * Parses a Vault duration: an integer number of seconds, or a string
 * "90", "90s", "15m", "1h30m", "2d" (h, m, s, d, ms rounded down).  0 and
 * *ret seconds, or -EINVAL.
 */
int vault_duration_parse(json_t *v, int64_t *ret);

/* Rate limit for auth endpoints: 1 when addr may go ahead (one token
 * taken), 0 when over the limit.  NULL addr counts as "". */
int vault_rate_allow(struct vault_core *c, const char *addr);
/* Tests: burst and rate (per second) of the limiter. */
void vault_rate_configure(struct vault_core *c, double burst, double per_sec);

/* ---- policies (policy_store.c) ------------------------------------------ */

/* Vault's "default" policy text (self lookup/renew/revoke ...). */
extern const char vault_default_policy[];

/* Normalises and checks a policy name into out (lower case): 0 or -EINVAL. */
int vault_policy_name_check(const char *name,
			    char out[VAULT_POLICY_MAX_NAME + 1]);
/* The stored text of name (malloc'ed, NUL-terminated): 0, -ENOENT. "root"
 * is "" (it is built in). */
int vault_policy_read(struct vault_core *c, const char *name, char **ret,
		      struct bw_error *err);
/* Parses (400 on errors) and stores; "root" refused. */
int vault_policy_write(struct vault_core *c, const char *name, const char *text,
		       size_t len, struct bw_error *err);
/* "root" and "default" refused (-EPERM); missing is 0. */
int vault_policy_delete(struct vault_core *c, const char *name,
			struct bw_error *err);
/* Sorted names of stored policies (+ "root" if with_root). */
int vault_policy_list(struct vault_core *c, int with_root, json_t **ret,
		      struct bw_error *err);
/* Writes the default policy unless it exists. */
int vault_policy_ensure_default(struct vault_core *c, struct bw_error *err);

/*
 * The merged ACL of a token's policies, from the cache (keyed by the
 * policy list, invalidated by any policy change) or built from storage;
 * unknown policy names are skipped as Vault does.  Release with
 * vault_acl_ref_put.
 */
int vault_acl_for(struct vault_core *c, json_t *policies,
		  struct vault_acl_ref **ret, struct bw_error *err);
const struct vault_acl *vault_acl_ref_acl(const struct vault_acl_ref *r);
void vault_acl_ref_put(struct vault_acl_ref *r);

#endif
