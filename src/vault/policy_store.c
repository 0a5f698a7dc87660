/*
 * policy_store.c - ACL policies at rest and the cache of merged ACLs.
 *
 * Policies are stored as their text under core/policy/<name> (through the
 * barrier), parsed with vault_policy_parse on write (so a bad policy is
 * refused with its line and column) and again when an ACL is built.
 * "root" is built in (everything; cannot be written or deleted); "default"
 * is written at init with Vault's content and cannot be deleted.
 *
 * The ACL cache: a token's policies never change, so the merged ACL is a
 * function of its policy list; the cache keys on the list joined by ","
 * (tokens sharing policies share an entry), holds VAULT_ACL_CACHE_SLOTS
 * entries (least recently used evicted), and every policy write or delete
 * bumps a generation that makes all older entries stale.  Entries are
 * refcounted so a request keeps its ACL while another thread evicts it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault/token_int.h"

const char vault_default_policy[] =
    "# Allow tokens to look up their own properties\n"
    "path \"auth/token/lookup-self\" {\n"
    "    capabilities = [\"read\"]\n"
    "}\n\n"
    "# Allow tokens to renew themselves\n"
    "path \"auth/token/renew-self\" {\n"
    "    capabilities = [\"update\"]\n"
    "}\n\n"
    "# Allow tokens to revoke themselves\n"
    "path \"auth/token/revoke-self\" {\n"
    "    capabilities = [\"update\"]\n"
    "}\n\n"
    "# Allow a token to look up its own capabilities on a path\n"
    "path \"sys/capabilities-self\" {\n"
    "    capabilities = [\"update\"]\n"
    "}\n\n"
    "# Allow a token to look up its resultant ACL from all policies\n"
    "path \"sys/internal/ui/resultant-acl\" {\n"
    "    capabilities = [\"read\"]\n"
    "}\n\n"
    "# Allow a token to renew a lease via lease_id in the request body\n"
    "path \"sys/renew\" {\n"
    "    capabilities = [\"update\"]\n"
    "}\n"
    "path \"sys/leases/renew\" {\n"
    "    capabilities = [\"update\"]\n"
    "}\n\n"
    "# Allow looking up lease properties\n"
    "path \"sys/leases/lookup\" {\n"
    "    capabilities = [\"update\"]\n"
    "}\n\n"
    "# Allow a token to manage its own cubbyhole\n"
    "path \"cubbyhole/*\" {\n"
    "    capabilities = [\"create\", \"read\", \"update\", \"delete\", "
    "\"list\"]\n"
    "}\n\n"
    "# Allow a token to wrap arbitrary values in a response-wrapping token\n"
    "path \"sys/wrapping/wrap\" {\n"
    "    capabilities = [\"update\"]\n"
    "}\n\n"
    "# Allow a token to look up the creation time and TTL of a given\n"
    "# response-wrapping token\n"
    "path \"sys/wrapping/lookup\" {\n"
    "    capabilities = [\"update\"]\n"
    "}\n\n"
    "# Allow a token to unwrap a response-wrapping token\n"
    "path \"sys/wrapping/unwrap\" {\n"
    "    capabilities = [\"update\"]\n"
    "}\n\n"
    "# Allow general purpose tools\n"
    "path \"sys/tools/hash\" {\n"
    "    capabilities = [\"update\"]\n"
    "}\n"
    "path \"sys/tools/hash/*\" {\n"
    "    capabilities = [\"update\"]\n"
    "}\n";

struct vault_acl_ref {
	int refs; /* under acl_mu */
	struct vault_acl *acl;
	struct vault_core *c;
};

int vault_policy_name_check(const char *name,
			    char out[VAULT_POLICY_MAX_NAME + 1])
{
	size_t n = name ? strnlen(name, VAULT_POLICY_MAX_NAME + 1) : 0;

	if (n == 0 || n > VAULT_POLICY_MAX_NAME)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (!isalnum(ch) && ch != '-' && ch != '_' && ch != '.' &&
		    ch != '@')
			return -EINVAL;
		out[i] = (char)tolower(ch);
	}
	out[n] = '\0';
	return 0;
}

static void policy_path(const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s%s", VAULT_POLICY_PREFIX, name);
}

int vault_policy_read(struct vault_core *c, const char *name, char **ret,
		      struct bw_error *err)
{
	char path[sizeof(VAULT_POLICY_PREFIX) + VAULT_POLICY_MAX_NAME + 1];
	uint8_t *v = NULL;
	size_t n = 0;
	char *s;
	int rc;

	if (!strcmp(name, "root")) {
		s = strdup("");
		if (!s)
			return -ENOMEM;
		*ret = s;
		return 0;
	}
	policy_path(name, path, sizeof(path));
	rc = vault_barrier_get(c->b, path, &v, &n, err);
	if (rc)
		return rc;
	s = malloc(n + 1);
	if (!s) {
		free(v);
		return -ENOMEM;
	}
	memcpy(s, v, n);
	s[n] = '\0';
	free(v);
	*ret = s;
	return 0;
}

static void bump_generation(struct vault_core *c)
{
	pthread_mutex_lock(&c->tokens->acl_mu);
	c->tokens->policy_gen++;
	pthread_mutex_unlock(&c->tokens->acl_mu);
}

int vault_policy_write(struct vault_core *c, const char *name,
		       const char *text, size_t len, struct bw_error *err)
{
	char path[sizeof(VAULT_POLICY_PREFIX) + VAULT_POLICY_MAX_NAME + 1];
	struct vault_policy *p = NULL;
	int rc;

	if (!strcmp(name, "root"))
		return bw_errorf(err, -EPERM, NULL, 0, 0,
				 "cannot update \"root\" policy");
	if (len > VAULT_POLICY_MAX_BYTES)
		return bw_errorf(err, -E2BIG, NULL, 0, 0, "policy too large");
	rc = vault_policy_parse(name, text, len, &p, err);
	if (rc)
		return rc;
	vault_policy_free(p);
	policy_path(name, path, sizeof(path));
	rc = vault_barrier_put(c->b, path, (const uint8_t *)text, len, err);
	bump_generation(c);
	return rc;
}

int vault_policy_delete(struct vault_core *c, const char *name,
			struct bw_error *err)
{
	char path[sizeof(VAULT_POLICY_PREFIX) + VAULT_POLICY_MAX_NAME + 1];
	int rc;

	if (!strcmp(name, "root") || !strcmp(name, "default"))
		return bw_errorf(err, -EPERM, NULL, 0, 0,
				 "cannot delete \"%s\" policy", name);
	policy_path(name, path, sizeof(path));
	rc = vault_barrier_delete(c->b, path, err);
	bump_generation(c);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int vault_policy_list(struct vault_core *c, int with_root, json_t **ret,
		      struct bw_error *err)
{
	json_t *keys = NULL, *out, *k;
	size_t i;
	int rc = vault_barrier_list(c->b, VAULT_POLICY_PREFIX, &keys, err);

	if (rc)
		return rc;
	out = json_array();
	json_array_foreach(keys, i, k)
	{
		const char *s = json_string_value(k);

		if (s && !strchr(s, '/'))
			json_array_append(out, k);
	}
	json_decref(keys);
	if (with_root) {
		const char **v;
		size_t n = json_array_size(out) + 1;
		json_t *sorted;

		v = calloc(n, sizeof(*v));
		sorted = json_array();
		if (!v || !sorted) {
			free(v);
			json_decref(sorted);
			json_decref(out);
			return -ENOMEM;
		}
		json_array_foreach(out, i, k) v[i] = json_string_value(k);
		v[n - 1] = "root";
		qsort(v, n, sizeof(*v), cmp_names);
		for (i = 0; i < n; i++)
			json_array_append_new(sorted, json_string(v[i]));
		free(v);
		json_decref(out);
		out = sorted;
	}
	*ret = out;
	return 0;
}

int vault_policy_ensure_default(struct vault_core *c, struct bw_error *err)
{
	char *text = NULL;
	int rc = vault_policy_read(c, "default", &text, err);

	free(text);
	if (rc != -ENOENT)
		return rc;
	return vault_policy_write(c, "default", vault_default_policy,
				  strlen(vault_default_policy), err);
}

/* ---- the ACL cache ------------------------------------------------------ */

static void ref_put_locked(struct vault_acl_ref *r)
{
	if (r && --r->refs == 0) {
		vault_acl_free(r->acl);
		free(r);
	}
}

void vault_acl_ref_put(struct vault_acl_ref *r)
{
	struct vault_core *c;

	if (!r)
		return;
	c = r->c;
	pthread_mutex_lock(&c->tokens->acl_mu);
	ref_put_locked(r);
	pthread_mutex_unlock(&c->tokens->acl_mu);
}

const struct vault_acl *vault_acl_ref_acl(const struct vault_acl_ref *r)
{
	return r->acl;
}

void vault_tokens_clear_cache(struct vault_tokens *t)
{
	pthread_mutex_lock(&t->acl_mu);
	for (size_t i = 0; i < VAULT_ACL_CACHE_SLOTS; i++) {
		free(t->acl[i].key);
		ref_put_locked(t->acl[i].ref);
		t->acl[i].key = NULL;
		t->acl[i].ref = NULL;
	}
	t->policy_gen++;
	pthread_mutex_unlock(&t->acl_mu);
}

/* The policies joined by "," (they are stored sorted and unique). */
static char *policies_key(json_t *policies)
{
	size_t i, n = 1;
	json_t *p;
	char *k;

	json_array_foreach(policies, i, p) n +=
	    strlen(json_string_value(p) ? json_string_value(p) : "") + 1;
	k = malloc(n);
	if (!k)
		return NULL;
	k[0] = '\0';
	n = 0;
	json_array_foreach(policies, i, p)
	{
		const char *s = json_string_value(p) ? json_string_value(p) : "";
		size_t l = strlen(s);

		memcpy(k + n, s, l);
		n += l;
		k[n++] = ',';
		k[n] = '\0';
	}
	return k;
}

static int acl_build(struct vault_core *c, json_t *policies,
		     struct vault_acl **ret, struct bw_error *err)
{
	struct vault_policy *pol[VAULT_TOKEN_MAX_POLICIES];
	size_t n = 0, i;
	json_t *p;
	int rc = 0;

	json_array_foreach(policies, i, p)
	{
		const char *name = json_string_value(p);
		char *text = NULL;

		if (!name || n >= VAULT_TOKEN_MAX_POLICIES)
			continue;
		if (!strcmp(name, "root")) {
			rc = vault_policy_parse("root", "", 0, &pol[n], err);
			if (rc)
				break;
			n++;
			continue;
		}
		rc = vault_policy_read(c, name, &text, err);
		if (rc == -ENOENT) { /* Vault ignores missing policies */
			rc = 0;
			continue;
		}
		if (rc)
			break;
		rc = vault_policy_parse(name, text, strlen(text), &pol[n], err);
		free(text);
		if (rc)
			break;
		n++;
	}
	if (!rc)
		rc = vault_acl_new((const struct vault_policy *const *)pol, n,
				   ret);
	for (i = 0; i < n; i++)
		vault_policy_free(pol[i]);
	return rc;
}

int vault_acl_for(struct vault_core *c, json_t *policies,
		  struct vault_acl_ref **ret, struct bw_error *err)
{
	struct vault_tokens *t = c->tokens;
	struct vault_acl_ref *r;
	struct vault_acl *acl = NULL;
	struct acl_slot *victim = NULL;
	uint64_t gen;
	char *key = policies_key(policies);
	int rc;

	if (!key)
		return -ENOMEM;
	pthread_mutex_lock(&t->acl_mu);
	gen = t->policy_gen;
	for (size_t i = 0; i < VAULT_ACL_CACHE_SLOTS; i++) {
		struct acl_slot *s = &t->acl[i];

		if (s->key && s->gen == gen && !strcmp(s->key, key)) {
			s->used = ++t->acl_clock;
			s->ref->refs++;
			*ret = s->ref;
			pthread_mutex_unlock(&t->acl_mu);
			free(key);
			return 0;
		}
	}
	pthread_mutex_unlock(&t->acl_mu);
	rc = acl_build(c, policies, &acl, err);
	if (rc) {
		free(key);
		return rc;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		vault_acl_free(acl);
		free(key);
		return -ENOMEM;
	}
	r->acl = acl;
	r->c = c;
	r->refs = 1; /* the caller's */
	pthread_mutex_lock(&t->acl_mu);
	if (gen == t->policy_gen) { /* still current: cache it */
		for (size_t i = 0; i < VAULT_ACL_CACHE_SLOTS; i++) {
			struct acl_slot *s = &t->acl[i];

			if (!s->key || s->gen != gen) {
				victim = s;
				break;
			}
			if (!victim || s->used < victim->used)
				victim = s;
		}
		free(victim->key);
		ref_put_locked(victim->ref);
		victim->key = key;
		key = NULL;
		victim->gen = gen;
		victim->used = ++t->acl_clock;
		victim->ref = r;
		r->refs++;
	}
	pthread_mutex_unlock(&t->acl_mu);
	free(key);
	*ret = r;
	return 0;
}
