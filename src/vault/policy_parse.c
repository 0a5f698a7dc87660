/*
 * policy_parse.c - Vault's ACL policy language: the HCL subset Vault
 * policies are written in, and the JSON form, into a struct vault_policy.
 *
 * Grammar of the HCL form (whitespace, "#", "//" and block comments
 * anywhere between tokens):
 *
 *   policy   := { top }
 *   top      := "path" STRING ["="] block
 *             | "name" "=" value
 *   block    := "{" { attr [","] } "}"
 *   attr     := "capabilities" "=" "[" [ STRING { "," STRING } [","] ] "]"
 *             | "policy" "=" STRING          (Vault's old deny/read/write/sudo)
 *             | ("allowed_parameters" | "denied_parameters") ["=" | ":"] pmap
 *             | "required_parameters" ("=" | ":") "[" [ STRING { "," STRING }
 *                                                   [","] ] "]"
 *             | ("min_wrapping_ttl" | "max_wrapping_ttl") ("=" | ":")
 *                                                   (STRING | WORD)
 *             | key {STRING} ( ("=" | ":") value | object )  (others: skipped)
 *   pmap     := "{" { key ("=" | ":") list [","] } "}"
 *   value    := STRING | WORD | list | object
 *   list     := "[" [ value { "," value } [","] ] "]"
 *   object   := "{" { key {STRING} ( ("=" | ":") value | object ) [","] } "}"
 *   key      := WORD | STRING
 *   STRING   := '"' chars with \" \\ \/ \n \t \r \uXXXX \UXXXXXXXX '"'
 *   WORD     := [A-Za-z0-9_.+-]+   (identifiers, numbers, true/false)
 *
 * The parameter constraints and wrapping bounds are kept with the rule
 * (struct vault_rule_params, policy_internal.h; enforced by
 * policy_params.c): a pmap's values become JSON values (WORDs: integers,
 * reals, true, false), parameter names are lower-cased as Vault does, a
 * wrapping TTL is seconds or a duration string (vault_duration_parse) and
 * max_wrapping_ttl may not be less than min_wrapping_ttl.  Given twice in
 * one block, maps and lists are merged and a TTL's last value counts.  A
 * deny rule keeps no constraints (Vault's too).  Other attributes
 * (mfa_methods, control_group, comment, ...) are parsed for balance and
 * skipped.
 *
 * Input starting with "{" (after whitespace) is the JSON form, as Vault's
 * HCL parser also decides:
 *   {"path": {"secret*": {"capabilities": ["read"],
 *                         "denied_parameters": {"x": []}}}}
 * ("path" may also be a list of such objects, and a path's value a list of
 * rule objects, merged as rules of one path from several policies are).
 * Jansson gives no positions inside a decoded document, so errors about
 * the JSON form's content name the path and the attribute instead.
 *
 * Per path, Vault's rules: a leading "/" is dropped; "+*" is an error; a
 * path is a segment-wildcard path when it is "+", starts with "+/" or
 * contains "/+"; otherwise a trailing "*" makes it a prefix glob (a "*"
 * anywhere else is an ordinary character); "deny" among the capabilities
 * makes the rule deny-only.
 *
 * Limits: VAULT_POLICY_MAX_BYTES of input, VAULT_POLICY_MAX_PATHS rules,
 * POLICY_MAX_DEPTH nested lists/objects, VAULT_POLICY_MAX_PARAMS names per
 * map or required list and VAULT_POLICY_MAX_PARAM_VALUES values per name.
 * Errors carry line and column (1-based, in bytes) of the offending token.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "vault/policy_internal.h"
#include "vault/token_int.h" /* vault_duration_parse */
#include "vault/vault.h"

#define POLICY_MAX_DEPTH 32
#define POLICY_MAX_NAME 512

enum tok_type {
	T_EOF,
	T_STR,
	T_WORD,
	T_LBRACE,
	T_RBRACE,
	T_LBRACK,
	T_RBRACK,
	T_EQ,
	T_COMMA,
	T_COLON,
};

struct parser {
	const char *s;
	size_t len, pos;
	int line, col; /* of s[pos] */

	/* the current token */
	enum tok_type t;
	int tline, tcol;
	const char *word; /* T_WORD: points into s */
	size_t wlen;
	char *str; /* T_STR: decoded, owned */
	size_t slen;

	const char *input; /* policy name, for errors */
	struct bw_error *err;
	struct vault_policy *pol;
};

/* ---- capabilities ------------------------------------------------------- */

static const struct {
	const char *name;
	unsigned bit;
} cap_names[] = {
    {"deny", VAULT_CAP_DENY},		{"create", VAULT_CAP_CREATE},
    {"read", VAULT_CAP_READ},		{"update", VAULT_CAP_UPDATE},
    {"delete", VAULT_CAP_DELETE},	{"list", VAULT_CAP_LIST},
    {"sudo", VAULT_CAP_SUDO},		{"patch", VAULT_CAP_PATCH},
    {"subscribe", VAULT_CAP_SUBSCRIBE},
};

/* Vault's pre-0.5 "policy = ..." values as capability sets. */
static const struct {
	const char *name;
	unsigned caps;
} old_policies[] = {
    {"deny", VAULT_CAP_DENY},
    {"read", VAULT_CAP_READ | VAULT_CAP_LIST},
    {"write", VAULT_CAP_CREATE | VAULT_CAP_READ | VAULT_CAP_UPDATE |
		  VAULT_CAP_DELETE | VAULT_CAP_LIST},
    {"sudo", VAULT_CAP_CREATE | VAULT_CAP_READ | VAULT_CAP_UPDATE |
		 VAULT_CAP_DELETE | VAULT_CAP_LIST | VAULT_CAP_SUDO},
};

static int str_is(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

static unsigned cap_lookup(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (str_is(s, len, cap_names[i].name))
			return cap_names[i].bit;
	return 0;
}

static int old_policy_lookup(const char *s, size_t len, unsigned *caps)
{
	for (size_t i = 0; i < sizeof(old_policies) / sizeof(old_policies[0]);
	     i++)
		if (str_is(s, len, old_policies[i].name)) {
			*caps = old_policies[i].caps;
			return 0;
		}
	return -1;
}

/* ---- rules -------------------------------------------------------------- */

/* Adds a rule for path (raw, as written) with caps and the constraints in
 * *params, applying Vault's path normalisation.  On success the rule owns
 * what *params held (a deny rule drops it) and *params is zeroed; on error
 * *params is left to the caller.  Errors are positioned at line:col. */
static int policy_add(struct vault_policy *pol, const char *path, size_t len,
		      unsigned caps, struct vault_rule_params *params,
		      const char *input, int line, int col,
		      struct bw_error *err)
{
	struct vault_policy_rule *r;
	enum vault_rule_kind kind = VAULT_RULE_EXACT;
	char *copy;

	if (len > 0 && path[0] == '/') {
		path++;
		len--;
	}
	if (memchr(path, '\0', len))
		return bw_errorf(err, -EINVAL, input, line, col,
				 "path contains a NUL byte");
	for (size_t i = 0; i + 1 < len; i++)
		if (path[i] == '+' && path[i + 1] == '*')
			return bw_errorf(err, -EINVAL, input, line, col,
					 "path \"%.*s\": invalid use of "
					 "wildcards ('+*' is forbidden)",
					 (int)(len > 200 ? 200 : len), path);
	if ((len == 1 && path[0] == '+') ||
	    (len >= 2 && path[0] == '+' && path[1] == '/'))
		kind = VAULT_RULE_SEGMENT;
	for (size_t i = 0; kind != VAULT_RULE_SEGMENT && i + 1 < len; i++)
		if (path[i] == '/' && path[i + 1] == '+')
			kind = VAULT_RULE_SEGMENT;
	if (kind == VAULT_RULE_EXACT && len > 0 && path[len - 1] == '*') {
		kind = VAULT_RULE_PREFIX;
		len--;
	}
	if (caps & VAULT_CAP_DENY)
		caps = VAULT_CAP_DENY;

	if (pol->n >= VAULT_POLICY_MAX_PATHS)
		return bw_errorf(err, -E2BIG, input, line, col,
				 "more than %d paths in one policy",
				 VAULT_POLICY_MAX_PATHS);
	if (pol->n == pol->cap) {
		size_t nc = pol->cap ? pol->cap * 2 : 8;

		r = realloc(pol->rules, nc * sizeof(*r));
		if (!r)
			return bw_errorf(err, -ENOMEM, input, line, col,
					 "out of memory");
		pol->rules = r;
		pol->cap = nc;
	}
	copy = malloc(len + 1);
	if (!copy)
		return bw_errorf(err, -ENOMEM, input, line, col,
				 "out of memory");
	memcpy(copy, path, len);
	copy[len] = '\0';
	r = &pol->rules[pol->n++];
	r->path = copy;
	r->len = len;
	r->kind = kind;
	r->caps = caps;
	r->params = *params;
	memset(params, 0, sizeof(*params));
	if (caps & VAULT_CAP_DENY)
		vault_rule_params_clear(&r->params);
	return 0;
}

/* ---- lexer -------------------------------------------------------------- */

static int perr(struct parser *P, int line, int col, int code, const char *fmt,
		...) __attribute__((format(printf, 5, 6)));
static int perr(struct parser *P, int line, int col, int code, const char *fmt,
		...)
{
	char msg[BW_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bw_errorf(P->err, code, P->input, line, col, "%s", msg);
}

static void advance(struct parser *P)
{
	if (P->s[P->pos] == '\n') {
		P->line++;
		P->col = 1;
	} else {
		P->col++;
	}
	P->pos++;
}

static int at(struct parser *P, size_t off)
{
	return P->pos + off < P->len ? (unsigned char)P->s[P->pos + off] : -1;
}

static int skip_space(struct parser *P)
{
	for (;;) {
		int c = at(P, 0);

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			advance(P);
		} else if (c == '#' || (c == '/' && at(P, 1) == '/')) {
			while (at(P, 0) != -1 && at(P, 0) != '\n')
				advance(P);
		} else if (c == '/' && at(P, 1) == '*') {
			int l = P->line, k = P->col;

			advance(P);
			advance(P);
			while (!(at(P, 0) == '*' && at(P, 1) == '/')) {
				if (at(P, 0) == -1)
					return perr(P, l, k, -EINVAL,
						    "unterminated comment");
				advance(P);
			}
			advance(P);
			advance(P);
		} else {
			return 0;
		}
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Lexes a string at s[pos] == '"' into P->str.  A decoded string is never
 * longer than its source, so one allocation of the raw length suffices. */
static int lex_string(struct parser *P)
{
	size_t end = P->pos + 1;
	char *out;
	size_t n = 0;

	while (end < P->len && P->s[end] != '"' && P->s[end] != '\n') {
		if (P->s[end] == '\\' && end + 1 < P->len &&
		    P->s[end + 1] != '\n')
			end++;
		end++;
	}
	if (end >= P->len || P->s[end] != '"')
		return perr(P, P->tline, P->tcol, -EINVAL,
			    "unterminated string");
	out = malloc(end - P->pos);
	if (!out)
		return perr(P, P->tline, P->tcol, -ENOMEM, "out of memory");
	advance(P); /* opening quote */
	while (P->pos < end) {
		int c = at(P, 0), l = P->line, k = P->col;
		uint32_t cp = 0;
		int digits = 0;

		if (c == 0) {
			free(out);
			return perr(P, l, k, -EINVAL, "NUL byte in string");
		}
		if (c != '\\') {
			out[n++] = (char)c;
			advance(P);
			continue;
		}
		advance(P);
		c = at(P, 0);
		advance(P);
		switch (c) {
		case 'n':
			out[n++] = '\n';
			continue;
		case 't':
			out[n++] = '\t';
			continue;
		case 'r':
			out[n++] = '\r';
			continue;
		case '"':
			out[n++] = '"';
			continue;
		case '\\':
			out[n++] = '\\';
			continue;
		case '/':
			out[n++] = '/';
			continue;
		case 'u':
			digits = 4;
			break;
		case 'U':
			digits = 8;
			break;
		default:
			free(out);
			return perr(P, l, k, -EINVAL,
				    "unknown escape sequence in string");
		}
		for (int i = 0; i < digits; i++) {
			int h = P->pos < end ? hexval(at(P, 0)) : -1;

			if (h < 0) {
				free(out);
				return perr(P, l, k, -EINVAL,
					    "bad \\%c escape: %d hex digits "
					    "expected",
					    digits == 4 ? 'u' : 'U', digits);
			}
			cp = (cp << 4) | (uint32_t)h;
			advance(P);
		}
		if (cp == 0 || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff)) {
			free(out);
			return perr(P, l, k, -EINVAL,
				    "escape is not a valid code point");
		}
		n += utf8_put(out + n, cp);
	}
	advance(P); /* closing quote */
	free(P->str);
	P->str = out;
	P->slen = n;
	return 0;
}

static int is_word(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	       c == '+';
}

/* Reads the next token into P->t. */
static int next(struct parser *P)
{
	int c, rc;

	if ((rc = skip_space(P)))
		return rc;
	P->tline = P->line;
	P->tcol = P->col;
	c = at(P, 0);
	switch (c) {
	case -1:
		P->t = T_EOF;
		return 0;
	case '{':
		P->t = T_LBRACE;
		break;
	case '}':
		P->t = T_RBRACE;
		break;
	case '[':
		P->t = T_LBRACK;
		break;
	case ']':
		P->t = T_RBRACK;
		break;
	case '=':
		P->t = T_EQ;
		break;
	case ',':
		P->t = T_COMMA;
		break;
	case ':':
		P->t = T_COLON;
		break;
	case '"':
		P->t = T_STR;
		return lex_string(P);
	default:
		if (!is_word(c)) {
			if (c >= 0x21 && c < 0x7f)
				return perr(P, P->tline, P->tcol, -EINVAL,
					    "unexpected character '%c'", c);
			return perr(P, P->tline, P->tcol, -EINVAL,
				    "unexpected byte 0x%02x", (unsigned)c);
		}
		P->t = T_WORD;
		P->word = P->s + P->pos;
		while (is_word(at(P, 0)))
			advance(P);
		P->wlen = (size_t)(P->s + P->pos - P->word);
		return 0;
	}
	advance(P);
	return 0;
}

static const char *tok_name(enum tok_type t)
{
	switch (t) {
	case T_EOF:
		return "end of input";
	case T_STR:
		return "a string";
	case T_WORD:
		return "a word";
	case T_LBRACE:
		return "'{'";
	case T_RBRACE:
		return "'}'";
	case T_LBRACK:
		return "'['";
	case T_RBRACK:
		return "']'";
	case T_EQ:
		return "'='";
	case T_COMMA:
		return "','";
	case T_COLON:
		return "':'";
	}
	return "?";
}

static int expected(struct parser *P, const char *what)
{
	return perr(P, P->tline, P->tcol, -EINVAL, "expected %s, found %s",
		    what, tok_name(P->t));
}

/* ---- parser ------------------------------------------------------------- */

static int skip_value(struct parser *P, int depth);

/* HCL blocks may carry string labels between their key and '{'
 * (control_group = { factor "name" { ... } }): skips them. */
static int skip_labels(struct parser *P)
{
	int rc;

	while (P->t == T_STR)
		if ((rc = next(P)))
			return rc;
	return 0;
}

/* At '{': skips a whole object. */
static int skip_object(struct parser *P, int depth)
{
	int l = P->tline, k = P->tcol, rc;

	if (depth > POLICY_MAX_DEPTH)
		return perr(P, l, k, -EINVAL, "nested deeper than %d levels",
			    POLICY_MAX_DEPTH);
	if ((rc = next(P)))
		return rc;
	while (P->t != T_RBRACE) {
		if (P->t == T_EOF)
			return perr(P, l, k, -EINVAL, "unclosed '{'");
		if (P->t != T_WORD && P->t != T_STR)
			return expected(P, "a key or '}'");
		if ((rc = next(P)) || (rc = skip_labels(P)))
			return rc;
		if (P->t == T_EQ || P->t == T_COLON) {
			if ((rc = next(P)) || (rc = skip_value(P, depth + 1)))
				return rc;
		} else if (P->t == T_LBRACE) {
			if ((rc = skip_object(P, depth + 1)))
				return rc;
		} else {
			return expected(P, "'=' or '{' after a key");
		}
		if (P->t == T_COMMA && (rc = next(P)))
			return rc;
	}
	return next(P);
}

/* At '[': skips a whole list. */
static int skip_list(struct parser *P, int depth)
{
	int l = P->tline, k = P->tcol, rc;

	if (depth > POLICY_MAX_DEPTH)
		return perr(P, l, k, -EINVAL, "nested deeper than %d levels",
			    POLICY_MAX_DEPTH);
	if ((rc = next(P)))
		return rc;
	while (P->t != T_RBRACK) {
		if (P->t == T_EOF)
			return perr(P, l, k, -EINVAL, "unclosed '['");
		if ((rc = skip_value(P, depth + 1)))
			return rc;
		if (P->t == T_COMMA) {
			if ((rc = next(P)))
				return rc;
		} else if (P->t != T_RBRACK) {
			return expected(P, "',' or ']'");
		}
	}
	return next(P);
}

static int skip_value(struct parser *P, int depth)
{
	switch (P->t) {
	case T_STR:
	case T_WORD:
		return next(P);
	case T_LBRACK:
		return skip_list(P, depth);
	case T_LBRACE:
		return skip_object(P, depth);
	default:
		return expected(P, "a value");
	}
}

/* At '[' of capabilities = [...]: ORs the capabilities into *caps. */
static int parse_caps(struct parser *P, unsigned *caps)
{
	int l = P->tline, k = P->tcol, rc;

	if (P->t != T_LBRACK)
		return expected(P, "'[' starting the capabilities list");
	if ((rc = next(P)))
		return rc;
	while (P->t != T_RBRACK) {
		unsigned bit;

		if (P->t == T_EOF)
			return perr(P, l, k, -EINVAL, "unclosed '['");
		if (P->t != T_STR)
			return expected(P, "a capability string");
		bit = cap_lookup(P->str, P->slen);
		if (!bit)
			return perr(P, P->tline, P->tcol, -EINVAL,
				    "invalid capability \"%.*s\"",
				    (int)(P->slen > 64 ? 64 : P->slen), P->str);
		*caps |= bit;
		if ((rc = next(P)))
			return rc;
		if (P->t == T_COMMA) {
			if ((rc = next(P)))
				return rc;
		} else if (P->t != T_RBRACK) {
			return expected(P, "',' or ']'");
		}
	}
	return next(P);
}

/* ---- constraints: HCL values as JSON ------------------------------------ */

/* A WORD as a JSON value: true, false, an integer or a real. */
static int word_value(struct parser *P, json_t **out)
{
	char buf[64], *end;
	long long n;
	double d;

	if (P->wlen >= sizeof(buf))
		return perr(P, P->tline, P->tcol, -EINVAL,
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
			    : perr(P, P->tline, P->tcol, -ENOMEM,
				   "out of memory");
	}
	errno = 0;
	d = strtod(buf, &end);
	if (end != buf && !*end && !errno) {
		*out = json_real(d);
		return *out ? 0
			    : perr(P, P->tline, P->tcol, -ENOMEM,
				   "out of memory");
	}
bad:
	return perr(P, P->tline, P->tcol, -EINVAL,
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
		return perr(P, P->tline, P->tcol, -ENOMEM, "out of memory");
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
		return perr(P, l, k, -ENOMEM, "out of memory");
	if ((rc = next(P)))
		goto fail;
	while (P->t != T_RBRACK) {
		json_t *v = NULL;

		if (P->t == T_EOF) {
			rc = perr(P, l, k, -EINVAL, "unclosed '['");
			goto fail;
		}
		if ((rc = json_value(P, depth + 1, &v)))
			goto fail;
		if (json_array_append_new(arr, v)) {
			rc = perr(P, l, k, -ENOMEM, "out of memory");
			goto fail;
		}
		if (P->t == T_COMMA) {
			if ((rc = next(P)))
				goto fail;
		} else if (P->t != T_RBRACK) {
			rc = expected(P, "',' or ']'");
			goto fail;
		}
	}
	if ((rc = next(P)))
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
		return perr(P, l, k, -ENOMEM, "out of memory");
	if ((rc = next(P)))
		goto fail;
	while (P->t != T_RBRACE) {
		char *key = NULL;
		json_t *v = NULL;
		int kl = P->tline, kc = P->tcol;

		if (P->t == T_EOF) {
			rc = perr(P, l, k, -EINVAL, "unclosed '{'");
			goto fail;
		}
		if (P->t != T_WORD && P->t != T_STR) {
			rc = expected(P, "a key or '}'");
			goto fail;
		}
		if ((rc = take_key(P, &key)))
			goto fail;
		rc = next(P);
		if (!rc && (P->t == T_EQ || P->t == T_COLON))
			rc = next(P);
		else if (!rc && P->t != T_LBRACE)
			rc = expected(P, "'=' or '{' after a key");
		if (!rc)
			rc = json_value(P, depth + 1, &v);
		if (!rc && json_object_set_new(obj, key, v))
			rc = perr(P, kl, kc, -EINVAL, "key is not valid UTF-8");
		free(key);
		if (rc)
			goto fail;
		if (P->t == T_COMMA && (rc = next(P)))
			goto fail;
	}
	if ((rc = next(P)))
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
		return perr(P, P->tline, P->tcol, -EINVAL,
			    "nested deeper than %d levels", POLICY_MAX_DEPTH);
	switch (P->t) {
	case T_STR:
		*out = json_stringn(P->str ? P->str : "", P->slen);
		if (!*out)
			return perr(P, P->tline, P->tcol, -EINVAL,
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
		return expected(P, "a value");
	}
	if ((rc = next(P))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- constraints: the attributes ----------------------------------------
 */

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

/* At the '{' of allowed_parameters / denied_parameters (attr): each
 * name = [values] into *map. */
static int parse_param_map(struct parser *P, const char *attr, json_t **map)
{
	int l = P->tline, k = P->tcol, rc;

	if (P->t != T_LBRACE)
		return perr(P, P->tline, P->tcol, -EINVAL,
			    "%s must be a map of parameter names to lists of "
			    "values, found %s",
			    attr, tok_name(P->t));
	if ((rc = next(P)))
		return rc;
	while (P->t != T_RBRACE) {
		int kl = P->tline, kc = P->tcol, vl, vc;
		char *name = NULL;
		json_t *values = NULL;

		if (P->t == T_EOF)
			return perr(P, l, k, -EINVAL, "unclosed '{' of %s",
				    attr);
		if (P->t != T_WORD && P->t != T_STR)
			return expected(P, "a parameter name or '}'");
		if ((rc = take_key(P, &name)))
			return rc;
		rc = next(P);
		if (!rc && P->t != T_EQ && P->t != T_COLON)
			rc = expected(P, "'=' after the parameter name");
		if (!rc)
			rc = next(P);
		vl = P->tline;
		vc = P->tcol;
		if (!rc && P->t != T_LBRACK)
			rc = perr(P, vl, vc, -EINVAL,
				  "%s \"%.64s\": expected a list of values, "
				  "found %s",
				  attr, name, tok_name(P->t));
		if (!rc)
			rc = json_value(P, 1, &values);
		if (!rc &&
		    json_array_size(values) > VAULT_POLICY_MAX_PARAM_VALUES)
			rc = perr(P, vl, vc, -E2BIG,
				  "%s \"%.64s\": more than %d values", attr,
				  name, VAULT_POLICY_MAX_PARAM_VALUES);
		if (!rc) {
			rc = vault_param_map_add(map, name, strlen(name),
						 values);
			if (rc == -E2BIG)
				rc = perr(P, kl, kc, rc,
					  "%s: more than %d parameter names, "
					  "or more than %d values for "
					  "\"%.64s\"",
					  attr, VAULT_POLICY_MAX_PARAMS,
					  VAULT_POLICY_MAX_PARAM_VALUES, name);
			else if (rc)
				rc = perr(P, kl, kc, rc, "%s \"%.64s\": %s",
					  attr, name,
					  rc == -ENOMEM ? "out of memory"
							: "invalid name");
		}
		json_decref(values);
		free(name);
		if (rc)
			return rc;
		if (P->t == T_COMMA && (rc = next(P)))
			return rc;
	}
	return next(P);
}

/* At the '[' of required_parameters: names into *req. */
static int parse_required(struct parser *P, json_t **req)
{
	int l = P->tline, k = P->tcol, rc;

	if (P->t != T_LBRACK)
		return perr(P, l, k, -EINVAL,
			    "required_parameters must be a list of strings, "
			    "found %s",
			    tok_name(P->t));
	if ((rc = next(P)))
		return rc;
	while (P->t != T_RBRACK) {
		if (P->t == T_EOF)
			return perr(P, l, k, -EINVAL, "unclosed '['");
		if (P->t != T_STR)
			return perr(P, P->tline, P->tcol, -EINVAL,
				    "required_parameters must be a list of "
				    "strings, found %s",
				    tok_name(P->t));
		rc = vault_required_add(req, P->str ? P->str : "", P->slen);
		if (rc == -E2BIG)
			return perr(P, P->tline, P->tcol, rc,
				    "more than %d required_parameters",
				    VAULT_POLICY_MAX_PARAMS);
		if (rc)
			return perr(P, P->tline, P->tcol, rc,
				    "required_parameters: %s",
				    rc == -ENOMEM ? "out of memory"
						  : "name is not valid UTF-8");
		if ((rc = next(P)))
			return rc;
		if (P->t == T_COMMA) {
			if ((rc = next(P)))
				return rc;
		} else if (P->t != T_RBRACK) {
			return expected(P, "',' or ']'");
		}
	}
	return next(P);
}

/* A wrapping TTL (attr) at a STRING or WORD into *ret seconds. */
static int parse_wrap_ttl(struct parser *P, const char *attr, int64_t *ret)
{
	json_t *v;
	int rc;

	if (P->t != T_STR && P->t != T_WORD)
		return perr(P, P->tline, P->tcol, -EINVAL,
			    "%s must be a number of seconds or a duration "
			    "string, found %s",
			    attr, tok_name(P->t));
	v = P->t == T_STR ? json_stringn(P->str ? P->str : "", P->slen)
			  : json_stringn(P->word, P->wlen);
	rc = !v || vault_duration_parse(v, ret);
	json_decref(v);
	if (rc)
		return perr(P, P->tline, P->tcol, -EINVAL,
			    "error parsing %s: not a duration (seconds, or "
			    "e.g. \"90s\", \"15m\", \"1h\")",
			    attr);
	return next(P);
}

/* After the name of a kept attribute a (named attr): its value. */
static int parse_attr(struct parser *P, enum attr a, const char *attr,
		      unsigned *caps, struct vault_rule_params *params)
{
	unsigned old;
	int rc;

	if (a == A_ALLOWED || a == A_DENIED) {
		/* "name = {...}", "name: {...}" or the block "name {...}" */
		if ((P->t == T_EQ || P->t == T_COLON) && (rc = next(P)))
			return rc;
		return parse_param_map(P, attr,
				       a == A_ALLOWED ? &params->allowed
						      : &params->denied);
	}
	if (P->t != T_EQ && (P->t != T_COLON || a == A_CAPS || a == A_POLICY))
		return expected(P, "'='");
	if ((rc = next(P)))
		return rc;
	switch (a) {
	case A_CAPS:
		return parse_caps(P, caps);
	case A_POLICY:
		if (P->t != T_STR)
			return expected(P, "a string");
		if (old_policy_lookup(P->str, P->slen, &old))
			return perr(P, P->tline, P->tcol, -EINVAL,
				    "invalid policy \"%.*s\"",
				    (int)(P->slen > 64 ? 64 : P->slen), P->str);
		*caps |= old;
		return next(P);
	case A_REQUIRED:
		return parse_required(P, &params->required);
	case A_MIN_WRAP:
		return parse_wrap_ttl(P, attr, &params->min_wrap);
	case A_MAX_WRAP:
		return parse_wrap_ttl(P, attr, &params->max_wrap);
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
			return perr(P, l, k, -EINVAL,
				    "unclosed '{' of this path block");
		if (P->t == T_WORD) {
			key = P->word;
			klen = P->wlen;
		} else if (P->t == T_STR) {
			key = P->str;
			klen = P->slen;
		} else {
			return expected(P, "an attribute name or '}'");
		}
		a = attr_lookup(key, klen, &attr);
		if ((rc = next(P)))
			return rc;
		if (a != A_OTHER) {
			if ((rc = parse_attr(P, a, attr, caps, params)))
				return rc;
		} else if ((rc = skip_labels(P))) {
			return rc;
		} else if (P->t == T_EQ || P->t == T_COLON) {
			if ((rc = next(P)) || (rc = skip_value(P, 1)))
				return rc;
		} else if (P->t == T_LBRACE) {
			if ((rc = skip_object(P, 1)))
				return rc;
		} else {
			return expected(P, "'=' after the attribute name");
		}
		if (P->t == T_COMMA && (rc = next(P)))
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

	if (!(rc = next(P)))
		rc = parse_block_body(P, l, k, &caps, &params);
	if (!rc && params.min_wrap && params.max_wrap &&
	    params.max_wrap < params.min_wrap)
		rc = perr(P, l, k, -EINVAL,
			  "max_wrapping_ttl cannot be less than "
			  "min_wrapping_ttl");
	if (!rc)
		rc = policy_add(P->pol, path, plen, caps, &params, P->input,
				pline, pcol, P->err);
	vault_rule_params_clear(&params);
	return rc ? rc : next(P);
}

static int parse_hcl(struct parser *P)
{
	int rc;

	if ((rc = next(P)))
		return rc;
	while (P->t != T_EOF) {
		if (P->t != T_WORD)
			return expected(P, "'path'");
		if (str_is(P->word, P->wlen, "path")) {
			char *path;
			size_t plen;
			int pl, pc;

			if ((rc = next(P)))
				return rc;
			if (P->t != T_STR)
				return expected(P,
						"a quoted path after 'path'");
			/* take the decoded path: the next string replaces
			 * P->str */
			path = P->str;
			plen = P->slen;
			pl = P->tline;
			pc = P->tcol;
			P->str = NULL;
			rc = next(P);
			if (!rc && P->t == T_EQ)
				rc = next(P);
			if (!rc && P->t != T_LBRACE)
				rc = expected(P, "'{' after the path");
			if (!rc)
				rc = parse_block(P, path, plen, pl, pc);
			free(path);
			if (rc)
				return rc;
		} else if (str_is(P->word, P->wlen, "name")) {
			if ((rc = next(P)))
				return rc;
			if (P->t != T_EQ)
				return expected(P, "'='");
			if ((rc = next(P)) || (rc = skip_value(P, 1)))
				return rc;
		} else {
			return perr(P, P->tline, P->tcol, -EINVAL,
				    "unknown top-level key \"%.*s\" "
				    "(expected 'path')",
				    (int)(P->wlen > 64 ? 64 : P->wlen),
				    P->word);
		}
	}
	return 0;
}

/* ---- JSON form ---------------------------------------------------------- */

static int json_caps(json_t *rule, const char *path, unsigned *caps,
		     const char *input, struct bw_error *err)
{
	json_t *v;
	size_t i;

	if (!json_is_object(rule))
		return bw_errorf(err, -EINVAL, input, 0, 0,
				 "path \"%.64s\": expected an object", path);
	v = json_object_get(rule, "capabilities");
	if (v) {
		json_t *c;

		if (!json_is_array(v))
			return bw_errorf(err, -EINVAL, input, 0, 0,
					 "path \"%.64s\": capabilities must be "
					 "a list of strings",
					 path);
		json_array_foreach(v, i, c)
		{
			unsigned bit = 0;

			if (json_is_string(c))
				bit = cap_lookup(json_string_value(c),
						 json_string_length(c));
			if (!bit)
				return bw_errorf(err, -EINVAL, input, 0, 0,
						 "path \"%.64s\": invalid "
						 "capability \"%.64s\"",
						 path,
						 json_is_string(c)
						     ? json_string_value(c)
						     : "(not a string)");
			*caps |= bit;
		}
	}
	v = json_object_get(rule, "policy");
	if (v) {
		unsigned old;

		if (!json_is_string(v) ||
		    old_policy_lookup(json_string_value(v),
				      json_string_length(v), &old))
			return bw_errorf(err, -EINVAL, input, 0, 0,
					 "path \"%.64s\": invalid policy",
					 path);
		*caps |= old;
	}
	return 0;
}

/* allowed_parameters / denied_parameters (attr) of a JSON rule, if present,
 * into *map. */
static int json_param_map(json_t *rule, const char *attr, const char *path,
			  json_t **map, const char *input, struct bw_error *err)
{
	json_t *m = json_object_get(rule, attr), *v;
	const char *name;

	if (!m)
		return 0;
	if (!json_is_object(m))
		return bw_errorf(err, -EINVAL, input, 0, 0,
				 "path \"%.64s\": %s must be an object of "
				 "parameter names to lists of values",
				 path, attr);
	json_object_foreach(m, name, v)
	{
		int rc;

		if (!json_is_array(v))
			return bw_errorf(err, -EINVAL, input, 0, 0,
					 "path \"%.64s\": %s \"%.64s\": "
					 "expected a list of values",
					 path, attr, name);
		rc = vault_param_map_add(map, name, strlen(name), v);
		if (rc == -E2BIG)
			return bw_errorf(err, rc, input, 0, 0,
					 "path \"%.64s\": %s: more than %d "
					 "parameter names, or more than %d "
					 "values for \"%.64s\"",
					 path, attr, VAULT_POLICY_MAX_PARAMS,
					 VAULT_POLICY_MAX_PARAM_VALUES, name);
		if (rc)
			return bw_errorf(err, rc, input, 0, 0,
					 "path \"%.64s\": %s: %s", path, attr,
					 rc == -ENOMEM ? "out of memory"
						       : "invalid name");
	}
	return 0;
}

/* The constraints of one JSON rule object into *p. */
static int json_constraints(json_t *rule, const char *path,
			    struct vault_rule_params *p, const char *input,
			    struct bw_error *err)
{
	static const char *const ttls[] = {"min_wrapping_ttl",
					   "max_wrapping_ttl"};
	int64_t *ttl_dst[] = {&p->min_wrap, &p->max_wrap};
	json_t *v;
	size_t i;
	int rc;

	if ((rc = json_param_map(rule, "allowed_parameters", path, &p->allowed,
				 input, err)) ||
	    (rc = json_param_map(rule, "denied_parameters", path, &p->denied,
				 input, err)))
		return rc;
	v = json_object_get(rule, "required_parameters");
	if (v && !json_is_array(v))
		return bw_errorf(err, -EINVAL, input, 0, 0,
				 "path \"%.64s\": required_parameters must "
				 "be a list of strings",
				 path);
	for (i = 0; i < json_array_size(v); i++) {
		json_t *s = json_array_get(v, i);

		if (!json_is_string(s))
			return bw_errorf(err, -EINVAL, input, 0, 0,
					 "path \"%.64s\": required_parameters "
					 "must be a list of strings",
					 path);
		rc = vault_required_add(&p->required, json_string_value(s),
					json_string_length(s));
		if (rc)
			return bw_errorf(
			    err, rc, input, 0, 0, "path \"%.64s\": %s", path,
			    rc == -E2BIG ? "too many required_parameters"
					 : "invalid required_parameters");
	}
	for (i = 0; i < 2; i++) {
		v = json_object_get(rule, ttls[i]);
		if (v && vault_duration_parse(v, ttl_dst[i]))
			return bw_errorf(err, -EINVAL, input, 0, 0,
					 "path \"%.64s\": error parsing %s: "
					 "not a duration (seconds, or e.g. "
					 "\"90s\", \"15m\", \"1h\")",
					 path, ttls[i]);
	}
	if (p->min_wrap && p->max_wrap && p->max_wrap < p->min_wrap)
		return bw_errorf(err, -EINVAL, input, 0, 0,
				 "path \"%.64s\": max_wrapping_ttl cannot be "
				 "less than min_wrapping_ttl",
				 path);
	return 0;
}

/* One JSON rule object: capabilities into *caps, constraints merged into
 * *p (as two rules for one path merge). */
static int json_rule(json_t *rule, const char *path, unsigned *caps,
		     struct vault_rule_params *p, const char *input,
		     struct bw_error *err)
{
	struct vault_rule_params one = {0};
	int rc;

	if ((rc = json_caps(rule, path, caps, input, err)))
		return rc;
	rc = json_constraints(rule, path, &one, input, err);
	if (!rc && vault_rule_params_merge(p, &one))
		rc = bw_errorf(err, -ENOMEM, input, 0, 0, "out of memory");
	vault_rule_params_clear(&one);
	return rc;
}

/* One {"<path>": {...} | [{...}, ...], ...} object. */
static int json_paths(json_t *obj, struct vault_policy *pol, const char *input,
		      struct bw_error *err)
{
	const char *key;
	json_t *val;

	if (!json_is_object(obj))
		return bw_errorf(err, -EINVAL, input, 0, 0,
				 "\"path\" must be an object of paths");
	json_object_foreach(obj, key, val)
	{
		struct vault_rule_params params = {0};
		unsigned caps = 0;
		int rc = 0;

		if (json_is_array(val)) {
			size_t i;
			json_t *r;

			json_array_foreach(val, i, r)
			{
				if ((rc = json_rule(r, key, &caps, &params,
						    input, err)))
					break;
			}
		} else {
			rc = json_rule(val, key, &caps, &params, input, err);
		}
		if (!rc)
			rc = policy_add(pol, key, strlen(key), caps, &params,
					input, 0, 0, err);
		vault_rule_params_clear(&params);
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_json(const char *text, size_t len, struct vault_policy *pol,
		      const char *input, struct bw_error *err)
{
	json_error_t jerr;
	json_t *root, *val;
	const char *key;
	int rc = 0;

	root = json_loadb(text, len, 0, &jerr);
	if (!root)
		return bw_errorf(err, -EINVAL, input, jerr.line, jerr.column,
				 "invalid JSON: %s", jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return bw_errorf(err, -EINVAL, input, 1, 1,
				 "a JSON policy must be an object");
	}
	json_object_foreach(root, key, val)
	{
		if (strcmp(key, "name") == 0)
			continue;
		if (strcmp(key, "path") != 0) {
			rc = bw_errorf(err, -EINVAL, input, 0, 0,
				       "unknown top-level key \"%.64s\" "
				       "(expected \"path\")",
				       key);
			break;
		}
		if (json_is_array(val)) {
			size_t i;
			json_t *o;

			json_array_foreach(val, i, o)
			{
				if ((rc = json_paths(o, pol, input, err)))
					break;
			}
		} else {
			rc = json_paths(val, pol, input, err);
		}
		if (rc)
			break;
	}
	json_decref(root);
	return rc;
}

/* ---- entry points ------------------------------------------------------- */

void vault_policy_free(struct vault_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->rules[i].path);
		vault_rule_params_clear(&p->rules[i].params);
	}
	free(p->rules);
	free(p->name);
	free(p);
}

const char *vault_policy_name(const struct vault_policy *p)
{
	return p ? p->name : NULL;
}

int vault_policy_parse(const char *name, const char *text, size_t len,
		       struct vault_policy **ret, struct bw_error *err)
{
	struct vault_policy *pol;
	size_t nlen, i = 0;
	int rc;

	if (!name)
		name = "";
	nlen = strlen(name);
	if (nlen > POLICY_MAX_NAME)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "policy name longer than %d bytes",
				 POLICY_MAX_NAME);
	if (!text && len)
		return bw_errorf(err, -EINVAL, name, 0, 0, "no policy text");
	if (len > VAULT_POLICY_MAX_BYTES)
		return bw_errorf(err, -EFBIG, name, 0, 0,
				 "policy is %zu bytes, more than %u", len,
				 VAULT_POLICY_MAX_BYTES);
	pol = calloc(1, sizeof(*pol));
	if (!pol || !(pol->name = malloc(nlen + 1))) {
		free(pol);
		return bw_errorf(err, -ENOMEM, name, 0, 0, "out of memory");
	}
	for (size_t k = 0; k <= nlen; k++) {
		char c = name[k];

		pol->name[k] =
		    (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}

	while (i < len && (text[i] == ' ' || text[i] == '\t' ||
			   text[i] == '\r' || text[i] == '\n'))
		i++;
	if (i < len && text[i] == '{') {
		rc = parse_json(text, len, pol, name, err);
	} else {
		struct parser P = {.s = text ? text : "",
				   .len = len,
				   .line = 1,
				   .col = 1,
				   .input = name,
				   .err = err,
				   .pol = pol};

		rc = parse_hcl(&P);
		free(P.str);
	}
	if (rc) {
		vault_policy_free(pol);
		return rc;
	}
	*ret = pol;
	return 0;
}
