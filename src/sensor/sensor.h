/*
 * sensor.h - the eBPF sensor: loads the CO-RE programs in bpf/ (through the
 * generated skeleton), attaches the hooks this kernel allows, and decodes
 * ring-buffer records into struct bw_event.
 *
 * Hooks: BTF-enabled raw tracepoints tp_btf/sys_exit (every syscall, at
 * exit), tp_btf/sys_enter only for syscalls whose arguments must be read
 * before the call (e.g. paths of unlink/rename, which are gone afterwards is
 * not the issue but execve's argv is), and sched_process_exec/fork/exit.  At
 * start the sensor probes which program types load (fentry and BPF-LSM fail
 * with EPERM on some kernels) and falls back to raw_tp when tp_btf is
 * missing; sensor_hooks() says what is in use.
 *
 * Which syscalls are reported is decided in the kernel through an array map
 * indexed by syscall number; the agent sets it from the loaded rules plus
 * what state tracking needs (sensor_set_interest).
 *
 * Drops: the kernel side counts failed ring-buffer reservations per CPU;
 * sensor_stats() sums them and the poll loop synthesizes a BW_EVT_DROP event
 * when the count grows, so the agent can raise Falco's "syscall event drop"
 * style alert.
 *
 * Thread model: one thread calls sensor_poll; sensor_stats and
 * sensor_set_interest may be called from that same thread only.
 */
#ifndef BW_SENSOR_SENSOR_H
#define BW_SENSOR_SENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "event/event.h"

#define SENSOR_DEFAULT_RINGBUF (16u << 20)  /* bytes */
#define SENSOR_MAX_RECORD (64u << 10)       /* largest record accepted */

struct bw_sensor_config {
	size_t ringbuf_bytes;          /* power of two; 0 = default */
	bool want[BW_EVT__COUNT];      /* event types to report */
	pid_t ignore_tgid;             /* usually our own pid; 0 = none */
};

struct bw_sensor_stats {
	uint64_t events;               /* records decoded */
	uint64_t drops;                /* ring-buffer reservations that failed */
	uint64_t decode_errors;        /* records rejected by the decoder */
};

struct bw_sensor;

typedef void (*sensor_event_fn)(struct bw_event *ev, void *ctx);

/* Loads and attaches.  Fails with a clear message when BPF is unavailable
 * (not root, no BTF, locked down). */
int sensor_open(const struct bw_sensor_config *cfg, struct bw_sensor **ret,
		struct bw_error *err);
void sensor_close(struct bw_sensor *s);

/* Polls the ring buffer for up to timeout_ms; calls fn for every decoded
 * event (ev is valid only during the call).  Returns events handled or a
 * negative code (-EINTR when interrupted by a signal is not an error). */
int sensor_poll(struct bw_sensor *s, int timeout_ms, sensor_event_fn fn,
		void *ctx);

int sensor_set_interest(struct bw_sensor *s, const bool want[BW_EVT__COUNT]);
void sensor_stats(struct bw_sensor *s, struct bw_sensor_stats *out);

/* Human-readable list of the hooks attached, e.g. "tp_btf/sys_exit ...". */
const char *sensor_hooks(const struct bw_sensor *s);

/*
 * Decodes one ring-buffer record (hostile input: sizes are checked against
 * len before anything is read).  Strings in ev point into rec.  Returns 0 or
 * -EINVAL with err describing the record.  Exposed for tests and fuzzing.
 */
int sensor_decode(const void *rec, size_t len, struct bw_event *ev,
		  struct bw_error *err);

#endif
