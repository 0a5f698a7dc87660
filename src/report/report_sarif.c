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
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "vulndb/vulndb.h"

static const char *level_of(const struct vuln_match *v)
{
	if (!v->severity_known)
		return "warning";
	switch (v->severity) {
	case VULN_SEV_CRITICAL:
	case VULN_SEV_HIGH:
		return "error";
	case VULN_SEV_MEDIUM:
		return "warning";
	default:
		return "note";
	}
}

/* 0 when there is nothing to say. */
static int security_severity(const struct vuln_match *v, char *buf, size_t len)
{
	static const char *const mid[] = {"0.0", "2.0", "5.5", "8.0", "9.5"};

	if (v->score >= 0 && v->score <= 10) {
		snprintf(buf, len, "%.1f", v->score);
		return 1;
	}
	if (!v->severity_known || (unsigned)v->severity > VULN_SEV_CRITICAL)
		return 0;
	snprintf(buf, len, "%s", mid[v->severity]);
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

static json_t *rule_obj(const struct scan_finding *fd)
{
	const struct vuln_match *v = &fd->vuln;
	json_t *rule = json_object(), *props = json_object(), *tags, *cfg,
	       *help;
	char ss[16], uri[512];

	rpt_set_str(rule, "id", v->id);
	json_object_set_new(rule, "shortDescription",
			    text_msg(v->summary ? v->summary : v->id));
	json_object_set_new(rule, "fullDescription",
			    text_msg(v->details
					 ? v->details
					 : (v->summary ? v->summary : v->id)));
	if (v->nreferences && v->references[0]) {
		rpt_set_str(rule, "helpUri", v->references[0]);
	} else {
		snprintf(uri, sizeof(uri), "%s%s", RPT_OSV_URL, v->id);
		rpt_set_str(rule, "helpUri", uri);
	}
	help = text_msg(v->details ? v->details
				   : (v->summary ? v->summary : v->id));
	json_object_set_new(rule, "help", help);
	cfg = json_object();
	json_object_set_new(cfg, "level", json_string(level_of(v)));
	json_object_set_new(rule, "defaultConfiguration", cfg);
	tags = json_array();
	json_array_append_new(tags, json_string("security"));
	json_array_append_new(tags, json_string("vulnerability"));
	json_array_append_new(tags, json_string(rpt_sev_label(v)));
	json_object_set_new(props, "tags", tags);
	if (security_severity(v, ss, sizeof(ss)))
		json_object_set_new(props, "security-severity",
				    json_string(ss));
	json_object_set_new(rule, "properties", props);
	return rule;
}

static json_t *result_obj(const struct scan_result *r,
			  const struct scan_finding *fd, size_t rule_index)
{
	const struct inv_package *p = rpt_pkg(r, fd);
	const struct vuln_match *v = &fd->vuln;
	json_t *res = json_object(), *locs = json_array(), *loc, *fp, *props;
	char msg[2048];

	rpt_set_str(res, "ruleId", v->id);
	json_object_set_new(res, "ruleIndex",
			    json_integer((json_int_t)rule_index));
	json_object_set_new(res, "level", json_string(level_of(v)));
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
	json_object_set_new(res, "message", text_msg(msg));

	loc = json_object();
	if (p && p->path) {
		char *u = uri_encode(p->path);
		json_t *phys = json_object(), *al = json_object();

		if (u) {
			json_object_set_new(al, "uri", rpt_jstr(u));
			free(u);
		}
		json_object_set_new(phys, "artifactLocation", al);
		json_object_set_new(loc, "physicalLocation", phys);
	}
	if (p && p->purl) {
		json_t *ll = json_array(), *l = json_object();

		rpt_set_str(l, "name", p->name);
		rpt_set_str(l, "fullyQualifiedName", p->purl);
		json_object_set_new(l, "kind", json_string("module"));
		json_array_append_new(ll, l);
		json_object_set_new(loc, "logicalLocations", ll);
	}
	json_array_append_new(locs, loc);
	json_object_set_new(res, "locations", locs);

	fp = json_object();
	snprintf(msg, sizeof(msg), "%s:%s", v->id, p && p->purl ? p->purl : "");
	json_object_set_new(fp, "bulwark/v1", rpt_jstr(msg));
	json_object_set_new(res, "partialFingerprints", fp);

	if (fd->suppressed) {
		json_t *sup = json_array(), *s = json_object();

		json_object_set_new(s, "kind", json_string("external"));
		json_object_set_new(s, "status", json_string("accepted"));
		rpt_set_str_opt(s, "justification", fd->suppress_reason);
		json_array_append_new(sup, s);
		json_object_set_new(res, "suppressions", sup);
	}

	props = json_object();
	rpt_set_str(props, "purl", p ? p->purl : NULL);
	rpt_set_str(props, "installedVersion", p ? p->version : NULL);
	rpt_set_str(props, "fixState", rpt_fix_state_name(v->fix_state));
	rpt_set_str_opt(props, "fixedVersion", v->fixed_version);
	rpt_set_str(props, "severity", rpt_sev_label(v));
	rpt_set_str_opt(props, "layer",
			p ? rpt_layer_digest(r, p->layer) : NULL);
	json_object_set_new(res, "properties", props);
	return res;
}

static json_t *invocation_obj(const struct scan_result *r)
{
	json_t *inv = json_object(), *notes = json_array();
	size_t i;

	json_object_set_new(inv, "executionSuccessful", json_true());
	for (i = 0; i < r->nproblems; i++) {
		struct bw_error e = r->problems[i];
		json_t *n = json_object();
		char buf[1024];

		e.input[sizeof(e.input) - 1] = '\0';
		e.msg[sizeof(e.msg) - 1] = '\0';
		json_object_set_new(n, "level", json_string("warning"));
		json_object_set_new(
		    n, "message", text_msg(bw_error_str(&e, buf, sizeof(buf))));
		json_array_append_new(notes, n);
	}
	if (r->incomplete) {
		json_t *n = json_object();

		json_object_set_new(n, "level", json_string("warning"));
		json_object_set_new(n, "message",
				    text_msg("the scan is incomplete: some of "
					     "the input could not be read"));
		json_array_append_new(notes, n);
	}
	json_object_set_new(inv, "toolExecutionNotifications", notes);
	return inv;
}

int report_write_sarif(FILE *out, const struct scan_result *r,
		       const struct report_opts *o, struct bw_error *err)
{
	json_t *root = json_object(), *runs = json_array(),
	       *run = json_object(), *tool = json_object(),
	       *driver = json_object(), *rules = json_array(),
	       *results = json_array(), *invs, *props;
	const char **ids = NULL;
	size_t i, nids = 0, u = 0;

	if (o->with_vulns && r->nfindings) {
		ids = calloc(r->nfindings, sizeof(*ids));
		if (!ids) {
			json_decref(root);
			json_decref(runs);
			json_decref(run);
			json_decref(tool);
			json_decref(driver);
			json_decref(rules);
			json_decref(results);
			return bw_errorf(err, -ENOMEM, NULL, 0, 0,
					 "out of memory");
		}
		for (i = 0; i < r->nfindings; i++)
			if (rpt_visible(&r->findings[i], o) &&
			    r->findings[i].vuln.id)
				ids[nids++] = r->findings[i].vuln.id;
		if (nids)
			qsort(ids, nids, sizeof(*ids), cmp_str);
		for (i = 0; i < nids; i++)
			if (!u || strcmp(ids[u - 1], ids[i]))
				ids[u++] = ids[i];
		nids = u;
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
	invs = json_array();
	json_array_append_new(invs, invocation_obj(r));
	json_object_set_new(run, "invocations", invs);
	json_object_set_new(run, "results", results);
	props = json_object();
	rpt_set_str_opt(props, "target", r->target);
	rpt_set_str_opt(props, "imageRef", r->info.ref);
	rpt_set_str_opt(props, "manifestDigest", r->info.manifest_digest);
	rpt_set_str_opt(props, "configDigest", r->info.config_digest);
	json_object_set_new(run, "properties", props);
	json_array_append_new(runs, run);
	json_object_set_new(root, "runs", runs);
	return rpt_dump(out, root, err);
}
