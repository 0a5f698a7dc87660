/* test_vault_barrier.c - the encryption barrier: round trips, every byte
 * of a stored value tampered fails authentication, a value copied to
 * another path fails (AAD), rotation keeps old values readable, a wrong
 * root key is refused, and a sealed barrier refuses everything. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vault/vault.h"
#include "vault_barrier_fixture.h"

static void expect(struct fx *f, const char *k, const char *v)
{
	uint8_t *out = NULL;
	size_t n = 0;

	assert_int_equal(vault_barrier_get(f->b, k, &out, &n, NULL), 0);
	assert_int_equal(n, strlen(v));
	assert_memory_equal(out, v, n);
	free(out);
}

static void test_round_trip_and_ciphertext_at_rest(void **state)
{
	struct fx *f = *state;
	uint8_t *raw = NULL;
	size_t n = 0;

	put(f, "secret/a", "hunter2-password");
	put(f, "secret/empty", "");
	expect(f, "secret/a", "hunter2-password");
	expect(f, "secret/empty", "");
	assert_int_equal(f->st->ops->get(f->st, "secret/a", &raw, &n, NULL), 0);
	assert_int_equal(n, strlen("hunter2-password") + 33);
	assert_int_equal(raw[0], 1);		   /* version */
	assert_null(memmem(raw, n, "hunter2", 7)); /* encrypted */
	free(raw);
	assert_int_equal(vault_barrier_delete(f->b, "secret/a", NULL), 0);
	assert_int_equal(vault_barrier_get(f->b, "secret/a", &raw, &n, NULL),
			 -ENOENT);
}

static void test_tamper_of_any_byte_fails(void **state)
{
	struct fx *f = *state;
	uint8_t *raw = NULL, *out = NULL;
	size_t n = 0, on = 0;

	put(f, "secret/t", "value");
	assert_int_equal(f->st->ops->get(f->st, "secret/t", &raw, &n, NULL), 0);
	for (size_t i = 0; i < n; i++) {
		raw[i] ^= 0x01;
		assert_int_equal(
		    f->st->ops->put(f->st, "secret/t", raw, n, NULL), 0);
		assert_int_equal(
		    vault_barrier_get(f->b, "secret/t", &out, &on, NULL),
		    -EBADMSG);
		raw[i] ^= 0x01;
	}
	/* truncated */
	assert_int_equal(f->st->ops->put(f->st, "secret/t", raw, 20, NULL), 0);
	assert_int_equal(vault_barrier_get(f->b, "secret/t", &out, &on, NULL),
			 -EBADMSG);
	/* restored: reads again */
	assert_int_equal(f->st->ops->put(f->st, "secret/t", raw, n, NULL), 0);
	expect(f, "secret/t", "value");
	free(raw);
}

static void test_value_moved_to_another_path_fails(void **state)
{
	struct fx *f = *state;
	uint8_t *raw = NULL, *out = NULL;
	size_t n = 0, on = 0;

	put(f, "secret/admin", "admin-password");
	assert_int_equal(f->st->ops->get(f->st, "secret/admin", &raw, &n, NULL),
			 0);
	assert_int_equal(f->st->ops->put(f->st, "secret/user", raw, n, NULL),
			 0);
	assert_int_equal(
	    vault_barrier_get(f->b, "secret/user", &out, &on, NULL), -EBADMSG);
	free(raw);
}

static void test_rotation_keeps_old_values_readable(void **state)
{
	struct fx *f = *state;
	uint32_t term = 0;
	uint8_t *raw = NULL;
	size_t n = 0;

	assert_int_equal(vault_barrier_term(f->b), 1);
	put(f, "old", "written under term 1");
	assert_int_equal(vault_barrier_rotate(f->b, &term, NULL), 0);
	assert_int_equal(term, 2);
	put(f, "new", "written under term 2");
	assert_int_equal(f->st->ops->get(f->st, "new", &raw, &n, NULL), 0);
	assert_int_equal(raw[4], 2); /* term in the header */
	free(raw);
	expect(f, "old", "written under term 1");
	/* seal and unseal: the rotated keyring was persisted */
	vault_barrier_seal(f->b);
	assert_int_equal(vault_barrier_unseal(f->b, f->root, NULL), 0);
	assert_int_equal(vault_barrier_term(f->b), 2);
	expect(f, "old", "written under term 1");
	expect(f, "new", "written under term 2");
}

static void test_wrong_root_key_refused(void **state)
{
	struct fx *f = *state;
	uint8_t bad[VAULT_KEY_LEN];
	struct bw_error err;

	vault_barrier_seal(f->b);
	memcpy(bad, f->root, sizeof(bad));
	bad[5] ^= 0x80;
	bw_error_clear(&err);
	assert_int_equal(vault_barrier_unseal(f->b, bad, &err), -EPERM);
	assert_true(vault_barrier_sealed(f->b));
	assert_int_equal(vault_barrier_initialize(f->b, f->root, NULL),
			 -EEXIST);
}

static void test_sealed_refuses_everything(void **state)
{
	struct fx *f = *state;
	uint8_t *out = NULL;
	size_t n = 0;
	json_t *arr = NULL;
	uint32_t term;

	put(f, "x", "y");
	vault_barrier_seal(f->b);
	assert_int_equal(vault_barrier_term(f->b), 0);
	assert_int_equal(vault_barrier_get(f->b, "x", &out, &n, NULL), -EACCES);
	assert_int_equal(
	    vault_barrier_put(f->b, "x", (const uint8_t *)"z", 1, NULL),
	    -EACCES);
	assert_int_equal(vault_barrier_delete(f->b, "x", NULL), -EACCES);
	assert_int_equal(vault_barrier_list(f->b, "", &arr, NULL), -EACCES);
	assert_int_equal(vault_barrier_rotate(f->b, &term, NULL), -EACCES);
	/* unseal again: the value is still there */
	assert_int_equal(vault_barrier_unseal(f->b, f->root, NULL), 0);
	expect(f, "x", "y");
}

static void test_keyring_path_is_reserved(void **state)
{
	struct fx *f = *state;
	uint8_t *out = NULL;
	size_t n = 0;

	assert_int_equal(
	    vault_barrier_get(f->b, VAULT_KEYRING_PATH, &out, &n, NULL),
	    -EPERM);
	assert_int_equal(vault_barrier_put(f->b, VAULT_KEYRING_PATH,
					   (const uint8_t *)"x", 1, NULL),
			 -EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_round_trip_and_ciphertext_at_rest, barrier_fx_setup,
		barrier_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_tamper_of_any_byte_fails,
					    barrier_fx_setup,
					    barrier_fx_teardown),
	    cmocka_unit_test_setup_teardown(
		test_value_moved_to_another_path_fails, barrier_fx_setup,
		barrier_fx_teardown),
	    cmocka_unit_test_setup_teardown(
		test_rotation_keeps_old_values_readable, barrier_fx_setup,
		barrier_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_wrong_root_key_refused,
					    barrier_fx_setup,
					    barrier_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_sealed_refuses_everything,
					    barrier_fx_setup,
					    barrier_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_keyring_path_is_reserved,
					    barrier_fx_setup,
					    barrier_fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
