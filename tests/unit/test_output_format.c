/*
 * test_output_format.c - the Falco JSON line and the text line
 * (src/output/format_json.c, format_text.c, utf8.c): keys, key order,
 * types, time format, tags, output_fields, UTF-8 repair, escaping, limits.
 */
/* cmocka needs these first */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "output/output.h"
#include "output/output_int.h"

#define TS 1795868462123456789ull /* 2026-11-28T12:21:02.123456789Z */

static const char *const TAGS[] = {"mitre_execution", "container", "T1059",
				   "container"};

static struct bw_alert make_alert(void)
{
	struct bw_alert a = {
	    .ts_ns = TS,
	    .rule = "Shell Spawned in Container",
	    .priority = BW_PRIO_WARNING,
	    .source = "syscall",
	    .output = "Shell spawned (user=root cmd=sh -c id)",
	    .output_fields = json_pack(
		"{s:s,s:s,s:n,s:I}", "proc.name", "sh", "container.id",
		"3f2c1a9b8d7e", "k8s.pod.name", "proc.pid", (json_int_t)4242),
	    .tags = TAGS,
	    .ntags = 4,
	};
	return a;
}

static json_t *format_and_parse(const struct bw_alert *a)
{
	char *line = output_format_json(a, "node1");
	json_error_t je;
	json_t *j;

	assert_non_null(line);
	assert_null(strchr(line, '\n'));
	j = json_loads(line, 0, &je);
	if (!j)
		fail_msg("not JSON (%s): %s", je.text, line);
	free(line);
	return j;
}

static bool matches(const char *re, const char *s)
{
	regex_t r;
	int rc;

	assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
	rc = regexec(&r, s, 0, NULL, 0);
	regfree(&r);
	return rc == 0;
}

static void test_json_has_exactly_falco_keys_in_falco_order(void **state)
{
	static const char *const KEYS[] = {
	    "hostname", "output", "output_fields", "priority",
	    "rule",	"source", "tags",	   "time"};
	struct bw_alert a = make_alert();
	json_t *j = format_and_parse(&a);
	const char *k;
	json_t *v;
	size_t i = 0;

	assert_int_equal(json_object_size(j), 8);
	/* jansson keeps the order of the text it parsed. */
	json_object_foreach(j, k, v)
	{
		assert_string_equal(k, KEYS[i]);
		i++;
	}
	json_decref(j);
	json_decref(a.output_fields);
}

static void test_json_values_have_falco_types(void **state)
{
	struct bw_alert a = make_alert();
	json_t *j = format_and_parse(&a);

	assert_string_equal(json_string_value(json_object_get(j, "hostname")),
			    "node1");
	assert_string_equal(json_string_value(json_object_get(j, "priority")),
			    "Warning");
	assert_string_equal(json_string_value(json_object_get(j, "rule")),
			    "Shell Spawned in Container");
	assert_string_equal(json_string_value(json_object_get(j, "source")),
			    "syscall");
	assert_true(json_is_string(json_object_get(j, "output")));
	assert_true(json_is_object(json_object_get(j, "output_fields")));
	assert_true(json_is_array(json_object_get(j, "tags")));
	assert_true(json_is_string(json_object_get(j, "time")));
	json_decref(j);
	json_decref(a.output_fields);
}

static void test_json_time_is_rfc3339_utc_with_nanoseconds(void **state)
{
	struct bw_alert a = make_alert();
	json_t *j = format_and_parse(&a);
	const char *t = json_string_value(json_object_get(j, "time"));

	assert_true(matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:"
			    "[0-9]{2}\\.[0-9]{9}Z$",
			    t));
	assert_string_equal(t, "2026-11-28T12:21:02.123456789Z");
	json_decref(j);
	json_decref(a.output_fields);
}

static void test_format_time_pads_nanoseconds(void **state)
{
	char buf[40];

	output_format_time(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00.000000000Z");
	output_format_time(1000000000ull * 86400 + 7, buf);
	assert_string_equal(buf, "1970-01-02T00:00:00.000000007Z");
	output_format_time(UINT64_MAX, buf);
	assert_true(matches("^[0-9]{4}-.*\\.[0-9]{9}Z$", buf));
}

static void test_json_output_is_falco_text_line(void **state)
{
	struct bw_alert a = make_alert();
	json_t *j = format_and_parse(&a);

	assert_string_equal(json_string_value(json_object_get(j, "output")),
			    "2026-11-28T12:21:02.123456789Z: Warning Shell "
			    "spawned (user=root cmd=sh -c id)");
	json_decref(j);
	json_decref(a.output_fields);
}

static void test_json_output_fields_keep_alert_values(void **state)
{
	struct bw_alert a = make_alert();
	json_t *j = format_and_parse(&a);
	json_t *f = json_object_get(j, "output_fields");
	const char *k;
	json_t *v;

	json_object_foreach(a.output_fields, k, v)
	    assert_true(json_equal(json_object_get(f, k), v));
	assert_true(json_is_null(json_object_get(f, "k8s.pod.name")));
	assert_int_equal(json_integer_value(json_object_get(f, "proc.pid")),
			 4242);
	/* The alert's own object is not modified. */
	assert_null(json_object_get(a.output_fields, "evt.time"));
	json_decref(j);
	json_decref(a.output_fields);
}

static void test_json_output_fields_get_evt_time_as_integer(void **state)
{
	struct bw_alert a = make_alert();
	json_t *j = format_and_parse(&a);
	json_t *t =
	    json_object_get(json_object_get(j, "output_fields"), "evt.time");

	assert_true(json_is_integer(t));
	assert_true((uint64_t)json_integer_value(t) == TS);
	json_decref(j);
	json_decref(a.output_fields);
}

static void test_json_existing_evt_time_is_kept(void **state)
{
	struct bw_alert a = make_alert();
	json_t *j;

	json_object_set_new(a.output_fields, "evt.time", json_string("x"));
	j = format_and_parse(&a);
	assert_string_equal(
	    json_string_value(json_object_get(
		json_object_get(j, "output_fields"), "evt.time")),
	    "x");
	json_decref(j);
	json_decref(a.output_fields);
}

static void test_json_tags_sorted_without_duplicates(void **state)
{
	struct bw_alert a = make_alert();
	json_t *j = format_and_parse(&a);
	json_t *tags = json_object_get(j, "tags");

	assert_int_equal(json_array_size(tags), 3);
	assert_string_equal(json_string_value(json_array_get(tags, 0)),
			    "T1059");
	assert_string_equal(json_string_value(json_array_get(tags, 1)),
			    "container");
	assert_string_equal(json_string_value(json_array_get(tags, 2)),
			    "mitre_execution");
	json_decref(j);
	json_decref(a.output_fields);
}

static void test_json_is_compact(void **state)
{
	struct bw_alert a = make_alert();
	char *line = output_format_json(&a, "node1");

	assert_non_null(line);
	assert_true(
	    strncmp(line, "{\"hostname\":\"node1\",\"output\":\"", 30) == 0);
	assert_non_null(strstr(line, "\"tags\":[\"T1059\",\"container\","
				     "\"mitre_execution\"],\"time\":"));
	free(line);
	json_decref(a.output_fields);
}

static void test_json_missing_members_still_valid(void **state)
{
	struct bw_alert a = {.ts_ns = 5, .priority = BW_PRIO_ERROR};
	char *line = output_format_json(&a, NULL);
	json_t *j = json_loads(line, 0, NULL);

	assert_non_null(j);
	free(line);

	assert_string_equal(json_string_value(json_object_get(j, "rule")), "");
	assert_string_equal(json_string_value(json_object_get(j, "source")),
			    "syscall");
	assert_string_equal(json_string_value(json_object_get(j, "hostname")),
			    "");
	assert_int_equal(json_array_size(json_object_get(j, "tags")), 0);
	assert_int_equal(json_object_size(json_object_get(j, "output_fields")),
			 1);
	json_decref(j);
}

static void test_json_invalid_utf8_replaced(void **state)
{
	struct bw_alert a = make_alert();
	json_t *j;
	const char *out;

	a.output = "bad \xff\xfe name \xc0\xaf end";
	a.rule = "rule \xed\xa0\x80"; /* a UTF-16 surrogate */
	j = format_and_parse(&a);
	out = json_string_value(json_object_get(j, "output"));
	assert_non_null(strstr(out, "bad \xef\xbf\xbd\xef\xbf\xbd name "
				    "\xef\xbf\xbd\xef\xbf\xbd end"));
	assert_string_equal(json_string_value(json_object_get(j, "rule")),
			    "rule \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	json_decref(j);
	json_decref(a.output_fields);
}

static void test_json_invalid_utf8_in_output_fields_repaired(void **state)
{
	struct bw_alert a = make_alert();
	json_t *j, *f;

	json_object_set_new(a.output_fields, "fd.name",
			    json_stringn_nocheck("/tmp/\x80x", 7));
	j = format_and_parse(&a);
	f = json_object_get(j, "output_fields");
	assert_string_equal(json_string_value(json_object_get(f, "fd.name")),
			    "/tmp/\xef\xbf\xbdx");
	assert_string_equal(json_string_value(json_object_get(f, "proc.name")),
			    "sh");
	json_decref(j);
	json_decref(a.output_fields);
}

static void test_text_is_time_priority_output(void **state)
{
	struct bw_alert a = make_alert();
	char *line = output_format_text(&a);

	assert_non_null(line);
	assert_string_equal(line, "2026-11-28T12:21:02.123456789Z: Warning "
				  "Shell spawned (user=root cmd=sh -c id)");
	free(line);
	json_decref(a.output_fields);
}

static void test_text_escapes_control_characters(void **state)
{
	struct bw_alert a = {
	    .ts_ns = 0,
	    .priority = BW_PRIO_CRITICAL,
	    .output = "file=/tmp/x\n1970: Critical forged\r\x1b[2J\ttab"};
	char *line = output_format_text(&a);

	assert_non_null(line);
	assert_string_equal(line, "1970-01-01T00:00:00.000000000Z: Critical "
				  "file=/tmp/x\\x0a1970: Critical forged\\x0d"
				  "\\x1b[2J\ttab");
	free(line);
}

static void test_text_null_output_is_empty(void **state)
{
	struct bw_alert a = {.ts_ns = 0, .priority = BW_PRIO_DEBUG};
	char *line = output_format_text(&a);

	assert_string_equal(line, "1970-01-01T00:00:00.000000000Z: Debug ");
	free(line);
}

static void test_line_over_limit_is_refused(void **state)
{
	size_t n = OUTPUT_MAX_LINE + 10;
	char *big = malloc(n + 1);
	struct bw_alert a = {.priority = BW_PRIO_NOTICE};

	memset(big, 'a', n);
	big[n] = '\0';
	a.output = big;
	assert_null(output_format_text(&a));
	assert_null(output_format_json(&a, "h"));
	free(big);
}

static void test_priority_names_are_falco_names(void **state)
{
	static const char *const NAMES[] = {
	    "Emergency", "Alert",  "Critical",	    "Error",
	    "Warning",	 "Notice", "Informational", "Debug"};

	for (int p = 0; p < 8; p++)
		assert_string_equal(output_priority_name((enum bw_priority)p),
				    NAMES[p]);
	assert_string_equal(output_priority_name((enum bw_priority)99),
			    "Debug");
	assert_string_equal(output_priority_name((enum bw_priority) - 1),
			    "Debug");
}

static void test_syslog_levels_follow_priority(void **state)
{
	assert_int_equal(output_syslog_level(BW_PRIO_EMERGENCY), LOG_EMERG);
	assert_int_equal(output_syslog_level(BW_PRIO_CRITICAL), LOG_CRIT);
	assert_int_equal(output_syslog_level(BW_PRIO_WARNING), LOG_WARNING);
	assert_int_equal(output_syslog_level(BW_PRIO_INFORMATIONAL), LOG_INFO);
	assert_int_equal(output_syslog_level((enum bw_priority)42), LOG_DEBUG);
}

static void test_utf8_validation(void **state)
{
	assert_true(out_utf8_valid("plain", 5));
	assert_true(out_utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
	assert_false(out_utf8_valid("\xc3", 1));	     /* truncated */
	assert_false(out_utf8_valid("\xe0\x80\xaf", 3));     /* overlong */
	assert_false(out_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(out_utf8_valid("\xed\xbf\xbf", 3));     /* surrogate */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_has_exactly_falco_keys_in_falco_order),
	    cmocka_unit_test(test_json_values_have_falco_types),
	    cmocka_unit_test(test_json_time_is_rfc3339_utc_with_nanoseconds),
	    cmocka_unit_test(test_format_time_pads_nanoseconds),
	    cmocka_unit_test(test_json_output_is_falco_text_line),
	    cmocka_unit_test(test_json_output_fields_keep_alert_values),
	    cmocka_unit_test(test_json_output_fields_get_evt_time_as_integer),
	    cmocka_unit_test(test_json_existing_evt_time_is_kept),
	    cmocka_unit_test(test_json_tags_sorted_without_duplicates),
	    cmocka_unit_test(test_json_is_compact),
	    cmocka_unit_test(test_json_missing_members_still_valid),
	    cmocka_unit_test(test_json_invalid_utf8_replaced),
	    cmocka_unit_test(test_json_invalid_utf8_in_output_fields_repaired),
	    cmocka_unit_test(test_text_is_time_priority_output),
	    cmocka_unit_test(test_text_escapes_control_characters),
	    cmocka_unit_test(test_text_null_output_is_empty),
	    cmocka_unit_test(test_line_over_limit_is_refused),
	    cmocka_unit_test(test_priority_names_are_falco_names),
	    cmocka_unit_test(test_syslog_levels_follow_priority),
	    cmocka_unit_test(test_utf8_validation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
