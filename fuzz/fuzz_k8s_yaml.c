/*
 * fuzz_k8s_yaml.c - libFuzzer harness for the manifest loader: the input is
 * read as a YAML/JSON stream by k8s_load_buffer, then every object's pod
 * spec (if any) is looked up and its containers walked.  Warnings are
 * expected; crashes, hangs, leaks and sanitizer reports are bugs.
 */
#include <stddef.h>
#include <stdint.h>

#include "k8s/k8s.h"

static void ignore(void *ctx, const struct bw_error *e)
{
	(void)ctx;
	(void)e;
}

static int count(void *ctx, json_t *c, enum k8s_container_kind kind,
		 const char *path)
{
	(void)c;
	(void)kind;
	(void)path;
	(*(int *)ctx)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct k8s_set set = {0};
	struct bw_error err;

	bw_error_clear(&err);
	k8s_load_buffer(&set, (const char *)data, size, "fuzz", ignore, NULL,
			&err);
	for (size_t i = 0; i < set.n; i++) {
		json_t *spec;
		int n = 0;

		if (k8s_pod_spec(&set.objs[i], &spec, NULL, NULL) == 0)
			k8s_each_container(spec, count, &n);
	}
	k8s_set_free(&set);
	return 0;
}
