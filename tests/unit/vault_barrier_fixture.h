/*
 * vault_barrier_fixture.h - the fixture the encryption barrier's tests
 * share: an in-memory storage under a barrier initialised with a fixed
 * root key (kept in f->root) and unsealed, checking the initialised and
 * sealed states on the way, and a put that must succeed.  Static inline,
 * so each test binary gets its own copy.  It defines its own struct fx:
 * a test includes this header or vault_fixture.h, not both.
 */
#ifndef BW_TESTS_VAULT_BARRIER_FIXTURE_H
#define BW_TESTS_VAULT_BARRIER_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "vault/vault.h"

struct fx {
	struct vault_storage *st; /* owned */
	struct vault_barrier *b;  /* owned */
	uint8_t root[VAULT_KEY_LEN];
};

static inline int barrier_fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	for (int i = 0; i < VAULT_KEY_LEN; i++)
		f->root[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(vault_storage_mem_open(&f->st), 0);
	assert_int_equal(vault_barrier_new(f->st, &f->b), 0);
	assert_int_equal(vault_barrier_initialized(f->b, NULL), 0);
	assert_int_equal(vault_barrier_initialize(f->b, f->root, NULL), 0);
	assert_int_equal(vault_barrier_initialized(f->b, NULL), 1);
	assert_true(vault_barrier_sealed(f->b));
	assert_int_equal(vault_barrier_unseal(f->b, f->root, NULL), 0);
	assert_false(vault_barrier_sealed(f->b));
	*state = f;
	return 0;
}

static inline int barrier_fx_teardown(void **state)
{
	struct fx *f = *state;

	vault_barrier_free(f->b);
	vault_storage_close(f->st);
	free(f);
	return 0;
}

/* Writes the string v at k through the barrier, asserting success. */
static inline void put(struct fx *f, const char *k, const char *v)
{
	assert_int_equal(
	    vault_barrier_put(f->b, k, (const uint8_t *)v, strlen(v), NULL), 0);
}

#endif /* BW_TESTS_VAULT_BARRIER_FIXTURE_H */
