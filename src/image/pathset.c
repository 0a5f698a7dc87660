/*
 * pathset.c - the compact set of paths that higher layers hold, used by the
 * top-down layer walk to decide visibility.  Names live NUL-terminated in
 * one arena; nodes are 16 bytes; the open-addressing table holds 32-bit node
 * indexes at a load factor of at most 1/2.  That is about 25 bytes plus the
 * name per path, so a 100k-file layer costs a few MB.
 */
#include "image/image_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PSET_MAX_ARENA 0xffffff00u

static uint32_t pset_hash(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ull;
	}
	return (uint32_t)(h ^ (h >> 32));
}

void pset_init(struct pathset *s) { memset(s, 0, sizeof(*s)); }

void pset_free(struct pathset *s)
{
	if (!s)
		return;
	free(s->arena);
	free(s->nodes);
	free(s->tab);
	memset(s, 0, sizeof(*s));
}

size_t pset_bytes(const struct pathset *s)
{
	return s->acap + (size_t)s->ncap * sizeof(*s->nodes) +
	       (size_t)s->tabsz * sizeof(*s->tab);
}

static bool node_eq(const struct pathset *s, const struct pset_node *nd,
		    const char *p, size_t n)
{
	const char *q = s->arena + nd->off;

	return memcmp(q, p, n) == 0 && q[n] == '\0';
}

static struct pset_node *lookup(const struct pathset *s, const char *p,
				size_t n, uint32_t h, uint32_t *ret_slot)
{
	uint32_t mask, i;

	if (!s->tabsz) {
		*ret_slot = 0;
		return NULL;
	}
	mask = s->tabsz - 1;
	for (i = h & mask;; i = (i + 1) & mask) {
		uint32_t v = s->tab[i];

		if (!v) {
			*ret_slot = i;
			return NULL;
		}
		if (s->nodes[v - 1].hash == h &&
		    node_eq(s, &s->nodes[v - 1], p, n))
			return &s->nodes[v - 1];
	}
}

struct pset_node *pset_find(const struct pathset *s, const char *p, size_t n)
{
	uint32_t slot;

	return lookup(s, p, n, pset_hash(p, n), &slot);
}

static int grow_table(struct pathset *s)
{
	uint32_t nsz = s->tabsz ? s->tabsz * 2 : 1024, mask = nsz - 1;
	uint32_t *t;

	if (nsz < s->tabsz)
		return -ENOMEM;
	t = calloc(nsz, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (uint32_t k = 0; k < s->n; k++) {
		uint32_t i = s->nodes[k].hash & mask;

		while (t[i])
			i = (i + 1) & mask;
		t[i] = k + 1;
	}
	free(s->tab);
	s->tab = t;
	s->tabsz = nsz;
	return 0;
}

struct pset_node *pset_get(struct pathset *s, const char *p, size_t n)
{
	uint32_t h = pset_hash(p, n), slot;
	struct pset_node *nd = lookup(s, p, n, h, &slot);

	if (nd)
		return nd;
	if ((uint64_t)(s->n + 1) * 2 > s->tabsz) {
		if (grow_table(s))
			return NULL;
		lookup(s, p, n, h, &slot);
	}
	if (s->n == s->ncap) {
		uint32_t ncap = s->ncap ? s->ncap * 2 : 1024;
		struct pset_node *nn;

		if (ncap < s->ncap)
			return NULL;
		nn = realloc(s->nodes, (size_t)ncap * sizeof(*nn));
		if (!nn)
			return NULL;
		s->nodes = nn;
		s->ncap = ncap;
	}
	if (s->alen + n + 1 > s->acap) {
		size_t ncap = s->acap ? s->acap * 2 : 65536;
		char *na;

		while (ncap < s->alen + n + 1)
			ncap *= 2;
		if (ncap > PSET_MAX_ARENA)
			ncap = PSET_MAX_ARENA;
		if (s->alen + n + 1 > ncap)
			return NULL;
		na = realloc(s->arena, ncap);
		if (!na)
			return NULL;
		s->arena = na;
		s->acap = ncap;
	}
	nd = &s->nodes[s->n];
	nd->off = (uint32_t)s->alen;
	nd->hash = h;
	nd->layer = -1;
	nd->opq = -1;
	nd->type = PSET_NONE;
	memcpy(s->arena + s->alen, p, n);
	s->arena[s->alen + n] = '\0';
	s->alen += n + 1;
	s->tab[slot] = ++s->n;
	return nd;
}
