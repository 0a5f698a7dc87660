/*
 * scan.h - one scan: image -> inventory -> vulnerability matches ->
 * suppressions (ignore file, VEX) -> gating.  The result is what the
 * reports (src/report/) render.
 *
 * Ownership: struct scan_result is owned by the caller and released with
 * scan_result_free(); findings point into result->inv.pkgs.
 */
#ifndef BW_SCAN_SCAN_H
#define BW_SCAN_SCAN_H

#include <stddef.h>
#include <time.h>

#include "common/error.h"
#include "image/image.h"
#include "inventory/inventory.h"
#include "vulndb/db.h"

struct scan_finding {
	size_t pkg;		  /* index into result->inv.pkgs */
	struct vuln_match vuln;	  /* owned by the result */
	const char *ecosystem;	  /* OSV ecosystem queried (owned) */
	int suppressed;		  /* by --ignore-file or --vex */
	char *suppress_reason;	  /* "ignore-file: <reason>", "vex:
				     not_affected (<justification>)" */
};

/* A secret found in a file of the image (secretscan.h).  The secret itself
 * is never stored: only its redacted form. */
struct scan_secret {
	char *rule_id;		/* "aws-access-key-id" */
	char *title;		/* "AWS Access Key ID" */
	int severity;		/* enum vuln_severity */
	char *path;		/* file, relative to the root */
	int layer;		/* index into info.layers, -1 rootfs */
	char layer_digest[80];	/* that layer's digest (diff_id when the
				   blob digest is unknown), "" rootfs */
	size_t line;		/* 1-based */
	char *match;		/* redacted: "AKIA****" */
	int suppressed;		/* the rule id is in --ignore-file */
	char *suppress_reason;
};

struct scan_result {
	char *target;		   /* the path scanned */
	struct image_info info;	   /* copy of the image's info; string
				      fields owned by the result */
	struct inventory inv;
	struct scan_finding *findings; /* sorted: severity desc, package,
					  id */
	size_t nfindings;
	struct scan_secret *secrets; /* sorted: severity desc, path, line,
					rule id */
	size_t nsecrets;
	struct bw_error *problems; /* non-fatal input problems */
	size_t nproblems;
	int incomplete;		   /* some input could not be read */
	time_t started;
	char db_path[512];
	char db_newest[40];	   /* newest record "modified" in the db */
};

/* Frees everything the result owns (not the struct itself). */
void scan_result_free(struct scan_result *r);

/* Adds a problem (copied). */
int scan_add_problem(struct scan_result *r, const struct bw_error *e);

/* --- suppression ----------------------------------------------------- */

struct scan_ignore {
	char *id;	 /* vulnerability id or alias */
	char *purl;	 /* optional: only for this package (purl without
			    version matches any version) */
	time_t expires;	 /* 0 = never */
	char *reason;
};

struct scan_vex {
	char *id;	     /* vulnerability id */
	char *product;	     /* purl, NULL = any */
	char *status;	     /* not_affected, fixed, affected,
				under_investigation */
	char *justification; /* may be NULL */
};

#define SCAN_SEV_UNKNOWN_BIT (1u << 8)

struct scan_filters {
	int min_severity;	/* enum vuln_severity; findings below are
				   dropped, and those of unknown severity
				   when it is above VULN_SEV_NONE */
	unsigned severity_set;	/* when non-zero, keep only findings whose
				   severity bit is set: 1u << enum
				   vuln_severity, SCAN_SEV_UNKNOWN_BIT for
				   unknown (Trivy's --severity HIGH,CRITICAL) */
	int ignore_unfixed;
	struct scan_ignore *ignores;
	size_t nignores;
	struct scan_vex *vex;
	size_t nvex;
	time_t now;
};

/* Reads an ignore file: a YAML or plain-text list.  Text: one id per
 * line, optionally "exp:YYYY-MM-DD" and "# reason".  YAML:
 *   vulnerabilities: [{id, purl?, expires?, reason?}]
 * Errors name the file, line and column.  Appends to f. */
int scan_load_ignore_file(struct scan_filters *f, const char *path,
			  struct bw_error *err);
/* Reads OpenVEX (statements[]) or CycloneDX VEX (vulnerabilities[] with
 * analysis.state); appends to f. */
int scan_load_vex(struct scan_filters *f, const char *path,
		  struct bw_error *err);
void scan_filters_free(struct scan_filters *f);

/* Marks suppressed findings and drops those below min_severity or unfixed
 * (when asked).  Secrets: an ignore entry whose id is the rule id (and
 * that has no purl) suppresses them; the severity filters apply. */
void scan_apply_filters(struct scan_result *r, const struct scan_filters *f);

/* 1 when an unsuppressed finding or secret is at or above fail_on (an enum
 * vuln_severity from LOW up).  A finding of unknown severity trips the
 * gate only when fail_on is VULN_SEV_NONE ("--fail-on unknown": any
 * finding fails). */
int scan_gate(const struct scan_result *r, int fail_on);

/* --- the scan ------------------------------------------------------- */

struct scan_opts {
	const char *platform;
	int rootfs;		/* the target is a directory tree */
	struct vulndb *db;	/* NULL: inventory only (sbom) */
	int secrets;		/* non-zero: also scan files for secrets */
};

/* Runs the scan.  Returns 0 (r->incomplete tells about partial input), or
 * a negative code when nothing could be scanned (image refused). */
int scan_run(const char *target, const struct scan_opts *o,
	     struct scan_result *r, struct bw_error *err);

#endif
