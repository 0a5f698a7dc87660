/*
 * barrier.c - the encryption barrier: everything the server stores passes
 * through here and reaches the storage backend as AES-256-GCM ciphertext.
 *
 * Value format (all terms):
 *   [0]      version, BARRIER_VERSION
 *   [1..4]   key term, big-endian (0 = the root key, used for the keyring)
 *   [5..16]  nonce, 96 random bits (RAND_bytes) per write
 *   [17..]   ciphertext, then the 16-byte GCM tag
 * AAD = the 5 header bytes followed by the storage path, so a value cannot
 * be moved to another path, nor its term or version changed, undetected.
 *
 * The keyring: the keys of every term (the newest, "active", encrypts; all
 * decrypt so values written before a rotation stay readable), serialised
 * as  u32 active | u32 count | count x (u32 term | 32-byte key)  and
 * stored at VAULT_KEYRING_PATH under the root key (term 0).  The root key
 * and keyring live in one mlock'ed allocation, zeroed with OPENSSL_cleanse
 * on seal and free; a read-write lock keeps seal from zeroing keys under a
 * running operation.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "vault/vault.h"

#define BARRIER_VERSION 1
#define HDR_LEN 5
#define NONCE_LEN 12
#define TAG_LEN 16
#define OVERHEAD (HDR_LEN + NONCE_LEN + TAG_LEN)

struct term_key {
	uint32_t term;
	uint8_t key[VAULT_KEY_LEN];
};

/* The secret part; one mlock'ed allocation. */
struct keys {
	uint8_t root[VAULT_KEY_LEN];
	uint32_t active;
	uint32_t n;
	struct term_key k[VAULT_BARRIER_MAX_TERMS];
};

struct vault_barrier {
	struct vault_storage *st;
	pthread_rwlock_t lock;
	struct keys *keys;	    /* NULL while sealed */
	EVP_CIPHER *gcm;	    /* AES-256-GCM, fetched once (owned) */
	struct vault_doc_cache *dc; /* decoded documents (owned) */
};

static struct keys *keys_alloc(void)
{
	struct keys *k = calloc(1, sizeof(*k));

	if (k)
		(void)mlock(k, sizeof(*k)); /* best effort: RLIMIT_MEMLOCK */
	return k;
}

static void keys_free(struct keys *k)
{
	if (!k)
		return;
	OPENSSL_cleanse(k, sizeof(*k));
	munlock(k, sizeof(*k));
	free(k);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* AAD = header | path, into a buffer the caller frees. */
static uint8_t *make_aad(const uint8_t *hdr, const char *path, size_t *len)
{
	size_t pl = strlen(path);
	uint8_t *a = malloc(HDR_LEN + pl);

	if (!a)
		return NULL;
	memcpy(a, hdr, HDR_LEN);
	memcpy(a + HDR_LEN, path, pl);
	*len = HDR_LEN + pl;
	return a;
}

static int seal_value(const EVP_CIPHER *gcm, const uint8_t key[VAULT_KEY_LEN],
		      uint32_t term, const char *path, const uint8_t *pt,
		      size_t len, uint8_t **ret, size_t *ret_len)
{
	EVP_CIPHER_CTX *ctx = NULL;
	uint8_t *out = NULL, *aad = NULL;
	size_t aad_len = 0;
	int n, rc = -EIO;

	if (len > VAULT_STORAGE_MAX_VALUE - OVERHEAD || len > INT32_MAX)
		return -E2BIG;
	out = malloc(len + OVERHEAD);
	if (!out)
		return -ENOMEM;
	out[0] = BARRIER_VERSION;
	put_be32(out + 1, term);
	if (RAND_bytes(out + HDR_LEN, NONCE_LEN) != 1)
		goto done;
	aad = make_aad(out, path, &aad_len);
	ctx = EVP_CIPHER_CTX_new();
	if (!aad || !ctx) {
		rc = -ENOMEM;
		goto done;
	}
	if (EVP_EncryptInit_ex(ctx, gcm, NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) !=
		1 ||
	    EVP_EncryptInit_ex(ctx, NULL, NULL, key, out + HDR_LEN) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1)
		goto done;
	if (len && EVP_EncryptUpdate(ctx, out + HDR_LEN + NONCE_LEN, &n, pt,
				     (int)len) != 1)
		goto done;
	if (EVP_EncryptFinal_ex(ctx, out + HDR_LEN + NONCE_LEN + len, &n) !=
		1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
				out + HDR_LEN + NONCE_LEN + len) != 1)
		goto done;
	*ret = out;
	*ret_len = len + OVERHEAD;
	out = NULL;
	rc = 0;
done:
	EVP_CIPHER_CTX_free(ctx);
	free(aad);
	free(out);
	return rc;
}

/* Header already checked by the caller; -EBADMSG when the tag fails. */
static int open_value(const EVP_CIPHER *gcm, const uint8_t key[VAULT_KEY_LEN],
		      const char *path, const uint8_t *ct, size_t len,
		      uint8_t **ret, size_t *ret_len)
{
	EVP_CIPHER_CTX *ctx = NULL;
	size_t plen = len - OVERHEAD, aad_len = 0;
	uint8_t *out = malloc(plen ? plen : 1), *aad = NULL;
	uint8_t tag[TAG_LEN];
	int n, rc = -EBADMSG;

	if (!out)
		return -ENOMEM;
	memcpy(tag, ct + len - TAG_LEN, TAG_LEN);
	aad = make_aad(ct, path, &aad_len);
	ctx = EVP_CIPHER_CTX_new();
	if (!aad || !ctx) {
		rc = -ENOMEM;
		goto done;
	}
	if (EVP_DecryptInit_ex(ctx, gcm, NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) !=
		1 ||
	    EVP_DecryptInit_ex(ctx, NULL, NULL, key, ct + HDR_LEN) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1)
		goto done;
	if (plen && EVP_DecryptUpdate(ctx, out, &n, ct + HDR_LEN + NONCE_LEN,
				      (int)plen) != 1)
		goto done;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) != 1 ||
	    EVP_DecryptFinal_ex(ctx, out + plen, &n) != 1)
		goto done;
	*ret = out;
	*ret_len = plen;
	out = NULL;
	rc = 0;
done:
	EVP_CIPHER_CTX_free(ctx);
	free(aad);
	if (out) {
		OPENSSL_cleanse(out, plen);
		free(out);
	}
	return rc;
}

/* Parses a value's header: version and term; -EBADMSG when malformed. */
static int parse_header(const uint8_t *ct, size_t len, uint32_t *term)
{
	if (len < OVERHEAD || ct[0] != BARRIER_VERSION)
		return -EBADMSG;
	*term = get_be32(ct + 1);
	return 0;
}

static int keyring_encode(const struct keys *k, uint8_t **ret, size_t *len)
{
	size_t n = 8 + (size_t)k->n * (4 + VAULT_KEY_LEN);
	uint8_t *b = malloc(n), *p;

	if (!b)
		return -ENOMEM;
	put_be32(b, k->active);
	put_be32(b + 4, k->n);
	p = b + 8;
	for (uint32_t i = 0; i < k->n; i++) {
		put_be32(p, k->k[i].term);
		memcpy(p + 4, k->k[i].key, VAULT_KEY_LEN);
		p += 4 + VAULT_KEY_LEN;
	}
	(void)mlock(b, n); /* best effort, like keys_alloc */
	*ret = b;
	*len = n;
	return 0;
}

static void secure_buf_free(uint8_t *b, size_t n)
{
	if (!b)
		return;
	OPENSSL_cleanse(b, n);
	munlock(b, n);
	free(b);
}

static int keyring_decode(const uint8_t *b, size_t len, struct keys *k)
{
	uint32_t n;

	if (len < 8)
		return -EBADMSG;
	n = get_be32(b + 4);
	if (n == 0 || n > VAULT_BARRIER_MAX_TERMS ||
	    len != 8 + (size_t)n * (4 + VAULT_KEY_LEN))
		return -EBADMSG;
	k->active = get_be32(b);
	k->n = n;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *p = b + 8 + (size_t)i * (4 + VAULT_KEY_LEN);

		k->k[i].term = get_be32(p);
		memcpy(k->k[i].key, p + 4, VAULT_KEY_LEN);
	}
	return 0;
}

static const struct term_key *find_term(const struct keys *k, uint32_t term)
{
	for (uint32_t i = 0; i < k->n; i++)
		if (k->k[i].term == term)
			return &k->k[i];
	return NULL;
}

/* Writes k's keyring under k->root. */
static int keyring_store(struct vault_barrier *b, const struct keys *k,
			 struct bw_error *err)
{
	uint8_t *plain = NULL, *ct = NULL;
	size_t plen = 0, clen = 0;
	int rc = keyring_encode(k, &plain, &plen);

	if (rc)
		return rc;
	rc = seal_value(b->gcm, k->root, 0, VAULT_KEYRING_PATH, plain, plen,
			&ct, &clen);
	secure_buf_free(plain, plen);
	if (rc)
		return bw_errorf(err, rc, NULL, 0, 0,
				 "cannot encrypt the keyring");
	rc = b->st->ops->put(b->st, VAULT_KEYRING_PATH, ct, clen, err);
	free(ct);
	return rc;
}

int vault_barrier_new(struct vault_storage *st, struct vault_barrier **ret)
{
	struct vault_barrier *b = calloc(1, sizeof(*b));

	if (!b)
		return -ENOMEM;
	b->st = st;
	b->gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
	if (!b->gcm || vault_doc_cache_new(0, &b->dc)) {
		EVP_CIPHER_free(b->gcm);
		free(b);
		return -ENOMEM;
	}
	pthread_rwlock_init(&b->lock, NULL);
	*ret = b;
	return 0;
}

void vault_barrier_free(struct vault_barrier *b)
{
	if (!b)
		return;
	vault_barrier_seal(b);
	pthread_rwlock_destroy(&b->lock);
	vault_doc_cache_free(b->dc);
	EVP_CIPHER_free(b->gcm);
	free(b);
}

int vault_barrier_initialized(struct vault_barrier *b, struct bw_error *err)
{
	uint8_t *v = NULL;
	size_t n = 0;
	int rc = b->st->ops->get(b->st, VAULT_KEYRING_PATH, &v, &n, err);

	free(v);
	if (rc == -ENOENT)
		return 0;
	return rc ? rc : 1;
}

int vault_barrier_initialize(struct vault_barrier *b,
			     const uint8_t root_key[VAULT_KEY_LEN],
			     struct bw_error *err)
{
	struct keys *k;
	int rc = vault_barrier_initialized(b, err);

	if (rc < 0)
		return rc;
	if (rc == 1)
		return bw_errorf(err, -EEXIST, NULL, 0, 0,
				 "Vault is already initialized");
	k = keys_alloc();
	if (!k)
		return -ENOMEM;
	memcpy(k->root, root_key, VAULT_KEY_LEN);
	k->active = 1;
	k->n = 1;
	k->k[0].term = 1;
	if (RAND_bytes(k->k[0].key, VAULT_KEY_LEN) != 1)
		rc = bw_errorf(err, -EIO, NULL, 0, 0, "RNG failure");
	else
		rc = keyring_store(b, k, err);
	keys_free(k);
	return rc;
}

int vault_barrier_unseal(struct vault_barrier *b,
			 const uint8_t root_key[VAULT_KEY_LEN],
			 struct bw_error *err)
{
	uint8_t *ct = NULL, *plain = NULL;
	size_t clen = 0, plen = 0;
	uint32_t term;
	struct keys *k;
	int rc;

	rc = b->st->ops->get(b->st, VAULT_KEYRING_PATH, &ct, &clen, err);
	if (rc == -ENOENT)
		return bw_errorf(err, -ENOENT, NULL, 0, 0,
				 "Vault is not initialized");
	if (rc)
		return rc;
	rc = parse_header(ct, clen, &term);
	if (!rc && term != 0)
		rc = -EBADMSG;
	if (rc) {
		free(ct);
		return bw_errorf(err, -EIO, NULL, 0, 0, "keyring is corrupt");
	}
	rc = open_value(b->gcm, root_key, VAULT_KEYRING_PATH, ct, clen, &plain,
			&plen);
	free(ct);
	if (rc == -EBADMSG)
		return bw_errorf(err, -EPERM, NULL, 0, 0,
				 "cipher: message authentication failed");
	if (rc)
		return rc;
	k = keys_alloc();
	if (!k) {
		secure_buf_free(plain, plen);
		return -ENOMEM;
	}
	memcpy(k->root, root_key, VAULT_KEY_LEN);
	rc = keyring_decode(plain, plen, k);
	OPENSSL_cleanse(plain, plen);
	free(plain);
	if (rc || !find_term(k, k->active)) {
		keys_free(k);
		return bw_errorf(err, -EIO, NULL, 0, 0, "keyring is corrupt");
	}
	pthread_rwlock_wrlock(&b->lock);
	keys_free(b->keys);
	b->keys = k;
	pthread_rwlock_unlock(&b->lock);
	return 0;
}

void vault_barrier_seal(struct vault_barrier *b)
{
	if (!b)
		return;
	pthread_rwlock_wrlock(&b->lock);
	keys_free(b->keys);
	b->keys = NULL;
	vault_doc_cache_clear(b->dc);
	pthread_rwlock_unlock(&b->lock);
}

int vault_barrier_sealed(struct vault_barrier *b)
{
	int sealed;

	pthread_rwlock_rdlock(&b->lock);
	sealed = b->keys == NULL;
	pthread_rwlock_unlock(&b->lock);
	return sealed;
}

uint32_t vault_barrier_term(struct vault_barrier *b)
{
	uint32_t t;

	pthread_rwlock_rdlock(&b->lock);
	t = b->keys ? b->keys->active : 0;
	pthread_rwlock_unlock(&b->lock);
	return t;
}

static int sealed_error(struct bw_error *err)
{
	return bw_errorf(err, -EACCES, NULL, 0, 0, "Vault is sealed");
}

int vault_barrier_rotate(struct vault_barrier *b, uint32_t *ret_term,
			 struct bw_error *err)
{
	struct keys *k;
	uint32_t term;
	int rc;

	pthread_rwlock_wrlock(&b->lock);
	k = b->keys;
	if (!k) {
		rc = sealed_error(err);
		goto out;
	}
	if (k->n >= VAULT_BARRIER_MAX_TERMS) {
		rc = bw_errorf(err, -ENOSPC, NULL, 0, 0,
			       "keyring holds the maximum number of terms");
		goto out;
	}
	term = k->active + 1;
	k->k[k->n].term = term;
	if (RAND_bytes(k->k[k->n].key, VAULT_KEY_LEN) != 1) {
		OPENSSL_cleanse(&k->k[k->n], sizeof(k->k[0]));
		rc = bw_errorf(err, -EIO, NULL, 0, 0, "RNG failure");
		goto out;
	}
	k->n++;
	k->active = term;
	rc = keyring_store(b, k, err);
	if (rc) { /* not durable: forget the new key */
		k->n--;
		k->active = term - 1;
		OPENSSL_cleanse(&k->k[k->n], sizeof(k->k[0]));
		goto out;
	}
	*ret_term = term;
out:
	pthread_rwlock_unlock(&b->lock);
	return rc;
}

/* Requests may not touch the barrier's own entry. */
static int check_path(const char *key, struct bw_error *err)
{
	if (!key || !strcmp(key, VAULT_KEYRING_PATH))
		return bw_errorf(err, -EPERM, NULL, 0, 0, "reserved path");
	return 0;
}

int vault_barrier_get(struct vault_barrier *b, const char *key, uint8_t **ret,
		      size_t *ret_len, struct bw_error *err)
{
	uint8_t *ct = NULL;
	size_t clen = 0;
	uint32_t term;
	const struct term_key *tk;
	int rc = check_path(key, err);

	if (rc)
		return rc;
	pthread_rwlock_rdlock(&b->lock);
	if (!b->keys) {
		rc = sealed_error(err);
		goto out;
	}
	rc = b->st->ops->get(b->st, key, &ct, &clen, err);
	if (rc)
		goto out;
	rc = parse_header(ct, clen, &term);
	tk = rc ? NULL : find_term(b->keys, term);
	if (!tk) {
		rc = bw_errorf(err, -EBADMSG, key, 0, 0,
			       "value has a bad header or unknown key term");
		goto out;
	}
	rc = open_value(b->gcm, tk->key, key, ct, clen, ret, ret_len);
	if (rc == -EBADMSG)
		bw_errorf(err, rc, key, 0, 0,
			  "value does not authenticate (tampered or moved)");
out:
	pthread_rwlock_unlock(&b->lock);
	free(ct);
	return rc;
}

int vault_barrier_put(struct vault_barrier *b, const char *key,
		      const uint8_t *val, size_t len, struct bw_error *err)
{
	uint8_t *ct = NULL;
	size_t clen = 0;
	const struct term_key *tk;
	int rc = check_path(key, err);

	if (rc)
		return rc;
	pthread_rwlock_rdlock(&b->lock);
	if (!b->keys) {
		rc = sealed_error(err);
		goto out;
	}
	tk = find_term(b->keys, b->keys->active);
	rc = seal_value(b->gcm, tk->key, tk->term, key, val, len, &ct, &clen);
	if (rc) {
		bw_errorf(err, rc, key, 0, 0, "cannot encrypt");
		goto out;
	}
	rc = b->st->ops->put(b->st, key, ct, clen, err);
	/* after the write, even a failed one (its outcome is unknown) */
	vault_doc_cache_drop(b->dc, key);
out:
	pthread_rwlock_unlock(&b->lock);
	free(ct);
	return rc;
}

int vault_barrier_delete(struct vault_barrier *b, const char *key,
			 struct bw_error *err)
{
	int rc = check_path(key, err);

	if (rc)
		return rc;
	pthread_rwlock_rdlock(&b->lock);
	if (b->keys) {
		rc = b->st->ops->delete (b->st, key, err);
		vault_doc_cache_drop(b->dc, key);
	} else {
		rc = sealed_error(err);
	}
	pthread_rwlock_unlock(&b->lock);
	return rc;
}

int vault_barrier_get_doc(struct vault_barrier *b, const char *key,
			  json_t **ret, struct bw_error *err)
{
	uint8_t *v = NULL;
	size_t n = 0;
	uint64_t gen;
	json_t *doc;
	int rc = check_path(key, err);

	if (rc)
		return rc;
	pthread_rwlock_rdlock(&b->lock);
	if (!b->keys) {
		rc = sealed_error(err);
		goto out;
	}
	doc = vault_doc_cache_get(b->dc, key);
	if (doc) {
		*ret = doc;
		goto out;
	}
	gen = vault_doc_cache_gen(b->dc); /* before the read: see doc_cache.c */
	pthread_rwlock_unlock(&b->lock);
	rc = vault_barrier_get(b, key, &v, &n, err);
	if (rc)
		return rc;
	doc = json_loadb((const char *)v, n, 0, NULL);
	vault_secure_free(v, n);
	if (!doc)
		return bw_errorf(err, -EBADMSG, key, 0, 0,
				 "stored value is not JSON");
	pthread_rwlock_rdlock(&b->lock);
	if (b->keys) /* not sealed meanwhile */
		vault_doc_cache_insert(b->dc, key, doc, gen);
	*ret = doc;
out:
	pthread_rwlock_unlock(&b->lock);
	return rc;
}

int vault_barrier_list(struct vault_barrier *b, const char *prefix,
		       json_t **ret, struct bw_error *err)
{
	int rc;

	pthread_rwlock_rdlock(&b->lock);
	rc = b->keys ? b->st->ops->list(b->st, prefix, ret, err)
		     : sealed_error(err);
	pthread_rwlock_unlock(&b->lock);
	return rc;
}
