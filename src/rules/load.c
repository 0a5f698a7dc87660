/*
 * load.c - reads Falco-format rules files (YAML, via libyaml's document
 * API, which keeps line/column marks) into the ruleset's item lists:
 * rules, macros and lists, with overrides (`override:` per-key append or
 * replace, legacy `append: true`), exceptions, and the engine/plugin
 * version requirements.  Conditions are kept as text fragments that
 * remember their place in the file; they are parsed by rules_compile().
 *
 * YAML aliases are refused outright (a file that uses them is rejected
 * with the alias's position), which rules out "billion laughs" expansion.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "rules/rules_int.h"

struct ld {
	struct bw_ruleset *rs;
	yaml_document_t *doc;
	const char *name;
	int file;
	struct bw_rules_diag *diag;
	struct bw_error *err;
};

static int mline(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static int mcol(const yaml_node_t *n)
{
	return (int)n->start_mark.column + 1;
}

static void report(struct ld *l, bool is_error, const yaml_node_t *n,
		   const char *item, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void report(struct ld *l, bool is_error, const yaml_node_t *n,
		   const char *item, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_add(l->diag, is_error, l->name, n ? mline(n) : 0,
		 n ? mcol(n) : 0, item, "%s", msg);
}

#define warn(l, n, item, ...) report(l, false, n, item, __VA_ARGS__)
#define error(l, n, item, ...) report(l, true, n, item, __VA_ARGS__)

static yaml_node_t *node(struct ld *l, int id)
{
	return yaml_document_get_node(l->doc, id);
}

static const char *scalar(const yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

/* Value node of key in a mapping, or NULL. */
static yaml_node_t *mget(struct ld *l, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(node(l, p->key));

		if (k && strcmp(k, key) == 0)
			return node(l, p->value);
	}
	return NULL;
}

static bool parse_bool(const char *s, bool *ret)
{
	if (!s)
		return false;
	if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") ||
	    !strcasecmp(s, "on")) {
		*ret = true;
		return true;
	}
	if (!strcasecmp(s, "false") || !strcasecmp(s, "no") ||
	    !strcasecmp(s, "off")) {
		*ret = false;
		return true;
	}
	return false;
}

/* A sequence of scalars (or a single scalar when allow_scalar) as an owned
 * string array.  Returns -EINVAL on a bad shape. */
static int str_list(struct ld *l, yaml_node_t *n, bool allow_scalar,
		    char ***ret, size_t *ret_n)
{
	size_t cnt, i = 0;
	char **v;

	*ret = NULL;
	*ret_n = 0;
	if (!n)
		return 0;
	if (n->type == YAML_SCALAR_NODE) {
		if (!allow_scalar && n->data.scalar.length)
			return -EINVAL;
		if (!n->data.scalar.length)
			return 0;
		v = calloc(2, sizeof(*v));
		if (!v)
			return -ENOMEM;
		v[0] = rx_strndup(scalar(n), n->data.scalar.length);
		*ret = v;
		*ret_n = 1;
		return v[0] ? 0 : -ENOMEM;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return -EINVAL;
	cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (cnt > RULES_MAX_LIST_ITEMS)
		return -E2BIG;
	v = calloc(cnt + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++) {
		yaml_node_t *c = node(l, *it);

		if (!c || c->type != YAML_SCALAR_NODE) {
			for (size_t k = 0; k < i; k++)
				free(v[k]);
			free(v);
			return -EINVAL;
		}
		v[i] = rx_strndup(scalar(c), c->data.scalar.length);
		if (!v[i]) {
			for (size_t k = 0; k < i; k++)
				free(v[k]);
			free(v);
			return -ENOMEM;
		}
		i++;
	}
	*ret = v;
	*ret_n = i;
	return 0;
}

static void free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int append_strs(char ***dst, size_t *dn, char **src, size_t sn)
{
	char **nv;

	if (!sn) {
		free(src);
		return 0;
	}
	if (*dn + sn > RULES_MAX_LIST_ITEMS) {
		free_strs(src, sn);
		return -E2BIG;
	}
	nv = realloc(*dst, (*dn + sn + 1) * sizeof(*nv));
	if (!nv) {
		free_strs(src, sn);
		return -ENOMEM;
	}
	memcpy(nv + *dn, src, sn * sizeof(*nv));
	*dst = nv;
	*dn += sn;
	free(src);
	return 0;
}

static int set_frag(struct ld *l, yaml_node_t *n, struct frag *f)
{
	memset(f, 0, sizeof(*f));
	f->text = rx_strndup(scalar(n), n->data.scalar.length);
	if (!f->text)
		return -ENOMEM;
	f->len = n->data.scalar.length;
	f->file = l->file;
	f->line = mline(n);
	f->col = mcol(n);
	f->style = (uint8_t)n->data.scalar.style;
	return 0;
}

static void free_frags(struct bw_rule *r)
{
	for (size_t i = 0; i < r->nfrags; i++)
		free(r->frags[i].text);
	free(r->frags);
	r->frags = NULL;
	r->nfrags = 0;
}

static int add_condition(struct ld *l, struct bw_rule *r, yaml_node_t *n,
			 bool replace)
{
	struct frag f, *nf;

	if (set_frag(l, n, &f))
		return -ENOMEM;
	if (replace)
		free_frags(r);
	if (r->nfrags >= 4096) {
		free(f.text);
		return -E2BIG;
	}
	nf = realloc(r->frags, (r->nfrags + 1) * sizeof(*nf));
	if (!nf) {
		free(f.text);
		return -ENOMEM;
	}
	r->frags = nf;
	r->frags[r->nfrags++] = f;
	return 0;
}

/* ---- exceptions ------------------------------------------------------- */

static void exc_free(struct exc *e)
{
	free(e->name);
	free_strs(e->fields, e->nfields);
	for (size_t i = 0; e->comps && e->comps[i]; i++)
		free(e->comps[i]);
	free(e->comps);
	for (size_t r = 0; r < e->nrows; r++) {
		for (size_t c = 0; c < e->rows[r].n; c++)
			free_strs(e->rows[r].cells[c].items,
				  e->rows[r].cells[c].n);
		free(e->rows[r].cells);
	}
	free(e->rows);
	memset(e, 0, sizeof(*e));
}

static void excs_free(struct bw_rule *r)
{
	for (size_t i = 0; i < r->nexcs; i++)
		exc_free(&r->excs[i]);
	free(r->excs);
	r->excs = NULL;
	r->nexcs = 0;
}

/* One cell of a values row: a scalar or a sequence of scalars. */
static int exc_cell(struct ld *l, yaml_node_t *n, struct exc_cell *c)
{
	c->is_list = n->type == YAML_SEQUENCE_NODE;
	return str_list(l, n, true, &c->items, &c->n);
}

static int exc_rows(struct ld *l, yaml_node_t *vals, struct exc *e)
{
	size_t cnt;

	if (!vals)
		return 0;
	if (vals->type != YAML_SEQUENCE_NODE)
		return -EINVAL;
	cnt = (size_t)(vals->data.sequence.items.top -
		       vals->data.sequence.items.start);
	if (e->nrows + cnt > RULES_MAX_LIST_ITEMS)
		return -E2BIG;
	for (yaml_node_item_t *it = vals->data.sequence.items.start;
	     it < vals->data.sequence.items.top; it++) {
		yaml_node_t *row = node(l, *it);
		struct exc_row *nr, *rw;

		if (!row)
			return -EINVAL;
		nr = realloc(e->rows, (e->nrows + 1) * sizeof(*nr));
		if (!nr)
			return -ENOMEM;
		e->rows = nr;
		rw = &e->rows[e->nrows++];
		memset(rw, 0, sizeof(*rw));
		if (!e->fields_is_list) {
			/* single field: each value is one cell */
			rw->cells = calloc(1, sizeof(*rw->cells));
			if (!rw->cells)
				return -ENOMEM;
			rw->n = 1;
			if (exc_cell(l, row, &rw->cells[0]))
				return -EINVAL;
			continue;
		}
		if (row->type != YAML_SEQUENCE_NODE)
			return -EINVAL;
		cnt = (size_t)(row->data.sequence.items.top -
			       row->data.sequence.items.start);
		if (cnt != e->nfields)
			return -ERANGE;
		rw->cells = calloc(cnt ? cnt : 1, sizeof(*rw->cells));
		if (!rw->cells)
			return -ENOMEM;
		rw->n = cnt;
		for (size_t c = 0; c < cnt; c++) {
			yaml_node_t *cn = node(l, row->data.sequence.items.start[c]);

			if (!cn || exc_cell(l, cn, &rw->cells[c]))
				return -EINVAL;
		}
	}
	return 0;
}

static int parse_exception(struct ld *l, yaml_node_t *n, struct exc *e,
			   const char *item, const struct exc *shape)
{
	yaml_node_t *fn, *cn;
	const char *nm;
	int rc;

	memset(e, 0, sizeof(*e));
	e->line = mline(n);
	e->col = mcol(n);
	e->file = l->file;
	nm = scalar(mget(l, n, "name"));
	if (!nm) {
		error(l, n, item, "exception without a name%s", "");
		return -EINVAL;
	}
	e->name = rx_strndup(nm, strlen(nm));
	fn = mget(l, n, "fields");
	cn = mget(l, n, "comps");
	if (!cn)
		cn = mget(l, n, "comp");
	e->fields_is_list = fn && fn->type == YAML_SEQUENCE_NODE;
	if (!fn && shape) {
		/* values appended to an existing exception take its shape */
		e->fields_is_list = shape->fields_is_list;
		e->nfields = 0;
	}
	if (fn && str_list(l, fn, true, &e->fields, &e->nfields)) {
		error(l, fn, item, "exception '%s': bad 'fields'", nm);
		return -EINVAL;
	}
	if (cn) {
		char **comps;
		size_t nc;

		if (str_list(l, cn, true, &comps, &nc) ||
		    (e->fields_is_list ? nc != e->nfields : nc > 1)) {
			free_strs(comps, nc);
			error(l, cn, item,
			      "exception '%s': comps must match fields", nm);
			return -EINVAL;
		}
		e->comps = comps;
		if (!e->fields_is_list && nc == 0) {
			free(e->comps);
			e->comps = NULL;
		}
	}
	if (!e->comps && e->nfields) {
		e->comps = calloc(e->nfields + 1, sizeof(*e->comps));
		if (!e->comps)
			return -ENOMEM;
		for (size_t i = 0; i < e->nfields; i++)
			e->comps[i] = rx_strndup(e->fields_is_list ? "=" : "in",
						 e->fields_is_list ? 1 : 2);
	}
	{
		size_t save = e->nfields;

		if (!fn && shape)
			e->nfields = shape->nfields;
		rc = exc_rows(l, mget(l, n, "values"), e);
		if (!fn && shape)
			e->nfields = save;
	}
	if (rc) {
		error(l, n, item,
		      rc == -ERANGE ? "exception '%s': a values row does not "
				      "have one entry per field"
				    : "exception '%s': bad 'values'",
		      nm);
		return -EINVAL;
	}
	return 0;
}

/* Parses the exceptions sequence and appends/merges into r. */
static int load_exceptions(struct ld *l, struct bw_rule *r, yaml_node_t *n,
			   bool replace)
{
	struct exc e;

	if (replace)
		excs_free(r);
	if (!n)
		return 0;
	if (n->type != YAML_SEQUENCE_NODE) {
		error(l, n, r->name, "'exceptions' must be a sequence%s", "");
		return -EINVAL;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++) {
		yaml_node_t *en = node(l, *it);
		struct exc *ne, *old = NULL;

		if (!en || en->type != YAML_MAPPING_NODE) {
			error(l, en, r->name, "exception must be a mapping%s", "");
			return -EINVAL;
		}
		{
			const char *nm = scalar(mget(l, en, "name"));

			for (size_t i = 0; nm && i < r->nexcs; i++)
				if (strcmp(r->excs[i].name, nm) == 0)
					old = &r->excs[i];
		}
		if (parse_exception(l, en, &e, r->name, old)) {
			exc_free(&e);
			return -EINVAL;
		}
		if (old && !e.nfields) {
			/* appending values to an existing exception */
			for (size_t k = 0; k < e.nrows; k++) {
				struct exc_row *nr = realloc(
					old->rows,
					(old->nrows + 1) * sizeof(*nr));
				if (!nr) {
					exc_free(&e);
					return -ENOMEM;
				}
				old->rows = nr;
				old->rows[old->nrows++] = e.rows[k];
			}
			e.nrows = 0;
			exc_free(&e);
			continue;
		}
		if (old) {
			exc_free(old);
			*old = e;
			continue;
		}
		ne = realloc(r->excs, (r->nexcs + 1) * sizeof(*ne));
		if (!ne) {
			exc_free(&e);
			return -ENOMEM;
		}
		r->excs = ne;
		r->excs[r->nexcs++] = e;
	}
	return 0;
}

/* ---- items ------------------------------------------------------------ */

void item_free(struct bw_rule *r)
{
	if (!r)
		return;
	free(r->name);
	free_frags(r);
	free_strs(r->items, r->nitems);
	free(r->output);
	free(r->desc);
	free_strs(r->tags, r->ntags);
	free(r->source);
	excs_free(r);
	ast_free(r->ast);
	cnode_free(r->tree);
	for (size_t i = 0; i < r->notoks; i++)
		free(r->otoks[i].lit);
	free(r->otoks);
	free(r->ofield_slots);
	free(r);
}

static size_t total_items(const struct bw_ruleset *rs)
{
	return rs->rules.n + rs->macros.n + rs->lists.n;
}

static const char *const rule_keys[] = {
	"rule", "condition", "output", "desc", "priority", "tags", "enabled",
	"exceptions", "override", "append", "source", "skip-if-unknown-filter",
	"warn_evttypes", "required_engine_version", NULL,
};
static const char *const macro_keys[] = { "macro", "condition", "override",
					  "append", "required_engine_version",
					  "source", "desc", NULL };
static const char *const list_keys[] = { "list", "items", "override",
					 "append", "required_engine_version",
					 "desc", NULL };

static void check_keys(struct ld *l, yaml_node_t *map,
		       const char *const *known, const char *item)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(l, p->key));
		bool ok = false;

		for (size_t i = 0; k && known[i]; i++)
			ok |= strcmp(k, known[i]) == 0;
		if (!ok)
			warn(l, node(l, p->key), item, "unknown key '%s' ignored",
			     k ? k : "?");
	}
}

/* Applies one rule property from node v; append merges, else replaces. */
static int rule_prop(struct ld *l, struct bw_rule *r, const char *key,
		     yaml_node_t *v, bool append)
{
	const char *s = scalar(v);
	bool b;

	if (!strcmp(key, "condition")) {
		if (!s) {
			error(l, v, r->name, "'condition' must be a string%s", "");
			return -EINVAL;
		}
		return add_condition(l, r, v, !append);
	}
	if (!strcmp(key, "exceptions"))
		return load_exceptions(l, r, v, !append);
	if (!strcmp(key, "tags") || !strcmp(key, "items")) {
		char **vv;
		size_t n;
		bool tags = key[0] == 't';

		if (str_list(l, v, false, &vv, &n)) {
			error(l, v, r->name, "'%s' must be a sequence of strings",
			      key);
			return -EINVAL;
		}
		if (!append) {
			if (tags) {
				free_strs(r->tags, r->ntags);
				r->tags = NULL;
				r->ntags = 0;
			} else {
				free_strs(r->items, r->nitems);
				r->items = NULL;
				r->nitems = 0;
			}
		}
		return tags ? append_strs(&r->tags, &r->ntags, vv, n)
			    : append_strs(&r->items, &r->nitems, vv, n);
	}
	if (!s) {
		error(l, v, r->name, "'%s' must be a scalar", key);
		return -EINVAL;
	}
	if (!strcmp(key, "output") || !strcmp(key, "desc")) {
		char **dst = key[0] == 'o' ? &r->output : &r->desc;
		size_t ol = append && *dst ? strlen(*dst) : 0;
		char *n = malloc(ol + strlen(s) + 2);

		if (!n)
			return -ENOMEM;
		snprintf(n, ol + strlen(s) + 2, "%s%s%s", ol ? *dst : "",
			 ol ? " " : "", s);
		free(*dst);
		*dst = n;
		return 0;
	}
	if (append) {
		error(l, v, r->name, "'%s' cannot be appended, only replaced",
		      key);
		return -EINVAL;
	}
	if (!strcmp(key, "priority")) {
		if (rules_priority_parse(s, &r->priority)) {
			error(l, v, r->name, "invalid priority '%s'", s);
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "source")) {
		free(r->source);
		r->source = rx_strndup(s, strlen(s));
		return r->source ? 0 : -ENOMEM;
	}
	if (!strcmp(key, "enabled") || !strcmp(key, "skip-if-unknown-filter") ||
	    !strcmp(key, "warn_evttypes")) {
		if (!parse_bool(s, &b)) {
			error(l, v, r->name, "'%s' must be true or false", key);
			return -EINVAL;
		}
		if (key[0] == 'e')
			r->enabled = b;
		else if (key[0] == 's')
			r->skip_unknown = b;
		else
			r->warn_evttypes = b;
		return 0;
	}
	return 0;
}

static struct rule_vec *vec_for(struct bw_ruleset *rs, int kind)
{
	return kind == IT_RULE ? &rs->rules
	       : kind == IT_MACRO ? &rs->macros : &rs->lists;
}

/* override: { key: append|replace } applied to an existing item. */
static int apply_override(struct ld *l, struct bw_rule *r, yaml_node_t *item,
			  yaml_node_t *ov)
{
	if (ov->type != YAML_MAPPING_NODE) {
		error(l, ov, r->name, "'override' must be a mapping%s", "");
		return -EINVAL;
	}
	for (yaml_node_pair_t *p = ov->data.mapping.pairs.start;
	     p < ov->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(l, p->key));
		const char *how = scalar(node(l, p->value));
		yaml_node_t *v;
		bool app;

		if (!k || !how ||
		    (strcmp(how, "append") && strcmp(how, "replace"))) {
			error(l, node(l, p->value), r->name,
			      "override of '%s' must be append or replace",
			      k ? k : "?");
			return -EINVAL;
		}
		app = how[0] == 'a';
		v = mget(l, item, k);
		if (!v) {
			error(l, node(l, p->key), r->name,
			      "override of '%s' but the key is not given", k);
			return -EINVAL;
		}
		if (app && strcmp(k, "condition") && strcmp(k, "output") &&
		    strcmp(k, "desc") && strcmp(k, "tags") &&
		    strcmp(k, "exceptions") && strcmp(k, "items")) {
			error(l, node(l, p->key), r->name,
			      "key '%s' can only be replaced", k);
			return -EINVAL;
		}
		if (rule_prop(l, r, k, v, app))
			return -EINVAL;
	}
	/* keys given without override: only 'enabled' is meaningful */
	for (yaml_node_pair_t *p = item->data.mapping.pairs.start;
	     p < item->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(l, p->key));

		if (k && !strcmp(k, "enabled") && !mget(l, ov, "enabled"))
			rule_prop(l, r, k, node(l, p->value), false);
	}
	return 0;
}

static int load_item(struct ld *l, yaml_node_t *item, int kind,
		     const char *kindname)
{
	struct bw_ruleset *rs = l->rs;
	struct rule_vec *vec = vec_for(rs, kind);
	const char *name = scalar(mget(l, item, kindname));
	yaml_node_t *ov = mget(l, item, "override");
	yaml_node_t *ap = mget(l, item, "append");
	struct bw_rule *r, *old;
	bool legacy_append = false, fresh;

	if (!name || !name[0]) {
		error(l, item, "", "%s without a name", kindname);
		return 0;
	}
	check_keys(l, item, kind == IT_RULE    ? rule_keys
			    : kind == IT_MACRO ? macro_keys : list_keys,
		   name);
	if (ap && !parse_bool(scalar(ap), &legacy_append)) {
		error(l, ap, name, "'append' must be true or false%s", "");
		return 0;
	}
	old = rule_vec_find(vec, name);
	if (ov || legacy_append) {
		if (!old) {
			error(l, item, name,
			      "%s has 'override'/'append' but no earlier "
			      "definition exists",
			      kindname);
			return 0;
		}
		if (ov)
			return apply_override(l, old, item, ov) ? 0 : 0;
		if (kind == IT_LIST)
			return rule_prop(l, old, "items",
					 mget(l, item, "items"), true) ? 0 : 0;
		if (mget(l, item, "condition"))
			rule_prop(l, old, "condition",
				  mget(l, item, "condition"), true);
		if (kind == IT_RULE && mget(l, item, "exceptions"))
			rule_prop(l, old, "exceptions",
				  mget(l, item, "exceptions"), true);
		return 0;
	}
	/* A rule with only 'enabled' toggles an existing rule. */
	if (kind == IT_RULE && old && !mget(l, item, "condition") &&
	    mget(l, item, "enabled")) {
		rule_prop(l, old, "enabled", mget(l, item, "enabled"), false);
		return 0;
	}
	if (kind != IT_LIST && !mget(l, item, "condition")) {
		error(l, item, name, "%s has no 'condition'", kindname);
		return 0;
	}
	if (kind == IT_LIST && !mget(l, item, "items")) {
		error(l, item, name, "list has no 'items'%s", "");
		return 0;
	}
	if (kind == IT_RULE && (!mget(l, item, "output") ||
				!mget(l, item, "priority") ||
				!mget(l, item, "desc"))) {
		error(l, item, name,
		      "rule needs 'desc', 'output' and 'priority'%s", "");
		return 0;
	}
	if (!old && total_items(rs) >= RULES_MAX_ITEMS) {
		error(l, item, name, "too many items (limit %s)", "100000");
		return 0;
	}
	r = rx_calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->kind = (uint8_t)kind;
	r->rs = rs;
	r->name = rx_strndup(name, strlen(name));
	r->file = l->file;
	r->line = mline(item);
	r->col = mcol(item);
	r->enabled = true;
	r->warn_evttypes = true;
	r->priority = BW_PRIO_DEBUG;
	r->has_def = true;
	for (yaml_node_pair_t *p = item->data.mapping.pairs.start;
	     p < item->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(l, p->key));

		if (!k || !strcmp(k, kindname) || !strcmp(k, "append") ||
		    !strcmp(k, "required_engine_version"))
			continue;
		if (kind != IT_RULE && strcmp(k, "condition") &&
		    strcmp(k, "items"))
			continue;
		if (rule_prop(l, r, k, node(l, p->value), false)) {
			item_free(r);
			return 0;
		}
	}
	if (!r->name) {
		item_free(r);
		return -ENOMEM;
	}
	fresh = !old;
	if (fresh)
		return rule_vec_push(vec, r);
	/* redefinition: replace in place, keeping the original position */
	for (size_t i = 0; i < vec->n; i++)
		if (vec->v[i] == old)
			vec->v[i] = r;
	item_free(old);
	return 0;
}

static void load_plugins(struct ld *l, yaml_node_t *n)
{
	struct bw_ruleset *rs = l->rs;

	if (!n || n->type != YAML_SEQUENCE_NODE) {
		warn(l, n, "", "required_plugin_versions must be a sequence%s",
		     "");
		return;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++) {
		yaml_node_t *e = node(l, *it);
		const char *nm = scalar(mget(l, e, "name"));
		const char *ver = scalar(mget(l, e, "version"));
		char buf[512], **np;

		if (!nm || rs->nplugins >= 1024)
			continue;
		snprintf(buf, sizeof(buf), "%s %s", nm, ver ? ver : "");
		np = realloc(rs->plugins, (rs->nplugins + 1) * sizeof(*np));
		if (!np)
			return;
		rs->plugins = np;
		np[rs->nplugins] = rx_strndup(buf, strlen(buf));
		if (np[rs->nplugins])
			rs->nplugins++;
	}
}

static int load_doc(struct ld *l, yaml_node_t *root)
{
	if (root->type != YAML_SEQUENCE_NODE)
		return bw_errorf(l->err, -EINVAL, l->name, mline(root),
				 mcol(root),
				 "a rules file must be a sequence of items");
	for (yaml_node_item_t *it = root->data.sequence.items.start;
	     it < root->data.sequence.items.top; it++) {
		yaml_node_t *item = node(l, *it);
		const char *s;
		int rc = 0;

		if (!item || item->type != YAML_MAPPING_NODE) {
			error(l, item, "", "item is not a mapping%s", "");
			continue;
		}
		if (mget(l, item, "rule"))
			rc = load_item(l, item, IT_RULE, "rule");
		else if (mget(l, item, "macro"))
			rc = load_item(l, item, IT_MACRO, "macro");
		else if (mget(l, item, "list"))
			rc = load_item(l, item, IT_LIST, "list");
		else if ((s = scalar(mget(l, item, "required_engine_version")))) {
			free(l->rs->engine_version);
			l->rs->engine_version = rx_strndup(s, strlen(s));
		} else if (mget(l, item, "required_plugin_versions"))
			load_plugins(l, mget(l, item, "required_plugin_versions"));
		else
			warn(l, item, "", "unknown top-level item ignored%s", "");
		if (rc == -ENOMEM)
			return bw_errorf(l->err, rc, l->name, 0, 0,
					 "out of memory");
	}
	return 0;
}

/* Pass 1: refuse aliases (and surface syntax errors) with positions. */
static int scan_aliases(struct ld *l, const char *buf, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = 0;

	if (!yaml_parser_initialize(&p))
		return bw_errorf(l->err, -ENOMEM, l->name, 0, 0, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = bw_errorf(l->err, -EINVAL, l->name,
				       (int)p.problem_mark.line + 1,
				       (int)p.problem_mark.column + 1,
				       "YAML syntax error: %s%s%s",
				       p.problem ? p.problem : "invalid YAML",
				       p.context ? " " : "",
				       p.context ? p.context : "");
			break;
		}
		if (ev.type == YAML_ALIAS_EVENT) {
			rc = bw_errorf(l->err, -EINVAL, l->name,
				       (int)ev.start_mark.line + 1,
				       (int)ev.start_mark.column + 1,
				       "YAML aliases are not supported in rules "
				       "files");
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

int rules_load_buffer(struct bw_ruleset *rs, const char *name,
		      const char *buf, size_t len, struct bw_rules_diag *diag,
		      struct bw_error *err)
{
	struct ld l = { .rs = rs, .name = name ? name : "<buffer>",
			.diag = diag, .err = err };
	struct loaded_file *nf;
	yaml_parser_t p;
	yaml_document_t doc;
	int rc = 0;

	if (!rs || (!buf && len))
		return bw_errorf(err, -EINVAL, l.name, 0, 0, "invalid argument");
	if (rs->compiled)
		return bw_errorf(err, -EBUSY, l.name, 0, 0,
				 "ruleset already compiled");
	if (len > RULES_MAX_FILE_SIZE)
		return bw_errorf(err, -EFBIG, l.name, 0, 0,
				 "rules file too large (%zu bytes, limit %u)",
				 len, RULES_MAX_FILE_SIZE);
	if (rs->nfiles >= 4096)
		return bw_errorf(err, -E2BIG, l.name, 0, 0, "too many files");
	rc = scan_aliases(&l, buf ? buf : "", len);
	if (rc)
		return rc;
	nf = realloc(rs->files, (rs->nfiles + 1) * sizeof(*nf));
	if (!nf)
		return bw_errorf(err, -ENOMEM, l.name, 0, 0, "out of memory");
	rs->files = nf;
	nf[rs->nfiles].name = rx_strndup(l.name, strlen(l.name));
	nf[rs->nfiles].buf = rx_strndup(buf ? buf : "", len);
	nf[rs->nfiles].len = len;
	if (!nf[rs->nfiles].name || !nf[rs->nfiles].buf) {
		free(nf[rs->nfiles].name);
		free(nf[rs->nfiles].buf);
		return bw_errorf(err, -ENOMEM, l.name, 0, 0, "out of memory");
	}
	l.file = (int)rs->nfiles++;
	l.name = rs->files[l.file].name;

	if (!yaml_parser_initialize(&p))
		return bw_errorf(err, -ENOMEM, l.name, 0, 0, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)rs->files[l.file].buf,
				     len);
	for (;;) {
		yaml_node_t *root;

		if (!yaml_parser_load(&p, &doc)) {
			rc = bw_errorf(err, -EINVAL, l.name,
				       (int)p.problem_mark.line + 1,
				       (int)p.problem_mark.column + 1,
				       "YAML error: %s",
				       p.problem ? p.problem : "invalid YAML");
			break;
		}
		root = yaml_document_get_root_node(&doc);
		if (!root) {
			yaml_document_delete(&doc);
			break;
		}
		l.doc = &doc;
		rc = load_doc(&l, root);
		yaml_document_delete(&doc);
		if (rc)
			break;
	}
	yaml_parser_delete(&p);
	return rc;
}
