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
 * and, below them, the server (server section, written as it lands).
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

struct vault_policy; /* parsed; opaque */

// Parses a policy in Vault's HCL syntax
//   path "secret/data/app/*" { capabilities = ["read", "list"] }
//   path "secret/+/team/*"   { capabilities = ["deny"] }
// (comments "#", "//" and block comments, several paths, the JSON form
// {"path": {"secret/*": {"capabilities": [...]}}} too).  Unknown
// capabilities and malformed input are errors naming line and column;
// unknown keys inside a path block (allowed_parameters, min_wrapping_ttl,
// ...) are accepted and skipped (not enforced: docs/vault.md).  name is
// the policy's name (lower-cased, as Vault stores it).  Caller frees with
// vault_policy_free.
int vault_policy_parse(const char *name, const char *text, size_t len,
		       struct vault_policy **ret, struct bw_error *err);
void vault_policy_free(struct vault_policy *p);
const char *vault_policy_name(const struct vault_policy *p);

struct vault_acl; /* the merged rules of a token's policies; opaque */

/*
 * Merges policies into an ACL as Vault does: rules for the same path
 * string are unioned (deny in any of them makes that path deny-all);
 * "root" policy name grants everything.  The policies may be freed after.
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
const char *vault_audit_hash(const uint8_t salt[32], const char *s,
			     char *buf, size_t len);

/*
 * Verifies a log's hash chain: 0 when every line is well-formed and
 * chained (*ret_lines = lines checked), -EBADMSG naming the first bad
 * line otherwise (edited, reordered, truncated in the middle, or a torn
 * last line).
 */
int vault_audit_verify(const char *path, size_t *ret_lines,
		       struct bw_error *err);

#endif
