/*
 * eval.c - evaluation of compiled conditions against one event: the
 * per-event field cache (each field slot is extracted at most once per
 * event, keyed by a generation counter), transformers, the operators, and
 * rules_eval() which walks only the rules indexed under the event's type.
 *
 * Falco semantics kept here: a field without a value makes its check false
 * (so `not check` is true); a list-valued field (proc.aname, fd.ip, ...)
 * satisfies a check when any of its values does; `regex` must match the
 * whole value; `pmatch` is a path-prefix match; IPs compare against
 * addresses or CIDR networks.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <string.h>
#include <sys/socket.h>

#include "rules/rules_int.h"

#ifndef FNM_CASEFOLD
#define FNM_CASEFOLD (1 << 4) /* glibc; hidden without _GNU_SOURCE */
#endif

const struct fval *slot_value(struct bw_ruleset *rs, struct rx *x, uint32_t s)
{
	struct fval *v = &rs->slot_val[s];

	if (rs->slot_gen[s] == rs->gen)
		return v;
	memset(v, 0, sizeof(*v));
	if (rs->slots[s].ref.def->extract(x, &rs->slots[s].ref, v))
		v->kind = FV_NONE;
	rs->slot_gen[s] = rs->gen;
	return v;
}

static const char b64tab[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_decode(struct rx *x, const char *s, uint32_t n, struct fval *out)
{
	char *o = rx_alloc(x, n + 1);
	uint32_t bits = 0, acc = 0, k = 0;

	if (!o)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		const char *p;

		if (s[i] == '=')
			break;
		p = memchr(b64tab, s[i], 64);
		if (!p || !s[i])
			return -EINVAL;
		acc = (acc << 6) | (uint32_t)(p - b64tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[k++] = (char)((acc >> bits) & 0xff);
		}
	}
	o[k] = 0;
	out->kind = FV_STR;
	out->s = o;
	out->len = k;
	return 0;
}

static int apply_xf(struct rx *x, uint8_t xf, struct fval *v)
{
	uint32_t len;
	const char *s;
	char *o;

	if (xf == XF_LEN) {
		if (v->kind == FV_LIST || v->kind == FV_IPLIST ||
		    v->kind == FV_NUMLIST)
			return fv_num(v, v->n);
		s = fval_to_str(x, v, &len);
		if (!s)
			return -ENOENT;
		memset(v, 0, sizeof(*v));
		return fv_num(v, len);
	}
	s = fval_to_str(x, v, &len);
	if (!s)
		return -ENOENT;
	memset(v, 0, sizeof(*v));
	switch (xf) {
	case XF_TOLOWER: case XF_TOUPPER:
		o = rx_alloc(x, len + 1);
		if (!o)
			return -ENOMEM;
		for (uint32_t i = 0; i < len; i++)
			o[i] = (char)(xf == XF_TOLOWER ? tolower((unsigned char)s[i])
						       : toupper((unsigned char)s[i]));
		o[len] = 0;
		return fv_str(x, v, o, len, false);
	case XF_BASENAME: {
		const char *sl = rx_memrchr(s, '/', len);

		if (!sl)
			return fv_str(x, v, s, len, false);
		return fv_str(x, v, sl + 1, len - (uint32_t)(sl - s) - 1, false);
	}
	case XF_B64:
		return b64_decode(x, s, len, v);
	}
	return -EINVAL;
}

int vexpr_value(struct bw_ruleset *rs, struct rx *x, const struct vexpr *e,
		struct fval *out)
{
	*out = *slot_value(rs, x, e->slot);
	if (out->kind == FV_NONE)
		return -ENOENT;
	for (uint8_t i = 0; i < e->nxf; i++)
		if (apply_xf(x, e->xf[i], out)) {
			out->kind = FV_NONE;
			return -ENOENT;
		}
	return 0;
}

/* ---- operators ---------------------------------------------------------- */

static bool ip_match(const struct cconst *k, uint8_t fam, const uint8_t *ip)
{
	unsigned full, rem;

	if (!k->is_ip || k->fam != fam)
		return false;
	full = k->prefix / 8;
	rem = k->prefix % 8;
	if (memcmp(k->ip, ip, full))
		return false;
	if (rem) {
		uint8_t mask = (uint8_t)(0xff << (8 - rem));

		return (k->ip[full] & mask) == (ip[full] & mask);
	}
	return true;
}

static bool pmatch1(const char *s, uint32_t len, const struct cconst *k)
{
	uint32_t kl = k->len;

	while (kl > 1 && k->s[kl - 1] == '/')
		kl--;
	if (len < kl || memcmp(s, k->s, kl))
		return false;
	return len == kl || s[kl] == '/' || (kl == 1 && k->s[0] == '/');
}

static int cmp_str(const char *a, uint32_t al, const char *b, uint32_t bl)
{
	int r = memcmp(a, b, al < bl ? al : bl);

	if (r)
		return r;
	return al < bl ? -1 : al > bl;
}

/* One string op against one constant. */
static bool str_op1(struct bw_ruleset *rs, const struct cnode *n,
		    const char *s, uint32_t len, const struct cconst *k)
{
	int r;

	switch (n->op) {
	case OP_EQ: case OP_IN: case OP_INTERSECTS:
		return len == k->len && !memcmp(s, k->s, len);
	case OP_NE:
		return !(len == k->len && !memcmp(s, k->s, len));
	case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		r = cmp_str(s, len, k->s, k->len);
		return n->op == OP_LT ? r < 0 : n->op == OP_LE ? r <= 0
		       : n->op == OP_GT ? r > 0 : r >= 0;
	case OP_CONTAINS: case OP_BCONTAINS:
		return rx_memmem(s, len, k->s, k->len) != NULL;
	case OP_ICONTAINS:
		return rx_icontains(s, len, k->s, k->len);
	case OP_STARTSWITH: case OP_BSTARTSWITH:
		return len >= k->len && !memcmp(s, k->s, k->len);
	case OP_ENDSWITH:
		return len >= k->len && !memcmp(s + len - k->len, k->s, k->len);
	case OP_GLOB:
		return fnmatch(k->s, s, 0) == 0;
	case OP_IGLOB:
		return fnmatch(k->s, s, FNM_CASEFOLD) == 0;
	case OP_REGEX:
		return n->re && pcre2_match(n->re, (PCRE2_SPTR)s, len, 0,
					    PCRE2_ANCHORED | PCRE2_ENDANCHORED,
					    rs->md, NULL) >= 0;
	case OP_PMATCH:
		return pmatch1(s, len, k);
	}
	return false;
}

static bool str_op(struct bw_ruleset *rs, const struct cnode *n,
		   const char *s, uint32_t len)
{
	if ((n->op == OP_IN || n->op == OP_INTERSECTS) && n->set.slots)
		return strset_has(&n->set, s, len);
	if (n->op == OP_NE)
		return n->nvals && str_op1(rs, n, s, len, &n->vals[0]);
	for (uint32_t i = 0; i < n->nvals; i++)
		if (str_op1(rs, n, s, len, &n->vals[i]))
			return true;
	return false;
}

static bool num_cmp(uint8_t op, int64_t a, int64_t b)
{
	switch (op) {
	case OP_EQ: case OP_IN: case OP_INTERSECTS: return a == b;
	case OP_NE: return a != b;
	case OP_LT: return a < b;
	case OP_LE: return a <= b;
	case OP_GT: return a > b;
	case OP_GE: return a >= b;
	}
	return false;
}

static bool is_num_op(uint8_t op)
{
	return op == OP_EQ || op == OP_NE || op == OP_LT || op == OP_LE ||
	       op == OP_GT || op == OP_GE || op == OP_IN || op == OP_INTERSECTS;
}

static bool num_op(const struct cnode *n, int64_t v)
{
	if (n->op == OP_NE)
		return n->nvals && n->vals[0].has_num && v != n->vals[0].num;
	for (uint32_t i = 0; i < n->nvals; i++)
		if (n->vals[i].has_num && num_cmp(n->op, v, n->vals[i].num))
			return true;
	return false;
}

static bool ip_op(const struct cnode *n, uint8_t fam, const uint8_t *ip)
{
	bool any = false;

	for (uint32_t i = 0; i < n->nvals && !any; i++)
		any = ip_match(&n->vals[i], fam, ip);
	return n->op == OP_NE ? !any : any;
}

/* A scalar value against the constants of n. */
static bool scalar_check(struct bw_ruleset *rs, struct rx *x,
			 const struct cnode *n, const struct fval *v)
{
	const char *s;
	uint32_t len;

	if (v->kind == FV_NUM && is_num_op(n->op))
		return num_op(n, v->i);
	if (v->kind == FV_STR && v->has_num && is_num_op(n->op) &&
	    n->nvals && n->vals[0].has_num)
		return num_op(n, v->i);
	if (v->kind == FV_IP && (n->op == OP_EQ || n->op == OP_NE ||
				 n->op == OP_IN || n->op == OP_INTERSECTS))
		return ip_op(n, v->fam, v->ip);
	s = fval_to_str(x, v, &len);
	return s && str_op(rs, n, s, len);
}

static bool field_check(struct bw_ruleset *rs, struct rx *x,
			const struct cnode *n, const struct fval *a,
			const struct fval *b)
{
	const char *sa, *sb;
	uint32_t la, lb;
	struct cconst k;

	if (a->kind == FV_NUM && b->kind == FV_NUM)
		return num_cmp(n->op, a->i, b->i);
	sa = fval_to_str(x, a, &la);
	sb = fval_to_str(x, b, &lb);
	if (!sa || !sb)
		return false;
	memset(&k, 0, sizeof(k));
	k.s = (char *)sb;
	k.len = lb;
	if (n->op == OP_ICONTAINS) {
		char *lo = (char *)rx_strdup(x, sb, lb);

		if (!lo)
			return false;
		for (uint32_t i = 0; i < lb; i++)
			lo[i] = (char)tolower((unsigned char)lo[i]);
		return rx_icontains(sa, la, lo, lb);
	}
	if (n->op == OP_REGEX)
		return false;
	return str_op1(rs, n, sa, la, &k);
}

static bool check_eval(struct bw_ruleset *rs, struct rx *x,
		       const struct cnode *n)
{
	struct fval v, e;

	if (vexpr_value(rs, x, &n->lhs, &v))
		return false;
	if (n->op == OP_EXISTS)
		return true;
	if (n->rhs_field) {
		struct fval r;

		if (vexpr_value(rs, x, &n->rhs, &r))
			return false;
		return field_check(rs, x, n, &v, &r);
	}
	switch (v.kind) {
	case FV_LIST:
		for (uint32_t i = 0; i < v.n; i++) {
			memset(&e, 0, sizeof(e));
			e.kind = FV_STR;
			e.s = v.items[i];
			e.len = v.lens[i];
			if (scalar_check(rs, x, n, &e))
				return true;
		}
		return false;
	case FV_IPLIST:
		for (uint32_t i = 0; i < v.n; i++) {
			memset(&e, 0, sizeof(e));
			e.kind = FV_IP;
			e.fam = v.fams[i];
			memcpy(e.ip, v.ips[i], 16);
			if (scalar_check(rs, x, n, &e))
				return true;
		}
		return false;
	case FV_NUMLIST:
		for (uint32_t i = 0; i < v.n; i++) {
			memset(&e, 0, sizeof(e));
			e.kind = FV_NUM;
			e.i = v.nums[i];
			if (scalar_check(rs, x, n, &e))
				return true;
		}
		return false;
	default:
		return scalar_check(rs, x, n, &v);
	}
}

bool cnode_eval(struct bw_ruleset *rs, struct rx *x, const struct cnode *n)
{
	switch (n->kind) {
	case CN_AND:
		for (uint32_t i = 0; i < n->nkids; i++)
			if (!cnode_eval(rs, x, n->kids[i]))
				return false;
		return true;
	case CN_OR:
		for (uint32_t i = 0; i < n->nkids; i++)
			if (cnode_eval(rs, x, n->kids[i]))
				return true;
		return false;
	case CN_NOT:
		return !cnode_eval(rs, x, n->kids[0]);
	case CN_TRUE:
		return true;
	case CN_FALSE:
		return false;
	case CN_EVTTYPE:
		return x->ev->type < BW_EVT__COUNT &&
		       evtset_has(&n->types, x->ev->type);
	case CN_CHECK:
		return check_eval(rs, x, n);
	}
	return false;
}

int rules_eval(struct bw_ruleset *rs, struct bw_event *ev,
	       rules_match_fn on_match, void *ctx)
{
	const struct rule_vec *v;
	int matches = 0;

	if (!rs || !ev || !rs->compiled || ev->type >= BW_EVT__COUNT)
		return 0;
	v = &rs->by_type[ev->type];
	if (!v->n)
		return 0;
	rs->gen++;
	rs->cur.ev = ev;
	rs->cur.rs = rs;
	rs->cur.scratch = rs->scratch;
	rs->cur.used = 0;
	rs->cur_ev = ev;
	for (size_t i = 0; i < v->n; i++) {
		const struct bw_rule *r = v->v[i];

		if (r->priority > rs->min_prio)
			continue;
		if (cnode_eval(rs, &rs->cur, r->tree)) {
			matches++;
			if (on_match)
				on_match(r, ev, ctx);
		}
	}
	rs->cur_ev = NULL;
	return matches;
}
