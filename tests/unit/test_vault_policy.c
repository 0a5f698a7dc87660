/* test_vault_policy.c - Vault's ACL policy language (src/vault/policy_parse.c,
 * policy_acl.c): the HCL subset with comments, escapes, trailing commas and
 * skipped attributes; parse errors with their line and column; the JSON
 * form; limits; and capability lookups as a table of (policies, path) ->
 * capabilities covering the examples of Vault's policy documentation and
 * of vault/acl.go's priority rules, deny across policies, "+" segments,
 * exact-beats-glob and the root policy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault/vault.h"

#define R VAULT_CAP_READ
#define L VAULT_CAP_LIST
#define C VAULT_CAP_CREATE
#define U VAULT_CAP_UPDATE
#define D VAULT_CAP_DELETE
#define S VAULT_CAP_SUDO
#define P VAULT_CAP_PATCH
#define DENY VAULT_CAP_DENY
#define ALL (C | R | U | D | L | S | P | VAULT_CAP_SUBSCRIBE)

static struct vault_policy *parse_ok(const char *name, const char *text)
{
	struct vault_policy *p = NULL;
	struct bw_error err = {0};
	int rc = vault_policy_parse(name, text, strlen(text), &p, &err);

	if (rc)
		fail_msg("parse failed: %d:%d: %s", err.line, err.column,
			 err.msg);
	assert_non_null(p);
	return p;
}

/* Expects a parse error at line:col whose message contains want. */
static void parse_err(const char *text, int code, int line, int col,
		      const char *want)
{
	struct vault_policy *p = NULL;
	struct bw_error err = {0};
	int rc = vault_policy_parse("t", text, strlen(text), &p, &err);

	if (rc != code || err.line != line || err.column != col ||
	    !strstr(err.msg, want))
		fail_msg("for <<%s>>: got %d at %d:%d \"%s\", want %d at %d:%d "
			 "\"%s\"",
			 text, rc, err.line, err.column, err.msg, code, line,
			 col, want);
	assert_null(p);
}

/* Capabilities of path under the policies given as HCL texts (NULL-ended;
 * a text "root" stands for the root policy). */
static unsigned caps_of(const char *const *texts, const char *path)
{
	struct vault_policy *ps[8];
	struct vault_acl *acl = NULL;
	size_t n = 0;
	unsigned caps;

	for (; texts[n]; n++) {
		assert_true(n < 8);
		ps[n] = strcmp(texts[n], "root") == 0 ? parse_ok("Root", "")
						      : parse_ok("p", texts[n]);
	}
	assert_int_equal(
	    vault_acl_new((const struct vault_policy *const *)ps, n, &acl), 0);
	for (size_t i = 0; i < n; i++)
		vault_policy_free(ps[i]); /* the ACL owns copies */
	caps = vault_acl_capabilities(acl, path);
	vault_acl_free(acl);
	return caps;
}

/* ---- the table ---------------------------------------------------------- */

/* The "Policy syntax" example of Vault's policies page. */
static const char doc_example[] =
    "# Permit reading only \"secret/foo\".\n"
    "path \"secret/foo\" {\n  capabilities = [\"read\"]\n}\n"
    "# Permit reading everything under \"secret/bar\".\n"
    "path \"secret/bar/*\" {\n  capabilities = [\"read\"]\n}\n"
    "# Permit reading everything prefixed with \"zip-\".\n"
    "path \"secret/zip-*\" {\n  capabilities = [\"read\"]\n}\n"
    "# Permit reading the \"teamb\" path under any top-level path under "
    "secret/\n"
    "path \"secret/+/teamb\" {\n  capabilities = [\"read\"]\n}\n"
    "# Permit reading secret/foo/bar/teamb, secret/bar/foo/teamb, etc.\n"
    "path \"secret/+/+/teamb\" {\n  capabilities = [\"read\"]\n}\n";

struct acl_case {
	const char *why;
	const char *policies[4];
	const char *path;
	unsigned want;
};

/* Two-rule policy: the rule expected to win gets read, the other list. */
#define PAIR(win, lose)                                                        \
	"path \"" win "\" { capabilities = [\"read\"] }\n"                     \
	"path \"" lose "\" { capabilities = [\"list\"] }\n"

static const struct acl_case cases[] = {
    /* Vault's documented example */
    {"exact path", {doc_example}, "secret/foo", R},
    {"exact is not a prefix", {doc_example}, "secret/food", 0},
    {"exact has no children", {doc_example}, "secret/foo/bar", 0},
    {"glob child", {doc_example}, "secret/bar/zip", R},
    {"glob grandchild", {doc_example}, "secret/bar/zip/zap", R},
    {"glob needs its slash", {doc_example}, "secret/bars/zip", 0},
    {"glob does not match its base", {doc_example}, "secret/bar", 0},
    {"glob mid-segment", {doc_example}, "secret/zip-zap", R},
    {"glob mid-segment deeper", {doc_example}, "secret/zip-zap/zong", R},
    {"glob prefix mismatch", {doc_example}, "secret/zip/zap", 0},
    {"+ one segment", {doc_example}, "secret/foo/teamb", R},
    {"+ + two segments", {doc_example}, "secret/foo/bar/teamb", R},
    {"+ + other names", {doc_example}, "secret/bar/foo/teamb", R},
    {"+ needs a segment", {doc_example}, "secret/teamb", 0},
    {"+ + not three", {doc_example}, "secret/a/b/c/teamb", 0},
    {"+ not a prefix", {doc_example}, "secret/foo/teamb/x", 0},

    /* priority rules, with the examples of vault/acl.go */
    {"later glob beats earlier +", {PAIR("foo/a*", "foo/+")}, "foo/ab", R},
    {"later + beats earlier +",
     {PAIR("foo/bar/+/baz", "foo/+/bar/baz")},
     "foo/bar/bar/baz",
     R},
    {"non-glob beats glob at the same position",
     {PAIR("foo/+/bar", "foo/+/ba*")},
     "foo/x/bar",
     R},
    {"+ beats * at the same position", {PAIR("foo/+", "foo/*")}, "foo/x", R},
    {"fewer + segments",
     {PAIR("foo/bar/+/baz", "foo/+/+/baz")},
     "foo/bar/x/baz",
     R},
    {"longer glob",
     {PAIR("foo/+/bar/ba*", "foo/+/bar/b*")},
     "foo/x/bar/baz",
     R},
    {"docs: secret/* over secret/+/*",
     {PAIR("secret/*", "secret/+/*")},
     "secret/a/b",
     R},
    {"same position, fewer + (no glob)",
     {PAIR("a/+/b/+", "a/+/+/+")},
     "a/x/b/y",
     R},
    {"lexicographically larger last",
     {PAIR("a/+/x/+", "a/+/+/y")},
     "a/q/x/y",
     R},
    {"longest prefix glob",
     {PAIR("secret/app/*", "secret/*")},
     "secret/app/x",
     R},
    {"shorter prefix where the longer does not match",
     {PAIR("secret/app/*", "secret/*")},
     "secret/other",
     L},
    {"exact beats every glob",
     {PAIR("secret/+/x", "secret/*"),
      "path \"secret/a/x\" { capabilities = [\"update\"] }"},
     "secret/a/x",
     U},
    {"exact allows even under a denied glob",
     {"path \"secret/*\" { capabilities = [\"deny\"] }\n"
      "path \"secret/open\" { capabilities = [\"read\"] }\n"},
     "secret/open",
     R},
    {"denied glob elsewhere",
     {"path \"secret/*\" { capabilities = [\"deny\"] }\n"
      "path \"secret/open\" { capabilities = [\"read\"] }\n"},
     "secret/closed",
     DENY},
    {"a more specific glob beats a denied one",
     {"path \"secret/*\" { capabilities = [\"deny\"] }",
      "path \"secret/app/*\" { capabilities = [\"read\"] }"},
     "secret/app/db",
     R},

    /* merging across policies */
    {"union across policies",
     {"path \"secret/app\" { capabilities = [\"read\"] }",
      "path \"secret/app\" { capabilities = [\"update\", \"list\"] }"},
     "secret/app",
     R | U | L},
    {"deny wins across policies",
     {"path \"secret/*\" { capabilities = [\"read\", \"list\"] }",
      "path \"secret/*\" { capabilities = [\"deny\"] }"},
     "secret/x",
     DENY},
    {"deny wins, either order",
     {"path \"secret/+/k\" { capabilities = [\"deny\"] }",
      "path \"secret/+/k\" { capabilities = [\"sudo\"] }"},
     "secret/a/k",
     DENY},
    {"deny wins within one policy",
     {"path \"a\" { capabilities = [\"read\"] }\n"
      "path \"a\" { capabilities = [\"deny\", \"update\"] }"},
     "a",
     DENY},
    {"exact and glob of one string are different rules",
     {"path \"a/b\" { capabilities = [\"deny\"] }",
      "path \"a/b*\" { capabilities = [\"read\"] }"},
     "a/bc",
     R},

    /* "+" and "*" details */
    {"+ alone", {"path \"+\" { capabilities = [\"read\"] }"}, "sys", R},
    {"+ alone, two segments",
     {"path \"+\" { capabilities = [\"read\"] }"},
     "sys/x",
     0},
    {"+/ at the start",
     {"path \"+/config\" { capabilities = [\"read\"] }"},
     "kv/config",
     R},
    {"+ then glob",
     {"path \"secret/+/app/*\" { capabilities = [\"read\"] }"},
     "secret/t1/app/a/b",
     R},
    {"+ then glob, base not matched",
     {"path \"secret/+/app/*\" { capabilities = [\"read\"] }"},
     "secret/t1/app",
     0},
    {"+ then glob mid-segment",
     {"path \"secret/+/ap*\" { capabilities = [\"read\"] }"},
     "secret/t1/apple/x",
     R},
    {"* mid-path is literal",
     {"path \"secret/*/x\" { capabilities = [\"read\"] }"},
     "secret/a/x",
     0},
    {"* mid-path, literal match",
     {"path \"secret/*/x\" { capabilities = [\"read\"] }"},
     "secret/*/x",
     R},
    {"leading slash in the policy",
     {"path \"/secret/a\" { capabilities = [\"read\"] }"},
     "secret/a",
     R},
    {"leading slash in the request",
     {"path \"secret/a\" { capabilities = [\"read\"] }"},
     "/secret/a",
     R},
    {"bare * matches everything",
     {"path \"*\" { capabilities = [\"list\"] }"},
     "anything/at/all",
     L},
    {"no rule", {"path \"a\" { capabilities = [\"read\"] }"}, "b", 0},
    {"old-style policy = write",
     {"path \"a\" { policy = \"write\" }"},
     "a",
     C | R | U | D | L},
    {"old-style policy = sudo plus patch",
     {"path \"a\" { policy = \"sudo\"\n capabilities = [\"patch\"] }"},
     "a",
     C | R | U | D | L | S | P},

    /* root */
    {"root grants everything", {"root"}, "sys/seal", ALL},
    {"root beats deny",
     {"root", "path \"*\" { capabilities = [\"deny\"] }"},
     "secret/x",
     ALL},
};

static void test_capability_table(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned got = caps_of(cases[i].policies, cases[i].path);

		if (got != cases[i].want) {
			print_error("case \"%s\" (%s): got 0x%x, want 0x%x\n",
				    cases[i].why, cases[i].path, got,
				    cases[i].want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* ---- syntax ------------------------------------------------------------- */

static void test_comments_escapes_trailing_commas(void **state)
{
	const char *text =
	    "/* a block\n comment */ # hash\n// slashes\n"
	    "path \"secret/\\\"q\\\"/\\u00e9\\t\" /* between */ {\n"
	    "  capabilities = [\"read\", // trailing comma follows\n"
	    "                  \"list\",]\n"
	    "}\n"
	    "path \"secret/b\" = { capabilities = [] }\n";
	const char *pols[] = {text, NULL};

	assert_int_equal(caps_of(pols, "secret/\"q\"/\xc3\xa9\t"), R | L);
	assert_int_equal(caps_of(pols, "secret/b"), 0);
}

static void test_other_attributes_skipped(void **state)
{
	const char *text =
	    "name = \"ignored\"\n"
	    "path \"secret/foo\" {\n"
	    "  capabilities = [\"create\"]\n"
	    "  allowed_parameters = {\n"
	    "    \"bar\" = [\"zip\", \"zap\"]\n"
	    "    \"*\"   = []\n"
	    "    nested = { deeper = [{ a = 1, b = [true, false] }] }\n"
	    "  }\n"
	    "  denied_parameters = { \"salary\" = [] }\n"
	    "  required_parameters = [\"bar\", \"baz\"]\n"
	    "  min_wrapping_ttl = \"1s\"\n"
	    "  max_wrapping_ttl = \"90s\",\n"
	    "  comment = \"x\"\n"
	    "  control_group = {\n"
	    "    factor \"ops_manager\" {\n"
	    "      identity { group_names = [\"managers\"]\n approvals = 1 }\n"
	    "    }\n"
	    "  }\n"
	    "  capabilities = [\"update\"]\n"
	    "}\n";
	const char *pols[] = {text, NULL};

	assert_int_equal(caps_of(pols, "secret/foo"), C | U);
}

static void test_name_lowercased(void **state)
{
	struct vault_policy *p = parse_ok("My-Policy", "");

	assert_string_equal(vault_policy_name(p), "my-policy");
	vault_policy_free(p);
	vault_policy_free(NULL);
	vault_acl_free(NULL);
	assert_int_equal(vault_acl_capabilities(NULL, "x"), 0);
}

static void test_parse_errors(void **state)
{
	parse_err("path \"a\" { capabilities = [\"reed\"] }", -EINVAL, 1, 28,
		  "invalid capability \"reed\"");
	parse_err("path \"a\" {\n  capabilities = [\"read\"]\n  policy = "
		  "\"own\"\n}",
		  -EINVAL, 3, 12, "invalid policy");
	parse_err("\n\npath \"a\" capabilities", -EINVAL, 3, 10,
		  "expected '{'");
	parse_err("path \"a\" {\n capabilities = [\"read\"]\n", -EINVAL, 1, 10,
		  "unclosed '{'");
	parse_err("# c\npath \"abc\n\" {}", -EINVAL, 2, 6,
		  "unterminated string");
	parse_err("path \"a\" {}\n  /* never closed", -EINVAL, 2, 3,
		  "unterminated comment");
	parse_err("foo = 1", -EINVAL, 1, 1, "unknown top-level key \"foo\"");
	parse_err("path \"a\" { capabilities = \"read\" }", -EINVAL, 1, 27,
		  "expected '['");
	parse_err("path \"a\" { capabilities = [\"read\" \"list\"] }", -EINVAL,
		  1, 35, "expected ',' or ']'");
	parse_err("path \"a\\q\" {}", -EINVAL, 1, 8, "unknown escape");
	parse_err("path \"a\\u00\" {}", -EINVAL, 1, 8, "hex digits");
	parse_err("path \"a\\u0000\" {}", -EINVAL, 1, 8, "code point");
	parse_err("path \"secret/+*\" {}", -EINVAL, 1, 6, "'+*' is forbidden");
	parse_err("path \"a\" { x = }", -EINVAL, 1, 16, "expected a value");
	parse_err("path \"a\" { x = [1 2] }", -EINVAL, 1, 19,
		  "expected ',' or ']'");
	parse_err("path \"a\" { x y }", -EINVAL, 1, 14, "expected '='");
	parse_err("path \"a\" { x = 1 } @", -EINVAL, 1, 20,
		  "unexpected character '@'");
	parse_err("path", -EINVAL, 1, 5, "expected a quoted path");
	parse_err("path \"a\" { capabilities = [\"read\"] } }", -EINVAL, 1, 38,
		  "expected 'path'");
}

static void test_nesting_limit(void **state)
{
	char text[512];
	int n = 0;

	n +=
	    snprintf(text + n, sizeof(text) - (size_t)n, "path \"a\" {\n x = ");
	for (int i = 0; i < 40; i++)
		text[n++] = '[';
	for (int i = 0; i < 40; i++)
		text[n++] = ']';
	snprintf(text + n, sizeof(text) - (size_t)n, "\n}\n");
	parse_err(text, -EINVAL, 2, 38, "nested deeper");

	/* 20 levels are fine */
	n = snprintf(text, sizeof(text), "path \"a\" { x = ");
	for (int i = 0; i < 20; i++)
		text[n++] = '[';
	for (int i = 0; i < 20; i++)
		text[n++] = ']';
	snprintf(text + n, sizeof(text) - (size_t)n, " }");
	vault_policy_free(parse_ok("p", text));
}

static void test_size_limits(void **state)
{
	struct vault_policy *p = NULL;
	struct bw_error err = {0};
	size_t cap = (size_t)(VAULT_POLICY_MAX_PATHS + 1) * 48 + 1, n = 0;
	char *text = malloc(cap);

	assert_non_null(text);
	assert_int_equal(vault_policy_parse(
			     "big", text, VAULT_POLICY_MAX_BYTES + 1, &p, &err),
			 -EFBIG);
	for (int i = 0; i <= VAULT_POLICY_MAX_PATHS; i++)
		n +=
		    (size_t)snprintf(text + n, cap - n, "path \"p%d\" {}\n", i);
	assert_true(n < VAULT_POLICY_MAX_BYTES);
	assert_int_equal(vault_policy_parse("big", text, n, &p, &err), -E2BIG);
	assert_int_equal(err.line, VAULT_POLICY_MAX_PATHS + 1);
	assert_null(p);

	/* exactly the maximum is fine, and lookups stay correct */
	n = 0;
	for (int i = 0; i < VAULT_POLICY_MAX_PATHS; i++)
		n += (size_t)snprintf(text + n, cap - n,
				      "path \"p%d\" { capabilities = "
				      "[\"read\"] }\n",
				      i);
	{
		struct vault_acl *acl = NULL;
		const struct vault_policy *const *pp;

		assert_int_equal(vault_policy_parse("big", text, n, &p, &err),
				 0);
		pp = (const struct vault_policy *const *)&p;
		assert_int_equal(vault_acl_new(pp, 1, &acl), 0);
		assert_int_equal(vault_acl_capabilities(acl, "p9999"), R);
		assert_int_equal(vault_acl_capabilities(acl, "p10000"), 0);
		vault_acl_free(acl);
		vault_policy_free(p);
	}
	free(text);
}

/* Bytes after the text's length are never read: no NUL needed. */
static void test_not_nul_terminated(void **state)
{
	const char full[] = "path \"a\" { capabilities = [\"read\"] }XXXX";
	struct vault_policy *p = NULL;
	struct bw_error err = {0};

	assert_int_equal(
	    vault_policy_parse("p", full, sizeof(full) - 5, &p, &err), 0);
	vault_policy_free(p);
	/* cut inside the string */
	assert_int_equal(vault_policy_parse("p", full, 7, &p, &err), -EINVAL);
	assert_int_equal(err.column, 6);
}

/* ---- JSON --------------------------------------------------------------- */

static void test_json_form(void **state)
{
	const char *json =
	    "  {\"path\": {\n"
	    "    \"secret/*\": {\"capabilities\": [\"read\", \"list\"],\n"
	    "                 \"allowed_parameters\": {\"x\": []}},\n"
	    "    \"secret/+/k\": {\"capabilities\": [\"deny\"]},\n"
	    "    \"old\": {\"policy\": \"read\"}\n"
	    "  }}";
	const char *arr =
	    "{\"path\": [{\"a\": {\"capabilities\": [\"update\"]}},"
	    " {\"a\": [{\"capabilities\": [\"patch\"]}]}]}";
	const char *pols[] = {json, NULL};
	const char *pols2[] = {arr, NULL};

	assert_int_equal(caps_of(pols, "secret/x/y"), R | L);
	assert_int_equal(caps_of(pols, "secret/x/k"), DENY);
	assert_int_equal(caps_of(pols, "old"), R | L);
	assert_int_equal(caps_of(pols2, "a"), U | P);
}

static void test_json_errors(void **state)
{
	struct vault_policy *p = NULL;
	struct bw_error err = {0};
	const char *bad =
	    "{\"path\": {\n \"a\": {\"capabilities\": [\"read\"]}\n";
	const char *cap = "{\"path\": {\"a\": {\"capabilities\": [\"fly\"]}}}";
	const char *notlist =
	    "{\"path\": {\"a\": {\"capabilities\": \"read\"}}}";
	const char *key = "{\"paths\": {}}";
	const char *wild = "{\"path\": {\"/x/+*\": {}}}";

	assert_int_equal(vault_policy_parse("j", bad, strlen(bad), &p, &err),
			 -EINVAL);
	assert_true(err.line >= 2);
	assert_non_null(strstr(err.msg, "invalid JSON"));
	assert_int_equal(vault_policy_parse("j", cap, strlen(cap), &p, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "invalid capability \"fly\""));
	assert_int_equal(
	    vault_policy_parse("j", notlist, strlen(notlist), &p, &err),
	    -EINVAL);
	assert_int_equal(vault_policy_parse("j", key, strlen(key), &p, &err),
			 -EINVAL);
	assert_int_equal(vault_policy_parse("j", wild, strlen(wild), &p, &err),
			 -EINVAL);
	assert_null(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_capability_table),
	    cmocka_unit_test(test_comments_escapes_trailing_commas),
	    cmocka_unit_test(test_other_attributes_skipped),
	    cmocka_unit_test(test_name_lowercased),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_nesting_limit),
	    cmocka_unit_test(test_size_limits),
	    cmocka_unit_test(test_not_nul_terminated),
	    cmocka_unit_test(test_json_form),
	    cmocka_unit_test(test_json_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
