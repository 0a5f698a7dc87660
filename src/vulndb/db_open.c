/*
 * db_open.c - opening the OSV database: the default path, the SQLite schema
 * and its version check, and the prepared statements import reuses.
 *
 * Layout (schema version 1, also in PRAGMA user_version):
 *   meta(key, value)          schema_version, last_import (unix seconds)
 *   records(id, ...)          one row per OSV record; modified_key is the
 *                             "modified" timestamp normalised so that text
 *                             order is time order; the JSON columns keep
 *                             what matching and reports need
 *   affected(record_id, ...)  one row per affected[] entry with a package,
 *                             indexed by (eco_base, name): a query for
 *                             "Debian:12" reads the "Debian" base and keeps
 *                             the rows whose ecosystem is "Debian:12" or
 *                             "Debian"; PyPI names are stored normalised
 *   aliases(alias, record_id) the record's aliases, for lookups by CVE id
 * The journal stays in SQLite's default (rollback) mode: the database is
 * written by one import at a time and read by scans, and a single file is
 * easier to ship and copy than a WAL pair.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vulndb/db_int.h"

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS records("
    " id TEXT PRIMARY KEY, modified TEXT NOT NULL,"
    " modified_key TEXT NOT NULL, withdrawn TEXT, published TEXT,"
    " summary TEXT, details TEXT, severity_json TEXT, aliases_json TEXT,"
    " upstream_json TEXT, references_json TEXT, specific_json TEXT);"
    "CREATE TABLE IF NOT EXISTS affected("
    " record_id TEXT NOT NULL, ecosystem TEXT NOT NULL,"
    " eco_base TEXT NOT NULL, name TEXT NOT NULL, ranges_json TEXT,"
    " versions_json TEXT, specific_json TEXT, severity_json TEXT);"
    "CREATE INDEX IF NOT EXISTS affected_pkg ON affected(eco_base, name);"
    "CREATE INDEX IF NOT EXISTS affected_rec ON affected(record_id);"
    "CREATE TABLE IF NOT EXISTS aliases("
    " alias TEXT NOT NULL, record_id TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS aliases_alias ON aliases(alias);"
    "CREATE INDEX IF NOT EXISTS aliases_rec ON aliases(record_id);"
    "INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '1');"
    "PRAGMA user_version = 1;";

static const char *const stmt_sql[STMT__COUNT] = {
    [STMT_GET_MODIFIED] = "SELECT modified_key FROM records WHERE id = ?1",
    [STMT_DEL_AFFECTED] = "DELETE FROM affected WHERE record_id = ?1",
    [STMT_DEL_ALIASES] = "DELETE FROM aliases WHERE record_id = ?1",
    [STMT_PUT_RECORD] =
	"INSERT OR REPLACE INTO records(id, modified, modified_key, "
	"withdrawn, published, summary, details, severity_json, "
	"aliases_json, upstream_json, references_json, specific_json) "
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [STMT_PUT_AFFECTED] =
	"INSERT INTO affected(record_id, ecosystem, eco_base, name, "
	"ranges_json, versions_json, specific_json, severity_json) "
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [STMT_PUT_ALIAS] = "INSERT INTO aliases(alias, record_id) VALUES(?1, ?2)",
    [STMT_MATCH] =
	"SELECT a.record_id, a.ranges_json, a.versions_json, "
	"a.specific_json, a.severity_json, r.modified, r.modified_key, "
	"r.published, r.summary, r.details, r.severity_json, "
	"r.aliases_json, r.upstream_json, r.references_json, "
	"r.specific_json FROM affected a JOIN records r ON r.id = "
	"a.record_id WHERE a.eco_base = ?1 AND a.name = ?2 AND "
	"(a.ecosystem = ?3 OR a.ecosystem = ?1) AND r.withdrawn IS NULL "
	"ORDER BY a.record_id",
};

const char *vulndb_default_path(char *buf, size_t len)
{
	const char *env = getenv("BULWARK_DB");

	if (!buf || !len)
		return buf;
	if (env && *env)
		snprintf(buf, len, "%s", env);
	else if ((env = getenv("XDG_CACHE_HOME")) && *env)
		snprintf(buf, len, "%s/bulwark/db.sqlite", env);
	else if ((env = getenv("HOME")) && *env)
		snprintf(buf, len, "%s/.cache/bulwark/db.sqlite", env);
	else
		snprintf(buf, len, ".cache/bulwark/db.sqlite");
	return buf;
}

int vulndb_sql_error(struct vulndb *db, const char *what, struct bw_error *err)
{
	return bw_errorf(err, -EIO, db->path, 0, 0, "%s: %s", what,
			 sqlite3_errmsg(db->sql));
}

int vulndb_exec(struct vulndb *db, const char *sql, struct bw_error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db->sql, sql, NULL, NULL, &msg) != SQLITE_OK) {
		bw_errorf(err, -EIO, db->path, 0, 0, "%s",
			  msg ? msg : sqlite3_errmsg(db->sql));
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

sqlite3_stmt *vulndb_stmt(struct vulndb *db, enum vulndb_stmt s,
			  struct bw_error *err)
{
	if (!db->stmt[s] &&
	    sqlite3_prepare_v3(db->sql, stmt_sql[s], -1,
			       SQLITE_PREPARE_PERSISTENT, &db->stmt[s],
			       NULL) != SQLITE_OK) {
		vulndb_sql_error(db, "preparing a statement", err);
		return NULL;
	}
	sqlite3_reset(db->stmt[s]);
	sqlite3_clear_bindings(db->stmt[s]);
	return db->stmt[s];
}

/* mkdir -p of path's directory. */
static int make_parent_dirs(const char *path, struct bw_error *err)
{
	char dir[PATH_MAX];
	size_t n;

	n = (size_t)snprintf(dir, sizeof(dir), "%s", path);
	if (n >= sizeof(dir))
		return bw_errorf(err, -ENAMETOOLONG, path, 0, 0,
				 "path too long");
	while (n > 0 && dir[n - 1] != '/')
		n--;
	if (n <= 1)
		return 0;
	dir[n - 1] = 0;
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(dir, 0755) && errno != EEXIST)
			return bw_errorf(err, -errno, dir, 0, 0,
					 "cannot create directory: %s",
					 strerror(errno));
		*p = '/';
	}
	if (mkdir(dir, 0755) && errno != EEXIST)
		return bw_errorf(err, -errno, dir, 0, 0,
				 "cannot create directory: %s",
				 strerror(errno));
	return 0;
}

/* Reads PRAGMA user_version and whether any table exists.  -EINVAL when
 * the file is not an SQLite database. */
static int read_version(struct vulndb *db, int *ret_version, int *ret_tables,
			struct bw_error *err)
{
	sqlite3_stmt *st = NULL;
	int version = 0, tables = 0;

	if (sqlite3_prepare_v2(db->sql, "PRAGMA user_version", -1, &st, NULL) !=
		SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return bw_errorf(err, -EINVAL, db->path, 0, 0,
				 "not a Bulwark database: %s",
				 sqlite3_errmsg(db->sql));
	}
	version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db->sql,
			       "SELECT count(*) FROM sqlite_master WHERE "
			       "type = 'table'",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return bw_errorf(err, -EINVAL, db->path, 0, 0,
				 "not a Bulwark database: %s",
				 sqlite3_errmsg(db->sql));
	}
	tables = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	*ret_version = version;
	*ret_tables = tables;
	return 0;
}

static int check_meta(struct vulndb *db, struct bw_error *err)
{
	sqlite3_stmt *st = NULL;
	int ok;

	ok = sqlite3_prepare_v2(db->sql,
				"SELECT value FROM meta WHERE key = "
				"'schema_version'",
				-1, &st, NULL) == SQLITE_OK &&
	     sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!ok)
		return bw_errorf(err, -EINVAL, db->path, 0, 0,
				 "not a Bulwark database (no schema "
				 "version)");
	return 0;
}

int vulndb_open(const char *path, int flags, struct vulndb **ret,
		struct bw_error *err)
{
	bool memory = path && !strcmp(path, ":memory:");
	bool create = flags & VULNDB_OPEN_CREATE;
	struct vulndb *db;
	struct stat sb;
	int version = 0, tables = 0, r, oflags;

	if (!path || !*path || !ret)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "no database path");
	if (!memory && stat(path, &sb)) {
		if (errno != ENOENT || !create)
			return bw_errorf(err, -errno, path, 0, 0,
					 "cannot open the database: %s",
					 errno == ENOENT
					     ? "it does not exist (run "
					       "'bulwark db import' first)"
					     : strerror(errno));
		r = make_parent_dirs(path, err);
		if (r)
			return r;
	} else if (!memory && !S_ISREG(sb.st_mode)) {
		return bw_errorf(err, -EINVAL, path, 0, 0,
				 "not a Bulwark database (not a file)");
	}
	db = calloc(1, sizeof(*db));
	if (!db)
		return bw_errorf(err, -ENOMEM, path, 0, 0, "out of memory");
	snprintf(db->path, sizeof(db->path), "%s", path);
	oflags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
			: SQLITE_OPEN_READONLY;
	if (sqlite3_open_v2(path, &db->sql, oflags | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		r = bw_errorf(
		    err, -EIO, path, 0, 0, "cannot open the database: %s",
		    db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db->sql, 5000);
	r = read_version(db, &version, &tables, err);
	if (r)
		goto fail;
	if (version > VULNDB_SCHEMA_VERSION) {
		r = bw_errorf(err, -EINVAL, path, 0, 0,
			      "database schema %d is newer than this "
			      "bulwark's (%d): upgrade bulwark",
			      version, VULNDB_SCHEMA_VERSION);
		goto fail;
	}
	if (version == 0 && tables > 0) {
		r = bw_errorf(err, -EINVAL, path, 0, 0,
			      "not a Bulwark database (an SQLite file with "
			      "other tables)");
		goto fail;
	}
	if (version == 0) {
		if (!create) {
			r = bw_errorf(err, -EINVAL, path, 0, 0,
				      "not a Bulwark database (empty)");
			goto fail;
		}
		r = vulndb_exec(db, schema_sql, err);
		if (r)
			goto fail;
	}
	r = check_meta(db, err);
	if (r)
		goto fail;
	*ret = db;
	return 0;
fail:
	vulndb_close(db);
	return r;
}

void vulndb_close(struct vulndb *db)
{
	if (!db)
		return;
	for (int i = 0; i < STMT__COUNT; i++)
		sqlite3_finalize(db->stmt[i]);
	sqlite3_close(db->sql);
	free(db);
}
