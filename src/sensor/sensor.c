/*
 * sensor.c - loads bpf/bulwark.bpf.c through its generated skeleton,
 * chooses the hooks this kernel accepts, and runs the ring-buffer poll
 * loop (see sensor.h for the contract and the thread model).
 *
 * Hook choice: first load with the tp_btf programs (autoload of the raw_tp
 * twins off); if that fails, reopen with the raw_tp programs instead (and
 * without sched_process_fork, which needs bpf_task_pt_regs: clone events
 * then come from sys_exit).  The result is described by sensor_hooks().
 *
 * Wakeups: the kernel side writes with BPF_RB_NO_WAKEUP unless more than
 * wakeup_bytes are pending, so sensor_poll always consumes after waiting;
 * the latency of an event is bounded by the poll timeout.
 */
#include "sensor/sensor.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bulwark.h"
#include "bulwark.skel.h"

struct bw_sensor {
	struct bulwark_bpf *skel;
	struct ring_buffer *rb;
	char hooks[256];
	int64_t boot_to_wall;         /* add to boot ns for wall ns */
	uint64_t seq;
	uint64_t events;
	uint64_t decode_errors;
	uint64_t drops_reported;
	sensor_event_fn fn;           /* valid during sensor_poll only */
	void *ctx;
	int handled;
	struct bw_event ev;           /* reused for every record */
};

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* libbpf's messages (verifier logs) only when BW_LIBBPF_DEBUG is set. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap) __attribute__((format(printf, 2, 0)));
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!getenv("BW_LIBBPF_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static size_t ringbuf_size(size_t want)
{
	size_t sz = 4096;

	if (!want)
		want = SENSOR_DEFAULT_RINGBUF;
	if (want > (1u << 30))
		want = 1u << 30;
	while (sz < want)
		sz <<= 1;
	return sz;
}

/* Opens and loads the skeleton with either the tp_btf or raw_tp set. */
static int load(const struct bw_sensor_config *cfg, bool btf,
		struct bulwark_bpf **ret)
{
	struct bulwark_bpf *skel = bulwark_bpf__open();
	int ncpu = libbpf_num_possible_cpus();
	size_t rbsz = ringbuf_size(cfg->ringbuf_bytes);
	int r;

	if (!skel)
		return -errno ? -errno : -ENOMEM;
	if (ncpu < 1)
		ncpu = 1;
	bpf_program__set_autoload(skel->progs.bw_sys_exit, btf);
	bpf_program__set_autoload(skel->progs.bw_exec, btf);
	bpf_program__set_autoload(skel->progs.bw_fork, btf);
	bpf_program__set_autoload(skel->progs.bw_exit, btf);
	bpf_program__set_autoload(skel->progs.bw_sys_exit_raw, !btf);
	bpf_program__set_autoload(skel->progs.bw_exec_raw, !btf);
	bpf_program__set_autoload(skel->progs.bw_exit_raw, !btf);
	skel->rodata->fork_from_sched = btf;
	skel->rodata->wakeup_bytes = rbsz / 16;
	bpf_map__set_max_entries(skel->maps.rb, rbsz);
	bpf_map__set_max_entries(skel->maps.scratch_map, ncpu * 4);
	r = bulwark_bpf__load(skel);
	if (r) {
		bulwark_bpf__destroy(skel);
		return r < 0 ? r : -EINVAL;
	}
	*ret = skel;
	return 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct bw_sensor *s = ctx;
	struct bw_error err;

	if (sensor_decode(data, size, &s->ev, &err)) {
		s->decode_errors++;
		return 0;
	}
	s->ev.ts_ns = (uint64_t)((int64_t)s->ev.ts_ns + s->boot_to_wall);
	s->ev.num = ++s->seq;
	s->events++;
	s->handled++;
	if (s->fn)
		s->fn(&s->ev, s->ctx);
	return 0;
}

int sensor_open(const struct bw_sensor_config *cfg, struct bw_sensor **ret,
		struct bw_error *err)
{
	struct bw_sensor *s;
	bool btf = true;
	int r;

	if (!cfg || !ret)
		return bw_errorf(err, -EINVAL, NULL, 0, 0, "no configuration");
	libbpf_set_print(libbpf_print);
	s = calloc(1, sizeof(*s));
	if (!s)
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		free(s);
		return bw_errorf(err, -ENOTSUP, "/sys/kernel/btf/vmlinux", 0,
				 0, "kernel BTF is not available: the eBPF "
				    "sensor needs CONFIG_DEBUG_INFO_BTF");
	}
	/* BW_SENSOR_HOOKS=raw_tp forces the fallback (for tests) */
	r = getenv("BW_SENSOR_HOOKS") &&
			    !strcmp(getenv("BW_SENSOR_HOOKS"), "raw_tp")
		    ? -ENOTSUP
		    : load(cfg, true, &s->skel);
	if (r) {
		btf = false;
		r = load(cfg, false, &s->skel);
	}
	if (r) {
		free(s);
		return bw_errorf(err, r, NULL, 0, 0,
				 "cannot load the eBPF sensor: %s%s",
				 strerror(-r),
				 geteuid() ? " (run as root or with "
					     "CAP_BPF+CAP_PERFMON)"
					   : " (set BW_LIBBPF_DEBUG=1 for the "
					     "verifier log)");
	}
	s->skel->bss->ignore_tgid = cfg->ignore_tgid > 0 ? cfg->ignore_tgid : 0;
	sensor_set_interest(s, cfg->want);
	r = bulwark_bpf__attach(s->skel);
	if (r) {
		bulwark_bpf__destroy(s->skel);
		free(s);
		return bw_errorf(err, r < 0 ? r : -EINVAL, NULL, 0, 0,
				 "cannot attach the eBPF sensor: %s",
				 strerror(r < 0 ? -r : EINVAL));
	}
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.rb), on_record, s,
				 NULL);
	if (!s->rb) {
		r = -errno ? -errno : -ENOMEM;
		bulwark_bpf__destroy(s->skel);
		free(s);
		return bw_errorf(err, r, NULL, 0, 0,
				 "cannot open the ring buffer: %s",
				 strerror(-r));
	}
	snprintf(s->hooks, sizeof(s->hooks), "%s",
		 btf ? "tp_btf/sys_exit tp_btf/sched_process_exec "
		       "tp_btf/sched_process_fork tp_btf/sched_process_exit"
		     : "raw_tp/sys_exit raw_tp/sched_process_exec "
		       "raw_tp/sched_process_exit");
	s->boot_to_wall = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
	*ret = s;
	return 0;
}

void sensor_close(struct bw_sensor *s)
{
	if (!s)
		return;
	ring_buffer__free(s->rb);
	bulwark_bpf__destroy(s->skel);
	free(s);
}

static uint64_t drops_total(struct bw_sensor *s)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[1024], sum = 0;
	uint32_t k = 0;

	if (ncpu < 1 || ncpu > 1024)
		return 0;
	if (bpf_map__lookup_elem(s->skel->maps.drops, &k, sizeof(k), vals,
				 sizeof(uint64_t) * ncpu, 0))
		return 0;
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

/* Synthesizes a BW_EVT_DROP event when the kernel counted new drops. */
static void report_drops(struct bw_sensor *s)
{
	uint64_t total = drops_total(s);
	struct bw_event *ev = &s->ev;

	if (total <= s->drops_reported)
		return;
	memset(ev, 0, offsetof(struct bw_event, argv));
	ev->argc = 0;
	ev->proc = NULL;
	ev->fd = NULL;
	ev->container = NULL;
	ev->type = BW_EVT_DROP;
	ev->ts_ns = (uint64_t)clock_ns(CLOCK_REALTIME);
	ev->num = ++s->seq;
	ev->nparams = bw_evt_info(BW_EVT_DROP)->nparams;
	ev->params[0].type = BW_PT_UINT64;
	ev->params[0].v.u64 = total - s->drops_reported;
	ev->params[1].type = BW_PT_UINT64;
	ev->params[1].v.u64 = total;
	s->drops_reported = total;
	s->handled++;
	if (s->fn)
		s->fn(ev, s->ctx);
}

int sensor_poll(struct bw_sensor *s, int timeout_ms, sensor_event_fn fn,
		void *ctx)
{
	int r;

	if (!s)
		return -EINVAL;
	s->fn = fn;
	s->ctx = ctx;
	s->handled = 0;
	r = ring_buffer__poll(s->rb, timeout_ms);
	if (r >= 0 || r == -EINTR) {
		int c = ring_buffer__consume(s->rb);

		if (c < 0 && r >= 0)
			r = c;
	}
	report_drops(s);
	s->fn = NULL;
	s->ctx = NULL;
	if (r < 0 && r != -EINTR)
		return r;
	return r == -EINTR && !s->handled ? -EINTR : s->handled;
}

int sensor_set_interest(struct bw_sensor *s, const bool want[BW_EVT__COUNT])
{
	uint8_t *in;

	if (!s || !want)
		return -EINVAL;
	in = s->skel->bss->interest;
	memset(in, 0, BW_NR_SLOTS);
	for (uint16_t t = 1; t < BW_EVT__COUNT; t++) {
		const struct bw_evt_info *info = bw_evt_info(t);

		if (!want[t] || !info)
			continue;
		if (info->syscall_nr >= 0 && info->syscall_nr < BW_NR_SLOTS)
			in[info->syscall_nr] = 1;
		else if (t == BW_EVT_PROCEXIT)
			in[BW_SLOT_PROCEXIT] = 1;
	}
	return 0;
}

void sensor_stats(struct bw_sensor *s, struct bw_sensor_stats *out)
{
	if (!out)
		return;
	memset(out, 0, sizeof(*out));
	if (!s)
		return;
	out->events = s->events;
	out->drops = drops_total(s);
	out->decode_errors = s->decode_errors;
}

const char *sensor_hooks(const struct bw_sensor *s)
{
	return s ? s->hooks : "";
}
