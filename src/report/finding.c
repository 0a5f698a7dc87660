/*
 * finding.c - the policy findings set (finding.h): copying findings into
 * the set's string pool, rules, problems, sorting and the --fail-on gate.
 *
 * An audit of 10,000 manifests makes hundreds of thousands of findings,
 * and most of a finding's text is repeated: the check's id, title,
 * rationale, remediation and framework pairs are the same for every
 * finding of that check, the object's file, kind, namespace and name for
 * every finding about that object.  So strings are carved out of large
 * chunks (no allocation per finding, one free per chunk), and those
 * repeated fields are stored once: a small direct-mapped cache maps the
 * caller's pointer to the pooled copy, and the copy is shared only when it
 * still equals the caller's string (a caller that reuses a buffer for
 * different text gets a fresh copy).  Pooled strings are never modified.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/finding.h"

/* Bytes of s kept: at most REPORT_MAX_TEXT - 1, cut before a UTF-8
 * continuation byte. */
static size_t keep_len(const char *s)
{
	size_t n = strnlen(s, REPORT_MAX_TEXT);

	if (n < REPORT_MAX_TEXT)
		return n;
	n = REPORT_MAX_TEXT - 1;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* ---- the string pool ------------------------------------------------------
 */

/* A chunk holds many findings' strings; a single request (one string of at
 * most REPORT_MAX_TEXT bytes, or one framework array) always fits. */
#define POOL_CHUNK (64u << 10)
#define POOL_CACHE 256 /* entries of each cache, a power of two */

_Static_assert(REPORT_MAX_TEXT <= POOL_CHUNK / 4 &&
		   REPORT_MAX_FRAMEWORKS *
			   sizeof(struct report_framework_ref) <=
		       POOL_CHUNK / 4,
	       "a pool request must fit a chunk");

struct pool_chunk {
	struct pool_chunk *next;
	alignas(max_align_t) char data[];
};

struct pool_str {
	const char *src;  /* the caller's pointer */
	const char *copy; /* in the pool */
	size_t len;
	int whole; /* copy holds all of src (not cut at REPORT_MAX_TEXT) */
};

struct pool_fws {
	const struct report_framework_ref *src;
	const struct report_framework_ref *copy;
	size_t n;
};

struct report_pool {
	struct pool_chunk *chunks;
	char *p; /* free space in the newest chunk */
	size_t left;
	struct pool_str strs[POOL_CACHE];
	struct pool_fws fws[POOL_CACHE];
};

static size_t ptr_slot(const void *p)
{
	return (size_t)(((uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull) >>
			56) &
	       (POOL_CACHE - 1);
}

static void *pool_alloc(struct report_pool *pl, size_t size, size_t align)
{
	size_t pad = (align - (uintptr_t)pl->p % align) % align;
	void *r;

	if (!pl->p || pad + size > pl->left) {
		struct pool_chunk *c = malloc(sizeof(*c) + POOL_CHUNK);

		if (!c)
			return NULL;
		c->next = pl->chunks;
		pl->chunks = c;
		pl->p = c->data;
		pl->left = POOL_CHUNK;
		pad = 0;
	}
	r = pl->p + pad;
	pl->p += pad + size;
	pl->left -= pad + size;
	return r;
}

static const char *pool_strndup(struct report_pool *pl, const char *s, size_t n,
				int *bad)
{
	char *r = pool_alloc(pl, n + 1, 1);

	if (!r) {
		*bad = 1;
		return NULL;
	}
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

/* A copy of s (cut to keep_len), NULL for NULL. */
static const char *pool_copy(struct report_pool *pl, const char *s, int *bad)
{
	return s ? pool_strndup(pl, s, keep_len(s), bad) : NULL;
}

/* Like pool_copy, sharing the copy made for the same pointer last time
 * when the text is still the same. */
static const char *pool_intern(struct report_pool *pl, const char *s, int *bad)
{
	struct pool_str *e;
	size_t n;

	if (!s)
		return NULL;
	e = &pl->strs[ptr_slot(s)];
	if (e->src == s) {
		/* An uncut copy is still right when the text is equal (one
		 * pass); a cut one when its first len bytes are. */
		if (e->whole && !strcmp(e->copy, s))
			return e->copy;
		if (!e->whole && keep_len(s) == e->len &&
		    !memcmp(e->copy, s, e->len))
			return e->copy;
	}
	n = keep_len(s);
	if (!(e->copy = pool_strndup(pl, s, n, bad))) {
		e->src = NULL;
		return NULL;
	}
	e->src = s;
	e->len = n;
	e->whole = !s[n];
	return e->copy;
}

/* 1 when the pooled copy c is what pool_copy(s) would make. */
static int same_text(const char *c, const char *s)
{
	size_t n;

	if (!c || !s)
		return c == s;
	n = keep_len(s);
	return !memcmp(c, s, n) && c[n] == '\0';
}

/* The framework pairs, shared like pool_intern's strings. */
static const struct report_framework_ref *
pool_frameworks(struct report_pool *pl, const struct report_framework_ref *fw,
		size_t n, int *bad)
{
	struct pool_fws *e = &pl->fws[ptr_slot(fw)];
	struct report_framework_ref *c;
	size_t i;

	if (e->src == fw && e->n == n) {
		for (i = 0; i < n; i++)
			if (!same_text(e->copy[i].framework, fw[i].framework) ||
			    !same_text(e->copy[i].control, fw[i].control))
				break;
		if (i == n)
			return e->copy;
	}
	c = pool_alloc(pl, n * sizeof(*c),
		       alignof(struct report_framework_ref));
	if (!c) {
		*bad = 1;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		c[i].framework = pool_intern(pl, fw[i].framework, bad);
		c[i].control = pool_intern(pl, fw[i].control, bad);
	}
	if (*bad)
		return NULL;
	e->src = fw;
	e->copy = c;
	e->n = n;
	return c;
}

static void pool_free(struct report_pool *pl)
{
	struct pool_chunk *c, *next;

	if (!pl)
		return;
	for (c = pl->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(pl);
}

/* ---- findings ------------------------------------------------------------ */

int report_findings_add(struct report_findings *s,
			const struct report_finding *f)
{
	struct report_pool *pl;
	struct report_finding c;
	size_t nfw;
	int bad = 0;

	if (!s || !f || !f->id)
		return -EINVAL;
	if (s->n >= REPORT_MAX_FINDINGS)
		return -E2BIG;
	if (!s->pool && !(s->pool = calloc(1, sizeof(*s->pool))))
		return -ENOMEM;
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		struct report_finding *nf = realloc(s->f, ncap * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		s->f = nf;
		s->cap = ncap;
	}
	pl = s->pool;
	nfw = f->frameworks ? f->nframeworks : 0;
	if (nfw > REPORT_MAX_FRAMEWORKS)
		nfw = REPORT_MAX_FRAMEWORKS;
	c = *f;
	/* What the check and the object repeat is shared ... */
	c.id = pool_intern(pl, f->id, &bad);
	c.name = pool_intern(pl, f->name, &bad);
	c.title = pool_intern(pl, f->title, &bad);
	c.remediation = pool_intern(pl, f->remediation, &bad);
	c.rationale = pool_intern(pl, f->rationale, &bad);
	c.file = pool_intern(pl, f->file, &bad);
	c.kind = pool_intern(pl, f->kind, &bad);
	c.ns = pool_intern(pl, f->ns, &bad);
	c.obj_name = pool_intern(pl, f->obj_name, &bad);
	c.container = pool_intern(pl, f->container, &bad);
	c.frameworks =
	    nfw ? pool_frameworks(pl, f->frameworks, nfw, &bad) : NULL;
	c.nframeworks = nfw;
	/* ... what is about this finding alone is copied. */
	c.message = pool_copy(pl, f->message, &bad);
	c.path = pool_copy(pl, f->path, &bad);
	c.suppress_reason = pool_copy(pl, f->suppress_reason, &bad);
	if (bad)
		return -ENOMEM; /* what was carved stays in the pool */
	if ((unsigned)c.severity > VULN_SEV_CRITICAL)
		c.severity = VULN_SEV_NONE;
	s->f[s->n++] = c;
	return 0;
}

static char *dup_opt(const char *s, int *bad)
{
	char *r;
	size_t n;

	if (!s)
		return NULL;
	n = keep_len(s);
	r = malloc(n + 1);
	if (!r) {
		*bad = 1;
		return NULL;
	}
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

static void rule_free(struct report_rule *r)
{
	size_t i;

	free(r->id);
	free(r->name);
	free(r->title);
	free(r->rationale);
	free(r->remediation);
	for (i = 0; i < r->nframeworks; i++) {
		free((char *)r->frameworks[i].framework);
		free((char *)r->frameworks[i].control);
	}
	free(r->frameworks);
}

int report_findings_add_rule(struct report_findings *s,
			     const struct report_finding *rule)
{
	struct report_rule r = {0};
	size_t i, nfw;
	int bad = 0;

	if (!s || !rule || !rule->id)
		return -EINVAL;
	for (i = 0; i < s->nrules; i++)
		if (!strcmp(s->rules[i].id, rule->id))
			return 0;
	if (s->nrules >= REPORT_MAX_FINDINGS)
		return -E2BIG;
	if (s->nrules == s->caprules) {
		size_t ncap = s->caprules ? s->caprules * 2 : 32;
		struct report_rule *nr = realloc(s->rules, ncap * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		s->rules = nr;
		s->caprules = ncap;
	}
	r.id = dup_opt(rule->id, &bad);
	r.name = dup_opt(rule->name, &bad);
	r.title = dup_opt(rule->title, &bad);
	r.rationale = dup_opt(rule->rationale, &bad);
	r.remediation = dup_opt(rule->remediation, &bad);
	r.severity = (unsigned)rule->severity > VULN_SEV_CRITICAL
			 ? VULN_SEV_NONE
			 : rule->severity;
	nfw = rule->frameworks ? rule->nframeworks : 0;
	if (nfw > REPORT_MAX_FRAMEWORKS)
		nfw = REPORT_MAX_FRAMEWORKS;
	if (nfw) {
		r.frameworks = calloc(nfw, sizeof(*r.frameworks));
		if (!r.frameworks)
			bad = 1;
		for (i = 0; r.frameworks && i < nfw; i++) {
			r.frameworks[i].framework =
			    dup_opt(rule->frameworks[i].framework, &bad);
			r.frameworks[i].control =
			    dup_opt(rule->frameworks[i].control, &bad);
			r.nframeworks = i + 1;
		}
	}
	if (bad) {
		rule_free(&r);
		return -ENOMEM;
	}
	s->rules[s->nrules++] = r;
	return 0;
}

int report_findings_add_problem(struct report_findings *s,
				const struct bw_error *e)
{
	struct bw_error *np;

	if (!s || !e)
		return -EINVAL;
	if (s->nproblems >= REPORT_MAX_PROBLEMS)
		return 0;
	np = realloc(s->problems, (s->nproblems + 1) * sizeof(*np));
	if (!np)
		return -ENOMEM;
	s->problems = np;
	s->problems[s->nproblems++] = *e;
	return 0;
}

int report_findings_set_target(struct report_findings *s, const char *t)
{
	int bad = 0;
	char *c = dup_opt(t, &bad);

	if (bad)
		return -ENOMEM;
	free(s->target);
	s->target = c;
	return 0;
}

/* Equal strings are often the same pooled copy: compared by address
 * first. */
static int cmp_opt(const char *a, const char *b)
{
	if (a == b)
		return 0;
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* The object a finding is about: file, document, item, kind, namespace,
 * name. */
static int cmp_object(const struct report_finding *a,
		      const struct report_finding *b)
{
	int c;

	if ((c = cmp_opt(a->file, b->file)))
		return c;
	if (a->doc != b->doc)
		return a->doc < b->doc ? -1 : 1;
	if (a->item != b->item)
		return a->item < b->item ? -1 : 1;
	if ((c = cmp_opt(a->kind, b->kind)) || (c = cmp_opt(a->ns, b->ns)) ||
	    (c = cmp_opt(a->obj_name, b->obj_name)))
		return c;
	return 0;
}

/* The report order: by object, then severity (highest first), id,
 * container, path; ties keep the order the findings were added in (a and
 * b point into the set's array). */
static int cmp_finding(const void *pa, const void *pb)
{
	const struct report_finding *a =
	    *(const struct report_finding *const *)pa;
	const struct report_finding *b =
	    *(const struct report_finding *const *)pb;
	int c;

	if ((c = cmp_object(a, b)))
		return c;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = cmp_opt(a->id, b->id)) ||
	    (c = cmp_opt(a->container, b->container)) ||
	    (c = cmp_opt(a->path, b->path)))
		return c;
	return a < b ? -1 : a > b;
}

/* Sorts order[] (pointers to the findings, as a finding is large to move
 * around).  An audit adds findings object by object in document order, so
 * usually the objects are already in order: then only each object's run
 * of findings needs sorting, which is the same result for much less
 * work. */
static void sort_order(const struct report_finding **order, size_t n)
{
	size_t i, start;

	for (i = 1; i < n; i++)
		if (cmp_object(order[i - 1], order[i]) > 0)
			break;
	if (i < n) {
		qsort(order, n, sizeof(*order), cmp_finding);
		return;
	}
	for (start = 0, i = 1; i <= n; i++) {
		if (i < n && !cmp_object(order[start], order[i]))
			continue;
		if (i - start > 1)
			qsort(order + start, i - start, sizeof(*order),
			      cmp_finding);
		start = i;
	}
}

void report_findings_sort(struct report_findings *s)
{
	const struct report_finding **order;
	size_t *from, i;

	if (!s || s->n < 2)
		return;
	order = malloc(s->n * sizeof(*order));
	from = malloc(s->n * sizeof(*from));
	if (!order || !from) {
		free(order);
		free(from);
		return; /* unsorted but intact */
	}
	for (i = 0; i < s->n; i++)
		order[i] = &s->f[i];
	sort_order(order, s->n);
	/* Position i takes the finding at from[i]: applied in place, cycle
	 * by cycle, so the findings are not copied into a second array. */
	for (i = 0; i < s->n; i++)
		from[i] = (size_t)(order[i] - s->f);
	free(order);
	for (i = 0; i < s->n; i++) {
		struct report_finding keep;
		size_t j = i;

		if (from[i] == i)
			continue;
		keep = s->f[i];
		while (from[j] != i) {
			size_t next = from[j];

			s->f[j] = s->f[next];
			from[j] = j;
			j = next;
		}
		s->f[j] = keep;
		from[j] = j;
	}
	free(from);
}

int report_findings_gate(const struct report_findings *s,
			 enum vuln_severity fail_on)
{
	size_t i;

	if (!s)
		return 0;
	for (i = 0; i < s->n; i++)
		if (!s->f[i].suppressed && s->f[i].severity >= fail_on)
			return 1;
	return 0;
}

void report_findings_free(struct report_findings *s)
{
	size_t i;

	if (!s)
		return;
	pool_free(s->pool);
	free(s->f);
	for (i = 0; i < s->nrules; i++)
		rule_free(&s->rules[i]);
	free(s->rules);
	free(s->target);
	free(s->problems);
	memset(s, 0, sizeof(*s));
}

int report_severity_parse(const char *s, enum vuln_severity *ret)
{
	static const struct {
		const char *name;
		enum vuln_severity sev;
	} names[] = {
	    {"critical", VULN_SEV_CRITICAL}, {"high", VULN_SEV_HIGH},
	    {"medium", VULN_SEV_MEDIUM},     {"low", VULN_SEV_LOW},
	    {"none", VULN_SEV_NONE},	     {"info", VULN_SEV_NONE},
	};
	size_t i;

	if (!s || !ret)
		return -EINVAL;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(s, names[i].name)) {
			*ret = names[i].sev;
			return 0;
		}
	return -EINVAL;
}
