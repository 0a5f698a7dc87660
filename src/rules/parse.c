/*
 * parse.c - lexer and recursive-descent parser of Falco's condition
 * language.  Produces a struct ast (see rules_int.h) whose nodes carry the
 * byte offset where they start, so errors can be mapped back to the rules
 * file.  The grammar (EBNF) follows Falco's:
 *
 *   Expr        ::= OrExpr
 *   OrExpr      ::= AndExpr ('or' AndExpr)*
 *   AndExpr     ::= NotExpr ('and' NotExpr)*
 *   NotExpr     ::= 'not' NotExpr | Check
 *   Check       ::= '(' Expr ')'
 *                 | LhsField 'exists'
 *                 | LhsField CmpOp Value
 *                 | LhsField ListOp ListValue
 *                 | Identifier                       (a macro)
 *   LhsField    ::= Transformer '(' LhsField ')' | Field
 *   Transformer ::= 'tolower' | 'toupper' | 'basename' | 'len' | 'b64'
 *   Field       ::= FieldName ('[' FieldArg ']')?
 *   CmpOp       ::= '=' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'contains'
 *                 | 'icontains' | 'bcontains' | 'startswith' | 'bstartswith'
 *                 | 'endswith' | 'glob' | 'iglob' | 'regex'
 *   ListOp      ::= 'in' | 'intersects' | 'pmatch'
 *   Value       ::= 'val(' LhsField ')' | LhsField-with-transformer
 *                 | QuotedStr | BareStr
 *   ListValue   ::= '(' (Value (',' Value)*)? ')' | Identifier (a list)
 *                 | 'val(' LhsField ')'
 *
 *   Identifier  ::= [a-zA-Z_][a-zA-Z0-9_]*
 *   FieldName   ::= Identifier ('.' [a-zA-Z0-9_]+)+
 *   FieldArg    ::= QuotedStr | [^\]"']+
 *   QuotedStr   ::= "..." | '...'   (backslash escapes the quote and '\')
 *   BareStr     ::= [^ \t\r\n\f\v\b(),="']+
 *
 * Keywords and word operators must be followed by a blank, '(' or the end.
 * Nesting (parentheses, 'not', transformers) is bounded by
 * RULES_MAX_EXPR_DEPTH; list values by RULES_MAX_LIST_ITEMS.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_int.h"

struct parser {
	const char *s;
	size_t len, pos;
	int depth;
	int err_off;
	char *msg;
	size_t msglen;
	bool failed;
};

static void perr(struct parser *p, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	p->err_off = (int)off;
	va_start(ap, fmt);
	vsnprintf(p->msg, p->msglen, fmt, ap);
	va_end(ap);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v' || c == '\b';
}

static bool is_ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static void skip_blank(struct parser *p)
{
	while (p->pos < p->len && is_blank(p->s[p->pos]))
		p->pos++;
}

static bool at_end(struct parser *p)
{
	return p->pos >= p->len;
}

/* Matches a keyword at the cursor followed by a blank, '(' or the end. */
static bool lex_word(struct parser *p, const char *w)
{
	size_t n = strlen(w);
	char c;

	if (p->len - p->pos < n || memcmp(p->s + p->pos, w, n) != 0)
		return false;
	if (p->pos + n < p->len) {
		c = p->s[p->pos + n];
		if (is_ident_char(c) || c == '.')
			return false;
	}
	p->pos += n;
	return true;
}

static bool lex_char(struct parser *p, char c)
{
	if (p->pos < p->len && p->s[p->pos] == c) {
		p->pos++;
		return true;
	}
	return false;
}

const char *rop_name(enum rop op)
{
	static const char *const names[] = {
		[OP_EQ] = "=", [OP_NE] = "!=", [OP_LT] = "<", [OP_LE] = "<=",
		[OP_GT] = ">", [OP_GE] = ">=", [OP_CONTAINS] = "contains",
		[OP_ICONTAINS] = "icontains", [OP_BCONTAINS] = "bcontains",
		[OP_STARTSWITH] = "startswith",
		[OP_BSTARTSWITH] = "bstartswith", [OP_ENDSWITH] = "endswith",
		[OP_GLOB] = "glob", [OP_IGLOB] = "iglob", [OP_REGEX] = "regex",
		[OP_IN] = "in", [OP_INTERSECTS] = "intersects",
		[OP_PMATCH] = "pmatch", [OP_EXISTS] = "exists",
	};
	if ((unsigned)op < sizeof(names) / sizeof(names[0]) && names[op])
		return names[op];
	return "?";
}

static const struct {
	const char *w;
	uint8_t op;
	bool word;
} op_table[] = {
	/* longest first where one is a prefix of another */
	{ "==", OP_EQ, false },      { "=", OP_EQ, false },
	{ "!=", OP_NE, false },      { "<=", OP_LE, false },
	{ "<", OP_LT, false },       { ">=", OP_GE, false },
	{ ">", OP_GT, false },       { "icontains", OP_ICONTAINS, true },
	{ "bcontains", OP_BCONTAINS, true }, { "contains", OP_CONTAINS, true },
	{ "bstartswith", OP_BSTARTSWITH, true },
	{ "startswith", OP_STARTSWITH, true },
	{ "endswith", OP_ENDSWITH, true }, { "iglob", OP_IGLOB, true },
	{ "glob", OP_GLOB, true },   { "regex", OP_REGEX, true },
	{ "intersects", OP_INTERSECTS, true }, { "in", OP_IN, true },
	{ "pmatch", OP_PMATCH, true }, { "exists", OP_EXISTS, true },
};

static int lex_op(struct parser *p)
{
	for (size_t i = 0; i < sizeof(op_table) / sizeof(op_table[0]); i++) {
		size_t n = strlen(op_table[i].w);

		if (op_table[i].word) {
			if (lex_word(p, op_table[i].w))
				return op_table[i].op;
			continue;
		}
		if (p->len - p->pos >= n &&
		    memcmp(p->s + p->pos, op_table[i].w, n) == 0) {
			p->pos += n;
			return op_table[i].op;
		}
	}
	return 0;
}

static const struct {
	const char *w;
	uint8_t xf;
} xf_table[] = {
	{ "tolower", XF_TOLOWER }, { "toupper", XF_TOUPPER },
	{ "basename", XF_BASENAME }, { "len", XF_LEN }, { "b64", XF_B64 },
};

/* Returns the transformer whose name is at the cursor followed by '(' and
 * consumes both, or 0. */
static int lex_xform(struct parser *p)
{
	for (size_t i = 0; i < sizeof(xf_table) / sizeof(xf_table[0]); i++) {
		size_t n = strlen(xf_table[i].w);

		if (p->len - p->pos > n &&
		    memcmp(p->s + p->pos, xf_table[i].w, n) == 0 &&
		    p->s[p->pos + n] == '(') {
			p->pos += n + 1;
			return xf_table[i].xf;
		}
	}
	return 0;
}

/* Lexes an identifier or dotted field name; returns its length (0 if none)
 * and whether it has a dot. */
static size_t lex_name(struct parser *p, bool *dotted)
{
	size_t st = p->pos, i = p->pos;

	*dotted = false;
	if (i >= p->len || !is_ident_start(p->s[i]))
		return 0;
	while (i < p->len && is_ident_char(p->s[i]))
		i++;
	while (i + 1 < p->len && p->s[i] == '.' && is_ident_char(p->s[i + 1])) {
		*dotted = true;
		i++;
		while (i < p->len && is_ident_char(p->s[i]))
			i++;
	}
	p->pos = i;
	return i - st;
}

/* Lexes a quoted string at the cursor into a new allocation. */
static char *lex_quoted(struct parser *p)
{
	char q = p->s[p->pos];
	size_t st = p->pos, i = p->pos + 1, o = 0;
	char *out;

	out = malloc(p->len - st + 1);
	if (!out) {
		perr(p, st, "out of memory");
		return NULL;
	}
	while (i < p->len && p->s[i] != q) {
		if (p->s[i] == '\\' && i + 1 < p->len &&
		    (p->s[i + 1] == q || p->s[i + 1] == '\\')) {
			out[o++] = p->s[i + 1];
			i += 2;
			continue;
		}
		out[o++] = p->s[i++];
	}
	if (i >= p->len) {
		free(out);
		perr(p, st, "unterminated quoted string");
		return NULL;
	}
	out[o] = 0;
	p->pos = i + 1;
	return out;
}

static bool is_bare_char(char c)
{
	return !is_blank(c) && c != '(' && c != ')' && c != ',' && c != '=' &&
	       c != '"' && c != '\'';
}

void ast_field_clear(struct ast_field *f)
{
	free(f->name);
	free(f->arg);
	memset(f, 0, sizeof(*f));
}

/* Field ::= FieldName ('[' FieldArg ']')? ; the name is already lexed. */
static int parse_field_arg(struct parser *p, struct ast_field *f)
{
	size_t st;

	if (!lex_char(p, '['))
		return 0;
	st = p->pos;
	if (p->pos < p->len && (p->s[p->pos] == '"' || p->s[p->pos] == '\'')) {
		f->arg = lex_quoted(p);
		if (!f->arg)
			return -EINVAL;
	} else {
		while (p->pos < p->len && p->s[p->pos] != ']' &&
		       p->s[p->pos] != '"' && p->s[p->pos] != '\'' &&
		       !is_blank(p->s[p->pos]))
			p->pos++;
		f->arg = rx_strndup(p->s + st, p->pos - st);
		if (!f->arg)
			return -ENOMEM;
	}
	if (!lex_char(p, ']')) {
		perr(p, p->pos, "expected ']' closing the argument of field '%s'",
		     f->name);
		return -EINVAL;
	}
	return 0;
}

/* LhsField ::= Transformer '(' LhsField ')' | Field */
static int parse_lhs_field(struct parser *p, struct ast_field *f)
{
	size_t st = p->pos;
	bool dotted;
	size_t n;
	int xf;

	if (++p->depth > RULES_MAX_EXPR_DEPTH) {
		perr(p, st, "expression nested too deeply (limit %d)",
		     RULES_MAX_EXPR_DEPTH);
		return -EINVAL;
	}
	xf = lex_xform(p);
	if (xf) {
		skip_blank(p);
		if (parse_lhs_field(p, f))
			return -EINVAL;
		skip_blank(p);
		if (!lex_char(p, ')')) {
			perr(p, p->pos, "expected ')' after transformer argument");
			return -EINVAL;
		}
		if (f->nxf >= AST_MAX_XFORMS) {
			perr(p, st, "too many nested transformers");
			return -EINVAL;
		}
		f->xf[f->nxf++] = (uint8_t)xf;
		f->off = (int)st;
		p->depth--;
		return 0;
	}
	n = lex_name(p, &dotted);
	if (!n || !dotted) {
		perr(p, st, "expected a field name");
		return -EINVAL;
	}
	f->name = rx_strndup(p->s + st, n);
	if (!f->name)
		return -ENOMEM;
	f->off = (int)st;
	if (parse_field_arg(p, f))
		return -EINVAL;
	p->depth--;
	return 0;
}

static int push_val(struct parser *p, struct ast *a, char *s, bool quoted,
		    size_t off)
{
	struct ast_val *nv;

	if (a->nvals >= RULES_MAX_LIST_ITEMS) {
		free(s);
		perr(p, off, "too many values (limit %d)", RULES_MAX_LIST_ITEMS);
		return -EINVAL;
	}
	nv = realloc(a->vals, (a->nvals + 1) * sizeof(*nv));
	if (!nv) {
		free(s);
		perr(p, off, "out of memory");
		return -ENOMEM;
	}
	a->vals = nv;
	a->vals[a->nvals].s = s;
	a->vals[a->nvals].quoted = quoted;
	a->vals[a->nvals].off = (int)off;
	a->nvals++;
	return 0;
}

/* Value ::= QuotedStr | BareStr */
static int parse_str_value(struct parser *p, struct ast *a)
{
	size_t st = p->pos;
	char *s;

	if (at_end(p)) {
		perr(p, st, "expected a value");
		return -EINVAL;
	}
	if (p->s[p->pos] == '"' || p->s[p->pos] == '\'') {
		s = lex_quoted(p);
		if (!s)
			return -EINVAL;
		return push_val(p, a, s, true, st);
	}
	while (p->pos < p->len && is_bare_char(p->s[p->pos]))
		p->pos++;
	if (p->pos == st) {
		perr(p, st, "expected a value");
		return -EINVAL;
	}
	s = rx_strndup(p->s + st, p->pos - st);
	if (!s) {
		perr(p, st, "out of memory");
		return -ENOMEM;
	}
	return push_val(p, a, s, false, st);
}

/* Right-hand field: 'val(' LhsField ')' or a transformer expression. */
static int try_rhs_field(struct parser *p, struct ast *a, bool *got)
{
	size_t save = p->pos;

	*got = false;
	if (p->len - p->pos > 4 && memcmp(p->s + p->pos, "val(", 4) == 0) {
		p->pos += 4;
		skip_blank(p);
		if (parse_lhs_field(p, &a->rhs_field))
			return -EINVAL;
		skip_blank(p);
		if (!lex_char(p, ')')) {
			perr(p, p->pos, "expected ')' closing val(");
			return -EINVAL;
		}
		*got = true;
		a->rhs_is_field = true;
		return 0;
	}
	if (lex_xform(p)) {
		p->pos = save;
		if (parse_lhs_field(p, &a->rhs_field))
			return -EINVAL;
		*got = true;
		a->rhs_is_field = true;
	}
	return 0;
}

static int parse_list_value(struct parser *p, struct ast *a)
{
	size_t st = p->pos;
	bool dotted, got;

	a->rhs_is_list = true;
	if (try_rhs_field(p, a, &got))
		return -EINVAL;
	if (got)
		return 0;
	if (lex_char(p, '(')) {
		skip_blank(p);
		if (lex_char(p, ')'))
			return 0;
		for (;;) {
			skip_blank(p);
			if (parse_str_value(p, a))
				return -EINVAL;
			skip_blank(p);
			if (lex_char(p, ','))
				continue;
			if (lex_char(p, ')'))
				return 0;
			perr(p, p->pos, "expected ',' or ')' in list");
			return -EINVAL;
		}
	}
	if (lex_name(p, &dotted) && !dotted) {
		char *s = rx_strndup(p->s + st, p->pos - st);

		if (!s)
			return -ENOMEM;
		return push_val(p, a, s, false, st);
	}
	p->pos = st;
	perr(p, st, "expected a list: '(' values ')' or a list name");
	return -EINVAL;
}

static struct ast *new_node(struct parser *p, uint8_t kind, size_t off)
{
	struct ast *a = calloc(1, sizeof(*a));

	if (!a) {
		perr(p, off, "out of memory");
		return NULL;
	}
	a->kind = kind;
	a->off = (int)off;
	return a;
}

static struct ast *parse_or(struct parser *p);

/* Check ::= '(' Expr ')' | LhsField Condition | Identifier */
static struct ast *parse_check(struct parser *p)
{
	size_t st;
	struct ast *a;
	bool dotted, got;
	size_t n;
	int op;

	skip_blank(p);
	st = p->pos;
	if (at_end(p)) {
		perr(p, st, "unexpected end of condition");
		return NULL;
	}
	if (lex_char(p, '(')) {
		a = parse_or(p);
		if (!a)
			return NULL;
		skip_blank(p);
		if (!lex_char(p, ')')) {
			ast_free(a);
			perr(p, p->pos, "expected ')'");
			return NULL;
		}
		return a;
	}
	a = new_node(p, AST_CHECK, st);
	if (!a)
		return NULL;
	if (!lex_xform(p)) {
		n = lex_name(p, &dotted);
		if (!n) {
			perr(p, st, "expected a field, a macro name or '('");
			goto fail;
		}
		if (!dotted) {
			a->kind = AST_IDENT;
			a->ident = rx_strndup(p->s + st, n);
			if (!a->ident)
				goto fail;
			return a;
		}
	}
	p->pos = st;
	if (parse_lhs_field(p, &a->lhs))
		goto fail;
	skip_blank(p);
	op = lex_op(p);
	if (!op) {
		perr(p, p->pos, "expected an operator after field '%s'",
		     a->lhs.name ? a->lhs.name : "");
		goto fail;
	}
	a->op = (uint8_t)op;
	if (op == OP_EXISTS)
		return a;
	skip_blank(p);
	if (op == OP_IN || op == OP_INTERSECTS || op == OP_PMATCH) {
		if (parse_list_value(p, a))
			goto fail;
		return a;
	}
	if (try_rhs_field(p, a, &got))
		goto fail;
	if (got)
		return a;
	if (parse_str_value(p, a))
		goto fail;
	return a;
fail:
	ast_free(a);
	return NULL;
}

/* NotExpr ::= 'not' NotExpr | Check */
static struct ast *parse_not(struct parser *p)
{
	size_t st;
	struct ast *a, *k;

	skip_blank(p);
	st = p->pos;
	if (++p->depth > RULES_MAX_EXPR_DEPTH) {
		perr(p, st, "expression nested too deeply (limit %d)",
		     RULES_MAX_EXPR_DEPTH);
		return NULL;
	}
	if (lex_word(p, "not")) {
		k = parse_not(p);
		if (!k)
			return NULL;
		a = new_node(p, AST_NOT, st);
		if (!a) {
			ast_free(k);
			return NULL;
		}
		a->kids = malloc(sizeof(*a->kids));
		if (!a->kids) {
			ast_free(a);
			ast_free(k);
			return NULL;
		}
		a->kids[0] = k;
		a->nkids = 1;
	} else {
		a = parse_check(p);
	}
	p->depth--;
	return a;
}

static int add_kid(struct parser *p, struct ast *a, struct ast *k)
{
	struct ast **nk = realloc(a->kids, (a->nkids + 1) * sizeof(*nk));

	if (!nk) {
		perr(p, p->pos, "out of memory");
		return -ENOMEM;
	}
	a->kids = nk;
	a->kids[a->nkids++] = k;
	return 0;
}

/* Binary level: kind AND (sub = parse_not) or OR (sub = parse_and). */
static struct ast *parse_bin(struct parser *p, uint8_t kind, const char *kw,
			     struct ast *(*sub)(struct parser *))
{
	struct ast *first, *a = NULL, *k;
	size_t st;

	skip_blank(p);
	st = p->pos;
	first = sub(p);
	if (!first)
		return NULL;
	for (;;) {
		skip_blank(p);
		if (!lex_word(p, kw))
			break;
		k = sub(p);
		if (!k)
			goto fail;
		if (!a) {
			a = new_node(p, kind, st);
			if (!a || add_kid(p, a, first)) {
				ast_free(k);
				goto fail;
			}
			first = NULL;
		}
		if (add_kid(p, a, k)) {
			ast_free(k);
			goto fail;
		}
	}
	return a ? a : first;
fail:
	ast_free(first);
	ast_free(a);
	return NULL;
}

static struct ast *parse_and(struct parser *p)
{
	return parse_bin(p, AST_AND, "and", parse_not);
}

static struct ast *parse_or(struct parser *p)
{
	struct ast *a;

	if (++p->depth > RULES_MAX_EXPR_DEPTH) {
		perr(p, p->pos, "expression nested too deeply (limit %d)",
		     RULES_MAX_EXPR_DEPTH);
		return NULL;
	}
	a = parse_bin(p, AST_OR, "or", parse_and);
	p->depth--;
	return a;
}

int ast_parse(const char *text, size_t len, struct ast **ret, int *err_off,
	      char *msg, size_t msglen)
{
	struct parser p = { .s = text, .len = len, .msg = msg,
			    .msglen = msglen };
	struct ast *a;

	if (msglen)
		msg[0] = 0;
	*err_off = 0;
	if (len > RULES_MAX_CONDITION_LEN) {
		snprintf(msg, msglen, "condition too long (limit %u bytes)",
			 RULES_MAX_CONDITION_LEN);
		return -EINVAL;
	}
	a = parse_or(&p);
	if (a) {
		skip_blank(&p);
		if (!at_end(&p)) {
			perr(&p, p.pos, "unexpected '%.20s' after expression",
			     p.s + p.pos);
			ast_free(a);
			a = NULL;
		}
	}
	if (!a) {
		if (!p.failed)
			perr(&p, p.pos, "invalid condition");
		*err_off = p.err_off;
		return -EINVAL;
	}
	*ret = a;
	return 0;
}

int ast_parse_field(const char *text, struct ast_field *ret)
{
	char msg[128];
	struct parser p = { .s = text, .len = strlen(text), .msg = msg,
			    .msglen = sizeof(msg) };

	memset(ret, 0, sizeof(*ret));
	skip_blank(&p);
	if (parse_lhs_field(&p, ret)) {
		ast_field_clear(ret);
		return -EINVAL;
	}
	skip_blank(&p);
	if (!at_end(&p)) {
		ast_field_clear(ret);
		return -EINVAL;
	}
	return 0;
}

void ast_free(struct ast *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nkids; i++)
		ast_free(a->kids[i]);
	free(a->kids);
	for (size_t i = 0; i < a->nvals; i++)
		free(a->vals[i].s);
	free(a->vals);
	free(a->ident);
	ast_field_clear(&a->lhs);
	ast_field_clear(&a->rhs_field);
	free(a);
}
