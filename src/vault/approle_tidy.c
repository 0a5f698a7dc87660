/*
 * approle_tidy.c - the AppRole part of the sweep (vault_approle_tidy,
 * tidy_int.h): expired secret ids, secret ids without their accessor
 * entry and accessor entries without their secret id.  Each key that looks
 * stale is re-checked under approle_mu before it is deleted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "vault/approle_int.h"
#include "vault/tidy_int.h"
#include "vault/token_int.h"

/* ---- tidy --------------------------------------------------------------- */

/* 1 when key exists, 0 when not, or negative. */
static int ar_exists(struct vault_core *c, const char *key)
{
	uint8_t *v = NULL;
	size_t n = 0;
	int rc = vault_barrier_get(c->b, key, &v, &n, NULL);

	if (rc)
		return rc == -ENOENT ? 0 : rc;
	OPENSSL_cleanse(v, n);
	free(v);
	return 1;
}

/*
 * Whether the secret id sh of role name is stale: expired, or without its
 * accessor entry (ar_secret_create writes that first, so only a crash between
 * the two leaves one; Vault drops those too).  1 stale (its entry in
 * *ret), 0 fine or gone, or negative.
 */
static int secret_stale(struct vault_core *c, const char *name, const char *sh,
			json_t **ret)
{
	char key[AR_KEY], ah[65];
	json_t *e = NULL;
	int64_t exp;
	int rc;

	snprintf(key, sizeof(key), "%s%s/%s", AR_SECRET, name, sh);
	rc = vault_json_get_object(c, key, &e);
	if (rc)
		return rc == -ENOENT ? 0 : rc;
	if (strlen(jstr(e, "hash")) != 64 ||
	    CRYPTO_memcmp(jstr(e, "hash"), sh, 64)) {
		json_decref(e);
		return -EIO; /* not what it claims: left alone */
	}
	exp = jint(e, "expiration_time");
	rc = 1;
	if (exp <= 0 || (int64_t)vault_tokens_now(c) < exp) {
		vault_token_hash(jstr(e, "accessor"), ah);
		snprintf(key, sizeof(key), "%s%s/%s", AR_ACCESSOR, name, ah);
		rc = ar_exists(c, key);
		rc = rc < 0 ? rc : !rc;
	}
	if (rc == 1)
		*ret = e;
	else
		json_decref(e);
	return rc;
}

/* Removes secret id sh of role name when, under approle_mu, it is still stale:
 * 1 removed, 0 not, or negative. */
static int secret_reap(struct vault_core *c, const char *name, const char *sh)
{
	json_t *e = NULL;
	int rc = secret_stale(c, name, sh, &e);

	json_decref(e);
	if (rc != 1)
		return rc;
	e = NULL;
	pthread_mutex_lock(&c->approle_mu);
	rc = secret_stale(c, name, sh, &e);
	if (rc == 1)
		rc = ar_secret_remove(c, name, e) ? -EIO : 1;
	pthread_mutex_unlock(&c->approle_mu);
	json_decref(e);
	return rc;
}

/* 1 when the accessor entry at key names no secret id of role name. */
static int accessor_dangling(struct vault_core *c, const char *name,
			     const char *key)
{
	char skey[AR_KEY];
	json_t *o = NULL;
	int rc = vault_json_get_object(c, key, &o);

	if (rc)
		return rc == -ENOENT ? 0 : rc;
	if (strlen(jstr(o, "hash")) != 64 ||
	    strspn(jstr(o, "hash"), "0123456789abcdef") != 64) {
		json_decref(o);
		return 1; /* names nothing */
	}
	snprintf(skey, sizeof(skey), "%s%s/%s", AR_SECRET, name,
		 jstr(o, "hash"));
	json_decref(o);
	rc = ar_exists(c, skey);
	return rc < 0 ? rc : !rc;
}

/* 1 when deleted, 0 not, or negative. */
static int accessor_reap(struct vault_core *c, const char *name,
			 const char *key)
{
	int rc = accessor_dangling(c, name, key);

	if (rc != 1)
		return rc;
	pthread_mutex_lock(&c->approle_mu);
	rc = accessor_dangling(c, name, key);
	if (rc == 1)
		rc = vault_barrier_delete(c->b, key, NULL) ? -EIO : 1;
	pthread_mutex_unlock(&c->approle_mu);
	return rc;
}

/*
 * Walks the keys under base + role name ("<name>/" as listed) with fn;
 * counts into *scanned (may be NULL) and *removed.  *n counts keys across
 * roles for the batch checks.
 */
static int tidy_role_keys(struct vault_tidy_walk *w, const char *base,
			  const char *folder, size_t *n, size_t *scanned,
			  size_t *removed, int *first)
{
	char prefix[AR_KEY], key[AR_KEY], name[AR_MAX_NAME + 1];
	json_t *keys = NULL, *k;
	size_t i, len = strlen(folder);
	int rc;

	if (len < 2 || folder[len - 1] != '/' ||
	    ar_name_check(folder, len - 1, name) ||
	    strncmp(name, folder, len - 1))
		return 0; /* not a role's folder */
	snprintf(prefix, sizeof(prefix), "%s%s", base, folder);
	rc = vault_barrier_list(w->c->b, prefix, &keys, NULL);
	if (rc)
		return rc == -EACCES ? -ECANCELED : rc;
	json_array_foreach(keys, i, k)
	{
		const char *h = json_string_value(k);

		if ((*n)++ % VAULT_TIDY_BATCH == 0 && vault_tidy_stopped(w)) {
			rc = -ECANCELED;
			break;
		}
		if (!h || strlen(h) != 64)
			continue;
		if (scanned)
			(*scanned)++;
		snprintf(key, sizeof(key), "%s%s", prefix, h);
		rc = !strcmp(base, AR_SECRET) ? secret_reap(w->c, name, h)
					      : accessor_reap(w->c, name, key);
		if (rc == 1)
			(*removed)++;
		if (rc < 0) {
			w->st->errors++;
			if (!*first)
				*first = rc;
		}
		rc = 0;
	}
	json_decref(keys);
	return rc;
}

int vault_approle_tidy(struct vault_tidy_walk *w, struct bw_error *err)
{
	static const char *const bases[] = {AR_SECRET, AR_ACCESSOR};
	struct vault_tidy_stats *st = w->st;
	json_t *roles, *r;
	size_t i, n = 0;
	int rc = 0, first = 0;

	/* secret ids first: the accessor entries they leave are then
	 * dangling and go in the second pass */
	for (size_t b = 0; !rc && b < 2; b++) {
		roles = NULL;
		rc = vault_barrier_list(w->c->b, bases[b], &roles, err);
		if (rc) {
			rc = rc == -EACCES ? -ECANCELED : rc;
			break;
		}
		json_array_foreach(roles, i, r)
		{
			const char *folder = json_string_value(r);

			if (!folder)
				continue;
			rc = tidy_role_keys(w, bases[b], folder, &n,
					    b ? NULL : &st->secret_ids_scanned,
					    b ? &st->secret_id_accessors_deleted
					      : &st->secret_ids_deleted,
					    &first);
			if (rc == -ECANCELED)
				break;
			if (rc) {
				st->errors++;
				first = first ? first : rc;
				rc = 0;
			}
		}
		json_decref(roles);
	}
	if (!rc && first)
		bw_errorf(err, first, NULL, 0, 0, "tidy of secret ids: %s",
			  strerror(-first));
	return rc ? rc : first;
}
