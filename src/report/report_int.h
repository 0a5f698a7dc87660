/*
 * report_int.h - what the report writers share: JSON building that never
 * emits invalid UTF-8, severity / fix-state / package-type names, counts,
 * timestamps and document UUIDs.  Internal to src/report/.
 */
#ifndef BW_REPORT_REPORT_INT_H
#define BW_REPORT_REPORT_INT_H

#include <jansson.h>
#include <stdio.h>

#include "report/report.h"
#include "vulndb/vulndb.h"

#define RPT_TOOL_NAME "bulwark"
#define RPT_TOOL_URI "https://bulwark.dev"
#define RPT_OSV_URL "https://osv.dev/vulnerability/"

struct rpt_counts {
	size_t total;				     /* unsuppressed findings */
	size_t critical, high, medium, low, unknown; /* of total; "unknown"
							also holds the
							scored-0.0 ones */
	size_t suppressed;
};

/* A JSON string holding s with invalid UTF-8 replaced by U+FFFD; JSON null
 * for NULL.  Never NULL unless out of memory. */
json_t *rpt_jstr(const char *s);
/* Sets key to rpt_jstr(s) (null when s is NULL). */
void rpt_set_str(json_t *o, const char *key, const char *s);
/* Sets key only when s is not NULL. */
void rpt_set_str_opt(json_t *o, const char *key, const char *s);
/* Copies s into buf with invalid UTF-8 replaced by '?' and control
 * characters by ' ' (safe to print on a terminal).  Returns buf. */
const char *rpt_safe_text(const char *s, char *buf, size_t len);

const char *rpt_type_name(enum inv_type t);
/* "docker-archive", "oci-layout", "oci-archive", "rootfs". */
const char *rpt_kind_name(enum image_kind k);
const char *rpt_sev_label(const struct vuln_match *v);
const char *rpt_fix_state_name(enum vuln_fix_state s);
/* The package a finding is about, NULL when its index is out of range. */
const struct inv_package *rpt_pkg(const struct scan_result *r,
				  const struct scan_finding *fd);
/* The digest of layer i (blob digest, else diff_id), NULL when unknown. */
const char *rpt_layer_digest(const struct scan_result *r, int layer);
/* Whether a finding appears in a report that lists findings. */
int rpt_visible(const struct scan_finding *fd, const struct report_opts *o);
void rpt_count(const struct scan_result *r, struct rpt_counts *c);

/* RFC 3339 UTC: opts->fixed_time when set, else now. */
void rpt_timestamp(const struct report_opts *o, char *buf, size_t len);
/* A UUID: random (version 4) unless opts->fixed_time is set, then a name
 * based one (version 5) derived from fixed_time and seed. */
int rpt_uuid(const struct report_opts *o, const char *seed, char out[37]);

/* Writes root (consumed) with two-space indentation and a final newline. */
int rpt_dump(FILE *out, json_t *root, struct bw_error *err);

int report_write_table(FILE *out, const struct scan_result *r,
		       const struct report_opts *o, struct bw_error *err);
int report_write_json(FILE *out, const struct scan_result *r,
		      const struct report_opts *o, struct bw_error *err);
int report_write_sarif(FILE *out, const struct scan_result *r,
		       const struct report_opts *o, struct bw_error *err);
int report_write_cyclonedx(FILE *out, const struct scan_result *r,
			   const struct report_opts *o, struct bw_error *err);
int report_write_spdx(FILE *out, const struct scan_result *r,
		      const struct report_opts *o, struct bw_error *err);

/* Policy findings (report_write_policy). */
struct rpt_policy_counts {
	size_t total; /* unsuppressed */
	size_t by_sev[VULN_SEV_CRITICAL + 1];
	size_t suppressed;
	size_t objects_with_findings; /* distinct objects, unsuppressed */
};
void rpt_policy_count(const struct report_findings *s,
		      struct rpt_policy_counts *c);
/* Whether two findings are about the same object (file, doc, item, kind,
 * namespace, name). */
int rpt_same_object(const struct report_finding *a,
		    const struct report_finding *b);
/* "Deployment/ns/name" (namespace left out when unset) into buf. */
const char *rpt_object_label(const struct report_finding *f, char *buf,
			     size_t len);
/* The control of framework fw (exact name) joined with ", ", "" when
 * none.  Returns buf. */
const char *rpt_controls(const struct report_finding *f, const char *fw,
			 char *buf, size_t len);

/* (XML/HTML text: report_xml_puts, report.h.) */

int report_write_table_policy(FILE *out, const struct report_findings *s,
			      const struct report_opts *o,
			      struct bw_error *err);
int report_write_json_policy(FILE *out, const struct report_findings *s,
			     const struct report_opts *o, struct bw_error *err);
int report_write_sarif_policy(FILE *out, const struct report_findings *s,
			      const struct report_opts *o,
			      struct bw_error *err);
int report_write_junit(FILE *out, const struct report_findings *s,
		       const struct report_opts *o, struct bw_error *err);
int report_write_html(FILE *out, const struct report_findings *s,
		      const struct report_opts *o, struct bw_error *err);

#endif
