/* test_k8s_load.c - the manifest loader: multi-document streams, List kinds,
 * JSON, Helm-rendered output, scalar resolution, aliases and their bound,
 * depth bound, duplicate keys, per-document errors and directories.
 * Fixtures live in tests/data/k8s/load/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "k8s/k8s.h"

/* ---- helpers ------------------------------------------------------------ */

struct warns {
	int n;
	struct bw_error e[16];
};

static void collect(void *ctx, const struct bw_error *e)
{
	struct warns *w = ctx;

	if (w->n < 16)
		w->e[w->n] = *e;
	w->n++;
}

static void fixture(const char *name, char *buf, size_t len)
{
	const char *src = getenv("BW_SOURCE_DIR");

	snprintf(buf, len, "%s/tests/data/k8s/load/%s", src ? src : ".", name);
}

static int load(const char *name, struct k8s_set *set, struct warns *w)
{
	struct bw_error err = {0};
	char path[4096];
	int rc;

	fixture(name, path, sizeof(path));
	memset(w, 0, sizeof(*w));
	rc = k8s_load_path(set, path, collect, w, &err);
	if (rc)
		print_message("%s: %s\n", name, err.msg);
	return rc;
}

static int has_warning(const struct warns *w, const char *needle, int line)
{
	for (int i = 0; i < w->n && i < 16; i++)
		if (strstr(w->e[i].msg, needle) &&
		    (line < 0 || w->e[i].line == line))
			return 1;
	return 0;
}

static void dump(const struct warns *w)
{
	for (int i = 0; i < w->n && i < 16; i++)
		print_message("warning: %s:%d:%d: %s\n", w->e[i].input,
			      w->e[i].line, w->e[i].column, w->e[i].msg);
}

static json_t *data_of(struct k8s_set *set, const char *key)
{
	return json_object_get(json_object_get(set->objs[0].obj, "data"), key);
}

/* ---- documents ---------------------------------------------------------- */

static void multi_document_stream(void **state)
{
	struct k8s_set set = {0};
	struct warns w;
	char label[128];

	(void)state;
	assert_int_equal(load("multi-doc.yaml", &set, &w), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(set.n, 3);
	assert_string_equal(set.objs[1].kind, "Deployment");
	assert_string_equal(set.objs[1].name, "web");
	assert_string_equal(set.objs[1].ns, "shop");
	assert_string_equal(set.objs[1].api_version, "apps/v1");
	assert_int_equal(set.objs[1].doc, 1);
	assert_int_equal(set.objs[1].item, -1);
	assert_int_equal(set.objs[1].line, 5);
	assert_int_equal(set.objs[2].doc, 2);
	assert_int_equal(set.objs[2].line, 18);
	assert_true(json_is_integer(k8s_get(set.objs[1].obj, "spec.replicas")));
	assert_string_equal(k8s_object_label(&set.objs[1], label, sizeof(label)),
			    "Deployment/shop/web");
	assert_non_null(strstr(set.objs[0].file, "multi-doc.yaml"));
	k8s_set_free(&set);
}

static void list_kind_contributes_items(void **state)
{
	struct k8s_set set = {0};
	struct warns w;

	(void)state;
	assert_int_equal(load("list.yaml", &set, &w), 0);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.objs[0].name, "a");
	assert_int_equal(set.objs[0].item, 0);
	assert_string_equal(set.objs[1].name, "b");
	assert_int_equal(set.objs[1].item, 1);
	assert_int_equal(w.n, 1);
	assert_true(has_warning(&w, "item 2", -1));
	k8s_set_free(&set);
}

static void json_file(void **state)
{
	struct k8s_set set = {0};
	struct warns w;
	json_t *spec;

	(void)state;
	assert_int_equal(load("pod.json", &set, &w), 0);
	dump(&w);
	assert_int_equal(set.n, 1);
	assert_string_equal(set.objs[0].name, "json-pod");
	assert_int_equal(k8s_pod_spec(&set.objs[0], &spec, NULL, NULL), 0);
	assert_true(json_is_true(json_object_get(spec, "hostNetwork")));
	assert_string_equal(json_string_value(k8s_get(set.objs[0].obj,
						      "metadata.labels.app")),
			    "x/y");
	k8s_set_free(&set);
}

static void helm_output(void **state)
{
	struct k8s_set set = {0};
	struct warns w;
	json_t *c;

	(void)state;
	assert_int_equal(load("helm.yaml", &set, &w), 0);
	dump(&w);
	assert_int_equal(w.n, 0);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.objs[0].kind, "ServiceAccount");
	assert_int_equal(set.objs[0].doc, 1);
	assert_string_equal(set.objs[1].kind, "Deployment");
	assert_int_equal(set.objs[1].doc, 3);
	assert_string_equal(json_string_value(json_object_get(
				    k8s_get(set.objs[0].obj, "metadata.labels"),
				    "app.kubernetes.io/version")),
			    "1.16.0");
	c = json_array_get(k8s_get(set.objs[1].obj,
				   "spec.template.spec.containers"),
			   0);
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(c, "args"), 0)),
			    "multi\nline\n");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(c, "env"), 0),
				    "value")),
			    "yes");
	k8s_set_free(&set);
}

static void scalars_resolve_like_kubernetes(void **state)
{
	struct k8s_set set = {0};
	struct warns w;

	(void)state;
	assert_int_equal(load("scalars.yaml", &set, &w), 0);
	assert_int_equal(set.n, 1);
	assert_true(json_is_null(data_of(&set, "n1")));
	assert_true(json_is_null(data_of(&set, "n2")));
	assert_true(json_is_null(data_of(&set, "n3")));
	assert_true(json_is_true(data_of(&set, "b1")));
	assert_true(json_is_false(data_of(&set, "b2")));
	assert_true(json_is_true(data_of(&set, "b3")));
	assert_true(json_is_false(data_of(&set, "b4")));
	assert_int_equal(json_integer_value(data_of(&set, "i1")), 42);
	assert_int_equal(json_integer_value(data_of(&set, "i2")), -7);
	assert_int_equal(json_integer_value(data_of(&set, "i3")), 31);
	assert_int_equal(json_integer_value(data_of(&set, "i4")), 15);
	assert_int_equal(json_integer_value(data_of(&set, "i5")), 493);
	assert_int_equal(json_integer_value(data_of(&set, "i6")), 1000);
	assert_true(json_is_real(data_of(&set, "f1")));
	assert_true(json_real_value(data_of(&set, "f2")) == 1000.0);
	assert_string_equal(json_string_value(data_of(&set, "s1")), "true");
	assert_string_equal(json_string_value(data_of(&set, "s2")), "42");
	assert_string_equal(json_string_value(data_of(&set, "s3")), "10");
	assert_string_equal(json_string_value(data_of(&set, "s4")), "1.2.3");
	assert_string_equal(json_string_value(data_of(&set, "s5")), "v1");
	assert_string_equal(json_string_value(data_of(&set, "s6")), "block\n");
	assert_true(json_is_real(data_of(&set, "big")));
	assert_string_equal(json_string_value(data_of(&set, "tRuE")), "tRuE");
	k8s_set_free(&set);
}

/* ---- anchors, bounds, errors ------------------------------------------------ */

static void aliases_expand(void **state)
{
	struct k8s_set set = {0};
	struct warns w;
	json_t *o;

	(void)state;
	assert_int_equal(load("aliases.yaml", &set, &w), 0);
	dump(&w);
	assert_int_equal(set.n, 1);
	o = set.objs[0].obj;
	assert_string_equal(json_string_value(k8s_get(o, "data.again")),
			    "hello");
	assert_string_equal(json_string_value(k8s_get(o, "data.labels.tier")),
			    "front");
	/* merge key: explicit keys win */
	assert_string_equal(json_string_value(k8s_get(o, "metadata.annotations.app")),
			    "web");
	assert_string_equal(json_string_value(k8s_get(o, "metadata.annotations.tier")),
			    "override");
	assert_null(k8s_get(o, "metadata.annotations.<<"));
	k8s_set_free(&set);
}

static void billion_laughs_fails_fast(void **state)
{
	struct k8s_set set = {0};
	struct warns w;
	clock_t t0 = clock();

	(void)state;
	assert_int_equal(load("billion-laughs.yaml", &set, &w), 0);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
	assert_int_equal(w.n, 1);
	assert_true(has_warning(&w, "alias expansion exceeds", -1));
	assert_true(has_warning(&w, "document 0", -1));
	assert_int_equal(set.n, 1);
	assert_string_equal(set.objs[0].name, "after-lol");
	k8s_set_free(&set);
}

static void deep_nesting_is_bounded(void **state)
{
	struct k8s_set set = {0};
	struct warns w;

	(void)state;
	assert_int_equal(load("deep-nesting.yaml", &set, &w), 0);
	dump(&w);
	assert_int_equal(w.n, 1);
	assert_true(has_warning(&w, "nesting deeper than 100", 6));
	assert_int_equal(set.n, 1);
	assert_string_equal(set.objs[0].name, "shallow");
	k8s_set_free(&set);
}

static void duplicate_key_is_an_error(void **state)
{
	struct k8s_set set = {0};
	struct warns w;

	(void)state;
	assert_int_equal(load("duplicate-key.yaml", &set, &w), 0);
	assert_int_equal(set.n, 0);
	assert_int_equal(w.n, 1);
	assert_true(has_warning(&w, "duplicate mapping key \"name\"", 5));
	assert_int_equal(w.e[0].column, 9);
	assert_non_null(strstr(w.e[0].input, "duplicate-key.yaml"));
	k8s_set_free(&set);
}

static void bad_yaml_in_document_2_of_3(void **state)
{
	struct k8s_set set = {0};
	struct warns w;

	(void)state;
	assert_int_equal(load("bad-doc2.yaml", &set, &w), 0);
	dump(&w);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.objs[0].name, "first");
	assert_string_equal(set.objs[1].name, "third");
	assert_int_equal(set.objs[1].doc, 2);
	assert_int_equal(set.objs[1].line, 11);
	assert_int_equal(w.n, 1);
	assert_true(has_warning(&w, "document 1: invalid YAML", -1));
	assert_true(w.e[0].line >= 9 && w.e[0].line <= 11);
	assert_true(w.e[0].column > 0);
	k8s_set_free(&set);
}

static void wrong_types_are_reported(void **state)
{
	struct k8s_set set = {0};
	struct warns w;
	json_t *spec;

	(void)state;
	assert_int_equal(load("wrong-types.yaml", &set, &w), 0);
	dump(&w);
	assert_int_equal(w.n, 4);
	assert_true(has_warning(&w, "document 0: not a mapping", 1));
	assert_true(has_warning(&w, "document 1: apiVersion is missing", 3));
	assert_true(has_warning(&w, "document 2: kind is missing or not a string", 7));
	assert_true(has_warning(&w, "document 3: not a mapping", 10));
	assert_int_equal(set.n, 1);
	assert_int_equal(k8s_pod_spec(&set.objs[0], &spec, NULL, NULL), 0);
	/* kept as written: a string is not a boolean */
	assert_true(json_is_string(json_object_get(spec, "hostNetwork")));
	k8s_set_free(&set);
}

static void directory_walk(void **state)
{
	struct k8s_set set = {0};
	struct warns w;

	(void)state;
	assert_int_equal(load("dir", &set, &w), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(set.n, 3);
	assert_string_equal(set.objs[0].name, "dir-a");
	assert_string_equal(set.objs[1].name, "dir-b");
	assert_string_equal(set.objs[2].name, "dir-c");
	k8s_set_free(&set);
}

static void buffer_edge_cases(void **state)
{
	struct k8s_set set = {0};
	struct bw_error err = {0};
	struct warns w = {0};
	static const char tabs[] = "{\"apiVersion\":\t\"v1\",\n\t\"kind\": \"Pod\"}";
	static const char bad[] = "a: [\n";
	static const char recursive[] = "apiVersion: v1\nkind: &k [*k]\n";
	static const char key[] = "apiVersion: v1\nkind: X\n? [a]\n: b\n";

	(void)state;
	assert_int_equal(k8s_load_buffer(&set, "", 0, "empty", collect, &w, &err), 0);
	assert_int_equal(k8s_load_buffer(&set, tabs, strlen(tabs), "tabs", collect, &w, &err), 0);
	assert_int_equal(set.n, 1);
	assert_string_equal(set.objs[0].file, "tabs");
	assert_int_equal(k8s_load_buffer(&set, bad, strlen(bad), "bad", collect, &w, &err), 0);
	assert_int_equal(k8s_load_buffer(&set, recursive, strlen(recursive), "rec", collect, &w, &err), 0);
	assert_int_equal(k8s_load_buffer(&set, key, strlen(key), "key", collect, &w, &err), 0);
	dump(&w);
	assert_int_equal(w.n, 3);
	assert_true(has_warning(&w, "unknown alias", 2));
	assert_true(has_warning(&w, "mapping keys must be scalars", 3));
	assert_int_equal(set.n, 1);
	assert_int_equal(k8s_load_buffer(&set, "x", (size_t)K8S_MAX_FILE_BYTES + 1,
					 "huge", collect, &w, &err),
			 -EFBIG);
	k8s_set_free(&set);
	k8s_set_free(NULL);
}

static void missing_path(void **state)
{
	struct k8s_set set = {0};
	struct bw_error err = {0};

	(void)state;
	assert_int_equal(k8s_load_path(&set, "/nonexistent/x.yaml", NULL, NULL, &err),
			 -ENOENT);
	assert_string_equal(err.input, "/nonexistent/x.yaml");
	assert_int_equal(set.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(multi_document_stream),
		cmocka_unit_test(list_kind_contributes_items),
		cmocka_unit_test(json_file),
		cmocka_unit_test(helm_output),
		cmocka_unit_test(scalars_resolve_like_kubernetes),
		cmocka_unit_test(aliases_expand),
		cmocka_unit_test(billion_laughs_fails_fast),
		cmocka_unit_test(deep_nesting_is_bounded),
		cmocka_unit_test(duplicate_key_is_an_error),
		cmocka_unit_test(bad_yaml_in_document_2_of_3),
		cmocka_unit_test(wrong_types_are_reported),
		cmocka_unit_test(directory_walk),
		cmocka_unit_test(buffer_edge_cases),
		cmocka_unit_test(missing_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
