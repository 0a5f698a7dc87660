/*
 * finding.c - the policy findings set (finding.h): copying findings into
 * one allocation each, rules, problems, sorting and the --fail-on gate.
 *
 * A finding's strings are packed into a single block (the struct's
 * pointers point into it), so adding a finding costs one allocation and
 * freeing it one free: an audit of 10,000 manifests makes hundreds of
 * thousands of findings.
 */
#include <errno.h>
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

struct packer {
	char *p;
	size_t need;
};

static void pack_size(struct packer *pk, const char *s)
{
	if (s)
		pk->need += keep_len(s) + 1;
}

static const char *pack(struct packer *pk, const char *s)
{
	char *r;
	size_t n;

	if (!s)
		return NULL;
	n = keep_len(s);
	r = pk->p;
	memcpy(r, s, n);
	r[n] = '\0';
	pk->p += n + 1;
	return r;
}

int report_findings_add(struct report_findings *s,
			const struct report_finding *f)
{
	struct report_finding c;
	struct report_framework_ref *fw;
	struct packer pk = {0};
	size_t nfw, i;
	char *block;

	if (!s || !f || !f->id)
		return -EINVAL;
	if (s->n >= REPORT_MAX_FINDINGS)
		return -E2BIG;
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		struct report_finding *nf = realloc(s->f, ncap * sizeof(*nf));
		void **nb;

		if (!nf)
			return -ENOMEM;
		s->f = nf;
		nb = realloc(s->blocks, ncap * sizeof(*nb));
		if (!nb)
			return -ENOMEM;
		s->blocks = nb;
		s->cap = ncap;
	}
	nfw = f->frameworks ? f->nframeworks : 0;
	if (nfw > REPORT_MAX_FRAMEWORKS)
		nfw = REPORT_MAX_FRAMEWORKS;
	pk.need = nfw * sizeof(*fw);
	pack_size(&pk, f->id);
	pack_size(&pk, f->name);
	pack_size(&pk, f->title);
	pack_size(&pk, f->message);
	pack_size(&pk, f->remediation);
	pack_size(&pk, f->rationale);
	pack_size(&pk, f->file);
	pack_size(&pk, f->kind);
	pack_size(&pk, f->ns);
	pack_size(&pk, f->obj_name);
	pack_size(&pk, f->container);
	pack_size(&pk, f->path);
	pack_size(&pk, f->suppress_reason);
	for (i = 0; i < nfw; i++) {
		pack_size(&pk, f->frameworks[i].framework);
		pack_size(&pk, f->frameworks[i].control);
	}
	block = malloc(pk.need ? pk.need : 1);
	if (!block)
		return -ENOMEM;
	fw = (struct report_framework_ref *)(void *)block;
	pk.p = block + nfw * sizeof(*fw);
	c = *f;
	c.id = pack(&pk, f->id);
	c.name = pack(&pk, f->name);
	c.title = pack(&pk, f->title);
	c.message = pack(&pk, f->message);
	c.remediation = pack(&pk, f->remediation);
	c.rationale = pack(&pk, f->rationale);
	c.file = pack(&pk, f->file);
	c.kind = pack(&pk, f->kind);
	c.ns = pack(&pk, f->ns);
	c.obj_name = pack(&pk, f->obj_name);
	c.container = pack(&pk, f->container);
	c.path = pack(&pk, f->path);
	c.suppress_reason = pack(&pk, f->suppress_reason);
	for (i = 0; i < nfw; i++) {
		fw[i].framework = pack(&pk, f->frameworks[i].framework);
		fw[i].control = pack(&pk, f->frameworks[i].control);
	}
	c.frameworks = nfw ? fw : NULL;
	c.nframeworks = nfw;
	if ((unsigned)c.severity > VULN_SEV_CRITICAL)
		c.severity = VULN_SEV_NONE;
	s->f[s->n] = c;
	s->blocks[s->n] = block;
	s->n++;
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

static int cmp_opt(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

struct sort_item {
	struct report_finding f;
	void *block;
};

static int cmp_finding(const void *pa, const void *pb)
{
	const struct report_finding *a = &((const struct sort_item *)pa)->f;
	const struct report_finding *b = &((const struct sort_item *)pb)->f;
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
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = cmp_opt(a->id, b->id)) ||
	    (c = cmp_opt(a->container, b->container)))
		return c;
	return cmp_opt(a->path, b->path);
}

void report_findings_sort(struct report_findings *s)
{
	struct sort_item *tmp;
	size_t i;

	if (!s || s->n < 2)
		return;
	tmp = malloc(s->n * sizeof(*tmp));
	if (!tmp)
		return; /* unsorted but intact */
	for (i = 0; i < s->n; i++) {
		tmp[i].f = s->f[i];
		tmp[i].block = s->blocks[i];
	}
	qsort(tmp, s->n, sizeof(*tmp), cmp_finding);
	for (i = 0; i < s->n; i++) {
		s->f[i] = tmp[i].f;
		s->blocks[i] = tmp[i].block;
	}
	free(tmp);
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
	for (i = 0; i < s->n; i++)
		free(s->blocks[i]);
	free(s->blocks);
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
