/*
 * logical_util.c - what the secrets engines (mounts.c, kv.c) share:
 * filling a vault_logical_resp, query and body parameters in Vault's
 * forms (integers as numbers or strings, booleans as "true"/"1", Go
 * durations), RFC 3339 times with nanoseconds, and deleting a folder of
 * stored entries.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vault/logical.h"

/* ---- responses ------------------------------------------------------------
 */

int vault_lr_fail(struct vault_logical_resp *o, int status, const char *fmt,
		  ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->error, sizeof(o->error), fmt, ap);
	va_end(ap);
	json_decref(o->data);
	o->data = NULL;
	o->status = status;
	return -1;
}

/* A storage or barrier failure as a Vault error. */
int vault_lr_io_fail(struct vault_logical_resp *o, int rc)
{
	if (rc == -EACCES)
		return vault_lr_fail(o, 503, "Vault is sealed");
	return vault_lr_fail(o, 500, "internal error");
}

int vault_lr_ok(struct vault_logical_resp *o, int status, json_t *data)
{
	json_decref(o->data);
	o->data = data;
	o->status = status;
	if (status != 204 && !data)
		return vault_lr_fail(o, 500, "internal error");
	return 0;
}

const char *vault_query_get(const struct vault_request *q, const char *key)
{
	for (size_t i = 0; i < q->nquery && i < VAULT_MAX_QUERY; i++)
		if (q->query[i].key && !strcmp(q->query[i].key, key))
			return q->query[i].value ? q->query[i].value : "";
	return NULL;
}

/* A non-negative integer query or body parameter; -1 when malformed. */
long long vault_parse_count(const char *s)
{
	char *end;
	long long n;

	if (!s || !*s)
		return 0;
	errno = 0;
	n = strtoll(s, &end, 10);
	return *end || errno || n < 0 ? -1 : n;
}

int vault_ends_with_slash(const char *s)
{
	size_t n = strlen(s);

	return n && s[n - 1] == '/';
}

void vault_fmt_time(const struct timespec *ts, char out[40])
{
	struct tm tm;
	char sec[24];

	gmtime_r(&ts->tv_sec, &tm);
	strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 40, "%s.%09ldZ", sec, ts->tv_nsec);
}

void vault_now_time(char out[40], long long plus_seconds)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)plus_seconds;
	vault_fmt_time(&ts, out);
}

/*
 * A Go duration ("3h25m19s", "90s", "1.5h" is not accepted) or a plain
 * number of seconds into *ret; -1 when malformed or over 100 years.
 */
int vault_kv_parse_duration(const char *s, long long *ret)
{
	long long total = 0;

	if (!s || !*s)
		return -1;
	if (!strcmp(s, "0"))
		return *ret = 0, 0;
	while (*s) {
		char *end;
		long long n, mul;

		errno = 0;
		n = strtoll(s, &end, 10);
		if (end == s || errno || n < 0 || n > 3153600000LL)
			return -1;
		s = end;
		switch (*s) {
		case '\0':
			if (total)
				return -1;
			mul = 1; /* bare seconds */
			break;
		case 'h':
			mul = 3600;
			s++;
			break;
		case 'm':
			mul = 60;
			s++;
			break;
		case 's':
			mul = 1;
			s++;
			break;
		default:
			return -1;
		}
		total += n * mul;
		if (total > 3153600000LL)
			return -1;
	}
	*ret = total;
	return 0;
}

/* Go's time.Duration String() for whole seconds: "0s", "30s", "1h0m0s". */
void vault_fmt_duration(long long s, char out[32])
{
	if (s < 60)
		snprintf(out, 32, "%llds", s);
	else if (s < 3600)
		snprintf(out, 32, "%lldm%llds", s / 60, s % 60);
	else
		snprintf(out, 32, "%lldh%lldm%llds", s / 3600, s % 3600 / 60,
			 s % 60);
}

/* A "delete_version_after" parameter normalised; -1 when malformed. */
int vault_duration_param(json_t *v, long long *secs)
{
	if (json_is_integer(v)) {
		*secs = json_integer_value(v);
		return *secs < 0 || *secs > 3153600000LL ? -1 : 0;
	}
	return json_is_string(v)
		   ? vault_kv_parse_duration(json_string_value(v), secs)
		   : -1;
}

long long vault_json_int(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* An integer parameter that may come as a JSON number or a string. */
int vault_int_param(json_t *v, long long *ret)
{
	if (!v)
		return 1; /* absent */
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*ret = json_integer_value(v);
		return 0;
	}
	if (json_is_string(v)) {
		long long n = vault_parse_count(json_string_value(v));

		if (n >= 0 && *json_string_value(v)) {
			*ret = n;
			return 0;
		}
	}
	return -1;
}

int vault_purge_prefix(struct vault_core *c, const char *prefix, int depth,
		       struct bw_error *err)
{
	json_t *keys = NULL, *k;
	size_t i, plen = strlen(prefix);
	int rc;

	if (depth > KV_MAX_PURGE_DEPTH)
		return bw_errorf(err, -ELOOP, prefix, 0, 0,
				 "folders nested too deep");
	rc = vault_barrier_list(c->b, prefix, &keys, err);
	if (rc)
		return rc;
	json_array_foreach(keys, i, k)
	{
		const char *s = json_string_value(k);
		size_t n = s ? strlen(s) : 0;
		char *child; /* owned here */

		if (!n || plen + n >= KV_KEYBUF)
			continue;
		child = malloc(plen + n + 1);
		if (!child) {
			rc = -ENOMEM;
			break;
		}
		memcpy(child, prefix, plen);
		memcpy(child + plen, s, n + 1);
		rc = s[n - 1] == '/'
			 ? vault_purge_prefix(c, child, depth + 1, err)
			 : vault_barrier_delete(c->b, child, err);
		free(child);
		if (rc)
			break;
	}
	json_decref(keys);
	return rc;
}
