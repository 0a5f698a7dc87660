/*
 * sys_routes.c - the smaller sys/ endpoints operators and clients call
 * around the secrets proper:
 *   sys/leader                  HA status (unauthenticated; we are not HA)
 *   sys/key-status              the barrier's active key term
 *   sys/rotate                  a new barrier key term (sudo)
 *   sys/capabilities-self       what the calling token may do on paths
 *   sys/capabilities            ... another token (by "token")
 *   sys/capabilities-accessor   ... another token (by "accessor")
 *   sys/audit, sys/audit/<path> the audit device (read-only: it is set with
 *                               audit_log in the config file)
 * Each answers as Vault does; see docs/vault-api.md.
 */
#include <errno.h>
#include <string.h>

#include "vault/router_int.h"
#include "vault/token_int.h"

#define CAP_MAX_PATHS 256

/* ---- sys/leader, sys/key-status, sys/rotate ------------------------------ */

static int h_leader(struct vault_core *c, struct rctx *r, int *status,
		    json_t **data)
{
	(void)c;
	(void)r;
	*data = json_pack("{s:b, s:b, s:s, s:s, s:s, s:b, s:i, s:b}",
			  "ha_enabled", 0, "is_self", 0, "active_time",
			  "0001-01-01T00:00:00Z", "leader_address", "",
			  "leader_cluster_address", "", "performance_standby",
			  0, "performance_standby_last_remote_wal", 0,
			  "raft_committed_index", 0);
	*status = 200;
	return *data ? 0 : vault_verr(500, "internal error");
}

static int h_key_status(struct vault_core *c, struct rctx *r, int *status,
			json_t **data)
{
	uint32_t term = vault_barrier_term(c->b);

	(void)r;
	if (!term)
		return vault_verr(503, "Vault is sealed");
	*data = json_pack("{s:I}", "term", (json_int_t)term);
	*status = 200;
	return *data ? 0 : vault_verr(500, "internal error");
}

static int h_rotate(struct vault_core *c, struct rctx *r, int *status,
		    json_t **data)
{
	struct bw_error err;
	uint32_t term = 0;

	(void)r;
	bw_error_clear(&err);
	if (vault_barrier_rotate(c->b, &term, &err))
		return vault_verr(500, "internal error");
	*data = NULL;
	*status = 204;
	return 0;
}

/* ---- capabilities ----------------------------------------------------------
 */

/* Vault's capability names, sorted, for one path's bits. */
static json_t *cap_names(unsigned caps, int root)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
	    {VAULT_CAP_CREATE, "create"}, {VAULT_CAP_DELETE, "delete"},
	    {VAULT_CAP_LIST, "list"},	  {VAULT_CAP_PATCH, "patch"},
	    {VAULT_CAP_READ, "read"},	  {VAULT_CAP_SUBSCRIBE, "subscribe"},
	    {VAULT_CAP_SUDO, "sudo"},	  {VAULT_CAP_UPDATE, "update"},
	};
	json_t *out = json_array();

	if (!out)
		return NULL;
	if (root)
		return json_array_append_new(out, json_string("root")), out;
	if (!(caps & VAULT_CAP_DENY))
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (caps & names[i].bit)
				json_array_append_new(
				    out, json_string(names[i].name));
	if (!json_array_size(out))
		json_array_append_new(out, json_string("deny"));
	return out;
}

/*
 * The paths asked about: "paths" as a list or a comma-separated string,
 * or the older "path".  A new array (caller decrefs) or NULL with the
 * error set.
 */
static json_t *paths_param(struct rctx *r)
{
	json_t *p = json_object_get(r->body, "paths"), *out = NULL;

	if (!p || json_is_null(p))
		p = json_object_get(r->body, "path");
	if (vault_list_param(p, CAP_MAX_PATHS, VAULT_MAX_PATH, &out)) {
		vault_verr(400, "paths must be a list of strings or a "
				"comma-separated string");
		return NULL;
	}
	if (!json_array_size(out)) {
		json_decref(out);
		vault_verr(400, "missing paths");
		return NULL;
	}
	return out;
}

/* Answers for token entry e (borrowed). */
static int capabilities_of(struct vault_core *c, struct rctx *r, json_t *e,
			   int *status, json_t **data)
{
	struct vault_acl_ref *acl = NULL;
	struct bw_error err;
	json_t *paths = paths_param(r), *out, *v;
	int root = vault_token_is_root(e);
	size_t i;

	if (!paths)
		return -1;
	bw_error_clear(&err);
	if (vault_acl_for(c, json_object_get(e, "policies"), &acl, &err)) {
		json_decref(paths);
		return vault_verr(500, "internal error");
	}
	out = json_object();
	json_array_foreach(paths, i, v)
	{
		const char *p = json_string_value(v);
		unsigned caps;

		while (*p == '/')
			p++;
		caps = vault_acl_capabilities(vault_acl_ref_acl(acl), p);
		json_object_set_new(out, json_string_value(v),
				    cap_names(caps, root));
	}
	/* Vault keeps "capabilities" for one path (older clients read it) */
	if (json_array_size(paths) == 1)
		json_object_set(
		    out, "capabilities",
		    json_object_get(
			out, json_string_value(json_array_get(paths, 0))));
	vault_acl_ref_put(acl);
	json_decref(paths);
	*data = out;
	*status = 200;
	return out ? 0 : vault_verr(500, "internal error");
}

static int h_capabilities_self(struct vault_core *c, struct rctx *r,
			       int *status, json_t **data)
{
	return capabilities_of(c, r, r->token, status, data);
}

/* The token named by "token" or, for sys/capabilities-accessor, by
 * "accessor": 0 and a shared entry, or -1 with the error set. */
static int other_token(struct vault_core *c, struct rctx *r, int by_accessor,
		       json_t **ret)
{
	const char *s = json_string_value(
	    json_object_get(r->body, by_accessor ? "accessor" : "token"));
	char hash[65];
	int rc;

	if (!s || !*s)
		return vault_verr(400, by_accessor ? "missing accessor"
						   : "missing token");
	if (by_accessor) {
		if (vault_token_accessor(c, s, hash, NULL))
			return vault_verr(400, "invalid accessor");
	} else {
		if (strlen(s) > VAULT_TOKEN_MAX)
			return vault_verr(400, "invalid token");
		vault_token_hash(s, hash);
	}
	rc = vault_token_lookup_hash(c, hash, ret, NULL);
	if (rc == -EPERM)
		return vault_verr(400, by_accessor ? "invalid accessor"
						   : "invalid token");
	return rc ? vault_verr(500, "internal error") : 0;
}

static int h_capabilities(struct vault_core *c, struct rctx *r, int *status,
			  json_t **data)
{
	json_t *e = NULL;
	int rc;

	if (other_token(c, r, 0, &e))
		return -1;
	rc = capabilities_of(c, r, e, status, data);
	json_decref(e);
	return rc;
}

static int h_capabilities_accessor(struct vault_core *c, struct rctx *r,
				   int *status, json_t **data)
{
	json_t *e = NULL;
	int rc;

	if (other_token(c, r, 1, &e))
		return -1;
	rc = capabilities_of(c, r, e, status, data);
	json_decref(e);
	return rc;
}

/* ---- sys/audit ------------------------------------------------------------
 */

static int h_audit_list(struct vault_core *c, struct rctx *r, int *status,
			json_t **data)
{
	(void)r;
	*data = json_object();
	if (*data && c->audit_path)
		json_object_set_new(
		    *data, "file/",
		    json_pack("{s:s, s:s, s:{s:s}, s:b, s:s}", "type", "file",
			      "description", "audit_log from the config file",
			      "options", "file_path", c->audit_path, "local", 0,
			      "path", "file/"));
	*status = 200;
	return *data ? 0 : vault_verr(500, "internal error");
}

static int h_audit_change(struct vault_core *c, struct rctx *r, int *status,
			  json_t **data)
{
	(void)c;
	(void)r;
	(void)status;
	(void)data;
	return vault_verr(400, "audit devices are not changed through the "
			       "API: set audit_log in the server's config "
			       "file and restart it");
}

#define OP(x) VAULT_OPS(VAULT_OP_##x)

const struct vault_route vault_sys_routes[] = {
    {.pattern = "sys/leader",
     .ops = OP(READ),
     .flags = ROUTE_UNAUTH | ROUTE_RAW,
     .fn = h_leader},
    {.pattern = "sys/key-status", .ops = OP(READ), .fn = h_key_status},
    {.pattern = "sys/rotate",
     .ops = OP(UPDATE),
     .flags = ROUTE_SUDO | ROUTE_UPDATE_ONLY,
     .fn = h_rotate},
    {.pattern = "sys/capabilities-self",
     .ops = OP(UPDATE),
     .fn = h_capabilities_self},
    {.pattern = "sys/capabilities-accessor",
     .ops = OP(UPDATE),
     .fn = h_capabilities_accessor},
    {.pattern = "sys/capabilities", .ops = OP(UPDATE), .fn = h_capabilities},
    {.pattern = "sys/audit",
     .ops = OP(READ),
     .flags = ROUTE_SUDO,
     .fn = h_audit_list},
    {.pattern = "sys/audit/*",
     .ops = OP(UPDATE) | OP(DELETE),
     .flags = ROUTE_SUDO,
     .fn = h_audit_change},
};
const size_t vault_sys_routes_n =
    sizeof(vault_sys_routes) / sizeof(vault_sys_routes[0]);
