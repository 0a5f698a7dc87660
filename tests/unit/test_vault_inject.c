/* test_vault_inject.c - the server-free half of secret delivery
 * (src/vault/inject.c): secret specs and lists (default names, bad paths
 * and names, duplicates, the maximum), rendering (JSON sorted, env quoting
 * and bad keys, raw fields, errors), atomic writes (mode, unchanged files
 * left alone, a symlink replaced and not followed, no temp files left),
 * tmpfs detection, and the OCI hook's inputs (runtime state, config.json,
 * the hook configuration) from tests/data/vault-inject/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vault/vault.h"

static char *fixture(const char *name, size_t *len)
{
	const char *src = getenv("BW_SOURCE_DIR");
	char path[4096];
	struct bw_error err = {0};
	char *text = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/data/vault-inject/%s",
		 src ? src : BW_SOURCE_DIR, name);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(vault_read_all(f, 1u << 20, &text, len, &err), 0);
	fclose(f);
	return text;
}

static int spec(const char *s, const char *ext, struct vault_inject_secret *out)
{
	struct bw_error err = {0};

	return vault_inject_parse_spec(s, strlen(s), ext, out, &err);
}

static void test_spec_names(void **state)
{
	struct vault_inject_secret s;

	(void)state;
	assert_int_equal(spec("secret/app/db", ".json", &s), 0);
	assert_string_equal(s.path, "secret/app/db");
	assert_string_equal(s.name, "db.json");
	assert_int_equal(spec("/secret/app/db/=creds", ".json", &s), 0);
	assert_string_equal(s.path, "secret/app/db");
	assert_string_equal(s.name, "creds");
	assert_int_equal(spec("kv/x", "", &s), 0);
	assert_string_equal(s.name, "x");
}

static void test_spec_rejects(void **state)
{
	static const char *bad[] = {
	    "",
	    "=x",
	    "secret/../etc=x",
	    "secret/a?b",
	    "secret/a#b",
	    "secret//a",
	    "secret/a=../x",
	    "secret/a=.x",
	    "secret/a=a/b",
	    "secret/a=",
	    "secret/a b",
	    "secret/%2e",
	    "secret/..=ok",
	};
	struct vault_inject_secret s;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(spec(bad[i], ".json", &s), -EINVAL);
	/* a name derived from a path that cannot name a file */
	assert_int_equal(spec("secret/.hidden", "", &s), -EINVAL);
}

static void test_name_ok(void **state)
{
	char longname[VAULT_INJECT_MAX_NAME + 2];

	(void)state;
	assert_true(vault_inject_name_ok("db.json", 7));
	assert_true(vault_inject_name_ok("A_b-c.9", 7));
	assert_false(vault_inject_name_ok(".db", 3));
	assert_false(vault_inject_name_ok("a/b", 3));
	assert_false(vault_inject_name_ok("", 0));
	assert_false(vault_inject_name_ok("a\0b", 3));
	memset(longname, 'a', sizeof(longname));
	assert_true(vault_inject_name_ok(longname, VAULT_INJECT_MAX_NAME));
	assert_false(vault_inject_name_ok(longname, VAULT_INJECT_MAX_NAME + 1));
}

static void test_list(void **state)
{
	struct vault_inject_secret list[VAULT_INJECT_MAX_SECRETS];
	struct bw_error err = {0};
	const char *t = " secret/app/db=db.json ,, secret/app/api\t";
	char big[VAULT_INJECT_MAX_SECRETS * 16 + 32];
	size_t n = 0, off = 0;

	(void)state;
	assert_int_equal(
	    vault_inject_parse_list(t, strlen(t), ".json", list, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[1].path, "secret/app/api");
	assert_string_equal(list[1].name, "api.json");

	n = 0;
	t = "secret/a/db,secret/b/db";
	assert_int_equal(
	    vault_inject_parse_list(t, strlen(t), ".json", list, &n, &err),
	    -EINVAL);
	assert_non_null(strstr(err.msg, "db.json"));

	n = 0;
	for (int i = 0; i <= VAULT_INJECT_MAX_SECRETS; i++)
		off +=
		    (size_t)snprintf(big + off, sizeof(big) - off, "s/%d,", i);
	assert_int_equal(vault_inject_parse_list(big, off, "", list, &n, &err),
			 -E2BIG);
	assert_int_equal(n, VAULT_INJECT_MAX_SECRETS);
}

static void test_format_names(void **state)
{
	enum vault_inject_format f;

	(void)state;
	assert_int_equal(vault_inject_parse_format("env", &f), 0);
	assert_int_equal(f, VAULT_INJECT_ENV);
	assert_int_equal(vault_inject_parse_format("raw", &f), 0);
	assert_int_equal(f, VAULT_INJECT_RAW);
	assert_int_equal(vault_inject_parse_format("yaml", &f), -EINVAL);
	assert_int_equal(vault_inject_parse_format(NULL, &f), -EINVAL);
}

static char *render(const char *json, enum vault_inject_format fmt,
		    const char *field, int *rc)
{
	json_t *d = json_loads(json, 0, NULL);
	struct bw_error err = {0};
	char *out = NULL;
	size_t len = 0;

	assert_non_null(d);
	*rc = vault_inject_render(d, fmt, field, &out, &len, &err);
	json_decref(d);
	if (!*rc)
		assert_int_equal(strlen(out), len);
	return out;
}

static void test_render(void **state)
{
	int rc;
	char *o;

	(void)state;
	o = render("{\"user\":\"app\",\"password\":\"pw\"}", VAULT_INJECT_JSON,
		   NULL, &rc);
	assert_string_equal(o, "{\"password\":\"pw\",\"user\":\"app\"}\n");
	free(o);
	o = render("{\"B\":\"it's\",\"A\":3,\"C\":{\"x\":true}}",
		   VAULT_INJECT_ENV, NULL, &rc);
	assert_string_equal(o, "A='3'\nB='it'\\''s'\nC='{\"x\":true}'\n");
	free(o);
	o = render("{\"password\":\"pw\\n\",\"n\":1}", VAULT_INJECT_RAW,
		   "password", &rc);
	assert_string_equal(o, "pw\n");
	free(o);
	o = render("{\"n\":[1,2]}", VAULT_INJECT_RAW, "n", &rc);
	assert_string_equal(o, "[1,2]");
	free(o);
	o = render("{\"a\":\"1\",\"b\":\"2\"}", VAULT_INJECT_JSON, "b", &rc);
	assert_string_equal(o, "{\"b\":\"2\"}\n");
	free(o);
	o = render("{}", VAULT_INJECT_ENV, NULL, &rc);
	assert_string_equal(o, "");
	free(o);
}

static void test_render_errors(void **state)
{
	json_t *big = json_object(), *arr = json_array();
	struct bw_error err = {0};
	char *out = NULL, *s;
	size_t len;
	int rc;

	(void)state;
	assert_null(render("{\"a-b\":\"x\"}", VAULT_INJECT_ENV, NULL, &rc));
	assert_int_equal(rc, -EINVAL);
	assert_null(render("{\"1a\":\"x\"}", VAULT_INJECT_ENV, NULL, &rc));
	assert_int_equal(rc, -EINVAL);
	assert_null(render("{\"a\":\"x\"}", VAULT_INJECT_RAW, NULL, &rc));
	assert_int_equal(rc, -EINVAL);
	assert_null(render("{\"a\":\"x\"}", VAULT_INJECT_JSON, "b", &rc));
	assert_int_equal(rc, -EINVAL);
	assert_null(render("[1]", VAULT_INJECT_JSON, NULL, &rc));
	assert_int_equal(rc, -EINVAL);

	s = malloc(VAULT_INJECT_MAX_FILE);
	assert_non_null(s);
	memset(s, 'x', VAULT_INJECT_MAX_FILE - 1);
	s[VAULT_INJECT_MAX_FILE - 1] = '\0';
	json_object_set_new(big, "v", json_string(s));
	assert_int_equal(
	    vault_inject_render(big, VAULT_INJECT_ENV, NULL, &out, &len, &err),
	    -EFBIG);
	assert_null(out);
	assert_int_equal(
	    vault_inject_render(big, VAULT_INJECT_RAW, "v", &out, &len, &err),
	    0);
	assert_int_equal(len, VAULT_INJECT_MAX_FILE - 1);
	free(out);
	free(s);
	json_decref(big);
	json_decref(arr);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_write(void **state)
{
	char dir[] = "/tmp/bw-test-inject.XXXXXX", path[256], buf[64];
	struct bw_error err = {0};
	struct stat st1, st2;
	int dfd, changed = -1;
	ssize_t r;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	snprintf(path, sizeof(path), "%s/db.json", dir);

	assert_int_equal(vault_inject_write(dfd, "db.json", "one", 3, 0400, -1,
					    -1, &changed, &err),
			 0);
	assert_int_equal(changed, 1);
	assert_int_equal(stat(path, &st1), 0);
	assert_int_equal(st1.st_mode & 07777, 0400);
	assert_int_equal(st1.st_size, 3);

	/* the same bytes: left alone */
	assert_int_equal(vault_inject_write(dfd, "db.json", "one", 3, 0400, -1,
					    -1, &changed, &err),
			 0);
	assert_int_equal(changed, 0);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);

	/* new bytes (or a new mode): a new file renamed over the old one */
	assert_int_equal(vault_inject_write(dfd, "db.json", "two!", 4, 0400, -1,
					    -1, &changed, &err),
			 0);
	assert_int_equal(changed, 1);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_not_equal(st1.st_ino, st2.st_ino);
	assert_int_equal(vault_inject_write(dfd, "db.json", "two!", 4, 0440, -1,
					    -1, &changed, &err),
			 0);
	assert_int_equal(changed, 1);
	fd = open(path, O_RDONLY);
	r = read(fd, buf, sizeof(buf));
	close(fd);
	assert_int_equal(r, 4);
	assert_memory_equal(buf, "two!", 4);
	assert_int_equal(count_entries(dir), 1);

	/* a symlink at the name is replaced, its target untouched */
	snprintf(buf, sizeof(buf), "%s/target", dir);
	fd = open(buf, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "keep", 4), 4);
	close(fd);
	assert_int_equal(symlinkat("target", dfd, "link"), 0);
	assert_int_equal(vault_inject_write(dfd, "link", "new", 3, 0400, -1, -1,
					    &changed, &err),
			 0);
	assert_int_equal(lstat(buf, &st1), 0);
	assert_int_equal(st1.st_size, 4);
	assert_int_equal(fstatat(dfd, "link", &st2, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st2.st_mode));

	assert_int_equal(vault_inject_write(dfd, "../x", "a", 1, 0400, -1, -1,
					    &changed, &err),
			 -EINVAL);
	assert_int_equal(vault_inject_write(dfd, ".db", "a", 1, 0400, -1, -1,
					    &changed, &err),
			 -EINVAL);

	assert_int_equal(vault_inject_remove(dfd, "db.json"), 0);
	assert_int_equal(vault_inject_remove(dfd, "db.json"), 0);
	assert_int_equal(vault_inject_remove(dfd, "../x"), -EINVAL);
	assert_int_equal(vault_inject_remove(dfd, "link"), 0);
	assert_int_equal(vault_inject_remove(dfd, "target"), 0);
	assert_int_equal(count_entries(dir), 0);
	close(dfd);
	assert_int_equal(rmdir(dir), 0);
}

static void test_tmpfs(void **state)
{
	(void)state;
	assert_int_equal(vault_inject_is_tmpfs("/proc"), 0);
	assert_int_equal(vault_inject_is_tmpfs("/nonexistent/bw"), -ENOENT);
	if (vault_inject_is_tmpfs("/dev/shm") < 0)
		skip();
	assert_int_equal(vault_inject_is_tmpfs("/dev/shm"), 1);
}

static void test_oci_state(void **state)
{
	struct vault_oci_state s = {0};
	struct bw_error err = {0};
	size_t len;
	char *text = fixture("runc-state.json", &len);

	(void)state;
	assert_int_equal(vault_oci_state_parse(text, len, &s, &err), 0);
	assert_int_equal(s.pid, 4242);
	assert_string_equal(s.id, "web-1");
	assert_string_equal(s.bundle, "/var/lib/bundles/web-1");
	assert_string_equal(json_string_value(json_object_get(
				s.annotations, VAULT_ANN_SECRETS)),
			    "secret/app/db=db.json, secret/app/api");
	vault_oci_state_free(&s);
	vault_oci_state_free(NULL);
	free(text);

	static const char *bad[] = {"",
				    "[]",
				    "{\"bundle\":\"/b\"}",
				    "{\"pid\":0,\"bundle\":\"/b\"}",
				    "{\"pid\":\"1\",\"bundle\":\"/b\"}",
				    "{\"pid\":1,\"bundle\":\"b\"}",
				    "{\"pid\":1}",
				    "{\"pid\":1,\"bundle\":\"/b\",\"id\":3}",
				    "{\"pid\":1,\"pid\":2,\"bundle\":\"/b\"}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
		    vault_oci_state_parse(bad[i], strlen(bad[i]), &s, &err),
		    -EINVAL);
}

static void test_oci_config(void **state)
{
	struct vault_oci_config c = {0};
	struct bw_error err = {0};
	size_t len;
	char *text = fixture("config.json", &len);
	const char *abs = "{\"root\":{\"path\":\"/srv/root\"}}";
	const char *badu =
	    "{\"root\":{\"path\":\"r\"},\"process\":{\"user\":{\"uid\":-1}}}";

	(void)state;
	assert_int_equal(vault_oci_config_parse(text, len, "/b/web", &c, &err),
			 0);
	assert_string_equal(c.rootfs, "/b/web/rootfs");
	assert_int_equal(c.uid, 10001);
	assert_int_equal(c.gid, 10002);
	assert_string_equal(
	    json_string_value(json_object_get(c.annotations, VAULT_ANN_ROLE)),
	    "web");
	vault_oci_config_free(&c);
	vault_oci_config_free(NULL);
	free(text);

	assert_int_equal(
	    vault_oci_config_parse(abs, strlen(abs), "/b", &c, &err), 0);
	assert_string_equal(c.rootfs, "/srv/root");
	assert_int_equal(c.uid, 0);
	assert_null(c.annotations);
	vault_oci_config_free(&c);
	assert_int_equal(
	    vault_oci_config_parse(badu, strlen(badu), "/b", &c, &err),
	    -EINVAL);
	assert_int_equal(vault_oci_config_parse("{}", 2, "/b", &c, &err),
			 -EINVAL);
	assert_int_equal(vault_oci_config_parse("{", 1, "/b", &c, &err),
			 -EINVAL);
}

static void test_hook_config(void **state)
{
	struct vault_hook_config c = {0};
	struct bw_error err = {0};
	size_t len;
	char *text = fixture("vault-hook.yaml", &len);
	static const char *bad[] = {
	    "token_file: /t\n",
	    "address: https://a\n",
	    "address: https://a\nrole_id_file: /r\n",
	    "address: https://a\nroles: {web: {role_id_file: /r}}\n",
	    "address: https://a\ntoken_file: [a, b]\n",
	    "- a\n",
	    "address: \"\"\ntoken_file: /t\n",
	};

	(void)state;
	assert_int_equal(
	    vault_hook_config_parse(text, len, "hook.yaml", &c, &err), 0);
	assert_string_equal(c.address, "https://vault.internal:8200");
	assert_string_equal(c.ca_cert, "/etc/bulwark/vault-ca.pem");
	assert_string_equal(c.role_id_file, "/etc/bulwark/vault-role-id");
	assert_string_equal(c.secret_id_file, "/etc/bulwark/vault-secret-id");
	assert_string_equal(c.roles_dir, "/etc/bulwark/vault-roles");
	assert_null(c.token_file);
	vault_hook_config_free(&c);
	vault_hook_config_free(NULL);
	free(text);

	text = fixture("vault-hook-unknown-key.yaml", &len);
	assert_int_equal(
	    vault_hook_config_parse(text, len, "hook.yaml", &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown key \"secret_id\""));
	assert_int_equal(err.line, 3);
	free(text);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(vault_hook_config_parse(bad[i], strlen(bad[i]),
							 "h", &c, &err),
				 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spec_names),
	    cmocka_unit_test(test_spec_rejects),
	    cmocka_unit_test(test_name_ok),
	    cmocka_unit_test(test_list),
	    cmocka_unit_test(test_format_names),
	    cmocka_unit_test(test_render),
	    cmocka_unit_test(test_render_errors),
	    cmocka_unit_test(test_write),
	    cmocka_unit_test(test_tmpfs),
	    cmocka_unit_test(test_oci_state),
	    cmocka_unit_test(test_oci_config),
	    cmocka_unit_test(test_hook_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
