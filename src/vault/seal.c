/*
 * seal.c - the core's seal state: sys/init (root key, Shamir shares, root
 * token), sys/unseal progress, sys/seal, seal-status, and the token store's
 * lookup.
 *
 * The seal configuration (shares, threshold) is stored in plaintext at
 * VAULT_SEAL_CONFIG_PATH so seal-status works while sealed, as Vault does;
 * everything else goes through the barrier.  The root key exists only while
 * init runs and inside the barrier's mlock'ed keyring while unsealed; the
 * unseal keys given so far are kept (zeroed when consumed or reset) until
 * threshold of them arrive.  With one share the key is the root key itself
 * (as Vault), otherwise vault_shamir_split/combine.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/private_file.h"
#include "vault/core_int.h"
#include "vault/logical.h"
#include "vault/token_int.h"

/*
 * Random bytes for UUIDs (request ids on every request) drawn from
 * RAND_bytes 512 at a time per thread: each RAND_bytes call also costs a
 * getpid() (OpenSSL's fork check), which showed in the read benchmark.
 * A forked child forgets its copy of the pool, so parent and child never
 * hand out the same ids.
 */
#define UUID_POOL 512
static _Thread_local uint8_t uuid_pool[UUID_POOL];
static _Thread_local size_t uuid_left;
static pthread_once_t uuid_once = PTHREAD_ONCE_INIT;

static void uuid_forget(void) { uuid_left = 0; }
static void uuid_init(void) { pthread_atfork(NULL, NULL, uuid_forget); }

static void uuid_random(uint8_t r[16])
{
	pthread_once(&uuid_once, uuid_init);
	if (uuid_left < 16) {
		if (RAND_bytes(uuid_pool, UUID_POOL) != 1) {
			uuid_left = 0;
			if (RAND_bytes(r, 16) != 1)
				memset(r, 0, 16);
			return;
		}
		uuid_left = UUID_POOL;
	}
	memcpy(r, uuid_pool + UUID_POOL - uuid_left, 16);
	uuid_left -= 16;
}

void vault_uuid(char out[37])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t r[16];
	size_t o = 0;

	uuid_random(r);
	r[6] = (uint8_t)((r[6] & 0x0f) | 0x40);
	r[8] = (uint8_t)((r[8] & 0x3f) | 0x80);
	/* 8-4-4-4-12 hex digits; one per request, so no snprintf */
	for (size_t i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = digits[r[i] >> 4];
		out[o++] = digits[r[i] & 15];
	}
	out[o] = '\0';
}

static void hex_encode(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decodes an unseal key given as hex or base64 into out (cap bytes). */
static int key_decode(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strnlen(s, 2 * cap + 8);
	int hex = n > 0 && n % 2 == 0 && n / 2 <= cap;

	for (size_t i = 0; hex && i < n; i++)
		hex = hexval(s[i]) >= 0;
	if (hex) {
		for (size_t i = 0; i < n / 2; i++)
			out[i] = (uint8_t)(hexval(s[2 * i]) << 4 |
					   hexval(s[2 * i + 1]));
		*len = n / 2;
		return 0;
	}
	if (n == 0 || n % 4 || n / 4 * 3 > cap + 2 || n > 2 * cap) {
		return -EINVAL;
	} else {
		uint8_t tmp[2 * VAULT_SHAMIR_MAX_SECRET];
		int got =
		    EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)n);
		size_t pad = (s[n - 1] == '=') + (s[n - 2] == '=');

		if (got < 0 || (size_t)got < pad || (size_t)got - pad > cap) {
			OPENSSL_cleanse(tmp, sizeof(tmp));
			return -EINVAL;
		}
		*len = (size_t)got - pad;
		memcpy(out, tmp, *len);
		OPENSSL_cleanse(tmp, sizeof(tmp));
	}
	return 0;
}

static void progress_reset_locked(struct vault_core *c)
{
	for (int i = 0; i < c->nprogress; i++)
		vault_secure_free(c->progress[i], c->progress_len);
	c->nprogress = 0;
	c->progress_len = 0;
	c->nonce[0] = '\0';
}

/* Reads the seal configuration into c (under c->mu). */
static int load_seal_config_locked(struct vault_core *c, struct bw_error *err)
{
	uint8_t *v = NULL;
	size_t n = 0;
	json_t *o;
	json_error_t je;
	int rc = c->st->ops->get(c->st, VAULT_SEAL_CONFIG_PATH, &v, &n, err);

	if (rc == -ENOENT) {
		c->initialized = 0;
		return 0;
	}
	if (rc)
		return rc;
	o = json_loadb((const char *)v, n, 0, &je);
	free(v);
	if (!o ||
	    json_unpack(o, "{s:i, s:i}", "secret_shares", &c->shares,
			"secret_threshold", &c->threshold) ||
	    c->threshold < 1 || c->shares < c->threshold ||
	    c->shares > VAULT_SHAMIR_MAX_PARTS) {
		json_decref(o);
		return bw_errorf(err, -EIO, NULL, 0, 0,
				 "seal configuration is corrupt");
	}
	json_decref(o);
	c->initialized = 1;
	return 0;
}

int vault_core_new(struct vault_storage *st, struct vault_core **ret,
		   struct bw_error *err)
{
	struct vault_core *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return -ENOMEM;
	c->st = st;
	pthread_mutex_init(&c->mu, NULL);
	pthread_rwlock_init(&c->audit_lock, NULL);
	pthread_rwlock_init(&c->mount_lock, NULL);
	pthread_mutex_init(&c->wrap_mu, NULL);
	pthread_mutex_init(&c->approle_mu, NULL);
	for (size_t i = 0; i < VAULT_KV_LOCK_STRIPES; i++)
		pthread_mutex_init(&c->kv_key_locks[i], NULL);
	vault_uuid(c->cluster_id);
	rc = vault_tokens_new(&c->tokens);
	if (!rc)
		rc = vault_barrier_new(st, &c->b);
	if (!rc)
		rc = load_seal_config_locked(c, err);
	if (rc) {
		vault_core_free(c);
		return rc;
	}
	*ret = c;
	return 0;
}

void vault_core_free(struct vault_core *c)
{
	if (!c)
		return;
	vault_barrier_free(c->b); /* seals: zeroes the keys */
	vault_tokens_free(c->tokens);
	progress_reset_locked(c);
	vault_audit_close(c->audit_dev);
	free(c->audit_path);
	pthread_rwlock_destroy(&c->audit_lock);
	pthread_rwlock_destroy(&c->mount_lock);
	pthread_mutex_destroy(&c->wrap_mu);
	pthread_mutex_destroy(&c->approle_mu);
	for (size_t i = 0; i < VAULT_KV_LOCK_STRIPES; i++)
		pthread_mutex_destroy(&c->kv_key_locks[i]);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

void vault_core_set_audit(struct vault_core *c, vault_audit_fn fn, void *ctx)
{
	c->audit = fn;
	c->audit_ctx = ctx;
}

int vault_core_sealed(struct vault_core *c)
{
	return vault_barrier_sealed(c->b);
}

void vault_core_seal(struct vault_core *c)
{
	pthread_mutex_lock(&c->mu);
	progress_reset_locked(c);
	vault_barrier_seal(c->b);
	vault_tokens_clear_cache(c->tokens);
	pthread_rwlock_wrlock(&c->audit_lock);
	vault_audit_close(c->audit_dev);
	c->audit_dev = NULL;
	pthread_rwlock_unlock(&c->audit_lock);
	pthread_mutex_unlock(&c->mu);
}

int vault_core_enable_audit(struct vault_core *c, const char *path,
			    struct bw_error *err)
{
	/* created now (mode 0600) so a bad path fails at start, not unseal */
	int fd = bw_open_private(path, O_WRONLY | O_APPEND);

	if (fd < 0)
		return bw_errorf(err, fd, path, 0, 0,
				 "cannot open the audit log: %s",
				 fd == -ELOOP	 ? "it is a symbolic link"
				 : fd == -EINVAL ? "not a regular file"
						 : strerror(-fd));
	close(fd);
	free(c->audit_path);
	c->audit_path = strdup(path);
	return c->audit_path ? 0 : -ENOMEM;
}

/* Opens the audit device after an unseal (barrier unsealed, c->mu held). */
static int audit_open_locked(struct vault_core *c, struct bw_error *err)
{
	uint8_t *salt = NULL, fresh[32];
	size_t n = 0;
	int rc;

	if (!c->audit_path)
		return 0;
	rc = vault_barrier_get(c->b, VAULT_AUDIT_SALT_PATH, &salt, &n, err);
	if (rc == -ENOENT) {
		if (RAND_bytes(fresh, sizeof(fresh)) != 1)
			return bw_errorf(err, -EIO, NULL, 0, 0, "RNG failure");
		rc = vault_barrier_put(c->b, VAULT_AUDIT_SALT_PATH, fresh,
				       sizeof(fresh), err);
		if (!rc) {
			salt = malloc(sizeof(fresh));
			if (!salt)
				rc = -ENOMEM;
			else
				memcpy(salt, fresh, sizeof(fresh));
			n = sizeof(fresh);
		}
		OPENSSL_cleanse(fresh, sizeof(fresh));
	}
	if (rc)
		return rc;
	if (n != 32) {
		vault_secure_free(salt, n);
		return bw_errorf(err, -EIO, NULL, 0, 0, "audit salt corrupt");
	}
	pthread_rwlock_wrlock(&c->audit_lock);
	vault_audit_close(c->audit_dev);
	c->audit_dev = NULL;
	rc = vault_audit_open(c->audit_path, salt, &c->audit_dev, err);
	pthread_rwlock_unlock(&c->audit_lock);
	vault_secure_free(salt, n);
	return rc;
}

int vault_core_audit(struct vault_core *c, const char *type, json_t *auth,
		     json_t *request, json_t *response, const char *error)
{
	int rc = 0;

	if (c->audit &&
	    c->audit(c->audit_ctx, type, auth, request, response, error))
		return -EIO;
	if (!c->audit_path || vault_barrier_sealed(c->b))
		return 0;
	pthread_rwlock_rdlock(&c->audit_lock);
	if (!c->audit_dev)
		rc = -EIO; /* unsealed but the device did not open */
	else
		rc = vault_audit_log(c->audit_dev, type, auth, request,
				     response, error, NULL);
	pthread_rwlock_unlock(&c->audit_lock);
	return rc ? -EIO : 0;
}

/* Stores the root token (policies ["root"], no expiry, an orphan) and the
 * "default" policy; the barrier must be unsealed. */
static int create_root_token(struct vault_core *c,
			     char token[VAULT_TOKEN_LEN + 1],
			     struct bw_error *err)
{
	json_t *pol = json_pack("[s]", "root");
	struct vault_token_params p = {
	    .policies = pol, .display_name = "root", .path = "auth/token/root"};
	int rc;

	if (!pol)
		return -ENOMEM;
	rc = vault_token_create(c, &p, token, NULL, err);
	json_decref(pol);
	if (!rc)
		rc = vault_policy_ensure_default(c, err);
	return rc;
}

static int check_init_params(int shares, int threshold, struct bw_error *err)
{
	if (shares < 1 || threshold < 1)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "invalid seal configuration: shares and "
				 "threshold must be at least one");
	if (threshold > shares)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "invalid seal configuration: threshold "
				 "cannot be larger than shares");
	if (shares > 1 && threshold < 2)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "invalid seal configuration: threshold must "
				 "be greater than one for multiple shares");
	if (shares > VAULT_SHAMIR_MAX_PARTS)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "invalid seal configuration: shares must be "
				 "at most 255");
	return 0;
}

static json_t *keys_json(const uint8_t *keys, size_t klen, int n, int b64)
{
	json_t *arr = json_array();
	char buf[2 * (VAULT_KEY_LEN + 1) + 8];

	for (int i = 0; arr && i < n; i++) {
		const uint8_t *k = keys + (size_t)i * klen;

		if (b64)
			EVP_EncodeBlock((unsigned char *)buf, k, (int)klen);
		else
			hex_encode(k, klen, buf);
		json_array_append_new(arr, json_string(buf));
		OPENSSL_cleanse(buf, sizeof(buf));
	}
	return arr;
}

int vault_core_init(struct vault_core *c, int shares, int threshold,
		    json_t **ret, struct bw_error *err)
{
	uint8_t *root = NULL, *keys = NULL;
	size_t klen, keys_size = 0;
	char token[VAULT_TOKEN_LEN + 1] = "";
	json_t *out = NULL;
	char cfg[96];
	int rc = check_init_params(shares, threshold, err);

	if (rc)
		return rc;
	pthread_mutex_lock(&c->mu);
	if (c->initialized) {
		rc = bw_errorf(err, -EEXIST, NULL, 0, 0,
			       "Vault is already initialized");
		goto out;
	}
	root = OPENSSL_secure_malloc(VAULT_KEY_LEN);
	if (!root) {
		rc = -ENOMEM;
		goto out;
	}
	if (RAND_bytes(root, VAULT_KEY_LEN) != 1) {
		rc = bw_errorf(err, -EIO, NULL, 0, 0, "RNG failure");
		goto out;
	}
	if (shares == 1) {
		klen = VAULT_KEY_LEN;
		keys = malloc(klen);
		if (!keys) {
			rc = -ENOMEM;
			goto out;
		}
		memcpy(keys, root, klen);
		keys_size = klen;
	} else {
		klen = VAULT_KEY_LEN + 1;
		rc = vault_shamir_split(root, VAULT_KEY_LEN, shares, threshold,
					&keys, err);
		if (rc)
			goto out;
		keys_size = (size_t)shares * klen;
	}
	rc = vault_barrier_initialize(c->b, root, err);
	if (!rc)
		rc = vault_barrier_unseal(c->b, root, err);
	if (!rc)
		rc = create_root_token(c, token, err);
	if (!rc) /* "secret/" as KV v2, as Vault's dev mode */
		rc = vault_mounts_init_default(c, err);
	vault_barrier_seal(c->b);
	if (rc)
		goto out;
	/* the seal config last: a crash before it leaves "not initialised" */
	snprintf(cfg, sizeof(cfg),
		 "{\"secret_shares\":%d,\"secret_threshold\":%d}", shares,
		 threshold);
	rc = c->st->ops->put(c->st, VAULT_SEAL_CONFIG_PATH,
			     (const uint8_t *)cfg, strlen(cfg), err);
	if (rc)
		goto out;
	c->initialized = 1;
	c->shares = shares;
	c->threshold = threshold;
	out = json_pack("{s:o, s:o, s:s}", "keys",
			keys_json(keys, klen, shares, 0), "keys_base64",
			keys_json(keys, klen, shares, 1), "root_token", token);
	if (!out)
		rc = -ENOMEM;
	else
		*ret = out;
out:
	pthread_mutex_unlock(&c->mu);
	OPENSSL_cleanse(token, sizeof(token));
	vault_secure_free(keys, keys_size);
	if (root)
		OPENSSL_secure_clear_free(root, VAULT_KEY_LEN);
	return rc;
}

/* Combines the progress keys and unseals; resets the progress either way. */
static int unseal_attempt_locked(struct vault_core *c, struct bw_error *err)
{
	uint8_t root[VAULT_KEY_LEN];
	int rc;

	if (c->threshold == 1) {
		if (c->progress_len != VAULT_KEY_LEN) {
			progress_reset_locked(c);
			return bw_errorf(err, -EINVAL, NULL, 0, 0,
					 "invalid key length");
		}
		memcpy(root, c->progress[0], VAULT_KEY_LEN);
		rc = 0;
	} else if (c->progress_len != VAULT_KEY_LEN + 1) {
		rc = bw_errorf(err, -EINVAL, NULL, 0, 0, "invalid key length");
	} else {
		rc = vault_shamir_combine((const uint8_t *const *)c->progress,
					  (size_t)c->nprogress, c->progress_len,
					  root, err);
	}
	progress_reset_locked(c);
	if (!rc)
		rc = vault_barrier_unseal(c->b, root, err);
	OPENSSL_cleanse(root, sizeof(root));
	if (!rc && audit_open_locked(c, NULL)) {
		/* cannot audit: stay sealed rather than serve unaudited */
		vault_barrier_seal(c->b);
		rc = bw_errorf(err, -EIO, NULL, 0, 0,
			       "cannot open the audit log; staying sealed");
	}
	return rc;
}

int vault_core_unseal(struct vault_core *c, const char *key, int reset,
		      struct bw_error *err)
{
	uint8_t buf[VAULT_KEY_LEN + 8];
	size_t len = 0;
	int rc = 0;

	pthread_mutex_lock(&c->mu);
	if (reset)
		progress_reset_locked(c);
	if (!c->initialized) {
		rc = bw_errorf(err, -ENOENT, NULL, 0, 0,
			       "Vault is not initialized");
		goto out;
	}
	if (!key || !vault_barrier_sealed(c->b))
		goto out; /* reset only, or nothing to do */
	if (key_decode(key, buf, sizeof(buf), &len) || len < 2) {
		rc = bw_errorf(err, -EINVAL, NULL, 0, 0,
			       "'key' must be a valid hex or base64 string");
		goto out;
	}
	if (c->nprogress && len != c->progress_len) {
		rc = bw_errorf(err, -EINVAL, NULL, 0, 0,
			       "key length differs from the keys given "
			       "before");
		goto out;
	}
	for (int i = 0; i < c->nprogress; i++)
		if (!CRYPTO_memcmp(c->progress[i], buf, len))
			goto out; /* Vault ignores a repeated key */
	c->progress[c->nprogress] = malloc(len);
	if (!c->progress[c->nprogress]) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(c->progress[c->nprogress++], buf, len);
	c->progress_len = len;
	if (c->nprogress == 1)
		vault_uuid(c->nonce);
	if (c->nprogress >= c->threshold)
		rc = unseal_attempt_locked(c, err);
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	pthread_mutex_unlock(&c->mu);
	return rc;
}

json_t *vault_core_seal_status(struct vault_core *c)
{
	json_t *o;
	int sealed;

	pthread_mutex_lock(&c->mu);
	sealed = vault_barrier_sealed(c->b);
	o = json_pack("{s:s, s:b, s:b, s:i, s:i, s:i, s:s, s:s, s:b, s:b, "
		      "s:s}",
		      "type", "shamir", "initialized", c->initialized, "sealed",
		      sealed, "t", c->threshold, "n", c->shares, "progress",
		      c->nprogress, "nonce", c->nonce, "version",
		      VAULT_VERSION_STRING, "migration", 0, "recovery_seal", 0,
		      "storage_type", c->st->ops->name);
	if (o && !sealed) {
		json_object_set_new(o, "cluster_name",
				    json_string("bulwark-vault"));
		json_object_set_new(o, "cluster_id",
				    json_string(c->cluster_id));
	}
	pthread_mutex_unlock(&c->mu);
	return o;
}
