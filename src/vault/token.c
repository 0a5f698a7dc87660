/*
 * token.c - the token store: create, look up, use (num_uses), renew and
 * revoke tokens, with Vault's TTL rules and parent/child revocation, and the
 * per-client rate limiter of the auth endpoints.
 *
 * A token is "hvs." + 32 base62 characters (190 random bits); its entry is
 * stored under core/token/id/<sha256> (token_int.h has the layout), so the
 * token string is never written anywhere.  Entries hold unix times:
 * creation_time, expire_time (0: never), and the TTL rules' inputs
 * (creation_ttl, explicit_max_ttl, period).  Expired tokens are reaped
 * lazily: the lookup that finds one expired revokes it (and its children).
 * A token is also dead when any ancestor is gone or expired, which the
 * lookup checks by walking the (bounded) parent chain: revoking a parent
 * thereby revokes every descendant even if a link was missed.
 *
 * The rate limiter is a fixed table of VAULT_RATE_SLOTS token buckets keyed
 * by client address: a new client takes a free slot or evicts the one seen
 * least recently, so memory never grows with the number of clients.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "vault/logical.h"
#include "vault/token_int.h"

int vault_tokens_new(struct vault_tokens **ret)
{
	struct vault_tokens *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	pthread_mutex_init(&t->tok_mu, NULL);
	pthread_mutex_init(&t->acl_mu, NULL);
	pthread_mutex_init(&t->rate_mu, NULL);
	t->rate_burst = VAULT_RATE_BURST;
	t->rate_per_sec = VAULT_RATE_PER_SEC;
	*ret = t;
	return 0;
}

void vault_tokens_free(struct vault_tokens *t)
{
	if (!t)
		return;
	vault_tokens_clear_cache(t);
	pthread_mutex_destroy(&t->tok_mu);
	pthread_mutex_destroy(&t->acl_mu);
	pthread_mutex_destroy(&t->rate_mu);
	free(t);
}

void vault_tokens_set_time(struct vault_core *c, time_t now)
{
	c->tokens->fake_now = now;
}

time_t vault_tokens_now(struct vault_core *c)
{
	return c->tokens->fake_now ? c->tokens->fake_now : time(NULL);
}

/* ---- helpers ------------------------------------------------------------ */

/* SHA-256 fetched once for the process (immutable after pthread_once; the
 * implicit fetch of EVP_sha256() costs more than hashing a token). */
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256;

static void sha256_fetch(void) { sha256 = EVP_MD_fetch(NULL, "SHA256", NULL); }

void vault_token_hash(const char *s, char out[65])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t md[32];
	unsigned mdlen = 0;

	pthread_once(&sha256_once, sha256_fetch);
	if (!sha256 ||
	    EVP_Digest(s, strlen(s), md, &mdlen, sha256, NULL) != 1) {
		/* no safe answer exists (any fixed value would let two tokens
		 * share an entry): stop rather than mis-authenticate */
		fputs("bulwark vault: SHA-256 unavailable, aborting\n", stderr);
		abort();
	}
	for (size_t i = 0; i < 32; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[64] = '\0';
}

/* prefix + 32 base62 characters, by rejection sampling (no modulo bias). */
static int random_base62(const char *prefix, char *out, size_t cap)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t p = strlen(prefix), n = 0;

	if (cap < p + 33)
		return -EINVAL;
	memcpy(out, prefix, p);
	while (n < 32) {
		uint8_t r[64];

		if (RAND_bytes(r, sizeof(r)) != 1)
			return -EIO;
		for (size_t i = 0; i < sizeof(r) && n < 32; i++)
			if (r[i] < 248) /* 248 = 4 * 62 */
				out[p + n++] = alphabet[r[i] % 62];
		OPENSSL_cleanse(r, sizeof(r));
	}
	out[p + 32] = '\0';
	return 0;
}

static int64_t jint(json_t *e, const char *k)
{
	json_t *v = json_object_get(e, k);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static const char *jstr(json_t *e, const char *k)
{
	const char *s = json_string_value(json_object_get(e, k));

	return s ? s : "";
}

static void id_path(const char *hash, char *out, size_t n)
{
	snprintf(out, n, "%s%s", VAULT_TOKEN_ID_PREFIX, hash);
}

/* The stored entry must be an object naming the hash it is stored under. */
static int entry_check(json_t *e, const char *hash, struct bw_error *err)
{
	const char *stored = json_string_value(json_object_get(e, "id_hash"));

	if (!json_is_object(e) || !stored || strlen(stored) != 64 ||
	    CRYPTO_memcmp(stored, hash, 64))
		return bw_errorf(err, -EIO, NULL, 0, 0, "corrupt token entry");
	return 0;
}

/* A private copy of the entry, to change and entry_put. */
static int entry_get(struct vault_core *c, const char *hash, json_t **ret,
		     struct bw_error *err)
{
	char path[sizeof(VAULT_TOKEN_ID_PREFIX) + 64];
	uint8_t *v = NULL;
	size_t n = 0;
	json_t *e;
	int rc;

	if (strlen(hash) != 64)
		return -ENOENT;
	id_path(hash, path, sizeof(path));
	rc = vault_barrier_get(c->b, path, &v, &n, err);
	if (rc)
		return rc;
	e = json_loadb((const char *)v, n, 0, NULL);
	vault_secure_free(v, n);
	rc = entry_check(e, hash, err);
	if (rc) {
		json_decref(e);
		return rc;
	}
	*ret = e;
	return 0;
}

/* The entry as cached by the barrier: shared, read-only. */
static int entry_get_shared(struct vault_core *c, const char *hash,
			    json_t **ret, struct bw_error *err)
{
	char path[sizeof(VAULT_TOKEN_ID_PREFIX) + 64];
	json_t *e = NULL;
	int rc;

	if (strlen(hash) != 64)
		return -ENOENT;
	id_path(hash, path, sizeof(path));
	rc = vault_barrier_get_doc(c->b, path, &e, err);
	if (rc)
		return rc;
	rc = entry_check(e, hash, err);
	if (rc) {
		json_decref(e);
		return rc;
	}
	*ret = e;
	return 0;
}

static int entry_put(struct vault_core *c, json_t *e, struct bw_error *err)
{
	char path[sizeof(VAULT_TOKEN_ID_PREFIX) + 64];
	char *text = json_dumps(e, JSON_COMPACT);
	int rc;

	if (!text)
		return -ENOMEM;
	id_path(jstr(e, "id_hash"), path, sizeof(path));
	rc = vault_barrier_put(c->b, path, (const uint8_t *)text, strlen(text),
			       err);
	free(text);
	return rc;
}

static int put_small(struct vault_core *c, const char *path, const char *val,
		     struct bw_error *err)
{
	return vault_barrier_put(c->b, path, (const uint8_t *)val, strlen(val),
				 err);
}

int vault_token_is_root(json_t *e)
{
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(e, "policies"), i, p)
	{
		if (json_is_string(p) && !strcmp(json_string_value(p), "root"))
			return 1;
	}
	return 0;
}

static int has_policy(json_t *policies, const char *name)
{
	size_t i;
	json_t *p;

	json_array_foreach(policies, i, p)
	{
		if (json_is_string(p) && !strcmp(json_string_value(p), name))
			return 1;
	}
	return 0;
}

/* ---- create ------------------------------------------------------------- */

int vault_token_create(struct vault_core *c, const struct vault_token_params *p,
		       char ret_token[VAULT_TOKEN_LEN + 1], json_t **ret_entry,
		       struct bw_error *err)
{
	char token[VAULT_TOKEN_LEN + 1], accessor[40], hash[65], ahash[65];
	char path[sizeof(VAULT_TOKEN_PARENT_PREFIX) + 140], link[96];
	time_t now = vault_tokens_now(c);
	int64_t ttl = p->ttl, max;
	const char *parent = p->parent_hash ? p->parent_hash : "";
	json_t *e;
	int rc;

	if (p->ttl < 0 || p->explicit_max_ttl < 0 || p->period < 0 ||
	    p->num_uses < 0)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "durations and num_uses cannot be negative");
	if (!json_is_array(p->policies))
		return -EINVAL;
	if (random_base62("hvs.", token, sizeof(token)) ||
	    random_base62("", accessor, sizeof(accessor)))
		return bw_errorf(err, -EIO, NULL, 0, 0, "RNG failure");
	/* Vault's TTL rules (framework.CalculateTTL for tokens) */
	if (p->period > 0) {
		ttl = p->period;
		if (p->explicit_max_ttl > 0 && ttl > p->explicit_max_ttl)
			ttl = p->explicit_max_ttl;
	} else {
		if (ttl == 0 && !has_policy(p->policies, "root"))
			ttl = VAULT_TOKEN_DEFAULT_TTL;
		if (ttl == 0 && p->explicit_max_ttl > 0)
			ttl = p->explicit_max_ttl;
		max = VAULT_TOKEN_SYSTEM_MAX_TTL;
		if (p->explicit_max_ttl > 0 && p->explicit_max_ttl < max)
			max = p->explicit_max_ttl;
		if (ttl > max)
			ttl = max;
	}
	vault_token_hash(token, hash);
	vault_token_hash(accessor, ahash);
	e = json_pack(
	    "{s:s, s:s, s:O, s:s, s:s, s:O?, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:b, s:s, s:i, s:b, s:s}",
	    "id_hash", hash, "accessor", accessor, "policies", p->policies,
	    "path", p->path ? p->path : "auth/token/create", "display_name",
	    p->display_name ? p->display_name : "token", "meta", p->meta,
	    "creation_time", (json_int_t)now, "creation_ttl", (json_int_t)ttl,
	    "explicit_max_ttl", (json_int_t)p->explicit_max_ttl, "period",
	    (json_int_t)p->period, "expire_time",
	    (json_int_t)(ttl ? now + ttl : 0), "num_uses",
	    (json_int_t)p->num_uses, "orphan", !*parent, "parent", parent,
	    "depth", *parent ? p->parent_depth + 1 : 0, "renewable",
	    !p->not_renewable && ttl > 0, "type", "service");
	if (e && json_array_size(p->bound_cidrs) &&
	    json_object_set(e, "bound_cidrs", p->bound_cidrs)) {
		json_decref(e);
		e = NULL;
	}
	if (!e) {
		OPENSSL_cleanse(token, sizeof(token));
		return -ENOMEM;
	}
	pthread_mutex_lock(&c->tokens->tok_mu);
	/* the links first: a crash leaves a dangling link, never an entry
	 * its parent cannot reach */
	rc = 0;
	if (*parent) {
		snprintf(path, sizeof(path), "%s%s/%s",
			 VAULT_TOKEN_PARENT_PREFIX, parent, hash);
		rc = put_small(c, path, "{}", err);
	}
	if (!rc) {
		snprintf(path, sizeof(path), "%s%s",
			 VAULT_TOKEN_ACCESSOR_PREFIX, ahash);
		snprintf(link, sizeof(link), "{\"id_hash\":\"%s\"}", hash);
		rc = put_small(c, path, link, err);
	}
	if (!rc)
		rc = entry_put(c, e, err);
	pthread_mutex_unlock(&c->tokens->tok_mu);
	if (rc) {
		json_decref(e);
		OPENSSL_cleanse(token, sizeof(token));
		return rc;
	}
	memcpy(ret_token, token, sizeof(token));
	OPENSSL_cleanse(token, sizeof(token));
	if (ret_entry)
		*ret_entry = e;
	else
		json_decref(e);
	return 0;
}

/* ---- revoke ------------------------------------------------------------- */

/* Deletes one entry, its accessor, the link from its parent and its
 * cubbyhole (tok_mu). */
static int delete_one(struct vault_core *c, json_t *e, struct bw_error *err)
{
	char path[sizeof(VAULT_TOKEN_PARENT_PREFIX) + 140], ahash[65];
	const char *hash = jstr(e, "id_hash"), *parent = jstr(e, "parent");
	int rc;

	id_path(hash, path, sizeof(path));
	rc = vault_barrier_delete(c->b, path, err);
	if (rc)
		return rc;
	vault_token_hash(jstr(e, "accessor"), ahash);
	snprintf(path, sizeof(path), "%s%s", VAULT_TOKEN_ACCESSOR_PREFIX,
		 ahash);
	rc = vault_barrier_delete(c->b, path, err);
	if (!rc && *parent && strlen(parent) == 64) {
		snprintf(path, sizeof(path), "%s%s/%s",
			 VAULT_TOKEN_PARENT_PREFIX, parent, hash);
		rc = vault_barrier_delete(c->b, path, err);
	}
	/* after the entry: a cubbyhole write racing this sees it gone */
	if (!rc)
		rc = vault_cubbyhole_purge(c, hash, err);
	return rc;
}

/* Revokes hash and (depth-bounded) its descendants, or orphans them. */
static int revoke_locked(struct vault_core *c, const char *hash,
			 int orphan_children, int depth, struct bw_error *err)
{
	char prefix[sizeof(VAULT_TOKEN_PARENT_PREFIX) + 70];
	char path[sizeof(VAULT_TOKEN_PARENT_PREFIX) + 140];
	json_t *kids = NULL, *k, *e = NULL;
	size_t i;
	int rc;

	if (depth > 2 * VAULT_TOKEN_MAX_DEPTH)
		return bw_errorf(err, -ELOOP, NULL, 0, 0,
				 "token hierarchy too deep");
	snprintf(prefix, sizeof(prefix), "%s%s/", VAULT_TOKEN_PARENT_PREFIX,
		 hash);
	rc = vault_barrier_list(c->b, prefix, &kids, err);
	if (rc)
		return rc;
	json_array_foreach(kids, i, k)
	{
		const char *child = json_string_value(k);
		json_t *ce = NULL;

		if (!child || strlen(child) != 64)
			continue;
		if (!orphan_children) {
			rc = revoke_locked(c, child, 0, depth + 1, err);
		} else {
			rc = entry_get(c, child, &ce, err);
			if (rc == -ENOENT) {
				rc = 0;
			} else if (!rc) {
				json_object_set_new(ce, "parent",
						    json_string(""));
				json_object_set_new(ce, "orphan", json_true());
				json_object_set_new(ce, "depth",
						    json_integer(0));
				rc = entry_put(c, ce, err);
				json_decref(ce);
			}
		}
		snprintf(path, sizeof(path), "%s%s", prefix, child);
		if (!rc)
			rc = vault_barrier_delete(c->b, path, err);
		if (rc)
			break;
	}
	json_decref(kids);
	if (rc)
		return rc;
	rc = entry_get(c, hash, &e, err);
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	rc = delete_one(c, e, err);
	json_decref(e);
	return rc;
}

int vault_token_revoke(struct vault_core *c, const char *hash,
		       int orphan_children, struct bw_error *err)
{
	int rc;

	pthread_mutex_lock(&c->tokens->tok_mu);
	rc = revoke_locked(c, hash, orphan_children, 0, err);
	pthread_mutex_unlock(&c->tokens->tok_mu);
	return rc;
}

/* ---- lookup ------------------------------------------------------------- */

/* Expired, or used up (its last use marked it; see vault_token_use). */
static int expired(json_t *e, time_t now)
{
	int64_t exp = jint(e, "expire_time");

	return (exp > 0 && (int64_t)now >= exp) || jint(e, "num_uses") < 0;
}

int vault_token_lookup_hash(struct vault_core *c, const char *hash,
			    json_t **ret, struct bw_error *err)
{
	time_t now = vault_tokens_now(c);
	json_t *e = NULL, *cur;
	int rc = entry_get_shared(c, hash, &e, err), dead = 0;

	if (rc == -ENOENT)
		return bw_errorf(err, -EPERM, NULL, 0, 0, "permission denied");
	if (rc)
		return rc;
	dead = expired(e, now);
	/* every ancestor must be alive too */
	cur = json_incref(e);
	for (int d = 0; !dead && d <= VAULT_TOKEN_MAX_DEPTH; d++) {
		const char *parent = jstr(cur, "parent");
		json_t *pe = NULL;

		if (!*parent)
			break;
		rc = entry_get_shared(c, parent, &pe, err);
		if (rc == -ENOENT) {
			dead = 1;
			break;
		}
		if (rc) {
			json_decref(cur);
			json_decref(e);
			return rc;
		}
		dead = expired(pe, now);
		json_decref(cur);
		cur = pe;
	}
	json_decref(cur);
	if (dead) {
		vault_token_revoke(c, hash, 0, NULL);
		json_decref(e);
		return bw_errorf(err, -EPERM, NULL, 0, 0, "permission denied");
	}
	*ret = e;
	return 0;
}

int vault_token_lookup(struct vault_core *c, const char *token, json_t **ret,
		       struct bw_error *err)
{
	char hash[65];

	if (!token || !*token ||
	    strnlen(token, VAULT_TOKEN_MAX + 1) > VAULT_TOKEN_MAX)
		return bw_errorf(err, -EPERM, NULL, 0, 0, "permission denied");
	if (vault_barrier_sealed(c->b))
		return -EACCES;
	vault_token_hash(token, hash);
	return vault_token_lookup_hash(c, hash, ret, err);
}

int vault_token_accessor(struct vault_core *c, const char *accessor,
			 char hash[65], struct bw_error *err)
{
	char ahash[65], path[sizeof(VAULT_TOKEN_ACCESSOR_PREFIX) + 64];
	uint8_t *v = NULL;
	size_t n = 0;
	json_t *o;
	const char *h;
	int rc;

	if (!accessor || !*accessor || strlen(accessor) > VAULT_TOKEN_MAX)
		return -ENOENT;
	vault_token_hash(accessor, ahash);
	snprintf(path, sizeof(path), "%s%s", VAULT_TOKEN_ACCESSOR_PREFIX,
		 ahash);
	rc = vault_barrier_get(c->b, path, &v, &n, err);
	if (rc)
		return rc;
	o = json_loadb((const char *)v, n, 0, NULL);
	free(v);
	h = json_string_value(json_object_get(o, "id_hash"));
	if (!h || strlen(h) != 64) {
		json_decref(o);
		return -ENOENT;
	}
	memcpy(hash, h, 65);
	json_decref(o);
	return 0;
}

/* ---- tidy support (tidy.c) ---------------------------------------------- */

/*
 * Whether the token hash is dead at now, from fresh (uncached) reads: 1
 * when expired or an ancestor is gone or expired (the rule lookups apply),
 * 0 when alive, -ENOENT when it has no entry, else negative.  The sweep
 * reads entries this way so walking the whole store does not push the hot
 * entries out of the barrier's document cache.
 */
static int dead_fresh(struct vault_core *c, const char *hash, time_t now,
		      struct bw_error *err)
{
	json_t *cur = NULL, *pe;
	int rc = entry_get(c, hash, &cur, err), dead;

	if (rc)
		return rc;
	dead = expired(cur, now);
	for (int d = 0; !dead && d <= VAULT_TOKEN_MAX_DEPTH; d++) {
		const char *parent = jstr(cur, "parent");

		if (!*parent)
			break;
		pe = NULL;
		rc = entry_get(c, parent, &pe, err);
		if (rc == -ENOENT) {
			dead = 1;
			rc = 0;
			break;
		}
		if (rc)
			break;
		dead = expired(pe, now);
		json_decref(cur);
		cur = pe;
	}
	json_decref(cur);
	return rc ? rc : dead;
}

int vault_token_is_dead(struct vault_core *c, const char *hash,
			struct bw_error *err)
{
	return dead_fresh(c, hash, vault_tokens_now(c), err);
}

int vault_token_reap(struct vault_core *c, const char *hash,
		     struct bw_error *err)
{
	int rc;

	pthread_mutex_lock(&c->tokens->tok_mu);
	/* again under the lock: a renewal may have come in since the caller
	 * looked, and every write to the store holds this lock */
	rc = dead_fresh(c, hash, vault_tokens_now(c), err);
	if (rc == 1) {
		rc = revoke_locked(c, hash, 0, 0, err);
		rc = rc ? rc : 1;
	} else if (rc == -ENOENT) {
		rc = 0;
	}
	pthread_mutex_unlock(&c->tokens->tok_mu);
	return rc;
}

/* ---- use, renew --------------------------------------------------------- */

int vault_token_use(struct vault_core *c, const char *hash, int *ret_last,
		    struct bw_error *err)
{
	json_t *e = NULL;
	int64_t left;
	int rc;

	*ret_last = 0;
	pthread_mutex_lock(&c->tokens->tok_mu);
	rc = entry_get(c, hash, &e, err);
	if (rc == -ENOENT)
		rc = bw_errorf(err, -EPERM, NULL, 0, 0, "permission denied");
	if (rc)
		goto out;
	left = jint(e, "num_uses");
	if (left == 0)
		goto out; /* unlimited */
	if (left < 0) {	  /* used up by a request still running */
		rc = bw_errorf(err, -EPERM, NULL, 0, 0, "permission denied");
		goto out;
	}
	/* the last use marks the token used up (lookups refuse it from now
	 * on) and the caller revokes it once this request is answered */
	json_object_set_new(
	    e, "num_uses",
	    json_integer(left == 1 ? VAULT_TOKEN_USED_UP : left - 1));
	rc = entry_put(c, e, err);
	if (!rc && left == 1)
		*ret_last = 1;
out:
	pthread_mutex_unlock(&c->tokens->tok_mu);
	json_decref(e);
	return rc;
}

int vault_token_renew(struct vault_core *c, const char *hash, int64_t increment,
		      json_t **ret, struct bw_error *err)
{
	time_t now = vault_tokens_now(c);
	json_t *e = NULL;
	int64_t ttl, max, created, left, period, emax;
	int rc;

	if (increment < 0)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "increment cannot be negative");
	/* checks expiry and the parent chain */
	rc = vault_token_lookup_hash(c, hash, &e, err);
	if (rc)
		return rc;
	json_decref(e);
	e = NULL;
	pthread_mutex_lock(&c->tokens->tok_mu);
	rc = entry_get(c, hash, &e, err);
	if (rc == -ENOENT)
		rc = bw_errorf(err, -EPERM, NULL, 0, 0, "permission denied");
	if (rc)
		goto out;
	if (!json_is_true(json_object_get(e, "renewable")) ||
	    jint(e, "expire_time") == 0) {
		rc = bw_errorf(err, -EINVAL, NULL, 0, 0,
			       "lease is not renewable");
		goto out;
	}
	period = jint(e, "period");
	emax = jint(e, "explicit_max_ttl");
	created = jint(e, "creation_time");
	if (period > 0) {
		ttl = period;
		max = emax;
	} else {
		ttl = increment > 0 ? increment : jint(e, "creation_ttl");
		max = VAULT_TOKEN_SYSTEM_MAX_TTL;
		if (emax > 0 && emax < max)
			max = emax;
	}
	if (max > 0) {
		left = created + max - (int64_t)now;
		if (left <= 0) {
			rc = bw_errorf(err, -EPERM, NULL, 0, 0,
				       "permission denied");
			goto out;
		}
		if (ttl > left)
			ttl = left;
	}
	json_object_set_new(e, "expire_time",
			    json_integer((json_int_t)now + ttl));
	json_object_set_new(e, "last_renewal_time",
			    json_integer((json_int_t)now));
	rc = entry_put(c, e, err);
out:
	pthread_mutex_unlock(&c->tokens->tok_mu);
	if (rc) {
		json_decref(e);
		return rc;
	}
	*ret = e;
	return 0;
}

/* ---- response shapes ---------------------------------------------------- */

static json_t *iso_or_null(int64_t t)
{
	char buf[40];
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&tt, &tm))
		return json_null();
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

static int64_t ttl_left(struct vault_core *c, json_t *e)
{
	int64_t exp = jint(e, "expire_time"), now = vault_tokens_now(c);

	return exp > now ? exp - now : 0;
}

json_t *vault_token_lookup_data(struct vault_core *c, json_t *e,
				const char *token)
{
	json_t *meta = json_object_get(e, "meta");
	json_t *d = json_pack(
	    "{s:s, s:I, s:I, s:s, s:s, s:o, s:I, s:s, s:o, s:O, s:I, s:b, "
	    "s:s, s:O, s:b, s:I, s:s}",
	    "accessor", jstr(e, "accessor"), "creation_time",
	    (json_int_t)jint(e, "creation_time"), "creation_ttl",
	    (json_int_t)jint(e, "creation_ttl"), "display_name",
	    jstr(e, "display_name"), "entity_id", "", "expire_time",
	    iso_or_null(jint(e, "expire_time")), "explicit_max_ttl",
	    (json_int_t)jint(e, "explicit_max_ttl"), "id", token ? token : "",
	    "issue_time", iso_or_null(jint(e, "creation_time")), "meta",
	    json_is_object(meta) ? meta : json_null(), "num_uses",
	    (json_int_t)jint(e, "num_uses"), "orphan",
	    json_is_true(json_object_get(e, "orphan")), "path", jstr(e, "path"),
	    "policies", json_object_get(e, "policies"), "renewable",
	    json_is_true(json_object_get(e, "renewable")), "ttl",
	    (json_int_t)ttl_left(c, e), "type", "service");

	if (d && jint(e, "period") > 0)
		json_object_set_new(d, "period",
				    json_integer(jint(e, "period")));
	if (d && jint(e, "last_renewal_time") > 0)
		json_object_set_new(d, "last_renewal_time",
				    json_integer(jint(e, "last_renewal_time")));
	return d;
}

json_t *vault_token_auth(struct vault_core *c, json_t *e, const char *token)
{
	json_t *meta = json_object_get(e, "meta");

	return json_pack(
	    "{s:s, s:s, s:O, s:O, s:n, s:O, s:I, s:b, s:s, s:s, s:b, s:n, "
	    "s:I}",
	    "client_token", token ? token : "", "accessor", jstr(e, "accessor"),
	    "policies", json_object_get(e, "policies"), "token_policies",
	    json_object_get(e, "policies"), "identity_policies", "metadata",
	    json_is_object(meta) ? meta : json_null(), "lease_duration",
	    (json_int_t)ttl_left(c, e), "renewable",
	    json_is_true(json_object_get(e, "renewable")), "entity_id", "",
	    "token_type", "service", "orphan",
	    json_is_true(json_object_get(e, "orphan")), "mfa_requirement",
	    "num_uses", (json_int_t)jint(e, "num_uses"));
}

/* ---- durations ---------------------------------------------------------- */

int vault_duration_parse(json_t *v, int64_t *ret)
{
	const char *s;
	int64_t total = 0;

	if (!v || json_is_null(v)) {
		*ret = 0;
		return 0;
	}
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return -EINVAL;
		*ret = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return -EINVAL;
	s = json_string_value(v);
	if (!*s) {
		*ret = 0;
		return 0;
	}
	while (*s) {
		char *end;
		long long n;
		int64_t mult;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		errno = 0;
		n = strtoll(s, &end, 10);
		if (errno || n > 100LL * 365 * 24 * 3600)
			return -EINVAL;
		s = end;
		if (!*s && total == 0) {
			mult = 1; /* a bare number: seconds */
		} else if (!strncmp(s, "ms", 2)) {
			s += 2;
			n /= 1000;
			mult = 1;
		} else if (*s == 's' || *s == 'm' || *s == 'h' || *s == 'd') {
			mult = *s == 's'   ? 1
			       : *s == 'm' ? 60
			       : *s == 'h' ? 3600
					   : 86400;
			s++;
		} else {
			return -EINVAL;
		}
		total += (int64_t)n * mult;
		if (total > 100LL * 365 * 24 * 3600)
			return -EINVAL;
	}
	*ret = total;
	return 0;
}

/* ---- rate limiting ------------------------------------------------------ */

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void vault_rate_configure(struct vault_core *c, double burst, double per_sec)
{
	pthread_mutex_lock(&c->tokens->rate_mu);
	c->tokens->rate_burst = burst;
	c->tokens->rate_per_sec = per_sec;
	memset(c->tokens->rate, 0, sizeof(c->tokens->rate));
	pthread_mutex_unlock(&c->tokens->rate_mu);
}

int vault_rate_allow(struct vault_core *c, const char *addr)
{
	struct vault_tokens *t = c->tokens;
	struct rate_slot *s = NULL, *lru = NULL;
	double now = mono_now();
	char key[48];
	int ok;

	snprintf(key, sizeof(key), "%s", addr ? addr : "-");
	if (!key[0])
		key[0] = '-', key[1] = '\0';
	pthread_mutex_lock(&t->rate_mu);
	for (size_t i = 0; i < VAULT_RATE_SLOTS; i++) {
		struct rate_slot *r = &t->rate[i];

		if (r->addr[0] && !strcmp(r->addr, key)) {
			s = r;
			break;
		}
		if (!lru || (!r->addr[0] && lru->addr[0]) ||
		    (r->addr[0] && lru->addr[0] && r->last < lru->last))
			lru = r;
	}
	if (!s) { /* a new client: a free slot or the least recent one */
		s = lru;
		snprintf(s->addr, sizeof(s->addr), "%s", key);
		s->tokens = t->rate_burst;
		s->last = now;
	}
	s->tokens += (now - s->last) * t->rate_per_sec;
	if (s->tokens > t->rate_burst)
		s->tokens = t->rate_burst;
	s->last = now;
	ok = s->tokens >= 1.0;
	if (ok)
		s->tokens -= 1.0;
	pthread_mutex_unlock(&t->rate_mu);
	return ok;
}
