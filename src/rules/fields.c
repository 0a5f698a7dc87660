/*
 * fields.c - the field registry shared by the extractor tables in
 * fields_*.c: name lookup (including "evt.arg.NAME" style keys), argument
 * parsing, the per-event scratch arena, value helpers, ancestor walking and
 * the bounded uid/gid -> name cache read from <root>/etc/passwd and group.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_int.h"

#define USERCACHE_MAX 8192
#define USERCACHE_NAME_MAX 64

static const struct {
	const struct field_def *t;
	const size_t *n;
} tables[] = {
	{ bw_fields_evt, &bw_fields_evt_n },
	{ bw_fields_proc, &bw_fields_proc_n },
	{ bw_fields_fd, &bw_fields_fd_n },
	{ bw_fields_ctr, &bw_fields_ctr_n },
};

static const struct field_def *field_find(const char *name, const char **key)
{
	*key = NULL;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (size_t i = 0; i < *tables[t].n; i++)
			if (strcmp(tables[t].t[i].info.name, name) == 0)
				return &tables[t].t[i];
	/* "evt.arg.flags" -> evt.arg with key "flags" */
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (size_t i = 0; i < *tables[t].n; i++) {
			const struct field_def *d = &tables[t].t[i];
			size_t n = strlen(d->info.name);

			if (d->dotted_key && strncmp(name, d->info.name, n) == 0 &&
			    name[n] == '.' && name[n + 1]) {
				*key = name + n + 1;
				return d;
			}
		}
	return NULL;
}

int field_resolve(const char *name, const char *arg, struct fref *ret,
		  char *msg, size_t msglen)
{
	const struct field_def *d;
	const char *key;
	char *end;

	memset(ret, 0, sizeof(*ret));
	ret->idx = -1;
	d = field_find(name, &key);
	if (!d) {
		snprintf(msg, msglen, "unknown field '%s'", name);
		return -ENOENT;
	}
	if (key && arg) {
		snprintf(msg, msglen, "field '%s' takes one argument", name);
		return -EINVAL;
	}
	if (key)
		arg = key;
	if (arg && d->info.arg == 0) {
		snprintf(msg, msglen, "field '%s' does not take an argument",
			 d->info.name);
		return -EINVAL;
	}
	if (!arg && d->info.arg == 2) {
		snprintf(msg, msglen, "field '%s' requires an argument",
			 d->info.name);
		return -EINVAL;
	}
	ret->def = d;
	if (arg) {
		ret->arg = rx_strndup(arg, strlen(arg));
		if (!ret->arg)
			return -ENOMEM;
		ret->arglen = (uint32_t)strlen(arg);
		if (isdigit((unsigned char)arg[0])) {
			long v;

			errno = 0;
			v = strtol(arg, &end, 10);
			if (!errno && !*end && v >= 0 && v < (1L << 30))
				ret->idx = v;
		}
	}
	return 0;
}

void fref_clear(struct fref *r)
{
	free(r->arg);
	memset(r, 0, sizeof(*r));
}

size_t rules_fields(const struct bw_field_info **ret)
{
	/* The public view: one array of bw_field_info built once per process
	 * is global state; instead expose each table's infos through a
	 * static array assembled at compile time is impossible across files,
	 * so copy into a function-local static the first time (read-only
	 * afterwards, and identical on every call). */
	static struct bw_field_info all[512];
	static size_t n;

	if (!n) {
		size_t k = 0;

		for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
			for (size_t i = 0; i < *tables[t].n && k < 512; i++)
				all[k++] = tables[t].t[i].info;
		n = k;
	}
	*ret = all;
	return n;
}

/* ---- scratch and values ---------------------------------------------- */

char *rx_alloc(struct rx *x, size_t n)
{
	char *p;

	n = (n + 7) & ~(size_t)7;
	if (n > RX_SCRATCH_SIZE - x->used)
		return NULL;
	p = x->scratch + x->used;
	x->used += n;
	return p;
}

const char *rx_strdup(struct rx *x, const char *s, size_t n)
{
	char *p = rx_alloc(x, n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

int fv_str(struct rx *x, struct fval *out, const char *s, size_t n, bool copy)
{
	if (!s)
		return -ENOENT;
	if (copy) {
		s = rx_strdup(x, s, n);
		if (!s)
			return -ENOMEM;
	}
	out->kind = FV_STR;
	out->s = s;
	out->len = (uint32_t)n;
	return 0;
}

int fv_num(struct fval *out, int64_t v)
{
	out->kind = FV_NUM;
	out->i = v;
	return 0;
}

struct bw_proc *rx_ancestor(struct rx *x, unsigned level)
{
	struct bw_proc *p = x->ev->proc;
	struct bw_ruleset *rs = x->rs;

	for (unsigned i = 0; p && i < level; i++) {
		int32_t pp = p->ppid;

		if (!rs->proc_lookup || pp <= 0 || pp == p->pid)
			return NULL;
		p = rs->proc_lookup(rs->proc_lookup_ctx, pp);
	}
	return p;
}

const char *fval_to_str(struct rx *x, const struct fval *v, uint32_t *len)
{
	char buf[64];
	int n;

	switch (v->kind) {
	case FV_STR:
		*len = v->len;
		return v->s;
	case FV_NUM:
		n = snprintf(buf, sizeof(buf), "%lld", (long long)v->i);
		break;
	case FV_IP:
		n = (int)bw_ip_render(v->fam, v->ip, buf, sizeof(buf));
		break;
	case FV_LIST: {
		size_t tot = 0;
		char *p, *o;

		for (uint32_t i = 0; i < v->n; i++)
			tot += v->lens[i] + 1;
		p = rx_alloc(x, tot + 3);
		if (!p)
			return NULL;
		o = p;
		*o++ = '(';
		for (uint32_t i = 0; i < v->n; i++) {
			if (i)
				*o++ = ',';
			memcpy(o, v->items[i], v->lens[i]);
			o += v->lens[i];
		}
		*o++ = ')';
		*o = 0;
		*len = (uint32_t)(o - p);
		return p;
	}
	case FV_IPLIST:
	case FV_NUMLIST: {
		char *p = rx_alloc(x, 128 * (v->n ? v->n : 1));
		size_t o = 0;

		if (!p)
			return NULL;
		p[0] = 0;
		for (uint32_t i = 0; i < v->n; i++) {
			if (i)
				p[o++] = ',';
			if (v->kind == FV_IPLIST)
				o += bw_ip_render(v->fams[i], v->ips[i], p + o,
						  64);
			else
				o += (size_t)snprintf(p + o, 64, "%lld",
						      (long long)v->nums[i]);
		}
		*len = (uint32_t)o;
		return p;
	}
	default:
		return NULL;
	}
	if (n < 0)
		return NULL;
	*len = (uint32_t)n;
	return rx_strdup(x, buf, (size_t)n);
}

/* ---- users and groups ------------------------------------------------ */

struct uentry {
	uint32_t id;
	char name[USERCACHE_NAME_MAX];
};

struct usercache {
	struct uentry *users, *groups;
	size_t nusers, ngroups;
};

static int uentry_cmp(const void *a, const void *b)
{
	const struct uentry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Reads "name:x:id:..." lines (passwd: 3rd field is uid; group: 3rd is
 * gid), bounded in entries and line length. */
static void read_idfile(const char *root, const char *rel,
			struct uentry **ret, size_t *ret_n)
{
	char path[4096], line[1024];
	struct uentry *v;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root ? root : "", rel);
	*ret = NULL;
	*ret_n = 0;
	f = fopen(path, "re");
	if (!f)
		return;
	v = calloc(USERCACHE_MAX, sizeof(*v));
	if (!v) {
		fclose(f);
		return;
	}
	while (n < USERCACHE_MAX && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2, *end;
		unsigned long id;

		if (!c1 || line[0] == '#')
			continue;
		c2 = strchr(c1 + 1, ':');
		if (!c2)
			continue;
		errno = 0;
		id = strtoul(c2 + 1, &end, 10);
		if (errno || end == c2 + 1 || *end != ':' || id > UINT32_MAX)
			continue;
		*c1 = 0;
		v[n].id = (uint32_t)id;
		{
			size_t nl = strnlen(line, sizeof(v[n].name) - 1);

			memcpy(v[n].name, line, nl);
			v[n].name[nl] = 0;
		}
		n++;
	}
	fclose(f);
	qsort(v, n, sizeof(*v), uentry_cmp);
	*ret = v;
	*ret_n = n;
}

const char *usercache_name(struct usercache **ucp, const char *root,
			   uint32_t id, bool group)
{
	struct usercache *uc = *ucp;
	struct uentry key = { .id = id }, *e;

	if (id == 0)
		return "root";
	if (!uc) {
		uc = calloc(1, sizeof(*uc));
		if (!uc)
			return NULL;
		read_idfile(root, "/etc/passwd", &uc->users, &uc->nusers);
		read_idfile(root, "/etc/group", &uc->groups, &uc->ngroups);
		*ucp = uc;
	}
	if (group)
		e = bsearch(&key, uc->groups, uc->ngroups, sizeof(key),
			    uentry_cmp);
	else
		e = bsearch(&key, uc->users, uc->nusers, sizeof(key),
			    uentry_cmp);
	return e ? e->name : NULL;
}

void usercache_free(struct usercache *uc)
{
	if (!uc)
		return;
	free(uc->users);
	free(uc->groups);
	free(uc);
}
