/*
 * version_pep440_legacy.c - ordering of PyPI versions that are not PEP 440
 * ("legacy" versions such as "0.9-doduo", "2013-01-21T20:33:09+0100",
 * "0.3m1"), as packaging's LegacyVersion did before it was removed in
 * packaging 22 and as OSV's PyPI data still expects.
 *
 * The lower-cased string is cut into parts: runs of digits, runs of
 * letters, ".", "-", and runs of any other bytes.  "." and empty parts are
 * dropped; "pre", "preview" and "rc" become "c", "dev" becomes "@" and "-"
 * becomes "final-"; numbers are left-padded with zeros to 8 characters and
 * every other part is prefixed with "*".  Before a non-numeric part, a
 * trailing run of "00000000" parts is dropped, and before a part that sorts
 * below "*final" so is a trailing run of "*final-" parts; a final "*final"
 * part is appended.  The part lists then compare as lists of strings.
 * All legacy versions sort before all PEP 440 versions (their epoch is -1).
 */
#include <stdint.h>
#include <string.h>

#include "vulndb/vulndb_int.h"

#define LEGACY_MAX_PARTS (VULNDB_MAX_VERSION + 1)
#define LEGACY_BUF (VULNDB_MAX_VERSION * 8 + 64)

struct legacy_key {
	char buf[LEGACY_BUF];
	size_t used;
	struct {
		uint32_t off, len;
	} part[LEGACY_MAX_PARTS];
	size_t n;
};

static int part_cmp(const struct legacy_key *k, size_t i, const char *s)
{
	return vuln_bytecmp(k->buf + k->part[i].off, k->part[i].len, s,
			    strlen(s));
}

static void key_push(struct legacy_key *k, const char *prefix, const char *p,
		     size_t n, size_t pad)
{
	size_t pl = strlen(prefix), off = k->used;

	if (k->n == LEGACY_MAX_PARTS || k->used + pl + pad + n > LEGACY_BUF)
		return; /* cannot happen within VULNDB_MAX_VERSION */
	memcpy(k->buf + k->used, prefix, pl);
	k->used += pl;
	for (size_t i = n; i < pad; i++)
		k->buf[k->used++] = '0';
	memcpy(k->buf + k->used, p, n);
	k->used += n;
	k->part[k->n].off = (uint32_t)off;
	k->part[k->n++].len = (uint32_t)(k->used - off);
}

/* Appends one raw part after the replacements and the trimming rules. */
static void key_add(struct legacy_key *k, const char *p, size_t n)
{
	static const struct {
		const char *from, *to;
	} repl[] = {{"pre", "c"},
		    {"preview", "c"},
		    {"-", "final-"},
		    {"rc", "c"},
		    {"dev", "@"}};

	for (size_t i = 0; i < sizeof(repl) / sizeof(repl[0]); i++) {
		if (vuln_bytecmp(p, n, repl[i].from, strlen(repl[i].from)) ==
		    0) {
			p = repl[i].to;
			n = strlen(p);
			break;
		}
	}
	if (n == 0 || (n == 1 && p[0] == '.'))
		return;
	if (vuln_isdigit((unsigned char)p[0])) {
		key_push(k, "", p, n, 8);
		return;
	}
	/* "*" + part sorts below "*final" exactly when part < "final" */
	if (vuln_bytecmp(p, n, "final", 5) < 0) {
		while (k->n && part_cmp(k, k->n - 1, "*final-") == 0)
			k->n--;
	}
	while (k->n && part_cmp(k, k->n - 1, "00000000") == 0)
		k->n--;
	key_push(k, "*", p, n, 0);
}

static int char_class(int c)
{
	if (vuln_isdigit(c))
		return 1;
	if (vuln_islower(c))
		return 2;
	if (c == '.' || c == '-')
		return 3;
	return 0;
}

static void legacy_key(const char *s, size_t n, char *low, struct legacy_key *k)
{
	size_t i = 0;

	k->used = k->n = 0;
	for (size_t j = 0; j < n; j++)
		low[j] = (char)vuln_tolower((unsigned char)s[j]);
	while (i < n) {
		int cls = char_class((unsigned char)low[i]);
		size_t st = i++;

		if (cls != 3) /* '.' and '-' are one-character parts */
			while (i < n &&
			       char_class((unsigned char)low[i]) == cls)
				i++;
		key_add(k, low + st, i - st);
	}
	key_add(k, "final", 5);
}

int vuln_pep440_legacy_cmp(const char *a, size_t alen, const char *b,
			   size_t blen, int *ret_cmp, struct bw_error *err)
{
	struct {
		char la[VULNDB_MAX_VERSION], lb[VULNDB_MAX_VERSION];
		struct legacy_key ka, kb;
	} w;
	size_t n;

	(void)err;
	legacy_key(a, alen, w.la, &w.ka);
	legacy_key(b, blen, w.lb, &w.kb);
	n = w.ka.n < w.kb.n ? w.ka.n : w.kb.n;
	for (size_t i = 0; i < n; i++) {
		int r =
		    vuln_bytecmp(w.ka.buf + w.ka.part[i].off, w.ka.part[i].len,
				 w.kb.buf + w.kb.part[i].off, w.kb.part[i].len);

		if (r) {
			*ret_cmp = r;
			return 0;
		}
	}
	*ret_cmp = vuln_sign((long long)w.ka.n - (long long)w.kb.n);
	return 0;
}
