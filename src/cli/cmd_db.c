/*
 * cmd_db.c - `bulwark db import|status|match`: build the offline OSV
 * vulnerability database the image scanner uses, see what it holds, and
 * ask it about one package (for users debugging a scan result).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "vulndb/db.h"

static void db_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: bulwark db import [--db PATH] FILE|DIR|ZIP...\n"
	    "       bulwark db status [--db PATH] [--json]\n"
	    "       bulwark db match [--db PATH] ECOSYSTEM NAME VERSION\n"
	    "\n"
	    "import  read OSV records (a JSON record or array, a directory of "
	    "*.json\n"
	    "        files, or a zip such as osv.dev's <ecosystem>/all.zip) "
	    "into the\n"
	    "        database, replacing records by newer versions.  Invalid "
	    "records are\n"
	    "        reported and skipped.  Exit 0, or 2 when a path cannot be "
	    "read.\n"
	    "status  record counts, last import, newest record, per-ecosystem "
	    "counts.\n"
	    "match   the vulnerabilities affecting one installed package, "
	    "e.g.\n"
	    "        bulwark db match Debian:12 openssl 3.0.11-1~deb12u1\n"
	    "\n"
	    "--db PATH  the database (default: $BULWARK_DB, else\n"
	    "           $XDG_CACHE_HOME/bulwark/db.sqlite, else "
	    "~/.cache/bulwark/db.sqlite)\n");
}

static void print_warning(void *ctx, const struct bw_error *e)
{
	char buf[BW_ERROR_MSG_MAX + 300];

	(void)ctx;
	fprintf(stderr, "bulwark: %s\n", bw_error_str(e, buf, sizeof(buf)));
}

static void print_error(const char *what, const struct bw_error *e)
{
	char buf[BW_ERROR_MSG_MAX + 300];

	fprintf(stderr, "bulwark db %s: %s\n", what,
		bw_error_str(e, buf, sizeof(buf)));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Splits "--db PATH" / "--db=PATH" / "--json" out of argv; the rest go to
 * args.  Returns 0, or 2 after printing a usage error. */
static int parse_opts(int argc, char **argv, const char **db_path, int *json,
		      char **args, int *nargs, int *help)
{
	*nargs = 0;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (cli_is_help(a)) {
			*help = 1;
			return 0;
		}
		if (!strcmp(a, "--db")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "bulwark db: --db needs a "
						"PATH\n");
				return 2;
			}
			*db_path = argv[++i];
		} else if (!strncmp(a, "--db=", 5)) {
			*db_path = a + 5;
		} else if (json && !strcmp(a, "--json")) {
			*json = 1;
		} else if (!strcmp(a, "--")) {
			while (++i < argc)
				args[(*nargs)++] = argv[i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "bulwark db %s: unknown option '%s'\n",
				argv[1], a);
			return 2;
		} else {
			args[(*nargs)++] = argv[i];
		}
	}
	return 0;
}

static int db_import(const char *path, char **files, int nfiles)
{
	struct vulndb_import_stats total = {0};
	struct bw_error err = {0};
	struct vulndb *db = NULL;
	double t0 = now_s();
	int rc = 0;

	if (!nfiles) {
		fprintf(stderr,
			"bulwark db import: no FILE, DIR or ZIP given\n");
		db_usage(stderr);
		return 2;
	}
	if (vulndb_open(path, VULNDB_OPEN_CREATE, &db, &err)) {
		print_error("import", &err);
		return 2;
	}
	for (int i = 0; i < nfiles; i++) {
		struct vulndb_import_stats st = {0};

		bw_error_clear(&err);
		if (vulndb_import_path(db, files[i], &st, print_warning, NULL,
				       &err)) {
			print_error("import", &err);
			rc = 2;
			continue;
		}
		printf("%s: %zu records (%zu unchanged, %zu invalid, %zu "
		       "withdrawn) from %zu documents\n",
		       files[i], st.records, st.unchanged, st.invalid,
		       st.withdrawn, st.files);
		total.records += st.records;
		total.invalid += st.invalid;
	}
	vulndb_close(db);
	printf("imported %zu records (%zu invalid) in %.2f s\n", total.records,
	       total.invalid, now_s() - t0);
	return rc;
}

static void fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!t || !gmtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "never");
}

static int db_status(const char *path, int json, int nargs)
{
	struct vulndb_status st = {0};
	struct bw_error err = {0};
	struct vulndb *db = NULL;
	char when[64];

	if (nargs) {
		fprintf(stderr, "bulwark db status: unexpected argument\n");
		return 2;
	}
	if (vulndb_open(path, VULNDB_OPEN_READONLY, &db, &err) ||
	    vulndb_get_status(db, &st, &err)) {
		print_error("status", &err);
		vulndb_close(db);
		return 2;
	}
	vulndb_close(db);
	fmt_time(st.last_import, when, sizeof(when));
	if (json) {
		json_t *o = json_object(), *ecos = json_array();
		char *s;

		for (size_t i = 0; i < st.necos; i++)
			json_array_append_new(
			    ecos, json_pack("{sssIsI}", "ecosystem",
					    st.ecos[i].ecosystem, "records",
					    (json_int_t)st.ecos[i].records,
					    "packages",
					    (json_int_t)st.ecos[i].packages));
		json_object_set_new(o, "path", json_string(path));
		json_object_set_new(o, "records",
				    json_integer((json_int_t)st.records));
		json_object_set_new(o, "withdrawn",
				    json_integer((json_int_t)st.withdrawn));
		json_object_set_new(o, "last_import",
				    st.last_import ? json_string(when)
						   : json_null());
		json_object_set_new(o, "newest_modified",
				    st.newest_modified[0]
					? json_string(st.newest_modified)
					: json_null());
		json_object_set_new(o, "ecosystems", ecos);
		s = json_dumps(o, JSON_INDENT(2));
		printf("%s\n", s ? s : "{}");
		free(s);
		json_decref(o);
	} else {
		printf("database:        %s\n", path);
		printf("records:         %zu (%zu withdrawn)\n", st.records,
		       st.withdrawn);
		printf("last import:     %s\n", when);
		printf("newest modified: %s\n",
		       st.newest_modified[0] ? st.newest_modified : "-");
		if (st.necos)
			printf("%-28s %10s %10s\n", "ecosystem", "records",
			       "packages");
		for (size_t i = 0; i < st.necos; i++)
			printf("%-28s %10zu %10zu\n", st.ecos[i].ecosystem,
			       st.ecos[i].records, st.ecos[i].packages);
	}
	vulndb_status_free(&st);
	return 0;
}

static const char *fix_name(enum vuln_fix_state s)
{
	return s == VULN_FIX_FIXED	? "fixed"
	       : s == VULN_FIX_WONT_FIX ? "won't fix"
					: "not fixed";
}

static int db_match(const char *path, char **args, int nargs)
{
	struct vuln_match *m = NULL;
	struct bw_error err = {0};
	struct vulndb *db = NULL;
	size_t n = 0;

	if (nargs != 3) {
		fprintf(stderr,
			"bulwark db match: expected ECOSYSTEM NAME VERSION\n");
		db_usage(stderr);
		return 2;
	}
	if (vulndb_open(path, VULNDB_OPEN_READONLY, &db, &err) ||
	    vulndb_match(db, args[0], args[1], args[2], &m, &n, &err)) {
		print_error("match", &err);
		vulndb_close(db);
		return 2;
	}
	vulndb_close(db);
	for (size_t i = 0; i < n; i++) {
		char score[16] = "-";

		if (m[i].score >= 0)
			snprintf(score, sizeof(score), "%.1f", m[i].score);
		printf("%s  %s %s  %s%s%s", m[i].id,
		       m[i].severity_known ? vuln_severity_name(m[i].severity)
					   : "unknown",
		       score, fix_name(m[i].fix_state),
		       m[i].fixed_version ? " in " : "",
		       m[i].fixed_version ? m[i].fixed_version : "");
		for (size_t j = 0; j < m[i].naliases; j++)
			printf("%s%s",
			       j ? ", " : "  aliases: ", m[i].aliases[j]);
		printf("\n");
		if (m[i].summary)
			printf("    %.200s\n", m[i].summary);
	}
	printf("%zu vulnerabilities affect %s %s %s\n", n, args[0], args[1],
	       args[2]);
	vulndb_matches_free(m, n);
	return 0;
}

int cmd_db(int argc, char **argv)
{
	char defpath[4096], **args;
	const char *path = NULL;
	int json = 0, nargs = 0, help = 0, r;

	if (argc < 2 || cli_is_help(argv[1])) {
		db_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "import") && strcmp(argv[1], "status") &&
	    strcmp(argv[1], "match")) {
		fprintf(stderr, "bulwark db: unknown subcommand '%s'\n",
			argv[1]);
		db_usage(stderr);
		return 2;
	}
	args = calloc((size_t)argc, sizeof(*args));
	if (!args)
		return 2;
	r = parse_opts(argc, argv, &path,
		       !strcmp(argv[1], "status") ? &json : NULL, args, &nargs,
		       &help);
	if (r || help) {
		if (help)
			db_usage(stdout);
		free(args);
		return r;
	}
	if (!path)
		path = vulndb_default_path(defpath, sizeof(defpath));
	if (!strcmp(argv[1], "import"))
		r = db_import(path, args, nargs);
	else if (!strcmp(argv[1], "status"))
		r = db_status(path, json, nargs);
	else
		r = db_match(path, args, nargs);
	free(args);
	return r;
}
