/* test_secretscan.c - every secret rule finds its secret and passes over a
 * near miss (tests/data/secretscan/cases.txt), matches are redacted, line
 * numbers are right, binary content and documentation paths are skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secretscan/secretscan.h"

#define MAX_HITS 32

struct hits {
	size_t n;
	const char *rule[MAX_HITS];
	size_t line[MAX_HITS];
	char red[MAX_HITS][SECRETSCAN_REDACTED_MAX];
};

static int on_match(void *ctx, const struct secret_match *m)
{
	struct hits *h = ctx;

	if (h->n < MAX_HITS) {
		h->rule[h->n] = m->rule->id;
		h->line[h->n] = m->line;
		memcpy(h->red[h->n], m->redacted, sizeof(h->red[0]));
	}
	h->n++;
	return 0;
}

static struct secretscan *scanner(void)
{
	struct secretscan *s = NULL;
	struct bw_error err = {0};

	if (secretscan_new(&s, &err))
		fail_msg("secretscan_new: %s", err.msg);
	return s;
}

static int has_rule(const struct hits *h, const char *id)
{
	for (size_t i = 0; i < h->n && i < MAX_HITS; i++)
		if (!strcmp(h->rule[i], id))
			return 1;
	return 0;
}

/* "\n" escapes to newlines, in place. */
static size_t unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] == 'n') {
			*w++ = '\n';
			r++;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

static void test_each_rule_matches_and_skips_near_miss(void **st)
{
	const char *src = getenv("BW_SOURCE_DIR");
	struct secretscan *s = scanner();
	char path[1024], line[8192];
	size_t pos = 0, neg = 0;
	FILE *f;

	(void)st;
	snprintf(path, sizeof(path), "%s/tests/data/secretscan/cases.txt",
		 src ? src : ".");
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *sign, *id, *file, *content, *save = NULL;
		struct hits h = {0};
		size_t len;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		sign = strtok_r(line, "\t", &save);
		id = strtok_r(NULL, "\t", &save);
		file = strtok_r(NULL, "\t", &save);
		content = strtok_r(NULL, "", &save);
		assert_non_null(content);
		if (!strcmp(file, "-"))
			file = "app/file.txt";
		len = unescape(content);
		assert_int_equal(
		    secretscan_scan(s, file, content, len, on_match, &h), 0);
		if (*sign == '+') {
			if (!has_rule(&h, id))
				fail_msg("%s: not found in \"%s\"", id,
					 content);
			pos++;
		} else {
			if (has_rule(&h, id))
				fail_msg("%s: near miss matched \"%s\"", id,
					 content);
			neg++;
		}
	}
	fclose(f);
	/* a positive and a negative for every rule */
	assert_int_equal(pos, secretscan_nrules());
	assert_int_equal(neg, secretscan_nrules());
	secretscan_free(s);
}

static void test_match_is_redacted_to_four_chars(void **st)
{
	struct secretscan *s = scanner();
	const char *text = "export AWS_ACCESS_KEY_ID=AKIAZ7QX3MNBV2LKJHGF\n";
	struct hits h = {0};
	char out[SECRETSCAN_REDACTED_MAX];

	(void)st;
	assert_int_equal(
	    secretscan_scan(s, "app/.env", text, strlen(text), on_match, &h),
	    0);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.red[0], "AKIA****");
	secretscan_redact("abc", 3, out);
	assert_string_equal(out, "****");
	secretscan_redact("ab\x01"
			  "defgh",
			  8, out);
	assert_string_equal(out, "ab?d****");
	secretscan_free(s);
}

static void test_line_numbers_are_one_based(void **st)
{
	struct secretscan *s = scanner();
	const char *text = "# config\n\nA=1\n"
			   "k1=AKIAZ7QX3MNBV2LKJHGF\n"
			   "b=2\n"
			   "k2=ASIAZ7QX3MNBV2LKJHGQ\n";
	struct hits h = {0};

	(void)st;
	assert_int_equal(secretscan_scan(s, "etc/app.conf", text, strlen(text),
					 on_match, &h),
			 0);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.line[0], 4);
	assert_int_equal(h.line[1], 6);
	secretscan_free(s);
}

static void test_binary_content_is_not_text(void **st)
{
	char buf[100] = "AKIAZ7QX3MNBV2LKJHGF";
	char *big = calloc(1, SECRETSCAN_TEXT_PROBE + 10);

	(void)st;
	assert_non_null(big);
	buf[50] = '\0';
	assert_false(secretscan_is_text(buf, sizeof(buf)));
	assert_true(secretscan_is_text(buf, 20));
	/* a NUL past the probe does not make a file binary */
	memset(big, 'a', SECRETSCAN_TEXT_PROBE + 10);
	big[SECRETSCAN_TEXT_PROBE + 5] = '\0';
	assert_true(secretscan_is_text(big, SECRETSCAN_TEXT_PROBE + 10));
	free(big);
}

static void test_paths_skipped(void **st)
{
	(void)st;
	assert_true(secretscan_want_path("app/config.env", 100));
	assert_true(secretscan_want_path("root/.ssh/id_rsa", 1700));
	assert_true(secretscan_want_path("app/node_modules/x/index.js", 10));
	assert_false(secretscan_want_path("app/config.env", 0));
	assert_false(
	    secretscan_want_path("app/config.env", SECRETSCAN_MAX_FILE + 1));
	assert_false(secretscan_want_path("README.md", 100));
	assert_false(secretscan_want_path("usr/share/doc/x/copyright", 100));
	assert_false(secretscan_want_path("usr/share/man/man1/ls.1", 100));
	assert_false(secretscan_want_path("var/lib/dpkg/status", 100));
	assert_false(secretscan_want_path(
	    "usr/lib/python3.11/test/certdata/keycert.pem", 100));
	assert_false(secretscan_want_path(
	    "app/node_modules/jws/test/data/key.pem", 100));
	assert_false(secretscan_want_path("app/logo.png", 100));
	/* a test directory outside a package tree is the user's own */
	assert_true(secretscan_want_path("srv/test/key.pem", 100));
}

static void test_callback_error_stops_scan(void **st)
{
	struct secretscan *s = scanner();
	const char *text = "AKIAZ7QX3MNBV2LKJHGF";

	(void)st;
	assert_int_equal(secretscan_scan(s, "a", text, strlen(text),
					 (secret_match_fn)(void (*)(void))NULL,
					 NULL),
			 -EINVAL);
	secretscan_free(s);
	secretscan_free(NULL);
}

static int stop(void *ctx, const struct secret_match *m)
{
	(void)ctx;
	(void)m;
	return -ECANCELED;
}

static void test_callback_code_is_returned(void **st)
{
	struct secretscan *s = scanner();
	const char *text = "AKIAZ7QX3MNBV2LKJHGF";

	(void)st;
	assert_int_equal(
	    secretscan_scan(s, "a", text, strlen(text), stop, NULL),
	    -ECANCELED);
	secretscan_free(s);
}

static void test_matches_per_file_are_bounded(void **st)
{
	struct secretscan *s = scanner();
	size_t n = 500, len = 0;
	char *buf = malloc(n * 22);
	struct hits h = {0};

	(void)st;
	assert_non_null(buf);
	for (size_t i = 0; i < n; i++) {
		memcpy(buf + len, "AKIAZ7QX3MNBV2LKJHGF\n", 21);
		len += 21;
	}
	assert_int_equal(secretscan_scan(s, "a", buf, len, on_match, &h), 0);
	assert_int_equal(h.n, SECRETSCAN_MAX_PER_FILE);
	free(buf);
	secretscan_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_rule_matches_and_skips_near_miss),
	    cmocka_unit_test(test_match_is_redacted_to_four_chars),
	    cmocka_unit_test(test_line_numbers_are_one_based),
	    cmocka_unit_test(test_binary_content_is_not_text),
	    cmocka_unit_test(test_paths_skipped),
	    cmocka_unit_test(test_callback_error_stops_scan),
	    cmocka_unit_test(test_callback_code_is_returned),
	    cmocka_unit_test(test_matches_per_file_are_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
