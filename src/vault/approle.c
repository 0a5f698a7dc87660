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
 * Known limits: token_bound_cidrs is checked at login only (the token store
 * does not bind tokens to addresses); no role_id/secret_id "local" or batch
 * tokens; metadata on secret ids is kept and shown only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "vault/router_int.h"
#include "vault/tidy_int.h"
#include "vault/token_int.h"

#define OP_R VAULT_OPS(VAULT_OP_READ)
#define OP_U VAULT_OPS(VAULT_OP_UPDATE)
#define OP_D VAULT_OPS(VAULT_OP_DELETE)
#define OP_L VAULT_OPS(VAULT_OP_LIST)

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

static pthread_mutex_t ar_mu = PTHREAD_MUTEX_INITIALIZER;

/* ---- helpers ------------------------------------------------------------ */

static int64_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static int get_json(struct vault_core *c, const char *key, json_t **ret)
{
	uint8_t *v = NULL;
	size_t n = 0;
	json_t *o;
	int rc = vault_barrier_get(c->b, key, &v, &n, NULL);

	if (rc)
		return rc;
	o = json_loadb((const char *)v, n, 0, NULL);
	free(v);
	if (!json_is_object(o)) {
		json_decref(o);
		return -EIO;
	}
	*ret = o;
	return 0;
}

static int put_json(struct vault_core *c, const char *key, json_t *o)
{
	char *text = json_dumps(o, JSON_COMPACT);
	int rc;

	if (!text)
		return -ENOMEM;
	rc = vault_barrier_put(c->b, key, (const uint8_t *)text, strlen(text),
			       NULL);
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	return rc;
}

/* Role names: [A-Za-z0-9_.@-], lower-cased as Vault does. */
static int name_check(const char *s, size_t len, char out[AR_MAX_NAME + 1])
{
	if (!len || len > AR_MAX_NAME)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '-' || ch == '.' || ch == '@'))
			return -EINVAL;
		out[i] = ch;
	}
	out[len] = '\0';
	return 0;
}

static int get_bool(json_t *v, int *out)
{
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);

		if (!strcmp(s, "true") || !strcmp(s, "1")) {
			*out = 1;
			return 0;
		}
		if (!strcmp(s, "false") || !strcmp(s, "0")) {
			*out = 0;
			return 0;
		}
	}
	return -EINVAL;
}

/* A list parameter: an array of strings or a comma-separated string, each
 * item trimmed; *ret a new array (empty for null). */
static int str_list(json_t *v, size_t max, size_t item_max, json_t **ret)
{
	json_t *out = json_array();
	size_t i;
	json_t *x;

	if (!out)
		return -ENOMEM;
	if (!v || json_is_null(v)) {
		*ret = out;
		return 0;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			if (!json_is_string(x) ||
			    json_string_length(x) > item_max ||
			    json_array_size(out) >= max) {
				json_decref(out);
				return -EINVAL;
			}
			if (json_string_length(x))
				json_array_append(out, x);
		}
		*ret = out;
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);

		while (*s) {
			const char *comma = strchr(s, ',');
			size_t len = comma ? (size_t)(comma - s) : strlen(s);

			while (len && *s == ' ')
				s++, len--;
			while (len && s[len - 1] == ' ')
				len--;
			if (len) {
				if (len > item_max ||
				    json_array_size(out) >= max) {
					json_decref(out);
					return -EINVAL;
				}
				json_array_append_new(out,
						      json_stringn(s, len));
			}
			if (!comma)
				break;
			s = comma + 1;
		}
		*ret = out;
		return 0;
	}
	json_decref(out);
	return -EINVAL;
}

static int policies_param(json_t *v, json_t **ret)
{
	json_t *raw = NULL, *out, *x;
	size_t i;
	char name[VAULT_POLICY_MAX_NAME + 1];

	if (str_list(v, VAULT_TOKEN_MAX_POLICIES, VAULT_POLICY_MAX_NAME, &raw))
		return -EINVAL;
	out = json_array();
	json_array_foreach(raw, i, x)
	{
		size_t j;
		json_t *y;
		int dup = 0;

		if (vault_policy_name_check(json_string_value(x), name)) {
			json_decref(raw);
			json_decref(out);
			return -EINVAL;
		}
		json_array_foreach(out, j, y) dup |=
		    !strcmp(json_string_value(y), name);
		if (!dup)
			json_array_append_new(out, json_string(name));
	}
	json_decref(raw);
	*ret = out;
	return 0;
}

/* One CIDR ("10.0.0.0/8", "::1/128", or a bare address). */
static int cidr_valid(const char *cidr, unsigned char net[16], int *fam,
		      int *bits)
{
	char buf[64];
	const char *slash = strchr(cidr, '/');
	size_t alen = slash ? (size_t)(slash - cidr) : strlen(cidr);
	int max;

	if (alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, cidr, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, net) == 1) {
		*fam = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, net) == 1) {
		*fam = AF_INET6;
		max = 128;
	} else {
		return -EINVAL;
	}
	*bits = max;
	if (slash) {
		char *end;
		long n = strtol(slash + 1, &end, 10);

		if (!slash[1] || *end || n < 0 || n > max)
			return -EINVAL;
		*bits = (int)n;
	}
	return 0;
}

static int cidr_match(const char *cidr, const char *addr)
{
	unsigned char net[16], ip[16];
	int fam, bits;

	if (!addr || cidr_valid(cidr, net, &fam, &bits))
		return 0;
	if (inet_pton(fam, addr, ip) != 1) {
		/* an IPv4 client on a v6 socket: ::ffff:a.b.c.d */
		if (fam == AF_INET && !strncmp(addr, "::ffff:", 7) &&
		    inet_pton(AF_INET, addr + 7, ip) == 1)
			goto cmp;
		return 0;
	}
cmp:
	for (int i = 0; i < bits; i += 8) {
		int n = bits - i >= 8 ? 8 : bits - i;
		unsigned char mask = (unsigned char)(0xff << (8 - n));

		if ((net[i / 8] ^ ip[i / 8]) & mask)
			return 0;
	}
	return 1;
}

/* Empty list: any address. */
static int cidrs_allow(json_t *list, const char *addr)
{
	size_t i;
	json_t *x;

	if (!json_array_size(list))
		return 1;
	json_array_foreach(
	    list, i, x) if (cidr_match(json_string_value(x), addr)) return 1;
	return 0;
}

static int cidrs_param(json_t *v, json_t **ret)
{
	json_t *l = NULL, *x;
	size_t i;
	unsigned char net[16];
	int fam, bits;

	if (str_list(v, AR_MAX_CIDRS, 64, &l))
		return -EINVAL;
	json_array_foreach(l, i, x)
	{
		if (cidr_valid(json_string_value(x), net, &fam, &bits)) {
			json_decref(l);
			return -EINVAL;
		}
	}
	*ret = l;
	return 0;
}

static int role_key(const char *name, char *out, size_t n)
{
	return (size_t)snprintf(out, n, "%s%s", AR_ROLE, name) >= n ? -E2BIG
								    : 0;
}

static int role_get(struct vault_core *c, const char *name, json_t **ret)
{
	char key[AR_KEY];

	role_key(name, key, sizeof(key));
	return get_json(c, key, ret);
}

/* The role name in path after "auth/approle/role/": copies it into name
 * and points *rest at what follows ("" or "/role-id" ...). */
static int split_role(const char *p, char name[AR_MAX_NAME + 1],
		      const char **rest)
{
	const char *slash = strchr(p, '/');
	size_t len = slash ? (size_t)(slash - p) : strlen(p);

	if (name_check(p, len, name))
		return -EINVAL;
	*rest = p + len;
	return 0;
}

static int sealed_check(struct vault_core *c)
{
	return vault_core_sealed(c) ? vault_verr(503, "Vault is sealed") : 0;
}

/* ---- roles -------------------------------------------------------------- */

static json_t *role_read_data(json_t *role)
{
	json_t *d = json_pack(
	    "{s:O, s:O, s:I, s:I, s:O, s:I, s:I, s:I, s:I, s:O, s:O, s:b, "
	    "s:b, s:s, s:b, s:I, s:I}",
	    "bind_secret_id", json_object_get(role, "bind_secret_id"),
	    "secret_id_bound_cidrs",
	    json_object_get(role, "secret_id_bound_cidrs"),
	    "secret_id_num_uses", (json_int_t)jint(role, "secret_id_num_uses"),
	    "secret_id_ttl", (json_int_t)jint(role, "secret_id_ttl"),
	    "token_bound_cidrs", json_object_get(role, "token_bound_cidrs"),
	    "token_explicit_max_ttl",
	    (json_int_t)jint(role, "token_explicit_max_ttl"), "token_max_ttl",
	    (json_int_t)jint(role, "token_max_ttl"), "token_num_uses",
	    (json_int_t)jint(role, "token_num_uses"), "token_period",
	    (json_int_t)jint(role, "token_period"), "token_policies",
	    json_object_get(role, "token_policies"), "policies",
	    json_object_get(role, "token_policies"), "token_no_default_policy",
	    json_is_true(json_object_get(role, "token_no_default_policy")),
	    "local_secret_ids", 0, "token_type", "default",
	    "secret_id_num_uses_set", 1, "token_ttl",
	    (json_int_t)jint(role, "token_ttl"), "period",
	    (json_int_t)jint(role, "token_period"));

	return d;
}

static int set_dur(json_t *role, json_t *body, const char *param,
		   const char *field)
{
	json_t *v = json_object_get(body, param);
	int64_t s;

	if (!v)
		return 0;
	if (vault_duration_parse(v, &s))
		return -EINVAL;
	json_object_set_new(role, field, json_integer((json_int_t)s));
	return 0;
}

static int set_uint(json_t *role, json_t *body, const char *param)
{
	json_t *v = json_object_get(body, param);
	long long n;
	char *end;

	if (!v)
		return 0;
	if (json_is_integer(v)) {
		n = json_integer_value(v);
	} else if (json_is_string(v)) {
		n = strtoll(json_string_value(v), &end, 10);
		if (!json_string_length(v) || *end)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (n < 0 || n > 1000000000LL)
		return -EINVAL;
	json_object_set_new(role, param, json_integer(n));
	return 0;
}

static int role_write(struct vault_core *c, struct rctx *r, const char *name,
		      int *status)
{
	char key[AR_KEY], hash[65];
	json_t *role = NULL, *v, *l = NULL;
	int rc, b, created = 0;

	pthread_mutex_lock(&ar_mu);
	rc = role_get(c, name, &role);
	if (rc == -ENOENT) {
		char id[37];

		vault_uuid(id);
		role = json_pack(
		    "{s:s, s:b, s:[], s:[], s:[], s:I, s:I, s:I, "
		    "s:I, s:I, s:I, s:I, s:b}",
		    "role_id", id, "bind_secret_id", 1, "token_policies",
		    "secret_id_bound_cidrs", "token_bound_cidrs", "token_ttl",
		    (json_int_t)0, "token_max_ttl", (json_int_t)0,
		    "token_explicit_max_ttl", (json_int_t)0, "token_period",
		    (json_int_t)0, "token_num_uses", (json_int_t)0,
		    "secret_id_ttl", (json_int_t)0, "secret_id_num_uses",
		    (json_int_t)0, "token_no_default_policy", 0);
		created = 1;
		rc = role ? 0 : -ENOMEM;
	}
	if (rc) {
		rc = vault_verr(500, "internal error");
		goto out;
	}
	v = json_object_get(r->body, "token_policies");
	if (!v)
		v = json_object_get(r->body, "policies");
	if (v) {
		if (policies_param(v, &l)) {
			rc = vault_verr(400, "invalid token_policies");
			goto out;
		}
		json_object_set_new(role, "token_policies", l);
	}
	if ((v = json_object_get(r->body, "bind_secret_id"))) {
		if (get_bool(v, &b)) {
			rc = vault_verr(400, "invalid bind_secret_id");
			goto out;
		}
		json_object_set_new(role, "bind_secret_id", json_boolean(b));
	}
	if ((v = json_object_get(r->body, "token_no_default_policy"))) {
		if (get_bool(v, &b)) {
			rc = vault_verr(400, "invalid token_no_default_policy");
			goto out;
		}
		json_object_set_new(role, "token_no_default_policy",
				    json_boolean(b));
	}
	if (set_dur(role, r->body, "token_ttl", "token_ttl") ||
	    set_dur(role, r->body, "token_max_ttl", "token_max_ttl") ||
	    set_dur(role, r->body, "token_explicit_max_ttl",
		    "token_explicit_max_ttl") ||
	    set_dur(role, r->body, "token_period", "token_period") ||
	    set_dur(role, r->body, "period", "token_period") ||
	    set_dur(role, r->body, "secret_id_ttl", "secret_id_ttl")) {
		rc = vault_verr(400, "invalid duration");
		goto out;
	}
	if (set_uint(role, r->body, "token_num_uses") ||
	    set_uint(role, r->body, "secret_id_num_uses")) {
		rc = vault_verr(400, "num_uses cannot be negative");
		goto out;
	}
	if (jint(role, "token_max_ttl") > 0 &&
	    jint(role, "token_ttl") > jint(role, "token_max_ttl")) {
		rc = vault_verr(400, "\"token_ttl\" value must be less than "
				     "\"token_max_ttl\" value");
		goto out;
	}
	if ((v = json_object_get(r->body, "secret_id_bound_cidrs")) ||
	    (v = json_object_get(r->body, "bound_cidr_list"))) {
		if (cidrs_param(v, &l)) {
			rc = vault_verr(400, "invalid secret_id_bound_cidrs");
			goto out;
		}
		json_object_set_new(role, "secret_id_bound_cidrs", l);
	}
	if ((v = json_object_get(r->body, "token_bound_cidrs"))) {
		if (cidrs_param(v, &l)) {
			rc = vault_verr(400, "invalid token_bound_cidrs");
			goto out;
		}
		json_object_set_new(role, "token_bound_cidrs", l);
	}
	if (!json_is_true(json_object_get(role, "bind_secret_id")) &&
	    !json_array_size(json_object_get(role, "secret_id_bound_cidrs")) &&
	    !json_array_size(json_object_get(role, "token_bound_cidrs"))) {
		rc = vault_verr(400, "at least one constraint should be "
				     "enabled on the role");
		goto out;
	}
	if ((v = json_object_get(r->body, "role_id"))) {
		if (!json_is_string(v) || !json_string_length(v) ||
		    json_string_length(v) > AR_MAX_ID) {
			rc = vault_verr(400, "invalid role_id");
			goto out;
		}
		if (!created ||
		    strcmp(json_string_value(v), jstr(role, "role_id"))) {
			json_t *o = NULL;

			vault_token_hash(json_string_value(v), hash);
			snprintf(key, sizeof(key), "%s%s", AR_ROLE_ID, hash);
			if (!get_json(c, key, &o)) {
				int same = !strcmp(jstr(o, "name"), name);

				json_decref(o);
				if (!same) {
					rc = vault_verr(400, "role_id already "
							     "in use");
					goto out;
				}
			}
			if (!created) {
				vault_token_hash(jstr(role, "role_id"), hash);
				snprintf(key, sizeof(key), "%s%s", AR_ROLE_ID,
					 hash);
				vault_barrier_delete(c->b, key, NULL);
			}
		}
		json_object_set(role, "role_id", v);
	}
	/* the index, then the role */
	vault_token_hash(jstr(role, "role_id"), hash);
	snprintf(key, sizeof(key), "%s%s", AR_ROLE_ID, hash);
	l = json_pack("{s:s}", "name", name);
	rc = l ? put_json(c, key, l) : -ENOMEM;
	json_decref(l);
	role_key(name, key, sizeof(key));
	if (!rc)
		rc = put_json(c, key, role);
	if (rc) {
		rc = vault_verr(500, "internal error");
		goto out;
	}
	*status = 204;
out:
	pthread_mutex_unlock(&ar_mu);
	json_decref(role);
	return rc;
}

/* Deletes everything under prefix (one level: the keys listed). */
static int delete_all(struct vault_core *c, const char *prefix)
{
	json_t *keys = NULL, *k;
	size_t i;
	char key[AR_KEY];
	int rc = vault_barrier_list(c->b, prefix, &keys, NULL);

	if (rc)
		return rc;
	json_array_foreach(keys, i, k)
	{
		snprintf(key, sizeof(key), "%s%s", prefix,
			 json_string_value(k));
		if ((rc = vault_barrier_delete(c->b, key, NULL)))
			break;
	}
	json_decref(keys);
	return rc;
}

static int role_delete(struct vault_core *c, const char *name, int *status)
{
	char key[AR_KEY], hash[65];
	json_t *role = NULL;
	int rc;

	pthread_mutex_lock(&ar_mu);
	rc = role_get(c, name, &role);
	if (rc == -ENOENT) {
		rc = 0;
		goto done;
	}
	if (rc)
		goto done;
	snprintf(key, sizeof(key), "%s%s/", AR_SECRET, name);
	rc = delete_all(c, key);
	snprintf(key, sizeof(key), "%s%s/", AR_ACCESSOR, name);
	if (!rc)
		rc = delete_all(c, key);
	vault_token_hash(jstr(role, "role_id"), hash);
	snprintf(key, sizeof(key), "%s%s", AR_ROLE_ID, hash);
	if (!rc)
		rc = vault_barrier_delete(c->b, key, NULL);
	role_key(name, key, sizeof(key));
	if (!rc)
		rc = vault_barrier_delete(c->b, key, NULL);
done:
	pthread_mutex_unlock(&ar_mu);
	json_decref(role);
	if (rc && rc != -ENOENT)
		return vault_verr(500, "internal error");
	*status = 204;
	return 0;
}

static int h_role_list(struct vault_core *c, struct rctx *r, int *status,
		       json_t **data)
{
	json_t *keys = NULL;

	if (vault_barrier_list(c->b, AR_ROLE, &keys, NULL))
		return vault_verr(500, "internal error");
	if (!json_array_size(keys)) {
		json_decref(keys);
		return vault_verr(404, "");
	}
	*data = json_pack("{s:o}", "keys", keys);
	*status = 200;
	return *data ? 0 : vault_verr(500, "internal error");
}

/* ---- secret ids --------------------------------------------------------- */

static json_t *secret_data(struct vault_core *c, json_t *e)
{
	char ct[40], et[40], ut[40];
	time_t t;
	struct tm tm;
	int64_t exp = jint(e, "expiration_time");

	t = (time_t)jint(e, "creation_time");
	gmtime_r(&t, &tm);
	strftime(ct, sizeof(ct), "%Y-%m-%dT%H:%M:%SZ", &tm);
	t = (time_t)(jint(e, "last_updated_time") ? jint(e, "last_updated_time")
						  : jint(e, "creation_time"));
	gmtime_r(&t, &tm);
	strftime(ut, sizeof(ut), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (exp > 0) {
		t = (time_t)exp;
		gmtime_r(&t, &tm);
		strftime(et, sizeof(et), "%Y-%m-%dT%H:%M:%SZ", &tm);
	} else {
		snprintf(et, sizeof(et), "0001-01-01T00:00:00Z");
	}
	(void)c;
	return json_pack("{s:O, s:s, s:s, s:s, s:O, s:s, s:I, s:I, s:O}",
			 "cidr_list", json_object_get(e, "cidr_list"),
			 "creation_time", ct, "expiration_time", et,
			 "last_updated_time", ut, "metadata",
			 json_object_get(e, "metadata"), "secret_id_accessor",
			 jstr(e, "accessor"), "secret_id_num_uses",
			 (json_int_t)jint(e, "num_uses"), "secret_id_ttl",
			 (json_int_t)jint(e, "ttl"), "token_bound_cidrs",
			 json_object_get(e, "token_bound_cidrs"));
}

static int secret_create(struct vault_core *c, struct rctx *r, const char *name,
			 int *status, json_t **data)
{
	char sid[37], acc[37], sh[65], ah[65], key[AR_KEY];
	int64_t now = vault_tokens_now(c), ttl, uses;
	json_t *role = NULL, *meta = NULL, *cidrs = NULL, *tcidrs = NULL;
	json_t *e = NULL, *link = NULL, *v;
	int rc;

	rc = role_get(c, name, &role);
	if (rc == -ENOENT) {
		char msg[AR_MAX_NAME + 32];

		snprintf(msg, sizeof(msg), "role \"%s\" does not exist", name);
		return vault_verr(400, msg);
	}
	if (rc)
		return vault_verr(500, "internal error");
	ttl = jint(role, "secret_id_ttl");
	uses = jint(role, "secret_id_num_uses");
	rc = -1;
	if ((v = json_object_get(r->body, "ttl"))) {
		int64_t t;

		if (vault_duration_parse(v, &t)) {
			vault_verr(400, "invalid ttl");
			goto out;
		}
		if (t > 0 && (ttl == 0 || t < ttl))
			ttl = t;
	}
	if ((v = json_object_get(r->body, "num_uses"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			vault_verr(400, "num_uses cannot be negative");
			goto out;
		}
		if (uses > 0 && (json_integer_value(v) == 0 ||
				 json_integer_value(v) > uses)) {
			vault_verr(400, "num_uses cannot be higher than the "
					"role's secret_id_num_uses");
			goto out;
		}
		if (json_integer_value(v) > 0)
			uses = json_integer_value(v);
	}
	v = json_object_get(r->body, "metadata");
	if (json_is_string(v) && json_string_length(v)) {
		meta = json_loads(json_string_value(v), 0, NULL);
	} else if (json_is_object(v)) {
		meta = json_incref(v);
	} else if (!v || json_is_null(v) ||
		   (json_is_string(v) && !json_string_length(v))) {
		meta = json_object();
	}
	if (!json_is_object(meta) || json_object_size(meta) > AR_MAX_META) {
		vault_verr(400, "failed to parse metadata: expected a JSON "
				"object of strings");
		goto out;
	} else {
		const char *k;
		json_t *x;

		json_object_foreach(meta, k, x) if (!json_is_string(x) ||
						    strlen(k) > 128 ||
						    json_string_length(x) > 512)
		{
			vault_verr(400, "metadata must be strings");
			goto out;
		}
	}
	if (cidrs_param(json_object_get(r->body, "cidr_list"), &cidrs) ||
	    cidrs_param(json_object_get(r->body, "token_bound_cidrs"),
			&tcidrs)) {
		vault_verr(400, "invalid cidr_list");
		goto out;
	}
	vault_uuid(sid);
	vault_uuid(acc);
	vault_token_hash(sid, sh);
	vault_token_hash(acc, ah);
	e = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:O, s:O, s:O}", "hash",
		      sh, "accessor", acc, "creation_time", (json_int_t)now,
		      "expiration_time", (json_int_t)(ttl ? now + ttl : 0),
		      "ttl", (json_int_t)ttl, "num_uses", (json_int_t)uses,
		      "metadata", meta, "cidr_list", cidrs, "token_bound_cidrs",
		      tcidrs);
	link = json_pack("{s:s, s:s}", "hash", sh, "accessor", acc);
	if (!e || !link) {
		vault_verr(500, "internal error");
		goto out;
	}
	pthread_mutex_lock(&ar_mu);
	snprintf(key, sizeof(key), "%s%s/%s", AR_ACCESSOR, name, ah);
	rc = put_json(c, key, link);
	snprintf(key, sizeof(key), "%s%s/%s", AR_SECRET, name, sh);
	if (!rc)
		rc = put_json(c, key, e);
	pthread_mutex_unlock(&ar_mu);
	if (rc) {
		rc = vault_verr(500, "internal error");
		goto out;
	}
	*data =
	    json_pack("{s:s, s:s, s:I, s:I}", "secret_id", sid,
		      "secret_id_accessor", acc, "secret_id_ttl",
		      (json_int_t)ttl, "secret_id_num_uses", (json_int_t)uses);
	OPENSSL_cleanse(sid, sizeof(sid));
	*status = 200;
	rc = *data ? 0 : vault_verr(500, "internal error");
out:
	json_decref(role);
	json_decref(meta);
	json_decref(cidrs);
	json_decref(tcidrs);
	json_decref(e);
	json_decref(link);
	return rc;
}

static int secret_list(struct vault_core *c, const char *name, int *status,
		       json_t **data)
{
	char key[AR_KEY];
	json_t *keys = NULL, *out, *k, *o;
	size_t i;

	snprintf(key, sizeof(key), "%s%s/", AR_ACCESSOR, name);
	if (vault_barrier_list(c->b, key, &keys, NULL))
		return vault_verr(500, "internal error");
	out = json_array();
	json_array_foreach(keys, i, k)
	{
		snprintf(key, sizeof(key), "%s%s/%s", AR_ACCESSOR, name,
			 json_string_value(k));
		if (!get_json(c, key, &o)) {
			json_array_append_new(out,
					      json_string(jstr(o, "accessor")));
			json_decref(o);
		}
	}
	json_decref(keys);
	if (!json_array_size(out)) {
		json_decref(out);
		return vault_verr(404, "");
	}
	*data = json_pack("{s:o}", "keys", out);
	*status = 200;
	return *data ? 0 : vault_verr(500, "internal error");
}

/* Removes a secret id's entry and accessor link (ar_mu held). */
static int secret_remove(struct vault_core *c, const char *name, json_t *e)
{
	char key[AR_KEY], ah[65];
	int rc;

	vault_token_hash(jstr(e, "accessor"), ah);
	snprintf(key, sizeof(key), "%s%s/%s", AR_SECRET, name, jstr(e, "hash"));
	rc = vault_barrier_delete(c->b, key, NULL);
	snprintf(key, sizeof(key), "%s%s/%s", AR_ACCESSOR, name, ah);
	if (!rc || rc == -ENOENT)
		rc = vault_barrier_delete(c->b, key, NULL);
	return rc == -ENOENT ? 0 : rc;
}

/* The entry of a secret id (by its hash) of role name: 0, -ENOENT (also
 * when expired: then removed). */
static int secret_get(struct vault_core *c, const char *name, const char *sh,
		      json_t **ret)
{
	char key[AR_KEY];
	json_t *e = NULL;
	int64_t exp;
	int rc;

	snprintf(key, sizeof(key), "%s%s/%s", AR_SECRET, name, sh);
	rc = get_json(c, key, &e);
	if (rc)
		return rc;
	if (strlen(jstr(e, "hash")) != 64 ||
	    CRYPTO_memcmp(jstr(e, "hash"), sh, 64)) {
		json_decref(e);
		return -EIO;
	}
	exp = jint(e, "expiration_time");
	if (exp > 0 && (int64_t)vault_tokens_now(c) >= exp) {
		secret_remove(c, name, e);
		json_decref(e);
		return -ENOENT;
	}
	*ret = e;
	return 0;
}

/* The secret id hash named by the body's secret_id or, with by_accessor,
 * secret_id_accessor. */
static int secret_hash_param(struct vault_core *c, struct rctx *r,
			     const char *name, int by_accessor, char sh[65])
{
	const char *k = by_accessor ? "secret_id_accessor" : "secret_id";
	const char *s = json_string_value(json_object_get(r->body, k));
	char key[AR_KEY], ah[65];
	json_t *o = NULL;

	if (!s || !*s || strlen(s) > AR_MAX_ID)
		return vault_verr(400, by_accessor
					   ? "missing secret_id_accessor"
					   : "missing secret_id");
	if (!by_accessor) {
		vault_token_hash(s, sh);
		return 0;
	}
	vault_token_hash(s, ah);
	snprintf(key, sizeof(key), "%s%s/%s", AR_ACCESSOR, name, ah);
	if (get_json(c, key, &o))
		return vault_verr(404, "");
	if (strlen(jstr(o, "hash")) != 64) {
		json_decref(o);
		return vault_verr(500, "internal error");
	}
	memcpy(sh, jstr(o, "hash"), 65);
	json_decref(o);
	return 0;
}

static int secret_lookup(struct vault_core *c, struct rctx *r, const char *name,
			 int by_accessor, int *status, json_t **data)
{
	char sh[65];
	json_t *e = NULL;
	int rc;

	if (secret_hash_param(c, r, name, by_accessor, sh))
		return -1;
	pthread_mutex_lock(&ar_mu); /* secret_get may reap an expired id */
	rc = secret_get(c, name, sh, &e);
	pthread_mutex_unlock(&ar_mu);
	if (rc == -ENOENT) {
		*status =
		    204; /* Vault: an unknown secret id reads as nothing */
		return 0;
	}
	if (rc)
		return vault_verr(500, "internal error");
	*data = secret_data(c, e);
	json_decref(e);
	*status = 200;
	return *data ? 0 : vault_verr(500, "internal error");
}

static int secret_destroy(struct vault_core *c, struct rctx *r,
			  const char *name, int by_accessor, int *status)
{
	char sh[65];
	json_t *e = NULL;
	int rc;

	if (secret_hash_param(c, r, name, by_accessor, sh))
		return -1;
	pthread_mutex_lock(&ar_mu);
	rc = secret_get(c, name, sh, &e);
	if (!rc)
		rc = secret_remove(c, name, e);
	pthread_mutex_unlock(&ar_mu);
	json_decref(e);
	if (rc && rc != -ENOENT)
		return vault_verr(500, "internal error");
	*status = 204;
	return 0;
}

/* ---- auth/approle/role/<name>[/...] ------------------------------------- */

static int h_role(struct vault_core *c, struct rctx *r, int *status,
		  json_t **data)
{
	const char *p = r->path + strlen("auth/approle/role/");
	enum vault_op op = r->req->op;
	char name[AR_MAX_NAME + 1], key[AR_KEY];
	const char *rest;
	json_t *role = NULL;
	int rc;

	if (!*p && (op == VAULT_OP_LIST || op == VAULT_OP_READ))
		return h_role_list(c, r, status, data);
	if (split_role(p, name, &rest))
		return vault_verr(400, "invalid role name");
	if (!strcmp(rest, "") || !strcmp(rest, "/")) {
		if (op == VAULT_OP_UPDATE)
			return role_write(c, r, name, status);
		if (op == VAULT_OP_DELETE)
			return role_delete(c, name, status);
		if (op != VAULT_OP_READ)
			return vault_verr(405, "unsupported operation");
		rc = role_get(c, name, &role);
		if (rc == -ENOENT)
			return vault_verr(404, "");
		if (rc)
			return vault_verr(500, "internal error");
		*data = role_read_data(role);
		json_decref(role);
		*status = 200;
		return *data ? 0 : vault_verr(500, "internal error");
	}
	rc = role_get(c, name, &role);
	if (rc == -ENOENT)
		return vault_verr(
		    op == VAULT_OP_READ || op == VAULT_OP_LIST ? 404 : 400,
		    op == VAULT_OP_READ || op == VAULT_OP_LIST
			? ""
			: "role does not exist");
	if (rc)
		return vault_verr(500, "internal error");
	if (!strcmp(rest, "/role-id")) {
		if (op == VAULT_OP_READ) {
			*data = json_pack("{s:s}", "role_id",
					  jstr(role, "role_id"));
			json_decref(role);
			*status = 200;
			return *data ? 0 : vault_verr(500, "internal error");
		}
		json_decref(role);
		if (op != VAULT_OP_UPDATE)
			return vault_verr(405, "unsupported operation");
		if (!json_is_string(json_object_get(r->body, "role_id")))
			return vault_verr(400, "missing role_id");
		/* role_write keeps the other settings and moves the index */
		return role_write(c, r, name, status);
	}
	json_decref(role);
	if (!strcmp(rest, "/secret-id") || !strcmp(rest, "/secret-id/")) {
		if (op == VAULT_OP_UPDATE)
			return secret_create(c, r, name, status, data);
		if (op == VAULT_OP_LIST)
			return secret_list(c, name, status, data);
		return vault_verr(405, "unsupported operation");
	}
	if (op != VAULT_OP_UPDATE && op != VAULT_OP_DELETE)
		return vault_verr(405, "unsupported operation");
	if (!strcmp(rest, "/secret-id/lookup"))
		return secret_lookup(c, r, name, 0, status, data);
	if (!strcmp(rest, "/secret-id-accessor/lookup"))
		return secret_lookup(c, r, name, 1, status, data);
	if (!strcmp(rest, "/secret-id/destroy"))
		return secret_destroy(c, r, name, 0, status);
	if (!strcmp(rest, "/secret-id-accessor/destroy"))
		return secret_destroy(c, r, name, 1, status);
	snprintf(key, sizeof(key),
		 "no handler for route \"%s\". route entry "
		 "not found.",
		 r->path);
	return vault_verr(404, key);
}

/* ---- auth/approle/login ------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int login_token(struct vault_core *c, struct rctx *r, const char *name,
		       json_t *role, int *status, json_t **data)
{
	const char *names[VAULT_TOKEN_MAX_POLICIES + 1];
	char token[VAULT_TOKEN_LEN + 1];
	struct vault_token_params p = {.path = "auth/approle/login",
				       .display_name = "approle"};
	json_t *pol, *x, *e = NULL, *meta;
	size_t n = 0, i;
	int root = 0, rc;

	json_array_foreach(json_object_get(role, "token_policies"), i, x)
	{
		if (json_is_string(x) && n < VAULT_TOKEN_MAX_POLICIES) {
			names[n++] = json_string_value(x);
			root |= !strcmp(json_string_value(x), "root");
		}
	}
	if (!root &&
	    !json_is_true(json_object_get(role, "token_no_default_policy"))) {
		int have = 0;

		for (i = 0; i < n; i++)
			have |= !strcmp(names[i], "default");
		if (!have)
			names[n++] = "default";
	}
	qsort(names, n, sizeof(names[0]), cmp_str);
	pol = json_array();
	for (i = 0; pol && i < n; i++)
		json_array_append_new(pol, json_string(names[i]));
	meta = json_pack("{s:s}", "role_name", name);
	if (!pol || !meta) {
		json_decref(pol);
		json_decref(meta);
		return vault_verr(500, "internal error");
	}
	p.policies = pol;
	p.meta = meta;
	p.ttl = jint(role, "token_ttl");
	p.explicit_max_ttl = jint(role, "token_explicit_max_ttl");
	if (jint(role, "token_max_ttl") > 0 &&
	    (p.explicit_max_ttl == 0 ||
	     jint(role, "token_max_ttl") < p.explicit_max_ttl))
		p.explicit_max_ttl = jint(role, "token_max_ttl");
	p.period = jint(role, "token_period");
	p.num_uses = jint(role, "token_num_uses");
	rc = vault_token_create(c, &p, token, &e, NULL);
	json_decref(pol);
	json_decref(meta);
	if (rc)
		return vault_verr(500, "internal error");
	r->auth = vault_token_auth(c, e, token);
	OPENSSL_cleanse(token, sizeof(token));
	json_decref(e);
	*data = NULL;
	*status = 200;
	return r->auth ? 0 : vault_verr(500, "internal error");
}

static int h_login(struct vault_core *c, struct rctx *r, int *status,
		   json_t **data)
{
	const char *rid =
	    json_string_value(json_object_get(r->body, "role_id"));
	const char *sid =
	    json_string_value(json_object_get(r->body, "secret_id"));
	const char *addr = r->req->remote_addr;
	char key[AR_KEY], hash[65], name[AR_MAX_NAME + 1];
	json_t *idx = NULL, *role = NULL, *e = NULL;
	int rc;

	if (sealed_check(c))
		return -1;
	if (!rid || !*rid)
		return vault_verr(400, "missing role_id");
	if (strlen(rid) > AR_MAX_ID || (sid && strlen(sid) > AR_MAX_ID))
		return vault_verr(400, AR_INVALID);
	vault_token_hash(rid, hash);
	snprintf(key, sizeof(key), "%s%s", AR_ROLE_ID, hash);
	rc = get_json(c, key, &idx);
	if (rc == -ENOENT)
		return vault_verr(400, AR_INVALID);
	if (rc)
		return vault_verr(500, "internal error");
	rc = name_check(jstr(idx, "name"), strlen(jstr(idx, "name")), name);
	json_decref(idx);
	if (rc || role_get(c, name, &role))
		return vault_verr(400, AR_INVALID);
	/* the stored role_id again, in constant time */
	if (strlen(jstr(role, "role_id")) != strlen(rid) ||
	    CRYPTO_memcmp(jstr(role, "role_id"), rid, strlen(rid))) {
		json_decref(role);
		return vault_verr(400, AR_INVALID);
	}
	if (!cidrs_allow(json_object_get(role, "secret_id_bound_cidrs"),
			 addr) ||
	    !cidrs_allow(json_object_get(role, "token_bound_cidrs"), addr)) {
		json_decref(role);
		return vault_verr(400, AR_INVALID);
	}
	if (json_is_true(json_object_get(role, "bind_secret_id"))) {
		int64_t left;

		if (!sid || !*sid) {
			json_decref(role);
			return vault_verr(400, "missing secret_id");
		}
		vault_token_hash(sid, hash);
		pthread_mutex_lock(&ar_mu);
		rc = secret_get(c, name, hash, &e);
		if (!rc &&
		    (!cidrs_allow(json_object_get(e, "cidr_list"), addr) ||
		     !cidrs_allow(json_object_get(e, "token_bound_cidrs"),
				  addr)))
			rc = -EPERM;
		if (!rc) {
			left = jint(e, "num_uses");
			if (left == 1) {
				rc = secret_remove(c, name, e);
			} else if (left > 1) {
				json_object_set_new(e, "num_uses",
						    json_integer(left - 1));
				json_object_set_new(
				    e, "last_updated_time",
				    json_integer(vault_tokens_now(c)));
				snprintf(key, sizeof(key), "%s%s/%s", AR_SECRET,
					 name, hash);
				rc = put_json(c, key, e);
			}
			if (rc)
				rc = -EIO;
		}
		pthread_mutex_unlock(&ar_mu);
		json_decref(e);
		if (rc == -EIO || rc == -ENOMEM) {
			json_decref(role);
			return vault_verr(500, "internal error");
		}
		if (rc) {
			json_decref(role);
			return vault_verr(400, AR_INVALID);
		}
	}
	rc = login_token(c, r, name, role, status, data);
	json_decref(role);
	return rc;
}

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
 * accessor entry (secret_create writes that first, so only a crash between
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
	rc = get_json(c, key, &e);
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

/* Removes secret id sh of role name when, under ar_mu, it is still stale:
 * 1 removed, 0 not, or negative. */
static int secret_reap(struct vault_core *c, const char *name, const char *sh)
{
	json_t *e = NULL;
	int rc = secret_stale(c, name, sh, &e);

	json_decref(e);
	if (rc != 1)
		return rc;
	e = NULL;
	pthread_mutex_lock(&ar_mu);
	rc = secret_stale(c, name, sh, &e);
	if (rc == 1)
		rc = secret_remove(c, name, e) ? -EIO : 1;
	pthread_mutex_unlock(&ar_mu);
	json_decref(e);
	return rc;
}

/* 1 when the accessor entry at key names no secret id of role name. */
static int accessor_dangling(struct vault_core *c, const char *name,
			     const char *key)
{
	char skey[AR_KEY];
	json_t *o = NULL;
	int rc = get_json(c, key, &o);

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
	pthread_mutex_lock(&ar_mu);
	rc = accessor_dangling(c, name, key);
	if (rc == 1)
		rc = vault_barrier_delete(c->b, key, NULL) ? -EIO : 1;
	pthread_mutex_unlock(&ar_mu);
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
	    name_check(folder, len - 1, name) || strncmp(name, folder, len - 1))
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
     .fn = h_login},
    {.pattern = "auth/approle/role", .ops = OP_L | OP_R, .fn = h_role_list},
    {.pattern = "auth/approle/tidy/secret-id",
     .ops = OP_U,
     .flags = ROUTE_UPDATE_ONLY | ROUTE_RAW,
     .fn = h_tidy_secret_id},
    {.pattern = "auth/approle/role/*",
     .ops = OP_R | OP_U | OP_D | OP_L,
     .fn = h_role},
    {.pattern = "sys/auth", .ops = OP_R, .fn = h_sys_auth},
    {.pattern = "sys/auth/*",
     .ops = OP_U | OP_D,
     .flags = ROUTE_SUDO,
     .fn = h_sys_auth_path},
};

const size_t vault_approle_routes_n =
    sizeof(vault_approle_routes) / sizeof(vault_approle_routes[0]);
