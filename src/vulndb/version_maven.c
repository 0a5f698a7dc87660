/*
 * version_maven.c - Maven version ordering: the semantics of
 * org.apache.maven.artifact.versioning.ComparableVersion (maven-artifact
 * 3.8), which is what Maven and the OSV Maven data use.
 *
 * Parsing (on the lower-cased string) builds a tree of items:
 *  - '.' ends an item; '-' ends an item and opens a nested list, so
 *    "1.0-alpha-1" is [1, 0, [alpha, [1]]];
 *  - a switch between digits and letters also ends an item and opens a
 *    nested list ("1alpha1" is [1, [alpha, [1]]]); a single letter a, b or
 *    m directly followed by a digit means alpha, beta, milestone;
 *  - an empty item ("1..2", "1-") is the number 0;
 *  - numbers are unbounded; ga, final and release mean "" and cr means rc.
 * Each list is then normalised: trailing "null" items (0, "", empty list)
 * are dropped, scanning back over non-null nested lists, so 1.0.0 == 1 and
 * 1-ga-1 == 1-1.
 *
 * Comparison walks both trees, a missing item comparing as "null":
 * qualifiers order alpha < beta < milestone < rc < snapshot < "" < sp <
 * any other word (other words among themselves alphabetically); a number
 * beats any word and any list; a list beats a word.  ComparableVersion
 * accepts every string, so this never reports an invalid version.
 */
#include <stdint.h>
#include <string.h>

#include "vulndb/vulndb_int.h"

#define MVN_MAX_ITEMS (2 * VULNDB_MAX_VERSION + 2)

enum mvn_kind { MVN_INT, MVN_STR, MVN_LIST };

/* Qualifier ranks; MVN_Q_RELEASE is "" (ga, final, release). */
enum {
	MVN_Q_ALPHA,
	MVN_Q_BETA,
	MVN_Q_MILESTONE,
	MVN_Q_RC,
	MVN_Q_SNAPSHOT,
	MVN_Q_RELEASE,
	MVN_Q_SP,
	MVN_Q_OTHER,
};

static const struct {
	const char *word;
	int rank;
} mvn_qualifiers[] = {
    {"alpha", MVN_Q_ALPHA},
    {"beta", MVN_Q_BETA},
    {"milestone", MVN_Q_MILESTONE},
    {"rc", MVN_Q_RC},
    {"cr", MVN_Q_RC},
    {"snapshot", MVN_Q_SNAPSHOT},
    {"", MVN_Q_RELEASE},
    {"ga", MVN_Q_RELEASE},
    {"final", MVN_Q_RELEASE},
    {"release", MVN_Q_RELEASE},
    {"sp", MVN_Q_SP},
};

struct mvn_item {
	uint16_t off, len; /* INT: digits without leading zeros; STR: word */
	int16_t first, last, next; /* LIST children; sibling link; -1 = none */
	uint8_t kind, qual;
};

struct mvn_tree {
	const char *s; /* lower-cased version */
	struct mvn_item it[MVN_MAX_ITEMS];
	int n;
	int16_t lists[MVN_MAX_ITEMS]; /* lists in creation order */
	int nlists;
};

static int mvn_new(struct mvn_tree *t, enum mvn_kind kind)
{
	struct mvn_item *it = &t->it[t->n];

	memset(it, 0, sizeof(*it));
	it->kind = (uint8_t)kind;
	it->first = it->last = it->next = -1;
	if (kind == MVN_LIST)
		t->lists[t->nlists++] = (int16_t)t->n;
	return t->n++;
}

static void mvn_append(struct mvn_tree *t, int list, int item)
{
	struct mvn_item *l = &t->it[list];

	if (l->last < 0)
		l->first = (int16_t)item;
	else
		t->it[l->last].next = (int16_t)item;
	l->last = (int16_t)item;
}

static void mvn_add_int(struct mvn_tree *t, int list, size_t off, size_t len)
{
	int i = mvn_new(t, MVN_INT);

	while (len > 0 && t->s[off] == '0')
		off++, len--;
	t->it[i].off = (uint16_t)off;
	t->it[i].len = (uint16_t)len;
	mvn_append(t, list, i);
}

static void mvn_add_str(struct mvn_tree *t, int list, size_t off, size_t len,
			bool followed_by_digit)
{
	int i = mvn_new(t, MVN_STR);
	const char *w = t->s + off;

	t->it[i].off = (uint16_t)off;
	t->it[i].len = (uint16_t)len;
	t->it[i].qual = MVN_Q_OTHER;
	if (followed_by_digit && len == 1 &&
	    (w[0] == 'a' || w[0] == 'b' || w[0] == 'm')) {
		t->it[i].qual = w[0] == 'a'   ? MVN_Q_ALPHA
				: w[0] == 'b' ? MVN_Q_BETA
					      : MVN_Q_MILESTONE;
	} else {
		for (size_t q = 0;
		     q < sizeof(mvn_qualifiers) / sizeof(mvn_qualifiers[0]);
		     q++)
			if (vuln_bytecmp(w, len, mvn_qualifiers[q].word,
					 strlen(mvn_qualifiers[q].word)) == 0)
				t->it[i].qual = (uint8_t)mvn_qualifiers[q].rank;
	}
	mvn_append(t, list, i);
}

static void mvn_add_item(struct mvn_tree *t, int list, bool digit, size_t off,
			 size_t len)
{
	if (digit)
		mvn_add_int(t, list, off, len);
	else
		mvn_add_str(t, list, off, len, false);
}

static int mvn_open_list(struct mvn_tree *t, int list)
{
	int l = mvn_new(t, MVN_LIST);

	mvn_append(t, list, l);
	return l;
}

static bool mvn_is_null(const struct mvn_tree *t, int i)
{
	const struct mvn_item *it = &t->it[i];

	switch (it->kind) {
	case MVN_INT:
		return it->len == 0;
	case MVN_STR:
		return it->qual == MVN_Q_RELEASE;
	default:
		return it->first < 0;
	}
}

/* Drops trailing null items, scanning back over non-null nested lists. */
static void mvn_normalize(struct mvn_tree *t, int list, int16_t *scratch)
{
	struct mvn_item *l = &t->it[list];
	int n = 0, keep;

	for (int c = l->first; c >= 0; c = t->it[c].next)
		scratch[n++] = (int16_t)c;
	keep = n;
	for (int i = n - 1; i >= 0; i--) {
		if (mvn_is_null(t, scratch[i]))
			scratch[i] = -1;
		else if (t->it[scratch[i]].kind != MVN_LIST)
			break;
	}
	l->first = l->last = -1;
	for (int i = 0; i < keep; i++) {
		if (scratch[i] < 0)
			continue;
		t->it[scratch[i]].next = -1;
		mvn_append(t, list, scratch[i]);
	}
}

static void mvn_parse(struct mvn_tree *t, const char *s, size_t n)
{
	int list;
	bool digit = false;
	size_t start = 0;

	t->s = s;
	t->n = t->nlists = 0;
	list = mvn_new(t, MVN_LIST); /* the root, item 0 */
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.' || c == '-') {
			if (i == start)
				mvn_add_int(t, list, i, 0);
			else
				mvn_add_item(t, list, digit, start, i - start);
			start = i + 1;
			if (c == '-')
				list = mvn_open_list(t, list);
		} else if (vuln_isdigit((unsigned char)c)) {
			if (!digit && i > start) {
				mvn_add_str(t, list, start, i - start, true);
				start = i;
				list = mvn_open_list(t, list);
			}
			digit = true;
		} else {
			if (digit && i > start) {
				mvn_add_int(t, list, start, i - start);
				start = i;
				list = mvn_open_list(t, list);
			}
			digit = false;
		}
	}
	if (n > start)
		mvn_add_item(t, list, digit, start, n - start);
}

static void mvn_normalize_all(struct mvn_tree *t, int16_t *scratch)
{
	for (int i = t->nlists - 1; i >= 0; i--)
		mvn_normalize(t, t->lists[i], scratch);
}

static int mvn_cmp_qual(const struct mvn_tree *ta, const struct mvn_item *a,
			const struct mvn_tree *tb, const struct mvn_item *b)
{
	if (a->qual != b->qual)
		return a->qual < b->qual ? -1 : 1;
	if (a->qual != MVN_Q_OTHER)
		return 0;
	return vuln_bytecmp(ta->s + a->off, a->len, tb->s + b->off, b->len);
}

/* Compares item ia of ta with item ib of tb; ib < 0 means null. */
static int mvn_cmp(const struct mvn_tree *ta, int ia, const struct mvn_tree *tb,
		   int ib)
{
	const struct mvn_item *a = &ta->it[ia];
	const struct mvn_item *b = ib >= 0 ? &tb->it[ib] : NULL;

	switch (a->kind) {
	case MVN_INT:
		if (!b)
			return a->len == 0 ? 0 : 1;
		if (b->kind != MVN_INT)
			return 1;
		return vuln_numcmp(ta->s + a->off, a->len, tb->s + b->off,
				   b->len);
	case MVN_STR:
		if (!b)
			return a->qual == MVN_Q_RELEASE
				   ? 0
				   : (a->qual < MVN_Q_RELEASE ? -1 : 1);
		if (b->kind == MVN_STR)
			return mvn_cmp_qual(ta, a, tb, b);
		return -1;
	default:
		break;
	}
	if (!b)
		return a->first < 0 ? 0 : mvn_cmp(ta, a->first, tb, -1);
	if (b->kind == MVN_INT)
		return -1;
	if (b->kind == MVN_STR)
		return 1;
	for (int x = a->first, y = b->first; x >= 0 || y >= 0;) {
		int r = x < 0 ? -mvn_cmp(tb, y, ta, -1) : mvn_cmp(ta, x, tb, y);

		if (r)
			return r;
		x = x >= 0 ? ta->it[x].next : -1;
		y = y >= 0 ? tb->it[y].next : -1;
	}
	return 0;
}

int vuln_cmp_maven(const char *a, size_t alen, const char *b, size_t blen,
		   int *ret_cmp, struct bw_error *err)
{
	struct {
		char sa[VULNDB_MAX_VERSION], sb[VULNDB_MAX_VERSION];
		struct mvn_tree ta, tb;
		int16_t scratch[MVN_MAX_ITEMS];
	} * w, local;

	(void)err;
	w = &local;
	for (size_t i = 0; i < alen; i++)
		w->sa[i] = (char)vuln_tolower((unsigned char)a[i]);
	for (size_t i = 0; i < blen; i++)
		w->sb[i] = (char)vuln_tolower((unsigned char)b[i]);
	mvn_parse(&w->ta, w->sa, alen);
	mvn_parse(&w->tb, w->sb, blen);
	mvn_normalize_all(&w->ta, w->scratch);
	mvn_normalize_all(&w->tb, w->scratch);
	*ret_cmp = mvn_cmp(&w->ta, 0, &w->tb, 0);
	return 0;
}
