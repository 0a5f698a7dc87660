/*
 * db_match.c - matching one installed package against the database with
 * the OSV schema's semantics, and merging the records that describe the
 * same vulnerability.
 *
 * For each affected[] row of the package (the query's ecosystem or its
 * base, withdrawn records excluded) the version is affected when it is in
 * "versions" (exact string; Go versions compared without their "v"), or
 * when a range says so.  Ranges are evaluated as the spec's "Evaluation"
 * section does: events sorted by version with the range's comparator
 * (SEMVER ranges: SemVer 2.0.0; ECOSYSTEM ranges: the ecosystem's own
 * ordering; "0" sorts lowest), then walked in order - introduced sets
 * affected, fixed (at or below the version) and last_affected (below it)
 * clear it - and a "limit" event bounds the range from above.  A range
 * whose versions the comparator rejects cannot be evaluated and is
 * skipped; so are ECOSYSTEM ranges of an ecosystem without a known
 * ordering, which leaves only exact "versions" matches.
 *
 * Rows are grouped by vulnerability: a record's key is its id when that is
 * a CVE id, else the single CVE among its aliases and upstream, else its
 * own id.  One vuln_match is produced per key.  An advisory naming several
 * CVEs (a Debian DSA, an Ubuntu USN) whose CVEs all matched the package
 * through their own records is folded into them (its id becomes an alias
 * of each), so one CVE is reported once; when some of its CVEs have no
 * record of their own it stays a finding of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vulndb/db_int.h"

/* A growable list of unique strings, bounded. */
struct strset {
	char **v;
	size_t n, cap;
};

static int strset_add(struct strset *s, const char *str)
{
	if (!str || !*str)
		return 0;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], str))
			return 0;
	if (s->n >= VULNDB_MAX_MATCH_LIST)
		return 0;
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 8;
		char **nv = realloc(s->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		s->v = nv;
		s->cap = ncap;
	}
	if (!(s->v[s->n] = strdup(str)))
		return -ENOMEM;
	s->n++;
	return 0;
}

static void strset_free(struct strset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A version scheme for one comparison: known, or none. */
struct scheme {
	bool known;
	bool go; /* strip a "v" for exact matches */
	enum vuln_ecosystem eco;
};

static int vcmp(const struct scheme *s, const char *a, const char *b, int *ret)
{
	return vuln_version_compare(s->eco, a, strlen(a), b, strlen(b), ret,
				    NULL);
}

struct event {
	int kind; /* 0 introduced, 1 fixed, 2 last_affected, 3 limit */
	const char *v;
};

/* Orders events by version, "0" lowest and limit "*" highest.  -1 when
 * the comparator rejects a version. */
static int event_cmp(const struct scheme *s, const struct event *a,
		     const struct event *b, int *ret)
{
	bool az = a->kind == 0 && !strcmp(a->v, "0");
	bool bz = b->kind == 0 && !strcmp(b->v, "0");
	bool ai = a->kind == 3 && !strcmp(a->v, "*");
	bool bi = b->kind == 3 && !strcmp(b->v, "*");

	if (az || bz || ai || bi) {
		*ret = (az && bz) || (ai && bi) ? 0 : (az || bi) ? -1 : 1;
		return 0;
	}
	return vcmp(s, a->v, b->v, ret);
}

struct range_result {
	bool affected;
	const char *next_fix; /* lowest fixed event above the version */
};

/*
 * Evaluates one range for version v.  Returns 0 (result in *res) or -1
 * when the range cannot be evaluated under the scheme.
 */
static int eval_range(const struct scheme *s, const json_t *events,
		      const char *v, struct range_result *res)
{
	static const char *const kinds[] = {"introduced", "fixed",
					    "last_affected", "limit"};
	size_t n = json_array_size(events), i;
	struct event *ev;
	bool has_limit = false, below_limit = false, affected = false;
	const char *next_fix = NULL;
	const json_t *e;
	int c;

	if (!n)
		return -1;
	ev = calloc(n, sizeof(*ev));
	if (!ev)
		return -1;
	json_array_foreach(events, i, e)
	{
		for (int k = 0; k < 4; k++) {
			const json_t *val = json_object_get(e, kinds[k]);

			if (json_is_string(val)) {
				ev[i].kind = k;
				ev[i].v = json_string_value(val);
			}
		}
		if (!ev[i].v)
			goto bad;
	}
	/* Insertion sort: stable and the lists are short. */
	for (i = 1; i < n; i++) {
		struct event cur = ev[i];
		size_t j = i;

		while (j > 0) {
			if (event_cmp(s, &ev[j - 1], &cur, &c))
				goto bad;
			if (c <= 0)
				break;
			ev[j] = ev[j - 1];
			j--;
		}
		ev[j] = cur;
	}
	for (i = 0; i < n; i++) {
		bool zero = ev[i].kind == 0 && !strcmp(ev[i].v, "0");
		bool star = ev[i].kind == 3 && !strcmp(ev[i].v, "*");

		c = 0;
		if (!zero && !star && vcmp(s, v, ev[i].v, &c))
			goto bad;
		switch (ev[i].kind) {
		case 0:
			if (zero || c >= 0)
				affected = true;
			break;
		case 1:
			if (c >= 0)
				affected = false;
			else if (!next_fix)
				next_fix = ev[i].v; /* sorted: the lowest */
			break;
		case 2:
			if (c > 0)
				affected = false;
			break;
		case 3:
			has_limit = true;
			if (star || c < 0)
				below_limit = true;
			break;
		}
	}
	free(ev);
	res->affected = affected && (!has_limit || below_limit);
	res->next_fix = next_fix;
	return 0;
bad:
	free(ev);
	return -1;
}

static bool strip_v_equal(const char *a, const char *b)
{
	if (*a == 'v')
		a++;
	if (*b == 'v')
		b++;
	return !strcmp(a, b);
}

/* What one affected[] row says about the version. */
struct row_eval {
	bool affected;
	const char *fix; /* points into ranges */
	struct scheme fix_scheme;
};

static void eval_row(const struct scheme *eco, const json_t *ranges,
		     const json_t *versions, const char *v,
		     struct row_eval *out)
{
	struct scheme semver = {true, eco->go, VULN_ECO_SEMVER};
	const json_t *r, *x;
	bool listed = false;
	size_t i;

	memset(out, 0, sizeof(*out));
	json_array_foreach(versions, i, x)
	{
		const char *s = json_string_value(x);

		if (s && (eco->go ? strip_v_equal(s, v) : !strcmp(s, v)))
			listed = true;
	}
	out->affected = listed;
	json_array_foreach(ranges, i, r)
	{
		const char *type =
		    json_string_value(json_object_get(r, "type"));
		const struct scheme *s;
		struct range_result res;

		if (!type || !strcmp(type, "GIT"))
			continue;
		s = !strcmp(type, "SEMVER") ? &semver : eco;
		if (!s->known)
			continue;
		if (eval_range(s, json_object_get(r, "events"), v, &res))
			continue;
		if (!res.affected && !listed)
			continue;
		out->affected = true;
		if (res.next_fix) {
			int c;

			if (!out->fix ||
			    (out->fix_scheme.eco == s->eco &&
			     !vcmp(s, res.next_fix, out->fix, &c) && c < 0)) {
				out->fix = res.next_fix;
				out->fix_scheme = *s;
			}
		}
	}
}

/* Textual severities of advisories (GHSA "MODERATE", Debian urgency...). */
static int text_severity(const char *s, enum vuln_severity *ret)
{
	static const struct {
		const char *name;
		enum vuln_severity sev;
	} map[] = {
	    {"critical", VULN_SEV_CRITICAL}, {"high", VULN_SEV_HIGH},
	    {"important", VULN_SEV_HIGH},    {"moderate", VULN_SEV_MEDIUM},
	    {"medium", VULN_SEV_MEDIUM},     {"low", VULN_SEV_LOW},
	    {"negligible", VULN_SEV_LOW},    {"unimportant", VULN_SEV_LOW},
	    {"none", VULN_SEV_NONE},
	};

	if (!s)
		return -1;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		size_t n = strlen(map[i].name);

		/* "low**" style Debian urgencies carry marks after the word */
		if (!strncasecmp(s, map[i].name, n) &&
		    (!s[n] || s[n] == '*' || s[n] == ' ')) {
			*ret = map[i].sev;
			return 0;
		}
	}
	return -1;
}

static bool wont_fix_word(const char *s)
{
	static const char *const words[] = {
	    "no-dsa",
	    "ignored",
	    "unimportant",
	    "end-of-life",
	    "will not fix",
	    "won't fix",
	    "wont fix",
	    "wont-fix",
	    "wontfix",
	    "will_not_fix",
	    "not-fixed-will-not-fix",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(s, words[i]))
			return true;
	return false;
}

/* Looks through database_specific / ecosystem_specific (to depth 3) for a
 * won't-fix status and a textual severity ("severity", "urgency"). */
static void scan_specific(const json_t *v, int depth, bool *wont_fix,
			  bool *has_sev, enum vuln_severity *sev)
{
	const char *key;
	const json_t *x;
	size_t i;

	if (!v || depth > 3)
		return;
	if (json_is_string(v)) {
		if (wont_fix_word(json_string_value(v)))
			*wont_fix = true;
		return;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
		    scan_specific(x, depth + 1, wont_fix, has_sev, sev);
		return;
	}
	json_object_foreach((json_t *)v, key, x)
	{
		enum vuln_severity s;

		if ((!strcmp(key, "severity") || !strcmp(key, "urgency")) &&
		    !text_severity(json_string_value(x), &s) &&
		    (!*has_sev || s > *sev)) {
			*sev = s;
			*has_sev = true;
		}
		scan_specific(x, depth + 1, wont_fix, has_sev, sev);
	}
}

/* One merged vulnerability being built. */
struct group {
	char *key;
	struct strset aliases, refs;
	struct strset cves; /* the CVEs a multi-CVE advisory names */
	bool folded;	    /* folded into its CVEs' groups */
	char *summary, *details, *published, *modified, *modified_key;
	bool primary; /* summary/details came from the key's own record */
	double score;
	char *vector;
	bool has_text_sev;
	enum vuln_severity text_sev;
	bool wont_fix;
	char *fix;
	struct scheme fix_scheme;
};

static void group_free(struct group *g)
{
	free(g->key);
	strset_free(&g->aliases);
	strset_free(&g->refs);
	strset_free(&g->cves);
	free(g->summary);
	free(g->details);
	free(g->published);
	free(g->modified);
	free(g->modified_key);
	free(g->vector);
	free(g->fix);
}

static json_t *col_json(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? json_loads(s, 0, NULL) : NULL;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? strdup(s) : NULL;
}

static bool is_cve(const char *s) { return s && !strncmp(s, "CVE-", 4); }

/* The vulnerability key of a record: see the file comment. */
static const char *record_key(const char *id, const json_t *aliases,
			      const json_t *upstream)
{
	const json_t *lists[2] = {aliases, upstream}, *x;
	const char *cve = NULL;
	size_t i;

	if (is_cve(id))
		return id;
	for (int l = 0; l < 2; l++)
		json_array_foreach(lists[l], i, x)
		{
			const char *s = json_string_value(x);

			if (!is_cve(s))
				continue;
			if (cve && strcmp(cve, s))
				return id; /* several CVEs: keep it apart */
			cve = s;
		}
	return cve ? cve : id;
}

/* Collects the CVE ids of a multi-CVE advisory (aliases and upstream). */
static int note_cves(struct group *g, const json_t *aliases,
		     const json_t *upstream)
{
	const json_t *lists[2] = {aliases, upstream}, *x;
	size_t i;
	int r = 0;

	if (is_cve(g->key))
		return 0;
	for (int l = 0; l < 2; l++)
		json_array_foreach(lists[l], i, x)
		{
			const char *c = json_string_value(x);

			if (is_cve(c))
				r |= strset_add(&g->cves, c);
		}
	return r;
}

static struct group *find_group(struct group *gs, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(gs[i].key, key))
			return &gs[i];
	return NULL;
}

/* Folds each multi-CVE advisory whose every CVE has its own group. */
static int fold_advisories(struct group *gs, size_t n)
{
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		struct group *g = &gs[i];
		bool all = g->cves.n > 0;

		for (size_t k = 0; all && k < g->cves.n; k++)
			all = find_group(gs, n, g->cves.v[k]) != NULL;
		if (!all)
			continue;
		for (size_t k = 0; k < g->cves.n; k++) {
			struct group *c = find_group(gs, n, g->cves.v[k]);

			for (size_t a = 0; a < g->aliases.n; a++)
				if (strcmp(g->aliases.v[a], c->key))
					r |= strset_add(&c->aliases,
							g->aliases.v[a]);
		}
		g->folded = true;
	}
	return r;
}

/* Highest CVSS score among severity[] vectors; also Ubuntu's textual one. */
static void score_list(const json_t *sev, double *score, char **vector,
		       bool *has_text, enum vuln_severity *text)
{
	const json_t *x;
	size_t i;

	json_array_foreach(sev, i, x)
	{
		const char *type =
		    json_string_value(json_object_get(x, "type"));
		const char *val =
		    json_string_value(json_object_get(x, "score"));
		enum vuln_severity s;
		double sc;

		if (!type || !val)
			continue;
		if (!strcmp(type, "Ubuntu")) {
			if (!text_severity(val, &s) &&
			    (!*has_text || s > *text))
				*text = s, *has_text = true;
			continue;
		}
		if (vuln_cvss_score(val, &sc, NULL, NULL) || sc <= *score)
			continue;
		*score = sc;
		free(*vector);
		*vector = strdup(val);
	}
}

static int add_row(struct group *g, sqlite3_stmt *st, const char *id,
		   const json_t *aliases, const json_t *aff_spec,
		   const json_t *aff_sev, const struct row_eval *re)
{
	json_t *rec_sev = col_json(st, 10), *refs = col_json(st, 13);
	json_t *rec_spec = col_json(st, 14);
	const char *mkey = (const char *)sqlite3_column_text(st, 6);
	double score = -1.0;
	char *vector = NULL;
	const json_t *x;
	size_t i;
	int r = 0;

	r |= strset_add(&g->aliases, id);
	json_array_foreach(aliases, i, x) r |=
	    strset_add(&g->aliases, json_string_value(x));
	json_array_foreach(refs, i, x) r |=
	    strset_add(&g->refs, json_string_value(json_object_get(x, "url")));
	if (!g->summary || (!g->primary && !strcmp(id, g->key))) {
		free(g->summary);
		free(g->details);
		free(g->published);
		g->summary = col_dup(st, 8);
		g->details = col_dup(st, 9);
		g->published = col_dup(st, 7);
		g->primary = !strcmp(id, g->key);
	}
	if (mkey && (!g->modified_key || strcmp(mkey, g->modified_key) > 0)) {
		free(g->modified_key);
		free(g->modified);
		g->modified_key = strdup(mkey);
		g->modified = col_dup(st, 5);
	}
	/* affected[].severity first, then the record's */
	score_list(aff_sev, &score, &vector, &g->has_text_sev, &g->text_sev);
	if (score < 0)
		score_list(rec_sev, &score, &vector, &g->has_text_sev,
			   &g->text_sev);
	if (score > g->score) {
		g->score = score;
		free(g->vector);
		g->vector = vector;
		vector = NULL;
	}
	scan_specific(aff_spec, 0, &g->wont_fix, &g->has_text_sev,
		      &g->text_sev);
	scan_specific(rec_spec, 0, &g->wont_fix, &g->has_text_sev,
		      &g->text_sev);
	if (re->fix) {
		int c;

		if (!g->fix ||
		    (g->fix_scheme.eco == re->fix_scheme.eco &&
		     !vcmp(&re->fix_scheme, re->fix, g->fix, &c) && c < 0)) {
			free(g->fix);
			g->fix = strdup(re->fix);
			g->fix_scheme = re->fix_scheme;
			if (!g->fix)
				r = -ENOMEM;
		}
	}
	free(vector);
	json_decref(rec_sev);
	json_decref(refs);
	json_decref(rec_spec);
	return r ? -ENOMEM : 0;
}

static int to_match(struct group *g, struct vuln_match *m)
{
	memset(m, 0, sizeof(*m));
	m->id = g->key, g->key = NULL;
	/* aliases: every id but the key, sorted */
	for (size_t i = 0; i < g->aliases.n; i++) {
		if (strcmp(g->aliases.v[i], m->id))
			continue;
		free(g->aliases.v[i]);
		g->aliases.v[i] = g->aliases.v[--g->aliases.n];
		break;
	}
	if (g->aliases.n)
		qsort(g->aliases.v, g->aliases.n, sizeof(char *), cmp_str);
	m->aliases = g->aliases.v, m->naliases = g->aliases.n;
	g->aliases.v = NULL, g->aliases.n = 0;
	m->references = g->refs.v, m->nreferences = g->refs.n;
	g->refs.v = NULL, g->refs.n = 0;
	m->summary = g->summary, g->summary = NULL;
	m->details = g->details, g->details = NULL;
	m->published = g->published, g->published = NULL;
	m->modified = g->modified, g->modified = NULL;
	m->score = g->score;
	m->cvss_vector = g->vector, g->vector = NULL;
	if (g->score >= 0) {
		m->severity = vuln_severity_from_score(g->score);
		m->severity_known = 1;
	} else if (g->has_text_sev) {
		m->severity = g->text_sev;
		m->severity_known = 1;
	} else {
		m->severity = VULN_SEV_NONE;
	}
	m->fixed_version = g->fix, g->fix = NULL;
	m->fix_state = m->fixed_version ? VULN_FIX_FIXED
		       : g->wont_fix	? VULN_FIX_WONT_FIX
					: VULN_FIX_NOT_FIXED;
	return 0;
}

static int cmp_match(const void *a, const void *b)
{
	return strcmp(((const struct vuln_match *)a)->id,
		      ((const struct vuln_match *)b)->id);
}

int vulndb_match(struct vulndb *db, const char *eco, const char *name,
		 const char *version, struct vuln_match **ret, size_t *n,
		 struct bw_error *err)
{
	char base[VULNDB_MAX_ID + 1], norm[VULNDB_MAX_NAME + 1];
	struct group *groups = NULL;
	struct vuln_match *out = NULL;
	size_t ng = 0, cap = 0, nout;
	struct scheme scheme = {0};
	sqlite3_stmt *st;
	int r = 0, sr;

	if (!db || !eco || !name || !version || !ret || !n)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "vulndb_match: missing argument");
	if (!*version || strlen(version) > VULNDB_MAX_VERSION ||
	    strlen(eco) > VULNDB_MAX_ID || strlen(name) > VULNDB_MAX_NAME)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "vulndb_match: empty or over-long argument");
	osv_eco_base(eco, base, sizeof(base));
	osv_normalise_name(base, name, norm, sizeof(norm));
	scheme.known = vuln_ecosystem_parse(base, &scheme.eco) == 0;
	scheme.go = scheme.known && scheme.eco == VULN_ECO_GO;
	st = vulndb_stmt(db, STMT_MATCH, err);
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, base, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, norm, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, eco, -1, SQLITE_STATIC);
	while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		json_t *ranges = col_json(st, 1), *versions = col_json(st, 2);
		json_t *spec = col_json(st, 3), *sev = col_json(st, 4);
		json_t *aliases = col_json(st, 11), *up = col_json(st, 12);
		struct row_eval re;
		const char *key;
		struct group *g = NULL;

		eval_row(&scheme, ranges, versions, version, &re);
		if (re.affected && id) {
			key = record_key(id, aliases, up);
			for (size_t i = 0; i < ng; i++)
				if (!strcmp(groups[i].key, key))
					g = &groups[i];
			if (!g && ng == cap) {
				size_t ncap = cap ? cap * 2 : 8;
				struct group *nn =
				    realloc(groups, ncap * sizeof(*nn));

				if (!nn)
					r = -ENOMEM;
				else
					groups = nn, cap = ncap;
			}
			if (!g && !r) {
				g = &groups[ng];
				memset(g, 0, sizeof(*g));
				g->score = -1.0;
				if (!(g->key = strdup(key)))
					r = -ENOMEM;
				else
					ng++;
			}
			if (g && !r)
				r = add_row(g, st, id, aliases, spec, sev, &re);
			if (g && !r)
				r = note_cves(g, aliases, up);
		}
		json_decref(ranges);
		json_decref(versions);
		json_decref(spec);
		json_decref(sev);
		json_decref(aliases);
		json_decref(up);
		if (r)
			break;
	}
	if (!r && sr != SQLITE_DONE)
		r = vulndb_sql_error(db, "matching", err);
	sqlite3_reset(st);
	if (r == -ENOMEM)
		bw_errorf(err, r, NULL, 0, 0, "out of memory");
	if (!r && fold_advisories(groups, ng))
		r = bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	if (!r && ng && !(out = calloc(ng, sizeof(*out))))
		r = bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	nout = 0;
	for (size_t i = 0; i < ng; i++) {
		if (!r && !groups[i].folded)
			to_match(&groups[i], &out[nout++]);
		group_free(&groups[i]);
	}
	free(groups);
	if (r)
		return r;
	if (nout)
		qsort(out, nout, sizeof(*out), cmp_match);
	if (!nout) {
		free(out);
		out = NULL;
	}
	*ret = out;
	*n = nout;
	return 0;
}

void vulndb_matches_free(struct vuln_match *m, size_t n)
{
	if (!m)
		return;
	for (size_t i = 0; i < n; i++) {
		free(m[i].id);
		for (size_t j = 0; j < m[i].naliases; j++)
			free(m[i].aliases[j]);
		free(m[i].aliases);
		free(m[i].summary);
		free(m[i].details);
		free(m[i].cvss_vector);
		free(m[i].fixed_version);
		free(m[i].published);
		free(m[i].modified);
		for (size_t j = 0; j < m[i].nreferences; j++)
			free(m[i].references[j]);
		free(m[i].references);
	}
	free(m);
}
