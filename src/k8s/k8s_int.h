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

#endif
