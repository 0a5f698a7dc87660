/*
 * doc_cache.c - a bounded cache of decoded JSON documents read through the
 * barrier (vault_barrier_get_doc), so hot, non-secret documents (the mount
 * table, token entries, KV metadata) are decrypted and parsed once rather
 * than on every request.
 *
 * Ownership: the cache holds one reference to each document; lookups hand
 * out another.  Documents are shared between threads and never modified
 * once cached (jansson 2.14 reference counts atomically, and reading or
 * dumping an object does not write to it).  ThreadSanitizer reports
 * jansson's own refcounting (a plain read of the count before the atomic
 * add; a release-only decrement before json_delete): both are sound on
 * x86-64, where every atomic read-modify-write is a full barrier.
 *
 * Consistency: every put or delete through the barrier drops the key after
 * the storage write and bumps a generation counter.  A reader notes the
 * generation before it reads storage and only inserts what it read when no
 * write happened meanwhile, so a stale value can never be cached after the
 * write that replaced it.  Seal empties the cache.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vault/vault.h"

#define DC_BUCKETS 1024u

struct dc_ent {
	struct dc_ent *next;
	uint64_t hash;
	json_t *doc; /* one reference, owned */
	char key[];
};

struct vault_doc_cache {
	pthread_rwlock_t lock;
	uint64_t gen; /* bumped by every drop/clear (under lock) */
	size_t n, max;
	unsigned evict_at; /* next bucket emptied when full */
	struct dc_ent *bucket[DC_BUCKETS];
};

static uint64_t key_hash(const char *k)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *k; k++)
		h = (h ^ (uint8_t)*k) * 1099511628211ull;
	return h;
}

int vault_doc_cache_new(size_t max_entries, struct vault_doc_cache **ret)
{
	struct vault_doc_cache *dc = calloc(1, sizeof(*dc));

	if (!dc)
		return -ENOMEM;
	if (pthread_rwlock_init(&dc->lock, NULL)) {
		free(dc);
		return -ENOMEM;
	}
	dc->max = max_entries ? max_entries : VAULT_DOC_CACHE_DEFAULT;
	*ret = dc;
	return 0;
}

static void ent_free(struct dc_ent *e)
{
	json_decref(e->doc);
	free(e);
}

/* Under the write lock. */
static void clear_locked(struct vault_doc_cache *dc)
{
	for (unsigned i = 0; i < DC_BUCKETS; i++) {
		struct dc_ent *e = dc->bucket[i], *next;

		for (; e; e = next) {
			next = e->next;
			ent_free(e);
		}
		dc->bucket[i] = NULL;
	}
	dc->n = 0;
	dc->gen++;
}

void vault_doc_cache_free(struct vault_doc_cache *dc)
{
	if (!dc)
		return;
	clear_locked(dc);
	pthread_rwlock_destroy(&dc->lock);
	free(dc);
}

uint64_t vault_doc_cache_gen(struct vault_doc_cache *dc)
{
	uint64_t g;

	pthread_rwlock_rdlock(&dc->lock);
	g = dc->gen;
	pthread_rwlock_unlock(&dc->lock);
	return g;
}

json_t *vault_doc_cache_get(struct vault_doc_cache *dc, const char *key)
{
	uint64_t h = key_hash(key);
	json_t *doc = NULL;

	pthread_rwlock_rdlock(&dc->lock);
	for (struct dc_ent *e = dc->bucket[h % DC_BUCKETS]; e; e = e->next)
		if (e->hash == h && !strcmp(e->key, key)) {
			doc = json_incref(e->doc);
			break;
		}
	pthread_rwlock_unlock(&dc->lock);
	return doc;
}

/* Under the write lock: unlinks key's entry, if any. */
static void unlink_locked(struct vault_doc_cache *dc, const char *key,
			  uint64_t h)
{
	struct dc_ent **pp = &dc->bucket[h % DC_BUCKETS];

	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->hash == h && !strcmp((*pp)->key, key)) {
			struct dc_ent *e = *pp;

			*pp = e->next;
			ent_free(e);
			dc->n--;
			return;
		}
}

/* Under the write lock: frees whole buckets until there is room. */
static void make_room_locked(struct vault_doc_cache *dc)
{
	while (dc->n >= dc->max) {
		struct dc_ent *e = dc->bucket[dc->evict_at], *next;

		dc->bucket[dc->evict_at] = NULL;
		dc->evict_at = (dc->evict_at + 1) % DC_BUCKETS;
		for (; e; e = next) {
			next = e->next;
			ent_free(e);
			dc->n--;
		}
	}
}

void vault_doc_cache_insert(struct vault_doc_cache *dc, const char *key,
			    json_t *doc, uint64_t gen)
{
	uint64_t h = key_hash(key);
	size_t kl = strlen(key);
	struct dc_ent *e;

	if (kl > VAULT_MAX_PATH * 2)
		return; /* not worth keeping */
	e = malloc(sizeof(*e) + kl + 1);
	if (!e)
		return; /* best effort: it stays uncached */
	e->hash = h;
	e->doc = json_incref(doc);
	memcpy(e->key, key, kl + 1);
	pthread_rwlock_wrlock(&dc->lock);
	if (dc->gen != gen) { /* a write raced the read: maybe stale */
		pthread_rwlock_unlock(&dc->lock);
		ent_free(e);
		return;
	}
	unlink_locked(dc, key, h);
	make_room_locked(dc);
	e->next = dc->bucket[h % DC_BUCKETS];
	dc->bucket[h % DC_BUCKETS] = e;
	dc->n++;
	pthread_rwlock_unlock(&dc->lock);
}

void vault_doc_cache_drop(struct vault_doc_cache *dc, const char *key)
{
	uint64_t h = key_hash(key);

	pthread_rwlock_wrlock(&dc->lock);
	unlink_locked(dc, key, h);
	dc->gen++;
	pthread_rwlock_unlock(&dc->lock);
}

void vault_doc_cache_clear(struct vault_doc_cache *dc)
{
	pthread_rwlock_wrlock(&dc->lock);
	clear_locked(dc);
	pthread_rwlock_unlock(&dc->lock);
}

size_t vault_doc_cache_size(struct vault_doc_cache *dc)
{
	size_t n;

	pthread_rwlock_rdlock(&dc->lock);
	n = dc->n;
	pthread_rwlock_unlock(&dc->lock);
	return n;
}
