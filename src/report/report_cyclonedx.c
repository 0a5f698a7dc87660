/*
 * report_cyclonedx.c - CycloneDX 1.6 JSON: the image as metadata.component
 * (type container), the operating system as an operating-system component,
 * every package as a library component keyed by its purl, a dependency
 * entry saying the image holds them all, and with findings a
 * vulnerabilities[] array: one entry per finding (id and package), with its
 * OSV source, aliases as references, a rating per score (method from the
 * CVSS vector's version), the affected component and, for a suppressed
 * finding, an analysis (not_affected / resolved / false_positive from VEX;
 * an ignore-file entry is recorded as response will_not_fix).  Suppressed
 * findings are always written: a BOM is where such decisions are kept.
 *
 * bom-refs are unique: a package's purl, or the purl with "|<index>" when
 * two packages share a purl (the same package found at two paths).
 * serialNumber is a random UUID, or a derived one when opts->fixed_time
 * makes the output deterministic.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "vulndb/vulndb.h"

#define IMAGE_REF "bulwark:image"

struct refs {
	char **v;
	size_t n;
};

struct keyed {
	const char *s;
	size_t i;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

static void refs_free(struct refs *rf)
{
	size_t i;

	for (i = 0; rf->v && i < rf->n; i++)
		free(rf->v[i]);
	free(rf->v);
	rf->v = NULL;
}

static int refs_build(const struct scan_result *r, struct refs *rf)
{
	size_t n = r->inv.npkgs, i, leader = 0;
	struct keyed *idx;
	char buf[64];

	rf->n = n;
	rf->v = calloc(n ? n : 1, sizeof(*rf->v));
	idx = calloc(n ? n : 1, sizeof(*idx));
	if (!rf->v || !idx)
		goto oom;
	for (i = 0; i < n; i++) {
		if (r->inv.pkgs[i].purl) {
			rf->v[i] = strdup(r->inv.pkgs[i].purl);
		} else {
			snprintf(buf, sizeof(buf), "bulwark:package:%zu", i);
			rf->v[i] = strdup(buf);
		}
		if (!rf->v[i])
			goto oom;
		idx[i].s = rf->v[i];
		idx[i].i = i;
	}
	if (n)
		qsort(idx, n, sizeof(*idx), cmp_keyed);
	/* the first of a run of equal purls keeps it plain, the others get
	 * "|<index>" */
	for (i = 0; i < n; i++) {
		size_t len;
		char *s;

		if (i == 0 || strcmp(rf->v[idx[i].i], rf->v[leader])) {
			leader = idx[i].i;
			continue;
		}
		len = strlen(rf->v[idx[i].i]) + 24;
		s = malloc(len);
		if (!s)
			goto oom;
		snprintf(s, len, "%s|%zu", rf->v[idx[i].i], idx[i].i);
		free(rf->v[idx[i].i]);
		rf->v[idx[i].i] = s;
	}
	free(idx);
	return 0;
oom:
	free(idx);
	refs_free(rf);
	return -ENOMEM;
}

static void add_prop(json_t *props, const char *name, const char *value)
{
	json_t *p;

	if (!value)
		return;
	p = json_object();
	json_object_set_new(p, "name", json_string(name));
	json_object_set_new(p, "value", rpt_jstr(value));
	json_array_append_new(props, p);
}

static json_t *component_obj(const struct scan_result *r,
			     const struct inv_package *p, const char *ref)
{
	json_t *c = json_object(), *props = json_array();
	const char *colon =
	    p->type == INV_MAVEN && p->name ? strchr(p->name, ':') : NULL;

	json_object_set_new(c, "type", json_string("library"));
	rpt_set_str(c, "bom-ref", ref);
	if (colon) {
		char *group = strndup(p->name, (size_t)(colon - p->name));

		if (group) {
			rpt_set_str(c, "group", group);
			free(group);
		}
		rpt_set_str(c, "name", colon + 1);
	} else {
		rpt_set_str(c, "name", p->name ? p->name : "");
	}
	rpt_set_str_opt(c, "version", p->version);
	if (p->license) {
		json_t *lics = json_array(), *l = json_object(),
		       *lic = json_object();

		rpt_set_str(lic, "name", p->license);
		json_object_set_new(l, "license", lic);
		json_array_append_new(lics, l);
		json_object_set_new(c, "licenses", lics);
	}
	rpt_set_str_opt(c, "purl", p->purl);
	add_prop(props, "bulwark:type", rpt_type_name(p->type));
	add_prop(props, "bulwark:path", p->path);
	add_prop(props, "bulwark:layer", rpt_layer_digest(r, p->layer));
	if (p->src_name && (!p->name || strcmp(p->src_name, p->name)))
		add_prop(props, "bulwark:src_name", p->src_name);
	if (p->src_version &&
	    (!p->version || strcmp(p->src_version, p->version)))
		add_prop(props, "bulwark:src_version", p->src_version);
	add_prop(props, "bulwark:arch", p->arch);
	json_object_set_new(c, "properties", props);
	return c;
}

static json_t *os_component(const struct inv_os *os, char *ref, size_t len)
{
	json_t *c = json_object();

	snprintf(ref, len, "bulwark:os:%s@%s", os->id,
		 os->version_id ? os->version_id : "");
	json_object_set_new(c, "type", json_string("operating-system"));
	rpt_set_str(c, "bom-ref", ref);
	rpt_set_str(c, "name", os->id);
	rpt_set_str_opt(c, "version", os->version_id);
	rpt_set_str_opt(c, "description", os->pretty_name);
	return c;
}

static const char *method_of(const char *vector)
{
	if (!vector)
		return "other";
	if (!strncmp(vector, "CVSS:4.0/", 9))
		return "CVSSv4";
	if (!strncmp(vector, "CVSS:3.1/", 9))
		return "CVSSv31";
	if (!strncmp(vector, "CVSS:3.0/", 9))
		return "CVSSv3";
	return "CVSSv2";
}

static json_t *source_obj(const char *id)
{
	json_t *s = json_object();
	char url[512];

	json_object_set_new(s, "name", json_string("OSV"));
	snprintf(url, sizeof(url), "%s%s", RPT_OSV_URL, id ? id : "");
	json_object_set_new(s, "url", rpt_jstr(url));
	return s;
}

/* OpenVEX justifications with a CycloneDX equivalent. */
static const char *cdx_justification(const char *j, size_t n)
{
	static const struct {
		const char *from, *to;
	} map[] = {
	    {"vulnerable_code_not_present", "code_not_present"},
	    {"component_not_present", "code_not_present"},
	    {"vulnerable_code_not_in_execute_path", "code_not_reachable"},
	    {"inline_mitigations_already_exist",
	     "protected_by_mitigating_control"},
	    {"code_not_present", "code_not_present"},
	    {"code_not_reachable", "code_not_reachable"},
	    {"requires_configuration", "requires_configuration"},
	    {"requires_dependency", "requires_dependency"},
	    {"requires_environment", "requires_environment"},
	    {"protected_by_compiler", "protected_by_compiler"},
	    {"protected_at_runtime", "protected_at_runtime"},
	    {"protected_at_perimeter", "protected_at_perimeter"},
	    {"protected_by_mitigating_control",
	     "protected_by_mitigating_control"},
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].from) == n && !strncmp(map[i].from, j, n))
			return map[i].to;
	return NULL;
}

/* The analysis of a suppressed finding, from its reason
 * ("vex: <status> (<justification>)" or "ignore-file: <reason>"). */
static json_t *analysis_obj(const struct scan_finding *fd)
{
	const char *why = fd->suppress_reason ? fd->suppress_reason : "";
	json_t *a = json_object();

	if (!strncmp(why, "vex: ", 5)) {
		const char *st = why + 5, *open = strchr(st, '('), *close;
		const char *just = NULL;

		if (open && (close = strchr(open, ')')))
			just = cdx_justification(open + 1,
						 (size_t)(close - open - 1));
		if (open && !strncmp(open + 1, "false_positive", 14))
			json_object_set_new(a, "state",
					    json_string("false_positive"));
		else if (!strncmp(st, "fixed", 5))
			json_object_set_new(a, "state",
					    json_string("resolved"));
		else
			json_object_set_new(a, "state",
					    json_string("not_affected"));
		if (just)
			json_object_set_new(a, "justification",
					    json_string(just));
	} else {
		json_t *resp = json_array();

		json_array_append_new(resp, json_string("will_not_fix"));
		json_object_set_new(a, "response", resp);
	}
	rpt_set_str(a, "detail", why);
	return a;
}

static json_t *vuln_obj(const struct scan_result *r,
			const struct scan_finding *fd, const struct refs *rf)
{
	const struct vuln_match *v = &fd->vuln;
	const struct inv_package *p = rpt_pkg(r, fd);
	json_t *o = json_object(), *ratings = json_array(), *rating,
	       *affects = json_array(), *aff, *vers, *ver, *refs, *adv;
	size_t i;

	rpt_set_str(o, "id", v->id);
	json_object_set_new(o, "source", source_obj(v->id));
	if (v->naliases) {
		refs = json_array();
		for (i = 0; i < v->naliases; i++) {
			json_t *ref = json_object();

			if (!v->aliases[i])
				continue;
			rpt_set_str(ref, "id", v->aliases[i]);
			json_object_set_new(ref, "source",
					    source_obj(v->aliases[i]));
			json_array_append_new(refs, ref);
		}
		json_object_set_new(o, "references", refs);
	}
	rating = json_object();
	json_object_set_new(rating, "source", source_obj(v->id));
	if (v->score >= 0 && v->score <= 10)
		json_object_set_new(rating, "score", json_real(v->score));
	json_object_set_new(rating, "severity", json_string(rpt_sev_label(v)));
	json_object_set_new(
	    rating, "method",
	    json_string(v->score >= 0 ? method_of(v->cvss_vector) : "other"));
	if (v->score >= 0)
		rpt_set_str_opt(rating, "vector", v->cvss_vector);
	json_array_append_new(ratings, rating);
	json_object_set_new(o, "ratings", ratings);
	rpt_set_str_opt(o, "description", v->summary);
	rpt_set_str_opt(o, "detail", v->details);
	if (v->fix_state == VULN_FIX_FIXED && v->fixed_version) {
		char rec[1024];

		snprintf(rec, sizeof(rec), "Upgrade to %s or later.",
			 v->fixed_version);
		rpt_set_str(o, "recommendation", rec);
	}
	if (v->nreferences) {
		adv = json_array();
		for (i = 0; i < v->nreferences; i++) {
			json_t *a = json_object();

			if (!v->references[i])
				continue;
			rpt_set_str(a, "url", v->references[i]);
			json_array_append_new(adv, a);
		}
		json_object_set_new(o, "advisories", adv);
	}
	aff = json_object();
	rpt_set_str(aff, "ref", fd->pkg < rf->n ? rf->v[fd->pkg] : IMAGE_REF);
	if (p && p->version) {
		vers = json_array();
		ver = json_object();
		rpt_set_str(ver, "version", p->version);
		json_object_set_new(ver, "status", json_string("affected"));
		json_array_append_new(vers, ver);
		json_object_set_new(aff, "versions", vers);
	}
	json_array_append_new(affects, aff);
	json_object_set_new(o, "affects", affects);
	if (fd->suppressed)
		json_object_set_new(o, "analysis", analysis_obj(fd));
	return o;
}

int report_write_cyclonedx(FILE *out, const struct scan_result *r,
			   const struct report_opts *o, struct bw_error *err)
{
	json_t *root, *meta, *tools, *tcomps, *tool, *img, *comps, *deps, *dep,
	    *on;
	char uuid[37], urn[64], ts[64], osref[512], seed[1024];
	struct refs rf = {0};
	size_t i;

	if (refs_build(r, &rf))
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	snprintf(seed, sizeof(seed), "cyclonedx:%s",
		 r->target ? r->target : "");
	if (rpt_uuid(o, seed, uuid)) {
		refs_free(&rf);
		return bw_errorf(err, -EIO, NULL, 0, 0,
				 "cannot make a serial number");
	}
	snprintf(urn, sizeof(urn), "urn:uuid:%s", uuid);
	rpt_timestamp(o, ts, sizeof(ts));

	root = json_object();
	json_object_set_new(root, "$schema",
			    json_string("http://cyclonedx.org/schema/"
					"bom-1.6.schema.json"));
	json_object_set_new(root, "bomFormat", json_string("CycloneDX"));
	json_object_set_new(root, "specVersion", json_string("1.6"));
	json_object_set_new(root, "serialNumber", json_string(urn));
	json_object_set_new(root, "version", json_integer(1));

	meta = json_object();
	rpt_set_str(meta, "timestamp", ts);
	tools = json_object();
	tcomps = json_array();
	tool = json_object();
	json_object_set_new(tool, "type", json_string("application"));
	json_object_set_new(tool, "name", json_string(RPT_TOOL_NAME));
	rpt_set_str_opt(tool, "version", o->tool_version);
	json_array_append_new(tcomps, tool);
	json_object_set_new(tools, "components", tcomps);
	json_object_set_new(meta, "tools", tools);
	img = json_object();
	json_object_set_new(img, "type", json_string("container"));
	json_object_set_new(img, "bom-ref", json_string(IMAGE_REF));
	rpt_set_str(img, "name",
		    r->info.ref ? r->info.ref
				: (r->target ? r->target : "image"));
	rpt_set_str_opt(img, "version",
			r->info.manifest_digest ? r->info.manifest_digest
						: r->info.config_digest);
	json_object_set_new(meta, "component", img);
	json_object_set_new(root, "metadata", meta);

	comps = json_array();
	on = json_array();
	if (r->inv.os.id) {
		json_array_append_new(
		    comps, os_component(&r->inv.os, osref, sizeof(osref)));
		json_array_append_new(on, rpt_jstr(osref));
	}
	for (i = 0; i < r->inv.npkgs; i++) {
		json_array_append_new(
		    comps, component_obj(r, &r->inv.pkgs[i], rf.v[i]));
		json_array_append_new(on, rpt_jstr(rf.v[i]));
	}
	json_object_set_new(root, "components", comps);
	deps = json_array();
	dep = json_object();
	json_object_set_new(dep, "ref", json_string(IMAGE_REF));
	json_object_set_new(dep, "dependsOn", on);
	json_array_append_new(deps, dep);
	json_object_set_new(root, "dependencies", deps);

	if (o->with_vulns) {
		json_t *vulns = json_array();

		for (i = 0; i < r->nfindings; i++)
			json_array_append_new(
			    vulns, vuln_obj(r, &r->findings[i], &rf));
		json_object_set_new(root, "vulnerabilities", vulns);
	}
	refs_free(&rf);
	return rpt_dump(out, root, err);
}
