/*
 * cmd_trace.c - `bulwark trace`: runs the eBPF sensor and prints every
 * decoded event, one per line (human-readable, or JSON with --json).  A
 * debugging aid and the end-to-end check of the sensor used by
 * tests/integration/test_sensor.sh.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "sensor/sensor.h"

#define TRACE_VALUE_MAX 4096

struct trace {
	bool json;
	long pid;          /* 0 = all */
	long count;        /* 0 = unlimited */
	long printed;
};

/* Set by SIGINT/SIGTERM; the only state a signal handler may touch. */
static volatile sig_atomic_t trace_stop;

static void on_signal(int sig)
{
	(void)sig;
	trace_stop = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: bulwark trace [--type NAME[,NAME...]] [--count N] "
		"[--duration SECS]\n"
		"                     [--pid PID] [--json]\n\n"
		"Print the events the eBPF sensor sees, one per line.\n\n"
		"  -t, --type LIST     only these event types (Falco names, "
		"e.g. execve,openat)\n"
		"  -n, --count N       stop after N events\n"
		"  -d, --duration S    stop after S seconds\n"
		"  -p, --pid PID       only events of this process (or "
		"thread) id\n"
		"  -j, --json          one JSON object per line\n"
		"  -h, --help          this help\n");
}

static int parse_long(const char *s, long min, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_types(const char *list, bool want[BW_EVT__COUNT])
{
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");
		uint16_t t = bw_evt_type_by_name(p, n);

		if (t == BW_EVT_UNKNOWN || t == BW_EVT_DROP) {
			fprintf(stderr, "bulwark trace: unknown event type "
					"'%.*s'\n",
				(int)n, p);
			return -EINVAL;
		}
		want[t] = true;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static void print_human(const struct bw_event *ev)
{
	const struct bw_evt_info *info = bw_evt_info(ev->type);
	char val[TRACE_VALUE_MAX], tbuf[32];
	time_t sec = (time_t)(ev->ts_ns / 1000000000ull);
	struct tm tm;

	localtime_r(&sec, &tm);
	strftime(tbuf, sizeof(tbuf), "%H:%M:%S", &tm);
	printf("%s.%09" PRIu64 " %d %d %s", tbuf, (uint64_t)(ev->ts_ns % 1000000000u),
	       ev->tid, ev->pid, info ? info->name : "?");
	for (int i = 0; info && i < ev->nparams && i < info->nparams; i++) {
		if (ev->params[i].type == BW_PT_NONE)
			continue;
		bw_param_render(&info->params[i], &ev->params[i], val,
				sizeof(val));
		for (char *c = val; *c; c++) /* one event, one line */
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '.';
		printf(" %s=%s", info->params[i].name, val);
	}
	putchar('\n');
}

static void print_json(const struct bw_event *ev)
{
	const struct bw_evt_info *info = bw_evt_info(ev->type);
	json_t *o = json_object(), *params = json_object();
	char val[TRACE_VALUE_MAX];
	char *s;

	json_object_set_new(o, "num", json_integer((json_int_t)ev->num));
	json_object_set_new(o, "ts", json_integer((json_int_t)ev->ts_ns));
	json_object_set_new(o, "type", json_string(info ? info->name : "?"));
	json_object_set_new(o, "tid", json_integer(ev->tid));
	json_object_set_new(o, "pid", json_integer(ev->pid));
	json_object_set_new(o, "cpu", json_integer(ev->cpu));
	json_object_set_new(o, "res", json_integer(ev->res));
	for (int i = 0; info && i < ev->nparams && i < info->nparams; i++) {
		if (ev->params[i].type == BW_PT_NONE)
			continue;
		bw_param_render(&info->params[i], &ev->params[i], val,
				sizeof(val));
		/* json_string rejects invalid UTF-8: fall back to a copy
		 * with the bad bytes replaced */
		json_t *js = json_string(val);

		if (!js) {
			for (char *c = val; *c; c++)
				if ((unsigned char)*c >= 0x80)
					*c = '?';
			js = json_string(val);
		}
		json_object_set_new(params, info->params[i].name, js);
	}
	json_object_set_new(o, "params", params);
	if (ev->argc) {
		json_t *argv = json_array();

		for (int i = 0; i < ev->argc; i++)
			json_array_append_new(
				argv, json_stringn_nocheck(ev->argv[i].ptr,
							   ev->argv[i].len));
		json_object_set_new(o, "argv", argv);
	}
	s = json_dumps(o, JSON_COMPACT);
	if (s)
		puts(s);
	free(s);
	json_decref(o);
}

static void on_event(struct bw_event *ev, void *ctx)
{
	struct trace *t = ctx;

	if (t->count && t->printed >= t->count)
		return;
	if (t->pid && ev->type != BW_EVT_DROP && ev->pid != t->pid &&
	    ev->tid != t->pid)
		return;
	if (t->json)
		print_json(ev);
	else
		print_human(ev);
	t->printed++;
}

int cmd_trace(int argc, char **argv)
{
	static const struct option opts[] = {
		{"type", required_argument, NULL, 't'},
		{"count", required_argument, NULL, 'n'},
		{"duration", required_argument, NULL, 'd'},
		{"pid", required_argument, NULL, 'p'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct bw_sensor_config cfg = {0};
	struct trace t = {0};
	struct bw_sensor *s = NULL;
	struct bw_error err = {0};
	struct sigaction sa = {0};
	bool typed = false;
	long duration = 0;
	char ebuf[BW_ERROR_MSG_MAX + 300];
	time_t end = 0;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:n:d:p:jh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (parse_types(optarg, cfg.want))
				return 2;
			typed = true;
			break;
		case 'n':
			if (parse_long(optarg, 1, &t.count))
				goto bad_number;
			break;
		case 'd':
			if (parse_long(optarg, 1, &duration))
				goto bad_number;
			break;
		case 'p':
			if (parse_long(optarg, 1, &t.pid))
				goto bad_number;
			break;
		case 'j':
			t.json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "bulwark trace: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!typed)
		for (int i = 1; i < BW_EVT__COUNT; i++)
			cfg.want[i] = true;
	cfg.ignore_tgid = getpid();

	r = sensor_open(&cfg, &s, &err);
	if (r) {
		fprintf(stderr, "bulwark trace: %s\n",
			bw_error_str(&err, ebuf, sizeof(ebuf)));
		return 1;
	}
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	fprintf(stderr, "bulwark trace: sensor attached (%s)\n",
		sensor_hooks(s));
	if (duration)
		end = time(NULL) + duration;
	while (!trace_stop) {
		if (end && time(NULL) >= end)
			break;
		if (t.count && t.printed >= t.count)
			break;
		r = sensor_poll(s, 100, on_event, &t);
		if (r < 0 && r != -EINTR) {
			fprintf(stderr, "bulwark trace: poll: %s\n",
				strerror(-r));
			break;
		}
	}
	sensor_poll(s, 0, on_event, &t);
	{
		struct bw_sensor_stats st;

		sensor_stats(s, &st);
		fprintf(stderr,
			"bulwark trace: %" PRIu64 " events, %" PRIu64
			" drops, %" PRIu64 " decode errors\n",
			st.events, st.drops, st.decode_errors);
	}
	sensor_close(s);
	return 0;

bad_number:
	fprintf(stderr, "bulwark trace: '%s' is not a valid number\n", optarg);
	return 2;
}
