/*
 * report.h - renders a scan result: table (humans; colour on a TTY), JSON
 * (Bulwark's stable schema, docs/scan.md), SARIF 2.1.0, CycloneDX 1.6
 * (components, plus vulnerabilities when the result has findings), SPDX
 * 2.3 JSON.
 *
 * Ownership: nothing is kept; the result is only read.
 */
#ifndef BW_REPORT_REPORT_H
#define BW_REPORT_REPORT_H

#include <stdio.h>

#include "common/error.h"
#include "scan/scan.h"

enum report_format {
	REPORT_TABLE,
	REPORT_JSON,
	REPORT_SARIF,
	REPORT_CYCLONEDX,
	REPORT_SPDX,
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
 * "spdx-json").  0 or -EINVAL. */
int report_format_parse(const char *s, enum report_format *ret);

/* Writes the report.  Returns 0 or -EIO / -ENOMEM with a message. */
int report_write(FILE *out, enum report_format fmt,
		 const struct scan_result *r, const struct report_opts *o,
		 struct bw_error *err);

#endif
