/* test_vault_client.c - the pure helpers of the vault client
 * (src/vault/client.c): Go-style flags (forms, interleaving, "--", lone
 * "-", help, errors, K=V map flags), -versions lists, vault's k=v builder
 * (@file, stdin once, a lone "-" JSON object, repeated keys to arrays, bad
 * input), durations ("1h30m", "90s", "3600", "1.5h", bad ones) and their
 * printing, booleans, KV v2 path mapping and mount matching, %v rendering,
 * error text, and a client that refuses a non-http(s) address and reports
 * a refused connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vault/vault.h"

static FILE *mem(const char *s)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	fputs(s, f);
	rewind(f);
	return f;
}

static void test_flags_forms(void **state)
{
	long n = 0;
	int b = 0;
	const char *s = NULL;
	long long d = 0;
	json_t *list = NULL;
	const struct vault_flag fl[] = {
	    {"key-shares", VAULT_FLAG_INT, &n},
	    {"orphan", VAULT_FLAG_BOOL, &b},
	    {"format", VAULT_FLAG_STRING, &s},
	    {"ttl", VAULT_FLAG_DURATION, &d},
	    {"policy", VAULT_FLAG_STRINGS, &list},
	};
	char *argv[] = {"-key-shares", "7",	     "PATH", "--orphan",
			"-format=json", "-ttl=1h30m", "k=v",  "-policy",
			"a",		"-policy=b,c", "-",    "--",
			"-notaflag"};
	char *args[16];
	int nargs = -1;
	struct bw_error err = {0};

	assert_int_equal(vault_flags_parse(fl, 5, 13, argv, args, &nargs, &err),
			 0);
	assert_int_equal(n, 7);
	assert_int_equal(b, 1);
	assert_string_equal(s, "json");
	assert_int_equal(d, 5400);
	assert_int_equal(json_array_size(list), 3);
	assert_string_equal(json_string_value(json_array_get(list, 2)), "c");
	assert_int_equal(nargs, 4);
	assert_string_equal(args[0], "PATH");
	assert_string_equal(args[1], "k=v");
	assert_string_equal(args[2], "-");
	assert_string_equal(args[3], "-notaflag");
	json_decref(list);
}

static void test_flags_errors_and_help(void **state)
{
	int b = 1;
	long n = 0;
	const struct vault_flag fl[] = {{"reset", VAULT_FLAG_BOOL, &b},
					{"version", VAULT_FLAG_INT, &n}};
	char *args[8];
	int nargs;
	struct bw_error err = {0};
	char *unknown[] = {"-nope"};
	char *missing[] = {"-version"};
	char *badint[] = {"-version=x"};
	char *badbool[] = {"-reset=maybe"};
	char *help[] = {"x", "-help"};
	char *h[] = {"--h"};
	char *boolfalse[] = {"-reset=false"};

	assert_int_equal(vault_flags_parse(fl, 2, 1, unknown, args, &nargs,
					   &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "not defined: -nope"));
	assert_int_equal(
	    vault_flags_parse(fl, 2, 1, missing, args, &nargs, &err), -EINVAL);
	assert_int_equal(
	    vault_flags_parse(fl, 2, 1, badint, args, &nargs, &err), -EINVAL);
	assert_int_equal(
	    vault_flags_parse(fl, 2, 1, badbool, args, &nargs, &err), -EINVAL);
	assert_int_equal(vault_flags_parse(fl, 2, 2, help, args, &nargs, &err),
			 1);
	assert_int_equal(vault_flags_parse(fl, 2, 1, h, args, &nargs, &err), 1);
	assert_int_equal(
	    vault_flags_parse(fl, 2, 1, boolfalse, args, &nargs, &err), 0);
	assert_int_equal(b, 0);
	assert_int_equal(nargs, 0);
}

/* -metadata / -custom-metadata: one K=V per value, commas kept, the last
 * of a repeated key wins, "=v" and "k" refused. */
static void test_flags_map(void **state)
{
	json_t *m = NULL;
	const struct vault_flag fl[] = {
	    {"custom-metadata", VAULT_FLAG_MAP, &m}};
	char *argv[] = {"-custom-metadata",
			"owner=team-a",
			"--custom-metadata=tags=a,b",
			"-custom-metadata",
			"owner=team-b",
			"-custom-metadata=empty=",
			"PATH"};
	char *noeq[] = {"-custom-metadata", "owner"};
	char *nokey[] = {"-custom-metadata==v"};
	char *args[8];
	int nargs = 0;
	struct bw_error err = {0};

	(void)state;
	assert_int_equal(vault_flags_parse(fl, 1, 7, argv, args, &nargs, &err),
			 0);
	assert_int_equal(nargs, 1);
	assert_string_equal(args[0], "PATH");
	assert_int_equal(json_object_size(m), 3);
	assert_string_equal(json_string_value(json_object_get(m, "owner")),
			    "team-b");
	assert_string_equal(json_string_value(json_object_get(m, "tags")),
			    "a,b");
	assert_string_equal(json_string_value(json_object_get(m, "empty")), "");
	json_decref(m);
	m = NULL;
	assert_int_equal(vault_flags_parse(fl, 1, 2, noeq, args, &nargs, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "missing = in KV pair"));
	assert_int_equal(vault_flags_parse(fl, 1, 1, nokey, args, &nargs, &err),
			 -EINVAL);
	json_decref(m);
}

/* -versions: "1,2" (split by the STRINGS flag) and repeats become
 * integers; blanks around items are fine; 0, negatives, words, overflow,
 * an empty list and too many items are refused, naming the item. */
static void test_parse_versions(void **state)
{
	json_t *items = NULL, *out = NULL;
	const struct vault_flag fl[] = {
	    {"versions", VAULT_FLAG_STRINGS, &items}};
	char *argv[] = {"-versions=1,2", "-versions", " 3 ,10"};
	char *args[4];
	int nargs = 0;
	struct bw_error err = {0};
	static const char *const bad[] = {
	    "0",  "-1", "x", "1x",	   "2.5",
	    "+1", "",	" ", "2147483648", "99999999999999999999"};

	(void)state;
	assert_int_equal(vault_flags_parse(fl, 1, 3, argv, args, &nargs, &err),
			 0);
	assert_int_equal(vault_parse_versions(items, &out, &err), 0);
	assert_int_equal(json_array_size(out), 4);
	assert_int_equal(json_integer_value(json_array_get(out, 0)), 1);
	assert_int_equal(json_integer_value(json_array_get(out, 2)), 3);
	assert_int_equal(json_integer_value(json_array_get(out, 3)), 10);
	json_decref(out);
	json_decref(items);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		items = json_pack("[s,s]", "1", bad[i]);
		out = NULL;
		assert_int_equal(vault_parse_versions(items, &out, &err),
				 -EINVAL);
		assert_null(out);
		assert_non_null(strstr(err.msg, "item 2"));
		json_decref(items);
	}
	items = json_array();
	assert_int_equal(vault_parse_versions(items, &out, &err), -EINVAL);
	assert_int_equal(vault_parse_versions(NULL, &out, &err), -EINVAL);
	for (int i = 0; i <= VAULT_CLIENT_MAX_VERSIONS; i++)
		json_array_append_new(items, json_string("1"));
	assert_int_equal(vault_parse_versions(items, &out, &err), -EINVAL);
	json_array_remove(items, 0);
	assert_int_equal(vault_parse_versions(items, &out, &err), 0);
	assert_int_equal(json_array_size(out), VAULT_CLIENT_MAX_VERSIONS);
	json_decref(out);
	json_decref(items);
}

static void test_kv_args_strings_and_repeats(void **state)
{
	char *argv[] = {"user=admin", "pass=a=b=c", "tag=x", "tag=y", "tag=z",
			"empty="};
	struct bw_error err = {0};
	json_t *o = NULL;

	assert_int_equal(vault_kv_parse_args(6, argv, stdin, &o, &err), 0);
	assert_string_equal(json_string_value(json_object_get(o, "user")),
			    "admin");
	assert_string_equal(json_string_value(json_object_get(o, "pass")),
			    "a=b=c");
	assert_int_equal(json_array_size(json_object_get(o, "tag")), 3);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(o, "tag"), 1)),
	    "y");
	assert_string_equal(json_string_value(json_object_get(o, "empty")), "");
	json_decref(o);
}

static void test_kv_args_file_and_stdin(void **state)
{
	char path[] = "/tmp/bw-kvarg-XXXXXX";
	int fd = mkstemp(path);
	char arg[64];
	struct bw_error err = {0};
	json_t *o = NULL;
	FILE *in = mem("from-stdin\n");

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "line1\nline2", 11), 11);
	close(fd);
	snprintf(arg, sizeof(arg), "cert=@%s", path);
	char *argv[] = {arg, "pw=-"};
	assert_int_equal(vault_kv_parse_args(2, argv, in, &o, &err), 0);
	assert_string_equal(json_string_value(json_object_get(o, "cert")),
			    "line1\nline2");
	assert_string_equal(json_string_value(json_object_get(o, "pw")),
			    "from-stdin\n");
	json_decref(o);
	fclose(in);

	/* stdin only once */
	in = mem("x");
	char *twice[] = {"a=-", "b=-"};
	assert_int_equal(vault_kv_parse_args(2, twice, in, &o, &err), -EINVAL);
	fclose(in);
	unlink(path);
	char *missing[] = {"k=@/nonexistent/bw-file"};
	assert_int_equal(vault_kv_parse_args(1, missing, stdin, &o, &err),
			 -ENOENT);
}

static void test_kv_args_json_stdin(void **state)
{
	FILE *in = mem("{\"a\": \"1\", \"n\": 2}");
	char *argv[] = {"-", "b=3"};
	struct bw_error err = {0};
	json_t *o = NULL;

	assert_int_equal(vault_kv_parse_args(2, argv, in, &o, &err), 0);
	assert_string_equal(json_string_value(json_object_get(o, "a")), "1");
	assert_int_equal(json_integer_value(json_object_get(o, "n")), 2);
	assert_string_equal(json_string_value(json_object_get(o, "b")), "3");
	json_decref(o);
	fclose(in);
	in = mem("[1,2]");
	assert_int_equal(vault_kv_parse_args(1, argv, in, &o, &err), -EINVAL);
	fclose(in);
}

static void test_kv_args_bad(void **state)
{
	char *noeq[] = {"novalue"};
	char *nokey[] = {"=v"};
	char *badutf8[] = {"k=\xff\xfe"};
	struct bw_error err = {0};
	json_t *o = NULL;

	assert_int_equal(vault_kv_parse_args(1, noeq, stdin, &o, &err),
			 -EINVAL);
	assert_non_null(strstr(err.input, "novalue"));
	assert_int_equal(vault_kv_parse_args(1, nokey, stdin, &o, &err),
			 -EINVAL);
	assert_int_equal(vault_kv_parse_args(1, badutf8, stdin, &o, &err),
			 -EINVAL);
	assert_null(o);
}

static void test_read_all_bound(void **state)
{
	FILE *in = mem("0123456789abcdef");
	struct bw_error err = {0};
	char *s = NULL;
	size_t n = 0;

	assert_int_equal(vault_read_all(in, 8, &s, &n, &err), -E2BIG);
	rewind(in);
	assert_int_equal(vault_read_all(in, 16, &s, &n, &err), 0);
	assert_int_equal(n, 16);
	free(s);
	fclose(in);
}

static void test_durations(void **state)
{
	static const struct {
		const char *in;
		long long want;
	} ok[] = {{"3600", 3600}, {"90s", 90},	 {"1h30m", 5400},
		  {"1h", 3600},	  {"0", 0},	 {"1.5h", 5400},
		  {"2d", 172800}, {"1500ms", 1}, {"10m5s", 605},
		  {"768h", 2764800}};
	static const char *const bad[] = {"",	 "h",  "1x", "-5",  "1h-2m",
					  "abc", "1 h", "s1", "1e400h", "1hh"};
	long long s;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		s = -1;
		assert_int_equal(vault_parse_duration(ok[i].in, &s), 0);
		assert_int_equal(s, ok[i].want);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(vault_parse_duration(bad[i], &s), -EINVAL);
}

static void test_format_duration(void **state)
{
	char b[64];

	assert_string_equal(vault_format_duration(5400, b, sizeof(b)), "1h30m");
	assert_string_equal(vault_format_duration(2764800, b, sizeof(b)),
			    "768h");
	assert_string_equal(vault_format_duration(45, b, sizeof(b)), "45s");
	assert_string_equal(vault_format_duration(3661, b, sizeof(b)),
			    "1h1m1s");
	assert_string_equal(vault_format_duration(0, b, sizeof(b)), "0s");
}

static void test_bools(void **state)
{
	int v;

	assert_int_equal(vault_parse_bool("TRUE", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(vault_parse_bool("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(vault_parse_bool("yes", &v), -EINVAL);
}

static void test_kv_paths(void **state)
{
	char b[256];
	struct bw_error err = {0};

	assert_int_equal(
	    vault_kv_path("secret/", 2, "data", "secret/app/db", b, sizeof(b),
			  &err),
	    0);
	assert_string_equal(b, "secret/data/app/db");
	assert_int_equal(vault_kv_path("secret/", 2, "metadata", "/secret/app",
				       b, sizeof(b), &err),
			 0);
	assert_string_equal(b, "secret/metadata/app");
	assert_int_equal(vault_kv_path("secret/", 2, "metadata", "secret", b,
				       sizeof(b), &err),
			 0);
	assert_string_equal(b, "secret/metadata/");
	assert_int_equal(vault_kv_path("secret/", 2, "data",
				       "secret/data/app", b, sizeof(b), &err),
			 0);
	assert_string_equal(b, "secret/data/app");
	assert_int_equal(vault_kv_path("kv/", 1, "data", "kv/app", b,
				       sizeof(b), &err),
			 0);
	assert_string_equal(b, "kv/app");
	assert_int_equal(vault_kv_path("secret/", 2, "data", "other/x", b,
				       sizeof(b), &err),
			 -EINVAL);
	assert_int_equal(
	    vault_kv_path("secret/", 2, "data", "", b, sizeof(b), &err),
	    -EINVAL);
	assert_int_equal(vault_kv_path("secret/", 2, "data", "secret/abc", b, 12,
				       &err),
			 -ENAMETOOLONG);
}

static void test_mount_match(void **state)
{
	json_t *m = json_loads(
	    "{\"data\": {\"secret/\": {\"type\": \"kv\", \"options\": "
	    "{\"version\": \"2\"}}, \"secret/team/\": {\"type\": \"kv\", "
	    "\"options\": null}, \"sys/\": {\"type\": \"system\"}}}",
	    0, NULL);
	char mount[64];
	int ver = 0;

	assert_non_null(m);
	assert_int_equal(
	    vault_kv_match_mounts(m, "secret/app", mount, sizeof(mount), &ver),
	    0);
	assert_string_equal(mount, "secret/");
	assert_int_equal(ver, 2);
	assert_int_equal(vault_kv_match_mounts(m, "secret/team/x", mount,
					       sizeof(mount), &ver),
			 0);
	assert_string_equal(mount, "secret/team/");
	assert_int_equal(ver, 1);
	assert_int_equal(
	    vault_kv_match_mounts(m, "secret", mount, sizeof(mount), &ver), 0);
	assert_int_equal(
	    vault_kv_match_mounts(m, "sys/x", mount, sizeof(mount), &ver),
	    -ENOENT);
	assert_int_equal(
	    vault_kv_match_mounts(m, "nope/x", mount, sizeof(mount), &ver),
	    -ENOENT);
	json_decref(m);
}

static void test_value_text(void **state)
{
	json_t *v = json_loads("{\"b\": [1, \"x\", null, true], \"a\": "
			       "{\"z\": 1.5, \"y\": \"s\"}}",
			       0, NULL);
	char *s = vault_value_text(v);

	assert_string_equal(s, "map[a:map[y:s z:1.5] b:[1 x <nil> true]]");
	free(s);
	s = vault_value_text(NULL);
	assert_string_equal(s, "<nil>");
	free(s);
	json_decref(v);
}

static void test_client_errors(void **state)
{
	struct vault_client_config cfg = {.address = "ftp://x"};
	struct vault_client *c = NULL;
	struct bw_error err = {0};
	json_t *body = NULL;
	char buf[512];
	int status = 0;

	assert_int_equal(vault_client_new(&cfg, &c, &err), -EINVAL);
	cfg.address = "http://127.0.0.1:1/";
	cfg.token = "hvs.test";
	assert_int_equal(vault_client_new(&cfg, &c, &err), 0);
	assert_string_equal(vault_client_address(c), "http://127.0.0.1:1");
	assert_int_equal(vault_client_request(c, "GET", "sys/health", NULL,
					      &status, &body, &err),
			 -ECONNREFUSED);
	body = json_loads("{\"errors\": [\"permission denied\", \"two\"]}", 0,
			  NULL);
	vault_client_error_text(c, "LIST", "secret/metadata/x", 403, body, buf,
				sizeof(buf));
	assert_string_equal(buf, "Error making API request.\n\nURL: GET "
				 "http://127.0.0.1:1/v1/secret/metadata/"
				 "x?list=true\nCode: 403. Errors:\n\n"
				 "* permission denied\n* two");
	json_decref(body);
	vault_client_free(c);
	vault_client_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flags_forms),
	    cmocka_unit_test(test_flags_errors_and_help),
	    cmocka_unit_test(test_flags_map),
	    cmocka_unit_test(test_parse_versions),
	    cmocka_unit_test(test_kv_args_strings_and_repeats),
	    cmocka_unit_test(test_kv_args_file_and_stdin),
	    cmocka_unit_test(test_kv_args_json_stdin),
	    cmocka_unit_test(test_kv_args_bad),
	    cmocka_unit_test(test_read_all_bound),
	    cmocka_unit_test(test_durations),
	    cmocka_unit_test(test_format_duration),
	    cmocka_unit_test(test_bools),
	    cmocka_unit_test(test_kv_paths),
	    cmocka_unit_test(test_mount_match),
	    cmocka_unit_test(test_value_text),
	    cmocka_unit_test(test_client_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
