/*
 * yaml.c - YAML (and JSON) streams to jansson trees, the way Kubernetes
 * reads manifests (sigs.k8s.io/yaml: go-yaml v2 resolution, then JSON).
 *
 * libyaml's event parser drives a small builder: an explicit stack of open
 * collections (bounded by K8S_MAX_DEPTH), a table of anchors, and a count
 * of the nodes alias expansion has produced in the current document
 * (bounded by K8S_MAX_ALIAS_NODES, so "billion laughs" fails after at most
 * that many copied nodes instead of exhausting memory).  Plain scalars are
 * resolved with the YAML 1.1 rules go-yaml v2 applies (null/~, yes/no/on/
 * off/true/false, 0x/0o/0b/leading-0 integers, underscores, floats); quoted
 * and block scalars and !!str are strings.  Merge keys (<<) are applied when
 * their mapping closes, explicit keys winning.  Duplicate keys, non-scalar
 * keys, unknown aliases and the bounds are per-document errors: the rest of
 * the document is skipped.  A syntax error stops libyaml for good, so the
 * parse restarts on a fresh parser at the next line that starts with
 * "---" after the error (the document index and line numbers continue).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "k8s/k8s_int.h"

/* Anchors defined in one document (each lookup is a linear scan). */
#define K8S_MAX_ANCHORS 4096

struct anchor {
	char *name;
	json_t *node; /* reference held */
	size_t count; /* nodes in the subtree, alias expansions included */
};

struct frame {
	json_t *node; /* object or array being filled (reference held) */
	char *anchor; /* anchor to register when it closes (owned) */
	size_t count;
	int is_map;
	int have_key;  /* mapping: a key is pending */
	int key_merge; /* the pending key is "<<" */
	char *key;     /* the pending key: keys[depth] of the builder */
	size_t key_len;
	json_t *merges; /* array of mappings to merge in, NULL if none */
};

/* A mapping's pending key, kept in a buffer per nesting level that is
 * reused for every key at that level (grown to the longest key seen). */
struct key_buf {
	char *p;
	size_t cap;
};

struct builder {
	struct frame stack[K8S_MAX_DEPTH + 1];
	struct key_buf keys[K8S_MAX_DEPTH + 1];
	int depth;
	json_t *root;
	struct anchor *anchors;
	size_t n_anchors, cap_anchors;
	size_t alias_nodes;
	int failed; /* a semantic error was reported: skip to document end */
};

struct stream {
	const char *label;
	k8s_doc_fn doc_fn;
	void *ctx;
	k8s_warn_fn warn;
	void *wctx;
	int index;    /* current document index */
	int line_off; /* line of the current parser's first byte (0-based) */
	int last_start_line; /* absolute 0-based line of the last document start
			      */
	int doc_line;	     /* 1-based start of the current document */
};

/* ---- reporting ------------------------------------------------------------
 */

static void report(struct stream *s, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(struct stream *s, int line, int col, const char *fmt, ...)
{
	struct bw_error e;
	char msg[BW_ERROR_MSG_MAX - 32];
	va_list ap;

	if (!s->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bw_error_clear(&e);
	bw_errorf(&e, -EINVAL, s->label, line, col, "document %d: %s", s->index,
		  msg);
	s->warn(s->wctx, &e);
}

/* ---- builder ----------------------------------------------------------------
 */

static void frame_clear(struct frame *f)
{
	json_decref(f->node);
	json_decref(f->merges);
	free(f->anchor);
	memset(f, 0, sizeof(*f));
}

static void builder_reset(struct builder *b)
{
	while (b->depth > 0)
		frame_clear(&b->stack[--b->depth]);
	json_decref(b->root);
	b->root = NULL;
	for (size_t i = 0; i < b->n_anchors; i++) {
		free(b->anchors[i].name);
		json_decref(b->anchors[i].node);
	}
	b->n_anchors = 0;
	b->alias_nodes = 0;
	b->failed = 0;
}

static void builder_free(struct builder *b)
{
	builder_reset(b);
	free(b->anchors);
	b->anchors = NULL;
	b->cap_anchors = 0;
	for (size_t i = 0; i <= K8S_MAX_DEPTH; i++) {
		free(b->keys[i].p);
		b->keys[i].p = NULL;
		b->keys[i].cap = 0;
	}
}

/* Semantic error in the current document: report once, drop the tree. */
static void doc_fail(struct stream *s, struct builder *b, const yaml_mark_t *m,
		     const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void doc_fail(struct stream *s, struct builder *b, const yaml_mark_t *m,
		     const char *fmt, ...)
{
	char msg[BW_ERROR_MSG_MAX - 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report(s, (int)m->line + 1 + s->line_off, (int)m->column + 1, "%s",
	       msg);
	builder_reset(b);
	b->failed = 1;
}

static int anchor_add(struct builder *b, const char *name, json_t *node,
		      size_t count)
{
	char *dup;

	if (b->n_anchors == b->cap_anchors) {
		size_t ncap = b->cap_anchors ? b->cap_anchors * 2 : 8;
		struct anchor *na = realloc(b->anchors, ncap * sizeof(*na));

		if (!na)
			return -ENOMEM;
		b->anchors = na;
		b->cap_anchors = ncap;
	}
	dup = strdup(name);
	if (!dup)
		return -ENOMEM;
	b->anchors[b->n_anchors].name = dup;
	b->anchors[b->n_anchors].node = json_incref(node);
	b->anchors[b->n_anchors].count = count;
	b->n_anchors++;
	return 0;
}

static const struct anchor *anchor_find(const struct builder *b,
					const char *name)
{
	for (size_t i = b->n_anchors; i-- > 0;)
		if (!strcmp(b->anchors[i].name, name))
			return &b->anchors[i];
	return NULL;
}

/* ---- scalars ----------------------------------------------------------------
 */

static int eq_any(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && !memcmp(s, *list, n))
			return 1;
	return 0;
}

static const char *const nulls[] = {"~", "null", "Null", "NULL", NULL};
static const char *const trues[] = {"y",  "Y",	"yes",	"Yes",	"YES",	"on",
				    "On", "ON", "true", "True", "TRUE", NULL};
static const char *const falses[] = {"n",     "N",     "no",	"No",
				     "NO",    "off",   "Off",	"OFF",
				     "false", "False", "FALSE", NULL};

static int digit_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Go's strconv.ParseInt(s, 0, 64) on the underscore-free text; 1 when it
 * is an integer (*big set when it only fits an unsigned 64-bit). */
static int parse_int(const char *s, size_t n, long long *ret, double *ret_big,
		     int *big)
{
	int neg = 0, base = 10;
	uint64_t v = 0;
	size_t i = 0;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i >= n)
		return 0;
	if (s[i] == '0' && i + 1 < n) {
		char p = s[i + 1];

		if (p == 'x' || p == 'X')
			base = 16, i += 2;
		else if (p == 'o' || p == 'O')
			base = 8, i += 2;
		else if (p == 'b' || p == 'B')
			base = 2, i += 2;
		else
			base = 8, i += 1;
		if (i >= n)
			return 0;
	}
	for (; i < n; i++) {
		int d = digit_val(s[i]);

		if (d >= base)
			return 0;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return 0; /* overflow: not an int (maybe a float) */
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*big = 0;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return 0;
		*ret = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(long long)v;
		return 1;
	}
	if (v > (uint64_t)INT64_MAX) {
		*big = 1;
		*ret_big = (double)v;
		return 1;
	}
	*ret = (long long)v;
	return 1;
}

/* go-yaml's float syntax: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
 */
static int is_float(const char *s, size_t n)
{
	size_t i = 0, d = 0;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, d++;
		if (!d)
			return 0;
	} else {
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, d++;
		if (!d)
			return 0;
		if (i < n && s[i] == '.') {
			i++;
			while (i < n && s[i] >= '0' && s[i] <= '9')
				i++;
		}
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		d = 0;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, d++;
		if (!d)
			return 0;
	}
	return i == n;
}

static json_t *resolve_plain(const char *s, size_t n)
{
	char num[128];
	size_t m = 0;
	long long iv;
	double big;
	int is_big;

	if (n == 0 || eq_any(s, n, nulls))
		return json_null();
	if (eq_any(s, n, trues))
		return json_true();
	if (eq_any(s, n, falses))
		return json_false();
	if (!strchr("+-.0123456789", s[0]) || n >= sizeof(num))
		return json_stringn(s, n);
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			num[m++] = s[i];
	num[m] = '\0';
	if (parse_int(num, m, &iv, &big, &is_big))
		return is_big ? json_real(big) : json_integer(iv);
	if (is_float(num, m)) {
		char *end;
		double d = strtod(num, &end);

		if (end == num + m)
			return json_real(d);
	}
	return json_stringn(s, n);
}

static json_t *resolve_scalar(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;

	if (tag && !strcmp(tag, YAML_STR_TAG))
		return json_stringn(s, n);
	if (tag && !strncmp(tag, "tag:yaml.org,2002:", 18))
		return resolve_plain(s, n);
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return json_stringn(s, n);
	return resolve_plain(s, n);
}

/* ---- tree assembly --------------------------------------------------------
 */

/* Attaches a finished node (reference taken over) to its parent or as the
 * root; registers its anchor.  Returns 0, -ENOMEM, or 1 after a reported
 * document error. */
static int attach(struct stream *s, struct builder *b, json_t *v, size_t count,
		  const char *anchor, const yaml_mark_t *m)
{
	struct frame *f;
	size_t size;

	if (!v)
		return -ENOMEM;
	if (anchor) {
		if (b->n_anchors >= K8S_MAX_ANCHORS) {
			json_decref(v);
			doc_fail(s, b, m, "more than %d anchors",
				 K8S_MAX_ANCHORS);
			return 1;
		}
		if (anchor_add(b, anchor, v, count)) {
			json_decref(v);
			return -ENOMEM;
		}
	}
	if (b->depth == 0) {
		json_decref(b->root);
		b->root = v;
		return 0;
	}
	f = &b->stack[b->depth - 1];
	f->count += count;
	if (!f->is_map)
		return json_array_append_new(f->node, v) ? -ENOMEM : 0;
	if (f->key_merge) {
		f->have_key = 0;
		f->key_merge = 0;
		if (!json_is_object(v) && !json_is_array(v)) {
			json_decref(v);
			doc_fail(s, b, m,
				 "merge key << needs a mapping or a sequence "
				 "of mappings");
			return 1;
		}
		if (!f->merges && !(f->merges = json_array()))
			return json_decref(v), -ENOMEM;
		return json_array_append_new(f->merges, v) ? -ENOMEM : 0;
	}
	/* One hash lookup, not two: a key that was already there replaces
	 * the value without growing the mapping, and the document is dropped
	 * anyway. */
	size = json_object_size(f->node);
	if (json_object_setn_new(f->node, f->key, f->key_len, v)) {
		doc_fail(s, b, m, "mapping key is not valid UTF-8");
		return 1;
	}
	if (json_object_size(f->node) == size) {
		doc_fail(s, b, m, "duplicate mapping key \"%.*s\"",
			 (int)(f->key_len > 100 ? 100 : f->key_len), f->key);
		return 1;
	}
	f->have_key = 0;
	return 0;
}

/* A mapping key: text of a scalar (plain keys keep their text, as
 * sigs.k8s.io/yaml turns non-string keys back into strings). */
static int set_key(struct stream *s, struct builder *b, const char *k, size_t n,
		   int merge, const yaml_mark_t *m)
{
	struct frame *f = &b->stack[b->depth - 1];
	struct key_buf *kb = &b->keys[b->depth - 1];

	(void)s;
	(void)m;
	if (n + 1 > kb->cap) {
		size_t ncap = n + 1 > 64 ? n + 1 : 64;
		char *np = realloc(kb->p, ncap);

		if (!np)
			return -ENOMEM;
		kb->p = np;
		kb->cap = ncap;
	}
	f->key = kb->p;
	memcpy(f->key, k, n);
	f->key[n] = '\0';
	f->key_len = n;
	f->have_key = 1;
	f->key_merge = merge;
	return 0;
}

static int expecting_key(const struct builder *b)
{
	const struct frame *f;

	if (b->depth == 0)
		return 0;
	f = &b->stack[b->depth - 1];
	return f->is_map && !f->have_key;
}

static int open_collection(struct stream *s, struct builder *b, int is_map,
			   const yaml_char_t *anchor, const yaml_mark_t *m)
{
	struct frame *f;

	if (expecting_key(b)) {
		doc_fail(s, b, m, "mapping keys must be scalars");
		return 1;
	}
	if (b->depth >= K8S_MAX_DEPTH) {
		doc_fail(s, b, m, "nesting deeper than %d levels",
			 K8S_MAX_DEPTH);
		return 1;
	}
	f = &b->stack[b->depth];
	memset(f, 0, sizeof(*f));
	f->node = is_map ? json_object() : json_array();
	if (!f->node)
		return -ENOMEM;
	f->is_map = is_map;
	f->count = 1;
	if (anchor && !(f->anchor = strdup((const char *)anchor))) {
		json_decref(f->node);
		f->node = NULL;
		return -ENOMEM;
	}
	b->depth++;
	return 0;
}

static int merge_into(json_t *dst, json_t *src)
{
	const char *k;
	size_t klen;
	json_t *v;

	if (!json_is_object(src))
		return 1;
	json_object_keylen_foreach(src, k, klen, v)
	{
		if (!json_object_getn(dst, k, klen) &&
		    json_object_setn(dst, k, klen, v))
			return -ENOMEM;
	}
	return 0;
}

static int close_collection(struct stream *s, struct builder *b,
			    const yaml_mark_t *m)
{
	struct frame f;
	int rc;

	if (b->depth == 0)
		return 0;
	f = b->stack[--b->depth];
	memset(&b->stack[b->depth], 0, sizeof(f));
	if (f.merges) {
		size_t i;
		json_t *src;

		json_array_foreach(f.merges, i, src)
		{
			if (json_is_array(src)) {
				size_t j;
				json_t *item;

				json_array_foreach(src, j, item)
				{
					rc = merge_into(f.node, item);
					if (rc)
						break;
				}
			} else {
				rc = merge_into(f.node, src);
			}
			if (rc < 0) {
				frame_clear(&f);
				return rc;
			}
			if (rc > 0) {
				frame_clear(&f);
				doc_fail(s, b, m,
					 "merge key << needs mappings");
				return 1;
			}
		}
	}
	rc = attach(s, b, json_incref(f.node), f.count, f.anchor, m);
	frame_clear(&f);
	return rc;
}

static int on_alias(struct stream *s, struct builder *b, const yaml_event_t *ev)
{
	const struct anchor *a =
	    anchor_find(b, (const char *)ev->data.alias.anchor);
	json_t *copy;

	if (!a) {
		doc_fail(s, b, &ev->start_mark, "unknown alias \"*%.64s\"",
			 (const char *)ev->data.alias.anchor);
		return 1;
	}
	if (expecting_key(b)) {
		if (!json_is_string(a->node)) {
			doc_fail(s, b, &ev->start_mark,
				 "alias used as a mapping key must name a "
				 "string");
			return 1;
		}
		return set_key(s, b, json_string_value(a->node),
			       json_string_length(a->node), 0, &ev->start_mark);
	}
	if (a->count > K8S_MAX_ALIAS_NODES - b->alias_nodes) {
		doc_fail(
		    s, b, &ev->start_mark,
		    "alias expansion exceeds %u nodes (\"billion laughs\")",
		    (unsigned)K8S_MAX_ALIAS_NODES);
		return 1;
	}
	b->alias_nodes += a->count;
	copy = json_deep_copy(a->node);
	return attach(s, b, copy, a->count, NULL, &ev->start_mark);
}

static int on_scalar(struct stream *s, struct builder *b,
		     const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;

	if (expecting_key(b)) {
		int merge = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			    n == 2 && !memcmp(v, "<<", 2);
		int rc = set_key(s, b, v, n, merge, &ev->start_mark);

		if (!rc && ev->data.scalar.anchor) {
			json_t *k = json_stringn(v, n);

			if (!k)
				return -ENOMEM;
			if (b->n_anchors >= K8S_MAX_ANCHORS) {
				json_decref(k);
				doc_fail(s, b, &ev->start_mark,
					 "more than %d anchors",
					 K8S_MAX_ANCHORS);
				return 1;
			}
			rc = anchor_add(b, (const char *)ev->data.scalar.anchor,
					k, 1);
			json_decref(k);
		}
		return rc;
	}
	return attach(s, b, resolve_scalar(ev), 1,
		      (const char *)ev->data.scalar.anchor, &ev->start_mark);
}

/* One event into the builder.  Returns 0, 1 after a reported document
 * error, or a negative code. */
static int on_node_event(struct stream *s, struct builder *b,
			 const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return on_scalar(s, b, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(s, b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return open_collection(s, b, 0, ev->data.sequence_start.anchor,
				       &ev->start_mark);
	case YAML_MAPPING_START_EVENT:
		return open_collection(s, b, 1, ev->data.mapping_start.anchor,
				       &ev->start_mark);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return close_collection(s, b, &ev->start_mark);
	default:
		return 0;
	}
}

/* ---- the stream -----------------------------------------------------------
 */

/* Byte offset of the first line >= from_line (0-based, relative to buf)
 * that starts a document ("---" then blank or end), or len. */
static size_t next_doc_marker(const char *buf, size_t len, int from_line,
			      int *ret_line)
{
	size_t off = 0;
	int line = 0;

	while (off < len) {
		if (line >= from_line && len - off >= 3 &&
		    !memcmp(buf + off, "---", 3) &&
		    (len - off == 3 || strchr(" \t\r\n", buf[off + 3]))) {
			*ret_line = line;
			return off;
		}
		const char *nl = memchr(buf + off, '\n', len - off);

		if (!nl)
			break;
		off = (size_t)(nl - buf) + 1;
		line++;
	}
	return len;
}

/* Runs one libyaml parser over buf.  Returns 0 at the stream's end, 1 after
 * a syntax error (*ret_err_line = its 0-based line relative to buf), or a
 * negative code. */
static int parse_run(struct stream *s, struct builder *b, const char *buf,
		     size_t len, int *ret_err_line)
{
	yaml_parser_t p;
	int rc = 0, in_doc = 0;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	for (;;) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&p, &ev)) {
			if (p.error == YAML_MEMORY_ERROR) {
				rc = -ENOMEM;
				break;
			}
			report(s, (int)p.problem_mark.line + 1 + s->line_off,
			       (int)p.problem_mark.column + 1,
			       "invalid YAML: %s%s%s",
			       p.problem ? p.problem : "syntax error",
			       p.context ? " " : "",
			       p.context ? p.context : "");
			builder_reset(b);
			*ret_err_line = (int)p.problem_mark.line;
			rc = 1;
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT) {
			if (s->index >= K8S_MAX_DOCS) {
				yaml_event_delete(&ev);
				rc = -E2BIG;
				break;
			}
			builder_reset(b);
			in_doc = 1;
			s->last_start_line =
			    (int)ev.start_mark.line + s->line_off;
			s->doc_line = s->last_start_line + 1;
		} else if (ev.type == YAML_DOCUMENT_END_EVENT) {
			if (!b->failed && s->doc_fn)
				rc = s->doc_fn(s->ctx, b->root, s->index,
					       s->doc_line);
			builder_reset(b);
			in_doc = 0;
			s->index++;
		} else if (in_doc && !b->failed) {
			rc = on_node_event(s, b, &ev);
			if (rc > 0)
				rc = 0;
		}
		yaml_event_delete(&ev);
		if (rc)
			break;
	}
	yaml_parser_delete(&p);
	return rc;
}

int k8s_yaml_parse(const char *buf, size_t len, const char *label,
		   k8s_doc_fn doc_fn, void *ctx, k8s_warn_fn warn, void *wctx,
		   struct bw_error *err)
{
	struct stream s = {
	    .label = label ? label : "",
	    .doc_fn = doc_fn,
	    .ctx = ctx,
	    .warn = warn,
	    .wctx = wctx,
	    .last_start_line = -1,
	};
	struct builder *b;
	size_t off = 0;
	int rc;

	if (!buf && len)
		return bw_errorf(err, -EINVAL, label, 0, 0, "no input");
	b = calloc(1, sizeof(*b));
	if (!b)
		return bw_errorf(err, -ENOMEM, label, 0, 0, "out of memory");
	for (;;) {
		int err_line = 0, mline = 0;
		size_t moff;
		int from;

		rc = parse_run(&s, b, buf + off, len - off, &err_line);
		if (rc <= 0)
			break;
		/* Resynchronise on the next document marker after both the
		 * error and the failed document's start. */
		s.index++;
		from = err_line;
		if (s.last_start_line - s.line_off + 1 > from)
			from = s.last_start_line - s.line_off + 1;
		if (from < 1)
			from = 1;
		moff = next_doc_marker(buf + off, len - off, from, &mline);
		if (moff >= len - off) {
			rc = 0;
			break;
		}
		off += moff;
		s.line_off += mline;
		s.last_start_line = s.line_off - 1;
	}
	builder_free(b);
	free(b);
	if (rc == -ENOMEM)
		return bw_errorf(err, rc, label, 0, 0, "out of memory");
	if (rc == -E2BIG)
		return bw_errorf(err, rc, label, 0, 0, "more than %d documents",
				 K8S_MAX_DOCS);
	return rc;
}
