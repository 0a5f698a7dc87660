/*
 * fuzz_vault_audit_verify.c - bytes -> a temporary file -> the audit log
 * verifier (line reader, JSON parse, field checks, hash chain) and the
 * audit device's open, which reads the last line back from the end.
 * Both must reject anything that is not a well-formed chain without
 * crashing, leaking or reading past a line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vault/vault.h"

static char path[] = "/tmp/bw-fuzz-vault-audit.XXXXXX";
static int fd = -1;

static void remove_temp(void) { unlink(path); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t salt[32] = {1, 2, 3};
	struct vault_audit *a = NULL;
	struct bw_error err = {0};
	size_t lines = 0, off = 0;
	ssize_t w;

	if (size > (1u << 20))
		return 0;
	if (fd < 0) {
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		atexit(remove_temp);
	}
	if (ftruncate(fd, 0) < 0)
		abort();
	while (off < size) {
		w = pwrite(fd, data + off, size - off, (off_t)off);
		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	vault_audit_verify(path, &lines, &err);
	if (vault_audit_open(path, salt, &a, &err) == 0)
		vault_audit_close(a);
	return 0;
}
