/*
 * kubelet_yaml.c - hb_yaml_flatten: the KubeletConfiguration YAML read with
 * libyaml events (no aliases expanded) and flattened into dotted keys
 * ("authentication.anonymous.enabled"), a sequence of scalars into one
 * comma-joined value, for the kubelet checks (checks_kubelet.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "hostbench/hostbench.h"

/* ---- YAML flattening -------------------------------------------------- */

enum frame_state { F_KEY, F_VALUE, F_SKIP_VALUE };

struct yframe {
	bool is_map;
	bool ignore;	     /* inside something we do not extract */
	enum frame_state st; /* maps: what the next node is */
	size_t prefix_len;   /* path length of this container */
	char *join;	     /* sequences: comma-joined scalars */
	size_t join_len;
	bool join_any;
};

struct yflat {
	struct yframe fr[HB_MAX_YAML_DEPTH];
	int depth;
	char path[HB_MAX_VALUE];
	size_t path_len;
	struct hb_kvset *out;
};

static int yflat_join(struct yframe *f, const char *v, size_t vlen)
{
	char *n;

	if (f->join_len + vlen + 2 > HB_MAX_VALUE)
		return -E2BIG;
	n = realloc(f->join, f->join_len + vlen + 2);
	if (!n)
		return -ENOMEM;
	f->join = n;
	if (f->join_any)
		f->join[f->join_len++] = ',';
	memcpy(f->join + f->join_len, v, vlen);
	f->join_len += vlen;
	f->join[f->join_len] = '\0';
	f->join_any = true;
	return 0;
}

/* A node (scalar or container start) arrives in the current frame. */
static int yflat_scalar(struct yflat *y, const char *v, size_t vlen,
			bool is_alias)
{
	struct yframe *f;

	if (y->depth == 0)
		return 0; /* a bare scalar document: nothing to extract */
	f = &y->fr[y->depth - 1];
	if (f->ignore)
		return 0;
	if (!f->is_map)
		return is_alias ? 0 : yflat_join(f, v, vlen);
	switch (f->st) {
	case F_KEY:
		if (is_alias) {
			f->st = F_SKIP_VALUE;
			return 0;
		}
		if (f->prefix_len + 1 + vlen >= sizeof(y->path))
			return -E2BIG;
		y->path_len = f->prefix_len;
		if (y->path_len)
			y->path[y->path_len++] = '.';
		memcpy(y->path + y->path_len, v, vlen);
		y->path_len += vlen;
		y->path[y->path_len] = '\0';
		f->st = F_VALUE;
		return 0;
	case F_VALUE:
		f->st = F_KEY;
		if (is_alias)
			return 0;
		return hb_kvset_put(y->out, y->path, y->path_len, v, vlen);
	case F_SKIP_VALUE:
		f->st = F_KEY;
		return 0;
	}
	return 0;
}

static int yflat_push(struct yflat *y, bool is_map)
{
	struct yframe *parent = y->depth ? &y->fr[y->depth - 1] : NULL;
	struct yframe *f;
	bool ignore = false;

	if (y->depth >= HB_MAX_YAML_DEPTH)
		return -E2BIG;
	if (parent) {
		if (parent->ignore || !parent->is_map)
			ignore = true;
		else if (parent->st == F_KEY) /* a complex key */
			ignore = true;
		else if (parent->st == F_SKIP_VALUE)
			ignore = true;
	} else if (!is_map) {
		ignore = true;
	}
	f = &y->fr[y->depth++];
	memset(f, 0, sizeof(*f));
	f->is_map = is_map;
	f->ignore = ignore;
	f->st = F_KEY;
	f->prefix_len = parent && !ignore ? y->path_len : 0;
	return 0;
}

static int yflat_pop(struct yflat *y)
{
	struct yframe *f, *parent;
	int rc = 0;

	if (y->depth == 0)
		return 0;
	f = &y->fr[--y->depth];
	parent = y->depth ? &y->fr[y->depth - 1] : NULL;
	if (!f->ignore && !f->is_map && parent) {
		y->path_len = f->prefix_len;
		y->path[y->path_len] = '\0';
		rc = hb_kvset_put(y->out, y->path, y->path_len,
				  f->join ? f->join : "", f->join_len);
	}
	free(f->join);
	f->join = NULL;
	if (parent && parent->is_map)
		parent->st = parent->st == F_KEY ? F_SKIP_VALUE : F_KEY;
	return rc;
}

int hb_yaml_flatten(const char *buf, size_t len, struct hb_kvset *s,
		    const char *input, struct bw_error *err)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct yflat *y;
	int rc = 0;
	bool done = false, top_seen = false;

	if (len > HB_MAX_FILE)
		return bw_errorf(err, -E2BIG, input, 0, 0,
				 "file larger than %u bytes", HB_MAX_FILE);
	y = calloc(1, sizeof(*y));
	if (!y)
		return -ENOMEM;
	y->out = s;
	if (!yaml_parser_initialize(&p)) {
		free(y);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done && !rc) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = bw_errorf(err, -EINVAL, input,
				       (int)p.problem_mark.line + 1,
				       (int)p.problem_mark.column + 1, "%s",
				       p.problem ? p.problem : "invalid YAML");
			break;
		}
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
			rc = yflat_scalar(y, (const char *)ev.data.scalar.value,
					  ev.data.scalar.length, false);
			break;
		case YAML_ALIAS_EVENT:
			rc = yflat_scalar(y, "", 0, true);
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (y->depth == 0) {
				if (top_seen) { /* only the first document */
					done = true;
					break;
				}
				top_seen = true;
			}
			rc = yflat_push(y, ev.type == YAML_MAPPING_START_EVENT);
			if (rc == -E2BIG)
				bw_errorf(err, rc, input,
					  (int)ev.start_mark.line + 1,
					  (int)ev.start_mark.column + 1,
					  "nested deeper than %d levels",
					  HB_MAX_YAML_DEPTH);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			rc = yflat_pop(y);
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (rc == -E2BIG && err && !err->code)
		bw_errorf(err, rc, input, 0, 0, "too many or too long fields");
	while (y->depth) {
		free(y->fr[y->depth - 1].join);
		y->depth--;
	}
	yaml_parser_delete(&p);
	free(y);
	return rc;
}
