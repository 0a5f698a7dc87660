/* test_vault_storage.c - the physical backends: put/get/delete/list on
 * SQLite and in-memory, persistence across reopen, and crash durability:
 * a child doing acknowledged puts is killed with SIGKILL, and after reopen
 * every acknowledged key is present and PRAGMA integrity_check is "ok". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "vault/vault.h"

static char tmpdir[64];

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/bw-vstore.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void put_str(struct vault_storage *s, const char *k, const char *v)
{
	assert_int_equal(s->ops->put(s, k, (const uint8_t *)v, strlen(v), NULL),
			 0);
}

static void expect_str(struct vault_storage *s, const char *k, const char *v)
{
	uint8_t *out = NULL;
	size_t n = 0;

	assert_int_equal(s->ops->get(s, k, &out, &n, NULL), 0);
	assert_int_equal(n, strlen(v));
	assert_memory_equal(out, v, n);
	free(out);
}

static void expect_list(struct vault_storage *s, const char *prefix,
			const char *want)
{
	json_t *arr = NULL;
	char *txt;

	assert_int_equal(s->ops->list(s, prefix, &arr, NULL), 0);
	txt = json_dumps(arr, JSON_COMPACT);
	assert_string_equal(txt, want);
	free(txt);
	json_decref(arr);
}

static void exercise(struct vault_storage *s)
{
	uint8_t *out = NULL;
	size_t n = 0;

	assert_int_equal(s->ops->get(s, "missing", &out, &n, NULL), -ENOENT);
	put_str(s, "a/b/c", "1");
	put_str(s, "a/b/d", "2");
	put_str(s, "a/b-c", "3");
	put_str(s, "a/x", "4");
	put_str(s, "b", "5");
	put_str(s, "a/x", "44"); /* overwrite */
	expect_str(s, "a/x", "44");
	expect_list(s, "", "[\"a/\",\"b\"]");
	expect_list(s, "a/", "[\"b-c\",\"b/\",\"x\"]");
	expect_list(s, "a/b/", "[\"c\",\"d\"]");
	expect_list(s, "zz/", "[]");
	/* a prefix with LIKE wildcards is taken literally */
	put_str(s, "p%/_q", "6");
	expect_list(s, "p%/", "[\"_q\"]");
	assert_int_equal(s->ops->delete (s, "a/b/c", NULL), 0);
	assert_int_equal(s->ops->delete (s, "a/b/c", NULL), 0);
	assert_int_equal(s->ops->get(s, "a/b/c", &out, &n, NULL), -ENOENT);
	expect_list(s, "a/b/", "[\"d\"]");
	/* empty values and bad keys */
	assert_int_equal(s->ops->put(s, "empty", (const uint8_t *)"", 0, NULL),
			 0);
	expect_str(s, "empty", "");
	assert_int_equal(s->ops->put(s, "", (const uint8_t *)"x", 1, NULL),
			 -EINVAL);
}

static void test_mem_backend(void **state)
{
	struct vault_storage *s = NULL;

	assert_int_equal(vault_storage_mem_open(&s), 0);
	exercise(s);
	vault_storage_close(s);
	vault_storage_close(NULL);
}

static void test_sqlite_backend_persists_across_reopen(void **state)
{
	struct vault_storage *s = NULL;
	char path[128];

	snprintf(path, sizeof(path), "%s/vault.db", tmpdir);
	assert_int_equal(vault_storage_sqlite_open(path, &s, NULL), 0);
	exercise(s);
	vault_storage_close(s);
	assert_int_equal(vault_storage_sqlite_open(path, &s, NULL), 0);
	expect_str(s, "a/x", "44");
	expect_str(s, "a/b/d", "2");
	expect_list(s, "a/", "[\"b-c\",\"b/\",\"x\"]");
	vault_storage_close(s);
}

static void test_sqlite_open_error(void **state)
{
	struct vault_storage *s = NULL;
	struct bw_error err;

	bw_error_clear(&err);
	assert_int_equal(
	    vault_storage_sqlite_open("/nonexistent-dir/x.db", &s, &err), -EIO);
	assert_null(s);
	assert_true(strlen(err.msg) > 0);
}

/*
 * The child writes keys k0, k1, ... and after each acknowledged put writes
 * the index to a pipe; the parent kills it with SIGKILL mid-stream, then
 * every index it read must be present.
 */
static void test_sqlite_kill9_keeps_acknowledged_writes(void **state)
{
	char path[128];
	int fds[2];
	pid_t pid;
	long acked = -1;
	struct vault_storage *s = NULL;

	snprintf(path, sizeof(path), "%s/crash.db", tmpdir);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		if (vault_storage_sqlite_open(path, &s, NULL))
			_exit(1);
		for (long i = 0;; i++) {
			char k[32], v[64];

			snprintf(k, sizeof(k), "k/%ld", i);
			snprintf(v, sizeof(v), "value-%ld", i);
			if (s->ops->put(s, k, (const uint8_t *)v, strlen(v),
					NULL))
				_exit(1);
			if (write(fds[1], &i, sizeof(i)) != sizeof(i))
				_exit(1);
		}
	}
	close(fds[1]);
	for (;;) {
		long i;

		if (read(fds[0], &i, sizeof(i)) != sizeof(i))
			break;
		acked = i;
		if (acked >= 150)
			break;
	}
	kill(pid, SIGKILL);
	{ /* drain what the child acknowledged before dying */
		long i;

		while (read(fds[0], &i, sizeof(i)) == sizeof(i))
			acked = i;
	}
	waitpid(pid, NULL, 0);
	close(fds[0]);
	assert_true(acked >= 150);

	assert_int_equal(vault_storage_sqlite_open(path, &s, NULL), 0);
	for (long i = 0; i <= acked; i++) {
		char k[32], v[64];

		snprintf(k, sizeof(k), "k/%ld", i);
		snprintf(v, sizeof(v), "value-%ld", i);
		expect_str(s, k, v);
	}
	vault_storage_close(s);
	{
		sqlite3 *db;
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db,
						    "PRAGMA integrity_check",
						    -1, &st, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0),
				    "ok");
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mem_backend),
	    cmocka_unit_test(test_sqlite_backend_persists_across_reopen),
	    cmocka_unit_test(test_sqlite_open_error),
	    cmocka_unit_test(test_sqlite_kill9_keeps_acknowledged_writes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
