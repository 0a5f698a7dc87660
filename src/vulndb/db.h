/*
 * db.h - the offline OSV vulnerability database: import of OSV records into
 * a local SQLite index and exact matching of installed packages.
 *
 * Import (vulndb_import_path): a single OSV JSON file, a directory (walked
 * recursively for *.json), or a zip archive such as the per-ecosystem
 * all.zip osv.dev publishes (read in place with libarchive, never
 * extracted).  A record is replaced when one with the same id and a newer or
 * equal "modified" is imported.  A malformed record is reported through the
 * warn callback (file, member, JSON line/column or the offending field) and
 * skipped; the import goes on.
 *
 * Matching (vulndb_match) follows the OSV schema 1.6 exactly:
 *   - affected[] entries whose package.ecosystem equals the query's
 *     ecosystem, or its base ("Debian" for "Debian:12"), and whose
 *     package.name equals the query's name (PyPI names compared after PEP
 *     503 normalisation);
 *   - a version is affected when it is listed in "versions", or falls in a
 *     range of type ECOSYSTEM or SEMVER: events sorted by version,
 *     introduced opens an interval, fixed (exclusive) / last_affected
 *     (inclusive) closes it, "limit" bounds the range; "0" is the lowest
 *     version.  GIT ranges are ignored (no commit to compare with);
 *   - withdrawn records never match;
 *   - records describing the same vulnerability (the record id or one of
 *     its aliases/upstream is the same CVE) are merged into one match whose
 *     id is the CVE id, with the other ids in aliases.
 *
 * Severity: the highest CVSS v4 / v3.x / v2 score computed from the
 * record's severity[] vectors (affected[].severity first, then the
 * record's), else a textual severity in database_specific /
 * ecosystem_specific ("severity", "urgency"), else unknown (-1.0 score).
 *
 * Fix state: FIXED when a fixed event above the installed version exists
 * (fixed_version = the lowest such), WONT_FIX when the record says so in
 * database_specific/ecosystem_specific (Debian "no-dsa"/"ignored"/
 * "unimportant"/"end-of-life", "will not fix"), else NOT_FIXED.
 *
 * Ownership: struct vulndb is owned by its opener, closed with
 * vulndb_close().  Match arrays are owned by the caller and freed with
 * vulndb_matches_free().  A struct vulndb is used by one thread at a time.
 */
#ifndef BW_VULNDB_DB_H
#define BW_VULNDB_DB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/error.h"
#include "vulndb/vulndb.h"

struct vulndb;

#define VULNDB_OPEN_READONLY 0
#define VULNDB_OPEN_CREATE 1 /* create the file (and its directory) */

/* Largest single OSV record accepted, bytes. */
#define VULNDB_MAX_RECORD (8u << 20)

/* The default path: $BULWARK_DB, else $XDG_CACHE_HOME/bulwark/db.sqlite,
 * else ~/.cache/bulwark/db.sqlite.  Writes into buf, returns buf. */
const char *vulndb_default_path(char *buf, size_t len);

/* Opens (or creates) a database.  -ENOENT when it does not exist and
 * CREATE was not given; -EINVAL when the file is not a Bulwark database
 * or has a newer schema. */
int vulndb_open(const char *path, int flags, struct vulndb **ret,
		struct bw_error *err);
void vulndb_close(struct vulndb *db);

struct vulndb_import_stats {
	size_t files;	  /* JSON documents read */
	size_t records;	  /* records stored (new or replaced) */
	size_t unchanged; /* not newer than the stored copy */
	size_t invalid;	  /* rejected, reported through warn */
	size_t withdrawn; /* stored but withdrawn */
};

typedef void (*vulndb_warn_fn)(void *ctx, const struct bw_error *err);

/* Imports a file, directory or zip.  One transaction per call.  Returns 0
 * (even when some records were invalid: see stats), or a negative code
 * when the path could not be read at all. */
int vulndb_import_path(struct vulndb *db, const char *path,
		       struct vulndb_import_stats *stats, vulndb_warn_fn warn,
		       void *ctx, struct bw_error *err);

/* Imports one JSON document (a record, or an array of records) from
 * memory; label names it in messages.  Used by import_path and fuzzers. */
int vulndb_import_json(struct vulndb *db, const char *buf, size_t len,
		       const char *label, struct vulndb_import_stats *stats,
		       vulndb_warn_fn warn, void *ctx, struct bw_error *err);

/*
 * Validates one OSV record without a database: 0 when it is a well-formed
 * record this matcher can use, -EINVAL with a message naming the field
 * otherwise.  (Used by tests against the osv-schema fixtures.)
 */
int vulndb_validate_record(const char *buf, size_t len, const char *label,
			   struct bw_error *err);

struct vulndb_eco_count {
	char ecosystem[64];
	size_t records;	 /* records with an affected[] entry in it */
	size_t packages; /* distinct package names */
};

struct vulndb_status {
	size_t records, withdrawn;
	time_t last_import;	/* 0 never */
	char newest_modified[40]; /* the newest record "modified" */
	struct vulndb_eco_count *ecos; /* caller frees */
	size_t necos;
};
int vulndb_get_status(struct vulndb *db, struct vulndb_status *st,
		      struct bw_error *err);

enum vuln_fix_state {
	VULN_FIX_FIXED,
	VULN_FIX_NOT_FIXED,
	VULN_FIX_WONT_FIX,
};

struct vuln_match {
	char *id;	   /* the CVE id when known, else the record id */
	char **aliases;	   /* the other ids (record ids, GHSA, DSA...) */
	size_t naliases;
	char *summary;	   /* may be NULL */
	char *details;	   /* may be NULL */
	double score;	   /* 0.0-10.0, -1 when unknown */
	enum vuln_severity severity; /* VULN_SEV_NONE when unknown and
					unscored */
	int severity_known;
	char *cvss_vector; /* the vector the score came from, may be NULL */
	enum vuln_fix_state fix_state;
	char *fixed_version; /* lowest fix above the installed version */
	char *published, *modified; /* RFC 3339, may be NULL */
	char **references;   /* URLs */
	size_t nreferences;
};

/* Matches one installed package.  eco is an OSV ecosystem ("Debian:12",
 * "PyPI", ...).  Writes a new array (possibly empty: *ret may be NULL and
 * *n 0) sorted by id. */
int vulndb_match(struct vulndb *db, const char *eco, const char *name,
		 const char *version, struct vuln_match **ret, size_t *n,
		 struct bw_error *err);

void vulndb_matches_free(struct vuln_match *m, size_t n);
void vulndb_status_free(struct vulndb_status *st);

#endif
