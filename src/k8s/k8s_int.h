/*
 * k8s_int.h - internals shared by the files of src/k8s/ (not for other
 * subsystems): the YAML stream parser behind k8s_load_buffer and the PSS
 * check table.
 */
#ifndef BW_K8S_K8S_INT_H
#define BW_K8S_K8S_INT_H

#include <jansson.h>
#include <stddef.h>

#include "k8s/k8s.h"

/* Called for each document that parsed: doc is borrowed (NULL for an empty
 * document), index is 0-based, line 1-based.  A non-zero return stops the
 * parse and is returned. */
typedef int (*k8s_doc_fn)(void *ctx, json_t *doc, int index, int line);

/*
 * Parses a YAML (or JSON) stream into one jansson tree per document with
 * the Kubernetes scalar rules and the K8S_MAX_* bounds.  An invalid
 * document is reported through warn (input = label, with line and column,
 * the message naming the document) and parsing resumes at the next
 * document marker when there is one.  Returns 0, or a negative code on
 * memory exhaustion, too many documents, or doc_fn's non-zero value.
 */
int k8s_yaml_parse(const char *buf, size_t len, const char *label,
		   k8s_doc_fn doc_fn, void *ctx, k8s_warn_fn warn, void *wctx,
		   struct bw_error *err);

/* ---- Pod Security Standards checks (pss_checks.c, pss_int.h) ------------- */

/* A growable string, bounded at PSS_MAX_TEXT; oom records failures so a
 * sequence of appends is checked once. */
#define PSS_MAX_TEXT 65536
struct pss_buf {
	char *p;
	size_t n, cap;
	int oom;
};

/* The pod as the checks see it. */
struct pss_pod {
	json_t *meta; /* may be NULL */
	json_t *spec;
	int windows; /* spec.os.name == "windows" */
	int userns;  /* spec.hostUsers == false */
};

struct pss_check;
/* Returns 0 when allowed, 1 when denied (reason and detail filled). */
typedef int (*pss_check_fn)(const struct pss_check *c, const struct pss_pod *p,
			    int minor, struct pss_buf *reason,
			    struct pss_buf *detail);

/* One versioned implementation of a check: it applies from v1.min_minor
 * until the next row with the same id.  overrides names the baseline check
 * this restricted one replaces at the restricted level. */
struct pss_check {
	const char *id;
	enum k8s_pss_level level;
	int min_minor;
	pss_check_fn fn;
	const char *overrides;
};

/* The table, sorted by level then id then min_minor. */
extern const struct pss_check k8s_pss_checks[];
extern const size_t k8s_pss_n_checks;
/* Newest policy version the table knows (latest evaluates as this). */
#define K8S_PSS_MAX_KNOWN_MINOR 37

/* pss_helpers.c */
void pss_buf_printf(struct pss_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
