/*
 * pss_helpers.c - what the Pod Security Standards checks (pss_baseline.c,
 * pss_restricted.c) share: the bounded text buffer, name lists kept as
 * upstream's sets (sorted, de-duplicated), Go's %q quoting and the joins
 * the controller's messages use, the containers of a pod in visiting order
 * and a security context's seccomp profile type.  The one-line accessors
 * are static inline in pss_int.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/pss_int.h"

/* ---- text helpers ----------------------------------------------------------
 */

void pss_buf_printf(struct pss_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->n;

		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? room : 0, fmt,
			      ap);
		va_end(ap);
		if (n < 0) {
			b->oom = 1;
			return;
		}
		if (b->p && (size_t)n < room) {
			b->n += (size_t)n;
			return;
		}
		size_t ncap = b->cap ? b->cap : 128;

		while (ncap < b->n + (size_t)n + 1)
			ncap *= 2;
		if (ncap > PSS_MAX_TEXT) {
			b->oom = 1; /* bounded: a pod with huge names */
			return;
		}
		char *np = realloc(b->p, ncap);

		if (!np) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
}

void pss_set_add(struct names *l, const char *s)
{
	s = s ? s : "";
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return;
	names_add(l, s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void pss_set_sort(struct names *l)
{
	qsort(l->v, l->n, sizeof(l->v[0]), cmp_str);
}

/* Go's %q for the strings manifests hold. */
void pss_put_quoted(struct pss_buf *b, const char *s)
{
	pss_buf_printf(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			pss_buf_printf(b, "\\%c", c);
		else if (c == '\n')
			pss_buf_printf(b, "\\n");
		else if (c == '\t')
			pss_buf_printf(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			pss_buf_printf(b, "\\x%02x", c);
		else
			pss_buf_printf(b, "%c", c);
	}
	pss_buf_printf(b, "\"");
}

void pss_join_quote(struct pss_buf *b, const struct names *l)
{
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			pss_buf_printf(b, ", ");
		pss_put_quoted(b, l->v[i]);
	}
}

void pss_join(struct pss_buf *b, const struct names *l, const char *sep)
{
	for (size_t i = 0; i < l->n; i++)
		pss_buf_printf(b, "%s%s", i ? sep : "", l->v[i]);
}

/* ---- pod access
 * -------------------------------------------------------------- */

static int collect_container(void *ctx, json_t *c, enum k8s_container_kind k,
			     const char *path)
{
	struct containers *cs = ctx;

	(void)k;
	(void)path;
	if (cs->n < PSS_MAX_NAMES)
		cs->c[cs->n++] = c;
	return 0;
}

void pss_containers_of(const struct pss_pod *p, struct containers *cs)
{
	cs->n = 0;
	k8s_each_container(p->spec, collect_container, cs);
}

/* "<containers "a", "b">" */
void pss_put_containers(struct pss_buf *b, const struct names *l)
{
	pss_buf_printf(b, "%s ", plural("container", "containers", l->n));
	pss_join_quote(b, l);
}

const char *pss_seccomp_type(json_t *sc, int *set)
{
	json_t *prof = obj(sc, "seccompProfile");
	const char *t;

	*set = prof != NULL;
	t = str(prof, "type");
	return t ? t : "";
}
