/*
 * object.c - the object model's helpers: the set of objects, pod specs of
 * workloads, container iteration, path lookup and labels.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/k8s.h"

static const char *str_at(json_t *obj, const char *a, const char *b)
{
	json_t *v = json_object_get(obj, a);

	if (b)
		v = json_is_object(v) ? json_object_get(v, b) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int k8s_set_add(struct k8s_set *set, json_t *obj, const char *file, int doc,
		int item, int line)
{
	struct k8s_object *o;

	if (!set || !obj)
		return -EINVAL;
	if (set->n >= K8S_MAX_OBJECTS)
		return -E2BIG;
	if (set->n == set->cap) {
		size_t ncap = set->cap ? set->cap * 2 : 64;
		struct k8s_object *no = realloc(set->objs, ncap * sizeof(*no));

		if (!no)
			return -ENOMEM;
		set->objs = no;
		set->cap = ncap;
	}
	o = &set->objs[set->n];
	memset(o, 0, sizeof(*o));
	o->file = strdup(file ? file : "");
	if (!o->file)
		return -ENOMEM;
	o->obj = json_incref(obj);
	o->doc = doc;
	o->item = item;
	o->line = line;
	o->api_version = str_at(obj, "apiVersion", NULL);
	o->kind = str_at(obj, "kind", NULL);
	o->name = str_at(obj, "metadata", "name");
	if (!o->name)
		o->name = str_at(obj, "metadata", "generateName");
	o->ns = str_at(obj, "metadata", "namespace");
	set->n++;
	return 0;
}

void k8s_set_free(struct k8s_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++) {
		json_decref(set->objs[i].obj);
		free(set->objs[i].file);
	}
	free(set->objs);
	memset(set, 0, sizeof(*set));
}

/* Workload kinds and where their pod template lives. */
static const struct {
	const char *kind;
	const char *tmpl; /* path of the template (metadata + spec), "" for
			     the object itself */
	const char *spec_path;
} workloads[] = {
	{"Pod", "", "spec"},
	{"Deployment", "spec.template", "spec.template.spec"},
	{"StatefulSet", "spec.template", "spec.template.spec"},
	{"DaemonSet", "spec.template", "spec.template.spec"},
	{"ReplicaSet", "spec.template", "spec.template.spec"},
	{"ReplicationController", "spec.template", "spec.template.spec"},
	{"Job", "spec.template", "spec.template.spec"},
	{"CronJob", "spec.jobTemplate.spec.template",
	 "spec.jobTemplate.spec.template.spec"},
	{"PodTemplate", "template", "template.spec"},
};

int k8s_pod_spec(const struct k8s_object *o, json_t **ret_spec,
		 json_t **ret_meta, const char **ret_path)
{
	if (!o || !o->kind)
		return -ENOENT;
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		json_t *t, *spec;

		if (strcmp(o->kind, workloads[i].kind))
			continue;
		t = *workloads[i].tmpl ? k8s_get(o->obj, workloads[i].tmpl)
				       : o->obj;
		spec = json_is_object(t) ? json_object_get(t, "spec") : NULL;
		if (!json_is_object(spec))
			return -ENOENT;
		if (ret_spec)
			*ret_spec = spec;
		if (ret_meta) {
			json_t *m = json_object_get(t, "metadata");

			*ret_meta = json_is_object(m) ? m : NULL;
		}
		if (ret_path)
			*ret_path = workloads[i].spec_path;
		return 0;
	}
	return -ENOENT;
}

int k8s_each_container(json_t *spec,
		       int (*fn)(void *ctx, json_t *c,
				 enum k8s_container_kind kind,
				 const char *path),
		       void *ctx)
{
	static const struct {
		const char *field;
		enum k8s_container_kind kind;
	} lists[] = {
		{"initContainers", K8S_INIT_CONTAINER},
		{"containers", K8S_CONTAINER},
		{"ephemeralContainers", K8S_EPHEMERAL_CONTAINER},
	};

	if (!json_is_object(spec))
		return 0;
	for (size_t l = 0; l < 3; l++) {
		json_t *arr = json_object_get(spec, lists[l].field), *c;
		size_t i;

		if (!json_is_array(arr))
			continue;
		json_array_foreach(arr, i, c)
		{
			char path[64];
			int rc;

			if (!json_is_object(c))
				continue;
			snprintf(path, sizeof(path), "%s[%zu]", lists[l].field,
				 i);
			rc = fn(ctx, c, lists[l].kind, path);
			if (rc)
				return rc;
		}
	}
	return 0;
}

json_t *k8s_get(json_t *obj, const char *dotted)
{
	const char *p = dotted;

	while (obj && p && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char key[256];

		if (n >= sizeof(key) || !json_is_object(obj))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		obj = json_object_get(obj, key);
		p = dot ? dot + 1 : NULL;
	}
	return obj;
}

const char *k8s_object_label(const struct k8s_object *o, char *buf,
			     size_t len)
{
	if (o->ns)
		snprintf(buf, len, "%s/%s/%s", o->kind ? o->kind : "?", o->ns,
			 o->name ? o->name : "?");
	else
		snprintf(buf, len, "%s/%s", o->kind ? o->kind : "?",
			 o->name ? o->name : "?");
	return buf;
}
