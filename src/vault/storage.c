/*
 * storage.c - the physical backends under the barrier: a key/value store
 * of opaque (already encrypted) values, behind struct vault_storage_ops.
 *
 * SQLite (the embedded default): one table kv(key TEXT PRIMARY KEY, value
 * BLOB), journal_mode=WAL with synchronous=FULL so a put's transaction is
 * fsync'ed to the WAL before sqlite3_step returns: every acknowledged write
 * survives a crash or kill -9.  One connection, serialised by a mutex
 * (writes are serialised by SQLite anyway; reads are short).  Concurrent
 * writers share a transaction (group commit, group_write): each waits for
 * the fsync that covers its write, so every write is still durable before
 * it returns, and N writers pay one fsync instead of N.  Reads go through
 * a bounded cache of the stored (encrypted) values, updated by each commit.
 *
 * In-memory (--dev): a sorted array of entries under a mutex.
 *
 * Adding a backend, e.g. PostgreSQL for HA: write a struct that begins with
 * struct vault_storage, a static const struct vault_storage_ops with its
 * get/put/delete/list/close (designated initialisers, as below) and an open
 * function.  For PostgreSQL: a table kv(key text primary key, value bytea),
 * put as INSERT ... ON CONFLICT (key) DO UPDATE under synchronous_commit=on,
 * list as SELECT key FROM kv WHERE key LIKE prefix||'%' (with LIKE's
 * wildcards escaped) ORDER BY key, cut at the next '/' as list_add_child
 * does, a connection pool instead of one handle; HA leader election through
 * pg_try_advisory_lock on a fixed id (the holder is active, others answer
 * 429 standby in sys/health).  Nothing above the storage layer changes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common/private_file.h"
#include "vault/vault.h"

void vault_storage_close(struct vault_storage *s)
{
	if (s)
		s->ops->close(s);
}

static int check_key(const char *key, struct bw_error *err)
{
	size_t n = key ? strnlen(key, VAULT_STORAGE_MAX_KEY + 1) : 0;

	if (!n || n > VAULT_STORAGE_MAX_KEY)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "storage key empty or too long");
	return 0;
}

/*
 * Adds the child of prefix that key names to arr (sorted input assumed, so
 * a repeated folder is the last element): "a/b/c" under "a/" is "b/".
 */
static int list_add_child(json_t *arr, const char *key, size_t plen)
{
	const char *rest = key + plen;
	const char *slash = strchr(rest, '/');
	size_t n = slash ? (size_t)(slash - rest) + 1 : strlen(rest);
	size_t last = json_array_size(arr);
	json_t *prev = last ? json_array_get(arr, last - 1) : NULL;

	if (!n)
		return 0;
	if (prev && json_string_length(prev) == n &&
	    !memcmp(json_string_value(prev), rest, n))
		return 0;
	return json_array_append_new(arr, json_stringn(rest, n)) ? -ENOMEM : 0;
}

/* ---- SQLite ---------------------------------------------------------------
 */

/*
 * The read cache: ciphertext as stored (never plaintext, as Vault's
 * physical cache), write-through, bounded by entries and bytes.  A miss
 * fills it only if no write committed since the miss began (wseq), so a
 * slow reader cannot put back a value older than a committed write.
 */
#define CACHE_BUCKETS 4096u
#define CACHE_MAX_ENTRIES 65536u
#define CACHE_MAX_BYTES (32u << 20)

struct cache_ent {
	struct cache_ent *next;
	uint64_t hash;
	char *key;
	uint8_t *val;
	size_t len;
};

/* A put or delete waiting for the group commit (group_write). */
struct pending {
	struct pending *next;
	const char *key;
	const uint8_t *val; /* NULL: delete */
	size_t len;
	int rc, done;
	char msg[160];
};

struct sqlite_storage {
	struct vault_storage base;
	sqlite3 *db;
	sqlite3_stmt *get, *put, *del, *list, *begin, *commit, *rollback;
	pthread_mutex_t mu; /* the connection */
	/* the cache (cmu) */
	pthread_mutex_t cmu;
	struct cache_ent *bucket[CACHE_BUCKETS];
	size_t centries, cbytes, evict_at;
	uint64_t wseq;
	/* the group commit queue (qmu) */
	pthread_mutex_t qmu;
	pthread_cond_t qcv;
	struct pending *qhead, **qtail;
	int leader; /* a thread is committing a batch */
};

static int sql_err(struct sqlite_storage *s, struct bw_error *err,
		   const char *what)
{
	return bw_errorf(err, -EIO, NULL, 0, 0, "storage %s: %s", what,
			 sqlite3_errmsg(s->db));
}

static uint64_t key_hash(const char *key)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *key; key++)
		h = (h ^ (uint8_t)*key) * 1099511628211ull;
	return h;
}

static void cache_ent_free(struct cache_ent *e)
{
	free(e->key);
	free(e->val);
	free(e);
}

/* Under cmu. */
static struct cache_ent **cache_slot(struct sqlite_storage *s, const char *key,
				     uint64_t h)
{
	struct cache_ent **pp = &s->bucket[h % CACHE_BUCKETS];

	while (*pp && ((*pp)->hash != h || strcmp((*pp)->key, key)))
		pp = &(*pp)->next;
	return pp;
}

/* Under cmu. */
static void cache_drop(struct sqlite_storage *s, const char *key, uint64_t h)
{
	struct cache_ent **pp = cache_slot(s, key, h), *e = *pp;

	if (!e)
		return;
	*pp = e->next;
	s->centries--;
	s->cbytes -= e->len;
	cache_ent_free(e);
}

/* Under cmu: makes room by dropping whole chains, round robin. */
static void cache_evict(struct sqlite_storage *s, size_t len)
{
	while (s->centries && (s->centries >= CACHE_MAX_ENTRIES ||
			       s->cbytes + len > CACHE_MAX_BYTES)) {
		struct cache_ent *e = s->bucket[s->evict_at], *next;

		s->bucket[s->evict_at] = NULL;
		s->evict_at = (s->evict_at + 1) % CACHE_BUCKETS;
		for (; e; e = next) {
			next = e->next;
			s->centries--;
			s->cbytes -= e->len;
			cache_ent_free(e);
		}
	}
}

/* Under cmu: best effort (a failed allocation only leaves it uncached). */
static void cache_store(struct sqlite_storage *s, const char *key, uint64_t h,
			const uint8_t *val, size_t len)
{
	struct cache_ent *e;

	cache_drop(s, key, h);
	if (len > CACHE_MAX_BYTES / 64)
		return;
	cache_evict(s, len);
	e = calloc(1, sizeof(*e));
	if (!e)
		return;
	e->key = strdup(key);
	e->val = malloc(len ? len : 1);
	if (!e->key || !e->val) {
		cache_ent_free(e);
		return;
	}
	if (len)
		memcpy(e->val, val, len);
	e->len = len;
	e->hash = h;
	e->next = s->bucket[h % CACHE_BUCKETS];
	s->bucket[h % CACHE_BUCKETS] = e;
	s->centries++;
	s->cbytes += len;
}

static int sqlite_get(struct vault_storage *base, const char *key,
		      uint8_t **ret, size_t *ret_len, struct bw_error *err)
{
	struct sqlite_storage *s = (struct sqlite_storage *)base;
	int rc = check_key(key, err), step;
	uint64_t h, seq;
	struct cache_ent *e;
	uint8_t *out = NULL;
	size_t n = 0;

	if (rc)
		return rc;
	h = key_hash(key);
	pthread_mutex_lock(&s->cmu);
	e = *cache_slot(s, key, h);
	if (e) {
		out = malloc(e->len ? e->len : 1);
		if (out && e->len)
			memcpy(out, e->val, e->len);
		n = e->len;
	}
	seq = s->wseq;
	pthread_mutex_unlock(&s->cmu);
	if (e) {
		if (!out)
			return -ENOMEM;
		*ret = out;
		*ret_len = n;
		return 0;
	}

	pthread_mutex_lock(&s->mu);
	sqlite3_bind_text(s->get, 1, key, -1, SQLITE_STATIC);
	step = sqlite3_step(s->get);
	if (step == SQLITE_ROW) {
		const void *v = sqlite3_column_blob(s->get, 0);
		int vn = sqlite3_column_bytes(s->get, 0);

		n = vn > 0 ? (size_t)vn : 0;
		out = malloc(n ? n : 1);
		if (!out)
			rc = -ENOMEM;
		else if (n)
			memcpy(out, v, n);
	} else if (step == SQLITE_DONE) {
		rc = -ENOENT;
	} else {
		rc = sql_err(s, err, "read");
	}
	sqlite3_reset(s->get);
	sqlite3_clear_bindings(s->get);
	pthread_mutex_unlock(&s->mu);
	if (rc)
		return rc;
	pthread_mutex_lock(&s->cmu);
	if (s->wseq == seq)
		cache_store(s, key, h, out, n);
	pthread_mutex_unlock(&s->cmu);
	*ret = out;
	*ret_len = n;
	return 0;
}

static void batch_fail(struct sqlite_storage *s, struct pending *batch,
		       const char *what)
{
	for (struct pending *p = batch; p; p = p->next) {
		p->rc = -EIO;
		snprintf(p->msg, sizeof(p->msg), "storage %s: %s", what,
			 sqlite3_errmsg(s->db));
	}
}

static int step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

/*
 * One transaction for every write queued while the previous one was
 * committing: a single WAL fsync (synchronous=FULL) makes all of them
 * durable before any caller returns.  One failing statement fails the
 * whole batch (rolled back): nothing is half-written.
 */
static void commit_batch(struct sqlite_storage *s, struct pending *batch)
{
	struct pending *p;

	pthread_mutex_lock(&s->mu);
	if (step_reset(s->begin)) {
		batch_fail(s, batch, "begin");
		goto out;
	}
	for (p = batch; p; p = p->next) {
		sqlite3_stmt *st = p->val ? s->put : s->del;

		sqlite3_bind_text(st, 1, p->key, -1, SQLITE_STATIC);
		if (p->val)
			sqlite3_bind_blob(st, 2,
					  p->len ? (const void *)p->val : "",
					  (int)p->len, SQLITE_STATIC);
		if (step_reset(st))
			break;
	}
	if (p || step_reset(s->commit)) {
		batch_fail(s, batch,
			   p ? (p->val ? "write" : "delete") : "commit");
		(void)step_reset(s->rollback);
		goto out;
	}
	pthread_mutex_lock(&s->cmu);
	for (p = batch; p; p = p->next) {
		uint64_t h = key_hash(p->key);

		if (p->val)
			cache_store(s, p->key, h, p->val, p->len);
		else
			cache_drop(s, p->key, h);
	}
	s->wseq++;
	pthread_mutex_unlock(&s->cmu);
out:
	pthread_mutex_unlock(&s->mu);
}

/*
 * Queues the write and waits until a commit covering it has ended: the
 * first writer to find no commit running becomes the leader and commits
 * everything queued; the others wait on qcv (or lead the next batch).
 */
static int group_write(struct sqlite_storage *s, const char *key,
		       const uint8_t *val, size_t len, struct bw_error *err)
{
	struct pending me = {.key = key, .val = val, .len = len};

	pthread_mutex_lock(&s->qmu);
	*s->qtail = &me;
	s->qtail = &me.next;
	while (!me.done) {
		struct pending *batch, *p;

		if (s->leader) {
			pthread_cond_wait(&s->qcv, &s->qmu);
			continue;
		}
		s->leader = 1;
		batch = s->qhead;
		s->qhead = NULL;
		s->qtail = &s->qhead;
		pthread_mutex_unlock(&s->qmu);
		commit_batch(s, batch);
		pthread_mutex_lock(&s->qmu);
		for (p = batch; p; p = p->next)
			p->done = 1;
		s->leader = 0;
		pthread_cond_broadcast(&s->qcv);
	}
	pthread_mutex_unlock(&s->qmu);
	if (me.rc)
		return bw_errorf(err, me.rc, NULL, 0, 0, "%s", me.msg);
	return 0;
}

static int sqlite_put(struct vault_storage *base, const char *key,
		      const uint8_t *val, size_t len, struct bw_error *err)
{
	struct sqlite_storage *s = (struct sqlite_storage *)base;
	int rc = check_key(key, err);

	if (rc)
		return rc;
	if (len > VAULT_STORAGE_MAX_VALUE)
		return bw_errorf(err, -E2BIG, NULL, 0, 0,
				 "storage value too large");
	return group_write(s, key, val ? val : (const uint8_t *)"", len, err);
}

static int sqlite_delete(struct vault_storage *base, const char *key,
			 struct bw_error *err)
{
	struct sqlite_storage *s = (struct sqlite_storage *)base;
	int rc = check_key(key, err);

	return rc ? rc : group_write(s, key, NULL, 0, err);
}

static int sqlite_list(struct vault_storage *base, const char *prefix,
		       json_t **ret, struct bw_error *err)
{
	struct sqlite_storage *s = (struct sqlite_storage *)base;
	size_t plen = prefix ? strlen(prefix) : 0;
	json_t *arr;
	int rc = 0, step;

	if (plen > VAULT_STORAGE_MAX_KEY)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "prefix too long");
	arr = json_array();
	if (!arr)
		return -ENOMEM;
	pthread_mutex_lock(&s->mu);
	/* key >= prefix AND substr(key, 1, plen) = prefix: no LIKE escaping */
	sqlite3_bind_text(s->list, 1, prefix ? prefix : "", (int)plen,
			  SQLITE_STATIC);
	sqlite3_bind_int(s->list, 2, (int)plen);
	while ((step = sqlite3_step(s->list)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(s->list, 0);

		if (k && (rc = list_add_child(arr, k, plen)))
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = sql_err(s, err, "list");
	sqlite3_reset(s->list);
	sqlite3_clear_bindings(s->list);
	pthread_mutex_unlock(&s->mu);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*ret = arr;
	return 0;
}

static void sqlite_close(struct vault_storage *base)
{
	struct sqlite_storage *s = (struct sqlite_storage *)base;

	sqlite3_finalize(s->get);
	sqlite3_finalize(s->put);
	sqlite3_finalize(s->del);
	sqlite3_finalize(s->list);
	sqlite3_finalize(s->begin);
	sqlite3_finalize(s->commit);
	sqlite3_finalize(s->rollback);
	sqlite3_close(s->db);
	for (size_t i = 0; i < CACHE_BUCKETS; i++) {
		struct cache_ent *e = s->bucket[i], *next;

		for (; e; e = next) {
			next = e->next;
			cache_ent_free(e);
		}
	}
	pthread_mutex_destroy(&s->mu);
	pthread_mutex_destroy(&s->cmu);
	pthread_mutex_destroy(&s->qmu);
	pthread_cond_destroy(&s->qcv);
	free(s);
}

static const struct vault_storage_ops sqlite_ops = {
    .name = "sqlite",
    .get = sqlite_get,
    .put = sqlite_put,
    .delete = sqlite_delete,
    .list = sqlite_list,
    .close = sqlite_close,
};

int vault_storage_sqlite_open(const char *path, struct vault_storage **ret,
			      struct bw_error *err)
{
	static const char *const setup[] = {
	    "PRAGMA journal_mode=WAL",
	    "PRAGMA synchronous=FULL",
	    "PRAGMA foreign_keys=OFF",
	    "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB)",
	};
	struct sqlite_storage *s;
	int rc;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->base.ops = &sqlite_ops;
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->cmu, NULL);
	pthread_mutex_init(&s->qmu, NULL);
	pthread_cond_init(&s->qcv, NULL);
	s->qtail = &s->qhead;
	/* the database (and so its -wal and -shm files, which SQLite creates
	 * with the database's mode) readable by the owner only */
	rc = bw_open_private(path, O_RDWR);
	if (rc < 0) {
		rc = bw_errorf(err, -EIO, path, 0, 0, "cannot open: %s",
			       rc == -ELOOP    ? "it is a symbolic link"
			       : rc == -EINVAL ? "not a regular file"
					       : strerror(-rc));
		goto fail;
	}
	close(rc);
	rc = sqlite3_open_v2(path, &s->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				 SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		rc = bw_errorf(err, -EIO, path, 0, 0, "cannot open: %s",
			       s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	for (size_t i = 0; i < sizeof(setup) / sizeof(setup[0]); i++) {
		char *msg = NULL;

		if (sqlite3_exec(s->db, setup[i], NULL, NULL, &msg) !=
		    SQLITE_OK) {
			rc = bw_errorf(err, -EIO, path, 0, 0, "%s: %s",
				       setup[i], msg ? msg : "failed");
			sqlite3_free(msg);
			goto fail;
		}
	}
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM kv WHERE key = ?1", -1,
			       &s->get, NULL) ||
	    sqlite3_prepare_v2(s->db,
			       "INSERT INTO kv(key, value) VALUES (?1, ?2) ON "
			       "CONFLICT(key) DO UPDATE SET value = ?2",
			       -1, &s->put, NULL) ||
	    sqlite3_prepare_v2(s->db, "DELETE FROM kv WHERE key = ?1", -1,
			       &s->del, NULL) ||
	    sqlite3_prepare_v2(s->db,
			       "SELECT key FROM kv WHERE key >= ?1 AND "
			       "substr(key, 1, ?2) = ?1 ORDER BY key",
			       -1, &s->list, NULL) ||
	    sqlite3_prepare_v2(s->db, "BEGIN IMMEDIATE", -1, &s->begin, NULL) ||
	    sqlite3_prepare_v2(s->db, "COMMIT", -1, &s->commit, NULL) ||
	    sqlite3_prepare_v2(s->db, "ROLLBACK", -1, &s->rollback, NULL)) {
		rc = bw_errorf(err, -EIO, path, 0, 0, "prepare: %s",
			       sqlite3_errmsg(s->db));
		goto fail;
	}
	*ret = &s->base;
	return 0;
fail:
	sqlite_close(&s->base);
	return rc;
}

/* ---- in memory ------------------------------------------------------------
 */

struct mem_entry {
	char *key;
	uint8_t *val;
	size_t len;
};

struct mem_storage {
	struct vault_storage base;
	struct mem_entry *e; /* sorted by key */
	size_t n, cap;
	pthread_mutex_t mu;
};

/* Index of key, or of where it would go (*found = 0). */
static size_t mem_find(struct mem_storage *s, const char *key, int *found)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->e[mid].key, key);

		if (!c) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

static int mem_get(struct vault_storage *base, const char *key, uint8_t **ret,
		   size_t *ret_len, struct bw_error *err)
{
	struct mem_storage *s = (struct mem_storage *)base;
	int rc = check_key(key, err), found;
	size_t i;

	if (rc)
		return rc;
	pthread_mutex_lock(&s->mu);
	i = mem_find(s, key, &found);
	if (!found) {
		rc = -ENOENT;
	} else {
		uint8_t *out = malloc(s->e[i].len ? s->e[i].len : 1);

		if (!out) {
			rc = -ENOMEM;
		} else {
			memcpy(out, s->e[i].val, s->e[i].len);
			*ret = out;
			*ret_len = s->e[i].len;
		}
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

static int mem_put(struct vault_storage *base, const char *key,
		   const uint8_t *val, size_t len, struct bw_error *err)
{
	struct mem_storage *s = (struct mem_storage *)base;
	int rc = check_key(key, err), found;
	uint8_t *copy;
	size_t i;

	if (rc)
		return rc;
	if (len > VAULT_STORAGE_MAX_VALUE)
		return bw_errorf(err, -E2BIG, NULL, 0, 0,
				 "storage value too large");
	copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, val, len);
	pthread_mutex_lock(&s->mu);
	i = mem_find(s, key, &found);
	if (found) {
		free(s->e[i].val);
		s->e[i].val = copy;
		s->e[i].len = len;
		goto out;
	}
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		struct mem_entry *ne = realloc(s->e, ncap * sizeof(*ne));

		if (!ne) {
			rc = -ENOMEM;
			goto out;
		}
		s->e = ne;
		s->cap = ncap;
	}
	{
		char *k = strdup(key);

		if (!k) {
			rc = -ENOMEM;
			goto out;
		}
		memmove(&s->e[i + 1], &s->e[i], (s->n - i) * sizeof(*s->e));
		s->e[i] = (struct mem_entry){.key = k, .val = copy, .len = len};
		s->n++;
		copy = NULL;
	}
out:
	pthread_mutex_unlock(&s->mu);
	if (rc)
		free(copy);
	return rc;
}

static int mem_delete(struct vault_storage *base, const char *key,
		      struct bw_error *err)
{
	struct mem_storage *s = (struct mem_storage *)base;
	int rc = check_key(key, err), found;
	size_t i;

	if (rc)
		return rc;
	pthread_mutex_lock(&s->mu);
	i = mem_find(s, key, &found);
	if (found) {
		free(s->e[i].key);
		free(s->e[i].val);
		memmove(&s->e[i], &s->e[i + 1], (s->n - i - 1) * sizeof(*s->e));
		s->n--;
	}
	pthread_mutex_unlock(&s->mu);
	return 0;
}

static int mem_list(struct vault_storage *base, const char *prefix,
		    json_t **ret, struct bw_error *err)
{
	struct mem_storage *s = (struct mem_storage *)base;
	size_t plen = prefix ? strlen(prefix) : 0;
	json_t *arr = json_array();
	int rc = 0, found;

	if (!arr)
		return -ENOMEM;
	pthread_mutex_lock(&s->mu);
	for (size_t i = mem_find(s, prefix ? prefix : "", &found); i < s->n;
	     i++) {
		if (strncmp(s->e[i].key, prefix ? prefix : "", plen))
			break;
		if ((rc = list_add_child(arr, s->e[i].key, plen)))
			break;
	}
	pthread_mutex_unlock(&s->mu);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*ret = arr;
	return 0;
}

static void mem_close(struct vault_storage *base)
{
	struct mem_storage *s = (struct mem_storage *)base;

	for (size_t i = 0; i < s->n; i++) {
		free(s->e[i].key);
		free(s->e[i].val);
	}
	free(s->e);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static const struct vault_storage_ops mem_ops = {
    .name = "inmem",
    .get = mem_get,
    .put = mem_put,
    .delete = mem_delete,
    .list = mem_list,
    .close = mem_close,
};

int vault_storage_mem_open(struct vault_storage **ret)
{
	struct mem_storage *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->base.ops = &mem_ops;
	pthread_mutex_init(&s->mu, NULL);
	*ret = &s->base;
	return 0;
}
