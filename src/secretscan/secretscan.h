/*
 * secretscan.h - finds secrets (cloud keys, tokens, private keys, passwords)
 * in the text files of an image, as Trivy's secret scanner does, so secrets
 * baked into a layer are reported by `bulwark scan`.
 *
 * The rules are a table (secretscan.c): an id, a title, a severity, a few
 * lower-case keywords and a PCRE2 pattern, optionally an entropy floor for
 * the captured secret and a file-name suffix the rule is limited to.  One
 * pass over a file finds which rules' keywords occur in it (case-
 * insensitively); a rule's pattern runs (JIT-compiled once in
 * secretscan_new) only then, so most files cost that one pass.
 *
 * Which files are scanned (secretscan_want_path): regular files up to
 * SECRETSCAN_MAX_FILE bytes that look like text (no NUL in the first
 * SECRETSCAN_TEXT_PROBE bytes), outside the trees where secret-looking
 * strings are examples or data rather than secrets: package-manager
 * databases, documentation (usr/share/doc, man, info, *.md, *.rst), test
 * directories inside language package trees (usr/lib/python3*, site-
 * packages, node_modules), Go toolchains, CA bundles; and never files
 * with binary extensions (images, archives, compiled code).
 *
 * Matched secrets never leave this module whole: a match carries only its
 * redacted form, the first 4 characters followed by "****".
 *
 * Thread model: a struct secretscan holds one match-data block and is used
 * by one thread at a time.
 */
#ifndef BW_SECRETSCAN_SECRETSCAN_H
#define BW_SECRETSCAN_SECRETSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define SECRETSCAN_MAX_FILE (1u << 20) /* larger files are not scanned */
#define SECRETSCAN_TEXT_PROBE 8192     /* a NUL here: binary, skipped */
#define SECRETSCAN_MAX_PER_FILE 100    /* matches reported per file */
#define SECRETSCAN_REDACTED_MAX 16     /* "abcd****" + NUL, with room */

/* Severities use enum vuln_severity's values (vulndb/db.h): 1 low, 2
 * medium, 3 high, 4 critical. */
struct secret_rule {
	const char *id;	   /* "aws-access-key-id" (Trivy's ids) */
	const char *title; /* "AWS Access Key ID" */
	int severity;
	const char *const *keywords; /* lower-case, NULL-terminated */
	const char *pattern;	     /* PCRE2; group 1, when present, is the
					secret itself, else the whole match */
	double min_entropy;	 /* Shannon bits/char of the secret, 0 none */
	size_t min_len;		 /* of the secret, 0 none */
	const char *path_suffix; /* only files whose path ends so, or NULL */
};

struct secret_match {
	const struct secret_rule *rule;
	size_t line;				/* 1-based */
	char redacted[SECRETSCAN_REDACTED_MAX]; /* "AKIA****" */
};

struct secretscan;

/* Compiles every rule.  Returns 0 or -ENOMEM / -EINVAL (a rule does not
 * compile: the message names it). */
int secretscan_new(struct secretscan **ret, struct bw_error *err);
void secretscan_free(struct secretscan *s);

size_t secretscan_nrules(void);
const struct secret_rule *secretscan_rule(size_t i);

/* 1 when a file at path (normalised, relative: "app/config.env") of size
 * bytes should be read and scanned, 0 when it is skipped. */
int secretscan_want_path(const char *path, uint64_t size);

/* 1 when buf looks like text (no NUL in its first SECRETSCAN_TEXT_PROBE
 * bytes). */
int secretscan_is_text(const char *buf, size_t len);

/* Writes the redacted form of a secret (first 4 chars + "****"; only
 * "****" for a secret of 4 chars or fewer). */
void secretscan_redact(const char *secret, size_t len,
		       char out[SECRETSCAN_REDACTED_MAX]);

typedef int (*secret_match_fn)(void *ctx, const struct secret_match *m);

/*
 * Scans one file's content (buf need not be NUL-terminated) and calls fn
 * for each match, in rule order then file order; at most
 * SECRETSCAN_MAX_PER_FILE calls.  A negative return from fn stops the scan
 * and is returned.  Returns 0, -ENOMEM, or fn's code.  Binary content is
 * not checked here: callers test secretscan_is_text first.
 */
int secretscan_scan(struct secretscan *s, const char *path, const char *buf,
		    size_t len, secret_match_fn fn, void *ctx);

#endif
