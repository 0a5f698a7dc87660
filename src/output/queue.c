/*
 * queue.c - shared alert messages and the bounded queue in front of each
 * async sink.
 *
 * The queue is a fixed ring of message pointers guarded by one mutex, with
 * a condition variable for the worker (cv_work) and one for whoever waits
 * for it to drain (cv_idle).  The producer (output_emit, the event loop)
 * only ever holds the mutex for O(1) work and never waits on a condition:
 * a full queue (by count or by queued bytes) refuses the message and the
 * caller counts it dropped.
 *
 * Shutdown has two steps: stop (the worker drains what is queued, then
 * exits) and abort (the worker drops what is left, counted as dropped, and
 * exits; a sink in a long write checks q->abort to give up early).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/output_int.h"

/* ---- messages ------------------------------------------------------------ */

struct out_msg *out_msg_new(const char *line, size_t len, enum bw_priority prio)
{
	struct out_msg *m;

	if (len > OUTPUT_MAX_LINE)
		return NULL;
	m = malloc(sizeof(*m) + len + 2);
	if (!m)
		return NULL;
	atomic_init(&m->refs, 1);
	m->prio = prio;
	memcpy(m->data, line, len);
	m->data[len] = '\n';
	m->data[len + 1] = '\0';
	m->len = len + 1;
	return m;
}

struct out_msg *out_msg_ref(struct out_msg *m)
{
	atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
	return m;
}

void out_msg_unref(struct out_msg *m)
{
	if (m &&
	    atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1)
		free(m);
}

/* ---- queue ------------------------------------------------------------------
 */

int out_queue_init(struct out_queue *q, size_t cap, size_t max_bytes)
{
	pthread_condattr_t ca;

	memset(q, 0, sizeof(*q));
	q->ring = calloc(cap, sizeof(*q->ring));
	if (!q->ring)
		return -ENOMEM;
	q->cap = cap;
	q->max_bytes = max_bytes;
	atomic_init(&q->abort, false);
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv_work, NULL);
	/* cv_idle is waited on with CLOCK_MONOTONIC deadlines. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cv_idle, &ca);
	pthread_condattr_destroy(&ca);
	return 0;
}

/* Removes and returns the oldest message; q->mu held, count > 0. */
static struct out_msg *take(struct out_queue *q)
{
	struct out_msg *m = q->ring[q->head];

	q->ring[q->head] = NULL;
	q->head = (q->head + 1) % q->cap;
	q->count--;
	q->bytes -= m->len;
	return m;
}

void out_queue_destroy(struct out_queue *q)
{
	if (!q->ring)
		return;
	while (q->count)
		out_msg_unref(take(q));
	free(q->ring);
	q->ring = NULL;
	pthread_cond_destroy(&q->cv_idle);
	pthread_cond_destroy(&q->cv_work);
	pthread_mutex_destroy(&q->mu);
}

int out_queue_push(struct out_queue *q, struct out_msg *m)
{
	int r = -ENOSPC;

	pthread_mutex_lock(&q->mu);
	if (!q->stop && !atomic_load(&q->abort) && q->count < q->cap &&
	    m->len <= q->max_bytes - q->bytes) {
		q->ring[(q->head + q->count) % q->cap] = out_msg_ref(m);
		q->count++;
		q->bytes += m->len;
		pthread_cond_signal(&q->cv_work);
		r = 0;
	}
	pthread_mutex_unlock(&q->mu);
	return r;
}

int out_queue_pop(struct out_queue *q, struct out_msg **ret, uint64_t *dropped)
{
	int r;

	pthread_mutex_lock(&q->mu);
	q->busy = false;
	if (!q->count)
		pthread_cond_broadcast(&q->cv_idle);
	while (!q->count && !q->stop && !q->kick && !atomic_load(&q->abort))
		pthread_cond_wait(&q->cv_work, &q->mu);
	if (atomic_load(&q->abort)) {
		*dropped += q->count;
		while (q->count)
			out_msg_unref(take(q));
		pthread_cond_broadcast(&q->cv_idle);
		r = 0;
	} else if (q->count) {
		*ret = take(q);
		q->busy = true;
		r = 1;
	} else if (q->kick) {
		r = 2;
	} else {
		pthread_cond_broadcast(&q->cv_idle);
		r = 0; /* stopped and empty */
	}
	q->kick = false;
	pthread_mutex_unlock(&q->mu);
	return r;
}

void out_queue_kick(struct out_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->kick = true;
	pthread_cond_signal(&q->cv_work);
	pthread_mutex_unlock(&q->mu);
}

void out_queue_stop(struct out_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->stop = true;
	pthread_cond_broadcast(&q->cv_work);
	pthread_mutex_unlock(&q->mu);
}

void out_queue_abort(struct out_queue *q)
{
	pthread_mutex_lock(&q->mu);
	atomic_store(&q->abort, true);
	pthread_cond_broadcast(&q->cv_work);
	pthread_mutex_unlock(&q->mu);
}

int out_queue_wait_idle(struct out_queue *q, const struct timespec *deadline)
{
	int r = 0;

	pthread_mutex_lock(&q->mu);
	while ((q->count || q->busy) && !atomic_load(&q->abort)) {
		if (pthread_cond_timedwait(&q->cv_idle, &q->mu, deadline) ==
		    ETIMEDOUT) {
			r = (q->count || q->busy) ? -ETIMEDOUT : 0;
			break;
		}
	}
	pthread_mutex_unlock(&q->mu);
	return r;
}
