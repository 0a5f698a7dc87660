/*
 * bench_audit.c - `bulwark k8s audit` speed: 10,000 generated manifests
 * (Deployments, StatefulSets, DaemonSets, CronJobs, Pods with 1-3
 * containers, hardened or not, plus Services and NetworkPolicies) built in
 * memory, then
 *   - baseline: walking every object's pod spec and containers once;
 *   - checks: k8s_audit_checks (all checks) over the set;
 *   - end to end: k8s_load_buffer of the manifests as one multi-document
 *     stream, the checks, and sorting the findings, each phase timed so
 *     the total can be explained.
 * Prints objects/s on one core (target >= 20,000/s for the checks and for
 * the end to end audit) and the ratio to the baseline.  Not a pass/fail
 * test.
 *
 *   bench_audit [N]     (default 10000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "k8s/k8s.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static json_t *container(unsigned i, int hardened)
{
	json_t *c = json_pack(
	    "{s:s, s:s, s:[{s:i}], s:[{s:s, s:s}]}", "name",
	    i % 2 ? "app" : "side", "image",
	    hardened ? "registry.example.com/app:1.2.3@sha256:"
		       "abababababababababababababababababababababababababab"
		       "abababababab"
		     : (i % 3 ? "nginx:1.25" : "nginx:latest"),
	    "ports", "containerPort", 8080 + (int)(i % 5), "env", "name",
	    "LOG_LEVEL", "value", "info");

	if (hardened) {
		json_object_set_new(c, "securityContext",
				    json_pack("{s:b, s:b, s:{s:[s]}}",
					      "allowPrivilegeEscalation", 0,
					      "readOnlyRootFilesystem", 1,
					      "capabilities", "drop", "ALL"));
		json_object_set_new(c, "resources",
				    json_pack("{s:{s:s, s:s}, s:{s:s, s:s}}",
					      "requests", "cpu", "100m",
					      "memory", "64Mi", "limits", "cpu",
					      "1", "memory", "128Mi"));
		json_object_set_new(
		    c, "livenessProbe",
		    json_pack("{s:{s:i}}", "tcpSocket", "port", 8080));
	} else if (i % 7 == 0) {
		json_object_set_new(c, "securityContext",
				    json_pack("{s:b, s:{s:[s]}}", "privileged",
					      1, "capabilities", "add",
					      "SYS_ADMIN"));
	}
	return c;
}

static json_t *workload(unsigned i)
{
	static const char *const kinds[] = {"Deployment", "StatefulSet",
					    "DaemonSet", "CronJob", "Pod"};
	const char *kind = kinds[i % 5];
	int hardened = i % 2 == 0;
	char name[32], ns[16];
	json_t *spec, *tmpl, *obj, *cs = json_array();
	unsigned n = 1 + i % 3, k;

	snprintf(name, sizeof(name), "w%u", i);
	snprintf(ns, sizeof(ns), "ns%u", i % 20);
	for (k = 0; k < n; k++)
		json_array_append_new(cs, container(i + k, hardened));
	spec = json_pack("{s:o}", "containers", cs);
	if (hardened)
		json_object_set_new(spec, "securityContext",
				    json_pack("{s:b, s:i, s:{s:s}}",
					      "runAsNonRoot", 1, "runAsUser",
					      10001, "seccompProfile", "type",
					      "RuntimeDefault"));
	else if (i % 11 == 0)
		json_object_set_new(spec, "hostNetwork", json_true());
	if (i % 13 == 0)
		json_object_set_new(spec, "volumes",
				    json_pack("[{s:s, s:{s:s}}]", "name",
					      "sock", "hostPath", "path",
					      "/var/run/docker.sock"));
	tmpl = json_pack("{s:{s:{s:s, s:s}}, s:o}", "metadata", "labels", "app",
			 name, "tier", i % 3 ? "web" : "db", "spec", spec);
	obj = json_pack("{s:s, s:s, s:{s:s, s:s}}", "apiVersion",
			strcmp(kind, "Pod") ? "apps/v1" : "v1", "kind", kind,
			"metadata", "name", name, "namespace", ns);
	if (!strcmp(kind, "Pod")) {
		json_object_update(obj, tmpl);
		json_object_set_new(json_object_get(obj, "metadata"),
				    "namespace", json_string(ns));
		json_object_set_new(json_object_get(obj, "metadata"), "name",
				    json_string(name));
		json_decref(tmpl);
	} else if (!strcmp(kind, "CronJob")) {
		json_object_set_new(obj, "spec",
				    json_pack("{s:s, s:{s:{s:o}}}", "schedule",
					      "0 * * * *", "jobTemplate",
					      "spec", "template", tmpl));
	} else {
		json_object_set_new(obj, "spec",
				    json_pack("{s:i, s:o}", "replicas",
					      (int)(i % 4), "template", tmpl));
	}
	return obj;
}

static json_t *other(unsigned i)
{
	char ns[16];

	snprintf(ns, sizeof(ns), "ns%u", i % 20);
	if (i % 2)
		return json_pack(
		    "{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:[{s:i}]}}",
		    "apiVersion", "v1", "kind", "Service", "metadata", "name",
		    "svc", "namespace", ns, "spec", "type",
		    i % 4 == 1 ? "NodePort" : "ClusterIP", "ports", "port", 80);
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:{s:{s:s}}}}",
			 "apiVersion", "networking.k8s.io/v1", "kind",
			 "NetworkPolicy", "metadata", "name", "np", "namespace",
			 ns, "spec", "podSelector", "matchLabels", "tier",
			 "db");
}

static int walk_one(void *ctx, json_t *c, enum k8s_container_kind kind,
		    const char *path)
{
	(void)kind;
	(void)path;
	*(size_t *)ctx += json_object_size(c);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 10000;
	struct k8s_set set = {0}, loaded = {0};
	struct report_findings out = {0}, out2 = {0};
	struct bw_error err = {0};
	double t0, base, chk, t_load, t_chk, t_sort, e2e;
	size_t i, sink = 0, len = 0;
	char *buf = NULL;
	FILE *ms = open_memstream(&buf, &len);

	for (i = 0; i < n; i++) {
		json_t *o =
		    i % 10 == 9 ? other((unsigned)i) : workload((unsigned)i);

		k8s_set_add(&set, o, "bench.yaml", (int)i, -1, 1);
		fputs("---\n", ms);
		json_dumpf(o, ms, JSON_COMPACT);
		fputc('\n', ms);
		json_decref(o);
	}
	fclose(ms);

	t0 = now();
	for (i = 0; i < set.n; i++) {
		json_t *spec;

		if (!k8s_pod_spec(&set.objs[i], &spec, NULL, NULL))
			k8s_each_container(spec, walk_one, &sink);
	}
	base = now() - t0;

	t0 = now();
	if (k8s_audit_checks(&set, NULL, &out, &err)) {
		fprintf(stderr, "bench_audit: %s\n", err.msg);
		return 1;
	}
	chk = now() - t0;

	t0 = now();
	if (k8s_load_buffer(&loaded, buf, len, "bench.yaml", NULL, NULL,
			    &err)) {
		fprintf(stderr, "bench_audit: %s\n", err.msg);
		return 1;
	}
	t_load = now() - t0;
	t0 = now();
	if (k8s_audit_checks(&loaded, NULL, &out2, &err)) {
		fprintf(stderr, "bench_audit: %s\n", err.msg);
		return 1;
	}
	t_chk = now() - t0;
	t0 = now();
	report_findings_sort(&out2);
	t_sort = now() - t0;
	e2e = t_load + t_chk + t_sort;
	if (loaded.n != set.n || out2.n != out.n) {
		fprintf(stderr,
			"bench_audit: end to end saw %zu objects and %zu "
			"findings, expected %zu and %zu\n",
			loaded.n, out2.n, set.n, out.n);
		return 1;
	}

	printf("objects: %zu (%zu bytes of manifests), findings: %zu, "
	       "checks: %zu\n",
	       set.n, len, out.n, out.nrules);
	printf("baseline walk:     %8.1f ms  %10.0f objects/s\n", base * 1e3,
	       (double)set.n / base);
	printf("checks:            %8.1f ms  %10.0f objects/s  (%.1fx the "
	       "walk; target >= 20000/s)\n",
	       chk * 1e3, (double)set.n / chk, chk / base);
	printf("load+checks+sort:  %8.1f ms  %10.0f objects/s  (target >= "
	       "20000/s)\n",
	       e2e * 1e3, (double)loaded.n / e2e);
	printf("  load (YAML):     %8.1f ms  %10.0f objects/s  %5.1f MB/s\n",
	       t_load * 1e3, (double)loaded.n / t_load,
	       (double)len / t_load / 1e6);
	printf("  checks:          %8.1f ms  %10.0f objects/s\n", t_chk * 1e3,
	       (double)loaded.n / t_chk);
	printf("  sort:            %8.1f ms  %10.0f findings/s\n", t_sort * 1e3,
	       (double)out2.n / t_sort);
	(void)sink;
	report_findings_free(&out);
	report_findings_free(&out2);
	k8s_set_free(&set);
	k8s_set_free(&loaded);
	free(buf);
	return 0;
}
