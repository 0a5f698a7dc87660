/*
 * policy_hcl_lex.c - the lexer of the HCL policy form: whitespace and
 * comments ("#", "//", block comments) skipped, strings decoded with their
 * escapes (\uXXXX and \UXXXXXXXX into UTF-8; a NUL, a surrogate or an
 * unknown escape refused), words, and the punctuation tokens, each with
 * the line and column it starts at for errors.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "vault/policy_hcl_int.h"

int hcl_perr(struct parser *P, int line, int col, int code, const char *fmt,
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
					return hcl_perr(P, l, k, -EINVAL,
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
		return hcl_perr(P, P->tline, P->tcol, -EINVAL,
				"unterminated string");
	out = malloc(end - P->pos);
	if (!out)
		return hcl_perr(P, P->tline, P->tcol, -ENOMEM, "out of memory");
	advance(P); /* opening quote */
	while (P->pos < end) {
		int c = at(P, 0), l = P->line, k = P->col;
		uint32_t cp = 0;
		int digits = 0;

		if (c == 0) {
			free(out);
			return hcl_perr(P, l, k, -EINVAL, "NUL byte in string");
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
			return hcl_perr(P, l, k, -EINVAL,
					"unknown escape sequence in string");
		}
		for (int i = 0; i < digits; i++) {
			int h = P->pos < end ? hexval(at(P, 0)) : -1;

			if (h < 0) {
				free(out);
				return hcl_perr(
				    P, l, k, -EINVAL,
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
			return hcl_perr(P, l, k, -EINVAL,
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
int hcl_next(struct parser *P)
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
				return hcl_perr(P, P->tline, P->tcol, -EINVAL,
						"unexpected character '%c'", c);
			return hcl_perr(P, P->tline, P->tcol, -EINVAL,
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

const char *hcl_tok_name(enum tok_type t)
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

int hcl_expected(struct parser *P, const char *what)
{
	return hcl_perr(P, P->tline, P->tcol, -EINVAL, "expected %s, found %s",
			what, hcl_tok_name(P->t));
}
