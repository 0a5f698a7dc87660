/*
 * checks_emit.c - how a best-practice check reports: the bulwark.io/ignore
 * annotations (an object's own and its pod template's) that suppress a
 * finding, and the emitters that turn a check's message into a finding at
 * an object, pod spec or container field path.
 *
 * Messages include strings from the manifest; the report writers escape
 * them for their format.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "k8s/checks_int.h"

#define CHK_MSG_MAX 1024

/* ---- ignore annotations -------------------------------------------------- */

const char *k8s_chk_annotation(json_t *meta, const char *key)
{
	json_t *a =
	    json_is_object(meta) ? json_object_get(meta, "annotations") : NULL;

	return json_string_value(json_is_object(a) ? json_object_get(a, key)
						   : NULL);
}

/* Whether the comma/space separated list names id (or "*" / "all"). */
static int list_has(const char *list, const char *id)
{
	size_t idlen = strlen(id);
	const char *p = list;

	while (p && *p) {
		size_t n;

		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		n = strcspn(p, ", \t");
		if (!n)
			break;
		if ((n == idlen && !strncasecmp(p, id, n)) ||
		    (n == 1 && *p == '*') ||
		    (n == 3 && !strncasecmp(p, "all", 3)))
			return 1;
		p += n;
	}
	return 0;
}

void k8s_chk_ignore_init(struct chk_ignore *ig, const struct k8s_object *o,
			 json_t *pod_meta)
{
	ig->meta[0] = o ? json_object_get(o->obj, "metadata") : NULL;
	ig->meta[1] = pod_meta;
	for (size_t i = 0; i < 2; i++)
		ig->list[i] =
		    k8s_chk_annotation(ig->meta[i], "bulwark.io/ignore");
}

static int ignore_match(const struct chk_ignore *ig, const char *id,
			const char **ret_reason)
{
	for (size_t i = 0; i < 2; i++) {
		if (ig->list[i] && list_has(ig->list[i], id)) {
			if (ret_reason)
				*ret_reason = k8s_chk_annotation(
				    ig->meta[i], "bulwark.io/ignore-reason");
			return 1;
		}
	}
	return 0;
}

int k8s_ignored(const struct k8s_object *o, json_t *pod_meta, const char *id,
		const char **ret_reason)
{
	struct chk_ignore ig;

	if (!id)
		return 0;
	k8s_chk_ignore_init(&ig, o, pod_meta);
	return ignore_match(&ig, id, ret_reason);
}

/* ---- emitting ------------------------------------------------------------ */

static void __attribute__((format(printf, 3, 0)))
vemit(struct k8s_check_ctx *c, const char *path, const char *fmt, va_list ap)
{
	const struct k8s_check *k = c->check;
	struct report_finding f = {0};
	char msg[CHK_MSG_MAX], why[CHK_MSG_MAX];
	const char *reason = NULL;
	int rc;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	f.id = k->id;
	f.name = k->name;
	f.severity = k->severity;
	f.title = k->title;
	f.message = msg;
	f.remediation = k->remediation;
	f.rationale = k->rationale;
	f.file = c->o->file;
	f.doc = c->o->doc;
	f.item = c->o->item;
	f.line = c->o->line;
	f.kind = c->o->kind;
	f.ns = c->o->ns;
	f.obj_name = c->o->name;
	f.container = c->cname;
	f.path = path;
	f.frameworks = k->frameworks;
	f.nframeworks = k->nframeworks;
	if (ignore_match(c->ignore, k->id, &reason)) {
		f.suppressed = 1;
		snprintf(why, sizeof(why), "annotation bulwark.io/ignore: %s",
			 reason ? reason : "(no reason given)");
		f.suppress_reason = why;
	}
	rc = report_findings_add(c->out, &f);
	if (rc && !c->rc)
		c->rc = rc;
}

/* What snprintf(buf, size, "%s.%s[.%s]", a, b, c) writes (a and b not
 * NULL, c may be), without the formatting machinery: every finding has
 * such a path. */
static void join_path(char *buf, size_t size, const char *a, const char *b,
		      const char *c)
{
	const char *parts[3] = {a, b, c};
	size_t len = 0;

	for (size_t i = 0; i < 3 && parts[i]; i++) {
		size_t n = strlen(parts[i]);

		if (i && len + 1 < size)
			buf[len++] = '.';
		if (n > size - 1 - len)
			n = size - 1 - len;
		memcpy(buf + len, parts[i], n);
		len += n;
	}
	buf[len] = '\0';
}

/* A finding at an object field ("spec.replicas"). */
void __attribute__((format(printf, 3, 4)))
k8s_chk_emit_obj(struct k8s_check_ctx *c, const char *field, const char *fmt,
		 ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit(c, field, fmt, ap);
	va_end(ap);
}

/* A finding at a pod spec field ("hostNetwork"). */
void __attribute__((format(printf, 3, 4)))
k8s_chk_emit_pod(struct k8s_check_ctx *c, const char *field, const char *fmt,
		 ...)
{
	char path[CHK_PATH_MAX];
	va_list ap;

	join_path(path, sizeof(path), c->spec_path, field, NULL);
	va_start(ap, fmt);
	vemit(c, path, fmt, ap);
	va_end(ap);
}

/* A finding at a container field ("securityContext.privileged"). */
void __attribute__((format(printf, 3, 4)))
k8s_chk_emit_ctr(struct k8s_check_ctx *c, const char *field, const char *fmt,
		 ...)
{
	char path[CHK_PATH_MAX];
	va_list ap;

	join_path(path, sizeof(path), c->spec_path, c->cpath,
		  field && *field ? field : NULL);
	va_start(ap, fmt);
	vemit(c, path, fmt, ap);
	va_end(ap);
}
