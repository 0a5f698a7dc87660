/*
 * container.c - the container cache.
 *
 * One struct bw_container per container id, made the first time a process
 * of that container is seen (its cgroup names the id, see cgroup.c) and
 * filled from the runtime's state (runc.c).  Entries are refcounted by the
 * processes pointing at them; ctr_sweep drops those no process refers to
 * whose runtime state dir is gone.  The cache is bounded
 * (STATE_MAX_CONTAINERS): when it is full an unreferenced entry is evicted,
 * and if there is none the process is attributed to the host.
 *
 * The host has one entry of its own, id and name "host", outside the cache.
 */
#include "state/state_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void bw_container_free_fields(struct bw_container *c)
{
	free(c->full_id);
	free(c->name);
	free(c->image);
	free(c->image_repository);
	free(c->image_tag);
	free(c->image_digest);
	free(c->type);
	free(c->pod_name);
	free(c->pod_namespace);
	free(c->pod_uid);
	free(c->bundle);
	for (uint32_t i = 0; i < c->nlabels; i++) {
		free(c->label_keys[i]);
		free(c->label_values[i]);
	}
	free(c->label_keys);
	free(c->label_values);
	for (uint32_t i = 0; i < c->nmounts; i++) {
		free(c->mounts[i].source);
		free(c->mounts[i].dest);
		free(c->mounts[i].mode);
		free(c->mounts[i].propagation);
	}
	free(c->mounts);
	memset(c, 0, sizeof(*c));
}

static const char *last_of(const char *s, char c, size_t n)
{
	while (n-- > 0)
		if (s[n] == c)
			return s + n;
	return NULL;
}

int st_image_split(const char *ref, char **repo, char **tag, char **digest)
{
	const char *at, *slash, *colon, *end;
	size_t n;

	*repo = *tag = *digest = NULL;
	if (!ref || !*ref)
		return -EINVAL;
	n = strlen(ref);
	if (n >= 4096)
		return -EINVAL;
	at = strchr(ref, '@');
	end = at ? at : ref + n;
	if (at && at[1] && !(*digest = st_strndup(at + 1, strlen(at + 1))))
		return -ENOMEM;
	/* A tag is a ':' after the last '/' (a ':' before it is a port). */
	slash = last_of(ref, '/', (size_t)(end - ref));
	colon = last_of(slash ? slash : ref, ':',
			(size_t)(end - (slash ? slash : ref)));
	if (colon) {
		if (colon + 1 < end &&
		    !(*tag = st_strndup(colon + 1, (size_t)(end - colon - 1))))
			goto oom;
		end = colon;
	}
	if (end == ref) {
		free(*tag);
		free(*digest);
		*tag = *digest = NULL;
		return -EINVAL;
	}
	if (!(*repo = st_strndup(ref, (size_t)(end - ref))))
		goto oom;
	return 0;
oom:
	free(*tag);
	free(*digest);
	*tag = *digest = NULL;
	return -ENOMEM;
}

int ctr_cache_init(struct st_ctrcache *cc)
{
	struct bw_container *h = &cc->host.c;

	memset(cc, 0, sizeof(*cc));
	h = &cc->host.c;
	memcpy(h->id, "host", 5);
	h->name = st_strndup("host", 4);
	h->type = NULL;
	if (!h->name)
		return -ENOMEM;
	return 0;
}

void ctr_cache_free(struct st_ctrcache *cc)
{
	for (uint32_t i = 0; i < cc->n; i++) {
		bw_container_free_fields(&cc->v[i]->c);
		free(cc->v[i]);
	}
	free(cc->v);
	bw_container_free_fields(&cc->host.c);
	memset(cc, 0, sizeof(*cc));
}

void ctr_ref(struct bw_container *c)
{
	if (c)
		((struct st_container *)c)->refs++;
}

void ctr_unref(struct bw_container *c)
{
	struct st_container *sc = (struct st_container *)c;

	if (sc && sc->refs)
		sc->refs--;
}

static void ctr_drop(struct st_ctrcache *cc, uint32_t i)
{
	bw_container_free_fields(&cc->v[i]->c);
	free(cc->v[i]);
	cc->v[i] = cc->v[--cc->n];
}

static struct st_container *ctr_make(const struct st_env *env, const char *id,
				     const char *runtime)
{
	struct st_container *sc = calloc(1, sizeof(*sc));
	struct bw_container *c;
	const char *rt = runtime;
	size_t n = strlen(id);

	if (!sc)
		return NULL;
	c = &sc->c;
	memcpy(c->id, id, n < 12 ? n : 12);
	c->full_id = st_strndup(id, n);
	if (!c->full_id)
		goto fail;
	if (env && !st_runc_find(env, id, sc->runtime_dir,
				 sizeof(sc->runtime_dir), &rt)) {
		/* The runtime whose root holds the state is more telling than
		 * the cgroup layout, except that plain runc roots are shared
		 * by CRI-O and podman. */
		if (strcmp(rt, "runc") != 0 || !runtime)
			runtime = rt;
		st_runc_load(env, sc->runtime_dir, c); /* best effort */
	}
	if (!c->type && st_set_str(&c->type, runtime ? runtime : "runc",
				   strlen(runtime ? runtime : "runc")))
		goto fail;
	if (!c->name && !(c->name = st_strndup(id, n)))
		goto fail;
	return sc;
fail:
	bw_container_free_fields(c);
	free(sc);
	return NULL;
}

struct bw_container *ctr_get(struct st_ctrcache *cc, const struct st_env *env,
			     const char *id, const char *runtime)
{
	struct st_container *sc;

	if (!id || !*id)
		return &cc->host.c;
	for (uint32_t i = 0; i < cc->n; i++)
		if (!strcmp(cc->v[i]->c.full_id, id))
			return &cc->v[i]->c;
	if (cc->n >= STATE_MAX_CONTAINERS) {
		uint32_t i;

		for (i = 0; i < cc->n && cc->v[i]->refs; i++)
			;
		if (i == cc->n)
			return &cc->host.c;
		ctr_drop(cc, i);
	}
	if (!cc->v) {
		cc->v = calloc(STATE_MAX_CONTAINERS, sizeof(*cc->v));
		if (!cc->v)
			return &cc->host.c;
	}
	sc = ctr_make(env, id, runtime);
	if (!sc)
		return &cc->host.c;
	cc->v[cc->n++] = sc;
	return &sc->c;
}

void ctr_sweep(struct st_ctrcache *cc, const struct st_env *env)
{
	for (uint32_t i = 0; i < cc->n;) {
		struct st_container *sc = cc->v[i];
		char p[STATE_MAX_PATH];
		struct stat sb;

		if (!sc->refs && (!sc->runtime_dir[0] ||
				  snprintf(p, sizeof(p), "%s/state.json",
					   sc->runtime_dir) >= (int)sizeof(p) ||
				  stat(p, &sb))) {
			ctr_drop(cc, i);
			continue;
		}
		i++;
	}
}
