/*
 * bench_rules.c - throughput of the rules engine on a realistic event mix.
 *
 * Loads a rules file (argv[1]; default rules/bulwark_rules.yaml if the repo
 * has it, else the upstream falco_rules.yaml under $BW_SHARED_DIR), builds
 * ~100k synthetic events in memory (execve of common binaries, openat of
 * files with read/write flags, connect/accept, setuid, ...; some processes
 * in containers, with a three-level process tree for ancestor fields), then
 * evaluates them in a loop for ~2 s.  Prints events/s/core and the ratio
 * against a baseline measured in the same run: iterating the same events
 * and extracting only evt.type's name.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rules/rules.h"
#include "state/state.h"

#define NEVENTS 100000
#define NPROCS 64
#define BENCH_SECS 2.0

struct world {
	struct bw_proc procs[NPROCS];
	struct bw_container ctr[3];
	struct bw_fdinfo *fds;
	struct bw_event *evs;
	char (*paths)[64];
};

static struct bw_proc *lookup(void *ctx, int32_t pid)
{
	struct world *w = ctx;

	if (pid >= 1000 && pid < 1000 + NPROCS)
		return &w->procs[pid - 1000];
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const bins[] = {
	"bash", "sh", "ls", "cat", "curl", "python3", "nginx", "node", "grep",
	"sed", "awk", "ps", "nc", "sshd", "java", "git", "tar", "apt",
};
static const char *const files[] = {
	"/etc/passwd", "/etc/shadow", "/var/log/syslog", "/tmp/x.txt",
	"/usr/lib/libc.so.6", "/proc/self/status", "/home/u/.bashrc",
	"/etc/nginx/nginx.conf", "/var/lib/app/data.db", "/root/.ssh/id_rsa",
	"/dev/null", "/usr/bin/ls", "/etc/ld.so.cache", "/srv/www/index.html",
};

static void build(struct world *w)
{
	static char args[] = "-c\0echo hi";

	for (int i = 0; i < 3; i++) {
		snprintf(w->ctr[i].id, sizeof(w->ctr[i].id), i ? "c0ffee00%04d" : "host", i);
		w->ctr[i].name = i ? "app" : NULL;
		w->ctr[i].image_repository = i ? "docker.io/library/nginx" : NULL;
	}
	for (int i = 0; i < NPROCS; i++) {
		struct bw_proc *p = &w->procs[i];

		p->tid = p->pid = 1000 + i;
		p->ppid = i < 4 ? 1 : 1000 + i / 4;
		p->vpid = p->pid;
		p->sid = 1000;
		snprintf(p->comm, sizeof(p->comm), "%s", bins[i % 18]);
		p->exe = (char *)bins[i % 18];
		p->exepath = (char *)"/usr/bin/x";
		p->args = args;
		p->args_len = sizeof(args);
		p->argc = 2;
		p->uid = p->euid = i % 3 ? 1000 : 0;
		p->loginuid = 0xffffffffu;
		p->container = &w->ctr[i % 3];
		p->start_ts = 1;
	}
	w->fds = calloc(NEVENTS, sizeof(*w->fds));
	w->evs = calloc(NEVENTS, sizeof(*w->evs));
	w->paths = calloc(NEVENTS, sizeof(*w->paths));
	for (int i = 0; i < NEVENTS; i++) {
		struct bw_event *e = &w->evs[i];
		struct bw_fdinfo *fd = &w->fds[i];
		struct bw_proc *p = &w->procs[(i * 7) % NPROCS];
		int k = i % 20;

		e->num = (uint64_t)i + 1;
		e->ts_ns = 1700000000000000000ull + (uint64_t)i * 1000;
		e->proc = p;
		e->container = p->container;
		e->pid = e->tid = p->pid;
		if (k < 8) {                 /* openat */
			const char *f = files[i % 14];

			snprintf(w->paths[i], 64, "%s", f);
			e->type = BW_EVT_OPENAT;
			e->res = 3;
			e->nparams = 7;
			e->params[0].type = BW_PT_FD;
			e->params[0].v.i64 = 3;
			e->params[1].type = BW_PT_FD;
			e->params[2].type = BW_PT_PATH;
			e->params[2].v.str.ptr = w->paths[i];
			e->params[2].v.str.len = (uint32_t)strlen(f);
			e->params[3].type = BW_PT_FLAGS;
			e->params[3].v.u64 = (i % 3 == 0) ? 01 | 0100 : 0;
			e->params[4].type = BW_PT_MODE;
			e->params[5].type = BW_PT_UINT64;
			e->params[6].type = BW_PT_UINT64;
			fd->type = BW_FD_FILE;
			fd->name = w->paths[i];
			fd->fd = 3;
			e->fd = fd;
		} else if (k < 12) {         /* execve */
			e->type = BW_EVT_EXECVE;
			e->res = 0;
			e->nparams = 0;
		} else if (k < 15) {         /* connect */
			e->type = BW_EVT_CONNECT;
			e->res = 0;
			e->nparams = 1;
			e->params[0].type = BW_PT_ERRNO;
			fd->type = BW_FD_IPV4;
			fd->l4proto = BW_L4_TCP;
			fd->name = (char *)"10.0.0.5:40000->1.2.3.4:443";
			fd->tuple.src.family = fd->tuple.dst.family = AF_INET;
			inet_pton(AF_INET, "10.0.0.5", fd->tuple.src.addr);
			inet_pton(AF_INET, i % 2 ? "1.2.3.4" : "169.254.169.254",
				  fd->tuple.dst.addr);
			fd->tuple.src.port = 40000;
			fd->tuple.dst.port = (uint16_t)(i % 5 ? 443 : 22);
			e->fd = fd;
		} else if (k < 17) {
			e->type = BW_EVT_ACCEPT4;
			e->res = 5;
		} else if (k < 18) {
			e->type = BW_EVT_SETUID;
			e->res = 0;
		} else if (k < 19) {
			e->type = BW_EVT_CLOSE;
		} else {
			e->type = BW_EVT_UNLINKAT;
			e->res = 0;
		}
	}
}

static void on_match(const struct bw_rule *r, struct bw_event *ev, void *ctx)
{
	(*(uint64_t *)ctx)++;
}

static const char *default_rules(char *buf, size_t len)
{
	const char *src = getenv("BW_SOURCE_DIR");
	const char *sh = getenv("BW_SHARED_DIR");

	snprintf(buf, len, "%s/rules/bulwark_rules.yaml", src ? src : BW_SOURCE_DIR);
	if (access(buf, R_OK) == 0)
		return buf;
	snprintf(buf, len, "%s/conformance/falco-rules/falco_rules.yaml",
		 sh ? sh : BW_SOURCE_DIR "/../shared");
	return buf;
}

int main(int argc, char **argv)
{
	struct bw_ruleset *rs;
	struct bw_rules_diag d = { 0 };
	struct bw_error err = { 0 };
	struct world w;
	char path[4096], eb[1024];
	const char *rules = argc > 1 ? argv[1] : default_rules(path, sizeof(path));
	uint64_t n = 0, matches = 0, sink = 0;
	double t0, t, base_rate, rate;

	memset(&w, 0, sizeof(w));
	if (rules_new(&rs))
		return 1;
	if (rules_load_file(rs, rules, &d, &err) || rules_compile(rs, &d, &err)) {
		fprintf(stderr, "bench_rules: %s\n", bw_error_str(&err, eb, sizeof(eb)));
		return 1;
	}
	build(&w);
	rules_set_proc_lookup(rs, lookup, &w);
	printf("rules file: %s (%zu rules loaded, %zu skipped)\n", rules,
	       rules_count_loaded(rs), rules_count_skipped(rs));

	/* baseline: iterate and extract evt.type's name */
	t0 = now();
	do {
		for (int i = 0; i < NEVENTS; i++) {
			const struct bw_evt_info *ei = bw_evt_info(w.evs[i].type);

			sink += ei && ei->name ? (uint64_t)ei->name[0] : 0;
		}
		n += NEVENTS;
	} while ((t = now() - t0) < BENCH_SECS / 4);
	base_rate = (double)n / t;

	n = 0;
	t0 = now();
	do {
		for (int i = 0; i < NEVENTS; i++)
			rules_eval(rs, &w.evs[i], on_match, &matches);
		n += NEVENTS;
	} while ((t = now() - t0) < BENCH_SECS);
	rate = (double)n / t;
	printf("baseline (evt.type only): %.0f events/s/core\n", base_rate);
	printf("rules_eval: %.0f events/s/core (%.0f ns/event, %.2f%% matched)\n",
	       rate, 1e9 / rate, 100.0 * (double)matches / (double)n);
	printf("ratio rules/baseline: %.4f (slowdown x%.1f)\n", rate / base_rate,
	       base_rate / rate);
	printf("target >= 1000000 events/s/core: %s\n",
	       rate >= 1e6 ? "met" : "NOT met");
	if (sink == 42)
		printf(" ");
	rules_diag_free(&d);
	rules_free(rs);
	free(w.fds);
	free(w.evs);
	free(w.paths);
	return 0;
}
