/*
 * fuzz_versions.c - libFuzzer harness for version comparison and CVSS
 * parsing.  Input: byte 0 picks the ecosystem (modulo the scheme count);
 * the rest is split at the first '\n' into versions A and B.  Both orders
 * are compared and must agree (cmp(a,b) == -cmp(b,a)), and a version must
 * equal itself; errors are expected, crashes and sanitizer reports are bugs.
 * The same bytes after byte 0 are also scored as a CVSS vector.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum vuln_ecosystem eco;
	const char *a, *b, *nl;
	size_t alen, blen;
	int ab = 2, ba = 2, aa = 2, rab, rba;
	char vec[VULNDB_MAX_CVSS_VECTOR + 1];
	double score;

	if (size < 1)
		return 0;
	eco = (enum vuln_ecosystem)(data[0] % VULN_ECO__COUNT);
	a = (const char *)data + 1;
	nl = memchr(a, '\n', size - 1);
	alen = nl ? (size_t)(nl - a) : size - 1;
	b = nl ? nl + 1 : a + alen;
	blen = size - 1 - alen - (nl ? 1 : 0);

	rab = vuln_version_compare(eco, a, alen, b, blen, &ab, NULL);
	rba = vuln_version_compare(eco, b, blen, a, alen, &ba, NULL);
	if ((rab == 0) != (rba == 0))
		abort(); /* validity must not depend on the order */
	if (rab == 0 && (ab < -1 || ab > 1 || ab != -ba))
		abort(); /* antisymmetry */
	if (vuln_version_compare(eco, a, alen, a, alen, &aa, NULL) == 0 &&
	    aa != 0)
		abort(); /* reflexivity */

	if (size - 1 <= VULNDB_MAX_CVSS_VECTOR) {
		memcpy(vec, data + 1, size - 1);
		vec[size - 1] = 0;
		if (vuln_cvss_score(vec, &score, NULL, NULL) == 0 &&
		    (score < 0 || score > 10))
			abort();
	}
	return 0;
}
