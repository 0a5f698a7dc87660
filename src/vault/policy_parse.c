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
 *             | key {STRING} ( ("=" | ":") value | object )  (others: skipped)
 *   value    := STRING | WORD | list | object
 *   list     := "[" [ value { "," value } [","] ] "]"
 *   object   := "{" { key {STRING} ( ("=" | ":") value | object ) [","] } "}"
 *   key      := WORD | STRING
 *   STRING   := '"' chars with \" \\ \/ \n \t \r \uXXXX \UXXXXXXXX '"'
 *   WORD     := [A-Za-z0-9_.+-]+   (identifiers, numbers, true/false)
 *
 * Attributes other than capabilities and policy (allowed_parameters,
 * denied_parameters, required_parameters, min/max_wrapping_ttl,
 * mfa_methods, control_group, comment, ...) are parsed for balance and
 * skipped: Bulwark's ACL decides on capabilities only.
 *
 * Input starting with "{" (after whitespace) is the JSON form, as Vault's
 * HCL parser also decides:
 *   {"path": {"secret*": {"capabilities": ["read"]}}}
 * ("path" may also be a list of such objects).
 *
 * Per path, Vault's rules: a leading "/" is dropped; "+*" is an error; a
 * path is a segment-wildcard path when it is "+", starts with "+/" or
 * contains "/+"; otherwise a trailing "*" makes it a prefix glob (a "*"
 * anywhere else is an ordinary character); "deny" among the capabilities
 * makes the rule deny-only.
 *
 * Limits: VAULT_POLICY_MAX_BYTES of input, VAULT_POLICY_MAX_PATHS rules,
 * POLICY_MAX_DEPTH nested lists/objects.  Errors carry line and column
 * (1-based, in bytes) of the offending token.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "vault/policy_internal.h"
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

/* Adds a rule for path (raw, as written) with caps, applying Vault's path
 * normalisation.  Errors are positioned at line:col. */
static int policy_add(struct vault_policy *pol, const char *path, size_t len,
		      unsigned caps, const char *input, int line, int col,
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

/* At '{' of a path block; path (owned by the caller) was at pline:pcol. */
static int parse_block(struct parser *P, const char *path, size_t plen,
		       int pline, int pcol)
{
	int l = P->tline, k = P->tcol, rc;
	unsigned caps = 0;

	if ((rc = next(P)))
		return rc;
	while (P->t != T_RBRACE) {
		const char *key;
		size_t klen;
		int is_caps, is_policy;

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
		is_caps = str_is(key, klen, "capabilities");
		is_policy = str_is(key, klen, "policy");
		if ((rc = next(P)))
			return rc;
		if (is_caps || is_policy) {
			if (P->t != T_EQ)
				return expected(P, "'='");
			if ((rc = next(P)))
				return rc;
		}
		if (is_caps) {
			if ((rc = parse_caps(P, &caps)))
				return rc;
		} else if (is_policy) {
			unsigned old;

			if (P->t != T_STR)
				return expected(P, "a string");
			if (old_policy_lookup(P->str, P->slen, &old))
				return perr(P, P->tline, P->tcol, -EINVAL,
					    "invalid policy \"%.*s\"",
					    (int)(P->slen > 64 ? 64 : P->slen),
					    P->str);
			caps |= old;
			if ((rc = next(P)))
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
	if ((rc = policy_add(P->pol, path, plen, caps, P->input, pline, pcol,
			     P->err)))
		return rc;
	return next(P);
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
		unsigned caps = 0;
		int rc = 0;

		if (json_is_array(val)) {
			size_t i;
			json_t *r;

			json_array_foreach(val, i, r)
			{
				if ((rc = json_caps(r, key, &caps, input, err)))
					return rc;
			}
		} else if ((rc = json_caps(val, key, &caps, input, err))) {
			return rc;
		}
		if ((rc = policy_add(pol, key, strlen(key), caps, input, 0, 0,
				     err)))
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
	for (size_t i = 0; i < p->n; i++)
		free(p->rules[i].path);
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
