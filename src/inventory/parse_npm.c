/*
 * parse_npm.c - npm packages from an installed package's package.json
 * (node_modules/<name>/package.json, node_modules/@scope/<name>/...) and
 * from package-lock.json:
 *
 *   lockfileVersion 1   "dependencies": {"<name>": {"version": ...,
 *                        "dependencies": {nested, same shape}}}
 *   lockfileVersion 2/3 "packages": {"": root,
 *                        "node_modules/a": {"version": ...},
 *                        "node_modules/a/node_modules/@s/b": {...}}
 *                        (v2 also carries the v1 tree; "packages" wins)
 *
 * In the "packages" map the name is the entry's "name" when present (an
 * aliased install), else the key's part after its last "node_modules/".
 * The root "" entry and workspace folders (keys outside node_modules) are
 * the project itself, not dependencies, and "link": true entries point at
 * a folder listed separately: all three are skipped.  Development
 * dependencies are kept (not flagged): they are in the image.  Versions
 * that name a local folder ("file:...") are skipped.
 */
#include "inventory/inventory_int.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>

static json_t *load(struct inv_diag *d, const char *buf, size_t len)
{
	json_error_t jerr;
	json_t *root;

	if (len > INV_MAX_JSON) {
		inv_diag_warn(d, 0, "JSON file larger than %u bytes",
			      INV_MAX_JSON);
		return NULL;
	}
	root = json_loadb(buf, len, 0, &jerr);
	if (!root) {
		inv_diag_warn(d, jerr.line, "invalid JSON: %s", jerr.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		inv_diag_warn(d, 0, "JSON top level is not an object");
		json_decref(root);
		return NULL;
	}
	return root;
}

/* "license": "MIT" | {"type": "MIT"}; old "licenses": [{"type": ...}] */
static const char *license_of(json_t *o)
{
	json_t *l = json_object_get(o, "license");

	if (json_is_object(l))
		l = json_object_get(l, "type");
	if (!l) {
		l = json_object_get(o, "licenses");
		l = json_is_array(l) ? json_array_get(l, 0) : NULL;
		if (json_is_object(l))
			l = json_object_get(l, "type");
	}
	return json_is_string(l) ? json_string_value(l) : NULL;
}

/* Adds one package; a name or version that is not a plain token is
 * reported (when report) and skipped. */
static int add_pkg(struct inventory *inv, struct inv_diag *d, const char *name,
		   size_t nlen, json_t *entry, const char *path, int layer,
		   int report)
{
	json_t *jv = json_object_get(entry, "version");
	const char *v = json_string_value(jv), *lic;
	struct inv_package *p;

	if (!v || !strncmp(v, "file:", 5) || !strncmp(v, "link:", 5))
		return 0;
	if (!inv_valid_token(name, nlen, 1) ||
	    !inv_valid_token(v, json_string_length(jv), 1)) {
		if (report)
			inv_diag_warn(d, 0, "invalid package name or version");
		return 0;
	}
	p = inv_addn(inv, INV_NPM, name, nlen, v, json_string_length(jv), path,
		     layer);
	if (!p)
		return -ENOMEM;
	lic = license_of(entry);
	if (lic && *lic && strlen(lic) <= INV_MAX_LICENSE &&
	    inv_set(&p->license, lic))
		return -ENOMEM;
	return 0;
}

int inv_parse_npm_package_json(struct inventory *inv, const char *buf,
			       size_t len, const char *path, int layer,
			       inv_warn_fn warn, void *ctx)
{
	struct inv_diag d;
	json_t *root, *name;
	int rc = 0;

	inv_diag_init(&d, inv, warn, ctx, path);
	root = load(&d, buf, len);
	if (!root)
		return -EINVAL;
	/* a package.json without name and version is not an installed
	 * package (a nested module-type marker, a fixture): nothing to add */
	name = json_object_get(root, "name");
	if (json_is_string(name) && json_object_get(root, "version"))
		rc = add_pkg(inv, &d, json_string_value(name),
			     json_string_length(name), root, path, layer, 1);
	json_decref(root);
	return inv_diag_result(&d, rc);
}

static int walk_v1(struct inventory *inv, struct inv_diag *d, json_t *deps,
		   const char *path, int layer, int depth)
{
	const char *key;
	json_t *val;
	int rc;

	if (!json_is_object(deps))
		return 0;
	if (depth > INV_MAX_NPM_DEPTH) {
		inv_diag_warn(d, 0, "dependencies nested deeper than %d",
			      INV_MAX_NPM_DEPTH);
		return 0;
	}
	json_object_foreach(deps, key, val)
	{
		if (!json_is_object(val))
			continue;
		rc = add_pkg(inv, d, key, strlen(key), val, path, layer, 1);
		if (rc)
			return rc;
		rc = walk_v1(inv, d, json_object_get(val, "dependencies"), path,
			     layer, depth + 1);
		if (rc)
			return rc;
	}
	return 0;
}

static int walk_packages(struct inventory *inv, struct inv_diag *d,
			 json_t *pkgs, const char *path, int layer)
{
	static const char nm[] = "node_modules/";
	const char *key, *last, *s;
	json_t *val, *name;
	int rc;

	json_object_foreach(pkgs, key, val)
	{
		if (!*key || !json_is_object(val))
			continue;
		if (json_is_true(json_object_get(val, "link")))
			continue;
		for (last = NULL, s = key; (s = strstr(s, nm));
		     s += sizeof(nm) - 1)
			last = s + sizeof(nm) - 1;
		if (!last)
			continue; /* a workspace folder */
		name = json_object_get(val, "name");
		if (json_is_string(name))
			rc = add_pkg(inv, d, json_string_value(name),
				     json_string_length(name), val, path, layer,
				     1);
		else
			rc = add_pkg(inv, d, last, strlen(last), val, path,
				     layer, 1);
		if (rc)
			return rc;
	}
	return 0;
}

int inv_parse_npm_lock(struct inventory *inv, const char *buf, size_t len,
		       const char *path, int layer, inv_warn_fn warn, void *ctx)
{
	struct inv_diag d;
	json_t *root, *pkgs;
	int rc;

	inv_diag_init(&d, inv, warn, ctx, path);
	root = load(&d, buf, len);
	if (!root)
		return -EINVAL;
	pkgs = json_object_get(root, "packages");
	if (json_is_object(pkgs))
		rc = walk_packages(inv, &d, pkgs, path, layer);
	else
		rc = walk_v1(inv, &d, json_object_get(root, "dependencies"),
			     path, layer, 0);
	json_decref(root);
	return inv_diag_result(&d, rc);
}
