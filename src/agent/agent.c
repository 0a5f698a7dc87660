/*
 * agent.c - the runtime event loop: sensor -> state -> rules -> outputs.
 * See agent.h for the thread model and reload semantics.
 */
#include "agent/agent.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sensor/sensor.h"
#include "state/state.h"

struct agent_loop {
	const struct bw_agent_config *cfg;
	struct bw_ruleset *rules;
	struct bw_state *state;
	struct bw_outputs *out;
	struct bw_agent_stats stats;
	uint64_t last_drop_alert_ns;
	uint64_t drops_reported;
};

static uint64_t now_ns(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- rules loading -------------------------------------------------------- */

static int is_yaml_name(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && !strcmp(name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(name + n - 4, ".yml"));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads every *.yaml / *.yml of dir in name order. */
static int load_rules_dir(struct bw_ruleset *rs, const char *dir,
			  struct bw_rules_diag *diag, struct bw_error *err)
{
	enum { MAX_FILES = 1024 };
	char *names[MAX_FILES];
	size_t n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);
	int r = 0;

	if (!d)
		return bw_errorf(err, -errno, dir, 0, 0, "cannot open rules directory: %s",
				 strerror(errno));
	while ((de = readdir(d)) && n < MAX_FILES) {
		if (de->d_name[0] == '.' || !is_yaml_name(de->d_name))
			continue;
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char path[4096];

		if (!r) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			r = rules_load_file(rs, path, diag, err);
		}
		free(names[i]);
	}
	if (r == -ENOMEM)
		return bw_errorf(err, r, dir, 0, 0, "out of memory");
	return r;
}

int agent_load_rules(const char *const *paths, size_t npaths,
		     enum bw_priority min_priority, struct bw_ruleset **ret,
		     struct bw_rules_diag *diag, struct bw_error *err)
{
	struct bw_ruleset *rs;
	int r = rules_new(&rs);

	if (r)
		return bw_errorf(err, r, NULL, 0, 0, "cannot create ruleset");
	for (size_t i = 0; i < npaths && !r; i++) {
		struct stat sb;

		if (stat(paths[i], &sb)) {
			r = bw_errorf(err, -errno, paths[i], 0, 0,
				      "cannot read rules: %s", strerror(errno));
			break;
		}
		if (S_ISDIR(sb.st_mode))
			r = load_rules_dir(rs, paths[i], diag, err);
		else
			r = rules_load_file(rs, paths[i], diag, err);
	}
	if (!r)
		r = rules_compile(rs, diag, err);
	if (r) {
		rules_free(rs);
		return r;
	}
	rules_set_min_priority(rs, min_priority);
	*ret = rs;
	return 0;
}

/* ---- event types ---------------------------------------------------------- */

void agent_state_event_types(bool want[BW_EVT__COUNT])
{
	static const uint16_t needed[] = {
		BW_EVT_EXECVE, BW_EVT_EXECVEAT, BW_EVT_CLONE, BW_EVT_CLONE3,
		BW_EVT_FORK, BW_EVT_VFORK, BW_EVT_PROCEXIT, BW_EVT_OPEN,
		BW_EVT_OPENAT, BW_EVT_OPENAT2, BW_EVT_CREAT, BW_EVT_CLOSE,
		BW_EVT_SOCKET, BW_EVT_CONNECT, BW_EVT_ACCEPT, BW_EVT_ACCEPT4,
		BW_EVT_BIND, BW_EVT_DUP, BW_EVT_DUP2, BW_EVT_DUP3,
		BW_EVT_PIPE, BW_EVT_PIPE2, BW_EVT_FCNTL, BW_EVT_SETUID,
		BW_EVT_SETGID, BW_EVT_SETREUID, BW_EVT_SETREGID,
		BW_EVT_SETRESUID, BW_EVT_SETRESGID, BW_EVT_CAPSET,
		BW_EVT_CHDIR, BW_EVT_FCHDIR, BW_EVT_CHROOT,
		BW_EVT_MEMFD_CREATE, BW_EVT_DROP,
	};

	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		want[needed[i]] = true;
}

static void compute_interest(const struct bw_agent_config *cfg,
			     const struct bw_ruleset *rs,
			     bool want[BW_EVT__COUNT])
{
	memset(want, 0, sizeof(bool) * BW_EVT__COUNT);
	if (cfg->all_events) {
		for (int i = 1; i < BW_EVT__COUNT; i++)
			want[i] = true;
		return;
	}
	rules_event_types(rs, want);
	agent_state_event_types(want);
}

/* ---- per event ------------------------------------------------------------ */

static void on_match(const struct bw_rule *rule, struct bw_event *ev, void *ctx)
{
	struct agent_loop *L = ctx;
	struct bw_alert a;

	if (rules_render_alert(rule, ev, &a))
		return;
	output_emit(L->out, &a);
	L->stats.alerts++;
	rules_alert_free(&a);
}

/* Falco's "syscall event drop" alert, at most once per second. */
static void emit_drop_alert(struct agent_loop *L, uint64_t total_drops)
{
	static const char *const tags[] = {"bulwark_internal"};
	uint64_t now = now_ns(CLOCK_REALTIME);
	uint64_t n = total_drops - L->drops_reported;
	struct bw_alert a = {0};
	char msg[256];

	if (!n || now - L->last_drop_alert_ns < AGENT_DROP_ALERT_INTERVAL_NS)
		return;
	snprintf(msg, sizeof(msg),
		 "Bulwark internal: syscall event drop. %llu system calls dropped "
		 "since the last report (ring buffer full).",
		 (unsigned long long)n);
	a.ts_ns = now;
	a.rule = "Bulwark internal: syscall event drop";
	a.priority = BW_PRIO_CRITICAL;
	a.source = "internal";
	a.output = msg;
	a.output_fields = json_pack("{s:I,s:I}", "n_drops", (json_int_t)n,
				    "n_drops_total", (json_int_t)total_drops);
	a.tags = tags;
	a.ntags = 1;
	output_emit(L->out, &a);
	json_decref(a.output_fields);
	L->stats.alerts++;
	L->drops_reported = total_drops;
	L->last_drop_alert_ns = now;
}

static void on_event(struct bw_event *ev, void *ctx)
{
	struct agent_loop *L = ctx;

	L->stats.events++;
	if (ev->type == BW_EVT_DROP) {
		/* params: [0] drops since the last report, [1] total */
		if (ev->nparams > 1 && ev->params[1].type == BW_PT_UINT64)
			emit_drop_alert(L, ev->params[1].v.u64);
		return;
	}
	state_process_event(L->state, ev);
	rules_eval(L->rules, ev, on_match, L);
	state_post_event(L->state, ev);
}

static struct bw_proc *proc_lookup(void *ctx, int32_t pid)
{
	return state_proc(ctx, pid);
}

static void logf_(agent_log_fn log, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void logf_(agent_log_fn log, void *ctx, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log(line, ctx);
}

static void log_diag(const struct bw_rules_diag *d, agent_log_fn log, void *ctx)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct bw_rules_diag_item *it = &d->items[i];

		logf_(log, ctx, "%s: %s:%d:%d: %s%s%s%s",
		      it->is_error ? "error" : "warning", it->file, it->line,
		      it->column, it->item[0] ? "rule '" : "", it->item,
		      it->item[0] ? "': " : "", it->msg);
	}
}

static int reload_rules(struct agent_loop *L, struct bw_sensor *s,
			agent_log_fn log, void *log_ctx)
{
	struct bw_rules_diag diag = {0};
	struct bw_error err = {0};
	struct bw_ruleset *rs;
	bool want[BW_EVT__COUNT];
	char buf[1024];
	int r;

	r = agent_load_rules(L->cfg->rules_paths, L->cfg->nrules_paths,
			     L->cfg->min_priority, &rs, &diag, &err);
	log_diag(&diag, log, log_ctx);
	rules_diag_free(&diag);
	if (r) {
		logf_(log, log_ctx, "reload failed, keeping the running rules: %s",
		      bw_error_str(&err, buf, sizeof(buf)));
		return r;
	}
	rules_set_proc_lookup(rs, proc_lookup, L->state);
	rules_free(L->rules);
	L->rules = rs;
	compute_interest(L->cfg, rs, want);
	sensor_set_interest(s, want);
	L->stats.rules_loaded = rules_count_loaded(rs);
	L->stats.reloads++;
	logf_(log, log_ctx, "rules reloaded: %zu rules", rules_count_loaded(rs));
	return 0;
}

int agent_run(const struct bw_agent_config *cfg, struct bw_agent_signals *sig,
	      agent_log_fn log, void *log_ctx, struct bw_agent_stats *ret_stats,
	      struct bw_error *err)
{
	struct agent_loop L = {.cfg = cfg};
	struct bw_state_config scfg = {.root = cfg->proc_root,
				       .seed_from_proc = true};
	struct bw_sensor_config sencfg = {.ringbuf_bytes = cfg->ringbuf_bytes,
					  .ignore_tgid = getpid()};
	struct bw_rules_diag diag = {0};
	struct bw_sensor *sensor = NULL;
	struct bw_sensor_stats sst;
	struct bw_output_stats ost;
	uint64_t start = now_ns(CLOCK_MONOTONIC), last_sweep = start;
	int r;

	r = agent_load_rules(cfg->rules_paths, cfg->nrules_paths,
			     cfg->min_priority, &L.rules, &diag, err);
	log_diag(&diag, log, log_ctx);
	rules_diag_free(&diag);
	if (r)
		return r;
	L.stats.rules_loaded = rules_count_loaded(L.rules);

	r = state_new(&scfg, &L.state, err);
	if (r)
		goto out;
	rules_set_proc_lookup(L.rules, proc_lookup, L.state);

	r = output_open(&cfg->out, &L.out, err);
	if (r)
		goto out;

	compute_interest(cfg, L.rules, sencfg.want);
	r = sensor_open(&sencfg, &sensor, err);
	if (r)
		goto out;
	logf_(log, log_ctx, "bulwark agent started: %zu rules loaded, %zu skipped; hooks: %s",
	      rules_count_loaded(L.rules), rules_count_skipped(L.rules),
	      sensor_hooks(sensor));

	while (!sig->stop) {
		uint64_t now;

		r = sensor_poll(sensor, 100, on_event, &L);
		if (r < 0 && r != -EINTR) {
			bw_errorf(err, r, NULL, 0, 0, "ring buffer poll failed: %s",
				  strerror(-r));
			break;
		}
		r = 0;
		if (sig->reload) {
			sig->reload = 0;
			output_reopen(L.out); /* logrotate: reopen the alert file */
			reload_rules(&L, sensor, log, log_ctx);
		}
		now = now_ns(CLOCK_MONOTONIC);
		if (now - last_sweep > AGENT_SWEEP_INTERVAL_MS * 1000000ull) {
			state_sweep(L.state);
			last_sweep = now;
		}
		if (cfg->max_events && L.stats.events >= cfg->max_events)
			break;
		if (cfg->duration_s &&
		    now - start >= (uint64_t)cfg->duration_s * 1000000000ull)
			break;
	}
	/* Drain what is already in the ring buffer before stopping. */
	sensor_poll(sensor, 0, on_event, &L);

out:
	if (sensor) {
		sensor_stats(sensor, &sst);
		L.stats.drops = sst.drops;
		sensor_close(sensor);
	}
	if (L.out) {
		/* Deliver what is queued first, so the counts include it; what
		 * a stuck sink still holds after that is dropped by close. */
		int flushed = output_flush(L.out, 2000);

		output_stats(L.out, &ost);
		L.stats.alerts_dropped = ost.dropped;
		L.stats.alerts_failed = ost.failed;
		output_close(L.out, 0);
		if (flushed)
			logf_(log, log_ctx, "alert outputs did not drain in 2 s: "
			      "queued alerts were dropped");
	}
	state_free(L.state);
	rules_free(L.rules);
	if (ret_stats)
		*ret_stats = L.stats;
	return r;
}
