/* test_vault_shamir.c - Shamir secret sharing (src/vault/shamir.c): every
 * threshold 2..10 with up to 10 parts recombines from every k-subset (all of
 * them for small cases, a random sample otherwise), fewer than threshold
 * shares give something else, duplicate and malformed shares are refused,
 * secrets of 1..64 bytes and 32-byte keys round-trip, a hand-computed
 * vector checks the field arithmetic, and the share layout is Vault's
 * (y values, then a non-zero x byte). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "vault/vault.h"

static void fill_random(uint8_t *p, size_t n)
{
	assert_int_equal(RAND_bytes(p, (int)n), 1);
}

/* Combines the shares whose indexes are in idx[0..k) and returns whether
 * the result equals secret. */
static int combine_matches(const uint8_t *all, size_t len, const int *idx,
			   int k, const uint8_t *secret)
{
	const uint8_t *sel[16];
	uint8_t out[VAULT_SHAMIR_MAX_SECRET];
	struct bw_error err = {0};

	for (int i = 0; i < k; i++)
		sel[i] = all + (size_t)idx[i] * (len + 1);
	assert_int_equal(
	    vault_shamir_combine(sel, (size_t)k, len + 1, out, &err), 0);
	return memcmp(out, secret, len) == 0;
}

static long binom(int n, int k)
{
	long r = 1;

	for (int i = 1; i <= k; i++)
		r = r * (n - k + i) / i;
	return r;
}

/* Calls back on every k-subset of 0..n-1 in lexicographic order. */
static int next_subset(int *idx, int k, int n)
{
	int i = k - 1;

	while (i >= 0 && idx[i] == n - k + i)
		i--;
	if (i < 0)
		return 0;
	idx[i]++;
	for (int j = i + 1; j < k; j++)
		idx[j] = idx[j - 1] + 1;
	return 1;
}

static void random_subset(int *idx, int k, int n)
{
	int pool[16];

	for (int i = 0; i < n; i++)
		pool[i] = i;
	for (int i = 0; i < k; i++) {
		uint8_t r;
		int j, t;

		fill_random(&r, 1);
		j = i + r % (n - i);
		t = pool[i];
		pool[i] = pool[j];
		pool[j] = t;
		idx[i] = pool[i];
	}
}

static void test_every_threshold_and_subset(void **state)
{
	uint8_t secret[32];
	struct bw_error err = {0};

	for (int t = 2; t <= 10; t++) {
		for (int p = t; p <= 10; p++) {
			uint8_t *sh = NULL;
			int idx[16];

			fill_random(secret, sizeof(secret));
			assert_int_equal(vault_shamir_split(secret,
							    sizeof(secret), p,
							    t, &sh, &err),
					 0);
			if (binom(p, t) <= 256) {
				for (int i = 0; i < t; i++)
					idx[i] = i;
				do {
					assert_true(
					    combine_matches(sh, sizeof(secret),
							    idx, t, secret));
				} while (next_subset(idx, t, p));
			} else {
				for (int r = 0; r < 100; r++) {
					random_subset(idx, t, p);
					assert_true(
					    combine_matches(sh, sizeof(secret),
							    idx, t, secret));
				}
			}
			/* more shares than needed also interpolate the same
			 * polynomial */
			for (int i = 0; i < p; i++)
				idx[i] = i;
			assert_true(combine_matches(sh, sizeof(secret), idx, p,
						    secret));
			vault_secure_free(sh, (size_t)p * (sizeof(secret) + 1));
		}
	}
}

static void test_fewer_than_threshold_differs(void **state)
{
	uint8_t secret[32];
	struct bw_error err = {0};

	for (int t = 3; t <= 10; t++) {
		uint8_t *sh = NULL;
		int idx[16];

		fill_random(secret, sizeof(secret));
		assert_int_equal(vault_shamir_split(secret, sizeof(secret), 10,
						    t, &sh, &err),
				 0);
		for (int r = 0; r < 20; r++) {
			random_subset(idx, t - 1, 10);
			assert_false(combine_matches(sh, sizeof(secret), idx,
						     t - 1, secret));
		}
		vault_secure_free(sh, 10 * (sizeof(secret) + 1));
	}
}

static void test_duplicate_shares_rejected(void **state)
{
	uint8_t secret[16], out[16] = {0}, zero[16] = {0};
	uint8_t *sh = NULL;
	const uint8_t *sel[3];
	struct bw_error err = {0};

	fill_random(secret, sizeof(secret));
	assert_int_equal(vault_shamir_split(secret, 16, 5, 3, &sh, &err), 0);
	sel[0] = sh;
	sel[1] = sh + 17;
	sel[2] = sh; /* the same share twice */
	assert_int_equal(vault_shamir_combine(sel, 3, 17, out, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "duplicate"));
	assert_memory_equal(out, zero, 16); /* out untouched on failure */

	/* a different share carrying the same x coordinate */
	{
		uint8_t copy[17];

		memcpy(copy, sh + 2 * 17, 17);
		copy[16] = sh[16];
		sel[2] = copy;
		assert_int_equal(vault_shamir_combine(sel, 3, 17, out, &err),
				 -EINVAL);
	}
	vault_secure_free(sh, 5 * 17);
}

static void test_bad_parameters(void **state)
{
	uint8_t secret[8] = {1, 2, 3, 4, 5, 6, 7, 8}, out[8];
	uint8_t *sh = NULL;
	const uint8_t *sel[2];
	uint8_t zero_x[9] = {0};
	struct bw_error err = {0};

	assert_int_equal(vault_shamir_split(secret, 8, 5, 1, &sh, &err),
			 -EINVAL);
	assert_int_equal(vault_shamir_split(secret, 8, 3, 4, &sh, &err),
			 -EINVAL);
	assert_int_equal(vault_shamir_split(secret, 8, 256, 3, &sh, &err),
			 -EINVAL);
	assert_int_equal(vault_shamir_split(secret, 0, 5, 3, &sh, &err),
			 -EINVAL);
	assert_int_equal(vault_shamir_split(secret, VAULT_SHAMIR_MAX_SECRET + 1,
					    5, 3, &sh, &err),
			 -EINVAL);
	assert_int_equal(vault_shamir_split(secret, 8, 0, 0, &sh, &err),
			 -EINVAL);
	assert_null(sh);

	assert_int_equal(vault_shamir_split(secret, 8, 3, 2, &sh, &err), 0);
	sel[0] = sh;
	sel[1] = sh + 9;
	assert_int_equal(vault_shamir_combine(sel, 1, 9, out, &err), -EINVAL);
	assert_int_equal(vault_shamir_combine(sel, 2, 1, out, &err), -EINVAL);
	sel[1] = zero_x;
	assert_int_equal(vault_shamir_combine(sel, 2, 9, out, &err), -EINVAL);
	vault_secure_free(sh, 3 * 9);
}

static void test_single_part(void **state)
{
	uint8_t secret[32];
	uint8_t *sh = NULL;
	struct bw_error err = {0};

	fill_random(secret, sizeof(secret));
	assert_int_equal(vault_shamir_split(secret, 32, 1, 1, &sh, &err), 0);
	assert_memory_equal(sh, secret, 32);
	assert_int_not_equal(sh[32], 0);
	vault_secure_free(sh, 33);
}

static void test_lengths_1_to_64(void **state)
{
	struct bw_error err = {0};

	for (size_t len = 1; len <= 64; len++) {
		uint8_t secret[64];
		uint8_t *sh = NULL;
		int idx[3] = {4, 0, 2};

		fill_random(secret, len);
		assert_int_equal(
		    vault_shamir_split(secret, len, 5, 3, &sh, &err), 0);
		assert_true(combine_matches(sh, len, idx, 3, secret));
		vault_secure_free(sh, 5 * (len + 1));
	}
}

static void test_max_secret_and_parts(void **state)
{
	static uint8_t secret[VAULT_SHAMIR_MAX_SECRET];
	const size_t len = VAULT_SHAMIR_MAX_SECRET;
	struct bw_error err = {0};
	uint8_t *sh = NULL;
	int idx[3] = {254, 7, 100};

	fill_random(secret, len);
	assert_int_equal(vault_shamir_split(secret, len, 255, 3, &sh, &err), 0);
	assert_true(combine_matches(sh, len, idx, 3, secret));
	vault_secure_free(sh, 255 * (len + 1));
}

/* 32-byte keys, the barrier key's size, at Vault's default 5 of 3. */
static void test_key_32_bytes(void **state)
{
	struct bw_error err = {0};

	for (int r = 0; r < 50; r++) {
		uint8_t key[32];
		uint8_t *sh = NULL;
		int idx[3];

		fill_random(key, 32);
		assert_int_equal(vault_shamir_split(key, 32, 5, 3, &sh, &err),
				 0);
		random_subset(idx, 3, 5);
		assert_true(combine_matches(sh, 32, idx, 3, key));
		vault_secure_free(sh, 5 * 33);
	}
}

/* Layout: share i at i * (len + 1), the x byte last, non-zero and
 * distinct across shares (so 255 parts use every non-zero x). */
static void test_share_layout(void **state)
{
	uint8_t secret[10] = {0};
	uint8_t *sh = NULL;
	uint8_t seen[256] = {0};
	struct bw_error err = {0};

	assert_int_equal(vault_shamir_split(secret, 10, 255, 2, &sh, &err), 0);
	for (int i = 0; i < 255; i++) {
		uint8_t x = sh[i * 11 + 10];

		assert_int_not_equal(x, 0);
		assert_int_equal(seen[x], 0);
		seen[x] = 1;
	}
	vault_secure_free(sh, 255 * 11);
}

/* A bit-by-bit reference multiply (schoolbook, then reduce by 0x11b) to
 * check the implementation's field against hand-built shares.
 * f(x) = 0x42 + 0x53 x: f(1) = 0x42 ^ 0x53 = 0x11, f(2) = 0x42 ^ 0xa6 =
 * 0xe4. */
static uint8_t ref_mul(uint8_t a, uint8_t b)
{
	unsigned r = 0, x = a;

	for (int i = 0; i < 8; i++) {
		if (b & (1 << i))
			r ^= x << i;
	}
	for (int bit = 14; bit >= 8; bit--) {
		if (r & (1u << bit))
			r ^= 0x11bu << (bit - 8);
	}
	return (uint8_t)r;
}

static void test_known_vector(void **state)
{
	const uint8_t s1[2] = {0x11, 0x01}, s2[2] = {0xe4, 0x02};
	const uint8_t *sel[2] = {s1, s2};
	uint8_t out[1];
	struct bw_error err = {0};

	assert_int_equal(ref_mul(0x53, 0x02), 0xa6);
	assert_int_equal(ref_mul(0x57, 0x83), 0xc1); /* FIPS-197 example */
	assert_int_equal(vault_shamir_combine(sel, 2, 2, out, &err), 0);
	assert_int_equal(out[0], 0x42);

	/* a degree-2 polynomial at x = 3, 0x80, 0xff */
	{
		const uint8_t c0 = 0x9c, c1 = 0x3d, c2 = 0xe7;
		const uint8_t xs[3] = {3, 0x80, 0xff};
		uint8_t sh[3][2];
		const uint8_t *p[3];

		for (int i = 0; i < 3; i++) {
			uint8_t x = xs[i];

			sh[i][0] =
			    c0 ^ ref_mul(c1, x) ^ ref_mul(c2, ref_mul(x, x));
			sh[i][1] = x;
			p[i] = sh[i];
		}
		assert_int_equal(vault_shamir_combine(p, 3, 2, out, &err), 0);
		assert_int_equal(out[0], c0);
	}
}

static void test_secure_free_null(void **state) { vault_secure_free(NULL, 10); }

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_threshold_and_subset),
	    cmocka_unit_test(test_fewer_than_threshold_differs),
	    cmocka_unit_test(test_duplicate_shares_rejected),
	    cmocka_unit_test(test_bad_parameters),
	    cmocka_unit_test(test_single_part),
	    cmocka_unit_test(test_lengths_1_to_64),
	    cmocka_unit_test(test_max_secret_and_parts),
	    cmocka_unit_test(test_key_32_bytes),
	    cmocka_unit_test(test_share_layout),
	    cmocka_unit_test(test_known_vector),
	    cmocka_unit_test(test_secure_free_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
