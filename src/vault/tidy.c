/*
 * tidy.c - the sweep of expired state and the thread that runs it.
 *
 * Tokens are reaped lazily (token.c: the lookup that finds one dead revokes
 * it), so a token nobody presents again, its accessor and parent link, and
 * a response wrapped for it stay in storage for good.  The token part of
 * the sweep, as Vault's auth/token/tidy, walks
 *   core/token/id/        revoking every dead token (expired, or an
 *                         ancestor gone or expired) with its children,
 *                         through vault_token_reap (vault_token_revoke's
 *                         code, after a re-check under tok_mu);
 *   core/token/parent/    deleting links whose parent or child is gone;
 *   core/token/accessor/  deleting entries whose token is gone;
 * then the wrapped responses (wrapping.c).  AppRole's secret ids are
 * approle_tidy.c's part.  tidy_int.h has the walking rules (batches, stop and
 * seal checks, one key per lock); Vault turns the children of a missing
 * parent into orphans, here they are dead (a lookup refuses a token whose
 * ancestor is gone), so the sweep revokes them.
 *
 * The sweeper is one thread per core: it sleeps on a condition variable
 * (CLOCK_MONOTONIC) until its interval passes, a tidy endpoint asks for a
 * sweep, or vault_tidy_stop; sweeps run outside its mutex, which guards
 * only pending/running and the counters.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vault/router_int.h"
#include "vault/tidy_int.h"
#include "vault/token_int.h"

#define TIDY_STARTED                                                           \
	"Tidy operation successfully started. Any information from the "       \
	"operation will be printed to Vault's server logs."
#define TIDY_BUSY "Tidy operation already in progress."

struct vault_tidy {
	struct vault_core *c;
	long long interval; /* seconds; 0: only on request */
	vault_tidy_report_fn report;
	void *report_ctx;
	pthread_t thread;
	pthread_mutex_t mu; /* guards everything below */
	pthread_cond_t cond;
	unsigned pending, running; /* enum vault_tidy_what bits */
	unsigned sweeps;	   /* finished since the start */
	struct vault_tidy_stats last;
	atomic_int stop; /* read by the sweep without mu */
};

int vault_tidy_stopped(const struct vault_tidy_walk *w)
{
	return (w->stop && atomic_load(w->stop)) ||
	       vault_barrier_sealed(w->c->b);
}

/* ---- the token store's part --------------------------------------------- */

static int is_hash(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* 1 when key exists, 0 when not, or negative. */
static int key_exists(struct vault_core *c, const char *key,
		      struct bw_error *err)
{
	uint8_t *v = NULL;
	size_t n = 0;
	int rc = vault_barrier_get(c->b, key, &v, &n, err);

	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	vault_secure_free(v, n);
	return 1;
}

static int token_exists(struct vault_core *c, const char *hash,
			struct bw_error *err)
{
	char key[sizeof(VAULT_TOKEN_ID_PREFIX) + 64];

	snprintf(key, sizeof(key), "%s%s", VAULT_TOKEN_ID_PREFIX, hash);
	return key_exists(c, key, err);
}

/* Counts a key's failure; keeps the first error for the caller. */
static void note_error(struct vault_tidy_walk *w, int rc, int *first)
{
	w->st->errors++;
	if (!*first)
		*first = rc;
}

/* Lists prefix into *ret; -ECANCELED when sealed (the barrier refuses). */
static int list_keys(struct vault_tidy_walk *w, const char *prefix,
		     json_t **ret, struct bw_error *err)
{
	int rc = vault_barrier_list(w->c->b, prefix, ret, err);

	return rc == -EACCES ? -ECANCELED : rc;
}

/* Between batches: -ECANCELED when the walk must end. */
static int batch_check(const struct vault_tidy_walk *w, size_t i)
{
	return i % VAULT_TIDY_BATCH == 0 && vault_tidy_stopped(w) ? -ECANCELED
								  : 0;
}

static int tidy_token_ids(struct vault_tidy_walk *w, struct bw_error *err)
{
	json_t *keys = NULL, *k;
	size_t i;
	int rc = list_keys(w, VAULT_TOKEN_ID_PREFIX, &keys, err), first = 0;

	if (rc)
		return rc;
	json_array_foreach(keys, i, k)
	{
		const char *h = json_string_value(k);

		if ((rc = batch_check(w, i)))
			break;
		if (!is_hash(h))
			continue;
		w->st->tokens_scanned++;
		rc = vault_token_is_dead(w->c, h, NULL);
		if (rc == 1)
			rc = vault_token_reap(w->c, h, NULL);
		if (rc == 1)
			w->st->tokens_revoked++;
		else if (rc < 0 && rc != -ENOENT)
			note_error(w, rc, &first);
		rc = 0;
	}
	json_decref(keys);
	return rc ? rc : first;
}

/* Deletes the link parent/child when, under tok_mu, either end is gone
 * (token creation writes the link and the entry under the same lock). */
static int drop_link(struct vault_tidy_walk *w, const char *parent,
		     const char *child, struct bw_error *err)
{
	char key[sizeof(VAULT_TOKEN_PARENT_PREFIX) + 140];
	int p, ch, rc = 0;

	pthread_mutex_lock(&w->c->tokens->tok_mu);
	p = token_exists(w->c, parent, err);
	ch = p < 0 ? p : token_exists(w->c, child, err);
	if (p < 0 || ch < 0) {
		rc = p < 0 ? p : ch;
	} else if (!p || !ch) {
		snprintf(key, sizeof(key), "%s%s/%s", VAULT_TOKEN_PARENT_PREFIX,
			 parent, child);
		rc = vault_barrier_delete(w->c->b, key, err);
		if (!rc)
			w->st->parent_links_deleted++;
	}
	pthread_mutex_unlock(&w->c->tokens->tok_mu);
	return rc;
}

static int tidy_parent_links(struct vault_tidy_walk *w, struct bw_error *err)
{
	char prefix[sizeof(VAULT_TOKEN_PARENT_PREFIX) + 70], parent[65];
	json_t *parents = NULL, *kids, *k, *p;
	size_t i, j, n = 0;
	int rc = list_keys(w, VAULT_TOKEN_PARENT_PREFIX, &parents, err);
	int first = 0;

	if (rc)
		return rc;
	json_array_foreach(parents, i, p)
	{
		const char *s = json_string_value(p);

		/* "<hash>/": a folder of children */
		if (!s || strlen(s) != 65 || s[64] != '/')
			continue;
		memcpy(parent, s, 64);
		parent[64] = '\0';
		if (!is_hash(parent))
			continue;
		snprintf(prefix, sizeof(prefix), "%s%s",
			 VAULT_TOKEN_PARENT_PREFIX, s);
		kids = NULL;
		if ((rc = list_keys(w, prefix, &kids, err)))
			break;
		json_array_foreach(kids, j, k)
		{
			const char *child = json_string_value(k);
			int a, b;

			if ((rc = batch_check(w, n++)))
				break;
			if (!is_hash(child))
				continue;
			/* unlocked first: most links are fine */
			a = token_exists(w->c, parent, NULL);
			b = a == 1 ? token_exists(w->c, child, NULL) : a;
			if (a == 1 && b == 1)
				continue;
			if ((rc = drop_link(w, parent, child, NULL)))
				note_error(w, rc, &first);
			rc = 0;
		}
		json_decref(kids);
		if (rc)
			break;
	}
	json_decref(parents);
	return rc ? rc : first;
}

/* The token hash an accessor entry names into hash ("" when the entry is
 * malformed): 0, -ENOENT when the entry is gone, or negative. */
static int accessor_target(struct vault_core *c, const char *key, char hash[65],
			   struct bw_error *err)
{
	uint8_t *v = NULL;
	size_t n = 0;
	json_t *o;
	const char *h;
	int rc = vault_barrier_get(c->b, key, &v, &n, err);

	if (rc)
		return rc;
	o = json_loadb((const char *)v, n, 0, NULL);
	free(v);
	h = json_string_value(json_object_get(o, "id_hash"));
	snprintf(hash, 65, "%s", is_hash(h) ? h : "");
	json_decref(o);
	return 0;
}

/* 1 when the accessor entry at key points at no token. */
static int accessor_dangling(struct vault_core *c, const char *key,
			     struct bw_error *err)
{
	char hash[65];
	int rc = accessor_target(c, key, hash, err);

	if (rc)
		return rc == -ENOENT ? 0 : rc;
	if (!hash[0])
		return 1;
	rc = token_exists(c, hash, err);
	return rc < 0 ? rc : !rc;
}

static int tidy_accessors(struct vault_tidy_walk *w, struct bw_error *err)
{
	char key[sizeof(VAULT_TOKEN_ACCESSOR_PREFIX) + 70];
	json_t *keys = NULL, *k;
	size_t i;
	int rc = list_keys(w, VAULT_TOKEN_ACCESSOR_PREFIX, &keys, err);
	int first = 0;

	if (rc)
		return rc;
	json_array_foreach(keys, i, k)
	{
		const char *a = json_string_value(k);

		if ((rc = batch_check(w, i)))
			break;
		if (!is_hash(a))
			continue;
		snprintf(key, sizeof(key), "%s%s", VAULT_TOKEN_ACCESSOR_PREFIX,
			 a);
		rc = accessor_dangling(w->c, key, NULL);
		if (rc == 1) {
			/* token creation writes the accessor entry, then the
			 * token's, under tok_mu: check again under it */
			pthread_mutex_lock(&w->c->tokens->tok_mu);
			rc = accessor_dangling(w->c, key, NULL);
			if (rc == 1) {
				rc = vault_barrier_delete(w->c->b, key, NULL);
				if (!rc)
					w->st->accessors_deleted++;
			}
			pthread_mutex_unlock(&w->c->tokens->tok_mu);
		}
		if (rc < 0)
			note_error(w, rc, &first);
		rc = 0;
	}
	json_decref(keys);
	return rc ? rc : first;
}

/* ---- a sweep ------------------------------------------------------------ */

static int tidy_walk(struct vault_tidy_walk *w, unsigned what,
		     struct bw_error *err)
{
	static int (*const token_parts[])(struct vault_tidy_walk *,
					  struct bw_error *) = {
	    tidy_token_ids,
	    tidy_parent_links,
	    tidy_accessors,
	    vault_wrapping_tidy,
	};
	int rc, first = 0;

	if (vault_tidy_stopped(w))
		return vault_barrier_sealed(w->c->b)
			   ? bw_errorf(err, -EACCES, NULL, 0, 0,
				       "Vault is sealed")
			   : -ECANCELED;
	for (size_t i = 0; (what & VAULT_TIDY_TOKENS) &&
			   i < sizeof(token_parts) / sizeof(token_parts[0]);
	     i++) {
		rc = token_parts[i](w, first ? NULL : err);
		if (rc == -ECANCELED)
			return rc;
		if (rc && !first)
			first = rc;
	}
	if (what & VAULT_TIDY_SECRET_IDS) {
		rc = vault_approle_tidy(w, first ? NULL : err);
		if (rc == -ECANCELED)
			return rc;
		if (rc && !first)
			first = rc;
	}
	return first;
}

int vault_tidy_run(struct vault_core *c, unsigned what,
		   struct vault_tidy_stats *st, struct bw_error *err)
{
	struct vault_tidy_stats local = {0};
	struct vault_tidy_walk w = {.c = c, .st = st ? st : &local};

	return tidy_walk(&w, what, err);
}

/* ---- the sweeper thread ------------------------------------------------- */

static void deadline(struct timespec *ts, long long secs)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)secs;
}

static int due(const struct timespec *ts)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > ts->tv_sec ||
	       (now.tv_sec == ts->tv_sec && now.tv_nsec >= ts->tv_nsec);
}

static int removed_any(const struct vault_tidy_stats *s)
{
	return s->tokens_revoked || s->parent_links_deleted ||
	       s->accessors_deleted || s->wrapped_deleted ||
	       s->secret_ids_deleted || s->secret_id_accessors_deleted;
}

/* Runs one sweep of what, outside t->mu. */
static void sweep(struct vault_tidy *t, unsigned what,
		  struct vault_tidy_stats *st)
{
	struct vault_tidy_walk w = {.c = t->c, .st = st, .stop = &t->stop};
	struct bw_error err;
	int rc;

	memset(st, 0, sizeof(*st));
	if (vault_barrier_sealed(t->c->b))
		return; /* nothing to do until unsealed */
	bw_error_clear(&err);
	rc = tidy_walk(&w, what, &err);
	if (rc == -ECANCELED || rc == -EACCES)
		return;	       /* stopped or sealed part way: not a failure */
	if (rc && !err.msg[0]) /* a key's failure: counted, no message */
		snprintf(err.msg, sizeof(err.msg), "%zu keys failed: %s",
			 st->errors, strerror(-rc));
	if (t->report && (rc || removed_any(st)))
		t->report(t->report_ctx, st, rc, rc ? err.msg : "");
}

static void *tidy_main(void *arg)
{
	struct vault_tidy *t = arg;
	struct vault_tidy_stats st;
	struct timespec next;
	unsigned what;

	pthread_mutex_lock(&t->mu);
	deadline(&next, t->interval);
	while (!atomic_load(&t->stop)) {
		if (t->interval > 0 && due(&next)) {
			t->pending |= VAULT_TIDY_ALL;
			deadline(&next, t->interval);
		}
		if (!t->pending) {
			if (t->interval > 0)
				pthread_cond_timedwait(&t->cond, &t->mu, &next);
			else
				pthread_cond_wait(&t->cond, &t->mu);
			continue;
		}
		what = t->running = t->pending;
		t->pending = 0;
		pthread_mutex_unlock(&t->mu);
		sweep(t, what, &st);
		pthread_mutex_lock(&t->mu);
		t->running = 0;
		t->last = st;
		t->sweeps++;
		pthread_cond_broadcast(&t->cond); /* vault_tidy_wait */
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

int vault_tidy_start(struct vault_core *c, long long interval,
		     vault_tidy_report_fn report, void *report_ctx,
		     struct vault_tidy **ret, struct bw_error *err)
{
	struct vault_tidy *t;
	pthread_condattr_t ca;
	int rc;

	if (interval < 0)
		return bw_errorf(err, -EINVAL, NULL, 0, 0,
				 "tidy interval cannot be negative");
	if (c->tidy)
		return bw_errorf(err, -EBUSY, NULL, 0, 0,
				 "the core already has a tidy sweeper");
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->c = c;
	t->interval = interval;
	t->report = report;
	t->report_ctx = report_ctx;
	atomic_init(&t->stop, 0);
	pthread_mutex_init(&t->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cond, &ca);
	pthread_condattr_destroy(&ca);
	rc = pthread_create(&t->thread, NULL, tidy_main, t);
	if (rc) {
		pthread_cond_destroy(&t->cond);
		pthread_mutex_destroy(&t->mu);
		free(t);
		return bw_errorf(err, -rc, NULL, 0, 0,
				 "cannot start the tidy thread: %s",
				 strerror(rc));
	}
	c->tidy = t;
	*ret = t;
	return 0;
}

void vault_tidy_stop(struct vault_tidy *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	atomic_store(&t->stop, 1);
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->thread, NULL);
	if (t->c->tidy == t)
		t->c->tidy = NULL;
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

unsigned vault_tidy_wait(struct vault_tidy *t, unsigned n, long timeout_ms,
			 struct vault_tidy_stats *st)
{
	struct timespec until;
	unsigned done;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&t->mu);
	while (t->sweeps < n &&
	       pthread_cond_timedwait(&t->cond, &t->mu, &until) != ETIMEDOUT)
		;
	done = t->sweeps;
	if (st)
		*st = t->last;
	pthread_mutex_unlock(&t->mu);
	return done;
}

/* ---- the tidy endpoints ------------------------------------------------- */

/* Asks c's sweeper for a sweep of what: 0, or -EBUSY when one is pending
 * or running; without a sweeper, runs it here (0). */
static int tidy_request(struct vault_core *c, unsigned what)
{
	struct vault_tidy *t = c->tidy;
	int rc = 0;

	if (!t) {
		vault_tidy_run(c, what, NULL, NULL);
		return 0;
	}
	pthread_mutex_lock(&t->mu);
	if ((t->pending | t->running) & what) {
		rc = -EBUSY;
	} else {
		t->pending |= what;
		pthread_cond_broadcast(&t->cond);
	}
	pthread_mutex_unlock(&t->mu);
	return rc;
}

int vault_tidy_handle(struct vault_core *c, unsigned what, int *ret_status,
		      json_t **ret_body)
{
	int busy = tidy_request(c, what) == -EBUSY;
	char id[37];

	vault_uuid(id);
	*ret_body = json_pack("{s:s, s:s, s:b, s:i, s:n, s:n, s:[s], s:n, "
			      "s:s}",
			      "request_id", id, "lease_id", "", "renewable", 0,
			      "lease_duration", 0, "data", "wrap_info",
			      "warnings", busy ? TIDY_BUSY : TIDY_STARTED,
			      "auth", "mount_type", "");
	*ret_status = busy ? 200 : 202;
	return *ret_body ? 0 : vault_verr(500, "internal error");
}
