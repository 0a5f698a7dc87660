/*
 * db_int.h - internal interface of the OSV database (db_*.c, osv_record.c):
 * the open handle with its prepared statements, the record validator, and
 * the small normalisations import and matching must agree on (timestamps,
 * package names, ecosystem bases).
 */
#ifndef BW_VULNDB_DB_INT_H
#define BW_VULNDB_DB_INT_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "vulndb/db.h"

/* The schema this code writes (meta.schema_version, PRAGMA user_version). */
#define VULNDB_SCHEMA_VERSION 1

/* Largest JSON document (a record or an array of records) read from one
 * plain file; zip members are bounded by VULNDB_MAX_RECORD. */
#define VULNDB_MAX_DOCUMENT (256u << 20)
/* Deepest directory recursion during import. */
#define VULNDB_MAX_DIR_DEPTH 16
/* Longest record id, package name or ecosystem string stored. */
#define VULNDB_MAX_ID 256
#define VULNDB_MAX_NAME 1024
/* Most references / aliases reported in one merged match. */
#define VULNDB_MAX_MATCH_LIST 256
/* Longest normalised timestamp key: "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ". */
#define VULNDB_TIME_KEY 64

enum vulndb_stmt {
	STMT_GET_MODIFIED,
	STMT_DEL_AFFECTED,
	STMT_DEL_ALIASES,
	STMT_PUT_RECORD,
	STMT_PUT_AFFECTED,
	STMT_PUT_ALIAS,
	STMT_MATCH,
	STMT__COUNT
};

struct vulndb {
	sqlite3 *sql;
	sqlite3_stmt *stmt[STMT__COUNT]; /* prepared lazily, reused */
	char path[4096];
};

/* Prepares (once) and resets statement s.  NULL on error (err filled). */
sqlite3_stmt *vulndb_stmt(struct vulndb *db, enum vulndb_stmt s,
			  struct bw_error *err);

/* Records the SQLite error of db->sql in err and returns -EIO. */
int vulndb_sql_error(struct vulndb *db, const char *what, struct bw_error *err);

/* Runs SQL without results. */
int vulndb_exec(struct vulndb *db, const char *sql, struct bw_error *err);

/*
 * Checks a parsed record against the OSV schema as far as matching depends
 * on it.  On failure returns -EINVAL with "<json pointer>: <what>" in err
 * (input = label).
 */
int osv_record_check(const json_t *rec, const char *label,
		     struct bw_error *err);

/* Parses an RFC 3339 timestamp into a key that sorts as time does (UTC,
 * nanoseconds).  Returns 0 or -EINVAL. */
int osv_time_key(const char *s, char key[VULNDB_TIME_KEY]);

/* PEP 503 normalisation of a PyPI name into buf (lowercase, runs of
 * "-_." become "-").  Other ecosystems' names are copied unchanged. */
void osv_normalise_name(const char *eco_base, const char *name, char *buf,
			size_t len);

/* The base of an ecosystem ("Debian" for "Debian:12") into buf. */
void osv_eco_base(const char *eco, char *buf, size_t len);

#endif
