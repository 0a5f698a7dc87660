/*
 * json_store.c - JSON documents stored through the barrier, as the token
 * store, AppRole, wrapping and the engines keep their state: a private,
 * mutable copy per read (the shared, cached one for hot non-secret
 * documents is vault_barrier_get_doc), plaintext zeroed once parsed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vault/core_int.h"

int vault_json_get(struct vault_core *c, const char *key, json_t **ret)
{
	uint8_t *v = NULL;
	size_t n = 0;
	struct bw_error err;
	json_t *j;
	int rc;

	bw_error_clear(&err);
	rc = vault_barrier_get(c->b, key, &v, &n, &err);
	if (rc)
		return rc;
	j = json_loadb((const char *)v, n, 0, NULL);
	vault_secure_free(v, n);
	if (!j)
		return -EBADMSG;
	*ret = j;
	return 0;
}

int vault_json_put(struct vault_core *c, const char *key, json_t *j)
{
	struct bw_error err;
	char *t = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t n;
	int rc;

	if (!t)
		return -ENOMEM;
	n = strlen(t);
	bw_error_clear(&err);
	rc = vault_barrier_put(c->b, key, (const uint8_t *)t, n, &err);
	vault_secure_free(t, n);
	return rc;
}

int vault_key_delete(struct vault_core *c, const char *key)
{
	struct bw_error err;

	bw_error_clear(&err);
	return vault_barrier_delete(c->b, key, &err);
}

/* Deletes every entry under prefix (ending in "/"), folders recursively. */

int vault_json_get_object(struct vault_core *c, const char *key, json_t **ret)
{
	json_t *o = NULL;
	int rc = vault_json_get(c, key, &o);

	if (rc == -EBADMSG)
		return -EIO;
	if (rc)
		return rc;
	if (!json_is_object(o)) {
		json_decref(o);
		return -EIO;
	}
	*ret = o;
	return 0;
}
