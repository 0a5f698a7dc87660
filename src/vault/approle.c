/*
 * approle.c - the AppRole auth method, mounted at auth/approle/ from the
 * start (Vault needs `vault auth enable approle`; sys/auth here accepts
 * that as a no-op and lists token/ and approle/), as a route table router.c
 * walks.
 *
 * A role carries the token settings (token_policies, token_ttl,
 * token_max_ttl, token_num_uses, token_period, token_no_default_policy,
 * token_bound_cidrs) and the secret id rules (bind_secret_id,
 * secret_id_ttl, secret_id_num_uses, secret_id_bound_cidrs).  Login with
 * role_id (+ secret_id when bound) gets an orphan token from the token
 * store with the role's policies and TTLs, metadata {"role_name": name}.
 *
 * Storage layout, under the barrier and under "core/" (no request path
 * reaches it):
 *   core/approle/role/<name>                      the role (JSON)
 *   core/approle/role-id/<sha256(role_id)>        {"name": "<name>"}
 *   core/approle/secret-id/<name>/<sha256(sid)>   a secret id's entry
 *   core/approle/accessor/<name>/<sha256(acc)>    {"hash", "accessor"}
 * The secret id itself is never stored, only its SHA-256 (122 random bits:
 * no salt needed against guessing), and the stored hash is compared again
 * with CRYPTO_memcmp.  Every failure of a login answers the same 400
 * "invalid role or secret ID"; the router rate limits auth/.../login per
 * client.  One mutex serialises every write (role changes, secret id
 * creation, use and destruction) so a num_uses decrement is a
 * read-modify-write no other login interleaves with.
 *
 * An expired secret id is deleted when a login or lookup finds it, and by
 * the sweep (vault_approle_tidy: auth/approle/tidy/secret-id and the
 * background sweeper, tidy_int.h), which also drops a secret id without its
 * accessor entry and an accessor entry without its secret id.
 *
 * The method's files: approle.c (this overview, sys/auth, the route
 * table), approle_common.c (storage and parameter helpers),
 * approle_role.c (roles), approle_secret_id.c (secret ids),
 * approle_login.c (login), approle_tidy.c (the sweep of secret ids);
 * approle_int.h has what they share.
 *
 * Known limits: token_bound_cidrs is checked at login only (the token store
 * does not bind tokens to addresses); no role_id/secret_id "local" or batch
 * tokens; metadata on secret ids is kept and shown only.
 */
#include <string.h>

#include "vault/approle_int.h"
#include "vault/tidy_int.h"

#define OP_R VAULT_OPS(VAULT_OP_READ)
#define OP_U VAULT_OPS(VAULT_OP_UPDATE)
#define OP_D VAULT_OPS(VAULT_OP_DELETE)
#define OP_L VAULT_OPS(VAULT_OP_LIST)

static int h_tidy_secret_id(struct vault_core *c, struct rctx *r, int *status,
			    json_t **data)
{
	(void)r;
	return vault_tidy_handle(c, VAULT_TIDY_SECRET_IDS, status, data);
}

/* ---- sys/auth: the fixed auth method table ------------------------------ */

static json_t *auth_mount(const char *type, const char *desc,
			  const char *accessor)
{
	return json_pack(
	    "{s:s, s:s, s:s, s:{s:I, s:I, s:s}, s:b, s:b, s:{}, "
	    "s:s, s:b}",
	    "type", type, "description", desc, "accessor", accessor, "config",
	    "default_lease_ttl", (json_int_t)0, "max_lease_ttl", (json_int_t)0,
	    "token_type", "default-service", "local", 0, "seal_wrap", 0,
	    "options", "uuid", accessor, "external_entropy_access", 0);
}

static int h_sys_auth(struct vault_core *c, struct rctx *r, int *status,
		      json_t **data)
{
	(void)c;
	(void)r;
	*data = json_pack("{s:o, s:o}", "token/",
			  auth_mount("token", "token based credentials",
				     "auth_token_00000000"),
			  "approle/",
			  auth_mount("approle", "AppRole (built in)",
				     "auth_approle_00000000"));
	*status = 200;
	return *data ? 0 : vault_verr(500, "internal error");
}

/* sys/auth/<path>: enabling approle at approle/ (or token at token/) is a
 * no-op success; anything else is refused. */
static int h_sys_auth_path(struct vault_core *c, struct rctx *r, int *status,
			   json_t **data)
{
	const char *p = r->path + strlen("sys/auth/");
	const char *type = json_string_value(json_object_get(r->body, "type"));
	size_t n = strlen(p);

	(void)c;
	(void)data;
	if (n && p[n - 1] == '/')
		n--;
	if (!((n == 7 && !strncmp(p, "approle", 7)) ||
	      (n == 5 && !strncmp(p, "token", 5))))
		return vault_verr(400, "only the built-in auth methods "
				       "token/ and approle/ are available");
	if (r->req->op == VAULT_OP_DELETE)
		return vault_verr(400, "the built-in auth methods cannot be "
				       "disabled");
	if (type && strncmp(p, type, n))
		return vault_verr(400, "path is already in use at approle/");
	*status = 204;
	return 0;
}

const struct vault_route vault_approle_routes[] = {
    {.pattern = "auth/approle/login",
     .ops = OP_U,
     .flags = ROUTE_UNAUTH | ROUTE_AUTH_RATE,
     .fn = ar_h_login},
    {.pattern = "auth/approle/role", .ops = OP_L | OP_R, .fn = ar_h_role_list},
    {.pattern = "auth/approle/tidy/secret-id",
     .ops = OP_U,
     .flags = ROUTE_UPDATE_ONLY | ROUTE_RAW,
     .fn = h_tidy_secret_id},
    {.pattern = "auth/approle/role/*",
     .ops = OP_R | OP_U | OP_D | OP_L,
     .fn = ar_h_role},
    {.pattern = "sys/auth", .ops = OP_R, .fn = h_sys_auth},
    {.pattern = "sys/auth/*",
     .ops = OP_U | OP_D,
     .flags = ROUTE_SUDO,
     .fn = h_sys_auth_path},
};

const size_t vault_approle_routes_n =
    sizeof(vault_approle_routes) / sizeof(vault_approle_routes[0]);
