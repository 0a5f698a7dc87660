/*
 * policy_hcl_params.c - the parameter constraints of the HCL policy form:
 * allowed_parameters / denied_parameters maps (each name's list of values
 * read as JSON values: strings, and WORDs as integers, reals, true or
 * false), required_parameters lists, and min/max_wrapping_ttl durations,
 * into struct vault_rule_params (policy_params.c merges and enforces them).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vault/policy_hcl_int.h"
#include "vault/token_int.h" /* vault_duration_parse */

/* ---- constraints: HCL values as JSON ------------------------------------ */

/* A WORD as a JSON value: true, false, an integer or a real. */
static int word_value(struct parser *P, json_t **out)
{
	char buf[64], *end;
	long long n;
	double d;

	if (P->wlen >= sizeof(buf))
		return hcl_perr(P, P->tline, P->tcol, -EINVAL,
				"expected a value (a string, a number, true or "
				"false), found a %zu-byte word",
				P->wlen);
	memcpy(buf, P->word, P->wlen);
	buf[P->wlen] = '\0';
	if (!strcmp(buf, "true") || !strcmp(buf, "false")) {
		*out = json_boolean(buf[0] == 't');
		return 0;
	}
	for (size_t i = 0; i < P->wlen; i++)
		if (!strchr("0123456789+-.eE", buf[i]))
			goto bad;
	errno = 0;
	n = strtoll(buf, &end, 10);
	if (end != buf && !*end && !errno) {
		*out = json_integer((json_int_t)n);
		return *out ? 0
			    : hcl_perr(P, P->tline, P->tcol, -ENOMEM,
				       "out of memory");
	}
	errno = 0;
	d = strtod(buf, &end);
	if (end != buf && !*end && !errno) {
		*out = json_real(d);
		return *out ? 0
			    : hcl_perr(P, P->tline, P->tcol, -ENOMEM,
				       "out of memory");
	}
bad:
	return hcl_perr(P, P->tline, P->tcol, -EINVAL,
			"expected a value (a string, a number, true or false), "
			"found \"%s\"",
			buf);
}

static int json_value(struct parser *P, int depth, json_t **out);

/* The current key (WORD or STRING) as an owned NUL-terminated string
 * (a decoded STRING never holds a NUL: the lexer refuses them). */
static int take_key(struct parser *P, char **key)
{
	const char *src = P->t == T_STR ? P->str : P->word;
	size_t n = P->t == T_STR ? P->slen : P->wlen;

	*key = malloc(n + 1);
	if (!*key)
		return hcl_perr(P, P->tline, P->tcol, -ENOMEM, "out of memory");
	if (n)
		memcpy(*key, src, n);
	(*key)[n] = '\0';
	return 0;
}

/* At '[': a list of values into *out (new reference). */
static int json_list(struct parser *P, int depth, json_t **out)
{
	int l = P->tline, k = P->tcol, rc;
	json_t *arr = json_array();

	if (!arr)
		return hcl_perr(P, l, k, -ENOMEM, "out of memory");
	if ((rc = hcl_next(P)))
		goto fail;
	while (P->t != T_RBRACK) {
		json_t *v = NULL;

		if (P->t == T_EOF) {
			rc = hcl_perr(P, l, k, -EINVAL, "unclosed '['");
			goto fail;
		}
		if ((rc = json_value(P, depth + 1, &v)))
			goto fail;
		if (json_array_append_new(arr, v)) {
			rc = hcl_perr(P, l, k, -ENOMEM, "out of memory");
			goto fail;
		}
		if (P->t == T_COMMA) {
			if ((rc = hcl_next(P)))
				goto fail;
		} else if (P->t != T_RBRACK) {
			rc = hcl_expected(P, "',' or ']'");
			goto fail;
		}
	}
	if ((rc = hcl_next(P)))
		goto fail;
	*out = arr;
	return 0;
fail:
	json_decref(arr);
	return rc;
}

/* At '{': an object into *out (new reference). */
static int json_obj(struct parser *P, int depth, json_t **out)
{
	int l = P->tline, k = P->tcol, rc;
	json_t *obj = json_object();

	if (!obj)
		return hcl_perr(P, l, k, -ENOMEM, "out of memory");
	if ((rc = hcl_next(P)))
		goto fail;
	while (P->t != T_RBRACE) {
		char *key = NULL;
		json_t *v = NULL;
		int kl = P->tline, kc = P->tcol;

		if (P->t == T_EOF) {
			rc = hcl_perr(P, l, k, -EINVAL, "unclosed '{'");
			goto fail;
		}
		if (P->t != T_WORD && P->t != T_STR) {
			rc = hcl_expected(P, "a key or '}'");
			goto fail;
		}
		if ((rc = take_key(P, &key)))
			goto fail;
		rc = hcl_next(P);
		if (!rc && (P->t == T_EQ || P->t == T_COLON))
			rc = hcl_next(P);
		else if (!rc && P->t != T_LBRACE)
			rc = hcl_expected(P, "'=' or '{' after a key");
		if (!rc)
			rc = json_value(P, depth + 1, &v);
		if (!rc && json_object_set_new(obj, key, v))
			rc = hcl_perr(P, kl, kc, -EINVAL,
				      "key is not valid UTF-8");
		free(key);
		if (rc)
			goto fail;
		if (P->t == T_COMMA && (rc = hcl_next(P)))
			goto fail;
	}
	if ((rc = hcl_next(P)))
		goto fail;
	*out = obj;
	return 0;
fail:
	json_decref(obj);
	return rc;
}

/* Any value as JSON into *out (new reference). */
static int json_value(struct parser *P, int depth, json_t **out)
{
	int rc;

	if (depth > POLICY_MAX_DEPTH)
		return hcl_perr(P, P->tline, P->tcol, -EINVAL,
				"nested deeper than %d levels",
				POLICY_MAX_DEPTH);
	switch (P->t) {
	case T_STR:
		*out = json_stringn(P->str ? P->str : "", P->slen);
		if (!*out)
			return hcl_perr(P, P->tline, P->tcol, -EINVAL,
					"string is not valid UTF-8");
		break;
	case T_WORD:
		if ((rc = word_value(P, out)))
			return rc;
		break;
	case T_LBRACK:
		return json_list(P, depth, out);
	case T_LBRACE:
		return json_obj(P, depth, out);
	default:
		return hcl_expected(P, "a value");
	}
	if ((rc = hcl_next(P))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- constraints: the attributes ----------------------------------------
 */

/* At the '{' of allowed_parameters / denied_parameters (attr): each
 * name = [values] into *map. */
int hcl_parse_param_map(struct parser *P, const char *attr, json_t **map)
{
	int l = P->tline, k = P->tcol, rc;

	if (P->t != T_LBRACE)
		return hcl_perr(
		    P, P->tline, P->tcol, -EINVAL,
		    "%s must be a map of parameter names to lists of "
		    "values, found %s",
		    attr, hcl_tok_name(P->t));
	if ((rc = hcl_next(P)))
		return rc;
	while (P->t != T_RBRACE) {
		int kl = P->tline, kc = P->tcol, vl, vc;
		char *name = NULL;
		json_t *values = NULL;

		if (P->t == T_EOF)
			return hcl_perr(P, l, k, -EINVAL, "unclosed '{' of %s",
					attr);
		if (P->t != T_WORD && P->t != T_STR)
			return hcl_expected(P, "a parameter name or '}'");
		if ((rc = take_key(P, &name)))
			return rc;
		rc = hcl_next(P);
		if (!rc && P->t != T_EQ && P->t != T_COLON)
			rc = hcl_expected(P, "'=' after the parameter name");
		if (!rc)
			rc = hcl_next(P);
		vl = P->tline;
		vc = P->tcol;
		if (!rc && P->t != T_LBRACK)
			rc =
			    hcl_perr(P, vl, vc, -EINVAL,
				     "%s \"%.64s\": expected a list of values, "
				     "found %s",
				     attr, name, hcl_tok_name(P->t));
		if (!rc)
			rc = json_value(P, 1, &values);
		if (!rc &&
		    json_array_size(values) > VAULT_POLICY_MAX_PARAM_VALUES)
			rc = hcl_perr(P, vl, vc, -E2BIG,
				      "%s \"%.64s\": more than %d values", attr,
				      name, VAULT_POLICY_MAX_PARAM_VALUES);
		if (!rc) {
			rc = vault_param_map_add(map, name, strlen(name),
						 values);
			if (rc == -E2BIG)
				rc = hcl_perr(
				    P, kl, kc, rc,
				    "%s: more than %d parameter names, "
				    "or more than %d values for "
				    "\"%.64s\"",
				    attr, VAULT_POLICY_MAX_PARAMS,
				    VAULT_POLICY_MAX_PARAM_VALUES, name);
			else if (rc)
				rc = hcl_perr(P, kl, kc, rc, "%s \"%.64s\": %s",
					      attr, name,
					      rc == -ENOMEM ? "out of memory"
							    : "invalid name");
		}
		json_decref(values);
		free(name);
		if (rc)
			return rc;
		if (P->t == T_COMMA && (rc = hcl_next(P)))
			return rc;
	}
	return hcl_next(P);
}

/* At the '[' of required_parameters: names into *req. */
int hcl_parse_required(struct parser *P, json_t **req)
{
	int l = P->tline, k = P->tcol, rc;

	if (P->t != T_LBRACK)
		return hcl_perr(
		    P, l, k, -EINVAL,
		    "required_parameters must be a list of strings, "
		    "found %s",
		    hcl_tok_name(P->t));
	if ((rc = hcl_next(P)))
		return rc;
	while (P->t != T_RBRACK) {
		if (P->t == T_EOF)
			return hcl_perr(P, l, k, -EINVAL, "unclosed '['");
		if (P->t != T_STR)
			return hcl_perr(P, P->tline, P->tcol, -EINVAL,
					"required_parameters must be a list of "
					"strings, found %s",
					hcl_tok_name(P->t));
		rc = vault_required_add(req, P->str ? P->str : "", P->slen);
		if (rc == -E2BIG)
			return hcl_perr(P, P->tline, P->tcol, rc,
					"more than %d required_parameters",
					VAULT_POLICY_MAX_PARAMS);
		if (rc)
			return hcl_perr(
			    P, P->tline, P->tcol, rc, "required_parameters: %s",
			    rc == -ENOMEM ? "out of memory"
					  : "name is not valid UTF-8");
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

/* A wrapping TTL (attr) at a STRING or WORD into *ret seconds. */
int hcl_parse_wrap_ttl(struct parser *P, const char *attr, int64_t *ret)
{
	json_t *v;
	int rc;

	if (P->t != T_STR && P->t != T_WORD)
		return hcl_perr(P, P->tline, P->tcol, -EINVAL,
				"%s must be a number of seconds or a duration "
				"string, found %s",
				attr, hcl_tok_name(P->t));
	v = P->t == T_STR ? json_stringn(P->str ? P->str : "", P->slen)
			  : json_stringn(P->word, P->wlen);
	rc = !v || vault_duration_parse(v, ret);
	json_decref(v);
	if (rc)
		return hcl_perr(P, P->tline, P->tcol, -EINVAL,
				"error parsing %s: not a duration (seconds, or "
				"e.g. \"90s\", \"15m\", \"1h\")",
				attr);
	return hcl_next(P);
}
