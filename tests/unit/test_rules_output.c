/*
 * test_rules_output.c - alert rendering: %field substitution (with field
 * arguments and evt.arg.*), <NA> for missing values, typed output_fields
 * with the container/k8s identity fields always present.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>

#include "rules_fixture.h"

struct mctx {
	int n;
	struct bw_alert a;
};

static void on_match(const struct bw_rule *r, struct bw_event *ev, void *p)
{
	struct mctx *m = p;

	if (m->n++ == 0)
		assert_int_equal(rules_render_alert(r, ev, &m->a), 0);
}

static struct bw_ruleset *load_one(const char *yaml)
{
	struct bw_ruleset *rs;
	struct bw_rules_diag d = { 0 };
	struct bw_error err = { 0 };

	assert_int_equal(rules_new(&rs), 0);
	assert_int_equal(rules_load_buffer(rs, "o.yaml", yaml, strlen(yaml), &d,
					   &err), 0);
	assert_int_equal(rules_compile(rs, &d, &err), 0);
	assert_int_equal(rules_count_loaded(rs), 1);
	rules_diag_free(&d);
	return rs;
}

static void test_output_substitutes_fields(void **st)
{
	struct bw_ruleset *rs = load_one(
		"- rule: O\n  desc: d\n  priority: NOTICE\n  tags: [a, b]\n"
		"  condition: evt.type = openat\n"
		"  output: \"read %fd.name by %proc.name gp=%proc.aname[2] "
		"flags=%evt.arg.flags none=%proc.aname[8] pct=100%%.\"\n");
	struct mctx m = { 0 };
	struct fx f;

	fx_init(&f);
	rules_set_proc_lookup(rs, fx_lookup, &f);
	assert_int_equal(rules_eval(rs, &f.ev, on_match, &m), 1);
	assert_string_equal(m.a.output, "read /etc/shadow by cat gp=sshd "
			    "flags=O_RDONLY none=<NA> pct=100%.");
	assert_string_equal(m.a.rule, "O");
	assert_int_equal(m.a.priority, BW_PRIO_NOTICE);
	assert_int_equal(m.a.ntags, 2);
	assert_string_equal(m.a.tags[1], "b");
	rules_alert_free(&m.a);
	rules_free(rs);
}

static void test_output_fields_are_typed(void **st)
{
	struct bw_ruleset *rs = load_one(
		"- rule: O\n  desc: d\n  priority: WARNING\n"
		"  condition: evt.type = openat\n"
		"  output: \"%proc.pid %fd.name %container.privileged "
		"%proc.aname[8]\"\n");
	struct mctx m = { 0 };
	struct fx f;
	json_t *of;

	fx_init(&f);
	f.ctr.pod_name = NULL;
	rules_set_proc_lookup(rs, fx_lookup, &f);
	assert_int_equal(rules_eval(rs, &f.ev, on_match, &m), 1);
	of = m.a.output_fields;
	assert_true(json_is_integer(json_object_get(of, "proc.pid")));
	assert_int_equal(json_integer_value(json_object_get(of, "proc.pid")), 300);
	assert_string_equal(json_string_value(json_object_get(of, "fd.name")),
			    "/etc/shadow");
	assert_true(json_is_true(json_object_get(of, "container.privileged")));
	assert_true(json_is_null(json_object_get(of, "proc.aname[8]")));
	assert_string_equal(json_string_value(json_object_get(of, "container.id")),
			    "abcdef123456");
	assert_string_equal(json_string_value(json_object_get(of, "container.name")),
			    "web");
	assert_string_equal(json_string_value(json_object_get(
				    of, "container.image.repository")),
			    "docker.io/library/nginx");
	assert_true(json_is_null(json_object_get(of, "k8s.pod.name")));
	assert_string_equal(json_string_value(json_object_get(of, "k8s.ns.name")),
			    "prod");
	rules_alert_free(&m.a);
	rules_free(rs);
}

static void test_render_outside_eval(void **st)
{
	struct bw_ruleset *rs = load_one(
		"- rule: O\n  desc: d\n  priority: WARNING\n"
		"  condition: evt.type = openat\n  output: \"p=%proc.name\"\n");
	struct bw_alert a;
	struct fx f;

	fx_init(&f);
	assert_int_equal(rules_render_alert(rules_rule_at(rs, 0), &f.ev, &a), 0);
	assert_string_equal(a.output, "p=cat");
	rules_alert_free(&a);
	snprintf(f.proc.comm, sizeof(f.proc.comm), "dd");
	assert_int_equal(rules_render_alert(rules_rule_at(rs, 0), &f.ev, &a), 0);
	assert_string_equal(a.output, "p=dd");   /* no stale cache */
	rules_alert_free(&a);
	rules_free(rs);
}

static void test_unknown_output_field_skips_rule(void **st)
{
	const char *y = "- rule: O\n  desc: d\n  priority: WARNING\n"
			"  condition: evt.type = openat\n"
			"  output: \"%proc.bogus\"\n";
	struct bw_ruleset *rs;
	struct bw_rules_diag d = { 0 };
	struct bw_error err = { 0 };

	assert_int_equal(rules_new(&rs), 0);
	assert_int_equal(rules_load_buffer(rs, "o.yaml", y, strlen(y), &d, &err), 0);
	assert_int_equal(rules_compile(rs, &d, &err), 0);
	assert_int_equal(rules_count_loaded(rs), 0);
	assert_true(fx_diag_has(&d, "O", true, "proc.bogus"));
	rules_diag_free(&d);
	rules_free(rs);
}

static void test_min_priority_filters(void **st)
{
	struct bw_ruleset *rs = load_one(
		"- rule: O\n  desc: d\n  priority: INFO\n"
		"  condition: evt.type = openat\n  output: x\n");
	struct fx f;

	fx_init(&f);
	assert_int_equal(rules_eval(rs, &f.ev, NULL, NULL), 1);
	rules_set_min_priority(rs, BW_PRIO_WARNING);
	assert_int_equal(rules_eval(rs, &f.ev, NULL, NULL), 0);
	rules_free(rs);
}

static void test_field_table_lists_upstream_fields(void **st)
{
	const struct bw_field_info *t;
	size_t n = rules_fields(&t);
	const char *want[] = { "proc.aname", "fd.sip", "evt.arg",
			       "container.mount.dest", "k8s.ns.name",
			       "user.loginuid", "thread.cap_effective" };

	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		bool found = false;

		for (size_t i = 0; i < n; i++)
			found |= !strcmp(t[i].name, want[w]);
		assert_true(found);
	}
}

static void test_priority_names(void **st)
{
	enum bw_priority p;

	assert_int_equal(rules_priority_parse("info", &p), 0);
	assert_int_equal(p, BW_PRIO_INFORMATIONAL);
	assert_int_equal(rules_priority_parse("CRITICAL", &p), 0);
	assert_string_equal(rules_priority_name(p), "Critical");
	assert_int_equal(rules_priority_parse("loud", &p), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_substitutes_fields),
		cmocka_unit_test(test_output_fields_are_typed),
		cmocka_unit_test(test_render_outside_eval),
		cmocka_unit_test(test_unknown_output_field_skips_rule),
		cmocka_unit_test(test_min_priority_filters),
		cmocka_unit_test(test_field_table_lists_upstream_fields),
		cmocka_unit_test(test_priority_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
