/*
 * report_sarif.c - SARIF 2.1.0 for code-scanning dashboards (GitHub code
 * scanning reads "security-severity" and the result level).
 *
 * One run; tool.driver "bulwark" with one rule per vulnerability id (rules
 * sorted by id, results pointing at them by ruleIndex).  A rule's
 * properties."security-severity" is the score as a string ("9.8"); without
 * a score but with a textual severity it is the middle of that band
 * (critical 9.5, high 8.0, medium 5.5, low 2.0), without either it is left
 * out.  Levels: critical/high -> error, medium and unknown -> warning,
 * low/none -> note.  A result is located at the file the package was found
 * in (artifactLocation.uri, percent-encoded, relative to the image root)
 * and at the package itself (a logicalLocation whose fullyQualifiedName is
 * the purl).  partialFingerprints carry "<id>:<purl>" so two packages from
 * one file stay two alerts.  Suppressed findings appear only with
 * show_suppressed, with a SARIF suppression saying why.  Input problems
 * become tool execution notifications.
 *
 * Policy findings (report_write_policy: k8s checks, PSS, RBAC) go through
 * the same helpers -- sarif_rule, sarif_result, sarif_location,
 * sarif_invocation, sarif_document -- with one rule per check id (every
 * check that ran, so dashboards can show passing rules too), results
 * located at the manifest file and the line its document starts on
 * (region.startLine), and the object as a logical location
 * ("Deployment/ns/name", plus the field path in the result's properties).
 * security-severity is the middle of the check's severity band.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "vulndb/vulndb.h"

static const char *sev_level(int known, enum vuln_severity sev)
{
	if (!known)
		return "warning";
	switch (sev) {
	case VULN_SEV_CRITICAL:
	case VULN_SEV_HIGH:
		return "error";
	case VULN_SEV_MEDIUM:
		return "warning";
	default:
		return "note";
	}
}

static const char *level_of(const struct vuln_match *v)
{
	return sev_level(v->severity_known, v->severity);
}

/* The middle of a severity band, NULL when unknown. */
static const char *band_middle(int known, enum vuln_severity sev)
{
	static const char *const mid[] = {"0.0", "2.0", "5.5", "8.0", "9.5"};

	if (!known || (unsigned)sev > VULN_SEV_CRITICAL)
		return NULL;
	return mid[sev];
}

/* 0 when there is nothing to say. */
static int security_severity(const struct vuln_match *v, char *buf, size_t len)
{
	const char *m;

	if (v->score >= 0 && v->score <= 10) {
		snprintf(buf, len, "%.1f", v->score);
		return 1;
	}
	m = band_middle(v->severity_known, v->severity);
	if (!m)
		return 0;
	snprintf(buf, len, "%s", m);
	return 1;
}

/* A relative URI reference for an image path: every byte outside the
 * unreserved set and '/' is percent-encoded (':' too, so the first
 * segment never reads as a scheme). */
static char *uri_encode(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(path), i, o = 0;
	char *s = malloc(n * 3 + 1);

	if (!s)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)path[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || c == '/') {
			s[o++] = (char)c;
		} else {
			s[o++] = '%';
			s[o++] = hex[c >> 4];
			s[o++] = hex[c & 15];
		}
	}
	s[o] = '\0';
	return s;
}

static json_t *text_msg(const char *text)
{
	json_t *m = json_object();

	json_object_set_new(m, "text", rpt_jstr(text ? text : ""));
	return m;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- shared SARIF building blocks ---------------------------------------- */

/* What a reportingDescriptor (rule) says. */
struct sarif_rule_in {
	const char *id;
	const char *name; /* optional */
	const char *short_text;
	const char *full_text;
	const char *help_uri;
	const char *help_text; /* help.text */
	const char *help_md;   /* help.markdown, optional */
	const char *level;
	const char *const *tags;
	size_t ntags;
	const char *security_severity; /* NULL: left out */
	json_t *extra_props;	       /* merged into properties (consumed) */
};

static json_t *sarif_rule(const struct sarif_rule_in *in)
{
	json_t *rule = json_object(), *props = json_object(), *tags, *cfg,
	       *help;
	size_t i;

	rpt_set_str(rule, "id", in->id);
	rpt_set_str_opt(rule, "name", in->name);
	json_object_set_new(rule, "shortDescription", text_msg(in->short_text));
	json_object_set_new(rule, "fullDescription", text_msg(in->full_text));
	rpt_set_str(rule, "helpUri", in->help_uri);
	help = text_msg(in->help_text);
	rpt_set_str_opt(help, "markdown", in->help_md);
	json_object_set_new(rule, "help", help);
	cfg = json_object();
	json_object_set_new(cfg, "level", json_string(in->level));
	json_object_set_new(rule, "defaultConfiguration", cfg);
	tags = json_array();
	for (i = 0; i < in->ntags; i++)
		json_array_append_new(tags, rpt_jstr(in->tags[i]));
	json_object_set_new(props, "tags", tags);
	if (in->security_severity)
		json_object_set_new(props, "security-severity",
				    json_string(in->security_severity));
	if (in->extra_props) {
		json_object_update(props, in->extra_props);
		json_decref(in->extra_props);
	}
	json_object_set_new(rule, "properties", props);
	return rule;
}

/*
 * A location: a file (uri-encoded relative reference, region.startLine
 * when line > 0) and/or a logical location (name, fullyQualifiedName,
 * kind).  Parts that are NULL are left out.
 */
static json_t *sarif_location(const char *file, int line, const char *ll_name,
			      const char *ll_fqn, const char *ll_kind)
{
	json_t *loc = json_object();

	if (file) {
		char *u = uri_encode(file);
		json_t *phys = json_object(), *al = json_object();

		if (u) {
			json_object_set_new(al, "uri", rpt_jstr(u));
			free(u);
		}
		json_object_set_new(phys, "artifactLocation", al);
		if (line > 0) {
			json_t *region = json_object();

			json_object_set_new(region, "startLine",
					    json_integer(line));
			json_object_set_new(phys, "region", region);
		}
		json_object_set_new(loc, "physicalLocation", phys);
	}
	if (ll_fqn) {
		json_t *ll = json_array(), *l = json_object();

		rpt_set_str(l, "name", ll_name);
		rpt_set_str(l, "fullyQualifiedName", ll_fqn);
		json_object_set_new(l, "kind", json_string(ll_kind));
		json_array_append_new(ll, l);
		json_object_set_new(loc, "logicalLocations", ll);
	}
	return loc;
}

struct sarif_result_in {
	const char *rule_id;
	size_t rule_index;
	const char *level;
	const char *message;
	json_t *location; /* consumed */
	const char *fingerprint;
	int suppressed;
	const char *suppress_reason;
	json_t *props; /* consumed */
};

static json_t *sarif_result(const struct sarif_result_in *in)
{
	json_t *res = json_object(), *locs = json_array(), *fp;

	rpt_set_str(res, "ruleId", in->rule_id);
	json_object_set_new(res, "ruleIndex",
			    json_integer((json_int_t)in->rule_index));
	json_object_set_new(res, "level", json_string(in->level));
	json_object_set_new(res, "message", text_msg(in->message));
	json_array_append_new(locs, in->location);
	json_object_set_new(res, "locations", locs);
	fp = json_object();
	json_object_set_new(fp, "bulwark/v1", rpt_jstr(in->fingerprint));
	json_object_set_new(res, "partialFingerprints", fp);
	if (in->suppressed) {
		json_t *sup = json_array(), *s = json_object();

		json_object_set_new(s, "kind", json_string("external"));
		json_object_set_new(s, "status", json_string("accepted"));
		rpt_set_str_opt(s, "justification", in->suppress_reason);
		json_array_append_new(sup, s);
		json_object_set_new(res, "suppressions", sup);
	}
	json_object_set_new(res, "properties", in->props);
	return res;
}

static json_t *sarif_invocation(const struct bw_error *problems, size_t n,
				int incomplete, const char *incomplete_text)
{
	json_t *inv = json_object(), *notes = json_array();
	size_t i;

	json_object_set_new(inv, "executionSuccessful", json_true());
	for (i = 0; i < n; i++) {
		struct bw_error e = problems[i];
		json_t *note = json_object();
		char buf[1024];

		e.input[sizeof(e.input) - 1] = '\0';
		e.msg[sizeof(e.msg) - 1] = '\0';
		json_object_set_new(note, "level", json_string("warning"));
		json_object_set_new(
		    note, "message",
		    text_msg(bw_error_str(&e, buf, sizeof(buf))));
		json_array_append_new(notes, note);
	}
	if (incomplete) {
		json_t *note = json_object();

		json_object_set_new(note, "level", json_string("warning"));
		json_object_set_new(note, "message", text_msg(incomplete_text));
		json_array_append_new(notes, note);
	}
	json_object_set_new(inv, "toolExecutionNotifications", notes);
	return inv;
}

/* The document around one run (rules, results, invocation and props are
 * consumed). */
static json_t *sarif_document(const struct report_opts *o, json_t *rules,
			      json_t *results, json_t *invocation,
			      json_t *props)
{
	json_t *root = json_object(), *runs = json_array(),
	       *run = json_object(), *tool = json_object(),
	       *driver = json_object(), *invs = json_array();

	json_object_set_new(root, "$schema",
			    json_string("https://json.schemastore.org/"
					"sarif-2.1.0.json"));
	json_object_set_new(root, "version", json_string("2.1.0"));
	json_object_set_new(driver, "name", json_string(RPT_TOOL_NAME));
	rpt_set_str_opt(driver, "version", o->tool_version);
	json_object_set_new(driver, "informationUri",
			    json_string(RPT_TOOL_URI));
	json_object_set_new(driver, "rules", rules);
	json_object_set_new(tool, "driver", driver);
	json_object_set_new(run, "tool", tool);
	json_array_append_new(invs, invocation);
	json_object_set_new(run, "invocations", invs);
	json_object_set_new(run, "results", results);
	json_object_set_new(run, "properties", props);
	json_array_append_new(runs, run);
	json_object_set_new(root, "runs", runs);
	return root;
}

/* Sorts ids and drops duplicates in place; *ret_n is the new count. */
static const char **unique_sorted(const char **ids, size_t n, size_t *ret_n)
{
	size_t i, u = 0;

	if (n)
		qsort(ids, n, sizeof(*ids), cmp_str);
	for (i = 0; i < n; i++)
		if (!u || strcmp(ids[u - 1], ids[i]))
			ids[u++] = ids[i];
	*ret_n = u;
	return ids;
}

/* ---- vulnerabilities ----------------------------------------------------- */

static json_t *rule_obj(const struct scan_finding *fd)
{
	const struct vuln_match *v = &fd->vuln;
	const char *desc =
	    v->details ? v->details : (v->summary ? v->summary : v->id);
	struct sarif_rule_in in = {0};
	char ss[16], uri[512];
	const char *t[3] = {"security", "vulnerability", rpt_sev_label(v)};

	in.id = v->id;
	in.short_text = v->summary ? v->summary : v->id;
	in.full_text = desc;
	if (v->nreferences && v->references[0]) {
		in.help_uri = v->references[0];
	} else {
		snprintf(uri, sizeof(uri), "%s%s", RPT_OSV_URL, v->id);
		in.help_uri = uri;
	}
	in.help_text = desc;
	in.level = level_of(v);
	in.tags = t;
	in.ntags = 3;
	if (security_severity(v, ss, sizeof(ss)))
		in.security_severity = ss;
	return sarif_rule(&in);
}

static json_t *result_obj(const struct scan_result *r,
			  const struct scan_finding *fd, size_t rule_index)
{
	const struct inv_package *p = rpt_pkg(r, fd);
	const struct vuln_match *v = &fd->vuln;
	struct sarif_result_in in = {0};
	char msg[2048], fp[2048];
	json_t *props;

	if (v->fix_state == VULN_FIX_FIXED)
		snprintf(msg, sizeof(msg),
			 "%s %s is affected by %s (%s). Fixed in %s.",
			 p && p->name ? p->name : "?",
			 p && p->version ? p->version : "?", v->id,
			 rpt_sev_label(v),
			 v->fixed_version ? v->fixed_version : "?");
	else
		snprintf(msg, sizeof(msg), "%s %s is affected by %s (%s). %s",
			 p && p->name ? p->name : "?",
			 p && p->version ? p->version : "?", v->id,
			 rpt_sev_label(v),
			 v->fix_state == VULN_FIX_WONT_FIX
			     ? "The distribution will not fix it."
			     : "No fix is available yet.");
	snprintf(fp, sizeof(fp), "%s:%s", v->id, p && p->purl ? p->purl : "");

	props = json_object();
	rpt_set_str(props, "purl", p ? p->purl : NULL);
	rpt_set_str(props, "installedVersion", p ? p->version : NULL);
	rpt_set_str(props, "fixState", rpt_fix_state_name(v->fix_state));
	rpt_set_str_opt(props, "fixedVersion", v->fixed_version);
	rpt_set_str(props, "severity", rpt_sev_label(v));
	rpt_set_str_opt(props, "layer",
			p ? rpt_layer_digest(r, p->layer) : NULL);

	in.rule_id = v->id;
	in.rule_index = rule_index;
	in.level = level_of(v);
	in.message = msg;
	in.location = sarif_location(p ? p->path : NULL, 0, p ? p->name : NULL,
				     p ? p->purl : NULL, "module");
	in.fingerprint = fp;
	in.suppressed = fd->suppressed;
	in.suppress_reason = fd->suppress_reason;
	in.props = props;
	return sarif_result(&in);
}

/* ---- secrets ------------------------------------------------------------ */

static int secret_visible(const struct scan_secret *sc,
			  const struct report_opts *o)
{
	return !sc->suppressed || o->show_suppressed;
}

static json_t *secret_rule_obj(const struct scan_secret *sc)
{
	struct sarif_rule_in in = {0};
	char full[512];
	const char *t[3] = {"security", "secret",
			    vuln_severity_name(sc->severity)};

	snprintf(full, sizeof(full),
		 "%s: a credential stored in a file of the image. Remove it "
		 "from the image, rotate it, and deliver it at run time.",
		 sc->title);
	in.id = sc->rule_id;
	in.name = sc->rule_id;
	in.short_text = sc->title;
	in.full_text = full;
	in.help_uri = "https://bulwark.dev/docs/scan#secrets";
	in.help_text = full;
	in.level = sev_level(1, sc->severity);
	in.tags = t;
	in.ntags = 3;
	return sarif_rule(&in);
}

static json_t *secret_result_obj(const struct scan_result *r,
				 const struct scan_secret *sc,
				 size_t rule_index)
{
	struct sarif_result_in in = {0};
	char msg[1024], fp[1024];
	json_t *props = json_object();

	(void)r;
	snprintf(msg, sizeof(msg), "%s found in %s at line %zu: %s",
		 sc->title, sc->path, sc->line, sc->match);
	snprintf(fp, sizeof(fp), "%s:%s:%zu", sc->rule_id, sc->path, sc->line);
	rpt_set_str(props, "severity", vuln_severity_name(sc->severity));
	rpt_set_str(props, "match", sc->match);
	rpt_set_str_opt(props, "layer",
			sc->layer_digest[0] ? sc->layer_digest : NULL);
	in.rule_id = sc->rule_id;
	in.rule_index = rule_index;
	in.level = sev_level(1, sc->severity);
	in.message = msg;
	in.location = sarif_location(sc->path, sc->line > 0 && sc->line < 1u << 30
						   ? (int)sc->line
						   : 0,
				     NULL, NULL, NULL);
	in.fingerprint = fp;
	in.suppressed = sc->suppressed;
	in.suppress_reason = sc->suppress_reason;
	in.props = props;
	return sarif_result(&in);
}

/* Rules and results for the visible secrets; rule indexes start at base. */
static int add_secrets(const struct scan_result *r, const struct report_opts *o,
		       json_t *rules, json_t *results, size_t base)
{
	const char **ids;
	size_t i, n = 0;

	if (!o->with_vulns || !r->nsecrets)
		return 0;
	ids = calloc(r->nsecrets, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	for (i = 0; i < r->nsecrets; i++)
		if (secret_visible(&r->secrets[i], o))
			ids[n++] = r->secrets[i].rule_id;
	unique_sorted(ids, n, &n);
	for (i = 0; i < n; i++)
		for (size_t k = 0; k < r->nsecrets; k++)
			if (secret_visible(&r->secrets[k], o) &&
			    !strcmp(r->secrets[k].rule_id, ids[i])) {
				json_array_append_new(
				    rules, secret_rule_obj(&r->secrets[k]));
				break;
			}
	for (i = 0; n && i < r->nsecrets; i++) {
		const struct scan_secret *sc = &r->secrets[i];
		const char **hit;

		if (!secret_visible(sc, o))
			continue;
		hit = bsearch(&sc->rule_id, ids, n, sizeof(*ids), cmp_str);
		json_array_append_new(
		    results, secret_result_obj(r, sc, base + (size_t)(hit - ids)));
	}
	free(ids);
	return 0;
}

int report_write_sarif(FILE *out, const struct scan_result *r,
		       const struct report_opts *o, struct bw_error *err)
{
	json_t *rules = json_array(), *results = json_array(), *props;
	const char **ids = NULL;
	size_t i, nids = 0;

	if (o->with_vulns && r->nfindings) {
		ids = calloc(r->nfindings, sizeof(*ids));
		if (!ids) {
			json_decref(rules);
			json_decref(results);
			return bw_errorf(err, -ENOMEM, NULL, 0, 0,
					 "out of memory");
		}
		for (i = 0; i < r->nfindings; i++)
			if (rpt_visible(&r->findings[i], o) &&
			    r->findings[i].vuln.id)
				ids[nids++] = r->findings[i].vuln.id;
		unique_sorted(ids, nids, &nids);
	}
	/* rules: the first visible finding of each id (findings come sorted
	 * by severity, so the most severe description wins) */
	for (i = 0; i < nids; i++) {
		size_t k;

		for (k = 0; k < r->nfindings; k++)
			if (rpt_visible(&r->findings[k], o) &&
			    r->findings[k].vuln.id &&
			    !strcmp(r->findings[k].vuln.id, ids[i]))
				break;
		json_array_append_new(rules, rule_obj(&r->findings[k]));
	}
	for (i = 0; nids && i < r->nfindings; i++) {
		const struct scan_finding *fd = &r->findings[i];
		const char **hit;

		if (!rpt_visible(fd, o) || !fd->vuln.id)
			continue;
		hit = bsearch(&fd->vuln.id, ids, nids, sizeof(*ids), cmp_str);
		json_array_append_new(results,
				      result_obj(r, fd, (size_t)(hit - ids)));
	}
	free(ids);
	if (add_secrets(r, o, rules, results, nids) < 0) {
		json_decref(rules);
		json_decref(results);
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	}

	props = json_object();
	rpt_set_str_opt(props, "target", r->target);
	rpt_set_str_opt(props, "imageRef", r->info.ref);
	rpt_set_str_opt(props, "manifestDigest", r->info.manifest_digest);
	rpt_set_str_opt(props, "configDigest", r->info.config_digest);
	return rpt_dump(
	    out,
	    sarif_document(o, rules, results,
			   sarif_invocation(r->problems, r->nproblems,
					    r->incomplete,
					    "the scan is incomplete: some of "
					    "the input could not be read"),
			   props),
	    err);
}

/* ---- policy findings ----------------------------------------------------- */

/* Rule metadata for an id: the report_rule when the producer listed it,
 * else the first finding with that id. */
struct policy_rule {
	const char *id, *name, *title, *rationale, *remediation;
	enum vuln_severity severity;
	const struct report_framework_ref *fw;
	size_t nfw;
};

static json_t *policy_rule_obj(const struct policy_rule *pr)
{
	struct sarif_rule_in in = {0};
	const char *tags[2 + REPORT_MAX_FRAMEWORKS];
	char uri[512], md[REPORT_MAX_TEXT * 2 + 64], full[REPORT_MAX_TEXT];
	json_t *extra = json_object(), *fws = json_array();
	size_t i, nt = 0;

	tags[nt++] = "security";
	tags[nt++] = vuln_severity_name(pr->severity);
	snprintf(uri, sizeof(uri), "%s/docs/k8s#%s", RPT_TOOL_URI, pr->id);
	snprintf(full, sizeof(full), "%s",
		 pr->rationale ? pr->rationale
			       : (pr->title ? pr->title : pr->id));
	snprintf(md, sizeof(md), "**%s**\n\n%s\n\nRemediation: %s",
		 pr->title ? pr->title : pr->id, full,
		 pr->remediation ? pr->remediation : "-");
	for (i = 0; i < pr->nfw; i++) {
		json_t *f = json_object();

		rpt_set_str(f, "framework", pr->fw[i].framework);
		rpt_set_str(f, "control", pr->fw[i].control);
		json_array_append_new(fws, f);
	}
	json_object_set_new(extra, "frameworks", fws);
	in.id = pr->id;
	in.name = pr->name;
	in.short_text = pr->title ? pr->title : pr->id;
	in.full_text = full;
	in.help_uri = uri;
	in.help_text = pr->remediation ? pr->remediation : full;
	in.help_md = md;
	in.level = sev_level(1, pr->severity);
	in.tags = tags;
	in.ntags = nt;
	in.security_severity = band_middle(1, pr->severity);
	in.extra_props = extra;
	return sarif_rule(&in);
}

static json_t *policy_result_obj(const struct report_finding *f,
				 size_t rule_index)
{
	struct sarif_result_in in = {0};
	char label[1024], fp[2048];
	json_t *props = json_object();

	if (f->kind || f->obj_name) {
		if (f->ns)
			snprintf(label, sizeof(label), "%s/%s/%s",
				 f->kind ? f->kind : "?", f->ns,
				 f->obj_name ? f->obj_name : "?");
		else
			snprintf(label, sizeof(label), "%s/%s",
				 f->kind ? f->kind : "?",
				 f->obj_name ? f->obj_name : "?");
	} else {
		label[0] = '\0';
	}
	snprintf(fp, sizeof(fp), "%s:%s:%d:%s:%s", f->id,
		 f->file ? f->file : "", f->doc, label, f->path ? f->path : "");
	rpt_set_str(props, "severity", vuln_severity_name(f->severity));
	rpt_set_str_opt(props, "object", label[0] ? label : NULL);
	rpt_set_str_opt(props, "container", f->container);
	rpt_set_str_opt(props, "fieldPath", f->path);
	if (f->doc >= 0)
		json_object_set_new(props, "document", json_integer(f->doc));
	rpt_set_str_opt(props, "remediation", f->remediation);

	in.rule_id = f->id;
	in.rule_index = rule_index;
	in.level = sev_level(1, f->severity);
	in.message = f->message ? f->message : f->title;
	in.location =
	    sarif_location(f->file, f->line, label[0] ? f->obj_name : NULL,
			   label[0] ? label : NULL, "object");
	in.fingerprint = fp;
	in.suppressed = f->suppressed;
	in.suppress_reason = f->suppress_reason;
	in.props = props;
	return sarif_result(&in);
}

static int cmp_prule(const void *a, const void *b)
{
	return strcmp(((const struct policy_rule *)a)->id,
		      ((const struct policy_rule *)b)->id);
}

int report_write_sarif_policy(FILE *out, const struct report_findings *s,
			      const struct report_opts *o, struct bw_error *err)
{
	json_t *rules = json_array(), *results = json_array(), *props;
	struct policy_rule *pr;
	size_t i, n = 0;

	pr = calloc(s->nrules + s->n + 1, sizeof(*pr));
	if (!pr) {
		json_decref(rules);
		json_decref(results);
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	}
	for (i = 0; i < s->nrules; i++) {
		const struct report_rule *r = &s->rules[i];

		pr[n++] = (struct policy_rule){
		    r->id,	    r->name,	 r->title,	r->rationale,
		    r->remediation, r->severity, r->frameworks, r->nframeworks};
	}
	if (n)
		qsort(pr, n, sizeof(*pr), cmp_prule);
	/* ids only findings know (a producer that listed no rules) */
	for (i = 0; i < s->n; i++) {
		const struct report_finding *f = &s->f[i];
		struct policy_rule key = {.id = f->id};
		size_t k;

		if (bsearch(&key, pr, n, sizeof(*pr), cmp_prule))
			continue;
		pr[n] = (struct policy_rule){
		    f->id,	    f->name,	 f->title,	f->rationale,
		    f->remediation, f->severity, f->frameworks, f->nframeworks};
		/* keep sorted: insertion */
		for (k = n; k > 0 && strcmp(pr[k - 1].id, pr[k].id) > 0; k--) {
			struct policy_rule t = pr[k];

			pr[k] = pr[k - 1];
			pr[k - 1] = t;
		}
		n++;
	}
	for (i = 0; i < n; i++)
		json_array_append_new(rules, policy_rule_obj(&pr[i]));
	for (i = 0; i < s->n; i++) {
		const struct report_finding *f = &s->f[i];
		struct policy_rule key = {.id = f->id};
		const struct policy_rule *hit;

		if (f->suppressed && !o->show_suppressed)
			continue;
		hit = bsearch(&key, pr, n, sizeof(*pr), cmp_prule);
		json_array_append_new(results,
				      policy_result_obj(f, (size_t)(hit - pr)));
	}
	free(pr);
	props = json_object();
	rpt_set_str_opt(props, "target", s->target);
	json_object_set_new(props, "objects",
			    json_integer((json_int_t)s->objects));
	return rpt_dump(
	    out,
	    sarif_document(o, rules, results,
			   sarif_invocation(s->problems, s->nproblems, 0, NULL),
			   props),
	    err);
}
