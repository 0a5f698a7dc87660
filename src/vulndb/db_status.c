/*
 * db_status.c - what the database holds: record counts, the time of the
 * last import, the newest record and per-ecosystem counts (for
 * `bulwark db status` and for scans to say how fresh their data is).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/db_int.h"

/* Runs a one-row query; the caller reads the columns, then finalizes. */
static int query_row(struct vulndb *db, const char *sql, sqlite3_stmt **ret,
		     struct bw_error *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
		return vulndb_sql_error(db, "reading the status", err);
	r = sqlite3_step(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		sqlite3_finalize(st);
		return vulndb_sql_error(db, "reading the status", err);
	}
	*ret = st;
	return r == SQLITE_ROW ? 1 : 0;
}

int vulndb_get_status(struct vulndb *db, struct vulndb_status *st,
		      struct bw_error *err)
{
	struct vulndb_status out = {0};
	sqlite3_stmt *q = NULL;
	size_t cap = 0;
	int r;

	if (!db || !st)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "no database");
	r = query_row(db, "SELECT count(*), count(withdrawn) FROM records", &q,
		      err);
	if (r < 0)
		return r;
	if (r) {
		out.records = (size_t)sqlite3_column_int64(q, 0);
		out.withdrawn = (size_t)sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	r = query_row(db, "SELECT value FROM meta WHERE key = 'last_import'",
		      &q, err);
	if (r < 0)
		return r;
	if (r)
		out.last_import = (time_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	r = query_row(db,
		      "SELECT modified FROM records ORDER BY modified_key DESC "
		      "LIMIT 1",
		      &q, err);
	if (r < 0)
		return r;
	if (r && sqlite3_column_text(q, 0))
		snprintf(out.newest_modified, sizeof(out.newest_modified), "%s",
			 (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	r = query_row(db,
		      "SELECT ecosystem, count(DISTINCT record_id), "
		      "count(DISTINCT name) FROM affected GROUP BY ecosystem "
		      "ORDER BY ecosystem",
		      &q, err);
	if (r < 0)
		return r;
	while (r == 1) {
		const char *eco = (const char *)sqlite3_column_text(q, 0);

		if (out.necos == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct vulndb_eco_count *n =
			    realloc(out.ecos, ncap * sizeof(*n));

			if (!n) {
				sqlite3_finalize(q);
				free(out.ecos);
				return bw_errorf(err, -ENOMEM, NULL, 0, 0,
						 "out of memory");
			}
			out.ecos = n;
			cap = ncap;
		}
		snprintf(out.ecos[out.necos].ecosystem,
			 sizeof(out.ecos[0].ecosystem), "%s", eco ? eco : "");
		out.ecos[out.necos].records =
		    (size_t)sqlite3_column_int64(q, 1);
		out.ecos[out.necos].packages =
		    (size_t)sqlite3_column_int64(q, 2);
		out.necos++;
		r = sqlite3_step(q);
		if (r == SQLITE_ROW)
			r = 1;
		else if (r == SQLITE_DONE)
			r = 0;
		else
			r = vulndb_sql_error(db, "reading the status", err);
	}
	sqlite3_finalize(q);
	if (r < 0) {
		free(out.ecos);
		return r;
	}
	*st = out;
	return 0;
}

void vulndb_status_free(struct vulndb_status *st)
{
	if (!st)
		return;
	free(st->ecos);
	st->ecos = NULL;
	st->necos = 0;
}
