/* test_vault_audit.c - the vault's audit device (src/vault/audit.c): the
 * HMAC of sensitive values against fixed vectors (computed once with
 * python3's hmac module) and against independent computations (OpenSSL's
 * HMAC() with a hand-made key, the openssl command), the line format and
 * its hash recomputed here, redaction (no secret in clear in the file),
 * the chain across close and reopen, refusing a symlink, a second writer
 * and a damaged tail, the verifier catching an edited byte, a deleted, a
 * swapped, an inserted line, a truncated file and a torn last line, and 8
 * threads logging at once.
 *
 * With BW_VAULT_AUDIT_OUT set, a sample log is also written there
 * (audit.log) for tests/integration/test_vault_audit.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "vault/vault.h"

static char tmpdir[] = "/tmp/bw-vault-audit.XXXXXX";
static uint8_t salt[32];

static const char *const secrets[] = {
    "hvs.CAESIJ-test-token",  "acc-7f3e9-accessor",	"hunter2-db-password",
    "nested-secret-in-array", "alice-meta-secret",	"s3cret-response-value",
    "wrap-token-secret",      "resp-auth-token-secret",
};

/* ---- helpers ------------------------------------------------------------ */

static void tpath(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (ret_len)
		*ret_len = (size_t)n;
	return buf;
}

static void spit(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Splits text into its lines (newlines kept); returns the count. */
static size_t split_lines(char *text, char **lines, size_t max)
{
	size_t n = 0;
	char *p = text, *nl;

	while (*p && n < max) {
		nl = strchr(p, '\n');
		lines[n++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	return n;
}

static size_t line_len(const char *l)
{
	const char *nl = strchr(l, '\n');

	return nl ? (size_t)(nl - l) + 1 : strlen(l);
}

/* Rewrites path from the lines picked by order (indices, -1 ends). */
static void rewrite(const char *path, char **lines, const int *order)
{
	char buf[1 << 16];
	size_t n = 0, l;

	for (; *order >= 0; order++) {
		l = line_len(lines[*order]);
		assert_true(n + l < sizeof(buf));
		memcpy(buf + n, lines[*order], l);
		n += l;
	}
	spit(path, buf, n);
}

static json_t *jload(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);

	if (!j)
		fail_msg("bad test JSON: %s", e.text);
	return j;
}

static void log_one(struct vault_audit *a, const char *type, int i)
{
	struct bw_error err = {0};
	char id[64];
	json_t *auth, *req, *resp = NULL;

	snprintf(id, sizeof(id), "req-%d", i);
	auth = jload(
	    "{\"client_token\":\"hvs.CAESIJ-test-token\","
	    "\"accessor\":\"acc-7f3e9-accessor\","
	    "\"display_name\":\"approle\",\"policies\":[\"default\","
	    "\"app\"],\"metadata\":{\"role_name\":\"alice-meta-secret\"}}");
	req = jload("{\"operation\":\"update\",\"path\":\"secret/data/app\","
		    "\"client_token\":\"hvs.CAESIJ-test-token\","
		    "\"client_token_accessor\":\"acc-7f3e9-accessor\","
		    "\"remote_address\":\"127.0.0.1\",\"data\":{\"data\":"
		    "{\"password\":\"hunter2-db-password\",\"port\":5432,"
		    "\"list\":[\"nested-secret-in-array\",true,null]}}}");
	assert_int_equal(json_object_set_new(req, "id", json_string(id)), 0);
	if (!strcmp(type, "response"))
		resp = jload(
		    "{\"data\":{\"value\":\"s3cret-response-value\"},"
		    "\"wrap_info\":{\"token\":\"wrap-token-secret\","
		    "\"ttl\":60},\"auth\":{\"client_token\":"
		    "\"resp-auth-token-secret\",\"policies\":[\"app\"]}}");
	assert_int_equal(vault_audit_log(a, type, auth, req, resp,
					 resp ? NULL : "permission denied",
					 &err),
			 0);
	json_decref(auth);
	json_decref(req);
	json_decref(resp);
}

/* Writes a fresh log of n entries at path (removed first). */
static void make_log(const char *path, int n)
{
	struct vault_audit *a = NULL;
	struct bw_error err = {0};
	int i;

	unlink(path);
	assert_int_equal(vault_audit_open(path, salt, &a, &err), 0);
	for (i = 0; i < n; i++)
		log_one(a, i % 2 ? "response" : "request", i);
	vault_audit_close(a);
}

static int verify(const char *path, size_t *lines, int *bad_line)
{
	struct bw_error err = {0};
	int rc = vault_audit_verify(path, lines, &err);

	*bad_line = err.line;
	if (rc)
		assert_true(err.msg[0] != '\0');
	return rc;
}

static void hmac_hex(const uint8_t *key, const char *msg, char out[65])
{
	uint8_t md[32];
	unsigned mdlen = 0;
	int i;

	assert_non_null(HMAC(EVP_sha256(), key, 32, (const uint8_t *)msg,
			     strlen(msg), md, &mdlen));
	assert_int_equal(mdlen, 32);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* ---- HMAC --------------------------------------------------------------- */

static void test_hash_fixed_vectors(void **state)
{
	static const struct {
		const char *msg, *hex;
	} vec[] = {
	    /* python3: hmac.new(bytes(range(32)), msg, hashlib.sha256) */
	    {"hvs.CAESIJ-test-token", "8d7ff91ec02f207a1c8997a05e7d79f73fd0a1d2"
				      "435cb773d093e0755ec4d8e8"},
	    {"", "d38b42096d80f45f826b44a9d5607de72496a415d3f4a1a8c88e3bb9da8dc"
		 "1cb"},
	    {"p@ssw0rd", "07a281b682eb52f929f26ee37e7bb736a8bf521b5b6cc61054fd3"
			 "55a37c78510"},
	};
	uint8_t key[32];
	char buf[80], want[96];
	size_t i;

	(void)state;
	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		snprintf(want, sizeof(want), "hmac-sha256:%s", vec[i].hex);
		assert_ptr_equal(
		    vault_audit_hash(key, vec[i].msg, buf, sizeof(buf)), buf);
		assert_string_equal(buf, want);
	}
	/* 12 + 64 + NUL = 77 bytes are enough, 76 are not. */
	assert_non_null(vault_audit_hash(key, "x", buf, 77));
	assert_null(vault_audit_hash(key, "x", buf, 76));
	assert_null(vault_audit_hash(key, NULL, buf, sizeof(buf)));
}

static void test_hash_matches_openssl(void **state)
{
	uint8_t key[32];
	char buf[80], want[65], cmd[512], keyhex[65], out[256], *eq;
	FILE *p;
	int i;

	(void)state;
	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)(0xa5 ^ (i * 7));
	/* OpenSSL's HMAC() with the hand-made key. */
	hmac_hex(key, "p@ssw0rd", want);
	assert_non_null(vault_audit_hash(key, "p@ssw0rd", buf, sizeof(buf)));
	assert_string_equal(buf + 12, want);
	assert_memory_equal(buf, "hmac-sha256:", 12);
	/* And the openssl command, when there is one. */
	if (system("command -v openssl >/dev/null 2>&1") != 0)
		return;
	for (i = 0; i < 32; i++)
		snprintf(keyhex + 2 * i, 3, "%02x", key[i]);
	snprintf(cmd, sizeof(cmd),
		 "printf '%%s' 'p@ssw0rd' | openssl dgst -sha256 -mac HMAC "
		 "-macopt hexkey:%s",
		 keyhex);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, sizeof(out), p));
	assert_int_equal(pclose(p), 0);
	eq = strstr(out, "= ");
	assert_non_null(eq);
	assert_memory_equal(eq + 2, buf + 12, 64);
}

/* ---- format and redaction ----------------------------------------------- */

static void test_entry_format_and_redaction(void **state)
{
	char path[512], *text, *lines[4], want[65], hb[80];
	const char *out_dir = getenv("BW_VAULT_AUDIT_OUT");
	json_t *obj, *copy, *req;
	struct stat st;
	size_t n, i, clen;
	char *canon, hex[65];
	uint8_t md[32];
	unsigned mdlen;
	EVP_MD_CTX *ctx;

	(void)state;
	tpath(path, sizeof(path), "format.log");
	make_log(path, 2);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	text = slurp(path, NULL);
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		if (strstr(text, secrets[i]))
			fail_msg("secret \"%s\" in clear in the log",
				 secrets[i]);
	assert_null(strstr(text, "5432")); /* numbers under data too */
	n = split_lines(text, lines, 4);
	assert_int_equal(n, 2);
	memset(hex, '0', 64);
	hex[64] = '\0';
	for (i = 0; i < n; i++) {
		obj = json_loadb(lines[i], line_len(lines[i]) - 1, 0, NULL);
		assert_non_null(obj);
		assert_string_equal(
		    json_string_value(json_object_get(obj, "type")),
		    i ? "response" : "request");
		assert_non_null(
		    json_string_value(json_object_get(obj, "time")));
		assert_string_equal(
		    json_string_value(json_object_get(obj, "prev_hash")), hex);
		/* The hash, recomputed independently. */
		copy = json_deep_copy(obj);
		json_object_del(copy, "hash");
		canon = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
		assert_non_null(canon);
		clen = strlen(canon);
		ctx = EVP_MD_CTX_new();
		assert_non_null(ctx);
		assert_true(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL));
		assert_true(EVP_DigestUpdate(ctx, hex, 64));
		assert_true(EVP_DigestUpdate(ctx, canon, clen));
		assert_true(EVP_DigestFinal_ex(ctx, md, &mdlen));
		EVP_MD_CTX_free(ctx);
		for (mdlen = 0; mdlen < 32; mdlen++)
			snprintf(hex + 2 * mdlen, 3, "%02x", md[mdlen]);
		assert_string_equal(
		    json_string_value(json_object_get(obj, "hash")), hex);
		free(canon);
		json_decref(copy);

		/* Sensitive values hashed with the salt, the rest clear. */
		hmac_hex(salt, "hvs.CAESIJ-test-token", want);
		snprintf(hb, sizeof(hb), "hmac-sha256:%s", want);
		assert_string_equal(
		    json_string_value(json_object_get(
			json_object_get(obj, "auth"), "client_token")),
		    hb);
		req = json_object_get(obj, "request");
		assert_string_equal(
		    json_string_value(json_object_get(req, "client_token")),
		    hb);
		assert_string_equal(
		    json_string_value(json_object_get(req, "path")),
		    "secret/data/app");
		assert_string_equal(
		    json_string_value(json_object_get(req, "remote_address")),
		    "127.0.0.1");
		assert_string_equal(
		    json_string_value(json_object_get(
			json_object_get(obj, "auth"), "display_name")),
		    "approle");
		hmac_hex(salt, "hunter2-db-password", want);
		snprintf(hb, sizeof(hb), "hmac-sha256:%s", want);
		assert_string_equal(
		    json_string_value(json_object_get(
			json_object_get(json_object_get(req, "data"), "data"),
			"password")),
		    hb);
		hmac_hex(salt, "5432", want);
		snprintf(hb, sizeof(hb), "hmac-sha256:%s", want);
		assert_string_equal(
		    json_string_value(json_object_get(
			json_object_get(json_object_get(req, "data"), "data"),
			"port")),
		    hb);
		if (i == 0) {
			assert_string_equal(
			    json_string_value(json_object_get(obj, "error")),
			    "permission denied");
			assert_null(json_object_get(obj, "response"));
		} else {
			assert_null(json_object_get(obj, "error"));
			assert_int_equal(
			    json_integer_value(json_object_get(
				json_object_get(
				    json_object_get(obj, "response"),
				    "wrap_info"),
				"ttl")),
			    60);
		}
		json_decref(obj);
	}
	if (out_dir) {
		char out[512];
		size_t len;

		free(text);
		text = slurp(path, &len);
		snprintf(out, sizeof(out), "%s/audit.log", out_dir);
		spit(out, text, len);
	}
	free(text);
}

static void test_caller_json_untouched(void **state)
{
	struct vault_audit *a = NULL;
	struct bw_error err = {0};
	char path[512];
	json_t *req = jload("{\"path\":\"x\",\"data\":{\"k\":\"v\"}}");
	json_t *before = json_deep_copy(req);

	(void)state;
	tpath(path, sizeof(path), "untouched.log");
	assert_int_equal(vault_audit_open(path, salt, &a, &err), 0);
	assert_int_equal(
	    vault_audit_log(a, "request", NULL, req, NULL, NULL, &err), 0);
	assert_true(json_equal(req, before));
	vault_audit_close(a);
	json_decref(req);
	json_decref(before);
}

/* Keys named like the chain's own fields, nested in the entry (token
 * metadata, request data), and strings that look like them: the line is
 * still exactly the canonical form and the chain verifies. */
static void test_nested_chain_like_keys(void **state)
{
	struct vault_audit *a = NULL;
	struct bw_error err = {0};
	char path[512];
	size_t lines = 0;
	int bad = 0;
	json_t *auth = jload("{\"metadata\":{\"prev_hash\":\"x\","
			     "\"hash\":\"y\"},\"policies\":[\"a\"]}");
	json_t *req =
	    jload("{\"path\":\"secret/data/x\",\"data\":{\"prev_hash\":"
		  "\"\\\"prev_hash\\\":\",\"k\":[{\"prev_hash\":1}]}}");

	(void)state;
	tpath(path, sizeof(path), "nested.log");
	assert_int_equal(vault_audit_open(path, salt, &a, &err), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(
		    vault_audit_log(a, "request", auth, req, NULL,
				    i == 1 ? "e,\"prev_hash\":" : NULL, &err),
		    0);
	vault_audit_close(a);
	assert_int_equal(verify(path, &lines, &bad), 0);
	assert_int_equal(lines, 3);
	json_decref(auth);
	json_decref(req);
}

static void test_log_rejects_bad_arguments(void **state)
{
	struct vault_audit *a = NULL;
	struct bw_error err = {0};
	char path[512];
	json_t *arr = json_array();
	size_t n = 0;
	int line;

	(void)state;
	tpath(path, sizeof(path), "badargs.log");
	unlink(path);
	assert_int_equal(vault_audit_open(path, salt, &a, &err), 0);
	assert_int_equal(
	    vault_audit_log(a, "bogus", NULL, NULL, NULL, NULL, &err), -EINVAL);
	assert_int_equal(
	    vault_audit_log(a, "request", NULL, arr, NULL, NULL, &err),
	    -EINVAL);
	/* Nothing was written by the refused entries. */
	assert_int_equal(verify(path, &n, &line), 0);
	assert_int_equal(n, 0);
	assert_int_equal(
	    vault_audit_log(a, "request", NULL, NULL, NULL, NULL, &err), 0);
	vault_audit_close(a);
	assert_int_equal(verify(path, &n, &line), 0);
	assert_int_equal(n, 1);
	json_decref(arr);
	vault_audit_close(NULL);
}

/* ---- open --------------------------------------------------------------- */

static void test_chain_continues_after_reopen(void **state)
{
	struct vault_audit *a = NULL;
	struct bw_error err = {0};
	char path[512], *text, *lines[8];
	json_t *l3, *l4;
	size_t n = 0;
	int i, line;

	(void)state;
	tpath(path, sizeof(path), "reopen.log");
	make_log(path, 3);
	assert_int_equal(vault_audit_open(path, salt, &a, &err), 0);
	for (i = 0; i < 2; i++)
		log_one(a, "request", 10 + i);
	vault_audit_close(a);
	assert_int_equal(verify(path, &n, &line), 0);
	assert_int_equal(n, 5);
	text = slurp(path, NULL);
	assert_int_equal(split_lines(text, lines, 8), 5);
	l3 = json_loadb(lines[2], line_len(lines[2]), 0, NULL);
	l4 = json_loadb(lines[3], line_len(lines[3]), 0, NULL);
	assert_non_null(l3);
	assert_non_null(l4);
	assert_string_equal(
	    json_string_value(json_object_get(l3, "hash")),
	    json_string_value(json_object_get(l4, "prev_hash")));
	json_decref(l3);
	json_decref(l4);
	free(text);
}

static void test_open_refuses_symlink_and_second_writer(void **state)
{
	struct vault_audit *a = NULL, *b = NULL;
	struct bw_error err = {0};
	char path[512], link[512];

	(void)state;
	tpath(path, sizeof(path), "target.log");
	tpath(link, sizeof(link), "link.log");
	make_log(path, 1);
	unlink(link);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(vault_audit_open(link, salt, &b, &err), -ELOOP);
	assert_null(b);
	assert_int_equal(vault_audit_open(path, salt, &a, &err), 0);
	assert_int_equal(vault_audit_open(path, salt, &b, &err), -EBUSY);
	assert_null(b);
	vault_audit_close(a);
	assert_int_equal(vault_audit_open(path, salt, &b, &err), 0);
	vault_audit_close(b);
	/* A directory is not a log. */
	assert_int_equal(vault_audit_open(tmpdir, salt, &b, &err) < 0, 1);
}

static void test_open_refuses_damaged_tail(void **state)
{
	struct vault_audit *a = NULL;
	struct bw_error err = {0};
	char path[512], *text;
	size_t len;

	(void)state;
	tpath(path, sizeof(path), "tail.log");
	make_log(path, 3);
	text = slurp(path, &len);
	/* Torn: the last line cut in the middle. */
	assert_int_equal(truncate(path, (off_t)len - 10), 0);
	assert_int_equal(vault_audit_open(path, salt, &a, &err), -EBADMSG);
	assert_null(a);
	assert_non_null(strstr(err.msg, "torn"));
	/* Edited: a byte of the last line changed, newline kept. */
	text[len - 20] = text[len - 20] == 'a' ? 'b' : 'a';
	spit(path, text, len);
	assert_int_equal(vault_audit_open(path, salt, &a, &err), -EBADMSG);
	/* Garbage. */
	spit(path, "not json\n", 9);
	assert_int_equal(vault_audit_open(path, salt, &a, &err), -EBADMSG);
	assert_null(a);
	free(text);
}

/* ---- verify ------------------------------------------------------------- */

static void test_verify_detects_edited_byte(void **state)
{
	char path[512], *text, *p;
	size_t len, n;
	int line;

	(void)state;
	tpath(path, sizeof(path), "edit.log");
	make_log(path, 5);
	assert_int_equal(verify(path, &n, &line), 0);
	assert_int_equal(n, 5);
	text = slurp(path, &len);
	/* A hex digit of an HMAC on line 3: still valid JSON. */
	p = text;
	for (int i = 0; i < 2; i++)
		p = strchr(p, '\n') + 1;
	p = strstr(p, "hmac-sha256:") + 12;
	*p = *p == '0' ? '1' : '0';
	spit(path, text, len);
	n = 99;
	assert_int_equal(verify(path, &n, &line), -EBADMSG);
	assert_int_equal(line, 3);
	assert_int_equal(n, 99); /* untouched on failure */
	/* Whitespace only (same JSON value) on line 2 is caught too. */
	make_log(path, 5);
	free(text);
	text = slurp(path, &len);
	text = realloc(text, len + 2);
	assert_non_null(text);
	p = strchr(text, '\n') + 1;
	memmove(p + 2, p + 1, len - (size_t)(p + 1 - text) + 1);
	p[1] = ' ';
	spit(path, text, len + 1);
	assert_int_equal(verify(path, &n, &line), -EBADMSG);
	assert_int_equal(line, 2);
	free(text);
}

static void test_verify_detects_deleted_swapped_inserted(void **state)
{
	static const int deleted[] = {0, 2, 3, 4, -1};
	static const int first_deleted[] = {1, 2, 3, 4, -1};
	static const int swapped[] = {0, 2, 1, 3, 4, -1};
	static const int inserted[] = {0, 1, 1, 2, 3, 4, -1};
	char path[512], *text, *lines[8];
	size_t n;
	int line;

	(void)state;
	tpath(path, sizeof(path), "order.log");
	make_log(path, 5);
	text = slurp(path, NULL);
	assert_int_equal(split_lines(text, lines, 8), 5);
	rewrite(path, lines, deleted);
	assert_int_equal(verify(path, &n, &line), -EBADMSG);
	assert_int_equal(line, 2);
	rewrite(path, lines, first_deleted);
	assert_int_equal(verify(path, &n, &line), -EBADMSG);
	assert_int_equal(line, 1);
	rewrite(path, lines, swapped);
	assert_int_equal(verify(path, &n, &line), -EBADMSG);
	assert_int_equal(line, 2);
	rewrite(path, lines, inserted);
	assert_int_equal(verify(path, &n, &line), -EBADMSG);
	assert_int_equal(line, 3);
	free(text);
}

static void test_verify_detects_truncation_and_torn_line(void **state)
{
	char path[512], *text, *lines[8];
	size_t len, n, cut;
	int line, fd;

	(void)state;
	tpath(path, sizeof(path), "trunc.log");
	make_log(path, 5);
	text = slurp(path, &len);
	assert_int_equal(split_lines(text, lines, 8), 5);
	/* Cut inside line 4. */
	cut = (size_t)(lines[3] - text) + 30;
	assert_int_equal(truncate(path, (off_t)cut), 0);
	assert_int_equal(verify(path, &n, &line), -EBADMSG);
	assert_int_equal(line, 4);
	/* Cut just before the final newline. */
	spit(path, text, len - 1);
	assert_int_equal(verify(path, &n, &line), -EBADMSG);
	assert_int_equal(line, 5);
	/* A torn line appended after a good log. */
	spit(path, text, len);
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"time\":\"20", 11), 11);
	close(fd);
	assert_int_equal(verify(path, &n, &line), -EBADMSG);
	assert_int_equal(line, 6);
	/* Cut exactly at a line boundary: the chain alone cannot tell (the
	 * documented limit); it verifies with fewer entries. */
	spit(path, text, (size_t)(lines[3] - text));
	assert_int_equal(verify(path, &n, &line), 0);
	assert_int_equal(n, 3);
	/* Empty file: zero entries. */
	spit(path, "", 0);
	assert_int_equal(verify(path, &n, &line), 0);
	assert_int_equal(n, 0);
	free(text);
}

static void test_verify_rejects_malformed(void **state)
{
	static const char *const bad[] = {
	    "garbage\n",
	    "[1,2]\n",
	    "\n",
	    "{\"type\":\"request\"}\n",
	    ("{\"time\":\"t\",\"type\":\"request\",\"prev_hash\":\"00\","
	     "\"hash\":\"00\"}\n"),
	    "{\"time\":\"t\",\"type\":\"request\",\"type\":\"response\"}\n",
	};
	char path[512];
	size_t i, n;
	int line;

	(void)state;
	tpath(path, sizeof(path), "bad.log");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		spit(path, bad[i], strlen(bad[i]));
		assert_int_equal(verify(path, &n, &line), -EBADMSG);
		assert_int_equal(line, 1);
	}
	tpath(path, sizeof(path), "missing.log");
	unlink(path);
	assert_int_equal(verify(path, &n, &line), -ENOENT);
}

static void test_line_length_is_bounded(void **state)
{
	size_t big = VAULT_AUDIT_MAX_LINE + 16, n;
	struct vault_audit *a = NULL;
	struct bw_error err = {0};
	char path[512], *huge;
	json_t *req;
	int line;

	(void)state;
	huge = malloc(big + 1);
	assert_non_null(huge);
	memset(huge, 'a', big);
	huge[big] = '\0';
	/* The verifier stops at the limit instead of buffering forever. */
	tpath(path, sizeof(path), "long.log");
	spit(path, huge, big);
	assert_int_equal(verify(path, &n, &line), -EBADMSG);
	assert_int_equal(line, 1);
	/* The writer refuses an entry it could not verify later, and writes
	 * nothing for it. */
	unlink(path);
	assert_int_equal(vault_audit_open(path, salt, &a, &err), 0);
	req = json_object();
	assert_int_equal(json_object_set_new(req, "path", json_string(huge)),
			 0);
	assert_int_equal(
	    vault_audit_log(a, "request", NULL, req, NULL, NULL, &err),
	    -EINVAL);
	/* A huge value under data is only its HMAC in the log. */
	assert_int_equal(json_object_set_new(req, "path", json_string("p")), 0);
	assert_int_equal(
	    json_object_set_new(req, "data", json_pack("{s:s}", "blob", huge)),
	    0);
	assert_int_equal(
	    vault_audit_log(a, "request", NULL, req, NULL, NULL, &err), 0);
	vault_audit_close(a);
	assert_int_equal(verify(path, &n, &line), 0);
	assert_int_equal(n, 1);
	json_decref(req);
	free(huge);
}

/* ---- threads ------------------------------------------------------------ */

#define N_THREADS 8
#define PER_THREAD 40

struct worker {
	struct vault_audit *a;
	int id, failures;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct bw_error err = {0};
	json_t *req;
	int i;

	for (i = 0; i < PER_THREAD; i++) {
		req = json_pack("{s:s, s:i, s:i, s:{s:s}}", "path", "secret/x",
				"thread", w->id, "seq", i, "data", "password",
				"thread-secret-value");
		if (!req ||
		    vault_audit_log(w->a, i % 2 ? "response" : "request", NULL,
				    req, NULL, NULL, &err))
			w->failures++;
		json_decref(req);
	}
	return NULL;
}

static void test_concurrent_writers_keep_the_chain(void **state)
{
	struct worker w[N_THREADS];
	pthread_t t[N_THREADS];
	struct vault_audit *a = NULL;
	struct bw_error err = {0};
	char path[512], *text;
	size_t n = 0;
	int i, line;

	(void)state;
	tpath(path, sizeof(path), "threads.log");
	unlink(path);
	assert_int_equal(vault_audit_open(path, salt, &a, &err), 0);
	for (i = 0; i < N_THREADS; i++) {
		w[i] = (struct worker){.a = a, .id = i};
		assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]),
				 0);
	}
	for (i = 0; i < N_THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	vault_audit_close(a);
	assert_int_equal(verify(path, &n, &line), 0);
	assert_int_equal(n, N_THREADS * PER_THREAD);
	text = slurp(path, NULL);
	assert_null(strstr(text, "thread-secret-value"));
	free(text);
}

/* ---- fixture ------------------------------------------------------------ */

static int group_setup(void **state)
{
	int i;

	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	for (i = 0; i < 32; i++)
		salt[i] = (uint8_t)(0x3c + i * 11);
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hash_fixed_vectors),
	    cmocka_unit_test(test_hash_matches_openssl),
	    cmocka_unit_test(test_entry_format_and_redaction),
	    cmocka_unit_test(test_caller_json_untouched),
	    cmocka_unit_test(test_nested_chain_like_keys),
	    cmocka_unit_test(test_log_rejects_bad_arguments),
	    cmocka_unit_test(test_chain_continues_after_reopen),
	    cmocka_unit_test(test_open_refuses_symlink_and_second_writer),
	    cmocka_unit_test(test_open_refuses_damaged_tail),
	    cmocka_unit_test(test_verify_detects_edited_byte),
	    cmocka_unit_test(test_verify_detects_deleted_swapped_inserted),
	    cmocka_unit_test(test_verify_detects_truncation_and_torn_line),
	    cmocka_unit_test(test_verify_rejects_malformed),
	    cmocka_unit_test(test_line_length_is_bounded),
	    cmocka_unit_test(test_concurrent_writers_keep_the_chain),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
