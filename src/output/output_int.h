/*
 * output_int.h - what the files of src/output share and nothing else uses:
 * the formatted message passed to sinks, the sink vtable, the bounded queue
 * in front of each async sink, and the UTF-8 helpers of the formatters.
 *
 * A message is formatted once per format in output_emit and shared by
 * reference count between the sinks that use that format; the worker that
 * writes it drops its reference.  Each async sink owns one queue and one
 * worker thread; the queue's mutex guards the ring and the flags, the
 * counters are atomics read by output_stats.
 */
#ifndef BW_OUTPUT_OUTPUT_INT_H
#define BW_OUTPUT_OUTPUT_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "output/output.h"

/* ---- messages ------------------------------------------------------------ */

/* One formatted alert line, shared read-only between sinks. */
struct out_msg {
	atomic_uint refs;
	enum bw_priority prio;
	size_t len;  /* bytes of data, including the trailing '\n' */
	char data[]; /* line + '\n' + NUL */
};

/* Takes ownership of nothing; copies line (len bytes, no newline) into a new
 * message with refs = 1.  NULL on ENOMEM. */
struct out_msg *out_msg_new(const char *line, size_t len,
			    enum bw_priority prio);
struct out_msg *out_msg_ref(struct out_msg *m);
void out_msg_unref(struct out_msg *m); /* NULL is a no-op */

/* ---- bounded queue
 * ----------------------------------------------------------- */

struct out_queue {
	pthread_mutex_t mu;
	pthread_cond_t cv_work; /* items, stop, abort or a kick */
	pthread_cond_t cv_idle; /* queue empty and worker idle */
	struct out_msg **ring;	/* owned, cap slots */
	size_t cap, head, count;
	size_t bytes, max_bytes; /* bytes queued, bound */
	bool busy;		 /* the worker is writing a message */
	bool stop;		 /* drain what is queued, then exit */
	bool kick;		 /* wake the worker (e.g. to reopen) */
	atomic_bool abort;	 /* drop what is queued and exit now */
};

int out_queue_init(struct out_queue *q, size_t cap, size_t max_bytes);
void out_queue_destroy(struct out_queue *q); /* unrefs what is left */
/* Never blocks beyond the mutex: takes a reference on success, returns
 * -ENOSPC when full (by count or bytes), stopping or aborted. */
int out_queue_push(struct out_queue *q, struct out_msg *m);
/*
 * Worker side: waits for a message.  Returns 1 with *ret set (the caller
 * owns that reference), 0 when the worker must exit (stopped and empty, or
 * aborted: what is left is unref'd and its count added to *dropped), or 2
 * on a kick with no message.  Marks the worker busy until the next call.
 */
int out_queue_pop(struct out_queue *q, struct out_msg **ret, uint64_t *dropped);
void out_queue_kick(struct out_queue *q);
void out_queue_stop(struct out_queue *q);
void out_queue_abort(struct out_queue *q);
/* Waits until empty and idle or the absolute CLOCK_MONOTONIC deadline.
 * 0 or -ETIMEDOUT. */
int out_queue_wait_idle(struct out_queue *q, const struct timespec *deadline);

/* ---- sinks -----------------------------------------------------------------
 */

struct out_sink;

struct out_sink_ops {
	const char *name;
	/* Writes one message; 0 or a negative errno code (counted failed). */
	int (*write)(struct out_sink *s, const struct out_msg *m);
	void (*reopen)(struct out_sink *s);  /* may be NULL */
	void (*destroy)(struct out_sink *s); /* frees impl; may be NULL */
};

struct out_sink {
	const struct out_sink_ops *ops;
	void *impl;	    /* owned by the sink's ops */
	bool json;	    /* which format it writes */
	bool async;	    /* behind a queue + worker thread */
	struct out_queue q; /* async only */
	pthread_t thread;
	bool thread_started;
	atomic_bool reopen_req;
	_Atomic uint64_t dropped, failed, written;
};

/* Constructors fill s->ops and s->impl; 0 or negative errno with err set. */
int sink_stdout_init(struct out_sink *s, struct bw_error *err);
int sink_file_init(struct out_sink *s, const char *path, struct bw_error *err);
int sink_syslog_init(struct out_sink *s, struct bw_error *err);
int sink_http_init(struct out_sink *s, const struct bw_output_config *cfg,
		   struct bw_error *err);

/* Writes all of buf to fd, retrying on EINTR and short writes. */
int out_write_all(int fd, const char *buf, size_t len);

/* syslog(3) level for a Falco priority (they share numbering). */
int output_syslog_level(enum bw_priority p);

/* ---- formatting helpers ------------------------------------------------- */

/* True if s[0..len) is valid UTF-8 (no overlongs, surrogates, > U+10FFFF). */
bool out_utf8_valid(const char *s, size_t len);
/* malloc'd copy of s with each invalid sequence replaced by U+FFFD, NUL
 * terminated; *ret_len gets its length.  NULL on ENOMEM. */
char *out_utf8_fix(const char *s, size_t len, size_t *ret_len);
/* A jansson string from s (NULL = ""), fixing invalid UTF-8.  NULL on
 * ENOMEM. */
json_t *out_json_string(const char *s);

/* Text line into a malloc'd string: "<time>: <Priority> <output>", with
 * escaping when escape is true.  NULL on ENOMEM or if over OUTPUT_MAX_LINE. */
char *out_format_line(const struct bw_alert *a, bool escape);

#endif
