/* test_vault_doc_cache.c - the barrier's cache of decoded documents
 * (vault_barrier_get_doc): hits share one document, every put or delete is
 * seen by the next read, seal empties it and refuses reads, an insert that
 * raced a write is not kept, the cache stays within its bound, and readers
 * running against a writer never see a value older than the last write
 * completed before their read began. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault/vault.h"
#include "vault_barrier_fixture.h"

static long long doc_n(struct fx *f, const char *k)
{
	json_t *d = NULL;
	long long n;

	assert_int_equal(vault_barrier_get_doc(f->b, k, &d, NULL), 0);
	n = json_integer_value(json_object_get(d, "n"));
	json_decref(d);
	return n;
}

static void test_hit_shares_and_writes_are_seen(void **state)
{
	struct fx *f = *state;
	json_t *a = NULL, *b = NULL;

	put(f, "core/doc", "{\"n\":1}");
	assert_int_equal(vault_barrier_get_doc(f->b, "core/doc", &a, NULL), 0);
	assert_int_equal(vault_barrier_get_doc(f->b, "core/doc", &b, NULL), 0);
	assert_ptr_equal(a, b); /* the second read is the cached document */
	json_decref(a);
	json_decref(b);
	put(f, "core/doc", "{\"n\":2}");
	assert_int_equal(doc_n(f, "core/doc"), 2);
	assert_int_equal(vault_barrier_delete(f->b, "core/doc", NULL), 0);
	assert_int_equal(vault_barrier_get_doc(f->b, "core/doc", &a, NULL),
			 -ENOENT);
	put(f, "core/doc", "{\"n\":3}");
	assert_int_equal(doc_n(f, "core/doc"), 3);
}

static void test_not_json_is_an_error(void **state)
{
	struct fx *f = *state;
	json_t *d = NULL;
	struct bw_error err;

	bw_error_clear(&err);
	put(f, "core/bad", "{not json");
	assert_int_equal(vault_barrier_get_doc(f->b, "core/bad", &d, &err),
			 -EBADMSG);
	assert_non_null(strstr(err.msg, "not JSON"));
}

static void test_seal_empties_and_refuses(void **state)
{
	struct fx *f = *state;
	json_t *d = NULL;

	put(f, "core/doc", "{\"n\":7}");
	assert_int_equal(doc_n(f, "core/doc"), 7);
	vault_barrier_seal(f->b);
	assert_int_equal(vault_barrier_get_doc(f->b, "core/doc", &d, NULL),
			 -EACCES);
	assert_int_equal(vault_barrier_unseal(f->b, f->root, NULL), 0);
	assert_int_equal(doc_n(f, "core/doc"), 7);
}

static void test_insert_after_a_racing_write_is_dropped(void **state)
{
	struct vault_doc_cache *dc = NULL;
	json_t *old = json_pack("{s:i}", "n", 1), *got;
	uint64_t gen;

	(void)state;
	assert_int_equal(vault_doc_cache_new(8, &dc), 0);
	gen = vault_doc_cache_gen(dc); /* a reader notes the generation, */
	vault_doc_cache_drop(dc, "k"); /* a writer replaces k meanwhile, */
	vault_doc_cache_insert(dc, "k", old, gen); /* the old read arrives */
	assert_null(vault_doc_cache_get(dc, "k"));
	gen = vault_doc_cache_gen(dc);
	vault_doc_cache_insert(dc, "k", old, gen);
	got = vault_doc_cache_get(dc, "k");
	assert_ptr_equal(got, old);
	json_decref(got);
	json_decref(old);
	vault_doc_cache_free(dc);
}

static void test_bounded(void **state)
{
	struct vault_doc_cache *dc = NULL;
	json_t *v = json_object();
	char k[32];

	(void)state;
	assert_int_equal(vault_doc_cache_new(100, &dc), 0);
	for (int i = 0; i < 5000; i++) {
		snprintf(k, sizeof(k), "key/%d", i);
		vault_doc_cache_insert(dc, k, v, vault_doc_cache_gen(dc));
		assert_true(vault_doc_cache_size(dc) <= 100);
	}
	assert_true(vault_doc_cache_size(dc) > 0);
	vault_doc_cache_free(dc);
	assert_int_equal(v->refcount, 1); /* the cache let go of every copy */
	json_decref(v);
}

/* ---- readers against a writer ------------------------------------------ */

#define WRITES 3000
#define READERS 4

struct race {
	struct fx *f;
	atomic_llong done; /* the last value whose put has returned */
	atomic_int stop;
	atomic_int stale;
};

static void *reader(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop)) {
		long long before = atomic_load(&r->done), n;
		json_t *d = NULL;

		if (vault_barrier_get_doc(r->f->b, "core/race", &d, NULL))
			continue;
		n = json_integer_value(json_object_get(d, "n"));
		json_decref(d);
		if (n < before)
			atomic_fetch_add(&r->stale, 1);
	}
	return NULL;
}

static void test_readers_never_see_a_stale_document(void **state)
{
	struct fx *f = *state;
	struct race r = {.f = f};
	pthread_t t[READERS];
	char v[64];

	put(f, "core/race", "{\"n\":0}");
	for (int i = 0; i < READERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, reader, &r), 0);
	for (long long i = 1; i <= WRITES; i++) {
		snprintf(v, sizeof(v), "{\"n\":%lld}", i);
		put(f, "core/race", v);
		atomic_store(&r.done, i);
	}
	atomic_store(&r.stop, 1);
	for (int i = 0; i < READERS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(atomic_load(&r.stale), 0);
	assert_int_equal(doc_n(f, "core/race"), WRITES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_hit_shares_and_writes_are_seen,
					    barrier_fx_setup,
					    barrier_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_not_json_is_an_error,
					    barrier_fx_setup,
					    barrier_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_seal_empties_and_refuses,
					    barrier_fx_setup,
					    barrier_fx_teardown),
	    cmocka_unit_test(test_insert_after_a_racing_write_is_dropped),
	    cmocka_unit_test(test_bounded),
	    cmocka_unit_test_setup_teardown(
		test_readers_never_see_a_stale_document, barrier_fx_setup,
		barrier_fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
