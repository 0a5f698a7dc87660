/*
 * checks_index.c - what the best-practice checks need to know about the
 * other objects of the set: the index built once per audit (NetworkPolicy
 * and PodDisruptionBudget selectors, ServiceAccounts with automount off)
 * and the label selector matching that decides whether a NetworkPolicy or
 * PDB selects a pod: a pod is selected by a selector of its namespace
 * (unset means "default") that matches its labels (matchLabels and
 * matchExpressions In/NotIn/Exists/DoesNotExist; an empty or missing
 * selector selects every pod).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/checks_int.h"

/* ---- index of the set ---------------------------------------------------- */

static int push(void **arr, size_t *n, size_t size, const void *item)
{
	char *na;

	if ((*n & (*n - 1)) == 0) { /* 0, 1, 2, 4...: grow to double */
		na = realloc(*arr, (*n ? *n * 2 : 1) * size);
		if (!na)
			return -ENOMEM;
		*arr = na;
	}
	memcpy((char *)*arr + *n * size, item, size);
	(*n)++;
	return 0;
}

void k8s_chk_index_free(struct chk_index *x)
{
	free(x->netpols);
	free(x->pdbs);
	free(x->sas);
}

int k8s_chk_index_build(const struct k8s_set *set, struct chk_index *x)
{
	size_t i;
	int rc = 0;

	memset(x, 0, sizeof(*x));
	for (i = 0; i < set->n && !rc; i++) {
		const struct k8s_object *o = &set->objs[i];
		struct chk_sel s;

		if (is_kind(o, "NetworkPolicy") ||
		    is_kind(o, "PodDisruptionBudget")) {
			int np = is_kind(o, "NetworkPolicy");

			s.ns = ns_of(o);
			s.selector = k8s_get(o->obj, np ? "spec.podSelector"
							: "spec.selector");
			if (np)
				rc = push((void **)&x->netpols, &x->nnetpols,
					  sizeof(s), &s);
			else if (s.selector) /* a PDB without selector
						selects nothing */
				rc = push((void **)&x->pdbs, &x->npdbs,
					  sizeof(s), &s);
		} else if (is_kind(o, "ServiceAccount") &&
			   json_is_false(json_object_get(
			       o->obj, "automountServiceAccountToken"))) {
			rc = push((void **)&x->sas, &x->nsas, sizeof(o), &o);
		}
	}
	if (rc)
		k8s_chk_index_free(x);
	return rc;
}

/* ---- label selectors ----------------------------------------------------- */

static int str_in(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i,
			   v) if (json_is_string(v) &&
				  !strcmp(json_string_value(v), s)) return 1;
	return 0;
}

/* Whether a LabelSelector selects labels (an object, may be NULL).  A
 * malformed selector (wrong types, unknown operator) selects nothing, as
 * the API server would refuse it. */
static int selector_matches(json_t *sel, json_t *labels)
{
	json_t *ml, *me, *v, *e;
	const char *k;
	size_t i;

	if (!sel || json_is_null(sel))
		return 1;
	if (!json_is_object(sel))
		return 0;
	ml = json_object_get(sel, "matchLabels");
	me = json_object_get(sel, "matchExpressions");
	if (ml && !json_is_null(ml)) {
		if (!json_is_object(ml))
			return 0;
		json_object_foreach(ml, k, v)
		{
			json_t *have = json_object_get(labels, k);

			if (!json_is_string(v) || !json_is_string(have) ||
			    strcmp(json_string_value(v),
				   json_string_value(have)))
				return 0;
		}
	}
	if (me && !json_is_null(me)) {
		if (!json_is_array(me))
			return 0;
		json_array_foreach(me, i, e)
		{
			const char *key =
			    json_string_value(json_object_get(e, "key"));
			const char *op =
			    json_string_value(json_object_get(e, "operator"));
			json_t *vals = json_object_get(e, "values");
			json_t *have;

			if (!key || !op)
				return 0;
			have = json_object_get(labels, key);
			if (!json_is_string(have))
				have = NULL;
			if (!strcmp(op, "In")) {
				if (!have || !json_is_array(vals) ||
				    !str_in(vals, json_string_value(have)))
					return 0;
			} else if (!strcmp(op, "NotIn")) {
				if (!json_is_array(vals))
					return 0;
				if (have &&
				    str_in(vals, json_string_value(have)))
					return 0;
			} else if (!strcmp(op, "Exists")) {
				if (!have)
					return 0;
			} else if (!strcmp(op, "DoesNotExist")) {
				if (have)
					return 0;
			} else {
				return 0;
			}
		}
	}
	return 1;
}

int k8s_chk_any_selects(const struct chk_sel *s, size_t n, const char *ns,
			json_t *labels)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s[i].ns, ns) &&
		    selector_matches(s[i].selector, labels))
			return 1;
	return 0;
}
