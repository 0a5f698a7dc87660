/*
 * compile.c - turns loaded items into evaluable rules: parses conditions
 * (concatenating appended fragments as Falco does), expands macros (with
 * cycle detection and the RULES_MAX_EXPR_DEPTH bound) and lists, compiles
 * each check into a typed struct cnode (constants parsed once, `in` lists
 * as hash sets, regexes compiled once), adds exceptions as
 * `and not (...)`, folds constants (evt.dir), computes each rule's event
 * types and builds the per-event-type index used by rules_eval().
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_int.h"

#define SLOTS_MAX 65536
#define LIST_NEST_MAX 32

struct cc {
	struct bw_ruleset *rs;
	struct bw_rules_diag *diag;
	struct bw_rule *rule;        /* rule being compiled */
	struct bw_rule *cur;         /* item whose text the AST comes from */
	int depth;
	bool failed;
	bool unknown_field;
	int file;
	int line, col;
	char msg[512];
};

/* Position of offset off in item it's concatenated condition text. */
static void item_pos(const struct bw_ruleset *rs, const struct bw_rule *it,
		     int off, int *line, int *col)
{
	size_t start = 0;

	*line = it->line;
	*col = it->col;
	if (off < 0 || !it->nfrags)
		return;
	for (size_t i = 0; i < it->nfrags; i++) {
		size_t end = start + it->frags[i].len;

		if ((size_t)off <= end || i + 1 == it->nfrags) {
			frag_position(rs, &it->frags[i], (size_t)off - start,
				      line, col);
			return;
		}
		start = end + 1;
	}
}

static void cc_err(struct cc *c, int off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cc_err(struct cc *c, int off, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return;
	c->failed = true;
	c->file = c->cur->file;
	item_pos(c->rs, c->cur, off, &c->line, &c->col);
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
}

/* Concatenated condition of an item (fragments joined by a space). */
static char *item_text(const struct bw_rule *it, size_t *ret_len)
{
	size_t tot = 1, o = 0;
	char *t;

	for (size_t i = 0; i < it->nfrags; i++)
		tot += it->frags[i].len + 1;
	t = malloc(tot);
	if (!t)
		return NULL;
	for (size_t i = 0; i < it->nfrags; i++) {
		if (i)
			t[o++] = ' ';
		memcpy(t + o, it->frags[i].text, it->frags[i].len);
		o += it->frags[i].len;
	}
	t[o] = 0;
	*ret_len = o;
	return t;
}

/* Parses an item's condition; on error fills c (position in the file). */
static struct ast *parse_item(struct cc *c, struct bw_rule *it)
{
	char msg[400];
	size_t len;
	char *t = item_text(it, &len);
	struct ast *a = NULL;
	int off;

	if (!t) {
		cc_err(c, -1, "out of memory");
		return NULL;
	}
	if (ast_parse(t, len, &a, &off, msg, sizeof(msg))) {
		struct bw_rule *save = c->cur;

		c->cur = it;
		cc_err(c, off, "syntax error in condition: %s", msg);
		c->cur = save;
		a = NULL;
	}
	free(t);
	return a;
}

/* ---- slots -------------------------------------------------------------- */

int slot_get(struct bw_ruleset *rs, const struct ast_field *f, uint32_t *ret,
	     char *msg, size_t msglen)
{
	char key[1024];
	struct fref ref;
	int rc;

	snprintf(key, sizeof(key), "%s%s%s%s", f->name, f->arg ? "[" : "",
		 f->arg ? f->arg : "", f->arg ? "]" : "");
	for (size_t i = 0; i < rs->nslots; i++)
		if (strcmp(rs->slots[i].key, key) == 0) {
			*ret = (uint32_t)i;
			return 0;
		}
	rc = field_resolve(f->name, f->arg, &ref, msg, msglen);
	if (rc)
		return rc;
	if (rs->nslots >= SLOTS_MAX) {
		fref_clear(&ref);
		snprintf(msg, msglen, "too many distinct fields");
		return -E2BIG;
	}
	if (rs->nslots == rs->capslots) {
		size_t nc = rs->capslots ? rs->capslots * 2 : 64;
		struct slot *ns = realloc(rs->slots, nc * sizeof(*ns));

		if (!ns) {
			fref_clear(&ref);
			return -ENOMEM;
		}
		rs->slots = ns;
		rs->capslots = nc;
	}
	rs->slots[rs->nslots].ref = ref;
	rs->slots[rs->nslots].key = rx_strndup(key, strlen(key));
	if (!rs->slots[rs->nslots].key) {
		fref_clear(&ref);
		return -ENOMEM;
	}
	*ret = (uint32_t)rs->nslots++;
	return 0;
}

static int cc_vexpr(struct cc *c, const struct ast_field *f, int off,
		    struct vexpr *v)
{
	char msg[256];
	int rc;

	memset(v, 0, sizeof(*v));
	rc = slot_get(c->rs, f, &v->slot, msg, sizeof(msg));
	if (rc) {
		if (rc == -ENOENT)
			c->unknown_field = true;
		cc_err(c, off, "%s", msg);
		return rc;
	}
	memcpy(v->xf, f->xf, sizeof(v->xf));
	v->nxf = f->nxf;
	v->type = (uint8_t)c->rs->slots[v->slot].ref.def->info.type;
	if (v->nxf)
		v->type = v->xf[v->nxf - 1] == XF_LEN ? BW_FT_INT64
						      : BW_FT_STRING;
	return 0;
}

/* ---- constants ---------------------------------------------------------- */

static bool parse_i64(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	if (!*s)
		return false;
	errno = 0;
	v = strtoll(s, &end, (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16
									     : 10);
	if (errno || *end)
		return false;
	*ret = v;
	return true;
}

static bool parse_ipnet(struct cconst *k)
{
	char buf[128];
	const char *slash = strchr(k->s, '/');
	size_t n = slash ? (size_t)(slash - k->s) : k->len;
	int bits;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, k->s, n);
	buf[n] = 0;
	memset(k->ip, 0, 16);
	if (inet_pton(AF_INET, buf, k->ip) == 1) {
		k->fam = AF_INET;
		bits = 32;
	} else if (inet_pton(AF_INET6, buf, k->ip) == 1) {
		k->fam = AF_INET6;
		bits = 128;
	} else {
		return false;
	}
	k->is_ip = true;
	k->prefix = (uint8_t)bits;
	if (slash) {
		int64_t p;

		if (!parse_i64(slash + 1, &p) || p < 0 || p > bits)
			return false;
		k->prefix = (uint8_t)p;
		k->is_net = true;
	}
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool hex_decode(struct cconst *k)
{
	size_t n = k->len / 2;

	if (k->len % 2)
		return false;
	for (size_t i = 0; i < n; i++) {
		int h = hexval(k->s[2 * i]), l = hexval(k->s[2 * i + 1]);

		if (h < 0 || l < 0)
			return false;
		k->s[i] = (char)(h * 16 + l);
	}
	k->s[n] = 0;
	k->len = (uint32_t)n;
	return true;
}

static bool type_is_num(uint8_t t)
{
	return t == BW_FT_INT64 || t == BW_FT_UINT64 || t == BW_FT_BOOL ||
	       t == BW_FT_PORT || t == BW_FT_RELTIME || t == BW_FT_ABSTIME ||
	       t == BW_FT_MODE;
}

static bool op_is_strop(uint8_t op)
{
	return op == OP_CONTAINS || op == OP_ICONTAINS || op == OP_BCONTAINS ||
	       op == OP_STARTSWITH || op == OP_BSTARTSWITH ||
	       op == OP_ENDSWITH || op == OP_GLOB || op == OP_IGLOB ||
	       op == OP_REGEX || op == OP_PMATCH;
}

/* Expanded values: list names replaced by their items, recursively. */
struct vals {
	char **s;
	size_t n, cap;
};

static int vals_push(struct vals *v, const char *s)
{
	if (v->n >= RULES_MAX_LIST_ITEMS)
		return -E2BIG;
	if (v->n == v->cap) {
		size_t nc = v->cap ? v->cap * 2 : 16;
		char **ns = realloc(v->s, nc * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		v->s = ns;
		v->cap = nc;
	}
	v->s[v->n] = rx_strndup(s, strlen(s));
	if (!v->s[v->n])
		return -ENOMEM;
	v->n++;
	return 0;
}

static void vals_free(struct vals *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->s[i]);
	free(v->s);
}

static int expand_item(struct bw_ruleset *rs, const char *s, struct vals *v,
		       int depth)
{
	struct bw_rule *l = depth < LIST_NEST_MAX
				    ? rule_vec_find(&rs->lists, s) : NULL;
	int rc;

	if (!l) {
		size_t n = strlen(s);

		/* items written '"a b"' keep their quotes in YAML; Falco
		 * pastes them into the condition, where they quote */
		if (depth && n >= 2 && (s[0] == '"' || s[0] == '\'') &&
		    s[n - 1] == s[0]) {
			char *u = rx_strndup(s + 1, n - 2);
			int prc;

			if (!u)
				return -ENOMEM;
			prc = vals_push(v, u);
			free(u);
			return prc;
		}
		return vals_push(v, s);
	}
	for (size_t i = 0; i < l->nitems; i++) {
		rc = expand_item(rs, l->items[i], v, depth + 1);
		if (rc)
			return rc;
	}
	return 0;
}

static int expand_vals(struct cc *c, const struct ast *a, struct vals *v)
{
	int rc;

	for (size_t i = 0; i < a->nvals; i++) {
		if (a->vals[i].quoted || !a->rhs_is_list)
			rc = vals_push(v, a->vals[i].s);
		else
			rc = expand_item(c->rs, a->vals[i].s, v, 0);
		if (rc) {
			cc_err(c, a->off, rc == -E2BIG ? "list too long"
						       : "out of memory");
			return rc;
		}
	}
	return 0;
}

/* ---- hash set ----------------------------------------------------------- */

static uint32_t hash_str(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

static int strset_build(struct strset *set, struct cconst *k, uint32_t n)
{
	uint32_t cap = 8;

	while (cap < n * 2)
		cap *= 2;
	set->slots = calloc(cap, sizeof(*set->slots));
	if (!set->slots)
		return -ENOMEM;
	set->mask = cap - 1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t h = hash_str(k[i].s, k[i].len) & set->mask;

		while (set->slots[h]) {
			if (set->slots[h]->len == k[i].len &&
			    !memcmp(set->slots[h]->s, k[i].s, k[i].len))
				break;
			h = (h + 1) & set->mask;
		}
		set->slots[h] = &k[i];
	}
	return 0;
}

bool strset_has(const struct strset *set, const char *s, uint32_t len)
{
	uint32_t h;

	if (!set->slots)
		return false;
	h = hash_str(s, len) & set->mask;
	while (set->slots[h]) {
		if (set->slots[h]->len == len && !memcmp(set->slots[h]->s, s, len))
			return true;
		h = (h + 1) & set->mask;
	}
	return false;
}

/* ---- nodes -------------------------------------------------------------- */

static struct cnode *cn_new(struct cc *c, uint8_t kind)
{
	struct cnode *n = calloc(1, sizeof(*n));

	if (!n)
		cc_err(c, -1, "out of memory");
	else
		n->kind = kind;
	return n;
}

void cnode_free(struct cnode *n)
{
	if (!n)
		return;
	for (uint32_t i = 0; i < n->nkids; i++)
		cnode_free(n->kids[i]);
	free(n->kids);
	for (uint32_t i = 0; i < n->nvals; i++)
		free(n->vals[i].s);
	free(n->vals);
	free(n->set.slots);
	if (n->re)
		pcre2_code_free(n->re);
	free(n);
}

static struct cnode *cn_not(struct cc *c, struct cnode *k)
{
	struct cnode *n;

	if (!k)
		return NULL;
	if (k->kind == CN_TRUE || k->kind == CN_FALSE) {
		k->kind = k->kind == CN_TRUE ? CN_FALSE : CN_TRUE;
		return k;
	}
	n = cn_new(c, CN_NOT);
	if (!n) {
		cnode_free(k);
		return NULL;
	}
	n->kids = malloc(sizeof(*n->kids));
	if (!n->kids) {
		cnode_free(k);
		free(n);
		return NULL;
	}
	n->kids[0] = k;
	n->nkids = 1;
	return n;
}

static struct cnode *cc_ast(struct cc *c, const struct ast *a);

static struct cnode *cc_evttype(struct cc *c, const struct ast *a)
{
	struct vals v = { 0 };
	struct cnode *n;

	if (expand_vals(c, a, &v)) {
		vals_free(&v);
		return NULL;
	}
	n = cn_new(c, CN_EVTTYPE);
	if (n)
		for (size_t i = 0; i < v.n; i++) {
			uint16_t t = bw_evt_type_by_name(v.s[i], strlen(v.s[i]));

			if (t != BW_EVT_UNKNOWN && t < BW_EVT__COUNT)
				evtset_add(&n->types, t);
		}
	vals_free(&v);
	return a->op == OP_NE ? cn_not(c, n) : n;
}

static int prep_consts(struct cc *c, const struct ast *a, struct cnode *n,
		       struct vals *v)
{
	uint8_t t = n->lhs.type;
	const char *fname = a->lhs.name ? a->lhs.name : "field";

	n->vals = calloc(v->n ? v->n : 1, sizeof(*n->vals));
	if (!n->vals)
		return -ENOMEM;
	for (size_t i = 0; i < v->n; i++) {
		struct cconst *k = &n->vals[i];

		k->s = v->s[i];
		v->s[i] = NULL;
		k->len = (uint32_t)strlen(k->s);
		n->nvals++;
		k->has_num = parse_i64(k->s, &k->num);
		if (t == BW_FT_BOOL && !k->has_num) {
			if (!strcmp(k->s, "true") || !strcmp(k->s, "false")) {
				k->has_num = true;
				k->num = k->s[0] == 't';
			}
		}
		if (type_is_num(t) && !op_is_strop(n->op) && !k->has_num) {
			cc_err(c, a->off, "'%s' is not a valid number for %s",
			       k->s, fname);
			return -EINVAL;
		}
		if ((t == BW_FT_IPADDR || t == BW_FT_IPNET) &&
		    !op_is_strop(n->op) && !parse_ipnet(k)) {
			cc_err(c, a->off, "'%s' is not a valid IP address or "
			       "network for %s", k->s, fname);
			return -EINVAL;
		}
		if (n->op == OP_ICONTAINS)
			for (uint32_t j = 0; j < k->len; j++)
				k->s[j] = (char)tolower((unsigned char)k->s[j]);
		if ((n->op == OP_BCONTAINS || n->op == OP_BSTARTSWITH) &&
		    !hex_decode(k)) {
			cc_err(c, a->off, "'%s' is not a hex byte string", k->s);
			return -EINVAL;
		}
	}
	if (n->op == OP_REGEX && n->nvals) {
		int ec;
		PCRE2_SIZE eo;

		n->re = pcre2_compile((PCRE2_SPTR)n->vals[0].s,
				      n->vals[0].len, 0, &ec, &eo, NULL);
		if (!n->re) {
			PCRE2_UCHAR buf[256];

			pcre2_get_error_message(ec, buf, sizeof(buf));
			cc_err(c, a->off, "invalid regex '%s': %s",
			       n->vals[0].s, (char *)buf);
			return -EINVAL;
		}
	}
	if ((n->op == OP_IN || n->op == OP_INTERSECTS) &&
	    !type_is_num(t) && t != BW_FT_IPADDR && t != BW_FT_IPNET)
		return strset_build(&n->set, n->vals, n->nvals);
	return 0;
}

static struct cnode *cc_check(struct cc *c, const struct ast *a)
{
	struct cnode *n;
	struct vals v = { 0 };
	const struct field_def *d;

	n = cn_new(c, CN_CHECK);
	if (!n)
		return NULL;
	n->op = a->op;
	if (cc_vexpr(c, &a->lhs, a->lhs.off >= 0 ? a->lhs.off : a->off,
		     &n->lhs))
		goto fail;
	d = c->rs->slots[n->lhs.slot].ref.def;
	if (!a->lhs.nxf && !a->rhs_is_field && !strcmp(d->info.name, "evt.type") &&
	    (a->op == OP_EQ || a->op == OP_NE || a->op == OP_IN)) {
		cnode_free(n);
		return cc_evttype(c, a);
	}
	if (!a->lhs.nxf && !a->rhs_is_field && !strcmp(d->info.name, "evt.dir") &&
	    (a->op == OP_EQ || a->op == OP_NE) && a->nvals == 1) {
		bool eq = !strcmp(a->vals[0].s, "<");

		n->kind = (eq == (a->op == OP_EQ)) ? CN_TRUE : CN_FALSE;
		return n;
	}
	if (a->op == OP_EXISTS)
		return n;
	if (a->rhs_is_field) {
		n->rhs_field = true;
		if (cc_vexpr(c, &a->rhs_field, a->rhs_field.off, &n->rhs))
			goto fail;
		return n;
	}
	if (expand_vals(c, a, &v))
		goto fail;
	if (prep_consts(c, a, n, &v)) {
		if (!c->failed)
			cc_err(c, a->off, "out of memory");
		goto fail;
	}
	vals_free(&v);
	return n;
fail:
	vals_free(&v);
	cnode_free(n);
	return NULL;
}

static struct cnode *cc_macro(struct cc *c, const struct ast *a)
{
	struct bw_rule *m = rule_vec_find(&c->rs->macros, a->ident);
	struct bw_rule *save = c->cur;
	struct cnode *n;

	if (!m) {
		cc_err(c, a->off, "undefined macro '%s'", a->ident);
		return NULL;
	}
	if (m->visiting) {
		cc_err(c, a->off, "macro '%s' references itself (cycle)",
		       a->ident);
		return NULL;
	}
	if (!m->ast) {
		cc_err(c, a->off, "macro '%s' has errors", a->ident);
		return NULL;
	}
	m->visiting = true;
	c->cur = m;
	n = cc_ast(c, m->ast);
	c->cur = save;
	m->visiting = false;
	return n;
}

static struct cnode *cc_bin(struct cc *c, const struct ast *a)
{
	bool is_and = a->kind == AST_AND;
	struct cnode *n = cn_new(c, is_and ? CN_AND : CN_OR);

	if (!n)
		return NULL;
	n->kids = calloc(a->nkids, sizeof(*n->kids));
	if (!n->kids) {
		free(n);
		return NULL;
	}
	for (size_t i = 0; i < a->nkids; i++) {
		struct cnode *k = cc_ast(c, a->kids[i]);

		if (!k) {
			cnode_free(n);
			return NULL;
		}
		/* fold: neutral elements vanish, absorbing ones win */
		if (k->kind == (is_and ? CN_TRUE : CN_FALSE)) {
			cnode_free(k);
			continue;
		}
		if (k->kind == (is_and ? CN_FALSE : CN_TRUE)) {
			for (uint32_t j = 0; j < n->nkids; j++)
				cnode_free(n->kids[j]);
			n->nkids = 0;
			free(n->kids);
			n->kids = NULL;
			cnode_free(k);
			n->kind = is_and ? CN_FALSE : CN_TRUE;
			/* keep checking the rest for errors */
			for (size_t r = i + 1; r < a->nkids; r++) {
				struct cnode *x = cc_ast(c, a->kids[r]);

				if (!x) {
					cnode_free(n);
					return NULL;
				}
				cnode_free(x);
			}
			return n;
		}
		n->kids[n->nkids++] = k;
	}
	if (n->nkids == 0) {
		n->kind = is_and ? CN_TRUE : CN_FALSE;
	} else if (n->nkids == 1) {
		struct cnode *k = n->kids[0];

		free(n->kids);
		free(n);
		return k;
	}
	return n;
}

static struct cnode *cc_ast(struct cc *c, const struct ast *a)
{
	struct cnode *n = NULL;

	if (++c->depth > RULES_MAX_EXPR_DEPTH) {
		cc_err(c, a->off, "expression nested too deeply after macro "
		       "expansion (limit %d)", RULES_MAX_EXPR_DEPTH);
		c->depth--;
		return NULL;
	}
	switch (a->kind) {
	case AST_AND: case AST_OR:
		n = cc_bin(c, a);
		break;
	case AST_NOT:
		n = cn_not(c, cc_ast(c, a->kids[0]));
		break;
	case AST_IDENT:
		n = cc_macro(c, a);
		break;
	case AST_CHECK:
		n = cc_check(c, a);
		break;
	case AST_TRUE:
		n = cn_new(c, CN_TRUE);
		break;
	}
	c->depth--;
	return n;
}

/* ---- rules ------------------------------------------------------------------ */

static void rule_diag(struct cc *c, struct bw_rule *r, bool is_error)
{
	diag_add(c->diag, is_error,
		 c->rs->nfiles ? c->rs->files[c->file].name : "",
		 c->line, c->col, r->name, "%s", c->msg);
}

static int compile_rule(struct cc *c, struct bw_rule *r)
{
	struct ast *a, *ex, *top = NULL;
	struct cnode *n;
	char msg[512] = "";
	bool empty;

	c->rule = r;
	c->cur = r;
	c->failed = false;
	c->unknown_field = false;
	c->depth = 0;
	a = parse_item(c, r);
	if (!a)
		goto fail;
	ex = exc_ast(r, msg, sizeof(msg), &empty);
	if (!ex && !empty) {
		ast_free(a);
		cc_err(c, -1, "exception: %s", msg);
		goto fail;
	}
	if (ex) {
		top = ast_node(AST_AND);
		if (!top || ast_push(top, a) || ast_push(top, ex)) {
			ast_free(top);
			ast_free(a);
			ast_free(ex);
			cc_err(c, -1, "out of memory");
			goto fail;
		}
		a = top;
	}
	n = cc_ast(c, a);
	ast_free(a);
	if (!n)
		goto fail;
	r->tree = n;
	c->cur = r;
	if (output_compile(c->rs, r, msg, sizeof(msg))) {
		if (strstr(msg, "unknown field"))
			c->unknown_field = true;
		cc_err(c, -1, "output: %s", msg);
		goto fail;
	}
	types_of(n, false, &r->types);
	if (evtset_is_empty(&r->types))
		diag_add(c->diag, false, c->rs->files[r->file].name, r->line,
			 r->col, r->name,
			 "rule matches no supported event type; it will never "
			 "trigger");
	else if (evtset_is_all(&r->types) && r->warn_evttypes)
		diag_add(c->diag, false, c->rs->files[r->file].name, r->line,
			 r->col, r->name,
			 "rule does not restrict evt.type: it is evaluated for "
			 "every event, which is costly");
	r->compiled = true;
	return 0;
fail:
	cnode_free(r->tree);
	r->tree = NULL;
	r->skipped = true;
	if (c->unknown_field && r->skip_unknown) {
		rule_diag(c, r, false);
		return 0;
	}
	rule_diag(c, r, true);
	return 0;
}

int rules_compile(struct bw_ruleset *rs, struct bw_rules_diag *diag,
		  struct bw_error *err)
{
	struct cc c = { .rs = rs, .diag = diag };

	if (!rs)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "no ruleset");
	if (rs->compiled)
		return bw_errorf(err, -EBUSY, NULL, 0, 0,
				 "ruleset already compiled");
	/* parse every macro once; report syntax errors where they are */
	for (size_t i = 0; i < rs->macros.n; i++) {
		struct bw_rule *m = rs->macros.v[i];

		c.failed = false;
		c.cur = m;
		m->ast = parse_item(&c, m);
		if (!m->ast)
			diag_add(diag, true, rs->files[c.file].name, c.line,
				 c.col, m->name, "%s", c.msg);
	}
	for (size_t i = 0; i < rs->rules.n; i++) {
		struct bw_rule *r = rs->rules.v[i];

		if (!r->enabled)
			continue;
		if (r->source && strcmp(r->source, "syscall")) {
			diag_add(diag, false, rs->files[r->file].name, r->line,
				 r->col, r->name,
				 "source '%s' is not supported; rule skipped",
				 r->source);
			continue;
		}
		compile_rule(&c, r);
		if (r->compiled)
			rs->nloaded++;
		else
			rs->nskipped++;
	}
	/* the event-type index, in rule order */
	memset(&rs->all_types, 0, sizeof(rs->all_types));
	for (size_t i = 0; i < rs->rules.n; i++) {
		struct bw_rule *r = rs->rules.v[i];

		if (!r->compiled)
			continue;
		for (unsigned t = 0; t < BW_EVT__COUNT; t++) {
			if (!evtset_has(&r->types, t))
				continue;
			if (rule_vec_push(&rs->by_type[t], r))
				return bw_errorf(err, -ENOMEM, NULL, 0, 0,
						 "out of memory");
			evtset_add(&rs->all_types, t);
		}
	}
	rs->slot_gen = calloc(rs->nslots ? rs->nslots : 1, sizeof(uint64_t));
	rs->slot_val = calloc(rs->nslots ? rs->nslots : 1, sizeof(struct fval));
	rs->scratch = malloc(RX_SCRATCH_SIZE);
	rs->md = pcre2_match_data_create(16, NULL);
	if (!rs->slot_gen || !rs->slot_val || !rs->scratch || !rs->md)
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	rs->compiled = true;
	return 0;
}

void rules_event_types(const struct bw_ruleset *rs, bool out[BW_EVT__COUNT])
{
	for (unsigned t = 0; t < BW_EVT__COUNT; t++)
		out[t] = rs && evtset_has(&rs->all_types, t);
}
