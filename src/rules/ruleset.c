/*
 * ruleset.c - the struct bw_ruleset lifecycle (new/free), item vectors with
 * a name index, diagnostics, priorities, settings (proc lookup, host root,
 * minimum priority) and the read-only accessors of rules.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "rules/rules_int.h"

#define DIAG_MAX 100000

const void *rx_memrchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	while (n--)
		if (p[n] == (unsigned char)c)
			return p + n;
	return NULL;
}

const void *rx_memmem(const void *h, size_t hl, const void *n, size_t nl)
{
	const unsigned char *hp = h, *np = n;

	if (!nl)
		return h;
	while (hl >= nl) {
		const unsigned char *f = memchr(hp, np[0], hl - nl + 1);

		if (!f)
			return NULL;
		hl -= (size_t)(f - hp);
		hp = f;
		if (!memcmp(hp, np, nl))
			return hp;
		hp++;
		hl--;
	}
	return NULL;
}

bool rx_icontains(const char *h, size_t hl, const char *n, size_t nl)
{
	if (!nl)
		return true;
	for (size_t i = 0; i + nl <= hl; i++) {
		size_t k = 0;

		while (k < nl && tolower((unsigned char)h[i + k]) == n[k])
			k++;
		if (k == nl)
			return true;
	}
	return false;
}

void *rx_calloc(size_t n, size_t sz)
{
	return calloc(n, sz);
}

char *rx_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

int diag_add(struct bw_rules_diag *d, bool is_error, const char *file,
	     int line, int col, const char *item, const char *fmt, ...)
{
	struct bw_rules_diag_item *it;
	va_list ap;

	if (!d)
		return 0;
	if (d->n >= DIAG_MAX)
		return -E2BIG;
	if (d->n == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 16;
		struct bw_rules_diag_item *ni = realloc(d->items,
							nc * sizeof(*ni));

		if (!ni)
			return -ENOMEM;
		d->items = ni;
		d->cap = nc;
	}
	it = &d->items[d->n++];
	memset(it, 0, sizeof(*it));
	it->is_error = is_error;
	snprintf(it->file, sizeof(it->file), "%s", file ? file : "");
	it->line = line;
	it->column = col;
	snprintf(it->item, sizeof(it->item), "%s", item ? item : "");
	va_start(ap, fmt);
	vsnprintf(it->msg, sizeof(it->msg), fmt, ap);
	va_end(ap);
	return 0;
}

void rules_diag_free(struct bw_rules_diag *d)
{
	if (!d)
		return;
	free(d->items);
	memset(d, 0, sizeof(*d));
}

/* ---- vectors ------------------------------------------------------------- */

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static int reindex(struct rule_vec *v)
{
	uint32_t cap = 16;
	uint32_t *idx;

	while (cap < v->n * 2 + 2)
		cap *= 2;
	idx = calloc(cap, sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < v->n; i++) {
		uint32_t h = name_hash(v->v[i]->name) & (cap - 1);

		while (idx[h])
			h = (h + 1) & (cap - 1);
		idx[h] = (uint32_t)i + 1;
	}
	free(v->idx);
	v->idx = idx;
	v->mask = cap - 1;
	return 0;
}

struct bw_rule *rule_vec_find(struct rule_vec *v, const char *name)
{
	uint32_t h;

	if (!v->idx)
		return NULL;
	h = name_hash(name) & v->mask;
	while (v->idx[h]) {
		struct bw_rule *r = v->v[v->idx[h] - 1];

		if (!strcmp(r->name, name))
			return r;
		h = (h + 1) & v->mask;
	}
	return NULL;
}

int rule_vec_push(struct rule_vec *v, struct bw_rule *r)
{
	if (v->n == v->cap) {
		size_t nc = v->cap ? v->cap * 2 : 16;
		struct bw_rule **nv = realloc(v->v, nc * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		v->v = nv;
		v->cap = nc;
	}
	v->v[v->n++] = r;
	if (!v->indexed)
		return 0;
	if (!v->idx || (v->n * 2 + 2) > v->mask + 1)
		return reindex(v);
	{
		uint32_t h = name_hash(r->name) & v->mask;

		while (v->idx[h])
			h = (h + 1) & v->mask;
		v->idx[h] = (uint32_t)v->n;
	}
	return 0;
}

static void vec_free(struct rule_vec *v, bool items)
{
	if (items)
		for (size_t i = 0; i < v->n; i++)
			item_free(v->v[i]);
	free(v->v);
	free(v->idx);
	memset(v, 0, sizeof(*v));
}

/* ---- lifecycle ------------------------------------------------------------ */

int rules_new(struct bw_ruleset **ret)
{
	struct bw_ruleset *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return -ENOMEM;
	rs->rules.indexed = rs->macros.indexed = rs->lists.indexed = true;
	rs->min_prio = BW_PRIO_DEBUG;
	rs->host_root = rx_strndup("", 0);
	if (!rs->host_root) {
		free(rs);
		return -ENOMEM;
	}
	if (gethostname(rs->hostname, sizeof(rs->hostname) - 1))
		rs->hostname[0] = 0;
	*ret = rs;
	return 0;
}

void rules_free(struct bw_ruleset *rs)
{
	if (!rs)
		return;
	vec_free(&rs->rules, true);
	vec_free(&rs->macros, true);
	vec_free(&rs->lists, true);
	for (size_t t = 0; t < BW_EVT__COUNT; t++)
		vec_free(&rs->by_type[t], false);
	for (size_t i = 0; i < rs->nfiles; i++) {
		free(rs->files[i].name);
		free(rs->files[i].buf);
	}
	free(rs->files);
	for (size_t i = 0; i < rs->nplugins; i++)
		free(rs->plugins[i]);
	free(rs->plugins);
	free(rs->engine_version);
	for (size_t i = 0; i < rs->nslots; i++) {
		fref_clear(&rs->slots[i].ref);
		free(rs->slots[i].key);
	}
	free(rs->slots);
	free(rs->slot_gen);
	free(rs->slot_val);
	free(rs->scratch);
	if (rs->md)
		pcre2_match_data_free(rs->md);
	free(rs->host_root);
	usercache_free(rs->users);
	free(rs);
}

void rules_set_proc_lookup(struct bw_ruleset *rs,
			   struct bw_proc *(*fn)(void *ctx, int32_t pid),
			   void *ctx)
{
	rs->proc_lookup = fn;
	rs->proc_lookup_ctx = ctx;
}

int rules_set_host_root(struct bw_ruleset *rs, const char *root)
{
	char *r = rx_strndup(root ? root : "", root ? strlen(root) : 0);

	if (!r)
		return -ENOMEM;
	free(rs->host_root);
	rs->host_root = r;
	usercache_free(rs->users);
	rs->users = NULL;
	return 0;
}

/* ---- priorities --------------------------------------------------------- */

static const char *const prio_names[] = {
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice",
	"Informational", "Debug",
};

const char *rules_priority_name(enum bw_priority p)
{
	if ((unsigned)p > BW_PRIO_DEBUG)
		return "Unknown";
	return prio_names[p];
}

int rules_priority_parse(const char *s, enum bw_priority *ret)
{
	if (!s)
		return -EINVAL;
	for (unsigned i = 0; i <= BW_PRIO_DEBUG; i++)
		if (!strcasecmp(s, prio_names[i])) {
			*ret = (enum bw_priority)i;
			return 0;
		}
	if (!strcasecmp(s, "info")) {
		*ret = BW_PRIO_INFORMATIONAL;
		return 0;
	}
	return -EINVAL;
}

void rules_set_min_priority(struct bw_ruleset *rs, enum bw_priority p)
{
	rs->min_prio = p;
}

/* ---- accessors ------------------------------------------------------------- */

size_t rules_count_loaded(const struct bw_ruleset *rs)
{
	return rs ? rs->nloaded : 0;
}

size_t rules_count_skipped(const struct bw_ruleset *rs)
{
	return rs ? rs->nskipped : 0;
}

size_t rules_count_all(const struct bw_ruleset *rs)
{
	return rs ? rs->rules.n : 0;
}

const struct bw_rule *rules_rule_at(const struct bw_ruleset *rs, size_t i)
{
	return rs && i < rs->rules.n ? rs->rules.v[i] : NULL;
}

const char *rules_rule_name(const struct bw_rule *rule)
{
	return rule->name;
}

enum bw_priority rules_rule_priority(const struct bw_rule *rule)
{
	return rule->priority;
}

const char *rules_rule_desc(const struct bw_rule *rule)
{
	return rule->desc ? rule->desc : "";
}

bool rules_rule_enabled(const struct bw_rule *rule)
{
	return rule->enabled;
}

bool rules_rule_compiled(const struct bw_rule *rule)
{
	return rule->compiled;
}

size_t rules_required_plugins(const struct bw_ruleset *rs,
			      const char *const **ret)
{
	*ret = (const char *const *)rs->plugins;
	return rs->nplugins;
}

const char *rules_required_engine_version(const struct bw_ruleset *rs)
{
	return rs->engine_version;
}
