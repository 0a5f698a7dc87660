/*
 * finding.h - the generic policy finding: one failed check about one
 * object (a Kubernetes manifest object, a host file, an RBAC subject),
 * shared by every producer of policy results (k8s best-practice checks,
 * Pod Security Standards, RBAC analysis, host benchmark) and rendered by
 * the same report layer as `bulwark scan` (report.h: report_write_policy).
 *
 * A finding says what failed (check id, severity, title, message), why it
 * matters and how to fix it (rationale, remediation), where (file,
 * document, line, object kind/namespace/name, container, field path), and
 * which compliance controls it maps to (framework/control pairs).  A
 * finding excepted by the user stays in the set with suppressed = 1 and
 * the reason, so reports can list it.
 *
 * Ownership: report_findings_add copies every string of the template into
 * the set's string pool (strings that findings repeat, such as a check's
 * rationale or an object's name, are stored once and shared); the set owns
 * its findings and rules and frees them with report_findings_free.  Bounded:
 * REPORT_MAX_FINDINGS findings, REPORT_MAX_FRAMEWORKS pairs per finding,
 * REPORT_MAX_TEXT bytes per string (longer input is cut at a UTF-8 boundary).
 */
#ifndef BW_REPORT_FINDING_H
#define BW_REPORT_FINDING_H

#include <stddef.h>

#include "common/error.h"
#include "vulndb/vulndb.h"

#define REPORT_MAX_FINDINGS 10000000
#define REPORT_MAX_FRAMEWORKS 16
#define REPORT_MAX_TEXT 4096
#define REPORT_MAX_PROBLEMS 10000

/* One compliance mapping, e.g. {"CIS Kubernetes Benchmark v1.8",
 * "5.2.2"}. */
struct report_framework_ref {
	const char *framework;
	const char *control;
};

/* Framework names used by the built-in checks (report columns key on
 * them). */
#define REPORT_FW_CIS "CIS Kubernetes Benchmark v1.8"
#define REPORT_FW_NSA "NSA/CISA Kubernetes Hardening Guide v1.2"
#define REPORT_FW_NIST "NIST SP 800-190"
#define REPORT_FW_PCI "PCI DSS 4.0"

struct report_finding {
	const char *id;	  /* "BW-K8S-001" */
	const char *name; /* short name "privileged-container", NULL */
	enum vuln_severity severity;
	const char *title;	 /* what the check wants, one line */
	const char *message;	 /* what was found, about this object */
	const char *remediation; /* may be NULL */
	const char *rationale;	 /* may be NULL */

	/* location: every field may be NULL / -1 when unknown */
	const char *file;
	int doc;  /* 0-based document index, -1 */
	int item; /* index in a List, -1 */
	int line; /* 1-based, 0 */
	const char *kind, *ns, *obj_name;
	const char *container; /* container name */
	const char *path;      /* field path "spec.template.spec...." */

	const struct report_framework_ref *frameworks;
	size_t nframeworks;

	int suppressed;
	const char *suppress_reason;
};

/* A check that ran (whether or not it found anything): lets SARIF list
 * every rule and JUnit report the passing ones.  Strings owned by the
 * set. */
struct report_rule {
	char *id, *name, *title, *rationale, *remediation;
	enum vuln_severity severity;
	struct report_framework_ref *frameworks;
	size_t nframeworks;
};

struct report_pool; /* finding.c: where the findings' strings live */

struct report_findings {
	struct report_finding *f; /* strings point into pool */
	struct report_pool *pool;
	size_t n, cap;
	struct report_rule *rules;
	size_t nrules, caprules;
	char *target;		   /* what was audited, e.g. the file list */
	size_t objects;		   /* objects evaluated */
	struct bw_error *problems; /* non-fatal input problems */
	size_t nproblems;
};

/* Appends a copy of f (all strings and frameworks copied).  0, -ENOMEM,
 * -E2BIG past REPORT_MAX_FINDINGS, -EINVAL without id. */
int report_findings_add(struct report_findings *s,
			const struct report_finding *f);
/* Appends a rule (copied); a second rule with the same id is ignored. */
int report_findings_add_rule(struct report_findings *s,
			     const struct report_finding *rule);
/* Adds an input problem (copied); beyond REPORT_MAX_PROBLEMS dropped. */
int report_findings_add_problem(struct report_findings *s,
				const struct bw_error *e);
int report_findings_set_target(struct report_findings *s, const char *t);
/* Sorts for reports: by file, document, item, object, then severity
 * (highest first), id, container, path. */
void report_findings_sort(struct report_findings *s);
/* 1 when an unsuppressed finding is at or above fail_on (LOW..CRITICAL);
 * fail_on NONE: any unsuppressed finding. */
int report_findings_gate(const struct report_findings *s,
			 enum vuln_severity fail_on);
/* Frees what the set owns (not the struct).  NULL is a no-op. */
void report_findings_free(struct report_findings *s);

/* "critical" .. "none" -> 0, else -EINVAL ("info" is none). */
int report_severity_parse(const char *s, enum vuln_severity *ret);

#endif
