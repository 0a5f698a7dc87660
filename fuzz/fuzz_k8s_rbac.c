/*
 * fuzz_k8s_rbac.c - the RBAC model on hostile objects: the input is a JSON
 * array of objects (roles, bindings, anything), added to a set and run
 * through k8s_rbac_build, the checks, who-can and --subject matching.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "k8s/k8s.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const reqs[][2] = {
	    {"get", "secrets"},	 {"create", "pods/exec"},
	    {"get", "/metrics"}, {"update", "deployments.apps/scale"},
	    {"*", "*"},
	};
	struct k8s_set set = {0};
	struct k8s_rbac *r = NULL;
	struct k8s_rbac_finding *f;
	struct k8s_rbac_subject who;
	char buf[64];
	json_t *arr, *o;
	size_t i, n;

	arr = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (!json_is_array(arr)) {
		json_decref(arr);
		return 0;
	}
	json_array_foreach(arr, i, o)
	{
		if (json_is_object(o))
			k8s_set_add(&set, o, "fuzz", (int)i, -1, 1);
	}
	if (!k8s_rbac_build(&set, NULL, NULL, &r, NULL)) {
		if (!k8s_rbac_check(r, &f, &n))
			k8s_rbac_findings_free(f, n);
		for (size_t q = 0; q < sizeof(reqs) / sizeof(reqs[0]); q++) {
			struct k8s_rbac_request req;
			struct k8s_rbac_match *m;

			if (k8s_rbac_request_init(&req, reqs[q][0], reqs[q][1],
						  NULL, q & 1 ? "ns" : NULL,
						  NULL) ||
			    k8s_rbac_who_can(r, &req, &m, &n))
				continue;
			free(m);
		}
		if (!k8s_rbac_subject_parse("sa:ns/default", &who, buf,
					    sizeof(buf)))
			for (i = 0; i < r->n; i++)
				k8s_rbac_subject_applies(&r->perms[i].subject,
							 &who);
		k8s_rbac_free(r);
	}
	k8s_set_free(&set);
	json_decref(arr);
	return 0;
}
