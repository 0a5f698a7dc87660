/*
 * fuzz_k8s_audit.c - manifests (YAML/JSON bytes) -> loader -> every
 * best-practice check -> every policy report writer.  The checks and
 * writers must survive any object the loader accepts: wrong types,
 * hostile strings, deep nesting.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "k8s/k8s.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum report_format fmts[] = {
	    REPORT_TABLE, REPORT_JSON, REPORT_SARIF, REPORT_JUNIT, REPORT_HTML};
	struct report_opts ro = {.show_suppressed = 1,
				 .fixed_time = "2026-01-01T00:00:00Z"};
	struct report_findings out = {0};
	struct k8s_set set = {0};
	struct bw_error err = {0};
	FILE *sink;
	size_t i;

	if (size > (1u << 20))
		return 0;
	k8s_load_buffer(&set, (const char *)data, size, "fuzz.yaml", NULL, NULL,
			&err);
	if (k8s_audit_checks(&set, NULL, &out, &err) == 0) {
		report_findings_sort(&out);
		sink = fopen("/dev/null", "w");
		for (i = 0; sink && i < sizeof(fmts) / sizeof(fmts[0]); i++)
			report_write_policy(sink, fmts[i], &out, &ro, &err);
		if (sink)
			fclose(sink);
	}
	report_findings_free(&out);
	k8s_set_free(&set);
	return 0;
}
