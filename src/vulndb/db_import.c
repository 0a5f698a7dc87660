/*
 * db_import.c - importing OSV records into the database: one JSON record
 * or array of records from memory, a file, a directory tree of *.json
 * files, or a zip archive (osv.dev's per-ecosystem all.zip) read member by
 * member with libarchive, never extracted.
 *
 * Every public call runs in one transaction and reuses the prepared
 * statements of struct vulndb, so a full osv.dev export imports in
 * seconds: the cost is jansson parsing each record once plus a handful of
 * inserts.  A record replaces the stored one with the same id when its
 * "modified" is newer or equal (timestamps compared as times, not text).
 * Invalid records are reported through the warn callback and skipped; only
 * an unreadable path or a database failure stops an import.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vulndb/db_int.h"

struct import_ctx {
	struct vulndb *db;
	struct vulndb_import_stats *stats;
	vulndb_warn_fn warn;
	void *warn_ctx;
};

static void warn(struct import_ctx *ic, const struct bw_error *e)
{
	if (ic->warn)
		ic->warn(ic->warn_ctx, e);
}

static void warnf(struct import_ctx *ic, const char *input, const char *fmt,
		  ...) __attribute__((format(printf, 3, 4)));
static void warnf(struct import_ctx *ic, const char *input, const char *fmt,
		  ...)
{
	struct bw_error e = {0};
	va_list ap;

	e.code = -EINVAL;
	snprintf(e.input, sizeof(e.input), "%s", input ? input : "");
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	warn(ic, &e);
}

static const char *str_of(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* Binds a member serialised as compact JSON, or NULL when absent/empty. */
static int bind_json(sqlite3_stmt *st, int i, const json_t *v)
{
	char *s;

	if (!v || json_is_null(v) ||
	    ((json_is_array(v) && !json_array_size(v)) ||
	     (json_is_object(v) && !json_object_size(v))))
		return sqlite3_bind_null(st, i);
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!s)
		return SQLITE_NOMEM;
	return sqlite3_bind_text(st, i, s, -1, free);
}

static int bind_str(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC)
		 : sqlite3_bind_null(st, i);
}

static int step_done(struct vulndb *db, sqlite3_stmt *st, struct bw_error *err)
{
	int r = sqlite3_step(st);

	sqlite3_reset(st);
	if (r != SQLITE_DONE)
		return vulndb_sql_error(db, "writing a record", err);
	return 0;
}

/* Stored modified_key of id: 1 found (written to key), 0 absent, <0. */
static int stored_key(struct vulndb *db, const char *id,
		      char key[VULNDB_TIME_KEY], struct bw_error *err)
{
	sqlite3_stmt *st = vulndb_stmt(db, STMT_GET_MODIFIED, err);
	int r;

	if (!st)
		return -EIO;
	bind_str(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		const unsigned char *k = sqlite3_column_text(st, 0);

		snprintf(key, VULNDB_TIME_KEY, "%s", k ? (const char *)k : "");
		sqlite3_reset(st);
		return 1;
	}
	sqlite3_reset(st);
	if (r != SQLITE_DONE)
		return vulndb_sql_error(db, "reading a record", err);
	return 0;
}

static int delete_rows(struct vulndb *db, const char *id, struct bw_error *err)
{
	static const enum vulndb_stmt dels[] = {STMT_DEL_AFFECTED,
						STMT_DEL_ALIASES};

	for (size_t i = 0; i < 2; i++) {
		sqlite3_stmt *st = vulndb_stmt(db, dels[i], err);

		if (!st)
			return -EIO;
		bind_str(st, 1, id);
		if (step_done(db, st, err))
			return -EIO;
	}
	return 0;
}

static int put_affected(struct vulndb *db, const char *id, const json_t *aff,
			struct bw_error *err)
{
	const json_t *pkg = json_object_get(aff, "package"), *spec, *dbspec;
	json_t *both = NULL;
	int r;
	char base[VULNDB_MAX_ID + 1], name[VULNDB_MAX_NAME + 1];
	const char *eco;
	sqlite3_stmt *st;

	if (!pkg) /* GIT-only entries: nothing a package can match */
		return 0;
	eco = str_of(pkg, "ecosystem");
	osv_eco_base(eco, base, sizeof(base));
	osv_normalise_name(base, str_of(pkg, "name"), name, sizeof(name));
	st = vulndb_stmt(db, STMT_PUT_AFFECTED, err);
	if (!st)
		return -EIO;
	bind_str(st, 1, id);
	bind_str(st, 2, eco);
	sqlite3_bind_text(st, 3, base, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, name, -1, SQLITE_TRANSIENT);
	/* database_specific of the entry is kept with ecosystem_specific:
	 * both can carry fix states and textual severities. */
	spec = json_object_get(aff, "ecosystem_specific");
	dbspec = json_object_get(aff, "database_specific");
	if (spec && dbspec) {
		both = json_pack("{sOsO}", "ecosystem_specific", spec,
				 "database_specific", dbspec);
		spec = both;
	} else if (dbspec) {
		spec = dbspec;
	}
	r = bind_json(st, 5, json_object_get(aff, "ranges")) ||
	    bind_json(st, 6, json_object_get(aff, "versions")) ||
	    bind_json(st, 7, spec) ||
	    bind_json(st, 8, json_object_get(aff, "severity"));
	json_decref(both);
	if (r)
		return bw_errorf(err, -ENOMEM, db->path, 0, 0, "out of memory");
	return step_done(db, st, err);
}

static int put_record(struct vulndb *db, const json_t *rec, const char *key,
		      struct bw_error *err)
{
	const char *id = str_of(rec, "id");
	sqlite3_stmt *st = vulndb_stmt(db, STMT_PUT_RECORD, err);
	const json_t *arr, *v;
	size_t i;

	if (!st)
		return -EIO;
	bind_str(st, 1, id);
	bind_str(st, 2, str_of(rec, "modified"));
	sqlite3_bind_text(st, 3, key, -1, SQLITE_TRANSIENT);
	bind_str(st, 4, str_of(rec, "withdrawn"));
	bind_str(st, 5, str_of(rec, "published"));
	bind_str(st, 6, str_of(rec, "summary"));
	bind_str(st, 7, str_of(rec, "details"));
	if (bind_json(st, 8, json_object_get(rec, "severity")) ||
	    bind_json(st, 9, json_object_get(rec, "aliases")) ||
	    bind_json(st, 10, json_object_get(rec, "upstream")) ||
	    bind_json(st, 11, json_object_get(rec, "references")) ||
	    bind_json(st, 12, json_object_get(rec, "database_specific")))
		return bw_errorf(err, -ENOMEM, db->path, 0, 0, "out of memory");
	if (step_done(db, st, err))
		return -EIO;
	json_array_foreach(json_object_get(rec, "affected"), i, v)
	{
		if (put_affected(db, id, v, err))
			return -EIO;
	}
	arr = json_object_get(rec, "aliases");
	json_array_foreach(arr, i, v)
	{
		st = vulndb_stmt(db, STMT_PUT_ALIAS, err);
		if (!st)
			return -EIO;
		bind_str(st, 1, json_string_value(v));
		bind_str(st, 2, id);
		if (step_done(db, st, err))
			return -EIO;
	}
	return 0;
}

/* Imports one parsed record.  Invalid records are warned about and
 * counted; only database errors are returned. */
static int import_record(struct import_ctx *ic, const json_t *rec,
			 const char *label, struct bw_error *err)
{
	char key[VULNDB_TIME_KEY], old[VULNDB_TIME_KEY];
	struct bw_error e = {0};
	const char *id;
	int r;

	if (osv_record_check(rec, label, &e)) {
		ic->stats->invalid++;
		warn(ic, &e);
		return 0;
	}
	id = str_of(rec, "id");
	if (osv_time_key(str_of(rec, "modified"), key))
		return 0; /* checked above */
	r = stored_key(ic->db, id, old, err);
	if (r < 0)
		return r;
	if (r == 1 && strcmp(old, key) > 0) {
		ic->stats->unchanged++;
		return 0;
	}
	if (r == 1 && delete_rows(ic->db, id, err))
		return -EIO;
	if (put_record(ic->db, rec, key, err))
		return -EIO;
	ic->stats->records++;
	if (json_object_get(rec, "withdrawn"))
		ic->stats->withdrawn++;
	return 0;
}

static int import_doc(struct import_ctx *ic, const char *buf, size_t len,
		      const char *label, struct bw_error *err)
{
	json_error_t jerr;
	json_t *doc, *rec;
	size_t i;
	int r = 0;

	ic->stats->files++;
	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		struct bw_error e = {0};

		bw_errorf(&e, -EINVAL, label, jerr.line, jerr.column,
			  "invalid JSON: %s", jerr.text);
		ic->stats->invalid++;
		warn(ic, &e);
		return 0;
	}
	if (!json_is_array(doc)) {
		r = import_record(ic, doc, label, err);
		json_decref(doc);
		return r;
	}
	json_array_foreach(doc, i, rec)
	{
		char sub[300];

		snprintf(sub, sizeof(sub), "%s[%zu]", label, i);
		r = import_record(ic, rec, sub, err);
		if (r)
			break;
	}
	json_decref(doc);
	return r;
}

static int begin(struct vulndb *db, bool *own, struct bw_error *err)
{
	*own = sqlite3_get_autocommit(db->sql) != 0;
	if (!*own)
		return 0;
	/* A whole export is one transaction: a larger page cache keeps
	 * SQLite from spilling dirty pages to disk halfway through. */
	vulndb_exec(db, "PRAGMA cache_size = -65536", NULL);
	return vulndb_exec(db, "BEGIN IMMEDIATE", err);
}

static int finish(struct vulndb *db, bool own, int r, struct bw_error *err)
{
	char sql[128];

	if (!own)
		return r;
	if (r) {
		vulndb_exec(db, "ROLLBACK", NULL);
		return r;
	}
	snprintf(sql, sizeof(sql),
		 "INSERT OR REPLACE INTO meta(key, value) "
		 "VALUES('last_import', '%lld')",
		 (long long)time(NULL));
	r = vulndb_exec(db, sql, err);
	if (!r)
		r = vulndb_exec(db, "COMMIT", err);
	if (r)
		vulndb_exec(db, "ROLLBACK", NULL);
	return r;
}

int vulndb_import_json(struct vulndb *db, const char *buf, size_t len,
		       const char *label, struct vulndb_import_stats *stats,
		       vulndb_warn_fn warn_fn, void *ctx, struct bw_error *err)
{
	struct vulndb_import_stats local = {0};
	struct import_ctx ic = {db, stats ? stats : &local, warn_fn, ctx};
	bool own;
	int r;

	if (!db || !buf)
		return bw_errorf(err, -EINVAL, label, 0, 0, "no input");
	memset(ic.stats, 0, sizeof(*ic.stats));
	r = begin(db, &own, err);
	if (r)
		return r;
	r = import_doc(&ic, buf, len, label ? label : "<input>", err);
	return finish(db, own, r, err);
}

/* Reads a whole file, at most max bytes. */
static int read_file(const char *path, size_t max, char **ret, size_t *ret_len,
		     struct bw_error *err)
{
	size_t cap = 0, n = 0;
	char *buf = NULL;
	struct stat sb;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bw_errorf(err, -errno, path, 0, 0, "cannot open: %s",
				 strerror(errno));
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
		cap = (size_t)sb.st_size + 2; /* room to read the EOF */
	if (cap && (size_t)sb.st_size > max) {
		close(fd);
		return bw_errorf(err, -E2BIG, path, 0, 0,
				 "file is %lld bytes, the limit is %zu",
				 (long long)sb.st_size, max);
	}
	for (;;) {
		ssize_t got;

		if (!buf || n + 1 >= cap) {
			size_t ncap = !buf && cap ? cap : cap ? cap * 2 : 65536;
			char *nb;

			if (ncap > max + 1)
				ncap = max + 1;
			if (n + 1 >= ncap) {
				free(buf);
				close(fd);
				return bw_errorf(err, -E2BIG, path, 0, 0,
						 "file is over the limit of "
						 "%zu bytes",
						 max);
			}
			nb = realloc(buf, ncap);
			if (!nb) {
				free(buf);
				close(fd);
				return bw_errorf(err, -ENOMEM, path, 0, 0,
						 "out of memory");
			}
			buf = nb;
			cap = ncap;
		}
		got = read(fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;

			free(buf);
			close(fd);
			return bw_errorf(err, -e, path, 0, 0, "cannot read: %s",
					 strerror(e));
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	if (!buf && !(buf = malloc(1)))
		return bw_errorf(err, -ENOMEM, path, 0, 0, "out of memory");
	buf[n] = 0;
	*ret = buf;
	*ret_len = n;
	return 0;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcasecmp(s + n - m, suf);
}

/* Imports the *.json members of a zip archive, streaming. */
static int import_zip(struct import_ctx *ic, const char *path,
		      struct bw_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ent;
	size_t cap = 0, members = 0;
	char *buf = NULL;
	int r = 0;

	if (!a)
		return bw_errorf(err, -ENOMEM, path, 0, 0, "out of memory");
	archive_read_support_format_zip(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		r = bw_errorf(err, -EINVAL, path, 0, 0, "cannot read zip: %s",
			      archive_error_string(a));
		archive_read_free(a);
		return r;
	}
	for (;;) {
		char label[600];
		const char *name;
		size_t n = 0;
		int hr = archive_read_next_header(a, &ent);

		if (hr == ARCHIVE_EOF)
			break;
		if (hr < ARCHIVE_WARN) {
			if (!members) {
				r = bw_errorf(err, -EINVAL, path, 0, 0,
					      "cannot read zip: %s",
					      archive_error_string(a));
				break;
			}
			warnf(ic, path, "zip stops being readable: %s",
			      archive_error_string(a));
			break;
		}
		members++;
		name = archive_entry_pathname(ent);
		if (!name || archive_entry_filetype(ent) != AE_IFREG ||
		    !has_suffix(name, ".json"))
			continue;
		snprintf(label, sizeof(label), "%s:%s", path, name);
		if (archive_entry_size_is_set(ent) &&
		    archive_entry_size(ent) > (la_int64_t)VULNDB_MAX_RECORD) {
			ic->stats->invalid++;
			warnf(ic, label,
			      "record is %lld bytes, the limit is %u",
			      (long long)archive_entry_size(ent),
			      VULNDB_MAX_RECORD);
			continue;
		}
		for (;;) {
			la_ssize_t got;

			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 65536;
				char *nb;

				if (cap > VULNDB_MAX_RECORD)
					break;
				if (ncap > VULNDB_MAX_RECORD + 1)
					ncap = VULNDB_MAX_RECORD + 1;
				nb = realloc(buf, ncap);
				if (!nb) {
					r = bw_errorf(err, -ENOMEM, path, 0, 0,
						      "out of memory");
					goto out;
				}
				buf = nb;
				cap = ncap;
			}
			got = archive_read_data(a, buf + n, cap - n);
			if (got < 0) {
				warnf(ic, label, "cannot read member: %s",
				      archive_error_string(a));
				n = SIZE_MAX;
				break;
			}
			if (got == 0)
				break;
			n += (size_t)got;
		}
		if (n == SIZE_MAX) {
			ic->stats->invalid++;
			if (archive_errno(a) == ARCHIVE_FATAL)
				break;
			continue;
		}
		if (n > VULNDB_MAX_RECORD) {
			ic->stats->invalid++;
			warnf(ic, label, "record is over the limit of %u bytes",
			      VULNDB_MAX_RECORD);
			continue;
		}
		r = import_doc(ic, buf, n, label, err);
		if (r)
			break;
	}
out:
	free(buf);
	archive_read_free(a);
	return r;
}

static int is_zip(const char *path)
{
	unsigned char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, magic, sizeof(magic));
	close(fd);
	return n == 4 && magic[0] == 'P' && magic[1] == 'K' &&
	       ((magic[2] == 3 && magic[3] == 4) ||
		(magic[2] == 5 && magic[3] == 6));
}

static int import_file(struct import_ctx *ic, const char *path,
		       struct bw_error *err)
{
	size_t len = 0;
	char *buf = NULL;
	int r;

	if (is_zip(path))
		return import_zip(ic, path, err);
	r = read_file(path, VULNDB_MAX_DOCUMENT, &buf, &len, err);
	if (r)
		return r;
	r = import_doc(ic, buf, len, path, err);
	free(buf);
	return r;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int import_dir(struct import_ctx *ic, const char *path, int depth,
		      struct bw_error *err)
{
	char **names = NULL, sub[4096];
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (depth > VULNDB_MAX_DIR_DEPTH) {
		warnf(ic, path,
		      "directory nested deeper than %d levels, "
		      "skipped",
		      VULNDB_MAX_DIR_DEPTH);
		return 0;
	}
	d = opendir(path);
	if (!d)
		return bw_errorf(err, -errno, path, 0, 0,
				 "cannot read directory: %s", strerror(errno));
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **nn = realloc(names, ncap * sizeof(*names));

			if (!nn) {
				r = bw_errorf(err, -ENOMEM, path, 0, 0,
					      "out of memory");
				break;
			}
			names = nn;
			cap = ncap;
		}
		if (!(names[n] = strdup(de->d_name))) {
			r = bw_errorf(err, -ENOMEM, path, 0, 0,
				      "out of memory");
			break;
		}
		n++;
	}
	closedir(d);
	if (!r && n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; !r && i < n; i++) {
		struct bw_error e = {0};
		struct stat sb;

		if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", path,
				     has_suffix(path, "/") ? "" : "/",
				     names[i]) >= sizeof(sub)) {
			warnf(ic, path, "path too long: %s", names[i]);
			continue;
		}
		if (lstat(sub, &sb) || S_ISLNK(sb.st_mode))
			continue; /* symlinks could loop or leave the tree */
		if (S_ISDIR(sb.st_mode))
			r = import_dir(ic, sub, depth + 1, err);
		else if (S_ISREG(sb.st_mode) && has_suffix(names[i], ".json"))
			r = import_file(ic, sub, &e);
		else
			continue;
		/* Unreadable files inside a tree are warnings; database
		 * failures (-EIO) stop the import. */
		if (r && r != -EIO && r != -ENOMEM) {
			if (e.code)
				warn(ic, &e);
			ic->stats->invalid++;
			r = 0;
		} else if (r && e.code && err) {
			*err = e;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

int vulndb_import_path(struct vulndb *db, const char *path,
		       struct vulndb_import_stats *stats,
		       vulndb_warn_fn warn_fn, void *ctx, struct bw_error *err)
{
	struct vulndb_import_stats local = {0};
	struct import_ctx ic = {db, stats ? stats : &local, warn_fn, ctx};
	struct stat sb;
	bool own;
	int r;

	if (!db || !path)
		return bw_errorf(err, -EINVAL, path, 0, 0, "no input");
	memset(ic.stats, 0, sizeof(*ic.stats));
	if (stat(path, &sb))
		return bw_errorf(err, -errno, path, 0, 0, "cannot read: %s",
				 strerror(errno));
	if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode))
		return bw_errorf(err, -EINVAL, path, 0, 0,
				 "not a file or directory");
	if (access(path, R_OK))
		return bw_errorf(err, -errno, path, 0, 0, "cannot read: %s",
				 strerror(errno));
	r = begin(db, &own, err);
	if (r)
		return r;
	if (S_ISDIR(sb.st_mode))
		r = import_dir(&ic, path, 0, err);
	else
		r = import_file(&ic, path, err);
	return finish(db, own, r, err);
}
