/*
 * vault_fixture.h - the fixture the secrets server's request tests share:
 * an in-memory storage and core, initialised with one key share and
 * unsealed (the root token kept in f->root), the token clock fixed at T0
 * or left real, and helpers that run one request through vault_handle
 * (call, call_from, call_req) or make a token through the API
 * (api_create).  Everything is static inline: each test binary (one per
 * tests/unit/test_*.c) gets its own copy and unused helpers cost nothing.
 *
 * A test file includes cmocka.h (with its prerequisites) before this
 * header and uses fx_setup / fx_setup_real_clock / fx_setup_uninit with
 * fx_teardown in cmocka_unit_test_setup_teardown.
 */
#ifndef BW_TESTS_VAULT_FIXTURE_H
#define BW_TESTS_VAULT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault/token_int.h"

/* The fixed token clock of fx_setup (tests move it with
 * vault_tokens_set_time(f->c, T0 + n)). */
#define T0 1700000000

struct fx {
	struct vault_storage *st; /* owned */
	struct vault_core *c;	  /* owned */
	char root[64];		  /* root token; "" when not initialised */
	const char *addr;	  /* remote address of call(); may be NULL */
};

/* How fx_open builds the fixture. */
struct fx_opts {
	time_t clock;	  /* token clock; 0 = the real clock */
	int init;	  /* initialise (1 share) and unseal */
	const char *addr; /* remote address call() sends; may be NULL */
};

static inline int fx_open(void **state, const struct fx_opts *o)
{
	struct fx *f = calloc(1, sizeof(*f));
	json_t *out = NULL;

	assert_non_null(f);
	f->addr = o->addr;
	assert_int_equal(vault_storage_mem_open(&f->st), 0);
	assert_int_equal(vault_core_new(f->st, &f->c, NULL), 0);
	if (o->clock)
		vault_tokens_set_time(f->c, o->clock);
	if (o->init) {
		assert_int_equal(vault_core_init(f->c, 1, 1, &out, NULL), 0);
		snprintf(f->root, sizeof(f->root), "%s",
			 json_string_value(json_object_get(out, "root_token")));
		assert_int_equal(
		    vault_core_unseal(f->c,
				      json_string_value(json_array_get(
					  json_object_get(out, "keys"), 0)),
				      0, NULL),
		    0);
		json_decref(out);
	}
	*state = f;
	return 0;
}

/* Initialised and unsealed, token clock at T0, requests from 127.0.0.1. */
static inline int fx_setup(void **state)
{
	const struct fx_opts o = {.clock = T0, .init = 1, .addr = "127.0.0.1"};

	return fx_open(state, &o);
}

/* As fx_setup but the token clock is the real one. */
static inline int fx_setup_real_clock(void **state)
{
	const struct fx_opts o = {.init = 1, .addr = "127.0.0.1"};

	return fx_open(state, &o);
}

/* A new core, neither initialised nor unsealed; requests carry no remote
 * address. */
static inline int fx_setup_uninit(void **state)
{
	const struct fx_opts o = {0};

	return fx_open(state, &o);
}

static inline int fx_teardown(void **state)
{
	struct fx *f = *state;

	vault_core_free(f->c);
	vault_storage_close(f->st);
	free(f);
	return 0;
}

/* Runs *q (method and body_len filled in here); returns the status and
 * hands the response body to *out (caller json_decref's it) or frees it
 * when out is NULL. */
static inline int call_req(struct fx *f, struct vault_request *q, json_t **out)
{
	struct vault_response r;

	q->method = "TEST";
	q->body_len = q->body ? strlen(q->body) : 0;
	vault_handle(f->c, q, &r);
	if (out)
		*out = r.body;
	else
		json_decref(r.body);
	return r.status;
}

/* One request from addr (may be NULL); as call_req. */
static inline int call_from(struct fx *f, enum vault_op op, const char *path,
			    const char *body, const char *token,
			    const char *addr, json_t **out)
{
	struct vault_request q = {.op = op,
				  .raw_path = path,
				  .body = body,
				  .token = token,
				  .remote_addr = addr};

	return call_req(f, &q, out);
}

/* One request from the fixture's address; as call_req. */
static inline int call(struct fx *f, enum vault_op op, const char *path,
		       const char *body, const char *token, json_t **out)
{
	return call_from(f, op, path, body, token, f->addr, out);
}

/* Creates a token by an UPDATE of path (auth/token/create, ...) with
 * parent and body, asserting 200; its id into out (64). */
static inline void api_create(struct fx *f, const char *path,
			      const char *parent, const char *body,
			      char out[64])
{
	json_t *b = NULL;

	assert_int_equal(call(f, VAULT_OP_UPDATE, path, body, parent, &b), 200);
	snprintf(out, 64, "%s",
		 json_string_value(json_object_get(json_object_get(b, "auth"),
						   "client_token")));
	assert_int_equal(strlen(out), VAULT_TOKEN_LEN);
	json_decref(b);
}

#endif /* BW_TESTS_VAULT_FIXTURE_H */
