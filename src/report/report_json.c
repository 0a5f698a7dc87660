/*
 * report_json.c - Bulwark's own JSON report, schema "bulwark.scan/v1"
 * (docs/scan-json.md, tests/data/schemas/bulwark-scan-v1.schema.json).
 *
 * The document is the whole scan result: the artifact and its layers, the
 * operating system, every package, every finding (suppressed ones too,
 * flagged, so that a saved report keeps what was decided and why), the
 * input problems and the database used.  Keys come out in a fixed order;
 * absent values are null rather than missing so that consumers can rely on
 * every documented key being present.  Additions keep "v1"; a change of
 * meaning or a removal makes "v2".
 */
#include "report/report_int.h"
#include "vulndb/vulndb.h"

static json_t *artifact_obj(const struct scan_result *r)
{
	const struct image_info *in = &r->info;
	json_t *a = json_object(), *layers = json_array();
	size_t i;

	rpt_set_str(a, "kind", rpt_kind_name(in->kind));
	rpt_set_str(a, "ref", in->ref);
	rpt_set_str(a, "manifest_digest", in->manifest_digest);
	rpt_set_str(a, "config_digest", in->config_digest);
	rpt_set_str(a, "os", in->os);
	rpt_set_str(a, "arch", in->arch);
	rpt_set_str(a, "variant", in->variant);
	for (i = 0; in->layers && i < in->nlayers; i++) {
		const struct image_layer *l = &in->layers[i];
		json_t *lo = json_object();
		char d[sizeof(l->digest)], id[sizeof(l->diff_id)];

		snprintf(d, sizeof(d), "%.*s", (int)sizeof(d) - 1, l->digest);
		snprintf(id, sizeof(id), "%.*s", (int)sizeof(id) - 1,
			 l->diff_id);
		rpt_set_str(lo, "digest", d[0] ? d : NULL);
		rpt_set_str(lo, "diff_id", id[0] ? id : NULL);
		json_object_set_new(lo, "size",
				    json_integer((json_int_t)l->size));
		json_array_append_new(layers, lo);
	}
	json_object_set_new(a, "layers", layers);
	return a;
}

static json_t *os_obj(const struct inv_os *os)
{
	json_t *o = json_object();

	rpt_set_str(o, "id", os->id);
	rpt_set_str(o, "version_id", os->version_id);
	rpt_set_str(o, "codename", os->codename);
	rpt_set_str(o, "pretty_name", os->pretty_name);
	rpt_set_str(o, "id_like", os->id_like);
	json_object_set_new(o, "distroless", json_boolean(os->distroless));
	return o;
}

static json_t *package_obj(const struct scan_result *r,
			   const struct inv_package *p)
{
	json_t *o = json_object();

	rpt_set_str(o, "name", p->name);
	rpt_set_str(o, "version", p->version);
	rpt_set_str(o, "type", rpt_type_name(p->type));
	rpt_set_str(o, "purl", p->purl);
	rpt_set_str(o, "src_name", p->src_name);
	rpt_set_str(o, "src_version", p->src_version);
	rpt_set_str(o, "arch", p->arch);
	rpt_set_str(o, "license", p->license);
	rpt_set_str(o, "path", p->path);
	rpt_set_str(o, "layer", rpt_layer_digest(r, p->layer));
	return o;
}

static json_t *strv(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; v && i < n; i++)
		if (v[i])
			json_array_append_new(a, rpt_jstr(v[i]));
	return a;
}

static json_t *finding_obj(const struct scan_result *r,
			   const struct scan_finding *fd)
{
	const struct inv_package *p = rpt_pkg(r, fd);
	const struct vuln_match *v = &fd->vuln;
	json_t *o = json_object();

	rpt_set_str(o, "id", v->id);
	json_object_set_new(o, "aliases", strv(v->aliases, v->naliases));
	rpt_set_str(o, "package", p ? p->purl : NULL);
	rpt_set_str(o, "package_name", p ? p->name : NULL);
	rpt_set_str(o, "installed_version", p ? p->version : NULL);
	rpt_set_str(o, "ecosystem", fd->ecosystem);
	rpt_set_str(o, "severity", rpt_sev_label(v));
	json_object_set_new(o, "score",
			    v->score >= 0 ? json_real(v->score) : json_null());
	rpt_set_str(o, "cvss_vector", v->cvss_vector);
	rpt_set_str(o, "fix_state", rpt_fix_state_name(v->fix_state));
	rpt_set_str(o, "fixed_version", v->fixed_version);
	rpt_set_str(o, "summary", v->summary);
	rpt_set_str(o, "published", v->published);
	rpt_set_str(o, "modified", v->modified);
	json_object_set_new(o, "references",
			    strv(v->references, v->nreferences));
	rpt_set_str(o, "path", p ? p->path : NULL);
	rpt_set_str(o, "layer", p ? rpt_layer_digest(r, p->layer) : NULL);
	json_object_set_new(o, "suppressed", json_boolean(fd->suppressed));
	rpt_set_str(o, "suppress_reason",
		    fd->suppressed ? fd->suppress_reason : NULL);
	return o;
}

static json_t *problem_obj(const struct bw_error *e)
{
	json_t *o = json_object();
	char input[sizeof(e->input)], msg[sizeof(e->msg)];

	snprintf(input, sizeof(input), "%.*s", (int)sizeof(input) - 1,
		 e->input);
	snprintf(msg, sizeof(msg), "%.*s", (int)sizeof(msg) - 1, e->msg);
	rpt_set_str(o, "input", input[0] ? input : NULL);
	json_object_set_new(o, "line",
			    e->line > 0 ? json_integer(e->line) : json_null());
	json_object_set_new(
	    o, "column", e->column > 0 ? json_integer(e->column) : json_null());
	json_object_set_new(o, "code", json_integer(e->code));
	rpt_set_str(o, "message", msg);
	return o;
}

/* A secret: only its redacted form ever reaches a report. */
static json_t *secret_obj(const struct scan_secret *sc)
{
	json_t *j = json_object();

	rpt_set_str(j, "rule_id", sc->rule_id);
	rpt_set_str(j, "severity", vuln_severity_name(sc->severity));
	rpt_set_str(j, "title", sc->title);
	rpt_set_str(j, "path", sc->path);
	json_object_set_new(j, "layer", sc->layer >= 0
					    ? json_integer(sc->layer)
					    : json_null());
	rpt_set_str(j, "layer_digest",
		    sc->layer_digest[0] ? sc->layer_digest : NULL);
	json_object_set_new(j, "line", json_integer((json_int_t)sc->line));
	rpt_set_str(j, "match", sc->match);
	json_object_set_new(j, "suppressed", json_boolean(sc->suppressed));
	rpt_set_str(j, "suppress_reason", sc->suppress_reason);
	return j;
}

int report_write_json(FILE *out, const struct scan_result *r,
		      const struct report_opts *o, struct bw_error *err)
{
	json_t *root = json_object(), *a, *tool, *db, *sum;
	struct rpt_counts c;
	char ts[64], dbp[sizeof(r->db_path)], dbn[sizeof(r->db_newest)];
	size_t i;

	rpt_timestamp(o, ts, sizeof(ts));
	rpt_count(r, &c);
	json_object_set_new(root, "schema", json_string("bulwark.scan/v1"));
	tool = json_object();
	json_object_set_new(tool, "name", json_string(RPT_TOOL_NAME));
	rpt_set_str(tool, "version", o->tool_version);
	json_object_set_new(root, "tool", tool);
	rpt_set_str(root, "created", ts);
	rpt_set_str(root, "target", r->target);
	json_object_set_new(root, "artifact", artifact_obj(r));
	json_object_set_new(root, "os", os_obj(&r->inv.os));

	a = json_array();
	for (i = 0; i < r->inv.npkgs; i++)
		json_array_append_new(a, package_obj(r, &r->inv.pkgs[i]));
	json_object_set_new(root, "packages", a);

	a = json_array();
	for (i = 0; o->with_vulns && i < r->nfindings; i++)
		json_array_append_new(a, finding_obj(r, &r->findings[i]));
	json_object_set_new(root, "findings", a);

	a = json_array();
	for (i = 0; o->with_vulns && i < r->nsecrets; i++)
		json_array_append_new(a, secret_obj(&r->secrets[i]));
	json_object_set_new(root, "secrets", a);

	sum = json_object();
	json_object_set_new(sum, "total", json_integer((json_int_t)c.total));
	json_object_set_new(sum, "critical",
			    json_integer((json_int_t)c.critical));
	json_object_set_new(sum, "high", json_integer((json_int_t)c.high));
	json_object_set_new(sum, "medium", json_integer((json_int_t)c.medium));
	json_object_set_new(sum, "low", json_integer((json_int_t)c.low));
	json_object_set_new(sum, "unknown",
			    json_integer((json_int_t)c.unknown));
	json_object_set_new(sum, "suppressed",
			    json_integer((json_int_t)c.suppressed));
	json_object_set_new(root, "summary", sum);

	a = json_array();
	for (i = 0; i < r->nproblems; i++)
		json_array_append_new(a, problem_obj(&r->problems[i]));
	json_object_set_new(root, "problems", a);
	json_object_set_new(root, "incomplete", json_boolean(r->incomplete));

	db = json_object();
	snprintf(dbp, sizeof(dbp), "%.*s", (int)sizeof(r->db_path) - 1,
		 r->db_path);
	snprintf(dbn, sizeof(dbn), "%.*s", (int)sizeof(r->db_newest) - 1,
		 r->db_newest);
	rpt_set_str(db, "path", dbp[0] ? dbp : NULL);
	rpt_set_str(db, "newest_modified", dbn[0] ? dbn : NULL);
	json_object_set_new(root, "database", db);
	return rpt_dump(out, root, err);
}

/* ---- policy findings: schema "bulwark.audit/v1" ------------------------- */

static json_t *frameworks_arr(const struct report_framework_ref *fw, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *f = json_object();

		rpt_set_str(f, "framework", fw[i].framework);
		rpt_set_str(f, "control", fw[i].control);
		json_array_append_new(a, f);
	}
	return a;
}

static json_t *check_obj(const struct report_rule *r)
{
	json_t *c = json_object();

	rpt_set_str(c, "id", r->id);
	rpt_set_str(c, "name", r->name);
	rpt_set_str(c, "severity", vuln_severity_name(r->severity));
	rpt_set_str(c, "title", r->title);
	rpt_set_str(c, "rationale", r->rationale);
	rpt_set_str(c, "remediation", r->remediation);
	json_object_set_new(c, "frameworks",
			    frameworks_arr(r->frameworks, r->nframeworks));
	return c;
}

static json_t *int_or_null(int v, int min)
{
	return v >= min ? json_integer(v) : json_null();
}

static json_t *policy_finding_obj(const struct report_finding *f)
{
	json_t *j = json_object(), *loc = json_object(), *obj = json_object();

	rpt_set_str(j, "id", f->id);
	rpt_set_str(j, "name", f->name);
	rpt_set_str(j, "severity", vuln_severity_name(f->severity));
	rpt_set_str(j, "title", f->title);
	rpt_set_str(j, "message", f->message);
	rpt_set_str(j, "rationale", f->rationale);
	rpt_set_str(j, "remediation", f->remediation);
	rpt_set_str(loc, "file", f->file);
	json_object_set_new(loc, "document", int_or_null(f->doc, 0));
	json_object_set_new(loc, "item", int_or_null(f->item, 0));
	json_object_set_new(loc, "line", int_or_null(f->line, 1));
	rpt_set_str(obj, "kind", f->kind);
	rpt_set_str(obj, "namespace", f->ns);
	rpt_set_str(obj, "name", f->obj_name);
	json_object_set_new(loc, "object", obj);
	rpt_set_str(loc, "container", f->container);
	rpt_set_str(loc, "path", f->path);
	json_object_set_new(j, "location", loc);
	json_object_set_new(j, "frameworks",
			    frameworks_arr(f->frameworks, f->nframeworks));
	json_object_set_new(j, "suppressed", json_boolean(f->suppressed));
	rpt_set_str(j, "suppress_reason", f->suppress_reason);
	return j;
}

int report_write_json_policy(FILE *out, const struct report_findings *s,
			     const struct report_opts *o, struct bw_error *err)
{
	json_t *root = json_object(), *a, *tool, *sum;
	struct rpt_policy_counts c;
	char ts[64];
	size_t i;
	int sev;

	rpt_timestamp(o, ts, sizeof(ts));
	rpt_policy_count(s, &c);
	json_object_set_new(root, "schema", json_string("bulwark.audit/v1"));
	tool = json_object();
	json_object_set_new(tool, "name", json_string(RPT_TOOL_NAME));
	rpt_set_str(tool, "version", o->tool_version);
	json_object_set_new(root, "tool", tool);
	rpt_set_str(root, "created", ts);
	rpt_set_str(root, "target", s->target);

	sum = json_object();
	json_object_set_new(sum, "objects",
			    json_integer((json_int_t)s->objects));
	json_object_set_new(sum, "objects_with_findings",
			    json_integer((json_int_t)c.objects_with_findings));
	json_object_set_new(sum, "total", json_integer((json_int_t)c.total));
	for (sev = VULN_SEV_CRITICAL; sev >= VULN_SEV_NONE; sev--)
		json_object_set_new(sum, vuln_severity_name(sev),
				    json_integer((json_int_t)c.by_sev[sev]));
	json_object_set_new(sum, "suppressed",
			    json_integer((json_int_t)c.suppressed));
	json_object_set_new(root, "summary", sum);

	a = json_array();
	for (i = 0; i < s->nrules; i++)
		json_array_append_new(a, check_obj(&s->rules[i]));
	json_object_set_new(root, "checks", a);

	a = json_array();
	for (i = 0; i < s->n; i++)
		json_array_append_new(a, policy_finding_obj(&s->f[i]));
	json_object_set_new(root, "findings", a);

	a = json_array();
	for (i = 0; i < s->nproblems; i++)
		json_array_append_new(a, problem_obj(&s->problems[i]));
	json_object_set_new(root, "problems", a);
	return rpt_dump(out, root, err);
}
