/*
 * policy_hcl_int.h - internal to the HCL form of the ACL policy language
 * (policy_hcl_lex.c, policy_hcl.c, policy_hcl_params.c; policy_parse.c
 * has the overview): its grammar, the parser state the three files share,
 * and what one of them calls in another (the hcl_ prefix).
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
 */
#ifndef BW_VAULT_POLICY_HCL_INT_H
#define BW_VAULT_POLICY_HCL_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "vault/policy_internal.h"
#include "vault/vault.h"

#define POLICY_MAX_DEPTH 32

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

/* ---- policy_hcl_lex.c ---- */

/* Sets P->err to the message at line:col with code, and returns code. */
int hcl_perr(struct parser *P, int line, int col, int code, const char *fmt,
	     ...) __attribute__((format(printf, 5, 6)));
/* Reads the next token into P->t (a T_STR decoded into P->str). */
int hcl_next(struct parser *P);
/* How a token type reads in an error ("'{'", "a string" ...). */
const char *hcl_tok_name(enum tok_type t);
/* The error "expected <what>, found <the current token>". */
int hcl_expected(struct parser *P, const char *what);

/* ---- policy_hcl_params.c ---- */

/* At the '{' of allowed_parameters / denied_parameters (attr): each
 * name = [values] into *map. */
int hcl_parse_param_map(struct parser *P, const char *attr, json_t **map);
/* At the '[' of required_parameters: names into *req. */
int hcl_parse_required(struct parser *P, json_t **req);
/* A wrapping TTL (attr) at a STRING or WORD into *ret seconds. */
int hcl_parse_wrap_ttl(struct parser *P, const char *attr, int64_t *ret);

#endif
