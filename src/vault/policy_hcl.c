/*
 * policy_hcl.c - the parser of the HCL policy form (grammar in
 * policy_hcl_int.h): top-level "path" blocks and "name", a block's
 * attributes (capabilities, the old "policy", and the constraints, whose
 * values policy_hcl_params.c reads), everything else skipped for balance
 * within the depth limit; each block becomes one rule.
 */
#include <errno.h>
#include <stdlib.h>

#include "vault/policy_hcl_int.h"

/* ---- parser ------------------------------------------------------------- */

static int skip_value(struct parser *P, int depth);

/* HCL blocks may carry string labels between their key and '{'
 * (control_group = { factor "name" { ... } }): skips them. */
static int skip_labels(struct parser *P)
{
	int rc;

	while (P->t == T_STR)
		if ((rc = hcl_next(P)))
			return rc;
	return 0;
}

/* At '{': skips a whole object. */
static int skip_object(struct parser *P, int depth)
{
	int l = P->tline, k = P->tcol, rc;

	if (depth > POLICY_MAX_DEPTH)
		return hcl_perr(P, l, k, -EINVAL,
				"nested deeper than %d levels",
				POLICY_MAX_DEPTH);
	if ((rc = hcl_next(P)))
		return rc;
	while (P->t != T_RBRACE) {
		if (P->t == T_EOF)
			return hcl_perr(P, l, k, -EINVAL, "unclosed '{'");
		if (P->t != T_WORD && P->t != T_STR)
			return hcl_expected(P, "a key or '}'");
		if ((rc = hcl_next(P)) || (rc = skip_labels(P)))
			return rc;
		if (P->t == T_EQ || P->t == T_COLON) {
			if ((rc = hcl_next(P)) ||
			    (rc = skip_value(P, depth + 1)))
				return rc;
		} else if (P->t == T_LBRACE) {
			if ((rc = skip_object(P, depth + 1)))
				return rc;
		} else {
			return hcl_expected(P, "'=' or '{' after a key");
		}
		if (P->t == T_COMMA && (rc = hcl_next(P)))
			return rc;
	}
	return hcl_next(P);
}

/* At '[': skips a whole list. */
static int skip_list(struct parser *P, int depth)
{
	int l = P->tline, k = P->tcol, rc;

	if (depth > POLICY_MAX_DEPTH)
		return hcl_perr(P, l, k, -EINVAL,
				"nested deeper than %d levels",
				POLICY_MAX_DEPTH);
	if ((rc = hcl_next(P)))
		return rc;
	while (P->t != T_RBRACK) {
		if (P->t == T_EOF)
			return hcl_perr(P, l, k, -EINVAL, "unclosed '['");
		if ((rc = skip_value(P, depth + 1)))
			return rc;
		if (P->t == T_COMMA) {
			if ((rc = hcl_next(P)))
				return rc;
		} else if (P->t != T_RBRACK) {
			return hcl_expected(P, "',' or ']'");
		}
	}
	return hcl_next(P);
}

static int skip_value(struct parser *P, int depth)
{
	switch (P->t) {
	case T_STR:
	case T_WORD:
		return hcl_next(P);
	case T_LBRACK:
		return skip_list(P, depth);
	case T_LBRACE:
		return skip_object(P, depth);
	default:
		return hcl_expected(P, "a value");
	}
}

/* At '[' of capabilities = [...]: ORs the capabilities into *caps. */
static int parse_caps(struct parser *P, unsigned *caps)
{
	int l = P->tline, k = P->tcol, rc;

	if (P->t != T_LBRACK)
		return hcl_expected(P, "'[' starting the capabilities list");
	if ((rc = hcl_next(P)))
		return rc;
	while (P->t != T_RBRACK) {
		unsigned bit;

		if (P->t == T_EOF)
			return hcl_perr(P, l, k, -EINVAL, "unclosed '['");
		if (P->t != T_STR)
			return hcl_expected(P, "a capability string");
		bit = vault_cap_lookup(P->str, P->slen);
		if (!bit)
			return hcl_perr(P, P->tline, P->tcol, -EINVAL,
					"invalid capability \"%.*s\"",
					(int)(P->slen > 64 ? 64 : P->slen),
					P->str);
		*caps |= bit;
		if ((rc = hcl_next(P)))
			return rc;
		if (P->t == T_COMMA) {
			if ((rc = hcl_next(P)))
				return rc;
		} else if (P->t != T_RBRACK) {
			return hcl_expected(P, "',' or ']'");
		}
	}
	return hcl_next(P);
}

/* ---- attributes --------------------------------------------------------- */

enum attr {
	A_OTHER, /* parsed for balance, skipped */
	A_CAPS,
	A_POLICY,
	A_ALLOWED,
	A_DENIED,
	A_REQUIRED,
	A_MIN_WRAP,
	A_MAX_WRAP,
};

static const struct {
	const char *name;
	enum attr a;
} attrs[] = {
    {"capabilities", A_CAPS},
    {"policy", A_POLICY},
    {"allowed_parameters", A_ALLOWED},
    {"denied_parameters", A_DENIED},
    {"required_parameters", A_REQUIRED},
    {"min_wrapping_ttl", A_MIN_WRAP},
    {"max_wrapping_ttl", A_MAX_WRAP},
};

static enum attr attr_lookup(const char *s, size_t len, const char **name)
{
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (str_is(s, len, attrs[i].name)) {
			*name = attrs[i].name;
			return attrs[i].a;
		}
	*name = NULL;
	return A_OTHER;
}

/* After the name of a kept attribute a (named attr): its value. */
static int parse_attr(struct parser *P, enum attr a, const char *attr,
		      unsigned *caps, struct vault_rule_params *params)
{
	unsigned old;
	int rc;

	if (a == A_ALLOWED || a == A_DENIED) {
		/* "name = {...}", "name: {...}" or the block "name {...}" */
		if ((P->t == T_EQ || P->t == T_COLON) && (rc = hcl_next(P)))
			return rc;
		return hcl_parse_param_map(P, attr,
					   a == A_ALLOWED ? &params->allowed
							  : &params->denied);
	}
	if (P->t != T_EQ && (P->t != T_COLON || a == A_CAPS || a == A_POLICY))
		return hcl_expected(P, "'='");
	if ((rc = hcl_next(P)))
		return rc;
	switch (a) {
	case A_CAPS:
		return parse_caps(P, caps);
	case A_POLICY:
		if (P->t != T_STR)
			return hcl_expected(P, "a string");
		if (vault_old_policy_lookup(P->str, P->slen, &old))
			return hcl_perr(P, P->tline, P->tcol, -EINVAL,
					"invalid policy \"%.*s\"",
					(int)(P->slen > 64 ? 64 : P->slen),
					P->str);
		*caps |= old;
		return hcl_next(P);
	case A_REQUIRED:
		return hcl_parse_required(P, &params->required);
	case A_MIN_WRAP:
		return hcl_parse_wrap_ttl(P, attr, &params->min_wrap);
	case A_MAX_WRAP:
		return hcl_parse_wrap_ttl(P, attr, &params->max_wrap);
	default:
		return -EINVAL; /* not reached: A_OTHER is skipped */
	}
}

/* The attributes of a path block, from after its '{' to its '}'. */
static int parse_block_body(struct parser *P, int l, int k, unsigned *caps,
			    struct vault_rule_params *params)
{
	int rc;

	while (P->t != T_RBRACE) {
		const char *key, *attr;
		size_t klen;
		enum attr a;

		if (P->t == T_EOF)
			return hcl_perr(P, l, k, -EINVAL,
					"unclosed '{' of this path block");
		if (P->t == T_WORD) {
			key = P->word;
			klen = P->wlen;
		} else if (P->t == T_STR) {
			key = P->str;
			klen = P->slen;
		} else {
			return hcl_expected(P, "an attribute name or '}'");
		}
		a = attr_lookup(key, klen, &attr);
		if ((rc = hcl_next(P)))
			return rc;
		if (a != A_OTHER) {
			if ((rc = parse_attr(P, a, attr, caps, params)))
				return rc;
		} else if ((rc = skip_labels(P))) {
			return rc;
		} else if (P->t == T_EQ || P->t == T_COLON) {
			if ((rc = hcl_next(P)) || (rc = skip_value(P, 1)))
				return rc;
		} else if (P->t == T_LBRACE) {
			if ((rc = skip_object(P, 1)))
				return rc;
		} else {
			return hcl_expected(P, "'=' after the attribute name");
		}
		if (P->t == T_COMMA && (rc = hcl_next(P)))
			return rc;
	}
	return 0;
}

/* At '{' of a path block; path (owned by the caller) was at pline:pcol. */
static int parse_block(struct parser *P, const char *path, size_t plen,
		       int pline, int pcol)
{
	struct vault_rule_params params = {0};
	int l = P->tline, k = P->tcol, rc;
	unsigned caps = 0;

	if (!(rc = hcl_next(P)))
		rc = parse_block_body(P, l, k, &caps, &params);
	if (!rc && params.min_wrap && params.max_wrap &&
	    params.max_wrap < params.min_wrap)
		rc = hcl_perr(P, l, k, -EINVAL,
			      "max_wrapping_ttl cannot be less than "
			      "min_wrapping_ttl");
	if (!rc)
		rc = vault_policy_rule_add(P->pol, path, plen, caps, &params,
					   P->input, pline, pcol, P->err);
	vault_rule_params_clear(&params);
	return rc ? rc : hcl_next(P);
}

static int parse_hcl(struct parser *P)
{
	int rc;

	if ((rc = hcl_next(P)))
		return rc;
	while (P->t != T_EOF) {
		if (P->t != T_WORD)
			return hcl_expected(P, "'path'");
		if (str_is(P->word, P->wlen, "path")) {
			char *path;
			size_t plen;
			int pl, pc;

			if ((rc = hcl_next(P)))
				return rc;
			if (P->t != T_STR)
				return hcl_expected(
				    P, "a quoted path after 'path'");
			/* take the decoded path: the next string replaces
			 * P->str */
			path = P->str;
			plen = P->slen;
			pl = P->tline;
			pc = P->tcol;
			P->str = NULL;
			rc = hcl_next(P);
			if (!rc && P->t == T_EQ)
				rc = hcl_next(P);
			if (!rc && P->t != T_LBRACE)
				rc = hcl_expected(P, "'{' after the path");
			if (!rc)
				rc = parse_block(P, path, plen, pl, pc);
			free(path);
			if (rc)
				return rc;
		} else if (str_is(P->word, P->wlen, "name")) {
			if ((rc = hcl_next(P)))
				return rc;
			if (P->t != T_EQ)
				return hcl_expected(P, "'='");
			if ((rc = hcl_next(P)) || (rc = skip_value(P, 1)))
				return rc;
		} else {
			return hcl_perr(P, P->tline, P->tcol, -EINVAL,
					"unknown top-level key \"%.*s\" "
					"(expected 'path')",
					(int)(P->wlen > 64 ? 64 : P->wlen),
					P->word);
		}
	}
	return 0;
}

int vault_policy_parse_hcl(const char *text, size_t len,
			   struct vault_policy *pol, const char *input,
			   struct bw_error *err)
{
	struct parser P = {.s = text ? text : "",
			   .len = len,
			   .line = 1,
			   .col = 1,
			   .input = input,
			   .err = err,
			   .pol = pol};
	int rc = parse_hcl(&P);

	free(P.str);
	return rc;
}
