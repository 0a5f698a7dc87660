/*
 * fuzz_admission.c - libFuzzer harness for the admission webhook's body
 * parser and decision (k8s_adm_review), in validate and mutate modes, with
 * a configuration that has labelled namespaces and exemptions so every
 * branch is reachable.  The first byte picks the mode.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "k8s/k8s.h"

static struct k8s_adm_config cfg;
static int ready;

static const char config[] =
    "apiVersion: pod-security.admission.config.k8s.io/v1\n"
    "kind: PodSecurityConfiguration\n"
    "defaults: {enforce: baseline, audit: restricted, warn: restricted}\n"
    "exemptions: {usernames: [admin], namespaces: [kube-system], "
    "runtimeClasses: [kata]}\n"
    "namespaces:\n"
    "  prod: {pod-security.kubernetes.io/enforce: restricted, "
    "pod-security.kubernetes.io/enforce-version: v1.25}\n"
    "  bad: {pod-security.kubernetes.io/enforce: restricted}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct k8s_adm_decision d;
	struct bw_error err;

	if (!ready) {
		if (k8s_adm_config_init(&cfg) ||
		    k8s_adm_config_load_buffer(&cfg, config, strlen(config),
					       "fuzz", &err))
			__builtin_trap();
		json_object_set_new(
		    cfg.namespaces, "typo",
		    json_pack("{s:s}", "pod-security.kubernetes.io/enforce",
			      "nope"));
		ready = 1;
	}
	if (size < 1)
		return 0;
	if (k8s_adm_review(&cfg,
			   data[0] & 1 ? K8S_ADM_MUTATE : K8S_ADM_VALIDATE,
			   (const char *)data + 1, size - 1, &d, &err) == 0)
		k8s_adm_decision_free(&d);
	return 0;
}
