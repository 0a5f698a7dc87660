/*
 * fuzz_osv.c - libFuzzer harness for OSV record import and matching.  The
 * input is imported as one JSON document into a fresh in-memory database;
 * then the first affected package it names (if jansson can read one) is
 * matched at a version taken from its first range event, and at "1.0".
 * Warnings and errors are expected; crashes and sanitizer reports are
 * bugs.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/db.h"

static void ignore(void *ctx, const struct bw_error *e)
{
	(void)ctx;
	(void)e;
}

static void try_match(struct vulndb *db, const char *eco, const char *name,
		      const char *v)
{
	struct vuln_match *m = NULL;
	size_t n = 0;

	if (!eco || !name || !v)
		return;
	if (vulndb_match(db, eco, name, v, &m, &n, NULL) == 0)
		vulndb_matches_free(m, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vulndb_import_stats st;
	struct vulndb *db = NULL;
	const json_t *aff, *pkg, *ev;
	const char *eco, *name, *v = NULL;
	json_t *doc, *rec;

	if (size > VULNDB_MAX_RECORD)
		return 0;
	if (vulndb_open(":memory:", VULNDB_OPEN_CREATE, &db, NULL))
		abort();
	vulndb_import_json(db, (const char *)data, size, "fuzz", &st, ignore,
			   NULL, NULL);
	doc = json_loadb((const char *)data, size, 0, NULL);
	rec = json_is_array(doc) ? json_array_get(doc, 0) : doc;
	aff = json_array_get(json_object_get(rec, "affected"), 0);
	pkg = json_object_get(aff, "package");
	eco = json_string_value(json_object_get(pkg, "ecosystem"));
	name = json_string_value(json_object_get(pkg, "name"));
	ev = json_array_get(
	    json_object_get(json_array_get(json_object_get(aff, "ranges"), 0),
			    "events"),
	    0);
	if (json_is_object(ev) && json_object_size(ev) == 1)
		v = json_string_value(
		    json_object_iter_value(json_object_iter((json_t *)ev)));
	try_match(db, eco, name, v);
	try_match(db, eco, name, "1.0");
	json_decref(doc);
	vulndb_close(db);
	return 0;
}
