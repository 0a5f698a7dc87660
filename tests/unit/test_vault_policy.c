/* test_vault_policy.c - Vault's ACL policy language (src/vault/policy_parse.c,
 * policy_acl.c, policy_params.c): the HCL subset with comments, escapes,
 * trailing commas and skipped attributes; parse errors with their line and
 * column; the JSON form; limits; capability lookups as a table of
 * (policies, path) -> capabilities covering the examples of Vault's policy
 * documentation and of vault/acl.go's priority rules, deny across policies,
 * "+" segments, exact-beats-glob and the root policy; and the parameter and
 * wrapping constraints as a table of (policies, path, body, wrap TTL) ->
 * allowed/refused: denied, allowed, "*", globs, comma lists and lists,
 * required, value types, wrapping bounds, which rule applies, merging
 * across policies (HCL and JSON), plus their parse errors and limits. */
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
	struct vault_policy *ps[8] = {0};
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

/* ---- parameter and wrapping constraints ---------------------------------
 */

/* vault_acl_check_params for a request with body (JSON text; NULL: no
 * parameters checked, as for delete and list) and wrap_ttl at path under
 * the policies (HCL or JSON texts, NULL-ended; "root" for root). */
static int check_of(const char *const *texts, const char *path,
		    const char *body, int64_t wrap_ttl, char *why, size_t len)
{
	struct vault_policy *ps[8] = {0};
	struct vault_acl *acl = NULL;
	const struct vault_acl_rule *rule;
	json_t *params = NULL;
	unsigned caps;
	size_t n = 0;
	int rc;

	for (; texts[n]; n++) {
		assert_true(n < 8);
		ps[n] = strcmp(texts[n], "root") == 0 ? parse_ok("root", "")
						      : parse_ok("p", texts[n]);
	}
	assert_int_equal(
	    vault_acl_new((const struct vault_policy *const *)ps, n, &acl), 0);
	for (size_t i = 0; i < n; i++)
		vault_policy_free(ps[i]);
	if (body) {
		json_error_t je;

		params = json_loads(body, 0, &je);
		if (!params)
			fail_msg("bad test body %s: %s", body, je.text);
	}
	rule = vault_acl_match(acl, path, &caps);
	assert_int_equal(caps, vault_acl_capabilities(acl, path));
	rc = vault_acl_check_params(rule, params, wrap_ttl, why, len);
	json_decref(params);
	vault_acl_free(acl);
	return rc;
}

#define OK 0
#define NO (-EACCES)

static const char p_denied[] =
    "path \"secret/data/app\" {\n"
    "  capabilities = [\"create\", \"update\", \"read\"]\n"
    "  denied_parameters = {\n"
    "    \"salary\" = []\n"
    "    \"role\"   = [\"admin*\", \"*root\"]\n"
    "  }\n"
    "}\n";
static const char p_allowed[] =
    "path \"secret/a\" {\n"
    "  capabilities = [\"update\"]\n"
    "  allowed_parameters = {\n"
    "    \"bar\" = [\"zip\", \"zap\"]\n"
    "    \"name\" = [\"*-prod\", \"dev-*\", \"*mid*\", \"*\"]\n"
    "    \"any\" = []\n"
    "  }\n"
    "}\n";
static const char p_allowed_star[] =
    "path \"secret/s\" {\n"
    "  capabilities = [\"update\"]\n"
    "  allowed_parameters = { \"*\" = [], \"bar\" = [\"zip\"] }\n"
    "  denied_parameters = { \"x\" = [] }\n"
    "}\n"
    "path \"secret/only-star\" {\n"
    "  capabilities = [\"update\"]\n"
    "  allowed_parameters = { \"*\" = [\"ignored\"] }\n"
    "  denied_parameters = { \"X\" = [] }\n"
    "}\n"
    "path \"secret/deny-all\" {\n"
    "  capabilities = [\"update\"]\n"
    "  denied_parameters = { \"*\" = [] }\n"
    "}\n";
static const char p_required[] = "path \"secret/r\" {\n"
				 "  capabilities = [\"update\", \"delete\"]\n"
				 "  required_parameters = [\"a\", \"B\"]\n"
				 "}\n";
static const char p_types[] = "path \"secret/t\" {\n"
			      "  capabilities = [\"update\"]\n"
			      "  allowed_parameters = {\n"
			      "    ttl  = [60, \"1h\"]\n"
			      "    flag = [true]\n"
			      "    pair = [[\"a\", \"b\"]]\n"
			      "    obj  = [{ k = \"v\" }]\n"
			      "    nul  = [\"null\"]\n"
			      "    r    = [2.5]\n"
			      "    n    = []\n"
			      "  }\n"
			      "  denied_parameters = { n = [\"1*\"] }\n"
			      "}\n";
static const char p_wrap[] = "path \"secret/w\" {\n"
			     "  capabilities = [\"read\", \"delete\"]\n"
			     "  min_wrapping_ttl = \"1s\"\n"
			     "  max_wrapping_ttl = 90\n"
			     "}\n"
			     "path \"secret/wmin\" {\n"
			     "  capabilities = [\"read\"]\n"
			     "  min_wrapping_ttl = \"1m\"\n"
			     "}\n"
			     "path \"secret/wmax\" {\n"
			     "  capabilities = [\"read\"]\n"
			     "  max_wrapping_ttl = \"1m30s\"\n"
			     "}\n";
/* the glob rule carries the constraint, the exact rule does not */
static const char p_priority[] =
    "path \"secret/*\" {\n"
    "  capabilities = [\"update\"]\n"
    "  denied_parameters = { x = [] }\n"
    "}\n"
    "path \"secret/open\" { capabilities = [\"update\"] }\n";
/* the same path string in two policies: merged */
static const char m1[] = "path \"m\" {\n"
			 "  capabilities = [\"update\"]\n"
			 "  allowed_parameters = { a = [\"x\"], e = [\"q\"] }\n"
			 "  denied_parameters = { d = [\"1\"] }\n"
			 "  required_parameters = [\"a\"]\n"
			 "  min_wrapping_ttl = 10\n"
			 "  max_wrapping_ttl = 90\n"
			 "}\n";
static const char m2[] = "{\"path\": {\"m\": {\n"
			 "  \"capabilities\": [\"read\"],\n"
			 "  \"allowed_parameters\": {\"a\": [\"y\"], \"b\": [],"
			 " \"e\": [], \"z\": []},\n"
			 "  \"denied_parameters\": {\"d\": [\"2\"]},\n"
			 "  \"required_parameters\": [\"a\", \"z\"],\n"
			 "  \"min_wrapping_ttl\": \"30s\",\n"
			 "  \"max_wrapping_ttl\": 60}}}";
static const char m_min_only[] =
    "path \"m\" { capabilities = [\"update\"]\n min_wrapping_ttl = 100 }";
static const char m_max_only[] =
    "path \"m\" { capabilities = [\"update\"]\n max_wrapping_ttl = 50 }";
static const char m_deny[] = "path \"m\" { capabilities = [\"deny\"] }";

struct param_case {
	const char *why;
	const char *policies[4];
	const char *path;
	const char *body; /* NULL: delete/list (no parameter check) */
	int64_t wrap;
	int want;
};

static const struct param_case pcases[] = {
    /* denied_parameters */
    {"denied, any value",
     {p_denied},
     "secret/data/app",
     "{\"salary\": 1}",
     0,
     NO},
    {"denied name, other param ok",
     {p_denied},
     "secret/data/app",
     "{\"name\": \"x\"}",
     0,
     OK},
    {"no parameters at all", {p_denied}, "secret/data/app", "{}", 0, OK},
    {"denied suffix glob",
     {p_denied},
     "secret/data/app",
     "{\"role\": \"administrator\"}",
     0,
     NO},
    {"denied prefix glob",
     {p_denied},
     "secret/data/app",
     "{\"role\": \"superroot\"}",
     0,
     NO},
    {"denied glob, other value",
     {p_denied},
     "secret/data/app",
     "{\"role\": \"user\"}",
     0,
     OK},
    {"denied in a comma list",
     {p_denied},
     "secret/data/app",
     "{\"role\": \"user, admin\"}",
     0,
     NO},
    {"denied in a list",
     {p_denied},
     "secret/data/app",
     "{\"role\": [\"user\", \"admin2\"]}",
     0,
     NO},
    {"list without denied values",
     {p_denied},
     "secret/data/app",
     "{\"role\": [\"user\", \"dev\"]}",
     0,
     OK},
    {"names compare lower-cased",
     {p_denied},
     "secret/data/app",
     "{\"SALARY\": 1}",
     0,
     NO},
    {"delete: parameters not checked",
     {p_denied},
     "secret/data/app",
     NULL,
     0,
     OK},
    /* allowed_parameters */
    {"allowed value", {p_allowed}, "secret/a", "{\"bar\": \"zip\"}", 0, OK},
    {"allowed name, other value",
     {p_allowed},
     "secret/a",
     "{\"bar\": \"zop\"}",
     0,
     NO},
    {"name not allowed", {p_allowed}, "secret/a", "{\"baz\": \"zip\"}", 0, NO},
    {"one of two not allowed",
     {p_allowed},
     "secret/a",
     "{\"bar\": \"zip\", \"baz\": 1}",
     0,
     NO},
    {"allowed comma list",
     {p_allowed},
     "secret/a",
     "{\"bar\": \"zip,zap\"}",
     0,
     OK},
    {"comma list, one not allowed",
     {p_allowed},
     "secret/a",
     "{\"bar\": \"zip,zop\"}",
     0,
     NO},
    {"allowed list",
     {p_allowed},
     "secret/a",
     "{\"bar\": [\"zap\", \"zip\"]}",
     0,
     OK},
    {"list, one not allowed",
     {p_allowed},
     "secret/a",
     "{\"bar\": [\"zip\", \"nope\"]}",
     0,
     NO},
    {"empty string is not an empty list",
     {p_allowed},
     "secret/a",
     "{\"bar\": \"\"}",
     0,
     NO},
    {"[] allows any value",
     {p_allowed},
     "secret/a",
     "{\"any\": {\"deep\": [1]}}",
     0,
     OK},
    {"glob *-prod", {p_allowed}, "secret/a", "{\"name\": \"api-prod\"}", 0, OK},
    {"glob dev-*", {p_allowed}, "secret/a", "{\"name\": \"dev-x\"}", 0, OK},
    {"glob *mid*", {p_allowed}, "secret/a", "{\"name\": \"xmidy\"}", 0, OK},
    {"a lone * is literal (Vault)",
     {p_allowed},
     "secret/a",
     "{\"name\": \"other\"}",
     0,
     NO},
    {"a lone * matches itself",
     {p_allowed},
     "secret/a",
     "{\"name\": \"*\"}",
     0,
     OK},
    {"glob is not a regex",
     {p_allowed},
     "secret/a",
     "{\"name\": \"prod-api\"}",
     0,
     NO},
    /* "*" */
    {"* allows other names",
     {p_allowed_star},
     "secret/s",
     "{\"other\": 1}",
     0,
     OK},
    {"* with a listed name",
     {p_allowed_star},
     "secret/s",
     "{\"bar\": \"zap\"}",
     0,
     NO},
    {"denied wins over *", {p_allowed_star}, "secret/s", "{\"x\": 1}", 0, NO},
    {"only *: its values ignored",
     {p_allowed_star},
     "secret/only-star",
     "{\"y\": \"z\"}",
     0,
     OK},
    {"only *: denied still wins",
     {p_allowed_star},
     "secret/only-star",
     "{\"x\": \"z\"}",
     0,
     NO},
    {"denied *", {p_allowed_star}, "secret/deny-all", "{\"y\": 1}", 0, NO},
    {"denied *, no parameters",
     {p_allowed_star},
     "secret/deny-all",
     "{}",
     0,
     OK},
    /* required_parameters */
    {"required present",
     {p_required},
     "secret/r",
     "{\"a\": 1, \"b\": null}",
     0,
     OK},
    {"required missing", {p_required}, "secret/r", "{\"a\": 1}", 0, NO},
    {"required, empty body", {p_required}, "secret/r", "{}", 0, NO},
    {"required name compared lower-cased",
     {p_required},
     "secret/r",
     "{\"a\": 1, \"B\": 2}",
     0,
     NO},
    {"required not checked on delete", {p_required}, "secret/r", NULL, 0, OK},
    /* value types */
    {"number equals number", {p_types}, "secret/t", "{\"ttl\": 60}", 0, OK},
    {"number equals real", {p_types}, "secret/t", "{\"ttl\": 60.0}", 0, OK},
    {"number equals its text",
     {p_types},
     "secret/t",
     "{\"ttl\": \"60\"}",
     0,
     OK},
    {"string value", {p_types}, "secret/t", "{\"ttl\": \"1h\"}", 0, OK},
    {"other number", {p_types}, "secret/t", "{\"ttl\": 61}", 0, NO},
    {"real", {p_types}, "secret/t", "{\"r\": 2.5}", 0, OK},
    {"bool", {p_types}, "secret/t", "{\"flag\": true}", 0, OK},
    {"bool as text", {p_types}, "secret/t", "{\"flag\": \"true\"}", 0, OK},
    {"other bool", {p_types}, "secret/t", "{\"flag\": false}", 0, NO},
    {"whole list", {p_types}, "secret/t", "{\"pair\": [\"a\", \"b\"]}", 0, OK},
    {"part of a listed list",
     {p_types},
     "secret/t",
     "{\"pair\": [\"a\"]}",
     0,
     NO},
    {"object", {p_types}, "secret/t", "{\"obj\": {\"k\": \"v\"}}", 0, OK},
    {"other object", {p_types}, "secret/t", "{\"obj\": {\"k\": \"w\"}}", 0, NO},
    {"null is not \"null\"", {p_types}, "secret/t", "{\"nul\": null}", 0, NO},
    {"denied glob on a number's text",
     {p_types},
     "secret/t",
     "{\"n\": 100}",
     0,
     NO},
    {"number outside the denied glob",
     {p_types},
     "secret/t",
     "{\"n\": 200}",
     0,
     OK},
    /* wrapping */
    {"min+max: not wrapped", {p_wrap}, "secret/w", "{}", 0, NO},
    {"min+max: within", {p_wrap}, "secret/w", "{}", 30, OK},
    {"min+max: at max", {p_wrap}, "secret/w", "{}", 90, OK},
    {"min+max: above max", {p_wrap}, "secret/w", "{}", 91, NO},
    {"min+max: delete not wrapped", {p_wrap}, "secret/w", NULL, 0, NO},
    {"min only: below", {p_wrap}, "secret/wmin", "{}", 30, NO},
    {"min only: not wrapped", {p_wrap}, "secret/wmin", "{}", 0, NO},
    {"min only: above", {p_wrap}, "secret/wmin", "{}", 3600, OK},
    {"max only: wrapping required", {p_wrap}, "secret/wmax", "{}", 0, NO},
    {"max only: within", {p_wrap}, "secret/wmax", "{}", 90, OK},
    {"no bounds elsewhere", {p_wrap, p_denied}, "secret/data/app", "{}", 0, OK},
    /* which rule */
    {"glob rule's constraint",
     {p_priority},
     "secret/other",
     "{\"x\": 1}",
     0,
     NO},
    {"exact rule without constraint",
     {p_priority},
     "secret/open",
     "{\"x\": 1}",
     0,
     OK},
    {"root is unconstrained",
     {"root", p_denied},
     "secret/data/app",
     "{\"salary\": 1}",
     0,
     OK},
    {"no rule: nothing to check",
     {p_denied},
     "nowhere",
     "{\"salary\": 1}",
     0,
     OK},
    /* merging the same path string: HCL and JSON policies */
    {"merged allowed, first",
     {m1, m2},
     "m",
     "{\"a\": \"x\", \"z\": 1}",
     40,
     OK},
    {"merged allowed, second",
     {m1, m2},
     "m",
     "{\"a\": \"y\", \"z\": 1}",
     40,
     OK},
    {"merged allowed, neither",
     {m1, m2},
     "m",
     "{\"a\": \"w\", \"z\": 1}",
     40,
     NO},
    {"merged: [] wins",
     {m1, m2},
     "m",
     "{\"a\": \"x\", \"z\": 1, \"e\": 5}",
     40,
     OK},
    {"merged: new name",
     {m1, m2},
     "m",
     "{\"a\": \"x\", \"z\": 1, \"b\": 5}",
     40,
     OK},
    {"merged: unlisted name",
     {m1, m2},
     "m",
     "{\"a\": \"x\", \"z\": 1, \"c\": 5}",
     40,
     NO},
    {"merged denied, first",
     {m1, m2},
     "m",
     "{\"a\": \"x\", \"z\": 1, \"d\": \"1\"}",
     40,
     NO},
    {"merged denied, second",
     {m1, m2},
     "m",
     "{\"a\": \"x\", \"z\": 1, \"d\": 2}",
     40,
     NO},
    {"merged required", {m1, m2}, "m", "{\"a\": \"x\"}", 40, NO},
    {"merged max is the smaller",
     {m1, m2},
     "m",
     "{\"a\": \"x\", \"z\": 1}",
     70,
     NO},
    {"merged min is the smaller",
     {m1, m2},
     "m",
     "{\"a\": \"x\", \"z\": 1}",
     20,
     OK},
    {"merged min > max refuses all",
     {m_min_only, m_max_only},
     "m",
     "{}",
     100,
     NO},
    {"merged min > max, small ttl",
     {m_min_only, m_max_only},
     "m",
     "{}",
     50,
     NO},
    {"deny drops constraints", {m1, m_deny}, "m", "{}", 0, OK},
};

static void test_param_table(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++) {
		const struct param_case *c = &pcases[i];
		char why[256] = "";
		int got = check_of(c->policies, c->path, c->body, c->wrap, why,
				   sizeof(why));

		if (got != c->want) {
			print_error("case \"%s\" (%s %s wrap %lld): got %d "
				    "(%s), want %d\n",
				    c->why, c->path, c->body ? c->body : "-",
				    (long long)c->wrap, got, why, c->want);
			bad++;
		} else if (got && !*why) {
			print_error("case \"%s\": refused without a reason\n",
				    c->why);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* The reasons name what failed (they are for logs; clients see
 * "permission denied"). */
static void test_param_reasons(void **state)
{
	const char *den[] = {p_denied, NULL}, *req[] = {p_required, NULL},
		   *wr[] = {p_wrap, NULL}, *al[] = {p_allowed, NULL};
	char why[256];

	assert_int_equal(check_of(den, "secret/data/app", "{\"salary\": 1}", 0,
				  why, sizeof(why)),
			 -EACCES);
	assert_non_null(strstr(why, "\"salary\": denied value"));
	assert_int_equal(
	    check_of(req, "secret/r", "{\"a\": 1}", 0, why, sizeof(why)),
	    -EACCES);
	assert_non_null(strstr(why, "required parameter \"b\" missing"));
	assert_int_equal(check_of(wr, "secret/w", "{}", 0, why, sizeof(why)),
			 -EACCES);
	assert_non_null(strstr(why, "wrapping required"));
	assert_int_equal(check_of(wr, "secret/w", "{}", 91, why, sizeof(why)),
			 -EACCES);
	assert_non_null(strstr(why, "more than max_wrapping_ttl 90s"));
	assert_int_equal(
	    check_of(al, "secret/a", "{\"baz\": 1}", 0, why, sizeof(why)),
	    -EACCES);
	assert_non_null(strstr(why, "\"baz\" is not allowed"));
	/* NULL rule (root, no match) and a NULL message buffer are fine */
	assert_int_equal(vault_acl_check_params(NULL, NULL, 0, NULL, 0), 0);
	assert_int_equal(
	    check_of(den, "secret/data/app", "{\"salary\": 1}", 0, NULL, 0),
	    -EACCES);
}

/* Request lists longer than VAULT_ACL_MAX_CHECKED_VALUES are refused when
 * a rule constrains their values, rather than checked in part. */
static void test_param_check_budget(void **state)
{
	const char *al[] = {p_allowed, NULL}, *den[] = {p_denied, NULL};
	size_t n = VAULT_ACL_MAX_CHECKED_VALUES + 1, cap = n * 6 + 32, k = 0;
	char *body = malloc(cap), why[256];

	assert_non_null(body);
	k += (size_t)snprintf(body + k, cap - k, "{\"bar\": [");
	for (size_t i = 0; i < n; i++)
		k += (size_t)snprintf(body + k, cap - k, "%s\"zip\"",
				      i ? "," : "");
	snprintf(body + k, cap - k, "]}");
	assert_int_equal(check_of(al, "secret/a", body, 0, why, sizeof(why)),
			 -EACCES);
	assert_non_null(strstr(why, "values to check"));
	/* a comma-separated string under a denied name */
	k = (size_t)snprintf(body, cap, "{\"role\": \"");
	for (size_t i = 0; i < n; i++)
		k += (size_t)snprintf(body + k, cap - k, "%su", i ? "," : "");
	snprintf(body + k, cap - k, "\"}");
	assert_int_equal(
	    check_of(den, "secret/data/app", body, 0, why, sizeof(why)),
	    -EACCES);
	/* just under the budget is checked normally */
	k = (size_t)snprintf(body, cap, "{\"role\": \"");
	for (size_t i = 0; i + 1 < n; i++)
		k += (size_t)snprintf(body + k, cap - k, "%su", i ? "," : "");
	snprintf(body + k, cap - k, "\"}");
	assert_int_equal(
	    check_of(den, "secret/data/app", body, 0, why, sizeof(why)), 0);
	free(body);
}

static void test_param_parse_forms(void **state)
{
	/* block form, ":" separators, words and nesting in values, both
	 * wrapping forms, and the same constraints in JSON */
	const char *hcl = "path \"p\" {\n"
			  "  capabilities = [\"update\"]\n"
			  "  allowed_parameters {\n"
			  "    \"k\": [1, -2, 3.5e1, true, false, [\"x\"],"
			  " { a = { b = [] } }]\n"
			  "    K = [\"y\"]\n"
			  "  }\n"
			  "  allowed_parameters = { other = [] }\n"
			  "  required_parameters = [\"k\",]\n"
			  "  min_wrapping_ttl: 5\n"
			  "  max_wrapping_ttl = \"2h\"\n"
			  "}\n";
	const char *json =
	    "{\"path\": [{\"p\": [{\"capabilities\": [\"update\"],"
	    " \"allowed_parameters\": {\"k\": [1, -2, 35.0, true, false,"
	    " [\"x\"], {\"a\": {\"b\": []}}], \"K\": [\"y\"]},"
	    " \"min_wrapping_ttl\": 5},"
	    " {\"allowed_parameters\": {\"other\": []},"
	    "  \"required_parameters\": [\"k\"],"
	    "  \"max_wrapping_ttl\": \"2h\"}]}]}";
	const char *forms[] = {hcl, json};

	for (size_t i = 0; i < 2; i++) {
		const char *p[] = {forms[i], NULL};

		assert_int_equal(
		    check_of(p, "p", "{\"k\": \"y\"}", 60, NULL, 0), 0);
		assert_int_equal(check_of(p, "p", "{\"k\": 35}", 60, NULL, 0),
				 0);
		assert_int_equal(check_of(p, "p", "{\"k\": -2}", 60, NULL, 0),
				 0);
		assert_int_equal(
		    check_of(p, "p", "{\"k\": [\"x\"]}", 60, NULL, 0), 0);
		assert_int_equal(check_of(p, "p",
					  "{\"k\": {\"a\": {\"b\": []}}}", 60,
					  NULL, 0),
				 0);
		assert_int_equal(
		    check_of(p, "p", "{\"k\": 1, \"other\": 2}", 60, NULL, 0),
		    0);
		assert_int_equal(check_of(p, "p", "{\"k\": 2}", 60, NULL, 0),
				 -EACCES);
		assert_int_equal(
		    check_of(p, "p", "{\"other\": 2}", 60, NULL, 0),
		    -EACCES); /* k required */
		assert_int_equal(check_of(p, "p", "{\"k\": 1}", 4, NULL, 0),
				 -EACCES);
		assert_int_equal(check_of(p, "p", "{\"k\": 1}", 7201, NULL, 0),
				 -EACCES);
		assert_int_equal(check_of(p, "p", "{\"k\": 1}", 7200, NULL, 0),
				 0);
	}
}

/* Other attributes are still skipped. */
static void test_other_attributes_skipped(void **state)
{
	const char *text =
	    "name = \"ignored\"\n"
	    "path \"secret/foo\" {\n"
	    "  capabilities = [\"create\"]\n"
	    "  mfa_methods = [\"okta\"]\n"
	    "  comment = \"x\"\n"
	    "  subscribe_event_types = [\"kv*\"]\n"
	    "  control_group = {\n"
	    "    factor \"ops_manager\" {\n"
	    "      identity { group_names = [\"managers\"]\n approvals = 1 }\n"
	    "    }\n"
	    "  }\n"
	    "  future = { nested = { deeper = [{ a = 1, b = [true, x] }] } }\n"
	    "  capabilities = [\"update\"]\n"
	    "}\n";
	const char *pols[] = {text, NULL};

	assert_int_equal(caps_of(pols, "secret/foo"), C | U);
	assert_int_equal(
	    check_of(pols, "secret/foo", "{\"any\": 1}", 0, NULL, 0), 0);
}

static void test_param_parse_errors(void **state)
{
	parse_err("path \"a\" { allowed_parameters = [\"x\"] }", -EINVAL, 1, 33,
		  "allowed_parameters must be a map");
	parse_err("path \"a\" { denied_parameters = \"x\" }", -EINVAL, 1, 32,
		  "denied_parameters must be a map");
	parse_err("path \"a\" {\n  denied_parameters = { \"x\" = \"y\" }\n}",
		  -EINVAL, 2, 31,
		  "denied_parameters \"x\": expected a list of values");
	parse_err("path \"a\" {\n  allowed_parameters = { x = { y = [] } }\n}",
		  -EINVAL, 2, 30, "expected a list of values");
	parse_err("path \"a\" { allowed_parameters = { x [] } }", -EINVAL, 1,
		  37, "expected '=' after the parameter name");
	parse_err("path \"a\" { allowed_parameters = { x = [foo] } }", -EINVAL,
		  1, 40,
		  "expected a value (a string, a number, true or false)");
	parse_err("path \"a\" { allowed_parameters = { x = [1 2] } }", -EINVAL,
		  1, 42, "expected ',' or ']'");
	parse_err("path \"a\" { allowed_parameters = { x = [] ", -EINVAL, 1, 33,
		  "unclosed '{' of allowed_parameters");
	parse_err("path \"a\" { required_parameters = \"x\" }", -EINVAL, 1, 34,
		  "required_parameters must be a list of strings, found a "
		  "string");
	parse_err("path \"a\" {\n required_parameters = [\"x\", 1] }", -EINVAL,
		  2, 30, "required_parameters must be a list of strings");
	parse_err("path \"a\" {\n  min_wrapping_ttl = \"soon\"\n}", -EINVAL, 2,
		  22, "error parsing min_wrapping_ttl");
	parse_err("path \"a\" { max_wrapping_ttl = [] }", -EINVAL, 1, 31,
		  "max_wrapping_ttl must be a number of seconds or a duration");
	parse_err("path \"a\" { max_wrapping_ttl = -5 }", -EINVAL, 1, 31,
		  "error parsing max_wrapping_ttl");
	parse_err("path \"a\" {\n policy = \"read\"\n min_wrapping_ttl = 400\n"
		  " max_wrapping_ttl = 200\n}",
		  -EINVAL, 1, 10,
		  "max_wrapping_ttl cannot be less than min_wrapping_ttl");
	parse_err("path \"a\" { allowed_parameters = { x = [\"\xff\"] } }",
		  -EINVAL, 1, 40, "string is not valid UTF-8");
	parse_err("path \"a\" { capabilities: [\"read\"] }", -EINVAL, 1, 24,
		  "expected '='");
}

static void test_param_limits(void **state)
{
	size_t cap = 64 + (size_t)(VAULT_POLICY_MAX_PARAMS + 1) * 16, n;
	char *text = malloc(cap);
	struct vault_policy *p = NULL;
	struct bw_error err = {0};

	assert_non_null(text);
	/* names */
	n = (size_t)snprintf(text, cap, "path \"a\" { denied_parameters = {");
	for (int i = 0; i <= VAULT_POLICY_MAX_PARAMS; i++)
		n += (size_t)snprintf(text + n, cap - n, " p%d = []", i);
	snprintf(text + n, cap - n, " } }");
	assert_int_equal(vault_policy_parse("t", text, strlen(text), &p, &err),
			 -E2BIG);
	assert_non_null(strstr(err.msg, "more than 256 parameter names"));
	assert_int_equal(err.line, 1);
	/* values */
	n = (size_t)snprintf(text, cap,
			     "path \"a\" { denied_parameters = {"
			     " p = [");
	for (int i = 0; i <= VAULT_POLICY_MAX_PARAM_VALUES; i++)
		n += (size_t)snprintf(text + n, cap - n, "%s%d", i ? "," : "",
				      i);
	snprintf(text + n, cap - n, "] } }");
	assert_int_equal(vault_policy_parse("t", text, strlen(text), &p, &err),
			 -E2BIG);
	assert_non_null(strstr(err.msg, "more than 256 values"));
	assert_int_equal(err.column, 38);
	/* the same name twice in one block adds up */
	n = (size_t)snprintf(text, cap,
			     "path \"a\" { denied_parameters = {"
			     " p = [");
	for (int i = 0; i < VAULT_POLICY_MAX_PARAM_VALUES; i++)
		n += (size_t)snprintf(text + n, cap - n, "%s%d", i ? "," : "",
				      i);
	snprintf(text + n, cap - n, "], P = [1] } }");
	assert_int_equal(vault_policy_parse("t", text, strlen(text), &p, &err),
			 -E2BIG);
	/* required */
	n = (size_t)snprintf(text, cap, "path \"a\" { required_parameters = [");
	for (int i = 0; i <= VAULT_POLICY_MAX_PARAMS; i++)
		n += (size_t)snprintf(text + n, cap - n, "%s\"r%d\"",
				      i ? "," : "", i);
	snprintf(text + n, cap - n, "] }");
	assert_int_equal(vault_policy_parse("t", text, strlen(text), &p, &err),
			 -E2BIG);
	assert_null(p);
	free(text);
}

static void test_param_json_errors(void **state)
{
	static const struct {
		const char *json, *want;
	} jcases[] = {
	    {"{\"path\": {\"a\": {\"allowed_parameters\": [\"x\"]}}}",
	     "path \"a\": allowed_parameters must be an object"},
	    {"{\"path\": {\"a\": {\"denied_parameters\": {\"x\": \"y\"}}}}",
	     "denied_parameters \"x\": expected a list of values"},
	    {"{\"path\": {\"a\": {\"required_parameters\": \"x\"}}}",
	     "required_parameters must be a list of strings"},
	    {"{\"path\": {\"a\": {\"required_parameters\": [1]}}}",
	     "required_parameters must be a list of strings"},
	    {"{\"path\": {\"a\": {\"min_wrapping_ttl\": 1.5}}}",
	     "error parsing min_wrapping_ttl"},
	    {"{\"path\": {\"a\": {\"max_wrapping_ttl\": \"x\"}}}",
	     "error parsing max_wrapping_ttl"},
	    {"{\"path\": {\"a\": {\"min_wrapping_ttl\": 9,"
	     " \"max_wrapping_ttl\": 3}}}",
	     "max_wrapping_ttl cannot be less than min_wrapping_ttl"},
	};

	for (size_t i = 0; i < sizeof(jcases) / sizeof(jcases[0]); i++) {
		struct vault_policy *p = NULL;
		struct bw_error err = {0};

		assert_int_equal(vault_policy_parse("j", jcases[i].json,
						    strlen(jcases[i].json), &p,
						    &err),
				 -EINVAL);
		if (!strstr(err.msg, jcases[i].want))
			fail_msg("%s: got \"%s\"", jcases[i].json, err.msg);
		assert_null(p);
	}
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
	    cmocka_unit_test(test_param_table),
	    cmocka_unit_test(test_param_reasons),
	    cmocka_unit_test(test_param_check_budget),
	    cmocka_unit_test(test_param_parse_forms),
	    cmocka_unit_test(test_param_parse_errors),
	    cmocka_unit_test(test_param_limits),
	    cmocka_unit_test(test_param_json_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
