/*
 * compile_exc.c - two passes of the compiler kept apart from compile.c:
 * exceptions (each rule's `exceptions:` turned into an AST
 * `not ((f1 c1 v1 and f2 c2 v2) or ...)` appended to its condition, as
 * Falco does) and the event-type analysis of a compiled condition (which
 * event types a rule can match, derived through and/or/not).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_int.h"

/* ---- exceptions ---------------------------------------------------------- */

static const struct {
	const char *s;
	uint8_t op;
} comp_ops[] = {
	{ "=", OP_EQ }, { "==", OP_EQ }, { "!=", OP_NE }, { "<", OP_LT },
	{ "<=", OP_LE }, { ">", OP_GT }, { ">=", OP_GE },
	{ "contains", OP_CONTAINS }, { "icontains", OP_ICONTAINS },
	{ "bcontains", OP_BCONTAINS }, { "startswith", OP_STARTSWITH },
	{ "bstartswith", OP_BSTARTSWITH }, { "endswith", OP_ENDSWITH },
	{ "glob", OP_GLOB }, { "iglob", OP_IGLOB }, { "regex", OP_REGEX },
	{ "in", OP_IN }, { "intersects", OP_INTERSECTS }, { "pmatch", OP_PMATCH },
};

static int comp_op(const char *s)
{
	for (size_t i = 0; i < sizeof(comp_ops) / sizeof(comp_ops[0]); i++)
		if (!strcmp(s, comp_ops[i].s))
			return comp_ops[i].op;
	return 0;
}

struct ast *ast_node(uint8_t kind)
{
	struct ast *a = calloc(1, sizeof(*a));

	if (a) {
		a->kind = kind;
		a->off = -1;
		a->lhs.off = -1;
	}
	return a;
}

int ast_push(struct ast *p, struct ast *k)
{
	struct ast **nk = realloc(p->kids, (p->nkids + 1) * sizeof(*nk));

	if (!nk)
		return -ENOMEM;
	p->kids = nk;
	p->kids[p->nkids++] = k;
	return 0;
}

/* One "field comp value" check of an exception row. */
static struct ast *exc_check(const char *field, const char *comp,
			     const struct exc_cell *cell, char *msg,
			     size_t msglen)
{
	struct ast *a = ast_node(AST_CHECK);
	int op = comp_op(comp);
	bool list_op = op == OP_IN || op == OP_INTERSECTS || op == OP_PMATCH;

	if (!a)
		return NULL;
	if (!op) {
		snprintf(msg, msglen, "unknown comparison operator '%s'", comp);
		goto fail;
	}
	a->op = (uint8_t)op;
	if (ast_parse_field(field, &a->lhs)) {
		snprintf(msg, msglen, "invalid field '%s'", field);
		goto fail;
	}
	a->lhs.off = -1;
	if (!list_op && (cell->is_list || cell->n != 1)) {
		snprintf(msg, msglen, "operator '%s' needs a single value", comp);
		goto fail;
	}
	a->rhs_is_list = list_op;
	a->vals = calloc(cell->n ? cell->n : 1, sizeof(*a->vals));
	if (!a->vals)
		goto fail;
	for (size_t i = 0; i < cell->n; i++) {
		a->vals[i].s = rx_strndup(cell->items[i], strlen(cell->items[i]));
		/* a scalar value of a list operator may name a list; items
		 * of a YAML sequence are literal unless they name a list */
		a->vals[i].quoted = false;
		a->vals[i].off = -1;
		if (!a->vals[i].s)
			goto fail;
		a->nvals++;
	}
	return a;
fail:
	ast_free(a);
	return NULL;
}

/* Builds "not ((row1) or (row2) ...)" over all exceptions, or NULL with
 * *empty when there is nothing to add. */
struct ast *exc_ast(struct bw_rule *r, char *msg, size_t msglen,
			   bool *empty)
{
	struct ast *any = ast_node(AST_OR), *not;

	*empty = true;
	if (!any)
		return NULL;
	for (size_t e = 0; e < r->nexcs; e++) {
		struct exc *x = &r->excs[e];

		for (size_t i = 0; i < x->nrows; i++) {
			struct exc_row *row = &x->rows[i];
			struct ast *all = ast_node(AST_AND);

			if (!all || ast_push(any, all)) {
				ast_free(all);
				goto fail;
			}
			if (!x->fields_is_list) {
				struct ast *k;

				if (!x->nfields || !x->comps || !x->comps[0]) {
					snprintf(msg, msglen, "exception '%s' "
						 "has no fields", x->name);
					goto fail;
				}
				k = exc_check(x->fields[0], x->comps[0],
					      &row->cells[0], msg, msglen);
				if (!k || ast_push(all, k)) {
					ast_free(k);
					goto fail;
				}
				continue;
			}
			for (size_t f = 0; f < x->nfields && f < row->n; f++) {
				struct ast *k = exc_check(x->fields[f],
							  x->comps[f],
							  &row->cells[f], msg,
							  msglen);

				if (!k || ast_push(all, k)) {
					ast_free(k);
					if (!msg[0])
						snprintf(msg, msglen,
							 "out of memory");
					goto fail;
				}
			}
		}
	}
	if (!any->nkids) {
		ast_free(any);
		return NULL;
	}
	*empty = false;
	not = ast_node(AST_NOT);
	if (!not || ast_push(not, any)) {
		free(not);
		goto fail;
	}
	return not;
fail:
	*empty = false;
	if (!msg[0])
		snprintf(msg, msglen, "out of memory");
	ast_free(any);
	return NULL;
}

/* ---- event types ---------------------------------------------------------- */

void evtset_all(struct evtset *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned t = 1; t < BW_EVT__COUNT; t++)
		evtset_add(s, t);
}

bool evtset_is_all(const struct evtset *s)
{
	for (unsigned t = 1; t < BW_EVT__COUNT; t++)
		if (!evtset_has(s, t))
			return false;
	return true;
}

bool evtset_is_empty(const struct evtset *s)
{
	for (size_t i = 0; i < EVTSET_WORDS; i++)
		if (s->w[i])
			return false;
	return true;
}


static void types_combine(const struct cnode *n, bool certain, bool is_and,
			  struct evtset *out)
{
	struct evtset k;

	if (is_and)
		evtset_all(out);
	else
		memset(out, 0, sizeof(*out));
	for (uint32_t i = 0; i < n->nkids; i++) {
		types_of(n->kids[i], certain, &k);
		for (size_t w = 0; w < EVTSET_WORDS; w++)
			out->w[w] = is_and ? out->w[w] & k.w[w]
					   : out->w[w] | k.w[w];
	}
}

/* certain=false: types for which n may be true; certain=true: types for
 * which n is true whatever the rest of the event. */
void types_of(const struct cnode *n, bool certain, struct evtset *out)
{
	struct evtset k, all;

	switch (n->kind) {
	case CN_EVTTYPE:
		*out = n->types;
		return;
	case CN_TRUE:
		evtset_all(out);
		return;
	case CN_FALSE:
		memset(out, 0, sizeof(*out));
		return;
	case CN_CHECK:
		if (certain)
			memset(out, 0, sizeof(*out));
		else
			evtset_all(out);
		return;
	case CN_AND: case CN_OR:
		types_combine(n, certain, n->kind == CN_AND, out);
		return;
	case CN_NOT:
		types_of(n->kids[0], !certain, &k);
		evtset_all(&all);
		for (size_t w = 0; w < EVTSET_WORDS; w++)
			out->w[w] = all.w[w] & ~k.w[w];
		return;
	}
	evtset_all(out);
}

