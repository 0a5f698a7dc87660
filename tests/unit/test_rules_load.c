/*
 * test_rules_load.c - loading and compiling rules files: error positions
 * (line and column inside the YAML file), macros and lists, cycles,
 * overrides (append/replace and legacy append), exceptions, the event-type
 * index, unknown fields, unknown keys, aliases, and the upstream Falco
 * rules files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <unistd.h>

#include "rules_fixture.h"

struct ctx {
	struct bw_ruleset *rs;
	struct bw_rules_diag d;
	struct bw_error err;
};

static int setup(void **st)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_int_equal(rules_new(&c->rs), 0);
	*st = c;
	return 0;
}

static int teardown(void **st)
{
	struct ctx *c = *st;

	rules_diag_free(&c->d);
	rules_free(c->rs);
	free(c);
	return 0;
}

static void dump(const struct bw_rules_diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "  %s %s:%d:%d [%s] %s\n",
			d->items[i].is_error ? "error" : "warning",
			d->items[i].file, d->items[i].line, d->items[i].column,
			d->items[i].item, d->items[i].msg);
}

static size_t count_errors(const struct bw_rules_diag *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++)
		n += d->items[i].is_error;
	return n;
}

static const struct bw_rule *find_rule(struct bw_ruleset *rs, const char *n)
{
	for (size_t i = 0; i < rules_count_all(rs); i++)
		if (!strcmp(rules_rule_name(rules_rule_at(rs, i)), n))
			return rules_rule_at(rs, i);
	return NULL;
}

static int matches(struct bw_ruleset *rs, struct fx *f)
{
	rules_set_proc_lookup(rs, fx_lookup, f);
	return rules_eval(rs, &f->ev, NULL, NULL);
}

static void test_syntax_error_position_in_block_scalar(void **st)
{
	struct ctx *c = *st;
	const struct bw_rules_diag_item *it;

	assert_int_equal(fx_load(c->rs, "bad_syntax_block.yaml", &c->d, &c->err), 0);
	rules_compile(c->rs, &c->d, &c->err);
	it = fx_diag_find(&c->d, "Bad block", true);
	assert_non_null(it);
	assert_int_equal(it->line, 9);
	assert_int_equal(it->column, 22);
	assert_non_null(strstr(it->file, "bad_syntax_block.yaml"));
	assert_int_equal(rules_count_loaded(c->rs), 0);
}

static void test_syntax_error_position_in_plain_scalar(void **st)
{
	struct ctx *c = *st;
	const struct bw_rules_diag_item *it;

	assert_int_equal(fx_load(c->rs, "bad_syntax_plain.yaml", &c->d, &c->err), 0);
	rules_compile(c->rs, &c->d, &c->err);
	it = fx_diag_find(&c->d, "Bad plain", true);
	assert_non_null(it);
	assert_int_equal(it->line, 5);
	assert_int_equal(it->column, 54);
}

static void test_yaml_error_fails_file_with_position(void **st)
{
	struct ctx *c = *st;

	assert_int_equal(fx_load(c->rs, "bad_yaml.yaml", &c->d, &c->err), -EINVAL);
	assert_true(c->err.line >= 2);
	assert_true(c->err.column > 0);
}

static void test_yaml_aliases_are_refused(void **st)
{
	struct ctx *c = *st;

	assert_int_equal(fx_load(c->rs, "aliases.yaml", &c->d, &c->err), -EINVAL);
	assert_int_equal(c->err.line, 4);
	assert_non_null(strstr(c->err.msg, "alias"));
}

static void test_macros_and_lists_expand(void **st)
{
	struct ctx *c = *st;
	struct fx f;

	assert_int_equal(fx_load(c->rs, "macros_lists.yaml", &c->d, &c->err), 0);
	assert_int_equal(rules_compile(c->rs, &c->d, &c->err), 0);
	dump(&c->d);
	assert_int_equal(count_errors(&c->d), 0);
	assert_int_equal(rules_count_loaded(c->rs), 1);
	fx_init(&f);
	f.ev.type = BW_EVT_EXECVE;
	f.ev.nparams = 0;
	snprintf(f.proc.comm, sizeof(f.proc.comm), "fish");
	assert_int_equal(matches(c->rs, &f), 1);    /* nested list */
	snprintf(f.proc.comm, sizeof(f.proc.comm), "tc sh");
	assert_int_equal(matches(c->rs, &f), 1);    /* '"tc sh"' item */
	snprintf(f.proc.comm, sizeof(f.proc.comm), "cat");
	assert_int_equal(matches(c->rs, &f), 0);
	snprintf(f.proc.comm, sizeof(f.proc.comm), "bash");
	f.ev.container = &f.host;
	assert_int_equal(matches(c->rs, &f), 0);    /* not in a container */
}

static void test_cyclic_macros_are_an_error(void **st)
{
	struct ctx *c = *st;
	assert_int_equal(fx_load(c->rs, "cyclic.yaml", &c->d, &c->err), 0);
	assert_int_equal(rules_compile(c->rs, &c->d, &c->err), 0);
	assert_true(fx_diag_has(&c->d, "Cyclic", true, "cycle"));
	assert_int_equal(rules_count_loaded(c->rs), 1);
	assert_int_equal(rules_count_skipped(c->rs), 1);
}

static void test_unknown_field_skips_rule_with_its_name(void **st)
{
	struct ctx *c = *st;
	const struct bw_rules_diag_item *it;

	assert_int_equal(fx_load(c->rs, "unknown_field.yaml", &c->d, &c->err), 0);
	assert_int_equal(rules_compile(c->rs, &c->d, &c->err), 0);
	it = fx_diag_find(&c->d, "Uses unknown field", true);
	assert_non_null(it);
	assert_true(fx_diag_has(&c->d, it->item, true, "proc.nosuchfield"));
	assert_int_equal(it->line, 3);
	assert_int_equal(it->column, 36);
	assert_true(fx_diag_has(&c->d, "Skips unknown field", false,
				"k8s.nosuch.thing"));
	assert_null(fx_diag_find(&c->d, "Skips unknown field", true));
	assert_int_equal(rules_count_loaded(c->rs), 1);
}

static void test_override_append_and_replace(void **st)
{
	struct ctx *c = *st;
	const struct bw_rule *r;
	struct fx f;

	assert_int_equal(fx_load(c->rs, "override_base.yaml", &c->d, &c->err), 0);
	assert_int_equal(fx_load(c->rs, "override_local.yaml", &c->d, &c->err), 0);
	assert_int_equal(rules_compile(c->rs, &c->d, &c->err), 0);
	dump(&c->d);
	assert_int_equal(count_errors(&c->d), 0);
	r = find_rule(c->rs, "R");
	assert_non_null(r);
	assert_int_equal(rules_rule_priority(r), BW_PRIO_ERROR);
	fx_init(&f);
	f.ev.type = BW_EVT_EXECVE;
	f.ev.nparams = 0;
	snprintf(f.proc.comm, sizeof(f.proc.comm), "c"); /* appended item */
	assert_int_equal(matches(c->rs, &f), 0);
	snprintf(f.proc.comm, sizeof(f.proc.comm), "z");
	assert_int_equal(matches(c->rs, &f), 1);
	snprintf(f.parent.comm, sizeof(f.parent.comm), "skipme");
	assert_int_equal(matches(c->rs, &f), 0);   /* appended condition */
}

static void test_override_replaced_output(void **st)
{
	struct ctx *c = *st;
	struct bw_alert a;
	struct fx f;
	const struct bw_rule *r;

	assert_int_equal(fx_load(c->rs, "override_base.yaml", &c->d, &c->err), 0);
	assert_int_equal(fx_load(c->rs, "override_local.yaml", &c->d, &c->err), 0);
	assert_int_equal(rules_compile(c->rs, &c->d, &c->err), 0);
	r = find_rule(c->rs, "R");
	fx_init(&f);
	assert_int_equal(rules_render_alert(r, &f.ev, &a), 0);
	assert_string_equal(a.output, "replaced output");
	rules_alert_free(&a);
}

static void test_legacy_append(void **st)
{
	struct ctx *c = *st;
	struct fx f;

	assert_int_equal(fx_load(c->rs, "override_base.yaml", &c->d, &c->err), 0);
	assert_int_equal(fx_load(c->rs, "override_local.yaml", &c->d, &c->err), 0);
	assert_int_equal(rules_compile(c->rs, &c->d, &c->err), 0);
	fx_init(&f);
	f.ev.type = BW_EVT_EXECVE;
	f.ev.nparams = 0;
	snprintf(f.proc.comm, sizeof(f.proc.comm), "legacy2");
	/* "evt.type = execve and proc.name = legacy1 or proc.name = legacy2"
	 * plus R (legacy2 is not in 'allowed') */
	assert_int_equal(matches(c->rs, &f), 2);
}

static void test_override_without_base_is_error(void **st)
{
	struct ctx *c = *st;

	assert_int_equal(fx_load(c->rs, "override_local.yaml", &c->d, &c->err), 0);
	assert_non_null(fx_diag_find(&c->d, "R", true));
	assert_non_null(fx_diag_find(&c->d, "allowed", true));
}

static void test_exceptions(void **st)
{
	struct ctx *c = *st;
	struct fx f;

	assert_int_equal(fx_load(c->rs, "exceptions.yaml", &c->d, &c->err), 0);
	assert_int_equal(rules_compile(c->rs, &c->d, &c->err), 0);
	dump(&c->d);
	assert_int_equal(count_errors(&c->d), 0);
	fx_init(&f);
	f.proc.exepath = "/opt/cat";
	assert_int_equal(matches(c->rs, &f), 1);
	snprintf(f.proc.comm, sizeof(f.proc.comm), "vim");
	f.fd.name = "/etc/vim/vimrc";
	assert_int_equal(matches(c->rs, &f), 0);    /* row 1 */
	f.fd.name = "/etc/passwd";
	assert_int_equal(matches(c->rs, &f), 1);    /* only one field matched */
	snprintf(f.proc.comm, sizeof(f.proc.comm), "chef");
	assert_int_equal(matches(c->rs, &f), 0);    /* single-field 'in' */
	snprintf(f.proc.comm, sizeof(f.proc.comm), "salt");
	assert_int_equal(matches(c->rs, &f), 0);    /* appended value */
	snprintf(f.proc.comm, sizeof(f.proc.comm), "x");
	f.proc.exepath = "/usr/bin/x";
	assert_int_equal(matches(c->rs, &f), 0);    /* pmatch on a list */
}

static void test_event_type_index(void **st)
{
	struct ctx *c = *st;
	bool types[BW_EVT__COUNT];

	assert_int_equal(fx_load(c->rs, "exceptions.yaml", &c->d, &c->err), 0);
	assert_int_equal(fx_load(c->rs, "macros_lists.yaml", &c->d, &c->err), 0);
	assert_int_equal(rules_compile(c->rs, &c->d, &c->err), 0);
	rules_event_types(c->rs, types);
	assert_true(types[BW_EVT_OPENAT]);
	assert_true(types[BW_EVT_EXECVE]);
	assert_true(types[BW_EVT_EXECVEAT]);
	assert_false(types[BW_EVT_CONNECT]);
	assert_false(types[BW_EVT_OPEN]);
}

static void test_event_type_index_through_not(void **st)
{
	struct bw_rules_diag d = { 0 };
	struct bw_ruleset *rs = fx_compile(
		"not evt.type in (openat, open) and not (evt.type != connect "
		"or proc.name = x)", &d);
	bool types[BW_EVT__COUNT];

	assert_non_null(rs);
	rules_event_types(rs, types);
	assert_true(types[BW_EVT_CONNECT]);
	assert_false(types[BW_EVT_OPENAT]);
	assert_false(types[BW_EVT_EXECVE]);
	rules_diag_free(&d);
	rules_free(rs);
}

static void test_rule_without_evttype_warns(void **st)
{
	struct ctx *c = *st;
	bool types[BW_EVT__COUNT];

	assert_int_equal(fx_load(c->rs, "unknown_keys.yaml", &c->d, &c->err), 0);
	assert_int_equal(rules_compile(c->rs, &c->d, &c->err), 0);
	assert_true(fx_diag_has(&c->d, "No type", false, "evt.type"));
	rules_event_types(c->rs, types);
	assert_true(types[BW_EVT_CONNECT]);
}

static void test_unknown_keys_and_sources_warn(void **st)
{
	struct ctx *c = *st;
	const char *const *plugins;

	assert_int_equal(fx_load(c->rs, "unknown_keys.yaml", &c->d, &c->err), 0);
	assert_int_equal(rules_compile(c->rs, &c->d, &c->err), 0);
	assert_non_null(fx_diag_find(&c->d, "K", false));
	assert_non_null(fx_diag_find(&c->d, "Plugin source", false));
	assert_int_equal(count_errors(&c->d), 0);
	assert_int_equal(rules_required_plugins(c->rs, &plugins), 1);
	assert_string_equal(plugins[0], "k8saudit 0.7.0");
	assert_string_equal(rules_required_engine_version(c->rs), "0.31.0");
	assert_int_equal(rules_count_loaded(c->rs), 2);
}

static void test_depth_limit(void **st)
{
	struct bw_rules_diag d = { 0 };
	size_t n = RULES_MAX_EXPR_DEPTH + 10, o = 0;
	char *cond = malloc(n * 2 + 64);
	struct bw_ruleset *rs;

	for (size_t i = 0; i < n; i++)
		cond[o++] = '(';
	o += (size_t)snprintf(cond + o, 32, "proc.name = x");
	for (size_t i = 0; i < n; i++)
		cond[o++] = ')';
	cond[o] = 0;
	rs = fx_compile(cond, &d);
	assert_non_null(rs);
	assert_int_equal(rules_count_loaded(rs), 0);
	assert_non_null(strstr(d.items[0].msg, "deep"));
	free(cond);
	rules_diag_free(&d);
	rules_free(rs);
}

static int upstream_path(const char *name, char *buf, size_t len)
{
	const char *sh = getenv("BW_SHARED_DIR");
	const char *ci = getenv("CI");

	snprintf(buf, len, "%s/conformance/falco-rules/%s",
		 sh ? sh : "/work/shared", name);
	if (access(buf, R_OK) == 0)
		return 0;
	if (ci && !strcmp(ci, "true"))
		fail_msg("upstream rules file %s is missing", buf);
	fprintf(stderr, "SKIP: %s not found\n", buf);
	return -1;
}

static void test_upstream_falco_rules_load_without_errors(void **st)
{
	struct ctx *c = *st;
	char p[1024];

	if (upstream_path("falco_rules.yaml", p, sizeof(p)))
		skip();
	assert_int_equal(rules_load_file(c->rs, p, &c->d, &c->err), 0);
	assert_int_equal(rules_compile(c->rs, &c->d, &c->err), 0);
	dump(&c->d);
	assert_int_equal(count_errors(&c->d), 0);
	assert_int_equal(rules_count_skipped(c->rs), 0);
	assert_true(rules_count_loaded(c->rs) >= 20);
}

static void test_upstream_incubating_and_sandbox_load(void **st)
{
	struct ctx *c = *st;
	const char *names[] = { "falco_rules.yaml",
				"falco-incubating_rules.yaml",
				"falco-sandbox_rules.yaml" };
	char p[1024];

	for (size_t i = 0; i < 3; i++) {
		if (upstream_path(names[i], p, sizeof(p)))
			skip();
		assert_int_equal(rules_load_file(c->rs, p, &c->d, &c->err), 0);
	}
	assert_int_equal(rules_compile(c->rs, &c->d, &c->err), 0);
	dump(&c->d);
	/* every unsupported field is reported against its rule */
	for (size_t i = 0; i < c->d.n; i++)
		if (c->d.items[i].is_error)
			assert_true(c->d.items[i].item[0] != 0);
	assert_true(rules_count_loaded(c->rs) >= 70);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_syntax_error_position_in_block_scalar),
		T(test_syntax_error_position_in_plain_scalar),
		T(test_yaml_error_fails_file_with_position),
		T(test_yaml_aliases_are_refused),
		T(test_macros_and_lists_expand),
		T(test_cyclic_macros_are_an_error),
		T(test_unknown_field_skips_rule_with_its_name),
		T(test_override_append_and_replace),
		T(test_override_replaced_output),
		T(test_legacy_append),
		T(test_override_without_base_is_error),
		T(test_exceptions),
		T(test_event_type_index),
		cmocka_unit_test(test_event_type_index_through_not),
		T(test_rule_without_evttype_warns),
		T(test_unknown_keys_and_sources_warn),
		cmocka_unit_test(test_depth_limit),
		T(test_upstream_falco_rules_load_without_errors),
		T(test_upstream_incubating_and_sandbox_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
