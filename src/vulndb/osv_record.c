/*
 * osv_record.c - validation of one OSV record (schema 1.6) as far as
 * matching depends on it, and the normalisations import and matching
 * share: RFC 3339 timestamps to sortable keys, PEP 503 PyPI names,
 * ecosystem bases.
 *
 * A rejected record is named by a JSON pointer to the offending value
 * ("/affected/0/ranges/1/events/2: ...").  Beyond the JSON schema's types
 * and enums this applies the rules of the spec's prose and of osv.dev's
 * linter that a matcher relies on: every range has an "introduced" event
 * (RNG:001), a range does not both introduce and fix the same version
 * (RNG:002), a range uses "fixed" or "last_affected" but not both, SEMVER
 * ranges carry SemVer 2.0.0 versions, and an affected[] entry without a
 * package may only carry GIT ranges.  Checks that need a package registry
 * (does the package or version exist) are not done offline.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vulndb/db_int.h"
#include "vulndb/vulndb_int.h"

/* A JSON pointer being built while walking the record. */
struct jptr {
	char buf[256];
};

static const char *ptr(struct jptr *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *ptr(struct jptr *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->buf, sizeof(p->buf), fmt, ap);
	va_end(ap);
	return p->buf;
}

static int bad(struct bw_error *err, const char *label, const char *where,
	       const char *what)
{
	return bw_errorf(err, -EINVAL, label, 0, 0, "%s: %s", where, what);
}

/* Optional string member: absent is fine, present must be a string. */
static int opt_string(const json_t *obj, const char *key, const char *label,
		      const char *where, struct bw_error *err)
{
	const json_t *v = json_object_get(obj, key);

	if (v && !json_is_string(v))
		return bad(err, label, where, "must be a string");
	return 0;
}

static int req_string(const json_t *obj, const char *key, const char *label,
		      const char *where, size_t max, struct bw_error *err)
{
	const json_t *v = json_object_get(obj, key);

	if (!v)
		return bad(err, label, where, "required field is missing");
	if (!json_is_string(v))
		return bad(err, label, where, "must be a string");
	if (json_string_length(v) == 0)
		return bad(err, label, where, "must not be empty");
	if (json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return bad(err, label, where,
			   "too long or contains a NUL byte");
	return 0;
}

static int opt_time(const json_t *obj, const char *key, bool required,
		    const char *label, struct bw_error *err)
{
	const json_t *v = json_object_get(obj, key);
	char where[64], k[VULNDB_TIME_KEY];

	snprintf(where, sizeof(where), "/%s", key);
	if (!v)
		return required
			   ? bad(err, label, where, "required field is missing")
			   : 0;
	if (!json_is_string(v))
		return bad(err, label, where, "must be a string");
	if (osv_time_key(json_string_value(v), k))
		return bw_errorf(err, -EINVAL, label, 0, 0,
				 "%s: \"%.64s\" is not an RFC 3339 timestamp",
				 where, json_string_value(v));
	return 0;
}

static int string_array(const json_t *obj, const char *key, const char *label,
			const char *where, struct bw_error *err)
{
	const json_t *arr = json_object_get(obj, key), *v;
	struct jptr p;
	size_t i;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return bad(err, label, where, "must be an array");
	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v))
			return bad(err, label, ptr(&p, "%s/%zu", where, i),
				   "must be a string");
	}
	return 0;
}

static int opt_object(const json_t *obj, const char *key, const char *label,
		      const char *where, struct bw_error *err)
{
	const json_t *v = json_object_get(obj, key);

	if (v && !json_is_object(v) && !json_is_null(v))
		return bad(err, label, where, "must be an object");
	return 0;
}

static int check_severity(const json_t *obj, const char *label,
			  const char *where, struct bw_error *err)
{
	static const char *const types[] = {"CVSS_V2", "CVSS_V3", "CVSS_V4",
					    "Ubuntu"};
	const json_t *arr = json_object_get(obj, "severity"), *s;
	struct jptr p;
	size_t i;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return bad(err, label, where, "must be an array");
	json_array_foreach(arr, i, s)
	{
		const char *t;
		bool known = false;

		if (!json_is_object(s))
			return bad(err, label, ptr(&p, "%s/%zu", where, i),
				   "must be an object");
		if (req_string(s, "type", label,
			       ptr(&p, "%s/%zu/type", where, i), 64, err) ||
		    req_string(s, "score", label,
			       ptr(&p, "%s/%zu/score", where, i),
			       VULNDB_MAX_CVSS_VECTOR, err))
			return -EINVAL;
		t = json_string_value(json_object_get(s, "type"));
		for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
			known |= !strcmp(t, types[k]);
		if (!known)
			return bw_errorf(err, -EINVAL, label, 0, 0,
					 "%s/%zu/type: unknown severity type "
					 "\"%.32s\"",
					 where, i, t);
	}
	return 0;
}

static const char *const event_kinds[] = {"introduced", "fixed",
					  "last_affected", "limit"};

/* Checks one event object; writes the kind index and its value. */
static int check_event(const json_t *ev, bool semver, const char *label,
		       const char *where, int *ret_kind, const char **ret_val,
		       struct bw_error *err)
{
	const char *key, *val = NULL;
	const json_t *v;
	int kind = -1;

	if (!json_is_object(ev))
		return bad(err, label, where, "an event must be an object");
	json_object_foreach((json_t *)ev, key, v)
	{
		int k = -1;

		for (int i = 0; i < 4; i++)
			if (!strcmp(key, event_kinds[i]))
				k = i;
		if (k < 0)
			return bw_errorf(err, -EINVAL, label, 0, 0,
					 "%s: unknown event \"%.32s\"", where,
					 key);
		if (kind >= 0)
			return bad(err, label, where,
				   "an event must have exactly one of "
				   "introduced, fixed, last_affected, limit");
		if (!json_is_string(v) || json_string_length(v) == 0)
			return bw_errorf(err, -EINVAL, label, 0, 0,
					 "%s/%s: must be a non-empty string",
					 where, key);
		if (json_string_length(v) > VULNDB_MAX_VERSION ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return bw_errorf(err, -EINVAL, label, 0, 0,
					 "%s/%s: version too long or "
					 "contains a NUL byte",
					 where, key);
		kind = k;
		val = json_string_value(v);
	}
	if (kind < 0)
		return bad(err, label, where,
			   "an event must have one of introduced, fixed, "
			   "last_affected, limit");
	if (semver && !(kind == 0 && !strcmp(val, "0")) &&
	    !(kind == 3 && !strcmp(val, "*"))) {
		struct bw_error verr = {0};
		int c;

		if (vuln_version_compare(VULN_ECO_SEMVER, val, strlen(val), val,
					 strlen(val), &c, &verr))
			return bw_errorf(err, -EINVAL, label, 0, 0, "%s/%s: %s",
					 where, event_kinds[kind], verr.msg);
	}
	*ret_kind = kind;
	*ret_val = val;
	return 0;
}

static int check_range(const json_t *rng, bool has_pkg, const char *label,
		       const char *where, struct bw_error *err)
{
	const json_t *events, *ev;
	const char *type;
	bool semver, git;
	int counts[4] = {0};
	struct jptr p;
	size_t i, j;

	if (!json_is_object(rng))
		return bad(err, label, where, "must be an object");
	if (req_string(rng, "type", label, ptr(&p, "%s/type", where), 64, err))
		return -EINVAL;
	type = json_string_value(json_object_get(rng, "type"));
	semver = !strcmp(type, "SEMVER");
	git = !strcmp(type, "GIT");
	if (!semver && !git && strcmp(type, "ECOSYSTEM"))
		return bw_errorf(err, -EINVAL, label, 0, 0,
				 "%s/type: unknown range type \"%.32s\" "
				 "(ECOSYSTEM, SEMVER or GIT)",
				 where, type);
	if (git && req_string(rng, "repo", label, ptr(&p, "%s/repo", where),
			      4096, err))
		return -EINVAL;
	if (!git && !has_pkg)
		return bw_errorf(err, -EINVAL, label, 0, 0,
				 "%s/type: a %s range needs a package in its "
				 "affected entry",
				 where, type);
	if (opt_object(rng, "database_specific", label,
		       ptr(&p, "%s/database_specific", where), err))
		return -EINVAL;
	events = json_object_get(rng, "events");
	if (!events)
		return bad(err, label, ptr(&p, "%s/events", where),
			   "required field is missing");
	if (!json_is_array(events) || json_array_size(events) == 0)
		return bad(err, label, ptr(&p, "%s/events", where),
			   "must be a non-empty array");
	json_array_foreach(events, i, ev)
	{
		const char *val = NULL;
		int kind = 0;

		if (check_event(ev, semver, label,
				ptr(&p, "%s/events/%zu", where, i), &kind, &val,
				err))
			return -EINVAL;
		counts[kind]++;
	}
	if (!counts[0])
		return bad(err, label, ptr(&p, "%s/events", where),
			   "missing an \"introduced\" event");
	if (counts[1] && counts[2])
		return bad(err, label, ptr(&p, "%s/events", where),
			   "a range must not have both \"fixed\" and "
			   "\"last_affected\" events");
	/* RNG:002: an introduced version that is also the fix (or last
	 * affected) describes an empty range: a data error. */
	json_array_foreach(events, i, ev)
	{
		const json_t *intro = json_object_get(ev, "introduced"), *ev2;

		if (!intro)
			continue;
		json_array_foreach(events, j, ev2)
		{
			const json_t *end = json_object_get(ev2, "fixed");

			if (!end)
				end = json_object_get(ev2, "last_affected");
			if (end && json_equal((json_t *)intro, (json_t *)end))
				return bw_errorf(
				    err, -EINVAL, label, 0, 0,
				    "%s/events/%zu: range is not distinct: "
				    "\"%.64s\" is both introduced and "
				    "fixed",
				    where, j, json_string_value(end));
		}
	}
	return 0;
}

static int check_affected(const json_t *aff, const char *label,
			  const char *where, struct bw_error *err)
{
	const json_t *pkg = json_object_get(aff, "package"), *ranges, *rng;
	struct jptr p;
	size_t i;

	if (!json_is_object(aff))
		return bad(err, label, where, "must be an object");
	if (pkg && !json_is_object(pkg))
		return bad(err, label, ptr(&p, "%s/package", where),
			   "must be an object");
	if (pkg &&
	    (req_string(pkg, "ecosystem", label,
			ptr(&p, "%s/package/ecosystem", where), VULNDB_MAX_ID,
			err) ||
	     req_string(pkg, "name", label, ptr(&p, "%s/package/name", where),
			VULNDB_MAX_NAME, err) ||
	     opt_string(pkg, "purl", label, ptr(&p, "%s/package/purl", where),
			err)))
		return -EINVAL;
	if (check_severity(aff, label, ptr(&p, "%s/severity", where), err) ||
	    string_array(aff, "versions", label, ptr(&p, "%s/versions", where),
			 err) ||
	    opt_object(aff, "ecosystem_specific", label,
		       ptr(&p, "%s/ecosystem_specific", where), err) ||
	    opt_object(aff, "database_specific", label,
		       ptr(&p, "%s/database_specific", where), err))
		return -EINVAL;
	ranges = json_object_get(aff, "ranges");
	if (!ranges || json_is_null(ranges))
		return 0;
	if (!json_is_array(ranges))
		return bad(err, label, ptr(&p, "%s/ranges", where),
			   "must be an array");
	json_array_foreach(ranges, i, rng)
	{
		if (check_range(rng, pkg != NULL, label,
				ptr(&p, "%s/ranges/%zu", where, i), err))
			return -EINVAL;
	}
	return 0;
}

static int check_references(const json_t *rec, const char *label,
			    struct bw_error *err)
{
	const json_t *arr = json_object_get(rec, "references"), *r;
	struct jptr p;
	size_t i;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return bad(err, label, "/references", "must be an array");
	json_array_foreach(arr, i, r)
	{
		if (!json_is_object(r))
			return bad(err, label, ptr(&p, "/references/%zu", i),
				   "must be an object");
		if (req_string(r, "url", label,
			       ptr(&p, "/references/%zu/url", i), 8192, err) ||
		    opt_string(r, "type", label,
			       ptr(&p, "/references/%zu/type", i), err))
			return -EINVAL;
	}
	return 0;
}

int osv_record_check(const json_t *rec, const char *label, struct bw_error *err)
{
	const json_t *aff, *a;
	const char *id;
	struct jptr p;
	size_t i;

	if (!json_is_object(rec))
		return bad(err, label, "/", "an OSV record must be an object");
	if (req_string(rec, "id", label, "/id", VULNDB_MAX_ID, err))
		return -EINVAL;
	id = json_string_value(json_object_get(rec, "id"));
	for (const char *c = id; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return bad(err, label, "/id",
				   "must not contain spaces or control "
				   "characters");
	if (opt_time(rec, "modified", true, label, err) ||
	    opt_time(rec, "published", false, label, err) ||
	    opt_time(rec, "withdrawn", false, label, err) ||
	    opt_string(rec, "schema_version", label, "/schema_version", err) ||
	    opt_string(rec, "summary", label, "/summary", err) ||
	    opt_string(rec, "details", label, "/details", err) ||
	    string_array(rec, "aliases", label, "/aliases", err) ||
	    string_array(rec, "related", label, "/related", err) ||
	    string_array(rec, "upstream", label, "/upstream", err) ||
	    check_severity(rec, label, "/severity", err) ||
	    check_references(rec, label, err) ||
	    opt_object(rec, "database_specific", label, "/database_specific",
		       err))
		return -EINVAL;
	aff = json_object_get(rec, "affected");
	if (!aff || json_is_null(aff))
		return 0;
	if (!json_is_array(aff))
		return bad(err, label, "/affected", "must be an array");
	json_array_foreach(aff, i, a)
	{
		if (check_affected(a, label, ptr(&p, "/affected/%zu", i), err))
			return -EINVAL;
	}
	return 0;
}

int vulndb_validate_record(const char *buf, size_t len, const char *label,
			   struct bw_error *err)
{
	json_error_t jerr;
	json_t *rec;
	int r;

	if (!buf)
		return bw_errorf(err, -EINVAL, label, 0, 0, "no input");
	if (len > VULNDB_MAX_RECORD)
		return bw_errorf(err, -E2BIG, label, 0, 0,
				 "record is %zu bytes, the limit is %u", len,
				 VULNDB_MAX_RECORD);
	rec = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!rec)
		return bw_errorf(err, -EINVAL, label, jerr.line, jerr.column,
				 "invalid JSON: %s", jerr.text);
	r = osv_record_check(rec, label, err);
	json_decref(rec);
	return r;
}

static int digits(const char *s, int n, int *ret)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return 0;
}

int osv_time_key(const char *s, char key[VULNDB_TIME_KEY])
{
	int Y, M, D, h, m, sec, oh = 0, om = 0, sign = 0;
	long nanos = 0, scale = 100000000;
	struct tm tm = {0}, out;
	const char *p;
	time_t t;

	if (!s || strlen(s) < 20 || digits(s, 4, &Y) || s[4] != '-' ||
	    digits(s + 5, 2, &M) || s[7] != '-' || digits(s + 8, 2, &D) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &m) ||
	    s[16] != ':' || digits(s + 17, 2, &sec))
		return -EINVAL;
	if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
		return -EINVAL;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		for (; *p >= '0' && *p <= '9'; p++) {
			nanos += scale * (*p - '0');
			scale /= 10;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (digits(p + 1, 2, &oh) || p[3] != ':' ||
		    digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return -EINVAL;
		p += 6;
	} else {
		return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	tm.tm_year = Y - 1900;
	tm.tm_mon = M - 1;
	tm.tm_mday = D;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	t = timegm(&tm) - sign * (oh * 3600 + om * 60);
	if (!gmtime_r(&t, &out) || out.tm_year + 1900 < 0 ||
	    out.tm_year + 1900 > 9999)
		return -EINVAL;
	snprintf(key, VULNDB_TIME_KEY, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
		 out.tm_year + 1900, out.tm_mon + 1, out.tm_mday, out.tm_hour,
		 out.tm_min, out.tm_sec, nanos);
	return 0;
}

void osv_normalise_name(const char *eco_base, const char *name, char *buf,
			size_t len)
{
	size_t o = 0;

	if (!len)
		return;
	if (strcmp(eco_base, "PyPI")) {
		snprintf(buf, len, "%s", name);
		return;
	}
	for (const char *c = name; *c && o + 1 < len; c++) {
		if (*c == '-' || *c == '_' || *c == '.') {
			if (o == 0 || buf[o - 1] != '-')
				buf[o++] = '-';
			continue;
		}
		buf[o++] = (char)vuln_tolower((unsigned char)*c);
	}
	buf[o] = 0;
}

void osv_eco_base(const char *eco, char *buf, size_t len)
{
	size_t n = strcspn(eco, ":");

	snprintf(buf, len, "%.*s", (int)n, eco);
}
