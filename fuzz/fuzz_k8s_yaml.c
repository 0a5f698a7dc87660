/*
 * fuzz_k8s_yaml.c - libFuzzer harness for the manifest loader: the input is
 * read as a YAML/JSON stream by k8s_load_buffer, then every object's pod
 * spec (if any) is looked up, its containers walked, and the pod evaluated
 * against the Pod Security Standards (restricted, at v1.0, v1.24 and
 * latest) with the denial message built.  Warnings are
 * expected; crashes, hangs, leaks and sanitizer reports are bugs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

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
		static const int minors[] = {0, 24, K8S_PSS_LATEST};
		json_t *spec, *meta;
		int n = 0;

		if (k8s_pod_spec(&set.objs[i], &spec, &meta, NULL))
			continue;
		k8s_each_container(spec, count, &n);
		for (size_t m = 0; m < 3; m++) {
			struct k8s_pss_version v = {minors[m]};
			struct k8s_pss_result r;

			if (k8s_pss_evaluate(meta, spec, K8S_PSS_RESTRICTED, v,
					     &r))
				continue;
			free(k8s_pss_message(&r, K8S_PSS_RESTRICTED, v));
			k8s_pss_result_free(&r);
		}
	}
	k8s_set_free(&set);
	return 0;
}
