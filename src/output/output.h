/*
 * output.h - alert outputs: Falco-compatible JSON lines, text, a file,
 * syslog and HTTP POST to a webhook (e.g. falcosidekick).
 *
 * Design: the event loop calls output_emit() for every alert; it formats the
 * alert once per format and hands the bytes to each configured sink.  Sinks
 * that can block (file on a slow disk, syslog, HTTP) run on their own worker
 * thread behind a bounded queue: when a queue is full the alert is dropped
 * for that sink and counted, so one slow output never blocks the event loop.
 * stdout is written directly (line-buffered).
 *
 * JSON alert format (one object per line, as Falco's json_output):
 *   {"hostname":"h","output":"...","output_fields":{...},"priority":"Warning",
 *    "rule":"...","source":"syscall","tags":["..."],
 *    "time":"2026-11-28T11:01:02.123456789Z"}
 * Text format (Falco's default): "<time>: <Priority> <output>".
 *
 * The JSON "output" value is, as in Falco, the whole text line
 * ("<time>: <Priority> <rule output>"), and "output_fields" gets "evt.time"
 * (integer ns) when the alert's fields lack it, as Falco's do.  Keys are
 * sorted (Falco's order), tags sorted and de-duplicated (Falco keeps them in
 * a set).  Invalid UTF-8 is replaced with U+FFFD.  The text format escapes
 * control characters as \xNN so a hostile file name cannot forge a line.
 * Times are always RFC 3339 UTC (Falco's time_format_iso_8601 style, with
 * "Z"), never local time.
 *
 * Thread model: output_emit/output_stats/output_flush/output_reopen are
 * called from the event-loop thread (output_reopen and output_stats are also
 * safe from any other thread, but not from a signal handler: a SIGHUP handler
 * sets a flag and the loop calls output_reopen).  Each async sink (file,
 * syslog, webhook) owns one worker thread; stdout is written synchronously.
 * Ownership: struct bw_outputs owns its sinks, queues and threads.  Alerts
 * are formatted inside output_emit, so the caller may free the alert as
 * soon as output_emit returns.
 */
#ifndef BW_OUTPUT_OUTPUT_H
#define BW_OUTPUT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "rules/rules.h"

#define OUTPUT_QUEUE_MAX 8192 /* alerts queued per async sink */
#define OUTPUT_MAX_SINKS 8
#define OUTPUT_HTTP_TIMEOUT_MS 5000
#define OUTPUT_QUEUE_MAX_BYTES (64u << 20) /* queued bytes per async sink */
#define OUTPUT_MAX_LINE (1u << 20)	   /* longer alert lines are dropped */

enum bw_output_format { BW_OUT_JSON = 0, BW_OUT_TEXT };

struct bw_output_config {
	enum bw_output_format format; /* for stdout and file */
	bool to_stdout;
	const char *file; /* append alerts here, NULL = none */
	bool to_syslog;
	const char *webhook_url; /* HTTP POST each alert as JSON */
	const char *hostname;	 /* NULL = gethostname() */
	const char *ca_file;	 /* for https webhooks, NULL = system */
	bool insecure;		 /* skip TLS verification (testing) */
};

struct bw_output_stats {
	uint64_t emitted; /* alerts given to output_emit */
	uint64_t dropped; /* per-sink drops, summed */
	uint64_t failed;  /* sink write/post failures, unformattable */
};

struct bw_outputs;

int output_open(const struct bw_output_config *cfg, struct bw_outputs **ret,
		struct bw_error *err);
/* Flushes queues (waiting up to timeout_ms) and frees everything. */
void output_close(struct bw_outputs *o, int timeout_ms);

/* Delivers one alert to every sink.  Never blocks on a slow sink. */
void output_emit(struct bw_outputs *o, const struct bw_alert *a);

void output_stats(const struct bw_outputs *o, struct bw_output_stats *out);

/*
 * Asks the file sink to reopen its file (after logrotate moved it); the
 * worker does it before its next write.  No-op without a file sink.
 */
void output_reopen(struct bw_outputs *o);

/*
 * Waits until every async queue is empty and its worker idle, at most
 * timeout_ms.  Returns 0, or -ETIMEDOUT if some queue still held alerts.
 */
int output_flush(struct bw_outputs *o, int timeout_ms);

/* Falco's name for a priority ("Warning"); "Debug" for an unknown value. */
const char *output_priority_name(enum bw_priority p);

/*
 * Formats an alert as a Falco JSON line (without the trailing newline) or as
 * text.  Returns a malloc'd string the caller frees, or NULL on ENOMEM or
 * when the line would be longer than OUTPUT_MAX_LINE.
 */
char *output_format_json(const struct bw_alert *a, const char *hostname);
char *output_format_text(const struct bw_alert *a);

/* RFC 3339 UTC time with nanoseconds ("2026-11-28T11:01:02.123456789Z"). */
void output_format_time(uint64_t ts_ns, char buf[40]);

#endif
