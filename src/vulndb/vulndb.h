/*
 * vulndb.h - the vulnerability database subsystem: what the image scanner
 * needs to decide whether an installed package version is affected by an
 * OSV record.
 *
 * This first part holds the two pieces of exact semantics every match
 * depends on:
 *
 *  - version ordering per ecosystem (vuln_version_compare): Debian/Ubuntu
 *    dpkg, Alpine apk, rpm (Red Hat, AlmaLinux, Rocky), PEP 440 (PyPI),
 *    SemVer 2.0.0 (npm, crates.io, OSV "SEMVER" ranges), Go module versions
 *    and Maven's ComparableVersion.  Each follows the ecosystem's own tool,
 *    not a generic "split on dots" guess; docs/scan.md lists the rules.
 *  - CVSS scoring (vuln_cvss_score): the base score of a CVSS v2, v3.0,
 *    v3.1 or v4.0 vector string, and its severity band.
 *
 * Conventions: functions return 0 or a negative errno code (-EINVAL for
 * malformed input, -E2BIG for input over the limits below) and describe the
 * failure in the caller's struct bw_error, naming the input and the byte
 * position.  Out-parameters are written only on success.  Nothing here
 * allocates, keeps state between calls or prints; every function is safe
 * to call from any thread.  Version strings are length-carrying and need
 * not be NUL-terminated; an embedded NUL byte is an error.
 */
#ifndef BW_VULNDB_VULNDB_H
#define BW_VULNDB_VULNDB_H

#include <stddef.h>

#include "common/error.h"

/* Longest version string accepted by vuln_version_compare, in bytes. */
#define VULNDB_MAX_VERSION 1024
/* Longest CVSS vector string accepted by vuln_cvss_score, in bytes. */
#define VULNDB_MAX_CVSS_VECTOR 512

/* Version-ordering schemes.  Several OSV ecosystems share one scheme. */
enum vuln_ecosystem {
	VULN_ECO_DPKG,	 /* Debian, Ubuntu: Debian Policy 5.6.12 */
	VULN_ECO_APK,	 /* Alpine, Wolfi, Chainguard: apk-tools */
	VULN_ECO_RPM,	 /* Red Hat, AlmaLinux, Rocky Linux, SUSE: rpmvercmp */
	VULN_ECO_PEP440, /* PyPI */
	VULN_ECO_SEMVER, /* OSV "SEMVER" ranges: SemVer 2.0.0 */
	VULN_ECO_NPM,	 /* npm: SemVer 2.0.0 */
	VULN_ECO_GO,	 /* Go modules: SemVer with a "v" prefix */
	VULN_ECO_MAVEN,	 /* Maven: ComparableVersion (maven-artifact 3.8) */
	VULN_ECO_CRATES, /* crates.io: SemVer 2.0.0 */
	VULN_ECO__COUNT
};

enum vuln_severity {
	VULN_SEV_NONE,	   /* 0.0 */
	VULN_SEV_LOW,	   /* 0.1 - 3.9 */
	VULN_SEV_MEDIUM,   /* 4.0 - 6.9 */
	VULN_SEV_HIGH,	   /* 7.0 - 8.9 */
	VULN_SEV_CRITICAL, /* 9.0 - 10.0 */
};

/*
 * Parses an OSV ecosystem name ("Debian", "Alpine", "Red Hat", "PyPI",
 * "npm", "Go", "Maven", "crates.io", "SemVer", ...), case-insensitively.
 * A ":suffix" such as the release in "Debian:12" or "Alpine:v3.19" is
 * ignored.  Returns 0 and sets *ret, or -ENOENT for an unknown ecosystem
 * (and -EINVAL for a NULL name).
 */
int vuln_ecosystem_parse(const char *name, enum vuln_ecosystem *ret);

/* The canonical short name of a scheme ("dpkg", "apk", "pep440", ...). */
const char *vuln_ecosystem_name(enum vuln_ecosystem eco);

/*
 * Compares versions a and b under the rules of eco and writes -1, 0 or 1
 * to *ret_cmp (a < b, a == b, a > b).  Returns 0, or a negative code with a
 * message naming the invalid version and the byte position of the problem:
 * -EINVAL for a version the ecosystem rejects, -E2BIG over
 * VULNDB_MAX_VERSION, -ENOENT for an unknown eco.
 *
 * Where the ecosystem's own tool never rejects a version, neither does this
 * function (only empty, over-long or NUL-containing strings are errors):
 * rpm (rpmvercmp orders any string), Maven (ComparableVersion parses any
 * string), apk (apk-tools orders versions that fail its validation, an
 * invalid part sorting after the end of a version) and PyPI (non-PEP 440
 * strings are "legacy" versions sorting before all PEP 440 ones, as in
 * packaging < 22).  dpkg and SemVer/npm/Go/crates.io reject malformed
 * versions.
 * The relation is a total preorder: antisymmetric and transitive.
 */
int vuln_version_compare(enum vuln_ecosystem eco, const char *a, size_t alen,
			 const char *b, size_t blen, int *ret_cmp,
			 struct bw_error *err);

/*
 * Computes the score of a CVSS vector string:
 *   "CVSS:3.0/..." and "CVSS:3.1/..."   base score (temporal and
 *                                       environmental metrics are
 *                                       validated but do not change it)
 *   "CVSS:4.0/..."                      the CVSS v4.0 score of the vector
 *                                       (CVSS-B, or CVSS-BT/BE/BTE when the
 *                                       vector carries threat or
 *                                       environmental metrics), by FIRST's
 *                                       MacroVector lookup + interpolation
 *   "AV:N/AC:L/Au:N/C:P/I:P/A:P"        CVSS v2 base score (optionally in
 *                                       parentheses or after "CVSS:2.0/")
 * Writes the score (0.0 - 10.0, one decimal) and its severity band.
 * Returns 0, -EINVAL with a message naming the metric for a malformed
 * vector (missing mandatory metric, duplicate, unknown metric or value),
 * or -E2BIG over VULNDB_MAX_CVSS_VECTOR.  ret_sev may be NULL.
 */
int vuln_cvss_score(const char *vector, double *ret_score,
		    enum vuln_severity *ret_sev, struct bw_error *err);

/* The severity band of a score (None 0, Low 0.1-3.9, ..., Critical 9+). */
enum vuln_severity vuln_severity_from_score(double score);

/* "none", "low", "medium", "high", "critical". */
const char *vuln_severity_name(enum vuln_severity sev);

#endif
