/*
 * outputs.c - the set of configured sinks: open, emit, stats, reopen,
 * flush, close.
 *
 * output_emit formats the alert at most twice (JSON, text), wraps each line
 * in a reference-counted message and hands it to every sink: stdout is
 * written right away, the others are pushed onto their bounded queue and
 * written by their own worker thread.  A full queue drops the alert for that
 * sink only and counts it; output_emit never waits for a sink.
 *
 * Counters: "dropped" = alerts a sink never got because its queue was full
 * (or because close gave up on them), "failed" = a sink's write or POST
 * failed or the alert could not be formatted (out of memory, line over
 * OUTPUT_MAX_LINE), summed over sinks.  So one alert refused by two sinks
 * counts twice.
 *
 * Worker threads block every signal: signals stay with the event loop.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output/output_int.h"

#define HOSTNAME_MAX 256

struct bw_outputs {
	struct out_sink sinks[OUTPUT_MAX_SINKS];
	size_t nsinks;
	bool need_json, need_text;
	_Atomic uint64_t emitted;
	char hostname[HOSTNAME_MAX];
};

static void *worker_main(void *arg)
{
	struct out_sink *s = arg;
	uint64_t dropped = 0;

	for (;;) {
		struct out_msg *m = NULL;
		int r;

		if (atomic_exchange(&s->reopen_req, false) && s->ops->reopen)
			s->ops->reopen(s);
		r = out_queue_pop(&s->q, &m, &dropped);
		if (r == 0)
			break;
		if (r == 2)
			continue;
		if (atomic_exchange(&s->reopen_req, false) && s->ops->reopen)
			s->ops->reopen(s);
		if (s->ops->write(s, m))
			atomic_fetch_add(&s->failed, 1);
		else
			atomic_fetch_add(&s->written, 1);
		out_msg_unref(m);
	}
	atomic_fetch_add(&s->dropped, dropped);
	return NULL;
}

static int start_worker(struct out_sink *s, struct bw_error *err)
{
	sigset_t all, old;
	int r;

	r = out_queue_init(&s->q, OUTPUT_QUEUE_MAX, OUTPUT_QUEUE_MAX_BYTES);
	if (r)
		return bw_errorf(err, r, s->ops->name, 0, 0, "out of memory");
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&s->thread, NULL, worker_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r)
		return bw_errorf(err, -r, s->ops->name, 0, 0,
				 "cannot start the output thread: %s",
				 strerror(r));
	s->thread_started = true;
	return 0;
}

static void deadline_in(struct timespec *ts, int timeout_ms)
{
	if (timeout_ms < 0)
		timeout_ms = 0;
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += timeout_ms / 1000;
	ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Stops, drains until the deadline, aborts and joins every worker, then
 * frees the sinks. */
static void close_sinks(struct bw_outputs *o, int timeout_ms)
{
	struct timespec deadline;

	deadline_in(&deadline, timeout_ms);
	for (size_t i = 0; i < o->nsinks; i++)
		if (o->sinks[i].thread_started)
			out_queue_stop(&o->sinks[i].q);
	for (size_t i = 0; i < o->nsinks; i++)
		if (o->sinks[i].thread_started)
			out_queue_wait_idle(&o->sinks[i].q, &deadline);
	for (size_t i = 0; i < o->nsinks; i++) {
		struct out_sink *s = &o->sinks[i];

		if (!s->thread_started)
			continue;
		out_queue_abort(&s->q);
		pthread_join(s->thread, NULL);
		s->thread_started = false;
	}
	for (size_t i = 0; i < o->nsinks; i++) {
		struct out_sink *s = &o->sinks[i];

		if (s->async) {
			atomic_fetch_add(&s->dropped, s->q.count);
			out_queue_destroy(&s->q);
		}
		if (s->ops && s->ops->destroy)
			s->ops->destroy(s);
	}
	o->nsinks = 0;
}

/* Adds a sink built by init; starts its worker if it is async. */
static int add_sink(struct bw_outputs *o, bool json, int r,
		    struct bw_error *err)
{
	struct out_sink *s = &o->sinks[o->nsinks];

	if (r)
		return r;
	s->json = json;
	o->nsinks++; /* counted now so close_sinks destroys it on failure */
	if (json)
		o->need_json = true;
	else
		o->need_text = true;
	return s->async ? start_worker(s, err) : 0;
}

static void set_hostname(struct bw_outputs *o, const char *name)
{
	if (name) {
		snprintf(o->hostname, sizeof(o->hostname), "%s", name);
		return;
	}
	if (gethostname(o->hostname, sizeof(o->hostname) - 1))
		snprintf(o->hostname, sizeof(o->hostname), "localhost");
	o->hostname[sizeof(o->hostname) - 1] = '\0';
}

int output_open(const struct bw_output_config *cfg, struct bw_outputs **ret,
		struct bw_error *err)
{
	struct bw_outputs *o;
	bool json;
	int r = 0;

	if (!cfg || !ret)
		return bw_errorf(err, -EINVAL, "outputs", 0, 0,
				 "no output configuration");
	if (cfg->format != BW_OUT_JSON && cfg->format != BW_OUT_TEXT)
		return bw_errorf(err, -EINVAL, "outputs", 0, 0,
				 "unknown output format %d", (int)cfg->format);
	o = calloc(1, sizeof(*o));
	if (!o)
		return bw_errorf(err, -ENOMEM, "outputs", 0, 0,
				 "out of memory");
	set_hostname(o, cfg->hostname);
	json = cfg->format == BW_OUT_JSON;
	if (cfg->to_stdout)
		r = add_sink(o, json,
			     sink_stdout_init(&o->sinks[o->nsinks], err), err);
	if (!r && cfg->file)
		r = add_sink(
		    o, json,
		    sink_file_init(&o->sinks[o->nsinks], cfg->file, err), err);
	if (!r && cfg->to_syslog)
		r = add_sink(o, json,
			     sink_syslog_init(&o->sinks[o->nsinks], err), err);
	if (!r && cfg->webhook_url)
		r = add_sink(o, true,
			     sink_http_init(&o->sinks[o->nsinks], cfg, err),
			     err);
	if (r) {
		close_sinks(o, 0);
		free(o);
		return r;
	}
	*ret = o;
	return 0;
}

void output_close(struct bw_outputs *o, int timeout_ms)
{
	if (!o)
		return;
	close_sinks(o, timeout_ms);
	free(o);
}

/* A message of the alert in one format, or NULL if it cannot be built. */
static struct out_msg *format_msg(const struct bw_outputs *o,
				  const struct bw_alert *a, bool json)
{
	char *line =
	    json ? output_format_json(a, o->hostname) : output_format_text(a);
	struct out_msg *m = NULL;

	if (line)
		m = out_msg_new(line, strlen(line), a->priority);
	free(line);
	return m;
}

void output_emit(struct bw_outputs *o, const struct bw_alert *a)
{
	struct out_msg *jm = NULL, *tm = NULL;

	if (!o || !a)
		return;
	atomic_fetch_add_explicit(&o->emitted, 1, memory_order_relaxed);
	if (o->need_json)
		jm = format_msg(o, a, true);
	if (o->need_text)
		tm = format_msg(o, a, false);
	for (size_t i = 0; i < o->nsinks; i++) {
		struct out_sink *s = &o->sinks[i];
		struct out_msg *m = s->json ? jm : tm;

		if (!m)
			atomic_fetch_add(&s->failed, 1);
		else if (!s->async)
			atomic_fetch_add(
			    s->ops->write(s, m) ? &s->failed : &s->written, 1);
		else if (out_queue_push(&s->q, m))
			atomic_fetch_add(&s->dropped, 1);
	}
	out_msg_unref(jm);
	out_msg_unref(tm);
}

void output_stats(const struct bw_outputs *o, struct bw_output_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!o)
		return;
	out->emitted = atomic_load(&o->emitted);
	for (size_t i = 0; i < o->nsinks; i++) {
		out->dropped += atomic_load(&o->sinks[i].dropped);
		out->failed += atomic_load(&o->sinks[i].failed);
	}
}

void output_reopen(struct bw_outputs *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->nsinks; i++) {
		struct out_sink *s = &o->sinks[i];

		if (!s->ops->reopen || !s->thread_started)
			continue;
		atomic_store(&s->reopen_req, true);
		out_queue_kick(&s->q);
	}
}

int output_flush(struct bw_outputs *o, int timeout_ms)
{
	struct timespec deadline;
	int r = 0;

	if (!o)
		return 0;
	deadline_in(&deadline, timeout_ms);
	for (size_t i = 0; i < o->nsinks; i++)
		if (o->sinks[i].thread_started &&
		    out_queue_wait_idle(&o->sinks[i].q, &deadline))
			r = -ETIMEDOUT;
	return r;
}
