/* test_vault_router.c - the request handling without HTTP (vault_handle):
 * init and Shamir unseal with progress, Vault's envelopes and error codes,
 * path normalisation, JSON errors, health codes and overrides, the audit
 * hook failing a request, and the config loader (YAML, JSON, errors). */
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

#include <sys/wait.h>

#include "vault/core_int.h"
#include "vault/vault.h"
#include "vault_fixture.h"

static const char *first_error(json_t *b)
{
	return json_string_value(
	    json_array_get(json_object_get(b, "errors"), 0));
}

/* Initialises with 3 shares, threshold 2; fills keys and root token. */
static void init3(struct fx *f, char keys[3][80], char root[64])
{
	json_t *b = NULL;

	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/init",
			      "{\"secret_shares\":3,\"secret_threshold\":2}",
			      NULL, &b),
			 200);
	for (int i = 0; i < 3; i++)
		snprintf(
		    keys[i], 80, "%s",
		    json_string_value(json_array_get(
			json_object_get(b, i == 1 ? "keys_base64" : "keys"),
			(size_t)i)));
	snprintf(root, 64, "%s",
		 json_string_value(json_object_get(b, "root_token")));
	assert_int_equal(strncmp(root, "hvs.", 4), 0);
	assert_int_equal(strlen(root), 36);
	json_decref(b);
}

static void unseal_with(struct fx *f, const char *key, int want_progress,
			int want_sealed)
{
	char body[160];
	json_t *b = NULL;

	snprintf(body, sizeof(body), "{\"key\":\"%s\"}", key);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/unseal", body, NULL, &b),
			 200);
	assert_int_equal(json_integer_value(json_object_get(b, "progress")),
			 want_progress);
	assert_int_equal(json_is_true(json_object_get(b, "sealed")),
			 want_sealed);
	json_decref(b);
}

static void test_init_unseal_lookup_seal(void **state)
{
	struct fx *f = *state;
	char keys[3][80], root[64];
	json_t *b = NULL;

	assert_int_equal(call(f, VAULT_OP_READ, "sys/health", NULL, NULL, NULL),
			 501);
	init3(f, keys, root);
	assert_int_equal(call(f, VAULT_OP_READ, "sys/health", NULL, NULL, NULL),
			 503);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, root, &b),
	    503);
	assert_string_equal(first_error(b), "Vault is sealed");
	json_decref(b);
	unseal_with(f, keys[2], 1, 1);
	unseal_with(f, keys[1], 0, 0); /* base64 key; progress resets */
	assert_int_equal(call(f, VAULT_OP_READ, "sys/health", NULL, NULL, NULL),
			 200);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "auth/token/lookup-self", NULL, root, &b),
	    200);
	/* the envelope */
	assert_int_equal(
	    strlen(json_string_value(json_object_get(b, "request_id"))), 36);
	assert_string_equal(json_string_value(json_object_get(b, "lease_id")),
			    "");
	assert_true(json_is_false(json_object_get(b, "renewable")));
	assert_true(json_is_null(json_object_get(b, "wrap_info")));
	assert_true(json_is_null(json_object_get(b, "auth")));
	assert_string_equal(
	    json_string_value(json_array_get(
		json_object_get(json_object_get(b, "data"), "policies"), 0)),
	    "root");
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(b, "data"), "id")),
			    root);
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/seal", NULL, "hvs.bad", NULL), 403);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/seal", NULL, root, &b),
			 204);
	assert_null(b);
	assert_true(vault_core_sealed(f->c));
}

static void test_wrong_key_set_resets_progress(void **state)
{
	struct fx *f = *state;
	char keys[3][80], root[64], forged[80];
	json_t *b = NULL;

	init3(f, keys, root);
	snprintf(forged, sizeof(forged), "%s", keys[0]);
	forged[10] = forged[10] == '0' ? '1' : '0'; /* same x, other y */
	unseal_with(f, keys[2], 1, 1);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/unseal",
			      "{\"key\":\"not hex!\"}", NULL, NULL),
			 400);
	{
		char body[160];

		snprintf(body, sizeof(body), "{\"key\":\"%s\"}", forged);
		assert_int_equal(
		    call(f, VAULT_OP_UPDATE, "sys/unseal", body, NULL, &b),
		    400);
		assert_non_null(strstr(first_error(b), "authentication"));
		json_decref(b);
	}
	assert_true(vault_core_sealed(f->c));
	unseal_with(f, keys[0], 1, 1);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/unseal",
			      "{\"reset\":true}", NULL, NULL),
			 200);
	unseal_with(f, keys[0], 1, 1);
	unseal_with(f, keys[2], 0, 0);
}

static void test_init_validation(void **state)
{
	struct fx *f = *state;
	static const char *const bad[] = {
	    "{\"secret_shares\":3,\"secret_threshold\":5}",
	    "{\"secret_shares\":3,\"secret_threshold\":1}",
	    "{\"secret_shares\":256,\"secret_threshold\":2}",
	    "{\"secret_shares\":0,\"secret_threshold\":0}",
	    "{\"secret_shares\":\"3\",\"secret_threshold\":2}",
	    "{\"secret_shares\":1,\"secret_threshold\":1,\"pgp_keys\":"
	    "[\"mQENBF...\"]}",
	    "{\"secret_shares\":1,\"secret_threshold\":1,"
	    "\"root_token_pgp_key\":\"mQENBF...\"}",
	};
	json_t *b = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
		    call(f, VAULT_OP_UPDATE, "sys/init", bad[i], NULL, NULL),
		    400);
	assert_int_equal(call(f, VAULT_OP_READ, "sys/init", NULL, NULL, &b),
			 200);
	assert_true(json_is_false(json_object_get(b, "initialized")));
	json_decref(b);
	/* unused PGP fields as clients send them (hvac: null) are fine */
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/init",
			      "{\"secret_shares\":1,\"secret_threshold\":1,"
			      "\"pgp_keys\":null,\"root_token_pgp_key\":\"\"}",
			      NULL, NULL),
			 200);
}

static void test_paths_methods_and_json_errors(void **state)
{
	struct fx *f = *state;
	static const char *const bad_paths[] = {
	    "",	  "/sys/health", "a//b", "a/./b", "a/../b",
	    "..", "a/..",	 "./a",	 "a\\b",  "a\tb",
	};
	char keys[3][80], root[64];
	json_t *b = NULL;

	for (size_t i = 0; i < sizeof(bad_paths) / sizeof(bad_paths[0]); i++)
		assert_int_equal(
		    call(f, VAULT_OP_READ, bad_paths[i], NULL, NULL, NULL),
		    400);
	init3(f, keys, root);
	unseal_with(f, keys[0], 1, 1);
	unseal_with(f, keys[1], 0, 0);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "nomount/data/x", NULL, root, &b), 404);
	assert_string_equal(first_error(b), "no handler for route "
					    "\"nomount/data/x\". route entry "
					    "not found.");
	json_decref(b);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/data/x", NULL, "hvs.nope", NULL),
	    403);
	assert_int_equal(
	    call(f, VAULT_OP_READ, "secret/data/x", NULL, NULL, NULL), 403);
	assert_int_equal(
	    call(f, VAULT_OP_DELETE, "sys/seal-status", NULL, NULL, NULL), 405);
	assert_int_equal(
	    call(f, VAULT_OP_LIST, "auth/token/lookup-self", NULL, root, NULL),
	    405);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/unseal", "{\"key\":", NULL, NULL),
	    400);
	assert_int_equal(
	    call(f, VAULT_OP_UPDATE, "sys/unseal", "\"str\"", NULL, NULL), 400);
	assert_int_equal(call(f, VAULT_OP_UPDATE, "sys/unseal",
			      "{\"key\":1,\"key\":2}", NULL, NULL),
			 400);
	/* the barrier's own entries are not reachable as routes */
	assert_int_equal(
	    call(f, VAULT_OP_READ, "core/keyring", NULL, root, NULL), 404);
}

static void test_health_overrides(void **state)
{
	struct fx *f = *state;
	struct vault_request q = {.op = VAULT_OP_READ,
				  .method = "GET",
				  .raw_path = "sys/health",
				  .nquery = 2};
	struct vault_response r;

	q.query[0].key = "uninitcode";
	q.query[0].value = "200";
	q.query[1].key = "standbyok";
	q.query[1].value = NULL;
	vault_handle(f->c, &q, &r);
	assert_int_equal(r.status, 200);
	json_decref(r.body);
	q.query[0].value = "99999"; /* malformed: the default */
	vault_handle(f->c, &q, &r);
	assert_int_equal(r.status, 501);
	json_decref(r.body);
}

static int failing_audit(void *ctx, const char *type, json_t *auth,
			 json_t *request, json_t *response, const char *error)
{
	int *n = ctx;

	(*n)++;
	return *n > 1 ? -EIO : 0; /* the request line works, the response not */
}

static void test_audit_failure_fails_request(void **state)
{
	struct fx *f = *state;
	int n = 0;
	json_t *b = NULL;

	vault_core_set_audit(f->c, failing_audit, &n);
	assert_int_equal(call(f, VAULT_OP_READ, "sys/init", NULL, NULL, &b),
			 500);
	assert_string_equal(first_error(b), "internal error");
	json_decref(b);
	assert_int_equal(n, 2);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_config_yaml_json_and_errors(void **state)
{
	char dir[] = "/tmp/bw-vcfg.XXXXXX", path[128];
	struct vault_config cfg;
	struct bw_error err;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c", dir);
	write_file(path, "# comment\nlisten: \"127.0.0.1:8201\"\n"
			 "tls_cert_file: /c.pem\ntls_key_file: /k.pem\n"
			 "storage_path: /v.db\naudit_log: /a.log\n");
	assert_int_equal(vault_config_load(path, &cfg, NULL), 0);
	assert_string_equal(cfg.listen, "127.0.0.1:8201");
	assert_string_equal(cfg.storage_path, "/v.db");
	assert_string_equal(cfg.audit_log, "/a.log");
	vault_config_free(&cfg);
	write_file(path, " {\"listen\":\":8200\",\"tls_cert_file\":\"c\","
			 "\"tls_key_file\":\"k\",\"storage_path\":\"s\"}");
	assert_int_equal(vault_config_load(path, &cfg, NULL), 0);
	assert_string_equal(cfg.listen, ":8200");
	assert_null(cfg.audit_log);
	vault_config_free(&cfg);
	bw_error_clear(&err);
	write_file(path, "storage_path: x\nbogus: y\n");
	assert_int_equal(vault_config_load(path, &cfg, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	write_file(path, "storage_path: x\n"); /* no TLS */
	assert_int_equal(vault_config_load(path, &cfg, &err), -EINVAL);
	write_file(path, "storage_path: [x]\n");
	assert_int_equal(vault_config_load(path, &cfg, &err), -EINVAL);
	write_file(path, "a: b: c\n");
	assert_int_equal(vault_config_load(path, &cfg, &err), -EINVAL);
	/* tidy_interval: a Vault duration, "0" turns the sweep off */
	write_file(path, "tls_cert_file: c\ntls_key_file: k\n"
			 "storage_path: s\ntidy_interval: 30s\n");
	assert_int_equal(vault_config_load(path, &cfg, NULL), 0);
	assert_string_equal(cfg.tidy_interval, "30s");
	vault_config_free(&cfg);
	write_file(path, "{\"tls_cert_file\":\"c\",\"tls_key_file\":\"k\","
			 "\"storage_path\":\"s\",\"tidy_interval\":\"0\"}");
	assert_int_equal(vault_config_load(path, &cfg, NULL), 0);
	assert_string_equal(cfg.tidy_interval, "0");
	vault_config_free(&cfg);
	bw_error_clear(&err);
	write_file(path, "storage_path: s\ntidy_interval: 5 minutes\n");
	assert_int_equal(vault_config_load(path, &cfg, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "tidy_interval"));
	unlink(path);
	rmdir(dir);
}

static int cmp37(const void *a, const void *b) { return strcmp(a, b); }

/* Request ids: RFC 4122 version 4, all different (drawn from a per-thread
 * pool of random bytes), and a forked child does not repeat its parent's. */
static void test_uuids(void **state)
{
	enum { N = 20000 };
	char(*ids)[37] = calloc(N, 37), child[37], next[37];
	int pipefd[2], st = 0;
	pid_t pid;

	(void)state;
	assert_non_null(ids);
	for (int i = 0; i < N; i++) {
		vault_uuid(ids[i]);
		assert_int_equal(strlen(ids[i]), 36);
		assert_int_equal(ids[i][8], '-');
		assert_int_equal(ids[i][14], '4');
		assert_non_null(strchr("89ab", ids[i][19]));
	}
	qsort(ids, N, 37, cmp37);
	for (int i = 1; i < N; i++)
		assert_string_not_equal(ids[i - 1], ids[i]);
	free(ids);
	vault_uuid(next); /* the pool now has ids left to hand out */
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		vault_uuid(child);
		_exit(write(pipefd[1], child, 37) == 37 ? 0 : 1);
	}
	vault_uuid(next);
	assert_int_equal(read(pipefd[0], child, 37), 37);
	waitpid(pid, &st, 0);
	close(pipefd[0]);
	close(pipefd[1]);
	assert_string_not_equal(child, next);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_uuids),
	    cmocka_unit_test_setup_teardown(test_init_unseal_lookup_seal,
					    fx_setup_uninit, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_wrong_key_set_resets_progress,
					    fx_setup_uninit, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_init_validation,
					    fx_setup_uninit, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_paths_methods_and_json_errors,
					    fx_setup_uninit, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_health_overrides,
					    fx_setup_uninit, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_audit_failure_fails_request,
					    fx_setup_uninit, fx_teardown),
	    cmocka_unit_test(test_config_yaml_json_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
