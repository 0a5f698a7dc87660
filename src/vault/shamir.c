/*
 * shamir.c - Shamir secret sharing over GF(2^8), laid out as HashiCorp
 * Vault lays out its unseal keys, so shares are interchangeable with the
 * reference's.
 *
 * Every byte of the secret is the constant term of its own random
 * polynomial of degree threshold - 1; a share is that set of polynomials
 * evaluated at one x coordinate: len bytes of y values followed by the x
 * byte (1..255, distinct across shares, random).  Combining is Lagrange
 * interpolation at x = 0.
 *
 * The field is GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1
 * (0x11b).  Multiplication is the shift-and-add ("Russian peasant") loop
 * with the conditional steps done by masks, and the inverse is a^254 by a
 * fixed chain of squarings and multiplications: no branch and no table
 * index depends on a secret value, so timing and cache state say nothing
 * about the key.  (The x coordinates are not secret; the duplicate check
 * on them may branch.)
 *
 * Coefficients and x coordinates come from OpenSSL's RAND_bytes; every
 * intermediate buffer holding key material is wiped with OPENSSL_cleanse.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "vault/vault.h"

/* a * b in GF(2^8) mod 0x11b, constant time. */
static uint8_t gf_mul(uint8_t a, uint8_t b)
{
	uint8_t r = 0;

	for (int i = 0; i < 8; i++) {
		/* 0xff when b's low bit is set / when a overflows */
		uint8_t take = (uint8_t)(0u - (b & 1u));
		uint8_t carry = (uint8_t)(0u - (a >> 7));

		r ^= a & take;
		a = (uint8_t)((a << 1) ^ (carry & 0x1b));
		b >>= 1;
	}
	return r;
}

/* a^-1 = a^254 (a^255 = 1 for a != 0); gf_inv(0) = 0.  The exponent is a
 * constant, so the sequence of operations is fixed. */
static uint8_t gf_inv(uint8_t a)
{
	uint8_t a2 = gf_mul(a, a); /* a^2 */
	uint8_t r = gf_mul(a2, a); /* a^3 */

	r = gf_mul(r, r); /* a^6 */
	r = gf_mul(r, a); /* a^7 */
	r = gf_mul(r, r); /* a^14 */
	r = gf_mul(r, a); /* a^15 */
	r = gf_mul(r, r); /* a^30 */
	r = gf_mul(r, a); /* a^31 */
	r = gf_mul(r, r); /* a^62 */
	r = gf_mul(r, a); /* a^63 */
	r = gf_mul(r, r); /* a^126 */
	r = gf_mul(r, a); /* a^127 */
	r = gf_mul(r, r); /* a^254 */
	return r;
}

/* Uniform value in [0, n) (1 <= n <= 256) by rejection sampling. */
static int rand_below(unsigned n, unsigned *ret)
{
	unsigned limit = 256 - (256 % n);
	uint8_t b;

	for (;;) {
		if (RAND_bytes(&b, 1) != 1)
			return -EIO;
		if (b < limit) {
			*ret = b % n;
			return 0;
		}
	}
}

/* parts distinct random non-zero x coordinates: the first parts entries
 * of a Fisher-Yates shuffle of 1..255. */
static int random_xs(int parts, uint8_t *xs)
{
	uint8_t pool[255];

	for (int i = 0; i < 255; i++)
		pool[i] = (uint8_t)(i + 1);
	for (int i = 0; i < parts; i++) {
		unsigned j;
		uint8_t t;

		if (rand_below((unsigned)(255 - i), &j))
			return -EIO;
		j += (unsigned)i;
		t = pool[i];
		pool[i] = pool[j];
		pool[j] = t;
		xs[i] = pool[i];
	}
	return 0;
}

int vault_shamir_split(const uint8_t *secret, size_t len, int parts,
		       int threshold, uint8_t **ret, struct bw_error *err)
{
	uint8_t xs[VAULT_SHAMIR_MAX_PARTS];
	uint8_t coeff[VAULT_SHAMIR_MAX_PARTS];
	size_t share_len = len + 1;
	uint8_t *out;
	int rc = 0;

	if (!secret || !ret)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "shamir: no secret or output");
	if (len == 0 || len > VAULT_SHAMIR_MAX_SECRET)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "shamir: secret length %zu not in 1..%d", len,
				 VAULT_SHAMIR_MAX_SECRET);
	if (parts < 1 || parts > VAULT_SHAMIR_MAX_PARTS)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "shamir: parts %d not in 1..%d", parts,
				 VAULT_SHAMIR_MAX_PARTS);
	if (threshold > parts)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "shamir: threshold %d exceeds parts %d",
				 threshold, parts);
	if (threshold < 2 && !(threshold == 1 && parts == 1))
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "shamir: threshold %d must be at least 2 "
				 "(or 1 with a single part)",
				 threshold);

	out = malloc((size_t)parts * share_len);
	if (!out)
		return bw_errorf(err, -ENOMEM, NULL, 0, 0,
				 "shamir: out of memory");
	if (random_xs(parts, xs)) {
		rc = bw_errorf(err, -EIO, NULL, 0, 0,
			       "shamir: random generator failed");
		goto fail;
	}
	for (int i = 0; i < parts; i++)
		out[(size_t)i * share_len + len] = xs[i];

	for (size_t b = 0; b < len; b++) {
		coeff[0] = secret[b];
		if (threshold > 1 &&
		    RAND_bytes(coeff + 1, threshold - 1) != 1) {
			rc = bw_errorf(err, -EIO, NULL, 0, 0,
				       "shamir: random generator failed");
			goto fail;
		}
		/* Horner: y = c0 + x (c1 + x (c2 + ...)) */
		for (int i = 0; i < parts; i++) {
			uint8_t y = coeff[threshold - 1];

			for (int k = threshold - 2; k >= 0; k--)
				y = gf_mul(y, xs[i]) ^ coeff[k];
			out[(size_t)i * share_len + b] = y;
		}
	}
	OPENSSL_cleanse(coeff, sizeof(coeff));
	*ret = out;
	return 0;

fail:
	OPENSSL_cleanse(coeff, sizeof(coeff));
	vault_secure_free(out, (size_t)parts * share_len);
	return rc;
}

int vault_shamir_combine(const uint8_t *const *shares, size_t n,
			 size_t share_len, uint8_t *out, struct bw_error *err)
{
	uint8_t basis[VAULT_SHAMIR_MAX_PARTS];
	uint8_t seen[256] = {0};
	size_t len = share_len - 1;

	if (!shares || !out)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "shamir: no shares or output");
	if (n < 2)
		return bw_errorf(
		    err, -EINVAL, NULL, 0, 0,
		    "shamir: at least 2 shares are needed, got %zu", n);
	if (n > VAULT_SHAMIR_MAX_PARTS)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "shamir: %zu shares is more than %d", n,
				 VAULT_SHAMIR_MAX_PARTS);
	if (share_len < 2 || share_len - 1 > VAULT_SHAMIR_MAX_SECRET)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "shamir: share length %zu not in 2..%d",
				 share_len, VAULT_SHAMIR_MAX_SECRET + 1);
	for (size_t i = 0; i < n; i++) {
		uint8_t x;

		if (!shares[i])
			return bw_errorf(err, -EINVAL, NULL, 0, 0,
					 "shamir: share %zu missing", i + 1);
		x = shares[i][len];
		if (x == 0)
			return bw_errorf(err, -EINVAL, NULL, 0, 0,
					 "shamir: share %zu has x coordinate 0",
					 i + 1);
		if (seen[x])
			return bw_errorf(err, -EINVAL, NULL, 0, 0,
					 "shamir: duplicate share detected");
		seen[x] = 1;
	}

	/* Lagrange basis at 0: l_i(0) = prod_{j != i} x_j / (x_j - x_i);
	 * subtraction in GF(2^8) is xor. */
	for (size_t i = 0; i < n; i++) {
		uint8_t num = 1, den = 1, xi = shares[i][len];

		for (size_t j = 0; j < n; j++) {
			uint8_t xj = shares[j][len];

			if (j == i)
				continue;
			num = gf_mul(num, xj);
			den = gf_mul(den, (uint8_t)(xj ^ xi));
		}
		basis[i] = gf_mul(num, gf_inv(den));
	}
	for (size_t b = 0; b < len; b++) {
		uint8_t s = 0;

		for (size_t i = 0; i < n; i++)
			s ^= gf_mul(shares[i][b], basis[i]);
		out[b] = s;
	}
	OPENSSL_cleanse(basis, sizeof(basis));
	return 0;
}

void vault_secure_free(void *p, size_t len)
{
	if (!p)
		return;
	OPENSSL_cleanse(p, len);
	free(p);
}
