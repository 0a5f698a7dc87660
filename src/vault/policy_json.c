/*
 * policy_json.c - the JSON form of the ACL policy language (policy_parse.c
 * has the overview): {"path": {"<path>": {rule}}} with "path" also a list
 * of such objects and a path's value also a list of rules (merged); a
 * rule's capabilities, old "policy" and constraints.  Jansson gives no
 * positions inside a decoded document, so errors name the path and the
 * attribute instead.
 */
#include <errno.h>
#include <string.h>

#include <jansson.h>

#include "vault/policy_internal.h"
#include "vault/token_int.h" /* vault_duration_parse */
#include "vault/vault.h"

static int json_caps(json_t *rule, const char *path, unsigned *caps,
		     const char *input, struct bw_error *err)
{
	json_t *v;
	size_t i;

	if (!json_is_object(rule))
		return bw_errorf(err, -EINVAL, input, 0, 0,
				 "path \"%.64s\": expected an object", path);
	v = json_object_get(rule, "capabilities");
	if (v) {
		json_t *c;

		if (!json_is_array(v))
			return bw_errorf(err, -EINVAL, input, 0, 0,
					 "path \"%.64s\": capabilities must be "
					 "a list of strings",
					 path);
		json_array_foreach(v, i, c)
		{
			unsigned bit = 0;

			if (json_is_string(c))
				bit = vault_cap_lookup(json_string_value(c),
						       json_string_length(c));
			if (!bit)
				return bw_errorf(err, -EINVAL, input, 0, 0,
						 "path \"%.64s\": invalid "
						 "capability \"%.64s\"",
						 path,
						 json_is_string(c)
						     ? json_string_value(c)
						     : "(not a string)");
			*caps |= bit;
		}
	}
	v = json_object_get(rule, "policy");
	if (v) {
		unsigned old;

		if (!json_is_string(v) ||
		    vault_old_policy_lookup(json_string_value(v),
					    json_string_length(v), &old))
			return bw_errorf(err, -EINVAL, input, 0, 0,
					 "path \"%.64s\": invalid policy",
					 path);
		*caps |= old;
	}
	return 0;
}

/* allowed_parameters / denied_parameters (attr) of a JSON rule, if present,
 * into *map. */
static int json_param_map(json_t *rule, const char *attr, const char *path,
			  json_t **map, const char *input, struct bw_error *err)
{
	json_t *m = json_object_get(rule, attr), *v;
	const char *name;

	if (!m)
		return 0;
	if (!json_is_object(m))
		return bw_errorf(err, -EINVAL, input, 0, 0,
				 "path \"%.64s\": %s must be an object of "
				 "parameter names to lists of values",
				 path, attr);
	json_object_foreach(m, name, v)
	{
		int rc;

		if (!json_is_array(v))
			return bw_errorf(err, -EINVAL, input, 0, 0,
					 "path \"%.64s\": %s \"%.64s\": "
					 "expected a list of values",
					 path, attr, name);
		rc = vault_param_map_add(map, name, strlen(name), v);
		if (rc == -E2BIG)
			return bw_errorf(err, rc, input, 0, 0,
					 "path \"%.64s\": %s: more than %d "
					 "parameter names, or more than %d "
					 "values for \"%.64s\"",
					 path, attr, VAULT_POLICY_MAX_PARAMS,
					 VAULT_POLICY_MAX_PARAM_VALUES, name);
		if (rc)
			return bw_errorf(err, rc, input, 0, 0,
					 "path \"%.64s\": %s: %s", path, attr,
					 rc == -ENOMEM ? "out of memory"
						       : "invalid name");
	}
	return 0;
}

/* The constraints of one JSON rule object into *p. */
static int json_constraints(json_t *rule, const char *path,
			    struct vault_rule_params *p, const char *input,
			    struct bw_error *err)
{
	static const char *const ttls[] = {"min_wrapping_ttl",
					   "max_wrapping_ttl"};
	int64_t *ttl_dst[] = {&p->min_wrap, &p->max_wrap};
	json_t *v;
	size_t i;
	int rc;

	if ((rc = json_param_map(rule, "allowed_parameters", path, &p->allowed,
				 input, err)) ||
	    (rc = json_param_map(rule, "denied_parameters", path, &p->denied,
				 input, err)))
		return rc;
	v = json_object_get(rule, "required_parameters");
	if (v && !json_is_array(v))
		return bw_errorf(err, -EINVAL, input, 0, 0,
				 "path \"%.64s\": required_parameters must "
				 "be a list of strings",
				 path);
	for (i = 0; i < json_array_size(v); i++) {
		json_t *s = json_array_get(v, i);

		if (!json_is_string(s))
			return bw_errorf(err, -EINVAL, input, 0, 0,
					 "path \"%.64s\": required_parameters "
					 "must be a list of strings",
					 path);
		rc = vault_required_add(&p->required, json_string_value(s),
					json_string_length(s));
		if (rc)
			return bw_errorf(
			    err, rc, input, 0, 0, "path \"%.64s\": %s", path,
			    rc == -E2BIG ? "too many required_parameters"
					 : "invalid required_parameters");
	}
	for (i = 0; i < 2; i++) {
		v = json_object_get(rule, ttls[i]);
		if (v && vault_duration_parse(v, ttl_dst[i]))
			return bw_errorf(err, -EINVAL, input, 0, 0,
					 "path \"%.64s\": error parsing %s: "
					 "not a duration (seconds, or e.g. "
					 "\"90s\", \"15m\", \"1h\")",
					 path, ttls[i]);
	}
	if (p->min_wrap && p->max_wrap && p->max_wrap < p->min_wrap)
		return bw_errorf(err, -EINVAL, input, 0, 0,
				 "path \"%.64s\": max_wrapping_ttl cannot be "
				 "less than min_wrapping_ttl",
				 path);
	return 0;
}

/* One JSON rule object: capabilities into *caps, constraints merged into
 * *p (as two rules for one path merge). */
static int json_rule(json_t *rule, const char *path, unsigned *caps,
		     struct vault_rule_params *p, const char *input,
		     struct bw_error *err)
{
	struct vault_rule_params one = {0};
	int rc;

	if ((rc = json_caps(rule, path, caps, input, err)))
		return rc;
	rc = json_constraints(rule, path, &one, input, err);
	if (!rc && vault_rule_params_merge(p, &one))
		rc = bw_errorf(err, -ENOMEM, input, 0, 0, "out of memory");
	vault_rule_params_clear(&one);
	return rc;
}

/* One {"<path>": {...} | [{...}, ...], ...} object. */
static int json_paths(json_t *obj, struct vault_policy *pol, const char *input,
		      struct bw_error *err)
{
	const char *key;
	json_t *val;

	if (!json_is_object(obj))
		return bw_errorf(err, -EINVAL, input, 0, 0,
				 "\"path\" must be an object of paths");
	json_object_foreach(obj, key, val)
	{
		struct vault_rule_params params = {0};
		unsigned caps = 0;
		int rc = 0;

		if (json_is_array(val)) {
			size_t i;
			json_t *r;

			json_array_foreach(val, i, r)
			{
				if ((rc = json_rule(r, key, &caps, &params,
						    input, err)))
					break;
			}
		} else {
			rc = json_rule(val, key, &caps, &params, input, err);
		}
		if (!rc)
			rc = vault_policy_rule_add(pol, key, strlen(key), caps,
						   &params, input, 0, 0, err);
		vault_rule_params_clear(&params);
		if (rc)
			return rc;
	}
	return 0;
}

int vault_policy_parse_json(const char *text, size_t len,
			    struct vault_policy *pol, const char *input,
			    struct bw_error *err)
{
	json_error_t jerr;
	json_t *root, *val;
	const char *key;
	int rc = 0;

	root = json_loadb(text, len, 0, &jerr);
	if (!root)
		return bw_errorf(err, -EINVAL, input, jerr.line, jerr.column,
				 "invalid JSON: %s", jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return bw_errorf(err, -EINVAL, input, 1, 1,
				 "a JSON policy must be an object");
	}
	json_object_foreach(root, key, val)
	{
		if (strcmp(key, "name") == 0)
			continue;
		if (strcmp(key, "path") != 0) {
			rc = bw_errorf(err, -EINVAL, input, 0, 0,
				       "unknown top-level key \"%.64s\" "
				       "(expected \"path\")",
				       key);
			break;
		}
		if (json_is_array(val)) {
			size_t i;
			json_t *o;

			json_array_foreach(val, i, o)
			{
				if ((rc = json_paths(o, pol, input, err)))
					break;
			}
		} else {
			rc = json_paths(val, pol, input, err);
		}
		if (rc)
			break;
	}
	json_decref(root);
	return rc;
}
