/*
 * fuzz_secretscan.c - libFuzzer harness for the secret scanner: the input
 * is a file's content, scanned both as an ordinary file and as a
 * .docker/config.json.  Every match must be redacted (4 characters at most
 * then "****") and lie on a line of the input; crashes, sanitizer reports
 * and over-long scans are bugs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "secretscan/secretscan.h"

struct ctx {
	size_t lines, n;
};

static int check(void *vc, const struct secret_match *m)
{
	struct ctx *c = vc;
	size_t len = strnlen(m->redacted, sizeof(m->redacted));

	if (len < 4 || len > 8 || strcmp(m->redacted + len - 4, "****"))
		abort();
	if (m->line < 1 || m->line > c->lines)
		abort();
	if (++c->n > SECRETSCAN_MAX_PER_FILE)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct secretscan *s;
	struct ctx c = {1, 0};

	if (!s && secretscan_new(&s, NULL))
		abort();
	for (size_t i = 0; i < size; i++)
		c.lines += data[i] == '\n';
	secretscan_scan(s, "app/config.env", (const char *)data, size, check,
			&c);
	c.n = 0;
	secretscan_scan(s, "root/.docker/config.json", (const char *)data, size,
			check, &c);
	secretscan_is_text((const char *)data, size);
	return 0;
}
