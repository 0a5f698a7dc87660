/*
 * report.h - renders a scan result: table (humans; colour on a TTY), JSON
 * (Bulwark's stable schema, docs/scan.md), SARIF 2.1.0, CycloneDX 1.6
 * (components, plus vulnerabilities when the result has findings), SPDX
 * 2.3 JSON.  And policy findings (finding.h: k8s checks, PSS, RBAC, host
 * benchmark) through the same layer: table grouped by object, JSON
 * ("bulwark.audit/v1", docs/k8s.md), SARIF (the same SARIF code paths as
 * vulnerabilities), JUnit XML and a self-contained HTML page.
 *
 * Ownership: nothing is kept; the result is only read.
 */
#ifndef BW_REPORT_REPORT_H
#define BW_REPORT_REPORT_H

#include <stdio.h>

#include "common/error.h"
#include "report/finding.h"
#include "scan/scan.h"

enum report_format {
	REPORT_TABLE,
	REPORT_JSON,
	REPORT_SARIF,
	REPORT_CYCLONEDX,
	REPORT_SPDX,
	REPORT_JUNIT, /* policy findings only */
	REPORT_HTML,  /* policy findings only */
};

struct report_opts {
	int color;	      /* ANSI colours (table) */
	int with_vulns;	      /* include findings (0 for `bulwark sbom`) */
	int show_suppressed;  /* list suppressed findings too */
	const char *tool_version;
	/* Deterministic output for tests: a fixed timestamp and serial /
	 * document namespace seed when non-NULL. */
	const char *fixed_time;
};

/* Parses "table", "json", "sarif", "cyclonedx", "spdx" (also "cdx",
 * "spdx-json"), "junit", "html".  0 or -EINVAL. */
int report_format_parse(const char *s, enum report_format *ret);

/* Writes the report.  Returns 0 or -EIO / -ENOMEM with a message. */
int report_write(FILE *out, enum report_format fmt,
		 const struct scan_result *r, const struct report_opts *o,
		 struct bw_error *err);

/*
 * Writes a report of policy findings: REPORT_TABLE, REPORT_JSON,
 * REPORT_SARIF, REPORT_JUNIT or REPORT_HTML (-EINVAL for the SBOM
 * formats).  Findings are written in the set's order (report_findings_sort
 * first for grouping by object); suppressed ones only with
 * o->show_suppressed, except in JSON, which always holds them, flagged.
 * Returns 0 or -EIO / -ENOMEM with a message.
 */
int report_write_policy(FILE *out, enum report_format fmt,
			const struct report_findings *s,
			const struct report_opts *o, struct bw_error *err);

/* Writes s as XML/HTML text or attribute content: & < > " ' escaped,
 * invalid UTF-8 as U+FFFD, control characters (but tab and newline) as
 * spaces -- safe inside elements and quoted attributes of both (the
 * JUnit and HTML writers here, and host-bench's JUnit). */
void report_xml_puts(FILE *out, const char *s);

#endif
