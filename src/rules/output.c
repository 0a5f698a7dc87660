/*
 * output.c - alert rendering: the rule's `output` template is compiled once
 * into literal text and field slots (%proc.name, %proc.aname[2],
 * %evt.arg.flags); rendering substitutes each field's value for the event
 * (<NA> when it has none, as Falco prints) and builds output_fields as a
 * JSON object of typed values (numbers, booleans, strings, null), always
 * including the container and Kubernetes identity fields.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_int.h"

#define OUTPUT_MAX (64u << 10)

static const char *const always_fields[] = {
	"container.id", "container.name", "container.image.repository",
	"k8s.pod.name", "k8s.ns.name",
};

static int push_tok(struct bw_rule *r, const char *lit, size_t n,
		    uint32_t slot)
{
	struct output_tok *nt = realloc(r->otoks, (r->notoks + 1) * sizeof(*nt));

	if (!nt)
		return -ENOMEM;
	r->otoks = nt;
	nt[r->notoks].lit = lit ? rx_strndup(lit, n) : NULL;
	nt[r->notoks].litlen = n;
	nt[r->notoks].slot = slot;
	if (lit && !nt[r->notoks].lit)
		return -ENOMEM;
	r->notoks++;
	return 0;
}

static int push_ofield(struct bw_rule *r, uint32_t slot)
{
	uint32_t *ns;

	for (size_t i = 0; i < r->nofields; i++)
		if (r->ofield_slots[i] == slot)
			return 0;
	ns = realloc(r->ofield_slots, (r->nofields + 1) * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	r->ofield_slots = ns;
	ns[r->nofields++] = slot;
	return 0;
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

int output_compile(struct bw_ruleset *rs, struct bw_rule *r, char *msg,
		   size_t msglen)
{
	const char *s = r->output ? r->output : "";
	size_t i = 0, lit = 0, n = strlen(s);
	int rc;

	while (i < n) {
		size_t st, ne;
		struct ast_field f = { 0 };
		uint32_t slot;

		if (s[i] != '%') {
			i++;
			continue;
		}
		if (i + 1 < n && s[i + 1] == '%') {
			/* "%%" is a literal '%' */
			if (push_tok(r, s + lit, i + 1 - lit, 0))
				return -ENOMEM;
			i += 2;
			lit = i;
			continue;
		}
		st = i + 1;
		ne = st;
		while (ne < n && name_char(s[ne]))
			ne++;
		while (ne > st && s[ne - 1] == '.')
			ne--;
		if (ne == st || !memchr(s + st, '.', ne - st)) {
			i++;
			continue;
		}
		f.name = rx_strndup(s + st, ne - st);
		if (!f.name)
			return -ENOMEM;
		i = ne;
		if (i < n && s[i] == '[') {
			const char *close = memchr(s + i, ']', n - i);

			if (close) {
				f.arg = rx_strndup(s + i + 1,
						   (size_t)(close - s - i - 1));
				i = (size_t)(close - s) + 1;
			}
		}
		if (st - 1 > lit && push_tok(r, s + lit, st - 1 - lit, 0)) {
			ast_field_clear(&f);
			return -ENOMEM;
		}
		rc = slot_get(rs, &f, &slot, msg, msglen);
		ast_field_clear(&f);
		if (rc)
			return rc;
		if (push_tok(r, NULL, 0, slot) || push_ofield(r, slot))
			return -ENOMEM;
		lit = i;
	}
	if (n > lit && push_tok(r, s + lit, n - lit, 0))
		return -ENOMEM;
	for (size_t k = 0; k < sizeof(always_fields) / sizeof(always_fields[0]);
	     k++) {
		struct ast_field f = { .name = (char *)always_fields[k] };
		uint32_t slot;

		rc = slot_get(rs, &f, &slot, msg, msglen);
		if (rc)
			return rc;
		if (push_ofield(r, slot))
			return -ENOMEM;
	}
	return 0;
}

/* ---- rendering ------------------------------------------------------------- */

struct obuf {
	char *p;
	size_t n, cap;
};

static void ob_put(struct obuf *b, const char *s, size_t n)
{
	if (!b->p || b->n + n + 1 > OUTPUT_MAX)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap * 2;
		char *np;

		while (nc < b->n + n + 1)
			nc *= 2;
		if (nc > OUTPUT_MAX)
			nc = OUTPUT_MAX;
		np = realloc(b->p, nc);
		if (!np)
			return;
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

/* Text of a slot's value, "<NA>" when missing. */
static const char *slot_text(struct bw_ruleset *rs, struct rx *x,
			     uint32_t slot, uint32_t *len)
{
	const struct fval *v = slot_value(rs, x, slot);
	const char *s;

	if (v->kind == FV_NONE) {
		*len = 4;
		return "<NA>";
	}
	if (v->kind == FV_NUM &&
	    rs->slots[slot].ref.def->out_type == BW_FT_BOOL) {
		*len = v->i ? 4 : 5;
		return v->i ? "true" : "false";
	}
	s = fval_to_str(x, v, len);
	if (!s) {
		*len = 4;
		return "<NA>";
	}
	return s;
}

static json_t *json_text(const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	char *c;

	if (j)
		return j;
	/* not UTF-8: replace non-ASCII bytes */
	c = malloc(n + 1);
	if (!c)
		return json_null();
	for (size_t i = 0; i < n; i++)
		c[i] = ((unsigned char)s[i] < 0x80 && s[i]) ? s[i] : '?';
	j = json_stringn(c, n);
	free(c);
	return j ? j : json_null();
}

static json_t *slot_json(struct bw_ruleset *rs, struct rx *x, uint32_t slot)
{
	const struct fval *v = slot_value(rs, x, slot);
	const char *s;
	uint32_t len;

	if (v->kind == FV_NONE)
		return json_null();
	if (v->kind == FV_NUM) {
		if (rs->slots[slot].ref.def->out_type == BW_FT_BOOL)
			return json_boolean(v->i);
		return json_integer(v->i);
	}
	s = fval_to_str(x, v, &len);
	if (!s)
		return json_null();
	return json_text(s, len);
}

int rules_render_alert(const struct bw_rule *rule, struct bw_event *ev,
		       struct bw_alert *ret)
{
	struct bw_ruleset *rs;
	struct obuf b = { 0 };
	json_t *of;

	if (!rule || !ev || !ret || !rule->rs || !rule->compiled)
		return -EINVAL;
	rs = rule->rs;
	if (rs->cur_ev != ev) {
		/* outside rules_eval: a fresh extraction context */
		rs->gen++;
		rs->cur.ev = ev;
		rs->cur.rs = rs;
		rs->cur.scratch = rs->scratch;
		rs->cur.used = 0;
	}
	b.cap = 256;
	b.p = malloc(b.cap);
	if (!b.p)
		return -ENOMEM;
	b.p[0] = 0;
	for (size_t i = 0; i < rule->notoks; i++) {
		const struct output_tok *t = &rule->otoks[i];
		const char *s;
		uint32_t len;

		if (t->lit) {
			ob_put(&b, t->lit, t->litlen);
			continue;
		}
		s = slot_text(rs, &rs->cur, t->slot, &len);
		ob_put(&b, s, len);
	}
	of = json_object();
	if (!of) {
		free(b.p);
		return -ENOMEM;
	}
	for (size_t i = 0; i < rule->nofields; i++) {
		uint32_t s = rule->ofield_slots[i];

		json_object_set_new(of, rs->slots[s].key, slot_json(rs, &rs->cur, s));
	}
	memset(ret, 0, sizeof(*ret));
	ret->ts_ns = ev->ts_ns;
	ret->rule = rule->name;
	ret->priority = rule->priority;
	ret->source = "syscall";
	ret->output = b.p;
	ret->output_fields = of;
	ret->tags = (const char *const *)rule->tags;
	ret->ntags = rule->ntags;
	return 0;
}

void rules_alert_free(struct bw_alert *a)
{
	if (!a)
		return;
	free(a->output);
	a->output = NULL;
	json_decref(a->output_fields);
	a->output_fields = NULL;
}
