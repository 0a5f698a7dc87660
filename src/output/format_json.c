/*
 * format_json.c - the Falco JSON alert line.
 *
 * Falco (userspace/engine/formats.cpp) builds the object with nlohmann::json,
 * whose objects are sorted maps, and dumps it compact:
 *   {"hostname":..,"output":..,"output_fields":{..},"priority":..,"rule":..,
 *    "source":..,"tags":[..],"time":"YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ"}
 * - "output" is the full text line, time and priority prefix included;
 * - "output_fields" are the rule's output fields plus "evt.time" (the event
 *   time in ns, an integer) from that prefix; keys sorted at every level;
 * - "tags" come from a std::set: sorted, no duplicates.
 * We do the same with jansson (JSON_COMPACT | JSON_SORT_KEYS).  The alert's
 * output_fields object is used as is when it already has "evt.time";
 * otherwise a shallow copy gets it (the alert is the caller's, never
 * modified).  If that object holds a string jansson cannot dump (invalid
 * UTF-8 put in with a _nocheck constructor), a repaired deep copy is used.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "output/output_int.h"

/* Deep copy of j with every string and key repaired to valid UTF-8. */
static json_t *json_repaired(json_t *j, int depth)
{
	json_t *out;

	if (depth > 64)
		return json_null();
	switch (json_typeof(j)) {
	case JSON_STRING: {
		size_t len;
		char *s = out_utf8_fix(json_string_value(j),
				       json_string_length(j), &len);

		if (!s)
			return NULL;
		out = json_stringn_nocheck(s, len);
		free(s);
		return out;
	}
	case JSON_OBJECT: {
		const char *k;
		json_t *v;

		out = json_object();
		if (!out)
			return NULL;
		json_object_foreach(j, k, v)
		{
			char *fk = out_utf8_fix(k, strlen(k), NULL);
			json_t *fv = json_repaired(v, depth + 1);

			if (!fk || !fv ||
			    json_object_set_new_nocheck(out, fk, fv)) {
				free(fk);
				json_decref(out);
				return NULL;
			}
			free(fk);
		}
		return out;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *v;

		out = json_array();
		if (!out)
			return NULL;
		json_array_foreach(j, i, v)
		{
			if (json_array_append_new(
				out, json_repaired(v, depth + 1))) {
				json_decref(out);
				return NULL;
			}
		}
		return out;
	}
	default:
		return json_incref(j);
	}
}

/* output_fields for the line: a new reference. */
static json_t *fields_for(const struct bw_alert *a)
{
	json_t *f = a->output_fields, *copy;

	if (json_is_object(f) && json_object_get(f, "evt.time"))
		return json_incref(f);
	copy = json_object();
	if (!copy)
		return NULL;
	if (json_is_object(f) && json_object_update(copy, f)) {
		json_decref(copy);
		return NULL;
	}
	if (json_object_set_new_nocheck(
		copy, "evt.time",
		json_integer((json_int_t)(a->ts_ns & INT64_MAX)))) {
		json_decref(copy);
		return NULL;
	}
	return copy;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Sorted, de-duplicated tags as a JSON array; NULL on ENOMEM. */
static json_t *tags_for(const struct bw_alert *a)
{
	json_t *arr = json_array();
	const char **v;
	size_t n = 0;

	if (!arr || !a->tags || !a->ntags)
		return arr;
	v = calloc(a->ntags, sizeof(*v));
	if (!v) {
		json_decref(arr);
		return NULL;
	}
	for (size_t i = 0; i < a->ntags; i++)
		if (a->tags[i])
			v[n++] = a->tags[i];
	qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(v[i], v[i - 1]))
			continue;
		if (json_array_append_new(arr, out_json_string(v[i]))) {
			json_decref(arr);
			arr = NULL;
			break;
		}
	}
	free(v);
	return arr;
}

static int set(json_t *obj, const char *key, json_t *v)
{
	return json_object_set_new_nocheck(obj, key, v) ? -ENOMEM : 0;
}

char *output_format_json(const struct bw_alert *a, const char *hostname)
{
	char tbuf[40], *line, *out = NULL;
	json_t *obj, *fields;
	int r = 0;

	if (!a)
		return NULL;
	line = out_format_line(a, false);
	obj = json_object();
	fields = fields_for(a);
	if (!line || !obj || !fields)
		goto done;
	output_format_time(a->ts_ns, tbuf);
	r |= set(obj, "hostname", out_json_string(hostname));
	r |= set(obj, "output", out_json_string(line));
	r |= set(obj, "priority",
		 json_string(output_priority_name(a->priority)));
	r |= set(obj, "rule", out_json_string(a->rule));
	r |= set(obj, "source",
		 out_json_string(a->source ? a->source : "syscall"));
	r |= set(obj, "tags", tags_for(a));
	r |= set(obj, "time", json_string(tbuf));
	r |= set(obj, "output_fields", json_incref(fields));
	if (r)
		goto done;
	out = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	if (!out) {
		/* A string in output_fields that jansson cannot dump. */
		json_t *fixed = json_repaired(fields, 0);

		if (fixed && !set(obj, "output_fields", fixed))
			out = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	}
	if (out && strlen(out) > OUTPUT_MAX_LINE) {
		free(out);
		out = NULL;
	}
done:
	json_decref(fields);
	json_decref(obj);
	free(line);
	return out;
}
