/*
 * approle_int.h - internal to the AppRole auth method (approle*.c; see
 * approle.c for how the method works): the storage layout, the limits,
 * the mutex every AppRole write takes, and the functions one of its files
 * calls in another.  The ar_ prefix marks them; nothing outside the
 * approle*.c files uses this header (router.c sees vault_approle_routes
 * through router_int.h, the sweep vault_approle_tidy through tidy_int.h).
 */
#ifndef BW_VAULT_APPROLE_INT_H
#define BW_VAULT_APPROLE_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "vault/router_int.h"

#define AR_PREFIX "core/approle/"
#define AR_ROLE AR_PREFIX "role/"
#define AR_ROLE_ID AR_PREFIX "role-id/"
#define AR_SECRET AR_PREFIX "secret-id/"
#define AR_ACCESSOR AR_PREFIX "accessor/"
#define AR_MAX_NAME 128
#define AR_MAX_ID 256 /* role_id, secret_id, accessor as sent */
#define AR_MAX_CIDRS 32
#define AR_MAX_META 64
#define AR_KEY 512
#define AR_INVALID "invalid role or secret ID"

/* Every AppRole write (role changes, secret id creation, use and
 * destruction) holds the core's approle_mu (core_int.h). */

static inline int64_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static inline const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* ---- approle_common.c ---- */

/* (Documents: vault_json_get_object and vault_json_put, core_int.h.) */
/* Role names: [A-Za-z0-9_.@-], lower-cased into out.  0 or -EINVAL. */
int ar_name_check(const char *s, size_t len, char out[AR_MAX_NAME + 1]);
/* token_policies as sent (a list or a comma-separated string): checked,
 * lower-cased, without duplicates into *ret (new array).  0 or -EINVAL. */
int ar_policies_param(json_t *v, json_t **ret);

/* ---- approle_role.c ---- */

/* The stored role name (checked by ar_name_check) into *ret (new
 * reference): 0, -ENOENT or another error. */
int ar_role_get(struct vault_core *c, const char *name, json_t **ret);
/* Handlers: auth/approle/role (the list) and auth/approle/role/<name>[/...]
 * (router_int.h's vault_handler_fn). */
int ar_h_role_list(struct vault_core *c, struct rctx *r, int *status,
		   json_t **data);
int ar_h_role(struct vault_core *c, struct rctx *r, int *status, json_t **data);

/* ---- approle_secret_id.c ---- */

/* The secret-id paths of role name (which exists), for ar_h_role:
 * secret-id (write: generate; list), secret-id[-accessor]/lookup and
 * secret-id[-accessor]/destroy (by_accessor: named by
 * secret_id_accessor).  As a handler: status and data filled, or
 * vault_verr's error. */
int ar_secret_create(struct vault_core *c, struct rctx *r, const char *name,
		     int *status, json_t **data);
int ar_secret_list(struct vault_core *c, const char *name, int *status,
		   json_t **data);
int ar_secret_lookup(struct vault_core *c, struct rctx *r, const char *name,
		     int by_accessor, int *status, json_t **data);
int ar_secret_destroy(struct vault_core *c, struct rctx *r, const char *name,
		      int by_accessor, int *status);
/* The entry of secret id sh (its SHA-256, hex) of role name into *ret (new
 * reference): 0, -ENOENT (also when expired: then removed), -EIO.  Called
 * with approle_mu held. */
int ar_secret_get(struct vault_core *c, const char *name, const char *sh,
		  json_t **ret);
/* Removes a secret id's entry e and its accessor link (approle_mu held). */
int ar_secret_remove(struct vault_core *c, const char *name, json_t *e);

/* ---- approle_login.c ---- */

/* Handler of auth/approle/login. */
int ar_h_login(struct vault_core *c, struct rctx *r, int *status,
	       json_t **data);

#endif
